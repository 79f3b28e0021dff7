package nwb

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
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
