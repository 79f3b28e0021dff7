package mapping

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/taxonomy"
)

// ScoreRule is how Compose scores a composed mapping; stored with every
// composed MappingSet.
const ScoreRule = "score(cell -> B) = max over crosswalk rows (A' -> B) of score(cell -> A) x score(A' -> B), " +
	"A' the nearest ancestor-or-self of the cell's cluster A that the crosswalk maps; a missing score counts as 1"

// ComposeOptions name the two mappings to chain.
type ComposeOptions struct {
	Cells string             // dataset holding CellToClusterMapping (a cells dataset or a cell-cluster mapping set)
	Via   string             // cluster-cluster mapping set (taxonomy A -> taxonomy B)
	From  *taxonomy.Taxonomy // taxonomy A (the cells' clusters and the crosswalk's sources)
}

// Composed is one cell mapped to one cluster of taxonomy B.
type Composed struct {
	Cell    string  `json:"cell"`
	Cluster string  `json:"cluster"`
	Score   float64 `json:"score"`
	Via     string  `json:"via"` // the cluster of taxonomy A the crosswalk matched
}

// ComposeReport counts what Compose did.
type ComposeReport struct {
	Cells      int    // cells with a cluster in A
	Composed   int    // cells that reached taxonomy B
	Rows       int    // composed mappings (a cell may reach several B clusters)
	Unresolved int    // cells whose cluster and its ancestors have no crosswalk row
	Target     string // taxonomy B
}

// Compose chains cell -> cluster (taxonomy A) with cluster (A) -> cluster
// (B) under ScoreRule. Cells whose cluster has no crosswalk on its path to
// the root are counted as unresolved.
func Compose(ctx context.Context, sn *store.Snapshot, o ComposeOptions) ([]Composed, *ComposeReport, error) {
	meta := sn.Meta(o.Via)
	if meta["kind"] != "mappings" || meta["mapping_kind"] != ClusterToCluster {
		return nil, nil, &ccc.Error{Op: "mappings compose", Row: -1, Value: o.Via, Msg: "not a cluster-cluster mapping set", Kind: ccc.ErrNotFound,
			Hint: "ingest one with 'ccc mappings ingest --kind cluster-cluster --set NAME ...'"}
	}
	if src := fmt.Sprint(meta["source"]); src != o.From.Name {
		return nil, nil, fmt.Errorf("%w: mapping set %s maps clusters of taxonomy %s, but the cells' clusters are of %s", ccc.ErrUsage, o.Via, src, o.From.Name)
	}
	cm := sn.Meta(o.Cells)
	cellTax := cm["taxonomy"]
	if cm["kind"] == "mappings" {
		cellTax = cm["target"]
	}
	if fmt.Sprint(cellTax) != o.From.Name {
		return nil, nil, fmt.Errorf("%w: the cells of %s are mapped to taxonomy %v, not %s", ccc.ErrUsage, o.Cells, cellTax, o.From.Name)
	}
	ct, err := sn.Table(o.Cells, "CellToClusterMapping")
	if err != nil {
		return nil, nil, &ccc.Error{Op: "mappings compose", Row: -1, Value: o.Cells, Msg: "no cell-to-cluster mappings in this dataset", Kind: ccc.ErrNotFound, Err: err,
			Hint: "ingest cells with --taxonomy and --cluster-col, or a cell-cluster mapping set"}
	}
	vt, err := sn.Table(o.Via, "ClusterToClusterMapping")
	if err != nil {
		return nil, nil, err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	type edge struct {
		to    string
		score float64
	}
	cross := map[int32][]edge{}
	rows, err := db.QueryContext(ctx, "SELECT source_cluster, target_cluster, coalesce(score, 1) FROM read_parquet("+store.QuoteString(vt.Path)+")")
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var s, t string
		var sc float64
		if err := rows.Scan(&s, &t, &sc); err != nil {
			rows.Close()
			return nil, nil, err
		}
		k, err := o.From.Lookup(s)
		if err != nil {
			rows.Close()
			return nil, nil, err
		}
		cross[k] = append(cross[k], edge{t, sc})
	}
	rows.Close()
	rep := &ComposeReport{Target: fmt.Sprint(meta["target"])}
	var out []Composed
	rows, err = db.QueryContext(ctx, "SELECT source_cell, target_cluster, coalesce(score, 1) FROM read_parquet("+store.QuoteString(ct.Path)+")")
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var cell, cl string
		var s1 float64
		if err := rows.Scan(&cell, &cl, &s1); err != nil {
			return nil, nil, err
		}
		rep.Cells++
		k, err := o.From.Lookup(cl)
		if err != nil {
			return nil, nil, err
		}
		var via int32 = -1
		for a := k; a > 0; a = o.From.Parent(a) {
			if len(cross[a]) > 0 {
				via = a
				break
			}
		}
		if via < 0 {
			rep.Unresolved++
			continue
		}
		best := map[string]float64{}
		var order []string
		for _, e := range cross[via] {
			s := s1 * e.score
			if old, ok := best[e.to]; !ok {
				order = append(order, e.to)
				best[e.to] = s
			} else if s > old {
				best[e.to] = s
			}
		}
		sort.Strings(order)
		for _, t := range order {
			out = append(out, Composed{Cell: cell, Cluster: t, Score: best[t], Via: o.From.Label(via)})
		}
		rep.Composed++
	}
	rep.Rows = len(out)
	return out, rep, rows.Err()
}

