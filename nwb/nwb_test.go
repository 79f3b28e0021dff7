package nwb

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/hdf5"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/linkml"
)

// h5pyDump reads, with h5py (independently of this package), what the
// real-file tests compare against.
const h5pyDump = `
import h5py, json, sys, numpy as np
f = h5py.File(sys.argv[1], "r")
def clean(v):
    if isinstance(v, bytes): return v.decode()
    if isinstance(v, float) and v != v: return None
    return v
def col(ds):
    return [clean(x) for x in np.asarray(ds[()]).ravel().tolist()]
out = {"namespaces": {ns: sorted(f["specifications"][ns].keys()) for ns in f["specifications"]},
       "identifier": clean(f["identifier"][()]), "nwb_version": clean(f.attrs["nwb_version"])}
e = f["general/extracellular_ephys/electrodes"]
out["electrodes"] = {"colnames": [clean(c) for c in e.attrs["colnames"]], "id": col(e["id"]),
    "x": col(e["x"]), "y": col(e["y"]), "z": col(e["z"]), "location": col(e["location"]),
    "probe_vertical_position": col(e["probe_vertical_position"]),
    "group": [f[r].name for r in e["group"][()]]}
if "units" in f:
    u = f["units"]
    out["units"] = {"colnames": [clean(c) for c in u.attrs["colnames"]], "id": col(u["id"]),
        "quality": col(u["quality"]), "firing_rate": col(u["firing_rate"]), "peak_channel_id": col(u["peak_channel_id"])}
for name in ["acquisition/probe_769322820_lfp/probe_769322820_lfp_data"]:
    if name in f:
        d = f[name + "/data"]
        out["series"] = {"shape": list(d.shape), "slice": d[2:5, 10:13].astype(float).ravel().tolist(),
            "electrodes": col(f[name + "/electrodes"]), "table": f[f[name + "/electrodes"].attrs["table"]].name,
            "timestamps": f[name + "/timestamps"][2:5].tolist()}
json.dump(out, sys.stdout)
`

type realWant struct {
	Namespaces map[string][]string
	Identifier string
	NWBVersion string `json:"nwb_version"`
	Electrodes map[string][]any
	Units      map[string][]any
	Series     *struct {
		Shape      []int
		Slice      []float64
		Electrodes []any
		Table      string
		Timestamps []float64
	}
}

func dumpH5py(t *testing.T, p string) *realWant {
	t.Helper()
	py := testenv.Python(t, "h5py", "numpy")
	out, err := exec.Command(py, "-c", h5pyDump, p).Output()
	if err != nil {
		t.Fatalf("h5py: %v", err)
	}
	w := &realWant{}
	if err := json.Unmarshal(out, w); err != nil {
		t.Fatal(err)
	}
	return w
}

// sameValues compares Go cell values with h5py's JSON values (nil = NaN).
func sameValues(t *testing.T, what string, got []any, want []any) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, h5py %d", what, len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		switch x := g.(type) {
		case float64:
			if w == nil {
				if !math.IsNaN(x) {
					t.Errorf("%s[%d] = %v, h5py NaN", what, i, x)
				}
				continue
			}
			if x != w.(float64) {
				t.Errorf("%s[%d] = %v, h5py %v", what, i, x, w)
			}
		case int64:
			if float64(x) != w.(float64) {
				t.Errorf("%s[%d] = %v, h5py %v", what, i, x, w)
			}
		default:
			if g != w {
				t.Errorf("%s[%d] = %v, h5py %v", what, i, g, w)
			}
		}
	}
}

func cells(t *testing.T, tb *Table, name string) []any {
	t.Helper()
	c, err := tb.Column(name)
	if err != nil {
		t.Fatal(err)
	}
	cd, err := c.Read()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]any, cd.Len())
	for i := range out {
		out[i] = cd.Cell(i)
	}
	return out
}

