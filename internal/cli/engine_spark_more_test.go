package cli

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/testenv"
)

// ingestRandomMatrix ingests an n cells x 20 regions MAPseq matrix of
// random doubles (full 17-digit values, so that the long form must carry
// them bit for bit) into dataset of the store at dir.
func ingestRandomMatrix(t *testing.T, dir, name, dataset string, n int) {
	t.Helper()
	regions := []string{"VISp", "VISl", "VISal", "VISam", "VISpm", "MOs", "MOp", "SSp", "ACA", "RSP", "CP", "TH", "LGd", "LP", "SCs", "AUDp", "PL", "ILA", "ORB", "ENTl"}
	var b strings.Builder
	b.WriteString("cell_id," + strings.Join(regions, ",") + "\n")
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "cell%05d", i)
		for range regions {
			fmt.Fprintf(&b, ",%v", rng.Float64()*1000)
		}
		b.WriteString("\n")
	}
	path := filepath.Join(t.TempDir(), "counts.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCLI(t, nil, "--store", dir, "projections", "matrix", "ingest", name, path, "--modality", "MAPseq", "--measurement", "barcode_count", "--dataset", dataset); code != 0 {
		t.Fatalf("matrix ingest: exit %d\n%s\n%s", code, out, errOut)
	}
}

// sparkOfflineQuickstartStore runs the quickstart on its synthetic
// fallback data (which answers ask site-projections) and returns its store.
func sparkOfflineQuickstartStore(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "qs")
	if code, stdout, stderr := runCLI(t, nil, "quickstart", "--out", out, "--data", filepath.Join(out, "no-data")); code != 0 {
		t.Fatalf("quickstart: exit %d\n%s\n%s", code, stdout, stderr)
	}
	return filepath.Join(out, "store")
}

// quickstartSparkCases are the projection matrices, cross-modal questions
// and synapse rows of the quickstart stores, compared on both engines.
var quickstartSparkCases = [][]string{
	{"projections", "matrix", "export", "quickstart-density", "--dataset", "allen_connectivity"},
	{"projections", "matrix", "export", "quickstart-mapseq", "--dataset", "mapseq_demo"},
	{"ask", "coverage"},
	{"ask", "coverage", "--regions", "VISp,VISl,TH,CA1"},
	{"ask", "site-projections", "--source", "VISp"},
	{"synapses", "query", "--columns", "id,pre_pt_root_id,post_pt_root_id,cell_type_pre,cell_type_post,ctr_pt_position", "--desired-resolution", "1,1,1", "--limit", "300"},
}

