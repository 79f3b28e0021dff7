package ccc

import "errors"

// Error kinds. Packages wrap these (fmt.Errorf("...: %w", ccc.ErrInvalidData))
// or return struct errors whose Unwrap/Is reports one of them; the command
// line maps each kind to one exit code in internal/cli/exit.go.
var (
	// ErrInvalidData is returned when input data breaks the schema or a
	// domain rule (bad value, missing required field, unresolved reference).
	// The store is left unchanged. Exit code 1.
	ErrInvalidData = errors.New("invalid data")

	// ErrUsage is returned when a command is called wrongly: unknown flag
	// value, unknown class, missing argument. Exit code 2.
	ErrUsage = errors.New("usage error")

	// ErrNotFound is returned when a named thing (file, dataset, version,
	// region, class, column) does not exist. Exit code 2.
	ErrNotFound = errors.New("not found")

	// ErrSchema is returned when a schema cannot be loaded: malformed YAML,
	// unknown import, import or is_a cycle, unknown range, duplicate
	// definition. Exit code 2.
	ErrSchema = errors.New("schema error")

	// ErrFormat is returned when a file is not in the format it claims to
	// be (corrupt NRRD, truncated array, not HDF5). Exit code 2.
	ErrFormat = errors.New("format error")

	// ErrLocked is returned when another process holds the store's writer
	// lock. Exit code 3.
	ErrLocked = errors.New("store locked")

	// ErrConflict is returned when a write clashes with what the store
	// holds (append of an existing identifier). Exit code 1.
	ErrConflict = errors.New("conflict")
)

// Error is a user-facing error with the place it happened and a hint.
// Fields that do not apply are left empty (Row is -1 when unknown).
type Error struct {
	Op    string // what was being done: "ingest", "load schema", "read nrrd"
	Path  string // file (and, for HDF5, path inside the file)
	Line  int    // 1-based line in Path, 0 when unknown
	Col   int    // 1-based column in Path, 0 when unknown
	Row   int    // 0-based record index, -1 when unknown
	Field string // slot, column or header field
	Value string // offending value, shortened
	Msg   string // what is wrong
	Hint  string // how to fix it
	Kind  error  // one of the kinds above
	Err   error  // underlying cause, may be nil
}

func (e *Error) Error() string {
	var b []byte
	if e.Op != "" {
		b = append(b, e.Op...)
		b = append(b, ": "...)
	}
	if e.Path != "" {
		b = append(b, e.Path...)
		if e.Line > 0 {
			b = append(b, ':')
			b = appendInt(b, e.Line)
			if e.Col > 0 {
				b = append(b, ':')
				b = appendInt(b, e.Col)
			}
		}
		b = append(b, ": "...)
	}
	if e.Row >= 0 && (e.Row > 0 || e.Field != "") {
		b = append(b, "row "...)
		b = appendInt(b, e.Row)
		b = append(b, ": "...)
	}
	if e.Field != "" {
		b = append(b, "field "...)
		b = append(b, e.Field...)
		b = append(b, ": "...)
	}
	b = append(b, e.Msg...)
	if e.Value != "" {
		b = append(b, " (value "...)
		b = append(b, quoteShort(e.Value)...)
		b = append(b, ')')
	}
	if e.Err != nil {
		b = append(b, ": "...)
		b = append(b, e.Err.Error()...)
	}
	if e.Hint != "" {
		b = append(b, "\n  hint: "...)
		b = append(b, e.Hint...)
	}
	return string(b)
}

// Unwrap lets errors.Is see both the kind and the cause.
func (e *Error) Unwrap() []error {
	var out []error
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

func appendInt(b []byte, n int) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	var tmp [20]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

func quoteShort(s string) string {
	const max = 60
	if len(s) > max {
		s = s[:max] + "..."
	}
	return "\"" + s + "\""
}
