package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
)

// CatalogFile is the DuckDB database with one view per class over the
// latest version. It is derived from the manifests and rebuilt after every
// commit (and by Check when stale).
const CatalogFile = "catalog.duckdb"

// QuoteString quotes s as a SQL string literal.
func QuoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// QuoteIdent quotes s as a SQL identifier.
func QuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// viewStatements returns the CREATE VIEW statements of a snapshot: one view
// per class, the union (by column name) over datasets with a leading
// "dataset" column, plus the ccc_tables, ccc_datasets and ccc_version
// listings.
func viewStatements(v *Version) []string {
	byClass := map[string][]TableInfo{}
	if v != nil {
		for _, st := range v.Datasets {
			for _, t := range st.Tables {
				byClass[t.Class] = append(byClass[t.Class], *t)
			}
		}
	}
	var out []string
	for _, class := range sortedKeys(byClass) {
		ts := byClass[class]
		sort.Slice(ts, func(i, j int) bool { return ts[i].Dataset < ts[j].Dataset })
		// Columns whose type differs between datasets are read as VARCHAR
		// so that one odd table cannot break the class view.
		types := map[string]string{}
		clash := map[string]bool{}
		for _, t := range ts {
			for _, c := range t.Columns {
				if prev, ok := types[c.Name]; ok && prev != c.Type {
					clash[c.Name] = true
				}
				types[c.Name] = c.Type
			}
		}
		// A class with a slot named "dataset" (e.g. DataItem) keeps it; the
		// store's dataset name is then the column store_dataset.
		dsCol := DatasetColumn(ts)
		parts := make([]string, len(ts))
		for i, t := range ts {
			var repl []string
			for _, c := range t.Columns {
				if clash[c.Name] {
					repl = append(repl, fmt.Sprintf("CAST(%s AS VARCHAR) AS %s", QuoteIdent(c.Name), QuoteIdent(c.Name)))
				}
			}
			star := "*"
			if len(repl) > 0 {
				star += " REPLACE (" + strings.Join(repl, ", ") + ")"
			}
			parts[i] = fmt.Sprintf("SELECT %s AS %s, %s FROM read_parquet(%s)", QuoteString(t.Dataset), dsCol, star, QuoteString(t.Path))
		}
		out = append(out, fmt.Sprintf("CREATE OR REPLACE VIEW %s AS %s", QuoteIdent(class), strings.Join(parts, " UNION ALL BY NAME ")))
	}
	var rows []string
	if v != nil {
		for _, ds := range sortedKeys(v.Datasets) {
			st := v.Datasets[ds]
			for _, class := range sortedKeys(st.Tables) {
				t := st.Tables[class]
				rows = append(rows, fmt.Sprintf("(%s, %s, %s, %d, %s, %d)", QuoteString(ds), QuoteString(class), QuoteString(t.Path), t.Rows, QuoteString(t.SHA256), t.Version))
			}
		}
	}
	var dsRows []string
	if v != nil {
		for _, ds := range sortedKeys(v.Datasets) {
			st := v.Datasets[ds]
			dsRows = append(dsRows, fmt.Sprintf("(%s, %d, %d, %d, %d)", QuoteString(ds), st.Created, st.Updated, len(st.Tables), len(st.Artifacts)))
		}
	}
	if len(dsRows) > 0 {
		out = append(out, "CREATE OR REPLACE VIEW ccc_datasets AS SELECT * FROM (VALUES "+strings.Join(dsRows, ", ")+
			") AS t(dataset, created_version, updated_version, tables, artifacts)")
	} else {
		out = append(out, "CREATE OR REPLACE VIEW ccc_datasets AS SELECT ''::VARCHAR AS dataset, 0 AS created_version, 0 AS updated_version, 0 AS tables, 0 AS artifacts WHERE false")
	}
	num := 0
	if v != nil {
		num = v.Number
	}
	if len(rows) > 0 {
		out = append(out, "CREATE OR REPLACE VIEW ccc_tables AS SELECT * FROM (VALUES "+strings.Join(rows, ", ")+
			") AS t(dataset, class, path, rows, sha256, version)")
	} else {
		out = append(out, "CREATE OR REPLACE VIEW ccc_tables AS SELECT ''::VARCHAR AS dataset, ''::VARCHAR AS class, ''::VARCHAR AS path, 0::BIGINT AS rows, ''::VARCHAR AS sha256, 0 AS version WHERE false")
	}
	out = append(out, fmt.Sprintf("CREATE OR REPLACE VIEW ccc_version AS SELECT %d AS version", num))
	return out
}

