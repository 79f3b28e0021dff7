package expression

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc/formats/anndata"
)

// BenchmarkExtractCSR is 'ccc cells genes' without process start-up: 20
// genes of every cell of a CSR file (CCC_H5AD_BENCH_FILE, else a synthetic
// 50,000 x 20,000 file with 200 values per cell) to Parquet. Besides the
// whole extraction it reports, measured alone in each iteration, the
// phases bench/h5ad.sh prints as ccc's floor, as wall and as CPU seconds
// of the process (all threads: on a loaded machine wall time is mostly
// waiting): obs-index (the cell ids, read from the file's global heap), genes (the CSR
// scan: every index of X read, values at the hits), parquet (writing the
// table).
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
	var wall, cpu [3]float64 // obs index, genes, parquet
	phase := func(i int, fn func() error) {
		t0, c0 := time.Now(), cpuSeconds()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		wall[i] += time.Since(t0).Seconds()
		cpu[i] += cpuSeconds() - c0
	}
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
		phase(0, func() error {
			obs, err := f.Obs()
			if err == nil {
				_, err = obs.IndexList()
			}
			return err
		})
		x, err := f.X()
		if err != nil {
			b.Fatal(err)
		}
		phase(1, func() error { _, err := x.ColumnsFloat32(cols); return err })
		f.Close()
		phase(2, func() error { return t.WriteParquet(out) })
		b.StartTimer()
	}
	n := float64(b.N)
	for i, name := range []string{"obs-index", "genes", "parquet"} {
		b.ReportMetric(wall[i]/n, name+"-s")
		b.ReportMetric(cpu[i]/n, name+"-cpu-s")
	}
}

// cpuSeconds is the process's user + system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
