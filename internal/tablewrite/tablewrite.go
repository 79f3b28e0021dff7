// Package tablewrite writes small store tables: records staged as NDJSON
// and converted to Parquet by DuckDB with declared column types (so empty
// tables and all-null columns keep their schema types).
package tablewrite

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	_ "github.com/duckdb/duckdb-go/v2" // database/sql driver "duckdb"

	"github.com/ccc-connectivity/ccc/store"
)

// NDJSON stages the records fill emits in scratch and writes them to the
// Parquet file out; columns is a DuckDB read_json column spec such as
// `id: 'VARCHAR', level: 'INTEGER'`.
func NDJSON(ctx context.Context, scratch, out, columns string, fill func(emit func(map[string]any) error) error) error {
	tmp := filepath.Join(scratch, filepath.Base(out)+".ndjson")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	if err := fill(func(r map[string]any) error { return enc.Encode(r) }); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	q := fmt.Sprintf(`COPY (SELECT * FROM read_json(%s, format='newline_delimited', columns={%s})) TO %s (FORMAT parquet, COMPRESSION zstd)`,
		store.QuoteString(tmp), columns, store.QuoteString(out))
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(out), err)
	}
	return os.Remove(tmp)
}

// Records is NDJSON for records held in memory.
func Records(ctx context.Context, scratch, out, columns string, recs []map[string]any) error {
	return NDJSON(ctx, scratch, out, columns, func(emit func(map[string]any) error) error {
		for _, r := range recs {
			if err := emit(r); err != nil {
				return err
			}
		}
		return nil
	})
}
