package anndata

import (
	"fmt"
	"unsafe"

	"github.com/ccc-connectivity/ccc/formats/hdf5"
	"github.com/ccc-connectivity/ccc/internal/mmap"
)

// Matrix is a 2-D element: X, a layer, raw/X or an obsm array, stored
// dense (encoding-type "array") or sparse ("csr_matrix", "csc_matrix").
// Nothing of the values is read until Columns or Dense is called.
type Matrix struct {
	f        *File
	Path     string
	Encoding Encoding // EncArray, EncCSR or EncCSC
	Shape    [2]int
	DType    hdf5.DType // element type of the values (data for sparse)
	NNZ      int        // stored entries of a sparse matrix

	dense                 *hdf5.Dataset
	data, indices, indptr *hdf5.Dataset
}

// IsSparse reports CSR or CSC storage.
func (m *Matrix) IsSparse() bool { return m.Encoding != EncArray }

// Format returns "dense", "csr" or "csc" (scipy's names).
func (m *Matrix) Format() string {
	switch m.Encoding {
	case EncCSR:
		return "csr"
	case EncCSC:
		return "csc"
	}
	return "dense"
}

// Datasets returns the HDF5 datasets holding the matrix: "data",
// "indices" and "indptr" for sparse matrices, "array" for dense ones.
func (m *Matrix) Datasets() map[string]*hdf5.Dataset {
	if m.IsSparse() {
		return map[string]*hdf5.Dataset{"data": m.data, "indices": m.indices, "indptr": m.indptr}
	}
	return map[string]*hdf5.Dataset{"array": m.dense}
}

// matrix opens the matrix at p; full requires shape (n_obs, n_vars).
func (f *File) matrix(p string, full bool) (*Matrix, error) {
	enc, g, ds, err := f.element(p)
	if err != nil {
		return nil, err
	}
	m := &Matrix{f: f, Path: p, Encoding: enc}
	bad := func(kind *kindErr, elem, format string, a ...any) error {
		return elemErr(f.path, elem, kind, fmt.Sprintf(format, a...), "", nil)
	}
	switch enc {
	case EncArray:
		if len(ds.Shape) != 2 {
			return nil, bad(ErrShape, p, "array of shape %v, expected 2-D", ds.Shape)
		}
		if !ds.Type.IsNumeric() {
			return nil, bad(ErrEncoding, p, "matrix of type %s, expected numbers", ds.Type)
		}
		m.dense, m.DType, m.Shape = ds, ds.Type, [2]int{ds.Shape[0], ds.Shape[1]}
	case EncCSR, EncCSC:
		sh, err := g.Attr("shape")
		if err != nil {
			return nil, elemErr(f.path, p+"@shape", ErrEncoding, "sparse matrix without a shape attribute", "", err)
		}
		v, err := sh.Int64s()
		if err != nil || len(v) != 2 || v[0] < 0 || v[1] < 0 {
			return nil, bad(ErrEncoding, p+"@shape", "shape attribute %v is not two non-negative integers", sh.Strings())
		}
		m.Shape = [2]int{int(v[0]), int(v[1])}
		for _, part := range []struct {
			name string
			dst  **hdf5.Dataset
		}{{"data", &m.data}, {"indices", &m.indices}, {"indptr", &m.indptr}} {
			q := p + "/" + part.name
			e, _, d, err := f.element(q)
			if err != nil {
				return nil, err
			}
			if e != EncArray || len(d.Shape) != 1 || !d.Type.IsNumeric() {
				return nil, bad(ErrEncoding, q, "sparse %s must be a 1-D numeric array (is %s of shape %v)", part.name, d.Type, d.Shape)
			}
			if part.name != "data" && d.Type.Class != hdf5.ClassInt && d.Type.Class != hdf5.ClassUint {
				return nil, bad(ErrEncoding, q, "sparse %s of type %s, expected integers", part.name, d.Type)
			}
			*part.dst = d
		}
		m.DType, m.NNZ = m.data.Type, m.data.Shape[0]
		if m.indices.Shape[0] != m.NNZ {
			return nil, bad(ErrShape, p+"/indices", "%d indices for %d data values", m.indices.Shape[0], m.NNZ)
		}
		major := m.Shape[0]
		if enc == EncCSC {
			major = m.Shape[1]
		}
		if m.indptr.Shape[0] != major+1 {
			return nil, bad(ErrShape, p+"/indptr", "indptr has %d entries, expected %d for shape %v", m.indptr.Shape[0], major+1, m.Shape)
		}
	default:
		return nil, bad(ErrEncoding, p, "encoding-type %q is not a matrix", enc)
	}
	if full && m.Shape != [2]int{f.nObs, f.nVars} {
		return nil, elemErr(f.path, p, ErrShape,
			fmt.Sprintf("matrix has shape (%d, %d) but obs has %d rows and var %d", m.Shape[0], m.Shape[1], f.nObs, f.nVars),
			"obs and var must have one row per matrix row and column: rewrite the file with anndata", nil)
	}
	return m, nil
}

