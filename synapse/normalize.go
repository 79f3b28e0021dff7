package synapse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/ingest"
	"github.com/ccc-connectivity/ccc/store"
)

// field is one output column of a normalised table.
type field struct {
	Name     string
	Type     string   // DuckDB type of the stored column
	Aliases  []string // other accepted input names (lower case)
	Required bool
	Hint     string   // how to fix a bad value
	Lookup   []string // input names in order of preference (default Name, then Aliases)
	// MissingHint is added to the hint of a required field without a column.
	MissingHint string
}

// tableSpec describes a class table: scalar fields, position slots (stored
// split as <slot>_x/_y/_z) and input columns ignored silently.
type tableSpec struct {
	Class     string
	Fields    []field
	Positions []string // e.g. "pre_pt_position"
	Ignore    []string // pandas index columns, CAVE bookkeeping
	// Order lists the output columns in stored order; positions expand to
	// their three components where the slot name appears.
	Order []string
}

var rootIDHint = "root ids are 64-bit integers such as 864691135808473885; fix or remove the row"

// SynapseSpec is the Synapse class (CAVE synapse table shape).
var synapseSpec = tableSpec{
	Class: "Synapse",
	Fields: []field{
		{Name: "id", Type: "BIGINT", Hint: "synapse ids are integers"},
		{Name: "created", Type: "TIMESTAMPTZ", Hint: "write times as ISO 8601, e.g. 2020-11-04 06:48:59.403833+00:00"},
		{Name: "valid", Type: "BOOLEAN", Hint: "use t/f or true/false"},
		{Name: "size", Type: "DOUBLE", Hint: "size is a number (cleft size in voxels)"},
		{Name: "pre_pt_supervoxel_id", Type: "BIGINT", Hint: "supervoxel ids are integers"},
		{Name: "pre_pt_root_id", Type: "BIGINT", Required: true, Aliases: []string{"pre_root_id"}, Hint: rootIDHint},
		{Name: "post_pt_supervoxel_id", Type: "BIGINT", Hint: "supervoxel ids are integers"},
		{Name: "post_pt_root_id", Type: "BIGINT", Required: true, Aliases: []string{"post_root_id"}, Hint: rootIDHint},
	},
	Positions: []string{"pre_pt_position", "post_pt_position", "ctr_pt_position"},
	Ignore:    []string{"", "unnamed: 0", "index", "__index_level_0__", "superceded_id", "deleted"},
	Order: []string{"id", "created", "valid", "size", "pre_pt_supervoxel_id", "pre_pt_root_id",
		"post_pt_supervoxel_id", "post_pt_root_id", "pre_pt_position", "post_pt_position", "ctr_pt_position"},
}

// outColumns lists the stored column names of the spec.
func (sp *tableSpec) outColumns() []string {
	var out []string
	for _, name := range sp.Order {
		if sp.isPosition(name) {
			out = append(out, name+"_x", name+"_y", name+"_z")
		} else {
			out = append(out, name)
		}
	}
	return out
}

func (sp *tableSpec) isPosition(name string) bool {
	for _, p := range sp.Positions {
		if p == name {
			return true
		}
	}
	return false
}

func (sp *tableSpec) field(name string) *field {
	for i := range sp.Fields {
		if sp.Fields[i].Name == name {
			return &sp.Fields[i]
		}
	}
	return nil
}

// check is one validation predicate of a source.
type check struct {
	Field  string // stored column / slot
	Source string // input column
	Bad    string // SQL predicate true on a bad row
	Msg    string
	Hint   string
}

// mapping is how one source file maps to the stored columns.
type mapping struct {
	Exprs  map[string]string // stored column -> SQL expression over the source
	Checks []check
	// Unmapped are the source columns that map to no slot: not stored,
	// named to the user (the loaders' common rule, docs/formats/store.md).
	Unmapped []string
}

// posAliases are the accepted split-column prefixes of a position slot:
// pre_pt_position_x and pre_pt_x.
func posPrefixes(slot string) []string {
	return []string{slot, strings.TrimSuffix(slot, "_position")}
}

