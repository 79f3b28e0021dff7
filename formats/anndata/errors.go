package anndata

import (
	"github.com/ccc-connectivity/ccc"
)

// Errors of this package. Each unwraps to ccc.ErrFormat (or ccc.ErrNotFound
// for ErrNoElement), so the command line exits with code 2.
var (
	// ErrNotAnnData: the HDF5 file is not an AnnData file (no X/obs/var
	// groups, or a root encoding-type other than "anndata").
	ErrNotAnnData = &kindErr{"not an AnnData .h5ad file", ccc.ErrFormat}
	// ErrEncoding: an element's encoding-type or encoding-version is one
	// this package does not read (awkward-array, an unknown name, a newer
	// version) or is missing where the format requires it.
	ErrEncoding = &kindErr{"unsupported AnnData encoding", ccc.ErrFormat}
	// ErrShape: element shapes disagree (X versus obs/var lengths, sparse
	// indptr versus shape, a column of the wrong length) or sparse indices
	// are out of range.
	ErrShape = &kindErr{"inconsistent AnnData shapes", ccc.ErrFormat}
	// ErrNoElement: a named element (layer, obsm key, obs/var column,
	// gene) does not exist.
	ErrNoElement = &kindErr{"no such AnnData element", ccc.ErrNotFound}
)

type kindErr struct {
	msg  string
	kind error
}

func (e *kindErr) Error() string { return e.msg }
func (e *kindErr) Unwrap() error { return e.kind }

// elemErr builds a ccc.Error naming the file and the element inside it.
func elemErr(file, elem string, kind *kindErr, msg, hint string, cause error) error {
	p := file
	if elem != "" {
		p += ":" + elem
	}
	return &ccc.Error{Op: "read h5ad", Path: p, Row: -1, Msg: msg, Hint: hint, Kind: kind, Err: cause}
}
