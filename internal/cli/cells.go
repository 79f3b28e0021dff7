package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/cells"
	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/taxonomy"
)

func init() { register(46, newCmdCells) }

// cellsSubcommands are added by other cells_*.go files (e.g. 'cells genes').
var cellsSubcommands []func(io *IO, g *globalOptions) *cobra.Command

func newCmdCells(io *IO, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cells",
		Short: "Cells of any modality: ingest with brain regions and cell types, show, count per type and region",
		Long: `Cells of any modality (MERFISH/spatial, EM nuclei, Patch-seq, BARseq/MAPseq)
stored as DataSet, DataItem and CellMetadata (position, brain region from the
atlas), with cluster assignments as CellToClusterMapping in a MappingSet made
by an AlgorithmRun.`,
	}
	cmd.AddCommand(newCmdCellsIngest(io, g), newCmdCellsShow(io, g), newCmdCellsCount(io, g))
	for _, f := range cellsSubcommands {
		cmd.AddCommand(f(io, g))
	}
	return cmd
}

// ---- ingest

type cellsIngestOptions struct {
	IO         *IO
	Global     *globalOptions
	File       string
	Ingest     cells.IngestOptions
	Coords     string
	Atlas      string
	Resolution float64
	NoCCF      bool
	Taxonomy   string
}

