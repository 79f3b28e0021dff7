package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/store"
)

// TestPythonStoreReader reads a store ccc wrote with python/ccc_store.py
// (pandas) and compares every figure with the Go store: versions, row
// counts per class and dataset, time travel, a corrupted file caught by
// verify=True, and clear errors for what is not there.
func TestPythonStoreReader(t *testing.T) {
	py := testenv.Python(t, "pandas", "pyarrow")
	out := filepath.Join(t.TempDir(), "qs")
	if code, stdout, stderr := runCLI(t, nil, "quickstart", "--only", "atlas,synapses,store", "--out", out, "--data", filepath.Join(out, "no-data")); code != 0 {
		t.Fatalf("quickstart: %d\n%s\n%s", code, stdout, stderr)
	}
	dir := filepath.Join(out, "store")
	script := `
import json, sys
sys.path.insert(0, sys.argv[1])
import ccc_store
s = ccc_store.Store(sys.argv[2])
res = {"latest": s.latest(), "versions": [v["version"] for v in s.versions()], "rows": {}}
for c in s.classes():
    res["rows"][c] = len(s.table(c))
syn = s.table("Synapse", verify=True)
res["synapse_cols"] = list(syn.columns[:2])
res["pre_sum"] = sum(int(v) for v in syn["pre_pt_root_id"]) % 1000000007
prev = s.latest() - 1
res["lab_rows_prev"] = 0
try:
    s.table("ProofreadingStatus", dataset="lab-proofreading", version=prev)
except ccc_store.StoreError as e:
    res["prev_error"] = str(e)
res["lab_rows"] = len(s.table("ProofreadingStatus", dataset="lab-proofreading"))
try:
    ccc_store.Store(sys.argv[2] + "-missing")
except ccc_store.StoreError as e:
    res["missing_error"] = str(e)
json.dump(res, sys.stdout)
`
	cmd := exec.Command(py, "-c", script, filepath.Join(testenv.RepoRoot(t), "python"), dir)
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, b)
	}
	var got struct {
		Latest       int              `json:"latest"`
		Versions     []int            `json:"versions"`
		Rows         map[string]int64 `json:"rows"`
		SynapseCols  []string         `json:"synapse_cols"`
		PreSum       int64            `json:"pre_sum"`
		PrevError    string           `json:"prev_error"`
		LabRows      int              `json:"lab_rows"`
		MissingError string           `json:"missing_error"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	latest, _ := st.Latest()
	if got.Latest != latest || len(got.Versions) != latest {
		t.Errorf("python sees latest %d and %d versions, Go %d", got.Latest, len(got.Versions), latest)
	}
	sn, _ := st.Snapshot(store.Ref{})
	want := map[string]int64{}
	for _, c := range []string{"BrainRegion", "Synapse", "CellTypeAnnotation", "ProofreadingStatus"} {
		for _, ti := range sn.Tables(c) {
			want[c] += ti.Rows
		}
	}
	for c, n := range want {
		if got.Rows[c] != n || n == 0 {
			t.Errorf("%s: python %d rows, Go %d", c, got.Rows[c], n)
		}
	}
	db, err := st.DB(t.Context(), store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var preSum int64
	if err := db.QueryRow(`SELECT (sum(pre_pt_root_id::HUGEINT) % 1000000007)::BIGINT FROM Synapse`).Scan(&preSum); err != nil {
		t.Fatal(err)
	}
	if got.PreSum != preSum || got.SynapseCols[0] != "dataset" || got.SynapseCols[1] != "id" {
		t.Errorf("synapse table: python sum %d cols %v, Go sum %d", got.PreSum, got.SynapseCols, preSum)
	}
	if got.LabRows != 4 || got.PrevError == "" {
		t.Errorf("time travel: %d lab rows, error at the previous version %q", got.LabRows, got.PrevError)
	}
	if got.MissingError == "" {
		t.Errorf("no error for a missing store")
	}

	// a table file changed behind the store's back: verify=True refuses it
	ti, err := sn.Table("lab-proofreading", "ProofreadingStatus")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(ti.Path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(ti.Path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	verify := `
import sys
sys.path.insert(0, sys.argv[1])
import ccc_store
try:
    ccc_store.Store(sys.argv[2]).table("ProofreadingStatus", dataset="lab-proofreading", verify=True)
except ccc_store.StoreError as e:
    print(e)
`
	b, err = exec.Command(py, "-c", verify, filepath.Join(testenv.RepoRoot(t), "python"), dir).CombinedOutput()
	if err != nil || !strings.Contains(string(b), "checksum mismatch") || !strings.Contains(string(b), filepath.Base(ti.Path)) {
		t.Errorf("corrupt file: %v %s", err, b)
	}
}
