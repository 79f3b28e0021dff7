package ingest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/progress"
	"github.com/ccc-connectivity/ccc/linkml"
	"github.com/ccc-connectivity/ccc/store"
)

// Mode says how an ingest combines with the dataset's existing table.
type Mode string

// Write modes.
const (
	ModeReplace Mode = "replace" // the input becomes the dataset's table of the class
	ModeAppend  Mode = "append"  // add new identifiers; an existing one is a conflict
	ModeUpsert  Mode = "upsert"  // insert new identifiers, replace existing ones
)

// Options describe one ingest.
type Options struct {
	Class   string
	Dataset string
	Inputs  []string          // files, directories or globs
	Format  Format            // force the input format ("" = by extension)
	Map     map[string]string // input column -> slot (or slot_sub / slot.sub for nested objects)
	Lenient bool              // tolerate bad and missing values as warnings
	// MaxErrors caps how many errors (and warnings) the report lists;
	// counts include all. Default 100.
	MaxErrors int
	Mode      Mode
	Message   string
	Schema    *linkml.Schema // default: the built-in schema
	Wait      time.Duration  // wait for another writer
	DryRun    bool           // validate only; never commit

	MemoryLimit string // DuckDB memory_limit (default "768MB")
	Threads     int    // DuckDB threads (0: all cores)

	Progress io.Writer // progress bar target (drawn only on a terminal)
	Quiet    bool
}

// Run ingests the inputs into the store. It returns the report, and an
// error when nothing was committed: errors.Is(err, ccc.ErrInvalidData) when
// the data was rejected (the report lists why), ccc.ErrConflict for an
// append clash, other kinds for usage and I/O problems. The store is
// unchanged whenever err != nil.
func Run(ctx context.Context, st *store.Store, o Options) (*Report, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if o.Mode == "" {
		o.Mode = ModeReplace
	}
	if o.MaxErrors <= 0 {
		o.MaxErrors = 100
	}
	if o.MemoryLimit == "" {
		o.MemoryLimit = "768MB"
	}
	r := newReport(&o)
	switch o.Mode {
	case ModeReplace, ModeAppend, ModeUpsert:
	default:
		return r, fmt.Errorf("%w: unknown write mode %q (replace, append or upsert)", ccc.ErrUsage, o.Mode)
	}
	if o.Class == "" || o.Dataset == "" {
		return r, fmt.Errorf("%w: ingest needs a class and a dataset", ccc.ErrUsage)
	}
	if err := store.ValidDataset(o.Dataset); err != nil {
		return r, err
	}
	sch := o.Schema
	if sch == nil {
		var err error
		if sch, err = linkml.LoadBuiltin(linkml.LoadOptions{}); err != nil {
			return r, err
		}
	}
	m, err := NewModel(sch, o.Class)
	if err != nil {
		return r, err
	}
	r.Class = m.Class
	o.Class = m.Class
	if o.Mode == ModeUpsert && m.ID == nil {
		return r, fmt.Errorf("%w: --upsert needs an identifier, and class %s has none", ccc.ErrUsage, m.Class)
	}
	paths, err := ExpandInputs(o.Inputs, o.Format)
	if err != nil {
		return r, err
	}
	files := make([]*inputFile, len(paths))
	for i, p := range paths {
		f := o.Format
		if f == "" {
			var ok bool
			if f, ok = DetectFormat(p); !ok {
				return r, &ccc.Error{Op: "ingest", Path: p, Row: -1, Msg: "unknown input format", Kind: ccc.ErrUsage,
					Hint: "use a .parquet, .csv, .tsv, .json, .jsonl or .yaml file name, or pass --format"}
			}
		}
		files[i] = &inputFile{Path: p, Format: f}
	}
	abs, _ := filepath.Abs(paths[0])
	r.Provenance = Provenance{Source: "file://" + abs, Store: st.Dir(), SchemaVersion: sch.Root.Version, CCCVersion: ccc.Version}
	if len(paths) > 1 {
		r.Provenance.Source = fmt.Sprintf("file://%s (+%d more)", abs, len(paths)-1)
	}

	params := map[string]any{"class": m.Class, "mode": string(o.Mode), "lenient": o.Lenient}
	if len(o.Map) > 0 {
		params["map"] = o.Map
	}
	tx, err := st.Begin(ctx, store.TxOptions{Dataset: o.Dataset, Message: o.Message, SourceURI: r.Provenance.Source,
		Inputs: paths, Params: params, SchemaVersion: sch.Root.Version, Wait: o.Wait})
	if err != nil {
		return r, err
	}
	defer tx.Rollback() // no-op after Commit

	j := &job{o: &o, m: m, r: r, st: st, tx: tx, files: files, sch: sch}
	if err := j.run(ctx); err != nil {
		return r, err
	}
	if o.DryRun {
		return r, nil
	}
	t0 := time.Now()
	v, err := tx.Commit()
	if err != nil {
		return r, err
	}
	r.Seconds["commit"] = time.Since(t0).Seconds()
	r.Committed = true
	r.Provenance.Version = v.Number
	r.Provenance.Inputs = v.Inputs
	r.Provenance.SHA256 = inputsDigest(v.Inputs)
	r.Provenance.Timestamp = v.Time
	if t, ok := v.Datasets[o.Dataset].Tables[m.Class]; ok {
		r.Counts.Total = t.Rows
	}
	return r, nil
}

