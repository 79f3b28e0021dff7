package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeText(t *testing.T, path, s string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// newTestStore makes an empty store in a temporary directory and returns
// the directory and the environment that selects the store.
func newTestStore(t *testing.T) (string, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{"CCC_STORE": filepath.Join(dir, "store")}
	if code, _, errOut := runCLI(t, env, "init"); code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	return dir, env
}

// brIngest ingests file into BrainRegion of dataset and fails the test
// unless it exits 0.
func brIngest(t *testing.T, env map[string]string, dataset, file string) {
	t.Helper()
	if code, out, errOut := runCLI(t, env, "ingest", "--class", "BrainRegion", "--dataset", dataset, file); code != 0 {
		t.Fatalf("ingest %s: %d\n%s%s", file, code, out, errOut)
	}
}

// TestIngestLenientAllDropped: --lenient that drops every row does not
// replace the dataset's rows with nothing: exit 1, the rows dropped and
// why, the store unchanged; --allow-empty commits the empty table.
func TestIngestLenientAllDropped(t *testing.T) {
	dir, env := newTestStore(t)
	good := writeText(t, filepath.Join(dir, "good.csv"), "id,acronym\nBR1,A\nBR2,B\n")
	brIngest(t, env, "d", good)
	bad := writeText(t, filepath.Join(dir, "bad.csv"), "id,acronym\n,A\n,B\n,C\n")
	code, out, errOut := runCLI(t, env, "ingest", "--class", "BrainRegion", "--dataset", "d", "--lenient", bad)
	if code != 1 || !strings.Contains(errOut, "--lenient dropped all 3 rows (id: identifier missing 3)") || !strings.Contains(out, "dropped 3 row(s)") {
		t.Fatalf("all dropped: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, env, "query", "--format", "csv", "--sql", "SELECT count(*) AS n FROM BrainRegion")
	if code != 0 || out != "n\n2\n" {
		t.Fatalf("store changed: %q", out)
	}
	header := writeText(t, filepath.Join(dir, "header.csv"), "id,acronym\n")
	if code, _, errOut := runCLI(t, env, "ingest", "--class", "BrainRegion", "--dataset", "d", header); code != 1 || !strings.Contains(errOut, "header only or empty list): no records") {
		t.Fatalf("header only: exit %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, env, "ingest", "--class", "BrainRegion", "--dataset", "d", "--lenient", "--allow-empty", bad); code != 0 {
		t.Fatalf("--allow-empty: exit %d %s", code, errOut)
	}
	if _, out, _ = runCLI(t, env, "query", "--format", "csv", "--sql", "SELECT count(*) AS n FROM BrainRegion"); out != "n\n0\n" {
		t.Fatalf("after --allow-empty: %q", out)
	}
}

// TestIngestRefDataset: references resolve within the dataset written and
// the datasets named with --ref-dataset only (not silently against any
// dataset of the store), and the summary says which resolved them.
func TestIngestRefDataset(t *testing.T) {
	dir, env := newTestStore(t)
	parents := writeText(t, filepath.Join(dir, "parents.csv"), "id,acronym\nMBA:997,root\nMBA:8,grey\n")
	brIngest(t, env, "ontology", parents)
	kids := writeText(t, filepath.Join(dir, "kids.csv"), "id,acronym,parent_identifier\nMBA:567,CH,MBA:8\nMBA:315,Isocortex,MBA:567\n")
	code, out, errOut := runCLI(t, env, "ingest", "--class", "BrainRegion", "--dataset", "kids", kids)
	if code != 0 || !strings.Contains(out, "unresolved references: parent_identifier 1") || !strings.Contains(out, "references parent_identifier resolved by: input 1") {
		t.Fatalf("without --ref-dataset: %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, env, "ingest", "--class", "BrainRegion", "--dataset", "kids", "--ref-dataset", "ontology", kids)
	if code != 0 || strings.Contains(out, "unresolved references") || !strings.Contains(out, "references parent_identifier resolved by: dataset ontology 1, input 1") {
		t.Fatalf("with --ref-dataset: %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut = runCLI(t, env, "ingest", "--class", "BrainRegion", "--dataset", "kids", "--ref-dataset", "nosuch", kids); code != 2 || !strings.Contains(errOut, "no such dataset") {
		t.Fatalf("unknown --ref-dataset: %d %s", code, errOut)
	}
}

// TestLoadersUnknownColumns: one rule for the generic and the synapse
// loaders: columns that map to no slot are named and not stored, the blank
// header of a pandas index column (df.to_csv()) is ignored silently.
func TestLoadersUnknownColumns(t *testing.T) {
	dir, env := newTestStore(t)
	csv := writeText(t, filepath.Join(dir, "syn.csv"), ",id,pre_pt_root_id,post_pt_root_id,size,ctr_pt_x,ctr_pt_y,ctr_pt_z,synapse_id\n"+
		"0,10,1001,2001,344,1,2,3,-10\n1,11,1002,2002,345,4,5,6,-11\n")
	code, out, errOut := runCLI(t, env, "synapses", "ingest", "--dataset", "m", csv)
	if code != 0 || !strings.Contains(errOut, "unmapped input columns (not stored): synapse_id\n") || strings.Contains(errOut, "column0") {
		t.Fatalf("synapses ingest: %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, env, "ingest", "--class", "Synapse", "--dataset", "g", csv)
	if code != 0 || !strings.Contains(out, "unmapped input columns (not stored): synapse_id\n") || strings.Contains(out, "column0") {
		t.Fatalf("ingest: %d\n%s\n%s", code, out, errOut)
	}
}

// TestQuietSilencesSummaries: -q prints no summary (ingest, validate).
func TestQuietSilencesSummaries(t *testing.T) {
	dir, env := newTestStore(t)
	f := writeText(t, filepath.Join(dir, "r.csv"), "id,acronym,graph_order\nBR1,A,0\n")
	if code, out, errOut := runCLI(t, env, "-q", "ingest", "--class", "BrainRegion", "--dataset", "d", f); code != 0 || out != "" || errOut != "" {
		t.Fatalf("ingest -q: %d %q %q", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, env, "-q", "validate", "--class", "BrainRegion", f); code != 0 || out != "" || errOut != "" {
		t.Fatalf("validate -q: %d %q %q", code, out, errOut)
	}
	bad := writeText(t, filepath.Join(dir, "bad.csv"), "id,acronym\n,A\n")
	if code, out, errOut := runCLI(t, env, "-q", "ingest", "--class", "BrainRegion", "--dataset", "d", bad); code != 1 || out != "" || !strings.Contains(errOut, "identifier missing") {
		t.Fatalf("ingest -q rejected: %d %q %q", code, out, errOut)
	}
}

// TestSeedBrainRegionExample: the seed's BrainRegion(id="BR1", name="Region
// 1") validates; `schema jsonschema CLASS` takes the class positionally.
func TestSeedBrainRegionExample(t *testing.T) {
	dir := t.TempDir()
	f := writeText(t, filepath.Join(dir, "br1.yaml"), "id: BR1\nname: Region 1\n")
	if code, out, errOut := runCLI(t, nil, "validate", "--class", "BrainRegion", f); code != 0 {
		t.Fatalf("BR1: %d %s %s", code, out, errOut)
	}
	code, pos, _ := runCLI(t, nil, "schema", "jsonschema", "BrainRegion")
	_, flag, _ := runCLI(t, nil, "schema", "jsonschema", "--class", "BrainRegion")
	if code != 0 || pos != flag || !strings.Contains(pos, `"BrainRegion"`) {
		t.Fatalf("jsonschema positional: %d %.200s", code, pos)
	}
	if code, _, _ := runCLI(t, nil, "schema", "jsonschema", "--class", "Synapse", "BrainRegion"); code != 2 {
		t.Fatalf("two different classes: exit %d", code)
	}
}

// TestAtlasByCURIE: an atlas loaded from a terminology keeps its CURIEs,
// and every region argument takes the CURIE, the local number or the
// acronym.
func TestAtlasByCURIE(t *testing.T) {
	dir, env := newTestStore(t)
	f := writeText(t, filepath.Join(dir, "terms.csv"), "identifier,acronym,name,parent_identifier\n"+
		"MBA:997,root,root,\nMBA:8,grey,Basic cell groups and regions,MBA:997\nMBA:385,VISp,Primary visual area,MBA:8\nMBA:593,VISp1,Primary visual area layer 1,MBA:385\n")
	if code, _, errOut := runCLI(t, env, "atlas", "load", "--atlas", "mba", f); code != 0 {
		t.Fatalf("load: %d %s", code, errOut)
	}
	for _, q := range []string{"MBA:385", "385", "VISp"} {
		code, out, errOut := runCLI(t, env, "atlas", "children", q, "--format", "csv")
		if code != 0 || !strings.Contains(out, "\nMBA:593,593,VISp1,Primary visual area layer 1,,MBA:385,VISp,3,") {
			t.Errorf("children %s: %d\n%s%s", q, code, out, errOut)
		}
	}
	code, out, _ := runCLI(t, env, "query", "--format", "csv", "--sql", "SELECT id, structure_id, parent_identifier FROM BrainRegion WHERE acronym = 'VISp1'")
	if code != 0 || out != "id,structure_id,parent_identifier\nMBA:593,593,MBA:385\n" {
		t.Errorf("stored: %q", out)
	}
}
