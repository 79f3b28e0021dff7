package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Defect 10 of issue 12: inputs without records give the same exit code in
// every format, in validate and in ingest; --allow-empty accepts them, and
// a header-only file empties a dataset's table only with it.
func TestEmptyInputsSameVerdict(t *testing.T) {
	dir := t.TempDir()
	st := filepath.Join(dir, "st")
	if code, _, errOut := runCLI(t, nil, "init", st); code != 0 {
		t.Fatal(errOut)
	}
	env := map[string]string{"CCC_STORE": st}
	full := filepath.Join(dir, "full.csv")
	os.WriteFile(full, []byte("id,name\nds1,one\nds2,two\n"), 0o644)
	if code, _, errOut := runCLI(t, env, "ingest", "--class", "DataSet", "--dataset", "d", full); code != 0 {
		t.Fatal(errOut)
	}
	files := map[string]string{
		"blank.csv": "", "header.csv": "id,name\n", "blank.tsv": " \n", "header.tsv": "id\tname\n",
		"list.json": "[]", "blank.json": "\n", "blank.jsonl": "", "blank.yaml": "", "list.yaml": "[]\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		for _, args := range [][]string{{"validate", "--class", "DataSet", p}, {"ingest", "--class", "DataSet", "--dataset", "d", p}} {
			code, out, errOut := runCLI(t, env, args...)
			if code != ExitInvalid || !strings.Contains(errOut, "empty input") || !strings.Contains(errOut, "--allow-empty") {
				t.Errorf("%s %s: exit %d, want %d with 'empty input'; %q %q", args[0], name, code, ExitInvalid, out, errOut)
			}
		}
		if code, _, errOut := runCLI(t, env, "validate", "--allow-empty", "--class", "DataSet", p); code != 0 {
			t.Errorf("validate --allow-empty %s: %d %q", name, code, errOut)
		}
	}
	// The dataset still has its 2 rows; only --allow-empty with a header empties it.
	if code, out, _ := runCLI(t, env, "query", "--format", "csv", "--sql", "SELECT count(*) AS n FROM DataSet"); code != 0 || out != "n\n2\n" {
		t.Fatalf("rows after refused empty ingests: %q", out)
	}
	code, _, errOut := runCLI(t, env, "ingest", "--allow-empty", "--class", "DataSet", "--dataset", "d", filepath.Join(dir, "blank.csv"))
	if code != ExitInvalid || !strings.Contains(errOut, "no columns") {
		t.Fatalf("--allow-empty of a blank file: %d %q", code, errOut)
	}
	if code, _, errOut = runCLI(t, env, "ingest", "--allow-empty", "--class", "DataSet", "--dataset", "d", filepath.Join(dir, "header.csv")); code != 0 {
		t.Fatalf("--allow-empty header only: %d %q", code, errOut)
	}
	if code, out, _ := runCLI(t, env, "query", "--format", "csv", "--sql", "SELECT count(*) AS n FROM DataSet"); code != 0 || out != "n\n0\n" {
		t.Fatalf("rows after --allow-empty: %q", out)
	}
}
