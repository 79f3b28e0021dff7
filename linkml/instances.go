package linkml

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Instance decoding with the semantics linkml-validate's loaders have, so
// that verdicts agree: YAML scalars resolve as in PyYAML (YAML 1.1: yes/no
// are booleans, 1e3 is a string, unquoted dates are dates), JSON numbers
// keep the integer / float distinction, and CSV/TSV cells become numbers
// only in columns whose slot range is numeric (empty cells are absent).

// DecodeYAML decodes every document of a YAML stream into plain values
// (map[string]any, []any, string, int64, float64, bool, Timestamp, nil).
func DecodeYAML(r io.Reader) ([]any, error) {
	dec := yaml.NewDecoder(r)
	var docs []any
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return docs, fmt.Errorf("malformed YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
		}
		budget := yamlBudget
		v, err := yamlValue(&n, 0, &budget)
		if err != nil {
			return docs, err
		}
		docs = append(docs, v)
	}
}

// yamlBudget bounds the nodes one document may expand to, so alias bombs
// ("billion laughs") fail instead of exhausting memory.
const yamlBudget = 10_000_000

func yamlValue(n *yaml.Node, depth int, budget *int) (any, error) {
	if depth > 10000 {
		return nil, fmt.Errorf("line %d: YAML nested too deeply", n.Line)
	}
	if *budget--; *budget < 0 {
		return nil, fmt.Errorf("line %d: YAML expands to too many values (alias bomb?)", n.Line)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlValue(n.Content[0], depth+1, budget)
	case yaml.AliasNode:
		return yamlValue(n.Alias, depth+1, budget)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := yamlValue(c, depth+1, budget)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag == "!!merge" {
				mv, err := yamlValue(n.Content[i+1], depth+1, budget)
				if err != nil {
					return nil, err
				}
				if mm, ok := mv.(map[string]any); ok {
					for kk, vv := range mm {
						if _, exists := out[kk]; !exists {
							out[kk] = vv
						}
					}
				}
				continue
			}
			v, err := yamlValue(n.Content[i+1], depth+1, budget)
			if err != nil {
				return nil, err
			}
			out[k.Value] = v
		}
		return out, nil
	case yaml.ScalarNode:
		return yamlScalar(n), nil
	}
	return nil, nil
}

