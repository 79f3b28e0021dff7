package atlas

import (
	"bufio"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc/internal/testenv"
)

// Point-to-region throughput on a synthetic CCF volume, with the NumPy
// fancy-indexing peer (bench/atlas_locate.py, the brainglobe way) measured
// in the same run. Sizes come from the environment:
//
//	ATLAS_BENCH_RES     volume resolution in um: 10, 25 (default), 50, 100
//	ATLAS_BENCH_POINTS  points per pass (default 2,000,000; the target figure uses 10,000,000)
//
//	ATLAS_BENCH_POINTS=10000000 go test ./atlas -run XXX -bench Locate -benchtime 3x
//
// Target: at least 20M points/s and faster than NumPy.

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

type locateBench struct {
	res     int
	vol     *Volume
	x, y, z []float64
	labels  []uint32
	status  []uint8
}

var benchSetup *locateBench

func setupLocateBench(b *testing.B) *locateBench {
	res, n := envInt("ATLAS_BENCH_RES", 25), envInt("ATLAS_BENCH_POINTS", 2_000_000)
	if s := benchSetup; s != nil && s.res == res && len(s.x) == n {
		return s
	}
	dims, ok := CCFDims[res]
	if !ok {
		b.Fatalf("ATLAS_BENCH_RES must be 10, 25, 50 or 100")
	}
	s := &locateBench{res: res, vol: BoxVolume(dims, float64(res), DemoBoxes),
		x: make([]float64, n), y: make([]float64, n), z: make([]float64, n), labels: make([]uint32, n), status: make([]uint8, n)}
	rng := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < n; i++ { // uniform over the extent plus 2.5% on each side (some points outside)
		s.x[i] = (rng.Float64()*1.05 - 0.025) * float64(dims[0]*res)
		s.y[i] = (rng.Float64()*1.05 - 0.025) * float64(dims[1]*res)
		s.z[i] = (rng.Float64()*1.05 - 0.025) * float64(dims[2]*res)
	}
	benchSetup = s
	return s
}

func BenchmarkLocate(b *testing.B) {
	s := setupLocateBench(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.vol.LocateBatch(s.x, s.y, s.z, s.labels, s.status)
	}
	b.ReportMetric(float64(len(s.x))*float64(b.N)/b.Elapsed().Seconds(), "points/s")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkLocateVsNumPy times one Go pass (best of 3) and the NumPy peer on
// the same volume and number of points and reports both rates and their
// ratio.
func BenchmarkLocateVsNumPy(b *testing.B) {
	py := testenv.Python(b, "numpy")
	s := setupLocateBench(b)
	for i := 0; i < b.N; i++ {
		best := time.Duration(1 << 62)
		for r := 0; r < 3; r++ {
			t0 := time.Now()
			s.vol.LocateBatch(s.x, s.y, s.z, s.labels, s.status)
			best = min(best, time.Since(t0))
		}
		goRate := float64(len(s.x)) / best.Seconds()
		script := filepath.Join(testenv.RepoRoot(b), "bench", "atlas_locate.py")
		out, err := exec.Command(py, script, "--res", strconv.Itoa(s.res), "--points", strconv.Itoa(len(s.x))).CombinedOutput()
		if err != nil {
			b.Fatalf("%s: %v\n%s", script, err, out)
		}
		var npRate float64
		sc := bufio.NewScanner(strings.NewReader(string(out)))
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "numpy_points_per_s" {
				npRate, _ = strconv.ParseFloat(f[1], 64)
			}
		}
		if npRate == 0 {
			b.Fatalf("no rate from %s:\n%s", script, out)
		}
		b.Logf("%d points at %d um: Go %.1fM points/s, NumPy %.1fM points/s, Go/NumPy %.2fx", len(s.x), s.res, goRate/1e6, npRate/1e6, goRate/npRate)
		b.ReportMetric(goRate, "go_points/s")
		b.ReportMetric(npRate, "numpy_points/s")
		b.ReportMetric(goRate/npRate, "go/numpy")
	}
	b.ReportMetric(0, "ns/op")
}

// BenchmarkRegionIDs times Locate's label -> region step on 2M labels drawn
// at random from every CCF label, next to a map lookup per point (the step
// before the label table).
func BenchmarkRegionIDs(b *testing.B) {
	o := loadCCF(b)
	var known []uint32
	for _, r := range o.Regions() {
		if r.AnnotationValue > 0 {
			known = append(known, uint32(r.AnnotationValue))
		}
	}
	n := 2_000_000
	rng := rand.New(rand.NewPCG(1, 2))
	labels, ids, status := make([]uint32, n), make([]int64, n), make([]uint8, n)
	for i := range labels {
		labels[i] = known[rng.IntN(len(known))]
	}
	b.Run("table", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			clear(status)
			o.regionIDs(labels, ids, status)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/point")
	})
	b.Run("map", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			for p, l := range labels {
				if r, ok := o.ByLabel(int64(l)); ok {
					ids[p] = r.ID
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/point")
	})
}
