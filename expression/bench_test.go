package expression

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ccc-connectivity/ccc/formats/anndata"
)

// BenchmarkExtractCSR is 'ccc cells genes' without process start-up: 20
// genes of every cell of a CSR file (CCC_H5AD_BENCH_FILE, else a synthetic
// 50,000 x 20,000 file with 200 values per cell) to Parquet. bench/h5ad.sh
// runs the whole-process comparison with anndata.
func BenchmarkExtractCSR(b *testing.B) {
	p := os.Getenv("CCC_H5AD_BENCH_FILE")
	genes := 20000
	if p == "" {
		p = filepath.Join(b.TempDir(), "bench.h5ad")
		if err := anndata.WriteSynthetic(p, anndata.SynthOptions{Cells: 50000, Genes: genes, PerCell: 200, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	} else {
		f, err := anndata.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		_, genes = f.Shape()
		f.Close()
	}
	sel := make([]string, 20)
	for i := range sel {
		sel[i] = anndata.SynthGene(i * (genes / 20))
	}
	out := filepath.Join(b.TempDir(), "g.parquet")
	b.ResetTimer()
	for range b.N {
		t, err := Extract(p, ExtractOptions{Genes: sel})
		if err != nil {
			b.Fatal(err)
		}
		if err := t.WriteParquet(out); err != nil {
			b.Fatal(err)
		}
	}
}
