package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/testenv"
)

func ingestTestSynapseCSV(t *testing.T, path string, n int, badRow int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("id,pre_pt_root_id,post_pt_root_id,size,ctr_pt_x,ctr_pt_y,ctr_pt_z\n")
	for i := 0; i < n; i++ {
		size := fmt.Sprint(100 + i%50)
		if i == badRow {
			size = "big"
		}
		fmt.Fprintf(&b, "%d,%d,%d,%s,%d,%d,%d\n", i, 1000+i%7, 2000+i%11, size, i, i+1, i+2)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestIngestCommand(t *testing.T) {
	dir := t.TempDir()
	st := filepath.Join(dir, "store")
	env := map[string]string{"CCC_STORE": st}
	if code, _, errOut := runCLI(t, env, "ingest", "--class", "Synapse", "--dataset", "d", "x.csv"); code != 2 || !strings.Contains(errOut, "ccc init") {
		t.Fatalf("no store: %d %s", code, errOut)
	}
	runCLI(t, env, "init")

	allen := testenv.SharedData(t, "allen-ccf/structure_tree_safe_2017.csv")
	code, out, errOut := runCLI(t, env, "ingest", "--class", "BrainRegion", "--dataset", "allen-ccf-2017", "-m", "Allen CCF 2017", allen)
	if code != 0 || !strings.Contains(out, "committed as version 1") || !strings.Contains(out, "rows 1327, instances 1327, errors 0") || !strings.Contains(out, "parent_identifier<-parent_structure_id") {
		t.Fatalf("allen: %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out, "unresolved references") {
		t.Fatalf("allen parents unresolved:\n%s", out)
	}

	// One bad row among 3000: exit 1, the report names row, field and value, no new version.
	csv := filepath.Join(dir, "syn.csv")
	ingestTestSynapseCSV(t, csv, 3000, 1234)
	rep := filepath.Join(dir, "report.json")
	code, out, errOut = runCLI(t, env, "ingest", "--class", "Synapse", "--dataset", "minnie", "--report", rep, csv)
	if code != 1 || !strings.Contains(out, "REJECTED") || !strings.Contains(out, `row 1234 (line 1236) id 1234: field size: cannot convert to integer (value "big")`) {
		t.Fatalf("bad row: %d\n%s\n%s", code, out, errOut)
	}
	var r struct {
		Mapping map[string]string `json:"mapping"`
		Errors  []struct {
			Row   int64  `json:"row"`
			ID    string `json:"id"`
			Field string `json:"field"`
			Value string `json:"value"`
		} `json:"errors"`
		Counts     map[string]int64 `json:"counts"`
		Unresolved map[string]int64 `json:"unresolved"`
		Provenance struct {
			Version int `json:"version"`
		} `json:"provenance"`
	}
	b, _ := os.ReadFile(rep)
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) != 1 || r.Errors[0].Row != 1234 || r.Errors[0].ID != "1234" || r.Errors[0].Field != "size" || r.Errors[0].Value != "big" ||
		r.Counts["rows"] != 3000 || r.Counts["errors"] != 1 || r.Provenance.Version != 0 || r.Mapping["ctr_pt_position_x"] != "ctr_pt_x" {
		t.Fatalf("report: %s", b)
	}
	code, out, _ = runCLI(t, env, "versions")
	if code != 0 || strings.Count(out, "\n") != 2 {
		t.Fatalf("versions after rejection:\n%s", out)
	}
	code, out, _ = runCLI(t, env, "ingest", "--class", "Synapse", "--dataset", "minnie", "--lenient", "--report", rep, csv)
	if code != 0 || !strings.Contains(out, "committed as version 2") || !strings.Contains(out, "warnings 1") {
		t.Fatalf("lenient: %d\n%s", code, out)
	}
	// Append of existing ids is a conflict (exit 1).
	code, _, errOut = runCLI(t, env, "ingest", "--class", "Synapse", "--dataset", "minnie", "--append", "--lenient", csv)
	if code != 1 || !strings.Contains(errOut, "3000 identifier(s) already in dataset minnie") {
		t.Fatalf("append conflict: %d %s", code, errOut)
	}
	// Usage errors: exit 2.
	for _, args := range [][]string{
		{"ingest", "--dataset", "d", csv},
		{"ingest", "--class", "NoSuchClass", "--dataset", "d", csv},
		{"ingest", "--class", "Synapse", "--dataset", "d", "--map", "nosuchcol=size", csv},
		{"ingest", "--class", "Synapse", "--dataset", "d", "--map", "size=nosuchslot", csv},
		{"ingest", "--class", "Synapse", "--dataset", "d", filepath.Join(dir, "missing.csv")},
		{"ingest", "--class", "Synapse", "--dataset", "d", "--append", "--upsert", csv},
	} {
		if code, _, errOut := runCLI(t, env, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut)
		}
	}

	// Query and export.
	code, out, errOut = runCLI(t, env, "query", "--format", "csv", "--sql", "SELECT acronym, parent_identifier FROM BrainRegion WHERE id = 385")
	if code != 0 || out != "acronym,parent_identifier\nVISp,669\n" {
		t.Fatalf("query: %d %q %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, env, "query", "--version", "1", "SELECT count(*) AS n FROM ccc_tables")
	if code != 0 || !strings.Contains(out, "n\n1\n(1 row(s))") {
		t.Fatalf("query v1: %d %q", code, out)
	}
	code, out, _ = runCLI(t, env, "query", "--format", "json", "--sql", "SELECT dataset, count(*) AS n FROM Synapse GROUP BY ALL")
	if code != 0 || !strings.Contains(out, `{"dataset": "minnie", "n": 3000}`) {
		t.Fatalf("query json: %d %q", code, out)
	}
	if code, _, errOut = runCLI(t, env, "query", "--sql", "SELECT * FROM read_csv('/etc/passwd')"); code != 2 || !strings.Contains(errOut, "disabled") {
		t.Fatalf("query outside the store: %d %s", code, errOut)
	}
	pq := filepath.Join(dir, "q.parquet")
	if code, _, errOut = runCLI(t, env, "query", "--format", "parquet", "--out", pq, "--sql", "SELECT * FROM Synapse"); code != 0 {
		t.Fatalf("query parquet: %s", errOut)
	}
	code, out, errOut = runCLI(t, env, "export", "--class", "BrainRegion", "--dataset", "allen-ccf-2017", "--format", "yaml", "-")
	if code != 0 || !strings.HasPrefix(out, "- id: \"997\"\n  name: root\n  acronym: root\n  color_hex_triplet: FFFFFF\n") {
		t.Fatalf("export yaml: %d %.300s %s", code, out, errOut)
	}
	ex := filepath.Join(dir, "syn.csv.out.csv")
	if code, _, errOut = runCLI(t, env, "export", "--class", "Synapse", ex); code != 0 {
		t.Fatalf("export csv: %s", errOut)
	}
	b, _ = os.ReadFile(ex)
	if lines := strings.Count(string(b), "\n"); lines != 3001 || !strings.HasPrefix(string(b), "dataset,id,") {
		t.Fatalf("export csv: %d lines, %.80s", lines, b)
	}
}
