package cells

import (
	"context"
	"database/sql"
	"fmt"

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

// readAggregate reads and checks the CountClass table of in: the columns
// and types of the format, positive counts that sum to the rows of the
// dataset's CellMetadata, and (over rows with a cluster) of its
// CellToClusterMapping. A table that fails is an ErrFormat naming it.
func readAggregate(ctx context.Context, db *sql.DB, in countInput) (*aggregate, error) {
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
	rows, err := db.QueryContext(ctx, "SELECT brain_region, cluster, cell_count FROM read_parquet("+store.QuoteString(in.agg.Path)+")")
	if err != nil {
		return nil, fmt.Errorf("cells count %s: %w", in.dataset, err)
	}
	defer rows.Close()
	a := &aggregate{}
	var total, mapped int64
	for rows.Next() {
		var r sql.NullInt64
		var c sql.NullString
		var n sql.NullInt64
		if err := rows.Scan(&r, &c, &n); err != nil {
			return nil, err
		}
		if !n.Valid || n.Int64 < 1 {
			return nil, bad(fmt.Sprintf("row %d: cell_count %v is not a positive count", len(a.n)+1, n.Int64))
		}
		if r.Valid && r.Int64 == 0 {
			return nil, bad(fmt.Sprintf("row %d: brain_region 0 is not a structure id", len(a.n)+1))
		}
		a.region = append(a.region, r.Int64)
		a.cluster = append(a.cluster, c.String)
		a.mapped = append(a.mapped, c.Valid)
		a.n = append(a.n, n.Int64)
		total += n.Int64
		if c.Valid {
			mapped += n.Int64
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if total != in.cells.Rows || mapped != in.maps.Rows {
		return nil, bad(fmt.Sprintf("counts %d cells (%d with a cluster) but %s has %d rows and %s %d", total, mapped, CellClass, in.cells.Rows, CellClusterMap, in.maps.Rows))
	}
	return a, nil
}

// countAggregate adds the counts and stats of one dataset's CountClass
// table.
func countAggregate(ctx context.Context, db *sql.DB, in countInput, acc *counter, stats *CountStats) error {
	a, err := readAggregate(ctx, db, in)
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
