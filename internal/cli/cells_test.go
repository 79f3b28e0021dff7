package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/store"
)

// cellsStore builds a store with the quickstart's synthetic ontology and
// 100 um box volume, the synthetic cell set (seed 5) written to dir/synth,
// its taxonomy loaded as wmb-synth and the spatial cells ingested as
// dataset merfish. It returns the store and the synth directory.
func cellsStore(t *testing.T, spatial string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	st := filepath.Join(dir, "store")
	ont := filepath.Join(dir, "ontology.csv")
	if err := os.WriteFile(ont, []byte(atlasQSOntologyCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	must := func(args ...string) string {
		t.Helper()
		code, out, e := runCLI(t, nil, append([]string{"--store", st}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s\n%s", args, code, out, e)
		}
		return out
	}
	must("init", st)
	must("atlas", "load", "--atlas", "ccf2017", ont)
	s, err := store.Open(st)
	if err != nil {
		t.Fatal(err)
	}
	a, err := atlas.Open(s, store.Ref{}, "ccf2017")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := atlas.SaveVolume(context.Background(), s, a, atlas.BoxVolume(atlas.CCFDims[100], 100, atlas.DemoBoxes), atlas.VolumeSaveOptions{SourceURI: "synthetic"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	syn := filepath.Join(dir, "synth")
	must("synth", "cells", "--out", syn, "--seed", "5", "--spatial", spatial)
	must("taxonomy", "load", "--name", "wmb-synth", "--membership", filepath.Join(syn, "abc", "cluster_to_cluster_annotation_membership.csv"),
		filepath.Join(syn, "abc", "cluster_annotation_term.csv"))
	return st, syn
}

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestCellsIngestCount ingests the synthetic spatial cells and checks the
// ingest report and 'cells count' against an independent computation: each
// cell's voxel label (atlas.Volume.LabelAt) and subclass (parent chain in
// the taxonomy CSV) counted in plain Go, then rolled up with the atlas's
// Rollup.
func TestCellsIngestCount(t *testing.T) {
	st, syn := cellsStore(t, "3000")
	code, out, e := runCLI(t, nil, "--store", st, "cells", "ingest", "--dataset", "merfish", "--modality", "transcriptomics",
		"--taxonomy", "wmb-synth", "--score-col", "score", "--algorithm", "synthetic-label-transfer", filepath.Join(syn, "spatial_cells.csv"))
	if code != 0 {
		t.Fatalf("ingest: %d %s %s", code, out, e)
	}
	// independent: labels, disagreements and per-(region, subclass) counts
	vol := atlas.BoxVolume(atlas.CCFDims[100], 100, atlas.DemoBoxes)
	terms := readCSVFile(t, filepath.Join(syn, "abc", "cluster_annotation_term.csv"))
	parent, level := map[string]string{}, map[string]string{}
	for _, r := range terms[1:] {
		parent[r[0]], level[r[0]] = r[4], r[3]
	}
	aliasOf := map[string]string{}
	for _, r := range readCSVFile(t, filepath.Join(syn, "abc", "cluster_to_cluster_annotation_membership.csv"))[1:] {
		if level[r[1]] == "cluster" {
			aliasOf[r[0]] = r[1]
		}
	}
	subclassOf := func(c string) string {
		for level[c] != "subclass" {
			c = parent[c]
		}
		return c
	}
	ont, err := atlas.LoadOntology(writeTemp(t, atlasQSOntologyCSV), atlas.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		region int64
		sub    string
	}
	counts := map[key]float64{}
	disagree, labelled := 0, 0
	cells := readCSVFile(t, filepath.Join(syn, "spatial_cells.csv"))
	for _, r := range cells[1:] {
		x, y, z := atof(t, r[1]), atof(t, r[2]), atof(t, r[3])
		l, _ := vol.LabelAt(x, y, z)
		reg, ok := ont.ByLabel(int64(l))
		if !ok {
			t.Fatalf("cell %s in label %d", r[0], l)
		}
		if r[4] != "unassigned" {
			labelled++
			if lr, _ := ont.Lookup(r[4]); lr.ID != reg.ID {
				disagree++
			}
		}
		counts[key{reg.ID, subclassOf(aliasOf[r[5]])}]++
	}
	want := []string{"3000 cells -> dataset merfish (TRANSCRIPTOMICS)", "regions: 3000 from CCF, 0 from labels, 0 unlocated (0 points outside the volume), " + itoa(disagree) + " CCF/label disagreements kept",
		"clusters (wmb-synth): 3000 cells mapped, 0 without a cluster, 0 unresolved"}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("missing %q in %s", w, out)
		}
	}
	if disagree < 30 || labelled < 2900 {
		t.Errorf("synthetic set: %d disagreements, %d labelled", disagree, labelled)
	}
	// count: VISp with descendants, vs the atlas roll-up of the per-region counts
	code, out, e = runCLI(t, nil, "--store", st, "cells", "count", "--by", "subclass", "--region", "VISp,TH,grey", "--include-descendants", "--format", "json")
	if code != 0 {
		t.Fatalf("count: %d %s", code, e)
	}
	var rows []struct {
		Region  string `json:"region"`
		Cluster string `json:"cluster"`
		Count   int64  `json:"count"`
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, r := range rows {
		got[r.Region+"/"+r.Cluster] = r.Count
	}
	subs := map[string]bool{}
	for k := range counts {
		subs[k.sub] = true
	}
	n := 0
	var total int64
	for sub := range subs {
		var regions []int64
		var values []float64
		for k, v := range counts {
			if k.sub == sub {
				regions, values = append(regions, k.region), append(values, v)
			}
		}
		for _, target := range []string{"VISp", "TH", "grey"} {
			r, _ := ont.Lookup(target)
			roll, _, err := ont.Rollup(regions, values, []int64{r.ID}, -1, atlas.AggSum)
			if err != nil {
				t.Fatal(err)
			}
			var w int64
			for _, rr := range roll {
				w += int64(rr.Value)
			}
			if got[target+"/"+sub] != w {
				t.Errorf("%s %s: ccc %d, atlas roll-up %d", target, sub, got[target+"/"+sub], w)
			}
			if target == "grey" {
				total += w
			}
			n++
		}
	}
	if total != 3000 || n < 15 {
		t.Errorf("grey total %d over %d checks", total, n)
	}
	// without descendants VISp counts only cells whose region is VISp itself
	code, out, _ = runCLI(t, nil, "--store", st, "cells", "count", "--by", "class", "--region", "VISp", "--format", "csv")
	var exact int64
	for k, v := range counts {
		if r, _ := ont.ByID(k.region); r.Acronym == "VISp" {
			exact += int64(v)
		}
	}
	var sum int64
	for _, r := range readCSVString(t, out)[1:] {
		sum += int64(atof(t, r[4]))
	}
	if code != 0 || sum != exact || exact == 0 {
		t.Errorf("VISp exact: %d, want %d", sum, exact)
	}
	// stored tables validate closed-world
	v := validateStoreTables(t, st)
	for _, k := range []string{"merfish/CellMetadata", "merfish/DataItem", "merfish/DataSet", "merfish/CellToClusterMapping", "merfish/MappingSet", "merfish/AlgorithmRun"} {
		if _, ok := v[k]; !ok {
			t.Errorf("%s not valid: %v", k, v)
		}
	}
	if v["merfish/CellMetadata"] != 3000 || v["merfish/CellToClusterMapping"] != 3000 {
		t.Errorf("rows %v", v)
	}
	code, out, _ = runCLI(t, nil, "--store", st, "cells", "show", "--dataset", "merfish", "-n", "2")
	if code != 0 || !strings.Contains(out, "merfish_0000001") || !strings.Contains(out, "CS20230722_CLUS_") {
		t.Errorf("show: %s", out)
	}
}

// TestCellsIngestErrors: bad tables exit 1 (or 2 for usage) naming the
// file, row and column, and leave the store as it was.
func TestCellsIngestErrors(t *testing.T) {
	st, _ := cellsStore(t, "10")
	dir := t.TempDir()
	s, _ := store.Open(st)
	before, _ := s.Latest()
	s.Close()
	for _, tc := range []struct {
		name, csv string
		args      []string
		code      int
		want      string
	}{
		{"duplicate id", "cell_id,x,y,z\na,3000,2000,3000\nb,3000,2000,3000\na,1,1,1\n", nil, 1, "row 2: field cell_id: duplicate cell id (first at row 0)"},
		{"empty id", "cell_id,x,y,z\na,3000,2000,3000\n,1,1,1\n", nil, 1, "row 1: field cell_id: empty cell id"},
		{"bad coordinate", "cell_id,x,y,z\na,3000,2000,3000\nb,12a,1,1\n", nil, 1, `row 1: field x: not a number (value "12a")`},
		{"unknown region", "cell_id,region\na,VISp\nb,NOPE\n", nil, 1, `row 1: field region: region label not in atlas`},
		{"unknown cluster", "cell_id,region,cluster_alias\na,VISp,1\nb,VISp,99999\n", []string{"--taxonomy", "wmb-synth"}, 1, `row 1: field cluster_alias: cluster not in taxonomy wmb-synth (value "99999")`},
		{"no id column", "name,x\na,1\n", nil, 1, "no cell id column"},
		{"bad modality", "cell_id\na\n", []string{"--modality", "RNA"}, 2, "is not one of EM, MORPHOLOGY"},
		{"score without taxonomy", "cell_id,score\na,1\n", []string{"--score-col", "score"}, 2, "describe cluster assignments: give --taxonomy"},
		{"scale without coordinates", "cell_id\na\n", []string{"--coord-scale", "1000"}, 2, "apply to coordinates"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".csv")
			os.WriteFile(f, []byte(tc.csv), 0o644)
			args := []string{"--store", st, "cells", "ingest", "--dataset", "bad", "--modality", "EM"}
			args = append(append(args, tc.args...), f)
			code, _, e := runCLI(t, nil, args...)
			if code != tc.code || !strings.Contains(e, tc.want) || (tc.code == 1 && !strings.Contains(e, f)) {
				t.Errorf("exit %d: %s", code, e)
			}
		})
	}
	// unresolved clusters counted, not dropped silently
	f := filepath.Join(dir, "unresolved.csv")
	os.WriteFile(f, []byte("cell_id,region,cluster_alias\na,VISp,1\nb,VISp,99999\nc,TH,\n"), 0o644)
	code, out, e := runCLI(t, nil, "--store", st, "cells", "ingest", "--dataset", "em1", "--modality", "EM", "--taxonomy", "wmb-synth", "--allow-unresolved", f)
	if code != 0 || !strings.Contains(out, "1 cells mapped, 1 without a cluster, 1 unresolved (99999 (row 1))") || !strings.Contains(out, "0 from CCF, 3 from labels") {
		t.Errorf("allow-unresolved: %d %s %s", code, out, e)
	}
	s, _ = store.Open(st)
	defer s.Close()
	if after, _ := s.Latest(); after != before+1 {
		t.Errorf("store went from version %d to %d", before, after)
	}
}

func writeTemp(t *testing.T, s string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f.csv")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readCSVString(t *testing.T, s string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	var f float64
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return f
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
