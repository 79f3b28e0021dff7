package atlas

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // Parquet terminology tables

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

// LoadOptions tune LoadOntology. Zero values mean "detect".
type LoadOptions struct {
	// Format is "csv", "tsv", "json" or "parquet"; "" detects it from the
	// extension and the first bytes.
	Format string
	// Column overrides. By default the columns are found by name:
	//   id:      id, structure_id, identifier, region_id
	//   name:    name, structure_name, safe_name, region_name
	//   acronym: acronym, structure_acronym, abbreviation
	//   colour:  color_hex_triplet, rgb_hex, color_hex, hex, color, colour, rgb_triplet
	//   parent:  parent_structure_id, parent_id, parent_identifier, parent
	//            (else the next-to-last element of structure_id_path,
	//            else the nesting of the structure_graph JSON)
	IDCol, NameCol, AcronymCol, ColorCol, ParentCol string
	// AnnotationCol names the column with the volume label of each region
	// (default annotation_value; without one, the label is the id).
	AnnotationCol string
	// StructureIDCol names a column with the integer structure id of each
	// region (default: structure_id when the id column is another one);
	// without one, the id's local number is used (385 for MBA:385).
	StructureIDCol string
	// Name is recorded as Ontology.Name.
	Name string
}

var (
	idCols      = []string{"id", "structure_id", "identifier", "region_id"}
	nameCols    = []string{"name", "structure_name", "safe_name", "region_name"}
	acronymCols = []string{"acronym", "structure_acronym", "abbreviation"}
	colorCols   = []string{"color_hex_triplet", "rgb_hex", "color_hex", "hex", "color", "colour", "rgb_triplet"}
	parentCols  = []string{"parent_structure_id", "parent_id", "parent_identifier", "parent"}
	pathCols    = []string{"structure_id_path"}
	annotCols   = []string{"annotation_value"}
)

const nestParentCol = "\x00nest_parent" // parent from the nesting of structure_graph JSON

// table is a source file read into rows of loosely typed cells: string,
// float64, int64, bool, []any or nil.
type table struct {
	path  string
	cols  []string
	rows  [][]any
	lines []int // 1-based source line per row (CSV), or 0
}

// LoadOntology reads an ontology file in any supported format, validates
// the hierarchy and indexes it. Problems with the data are reported all at
// once as ccc.ErrInvalidData errors naming the file, row and field;
// unreadable files give ccc.ErrFormat; a missing file ccc.ErrNotFound.
func LoadOntology(path string, o LoadOptions) (*Ontology, error) {
	t, err := readTable(path, o.Format)
	if err != nil {
		return nil, err
	}
	raws, err := t.regions(o)
	if err != nil {
		return nil, err
	}
	ont, err := build(path, raws)
	if err != nil {
		return nil, err
	}
	ont.Name = o.Name
	return ont, nil
}

func readTable(path, format string) (*table, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &ccc.Error{Op: "load ontology", Path: path, Row: -1, Msg: "file does not exist", Kind: ccc.ErrNotFound}
		}
		return nil, &ccc.Error{Op: "load ontology", Path: path, Row: -1, Msg: "cannot open", Kind: ccc.ErrNotFound, Err: err}
	}
	defer f.Close()
	if format == "" {
		format = detectFormat(path, f)
	}
	switch strings.ToLower(format) {
	case "csv":
		return readCSV(path, f, ',')
	case "tsv":
		return readCSV(path, f, '\t')
	case "json":
		return readJSON(path, f)
	case "parquet":
		f.Close()
		return readParquet(path)
	}
	return nil, &ccc.Error{Op: "load ontology", Path: path, Row: -1, Value: format, Msg: "unknown ontology format",
		Hint: "use csv, tsv, json or parquet", Kind: ccc.ErrUsage}
}

