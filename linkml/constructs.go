package linkml

// What ccc does with each key of the LinkML metamodel. A schema key is
// either
//
//   - enforced: the loader reads it and the validator checks it with
//     linkml-validate's semantics (enforcedKeys says where);
//   - metadata: it has no validation meaning in LinkML (documentation,
//     mappings, provenance, OWL semantics the JSON Schema of linkml-validate
//     does not express); the loader keeps it in Element.Extra;
//   - refused: any other key. The loader fails (exit 2) naming the key,
//     so that no construct is loaded and silently ignored.
//
// TestMetamodelKeysClassified walks the metamodel's slot list (metaKeys)
// and fails on a key that is in none of the three.

// metadataKeys are the keys without validation meaning, in any element
// kind, with the reason.
var metadataKeys = map[string]string{
	"aliases": "synonyms (ccc also uses them to match columns)", "alt_descriptions": "documentation",
	"annotations": "tags", "broad_mappings": "mappings", "categories": "documentation",
	"close_mappings": "mappings", "comments": "documentation", "conforms_to": "provenance",
	"contributors": "provenance", "created_by": "provenance", "created_on": "provenance",
	"definition_uri": "identity of the element", "deprecated": "documentation",
	"deprecated_element_has_exact_replacement":    "documentation",
	"deprecated_element_has_possible_replacement": "documentation",
	"description": "documentation", "exact_mappings": "mappings", "examples": "documentation",
	"extensions": "tags", "from_schema": "provenance", "id_prefixes": "documentation of expected prefixes (not a check unless id_prefixes_are_closed)",
	"implements": "documentation", "imported_from": "provenance", "in_language": "documentation",
	"in_subset": "subset membership", "instantiates": "metamodel extension", "keywords": "documentation",
	"last_updated_on": "provenance", "local_names": "documentation", "mappings": "mappings",
	"modified_by": "provenance", "narrow_mappings": "mappings", "notes": "documentation",
	"rank": "display order", "related_mappings": "mappings", "see_also": "documentation",
	"source": "provenance", "status": "documentation", "structured_aliases": "synonyms",
	"title": "documentation", "todos": "documentation", "name": "the element's name",
	// schema
	"default_curi_maps": "prefix expansion", "emit_prefixes": "prefix expansion",
	"generation_date": "provenance", "license": "documentation", "metamodel_version": "provenance",
	"source_file": "provenance", "source_file_date": "provenance", "source_file_size": "provenance",
	"subsets": "subset definitions", "slot_names_unique": "a schema-authoring check",
	// class / slot / type / enum semantics outside validation
	"class_uri": "RDF identity", "slot_uri": "RDF identity", "enum_uri": "RDF identity", "uri": "RDF identity",
	"mixin": "marks a mixin (used for inheritance)", "abstract": "not instantiable (ccc does not inline abstract classes)",
	"tree_root": "names the container class", "defining_slots": "OWL equivalence", "represents_relationship": "documentation",
	"subclass_of": "RDF subclass", "disjoint_with": "OWL disjointness (one record has one class)",
	"children_are_mutually_disjoint": "OWL disjointness", "string_serialization": "generation of strings, not a check",
	"alias": "a class alias names the class in other serializations", "values_from": "documentation of an ontology source", "domain": "documentation (slot reuse across classes is allowed)",
	"domain_of": "derived", "owner": "derived", "inherited": "inheritance hint", "is_class_field": "generation hint",
	"is_grouping_slot": "grouping", "is_usage_slot": "derived", "usage_slot_name": "derived", "readonly": "documentation",
	"shared": "documentation", "singular_name": "naming", "slot_group": "grouping", "type_mappings": "generation hint",
	"role": "documentation", "relational_role": "documentation", "subproperty_of": "RDF subproperty",
	"symmetric": "OWL property characteristic", "asymmetric": "OWL property characteristic",
	"reflexive": "OWL property characteristic", "irreflexive": "OWL property characteristic",
	"locally_reflexive": "OWL property characteristic", "transitive": "OWL property characteristic",
	"inverse": "OWL inverse", "transitive_form_of": "OWL", "reflexive_transitive_form_of": "OWL",
	"list_elements_ordered": "ordering, not a check", "unit": "unit of measure", "implicit_prefix": "serialization of CURIEs",
	"recommended": "advisory: linkml-validate reports nothing for a missing recommended slot", "repr": "generation hint",
	"ifabsent": "a default for generated code: linkml-validate does not fill it in, nor does ccc",
	"meaning":  "ontology term of a permissible value", "text": "the permissible value", "unique_key_name": "the key's name",
	"version": "documentation", "default_prefix": "CURIE expansion", "prefixes": "CURIE expansion",
	"id": "the schema's URI", "setting_key": "part of a setting", "setting_value": "part of a setting", "prefix_prefix": "part of a prefix", "prefix_reference": "part of a prefix",
}

