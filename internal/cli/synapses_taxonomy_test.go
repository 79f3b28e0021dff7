package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/synapse/synth"
)

// TestSynapsesMatrixByTaxonomy: EM connectivity grouped by a taxonomy
// level through cell-to-cluster mappings (cells keyed by nucleus id for
// half the neurons, by root id for the others) equals the same grouping
// computed in plain Go from the raw synapse rows.
func TestSynapsesMatrixByTaxonomy(t *testing.T) {
	dir := t.TempDir()
	data, st := filepath.Join(dir, "synth"), filepath.Join(dir, "store")
	if _, e, code := runCCC(t, "synth", "synapses", "--neurons", "300", "--synapses", "15000", "--seed", "3", "--out", data, "-q"); code != 0 {
		t.Fatal(e)
	}
	s := func(args ...string) string {
		t.Helper()
		out, e, code := runCCC(t, append([]string{"--store", st}, args...)...)
		if code != 0 {
			t.Fatalf("%v: %d %s", args, code, e)
		}
		return out
	}
	s("synapses", "ingest", "--dataset", "m", filepath.Join(data, synth.SynapsesFile))
	s("synapses", "cells", "ingest", "--dataset", "m", "--kind", "celltype", "--source", "automated", filepath.Join(data, synth.CellTypesAutoFile))
	rows := readCSVFile(t, filepath.Join(data, synth.CellTypesAutoFile))
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	perRoot := map[string]int{}
	for _, r := range rows[1:] {
		perRoot[r[col["pt_root_id"]]]++
	}
	classOf := map[string]string{}   // root -> class
	typeClass := map[string]string{} // type -> class
	var cellsCSV, neurons strings.Builder
	cellsCSV.WriteString("cell,cell_type\n")
	for i, r := range rows[1:] {
		root, ty := r[col["pt_root_id"]], r[col["cell_type"]]
		if perRoot[root] != 1 || root == "0" {
			continue
		}
		cls := "inh"
		if r[col["classification_system"]] == "excitatory_neuron" {
			cls = "exc"
		}
		typeClass[ty], classOf[root] = cls, cls
		id := root
		if i%2 == 0 {
			id = r[col["target_id"]]
		}
		fmt.Fprintf(&cellsCSV, "%s,%s\n", id, ty)
		neurons.WriteString(root + "\n")
	}
	var tax strings.Builder
	tax.WriteString("label,parent,level\nexc,,class\ninh,,class\n")
	for ty, cls := range typeClass {
		fmt.Fprintf(&tax, "%s,%s,type\n", ty, cls)
	}
	for name, body := range map[string]string{"tax.csv": tax.String(), "emcells.csv": cellsCSV.String(), "neurons.txt": neurons.String()} {
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644)
	}
	s("taxonomy", "load", "--name", "emtax", "--levels", "class,type", filepath.Join(dir, "tax.csv"))
	s("cells", "ingest", "--dataset", "emcells", "--modality", "EM", "--id-col", "cell", "--taxonomy", "emtax", "--cluster-col", "cell_type", filepath.Join(dir, "emcells.csv"))
	out := s("synapses", "matrix", "--dataset", "m", "--neurons", "@"+filepath.Join(dir, "neurons.txt"), "--by", "taxonomy:emtax:class")
	// independent: raw rows among the neuron set, autapses excluded
	want := map[string][2]int{}
	pairs := map[[2]string]bool{}
	for _, r := range readCSV(t, s("synapses", "query", "--dataset", "m", "--columns", "pre_pt_root_id,post_pt_root_id"))[1:] {
		a, b := classOf[r[0]], classOf[r[1]]
		if a == "" || b == "" || r[0] == r[1] {
			continue
		}
		k := a + "->" + b
		w := want[k]
		w[0]++
		if !pairs[[2]string{r[0], r[1]}] {
			pairs[[2]string{r[0], r[1]}] = true
			w[1]++
		}
		want[k] = w
	}
	got := readCSV(t, out)
	if strings.Join(got[0][:6], ",") != "pre_cell_type,post_cell_type,n_pre,n_post,syn_count,connected_pairs" || len(got) != 5 {
		t.Fatalf("matrix:\n%s", out)
	}
	total := 0
	for _, r := range got[1:] {
		w := want[r[0]+"->"+r[1]]
		if r[4] != fmt.Sprint(w[0]) || r[5] != fmt.Sprint(w[1]) {
			t.Errorf("%s -> %s: syn %s pairs %s, want %d %d", r[0], r[1], r[4], r[5], w[0], w[1])
		}
		total += w[0]
	}
	if total < 1000 {
		t.Errorf("only %d synapses among the mapped neurons", total)
	}
	if _, e, code := runCCC(t, "--store", st, "synapses", "matrix", "--dataset", "m", "--neurons", "@"+filepath.Join(dir, "neurons.txt"), "--by", "taxonomy:emtax:nope"); code != 2 || !strings.Contains(e, "no such level") {
		t.Errorf("bad level: %d %s", code, e)
	}
}
