// Package pqcols streams named columns of a Parquet file as Arrow arrays,
// a record batch at a time (arrow-go), for the hot paths that read a table
// column by column without starting DuckDB: the synapse graph index build
// and the columnar cross-modal answers.
//
// arrow-go can panic on a damaged file in goroutines of its own, where no
// recover reaches, and allocates what a page header claims: read only
// files whose bytes are known good (written by ccc in this process, or
// checked with store.VerifyFile first). For a user's file, CheckPages says
// whether arrow-go may read it at all (else DuckDB does).
// It also writes: WriteColumns and DefLevels serve the Parquet writers of
// answers and tables, and Snappy is s2's.
package pqcols

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// ErrMissing is returned (wrapped, with the column's name) when a named
// column is not in the file.
var ErrMissing = errors.New("column missing")

// ErrType is returned (wrapped) by File's reads when a column's physical
// type is not the one asked for, or the column is repeated.
var ErrType = errors.New("column type differs")

// Options tune Read.
type Options struct {
	BatchRows int64 // rows per record batch (0: 131,072)
	Parallel  bool  // decode the columns of a batch in parallel
	// Dictionary names string columns to read as Arrow dictionary arrays
	// (indices into the file's dictionary pages: no string per value)
	Dictionary []string
}

// Read streams the named columns of the Parquet file at path; fn gets one
// array per name, in the order of names, for each record batch. The arrays
// are valid only during the call.
func Read(ctx context.Context, path string, names []string, o Options, fn func(cols []arrow.Array) error) error {
	if o.BatchRows <= 0 {
		o.BatchRows = 1 << 17
	}
	rd, err := file.OpenParquetFile(path, true)
	if err != nil {
		return fmt.Errorf("open Parquet %s: %w", path, err)
	}
	defer rd.Close()
	sc := rd.MetaData().Schema
	idx := make([]int, len(names))
	for i, n := range names {
		if idx[i] = sc.ColumnIndexByName(n); idx[i] < 0 {
			return fmt.Errorf("%w: %s", ErrMissing, n)
		}
	}
	props := pqarrow.ArrowReadProperties{BatchSize: o.BatchRows, Parallel: o.Parallel}
	for _, n := range o.Dictionary {
		if i := sc.ColumnIndexByName(n); i >= 0 {
			props.SetReadDict(i, true)
		}
	}
	fr, err := pqarrow.NewFileReader(rd, props, memory.DefaultAllocator)
	if err != nil {
		return err
	}
	rr, err := fr.GetRecordReader(ctx, idx, nil)
	if err != nil {
		return err
	}
	defer rr.Release()
	// the record reader orders the columns by file position: map them back
	pos := make([]int, len(names))
	for i, n := range names {
		pos[i] = rr.Schema().FieldIndices(n)[0]
	}
	cols := make([]arrow.Array, len(names))
	for rr.Next() {
		rec := rr.RecordBatch()
		for i := range names {
			cols[i] = rec.Column(pos[i])
		}
		if err := fn(cols); err != nil {
			return err
		}
	}
	return rr.Err()
}
