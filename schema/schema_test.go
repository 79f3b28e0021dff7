package schema_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/linkml"
	"github.com/ccc-connectivity/ccc/schema"
)

// wantModules are the schema modules, one file each; the aggregator imports
// all the others.
var wantModules = []string{
	"base_schema", "brain_region_schema", "cell_feature_schema", "clustering_schema",
	"connectivity_schema", "core_schema", "ephys_schema", "gene_schema", "mapping_schema",
	"mesoscale_schema", "morphology_schema", "projection_schema", "storage_schema",
	"synapse_schema",
}

func TestModules(t *testing.T) {
	rs := loadRaw(t)
	if !slices.Equal(rs.order, wantModules) {
		t.Fatalf("modules = %v, want %v", rs.order, wantModules)
	}
	root := rs.modules[strings.TrimSuffix(schema.Root, ".yaml")]
	var imported []string
	for _, imp := range root.Imports {
		if imp != "linkml:types" {
			imported = append(imported, imp)
		}
	}
	sort.Strings(imported)
	var others []string
	for _, n := range wantModules {
		if n != "connectivity_schema" {
			others = append(others, n)
		}
	}
	if !slices.Equal(imported, others) {
		t.Errorf("aggregator imports %v, want every module %v", imported, others)
	}
	for _, n := range rs.order {
		m := rs.modules[n]
		if m.Name != n {
			t.Errorf("%s: name %q, want the file name %q", m.file, m.Name, n)
		}
		if m.ID != "https://w3id.org/ccc/"+n {
			t.Errorf("%s: id %q", m.file, m.ID)
		}
		if m.Description == "" || m.DefaultPrefix != "ccc" || m.DefaultRange != "string" {
			t.Errorf("%s: description/default_prefix/default_range missing", m.file)
		}
		if m.Prefixes["ccc"] != "https://w3id.org/ccc/" || m.Prefixes["linkml"] != "https://w3id.org/linkml/" {
			t.Errorf("%s: prefixes ccc and linkml must be declared: %v", m.file, m.Prefixes)
		}
		if !slices.Contains(m.Imports, "linkml:types") {
			t.Errorf("%s: does not import linkml:types", m.file)
		}
		for _, imp := range m.Imports {
			if imp != "linkml:types" && rs.modules[imp] == nil {
				t.Errorf("%s: import %q is not a module (imports use the plain module name)", m.file, imp)
			}
		}
	}
}

// TestDefinedOnce: a class, slot, enum or type name is defined in exactly one
// module (the engine rejects duplicates across modules).
func TestDefinedOnce(t *testing.T) {
	rs := loadRaw(t)
	where := map[string]string{}
	add := func(kind, name, module string) {
		k := kind + " " + name
		if prev, ok := where[k]; ok {
			t.Errorf("%s defined in %s and %s", k, prev, module)
		}
		where[k] = module
	}
	for _, n := range rs.order {
		m := rs.modules[n]
		for c, cl := range m.Classes {
			add("class", c, n)
			for a := range cl.Attributes {
				if _, ok := where["slot "+a]; ok {
					t.Errorf("class %s: attribute %s shadows a schema-level slot", c, a)
				}
			}
		}
		for s := range m.Slots {
			add("slot", s, n)
		}
		for e := range m.Enums {
			add("enum", e, n)
		}
		for ty := range m.Types {
			add("type", ty, n)
		}
	}
	// Element names share one namespace in LinkML: a class may not be named
	// like an enum or a type.
	names := map[string]string{}
	for k := range where {
		kind, name, _ := strings.Cut(k, " ")
		if kind == "slot" {
			continue
		}
		if prev, ok := names[name]; ok {
			t.Errorf("%s is both a %s and a %s", name, prev, kind)
		}
		names[name] = kind
	}
}

