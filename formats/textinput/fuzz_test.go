package textinput

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// seed adds every testdata file whose name ends in one of exts.
func seed(f *testing.F, exts ...string) {
	f.Helper()
	for _, ext := range exts {
		ms, _ := filepath.Glob(filepath.Join("testdata", "*"+ext))
		for _, m := range ms {
			b, err := os.ReadFile(m)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

// A file the check accepts is read by Go's CSV reader into rows exactly
// as wide as the header, as many as the check counted.
func FuzzCheckDelimited(f *testing.F) {
	seed(f, ".csv", ".tsv")
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, comma := range []rune{',', '\t'} {
			st, err := CheckDelimited(bytes.NewReader(b), "f", comma, Limits{MaxColumns: 64, MaxRecordBytes: 1 << 16})
			if err != nil {
				continue
			}
			cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})))
			cr.Comma = comma
			recs, err := cr.ReadAll()
			if err != nil {
				t.Fatalf("accepted but Go's reader fails: %v", err)
			}
			if len(recs) > 0 && (int64(len(recs)-1) != st.Rows || len(recs[0]) != len(st.Header)) {
				t.Fatalf("accepted %d rows of %d columns, Go's reader reads %d records", st.Rows, len(st.Header), len(recs))
			}
		}
	})
}

// The scan never fails on JSON that encoding/json decodes within the depth
// limit, and JSONSyntax agrees with encoding/json on one-document files.
func FuzzCheckJSON(f *testing.F) {
	seed(f, ".json", ".jsonl")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		err := CheckJSON(bytes.NewReader(b), "f", Limits{MaxDepth: 8})
		var v any
		// (encoding/json replaces invalid UTF-8, the check refuses it)
		if json.Unmarshal(b, &v) == nil && err != nil && depthOf(v) <= 8 && utf8.Valid(b) {
			t.Fatalf("valid JSON of depth %d refused: %v", depthOf(v), err)
		}
		p := filepath.Join(dir, "f.json")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		_ = JSONSyntax(p, true)
		if JSONSyntax(p, false) != nil && json.Valid(b) && !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
			t.Fatalf("JSONSyntax refuses valid JSON")
		}
	})
}

func depthOf(v any) int {
	d := 0
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			d = max(d, depthOf(e))
		}
		return d + 1
	case map[string]any:
		for _, e := range x {
			d = max(d, depthOf(e))
		}
		return d + 1
	}
	return 0
}
