"""Authoring aid: writes conformance/testdata/_suites/<suite>.yaml.

Each suite is one LinkML schema (written inline) and its cases (data
written inline). The verdicts are not written here: they come from running
linkml-validate, recorded by

    go test ./conformance/ -run TestConformance -update

Cases were written afresh after LinkML's own compliance tests
(linkml/linkml tests/test_compliance), one feature family per suite.
Run from the repository root: python3 python/conformance_suites.py
"""
import json
import os

import yaml

OUT = "conformance/testdata/_suites"
HEAD = {"prefixes": {"linkml": "https://w3id.org/linkml/", "X": "http://example.org/", "ex": "https://example.org/"},
        "imports": ["linkml:types"], "default_prefix": "ex"}


# Deliberate divergences: case -> (why, ccc's verdict).
_EXACT = ("exact_cardinality on a slot: gen-json-schema emits no minItems/maxItems for it, so linkml-validate "
          "ignores it; ccc enforces it (the metamodel's meaning) rather than load it and ignore it")
_EMPTY = ("an input without records: ccc validate gives the verdict ccc ingest gives (exit 1 unless "
          "--allow-empty), so that an empty export is never taken for a valid dataset; linkml-validate has "
          "nothing to check and passes")
DIVERGENCES = {
    "cardinality": {"exact_fail_low": (_EXACT, "invalid"), "exact_fail_high": (_EXACT, "invalid")},
    "containers": {"empty_list": (_EMPTY, "invalid")},
}


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, data):
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str)


def dump(x):
    return yaml.safe_dump(x, sort_keys=False, allow_unicode=True, width=200)


def suite(name, about, schema, cases, head=True):
    """cases: (name, class, data, about[, format]); data is a str (written
    as is) or a value (written as JSON)."""
    sch = {"id": "https://example.org/" + name, "name": name}
    if head:
        sch.update(HEAD)
    sch.update(schema)
    out = {"about": about, "schema": dump(sch), "cases": []}
    for c in cases:
        data, fmt = c[2], (c[4] if len(c) > 4 else None)
        if not isinstance(data, str):
            data, fmt = json.dumps(data, ensure_ascii=False), fmt or "json"
        d = {"name": c[0], "class": c[1], "about": c[3], "data": data}
        if fmt and fmt != "yaml":
            d["format"] = fmt
        if c[0] in DIVERGENCES.get(name, {}):
            d["divergence"], d["ccc_expected"] = DIVERGENCES[name][c[0]]
        out["cases"].append(d)
    with open(os.path.join(OUT, name + ".yaml"), "w") as f:
        f.write(yaml.dump(out, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=200))


