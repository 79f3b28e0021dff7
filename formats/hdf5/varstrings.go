package hdf5

/*
#include "helpers.h"

static inline haddr_t ccc_haddr_undef2(void) { return HADDR_UNDEF; }
*/
import "C"

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/ccc-connectivity/ccc/internal/mmap"
)

// Variable-length strings without libhdf5: a 1-D variable-length string
// dataset stored contiguous (what h5py and anndata write for obs_names and
// var_names) holds one element per string: its length in bytes (4 bytes),
// the address of a global heap collection and the object's index in it (4
// bytes). The bytes live in the collections ("GCOL"), each a run of
// objects: index (2 bytes), reference count (2), reserved (4), size
// (length-size bytes), the data padded to 8 bytes; index 0 is the free
// space that ends the run. ReadVarStrings parses the elements and the
// collections they name from a read-only memory map, outside libhdf5's
// lock; every address and length is checked against the file and the
// collection it lies in, and the work is bounded by the file's size, so a
// damaged file is an error naming the element, never a crash or a hang
// (libhdf5 loops forever on one damaged collection:
// testdata/fuzz/FuzzOpen/globalheap_loop).

// StringList is n strings in one buffer, Arrow's string layout: string i
// is Bytes[Offsets[i]:Offsets[i+1]]; Offsets has n+1 entries.
type StringList struct {
	Bytes   []byte
	Offsets []int32
}

// Len is the number of strings.
func (s *StringList) Len() int {
	if len(s.Offsets) == 0 {
		return 0
	}
	return len(s.Offsets) - 1
}

// At returns string i (a copy).
func (s *StringList) At(i int) string { return string(s.Bytes[s.Offsets[i]:s.Offsets[i+1]]) }

// Strings returns the strings as a slice (one allocation for their bytes).
func (s *StringList) Strings() []string {
	all := string(s.Bytes)
	out := make([]string, s.Len())
	for i := range out {
		out[i] = all[s.Offsets[i]:s.Offsets[i+1]]
	}
	return out
}

// NewStringList packs strs into a StringList; ok is false when their
// bytes exceed what int32 offsets address (2 GiB).
func NewStringList(strs []string) (*StringList, bool) {
	total := 0
	for _, s := range strs {
		total += len(s)
		if total > math.MaxInt32 {
			return nil, false
		}
	}
	l := &StringList{Bytes: make([]byte, 0, total), Offsets: make([]int32, len(strs)+1)}
	for i, s := range strs {
		l.Bytes = append(l.Bytes, s...)
		l.Offsets[i+1] = int32(len(l.Bytes))
	}
	return l, true
}

// varStringLayout is where a dataset's variable-length elements are.
type varStringLayout struct {
	addr             int64 // first element
	n                int   // elements
	offSize, lenSize int   // the file's address and length sizes (bytes)
}

// ReadVarStrings reads a 1-D variable-length string dataset stored
// contiguous by parsing its elements and global heap collections from a
// memory map of the file, outside libhdf5's lock, into one StringList (the
// same strings Read gives: cut at the first NUL, empty for null
// elements). ok is false (err nil) when the dataset does not qualify (not
// a variable-length string, chunked, a user block, more than 2 GiB of
// text, ...): the caller then reads through Read. A damaged element or
// collection is an ErrCorrupt error naming the element.
func (d *Dataset) ReadVarStrings() (*StringList, bool, error) {
	lay, ok, err := d.varStringLayout()
	if err != nil || !ok {
		return nil, ok, err
	}
	file, err := mmap.Open(d.f.path)
	if err != nil {
		return nil, false, nil // libhdf5 reads it, or says what is wrong
	}
	defer mmap.Close(file)
	if int64(len(file)) != d.f.size {
		return nil, false, newErr("read hdf5", d.f.path, d.path, ErrCorrupt, fmt.Sprintf("the file changed size since it was opened (%d -> %d bytes)", d.f.size, len(file)), nil)
	}
	esz := int64(4 + lay.offSize + 4)
	if lay.n > 0 {
		Populate(file, lay.addr, int64(lay.n)*esz)
	}
	l, err := parseVarStringsSafe(file, lay)
	if errors.Is(err, errTooLong) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, newErr("read hdf5", d.f.path, d.path, ErrCorrupt, err.Error(), nil)
	}
	return l, true, nil
}

