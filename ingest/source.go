package ingest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/textinput"
	"github.com/ccc-connectivity/ccc/store"
)

// Format is an input file format.
type Format string

// Input formats.
const (
	FormatParquet Format = "parquet"
	FormatCSV     Format = "csv"
	FormatTSV     Format = "tsv"
	FormatJSON    Format = "json"
	FormatJSONL   Format = "jsonl"
	FormatYAML    Format = "yaml"
)

// DetectFormat infers the format from a file name (a trailing .gz is
// ignored for CSV/TSV/JSON).
func DetectFormat(path string) (Format, bool) {
	name := strings.ToLower(filepath.Base(path))
	name = strings.TrimSuffix(name, ".gz")
	switch filepath.Ext(name) {
	case ".parquet", ".pq":
		return FormatParquet, true
	case ".csv":
		return FormatCSV, true
	case ".tsv", ".tab":
		return FormatTSV, true
	case ".json":
		return FormatJSON, true
	case ".jsonl", ".ndjson":
		return FormatJSONL, true
	case ".yaml", ".yml":
		return FormatYAML, true
	}
	return "", false
}

// inputFile is one file to read.
type inputFile struct {
	Path    string // as found
	Format  Format
	read    string   // file DuckDB reads (a converted JSONL for YAML / JSON containers)
	header  []string // CSV/TSV column names, as the pre-check read them
	maxLine int64    // CSV/TSV: the record size limit of the pre-check
}

// ExpandInputs resolves FILE, DIR (all files of known formats inside,
// recursively) and GLOB arguments to a sorted list of files.
func ExpandInputs(args []string, format Format) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		switch {
		case err == nil && st.IsDir():
			err := filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if !d.IsDir() {
					if _, ok := DetectFormat(p); ok || format != "" {
						out = append(out, p)
					}
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		case err == nil:
			out = append(out, a)
		default:
			ms, gerr := filepath.Glob(a)
			if gerr != nil || len(ms) == 0 {
				return nil, &ccc.Error{Op: "ingest", Path: a, Row: -1, Msg: "no such file, directory or matching glob", Kind: ccc.ErrNotFound}
			}
			sort.Strings(ms)
			out = append(out, ms...)
		}
	}
	if len(out) == 0 {
		return nil, &ccc.Error{Op: "ingest", Path: strings.Join(args, " "), Row: -1, Msg: "no input files found", Kind: ccc.ErrNotFound,
			Hint: "give Parquet, CSV, TSV, JSON, JSONL or YAML files"}
	}
	return out, nil
}

// sourceSQL returns a SELECT over one input with a leading __row column
// (0-based record index within the file); without withRow, __row is NULL
// (cheaper: the write pass does not need it).
func (f *inputFile) sourceSQL(withRow bool) string {
	p := store.QuoteString(f.read)
	rowNum := "(row_number() OVER ()) - 1"
	if !withRow {
		rowNum = "NULL::BIGINT"
	}
	switch f.Format {
	case FormatParquet:
		if !withRow {
			return fmt.Sprintf("SELECT NULL::BIGINT AS __row, * FROM read_parquet(%s)", p)
		}
		return fmt.Sprintf("SELECT file_row_number AS __row, * EXCLUDE (file_row_number) FROM read_parquet(%s, file_row_number = true)", p)
	case FormatCSV, FormatTSV:
		return fmt.Sprintf("SELECT %s AS __row, * FROM %s", rowNum, f.readCSV())
	default: // JSON, JSONL and converted YAML
		return fmt.Sprintf("SELECT %s AS __row, * FROM read_json(%s, format = 'auto')", rowNum, p)
	}
}

