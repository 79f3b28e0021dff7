package nwb

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
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
	Seconds    float64 `json:"seconds"`
	CPUSeconds float64 `json:"cpu_seconds"`
	Rows       int     `json:"rows"`
}

// cpuTime is the process's user+system CPU time: on a shared machine
// it is a steadier measure than wall time.
func cpuTime() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// report logs and records wall and CPU ratios (pynwb over ccc).
func report(b *testing.B, what string, goSec, goCPU float64, r peerResult) {
	b.ReportMetric(r.Seconds/goSec, "x-pynwb")
	b.ReportMetric(r.CPUSeconds/goCPU, "x-pynwb-cpu")
	b.Logf("%s: ccc %.3f ms wall %.3f ms CPU, pynwb %.3f ms wall %.3f ms CPU: pynwb/ccc %.1fx wall, %.1fx CPU",
		what, goSec*1e3, goCPU*1e3, r.Seconds*1e3, r.CPUSeconds*1e3, r.Seconds/goSec, r.CPUSeconds/goCPU)
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
	t0, c0 := time.Now(), cpuTime()
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
	goSec, goCPU := time.Since(t0).Seconds()/float64(b.N), (cpuTime()-c0)/float64(b.N)
	b.StopTimer()
	r := runPyNWB(b, "open", p, strconv.Itoa(max(1, min(b.N, 5))))
	report(b, "open+metadata of aibs.nwb", goSec, goCPU, r)
}

// BenchmarkSlice reads 1,000 x 87 values at varying offsets from a
// chunked, gzip-compressed int16 series, in two layouts: chunks of 4096
// samples x all 87 channels, and the Allen LFP layout of one channel per
// chunk (47320 x 1), where one slice touches 87 chunks.
func BenchmarkSlice(b *testing.B) {
	samples := envInt("CCC_NWB_BENCH_SAMPLES", 200000)
	for _, layout := range []struct {
		name        string
		rows, chans int
	}{{"rows4096", 4096, 87}, {"allen47320x1", 47320, 1}} {
		b.Run(layout.name, func(b *testing.B) {
			p := filepath.Join(b.TempDir(), "chunked.nwb")
			if err := WriteSynthetic(p, SynthOptions{Electrodes: 87, Samples: samples, ChunkRows: layout.rows, ChunkChans: layout.chans, Units: 10, Seed: 5}); err != nil {
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
			t0, c0 := time.Now(), cpuTime()
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
			goSec, goCPU := time.Since(t0).Seconds()/float64(b.N), (cpuTime()-c0)/float64(b.N)
			b.StopTimer()
			r := runPyNWB(b, "slice", p, "/acquisition/ElectricalSeries", strconv.Itoa(rows), strconv.Itoa(max(20, min(b.N, 200))))
			report(b, fmt.Sprintf("slice 1000 x 87 of %d x 87 (chunks %d x %d, gzip)", samples, layout.rows, layout.chans), goSec, goCPU, r)
		})
	}
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
	t0, c0 := time.Now(), cpuTime()
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
	goSec, goCPU := time.Since(t0).Seconds()/float64(b.N), (cpuTime()-c0)/float64(b.N)
	b.StopTimer()
	r := runPyNWB(b, "units", p, filepath.Join(dir, "units_pynwb.parquet"))
	if r.Rows != n {
		b.Fatalf("pynwb exported %d rows, want %d", r.Rows, n)
	}
	b.ReportMetric(float64(n)/goSec, "rows/s")
	report(b, fmt.Sprintf("units table of %d rows -> Parquet (pynwb: to_dataframe + to_parquet)", n), goSec, goCPU, r)
}
