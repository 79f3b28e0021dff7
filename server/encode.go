package server

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/jsonvalue"
	"github.com/ccc-connectivity/ccc/synapse"
)

// Output formats and their media types.
const (
	FormatJSON    = "json"
	FormatCSV     = "csv"
	FormatParquet = "parquet"
	FormatArrow   = "arrow"
)

// formatJSONInt64String is JSON with integers beyond ±2^53 as strings
// (Accept: application/json; int64=string), for JavaScript clients, whose
// numbers would round 64-bit root ids.
const formatJSONInt64String = "json-int64-string"

var formatTypes = map[string]string{
	FormatJSON:            "application/json",
	formatJSONInt64String: "application/json",
	FormatCSV:             "text/csv; charset=utf-8",
	FormatParquet:         "application/vnd.apache.parquet",
	FormatArrow:           "application/vnd.apache.arrow.stream",
}

// mediaFormats maps accepted media types to formats.
var mediaFormats = map[string]string{
	"application/json": FormatJSON, "text/csv": FormatCSV,
	"application/vnd.apache.parquet": FormatParquet, "application/x-parquet": FormatParquet, "application/parquet": FormatParquet,
	"application/vnd.apache.arrow.stream": FormatArrow,
}

// negotiate picks the output format: ?format= first, else the first media
// type of the Accept header that is known (in the header's order; q values
// are honoured as an order), else JSON.
func negotiate(r *http.Request) (string, error) {
	if f := r.URL.Query().Get("format"); f != "" {
		if _, ok := formatTypes[f]; !ok || f == formatJSONInt64String {
			return "", usagef("format %q: want json, csv, parquet or arrow", f)
		}
		return f, nil
	}
	best, bestQ := "", -1.0
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				q = v
			}
		}
		f, ok := mediaFormats[mt]
		if !ok && (mt == "*/*" || mt == "application/*") {
			f, ok = FormatJSON, true
		}
		if ok && f == FormatJSON && params["int64"] == "string" {
			f = formatJSONInt64String
		}
		if ok && q > bestQ && q > 0 {
			best, bestQ = f, q
		}
	}
	if best == "" {
		if a := strings.TrimSpace(r.Header.Get("Accept")); a != "" && !strings.Contains(a, "*/*") {
			return "", &httpError{status: http.StatusNotAcceptable, msg: "cannot produce " + a + "; use application/json, text/csv, application/vnd.apache.parquet or application/vnd.apache.arrow.stream"}
		}
		return FormatJSON, nil
	}
	return best, nil
}

// rowWriter streams a table to an HTTP response in one format. It
// implements synapse.RowWriter, so domain writers stream straight into the
// response. Nothing is written before Header, so errors found before the
// first row still get a proper status.
type rowWriter struct {
	w      http.ResponseWriter
	format string
	bw     *bufio.Writer
	cols   []synapse.Col
	rows   int64

	csv  *csv.Writer
	rec  []string
	keys [][]byte

	schema *arrow.Schema
	b      *array.RecordBuilder
	ipcw   *ipc.Writer
	pqw    *pqarrow.FileWriter
	batch  int
}

var _ synapse.ColumnWriter = (*rowWriter)(nil)

func newRowWriter(w http.ResponseWriter, format string) *rowWriter {
	return &rowWriter{w: w, format: format}
}

// batchRows is the Arrow batch size; Parquet row groups are 8 batches.
const batchRows = 8192

func (rw *rowWriter) Header(cols []synapse.Col) error {
	rw.cols = cols
	h := rw.w.Header()
	h.Set("Content-Type", formatTypes[rw.format])
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	rw.w.WriteHeader(http.StatusOK)
	rw.bw = bufio.NewWriterSize(rw.w, 1<<16)
	switch rw.format {
	case FormatCSV:
		rw.csv = csv.NewWriter(rw.bw)
		rw.rec = make([]string, len(cols))
		return rw.csv.Write(names)
	case FormatJSON, formatJSONInt64String:
		for _, n := range names {
			k, _ := json.Marshal(n)
			rw.keys = append(rw.keys, k)
		}
		_, err := rw.bw.WriteString("[")
		return err
	}
	fs := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fs[i] = arrow.Field{Name: c.Name, Type: arrowType(c.Kind), Nullable: true}
	}
	rw.schema = arrow.NewSchema(fs, nil)
	rw.b = array.NewRecordBuilder(memory.DefaultAllocator, rw.schema)
	if rw.format == FormatArrow {
		rw.ipcw = ipc.NewWriter(rw.bw, ipc.WithSchema(rw.schema))
		return nil
	}
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithCompressionLevel(1),
		parquet.WithMaxRowGroupLength(8*batchRows))
	var err error
	rw.pqw, err = pqarrow.NewFileWriter(rw.schema, rw.bw, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	return err
}

