package server

import (
	"database/sql"
	"fmt"
	"math"
	"math/big"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/synapse"
)

func handleVersions(s *Server, w http.ResponseWriter, r *http.Request) error {
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	ds := r.URL.Query().Get("dataset")
	if ds != "" {
		if err := validName("dataset", ds); err != nil {
			return err
		}
		if err := s.canRead(r, ds); err != nil {
			return err
		}
	}
	vs, err := s.st.Versions(ds)
	if err != nil {
		return err
	}
	cols := []synapse.Col{{Name: "version", Kind: synapse.KindInt}, {Name: "dataset", Kind: synapse.KindString}, {Name: "time", Kind: synapse.KindTime},
		{Name: "message", Kind: synapse.KindString}, {Name: "source_uri", Kind: synapse.KindString}, {Name: "ccc_version", Kind: synapse.KindString},
		{Name: "schema_version", Kind: synapse.KindString}, {Name: "changed_tables", Kind: synapse.KindString}, {Name: "changed_artifacts", Kind: synapse.KindString}}
	var rows [][]any
	for _, v := range vs {
		if s.canRead(r, v.Dataset) != nil {
			continue
		}
		rows = append(rows, []any{int64(v.Number), v.Dataset, v.Time, v.Message, v.SourceURI, v.CCCVersion, v.SchemaVersion,
			strings.Join(v.Changed.Tables, ","), strings.Join(v.Changed.Artifacts, ",")})
	}
	return writeTable(w, format, cols, rows)
}

func handleDatasets(s *Server, w http.ResponseWriter, r *http.Request) error {
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	sn, err := s.snapshot(r)
	if err != nil {
		return err
	}
	v := sn.Version()
	cols := []synapse.Col{{Name: "dataset", Kind: synapse.KindString}, {Name: "created_version", Kind: synapse.KindInt}, {Name: "updated_version", Kind: synapse.KindInt},
		{Name: "tables", Kind: synapse.KindString}, {Name: "artifacts", Kind: synapse.KindString}, {Name: "rows", Kind: synapse.KindInt}}
	var rows [][]any
	for _, d := range s.readable(r, sn.Datasets()) {
		st := v.Datasets[d]
		var tables []string
		var n int64
		for c, t := range st.Tables {
			tables = append(tables, c)
			n += t.Rows
		}
		sort.Strings(tables)
		var arts []string
		for _, a := range sn.Artifacts(d) {
			arts = append(arts, a.Name)
		}
		rows = append(rows, []any{d, int64(st.Created), int64(st.Updated), strings.Join(tables, ","), strings.Join(arts, ","), n})
	}
	return writeTable(w, format, cols, rows)
}

func handleTables(s *Server, w http.ResponseWriter, r *http.Request) error {
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	sn, err := s.snapshot(r)
	if err != nil {
		return err
	}
	only := r.URL.Query().Get("dataset")
	cols := []synapse.Col{{Name: "dataset", Kind: synapse.KindString}, {Name: "class", Kind: synapse.KindString}, {Name: "rows", Kind: synapse.KindInt},
		{Name: "bytes", Kind: synapse.KindInt}, {Name: "version", Kind: synapse.KindInt}, {Name: "sha256", Kind: synapse.KindString}, {Name: "columns", Kind: synapse.KindString}}
	var rows [][]any
	for _, t := range sn.AllTables() {
		if only != "" && t.Dataset != only || s.canRead(r, t.Dataset) != nil {
			continue
		}
		names := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			names[i] = c.Name
		}
		rows = append(rows, []any{t.Dataset, t.Class, t.Rows, t.Bytes, int64(t.Version), t.SHA256, strings.Join(names, ",")})
	}
	return writeTable(w, format, cols, rows)
}

// viewColumns returns the columns (name -> DuckDB type, and in order) of
// a class view; an unknown class is ErrNotFound. The class is checked
// against the snapshot's classes before it reaches SQL.
func viewColumns(r *http.Request, db *sql.DB, sn *store.Snapshot, class string) ([]string, map[string]string, error) {
	if err := validName("class", class); err != nil {
		return nil, nil, err
	}
	if !slices.Contains(sn.Classes(), class) {
		return nil, nil, notFoundf("no %s table at version %d (classes: %s)", class, sn.Number(), strings.Join(sn.Classes(), ", "))
	}
	rows, err := db.QueryContext(r.Context(), "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "+store.QuoteIdent(class)+")")
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var names []string
	types := map[string]string{}
	for rows.Next() {
		var n, t string
		if err := rows.Scan(&n, &t); err != nil {
			return nil, nil, err
		}
		names = append(names, n)
		types[n] = t
	}
	return names, types, rows.Err()
}

func handleColumns(s *Server, w http.ResponseWriter, r *http.Request) error {
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	sn, db, err := s.snapshotDB(r)
	if err != nil {
		return err
	}
	defer db.Close()
	names, types, err := viewColumns(r, db, sn, r.PathValue("class"))
	if err != nil {
		return err
	}
	rows := make([][]any, len(names))
	for i, n := range names {
		rows[i] = []any{n, types[n]}
	}
	return writeTable(w, format, []synapse.Col{{Name: "column", Kind: synapse.KindString}, {Name: "type", Kind: synapse.KindString}}, rows)
}

