package linkml

import (
	"bufio"
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