// mapSource maps the source's columns to the spec. Columns that map to no
// slot are not stored and listed in Unmapped (every loader's rule; with
// dropUnknown, the deprecated flag, they are not listed); pandas index
// columns and CAVE bookkeeping (sp.Ignore, a blank header) are ignored.
func (sp *tableSpec) mapSource(s *source, dropUnknown bool, extra map[string]string) (*mapping, error) {
	m := &mapping{Exprs: map[string]string{}}
	byLower := map[string]column{}
	for _, c := range s.Cols {
		byLower[strings.ToLower(strings.TrimSpace(c.Name))] = c
	}
	used := map[string]bool{}
	for _, f := range sp.Fields {
		names := append([]string{f.Name}, f.Aliases...)
		if f.Lookup != nil {
			names = append([]string(nil), f.Lookup...)
		}
		if a, ok := extra[f.Name]; ok {
			names = append([]string{strings.ToLower(a)}, names...)
		}
		var c column
		found := false
		for _, n := range names {
			if cc, ok := byLower[n]; ok && !used[n] {
				c, found = cc, true
				used[n] = true
				break
			}
		}
		if !found {
			if f.Required {
				hint := fmt.Sprintf("the %s table needs a %s column (accepted names: %s); columns present: %s", sp.Class, f.Name, strings.Join(names, ", "), colNames(s.Cols))
				if f.MissingHint != "" {
					hint += "; " + f.MissingHint
				}
				return nil, &ccc.Error{Op: "ingest", Path: s.Path, Row: -1, Field: f.Name, Msg: "required column missing", Hint: hint, Kind: ccc.ErrInvalidData}
			}
			m.Exprs[f.Name] = "CAST(NULL AS " + f.Type + ")"
			continue
		}
		q := quoteIdent(c.Name)
		expr := "TRY_CAST(" + q + " AS " + f.Type + ")"
		if f.Type == "VARCHAR" {
			expr = "CAST(" + q + " AS VARCHAR)"
		}
		if f.Type == "BOOLEAN" && isText(c.Type) {
			expr = "(CASE lower(trim(" + q + ")) WHEN 't' THEN true WHEN 'true' THEN true WHEN '1' THEN true WHEN 'f' THEN false WHEN 'false' THEN false WHEN '0' THEN false WHEN '' THEN NULL END)"
		}
		m.Exprs[f.Name] = expr
		bad := "(" + q + " IS NOT NULL AND " + expr + " IS NULL"
		if isText(c.Type) {
			bad = "(" + q + " IS NOT NULL AND trim(" + q + ") <> '' AND " + expr + " IS NULL"
		}
		if f.Required {
			bad = "(" + expr + " IS NULL"
		}
		bad += ")"
		msg := "not a valid " + strings.ToLower(f.Type)
		switch f.Type {
		case "BIGINT":
			msg = "not an integer"
		case "DOUBLE":
			msg = "not a number"
		}
		if f.Required {
			msg += " (or empty; the column is required)"
		}
		if f.Type != "VARCHAR" || f.Required {
			m.Checks = append(m.Checks, check{Field: f.Name, Source: c.Name, Bad: bad, Msg: msg, Hint: f.Hint})
		}
	}
	for _, slot := range sp.Positions {
		found := false
		for _, pre := range posPrefixes(slot) {
			cx, okx := byLower[pre+"_x"]
			cy, oky := byLower[pre+"_y"]
			cz, okz := byLower[pre+"_z"]
			if okx && oky && okz {
				for i, c := range []column{cx, cy, cz} {
					name := slot + "_" + string("xyz"[i])
					q := quoteIdent(c.Name)
					expr := "TRY_CAST(" + q + " AS DOUBLE)"
					m.Exprs[name] = expr
					m.Checks = append(m.Checks, check{Field: name, Source: c.Name,
						Bad: "(" + q + " IS NOT NULL AND " + expr + " IS NULL)", Msg: "not a number",
						Hint: "position components are numbers in the table's voxel units"})
					used[strings.ToLower(c.Name)] = true
				}
				found = true
				break
			}
		}
		if found {
			continue
		}
		if c, ok := byLower[slot]; ok {
			used[slot] = true
			q := quoteIdent(c.Name)
			list := "ccc_pos_text(" + q + ")"
			if !isText(c.Type) {
				list = "TRY_CAST(" + q + " AS DOUBLE[])"
			}
			for i := 0; i < 3; i++ {
				m.Exprs[slot+"_"+string("xyz"[i])] = fmt.Sprintf("%s[%d]", list, i+1)
			}
			m.Checks = append(m.Checks, check{Field: slot, Source: c.Name,
				Bad:  "(" + q + " IS NOT NULL AND (" + list + " IS NULL OR len(" + list + ") <> 3 OR list_aggregate(" + list + ", 'count') <> 3))",
				Msg:  "not a list of three numbers",
				Hint: fmt.Sprintf("write positions as \"[x, y, z]\" (e.g. [179076, 188248, 20233]) or as split %s_x/_y/_z columns", slot)})
			continue
		}
		for _, a := range []string{"_x", "_y", "_z"} {
			m.Exprs[slot+a] = "CAST(NULL AS DOUBLE)"
		}
	}
	for i, c := range s.Cols {
		l := strings.ToLower(strings.TrimSpace(c.Name))
		if used[l] || contains(sp.Ignore, l) || ingest.IndexColumn(c.Name, i) {
			continue
		}
		if !dropUnknown {
			m.Unmapped = append(m.Unmapped, c.Name)
		}
	}
	return m, nil
}

