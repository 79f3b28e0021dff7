package projection

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/store"
)

// longForm reads matrix id's ProjectionMeasurement rows back into a
// matrix-shaped slice (NaN where no row) and counts the rows.
func longForm(t *testing.T, st *store.Store, m *Matrix) ([]float64, int) {
	t.Helper()
	db, err := st.DB(context.Background(), store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT data_item, brain_region, "value", coalesce(hemisphere_id, 0), measurement_type FROM ProjectionMeasurement WHERE "matrix" = ?`, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := make([]float64, len(m.Values))
	for i := range out {
		out[i] = math.NaN()
	}
	n := 0
	for rows.Next() {
		var item, typ string
		var region int64
		var v float64
		var hemi int
		if err := rows.Scan(&item, &region, &v, &hemi, &typ); err != nil {
			t.Fatal(err)
		}
		if hemi != m.Hemisphere || typ != m.MeasurementType {
			t.Errorf("%s: hemisphere %d type %s, matrix %d %s", m.ID, hemi, typ, m.Hemisphere, m.MeasurementType)
		}
		for i, r := range m.Rows {
			for j, c := range m.RegionIDs {
				if r == item && c == region {
					out[i*len(m.RegionIDs)+j] = v
				}
			}
		}
		n++
	}
	return out, n
}

// TestLongForm: every kind of matrix (cells x regions barcode counts,
// experiments x regions projection energy of one hemisphere, axon length
// per region) is written long-form with its Zarr array; saving a matrix
// again replaces its rows; matrices saved before the long form existed are
// backfilled from their Zarr arrays by the next save.
func TestLongForm(t *testing.T) {
	ont := smallOntology(t)
	ctx := context.Background()
	st, err := store.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cells, _ := ReadCellVectors(strings.NewReader("cell_id,target,count\nc1,VISp,10\nc1,VISl,2\nc2,VISpm,7\n"), "x", ont)
	cells.ID, cells.Modality, cells.MeasurementType, cells.Unit = "mapseq", "MAPseq", "barcode_count", "counts"
	exps, _ := MatrixFromUnionizes([]*Summary{{ExperimentID: 3, Records: []Unionize{{StructureID: 385, HemisphereID: 2, ProjectionEnergy: 0.1}}}}, "projection_energy", 2, nil, ont)
	exps.ID = "allen-energy"
	vol := atlas.BoxVolume([3]int{10, 10, 10}, 10, []atlas.Box{
		{Lo: [3]float64{0, 0, 0}, Hi: [3]float64{0.5, 1, 1}, Label: 385},
		{Lo: [3]float64{0.5, 0, 0}, Hi: [3]float64{1, 1, 1}, Label: 533},
	})
	swc := filepath.Join(t.TempDir(), "cell1.swc")
	os.WriteFile(swc, []byte("1 1 5 50 50 5 -1\n2 2 45 50 50 1 1\n3 2 85 50 50 1 2\n"), 0o644)
	axons, err := AxonLengthMatrix([]string{swc}, vol, ont, []int64{385, 533, 409})
	if err != nil {
		t.Fatal(err)
	}
	axons.ID = "axons"
	for _, m := range []*Matrix{cells, exps, cells, axons} {
		if _, err := SaveMatrix(ctx, st, m, "", nil, nil, 0); err != nil {
			t.Fatal(err)
		}
	}
	check := func(m *Matrix) {
		t.Helper()
		got, n := longForm(t, st, m)
		if n != len(m.Values) {
			t.Errorf("%s: %d rows for %d x %d", m.ID, n, len(m.Rows), len(m.RegionIDs))
		}
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(m.Values[i]) {
				t.Errorf("%s: long form %v, matrix %v", m.ID, got, m.Values)
				break
			}
		}
	}
	for _, m := range []*Matrix{cells, exps, axons} {
		check(m)
	}
	if cells.Hemisphere != 0 || exps.Hemisphere != 2 || len(exps.Values) != 1 || exps.Values[0] != 0.1 || axons.Values[0] != 45 {
		t.Fatalf("fixtures: %d %d %v %v", cells.Hemisphere, exps.Hemisphere, exps.Values, axons.Values)
	}
	// a store written before the long form: drop the table, save one more
	tx, err := st.Begin(ctx, store.TxOptions{Dataset: DefaultDataset, Message: "drop long form"})
	if err != nil {
		t.Fatal(err)
	}
	tx.DropTable(MeasurementClass)
	if _, err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	exps.ID = "allen-energy-2"
	if _, err := SaveMatrix(ctx, st, exps, "", nil, nil, 0); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*Matrix{cells, axons, exps} {
		check(m)
	}
	db, err := st.DB(ctx, store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	var ids string
	if err := db.QueryRow(`SELECT count(*), string_agg(DISTINCT "matrix", ',' ORDER BY "matrix") FROM ProjectionMeasurement`).Scan(&n, &ids); err != nil {
		t.Fatal(err)
	}
	// mapseq 2 x 3, allen-energy 1 x 1 twice, axons 1 x 3
	if n != 6+1+1+3 || ids != "allen-energy,allen-energy-2,axons,mapseq" {
		t.Errorf("long form: %d rows of %s", n, ids)
	}
}
