// Command kernels is the Go side of bench/all.sh. It times ccc's in-process
// kernels on data it writes for the Python peers (which read the same files
// and assert equal output), and measures the machine's ceilings in the same
// run. Each subcommand prints one JSON object on stdout.
//
//	kernels limits   -mb 256 [-file F]... [-exec "ccc version"]   (-mb 0: no memory figures)
//	kernels locate   -res 25 -points 2000000 -dir D
//	kernels aggregate -n 40 -dir D
//	kernels sites -sites 100000 -experiments 3000 -dir D   (see sites.go)
//
// limits: sequential read bandwidth (sum of a buffer of -mb MiB, one thread
// and GOMAXPROCS threads), copy bandwidth, file read rate of each -file
// (page cache, 1 MiB reads) and process start (median of 20 runs of
// /bin/true and of each -exec command line).
//
// locate: builds atlas.BoxVolume at -res, -points uniform points (2.5% of
// the extent outside on each side), writes D/volume.u32 (axis 0 fastest),
// D/x.f64, D/y.f64, D/z.f64 and D/meta.json, times Volume.LocateBatch (best
// of 5, GOMAXPROCS threads and one thread), writes D/labels.u32 and
// D/status.u8, and measures the random-gather ceiling: the same labels read
// through precomputed flat indices (no arithmetic, no bounds), same threads;
// and the stream+gather floor: the same gather plus the reads of x, y, z
// and the writes of labels and status, with the lookup's prefetches (the
// lookup's memory traffic without its arithmetic, gather_amd64.s).
//
// The locate ceilings are measured on the volume's own label array (on
// transparent huge pages, as NumPy's arrays) and, for comparison, on a copy
// on 4 KiB pages.
//
// aggregate: writes -n synthetic experiments (projection.Synthetic) under
// D/cache, runs projection.Aggregate (injectionVolume, hemisphere
// subtraction, 5 AP bins; best of 5 after a warm-up), measures the rate at
// which the same grid bytes come out of the page cache (128 KiB preads, one
// thread and GOMAXPROCS threads: the read ccc cannot avoid), writes the group means
// (float32, Fortran order, one volume after the other) to D/ccc.f32 and the
// peers' input to D/spec.json (python/projection_peer.py's format); with
// -store S it also writes the experiment table into a new store S, for the
// whole-process 'ccc projections aggregate'.
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

