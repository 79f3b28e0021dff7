package crossmodal

import (
	"context"
	"io"
	"slices"
	"unsafe"

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
// Columns that take few values are dictionary-encoded from the answer's
// own indices, never by hashing each row: session and the acronyms,
// site_region (over the atlas's region ids) and, for a columnar answer,
// the matched columns (one dictionary entry per matrix column); the site
// and electrode ids, and an answer built from rows, are plain.
func (a *SiteAnswers) WriteParquet(w io.Writer) error {
	n := a.n
	matchedOK := make([]bool, n)
	for i, m := range a.match {
		matchedOK[i] = m >= 0
	}
	mValid, mNulls := bitmap(matchedOK)
	acronyms, sessions := stringArray(a.acronyms), stringArray(a.sessions)
	defer acronyms.Release()
	defer sessions.Release()
	// the matched columns are functions of a row's match index: each is
	// written as a dictionary of its distinct values (at most one per
	// matrix column) with an index per row, not a value per row
	cols := []arrow.Array{
		dictArray(a.session, sessions),
		array.NewStringData(array.NewData(arrow.BinaryTypes.String, n,
			[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(a.siteOff)), memory.NewBufferBytes(a.siteBytes)}, nil, 0, 0)),
		int64Array(a.electrode, a.electrodeOK),
		siteRegions(a),
		dictArray(a.acronym, acronyms),
		matchDict(arrow.PrimitiveTypes.Int64, a.mRegion, a.match, mValid, mNulls),
		dictArray(matchedAcronyms(a), acronyms),
		levelsDict(a.levelsUp, mValid, mNulls),
		matchDict(arrow.PrimitiveTypes.Float64, a.mStrength, a.match, mValid, mNulls),
		matchDict(arrow.PrimitiveTypes.Int64, a.mExperiments, a.match, mValid, mNulls),
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
	// every value costs more than computing the answer, measured); a
	// dictionary whose values arrow-go's memo table would merge (0 and -0)
	// falls back to plain there
	opts := []parquet.WriterProperty{parquet.WithCompression(compress.Codecs.Snappy), parquet.WithStats(false),
		parquet.WithDictionaryDefault(false), parquet.WithDataPageSize(1 << 20), parquet.WithBatchSize(1 << 16)}
	for i, c := range cols {
		if c.DataType().ID() == arrow.DICTIONARY {
			opts = append(opts, parquet.WithDictionaryFor(fields[i].Name, true))
		}
	}
	props := parquet.NewWriterProperties(opts...)
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

// siteRegions is the site_region column: a dictionary of the atlas's
// region ids (and any the atlas lacks) with an index per row when the
// columnar path answered, plain otherwise.
func siteRegions(a *SiteAnswers) arrow.Array {
	if a.regionPos == nil {
		return int64Array(a.region, a.regionOK)
	}
	dict := a.regionIDs
	idx := make([]int32, a.n)
	var extra map[int64]int32
	for i, j := range a.regionPos {
		switch {
		case j >= 0:
			idx[i] = j
		case a.regionOK == nil || a.regionOK[i]: // a region the atlas lacks
			k, ok := extra[a.region[i]]
			if !ok {
				if extra == nil {
					extra, dict = map[int64]int32{}, slices.Clip(dict)
				}
				k = int32(len(dict))
				extra[a.region[i]], dict = k, append(dict, a.region[i])
			}
			idx[i] = k
		}
	}
	valid, nulls := bitmap(a.regionOK)
	return dictOf(arrow.PrimitiveTypes.Int64, dict, idx, valid, nulls)
}

// matchedAcronyms is the matched acronym's index per row (-1: NULL).
func matchedAcronyms(a *SiteAnswers) []int32 {
	out := make([]int32, a.n)
	for i, m := range a.match {
		out[i] = -1
		if m >= 0 {
			out[i] = a.mAcronym[m]
		}
	}
	return out
}

// matchDict is the dictionary array of vals[match[i]] per row i (NULL
// where match[i] < 0, as valid says): the distinct values of vals (by
// bits) as its dictionary.
func matchDict[T int64 | float64](t arrow.DataType, vals []T, match []int32, valid *memory.Buffer, nulls int) arrow.Array {
	if 4*len(vals) > len(match) { // an answer built from rows: a value per row, written plain
		v := make([]T, len(match))
		for i, m := range match {
			if m >= 0 {
				v[i] = vals[m]
			}
		}
		return primitive(t, len(match), valid, nulls, unsafeBytes(v))
	}
	dict, remap := distinct(vals)
	idx := make([]int32, len(match))
	for i, m := range match {
		if m >= 0 {
			idx[i] = remap[m]
		}
	}
	return dictOf(t, dict, idx, valid, nulls)
}

// distinct is vals without repeats (equal bits: each NaN payload once),
// in first-seen order, and each value's index in it.
func distinct[T int64 | float64](vals []T) ([]T, []int32) {
	bits := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(vals))), len(vals))
	seen := make(map[uint64]int32, min(len(vals), 4096))
	remap := make([]int32, len(vals))
	var dict []T
	for m, b := range bits {
		j, ok := seen[b]
		if !ok {
			j = int32(len(dict))
			dict = append(dict, vals[m])
			seen[b] = j
		}
		remap[m] = j
	}
	return dict, remap
}

// unsafeBytes is v's memory as bytes (v's values are fixed-size numbers).
func unsafeBytes[T int32 | int64 | float64](v []T) []byte {
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), len(v)*int(unsafe.Sizeof(z)))
}

// levelsDict is levels_up as a dictionary: its values are small
// distances (0 in unmatched rows), so the dictionary is 0..max and the
// index the value itself. Values outside that shape (never from a
// closure table) are written plain.
func levelsDict(levels []int32, valid *memory.Buffer, nulls int) arrow.Array {
	top := int32(0)
	for _, v := range levels {
		if v < 0 || v > 1<<16 {
			return primitive(arrow.PrimitiveTypes.Int32, len(levels), valid, nulls, unsafeBytes(levels))
		}
		top = max(top, v)
	}
	dict := make([]int32, top+1)
	for k := range dict {
		dict[k] = int32(k)
	}
	return dictOf(arrow.PrimitiveTypes.Int32, dict, levels, valid, nulls)
}

// dictOf is the dictionary array of indices idx into dict.
func dictOf[T int32 | int64 | float64](t arrow.DataType, dict []T, idx []int32, valid *memory.Buffer, nulls int) arrow.Array {
	if len(dict) == 0 {
		dict = make([]T, 1) // index 0 exists: every row is NULL
	}
	values := primitive(t, len(dict), nil, 0, unsafeBytes(dict))
	defer values.Release()
	ind := primitive(arrow.PrimitiveTypes.Int32, len(idx), valid, nulls, arrow.Int32Traits.CastToBytes(idx))
	defer ind.Release()
	return array.NewDictionaryArray(&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: t}, ind, values)
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
