package ingest

import (
	"fmt"
	"strings"
)

// The record key in SQL. A class's records are told apart by its
// identifier, or, when it has none, by its first unique key (Model.Key).
// A required key value that is missing makes the row an error (dropped
// with --lenient), so such rows take no part in key comparisons. An
// optional key field's NULL is a value of its own that equals another NULL
// (LinkML's default for unique keys, IS NOT DISTINCT FROM), unless the key
// says consider_nulls_inequal, where a row with a NULL key value repeats
// no other row (SQL's NULL semantics).

// keyCols lists the quoted key columns, qualified by alias when given.
func (m *Model) keyCols(alias string) []string {
	var out []string
	for _, f := range m.Key {
		out = append(out, qualify(alias, f.Column))
	}
	return out
}

func qualify(alias, col string) string {
	if alias == "" {
		return quoteIdent(col)
	}
	return alias + "." + quoteIdent(col)
}

// keyJoin is the condition joining relations a and b on the key.
func (m *Model) keyJoin(a, b string) string {
	var on []string
	for _, f := range m.Key {
		op := "="
		if m.keyNullable(f) {
			op = "IS NOT DISTINCT FROM"
		}
		on = append(on, fmt.Sprintf("%s %s %s", qualify(a, f.Column), op, qualify(b, f.Column)))
	}
	return strings.Join(on, " AND ")
}

// keyMissing is a condition true on rows that take no part in key
// comparisons (see above); "FALSE" when every row does.
func (m *Model) keyMissing(alias string) string {
	var or []string
	for _, f := range m.Key {
		if !m.keyNullable(f) {
			or = append(or, qualify(alias, f.Column)+" IS NULL")
		}
	}
	if len(or) == 0 {
		return "FALSE"
	}
	return strings.Join(or, " OR ")
}

// keyText renders the key as VARCHAR: the identifier's value, or a unique
// key's values as "(v1, v2)" with null for a missing value.
func (m *Model) keyText(alias string) string {
	if len(m.Key) == 0 {
		return "NULL"
	}
	if m.ID != nil {
		return fmt.Sprintf("CAST(%s AS VARCHAR)", qualify(alias, m.ID.Column))
	}
	var vs []string
	for _, c := range m.keyCols(alias) {
		vs = append(vs, fmt.Sprintf("coalesce(CAST(%s AS VARCHAR), 'null')", c))
	}
	return "'(' || concat_ws(', ', " + strings.Join(vs, ", ") + ") || ')'"
}

// keySlots names the key's slots for the Field of an issue: "id", or
// "(id, source)".
func (m *Model) keySlots() string {
	if m.ID != nil {
		return m.ID.Slot
	}
	var s []string
	for _, f := range m.Key {
		s = append(s, f.Slot)
	}
	return "(" + strings.Join(s, ", ") + ")"
}
