package ingest

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// srcColumn is one column of an input as DuckDB reads it.
type srcColumn struct {
	Name string
	Type string
}

// srcRef is where a field's values come from: a column, or a field inside
// a STRUCT column (nested objects of JSON/YAML/Parquet inputs).
type srcRef struct {
	Col  string
	Sub  []string
	Type string // DuckDB type of the referenced value
}

func (r srcRef) expr() string {
	e := quoteIdent(r.Col)
	for _, s := range r.Sub {
		e += "." + quoteIdent(s)
	}
	return e
}

// describe is how the report names the source of a field.
func (r srcRef) describe() string {
	if len(r.Sub) == 0 {
		return r.Col
	}
	return r.Col + "." + strings.Join(r.Sub, ".")
}

// mapping is the assignment of a model's fields to input columns.
type mapping struct {
	refs     map[string]srcRef // field column -> source
	unmapped []string          // input columns not used
	how      map[string]string // field column -> "exact", "case", "alias", "map"
}

// mapColumns maps input columns to the model's fields: --map overrides
// first, then exact names, case-insensitive names, and schema aliases (for
// flattened objects: <prefix>_<leaf> where the prefix is the slot name, an
// alias of it, or the slot name without a trailing _position/_location,
// so pt_x fills pt_position_x; or a STRUCT column named like the slot).
func mapColumns(m *Model, cols []srcColumn, overrides map[string]string, path string) (*mapping, error) {
	mp := &mapping{refs: map[string]srcRef{}, how: map[string]string{}}
	byName := map[string]srcColumn{}
	byLower := map[string][]srcColumn{}
	for _, c := range cols {
		byName[c.Name] = c
		byLower[strings.ToLower(c.Name)] = append(byLower[strings.ToLower(c.Name)], c)
	}
	used := map[string]bool{}

	// 1. Overrides.
	var names []string
	for c := range overrides {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, col := range names {
		target := overrides[col]
		c, ok := byName[col]
		if !ok {
			return nil, &ccc.Error{Op: "ingest", Path: path, Row: -1, Field: col, Msg: "--map names a column the input does not have", Kind: ccc.ErrUsage,
				Hint: "input columns: " + strings.Join(colNames(cols), ", ")}
		}
		target = strings.ReplaceAll(target, ".", "_")
		f := m.Field(target)
		if f == nil {
			return nil, &ccc.Error{Op: "ingest", Path: path, Row: -1, Field: overrides[col], Msg: fmt.Sprintf("--map names a slot class %s does not have", m.Class), Kind: ccc.ErrUsage,
				Hint: "slots (nested ones flattened as slot_sub): " + strings.Join(fieldColumns(m), ", ")}
		}
		mp.refs[f.Column] = srcRef{Col: c.Name, Type: c.Type}
		mp.how[f.Column] = "map"
		used[c.Name] = true
	}

	find := func(name string, ci bool) (srcColumn, bool) {
		if !ci {
			c, ok := byName[name]
			return c, ok && !used[c.Name]
		}
		for _, c := range byLower[strings.ToLower(name)] {
			if !used[c.Name] {
				return c, true
			}
		}
		return srcColumn{}, false
	}
	type pass struct {
		how   string
		ci    bool
		alias bool
	}
	for _, ps := range []pass{{"exact", false, false}, {"case", true, false}, {"alias", false, true}, {"alias", true, true}} {
		for _, f := range m.Fields {
			if _, done := mp.refs[f.Column]; done {
				continue
			}
			if f.Path == nil {
				cands := []string{f.Column}
				if ps.alias {
					cands = f.Aliases
				}
				for _, n := range cands {
					if c, ok := find(n, ps.ci); ok {
						mp.refs[f.Column] = srcRef{Col: c.Name, Type: c.Type}
						mp.how[f.Column] = ps.how
						used[c.Name] = true
						break
					}
				}
				continue
			}
			// Flattened leaf of an inlined object.
			prefixes := []string{f.Slot}
			leaves := []string{f.Path[len(f.Path)-1]}
			if ps.alias {
				prefixes = append(prefixes, f.ParentAlias...)
				for _, suf := range []string{"_position", "_location"} {
					if strings.HasSuffix(f.Slot, suf) {
						prefixes = append(prefixes, strings.TrimSuffix(f.Slot, suf))
					}
				}
				leaves = append(leaves, f.Aliases...)
			}
			mid := ""
			if len(f.Path) > 1 {
				mid = strings.Join(f.Path[:len(f.Path)-1], "_") + "_"
			}
			found := false
			for _, p := range prefixes {
				for _, l := range leaves {
					if c, ok := find(p+"_"+mid+l, ps.ci); ok {
						mp.refs[f.Column] = srcRef{Col: c.Name, Type: c.Type}
						mp.how[f.Column] = ps.how
						used[c.Name] = true
						found = true
						break
					}
				}
				if found {
					break
				}
			}
			if found {
				continue
			}
			// A STRUCT column named like the slot (JSON/YAML nested objects).
			for _, p := range prefixes {
				var c srcColumn
				var ok bool
				if ps.ci {
					if cs := byLower[strings.ToLower(p)]; len(cs) > 0 {
						c, ok = cs[0], true
					}
				} else {
					c, ok = byName[p]
				}
				if !ok {
					continue
				}
				if ft, has := structField(c.Type, f.Path); has {
					mp.refs[f.Column] = srcRef{Col: c.Name, Sub: f.Path, Type: ft}
					mp.how[f.Column] = ps.how
					used[c.Name] = true
					break
				}
			}
		}
	}
	pos := 0 // position in the file (without the loader's __row)
	for _, c := range cols {
		if c.Name == "__row" {
			continue
		}
		if !used[c.Name] && !IndexColumn(c.Name, pos) {
			mp.unmapped = append(mp.unmapped, c.Name)
		}
		pos++
	}
	return mp, nil
}

// IndexColumn reports whether column i, named name, is a pandas index
// column: a blank header (what df.to_csv() writes; DuckDB names it
// column<i>), "Unnamed: 0", "index" or "__index_level_0__". Every loader
// ignores such a column unless it is mapped explicitly (--map 'Unnamed:
// 0=id'); other columns that map to no slot are not stored and are named
// (Report.Unmapped).
func IndexColumn(name string, i int) bool {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "unnamed: 0", "index", "__index_level_0__":
		return true
	}
	return name == fmt.Sprintf("column%d", i)
}