// tableDatasets returns the datasets of a class table request: those of
// ?dataset= (each checked) within those the token may read; restrict is
// false when that is every dataset holding the class.
func (s *Server) tableDatasets(r *http.Request, sn *store.Snapshot, class string) (datasets []string, restrict bool, err error) {
	var allowed []string
	for _, t := range sn.Tables(class) {
		allowed = append(allowed, t.Dataset)
	}
	v := r.URL.Query().Get("dataset")
	if v != "" {
		want := strings.Split(v, ",")
		for _, d := range want {
			if err := validName("dataset", d); err != nil {
				return nil, false, err
			}
			if err := s.canRead(r, d); err != nil {
				return nil, false, err
			}
		}
		allowed = slices.DeleteFunc(allowed, func(d string) bool { return !slices.Contains(want, d) })
	}
	readable := s.readable(r, allowed)
	return readable, len(readable) < len(allowed) || v != "", nil
}

// tableQuery is a parsed GET /api/v1/tables/{class}.
type tableQuery struct {
	sql  string
	args []any
}

// buildTableQuery makes the SQL of a table request. Every column name is
// checked against the view's columns and quoted; every value is a bound
// parameter cast to the column's type, so filter values are data, never SQL.
func (s *Server) buildTableQuery(r *http.Request, sn *store.Snapshot, class string, names []string, types map[string]string) (*tableQuery, error) {
	qs := r.URL.Query()
	col := func(what, c string) (string, error) {
		if _, ok := types[c]; !ok {
			return "", usagef("%s: no column %q in %s (columns: %s)", what, c, class, strings.Join(names, ", "))
		}
		return store.QuoteIdent(c), nil
	}
	dsCol := store.DatasetColumn(sn.Tables(class))
	sel := "*"
	if v := qs.Get("select"); v != "" {
		var parts []string
		for _, c := range strings.Split(v, ",") {
			qc, err := col("select", strings.TrimSpace(c))
			if err != nil {
				return nil, err
			}
			parts = append(parts, qc)
		}
		sel = strings.Join(parts, ", ")
	}
	var where []string
	var args []any
	readable, restrict, err := s.tableDatasets(r, sn, class)
	if err != nil {
		return nil, err
	}
	if restrict {
		if len(readable) == 0 {
			where = append(where, "false")
		} else {
			ph := make([]string, len(readable))
			for i, d := range readable {
				ph[i] = "?"
				args = append(args, d)
			}
			where = append(where, store.QuoteIdent(dsCol)+" IN ("+strings.Join(ph, ", ")+")")
		}
	}
	ops := map[string]string{"eq": "=", "ne": "<>", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}
	keys := make([]string, 0, len(qs))
	for k := range qs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		op, c, ok := strings.Cut(k, ".")
		if !ok {
			switch k {
			case "select", "dataset", "order_by", "limit", "offset", "after", "format", "version", "timestamp":
				continue
			}
			return nil, usagef("unknown parameter %q (filters are in.COLUMN, out.COLUMN, eq.COLUMN, ne.COLUMN, gt/ge/lt/le.COLUMN)", k)
		}
		qc, err := col(k, c)
		if err != nil {
			return nil, err
		}
		typ := types[c]
		cast := func(v string) string {
			args = append(args, v)
			return "CAST(? AS " + typ + ")"
		}
		for _, v := range qs[k] {
			switch {
			case op == "in" || op == "out":
				vals := strings.Split(v, ",")
				ph := make([]string, len(vals))
				for i, x := range vals {
					ph[i] = cast(x)
				}
				not := map[bool]string{true: " NOT", false: ""}[op == "out"]
				where = append(where, qc+not+" IN ("+strings.Join(ph, ", ")+")")
			case ops[op] != "":
				where = append(where, qc+" "+ops[op]+" "+cast(v))
			default:
				return nil, usagef("unknown filter %q (in, out, eq, ne, gt, ge, lt, le)", op)
			}
		}
	}
	var order []string
	var keyset string
	desc := false
	if v := qs.Get("order_by"); v != "" {
		for _, c := range strings.Split(v, ",") {
			c = strings.TrimSpace(c)
			dir := " ASC"
			if strings.HasPrefix(c, "-") {
				c, dir = c[1:], " DESC"
			}
			qc, err := col("order_by", c)
			if err != nil {
				return nil, err
			}
			order = append(order, qc+dir+" NULLS LAST")
			if keyset == "" {
				keyset, desc = c, dir == " DESC"
			}
		}
	}
	if v := qs.Get("after"); v != "" {
		if len(order) != 1 {
			return nil, usagef("after (keyset pagination) needs order_by with exactly one column, e.g. order_by=id")
		}
		cmp := " > "
		if desc {
			cmp = " < "
		}
		args = append(args, v)
		where = append(where, store.QuoteIdent(keyset)+cmp+"CAST(? AS "+types[keyset]+")")
	}
	q := "SELECT " + sel + " FROM " + store.QuoteIdent(class)
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if len(order) > 0 {
		q += " ORDER BY " + strings.Join(order, ", ")
	}
	for _, k := range []string{"limit", "offset"} {
		if v := qs.Get(k); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return nil, usagef("%s %q: want a non-negative integer", k, v)
			}
			q += fmt.Sprintf(" %s %d", strings.ToUpper(k), n)
		}
	}
	return &tableQuery{sql: q, args: args}, nil
}

