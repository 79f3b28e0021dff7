// Command h5adgen writes a synthetic AnnData .h5ad file (anndata's on-disk
// layout, float32 counts, PerCell nonzeros per cell) for bench/h5ad.sh.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ccc-connectivity/ccc/formats/anndata"
)

func main() {
	cells := flag.Int("cells", 100000, "cells (rows)")
	genes := flag.Int("genes", 20000, "genes (columns)")
	perCell := flag.Int("per-cell", 200, "stored values per cell")
	format := flag.String("format", "csr", "csr, csc or dense")
	seed := flag.Uint64("seed", 1, "random seed")
	gzip := flag.Bool("gzip", false, "deflate the matrix datasets")
	out := flag.String("out", "synthetic.h5ad", "output file")
	flag.Parse()
	err := anndata.WriteSynthetic(*out, anndata.SynthOptions{Cells: *cells, Genes: *genes, PerCell: *perCell, Format: *format, Seed: *seed, Gzip: *gzip})
	if err != nil {
		fmt.Fprintln(os.Stderr, "h5adgen:", err)
		os.Exit(1)
	}
}
