package crossmodal

import (
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// answerSchema is the answer's Parquet schema: the types the SQL statement
// gives (levels_up is the closure's INTEGER distance, experiments a count).
var answerSchema = arrow.NewSchema([]arrow.Field{
	{Name: "session", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "site", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "electrode_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "site_region", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "site_acronym", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "matched_region", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "matched_acronym", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "levels_up", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "strength", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "experiments", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
}, nil)

// WriteSiteProjectionsParquet writes the answer as Parquet (Snappy, as
// DuckDB by default; zstd costs more than the rest of the answer): the
// columns of Columns, NULL where the statement gives NULL.
func WriteSiteProjectionsParquet(w io.Writer, answers []SiteProjection) error {
	b := array.NewRecordBuilder(memory.DefaultAllocator, answerSchema)
	defer b.Release()
	session, site := b.Field(0).(*array.StringBuilder), b.Field(1).(*array.StringBuilder)
	electrode, region := b.Field(2).(*array.Int64Builder), b.Field(3).(*array.Int64Builder)
	acr, matched, macr := b.Field(4).(*array.StringBuilder), b.Field(5).(*array.Int64Builder), b.Field(6).(*array.StringBuilder)
	up, strength, n := b.Field(7).(*array.Int32Builder), b.Field(8).(*array.Float64Builder), b.Field(9).(*array.Int64Builder)
	for i := range b.Fields() {
		b.Field(i).Reserve(len(answers))
	}
	for i := range answers {
		a := &answers[i]
		session.Append(a.Session)
		site.Append(a.Site)
		appendInt(electrode, a.ElectrodeID, a.HasElectrode)
		appendInt(region, a.SiteRegion, a.HasRegion)
		appendString(acr, a.SiteAcronym)
		if a.Matched {
			matched.Append(a.MatchedRegion)
			appendString(macr, a.MatchedAcronym)
			up.Append(int32(a.LevelsUp))
			strength.Append(a.Strength)
			n.Append(int64(a.Experiments))
		} else {
			matched.AppendNull()
			macr.AppendNull()
			up.AppendNull()
			strength.AppendNull()
			n.AppendNull()
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	// no dictionaries, no statistics: for an answer file of 100k rows they
	// cost more CPU than computing the answer (measured)
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithDictionaryDefault(false), parquet.WithStats(false), parquet.WithDataPageSize(64<<10))
	pw, err := pqarrow.NewFileWriter(answerSchema, w, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return err
	}
	if err := pw.Write(rec); err != nil {
		pw.Close()
		return err
	}
	return pw.Close()
}

func appendInt(b *array.Int64Builder, v int64, valid bool) {
	if valid {
		b.Append(v)
	} else {
		b.AppendNull()
	}
}

// appendString appends s, or NULL for "" (a region without an acronym).
func appendString(b *array.StringBuilder, s string) {
	if s != "" {
		b.Append(s)
	} else {
		b.AppendNull()
	}
}