// readInts reads a whole integer dataset as int64.
func readInts(d *hdf5.Dataset) ([]int64, error) {
	a, err := d.Read()
	if err != nil {
		return nil, err
	}
	return a.Int64s()
}

// checkIndptr checks that indptr starts at 0, never decreases and ends at
// nnz; it returns the first bad position and a message.
func checkIndptr(indptr []int64, nnz int) (int, string) {
	if len(indptr) == 0 || indptr[0] != 0 {
		return 0, "indptr does not start at 0"
	}
	for i := 1; i < len(indptr); i++ {
		if indptr[i] < indptr[i-1] {
			return i, fmt.Sprintf("indptr decreases at %d (%d < %d)", i, indptr[i], indptr[i-1])
		}
	}
	if last := indptr[len(indptr)-1]; last != int64(nnz) {
		return len(indptr) - 1, fmt.Sprintf("indptr ends at %d but there are %d stored values", last, nnz)
	}
	return -1, ""
}

// Columns reads the selected columns (0-based, any order, repeats allowed)
// as one []float64 of length Shape[0] per column, without reading the
// rest of the matrix: CSR streams indices in blocks and reads data only
// where a block holds selected columns; CSC reads each column's slice;
// dense reads, per band of chunk rows, one hyperslab per column. Duplicate sparse entries are
// summed, as scipy does.
func (m *Matrix) Columns(cols []int) ([][]float64, error) {
	nr, nc := m.Shape[0], m.Shape[1]
	for _, c := range cols {
		if c < 0 || c >= nc {
			return nil, elemErr(m.f.path, m.Path, ErrNoElement, fmt.Sprintf("column %d outside the %d columns", c, nc), "", nil)
		}
	}
	out := make([][]float64, len(cols))
	switch m.Encoding {
	case EncArray:
		// one row band (a chunk's height) at a time, every selected
		// column in it, so each chunk is read (and inflated) once
		band := nr
		if ch := m.dense.Chunks; len(ch) == 2 && ch[0] > 0 {
			band = ch[0]
		}
		for i := range out {
			out[i] = make([]float64, nr)
		}
		for r0 := 0; r0 < nr; r0 += band {
			n := min(band, nr-r0)
			for i, c := range cols {
				a, err := m.dense.Slice([]int{r0, c}, []int{n, 1})
				if err != nil {
					return nil, err
				}
				get, err := valueAt(a)
				if err != nil {
					return nil, err
				}
				for k := 0; k < n; k++ {
					out[i][r0+k] = get(k)
				}
			}
		}
		return out, nil
	case EncCSC:
		return m.cscColumns(cols)
	}
	return m.csrColumns(cols, 1<<21)
}

