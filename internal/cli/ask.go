package cli

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/crossmodal"
	"github.com/ccc-connectivity/ccc/engine/spark"
	"github.com/ccc-connectivity/ccc/internal/plot"
	"github.com/ccc-connectivity/ccc/store"
)

func init() { register(55, newCmdAsk) }

// askSubcommands are the named questions; each file adds its own.
var askSubcommands = []func(io *IO, g *globalOptions) *cobra.Command{newCmdAskSiteProjections}

func newCmdAsk(io *IO, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ask QUESTION",
		Short: "Answer a documented question that joins modalities (one SQL statement over the store, see docs/query.md)",
		Long: `Named questions across modalities. Each is one read-only SQL statement over
the store's class views (print it with --print-sql and run it with 'ccc query'),
after its names (regions, matrices, sessions) have been checked against the
store.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	for _, f := range askSubcommands {
		cmd.AddCommand(f(io, g))
	}
	return cmd
}

// ---- ask site-projections

type askSiteProjectionsOptions struct {
	IO       *IO
	Global   *globalOptions
	Q        crossmodal.SiteProjectionsOptions
	Format   string
	Out      string
	PNG      string
	PrintSQL bool
	Ref      refFlags
	Engine   engineFlags
}

func newCmdAskSiteProjections(io *IO, g *globalOptions) *cobra.Command {
	opts := &askSiteProjectionsOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "site-projections --source REGION [--session ID] [--matrix NAME]",
		Short: "For each recording site: how strongly its region receives projections from a source region",
		Long: `For each recording site (RecordingSite, from 'ccc nwb ingest') of one session or
all: the tracer experiments of an experiments x regions projection matrix
injected in the source region or below (ConnectivityExperiment x
BrainRegionClosure), and the mean (--stat) of their values in the matrix column
of the site's region, or of its nearest ancestor among the matrix columns
(a site in VISp4 against a column for VISp: levels_up 1). Sites without a
region, or with no column at or above it, are listed with empty values.
Columns: ` + strings.Join(crossmodal.Columns, ", ") + `.
The answer is computed column by column in Go; it equals the answer of the
statement that --print-sql prints (run it with 'ccc query').`,
		Example: `  ccc ask site-projections --source VISp --session synthetic-0001
  ccc ask site-projections --source VISp --matrix quickstart-density --format csv --out sites.csv --png sites.png
  ccc ask site-projections --source VISp --print-sql    # the SQL, for ccc query`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runAskSiteProjections(c.Context(), opts) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.Q.Source, "source", "", "source region: acronym or structure id (required)")
	f.StringVar(&opts.Q.Session, "session", "", "the session's id (RecordingSite.data_item; default: every session)")
	f.StringVar(&opts.Q.Matrix, "matrix", "", "experiments x regions projection matrix (default: the only one)")
	f.StringVar(&opts.Q.Atlas, "atlas", "", "atlas (default: the only one)")
	f.StringVar(&opts.Q.Stat, "stat", "mean", "statistic over the source experiments: mean, median or max")
	f.StringVar(&opts.Format, "format", "table", "table, csv, json or parquet (parquet needs --out)")
	f.StringVarP(&opts.Out, "out", "o", "", "write to FILE instead of standard output")
	f.StringVar(&opts.PNG, "png", "", "also draw the strength per site region as a bar chart PNG")
	f.BoolVar(&opts.PrintSQL, "print-sql", false, "print the SQL statement (for 'ccc query') instead of running it")
	opts.Ref.add(cmd)
	opts.Engine.add(cmd)
	return cmd
}

// askEnv is what a named question runs in: the store version, its
// read-only database and the checked output paths.
type askEnv struct {
	st       *store.Store
	sn       *store.Snapshot
	db       *sql.DB
	out, png string
}

