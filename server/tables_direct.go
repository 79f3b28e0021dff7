package server

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/synapse"
)

// The direct path: a plain table request (column selection, datasets,
// limit/offset; no filters, no ordering, no keyset) in Arrow or Parquet is
// answered by reading the version's Parquet files with arrow-go, column by
// column in record batches, and writing them as they are (widened to the
// response's types), instead of row by row through database/sql. The answer
// is the one the SQL path gives (same schema, same rows, same order: the
// class view is the tables in dataset order, each in file order); requests
// it cannot answer exactly go to the SQL path.

// directBatchRows is the number of rows read per record batch.
const directBatchRows = 8 * batchRows

// directParams are the query parameters the direct path understands.
var directParams = []string{"select", "dataset", "limit", "offset", "format", "version", "timestamp"}

// directType reports whether the direct path reads a column of this DuckDB
// type, and the Arrow type pqarrow must give for it.
func directType(duck string) (arrow.DataType, bool) {
	switch duck {
	case "BIGINT":
		return arrow.PrimitiveTypes.Int64, true
	case "INTEGER":
		return arrow.PrimitiveTypes.Int32, true
	case "SMALLINT":
		return arrow.PrimitiveTypes.Int16, true
	case "TINYINT":
		return arrow.PrimitiveTypes.Int8, true
	case "UINTEGER":
		return arrow.PrimitiveTypes.Uint32, true
	case "USMALLINT":
		return arrow.PrimitiveTypes.Uint16, true
	case "UTINYINT":
		return arrow.PrimitiveTypes.Uint8, true
	case "DOUBLE":
		return arrow.PrimitiveTypes.Float64, true
	case "FLOAT":
		return arrow.PrimitiveTypes.Float32, true
	case "BOOLEAN":
		return arrow.FixedWidthTypes.Boolean, true
	case "VARCHAR":
		return arrow.BinaryTypes.String, true
	case "TIMESTAMP WITH TIME ZONE":
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, true
	case "TIMESTAMP":
		return &arrow.TimestampType{Unit: arrow.Microsecond}, true
	}
	return nil, false
}

// directFile is one table's open Parquet file, the leaf columns read and,
// for each output column, where its values come from.
type directFile struct {
	dataset string
	rows    int64
	pf      *file.Reader
	fr      *pqarrow.FileReader
	leaves  []int // ascending
	srcs    []int // per output column: position in the record, or srcDataset, srcNull
	nulls   []arrow.DataType
}

const (
	srcDataset = -1 // the store's dataset column
	srcNull    = -2 // a column this table lacks
)

