package projection

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// InjectionStructure is one structure an injection touched (from the
// "injection-structures" column).
type InjectionStructure struct {
	ID           int64  `json:"id"`
	Abbreviation string `json:"abbreviation"`
	Name         string `json:"name"`
	Color        string `json:"color"`
}

// Experiment is one Allen Mouse Connectivity Atlas experiment (one row of
// the projection-info table, class ConnectivityExperiment).
type Experiment struct {
	ID              int64
	TransgenicLine  string // "" for wild type
	ProductID       int64
	StructureID     int64 // primary injection structure
	StructureAbbrev string
	StructureName   string
	Name            string  // specimen name
	InjectionVolume float64 // mm^3
	Structures      []InjectionStructure
	Gender          string
	Strain          string
	Sum             float64
	StructureColor  string
	NumVoxels       float64 // NaN when empty
	// Injection coordinate in CCF micrometres: AP, DV, ML (NaN when absent).
	InjectionAP, InjectionDV, InjectionML float64
	Selected                              bool
	URL                                   string
}

// WildType reports whether the experiment used a wild-type mouse (no
// transgenic line).
func (e *Experiment) WildType() bool { return e.TransgenicLine == "" }

// MouseLine is the transgenic line, or "Wild-type".
func (e *Experiment) MouseLine() string {
	if e.WildType() {
		return "Wild-type"
	}
	return e.TransgenicLine
}

// HasCoordinate reports whether the injection coordinate is known.
func (e *Experiment) HasCoordinate() bool {
	return !math.IsNaN(e.InjectionAP) && !math.IsNaN(e.InjectionDV) && !math.IsNaN(e.InjectionML)
}

// normHeader maps "transgenic-line", "Transgenic Line" and
// "transgenic_line" to one key.
func normHeader(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	return strings.NewReplacer("-", "_", " ", "_").Replace(h)
}

// ReadExperimentsFile parses an Allen projection-info CSV (the table the
// Allen API and bsv/brain_street_view export: hyphenated or underscored
// headers). All row problems are reported at once (up to 20).
func ReadExperimentsFile(path string) ([]Experiment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &ccc.Error{Op: "read experiments", Path: path, Row: -1, Msg: "cannot open", Kind: ccc.ErrNotFound, Err: err}
	}
	defer f.Close()
	return ReadExperiments(f, path)
}

// ReadExperiments parses the projection-info CSV from r; name is used in
// errors.
func ReadExperiments(r io.Reader, name string) ([]Experiment, error) {
	const op = "read experiments"
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, &ccc.Error{Op: op, Path: name, Row: -1, Msg: "cannot read the CSV header", Kind: ccc.ErrFormat, Err: err}
	}
	col := map[string]int{}
	for i, h := range header {
		col[normHeader(h)] = i
	}
	for _, req := range []string{"id", "structure_id", "injection_coordinates"} {
		if _, ok := col[req]; !ok {
			return nil, &ccc.Error{Op: op, Path: name, Line: 1, Row: -1, Field: req, Msg: "required column missing",
				Hint: "the Allen projection-info table has columns id, transgenic-line, structure-id, structure-abbrev, injection-volume, injection-structures, injection-coordinates, ...",
				Kind: ccc.ErrInvalidData}
		}
	}
	var out []Experiment
	var errs []error
	seen := map[int64]int{}
	line := 1
	for row := 0; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &ccc.Error{Op: op, Path: name, Row: row, Msg: "malformed CSV", Kind: ccc.ErrFormat, Err: err}
		}
		line, _ = cr.FieldPos(0)
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		bad := func(field, value, msg, hint string) {
			if len(errs) < 20 {
				errs = append(errs, &ccc.Error{Op: op, Path: name, Line: line, Row: row, Field: field, Value: value, Msg: msg, Hint: hint, Kind: ccc.ErrInvalidData})
			} else if len(errs) == 20 {
				errs = append(errs, errors.New("... more problems not shown"))
			}
		}
		var e Experiment
		var perr error
		if e.ID, perr = strconv.ParseInt(get("id"), 10, 64); perr != nil || e.ID <= 0 {
			bad("id", get("id"), "experiment id must be a positive integer", "")
			continue
		}
		if prev, dup := seen[e.ID]; dup {
			bad("id", get("id"), fmt.Sprintf("duplicate experiment id (also row %d)", prev), "")
			continue
		}
		seen[e.ID] = row
		e.TransgenicLine = unquoteEmpty(get("transgenic_line"))
		e.ProductID = parseIntOr(get("product_id"), 0)
		if e.StructureID, perr = strconv.ParseInt(get("structure_id"), 10, 64); perr != nil {
			bad("structure-id", get("structure_id"), "structure id must be an integer", "")
		}
		e.StructureAbbrev = get("structure_abbrev")
		e.StructureName = get("structure_name")
		e.Name = get("name")
		e.InjectionVolume = parseFloatOr(get("injection_volume"), math.NaN())
		e.Gender = unquoteEmpty(get("gender"))
		e.Strain = unquoteEmpty(get("strain"))
		e.Sum = parseFloatOr(get("sum"), math.NaN())
		e.StructureColor = get("structure_color")
		e.NumVoxels = parseFloatOr(get("num_voxels"), math.NaN())
		e.Selected = strings.EqualFold(get("selected"), "true")
		e.URL = get("experiment_page_url")
		c, err := ParseCoordinates(get("injection_coordinates"))
		if err != nil {
			bad("injection-coordinates", get("injection_coordinates"), err.Error(), `write "[ap, dv, ml]" in micrometres, or leave empty`)
		}
		e.InjectionAP, e.InjectionDV, e.InjectionML = c[0], c[1], c[2]
		if s := get("injection_structures"); s != "" {
			e.Structures, err = ParseInjectionStructures(s)
			if err != nil {
				bad("injection-structures", s, err.Error(), `expected [{"id"=>104, "abbreviation"=>"AId", ...}, ...]`)
			}
		}
		out = append(out, e)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(out) == 0 {
		return nil, &ccc.Error{Op: op, Path: name, Row: -1, Msg: "no experiments in the table", Kind: ccc.ErrInvalidData}
	}
	return out, nil
}

