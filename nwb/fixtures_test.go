package nwb

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/linkml"
	"github.com/ccc-connectivity/ccc/store"
)

type fixtureWant struct {
	Ecephys struct {
		Identifier string
		Electrodes struct {
			IDs       []int64
			Location  []string
			X, Y, Z   []*float64
			GroupName []string  `json:"group_name"`
			PeakDepth []float64 `json:"peak_depth"`
		}
		Series struct {
			Path                     string
			Shape                    []int
			Data                     []float64
			Electrodes               []int64
			Rate, Conversion, Offset float64
			StartingTime             float64 `json:"starting_time"`
		}
		Units struct {
			IDs           []int64
			SpikeTimes    [][]float64 `json:"spike_times"`
			Bursts        [][][]float64
			Waveforms     [][][]float64
			Electrodes    [][]int64
			Quality       []string
			FiringRate    []float64 `json:"firing_rate"`
			PeakChannelID []int64   `json:"peak_channel_id"`
		}
	}
	Icephys struct {
		Identifier              string
		IntracellularRecordings []struct {
			ID                 int64
			Stimulus, Response string
		} `json:"intracellular_recordings"`
	}
}

var (
	fixtureOnce sync.Once
	fixtureDir  string
	fixtureErr  error
)

// pynwbFixtures runs python/nwb_fixtures.py once per test binary.
func pynwbFixtures(t *testing.T) (string, *fixtureWant) {
	t.Helper()
	py := testenv.Python(t, "pynwb", "numpy")
	fixtureOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ccc-nwb-fixtures-")
		if err != nil {
			fixtureErr = err
			return
		}
		script := filepath.Join(testenv.RepoRoot(t), "python", "nwb_fixtures.py")
		if out, err := exec.Command(py, script, dir).CombinedOutput(); err != nil {
			fixtureErr = errors.New(err.Error() + "\n" + string(out))
			return
		}
		fixtureDir = dir
	})
	if fixtureErr != nil {
		t.Fatalf("nwb_fixtures.py: %v", fixtureErr)
	}
	b, err := os.ReadFile(filepath.Join(fixtureDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	w := &fixtureWant{}
	if err := json.Unmarshal(b, w); err != nil {
		t.Fatal(err)
	}
	return fixtureDir, w
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

func TestPyNWBEcephys(t *testing.T) {
	dir, want := pynwbFixtures(t)
	w := want.Ecephys
	f, err := Open(filepath.Join(dir, "ecephys.nwb"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.CheckTypes(); err != nil {
		t.Fatal(err)
	}
	in, err := f.Info()
	if err != nil || in.Identifier != w.Identifier {
		t.Fatalf("info %v %v", in, err)
	}
	el, err := f.Table(ElectrodesPath)
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := el.IDs()
	if !reflect.DeepEqual(ids, w.Electrodes.IDs) {
		t.Fatalf("electrode ids %v want %v", ids, w.Electrodes.IDs)
	}
	loc := cells(t, el, "location")
	gn := cells(t, el, "group_name")
	for i := range ids {
		if loc[i] != w.Electrodes.Location[i] || gn[i] != w.Electrodes.GroupName[i] {
			t.Errorf("electrode %d: %v %v", i, loc[i], gn[i])
		}
	}
	for name, vals := range map[string][]*float64{"x": w.Electrodes.X, "y": w.Electrodes.Y, "z": w.Electrodes.Z} {
		got := cells(t, el, name)
		for i, v := range vals {
			g := got[i].(float64)
			if v == nil && !math.IsNaN(g) || v != nil && g != *v {
				t.Errorf("%s[%d] = %v want %v", name, i, g, v)
			}
		}
	}
	if pd := cells(t, el, "peak_depth"); pd[4] != w.Electrodes.PeakDepth[4] {
		t.Errorf("peak_depth %v", pd)
	}

	s, err := f.Series(w.Series.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.Shape(), w.Series.Shape) || s.Rate != w.Series.Rate || s.StartingTime != w.Series.StartingTime ||
		math.Abs(s.Conversion/w.Series.Conversion-1) > 1e-6 || math.Abs(s.Offset/w.Series.Offset-1) > 1e-6 {
		t.Fatalf("series meta %+v", s)
	}
	raw, err := s.Values([]int{0, 0}, s.Shape(), false)
	if err != nil || !reflect.DeepEqual(raw, w.Series.Data) {
		t.Fatalf("series data differ (%v)", err)
	}
	sl, err := s.Values([]int{10, 1}, []int{2, 2}, true)
	if err != nil {
		t.Fatal(err)
	}
	for k, idx := range []int{10*3 + 1, 10*3 + 2, 11*3 + 1, 11*3 + 2} {
		if math.Abs(sl[k]-(w.Series.Data[idx]*s.Conversion+s.Offset)) > 1e-15 {
			t.Fatalf("scaled slice %v", sl)
		}
	}
	if ts, _ := s.Times(3, 1); math.Abs(ts[0]-(1.5+3/30000.0)) > 1e-12 {
		t.Fatalf("times %v", ts)
	}
	tbl, rows, err := s.Electrodes()
	if err != nil || tbl != ElectrodesPath || !reflect.DeepEqual(rows, w.Series.Electrodes) {
		t.Fatalf("region %s %v %v", tbl, rows, err)
	}

	un, err := f.Table(UnitsPath)
	if err != nil {
		t.Fatal(err)
	}
	uids, _ := un.IDs()
	if !reflect.DeepEqual(uids, w.Units.IDs) {
		t.Fatalf("unit ids %v", uids)
	}
	st, _ := un.Column("spike_times")
	bu, _ := un.Column("bursts")
	if st.Ragged() != 1 || bu.Ragged() != 2 {
		t.Fatalf("ragged levels %d %d", st.Ragged(), bu.Ragged())
	}
	// a ragged column of 2-D elements, and a ragged DynamicTableRegion
	wfc := cells(t, un, "waveforms")
	ec, _ := un.Column("electrodes")
	if ec.Target != ElectrodesPath || ec.Ragged() != 1 {
		t.Fatalf("units electrodes column: target %q ragged %d", ec.Target, ec.Ragged())
	}
	erc := cells(t, un, "electrodes")
	for i := range w.Units.IDs {
		got := wfc[i].([]any)
		if len(got) != len(w.Units.Waveforms[i]) {
			t.Fatalf("waveforms[%d] = %v", i, got)
		}
		for j := range got {
			if !reflect.DeepEqual(got[j], w.Units.Waveforms[i][j]) {
				t.Fatalf("waveforms[%d][%d] = %v want %v", i, j, got[j], w.Units.Waveforms[i][j])
			}
		}
		if !reflect.DeepEqual(erc[i], w.Units.Electrodes[i]) {
			t.Fatalf("electrodes[%d] = %v want %v", i, erc[i], w.Units.Electrodes[i])
		}
	}
	stc := cells(t, un, "spike_times")
	buc := cells(t, un, "bursts")
	for i := range uids {
		if got := stc[i].([]float64); !(len(got) == 0 && len(w.Units.SpikeTimes[i]) == 0) && !reflect.DeepEqual(got, w.Units.SpikeTimes[i]) {
			t.Errorf("spike_times[%d] = %v want %v", i, got, w.Units.SpikeTimes[i])
		}
		got := buc[i].([]any)
		if len(got) != len(w.Units.Bursts[i]) {
			t.Fatalf("bursts[%d] = %v want %v", i, got, w.Units.Bursts[i])
		}
		for j := range got {
			g := got[j].([]float64)
			if !(len(g) == 0 && len(w.Units.Bursts[i][j]) == 0) && !reflect.DeepEqual(g, w.Units.Bursts[i][j]) {
				t.Errorf("bursts[%d][%d] = %v want %v", i, j, g, w.Units.Bursts[i][j])
			}
		}
		// lazy row access agrees with the column read
		row, err := un.Row(i)
		if err != nil {
			t.Fatal(err)
		}
		if row["quality"] != w.Units.Quality[i] || row["firing_rate"] != w.Units.FiringRate[i] || row["peak_channel_id"] != w.Units.PeakChannelID[i] {
			t.Errorf("row %d: %v", i, row)
		}
		if len(w.Units.SpikeTimes[i]) > 0 && !reflect.DeepEqual(row["spike_times"], w.Units.SpikeTimes[i]) {
			t.Errorf("row %d spike_times %v", i, row["spike_times"])
		}
	}
	// the file's own (newer) cached specs translate and load too
	y, err := f.LinkML(LinkMLOptions{Namespace: "core"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := linkml.LoadBytes("core.yaml", y, linkml.LoadOptions{Strict: true}); err != nil {
		t.Fatal(err)
	}
}

func TestPyNWBIcephys(t *testing.T) {
	dir, want := pynwbFixtures(t)
	f, err := Open(filepath.Join(dir, "icephys.nwb"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.CheckTypes(); err != nil {
		t.Fatal(err)
	}
	tb, err := f.Table("/general/intracellular_ephys/intracellular_recordings")
	if err != nil {
		t.Fatal(err)
	}
	if tb.NeurodataType != "IntracellularRecordingsTable" || tb.Rows != 3 {
		t.Fatalf("table %s %d", tb.NeurodataType, tb.Rows)
	}
	fr, err := tb.Frame(FrameOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fr.Names(), []string{"id", "electrodes.electrode", "stimuli.stimulus", "responses.response"}) {
		t.Fatalf("names %v", fr.Names())
	}
	for i, r := range want.Icephys.IntracellularRecordings {
		if fr.IDs[i] != r.ID {
			t.Errorf("id %d", fr.IDs[i])
		}
		stim := fr.Columns[1].Cell(i).(map[string]any)
		resp := fr.Columns[2].Cell(i).(map[string]any)
		if stim["timeseries"] != r.Stimulus || resp["timeseries"] != r.Response || stim["count"] != int64(20) || stim["idx_start"] != int64(0) {
			t.Errorf("row %d: %v %v", i, stim, resp)
		}
		if fr.Columns[0].Cell(i) != "/general/intracellular_ephys/elec0" {
			t.Errorf("electrode %v", fr.Columns[0].Cell(i))
		}
	}
	var sb strings.Builder
	if err := fr.WriteCSV(&sb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sb.String(), `"{""count"":20,""idx_start"":0,""timeseries"":""/acquisition/resp1""}"`) {
		t.Fatalf("csv %s", sb.String())
	}
}

func TestIngest(t *testing.T) {
	dir, _ := pynwbFixtures(t)
	ont, err := atlas.LoadOntology(testenv.SharedData(t, "allen-ccf/structure_tree_safe_2017.csv"), atlas.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in := t.TempDir()
	for _, n := range []string{"ecephys.nwb", "icephys.nwb"} {
		b, _ := os.ReadFile(filepath.Join(dir, n))
		os.WriteFile(filepath.Join(in, n), b, 0o644)
	}
	os.WriteFile(filepath.Join(in, "broken.nwb"), []byte("\x89HDF\r\n\x1a\n truncated"), 0o644)
	st, err := store.Init(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	files, err := NWBFiles(in)
	if err != nil || len(files) != 3 {
		t.Fatalf("files %v %v", files, err)
	}
	visp, _ := ont.Lookup("VISp")
	var calls int
	var mu sync.Mutex
	rep, err := Ingest(context.Background(), st, files, IngestOptions{
		Dataset:  "ephys_fixture",
		Ontology: ont,
		// a stand-in annotation volume: every point with x < 8000 um is VISp
		Locate: func(x, y, z float64) (int64, bool) {
			mu.Lock()
			calls++
			mu.Unlock()
			return visp.ID, x < 8000
		},
		Workers: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Good != 2 || rep.Bad != 1 || rep.Version == 0 || rep.Electrodes != 6 || rep.Units != 4 {
		t.Fatalf("report %+v", rep)
	}
	var bad FileReport
	for _, f := range rep.Files {
		if f.Err != nil {
			bad = f
		}
	}
	if !strings.HasSuffix(bad.Path, "broken.nwb") || !errors.Is(bad.Err, ccc.ErrFormat) {
		t.Fatalf("bad file report %+v", bad)
	}
	// electrode 3 (CA1) sits at x=7600: CCF says VISp -> disagreement;
	// electrode 5 has an unknown label
	var problems []string
	for _, n := range rep.Notes {
		problems = append(problems, n.Location+":"+n.Problem)
	}
	if len(rep.Notes) != 2 || rep.Notes[0].ElectrodeID != 5 && rep.Notes[1].ElectrodeID != 5 {
		t.Fatalf("notes %v", problems)
	}
	if rep.Regions.FromCCF != 1 || rep.Regions.FromLocation != 4 || rep.Regions.Unresolved != 1 {
		t.Fatalf("regions %+v", rep.Regions)
	}
	db, err := st.DB(context.Background(), store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	type site struct {
		id     int64
		loc    string
		region any
		src    any
	}
	rows, err := db.Query(`SELECT electrode_id, location, brain_region, region_source FROM RecordingSite WHERE id = data_item || ':' || electrode_id ORDER BY electrode_id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []site
	for rows.Next() {
		var s site
		if err := rows.Scan(&s.id, &s.loc, &s.region, &s.src); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	rows.Close()
	want := []site{{0, "VISp", int64(385), "location"}, {1, "VISp", int64(385), "location"}, {2, "VISp5", int64(778), "location"},
		{3, "CA1", int64(385), "ccf"}, {4, "grey", int64(8), "location"}, {5, "NotARegion", nil, nil}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("RecordingSite\n got %v\nwant %v", got, want)
	}
	var n int
	var q string
	var region int64
	if err := db.QueryRow(`SELECT count(*) FROM SortedUnit`).Scan(&n); err != nil || n != 4 {
		t.Fatalf("units %d %v", n, err)
	}
	if err := db.QueryRow(`SELECT quality, brain_region FROM SortedUnit WHERE unit_id = 100 AND id = 'ccc-ecephys-0001:100'`).Scan(&q, &region); err != nil || q != "good" || region != 385 {
		t.Fatalf("unit 100: %s %d %v", q, region, err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM DataItem`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("items %d %v", n, err)
	}
	var path, h5 string
	if err := db.QueryRow(`SELECT path, hdf5_path FROM NWBArray WHERE hdf5_path = '/acquisition/raw/data'`).Scan(&path, &h5); err != nil || !strings.HasSuffix(path, "ecephys.nwb") {
		t.Fatalf("array ref %s %s %v", path, h5, err)
	}

	// all files bad: nothing is written
	before, _ := st.Versions("")
	_, err = Ingest(context.Background(), st, []string{filepath.Join(in, "broken.nwb")}, IngestOptions{Dataset: "ephys_bad"})
	after, _ := st.Versions("")
	if !errors.Is(err, ccc.ErrFormat) || len(after) != len(before) {
		t.Fatalf("all-bad ingest: %v, versions %d -> %d", err, len(before), len(after))
	}
}

// TestSyntheticReadByPyNWB checks that the synthetic files the quickstart
// and the benchmarks use are valid enough for pynwb, and hold what our
// reader sees.
func TestSyntheticReadByPyNWB(t *testing.T) {
	py := testenv.Python(t, "pynwb")
	p := filepath.Join(t.TempDir(), "syn.nwb")
	if err := WriteSynthetic(p, SynthOptions{Electrodes: 12, Samples: 64, Units: 5, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	script := `
import sys, json, warnings
warnings.filterwarnings("ignore")
from pynwb import NWBHDF5IO
with NWBHDF5IO(sys.argv[1], "r") as io:
    f = io.read()
    es = f.acquisition["ElectricalSeries"]
    u = f.units.to_dataframe()
    json.dump({"id": f.identifier, "loc": list(f.electrodes["location"][:]), "shape": list(es.data.shape),
        "first": int(es.data[1, 2]), "rate": es.rate, "spikes": [len(s) for s in u["spike_times"]],
        "quality": list(u["quality"])}, sys.stdout)
`
	out, err := exec.Command(py, "-c", script, p).Output()
	if err != nil {
		t.Fatalf("pynwb cannot read the synthetic file: %v", err)
	}
	var w struct {
		ID      string
		Loc     []string
		Shape   []int
		First   int64
		Rate    float64
		Spikes  []int
		Quality []string
	}
	if err := json.Unmarshal(out, &w); err != nil {
		t.Fatal(err)
	}
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, _ := f.Series("/acquisition/ElectricalSeries")
	a, _ := s.Data().Slice([]int{1, 2}, []int{1, 1})
	first, _ := a.Int64()
	un, _ := f.Table(UnitsPath)
	st := cells(t, un, "spike_times")
	loc := cells(t, mustTable(t, f, ElectrodesPath), "location")
	if w.ID != "synthetic-0001" || !reflect.DeepEqual(s.Shape(), w.Shape) || first != w.First || s.Rate != w.Rate || len(loc) != len(w.Loc) {
		t.Fatalf("pynwb %+v, ccc shape %v first %d rate %g", w, s.Shape(), first, s.Rate)
	}
	for i := range st {
		if len(st[i].([]float64)) != w.Spikes[i] {
			t.Fatalf("unit %d: %d spikes, pynwb %d", i, len(st[i].([]float64)), w.Spikes[i])
		}
	}
	for i := range loc {
		if loc[i] != w.Loc[i] {
			t.Fatalf("location %d: %v vs %v", i, loc[i], w.Loc[i])
		}
	}
}

func mustTable(t *testing.T, f *File, p string) *Table {
	t.Helper()
	tb, err := f.Table(p)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}
