package ingest

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

func TestExpandInputs(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a.csv", "b.parquet", "sub/c.jsonl", "README.md", "d.yaml"} {
		write(t, filepath.Join(dir, n), "x")
	}
	rel := func(ps []string) string {
		var out []string
		for _, p := range ps {
			r, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(r))
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{dir}, "a.csv,b.parquet,d.yaml,sub/c.jsonl"},
		{[]string{filepath.Join(dir, "*.csv"), filepath.Join(dir, "b.parquet")}, "a.csv,b.parquet"},
		{[]string{filepath.Join(dir, "README.md")}, "README.md"},
	} {
		got, err := ExpandInputs(tc.args, "")
		if err != nil || rel(got) != tc.want {
			t.Errorf("%v: %s %v, want %s", tc.args, rel(got), err, tc.want)
		}
	}
	if _, err := ExpandInputs([]string{filepath.Join(dir, "*.tsv")}, ""); !errors.Is(err, ccc.ErrNotFound) {
		t.Errorf("empty glob: %v", err)
	}
	for name, want := range map[string]Format{"x.PARQUET": FormatParquet, "x.csv.gz": FormatCSV, "x.tab": FormatTSV, "x.ndjson": FormatJSONL, "x.yml": FormatYAML, "x.json": FormatJSON} {
		if f, ok := DetectFormat(name); !ok || f != want {
			t.Errorf("%s: %s", name, f)
		}
	}
	if _, ok := DetectFormat("x.txt"); ok {
		t.Error("x.txt has no format")
	}
}

// DuckDB's multi-line CSV errors (the sniffer's settings, the query) become
// one line naming the file and DuckDB's line number.
func TestReadErrorOneLine(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.csv")
	if err := os.WriteFile(p, []byte("id,name\n1,a\n2,b\n3,c,d\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, derr := db.Exec("SELECT count(*) FROM read_csv(" + store.QuoteString(p) + ", header = true, auto_detect = false, columns = {'id': 'VARCHAR', 'name': 'VARCHAR'}, strict_mode = true)")
	if derr == nil || !strings.Contains(derr.Error(), "\n") {
		t.Fatalf("DuckDB error is not multi-line: %v", derr)
	}
	err = readError(&inputFile{Path: p, read: p, Format: FormatCSV}, derr)
	var ce *ccc.Error
	if !errors.As(err, &ce) || ce.Line != 4 || strings.Contains(err.Error(), "\n  hint") == false || strings.Count(err.Error(), "\n") != 1 ||
		!strings.HasPrefix(err.Error(), "ingest: "+p+":4: cannot read as csv: ") {
		t.Fatalf("got %q", err)
	}
}
