package atlas

import (
	"context"
	"io"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/ccc-connectivity/ccc/internal/pqcols"
)

// dataPageSize is the data page size of a located Parquet file: large
// enough that a dictionary column of a full row group (at most 2^18
// indices of at most 32 bits: arrow-go estimates (1+32)/8 bytes each)
// never fills a page before the column is complete, so its one page is
// encoded in the column's goroutine (see writeParquetColumn).
const dataPageSize = 2 << 20

// parquetRowGroup is the rows per row group of a located Parquet file (a
// variable for the tests).
var parquetRowGroup = 1 << 18

// WriteParquet writes the table as Parquet (Snappy) with arrow-go, from
// the columns themselves (no copy of the coordinates): coordinates and
// extra floats DOUBLE (NaN kept), label BIGINT, region_id BIGINT and
// acronym (NULL when none), status and the extra constants VARCHAR; all
// but the floats and ids in dictionary pages, from codes computed here
// (few distinct values; arrow-go hashes nothing). The id column is BIGINT when every id is
// an integer, as DuckDB read the CSV of earlier versions, else VARCHAR; an
// empty id is NULL.
func (t *LocatedTable) WriteParquet(w io.Writer) error {
	n := t.Len()
	codes, ids, acronyms := t.regionCodes()
	var fields []arrow.Field
	var cols []func(lo, hi int) arrow.Array
	props := []parquet.WriterProperty{parquet.WithCompression(compress.Codecs.Snappy), parquet.WithDictionaryDefault(false),
		parquet.WithMaxRowGroupLength(int64(parquetRowGroup)), parquet.WithDataPageSize(dataPageSize)}
	addFloat := func(name string, v []float64) {
		fields = append(fields, arrow.Field{Name: name, Type: arrow.PrimitiveTypes.Float64})
		cols = append(cols, func(lo, hi int) arrow.Array { return float64Array(v[lo:hi]) })
	}
	// dictionary columns, written as Parquet dictionary pages directly (no
	// hashing per value): the indices are the codes themselves, shared, not
	// copied; int32 codes are NULL where negative
	addDict := func(name string, dict arrow.Array, nullable bool, int8Codes []uint8, int32Codes []int32) {
		it := arrow.DataType(arrow.PrimitiveTypes.Int32)
		if int32Codes == nil {
			it = arrow.PrimitiveTypes.Int8
		}
		dt := &arrow.DictionaryType{IndexType: it, ValueType: dict.DataType()}
		fields = append(fields, arrow.Field{Name: name, Type: dt, Nullable: nullable})
		// no statistics: arrow-go would hash every batch's indices to find the values used
		props = append(props, parquet.WithDictionaryFor(name, true), parquet.WithStatsFor(name, false))
		cols = append(cols, func(lo, hi int) arrow.Array {
			var valid []byte
			nulls := 0
			var values []byte
			if int32Codes == nil {
				values = int8Codes[lo:hi:hi]
			} else {
				c := int32Codes[lo:hi:hi]
				values = arrow.Int32Traits.CastToBytes(c)
				if nullable {
					valid, nulls = validBits(len(c), func(i int) bool { return c[i] >= 0 })
				}
			}
			ia := array.NewData(it, hi-lo, []*memory.Buffer{bufferOf(valid), memory.NewBufferBytes(values)}, nil, nulls, 0)
			defer ia.Release()
			ind := array.MakeFromData(ia)
			defer ind.Release()
			return array.NewDictionaryArray(dt, ind, dict)
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
	var zeros []uint8 // the codes of a constant column
	for _, c := range t.Extra {
		if c.Float != nil {
			addFloat(c.Name, c.Float)
		} else {
			if zeros == nil {
				zeros = make([]uint8, n)
			}
			addDict(c.Name, stringArray([]string{c.Const}), false, zeros, nil)
		}
	}
	lcodes, ldict := dictCodes(t.Res.Labels, func(uint32) bool { return true })
	labels := make([]int64, len(ldict))
	for i, l := range ldict {
		labels[i] = int64(l)
	}
	addDict("label", int64Array(labels, nil), false, nil, lcodes)
	addDict("region_id", int64Array(ids, nil), true, nil, codes)
	addDict("acronym", stringArray(acronyms), true, nil, codes)
	addDict("status", stringArray(StatusNames[:]), false, t.Res.Status, nil)

	return writeParquetColumns(w, arrow.NewSchema(fields, nil), parquet.NewWriterProperties(props...), n, cols)
}

// writeParquetColumns writes n rows of the columns cols (one per field of
// sc, made for a row range on demand) in row groups of parquetRowGroup
// rows, the columns of a row group encoded on every core: each column has
// its own buffered chunk writer and arrow write context, and the row group
// is written in column order when all are done.
func writeParquetColumns(w io.Writer, sc *arrow.Schema, props *parquet.WriterProperties, n int, cols []func(lo, hi int) arrow.Array) error {
	awp := pqarrow.DefaultWriterProps()
	psc, err := pqarrow.ToParquet(sc, props, awp)
	if err != nil {
		return err
	}
	pw := file.NewParquetWriter(w, psc.Root(), file.WithWriterProps(props))
	for lo := 0; lo < n || lo == 0; lo += parquetRowGroup {
		hi := min(lo+parquetRowGroup, n)
		rgw := pw.AppendBufferedRowGroup()
		err := pqcols.WriteColumns(rgw, len(cols), func(i int, cw file.ColumnChunkWriter) error {
			return writeParquetColumn(cw, sc.Field(i).Nullable, cols[i](lo, hi), &awp)
		})
		if err != nil {
			pw.Close()
			return err
		}
		if err := rgw.Close(); err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	return pw.Close()
}

// writeParquetColumn writes arr (released here) into the column chunk cw and
// encodes its last data page, which arrow-go would otherwise encode in the
// row group's Close, one column after the other: a plain column flushes
// its pages into its own buffer; a dictionary column (whose data pages
// must follow its dictionary page, written by Close) encodes its page and
// keeps it. A dictionary column holds one page (dataPageSize), so it
// always has buffered values here when the row group has rows.
func writeParquetColumn(cw file.ColumnChunkWriter, nullable bool, arr arrow.Array, awp *pqarrow.ArrowWriterProperties) error {
	defer arr.Release()
	def := pqcols.DefLevels(arr, nullable)
	if err := pqarrow.WriteArrowToColumn(pqarrow.NewArrowWriteContext(context.Background(), awp), cw, arr, def, nil, nullable); err != nil || arr.Len() == 0 {
		return err
	}
	if arr.DataType().ID() == arrow.DICTIONARY {
		if f, ok := cw.(interface{ FlushCurrentPage() error }); ok {
			return f.FlushCurrentPage()
		}
		return nil
	}
	if f, ok := cw.(interface{ FlushBufferedDataPages() error }); ok {
		return f.FlushBufferedDataPages()
	}
	return nil
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
		bits, nulls = validBits(len(v), valid)
	}
	d := array.NewData(arrow.PrimitiveTypes.Int64, len(v), []*memory.Buffer{bufferOf(bits), memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(v))}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// validBits is the validity bitmap of n values (nil when none is NULL)
// and the NULL count.
func validBits(n int, valid func(i int) bool) ([]byte, int) {
	bits := make([]byte, bitutil.BytesForBits(int64(n)))
	nulls := 0
	for i := range n {
		if valid(i) {
			bitutil.SetBit(bits, i)
		} else {
			nulls++
		}
	}
	if nulls == 0 {
		return nil, 0
	}
	return bits, nulls
}

func stringArray(v []string) arrow.Array {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(v, nil)
	return b.NewArray()
}
