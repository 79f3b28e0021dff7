package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/ccc-connectivity/ccc/store"
	"strings"
)

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

// rules returns the checks of the mapped fields (conditions over w's
// columns) and the required slots the input has no column for.
func (j *job) rules() (cs []*check, unmappedReq []*Field) {
	m, r := j.m, j.r
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
			if f.InKey {
				c.drop = true // a record without its key cannot be kept
			}
			cs = append(cs, c)
		}
		if f.Required && f.Path == nil {
			if !mapped {
				unmappedReq = append(unmappedReq, f)
				continue
			}
			c := &check{field: f, k: k, cond: fmt.Sprintf("%s IS NULL AND __bad_%d IS NULL", col, k), value: "NULL", msg: "required value missing", fatal: true}
			if f.InKey {
				c.drop = true
			}
			if f.Identifier {
				c.msg = "identifier missing"
			}
			cs = append(cs, c)
		}
		if !mapped {
			continue
		}
		if f.Pattern != "" && f.SQLType == "VARCHAR" {
			pat := store.QuoteString(f.Pattern)
			cond := fmt.Sprintf("%s IS NOT NULL AND NOT regexp_matches(%s, %s)", col, col, pat)
			if f.Multivalued {
				cond = fmt.Sprintf("%s IS NOT NULL AND list_bool_or(list_transform(%s, lambda e: NOT regexp_matches(e, %s)))", col, col, pat)
			}
			cs = append(cs, &check{field: f, k: k, cond: cond, value: fmt.Sprintf("CAST(%s AS VARCHAR)", col), msg: fmt.Sprintf("does not match pattern %s", f.Pattern), fatal: true, nullify: !f.InKey, drop: f.InKey})
		}
		numeric := f.SQLType == "BIGINT" || f.SQLType == "DOUBLE"
		if numeric && !f.Multivalued && f.Min != nil {
			cs = append(cs, &check{field: f, k: k, cond: fmt.Sprintf("%s < %s", col, fmtFloat(*f.Min)), value: fmt.Sprintf("CAST(%s AS VARCHAR)", col), msg: fmt.Sprintf("below the minimum %s", fmtFloat(*f.Min)), fatal: true, nullify: !f.InKey, drop: f.InKey})
		}
		if numeric && !f.Multivalued && f.Max != nil {
			cs = append(cs, &check{field: f, k: k, cond: fmt.Sprintf("%s > %s", col, fmtFloat(*f.Max)), value: fmt.Sprintf("CAST(%s AS VARCHAR)", col), msg: fmt.Sprintf("above the maximum %s", fmtFloat(*f.Max)), fatal: true, nullify: !f.InKey, drop: f.InKey})
		}
	}
	return cs, unmappedReq
}

// idMapped reports whether the class has an identifier with an input column.
func (j *job) idMapped() bool {
	if j.m.ID == nil {
		return false
	}
	_, ok := j.r.Mapping[j.m.ID.Column]
	return ok
}

