package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/nwb"
	"github.com/ccc-connectivity/ccc/space"
)

// TestNWBIngestSpace: one shank written in CCF um and again in
// stereotaxic mm from bregma gets the same region on every electrode with
// --space stereotaxic_bregma_mm; the sites keep the file's coordinates and
// record the space, the transform and its version and the CCF point;
// an unknown space is refused with the store unchanged.
func TestNWBIngestSpace(t *testing.T) {
	st, _ := cellsStore(t, "20")
	dir := t.TempDir()
	stereo, _ := space.Lookup("stereotaxic_bregma_mm")
	fromCCF, err := stereo.ToCCF.Inverse()
	if err != nil {
		t.Fatal(err)
	}
	ccfFile, stFile := filepath.Join(dir, "ccf.nwb"), filepath.Join(dir, "st.nwb")
	if err := nwb.WriteSynthetic(ccfFile, nwb.SynthOptions{Electrodes: 32, Samples: 10, Units: 4, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if err := nwb.WriteSynthetic(stFile, nwb.SynthOptions{Electrodes: 32, Samples: 10, Units: 4, Seed: 1, FromCCF: fromCCF.Apply}); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string, string) {
		return runCLI(t, nil, append([]string{"--store", st}, args...)...)
	}
	if code, o, e := run("nwb", "ingest", "--dataset", "ephys_ccf", ccfFile); code != 0 || !strings.Contains(o, "regions: 32 from CCF position") {
		t.Fatalf("ccf: %d %s %s", code, o, e)
	}
	if code, o, e := run("nwb", "ingest", "--dataset", "ephys_st", "--space", "stereotaxic_bregma_mm", stFile); code != 0 || !strings.Contains(o, "regions: 32 from CCF position") {
		t.Fatalf("stereotaxic: %d %s %s", code, o, e)
	}
	q := func(sql string) string {
		t.Helper()
		code, o, e := run("query", "--format", "csv", "--sql", sql)
		if code != 0 {
			t.Fatalf("%s: %s", sql, e)
		}
		return o
	}
	got := q(`SELECT count(*) AS n, count(DISTINCT a.brain_region) AS regions, count(*) FILTER (WHERE a.brain_region IS DISTINCT FROM b.brain_region) AS differ,
		max(abs(b.ccf_ap_um - a.x) + abs(b.ccf_dv_um - a.y) + abs(b.ccf_ml_um - a.z)) < 1e-6 AS same_point,
		count(*) FILTER (WHERE b.coordinate_space = 'stereotaxic_bregma_mm' AND b.space_transform = 'stereotaxic_bregma_mm->ccf_um@1') AS recorded
		FROM RecordingSite a JOIN RecordingSite b USING (electrode_id) WHERE a.dataset = 'ephys_ccf' AND b.dataset = 'ephys_st'`)
	if got != "n,regions,differ,same_point,recorded\n32,5,0,true,32\n" {
		t.Errorf("sites: %s", got)
	}
	// the file's coordinates are kept: electrode 0 at CCF (4000, 1000, 3000) is AP 1.4, ML -2.739, DV -0.668 from bregma
	if got := q(`SELECT round(x, 9) AS x, round(y, 9) AS y, round(z, 9) AS z, round(ccf_ap_um, 6) AS ap, round(ccf_dv_um, 6) AS dv, round(ccf_ml_um, 6) AS ml FROM RecordingSite WHERE dataset = 'ephys_st' AND electrode_id = 0`); got != "x,y,z,ap,dv,ml\n1.4,-2.739,-0.668,4000,1000,3000\n" {
		t.Errorf("electrode 0: %s", got)
	}
	if n := validateStoreTables(t, st); n["ephys_st/RecordingSite"] != 32 {
		t.Errorf("validated %v", n)
	}
	code, _, e := run("nwb", "ingest", "--dataset", "ephys_bad", "--space", "paxinos", stFile)
	if code != 2 || !strings.Contains(e, "no such coordinate space") || !strings.Contains(e, "ccc space add") {
		t.Errorf("unknown space: %d %s", code, e)
	}
	if got := q("SELECT count(*) AS n FROM RecordingSite"); got != "n\n64\n" {
		t.Errorf("after refusal: %s", got)
	}
	// an atlas without an annotation volume gives the positions no path to a region: refused, not NULL regions
	bare := filepath.Join(dir, "bare")
	ont := filepath.Join(dir, "ontology.csv")
	os.WriteFile(ont, []byte(atlasQSOntologyCSV), 0o644)
	for _, args := range [][]string{{"init", bare}, {"--store", bare, "atlas", "load", "--atlas", "ccf2017", ont}} {
		if code, o, e := runCLI(t, nil, args...); code != 0 {
			t.Fatal(o, e)
		}
	}
	code, _, e = runCLI(t, nil, "--store", bare, "nwb", "ingest", "--dataset", "ephys_st", "--space", "stereotaxic_bregma_mm", stFile)
	if code != 2 || !strings.Contains(e, "no path to a region") || !strings.Contains(e, "no annotation volume") {
		t.Errorf("no volume: %d %s", code, e)
	}
}
