package synapse

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"unsafe"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/mmap"
)

// mmapFile maps a file read-only; an empty file gives nil.
func mmapFile(path string) (data []byte, mapping []byte, err error) {
	m, err := mmap.Open(path)
	return m, m, err
}

func munmap(m []byte) { mmap.Close(m) }

func bytesAs[T any](b []byte) []T {
	if len(b) == 0 {
		return nil
	}
	var z T
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), len(b)/int(unsafe.Sizeof(z)))
}

// Index is an opened graph index: memory-mapped columns, nothing copied.
// Row numbers are positions in the Parquet table (sorted by pre, post, id).
type Index struct {
	Meta     IndexMeta
	Roots    []int64  // sorted root ids; dense index = position
	Pre      []uint32 // per row
	Post     []uint32 // per row
	PreOff   []uint64 // len Neurons+1
	PostOff  []uint64 // len Neurons+1
	PostPerm []uint32 // rows in (post, pre, id) order
	ID       []int64
	Size     []float64
	maps     [][]byte
	dir      string
	files    *colFiles // set by UsePositionedReads
}

// OpenIndex maps the index in dir.
func OpenIndex(dir string) (*Index, error) {
	b, err := os.ReadFile(filepath.Join(dir, "meta.json"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &ccc.Error{Op: "open synapse index", Path: dir, Row: -1, Msg: "no meta.json", Hint: "re-run 'ccc synapses ingest' to rebuild the index", Kind: ccc.ErrNotFound, Err: ErrNoIndex}
		}
		return nil, err
	}
	ix := &Index{dir: dir}
	if err := json.Unmarshal(b, &ix.Meta); err != nil {
		return nil, &ccc.Error{Op: "open synapse index", Path: filepath.Join(dir, "meta.json"), Row: -1, Msg: "malformed meta.json", Kind: ccc.ErrFormat, Err: err}
	}
	if ix.Meta.Format != IndexFormat {
		return nil, &ccc.Error{Op: "open synapse index", Path: dir, Row: -1, Msg: fmt.Sprintf("index format %d, this ccc reads %d", ix.Meta.Format, IndexFormat), Hint: "re-run 'ccc synapses ingest'", Kind: ccc.ErrFormat}
	}
	if !littleEndian() {
		return nil, fmt.Errorf("synapse index: big-endian machines are not supported")
	}
	load := func(name string) ([]byte, error) {
		d, m, err := mmapFile(filepath.Join(dir, name))
		if err != nil {
			ix.Close()
			return nil, &ccc.Error{Op: "open synapse index", Path: filepath.Join(dir, name), Row: -1, Msg: "cannot map index file", Hint: "re-run 'ccc synapses ingest'", Kind: ccc.ErrFormat, Err: err}
		}
		ix.maps = append(ix.maps, m)
		return d, nil
	}
	var d []byte
	if d, err = load("roots.i64"); err != nil {
		return nil, err
	}
	ix.Roots = bytesAs[int64](d)
	if d, err = load("pre.u32"); err != nil {
		return nil, err
	}
	ix.Pre = bytesAs[uint32](d)
	if d, err = load("post.u32"); err != nil {
		return nil, err
	}
	ix.Post = bytesAs[uint32](d)
	if d, err = load("pre_off.u64"); err != nil {
		return nil, err
	}
	ix.PreOff = bytesAs[uint64](d)
	if d, err = load("post_off.u64"); err != nil {
		return nil, err
	}
	ix.PostOff = bytesAs[uint64](d)
	if d, err = load("post_perm.u32"); err != nil {
		return nil, err
	}
	ix.PostPerm = bytesAs[uint32](d)
	if d, err = load("id.i64"); err != nil {
		return nil, err
	}
	ix.ID = bytesAs[int64](d)
	if d, err = load("size.f64"); err != nil {
		return nil, err
	}
	ix.Size = bytesAs[float64](d)
	n, rows := ix.Meta.Neurons, int(ix.Meta.Rows)
	if len(ix.Roots) != n || len(ix.PreOff) != n+1 || len(ix.PostOff) != n+1 || len(ix.Pre) != rows ||
		len(ix.Post) != rows || len(ix.PostPerm) != rows || len(ix.ID) != rows || len(ix.Size) != rows {
		ix.Close()
		return nil, &ccc.Error{Op: "open synapse index", Path: dir, Row: -1, Msg: "index files do not match meta.json (truncated?)", Hint: "re-run 'ccc synapses ingest'", Kind: ccc.ErrFormat}
	}
	return ix, nil
}

// Close unmaps the files (and closes those of positioned reads).
func (ix *Index) Close() error {
	for _, m := range ix.maps {
		munmap(m)
	}
	ix.maps = nil
	if ix.files != nil {
		ix.files.close()
		ix.files = nil
	}
	return nil
}

// Rows returns the number of synapses.
func (ix *Index) Rows() int { return len(ix.Pre) }

// Neurons returns the number of distinct root ids.
func (ix *Index) Neurons() int { return len(ix.Roots) }

// Lookup returns the dense index of a root id.
func (ix *Index) Lookup(root int64) (uint32, bool) {
	i, ok := slices.BinarySearch(ix.Roots, root)
	return uint32(i), ok
}

// OutDegree and InDegree are a neuron's total synapse counts.
func (ix *Index) OutDegree(i uint32) int { return int(ix.PreOff[i+1] - ix.PreOff[i]) }

// InDegree is the number of synapses onto neuron i.
func (ix *Index) InDegree(i uint32) int { return int(ix.PostOff[i+1] - ix.PostOff[i]) }

// Set is a set of neurons by dense index: a bitset plus the sorted list.
type Set struct {
	bits []uint64
	List []uint32 // sorted, unique
}

// NewSet builds a set from root ids; ids absent from the table are ignored
// (a query on them returns nothing, not an error). Missing reports how many.
func (ix *Index) NewSet(roots []int64) (s *Set, missing int) {
	s = &Set{bits: make([]uint64, (len(ix.Roots)+63)/64)}
	for _, r := range roots {
		i, ok := ix.Lookup(r)
		if !ok {
			missing++
			continue
		}
		if s.bits[i>>6]&(1<<(i&63)) == 0 {
			s.bits[i>>6] |= 1 << (i & 63)
			s.List = append(s.List, i)
		}
	}
	slices.Sort(s.List)
	return s, missing
}

// Has reports membership.
func (s *Set) Has(i uint32) bool { return s.bits[i>>6]&(1<<(i&63)) != 0 }

// Len is the set size.
func (s *Set) Len() int { return len(s.List) }

// Intersect returns s ∩ o (either may be nil = everything).
func Intersect(s, o *Set) *Set {
	if s == nil {
		return o
	}
	if o == nil {
		return s
	}
	r := &Set{bits: make([]uint64, len(s.bits))}
	for i := range r.bits {
		r.bits[i] = s.bits[i] & o.bits[i]
	}
	for _, i := range s.List {
		if o.Has(i) {
			r.List = append(r.List, i)
		}
	}
	return r
}