// TestDescriptionsAndRanges: every class, slot, enum, permissible value and
// type has a description; every range resolves to a type, enum or class
// visible from the module that uses it; classes use only visible slots.
func TestDescriptionsAndRanges(t *testing.T) {
	rs := loadRaw(t)
	for _, n := range rs.order {
		m := rs.modules[n]
		vis := rs.visible(n)
		isType := func(r string) bool {
			if builtinTypes[r] {
				return true
			}
			for _, v := range vis {
				if _, ok := v.Types[r]; ok {
					return true
				}
				if _, ok := v.Enums[r]; ok {
					return true
				}
				if _, ok := v.Classes[r]; ok {
					return true
				}
			}
			return false
		}
		visibleSlot := func(s string) bool {
			for _, v := range vis {
				if _, ok := v.Slots[s]; ok {
					return true
				}
			}
			return false
		}
		for name, s := range m.Slots {
			if strings.TrimSpace(s.Description) == "" {
				t.Errorf("%s: slot %s has no description", m.file, name)
			}
			if s.Range == "" {
				t.Errorf("%s: slot %s has no explicit range", m.file, name)
			} else if !isType(s.Range) {
				t.Errorf("%s: slot %s: range %s is not visible from the module", m.file, name, s.Range)
			}
		}
		for name, c := range m.Classes {
			if strings.TrimSpace(c.Description) == "" {
				t.Errorf("%s: class %s has no description", m.file, name)
			}
			for _, s := range c.Slots {
				if !visibleSlot(s) {
					t.Errorf("%s: class %s uses slot %s, not defined in the module or its imports", m.file, name, s)
				}
			}
			for an, a := range c.Attributes {
				if strings.TrimSpace(a.Description) == "" {
					t.Errorf("%s: attribute %s.%s has no description", m.file, name, an)
				}
				if a.Range != "" && !isType(a.Range) {
					t.Errorf("%s: attribute %s.%s: range %s not visible", m.file, name, an, a.Range)
				}
			}
			for un, u := range c.SlotUsage {
				if u.Range != "" && !isType(u.Range) {
					t.Errorf("%s: slot_usage %s.%s: range %s not visible", m.file, name, un, u.Range)
				}
			}
		}
		for name, e := range m.Enums {
			if strings.TrimSpace(e.Description) == "" {
				t.Errorf("%s: enum %s has no description", m.file, name)
			}
			if len(e.PermissibleValues) == 0 {
				t.Errorf("%s: enum %s has no permissible values", m.file, name)
			}
			for pv, v := range e.PermissibleValues {
				if strings.TrimSpace(v.Description) == "" {
					t.Errorf("%s: %s.%s has no description", m.file, name, pv)
				}
			}
		}
		for name, ty := range m.Types {
			if strings.TrimSpace(ty.Description) == "" || ty.Typeof == "" {
				t.Errorf("%s: type %s needs a description and typeof", m.file, name)
			}
		}
	}
}

// TestInlining: SpatialLocation (no identifier) is always nested; class
// ranges that have an identifier are references, never inlined.
func TestInlining(t *testing.T) {
	rs := loadRaw(t)
	hasID := func(class string) bool {
		for _, s := range rs.classSlots(t, class) {
			if s.Identifier {
				return true
			}
		}
		return false
	}
	for _, class := range rs.classNames() {
		for _, s := range rs.classSlots(t, class) {
			if c, _ := rs.class(s.Range); c == nil {
				continue
			}
			inlined := s.Inlined != nil && *s.Inlined
			switch {
			case !hasID(s.Range) && !inlined:
				t.Errorf("%s.%s: range %s has no identifier and must say inlined: true", class, s.Name, s.Range)
			case hasID(s.Range) && inlined:
				t.Errorf("%s.%s: range %s has an identifier: keep it a reference", class, s.Name, s.Range)
			}
		}
	}
}

// TestSeedDiagram: every class, attribute (name and type) and relationship
// (slot, target class, cardinality) of the pilot's ER diagram is in the
// schema, read directly from the YAML.
func TestSeedDiagram(t *testing.T) {
	rs := loadRaw(t)
	d := seedDiagram(t)
	if len(d.classes) != 25 || len(d.rels) != 45 {
		t.Fatalf("seed diagram: %d classes, %d relationships; want 25 and 45", len(d.classes), len(d.rels))
	}
	for _, c := range d.classes {
		if cl, _ := rs.class(c); cl == nil {
			t.Errorf("class %s of the seed diagram is missing", c)
		}
	}
	for _, a := range d.attrs {
		if cl, _ := rs.class(a.Class); cl == nil {
			continue
		}
		s := rs.classSlots(t, a.Class)[a.Name]
		if s == nil {
			t.Errorf("%s.%s (%s) missing", a.Class, a.Name, a.Type)
			continue
		}
		got := s.Range
		if s.Multivalued {
			got += "List"
		}
		if got != a.Type {
			t.Errorf("%s.%s: type %s, seed diagram says %s", a.Class, a.Name, got, a.Type)
		}
	}
	for _, r := range d.rels {
		if cl, _ := rs.class(r.From); cl == nil {
			continue
		}
		s := rs.classSlots(t, r.From)[r.Label]
		if s == nil {
			t.Errorf("relationship %s: slot missing", r)
			continue
		}
		want := r.To
		if rng, ok := seedRangeChanges[r.From+"."+r.Label]; ok {
			want = rng
		}
		if s.Range != want {
			t.Errorf("relationship %s: range is %s, want %s", r, s.Range, want)
		}
		if got := cardinality(s.Required, s.Multivalued); got != r.Card {
			t.Errorf("relationship %s: cardinality is %s", r, got)
		}
	}
}

