package linkml

import (
	"sort"
	"strings"
	"testing"
)

// kindTemplates place "KEY: VALUE" (the marker @KV@) where a key of that
// metamodel kind goes; each template is a whole schema otherwise valid.
var kindTemplates = map[string]string{
	"schema": `id: https://example.org/t
name: t
imports: [linkml:types]
@KV@
classes:
  C:
    slots: [s]
slots:
  s: {}
`,
	"class": `id: https://example.org/t
name: t
imports: [linkml:types]
classes:
  P: {}
  M: {mixin: true}
  C:
    slots: [s]
    @KV@
slots:
  s0: {}
  s: {}
`,
	"slot": `id: https://example.org/t
name: t
imports: [linkml:types]
classes:
  C:
    slots: [s]
slots:
  s0: {}
  s:
    @KV@
`,
	"type": `id: https://example.org/t
name: t
imports: [linkml:types]
types:
  T:
    typeof: string
    @KV@
`,
	"enum": `id: https://example.org/t
name: t
imports: [linkml:types]
enums:
  E:
    @KV@
`,
	"pv": `id: https://example.org/t
name: t
enums:
  E:
    permissible_values:
      a:
        @KV@
`,
	"uniquekey": `id: https://example.org/t
name: t
imports: [linkml:types]
classes:
  C:
    slots: [s]
    unique_keys:
      k:
        unique_key_slots: [s]
        @KV@
slots:
  s: {}
`,
	"array": `id: https://example.org/t
name: t
imports: [linkml:types]
slots:
  s:
    range: integer
    array:
      @KV@
`,
	"dimension": `id: https://example.org/t
name: t
imports: [linkml:types]
slots:
  s:
    range: integer
    array:
      dimensions:
        - @KV@
`,
	"slotexpr": `id: https://example.org/t
name: t
imports: [linkml:types]
slots:
  s:
    any_of:
      - @KV@
`,
	"classexpr": `id: https://example.org/t
name: t
imports: [linkml:types]
classes:
  C:
    slots: [s]
    any_of:
      - @KV@
slots:
  s: {}
`,
	"setting": `id: https://example.org/t
name: t
settings:
  x:
    @KV@
`,
	"prefix": `id: https://example.org/t
name: t
prefixes:
  x:
    @KV@
`,
}

// sampleValues are valid values of the enforced keys, by kind ("" for any
// kind).
var sampleValues = map[string]map[string]string{
	"": {
		"range": "string", "required": "true", "multivalued": "true", "identifier": "true", "key": "true",
		"inlined": "true", "inlined_as_list": "true", "pattern": "'^a'", "structured_pattern": "{syntax: a}",
		"minimum_value": "1", "maximum_value": "2", "equals_string": "x", "equals_number": "1",
		"equals_string_in": "[a, b]", "minimum_cardinality": "1", "maximum_cardinality": "2", "exact_cardinality": "1",
		"designates_type": "true", "alias": "a", "ifabsent": "string(x)", "array": "{}", "is_a": "s0", "mixins": "[s0]",
		"any_of": "[{range: string}]", "all_of": "[{pattern: a}]", "none_of": "[{pattern: b}]", "exactly_one_of": "[{pattern: a}]",
	},
	"schema": {
		"classes": "{}", "slots": "{}", "types": "{}", "enums": "{}", "imports": "[linkml:types]",
		"default_range": "string", "settings": "{a: b}",
	},
	"class": {
		"is_a": "P", "mixins": "[M]", "slots": "[s]", "attributes": "{x: {}}", "slot_usage": "{s: {required: true}}",
		"unique_keys": "{k: {unique_key_slots: [s]}}", "rules": "[{preconditions: {slot_conditions: {s: {required: true}}}}]",
		"any_of": "[{slot_conditions: {s: {required: true}}}]", "all_of": "[{slot_conditions: {s: {required: true}}}]",
		"none_of": "[{slot_conditions: {s: {required: true}}}]", "exactly_one_of": "[{slot_conditions: {s: {required: true}}}]",
	},
	"type":      {"typeof": "string", "base": "str"},
	"enum":      {"permissible_values": "{a: {}}"},
	"uniquekey": {"unique_key_slots": "[s]", "consider_nulls_inequal": "true"},
	"array": {
		"dimensions": "[{}]", "exact_number_dimensions": "1", "minimum_number_dimensions": "1", "maximum_number_dimensions": "2",
	},
	"classexpr": {
		"slot_conditions": "{s: {required: true}}", "any_of": "[{slot_conditions: {s: {required: true}}}]",
		"all_of": "[{slot_conditions: {s: {required: true}}}]", "none_of": "[{slot_conditions: {s: {required: true}}}]",
		"exactly_one_of": "[{slot_conditions: {s: {required: true}}}]",
	},
}

