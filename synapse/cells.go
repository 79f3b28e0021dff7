package synapse

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

var cavePositionExtras = []string{"bb_start_position_x", "bb_start_position_y", "bb_start_position_z",
	"bb_end_position_x", "bb_end_position_y", "bb_end_position_z", "bb_start_position", "bb_end_position"}

// cellTypeSpec is the CellTypeAnnotation class. id is the nucleus id: CAVE
// reference tables carry it as target_id (the annotation's own id is
// dropped), the tutorial renames it nucleus_id. It is required, and the
// class's unique key is (id, source): one label per nucleus and source.
var cellTypeSpec = tableSpec{
	Class: "CellTypeAnnotation",
	Fields: []field{
		{Name: "id", Type: "BIGINT", Required: true, Lookup: []string{"nucleus_id", "target_id", "id_ref", "id"},
			Hint: "every label needs the integer nucleus id it annotates (CAVE target_id)", MissingHint: "name the nucleus id column with --id-column COLUMN"},
		{Name: "pt_root_id", Type: "BIGINT", Required: true, Aliases: []string{"root_id"}, Hint: rootIDHint},
		{Name: "cell_type", Type: "VARCHAR", Required: true, Hint: "every row needs a cell type label"},
		{Name: "classification_system", Type: "VARCHAR"},
		{Name: "pt_supervoxel_id", Type: "BIGINT", Hint: "supervoxel ids are integers"},
		{Name: "valid", Type: "BOOLEAN", Hint: "use t/f or true/false"},
		{Name: "created", Type: "TIMESTAMPTZ", Hint: "write times as ISO 8601"},
	},
	Positions: []string{"pt_position"},
	Ignore: append([]string{"", "unnamed: 0", "index", "__index_level_0__", "id", "id_ref", "created_ref", "valid_ref",
		"volume", "superceded_id", "deleted", "source"}, cavePositionExtras...),
	Order: []string{"id", "pt_root_id", "cell_type", "classification_system", "pt_position", "pt_supervoxel_id", "valid", "created"},
}

// proofreadingSpec is the ProofreadingStatus class.
var proofreadingSpec = tableSpec{
	Class: "ProofreadingStatus",
	Fields: []field{
		{Name: "id", Type: "BIGINT", Required: true, Hint: "every row needs its integer id (CAVE annotation id, the class's identifier)", MissingHint: "name the id column with --id-column COLUMN"},
		{Name: "pt_root_id", Type: "BIGINT", Required: true, Aliases: []string{"root_id"}, Hint: rootIDHint},
		{Name: "pt_supervoxel_id", Type: "BIGINT", Hint: "supervoxel ids are integers"},
		{Name: "status_axon", Type: "VARCHAR"},
		{Name: "status_dendrite", Type: "VARCHAR"},
		{Name: "strategy_axon", Type: "VARCHAR"},
		{Name: "strategy_dendrite", Type: "VARCHAR"},
		{Name: "valid", Type: "BOOLEAN", Hint: "use t/f or true/false"},
	},
	Positions: []string{"pt_position"},
	Ignore:    append([]string{"", "unnamed: 0", "index", "__index_level_0__", "created", "superceded_id", "deleted"}, cavePositionExtras...),
	Order:     []string{"id", "pt_root_id", "pt_position", "pt_supervoxel_id", "status_axon", "status_dendrite", "strategy_axon", "strategy_dendrite", "valid"},
}

// statusExpr maps CAVE's t/f (proofreading_status_and_strategy) and the
// older non/clean/extended values to the ProofreadingLevel enum: t becomes
// "extended" when the strategy says so, else "clean"; f becomes "non".
func statusExpr(status, strategy string) string {
	return fmt.Sprintf(`(CASE WHEN %[1]s IS NULL OR trim(CAST(%[1]s AS VARCHAR)) = '' THEN NULL
  WHEN lower(trim(CAST(%[1]s AS VARCHAR))) IN ('t', 'true', '1', 'yes') THEN (CASE WHEN lower(coalesce(%[2]s, '')) LIKE '%%extended%%' THEN 'extended' ELSE 'clean' END)
  WHEN lower(trim(CAST(%[1]s AS VARCHAR))) IN ('f', 'false', '0', 'no', 'non', 'none') THEN 'non'
  WHEN lower(trim(CAST(%[1]s AS VARCHAR))) IN ('clean', 'extended') THEN lower(trim(CAST(%[1]s AS VARCHAR)))
  ELSE NULL END)`, status, strategy)
}

// CellKind names the two cell tables.
type CellKind string

// Cell table kinds.
const (
	KindCellType     CellKind = "celltype"
	KindProofreading CellKind = "proofreading"
)

