package expression

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/ccc-connectivity/ccc/formats/hdf5"
	"github.com/ccc-connectivity/ccc/internal/pqcols"
)

// Kind is a column's value type.
type Kind int

// Column kinds.
const (
	KindString Kind = iota
	KindFloat64
	KindFloat32 // float32 values (F32), or float64 values that are exact float32 (F64); written as FLOAT
	KindInt64
	KindBool
)

// Col is one column of a Table: the slice of its kind holds the values,
// Null (optional) marks missing entries.
type Col struct {
	Name string
	Kind Kind
	Str  []string
	// StrList holds KindString values in one buffer when Str is nil
	// (the obs index of an extraction: no string per cell).
	StrList *hdf5.StringList
	F64     []float64
	F32     []float32 // KindFloat32 values when F64 is nil
	I64     []int64
	Bool    []bool
	Null    []bool
}

func (c *Col) null(i int) bool { return c.Null != nil && c.Null[i] }

// Table is a set of equally long columns.
type Table struct {
	Rows int
	Cols []*Col
}

// text formats entry i for CSV ("" when missing).
func (c *Col) text(i int) string {
	if c.null(i) {
		return ""
	}
	switch c.Kind {
	case KindFloat64:
		return strconv.FormatFloat(c.F64[i], 'g', -1, 64)
	case KindFloat32:
		if c.F64 == nil {
			return strconv.FormatFloat(float64(c.F32[i]), 'g', -1, 32)
		}
		return strconv.FormatFloat(c.F64[i], 'g', -1, 32)
	case KindInt64:
		return strconv.FormatInt(c.I64[i], 10)
	case KindBool:
		return strconv.FormatBool(c.Bool[i])
	}
	return c.str(i)
}

// str is KindString entry i.
func (c *Col) str(i int) string {
	if c.Str == nil && c.StrList != nil {
		return c.StrList.At(i)
	}
	return c.Str[i]
}

// Strings returns the values of a KindString column.
func (c *Col) Strings() []string {
	if c.Str == nil && c.StrList != nil {
		return c.StrList.Strings()
	}
	return c.Str
}