func detectFormat(path string, f *os.File) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return "csv"
	case ".tsv", ".tab":
		return "tsv"
	case ".json":
		return "json"
	case ".parquet", ".pq":
		return "parquet"
	}
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	_, _ = f.Seek(0, io.SeekStart)
	trim := bytes.TrimLeft(head, " \t\r\n\ufeff")
	switch {
	case bytes.HasPrefix(head, []byte("PAR1")):
		return "parquet"
	case len(trim) > 0 && (trim[0] == '{' || trim[0] == '['):
		return "json"
	case bytes.Count(head, []byte{'\t'}) > bytes.Count(head, []byte{','}):
		return "tsv"
	}
	return "csv"
}

func readCSV(path string, r io.Reader, comma rune) (*table, error) {
	br := bufio.NewReader(r)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\ufeff")) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return nil, &ccc.Error{Op: "load ontology", Path: path, Row: -1, Msg: "cannot read the header line", Kind: ccc.ErrFormat, Err: err}
	}
	t := &table{path: path}
	for _, h := range header {
		t.cols = append(t.cols, strings.TrimSpace(h))
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line := 0
		if err == nil {
			line, _ = cr.FieldPos(0)
		} else {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, &ccc.Error{Op: "load ontology", Path: path, Line: line, Row: len(t.rows), Msg: "malformed CSV", Kind: ccc.ErrFormat, Err: err}
		}
		if len(rec) != len(t.cols) {
			return nil, &ccc.Error{Op: "load ontology", Path: path, Line: line, Row: len(t.rows),
				Msg: fmt.Sprintf("%d fields, the header has %d", len(rec), len(t.cols)), Kind: ccc.ErrFormat}
		}
		row := make([]any, len(rec))
		for i, v := range rec {
			row[i] = v
		}
		t.rows = append(t.rows, row)
		t.lines = append(t.lines, line)
	}
	return t, nil
}

// readJSON accepts the Allen structure_graph ({"msg": [nodes]} with nested
// "children"), a flat list of region objects (AllenSDK/brainglobe
// structures.json) and a nested list of nodes.
func readJSON(path string, r io.Reader) (*table, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, &ccc.Error{Op: "load ontology", Path: path, Row: -1, Msg: "malformed JSON", Kind: ccc.ErrFormat, Err: err}
	}
	var nodes []any
	switch d := doc.(type) {
	case map[string]any:
		switch {
		case d["msg"] != nil:
			nodes, _ = d["msg"].([]any)
		case d["children"] != nil || d["id"] != nil:
			nodes = []any{d}
		}
		if nodes == nil {
			if m, ok := d["structures"].([]any); ok {
				nodes = m
			}
		}
		if nodes == nil {
			return nil, &ccc.Error{Op: "load ontology", Path: path, Row: -1, Msg: "JSON object without a \"msg\" list of regions",
				Hint: "expected the Allen structure_graph ({\"msg\": [...]}) or a list of regions", Kind: ccc.ErrFormat}
		}
	case []any:
		nodes = d
	default:
		return nil, &ccc.Error{Op: "load ontology", Path: path, Row: -1, Msg: "JSON is neither a list nor an object", Kind: ccc.ErrFormat}
	}
	t := &table{path: path}
	colIdx := map[string]int{}
	var walk func(n any, parent any) error
	walk = func(n any, parent any) error {
		obj, ok := n.(map[string]any)
		if !ok {
			return &ccc.Error{Op: "load ontology", Path: path, Row: len(t.rows), Msg: fmt.Sprintf("region is a JSON %T, not an object", n), Kind: ccc.ErrFormat}
		}
		row := make([]any, len(t.cols))
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k == "children" {
				continue
			}
			i, ok := colIdx[k]
			if !ok {
				i = len(t.cols)
				colIdx[k] = i
				t.cols = append(t.cols, k)
			}
			for len(row) <= i {
				row = append(row, nil)
			}
			row[i] = jsonCell(obj[k])
		}
		i, ok := colIdx[nestParentCol]
		if !ok {
			i = len(t.cols)
			colIdx[nestParentCol] = i
			t.cols = append(t.cols, nestParentCol)
		}
		for len(row) <= i {
			row = append(row, nil)
		}
		row[i] = parent
		t.rows = append(t.rows, row)
		t.lines = append(t.lines, 0)
		if ch, ok := obj["children"].([]any); ok {
			for _, c := range ch {
				if err := walk(c, jsonCell(obj["id"])); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, n := range nodes {
		if err := walk(n, nil); err != nil {
			return nil, err
		}
	}
	for i := range t.rows {
		for len(t.rows[i]) < len(t.cols) {
			t.rows[i] = append(t.rows[i], nil)
		}
	}
	return t, nil
}

func jsonCell(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonCell(e)
		}
		return out
	}
	return v
}

