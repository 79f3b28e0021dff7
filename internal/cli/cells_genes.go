package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/cells"
	"github.com/ccc-connectivity/ccc/expression"
)

// cellsParentShortH5AD is the help line of 'ccc cells' when no other file defines it.
const cellsParentShortH5AD = "Cells and cell types: cell tables, gene expression (AnnData .h5ad)"

func init() {
	registerSub("cells", cellsParentShortH5AD, 50, newCmdCellsGenes)
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
	// The live data here is the extracted columns; the Parquet writer's
	// short-lived pages are garbage. A heap goal of 1.5x live instead of
	// Go's 2x keeps the process near its data (issue 14's memory target:
	// selected data + 300 MB) for a few cheap collections (the columns
	// hold no pointers).
	defer debug.SetGCPercent(debug.SetGCPercent(50))
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

// runCellsIngestH5AD is 'ccc cells ingest --h5ad FILE.h5ad': the AnnData
// file becomes one store version (expression.IngestH5AD).
func runCellsIngestH5AD(ctx context.Context, opts *cellsIngestOptions) error {
	in, ad := &opts.Ingest, opts.AnnData
	if in.Dataset == "" {
		return usageErr("give --dataset NAME for the cells of %s", opts.H5AD)
	}
	if in.Modality != "" {
		ad.Modality = strings.ToUpper(in.Modality)
		if !slices.Contains(cells.Modalities, ad.Modality) {
			return usageErr("--modality %q is not one of %s", in.Modality, strings.Join(cells.Modalities, ", "))
		}
	}
	if in.ReferenceSpace != "" && ad.SpatialObsm == "" {
		return usageErr("--reference-space names the space of --spatial-obsm coordinates: give --spatial-obsm KEY too, or remove it")
	}
	ad.Dataset, ad.Name, ad.Publication, ad.ReferenceSpace = in.Dataset, in.Name, in.Publication, in.ReferenceSpace
	if _, err := os.Stat(opts.H5AD); err != nil {
		return &ccc.Error{Op: "cells ingest", Path: opts.H5AD, Row: -1, Msg: "no such file", Kind: ccc.ErrNotFound, Err: err,
			Hint: "give the path of an .h5ad file written by anndata"}
	}
	st, err := openStoreCLI(opts.IO, opts.Global)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := expression.IngestH5AD(ctx, st, opts.H5AD, ad)
	if err != nil {
		return err
	}
	w := opts.IO.Out
	if opts.JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprintf(w, "dataset %s version %d: %d cells x %d genes (%s %s, %d stored values) as %s\n",
		rep.Dataset, rep.Version, rep.Cells, rep.Genes, rep.Format, rep.DType, rep.Stored, rep.Artifact)
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	return nil
}
