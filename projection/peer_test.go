package projection

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/testenv"
)

type peerOut struct {
	Groups []struct {
		Experiments []int64  `json:"experiments"`
		Centre      *float64 `json:"centre"`
	} `json:"groups"`
	Warnings []string `json:"warnings"`
	Seconds  float64  `json:"seconds"`
	Bytes    int64    `json:"bytes"`
}

// runPeer runs python/projection_peer.py on the inputs and returns its
// group means (Fortran order) and report.
func runPeer(t testing.TB, py string, ins []Input, o AggregateOptions, ontology string, repeat int) ([][]float32, peerOut) {
	t.Helper()
	dir := t.TempDir()
	var exps []map[string]any
	for _, in := range ins {
		e := in.Experiment
		raw := strings.TrimSuffix(in.GridPath, ".mhd") + ".raw"
		exps = append(exps, map[string]any{"id": e.ID, "raw": raw, "summary": in.Summary.Path, "structure_id": e.StructureID,
			"ap": nullable(e.InjectionAP), "dv": nullable(e.InjectionDV), "ml": nullable(e.InjectionML)})
	}
	var rg [][]any
	for _, g := range o.RegionGroups {
		rg = append(rg, []any{g.Name, g.Regions})
	}
	spec := map[string]any{"dims": o.Dims, "spacing": o.Spacing, "normalization": o.norm(), "subtract": o.Subtract,
		"group_by": o.GroupBy, "bins": o.Bins, "ontology": ontology, "region_groups": rg, "experiments": exps, "repeat": repeat}
	js, _ := json.Marshal(spec)
	specPath := filepath.Join(dir, "spec.json")
	os.WriteFile(specPath, js, 0o644)
	outPath := filepath.Join(dir, "out.f32")
	script := filepath.Join(testenv.RepoRoot(t), "python", "projection_peer.py")
	out, err := exec.Command(py, script, "aggregate", specPath, outPath).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("projection_peer.py: %v\n%s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var rep peerOut
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("peer output %s: %v", out, err)
	}
	b, _ := os.ReadFile(outPath)
	n := o.Dims[0] * o.Dims[1] * o.Dims[2]
	vals := make([]float32, len(b)/4)
	binary.Read(strings.NewReader(string(b)), binary.LittleEndian, vals)
	var vols [][]float32
	for k := 0; k+n <= len(vals); k += n {
		vols = append(vols, vals[k:k+n])
	}
	return vols, rep
}

