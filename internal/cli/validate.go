package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"unicode/utf8"

	_ "github.com/duckdb/duckdb-go/v2" // Parquet input
	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/textinput"
	"github.com/ccc-connectivity/ccc/ingest"
	"github.com/ccc-connectivity/ccc/linkml"
)

type validateOptions struct {
	IO     *IO
	Global *globalOptions
	Class  string
	Schema string
	Strict bool
	Format string
	Unique bool
	Refs   bool
	Open   bool
	Empty  bool // --allow-empty
	Closed bool
	Files  []string
	ctx    context.Context
}

func init() { register(25, newCmdValidate) }

func newCmdValidate(io *IO, g *globalOptions) *cobra.Command {
	opts := &validateOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "validate --class CLASS [--schema FILE] FILE...",
		Short: "Validate YAML, JSON, JSONL, CSV, TSV or Parquet records against a schema class",
		Long: `Validate instance files against a class of the LinkML schema (the built-in
connectivity schema, or --schema FILE). The verdicts follow linkml-validate
(closed world: keys that are not slots are errors). YAML/JSON files hold one
record or a list of records (an object is one record, as in linkml-validate:
to validate a container such as {regions: [...]}, give its tree_root class).
CSV/TSV cells are typed by the slot ranges as linkml-validate does.

Tabular files (CSV, TSV, Parquet) follow the loaders' column rule, so a file
that 'ccc ingest' loads validates as written: a column named like a slot or
one of its aliases (parent_structure_id for parent_identifier) is validated
as that slot; a column that maps to no slot is not validated and is named
once on stderr (ingest does not store it); a pandas index column is ignored.
--closed validates every column as a slot name (linkml-validate's closed
world); --open accepts any column and key.

Every error is printed on its own line: file, record, path, message and rule.
Exit status: 0 all records valid, 1 some record invalid (or no record at all
without --allow-empty, as for ingest), 2 usage, I/O or schema errors.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Files = args
			opts.ctx = c.Context()
			return runValidate(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Class, "class", "", "class the records instantiate (required)")
	f.StringVar(&opts.Schema, "schema", "", "LinkML schema file (default: the built-in connectivity schema)")
	f.BoolVar(&opts.Strict, "strict", false, "treat keys the LinkML metamodel does not define as schema errors")
	f.StringVar(&opts.Format, "format", "text", "report format: text or json")
	f.BoolVar(&opts.Unique, "unique", true, "report identifiers used twice across the input files (linkml-validate does not check this)")
	f.BoolVar(&opts.Refs, "refs", false, "report references to identifiers that none of the input files define")
	f.BoolVar(&opts.Empty, "allow-empty", false, "accept files without records (default: exit 1, as ingest does)")
	f.BoolVar(&opts.Open, "open", false, "accept keys and columns that are not slots of the class (default: closed world, as linkml-validate)")
	f.BoolVar(&opts.Closed, "closed", false, "tabular files: every column must be a slot name (linkml-validate's reading; default: the loaders' column rule)")
	return cmd
}

type fileReport struct {
	File    string             `json:"file"`
	Records int                `json:"records"`
	Errors  []validateErrorOut `json:"errors"`
}

type validateErrorOut struct {
	Record  int    `json:"record"`
	Path    string `json:"path"`
	Rule    string `json:"rule"`
	Value   any    `json:"value,omitempty"`
	Message string `json:"message"`
}

func runValidate(opts *validateOptions) error {
	if opts.Class == "" {
		return usageErr("--class is required (run 'ccc schema classes' to list them)")
	}
	if opts.Format != "text" && opts.Format != "json" {
		return usageErr("--format %q: use text or json", opts.Format)
	}
	s, err := loadLinkMLSchema(opts.IO, opts.Schema, opts.Strict)
	if err != nil {
		return err
	}
	if opts.Open && opts.Closed {
		return usageErr("give --open or --closed, not both")
	}
	v, err := s.NewValidator(opts.Class, linkml.ValidateOptions{CheckUnique: opts.Unique, CheckRefs: opts.Refs, Open: opts.Open})
	if err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		defer validateGC(opts.Files)()
	}
	// one stream across files: identifiers and references span the input
	st := v.NewStream()
	var reports []*fileReport
	byFile := map[string]*fileReport{}
	var all []linkml.Violation
	for _, file := range opts.Files {
		rep := &fileReport{File: file, Errors: []validateErrorOut{}}
		reports = append(reports, rep)
		byFile[file] = rep
		st.Source = file
		if blank, err := ingest.IsBlank(file); err == nil && blank {
			continue // no records in any format (an empty .json is not malformed)
		}
		n, err := validateFile(opts, s, v, st, file, &all)
		if err != nil {
			return err
		}
		rep.Records = n
	}
	records := 0
	for _, rep := range reports {
		records += rep.Records
	}
	if records == 0 && !opts.Empty {
		return ingest.NoRecordsError("validate", opts.Files)
	}
	all = st.Finish(all)
	total := 0
	for _, vi := range all {
		rep := byFile[vi.Source]
		rep.Errors = append(rep.Errors, validateErrorOut{Record: vi.Record, Path: vi.Path, Rule: string(vi.Rule), Value: validateJSONValue(vi.Value), Message: vi.Msg})
		total++
	}
	out := opts.IO.Out
	if opts.Format == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"class": opts.Class, "valid": total == 0, "errors": total, "files": reports}); err != nil {
			return err
		}
	} else {
		for _, rep := range reports {
			for _, e := range rep.Errors {
				fmt.Fprintf(out, "%s: record %d: %s: %s [%s]\n", rep.File, e.Record, validateOrDash(e.Path), e.Message, e.Rule)
			}
		}
	}
	if !opts.Global.Quiet {
		for _, rep := range reports {
			fmt.Fprintf(opts.IO.ErrOut, "%s: %d records, %d errors\n", rep.File, rep.Records, len(rep.Errors))
		}
	}
	if total > 0 {
		return fmt.Errorf("%w: %d errors in %d files (class %s)", ccc.ErrInvalidData, total, len(opts.Files), opts.Class)
	}
	return nil
}

// validateSmallInput is the input size (all files) up to which validate
// collects garbage only when the heap reaches a soft limit of
// validateSmallHeap or 8 times the input, whichever is larger.
const (
	validateSmallInput = 64 << 20
	validateSmallHeap  = 256 << 20
)

// validateGC sets the garbage collector for validating files and returns
// the function that restores it. Records are short-lived maps: a small
// input is validated without collecting until the heap reaches the soft
// limit (or GOMEMLIMIT if lower): on 20,000 records the collector took a
// sixth of the whole process, and a small file's live heap (the file and
// the records in flight) stays well below the limit, so a file of many
// compressed records (Parquet) is collected only when the limit is
// reached. A larger input collects less often than the default (a quarter
// of the collector's CPU time for about twice the live heap).
func validateGC(files []string) (restore func()) {
	var size int64
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			size += fi.Size()
		}
	}
	if size > validateSmallInput {
		old := debug.SetGCPercent(400)
		return func() { debug.SetGCPercent(old) }
	}
	oldLimit := debug.SetMemoryLimit(-1)
	debug.SetMemoryLimit(min(oldLimit, max(validateSmallHeap, 8*size)))
	old := debug.SetGCPercent(-1)
	return func() {
		debug.SetGCPercent(old)
		debug.SetMemoryLimit(oldLimit)
	}
}

func validateOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func validateJSONValue(v any) any {
	switch x := v.(type) {
	case linkml.Timestamp:
		return string(x)
	case float64:
		if x != x || x > 1e308 || x < -1e308 {
			return fmt.Sprint(x)
		}
	}
	return v
}

// validateFile validates one file's records into all and returns how many
// records it held.
func validateFile(opts *validateOptions, s *linkml.Schema, v *linkml.Validator, st *linkml.Stream, file string, all *[]linkml.Violation) (int, error) {
	ext := strings.ToLower(filepath.Ext(file))
	var err error
	fail := func(err error) error {
		return &ccc.Error{Op: "validate", Path: file, Row: -1, Msg: err.Error(), Kind: ccc.ErrFormat}
	}
	switch ext {
	case ".parquet":
		if !validateSequential {
			if n, ok, err := validateParquetArrow(opts, s, v, st, file, all); ok {
				return n, err
			}
		}
		return validateParquet(opts, s, v, st, file, all)
	case ".json":
		if !validateSequential {
			if n, ok, err := validateJSONStrict(v, st, file, all); ok {
				return n, err
			}
		}
	case ".jsonl", ".ndjson":
		if !validateSequential {
			return validateJSONLParallel(file, st, all)
		}
	case ".csv", ".tsv":
		comma := ','
		if ext == ".tsv" {
			comma = '\t'
		}
		if validateSequential {
			break
		}
		if n, ok, err := validateDelimitedParallel(opts, s, v, st, file, comma, all); ok {
			return n, err
		}
	}
	// the pre-check 'ccc ingest' makes: both commands accept and refuse
	// the same text files
	switch ext {
	case ".csv":
		err = textinput.CheckFile(file, textinput.CSV, textinput.Limits{})
	case ".tsv":
		err = textinput.CheckFile(file, textinput.TSV, textinput.Limits{})
	case ".json", ".jsonl", ".ndjson":
		err = textinput.CheckFile(file, textinput.JSON, textinput.Limits{})
	}
	if err != nil {
		return 0, err
	}
	f, err := textinput.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	switch ext {
	case ".yaml", ".yml", ".json":
		var docs []any
		if ext == ".json" {
			d, err := linkml.DecodeJSON(f)
			if err != nil {
				return 0, fail(err)
			}
			docs = []any{d}
		} else if docs, err = linkml.DecodeYAML(f); err != nil {
			return 0, fail(err)
		}
		for _, d := range docs {
			if err := textinput.CheckDepth(d, file, textinput.Limits{}); err != nil {
				return 0, err
			}
		}
		n = addDocs(v, st, docs, all)
	case ".jsonl", ".ndjson":
		err = linkml.DecodeJSONL(f, func(line int, rec any) error {
			*all = st.AddAt(rec, "rows", n, *all)
			n++
			return nil
		})
		if err != nil {
			return n, fail(err)
		}
	case ".csv", ".tsv":
		comma := ','
		if ext == ".tsv" {
			comma = '\t'
		}
		in, drop := mappedDelimited(opts, s, file, f, comma)
		err = v.DecodeDelimited(in, comma, func(row int, rec map[string]any) error {
			*all = st.AddAt(dropKeys(rec, drop), "rows", row, *all)
			n++
			return nil
		})
		if err != nil {
			return n, fail(err)
		}
	default:
		return 0, usageErr("%s: unknown file type %q (use .yaml, .json, .jsonl, .csv, .tsv or .parquet)", file, ext)
	}
	return n, nil
}

// addDocs validates the records of decoded YAML or JSON documents.
func addDocs(v *linkml.Validator, st *linkml.Stream, docs []any, all *[]linkml.Violation) int {
	n := 0
	for _, d := range docs {
		recs, root := v.Records(d)
		for i, rec := range recs {
			idx := i
			if root == "" {
				idx = -1
			}
			*all = st.AddAt(rec, root, idx, *all)
			n++
		}
	}
	return n
}

// validateJSONStrict validates a .json file that is strict JSON in valid
// UTF-8 without NUL bytes (linkml.DecodeJSONStrict): such a file passes
// the pre-check (nesting at most 64 levels, below the limit), so one read
// and one decoding pass serve. ok is false for any other file.
func validateJSONStrict(v *linkml.Validator, st *linkml.Stream, file string, all *[]linkml.Violation) (n int, ok bool, err error) {
	f, err := textinput.Open(file)
	if err != nil {
		return 0, true, err
	}
	var buf bytes.Buffer
	if fi, err := os.Stat(file); err == nil && fi.Size() < 1<<40 {
		buf.Grow(int(fi.Size()) + bytes.MinRead) // one allocation, no growth copies
	}
	_, err = buf.ReadFrom(f)
	f.Close()
	data := buf.Bytes()
	if err != nil {
		return 0, false, nil
	}
	if r, isArray := linkml.NewJSONArrayReader(data, validateJSONPartBytes); isArray {
		// a strict JSON array is valid UTF-8 without NUL bytes by its
		// grammar; any other array is read by the general path
		n, ok := validateJSONArrayParallel(st, r, all)
		return n, ok, nil
	}
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		return 0, false, nil
	}
	d, ok := linkml.DecodeJSONStrict(data)
	if !ok {
		return 0, false, nil
	}
	return addDocs(v, st, []any{d}, all), true, nil
}

func validateParquet(opts *validateOptions, s *linkml.Schema, v *linkml.Validator, st *linkml.Stream, file string, all *[]linkml.Violation) (int, error) {
	if _, err := os.Stat(file); err != nil {
		return 0, &ccc.Error{Op: "validate", Path: file, Row: -1, Msg: "cannot open", Err: err, Kind: ccc.ErrNotFound}
	}
	ctx := opts.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT * FROM read_parquet(?)", file)
	if err != nil {
		return 0, &ccc.Error{Op: "validate", Path: file, Row: -1, Msg: "cannot read Parquet", Err: err, Kind: ccc.ErrFormat}
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	cols, drop := tabularHeader(opts, s, file, cols)
	m := v.NewRowMapper(cols)
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, &ccc.Error{Op: "validate", Path: file, Row: n, Msg: "cannot read row", Err: err, Kind: ccc.ErrFormat}
		}
		*all = st.AddAt(dropKeys(m.Record(vals), drop), "rows", n, *all)
		n++
	}
	return n, rows.Err()
}
