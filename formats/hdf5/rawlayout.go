package hdf5

/*
#cgo pkg-config: zlib
#include <zlib.h>
#include "helpers.h"

static inline haddr_t ccc_haddr_undef(void) { return HADDR_UNDEF; }
*/
import "C"

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"github.com/ccc-connectivity/ccc/internal/mmap"
)

// Raw layout: where the elements of a 1-D dataset lie in the file, so that
// a hot path (formats/anndata's CSR gene extraction) can stream them with
// a read-only memory map of the file from several goroutines at once, outside the
// library lock, and undo the filters (gzip, shuffle) itself. libhdf5 is
// asked only for the addresses (one call per chunk); every address and size
// is checked against the file's size and the chunk's size before a byte is
// read or decoded.

// Block is one stretch of a 1-D dataset stored in one piece of the file: a
// chunk, or a slice of a contiguous or unfiltered dataset.
type Block struct {
	Start, Len int    // elements of the dataset it holds
	Addr, Size int64  // where its stored bytes are in the file
	Mask       uint32 // filters skipped for this chunk (bit i = filter i)
	Filtered   bool   // stored bytes must be decoded (DecodeBlock)
}

// maxRawBlockBytes bounds the decoded size of one block (a chunk larger
// than this takes the normal path).
const maxRawBlockBytes = 256 << 20

// RawBlocks returns the blocks of a 1-D numeric little-endian dataset that
// is contiguous, or chunked with only gzip and shuffle filters, every chunk
// allocated, in order, each checked to lie inside the file. Unfiltered
// storage is cut into blocks of about split elements. ok is false (and err
// nil) when the dataset does not qualify or an address cannot be had: the
// caller then reads through Rows.
func (d *Dataset) RawBlocks(split int) (blocks []Block, ok bool, err error) {
	if len(d.Shape) != 1 || !d.Type.IsNumeric() || d.Type.Class == ClassBool || d.Type.BigEndian || d.Type.Size <= 0 {
		return nil, false, nil
	}
	for _, fl := range d.Filters {
		if fl != "gzip" && fl != "shuffle" {
			return nil, false, nil
		}
	}
	if split <= 0 {
		split = 1 << 20
	}
	n, es := d.Shape[0], d.Type.Size
	if n == 0 {
		return nil, true, nil
	}
	f := d.f
	lock()
	defer unlock()
	did, _, _, ok, err := d.rawOpen()
	if err != nil || !ok {
		return nil, false, err
	}
	bad := func(msg string) error {
		return newErr("read hdf5", f.path, d.path, ErrCorrupt, msg, nil)
	}
	if d.Chunks == nil {
		addr := C.H5Dget_offset(did)
		if addr == C.ccc_haddr_undef() { // compact, external or unallocated
			return nil, false, nil
		}
		if int64(addr) < 0 || int64(addr)+int64(n)*int64(es) > f.size {
			return nil, false, bad(fmt.Sprintf("contiguous data at byte %d (%d bytes) reaches past the end of the file (%d bytes)", uint64(addr), n*es, f.size))
		}
		for s := 0; s < n; s += split {
			l := min(split, n-s)
			blocks = append(blocks, Block{Start: s, Len: l, Addr: int64(addr) + int64(s*es), Size: int64(l * es)})
		}
		return blocks, true, nil
	}
	cl := d.Chunks[0]
	if cl <= 0 || cl*es > maxRawBlockBytes {
		return nil, false, nil
	}
	filtered := len(d.Filters) > 0
	var off [1]C.hsize_t
	for s := 0; s < n; s += cl {
		off[0] = C.hsize_t(s)
		var mask C.uint
		var addr C.haddr_t
		var size C.hsize_t
		if C.H5Dget_chunk_info_by_coord(did, &off[0], &mask, &addr, &size) < 0 || addr == C.ccc_haddr_undef() || size == 0 {
			return nil, false, nil // unallocated (fill value) or unknown: libhdf5 knows best
		}
		l := min(cl, n-s) // the last chunk is stored whole, only its first l elements count
		if int64(addr) < 0 || int64(addr)+int64(size) > f.size {
			return nil, false, bad(fmt.Sprintf("chunk at element %d: %d bytes at byte %d reach past the end of the file (%d bytes)", s, uint64(size), uint64(addr), f.size))
		}
		b := Block{Start: s, Len: l, Addr: int64(addr), Size: int64(size), Mask: uint32(mask), Filtered: filtered && uint32(mask)&(1<<uint(len(d.Filters))-1) != 1<<uint(len(d.Filters))-1}
		if !b.Filtered {
			if int64(size) < int64(l*es) {
				return nil, false, bad(fmt.Sprintf("unfiltered chunk at element %d has %d bytes, needs %d", s, uint64(size), l*es))
			}
			b.Size = int64(l * es)
			for k := 0; k < l; k += split { // cut big unfiltered chunks
				m := min(split, l-k)
				blocks = append(blocks, Block{Start: s + k, Len: m, Addr: b.Addr + int64(k*es), Size: int64(m * es)})
			}
			continue
		} else if int64(size) > int64(cl*es)+int64(cl*es)/8+(1<<16) {
			// deflate never grows data by more than a few bytes per 16 KiB
			return nil, false, bad(fmt.Sprintf("compressed chunk at element %d has %d bytes, more than its %d decoded bytes allow", s, uint64(size), cl*es))
		}
		blocks = append(blocks, b)
	}
	return blocks, true, nil
}