def patterns():
    pats = [
        ("dollar_final_newline", r"^abc$", "abc\n", "$ matches before a final newline in Python"),
        ("dollar_plain", r"^abc$", "abc", "plain match"),
        ("dollar_two_newlines", r"^abc$", "abc\n\n", "$ does not match before two newlines"),
        ("z_anchor_newline", r"^abc\Z", "abc\n", r"\Z is the very end"),
        ("z_anchor_plain", r"^abc\Z", "abc", r"\Z plain"),
        ("unicode_word_accent", r"^\w+$", "café", r"\w is Unicode in Python"),
        ("unicode_word_greek", r"^\w+$", "αβγ", r"\w Greek"),
        ("unicode_word_space", r"^\w+$", "a b", r"\w no space"),
        ("unicode_digit_arabic", r"^\d+$", "٣٤", r"\d is Unicode digits in Python"),
        ("unicode_digit_ascii", r"^\d+$", "34", r"\d ASCII"),
        ("unicode_digit_letter", r"^\d+$", "3a", r"\d no letter"),
        ("unicode_space_nbsp", r"^a\sb$", "a\u00a0b", r"\s matches NBSP in Python"),
        ("unicode_space_tab", r"^a\sb$", "a\tb", r"\s tab"),
        ("nonspace_nbsp", r"^\S+$", "a\u00a0b", r"\S excludes NBSP in Python"),
        ("lookahead_ok", r"^(?=.*\d)[a-z0-9]+$", "abc1", "positive lookahead"),
        ("lookahead_fail", r"^(?=.*\d)[a-z0-9]+$", "abcd", "positive lookahead fails"),
        ("neg_lookahead_ok", r"^(?!tmp)[a-z]+$", "data", "negative lookahead"),
        ("neg_lookahead_fail", r"^(?!tmp)[a-z]+$", "tmpdata", "negative lookahead fails"),
        ("lookbehind_ok", r"^.*(?<=\.txt)$", "a.txt", "lookbehind"),
        ("lookbehind_fail", r"^.*(?<=\.txt)$", "a.csv", "lookbehind fails"),
        ("backref_ok", r"^(\w)\1$", "aa", "backreference"),
        ("backref_fail", r"^(\w)\1$", "ab", "backreference fails"),
        ("named_backref_ok", r"^(?P<x>[a-z]+)-(?P=x)$", "ab-ab", "named group backreference"),
        ("named_backref_fail", r"^(?P<x>[a-z]+)-(?P=x)$", "ab-ac", "named group backreference fails"),
        ("partial_ok", r"ab", "xxabyy", "unanchored pattern is searched"),
        ("partial_fail", r"ab", "a b", "unanchored pattern absent"),
        ("caret_only_ok", r"^ab", "abc", "anchored start only"),
        ("caret_only_fail", r"^ab", "cab", "anchored start fails"),
        ("case_insensitive_ok", r"(?i)^abc$", "ABC", "inline flag i"),
        ("case_insensitive_fail", r"(?i)^abc$", "ABD", "inline flag i fails"),
        ("hex_color_ok", r"^[0-9a-fA-F]{6}$", "00ff0A", "ASCII class fast path"),
        ("hex_color_short", r"^[0-9a-fA-F]{6}$", "00ff0", "ASCII class too short"),
        ("hex_color_newline", r"^[0-9a-fA-F]{6}$", "00ff0A\n", "ASCII class with final newline ($ before newline)"),
        ("class_plus_newline", r"^[A-Z]+$", "ABC\n", "one-class pattern with final newline"),
        ("class_plus_ok", r"^[A-Z]+$", "ABC", "one-class pattern"),
        ("alternation_backtrack", r"^(?:a|ab)c$", "abc", "alternation backtracking"),
        ("curie_ok", r"^[A-Za-z_][A-Za-z0-9_.-]*:[^\s]+$", "MBA:997", "CURIE-shaped"),
        ("curie_fail", r"^[A-Za-z_][A-Za-z0-9_.-]*:[^\s]+$", "MBA 997", "CURIE-shaped fails"),
        ("dot_newline", r"^a.b$", "a\nb", "dot does not match newline"),
        ("word_boundary_ok", r"\bcat\b", "a cat here", r"\b word boundary"),
        ("word_boundary_unicode", r"^\w+\b$", "naïve", r"\b with Unicode word characters"),
        ("multiline_flag", r"(?m)^b$", "a\nb\nc", "inline multiline flag"),
        ("conditional_group_ok", r"^(<)?\w+(?(1)>)$", "<a>", "conditional group"),
        ("conditional_group_fail", r"^(<)?\w+(?(1)>)$", "<a", "conditional group fails"),
        ("unicode_upper_class", r"^[A-Z]+$", "ÀB", "ASCII class rejects accented capitals"),
        ("ascii_flag", r"(?a)^\w+$", "café", r"(?a) makes \w ASCII"),
        ("verbose_flag", r"(?x)^ a b c $", "abc", "(?x) verbose pattern"),
        ("dollar_mid_newline", r"^a$", "a\nb", "$ before a newline that is not final"),
        ("empty_string_star", r"^x*$", "", "empty value matches x*"),
        ("quantifier_lazy", r"^<.+?>$", "<a><b>", "lazy quantifier still full match"),
    ]
    attrs = {"p_" + n: {"range": "string", "pattern": p} for n, p, _, _ in pats}
    cases = [(n, "P", {"p_" + n: v}, a + " (pattern " + p + ")") for n, p, v, a in pats]
    classes = {
        "P": {"attributes": attrs},
        "Ref": {"attributes": {"id": {"identifier": True, "range": "uriorcurie"}}},
        "Q": {"attributes": {
            "n": {"range": "integer", "pattern": r"^12$"},
            "r": {"range": "Ref", "pattern": r"^X:1$"},
            "t": {"range": "Code"},
            "u": {"range": "Code", "pattern": r"^[a-z]+$"},
            "m": {"range": "string", "multivalued": True, "pattern": r"^\w+$"},
        }},
    }
    cases += [
        ("int_pattern_match", "Q", {"n": 12}, "pattern on an integer slot, matching"),
        ("int_pattern_nomatch", "Q", {"n": 123}, "pattern on an integer slot (JSON Schema checks strings only)"),
        ("ref_pattern_match", "Q", {"r": "X:1"}, "pattern on a reference"),
        ("ref_pattern_nomatch", "Q", {"r": "X:12"}, "pattern on a reference fails"),
        ("type_pattern_ok", "Q", "t: AB-12\n", "pattern of a custom type"),
        ("type_pattern_fail", "Q", "t: ab-12\n", "pattern of a custom type fails"),
        ("type_pattern_override_ok", "Q", "u: abc\n", "slot pattern replaces the type's"),
        ("type_pattern_override_fail", "Q", "u: AB-12\n", "slot pattern replaces the type's: the type's value fails"),
        ("multi_pattern_ok", "Q", "m: [ab, café]\n", "pattern on each element"),
        ("multi_pattern_fail", "Q", "m: [ab, 'a b']\n", "pattern on each element fails"),
    ]
    suite("patterns", "Python re semantics of pattern (after LinkML's test_pattern_compliance)",
          {"types": {"Code": {"typeof": "string", "pattern": r"^[A-Z]+-\d+$"}}, "classes": classes}, cases)


def structured_patterns():
    classes = {"S": {"attributes": {
        "interp": {"structured_pattern": {"syntax": "{word}{ws}{word}", "interpolated": True}},
        "interp_partial": {"structured_pattern": {"syntax": "{word}{ws}{word}", "interpolated": True, "partial_match": True}},
        "literal": {"structured_pattern": {"syntax": "^ab+$"}},
        "anchored": {"structured_pattern": {"syntax": "^{word}$", "interpolated": True}},
        "id": {"structured_pattern": {"syntax": "^{prefix}:{digits}$", "interpolated": True}},
    }}}
    settings = {"word": r"[a-zA-Z]+", "ws": r"\s+", "prefix": "MBA", "digits": r"\d+"}
    cases = [
        ("interp_two_words", "S", {"interp": "abc def"}, "interpolated, two words"),
        ("interp_one_word", "S", {"interp": "abc"}, "interpolated, one word"),
        ("interp_three_words", "S", {"interp": "abc def ghi"}, "interpolated, three words (searched)"),
        ("interp_digits", "S", {"interp": "12 34"}, "interpolated, digits"),
        ("interp_partial_three", "S", {"interp_partial": "abc def ghi"}, "partial_match, three words"),
        ("interp_partial_none", "S", {"interp_partial": "abc"}, "partial_match, one word"),
        ("literal_ok", "S", {"literal": "abbb"}, "not interpolated"),
        ("literal_fail", "S", {"literal": "ac"}, "not interpolated, fails"),
        ("anchored_ok", "S", {"anchored": "abc"}, "anchored interpolation"),
        ("anchored_fail", "S", {"anchored": "abc def"}, "anchored interpolation fails"),
        ("id_ok", "S", {"id": "MBA:997"}, "prefix and digits"),
        ("id_fail", "S", {"id": "UBERON:997"}, "other prefix"),
        ("id_fail_letters", "S", {"id": "MBA:x"}, "letters instead of digits"),
    ]
    suite("structured_pattern", "structured_pattern with settings (after LinkML's test_structured_pattern)",
          {"settings": settings, "default_range": "string", "classes": classes}, cases)


