package conformance_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// suiteFile is one testdata/_suites/<suite>.yaml: a schema written inline
// and the cases that use it, each with its data written inline. The
// harness materializes a suite into a temporary directory (schema.yaml and
// <case>/data.<format>) and treats every entry as a case directory; the
// verdicts linkml-validate gave are recorded in <suite>.expected.txt next
// to the suite file.
type suiteFile struct {
	About  string      `yaml:"about"`
	Schema string      `yaml:"schema"` // the schema's YAML text
	Cases  []suiteCase `yaml:"cases"`
}

type suiteCase struct {
	Name        string `yaml:"name"`
	Class       string `yaml:"class"`
	About       string `yaml:"about"`
	Format      string `yaml:"format"` // yaml (default), json, csv, tsv
	Data        string `yaml:"data"`
	Divergence  string `yaml:"divergence"`
	CCCExpected string `yaml:"ccc_expected"`
}

// loadSuites materializes every suite under dir into t.TempDir().
func loadSuites(t *testing.T, dir string) ([]*conformanceCase, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		return nil, err
	}
	sort.Strings(files)
	tmp := t.TempDir()
	var out []*conformanceCase
	names := map[string]string{}
	for _, f := range files {
		suite := strings.TrimSuffix(filepath.Base(f), ".yaml")
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var sf suiteFile
		if err := yaml.Unmarshal(data, &sf); err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		if sf.Schema == "" || len(sf.Cases) == 0 {
			return nil, fmt.Errorf("%s: a suite needs a schema and cases", f)
		}
		sdir := filepath.Join(tmp, suite)
		if err := os.MkdirAll(sdir, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(sdir, "schema.yaml"), []byte(sf.Schema), 0o644); err != nil {
			return nil, err
		}
		rec, err := readSuiteRecorded(strings.TrimSuffix(f, ".yaml") + ".expected.txt")
		if err != nil {
			return nil, err
		}
		for _, sc := range sf.Cases {
			name := suite + "." + sc.Name
			if prev, dup := names[name]; dup || sc.Name == "" || strings.ContainsAny(sc.Name, "/ ") {
				return nil, fmt.Errorf("%s: case name %q empty, with a space or slash, or repeated (%s)", f, sc.Name, prev)
			}
			names[name] = f
			format := sc.Format
			if format == "" {
				format = "yaml"
			}
			cdir := filepath.Join(sdir, name)
			if err := os.MkdirAll(cdir, 0o755); err != nil {
				return nil, err
			}
			dataFile := "data." + format
			if err := os.WriteFile(filepath.Join(cdir, dataFile), []byte(sc.Data), 0o644); err != nil {
				return nil, err
			}
			if r, ok := rec[name]; ok {
				if err := os.WriteFile(filepath.Join(cdir, "expected.txt"), []byte(r), 0o644); err != nil {
					return nil, err
				}
			}
			if sc.Class == "" {
				return nil, fmt.Errorf("%s: case %s has no class", f, sc.Name)
			}
			out = append(out, &conformanceCase{
				Name: name, Dir: cdir, Class: sc.Class, Schema: "../schema.yaml", Data: dataFile,
				About: sc.About, Divergence: sc.Divergence, CCCExpected: sc.CCCExpected, Suite: f,
			})
		}
	}
	return out, nil
}

// readSuiteRecorded splits a suite's expected.txt into each case's
// expected.txt text: a line "== <case>" starts a case.
func readSuiteRecorded(file string) (map[string]string, error) {
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	cur := ""
	var b strings.Builder
	flush := func() {
		if cur != "" {
			out[cur] = b.String()
		}
		b.Reset()
	}
	for _, l := range strings.Split(string(data), "\n") {
		if name, ok := strings.CutPrefix(l, "== "); ok {
			flush()
			cur = name
			continue
		}
		if cur != "" && l != "" {
			b.WriteString(l + "\n")
		}
	}
	flush()
	return out, nil
}

// writeSuiteRecorded writes each suite's expected.txt from the verdicts.
func writeSuiteRecorded(cases []*conformanceCase, want map[string]verdict) error {
	bySuite := map[string][]*conformanceCase{}
	for _, c := range cases {
		if c.Suite != "" {
			bySuite[c.Suite] = append(bySuite[c.Suite], c)
		}
	}
	for f, cs := range bySuite {
		var b strings.Builder
		b.WriteString("# linkml-validate verdicts for " + filepath.Base(f) + ", written by: go test ./conformance/ -run TestConformance -update\n")
		for _, c := range cs {
			v, ok := want[c.Name]
			if !ok {
				return fmt.Errorf("%s: no verdict for %s", f, c.Name)
			}
			fmt.Fprintf(&b, "== %s\n%s\n", c.Name, v)
			for _, m := range v.msgs {
				// messages name the materialized directory: keep the case-relative part
				b.WriteString(m + "\n")
			}
		}
		if err := os.WriteFile(strings.TrimSuffix(f, ".yaml")+".expected.txt", []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}