func arrowType(k synapse.ColKind) arrow.DataType {
	switch k {
	case synapse.KindInt:
		return arrow.PrimitiveTypes.Int64
	case synapse.KindFloat:
		return arrow.PrimitiveTypes.Float64
	case synapse.KindBool:
		return arrow.FixedWidthTypes.Boolean
	case synapse.KindTime:
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	case synapse.KindFloatList:
		return arrow.ListOf(arrow.PrimitiveTypes.Float64)
	}
	return arrow.BinaryTypes.String
}

func (rw *rowWriter) Row(vals []any) error {
	rw.rows++
	switch rw.format {
	case FormatCSV:
		for i, v := range vals {
			rw.rec[i] = textValue(v)
		}
		return rw.csv.Write(rw.rec)
	case FormatJSON, formatJSONInt64String:
		return rw.jsonRow(vals)
	}
	for i, v := range vals {
		if err := appendValue(rw.b.Field(i), v); err != nil {
			return fmt.Errorf("column %s: %w", rw.cols[i].Name, err)
		}
	}
	rw.batch++
	if rw.batch >= batchRows {
		return rw.flushBatch()
	}
	return nil
}

func (rw *rowWriter) jsonRow(vals []any) error {
	if rw.rows > 1 {
		rw.bw.WriteString(",\n")
	} else {
		rw.bw.WriteString("\n")
	}
	rw.bw.WriteByte('{')
	for i, v := range vals {
		if i > 0 {
			rw.bw.WriteByte(',')
		}
		rw.bw.Write(rw.keys[i])
		rw.bw.WriteByte(':')
		if x, ok := v.(int64); ok && rw.format == formatJSONInt64String && (x > 1<<53 || x < -(1<<53)) {
			v = strconv.FormatInt(x, 10)
		} else {
			v = jsonvalue.Safe(v)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		rw.bw.Write(b)
	}
	_, err := rw.bw.WriteString("}")
	return err
}

func (rw *rowWriter) flushBatch() error {
	if rw.batch == 0 {
		return nil
	}
	rec := rw.b.NewRecordBatch()
	defer rec.Release()
	rw.batch = 0
	return rw.send(rec)
}

// send writes a record batch to the Arrow or Parquet stream and pushes it
// to the client: streaming, and bounded memory.
func (rw *rowWriter) send(rec arrow.RecordBatch) error {
	if rw.ipcw != nil {
		if err := rw.ipcw.Write(rec); err != nil {
			return err
		}
	} else if err := rw.pqw.WriteBuffered(rec); err != nil {
		return err
	}
	if err := rw.bw.Flush(); err != nil {
		return err
	}
	if f, ok := rw.w.(http.Flusher); ok {
		f.Flush()
	}
	return nil
}

// Columns writes a batch of rows given as columns ([]int64, []float64 or
// []string per column); Arrow and Parquet append them to the column
// builders whole, other formats write them row by row.
func (rw *rowWriter) Columns(cols []any) error {
	if len(cols) != len(rw.cols) {
		return fmt.Errorf("server: %d columns in a batch of a %d-column table", len(cols), len(rw.cols))
	}
	n := columnLen(cols[0])
	for i, c := range cols {
		if columnLen(c) != n {
			return fmt.Errorf("server: column %s has %d rows in a batch of %d", rw.cols[i].Name, columnLen(c), n)
		}
	}
	if rw.b == nil {
		vals := make([]any, len(cols))
		for k := range n {
			synapse.ColumnsRow(cols, k, vals)
			if err := rw.Row(vals); err != nil {
				return err
			}
		}
		return nil
	}
	for i, c := range cols {
		var err error
		switch fb := rw.b.Field(i).(type) {
		case *array.Int64Builder:
			x, ok := c.([]int64)
			if !ok {
				err = fmt.Errorf("want integers, got %T", c)
				break
			}
			fb.AppendValues(x, nil)
		case *array.Float64Builder:
			x, ok := c.([]float64)
			if !ok {
				err = fmt.Errorf("want numbers, got %T", c)
				break
			}
			fb.Reserve(len(x))
			for _, f := range x {
				if math.IsNaN(f) {
					fb.UnsafeAppendBoolToBitmap(false)
				} else {
					fb.UnsafeAppend(f)
				}
			}
		case *array.StringBuilder:
			x, ok := c.([]string)
			if !ok {
				err = fmt.Errorf("want strings, got %T", c)
				break
			}
			fb.AppendValues(x, nil)
		default:
			err = fmt.Errorf("no batch of %T", fb)
		}
		if err != nil {
			return fmt.Errorf("server: column %s: %w", rw.cols[i].Name, err)
		}
	}
	rw.rows += int64(n)
	rw.batch += n
	if rw.batch >= batchRows {
		return rw.flushBatch()
	}
	return nil
}

func columnLen(c any) int {
	switch x := c.(type) {
	case []int64:
		return len(x)
	case []float64:
		return len(x)
	case []string:
		return len(x)
	}
	return -1
}

// Record writes a whole Arrow record batch (Arrow and Parquet formats
// only), whose schema must be the writer's, after any rows given by Row.
func (rw *rowWriter) Record(rec arrow.RecordBatch) error {
	if rw.ipcw == nil && rw.pqw == nil {
		return fmt.Errorf("server: record batches need the arrow or parquet format, not %s", rw.format)
	}
	if !rec.Schema().Equal(rw.schema) {
		return fmt.Errorf("server: record batch schema %s differs from the stream's %s", rec.Schema(), rw.schema)
	}
	if err := rw.flushBatch(); err != nil {
		return err
	}
	rw.rows += rec.NumRows()
	return rw.send(rec)
}

// Close ends the stream. Without a Header call it writes an empty table
// with no columns.
func (rw *rowWriter) Close() error {
	if rw.bw == nil {
		if err := rw.Header(nil); err != nil {
			return err
		}
	}
	var err error
	switch rw.format {
	case FormatCSV:
		rw.csv.Flush()
		err = rw.csv.Error()
	case FormatJSON, formatJSONInt64String:
		if rw.rows > 0 {
			rw.bw.WriteString("\n")
		}
		_, err = rw.bw.WriteString("]\n")
	case FormatArrow:
		if err = rw.flushBatch(); err == nil {
			err = rw.ipcw.Close()
		}
	case FormatParquet:
		if err = rw.flushBatch(); err == nil {
			err = rw.pqw.Close()
		}
	}
	if rw.b != nil {
		rw.b.Release()
		rw.b = nil
	}
	if ferr := rw.bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

// started reports whether the status line has gone out.
func (rw *rowWriter) started() bool { return rw.bw != nil }

func appendValue(fb array.Builder, v any) error {
	if v == nil {
		fb.AppendNull()
		return nil
	}
	switch b := fb.(type) {
	case *array.Int64Builder:
		switch x := v.(type) {
		case int64:
			b.Append(x)
		case int32:
			b.Append(int64(x))
		case int:
			b.Append(int64(x))
		default:
			return fmt.Errorf("want an integer, got %T", v)
		}
	case *array.Float64Builder:
		switch x := v.(type) {
		case float64:
			if math.IsNaN(x) {
				b.AppendNull()
			} else {
				b.Append(x)
			}
		case float32:
			b.Append(float64(x))
		case int64:
			b.Append(float64(x))
		default:
			return fmt.Errorf("want a number, got %T", v)
		}
	case *array.StringBuilder:
		b.Append(textValue(v))
	case *array.BooleanBuilder:
		x, ok := v.(bool)
		if !ok {
			return fmt.Errorf("want a boolean, got %T", v)
		}
		b.Append(x)
	case *array.TimestampBuilder:
		x, ok := v.(time.Time)
		if !ok {
			return fmt.Errorf("want a time, got %T", v)
		}
		b.Append(arrow.Timestamp(x.UnixMicro()))
	case *array.ListBuilder:
		x, ok := v.([]float64)
		if !ok {
			return fmt.Errorf("want a list of numbers, got %T", v)
		}
		b.Append(true)
		vb := b.ValueBuilder().(*array.Float64Builder)
		for _, f := range x {
			if math.IsNaN(f) {
				vb.AppendNull()
			} else {
				vb.Append(f)
			}
		}
	default:
		return fmt.Errorf("unsupported column builder %T", fb)
	}
	return nil
}

// textValue renders a value for CSV (and string columns): empty for null
// and NaN, RFC 3339 times, JSON for lists and maps.
func textValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if math.IsNaN(x) {
			return ""
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case []byte:
		return fmt.Sprintf("%x", x)
	case []float64, []any, map[string]any:
		b, err := json.Marshal(jsonvalue.Safe(x))
		if err == nil {
			return string(b)
		}
	}
	return fmt.Sprint(v)
}

// writeTable writes an in-memory table through a rowWriter.
func writeTable(w http.ResponseWriter, format string, cols []synapse.Col, rows [][]any) error {
	rw := newRowWriter(w, format)
	if err := rw.Header(cols); err != nil {
		return err
	}
	for _, r := range rows {
		if err := rw.Row(r); err != nil {
			return err
		}
	}
	return rw.Close()
}

// writeJSON writes v as an indented JSON document.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

var _ io.Writer = (*bufio.Writer)(nil)
var _ = ccc.ErrUsage