// TestAddedClasses: the classes beyond the pilot, with the slot names that the
// loaders rely on (they follow the source data's columns).
func TestAddedClasses(t *testing.T) {
	rs := loadRaw(t)
	want := map[string][]string{
		"BrainRegion": {"id", "name", "acronym", "color_hex_triplet", "term_set_name", "annotation_value",
			"descendant_annotation_values", "parent_identifier", "child_identifiers", "descendants", "depth", "structure_id_path"},
		"Synapse": {"id", "pre_pt_root_id", "post_pt_root_id", "size", "pre_pt_position", "post_pt_position",
			"ctr_pt_position", "pre_pt_supervoxel_id", "post_pt_supervoxel_id", "valid", "created"},
		"CellTypeAnnotation": {"id", "pt_root_id", "cell_type", "classification_system", "pt_position", "source"},
		"ProofreadingStatus": {"id", "pt_root_id", "status_axon", "status_dendrite", "strategy_axon", "strategy_dendrite"},
		"ConnectivityExperiment": {"id", "transgenic_line", "structure_id", "structure_abbrev", "injection_volume",
			"injection_x", "injection_y", "injection_z", "gender", "strain"},
		"InjectionSummary": {"experiment_id", "structure_id", "hemisphere_id", "is_injection", "projection_volume",
			"projection_density", "projection_energy", "projection_intensity", "sum_pixel_intensity",
			"max_voxel_x", "max_voxel_y", "max_voxel_z"},
		"ProjectionMeasurementMatrix": {"id", "description", "measurement_type", "modality", "unit", "values",
			"region_index", "data_item_index"},
		"RecordingSite": {"id", "data_item", "electrode_id", "x", "y", "z", "location", "brain_region", "probe", "channel"},
		"SortedUnit":    {"id", "data_item", "unit_id", "peak_channel", "firing_rate", "isi_violations", "presence_ratio", "snr", "brain_region"},
		"DataSet":       {"id", "name", "publication", "modality"},
		"DataItem":      {"id", "name", "neuroglancer_link", "dataset"},
		"RecordingSession": {"id", "data_item", "nwb_file", "nwb_version", "session_start_time",
			"session_description", "subject_id"},
		"NWBArray": {"id", "data_item", "path", "hdf5_path", "neurodata_type", "dtype", "shape", "chunks"},
	}
	for class, slots := range want {
		got := rs.classSlots(t, class)
		for _, s := range slots {
			if got[s] == nil {
				t.Errorf("%s: slot %s missing", class, s)
			}
		}
	}
	// Ranges and cardinalities the loaders and stores depend on.
	checks := []struct {
		class, slot, rng string
		required, multi  bool
	}{
		{"Synapse", "id", "integer", true, false},
		{"Synapse", "pre_pt_root_id", "integer", true, false},
		{"Synapse", "post_pt_root_id", "integer", true, false},
		{"Synapse", "ctr_pt_position", "SpatialLocation", false, false},
		{"CellTypeAnnotation", "id", "integer", true, false},
		{"CellTypeAnnotation", "source", "AnnotationSource", false, false},
		{"ProofreadingStatus", "status_axon", "ProofreadingLevel", false, false},
		{"ConnectivityExperiment", "id", "integer", true, false},
		{"ConnectivityExperiment", "structure_id", "integer", false, false},
		{"InjectionSummary", "experiment_id", "ConnectivityExperiment", true, false},
		{"InjectionSummary", "structure_id", "integer", true, false},
		{"InjectionSummary", "hemisphere_id", "integer", false, false},
		{"BrainRegion", "id", "string", true, false},
		{"BrainRegion", "structure_id", "integer", false, false},
		{"BrainRegion", "parent_identifier", "BrainRegion", false, false},
		{"BrainRegion", "color_hex_triplet", "HexColor", false, false},
		{"BrainRegion", "depth", "integer", false, false},
		{"RecordingSite", "brain_region", "integer", false, false},
		{"SortedUnit", "peak_channel", "RecordingSite", false, false},
		{"ProjectionMeasurementMatrix", "region_index", "integer", false, true},
	}
	for _, c := range checks {
		s := rs.classSlots(t, c.class)[c.slot]
		if s == nil {
			continue // reported above
		}
		if s.Range != c.rng || s.Required != c.required || s.Multivalued != c.multi {
			t.Errorf("%s.%s: range %s required %v multivalued %v; want %s %v %v",
				c.class, c.slot, s.Range, s.Required, s.Multivalued, c.rng, c.required, c.multi)
		}
	}
}