def cardinality():
    classes = {"C": {"attributes": {
        "two_plus": {"range": "string", "multivalued": True, "minimum_cardinality": 2},
        "at_most_two": {"range": "integer", "multivalued": True, "maximum_cardinality": 2},
        "one_to_three": {"range": "string", "multivalued": True, "minimum_cardinality": 1, "maximum_cardinality": 3},
        "exactly_two": {"range": "string", "multivalued": True, "exact_cardinality": 2},
        "single_min": {"range": "string", "minimum_cardinality": 1},
    }},
        "U": {"is_a": "C", "slot_usage": {"two_plus": {"maximum_cardinality": 3}}}}
    cases = [
        ("min_ok", "C", {"two_plus": ["a", "b"]}, "minimum_cardinality 2, two values"),
        ("min_fail", "C", {"two_plus": ["a"]}, "minimum_cardinality 2, one value"),
        ("min_empty", "C", {"two_plus": []}, "minimum_cardinality 2, empty list"),
        ("min_absent", "C", {}, "minimum_cardinality on an absent slot"),
        ("max_ok", "C", {"at_most_two": [1, 2]}, "maximum_cardinality 2, two values"),
        ("max_fail", "C", {"at_most_two": [1, 2, 3]}, "maximum_cardinality 2, three values"),
        ("range_low", "C", {"one_to_three": []}, "1..3, none"),
        ("range_mid", "C", {"one_to_three": ["a", "b"]}, "1..3, two"),
        ("range_high", "C", {"one_to_three": ["a", "b", "c", "d"]}, "1..3, four"),
        ("exact_ok", "C", {"exactly_two": ["a", "b"]}, "exact_cardinality 2, two"),
        ("exact_fail_low", "C", {"exactly_two": ["a"]}, "exact_cardinality 2, one"),
        ("exact_fail_high", "C", {"exactly_two": ["a", "b", "c"]}, "exact_cardinality 2, three"),
        ("single_valued_min", "C", {"single_min": "a"}, "minimum_cardinality on a single-valued slot"),
        ("usage_max_ok", "U", {"two_plus": ["a", "b", "c"]}, "slot_usage adds maximum_cardinality 3"),
        ("usage_max_fail", "U", {"two_plus": ["a", "b", "c", "d"]}, "slot_usage adds maximum_cardinality 3, four"),
        ("usage_min_kept", "U", {"two_plus": ["a"]}, "slot_usage keeps the inherited minimum"),
        ("yaml_min_fail", "C", "two_plus:\n  - a\n", "YAML list, one value", "yaml"),
    ]
    suite("cardinality", "minimum/maximum/exact_cardinality on slots", {"classes": classes}, cases)


def equals():
    classes = {"E": {"attributes": {
        "n": {"range": "integer", "equals_number": 3},
        "f": {"range": "float", "equals_number": 1.5},
        "s": {"range": "string", "equals_string_in": ["red", "green"]},
        "e": {"range": "string", "equals_string": "x"},
        "ms": {"range": "string", "multivalued": True, "equals_string_in": ["a", "b"]},
        "i": {"range": "integer", "equals_string_in": ["1", "2"]},
    }}}
    cases = [
        ("number_ok", "E", {"n": 3}, "equals_number 3"),
        ("number_fail", "E", {"n": 4}, "equals_number 3, got 4"),
        ("number_float_for_int", "E", {"n": 3.0}, "equals_number 3, got 3.0"),
        ("float_ok", "E", {"f": 1.5}, "equals_number 1.5"),
        ("float_fail", "E", {"f": 1.25}, "equals_number 1.5, got 1.25"),
        ("string_in_ok", "E", {"s": "red"}, "equals_string_in"),
        ("string_in_fail", "E", {"s": "blue"}, "equals_string_in fails"),
        ("string_in_case", "E", {"s": "Red"}, "equals_string_in is case-sensitive"),
        ("equals_string_ok", "E", {"e": "x"}, "equals_string"),
        ("equals_string_fail", "E", {"e": "y"}, "equals_string fails"),
        ("multi_in_ok", "E", {"ms": ["a", "b", "a"]}, "equals_string_in on each element"),
        ("multi_in_fail", "E", {"ms": ["a", "c"]}, "equals_string_in on each element fails"),
        ("int_string_in", "E", {"i": 1}, "equals_string_in on an integer slot, integer value"),
        ("yaml_number_ok", "E", "n: 3\n", "YAML integer"),
        ("yaml_number_fail", "E", "n: 30\n", "YAML integer fails"),
    ]
    suite("equals", "equals_number, equals_string_in, equals_string", {"classes": classes}, cases)


