package crossmodal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/formats/zarr"
	"github.com/ccc-connectivity/ccc/internal/pqcols"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

// Stats are the accepted SiteProjections statistics over the source
// experiments, with their DuckDB aggregates of $v (the value column).
var Stats = map[string]string{"mean": `fsum($v) / count(*)`, "median": `median($v)`, "max": `max($v)`}

// SiteProjectionsOptions is one "recording sites x projection strength from
// a source region" question.
type SiteProjectionsOptions struct {
	Source  string // source region: acronym, id or structure id (required)
	Session string // RecordingSite.data_item of one session ("": every session)
	Matrix  string // ProjectionMeasurementMatrix id ("": the only experiments x regions matrix)
	Atlas   string // atlas dataset ("": the only atlas)
	Stat    string // mean (default), median or max over the source experiments
}

// SiteProjectionsQuery is a checked question: the names resolved against
// the store and its SQL statement.
type SiteProjectionsQuery struct {
	Atlas          string
	SourceID       int64  // structure id of the source region
	SourceAcronym  string // its acronym
	MatrixDataset  string
	Matrix         string
	Session        string
	Stat           string
	SQL            string // one SELECT over the class views
	SourceRows     int    // experiments of the matrix injected in the source or below
	MatrixRowCount int    // rows of the matrix

	srcItems map[string]struct{} // the statement's src part (data items), for the columnar answer
	matrix   *zarr.Array         // the matrix's array when Prepare opened it (nil: open it)
	closure  []intColumn         // the atlas's closure columns when Prepare read them (nil: read them)
}

// SiteProjection is one answer row: a recording site, its region, the
// matrix column it was matched to (its region or the nearest ancestor
// among the matrix columns, LevelsUp steps above) and the statistic of the
// source experiments' values in that column. Matched is false (and the
// matched fields zero) when the site has no region or no column at or
// above it.
type SiteProjection struct {
	Session        string
	Site           string
	ElectrodeID    int64
	HasElectrode   bool   // false: electrode_id is NULL
	SiteRegion     int64  // structure id
	HasRegion      bool   // false: brain_region is NULL
	SiteAcronym    string // "": the region is not in the atlas (or has no acronym)
	Matched        bool
	MatchedRegion  int64
	MatchedAcronym string
	LevelsUp       int
	Strength       float64
	Experiments    int
}

// SiteProjectionsClasses are the classes the statement reads.
var SiteProjectionsClasses = []string{"ConnectivityExperiment", atlas.ClosureClass, projection.MeasurementClass, "RecordingSite", atlas.RegionClass}

// Columns are the answer's column names, in order.
var Columns = []string{"session", "site", "electrode_id", "site_region", "site_acronym", "matched_region", "matched_acronym", "levels_up", "strength", "experiments"}

// SiteProjectionsSQL is the one SQL statement of the question (DuckDB);
// docs/query.md shows it with the quickstart's names.
func SiteProjectionsSQL(atlasName string, source int64, matrixDataset, matrix, session, stat string) string {
	return DuckDB.SiteProjectionsSQL(atlasName, source, matrixDataset, matrix, session, stat)
}