// openAsk checks the output flags and opens the store version read-only
// (the --out file is the only path DuckDB may write).
func openAsk(ctx context.Context, io *IO, g *globalOptions, rf refFlags, format, out, png string, printSQL bool) (*askEnv, error) {
	switch format {
	case "table", "csv", "json":
	case "parquet":
		if out == "" {
			return nil, usageErr("--format parquet needs --out FILE")
		}
	default:
		return nil, usageErr("unknown --format %q (table, csv, json, parquet)", format)
	}
	if printSQL && (out != "" || png != "") {
		return nil, usageErr("--print-sql prints the statement only: drop --out and --png")
	}
	ref, err := rf.ref()
	if err != nil {
		return nil, err
	}
	st, err := openStoreCLI(io, g)
	if err != nil {
		return nil, err
	}
	e := &askEnv{st: st}
	var writable []string
	if out != "" {
		if e.out, err = st.CheckOutput(out); err != nil {
			st.Close()
			return nil, err
		}
		writable = append(writable, e.out)
	}
	if png != "" {
		if e.png, err = st.CheckOutput(png); err != nil {
			st.Close()
			return nil, err
		}
	}
	if e.sn, err = st.Snapshot(ref); err != nil {
		st.Close()
		return nil, err
	}
	if e.db, err = st.ReadOnlyDB(ctx, store.Ref{Version: e.sn.Number()}, writable...); err != nil {
		st.Close()
		return nil, err
	}
	return e, nil
}

func (e *askEnv) Close() {
	e.db.Close()
	e.st.Close()
}

