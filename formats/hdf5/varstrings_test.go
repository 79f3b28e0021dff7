package hdf5

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/testenv"
)

// gheapImage builds a file image with the elements of strs at byte 8
// (offset and length sizes 8) and their bytes in global heap collections
// of at most perHeap objects each, laid out as libhdf5 writes them.
func gheapImage(strs []string, perHeap int) ([]byte, varStringLayout) {
	lay := varStringLayout{addr: 8, n: len(strs), offSize: 8, lenSize: 8}
	file := make([]byte, 8+16*len(strs))
	for h := 0; h*perHeap < len(strs); h++ {
		addr := len(file)
		coll := []byte("GCOL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")
		for k := 0; k < perHeap && h*perHeap+k < len(strs); k++ {
			i := h*perHeap + k
			s := strs[i]
			obj := make([]byte, 16, 16+len(s)+8)
			binary.LittleEndian.PutUint16(obj, uint16(k+1))
			binary.LittleEndian.PutUint16(obj[2:], 1)
			binary.LittleEndian.PutUint64(obj[8:], uint64(len(s)))
			obj = append(obj, s...)
			for len(obj)%8 != 0 {
				obj = append(obj, 0)
			}
			coll = append(coll, obj...)
			e := file[8+16*i:]
			binary.LittleEndian.PutUint32(e, uint32(len(s)))
			binary.LittleEndian.PutUint64(e[4:], uint64(addr))
			binary.LittleEndian.PutUint32(e[12:], uint32(k+1))
		}
		// free space object (index 0) filling the collection to 4096 bytes
		free := make([]byte, 16)
		coll = append(coll, free...)
		for len(coll) < 4096 {
			coll = append(coll, 0)
		}
		binary.LittleEndian.PutUint64(coll[8:], uint64(len(coll)))
		file = append(file, coll...)
	}
	return file, lay
}

