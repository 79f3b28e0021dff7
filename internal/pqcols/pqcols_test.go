package pqcols

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// TestRead: columns come back in the order asked for (not the file's),
// across several batches, and a missing column is ErrMissing.
func TestRead(t *testing.T) {
	const n = 1000
	sc := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64}, {Name: "b", Type: arrow.PrimitiveTypes.Float64}}, nil)
	bld := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	for i := range n {
		bld.Field(0).(*array.Int64Builder).Append(int64(i))
		bld.Field(1).(*array.Float64Builder).Append(float64(i) / 2)
	}
	rec := bld.NewRecordBatch()
	defer rec.Release()
	path := writeFile(t, sc, rec, nil)
	for _, par := range []bool{false, true} {
		seen, batches := 0, 0
		err := Read(context.Background(), path, []string{"b", "a"}, Options{BatchRows: 128, Parallel: par}, func(c []arrow.Array) error {
			bs, as := c[0].(*array.Float64).Float64Values(), c[1].(*array.Int64).Int64Values()
			for i := range as {
				if as[i] != int64(seen) || bs[i] != float64(seen)/2 {
					t.Fatalf("row %d: a=%d b=%v", seen, as[i], bs[i])
				}
				seen++
			}
			batches++
			return nil
		})
		if err != nil || seen != n || batches < n/128 {
			t.Fatalf("parallel %v: %v, %d rows in %d batches", par, err, seen, batches)
		}
	}
	err := Read(context.Background(), path, []string{"a", "zz"}, Options{}, func([]arrow.Array) error { return nil })
	if !errors.Is(err, ErrMissing) {
		t.Fatalf("missing column: %v", err)
	}
}

// writeFile writes rec as a Parquet file of row groups of 300 rows and
// returns its path.
func writeFile(t *testing.T, sc *arrow.Schema, rec arrow.RecordBatch, props *parquet.WriterProperties) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pqarrow.WriteTable(array.NewTableFromRecords(sc, []arrow.RecordBatch{rec}), f, 300, props, pqarrow.DefaultWriterProps()); err != nil {
		t.Fatal(err)
	}
	return path
}