// job is one ingest in progress.
type job struct {
	o     *Options
	m     *Model
	r     *Report
	st    *store.Store
	tx    *store.Tx
	sch   *linkml.Schema
	files []*inputFile
	conn  *sql.Conn
	bar   *progress.Bar
	bad   map[string]bool // field columns with a __bad_ column that can be non-null
}

func (j *job) exec(ctx context.Context, q string, args ...any) error {
	if _, err := j.conn.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("ingest: %w\n  query: %s", err, shorten(q, 400))
	}
	return nil
}

func shorten(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

func (j *job) run(ctx context.Context) error {
	o, m, r := j.o, j.m, j.r
	work := filepath.Join(j.tx.StagingDir(), "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return fmt.Errorf("ingest: open duckdb: %w", err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("ingest: open duckdb: %w", err)
	}
	defer conn.Close()
	j.conn = conn
	settings := []string{
		"SET memory_limit = " + quoteString(o.MemoryLimit),
		"SET temp_directory = " + quoteString(filepath.Join(work, "spill")),
		"SET TimeZone = 'UTC'",
		"SET preserve_insertion_order = true",
	}
	if o.Threads > 0 {
		settings = append(settings, fmt.Sprintf("SET threads = %d", o.Threads))
	}
	for _, q := range settings {
		if err := j.exec(ctx, q); err != nil {
			return err
		}
	}

	// 1. Describe and map every input; w is a view coercing each column to
	// its slot's range (inputs are re-read by each pass, never copied).
	t0 := time.Now()
	var total int64
	for _, f := range j.files {
		if f.Format == FormatParquet {
			var n sql.NullInt64
			if err := conn.QueryRowContext(ctx, "SELECT sum(num_rows)::BIGINT FROM parquet_file_metadata("+quoteString(f.Path)+")").Scan(&n); err == nil {
				total += n.Int64
			}
		}
	}
	j.bar = progress.New(progressWriter(o), "ingest "+m.Class, "rows", total, o.Quiet)
	defer j.bar.Finish()
	j.bad = map[string]bool{}
	var sels, plains []string
	for i, f := range j.files {
		if err := f.prepare(work, i, m.Class); err != nil {
			return err
		}
		sel, plain, err := j.load(ctx, i, f)
		if err != nil {
			return err
		}
		sels = append(sels, sel)
		plains = append(plains, plain)
	}
	if err := j.exec(ctx, "CREATE VIEW w AS "+strings.Join(sels, " UNION ALL ")); err != nil {
		return err
	}
	if err := j.exec(ctx, "CREATE VIEW wv AS "+strings.Join(plains, " UNION ALL ")); err != nil {
		return err
	}
	r.Seconds["map"] = time.Since(t0).Seconds()

	// 2. Checks.
	t0 = time.Now()
	drops, nulls, err := j.check(ctx)
	if err != nil {
		return err
	}
	r.Seconds["check"] = time.Since(t0).Seconds()
	if len(r.Errors) > 0 || r.Counts.Errors > 0 {
		return &ccc.Error{Op: "ingest", Path: j.files[0].Path, Row: -1, Kind: ccc.ErrInvalidData, Err: ErrRejected,
			Msg:  fmt.Sprintf("%d error(s) in %d row(s) of input; nothing was written", r.Counts.Errors, r.Counts.Rows),
			Hint: "fix the input, map columns with --map col=slot, or pass --lenient to keep the rows with warnings"}
	}

	// 3. The rows to write.
	if err := j.exec(ctx, j.finalView(drops, nulls)); err != nil {
		return err
	}
	r.Counts.Instances = r.Counts.Rows
	if len(drops) > 0 {
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM final").Scan(&r.Counts.Instances); err != nil {
			return err
		}
	}

	// 4. References by identifier, against this input and the store.
	t0 = time.Now()
	sn, err := j.st.Snapshot(store.Ref{})
	if err != nil {
		return err
	}
	if err := j.resolve(ctx, sn); err != nil {
		return err
	}
	r.Seconds["references"] = time.Since(t0).Seconds()

	// 5. Combine with the existing table and write the Parquet file.
	t0 = time.Now()
	out := "SELECT * FROM final"
	if o.Mode != ModeReplace {
		if existing, err := sn.Table(o.Dataset, m.Class); err == nil {
			if out, err = j.merge(ctx, existing); err != nil {
				return err
			}
		} else {
			r.Counts.Inserted = r.Counts.Instances
		}
	}
	if o.DryRun {
		return nil
	}
	j.tx.SetMeta("ingest:"+m.Class, map[string]any{"source": r.Provenance.Source, "mode": string(o.Mode), "rows": r.Counts.Rows, "instances": r.Counts.Instances, "warnings": r.Counts.Warnings, "unresolved": r.Unresolved})
	if err := j.copyOut(ctx, out, j.tx.TablePath(m.Class)); err != nil {
		return err
	}
	r.Seconds["write"] = time.Since(t0).Seconds()
	return ctx.Err()
}

