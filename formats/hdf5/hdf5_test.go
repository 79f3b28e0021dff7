package hdf5

import (
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
	"github.com/ccc-connectivity/ccc/internal/testenv"
)

func writeFixture(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fx.h5")
	f, err := Create(p)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	data := make([]float32, 100*7)
	for i := range data {
		data[i] = float32(i) / 2
	}
	must(f.WriteDataset("/a/b/data", data, []int{100, 7}, &WriteOptions{Chunks: []int{16, 7}, Gzip: 4, MaxShape: []int{-1, 7}}))
	must(f.WriteDataset("/a/ints", []int16{-3, 4, 5}, []int{3}, nil))
	must(f.WriteDataset("/a/u8", []uint8{1, 255}, []int{2}, nil))
	must(f.WriteDataset("/a/flags", []bool{true, false, true}, []int{3}, nil))
	must(f.WriteDataset("/a/names", []string{"VISp", "", "CA1 ü"}, []int{3}, nil))
	must(f.WriteDataset("/scalar", []string{"hello"}, nil, nil))
	must(f.CreateGroup("/g/sub"))
	must(f.WriteDataset("/refs", []Ref{{Path: "/g/sub"}, {Path: "/a/ints"}, {Null: true}}, []int{3}, nil))
	must(f.SetAttr("/g", "neurodata_type", "Thing"))
	must(f.SetAttr("/g", "n", 42))
	must(f.SetAttr("/g", "rate", 30000.5))
	must(f.SetAttr("/g", "cols", []string{"x", "y"}))
	must(f.SetAttr("/g", "target", Ref{Path: "/a/ints"}))
	must(f.SoftLink("/link", "/a/b"))
	must(f.SoftLink("/dangling", "/nowhere"))
	must(f.Close())
	return p
}

