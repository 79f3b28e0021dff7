package linkml

import (
	"bytes"
	"os"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the schema loader: it must return a
// schema or an error, never panic or hang (imports resolve on disk
// relative to the working directory, so cycles through real files are
// covered by the import-cycle tests).
func FuzzLoad(f *testing.F) {
	for _, p := range []string{"testdata/basic/schema.yaml", "testdata/modular/schema.yaml", "testdata/flat/schema.yaml",
		"testdata/bad/isa_cycle/schema.yaml", "testdata/bad/unknown_key/schema.yaml", "testdata/bad/malformed/schema.yaml"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("id: x\nname: x\nimports: [fuzz.yaml]\n"))
	f.Add([]byte("classes: {A: {is_a: A, slot_usage: {x: {range: A}}}}"))
	f.Add([]byte("types: {t: {typeof: t}}\nslots: {s: {is_a: s, range: t}}"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := LoadBytes("fuzz.yaml", data, LoadOptions{})
		if err != nil {
			return
		}
		// everything derived from a loaded schema must work too
		for _, c := range s.Classes() {
			s.InducedSlots(c)
			s.IdentifierSlot(c, true)
			v, err := s.NewValidator(c, ValidateOptions{CheckUnique: true, CheckRefs: true})
			if err != nil {
				continue
			}
			st := v.NewStream()
			st.Finish(st.Add(map[string]any{"id": "x", "a": []any{1, "b"}}, nil))
		}
		var sink discard
		_ = s.ERDiagram(&sink, nil)
		_ = s.JSONSchema(&sink, "")
		_ = s.SQL(&sink, DuckDB)
		_ = s.GoStructs(&sink, "p")
	})
}

// FuzzDecodeYAML checks that instance decoding never panics.
func FuzzDecodeYAML(f *testing.F) {
	f.Add([]byte("- id: 1\n  d: 2020-01-01\n  b: yes\n  f: 1.0e+3\n  n: 0x1F\n"))
	f.Add([]byte("a: &x {b: *x}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = DecodeYAML(bytes.NewReader(data))
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// FuzzPattern compiles arbitrary Python-style patterns and matches them:
// an error or a verdict, never a panic (the backtracking engine has a
// match timeout).
func FuzzPattern(f *testing.F) {
	for _, p := range []string{`^abc$`, `^(?=.*\d)\w+$`, `(?P<x>a)(?P=x)`, `[\d\W]`, `\Z`, `(?x) a # c`, `[]]`, `\`, `(?(1)a)`, `[^]a]$`} {
		f.Add(p, "abc\n")
	}
	f.Fuzz(func(t *testing.T, src, val string) {
		p, err := compilePattern(src)
		if err != nil {
			return
		}
		p.MatchString(val)
	})
}
