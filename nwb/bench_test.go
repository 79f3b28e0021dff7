package nwb

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc/internal/testenv"
)

// The NWB benchmarks, each with pynwb doing the same in the same run as
// the peer (python/nwb_bench.py); the x-pynwb metric is pynwb's time over
// ours. Sizes come from the environment, with modest defaults:
//
//	CCC_NWB_BENCH_SAMPLES=200000   samples of the chunked 87-channel series
//	CCC_NWB_BENCH_UNITS=1000000    rows of the units-like table
//
// go test ./nwb -run '^$' -bench . -benchtime 1x

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

type peerResult struct {
	Seconds float64 `json:"seconds"`
	Rows    int     `json:"rows"`
}

func runPyNWB(b *testing.B, args ...string) peerResult {
	b.Helper()
	py := testenv.Python(b, "pynwb", "pandas", "pyarrow")
	script := filepath.Join(testenv.RepoRoot(b), "python", "nwb_bench.py")
	out, err := exec.Command(py, append([]string{script}, args...)...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			b.Fatalf("nwb_bench.py %v: %v\n%s", args, err, ee.Stderr)
		}
		b.Fatal(err)
	}
	var r peerResult
	if err := json.Unmarshal(out, &r); err != nil {
		b.Fatal(err)
	}
	return r
}

// BenchmarkOpenMetadata opens the real Allen session file and reads its
// metadata (Info: session, subject, devices, 14 tables with their columns,
// the object tree with every dataset's shape and dtype).
func BenchmarkOpenMetadata(b *testing.B) {
	p := testenv.SharedData(b, "nwb/aibs.nwb")
	b.ResetTimer()
	t0 := time.Now()
	for i := 0; i < b.N; i++ {
		f, err := Open(p)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Info(); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	goSec := time.Since(t0).Seconds() / float64(b.N)
	b.StopTimer()
	r := runPyNWB(b, "open", p, strconv.Itoa(max(1, min(b.N, 5))))
	b.ReportMetric(r.Seconds/goSec, "x-pynwb")
	b.Logf("open+metadata: ccc %.1f ms, pynwb %.1f ms (%.1fx)", goSec*1e3, r.Seconds*1e3, r.Seconds/goSec)
}

// BenchmarkSlice reads 1,000 x 87 values from a chunked, gzip-compressed
// float32-equivalent (int16) series at varying offsets.
func BenchmarkSlice(b *testing.B) {
	samples := envInt("CCC_NWB_BENCH_SAMPLES", 200000)
	p := filepath.Join(b.TempDir(), "chunked.nwb")
	if err := WriteSynthetic(p, SynthOptions{Electrodes: 87, Samples: samples, ChunkRows: 4096, Units: 10, Seed: 5}); err != nil {
		b.Fatal(err)
	}
	f, err := Open(p)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	s, err := f.Series("/acquisition/ElectricalSeries")
	if err != nil {
		b.Fatal(err)
	}
	const rows = 1000
	b.SetBytes(rows * 87 * 2)
	b.ResetTimer()
	t0 := time.Now()
	for i := 0; i < b.N; i++ {
		start := (i * 7919 * rows) % max(1, samples-rows)
		a, err := s.Data().Slice([]int{start, 0}, []int{rows, 87})
		if err != nil {
			b.Fatal(err)
		}
		if a.Len() != rows*87 {
			b.Fatal("short slice")
		}
	}
	goSec := time.Since(t0).Seconds() / float64(b.N)
	b.StopTimer()
	r := runPyNWB(b, "slice", p, "/acquisition/ElectricalSeries", strconv.Itoa(rows), strconv.Itoa(max(20, min(b.N, 200))))
	b.ReportMetric(r.Seconds/goSec, "x-pynwb")
	b.Logf("slice 1000 x 87 of %d x 87 (chunks 4096 x 87, gzip): ccc %.3f ms, pynwb %.3f ms (%.1fx)", samples, goSec*1e3, r.Seconds*1e3, r.Seconds/goSec)
}

// BenchmarkUnitsParquet exports a units-like table (ragged spike_times,
// quality, peak channel, metrics) to Parquet.
func BenchmarkUnitsParquet(b *testing.B) {
	n := envInt("CCC_NWB_BENCH_UNITS", 1000000)
	dir := b.TempDir()
	p := filepath.Join(dir, "units.nwb")
	if err := WriteSynthetic(p, SynthOptions{Electrodes: 87, Samples: 100, Units: n, SpikesPer: 2, Seed: 9}); err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(dir, "units.parquet")
	b.ResetTimer()
	t0 := time.Now()
	for i := 0; i < b.N; i++ {
		f, err := Open(p)
		if err != nil {
			b.Fatal(err)
		}
		t, err := f.Table(UnitsPath)
		if err != nil {
			b.Fatal(err)
		}
		fr, err := t.Frame(FrameOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := fr.WriteParquet(context.Background(), out); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	goSec := time.Since(t0).Seconds() / float64(b.N)
	b.StopTimer()
	r := runPyNWB(b, "units", p, filepath.Join(dir, "units_pynwb.parquet"))
	if r.Rows != n {
		b.Fatalf("pynwb exported %d rows, want %d", r.Rows, n)
	}
	b.ReportMetric(float64(n)/goSec, "rows/s")
	b.ReportMetric(r.Seconds/goSec, "x-pynwb")
	b.Logf("units table %d rows -> Parquet: ccc %.2f s, pynwb to_dataframe+to_parquet %.2f s (%.1fx)", n, goSec, r.Seconds, r.Seconds/goSec)
}