// readCSV is the read_csv call of a CSV/TSV input that passed the
// pre-check: no sniffing (DuckDB's sniffer may take a '#' line for a
// comment, skip rows or pick another header line), the column names the
// pre-check read, RFC 4180 quoting, and every row as wide as the header.
func (f *inputFile) readCSV() string {
	delim := "','"
	if f.Format == FormatTSV {
		delim = "'\\t'"
	}
	if len(f.header) == 0 { // empty file: nothing to name
		return fmt.Sprintf("read_csv(%s, header = true, all_varchar = true, delim = %s)", store.QuoteString(f.read), delim)
	}
	cols := make([]string, len(f.header))
	for i, h := range f.header {
		cols[i] = store.QuoteString(h) + ": 'VARCHAR'"
	}
	return fmt.Sprintf("read_csv(%s, auto_detect = false, header = true, delim = %s, quote = '\"', escape = '\"', comment = '', "+
		"strict_mode = true, null_padding = false, max_line_size = %d, buffer_size = %d, columns = {%s})",
		store.QuoteString(f.read), delim, f.maxLine, max(2*f.maxLine, 16<<20), strings.Join(cols, ", "))
}

// csvColumnNames names the columns of a checked header as DuckDB does
// when it sniffs: an empty name becomes column<i> (pandas writes its
// index column without a name).
func csvColumnNames(path string, header []string) ([]string, error) {
	out := make([]string, len(header))
	seen := make(map[string]bool, len(header))
	for _, h := range header {
		seen[h] = true
	}
	for i, h := range header {
		if h == "" {
			h = fmt.Sprintf("column%d", i)
			if seen[h] {
				return nil, &ccc.Error{Op: "ingest", Path: path, Line: 1, Row: -1, Field: h, Kind: ccc.ErrFormat,
					Msg: fmt.Sprintf("column %d has no name and its default name is taken", i+1), Hint: "name every column"}
			}
		}
		out[i] = h
	}
	return out, nil
}

// prepare checks a text input against the limits and reading rules of
// package textinput (the checks 'ccc validate' makes), and converts inputs
// DuckDB cannot read directly (YAML; JSON whose top level is an object
// holding the records) into JSONL under workDir.
func (f *inputFile) prepare(workDir string, n int, class string, lim textinput.Limits) error {
	f.read = f.Path
	switch f.Format {
	case FormatCSV, FormatTSV:
		comma := ','
		if f.Format == FormatTSV {
			comma = '\t'
		}
		r, err := textinput.Open(f.Path)
		if err != nil {
			return err
		}
		st, err := textinput.CheckDelimited(r, f.Path, comma, lim)
		r.Close()
		if err != nil {
			return err
		}
		if f.header, err = csvColumnNames(f.Path, st.Header); err != nil {
			return err
		}
		// DuckDB reads every record the pre-check accepts
		if f.maxLine = lim.MaxRecordBytes; f.maxLine <= 0 {
			f.maxLine = textinput.DefaultMaxRecordBytes
		}
		return nil
	case FormatJSON, FormatJSONL:
		if err := textinput.CheckFile(f.Path, textinput.JSON, lim); err != nil {
			return err
		}
	}
	switch f.Format {
	case FormatYAML:
	case FormatJSON:
		// A top-level array is read by DuckDB directly.
		b := make([]byte, 512)
		fh, err := os.Open(f.Path)
		if err != nil {
			return err
		}
		k, _ := fh.Read(b)
		fh.Close()
		if strings.HasPrefix(strings.TrimSpace(string(b[:k])), "[") {
			return nil
		}
	default:
		return nil
	}
	data, err := os.ReadFile(f.Path)
	if err != nil {
		return err
	}
	var doc any
	if f.Format == FormatYAML {
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return &ccc.Error{Op: "ingest", Path: f.Path, Row: -1, Msg: "not valid YAML", Kind: ccc.ErrFormat, Err: err}
		}
	} else if err := json.Unmarshal(data, &doc); err != nil {
		return &ccc.Error{Op: "ingest", Path: f.Path, Row: -1, Msg: "not valid JSON", Kind: ccc.ErrFormat, Err: err}
	}
	if err := textinput.CheckDepth(doc, f.Path, lim); err != nil {
		return err
	}
	recs, err := records(doc, class)
	if err != nil {
		return &ccc.Error{Op: "ingest", Path: f.Path, Row: -1, Msg: err.Error(), Kind: ccc.ErrFormat,
			Hint: "give a list of objects, or an object with one list of objects (e.g. {brain_regions: [...]})"}
	}
	out := filepath.Join(workDir, fmt.Sprintf("input-%03d.jsonl", n))
	fh, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(fh)
	enc := json.NewEncoder(w)
	for _, r := range recs {
		if err := enc.Encode(jsonable(r)); err != nil {
			fh.Close()
			return &ccc.Error{Op: "ingest", Path: f.Path, Row: -1, Msg: "cannot convert record to JSON", Kind: ccc.ErrFormat, Err: err}
		}
	}
	if err := w.Flush(); err != nil {
		fh.Close()
		return err
	}
	f.read = out
	return fh.Close()
}

