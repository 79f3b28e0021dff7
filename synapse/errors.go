package synapse

import "errors"

// Errors of package synapse. Besides these, functions return *ccc.Error
// values wrapping the kinds of package ccc:
//   - ccc.ErrInvalidData: a bad value in an input file (non-integer root id,
//     malformed position list), naming file, line, row and column;
//   - ccc.ErrNotFound: unknown column, dataset without synapses, missing file;
//   - ccc.ErrUsage: bad option values (resolution, filter syntax);
//   - ccc.ErrFormat: an index artifact that does not match its table.
var (
	// ErrNoIndex is returned when a dataset's synapse index artifact is
	// missing (the table was written by another tool); re-run ingest.
	ErrNoIndex = errors.New("synapse: graph index missing")

	// ErrUnsorted is returned by BuildIndex when the Parquet table is not
	// sorted by pre_pt_root_id.
	ErrUnsorted = errors.New("synapse: table not sorted by pre_pt_root_id")
)
