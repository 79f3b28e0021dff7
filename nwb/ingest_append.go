package nwb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

// sessionTables are the tables with rows per session; Append keeps the
// dataset's earlier rows of each and adds the new sessions' rows.
var sessionTables = []string{"DataItem", "RecordingSession", "RecordingSite", "SortedUnit", "NWBArray"}

// existingSessions returns the session identifiers the dataset holds in
// snapshot sn (its DataItem ids).
func existingSessions(ctx context.Context, sn *store.Snapshot, dataset string) (map[string]bool, error) {
	ti, err := sn.Table(dataset, "DataItem")
	if err != nil {
		return map[string]bool{}, nil // a new dataset: nothing to keep
	}
	db, err := openDuckDB()
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT id FROM read_parquet("+store.QuoteString(ti.Path)+")")
	if err != nil {
		return nil, fmt.Errorf("nwb ingest --append: read sessions of dataset %s: %w", dataset, err)
	}
	defer rows.Close()
	ids := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids[id] = true
	}
	return ids, rows.Err()
}

// appendEarlier rewrites each staged session table as the dataset's rows
// in snapshot sn followed by the staged (new) rows. The two must have the
// same columns: a table written by another ccc version is an error, not a
// silent mix of types.
func appendEarlier(ctx context.Context, sn *store.Snapshot, tx *store.Tx, dataset string) error {
	db, err := openDuckDB()
	if err != nil {
		return err
	}
	defer db.Close()
	for _, class := range sessionTables {
		old, err := sn.Table(dataset, class)
		if err != nil {
			continue // the dataset has no such table yet
		}
		staged := tx.TablePath(class)
		added := filepath.Join(tx.StagingDir(), class+".added.parquet")
		if err := os.Rename(staged, added); err != nil {
			return err
		}
		oldCols, err := parquetColumns(ctx, db, old.Path)
		if err != nil {
			return err
		}
		newCols, err := parquetColumns(ctx, db, added)
		if err != nil {
			return err
		}
		if oldCols != newCols {
			return &ccc.Error{Op: "nwb ingest --append", Path: old.File, Row: -1, Field: class, Kind: ccc.ErrConflict,
				Msg:  fmt.Sprintf("the dataset's %s table has columns (%s), this ingest writes (%s)", class, oldCols, newCols),
				Hint: "the table was written by another ccc version, or with another --space: ingest every session again without --append"}
		}
		q := fmt.Sprintf("COPY (SELECT * FROM read_parquet(%s) UNION ALL SELECT * FROM read_parquet(%s)) TO %s (FORMAT parquet)",
			store.QuoteString(old.Path), store.QuoteString(added), store.QuoteString(staged))
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("nwb ingest --append: %s: %w", class, err)
		}
		if err := os.Remove(added); err != nil {
			return err
		}
	}
	return nil
}

func parquetColumns(ctx context.Context, db duckDB, p string) (string, error) {
	rows, err := db.QueryContext(ctx, "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet("+store.QuoteString(p)+"))")
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var n, t string
		if err := rows.Scan(&n, &t); err != nil {
			return "", err
		}
		cols = append(cols, n+" "+t)
	}
	return strings.Join(cols, ", "), rows.Err()
}

// earlierFiles returns the NWB files the dataset's metadata in snapshot sn
// records.
func earlierFiles(sn *store.Snapshot, dataset string) []string {
	var out []string
	if l, ok := sn.Meta(dataset)["nwb_files"].([]any); ok {
		for _, f := range l {
			if s, ok := f.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}
