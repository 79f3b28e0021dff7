package hdf5

import (
	"errors"

	"github.com/ccc-connectivity/ccc"
)

// Errors of this package. Each is also one of the ccc error kinds, so
// errors.Is(err, ccc.ErrFormat) holds for the format errors.
var (
	// ErrNotHDF5 is returned by Open when the file has no HDF5 signature.
	ErrNotHDF5 = &kindErr{"not an HDF5 file", ccc.ErrFormat}
	// ErrCorrupt is returned by Open when the signature is there but
	// libhdf5 cannot open the file (truncated or damaged).
	ErrCorrupt = &kindErr{"truncated or corrupt HDF5 file", ccc.ErrFormat}
	// ErrNoObject is returned when a path inside the file does not exist.
	ErrNoObject = &kindErr{"no such object", ccc.ErrNotFound}
	// ErrUnsupported is returned for datatypes this package does not read
	// (variable-length sequences of non-strings, arrays of arrays, opaque).
	ErrUnsupported = &kindErr{"unsupported HDF5 datatype", ccc.ErrFormat}
	// ErrClosed is returned when a File is used after Close.
	ErrClosed = errors.New("hdf5: file is closed")
)

type kindErr struct {
	msg  string
	kind error
}

func (e *kindErr) Error() string { return e.msg }
func (e *kindErr) Unwrap() error { return e.kind }

// newErr builds a ccc.Error naming the file and the path inside it.
func newErr(op, file, inner string, kind *kindErr, msg string, cause error) error {
	p := file
	if inner != "" {
		p = file + ":" + inner
	}
	if msg == "" {
		msg = kind.msg
	}
	return &ccc.Error{Op: op, Path: p, Row: -1, Msg: msg, Kind: kind, Err: cause}
}
