package atlas

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/ccc-connectivity/ccc/internal/pqcols"
)

// Points from Parquet are read column by column with arrow-go (issue 18):
// no SQL engine, no value-by-value scan. The file is the user's, so it is
// not trusted: the footer must pass a structural check (every column
// chunk of the columns read lies inside the file, row counts agree) and
// each column is decoded in a goroutine of ours without arrow-go's own
// parallel readers, so that a panic on a damaged page is recovered and
// becomes a fallback to DuckDB, never a crash. Column types the columnar
// path does not convert as DuckDB's TRY_CAST(... AS DOUBLE) and
// CAST(... AS VARCHAR) would (decimals, dates, timestamps, booleans,
// floating-point ids, nested columns) go to DuckDB as before.

// errFallback makes readPointsParquet leave the file to DuckDB.
var errFallback = errors.New("columnar read not possible")

// parquetBatchRows is the record batch size of the columnar reads.
const parquetBatchRows = 1 << 16

// readPointsParquet reads the points of the Parquet file at path. ok is
// false when DuckDB must read the file (err is then nil); a column the
// file lacks is an error as on the DuckDB path.
func readPointsParquet(ctx context.Context, path string, cols []string, idCol string) (p *Points, ok bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, nil
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, false, nil
	}
	fields, leaves, nrows, err := parquetLayout(f, st.Size())
	if err != nil {
		return nil, false, nil
	}
	names := make([]string, len(fields))
	seen := map[string]bool{}
	for i, fd := range fields {
		names[i] = fd.Name
		if k := strings.ToLower(fd.Name); seen[k] {
			return nil, false, nil // DuckDB renames repeated names
		} else {
			seen[k] = true
		}
	}
	p, err = pickColumns(path, names, cols, idCol)
	if err != nil {
		return nil, true, err
	}
	want := []string{p.Cols[0], p.Cols[1], p.Cols[2]}
	if p.IDCol != "" {
		want = append(want, p.IDCol)
	}
	idx := make([]int, len(want))
	for i, w := range want {
		for j, n := range names {
			if n == w {
				idx[i] = j
			}
		}
		t := fields[idx[i]].Type
		if leaves[idx[i]] < 0 || (i < 3 && !numericType(t)) || (i == 3 && !idType(t)) {
			return nil, false, nil
		}
	}
	var plain [3]bool
	for i := range plain {
		plain[i] = fields[idx[i]].Type.ID() == arrow.FLOAT64
	}
	if err := readParquetColumns(ctx, f, nrows, leaves, idx, plain, p); err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, true, err
		}
		return nil, false, nil
	}
	return p, true, nil
}

// parquetLayout reads the footer of f (size bytes) and checks it: the
// top-level fields with their leaf column index (-1: nested), and the
// row count. Any inconsistency is an error.
func parquetLayout(f *os.File, size int64) (fields []arrow.Field, leaves []int, nrows int64, err error) {
	defer func() {
		if r := recover(); r != nil {
			fields, leaves, err = nil, nil, fmt.Errorf("damaged Parquet footer: %v", r)
		}
	}()
	rd, err := file.NewParquetReader(f)
	if err != nil {
		return nil, nil, 0, err
	}
	fr, err := pqarrow.NewFileReader(rd, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return nil, nil, 0, err
	}
	sc, err := fr.Schema()
	if err != nil {
		return nil, nil, 0, err
	}
	fields = sc.Fields()
	leaves = make([]int, len(fields))
	for i := range fields {
		leaves[i] = -1
		if sf := fr.Manifest.Fields[i]; sf.IsLeaf() && sf.Field.Type.ID() != arrow.EXTENSION {
			leaves[i] = sf.ColIndex
		}
	}
	md := rd.MetaData()
	var total int64
	for g := 0; g < rd.NumRowGroups(); g++ {
		rg := md.RowGroup(g)
		n := rg.NumRows()
		if n < 0 || total+n < total {
			return nil, nil, 0, fmt.Errorf("row group %d: %d rows", g, n)
		}
		total += n
		for _, leaf := range leaves {
			if leaf < 0 {
				continue
			}
			cc, err := rg.ColumnChunk(leaf)
			if err != nil {
				return nil, nil, 0, err
			}
			if cc.NumValues() != n {
				return nil, nil, 0, fmt.Errorf("row group %d column %d: %d values for %d rows", g, leaf, cc.NumValues(), n)
			}
		}
	}
	if total != rd.NumRows() {
		return nil, nil, 0, fmt.Errorf("row groups hold %d rows, the footer says %d", total, rd.NumRows())
	}
	// the read columns' chunks inside the file and their page headers
	// sound: arrow-go reads a chunk in goroutines of its own and sizes its
	// page buffers by the headers
	var read []int
	for _, leaf := range leaves {
		if leaf >= 0 {
			read = append(read, leaf)
		}
	}
	if err := pqcols.CheckPages(f, size, rd, read, 0); err != nil {
		return nil, nil, 0, err
	}
	return fields, leaves, total, nil
}