// WriteCSV writes the table with a header line.
func (t *Table) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	cw := csv.NewWriter(bw)
	rec := make([]string, len(t.Cols))
	for j, c := range t.Cols {
		rec[j] = c.Name
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for i := 0; i < t.Rows; i++ {
		for j, c := range t.Cols {
			rec[j] = c.text(i)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func (c *Col) arrowType() arrow.DataType {
	switch c.Kind {
	case KindFloat64:
		return arrow.PrimitiveTypes.Float64
	case KindFloat32:
		return arrow.PrimitiveTypes.Float32
	case KindInt64:
		return arrow.PrimitiveTypes.Int64
	case KindBool:
		return arrow.FixedWidthTypes.Boolean
	}
	return arrow.BinaryTypes.String
}

// WriteParquet writes the table to path (snappy, pandas' default; row groups of 1Mi
// rows), through a temporary file renamed into place so that path appears
// complete or not at all. The columns of a row group are encoded and
// compressed concurrently (a buffered row group: one in-memory chunk per
// column, written out in column order).
func (t *Table) WriteParquet(path string) (err error) {
	fields := make([]arrow.Field, len(t.Cols))
	for j, c := range t.Cols {
		fields[j] = arrow.Field{Name: c.Name, Type: c.arrowType(), Nullable: c.Null != nil}
	}
	schema := arrow.NewSchema(fields, nil)
	// dictionaries only for text columns after the first (category labels
	// repeat; cell ids do not; expression
	// values rarely do, and dictionary-encoding them costs more than the
	// rest of the extraction)
	opts := []parquet.WriterProperty{parquet.WithCompression(compress.Codecs.Snappy), parquet.WithDictionaryDefault(false)}
	for j, c := range t.Cols {
		if c.Kind == KindString && j > 0 { // not the (unique) index
			opts = append(opts, parquet.WithDictionaryFor(c.Name, true))
		}
	}
	// no min/max statistics for floating-point columns: measured values
	// (expression, scores) seldom prune anything, and computing them cost
	// a quarter of the writer's time on 'ccc cells genes' output
	for _, c := range t.Cols {
		if c.Kind == KindFloat32 || c.Kind == KindFloat64 {
			opts = append(opts, parquet.WithStatsFor(c.Name, false))
		}
	}
	opts = append(opts, parquet.WithMaxRowGroupLength(int64(rowGroup)), parquet.WithDataPageSize(pageSize))
	props := parquet.NewWriterProperties(opts...)
	pqs, err := pqarrow.ToParquet(schema, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	// the whole table as Arrow arrays: numeric columns without nulls are
	// zero-copy views of their slices, the index a view of its StringList,
	// the others built once; row groups are slices of them (no copies)
	cols := make([]arrow.Array, len(t.Cols))
	defer func() {
		for _, a := range cols {
			if a != nil {
				a.Release()
			}
		}
	}()
	for j, c := range t.Cols {
		cols[j] = c.arrowArray(t.Rows)
	}
	w := file.NewParquetWriter(f, pqs.Root(), file.WithWriterProps(props))
	for lo := 0; lo == 0 || lo < t.Rows; lo += rowGroup {
		hi := min(lo+rowGroup, t.Rows)
		rgw := w.AppendBufferedRowGroup()
		if err = writeRowGroup(rgw, cols, fields, lo, hi); err != nil {
			rgw.Close()
			w.Close()
			return fmt.Errorf("write parquet %s: %w", path, err)
		}
		if err = rgw.Close(); err != nil {
			w.Close()
			return fmt.Errorf("write parquet %s: %w", path, err)
		}
	}
	if err = w.Close(); err != nil {
		return fmt.Errorf("write parquet %s: %w", path, err)
	}
	if cerr := f.Close(); cerr != nil && !errors.Is(cerr, os.ErrClosed) {
		return cerr
	}
	return os.Rename(tmp, path)
}

// writeRowGroup writes rows lo..hi of every column into a buffered row
// group, the columns shared out among GOMAXPROCS goroutines (each column
// chunk has its own encoder, compressor and buffer).
func writeRowGroup(rgw file.BufferedRowGroupWriter, cols []arrow.Array, fields []arrow.Field, lo, hi int) error {
	return pqcols.WriteColumns(rgw, len(cols), func(j int, cw file.ColumnChunkWriter) error {
		return writeColumnChunk(cw, cols[j], fields[j].Nullable, lo, hi)
	})
}

// writeColumnChunk writes rows lo..hi of a into its column chunk cw (a flat column: one
// definition level per row when nullable, none when required).
func writeColumnChunk(cw file.ColumnChunkWriter, a arrow.Array, nullable bool, lo, hi int) error {
	s := array.NewSlice(a, int64(lo), int64(hi))
	defer s.Release()
	def := pqcols.DefLevels(s, nullable)
	if err := pqarrow.WriteArrowToColumn(context.Background(), cw, s, def, nil, nullable); err != nil {
		return err
	}
	// encode and compress the chunk's last page here, in parallel, not in
	// the row group's Close (which then only copies the chunks out in
	// order); dictionary columns keep their pages until Close writes the
	// dictionary page ahead of them
	if fl, ok := cw.(interface{ FlushBufferedDataPages() error }); ok && !cw.Properties().DictionaryEnabledFor(cw.Descr().Path()) {
		return fl.FlushBufferedDataPages()
	}
	return nil
}

// rowGroup is the row-group length of WriteParquet's files: 1Mi rows,
// pyarrow's default (the buffers of a column chunk's encoder and
// compressor then serve all of its pages; with 64Ki-row groups each chunk
// allocated and cleared them afresh). Tests shorten it.
var rowGroup = 1 << 20

// pageSize is the data-page size: 128 KiB, measured cheaper to encode and
// compress than the 1 MiB default (BenchmarkWriteParquet).
const pageSize = 128 << 10

// arrowArray returns the column as one Arrow array of n rows: a zero-copy
// view of F32, F64 or I64 when the column has no nulls, else built.
func (c *Col) arrowArray(n int) arrow.Array {
	view := func(dt arrow.DataType, p unsafe.Pointer, size int) arrow.Array {
		var b []byte
		if n > 0 {
			b = unsafe.Slice((*byte)(p), n*size)
		}
		d := array.NewData(dt, n, []*memory.Buffer{nil, memory.NewBufferBytes(b)}, nil, 0, 0)
		defer d.Release()
		return array.MakeFromData(d)
	}
	if c.Null == nil {
		switch {
		case c.Kind == KindString && c.Str == nil && c.StrList != nil && c.StrList.Len() == n:
			// Arrow's string layout already: offsets and bytes as they are
			l := c.StrList
			offs := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(l.Offsets))), 4*len(l.Offsets))
			d := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{nil, memory.NewBufferBytes(offs), memory.NewBufferBytes(l.Bytes)}, nil, 0, 0)
			defer d.Release()
			return array.MakeFromData(d)
		case c.Kind == KindFloat32 && c.F64 == nil:
			return view(arrow.PrimitiveTypes.Float32, unsafe.Pointer(unsafe.SliceData(c.F32)), 4)
		case c.Kind == KindFloat64:
			return view(arrow.PrimitiveTypes.Float64, unsafe.Pointer(unsafe.SliceData(c.F64)), 8)
		case c.Kind == KindInt64:
			return view(arrow.PrimitiveTypes.Int64, unsafe.Pointer(unsafe.SliceData(c.I64)), 8)
		}
	}
	b := array.NewBuilder(memory.DefaultAllocator, c.arrowType())
	defer b.Release()
	b.Reserve(n)
	if c.Null == nil {
		switch c.Kind {
		case KindFloat32:
			fb := b.(*array.Float32Builder)
			for _, v := range c.F64[:n] {
				fb.UnsafeAppend(float32(v))
			}
		case KindBool:
			b.(*array.BooleanBuilder).AppendValues(c.Bool[:n], nil)
		default:
			b.(*array.StringBuilder).AppendValues(c.Strings()[:n], nil)
		}
		return b.NewArray()
	}
	for i := 0; i < n; i++ {
		if c.null(i) {
			b.AppendNull()
			continue
		}
		switch c.Kind {
		case KindFloat64:
			b.(*array.Float64Builder).Append(c.F64[i])
		case KindFloat32:
			if c.F64 == nil {
				b.(*array.Float32Builder).Append(c.F32[i])
			} else {
				b.(*array.Float32Builder).Append(float32(c.F64[i]))
			}
		case KindInt64:
			b.(*array.Int64Builder).Append(c.I64[i])
		case KindBool:
			b.(*array.BooleanBuilder).Append(c.Bool[i])
		default:
			b.(*array.StringBuilder).Append(c.str(i))
		}
	}
	return b.NewArray()
}