// rawOpen opens d for a raw read (mu held): its identifier and the file's
// address and length sizes. ok is false when the file has a user block
// (it shifts addresses; such files take the normal path) or its size is
// unknown.
func (d *Dataset) rawOpen() (did C.hid_t, offSize, lenSize int, ok bool, err error) {
	f := d.f
	if err := f.check(); err != nil {
		return 0, 0, 0, false, err
	}
	if did = f.dataset(d.path); did < 0 {
		return 0, 0, 0, false, newErr("read hdf5", f.path, d.path, ErrCorrupt, "cannot open dataset", nil)
	}
	fcpl := C.H5Fget_create_plist(f.id)
	var ub C.hsize_t
	var so, sl C.size_t
	C.H5Pget_userblock(fcpl, &ub)
	r := C.H5Pget_sizes(fcpl, &so, &sl)
	C.H5Pclose(fcpl)
	if ub != 0 || r < 0 || f.size <= 0 {
		return did, 0, 0, false, nil
	}
	return did, int(so), int(sl), true, nil
}

// ChunkBytes is the decoded size of one chunk of a 1-D chunked dataset
// (0 when not chunked).
func (d *Dataset) ChunkBytes() int {
	if len(d.Chunks) != 1 {
		return 0
	}
	return d.Chunks[0] * d.Type.Size
}

// MapFile maps the dataset's file read-only into memory for reading its
// blocks (RawBlocks) without copies; unmap releases it. A fault while
// reading the mapping (the file truncated meanwhile) is a SIGBUS: readers
// run with debug.SetPanicOnFault and turn the panic into an error.
func (d *Dataset) MapFile() (data []byte, unmap func(), err error) {
	b, err := mmap.Open(d.f.path)
	if err != nil {
		return nil, nil, err
	}
	if int64(len(b)) != d.f.size {
		mmap.Close(b)
		return nil, nil, newErr("read hdf5", d.f.path, d.path, ErrCorrupt, fmt.Sprintf("the file changed size since it was opened (%d -> %d bytes)", d.f.size, len(b)), nil)
	}
	return b, func() { mmap.Close(b) }, nil
}

