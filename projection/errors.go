package projection

import (
	"fmt"

	"github.com/ccc-connectivity/ccc"
)

// Errors of this package are *ccc.Error values (or wrap them) whose Kind is
// one of:
//
//   - ccc.ErrInvalidData: a table row, injection summary or grid that breaks
//     a rule (unparseable coordinate, summary without the structure-997
//     injection record when normalizing, grid of the wrong size, truncated
//     grid file).
//   - ccc.ErrFormat: a file that is not what it claims (bad JSON, bad
//     MetaImage or NRRD header).
//   - ccc.ErrNotFound: unknown experiment, region, cached file or store table.
//   - ccc.ErrUsage: inconsistent options (unknown normalization or grouping,
//     bins < 1, --line with --wild-type).
//
// Nothing is written to the store when an error is returned.

func invalid(op, path string, row int, field, value, msg, hint string) error {
	return &ccc.Error{Op: op, Path: path, Row: row, Field: field, Value: value, Msg: msg, Hint: hint, Kind: ccc.ErrInvalidData}
}

func usage(format string, a ...any) error {
	return &ccc.Error{Row: -1, Msg: fmt.Sprintf(format, a...), Kind: ccc.ErrUsage}
}
