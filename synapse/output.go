package synapse

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/ccc-connectivity/ccc"
)

// ColKind is an output column's value kind.
type ColKind int

// Output column kinds.
const (
	KindInt ColKind = iota
	KindFloat
	KindString
	KindBool
	KindTime
	KindFloatList // a position [x, y, z]
)

// Col names and types one output column.
type Col struct {
	Name string
	Kind ColKind
}

// RowWriter writes a table row by row in one of the output formats. Values
// are int64, float64, string, bool, time.Time, []float64 or nil.
type RowWriter interface {
	Header(cols []Col) error
	Row(vals []any) error
	Close() error
}

// ColumnWriter is a RowWriter that also takes rows a batch at a time, as
// whole columns: one slice per header column, each []int64, []float64 (NaN
// is null) or []string, all of one length. Writers of columnar formats
// implement it so that a query's columns reach them without a value per
// cell; a batch is the same as its rows given one by one to Row.
type ColumnWriter interface {
	RowWriter
	Columns(cols []any) error
}

// ColumnsRow sets row[i] to the k-th value of column batch cols[i]
// ([]int64, []float64 or []string), as a ColumnWriter's Row would get it.
func ColumnsRow(cols []any, k int, row []any) {
	for i, c := range cols {
		switch x := c.(type) {
		case []int64:
			row[i] = x[k]
		case []float64:
			row[i] = x[k]
		case []string:
			row[i] = x[k]
		}
	}
}

// Formats lists the output formats.
var Formats = []string{"csv", "parquet", "json", "table"}

// NewRowWriter returns a writer for format on w; parquet needs a file path
// (path) since Parquet cannot be streamed to a pipe.
func NewRowWriter(format string, w io.Writer, path string) (RowWriter, error) {
	switch format {
	case "csv", "":
		bw := bufio.NewWriterSize(w, 1<<16)
		return &csvWriter{bw: bw, w: csv.NewWriter(bw)}, nil
	case "json":
		return &jsonWriter{w: bufio.NewWriterSize(w, 1<<16)}, nil
	case "table":
		return &tableWriter{w: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}, nil
	case "parquet":
		if path == "" {
			return nil, fmt.Errorf("%w: --format parquet needs --out FILE", ccc.ErrUsage)
		}
		return &parquetWriter{path: path}, nil
	}
	return nil, fmt.Errorf("%w: --format %q: want one of %s", ccc.ErrUsage, format, strings.Join(Formats, ", "))
}