func TestRealAllenFiles(t *testing.T) {
	for _, name := range []string{"nwb/aibs.nwb", "nwb/aibs_ecephys.nwb"} {
		p := testenv.SharedData(t, name)
		t.Run(name, func(t *testing.T) {
			want := dumpH5py(t, p)
			f, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Version != want.NWBVersion || f.Version != "2.2.2" {
				t.Fatalf("version %q, h5py %q", f.Version, want.NWBVersion)
			}
			// cached namespaces and versions
			nss, err := f.Namespaces()
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for _, ns := range nss {
				got[ns.Name] = append(got[ns.Name], ns.Version)
			}
			if !reflect.DeepEqual(got, want.Namespaces) || !reflect.DeepEqual(got, map[string][]string{
				"core": {"2.2.2"}, "hdmf-common": {"1.1.3"}, "ndx-aibs-ecephys": {"0.2.0"}}) {
				t.Fatalf("namespaces %v, h5py %v", got, want.Namespaces)
			}
			if err := f.CheckTypes(); err != nil {
				t.Fatal(err)
			}
			in, err := f.Info()
			if err != nil {
				t.Fatal(err)
			}
			if in.Identifier != want.Identifier {
				t.Fatalf("identifier %q, h5py %q", in.Identifier, want.Identifier)
			}
			// electrodes: count, columns, values
			el, err := f.Table(ElectrodesPath)
			if err != nil {
				t.Fatal(err)
			}
			wantCols := make([]string, len(want.Electrodes["colnames"]))
			for i, c := range want.Electrodes["colnames"] {
				wantCols[i] = c.(string)
			}
			if el.Rows != 10 || !reflect.DeepEqual(el.ColumnNames(), wantCols) {
				t.Fatalf("electrodes %d rows, columns %v; h5py %v", el.Rows, el.ColumnNames(), wantCols)
			}
			row, err := el.Row(3)
			if err != nil || row["id"] != int64(want.Electrodes["id"][3].(float64)) || row["location"] != want.Electrodes["location"][3] {
				t.Fatalf("row 3: %v %v", row, err)
			}
			ids, _ := el.IDs()
			idsAny := make([]any, len(ids))
			for i, v := range ids {
				idsAny[i] = v
			}
			sameValues(t, "electrodes id", idsAny, want.Electrodes["id"])
			for _, c := range []string{"x", "y", "z", "location", "probe_vertical_position", "group"} {
				sameValues(t, "electrodes "+c, cells(t, el, c), want.Electrodes[c])
			}
			if want.Units != nil {
				un, err := f.Table(UnitsPath)
				if err != nil {
					t.Fatal(err)
				}
				var wc []string
				for _, c := range want.Units["colnames"] {
					wc = append(wc, c.(string))
				}
				if !reflect.DeepEqual(un.ColumnNames(), wc) || un.Rows != 10 {
					t.Fatalf("units columns %v, h5py %v", un.ColumnNames(), wc)
				}
				for _, c := range []string{"quality", "firing_rate", "peak_channel_id"} {
					sameValues(t, "units "+c, cells(t, un, c), want.Units[c])
				}
				// the files are truncated to 10 elements: ragged columns must fail clearly
				c, _ := un.Column("spike_times")
				if _, err := c.Read(); !errors.Is(err, ErrBadTable) || !strings.Contains(err.Error(), "/units/spike_times_index") {
					t.Fatalf("truncated spike_times: %v", err)
				}
				fr, err := un.Frame(FrameOptions{DropInvalid: true})
				if err != nil || len(fr.Dropped) != 3 || len(fr.Columns) != len(wc)-3 {
					t.Fatalf("frame: %v dropped %v", err, fr)
				}
				if _, err := un.Row(5); !errors.Is(err, ErrBadTable) || !strings.Contains(err.Error(), "/units/spike_times_index") {
					t.Fatalf("row 5 of the truncated units: %v", err)
				}
			}
			if want.Series != nil {
				s, err := f.Series("/acquisition/probe_769322820_lfp/probe_769322820_lfp_data")
				if err != nil {
					t.Fatal(err)
				}
				if s.NeurodataType != "ElectricalSeries" || !reflect.DeepEqual(s.Shape(), want.Series.Shape) || !reflect.DeepEqual(s.Shape(), []int{10, 87}) {
					t.Fatalf("series %s %v, h5py %v", s.NeurodataType, s.Shape(), want.Series.Shape)
				}
				a, err := s.Data().Slice([]int{2, 10}, []int{3, 3})
				if err != nil {
					t.Fatal(err)
				}
				v, _ := a.Float64s()
				if !reflect.DeepEqual(v, want.Series.Slice) {
					t.Fatalf("slice %v, h5py %v", v, want.Series.Slice)
				}
				tbl, rows, err := s.Electrodes()
				if err != nil || tbl != want.Series.Table || len(rows) != len(want.Series.Electrodes) {
					t.Fatalf("electrodes region %s %v %v", tbl, rows, err)
				}
				ts, err := s.Times(2, 3)
				if err != nil || !reflect.DeepEqual(ts, want.Series.Timestamps) {
					t.Fatalf("times %v, h5py %v (%v)", ts, want.Series.Timestamps, err)
				}
			}
		})
	}
}

