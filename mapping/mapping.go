// Package mapping stores cross-dataset mappings (the schema's MappingSet
// with CellToCellMapping, CellToClusterMapping or ClusterToClusterMapping
// rows and the AlgorithmRun that made them) and composes them: cell ->
// cluster in taxonomy A -> cluster in taxonomy B.
//
// Every source and target is resolved at ingest (cells against the
// DataItem table of their dataset, clusters against their taxonomy);
// unresolved rows are an error naming the first rows, or, when allowed,
// counted in the report and left out, never dropped silently.
package mapping

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/srctable"
	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/taxonomy"
)

// Kinds of mapping and their store classes.
const (
	CellToCell       = "cell-cell"
	CellToCluster    = "cell-cluster"
	ClusterToCluster = "cluster-cluster"

	SetClass = "MappingSet"
	RunClass = "AlgorithmRun"
)

// Class returns the store class of a mapping kind.
func Class(kind string) (string, error) {
	switch kind {
	case CellToCell:
		return "CellToCellMapping", nil
	case CellToCluster:
		return "CellToClusterMapping", nil
	case ClusterToCluster:
		return "ClusterToClusterMapping", nil
	}
	return "", fmt.Errorf("%w: unknown mapping kind %q (use cell-cell, cell-cluster or cluster-cluster)", ccc.ErrUsage, kind)
}

// Side is the source or the target of a mapping: cells of a store dataset
// or clusters of a taxonomy.
type Side struct {
	Dataset  string             // cells: the dataset whose DataItem ids the column holds
	Taxonomy *taxonomy.Taxonomy // clusters: the taxonomy (labels, aliases or names accepted)
}

// IngestOptions describe one mapping file.
type IngestOptions struct {
	Set              string // mapping set id and store dataset
	Kind             string
	Source, Target   Side
	SourceCol        string // default source_cell / source_cluster
	TargetCol        string // default target_cell / target_cluster
	ScoreCol         string // default score (optional column)
	Algorithm        string // AlgorithmRun algorithm_name / MappingSet method_name
	AlgorithmVersion string
	Description      string
	Author           string
	AllowUnresolved  bool
	SourceURI        string
}

// Report says what Ingest stored and what it could not resolve.
type Report struct {
	Rows, Stored   int
	Unresolved     int      // rows whose source or target is unknown
	UnresolvedRows []string // the first ones: "value (row N, column)"
	Version        int
}