// CellTableOptions tune WriteCellTable.
type CellTableOptions struct {
	Kind        CellKind
	Source      string // manual | automated (cell types)
	DropUnknown bool
	TempDir     string
	// IDColumn names the input column holding the id slot (the nucleus id
	// of a cell-type table, the annotation id of a proofreading table)
	// when it has none of the usual names.
	IDColumn string
	// Existing is the dataset's current CellTypeAnnotation table ("" when
	// none): its rows of other sources (including rows without a source)
	// are kept.
	Existing string
	// Unmapped, when set, is told the file's columns that map to no slot
	// (not stored).
	Unmapped func(file string, cols []string)
}

func (o *CellTableOptions) reportUnmapped(path string, m *mapping) {
	if len(m.Unmapped) > 0 && o.Unmapped != nil {
		o.Unmapped(path, m.Unmapped)
	}
}

// WriteCellTable normalises one cell-type or proofreading file and writes
// the class table to out. It returns the rows written (for cell types,
// of every source).
//
// The tables validate against their classes. A cell-type file is one
// source's labels: CellTypeAnnotation is keyed by (nucleus id, source), so
// a nucleus id that appears twice in the file is rejected (ccc.ErrInvalidData
// naming the file, the row and the first row), never de-duplicated: CAVE
// materialises one valid label per nucleus in a cell-type table, and
// choosing between two labels is the user's call. A proofreading file's ids
// (ProofreadingStatus's identifier) must be unique likewise.
func WriteCellTable(ctx context.Context, path, out string, o CellTableOptions) (int64, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if err := setupDuckDB(ctx, db, o.TempDir); err != nil {
		return 0, err
	}
	s, err := openSource(ctx, db, path, o.TempDir)
	if err != nil {
		return 0, err
	}
	var extra map[string]string
	if o.IDColumn != "" {
		if !hasColumn(s, o.IDColumn) {
			return 0, &ccc.Error{Op: "ingest", Path: path, Row: -1, Field: o.IDColumn, Msg: "id column not in the file",
				Hint: "columns present: " + colNames(s.Cols), Kind: ccc.ErrUsage}
		}
		extra = map[string]string{"id": o.IDColumn}
	}
	var q string
	switch o.Kind {
	case KindCellType:
		if o.Source != "manual" && o.Source != "automated" {
			return 0, fmt.Errorf("%w: cell-type source %q: want manual or automated", ccc.ErrUsage, o.Source)
		}
		m, err := cellTypeSpec.mapSource(s, o.DropUnknown, extra)
		if err != nil {
			return 0, err
		}
		o.reportUnmapped(path, m)
		if err := validate(ctx, db, s, m); err != nil {
			return 0, err
		}
		if err := uniqueIDs(ctx, db, s, m, "nucleus id %s is labelled twice in this "+o.Source+" cell-type table (first at %s)",
			"CellTypeAnnotation keeps one label per nucleus and source (unique key one_label_per_source): keep one row per nucleus, e.g. pandas drop_duplicates('target_id')"); err != nil {
			return 0, err
		}
		q = "SELECT *, " + store.QuoteString(o.Source) + " AS source FROM (" + cellTypeSpec.selectSQL(s, m) + ")"
		if o.Existing != "" {
			q = "SELECT * FROM read_parquet(" + store.QuoteString(o.Existing) + ") WHERE source IS DISTINCT FROM " + store.QuoteString(o.Source) + " UNION ALL BY NAME " + q
		}
	case KindProofreading:
		m, err := proofreadingSpec.mapSource(s, o.DropUnknown, extra)
		if err != nil {
			return 0, err
		}
		o.reportUnmapped(path, m)
		for _, part := range []string{"axon", "dendrite"} {
			raw := m.Exprs["status_"+part]
			m.Exprs["status_"+part] = statusExpr(raw, m.Exprs["strategy_"+part])
			if !strings.HasPrefix(raw, "CAST(NULL") {
				m.Checks = append(m.Checks, check{Field: "status_" + part, Source: sourceName(s, "status_"+part),
					Bad:  "(" + raw + " IS NOT NULL AND trim(" + raw + ") <> '' AND " + m.Exprs["status_"+part] + " IS NULL)",
					Msg:  "not a proofreading status",
					Hint: "use t/f (CAVE proofreading_status_and_strategy) or non/clean/extended"})
			}
		}
		if err := validate(ctx, db, s, m); err != nil {
			return 0, err
		}
		if err := uniqueIDs(ctx, db, s, m, "id %s is used twice in this proofreading table (first at %s)",
			"ProofreadingStatus ids (CAVE annotation ids) identify the records: remove or renumber the repeated row"); err != nil {
			return 0, err
		}
		q = proofreadingSpec.selectSQL(s, m)
	default:
		return 0, fmt.Errorf("%w: --kind %q: want celltype or proofreading", ccc.ErrUsage, o.Kind)
	}
	if _, err := db.ExecContext(ctx, "COPY ("+q+" ORDER BY pt_root_id) TO "+store.QuoteString(out)+" (FORMAT parquet, COMPRESSION zstd)"); err != nil {
		return 0, fmt.Errorf("write %s table: %w", o.Kind, err)
	}
	var n int64
	err = db.QueryRowContext(ctx, "SELECT count(*) FROM read_parquet("+store.QuoteString(out)+")").Scan(&n)
	return n, err
}

