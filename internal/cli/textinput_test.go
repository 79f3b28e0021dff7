package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 12, defects 4a and 8: 'ccc validate' and 'ccc ingest' give the same
// verdict on malformed text inputs (both refuse, exit 2, one line naming the
// file and line), and nothing reaches DuckDB's readers that could crash it.
func TestTextInputsRefusedAlike(t *testing.T) {
	deep := `[{"id": 1, "name": "a", "x": ` + strings.Repeat("[", 30000) + strings.Repeat("]", 30000) + "}]"
	wide := make([]string, 100000)
	for i := range wide {
		wide[i] = "c" + strings.Repeat("x", i%7)
	}
	tests := []struct {
		name, file, content string
		want                string // in the error of both commands
	}{
		{"deep JSON (30,000 levels)", "deep.json", deep, "deep.json:1:1028: nested more than 1000 levels deep"},
		{"deep JSONL", "deep.jsonl", `{"id": 1, "x": ` + strings.Repeat(`{"a":`, 2000) + "1" + strings.Repeat("}", 2000) + "}\n", "deep.jsonl:1:5011: nested more than 1000 levels deep"},
		{"deep YAML", "deep.yaml", "- id: 1\n  x: " + strings.Repeat("[", 1500) + strings.Repeat("]", 1500) + "\n", "deep.yaml: nested more than 1000 levels deep"},
		{"unterminated quote", "quote.csv", "id,name\n1,\"grey\n", `quote.csv:2:9: unterminated or misplaced quote`},
		{"ragged row", "ragged.csv", "id,name\n1,a\n2,b,extra\n", "ragged.csv:3: row 1: row has 3 fields, the header has 2"},
		{"short row", "short.tsv", "id\tname\n1\n", "short.tsv:2: row has 1 fields, the header has 2"},
		{"invalid UTF-8", "latin1.csv", "id,name\n1,caf\xe9\n", "latin1.csv:2:3: invalid UTF-8 in a field"},
		{"NUL byte", "nul.csv", "id,name\n1,a\x00b\n", "nul.csv:2:3: NUL byte in a field"},
		{"duplicate header", "dup.csv", "id,id\n1,2\n", "dup.csv:1:4: field id: duplicate column name (columns 1 and 2)"},
		{"100k-column header", "wide.csv", strings.Join(wide, ",") + "\n", "wide.csv:1: header has 100000 columns, more than the limit of 10000"},
		{"bare quote", "bare.csv", "id,name\n1,5\" disk\n", `bare.csv:2:4: bare " in an unquoted field`},
		{"invalid UTF-8 in JSON", "latin1.json", "[{\"id\": 1, \"name\": \"caf\xe9\"}]", "latin1.json:1:24: invalid UTF-8"},
	}
	dir := t.TempDir()
	env := map[string]string{"CCC_STORE": filepath.Join(dir, "store")}
	if code, _, e := runCLI(t, env, "init"); code != 0 {
		t.Fatal(e)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.file)
			if err := os.WriteFile(p, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, cmd := range [][]string{
				{"validate", "--class", "BrainRegion", p},
				{"ingest", "--class", "BrainRegion", "--dataset", "d", "--lenient", p},
			} {
				code, out, errOut := runCLI(t, env, cmd...)
				if code != 2 || !strings.Contains(errOut, tc.want) {
					t.Fatalf("%s: exit %d, want 2 and %q\nstdout: %s\nstderr: %s", cmd[0], code, tc.want, out, errOut)
				}
				// one error line plus its hint: no DuckDB dump
				if n := strings.Count(strings.TrimSpace(errOut), "\n"); n > 1 {
					t.Fatalf("%s: %d lines of error:\n%s", cmd[0], n+1, errOut)
				}
			}
		})
	}
	// DuckDB's multi-line dumps become one line with the real line number
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{\"id\": 1}\n{\"id\": 2,\n{\"id\": 3}\n"), 0o644)
	code, _, errOut := runCLI(t, env, "ingest", "--class", "BrainRegion", "--dataset", "d", bad)
	if code != 2 || !strings.Contains(errOut, "bad.jsonl:2: malformed JSON") || strings.Count(strings.TrimSpace(errOut), "\n") > 1 {
		t.Fatalf("malformed JSONL: %d\n%s", code, errOut)
	}
	if code, out, _ := runCLI(t, env, "versions"); code != 0 || strings.Contains(out, "d/BrainRegion") || strings.Contains(out, "\n1 ") {
		t.Fatalf("a refused input made a version:\n%s", out)
	}
}

// Well-formed files that DuckDB's sniffer read differently from Go: a row
// starting with '#' (taken for a comment and dropped), a doubled quote and
// a byte order mark. Both commands now see the same records.
func TestTextInputsReadAlike(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"CCC_STORE": filepath.Join(dir, "store")}
	runCLI(t, env, "init")
	p := filepath.Join(dir, "regions.csv")
	content := "\xef\xbb\xbfid,acronym,name\n#1,A,x\n2,B,\"say \"\"hi\"\"\"\n3,C,\"two\nlines\"\n"
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	// BrainRegion ids are strings: "#1" is a valid id, and the row DuckDB's
	// sniffer dropped as a comment is a record for both commands
	code, out, errOut := runCLI(t, env, "validate", "--class", "BrainRegion", p)
	if code != 0 || !strings.Contains(errOut, "3 records, 0 errors") {
		t.Fatalf("validate: %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, env, "ingest", "--class", "BrainRegion", "--dataset", "d", p)
	if code != 0 || !strings.Contains(out, "rows 3, instances 3, errors 0") {
		t.Fatalf("ingest: %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, env, "query", "--format", "csv", "--sql", "SELECT id, name FROM BrainRegion ORDER BY id")
	if code != 0 || out != "id,name\n#1,x\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n" {
		t.Fatalf("stored: %d\n%q\n%s", code, out, errOut)
	}
}

// FuzzValidateText runs 'ccc validate' on fuzzed CSV, TSV, JSON, JSONL and
// YAML files (seeded with formats/textinput/testdata): any input ends in
// exit 0, 1 or 2 with a message, never a crash.
func FuzzValidateText(f *testing.F) {
	exts := []string{".csv", ".tsv", ".json", ".jsonl", ".yaml"}
	for i, ext := range exts {
		ms, _ := filepath.Glob(filepath.Join("..", "..", "formats", "textinput", "testdata", "*"+ext))
		for _, m := range ms {
			b, err := os.ReadFile(m)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(uint8(i), b)
		}
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, kind uint8, b []byte) {
		p := filepath.Join(dir, "in"+exts[int(kind)%len(exts)])
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := runCLI(t, nil, "validate", "--class", "BrainRegion", "--quiet", p)
		if code < 0 || code > 2 || (code == 2 && !strings.Contains(errOut, "in.")) {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
}
