package linkml

import (
	"math"
	"strings"
	"testing"
)

// TestDecodeJSONLikeLinkMLValidate: NaN and Infinity are floats, and
// json_clean drops null, [] and {} values and @ keys, as linkml-validate's
// JSON loader does.
func TestDecodeJSONLikeLinkMLValidate(t *testing.T) {
	v, err := DecodeJSON(strings.NewReader(`{"x": NaN, "y": -Infinity, "s": "NaN \" Infinity", "l": [null, 1, [], {}], "e": {}, "n": null, "@c": 1}`))
	if err != nil {
		t.Fatal(err)
	}
	m := v.(map[string]any)
	if x, ok := m["x"].(float64); !ok || !math.IsNaN(x) {
		t.Errorf("x = %#v, want NaN", m["x"])
	}
	if y, ok := m["y"].(float64); !ok || !math.IsInf(y, -1) {
		t.Errorf("y = %#v, want -Inf", m["y"])
	}
	if m["s"] != `NaN " Infinity` {
		t.Errorf("s = %#v", m["s"])
	}
	if l, ok := m["l"].([]any); !ok || len(l) != 1 || l[0] != int64(1) {
		t.Errorf("l = %#v, want [1]", m["l"])
	}
	for _, k := range []string{"e", "n", "@c"} {
		if _, ok := m[k]; ok {
			t.Errorf("key %s kept", k)
		}
	}
	if len(m) != 4 {
		t.Errorf("got %d keys: %v", len(m), m)
	}
	if _, err := DecodeJSON(strings.NewReader(`{"x": NaNa}`)); err == nil {
		t.Error("NaNa accepted")
	}
}

// TestConstructsEnforced checks each newly enforced construct on one valid
// and one invalid record, with the rule reported.
func TestConstructsEnforced(t *testing.T) {
	schema := `id: https://example.org/c
name: c
default_prefix: ex
prefixes: {ex: https://example.org/}
imports: [linkml:types]
settings: {word: "[a-z]+"}
classes:
  C:
    attributes:
      card: {range: integer, multivalued: true, minimum_cardinality: 2, maximum_cardinality: 3}
      eqn: {range: integer, equals_number: 3}
      eqin: {range: string, equals_string_in: [a, b]}
      allof: {range: string, all_of: [{pattern: "^a"}, {pattern: "z$"}]}
      noneof: {range: string, none_of: [{equals_string: bad}]}
      sp: {structured_pattern: {syntax: "{word}-{word}", interpolated: true}}
      the label: {range: string}
      x: {range: integer, alias: ex_x}
      kind: {designates_type: true, range: string}
    any_of:
      - slot_conditions: {eqn: {required: true}}
      - slot_conditions: {eqin: {required: true}}
    rules:
      - preconditions: {slot_conditions: {eqin: {equals_string: a}}}
        postconditions: {slot_conditions: {allof: {required: true}}}
`
	s, err := LoadBytes("c.yaml", []byte(schema), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.NewValidator("C", ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		rec  map[string]any
		rule Rule // "" = valid
	}{
		{"valid", map[string]any{"eqn": int64(3), "card": []any{int64(1), int64(2)}, "sp": "ab-cd", "the_label": "x", "ex_x": int64(1), "kind": "C"}, ""},
		{"cardinality low", map[string]any{"eqn": int64(3), "card": []any{int64(1)}}, RuleCardinality},
		{"cardinality high", map[string]any{"eqn": int64(3), "card": []any{int64(1), int64(2), int64(3), int64(4)}}, RuleCardinality},
		{"equals_number", map[string]any{"eqn": int64(4)}, RuleEquals},
		{"equals_string_in", map[string]any{"eqin": "c"}, RuleEquals},
		{"all_of", map[string]any{"eqn": int64(3), "allof": "ab"}, RuleAnyOf},
		{"none_of", map[string]any{"eqn": int64(3), "noneof": "bad"}, RuleAnyOf},
		{"structured_pattern", map[string]any{"eqn": int64(3), "sp": "ab-cd-ef"}, RulePattern},
		{"space name as written", map[string]any{"eqn": int64(3), "the label": "x"}, RuleUnknownSlot},
		{"slot name not alias", map[string]any{"eqn": int64(3), "x": int64(1)}, RuleUnknownSlot},
		{"class any_of", map[string]any{"sp": "ab-cd"}, RuleClassExpr},
		{"rule", map[string]any{"eqin": "a"}, RuleClassRule},
		{"rule holds", map[string]any{"eqin": "a", "allof": "abz"}, ""},
		{"designates_type", map[string]any{"eqn": int64(3), "kind": "D"}, RuleDesignatesType},
	}
	for _, tc := range tests {
		vs := v.Validate(tc.rec)
		if tc.rule == "" {
			if len(vs) != 0 {
				t.Errorf("%s: %v", tc.name, vs)
			}
			continue
		}
		if len(vs) != 1 || vs[0].Rule != tc.rule {
			t.Errorf("%s: got %v, want one %s violation", tc.name, vs, tc.rule)
		}
	}
}