func main() {
	if len(os.Args) < 2 {
		fail(fmt.Errorf("usage: kernels limits|locate|aggregate|sites [flags]"))
	}
	var out any
	var err error
	switch os.Args[1] {
	case "limits":
		out, err = limits(os.Args[2:])
	case "locate":
		out, err = locate(os.Args[2:])
	case "aggregate":
		out, err = aggregate(os.Args[2:])
	case "sites":
		out, err = sites(os.Args[2:])
	default:
		err = fmt.Errorf("unknown subcommand %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kernels:", err)
	os.Exit(1)
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// best runs f n times and returns the shortest duration in seconds.
func best(n int, f func()) float64 {
	b := math.Inf(1)
	for i := 0; i < n; i++ {
		t0 := time.Now()
		f()
		b = math.Min(b, time.Since(t0).Seconds())
	}
	return b
}

// parallel runs f over [0, n) split into one range per worker.
func parallel(n, workers int, f func(lo, hi int)) {
	if workers <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += per {
		hi := min(lo+per, n)
		wg.Add(1)
		go func() { defer wg.Done(); f(lo, hi) }()
	}
	wg.Wait()
}

// bestCPU is best, also returning the shortest process CPU time (user +
// system) of the n runs: on a loaded machine the figure a one-thread run
// can still be compared by.
func bestCPU(n int, f func()) (wall, cpu float64) {
	wall, cpu = math.Inf(1), math.Inf(1)
	for i := 0; i < n; i++ {
		c0 := cpuSeconds()
		t0 := time.Now()
		f()
		wall = math.Min(wall, time.Since(t0).Seconds())
		cpu = math.Min(cpu, cpuSeconds()-c0)
	}
	return wall, cpu
}

func cpuSeconds() float64 {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return math.NaN()
	}
	return float64(u.Utime.Nano()+u.Stime.Nano()) / 1e9
}

var sink uint64

func sumRange(b []uint64) uint64 {
	var s0, s1, s2, s3 uint64
	j := 0
	for ; j+4 <= len(b); j += 4 {
		x := b[j : j+4 : j+4]
		s0 += x[0]
		s1 += x[1]
		s2 += x[2]
		s3 += x[3]
	}
	for ; j < len(b); j++ {
		s0 += b[j]
	}
	return s0 + s1 + s2 + s3
}

func limits(args []string) (any, error) {
	fs := flag.NewFlagSet("limits", flag.ExitOnError)
	mb := fs.Int("mb", 256, "buffer size in MiB for the memory bandwidth")
	var files, execs multiFlag
	fs.Var(&files, "file", "file whose read rate to measure (repeatable)")
	fs.Var(&execs, "exec", "command line whose start-to-exit time to measure (repeatable)")
	fs.Parse(args)
	res := map[string]any{"threads": runtime.GOMAXPROCS(0), "process_start_true_s": startTime("/bin/true")}
	if *mb > 0 {
		memory(*mb, res)
	}
	fr := map[string]float64{}
	for _, f := range files {
		r, err := readRate(f)
		if err != nil {
			return nil, err
		}
		fr[f] = r
	}
	res["file_read_GBps"] = fr
	ex := map[string]float64{}
	for _, e := range execs {
		ex[e] = startTime(strings.Fields(e)...)
	}
	res["process_start_s"] = ex
	return res, nil
}

// memory measures sequential read bandwidth (sum of a buffer of mb MiB, one
// thread and GOMAXPROCS threads) and copy bandwidth into res.
func memory(mb int, res map[string]any) {
	n := mb << 20 / 8
	buf := make([]uint64, n)
	for i := range buf {
		buf[i] = uint64(i)
	}
	bytes := float64(n * 8)
	workers := runtime.GOMAXPROCS(0)
	var mu sync.Mutex
	read1 := best(5, func() { sink += sumRange(buf) })
	readN := best(5, func() {
		parallel(n, workers, func(lo, hi int) {
			s := sumRange(buf[lo:hi])
			mu.Lock()
			sink += s
			mu.Unlock()
		})
	})
	dst := make([]uint64, n)
	copy(dst, buf)
	copyN := best(5, func() { parallel(n, workers, func(lo, hi int) { copy(dst[lo:hi], buf[lo:hi]) }) })
	res["mem_read_1t_GBps"] = bytes / read1 / 1e9
	res["mem_read_GBps"] = bytes / readN / 1e9
	res["mem_copy_GBps"] = 2 * bytes / copyN / 1e9 // read + write
	res["buffer_MiB"] = mb
}

// readRate reads a file twice (the first read warms the page cache) and
// returns the second read's rate in GB/s.
func readRate(path string) (float64, error) {
	var size int64
	var err error
	buf := make([]byte, 1<<20)
	rd := func() {
		var f *os.File
		if f, err = os.Open(path); err != nil {
			return
		}
		defer f.Close()
		size = 0
		for {
			k, e := f.Read(buf)
			size += int64(k)
			if e == io.EOF {
				break
			}
			if e != nil {
				err = e
				return
			}
		}
	}
	rd()
	if err != nil {
		return 0, err
	}
	t := best(3, rd)
	return float64(size) / t / 1e9, err
}

// startTime returns the median start-to-exit time of a command over 20 runs.
func startTime(argv ...string) float64 {
	var ts []float64
	for i := 0; i < 20; i++ {
		t0 := time.Now()
		cmd := exec.Command(argv[0], argv[1:]...)
		if err := cmd.Run(); err != nil {
			fail(fmt.Errorf("%s: %v", strings.Join(argv, " "), err))
		}
		ts = append(ts, time.Since(t0).Seconds())
	}
	sort.Float64s(ts)
	return ts[len(ts)/2]
}

func writeRaw(path string, data any) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := binary.Write(f, binary.LittleEndian, data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func locate(args []string) (any, error) {
	fs := flag.NewFlagSet("locate", flag.ExitOnError)
	res := fs.Int("res", 25, "volume resolution in um: 10, 25, 50 or 100")
	np := fs.Int("points", 2_000_000, "points")
	dir := fs.String("dir", "", "output directory")
	fs.Parse(args)
	dims, ok := atlas.CCFDims[*res]
	if !ok || *dir == "" {
		return nil, fmt.Errorf("locate: -res must be 10, 25, 50 or 100 and -dir given")
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return nil, err
	}
	v := atlas.BoxVolume(dims, float64(*res), atlas.DemoBoxes)
	n := *np
	x, y, z := make([]float64, n), make([]float64, n), make([]float64, n)
	rng := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < n; i++ {
		x[i] = (rng.Float64()*1.05 - 0.025) * float64(dims[0]**res)
		y[i] = (rng.Float64()*1.05 - 0.025) * float64(dims[1]**res)
		z[i] = (rng.Float64()*1.05 - 0.025) * float64(dims[2]**res)
	}
	labels, status := make([]uint32, n), make([]uint8, n)
	workers := runtime.GOMAXPROCS(0)
	tN := best(5, func() { v.LocateBatch(x, y, z, labels, status) })
	runtime.GOMAXPROCS(1)
	t1, c1 := bestCPU(5, func() { v.LocateBatch(x, y, z, labels, status) })
	runtime.GOMAXPROCS(workers)
	// the random-gather ceiling: the same label reads through precomputed
	// flat indices (no arithmetic, no bounds; outside points read voxel 0,
	// as in LocateBatch), same threads, on the volume's own labels (on
	// 2 MiB pages, as NumPy's arrays) and on a copy on 4 KiB pages
	idx := make([]uint32, n)
	for p := range idx {
		if i, ok := v.Index(x[p], y[p], z[p]); ok {
			idx[p] = uint32(i)
		}
	}
	g := make([]uint32, n)
	gather := func(lab []uint32) func(lo, hi int) {
		return func(lo, hi int) {
			ix, out := idx[lo:hi], g[lo:hi]
			for p, i := range ix {
				out[p] = lab[i]
			}
		}
	}
	gN := best(5, func() { parallel(n, workers, gather(v.Labels)) })
	g1, gc1 := bestCPU(5, func() { gather(v.Labels)(0, n) })
	// the floor of a lookup that reads its coordinates: the gather plus the
	// coordinate reads and both outputs, without the arithmetic
	sl, ss := make([]uint32, n), make([]uint8, n)
	sgN := best(5, func() {
		parallel(n, workers, func(lo, hi int) {
			streamGather(v.Labels, idx[lo:hi], x[lo:hi], y[lo:hi], z[lo:hi], sl[lo:hi], ss[lo:hi])
		})
	})
	sg1, sgc1 := bestCPU(5, func() { streamGather(v.Labels, idx, x, y, z, sl, ss) })
	for p := range sl {
		if sl[p] != g[p] || ss[p] != uint8(g[p]) {
			return nil, fmt.Errorf("locate: stream+gather kernel differs from the gather at point %d", p)
		}
	}
	small := make([]uint32, len(v.Labels)) // Go's heap without advice: 4 KiB pages here
	copy(small, v.Labels)
	g1small := best(3, func() { gather(small)(0, n) })
	small = nil
	for _, w := range []struct {
		name string
		data any
	}{{"volume.u32", v.Labels}, {"x.f64", x}, {"y.f64", y}, {"z.f64", z}, {"labels.u32", labels}, {"status.u8", status}} {
		if err := writeRaw(filepath.Join(*dir, w.name), w.data); err != nil {
			return nil, err
		}
	}
	if err := writeJSON(filepath.Join(*dir, "meta.json"), map[string]any{"dims": dims, "spacing": v.Spacing, "points": n}); err != nil {
		return nil, err
	}
	inside := 0
	for _, s := range status {
		if s != atlas.StatusOutside {
			inside++
		}
	}
	return map[string]any{"points": n, "inside": inside, "res": *res, "dims": dims, "threads": workers,
		"volume_MB": float64(len(v.Labels)*4) / 1e6,
		"ccc_s":     tN, "ccc_1t_s": t1, "gather_s": gN, "gather_1t_s": g1,
		"ccc_points_per_s": float64(n) / tN, "ccc_1t_points_per_s": float64(n) / t1,
		"gather_points_per_s": float64(n) / gN, "gather_1t_points_per_s": float64(n) / g1,
		"gather_1t_4k_points_per_s": float64(n) / g1small, "huge_pages_kB": anonHugeKB(),
		"ccc_1t_cpu_s": c1, "gather_1t_cpu_s": gc1,
		"stream_gather_points_per_s": float64(n) / sgN, "stream_gather_1t_points_per_s": float64(n) / sg1,
		"stream_gather_1t_cpu_s": sgc1}, nil
}

// streamGatherGo is the portable loop of streamGather.
func streamGatherGo(lab, idx []uint32, x, y, z []float64, labels []uint32, status []uint8) {
	n := len(idx)
	x, y, z, labels, status = x[:n], y[:n], z[:n], labels[:n], status[:n]
	var acc uint64
	for p, q := range idx {
		acc ^= math.Float64bits(x[p]) ^ math.Float64bits(y[p]) ^ math.Float64bits(z[p])
		l := lab[q]
		labels[p], status[p] = l, uint8(l)
	}
	sinkBits = acc
}

var sinkBits uint64

// anonHugeKB returns this process's memory on transparent huge pages
// (kB, /proc/self/smaps_rollup), -1 when unknown.
func anonHugeKB() int {
	b, err := os.ReadFile("/proc/self/smaps_rollup")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "AnonHugePages:" {
			var k int
			fmt.Sscan(f[1], &k)
			return k
		}
	}
	return -1
}

func aggregate(args []string) (any, error) {
	fs := flag.NewFlagSet("aggregate", flag.ExitOnError)
	nexp := fs.Int("n", 40, "synthetic experiments (100 um grids, 4.8 MB each)")
	dir := fs.String("dir", "", "output directory")
	storeDir := fs.String("store", "", "also initialize this store with the experiment table (for 'ccc projections aggregate')")
	fs.Parse(args)
	if *dir == "" {
		return nil, fmt.Errorf("aggregate: -dir is required")
	}
	cache := projection.Cache{Dir: filepath.Join(*dir, "cache")}
	ins, err := projection.Synthetic(cache, projection.SyntheticOptions{N: *nexp, Seed: 1})
	if err != nil {
		return nil, err
	}
	if *storeDir != "" {
		st, err := store.Init(*storeDir)
		if err != nil {
			return nil, err
		}
		exps := make([]projection.Experiment, len(ins))
		for i := range ins {
			exps[i] = ins[i].Experiment
		}
		_, err = projection.IngestExperiments(context.Background(), st, exps, projection.IngestOptions{})
		st.Close()
		if err != nil {
			return nil, err
		}
	}
	o := projection.AggregateOptions{Normalization: projection.NormVolume, Subtract: true, GroupBy: projection.GroupAP, Bins: 5}
	var r *projection.Result
	run := func() {
		if r, err = projection.Aggregate(context.Background(), ins, o); err != nil {
			fail(err)
		}
	}
	run() // warm the page cache
	o.Workers = 1
	t1, c1 := bestCPU(5, run)
	o.Workers = 0
	t := best(5, run)
	// the page-cache ceiling: the same grid bytes read with 128 KiB preads
	// into a small buffer (what ccc's read of the data costs, without the
	// arithmetic), one thread and every thread (files split among them)
	var raws []string
	for _, in := range ins {
		raws = append(raws, strings.TrimSuffix(in.GridPath, ".mhd")+".raw")
	}
	readFiles := func(lo, hi int) {
		buf := make([]byte, 128<<10)
		for _, p := range raws[lo:hi] {
			f, err := os.Open(p)
			if err != nil {
				fail(err)
			}
			for off := int64(0); ; off += int64(len(buf)) {
				if k, _ := f.ReadAt(buf, off); k < len(buf) {
					break
				}
			}
			f.Close()
		}
	}
	pc1 := best(5, func() { readFiles(0, len(raws)) })
	pcN := best(5, func() { parallel(len(raws), runtime.GOMAXPROCS(0), readFiles) })
	var all []float32
	for _, m := range r.Mean {
		all = append(all, m...)
	}
	if err := writeRaw(filepath.Join(*dir, "ccc.f32"), all); err != nil {
		return nil, err
	}
	var exps []map[string]any
	for _, in := range ins {
		e := in.Experiment
		exps = append(exps, map[string]any{"id": e.ID, "raw": strings.TrimSuffix(in.GridPath, ".mhd") + ".raw", "summary": in.Summary.Path,
			"structure_id": e.StructureID, "ap": nullable(e.InjectionAP), "dv": nullable(e.InjectionDV), "ml": nullable(e.InjectionML)})
	}
	ro := r.Options
	var groups [][]int64
	for _, g := range r.Groups {
		groups = append(groups, g.Experiments)
	}
	spec := map[string]any{"dims": ro.Dims, "spacing": ro.Spacing, "normalization": ro.Normalization, "subtract": ro.Subtract,
		"group_by": ro.GroupBy, "bins": ro.Bins, "experiments": exps, "repeat": 1, "ccc_groups": groups}
	if err := writeJSON(filepath.Join(*dir, "spec.json"), spec); err != nil {
		return nil, err
	}
	return map[string]any{"experiments": *nexp, "bytes": r.BytesRead, "ccc_s": t, "ccc_GBps": float64(r.BytesRead) / t / 1e9,
		"ccc_1t_s": t1, "ccc_1t_GBps": float64(r.BytesRead) / t1 / 1e9, "ccc_1t_cpu_s": c1,
		"groups": len(r.Mean), "threads": runtime.GOMAXPROCS(0), "workers": max(1, ro.Workers),
		"pagecache_1t_GBps": float64(r.BytesRead) / pc1 / 1e9, "pagecache_GBps": float64(r.BytesRead) / pcN / 1e9}, nil
}

func nullable(f float64) any {
	if math.IsNaN(f) {
		return nil
	}
	return f
}
