package spark

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// Rows iterates over an Arrow result row by row, the way database/sql.Rows
// does (Columns, Next, Scan, Err), so that the command line writes Spark
// results with the same writers as DuckDB results. Values are int64,
// uint64, float64, string, bool, []byte, time.Time, []any or nil.
type Rows struct {
	cols []string
	rdr  *array.TableReader
	rec  arrow.RecordBatch
	row  int
	err  error
}

// NewRows returns an iterator over t (nil t: no rows, no columns).
func NewRows(t arrow.Table) *Rows {
	r := &Rows{row: -1}
	if t == nil {
		return r
	}
	for _, f := range t.Schema().Fields() {
		r.cols = append(r.cols, f.Name)
	}
	r.rdr = array.NewTableReader(t, 64*1024)
	return r
}

// Columns returns the column names.
func (r *Rows) Columns() ([]string, error) { return r.cols, nil }

// Next advances to the next row.
func (r *Rows) Next() bool {
	if r.rdr == nil {
		return false
	}
	r.row++
	for r.rec == nil || r.row >= int(r.rec.NumRows()) {
		if !r.rdr.Next() {
			if err := r.rdr.Err(); err != nil {
				r.err = err
			}
			return false
		}
		r.rec = r.rdr.RecordBatch()
		r.row = 0
	}
	return true
}

// Values returns the current row's values (a fresh slice).
func (r *Rows) Values() []any {
	out := make([]any, len(r.cols))
	for i := range out {
		out[i] = Value(r.rec.Column(i), r.row)
	}
	return out
}

// Scan copies the current row into dest, which must hold *any pointers.
func (r *Rows) Scan(dest ...any) error {
	if len(dest) != len(r.cols) {
		return fmt.Errorf("spark: scan of %d columns into %d values", len(r.cols), len(dest))
	}
	for i, d := range dest {
		p, ok := d.(*any)
		if !ok {
			return fmt.Errorf("spark: scan destination %d is %T, want *any", i, d)
		}
		*p = Value(r.rec.Column(i), r.row)
	}
	return nil
}

// Err returns the error that ended the iteration, if any.
func (r *Rows) Err() error { return r.err }

// Close releases the reader.
func (r *Rows) Close() error {
	if r.rdr != nil {
		r.rdr.Release()
		r.rdr = nil
	}
	return nil
}

// Value returns row i of an Arrow array as a Go value.
func Value(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch x := a.(type) {
	case *array.Int8:
		return int64(x.Value(i))
	case *array.Int16:
		return int64(x.Value(i))
	case *array.Int32:
		return int64(x.Value(i))
	case *array.Int64:
		return x.Value(i)
	case *array.Uint8:
		return int64(x.Value(i))
	case *array.Uint16:
		return int64(x.Value(i))
	case *array.Uint32:
		return int64(x.Value(i))
	case *array.Uint64:
		return x.Value(i)
	case *array.Float32:
		return x.Value(i) // float32, printed as the embedded engine prints FLOAT
	case *array.Float64:
		return x.Value(i)
	case *array.String:
		return x.Value(i)
	case *array.LargeString:
		return x.Value(i)
	case *array.Binary:
		return append([]byte(nil), x.Value(i)...)
	case *array.Boolean:
		return x.Value(i)
	case *array.Date32:
		return x.Value(i).ToTime()
	case *array.Date64:
		return x.Value(i).ToTime()
	case *array.Timestamp:
		unit := x.DataType().(*arrow.TimestampType).Unit
		return x.Value(i).ToTime(unit).UTC()
	case *array.Decimal128:
		dt := x.DataType().(*arrow.Decimal128Type)
		return decimalFloat(x.Value(i), dt.Scale)
	case array.ListLike: // List and LargeList
		start, end := x.ValueOffsets(i)
		vals := x.ListValues()
		out := make([]any, 0, end-start)
		for k := start; k < end; k++ {
			out = append(out, Value(vals, int(k)))
		}
		return out
	}
	return a.ValueStr(i)
}

func decimalFloat(v decimal128.Num, scale int32) float64 { return v.ToFloat64(scale) }