// uniqueIDs rejects a source whose rows repeat an id value, naming the
// first repeating row (msg takes the id and where its first use is).
func uniqueIDs(ctx context.Context, db *sql.DB, s *source, m *mapping, msg, hint string) error {
	q := fmt.Sprintf(`SELECT count(*), min(n), arg_min(id, n), arg_min(first, n) FROM (
		SELECT n, id, min(n) OVER (PARTITION BY id) AS first FROM (SELECT row_number() OVER () AS n, %s AS id FROM %s) WHERE id IS NOT NULL)
		WHERE n > first`, m.Exprs["id"], s.From)
	var dups int64
	var n, id, first sql.NullInt64
	if err := db.QueryRowContext(ctx, q).Scan(&dups, &n, &id, &first); err != nil {
		return fmt.Errorf("check ids of %s: %w", s.Path, err)
	}
	if dups == 0 {
		return nil
	}
	col := "id"
	for _, c := range m.Checks {
		if c.Field == "id" {
			col = c.Source
		}
	}
	at := fmt.Sprintf("row %d", first.Int64-1)
	e := &ccc.Error{Op: "ingest", Path: s.Path, Row: int(n.Int64 - 1), Field: col, Value: fmt.Sprint(id.Int64), Hint: hint, Kind: ccc.ErrInvalidData}
	if s.Kind == kindCSV {
		e.Line = int(n.Int64 + 1)
		at += fmt.Sprintf(", line %d", first.Int64+1)
	}
	e.Msg = fmt.Sprintf(msg, fmt.Sprint(id.Int64), at)
	if dups > 1 {
		e.Hint += fmt.Sprintf(" (%d repeated rows)", dups)
	}
	return e
}

func hasColumn(s *source, name string) bool {
	for _, c := range s.Cols {
		if strings.EqualFold(c.Name, name) {
			return true
		}
	}
	return false
}

func sourceName(s *source, field string) string {
	for _, c := range s.Cols {
		if strings.EqualFold(c.Name, field) {
			return c.Name
		}
	}
	return field
}

// CellType is the unified cell-type view of one root id (the tutorial's
// outer join of automated and manual labels; "unsure" where missing).
type CellType struct {
	Root         int64
	Nucleus      int64 // automated table's nucleus id (0 when unknown)
	SystemAuto   string
	TypeAuto     string
	SystemManual string
	TypeManual   string
}

// Best is the manual label when present, else the automated one.
func (c CellType) Best() string {
	if c.TypeManual != Unsure {
		return c.TypeManual
	}
	return c.TypeAuto
}

// Unsure marks a missing label.
const Unsure = "unsure"

// Cells holds a dataset's cell tables in memory (they have at most a few
// hundred thousand rows).
type Cells struct {
	Types map[int64]*CellType
	// MultiNucleus lists roots with more than one nucleus in a cell-type
	// table (merge errors). As in the tutorial (drop_duplicates keep=False
	// on each table before the outer merge), such a root's rows of that
	// table are dropped: its label from that source is "unsure".
	MultiNucleus  map[int64]bool
	ProofAxon     map[int64]bool // status_axon clean or extended
	ProofDendrite map[int64]bool
	HasTypes      bool
	HasProof      bool
}

