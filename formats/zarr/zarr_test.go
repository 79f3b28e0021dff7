package zarr

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/klauspost/compress/zstd"
)

func seq[T Number](n int, f func(i int) float64) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = T(f(i))
	}
	return out
}

func roundTrip[T Number](t *testing.T, format int, comp string, shape, chunks []int, f func(i int) float64) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "arr")
	n := 1
	for _, s := range shape {
		n *= s
	}
	data := seq[T](n, f)
	m := Meta{Format: format, Shape: shape, Chunks: chunks, Compressor: comp, FillValue: 7,
		Attributes: map[string]any{"unit": "mm^3", "k": 2.0}}
	if _, err := Write(dir, m, data); err != nil {
		t.Fatal(err)
	}
	got, a, err := Read[T](dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, data) {
		t.Fatalf("values differ:\n got %v\nwant %v", got[:min(10, n)], data[:min(10, n)])
	}
	if a.Meta.Format != format || a.Meta.Compressor != comp || !reflect.DeepEqual(a.Meta.Shape, shape) ||
		!reflect.DeepEqual(a.Meta.Chunks, chunks) || a.Meta.FillValue != 7 || a.Meta.Attributes["unit"] != "mm^3" {
		t.Fatalf("meta differs: %+v", a.Meta)
	}
	f64, _, err := ReadFloat64(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		if f64[i] != float64(data[i]) {
			t.Fatalf("ReadFloat64[%d] = %v, want %v", i, f64[i], data[i])
		}
	}
}

