package ingest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

// finalView defines the rows to write: w's columns in slot order, lenient
// drops and nulls applied, duplicates of the key (lenient) keeping the
// first row.
func (j *job) finalView(drops []string, nulls map[string][]string) string {
	if len(drops) == 0 && len(nulls) == 0 {
		return "CREATE OR REPLACE VIEW final AS SELECT * FROM wv"
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
	q := fmt.Sprintf("CREATE OR REPLACE VIEW final AS SELECT %s FROM w", strings.Join(sel, ", "))
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if dedupe {
		m := j.m
		q += fmt.Sprintf(" QUALIFY (%s) OR row_number() OVER (PARTITION BY %s ORDER BY __file, __row) = 1", m.keyMissing(""), strings.Join(m.keyCols(""), ", "))
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
		// where references may resolve: this input, the dataset's own
		// stored tables (its existing rows in append/upsert), and the
		// datasets named with RefDatasets; never other datasets silently
		type source struct{ name, sql string }
		var known []source
		if sch.IsAncestor(f.RefClass, m.Class) && m.ID != nil {
			known = append(known, source{"input", fmt.Sprintf("SELECT CAST(%s AS %s) AS id FROM final", quoteIdent(m.ID.Column), f.SQLType)})
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
				if t.Dataset != j.o.Dataset && !slices.Contains(j.o.RefDatasets, t.Dataset) {
					continue
				}
				has := false
				for _, c := range t.Columns {
					has = has || c.Name == idSlot.Name
				}
				if has {
					known = append(known, source{"dataset " + t.Dataset, fmt.Sprintf("SELECT TRY_CAST(%s AS %s) AS id FROM read_parquet(%s)", quoteIdent(idSlot.Name), f.SQLType, store.QuoteString(t.Path))})
				}
			}
		}
		vals := fmt.Sprintf("SELECT %s AS v FROM final WHERE %s IS NOT NULL", quoteIdent(f.Column), quoteIdent(f.Column))
		if f.Multivalued {
			vals = fmt.Sprintf("SELECT unnest(%s) AS v FROM final", quoteIdent(f.Column))
		}
		missing := fmt.Sprintf("SELECT v FROM (%s) a WHERE v IS NOT NULL", vals)
		if len(known) > 0 {
			var all []string
			for _, k := range known {
				all = append(all, k.sql)
			}
			missing = fmt.Sprintf("SELECT a.v FROM (%s) a ANTI JOIN (%s) k ON a.v = k.id WHERE a.v IS NOT NULL", vals, strings.Join(all, " UNION ALL "))
		}
		by := map[string]int64{}
		for _, k := range known {
			var n int64
			q := fmt.Sprintf("SELECT count(*) FROM (%s) a SEMI JOIN (%s) k ON a.v = k.id WHERE a.v IS NOT NULL", vals, k.sql)
			if err := j.conn.QueryRowContext(ctx, q).Scan(&n); err != nil {
				return fmt.Errorf("ingest: resolve %s: %w", f.Slot, err)
			}
			by[k.name] += n
		}
		r.ResolvedBy[f.Slot] = by
		var n int64
		var ex sql.NullString
		q := fmt.Sprintf("SELECT count(*), array_to_string(list(DISTINCT CAST(v AS VARCHAR) ORDER BY CAST(v AS VARCHAR))[1:5], ', ') FROM (%s)", missing)
		if err := j.conn.QueryRowContext(ctx, q).Scan(&n, &ex); err != nil {
			return fmt.Errorf("ingest: resolve %s: %w", f.Slot, err)
		}
		r.Unresolved[f.Slot] = n
		if n > 0 {
			r.Warnings = append(r.Warnings, Issue{Field: f.Slot, Count: n, Value: ex.String,
				Message: fmt.Sprintf("%d reference(s) to %s not found in this input, dataset %s or the datasets named with --ref-dataset", n, f.RefClass, j.o.Dataset)})
			r.Counts.Warnings += n
		}
	}
	return nil
}

// merge combines final with the dataset's existing table for append and
// upsert and returns the SELECT producing the new table. Records are
// matched by the key (Model.Key): append refuses keys already stored,
// upsert replaces their rows.
func (j *job) merge(ctx context.Context, existing store.TableInfo) (string, error) {
	r, m := j.r, j.m
	r.Counts.Existing = existing.Rows
	e := fmt.Sprintf("read_parquet(%s)", store.QuoteString(existing.Path))
	if len(m.Key) == 0 {
		r.Counts.Inserted = r.Counts.Instances
		return fmt.Sprintf("SELECT * FROM %s UNION ALL BY NAME SELECT * FROM final", e), nil
	}
	on := m.keyJoin("f", "x")
	var clash int64
	var ex sql.NullString
	q := fmt.Sprintf("SELECT count(*), array_to_string(list(%s ORDER BY %s)[1:10], ', ') FROM (SELECT %s FROM final f SEMI JOIN %s x ON %s) AS f",
		m.keyText("f"), strings.Join(m.keyCols("f"), ", "), strings.Join(m.keyCols("f"), ", "), e, on)
	if err := j.conn.QueryRowContext(ctx, q).Scan(&clash, &ex); err != nil {
		return "", fmt.Errorf("ingest: compare with existing table: %w", err)
	}
	if j.o.Mode == ModeAppend {
		if clash > 0 {
			what := fmt.Sprintf("%d identifier(s)", clash)
			if m.ID == nil {
				what = fmt.Sprintf("%d record(s) with %s values", clash, m.KeyName)
			}
			return "", &ccc.Error{Op: "ingest --append", Row: -1, Field: m.keySlots(), Value: ex.String, Kind: ccc.ErrConflict,
				Msg:  fmt.Sprintf("%s already in dataset %s's %s table (e.g. %s); nothing was written", what, j.o.Dataset, m.Class, ex.String),
				Hint: "use --upsert to replace existing records, or drop them from the input"}
		}
		r.Counts.Inserted = r.Counts.Instances
		return fmt.Sprintf("SELECT * FROM %s UNION ALL BY NAME SELECT * FROM final", e), nil
	}
	r.Counts.Updated = clash
	r.Counts.Inserted = r.Counts.Instances - clash
	return fmt.Sprintf("SELECT x.* FROM %s x ANTI JOIN final f ON %s UNION ALL BY NAME SELECT * FROM final", e, on), nil
}

// copyOut writes the new table with COPY. While it runs, the progress bar
// advances with the output file's growth (an estimate scaled by the size
// of the inputs: DuckDB reports no progress through database/sql).
// share is the progress the write accounts for; it returns the rows
// written.
func (j *job) copyOut(ctx context.Context, q, path string, share int64) (int64, error) {
	var inBytes int64
	for _, f := range j.files {
		if st, err := os.Stat(f.read); err == nil {
			inBytes += st.Size()
		}
	}
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
	rows, err := j.execCount(ctx, fmt.Sprintf("COPY (%s) TO %s (FORMAT parquet, COMPRESSION zstd)", q, store.QuoteString(path)))
	close(done)
	<-finished
	return rows, err
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
