package linkml

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerdictsMatchReference checks ccc's verdict on each case of
// testdata/<schema>/cases against the verdict linkml-validate 1.12.1 gave
// (recorded in verdicts.txt, "name class verdict", by verdicts.sh).
func TestVerdictsMatchReference(t *testing.T) {
	n := 0
	for _, dir := range []string{"basic", "advanced"} {
		s, err := Load(filepath.Join("testdata", dir, "schema.yaml"), LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join("testdata", dir, "verdicts.txt"))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) != 3 {
				t.Fatalf("bad verdict line %q", sc.Text())
			}
			name, class, want := fields[0], fields[1], fields[2]
			n++
			t.Run(dir+"/"+name, func(t *testing.T) {
				v, err := s.NewValidator(class, ValidateOptions{})
				if err != nil {
					t.Fatal(err)
				}
				file := filepath.Join("testdata", dir, "cases", name)
				if filepath.Ext(name) == "" {
					file += ".yaml"
				}
				r, err := os.Open(file)
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				st := v.NewStream()
				var out []Violation
				var docs []any
				switch filepath.Ext(file) {
				case ".csv", ".tsv":
					comma := ','
					if filepath.Ext(file) == ".tsv" {
						comma = '\t'
					}
					err = v.DecodeDelimited(r, comma, func(row int, rec map[string]any) error {
						out = st.AddAt(rec, "rows", row, out)
						return nil
					})
				case ".json":
					var d any
					d, err = DecodeJSON(r)
					docs = []any{d}
				default:
					docs, err = DecodeYAML(r)
				}
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range docs {
					recs, root := v.Records(d)
					for i, rec := range recs {
						idx := i
						if root == "" {
							idx = -1
						}
						out = st.AddAt(rec, root, idx, out)
					}
				}
				out = st.Finish(out)
				got := "valid"
				if len(out) > 0 {
					got = "invalid"
				}
				if got != want {
					t.Errorf("ccc says %s, linkml-validate says %s; violations: %v", got, want, out)
				}
			})
		}
		f.Close()
	}
	if n < 100 {
		t.Fatalf("only %d cases", n)
	}
}

// probeSchema has string identifiers and two unique keys.
const probeSchema = `id: https://example.org/u
name: u
prefixes: {linkml: https://w3id.org/linkml/}
default_range: string
imports: [linkml:types]
classes:
  Probe:
    attributes:
      id: {identifier: true}
      lab: {}
      serial: {range: integer}
      sites: {range: Site, multivalued: true, inlined_as_list: true}
      code: {}
    unique_keys:
      lab_serial:
        unique_key_slots: [lab, serial]
      lab_code:
        unique_key_slots: [lab, code]
        consider_nulls_inequal: true
  Site:
    attributes:
      x: {range: float, required: true}
`

func TestStreamUniqueKeysAndPaths(t *testing.T) {
	s, err := LoadBytes("u.yaml", []byte(probeSchema), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.NewValidator("Probe", ValidateOptions{CheckUnique: true, Root: "probes"})
	if err != nil {
		t.Fatal(err)
	}
	st := v.NewStream()
	st.Source = "probes.yaml"
	var out []Violation
	for _, r := range []map[string]any{
		{"id": "p1", "lab": "A", "serial": int64(1)},
		{"id": "p2", "lab": "A", "serial": int64(2), "sites": []any{map[string]any{"x": 1.0}, map[string]any{"x": "far"}}},
		{"id": "p3", "lab": "A", "serial": int64(1)},
		{"id": "p4", "lab": "B"},
		{"id": "p5", "lab": "B"},
	} {
		out = st.Add(r, out)
	}
	out = st.Finish(out)
	var got []string
	for _, o := range out {
		got = append(got, fmt.Sprintf("%s %d %s %s %v", o.Source, o.Record, o.Path, o.Rule, o.Value))
	}
	want := []string{
		"probes.yaml 1 probes[1].sites[1].x type far",
		"probes.yaml 2 probes[2] unique_key A, 1",
		// a missing serial equals another missing serial (LinkML's
		// default); lab_code considers nulls inequal: p4/p5 do not clash there
		"probes.yaml 4 probes[4] unique_key B, null",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestValidatorConcurrent shares one Validator between goroutines, each
// with its own Stream (run with -race).
func TestValidatorConcurrent(t *testing.T) {
	v := flatValidator(t, ValidateOptions{CheckUnique: true, CheckRefs: true})
	errs := make(chan int, 4)
	for g := 0; g < 4; g++ {
		go func(g int) {
			st := v.NewStream()
			var out []Violation
			for i := 0; i < 2000; i++ {
				r := flatRecord(i)
				if i%500 == 0 {
					r["depth"] = int64(99)
				}
				out = st.Add(r, out)
			}
			errs <- len(st.Finish(out))
		}(g)
	}
	for g := 0; g < 4; g++ {
		if n := <-errs; n != 4 {
			t.Errorf("goroutine found %d violations, want 4", n)
		}
	}
}