// check runs all rules, fills the report and returns the conditions of
// rows to drop and the values to null in lenient mode.
func (j *job) check(ctx context.Context) (drops []string, nulls map[string][]string, err error) {
	o, m, r := j.o, j.m, j.r
	nulls = map[string][]string{}
	cs, unmappedReq := j.rules()
	// Count rows, every rule and duplicate identifiers in one pass.
	idMapped := j.idMapped()
	aggs := []string{"count(*)"}
	ptrs := []any{&r.Counts.Rows}
	for _, c := range cs {
		aggs = append(aggs, fmt.Sprintf("count(*) FILTER (WHERE %s)", c.cond))
		ptrs = append(ptrs, &c.count)
	}
	// Identifiers that strictly increase in input order are unique: a
	// streaming lag() proves it in the same pass; otherwise (unsorted, or
	// NULL identifiers) a hash-based count(DISTINCT) pass decides. A
	// unique key (classes without an identifier) always takes the grouped
	// pass.
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
	if (idMapped && (nonMono > 0 || nullIDs > 0)) || (m.ID == nil && j.keyMapped()) {
		if dupExtra, err = j.groupedDuplicates(ctx, j.conn, "w"); err != nil {
			return nil, nil, err
		}
	}
	j.bar.Add(r.Counts.Rows / 2)
	for _, f := range unmappedReq {
		is := Issue{Field: j.fieldName(f), Message: fmt.Sprintf("required slot %s has no column in the input", f.Slot), Count: r.Counts.Rows}
		n := max(r.Counts.Rows, 1)
		if o.Lenient && !f.InKey {
			r.Warnings = append(r.Warnings, is)
			r.Counts.Warnings += n
			continue
		}
		// Strict, or a key field: without it there is nothing to keep.
		is.Message += "; map one with --map COLUMN=" + f.Slot
		r.Errors = append(r.Errors, is)
		r.Counts.Errors += n
	}
	idExpr := "NULL"
	if j.keyMapped() {
		idExpr = m.keyText("")
	}
	for _, c := range cs {
		if c.count == 0 {
			continue
		}
		asError := c.fatal && !o.Lenient
		if c.drop && o.Lenient {
			drops = append(drops, c.cond)
			if r.Dropped == nil {
				r.Dropped = map[string]int64{}
			}
			r.Dropped[j.fieldName(c.field)+": "+c.msg] += c.count
		}
		if c.nullify && o.Lenient {
			nulls[c.field.Column] = append(nulls[c.field.Column], c.cond)
		}
		if err := j.examples(ctx, c, idExpr, asError); err != nil {
			return nil, nil, err
		}
	}
	// Duplicate identifiers or unique-key values.
	if dupExtra > 0 {
		if err := j.duplicates(ctx, &drops); err != nil {
			return nil, nil, err
		}
		if o.Lenient {
			if r.Dropped == nil {
				r.Dropped = map[string]int64{}
			}
			r.Dropped["duplicate "+m.KeyName] += dupExtra
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

// issue is one row's issue; key is the row's record key as keyText
// renders it (the identifier goes to ID, unique-key values to Key).
func (j *job) issue(file int, row int64, key, field, value, msg string) Issue {
	is := Issue{Row: &row, Field: field, Value: value, Message: msg}
	if j.m.ID != nil {
		is.ID = key
	} else {
		is.Key = key
	}
	f := j.files[file]
	if len(j.files) > 1 {
		is.File = f.Path
	}
	if f.Format == FormatCSV || f.Format == FormatTSV {
		is.Line = row + 2
	}
	return is
}

// keyMapped reports whether any key field has an input column.
func (j *job) keyMapped() bool {
	for _, f := range j.m.Key {
		if _, ok := j.r.Mapping[f.Column]; ok {
			return true
		}
	}
	return false
}

// dupGroupsSQL counts the key values used more than once in the view
// (w, or wc of the checked write) and the rows beyond the first of each.
func (j *job) dupGroupsSQL(view string) string {
	return dupCountSQL(view, j.m.keyCols(""), j.m.keyMissing(""))
}

// dupCountSQL counts, with a grouped aggregate, the values of the key
// columns keys (quoted) used more than once in view, rows where missing
// holds taking no part, and the rows beyond the first of each value.
func dupCountSQL(view string, keys []string, missing string) string {
	k := strings.Join(keys, ", ")
	return fmt.Sprintf("SELECT count(*), COALESCE(sum(n - 1), 0)::BIGINT FROM (SELECT count(*) AS n FROM %s WHERE NOT (%s) GROUP BY %s HAVING count(*) > 1)",
		view, missing, k)
}

// dupCountSortedSQL counts the same rows beyond the first over the key
// values sorted (NULL fields equal, as GROUP BY has them): slower than the
// aggregate, but within a memory limit the aggregate cannot meet.
func dupCountSortedSQL(view string, keys []string, missing string) string {
	k := keys[0] // one column sorts as it is (a struct of one took more memory)
	if len(keys) > 1 {
		k = "row(" + strings.Join(keys, ", ") + ")"
	}
	return fmt.Sprintf("SELECT count(*) FILTER (WHERE __prev IS NOT DISTINCT FROM __k)::BIGINT FROM (SELECT __k, lag(__k) OVER (ORDER BY __k) AS __prev FROM (SELECT %s AS __k FROM %s WHERE NOT (%s)))",
		k, view, missing)
}

// groupedDuplicates counts the rows of the view repeating an earlier
// row's key (its identifier, or for classes without one its unique-key
// values) with a grouped aggregate, which (unlike count(DISTINCT)) spills
// to disk, so hundreds of millions of unsorted identifiers fit the memory
// limit; when it still runs out of DuckDB's memory (a few million unsorted
// identifiers under --memory-limit 200MB) it counts them sorted (DuckDB's
// sort spills in blocks).
func (j *job) groupedDuplicates(ctx context.Context, conn *sql.Conn, view string) (int64, error) {
	keys, missing := j.m.keyCols(""), j.m.keyMissing("")
	var groups, extra int64
	err := conn.QueryRowContext(ctx, dupCountSQL(view, keys, missing)).Scan(&groups, &extra)
	if err != nil && strings.Contains(err.Error(), "Out of Memory") {
		err = conn.QueryRowContext(ctx, dupCountSortedSQL(view, keys, missing)).Scan(&extra)
	}
	if err != nil {
		return 0, fmt.Errorf("ingest: duplicate check: %w", err)
	}
	return extra, nil
}

// duplicates reports the rows repeating an earlier row's key (errors, or
// warnings with the row dropped when lenient).
func (j *job) duplicates(ctx context.Context, drops *[]string) error {
	o, r, m := j.o, j.r, j.m
	var groups, extra int64
	if err := j.conn.QueryRowContext(ctx, j.dupGroupsSQL("w")).Scan(&groups, &extra); err != nil {
		return fmt.Errorf("ingest: duplicates: %w", err)
	}
	if groups == 0 {
		return nil
	}
	what := "duplicate identifier"
	if m.ID == nil {
		what = "duplicate " + m.KeyName
	}
	list := &r.Warnings
	msg := what + " (first at %s); row dropped"
	if o.Lenient {
		r.Counts.Warnings += extra
		*drops = append(*drops, "__dup")
	} else {
		list = &r.Errors
		r.Counts.Errors += extra
		msg = what + " (first at %s)"
	}
	budget := o.MaxErrors - len(*list)
	if budget <= 0 {
		r.ErrorsTruncated = r.ErrorsTruncated || !o.Lenient
		return nil
	}
	keys := strings.Join(m.keyCols(""), ", ")
	q := fmt.Sprintf(`SELECT __file, __row, %s, first_file, first_row FROM (
		SELECT w.*, first_value(__file) OVER p AS first_file, first_value(__row) OVER p AS first_row, row_number() OVER p AS __k
		FROM w SEMI JOIN (SELECT %s FROM w WHERE NOT (%s) GROUP BY %s HAVING count(*) > 1) d ON %s
		WINDOW p AS (PARTITION BY %s ORDER BY __file, __row))
		WHERE __k > 1 ORDER BY __file, __row LIMIT %d`, m.keyText(""), keys, m.keyMissing(""), keys, m.keyJoin("w", "d"), keys, budget)
	rows, err := j.conn.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("ingest: duplicates: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var file, firstFile int
		var row, first int64
		var v sql.NullString
		if err := rows.Scan(&file, &row, &v, &firstFile, &first); err != nil {
			return err
		}
		at := fmt.Sprintf("row %d", first)
		if firstFile != file {
			at += " of " + j.files[firstFile].Path
		}
		*list = append(*list, j.issue(file, row, v.String, m.keySlots(), v.String, fmt.Sprintf(msg, at)))
		n++
	}
	if !o.Lenient && int64(n) < extra {
		r.ErrorsTruncated = true
	}
	return rows.Err()
}
