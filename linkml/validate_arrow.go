package linkml

import (
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// BatchFromArrow views an Arrow record batch as a Batch for
// ColumnStream.Validate. int64, float64 and utf8 columns (and the validity
// bitmaps of unsliced arrays) are shared, not copied; narrower integers,
// float32, booleans, large/view strings, dates and timestamps are converted
// once per batch (dates to YYYY-MM-DD, timestamps to RFC 3339 strings, as
// the date / datetime ranges expect). List columns become list columns.
// The batch must stay alive (not released) while the Batch is used.
func BatchFromArrow(rec arrow.RecordBatch) (*Batch, error) {
	b := &Batch{Rows: int(rec.NumRows()), Columns: make([]Column, rec.NumCols())}
	for i := 0; i < int(rec.NumCols()); i++ {
		c, err := arrowColumn(rec.ColumnName(i), rec.Column(i))
		if err != nil {
			return nil, err
		}
		b.Columns[i] = c
	}
	return b, nil
}

func arrowValidity(a arrow.Array) []byte {
	if a.NullN() == 0 {
		return nil
	}
	if a.Data().Offset() == 0 {
		return a.NullBitmapBytes()
	}
	v := make([]byte, (a.Len()+7)/8)
	for i := 0; i < a.Len(); i++ {
		if a.IsValid(i) {
			v[i>>3] |= 1 << (uint(i) & 7)
		}
	}
	return v
}

func arrowColumn(name string, a arrow.Array) (Column, error) {
	c := Column{Name: name, Valid: arrowValidity(a)}
	n := a.Len()
	ints := func(get func(i int) int64) {
		c.Int64 = make([]int64, n)
		for i := range c.Int64 {
			if a.IsValid(i) {
				c.Int64[i] = get(i)
			}
		}
	}
	strs := func(get func(i int) string) {
		c.String = make([]string, n)
		for i := range c.String {
			if a.IsValid(i) {
				c.String[i] = get(i)
			}
		}
	}
	switch x := a.(type) {
	case *array.Int64:
		c.Int64 = x.Int64Values()
	case *array.Int32:
		ints(func(i int) int64 { return int64(x.Value(i)) })
	case *array.Int16:
		ints(func(i int) int64 { return int64(x.Value(i)) })
	case *array.Int8:
		ints(func(i int) int64 { return int64(x.Value(i)) })
	case *array.Uint32:
		ints(func(i int) int64 { return int64(x.Value(i)) })
	case *array.Uint16:
		ints(func(i int) int64 { return int64(x.Value(i)) })
	case *array.Uint8:
		ints(func(i int) int64 { return int64(x.Value(i)) })
	case *array.Uint64:
		for i := 0; i < n; i++ {
			if x.IsValid(i) && x.Value(i) > 1<<63-1 {
				return c, fmt.Errorf("column %s: uint64 value %d does not fit an integer slot", name, x.Value(i))
			}
		}
		ints(func(i int) int64 { return int64(x.Value(i)) })
	case *array.Float64:
		c.Float64 = x.Float64Values()
	case *array.Float32:
		c.Float64 = make([]float64, n)
		for i := range c.Float64 {
			c.Float64[i] = float64(x.Value(i))
		}
	case *array.Boolean:
		c.Bool = make([]bool, n)
		for i := range c.Bool {
			c.Bool[i] = x.IsValid(i) && x.Value(i)
		}
	case *array.String:
		if x.Data().Offset() == 0 && len(x.Data().Buffers()) > 2 && x.Data().Buffers()[2] != nil {
			c.Offsets = x.ValueOffsets()
			c.Data = x.Data().Buffers()[2].Bytes()
		} else {
			strs(x.Value)
		}
	case *array.LargeString:
		strs(x.Value)
	case *array.StringView:
		strs(x.Value)
	case *array.Date32:
		strs(func(i int) string { return x.Value(i).ToTime().Format("2006-01-02") })
	case *array.Date64:
		strs(func(i int) string { return x.Value(i).ToTime().Format("2006-01-02") })
	case *array.Timestamp:
		unit := x.DataType().(*arrow.TimestampType).Unit
		strs(func(i int) string { return x.Value(i).ToTime(unit).UTC().Format(time.RFC3339Nano) })
	case *array.Dictionary:
		dict := x.Dictionary()
		inner, err := arrowColumn(name, dict)
		if err != nil {
			return c, err
		}
		if inner.String == nil && inner.Offsets == nil {
			return c, fmt.Errorf("column %s: only string dictionaries are supported", name)
		}
		strs(func(i int) string { return inner.str(x.GetValueIndex(i)) })
	case *array.List:
		child, err := arrowColumn(name, x.ListValues())
		if err != nil {
			return c, err
		}
		if child.Valid != nil {
			return c, fmt.Errorf("column %s: list elements must not be null", name)
		}
		c.Int64, c.Float64, c.Bool, c.String, c.Offsets, c.Data = child.Int64, child.Float64, child.Bool, child.String, child.Offsets, child.Data
		// rows are contiguous in Arrow lists: row i ends where i+1 starts
		c.ListOffsets = make([]int32, n+1)
		for i := 0; i < n; i++ {
			s, e := x.ValueOffsets(i)
			c.ListOffsets[i], c.ListOffsets[i+1] = int32(s), int32(e)
		}
	default:
		return c, fmt.Errorf("column %s: Arrow type %s is not supported for validation", name, a.DataType())
	}
	return c, nil
}
