package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/expression"
)

// cellsParentShortH5AD is the help line of 'ccc cells' when no other file defines it.
const cellsParentShortH5AD = "Cells and cell types: cell tables, gene expression (AnnData .h5ad)"

func init() {
	registerSub("cells", cellsParentShortH5AD, 50, newCmdCellsGenes)
	registerSub("cells", cellsParentShortH5AD, 51, newCmdCellsIngestH5AD)
}

type cellsGenesOptions struct {
	IO         *IO
	File       string
	Genes      []string
	GeneColumn string
	Obs        []string
	Layer      string
	Raw        bool
	Out        string
}

func newCmdCellsGenes(io *IO, g *globalOptions) *cobra.Command {
	o := &cellsGenesOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "genes FILE.h5ad --genes G1,G2,... [--obs COL,...] [--layer NAME|--raw] [--out F.parquet|F.csv]",
		Short: "Extract selected genes for every cell of an AnnData .h5ad file without loading the matrix",
		Long: `Reads the selected genes (columns of X, of a layer, or of raw/X) for every cell
(row) of an .h5ad file, lazily: a CSR matrix is streamed in blocks keeping only
the selected columns, a CSC matrix is read only in the selected columns' slices,
a dense one by one hyperslab per column. Like adata[:, genes].X in anndata,
with the obs index (under its name, or obs_names) and the --obs columns
(categoricals as their labels) first.

Output: Parquet or CSV by the --out extension; CSV on stdout without --out.
Values keep the matrix type: float32 stays float32, integer counts stay integers.
Unknown genes, duplicated var names and unsupported encodings are errors naming
the file and the element (exit 2). Nothing is written to the store.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.File = args[0]
			return runCellsGenes(o)
		},
	}
	cmd.Flags().StringSliceVar(&o.Genes, "genes", nil, "genes to extract (var_names, comma-separated; required)")
	cmd.Flags().StringVar(&o.GeneColumn, "gene-column", "", "look the genes up in this var column instead of var_names (e.g. gene_symbol)")
	cmd.Flags().StringSliceVar(&o.Obs, "obs", nil, "obs columns to include (comma-separated)")
	cmd.Flags().StringVar(&o.Layer, "layer", "", "read layers/NAME instead of X")
	cmd.Flags().BoolVar(&o.Raw, "raw", false, "read raw/X (genes from raw/var) instead of X")
	cmd.Flags().StringVarP(&o.Out, "out", "o", "", "output file: .parquet or .csv (default: CSV on stdout)")
	return cmd
}

func runCellsGenes(o *cellsGenesOptions) error {
	format := "csv"
	if o.Out != "" && o.Out != "-" {
		switch strings.ToLower(filepath.Ext(o.Out)) {
		case ".parquet":
			format = "parquet"
		case ".csv":
		default:
			return usageErr("--out %s: use a .parquet or .csv file name", o.Out)
		}
	}
	t, err := expression.Extract(o.File, expression.ExtractOptions{Genes: o.Genes, GeneColumn: o.GeneColumn, Obs: o.Obs, Layer: o.Layer, Raw: o.Raw})
	if err != nil {
		return err
	}
	switch {
	case format == "parquet":
		return t.WriteParquet(o.Out)
	case o.Out == "" || o.Out == "-":
		return t.WriteCSV(o.IO.Out)
	}
	tmp := o.Out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := t.WriteCSV(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, o.Out)
}

type cellsIngestH5ADOptions struct {
	IO     *IO
	Global *globalOptions
	Ctx    context.Context
	File   string
	Opts   expression.IngestOptions
	JSON   bool
}

func newCmdCellsIngestH5AD(io *IO, g *globalOptions) *cobra.Command {
	o := &cellsIngestH5ADOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "ingest-h5ad FILE.h5ad --dataset D",
		Short: "Store an AnnData .h5ad file: obs as CellMetadata, var as GeneMetadata, X as a Zarr artifact (CellGeneData)",
		Long: `Reads and checks the whole .h5ad file, then writes one store version of dataset D:
DataSet and DataItem rows (the matrix's data item and one per cell),
CellMetadata (cell_id = obs_names; total_counts and n_genes_detected from the
usual obs columns; spatial_location from --spatial-obsm), GeneMetadata
(gene_id = var_names, gene_symbol from a gene_symbol/feature_name column),
and one CellGeneData row whose cell_gene_matrix is the artifact h5ad/<item>/X:
the matrix copied to Zarr (anndata's zarr layout, checksummed by the store),
beside obs.parquet and var.parquet holding every obs and var column.
A bad file (missing X, obs length not matching X, unknown encoding, duplicate
cell ids) is refused with the file and element named; the store is unchanged.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Ctx, o.File = c.Context(), args[0]
			return runCellsIngestH5AD(o)
		},
	}
	addWaitFlag(cmd)
	f := cmd.Flags()
	f.StringVar(&o.Opts.Dataset, "dataset", "", "dataset name in the store (required)")
	f.StringVar(&o.Opts.Item, "item", "", "data item id of the matrix (default: the file name without .h5ad)")
	f.StringVar(&o.Opts.Layer, "layer", "", "store layers/NAME instead of X")
	f.StringVar(&o.Opts.Modality, "modality", "", "DataSet modality (default TRANSCRIPTOMICS)")
	f.StringVar(&o.Opts.GeneSymbolColumn, "gene-symbol-column", "", "var column with gene symbols (default: gene_symbol, gene_symbols, feature_name or symbol when present)")
	f.StringVar(&o.Opts.SpatialObsm, "spatial-obsm", "", "obsm key with each cell's x, y(, z) for CellMetadata.spatial_location")
	f.StringVar(&o.Opts.ReferenceSpace, "reference-space", "", "reference space of --spatial-obsm coordinates")
	f.StringVar(&o.Opts.Message, "message", "", "message recorded with the version")
	f.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	return cmd
}

func runCellsIngestH5AD(o *cellsIngestH5ADOptions) error {
	if o.Opts.Dataset == "" {
		return usageErr("--dataset is required")
	}
	if _, err := os.Stat(o.File); err != nil {
		return &ccc.Error{Op: "cells ingest-h5ad", Path: o.File, Row: -1, Msg: "no such file", Kind: ccc.ErrNotFound, Err: err}
	}
	st, err := openStoreCLI(o.IO, o.Global)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := expression.IngestH5AD(o.Ctx, st, o.File, o.Opts)
	if err != nil {
		return err
	}
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprintf(o.IO.Out, "dataset %s version %d: %d cells x %d genes (%s %s, %d stored values) as %s\n",
		rep.Dataset, rep.Version, rep.Cells, rep.Genes, rep.Format, rep.DType, rep.Stored, rep.Artifact)
	for _, n := range rep.Notes {
		fmt.Fprintf(o.IO.Out, "note: %s\n", n)
	}
	return nil
}
