package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/cells"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/taxonomy"
)

func init() {
	cellsSubcommands = append(cellsSubcommands, newCmdCellsProjections, newCmdCellsRegion)
}

// ---- cells projections

type cellsProjectionsOptions struct {
	IO            *IO
	Global        *globalOptions
	Matrix        string
	MatrixDataset string
	Taxonomy      string
	By            string
	Format        string
	Ref           refFlags
}

func newCmdCellsProjections(io *IO, g *globalOptions) *cobra.Command {
	opts := &cellsProjectionsOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "projections --matrix NAME --by LEVEL",
		Short: "Single-cell projection vectors (BARseq/MAPseq/morphology) grouped by cell type: mean and fraction projecting per target",
		Long: `Group the rows (cells) of a stored projection matrix by their cell type at
LEVEL of a taxonomy (each cell's highest-score cluster from the store's
cell-to-cluster mappings, rolled up to LEVEL). For every type and target
region: the number of cells, the mean value and the fraction of cells with a
value above zero. Cells without a type are counted and left out.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runCellsProjections(c.Context(), opts) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.Matrix, "matrix", "", "projection matrix name (required)")
	f.StringVar(&opts.MatrixDataset, "matrix-dataset", "", "dataset of the matrix (default "+projection.DefaultDataset+")")
	f.StringVar(&opts.Taxonomy, "taxonomy", "", "taxonomy (default: the only one)")
	f.StringVar(&opts.By, "by", "", "taxonomy level (required)")
	f.StringVar(&opts.Format, "format", "table", "table, csv or json")
	opts.Ref.add(cmd)
	return cmd
}

// cellTypes opens the snapshot, the taxonomy and the cell -> type lookup.
func cellTypes(ctx context.Context, st *store.Store, sn *store.Snapshot, name, level string) (*taxonomy.Taxonomy, map[string]string, error) {
	t, err := taxonomy.Open(sn, name)
	if err != nil {
		return nil, nil, err
	}
	l, err := t.LevelIndex(level)
	if err != nil {
		return nil, nil, err
	}
	types, err := cells.TypeLookup(ctx, sn, t, l, nil)
	return t, types, err
}

func runCellsProjections(ctx context.Context, opts *cellsProjectionsOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.Matrix == "" || opts.By == "" {
		return usageErr("give --matrix NAME and --by LEVEL")
	}
	if err := taxonomy.CheckFormat(opts.Format); err != nil {
		return err
	}
	st, sn, ref, err := openSnapshot(opts.IO, opts.Global, opts.Ref)
	if err != nil {
		return err
	}
	defer st.Close()
	t, types, err := cellTypes(ctx, st, sn, opts.Taxonomy, opts.By)
	if err != nil {
		return err
	}
	m, err := projection.LoadMatrix(st, ref, opts.MatrixDataset, opts.Matrix)
	if err != nil {
		return err
	}
	rows, unmapped := cells.ProjectionsByType(m, types)
	w := opts.IO.Out
	switch opts.Format {
	case "json":
		if rows == nil {
			rows = []cells.TypeProjection{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			return err
		}
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{opts.By, "region_id", "region", "cells", "mean", "fraction_projecting"})
		for _, r := range rows {
			_ = cw.Write([]string{r.Type, strconv.FormatInt(r.Region, 10), r.Acronym, strconv.Itoa(r.Cells), ftoa(r.Mean), ftoa(r.Projecting)})
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	default:
		for _, r := range rows {
			fmt.Fprintf(w, "%-24s %-10s %5d cells  mean %10.3f  projecting %.3f\n", r.Type, r.Acronym, r.Cells, r.Mean, r.Projecting)
		}
	}
	if !opts.Global.Quiet {
		fmt.Fprintf(opts.IO.ErrOut, "%d cells of matrix %s: %d typed at %s of %s, %d without a type\n", len(m.Rows), opts.Matrix, len(m.Rows)-unmapped, opts.By, t.Name, unmapped)
	}
	return nil
}

// ---- cells region

type cellsRegionOptions struct {
	IO            *IO
	Global        *globalOptions
	Region        string
	By            string
	Taxonomy      string
	Atlas         string
	TracerMatrix  string
	TracerDataset string
	Top           int
	Ref           refFlags
}

func newCmdCellsRegion(io *IO, g *globalOptions) *cobra.Command {
	opts := &cellsRegionOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "region REGION --by LEVEL [--tracer-matrix NAME]",
		Short: "For a region: the cell types present (spatial cells) and where it projects (tracer experiments)",
		Long: `One answer for a region: the cells of each type at LEVEL in the region and
all regions below it (as 'ccc cells count --include-descendants'), and, with
--tracer-matrix, the mean projection per target region over the tracer
experiments whose primary injection structure is the region or below it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Region = args[0]
			return runCellsRegion(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.By, "by", "", "taxonomy level (required)")
	f.StringVar(&opts.Taxonomy, "taxonomy", "", "taxonomy (default: the only one)")
	f.StringVar(&opts.Atlas, "atlas", "", "atlas (default: the only one)")
	f.StringVar(&opts.TracerMatrix, "tracer-matrix", "", "experiments x regions projection matrix (e.g. from 'ccc projections matrix build')")
	f.StringVar(&opts.TracerDataset, "tracer-dataset", projection.DefaultDataset, "dataset of the experiments and the matrix")
	f.IntVar(&opts.Top, "top", 10, "target regions to show")
	opts.Ref.add(cmd)
	return cmd
}

func runCellsRegion(ctx context.Context, opts *cellsRegionOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.By == "" {
		return usageErr("give --by LEVEL")
	}
	st, sn, ref, err := openSnapshot(opts.IO, opts.Global, opts.Ref)
	if err != nil {
		return err
	}
	defer st.Close()
	t, level, a, err := openLevelAtlas(st, sn, ref, opts.Taxonomy, opts.By, opts.Atlas)
	if err != nil {
		return err
	}
	r, err := a.Ontology.Lookup(opts.Region)
	if err != nil {
		return err
	}
	rows, stats, err := cells.Count(ctx, sn, cells.CountOptions{Taxonomy: t, Level: level, Ontology: a.Ontology, Regions: []int64{r.ID}, IncludeDescendants: true})
	if err != nil {
		return err
	}
	w := opts.IO.Out
	var n int64
	for _, c := range rows {
		n += c.Count
	}
	fmt.Fprintf(w, "%s (%s): %d cells of %d %s types (datasets %v)\n", r.Acronym, r.Name, n, len(rows), opts.By, stats.Datasets)
	for _, c := range rows {
		fmt.Fprintf(w, "  %-24s %8d  %5.1f%%  %s\n", c.Cluster, c.Count, 100*float64(c.Count)/float64(max(n, 1)), c.ClusterName)
	}
	if opts.TracerMatrix == "" {
		return nil
	}
	exps, err := cells.InjectedIn(ctx, sn, opts.TracerDataset, a.Ontology, r.ID)
	if err != nil {
		return err
	}
	m, err := projection.LoadMatrix(st, ref, opts.TracerDataset, opts.TracerMatrix)
	if err != nil {
		return err
	}
	targets, used := cells.TracerTargets(m, exps)
	fmt.Fprintf(w, "projects to (mean %s over %d experiments injected in %s or below):\n", m.MeasurementType, used, r.Acronym)
	for i, tm := range targets {
		if i == opts.Top {
			break
		}
		fmt.Fprintf(w, "  %-10s %.4g\n", tm.Acronym, tm.Mean)
	}
	return nil
}
