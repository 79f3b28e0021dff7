// Package srctable loads a CSV (all columns as text) or Parquet input into
// an in-memory DuckDB temp table "src" with a 0-based _row column, for
// loaders that check and join rows in SQL and name bad rows by number.
package srctable

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // database/sql driver "duckdb"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

// Source is the loaded table and the connection that holds it.
type Source struct {
	DB      *sql.DB
	Conn    *sql.Conn
	Columns []string // the input's columns (without _row)
}

// Open reads path (.parquet/.pq as Parquet, anything else as CSV with a
// header) into table src; op names the operation in errors.
func Open(ctx context.Context, op, path string) (*Source, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &Source{DB: db, Conn: conn}
	from := "read_csv(" + store.QuoteString(path) + ", header=true, all_varchar=true)"
	if ext := strings.ToLower(filepath.Ext(path)); ext == ".parquet" || ext == ".pq" {
		from = "read_parquet(" + store.QuoteString(path) + ")"
	}
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE src AS SELECT (row_number() OVER ()) - 1 AS _row, * FROM "+from); err != nil {
		s.Close()
		return nil, &ccc.Error{Op: op, Path: path, Row: -1, Msg: "cannot read the table", Hint: "give a CSV with a header row or a Parquet file", Kind: ccc.ErrFormat, Err: err}
	}
	rows, err := conn.QueryContext(ctx, "SELECT * FROM src LIMIT 0")
	if err != nil {
		s.Close()
		return nil, err
	}
	cols, err := rows.Columns()
	rows.Close()
	if err != nil {
		s.Close()
		return nil, err
	}
	s.Columns = cols[1:]
	return s, nil
}

// Close releases the connection and the database.
func (s *Source) Close() {
	s.Conn.Close()
	s.DB.Close()
}
