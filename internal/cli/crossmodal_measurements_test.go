package cli

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

// assertLongFormEqualsZarr checks, for every projection matrix of the
// store's latest version, that its ProjectionMeasurement rows are exactly
// its Zarr array: one row per entry, same data item, region and value (bit
// for bit), and the matrix's measurement type, unit and hemisphere. It
// returns the number of matrices checked.
func assertLongFormEqualsZarr(t *testing.T, dir string) int {
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
	db, err := st.DB(context.Background(), store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checked := 0
	for _, ti := range sn.Tables(projection.MatrixClass) {
		for _, id := range projection.MatrixNames(sn, ti.Dataset) {
			m, err := projection.LoadMatrix(st, store.Ref{}, ti.Dataset, id)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := db.Query(`SELECT id, data_item, brain_region, "value", measurement_type, coalesce(unit, ''), coalesce(hemisphere_id, 0)
				FROM ProjectionMeasurement WHERE dataset = ? AND "matrix" = ?`, ti.Dataset, id)
			if err != nil {
				t.Fatal(err)
			}
			row := map[string]int{}
			for i, r := range m.Rows {
				row[r] = i
			}
			col := map[int64]int{}
			for j, c := range m.RegionIDs {
				col[c] = j
			}
			seen := make([]bool, len(m.Values))
			n := 0
			for rows.Next() {
				var rid, item, typ, unit string
				var region int64
				var v float64
				var hemi int
				if err := rows.Scan(&rid, &item, &region, &v, &typ, &unit, &hemi); err != nil {
					t.Fatal(err)
				}
				i, ok1 := row[item]
				j, ok2 := col[region]
				if !ok1 || !ok2 {
					t.Fatalf("%s/%s: row %s is not an entry of the matrix", ti.Dataset, id, rid)
				}
				k := i*len(m.RegionIDs) + j
				if seen[k] {
					t.Fatalf("%s/%s: entry (%s, %d) twice", ti.Dataset, id, item, region)
				}
				seen[k] = true
				if math.Float64bits(v) != math.Float64bits(m.Values[k]) {
					t.Errorf("%s/%s (%s, %d): long form %v, Zarr %v", ti.Dataset, id, item, region, v, m.Values[k])
				}
				if rid != projection.MeasurementID(id, item, region) || typ != m.MeasurementType || unit != m.Unit || hemi != m.Hemisphere {
					t.Errorf("%s/%s: row %s %s %s %d; matrix %s %s %d", ti.Dataset, id, rid, typ, unit, hemi, m.MeasurementType, m.Unit, m.Hemisphere)
				}
				n++
			}
			rows.Close()
			if n != len(m.Values) || n == 0 {
				t.Errorf("%s/%s: %d long-form rows for a %d x %d matrix", ti.Dataset, id, n, len(m.Rows), len(m.RegionIDs))
			}
			checked++
		}
	}
	return checked
}

// TestQuickstartLongForm: every matrix the quickstart's projections step
// writes (synthetic experiments x regions, MAPseq cells x regions) has
// ProjectionMeasurement rows equal to its Zarr array.
func TestQuickstartLongForm(t *testing.T) {
	out := t.TempDir()
	stdout, e, code := runProj(t, "quickstart", "--only", "atlas,projections", "--out", out, "--data", filepath.Join(out, "no-data"))
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, e, stdout)
	}
	dir := filepath.Join(out, "store")
	if n := assertLongFormEqualsZarr(t, dir); n != 2 {
		t.Errorf("%d matrices checked, want 2", n)
	}
	got := validateStoreTables(t, dir)
	// 12 experiments x 6 regions, 40 cells x 6 regions
	for table, want := range map[string]int{"allen_connectivity/ProjectionMeasurement": 72, "mapseq_demo/ProjectionMeasurement": 240} {
		if got[table] != want {
			t.Errorf("%s: %d valid records, want %d", table, got[table], want)
		}
	}
}
