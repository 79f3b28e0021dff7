// Package conformance holds ccc's LinkML conformance corpus and its test: no
// code, only testdata and conformance_test.go.
//
// Each directory testdata/<case>/ is one case: case.yaml names the schema
// (a file under testdata/_schemas/, or "builtin" for the embedded ccc
// connectivity schema), the target class and the instance file (YAML, JSON,
// CSV or TSV); expected.txt records the verdict of the LinkML reference
// validator (linkml-validate from PyPI) on its first line, "valid" or
// "invalid", followed by the validator's messages.
//
// The test requires ccc's verdict (`ccc validate`, exit code 0 or 1) to equal
// linkml-validate's. It runs linkml-validate when installed (always in CI,
// where it must be; locally -short skips it) and otherwise checks ccc against
// the recorded verdicts. A case whose case.yaml has a "divergence" key tests
// a rule linkml-validate does not implement: identifier uniqueness in a
// list, unique_keys in a collection (a missing value equal to a missing
// value, LinkML's consider_nulls_inequal default). There ccc must give
// ccc_expected, the case's "divergence" text says why, and the case is not
// counted in the corpus.
// Regenerate expected.txt after adding cases with
//
//	go test ./conformance/ -run TestConformance -update
package conformance
