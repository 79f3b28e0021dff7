package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/store"
)

// TestQuickstartProjections runs the atlas and projections steps on the
// real data directory (ontology, experiment table, injection summary): every
// table they write validates closed-world against its class.
func TestQuickstartProjections(t *testing.T) {
	table := testenv.SharedData(t, "allen-connectivity/allenAtlasProjection_info.csv")
	data := filepath.Dir(filepath.Dir(table))
	out := t.TempDir()
	stdout, e, code := runProj(t, "quickstart", "--only", "atlas,projections", "--out", out, "--data", data)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, e, stdout)
	}
	for _, w := range []string{
		"2917 experiments (498 wild type, 2419 Cre)",
		"283 experiments (33 wild type)",
		"experiment 100141219: 38 unionize records, injection volume 0.2043 mm^3",
		"artifact aggregate/quickstart-ap",
		"40 cells x 6 regions",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("quickstart output lacks %q:\n%s", w, stdout)
		}
	}
	got := validateStoreTables(t, filepath.Join(out, "store"))
	for table, want := range map[string]int{
		"ccf2017/BrainRegion": 1327, "allen_connectivity/ConnectivityExperiment": 2917,
		"allen_connectivity/InjectionSummary": 62, "allen_connectivity/ProjectionMeasurementMatrix": 1,
		"mapseq_demo/ProjectionMeasurementMatrix": 1, "mapseq_demo/DataItem": 40,
	} {
		if got[table] != want {
			t.Errorf("%s: %d valid records, want %d", table, got[table], want)
		}
	}
	if n := assertLongFormEqualsZarr(t, filepath.Join(out, "store")); n != 2 {
		t.Errorf("long form checked for %d matrices, want 2", n)
	}
	for _, f := range []string{"visp_experiments.csv", "projection_metadata.csv", "projection_horizontal_max.png", "projection_coronal.png", "projection_matrix.png"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestQuickstartProjectionsSynthetic: the offline path (no data directory:
// synthetic ontology and experiments) writes tables that validate too, with
// integer region references and absent values null (a "" colour or page URL
// would fail the HexColor pattern and the uri type).
func TestQuickstartProjectionsSynthetic(t *testing.T) {
	out := t.TempDir()
	stdout, e, code := runProj(t, "quickstart", "--only", "atlas,projections", "--out", out, "--data", filepath.Join(out, "no-data"))
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, e, stdout)
	}
	dir := filepath.Join(out, "store")
	got := validateStoreTables(t, dir)
	for table, want := range map[string]int{
		"ccf2017/BrainRegion": 38, "allen_connectivity/ConnectivityExperiment": 12,
		"allen_connectivity/InjectionSummary": 24, "allen_connectivity/DataItem": 12, "allen_connectivity/DataSet": 1,
		"allen_connectivity/ProjectionMeasurementMatrix": 1, "mapseq_demo/ProjectionMeasurementMatrix": 1,
		"mapseq_demo/DataItem": 40, "mapseq_demo/DataSet": 1,
	} {
		if got[table] != want {
			t.Errorf("%s: %d valid records, want %d", table, got[table], want)
		}
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
	var typ string
	var n, blank int
	if err := db.QueryRow(`SELECT typeof(structure_id) || ' ' || typeof(injection_structures), count(*),
		count(*) FILTER (WHERE structure_color = '' OR experiment_page_url = '' OR name = '')
		FROM ConnectivityExperiment GROUP BY ALL`).Scan(&typ, &n, &blank); err != nil {
		t.Fatal(err)
	}
	if typ != "BIGINT BIGINT[]" || n != 12 || blank != 0 {
		t.Errorf("ConnectivityExperiment: types %s, %d rows, %d with empty strings", typ, n, blank)
	}
	// region references join the atlas on integer ids
	if err := db.QueryRow(`SELECT count(*) FROM ConnectivityExperiment e JOIN BrainRegion b ON b.id = e.structure_id`).Scan(&n); err != nil || n != 12 {
		t.Errorf("experiments joined to their regions: %d, %v", n, err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM InjectionSummary s JOIN BrainRegion b ON b.id = s.structure_id`).Scan(&n); err != nil || n != 24 {
		t.Errorf("unionize records joined to their regions: %d, %v", n, err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM (SELECT unnest(region_index) AS r FROM ProjectionMeasurementMatrix) m JOIN BrainRegion b ON b.id = m.r`).Scan(&n); err != nil || n != 12 {
		t.Errorf("matrix columns joined to their regions: %d, %v", n, err)
	}
}

// validateStoreTables validates every table of the store's current version
// closed-world against its class ('ccc validate --class C table.parquet')
// and returns the valid record count of each dataset/class; a table with any
// error fails the test.
func validateStoreTables(t *testing.T, dir string) map[string]int {
	t.Helper()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, ti := range sn.AllTables() {
		key := ti.Dataset + "/" + ti.Class
		vo, ve, code := runProj(t, "validate", "--allow-empty", "--format", "json", "--class", ti.Class, ti.Path)
		var rep struct {
			Errors int `json:"errors"`
			Files  []struct {
				Records int `json:"records"`
			} `json:"files"`
		}
		if err := json.Unmarshal([]byte(vo), &rep); err != nil || len(rep.Files) != 1 {
			t.Errorf("%s: validate output %v: %.500s%.500s", key, err, vo, ve)
			continue
		}
		if code != 0 || rep.Errors != 0 {
			text, _, _ := runProj(t, "validate", "--allow-empty", "--class", ti.Class, ti.Path)
			t.Errorf("%s: %d errors (exit %d) in %s:\n%.2000s", key, rep.Errors, code, ti.Path, text)
			continue
		}
		got[key] = rep.Files[0].Records
	}
	return got
}