// SaveComposed stores composed mappings as mapping set name (a
// CellToClusterMapping set from the cells' dataset to taxonomy B) with the
// score rule in its parameters.
func SaveComposed(ctx context.Context, st *store.Store, name string, o ComposeOptions, rows []Composed, rep *ComposeReport) (store.Version, error) {
	if err := store.ValidDataset(name); err != nil {
		return store.Version{}, err
	}
	tx, err := st.Begin(ctx, store.TxOptions{Dataset: name, Message: fmt.Sprintf("mappings compose: %d cell-cluster mappings", len(rows)),
		Params: map[string]any{"command": "mappings compose", "cells": o.Cells, "via": o.Via}})
	if err != nil {
		return store.Version{}, err
	}
	defer tx.Rollback()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return store.Version{}, err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return store.Version{}, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE c (n BIGINT, cell VARCHAR, cluster VARCHAR, score DOUBLE)"); err != nil {
		return store.Version{}, err
	}
	var vals []string
	flush := func() error {
		if len(vals) == 0 {
			return nil
		}
		_, err := conn.ExecContext(ctx, "INSERT INTO c VALUES "+strings.Join(vals, ", "))
		vals = vals[:0]
		return err
	}
	for i, r := range rows {
		vals = append(vals, fmt.Sprintf("(%d, %s, %s, %g)", i, store.QuoteString(r.Cell), store.QuoteString(r.Cluster), r.Score))
		if len(vals) == 1000 {
			if err := flush(); err != nil {
				return store.Version{}, err
			}
		}
	}
	if err := flush(); err != nil {
		return store.Version{}, err
	}
	params, _ := json.Marshal(map[string]any{"score_rule": ScoreRule, "cells": o.Cells, "via": o.Via, "unresolved_cells": rep.Unresolved, "algorithm_run": name})
	set, now := store.QuoteString(name), store.QuoteString(time.Now().UTC().Format(time.RFC3339))
	for _, s := range []struct{ class, sel string }{
		{RunClass, fmt.Sprintf("SELECT %s AS id, 'compose' AS algorithm_name, %s AS parameters_json, CAST(%s AS TIMESTAMP) AS run_timestamp, %s AS score_description",
			set, store.QuoteString(string(params)), now, store.QuoteString(ScoreRule))},
		{SetClass, fmt.Sprintf("SELECT %s AS id, %s AS name, %s AS description, 'compose' AS method_name, CAST(%s AS TIMESTAMP) AS created_at, %s AS parameters_json, %s AS source_dataset, %s AS target_dataset",
			set, set, store.QuoteString(fmt.Sprintf("cells of %s mapped to %s through %s", o.Cells, rep.Target, o.Via)), now, store.QuoteString(string(params)),
			store.QuoteString(o.Cells), store.QuoteString(rep.Target))},
		{"CellToClusterMapping", fmt.Sprintf("SELECT %s || ':' || CAST(n AS VARCHAR) AS id, score, cell AS source_cell, cluster AS target_cluster, %s AS mapping_set FROM c ORDER BY n", set, set)},
	} {
		if _, err := conn.ExecContext(ctx, "COPY ("+s.sel+") TO "+store.QuoteString(tx.TablePath(s.class))+" (FORMAT parquet, COMPRESSION zstd)"); err != nil {
			return store.Version{}, fmt.Errorf("write %s: %w", s.class, err)
		}
	}
	tx.SetMeta("kind", "mappings")
	tx.SetMeta("mapping_kind", CellToCluster)
	tx.SetMeta("source", o.Cells)
	tx.SetMeta("target", rep.Target)
	tx.SetMeta("unresolved", rep.Unresolved)
	return tx.Commit()
}