func TestLinkMLFromCachedSpecs(t *testing.T) {
	p := testenv.SharedData(t, "nwb/aibs_ecephys.nwb")
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, ns := range []string{"", "core", "hdmf-common", "ndx-aibs-ecephys"} {
		t.Run("ns="+ns, func(t *testing.T) {
			y, err := f.LinkML(LinkMLOptions{Namespace: ns})
			if err != nil {
				t.Fatal(err)
			}
			s, err := linkml.LoadBytes("nwb.yaml", y, linkml.LoadOptions{Strict: true})
			if err != nil {
				t.Fatalf("engine rejects the translation: %v", err)
			}
			checks := map[string]string{"VectorData": "Data", "DynamicTable": "Container", "Data": ""}
			if ns != "hdmf-common" {
				checks["ElectricalSeries"] = "TimeSeries"
				checks["Units"] = "DynamicTable"
			}
			if ns == "" || ns == "ndx-aibs-ecephys" {
				checks["EcephysProbe"] = "Device"
				checks["EcephysElectrodeGroup"] = "ElectrodeGroup"
			}
			for c, parent := range checks {
				cl := s.Class(c)
				if cl == nil || cl.IsA != parent {
					t.Fatalf("class %s: %+v", c, cl)
				}
			}
			if ns != "hdmf-common" && s.TreeRoot() != "NWBFile" {
				t.Fatalf("tree root %q", s.TreeRoot())
			}
			if ns == "hdmf-common" && s.Class("ElectricalSeries") != nil {
				t.Fatal("hdmf-common schema should not contain core classes")
			}
			if ns != "hdmf-common" {
				data := s.Class("ElectricalSeries__data")
				if data == nil {
					t.Fatal("no ElectricalSeries__data")
				}
				if n := data.Attribute("name"); n == nil || n.EqualsString != "data" || !n.IsIdentifier() {
					t.Fatalf("ElectricalSeries__data name slot %+v", n)
				}
				v := data.Attribute("value")
				if v == nil || v.Range != "numeric" || len(v.AnyOf) != 3 {
					t.Fatalf("value slot %+v", v)
				}
				el := s.Class("ElectricalSeries").Attribute("electrodes")
				if el == nil || el.Range != "DynamicTableRegion" || !el.IsRequired() {
					t.Fatalf("electrodes slot %+v", el)
				}
				dev := s.Class("ElectrodeGroup").Attribute("device")
				if dev == nil || dev.Range != "Device" || dev.Inlined == nil || *dev.Inlined {
					t.Fatalf("device link %+v", dev)
				}
			}
		})
	}
	if _, err := f.LinkML(LinkMLOptions{Namespace: "ndx-nope"}); !errors.Is(err, ccc.ErrNotFound) || !strings.Contains(err.Error(), "/specifications/ndx-nope") {
		t.Fatalf("unknown namespace: %v", err)
	}
}

