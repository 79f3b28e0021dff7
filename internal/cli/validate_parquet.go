package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/pqcols"
	"github.com/ccc-connectivity/ccc/linkml"
)

// Parquet files of plain columns (integers, floats, booleans, strings)
// are read for 'ccc validate' with arrow-go (issue 18): no DuckDB start, no
// per-value cgo call; record batches become records on every core and are
// validated in file order. Each value has the Go type DuckDB's driver
// scans for the same column (INTEGER int32, BIGINT int64, FLOAT float32,
// VARCHAR string, ...), so the records, and the verdicts, are those of the
// DuckDB path, which still reads every other file (nested, temporal,
// decimal, dictionary or binary columns, files arrow-go cannot open).

// arrowPlain reports whether a column type is read by the arrow path.
func arrowPlain(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT32, arrow.FLOAT64, arrow.BOOL, arrow.STRING, arrow.LARGE_STRING:
		return true
	}
	return false
}

// arrowValue returns value i of a plain column as DuckDB's driver scans
// it (nil for null).
func arrowValue(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch x := a.(type) {
	case *array.Int8:
		return x.Value(i)
	case *array.Int16:
		return x.Value(i)
	case *array.Int32:
		return x.Value(i)
	case *array.Int64:
		return x.Value(i)
	case *array.Uint8:
		return x.Value(i)
	case *array.Uint16:
		return x.Value(i)
	case *array.Uint32:
		return x.Value(i)
	case *array.Uint64:
		return x.Value(i)
	case *array.Float32:
		return x.Value(i)
	case *array.Float64:
		return x.Value(i)
	case *array.Boolean:
		return x.Value(i)
	case *array.String:
		return strings.Clone(x.Value(i))
	case *array.LargeString:
		return strings.Clone(x.Value(i))
	}
	panic(fmt.Sprintf("arrowValue: %s is not a plain column", a.DataType()))
}

// validateParquetArrow validates file through arrow-go; ok is false (and
// nothing was read into the stream) when the DuckDB path must read it.
func validateParquetArrow(opts *validateOptions, s *linkml.Schema, v *linkml.Validator, st *linkml.Stream, file string,
	all *[]linkml.Violation) (n int, ok bool, err error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, false, nil
	}
	defer f.Close()
	fr, names, ok := openArrowParquet(f)
	if !ok {
		return 0, false, nil
	}
	ctx := opts.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	cols, drop := tabularHeader(opts, s, file, names)
	m := v.NewRowMapper(cols)
	rr, err := arrowRecordReader(ctx, fr)
	if err != nil {
		return 0, false, nil
	}
	defer func() {
		defer func() { _ = recover() }() // arrow-go may panic releasing a damaged file's readers
		rr.Release()
	}()
	readErr := func(err error) error {
		return &ccc.Error{Op: "validate", Path: file, Row: n, Msg: "cannot read Parquet", Err: err, Kind: ccc.ErrFormat}
	}
	next := func() (rec arrow.RecordBatch, more bool, err error) {
		defer func() {
			if p := recover(); p != nil { // a damaged file: arrow-go's panic becomes an error
				rec, more, err = nil, false, fmt.Errorf("%v", p)
			}
		}()
		if !rr.Next() {
			return nil, false, rr.Err()
		}
		rec = rr.RecordBatch()
		rec.Retain()
		return rec, true, nil
	}
	var pool sync.Pool
	err = inOrder(next, func(rec arrow.RecordBatch) (recs []any, err error) {
		defer rec.Release()
		defer func() {
			if p := recover(); p != nil { // a damaged batch: an error, not a crash
				recs, err = nil, fmt.Errorf("%v", p)
			}
		}()
		vals, _ := pool.Get().([]any)
		if vals == nil {
			vals = make([]any, len(cols))
		}
		defer pool.Put(vals)
		rows := int(rec.NumRows())
		recs = make([]any, rows)
		arrs := rec.Columns()
		for r := range rows {
			for c, a := range arrs {
				vals[c] = arrowValue(a, r)
			}
			recs[r] = dropKeys(m.Record(vals), drop)
		}
		return recs, nil
	}, addRows(st, all, &n), func() error { return nil })
	if err != nil {
		return n, true, readErr(err)
	}
	return n, true, nil
}

// arrowRecordReader is fr.GetRecordReader with arrow-go's panics as errors.
func arrowRecordReader(ctx context.Context, fr *pqarrow.FileReader) (rr pqarrow.RecordReader, err error) {
	defer func() {
		if p := recover(); p != nil {
			rr, err = nil, fmt.Errorf("%v", p)
		}
	}()
	return fr.GetRecordReader(ctx, nil, nil)
}

// openArrowParquet opens a Parquet file with arrow-go when every column
// is plain and the names are distinct (DuckDB renames repeated names).
func openArrowParquet(f *os.File) (fr *pqarrow.FileReader, names []string, ok bool) {
	defer func() {
		if recover() != nil {
			fr, names, ok = nil, nil, false
		}
	}()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		return nil, nil, false
	}
	// arrow-go opens column chunks in goroutines of its own (a chunk
	// outside the file would panic there, past any recover) and allocates
	// what a page header says before reading the page
	st, err := f.Stat()
	if err != nil || pqcols.CheckPages(f, st.Size(), pf, nil, 0) != nil {
		return nil, nil, false
	}
	fr, err = pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1 << 14}, memory.DefaultAllocator)
	if err != nil {
		return nil, nil, false
	}
	sc, err := fr.Schema()
	if err != nil {
		return nil, nil, false
	}
	seen := map[string]bool{}
	for _, fd := range sc.Fields() {
		if !arrowPlain(fd.Type) || seen[strings.ToLower(fd.Name)] {
			return nil, nil, false
		}
		seen[strings.ToLower(fd.Name)] = true
		names = append(names, fd.Name)
	}
	return fr, names, len(names) > 0
}