func progressWriter(o *Options) io.Writer {
	if o.Progress == nil {
		return io.Discard
	}
	return o.Progress
}

// load describes and maps one input file and returns its coercing SELECT
// (with __file, __row and the __bad_ columns of the checks), and the same
// values only (for the write pass).
func (j *job) load(ctx context.Context, i int, f *inputFile) (string, string, error) {
	src := f.sourceSQL(true)
	cols, err := j.describe(ctx, src)
	if err != nil {
		return "", "", &ccc.Error{Op: "ingest", Path: f.Path, Row: -1, Msg: fmt.Sprintf("cannot read as %s", f.Format), Kind: ccc.ErrFormat, Err: err}
	}
	mp, err := mapColumns(j.m, cols, j.o.Map, f.Path)
	if err != nil {
		return "", "", err
	}
	if i == 0 {
		for c, ref := range mp.refs {
			j.r.Mapping[c] = ref.describe()
			j.r.How[c] = mp.how[c]
		}
		j.r.Unmapped = append(j.r.Unmapped, mp.unmapped...)
	} else {
		for c, ref := range mp.refs {
			if j.r.Mapping[c] != ref.describe() {
				j.r.Warnings = append(j.r.Warnings, Issue{File: f.Path, Field: c, Message: fmt.Sprintf("mapped from column %q here but from %q in %s", ref.describe(), j.r.Mapping[c], j.files[0].Path)})
			}
		}
	}
	sel := []string{fmt.Sprintf("%d::INTEGER AS __file", i), "__row::BIGINT AS __row"}
	var plain []string
	for k, fl := range j.m.Fields {
		ref, ok := mp.refs[fl.Column]
		if !ok {
			v := fmt.Sprintf("NULL::%s AS %s", fl.Type(), quoteIdent(fl.Column))
			sel = append(sel, v, fmt.Sprintf("NULL::VARCHAR AS __bad_%d", k))
			plain = append(plain, v)
			continue
		}
		v, bad := fieldExprs(fl, ref)
		if strings.TrimSpace(v) != ref.expr() || ref.Type != fl.Type() {
			v = fmt.Sprintf("CAST(%s AS %s)", v, fl.Type())
		}
		v += " AS " + quoteIdent(fl.Column)
		sel = append(sel, v)
		plain = append(plain, v)
		if bad == "" {
			sel = append(sel, fmt.Sprintf("NULL::VARCHAR AS __bad_%d", k))
		} else {
			sel = append(sel, fmt.Sprintf("%s AS __bad_%d", bad, k))
			j.bad[fl.Column] = true
		}
	}
	return fmt.Sprintf("SELECT %s FROM (%s) AS src", strings.Join(sel, ", "), src),
		fmt.Sprintf("SELECT %s FROM (%s) AS src", strings.Join(plain, ", "), f.sourceSQL(false)), nil
}