// TestAliases: the column names of real sources that loaders map through
// LinkML aliases.
func TestAliases(t *testing.T) {
	rs := loadRaw(t)
	aliases := func(class, slot string) []string {
		var out []string
		if s, _ := rs.slot(slot); s != nil {
			out = append(out, s.Aliases...)
		}
		c, _ := rs.class(class)
		if c != nil && c.SlotUsage[slot] != nil {
			out = append(out, c.SlotUsage[slot].Aliases...)
		}
		return out
	}
	want := []struct{ class, slot, alias string }{
		{"BrainRegion", "id", "identifier"},
		{"BrainRegion", "term_order", "graph_order"},
		{"BrainRegion", "name", "structure_name"},
		{"BrainRegion", "name", "safe_name"},
		{"BrainRegion", "parent_identifier", "parent_structure_id"},
		{"BrainRegion", "parent_identifier", "parent_id"},
		{"BrainRegion", "color_hex_triplet", "rgb_hex"},
		{"BrainRegion", "color_hex_triplet", "color_hex"},
		{"BrainRegion", "acronym", "abbreviation"},
		{"ConnectivityExperiment", "transgenic_line", "transgenic-line"},
		{"ConnectivityExperiment", "injection_volume", "injection-volume"},
		{"InjectionSummary", "experiment_id", "section_data_set_id"},
		{"Synapse", "id", "synapse_id"},
		{"CellTypeAnnotation", "id", "nucleus_id"},
		{"SortedUnit", "peak_channel", "peak_channel_id"},
		{"RecordingSite", "probe", "probe_id"},
	}
	for _, w := range want {
		if !slices.Contains(aliases(w.class, w.slot), w.alias) {
			t.Errorf("%s.%s: alias %s missing (have %v)", w.class, w.slot, w.alias, aliases(w.class, w.slot))
		}
	}
	// An alias must not name another slot of the same class: the loader
	// would map one column to two slots.
	for _, class := range rs.classNames() {
		slots := rs.classSlots(t, class)
		for name := range slots {
			for _, a := range aliases(class, name) {
				if slots[a] != nil && a != name {
					t.Errorf("%s.%s: alias %s is also a slot of the class", class, name, a)
				}
			}
		}
	}
}

// TestHexColorPattern: the HexColor pattern accepts the Allen ontology's
// colours (upper and lower case, with or without '#').
func TestHexColorPattern(t *testing.T) {
	rs := loadRaw(t)
	ty := rs.modules["base_schema"].Types["HexColor"]
	re := regexp.MustCompile(ty.Pattern)
	for _, ok := range []string{"08858C", "11ad83", "#FFFFFF", "#0d9f91"} {
		if !re.MatchString(ok) {
			t.Errorf("HexColor rejects %q", ok)
		}
	}
	for _, bad := range []string{"08858", "08858CC", "#GGGGGG", "rgb(1,2,3)", ""} {
		if re.MatchString(bad) {
			t.Errorf("HexColor accepts %q", bad)
		}
	}
}