func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if math.IsNaN(x) {
			return ""
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return x
	case bool:
		if x {
			return "t"
		}
		return "f"
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05.999999-07:00")
	case []float64:
		parts := make([]string, len(x))
		for i, f := range x {
			parts[i] = strconv.FormatFloat(f, 'f', -1, 64)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// csvWriter writes rows through encoding/csv and column batches (the
// query's numbers) straight into its buffer with strconv.Append*, with the
// same text: both write to bw (csv.Writer keeps no buffer of its own when
// given a large enough bufio.Writer).
type csvWriter struct {
	bw   *bufio.Writer
	w    *csv.Writer
	rec  []string
	buf  []byte
	span []int
}

var _ ColumnWriter = (*csvWriter)(nil)

func (c *csvWriter) Header(cols []Col) error {
	c.rec = make([]string, len(cols))
	for i, col := range cols {
		c.rec[i] = col.Name
	}
	return c.w.Write(c.rec)
}

func (c *csvWriter) Row(vals []any) error {
	for i, v := range vals {
		c.rec[i] = formatValue(v)
	}
	return c.w.Write(c.rec)
}

// Columns writes a batch given as columns ([]int64, []float64 with NaN as
// null, []string), each cell as Row would write it.
func (c *csvWriter) Columns(cols []any) error {
	if len(cols) != len(c.rec) {
		return fmt.Errorf("csv output: %d columns in a batch of a %d-column table", len(cols), len(c.rec))
	}
	n := -1
	for _, col := range cols {
		m := -1
		switch x := col.(type) {
		case []int64:
			m = len(x)
		case []float64:
			m = len(x)
		case []string:
			m = len(x)
		}
		if m < 0 || (n >= 0 && m != n) {
			return fmt.Errorf("csv output: column batch of %T (%d rows, want %d)", col, m, n)
		}
		n = m
	}
	// an int equal to the one above it (a neuron's root id down its rows)
	// is copied from the previous line: from[i]:to[i] is where column i's
	// last cell is in b (to[i] == 0: not in b)
	if cap(c.span) < 2*len(cols) {
		c.span = make([]int, 2*len(cols))
	}
	from, to := c.span[:len(cols)], c.span[len(cols):2*len(cols)]
	clear(to)
	b := c.buf[:0]
	for k := range n {
		for i, col := range cols {
			if i > 0 {
				b = append(b, ',')
			}
			switch x := col.(type) {
			case []int64:
				at := len(b)
				if k > 0 && to[i] > 0 && x[k] == x[k-1] {
					b = append(b, b[from[i]:to[i]]...)
				} else {
					b = strconv.AppendInt(b, x[k], 10)
				}
				from[i], to[i] = at, len(b)
			case []float64:
				b = appendFloatCSV(b, x[k])
			case []string:
				b = appendCSVField(b, x[k])
			}
		}
		b = append(b, '\n')
		if len(b) >= 1<<16 {
			if _, err := c.bw.Write(b); err != nil {
				return err
			}
			b = b[:0]
			clear(to)
		}
	}
	_, err := c.bw.Write(b)
	c.buf = b[:0]
	return err
}

// appendFloatCSV appends x as formatValue writes it (NaN: nothing), whole
// numbers (synapse sizes) through the faster integer path.
func appendFloatCSV(b []byte, x float64) []byte {
	switch {
	case math.IsNaN(x):
		return b
	case x == math.Trunc(x) && math.Abs(x) < 1e15 && (x != 0 || !math.Signbit(x)):
		return strconv.AppendInt(b, int64(x), 10)
	}
	return strconv.AppendFloat(b, x, 'f', -1, 64)
}

// appendCSVField appends s as encoding/csv's Writer writes a field (Comma
// ',', UseCRLF false).
func appendCSVField(b []byte, s string) []byte {
	if !csvNeedsQuotes(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// csvNeedsQuotes is encoding/csv's fieldNeedsQuotes for Comma ','.
func csvNeedsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s == `\.` {
		return true
	}
	if strings.ContainsAny(s, "\n\r\",") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

func (c *csvWriter) Close() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return err
	}
	return c.bw.Flush()
}

// jsonWriter writes one JSON array of objects, streamed.
type jsonWriter struct {
	w    *bufio.Writer
	keys [][]byte
	n    int64
}

func (j *jsonWriter) Header(cols []Col) error {
	for _, c := range cols {
		k, _ := json.Marshal(c.Name)
		j.keys = append(j.keys, k)
	}
	_, err := j.w.WriteString("[")
	return err
}

func (j *jsonWriter) Row(vals []any) error {
	if j.n > 0 {
		j.w.WriteString(",\n")
	} else {
		j.w.WriteString("\n")
	}
	j.n++
	j.w.WriteByte('{')
	for i, v := range vals {
		if i > 0 {
			j.w.WriteByte(',')
		}
		j.w.Write(j.keys[i])
		j.w.WriteByte(':')
		switch x := v.(type) {
		case float64:
			if math.IsNaN(x) {
				v = nil
			}
		case time.Time:
			v = formatValue(x)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		j.w.Write(b)
	}
	_, err := j.w.WriteString("}")
	return err
}

func (j *jsonWriter) Close() error {
	j.w.WriteString("\n]\n")
	return j.w.Flush()
}

type tableWriter struct {
	w *tabwriter.Writer
}

func (t *tableWriter) Header(cols []Col) error {
	for i, c := range cols {
		if i > 0 {
			fmt.Fprint(t.w, "\t")
		}
		fmt.Fprint(t.w, c.Name)
	}
	_, err := fmt.Fprintln(t.w)
	return err
}

func (t *tableWriter) Row(vals []any) error {
	for i, v := range vals {
		if i > 0 {
			fmt.Fprint(t.w, "\t")
		}
		fmt.Fprint(t.w, formatValue(v))
	}
	_, err := fmt.Fprintln(t.w)
	return err
}

func (t *tableWriter) Close() error { return t.w.Flush() }

// parquetWriter buffers batches of rows into Arrow builders.
type parquetWriter struct {
	path   string
	f      *os.File
	w      *pqarrow.FileWriter
	schema *arrow.Schema
	b      *array.RecordBuilder
	cols   []Col
	n      int
}

func arrowType(k ColKind) arrow.DataType {
	switch k {
	case KindInt:
		return arrow.PrimitiveTypes.Int64
	case KindFloat:
		return arrow.PrimitiveTypes.Float64
	case KindBool:
		return arrow.FixedWidthTypes.Boolean
	case KindTime:
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	case KindFloatList:
		return arrow.ListOf(arrow.PrimitiveTypes.Float64)
	}
	return arrow.BinaryTypes.String
}

func (p *parquetWriter) Header(cols []Col) error {
	p.cols = cols
	fs := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fs[i] = arrow.Field{Name: c.Name, Type: arrowType(c.Kind), Nullable: true}
	}
	p.schema = arrow.NewSchema(fs, nil)
	f, err := os.Create(p.path)
	if err != nil {
		return err
	}
	p.f = f
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithCompressionLevel(1))
	p.w, err = pqarrow.NewFileWriter(p.schema, f, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return err
	}
	p.b = array.NewRecordBuilder(memory.DefaultAllocator, p.schema)
	return nil
}

func (p *parquetWriter) Row(vals []any) error {
	for i, v := range vals {
		fb := p.b.Field(i)
		if v == nil {
			fb.AppendNull()
			continue
		}
		switch x := v.(type) {
		case int64:
			fb.(*array.Int64Builder).Append(x)
		case float64:
			if math.IsNaN(x) {
				fb.AppendNull()
			} else {
				fb.(*array.Float64Builder).Append(x)
			}
		case string:
			fb.(*array.StringBuilder).Append(x)
		case bool:
			fb.(*array.BooleanBuilder).Append(x)
		case time.Time:
			fb.(*array.TimestampBuilder).Append(arrow.Timestamp(x.UnixMicro()))
		case []float64:
			lb := fb.(*array.ListBuilder)
			lb.Append(true)
			lb.ValueBuilder().(*array.Float64Builder).AppendValues(x, nil)
		default:
			return fmt.Errorf("parquet output: unsupported value %T", v)
		}
	}
	p.n++
	if p.n >= 1<<16 {
		return p.flush()
	}
	return nil
}

func (p *parquetWriter) flush() error {
	if p.n == 0 {
		return nil
	}
	rec := p.b.NewRecordBatch()
	defer rec.Release()
	p.n = 0
	return p.w.Write(rec)
}

func (p *parquetWriter) Close() error {
	if p.w == nil {
		return nil
	}
	err := p.flush()
	if err2 := p.w.Close(); err == nil {
		err = err2
	}
	p.b.Release()
	return err
}