func (j *job) describe(ctx context.Context, src string) ([]srcColumn, error) {
	rows, err := j.conn.QueryContext(ctx, "DESCRIBE "+src)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names, _ := rows.Columns()
	var out []srcColumn
	for rows.Next() {
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, srcColumn{Name: fmt.Sprint(vals[0]), Type: fmt.Sprint(vals[1])})
	}
	return out, rows.Err()
}

// check is one rule evaluated over w.
type check struct {
	field   *Field
	k       int
	cond    string // SQL condition selecting failing rows
	value   string // SQL for the offending value
	msg     string
	fatal   bool // an error in strict mode (else always a warning)
	nullify bool // in lenient mode, the value is set to NULL in the output
	drop    bool // in lenient mode, the row is dropped
	count   int64
}

func (j *job) fieldName(f *Field) string {
	if f.Path == nil {
		return f.Slot
	}
	return f.Slot + "." + strings.Join(f.Path, ".")
}

// check runs all rules, fills the report and returns the conditions of
// rows to drop and the values to null in lenient mode.
func (j *job) check(ctx context.Context) (drops []string, nulls map[string][]string, err error) {
	o, m, r := j.o, j.m, j.r
	nulls = map[string][]string{}
	var cs []*check
	var unmappedReq []*Field
	for k, f := range m.Fields {
		col := quoteIdent(f.Column)
		_, mapped := r.Mapping[f.Column]
		if j.bad[f.Column] {
			msg := fmt.Sprintf("cannot convert to %s", f.Range)
			if f.Multivalued {
				msg = fmt.Sprintf("cannot convert every element to %s", f.Range)
			}
			if len(f.Enum) > 0 {
				msg = fmt.Sprintf("not a permissible value of %s (%s)", f.Range, strings.Join(f.Enum, ", "))
			}
			if f.RefClass != "" {
				msg = fmt.Sprintf("not a valid %s identifier (%s)", f.RefClass, strings.ToLower(f.SQLType))
			}
			c := &check{field: f, k: k, cond: fmt.Sprintf("__bad_%d IS NOT NULL", k), value: fmt.Sprintf("__bad_%d", k), msg: msg, fatal: true}
			if f.Identifier {
				c.drop = true
			}
			cs = append(cs, c)
		}
		if f.Required && f.Path == nil {
			if !mapped {
				unmappedReq = append(unmappedReq, f)
				continue
			}
			c := &check{field: f, k: k, cond: fmt.Sprintf("%s IS NULL AND __bad_%d IS NULL", col, k), value: "NULL", msg: "required value missing", fatal: true}
			if f.Identifier {
				c.msg = "identifier missing"
				c.drop = true
			}
			cs = append(cs, c)
		}
		if !mapped {
			continue
		}
		if f.Pattern != "" && f.SQLType == "VARCHAR" {
			pat := quoteString(f.Pattern)
			cond := fmt.Sprintf("%s IS NOT NULL AND NOT regexp_matches(%s, %s)", col, col, pat)
			if f.Multivalued {
				cond = fmt.Sprintf("%s IS NOT NULL AND list_bool_or(list_transform(%s, lambda e: NOT regexp_matches(e, %s)))", col, col, pat)
			}
			cs = append(cs, &check{field: f, k: k, cond: cond, value: fmt.Sprintf("CAST(%s AS VARCHAR)", col), msg: fmt.Sprintf("does not match pattern %s", f.Pattern), fatal: true, nullify: !f.Identifier, drop: f.Identifier})
		}
		numeric := f.SQLType == "BIGINT" || f.SQLType == "DOUBLE"
		if numeric && !f.Multivalued && f.Min != nil {
			cs = append(cs, &check{field: f, k: k, cond: fmt.Sprintf("%s < %s", col, fmtFloat(*f.Min)), value: fmt.Sprintf("CAST(%s AS VARCHAR)", col), msg: fmt.Sprintf("below the minimum %s", fmtFloat(*f.Min)), fatal: true, nullify: !f.Identifier, drop: f.Identifier})
		}
		if numeric && !f.Multivalued && f.Max != nil {
			cs = append(cs, &check{field: f, k: k, cond: fmt.Sprintf("%s > %s", col, fmtFloat(*f.Max)), value: fmt.Sprintf("CAST(%s AS VARCHAR)", col), msg: fmt.Sprintf("above the maximum %s", fmtFloat(*f.Max)), fatal: true, nullify: !f.Identifier, drop: f.Identifier})
		}
	}
	// Count rows, every rule and duplicate identifiers in one pass.
	idMapped := false
	if m.ID != nil {
		_, idMapped = r.Mapping[m.ID.Column]
	}
	aggs := []string{"count(*)"}
	ptrs := []any{&r.Counts.Rows}
	for _, c := range cs {
		aggs = append(aggs, fmt.Sprintf("count(*) FILTER (WHERE %s)", c.cond))
		ptrs = append(ptrs, &c.count)
	}
	// Identifiers that strictly increase in input order are unique: a
	// streaming lag() proves it in the same pass; otherwise (unsorted, or
	// NULL identifiers) a hash-based count(DISTINCT) pass decides.
	var dupExtra, nonMono, nullIDs int64
	from := "w"
	if idMapped {
		id := quoteIdent(m.ID.Column)
		from = fmt.Sprintf("(SELECT *, lag(%s) OVER () AS __prev_id FROM w)", id)
		aggs = append(aggs, fmt.Sprintf("count(*) FILTER (WHERE __prev_id >= %s)", id), fmt.Sprintf("count(*) FILTER (WHERE %s IS NULL)", id))
		ptrs = append(ptrs, &nonMono, &nullIDs)
	}
	if err := j.conn.QueryRowContext(ctx, "SELECT "+strings.Join(aggs, ", ")+" FROM "+from).Scan(ptrs...); err != nil {
		return nil, nil, fmt.Errorf("ingest: checks: %w", err)
	}
	if idMapped && (nonMono > 0 || nullIDs > 0) {
		id := quoteIdent(m.ID.Column)
		if err := j.conn.QueryRowContext(ctx, fmt.Sprintf("SELECT count(%s) - count(DISTINCT %s) FROM w", id, id)).Scan(&dupExtra); err != nil {
			return nil, nil, fmt.Errorf("ingest: duplicate check: %w", err)
		}
	}
	j.bar.Add(r.Counts.Rows / 2)
	for _, f := range unmappedReq {
		is := Issue{Field: j.fieldName(f), Message: fmt.Sprintf("required slot %s has no column in the input", f.Slot), Count: r.Counts.Rows}
		n := max(r.Counts.Rows, 1)
		if o.Lenient && !f.Identifier {
			r.Warnings = append(r.Warnings, is)
			r.Counts.Warnings += n
			continue
		}
		// Strict, or an identifier: without one there is nothing to keep.
		is.Message += "; map one with --map COLUMN=" + f.Slot
		r.Errors = append(r.Errors, is)
		r.Counts.Errors += n
	}
	idExpr := "NULL"
	if m.ID != nil {
		if _, ok := r.Mapping[m.ID.Column]; ok {
			idExpr = fmt.Sprintf("CAST(%s AS VARCHAR)", quoteIdent(m.ID.Column))
		}
	}
	for _, c := range cs {
		if c.count == 0 {
			continue
		}
		asError := c.fatal && !o.Lenient
		if c.drop && o.Lenient {
			drops = append(drops, c.cond)
		}
		if c.nullify && o.Lenient {
			nulls[c.field.Column] = append(nulls[c.field.Column], c.cond)
		}
		if err := j.examples(ctx, c, idExpr, asError); err != nil {
			return nil, nil, err
		}
	}
	// Duplicate identifiers.
	if dupExtra > 0 {
		if err := j.duplicates(ctx, &drops); err != nil {
			return nil, nil, err
		}
	}
	return drops, nulls, nil
}