func TestRoundTrip(t *testing.T) {
	shape, chunks := []int{5, 7, 3}, []int{2, 3, 2} // edge chunks in every dimension
	for _, format := range []int{2, 3} {
		for _, comp := range []string{None, Gzip, Zstd} {
			t.Run(fmt.Sprintf("v%d/%s", format, comp+"none"[:4*btoi(comp == "")]), func(t *testing.T) {
				fl := func(i int) float64 { return math.Sin(float64(i)) * 1e3 }
				in := func(i int) float64 { return float64(i*37%200 - 100) }
				un := func(i int) float64 { return float64(i * 37 % 250) }
				roundTrip[float32](t, format, comp, shape, chunks, fl)
				roundTrip[float64](t, format, comp, shape, chunks, fl)
				roundTrip[int8](t, format, comp, shape, chunks, in)
				roundTrip[int16](t, format, comp, shape, chunks, in)
				roundTrip[int32](t, format, comp, shape, chunks, in)
				roundTrip[int64](t, format, comp, shape, chunks, in)
				roundTrip[uint8](t, format, comp, shape, chunks, un)
				roundTrip[uint16](t, format, comp, shape, chunks, un)
				roundTrip[uint32](t, format, comp, shape, chunks, un)
				roundTrip[uint64](t, format, comp, shape, chunks, un)
			})
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestMissingChunksReadAsFill(t *testing.T) {
	dir := t.TempDir()
	a, err := Create(dir, Meta{Format: 3, Shape: []int{4, 4}, Chunks: []int{2, 2}, DataType: Float32, FillValue: math.NaN()})
	if err != nil {
		t.Fatal(err)
	}
	chunk := asBytes([]float32{1, 2, 3, 4})
	if err := a.WriteChunk([]int{1, 0}, chunk); err != nil {
		t.Fatal(err)
	}
	got, _, err := Read[float32](dir)
	if err != nil {
		t.Fatal(err)
	}
	// chunk (1,0) covers rows 2-3, columns 0-1
	want := map[int]float32{8: 1, 9: 2, 12: 3, 13: 4}
	for i, v := range got {
		if w, ok := want[i]; ok {
			if v != w {
				t.Errorf("[%d] = %v, want %v", i, v, w)
			}
		} else if !math.IsNaN(float64(v)) {
			t.Errorf("[%d] = %v, want NaN fill", i, v)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "zarr.json")); !strings.Contains(string(b), `"fill_value": "NaN"`) {
		t.Errorf("NaN fill not encoded as \"NaN\":\n%s", b)
	}
}

func TestCorruptChunks(t *testing.T) {
	for _, comp := range []string{None, Gzip, Zstd} {
		for _, format := range []int{2, 3} {
			dir := t.TempDir()
			a, err := Write(dir, Meta{Format: format, Shape: []int{64}, Chunks: []int{32}, Compressor: comp}, seq[float64](64, func(i int) float64 { return float64(i) }))
			if err != nil {
				t.Fatal(err)
			}
			p := a.ChunkPath([]int{1})
			b, _ := os.ReadFile(p)
			for name, bad := range map[string][]byte{
				"truncated": b[:len(b)/2],
				"garbage":   []byte("this is not a chunk at all, not even close........................."),
				"empty":     {},
			} {
				t.Run(fmt.Sprintf("v%d/%s/%s", format, comp, name), func(t *testing.T) {
					os.WriteFile(p, bad, 0o644)
					_, _, err := Read[float64](dir)
					if !errors.Is(err, ccc.ErrFormat) {
						t.Fatalf("err = %v, want ErrFormat", err)
					}
					if !strings.Contains(err.Error(), p) {
						t.Errorf("error does not name the chunk %s: %v", p, err)
					}
				})
			}
		}
	}
}

func TestBadMetadata(t *testing.T) {
	cases := map[string]string{
		"zarr.json": `{"zarr_format":3,"node_type":"array","shape":[4],"data_type":"float32","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[2]}},"chunk_key_encoding":{"name":"default"},"fill_value":0,"codecs":[{"name":"sharding_indexed"}]}`,
		".zarray":   `{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":"<f4","compressor":{"id":"blosc"},"fill_value":0,"order":"C","filters":null}`,
	}
	for file, body := range cases {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, file), []byte(body), 0o644)
		_, err := Open(dir)
		if !errors.Is(err, ccc.ErrFormat) || !strings.Contains(err.Error(), file) {
			t.Errorf("%s: err = %v, want ErrFormat naming the file", file, err)
		}
	}
	if _, err := Open(t.TempDir()); !errors.Is(err, ccc.ErrNotFound) {
		t.Errorf("empty dir: err = %v, want ErrNotFound", err)
	}
	if _, err := Write(t.TempDir(), Meta{Shape: []int{3}}, []float32{1, 2}); !errors.Is(err, ccc.ErrUsage) {
		t.Errorf("wrong length: err = %v, want ErrUsage", err)
	}
}

// pyDesc is what python/zarr_check.py prints.
type pyDesc struct {
	ZarrFormat int            `json:"zarr_format"`
	Shape      []int          `json:"shape"`
	Chunks     []int          `json:"chunks"`
	DType      string         `json:"dtype"`
	FillValue  any            `json:"fill_value"`
	Attributes map[string]any `json:"attributes"`
	Compressor string         `json:"compressor"`
	Data       string         `json:"data_b64"`
}

func runPy(t *testing.T, py string, args ...string) []pyDesc {
	t.Helper()
	script := filepath.Join(testenv.RepoRoot(t), "python", "zarr_check.py")
	out, err := exec.Command(py, append([]string{script}, args...)...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("zarr_check.py %v: %v\n%s", args[0], err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var ds []pyDesc
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var d pyDesc
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			t.Fatalf("zarr_check.py output: %v\n%s", err, line)
		}
		ds = append(ds, d)
	}
	return ds
}

type interopCase struct {
	format int
	comp   string
	dt     DataType
	dir    string
	raw    []byte
}

func (c interopCase) name() string {
	cn := c.comp
	if cn == "" {
		cn = "none"
	}
	return fmt.Sprintf("v%d/%s/%s", c.format, cn, c.dt)
}

// TestZarrPythonInterop writes arrays with ccc that zarr-python 3 reads back
// identically, and reads arrays zarr-python wrote (v2 and v3, every data
// type, no compression, gzip and zstd). One Python process per direction.
func TestZarrPythonInterop(t *testing.T) {
	py := testenv.Python(t, "zarr", "numpy")
	var cases []interopCase
	for _, format := range []int{2, 3} {
		for _, comp := range []string{None, Gzip, Zstd} {
			for _, dt := range []DataType{Float32, Float64, Int8, Int16, Int32, Int64, Uint8, Uint16, Uint32, Uint64} {
				cases = append(cases, interopCase{format: format, comp: comp, dt: dt})
			}
		}
	}
	tmp := t.TempDir()
	shape, chunks := []int{6, 5, 4}, []int{4, 2, 3}
	var dirs []string
	for i := range cases {
		c := &cases[i]
		c.dir = filepath.Join(tmp, fmt.Sprintf("ccc%d.zarr", i))
		n := 120
		c.raw = make([]byte, n*c.dt.Size())
		for k := 0; k < n; k++ {
			v := float64(k*13%100) - 40
			if c.dt[0] == 'u' {
				v += 40
			}
			if c.dt.IsFloat() {
				v = v/3 + 0.25
			}
			putElem(c.raw, k, v, c.dt)
		}
		m := Meta{Format: c.format, Shape: shape, Chunks: chunks, DataType: c.dt, Compressor: c.comp, FillValue: 3,
			Attributes: map[string]any{"description": "ccc test", "regions": []any{"VISp", "MOp"}}}
		a, err := Create(c.dir, m)
		if err != nil {
			t.Fatal(err)
		}
		err = a.forEachChunk(func(idx []int, chunk []byte) error {
			fillBytes(chunk, 3, c.dt)
			a.copyBlock(idx, c.raw, chunk, true)
			return a.WriteChunk(idx, chunk)
		})
		if err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, c.dir)
	}
	got := runPy(t, py, append([]string{"read"}, dirs...)...)
	if len(got) != len(cases) {
		t.Fatalf("zarr-python described %d arrays, want %d", len(got), len(cases))
	}
	for i, c := range cases {
		t.Run("ccc-to-python/"+c.name(), func(t *testing.T) {
			d := got[i]
			cname := c.comp
			if cname == "" {
				cname = "none"
			}
			vals, _ := base64.StdEncoding.DecodeString(d.Data)
			if d.ZarrFormat != c.format || d.DType != string(c.dt) || d.Compressor != cname ||
				!reflect.DeepEqual(d.Shape, shape) || !reflect.DeepEqual(d.Chunks, chunks) {
				t.Fatalf("zarr-python sees %+v", d)
			}
			if string(vals) != string(c.raw) {
				t.Fatalf("zarr-python read different values")
			}
			if d.FillValue != 3.0 || d.Attributes["description"] != "ccc test" {
				t.Fatalf("fill/attributes: %v %v", d.FillValue, d.Attributes)
			}
		})
	}

	args := []string{"write"}
	for i := range cases {
		c := &cases[i]
		c.dir = filepath.Join(tmp, fmt.Sprintf("py%d.zarr", i))
		cname := c.comp
		if cname == "" {
			cname = "none"
		}
		args = append(args, c.dir, fmt.Sprint(c.format), cname, string(c.dt), "7,5,3", "3,2,2")
	}
	wrote := runPy(t, py, args...)
	if len(wrote) != len(cases) {
		t.Fatalf("zarr-python wrote %d arrays, want %d", len(wrote), len(cases))
	}
	for i, c := range cases {
		t.Run("python-to-ccc/"+c.name(), func(t *testing.T) {
			want, _ := base64.StdEncoding.DecodeString(wrote[i].Data)
			a, err := Open(c.dir)
			if err != nil {
				t.Fatal(err)
			}
			raw := make([]byte, len(want))
			if err := a.readInto(raw); err != nil {
				t.Fatal(err)
			}
			if string(raw) != string(want) {
				t.Fatalf("ccc read different values from zarr-python's array")
			}
			if a.Meta.DataType != c.dt || a.Meta.Compressor != c.comp || a.Meta.Attributes["written_by"] != "zarr-python" ||
				!reflect.DeepEqual(a.Meta.Shape, []int{7, 5, 3}) || !reflect.DeepEqual(a.Meta.Chunks, []int{3, 2, 2}) {
				t.Fatalf("meta %+v", a.Meta)
			}
		})
	}
}