// TestSparkQuickstartCommandsEqualDuckDB runs the projection matrices, the
// cross-modal questions and synapse rows on both engines over the offline
// quickstart store (whose synthetic session answers site-projections; the
// real-data store is compared in TestSparkEngineSQLEqualsDuckDB) and
// compares the outputs, in CSV, Parquet and pictures.
func TestSparkQuickstartCommandsEqualDuckDB(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a Spark Connect server")
	}
	remote := testenv.SparkRemote(t)
	offline := sparkOfflineQuickstartStore(t)
	compareEngines(t, offline, remote, append(slices.Clone(quickstartSparkCases),
		[]string{"ask", "site-projections", "--source", "VISp", "--stat", "median"},
		[]string{"ask", "site-projections", "--source", "VISp", "--stat", "max", "--session", "synthetic-0001"},
		[]string{"synapses", "query", "--limit", "200"}), false)

	// the other output formats: Parquet (rows, matrix, question) and the
	// heatmap, on both engines
	dir := t.TempDir()
	files := map[string][]string{
		"rows":   {"synapses", "query", "--pre-type", "23P", "--format", "parquet", "--out"},
		"matrix": {"projections", "matrix", "export", "quickstart-mapseq", "--dataset", "mapseq_demo", "--format", "parquet", "--heatmap", "HEATMAP", "--out"},
		"sites":  {"ask", "site-projections", "--source", "VISp", "--format", "parquet", "--out"},
		"cover":  {"ask", "coverage", "--format", "parquet", "--png", "HEATMAP", "--out"},
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for name, args := range files {
		var paths [2]string
		for i, eng := range []string{"duckdb", "spark"} {
			paths[i] = filepath.Join(dir, name+"-"+eng+".parquet")
			a := append([]string{"--store", offline}, args...)
			for k := range a {
				if a[k] == "HEATMAP" {
					a[k] = filepath.Join(dir, name+"-"+eng+".png")
				}
			}
			a = append(a, paths[i])
			if eng == "spark" {
				a = append(a, "--engine", "spark", "--spark-remote", remote)
			}
			if code, _, errOut := runCLI(t, nil, a...); code != 0 {
				t.Fatalf("%s on %s: exit %d: %s", name, eng, code, errOut)
			}
		}
		var n, diff int
		q := fmt.Sprintf(`SELECT (SELECT count(*) FROM read_parquet('%[1]s')),
			(SELECT count(*) FROM (SELECT * FROM read_parquet('%[1]s') EXCEPT ALL SELECT * FROM read_parquet('%[2]s')))
			+ (SELECT count(*) FROM (SELECT * FROM read_parquet('%[2]s') EXCEPT ALL SELECT * FROM read_parquet('%[1]s')))`, paths[0], paths[1])
		if err := db.QueryRowContext(context.Background(), q).Scan(&n, &diff); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n < 3 || diff != 0 {
			t.Errorf("%s: %d rows on duckdb, %d rows differ on spark", name, n, diff)
		}
		for _, eng := range []string{"duckdb", "spark"} {
			png := filepath.Join(dir, name+"-"+eng+".png")
			if strings.Contains(strings.Join(args, " "), "HEATMAP") {
				if st, err := os.Stat(png); err != nil || st.Size() < 1000 {
					t.Errorf("%s on %s: no picture: %v", name, eng, err)
				}
			}
		}
	}
}

// TestSparkMaxRows: a result over --spark-max-rows is refused (exit 2, the
// cause and the fixes) and nothing is written; a bound the result fits in
// changes nothing; the flag needs --engine spark.
func TestSparkMaxRows(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a Spark Connect server")
	}
	remote := testenv.SparkRemote(t)
	dir := smallSynapseStore(t)
	out := filepath.Join(t.TempDir(), "rows.csv")
	sp := []string{"--engine", "spark", "--spark-remote", remote}
	for _, args := range [][]string{
		{"synapses", "query", "--spark-max-rows", "49", "--out", out},
		{"query", "--sql", "-- all\nSELECT * FROM Synapse", "--spark-max-rows", "10", "--out", out},
		{"synapses", "query", "--group-by", "pair", "--spark-max-rows", "2", "--out", out},
	} {
		code, _, errOut := runCLI(t, nil, append(append([]string{"--store", dir}, args...), sp...)...)
		if code != 2 || !strings.Contains(errOut, "the result has more than") || !strings.Contains(errOut, "INSERT OVERWRITE DIRECTORY") {
			t.Errorf("%v: exit %d, want 2 with the bound's message:\n%s", args, code, errOut)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: wrote %s", args, out)
		}
	}
	code, stdout, errOut := runCLI(t, nil, append([]string{"--store", dir, "synapses", "query", "--spark-max-rows", "50", "--columns", "id"}, sp...)...)
	if code != 0 || strings.Count(stdout, "\n") != 51 {
		t.Errorf("50 rows under a bound of 50: exit %d, %d lines: %s", code, strings.Count(stdout, "\n"), errOut)
	}
	if code, _, errOut := runCLI(t, nil, "--store", dir, "synapses", "query", "--spark-max-rows", "5"); code != 2 || !strings.Contains(errOut, "need --engine spark") {
		t.Errorf("--spark-max-rows without spark: exit %d %s", code, errOut)
	}
}

// smallSynapseStore is a store with dataset d: 50 synapses.
func smallSynapseStore(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "st")
	if code, _, e := runCLI(t, nil, "--store", dir, "init"); code != 0 {
		t.Fatal(e)
	}
	csvPath := filepath.Join(t.TempDir(), "syn.csv")
	ingestTestSynapseCSV(t, csvPath, 50, -1)
	if code, _, e := runCLI(t, nil, "--store", dir, "synapses", "ingest", "--dataset", "d", csvPath); code != 0 {
		t.Fatal(e)
	}
	return dir
}