func (m *Matrix) cscColumns(cols []int) ([][]float64, error) {
	nr := m.Shape[0]
	indptr, err := readInts(m.indptr)
	if err != nil {
		return nil, err
	}
	if at, msg := checkIndptr(indptr, m.NNZ); at >= 0 {
		return nil, elemErr(m.f.path, m.Path+"/indptr", ErrShape, msg, "", nil)
	}
	out := make([][]float64, len(cols))
	for i, c := range cols {
		col := make([]float64, nr)
		s, n := int(indptr[c]), int(indptr[c+1]-indptr[c])
		if n > 0 {
			ia, err := m.indices.Rows(s, n)
			if err != nil {
				return nil, err
			}
			rows, err := ia.Int64s()
			if err != nil {
				return nil, err
			}
			da, err := m.data.Rows(s, n)
			if err != nil {
				return nil, err
			}
			vals, err := da.Float64s()
			if err != nil {
				return nil, err
			}
			for k, r := range rows {
				if r < 0 || r >= int64(nr) {
					return nil, elemErr(m.f.path, m.Path+"/indices", ErrShape, fmt.Sprintf("row index %d at position %d outside the %d rows", r, s+k, nr), "", nil)
				}
				col[r] += vals[k]
			}
		}
		out[i] = col
	}
	return out, nil
}

// spanGap is the largest gap (in stored entries) between two hits of a
// CSR block read with one data read; farther hits get separate reads.
const spanGap = 4096

// valueAt returns an accessor of numeric array data as float64, without
// converting the whole array.
func valueAt(a *hdf5.Array) (func(int) float64, error) {
	switch d := a.Data.(type) {
	case []float32:
		return func(i int) float64 { return float64(d[i]) }, nil
	case []float64:
		return func(i int) float64 { return d[i] }, nil
	case []int32:
		return func(i int) float64 { return float64(d[i]) }, nil
	case []int64:
		return func(i int) float64 { return float64(d[i]) }, nil
	}
	v, err := a.Float64s()
	if err != nil {
		return nil, err
	}
	return func(i int) float64 { return v[i] }, nil
}

// hit is a stored entry of a selected column: its position in the block
// and the output column.
type hit struct {
	pos int
	out int32
}

type integer interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// scanIndices appends the entries whose column is selected (lookup >= 0)
// and returns the position of the first out-of-range index (-1 if none).
// (Measured with BenchmarkScanIndices: a bitset of the selected columns
// or a single unsigned range test were both slower than this.)
func scanIndices[T integer](idx []T, lookup []int32, hits []hit) ([]hit, int) {
	n := uint64(len(lookup))
	for k, c := range idx {
		u := uint64(c)
		if c < 0 || u >= n {
			return hits, k
		}
		if o := lookup[u]; o >= 0 {
			hits = append(hits, hit{k, o})
		}
	}
	return hits, -1
}

func scanAny(a *hdf5.Array, lookup []int32, hits []hit) ([]hit, int, error) {
	switch d := a.Data.(type) {
	case []int32:
		h, bad := scanIndices(d, lookup, hits)
		return h, bad, nil
	case []int64:
		h, bad := scanIndices(d, lookup, hits)
		return h, bad, nil
	case []uint32:
		h, bad := scanIndices(d, lookup, hits)
		return h, bad, nil
	case []uint64:
		h, bad := scanIndices(d, lookup, hits)
		return h, bad, nil
	}
	v, err := a.Int64s()
	if err != nil {
		return nil, 0, err
	}
	h, bad := scanIndices(v, lookup, hits)
	return h, bad, nil
}