// TestReadChunkBuf: chunks read through reused buffers, mapped or read,
// equal ReadChunk's for every compressor, including a missing chunk
// (fill) between two stored ones and a corrupt one refused.
func TestReadChunkBuf(t *testing.T) {
	for _, comp := range []string{None, Zstd, Gzip} {
		dir := filepath.Join(t.TempDir(), "arr")
		data := seq[float64](6*4, func(i int) float64 { return float64(i) * 1.5 })
		a, err := Write(dir, Meta{Shape: []int{6, 4}, Chunks: []int{2, 4}, Compressor: comp}, data)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(a.ChunkPath([]int{1, 0})); err != nil {
			t.Fatal(err)
		}
		for _, m := range []bool{false, true} {
			buf := ChunkBuffers{Map: m}
			for i := range 3 {
				want, wok, werr := a.ReadChunk([]int{i, 0})
				got, ok, err := a.ReadChunkBuf([]int{i, 0}, &buf)
				if err != nil || werr != nil || ok != wok || ok != (i != 1) || !reflect.DeepEqual(got, want) {
					t.Fatalf("%s map=%v chunk %d: %v/%v ok %v/%v", comp, m, i, err, werr, ok, wok)
				}
			}
		}
		if comp != None {
			os.WriteFile(a.ChunkPath([]int{2, 0}), []byte("not a chunk at all"), 0o644)
			if _, _, err := a.ReadChunkBuf([]int{2, 0}, &ChunkBuffers{Map: true}); err == nil {
				t.Errorf("%s: a corrupt chunk read", comp)
			}
		}
	}
}