// Ingest reads a CSV or Parquet mapping table, resolves both sides and
// writes dataset o.Set: MappingSet, AlgorithmRun and the kind's mapping
// class, in one store version.
func Ingest(ctx context.Context, st *store.Store, path string, o IngestOptions) (*Report, error) {
	class, err := Class(o.Kind)
	if err != nil {
		return nil, err
	}
	if err := store.ValidDataset(o.Set); err != nil {
		return nil, err
	}
	srcIsCell, tgtIsCell := o.Kind != ClusterToCluster, o.Kind == CellToCell
	for _, s := range []struct {
		side   Side
		cell   bool
		which  string
		flagDS string
		flagTX string
	}{{o.Source, srcIsCell, "source", "--source-dataset", "--source-taxonomy"}, {o.Target, tgtIsCell, "target", "--target-dataset", "--target-taxonomy"}} {
		if s.cell && s.side.Dataset == "" {
			return nil, fmt.Errorf("%w: %s mappings need %s (the dataset of the %s cells)", ccc.ErrUsage, o.Kind, s.flagDS, s.which)
		}
		if !s.cell && s.side.Taxonomy == nil {
			return nil, fmt.Errorf("%w: %s mappings need %s (the taxonomy of the %s clusters)", ccc.ErrUsage, o.Kind, s.flagTX, s.which)
		}
		if s.cell && s.side.Taxonomy != nil {
			return nil, fmt.Errorf("%w: the %s of %s mappings are cells: give %s, not %s", ccc.ErrUsage, s.which, o.Kind, s.flagDS, s.flagTX)
		}
		if !s.cell && s.side.Dataset != "" {
			return nil, fmt.Errorf("%w: the %s of %s mappings are clusters: give %s, not %s", ccc.ErrUsage, s.which, o.Kind, s.flagTX, s.flagDS)
		}
	}
	suffix := func(cell bool) string {
		if cell {
			return "_cell"
		}
		return "_cluster"
	}
	if o.SourceCol == "" {
		o.SourceCol = "source" + suffix(srcIsCell)
	}
	if o.TargetCol == "" {
		o.TargetCol = "target" + suffix(tgtIsCell)
	}
	src, err := srctable.Open(ctx, "mappings ingest", path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	conn := src.Conn
	cols := append([]string{"_row"}, src.Columns...)
	find := func(name string, required bool, flag string) (string, error) {
		for _, c := range cols[1:] {
			if strings.EqualFold(c, name) {
				return c, nil
			}
		}
		if !required {
			return "", nil
		}
		return "", &ccc.Error{Op: "mappings ingest", Path: path, Row: -1, Field: name, Msg: "no " + name + " column", Kind: ccc.ErrInvalidData,
			Hint: "name it with " + flag + "; columns are: " + strings.Join(cols[1:], ", ")}
	}
	sc, err := find(o.SourceCol, true, "--source-col")
	if err != nil {
		return nil, err
	}
	tc, err := find(o.TargetCol, true, "--target-col")
	if err != nil {
		return nil, err
	}
	scoreCol, err := find(or(o.ScoreCol, "score"), o.ScoreCol != "", "--score-col")
	if err != nil {
		return nil, err
	}
	q := store.QuoteIdent
	scoreExpr := "CAST(NULL AS DOUBLE)"
	if scoreCol != "" {
		e := "CAST(" + q(scoreCol) + " AS VARCHAR)"
		var row int
		var v string
		err := conn.QueryRowContext(ctx, "SELECT _row, "+e+" FROM src WHERE "+e+" IS NOT NULL AND trim("+e+") <> '' AND TRY_CAST("+e+" AS DOUBLE) IS NULL ORDER BY _row LIMIT 1").Scan(&row, &v)
		if err == nil {
			return nil, &ccc.Error{Op: "mappings ingest", Path: path, Row: row, Field: scoreCol, Value: v, Msg: "score is not a number", Kind: ccc.ErrInvalidData, Hint: "scores are numbers (empty for none)"}
		} else if err != sql.ErrNoRows {
			return nil, err
		}
		scoreExpr = "TRY_CAST(" + e + " AS DOUBLE)"
	}
	rep := &Report{}
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM src").Scan(&rep.Rows); err != nil {
		return nil, err
	}
	// resolve each side into a temp table (value -> id)
	resolve := func(tbl, col string, side Side, cell bool) error {
		e := "trim(CAST(" + q(col) + " AS VARCHAR))"
		if cell {
			sn, err := st.Snapshot(store.Ref{})
			if err != nil {
				return err
			}
			ti, err := sn.Table(side.Dataset, "DataItem")
			if err != nil {
				return &ccc.Error{Op: "mappings ingest", Row: -1, Value: side.Dataset, Msg: "no cells in dataset", Kind: ccc.ErrNotFound, Err: err,
					Hint: "ingest them first with 'ccc cells ingest --dataset " + side.Dataset + " FILE'"}
			}
			_, err = conn.ExecContext(ctx, "CREATE TEMP TABLE "+tbl+" AS SELECT DISTINCT "+e+" AS value, "+e+" AS id FROM src WHERE "+e+" IN (SELECT CAST(id AS VARCHAR) FROM read_parquet("+store.QuoteString(ti.Path)+"))")
			return err
		}
		if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE "+tbl+" (value VARCHAR, id VARCHAR)"); err != nil {
			return err
		}
		rows, err := conn.QueryContext(ctx, "SELECT DISTINCT "+e+" FROM src WHERE "+e+" IS NOT NULL")
		if err != nil {
			return err
		}
		var vals []string
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			if k, err := side.Taxonomy.Lookup(v); err == nil {
				vals = append(vals, fmt.Sprintf("(%s, %s)", store.QuoteString(v), store.QuoteString(side.Taxonomy.Label(k))))
			}
		}
		rows.Close()
		for len(vals) > 0 {
			n := min(len(vals), 1000)
			if _, err := conn.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES "+strings.Join(vals[:n], ", ")); err != nil {
				return err
			}
			vals = vals[n:]
		}
		return nil
	}
	if err := resolve("rs", sc, o.Source, srcIsCell); err != nil {
		return nil, err
	}
	if err := resolve("rt", tc, o.Target, tgtIsCell); err != nil {
		return nil, err
	}
	se, te := "trim(CAST("+q(sc)+" AS VARCHAR))", "trim(CAST("+q(tc)+" AS VARCHAR))"
	if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE m AS SELECT src._row, rs.id AS s, rt.id AS t, `+scoreExpr+` AS score, `+se+` AS sv, `+te+` AS tv
		FROM src LEFT JOIN rs ON rs.value = `+se+` LEFT JOIN rt ON rt.value = `+te+` ORDER BY src._row`); err != nil {
		return nil, err
	}
	urows, err := conn.QueryContext(ctx, "SELECT _row, sv, tv, s IS NULL FROM m WHERE s IS NULL OR t IS NULL ORDER BY _row")
	if err != nil {
		return nil, err
	}
	var firstErr error
	for urows.Next() {
		var row int
		var sv, tv sql.NullString
		var srcBad bool
		if err := urows.Scan(&row, &sv, &tv, &srcBad); err != nil {
			urows.Close()
			return nil, err
		}
		rep.Unresolved++
		col, v, side := tc, tv.String, "target"
		if srcBad {
			col, v, side = sc, sv.String, "source"
		}
		if len(rep.UnresolvedRows) < 5 {
			rep.UnresolvedRows = append(rep.UnresolvedRows, fmt.Sprintf("%s (row %d, %s)", v, row, col))
		}
		if firstErr == nil {
			where := "dataset " + o.Source.Dataset
			if side == "target" {
				where = "dataset " + o.Target.Dataset
			}
			if (side == "source" && !srcIsCell) || (side == "target" && !tgtIsCell) {
				t := o.Source.Taxonomy
				if side == "target" {
					t = o.Target.Taxonomy
				}
				where = "taxonomy " + t.Name
			}
			firstErr = &ccc.Error{Op: "mappings ingest", Path: path, Row: row, Field: col, Value: v, Msg: "unknown " + side + " (not in " + where + ")", Kind: ccc.ErrInvalidData,
				Hint: "map only ids that exist there, or give --allow-unresolved to count and skip such rows"}
		}
	}
	urows.Close()
	if firstErr != nil && !o.AllowUnresolved {
		return nil, fmt.Errorf("%w (%d unresolved rows: %s)", firstErr, rep.Unresolved, strings.Join(rep.UnresolvedRows, ", "))
	}
	rep.Stored = rep.Rows - rep.Unresolved
	// write
	txo := store.TxOptions{Dataset: o.Set, Message: fmt.Sprintf("mappings ingest: %d %s mappings", rep.Stored, o.Kind), SourceURI: o.SourceURI, Inputs: []string{path},
		Params: map[string]any{"command": "mappings ingest", "kind": o.Kind}}
	tx, err := st.Begin(ctx, txo)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	copyTo := func(cls, sel string) error {
		if _, err := conn.ExecContext(ctx, "COPY ("+sel+") TO "+store.QuoteString(tx.TablePath(cls))+" (FORMAT parquet, COMPRESSION zstd)"); err != nil {
			return fmt.Errorf("write %s: %w", cls, err)
		}
		return nil
	}
	sideName := func(s Side) string {
		if s.Taxonomy != nil {
			return s.Taxonomy.Name
		}
		return s.Dataset
	}
	alg := or(o.Algorithm, "provided")
	params, _ := json.Marshal(map[string]any{"kind": o.Kind, "source": sideName(o.Source), "target": sideName(o.Target), "algorithm_run": o.Set,
		"source_col": sc, "target_col": tc, "score_col": scoreCol})
	now := store.QuoteString(time.Now().UTC().Format(time.RFC3339))
	set := store.QuoteString(o.Set)
	desc := or(o.Description, fmt.Sprintf("%s mappings from %s to %s", o.Kind, sideName(o.Source), sideName(o.Target)))
	if err := copyTo(RunClass, fmt.Sprintf(`SELECT %s AS id, %s AS algorithm_name, %s AS algorithm_version, %s AS parameters_json, CAST(%s AS TIMESTAMP) AS run_timestamp`,
		set, store.QuoteString(alg), nullStr(o.AlgorithmVersion), store.QuoteString(string(params)), now)); err != nil {
		return nil, err
	}
	if err := copyTo(SetClass, fmt.Sprintf(`SELECT %s AS id, %s AS name, %s AS description, %s AS method_name, %s AS method_version, %s AS author,
		CAST(%s AS TIMESTAMP) AS created_at, %s AS parameters_json, %s AS source_dataset, %s AS target_dataset`,
		set, set, store.QuoteString(desc), store.QuoteString(alg), nullStr(o.AlgorithmVersion), nullStr(o.Author), now, store.QuoteString(string(params)),
		store.QuoteString(sideName(o.Source)), store.QuoteString(sideName(o.Target)))); err != nil {
		return nil, err
	}
	sCol, tCol := "source"+suffix(srcIsCell), "target"+suffix(tgtIsCell)
	if err := copyTo(class, fmt.Sprintf(`SELECT %s || ':' || CAST(_row AS VARCHAR) AS id, score, s AS %s, t AS %s, %s AS mapping_set FROM m
		WHERE s IS NOT NULL AND t IS NOT NULL ORDER BY _row`, set, sCol, tCol, set)); err != nil {
		return nil, err
	}
	for _, k := range []string{CellToCell, CellToCluster, ClusterToCluster} {
		if c, _ := Class(k); c != class {
			tx.DropTable(c)
		}
	}
	tx.SetMeta("kind", "mappings")
	tx.SetMeta("mapping_kind", o.Kind)
	tx.SetMeta("source", sideName(o.Source))
	tx.SetMeta("target", sideName(o.Target))
	tx.SetMeta("unresolved", rep.Unresolved)
	v, err := tx.Commit()
	if err != nil {
		return nil, err
	}
	rep.Version = v.Number
	return rep, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func nullStr(s string) string {
	if s == "" {
		return "CAST(NULL AS VARCHAR)"
	}
	return store.QuoteString(s)
}