// enforcedKeys lists, per element kind, the keys ccc reads and enforces,
// with where.
var enforcedKeys = map[string]map[string]string{
	"schema": {
		"classes": "schema elements", "slots": "schema elements", "types": "schema elements", "enums": "schema elements",
		"imports": "loader", "default_range": "induced slots", "settings": "structured_pattern interpolation",
	},
	"class": {
		"is_a": "induced slots", "mixins": "induced slots", "slots": "induced slots", "attributes": "induced slots",
		"slot_usage": "induced slots", "unique_keys": "Stream (unique_key)", "any_of": "class expressions",
		"all_of": "class expressions", "none_of": "class expressions", "exactly_one_of": "class expressions",
		"rules": "class rules",
	},
	"slot": {
		"is_a": "induced slots", "mixins": "induced slots", "range": "value kind", "required": "required",
		"multivalued": "multivalued", "identifier": "identifier_unique, references", "key": "dict form, references",
		"inlined": "inlining", "inlined_as_list": "inlining", "pattern": "pattern (Python re)",
		"structured_pattern": "pattern (Python re)", "minimum_value": "minimum_value", "maximum_value": "maximum_value",
		"equals_string": "equals_string", "equals_number": "equals_number", "equals_string_in": "equals_string_in",
		"minimum_cardinality": "cardinality", "maximum_cardinality": "cardinality", "exact_cardinality": "cardinality",
		"any_of": "slot expressions", "all_of": "slot expressions", "exactly_one_of": "slot expressions",
		"none_of": "slot expressions", "array": "arrays", "designates_type": "type designators", "alias": "the data key",
	},
	"type": {
		"typeof": "type resolution", "base": "value kind", "pattern": "pattern (Python re)",
		"structured_pattern": "pattern (Python re)", "minimum_value": "minimum_value", "maximum_value": "maximum_value",
		"equals_string": "equals_string", "equals_number": "equals_number", "equals_string_in": "equals_string_in",
	},
	"enum":      {"permissible_values": "enum"},
	"pv":        {},
	"uniquekey": {"unique_key_slots": "unique_key", "consider_nulls_inequal": "unique_key"},
	"array": {
		"dimensions": "arrays", "exact_number_dimensions": "arrays", "minimum_number_dimensions": "arrays",
		"maximum_number_dimensions": "arrays",
	},
	"dimension": {"alias": "arrays", "exact_cardinality": "arrays", "minimum_cardinality": "arrays", "maximum_cardinality": "arrays"},
	"slotexpr": {
		"range": "slot expressions", "pattern": "slot expressions",
		"minimum_value": "slot expressions", "maximum_value": "slot expressions", "equals_string": "slot expressions",
		"equals_number": "slot expressions", "equals_string_in": "slot expressions", "required": "slot conditions",
		"minimum_cardinality": "slot expressions", "maximum_cardinality": "slot expressions",
		"exact_cardinality": "slot expressions", "any_of": "slot expressions", "all_of": "slot expressions",
		"none_of": "slot expressions", "exactly_one_of": "slot expressions", "array": "arrays",
	},
	"classexpr": {
		"slot_conditions": "class expressions", "any_of": "class expressions", "all_of": "class expressions",
		"none_of": "class expressions", "exactly_one_of": "class expressions",
	},
	"setting": {},
	"prefix":  {},
}

// refusedReasons explains some refusals; other refused keys get a generic
// message.
var refusedReasons = map[string]string{
	"bindings":               "value-set bindings are not checked by ccc",
	"id_prefixes_are_closed": "closed identifier prefixes are not checked by ccc",
	"all_members":            "list member constraints are not checked by ccc",
	"has_member":             "list member constraints are not checked by ccc",
	"value_presence":         "value_presence is not checked by ccc",
	"equals_expression":      "computed values are not checked by ccc",
	"path_rule":              "path rules are not checked by ccc",
	"range_expression":       "anonymous range expressions are not checked by ccc; use any_of",
	"enum_range":             "anonymous enums are not checked by ccc; declare the enum",
	"list_elements_unique":   "unique list elements are not checked by ccc",
	"extra_slots":            "extra_slots is not checked by ccc",
	"classification_rules":   "classification rules are not checked by ccc",
	"union_of":               "union_of is not checked by ccc; use any_of",
	"apply_to":               "apply_to is not supported by ccc; use mixins",
	"slot_conditions":        "slot_conditions on a class is not supported by ccc; use slot_usage",
	"include":                "dynamic enums are not supported by ccc; list the permissible values",
	"minus":                  "dynamic enums are not supported by ccc; list the permissible values",
	"inherits":               "dynamic enums are not supported by ccc; list the permissible values",
	"matches":                "dynamic enums are not supported by ccc; list the permissible values",
	"concepts":               "dynamic enums are not supported by ccc; list the permissible values",
	"reachable_from":         "dynamic enums are not supported by ccc; list the permissible values",
	"code_set":               "dynamic enums are not supported by ccc; list the permissible values",
	"code_set_tag":           "dynamic enums are not supported by ccc; list the permissible values",
	"code_set_version":       "dynamic enums are not supported by ccc; list the permissible values",
	"pv_formula":             "dynamic enums are not supported by ccc; list the permissible values",
	"multivalued":            "multivalued inside an expression is not supported by ccc",
	"structured_pattern":     "structured_pattern inside an expression is not supported by ccc (linkml-validate ignores it there); use pattern",
	"inlined":                "inlined inside an expression is not supported by ccc",
	"inlined_as_list":        "inlined inside an expression is not supported by ccc",
	"is_a":                   "is_a is not supported here by ccc",
	"mixins":                 "mixins are not supported here by ccc",
}

// keyStatus classifies a metamodel key of an element kind.
func keyStatus(kind, key string) (enforced, metadata bool) {
	if _, ok := enforcedKeys[kind][key]; ok {
		return true, false
	}
	_, ok := metadataKeys[key]
	return false, ok
}

// refusal is the message for a refused key.
func refusal(key string) string {
	if r := refusedReasons[key]; r != "" {
		return r
	}
	return "ccc's validator does not enforce it"
}
