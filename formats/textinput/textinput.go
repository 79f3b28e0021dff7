package textinput

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/ccc-connectivity/ccc"
)

// Default limits.
const (
	DefaultMaxColumns     = 10_000  // header fields of one CSV/TSV file
	DefaultMaxDepth       = 1_000   // nesting levels of JSON/YAML values
	DefaultMaxRecordBytes = 8 << 20 // bytes of one CSV/TSV record (8 MiB)
)

// Limits bound what a text input may hold; zero fields take the defaults.
type Limits struct {
	MaxColumns     int   // fields of a CSV/TSV header
	MaxDepth       int   // nesting of JSON arrays/objects, YAML sequences/mappings
	MaxRecordBytes int64 // bytes of one CSV/TSV record (the header: at most 1 KiB per allowed column)
}

func (l Limits) withDefaults() Limits {
	if l.MaxColumns <= 0 {
		l.MaxColumns = DefaultMaxColumns
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxRecordBytes <= 0 {
		l.MaxRecordBytes = DefaultMaxRecordBytes
	}
	return l
}

// Kind names how a file is checked.
type Kind string

// Kinds of text input.
const (
	CSV   Kind = "csv"
	TSV   Kind = "tsv"
	JSON  Kind = "json"
	JSONL Kind = "jsonl"
)

// Stats describe a checked CSV/TSV file.
type Stats struct {
	Header []string // column names (nil for an empty file)
	Rows   int64    // data rows
}

// CheckFile checks the file at path as kind (decompressing a name ending in
// .gz). Other kinds (YAML, Parquet) pass: YAML is held to the limits after
// decoding (CheckDepth), Parquet is binary.
func CheckFile(path string, kind Kind, l Limits) error {
	switch kind {
	case CSV, TSV, JSON, JSONL:
	default:
		return nil
	}
	r, err := Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	switch kind {
	case CSV:
		_, err = CheckDelimited(r, path, ',', l)
	case TSV:
		_, err = CheckDelimited(r, path, '\t', l)
	default:
		err = CheckJSON(r, path, l)
	}
	return err
}

// Open opens path for reading, decompressing it when its name ends in .gz,
// and skips a leading UTF-8 byte order mark (as DuckDB does), so that every
// reader of the file sees the same bytes.
func Open(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &ccc.Error{Op: "read", Path: path, Row: -1, Msg: "cannot open", Kind: ccc.ErrNotFound, Err: err}
	}
	var r io.Reader = f
	var zr *gzip.Reader
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		if zr, err = gzip.NewReader(f); err != nil {
			f.Close()
			return nil, &ccc.Error{Op: "read", Path: path, Row: -1, Msg: "not a gzip file", Kind: ccc.ErrFormat, Err: err}
		}
		r = zr
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	return &readCloser{Reader: br, close: func() error {
		if zr != nil {
			zr.Close()
		}
		return f.Close()
	}}, nil
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r *readCloser) Close() error { return r.close() }

func formatErr(path string, line, col int, msg, hint string) error {
	return &ccc.Error{Op: "read", Path: path, Line: line, Col: col, Row: -1, Msg: msg, Hint: hint, Kind: ccc.ErrFormat}
}

const quoteHint = `quote a field that holds the delimiter, a quote or a line break with " and double the quotes inside it ("")`

// countingReader counts the bytes read since the last reset, and fails
// once they pass max (one record too long).
type countingReader struct {
	r   io.Reader
	n   int64
	max int64
}

var errTooLong = errors.New("record too long")

func (c *countingReader) Read(p []byte) (int, error) {
	if c.n > c.max {
		return 0, errTooLong
	}
	k, err := c.r.Read(p)
	c.n += int64(k)
	return k, err
}

// CheckDelimited reads r as CSV (comma ',') or TSV (comma '\t') under the
// rules of the package and returns its header and row count, or the first
// problem (naming path and line).
func CheckDelimited(r io.Reader, path string, comma rune, l Limits) (*Stats, error) {
	l = l.withDefaults()
	cnt := &countingReader{r: r, max: int64(l.MaxColumns) * 1024}
	if cnt.max > l.MaxRecordBytes {
		cnt.max = l.MaxRecordBytes
	}
	cr := csv.NewReader(cnt)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	st := &Stats{}
	line := 1
	readErr := func(err error, what string) error {
		var pe *csv.ParseError
		switch {
		case errors.Is(err, errTooLong):
			if what == "header" {
				return formatErr(path, 1, 0, fmt.Sprintf("header longer than %d bytes", cnt.max),
					fmt.Sprintf("a header may have at most %d columns", l.MaxColumns))
			}
			return formatErr(path, line, 0, fmt.Sprintf("record longer than %d bytes", l.MaxRecordBytes),
				"a quote that is never closed makes the rest of the file one field; "+quoteHint)
		case errors.As(err, &pe):
			msg := pe.Err.Error()
			switch {
			case errors.Is(pe.Err, csv.ErrQuote):
				msg = `unterminated or misplaced quote: a quoted field must end with " followed by the delimiter or the end of the line`
			case errors.Is(pe.Err, csv.ErrBareQuote):
				msg = `bare " in an unquoted field`
			}
			return formatErr(path, pe.StartLine, pe.Column, msg, quoteHint)
		}
		return &ccc.Error{Op: "read", Path: path, Line: line, Row: -1, Msg: "cannot read " + what, Kind: ccc.ErrFormat, Err: err}
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return st, nil
	}
	if err != nil {
		return nil, readErr(err, "header")
	}
	if len(header) > l.MaxColumns {
		return nil, formatErr(path, 1, 0, fmt.Sprintf("header has %d columns, more than the limit of %d", len(header), l.MaxColumns),
			"split the file by columns, or check the delimiter (.csv: comma, .tsv: tab)")
	}
	if err := checkCells(cr, path, header); err != nil {
		return nil, err
	}
	seen := make(map[string]int, len(header))
	for i, h := range header {
		if j, dup := seen[h]; dup {
			_, col := cr.FieldPos(i)
			return nil, &ccc.Error{Op: "read", Path: path, Line: 1, Col: col, Row: -1, Field: h, Kind: ccc.ErrFormat,
				Msg: fmt.Sprintf("duplicate column name (columns %d and %d)", j+1, i+1), Hint: "give every column a distinct name"}
		}
		seen[h] = i
	}
	st.Header = append([]string(nil), header...)
	cnt.max = l.MaxRecordBytes
	for {
		cnt.n = 0
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return st, nil
		}
		if err != nil {
			return nil, readErr(err, "row")
		}
		line, _ = cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, &ccc.Error{Op: "read", Path: path, Line: line, Row: int(st.Rows), Kind: ccc.ErrFormat,
				Msg:  fmt.Sprintf("row has %d fields, the header has %d", len(rec), len(header)),
				Hint: "every row needs one field per header column; " + quoteHint}
		}
		if err := checkCells(cr, path, rec); err != nil {
			return nil, err
		}
		st.Rows++
	}
}

// checkCells refuses invalid UTF-8 and NUL bytes in the fields of the
// record just read.
func checkCells(cr *csv.Reader, path string, rec []string) error {
	for i, c := range rec {
		bad := ""
		if strings.IndexByte(c, 0) >= 0 {
			bad = "NUL byte in a field"
		} else if !utf8.ValidString(c) {
			bad = "invalid UTF-8 in a field"
		}
		if bad != "" {
			line, col := cr.FieldPos(i)
			return formatErr(path, line, col, bad, "save the file as UTF-8 text (e.g. iconv -f latin1 -t utf-8)")
		}
	}
	return nil
}