// write runs the statement into --out (Parquet through DuckDB) or prints
// it as a table, CSV or JSON, as 'ccc query' does.
func (e *askEnv) write(ctx context.Context, w io.Writer, what, stmt, format string) error {
	if format == "parquet" {
		if _, err := e.db.ExecContext(ctx, fmt.Sprintf("COPY (%s\n) TO %s (FORMAT parquet, COMPRESSION zstd, USE_TMP_FILE false)", stmt, store.QuoteString(e.out))); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	rows, err := e.db.QueryContext(ctx, stmt)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	if e.out != "" {
		f, err := exportCreateFile(e.out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	return queryWriteRows(w, rows, format)
}

func runAskSiteProjections(ctx context.Context, opts *askSiteProjectionsOptions) error {
	defer crossmodal.AnswerGC()() // GOGC 400 unless GOGC is set
	onSpark, err := opts.Engine.spark()
	if err != nil {
		return err
	}
	e, err := openAsk(ctx, opts.IO, opts.Global, opts.Ref, opts.Format, opts.Out, opts.PNG, opts.PrintSQL)
	if err != nil {
		return err
	}
	defer e.Close()
	var q *crossmodal.SiteProjectionsQuery
	var answers *crossmodal.SiteAnswers
	if onSpark || opts.PrintSQL {
		if q, err = crossmodal.PrepareSiteProjections(ctx, e.st, e.sn, e.db, opts.Q); err != nil {
			return err
		}
	} else if q, answers, err = crossmodal.AskSiteProjections(ctx, e.st, e.sn, e.db, opts.Q); err != nil {
		return err // the answer in process: the sites are read while DuckDB checks the names
	}
	if onSpark {
		q.SQL = spark.Dialect.SiteProjectionsSQL(q.Atlas, q.SourceID, q.MatrixDataset, q.Matrix, q.Session, q.Stat)
	}
	if opts.PrintSQL {
		_, err := fmt.Fprintln(opts.IO.Out, q.SQL+";")
		return err
	}
	if onSpark {
		t, err := e.writeSpark(ctx, &opts.Engine, opts.IO.Out, "ask site-projections", q.SQL, opts.Format, crossmodal.SiteProjectionsClasses)
		if err != nil {
			return err
		}
		var rows []crossmodal.SiteProjection
		for _, v := range sparkRows(t) {
			rows = append(rows, crossmodal.SiteProjectionOf(v))
		}
		t.Release()
		answers = crossmodal.SiteAnswersOf(rows)
	} else if err := writeSiteProjections(opts.IO.Out, e.out, opts.Format, answers); err != nil {
		return err
	}
	matched := answers.Matched()
	if e.png != "" {
		labels, values := siteRegionBars(answers)
		if len(labels) == 0 {
			return usageErr("--png: no site was matched to a matrix column, nothing to draw")
		}
		title := fmt.Sprintf("%s of %d %s experiments into the site regions (%s)", q.Stat, q.SourceRows, q.SourceAcronym, q.Matrix)
		if err := plot.Bar(e.png, title, labels, values); err != nil {
			return err
		}
	}
	if !opts.Global.Quiet {
		fmt.Fprintf(opts.IO.ErrOut, "%d recording sites, %d matched to a column of %s/%s; source %s: %d experiments (store version %d)\n",
			answers.Len(), matched, q.MatrixDataset, q.Matrix, q.SourceAcronym, q.SourceRows, e.sn.Number())
	}
	return nil
}

// writeSiteProjections writes the answer as Parquet (to out) or as 'ccc
// query' prints the statement's rows (table, CSV, JSON; to out or w).
func writeSiteProjections(w io.Writer, out, format string, answers *crossmodal.SiteAnswers) error {
	if out != "" {
		f, err := exportCreateFile(out)
		if err != nil {
			return err
		}
		defer f.Close()
		bw := bufio.NewWriterSize(f, 1<<20)
		if format == "parquet" {
			err = answers.WriteParquet(bw)
		} else {
			err = queryWriteRows(bw, &siteProjectionRows{rows: answers, i: -1}, format)
		}
		if err != nil {
			return fmt.Errorf("ask site-projections: write %s: %w", out, err)
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("ask site-projections: write %s: %w", out, err)
		}
		return f.Close()
	}
	return queryWriteRows(w, &siteProjectionRows{rows: answers, i: -1}, format)
}

// siteProjectionRows reads an answer as the statement's result rows: the
// same columns, values and NULLs.
type siteProjectionRows struct {
	rows *crossmodal.SiteAnswers
	i    int
}

func (r *siteProjectionRows) Columns() ([]string, error) { return crossmodal.Columns, nil }
func (r *siteProjectionRows) Next() bool                 { r.i++; return r.i < r.rows.Len() }
func (r *siteProjectionRows) Err() error                 { return nil }

func (r *siteProjectionRows) Scan(dest ...any) error {
	if len(dest) != len(crossmodal.Columns) {
		return fmt.Errorf("ask site-projections: %d columns, %d destinations", len(crossmodal.Columns), len(dest))
	}
	a := r.rows.Row(r.i)
	vals := []any{a.Session, a.Site, nil, nil, nil, nil, nil, nil, nil, nil}
	if a.HasElectrode {
		vals[2] = a.ElectrodeID
	}
	if a.HasRegion {
		vals[3] = a.SiteRegion
	}
	if a.SiteAcronym != "" {
		vals[4] = a.SiteAcronym
	}
	if a.Matched {
		vals[5], vals[7], vals[8], vals[9] = a.MatchedRegion, int32(a.LevelsUp), a.Strength, int64(a.Experiments)
		if a.MatchedAcronym != "" {
			vals[6] = a.MatchedAcronym
		}
	}
	for i, d := range dest {
		p, ok := d.(*any)
		if !ok {
			return fmt.Errorf("ask site-projections: column %s: scan into %T", crossmodal.Columns[i], d)
		}
		*p = vals[i]
	}
	return nil
}

// siteRegionBars gives one bar per site region (in first-seen order): the
// strength of the column it was matched to (the same for all its sites).
func siteRegionBars(answers *crossmodal.SiteAnswers) ([]string, []float64) {
	seen := map[string]bool{}
	var labels []string
	var values []float64
	for i := range answers.Len() {
		a := answers.Row(i)
		if !a.Matched || math.IsNaN(a.Strength) {
			continue
		}
		l := a.SiteAcronym
		if l == "" {
			l = fmt.Sprint(a.SiteRegion)
		}
		if a.LevelsUp > 0 {
			l += ">" + a.MatchedAcronym
		}
		if seen[l] {
			continue
		}
		seen[l] = true
		labels = append(labels, l)
		values = append(values, a.Strength)
	}
	return labels, values
}
