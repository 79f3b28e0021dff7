package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/ccc-connectivity/ccc/internal/cli"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/schema"
)

var (
	update    = flag.Bool("update", false, "rewrite each case's expected.txt (and each suite's) from linkml-validate")
	only      = flag.String("only", "", "check only the cases whose name matches this regular expression (e.g. ^patterns\\.)")
	reference = flag.String("reference", "sample", "which recorded verdicts to re-verify with linkml-validate: sample (one (schema, class) group in four) or all")
)

// sample picks the cases of one (schema, class) group in four (by a hash of
// the group, so every run checks the same ones and each suite contributes)
// the rest are
// checked against their recorded verdicts only.
func sample(cases []*conformanceCase) []*conformanceCase {
	var out []*conformanceCase
	for _, c := range cases {
		h := uint32(2166136261)
		for _, b := range []byte(c.Schema + "\x00" + c.Suite + "\x00" + c.Class) {
			h = (h ^ uint32(b)) * 16777619
		}
		if h%4 == 0 {
			out = append(out, c)
		}
	}
	return out
}

// conformanceCase is one testdata/<case>/ directory.
type conformanceCase struct {
	Name   string `yaml:"-"`
	Dir    string `yaml:"-"` // absolute
	Class  string `yaml:"class"`
	Schema string `yaml:"schema"` // relative to Dir, or "builtin"
	Data   string `yaml:"data"`   // relative to Dir
	About  string `yaml:"about"`
	// Divergence explains a deliberate difference from linkml-validate (a
	// rule the reference validator does not implement); such a case checks
	// ccc against CCCExpected instead and is not counted in the corpus.
	Divergence  string `yaml:"divergence"`
	CCCExpected string `yaml:"ccc_expected"`
	// Suite is the suite file (testdata/_suites/<suite>.yaml) a case was
	// materialized from, "" for a case directory.
	Suite string `yaml:"-"`
}

func (c *conformanceCase) builtin() bool { return c.Schema == "builtin" }

// schemaPath is the schema file given to linkml-validate.
func (c *conformanceCase) schemaPath(t testing.TB) string {
	if c.builtin() {
		return filepath.Join(testenv.RepoRoot(t), "schema", schema.Root)
	}
	return filepath.Clean(filepath.Join(c.Dir, c.Schema))
}

// verdict is a validator's answer for one case.
type verdict struct {
	valid bool
	msgs  []string
}

func (v verdict) String() string {
	if v.valid {
		return "valid"
	}
	return "invalid"
}

func loadCases(t *testing.T) []*conformanceCase {
	t.Helper()
	root, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var cases []*conformanceCase
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), "_") {
			continue
		}
		c := &conformanceCase{Name: e.Name(), Dir: filepath.Join(root, e.Name())}
		data, err := os.ReadFile(filepath.Join(c.Dir, "case.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(data, c); err != nil {
			t.Fatalf("%s/case.yaml: %v", c.Name, err)
		}
		if c.Class == "" || c.Schema == "" || c.Data == "" {
			t.Fatalf("%s/case.yaml: class, schema and data are required", c.Name)
		}
		if (c.Divergence == "") != (c.CCCExpected == "") || (c.CCCExpected != "" && c.CCCExpected != "valid" && c.CCCExpected != "invalid") {
			t.Fatalf("%s/case.yaml: divergence needs ccc_expected valid or invalid", c.Name)
		}
		if _, err := os.Stat(filepath.Join(c.Dir, c.Data)); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if _, err := os.Stat(c.schemaPath(t)); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		cases = append(cases, c)
	}
	suites, err := loadSuites(t, filepath.Join(root, "_suites"))
	if err != nil {
		t.Fatal(err)
	}
	return append(cases, suites...)
}