// examples lists up to the remaining budget of failing rows of a check.
func (j *job) examples(ctx context.Context, c *check, idExpr string, asError bool) error {
	r := j.r
	list := &r.Warnings
	if asError {
		list = &r.Errors
		r.Counts.Errors += c.count
	} else {
		r.Counts.Warnings += c.count
	}
	budget := j.o.MaxErrors - len(*list)
	msg := c.msg
	if !asError && j.o.Lenient {
		switch {
		case c.drop:
			msg += "; row dropped"
		case c.nullify || strings.HasPrefix(c.cond, "__bad_"):
			msg += "; value dropped"
		}
	}
	if budget <= 0 {
		if asError {
			r.ErrorsTruncated = true
		}
		return nil
	}
	q := fmt.Sprintf("SELECT __file, __row, %s, %s FROM w WHERE %s ORDER BY __file, __row LIMIT %d", idExpr, c.value, c.cond, budget)
	rows, err := j.conn.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("ingest: list failures: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var file int
		var row int64
		var id, val sql.NullString
		if err := rows.Scan(&file, &row, &id, &val); err != nil {
			return err
		}
		*list = append(*list, j.issue(file, row, id.String, j.fieldName(c.field), val.String, msg))
		n++
	}
	if asError && int64(n) < c.count {
		r.ErrorsTruncated = true
	}
	return rows.Err()
}