// numericType: the column types read as coordinates (what TRY_CAST(...
// AS DOUBLE) converts exactly like a Go conversion).
func numericType(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.FLOAT64, arrow.FLOAT32, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return true
	}
	return false
}

// idType: the id column types whose CAST(... AS VARCHAR) the columnar
// path reproduces (strings and integers).
func idType(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return true
	}
	return false
}

// readParquetColumns decodes the fields idx (x, y, z, then the id when
// p has an id column) of f into p, one goroutine per column, each with
// its own reader and no goroutine of arrow-go's: a panic is recovered in
// the goroutine that caused it and becomes an error. A coordinate whose
// plain flag is set is a DOUBLE column, decoded straight into its slice.
func readParquetColumns(ctx context.Context, f *os.File, nrows int64, leaves, idx []int, plain [3]bool, p *Points) error {
	fileSize := int64(0)
	if st, err := f.Stat(); err == nil {
		fileSize = st.Size()
	}
	capHint := int(min(nrows, fileSize)) // a capacity hint only: the footer is not trusted
	dst := [3]*[]float64{&p.X, &p.Y, &p.Z}
	errs := make([]error, len(idx))
	var wg sync.WaitGroup
	for i, fi := range idx {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i < 3 && plain[i] {
				*dst[i], errs[i] = readFloat64Column(ctx, f, leaves[fi], make([]float64, 0, capHint))
				return
			}
			if i < 3 {
				*dst[i] = make([]float64, 0, capHint)
				errs[i] = readParquetColumn(ctx, f, leaves[fi], func(a arrow.Array) error {
					var ok bool
					*dst[i], ok = appendFloats(*dst[i], a)
					if !ok {
						return errFallback
					}
					return nil
				})
				return
			}
			p.IDs = make([]string, 0, capHint)
			errs[i] = readParquetColumn(ctx, f, leaves[fi], func(a arrow.Array) error {
				var ok bool
				p.IDs, ok = appendStrings(p.IDs, a)
				if !ok {
					return errFallback
				}
				return nil
			})
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	n := len(p.X)
	if len(p.Y) != n || len(p.Z) != n || (p.IDCol != "" && len(p.IDs) != n) || int64(n) != nrows {
		return fmt.Errorf("columns of %d, %d, %d rows, footer %d", n, len(p.Y), len(p.Z), nrows)
	}
	return nil
}

// readParquetColumn streams leaf column leaf of f to fn, a record batch at
// a time, in the calling goroutine (arrow-go's panics become errors).
func readParquetColumn(ctx context.Context, f *os.File, leaf int, fn func(arrow.Array) error) (err error) {
	var rr pqarrow.RecordReader
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("damaged Parquet data: %v", r)
		}
		if rr != nil {
			func() {
				defer func() { _ = recover() }() // releasing a damaged file's readers may panic too
				rr.Release()
			}()
		}
	}()
	rd, err := file.NewParquetReader(f)
	if err != nil {
		return err
	}
	fr, err := pqarrow.NewFileReader(rd, pqarrow.ArrowReadProperties{BatchSize: parquetBatchRows}, memory.DefaultAllocator)
	if err != nil {
		return err
	}
	if rr, err = fr.GetRecordReader(ctx, []int{leaf}, nil); err != nil {
		return err
	}
	for rr.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(rr.RecordBatch().Column(0)); err != nil {
			return err
		}
	}
	return rr.Err()
}