def boolean_slots():
    classes = {"B": {"attributes": {
        "all2": {"range": "string", "all_of": [{"pattern": "^a"}, {"pattern": "z$"}]},
        "none2": {"range": "string", "none_of": [{"pattern": "^tmp"}, {"equals_string": "null"}]},
        "any2": {"any_of": [{"range": "integer"}, {"range": "Color"}]},
        "one2": {"range": "integer", "exactly_one_of": [{"minimum_value": 0}, {"maximum_value": 10}]},
        "all_num": {"range": "integer", "all_of": [{"minimum_value": 0}, {"maximum_value": 10}]},
        "none_num": {"range": "integer", "none_of": [{"minimum_value": 100}]},
        "none_range": {"none_of": [{"range": "integer"}]},
        "all_multi": {"range": "string", "multivalued": True, "all_of": [{"pattern": "^[a-z]+$"}]},
        "none_enum": {"range": "Color", "none_of": [{"equals_string": "red"}]},
    }}}
    enums = {"Color": {"permissible_values": {"red": {}, "green": {}}}}
    cases = [
        ("all_of_ok", "B", {"all2": "abz"}, "all_of two patterns"),
        ("all_of_first_fails", "B", {"all2": "bz"}, "all_of: first fails"),
        ("all_of_second_fails", "B", {"all2": "ab"}, "all_of: second fails"),
        ("none_of_ok", "B", {"none2": "data"}, "none_of: none match"),
        ("none_of_pattern", "B", {"none2": "tmpfile"}, "none_of: pattern matches"),
        ("none_of_equals", "B", {"none2": "null"}, "none_of: equals_string matches"),
        ("any_of_int", "B", {"any2": 5}, "any_of integer"),
        ("any_of_enum", "B", {"any2": "green"}, "any_of enum"),
        ("any_of_none", "B", {"any2": "blue"}, "any_of neither"),
        ("any_of_float", "B", {"any2": 1.5}, "any_of neither (float)"),
        ("one_of_one", "B", {"one2": -5}, "exactly_one_of: only the maximum holds"),
        ("one_of_both", "B", {"one2": 5}, "exactly_one_of: both hold"),
        ("one_of_one_high", "B", {"one2": 50}, "exactly_one_of: only the minimum holds"),
        ("all_num_ok", "B", {"all_num": 5}, "all_of numeric bounds"),
        ("all_num_high", "B", {"all_num": 11}, "all_of numeric bounds, above"),
        ("all_num_low", "B", {"all_num": -1}, "all_of numeric bounds, below"),
        ("none_num_ok", "B", {"none_num": 99}, "none_of minimum 100, 99"),
        ("none_num_fail", "B", {"none_num": 100}, "none_of minimum 100, 100"),
        ("none_range_ok", "B", {"none_range": "abc"}, "none_of range integer, string value"),
        ("none_range_fail", "B", {"none_range": 3}, "none_of range integer, integer value"),
        ("all_multi_ok", "B", {"all_multi": ["ab", "cd"]}, "all_of on each element"),
        ("all_multi_fail", "B", {"all_multi": ["ab", "C"]}, "all_of on each element fails"),
        ("none_enum_ok", "B", {"none_enum": "green"}, "none_of on an enum slot"),
        ("none_enum_fail", "B", {"none_enum": "red"}, "none_of on an enum slot fails"),
    ]
    suite("boolean_slots", "slot-level any_of, all_of, none_of, exactly_one_of (after test_boolean_slot_compliance)",
          {"default_range": "string", "enums": enums, "classes": classes}, cases)


def class_exprs():
    base = {"a": {"range": "string"}, "b": {"range": "integer"}}
    classes = {
        "AnyC": {"attributes": base, "any_of": [{"slot_conditions": {"a": {"required": True}}},
                                                {"slot_conditions": {"b": {"required": True}}}]},
        "AllC": {"attributes": base, "all_of": [{"slot_conditions": {"a": {"required": True}}},
                                                {"slot_conditions": {"b": {"minimum_value": 1}}}]},
        "NoneC": {"attributes": base, "none_of": [{"slot_conditions": {"a": {"equals_string": "bad"}}}]},
        "OneC": {"attributes": base, "exactly_one_of": [{"slot_conditions": {"a": {"required": True}}},
                                                        {"slot_conditions": {"b": {"required": True}}}]},
        "AnyRange": {"attributes": base, "any_of": [{"slot_conditions": {"b": {"maximum_value": 0}}},
                                                    {"slot_conditions": {"b": {"minimum_value": 10}}}]},
    }
    cases = [
        ("any_a", "AnyC", {"a": "x"}, "class any_of: a present"),
        ("any_b", "AnyC", {"b": 1}, "class any_of: b present"),
        ("any_both", "AnyC", {"a": "x", "b": 1}, "class any_of: both"),
        ("any_none", "AnyC", {}, "class any_of: neither"),
        ("all_ok", "AllC", {"a": "x", "b": 2}, "class all_of: both hold"),
        ("all_no_a", "AllC", {"b": 2}, "class all_of: a missing"),
        ("all_low_b", "AllC", {"a": "x", "b": 0}, "class all_of: b below minimum"),
        ("none_ok", "NoneC", {"a": "good"}, "class none_of: no match"),
        ("none_fail", "NoneC", {"a": "bad"}, "class none_of: matches"),
        ("none_absent", "NoneC", {}, "class none_of: slot absent"),
        ("one_a", "OneC", {"a": "x"}, "class exactly_one_of: a only"),
        ("one_both", "OneC", {"a": "x", "b": 1}, "class exactly_one_of: both"),
        ("one_none", "OneC", {}, "class exactly_one_of: neither"),
        ("anyrange_low", "AnyRange", {"b": -1}, "class any_of ranges: low"),
        ("anyrange_high", "AnyRange", {"b": 20}, "class any_of ranges: high"),
        ("anyrange_mid", "AnyRange", {"b": 5}, "class any_of ranges: middle"),
        ("anyrange_absent", "AnyRange", {}, "class any_of ranges: absent"),
    ]
    suite("class_exprs", "class-level any_of, all_of, none_of, exactly_one_of with slot_conditions",
          {"classes": classes}, cases)