// recorded reads a case's expected.txt.
func recorded(c *conformanceCase) (verdict, error) {
	data, err := os.ReadFile(filepath.Join(c.Dir, "expected.txt"))
	if err != nil {
		return verdict{}, err
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	switch strings.TrimSpace(lines[0]) {
	case "valid":
		return verdict{valid: true}, nil
	case "invalid":
		var msgs []string
		for _, l := range lines[1:] {
			if strings.HasPrefix(l, "[") {
				msgs = append(msgs, l)
			}
		}
		return verdict{msgs: msgs}, nil
	}
	return verdict{}, fmt.Errorf("%s/expected.txt: first line must be valid or invalid, got %q", c.Name, lines[0])
}

func writeRecorded(c *conformanceCase, v verdict) error {
	if c.Suite != "" {
		return nil // written per suite by writeSuiteRecorded
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n# linkml-validate -s %s -C %s %s\n", v, schemaLabel(c), c.Class, c.Data)
	if len(v.msgs) == 0 {
		b.WriteString("No issues found\n")
	}
	for _, m := range v.msgs {
		b.WriteString(m + "\n")
	}
	return os.WriteFile(filepath.Join(c.Dir, "expected.txt"), []byte(b.String()), 0o644)
}

func schemaLabel(c *conformanceCase) string {
	if c.builtin() {
		return "schema/" + schema.Root
	}
	return c.Schema
}

// runReference runs linkml-validate once per (schema, class) with all the
// cases' files of that group, from the testdata directory so that messages
// name "<case>/<data file>". A file is invalid when linkml-validate reports
// an [ERROR] for it; the exit code must agree (0 exactly when no file has
// an error).
func runReference(t *testing.T, tool string, cases []*conformanceCase) map[string]verdict {
	type group struct {
		schema, class string
		cases         []*conformanceCase
	}
	groups := map[string]*group{}
	var keys []string
	for _, c := range cases {
		k := c.schemaPath(t) + "\x00" + c.Class
		if groups[k] == nil {
			groups[k] = &group{schema: c.schemaPath(t), class: c.Class}
			keys = append(keys, k)
		}
		groups[k].cases = append(groups[k].cases, c)
	}
	sort.Strings(keys)
	out := map[string]verdict{}
	reqs := make([]batchRequest, len(keys))
	for i, k := range keys {
		g := groups[k]
		args := []string{"-s", g.schema, "-C", g.class}
		for _, c := range g.cases {
			args = append(args, c.Name+"/"+c.Data)
		}
		reqs[i] = batchRequest{Args: args, Cwd: filepath.Dir(g.cases[0].Dir)} // testdata, or a materialized suite
	}
	results, err := runLinkMLValidate(t, tool, reqs)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("reference", func(t *testing.T) {
		for i, k := range keys {
			g, r := groups[k], results[i]
			t.Run(filepath.Base(g.schema)+"/"+g.class, func(t *testing.T) {
				if strings.Contains(r.Stderr, "Traceback") || (r.Code != 0 && r.Code != 1) {
					t.Fatalf("linkml-validate %v: exit %d\n%s\n%s", reqs[i].Args, r.Code, r.Stdout, r.Stderr)
				}
				lines := strings.Split(r.Stdout, "\n")
				anyInvalid := false
				for _, c := range g.cases {
					v := verdict{valid: true}
					prefix := "[ERROR] [" + c.Name + "/" + c.Data + "/"
					for _, l := range lines {
						if strings.HasPrefix(l, prefix) {
							v.valid = false
							v.msgs = append(v.msgs, l)
						}
					}
					if !v.valid {
						anyInvalid = true
					}
					out[c.Name] = v
				}
				if anyInvalid != (r.Code == 1) {
					t.Fatalf("linkml-validate exit %d disagrees with its messages:\n%s\n%s", r.Code, r.Stdout, r.Stderr)
				}
			})
		}
	})
	return out
}

// batchRequest is one linkml-validate command line; batchResult its exit
// status and output.
type batchRequest struct {
	Args []string `json:"args"`
	Cwd  string   `json:"cwd"`
}

type batchResult struct {
	Code   int    `json:"code"`
	Stdout string `json:"stdout"`
	Stderr string `json:"stderr"`
}

// runLinkMLValidate runs each request through linkml-validate's command
// line. python/linkml_validate_batch.py calls the same click command in one
// Python process per worker (linkml imports once instead of once per
// group: seconds each); without python3 (tool is then the linkml-validate
// executable) each request is its own process.
func runLinkMLValidate(t *testing.T, tool string, reqs []batchRequest) ([]batchResult, error) {
	res := make([]batchResult, len(reqs))
	script := filepath.Join(testenv.RepoRoot(t), "python", "linkml_validate_batch.py")
	py, err := exec.LookPath("python3")
	workers := 2
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var mine []int
			for i := w; i < len(reqs); i += workers {
				mine = append(mine, i)
			}
			if len(mine) == 0 {
				return
			}
			if err != nil {
				for _, i := range mine {
					cmd := exec.Command(tool, reqs[i].Args...)
					cmd.Dir = reqs[i].Cwd
					var stdout, stderr bytes.Buffer
					cmd.Stdout, cmd.Stderr = &stdout, &stderr
					_ = cmd.Run()
					res[i] = batchResult{Code: cmd.ProcessState.ExitCode(), Stdout: stdout.String(), Stderr: stderr.String()}
				}
				return
			}
			var in bytes.Buffer
			for _, i := range mine {
				b, _ := json.Marshal(reqs[i])
				in.Write(append(b, '\n'))
			}
			cmd := exec.Command(py, script)
			cmd.Stdin = &in
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if e := cmd.Run(); e != nil {
				errs[w] = fmt.Errorf("%s: %v\n%s", script, e, stderr.String())
				return
			}
			dec := json.NewDecoder(&stdout)
			for _, i := range mine {
				if e := dec.Decode(&res[i]); e != nil {
					errs[w] = fmt.Errorf("%s: reading result: %v\n%s", script, e, stderr.String())
					return
				}
			}
		}(w)
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return nil, e
		}
	}
	return res, nil
}

