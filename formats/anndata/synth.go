package anndata

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/ccc-connectivity/ccc/formats/hdf5"
)

// SynthOptions describe a synthetic .h5ad file (tests and benchmarks).
type SynthOptions struct {
	Cells, Genes int
	PerCell      int    // stored values per cell (sparse) / nonzeros per row (dense)
	Format       string // "csr" (default), "csc" or "dense"
	Seed         uint64
	Chunk        int  // chunk length of the sparse datasets (default 1<<18)
	Gzip         bool // deflate the matrix datasets
	Contiguous   bool // sparse datasets stored contiguous (anndata's default), not chunked
	// DupEvery > 0 repeats the first column of every DupEvery-th row in
	// its second entry (a non-canonical CSR matrix: scipy sums the two).
	DupEvery int
}

// SynthGene is the name of gene j in a synthetic file.
func SynthGene(j int) string { return fmt.Sprintf("Gene%05d", j) }

// WriteSynthetic writes an AnnData file the way anndata 0.8+ does: obs
// with a cell index and a categorical "subclass", var with a gene index,
// and X of float32 counts with PerCell nonzeros per row at random
// columns, deterministic per seed.
func WriteSynthetic(path string, o SynthOptions) error {
	if o.Cells <= 0 || o.Genes <= 0 || o.PerCell < 0 || o.PerCell > o.Genes {
		return fmt.Errorf("synthetic h5ad: need cells, genes > 0 and 0 <= per-cell <= genes")
	}
	if o.Format == "" {
		o.Format = "csr"
	}
	if o.Chunk <= 0 {
		o.Chunk = 1 << 18
	}
	f, err := hdf5.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rng := rand.New(rand.NewPCG(o.Seed, 0x68356164))
	attrs := func(p string, kv ...any) error {
		for i := 0; i < len(kv); i += 2 {
			if err := f.SetAttr(p, kv[i].(string), kv[i+1]); err != nil {
				return err
			}
		}
		return nil
	}
	arr := func(p string, data any, n int, chunked bool) error {
		var wo *hdf5.WriteOptions
		if chunked && n > 0 && !o.Contiguous {
			wo = &hdf5.WriteOptions{Chunks: []int{min(o.Chunk, n)}}
			if o.Gzip {
				wo.Gzip = 4
			}
		}
		if err := f.WriteDataset(p, data, []int{n}, wo); err != nil {
			return err
		}
		enc := "array"
		if _, ok := data.([]string); ok {
			enc = "string-array"
		}
		return attrs(p, "encoding-type", enc, "encoding-version", "0.2.0")
	}
	if err := attrs("/", "encoding-type", "anndata", "encoding-version", "0.1.0"); err != nil {
		return err
	}
	cells := make([]string, o.Cells)
	codes := make([]int8, o.Cells)
	for i := range cells {
		cells[i] = fmt.Sprintf("cell%07d", i)
		codes[i] = int8(rng.IntN(4))
	}
	genes := make([]string, o.Genes)
	for j := range genes {
		genes[j] = SynthGene(j)
	}
	for _, g := range []struct {
		p, index string
		names    []string
		cols     []string
	}{{"/obs", "cell_id", cells, []string{"subclass"}}, {"/var", "gene", genes, nil}} {
		if err := f.CreateGroup(g.p); err != nil {
			return err
		}
		order := g.cols
		if order == nil {
			order = []string{}
		}
		if err := attrs(g.p, "encoding-type", "dataframe", "encoding-version", "0.2.0", "_index", g.index, "column-order", order); err != nil {
			return err
		}
		if err := arr(g.p+"/"+g.index, g.names, len(g.names), false); err != nil {
			return err
		}
	}
	if err := f.CreateGroup("/obs/subclass"); err != nil {
		return err
	}
	if err := attrs("/obs/subclass", "encoding-type", "categorical", "encoding-version", "0.2.0", "ordered", false); err != nil {
		return err
	}
	if err := arr("/obs/subclass/codes", codes, len(codes), false); err != nil {
		return err
	}
	if err := arr("/obs/subclass/categories", []string{"Astro", "L2/3 IT", "Pvalb", "Sst"}, 4, false); err != nil {
		return err
	}
	// rows: PerCell distinct sorted columns each
	nnz := o.Cells * o.PerCell
	rowCols := make([]int32, 0, nnz)
	vals := make([]float32, 0, nnz)
	picked := map[int32]bool{}
	for i := 0; i < o.Cells; i++ {
		clear(picked)
		start := len(rowCols)
		for len(picked) < o.PerCell {
			c := int32(rng.IntN(o.Genes))
			if !picked[c] {
				picked[c] = true
				rowCols = append(rowCols, c)
			}
		}
		slices.Sort(rowCols[start:])
		if o.DupEvery > 0 && i%o.DupEvery == 0 && o.PerCell > 1 {
			rowCols[start+1] = rowCols[start]
		}
		for range o.PerCell {
			vals = append(vals, float32(1+rng.IntN(20)))
		}
	}
	switch o.Format {
	case "dense":
		x := make([]float32, o.Cells*o.Genes)
		for i := 0; i < o.Cells; i++ {
			for k := i * o.PerCell; k < (i+1)*o.PerCell; k++ {
				x[i*o.Genes+int(rowCols[k])] = vals[k]
			}
		}
		var wo *hdf5.WriteOptions
		if o.Gzip { // row bands of about Chunk values
			wo = &hdf5.WriteOptions{Chunks: []int{min(o.Cells, max(1, o.Chunk/o.Genes)), o.Genes}, Gzip: 4}
		}
		if err := f.WriteDataset("/X", x, []int{o.Cells, o.Genes}, wo); err != nil {
			return err
		}
		return attrs("/X", "encoding-type", "array", "encoding-version", "0.2.0")
	case "csr":
		indptr := make([]int64, o.Cells+1)
		for i := range indptr {
			indptr[i] = int64(i * o.PerCell)
		}
		return writeSparse(f, "csr_matrix", [2]int{o.Cells, o.Genes}, vals, rowCols, indptr, arr, attrs)
	case "csc":
		// transpose: count per column, then place
		indptr := make([]int64, o.Genes+1)
		for _, c := range rowCols {
			indptr[c+1]++
		}
		for j := 0; j < o.Genes; j++ {
			indptr[j+1] += indptr[j]
		}
		next := append([]int64(nil), indptr[:o.Genes]...)
		rows := make([]int32, nnz)
		cv := make([]float32, nnz)
		for i := 0; i < o.Cells; i++ {
			for k := i * o.PerCell; k < (i+1)*o.PerCell; k++ {
				c := rowCols[k]
				rows[next[c]], cv[next[c]] = int32(i), vals[k]
				next[c]++
			}
		}
		return writeSparse(f, "csc_matrix", [2]int{o.Cells, o.Genes}, cv, rows, indptr, arr, attrs)
	}
	return fmt.Errorf("synthetic h5ad: format %q (use csr, csc or dense)", o.Format)
}

func writeSparse(f *hdf5.File, enc string, shape [2]int, data []float32, indices []int32, indptr []int64,
	arr func(string, any, int, bool) error, attrs func(string, ...any) error) error {
	if err := f.CreateGroup("/X"); err != nil {
		return err
	}
	if err := attrs("/X", "encoding-type", enc, "encoding-version", "0.1.0", "shape", []int64{int64(shape[0]), int64(shape[1])}); err != nil {
		return err
	}
	if err := arr("/X/data", data, len(data), true); err != nil {
		return err
	}
	if err := arr("/X/indices", indices, len(indices), true); err != nil {
		return err
	}
	return arr("/X/indptr", indptr, len(indptr), true)
}