// TestZstdChecksum: written zstd chunks carry no content checksum, as
// their metadata declares ("checksum": false); a chunk that carries one
// (zarr-python's Zstd(checksum=True)) is verified: a flipped byte in it is
// a corrupt chunk, not wrong values.
func TestZstdChecksum(t *testing.T) {
	for _, format := range []int{2, 3} {
		dir := filepath.Join(t.TempDir(), "arr")
		data := seq[float64](64, func(i int) float64 { return float64(i % 5) })
		if _, err := Write(dir, Meta{Format: format, Shape: []int{8, 8}, Chunks: []int{8, 8}, Compressor: Zstd}, data); err != nil {
			t.Fatal(err)
		}
		chunk := filepath.Join(dir, "0.0")
		if format == 3 {
			chunk = filepath.Join(dir, "c", "0", "0")
		}
		b, err := os.ReadFile(chunk)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 5 || b[4]&4 != 0 {
			t.Fatalf("v%d: frame descriptor %x declares a content checksum", format, b[:min(5, len(b))])
		}
		enc, _ := zstd.NewWriter(nil, zstd.WithEncoderCRC(true))
		withSum := enc.EncodeAll(unsafeBytesF64(data), nil)
		if withSum[4]&4 == 0 {
			t.Fatal("the reference frame has no checksum")
		}
		os.WriteFile(chunk, withSum, 0o644)
		if got, _, err := ReadFloat64(dir); err != nil || !reflect.DeepEqual(got, data) {
			t.Fatalf("v%d: a chunk with a checksum reads %v, %v", format, got[:4], err)
		}
		withSum[len(withSum)-1] ^= 0xff // the checksum's last byte
		os.WriteFile(chunk, withSum, 0o644)
		if _, _, err := ReadFloat64(dir); err == nil || !strings.Contains(err.Error(), "corrupt") {
			t.Fatalf("v%d: a chunk failing its checksum: %v", format, err)
		}
	}
}

func unsafeBytesF64(v []float64) []byte {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return b
}