func TestParseVarStrings(t *testing.T) {
	strs := []string{"cell0", "", "CA1 ü", strings.Repeat("x", 100), "a\x00b", "last"}
	want := []string{"cell0", "", "CA1 ü", strings.Repeat("x", 100), "a", "last"} // cut at NUL, as C strings
	file, lay := gheapImage(strs, 4)
	l, err := parseVarStrings(file, lay)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Strings(); !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if l.Len() != 6 || l.At(2) != "CA1 ü" || l.Offsets[6] != int32(len(l.Bytes)) {
		t.Fatalf("list %d %q %v", l.Len(), l.At(2), l.Offsets)
	}

	// damaged images: an error naming the element, never a panic
	elem := func(i int) []byte { return file[8+16*i:] }
	heap0 := int(binary.LittleEndian.Uint64(elem(0)[4:]))
	heap1 := int(binary.LittleEndian.Uint64(elem(5)[4:]))
	for _, tc := range []struct {
		name string
		edit func(b []byte)
		want string
	}{
		{"collection address outside the file", func(b []byte) { binary.LittleEndian.PutUint64(b[8+16*3+4:], 1<<40) }, "element 3: global heap collection address 1099511627776 is outside the file"},
		{"undefined address", func(b []byte) { binary.LittleEndian.PutUint64(b[8+16*0+4:], ^uint64(0)) }, "element 0: global heap collection address"},
		{"bad signature", func(b []byte) { copy(b[heap1:], "XCOL") }, `element 4: no global heap collection at byte ` + fmt.Sprint(heap1) + ` (signature "XCOL", want GCOL)`},
		{"bad version", func(b []byte) { b[heap0+4] = 2 }, "element 0: global heap collection at byte " + fmt.Sprint(heap0) + ": version 2"},
		{"collection past the end", func(b []byte) { binary.LittleEndian.PutUint64(b[heap1+8:], 1<<20) }, "element 4: global heap collection at byte " + fmt.Sprint(heap1) + ": size 1048576 outside"},
		{"collection smaller than its header", func(b []byte) { binary.LittleEndian.PutUint64(b[heap0+8:], 3) }, "size 3 outside"},
		{"object past the collection", func(b []byte) { binary.LittleEndian.PutUint64(b[heap0+16+8:], 5000) }, "object 1 of 5000 bytes"},
		{"missing object", func(b []byte) { binary.LittleEndian.PutUint32(b[8+16*2+12:], 9) }, "element 2: no object 9 in the global heap collection"},
		{"index beyond 16 bits", func(b []byte) { binary.LittleEndian.PutUint32(b[8+16*2+12:], 1<<16+3) }, "element 2: no object 65539"},
		{"string longer than its object", func(b []byte) { binary.LittleEndian.PutUint32(b[8+16*0:], 6) }, "element 0: string of 6 bytes, but object 1"},
		{"duplicate object index", func(b []byte) { binary.LittleEndian.PutUint16(b[heap0+16+24:], 3) }, "object index 3 appears twice"},
		{"element naming an object of another collection", func(b []byte) {
			binary.LittleEndian.PutUint64(b[8+16*5+4:], uint64(heap0))
		}, "element 5: string of 4 bytes, but object 2 of the global heap collection at byte " + fmt.Sprint(heap0) + " holds 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := slices.Clone(file)
			tc.edit(b)
			_, err := parseVarStrings(b, lay)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	// collections claiming to reach the end of the file overlap: the
	// bytes parsed are bounded by the file's size
	many := make([]string, 300)
	for i := range many {
		many[i] = fmt.Sprint(i)
	}
	file2, lay2 := gheapImage(many, 1)
	for i := range many {
		a := int(binary.LittleEndian.Uint64(file2[8+16*i+4:]))
		binary.LittleEndian.PutUint64(file2[a+8:], uint64(len(file2)-a))
	}
	if _, err := parseVarStrings(file2, lay2); err == nil || !strings.Contains(err.Error(), "element 1: the global heap collection at byte") || !strings.Contains(err.Error(), "overlaps others") {
		t.Fatalf("overlapping collections: %v", err)
	}
	// a layout that does not fit the file
	if _, err := parseVarStrings(file, varStringLayout{addr: 8, n: 1 << 30, offSize: 8, lenSize: 8}); err == nil {
		t.Fatal("elements past the end accepted")
	}
}

// TestReadVarStrings compares the raw reader with libhdf5's reads on files
// written by libhdf5 (this package's writer, h5py's via the anndata
// fixtures) and checks which layouts fall back.
func TestReadVarStrings(t *testing.T) {
	p := filepath.Join(t.TempDir(), "s.h5")
	w, err := Create(p)
	if err != nil {
		t.Fatal(err)
	}
	many := make([]string, 20000) // several collections
	for i := range many {
		many[i] = fmt.Sprintf("cell%07d", i)
	}
	many[7] = ""
	many[8] = strings.Repeat("long ", 2000) // an object larger than the 4 KiB default collection
	many[9] = "Zellkörper 細胞"
	for _, e := range []error{
		w.WriteDataset("/many", many, []int{len(many)}, nil),
		w.WriteDataset("/empty", []string{}, []int{0}, nil),
		w.WriteDataset("/chunked", many[:100], []int{100}, &WriteOptions{Chunks: []int{50}}),
		w.WriteDataset("/nums", []int32{1, 2}, []int{2}, nil),
		w.WriteDataset("/scalar", []string{"x"}, nil, nil),
	} {
		if e != nil {
			t.Fatal(e)
		}
	}
	w.Close()
	files := map[string][]string{p: {"/many", "/empty", "/chunked", "/nums", "/scalar"}}
	for _, name := range []string{"csr.h5ad", "dense.h5ad", "csc.h5ad"} {
		q := filepath.Join(testenv.RepoRoot(t), "formats", "anndata", "testdata", "h5ad", name)
		files[q] = []string{"/obs/cell_label", "/var/_index"}
	}
	if q := os.Getenv("CCC_H5AD_BENCH_FILE"); q != "" {
		files[q] = []string{"/obs/cell_id", "/var/_index"}
	}
	for path, dsets := range files {
		f, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, ds := range dsets {
			if !f.Exists(ds) {
				continue
			}
			d, err := f.Dataset(ds)
			if err != nil {
				t.Fatal(err)
			}
			l, ok, err := d.ReadVarStrings()
			if err != nil {
				t.Fatalf("%s %s: %v", path, ds, err)
			}
			qualifies := ds != "/chunked" && ds != "/nums" && ds != "/scalar"
			if ok != qualifies {
				t.Fatalf("%s %s: ok=%v, want %v", path, ds, ok, qualifies)
			}
			if !ok {
				continue
			}
			a, err := d.Read()
			if err != nil {
				t.Fatal(err)
			}
			if got, want := l.Strings(), a.Strings(); !slices.Equal(got, want) {
				t.Fatalf("%s %s: raw read differs from libhdf5's (%d vs %d strings)", path, ds, len(got), len(want))
			}
			if ds == "/many" && (l.At(9) != many[9] || l.At(8) != many[8] || l.Len() != len(many)) {
				t.Fatalf("many: %q %d", l.At(9), l.Len())
			}
		}
		f.Close()
	}
	// a closed file is an error, not a read
	f, _ := Open(p)
	d, _ := f.Dataset("/many")
	f.Close()
	if _, _, err := d.ReadVarStrings(); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed file: %v", err)
	}
}

func TestNewStringList(t *testing.T) {
	l, ok := NewStringList([]string{"a", "", "bcd"})
	if !ok || !slices.Equal(l.Offsets, []int32{0, 1, 1, 4}) || string(l.Bytes) != "abcd" || l.At(2) != "bcd" {
		t.Fatalf("%v %v %q", ok, l.Offsets, l.Bytes)
	}
	if e, _ := NewStringList(nil); e.Len() != 0 || len(e.Strings()) != 0 {
		t.Fatal("empty list")
	}
}

// FuzzVarStrings feeds damaged element arrays and global heap collections
// to the raw variable-length string reader: it must return (an error or
// strings whose offsets are consistent), never panic or hang.
func FuzzVarStrings(f *testing.F) {
	img, _ := gheapImage([]string{"cell0", "", "CA1 ü", "a\x00b", strings.Repeat("y", 40)}, 2)
	f.Add(img, uint16(5), uint8(0))
	f.Add(img, uint16(3), uint8(3))
	f.Add(img[:100], uint16(5), uint8(0))
	f.Fuzz(func(t *testing.T, file []byte, n uint16, sizes uint8) {
		sz := []int{8, 4, 2, 8}
		lay := varStringLayout{addr: 8, n: int(n), offSize: sz[sizes&3], lenSize: sz[(sizes>>2)&3]}
		l, err := parseVarStrings(file, lay)
		if err != nil {
			return
		}
		if l.Len() != int(n) || l.Offsets[0] != 0 || int(l.Offsets[n]) != len(l.Bytes) {
			t.Fatalf("inconsistent list: %d strings, offsets %v..., %d bytes", l.Len(), l.Offsets[:min(4, len(l.Offsets))], len(l.Bytes))
		}
		for i := 0; i < int(n); i++ {
			if l.Offsets[i] > l.Offsets[i+1] {
				t.Fatalf("offsets decrease at %d", i)
			}
		}
	})
}
