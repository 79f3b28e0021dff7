package anndata

import (
	"encoding/binary"
	"testing"
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
