package linkml

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// A strict JSON reader for the common case of JSON Lines records (issue
// 18): it decodes a value into the same plain values as encoding/json with
// UseNumber followed by normalizeJSON (map[string]any, []any, string,
// int64, float64, json.Number, bool, nil) without the reflection and the
// second pass, and gives up (ok false) on anything it does not read
// exactly like encoding/json: escapes, control characters or invalid UTF-8
// in strings, nesting deeper than fastJSONDepth, and any syntax error. The
// caller then decodes the value with encoding/json, whose result or error
// is the reference.

// fastJSONDepth is the deepest nesting fastJSON reads.
const fastJSONDepth = 64

type fastJSON struct {
	b    []byte
	s    string // b as one string: the strings read are its substrings (one allocation)
	i    int
	skip bool // check the grammar only: build no values
	// clean applies json_clean (jsonClean) while decoding: members whose
	// key starts with @ or whose value was read as null, [] or {} are
	// dropped, and so are such list elements
	clean bool
	empty bool // the last value read was null, [] or {} as written
	// reuse, when not nil, is an empty map an object at depth 1 (an
	// array's element) fills instead of a new one
	reuse map[string]any
	slabs bool     // box strings and integers from slabs (jsonbox.go):
	strs  []string // for a reader that decodes many values
	ints  []int64
}

// fastJSONValue decodes b, which must hold one JSON value and nothing else
// but JSON white space.
func fastJSONValue(b []byte) (any, bool) {
	var p fastJSON
	return p.whole(b)
}

// whole decodes b as fastJSONValue does, reusing p's slabs (p.slabs).
func (p *fastJSON) whole(b []byte) (any, bool) {
	p.b, p.s, p.i = b, string(b), 0
	v, ok := p.value(0)
	if !ok {
		return nil, false
	}
	p.space()
	return v, p.i == len(p.b)
}

func (p *fastJSON) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *fastJSON) value(depth int) (any, bool) {
	p.space()
	if p.i >= len(p.b) {
		return nil, false
	}
	switch c := p.b[p.i]; {
	case c == '{':
		if depth >= fastJSONDepth {
			return nil, false
		}
		p.i++
		var m map[string]any
		switch {
		case p.skip:
		case p.reuse != nil && depth == 1:
			m, p.reuse = p.reuse, nil
		default:
			m = make(map[string]any, 8)
		}
		p.space()
		if p.i < len(p.b) && p.b[p.i] == '}' {
			p.i++
			p.empty = true
			return m, true
		}
		for {
			p.space()
			if p.i >= len(p.b) || p.b[p.i] != '"' {
				return nil, false
			}
			k, ok := p.str()
			if !ok {
				return nil, false
			}
			p.space()
			if p.i >= len(p.b) || p.b[p.i] != ':' {
				return nil, false
			}
			p.i++
			v, ok := p.value(depth + 1)
			if !ok {
				return nil, false
			}
			switch {
			case p.skip:
			case p.clean && (p.empty || (len(k) > 0 && k[0] == '@')):
				delete(m, k) // a repeated key: the last value counts, as in encoding/json
			default:
				m[k] = v
			}
			if end, ok := p.next('}'); !ok || end {
				p.empty = false
				return m, ok
			}
		}
	case c == '[':
		if depth >= fastJSONDepth {
			return nil, false
		}
		p.i++
		a := []any{}
		p.space()
		if p.i < len(p.b) && p.b[p.i] == ']' {
			p.i++
			p.empty = true
			return a, true
		}
		for {
			v, ok := p.value(depth + 1)
			if !ok {
				return nil, false
			}
			if !p.skip && !(p.clean && p.empty) {
				a = append(a, v)
			}
			if end, ok := p.next(']'); !ok || end {
				p.empty = false
				return a, ok
			}
		}
	case c == 'n':
		p.empty = true
		return nil, p.word("null")
	}
	p.empty = false
	switch c := p.b[p.i]; {
	case c == '"':
		s, ok := p.str()
		if !ok || p.skip {
			return nil, ok
		}
		return p.boxString(s), true
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return true, p.word("true")
	case c == 'f':
		return false, p.word("false")
	}
	return nil, false
}

