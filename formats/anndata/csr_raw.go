package anndata

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sort"
	"sync"

	"github.com/ccc-connectivity/ccc/formats/hdf5"
)

// The fast path of csrColumns: when indices and data are stored in the
// same blocks (contiguous, or chunked alike: what anndata and h5py write),
// every block is one job for a pool of goroutines: take the indices block
// straight from a read-only memory map of the file (hdf5.RawBlocks and
// BlockBytes: addresses checked against the file; gzip/shuffle undone
// here, outside libhdf5's lock; no copy when unfiltered), scan it against
// the column lookup, then load only the data values at its hits (or decode
// the data chunk, whole so that zlib verifies it) and add them into the output. A row lying wholly inside a block is written
// by that block's job alone; entries of rows that cross a block boundary
// are added after the pool, in order, so duplicate entries (summed, as
// scipy does) never race.

// rawBlockElems is the size of the blocks unfiltered storage is cut into.
const rawBlockElems = 1 << 18

// edgeHit is a value of a row crossing a block boundary.
type edgeHit struct {
	row int
	out int32
	v   float64
}

// csrColumnsRaw fills out (already allocated, shared outputs for repeated
// columns) and reports ok=false when the layout does not qualify.
func csrColumnsRaw[T float32 | float64](m *Matrix, indptr []int64, lookup []int32, out [][]T) (bool, error) {
	ib, ok, err := m.indices.RawBlocks(rawBlockElems)
	if err != nil || !ok {
		return false, err
	}
	db, ok, err := m.data.RawBlocks(rawBlockElems)
	if err != nil || !ok {
		return false, err
	}
	if len(ib) != len(db) {
		return false, nil
	}
	for i := range ib {
		if ib[i].Start != db[i].Start || ib[i].Len != db[i].Len {
			return false, nil
		}
	}
	file, unmap, err := m.indices.MapFile()
	if err != nil { // cannot map (or the file changed): libhdf5 reads it, or says what is wrong
		return false, nil
	}
	defer unmap()
	workers := min(runtime.GOMAXPROCS(0), len(ib))
	errs := make([]error, len(ib))
	edges := make([][]edgeHit, len(ib))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var st rawState
			for bi := range next {
				edges[bi], errs[bi] = rawBlockSafe(m, file, &st, ib[bi], db[bi], indptr, lookup, out)
			}
		}()
	}
	for bi := range ib {
		next <- bi
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return true, err
		}
	}
	for _, es := range edges {
		for _, e := range es {
			out[e.out][e.row] += T(e.v)
		}
	}
	return true, nil
}

// rawState is one worker's reusable buffers.
type rawState struct {
	idec, ddec []byte
	hits       []hit
}

// rawBlockSafe is rawBlock with faults on the mapped file (truncated
// while being read) turned into an error instead of a crash.
func rawBlockSafe[T float32 | float64](m *Matrix, file []byte, st *rawState, ib, db hdf5.Block, indptr []int64, lookup []int32, out [][]T) (edges []edgeHit, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			edges, err = nil, elemErr(m.f.path, m.Path, ErrShape, fmt.Sprintf("fault reading the block at %d (the file changed while being read?): %v", ib.Start, r), "", nil)
		}
	}()
	defer hdf5.ReleaseBlock(file, db)
	defer hdf5.ReleaseBlock(file, ib)
	return rawBlock(m, file, st, ib, db, indptr, lookup, out)
}