// TestConformanceWithNumPyPeer compares Aggregate with the NumPy port of the
// seed's algorithm (defects fixed) for every option on synthetic grids.
func TestConformanceWithNumPyPeer(t *testing.T) {
	py := testenv.Python(t, "numpy")
	ontPath := testenv.SharedData(t, atlas.DefaultOntologyFile)
	ont, err := atlas.LoadOntology(ontPath, atlas.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dims := [3]int{22, 12, 19} // odd ML: the centre plane has no mirror partner
	cache := Cache{Dir: t.TempDir()}
	ins, err := Synthetic(cache, SyntheticOptions{N: 14, Dims: dims, Spacing: 100, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	// one experiment without ML coordinate: hemisphere from max_voxel_z (um)
	ins[3].Experiment.InjectionML = math.NaN()
	// one without AP coordinate: left out of AP grouping
	ins[5].Experiment.InjectionAP = math.NaN()
	groups := []RegionGroup{{"visual", []string{"VISp", "VISl"}}, {"medial", []string{"VISpm"}}, {"motor", []string{"MOp"}}}
	var cases []AggregateOptions
	for _, norm := range []string{NormNone, NormVolume, NormIntensity} {
		for _, sub := range []bool{false, true} {
			cases = append(cases, AggregateOptions{Normalization: norm, Subtract: sub})
		}
	}
	cases = append(cases,
		AggregateOptions{Normalization: NormVolume, Subtract: true, GroupBy: GroupAP, Bins: 4},
		AggregateOptions{Normalization: NormIntensity, GroupBy: GroupML, Bins: 3},
		AggregateOptions{GroupBy: GroupDV, Bins: 7, Subtract: true},
		AggregateOptions{Normalization: NormVolume, GroupBy: GroupRegions, RegionGroups: groups, Ontology: ont})
	for _, o := range cases {
		o.Dims, o.Spacing = dims, 100
		t.Run(fmt.Sprintf("%s/sub=%v/%s%d", o.norm(), o.Subtract, o.GroupBy, o.Bins), func(t *testing.T) {
			res, err := Aggregate(context.Background(), ins, o)
			if err != nil {
				t.Fatal(err)
			}
			vols, rep := runPeer(t, py, ins, res.Options, ontPath, 1)
			if len(vols) != len(res.Mean) || len(rep.Groups) != len(res.Groups) {
				t.Fatalf("groups: ccc %d, peer %d", len(res.Mean), len(vols))
			}
			for g := range vols {
				if fmt.Sprint(rep.Groups[g].Experiments) != fmt.Sprint(res.Groups[g].Experiments) {
					t.Fatalf("group %d members: ccc %v, peer %v", g, res.Groups[g].Experiments, rep.Groups[g].Experiments)
				}
				if c := rep.Groups[g].Centre; c != nil && math.Abs(*c-res.Groups[g].Centre) > 1e-9 {
					t.Fatalf("group %d centre: ccc %v, peer %v", g, res.Groups[g].Centre, *c)
				}
				var maxAbs float64
				for i := range vols[g] {
					a, b := float64(res.Mean[g][i]), float64(vols[g][i])
					maxAbs = math.Max(maxAbs, math.Abs(b))
					if math.Abs(a-b) > 1e-5*math.Max(1e-3, math.Abs(b)) {
						t.Fatalf("group %d voxel %d: ccc %v, peer %v", g, i, a, b)
					}
				}
				if maxAbs == 0 {
					t.Fatalf("group %d is all zero: the comparison is vacuous", g)
				}
			}
		})
	}
}

// BenchmarkAggregate aggregates synthetic experiments (injectionVolume
// normalization, hemisphere subtraction, AP grouping in 5 bins) and, in the
// same run, times the NumPy port on the same files and reports both
// throughputs and the ratio. CCC_BENCH_EXPERIMENTS sets the number of
// experiments (default 40; the figure is 200: see docs/projections.md).
func BenchmarkAggregate(b *testing.B) {
	n := 40
	if v, err := strconv.Atoi(os.Getenv("CCC_BENCH_EXPERIMENTS")); err == nil && v > 0 {
		n = v
	}
	cache := Cache{Dir: b.TempDir()}
	ins, err := Synthetic(cache, SyntheticOptions{N: n, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	o := AggregateOptions{Normalization: NormVolume, Subtract: true, GroupBy: GroupAP, Bins: 5}
	var res *Result
	b.SetBytes(int64(n) * 132 * 80 * 114 * 4)
	b.ResetTimer()
	t0 := time.Now()
	for i := 0; i < b.N; i++ {
		res, err = Aggregate(context.Background(), ins, o)
		if err != nil {
			b.Fatal(err)
		}
	}
	goSec := time.Since(t0).Seconds() / float64(b.N)
	b.StopTimer()
	gbps := float64(res.BytesRead) / goSec / 1e9
	b.ReportMetric(gbps, "GB/s")
	py := testenv.Python(b, "numpy")
	_, rep := runPeer(b, py, ins, res.Options, "", 1)
	pyGBps := float64(rep.Bytes) / rep.Seconds / 1e9
	b.ReportMetric(pyGBps, "numpy-GB/s")
	b.ReportMetric(rep.Seconds/goSec, "x-numpy")
	b.Logf("%d experiments, %.1f MB of grids: ccc %.3f s (%.2f GB/s), NumPy port %.3f s (%.2f GB/s): %.1fx",
		n, float64(res.BytesRead)/1e6, goSec, gbps, rep.Seconds, pyGBps, rep.Seconds/goSec)
}
