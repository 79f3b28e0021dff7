package spark

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/ccc-connectivity/ccc/store"
)

// FileURI maps a table file (relative to the store root, / separated) to
// the URI the cluster reads: storeURI + "/" + file, or a file:// URI of the
// local path when storeURI is empty.
func FileURI(storeDir, storeURI, file string) (string, error) {
	if storeURI == "" {
		abs, err := filepath.Abs(storeDir)
		if err != nil {
			return "", err
		}
		return "file://" + filepath.ToSlash(filepath.Join(abs, filepath.FromSlash(file))), nil
	}
	return strings.TrimRight(storeURI, "/") + "/" + file, nil
}

// ViewStatements returns the Spark SQL statements that register a store
// version: one temporary view per class over exactly the manifest's files
// (the union over datasets with a leading dataset column, columns in order
// of first appearance, missing columns NULL, columns whose type differs
// between datasets read as STRING: the embedded engine's view rules), plus
// ccc_tables, ccc_datasets and ccc_version. uri maps a table to the URI
// the cluster reads.
func ViewStatements(v store.Version, tables []store.TableInfo, uri func(store.TableInfo) (string, error)) ([]string, []string, error) {
	byClass := map[string][]store.TableInfo{}
	for _, t := range tables {
		byClass[t.Class] = append(byClass[t.Class], t)
	}
	classes := make([]string, 0, len(byClass))
	for c := range byClass {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	var stmts, names []string
	for _, class := range classes {
		ts := byClass[class]
		sort.Slice(ts, func(i, j int) bool { return ts[i].Dataset < ts[j].Dataset })
		var order []string
		types := map[string]string{}
		clash := map[string]bool{}
		for _, t := range ts {
			for _, c := range t.Columns {
				if prev, ok := types[c.Name]; ok {
					if prev != c.Type {
						clash[c.Name] = true
					}
					continue
				}
				types[c.Name] = c.Type
				order = append(order, c.Name)
			}
		}
		dsCol := store.DatasetColumn(ts)
		parts := make([]string, len(ts))
		for i, t := range ts {
			have := map[string]bool{}
			for _, c := range t.Columns {
				have[c.Name] = true
			}
			cols := []string{quoteString(t.Dataset) + " AS " + quoteIdent(dsCol)}
			for _, name := range order {
				switch {
				case !have[name] && clash[name]:
					cols = append(cols, "CAST(NULL AS STRING) AS "+quoteIdent(name))
				case !have[name]:
					cols = append(cols, "NULL AS "+quoteIdent(name))
				case clash[name]:
					cols = append(cols, "CAST("+quoteIdent(name)+" AS STRING) AS "+quoteIdent(name))
				default:
					cols = append(cols, quoteIdent(name))
				}
			}
			u, err := uri(t)
			if err != nil {
				return nil, nil, err
			}
			parts[i] = "SELECT " + strings.Join(cols, ", ") + " FROM parquet." + quoteIdent(u)
		}
		stmts = append(stmts, "CREATE OR REPLACE TEMPORARY VIEW "+quoteIdent(class)+" AS "+strings.Join(parts, " UNION ALL "))
		names = append(names, class)
	}
	var rows []string
	for _, t := range tables {
		rows = append(rows, fmt.Sprintf("(%s, %s, %s, CAST(%d AS BIGINT), %s, %d)", quoteString(t.Dataset), quoteString(t.Class), quoteString(t.Path), t.Rows, quoteString(t.SHA256), t.Version))
	}
	if len(rows) > 0 {
		stmts = append(stmts, "CREATE OR REPLACE TEMPORARY VIEW ccc_tables AS SELECT * FROM VALUES "+strings.Join(rows, ", ")+" AS t(dataset, class, path, rows, sha256, version)")
	} else {
		stmts = append(stmts, "CREATE OR REPLACE TEMPORARY VIEW ccc_tables AS SELECT '' AS dataset, '' AS class, '' AS path, CAST(0 AS BIGINT) AS rows, '' AS sha256, 0 AS version WHERE false")
	}
	var ds []string
	for _, name := range sortedKeys(v.Datasets) {
		st := v.Datasets[name]
		ds = append(ds, fmt.Sprintf("(%s, %d, %d, %d, %d)", quoteString(name), st.Created, st.Updated, len(st.Tables), len(st.Artifacts)))
	}
	if len(ds) > 0 {
		stmts = append(stmts, "CREATE OR REPLACE TEMPORARY VIEW ccc_datasets AS SELECT * FROM VALUES "+strings.Join(ds, ", ")+" AS t(dataset, created_version, updated_version, tables, artifacts)")
	} else {
		stmts = append(stmts, "CREATE OR REPLACE TEMPORARY VIEW ccc_datasets AS SELECT '' AS dataset, 0 AS created_version, 0 AS updated_version, 0 AS tables, 0 AS artifacts WHERE false")
	}
	stmts = append(stmts, fmt.Sprintf("CREATE OR REPLACE TEMPORARY VIEW ccc_version AS SELECT %d AS version", v.Number))
	names = append(names, "ccc_tables", "ccc_datasets", "ccc_version")
	return stmts, names, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Register makes the snapshot's classes visible to Spark SQL as temporary
// views of this session (see ViewStatements). With classes given, only
// those classes get a view (each view makes Spark read its files'
// footers); the ccc_tables, ccc_datasets and ccc_version listings are
// always registered. A file the cluster cannot read fails here with
// ErrPathNotVisible.
func (s *Session) Register(ctx context.Context, st *store.Store, sn *store.Snapshot, classes ...string) error {
	stmts, names, err := ViewStatements(sn.Version(), sn.AllTables(), func(t store.TableInfo) (string, error) {
		return FileURI(st.Dir(), s.storeURI, t.File)
	})
	if err != nil {
		return err
	}
	for i, q := range stmts {
		if len(classes) > 0 && !strings.HasPrefix(names[i], "ccc_") && !slices.Contains(classes, names[i]) {
			continue
		}
		if err := s.exec(ctx, "register store version on spark", q); err != nil {
			return err
		}
		s.views = append(s.views, names[i])
	}
	return nil
}