func handleQueryTable(s *Server, w http.ResponseWriter, r *http.Request) error {
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	sn, err := s.snapshot(r)
	if err != nil {
		return err
	}
	class := r.PathValue("class")
	w.Header().Set("X-CCC-Version", strconv.Itoa(sn.Number()))
	if ok, err := s.serveTableDirect(w, r, sn, class, format); ok {
		return err
	}
	db, err := s.queryDB(r.Context(), sn)
	if err != nil {
		return err
	}
	defer db.Close()
	names, types, err := viewColumns(r, db, sn, class)
	if err != nil {
		return err
	}
	tq, err := s.buildTableQuery(r, sn, class, names, types)
	if err != nil {
		return err
	}
	return streamQuery(r, db, tq.sql, tq.args, newRowWriter(w, format))
}

// streamQuery runs q and streams its rows; the request's context cancels
// the query when the client goes away.
func streamQuery(r *http.Request, db *sql.DB, q string, args []any, rw *rowWriter) error {
	rows, err := db.QueryContext(r.Context(), q, args...)
	if err != nil {
		return queryError(err)
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	cols := make([]synapse.Col, len(cts))
	for i, ct := range cts {
		cols[i] = synapse.Col{Name: ct.Name(), Kind: kindOf(ct.DatabaseTypeName())}
	}
	// the first row decides whether the query runs at all: fetch it
	// before the status line so that errors get a proper status
	has := rows.Next()
	if !has {
		if err := rows.Err(); err != nil {
			return queryError(err)
		}
	}
	if err := rw.Header(cols); err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for has {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			vals[i] = normalize(v, cols[i].Kind)
		}
		if err := rw.Row(vals); err != nil {
			return err
		}
		has = rows.Next()
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rw.Close()
}

// queryError marks DuckDB's complaints about a query as usage errors
// (bad SQL, bad cast of a filter value), keeping cancellations as they are.
func queryError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, k := range []string{"Conversion Error", "Parser Error", "Binder Error", "Catalog Error", "Invalid Input Error", "Permission Error", "Not implemented"} {
		if strings.Contains(msg, k) {
			return usagef("%s", msg)
		}
	}
	return err
}

// kindOf maps a DuckDB column type to an output kind; lists, structs and
// other types travel as text (JSON).
func kindOf(t string) synapse.ColKind {
	switch {
	case t == "BIGINT" || t == "INTEGER" || t == "SMALLINT" || t == "TINYINT" || t == "UINTEGER" || t == "USMALLINT" || t == "UTINYINT":
		return synapse.KindInt
	case t == "DOUBLE" || t == "FLOAT" || strings.HasPrefix(t, "DECIMAL"):
		return synapse.KindFloat
	case t == "BOOLEAN":
		return synapse.KindBool
	case strings.HasPrefix(t, "TIMESTAMP") || t == "DATE":
		return synapse.KindTime
	case t == "DOUBLE[]" || t == "FLOAT[]":
		return synapse.KindFloatList
	}
	return synapse.KindString
}

type float64er interface{ Float64() float64 }

// normalize converts a scanned DuckDB value to the writer's value types.
func normalize(v any, k synapse.ColKind) any {
	if v == nil {
		return nil
	}
	switch k {
	case synapse.KindInt:
		switch x := v.(type) {
		case int8:
			return int64(x)
		case int16:
			return int64(x)
		case int32:
			return int64(x)
		case uint8:
			return int64(x)
		case uint16:
			return int64(x)
		case uint32:
			return int64(x)
		}
	case synapse.KindFloat:
		switch x := v.(type) {
		case float32:
			return float64(x)
		case float64er:
			return x.Float64()
		case *big.Int:
			f, _ := new(big.Float).SetInt(x).Float64()
			return f
		}
	case synapse.KindFloatList:
		if xs, ok := v.([]any); ok {
			out := make([]float64, len(xs))
			for i, e := range xs {
				switch f := e.(type) {
				case float64:
					out[i] = f
				case float32:
					out[i] = float64(f)
				default:
					out[i] = math.NaN()
				}
			}
			return out
		}
	case synapse.KindTime:
		if t, ok := v.(time.Time); ok {
			return t
		}
	case synapse.KindString:
		if st, ok := v.(fmt.Stringer); ok {
			return st.String()
		}
		return textValue(v)
	}
	return v
}
