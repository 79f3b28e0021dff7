package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/taxonomy"
)

// synthTaxonomyStore makes a store holding the synthetic ABC taxonomy
// "wmb-synth" (seed 3, 6 classes) and returns the store and CSV directory.
func synthTaxonomyStore(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	csvDir := filepath.Join(dir, "abc")
	if err := os.MkdirAll(csvDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := taxonomy.WriteABC(csvDir, taxonomy.Synthetic(3, 6), taxonomy.SyntheticLevels); err != nil {
		t.Fatal(err)
	}
	st := filepath.Join(dir, "store")
	if code, _, e := runCLI(t, nil, "init", st); code != 0 {
		t.Fatal(e)
	}
	code, out, e := runCLI(t, nil, "--store", st, "taxonomy", "load", "--name", "wmb-synth",
		"--membership", filepath.Join(csvDir, "cluster_to_cluster_annotation_membership.csv"), filepath.Join(csvDir, "cluster_annotation_term.csv"))
	if code != 0 {
		t.Fatalf("load: exit %d %s %s", code, out, e)
	}
	return st, csvDir
}

// TestTaxonomyMatchesNetworkx: every cluster's ancestors, children and
// descendants (Go API on the stored taxonomy, and the CLI for a sample)
// equal a pandas + networkx computation on the same CSV.
func TestTaxonomyMatchesNetworkx(t *testing.T) {
	py := testenv.Python(t, "pandas", "networkx")
	st, csvDir := synthTaxonomyStore(t)
	raw, err := exec.Command(py, filepath.Join(testenv.RepoRoot(t), "python", "taxonomy_peer.py"), filepath.Join(csvDir, "cluster_annotation_term.csv")).Output()
	if err != nil {
		t.Fatal(err)
	}
	var ref map[string]struct {
		Ancestors, Children, Descendants []string
		Level                            string
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	s, _ := store.Open(st)
	defer s.Close()
	sn, _ := s.Snapshot(store.Ref{})
	tx, err := taxonomy.Open(sn, "wmb-synth")
	if err != nil {
		t.Fatal(err)
	}
	if len(ref) != tx.Len() || len(ref) < 60 {
		t.Fatalf("%d clusters, networkx %d", tx.Len(), len(ref))
	}
	sorted := func(ks []int32) []string {
		out := make([]string, len(ks))
		for i, k := range ks {
			out[i] = tx.Label(k)
		}
		sort.Strings(out)
		return out
	}
	n := 0
	for label, want := range ref {
		k, err := tx.Lookup(label)
		if err != nil {
			t.Fatal(err)
		}
		anc := tx.Ancestors(k)
		got := make([]string, len(anc))
		for i, a := range anc {
			got[i] = tx.Label(a)
		}
		if strings.Join(got, " ") != strings.Join(want.Ancestors, " ") || tx.LevelName(k) != want.Level ||
			strings.Join(sorted(tx.Children(k)), " ") != strings.Join(want.Children, " ") ||
			strings.Join(sorted(tx.Descendants(k)), " ") != strings.Join(want.Descendants, " ") {
			t.Errorf("%s differs from networkx", label)
		}
		if n < 12 { // the CLI on a sample
			n++
			for verb, w := range map[string][]string{"ancestors": want.Ancestors, "children": want.Children, "descendants": want.Descendants} {
				code, out, e := runCLI(t, nil, "--store", st, "taxonomy", verb, label, "--format", "json")
				var recs []taxonomy.Record
				if code != 0 || json.Unmarshal([]byte(out), &recs) != nil {
					t.Fatalf("%s %s: exit %d %s", verb, label, code, e)
				}
				var labels []string
				for _, r := range recs {
					labels = append(labels, r.Label)
				}
				if verb != "ancestors" {
					sort.Strings(labels)
				}
				if strings.Join(labels, " ") != strings.Join(w, " ") {
					t.Errorf("ccc taxonomy %s %s = %v, networkx %v", verb, label, labels, w)
				}
			}
		}
	}
}

// TestTaxonomyCLI: load output, list, info, search, the stored tables
// validate closed-world, and a bad file leaves the store unchanged (exit 1,
// file and row named).
func TestTaxonomyCLI(t *testing.T) {
	st, _ := synthTaxonomyStore(t)
	code, out, _ := runCLI(t, nil, "--store", st, "taxonomy", "list")
	if code != 0 || !strings.Contains(out, "wmb-synth") || !strings.Contains(out, "6 class > ") {
		t.Errorf("list: %s", out)
	}
	code, out, _ = runCLI(t, nil, "--store", st, "taxonomy", "info", "1") // alias 1
	if code != 0 || !strings.Contains(out, "label:        CS20230722_CLUS_0001") || !strings.Contains(out, "level:        cluster") {
		t.Errorf("info: %d %s", code, out)
	}
	code, out, _ = runCLI(t, nil, "--store", st, "taxonomy", "search", "CS20230722_SUBC_0002", "--format", "csv")
	if code != 0 || !strings.HasPrefix(out, "label,name,level") || !strings.Contains(out, "CS20230722_SUBC_0002,") {
		t.Errorf("search: %s", out)
	}
	got := validateStoreTables(t, st)
	if len(got) != 2 || got["wmb-synth/Cluster"] < 60 || got["wmb-synth/ClusterHierarchy"] != 1 {
		t.Errorf("valid tables %v", got)
	}
	bad := filepath.Join(t.TempDir(), "cycle.csv")
	if err := os.WriteFile(bad, []byte("label,parent,level\nA,,class\nB,C,subclass\nC,B,subclass\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, e := runCLI(t, nil, "--store", st, "taxonomy", "load", "--name", "wmb-synth", bad)
	if code != 1 || !strings.Contains(e, "cycle.csv:3: row 1: field parent: parent cycle: B -> C -> B") {
		t.Errorf("cycle: exit %d %s", code, e)
	}
	s, _ := store.Open(st)
	defer s.Close()
	if v, _ := s.Latest(); v != 1 {
		t.Errorf("store moved to version %d", v)
	}
	code, _, e = runCLI(t, nil, "--store", st, "taxonomy", "info", "nope")
	if code != 2 || !strings.Contains(e, "unknown cluster") {
		t.Errorf("unknown cluster: %d %s", code, e)
	}
}
