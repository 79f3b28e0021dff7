package hdf5

/*
#cgo pkg-config: zlib
#include <zlib.h>
#include "helpers.h"

*/
import "C"

import (
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// Direct chunk reads. For a chunked dataset of a little-endian numeric type
// whose filter pipeline is only shuffle and/or deflate (gzip) - the layout
// of NWB files written by h5py/pynwb - Slice reads the raw chunks the
// hyperslab touches with H5Dread_chunk while holding the library lock,
// then inflates (zlib) and unshuffles them in parallel outside it and copies the
// selected parts into the result. libhdf5 would decompress the same chunks
// one after the other under its global lock. Anything else (unallocated
// chunks, other filters, big-endian or non-numeric types) takes the normal
// H5Dread path.

// directOK reports whether the dataset qualifies for direct chunk reads.
func (d *Dataset) directOK() bool {
	if d.Chunks == nil || !d.Type.IsNumeric() || d.Type.Class == ClassBool || d.Type.BigEndian {
		return false
	}
	if d.Type.Class == ClassFloat && d.Type.Size != 4 && d.Type.Size != 8 {
		return false
	}
	for _, f := range d.Filters {
		if f != "gzip" && f != "shuffle" {
			return false
		}
	}
	return true
}

type rawChunk struct {
	origin  []int // chunk coordinates (element offsets)
	data    []byte
	mask    uint32 // filters skipped for this chunk (bit i = filter i)
	decoded []byte // from the cache, or after decoding
}

// chunkCacheBytes bounds the decoded chunks kept per File: 32 MiB, the
// chunk cache pynwb opens files with.
const chunkCacheBytes = 32 << 20

// chunkCache keeps recently decoded chunks of a file's datasets (LRU,
// bounded by bytes, keyed by dataset path and chunk origin); mu guards it.
type chunkCache struct {
	keys  []string // most recent first
	data  map[string][]byte
	bytes int
}

func chunkKey(path string, o []int) string { return path + fmt.Sprint(o) }

func (c *chunkCache) get(k string) []byte {
	b, ok := c.data[k]
	if !ok {
		return nil
	}
	for i, key := range c.keys {
		if key == k {
			copy(c.keys[1:i+1], c.keys[:i])
			c.keys[0] = k
			break
		}
	}
	return b
}

func (c *chunkCache) put(k string, b []byte) {
	if _, ok := c.data[k]; ok { // decoded by two reads at once: keep the first
		return
	}
	if len(b) > chunkCacheBytes/4 {
		return
	}
	if c.data == nil {
		c.data = map[string][]byte{}
	}
	for c.bytes+len(b) > chunkCacheBytes && len(c.keys) > 0 {
		last := c.keys[len(c.keys)-1]
		c.bytes -= len(c.data[last])
		delete(c.data, last)
		c.keys = c.keys[:len(c.keys)-1]
	}
	c.data[k] = b
	c.keys = append([]string{k}, c.keys...)
	c.bytes += len(b)
}

// sliceDirect reads the hyperslab through raw chunks; ok is false when a
// chunk is not allocated (the caller then uses H5Dread, which knows the
// fill value).
func (d *Dataset) sliceDirect(start, count []int) (a *Array, ok bool, err error) {
	rank := len(d.Shape)
	n := 1
	for _, c := range count {
		n *= c
	}
	if n == 0 {
		return nil, false, nil
	}
	// chunks intersecting the selection
	first := make([]int, rank)
	last := make([]int, rank)
	for i := 0; i < rank; i++ {
		first[i] = start[i] / d.Chunks[i]
		last[i] = (start[i] + count[i] - 1) / d.Chunks[i]
	}
	var origins [][]int
	idx := append([]int(nil), first...)
	for {
		o := make([]int, rank)
		for i := range o {
			o[i] = idx[i] * d.Chunks[i]
		}
		origins = append(origins, o)
		k := rank - 1
		for k >= 0 {
			idx[k]++
			if idx[k] <= last[k] {
				break
			}
			idx[k] = first[k]
			k--
		}
		if k < 0 {
			break
		}
	}
	f := d.f
	chunks := make([]rawChunk, len(origins))
	lock()
	if err := f.check(); err != nil {
		unlock()
		return nil, false, err
	}
	did, cache := f.dataset(d.path), &f.chunks
	if did < 0 {
		unlock()
		return nil, false, newErr("read hdf5", f.path, d.path, ErrCorrupt, "cannot open dataset", nil)
	}
	off := make([]C.hsize_t, rank)
	for ci, o := range origins {
		// every chunk is inflated whole: only then does zlib check the
		// stream's Adler-32, so that a damaged chunk is an error, never
		// wrong values (a prefix inflate skipped that check)
		if b := cache.get(chunkKey(d.path, o)); b != nil {
			chunks[ci] = rawChunk{origin: o, decoded: b}
			continue
		}
		for i := range o {
			off[i] = C.hsize_t(o[i])
		}
		var size C.hsize_t
		if C.H5Dget_chunk_storage_size(did, &off[0], &size) < 0 || size == 0 {
			unlock()
			return nil, false, nil
		}
		buf := make([]byte, int(size))
		var mask C.uint32_t
		if C.H5Dread_chunk(did, C.H5P_DEFAULT, &off[0], &mask, unsafe.Pointer(&buf[0])) < 0 {
			unlock()
			return nil, false, nil
		}
		chunks[ci] = rawChunk{origin: o, data: buf, mask: uint32(mask)}
	}
	unlock()

	esize := d.Type.Size
	chunkElems := 1
	for _, c := range d.Chunks {
		chunkElems *= c
	}
	out := make([]byte, n*esize)
	workers := min(runtime.GOMAXPROCS(0), len(chunks))
	var wg sync.WaitGroup
	errs := make([]error, len(chunks))
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ci := range next {
				raw := chunks[ci].decoded
				if raw == nil {
					var err error
					if raw, err = d.decodeChunk(chunks[ci], chunkElems*esize); err != nil {
						errs[ci] = err
						continue
					}
					chunks[ci].decoded = raw
					chunks[ci].data = nil
				}
				copyChunk(out, raw, chunks[ci].origin, d.Chunks, start, count, esize)
			}
		}()
	}
	for ci := range chunks {
		next <- ci
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, false, newErr("read hdf5", f.path, d.path, ErrCorrupt, "cannot decode chunk", err)
		}
	}
	mu.Lock()
	if f.id > 0 { // not closed meanwhile
		for _, c := range chunks {
			cache.put(chunkKey(d.path, c.origin), c.decoded)
		}
	}
	mu.Unlock()
	return &Array{Shape: append([]int(nil), count...), Type: d.Type, Data: typedFromBytes(d.Type, out, n)}, true, nil
}

