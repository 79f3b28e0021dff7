package anndata

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
)

// TestCSRRawPath: the parallel raw-block path (csr_raw.go) gives exactly
// the columns of the libhdf5 path, for chunked, gzip and contiguous
// storage, rows crossing block boundaries, repeated selected columns and
// duplicate entries (summed); and it is the path taken.
func TestCSRRawPath(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		o    SynthOptions
	}{
		{"chunked", SynthOptions{Chunk: 1000}},
		{"gzip", SynthOptions{Chunk: 1000, Gzip: true}},
		{"contiguous", SynthOptions{Contiguous: true}},
		{"gzip-dups", SynthOptions{Chunk: 999, Gzip: true, DupEvery: 3}},
		{"chunked-dups", SynthOptions{Chunk: 7 * 143, DupEvery: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			o.Cells, o.Genes, o.PerCell, o.Seed = 3001, 50, 7, 3
			p := filepath.Join(dir, tc.name+".h5ad")
			if err := WriteSynthetic(p, o); err != nil {
				t.Fatal(err)
			}
			f, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			x, err := f.X()
			if err != nil {
				t.Fatal(err)
			}
			blocks, ok, err := x.indices.RawBlocks(rawBlockElems)
			if !ok || err != nil || len(blocks) == 0 || blocks[len(blocks)-1].Start+blocks[len(blocks)-1].Len != x.NNZ {
				t.Fatalf("raw blocks %v %v (%d blocks)", ok, err, len(blocks))
			}
			if wantF := o.Gzip; blocks[0].Filtered != wantF {
				t.Fatalf("filtered %v, want %v", blocks[0].Filtered, wantF)
			}
			cols := []int{0, 7, 49, 7, 13, 25}
			rawReads = false
			want, err := x.Columns(cols)
			rawReads = true
			if err != nil {
				t.Fatal(err)
			}
			got, err := x.Columns(cols)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatal("raw path differs from the libhdf5 path")
			}
			got32, err := x.ColumnsFloat32(cols)
			if err != nil {
				t.Fatal(err)
			}
			nz, dups := 0, 0
			for i := range want {
				for r, v := range want[i] {
					if float64(got32[i][r]) != v {
						t.Fatalf("float32 column %d row %d: %v, want %v", cols[i], r, got32[i][r], v)
					}
					if v != 0 {
						nz++
					}
					if v > 20 { // only a summed duplicate exceeds the synthetic maximum
						dups++
					}
				}
			}
			if nz < 1500 || (o.DupEvery > 0) != (dups > 0) {
				t.Fatalf("%d nonzero values, %d summed duplicates: not the test intended", nz, dups)
			}
		})
	}
}

