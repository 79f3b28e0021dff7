package schema_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/cli"
)

// runCCC runs one ccc command line in-process.
func runCCC(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	io := &cli.IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }}
	code := cli.Run(context.Background(), args, io)
	return code, out.String(), errOut.String()
}

// TestCLIClasses: `ccc schema classes` lists every class of the seed diagram
// and every class of the modules, one per line.
func TestCLIClasses(t *testing.T) {
	code, out, errOut := runCCC(t, "schema", "classes")
	if code != 0 {
		t.Fatalf("ccc schema classes: exit %d\n%s", code, errOut)
	}
	listed := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		listed[strings.TrimSpace(l)] = true
	}
	for _, c := range seedDiagram(t).classes {
		if !listed[c] {
			t.Errorf("seed class %s not listed", c)
		}
	}
	for _, c := range loadRaw(t).classNames() {
		if !listed[c] {
			t.Errorf("class %s not listed", c)
		}
	}
	if len(listed) != len(loadRaw(t).classNames()) {
		t.Errorf("listed %d names, the schema has %d classes", len(listed), len(loadRaw(t).classNames()))
	}
}

// TestCLIERDiagram: `ccc schema erdiagram` has every class, attribute and
// relationship line of the seed diagram (labels listing several slots are
// compared slot by slot).
func TestCLIERDiagram(t *testing.T) {
	code, out, errOut := runCCC(t, "schema", "erdiagram")
	if code != 0 {
		t.Fatalf("ccc schema erdiagram: exit %d\n%s", code, errOut)
	}
	got, err := parseERDiagram(out)
	if err != nil {
		t.Fatalf("ccc schema erdiagram output does not parse: %v\n%s", err, out)
	}
	seed := seedDiagram(t)
	have := map[string]bool{}
	for _, c := range got.classes {
		have["class "+c] = true
	}
	for _, a := range got.attrs {
		have["attr "+a.Class+" "+a.Type+" "+a.Name] = true
	}
	for _, r := range got.rels {
		have["rel "+r.String()] = true
	}
	for _, c := range seed.classes {
		if !have["class "+c] {
			t.Errorf("class %s missing", c)
		}
	}
	for _, a := range seed.attrs {
		if !have["attr "+a.Class+" "+a.Type+" "+a.Name] {
			t.Errorf("attribute %s { %s %s } missing", a.Class, a.Type, a.Name)
		}
	}
	for _, r := range seed.rels {
		if rng, ok := seedRangeChanges[r.From+"."+r.Label]; ok {
			// a listed deviation: the slot is an attribute of the new range
			typ := rng
			if strings.HasPrefix(r.Card, "||--}") {
				typ += "List"
			}
			if !have["attr "+r.From+" "+typ+" "+r.Label] {
				t.Errorf("deviation %s: attribute %s { %s %s } missing", r, r.From, typ, r.Label)
			}
			continue
		}
		if !have["rel "+r.String()] {
			t.Errorf("relationship line missing: %s", r)
		}
	}
	// The exact pilot notation for one line, as the issue quotes it.
	if !strings.Contains(out, `CellToCellMapping ||--|| DataItem : "source_cell"`) {
		t.Errorf("erdiagram does not use the pilot's one-line-per-slot notation")
	}
}
