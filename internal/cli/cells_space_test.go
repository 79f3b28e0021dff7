package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/store"
)

// TestCellsIngestSpace: the same cells given in CCF um, in stereotaxic mm
// from bregma and in a registered EM space (nm, axes swapped) land in the
// same regions; the rows keep the source coordinates, the space and the
// transform with its version; an unknown space and contradicting flags
// are refused with the store unchanged.
func TestCellsIngestSpace(t *testing.T) {
	st, _ := cellsStore(t, "20")
	dir := t.TempDir()
	run := func(args ...string) (int, string, string) {
		return runCLI(t, nil, append([]string{"--store", st}, args...)...)
	}
	// 300 cells over the whole volume, off voxel boundaries (100 um voxels)
	dims := atlas.CCFDims[100]
	var ccf, stereo, em strings.Builder
	ccf.WriteString("cell_id,x,y,z\n")
	stereo.WriteString("cell_id,ap,ml,dv\n")
	em.WriteString("cell_id,x,y,z\n")
	for i := 0; i < 300; i++ {
		ap := float64((i*37)%dims[0])*100 + 37.5
		dv := float64((i*53)%dims[1])*100 + 61.25
		ml := float64((i*71)%dims[2])*100 + 12.75
		id := fmt.Sprintf("c%03d", i)
		fmt.Fprintf(&ccf, "%s,%g,%g,%g\n", id, ap, dv, ml)
		fmt.Fprintf(&stereo, "%s,%.17g,%.17g,%.17g\n", id, (5400-ap)/1000, (ml-5739)/1000, (332-dv)/1000)
		// em_nm: CCF = (x/1000 + 4000, z/1000 + 300, y/1000 + 5000)
		fmt.Fprintf(&em, "%s,%.17g,%.17g,%.17g\n", id, (ap-4000)*1000, (ml-5000)*1000, (dv-300)*1000)
	}
	files := map[string]string{"ccf": ccf.String(), "stereo": stereo.String(), "em": em.String()}
	for n, body := range files {
		os.WriteFile(filepath.Join(dir, n+".csv"), []byte(body), 0o644)
	}
	if code, o, e := run("space", "add", "em_nm", "--to", "ccf_um", "--unit", "nm", "--matrix", "0.001,0,0,4000, 0,0,0.001,300, 0,0.001,0,5000"); code != 0 {
		t.Fatal(o, e)
	}
	for _, c := range []struct {
		ds, file string
		args     []string
	}{
		{"cells_ccf", "ccf", nil},
		{"cells_st", "stereo", []string{"--space", "stereotaxic_bregma_mm", "--coords", "ap,ml,dv"}},
		{"cells_em", "em", []string{"--space", "em_nm"}},
	} {
		code, o, e := run(append([]string{"cells", "ingest", "--dataset", c.ds, "--modality", "OTHER", filepath.Join(dir, c.file+".csv")}, c.args...)...)
		if code != 0 || !strings.Contains(o, "300 cells -> dataset "+c.ds) {
			t.Fatalf("%s: %d %s %s", c.ds, code, o, e)
		}
	}
	q := func(sql string) string {
		t.Helper()
		code, o, e := run("query", "--format", "csv", "--sql", sql)
		if code != 0 {
			t.Fatalf("%s: %s", sql, e)
		}
		return o
	}
	// same regions, cell by cell; most cells fall in a labelled region
	got := q(`SELECT count(*) AS n, count(a.brain_region) AS located, count(DISTINCT a.brain_region) AS regions,
		count(*) FILTER (WHERE b.brain_region IS DISTINCT FROM a.brain_region) AS st_diff,
		count(*) FILTER (WHERE c.brain_region IS DISTINCT FROM a.brain_region) AS em_diff,
		max(abs(b.ccf_ap_um - a.spatial_location_x) + abs(b.ccf_dv_um - a.spatial_location_y) + abs(b.ccf_ml_um - a.spatial_location_z)) < 1e-6 AS st_ccf,
		max(abs(c.ccf_ap_um - a.spatial_location_x) + abs(c.ccf_dv_um - a.spatial_location_y) + abs(c.ccf_ml_um - a.spatial_location_z)) < 1e-6 AS em_ccf
		FROM CellMetadata a JOIN CellMetadata b USING (cell_id) JOIN CellMetadata c USING (cell_id)
		WHERE a.dataset = 'cells_ccf' AND b.dataset = 'cells_st' AND c.dataset = 'cells_em'`)
	// the expected located count and regions, from the volume directly
	s, err := store.Open(st)
	if err != nil {
		t.Fatal(err)
	}
	a, err := atlas.Open(s, store.Ref{}, "ccf2017")
	if err != nil {
		t.Fatal(err)
	}
	v, _ := a.Volume(100)
	s.Close()
	located, regions := 0, map[int64]bool{}
	for i := 0; i < 300; i++ {
		x := float64((i*37)%dims[0])*100 + 37.5
		y := float64((i*53)%dims[1])*100 + 61.25
		z := float64((i*71)%dims[2])*100 + 12.75
		res := atlas.Locate(a.Ontology, v, []float64{x}, []float64{y}, []float64{z})
		if id := res.RegionID[0]; id != 0 {
			located++
			regions[id] = true
		}
	}
	if located < 100 || len(regions) < 4 {
		t.Fatalf("test points too poor: %d located in %d regions", located, len(regions))
	}
	if want := fmt.Sprintf("n,located,regions,st_diff,em_diff,st_ccf,em_ccf\n300,%d,%d,0,0,true,true\n", located, len(regions)); got != want {
		t.Errorf("regions:\n%s\nwant\n%s", got, want)
	}
	// source coordinates, space and transform kept
	got = q(`SELECT dataset, spatial_location_x, spatial_location_y, spatial_location_z, spatial_location_reference_space, space_transform, region_source
		FROM CellMetadata WHERE cell_id = 'c001' ORDER BY dataset`)
	want := "dataset,spatial_location_x,spatial_location_y,spatial_location_z,spatial_location_reference_space,space_transform,region_source\n" +
		"cells_ccf,3737.5,5361.25,7112.75,ccf2017,,ccf\n" +
		"cells_em,-262500,2.11275e+06,5.06125e+06,em_nm,em_nm->ccf_um@1,ccf\n" +
		"cells_st,1.6625,1.37375,-5.02925,stereotaxic_bregma_mm,stereotaxic_bregma_mm->ccf_um@1,ccf\n"
	if got != want {
		t.Errorf("kept columns:\n%s\nwant\n%s", got, want)
	}
	// every stored table conforms to its class (the added columns are schema slots)
	if n := validateStoreTables(t, st); n["cells_st/CellMetadata"] != 300 || n["spaces/CoordinateSpace"] != 1 {
		t.Errorf("validated %v", n)
	}
	// refusals: the store stays as it was
	before := q("SELECT count(*) AS n FROM CellMetadata")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--space", "paxinos"}, 2, "no such coordinate space"},
		{[]string{"--space", "em_nm", "--coord-scale", "1000"}, 2, "drop --coord-scale and --reference-space"},
		{[]string{"--space", "em_nm", "--no-ccf-lookup"}, 2, "drop --no-ccf-lookup"},
		{[]string{"--space", "em_nm", "--coords", "-"}, 2, "has none"},
	} {
		code, _, e := run(append([]string{"cells", "ingest", "--dataset", "bad", "--modality", "OTHER", filepath.Join(dir, "em.csv")}, tc.args...)...)
		if code != tc.code || !strings.Contains(e, tc.want) {
			t.Errorf("%v: exit %d %q, want %d %q", tc.args, code, e, tc.code, tc.want)
		}
	}
	if after := q("SELECT count(*) AS n FROM CellMetadata"); after != before {
		t.Errorf("store changed: %s -> %s", before, after)
	}
}