def designates_type():
    def schema(rng):
        return {
            "id": "https://example.org/dt_" + rng, "name": "dt_" + rng,
            "classes": {
                "Container": {"attributes": {"things": {"range": "Thing", "multivalued": True, "inlined_as_list": True}}},
                "Thing": {"attributes": {"id": {"identifier": True}, "kind": {"designates_type": True, "range": rng}}},
                "Dog": {"is_a": "Thing", "attributes": {"barks": {"range": "boolean"}}},
                "Cat": {"is_a": "Thing", "attributes": {"lives": {"range": "integer", "maximum_value": 9}}},
            }}
    out = []
    for rng, good_dog, good_cat, other in [
        ("string", "Dog", "Cat", "Cow"),
        ("uriorcurie", "ex:Dog", "ex:Cat", "ex:Cow"),
        ("uri", "https://example.org/Dog", "https://example.org/Cat", "https://example.org/Cow"),
    ]:
        out.append((rng, [
            ("dog_ok", "Thing", {"id": "t1", "kind": good_dog, "barks": True}, "designated Dog with a Dog slot"),
            ("cat_ok", "Thing", {"id": "t1", "kind": good_cat, "lives": 3}, "designated Cat with a Cat slot"),
            ("cat_bad_value", "Thing", {"id": "t1", "kind": good_cat, "lives": 10}, "designated Cat, value above Cat's maximum"),
            ("dog_with_cat_slot", "Thing", {"id": "t1", "kind": good_dog, "lives": 3}, "designated Dog with a Cat slot"),
            ("unknown_type", "Thing", {"id": "t1", "kind": other}, "designated class that does not exist"),
            ("plain_thing", "Thing", {"id": "t1", "kind": {"string": "Thing", "uriorcurie": "ex:Thing", "uri": "https://example.org/Thing"}[rng]}, "designates the class itself"),
            ("no_designator", "Thing", {"id": "t1"}, "no type designator"),
            ("list_mixed", "Container", {"things": [{"id": "a", "kind": good_dog, "barks": False}, {"id": "b", "kind": good_cat, "lives": 2}]}, "list of mixed designated types"),
            ("list_wrong", "Container", {"things": [{"id": "a", "kind": good_dog, "lives": 2}]}, "list entry with a slot of another type"),
            ("dog_target_cat_kind", "Dog", {"id": "t1", "kind": good_cat}, "validating as Dog with a Cat designator"),
        ]))
    for rng, cases in out:
        sch = schema(rng)
        name = "designates_type_" + rng
        sch.pop("id"); sch.pop("name")
        suite(name, "designates_type with a %s range (after test_designates_type_compliance)" % rng,
              {"default_range": "string", **sch}, cases)


def rules():
    classes = {
        "R": {"attributes": {"kind": {"range": "string"}, "size": {"range": "integer"}, "unit": {"range": "string"}},
              "rules": [
                  {"preconditions": {"slot_conditions": {"kind": {"equals_string": "big"}}},
                   "postconditions": {"slot_conditions": {"size": {"minimum_value": 100}}}},
                  {"preconditions": {"slot_conditions": {"size": {"minimum_value": 1}}},
                   "postconditions": {"slot_conditions": {"unit": {"required": True}}},
                   "elseconditions": {"slot_conditions": {"unit": {"equals_string": "none"}}}},
              ]},
        "Deact": {"attributes": {"kind": {"range": "string"}, "size": {"range": "integer"}},
                  "rules": [{"deactivated": True,
                             "preconditions": {"slot_conditions": {"kind": {"equals_string": "big"}}},
                             "postconditions": {"slot_conditions": {"size": {"minimum_value": 100}}}}]},
        "Sub": {"is_a": "R"},
    }
    cases = [
        ("big_ok", "R", {"kind": "big", "size": 200, "unit": "m"}, "precondition holds, postcondition holds"),
        ("big_small", "R", {"kind": "big", "size": 5, "unit": "m"}, "precondition holds, postcondition fails"),
        ("small_any", "R", {"kind": "small", "size": 5, "unit": "m"}, "precondition false: no check"),
        ("size_no_unit", "R", {"size": 5}, "size >= 1 needs a unit"),
        ("zero_else_ok", "R", {"size": 0, "unit": "none"}, "elsecondition holds"),
        ("zero_else_fail", "R", {"size": 0, "unit": "m"}, "elsecondition fails"),
        ("nothing", "R", {}, "no size: elsecondition on an absent unit"),
        ("no_size_unit_none", "R", {"unit": "none"}, "no size, unit none"),
        ("no_size_unit_m", "R", {"unit": "m"}, "no size, unit m"),
        ("big_absent_size", "R", {"kind": "big", "unit": "none"}, "precondition holds, postcondition slot absent"),
        ("deactivated", "Deact", {"kind": "big", "size": 1}, "deactivated rule"),
        ("inherited_rule", "Sub", {"kind": "big", "size": 5, "unit": "m"}, "rules of the parent class"),
        ("inherited_rule_ok", "Sub", {"kind": "big", "size": 500, "unit": "m"}, "rules of the parent class, holding"),
    ]
    suite("rules", "class rules: preconditions, postconditions, elseconditions", {"classes": classes}, cases)