// structField returns the type of the field at path inside a DuckDB
// STRUCT type string such as STRUCT(x DOUBLE, y DOUBLE, "z" DOUBLE).
func structField(typ string, path []string) (string, bool) {
	for _, p := range path {
		fields, ok := structFields(typ)
		if !ok {
			return "", false
		}
		t, has := fields[p]
		if !has {
			// JSON keys are case-sensitive; accept case-insensitive matches.
			for k, v := range fields {
				if strings.EqualFold(k, p) {
					t, has = v, true
				}
			}
		}
		if !has {
			return "", false
		}
		typ = t
	}
	return typ, true
}

func structFields(typ string) (map[string]string, bool) {
	if !strings.HasPrefix(typ, "STRUCT(") || !strings.HasSuffix(typ, ")") {
		return nil, false
	}
	body := typ[len("STRUCT(") : len(typ)-1]
	out := map[string]string{}
	depth, start := 0, 0
	inQuote := false
	add := func(part string) {
		part = strings.TrimSpace(part)
		var name, t string
		if strings.HasPrefix(part, `"`) {
			end := strings.Index(part[1:], `"`)
			if end < 0 {
				return
			}
			name, t = part[1:end+1], strings.TrimSpace(part[end+2:])
		} else {
			i := strings.IndexByte(part, ' ')
			if i < 0 {
				return
			}
			name, t = part[:i], strings.TrimSpace(part[i+1:])
		}
		out[name] = t
	}
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '"':
			inQuote = !inQuote
		case '(':
			if !inQuote {
				depth++
			}
		case ')':
			if !inQuote {
				depth--
			}
		case ',':
			if !inQuote && depth == 0 {
				add(body[start:i])
				start = i + 1
			}
		}
	}
	add(body[start:])
	return out, true
}

func colNames(cols []srcColumn) []string {
	var out []string
	for _, c := range cols {
		if c.Name != "__row" {
			out = append(out, c.Name)
		}
	}
	return out
}

func fieldColumns(m *Model) []string {
	var out []string
	for _, f := range m.Fields {
		out = append(out, f.Column)
	}
	return out
}

// MapHeader maps the columns of a tabular input (header names, in order)
// to the class's slots by the loader's rule (exact name, case-insensitive
// name, schema aliases): slots[i] is the top-level slot column i fills, ""
// when it fills none. Columns that fill a flattened field of an inlined
// object keep "" here and are listed in nested; unmapped lists the columns
// the loader would not store (pandas index columns left out).
func MapHeader(m *Model, header []string) (slots, unmapped, nested []string, err error) {
	cols := make([]srcColumn, len(header))
	for i, h := range header {
		cols[i] = srcColumn{Name: h, Type: "VARCHAR"}
	}
	mp, err := mapColumns(m, cols, nil, "")
	if err != nil {
		return nil, nil, nil, err
	}
	slots = make([]string, len(header))
	idx := map[string]int{}
	for i, h := range header {
		idx[h] = i
	}
	for _, f := range m.Fields {
		ref, ok := mp.refs[f.Column]
		if !ok || len(ref.Sub) > 0 {
			continue
		}
		if f.Path != nil {
			nested = append(nested, ref.Col)
			continue
		}
		slots[idx[ref.Col]] = f.Slot
	}
	return slots, mp.unmapped, nested, nil
}