// readFloat64Column appends the DOUBLE leaf column leaf of f to dst with
// arrow-go's column chunk readers, in the calling goroutine (panics become
// errors): the values are decoded into dst itself, NULL becomes NaN.
func readFloat64Column(ctx context.Context, f *os.File, leaf int, dst []float64) (out []float64, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("damaged Parquet data: %v", r)
		}
	}()
	rd, err := file.NewParquetReader(f)
	if err != nil {
		return nil, err
	}
	def := make([]int16, parquetBatchRows)
	for g := range rd.NumRowGroups() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rg := rd.RowGroup(g)
		cr, err := rg.Column(leaf)
		if err != nil {
			return nil, err
		}
		fr, ok := cr.(*file.Float64ColumnChunkReader)
		if !ok || cr.Descriptor().MaxRepetitionLevel() != 0 || cr.Descriptor().MaxDefinitionLevel() > 1 {
			return nil, errFallback
		}
		maxDef := cr.Descriptor().MaxDefinitionLevel()
		for n := rg.NumRows(); n > 0; {
			want := min(n, parquetBatchRows)
			at := len(dst)
			dst = slices.Grow(dst, int(want))[:at+int(want)]
			lv := def[:want]
			if maxDef == 0 {
				lv = nil
			}
			total, values, err := fr.ReadBatch(want, dst[at:], lv, nil)
			if err != nil {
				return nil, err
			}
			if total <= 0 || total > want || int64(values) > total {
				return nil, fmt.Errorf("row group %d: %d rows read of %d", g, total, n)
			}
			if int64(values) < total { // spread the values over the rows, NULL as NaN
				j := values - 1
				for i := int(total) - 1; i >= 0; i-- {
					if lv[i] == maxDef {
						dst[at+i] = dst[at+j]
						j--
					} else {
						dst[at+i] = math.NaN()
					}
				}
			}
			dst = dst[:at+int(total)]
			n -= total
		}
	}
	return dst, nil
}

// appendFloats appends a numeric column as float64, NULL as NaN (what
// TRY_CAST(... AS DOUBLE) and the NULL -> NaN of ReadPoints give).
func appendFloats(dst []float64, a arrow.Array) ([]float64, bool) {
	n := a.Len()
	if v, ok := a.(*array.Float64); ok && a.NullN() == 0 {
		return append(dst, v.Float64Values()...), true
	}
	at := len(dst)
	dst = append(dst, make([]float64, n)...)
	out := dst[at:]
	switch v := a.(type) {
	case *array.Float64:
		copy(out, v.Float64Values())
	case *array.Float32:
		convert(out, v.Float32Values())
	case *array.Int8:
		convert(out, v.Int8Values())
	case *array.Int16:
		convert(out, v.Int16Values())
	case *array.Int32:
		convert(out, v.Int32Values())
	case *array.Int64:
		convert(out, v.Int64Values())
	case *array.Uint8:
		convert(out, v.Uint8Values())
	case *array.Uint16:
		convert(out, v.Uint16Values())
	case *array.Uint32:
		convert(out, v.Uint32Values())
	case *array.Uint64:
		convert(out, v.Uint64Values())
	default:
		return nil, false
	}
	if a.NullN() > 0 {
		for i := range out {
			if a.IsNull(i) {
				out[i] = math.NaN()
			}
		}
	}
	return dst, true
}

func convert[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32](out []float64, in []T) {
	for i, v := range in[:len(out)] {
		out[i] = float64(v)
	}
}

// appendStrings appends an id column as CAST(... AS VARCHAR) gives it,
// NULL as "" (what ReadPoints has always kept). A string column's values
// share one copy of the batch's bytes.
func appendStrings(dst []string, a arrow.Array) ([]string, bool) {
	n := a.Len()
	switch v := a.(type) {
	case *array.String:
		off, all := v.ValueOffsets(), string(v.ValueBytes())
		for i := range n {
			dst = append(dst, all[off[i]-off[0]:off[i+1]-off[0]])
		}
	case *array.LargeString:
		off, all := v.ValueOffsets(), string(v.ValueBytes())
		for i := range n {
			dst = append(dst, all[off[i]-off[0]:off[i+1]-off[0]])
		}
	default:
		for i := range n {
			var s string
			switch v := a.(type) {
			case *array.Int8:
				s = strconv.FormatInt(int64(v.Value(i)), 10)
			case *array.Int16:
				s = strconv.FormatInt(int64(v.Value(i)), 10)
			case *array.Int32:
				s = strconv.FormatInt(int64(v.Value(i)), 10)
			case *array.Int64:
				s = strconv.FormatInt(v.Value(i), 10)
			case *array.Uint8:
				s = strconv.FormatUint(uint64(v.Value(i)), 10)
			case *array.Uint16:
				s = strconv.FormatUint(uint64(v.Value(i)), 10)
			case *array.Uint32:
				s = strconv.FormatUint(uint64(v.Value(i)), 10)
			case *array.Uint64:
				s = strconv.FormatUint(v.Value(i), 10)
			default:
				return nil, false
			}
			dst = append(dst, s)
		}
	}
	if a.NullN() > 0 {
		at := len(dst) - n
		for i := range n {
			if a.IsNull(i) {
				dst[at+i] = ""
			}
		}
	}
	return dst, true
}