// records finds the list of records in a decoded YAML/JSON document: the
// document itself when it is a list, else the one list-of-objects value
// of the top-level object (preferring a key named after the class).
func records(doc any, class string) ([]any, error) {
	switch d := doc.(type) {
	case []any:
		return d, nil
	case map[string]any:
		var cands []string
		for k, v := range d {
			if l, ok := v.([]any); ok && (len(l) == 0 || isObject(l[0])) {
				cands = append(cands, k)
			}
		}
		sort.Strings(cands)
		for _, k := range cands {
			if strings.EqualFold(strings.ReplaceAll(k, "_", ""), class) || strings.EqualFold(strings.ReplaceAll(k, "_", ""), class+"s") {
				return d[k].([]any), nil
			}
		}
		if len(cands) == 1 {
			return d[cands[0]].([]any), nil
		}
		if len(cands) == 0 {
			// A single object is one record.
			return []any{d}, nil
		}
		return nil, fmt.Errorf("several lists of records (%s): cannot tell which holds %s", strings.Join(cands, ", "), class)
	}
	return nil, fmt.Errorf("top level is neither a list nor an object")
}

func isObject(v any) bool {
	switch v.(type) {
	case map[string]any, map[any]any:
		return true
	}
	return false
}

// jsonable converts YAML-decoded values (map[any]any) for encoding/json.
func jsonable(v any) any {
	switch x := v.(type) {
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = jsonable(e)
		}
		return m
	case map[string]any:
		for k, e := range x {
			x[k] = jsonable(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = jsonable(e)
		}
		return x
	}
	return v
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

var reDuckLine = regexp.MustCompile(`(?i)\bline:? (\d+)`)

// readError turns DuckDB's failure to read an input (a multi-line dump
// with the query and the sniffer's settings) into one line naming the
// file and, where known, the line: for JSON the line Go's decoder finds.
func readError(f *inputFile, err error) error {
	if f.read == f.Path && (f.Format == FormatJSON || f.Format == FormatJSONL) {
		if e := textinput.JSONSyntax(f.Path, f.Format == FormatJSONL); e != nil {
			return e
		}
	}
	msg, line := duckFirstLine(err)
	if f.Format == FormatJSON || f.Format == FormatJSONL || f.read != f.Path {
		line = 0 // DuckDB counts records there, not lines
	}
	return &ccc.Error{Op: "ingest", Path: f.Path, Line: line, Row: -1, Msg: fmt.Sprintf("cannot read as %s: %s", f.Format, msg), Kind: ccc.ErrFormat,
		Hint: "check the file with 'ccc validate --class CLASS FILE'"}
}

// duckFirstLine returns the first line of a DuckDB error and the line
// number it names (0: none).
func duckFirstLine(err error) (string, int) {
	msg := strings.TrimSpace(err.Error())
	line := 0
	if m := reDuckLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = strings.TrimSpace(msg[:i])
	}
	return msg, line
}
