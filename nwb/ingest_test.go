package nwb

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/formats/hdf5"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/linkml"
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
	if err := db.QueryRow(`SELECT brain_region, location FROM RecordingSite WHERE id = 'synthetic-0001:0' AND electrode_id = 0`).Scan(&top, &topLoc); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT brain_region, location FROM RecordingSite WHERE electrode_id = 31`).Scan(&bottom, &bottomLoc); err != nil {
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
	var p0, p1 string
	if err := db.QueryRow(`SELECT max(peak_channel) FILTER (unit_id = 0), max(peak_channel) FILTER (id = 'synthetic-0001:1') FROM SortedUnit`).Scan(&p0, &p1); err != nil ||
		p0 != "synthetic-0001:2" || p1 != "synthetic-0001:1" {
		t.Fatalf("peak channels %q %q %v", p0, p1, err)
	}
}

// TestIngestTablesValidate: every table nwb ingest writes conforms to its
// class of the built-in schema, closed world (a column that is not a slot
// of the class is an error, as in `ccc validate` and linkml-validate), for
// two synthetic sessions (regions from a CCF volume, units; electrode and
// unit ids 0.. in both, as pynwb writes them) and the real Allen LFP file
// (regions from location labels, no units). References are checked
// too: data_item, peak_channel and the region slots resolve to the written
// DataItem and RecordingSite rows and the atlas ontology.
func TestIngestTablesValidate(t *testing.T) {
	real := testenv.SharedData(t, "nwb/aibs_ecephys.nwb")
	ont, err := atlas.LoadOntology(testenv.SharedData(t, "allen-ccf/structure_tree_safe_2017.csv"), atlas.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	syn := filepath.Join(t.TempDir(), "s.nwb")
	if err := WriteSynthetic(syn, SynthOptions{Electrodes: 32, Samples: 10, Units: 4, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	syn2 := filepath.Join(t.TempDir(), "s2.nwb")
	if err := WriteSynthetic(syn2, SynthOptions{Electrodes: 16, Samples: 10, Units: 3, Seed: 2, Identifier: "synthetic-0002"}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Init(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	vol := atlas.BoxVolume(atlas.CCFDims[100], 100, atlas.DemoBoxes)
	rep, err := Ingest(context.Background(), st, []string{syn, syn2, real}, IngestOptions{Dataset: "ephys", Ontology: ont, Locate: VolumeLocator(ont, vol)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Regions.FromCCF != 48 || rep.Regions.FromLocation != 10 {
		t.Fatalf("regions %+v", rep.Regions)
	}
	sch, err := linkml.LoadBuiltin(linkml.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	// synthetic: 32 + 16 electrodes, 4 + 3 units, 1 + 1 ElectricalSeries;
	// real: 10 electrodes, no units, the LFP series and the CSD array
	want := map[string]int64{"DataSet": 1, "DataItem": 3, "RecordingSession": 3, "RecordingSite": 58, "SortedUnit": 7, "NWBArray": 4}
	known := map[string]map[string]struct{}{"BrainRegion": {}}
	for _, r := range ont.Regions() {
		known["BrainRegion"][strconv.FormatInt(r.ID, 10)] = struct{}{}
	}
	got := map[string]int64{}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// the referenced classes first, so their ids are known to the others
	for _, class := range []string{"DataSet", "DataItem", "RecordingSession", "RecordingSite", "SortedUnit", "NWBArray"} {
		tab, err := sn.Table("ephys", class)
		if err != nil {
			t.Errorf("%s: %v", class, err)
			continue
		}
		v, err := sch.NewValidator(class, linkml.ValidateOptions{CheckUnique: true, CheckRefs: true, KnownIDs: known})
		if err != nil {
			t.Errorf("%s: %v", class, err)
			continue
		}
		ids := map[string]struct{}{}
		vs := v.NewStream()
		var errs []linkml.Violation
		rows, err := db.Query("SELECT * FROM read_parquet(?)", tab.Path)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		m := v.NewRowMapper(cols)
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			rec := m.Record(vals)
			errs = vs.AddAt(rec, "rows", n, errs)
			for k, v := range rec {
				if v == "" {
					t.Errorf("%s row %d: %s is an empty string, not NULL", class, n, k)
				}
			}
			ids[fmt.Sprint(rec["id"])] = struct{}{}
			n++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		errs = vs.Finish(errs)
		known[class] = ids
		got[class] = int64(n)
		if n != int(tab.Rows) {
			t.Errorf("%s: read %d rows, the manifest says %d", class, n, tab.Rows)
		}
		for i, e := range errs {
			if i == 5 {
				t.Errorf("%s: ... %d violations in all", class, len(errs))
				break
			}
			t.Errorf("%s: %s", class, e)
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("rows per class %v, want %v", got, want)
	}
	var classes []string
	for _, tab := range sn.AllTables() {
		if tab.Dataset == "ephys" {
			classes = append(classes, tab.Class)
		}
	}
	if len(classes) != len(want) {
		t.Errorf("ingest wrote tables %v, want %d", classes, len(want))
	}
}

// TestIngestSessionColumns: the session metadata goes to RecordingSession
// (start time as a UTC instant), the region provenance and array registry
// hold the real file's values.
func TestIngestSessionColumns(t *testing.T) {
	real := testenv.SharedData(t, "nwb/aibs_ecephys.nwb")
	ont, err := atlas.LoadOntology(testenv.SharedData(t, "allen-ccf/structure_tree_safe_2017.csv"), atlas.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Init(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := Ingest(context.Background(), st, []string{real}, IngestOptions{Dataset: "allen", Ontology: ont}); err != nil {
		t.Fatal(err)
	}
	db, err := st.DB(context.Background(), store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var id, item, file, ver, start, desc, subject string
	if err := db.QueryRow(`SELECT id, data_item, nwb_file, nwb_version, strftime(session_start_time AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S'),
		session_description, subject_id FROM RecordingSession`).Scan(&id, &item, &file, &ver, &start, &desc, &subject); err != nil {
		t.Fatal(err)
	}
	// the file says 2018-10-26T12:59:23-07:00
	if id != "769322820" || item != id || file != real || ver != "2.2.2" || start != "2018-10-26T19:59:23" ||
		desc != "LFP data and associated channel info for a single Ecephys probe" || subject != "738651046" {
		t.Fatalf("RecordingSession %q %q %q %q %q %q %q", id, item, file, ver, start, desc, subject)
	}
	sn, _ := st.Snapshot(store.Ref{})
	tab, err := sn.Table("allen", "DataItem")
	var cols []string
	for _, c := range tab.Columns {
		cols = append(cols, c.Name)
	}
	if err != nil || !slices.Equal(cols, []string{"id", "name", "neuroglancer_link", "dataset"}) {
		t.Fatalf("DataItem columns %v (%v), want the DataItem slots", cols, err)
	}
	// no CCF positions in the file: all 10 sites from the "grey" label
	var n, fromLoc, ccf int
	var grey int64
	if err := db.QueryRow(`SELECT count(*), count(*) FILTER (region_source = 'location'), count(ccf_region), max(location_region)
		FROM RecordingSite WHERE hdf5_path = '/general/extracellular_ephys/electrodes' AND nwb_file = ?`, real).Scan(&n, &fromLoc, &ccf, &grey); err != nil {
		t.Fatal(err)
	}
	if n != 10 || fromLoc != 10 || ccf != 0 || grey != 8 {
		t.Fatalf("sites %d, from location %d, with ccf_region %d, location_region %d", n, fromLoc, ccf, grey)
	}
	rows, err := db.Query(`SELECT id, hdf5_path, neurodata_type, dtype, shape::VARCHAR, chunks::VARCHAR FROM NWBArray ORDER BY hdf5_path`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var id, h5, typ, dtype, shape, chunks string
		if err := rows.Scan(&id, &h5, &typ, &dtype, &shape, &chunks); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join([]string{id, h5, typ, dtype, shape, chunks}, " "))
	}
	want := []string{
		"769322820:/acquisition/probe_769322820_lfp/probe_769322820_lfp_data/data /acquisition/probe_769322820_lfp/probe_769322820_lfp_data/data ElectricalSeries float32 [10, 87] [47320, 1]",
		"769322820:/processing/current_source_density/ecephys_csd/current_source_density/data /processing/current_source_density/ecephys_csd/current_source_density/data TimeSeries float64 [10, 384] [10, 384]",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("NWBArray\n got %q\nwant %q", got, want)
	}
}
