package cli

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSchemaCLI(t *testing.T) {
	dir := vtWriteFiles(t, map[string]string{
		"schema.yaml": validateTestSchema,
		"user.yaml":   "id: https://example.org/u\nname: u\nimports:\n  - linkml:types\n  - ccc:core_schema\nclasses:\n  MyItem:\n    is_a: DataItem\n    description: a lab's item\n",
		"typo.yaml":   "id: https://example.org/t\nname: t\nimports: [linkml:types]\nclasses:\n  A:\n    descripton: x\n",
		"cycle.yaml":  "id: https://example.org/c\nname: c\nimports: [linkml:types]\nclasses:\n  A:\n    is_a: B\n  B:\n    is_a: A\n",
	})
	p := func(n string) string { return filepath.Join(dir, n) }

	code, out, errOut := vtRun(t, "schema", "classes")
	if code != 0 {
		t.Fatalf("classes: %d %s", code, errOut)
	}
	classes := strings.Fields(out)
	for _, want := range []string{"BrainRegion", "DataSet", "DataItem", "Synapse", "CellToCellMapping", "ProjectionMeasurementMatrix"} {
		if !vtContains(classes, want) {
			t.Errorf("schema classes lacks %s: %v", want, classes)
		}
	}
	if len(classes) < 25 {
		t.Errorf("only %d classes", len(classes))
	}

	code, out, _ = vtRun(t, "schema", "classes", "--schema", p("user.yaml"))
	if code != 0 || !strings.Contains(out, "MyItem\n") || !strings.Contains(out, "DataSet\n") {
		t.Errorf("user schema classes: %d\n%s", code, out)
	}

	code, out, _ = vtRun(t, "schema", "erdiagram", "--schema", p("schema.yaml"))
	if code != 0 || !strings.HasPrefix(out, "erDiagram\n") || !strings.Contains(out, "Region ||--|o Region : \"parent\"\n") ||
		!strings.Contains(out, "Region ||--|o Point : \"centre\"\n") || !strings.Contains(out, "Point {\nfloat x\nfloat y\n}\n") {
		t.Errorf("erdiagram: %d\n%s", code, out)
	}
	code, out, _ = vtRun(t, "schema", "erdiagram")
	for _, want := range []string{
		`CellToCellMapping ||--|| DataItem : "source_cell"`,
		`BrainRegion ||--}o BrainRegion : "child_identifiers"`,
		`BrainRegion ||--|o BrainRegion : "parent_identifier"`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("built-in erdiagram lacks %s", want)
		}
	}

	code, out, _ = vtRun(t, "schema", "jsonschema", "--schema", p("schema.yaml"), "--class", "Region")
	var js map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &js) != nil || js["additionalProperties"] != false {
		t.Fatalf("jsonschema: %d\n%s", code, out)
	}
	props := js["properties"].(map[string]any)
	if d := props["depth"].(map[string]any); d["minimum"] != 0.0 {
		t.Errorf("depth = %v", d)
	}
	if code, _, _ = vtRun(t, "schema", "jsonschema", "--schema", p("schema.yaml"), "--class", "Nope"); code != 2 {
		t.Errorf("unknown class exit %d", code)
	}

	code, out, _ = vtRun(t, "schema", "sql", "--schema", p("schema.yaml"), "--dialect", "postgres")
	if code != 0 || !strings.Contains(out, "CREATE TABLE Region (\n  id BIGINT PRIMARY KEY,\n  acronym TEXT NOT NULL,") ||
		!strings.Contains(out, "ALTER TABLE Region ADD FOREIGN KEY (parent) REFERENCES Region (id);") ||
		!strings.Contains(out, "CHECK (side IN ('left', 'right'))") || !strings.Contains(out, "centre_x DOUBLE PRECISION") {
		t.Errorf("sql postgres: %d\n%s", code, out)
	}
	// the DuckDB DDL of the built-in schema runs in DuckDB
	code, out, _ = vtRun(t, "schema", "sql", "--dialect", "duckdb")
	if code != 0 {
		t.Fatalf("sql duckdb: %d", code)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(out); err != nil {
		t.Errorf("DuckDB rejects the generated DDL: %v\n%s", err, out)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM information_schema.tables").Scan(&n); err != nil || n < 25 {
		t.Errorf("tables created: %d %v", n, err)
	}
	if code, _, _ = vtRun(t, "schema", "sql", "--dialect", "oracle"); code != 2 {
		t.Errorf("bad dialect exit %d", code)
	}

	docs := filepath.Join(dir, "docs")
	if code, _, errOut = vtRun(t, "schema", "docs", "--out", docs); code != 0 {
		t.Fatalf("docs: %s", errOut)
	}
	b, err := os.ReadFile(filepath.Join(docs, "BrainRegion.md"))
	if err != nil || !strings.Contains(string(b), "# BrainRegion") || !strings.Contains(string(b), "| acronym |") {
		t.Errorf("BrainRegion.md: %v\n%s", err, b)
	}
	if _, err := os.Stat(filepath.Join(docs, "index.md")); err != nil {
		t.Error(err)
	}

	code, out, _ = vtRun(t, "schema", "go", "--schema", p("schema.yaml"), "--package", "regions")
	if code != 0 || !strings.Contains(out, "package regions") || !strings.Contains(out, "type Region struct {") ||
		!strings.Contains(out, "Centre  *Point") && !strings.Contains(out, "Centre *Point") {
		t.Errorf("go: %d\n%s", code, out)
	}

	// warnings vs --strict, and bad schemas exit 2 naming file and line
	code, _, errOut = vtRun(t, "schema", "classes", "--schema", p("typo.yaml"))
	if code != 0 || !strings.Contains(errOut, "typo.yaml:6:5") {
		t.Errorf("typo warning: %d %s", code, errOut)
	}
	code, _, errOut = vtRun(t, "schema", "classes", "--strict", "--schema", p("typo.yaml"))
	if code != 2 || !strings.Contains(errOut, "typo.yaml:6:5") {
		t.Errorf("strict: %d %s", code, errOut)
	}
	code, _, errOut = vtRun(t, "schema", "classes", "--schema", p("cycle.yaml"))
	if code != 2 || !strings.Contains(errOut, "cycle.yaml:") || !strings.Contains(errOut, "is_a cycle") {
		t.Errorf("cycle: %d %s", code, errOut)
	}
}

func vtContains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestSchemaCLIBadInput: each kind of broken schema exits 2 with an error
// naming the file and line.
func TestSchemaCLIBadInput(t *testing.T) {
	bad := filepath.Join("..", "..", "linkml", "testdata", "bad")
	tests := []struct{ dir, want string }{
		{"malformed", "malformed/schema.yaml:5: malformed YAML"},
		{"unknown_import", `unknown_import/schema.yaml:5:5: unknown import "nosuchmodule"`},
		{"import_cycle", "import_cycle/b.yaml:4:5: import cycle"},
		{"isa_cycle", "isa_cycle/schema.yaml:"},
		{"unknown_range", `unknown_range/schema.yaml:9:16: class A attribute x: unknown range "Nothing"`},
		{"duplicate_class", `duplicate_class/schema.yaml:7:3: class "A" is defined twice`},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			code, _, errOut := vtRun(t, "schema", "classes", "--schema", filepath.Join(bad, tc.dir, "schema.yaml"))
			if code != 2 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant %q", code, errOut, tc.want)
			}
			code, _, _ = vtRun(t, "validate", "--schema", filepath.Join(bad, tc.dir, "schema.yaml"), "--class", "A", "x.yaml")
			if code != 2 {
				t.Errorf("validate exit %d", code)
			}
		})
	}
}