func (j *job) issue(file int, row int64, id, field, value, msg string) Issue {
	is := Issue{Row: &row, ID: id, Field: field, Value: value, Message: msg}
	f := j.files[file]
	if len(j.files) > 1 {
		is.File = f.Path
	}
	if f.Format == FormatCSV || f.Format == FormatTSV {
		is.Line = row + 2
	}
	return is
}

func (j *job) duplicates(ctx context.Context, drops *[]string) error {
	o, r := j.o, j.r
	id := quoteIdent(j.m.ID.Column)
	var groups, extra int64
	q := fmt.Sprintf("SELECT count(*), COALESCE(sum(n - 1), 0)::BIGINT FROM (SELECT count(*) AS n FROM w WHERE %s IS NOT NULL GROUP BY %s HAVING count(*) > 1)", id, id)
	if err := j.conn.QueryRowContext(ctx, q).Scan(&groups, &extra); err != nil {
		return fmt.Errorf("ingest: duplicates: %w", err)
	}
	if groups == 0 {
		return nil
	}
	list := &r.Warnings
	msg := "duplicate identifier (first at row %d); row dropped"
	if o.Lenient {
		r.Counts.Warnings += extra
		*drops = append(*drops, "__dup")
	} else {
		list = &r.Errors
		r.Counts.Errors += extra
		msg = "duplicate identifier (first at row %d)"
	}
	budget := o.MaxErrors - len(*list)
	if budget <= 0 {
		r.ErrorsTruncated = r.ErrorsTruncated || !o.Lenient
		return nil
	}
	q = fmt.Sprintf(`SELECT __file, __row, CAST(%s AS VARCHAR), first_row FROM (
		SELECT __file, __row, %s, first_value(__row) OVER (PARTITION BY %s ORDER BY __file, __row) AS first_row,
		       row_number() OVER (PARTITION BY %s ORDER BY __file, __row) AS k
		FROM w WHERE %s IN (SELECT %s FROM w WHERE %s IS NOT NULL GROUP BY %s HAVING count(*) > 1))
		WHERE k > 1 ORDER BY __file, __row LIMIT %d`, id, id, id, id, id, id, id, id, budget)
	rows, err := j.conn.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("ingest: duplicates: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var file int
		var row, first int64
		var v sql.NullString
		if err := rows.Scan(&file, &row, &v, &first); err != nil {
			return err
		}
		*list = append(*list, j.issue(file, row, v.String, j.m.ID.Slot, v.String, fmt.Sprintf(msg, first)))
		n++
	}
	if !o.Lenient && int64(n) < extra {
		r.ErrorsTruncated = true
	}
	return rows.Err()
}

