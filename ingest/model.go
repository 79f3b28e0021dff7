package ingest

import (
	"fmt"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/linkml"
)

// Field is one stored column of a class table: a slot, or one leaf of an
// inlined object flattened under its slot's name.
type Field struct {
	Column      string   // stored column name: slot, or slot_sub for inlined objects
	Slot        string   // top-level slot
	Path        []string // sub-slots below Slot for flattened inlined objects (nil otherwise)
	Range       string   // range of the leaf slot
	Kind        linkml.RangeKind
	SQLType     string // DuckDB type of one value: BIGINT, DOUBLE, VARCHAR, BOOLEAN, DATE, TIMESTAMP, TIME
	Multivalued bool
	Required    bool // a value is required (top-level slots only)
	Identifier  bool
	InKey       bool     // one of the record key's fields (Model.Key)
	Aliases     []string // aliases of the leaf slot
	ParentAlias []string // aliases of the top-level slot (for inlined leaves)
	Enum        []string // permissible values (enum ranges)
	Pattern     string
	Min, Max    *float64
	RefClass    string // class referenced by identifier (non-inlined class ranges)
}

// Type returns the column's DuckDB type (T or T[] for multivalued).
func (f *Field) Type() string {
	if f.Multivalued {
		return f.SQLType + "[]"
	}
	return f.SQLType
}

// Model is the stored layout of one class.
type Model struct {
	Class  string
	Fields []*Field
	ID     *Field // identifier field, nil when the class has none
	// Key is the record key: the identifier field, or for a class without
	// an identifier the fields of its first unique key (its own, then its
	// ancestors') whose slots are all single-valued stored columns; nil
	// when the class has neither. Duplicates in the input, --append clashes
	// and --upsert replacements are decided by it.
	Key []*Field
	// KeyName names the key in messages: "identifier", or
	// "unique key NAME (slot, slot)".
	KeyName string
	// KeyNullsEqual says whether a missing value of an optional key field
	// equals another missing value (IS NOT DISTINCT FROM): LinkML's
	// default for unique keys, false with consider_nulls_inequal.
	KeyNullsEqual bool
	schema        *linkml.Schema
}

// NewModel builds the stored layout of class from the schema.
func NewModel(s *linkml.Schema, class string) (*Model, error) {
	c, err := s.LookupClass(class)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ccc.ErrUsage, err)
	}
	m := &Model{Class: c.Name, schema: s}
	for _, sl := range s.InducedSlots(c.Name) {
		if err := m.addSlot(sl, nil, nil, 0); err != nil {
			return nil, err
		}
	}
	if len(m.Fields) == 0 {
		return nil, &ccc.Error{Op: "ingest", Row: -1, Field: class, Msg: "class has no slots", Kind: ccc.ErrUsage}
	}
	for _, f := range m.Fields {
		if f.Identifier && f.Path == nil {
			m.ID = f
			break
		}
	}
	if m.ID != nil {
		m.Key, m.KeyName = []*Field{m.ID}, "identifier"
	} else {
		m.uniqueKey()
	}
	for _, f := range m.Key {
		f.InKey = true
	}
	return m, nil
}

// uniqueKey sets Key to the first unique key of the class or its
// ancestors that maps to single-valued top-level columns.
func (m *Model) uniqueKey() {
	for _, a := range m.schema.Ancestors(m.Class) {
		c, err := m.schema.LookupClass(a)
		if err != nil {
			continue
		}
	keys:
		for _, uk := range c.UniqueKeys {
			if len(uk.Slots) == 0 {
				continue
			}
			var fs []*Field
			for _, sl := range uk.Slots {
				f := m.Field(sl)
				if f == nil || f.Path != nil || f.Multivalued {
					continue keys
				}
				fs = append(fs, f)
			}
			m.Key, m.KeyNullsEqual = fs, !uk.ConsiderNullsInequal
			m.KeyName = fmt.Sprintf("unique key %s (%s)", uk.Name, strings.Join(uk.Slots, ", "))
			return
		}
	}
}

// keyNullable reports whether a NULL in key field f is a key value (an
// optional field of a unique key whose nulls compare equal) rather than a
// missing value that excludes the row from key comparisons.
func (m *Model) keyNullable(f *Field) bool {
	return m.KeyNullsEqual && !f.Required && !f.Identifier
}

