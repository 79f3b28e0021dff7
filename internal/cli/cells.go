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
	"github.com/ccc-connectivity/ccc/expression"
	"github.com/ccc-connectivity/ccc/space"
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
	File       string // the cell table (positional argument)
	H5AD       string // --h5ad FILE (or a positional .h5ad file)
	Ingest     cells.IngestOptions
	Coords     string
	Atlas      string
	Resolution float64
	NoCCF      bool
	Taxonomy   string
	Space      string
	// AnnData input: the options that only apply to it
	AnnData expression.IngestOptions
	JSON    bool
	// Set holds the flags given on the command line, so that a flag that
	// does not apply to the input is refused, never ignored.
	Set map[string]bool
}

// cellsTableFlags apply only to a cell table (CSV/Parquet), cellsH5ADFlags
// only to an AnnData file; the other flags of 'cells ingest' apply to both.
var (
	cellsTableFlags = []string{"id-col", "coords", "coord-scale", "region-col", "quality-col", "counts-col", "genes-col",
		"atlas", "resolution", "no-ccf-lookup", "taxonomy", "cluster-col", "score-col", "algorithm", "algorithm-version",
		"score-description", "allow-unresolved", "space"}
	cellsH5ADFlags = []string{"item", "layer", "gene-symbol-column", "spatial-obsm", "message", "json"}
)

func newCmdCellsIngest(io *IO, g *globalOptions) *cobra.Command {
	opts := &cellsIngestOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "ingest --dataset NAME --modality M FILE | ingest --dataset NAME --h5ad FILE.h5ad",
		Short: "Ingest cells: a cell table (CSV/Parquet) with regions and cluster assignments, or an AnnData .h5ad file",
		Long: `Ingest a cell table as one store version of dataset NAME: DataSet (modality),
DataItem and CellMetadata per cell; with --taxonomy, the cluster column becomes
CellToClusterMapping rows of one MappingSet and AlgorithmRun.

With --h5ad FILE.h5ad (or a FILE ending in .h5ad) the AnnData file is read and
checked whole, then stored as one version: DataSet and DataItem rows (the
matrix's data item and one per cell), obs as CellMetadata (cell_id = obs_names;
total_counts and n_genes_detected from the usual obs columns; spatial_location
from --spatial-obsm), var as GeneMetadata (gene_id = var_names, gene_symbol
from a gene_symbol/feature_name column), and one CellGeneData row whose
cell_gene_matrix is the artifact h5ad/<item>/X: the matrix (X or --layer)
copied to Zarr in anndata's layout and checksummed by the store, beside
obs.parquet and var.parquet holding every obs and var column. --modality
defaults to TRANSCRIPTOMICS. The cell-table flags (--id-col, --coords,
--atlas, --taxonomy, ...) do not apply to an AnnData file and are refused, as
are the AnnData flags (--item, --layer, --gene-symbol-column, --spatial-obsm,
--message, --json) with a cell table. A bad file (missing X, obs length not
matching X, unknown encoding, duplicate cell ids) is refused with the file and
element named (exit 2, or 1 for duplicate ids); the store is unchanged.

Regions: CCF coordinates (um; --coord-scale 1000 for mm) are looked up in the
atlas's annotation volume (ccf_region); coordinates in another space (--space
NAME, built-in or registered with 'ccc space add') are mapped to the CCF first,
kept as given, with the CCF point and the transform's version in ccf_ap_um,
ccf_dv_um, ccf_ml_um and space_transform (docs/spaces.md); a parcellation label column (acronym
or id) is resolved against its ontology (location_region). brain_region takes
the CCF region, else the label's; both are kept, disagreements are counted.
Missing or duplicate ids, non-numeric coordinates, unknown region labels and
unknown clusters are errors (exit 1) naming the row; the store is unchanged.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.File = args[0]
			}
			opts.Set = map[string]bool{}
			for _, n := range append(append([]string(nil), cellsTableFlags...), cellsH5ADFlags...) {
				opts.Set[n] = c.Flags().Changed(n)
			}
			return runCellsIngest(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	in := &opts.Ingest
	f.StringVar(&opts.H5AD, "h5ad", "", "ingest this AnnData .h5ad file (obs, var, X) instead of a cell table")
	ad := &opts.AnnData
	f.StringVar(&ad.Item, "item", "", "AnnData: data item id of the matrix and artifact h5ad/ITEM (default: the file name without .h5ad)")
	f.StringVar(&ad.Layer, "layer", "", "AnnData: store layers/NAME instead of X")
	f.StringVar(&ad.GeneSymbolColumn, "gene-symbol-column", "", "AnnData: var column with gene symbols (default: gene_symbol, gene_symbols, feature_name or symbol when present)")
	f.StringVar(&ad.SpatialObsm, "spatial-obsm", "", "AnnData: obsm key with each cell's x, y(, z) for CellMetadata.spatial_location")
	f.StringVar(&ad.Message, "message", "", "AnnData: message recorded with the version")
	f.BoolVar(&opts.JSON, "json", false, "AnnData: print the report as JSON")
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
	f.StringVar(&opts.Space, "space", "", "coordinate space of the positions when not the CCF in um (ccc space list): mapped to the CCF for regions, kept as given")
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

func runCellsIngest(ctx context.Context, opts *cellsIngestOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	switch {
	case opts.H5AD != "" && opts.File != "":
		return usageErr("give either a cell table FILE or --h5ad FILE.h5ad, not both (%s and --h5ad %s)", opts.File, opts.H5AD)
	case opts.H5AD == "" && opts.File == "":
		return usageErr("give a cell table FILE (CSV or Parquet) or --h5ad FILE.h5ad")
	case opts.H5AD == "" && strings.EqualFold(filepath.Ext(opts.File), ".h5ad"):
		opts.H5AD, opts.File = opts.File, ""
	}
	if opts.H5AD != "" {
		if err := refuseFlags(opts.Set, cellsTableFlags, "cell-table option", "an AnnData file ("+opts.H5AD+")"); err != nil {
			return err
		}
		return runCellsIngestH5AD(ctx, opts)
	}
	if err := refuseFlags(opts.Set, cellsH5ADFlags, "AnnData option", "a cell table ("+opts.File+"); it applies to --h5ad FILE.h5ad"); err != nil {
		return err
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
	if opts.Space != "" && opts.Space != space.CCF {
		reg, err := space.Load(ctx, sn)
		if err != nil {
			return err
		}
		if in.Space, err = reg.Mapping(opts.Space); err != nil {
			return err
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

// refuseFlags returns a usage error naming every flag of names that was
// given (set), for an input it does not apply to.
func refuseFlags(set map[string]bool, names []string, what, input string) error {
	var bad []string
	for _, n := range names {
		if set[n] {
			bad = append(bad, "--"+n)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return usageErr("%s %s does not apply to %s: remove it", what, strings.Join(bad, ", "), input)
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