func newCmdCellsIngest(io *IO, g *globalOptions) *cobra.Command {
	opts := &cellsIngestOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "ingest --dataset NAME --modality M FILE",
		Short: "Ingest a cell table (CSV/Parquet): positions, brain regions through the atlas, cluster assignments",
		Long: `Ingest a cell table as one store version of dataset NAME: DataSet (modality),
DataItem and CellMetadata per cell; with --taxonomy, the cluster column becomes
CellToClusterMapping rows of one MappingSet and AlgorithmRun.

Regions: CCF coordinates (um; --coord-scale 1000 for mm) are looked up in the
atlas's annotation volume (ccf_region); a parcellation label column (acronym
or id) is resolved against its ontology (location_region). brain_region takes
the CCF region, else the label's; both are kept, disagreements are counted.
Missing or duplicate ids, non-numeric coordinates, unknown region labels and
unknown clusters are errors (exit 1) naming the row; the store is unchanged.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.File = args[0]
			return runCellsIngest(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	in := &opts.Ingest
	f.StringVar(&in.Dataset, "dataset", "", "store dataset for the cells (required)")
	f.StringVar(&in.Modality, "modality", "", "modality: "+strings.Join(cells.Modalities, ", ")+" (required)")
	f.StringVar(&in.Name, "name", "", "DataSet name (default: the dataset)")
	f.StringVar(&in.Publication, "publication", "", "DataSet publication (citation, DOI or URL)")
	f.StringVar(&in.IDCol, "id-col", "", "cell id column (default: cell_id, cell_label, id, nucleus_id, cell, pt_root_id)")
	f.StringVar(&opts.Coords, "coords", "", "x,y,z coordinate columns (AP,DV,ML; default x,y,z or ccf_x,... when present; '-' for none)")
	f.Float64Var(&in.CoordScale, "coord-scale", 1, "multiply coordinates by this to get um (1000 for mm)")
	f.StringVar(&in.ReferenceSpace, "reference-space", "", "spatial_location_reference_space (default: the atlas name)")
	f.StringVar(&in.RegionCol, "region-col", "", "parcellation label column (default: parcellation_substructure, region, ...; '-' for none)")
	f.StringVar(&in.QualityCol, "quality-col", "", "quality_score column")
	f.StringVar(&in.CountsCol, "counts-col", "", "total_counts column")
	f.StringVar(&in.GenesCol, "genes-col", "", "n_genes_detected column")
	f.StringVar(&opts.Atlas, "atlas", "", "atlas for regions (default: the only atlas in the store)")
	f.Float64Var(&opts.Resolution, "resolution", 0, "annotation volume resolution in um (default: the finest)")
	f.BoolVar(&opts.NoCCF, "no-ccf-lookup", false, "store positions without looking them up in an annotation volume")
	f.StringVar(&opts.Taxonomy, "taxonomy", "", "taxonomy of the cluster column (stored with 'ccc taxonomy load')")
	f.StringVar(&in.ClusterCol, "cluster-col", "", "cluster column (label, alias or name; default cluster_alias, cluster_label, cluster)")
	f.StringVar(&in.ScoreCol, "score-col", "", "assignment score column")
	f.StringVar(&in.Algorithm, "algorithm", "", "AlgorithmRun algorithm_name of the assignments (default provided)")
	f.StringVar(&in.AlgorithmVersion, "algorithm-version", "", "AlgorithmRun algorithm_version")
	f.StringVar(&in.ScoreDescription, "score-description", "", "what the scores mean")
	f.BoolVar(&in.AllowUnresolved, "allow-unresolved", false, "count and skip assignments to clusters the taxonomy lacks instead of failing")
	addWaitFlag(cmd) // --wait DURATION, through the context (store.WithWait)
	return cmd
}

// h5adIngest, when the AnnData capability sets it, handles
// 'ccc cells ingest FILE.h5ad' (obs as CellMetadata, var as GeneMetadata,
// X as a CellGeneData artifact) with the same options.
var h5adIngest func(ctx context.Context, opts *cellsIngestOptions) error

func runCellsIngest(ctx context.Context, opts *cellsIngestOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if strings.EqualFold(filepath.Ext(opts.File), ".h5ad") {
		if h5adIngest != nil {
			return h5adIngest(ctx, opts)
		}
		return usageErr("%s is an AnnData file: 'ccc cells ingest' reads CSV or Parquet cell tables; use 'ccc cells ingest-h5ad' for .h5ad", opts.File)
	}
	in := &opts.Ingest
	if in.Dataset == "" || in.Modality == "" {
		return usageErr("give --dataset NAME and --modality (%s)", strings.Join(cells.Modalities, ", "))
	}
	in.Modality = strings.ToUpper(in.Modality)
	if opts.Coords != "" {
		if opts.Coords == "-" {
			in.Coords[0] = "-"
		} else {
			parts := strings.Split(opts.Coords, ",")
			if len(parts) != 3 {
				return usageErr("--coords wants three columns x,y,z (AP,DV,ML), got %q", opts.Coords)
			}
			for i, p := range parts {
				in.Coords[i] = strings.TrimSpace(p)
			}
		}
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
	if len(atlas.Names(sn)) > 0 || opts.Atlas != "" {
		a, err := atlas.Open(st, store.Ref{}, opts.Atlas)
		if err != nil {
			return err
		}
		in.Ontology, in.Atlas = a.Ontology, a.Name
		in.Ontology.Name = a.Name
		if !opts.NoCCF && len(a.Resolutions()) > 0 {
			if in.Volume, err = a.Volume(opts.Resolution); err != nil {
				return err
			}
		}
	}
	if opts.Taxonomy != "" {
		if in.Taxonomy, err = taxonomy.Open(sn, opts.Taxonomy); err != nil {
			return err
		}
	}
	abs, _ := filepath.Abs(opts.File)
	in.SourceURI, in.NoCCF = abs, opts.NoCCF
	rep, err := cells.Ingest(ctx, st, opts.File, *in)
	if err != nil {
		return err
	}
	w := opts.IO.Out
	fmt.Fprintf(w, "%d cells -> dataset %s (%s), store version %d\n", rep.Cells, in.Dataset, in.Modality, rep.Version)
	fmt.Fprintf(w, "regions: %d from CCF, %d from labels, %d unlocated (%d points outside the volume), %d CCF/label disagreements kept\n",
		rep.CCF, rep.Location, rep.Unlocated, rep.Outside, rep.Disagree)
	if in.Taxonomy != nil {
		fmt.Fprintf(w, "clusters (%s): %d cells mapped, %d without a cluster, %d unresolved", in.Taxonomy.Name, rep.Mapped, rep.Unassigned, rep.Unresolved)
		if len(rep.UnresolvedRows) > 0 {
			fmt.Fprintf(w, " (%s)", strings.Join(rep.UnresolvedRows, ", "))
		}
		fmt.Fprintln(w)
	}
	return nil
}

// openSnapshot opens the store and the snapshot the ref flags name; the
// caller closes the store.
func openSnapshot(io *IO, g *globalOptions, rf refFlags) (*store.Store, *store.Snapshot, store.Ref, error) {
	ref, err := rf.ref()
	if err != nil {
		return nil, nil, ref, err
	}
	st, err := store.Open(g.StorePath(io))
	if err != nil {
		return nil, nil, ref, err
	}
	sn, err := st.Snapshot(ref)
	if err != nil {
		st.Close()
		return nil, nil, ref, err
	}
	return st, sn, ref, nil
}

// openLevelAtlas opens taxonomy name with the number of level, and the atlas.
func openLevelAtlas(st *store.Store, sn *store.Snapshot, ref store.Ref, name, level, atlasName string) (*taxonomy.Taxonomy, int, *atlas.Atlas, error) {
	t, err := taxonomy.Open(sn, name)
	if err != nil {
		return nil, 0, nil, err
	}
	l, err := t.LevelIndex(level)
	if err != nil {
		return nil, 0, nil, err
	}
	a, err := atlas.Open(st, ref, atlasName)
	if err != nil {
		return nil, 0, nil, err
	}
	return t, l, a, nil
}

// ---- count

type cellsCountOptions struct {
	IO                 *IO
	Global             *globalOptions
	Datasets           string
	Taxonomy           string
	By                 string
	Regions            string
	AllRegions         bool
	IncludeDescendants bool
	Direct             bool
	Atlas              string
	Format             string
	Ref                refFlags
}

func newCmdCellsCount(io *IO, g *globalOptions) *cobra.Command {
	opts := &cellsCountOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "count --by LEVEL [--region R,...] [--include-descendants]",
		Short: "Count cells per cell type (a taxonomy level) and brain region, rolled up the atlas hierarchy",
		Long: `Count the cells of each cluster of a taxonomy level (class, subclass, ...) per
brain region. A cell counts for a cluster when its assigned cluster is that
cluster or below it; for a region when its brain_region is that region or,
with --include-descendants, any region below it (the atlas roll-up).
--all-regions counts for every region of the atlas (with
--include-descendants: the full roll-up, each region with its subtree).

Datasets written by 'ccc cells ingest' are counted from their
CellClusterRegionCount table (cells per region and assigned cluster, written
in the same store version); others with a join over every cell.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return runCellsCount(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.By, "by", "", "taxonomy level to group by (e.g. subclass; required)")
	f.StringVar(&opts.Regions, "region", "", "regions (ids or acronyms, comma-separated; default the root)")
	f.BoolVar(&opts.AllRegions, "all-regions", false, "count for every region of the atlas (instead of --region)")
	f.BoolVar(&opts.IncludeDescendants, "include-descendants", false, "count the cells of every region below each region too")
	f.BoolVar(&opts.Direct, "direct", false, "join every cell with its assignment, ignoring the CellClusterRegionCount tables (slower; to cross-check)")
	f.StringVar(&opts.Taxonomy, "taxonomy", "", "taxonomy (default: the only one)")
	f.StringVar(&opts.Datasets, "dataset", "", "cell datasets, comma-separated (default: all mapped to the taxonomy)")
	f.StringVar(&opts.Atlas, "atlas", "", "atlas (default: the only one)")
	f.StringVar(&opts.Format, "format", "table", "output format: table, csv or json")
	opts.Ref.add(cmd)
	return cmd
}

