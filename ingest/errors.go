package ingest

import "errors"

// Errors of package ingest. Besides these, Run returns errors wrapping the
// kinds of package ccc: ccc.ErrInvalidData (the input was rejected; the
// Report lists every problem), ccc.ErrConflict (append of existing
// identifiers), ccc.ErrUsage (unknown class, slot or column in a mapping,
// bad options), ccc.ErrNotFound (no input files) and ccc.ErrFormat (an
// input that cannot be parsed).
var (
	// ErrRejected is wrapped (with ccc.ErrInvalidData) by Run when the
	// input has data errors; nothing was written.
	ErrRejected = errors.New("ingest rejected")

	// ErrNoRecords is wrapped (with ccc.ErrInvalidData) by the error of an
	// ingest or validation whose inputs hold no record at all (blank file,
	// CSV/TSV header only, empty JSON/YAML list, empty JSONL, Parquet file
	// of 0 rows) without Options.AllowEmpty; see NoRecordsError.
	ErrNoRecords = errors.New("no records")
	// ErrEmpty is wrapped (with ccc.ErrInvalidData) by Run when there is
	// no row to write: an input with no records, or --lenient dropping
	// every row. Options.AllowEmpty commits the empty table instead.
	ErrEmpty = errors.New("nothing to write")
)
