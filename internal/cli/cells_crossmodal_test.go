package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestCellsProjectionsByType: BARseq cells typed through their cluster
// assignments; type x target mean and fraction projecting equal a plain Go
// computation on the synthetic CSVs.
func TestCellsProjectionsByType(t *testing.T) {
	st, syn := cellsStore(t, "500")
	run := func(args ...string) string {
		t.Helper()
		code, out, e := runCLI(t, nil, append([]string{"--store", st}, args...)...)
		if code != 0 {
			t.Fatalf("%v: %d %s %s", args, code, out, e)
		}
		return out
	}
	run("cells", "ingest", "--dataset", "barseq", "--modality", "BARSEQ", "--taxonomy", "wmb-synth", filepath.Join(syn, "barseq_cells.csv"))
	run("projections", "matrix", "ingest", "barseq", filepath.Join(syn, "barseq_projections.csv"), "--modality", "BARseq", "--dataset", "barseq_demo")
	out := run("cells", "projections", "--matrix", "barseq", "--matrix-dataset", "barseq_demo", "--by", "subclass", "--format", "csv")
	// independent
	terms := readCSVFile(t, filepath.Join(syn, "abc", "cluster_annotation_term.csv"))
	parent, level := map[string]string{}, map[string]string{}
	for _, r := range terms[1:] {
		parent[r[0]], level[r[0]] = r[4], r[3]
	}
	leafOf := map[string]string{}
	for _, r := range readCSVFile(t, filepath.Join(syn, "abc", "cluster_to_cluster_annotation_membership.csv"))[1:] {
		if level[r[1]] == "cluster" {
			leafOf[r[0]] = r[1]
		}
	}
	sub := map[string]string{} // cell -> subclass
	for _, r := range readCSVFile(t, filepath.Join(syn, "barseq_cells.csv"))[1:] {
		c := leafOf[r[4]]
		for level[c] != "subclass" {
			c = parent[c]
		}
		sub[r[0]] = c
	}
	proj := readCSVFile(t, filepath.Join(syn, "barseq_projections.csv"))
	type acc struct{ n, pos, sum float64 }
	want := map[string]*acc{}
	for _, r := range proj[1:] {
		for j, target := range proj[0][1:] {
			k := sub[r[0]] + "/" + target
			if want[k] == nil {
				want[k] = &acc{}
			}
			v, _ := strconv.ParseFloat(r[j+1], 64)
			want[k].n++
			want[k].sum += v
			if v > 0 {
				want[k].pos++
			}
		}
	}
	got := readCSVString(t, out)
	if strings.Join(got[0], ",") != "subclass,region_id,region,cells,mean,fraction_projecting" || len(got)-1 != len(want) {
		t.Fatalf("%d rows, want %d:\n%s", len(got)-1, len(want), out)
	}
	for _, r := range got[1:] {
		w := want[r[0]+"/"+r[2]]
		mean, _ := strconv.ParseFloat(r[4], 64)
		frac, _ := strconv.ParseFloat(r[5], 64)
		if w == nil || r[3] != fmt.Sprint(w.n) || !near(mean, w.sum/w.n) || !near(frac, w.pos/w.n) {
			t.Errorf("%v: want %+v", r, w)
		}
	}
}

func near(a, b float64) bool { d := a - b; return d < 1e-9 && d > -1e-9 }

// TestCellsRegion: the region answer lists the cell types present (as
// cells count) and the mean tracer projection of the experiments injected
// in the region or below it.
func TestCellsRegion(t *testing.T) {
	st, syn := cellsStore(t, "800")
	dir := t.TempDir()
	exps := filepath.Join(dir, "exps.csv")
	os.WriteFile(exps, []byte("id,structure_id\n1,385\n2,593\n3,549\n"), 0o644)
	tracer := filepath.Join(dir, "tracer.csv")
	os.WriteFile(tracer, []byte("cell_id,VISp,TH,CB\nallen:1,0.5,0.25,0\nallen:2,0.3,0.75,0.1\nallen:3,0.9,0.9,0.9\n"), 0o644)
	for _, args := range [][]string{
		{"cells", "ingest", "--dataset", "merfish", "--modality", "TRANSCRIPTOMICS", "--taxonomy", "wmb-synth", filepath.Join(syn, "spatial_cells.csv")},
		{"ingest", "--class", "ConnectivityExperiment", "--dataset", "tracers", exps},
		{"projections", "matrix", "ingest", "tracer", tracer, "--dataset", "tracers", "--measurement", "other", "--modality", "other"},
	} {
		if code, out, e := runCLI(t, nil, append([]string{"--store", st}, args...)...); code != 0 {
			t.Fatalf("%v: %s %s", args, out, e)
		}
	}
	code, out, e := runCLI(t, nil, "--store", st, "cells", "region", "VISp", "--by", "class", "--tracer-matrix", "tracer", "--tracer-dataset", "tracers")
	if code != 0 {
		t.Fatalf("%d %s", code, e)
	}
	_, count, _ := runCLI(t, nil, "--store", st, "cells", "count", "--by", "class", "--region", "VISp", "--include-descendants", "--format", "csv")
	var total int
	var lines []string
	for _, r := range readCSVString(t, count)[1:] {
		n, _ := strconv.Atoi(r[4])
		total += n
		lines = append(lines, fmt.Sprintf("  %-24s %8d", r[2], n))
	}
	sort.Strings(lines)
	if !strings.Contains(out, fmt.Sprintf("VISp (Primary visual area): %d cells of %d class types", total, len(lines))) || total == 0 {
		t.Errorf("header: %s", out)
	}
	for _, l := range lines {
		if !strings.Contains(out, l) {
			t.Errorf("missing %q in %s", l, out)
		}
	}
	// experiments 1 (VISp) and 2 (VISp1): TH 0.5, VISp 0.4, CB 0.05
	if !strings.Contains(out, "over 2 experiments injected in VISp or below):\n  TH         0.5\n  VISp       0.4\n  CB         0.05\n") {
		t.Errorf("tracer part: %s", out)
	}
}
