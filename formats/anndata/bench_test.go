package anndata

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkColumnsCSR: 20 genes of every cell of a synthetic CSR file
// (CCC_H5AD_BENCH_CELLS cells x 20,000 genes, 200 values per cell;
// CCC_H5AD_BENCH_FILE reuses a file). bench/h5ad.sh runs the side-by-side
// comparison with anndata.
func BenchmarkColumnsCSR(b *testing.B) {
	cells, genes := envInt("CCC_H5AD_BENCH_CELLS", 50000), 20000
	p := os.Getenv("CCC_H5AD_BENCH_FILE")
	if p == "" {
		p = filepath.Join(b.TempDir(), "bench.h5ad")
		if err := WriteSynthetic(p, SynthOptions{Cells: cells, Genes: genes, PerCell: 200, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	f, err := Open(p)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	x, err := f.X()
	if err != nil {
		b.Fatal(err)
	}
	sel := make([]int, 20)
	for i := range sel {
		sel[i] = i * (x.Shape[1] / 20)
	}
	b.SetBytes(int64(x.NNZ) * int64(x.DType.Size+4))
	b.ResetTimer()
	for range b.N {
		if _, err := x.Columns(sel); err != nil {
			b.Fatal(err)
		}
	}
}