func isText(t string) bool { return t == "VARCHAR" || strings.HasPrefix(t, "VARCHAR") }

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func colNames(cols []column) string {
	var n []string
	for _, c := range cols {
		n = append(n, c.Name)
	}
	return strings.Join(n, ", ")
}

// setupDuckDB prepares a connection: macros used by the mappings.
func setupDuckDB(ctx context.Context, db *sql.DB, tmpDir string) error {
	stmts := []string{
		`CREATE OR REPLACE MACRO ccc_pos_text(s) AS CASE WHEN s IS NULL THEN NULL ELSE list_transform(string_split(regexp_replace(trim(CAST(s AS VARCHAR), '[]() '), '[\s,;]+', ',', 'g'), ','), x -> TRY_CAST(x AS DOUBLE)) END`,
	}
	if tmpDir != "" {
		stmts = append(stmts, "SET temp_directory = "+store.QuoteString(tmpDir))
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("duckdb setup: %w", err)
		}
	}
	return nil
}

// validate runs the checks of one source and reports every bad column with
// its first offending row.
func validate(ctx context.Context, db *sql.DB, s *source, m *mapping) error {
	if len(m.Checks) == 0 {
		return nil
	}
	var sel []string
	for _, c := range m.Checks {
		sel = append(sel, "count_if("+c.Bad+")")
	}
	counts := make([]int64, len(m.Checks))
	ptrs := make([]any, len(counts))
	for i := range counts {
		ptrs[i] = &counts[i]
	}
	if err := db.QueryRowContext(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+s.From).Scan(ptrs...); err != nil {
		return &ccc.Error{Op: "ingest", Path: s.Path, Row: -1, Msg: "cannot read " + s.Kind.String() + " file: " + firstLine(err.Error()),
			Hint: "check that every row has as many fields as the header", Kind: ccc.ErrFormat, Err: err}
	}
	var errs []error
	for i, c := range m.Checks {
		if counts[i] == 0 {
			continue
		}
		var n int64
		var v sql.NullString
		q := fmt.Sprintf("SELECT n, CAST(%s AS VARCHAR) FROM (SELECT row_number() OVER () AS n, * FROM %s) WHERE %s ORDER BY n LIMIT 1",
			quoteIdent(c.Source), s.From, c.Bad)
		if err := db.QueryRowContext(ctx, q).Scan(&n, &v); err != nil {
			return err
		}
		e := &ccc.Error{Op: "ingest", Path: s.Path, Row: int(n - 1), Field: c.Source, Value: shorten(v.String),
			Msg: c.Msg, Kind: ccc.ErrInvalidData}
		if s.Kind == kindCSV {
			e.Line = int(n + 1)
		}
		e.Hint = c.Hint
		if counts[i] > 1 {
			e.Hint += fmt.Sprintf(" (%d rows affected)", counts[i])
		}
		if !v.Valid {
			e.Value = "(empty)"
		}
		errs = append(errs, e)
	}
	sort.SliceStable(errs, func(a, b int) bool { return errs[a].(*ccc.Error).Row < errs[b].(*ccc.Error).Row })
	return errors.Join(errs...)
}

func shorten(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// selectSQL is the normalised SELECT of one source.
func (sp *tableSpec) selectSQL(s *source, m *mapping) string {
	var cols []string
	for _, name := range sp.outColumns() {
		cols = append(cols, m.Exprs[name]+" AS "+quoteIdent(name))
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + s.From
}