// runCCC validates one case with ccc in-process: exit 0 valid, 1 invalid.
func runCCC(c *conformanceCase) (code int, stdout, stderr string) {
	// --closed: tabular files read as linkml-validate reads them (every
	// column a slot name), not by the loaders' column rule
	args := []string{"validate", "--closed", "--class", c.Class}
	if !c.builtin() {
		args = append(args, "--schema", filepath.Join(c.Dir, c.Schema))
	}
	args = append(args, filepath.Join(c.Dir, c.Data))
	var out, errOut bytes.Buffer
	io := &cli.IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }}
	code = cli.Run(context.Background(), args, io)
	return code, out.String(), errOut.String()
}

func TestConformance(t *testing.T) {
	cases := loadCases(t)
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			t.Fatalf("-only: %v", err)
		}
		var keep []*conformanceCase
		for _, c := range cases {
			if re.MatchString(c.Name) {
				keep = append(keep, c)
			}
		}
		cases = keep
	}

	// The reference verdicts: from linkml-validate when installed (it must
	// be in CI), else as recorded.
	want := map[string]verdict{}
	tool, err := exec.LookPath("linkml-validate")
	if err == nil && testing.Short() && !testenv.InCI() && !*update {
		err = fmt.Errorf("-short: not running linkml-validate")
	}
	switch {
	case err == nil:
		checked := cases
		if !*update && *reference != "all" {
			checked = sample(cases)
		}
		ref := runReference(t, tool, checked)
		if t.Failed() {
			t.FailNow()
		}
		if *update {
			if err := writeSuiteRecorded(cases, ref); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range cases {
			v, ok := ref[c.Name]
			if !ok {
				// not in the sample: the recorded verdict
				rec, err := recorded(c)
				if err != nil {
					t.Fatalf("%v (regenerate with -update)", err)
				}
				want[c.Name] = rec
				continue
			}
			want[c.Name] = v
			if *update {
				if err := writeRecorded(c, v); err != nil {
					t.Fatal(err)
				}
				continue
			}
			rec, err := recorded(c)
			if err != nil {
				t.Errorf("%v (regenerate with -update)", err)
			} else if rec.valid != v.valid {
				t.Errorf("%s: expected.txt says %s but linkml-validate now says %s (regenerate with -update)", c.Name, rec, v)
			}
		}
	case testenv.InCI():
		t.Fatalf("CI: linkml-validate not found: %v", err)
	case *update:
		t.Fatalf("-update needs linkml-validate: %v", err)
	default:
		t.Logf("%v: comparing with the recorded verdicts", err)
		for _, c := range cases {
			v, err := recorded(c)
			if err != nil {
				t.Fatal(err)
			}
			want[c.Name] = v
		}
	}

	// The corpus itself: large and balanced enough to mean something.
	var nValid, nInvalid, nDivergent int
	schemas, classes := map[string]bool{}, map[string]bool{}
	for _, c := range cases {
		switch {
		case c.Divergence != "":
			nDivergent++
			continue
		case want[c.Name].valid:
			nValid++
		default:
			nInvalid++
		}
		schemas[c.Suite+c.Schema] = true
		classes[c.Suite+c.Schema+" "+c.Class] = true
	}
	if nValid+nInvalid < 60 || nValid < 20 || nInvalid < 20 || len(schemas) < 5 || len(classes) < 20 {
		t.Errorf("corpus too small: %d cases (%d valid, %d invalid), %d schemas, %d classes",
			nValid+nInvalid, nValid, nInvalid, len(schemas), len(classes))
	}

	// ccc's verdicts, one case at a time.
	agree, divergent := 0, 0
	var disagreements []string
	t.Run("ccc", func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.Name, func(t *testing.T) {
				code, stdout, stderr := runCCC(c)
				ref := want[c.Name]
				if c.Divergence != "" {
					ref = verdict{valid: c.CCCExpected == "valid", msgs: []string{"(deliberate divergence: " + c.Divergence + ")"}}
				}
				got := "error"
				switch code {
				case 0:
					got = "valid"
				case 1:
					got = "invalid"
				}
				if got == ref.String() {
					if c.Divergence != "" {
						divergent++
					} else {
						agree++
					}
					return
				}
				disagreements = append(disagreements, fmt.Sprintf("%s: ccc %s (exit %d), linkml-validate %s", c.Name, got, code, ref))
				t.Errorf("%s (%s, class %s, schema %s)\nccc: %s (exit %d)\n%s%s\nlinkml-validate: %s\n%s",
					c.Name, c.About, c.Class, schemaLabel(c), got, code, clip(stdout), clip(stderr), ref, strings.Join(ref.msgs, "\n"))
			})
		}
	})
	t.Logf("ccc agrees with linkml-validate on %d of %d cases (%d valid, %d invalid); %d of %d deliberate divergences as specified",
		agree, nValid+nInvalid, nValid, nInvalid, divergent, nDivergent)
	for _, d := range disagreements {
		t.Log("disagree: " + d)
	}
}

func clip(s string) string {
	const max = 2000
	if len(s) > max {
		return s[:max] + "...\n"
	}
	return s
}