// finalView defines the rows to write: w's columns in slot order, lenient
// drops and nulls applied, duplicates (lenient) keeping the first row.
func (j *job) finalView(drops []string, nulls map[string][]string) string {
	if len(drops) == 0 && len(nulls) == 0 {
		return "CREATE VIEW final AS SELECT * FROM wv"
	}
	var sel []string
	for _, f := range j.m.Fields {
		col := quoteIdent(f.Column)
		if cs := nulls[f.Column]; len(cs) > 0 {
			sel = append(sel, fmt.Sprintf("CASE WHEN (%s) THEN NULL ELSE %s END AS %s", strings.Join(cs, ") OR ("), col, col))
		} else {
			sel = append(sel, col)
		}
	}
	var where []string
	dedupe := false
	for _, d := range drops {
		if d == "__dup" {
			dedupe = true
			continue
		}
		where = append(where, "NOT ("+d+")")
	}
	q := fmt.Sprintf("CREATE VIEW final AS SELECT %s FROM w", strings.Join(sel, ", "))
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if dedupe {
		id := quoteIdent(j.m.ID.Column)
		q += fmt.Sprintf(" QUALIFY %s IS NULL OR row_number() OVER (PARTITION BY %s ORDER BY __file, __row) = 1", id, id)
	}
	return q
}

// resolve counts references to identifiers that are neither in this
// input nor in the store.
func (j *job) resolve(ctx context.Context, sn *store.Snapshot) error {
	m, r, sch := j.m, j.r, j.sch
	for _, f := range m.Fields {
		if f.RefClass == "" || f.Path != nil {
			continue
		}
		if _, ok := r.Mapping[f.Column]; !ok {
			continue
		}
		var known []string
		if sch.IsAncestor(f.RefClass, m.Class) && m.ID != nil {
			known = append(known, fmt.Sprintf("SELECT CAST(%s AS %s) AS id FROM final", quoteIdent(m.ID.Column), f.SQLType))
		}
		for _, cl := range sn.Classes() {
			if !sch.IsAncestor(f.RefClass, cl) {
				continue
			}
			idSlot := sch.IdentifierSlot(cl, true)
			if idSlot == nil {
				continue
			}
			for _, t := range sn.Tables(cl) {
				if cl == m.Class && t.Dataset == j.o.Dataset && j.o.Mode == ModeReplace {
					continue // being replaced
				}
				has := false
				for _, c := range t.Columns {
					has = has || c.Name == idSlot.Name
				}
				if has {
					known = append(known, fmt.Sprintf("SELECT TRY_CAST(%s AS %s) AS id FROM read_parquet(%s)", quoteIdent(idSlot.Name), f.SQLType, quoteString(t.Path)))
				}
			}
		}
		vals := fmt.Sprintf("SELECT %s AS v FROM final WHERE %s IS NOT NULL", quoteIdent(f.Column), quoteIdent(f.Column))
		if f.Multivalued {
			vals = fmt.Sprintf("SELECT unnest(%s) AS v FROM final", quoteIdent(f.Column))
		}
		missing := fmt.Sprintf("SELECT v FROM (%s) a WHERE v IS NOT NULL", vals)
		if len(known) > 0 {
			missing = fmt.Sprintf("SELECT a.v FROM (%s) a ANTI JOIN (%s) k ON a.v = k.id WHERE a.v IS NOT NULL", vals, strings.Join(known, " UNION ALL "))
		}
		var n int64
		var ex sql.NullString
		q := fmt.Sprintf("SELECT count(*), array_to_string(list(DISTINCT CAST(v AS VARCHAR) ORDER BY CAST(v AS VARCHAR))[1:5], ', ') FROM (%s)", missing)
		if err := j.conn.QueryRowContext(ctx, q).Scan(&n, &ex); err != nil {
			return fmt.Errorf("ingest: resolve %s: %w", f.Slot, err)
		}
		r.Unresolved[f.Slot] = n
		if n > 0 {
			r.Warnings = append(r.Warnings, Issue{Field: f.Slot, Count: n, Value: ex.String,
				Message: fmt.Sprintf("%d reference(s) to %s not found in this input or the store", n, f.RefClass)})
			r.Counts.Warnings += n
		}
	}
	return nil
}

