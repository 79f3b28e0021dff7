package synapse

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/synapse/synth"
)

// TestPandasPeerAgrees runs the benchmark's pandas peer (the CAVE tutorial's
// isin + groupby code) on a whole small synthetic table and checks that it
// finds the same rows and pairs as the graph index and DuckDB SQL.
func TestPandasPeerAgrees(t *testing.T) {
	py := testenv.Python(t, "pandas", "pyarrow")
	ctx := context.Background()
	dir := t.TempDir()
	sum, err := synth.Generate(ctx, synth.Options{Neurons: 1500, Synapses: 150000, Seed: 9, Minimal: true}, filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Init(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := Ingest(ctx, st, StoreIngestOptions{Dataset: "b", Files: []string{filepath.Join(sum.Dir, synth.SynapsesFile)}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := IngestCells(ctx, st, "b", filepath.Join(sum.Dir, synth.ProofreadingFile), CellTableOptions{Kind: KindProofreading}, ""); err != nil {
		t.Fatal(err)
	}
	ds, err := OpenDataset(st, store.Ref{}, "b")
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	cells, err := ds.Cells(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := cells.Proofread("axon")
	rep, err := ds.RunBench(ctx, BenchOptions{Set: set, Repeats: 1})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, id := range set {
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	idFile := filepath.Join(dir, "set.txt")
	os.WriteFile(idFile, []byte(strings.Join(ids, "\n")), 0o644)
	cmd := exec.Command(py, filepath.Join(testenv.RepoRoot(t), "python", "synapse_peer.py"), "--parquet", ds.Table, "--ids", idFile,
		"--neuron", strconv.FormatInt(rep.Neuron, 10), "--rows", "0", "--repeats", "1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("synapse_peer.py: %v\n%s", err, out)
	}
	var res map[string]any
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("peer output %q: %v", out, err)
	}
	for k, q := range []string{"a", "b", "c", "d"} {
		got := int64(res[q].(map[string]any)["rows"].(float64))
		r := rep.Results[k]
		if got != r.IndexRows || r.SQLRows != r.IndexRows || r.SQLSum != r.IndexSum {
			t.Errorf("(%s): index %d rows (sum %v), DuckDB %d (sum %v), pandas %d", q, r.IndexRows, r.IndexSum, r.SQLRows, r.SQLSum, got)
		}
	}
	if rep.Results[0].IndexRows == 0 {
		t.Error("empty subgraph: the benchmark would measure nothing")
	}
}