def aliasing():
    slots = {"full name": {"range": "string", "required": True}, "age in years": {"range": "integer"}}
    classes = {
        "A": {"attributes": {"id": {"identifier": True, "range": "string"},
                             "label": {"alias": "name", "range": "string", "required": True},
                             "n": {"alias": "count", "range": "integer"}}},
        "Sp": {"slots": ["full name", "age in years"]},
        "SpA": {"attributes": {"first name": {"range": "string", "pattern": "^[A-Z]"}}},
    }
    cases = [
        ("alias_key_ok", "A", {"id": "1", "name": "x", "count": 2}, "data keyed by the alias"),
        ("alias_slot_name", "A", {"id": "1", "label": "x"}, "data keyed by the slot name, not the alias"),
        ("alias_missing", "A", {"id": "1"}, "required aliased slot missing"),
        ("alias_type", "A", {"id": "1", "name": "x", "count": "two"}, "aliased slot of the wrong type"),
        ("alias_both", "A", {"id": "1", "name": "x", "label": "y"}, "alias and slot name both given"),
        ("space_underscore", "Sp", {"full_name": "Ann", "age_in_years": 3}, "slot names with spaces, underscored"),
        ("space_literal", "Sp", {"full name": "Ann"}, "slot name with a space as written"),
        ("space_missing", "Sp", {"age_in_years": 3}, "required spaced slot missing"),
        ("space_type", "Sp", {"full_name": "Ann", "age_in_years": "x"}, "spaced slot wrong type"),
        ("space_attr_ok", "SpA", {"first_name": "Ann"}, "spaced attribute, underscored"),
        ("space_attr_fail", "SpA", {"first_name": "ann"}, "spaced attribute pattern fails"),
        ("space_csv", "Sp", "full_name,age_in_years\nAnn,3\n", "CSV header underscored", "csv"),
    ]
    suite("aliasing", "alias as the data key; slot names with spaces (after test_aliasing_compliance)",
          {"slots": slots, "classes": classes}, cases)


def ranges():
    classes = {
        "N": {"attributes": {"x": {}, "y": {"multivalued": True}, "z": {"range": "integer"}}},
    }
    cases = [
        ("norange_string", "N", {"x": "a"}, "no range and no default_range: a string"),
        ("norange_int", "N", {"x": 3}, "no range and no default_range: an integer"),
        ("norange_bool", "N", {"x": True}, "no range and no default_range: a boolean"),
        ("norange_object", "N", {"x": {"a": 1}}, "no range and no default_range: an object"),
        ("norange_list", "N", {"y": [1, "a"]}, "no range, multivalued"),
        ("norange_float", "N", {"x": 1.5}, "no range: a float"),
        ("typed_ok", "N", {"z": 1}, "typed slot"),
        ("typed_fail", "N", {"z": "a"}, "typed slot fails"),
    ]
    suite("no_range", "slots with no range and no default_range", {"classes": classes}, cases)
    classes2 = {"D": {"attributes": {"x": {}, "z": {"range": "string"}}}}
    cases2 = [
        ("default_int_ok", "D", {"x": 3}, "default_range integer"),
        ("default_int_fail", "D", {"x": "a"}, "default_range integer, string"),
        ("default_explicit", "D", {"z": "a"}, "explicit range string"),
        ("default_explicit_fail", "D", {"z": 3}, "explicit range string, integer"),
    ]
    suite("default_range", "default_range integer", {"default_range": "integer", "classes": classes2}, cases2)


