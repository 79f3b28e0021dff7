package cells

import (
	"bytes"
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

// CountClass is the per-dataset aggregate 'ccc cells ingest' writes next
// to CellMetadata and CellToClusterMapping, in the same store version: the
// number of cells (cell_count) per brain_region and assigned cluster
// (label; NULL for cells without a cluster, and brain_region NULL for cells
// without a region), so that 'ccc cells count' reads one small table
// instead of joining every cell with its assignment. docs/formats/cells.md
// describes it.
const CountClass = "CellClusterRegionCount"

// countColumns are the columns and DuckDB types of a CountClass table.
var countColumns = []store.Column{{Name: "brain_region", Type: regionType}, {Name: "cluster", Type: "VARCHAR"}, {Name: "cell_count", Type: "BIGINT"}}

// aggregateSelect is the query that makes a CountClass table from the
// ingest's per-cell table (cell region and assigned cluster label).
const aggregateSelect = `SELECT coalesce(ccf_region, location_region) AS brain_region, cluster, CAST(count(*) AS BIGINT) AS cell_count
	FROM cells GROUP BY ALL ORDER BY brain_region NULLS FIRST, cluster NULLS FIRST`

// aggregate is one CountClass table read into columns, the cluster
// column dictionary-coded.
type aggregate struct {
	region []int64  // 0: no region
	code   []int32  // index in labels; -1: no cluster
	labels []string // distinct cluster labels
	n      []int64
}

// maxAggregateBytes bounds a CountClass file (regions x clusters rows: the
// whole CCF times the ABC taxonomy's 5,322 clusters is ~100 MB).
const maxAggregateBytes = 1 << 30

// readAggregate reads and checks the CountClass table of in (with
// arrow-go, from bytes checked against the manifest's SHA-256: no SQL
// engine is started for a table of a few thousand rows):
// the columns and types of the format, positive counts that sum to the
// rows of the dataset's CellMetadata, and (over rows with a cluster) of its
// CellToClusterMapping. A table that fails is an ErrFormat naming it.
func readAggregate(ctx context.Context, in countInput) (a *aggregate, err error) {
	bad := func(msg string) error {
		return &ccc.Error{Op: "cells count", Path: in.agg.Path, Row: -1, Value: in.dataset, Msg: CountClass + " table: " + msg, Kind: ccc.ErrFormat,
			Hint: "check the store ('ccc store check'); ingesting the cells again rewrites the table"}
	}
	defer func() {
		// arrow-go panics on some damaged pages (e.g. "snappy: corrupt
		// input"): a damaged file is a format error, never a crash
		if r := recover(); r != nil {
			a, err = nil, bad(fmt.Sprint("damaged Parquet file: ", r))
		}
	}()
	if len(in.agg.Columns) != len(countColumns) {
		return nil, bad(fmt.Sprintf("%d columns, want %d (brain_region, cluster, cell_count)", len(in.agg.Columns), len(countColumns)))
	}
	for i, c := range countColumns {
		if in.agg.Columns[i] != c {
			return nil, bad(fmt.Sprintf("column %d is %s %s, want %s %s", i+1, in.agg.Columns[i].Name, in.agg.Columns[i].Type, c.Name, c.Type))
		}
	}
	data, err := store.ReadVerified(*in.agg, maxAggregateBytes)
	if err != nil {
		return nil, err
	}
	rd, err := file.NewParquetReader(bytes.NewReader(data))
	if err != nil {
		return nil, bad("cannot open the Parquet file: " + err.Error())
	}
	defer rd.Close()
	props := pqarrow.ArrowReadProperties{BatchSize: 1 << 16}
	props.SetReadDict(1, true) // cluster: a few thousand labels over up to ~10^6 rows
	fr, err := pqarrow.NewFileReader(rd, props, memory.DefaultAllocator)
	if err != nil {
		return nil, bad(err.Error())
	}
	rr, err := fr.GetRecordReader(ctx, []int{0, 1, 2}, nil)
	if err != nil {
		return nil, bad(err.Error())
	}
	defer rr.Release()
	nr := min(max(rd.NumRows(), 0), 1<<20) // a capacity hint only: the footer is not trusted
	a = &aggregate{region: make([]int64, 0, nr), code: make([]int32, 0, nr), n: make([]int64, 0, nr)}
	codeOf := map[string]int32{}
	var total, mapped int64
	var local []int32 // batch dictionary index -> code
	for rr.Next() {
		rec := rr.RecordBatch()
		reg, ok1 := rec.Column(0).(*array.Int64)
		cl, ok2 := rec.Column(1).(*array.Dictionary)
		n, ok3 := rec.Column(2).(*array.Int64)
		var dict *array.String
		if ok2 {
			dict, ok2 = cl.Dictionary().(*array.String)
		}
		if !ok1 || !ok2 || !ok3 {
			return nil, bad(fmt.Sprintf("column types %s, %s, %s, want int64, utf8, int64", rec.Column(0).DataType(), rec.Column(1).DataType(), rec.Column(2).DataType()))
		}
		local = local[:0]
		for j := 0; j < dict.Len(); j++ {
			l := dict.Value(j)
			c, ok := codeOf[l]
			if !ok {
				c = int32(len(a.labels))
				codeOf[l] = c
				a.labels = append(a.labels, l)
			}
			local = append(local, c)
		}
		for i := 0; i < n.Len(); i++ {
			row := len(a.n) + 1
			v := n.Value(i)
			if n.IsNull(i) || v < 1 {
				return nil, bad(fmt.Sprintf("row %d: cell_count %d is not a positive count", row, v))
			}
			r := int64(0)
			if reg.IsValid(i) {
				if r = reg.Value(i); r == 0 {
					return nil, bad(fmt.Sprintf("row %d: brain_region 0 is not a structure id", row))
				}
			}
			c := int32(-1)
			if cl.IsValid(i) {
				c = local[cl.GetValueIndex(i)]
				mapped += v
			}
			a.region = append(a.region, r)
			a.code = append(a.code, c)
			a.n = append(a.n, v)
			total += v
		}
	}
	if err := rr.Err(); err != nil {
		return nil, bad(err.Error())
	}
	if total != in.cells.Rows || mapped != in.maps.Rows {
		return nil, bad(fmt.Sprintf("counts %d cells (%d with a cluster) but %s has %d rows and %s %d", total, mapped, CellClass, in.cells.Rows, CellClusterMap, in.maps.Rows))
	}
	return a, nil
}

// countAggregate adds the counts and stats of one dataset's CountClass
// table.
func countAggregate(ctx context.Context, in countInput, acc *counter, stats *CountStats) error {
	a, err := readAggregate(ctx, in)
	if err != nil {
		return err
	}
	grp := make([]int32, len(a.labels)) // code -> group (-1: broader than the level or unknown)
	for c, l := range a.labels {
		grp[c] = -1
		if g, ok := acc.group[l]; ok {
			grp[c] = g
		}
	}
	lastR, lastHits := int64(0), []int(nil)
	for i, n := range a.n {
		stats.Cells += n
		r := a.region[i]
		if r != 0 {
			stats.Located += n
		}
		c := a.code[i]
		if c < 0 {
			continue
		}
		g := grp[c]
		if g < 0 {
			stats.AboveLvl += n
			continue
		}
		stats.Mapped += n
		if r == 0 {
			continue
		}
		if r != lastR { // the table is sorted by region
			lastR, lastHits = r, acc.targetsOf(r)
		}
		for _, t := range lastHits {
			acc.addAt(t, g, n)
		}
	}
	return nil
}
