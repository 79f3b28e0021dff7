package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/store"
)

func runProj(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, &IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }})
	return out.String(), errOut.String(), code
}

// projStore makes a store with the real experiment table ingested.
func projStore(t *testing.T) string {
	t.Helper()
	table := testenv.SharedData(t, "allen-connectivity/allenAtlasProjection_info.csv")
	dir := filepath.Join(t.TempDir(), "store")
	if _, e, code := runProj(t, "init", dir); code != 0 {
		t.Fatalf("init: %s", e)
	}
	out, e, code := runProj(t, "--store", dir, "projections", "ingest", table)
	if code != 0 {
		t.Fatalf("ingest: %s", e)
	}
	if !strings.Contains(out, "ingested 2917 experiments (498 wild type, 2419 transgenic)") {
		t.Fatalf("ingest summary: %q", out)
	}
	return dir
}

func TestProjectionsIngestFind(t *testing.T) {
	dir := projStore(t)
	testenv.SharedData(t, "allen-ccf/structure_tree_safe_2017.csv")
	// counts are checked against independent SQL in projection's tests; here the CLI plumbing.
	out, e, code := runProj(t, "--store", dir, "projections", "find", "--region", "VISp", "--include-descendants", "--format", "csv")
	if code != 0 {
		t.Fatalf("find: %s", e)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[0][0] != "id" || len(recs)-1 != 283 {
		t.Fatalf("VISp: header %v, %d rows", recs[0], len(recs)-1)
	}
	for _, r := range recs[1:] {
		if r[3] != "VISp" {
			t.Fatalf("non-VISp row %v", r)
		}
	}
	out, _, code = runProj(t, "--store", dir, "projections", "find", "--region", "VISp", "--wild-type", "--format", "json")
	var js []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &js) != nil || len(js) != 33 {
		t.Fatalf("wild-type VISp json: code %d, %d rows", code, len(js))
	}
	out, _, code = runProj(t, "--store", dir, "projections", "find", "--region", "VISp", "--line", "Rbp4-Cre_KL100")
	if code != 0 || !strings.HasSuffix(out, "20 experiments\n") {
		t.Fatalf("table: %d %q", code, out)
	}
	_, e, code = runProj(t, "--store", dir, "projections", "find", "--region", "NOPE")
	if code != ExitUsage || !strings.Contains(e, "NOPE") {
		t.Fatalf("unknown region: %d %s", code, e)
	}
	_, e, code = runProj(t, "--store", dir, "projections", "find", "--line", "x", "--wild-type")
	if code != ExitUsage {
		t.Fatalf("line+wild-type: %d %s", code, e)
	}
}

func TestProjectionsSummaries(t *testing.T) {
	real := testenv.SharedData(t, "allen-connectivity/100141219/injectionSummary_all.json")
	cache := t.TempDir()
	os.MkdirAll(filepath.Join(cache, "100141219"), 0o755)
	b, _ := os.ReadFile(real)
	os.WriteFile(filepath.Join(cache, "100141219", "injectionSummary_all.json"), b, 0o644)
	dir := filepath.Join(t.TempDir(), "store")
	runProj(t, "init", dir)
	out, e, code := runProj(t, "--store", dir, "projections", "summaries", "--cache", cache)
	if code != 0 || !strings.Contains(out, "stored 38 unionize records of 1 experiments as InjectionSummary") {
		t.Fatalf("summaries: %d %s %s", code, out, e)
	}
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db, err := st.DB(context.Background(), store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var vol, spi, z float64
	if err := db.QueryRow(`SELECT projection_volume, sum_pixel_intensity, max_voxel_z FROM InjectionSummary WHERE experiment_id = 100141219 AND structure_id = 997 AND hemisphere_id = 3`).Scan(&vol, &spi, &z); err != nil {
		t.Fatal(err)
	}
	if vol != 0.2042788832 || spi != 778541662208 || z != 8070 {
		t.Fatalf("997/3: %v %v %v", vol, spi, z)
	}
	if _, e, code := runProj(t, "--store", dir, "projections", "summaries", "--cache", t.TempDir()); code != ExitUsage || !strings.Contains(e, "no injection summaries") {
		t.Fatalf("empty cache: %d %s", code, e)
	}
}
