package spark

import (
	"context"
	"fmt"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

// MatrixValues computes the values of projection matrix m (its metadata
// and indexes read with projection.LoadMatrixIndex) on Spark, from the
// long-form ProjectionMeasurement rows of dataset that SaveMatrix writes
// with every matrix, and fills m.Values in m's row and region order: the
// matrix the embedded engine reads from the Zarr array, value for value.
// At most maxRows long-form rows are collected (see QueryMax). Every entry
// must appear exactly once: a missing or repeated entry, or a row or region
// outside the indexes, is an error naming the matrix.
func (s *Session) MatrixValues(ctx context.Context, sn *store.Snapshot, dataset string, m *projection.Matrix, maxRows int64) error {
	const op = "projection matrix on spark"
	if _, err := sn.Table(dataset, projection.MeasurementClass); err != nil {
		return &ccc.Error{Op: op, Row: -1, Value: m.ID, Msg: "dataset " + dataset + " has no long form of its matrices (" + projection.MeasurementClass + ")",
			Hint: "save the matrix again (ccc projections matrix build/ingest/axons) to write it, or drop --engine spark", Kind: ccc.ErrNotFound}
	}
	dsCol := store.DatasetColumn(sn.Tables(projection.MeasurementClass))
	q := "SELECT data_item, brain_region, `value` FROM " + projection.MeasurementClass + " WHERE " + quoteIdent(dsCol) + " = " + quoteString(dataset) +
		" AND `matrix` = " + quoteString(m.ID)
	t, err := s.QueryMax(ctx, q, maxRows)
	if err != nil {
		return err
	}
	if t != nil {
		defer t.Release()
	}
	return fillMatrix(m, dataset, NewRows(t))
}

// fillMatrix fills m.Values from long-form rows (data_item, brain_region,
// value), checking that every entry of m's index appears exactly once.
func fillMatrix(m *projection.Matrix, dataset string, rows *Rows) error {
	const op = "projection matrix on spark"
	nr, nc := len(m.Rows), len(m.RegionIDs)
	row := make(map[string]int, nr)
	for i, r := range m.Rows {
		row[r] = i
	}
	col := make(map[int64]int, nc)
	for i, c := range m.RegionIDs {
		col[c] = i
	}
	m.Values = make([]float64, nr*nc)
	seen := make([]bool, nr*nc)
	bad := func(msg string) error {
		return &ccc.Error{Op: op, Row: -1, Value: m.ID, Msg: "the long form (" + projection.MeasurementClass + ") of matrix " + m.ID + " in dataset " + dataset + " does not match its index: " + msg,
			Hint: "save the matrix again (ccc projections matrix build/ingest/axons), or drop --engine spark to read the Zarr array", Kind: ccc.ErrInvalidData}
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		v := rows.Values()
		item, _ := v[0].(string)
		r, ok := row[item]
		if !ok || v[0] == nil {
			return bad(fmt.Sprintf("data item %q is not a row of the matrix", item))
		}
		c, ok := col[toInt(v[1])]
		if !ok || v[1] == nil {
			return bad(fmt.Sprintf("region %v is not a column of the matrix", v[1]))
		}
		k := r*nc + c
		if seen[k] {
			return bad(fmt.Sprintf("entry (%s, %d) appears twice", item, m.RegionIDs[c]))
		}
		seen[k] = true
		n++
		if v[2] == nil {
			return bad(fmt.Sprintf("entry (%s, %d) has no value", item, m.RegionIDs[c]))
		}
		m.Values[k] = toFloat(v[2])
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n != nr*nc {
		return bad(fmt.Sprintf("%d of its %d x %d entries present", n, nr, nc))
	}
	return nil
}
