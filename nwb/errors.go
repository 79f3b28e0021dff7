package nwb

import (
	"github.com/ccc-connectivity/ccc"
)

// Errors of this package; each wraps one of the ccc error kinds.
var (
	// ErrNotNWB is returned by Open for an HDF5 file that is not NWB (no
	// nwb_version attribute and no NWBFile neurodata_type on the root).
	ErrNotNWB = &kindErr{"HDF5 file is not NWB", ccc.ErrFormat}
	// ErrUnknownType is returned when an object's neurodata_type (or its
	// namespace) is defined by no specification cached in the file.
	ErrUnknownType = &kindErr{"unknown neurodata type", ccc.ErrSchema}
	// ErrNoSpec is returned when the file caches no specification for a
	// namespace that is asked for.
	ErrNoSpec = &kindErr{"no cached specification", ccc.ErrNotFound}
	// ErrBadTable is returned when a DynamicTable is inconsistent (column
	// lengths differ, an index points past its data).
	ErrBadTable = &kindErr{"inconsistent DynamicTable", ccc.ErrInvalidData}
	// ErrNotTable is returned when a path is not a DynamicTable.
	ErrNotTable = &kindErr{"not a DynamicTable", ccc.ErrUsage}
)

type kindErr struct {
	msg  string
	kind error
}

func (e *kindErr) Error() string { return e.msg }
func (e *kindErr) Unwrap() error { return e.kind }

// errAt builds an error naming the file and the path inside it.
func errAt(op, file, inner string, kind *kindErr, msg, hint string, cause error) error {
	p := file
	if inner != "" {
		p += ":" + inner
	}
	if msg == "" {
		msg = kind.msg
	}
	return &ccc.Error{Op: op, Path: p, Row: -1, Msg: msg, Hint: hint, Kind: kind, Err: cause}
}
