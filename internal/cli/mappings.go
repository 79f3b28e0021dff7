package cli

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/mapping"
	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/taxonomy"
)

func init() { register(47, newCmdMappings) }

func newCmdMappings(io *IO, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mappings",
		Short: "Cross-dataset mappings: cell-cell, cell-cluster, cluster-cluster (MappingSet + AlgorithmRun); compose them",
	}
	cmd.AddCommand(newCmdMappingsIngest(io, g), newCmdMappingsShow(io, g), newCmdMappingsCompose(io, g))
	return cmd
}

type mappingsIngestOptions struct {
	IO                             *IO
	Global                         *globalOptions
	File                           string
	Ingest                         mapping.IngestOptions
	SourceTaxonomy, TargetTaxonomy string
}

func newCmdMappingsIngest(io *IO, g *globalOptions) *cobra.Command {
	opts := &mappingsIngestOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "ingest --kind KIND --set NAME FILE",
		Short: "Ingest a mapping table as one MappingSet (its own store dataset) with its AlgorithmRun",
		Long: `Kinds and their columns (rename with --source-col/--target-col; score optional):
  cell-cell        source_cell, target_cell        --source-dataset D1 --target-dataset D2
  cell-cluster     source_cell, target_cluster     --source-dataset D  --target-taxonomy T
  cluster-cluster  source_cluster, target_cluster  --source-taxonomy A --target-taxonomy B
Cells are resolved against the DataItem ids of their dataset, clusters against
their taxonomy (label, alias or name). An unknown id is an error (exit 1) naming
the row and column, store unchanged; --allow-unresolved counts such rows in the
report and leaves them out.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.File = args[0]
			return runMappingsIngest(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	in := &opts.Ingest
	f.StringVar(&in.Kind, "kind", "", "cell-cell, cell-cluster or cluster-cluster (required)")
	f.StringVar(&in.Set, "set", "", "mapping set name (its store dataset; required)")
	f.StringVar(&in.Source.Dataset, "source-dataset", "", "dataset of the source cells")
	f.StringVar(&in.Target.Dataset, "target-dataset", "", "dataset of the target cells")
	f.StringVar(&opts.SourceTaxonomy, "source-taxonomy", "", "taxonomy of the source clusters")
	f.StringVar(&opts.TargetTaxonomy, "target-taxonomy", "", "taxonomy of the target clusters")
	f.StringVar(&in.SourceCol, "source-col", "", "source column")
	f.StringVar(&in.TargetCol, "target-col", "", "target column")
	f.StringVar(&in.ScoreCol, "score-col", "", "score column (default: score when present)")
	f.StringVar(&in.Algorithm, "algorithm", "", "method / algorithm name (default provided)")
	f.StringVar(&in.AlgorithmVersion, "algorithm-version", "", "method / algorithm version")
	f.StringVar(&in.Description, "description", "", "MappingSet description")
	f.StringVar(&in.Author, "author", "", "MappingSet author")
	f.BoolVar(&in.AllowUnresolved, "allow-unresolved", false, "count and leave out rows with unknown ids instead of failing")
	addWaitFlag(cmd) // --wait DURATION, through the context (store.WithWait)
	return cmd
}

func runMappingsIngest(ctx context.Context, opts *mappingsIngestOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	in := &opts.Ingest
	if in.Kind == "" || in.Set == "" {
		return usageErr("give --kind (cell-cell, cell-cluster, cluster-cluster) and --set NAME")
	}
	if _, err := mapping.Class(in.Kind); err != nil {
		return err
	}
	st, err := store.Open(opts.Global.StorePath(opts.IO))
	if err != nil {
		return err
	}
	defer st.Close()
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		return err
	}
	for _, s := range []struct {
		name string
		dst  **taxonomy.Taxonomy
	}{{opts.SourceTaxonomy, &in.Source.Taxonomy}, {opts.TargetTaxonomy, &in.Target.Taxonomy}} {
		if s.name != "" {
			if *s.dst, err = taxonomy.Open(sn, s.name); err != nil {
				return err
			}
		}
	}
	abs, _ := filepath.Abs(opts.File)
	in.SourceURI = abs
	rep, err := mapping.Ingest(ctx, st, opts.File, *in)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "mapping set %s (%s): %d rows, %d stored, %d unresolved", in.Set, in.Kind, rep.Rows, rep.Stored, rep.Unresolved)
	if rep.Unresolved > 0 {
		fmt.Fprintf(opts.IO.Out, " (%s)", strings.Join(rep.UnresolvedRows, ", "))
	}
	fmt.Fprintf(opts.IO.Out, ", store version %d\n", rep.Version)
	return nil
}

// ---- show

type mappingsShowOptions struct {
	IO     *IO
	Global *globalOptions
	Set    string
	Limit  int
	Ref    refFlags
}

func newCmdMappingsShow(io *IO, g *globalOptions) *cobra.Command {
	opts := &mappingsShowOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "show [SET]",
		Short: "List the mapping sets, or show the first rows of one",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Set = args[0]
			}
			return runMappingsShow(c.Context(), opts)
		},
	}
	cmd.Flags().IntVarP(&opts.Limit, "limit", "n", 10, "rows to show")
	opts.Ref.add(cmd)
	return cmd
}

func runMappingsShow(ctx context.Context, opts *mappingsShowOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	st, sn, _, err := openSnapshot(opts.IO, opts.Global, opts.Ref)
	if err != nil {
		return err
	}
	defer st.Close()
	w := opts.IO.Out
	if opts.Set == "" {
		var sets []string
		for _, d := range sn.Datasets() {
			if sn.Meta(d)["kind"] == "mappings" {
				sets = append(sets, d)
			}
		}
		sort.Strings(sets)
		for _, d := range sets {
			m := sn.Meta(d)
			cls, _ := mapping.Class(fmt.Sprint(m["mapping_kind"]))
			ti, _ := sn.Table(d, cls)
			fmt.Fprintf(w, "%-24s %-16v %v -> %v  %d rows, %v unresolved\n", d, m["mapping_kind"], m["source"], m["target"], ti.Rows, m["unresolved"])
		}
		return nil
	}
	m := sn.Meta(opts.Set)
	cls, err := mapping.Class(fmt.Sprint(m["mapping_kind"]))
	if err != nil || m["kind"] != "mappings" {
		return usageErr("%s is not a mapping set (list them with 'ccc mappings show')", opts.Set)
	}
	ti, err := sn.Table(opts.Set, cls)
	if err != nil {
		return err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT * EXCLUDE (id, mapping_set) FROM read_parquet("+store.QuoteString(ti.Path)+") LIMIT ?", opts.Limit)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	cw := csv.NewWriter(w)
	_ = cw.Write(cols)
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		rec := make([]string, len(cols))
		for i, v := range vals {
			rec[i] = v.String
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	return rows.Err()
}

// ---- compose

type mappingsComposeOptions struct {
	IO       *IO
	Global   *globalOptions
	Cells    string
	Via      string
	Taxonomy string
	Save     string
	Out      string
}

func newCmdMappingsCompose(io *IO, g *globalOptions) *cobra.Command {
	opts := &mappingsComposeOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "compose --cells DATASET --via SET [--save NAME] [--out F.csv]",
		Short: "Chain cell -> cluster (taxonomy A) with a cluster-cluster set A -> B: cells mapped to B",
		Long: `Compose the cell-to-cluster mappings of DATASET (a cells dataset or a
cell-cluster mapping set) with the cluster-cluster mapping set SET.
Score rule: ` + mapping.ScoreRule + `.
Cells whose cluster (and its ancestors) the crosswalk does not map are counted
as unresolved. --save stores the result as a new cell-cluster mapping set.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return runMappingsCompose(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Cells, "cells", "", "dataset with CellToClusterMapping rows (required)")
	f.StringVar(&opts.Via, "via", "", "cluster-cluster mapping set (required)")
	f.StringVar(&opts.Save, "save", "", "store the composed mappings as this mapping set")
	addWaitFlag(cmd)
	f.StringVar(&opts.Out, "out", "", "write the composed mappings as CSV")
	return cmd
}

