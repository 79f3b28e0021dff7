package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ccc-connectivity/ccc/store"
)

// The checked write: a strict ingest in replace mode is checked in the
// pass that writes it. The COPY evaluates every rule of the checks as a
// guard that raises guardFailed at the first failing row, and a second
// connection proves the identifiers unique meanwhile (the streaming lag()
// of the checks, on the identifier column alone; unsorted identifiers take
// the checks' grouped pass after the write). Valid input, the common
// case, is thus read once for the checks and the write instead of twice.
// On a failing rule or a repeated identifier the staged file is deleted
// and the full checks run as before, so the report and the verdict
// (nothing committed) are exactly those of the separate check pass.

// checkedWrites counts the ingests the checked write completed (tests).
var checkedWrites atomic.Int64

// guardFailed is the message the write's guard raises (DuckDB error()).
const guardFailed = "ccc-ingest: a row fails a check"

// checkedWriteOK reports whether the ingest can take the checked write:
// strict (lenient mode rewrites failing rows), replace mode (append and
// upsert merge with the stored table after the checks), not a dry run,
// and every required slot mapped (a missing column is an error found
// without reading a row).
func (j *job) checkedWriteOK() bool {
	o := j.o
	if o.Lenient || o.Mode != ModeReplace || o.DryRun {
		return false
	}
	_, unmappedReq := j.rules()
	return len(unmappedReq) == 0
}

// checkedWrite writes the class table with the checks in the same pass,
// then resolves references as the separate passes do. It returns
// done=false (and no error) when a row fails a check: the staged file is
// then gone and the caller runs the full checks, which report why.
func (j *job) checkedWrite(ctx context.Context, db *sql.DB) (done bool, err error) {
	o, m, r := j.o, j.m, j.r
	side, err := db.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("ingest: open duckdb: %w", err)
	}
	defer side.Close()
	t0 := time.Now()
	rows, ok, err := j.writeChecked(ctx, side, j.tx.TablePath(m.Class))
	if err != nil || !ok {
		return false, err
	}
	r.Seconds["write"] = time.Since(t0).Seconds()
	r.Counts.Rows, r.Counts.Instances = rows, rows
	if rows == 0 && !o.AllowEmpty {
		return true, j.emptyError()
	}
	if err := j.exec(ctx, "CREATE OR REPLACE VIEW final AS SELECT * FROM wv"); err != nil {
		return true, err
	}
	t0 = time.Now()
	if _, err := j.references(ctx); err != nil {
		return true, err
	}
	r.Seconds["references"] = time.Since(t0).Seconds()
	j.setMeta()
	checkedWrites.Add(1)
	return true, ctx.Err()
}

// writeChecked runs the guarded COPY of wc to path and, concurrently on
// side, the duplicate pass. It returns the rows written, and ok=false when
// a row fails a check or repeats an identifier (the file is removed).
func (j *job) writeChecked(ctx context.Context, side *sql.Conn, path string) (rows int64, ok bool, err error) {
	cs, _ := j.rules()
	cols := make([]string, len(j.m.Fields))
	for i, f := range j.m.Fields {
		cols[i] = quoteIdent(f.Column)
	}
	q := fmt.Sprintf("SELECT %s FROM wc", strings.Join(cols, ", "))
	if len(cs) > 0 {
		conds := make([]string, len(cs))
		for i, c := range cs {
			conds[i] = "(" + c.cond + ")"
		}
		q += fmt.Sprintf(" WHERE CASE WHEN %s THEN error(%s) ELSE true END", strings.Join(conds, " OR "), store.QuoteString(guardFailed))
	}
	type result struct {
		unique bool
		took   time.Duration
		err    error
	}
	sideCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	res := make(chan result, 1)
	go func() {
		t0 := time.Now()
		ok, err := j.increasingIDs(sideCtx, side)
		res <- result{ok, time.Since(t0), err}
	}()
	rows, werr := j.copyOut(ctx, q, path, j.total-j.bar.Done())
	if werr != nil {
		cancel() // the verdict comes from the full checks
	}
	sr := <-res
	j.r.Seconds["duplicates"] = sr.took.Seconds()
	failed := werr != nil && strings.Contains(werr.Error(), guardFailed)
	var dups int64
	switch {
	case werr != nil && !failed:
		return 0, false, werr
	case sr.err != nil && !failed && !errors.Is(sr.err, context.Canceled):
		return 0, false, sr.err
	case !failed && !sr.unique:
		// Unsorted identifiers (or a unique key): the grouped pass, after
		// the write as the separate checks run it before, so that the two
		// never share the memory limit.
		t0 := time.Now()
		if dups, err = j.groupedDuplicates(ctx, j.conn, "wc"); err != nil {
			return 0, false, err
		}
		j.r.Seconds["duplicates"] += time.Since(t0).Seconds()
	}
	if failed || dups > 0 {
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			return 0, false, err
		}
		return 0, false, nil
	}
	return rows, true, nil
}

// increasingIDs reports whether the identifiers of wc strictly increase
// in input order, which proves them unique, by a streaming lag() over the
// identifier column (little memory: it runs alongside the write). It is
// false when they do not, or when the class is keyed by a unique key: the
// grouped pass decides then.
func (j *job) increasingIDs(ctx context.Context, c *sql.Conn) (bool, error) {
	if !j.idMapped() {
		return !(j.m.ID == nil && j.keyMapped()), nil
	}
	id := quoteIdent(j.m.ID.Column)
	var nonMono, nulls int64
	q := fmt.Sprintf("SELECT count(*) FILTER (WHERE __prev_id >= %s), count(*) FILTER (WHERE %s IS NULL) FROM (SELECT %s, lag(%s) OVER () AS __prev_id FROM wc)", id, id, id, id)
	if err := c.QueryRowContext(ctx, q).Scan(&nonMono, &nulls); err != nil {
		return false, fmt.Errorf("ingest: duplicate check: %w", err)
	}
	return nonMono == 0 && nulls == 0, nil
}
