package pqflat

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// TestWriteRead: every column kind, with and without NULLs, over more
// rows than one bit-packed run holds (504), reads back through arrow-go
// with the values, NULLs, types and repetition written; an empty table
// reads as 0 rows.
func TestWriteRead(t *testing.T) {
	for _, rows := range []int{0, 1, 7, 1000} {
		var cols []Column
		i32, i64, f64 := make([]int32, rows), make([]int64, rows), make([]float64, rows)
		valid, idx, idxNull := make([]bool, rows), make([]int32, rows), make([]int32, rows)
		var bs []byte
		off := []int32{0}
		dict := []string{"a", "bb", "ccc", "dddd", "e"}
		for i := range rows {
			i32[i], i64[i], f64[i] = int32(i)-3, int64(i)<<33, float64(i)/3
			valid[i] = i%3 != 1
			bs = append(bs, "s"+strconv.Itoa(i)...)
			off = append(off, int32(len(bs)))
			idx[i] = int32(i % len(dict))
			idxNull[i] = idx[i]
			if !valid[i] {
				idxNull[i] = -1
			}
		}
		if rows > 0 {
			f64[0] = math.NaN()
		}
		cols = append(cols,
			Column{Name: "i32", Type: Int32, Int32: i32},
			Column{Name: "i64n", Type: Int64, Int64: i64, Valid: valid},
			Column{Name: "f64", Type: Double, Double: f64},
			Column{Name: "f64n", Type: Double, Double: f64, Valid: valid},
			Column{Name: "s", Type: String, Bytes: bs, Offsets: off},
			Column{Name: "sn", Type: String, Bytes: bs, Offsets: off, Valid: valid},
			Column{Name: "d", Type: String, Dict: dict, Index: idx},
			Column{Name: "dn", Type: String, Dict: dict, Index: idxNull})
		var buf bytes.Buffer
		if err := Write(&buf, rows, cols); err != nil {
			t.Fatal(err)
		}
		rd, err := file.NewParquetReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("%d rows: %v", rows, err)
		}
		fr, err := pqarrow.NewFileReader(rd, pqarrow.ArrowReadProperties{BatchSize: 1 << 20}, memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		tbl, err := fr.ReadTable(context.Background())
		if err != nil {
			t.Fatalf("%d rows: %v", rows, err)
		}
		if tbl.NumRows() != int64(rows) || tbl.NumCols() != int64(len(cols)) {
			t.Fatalf("%d rows: read %d x %d", rows, tbl.NumRows(), tbl.NumCols())
		}
		wantType := []string{"int32", "int64", "float64", "float64", "utf8", "utf8", "utf8", "utf8"}
		for c := range cols {
			f := tbl.Schema().Field(c)
			nullable := cols[c].Valid != nil || cols[c].Name == "dn"
			if f.Name != cols[c].Name || f.Type.String() != wantType[c] || f.Nullable != (nullable && rows > 1) {
				t.Errorf("%d rows: column %d is %s %s nullable=%v", rows, c, f.Name, f.Type, f.Nullable)
			}
			if rows == 0 {
				continue
			}
			ch := tbl.Column(c).Data()
			if ch.Len() != rows {
				t.Fatalf("column %s: %d values", cols[c].Name, ch.Len())
			}
			a, _ := array.Concatenate(ch.Chunks(), memory.DefaultAllocator)
			for i := range rows {
				isNull := nullable && !valid[i]
				if a.IsNull(i) != isNull {
					t.Fatalf("%d rows: %s row %d null=%v", rows, cols[c].Name, i, a.IsNull(i))
				}
				if isNull {
					continue
				}
				var got, want string
				switch v := a.(type) {
				case *array.Int32:
					got, want = strconv.Itoa(int(v.Value(i))), strconv.Itoa(int(i32[i]))
				case *array.Int64:
					got, want = strconv.FormatInt(v.Value(i), 10), strconv.FormatInt(i64[i], 10)
				case *array.Float64:
					got, want = strconv.FormatFloat(v.Value(i), 'g', -1, 64), strconv.FormatFloat(f64[i], 'g', -1, 64)
				case *array.String:
					got = v.Value(i)
					if want = string(bs[off[i]:off[i+1]]); cols[c].Dict != nil {
						want = dict[idx[i]]
					}
				}
				if got != want {
					t.Fatalf("%d rows: %s row %d = %q, want %q", rows, cols[c].Name, i, got, want)
				}
			}
			a.Release()
		}
		tbl.Release()
	}
}

// TestWriteRefuses: columns whose slices do not fit their type or the row
// count are ErrColumn, naming the column.
func TestWriteRefuses(t *testing.T) {
	for _, c := range []Column{
		{Name: "short", Type: Int64, Int64: []int64{1}},
		{Name: "wrongtype", Type: Int32, Int64: []int64{1, 2}},
		{Name: "validity", Type: Double, Double: []float64{1, 2}, Valid: []bool{true}},
		{Name: "index", Type: String, Dict: []string{"a"}, Index: []int32{0, 1}},
		{Name: "offsets", Type: String, Bytes: []byte("ab"), Offsets: []int32{0, 1, 5}},
		{Name: "decreasing", Type: String, Bytes: []byte("ab"), Offsets: []int32{0, 2, 1}},
	} {
		err := Write(&bytes.Buffer{}, 2, []Column{c})
		if !errors.Is(err, ErrColumn) || !bytes.Contains([]byte(err.Error()), []byte(c.Name)) {
			t.Errorf("%s: %v", c.Name, err)
		}
	}
}