def inlined():
    classes = {
        "Bag": {"attributes": {
            "byid": {"range": "Item", "multivalued": True, "inlined": True},
            "bykey": {"range": "Keyed", "multivalued": True, "inlined": True},
            "keylist": {"range": "Keyed", "multivalued": True, "inlined_as_list": True},
            "keyref": {"range": "Keyed", "multivalued": True},
            "simple": {"range": "Pair", "multivalued": True, "inlined": True},
            "one": {"range": "Keyed", "inlined": True},
        }},
        "Item": {"attributes": {"id": {"identifier": True}, "v": {"range": "integer"}, "w": {"range": "string"}}},
        "Keyed": {"attributes": {"code": {"key": True}, "label": {"required": True}, "n": {"range": "integer"}}},
        "Pair": {"attributes": {"k": {"key": True}, "val": {"range": "integer"}}},
    }
    cases = [
        ("dict_ok", "Bag", {"byid": {"a": {"v": 1}, "b": {"v": 2}}}, "dict form keyed by identifier"),
        ("dict_bad_value", "Bag", {"byid": {"a": {"v": "x"}}}, "dict form, wrong type inside"),
        ("dict_as_list", "Bag", {"byid": [{"id": "a", "v": 1}]}, "identifier range inlined: list form"),
        ("dict_null_value", "Bag", {"byid": {"a": None}}, "dict form, null value"),
        ("key_dict_ok", "Bag", {"bykey": {"k1": {"label": "x"}}}, "dict form keyed by a key slot"),
        ("key_dict_missing_req", "Bag", {"bykey": {"k1": {"n": 1}}}, "dict form keyed by key, required slot missing"),
        ("key_dict_bad", "Bag", {"bykey": {"k1": {"label": "x", "n": "y"}}}, "dict form keyed by key, wrong type"),
        ("key_dict_simple", "Bag", {"bykey": {"k1": "x"}}, "dict form keyed by key, SimpleDict value of the required slot"),
        ("key_list_ok", "Bag", {"keylist": [{"code": "k1", "label": "x"}]}, "list form of a key range"),
        ("key_list_no_key", "Bag", {"keylist": [{"label": "x"}]}, "list form of a key range, key missing"),
        ("key_list_as_dict", "Bag", {"keylist": {"k1": {"label": "x"}}}, "inlined_as_list given as a dict"),
        ("key_ref_ok", "Bag", {"keyref": ["k1", "k2"]}, "references to a class with a key (not inlined)"),
        ("key_ref_object", "Bag", {"keyref": [{"code": "k1", "label": "x"}]}, "object where a key reference is expected"),
        ("simple_dict_ok", "Bag", {"simple": {"a": 1, "b": 2}}, "SimpleDict: key to the only other slot"),
        ("simple_dict_bad", "Bag", {"simple": {"a": "x"}}, "SimpleDict value of the wrong type"),
        ("simple_dict_objects", "Bag", {"simple": {"a": {"val": 1}}}, "dict of objects with one non-key slot"),
        ("single_inlined_key", "Bag", {"one": {"code": "k", "label": "x"}}, "single-valued inlined key class"),
        ("single_inlined_key_missing", "Bag", {"one": {"label": "x"}}, "single-valued inlined key class, key missing"),
        ("top_keyed_ok", "Keyed", {"code": "k", "label": "x"}, "a Keyed record"),
        ("top_keyed_missing", "Keyed", {"label": "x"}, "a Keyed record without its key"),
    ]
    suite("inlined_key", "key slots and the dict form of inlined collections (after test_inlined_compliance)",
          {"default_range": "string", "classes": classes}, cases)


def containers():
    classes = {
        "Region": {"attributes": {"id": {"identifier": True, "range": "integer"}, "acronym": {"range": "string"}}},
        "Atlas": {"tree_root": True, "attributes": {"regions": {"range": "Region", "multivalued": True, "inlined_as_list": True}}},
        "M": {"attributes": {"x": {"range": "float"}, "i": {"range": "integer"}, "s": {"range": "string"}}},
    }
    cases = [
        ("single_key_container", "Region", {"regions": [{"id": 1, "acronym": "A"}]}, "single-key container given for Region"),
        ("single_key_container_yaml", "Region", "regions:\n- id: 1\n  acronym: A\n- id: 2\n  acronym: B\n", "single-key container, YAML"),
        ("single_key_other", "Region", {"rows": [{"id": 1}]}, "single-key object named rows"),
        ("tree_root_ok", "Atlas", {"regions": [{"id": 1, "acronym": "A"}]}, "tree_root container"),
        ("tree_root_bad", "Atlas", {"regions": [{"id": "x"}]}, "tree_root container with a bad region"),
        ("list_ok", "Region", [{"id": 1}, {"id": 2}], "list of records"),
        ("list_bad", "Region", [{"id": 1}, {"id": "b"}], "list with a bad record"),
        ("one_record", "Region", {"id": 1, "acronym": "A"}, "one record"),
        ("one_record_unknown", "Region", {"id": 1, "name": "A"}, "one record with an unknown key"),
        ("nan_float", "M", '{"x": NaN}', "JSON NaN for a float slot", "json"),
        ("nan_integer", "M", '{"i": NaN}', "JSON NaN for an integer slot", "json"),
        ("nan_string", "M", '{"s": NaN}', "JSON NaN for a string slot", "json"),
        ("infinity_float", "M", '{"x": Infinity}', "JSON Infinity for a float slot", "json"),
        ("neg_infinity_float", "M", '{"x": -Infinity}', "JSON -Infinity for a float slot", "json"),
        ("yaml_nan_float", "M", "x: .nan\n", "YAML .nan for a float slot"),
        ("yaml_inf_int", "M", "i: .inf\n", "YAML .inf for an integer slot"),
        ("json_big_int", "M", '{"i": 123456789012345678901234567890}', "integer beyond 64 bits", "json"),
        ("json_float_int", "M", '{"i": 2.0}', "2.0 for an integer slot", "json"),
        ("json_exp_float", "M", '{"x": 1e3}', "exponent float", "json"),
        ("empty_list", "Region", [], "empty list of records"),
    ]
    suite("containers", "container objects, lists of records and non-finite JSON numbers",
          {"classes": classes}, cases)


