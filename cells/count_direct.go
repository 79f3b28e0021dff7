package cells

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ccc-connectivity/ccc/store"
)

// countDirect adds the counts and stats of one dataset by joining its
// cells with their cluster assignments in DuckDB over the Parquet files:
// the per-(brain_region, cluster) counts the CountClass table would hold,
// then the same roll-up.
func countDirect(ctx context.Context, db *sql.DB, in countInput, acc *counter, stats *CountStats) error {
	cells := "read_parquet(" + store.QuoteString(in.cells.Path) + ")"
	maps := "read_parquet(" + store.QuoteString(in.maps.Path) + ")"
	var c, l, total, unmatched int64
	err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM `+cells+`), (SELECT count(brain_region) FROM `+cells+`), (SELECT count(*) FROM `+maps+`),
		(SELECT count(*) FROM `+maps+` m ANTI JOIN `+cells+` c ON c.cell_id = m.source_cell)`).Scan(&c, &l, &total, &unmatched)
	if err != nil {
		return fmt.Errorf("cells count %s: %w", in.dataset, err)
	}
	stats.Cells += c
	stats.Located += l
	stats.Unmatched += unmatched
	// mapped / above the level per assigned cluster, over every mapping row
	rows, err := db.QueryContext(ctx, `SELECT target_cluster, count(*) FROM `+maps+` GROUP BY 1`)
	if err != nil {
		return fmt.Errorf("cells count %s: %w", in.dataset, err)
	}
	for rows.Next() {
		var cl sql.NullString
		var n int64
		if err := rows.Scan(&cl, &n); err != nil {
			rows.Close()
			return err
		}
		if !cl.Valid {
			continue
		}
		if _, ok := acc.group[cl.String]; ok {
			stats.Mapped += n
		} else {
			stats.AboveLvl += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = db.QueryContext(ctx, `SELECT c.brain_region, m.target_cluster, count(*) FROM (SELECT cell_id, brain_region FROM `+cells+` WHERE brain_region IS NOT NULL) c
		JOIN (SELECT source_cell, target_cluster FROM `+maps+`) m ON m.source_cell = c.cell_id GROUP BY 1, 2`)
	if err != nil {
		return fmt.Errorf("cells count %s: %w", in.dataset, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r int64
		var cl sql.NullString
		var n int64
		if err := rows.Scan(&r, &cl, &n); err != nil {
			return err
		}
		if cl.Valid {
			acc.add(r, cl.String, n)
		}
	}
	return rows.Err()
}
