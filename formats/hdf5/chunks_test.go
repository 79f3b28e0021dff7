package hdf5

import (
	"bytes"
	"compress/zlib"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/testenv"
)

// TestDirectChunks compares the parallel direct chunk path with libhdf5's
// H5Dread on layouts h5py writes: gzip, shuffle+gzip, edge chunks, 1-D and
// 3-D, chunks stored unfiltered, big-endian (fallback), unallocated chunks
// (fallback to the fill value), float16 (fallback).
func TestDirectChunks(t *testing.T) {
	py := testenv.Python(t, "h5py", "numpy")
	p := filepath.Join(t.TempDir(), "chunks.h5")
	script := `
import h5py, numpy as np, sys
rng = np.random.default_rng(1)
with h5py.File(sys.argv[1], "w") as f:
    f.create_dataset("gzip_i16", data=rng.integers(-3000, 3000, (1000, 87)).astype("<i2"), chunks=(128, 87), compression="gzip")
    f.create_dataset("shuf_f32", data=rng.standard_normal((997, 13)).astype("<f4"), chunks=(100, 5), compression="gzip", shuffle=True)
    f.create_dataset("col_f32", data=rng.standard_normal((500, 7)).astype("<f4"), chunks=(473, 1), compression="gzip", compression_opts=1)
    f.create_dataset("three_u8", data=rng.integers(0, 255, (9, 10, 11)).astype("u1"), chunks=(4, 3, 5), compression="gzip", shuffle=True)
    f.create_dataset("one_f64", data=rng.standard_normal(1234), chunks=(100,), compression="gzip")
    f.create_dataset("plain_i64", data=np.arange(300, dtype="<i8").reshape(30, 10), chunks=(7, 10))
    f.create_dataset("zeros_u16", data=np.zeros((64, 4), dtype="<u2"), chunks=(16, 4), compression="gzip")
    f.create_dataset("big_i32", data=np.arange(100, dtype=">i4").reshape(10, 10), chunks=(3, 3), compression="gzip")
    d = f.create_dataset("sparse_f32", shape=(40, 4), dtype="<f4", chunks=(10, 4), fillvalue=-1.5, compression="gzip")
    d[0:10] = 2.0
    f.create_dataset("half", data=rng.standard_normal((20, 3)).astype("<f2"), chunks=(5, 3), compression="gzip")
`
	if out, err := exec.Command(py, "-c", script, p).CombinedOutput(); err != nil {
		t.Fatalf("h5py: %v\n%s", err, out)
	}
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, name := range []string{"gzip_i16", "shuf_f32", "col_f32", "three_u8", "one_f64", "plain_i64", "zeros_u16", "big_i32", "sparse_f32", "half"} {
		t.Run(name, func(t *testing.T) {
			d, err := f.Dataset("/" + name)
			if err != nil {
				t.Fatal(err)
			}
			for k := 0; k < 12; k++ {
				start := make([]int, len(d.Shape))
				count := make([]int, len(d.Shape))
				for i, s := range d.Shape {
					if k == 0 {
						count[i] = s // the whole dataset
						continue
					}
					start[i] = rng.IntN(s)
					count[i] = 1 + rng.IntN(s-start[i])
				}
				directReads = true
				a, err := d.Slice(start, count)
				directReads = false
				b, err2 := d.Slice(start, count)
				directReads = true
				if err != nil || err2 != nil {
					t.Fatalf("%v %v", err, err2)
				}
				if !reflect.DeepEqual(a.Data, b.Data) || !reflect.DeepEqual(a.Shape, b.Shape) {
					t.Fatalf("slice %v+%v differs between direct and H5Dread", start, count)
				}
			}
			if name == "sparse_f32" {
				a, _ := d.Rows(35, 1)
				if v := a.Data.([]float32)[0]; v != -1.5 {
					t.Fatalf("fill value %v", v)
				}
			}
		})
	}
	// deflate-only chunks: sequential windows, then a window back at the
	// start, equal through the direct path and H5Dread (chunks are
	// inflated whole and cached)
	for _, name := range []string{"col_f32", "gzip_i16", "one_f64"} {
		d, err := f.Dataset("/" + name)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range [][2]int{{0, 10}, {10, 50}, {60, 300}, {0, 5}, {3, 400}} {
			rows := min(w[1], d.Shape[0]-w[0])
			directReads = true
			a, err := d.Rows(w[0], rows)
			directReads = false
			b, err2 := d.Rows(w[0], rows)
			directReads = true
			if err != nil || err2 != nil || !reflect.DeepEqual(a.Data, b.Data) {
				t.Fatalf("%s rows %v: direct and H5Dread differ (%v %v)", name, w, err, err2)
			}
		}
	}
	if d, _ := f.Dataset("/big_i32"); d.directOK() || !d.Type.BigEndian {
		t.Fatal("big-endian must take the libhdf5 path")
	}
	if d, _ := f.Dataset("/shuf_f32"); !d.directOK() || !reflect.DeepEqual(d.Filters, []string{"shuffle", "gzip"}) {
		t.Fatalf("shuffle+gzip filters %v", d.Filters)
	}
}

func prod(v []int) int {
	p := 1
	for _, x := range v {
		p *= x
	}
	return p
}

// TestDecodeChunkChecksum: a deflated chunk whose Adler-32 trailer is
// damaged is an error, even when the read needs only its first bytes (a
// prefix inflate used to return them without reaching the checksum).
func TestDecodeChunkChecksum(t *testing.T) {
	raw := make([]byte, 4096)
	for i := range raw {
		raw[i] = byte(i * 7)
	}
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(raw)
	w.Close()
	d := &Dataset{Filters: []string{"gzip"}, Type: DType{Size: 4}}
	good := z.Bytes()
	if b, err := d.decodeChunk(rawChunk{data: good}, len(raw)); err != nil || !bytes.Equal(b, raw) {
		t.Fatalf("intact chunk: %v", err)
	}
	bad := append([]byte(nil), good...)
	bad[len(bad)-1] ^= 0x55 // the Adler-32 trailer
	if _, err := d.decodeChunk(rawChunk{data: bad}, len(raw)); err == nil {
		t.Fatal("a chunk with a damaged checksum was decoded without an error")
	}
}
