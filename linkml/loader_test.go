package linkml

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ccc-connectivity/ccc"
)

func TestLoadBasic(t *testing.T) {
	s, err := Load("testdata/basic/schema.yaml", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Classes(), ","); got != "Container,Loc,Region" {
		t.Fatalf("classes = %s", got)
	}
	if s.DefaultPrefix() != "ex" || s.Prefixes()["ex"] != "https://example.org/" {
		t.Errorf("prefixes: %q %v", s.DefaultPrefix(), s.Prefixes())
	}
	if len(s.Warnings) != 0 {
		t.Errorf("warnings: %v", s.Warnings)
	}
	if got := len(s.Types()); got != 21 {
		t.Errorf("types = %d (%v)", got, s.Types())
	}
	if e := s.Enum("Color"); e == nil || len(e.Values) != 2 || e.Values[1].Text != "green" {
		t.Errorf("enum Color = %+v", e)
	}
	ht := s.Type("HexColor")
	if ht.Typeof != "string" || ht.Pattern != "[0-9a-f]{6}" {
		t.Errorf("HexColor = %+v", ht)
	}
	tests := []struct {
		slot                string
		rng                 string
		req, mv, inl, ident bool
	}{
		{"id", "string", true, false, false, true},
		{"parent", "Region", false, false, false, false},
		{"kids", "Region", false, true, false, false},
		{"loc", "Loc", false, false, true, false},
		{"ints", "integer", false, true, false, false},
	}
	for _, tc := range tests {
		sl := s.InducedSlot("Region", tc.slot)
		if sl == nil {
			t.Fatalf("no slot %s", tc.slot)
		}
		if sl.Range != tc.rng || sl.IsRequired() != tc.req || sl.IsMultivalued() != tc.mv || s.IsInlined(sl) != tc.inl || sl.IsIdentifier() != tc.ident {
			t.Errorf("%s: range=%s req=%v mv=%v inlined=%v id=%v", tc.slot, sl.Range, sl.IsRequired(), sl.IsMultivalued(), s.IsInlined(sl), sl.IsIdentifier())
		}
	}
	if id := s.IdentifierSlot("Region", false); id == nil || id.Name != "id" {
		t.Errorf("identifier slot = %v", id)
	}
	if id := s.IdentifierSlot("Loc", true); id != nil {
		t.Errorf("Loc identifier = %v", id.Name)
	}
}