// serveTableDirect answers a table request by the direct path when it
// can; ok is false when the request must go through SQL (nothing has been
// written then).
func (s *Server) serveTableDirect(w http.ResponseWriter, r *http.Request, sn *store.Snapshot, class, format string) (ok bool, err error) {
	if s.noDirect || format != FormatArrow && format != FormatParquet {
		return false, nil
	}
	qs := r.URL.Query()
	for k := range qs {
		if !slices.Contains(directParams, k) {
			return false, nil
		}
	}
	if validName("class", class) != nil || !slices.Contains(sn.Classes(), class) {
		return false, nil
	}
	tables := sn.Tables(class)
	if len(tables) == 0 {
		return false, nil
	}
	// the view's columns: the dataset, then the tables' columns by first
	// appearance (UNION ALL BY NAME; a table without a column gives nulls)
	dsCol := store.DatasetColumn(tables)
	names := []string{dsCol}
	types := map[string]string{dsCol: "VARCHAR"}
	for _, t := range tables {
		for _, c := range t.Columns {
			if _, ok := directType(c.Type); !ok || c.Name == dsCol {
				return false, nil
			}
			if prev, seen := types[c.Name]; seen {
				if prev != c.Type {
					return false, nil // the view casts clashing columns to text
				}
				continue
			}
			names = append(names, c.Name)
			types[c.Name] = c.Type
		}
	}
	// the SQL path's checks and messages (unknown columns, bad limits, ...)
	if _, err := s.buildTableQuery(r, sn, class, names, types); err != nil {
		return true, err
	}
	datasets, _, err := s.tableDatasets(r, sn, class)
	if err != nil {
		return true, err
	}
	sel := names
	if v := qs.Get("select"); v != "" {
		sel = nil
		for _, c := range strings.Split(v, ",") {
			sel = append(sel, strings.TrimSpace(c))
		}
	}
	if !slices.ContainsFunc(sel, func(n string) bool { return n != dsCol }) {
		return false, nil // only the dataset column: nothing to read
	}
	cols := make([]synapse.Col, len(sel))
	for i, n := range sel {
		cols[i] = synapse.Col{Name: n, Kind: kindOf(types[n])}
	}
	var limit, offset int64 = -1, 0
	if v := qs.Get("limit"); v != "" {
		limit, _ = strconv.ParseInt(v, 10, 64) // checked by buildTableQuery
	}
	if v := qs.Get("offset"); v != "" {
		offset, _ = strconv.ParseInt(v, 10, 64)
	}
	// open every file before the status line: a file that does not read as
	// the manifest says sends the request to the SQL path
	var files []*directFile
	defer func() {
		for _, f := range files {
			f.pf.Close()
		}
	}()
	for _, t := range tables {
		if !slices.Contains(datasets, t.Dataset) {
			continue
		}
		f, ok := s.openDirect(t, sel, dsCol, types)
		if !ok {
			return false, nil
		}
		files = append(files, f)
	}
	s.directServed.Add(1)
	rw := newRowWriter(w, format)
	if err := rw.Header(cols); err != nil {
		return true, err
	}
	// one goroutine reads and decodes the next batches while this one
	// writes: decoding and sending overlap (and pqarrow decodes columns in
	// parallel with more than one thread)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	batches := make(chan arrow.RecordBatch, 2)
	var perr error
	go func() {
		defer close(batches)
		defer func() {
			// a damaged file must fail its request, not the server: a
			// panic in this goroutine is not net/http's to recover
			if p := recover(); p != nil {
				perr = fmt.Errorf("server: read %s table: %v", class, p)
			}
		}()
		send := func(b arrow.RecordBatch) error {
			select {
			case batches <- b:
				return nil
			case <-ctx.Done():
				b.Release()
				return ctx.Err()
			}
		}
		for _, f := range files {
			if limit == 0 {
				return
			}
			if offset >= f.rows {
				offset -= f.rows
				continue
			}
			if perr = f.produce(ctx, rw.schema, &offset, &limit, send); perr != nil {
				return
			}
		}
	}()
	var werr error
	for b := range batches {
		if werr == nil {
			if werr = rw.Record(b); werr != nil {
				cancel()
			}
		}
		b.Release()
	}
	if werr != nil {
		return true, werr
	}
	if perr != nil {
		return true, perr
	}
	return true, rw.Close()
}

