package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/ccc-connectivity/ccc/engine/spark"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

// runQuerySpark runs 'ccc query --engine spark': the SQL runs on Spark over
// the store version's files; the result is written as the embedded
// engine's is.
func runQuerySpark(ctx context.Context, opts *queryOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	out := ""
	if opts.Out != "" {
		var err error
		if out, err = filepath.Abs(opts.Out); err != nil {
			return err
		}
	}
	st, _, s, err := opts.Engine.openSpark(ctx, opts.IO, opts.Global, opts.Ref)
	if err != nil {
		return err
	}
	defer st.Close()
	defer s.Close()
	q := strings.TrimRight(strings.TrimSpace(opts.SQL), ";")
	t, err := s.QueryMax(ctx, q, opts.Engine.maxRows())
	if err != nil {
		return err
	}
	if t != nil {
		defer t.Release()
	}
	if opts.Format == "parquet" {
		return writeArrowParquet(t, out)
	}
	rows := spark.NewRows(t)
	defer rows.Close()
	w := opts.IO.Out
	if out != "" {
		f, err := exportCreateFile(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	return queryWriteRows(w, rows, opts.Format)
}

// writeArrowParquet writes an Arrow table as one zstd Parquet file.
func writeArrowParquet(t arrow.Table, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if t == nil {
		t = array.NewTableFromRecords(arrow.NewSchema(nil, nil), nil)
	}
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd))
	if err := pqarrow.WriteTable(t, f, 64*1024, props, pqarrow.DefaultWriterProps()); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return nil // WriteTable closed f
}

// sparkMatrix reads a projection matrix for 'ccc projections matrix export
// --engine spark': its indexes from the store, its values computed on
// Spark from the long-form ProjectionMeasurement rows.
func sparkMatrix(ctx context.Context, o *matrixExportOptions) (*projection.Matrix, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	st, sn, s, err := o.Engine.openSpark(ctx, o.IO, o.Global, o.Ref, projection.MeasurementClass)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	defer s.Close()
	m, err := projection.LoadMatrixIndex(st, store.Ref{Version: sn.Number()}, o.Dataset, o.Name)
	if err != nil {
		return nil, err
	}
	dataset := o.Dataset
	if dataset == "" {
		dataset = projection.DefaultDataset
	}
	if err := s.MatrixValues(ctx, sn, dataset, m, o.Engine.maxRows()); err != nil {
		return nil, err
	}
	return m, nil
}
