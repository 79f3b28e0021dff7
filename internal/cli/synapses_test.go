package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/synapse/synth"
)

func runCCC(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, &IO{In: strings.NewReader(""), Out: &out, ErrOut: &errb, Getenv: func(string) string { return "" }})
	return out.String(), errb.String(), code
}

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("bad CSV output: %v\n%s", err, s)
	}
	return recs
}

func TestSynapsesCLI(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "synth")
	storeDir := filepath.Join(dir, "store")
	if _, errs, code := runCCC(t, "synth", "synapses", "--neurons", "400", "--synapses", "20000", "--seed", "5", "--out", data, "-q"); code != 0 {
		t.Fatalf("synth: %d %s", code, errs)
	}
	s := func(args ...string) (string, string, int) {
		return runCCC(t, append([]string{"--store", storeDir}, args...)...)
	}
	if _, errs, code := s("synapses", "ingest", "--dataset", "m", filepath.Join(data, synth.SynapsesFile)); code != 0 {
		t.Fatalf("ingest: %d %s", code, errs)
	}
	for _, a := range [][]string{
		{"--kind", "celltype", "--source", "automated", filepath.Join(data, synth.CellTypesAutoFile)},
		{"--kind", "celltype", "--source", "manual", filepath.Join(data, synth.CellTypesManFile)},
		{"--kind", "proofreading", filepath.Join(data, synth.ProofreadingFile)},
	} {
		if _, errs, code := s(append([]string{"synapses", "cells", "ingest", "--dataset", "m"}, a...)...); code != 0 {
			t.Fatalf("cells ingest %v: %d %s", a, code, errs)
		}
	}
	out, _, code := s("synapses", "versions", "--format", "json")
	if code != 0 || !strings.Contains(out, `"synapses": 20000`) || strings.Count(out, `"version"`) != 4 {
		t.Fatalf("versions: %d\n%s", code, out)
	}

	// all synapses, fast columns: count per pre independently from the CSV output
	out, _, code = s("synapses", "query", "--columns", "id,pre_pt_root_id,post_pt_root_id,size")
	if code != 0 {
		t.Fatal("query all failed")
	}
	all := readCSV(t, out)
	if len(all) != 20001 {
		t.Fatalf("query all: %d rows, want 20000", len(all)-1)
	}
	outDeg := map[string]int{}
	pairs := map[[2]string]int{}
	for _, r := range all[1:] {
		outDeg[r[1]]++
		pairs[[2]string{r[1], r[2]}]++
	}
	pre := all[1][1]
	out, errs, code := s("synapses", "query", "--pre", pre, "--format", "csv")
	if code != 0 || len(readCSV(t, out))-1 != outDeg[pre] {
		t.Errorf("--pre %s: %d rows, want %d (%s)", pre, len(readCSV(t, out))-1, outDeg[pre], errs)
	}
	// per-pair counts equal the counts of the raw rows
	out, _, code = s("synapses", "query", "--pre", pre, "--group-by", "pair")
	if code != 0 {
		t.Fatal("group-by failed")
	}
	for _, r := range readCSV(t, out)[1:] {
		n, _ := strconv.Atoi(r[2])
		if n != pairs[[2]string{r[0], r[1]}] {
			t.Errorf("pair %v: %d, want %d", r[:2], n, pairs[[2]string{r[0], r[1]}])
		}
	}
	// --limit says so on stderr
	_, errs, code = s("synapses", "query", "--pre", pre, "--limit", "1")
	if code != 0 || !strings.Contains(errs, "--limit 1 cut the result") {
		t.Errorf("limit: %d %q", code, errs)
	}
	// unknown id: zero rows, exit 0
	out, errs, code = s("synapses", "query", "--pre", "864691100000000001")
	if code != 0 || len(readCSV(t, out)) != 1 || !strings.Contains(errs, "not in the table") {
		t.Errorf("unknown id: code %d out %q err %q", code, out, errs)
	}
	// proofread subgraph matrix and heatmap, type matrix
	png := filepath.Join(dir, "m.png")
	out, errs, code = s("synapses", "matrix", "--proofread", "subgraph", "--remove-autapses", "--value", "binary", "--png", png)
	if code != 0 {
		t.Fatalf("matrix: %d %s", code, errs)
	}
	m := readCSV(t, out)
	if len(m)-1 != len(m[0])-1 || len(m) < 3 {
		t.Errorf("matrix not square: %d rows, %d cols", len(m)-1, len(m[0])-1)
	}
	if st, err := os.Stat(png); err != nil || st.Size() == 0 {
		t.Errorf("heatmap PNG missing: %v", err)
	}
	out, errs, code = s("synapses", "matrix", "--proofread", "subgraph", "--by", "cell_type")
	if code != 0 || !strings.HasPrefix(out, "pre_cell_type,post_cell_type,n_pre,n_post,syn_count,connected_pairs,possible_pairs,connection_probability") {
		t.Errorf("type matrix: %d %s %s", code, errs, out)
	}

	errCases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown column", []string{"synapses", "query", "--columns", "nope"}, 2, "unknown column"},
		{"unknown filter column", []string{"synapses", "query", "--filter-equal", "nope=1"}, 2, "unknown column"},
		{"unknown version", []string{"synapses", "query", "--version", "77"}, 2, "version 77"},
		{"bad id", []string{"synapses", "query", "--pre", "12x"}, 2, "not an integer root id"},
		{"bad resolution", []string{"synapses", "query", "--desired-resolution", "1,1"}, 2, "three numbers"},
		{"bad format", []string{"synapses", "query", "--format", "xml"}, 2, "--format"},
		{"bad ingest", []string{"synapses", "ingest", "--dataset", "m", "../../synapse/testdata/ingest/bad_root.csv"}, 1, "bad_root.csv:3: row 1: field pre_pt_root_id"},
	}
	for _, c := range errCases {
		t.Run(c.name, func(t *testing.T) {
			_, errs, code := s(c.args...)
			if code != c.code || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d (want %d), stderr %q lacks %q", code, c.code, errs, c.want)
			}
		})
	}
	// --timestamp before the first version is an error; after the last one reads the latest
	if _, errs, code := s("synapses", "query", "--timestamp", "2001-01-01", "--pre", pre); code != 2 {
		t.Errorf("--timestamp 2001-01-01: exit %d %s", code, errs)
	}
	out, errs, code = s("synapses", "query", "--timestamp", "2999-01-01", "--pre", pre, "--columns", "id")
	if code != 0 || len(readCSV(t, out))-1 != outDeg[pre] {
		t.Errorf("--timestamp 2999: exit %d %s", code, errs)
	}
	// version 1 had no cell tables: cell types are an error there, not at the latest version
	if _, errs, code := s("synapses", "query", "--version", "1", "--pre", pre, "--columns", "id,cell_type_post"); code != 2 || !strings.Contains(errs, "no cell-type table") {
		t.Errorf("cell types at version 1: exit %d %s", code, errs)
	}
	out, _, code = s("synapses", "query", "--pre", pre, "--columns", "id,cell_type_post")
	if code != 0 || strings.Count(out, "\n")-1 != outDeg[pre] {
		t.Errorf("cell types at latest: exit %d", code)
	}
	// the unified cell view of proofread neurons feeds --pre @FILE
	out, _, code = s("synapses", "cells", "show", "--proofread", "axon", "-q")
	view := readCSV(t, out)
	if code != 0 || len(view) < 2 || view[0][0] != "pt_root_id" || view[0][6] != "cell_type" {
		t.Fatalf("cells show: %d %v", code, view[:1])
	}
	idFile := filepath.Join(dir, "proof.csv")
	if err := os.WriteFile(idFile, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	a, _, _ := s("synapses", "query", "--pre", "@"+idFile, "--post", "@"+idFile, "--remove-autapses", "--columns", "id")
	b, _, _ := s("synapses", "query", "--proofread", "subgraph", "--remove-autapses", "--columns", "id")
	if a != b || len(readCSV(t, a)) < 2 {
		t.Errorf("--pre/--post @FILE (%d rows) differs from --proofread subgraph (%d rows)", len(readCSV(t, a)), len(readCSV(t, b)))
	}

	// the failed ingest stored nothing
	out, _, _ = s("synapses", "versions", "--format", "json")
	if strings.Count(out, `"version"`) != 4 {
		t.Errorf("a failed ingest changed the versions:\n%s", out)
	}
}