func sampleValue(kind, key string) string {
	if v, ok := sampleValues[kind][key]; ok {
		return v
	}
	if v, ok := sampleValues[""][key]; ok {
		return v
	}
	return "x"
}

// TestMetamodelKeysClassified walks the metamodel's slot list (metaKeys)
// for every element kind the loader reads and requires each key to be
// enforced (loaded, not refused, not left in Extra), documented as metadata,
// or refused with an error that names it.
func TestMetamodelKeysClassified(t *testing.T) {
	kinds := make([]string, 0, len(metaKeys))
	for k := range metaKeys {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	counts := map[string]int{}
	for _, kind := range kinds {
		tmpl, ok := kindTemplates[kind]
		if !ok {
			// enumexpr, importexpr, subset: the loader never descends into
			// them (dynamic enums and subsets are refused or kept whole)
			continue
		}
		for _, key := range metaKeys[kind] {
			if key == "name" || (kind == "schema" && (key == "id" || key == "classes" || key == "slots" || key == "imports")) ||
				(kind == "class" && key == "slots") || (kind == "type" && key == "typeof") || (kind == "uniquekey" && key == "unique_key_slots") {
				counts["structural"]++
				continue // already in the template
			}
			enforced, meta := keyStatus(kind, key)
			src := strings.Replace(tmpl, "@KV@", key+": "+sampleValue(kind, key), 1)
			s, err := LoadBytes("t.yaml", []byte(src), LoadOptions{})
			refused := err != nil && strings.Contains(err.Error(), key+" is not supported")
			switch {
			case enforced:
				counts["enforced"]++
				if err != nil {
					t.Errorf("%s key %s is listed as enforced but the schema fails to load: %v\n%s", kind, key, err, src)
					continue
				}
				if e := extraOf(s, kind); e != nil {
					if _, kept := e[key]; kept {
						t.Errorf("%s key %s is listed as enforced but the loader keeps it as metadata (Extra)", kind, key)
					}
				}
			case meta:
				counts["metadata"]++
				if refused {
					t.Errorf("%s key %s is documented as metadata but refused: %v", kind, key, err)
				}
			default:
				counts["refused"]++
				if !refused {
					t.Errorf("%s key %s is neither enforced nor metadata, and the loader does not refuse it (err %v)", kind, key, err)
				}
			}
		}
	}
	t.Logf("metamodel keys: %v", counts)
	if counts["enforced"] < 70 || counts["refused"] < 30 {
		t.Errorf("implausible classification: %v", counts)
	}
}

// extraOf returns the Extra map of the element a template defines for kind.
func extraOf(s *Schema, kind string) map[string]any {
	switch kind {
	case "schema":
		return s.Root.Extra
	case "class":
		return s.classes["C"].Extra
	case "slot":
		return s.slots["s"].Extra
	case "type":
		return s.types["T"].Extra
	case "enum":
		return s.enums["E"].Extra
	}
	return nil
}

// TestRefusedConstructNamed checks the message of a refused construct.
func TestRefusedConstructNamed(t *testing.T) {
	src := strings.Replace(kindTemplates["slot"], "@KV@", "has_member: {range: integer}", 1)
	_, err := LoadBytes("t.yaml", []byte(src), LoadOptions{})
	if err == nil || !strings.Contains(err.Error(), "slot s: has_member is not supported: list member constraints are not checked by ccc") {
		t.Fatalf("got %v", err)
	}
}
