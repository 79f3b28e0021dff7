package linkml

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerdictsMatchReference checks ccc's verdict on each case of
// testdata/basic/cases against the verdict linkml-validate 1.12.1 gave
// (recorded in verdicts.txt by verdicts.sh).
func TestVerdictsMatchReference(t *testing.T) {
	s, err := Load("testdata/basic/schema.yaml", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/basic/verdicts.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		name, want, _ := strings.Cut(sc.Text(), " ")
		n++
		t.Run(name, func(t *testing.T) {
			class := "Region"
			if strings.HasPrefix(name, "container_") {
				class = "Container"
			}
			v, err := s.NewValidator(class, ValidateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			r, err := os.Open(filepath.Join("testdata/basic/cases", name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			docs, err := DecodeYAML(r)
			if err != nil {
				t.Fatal(err)
			}
			st := v.NewStream()
			var out []Violation
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
			for _, o := range out {
				t.Logf("%s", o)
			}
			if got != want {
				t.Errorf("ccc says %s, linkml-validate says %s; violations: %v", got, want, out)
			}
		})
	}
	if n < 50 {
		t.Fatalf("only %d cases", n)
	}
}
