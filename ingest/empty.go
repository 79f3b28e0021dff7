package ingest

import (
	"bytes"
	"io"
	"os"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// NoRecordsError is the one error of validate and ingest for inputs
// without records (op "validate" or "ingest").
func NoRecordsError(op string, files []string) error {
	return &ccc.Error{Op: op, Path: strings.Join(files, ", "), Row: -1, Kind: ccc.ErrInvalidData, Err: ErrNoRecords,
		Msg:  "empty input (blank file, header only or empty list)",
		Hint: "pass --allow-empty if an empty input is intended (for ingest it makes the dataset's table of the class empty)"}
}

// IsBlank reports whether the file holds nothing but whitespace (or a
// UTF-8 byte-order mark): an input without records in every format. It
// stops at the first other byte.
func IsBlank(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	first := true
	for {
		n, err := f.Read(buf)
		b := buf[:n]
		if first {
			b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
			first = n == 0
		}
		if len(bytes.TrimSpace(b)) > 0 {
			return false, nil
		}
		if err == io.EOF {
			return true, nil
		}
		if err != nil {
			return false, err
		}
	}
}