func unquoteEmpty(s string) string {
	if s == `""` {
		return ""
	}
	return s
}

func parseIntOr(s string, def int64) int64 {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return def
	}
	return v
}

func parseFloatOr(s string, def float64) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return def
	}
	return v
}

// ParseCoordinates parses "[ap, dv, ml]" (micrometres). An empty string
// gives NaNs and no error.
func ParseCoordinates(s string) ([3]float64, error) {
	nan := [3]float64{math.NaN(), math.NaN(), math.NaN()}
	s = strings.TrimSpace(s)
	if s == "" || s == "[]" {
		return nan, nil
	}
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
		return nan, errors.New("coordinate must be written [ap, dv, ml]")
	}
	parts := strings.Split(s[1:len(s)-1], ",")
	if len(parts) != 3 {
		return nan, fmt.Errorf("coordinate has %d values, want 3 (ap, dv, ml)", len(parts))
	}
	var c [3]float64
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nan, fmt.Errorf("coordinate value %q is not a number", strings.TrimSpace(p))
		}
		c[i] = v
	}
	return c, nil
}

// ParseInjectionStructures parses the Ruby-hash-like list the Allen table
// uses: [{"id"=>104, "abbreviation"=>"AId", "name"=>"...", "color"=>"219866"}, ...].
// JSON syntax (":" instead of "=>") is accepted too.
func ParseInjectionStructures(s string) ([]InjectionStructure, error) {
	p := &rubyParser{s: s}
	p.ws()
	if !p.eat('[') {
		return nil, p.errf("expected '['")
	}
	var out []InjectionStructure
	p.ws()
	if p.eat(']') {
		return out, p.end()
	}
	for {
		p.ws()
		h, err := p.hash()
		if err != nil {
			return nil, err
		}
		var is InjectionStructure
		for k, v := range h {
			switch k {
			case "id":
				id, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return nil, p.errf(fmt.Sprintf("structure id %q is not an integer", v))
				}
				is.ID = id
			case "abbreviation", "acronym":
				is.Abbreviation = v
			case "name":
				is.Name = v
			case "color", "color_hex_triplet":
				is.Color = v
			}
		}
		if is.ID == 0 {
			return nil, p.errf("injection structure without an id")
		}
		out = append(out, is)
		p.ws()
		if p.eat(']') {
			return out, p.end()
		}
		if !p.eat(',') {
			return nil, p.errf("expected ',' or ']'")
		}
	}
}

type rubyParser struct {
	s string
	i int
}

func (p *rubyParser) errf(msg string) error {
	return fmt.Errorf("%s at character %d", msg, p.i+1)
}

func (p *rubyParser) ws() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *rubyParser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *rubyParser) end() error {
	p.ws()
	if p.i != len(p.s) {
		return p.errf("unexpected text after ']'")
	}
	return nil
}

func (p *rubyParser) hash() (map[string]string, error) {
	if !p.eat('{') {
		return nil, p.errf("expected '{'")
	}
	h := map[string]string{}
	p.ws()
	if p.eat('}') {
		return h, nil
	}
	for {
		p.ws()
		k, err := p.value()
		if err != nil {
			return nil, err
		}
		p.ws()
		if strings.HasPrefix(p.s[p.i:], "=>") {
			p.i += 2
		} else if !p.eat(':') {
			return nil, p.errf("expected '=>'")
		}
		p.ws()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		h[k] = v
		p.ws()
		if p.eat('}') {
			return h, nil
		}
		if !p.eat(',') {
			return nil, p.errf("expected ',' or '}'")
		}
	}
}

// value reads a double-quoted string (with backslash escapes) or a bare
// token (number, nil, true, false).
func (p *rubyParser) value() (string, error) {
	if p.eat('"') {
		var b strings.Builder
		for p.i < len(p.s) {
			c := p.s[p.i]
			p.i++
			switch c {
			case '\\':
				if p.i < len(p.s) {
					b.WriteByte(p.s[p.i])
					p.i++
				}
			case '"':
				return b.String(), nil
			default:
				b.WriteByte(c)
			}
		}
		return "", p.errf("unterminated string")
	}
	start := p.i
	for p.i < len(p.s) && strings.IndexByte(",}]=: \t", p.s[p.i]) < 0 {
		p.i++
	}
	if p.i == start {
		return "", p.errf("expected a value")
	}
	v := p.s[start:p.i]
	if v == "nil" || v == "null" {
		return "", nil
	}
	return v, nil
}