func readParquet(path string) (*table, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("load ontology %s: open duckdb: %w", path, err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT * FROM read_parquet(" + store.QuoteString(path) + ")")
	if err != nil {
		return nil, &ccc.Error{Op: "load ontology", Path: path, Row: -1, Msg: "cannot read Parquet", Kind: ccc.ErrFormat, Err: err}
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	t := &table{path: path, cols: cols}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, &ccc.Error{Op: "load ontology", Path: path, Row: len(t.rows), Msg: "cannot read Parquet row", Kind: ccc.ErrFormat, Err: err}
		}
		for i, v := range vals {
			vals[i] = parquetCell(v)
		}
		t.rows = append(t.rows, vals)
		t.lines = append(t.lines, 0)
	}
	if err := rows.Err(); err != nil {
		return nil, &ccc.Error{Op: "load ontology", Path: path, Row: len(t.rows), Msg: "cannot read Parquet", Kind: ccc.ErrFormat, Err: err}
	}
	return t, nil
}

func parquetCell(v any) any {
	switch x := v.(type) {
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return int64(x)
	case float32:
		return float64(x)
	case []byte:
		return string(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = parquetCell(e)
		}
		return out
	}
	return v
}

// column finds the column for one field: the override, else the first
// candidate present (case-insensitive). -1 when absent.
func (t *table) column(override string, cands []string) (int, error) {
	if override != "" {
		for i, c := range t.cols {
			if c == override || strings.EqualFold(c, override) {
				return i, nil
			}
		}
		return -1, &ccc.Error{Op: "load ontology", Path: t.path, Row: -1, Field: override, Msg: "no such column",
			Hint: "columns are: " + strings.Join(t.visibleCols(), ", "), Kind: ccc.ErrNotFound}
	}
	for _, cand := range cands {
		for i, c := range t.cols {
			if strings.EqualFold(strings.TrimSpace(c), cand) {
				return i, nil
			}
		}
	}
	return -1, nil
}

func (t *table) visibleCols() []string {
	var out []string
	for _, c := range t.cols {
		if c != nestParentCol {
			out = append(out, c)
		}
	}
	return out
}

