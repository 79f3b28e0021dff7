package cells

import (
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

// aggregate is one CountClass table read into columns.
type aggregate struct {
	region  []int64 // 0: no region
	cluster []string
	mapped  []bool // cluster not NULL
	n       []int64
}

// readAggregate reads and checks the CountClass table of in (with
// arrow-go: no SQL engine is started for a table of a few thousand rows):
// the columns and types of the format, positive counts that sum to the
// rows of the dataset's CellMetadata, and (over rows with a cluster) of its
// CellToClusterMapping. A table that fails is an ErrFormat naming it.
func readAggregate(ctx context.Context, in countInput) (*aggregate, error) {
	bad := func(msg string) error {
		return &ccc.Error{Op: "cells count", Path: in.agg.Path, Row: -1, Value: in.dataset, Msg: CountClass + " table: " + msg, Kind: ccc.ErrFormat,
			Hint: "check the store ('ccc store check'); ingesting the cells again rewrites the table"}
	}
	if len(in.agg.Columns) != len(countColumns) {
		return nil, bad(fmt.Sprintf("%d columns, want %d (brain_region, cluster, cell_count)", len(in.agg.Columns), len(countColumns)))
	}
	for i, c := range countColumns {
		if in.agg.Columns[i] != c {
			return nil, bad(fmt.Sprintf("column %d is %s %s, want %s %s", i+1, in.agg.Columns[i].Name, in.agg.Columns[i].Type, c.Name, c.Type))
		}
	}
	rd, err := file.OpenParquetFile(in.agg.Path, false)
	if err != nil {
		return nil, bad("cannot open the Parquet file: " + err.Error())
	}
	defer rd.Close()
	fr, err := pqarrow.NewFileReader(rd, pqarrow.ArrowReadProperties{BatchSize: 1 << 16}, memory.DefaultAllocator)
	if err != nil {
		return nil, bad(err.Error())
	}
	rr, err := fr.GetRecordReader(ctx, []int{0, 1, 2}, nil)
	if err != nil {
		return nil, bad(err.Error())
	}
	defer rr.Release()
	a := &aggregate{}
	var total, mapped int64
	for rr.Next() {
		rec := rr.RecordBatch()
		reg, ok1 := rec.Column(0).(*array.Int64)
		cl, ok2 := rec.Column(1).(*array.String)
		n, ok3 := rec.Column(2).(*array.Int64)
		if !ok1 || !ok2 || !ok3 {
			return nil, bad(fmt.Sprintf("column types %s, %s, %s, want int64, utf8, int64", rec.Column(0).DataType(), rec.Column(1).DataType(), rec.Column(2).DataType()))
		}
		for i := 0; i < n.Len(); i++ {
			row := len(a.n) + 1
			if n.IsNull(i) || n.Value(i) < 1 {
				return nil, bad(fmt.Sprintf("row %d: cell_count %d is not a positive count", row, n.Value(i)))
			}
			r := int64(0)
			if reg.IsValid(i) {
				if r = reg.Value(i); r == 0 {
					return nil, bad(fmt.Sprintf("row %d: brain_region 0 is not a structure id", row))
				}
			}
			a.region = append(a.region, r)
			a.cluster = append(a.cluster, cl.Value(i))
			a.mapped = append(a.mapped, cl.IsValid(i))
			a.n = append(a.n, n.Value(i))
			total += n.Value(i)
			if cl.IsValid(i) {
				mapped += n.Value(i)
			}
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
	for i, n := range a.n {
		stats.Cells += n
		if a.region[i] != 0 {
			stats.Located += n
		}
		if !a.mapped[i] {
			continue
		}
		if _, ok := acc.group[a.cluster[i]]; ok {
			stats.Mapped += n
		} else {
			stats.AboveLvl += n
		}
		if a.region[i] != 0 {
			acc.add(a.region[i], a.cluster[i], n)
		}
	}
	return nil
}