// rebuildCatalog writes catalog.duckdb for v (nil: the latest version) via
// a temporary file and an atomic rename.
func (s *Store) rebuildCatalog(v *Version) error {
	if v == nil {
		var err error
		if v, err = s.latest(); err != nil {
			return err
		}
	}
	tmp := s.catalogTemp()
	if err := s.writeCatalog(nil, v, tmp); err != nil {
		return err
	}
	return s.installCatalog(tmp)
}

// catalogTemp is where a writer builds the next catalog file (under tmp/,
// which the next writer clears should this one die).
func (s *Store) catalogTemp() string {
	return filepath.Join(s.dir, "tmp", fmt.Sprintf("catalog-%d.duckdb", os.Getpid()))
}

// catalogSeq numbers the catalog files attached at the same time.
var catalogSeq atomic.Int64

// writeCatalog writes the views of v into a new DuckDB file tmp, synced.
// It attaches the file to an in-memory DuckDB already running (db, or the
// store's own), which saves starting a database per commit; the views are
// created in one transaction and DETACH checkpoints the file.
func (s *Store) writeCatalog(db *sql.DB, v *Version, tmp string) error {
	_ = os.Remove(tmp)
	_ = os.Remove(tmp + ".wal")
	if db == nil {
		var err error
		if db, err = s.metaDB(); err != nil {
			return err
		}
	}
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: catalog: %w", err)
	}
	defer c.Close()
	alias := fmt.Sprintf("ccc_catalog_%d", catalogSeq.Add(1))
	if _, err := c.ExecContext(ctx, fmt.Sprintf("ATTACH %s AS %s", QuoteString(tmp), alias)); err != nil {
		return fmt.Errorf("store: catalog: %w", err)
	}
	werr := func() error {
		if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
			return err
		}
		const create = "CREATE OR REPLACE VIEW "
		for _, q := range viewStatements(v) {
			if _, err := c.ExecContext(ctx, create+alias+"."+strings.TrimPrefix(q, create)); err != nil {
				_, _ = c.ExecContext(ctx, "ROLLBACK")
				return err
			}
		}
		_, err := c.ExecContext(ctx, "COMMIT")
		return err
	}()
	if _, err := c.ExecContext(ctx, "DETACH "+alias); err != nil && werr == nil {
		werr = err
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("store: catalog: %w", werr)
	}
	return fsyncFile(tmp)
}

// installCatalog seals the catalog file tmp and renames it over
// catalog.duckdb.
func (s *Store) installCatalog(tmp string) error {
	if err := sealFile(tmp); err != nil {
		return fmt.Errorf("store: catalog: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, CatalogFile)); err != nil {
		return fmt.Errorf("store: catalog: %w", err)
	}
	return syncDir(s.dir)
}

// catalogVersion returns the version number the catalog file describes,
// or -1 when it is missing or unreadable.
func (s *Store) catalogVersion(ctx context.Context) int {
	p := filepath.Join(s.dir, CatalogFile)
	if _, err := os.Stat(p); err != nil {
		return -1
	}
	db, err := sql.Open("duckdb", p+"?access_mode=read_only")
	if err != nil {
		return -1
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, "SELECT version FROM ccc_version").Scan(&n); err != nil {
		return -1
	}
	return n
}

// parquetInfo reads the row count (from the Parquet footer) and the column
// names and types of a Parquet file.
func (s *Store) parquetInfo(ctx context.Context, path string) (int64, []Column, error) {
	return s.parquetInfoDB(ctx, nil, path)
}

// parquetInfoDB is parquetInfo through db (nil: the store's own DuckDB).
func (s *Store) parquetInfoDB(ctx context.Context, db *sql.DB, path string) (int64, []Column, error) {
	if db == nil {
		var err error
		if db, err = s.metaDB(); err != nil {
			return 0, nil, err
		}
	}
	var rows sql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT sum(num_rows)::BIGINT FROM parquet_file_metadata("+QuoteString(path)+")").Scan(&rows); err != nil {
		return 0, nil, fmt.Errorf("store: %s is not a readable Parquet file: %w", path, errFormat(err))
	}
	rs, err := db.QueryContext(ctx, "DESCRIBE SELECT * FROM read_parquet("+QuoteString(path)+")")
	if err != nil {
		return 0, nil, fmt.Errorf("store: describe %s: %w", path, errFormat(err))
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out []Column
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return 0, nil, err
		}
		out = append(out, Column{Name: fmt.Sprint(vals[0]), Type: fmt.Sprint(vals[1])})
	}
	return rows.Int64, out, rs.Err()
}

// DatasetColumn is the name of the column holding the store dataset in a
// class view over tables: "dataset", or "store_dataset" when a table has
// its own column called dataset.
func DatasetColumn(tables []TableInfo) string {
	for _, t := range tables {
		for _, c := range t.Columns {
			if c.Name == "dataset" {
				return "store_dataset"
			}
		}
	}
	return "dataset"
}