// LoadCells reads the CellTypeAnnotation and ProofreadingStatus tables
// (either path may be "").
func LoadCells(ctx context.Context, cellTypes, proofreading string) (*Cells, error) {
	c := &Cells{Types: map[int64]*CellType{}, MultiNucleus: map[int64]bool{}, ProofAxon: map[int64]bool{}, ProofDendrite: map[int64]bool{}}
	if cellTypes == "" && proofreading == "" {
		return c, nil
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if cellTypes != "" {
		c.HasTypes = true
		// a table from the generic loader may have no source (NULL: an
		// automated label) and rows without a root id (no cell to label)
		rows, err := db.QueryContext(ctx, `SELECT pt_root_id, coalesce(source, ''), coalesce(cell_type, ''), coalesce(classification_system, ''), coalesce(id, 0),
			count(*) OVER (PARTITION BY pt_root_id, source) AS n FROM read_parquet(`+store.QuoteString(cellTypes)+`) WHERE pt_root_id IS NOT NULL`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var root, nuc, n int64
			var src, typ, sys string
			if err := rows.Scan(&root, &src, &typ, &sys, &nuc, &n); err != nil {
				rows.Close()
				return nil, err
			}
			if n > 1 {
				c.MultiNucleus[root] = true
				continue
			}
			ct := c.Types[root]
			if ct == nil {
				ct = &CellType{Root: root, TypeAuto: Unsure, TypeManual: Unsure}
				c.Types[root] = ct
			}
			if src == "manual" {
				ct.TypeManual, ct.SystemManual = typ, sys
			} else {
				ct.TypeAuto, ct.SystemAuto, ct.Nucleus = typ, sys, nuc
			}
		}
		rows.Close()
	}
	if proofreading != "" {
		c.HasProof = true
		rows, err := db.QueryContext(ctx, `SELECT pt_root_id, coalesce(status_axon, 'non'), coalesce(status_dendrite, 'non') FROM read_parquet(`+store.QuoteString(proofreading)+`)`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var root int64
			var a, d string
			if err := rows.Scan(&root, &a, &d); err != nil {
				rows.Close()
				return nil, err
			}
			if a == "clean" || a == "extended" {
				c.ProofAxon[root] = true
			}
			if d == "clean" || d == "extended" {
				c.ProofDendrite[root] = true
			}
		}
		rows.Close()
	}
	return c, nil
}

// TypeOf returns the best label of root ("unsure" when unknown).
func (c *Cells) TypeOf(root int64) string {
	if ct, ok := c.Types[root]; ok {
		return ct.Best()
	}
	return Unsure
}

// RootsOfType lists the roots whose best label is one of types.
func (c *Cells) RootsOfType(types []string) []int64 {
	want := map[string]bool{}
	for _, t := range types {
		want[t] = true
	}
	var out []int64
	for r, ct := range c.Types {
		if want[ct.Best()] {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Proofread lists the roots with a proofread axon ("axon"), dendrite
// ("dendrite") or both ("both"), sorted.
func (c *Cells) Proofread(which string) ([]int64, error) {
	var out []int64
	switch which {
	case "axon":
		for r := range c.ProofAxon {
			out = append(out, r)
		}
	case "dendrite":
		for r := range c.ProofDendrite {
			out = append(out, r)
		}
	case "both":
		for r := range c.ProofAxon {
			if c.ProofDendrite[r] {
				out = append(out, r)
			}
		}
	default:
		return nil, fmt.Errorf("%w: --proofread %q: want axon, dendrite or both", ccc.ErrUsage, which)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// WriteCellView writes the unified cell-type view (one row per root id,
// sorted), restricted to proofread neurons when proofread is axon, dendrite
// or both. It returns the rows written.
func WriteCellView(c *Cells, proofread string, w RowWriter) (int, error) {
	roots := map[int64]bool{}
	for r := range c.Types {
		roots[r] = true
	}
	for r := range c.ProofAxon {
		roots[r] = true
	}
	for r := range c.ProofDendrite {
		roots[r] = true
	}
	var keep map[int64]bool
	if proofread != "" {
		ids, err := c.Proofread(proofread)
		if err != nil {
			return 0, err
		}
		keep = map[int64]bool{}
		for _, r := range ids {
			keep[r] = true
		}
	}
	var list []int64
	for r := range roots {
		if keep == nil || keep[r] {
			list = append(list, r)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i] < list[j] })
	cols := []Col{{"pt_root_id", KindInt}, {"classification_system_auto", KindString}, {"cell_type_auto", KindString}, {"nucleus_id", KindInt},
		{"classification_system_manual", KindString}, {"cell_type_manual", KindString}, {"cell_type", KindString}}
	if c.HasProof {
		cols = append(cols, Col{"proofread_axon", KindBool}, Col{"proofread_dendrite", KindBool})
	}
	if err := w.Header(cols); err != nil {
		return 0, err
	}
	for _, r := range list {
		ct, ok := c.Types[r]
		if !ok {
			ct = &CellType{Root: r, TypeAuto: Unsure, TypeManual: Unsure}
		}
		vals := []any{r, nullIfEmpty(ct.SystemAuto), ct.TypeAuto, nullIfZero(ct.Nucleus), nullIfEmpty(ct.SystemManual), ct.TypeManual, ct.Best()}
		if c.HasProof {
			vals = append(vals, c.ProofAxon[r], c.ProofDendrite[r])
		}
		if err := w.Row(vals); err != nil {
			return 0, err
		}
	}
	return len(list), w.Close()
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullIfZero(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}
