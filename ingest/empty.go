package ingest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// ErrNoRecords is wrapped by the error of an ingest or validation whose
// inputs hold no record at all (empty or whitespace-only file, CSV/TSV header
// only, empty JSON/YAML list, empty JSONL, Parquet file of 0 rows) and that
// was not given AllowEmpty. Its kind is ccc.ErrInvalidData in every format.
var ErrNoRecords = errors.New("no records")

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