func (m *Model) addSlot(sl *linkml.Slot, path []string, parent *linkml.Slot, depth int) error {
	s := m.schema
	kind := s.SlotRangeKind(sl)
	if kind == linkml.RangeClass && s.IsInlined(sl) && !sl.IsMultivalued() && depth < 3 {
		// Flatten a single inlined object into prefixed columns.
		for _, sub := range s.InducedSlots(sl.Range) {
			p := append(append([]string(nil), path...), sl.Name)
			top := parent
			if top == nil {
				top = sl
			}
			if err := m.addSlot(sub, p, top, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	f := &Field{Slot: sl.Name, Range: sl.Range, Kind: kind, Multivalued: sl.IsMultivalued(), Aliases: sl.Aliases, Pattern: sl.Pattern, Min: sl.MinimumValue, Max: sl.MaximumValue}
	if path == nil {
		f.Column = sl.Name
		f.Required = sl.IsRequired()
		f.Identifier = sl.IsIdentifier()
	} else {
		f.Slot = path[0]
		f.Path = append(append([]string(nil), path[1:]...), sl.Name)
		f.Column = strings.Join(append(append([]string(nil), path...), sl.Name), "_")
		f.ParentAlias = parent.Aliases
	}
	switch kind {
	case linkml.RangeEnum:
		f.SQLType = "VARCHAR"
		if e := s.Enum(sl.Range); e != nil {
			for _, v := range e.Values {
				f.Enum = append(f.Enum, v.Text)
			}
		}
	case linkml.RangeClass:
		if s.IsInlined(sl) {
			// Multivalued or deeply nested inlined objects: stored as JSON text.
			f.SQLType = "VARCHAR"
			f.Range = "json"
		} else {
			f.RefClass = sl.Range
			f.SQLType = "VARCHAR"
			if id := s.IdentifierSlot(sl.Range, true); id != nil {
				// Values take the referenced identifier's type; bounds and
				// patterns of that type are checked where the target is stored.
				f.SQLType, _, _, _ = m.typeOf(id.Range)
			}
		}
	default:
		t, pat, mn, mx := m.typeOf(sl.Range)
		f.SQLType = t
		if f.Pattern == "" {
			f.Pattern = pat
		}
		if f.Min == nil {
			f.Min = mn
		}
		if f.Max == nil {
			f.Max = mx
		}
	}
	m.Fields = append(m.Fields, f)
	return nil
}

// typeOf folds a type's typeof chain: DuckDB type, pattern and bounds.
func (m *Model) typeOf(name string) (sqlType, pattern string, min, max *float64) {
	base := ""
	for t, hops := m.schema.Type(name), 0; t != nil && hops < 50; t, hops = m.schema.Type(t.Typeof), hops+1 {
		if base == "" && t.Base != "" {
			base = strings.ToLower(t.Base)
		}
		if pattern == "" {
			pattern = t.Pattern
		}
		if min == nil {
			min = t.MinimumValue
		}
		if max == nil {
			max = t.MaximumValue
		}
		if t.Typeof == "" {
			break
		}
	}
	switch base {
	case "int":
		sqlType = "BIGINT"
	case "float", "decimal":
		sqlType = "DOUBLE"
	case "bool":
		sqlType = "BOOLEAN"
	case "xsddate":
		sqlType = "DATE"
	case "xsddatetime":
		sqlType = "TIMESTAMP"
	case "xsdtime":
		sqlType = "TIME"
	default:
		sqlType = "VARCHAR"
	}
	return
}

// Field returns the field stored in column, or nil.
func (m *Model) Field(column string) *Field {
	for _, f := range m.Fields {
		if f.Column == column {
			return f
		}
	}
	return nil
}

// Slots lists the top-level slot names in order.
func (m *Model) Slots() []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range m.Fields {
		if !seen[f.Slot] {
			seen[f.Slot] = true
			out = append(out, f.Slot)
		}
	}
	return out
}

// nestedGroups returns, for each top-level slot flattened into several
// columns, its fields (for reconstituting nested objects on export).
func (m *Model) nestedGroups() map[string][]*Field {
	g := map[string][]*Field{}
	for _, f := range m.Fields {
		if f.Path != nil {
			g[f.Slot] = append(g[f.Slot], f)
		}
	}
	return g
}