// openDirect opens table t's file for the output columns sel, checking
// that pqarrow reads each with the expected type; ok is false otherwise.
func (s *Server) openDirect(t store.TableInfo, sel []string, dsCol string, types map[string]string) (*directFile, bool) {
	verified, bad := s.fileVerdict(t)
	if bad {
		return nil, false // DuckDB reads it and reports the damage
	}
	pf, err := file.OpenParquetFile(t.Path, false)
	if err != nil {
		return nil, false
	}
	// parallel column decoding runs in arrow-go's own goroutines, where a
	// panic on a damaged page cannot be recovered: only for files whose
	// checksum has been verified; until then decoding stays in the
	// request's reader goroutine, which recovers
	props := pqarrow.ArrowReadProperties{BatchSize: directBatchRows, Parallel: s.cfg.Threads > 1 && verified}
	fr, err := pqarrow.NewFileReader(pf, props, memory.DefaultAllocator)
	if err != nil {
		pf.Close()
		return nil, false
	}
	sc, err := fr.Schema()
	if err != nil || pf.NumRows() != t.Rows || sc.NumFields() != pf.MetaData().Schema.NumColumns() {
		pf.Close()
		return nil, false
	}
	f := &directFile{dataset: t.Dataset, rows: t.Rows, pf: pf, fr: fr, srcs: make([]int, len(sel)), nulls: make([]arrow.DataType, len(sel))}
	leafOf := make([]int, len(sel))
	for i, c := range sel {
		leafOf[i] = -1
		if c == dsCol {
			continue
		}
		want, _ := directType(types[c])
		idx := sc.FieldIndices(c)
		if len(idx) > 1 || len(idx) == 1 && !arrow.TypeEqual(sc.Field(idx[0]).Type, want) ||
			len(idx) == 0 && slices.ContainsFunc(t.Columns, func(tc store.Column) bool { return tc.Name == c }) {
			pf.Close()
			return nil, false
		}
		if len(idx) == 1 {
			leafOf[i] = idx[0]
			if !slices.Contains(f.leaves, idx[0]) {
				f.leaves = append(f.leaves, idx[0])
			}
		}
	}
	// the record reader gives the leaves in ascending order
	slices.Sort(f.leaves)
	for i, c := range sel {
		switch {
		case c == dsCol:
			f.srcs[i] = srcDataset
		case leafOf[i] < 0:
			f.srcs[i] = srcNull
			f.nulls[i] = arrowType(kindOf(types[c]))
		default:
			f.srcs[i] = slices.Index(f.leaves, leafOf[i])
		}
	}
	return f, true
}

// produce reads the file's rows after skipping *offset of them, at most
// *limit (-1: all), updating both, and hands them to send as record
// batches of schema (send owns each batch).
func (f *directFile) produce(ctx context.Context, schema *arrow.Schema, offset, limit *int64, send func(arrow.RecordBatch) error) error {
	var ds *array.String // the dataset column, built once per file
	defer func() {
		if ds != nil {
			ds.Release()
		}
	}()
	// emit writes rows [lo, hi) of a batch of n rows (rec nil: no column read)
	emit := func(rec arrow.RecordBatch, n int64) error {
		lo, hi := *offset, n
		*offset = max(0, *offset-n)
		if lo >= hi {
			return nil
		}
		if *limit >= 0 {
			hi = min(hi, lo+*limit)
			*limit -= hi - lo
		}
		if ds == nil || int64(ds.Len()) < n {
			if ds != nil {
				ds.Release()
			}
			ds = constantString(f.dataset, int(n))
		}
		arrs := make([]arrow.Array, 0, len(f.srcs))
		defer func() {
			for _, a := range arrs {
				a.Release()
			}
		}()
		for i, src := range f.srcs {
			switch src {
			case srcDataset:
				arrs = append(arrs, array.NewSlice(ds, 0, hi-lo))
			case srcNull:
				arrs = append(arrs, array.MakeArrayOfNull(memory.DefaultAllocator, f.nulls[i], int(hi-lo)))
			default:
				a, err := widen(array.NewSlice(rec.Column(src), lo, hi))
				if err != nil {
					return err
				}
				arrs = append(arrs, a)
			}
		}
		return send(array.NewRecordBatch(schema, arrs, hi-lo))
	}
	if len(f.leaves) == 0 {
		// no column of this table is selected: its rows are nulls
		for left := f.rows; left > 0 && *limit != 0; {
			if err := ctx.Err(); err != nil {
				return err
			}
			n := min(left, directBatchRows)
			if err := emit(nil, n); err != nil {
				return err
			}
			left -= n
		}
		return nil
	}
	// whole row groups before the offset are not read
	var groups []int
	md := f.pf.MetaData()
	for g := 0; g < f.pf.NumRowGroups(); g++ {
		n := md.RowGroup(g).NumRows()
		if len(groups) == 0 && *offset >= n {
			*offset -= n
			continue
		}
		groups = append(groups, g)
	}
	if len(groups) == 0 {
		return nil
	}
	rr, err := f.fr.GetRecordReader(ctx, f.leaves, groups)
	if err != nil {
		return fmt.Errorf("server: read %s table: %w", f.dataset, err)
	}
	defer rr.Release()
	for *limit != 0 && rr.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec := rr.RecordBatch()
		if err := emit(rec, rec.NumRows()); err != nil {
			return err
		}
	}
	if err := rr.Err(); err != nil {
		return fmt.Errorf("server: read %s table: %w", f.dataset, err)
	}
	return ctx.Err()
}

