package expression

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc/formats/anndata"
)

// BenchmarkExtractCSR is 'ccc cells genes' without process start-up: 20
// genes of every cell of a CSR file (CCC_H5AD_BENCH_FILE, else a synthetic
// 50,000 x 20,000 file with 200 values per cell) to Parquet. Besides the
// whole extraction it reports, measured alone in each iteration, the
// phases bench/h5ad.sh prints as ccc's floor: obs-index-s (the cell ids
// through libhdf5), genes-s (the CSR scan: every index of X read, values
// at the hits), parquet-s (writing the table).
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
	cols := make([]int, 20)
	for i := range sel {
		cols[i] = i * (genes / 20)
		sel[i] = anndata.SynthGene(cols[i])
	}
	out := filepath.Join(b.TempDir(), "g.parquet")
	var obsS, genesS, pqS float64
	b.ResetTimer()
	for range b.N {
		t, err := Extract(p, ExtractOptions{Genes: sel})
		if err != nil {
			b.Fatal(err)
		}
		if err := t.WriteParquet(out); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		f, err := anndata.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		obs, err := f.Obs()
		if err == nil {
			_, err = obs.Index()
		}
		obsS += time.Since(t0).Seconds()
		x, err2 := f.X()
		if err != nil || err2 != nil {
			b.Fatal(err, err2)
		}
		t0 = time.Now()
		if _, err := x.ColumnsFloat32(cols); err != nil {
			b.Fatal(err)
		}
		genesS += time.Since(t0).Seconds()
		f.Close()
		t0 = time.Now()
		if err := t.WriteParquet(out); err != nil {
			b.Fatal(err)
		}
		pqS += time.Since(t0).Seconds()
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(obsS/n, "obs-index-s")
	b.ReportMetric(genesS/n, "genes-s")
	b.ReportMetric(pqS/n, "parquet-s")
}
