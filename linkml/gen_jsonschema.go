package linkml

import (
	"encoding/json"
	"io"
	"sort"
)

// JSONSchema writes a JSON Schema (draft 2019-09) for class, shaped like the
// output of LinkML's gen-json-schema with --top-class: the class's slots at
// the top level, every class and enum under $defs, additionalProperties
// false (closed world, as linkml-validate checks), optional slots nullable,
// references to non-inlined classes typed as the target's identifier.
// class "" uses the schema's tree_root (or no top-level properties).
// Properties are named by the slots' data keys (alias, spaces as
// underscores); equals_number / equals_string_in become const / enum and
// cardinality minItems / maxItems (minProperties / maxProperties for dicts).
// Slot boolean expressions become anyOf / allOf / oneOf / not. Class
// expressions, rules, type designators and array shapes are not written
// yet: ccc validate checks them.
func (s *Schema) JSONSchema(w io.Writer, class string) error {
	if class != "" {
		if _, err := s.LookupClass(class); err != nil {
			return err
		}
	} else {
		class = s.TreeRoot()
	}
	defs := map[string]any{}
	for _, cn := range s.classOrder {
		defs[cn] = s.jsonClass(cn, false)
	}
	for _, en := range s.enumOrder {
		e := s.enums[en]
		vals := make([]string, 0, len(e.Values))
		for _, v := range e.Values {
			vals = append(vals, v.Text)
		}
		defs[en] = map[string]any{"title": en, "description": e.Description, "type": "string", "enum": vals}
	}
	root := map[string]any{
		"$schema":     "https://json-schema.org/draft/2019-09/schema",
		"$id":         s.Root.ID,
		"title":       s.Root.Name,
		"description": s.Root.Description,
		"$defs":       defs,
		"type":        "object",
	}
	if class != "" {
		for k, v := range s.jsonClass(class, false) {
			root[k] = v
		}
		root["title"] = class
	} else {
		root["additionalProperties"] = true
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(root)
}

func (s *Schema) jsonClass(cn string, idOptional bool) map[string]any {
	props := map[string]any{}
	var required []string
	for _, sl := range s.induced[cn] {
		props[DataKey(sl)] = s.jsonSlot(sl)
		if sl.IsRequired() && !(idOptional && sl.IsIdentifier()) {
			required = append(required, DataKey(sl))
		}
	}
	sort.Strings(required)
	out := map[string]any{
		"title":                cn,
		"description":          s.classes[cn].Description,
		"type":                 "object",
		"properties":           props,
		"additionalProperties": false,
	}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

func jsonKind(k valueKind) (typ, format string) {
	switch k {
	case kInt:
		return "integer", ""
	case kNumber:
		return "number", ""
	case kBool:
		return "boolean", ""
	case kDate:
		return "string", "date"
	case kDateTime:
		return "string", "date-time"
	case kTime:
		return "string", "time"
	case kURI:
		return "string", "uri"
	}
	return "string", ""
}

func (s *Schema) jsonSlot(sl *Slot) map[string]any {
	sp, err := s.compileSlot(sl, map[string]*classPlan{})
	if err != nil {
		sp = &slotPlan{multivalued: sl.IsMultivalued(), kind: kAny}
	}
	item := jsonItem(sp, sl.Range)
	var prop map[string]any
	switch {
	case sp.multivalued && sp.dictForm:
		prop = map[string]any{"type": "object", "additionalProperties": item}
	case sp.multivalued:
		prop = map[string]any{"type": "array", "items": item}
	default:
		prop = item
	}
	if sp.multivalued && sl.MinCardinality != nil {
		prop[map[bool]string{true: "minProperties", false: "minItems"}[sp.dictForm]] = *sl.MinCardinality
	}
	if sp.multivalued && sl.MaxCardinality != nil {
		prop[map[bool]string{true: "maxProperties", false: "maxItems"}[sp.dictForm]] = *sl.MaxCardinality
	}
	if !sl.IsRequired() {
		if t, ok := prop["type"].(string); ok {
			prop["type"] = []string{t, "null"}
		} else if _, ok := prop["$ref"]; ok {
			prop = map[string]any{"anyOf": []any{prop, map[string]any{"type": "null"}}}
		}
	}
	if sl.Description != "" {
		prop["description"] = sl.Description
	}
	return prop
}

// jsonItem is the JSON Schema of one value of a compiled slot or slot
// expression: its type (or $ref), constraints and boolean expressions.
func jsonItem(sp *slotPlan, rangeName string) map[string]any {
	var item map[string]any
	switch sp.kind {
	case kObject:
		refs := []any{}
		for _, cp := range sp.nested {
			refs = append(refs, map[string]any{"$ref": "#/$defs/" + cp.class})
		}
		if len(refs) == 1 {
			item = refs[0].(map[string]any)
		} else {
			item = map[string]any{"anyOf": refs}
		}
	case kEnum:
		item = map[string]any{"$ref": "#/$defs/" + rangeName}
	case kAny:
		item = map[string]any{}
	default:
		k := sp.kind
		if k == kRef {
			k = sp.refKind
		}
		t, f := jsonKind(k)
		item = map[string]any{"type": t}
		if f != "" {
			item["format"] = f
		}
	}
	if sp.pattern != nil {
		item["pattern"] = sp.patternSrc
	}
	if sp.min != nil {
		item["minimum"] = *sp.min
	}
	if sp.max != nil {
		item["maximum"] = *sp.max
	}
	if sp.equals != nil {
		item["const"] = *sp.equals
	}
	if sp.eqNum != nil {
		item["const"] = *sp.eqNum
	}
	if sp.eqIn != nil {
		item["enum"] = sp.eqIn
	}
	alts := func(ps []*slotPlan) []any {
		out := make([]any, 0, len(ps))
		for _, p := range ps {
			out = append(out, jsonItem(p, p.rangeName))
		}
		return out
	}
	if len(sp.anyOf) > 0 {
		item["anyOf"] = alts(sp.anyOf)
	}
	if len(sp.allOf) > 0 {
		item["allOf"] = alts(sp.allOf)
	}
	if len(sp.oneOf) > 0 {
		item["oneOf"] = alts(sp.oneOf)
	}
	if len(sp.noneOf) > 0 {
		item["not"] = map[string]any{"anyOf": alts(sp.noneOf)}
	}
	return item
}