// SiteProjectionsSQL is the question's statement in dialect d.
func (d Dialect) SiteProjectionsSQL(atlasName string, source int64, matrixDataset, matrix, session, stat string) string {
	q := d.String
	agg := strings.ReplaceAll(d.Stats[stat], "$v", "p."+d.Ident("value"))
	sessionFilter := ""
	if session != "" {
		sessionFilter = "\nWHERE s.data_item = " + q(session)
	}
	return fmt.Sprintf(`WITH src AS (  -- experiments injected in the source region or below
  SELECT DISTINCT %[7]s AS data_item
  FROM ConnectivityExperiment e
  JOIN BrainRegionClosure c ON c.descendant_structure_id = e.structure_id
  WHERE c.dataset = %[1]s AND c.ancestor_structure_id = %[2]d),
strength AS (  -- their projection into each matrix column (fsum: compensated, order-robust)
  SELECT p.brain_region, %[6]s AS strength, count(*) AS experiments
  FROM ProjectionMeasurement p JOIN src USING (data_item)
  WHERE p.dataset = %[3]s AND p.%[9]s = %[4]s
  GROUP BY p.brain_region),
nearest AS (  -- per region: the nearest matrix column at or above it
  SELECT c.descendant_structure_id AS region, min(c.closure_distance) AS levels_up,
    %[8]s(c.ancestor_structure_id, c.closure_distance) AS matched_region
  FROM BrainRegionClosure c JOIN strength t ON t.brain_region = c.ancestor_structure_id
  WHERE c.dataset = %[1]s
  GROUP BY 1)
SELECT s.data_item AS session, s.id AS site, s.electrode_id, s.brain_region AS site_region,
  b.acronym AS site_acronym, n.matched_region, m.acronym AS matched_acronym, n.levels_up, t.strength, t.experiments
FROM RecordingSite s
LEFT JOIN BrainRegion b ON b.structure_id = s.brain_region AND b.dataset = %[1]s
LEFT JOIN nearest n ON n.region = s.brain_region
LEFT JOIN strength t ON t.brain_region = n.matched_region
LEFT JOIN BrainRegion m ON m.structure_id = n.matched_region AND m.dataset = %[1]s%[5]s
ORDER BY session%[10]s, electrode_id%[10]s, site%[10]s`, q(atlasName), source, q(matrixDataset), q(matrix), sessionFilter, agg,
		d.AllenItem, d.ArgMin, d.Ident("matrix"), d.NullsLast)
}

