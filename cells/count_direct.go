package cells

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ccc-connectivity/ccc/store"
)

// countDirect adds the counts and stats of one dataset by joining its
// cluster assignments with its cells in DuckDB over the Parquet files (one
// hash join): the per-(brain_region, cluster) counts the CountClass table
// would hold, then the same roll-up. Every assignment row counts in the
// stats (mapped at or below the level, above it, or without a cell).
func countDirect(ctx context.Context, db *sql.DB, in countInput, acc *counter, stats *CountStats) error {
	cells := "read_parquet(" + store.QuoteString(in.cells.Path) + ")"
	maps := "read_parquet(" + store.QuoteString(in.maps.Path) + ")"
	var c, l int64
	if err := db.QueryRowContext(ctx, `SELECT count(*), count(brain_region) FROM `+cells).Scan(&c, &l); err != nil {
		return fmt.Errorf("cells count %s: %w", in.dataset, err)
	}
	stats.Cells += c
	stats.Located += l
	rows, err := db.QueryContext(ctx, `SELECT c.brain_region, m.target_cluster, c.cell_id IS NULL, count(*)
		FROM (SELECT source_cell, target_cluster FROM `+maps+`) m LEFT JOIN (SELECT cell_id, brain_region FROM `+cells+`) c ON c.cell_id = m.source_cell
		GROUP BY 1, 2, 3`)
	if err != nil {
		return fmt.Errorf("cells count %s: %w", in.dataset, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r sql.NullInt64
		var cl sql.NullString
		var unmatched bool
		var n int64
		if err := rows.Scan(&r, &cl, &unmatched, &n); err != nil {
			return err
		}
		if unmatched {
			stats.Unmatched += n
		}
		if !cl.Valid {
			continue
		}
		if _, ok := acc.group[cl.String]; ok {
			stats.Mapped += n
		} else {
			stats.AboveLvl += n
		}
		if r.Valid && !unmatched {
			acc.add(r.Int64, cl.String, n)
		}
	}
	return rows.Err()
}
