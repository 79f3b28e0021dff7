package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/crossmodal"
	"github.com/ccc-connectivity/ccc/engine/spark"
	"github.com/ccc-connectivity/ccc/internal/plot"
)

func init() { askSubcommands = append(askSubcommands, newCmdAskCoverage) }

type askCoverageOptions struct {
	IO       *IO
	Global   *globalOptions
	Atlas    string
	Regions  string
	Format   string
	Out      string
	PNG      string
	PrintSQL bool
	Ref      refFlags
	Engine   engineFlags
}

func newCmdAskCoverage(io *IO, g *globalOptions) *cobra.Command {
	opts := &askCoverageOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "coverage [--regions VISp,VISl,TH]",
		Short: "Per region: how many experiments, recording sites, units and cells the store holds in it or below",
		Long: `For each region (--regions, default: every region that directly holds a record), the
records of each modality with a region column in the region or below (through
BrainRegionClosure): experiments (ConnectivityExperiment injection site),
recording_sites (RecordingSite), units (SortedUnit), cells (CellMetadata). Tables
whose rows have no path to the CCF (Synapse, CellTypeAnnotation: EM voxel
coordinates) are named on stderr with their row counts, never counted as zeros;
modalities the store does not hold are left out and named too.`,
		Example: `  ccc ask coverage
  ccc ask coverage --regions VISp,VISl,TH,CA1 --format csv --png coverage.png`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runAskCoverage(c.Context(), opts) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.Atlas, "atlas", "", "atlas (default: the only one)")
	f.StringVar(&opts.Regions, "regions", "", "regions, comma-separated acronyms or structure ids (default: every region holding records)")
	f.StringVar(&opts.Format, "format", "table", "table, csv, json or parquet (parquet needs --out)")
	f.StringVarP(&opts.Out, "out", "o", "", "write to FILE instead of standard output")
	f.StringVar(&opts.PNG, "png", "", "also draw the records per region (all modalities) as a bar chart PNG")
	f.BoolVar(&opts.PrintSQL, "print-sql", false, "print the SQL statement (for 'ccc query') instead of running it")
	opts.Ref.add(cmd)
	opts.Engine.add(cmd)
	return cmd
}

func runAskCoverage(ctx context.Context, opts *askCoverageOptions) error {
	var regions []string
	for _, r := range strings.Split(opts.Regions, ",") {
		if r = strings.TrimSpace(r); r != "" {
			regions = append(regions, r)
		}
	}
	onSpark, err := opts.Engine.spark()
	if err != nil {
		return err
	}
	e, err := openAsk(ctx, opts.IO, opts.Global, opts.Ref, opts.Format, opts.Out, opts.PNG, opts.PrintSQL)
	if err != nil {
		return err
	}
	defer e.Close()
	q, err := crossmodal.PrepareCoverage(ctx, e.st, e.sn, e.db, opts.Atlas, regions)
	if err != nil {
		return err
	}
	if onSpark {
		q.SQL = spark.Dialect.CoverageSQL(q.Atlas, q.Regions, q.Sources)
	}
	if opts.PrintSQL {
		_, err := fmt.Fprintln(opts.IO.Out, q.SQL+";")
		return err
	}
	db, png, sn := e.db, e.png, e.sn
	if onSpark {
		t, err := e.writeSpark(ctx, &opts.Engine, opts.IO.Out, "ask coverage", q.SQL, opts.Format, q.Classes())
		if err != nil {
			return err
		}
		rows := sparkRows(t)
		t.Release()
		if png != "" {
			if err := coveragePNG(png, q, rows); err != nil {
				return err
			}
		}
	} else if err := e.write(ctx, opts.IO.Out, "ask coverage", q.SQL, opts.Format); err != nil {
		return err
	}
	if png != "" && !onSpark {
		rows, err := db.QueryContext(ctx, q.SQL)
		if err != nil {
			return fmt.Errorf("ask coverage: %w", err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var all [][]any
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			all = append(all, vals)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if err := coveragePNG(png, q, all); err != nil {
			return err
		}
	}
	if !opts.Global.Quiet {
		cols := make([]string, len(q.Sources))
		for i, s := range q.Sources {
			cols[i] = s.Column
		}
		fmt.Fprintf(opts.IO.ErrOut, "counted: %s (atlas %s, store version %d)\n", strings.Join(cols, ", "), q.Atlas, sn.Number())
		if len(q.Missing) > 0 {
			fmt.Fprintf(opts.IO.ErrOut, "not in the store: %s\n", strings.Join(q.Missing, ", "))
		}
		classes := make([]string, 0, len(q.NoRegion))
		for c := range q.NoRegion {
			classes = append(classes, c)
		}
		sort.Strings(classes)
		for _, c := range classes {
			fmt.Fprintf(opts.IO.ErrOut, "not counted: %s, %d rows without a region (EM voxel coordinates, no path to the CCF)\n", c, q.NoRegion[c])
		}
	}
	return nil
}

// coveragePNG draws the records per region (all modalities) of a coverage
// answer read from Spark (rows: region, acronym, depth, one count per source).
func coveragePNG(png string, q *crossmodal.CoverageQuery, rows [][]any) error {
	var labels []string
	var values []float64
	sum := make([]string, len(q.Sources))
	for i, s := range q.Sources {
		sum[i] = s.Column
	}
	for _, r := range rows {
		a, _ := r[1].(string)
		var v float64
		for _, c := range r[3:] {
			n, _ := c.(int64)
			v += float64(n)
		}
		labels, values = append(labels, a), append(values, v)
	}
	if len(labels) == 0 {
		return usageErr("--png: no region to draw")
	}
	return plot.Bar(png, "records per region ("+strings.Join(sum, " + ")+"), in the region or below", labels, values)
}
