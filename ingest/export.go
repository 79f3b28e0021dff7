package ingest

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/linkml"
	"github.com/ccc-connectivity/ccc/store"
)

// ExportOptions describe one export.
type ExportOptions struct {
	Class   string
	Dataset string    // "" = all datasets (adds a leading dataset column, store_dataset if the class has a dataset slot)
	Ref     store.Ref // version or time (zero: latest)
	Format  string    // parquet, csv, jsonl, json or yaml
	Schema  *linkml.Schema
}

// Export writes a class table to out (a file path) or, when out is "-",
// to w. Parquet and CSV keep the stored flat layout (nested objects as
// <slot>_<sub> columns); JSON, JSONL and YAML reconstitute nested objects
// and omit absent values (YAML). It returns the number of records.
func Export(ctx context.Context, st *store.Store, o ExportOptions, out string, w io.Writer) (int64, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if out != "-" {
		var err error
		if out, err = st.CheckOutput(out); err != nil {
			return 0, err
		}
	}
	sn, err := st.Snapshot(o.Ref)
	if err != nil {
		return 0, err
	}
	var tables []store.TableInfo
	if o.Dataset != "" {
		t, err := sn.Table(o.Dataset, o.Class)
		if err != nil {
			return 0, err
		}
		tables = []store.TableInfo{t}
	} else {
		tables = sn.Tables(o.Class)
		if len(tables) == 0 {
			return 0, &ccc.Error{Op: "export", Path: st.Dir(), Row: -1, Field: o.Class, Msg: fmt.Sprintf("no %s table in any dataset at version %d", o.Class, sn.Number()), Kind: ccc.ErrNotFound,
				Hint: "see 'ccc versions' for what the store holds"}
		}
	}
	var parts []string
	dsCol := quoteIdent(store.DatasetColumn(tables))
	for _, t := range tables {
		if o.Dataset != "" {
			parts = append(parts, fmt.Sprintf("SELECT * FROM read_parquet(%s)", store.QuoteString(t.Path)))
		} else {
			parts = append(parts, fmt.Sprintf("SELECT %s AS %s, * FROM read_parquet(%s)", store.QuoteString(t.Dataset), dsCol, store.QuoteString(t.Path)))
		}
	}
	src := strings.Join(parts, " UNION ALL BY NAME ")

	db, err := sql.Open("duckdb", "")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET TimeZone = 'UTC'"); err != nil {
		return 0, err
	}
	var n int64
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM ("+src+")").Scan(&n); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}

	nested := src
	if o.Format == "jsonl" || o.Format == "json" || o.Format == "yaml" {
		if nested, err = nestedSelect(ctx, conn, o, src); err != nil {
			return 0, err
		}
	}
	var copyOpts string
	switch o.Format {
	case "parquet":
		copyOpts = "FORMAT parquet, COMPRESSION zstd"
	case "csv":
		copyOpts = "FORMAT csv, HEADER true"
	case "jsonl":
		copyOpts = "FORMAT json"
	case "json":
		copyOpts = "FORMAT json, ARRAY true"
	case "yaml":
		return n, exportYAML(ctx, conn, nested, out, w)
	default:
		return 0, fmt.Errorf("%w: unknown export format %q (parquet, csv, jsonl, json, yaml)", ccc.ErrUsage, o.Format)
	}
	target := out
	if out == "-" {
		tmp, err := os.MkdirTemp("", "ccc-export-")
		if err != nil {
			return 0, err
		}
		defer os.RemoveAll(tmp)
		target = filepath.Join(tmp, "out."+o.Format)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("COPY (%s) TO %s (%s)", nested, store.QuoteString(target), copyOpts)); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	if out == "-" {
		f, err := os.Open(target)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		if _, err := io.Copy(w, f); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// nestedSelect rebuilds nested objects from flattened <slot>_<sub>
// columns, following the class model (NULL when every part is NULL).
func nestedSelect(ctx context.Context, conn *sql.Conn, o ExportOptions, src string) (string, error) {
	sch := o.Schema
	if sch == nil {
		var err error
		if sch, err = linkml.LoadBuiltin(linkml.LoadOptions{}); err != nil {
			return "", err
		}
	}
	m, err := NewModel(sch, o.Class)
	if err != nil {
		return "", err
	}
	rows, err := conn.QueryContext(ctx, "DESCRIBE "+src)
	if err != nil {
		return "", fmt.Errorf("export: %w", err)
	}
	var cols []string
	for rows.Next() {
		vals := make([]any, 6)
		ptrs := make([]any, 6)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			rows.Close()
			return "", err
		}
		cols = append(cols, fmt.Sprint(vals[0]))
	}
	rows.Close()
	have := map[string]bool{}
	for _, c := range cols {
		have[c] = true
	}
	groups := m.nestedGroups()
	done := map[string]bool{}
	var sel []string
	for _, c := range cols {
		f := m.Field(c)
		if f == nil || f.Path == nil {
			sel = append(sel, quoteIdent(c))
			continue
		}
		if done[f.Slot] {
			continue
		}
		done[f.Slot] = true
		sel = append(sel, structExpr(groups[f.Slot], 0, have)+" AS "+quoteIdent(f.Slot))
	}
	return fmt.Sprintf("SELECT %s FROM (%s)", strings.Join(sel, ", "), src), nil
}

