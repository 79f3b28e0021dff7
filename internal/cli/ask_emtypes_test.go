package cli

import (
	"database/sql"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/store"
)

// emStore runs the quickstart's atlas, synapses (MICrONS-like cell types)
// and projections steps offline.
func emStore(t *testing.T) string {
	t.Helper()
	out := t.TempDir()
	if stdout, e, code := runProj(t, "quickstart", "--only", "atlas,synapses,projections", "--out", out, "--data", filepath.Join(out, "no-data")); code != 0 {
		t.Fatalf("quickstart: exit %d: %s\n%s", code, e, stdout)
	}
	return filepath.Join(out, "store")
}

// emExpected computes the em-types-projections answer in plain Go from the
// raw rows (annotations, experiments, long-form values) and the ontology:
// place each annotation (declared region, or the affine and the volume),
// count nuclei per region and type, walk up from each region to the
// nearest one with experiments injected in it or below, and average their
// values per target column. Rows as CSV records, sorted as the SQL sorts.
func emExpected(t *testing.T, dir string, declared int64, aff *[3][4]float64) [][]string {
	t.Helper()
	q := func(sql string) [][]string {
		out, e, code := runProj(t, "--store", dir, "query", "--format", "csv", "--sql", sql)
		if code != 0 {
			t.Fatalf("%s: %s", sql, e)
		}
		recs, _ := csv.NewReader(strings.NewReader(out)).ReadAll()
		return recs[1:]
	}
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, err := atlas.Open(st, store.Ref{}, "")
	if err != nil {
		t.Fatal(err)
	}
	vol, err := a.Volume(0)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	o := a.Ontology
	f := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
	n := func(s string) int64 { v, _ := strconv.ParseInt(s, 10, 64); return v }
	type key struct {
		region   int64
		sys, typ string
	}
	nuclei := map[key]map[int64]bool{}
	for _, r := range q("SELECT id, classification_system, cell_type, pt_position_x, pt_position_y, pt_position_z FROM CellTypeAnnotation") {
		region := declared
		if aff != nil {
			p := [3]float64{f(r[3]), f(r[4]), f(r[5])}
			var c [3]float64
			for i := range 3 {
				c[i] = aff[i][0]*p[0] + aff[i][1]*p[1] + aff[i][2]*p[2] + aff[i][3]
			}
			region = atlas.Locate(o, vol, []float64{c[0]}, []float64{c[1]}, []float64{c[2]}).RegionID[0]
		}
		k := key{region, r[1], r[2]}
		if nuclei[k] == nil {
			nuclei[k] = map[int64]bool{}
		}
		nuclei[k][n(r[0])] = true
	}
	injected := map[string]int64{}
	for _, r := range q("SELECT 'allen:' || id, structure_id FROM ConnectivityExperiment") {
		injected[r[0]] = n(r[1])
	}
	type val struct {
		item   string
		target int64
		v      float64
	}
	var vals []val
	for _, r := range q("SELECT data_item, brain_region, value FROM ProjectionMeasurement WHERE dataset = 'allen_connectivity' AND \"matrix\" = 'quickstart-density'") {
		if _, ok := injected[r[0]]; ok {
			vals = append(vals, val{r[0], n(r[1]), f(r[2])})
		}
	}
	covered := func(region int64) bool {
		for _, v := range vals {
			if o.IsDescendant(injected[v.item], region) {
				return true
			}
		}
		return false
	}
	acr := func(id int64) string {
		if r, ok := o.ByID(id); ok && id != 0 {
			return r.Acronym
		}
		return ""
	}
	var keys []key
	for k := range nuclei {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.region != b.region {
			return a.region != 0 && (b.region == 0 || a.region < b.region) // NULLS LAST
		}
		if a.sys != b.sys {
			return a.sys < b.sys
		}
		return a.typ < b.typ
	})
	var out [][]string
	for _, k := range keys {
		cells := strconv.Itoa(len(nuclei[k]))
		head := []string{"", "", k.sys, k.typ, cells}
		if k.region != 0 {
			head[0], head[1] = strconv.FormatInt(k.region, 10), acr(k.region)
		}
		prof, levels := int64(0), 0
		for r := k.region; r != 0; levels++ {
			if covered(r) {
				prof = r
				break
			}
			p := o.Parent(r)
			if p == nil {
				break
			}
			r = p.ID
		}
		if prof == 0 {
			out = append(out, append(head, "", "", "", "", "", "", ""))
			continue
		}
		sum, cnt := map[int64]float64{}, map[int64]int{}
		for _, v := range vals {
			if o.IsDescendant(injected[v.item], prof) {
				sum[v.target] += v.v
				cnt[v.target]++
			}
		}
		var targets []int64
		for tgt := range sum {
			targets = append(targets, tgt)
		}
		sort.Slice(targets, func(i, j int) bool { return targets[i] < targets[j] })
		for _, tgt := range targets {
			out = append(out, append(append([]string{}, head...), strconv.FormatInt(prof, 10), acr(prof), strconv.Itoa(levels), strconv.FormatInt(tgt, 10), acr(tgt),
				strconv.FormatFloat(sum[tgt]/float64(cnt[tgt]), 'g', -1, 64), strconv.Itoa(cnt[tgt])))
		}
	}
	return out
}