func TestRoundTrip(t *testing.T) {
	p := writeFixture(t)
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	d, err := f.Dataset("/a/b/data")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.Shape, []int{100, 7}) || !reflect.DeepEqual(d.MaxShape, []int{-1, 7}) ||
		!reflect.DeepEqual(d.Chunks, []int{16, 7}) || d.Type.String() != "float32" || !reflect.DeepEqual(d.Filters, []string{"gzip"}) {
		t.Fatalf("meta %+v", d)
	}
	a, err := d.Slice([]int{10, 2}, []int{3, 2})
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{float32(10*7+2) / 2, float32(10*7+3) / 2, float32(11*7+2) / 2, float32(11*7+3) / 2, float32(12*7+2) / 2, float32(12*7+3) / 2}
	if !reflect.DeepEqual(a.Data, want) || !reflect.DeepEqual(a.Shape, []int{3, 2}) {
		t.Fatalf("slice %v %v", a.Shape, a.Data)
	}
	if _, err := d.Slice([]int{99, 0}, []int{2, 7}); !errors.Is(err, ccc.ErrNotFound) || !strings.Contains(err.Error(), "/a/b/data") {
		t.Fatalf("out of range: %v", err)
	}

	cases := []struct {
		path string
		want any
	}{
		{"/a/ints", []int16{-3, 4, 5}},
		{"/a/u8", []uint8{1, 255}},
		{"/a/flags", []bool{true, false, true}},
		{"/a/names", []string{"VISp", "", "CA1 ü"}},
		{"/scalar", []string{"hello"}},
		{"/link/data", nil}, // through a soft link: compared below
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			d, err := f.Dataset(c.path)
			if err != nil {
				t.Fatal(err)
			}
			a, err := d.Read()
			if err != nil {
				t.Fatal(err)
			}
			if c.want == nil {
				if a.Len() != 700 {
					t.Fatalf("len %d", a.Len())
				}
				return
			}
			if !reflect.DeepEqual(a.Data, c.want) {
				t.Fatalf("got %#v want %#v", a.Data, c.want)
			}
		})
	}
	rd, _ := f.Dataset("/refs")
	ra, err := rd.Read()
	if err != nil {
		t.Fatal(err)
	}
	refs, _ := ra.Refs()
	if refs[0].Path != "/g/sub" || refs[1].Path != "/a/ints" || !refs[2].Null {
		t.Fatalf("refs %+v", refs)
	}

	g, err := f.Group("/g")
	if err != nil {
		t.Fatal(err)
	}
	names, _ := g.AttrNames()
	if !reflect.DeepEqual(names, []string{"cols", "n", "neurodata_type", "rate", "target"}) {
		t.Fatalf("attr names %v", names)
	}
	if s, _ := g.AttrString("neurodata_type"); s != "Thing" {
		t.Fatal(s)
	}
	if a, _ := g.Attr("n"); a.Shape != nil || !reflect.DeepEqual(a.Data, []int64{42}) {
		t.Fatalf("n %+v", a)
	}
	if a, _ := g.Attr("rate"); !reflect.DeepEqual(a.Data, []float64{30000.5}) {
		t.Fatalf("rate %+v", a)
	}
	if a, _ := g.Attr("cols"); !reflect.DeepEqual(a.Data, []string{"x", "y"}) || !reflect.DeepEqual(a.Shape, []int{2}) {
		t.Fatalf("cols %+v", a)
	}
	if a, _ := g.Attr("target"); a.String() != "/a/ints" {
		t.Fatalf("target %+v", a)
	}
	if _, err := g.Attr("missing"); !errors.Is(err, ccc.ErrNotFound) || !strings.Contains(err.Error(), "/g@missing") {
		t.Fatalf("missing attr: %v", err)
	}

	ms, err := f.Root().Members()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Member{}
	for _, m := range ms {
		got[m.Name] = m
	}
	if m := got["link"]; m.Link != LinkSoft || m.Target != "/a/b" || m.Type != TypeGroup {
		t.Fatalf("link %+v", m)
	}
	if m := got["dangling"]; m.Link != LinkSoft || m.Type != TypeUnknown {
		t.Fatalf("dangling %+v", m)
	}
	if m := got["a"]; m.Type != TypeGroup || m.Link != LinkHard {
		t.Fatalf("a %+v", m)
	}
	var walked []string
	if err := f.Root().Walk(func(m Member) error { walked = append(walked, m.Path); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(walked) != 13 {
		t.Fatalf("walk %v", walked)
	}
	if _, err := f.Dataset("/nope/x"); !errors.Is(err, ccc.ErrNotFound) || !strings.Contains(err.Error(), "/nope/x") {
		t.Fatalf("missing dataset: %v", err)
	}
	if _, err := f.Dataset("/g"); !errors.Is(err, ccc.ErrNotFound) {
		t.Fatalf("group as dataset: %v", err)
	}
}

func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	good := writeFixture(t)
	b, _ := os.ReadFile(good)
	text := filepath.Join(dir, "text.nwb")
	os.WriteFile(text, []byte("this is not hdf5\n"), 0o644)
	trunc := filepath.Join(dir, "trunc.nwb")
	os.WriteFile(trunc, b[:len(b)/3], 0o644)
	empty := filepath.Join(dir, "empty.nwb")
	os.WriteFile(empty, nil, 0o644)
	cases := []struct {
		name, path string
		kind       error
		sentinel   error
	}{
		{"text", text, ccc.ErrFormat, ErrNotHDF5},
		{"empty", empty, ccc.ErrFormat, ErrNotHDF5},
		{"truncated", trunc, ccc.ErrFormat, ErrCorrupt},
		{"missing", filepath.Join(dir, "nope.nwb"), ccc.ErrNotFound, ErrNoObject},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Open(c.path)
			if !errors.Is(err, c.kind) || !errors.Is(err, c.sentinel) || !strings.Contains(err.Error(), c.path) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestConcurrentReads(t *testing.T) {
	p := writeFixture(t)
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			d, err := f.Dataset("/a/b/data")
			if err != nil {
				errs <- err
				return
			}
			a, err := d.Rows(i, 5)
			if err != nil {
				errs <- err
				return
			}
			if v := a.Data.([]float32)[0]; v != float32(i*7)/2 {
				errs <- errors.New("wrong value")
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestRealFiles compares what this package reads from the Allen NWB files
// with h5py reading the same datasets.
func TestRealFiles(t *testing.T) {
	py := testenv.Python(t, "h5py", "numpy")
	for _, name := range []string{"nwb/aibs.nwb", "nwb/aibs_ecephys.nwb"} {
		p := testenv.SharedData(t, name)
		t.Run(name, func(t *testing.T) {
			script := `
import h5py, json, sys, numpy as np
f = h5py.File(sys.argv[1], "r")
out = {}
def visit(name, obj):
    if not isinstance(obj, h5py.Dataset) or name.startswith("specifications"):
        return
    d = {"shape": list(obj.shape), "chunks": list(obj.chunks) if obj.chunks else None}
    if obj.dtype.names:
        d["fields"] = list(obj.dtype.names)
        d["first"] = [str(obj[0][n]) if obj.dtype[n].kind == "O" else obj[0][n].item() for n in obj.dtype.names] if obj.shape[0] else []
    elif obj.dtype.kind == "O" and h5py.check_ref_dtype(obj.dtype):
        d["refs"] = [f[r].name for r in obj[()].ravel()]
    elif obj.dtype.kind in "OSU":
        v = obj[()]
        v = [v] if obj.shape == () else list(np.asarray(v).ravel())
        d["strings"] = [x.decode() if isinstance(x, bytes) else str(x) for x in v]
    else:
        v = np.asarray(obj[()], dtype=float).ravel()
        d["sum"] = float(np.nansum(v)); d["nan"] = int(np.isnan(v).sum()); pass
    out["/" + name] = d
f.visititems(visit)
json.dump(out, sys.stdout)
`
			raw, err := exec.Command(py, "-c", script, p).Output()
			if err != nil {
				t.Fatal(err)
			}
			var want map[string]struct {
				Shape   []int
				Chunks  []int
				Fields  []string
				Refs    []string
				Strings []string
				Sum     float64
				NaN     int
				First   any
			}
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			f, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			n := 0
			for path, w := range want {
				d, err := f.Dataset(path)
				if err != nil {
					t.Fatal(err)
				}
				if len(w.Shape) == 0 {
					w.Shape = nil
				}
				if !reflect.DeepEqual(d.Shape, w.Shape) || !reflect.DeepEqual(d.Chunks, w.Chunks) {
					t.Errorf("%s: shape %v chunks %v, h5py %v %v", path, d.Shape, d.Chunks, w.Shape, w.Chunks)
				}
				a, err := d.Read()
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				switch {
				case w.Fields != nil:
					for i, fn := range w.Fields {
						col, err := a.Field(fn)
						if err != nil {
							t.Fatal(err)
						}
						if s, ok := w.First.([]any)[i].(float64); ok {
							if v, _ := col.Float64(); v != s {
								t.Errorf("%s.%s[0] = %v, h5py %v", path, fn, v, s)
							}
						}
					}
				case w.Refs != nil:
					if got := a.Strings(); !reflect.DeepEqual(got, w.Refs) {
						t.Errorf("%s refs %v, h5py %v", path, got, w.Refs)
					}
				case w.Strings != nil:
					if got := a.Strings(); !reflect.DeepEqual(got, w.Strings) {
						t.Errorf("%s strings %q, h5py %q", path, got, w.Strings)
					}
				default:
					fs, err := a.Float64s()
					if err != nil {
						t.Fatalf("%s: %v", path, err)
					}
					sum, nan := 0.0, 0
					for _, v := range fs {
						if math.IsNaN(v) {
							nan++
						} else {
							sum += v
						}
					}
					if nan != w.NaN || math.Abs(sum-w.Sum) > 1e-9*math.Max(1, math.Abs(w.Sum)) {
						t.Errorf("%s: sum %v nan %d, h5py %v %d", path, sum, nan, w.Sum, w.NaN)
					}
				}
				n++
			}
			if n < 30 {
				t.Fatalf("only %d datasets compared", n)
			}
		})
	}
}

// TestH5pyTypes reads types the package writer does not make, written by
// h5py: region references, fixed-length strings, compound with strings and
// references, enums, float16, an empty (null) attribute.
func TestH5pyTypes(t *testing.T) {
	py := testenv.Python(t, "h5py", "numpy")
	p := filepath.Join(t.TempDir(), "types.h5")
	script := `
import h5py, numpy as np, sys
with h5py.File(sys.argv[1], "w") as f:
    d = f.create_dataset("grid", data=np.arange(30, dtype="<i4").reshape(5, 6))
    g = f.create_group("grp")
    rr = f.create_dataset("regions", (2,), dtype=h5py.regionref_dtype)
    rr[0] = d.regionref[1:3, 2:5]
    rr[1] = d.regionref[4, 0]
    f.create_dataset("fixed", data=np.array([b"ab", b"cde", b""], dtype="S4"))
    ct = np.dtype([("idx", "<i4"), ("name", h5py.string_dtype()), ("target", h5py.ref_dtype), ("w", "<f8")])
    c = f.create_dataset("comp", (2,), dtype=ct)
    c[0] = (7, "seven", g.ref, 0.5)
    c[1] = (-1, "minus", d.ref, 1.5)
    et = h5py.enum_dtype({"RED": 0, "GREEN": 5, "BLUE": 9}, basetype="u1")
    f.create_dataset("enum", data=np.array([0, 9, 5], dtype="u1"), dtype=et)
    f.create_dataset("half", data=np.array([1.5, -2.25], dtype="<f2"))
    f.create_dataset("big", data=np.array([2**63 + 5], dtype="<u8"))
    f.attrs.create("empty", h5py.Empty("f8"))
`
	if out, err := exec.Command(py, "-c", script, p).CombinedOutput(); err != nil {
		t.Fatalf("h5py: %v\n%s", err, out)
	}
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	read := func(path string) *Array {
		t.Helper()
		d, err := f.Dataset(path)
		if err != nil {
			t.Fatal(err)
		}
		a, err := d.Read()
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	refs, _ := read("/regions").Refs()
	if refs[0].Path != "/grid" || len(refs[0].Region.Blocks) != 1 ||
		!reflect.DeepEqual(refs[0].Region.Blocks[0], [2][]int64{{1, 2}, {2, 4}}) || refs[0].String() != "/grid[1:3,2:5]" {
		t.Fatalf("region ref 0: %+v", refs[0])
	}
	if r := refs[1]; r.Path != "/grid" || !(len(r.Region.Blocks) == 1 && reflect.DeepEqual(r.Region.Blocks[0], [2][]int64{{4, 0}, {4, 0}}) ||
		len(r.Region.Points) == 1 && reflect.DeepEqual(r.Region.Points[0], []int64{4, 0})) {
		t.Fatalf("region ref 1: %+v", r.Region)
	}
	if got := read("/fixed").Data; !reflect.DeepEqual(got, []string{"ab", "cde", ""}) {
		t.Fatalf("fixed %q", got)
	}
	c := read("/comp")
	if c.Type.String() != "compound{idx int32, name string, target object-ref, w float64}" {
		t.Fatalf("compound type %s", c.Type)
	}
	idx, _ := c.Field("idx")
	name, _ := c.Field("name")
	tgt, _ := c.Field("target")
	w, _ := c.Field("w")
	if !reflect.DeepEqual(idx.Data, []int32{7, -1}) || !reflect.DeepEqual(name.Data, []string{"seven", "minus"}) ||
		!reflect.DeepEqual(tgt.Strings(), []string{"/grp", "/grid"}) || !reflect.DeepEqual(w.Data, []float64{0.5, 1.5}) {
		t.Fatalf("compound columns %v %v %v %v", idx.Data, name.Data, tgt.Strings(), w.Data)
	}
	e := read("/enum")
	if !reflect.DeepEqual(e.Data, []int64{0, 9, 5}) || !reflect.DeepEqual(e.Type.EnumNames, []string{"BLUE", "GREEN", "RED"}) &&
		!reflect.DeepEqual(e.Type.EnumNames, []string{"RED", "GREEN", "BLUE"}) {
		t.Fatalf("enum %v %v", e.Data, e.Type.EnumNames)
	}
	if h := read("/half"); !reflect.DeepEqual(h.Data, []float32{1.5, -2.25}) || h.Type.String() != "float16" {
		t.Fatalf("half %v %s", h.Data, h.Type)
	}
	if b := read("/big"); !reflect.DeepEqual(b.Data, []uint64{1<<63 + 5}) || b.Strings()[0] != "9223372036854775813" {
		t.Fatalf("uint64 %v %v", b.Data, b.Strings())
	}
	if _, err := read("/big").Int64s(); !errors.Is(err, ccc.ErrInvalidData) {
		t.Fatalf("uint64 overflow: %v", err)
	}
	if a, err := f.Root().Attr("empty"); err != nil || a.Len() != 0 {
		t.Fatalf("empty attr %+v %v", a, err)
	}
}
