package crossmodal

import (
	"context"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/ccc-connectivity/ccc/internal/pqcols"
)

// dictString is a string column written as Parquet dictionary pages
// straight from the answer's indices (no hashing per value); readers see a
// plain string column (no Arrow schema is stored).
var dictString = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// answerSchema is the answer's Parquet schema: the types the SQL statement
// gives (levels_up is the closure's INTEGER distance, experiments a count).
var answerSchema = arrow.NewSchema([]arrow.Field{
	{Name: "session", Type: dictString, Nullable: true},
	{Name: "site", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "electrode_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "site_region", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "site_acronym", Type: dictString, Nullable: true},
	{Name: "matched_region", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "matched_acronym", Type: dictString, Nullable: true},
	{Name: "levels_up", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "strength", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "experiments", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
}, nil)

// WriteParquet writes the answer as Parquet (Snappy, as DuckDB by
// default): the columns of Columns, NULL where the statement gives NULL.
// The string columns with a dictionary (session and the acronyms) are
// dictionary-encoded from the answer's own indices; the others are plain.
func (a *SiteAnswers) WriteParquet(w io.Writer) error {
	n := a.n
	matchedOK := make([]bool, n)
	mRegion, mAcr := make([]int64, n), make([]int32, n)
	strength, experiments := make([]float64, n), make([]int64, n)
	for i, m := range a.match {
		if m >= 0 {
			matchedOK[i] = true
			mRegion[i], mAcr[i], strength[i], experiments[i] = a.mRegion[m], a.mAcronym[m], a.mStrength[m], a.mExperiments[m]
		} else {
			mAcr[i] = -1
		}
	}
	mValid, mNulls := bitmap(matchedOK)
	acronyms, sessions := stringArray(a.acronyms), stringArray(a.sessions)
	defer acronyms.Release()
	defer sessions.Release()
	cols := []arrow.Array{
		dictArray(a.session, sessions),
		array.NewStringData(array.NewData(arrow.BinaryTypes.String, n,
			[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(a.siteOff)), memory.NewBufferBytes(a.siteBytes)}, nil, 0, 0)),
		int64Array(a.electrode, a.electrodeOK),
		int64Array(a.region, a.regionOK),
		dictArray(a.acronym, acronyms),
		primitive(arrow.PrimitiveTypes.Int64, n, mValid, mNulls, arrow.Int64Traits.CastToBytes(mRegion)),
		dictArray(mAcr, acronyms),
		primitive(arrow.PrimitiveTypes.Int32, n, mValid, mNulls, arrow.Int32Traits.CastToBytes(a.levelsUp)),
		primitive(arrow.PrimitiveTypes.Float64, n, mValid, mNulls, arrow.Float64Traits.CastToBytes(strength)),
		primitive(arrow.PrimitiveTypes.Int64, n, mValid, mNulls, arrow.Int64Traits.CastToBytes(experiments)),
	}
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	// a column without NULLs is written REQUIRED: no definition levels
	fields := append([]arrow.Field(nil), answerSchema.Fields()...)
	for i := range fields {
		fields[i].Nullable = cols[i].NullN() > 0
	}
	sc := arrow.NewSchema(fields, nil)
	// no statistics; dictionaries only where the answer has them (hashing
	// every value costs more than computing the answer, measured)
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy), parquet.WithStats(false),
		parquet.WithDictionaryDefault(false), parquet.WithDictionaryFor("session", true), parquet.WithDictionaryFor("site_acronym", true),
		parquet.WithDictionaryFor("matched_acronym", true), parquet.WithDataPageSize(1<<20), parquet.WithBatchSize(1<<16))
	psc, err := pqarrow.ToParquet(sc, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return err
	}
	fw := file.NewParquetWriter(w, psc.Root(), file.WithWriterProps(props))
	// one buffered row group: each column is encoded and compressed into
	// its own buffer, the columns in parallel, then written in order
	rgw := fw.AppendBufferedRowGroup()
	err = pqcols.WriteColumns(rgw, len(cols), func(i int, cw file.ColumnChunkWriter) error {
		return writeColumn(cw, cols[i], fields[i].Nullable)
	})
	if err != nil {
		fw.Close()
		return err
	}
	if err := rgw.Close(); err != nil {
		fw.Close()
		return err
	}
	return fw.Close()
}

