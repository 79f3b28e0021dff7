package ingest

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
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