// csrPrep reads and checks indptr, and makes the column lookup (matrix
// column -> output, -1 when not selected) and the zeroed outputs (a
// repeated column shares the first one's slice).
func csrPrep[T float32 | float64](m *Matrix, cols []int) ([]int64, []int32, [][]T, error) {
	nr, nc := m.Shape[0], m.Shape[1]
	indptr, err := readInts(m.indptr)
	if err != nil {
		return nil, nil, nil, err
	}
	if at, msg := checkIndptr(indptr, m.NNZ); at >= 0 {
		return nil, nil, nil, elemErr(m.f.path, m.Path+"/indptr", ErrShape, msg, "", nil)
	}
	lookup := make([]int32, nc)
	for i := range lookup {
		lookup[i] = -1
	}
	out := make([][]T, len(cols))
	first := map[int]int{} // column -> first output holding it
	for i, c := range cols {
		if _, dup := first[c]; !dup {
			first[c] = i
			lookup[c] = int32(i)
		}
	}
	// one allocation for all outputs, backed by huge pages: the scan
	// writes them sparsely and for the first time, and one fault per 4 KiB
	// page cost more than the scan itself
	buf := make([]T, nr*len(first))
	var zero T
	mmap.HugePages(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(buf))), len(buf)*int(unsafe.Sizeof(zero))))
	k := 0
	for i, c := range cols {
		if j := first[c]; j != i {
			out[i] = out[j] // filled once, shared
			continue
		}
		out[i] = buf[k*nr : (k+1)*nr : (k+1)*nr]
		k++
	}
	return indptr, lookup, out, nil
}

// rawReads enables the fast path of csr_raw.go; tests switch it off to
// compare it with the libhdf5 reads.
var rawReads = true

// csrColumns streams indices in blocks of block entries (csr_raw.go's
// parallel raw-block path when the layout allows).
func (m *Matrix) csrColumns(cols []int, block int) ([][]float64, error) {
	indptr, lookup, out, err := csrPrep[float64](m, cols)
	if err != nil {
		return nil, err
	}
	if rawReads {
		if ok, err := csrColumnsRaw(m, indptr, lookup, out); err != nil {
			return nil, err
		} else if ok {
			return out, nil
		}
	}
	nc := m.Shape[1]
	var hits []hit
	row := 0
	for pos := 0; pos < m.NNZ; pos += block {
		n := min(block, m.NNZ-pos)
		ia, err := m.indices.Rows(pos, n)
		if err != nil {
			return nil, err
		}
		var bad int
		hits, bad, err = scanAny(ia, lookup, hits[:0])
		if err != nil {
			return nil, err
		}
		if bad >= 0 {
			return nil, elemErr(m.f.path, m.Path+"/indices", ErrShape,
				fmt.Sprintf("column index %s at position %d outside the %d columns", ia.Strings()[bad], pos+bad, nc), "", nil)
		}
		// read data only around the hits: runs of hits closer than
		// spanGap entries share one read
		for a := 0; a < len(hits); {
			b := a + 1
			for b < len(hits) && hits[b].pos-hits[b-1].pos <= spanGap {
				b++
			}
			lo, hi := hits[a].pos, hits[b-1].pos
			da, err := m.data.Rows(pos+lo, hi-lo+1)
			if err != nil {
				return nil, err
			}
			get, err := valueAt(da)
			if err != nil {
				return nil, err
			}
			for _, h := range hits[a:b] {
				p := int64(pos + h.pos)
				for indptr[row+1] <= p {
					row++
				}
				out[h.out][row] += get(h.pos - lo)
			}
			a = b
		}
	}
	return out, nil
}

// Dense reads the whole matrix row-major (for small matrices: obsm
// arrays, tests).
func (m *Matrix) Dense() ([]float64, error) {
	nr, nc := m.Shape[0], m.Shape[1]
	if m.Encoding == EncArray {
		a, err := m.dense.Read()
		if err != nil {
			return nil, err
		}
		return a.Float64s()
	}
	cols := make([]int, nc)
	for i := range cols {
		cols[i] = i
	}
	cs, err := m.Columns(cols)
	if err != nil {
		return nil, err
	}
	out := make([]float64, nr*nc)
	for j, c := range cs {
		for i, v := range c {
			out[i*nc+j] = v
		}
	}
	return out, nil
}