// TestEngineAgrees loads the embedded schema with the Go engine (strict, so
// any key outside the LinkML metamodel fails) and checks that its induced
// slots match the direct YAML reading for every class.
func TestEngineAgrees(t *testing.T) {
	s, err := linkml.LoadBuiltin(linkml.LoadOptions{Strict: true})
	if err != nil {
		t.Fatalf("engine rejects the built-in schema: %v", err)
	}
	for _, w := range s.Warnings {
		t.Errorf("engine warning: %s", w)
	}
	rs := loadRaw(t)
	got := s.Classes()
	sort.Strings(got)
	if want := rs.classNames(); !slices.Equal(got, want) {
		t.Fatalf("engine classes %v\nwant %v", got, want)
	}
	for _, class := range got {
		want := rs.classSlots(t, class)
		induced := s.InducedSlots(class)
		if len(induced) != len(want) {
			t.Errorf("%s: engine induces %d slots, YAML has %d", class, len(induced), len(want))
		}
		for _, sl := range induced {
			w := want[sl.Name]
			if w == nil {
				t.Errorf("%s: engine induces unknown slot %s", class, sl.Name)
				continue
			}
			if sl.Range != w.Range || sl.IsRequired() != w.Required || sl.IsMultivalued() != w.Multivalued || sl.IsIdentifier() != w.Identifier {
				t.Errorf("%s.%s: engine range %s req %v multi %v id %v; YAML %s %v %v %v", class, sl.Name,
					sl.Range, sl.IsRequired(), sl.IsMultivalued(), sl.IsIdentifier(), w.Range, w.Required, w.Multivalued, w.Identifier)
			}
		}
	}
}