def enums_and_types():
    enums = {"Sex": {"permissible_values": {"F": {}, "M": {}, "unknown": {"meaning": "ex:u"}}},
             "Num": {"permissible_values": {"1": {}, "2": {}}}}
    classes = {"T": {"attributes": {
        "sex": {"range": "Sex"}, "num": {"range": "Num"}, "sexes": {"range": "Sex", "multivalued": True},
        "b": {"range": "boolean"}, "d": {"range": "date"}, "dt": {"range": "datetime"}, "f": {"range": "float"},
        "dec": {"range": "decimal"}, "u": {"range": "uri"}, "c": {"range": "uriorcurie"}, "nc": {"range": "ncname"},
        "dbl": {"range": "double"}, "t": {"range": "time"}, "pos": {"range": "integer", "minimum_value": 0},
    }}}
    cases = [
        ("enum_ok", "T", {"sex": "F"}, "permissible value"),
        ("enum_fail", "T", {"sex": "f"}, "enum is case-sensitive"),
        ("enum_meaning", "T", {"sex": "ex:u"}, "the meaning is not a permissible value"),
        ("enum_numeric_text_string", "T", {"num": "1"}, "numeric permissible value as a string"),
        ("enum_numeric_text_int", "T", {"num": 1}, "numeric permissible value as an integer"),
        ("enum_multi_ok", "T", {"sexes": ["F", "M"]}, "multivalued enum"),
        ("enum_multi_fail", "T", {"sexes": ["F", "X"]}, "multivalued enum fails"),
        ("enum_multi_scalar", "T", {"sexes": "F"}, "multivalued enum given a scalar"),
        ("bool_ok", "T", {"b": False}, "boolean"),
        ("bool_string", "T", {"b": "false"}, "boolean as a string"),
        ("bool_int", "T", {"b": 0}, "boolean as 0"),
        ("date_ok", "T", {"d": "2024-02-29"}, "date"),
        ("date_bad_day", "T", {"d": "2023-02-29"}, "date that does not exist"),
        ("date_datetime", "T", {"d": "2024-01-01T00:00:00Z"}, "datetime for a date"),
        ("datetime_ok", "T", {"dt": "2024-01-01T12:00:00Z"}, "datetime"),
        ("datetime_no_zone", "T", {"dt": "2024-01-01T12:00:00"}, "datetime without zone"),
        ("float_int", "T", {"f": 3}, "integer for a float"),
        ("float_string", "T", {"f": "3.5"}, "string for a float"),
        ("decimal_ok", "T", {"dec": 1.25}, "decimal"),
        ("uri_ok", "T", {"u": "https://example.org/a"}, "uri"),
        ("uri_relative", "T", {"u": "a/b"}, "relative uri"),
        ("curie_ok", "T", {"c": "ex:a"}, "uriorcurie CURIE"),
        ("curie_space", "T", {"c": "ex a"}, "uriorcurie with a space"),
        ("ncname_ok", "T", {"nc": "abc_1"}, "ncname"),
        ("ncname_colon", "T", {"nc": "a:b"}, "ncname with a colon"),
        ("double_ok", "T", {"dbl": -1.5e10}, "double"),
        ("time_ok", "T", {"t": "12:00:00Z"}, "time"),
        ("time_bad", "T", {"t": "25:00:00Z"}, "time out of range"),
        ("min_zero_ok", "T", {"pos": 0}, "minimum_value 0, 0"),
        ("min_zero_fail", "T", {"pos": -1}, "minimum_value 0, -1"),
    ]
    suite("enums_types", "enums and built-in types (after test_enum_compliance, test_core_compliance)",
          {"enums": enums, "classes": classes}, cases)


def arrays():
    classes = {"A": {"attributes": {
        "m2": {"range": "integer", "array": {"exact_number_dimensions": 2}},
        "xy": {"range": "float", "array": {"dimensions": [{"alias": "x"}, {"alias": "y", "exact_cardinality": 2}]}},
        "any": {"range": "integer", "array": {}},
        "upto3": {"range": "integer", "array": {"minimum_number_dimensions": 1, "maximum_number_dimensions": 3}},
        "unb": {"range": "integer", "array": {"minimum_number_dimensions": 2, "maximum_number_dimensions": False}},
        "alt": {"any_of": [{"range": "integer", "array": {"exact_number_dimensions": 1}},
                           {"range": "string", "array": {"exact_number_dimensions": 2}}]},
    }}}
    cases = [
        ("m2_ok", "A", {"m2": [[1, 2], [3, 4]]}, "2-D integer array"),
        ("m2_1d", "A", {"m2": [1, 2]}, "1-D value for a 2-D array"),
        ("m2_3d", "A", {"m2": [[[1]]]}, "3-D value for a 2-D array"),
        ("m2_type", "A", {"m2": [[1, "a"]]}, "string leaf in an integer array"),
        ("m2_scalar", "A", {"m2": 1}, "scalar for a 2-D array"),
        ("xy_ok", "A", {"xy": [[1.0, 2.0], [3.5, 4]]}, "labeled dimensions, second of 2"),
        ("xy_card", "A", {"xy": [[1.0, 2.0, 3.0]]}, "labeled dimension with 3 items, 2 required"),
        ("any_ok", "A", {"any": [1, [2, [3]]]}, "any shape, mixed depths"),
        ("any_scalar", "A", {"any": 1}, "any shape: scalar"),
        ("any_type", "A", {"any": [[1.5]]}, "any shape: float leaf"),
        ("upto3_ok", "A", {"upto3": [[[1]]]}, "3-D within 1..3"),
        ("upto3_4d", "A", {"upto3": [[[[1]]]]}, "4-D beyond 1..3"),
        ("unb_ok", "A", {"unb": [[[[1]]]]}, "unbounded, 4-D"),
        ("unb_1d", "A", {"unb": [1]}, "unbounded with minimum 2, 1-D"),
        ("alt_int", "A", {"alt": [1, 2]}, "any_of array alternatives: 1-D integers"),
        ("alt_str", "A", {"alt": [["a"]]}, "any_of array alternatives: 2-D strings"),
        ("alt_none", "A", {"alt": [["a"], [1]]}, "any_of array alternatives: neither"),
    ]
    suite("arrays", "array: slots and array alternatives (after test_array_compliance)", {"classes": classes}, cases)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    patterns()
    structured_patterns()
    cardinality()
    equals()
    boolean_slots()
    class_exprs()
    designates_type()
    rules()
    aliasing()
    ranges()
    inlined()
    containers()
    enums_and_types()
    arrays()
