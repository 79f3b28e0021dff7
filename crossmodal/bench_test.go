package crossmodal

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

// benchSize is the size unless env (CCC_BENCH_SITES,
// CCC_BENCH_EXPERIMENTS) overrides it.
func benchSize(env string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(env)); err == nil && n > 0 {
		return n
	}
	return def
}

// BenchmarkSiteProjections: the cross-modal question over 100k
// recording sites and a 3,000 x 1,300 projection matrix (SynthSiteStore),
// warm and in process: the store's read-only DuckDB open once (as 'ccc
// serve' holds it), the tables and the Zarr array read from the OS cache
// on every answer, the names checked and the answer written as Parquet,
// what 'ccc ask site-projections --format parquet --out F' does after
// start-up. The pandas peer (python/site_projections_peer.py, vectorized)
// runs in the same run on the same files: its answer is asserted equal to
// ccc's Parquet file, column by column. Figures: best of the iterations.
// Whole-process figures: bench/all.sh (BENCH_ONLY=crossmodal).
//
//	go test ./crossmodal -run X -bench SiteProjections -benchtime 5x
func BenchmarkSiteProjections(b *testing.B) {
	nExp, nSites := benchSize("CCC_BENCH_EXPERIMENTS", 3000), benchSize("CCC_BENCH_SITES", 100000)
	ctx := context.Background()
	st, err := SynthSiteStore(ctx, filepath.Join(b.TempDir(), "store"), testenv.SharedData(b, atlas.DefaultOntologyFile), nExp, nSites, 15)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "answer.parquet")
	db, err := st.ReadOnlyDB(ctx, store.Ref{}, out)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	o := SiteProjectionsOptions{Source: "VISp", Matrix: SynthMatrix}
	var best, bestSQL, prepare, write time.Duration
	var tm Timings
	var answers *SiteAnswers
	defer AnswerGC()() // the collector as 'ccc ask site-projections' sets it
	for b.Loop() {
		t0 := time.Now()
		var t Timings
		var err error
		if _, answers, t, err = AskSiteProjectionsTimed(ctx, st, sn, db, o); err != nil {
			b.Fatal(err)
		}
		prep := t.Prepare
		t1 := time.Now()
		f, err := os.Create(out)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		if err := answers.WriteParquet(w); err != nil {
			b.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		f.Close()
		if d := time.Since(t0); best == 0 || d < best {
			best, tm, prepare, write = d, t, prep, time.Since(t1)
		}
	}
	b.StopTimer()
	matched := answers.Matched()
	if answers.Len() != nSites || matched == 0 {
		b.Fatalf("%d answers, %d matched", answers.Len(), matched)
	}
	// the SQL statement (the plan before the columnar path), once
	q, _ := PrepareSiteProjections(ctx, st, sn, db, o)
	t0 := time.Now()
	if _, err := SiteProjections(ctx, db, q); err != nil {
		b.Fatal(err)
	}
	bestSQL = time.Since(t0)
	// the pandas peer on the same files, its answer compared with ccc's
	py := testenv.Python(b, "pandas", "zarr", "pyarrow")
	path := func(class string) string { return sn.Tables(class)[0].Path }
	art, err := sn.Artifact(projection.DefaultDataset, projection.MatrixArtifact(SynthMatrix))
	if err != nil {
		b.Fatal(err)
	}
	args, _ := json.Marshal(map[string]any{"brain_region": path("BrainRegion"), "experiments": path("ConnectivityExperiment"), "sites": path("RecordingSite"),
		"zarr": filepath.Join(art.Dir, "values.zarr"), "source": "VISp", "stat": "mean", "repeat": 3, "quiet": true, "compare": out})
	af := filepath.Join(b.TempDir(), "args.json")
	os.WriteFile(af, args, 0o644)
	cmd := exec.Command(py, filepath.Join(testenv.RepoRoot(b), "python", "site_projections_peer.py"), af)
	cmd.Stderr = os.Stderr
	pout, err := cmd.Output()
	if err != nil {
		b.Fatalf("peer (exit 3: answers differ): %v", err)
	}
	var peer struct {
		Answer     float64 `json:"seconds_answer"`
		ReadAnswer float64 `json:"seconds_read_answer"`
		Matched    int     `json:"matched"`
	}
	if err := json.Unmarshal(pout, &peer); err != nil || peer.Matched != matched {
		b.Fatalf("peer output %q: %v (ccc matched %d)", pout, err, matched)
	}
	load, _ := os.ReadFile("/proc/loadavg")
	b.ReportMetric(float64(best.Microseconds())/1e3, "ccc-ms")
	b.ReportMetric(peer.ReadAnswer*1e3, "pandas-read-answer-ms")
	b.ReportMetric(peer.Answer*1e3, "pandas-in-memory-ms")
	b.ReportMetric(peer.ReadAnswer/best.Seconds(), "speedup")
	b.Logf("%d sites, %d x 1300 matrix, load average %s", nSites, nExp, load[:len(load)-1])
	b.Logf("ccc in process %.1f ms (columnar; phases: prepare %.1f (sites read meanwhile), source %.1f, reads %.1f (at once: matrix %.1f, nearest %.1f, sites %.1f), gather %.1f, write %.1f ms; the SQL statement alone %.0f ms)",
		ms(best), ms(prepare), ms(tm.Source), ms(tm.Reads), ms(tm.Matrix), ms(tm.Nearest), ms(tm.Sites), ms(tm.Gather), ms(write), ms(bestSQL))
	b.Logf("pandas: read + answer %.1f ms (%.1fx), answer with every input in memory %.1f ms (%.1fx); answers equal",
		peer.ReadAnswer*1e3, peer.ReadAnswer/best.Seconds(), peer.Answer*1e3, peer.Answer/best.Seconds())
}

func ms(d time.Duration) float64 { return d.Seconds() * 1e3 }

// BenchmarkSiteAnswersParquet: writing a 100k-row answer (one session,
// 1,300 matched columns, ids like the benchmark's) as Parquet, alone.
//
//	go test ./crossmodal -run X -bench SiteAnswersParquet
func BenchmarkSiteAnswersParquet(b *testing.B) {
	rows := make([]SiteProjection, 100000)
	for i := range rows {
		c := i * 7919 % 1300
		rows[i] = SiteProjection{Session: "bench-0001", Site: "bench-0001:" + strconv.Itoa(i), ElectrodeID: int64(i), HasElectrode: true,
			SiteRegion: int64(c), HasRegion: true, SiteAcronym: "R" + strconv.Itoa(c), Matched: true, MatchedRegion: int64(c),
			MatchedAcronym: "R" + strconv.Itoa(c), Strength: float64(c) / 1300, Experiments: 312}
	}
	a := SiteAnswersOf(rows)
	var buf bytes.Buffer
	cpu0 := cpuTime()
	for b.Loop() {
		buf.Reset()
		if err := a.WriteParquet(&buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(ms(cpuTime()-cpu0)/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(buf.Len())/1e6, "MB")
}

// cpuTime is the process's user + system CPU time so far (on a shared
// machine the CPU a benchmark uses is steadier than its wall time).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