// varStringLayout asks libhdf5 where the elements are (ok false when the
// dataset does not qualify).
func (d *Dataset) varStringLayout() (varStringLayout, bool, error) {
	var lay varStringLayout
	if len(d.Shape) != 1 || d.Type.Class != ClassString || !d.Type.VarLen || d.Chunks != nil || len(d.Filters) > 0 {
		return lay, false, nil
	}
	lay.n = d.Shape[0]
	f := d.f
	lock()
	defer unlock()
	did, offSize, lenSize, ok, err := d.rawOpen()
	if err != nil || !ok {
		return lay, false, err
	}
	lay.offSize, lay.lenSize = offSize, lenSize
	if !validSize(lay.offSize) || !validSize(lay.lenSize) {
		return lay, false, nil
	}
	if lay.n == 0 {
		return lay, true, nil
	}
	addr := C.H5Dget_offset(did)
	if addr == C.ccc_haddr_undef2() { // compact, external or unallocated
		return lay, false, nil
	}
	lay.addr = int64(addr)
	esz := int64(4 + lay.offSize + 4)
	// the stored size confirms the element size (one element per string)
	if int64(C.H5Dget_storage_size(did)) != int64(lay.n)*esz {
		return lay, false, nil
	}
	if lay.addr < 0 || lay.addr+int64(lay.n)*esz > f.size {
		return lay, false, newErr("read hdf5", f.path, d.path, ErrCorrupt, fmt.Sprintf("%d variable-length elements at byte %d reach past the end of the file (%d bytes)", lay.n, uint64(addr), f.size), nil)
	}
	return lay, true, nil
}

func validSize(s int) bool { return s == 2 || s == 4 || s == 8 }

// errTooLong: the strings exceed what StringList's int32 offsets address.
var errTooLong = errors.New("variable-length strings longer than 2 GiB in all")

// parseVarStringsSafe is parseVarStrings with faults on the mapped file
// (truncated while being read) turned into an error.
func parseVarStringsSafe(file []byte, lay varStringLayout) (l *StringList, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			l, err = nil, fmt.Errorf("fault reading the file (it changed while being read?): %v", r)
		}
	}()
	return parseVarStrings(file, lay)
}

// gheapObj is one object of a global heap collection.
type gheapObj struct {
	idx       uint16
	off, size int64 // the data's place in the file
}

// gheap is a parsed collection: its objects by increasing index.
type gheap struct{ objs []gheapObj }

func (h *gheap) find(idx uint32) (gheapObj, bool) {
	if idx == 0 || idx > math.MaxUint16 {
		return gheapObj{}, false
	}
	if k := int(idx) - 1; k < len(h.objs) && h.objs[k].idx == uint16(idx) { // the usual 1, 2, 3, ...
		return h.objs[k], true
	}
	k := sort.Search(len(h.objs), func(i int) bool { return h.objs[i].idx >= uint16(idx) })
	if k < len(h.objs) && h.objs[k].idx == uint16(idx) {
		return h.objs[k], true
	}
	return gheapObj{}, false
}

