package anndata

import (
	"encoding/binary"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/formats/hdf5"
)

// FuzzParseEncoding: any attribute pair gives a known encoding or an
// error, never a panic, and an accepted encoding is one this package reads
// with the storage kind it requires.
func FuzzParseEncoding(f *testing.F) {
	for _, s := range [][2]string{{"csr_matrix", "0.1.0"}, {"categorical", "0.2.0"}, {"awkward-array", "0.1.0"}, {"", ""}, {"array", ""}, {"dataframe", "0.3.0"}, {"\x00", "\xff"}} {
		f.Add(s[0], s[1], true)
		f.Add(s[0], s[1], false)
	}
	f.Fuzz(func(t *testing.T, et, ev string, group bool) {
		enc, err := ParseEncoding(et, ev, group)
		if err != nil {
			if enc != "" {
				t.Fatalf("error %v with encoding %q", err, enc)
			}
			return
		}
		v, ok := versions[enc]
		if !ok || v.group != group {
			t.Fatalf("accepted %q (group %v) for %q %q", enc, group, et, ev)
		}
	})
}

// FuzzSparseIndex: indptr checks and the column scan agree with a plain
// recount on arbitrary input and never panic.
func FuzzSparseIndex(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0}, []byte{1, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0, 0}, uint8(6))
	f.Add([]byte{}, []byte{0xff, 0xff, 0xff, 0xff}, uint8(1))
	f.Fuzz(func(t *testing.T, ptrB, idxB []byte, ncols uint8) {
		ptr := make([]int64, len(ptrB)/4)
		for i := range ptr {
			ptr[i] = int64(int32(binary.LittleEndian.Uint32(ptrB[4*i:])))
		}
		idx := make([]int32, len(idxB)/4)
		for i := range idx {
			idx[i] = int32(binary.LittleEndian.Uint32(idxB[4*i:]))
		}
		if at, msg := checkIndptr(ptr, len(idx)); at >= 0 {
			if msg == "" || at >= max(len(ptr), 1) {
				t.Fatalf("bad report %d %q", at, msg)
			}
		} else {
			for i := 1; i < len(ptr); i++ {
				if ptr[i] < ptr[i-1] {
					t.Fatal("accepted a decreasing indptr")
				}
			}
		}
		lookup := make([]int32, int(ncols))
		for i := range lookup {
			lookup[i] = -1
			if i%2 == 0 {
				lookup[i] = int32(i / 2)
			}
		}
		hits, bad := scanIndices(idx, lookup, nil)
		want := 0
		for k, c := range idx {
			if c < 0 || int(c) >= len(lookup) {
				if bad != k {
					t.Fatalf("first bad index at %d, scan says %d", k, bad)
				}
				return
			}
			if c%2 == 0 {
				want++
			}
		}
		if bad != -1 || len(hits) != want {
			t.Fatalf("scan: %d hits (want %d), bad %d", len(hits), want, bad)
		}
	})
}

// FuzzMetadata writes a small, well-formed HDF5 file whose AnnData
// metadata (an obs column's encoding attributes, the _index attribute and
// column-order) comes from the fuzzer, then reads it the way ccc cells
// genes does: every outcome is a value or an error, never a panic.
func FuzzMetadata(f *testing.F) {
	f.Add("categorical", "0.2.0", "cell_id", "subclass")
	f.Add("string-array", "0.2.0", "_index", "subclass")
	f.Add("awkward-array", "0.1.0", "cell_id", "subclass")
	f.Add("array", "9.9.9", "../x", "a/b")
	f.Add("nullable-integer", "0.1.0", "", "")
	f.Fuzz(func(t *testing.T, et, ev, index, col string) {
		if len(et)+len(ev)+len(index)+len(col) > 200 || strings.ContainsRune(et+ev+index+col, 0) {
			return // attribute strings are C strings
		}
		p := filepath.Join(t.TempDir(), "f.h5ad")
		if err := writeFuzzFile(p, et, ev, index, col); err != nil {
			return
		}
		a, err := Open(p)
		if err != nil {
			return
		}
		defer a.Close()
		obs, err := a.Obs()
		if err != nil {
			return
		}
		obs.Index()
		for _, c := range obs.Columns {
			if col, err := obs.Column(c); err == nil {
				col.Strings()
				col.PandasDType()
			}
		}
		if x, err := a.X(); err == nil {
			x.Columns([]int{0})
		}
	})
}

func writeFuzzFile(p, et, ev, index, col string) error {
	h, err := hdf5.Create(p)
	if err != nil {
		return err
	}
	defer h.Close()
	steps := []func() error{
		func() error { return h.SetAttr("/", "encoding-type", "anndata") },
		func() error { return h.SetAttr("/", "encoding-version", "0.1.0") },
		func() error { return h.CreateGroup("/obs") },
		func() error { return h.SetAttr("/obs", "encoding-type", "dataframe") },
		func() error { return h.SetAttr("/obs", "encoding-version", "0.2.0") },
		func() error { return h.SetAttr("/obs", "_index", index) },
		func() error { return h.SetAttr("/obs", "column-order", []string{col}) },
		func() error { return h.WriteDataset("/obs/cell_id", []string{"a", "b"}, []int{2}, nil) },
		func() error { return h.CreateGroup("/obs/subclass") },
		func() error { return h.SetAttr("/obs/subclass", "encoding-type", et) },
		func() error { return h.SetAttr("/obs/subclass", "encoding-version", ev) },
		func() error { return h.WriteDataset("/obs/subclass/codes", []int8{0, 3}, []int{2}, nil) },
		func() error { return h.WriteDataset("/obs/subclass/categories", []string{"x"}, []int{1}, nil) },
		func() error { return h.WriteDataset("/obs/subclass/values", []int64{1, 2}, []int{2}, nil) },
		func() error { return h.WriteDataset("/obs/subclass/mask", []bool{true, false}, []int{2}, nil) },
		func() error { return h.CreateGroup("/var") },
		func() error { return h.SetAttr("/var", "encoding-type", "dataframe") },
		func() error { return h.SetAttr("/var", "encoding-version", "0.2.0") },
		func() error { return h.SetAttr("/var", "_index", "gene") },
		func() error { return h.WriteDataset("/var/gene", []string{"g"}, []int{1}, nil) },
		func() error { return h.WriteDataset("/X", []float32{1, 2}, []int{2, 1}, nil) },
		func() error { return h.SetAttr("/X", "encoding-type", et) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}
