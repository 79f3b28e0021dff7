package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ccc-connectivity/ccc"
)

// CheckSelect refuses anything but one read-only SELECT statement (which
// includes FROM-first queries, WITH, VALUES, DESCRIBE, SHOW and SUMMARIZE)
// before user SQL runs on a ReadOnlyDB. DuckDB's own parser decides: the
// query is prepared (never executed) and its statement type must be
// SELECT, so COPY ... TO, EXPORT DATABASE, CREATE, INSERT, ATTACH,
// INSTALL/LOAD, SET, PRAGMA, CALL and EXPLAIN (EXPLAIN ANALYZE runs its
// statement) are refused whatever paths they name, and so are several
// statements at once. The error is a ccc.Error of kind ccc.ErrUsage.
func CheckSelect(ctx context.Context, db *sql.DB, q string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	refuse := func(msg, hint string) error {
		return &ccc.Error{Op: "query", Row: -1, Msg: msg, Kind: ccc.ErrUsage, Hint: hint}
	}
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("store: query: unexpected driver connection %T", dc)
		}
		// Prepare (without a context) refuses more than one statement.
		st, err := c.Prepare(q)
		if err != nil {
			if strings.Contains(err.Error(), "multi-statement") {
				return refuse("only one SQL statement at a time", "send each SELECT separately")
			}
			msg := strings.TrimPrefix(err.Error(), "could not prepare query\n")
			if strings.Contains(msg, "Permission Error") {
				return refuse(msg, "queries read only the tables of the store version (see docs/security.md); the views are listed by SELECT * FROM ccc_tables")
			}
			return refuse(msg, "check the SQL; the views are listed by SELECT * FROM ccc_tables")
		}
		defer st.Close()
		ds, ok := st.(*duckdb.Stmt)
		if !ok {
			return fmt.Errorf("store: query: unexpected driver statement %T", st)
		}
		t, err := ds.StatementType()
		if err != nil {
			return err
		}
		if t != duckdb.STATEMENT_TYPE_SELECT {
			return refuse(fmt.Sprintf("only read-only SELECT queries are allowed, not a %s statement", stmtTypeName(t)),
				"queries never write: to save a result use --out FILE (or --format parquet --out FILE) outside the store")
		}
		return nil
	})
}

func stmtTypeName(t duckdb.StmtType) string {
	switch t {
	case duckdb.STATEMENT_TYPE_COPY:
		return "COPY"
	case duckdb.STATEMENT_TYPE_EXPORT:
		return "EXPORT"
	case duckdb.STATEMENT_TYPE_CREATE, duckdb.STATEMENT_TYPE_CREATE_FUNC:
		return "CREATE"
	case duckdb.STATEMENT_TYPE_INSERT:
		return "INSERT"
	case duckdb.STATEMENT_TYPE_UPDATE:
		return "UPDATE"
	case duckdb.STATEMENT_TYPE_DELETE:
		return "DELETE"
	case duckdb.STATEMENT_TYPE_ATTACH:
		return "ATTACH"
	case duckdb.STATEMENT_TYPE_DETACH:
		return "DETACH"
	case duckdb.STATEMENT_TYPE_LOAD:
		return "INSTALL/LOAD"
	case duckdb.STATEMENT_TYPE_SET, duckdb.STATEMENT_TYPE_VARIABLE_SET:
		return "SET"
	case duckdb.STATEMENT_TYPE_PRAGMA:
		return "PRAGMA"
	case duckdb.STATEMENT_TYPE_EXPLAIN:
		return "EXPLAIN"
	case duckdb.STATEMENT_TYPE_CALL:
		return "CALL"
	case duckdb.STATEMENT_TYPE_ALTER:
		return "ALTER"
	case duckdb.STATEMENT_TYPE_DROP:
		return "DROP"
	case duckdb.STATEMENT_TYPE_TRANSACTION:
		return "transaction"
	}
	return fmt.Sprintf("non-SELECT (type %d)", t)
}

// CheckOutput refuses an output file (of query, export or any other
// reading command) that would lie inside the store directory, after
// resolving symbolic links (and "..", after the links as the kernel does)
// of the path and of the store, and an existing file with other hard links
// (writing it would change every link, possibly a store file). It returns
// the absolute path to write. The error is a ccc.Error of kind
// ccc.ErrUsage wrapping ErrOutputInStore.
func (s *Store) CheckOutput(path string) (string, error) { return CheckOutputIn(s.dir, path) }

// CheckOutputIn is CheckOutput for the store directory dir (which need not
// be open, or even exist).
func CheckOutputIn(dir, path string) (string, error) {
	if d, err := filepath.Abs(dir); err == nil {
		dir = d
	}
	raw := path
	if !filepath.IsAbs(raw) {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		raw = wd + string(os.PathSeparator) + raw
	}
	abs := filepath.Clean(raw)
	refuse := func(msg string) error {
		return &ccc.Error{Op: "write output", Path: abs, Row: -1, Msg: msg, Kind: ccc.ErrUsage,
			Hint: "write outside the store directory: its files are immutable and only ccc's writers change them", Err: ErrOutputInStore}
	}
	if inside(resolve(raw), resolve(dir)) || inside(abs, dir) {
		return "", refuse("output file is inside the store " + dir)
	}
	if st, err := os.Stat(raw); err == nil {
		if sys, ok := st.Sys().(*syscall.Stat_t); ok && st.Mode().IsRegular() && sys.Nlink > 1 {
			return "", refuse(fmt.Sprintf("output file exists with %d hard links (one may be a store file); remove it first", sys.Nlink))
		}
	}
	return abs, nil
}

// resolve returns p with symbolic links resolved as far as p exists (the
// missing tail is appended as is).
func resolve(p string) string {
	var tail []string
	for {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(append([]string{r}, tail...)...)
		}
		i := strings.LastIndex(p, string(os.PathSeparator))
		if i <= 0 {
			return filepath.Join(append([]string{filepath.Clean(p)}, tail...)...)
		}
		tail = append([]string{p[i+1:]}, tail...)
		p = p[:i]
	}
}

// inside reports whether p is dir or below it.
func inside(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(os.PathSeparator))
}