// copyModules writes the embedded modules to a fresh directory, so the
// reference tools see exactly what ccc embeds.
func copyModules(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, _ := fs.Glob(schema.FS, "*.yaml")
	for _, f := range files {
		data, err := fs.ReadFile(schema.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestReferenceTools runs the LinkML reference tools from PyPI on the schema:
// linkml-lint (recommended rules, descriptions as errors; warnings allowed),
// gen-json-schema and gen-pydantic (exit 0, every class in the output).
func TestReferenceTools(t *testing.T) {
	lint := testenv.Tool(t, "linkml-lint")
	genJSON := testenv.Tool(t, "gen-json-schema")
	genPyd := testenv.Tool(t, "gen-pydantic")
	dir := copyModules(t)
	cfg, err := filepath.Abs("testdata/linkml-lint.yaml")
	if err != nil {
		t.Fatal(err)
	}
	classes := loadRaw(t).classNames()
	root := filepath.Join(dir, schema.Root)

	run := func(t *testing.T, name string, args ...string) (string, error) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		if err != nil {
			t.Logf("%s stderr:\n%s", filepath.Base(name), errOut.String())
		}
		return out.String(), err
	}

	t.Run("linkml-lint", func(t *testing.T) {
		// The directory form lints every module, each on its own elements.
		out, err := run(t, lint, "-c", cfg, "--ignore-warnings", "-f", "tsv", dir)
		var errs, warns int
		for _, line := range strings.Split(out, "\n") {
			f := strings.Split(line, "\t")
			if len(f) < 5 || f[0] == "source" {
				continue
			}
			switch f[3] {
			case "error":
				errs++
				t.Errorf("lint error: %s: %s (%s)", filepath.Base(f[0]), f[4], f[2])
			case "warning":
				warns++
			}
		}
		if err != nil && errs == 0 {
			t.Errorf("linkml-lint failed without reporting an error: %v\n%s", err, out)
		}
		t.Logf("linkml-lint: %d errors, %d warnings", errs, warns)
	})
	t.Run("gen-json-schema", func(t *testing.T) {
		out, err := run(t, genJSON, root)
		if err != nil {
			t.Fatalf("gen-json-schema: %v", err)
		}
		for _, c := range classes {
			if !strings.Contains(out, `"`+c+`"`) {
				t.Errorf("JSON Schema has no definition of %s", c)
			}
		}
	})
	t.Run("gen-pydantic", func(t *testing.T) {
		out, err := run(t, genPyd, root)
		if err != nil {
			t.Fatalf("gen-pydantic: %v", err)
		}
		for _, c := range classes {
			if !strings.Contains(out, "\nclass "+c+"(") {
				t.Errorf("pydantic models have no class %s", c)
			}
		}
		// The generated models import and check values: a valid region and
		// synapse pass, a slot pattern violation fails. (gen-pydantic
		// enforces slot patterns, not those of custom types like HexColor.)
		py := testenv.Python(t, "pydantic")
		if err := os.WriteFile(filepath.Join(dir, "ccc_models.py"), []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		code := `import ccc_models as m
m.BrainRegion(id="MBA:385", structure_id=385, acronym="VISp", color_hex_triplet="08858C", parent_identifier="MBA:669", descendant_annotation_values=[385, 593])
m.BrainRegion(id="BR1", name="Region 1")
m.Synapse(id=1, pre_pt_root_id=864691133277109275, post_pt_root_id=864691135358817112, size=344,
          ctr_pt_position=m.SpatialLocation(x=1352.9, y=402.8, z=884.5))
try:
    m.BrainRegion(id="385", structure_id_path="997/8/385")
except Exception:
    print("rejected")
`
		got, err := run(t, py, "-c", code)
		if err != nil || strings.TrimSpace(got) != "rejected" {
			t.Errorf("generated pydantic models: %v, output %q", err, got)
		}
	})
}

// TestUserSchemaImportsBuiltin: the user-schema form documented in
// docs/schema.md (imports: ccc:connectivity_schema, is_a a built-in class)
// loads in the engine, strictly, with the built-in slots inherited.
func TestUserSchemaImportsBuiltin(t *testing.T) {
	user := `id: https://example.org/lab
name: lab_schema
description: A lab's extension of the ccc schema.
prefixes:
  linkml: https://w3id.org/linkml/
  ccc: https://w3id.org/ccc/
  lab: https://example.org/lab/
default_prefix: lab
default_range: string
imports:
  - linkml:types
  - ccc:connectivity_schema
classes:
  LabRegion:
    is_a: BrainRegion
    description: A brain region with the lab's notes.
    attributes:
      lab_note:
        description: Free-text note.
      confidence:
        range: Probability
        description: Confidence of the lab's annotation.
`
	p := filepath.Join(t.TempDir(), "lab_schema.yaml")
	if err := os.WriteFile(p, []byte(user), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := linkml.Load(p, linkml.LoadOptions{Strict: true})
	if err != nil {
		t.Fatalf("user schema importing ccc:connectivity_schema: %v", err)
	}
	got := map[string]string{}
	for _, sl := range s.InducedSlots("LabRegion") {
		got[sl.Name] = sl.Range
	}
	for name, rng := range map[string]string{"id": "string", "structure_id": "integer", "color_hex_triplet": "HexColor", "parent_identifier": "BrainRegion", "confidence": "Probability", "lab_note": "string"} {
		if got[name] != rng {
			t.Errorf("LabRegion.%s: range %q, want %s", name, got[name], rng)
		}
	}
	if n := len(s.Classes()); n != len(loadRaw(t).classNames())+1 {
		t.Errorf("user schema has %d classes, want the built-in ones plus LabRegion", n)
	}
}

// TestSeedDeviationsListed compares every class of the seed diagram with the
// schema slot by slot: a slot the seed does not have (an addition) or a
// range the seed gives otherwise (seedRangeChanges) must be listed, with
// its reason, in docs/schema.md's "Deviations from the seed" section as
// `Class.slot`.
func TestSeedDeviationsListed(t *testing.T) {
	b, err := os.ReadFile("../docs/schema.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i := strings.Index(doc, "## Deviations from the seed")
	if i < 0 {
		t.Fatal(`docs/schema.md has no "## Deviations from the seed" section`)
	}
	sec := doc[i:]
	if j := strings.Index(sec[3:], "\n## "); j >= 0 {
		sec = sec[:j+3]
	}
	rs := loadRaw(t)
	d := seedDiagram(t)
	inSeed := map[string]bool{}
	for _, a := range d.attrs {
		inSeed[a.Class+"."+a.Name] = true
	}
	for _, r := range d.rels {
		inSeed[r.From+"."+r.Label] = true
	}
	var missing []string
	for _, c := range d.classes {
		for name := range rs.classSlots(t, c) {
			k := c + "." + name
			if _, changed := seedRangeChanges[k]; (!inSeed[k] || changed) && !strings.Contains(sec, "`"+k+"`") {
				missing = append(missing, k)
			}
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("not listed in docs/schema.md's deviations: %s", strings.Join(missing, ", "))
	}
}