// compareEM compares the command's CSV with the expected records: every
// field equal, the strengths within 1e-14 relative (DuckDB's fsum is a
// compensated sum, the Go one plain).
func compareEM(t *testing.T, got string, want [][]string) {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(got)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("csv: %v", err)
	}
	if strings.Join(recs[0], ",") != "region,region_acronym,classification_system,cell_type,cells,profile_region,profile_acronym,levels_up,target_region,target_acronym,strength,experiments" {
		t.Fatalf("header %v", recs[0])
	}
	recs = recs[1:]
	if len(recs) != len(want) {
		t.Fatalf("%d rows, want %d", len(recs), len(want))
	}
	bad := 0
	for i := range recs {
		for j := range recs[i] {
			g, w := recs[i][j], want[i][j]
			if j == 10 && g != w {
				x, _ := strconv.ParseFloat(g, 64)
				y, _ := strconv.ParseFloat(w, 64)
				if math.Abs(x-y) <= 1e-14*math.Abs(y) {
					continue
				}
			}
			if g != w && bad < 5 {
				bad++
				t.Errorf("row %d column %d: %q, want %q (%v vs %v)", i+1, j, g, w, recs[i], want[i])
			}
		}
	}
}

// TestAskEMTypes: 'ccc ask em-types-projections' with a declared region of
// the whole EM volume and with a registered space (MICrONS-like voxels ->
// CCF through an affine, cells spread over several regions, some outside
// the labelled volume), its --print-sql statement through 'ccc query' and
// its Parquet output, all equal a plain Go computation on the raw rows.
func TestAskEMTypes(t *testing.T) {
	dir := emStore(t)
	run := func(args ...string) (string, string, int) {
		return runProj(t, append([]string{"--store", dir}, args...)...)
	}
	// declared region
	out, e, code := run("ask", "em-types-projections", "--region", "VISp", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	want := emExpected(t, dir, 385, nil)
	if len(want) < 60 {
		t.Fatalf("only %d expected rows", len(want))
	}
	compareEM(t, out, want)
	if !strings.Contains(e, "3813 of 3813 synth-minnie cell-type annotations in 1 region(s), declared region VISp; profiles from allen_connectivity/quickstart-density") {
		t.Errorf("stderr %q", e)
	}
	// the printed statement is the one run
	stmt, _, code := run("ask", "em-types-projections", "--region", "VISp", "--print-sql")
	if code != 0 {
		t.Fatal("print-sql")
	}
	if q, e, code := run("query", "--format", "csv", "--sql", stmt); code != 0 || !sameAnswer(q, out) {
		t.Errorf("query of the printed SQL: exit %d %s\n%s", code, e, q)
	}
	if doc, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "docs", "query.md")); err != nil || !strings.Contains(string(doc), "```sql\n"+stmt+"```") {
		t.Errorf("docs/query.md does not show the statement --print-sql prints on the quickstart store (%v)", err)
	}
	// a registered space: voxels (4, 4, 40 nm) -> CCF um, spread over the volume
	aff := [3][4]float64{{0.02, 0, 0, 2000}, {0, 0.03, 0, 0}, {0, 0, 0.05, 3000}}
	if _, e, code := run("space", "add", "em_vox", "--to", "ccf_um", "--matrix", "0.02,0,0,2000, 0,0.03,0,0, 0,0,0.05,3000"); code != 0 {
		t.Fatal(e)
	}
	out, e, code = run("ask", "em-types-projections", "--space", "em_vox", "--format", "csv")
	if code != 0 {
		t.Fatalf("space: exit %d: %s", code, e)
	}
	want = emExpected(t, dir, 0, &aff)
	compareEM(t, out, want)
	regions, up, unplaced := map[string]bool{}, 0, 0
	for _, r := range want {
		regions[r[0]] = true
		if r[7] != "" && r[7] != "0" {
			up++
		}
		if r[0] == "" {
			unplaced++
		}
	}
	if len(regions) < 4 || up == 0 || unplaced == 0 {
		t.Errorf("the test placement should spread cells: %d regions, %d rows with levels_up > 0, %d unplaced", len(regions), up, unplaced)
	}
	if !strings.Contains(e, "placed through em_vox->ccf_um@1 (") {
		t.Errorf("stderr %q", e)
	}
	stmt, _, _ = run("ask", "em-types-projections", "--space", "em_vox", "--print-sql")
	if q, e, code := run("query", "--format", "csv", "--sql", stmt); code != 0 || !sameAnswer(q, out) {
		t.Errorf("query of the printed SQL (space): exit %d %s", code, e)
	}
	// Parquet output
	pq := filepath.Join(t.TempDir(), "em.parquet")
	if _, e, code := run("ask", "em-types-projections", "--space", "em_vox", "--format", "parquet", "--out", pq); code != 0 {
		t.Fatal(e)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows, cells int
	if err := db.QueryRow(fmt.Sprintf("SELECT count(*), sum(cells) FILTER (WHERE target_region IS NULL OR target_region = 8) FROM read_parquet('%s')", pq)).Scan(&rows, &cells); err != nil {
		t.Fatal(err)
	}
	wantCells := 0
	for _, r := range want {
		if r[8] == "" || r[8] == "8" {
			c, _ := strconv.Atoi(r[4])
			wantCells += c
		}
	}
	if rows != len(want) || cells != wantCells {
		t.Errorf("parquet: %d rows %d cells, want %d %d", rows, cells, len(want), wantCells)
	}
	// refusals
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--region", "VISp", "--space", "em_vox"}, "with --region or --space (one of them)"},
		{nil, "with --region or --space (one of them)"},
		{[]string{"--space", "paxinos"}, "no such coordinate space"},
		{[]string{"--region", "NOPE"}, "NOPE"},
		{[]string{"--region", "VISp", "--dataset", "nope"}, "no CellTypeAnnotation table in this dataset"},
		{[]string{"--region", "VISp", "--stat", "mode"}, "unknown statistic"},
	} {
		if _, e, code := run(append([]string{"ask", "em-types-projections"}, tc.args...)...); code == 0 || !strings.Contains(e, tc.want) {
			t.Errorf("%v: exit %d %q, want %q", tc.args, code, e, tc.want)
		}
	}
	// a matrix none of whose experiments is known: refused, not empty profiles
	unknown := filepath.Join(t.TempDir(), "unknown.csv")
	os.WriteFile(unknown, []byte("cell_id,VIS,TH\nallen:123,1,2\nallen:456,3,4\n"), 0o644)
	if _, e, code := run("projections", "matrix", "ingest", "unknown", unknown, "--measurement", "other", "--modality", "other"); code != 0 {
		t.Fatal(e)
	}
	if _, e, code := run("ask", "em-types-projections", "--region", "VISp", "--matrix", "unknown"); code != 2 || !strings.Contains(e, "none of the experiments of matrix unknown is in the ConnectivityExperiment table") {
		t.Errorf("unknown experiments: exit %d %q", code, e)
	}
}