// FuzzCSRRawBlocks: bytes of the stored indices and data chunks changed
// at will (wild column indices, broken deflate streams) give the raw-block
// path and the libhdf5 path the same answer: both the same columns, or
// both an error; never a panic. Only chunk bytes are changed: the file's
// metadata stays intact (libhdf5 reads it).
func FuzzCSRRawBlocks(f *testing.F) {
	f.Add(uint16(0), byte(0xff), false, uint8(0))
	f.Add(uint16(17), byte(0x80), true, uint8(1))
	f.Add(uint16(3), byte(0x01), true, uint8(0))
	f.Add(uint16(1200), byte(0x7f), false, uint8(1))
	dir := f.TempDir()
	base := map[bool][]byte{}
	for _, gz := range []bool{false, true} {
		p := filepath.Join(dir, fmt.Sprintf("base-%v.h5ad", gz))
		if err := WriteSynthetic(p, SynthOptions{Cells: 300, Genes: 30, PerCell: 5, Chunk: 100, Gzip: gz, Seed: 9, DupEvery: 7}); err != nil {
			f.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		base[gz] = b
	}
	f.Fuzz(func(t *testing.T, off uint16, xor byte, gz bool, which uint8) {
		b := append([]byte(nil), base[gz]...)
		p := filepath.Join(t.TempDir(), "f.h5ad")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		// find the chunk bytes of indices (which even) or data (odd)
		af, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		x, err := af.X()
		if err != nil {
			t.Fatal(err)
		}
		d := x.indices
		if which%2 == 1 {
			d = x.data
		}
		blocks, ok, err := d.RawBlocks(rawBlockElems)
		af.Close()
		if !ok || err != nil {
			t.Fatalf("raw blocks %v %v", ok, err)
		}
		var stored int64
		for _, bl := range blocks {
			stored += bl.Size
		}
		pos := int64(off) % stored
		for _, bl := range blocks {
			if pos < bl.Size {
				b[bl.Addr+pos] ^= xor
				break
			}
			pos -= bl.Size
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		af, err = Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer af.Close()
		x, err = af.X()
		if err != nil {
			t.Fatal(err)
		}
		cols := []int{0, 5, 29, 5}
		rawReads = false
		want, werr := x.Columns(cols)
		rawReads = true
		got, gerr := x.Columns(cols)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("libhdf5 path error %v, raw path error %v", werr, gerr)
		}
		if werr == nil && !reflect.DeepEqual(got, want) {
			t.Fatal("raw path differs from the libhdf5 path")
		}
	})
}

// TestIndexRaw: obs and var indices read straight from the global heap
// (hdf5.ReadVarStrings) equal libhdf5's reads, on the anndata-written
// fixtures and on a synthetic file; IndexList holds the same strings.
func TestIndexRaw(t *testing.T) {
	syn := filepath.Join(t.TempDir(), "syn.h5ad")
	if err := WriteSynthetic(syn, SynthOptions{Cells: 5000, Genes: 300, PerCell: 5, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	files := []string{syn}
	for _, n := range []string{"csr.h5ad", "dense.h5ad", "csc.h5ad"} {
		files = append(files, filepath.Join("testdata", "h5ad", n))
	}
	for _, p := range files {
		f, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, fr := range []func() (*DataFrame, error){f.Obs, f.Var} {
			d, err := fr()
			if err != nil {
				t.Fatal(err)
			}
			raw, err := d.Index()
			if err != nil {
				t.Fatal(err)
			}
			list, err := d.IndexList()
			if err != nil {
				t.Fatal(err)
			}
			rawReads = false
			lib, err := d.Index()
			libList, err2 := d.IndexList()
			rawReads = true
			if err != nil || err2 != nil {
				t.Fatal(err, err2)
			}
			if len(raw) == 0 || !slices.Equal(raw, lib) || !slices.Equal(list.Strings(), lib) || !slices.Equal(libList.Strings(), lib) {
				t.Fatalf("%s %s: raw index (%d) differs from libhdf5's (%d)", p, d.Path, len(raw), len(lib))
			}
		}
		f.Close()
	}
}

// TestIndexRawDamaged: a damaged global heap is an error naming the
// element and the collection, of kind ccc.ErrFormat, never a crash, a
// hang or wrong names.
func TestIndexRawDamaged(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "h5ad", "csr.h5ad"))
	if err != nil {
		t.Fatal(err)
	}
	// the collection holding the first cell id
	at := bytes.LastIndex(b[:bytes.Index(b, []byte("cell_000"))], []byte("GCOL"))
	if at < 0 {
		t.Fatal("no global heap collection before the cell ids in the fixture")
	}
	// the obs index's first element: length 8 ("cell_000"), that collection
	var elem [12]byte
	binary.LittleEndian.PutUint32(elem[:], 8)
	binary.LittleEndian.PutUint64(elem[4:], uint64(at))
	e := bytes.Index(b, elem[:])
	if e < 0 {
		t.Fatal("the first obs index element is not in the fixture")
	}
	binary.LittleEndian.PutUint64(b[e+4:], 1<<40) // past the end of the file

	p := filepath.Join(t.TempDir(), "damaged.h5ad")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	obs, err := f.Obs()
	if err != nil {
		t.Fatal(err)
	}
	_, err = obs.IndexList()
	if err == nil || !errors.Is(err, ccc.ErrFormat) || !strings.Contains(err.Error(), "/obs/cell_label") ||
		!strings.Contains(err.Error(), "element 0: global heap collection address 1099511627776 is outside the file") {
		t.Fatalf("damaged heap: %v", err)
	}
}
