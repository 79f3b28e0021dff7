package synapse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

// Request is one synapse query: the CAVE synapse_query / query_table
// options plus ccc's cell filters and aggregations.
type Request struct {
	Pre, Post      []int64 // root ids; used when PreGiven / PostGiven
	PreGiven       bool
	PostGiven      bool
	RemoveAutapses bool
	Limit          int64    // 0 = unlimited
	Columns        []string // nil = every column
	SplitPositions bool
	Desired        *Resolution // convert positions to this resolution (nm per unit)
	FilterIn       map[string][]string
	FilterEqual    map[string]string
	FilterOut      map[string][]string
	// Proofread restricts by the ProofreadingStatus table: "axon" (pre has
	// a proofread axon), "dendrite" (post has a proofread dendrite), "both"
	// (both), "subgraph" (pre and post both have proofread axons: the
	// tutorial's proofread graph).
	Proofread string
	PreTypes  []string // cell types of pre (unified view, manual before automated)
	PostTypes []string
	// SortPairs orders per-pair counts by syn_count, largest first (the
	// tutorial's sort_values); default (pre, post) order.
	SortPairs bool
}

// Stats reports what a query returned.
type Stats struct {
	Rows       int64 // rows written
	Matched    int64 // rows matching before --limit (-1 when unknown)
	Truncated  bool  // --limit cut the result
	MissingIDs int   // requested root ids absent from the table
	Path       string
}

// fastColumns can be served from the index alone.
var fastColumns = map[string]ColKind{"id": KindInt, "pre_pt_root_id": KindInt, "post_pt_root_id": KindInt, "size": KindFloat,
	"cell_type_pre": KindString, "cell_type_post": KindString}

// AllColumns lists the output columns of a query (positions as list slots).
func AllColumns() []string { return append([]string(nil), synapseSpec.Order...) }

// knownColumn reports whether name is a stored column or slot.
func knownColumn(name string) bool {
	return slices.Contains(synapseSpec.Order, name) || slices.Contains(synapseSpec.outColumns(), name) ||
		name == "cell_type_pre" || name == "cell_type_post"
}

func unknownColumn(name, flag string) error {
	return &ccc.Error{Op: "query", Row: -1, Field: flag, Value: name, Msg: "unknown column",
		Hint: "columns are " + strings.Join(synapseSpec.outColumns(), ", ") + " (position slots pre_pt_position, post_pt_position, ctr_pt_position; cell_type_pre, cell_type_post with a cell-type table)",
		Kind: ccc.ErrNotFound}
}

// plan is a request resolved against the index.
type plan struct {
	filter  Filter
	sqlCond []string // conditions only SQL can evaluate
	cols    []string
	missing int
	empty   bool
}

func parseInts(col string, vals []string) ([]int64, error) {
	out := make([]int64, 0, len(vals))
	for _, v := range vals {
		x, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return nil, &ccc.Error{Op: "query", Row: -1, Field: col, Value: v, Msg: "not an integer", Hint: rootIDHint, Kind: ccc.ErrUsage}
		}
		out = append(out, x)
	}
	return out, nil
}

func parseFloats(col string, vals []string) ([]float64, error) {
	out := make([]float64, 0, len(vals))
	for _, v := range vals {
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return nil, &ccc.Error{Op: "query", Row: -1, Field: col, Value: v, Msg: "not a number", Kind: ccc.ErrUsage}
		}
		out = append(out, x)
	}
	return out, nil
}

// complement returns every neuron not in s.
func (ix *Index) complement(s *Set) *Set {
	c := &Set{bits: make([]uint64, len(s.bits))}
	for i := range ix.Roots {
		if !s.Has(uint32(i)) {
			c.bits[i>>6] |= 1 << (i & 63)
			c.List = append(c.List, uint32(i))
		}
	}
	return c
}