// TestLinkMLPython checks that Python's linkml accepts the translation too.
func TestLinkMLPython(t *testing.T) {
	p := testenv.SharedData(t, "nwb/aibs.nwb")
	tool := testenv.Tool(t, "gen-json-schema")
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	y, err := f.LinkML(LinkMLOptions{Namespace: "ndx-aibs-ecephys"})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	sp := filepath.Join(t.TempDir(), "nwb.yaml")
	os.WriteFile(sp, y, 0o644)
	out, err := exec.Command(tool, sp).CombinedOutput()
	if err != nil {
		t.Fatalf("gen-json-schema: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte(`"EcephysProbe"`)) {
		t.Fatal("JSON schema lacks EcephysProbe")
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.nwb")
	os.WriteFile(text, []byte("not hdf5 at all"), 0o644)
	syn := filepath.Join(dir, "syn.nwb")
	if err := WriteSynthetic(syn, SynthOptions{}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(syn)
	trunc := filepath.Join(dir, "trunc.nwb")
	os.WriteFile(trunc, b[:len(b)/2], 0o644)

	plain := filepath.Join(dir, "plain.h5")
	h, _ := hdf5.Create(plain)
	h.WriteDataset("/data", []float64{1, 2}, []int{2}, nil)
	h.Close()

	// an extension type whose spec is not cached
	ext := filepath.Join(dir, "ext.nwb")
	if err := WriteSynthetic(ext, SynthOptions{}); err != nil {
		t.Fatal(err)
	}
	hw := reopenWrite(t, ext)
	hw.CreateGroup("/acquisition/odd")
	hw.SetAttr("/acquisition/odd", "namespace", "ndx-mystery")
	hw.SetAttr("/acquisition/odd", "neurodata_type", "MysterySeries")
	hw.Close()

	cases := []struct {
		name, path string
		kind       error
		want       string
	}{
		{"not hdf5", text, ccc.ErrFormat, "not an HDF5 file"},
		{"truncated", trunc, ccc.ErrFormat, "truncated or corrupt"},
		{"hdf5 not nwb", plain, ccc.ErrFormat, "plain.h5:/: HDF5 file is not NWB"},
		{"unknown type", ext, ccc.ErrSchema, "ext.nwb:/acquisition/odd: neurodata_type \"MysterySeries\" of namespace \"ndx-mystery\""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Open(c.path)
			if err == nil {
				err = f.CheckTypes()
				f.Close()
			}
			if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.path) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

// reopenWrite opens an existing file for appending (test helper: the
// package writer only creates files, so copy via a new file).
func reopenWrite(t *testing.T, p string) *hdf5.File {
	t.Helper()
	f, err := hdf5.OpenRW(p)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestInconsistentTable(t *testing.T) {
	p := filepath.Join(t.TempDir(), "s.nwb")
	if err := WriteSynthetic(p, SynthOptions{Units: 3}); err != nil {
		t.Fatal(err)
	}
	h := reopenWrite(t, p)
	h.SetAttr(UnitsPath, "colnames", []string{"quality", "ghost"})
	h.WriteDataset("/general/extracellular_ephys/electrodes/short", []float64{1}, []int{1}, nil)
	h.SetAttr(ElectrodesPath, "colnames", []string{"x", "short"})
	h.Close()
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Table(UnitsPath); !errors.Is(err, ErrBadTable) || !strings.Contains(err.Error(), "/units/ghost") {
		t.Fatalf("missing column: %v", err)
	}
	if _, err := f.Table(ElectrodesPath); !errors.Is(err, ErrBadTable) || !strings.Contains(err.Error(), "column short has 1 entries, the table 16 rows") {
		t.Fatalf("short column: %v", err)
	}
	in, err := f.Info()
	if err != nil {
		t.Fatal(err)
	}
	for _, ti := range in.Tables {
		if ti.Error == "" {
			t.Fatalf("table %s should be reported unreadable", ti.Path)
		}
	}
}
