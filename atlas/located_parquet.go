package atlas

import (
	"io"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// parquetRowGroup is the rows per row group of a located Parquet file.
const parquetRowGroup = 1 << 20

// WriteParquet writes the table as Parquet (Snappy) with arrow-go, from
// the columns themselves (no copy of the coordinates): coordinates and
// extra floats DOUBLE (NaN kept), label BIGINT, region_id BIGINT (NULL
// when none), acronym, status and the extra constants strings (dictionary
// pages; NULL acronym when none). The id column is BIGINT when every id is
// an integer, as DuckDB read the CSV of earlier versions, else VARCHAR; an
// empty id is NULL.
func (t *LocatedTable) WriteParquet(w io.Writer) error {
	n := t.Len()
	codes, acronyms := t.regionCodes()
	var fields []arrow.Field
	var cols []func(lo, hi int) arrow.Array
	dictType := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	props := []parquet.WriterProperty{parquet.WithCompression(compress.Codecs.Snappy), parquet.WithDictionaryDefault(false),
		parquet.WithMaxRowGroupLength(parquetRowGroup)}
	addFloat := func(name string, v []float64) {
		fields = append(fields, arrow.Field{Name: name, Type: arrow.PrimitiveTypes.Float64})
		cols = append(cols, func(lo, hi int) arrow.Array { return float64Array(v[lo:hi]) })
	}
	addDict := func(name string, dict []string, code func(i int) int32, nullable bool) {
		fields = append(fields, arrow.Field{Name: name, Type: dictType, Nullable: nullable})
		// no statistics: arrow-go would hash every batch's indices to find the values used
		props = append(props, parquet.WithDictionaryFor(name, true), parquet.WithStatsFor(name, false))
		d := stringArray(dict)
		cols = append(cols, func(lo, hi int) arrow.Array {
			idx, valid, nulls := make([]int32, hi-lo), []byte(nil), 0
			for i := lo; i < hi; i++ {
				c := code(i)
				if c < 0 {
					if valid == nil {
						valid = make([]byte, bitutil.BytesForBits(int64(hi-lo)))
						bitutil.SetBitsTo(valid, 0, int64(hi-lo), true)
					}
					bitutil.ClearBit(valid, i-lo)
					nulls++
					c = 0
				}
				idx[i-lo] = c
			}
			ia := array.NewData(arrow.PrimitiveTypes.Int32, hi-lo, []*memory.Buffer{bufferOf(valid), memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(idx))}, nil, nulls, 0)
			defer ia.Release()
			return array.NewDictionaryArray(dictType, array.MakeFromData(ia), d)
		})
	}
	p := t.Points
	if p.IDCol != "" {
		if ints, ok := integerIDs(p.IDs); ok {
			fields = append(fields, arrow.Field{Name: p.IDCol, Type: arrow.PrimitiveTypes.Int64, Nullable: true})
			cols = append(cols, func(lo, hi int) arrow.Array {
				return int64Array(ints[lo:hi], func(i int) bool { return p.IDs[lo+i] != "" })
			})
		} else {
			fields = append(fields, arrow.Field{Name: p.IDCol, Type: arrow.BinaryTypes.String, Nullable: true})
			cols = append(cols, func(lo, hi int) arrow.Array {
				b := array.NewStringBuilder(memory.DefaultAllocator)
				defer b.Release()
				for _, s := range p.IDs[lo:hi] {
					if s == "" {
						b.AppendNull()
					} else {
						b.Append(s)
					}
				}
				return b.NewArray()
			})
		}
	}
	addFloat(p.Cols[0], p.X)
	addFloat(p.Cols[1], p.Y)
	addFloat(p.Cols[2], p.Z)
	for _, c := range t.Extra {
		if c.Float != nil {
			addFloat(c.Name, c.Float)
		} else {
			addDict(c.Name, []string{c.Const}, func(int) int32 { return 0 }, false)
		}
	}
	labels := make([]int64, n)
	for i, l := range t.Res.Labels {
		labels[i] = int64(l)
	}
	fields = append(fields, arrow.Field{Name: "label", Type: arrow.PrimitiveTypes.Int64})
	cols = append(cols, func(lo, hi int) arrow.Array { return int64Array(labels[lo:hi], nil) })
	fields = append(fields, arrow.Field{Name: "region_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true})
	rid := t.Res.RegionID
	cols = append(cols, func(lo, hi int) arrow.Array {
		return int64Array(rid[lo:hi], func(i int) bool { return rid[lo+i] != 0 })
	})
	addDict("acronym", acronyms, func(i int) int32 { return codes[i] }, true)
	addDict("status", StatusNames[:], func(i int) int32 { return int32(t.Res.Status[i]) }, false)

	sc := arrow.NewSchema(fields, nil)
	fw, err := pqarrow.NewFileWriter(sc, w, parquet.NewWriterProperties(props...), pqarrow.DefaultWriterProps())
	if err != nil {
		return err
	}
	for lo := 0; lo < n || lo == 0; lo += parquetRowGroup {
		hi := min(lo+parquetRowGroup, n)
		arrs := make([]arrow.Array, len(cols))
		for i, c := range cols {
			arrs[i] = c(lo, hi)
		}
		rec := array.NewRecordBatch(sc, arrs, int64(hi-lo))
		for _, a := range arrs {
			a.Release()
		}
		err := fw.Write(rec)
		rec.Release()
		if err != nil {
			fw.Close()
			return err
		}
		if n == 0 {
			break
		}
	}
	return fw.Close()
}

// integerIDs parses ids that are all integers as written by FormatInt
// ("" counts as NULL); ok is false otherwise.
func integerIDs(ids []string) ([]int64, bool) {
	out := make([]int64, len(ids))
	for i, s := range ids {
		if s == "" {
			continue
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || (len(s) > 1 && (s[0] == '0' || s[0] == '+' || (s[0] == '-' && s[1] == '0'))) {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

func bufferOf(b []byte) *memory.Buffer {
	if b == nil {
		return nil
	}
	return memory.NewBufferBytes(b)
}

// float64Array shares v's memory.
func float64Array(v []float64) arrow.Array {
	d := array.NewData(arrow.PrimitiveTypes.Float64, len(v), []*memory.Buffer{nil, memory.NewBufferBytes(arrow.Float64Traits.CastToBytes(v))}, nil, 0, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// int64Array shares v's memory; valid (nil: all) says which values are
// not NULL.
func int64Array(v []int64, valid func(i int) bool) arrow.Array {
	var bits []byte
	nulls := 0
	if valid != nil {
		bits = make([]byte, bitutil.BytesForBits(int64(len(v))))
		for i := range v {
			if valid(i) {
				bitutil.SetBit(bits, i)
			} else {
				nulls++
			}
		}
		if nulls == 0 {
			bits = nil
		}
	}
	d := array.NewData(arrow.PrimitiveTypes.Int64, len(v), []*memory.Buffer{bufferOf(bits), memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(v))}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

func stringArray(v []string) arrow.Array {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(v, nil)
	return b.NewArray()
}
