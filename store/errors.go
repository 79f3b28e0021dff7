package store

import (
	"errors"

	"github.com/ccc-connectivity/ccc"
)

// Errors of package store. Besides these, functions return errors wrapping
// the kinds in package ccc:
//
//   - ccc.ErrNotFound: the directory is not a store (hint: run 'ccc init DIR'),
//     or a version, dataset, table or artifact does not exist;
//   - ccc.ErrLocked: another process holds the writer lock; the message names
//     the holder (pid, host, command, start time);
//   - ccc.ErrUsage: an invalid dataset, class, artifact or other name
//     (ValidName), a query that is not one SELECT (CheckSelect), an output
//     path inside the store (CheckOutput);
//   - ccc.ErrFormat: a manifest or staged Parquet file cannot be read.
var (
	// ErrTxDone is returned by Tx methods called after Commit or Rollback.
	ErrTxDone = errors.New("store: transaction already committed or rolled back")

	// ErrNotStaged is returned by Commit when TablePath was asked for a
	// class but no Parquet file was written there.
	ErrNotStaged = errors.New("store: staged table file missing")

	// ErrOutputInStore is wrapped (with ccc.ErrUsage) by CheckOutput and
	// CheckOutputIn: an output file would lie inside the store.
	ErrOutputInStore = errors.New("output path inside the store")
)

// formatError marks an underlying error (e.g. DuckDB failing to read a
// Parquet footer) as ccc.ErrFormat.
type formatError struct{ err error }

func (e formatError) Error() string   { return e.err.Error() }
func (e formatError) Unwrap() []error { return []error{ccc.ErrFormat, e.err} }

func errFormat(err error) error { return formatError{err} }
