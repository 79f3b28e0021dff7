package cli

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/features"
	"github.com/ccc-connectivity/ccc/formats/zarr"
	"github.com/ccc-connectivity/ccc/store"
)

// TestFeaturesIngest: a Patch-seq-like matrix on the em cells: values in
// the Zarr artifact and the long form, out-of-range values reported,
// unknown cells and undefined columns rejected.
func TestFeaturesIngest(t *testing.T) {
	st, syn := cellsStore(t, "20")
	if code, o, e := runCLI(t, nil, "--store", st, "cells", "ingest", "--dataset", "merfish", "--modality", "TRANSCRIPTOMICS", filepath.Join(syn, "spatial_cells.csv")); code != 0 {
		t.Fatal(o, e)
	}
	dir := t.TempDir()
	defs := filepath.Join(dir, "defs.csv")
	os.WriteFile(defs, []byte("feature_name,unit,range_min,range_max,description\nv_rest,mV,-100,-40,resting potential\ntau,ms,0,,membrane time constant\n"), 0o644)
	m := filepath.Join(dir, "m.csv")
	os.WriteFile(m, []byte("cell_id,tau,v_rest\nmerfish_0000001,12.5,-70\nmerfish_0000002,,-30\nmerfish_0000003,-1,-65.5\n"), 0o644)
	code, out, e := runCLI(t, nil, "--store", st, "features", "ingest", "--set", "ephys", "--cells", "merfish", "--definitions", defs, "--method", "ipfx", m)
	if code != 0 {
		t.Fatalf("%d %s %s", code, out, e)
	}
	if !strings.Contains(out, "feature set ephys: 3 cells x 2 features, 5 values, 1 missing, 2 out of range (v_rest=-30 (row 1, range -100..-40 mV); tau=-1 (row 2, range 0..inf ms))") {
		t.Errorf("report: %s", out)
	}
	s, _ := store.Open(st)
	defer s.Close()
	sn, _ := s.Snapshot(store.Ref{})
	a, err := sn.Artifact("ephys", features.Artifact)
	if err != nil {
		t.Fatal(err)
	}
	vals, arr, err := zarr.Read[float64](a.Dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{12.5, -70, math.NaN(), -30, -1, -65.5}
	if len(vals) != 6 || arr.Meta.Shape[0] != 3 || arr.Meta.Shape[1] != 2 {
		t.Fatalf("shape %v", arr.Meta.Shape)
	}
	for i := range want {
		if vals[i] != want[i] && !(math.IsNaN(vals[i]) && math.IsNaN(want[i])) {
			t.Errorf("value %d: %g want %g", i, vals[i], want[i])
		}
	}
	// the long form equals the Zarr array: one CellFeatureMeasurement row
	// per present value, at (cell_index, feature_index) of the matrix row,
	// bit for bit, and none for a missing value
	db, err := s.DB(context.Background(), store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT m.data_item, m.feature, m.value_float, list_position(x.cell_index, m.data_item) - 1, list_position(x.feature_index, m.feature) - 1, m.id
		FROM CellFeatureMeasurement m JOIN CellFeatureMatrix x ON x.feature_set = m.feature_set AND x.dataset = m.dataset WHERE m.dataset = 'ephys' ORDER BY m.id`)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for rows.Next() {
		var item, feat, id string
		var v float64
		var r, c int
		if err := rows.Scan(&item, &feat, &v, &r, &c, &id); err != nil {
			t.Fatal(err)
		}
		k := r*arr.Meta.Shape[1] + c
		if r < 0 || c < 0 || math.Float64bits(vals[k]) != math.Float64bits(v) || id != "ephys:"+item+":"+strings.TrimPrefix(feat, "ephys:") {
			t.Errorf("measurement %s (%s, %s) = %v at [%d,%d], Zarr %v", id, item, feat, v, r, c, vals[k])
		}
		seen[k] = true
	}
	rows.Close()
	for k, x := range vals {
		if !math.IsNaN(x) && !seen[k] {
			t.Errorf("Zarr value %v at %d has no CellFeatureMeasurement row", x, k)
		}
	}
	if len(seen) != 5 {
		t.Errorf("%d long-form values, want 5", len(seen))
	}
	v := validateStoreTables(t, st)
	if v["ephys/CellFeatureMeasurement"] != 5 || v["ephys/CellFeatureDefinition"] != 2 || v["ephys/CellFeatureSet"] != 1 || v["ephys/CellFeatureMatrix"] != 1 {
		t.Errorf("tables %v", v)
	}
	for _, tc := range []struct{ csv, want string }{
		{"cell_id,tau,v_rest\nnope,1,-70\n", "row 0: field cell_id: unknown cell (not in dataset merfish)"},
		{"cell_id,tau,v_rest,extra\nmerfish_0000001,1,-70,3\n", "field extra: column has no feature definition"},
		{"cell_id,tau\nmerfish_0000001,1\n", "field v_rest: defined feature has no column"},
		{"cell_id,tau,v_rest\nmerfish_0000001,x,-70\n", `row 0: field tau: not a number (value "x")`},
	} {
		os.WriteFile(m, []byte(tc.csv), 0o644)
		code, _, e := runCLI(t, nil, "--store", st, "features", "ingest", "--set", "bad", "--cells", "merfish", "--definitions", defs, m)
		if code != 1 || !strings.Contains(e, tc.want) {
			t.Errorf("exit %d: %s (want %s)", code, e, tc.want)
		}
	}
}