// regions maps the table's columns to region records.
func (t *table) regions(o LoadOptions) ([]rawRegion, error) {
	var errs []error
	col := func(field, override string, cands []string, required bool, hint string) int {
		i, err := t.column(override, cands)
		if err != nil {
			errs = append(errs, err)
			return -1
		}
		if i < 0 && required {
			errs = append(errs, &ccc.Error{Op: "load ontology", Path: t.path, Row: -1, Field: field,
				Msg:  "no " + field + " column (looked for " + strings.Join(cands, ", ") + ")",
				Hint: hint + "; columns are: " + strings.Join(t.visibleCols(), ", "), Kind: ccc.ErrInvalidData})
		}
		return i
	}
	idC := col("id", o.IDCol, idCols, true, "name it with --id-col")
	sidC := -1
	if o.StructureIDCol != "" {
		sidC = col("structure_id", o.StructureIDCol, nil, true, "")
	} else if i, _ := t.column("", []string{"structure_id"}); i >= 0 && i != idC {
		sidC = i
	}
	acrC := col("acronym", o.AcronymCol, acronymCols, true, "name it with --acronym-col")
	nameC := col("name", o.NameCol, nameCols, false, "")
	colorC := col("colour", o.ColorCol, colorCols, false, "")
	parC := col("parent", o.ParentCol, parentCols, false, "")
	pathC := col("structure_id_path", "", pathCols, false, "")
	annC := col("annotation_value", o.AnnotationCol, annotCols, false, "")
	nestC, _ := t.column("", []string{nestParentCol})
	if parC < 0 && pathC < 0 && nestC < 0 && len(errs) == 0 {
		errs = append(errs, &ccc.Error{Op: "load ontology", Path: t.path, Row: -1, Field: "parent",
			Msg:  "no parent column (looked for " + strings.Join(parentCols, ", ") + ", structure_id_path)",
			Hint: "name it with --parent-col; columns are: " + strings.Join(t.visibleCols(), ", "), Kind: ccc.ErrInvalidData})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	bad := func(row int, field string, v any, msg, hint string) {
		errs = append(errs, &ccc.Error{Op: "load ontology", Path: t.path, Line: t.lines[row], Row: row, Field: field,
			Value: cellString(v), Msg: msg, Hint: hint, Kind: ccc.ErrInvalidData})
	}
	raws := make([]rawRegion, 0, len(t.rows))
	for k, row := range t.rows {
		var r rawRegion
		r.row, r.line = k, t.lines[k]
		if isNull(row[idC]) {
			bad(k, t.cols[idC], row[idC], "empty id", "every region needs an id such as 385, MBA:385 or BR1")
			continue
		}
		r.Identifier = strings.TrimSpace(cellString(row[idC]))
		id, ok := cellInt(row[idC])
		if sidC >= 0 && !isNull(row[sidC]) {
			id, ok = cellInt(row[sidC])
			if !ok || id <= 0 {
				bad(k, t.cols[sidC], row[sidC], "structure id is not a positive integer", "structure ids are integers like 385")
				continue
			}
		}
		if ok && id > 0 {
			r.ID, r.numbered = id, true
		}
		r.Acronym = strings.TrimSpace(cellString(row[acrC]))
		if nameC >= 0 {
			r.Name = strings.TrimSpace(cellString(row[nameC]))
		}
		if colorC >= 0 {
			c, ok := cellColor(row[colorC])
			if !ok {
				bad(k, t.cols[colorC], row[colorC], "colour is not a hex triplet or an [r, g, b] list", "use six hex digits like 08858C")
			}
			r.Color = c
		}
		r.AnnotationValue = r.ID
		if annC >= 0 {
			if isNull(row[annC]) {
				r.AnnotationValue = 0
			} else if v, ok := cellInt(row[annC]); ok && v >= 0 {
				r.AnnotationValue = v
			} else {
				bad(k, t.cols[annC], row[annC], "annotation value is not a non-negative integer", "")
			}
		}
		switch {
		case parC >= 0:
			if !isNull(row[parC]) {
				// an identifier of the file or a number: resolveIDs decides
				if p, ok := cellInt(row[parC]); !ok || p > 0 {
					r.parentRef, r.hasParent = strings.TrimSpace(cellString(row[parC])), true
				}
			}
		case pathC >= 0:
			ids, ok := cellPath(row[pathC])
			if !ok || len(ids) == 0 || ids[len(ids)-1] != r.ID {
				bad(k, t.cols[pathC], row[pathC], "structure_id_path does not end with the region's id", "paths look like /997/8/567/")
				continue
			}
			if len(ids) > 1 {
				r.ParentID, r.hasParent = ids[len(ids)-2], true
			}
		default:
			if p, ok := cellInt(row[nestC]); ok && !isNull(row[nestC]) {
				r.ParentID, r.hasParent = p, true
			}
		}
		raws = append(raws, r)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := resolveIDs(t.path, raws); err != nil {
		return nil, err
	}
	return raws, nil
}

// resolveIDs gives the regions without a number of their own (ids such as
// BR1) numbers above every other id, in source order, and resolves each
// written parent: an identifier of the file first (MBA:8, BR1, 8), else a
// number (the parent's structure id or local number).
func resolveIDs(path string, raws []rawRegion) error {
	var top int64
	byIdent := make(map[string]int64, len(raws))
	for k := range raws {
		if raws[k].numbered && raws[k].ID > top {
			top = raws[k].ID
		}
	}
	for k := range raws {
		r := &raws[k]
		if !r.numbered {
			top++
			r.ID = top
		}
		if _, dup := byIdent[r.Identifier]; !dup {
			byIdent[r.Identifier] = r.ID
		}
	}
	var errs []error
	for k := range raws {
		r := &raws[k]
		if r.parentRef == "" {
			continue
		}
		if p, ok := byIdent[r.parentRef]; ok {
			r.ParentID = p
			continue
		}
		p, ok := parseID(r.parentRef)
		if !ok {
			errs = append(errs, &ccc.Error{Op: "load ontology", Path: path, Line: r.line, Row: r.row, Field: "parent", Value: r.parentRef,
				Msg:  fmt.Sprintf("parent of region %s (%s) is not an id of the file", r.Identifier, r.Acronym),
				Hint: "every parent must be the id of a region in the same file; leave it empty for the root", Kind: ccc.ErrInvalidData})
			continue
		}
		r.ParentID = p
	}
	return errors.Join(errs...)
}

func isNull(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		s := strings.TrimSpace(x)
		return s == "" || strings.EqualFold(s, "nan") || strings.EqualFold(s, "null") || strings.EqualFold(s, "none") || s == "NA"
	case float64:
		return math.IsNaN(x)
	}
	return false
}

func cellString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = cellString(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

func cellInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case float64:
		if x != math.Trunc(x) || math.IsNaN(x) {
			return 0, false
		}
		return int64(x), true
	case string:
		return parseID(strings.TrimSpace(x))
	}
	return 0, false
}