func runCellsCount(ctx context.Context, opts *cellsCountOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := taxonomy.CheckFormat(opts.Format); err != nil {
		return err
	}
	if opts.By == "" {
		return usageErr("give --by LEVEL (a taxonomy level such as subclass)")
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
	co := cells.CountOptions{Taxonomy: t, Level: level, Ontology: a.Ontology, IncludeDescendants: opts.IncludeDescendants, Direct: opts.Direct}
	if opts.AllRegions {
		if opts.Regions != "" {
			return usageErr("give --region R,... or --all-regions, not both")
		}
		for _, r := range a.Ontology.Regions() {
			co.Regions = append(co.Regions, r.ID)
		}
	} else if co.Regions, err = cells.ResolveRegions(a.Ontology, opts.Regions); err != nil {
		return err
	}
	if opts.Datasets != "" {
		co.Datasets = strings.Split(opts.Datasets, ",")
	}
	rows, stats, err := cells.Count(ctx, sn, co)
	if err != nil {
		return err
	}
	w := opts.IO.Out
	switch opts.Format {
	case "json":
		if rows == nil {
			rows = []cells.CountRow{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			return err
		}
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"region_id", "region", opts.By, opts.By + "_name", "count"})
		for _, r := range rows {
			_ = cw.Write([]string{strconv.FormatInt(r.Region, 10), r.Acronym, r.Cluster, r.ClusterName, strconv.FormatInt(r.Count, 10)})
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	default:
		for _, r := range rows {
			fmt.Fprintf(w, "%-10s %-24s %8d  %s\n", r.Acronym, r.Cluster, r.Count, r.ClusterName)
		}
	}
	if !opts.Global.Quiet {
		fmt.Fprintf(opts.IO.ErrOut, "%d cells in %s: %d with a region, %d mapped at or below %s (%d mapped above it, %d mappings without a cell)\n",
			stats.Cells, strings.Join(stats.Datasets, ","), stats.Located, stats.Mapped, opts.By, stats.AboveLvl, stats.Unmatched)
		if len(stats.FromAggregate) > 0 {
			fmt.Fprintf(opts.IO.ErrOut, "counted from %s: %s\n", cells.CountClass, strings.Join(stats.FromAggregate, ","))
		}
		if len(stats.Direct) > 0 {
			fmt.Fprintf(opts.IO.ErrOut, "counted with a join over every cell: %s\n", strings.Join(stats.Direct, ","))
		}
		for _, n := range stats.Notes {
			fmt.Fprintf(opts.IO.ErrOut, "note: %s\n", n)
		}
	}
	return nil
}