// constantString is a string array of n copies of s.
func constantString(s string, n int) *array.String {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(n)
	b.ReserveData(n * len(s))
	for range n {
		b.Append(s)
	}
	return b.NewStringArray()
}

// widen converts a column as read from Parquet to the response's type
// (what the SQL path's rowWriter makes of it): integers to int64, floats to
// float64 with NaN as null, timestamps to microseconds in UTC. It takes
// over a and returns an array the caller releases.
func widen(a arrow.Array) (arrow.Array, error) {
	switch x := a.(type) {
	case *array.Int64, *array.Boolean, *array.String:
		return a, nil
	case *array.Float64:
		for i := range x.Len() {
			if x.IsValid(i) && math.IsNaN(x.Value(i)) {
				defer a.Release()
				return float64Array(x.Len(), x.IsNull, x.Value), nil
			}
		}
		return a, nil
	case *array.Float32:
		defer a.Release()
		return float64Array(x.Len(), x.IsNull, func(i int) float64 { return float64(x.Value(i)) }), nil
	case *array.Timestamp:
		defer a.Release()
		d := x.Data()
		return array.MakeFromData(array.NewData(&arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, d.Len(), d.Buffers(), nil, d.NullN(), d.Offset())), nil
	case *array.Int32:
		return widenInt(a, x), nil
	case *array.Int16:
		return widenInt(a, x), nil
	case *array.Int8:
		return widenInt(a, x), nil
	case *array.Uint32:
		return widenInt(a, x), nil
	case *array.Uint16:
		return widenInt(a, x), nil
	case *array.Uint8:
		return widenInt(a, x), nil
	}
	a.Release()
	return nil, fmt.Errorf("server: no direct read of a %s column", a.DataType())
}

// widenInt is widen for the narrower integer arrays.
func widenInt[T int8 | int16 | int32 | uint8 | uint16 | uint32](a arrow.Array, x interface{ Value(int) T }) arrow.Array {
	defer a.Release()
	return int64Array(a.Len(), a.IsNull, func(i int) int64 { return int64(x.Value(i)) })
}

func int64Array(n int, null func(int) bool, v func(int) int64) arrow.Array {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(n)
	for i := range n {
		if null(i) {
			b.AppendNull()
		} else {
			b.UnsafeAppend(v(i))
		}
	}
	return b.NewArray()
}

func float64Array(n int, null func(int) bool, v func(int) float64) arrow.Array {
	b := array.NewFloat64Builder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(n)
	for i := range n {
		if f := v(i); null(i) || math.IsNaN(f) {
			b.AppendNull()
		} else {
			b.UnsafeAppend(f)
		}
	}
	return b.NewArray()
}

// verifiedFile is one table file's checksum verdict, computed once per
// server process (store files are immutable).
type verifiedFile struct {
	done atomic.Bool // the hash has been computed
	ok   bool        // and matched the manifest (valid once done)
	once sync.Once
}

// fileVerdict reports whether t's file is known to match the manifest's
// SHA-256 (verified) or known not to (bad), without waiting: the first
// request of a file starts one streaming hash of it in the background
// (seconds for a multi-GB table), and answers with verified=false until it
// is done.
func (s *Server) fileVerdict(t store.TableInfo) (verified, bad bool) {
	v, _ := s.verified.LoadOrStore(t.Path+"\x00"+t.SHA256, &verifiedFile{})
	vf := v.(*verifiedFile)
	vf.once.Do(func() {
		go func() {
			vf.ok = store.VerifyFile(t) == nil
			vf.done.Store(true)
		}()
	})
	if !vf.done.Load() {
		return false, false
	}
	return vf.ok, !vf.ok
}
