package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ccc-connectivity/ccc/engine/spark"
)

// writeSpark runs a question's statement (in Spark SQL) on Spark over the
// store version e.sn and writes its rows as write does; it returns the
// result for the caller's summary (the caller releases it). The question's
// names were checked on the embedded engine (small lookups in the atlas,
// the matrix index and the sessions); the statement itself runs on the
// cluster. Only classes get a view (each view makes Spark read its files'
// footers).
func (e *askEnv) writeSpark(ctx context.Context, eng *engineFlags, w io.Writer, what, stmt, format string, classes []string) (arrow.Table, error) {
	s, err := eng.connect(ctx, e.st, e.sn, classes...)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	t, err := s.QueryMax(ctx, stmt, eng.maxRows())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if format == "parquet" {
		if err := writeArrowParquet(t, e.out); err != nil {
			t.Release()
			return nil, err
		}
		return t, nil
	}
	if e.out != "" {
		f, err := exportCreateFile(e.out)
		if err != nil {
			t.Release()
			return nil, err
		}
		defer f.Close()
		w = f
	}
	rows := spark.NewRows(t)
	defer rows.Close()
	if err := queryWriteRows(w, rows, format); err != nil {
		t.Release()
		return nil, err
	}
	return t, nil
}

// sparkRows returns every row of t as values (nil t: none).
func sparkRows(t arrow.Table) [][]any {
	rows := spark.NewRows(t)
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		out = append(out, rows.Values())
	}
	return out
}