var (
	reYAMLFloat = regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)
	reYAMLInt   = regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$`)
	reYAMLTime  = regexp.MustCompile(`^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$`)
)

// yamlScalar resolves a scalar like PyYAML's SafeLoader.
func yamlScalar(n *yaml.Node) any {
	s := n.Value
	explicit := n.Style&yaml.TaggedStyle != 0
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 && !explicit {
		return s
	}
	if explicit {
		switch n.Tag {
		case "!!str":
			return s
		case "!!int":
			if v, ok := yamlInt(s); ok {
				return v
			}
		case "!!float":
			if f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64); err == nil {
				return f
			}
		case "!!bool":
			return strings.EqualFold(s, "true") || strings.EqualFold(s, "yes") || strings.EqualFold(s, "on")
		case "!!null":
			return nil
		}
		return s
	}
	switch s {
	case "", "~", "null", "Null", "NULL":
		return nil
	case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
		return true
	case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
		return false
	}
	c := s[0]
	if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' {
		if reYAMLInt.MatchString(s) {
			if v, ok := yamlInt(s); ok {
				return v
			}
		}
		if reYAMLFloat.MatchString(s) {
			t := strings.ReplaceAll(s, "_", "")
			switch strings.ToLower(strings.TrimLeft(t, "+-")) {
			case ".inf":
				if t[0] == '-' {
					return math.Inf(-1)
				}
				return math.Inf(1)
			case ".nan":
				return math.NaN()
			}
			if f, err := strconv.ParseFloat(t, 64); err == nil {
				return f
			}
		}
		if reYAMLTime.MatchString(s) {
			return Timestamp(s)
		}
	}
	return s
}

func yamlInt(s string) (any, bool) {
	t := strings.ReplaceAll(s, "_", "")
	neg := false
	if t != "" && (t[0] == '-' || t[0] == '+') {
		neg = t[0] == '-'
		t = t[1:]
	}
	base := 10
	switch {
	case strings.HasPrefix(t, "0b"):
		base, t = 2, t[2:]
	case strings.HasPrefix(t, "0x"):
		base, t = 16, t[2:]
	case len(t) > 1 && t[0] == '0':
		base, t = 8, t[1:]
	}
	u, err := strconv.ParseUint(t, base, 64)
	if err != nil {
		// beyond 64 bits: still an integer for the validator
		f, ferr := strconv.ParseFloat(t, 64)
		if ferr != nil || base != 10 {
			return nil, false
		}
		if neg {
			f = -f
		}
		return f, true
	}
	if neg {
		if u > 1<<63 {
			return -float64(u), true
		}
		return -int64(u), true
	}
	if u > math.MaxInt64 {
		return float64(u), true
	}
	return int64(u), true
}

// DecodeJSON decodes one JSON document; integers become int64 and other
// numbers float64.
func DecodeJSON(r io.Reader) (any, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		// Python's json (linkml-validate's loader) also reads the tokens
		// NaN, Infinity and -Infinity as floats
		nf, ok := nonFiniteJSON(data)
		if !ok {
			return nil, fmt.Errorf("malformed JSON: %v", err)
		}
		dec = json.NewDecoder(bytes.NewReader(nf))
		dec.UseNumber()
		v = nil
		if err2 := dec.Decode(&v); err2 != nil {
			return nil, fmt.Errorf("malformed JSON: %v", err)
		}
		if dec.More() {
			return nil, errors.New("malformed JSON: more than one value (use .jsonl for one record per line)")
		}
		return jsonClean(normalizeJSON(v)), nil
	}
	if dec.More() {
		return nil, errors.New("malformed JSON: more than one value (use .jsonl for one record per line)")
	}
	return jsonClean(normalizeJSON(v)), nil
}

// DecodeJSONStrict is DecodeJSON for a document held in memory that is
// strict JSON (RFC 8259, nested at most 64 levels, strings without
// escapes, in valid UTF-8): ok is false for any other document, which
// DecodeJSON then reads. The value is DecodeJSON's for the same bytes.
func DecodeJSONStrict(data []byte) (v any, ok bool) {
	if v, ok = fastJSONValue(data); !ok {
		return nil, false
	}
	return jsonClean(v), true
}

// jsonClean is linkml_runtime's Loader.json_clean, which linkml-validate's
// JSON loader applies: keys starting with @ and keys whose value is null,
// [] or {} are dropped, and so are null, [] and {} list elements, at every
// level (a value emptied by the cleaning itself stays).
func jsonClean(v any) any {
	empty := func(o any) bool {
		switch x := o.(type) {
		case nil:
			return true
		case []any:
			return len(x) == 0
		case map[string]any:
			return len(x) == 0
		}
		return false
	}
	switch x := v.(type) {
	case []any:
		out := x[:0]
		for _, e := range x {
			if !empty(e) {
				out = append(out, e)
			}
		}
		for i := range out {
			out[i] = jsonClean(out[i])
		}
		return out
	case map[string]any:
		for k, e := range x {
			if strings.HasPrefix(k, "@") || empty(e) {
				delete(x, k)
				continue
			}
			switch e.(type) {
			case []any, map[string]any: // scalars stay as they are
				x[k] = jsonClean(e)
			}
		}
	}
	return v
}

// DecodeJSONL calls fn for each non-empty line of a JSON Lines stream.
func DecodeJSONL(r io.Reader, fn func(line int, rec any) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	line := 0
	for sc.Scan() {
		line++
		if err := decodeJSONLine(sc.Bytes(), line, fn); err != nil {
			return err
		}
	}
	return sc.Err()
}

// DecodeJSONLines is DecodeJSONL on a chunk of whole lines held in memory
// (a part of a JSON Lines file cut after a newline), whose first line is
// line firstLine of the file: records and errors are the ones DecodeJSONL
// gives for the same lines. Chunks decode independently, so a file can be
// decoded on several cores. strict reports that every non-blank line held
// one JSON value (RFC 8259) nested at most 64 levels deep.
func DecodeJSONLines(data []byte, firstLine int, fn func(line int, rec any) error) (strict bool, err error) {
	line, strict := firstLine, true
	p := fastJSON{slabs: true} // one reader for the chunk's lines: shared slabs
	for len(data) > 0 {
		b := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			b, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if b = bytes.TrimSpace(b); len(b) > 0 {
			v, ok := p.whole(b)
			if !ok {
				strict = false
				if v, err = decodeJSONValue(b, line); err != nil {
					return false, err
				}
			}
			if err := fn(line, v); err != nil {
				return strict, err
			}
		}
		line++
	}
	return strict, nil
}

func decodeJSONLine(b []byte, line int, fn func(line int, rec any) error) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	v, err := decodeJSONValue(b, line)
	if err != nil {
		return err
	}
	return fn(line, v)
}

func decodeJSONValue(b []byte, line int) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("line %d: malformed JSON: %v", line, err)
	}
	return normalizeJSON(v), nil
}

// nonFiniteMark prefixes the strings nonFiniteJSON writes for NaN,
// Infinity and -Infinity tokens; normalizeJSON turns them into floats.
const nonFiniteMark = "\x00ccc-nonfinite:"

// nonFiniteJSON rewrites the tokens NaN, Infinity and -Infinity outside
// strings as marked strings; ok is false when there are none.
func nonFiniteJSON(data []byte) ([]byte, bool) {
	var out bytes.Buffer
	inStr, found := false, false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inStr {
			out.WriteByte(c)
			switch c {
			case '\\':
				if i+1 < len(data) {
					i++
					out.WriteByte(data[i])
				}
			case '"':
				inStr = false
			}
			continue
		}
		if c == '"' {
			inStr = true
			out.WriteByte(c)
			continue
		}
		matched := false
		for _, tok := range []string{"NaN", "Infinity", "-Infinity"} {
			if bytes.HasPrefix(data[i:], []byte(tok)) {
				out.WriteString(`"\u0000ccc-nonfinite:` + tok + `"`)
				i += len(tok) - 1
				matched, found = true, true
				break
			}
		}
		if !matched {
			out.WriteByte(c)
		}
	}
	return out.Bytes(), found
}

func normalizeJSON(v any) any {
	switch x := v.(type) {
	case string:
		if tok, ok := strings.CutPrefix(x, nonFiniteMark); ok {
			switch tok {
			case "NaN":
				return math.NaN()
			case "Infinity":
				return math.Inf(1)
			case "-Infinity":
				return math.Inf(-1)
			}
		}
		return x
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normalizeJSON(e)
		}
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeJSON(e)
		}
	}
	return v
}

// DecodeDelimited reads CSV (comma ',') or TSV (comma '\t') records the
// way linkml-validate's loaders do: the header names the slots, empty cells
// are left out, and cells become numbers (Python int(), then float()) only
// in columns whose slot range derives from integer, float, double or
// decimal. fn receives the 0-based data row index and the record.
func (v *Validator) DecodeDelimited(r io.Reader, comma rune, fn func(row int, rec map[string]any) error) error {
	cr := newDelimitedReader(r, comma)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return err
	}
	return v.delimitedDecoder(header, comma).rows(cr, 0, fn, nil)
}

// DelimitedDecoder decodes the data rows of a CSV or TSV file whose header
// was read before, as DecodeDelimited does; chunks of whole rows decode
// independently (one decoder may serve several goroutines).
type DelimitedDecoder struct {
	header  []string
	numeric []bool
	comma   rune
}

// NewDelimitedDecoder reads the header line(s) from r as DecodeDelimited
// does; it returns nil and no error when r holds no header.
func (v *Validator) NewDelimitedDecoder(r io.Reader, comma rune) (*DelimitedDecoder, error) {
	header, err := newDelimitedReader(r, comma).Read()
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return v.delimitedDecoder(header, comma), nil
}

// Decode reads data rows from r (a chunk of whole rows) and calls fn with
// the data row index, counted from firstRow, and the record. uniform
// reports that every row had as many fields as the header.
func (d *DelimitedDecoder) Decode(r io.Reader, firstRow int, fn func(row int, rec map[string]any) error) (uniform bool, err error) {
	uniform = true
	err = d.rows(newDelimitedReader(r, d.comma), firstRow, fn, &uniform)
	return uniform, err
}

func newDelimitedReader(r io.Reader, comma rune) *csv.Reader {
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	if comma == '\t' {
		cr.LazyQuotes = true
	}
	return cr
}

func (v *Validator) delimitedDecoder(header []string, comma rune) *DelimitedDecoder {
	header = append([]string(nil), header...)
	numeric := make([]bool, len(header))
	for i, h := range header {
		if sp, ok := v.plan.index[h]; ok {
			k := v.plan.slots[sp].kind
			numeric[i] = k == kInt || k == kNumber || (k == kRef && (v.plan.slots[sp].refKind == kInt || v.plan.slots[sp].refKind == kNumber))
		}
	}
	return &DelimitedDecoder{header: header, numeric: numeric, comma: comma}
}

func (d *DelimitedDecoder) rows(cr *csv.Reader, row int, fn func(row int, rec map[string]any) error, uniform *bool) error {
	header, numeric := d.header, d.numeric
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if uniform != nil && len(rec) != len(header) {
			*uniform = false
		}
		m := make(map[string]any, len(header))
		for i, h := range header {
			if i >= len(rec) {
				m[h] = nil // short row: Python's DictReader gives None
				continue
			}
			cell := rec[i]
			if cell == "" {
				continue
			}
			if numeric[i] {
				m[h] = pyNumber(cell)
			} else {
				m[h] = cell // a substring of the record's own string (csv.Reader allocates one per record)
			}
		}
		if err := fn(row, m); err != nil {
			return err
		}
		row++
	}
}

// pyNumber converts like linkml's _parse_numeric: int(s), else float(s),
// else the string itself (also when s has no digit).
func pyNumber(s string) any {
	if !strings.ContainsAny(s, "0123456789") {
		return strings.Clone(s)
	}
	u := pyUnderscores(strings.TrimSpace(s))
	if u == "" {
		return strings.Clone(s)
	}
	if n, err := strconv.ParseInt(u, 10, 64); err == nil {
		return n
	}
	lo := strings.ToLower(u)
	if strings.Contains(lo, "x") || strings.Contains(lo, "p") {
		return strings.Clone(s) // Go accepts hex floats, Python does not
	}
	if f, err := strconv.ParseFloat(u, 64); err == nil || isPyDecimalInt(u) {
		return f
	}
	return strings.Clone(s)
}

// pyUnderscores drops underscores that sit between digits (Python accepts
// 1_000); it returns "" if an underscore is misplaced.
func pyUnderscores(s string) string {
	if !strings.Contains(s, "_") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '_' {
			if i == 0 || i == len(s)-1 || s[i-1] < '0' || s[i-1] > '9' || s[i+1] < '0' || s[i+1] > '9' {
				return ""
			}
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

// isPyDecimalInt: a huge all-digit integer (beyond int64) is still an int
// in Python.
func isPyDecimalInt(s string) bool {
	t := strings.TrimLeft(s, "+-")
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return false
		}
	}
	return len(t) > 0
}

// Records splits a decoded YAML or JSON document into records of the
// validator's class, as linkml-validate's loaders do: a list gives one
// record per element, anything else is one record (an object with a single
// key holding a list is a record too, not a container to unwrap). root is
// "rows" for a list and "" for a single record.
func (v *Validator) Records(doc any) (records []any, root string) {
	switch x := doc.(type) {
	case []any:
		return x, "rows"
	case nil:
		return nil, ""
	}
	return []any{doc}, ""
}