// decodeChunk undoes the filter pipeline (applied in order when writing,
// undone in reverse when reading).
func (d *Dataset) decodeChunk(c rawChunk, want int) ([]byte, error) {
	b := c.data
	for i := len(d.Filters) - 1; i >= 0; i-- {
		if c.mask&(1<<uint(i)) != 0 {
			continue
		}
		switch d.Filters[i] {
		case "gzip":
			// zlib's inflate (C) runs outside the HDF5 lock, one chunk
			// per goroutine
			if len(b) == 0 {
				return nil, fmt.Errorf("empty deflated chunk")
			}
			dec := make([]byte, want)
			dlen := C.uLongf(want)
			if rc := C.uncompress((*C.Bytef)(unsafe.Pointer(&dec[0])), &dlen, (*C.Bytef)(unsafe.Pointer(&b[0])), C.uLong(len(b))); rc != C.Z_OK {
				return nil, fmt.Errorf("inflate: zlib error %d", int(rc))
			}
			b = dec[:int(dlen)]
		case "shuffle":
			b = unshuffle(b, d.Type.Size)
		}
	}
	if len(b) < want {
		return nil, fmt.Errorf("chunk has %d bytes, want %d", len(b), want)
	}
	return b, nil
}

// unshuffle reverses the HDF5 shuffle filter: the file holds all first
// bytes of the elements, then all second bytes, and so on.
func unshuffle(b []byte, size int) []byte {
	if size <= 1 {
		return b
	}
	n := len(b) / size
	out := make([]byte, len(b))
	for k := 0; k < size; k++ {
		src := b[k*n : (k+1)*n]
		for i, v := range src {
			out[i*size+k] = v
		}
	}
	copy(out[n*size:], b[n*size:]) // leftover bytes are stored as is
	return out
}

// copyChunk copies the part of a decoded chunk inside the selection into
// out (row-major, shape count).
func copyChunk(out, chunk []byte, origin, cdims, start, count []int, esize int) {
	rank := len(cdims)
	lo := make([]int, rank) // intersection in absolute coordinates
	hi := make([]int, rank)
	for i := 0; i < rank; i++ {
		lo[i] = max(origin[i], start[i])
		hi[i] = min(origin[i]+cdims[i], start[i]+count[i])
		if lo[i] >= hi[i] {
			return
		}
	}
	run := (hi[rank-1] - lo[rank-1]) * esize
	idx := append([]int(nil), lo...)
	for {
		so, do := 0, 0
		for i := 0; i < rank; i++ {
			so = so*cdims[i] + (idx[i] - origin[i])
			do = do*count[i] + (idx[i] - start[i])
		}
		copy(out[do*esize:do*esize+run], chunk[so*esize:so*esize+run])
		k := rank - 2
		for k >= 0 {
			idx[k]++
			if idx[k] < hi[k] {
				break
			}
			idx[k] = lo[k]
			k--
		}
		if k < 0 {
			return
		}
	}
}

// typedFromBytes reinterprets little-endian bytes as the Go slice type
// Slice returns for t (a copy-free view of out).
func typedFromBytes(t DType, b []byte, n int) any {
	p := unsafe.Pointer(unsafe.SliceData(b))
	switch {
	case t.Class == ClassFloat && t.Size == 4:
		return unsafe.Slice((*float32)(p), n)
	case t.Class == ClassFloat:
		return unsafe.Slice((*float64)(p), n)
	case t.Class == ClassInt && t.Size == 1:
		return unsafe.Slice((*int8)(p), n)
	case t.Class == ClassInt && t.Size == 2:
		return unsafe.Slice((*int16)(p), n)
	case t.Class == ClassInt && t.Size == 4:
		return unsafe.Slice((*int32)(p), n)
	case t.Class == ClassInt:
		return unsafe.Slice((*int64)(p), n)
	case t.Size == 1:
		return unsafe.Slice((*uint8)(p), n)
	case t.Size == 2:
		return unsafe.Slice((*uint16)(p), n)
	case t.Size == 4:
		return unsafe.Slice((*uint32)(p), n)
	}
	return unsafe.Slice((*uint64)(p), n)
}
