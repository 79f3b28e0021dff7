package textinput

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"unicode/utf8"

	"github.com/ccc-connectivity/ccc"
)

const depthHint = "records of the schema nest a few levels; flatten the data or check the file"

// CheckJSON scans a JSON document or a JSON Lines stream for nesting deeper
// than l.MaxDepth, invalid UTF-8 and NUL bytes, without decoding it
// (syntax errors are left to the decoder).
func CheckJSON(r io.Reader, path string, l Limits) error {
	l = l.withDefaults()
	br := bufio.NewReaderSize(r, 64<<10)
	depth, line, col := 0, 1, 0
	inString, escaped := false, false
	var rb [utf8.UTFMax]byte
	need, have, lead := 0, 0, 0 // bytes of the multi-byte rune being read, column of its first byte
	for {
		b, err := br.ReadByte()
		if err == io.EOF {
			if need > 0 {
				return formatErr(path, line, lead, "invalid UTF-8 at the end of the file", "save the file as UTF-8 text")
			}
			return nil
		}
		if err != nil {
			return &ccc.Error{Op: "read", Path: path, Line: line, Row: -1, Msg: "cannot read", Kind: ccc.ErrFormat, Err: err}
		}
		col++
		if need > 0 {
			rb[have] = b
			have++
			if b&0xC0 != 0x80 || (have == need && !utf8.Valid(rb[:have])) {
				return formatErr(path, line, lead, "invalid UTF-8", "save the file as UTF-8 text (e.g. iconv -f latin1 -t utf-8)")
			}
			if have == need {
				need = 0
			}
			continue
		}
		switch {
		case b == 0:
			return formatErr(path, line, col, "NUL byte", "remove the NUL bytes; JSON text cannot hold them")
		case b >= 0x80:
			switch {
			case b&0xE0 == 0xC0:
				need = 2
			case b&0xF0 == 0xE0:
				need = 3
			case b&0xF8 == 0xF0:
				need = 4
			default:
				return formatErr(path, line, col, "invalid UTF-8", "save the file as UTF-8 text (e.g. iconv -f latin1 -t utf-8)")
			}
			rb[0], have, lead = b, 1, col
			continue
		case b == '\n':
			line, col = line+1, 0
		}
		if inString {
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
			continue
		}
		switch b {
		case '"':
			inString = true
		case '[', '{':
			depth++
			if depth > l.MaxDepth {
				return formatErr(path, line, col, fmt.Sprintf("nested more than %d levels deep", l.MaxDepth), depthHint)
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
}

// CheckDepth refuses a decoded value (YAML, JSON) nested more than
// l.MaxDepth levels of lists and maps deep.
func CheckDepth(v any, path string, l Limits) error {
	l = l.withDefaults()
	if depthOver(v, l.MaxDepth) {
		return &ccc.Error{Op: "read", Path: path, Row: -1, Kind: ccc.ErrFormat,
			Msg: fmt.Sprintf("nested more than %d levels deep", l.MaxDepth), Hint: depthHint}
	}
	return nil
}

// depthOver reports whether v nests more than left levels.
func depthOver(v any, left int) bool {
	var elems iter.Seq[any]
	switch x := v.(type) {
	case []any:
		elems = slices.Values(x)
	case map[string]any:
		elems = maps.Values(x)
	case map[any]any:
		elems = maps.Values(x)
	default:
		return false
	}
	if left == 0 {
		return true
	}
	for e := range elems {
		if depthOver(e, left-1) {
			return true
		}
	}
	return false
}

// JSONSyntax returns the first syntax error of a JSON document (lines
// false) or JSON Lines stream (lines true) as a *ccc.Error naming the line,
// or nil when the file parses. It streams (memory stays bounded) and is
// meant for diagnostics after another reader failed.
func JSONSyntax(path string, lines bool) error {
	r, err := Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	bad := func(line int, err error) error {
		return &ccc.Error{Op: "read", Path: path, Line: line, Row: -1, Msg: "malformed JSON: " + err.Error(), Kind: ccc.ErrFormat,
			Hint: "fix the JSON syntax (a JSON Lines file holds one complete object per line)"}
	}
	if lines {
		br := bufio.NewReaderSize(r, 64<<10)
		for n := 1; ; n++ {
			b, rerr := br.ReadBytes('\n')
			if t := bytes.TrimSpace(b); len(t) > 0 {
				// RawMessage: a syntax check, which must not refuse a
				// valid number that float64 cannot hold (1E700)
				var v json.RawMessage
				if err := json.Unmarshal(t, &v); err != nil {
					return bad(n, err)
				}
			}
			if rerr == io.EOF {
				return nil
			}
			if rerr != nil {
				return rerr
			}
		}
	}
	dec := json.NewDecoder(r)
	dec.UseNumber() // numbers stay text: 1E700 is valid JSON, not an error
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if depth > 0 {
				return bad(lineOf(path, dec.InputOffset()), io.ErrUnexpectedEOF)
			}
			return nil
		}
		if err != nil {
			return bad(lineOf(path, dec.InputOffset()), err)
		}
		switch tok {
		case json.Delim('['), json.Delim('{'):
			depth++
		case json.Delim(']'), json.Delim('}'):
			depth--
		}
	}
}

// lineOf returns the 1-based line of byte offset off in the (decompressed)
// file.
func lineOf(path string, off int64) int {
	r, err := Open(path)
	if err != nil {
		return 0
	}
	defer r.Close()
	br := bufio.NewReaderSize(io.LimitReader(r, off), 64<<10)
	line := 1
	for {
		b, err := br.ReadSlice('\n')
		if len(b) > 0 && b[len(b)-1] == '\n' {
			line++
		}
		if err != nil && err != bufio.ErrBufferFull {
			return line
		}
	}
}