// rawBlock scans one block and adds its hits into out; it returns the
// hits of rows that cross the block's boundaries.
func rawBlock[T float32 | float64](m *Matrix, file []byte, st *rawState, ib, db hdf5.Block, indptr []int64, lookup []int32, out [][]T) ([]edgeHit, error) {
	hdf5.Populate(file, ib.Addr, ib.Size)
	raw, err := m.indices.BlockBytes(file, ib, &st.idec)
	if err != nil {
		return nil, err
	}
	es := m.indices.Type.Size
	if len(raw) < ib.Len*es {
		return nil, elemErr(m.f.path, m.Path+"/indices", ErrShape, fmt.Sprintf("block at %d holds %d bytes, needs %d", ib.Start, len(raw), ib.Len*es), "", nil)
	}
	ia := &hdf5.Array{Shape: []int{ib.Len}, Type: m.indices.Type, Data: hdf5.LittleEndianBytes(m.indices.Type, raw[:ib.Len*es])}
	var bad int
	st.hits, bad, err = scanAny(ia, lookup, st.hits[:0])
	if err != nil {
		return nil, err
	}
	if bad >= 0 {
		return nil, elemErr(m.f.path, m.Path+"/indices", ErrShape,
			fmt.Sprintf("column index %s at position %d outside the %d columns", hdf5Value(ia, bad), ib.Start+bad, len(lookup)), "", nil)
	}
	hits := st.hits
	if len(hits) == 0 {
		return nil, nil
	}
	// values of the hits: straight from the mapped file, or from the
	// decoded chunk
	vs := m.data.Type.Size
	need := (hits[len(hits)-1].pos + 1) * vs // bytes up to the last hit
	if db.Filtered {
		hdf5.Populate(file, db.Addr, db.Size)
	} else {
		hdf5.Populate(file, db.Addr+int64(hits[0].pos*vs), int64(need-hits[0].pos*vs))
	}
	vb, err := m.data.BlockBytes(file, db, &st.ddec)
	if err != nil {
		return nil, err
	}
	if len(vb) < need {
		return nil, elemErr(m.f.path, m.Path+"/data", ErrShape, fmt.Sprintf("block at %d holds %d bytes, needs %d", db.Start, len(vb), need), "", nil)
	}
	get, err := valueAt(&hdf5.Array{Type: m.data.Type, Data: hdf5.LittleEndianBytes(m.data.Type, vb[:need])})
	if err != nil {
		return nil, err
	}
	// rows: the first row whose entries end after the first hit
	start, end := int64(ib.Start), int64(ib.Start+ib.Len)
	p0 := start + int64(hits[0].pos)
	row := sort.Search(len(indptr)-1, func(i int) bool { return indptr[i+1] > p0 })
	var edges []edgeHit
	for _, h := range hits {
		p := start + int64(h.pos)
		for indptr[row+1] <= p {
			row++
		}
		v := get(h.pos)
		if indptr[row] < start || indptr[row+1] > end {
			edges = append(edges, edgeHit{row, h.out, v})
			continue
		}
		out[h.out][row] += T(v)
	}
	return edges, nil
}

// hdf5Value formats element k of an index array for an error message.
func hdf5Value(a *hdf5.Array, k int) string {
	switch d := a.Data.(type) {
	case []int32:
		return fmt.Sprint(d[k])
	case []int64:
		return fmt.Sprint(d[k])
	case []uint32:
		return fmt.Sprint(d[k])
	case []uint64:
		return fmt.Sprint(d[k])
	}
	return a.Strings()[k]
}

// ColumnsFloat32 is Columns for a matrix of float32 values, returning
// float32 columns (half the memory; duplicate entries summed in float32,
// as scipy does for a float32 matrix). Other value types are refused.
func (m *Matrix) ColumnsFloat32(cols []int) ([][]float32, error) {
	if m.DType.Class != hdf5.ClassFloat || m.DType.Size != 4 {
		return nil, elemErr(m.f.path, m.Path, ErrEncoding, fmt.Sprintf("values of type %s, not float32", m.DType), "", nil)
	}
	if m.Encoding == EncCSR && rawReads {
		for _, c := range cols {
			if c < 0 || c >= m.Shape[1] {
				return m.columns32(cols) // Columns names the bad column
			}
		}
		indptr, lookup, out, err := csrPrep[float32](m, cols)
		if err != nil {
			return nil, err
		}
		if ok, err := csrColumnsRaw(m, indptr, lookup, out); err != nil {
			return nil, err
		} else if ok {
			return out, nil
		}
	}
	return m.columns32(cols)
}

// columns32 converts Columns' result column by column.
func (m *Matrix) columns32(cols []int) ([][]float32, error) {
	v, err := m.Columns(cols)
	if err != nil {
		return nil, err
	}
	out := make([][]float32, len(v))
	for i, c := range v {
		out[i] = make([]float32, len(c))
		for k, x := range c {
			out[i][k] = float32(x)
		}
		v[i] = nil
	}
	return out, nil
}
