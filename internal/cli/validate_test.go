package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/testenv"
)

const validateTestSchema = `id: https://example.org/v
name: v
prefixes:
  linkml: https://w3id.org/linkml/
  ex: https://example.org/
default_prefix: ex
default_range: string
imports:
  - linkml:types
enums:
  Side:
    permissible_values:
      left:
      right:
classes:
  Point:
    attributes:
      x: {range: float, required: true}
      y: {range: float}
  Region:
    attributes:
      id: {identifier: true, range: integer}
      acronym: {pattern: "^[A-Za-z0-9-]+$", required: true}
      depth: {range: integer, minimum_value: 0}
      side: {range: Side}
      parent: {range: Region}
      centre: {range: Point}
`

func vtWriteFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func vtRun(t testing.TB, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, &IO{In: strings.NewReader(""), Out: &out, ErrOut: &errb, Getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

func TestValidateCLI(t *testing.T) {
	dir := vtWriteFiles(t, map[string]string{
		"schema.yaml":    validateTestSchema,
		"good.yaml":      "- id: 1\n  acronym: VISp\n  centre: {x: 1.5}\n- id: 2\n  acronym: MOp\n  parent: 1\n  side: left\n",
		"container.yaml": "regions:\n  - id: 1\n    acronym: A\n  - id: 2\n    acronym: B\n",
		"bad.yaml":       "- id: 1\n  acronym: \"VIS p\"\n  depth: -1\n- id: 1\n  acronym: X\n  side: up\n  centre: {y: 2}\n  extra: 3\n",
		"good.json":      `[{"id": 1, "acronym": "A", "depth": 2.0}]`,
		"bad.jsonl":      "{\"id\": 1, \"acronym\": \"A\"}\n{\"id\": \"2\", \"acronym\": \"B\", \"depth\": true}\n",
		"good.csv":       "id,acronym,depth,side\n1,A,0,left\n2,B,,\n",
		"bad.tsv":        "id\tacronym\tdepth\n1\tA\tdeep\n",
		"refs.yaml":      "- id: 1\n  acronym: A\n  parent: 99\n",
		"extra.yaml":     "- id: 1\n  acronym: A\n  note: hi\n",
	})
	p := func(n string) string { return filepath.Join(dir, n) }
	schema := p("schema.yaml")
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
		lines    int // error lines on stdout, -1 = don't check
	}{
		{"valid yaml", []string{"validate", "--schema", schema, "--class", "Region", p("good.yaml")}, 0, nil, 0},
		// an object with one key holding a list is one record, as in
		// linkml-validate (not a container to unwrap)
		{"container", []string{"validate", "--schema", schema, "--class", "Region", p("container.yaml")}, 1, []string{
			"container.yaml: record 0: regions: class Region has no slot regions [unknown_slot]",
		}, -1},
		{"valid json", []string{"validate", "--schema", schema, "--class", "Region", p("good.json")}, 0, nil, 0},
		{"valid csv", []string{"validate", "--schema", schema, "--class", "Region", p("good.csv")}, 0, nil, 0},
		{"invalid yaml", []string{"validate", "--schema", schema, "--class", "Region", p("bad.yaml")}, 1, []string{
			"bad.yaml: record 0: rows[0].acronym: \"VIS p\" does not match pattern ^[A-Za-z0-9-]+$ [pattern]",
			"bad.yaml: record 0: rows[0].depth: -1 is less than the minimum 0 [minimum_value]",
			"record 1: rows[1].side: \"up\" is not a permissible value of Side (left, right) [enum]",
			"record 1: rows[1].centre.x: required slot x is missing [required]",
			"record 1: rows[1].extra: ",
			"[unknown_slot]",
			"record 1: rows[1].id: identifier 1 of Region is not unique (used by an earlier record) [identifier_unique]",
		}, 6},
		{"invalid jsonl", []string{"validate", "--schema", schema, "--class", "Region", p("bad.jsonl")}, 1, []string{
			"rows[1].id: expected integer, got string \"2\" [type]",
			"rows[1].depth: expected integer, got boolean true [type]",
		}, 2},
		{"invalid tsv", []string{"validate", "--schema", schema, "--class", "Region", p("bad.tsv")}, 1, []string{
			"rows[0].depth: expected integer, got string \"deep\" [type]",
		}, 1},
		{"open world", []string{"validate", "--open", "--schema", schema, "--class", "Region", p("extra.yaml")}, 0, nil, 0},
		{"closed world", []string{"validate", "--schema", schema, "--class", "Region", p("extra.yaml")}, 1, []string{"rows[0].note: class Region has no slot note [unknown_slot]"}, 1},
		{"refs off", []string{"validate", "--schema", schema, "--class", "Region", p("refs.yaml")}, 0, nil, 0},
		{"refs on", []string{"validate", "--refs", "--schema", schema, "--class", "Region", p("refs.yaml")}, 1, []string{
			"rows[0].parent: reference 99 to Region not found",
		}, 1},
		{"refs across files", []string{"validate", "--refs", "--schema", schema, "--class", "Region", p("good.yaml")}, 0, nil, 0},
		{"no class", []string{"validate", "--schema", schema, p("good.yaml")}, 2, nil, 0},
		{"unknown class", []string{"validate", "--schema", schema, "--class", "Nope", p("good.yaml")}, 2, nil, 0},
		{"missing file", []string{"validate", "--schema", schema, "--class", "Region", p("nope.yaml")}, 2, nil, 0},
		{"bad extension", []string{"validate", "--schema", schema, "--class", "Region", schema + ".txt"}, 2, nil, 0},
		{"bad schema", []string{"validate", "--schema", p("good.csv"), "--class", "Region", p("good.yaml")}, 2, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := vtRun(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			for _, c := range tc.contains {
				if !strings.Contains(out, c) {
					t.Errorf("stdout lacks %q:\n%s", c, out)
				}
			}
			if tc.lines >= 0 && tc.code != 2 {
				if n := strings.Count(out, "\n"); n != tc.lines {
					t.Errorf("%d error lines, want %d:\n%s", n, tc.lines, out)
				}
			}
		})
	}
}

func TestValidateCLIJSONAndParquet(t *testing.T) {
	dir := vtWriteFiles(t, map[string]string{"schema.yaml": validateTestSchema})
	pq := filepath.Join(dir, "regions.parquet")
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`COPY (SELECT * FROM (VALUES (1::BIGINT, 'A', 0::BIGINT, 1.5::DOUBLE, 2.0::DOUBLE), (2, 'B c', -3, NULL, 1.0))
		t(id, acronym, depth, centre_x, centre_y)) TO '` + pq + `' (FORMAT parquet)`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := vtRun(t, "validate", "--format", "json", "--schema", filepath.Join(dir, "schema.yaml"), "--class", "Region", pq)
	if code != 1 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	var rep struct {
		Valid  bool `json:"valid"`
		Errors int  `json:"errors"`
		Files  []struct {
			Records int `json:"records"`
			Errors  []struct {
				Record int    `json:"record"`
				Path   string `json:"path"`
				Rule   string `json:"rule"`
			} `json:"errors"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rep.Valid || rep.Errors != 3 || rep.Files[0].Records != 2 {
		t.Fatalf("report %+v", rep)
	}
	got := map[string]string{}
	for _, e := range rep.Files[0].Errors {
		got[e.Path] = e.Rule
	}
	want := map[string]string{"rows[1].acronym": "pattern", "rows[1].depth": "minimum_value", "rows[1].centre.x": "required"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: rule %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

// TestValidateRealAllenOntology validates the Allen CCF 2017 structure
// graph (1,327 regions) against the built-in BrainRegion class: every
// modelled column is valid. As written (the README's example) the extra
// source columns follow the loaders' rule: aliases validated as their slot,
// the others named and not validated; --closed reads every column as a
// slot name (linkml-validate) and reports them.
func TestValidateRealAllenOntology(t *testing.T) {
	p := testenv.SharedData(t, "allen-ccf/structure_tree_safe_2017.csv")
	code, out, errOut := vtRun(t, "validate", "--open", "--class", "BrainRegion", p)
	if code != 0 || !strings.Contains(errOut, "1327 records, 0 errors") {
		t.Fatalf("--open: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = vtRun(t, "validate", "--class", "BrainRegion", p)
	if code != 0 || !strings.Contains(errOut, "1327 records, 0 errors") ||
		!strings.Contains(errOut, "columns validated as slots (aliases, as ccc ingest maps them): graph_order -> term_order, parent_structure_id -> parent_identifier") ||
		!strings.Contains(errOut, "columns not validated (no slot of BrainRegion; ccc ingest does not store them; --closed checks them): atlas_id, st_level,") {
		t.Fatalf("as written: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = vtRun(t, "validate", "--closed", "--format", "json", "--class", "BrainRegion", p)
	if code != 1 {
		t.Fatalf("closed: exit %d", code)
	}
	var rep struct {
		Files []struct {
			Records int `json:"records"`
			Errors  []struct {
				Rule string `json:"rule"`
				Path string `json:"path"`
			} `json:"errors"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Files[0].Records != 1327 {
		t.Errorf("records = %d", rep.Files[0].Records)
	}
	for _, e := range rep.Files[0].Errors {
		if e.Rule != "unknown_slot" {
			t.Fatalf("unexpected %s at %s", e.Rule, e.Path)
		}
	}
}

// TestValidateRefusesUnenforcedConstruct: a schema construct ccc does not
// enforce is refused (exit 2) with its name and place, never loaded and
// ignored; an enforced one of the same family validates.
func TestValidateRefusesUnenforcedConstruct(t *testing.T) {
	dir := vtWriteFiles(t, map[string]string{
		"refused.yaml": "id: https://example.org/r\nname: r\nimports: [linkml:types]\nclasses:\n  C:\n    attributes:\n" +
			"      xs:\n        range: integer\n        multivalued: true\n        has_member: {minimum_value: 5}\n",
		"enforced.yaml": "id: https://example.org/r\nname: r\nimports: [linkml:types]\nclasses:\n  C:\n    attributes:\n" +
			"      xs:\n        range: integer\n        multivalued: true\n        maximum_cardinality: 2\n",
		"data.yaml": "xs: [1, 2, 3]\n",
	})
	code, _, errOut := vtRun(t, "validate", "--schema", filepath.Join(dir, "refused.yaml"), "--class", "C", filepath.Join(dir, "data.yaml"))
	if code != 2 || !strings.Contains(errOut, "refused.yaml:10:9") || !strings.Contains(errOut, "has_member is not supported") {
		t.Fatalf("refused: exit %d\n%s", code, errOut)
	}
	code, out, _ := vtRun(t, "validate", "--schema", filepath.Join(dir, "enforced.yaml"), "--class", "C", filepath.Join(dir, "data.yaml"))
	if code != 1 || !strings.Contains(out, "slot xs has 3 values, more than the maximum_cardinality 2 [cardinality]") {
		t.Fatalf("enforced: exit %d\n%s", code, out)
	}
}
