package nwb

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/formats/hdf5"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/store"
)

// TestIngestVolume places the synthetic shank in atlas.DemoBoxes' volume:
// the top electrode is in VISp1, the deepest in the thalamus; labels the
// volume contradicts (CA1 in cortex, LGd where the coarse volume only
// knows TH) are reported.
func TestIngestVolume(t *testing.T) {
	ont, err := atlas.LoadOntology(testenv.SharedData(t, "allen-ccf/structure_tree_safe_2017.csv"), atlas.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	vol := atlas.BoxVolume(atlas.CCFDims[100], 100, atlas.DemoBoxes)
	p := filepath.Join(t.TempDir(), "s.nwb")
	if err := WriteSynthetic(p, SynthOptions{Electrodes: 32, Samples: 10, Units: 4, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Init(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := Ingest(context.Background(), st, []string{p}, IngestOptions{Dataset: "syn", Ontology: ont, Locate: VolumeLocator(ont, vol)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Regions.FromCCF != 32 {
		t.Fatalf("regions %+v", rep.Regions)
	}
	db, err := st.DB(context.Background(), store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var top, bottom int64
	var topLoc, bottomLoc string
	if err := db.QueryRow(`SELECT brain_region, location FROM RecordingSite WHERE id = 0`).Scan(&top, &topLoc); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT brain_region, location FROM RecordingSite WHERE id = 31`).Scan(&bottom, &bottomLoc); err != nil {
		t.Fatal(err)
	}
	if top != 593 || topLoc != "VISp1" || bottom != 549 || bottomLoc != "LGd" {
		t.Fatalf("top %d %s bottom %d %s", top, topLoc, bottom, bottomLoc)
	}
	// every CA1- and LGd-labelled site is a disagreement, no VISp/VISp1 one is
	var ca1, lgd, visp int
	for _, n := range rep.Notes {
		switch n.Location {
		case "CA1":
			ca1++
		case "LGd":
			lgd++
		default:
			visp++
		}
	}
	var nCA1, nLGd int
	db.QueryRow(`SELECT count(*) FILTER (location = 'CA1'), count(*) FILTER (location = 'LGd') FROM RecordingSite`).Scan(&nCA1, &nLGd)
	if ca1 != nCA1 || lgd != nLGd || visp != 0 || ca1 == 0 {
		t.Fatalf("notes: CA1 %d/%d LGd %d/%d other %d", ca1, nCA1, lgd, nLGd, visp)
	}
}

// TestIngestFallbacks: CCF coordinates in AllenSDK's *_ccf_coordinate
// columns when x, y, z are empty, and the peak channel from the units'
// electrodes region when there is no peak_channel_id column.
func TestIngestFallbacks(t *testing.T) {
	p := filepath.Join(t.TempDir(), "s.nwb")
	if err := WriteSynthetic(p, SynthOptions{Electrodes: 4, Samples: 10, Units: 2, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	h, err := hdf5.OpenRW(p)
	if err != nil {
		t.Fatal(err)
	}
	// x, y, z left out of colnames (empty), the AllenSDK columns in
	h.WriteDataset(ElectrodesPath+"/anterior_posterior_ccf_coordinate", []float64{100, 200, 300, 400}, []int{4}, nil)
	h.WriteDataset(ElectrodesPath+"/dorsal_ventral_ccf_coordinate", []float64{10, 20, 30, 40}, []int{4}, nil)
	h.WriteDataset(ElectrodesPath+"/left_right_ccf_coordinate", []float64{1, 2, 3, 4}, []int{4}, nil)
	h.SetAttr(ElectrodesPath, "colnames", []string{"location", "anterior_posterior_ccf_coordinate", "dorsal_ventral_ccf_coordinate", "left_right_ccf_coordinate"})
	// units: an electrodes region (unit 0 -> rows 2,3; unit 1 -> row 1) and no peak_channel_id
	h.WriteDataset(UnitsPath+"/electrodes", []int64{2, 3, 1}, []int{3}, nil)
	h.SetAttr(UnitsPath+"/electrodes", "table", hdf5.Ref{Path: ElectrodesPath})
	h.SetAttr(UnitsPath+"/electrodes", "neurodata_type", "DynamicTableRegion")
	h.SetAttr(UnitsPath+"/electrodes", "namespace", "hdmf-common")
	h.WriteDataset(UnitsPath+"/electrodes_index", []int64{2, 3}, []int{2}, nil)
	h.SetAttr(UnitsPath, "colnames", []string{"spike_times", "quality", "electrodes"})
	h.Close()

	var got [][3]float64
	st, err := store.Init(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, err = Ingest(context.Background(), st, []string{p}, IngestOptions{Dataset: "fb", Locate: func(x, y, z float64) (int64, bool) {
		got = append(got, [3]float64{x, y, z})
		return 385, true
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[2] != [3]float64{300, 30, 3} {
		t.Fatalf("located points %v", got)
	}
	db, _ := st.DB(context.Background(), store.Ref{})
	defer db.Close()
	var p0, p1 int64
	if err := db.QueryRow(`SELECT max(peak_channel) FILTER (id = 0), max(peak_channel) FILTER (id = 1) FROM SortedUnit`).Scan(&p0, &p1); err != nil || p0 != 2 || p1 != 1 {
		t.Fatalf("peak channels %d %d %v", p0, p1, err)
	}
}