func TestInducedSlotsPrecedence(t *testing.T) {
	s, err := Load("testdata/modular/schema.yaml", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Ancestors("Neuron"), ","); got != "Neuron,Cell,Named,Thing" {
		t.Errorf("ancestors = %s", got)
	}
	if got := strings.Join(s.Descendants("Thing"), ","); got != "Cell,Neuron" {
		t.Errorf("descendants = %s", got)
	}
	var names []string
	for _, sl := range s.InducedSlots("Neuron") {
		names = append(names, sl.Name)
	}
	if got := strings.Join(names, ","); got != "shape,volume,name,id,score" {
		t.Errorf("Neuron slots = %s", got)
	}
	score := s.InducedSlot("Cell", "score")
	// slot 0..100, Thing usage max 50, Cell usage 10..80: bounds tighten
	if *score.MinimumValue != 10 || *score.MaximumValue != 50 {
		t.Errorf("Cell.score bounds = %v..%v", *score.MinimumValue, *score.MaximumValue)
	}
	vol := s.InducedSlot("Neuron", "volume")
	if !vol.IsRequired() || vol.Range != "float" || *vol.MaximumValue != 1000 {
		t.Errorf("Neuron.volume = %+v", vol)
	}
	name := s.InducedSlot("Neuron", "name")
	if !name.IsRequired() || name.Pattern != "^N" {
		t.Errorf("Neuron.name required=%v pattern=%q", name.IsRequired(), name.Pattern)
	}
	if n := s.InducedSlot("Thing", "name"); n != nil {
		t.Errorf("Thing should not have name")
	}
	shape := s.InducedSlot("Neuron", "shape")
	if shape.Array == nil || *shape.Array.ExactNumberDimensions != 2 || shape.Array.Dimensions[0].Alias != "x" || *shape.Array.Dimensions[0].ExactCardinality != 3 {
		t.Errorf("shape array = %+v", shape.Array)
	}
	if c := s.Class("Cell"); len(c.UniqueKeys) != 1 || c.UniqueKeys[0].Slots[0] != "id" {
		t.Errorf("unique keys = %+v", c.UniqueKeys)
	}
	if k, _ := s.RangeKind("Cell"); k != RangeClass {
		t.Errorf("range kind %v", k)
	}
	if got := len(s.Modules); got != 3 {
		t.Errorf("modules = %d (diamond import loaded once)", got)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		dir  string
		want []string // substrings of the error
	}{
		{"malformed", []string{"testdata/bad/malformed/schema.yaml:5", "malformed YAML"}},
		{"unknown_import", []string{"schema.yaml:5:5", `unknown import "nosuchmodule"`}},
		{"import_cycle", []string{"b.yaml:4:5", "import cycle: testdata/bad/import_cycle/a.yaml -> testdata/bad/import_cycle/b.yaml -> testdata/bad/import_cycle/a.yaml"}},
		{"isa_cycle", []string{"schema.yaml:", "is_a cycle"}},
		{"unknown_range", []string{"schema.yaml:9:16", `unknown range "Nothing"`}},
		{"duplicate_class", []string{"schema.yaml:7:3", `class "A" is defined twice`, "other.yaml:4:3"}},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			_, err := Load("testdata/bad/"+tc.dir+"/schema.yaml", LoadOptions{})
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ccc.ErrSchema) {
				t.Errorf("not ErrSchema: %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestUnknownKeys(t *testing.T) {
	s, err := Load("testdata/bad/unknown_key/schema.yaml", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var ws []string
	for _, w := range s.Warnings {
		ws = append(ws, w.String())
	}
	got := strings.Join(ws, "\n")
	if len(ws) != 2 || !strings.Contains(got, "schema.yaml:7:5") || !strings.Contains(got, `"descripton"`) ||
		!strings.Contains(got, "schema.yaml:13:9") || !strings.Contains(got, `"requird"`) {
		t.Errorf("warnings:\n%s", got)
	}
	if v := s.Class("A").Extra["see_also"]; v == nil {
		t.Errorf("see_also not kept: %v", s.Class("A").Extra)
	}
	_, err = Load("testdata/bad/unknown_key/schema.yaml", LoadOptions{Strict: true})
	if err == nil || !errors.Is(err, ccc.ErrSchema) || !strings.Contains(err.Error(), "requird") {
		t.Errorf("strict: %v", err)
	}
}

func TestLoadBuiltinFS(t *testing.T) {
	fsys := fstest.MapFS{
		"connectivity_schema.yaml": {Data: []byte("id: https://x.org/c\nname: c\nimports: [linkml:types, core]\n")},
		"core.yaml":                {Data: []byte("id: https://x.org/core\nname: core\nimports: [linkml:types]\nclasses:\n  DataSet:\n    attributes:\n      id: {identifier: true}\n")},
	}
	s, err := LoadBuiltin(LoadOptions{BuiltinFS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Class("DataSet"); c == nil || c.Module != "core" {
		t.Fatalf("DataSet = %+v", c)
	}
	// a user schema importing a built-in module with ccc:
	user := []byte("id: https://x.org/u\nname: u\nimports: [linkml:types, ccc:core]\nclasses:\n  Extra:\n    is_a: DataSet\n")
	s, err = LoadBytes("user.yaml", user, LoadOptions{BuiltinFS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	if id := s.IdentifierSlot("Extra", false); id == nil || id.Name != "id" {
		t.Errorf("Extra id = %v", id)
	}
	if _, err := s.LookupClass("dataset"); err == nil || !errors.Is(err, ccc.ErrNotFound) || !strings.Contains(err.Error(), "DataSet") {
		t.Errorf("lookup: %v", err)
	}
}