// PrepareSiteProjections checks the question's names against the store
// version sn (db: a read-only DuckDB over it) and builds its SQL. The
// matrix and the source experiments are found from the tables' Parquet
// columns and the matrix's zarr.json when the tables allow it
// (prepareMatrix, sourceItemsGo), else by DuckDB queries; both give the
// same answers and errors (TestPrepareGoEqualsSQL).
func PrepareSiteProjections(ctx context.Context, st *store.Store, sn *store.Snapshot, db *sql.DB, o SiteProjectionsOptions) (*SiteProjectionsQuery, error) {
	const op = "ask site-projections"
	if strings.TrimSpace(o.Source) == "" {
		return nil, &ccc.Error{Op: op, Row: -1, Field: "source", Msg: "no source region", Hint: "give --source REGION (acronym or structure id, e.g. VISp)", Kind: ccc.ErrUsage}
	}
	if o.Stat == "" {
		o.Stat = "mean"
	}
	if _, ok := Stats[o.Stat]; !ok {
		return nil, &ccc.Error{Op: op, Row: -1, Field: "stat", Value: o.Stat, Msg: "unknown statistic", Hint: "use mean, median or max", Kind: ccc.ErrUsage}
	}
	atlasName, srcID, srcAcronym, err := resolveSource(ctx, st, sn, db, o.Atlas, o.Source)
	if err != nil {
		return nil, err
	}
	if _, err := sn.Table(atlasName, atlas.ClosureClass); err != nil {
		return nil, &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Value: atlasName, Msg: "the atlas has no " + atlas.ClosureClass + " table (written by an older ccc)",
			Hint: "load it again: ccc atlas load --atlas " + atlasName + " FILE", Kind: ccc.ErrNotFound}
	}
	qq := &SiteProjectionsQuery{Atlas: atlasName, SourceID: srcID, SourceAcronym: srcAcronym, Session: o.Session, Stat: o.Stat}
	m, err := prepareMatrix(ctx, st, sn, db, o.Matrix, op)
	if err != nil {
		return nil, err
	}
	qq.MatrixDataset, qq.Matrix, qq.MatrixRowCount, qq.matrix = m.ds, m.id, m.rows, m.a
	if _, err := sn.Table(qq.MatrixDataset, projection.MeasurementClass); err != nil {
		return nil, &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Value: qq.Matrix, Msg: "the matrix's dataset has no long form (" + projection.MeasurementClass + ")",
			Hint: "save the matrix again (ccc projections matrix build/ingest) to write it", Kind: ccc.ErrNotFound}
	}
	if o.Session != "" {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM RecordingSite WHERE data_item = ?", o.Session).Scan(&n); err != nil {
			return nil, noSites(st, err)
		}
		if n == 0 {
			var list string
			db.QueryRowContext(ctx, "SELECT coalesce(string_agg(DISTINCT data_item, ', '), '') FROM RecordingSite").Scan(&list)
			return nil, &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Field: "session", Value: o.Session, Msg: "no recording sites of this session",
				Hint: "sessions with sites: " + list, Kind: ccc.ErrNotFound}
		}
	}
	qq.SQL = SiteProjectionsSQL(qq.Atlas, qq.SourceID, qq.MatrixDataset, qq.Matrix, qq.Session, qq.Stat)
	// the source must hold experiments of the matrix (its row index, not
	// the long form, is searched); the items are kept for the columnar answer
	err = errNotColumnar
	if m.a != nil {
		qq.srcItems, qq.SourceRows, qq.closure, err = sourceItemsGo(sn, qq.Atlas, qq.SourceID, m.items)
	}
	if errors.Is(err, errNotColumnar) {
		qq.srcItems, qq.SourceRows, err = sourceItems(ctx, db, qq.SQL, qq.MatrixDataset, qq.Matrix)
	}
	if err != nil {
		return nil, noSites(st, err)
	}
	if qq.SourceRows == 0 {
		var known int
		if err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(DISTINCT p.data_item) FROM ProjectionMeasurement p
			JOIN ConnectivityExperiment e ON p.data_item = 'allen:' || e.id WHERE p.dataset = %s AND p."matrix" = %s`,
			store.QuoteString(qq.MatrixDataset), store.QuoteString(qq.Matrix))).Scan(&known); err != nil {
			return nil, noSites(st, err)
		}
		if known == 0 {
			return nil, &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Field: "matrix", Value: qq.Matrix,
				Msg:  fmt.Sprintf("none of the %d experiments of matrix %s is in the ConnectivityExperiment table, so their injection sites are unknown", qq.MatrixRowCount, qq.Matrix),
				Hint: "ingest the experiments' metadata (ccc projections ingest) or choose another --matrix", Kind: ccc.ErrNotFound}
		}
		return nil, &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Field: "source", Value: srcAcronym,
			Msg:  fmt.Sprintf("none of the %d experiments of matrix %s was injected in %s or below", qq.MatrixRowCount, qq.Matrix, srcAcronym),
			Hint: "choose another --source, or build a matrix of such experiments: ccc projections find --region " + srcAcronym + " --include-descendants, then ccc projections matrix build NAME IDS...", Kind: ccc.ErrNotFound}
	}
	return qq, nil
}

// resolveSource finds the atlas and the source region: one SQL lookup of
// an exact acronym, id or structure id, else the ontology's Lookup (case,
// suggestions, the errors that name what the store holds).
func resolveSource(ctx context.Context, st *store.Store, sn *store.Snapshot, db *sql.DB, name, source string) (string, int64, string, error) {
	names := atlas.Names(sn)
	if name == "" && len(names) == 1 {
		name = names[0]
	}
	if slices.Contains(names, name) {
		n, id, acr, err := regionsNamed(sn, name, source)
		if err != nil { // not readable in columns: the same lookup in SQL
			err = db.QueryRowContext(ctx, `SELECT count(*), any_value(structure_id), any_value(acronym) FROM BrainRegion
			WHERE dataset = ? AND (acronym = ? OR id = ? OR CAST(structure_id AS VARCHAR) = ?)`, name, source, source, source).Scan(&n, &id, &acr)
		}
		if err == nil && n == 1 && id.Valid {
			return name, id.Int64, acr.String, nil
		}
	}
	a, err := atlas.Open(st, store.Ref{Version: sn.Number()}, name)
	if err != nil {
		return "", 0, "", err
	}
	r, err := a.Ontology.Lookup(source)
	if err != nil {
		return "", 0, "", err
	}
	return a.Name, r.ID, r.Acronym, nil
}

// regionsNamed is resolveSource's SQL lookup read from the atlas's
// BrainRegion table (Parquet columns, no DuckDB query): how many regions
// have source as acronym, id or structure id, and the structure id and
// acronym of one of them.
func regionsNamed(sn *store.Snapshot, atlasName, source string) (n int, id sql.NullInt64, acr sql.NullString, err error) {
	t, err := sn.Table(atlasName, atlas.RegionClass)
	if err != nil {
		return 0, id, acr, err
	}
	if err := store.VerifyFile(t); err != nil {
		return 0, id, acr, err
	}
	f, err := pqcols.Open(t.Path)
	if err != nil {
		return 0, id, acr, err
	}
	defer f.Close()
	sid, sidOK, err := f.Int64s("structure_id")
	if err != nil {
		return 0, id, acr, err
	}
	match := make([]bool, len(sid))
	acronyms := make([]sql.NullString, len(sid))
	if err := f.Bytes("acronym", func(i int, v []byte, ok bool) error {
		acronyms[i] = sql.NullString{String: string(v), Valid: ok}
		match[i] = ok && string(v) == source
		return nil
	}); err != nil {
		return 0, id, acr, err
	}
	if err := f.Bytes("id", func(i int, v []byte, ok bool) error {
		match[i] = match[i] || ok && string(v) == source
		return nil
	}); err != nil {
		return 0, id, acr, err
	}
	for i, m := range match {
		valid := sidOK == nil || sidOK[i]
		if !m && !(valid && strconv.FormatInt(sid[i], 10) == source) {
			continue
		}
		n++
		if valid && !id.Valid { // any_value: the first non-NULL
			id = sql.NullInt64{Int64: sid[i], Valid: true}
		}
		if acronyms[i].Valid && !acr.Valid {
			acr = acronyms[i]
		}
	}
	return n, id, acr, nil
}

// noSites turns a failed query over the class views into an error saying
// which table is missing.
func noSites(st *store.Store, err error) error { return missingTable(st, "ask site-projections", err) }

// missingTable is noSites for the question op.
func missingTable(st *store.Store, op string, err error) error {
	msg := err.Error()
	for _, class := range []string{"RecordingSite", "ConnectivityExperiment", "ProjectionMeasurement"} {
		if strings.Contains(msg, class) && strings.Contains(msg, "does not exist") {
			return &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Msg: "the store has no " + class + " table",
				Hint: map[string]string{"RecordingSite": "ingest a session: ccc nwb ingest FILE.nwb",
					"ConnectivityExperiment": "ingest experiments: ccc projections ingest", "ProjectionMeasurement": "save a matrix: ccc projections matrix build"}[class],
				Kind: ccc.ErrNotFound}
		}
	}
	return err
}

// experimentMatrix finds the matrix: by id (in any dataset; an id in
// several datasets is ambiguous) or, for "", the only matrix whose rows are
// Allen experiments ("allen:<id>"). It reads the ProjectionMeasurementMatrix
// rows only, never the values.
func experimentMatrix(ctx context.Context, st *store.Store, db *sql.DB, id, op string) (dataset, matrix string, rows int, err error) {
	var all []matrixCand
	rs, err := db.QueryContext(ctx, `SELECT dataset, id, len(data_item_index),
		coalesce(list_bool_and(list_transform(data_item_index, x -> starts_with(x, 'allen:'))), false)
		FROM ProjectionMeasurementMatrix ORDER BY dataset, id`)
	if err != nil {
		if strings.Contains(err.Error(), "does not exist") {
			return "", "", 0, &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Msg: "the store has no projection matrix",
				Hint: "build one: ccc projections matrix build NAME", Kind: ccc.ErrNotFound}
		}
		return "", "", 0, err
	}
	for rs.Next() {
		var c matrixCand
		if err := rs.Scan(&c.ds, &c.id, &c.rows, &c.exp); err != nil {
			rs.Close()
			return "", "", 0, err
		}
		c.exp = c.exp && c.rows > 0
		all = append(all, c)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return "", "", 0, err
	}
	c, err := pickMatrix(st, all, id, op)
	return c.ds, c.id, c.rows, err
}

// pickMatrix is experimentMatrix's choice among the store's matrices (in
// dataset, id order).
func pickMatrix(st *store.Store, all []matrixCand, id, op string) (matrixCand, error) {
	var listed []string
	for _, c := range all {
		listed = append(listed, c.ds+"/"+c.id)
	}
	hint := "matrices in the store: " + strings.Join(listed, ", ")
	if len(listed) == 0 {
		hint = "build one: ccc projections matrix build NAME"
	}
	var hits []matrixCand
	for _, c := range all {
		if id != "" && c.id == id || id == "" && c.exp {
			hits = append(hits, c)
		}
	}
	switch {
	case len(hits) == 0 && id != "":
		return matrixCand{}, &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Field: "matrix", Value: id, Msg: "no such projection matrix", Hint: hint, Kind: ccc.ErrNotFound}
	case len(hits) == 0:
		return matrixCand{}, &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Msg: "the store has no experiments x regions projection matrix",
			Hint: "build one: ccc projections matrix build NAME; " + hint, Kind: ccc.ErrNotFound}
	case len(hits) > 1 && id != "":
		return matrixCand{}, &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Field: "matrix", Value: id, Msg: "several datasets hold a matrix of this name", Hint: hint, Kind: ccc.ErrUsage}
	case len(hits) > 1:
		return matrixCand{}, &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Msg: "several experiments x regions matrices", Hint: "choose one with --matrix; " + hint, Kind: ccc.ErrUsage}
	}
	if !hits[0].exp {
		return matrixCand{}, &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Field: "matrix", Value: id,
			Msg:  "its rows are not tracer experiments (allen:<id>), so they have no injection site to match the source region",
			Hint: "choose an experiments x regions matrix; " + hint, Kind: ccc.ErrUsage}
	}
	return hits[0], nil
}

// SiteProjections runs a prepared question's SQL statement
// (AnswerSiteProjections computes the same answer faster).
func SiteProjections(ctx context.Context, db *sql.DB, q *SiteProjectionsQuery) ([]SiteProjection, error) {
	rows, err := db.QueryContext(ctx, q.SQL)
	if err != nil {
		return nil, fmt.Errorf("ask site-projections: %w", err)
	}
	return scanSiteProjections(rows)
}

// scanSiteProjections reads (and closes) rows of the statement's columns.
func scanSiteProjections(rows *sql.Rows) ([]SiteProjection, error) {
	defer rows.Close()
	var out []SiteProjection
	vals := make([]any, len(Columns))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, SiteProjectionOf(vals))
	}
	return out, rows.Err()
}

// SiteProjectionOf reads one answer row (the values of Columns, in order,
// as an engine returns them: integers, floats, strings or nil).
func SiteProjectionOf(v []any) SiteProjection {
	var p SiteProjection
	p.Session, _ = v[0].(string)
	p.Site, _ = v[1].(string)
	p.ElectrodeID, p.HasElectrode = asInt(v[2])
	p.SiteRegion, p.HasRegion = asInt(v[3])
	p.SiteAcronym, _ = v[4].(string)
	if matched, ok := asInt(v[5]); ok {
		p.Matched, p.MatchedRegion = true, matched
		p.MatchedAcronym, _ = v[6].(string)
		levels, _ := asInt(v[7])
		n, _ := asInt(v[9])
		p.LevelsUp, p.Experiments = int(levels), int(n)
		switch f := v[8].(type) {
		case float64:
			p.Strength = f
		case float32:
			p.Strength = float64(f)
		}
	}
	return p
}

// asInt reads an integer value: int64 from Spark (engine/spark.Value) and
// DuckDB's BIGINT; int32 and int16 from DuckDB's INTEGER and SMALLINT.
func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int32:
		return int64(x), true
	case int16:
		return int64(x), true
	}
	return 0, false
}