func (d *Dataset) plan(ctx context.Context, r *Request) (*plan, error) {
	ix := d.Index
	p := &plan{}
	var pre, post *Set
	addPre := func(ids []int64) {
		s, miss := ix.NewSet(ids)
		p.missing += miss
		pre = Intersect(pre, s)
	}
	addPost := func(ids []int64) {
		s, miss := ix.NewSet(ids)
		p.missing += miss
		post = Intersect(post, s)
	}
	if r.PreGiven {
		addPre(r.Pre)
	}
	if r.PostGiven {
		addPost(r.Post)
	}
	if r.Proofread != "" || len(r.PreTypes) > 0 || len(r.PostTypes) > 0 {
		cells, err := d.Cells(ctx)
		if err != nil {
			return nil, err
		}
		if r.Proofread != "" {
			if !cells.HasProof {
				return nil, &ccc.Error{Op: "query", Row: -1, Field: "--proofread", Msg: "dataset " + d.Name + " has no proofreading table",
					Hint: "ingest one with 'ccc synapses cells ingest --kind proofreading FILE'", Kind: ccc.ErrNotFound}
			}
			switch r.Proofread {
			case "axon", "subgraph":
				ids, _ := cells.Proofread("axon")
				s, _ := ix.NewSet(ids)
				pre = Intersect(pre, s)
				if r.Proofread == "subgraph" {
					post = Intersect(post, s)
				}
			case "dendrite", "both":
				if r.Proofread == "both" {
					ids, _ := cells.Proofread("axon")
					s, _ := ix.NewSet(ids)
					pre = Intersect(pre, s)
				}
				ids, _ := cells.Proofread("dendrite")
				s, _ := ix.NewSet(ids)
				post = Intersect(post, s)
			default:
				return nil, fmt.Errorf("%w: --proofread %q: want axon, dendrite, both or subgraph", ccc.ErrUsage, r.Proofread)
			}
		}
		for side, types := range map[string][]string{"pre": r.PreTypes, "post": r.PostTypes} {
			if len(types) == 0 {
				continue
			}
			if !cells.HasTypes {
				return nil, &ccc.Error{Op: "query", Row: -1, Field: "--" + side + "-type", Msg: "dataset " + d.Name + " has no cell-type table",
					Hint: "ingest one with 'ccc synapses cells ingest --kind celltype FILE'", Kind: ccc.ErrNotFound}
			}
			s, _ := ix.NewSet(cells.RootsOfType(types))
			if side == "pre" {
				pre = Intersect(pre, s)
			} else {
				post = Intersect(post, s)
			}
		}
	}
	var rowPreds []func(uint32) bool
	handle := func(col string, vals []string, op string) error {
		if err := CheckFilterColumn(col, op); err != nil {
			return err
		}
		switch col {
		case "pre_pt_root_id", "post_pt_root_id":
			ids, err := parseInts(col, vals)
			if err != nil {
				return err
			}
			s, miss := ix.NewSet(ids)
			if op != "out" {
				p.missing += miss
			} else {
				s = ix.complement(s)
			}
			if col == "pre_pt_root_id" {
				pre = Intersect(pre, s)
			} else {
				post = Intersect(post, s)
			}
		case "id", "size":
			fs, err := parseFloats(col, vals)
			if err != nil {
				return err
			}
			set := map[float64]bool{}
			for _, f := range fs {
				set[f] = true
			}
			want := op != "out"
			if col == "id" {
				rowPreds = append(rowPreds, func(r uint32) bool { return set[float64(ix.ID[r])] == want })
			} else {
				rowPreds = append(rowPreds, func(r uint32) bool { return set[ix.Size[r]] == want })
			}
		default:
			lits := make([]string, len(vals))
			for i, v := range vals {
				lits[i] = store.QuoteString(v)
			}
			cond := quoteIdent(col) + " IN (" + strings.Join(lits, ", ") + ")"
			if op == "out" {
				cond = "(" + quoteIdent(col) + " IS NULL OR " + quoteIdent(col) + " NOT IN (" + strings.Join(lits, ", ") + "))"
			}
			p.sqlCond = append(p.sqlCond, cond)
		}
		return nil
	}
	for _, col := range sortedKeys(r.FilterIn) {
		if err := handle(col, r.FilterIn[col], "in"); err != nil {
			return nil, err
		}
	}
	for _, col := range sortedKeys(r.FilterEqual) {
		if err := handle(col, []string{r.FilterEqual[col]}, "equal"); err != nil {
			return nil, err
		}
	}
	for _, col := range sortedKeys(r.FilterOut) {
		if err := handle(col, r.FilterOut[col], "out"); err != nil {
			return nil, err
		}
	}
	if len(rowPreds) > 0 {
		p.filter.Row = func(r uint32) bool {
			for _, f := range rowPreds {
				if !f(r) {
					return false
				}
			}
			return true
		}
	}
	p.filter.Pre, p.filter.Post, p.filter.RemoveAutapses = pre, post, r.RemoveAutapses
	p.cols = r.Columns
	if p.cols == nil {
		p.cols = AllColumns()
	}
	for _, c := range p.cols {
		if !knownColumn(c) {
			return nil, unknownColumn(c, "--columns")
		}
	}
	return p, nil
}

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// Select resolves the request's filters to rows of the table (table order).
// SQL-only filters (valid, created, positions, supervoxels) are not applied.
func (d *Dataset) Select(ctx context.Context, r *Request) ([]uint32, *plan, error) {
	p, err := d.plan(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	return d.Index.Select(p.filter), p, nil
}

// Query runs r and writes rows to w. Rows come in table order (pre, post,
// id); nothing is cut unless r.Limit is set, and then Stats says so.
func (d *Dataset) Query(ctx context.Context, r *Request, w RowWriter) (*Stats, error) {
	p, err := d.plan(ctx, r)
	if err != nil {
		return nil, err
	}
	fast := len(p.sqlCond) == 0
	for _, c := range p.cols {
		if _, ok := fastColumns[c]; !ok {
			fast = false
		}
	}
	if !fast {
		rows := d.Index.Select(p.filter)
		st := &Stats{MissingIDs: p.missing, Matched: int64(len(rows))}
		return st, d.writeSQL(ctx, r, p, rows, w, st)
	}
	h, err := d.Index.selectHits(p.filter, hitCols{id: slices.Contains(p.cols, "id"), size: slices.Contains(p.cols, "size")})
	if err != nil {
		return nil, err
	}
	st := &Stats{MissingIDs: p.missing, Matched: int64(len(h.rows))}
	if r.Limit > 0 && int64(len(h.rows)) > r.Limit {
		h.rows = h.rows[:r.Limit]
		st.Truncated = true
	}
	return st, d.writeFast(ctx, p.cols, h, w, st)
}

func (d *Dataset) cellTypeOf(ctx context.Context, cols []string) (func(int64) string, error) {
	if !slices.Contains(cols, "cell_type_pre") && !slices.Contains(cols, "cell_type_post") {
		return nil, nil
	}
	cells, err := d.Cells(ctx)
	if err != nil {
		return nil, err
	}
	if !cells.HasTypes {
		return nil, &ccc.Error{Op: "query", Row: -1, Field: "--columns", Value: "cell_type_pre/cell_type_post",
			Msg: "dataset " + d.Name + " has no cell-type table", Hint: "ingest one with 'ccc synapses cells ingest --kind celltype FILE'", Kind: ccc.ErrNotFound}
	}
	return cells.TypeOf, nil
}

// fastBatchRows is the number of rows writeFast gathers per batch.
const fastBatchRows = 8192

// fastBatch is one batch of writeFast's output columns.
type fastBatch struct {
	vals      []any // per column: []int64, []float64 or []string
	bufs      []any // the batch's own storage per column, same types
	pre, post []uint32
	rows      int
	err       error
}

// writeFast writes the hits' columns that the index holds, a batch of
// rows at a time: each column is gathered for the batch (with positioned
// reads: nearby rows in one pread), then handed to a ColumnWriter whole,
// or row by row to any other writer. With several batches, one goroutine
// gathers the next batch while the current one is written.
func (d *Dataset) writeFast(ctx context.Context, cols []string, h *hits, w RowWriter, st *Stats) error {
	ix := d.Index
	typeOf, err := d.cellTypeOf(ctx, cols)
	if err != nil {
		return err
	}
	hdr := make([]Col, len(cols))
	for i, c := range cols {
		hdr[i] = Col{c, fastColumns[c]}
	}
	if err := w.Header(hdr); err != nil {
		return err
	}
	n := min(len(h.rows), fastBatchRows)
	newBatch := func() *fastBatch {
		b := &fastBatch{vals: make([]any, len(cols)), bufs: make([]any, len(cols)), pre: make([]uint32, n), post: make([]uint32, n)}
		for i, c := range cols {
			switch fastColumns[c] {
			case KindInt:
				b.bufs[i] = make([]int64, n)
			case KindFloat:
				b.bufs[i] = make([]float64, n)
			default:
				b.bufs[i] = make([]string, n)
			}
		}
		return b
	}
	var g gatherer
	fill := func(b *fastBatch, start int) error {
		end := min(len(h.rows), start+fastBatchRows)
		b.rows = end - start
		pre, post, err := ix.hitSides(&g, h, start, end, b.pre, b.post)
		if err != nil {
			return err
		}
		for i, c := range cols {
			var err error
			switch c {
			case "id":
				b.vals[i], err = hitColumn(&g, ix.file(colID), ix.ID, h.id, b.bufs[i].([]int64), h, start, end)
			case "size":
				b.vals[i], err = hitColumn(&g, ix.file(colSize), ix.Size, h.size, b.bufs[i].([]float64), h, start, end)
			default: // a root id or cell type of the pre or the post side
				side := pre
				if strings.HasSuffix(c, "post") || strings.HasPrefix(c, "post") {
					side = post
				}
				if v, ok := b.bufs[i].([]int64); ok {
					v = v[:b.rows]
					for k, x := range side {
						v[k] = ix.Roots[x]
					}
					b.vals[i] = v
				} else {
					v := b.bufs[i].([]string)[:b.rows]
					for k, x := range side {
						v[k] = typeOf(ix.Roots[x])
					}
					b.vals[i] = v
				}
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	cw, columnar := w.(ColumnWriter)
	row := make([]any, len(cols))
	write := func(b *fastBatch) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if columnar {
			if err := cw.Columns(b.vals); err != nil {
				return err
			}
		} else {
			for k := range b.rows {
				ColumnsRow(b.vals, k, row)
				if err := w.Row(row); err != nil {
					return err
				}
			}
		}
		st.Rows += int64(b.rows)
		return nil
	}
	if len(h.rows) <= fastBatchRows {
		if len(h.rows) > 0 {
			b := newBatch()
			if err := fill(b, 0); err != nil {
				return err
			}
			if err := write(b); err != nil {
				return err
			}
		}
		return w.Close()
	}
	// two batches in flight: one is filled (index reads) while the other
	// is written
	free, full, done := make(chan *fastBatch, 2), make(chan *fastBatch, 2), make(chan struct{})
	free <- newBatch()
	free <- newBatch()
	go func() {
		defer close(full)
		for start := 0; start < len(h.rows); start += fastBatchRows {
			var b *fastBatch
			select {
			case b = <-free:
			case <-done:
				return
			}
			b.err = fill(b, start)
			full <- b // never blocks: only two batches exist
			if b.err != nil {
				return
			}
		}
	}()
	for b := range full {
		if err != nil {
			continue // draining after an error
		}
		if err = b.err; err == nil {
			err = write(b)
		}
		if err != nil {
			close(done)
			continue
		}
		free <- b
	}
	if err != nil {
		return err
	}
	return w.Close()
}

// maxInList is the largest neuron set writeSQL also names in its WHERE
// clause.
const maxInList = 4096

// writeSQL reads the selected rows' full columns from the Parquet copy: the
// selection is joined on file_row_number, and the pre root range of the
// selection prunes row groups by their statistics.
func (d *Dataset) writeSQL(ctx context.Context, r *Request, p *plan, rows []uint32, w RowWriter, st *Stats) error {
	ix := d.Index
	typeOf, err := d.cellTypeOf(ctx, p.cols)
	if err != nil {
		return err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE sel (r BIGINT)"); err != nil {
		return err
	}
	all := p.filter.Pre == nil && p.filter.Post == nil && !p.filter.RemoveAutapses && p.filter.Row == nil
	if all {
		rows = nil // every row: no join needed
	}
	err = conn.Raw(func(dc any) error {
		a, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "sel")
		if err != nil {
			return err
		}
		for _, row := range rows {
			if err := a.AppendRow(int64(row)); err != nil {
				a.Close()
				return err
			}
		}
		return a.Close()
	})
	if err != nil {
		return err
	}
	req := *r
	req.Columns = p.cols
	ocols, err := PlanColumns(&req, d.Resolution)
	if err != nil {
		return err
	}
	exprs := make([]string, len(ocols))
	hdr := make([]Col, len(ocols))
	for i, c := range ocols {
		src := make([]string, len(c.Sources))
		for k, name := range c.Sources {
			src[k] = quoteIdent(name)
			if c.Scales[k] != 1 {
				src[k] = fmt.Sprintf("(%s * %s)", src[k], strconv.FormatFloat(c.Scales[k], 'g', -1, 64))
			}
		}
		exprs[i], hdr[i] = src[0], c.Col
		if c.Col.Kind == KindFloatList {
			exprs[i] = "[" + strings.Join(src, ", ") + "]"
		}
	}
	where := []string{"t.file_row_number IN (SELECT r FROM sel)"}
	if all {
		where = []string{"true"}
	} else if len(rows) > 0 {
		lo, hi := ix.Roots[ix.Pre[rows[0]]], ix.Roots[ix.Pre[rows[len(rows)-1]]]
		where = append(where, fmt.Sprintf("t.pre_pt_root_id BETWEEN %d AND %d", lo, hi),
			fmt.Sprintf("t.file_row_number BETWEEN %d AND %d", rows[0], rows[len(rows)-1]))
		// the neuron sets themselves (every selected row is in them): DuckDB
		// tests them on their columns before it decodes the others, where
		// the row numbers alone made it decode every column of every row
		// (a neuron's inputs are spread over the whole table)
		for _, side := range []struct {
			col string
			set *Set
		}{{"t.pre_pt_root_id", p.filter.Pre}, {"t.post_pt_root_id", p.filter.Post}} {
			if side.set != nil && len(side.set.List) <= maxInList {
				ids := make([]string, len(side.set.List))
				for k, i := range side.set.List {
					ids[k] = strconv.FormatInt(ix.Roots[i], 10)
				}
				where = append(where, side.col+" IN ("+strings.Join(ids, ", ")+")")
			}
		}
	} else {
		where = append(where, "false")
	}
	where = append(where, p.sqlCond...)
	q := "SELECT " + strings.Join(exprs, ", ") + " FROM read_parquet(" + store.QuoteString(d.Table) + ", file_row_number=true) t WHERE " +
		strings.Join(where, " AND ") + " ORDER BY t.file_row_number"
	if r.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", r.Limit+1)
	}
	res, err := conn.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("query synapse table: %w", err)
	}
	defer res.Close()
	if err := w.Header(hdr); err != nil {
		return err
	}
	raw := make([]any, len(exprs))
	ptrs := make([]any, len(exprs))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	out := make([]any, len(hdr))
	for res.Next() {
		if r.Limit > 0 && st.Rows == r.Limit {
			st.Truncated = true
			break
		}
		if err := res.Scan(ptrs...); err != nil {
			return err
		}
		// exprs and hdr align one to one
		for i, c := range ocols {
			if c.CellType {
				out[i] = typeOf(toInt64(raw[i]))
			} else {
				out[i] = c.Value(raw[i])
			}
		}
		if err := w.Row(out); err != nil {
			return err
		}
		st.Rows++
	}
	if err := res.Err(); err != nil {
		return err
	}
	if len(p.sqlCond) > 0 {
		st.Matched = -1
	}
	return w.Close()
}

func toInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case float64:
		return int64(x)
	}
	return 0
}

func normalizeValue(v any) any {
	switch x := v.(type) {
	case int32:
		return int64(x)
	case float32:
		return float64(x)
	case time.Time:
		return x
	}
	return v
}

func toFloatList(v any) any {
	xs, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]float64, len(xs))
	allNull := true
	for i, x := range xs {
		switch f := x.(type) {
		case float64:
			out[i] = f
			allNull = false
		default:
			out[i] = math.NaN()
		}
	}
	if allNull {
		return nil
	}
	return out
}