// writeColumn writes col into its column chunk of a buffered row group.
func writeColumn(cw file.ColumnChunkWriter, col arrow.Array, nullable bool) error {
	def := pqcols.DefLevels(col, nullable)
	// the plain encoder's buffer at its final size: it would otherwise
	// grow by doubling from 256 bytes (each step a zeroed allocation and a
	// copy)
	if size := plainSize(col); size > 0 {
		cw.CurrentEncoder().ReserveForWrite(size)
	}
	if err := pqarrow.WriteArrowToColumn(pqarrow.NewArrowWriteContext(context.Background(), nil), cw, col, def, nil, nullable); err != nil {
		return err
	}
	// encode and compress the column's last page here, in parallel with the
	// other columns, rather than in the row group's Close, which closes
	// the columns one after the other (they must reach the file in order).
	// A dictionary column keeps its pages until Close writes the
	// dictionary page before them; a plain one writes them to its own
	// buffer: neither touches the file.
	if f, ok := cw.(interface{ FlushCurrentPage() error }); ok && col.Len() > 0 {
		return f.FlushCurrentPage()
	}
	return nil
}

// plainSize is the size of col's values PLAIN-encoded (0: a dictionary
// column, whose encoder buffers indices elsewhere).
func plainSize(col arrow.Array) int {
	switch c := col.(type) {
	case *array.String:
		return len(c.ValueBytes()) + 4*c.Len()
	case *array.Int64, *array.Float64:
		return 8 * c.Len()
	case *array.Int32:
		return 4 * c.Len()
	}
	return 0
}

// bitmap is the Arrow validity bitmap of ok (nil when every value is
// valid) and its NULL count.
func bitmap(ok []bool) (*memory.Buffer, int) {
	if ok == nil {
		return nil, 0
	}
	b := make([]byte, (len(ok)+7)/8)
	nulls := 0
	for i, v := range ok {
		if v {
			b[i>>3] |= 1 << (i & 7)
		} else {
			nulls++
		}
	}
	if nulls == 0 {
		return nil, 0
	}
	return memory.NewBufferBytes(b), nulls
}

func primitive(t arrow.DataType, n int, valid *memory.Buffer, nulls int, values []byte) arrow.Array {
	return array.MakeFromData(array.NewData(t, n, []*memory.Buffer{valid, memory.NewBufferBytes(values)}, nil, nulls, 0))
}

func int64Array(v []int64, ok []bool) arrow.Array {
	valid, nulls := bitmap(ok)
	return primitive(arrow.PrimitiveTypes.Int64, len(v), valid, nulls, arrow.Int64Traits.CastToBytes(v))
}

// stringArray is an Arrow string array of values (a dictionary: one
// unreferenced "" when values is empty, so index 0 exists).
func stringArray(values []string) arrow.Array {
	if len(values) == 0 {
		values = []string{""}
	}
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(values, nil)
	return b.NewArray()
}

// dictArray is a dictionary array of indices into dict (-1: NULL).
func dictArray(idx []int32, dict arrow.Array) arrow.Array {
	ok := make([]bool, len(idx))
	nulls := false
	for i, k := range idx {
		ok[i] = k >= 0
		nulls = nulls || k < 0
	}
	if nulls { // NULL slots hold index 0, as Arrow builders leave them
		idx = append([]int32(nil), idx...)
		for i, k := range idx {
			idx[i] = max(k, 0)
		}
	}
	valid, n := bitmap(ok)
	ind := primitive(arrow.PrimitiveTypes.Int32, len(idx), valid, n, arrow.Int32Traits.CastToBytes(idx))
	defer ind.Release()
	return array.NewDictionaryArray(dictString, ind, dict)
}
