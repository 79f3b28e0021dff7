package cells

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/taxonomy"
)

// Unmapped is the type of a cell without a cluster of the taxonomy at or
// below the requested level.
const Unmapped = "unmapped"

// AssignmentSources lists the datasets holding CellToClusterMapping rows
// into taxonomy name: cell datasets ingested with it, and cell-cluster
// mapping sets (e.g. composed ones) targeting it. Sorted.
func AssignmentSources(sn *store.Snapshot, name string) []string {
	var out []string
	for _, ti := range sn.Tables(CellClusterMap) {
		m := sn.Meta(ti.Dataset)
		if (m["kind"] == "cells" && m["taxonomy"] == name) || (m["kind"] == "mappings" && m["mapping_kind"] == "cell-cluster" && m["target"] == name) {
			out = append(out, ti.Dataset)
		}
	}
	sort.Strings(out)
	return out
}

// TypeLookup maps cell ids to their cluster at level (1 = broadest) of t,
// through the CellToClusterMapping rows of sources (nil: all of
// AssignmentSources). A cell mapped several times takes its highest-score
// cluster (a missing score counts as 1; ties: the smaller label); a cell
// whose cluster is broader than level is left out.
func TypeLookup(ctx context.Context, sn *store.Snapshot, t *taxonomy.Taxonomy, level int, sources []string) (map[string]string, error) {
	if sources == nil {
		sources = AssignmentSources(sn, t.Name)
	}
	if len(sources) == 0 {
		return nil, &ccc.Error{Op: "cell types", Row: -1, Value: t.Name, Msg: "no cells are mapped to this taxonomy", Kind: ErrNoMapping,
			Hint: "ingest cells with --taxonomy " + t.Name + ", or compose a mapping ('ccc mappings compose --save NAME')"}
	}
	var parts []string
	for _, d := range sources {
		ti, err := sn.Table(d, CellClusterMap)
		if err != nil {
			return nil, err
		}
		parts = append(parts, "SELECT source_cell, target_cluster, coalesce(score, 1) AS score FROM read_parquet("+store.QuoteString(ti.Path)+")")
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	q := "SELECT source_cell, first(target_cluster ORDER BY score DESC, target_cluster) FROM (" + strings.Join(parts, " UNION ALL ") + ") GROUP BY source_cell"
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("cell types: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	cache := map[string]string{}
	for rows.Next() {
		var cell, cl string
		if err := rows.Scan(&cell, &cl); err != nil {
			return nil, err
		}
		lab, ok := cache[cl]
		if !ok {
			if k, err := t.Lookup(cl); err == nil {
				if a := t.AncestorAt(k, level); a >= 0 {
					lab = t.Label(a)
				}
			}
			cache[cl] = lab
		}
		if lab != "" {
			out[cell] = lab
		}
	}
	return out, rows.Err()
}
