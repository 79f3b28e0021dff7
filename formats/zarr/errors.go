package zarr

import (
	"fmt"

	"github.com/ccc-connectivity/ccc"
)

// Errors returned by this package wrap one of the ccc kinds:
//
//   - ccc.ErrFormat: metadata that is not valid Zarr or uses an unsupported
//     feature, and chunks that are corrupt, truncated or of the wrong size.
//     The error names the metadata file or the chunk path.
//   - ccc.ErrNotFound: the directory holds no Zarr array.
//   - ccc.ErrUsage: the caller asked for something inconsistent (data length
//     not matching the shape, unknown data type or compressor in Meta).
func formatErr(path, msg string, cause error) error {
	return &ccc.Error{Op: "read zarr", Path: path, Row: -1, Msg: msg, Kind: ccc.ErrFormat, Err: cause}
}

func usageErr(format string, a ...any) error {
	return &ccc.Error{Op: "write zarr", Row: -1, Msg: fmt.Sprintf(format, a...), Kind: ccc.ErrUsage}
}