// merge combines final with the dataset's existing table for append and
// upsert and returns the SELECT producing the new table.
func (j *job) merge(ctx context.Context, existing store.TableInfo) (string, error) {
	r, m := j.r, j.m
	r.Counts.Existing = existing.Rows
	e := fmt.Sprintf("read_parquet(%s)", quoteString(existing.Path))
	if m.ID == nil {
		r.Counts.Inserted = r.Counts.Instances
		return fmt.Sprintf("SELECT * FROM %s UNION ALL BY NAME SELECT * FROM final", e), nil
	}
	id := quoteIdent(m.ID.Column)
	var clash int64
	var ex sql.NullString
	q := fmt.Sprintf("SELECT count(*), array_to_string(list(CAST(v AS VARCHAR) ORDER BY v)[1:10], ', ') FROM (SELECT f.%s AS v FROM final f SEMI JOIN %s x ON f.%s = x.%s)", id, e, id, id)
	if err := j.conn.QueryRowContext(ctx, q).Scan(&clash, &ex); err != nil {
		return "", fmt.Errorf("ingest: compare with existing table: %w", err)
	}
	if j.o.Mode == ModeAppend {
		if clash > 0 {
			return "", &ccc.Error{Op: "ingest --append", Row: -1, Field: m.ID.Slot, Value: ex.String, Kind: ccc.ErrConflict,
				Msg:  fmt.Sprintf("%d identifier(s) already in dataset %s's %s table (e.g. %s); nothing was written", clash, j.o.Dataset, m.Class, ex.String),
				Hint: "use --upsert to replace existing records, or drop them from the input"}
		}
		r.Counts.Inserted = r.Counts.Instances
		return fmt.Sprintf("SELECT * FROM %s UNION ALL BY NAME SELECT * FROM final", e), nil
	}
	r.Counts.Updated = clash
	r.Counts.Inserted = r.Counts.Instances - clash
	return fmt.Sprintf("SELECT x.* FROM %s x ANTI JOIN final f ON x.%s = f.%s UNION ALL BY NAME SELECT * FROM final", e, id, id), nil
}

// copyOut writes the new table with COPY. While it runs, the progress bar
// advances with the output file's growth (an estimate scaled by the size
// of the inputs: DuckDB reports no progress through database/sql).
func (j *job) copyOut(ctx context.Context, q, path string) error {
	var inBytes int64
	for _, f := range j.files {
		if st, err := os.Stat(f.read); err == nil {
			inBytes += st.Size()
		}
	}
	share := j.r.Counts.Rows - j.bar.Done()
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var reported int64
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				j.bar.Add(share - reported)
				return
			case <-tick.C:
				if st, err := os.Stat(path); err == nil && inBytes > 0 {
					est := min(share*st.Size()/inBytes, share*95/100)
					if est > reported {
						j.bar.Add(est - reported)
						reported = est
					}
				}
			}
		}
	}()
	err := j.exec(ctx, fmt.Sprintf("COPY (%s) TO %s (FORMAT parquet, COMPRESSION zstd)", q, quoteString(path)))
	close(done)
	<-finished
	return err
}

// inputsDigest is the sha256 of a single input, or of the lines
// "path\0sha256\n" of several.
func inputsDigest(in []store.Input) string {
	if len(in) == 1 {
		return in[0].SHA256
	}
	h := sha256.New()
	for _, i := range in {
		fmt.Fprintf(h, "%s\x00%s\n", i.Path, i.SHA256)
	}
	return hex.EncodeToString(h.Sum(nil))
}