// structExpr builds struct_pack(...) for fields sharing Path[:depth].
func structExpr(fs []*Field, depth int, have map[string]bool) string {
	var parts, nulls []string
	seen := map[string]bool{}
	for _, f := range fs {
		if !have[f.Column] {
			continue
		}
		name := f.Path[depth]
		if seen[name] {
			continue
		}
		seen[name] = true
		if len(f.Path) == depth+1 {
			parts = append(parts, fmt.Sprintf("%s := %s", quoteIdent(name), quoteIdent(f.Column)))
			nulls = append(nulls, quoteIdent(f.Column)+" IS NULL")
			continue
		}
		var sub []*Field
		for _, g := range fs {
			if len(g.Path) > depth+1 && g.Path[depth] == name {
				sub = append(sub, g)
			}
		}
		e := structExpr(sub, depth+1, have)
		parts = append(parts, fmt.Sprintf("%s := %s", quoteIdent(name), e))
		nulls = append(nulls, "("+e+") IS NULL")
	}
	if len(parts) == 0 {
		return "NULL"
	}
	return fmt.Sprintf("(CASE WHEN %s THEN NULL ELSE struct_pack(%s) END)", strings.Join(nulls, " AND "), strings.Join(parts, ", "))
}

// exportYAML writes a YAML list of records, omitting absent values.
func exportYAML(ctx context.Context, conn *sql.Conn, q, out string, w io.Writer) error {
	var f *os.File
	if out != "-" {
		var err error
		if f, err = os.Create(out); err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	rows, err := conn.QueryContext(ctx, fmt.Sprintf("SELECT CAST(to_json(t) AS VARCHAR) FROM (%s) t", q))
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var js string
		if err := rows.Scan(&js); err != nil {
			return err
		}
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(js), &doc); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		rec := doc.Content[0]
		clean(rec)
		b, err := yaml.Marshal(&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{rec}})
		if err != nil {
			return err
		}
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if f != nil {
		return f.Close()
	}
	return nil
}

// clean drops null mapping entries and switches JSON flow style to block
// style (lists of scalars stay on one line).
func clean(n *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		n.Style = 0
		var keep []*yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			v := n.Content[i+1]
			if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
				continue
			}
			clean(v)
			k := n.Content[i]
			k.Style = 0
			keep = append(keep, k, v)
		}
		n.Content = keep
	case yaml.SequenceNode:
		scalars := true
		for _, c := range n.Content {
			clean(c)
			scalars = scalars && c.Kind == yaml.ScalarNode
		}
		if scalars {
			n.Style = yaml.FlowStyle
		} else {
			n.Style = 0
		}
	case yaml.ScalarNode:
		if n.Style == yaml.DoubleQuotedStyle && n.Tag == "!!str" {
			n.Style = 0 // the encoder quotes when needed (e.g. "385" stays a string)
		}
	}
}
