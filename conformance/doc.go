// Package conformance holds ccc's LinkML conformance corpus and its test: no
// code, only testdata and conformance_test.go.
//
// # Cases
//
// A case is one (schema, class, instance file) with the verdict of the
// LinkML reference validator (linkml-validate from PyPI, the version pinned
// in python/requirements.txt). Cases come in two forms:
//
//   - a directory testdata/<case>/: case.yaml names the schema (a file under
//     testdata/_schemas/, or "builtin" for the embedded ccc connectivity
//     schema), the target class and the instance file (YAML, JSON, CSV or
//     TSV); expected.txt records linkml-validate's verdict on its first line,
//     "valid" or "invalid", followed by its messages;
//   - a suite testdata/_suites/<suite>.yaml: one schema written inline and
//     many cases, each with its data inline (case names <suite>.<case>); the
//     verdicts are recorded in <suite>.expected.txt ("== <case>" then the
//     verdict and messages). The suites follow LinkML's own compliance tests
//     (linkml/linkml tests/test_compliance: patterns, structured_pattern,
//     cardinality, equals_*, boolean slot and class expressions, rules,
//     designates_type with string/uriorcurie/uri ranges, aliases and slot
//     names with spaces, ranges, inlined dicts keyed by identifier or key,
//     containers and non-finite JSON numbers, enums and types, arrays), written
//     afresh; python/conformance_suites.py writes them.
//
// # The test
//
// TestConformance requires ccc's verdict (`ccc validate`, exit 0 or 1) to
// equal the recorded one for every case. linkml-validate runs once per
// (schema, class) group, through python/linkml_validate_batch.py: the same
// command line (linkml.validator.cli, the linkml-validate entry point)
// called repeatedly in two Python processes, so that linkml is imported
// twice rather than once per group. By default (-reference=sample) the test
// re-runs it on one group in four, fixed by a hash, and fails if it no
// longer gives the recorded verdicts; the other cases are checked against
// their records. -reference=all re-verifies every case (95 s for 485 cases
// on the shared 2-core development machine). In CI linkml-validate must be
// installed; locally without it (or with -short) only the records are used.
//
//	go test ./conformance/ -run TestConformance                    # records + a sample re-verified
//	go test ./conformance/ -run TestConformance -reference=all     # re-verify every case
//	go test ./conformance/ -run TestConformance -update            # rewrite every expected.txt from linkml-validate
//	go test ./conformance/ -run TestConformance -update -only '\.' # only the suites (names with a dot)
//
// # Deliberate divergences
//
// A case with a "divergence" key tests a rule where ccc deliberately differs
// from linkml-validate; ccc must give ccc_expected, the divergence text says
// why, and the case is not counted in the corpus or the agreement figure.
// They are:
//
//   - identifier uniqueness in a list (ccc_brain_region_duplicate_ids and
//     one more): linkml-validate does not check it, ccc does;
//   - unique_keys in a collection (two cases): linkml-validate does not
//     check them; ccc does, a missing value equal to a missing value
//     (LinkML's consider_nulls_inequal default);
//   - an input without records (containers.empty_list): ccc validate gives
//     the verdict ccc ingest gives, exit 1 unless --allow-empty, so that an
//     empty export is never taken for a valid dataset; linkml-validate has
//     nothing to check and passes;
//   - exact_cardinality on a slot (cardinality.exact_fail_low,
//     cardinality.exact_fail_high): gen-json-schema emits nothing for it, so
//     linkml-validate ignores it; ccc enforces it rather than load it and
//     ignore it.
//
// Every other case agrees: 495 of 495 at the time of writing (227 valid,
// 268 invalid), plus the 7 divergences as specified.
package conformance