// cellColor accepts "08858C", "#08858c", [8, 133, 140] and "[8, 133, 140]".
func cellColor(v any) (string, bool) {
	if isNull(v) {
		return "", true
	}
	var rgb []any
	switch x := v.(type) {
	case []any:
		rgb = x
	case string:
		s := strings.TrimSpace(x)
		if strings.HasPrefix(s, "[") || strings.HasPrefix(s, "(") {
			for _, p := range strings.FieldsFunc(strings.Trim(s, "[]()"), func(r rune) bool { return r == ',' || r == ' ' }) {
				rgb = append(rgb, p)
			}
			break
		}
		s = strings.TrimPrefix(s, "#")
		if len(s) != 6 {
			return "", false
		}
		if _, err := strconv.ParseUint(s, 16, 32); err != nil {
			return "", false
		}
		return strings.ToUpper(s), true
	default:
		return "", false
	}
	if len(rgb) != 3 {
		return "", false
	}
	var b [3]int64
	for i, e := range rgb {
		n, ok := cellInt(e)
		if !ok || n < 0 || n > 255 {
			return "", false
		}
		b[i] = n
	}
	return fmt.Sprintf("%02X%02X%02X", b[0], b[1], b[2]), true
}

// cellPath accepts "/997/8/567/" and [997, 8, 567] (also as text).
func cellPath(v any) ([]int64, bool) {
	var parts []any
	switch x := v.(type) {
	case []any:
		parts = x
	case string:
		for _, p := range strings.FieldsFunc(x, func(r rune) bool { return r == '/' || r == ',' || r == '[' || r == ']' || r == ' ' }) {
			parts = append(parts, p)
		}
	default:
		return nil, false
	}
	out := make([]int64, 0, len(parts))
	for _, p := range parts {
		n, ok := cellInt(p)
		if !ok {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}