func runMappingsCompose(ctx context.Context, opts *mappingsComposeOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.Cells == "" || opts.Via == "" {
		return usageErr("give --cells DATASET and --via SET")
	}
	st, err := store.Open(opts.Global.StorePath(opts.IO))
	if err != nil {
		return err
	}
	defer st.Close()
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		return err
	}
	from := fmt.Sprint(sn.Meta(opts.Via)["source"])
	t, err := taxonomy.Open(sn, from)
	if err != nil {
		return err
	}
	co := mapping.ComposeOptions{Cells: opts.Cells, Via: opts.Via, From: t}
	rows, rep, err := mapping.Compose(ctx, sn, co)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "%d cells of %s (taxonomy %s): %d reached %s through %s (%d mappings), %d unresolved\n",
		rep.Cells, opts.Cells, t.Name, rep.Composed, rep.Target, opts.Via, rep.Rows, rep.Unresolved)
	if opts.Out != "" {
		f, err := os.Create(opts.Out)
		if err != nil {
			return err
		}
		cw := csv.NewWriter(f)
		_ = cw.Write([]string{"source_cell", "target_cluster", "score", "via_cluster"})
		for _, r := range rows {
			_ = cw.Write([]string{r.Cell, r.Cluster, strconv.FormatFloat(r.Score, 'g', -1, 64), r.Via})
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	if opts.Save != "" {
		v, err := mapping.SaveComposed(ctx, st, opts.Save, co, rows, rep)
		if err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.Out, "saved as mapping set %s, store version %d\n", opts.Save, v.Number)
	}
	return nil
}