// next reads what follows a member or element: the closing byte (end
// true) or a comma; ok is false for anything else.
func (p *fastJSON) next(closing byte) (end, ok bool) {
	p.space()
	if p.i >= len(p.b) {
		return false, false
	}
	switch p.b[p.i] {
	case closing:
		p.i++
		return true, true
	case ',':
		p.i++
		return false, true
	}
	return false, false
}

func (p *fastJSON) word(w string) bool {
	if len(p.b)-p.i < len(w) || string(p.b[p.i:p.i+len(w)]) != w {
		return false
	}
	p.i += len(w)
	return true
}

// strPlain marks the bytes a string holds as they are: printable ASCII
// but the quote and the backslash.
var strPlain = [256]bool{}

func init() {
	for c := 0x20; c < 0x80; c++ {
		strPlain[c] = c != '"' && c != '\\'
	}
}

// str reads a string without escapes or control characters, in valid
// UTF-8 (what encoding/json returns byte for byte).
func (p *fastJSON) str() (string, bool) {
	b := p.b
	start := p.i + 1
	ascii := true
	for j := start; ; j++ {
		for j < len(b) && strPlain[b[j]] {
			j++
		}
		if j >= len(b) {
			return "", false
		}
		switch c := b[j]; {
		case c == '"':
			if !ascii && !utf8.Valid(b[start:j]) {
				return "", false
			}
			p.i = j + 1
			if p.skip {
				return "", true
			}
			return p.s[start:j], true
		case c < 0x80: // a backslash or a control character
			return "", false
		}
		ascii = false
	}
}

// number reads a number of JSON's grammar and converts it as
// normalizeJSON does: int64, else float64, else json.Number.
func (p *fastJSON) number() (any, bool) {
	b, j := p.b, p.i
	if b[j] == '-' {
		j++
	}
	if j >= len(b) {
		return nil, false
	}
	switch {
	case b[j] == '0':
		j++
	case b[j] >= '1' && b[j] <= '9':
		j = digitsEnd(b, j)
	default:
		return nil, false
	}
	integer := true
	if j < len(b) && b[j] == '.' {
		integer = false
		d := j + 1
		if j = digitsEnd(b, d); j == d {
			return nil, false
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		integer = false
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		d := j
		if j = digitsEnd(b, d); j == d {
			return nil, false
		}
	}
	s := b[p.i:j]
	p.i = j
	if p.skip {
		return nil, true
	}
	if integer && len(s) <= 18 {
		neg := s[0] == '-'
		if neg {
			s = s[1:]
		}
		var n int64
		for _, c := range s {
			n = n*10 + int64(c-'0')
		}
		if neg {
			n = -n
		}
		return p.boxInt(n), true
	}
	str := string(s)
	if n, err := strconv.ParseInt(str, 10, 64); err == nil {
		return n, true
	}
	if f, err := strconv.ParseFloat(str, 64); err == nil {
		return f, true
	}
	return json.Number(str), true
}

// DecodeJSONElement decodes one element of an array StrictJSONArray
// accepted, as DecodeJSON does inside the array: keep is false for the
// elements linkml_runtime's json_clean drops (null, [] and {}).
func DecodeJSONElement(b []byte) (v any, keep bool) {
	v, ok := fastJSONValue(b)
	if !ok {
		panic("linkml: DecodeJSONElement on a span StrictJSONArray did not return")
	}
	return cleanElement(v)
}

// cleanElement applies json_clean to an array element: keep is false for
// the elements it drops (null, [] and {}).
func cleanElement(v any) (any, bool) {
	switch x := v.(type) {
	case nil:
		return nil, false
	case []any:
		if len(x) == 0 {
			return nil, false
		}
	case map[string]any:
		if len(x) == 0 {
			return nil, false
		}
	}
	return jsonClean(v), true
}

// digitsEnd returns the end of the run of decimal digits at b[j:].
func digitsEnd(b []byte, j int) int {
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	return j
}
