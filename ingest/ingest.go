package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/textinput"
	"github.com/ccc-connectivity/ccc/internal/progress"
	"github.com/ccc-connectivity/ccc/linkml"
	"github.com/ccc-connectivity/ccc/store"
)

// Mode says how an ingest combines with the dataset's existing table.
type Mode string

// Write modes.
const (
	ModeReplace Mode = "replace" // the input becomes the dataset's table of the class
	ModeAppend  Mode = "append"  // add new records; an existing key (identifier or unique key) is a conflict
	ModeUpsert  Mode = "upsert"  // insert new records, replace those whose key exists
)

// Options describe one ingest.
type Options struct {
	Class   string
	Dataset string
	Inputs  []string          // files, directories or globs
	Format  Format            // force the input format ("" = by extension)
	Map     map[string]string // input column -> slot (or slot_sub / slot.sub for nested objects)
	Lenient bool              // tolerate bad and missing values as warnings
	// AllowEmpty lets an ingest commit a table with no rows (a header-only
	// file, or --lenient dropping every row); without it such an ingest
	// is rejected (ErrNoRecords for inputs without any record, ErrEmpty
	// when --lenient dropped them all) and the store left as it was. In
	// replace mode the class table of the dataset becomes empty, which
	// needs the columns from a CSV header or Parquet schema.
	AllowEmpty bool
	// RefDatasets are the datasets, besides the one written, whose tables
	// may resolve references (by identifier); other datasets never do.
	RefDatasets []string
	// MaxErrors caps how many errors (and warnings) the report lists;
	// counts include all. Default 100.
	MaxErrors int
	Mode      Mode
	Message   string
	Schema    *linkml.Schema // default: the built-in schema
	Wait      time.Duration  // wait for another writer
	DryRun    bool           // validate only; never commit

	// Limits bound CSV/TSV header width and record size and JSON/YAML
	// nesting; every text input is checked against them (package
	// textinput, the same check 'ccc validate' makes) before DuckDB reads
	// it. Zero fields take textinput's defaults.
	Limits textinput.Limits

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
func Run(ctx context.Context, st *store.Store, o Options) (r *Report, err error) {
	defer func() {
		if err != nil && r != nil {
			r.Error = err.Error()
		}
	}()
	return run(ctx, st, o)
}

func run(ctx context.Context, st *store.Store, o Options) (*Report, error) {
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
	// DuckDB starts while the schema loads and the writer lock is taken.
	d := startDuck()
	defer d.close()
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
	// The class names a store path (tables/<Class>/...): refuse a bad
	// name (e.g. "../../x" from a custom schema) before anything is read
	// or written.
	if err := store.ValidName(store.NameClass, m.Class); err != nil {
		return r, err
	}
	r.Class = m.Class
	o.Class = m.Class
	if o.Mode == ModeUpsert && len(m.Key) == 0 {
		return r, fmt.Errorf("%w: --upsert needs an identifier or a unique key, and class %s has neither", ccc.ErrUsage, m.Class)
	}
	paths, err := ExpandInputs(o.Inputs, o.Format)
	if err != nil {
		return r, err
	}
	// Blank files (whitespace only) hold no record in any format: they are
	// left out, and an input of nothing but them is ErrNoRecords.
	var kept []string
	for _, p := range paths {
		if blank, err := IsBlank(p); err == nil && blank {
			continue
		}
		kept = append(kept, p)
	}
	if len(kept) == 0 && o.AllowEmpty {
		return r, &ccc.Error{Op: "ingest", Path: strings.Join(paths, ", "), Row: -1, Kind: ccc.ErrInvalidData, Err: ErrNoRecords,
			Msg:  "every input is blank: there are no columns to make an empty table from",
			Hint: "give a CSV/TSV file with just the header line (or a Parquet file of 0 rows) to empty the table"}
	}
	if len(kept) == 0 {
		return r, NoRecordsError("ingest", paths)
	}
	allPaths := paths
	paths = kept
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

	j := &job{o: &o, m: m, r: r, st: st, tx: tx, files: files, sch: sch, duck: d}
	err = j.run(ctx)
	if r.Counts.Rows == 0 && !o.AllowEmpty && (err == nil || errors.Is(err, ccc.ErrInvalidData)) {
		// One verdict for inputs without records, whatever the format
		// (a missing-column error of an empty list is not the point).
		return r, NoRecordsError("ingest", allPaths)
	}
	if err != nil {
		return r, err
	}
	if o.DryRun {
		return r, nil
	}
	if _, err := os.Stat(j.spill); err == nil {
		// the write spilled: close the database now (see duck.close), and
		// let the commit use the store's own
		tx.UseDB(nil)
		d.closeNow()
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
	duck  *duck
	spill string // DuckDB's temp_directory, inside the staging directory
	conn  *sql.Conn
	bar   *progress.Bar
	bad   map[string]bool // field columns with a __bad_ column that can be non-null
	total int64           // rows of the inputs, when their metadata says (Parquet)
}

// duck is an ingest's in-memory DuckDB, started in the background: the
// start (about 7 ms) overlaps loading the schema and taking the lock.
type duck struct {
	ready chan struct{}
	db    *sql.DB
	conn  *sql.Conn
	err   error
	once  sync.Once
}

func startDuck() *duck {
	d := &duck{ready: make(chan struct{})}
	go func() {
		defer close(d.ready)
		if d.db, d.err = sql.Open("duckdb", ""); d.err == nil {
			d.conn, d.err = d.db.Conn(context.Background())
		}
		if d.err != nil {
			d.err = fmt.Errorf("ingest: open duckdb: %w", d.err)
		}
	}()
	return d
}

// get waits for the database and returns it and its connection.
func (d *duck) get() (*sql.DB, *sql.Conn, error) {
	<-d.ready
	return d.db, d.conn, d.err
}

// close closes the database in the background, once the ingest is over
// (committed or rolled back): it holds nothing to keep, and freeing the
// memory of the write need not delay the answer. A database that spilled
// to disk was closed before the commit (closeNow), so that it never works
// in its spill directory once the staging directory holding it is gone.
func (d *duck) close() {
	go d.closeNow()
}

// closeNow closes the database (once).
func (d *duck) closeNow() {
	<-d.ready
	d.once.Do(func() {
		if d.conn != nil {
			d.conn.Close()
		}
		if d.db != nil {
			d.db.Close()
		}
	})
}

func (j *job) exec(ctx context.Context, q string, args ...any) error {
	_, err := j.execCount(ctx, q, args...)
	return err
}

// execCount is exec returning the rows the statement affected (a COPY:
// the rows written).
func (j *job) execCount(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := j.conn.ExecContext(ctx, q, args...)
	if err == nil {
		n, _ := res.RowsAffected()
		return n, nil
	}
	if msg := err.Error(); strings.Contains(msg, "CSV Error") || strings.Contains(msg, "Malformed JSON") {
		// an input DuckDB could not read past its first rows: one line
		first, line := duckFirstLine(err)
		return 0, &ccc.Error{Op: "ingest", Line: line, Row: -1, Msg: first, Kind: ccc.ErrFormat,
			Hint: "check the input with 'ccc validate --class CLASS FILE'"}
	}
	return 0, fmt.Errorf("ingest: %w\n  query: %s", err, shorten(q, 400))
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
	j.spill = filepath.Join(work, "spill")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	db, conn, err := j.duck.get()
	if err != nil {
		return err
	}
	j.conn = conn
	// the commit reads the staged footers and writes the catalog with
	// this database rather than starting one of its own
	j.tx.UseDB(db)
	settings := []string{
		"SET memory_limit = " + store.QuoteString(o.MemoryLimit),
		"SET temp_directory = " + store.QuoteString(j.spill),
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
			if err := conn.QueryRowContext(ctx, "SELECT sum(num_rows)::BIGINT FROM parquet_file_metadata("+store.QuoteString(f.Path)+")").Scan(&n); err == nil {
				total += n.Int64
			}
		}
	}
	j.total = total
	j.bar = progress.New(progressWriter(o), "ingest "+m.Class, "rows", total, o.Quiet)
	defer j.bar.Finish()
	j.bad = map[string]bool{}
	var sels, plains, checked []string
	for i, f := range j.files {
		if err := f.prepare(work, i, m.Class, o.Limits); err != nil {
			return err
		}
		sel, plain, chk, err := j.load(ctx, i, f)
		if err != nil {
			return err
		}
		sels = append(sels, sel)
		plains = append(plains, plain)
		checked = append(checked, chk)
	}
	for _, v := range [][2]string{{"w", strings.Join(sels, " UNION ALL ")}, {"wv", strings.Join(plains, " UNION ALL ")}, {"wc", strings.Join(checked, " UNION ALL ")}} {
		if err := j.exec(ctx, "CREATE VIEW "+v[0]+" AS "+v[1]); err != nil {
			return err
		}
	}
	r.Seconds["map"] = time.Since(t0).Seconds()

	// 2-5 in one pass when they can be (fast.go); on a failing row the
	// separate passes below find and report it.
	if j.checkedWriteOK() {
		if done, err := j.checkedWrite(ctx, db); done || err != nil {
			return err
		}
	}

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
	if r.Counts.Instances == 0 && !o.AllowEmpty {
		return j.emptyError()
	}

	// 4. References by identifier, against this input and the store.
	t0 = time.Now()
	sn, err := j.references(ctx)
	if err != nil {
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
	j.setMeta()
	if _, err := j.copyOut(ctx, out, j.tx.TablePath(m.Class), r.Counts.Rows-j.bar.Done()); err != nil {
		return err
	}
	r.Seconds["write"] = time.Since(t0).Seconds()
	return ctx.Err()
}

// emptyError is the verdict on an input without rows to write.
func (j *job) emptyError() error {
	r := j.r
	e := &ccc.Error{Op: "ingest", Path: j.files[0].Path, Row: -1, Kind: ccc.ErrInvalidData, Err: ErrEmpty,
		Msg:  "the input has no rows; nothing was written",
		Hint: "pass --allow-empty to commit an empty table (in the default replace mode it replaces the dataset's rows with none)"}
	if r.Counts.Rows > 0 {
		e.Msg = fmt.Sprintf("--lenient dropped all %d rows (%s); nothing was written", r.Counts.Rows, r.droppedText())
		e.Hint = "fix the input or map its columns with --map COLUMN=SLOT (the warnings say why rows were dropped); --allow-empty commits an empty table"
	}
	return e
}

// references checks the datasets named with RefDatasets and counts the
// references (by identifier) of final that are neither in this input
// nor in the store; it returns the snapshot they were resolved against.
func (j *job) references(ctx context.Context) (*store.Snapshot, error) {
	for _, name := range j.o.RefDatasets {
		if err := store.ValidDataset(name); err != nil {
			return nil, err
		}
	}
	sn, err := j.st.Snapshot(store.Ref{})
	if err != nil {
		return nil, err
	}
	for _, name := range j.o.RefDatasets {
		if !slices.Contains(sn.Datasets(), name) {
			return nil, &ccc.Error{Op: "ingest", Row: -1, Field: "--ref-dataset", Value: name, Msg: "no such dataset in the store", Kind: ccc.ErrNotFound,
				Hint: "datasets: " + strings.Join(sn.Datasets(), ", ")}
		}
	}
	return sn, j.resolve(ctx, sn)
}

// setMeta records the ingest in the dataset's metadata.
func (j *job) setMeta() {
	o, r := j.o, j.r
	j.tx.SetMeta("ingest:"+j.m.Class, map[string]any{"source": r.Provenance.Source, "mode": string(o.Mode), "rows": r.Counts.Rows, "instances": r.Counts.Instances, "warnings": r.Counts.Warnings, "unresolved": r.Unresolved})
}

func progressWriter(o *Options) io.Writer {
	if o.Progress == nil {
		return io.Discard
	}
	return o.Progress
}

// load describes and maps one input file and returns its coercing SELECT
// (with __file, __row and the __bad_ columns of the checks), the same
// values only (for the write pass), and the first without row numbers
// (for the checked write).
func (j *job) load(ctx context.Context, i int, f *inputFile) (sel, plain, checked string, err error) {
	src := f.sourceSQL(true)
	cols, err := j.describe(ctx, src)
	if err != nil {
		return "", "", "", readError(f, err)
	}
	mp, err := mapColumns(j.m, cols, j.o.Map, f.Path)
	if err != nil {
		return "", "", "", err
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
	sels := []string{fmt.Sprintf("%d::INTEGER AS __file", i), "__row::BIGINT AS __row"}
	var plains []string
	for k, fl := range j.m.Fields {
		ref, ok := mp.refs[fl.Column]
		if !ok && j.derivesStructureID(fl, mp) {
			// the integer structure id that other tables join on: the
			// local number of the identifier (MBA:385 and 385 give 385)
			v := fmt.Sprintf("%s AS %s", localNumberSQL(mp.refs[j.m.ID.Column].expr()), quoteIdent(fl.Column))
			sels = append(sels, v, fmt.Sprintf("NULL::VARCHAR AS __bad_%d", k))
			plains = append(plains, v)
			j.r.Mapping[fl.Column] = mp.refs[j.m.ID.Column].describe()
			j.r.How[fl.Column] = "derived"
			continue
		}
		if !ok {
			v := fmt.Sprintf("NULL::%s AS %s", fl.Type(), quoteIdent(fl.Column))
			sels = append(sels, v, fmt.Sprintf("NULL::VARCHAR AS __bad_%d", k))
			plains = append(plains, v)
			continue
		}
		v, bad := fieldExprs(fl, ref)
		if strings.TrimSpace(v) != ref.expr() || ref.Type != fl.Type() {
			v = fmt.Sprintf("CAST(%s AS %s)", v, fl.Type())
		}
		v += " AS " + quoteIdent(fl.Column)
		sels = append(sels, v)
		plains = append(plains, v)
		if bad == "" {
			sels = append(sels, fmt.Sprintf("NULL::VARCHAR AS __bad_%d", k))
		} else {
			sels = append(sels, fmt.Sprintf("%s AS __bad_%d", bad, k))
			j.bad[fl.Column] = true
		}
	}
	list := strings.Join(sels, ", ")
	return fmt.Sprintf("SELECT %s FROM (%s) AS src", list, src),
		fmt.Sprintf("SELECT %s FROM (%s) AS src", strings.Join(plains, ", "), f.sourceSQL(false)),
		fmt.Sprintf("SELECT %s FROM (%s) AS src", list, f.sourceSQL(false)), nil
}

// StructureIDSlot is the integer slot that other tables join regions on
// (BrainRegion.structure_id). When the input has no column for it and the
// class's identifier is a string, ingest fills it with the identifier's
// local number: the digits of "385", "MBA:385" or "UBERON:0002436" (2436);
// ids without one (BR1) leave it empty.
const StructureIDSlot = "structure_id"

func (j *job) derivesStructureID(fl *Field, mp *mapping) bool {
	if fl.Column != StructureIDSlot || fl.Path != nil || fl.SQLType != "BIGINT" || fl.Multivalued || j.m.ID == nil || j.m.ID.SQLType != "VARCHAR" {
		return false
	}
	_, ok := mp.refs[j.m.ID.Column]
	return ok
}

// localNumberSQL is the SQL of the local number of an identifier
// expression: a plain integer, or the digits after a CURIE prefix.
func localNumberSQL(e string) string {
	return fmt.Sprintf(`TRY_CAST(NULLIF(regexp_extract(CAST(%s AS VARCHAR), '^\s*(?:[A-Za-z][A-Za-z0-9_.-]*:)?0*([0-9]+)(?:\.0+)?\s*$', 1), '') AS BIGINT)`, e)
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