// BlockBytes returns the stored bytes of b in the mapped file (checked
// against its length) and, for a filtered block, the chunk decoded into dec
// (grown when too short). A deflated chunk is always inflated whole, so
// that zlib checks its Adler-32 sum: a damaged chunk is an error, never
// wrong values. The result aliases file or dec.
func (d *Dataset) BlockBytes(file []byte, b Block, dec *[]byte) ([]byte, error) {
	if b.Addr < 0 || b.Size < 0 || b.Addr+b.Size > int64(len(file)) {
		return nil, newErr("read hdf5", d.f.path, d.path, ErrCorrupt, fmt.Sprintf("block of %d bytes at byte %d is outside the file (%d bytes)", b.Size, b.Addr, len(file)), nil)
	}
	raw := file[b.Addr : b.Addr+b.Size]
	if !b.Filtered {
		return raw, nil
	}
	want := d.ChunkBytes()
	if cap(*dec) < want {
		*dec = make([]byte, want)
	}
	out, err := d.decodeInto(raw, b.Mask, (*dec)[:want])
	if err != nil {
		return nil, newErr("read hdf5", d.f.path, d.path, ErrCorrupt, fmt.Sprintf("cannot decode the chunk at element %d", b.Start), err)
	}
	return out, nil
}

// decodeInto undoes the filter pipeline of raw into dst (len = the chunk's
// decoded bytes).
func (d *Dataset) decodeInto(raw []byte, mask uint32, dst []byte) ([]byte, error) {
	b := raw
	owned := false // b is dst (or a scratch copy), not raw
	for i := len(d.Filters) - 1; i >= 0; i-- {
		if mask&(1<<uint(i)) != 0 {
			continue
		}
		switch d.Filters[i] {
		case "gzip":
			if len(b) == 0 {
				return nil, fmt.Errorf("empty deflated chunk")
			}
			target := dst
			if owned { // inflating from dst into dst: use a scratch buffer
				target = make([]byte, len(dst))
			}
			dlen := C.uLongf(len(target))
			if rc := C.uncompress((*C.Bytef)(unsafe.Pointer(&target[0])), &dlen, (*C.Bytef)(unsafe.Pointer(&b[0])), C.uLong(len(b))); rc != C.Z_OK {
				return nil, fmt.Errorf("inflate: zlib error %d", int(rc))
			}
			b, owned = target[:int(dlen)], true
		case "shuffle":
			u := unshuffle(b, d.Type.Size)
			if len(u) <= len(dst) {
				copy(dst, u)
				u = dst[:len(u)]
			}
			b, owned = u, true
		}
	}
	if len(b) < len(dst) {
		return nil, fmt.Errorf("chunk has %d bytes, want %d", len(b), len(dst))
	}
	return b, nil
}

// LittleEndianBytes reinterprets b (little-endian elements of type t, the
// machine's order on the platforms ccc builds for) as the typed slice
// Slice returns, without copying.
func LittleEndianBytes(t DType, b []byte) any {
	return typedFromBytes(t, b, len(b)/max(t.Size, 1))
}

// madvPopulateRead is Linux's MADV_POPULATE_READ (5.14+).
const madvPopulateRead = 22

// Populate maps the pages of file[addr:addr+size] in one call
// (MADV_POPULATE_READ) instead of one page fault per few pages as they
// are read; on kernels without it nothing happens and faults do the work.
func Populate(file []byte, addr, size int64) {
	ps := int64(os.Getpagesize())
	lo := addr / ps * ps
	hi := min((addr+size+ps-1)/ps*ps, int64(len(file)))
	if lo < 0 || lo >= hi {
		return
	}
	_ = syscall.Madvise(file[lo:hi], madvPopulateRead)
}

// ReleaseBlock tells the kernel the mapped pages of b are no longer needed
// by this process (madvise DONTNEED): they stay in the page cache but stop
// counting in the process's resident memory, so streaming a file through
// the map keeps the footprint at the blocks in flight. A later read of the
// same pages faults them in again, unchanged.
func ReleaseBlock(file []byte, b Block) {
	ps := int64(os.Getpagesize())
	lo := b.Addr / ps * ps
	hi := min((b.Addr+b.Size+ps-1)/ps*ps, int64(len(file)))
	if lo < 0 || lo >= hi {
		return
	}
	_ = syscall.Madvise(file[lo:hi], syscall.MADV_DONTNEED)
}
