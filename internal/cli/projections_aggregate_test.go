package cli

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

// synthStore makes a store whose experiment table lists synthetic
// experiments with cached summaries and grids.
func synthStore(t *testing.T, n int) (string, string, []projection.Input) {
	t.Helper()
	cache := filepath.Join(t.TempDir(), "cache")
	ins, err := projection.Synthetic(projection.Cache{Dir: cache}, projection.SyntheticOptions{N: n, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	table := filepath.Join(t.TempDir(), "exps.csv")
	f, _ := os.Create(table)
	w := csv.NewWriter(f)
	w.Write([]string{"id", "transgenic-line", "structure-id", "structure-abbrev", "injection-volume", "gender", "injection-coordinates", "injection-structures"})
	for _, in := range ins {
		e := in.Experiment
		w.Write([]string{fmt.Sprint(e.ID), e.TransgenicLine, fmt.Sprint(e.StructureID), e.StructureAbbrev, fmt.Sprint(e.InjectionVolume), e.Gender,
			fmt.Sprintf("[%g, %g, %g]", e.InjectionAP, e.InjectionDV, e.InjectionML), "[]"})
	}
	w.Flush()
	f.Close()
	dir := filepath.Join(t.TempDir(), "store")
	if _, e, code := runProj(t, "init", dir); code != 0 {
		t.Fatalf("init: %s", e)
	}
	if _, e, code := runProj(t, "--store", dir, "projections", "ingest", table); code != 0 {
		t.Fatalf("ingest: %s", e)
	}
	return dir, cache, ins
}

func TestProjectionsAggregateCLI(t *testing.T) {
	dir, cache, ins := synthStore(t, 4)
	meta := filepath.Join(t.TempDir(), "meta.csv")
	args := []string{"--store", dir, "projections", "aggregate", "--cache", cache, "--normalization", "injectionVolume", "--subtract",
		"--group-by", "AP", "--bins", "2", "--name", "ap", "--metadata-csv", meta}
	for _, in := range ins {
		args = append(args, fmt.Sprint(in.Experiment.ID))
	}
	out, e, code := runProj(t, args...)
	if code != 0 {
		t.Fatalf("aggregate: %s", e)
	}
	if !strings.Contains(out, "aggregated 4 experiments into") {
		t.Fatalf("summary: %s", out)
	}
	want, err := projection.Aggregate(context.Background(), ins, projection.AggregateOptions{Normalization: projection.NormVolume, Subtract: true, GroupBy: projection.GroupAP, Bins: 2})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sn, _ := st.Snapshot(store.Ref{})
	art, err := sn.Artifact(projection.DefaultDataset, "aggregate/ap")
	if err != nil {
		t.Fatal(err)
	}
	vols, dims, attrs, err := projection.ReadVolumes(filepath.Join(art.Dir, "mean.zarr"))
	if err != nil {
		t.Fatal(err)
	}
	if dims != [3]int{132, 80, 114} || len(vols) != len(want.Mean) {
		t.Fatalf("stored %v x %d", dims, len(vols))
	}
	for g := range vols {
		for i := range vols[g] {
			if vols[g][i] != want.Mean[g][i] {
				t.Fatalf("group %d voxel %d: stored %v, direct %v", g, i, vols[g][i], want.Mean[g][i])
			}
		}
	}
	if p, ok := attrs["parameters"].(map[string]any); !ok || p["normalization"] != "injectionVolume" || p["subtract_other_hemisphere"] != true {
		t.Fatalf("provenance %v", attrs["parameters"])
	}
	b, _ := os.ReadFile(meta)
	if !strings.HasPrefix(string(b), "ExperimentID,MouseLine,InjectionRegion,InjectionRegionID,InjectionAP,InjectionDV,InjectionML,InjectionVolume,InjectionIntensity,Sex") ||
		strings.Count(string(b), "\n") != 5 {
		t.Fatalf("metadata csv:\n%s", b)
	}
	vs, _ := st.Versions("")
	// Bad input: nothing stored.
	raw := strings.TrimSuffix(ins[2].GridPath, ".mhd") + ".raw"
	os.Truncate(raw, 1000)
	_, e, code = runProj(t, append(args[:len(args)-4:len(args)-4], fmt.Sprint(ins[0].Experiment.ID), fmt.Sprint(ins[2].Experiment.ID))...)
	if code == 0 || !strings.Contains(e, "truncated") {
		t.Fatalf("truncated grid: %d %s", code, e)
	}
	os.Remove(filepath.Join(cache, fmt.Sprint(ins[1].Experiment.ID), "density.mhd"))
	os.Remove(filepath.Join(cache, fmt.Sprint(ins[1].Experiment.ID), "density.raw"))
	_, e, code = runProj(t, append(args[:len(args)-4:len(args)-4], fmt.Sprint(ins[1].Experiment.ID), "12345")...)
	if code != ExitUsage || !strings.Contains(e, "no 100 um density grid cached") || !strings.Contains(e, "12345 is not in the experiment table") {
		t.Fatalf("missing grid + unknown id: %d %s", code, e)
	}
	_, e, code = runProj(t, "--store", dir, "projections", "aggregate", "--cache", cache, "--group-by", "regions", "--region-group", "x=NOPE", fmt.Sprint(ins[0].Experiment.ID))
	if code != ExitUsage || !strings.Contains(e, "NOPE") {
		t.Fatalf("unknown region: %d %s", code, e)
	}
	// summary without the structure-997 record while normalizing
	sum3 := filepath.Join(cache, fmt.Sprint(ins[3].Experiment.ID), "injectionSummary_all.json")
	os.WriteFile(sum3, []byte(`[{"structure_id": 385, "hemisphere_id": 3, "projection_volume": 0.1}]`), 0o644)
	_, e, code = runProj(t, "--store", dir, "projections", "aggregate", "--cache", cache, "--normalization", "injectionIntensity", fmt.Sprint(ins[3].Experiment.ID))
	if code != ExitInvalid || !strings.Contains(e, "no structure-997") || !strings.Contains(e, sum3) {
		t.Fatalf("summary without 997: %d %s", code, e)
	}
	// grid of the wrong size
	projection.WriteGridMHD(filepath.Join(cache, fmt.Sprint(ins[3].Experiment.ID)), "density", &projection.Grid{Dims: [3]int{66, 40, 57}, Spacing: 200, Data: make([]float32, 66*40*57)})
	_, e, code = runProj(t, "--store", dir, "projections", "aggregate", "--cache", cache, fmt.Sprint(ins[3].Experiment.ID))
	if code != ExitInvalid || !strings.Contains(e, "grid is 66x40x57, want 132x80x114") {
		t.Fatalf("wrong size: %d %s", code, e)
	}
	vs2, _ := st.Versions("")
	if len(vs2) != len(vs) {
		t.Fatalf("a failed aggregate stored a version")
	}
}