// le reads an unsigned little-endian integer of len(b) (<= 8) bytes.
func le(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// parseVarStrings parses lay.n elements at lay.addr of file and the
// collections they point to.
func parseVarStrings(file []byte, lay varStringLayout) (*StringList, error) {
	size := int64(len(file))
	esz := 4 + lay.offSize + 4
	if !validSize(lay.offSize) || !validSize(lay.lenSize) || lay.n < 0 || lay.addr < 0 ||
		lay.addr > size || int64(lay.n) > (size-lay.addr)/int64(esz) {
		return nil, fmt.Errorf("%d variable-length elements at byte %d do not fit in the file (%d bytes)", lay.n, lay.addr, size)
	}
	elems := file[lay.addr : lay.addr+int64(lay.n)*int64(esz)]
	heaps := map[int64]*gheap{}
	var last *gheap
	lastAddr := int64(-1)
	parsed := int64(0) // collection bytes parsed: bounded by the file's size
	out := &StringList{Offsets: make([]int32, lay.n+1), Bytes: make([]byte, 0, min(int64(lay.n)*16, size))}
	for i := 0; i < lay.n; i++ {
		e := elems[i*esz : (i+1)*esz]
		n := int64(binary.LittleEndian.Uint32(e))
		var ca uint64
		if lay.offSize == 8 { // the usual: read in one load
			ca = binary.LittleEndian.Uint64(e[4:])
		} else {
			ca = le(e[4 : 4+lay.offSize])
		}
		idx := binary.LittleEndian.Uint32(e[4+lay.offSize:])
		if n > 0 && ca != 0 { // length 0 or address 0: empty (null)
			if ca >= uint64(size) { // HADDR_UNDEF (all ones) included
				return nil, fmt.Errorf("element %d: global heap collection address %d is outside the file (%d bytes)", i, ca, size)
			}
			addr := int64(ca)
			h := last
			if addr != lastAddr {
				if h = heaps[addr]; h == nil {
					var err error
					var csize int64
					if h, csize, err = parseGlobalHeap(file, addr, lay.lenSize); err != nil {
						return nil, fmt.Errorf("element %d: %w", i, err)
					}
					if parsed += csize; parsed > size {
						return nil, fmt.Errorf("element %d: the global heap collection at byte %d overlaps others (collections parsed exceed the file's %d bytes)", i, addr, size)
					}
					heaps[addr] = h
				}
				last, lastAddr = h, addr
			}
			o, ok := h.find(idx)
			if !ok {
				return nil, fmt.Errorf("element %d: no object %d in the global heap collection at byte %d", i, idx, addr)
			}
			if n > o.size {
				return nil, fmt.Errorf("element %d: string of %d bytes, but object %d of the global heap collection at byte %d holds %d", i, n, idx, addr, o.size)
			}
			b := file[o.off : o.off+n]
			if j := bytes.IndexByte(b, 0); j >= 0 { // as C strings (libhdf5's reads) end
				b = b[:j]
			}
			if int64(len(out.Bytes))+int64(len(b)) > math.MaxInt32 {
				return nil, errTooLong
			}
			out.Bytes = append(out.Bytes, b...)
		}
		out.Offsets[i+1] = int32(len(out.Bytes))
	}
	return out, nil
}

// gcolSig is a global heap collection's signature.
var gcolSig = []byte("GCOL")

// parseGlobalHeap parses the collection at addr: its objects and its size.
func parseGlobalHeap(file []byte, addr int64, lenSize int) (*gheap, int64, error) {
	size := int64(len(file))
	hdr := int64(8 + lenSize)
	if addr < 0 || addr > size-hdr {
		return nil, 0, fmt.Errorf("global heap collection at byte %d: header reaches past the end of the file (%d bytes)", addr, size)
	}
	b := file[addr:]
	if !bytes.Equal(b[:4], gcolSig) {
		return nil, 0, fmt.Errorf("no global heap collection at byte %d (signature %q, want GCOL)", addr, strings.ToValidUTF8(string(b[:4]), "?"))
	}
	if b[4] != 1 {
		return nil, 0, fmt.Errorf("global heap collection at byte %d: version %d (only 1 is known)", addr, b[4])
	}
	cs := le(b[8:hdr])
	if cs < uint64(hdr) || cs > uint64(size-addr) {
		return nil, 0, fmt.Errorf("global heap collection at byte %d: size %d outside %d..%d (the end of the file)", addr, cs, hdr, size-addr)
	}
	coll := b[:cs]
	ohdr := int64(8 + lenSize)
	h := &gheap{}
	sorted := true
	for p := hdr; p+ohdr <= int64(cs); {
		idx := binary.LittleEndian.Uint16(coll[p:])
		if idx == 0 { // free space: the rest
			break
		}
		var osz uint64
		if lenSize == 8 {
			osz = binary.LittleEndian.Uint64(coll[p+8:])
		} else {
			osz = le(coll[p+8 : p+ohdr])
		}
		room := int64(cs) - p - ohdr
		if osz > uint64(room) {
			return nil, 0, fmt.Errorf("global heap collection at byte %d: object %d of %d bytes at byte %d reaches past the collection's end (%d bytes)", addr, idx, osz, addr+p, cs)
		}
		if n := len(h.objs); n > 0 && h.objs[n-1].idx >= idx {
			sorted = false
		}
		h.objs = append(h.objs, gheapObj{idx: idx, off: addr + p + ohdr, size: int64(osz)})
		p += ohdr + min((int64(osz)+7)&^7, room) // data padded to 8 bytes; never stalls (ohdr > 0)
	}
	if !sorted {
		sort.SliceStable(h.objs, func(i, j int) bool { return h.objs[i].idx < h.objs[j].idx })
		for k := 1; k < len(h.objs); k++ {
			if h.objs[k].idx == h.objs[k-1].idx {
				return nil, 0, fmt.Errorf("global heap collection at byte %d: object index %d appears twice", addr, h.objs[k].idx)
			}
		}
	}
	return h, int64(cs), nil
}
