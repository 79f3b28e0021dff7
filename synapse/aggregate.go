package synapse

import (
	"context"
	"slices"
	"sort"
	"strconv"

	"github.com/ccc-connectivity/ccc"
)

// WritePairs writes per-pair counts (pre_pt_root_id, post_pt_root_id,
// syn_count, sum_size) of the request's synapses, in (pre, post) order;
// with cell types when the dataset has them and withTypes is set.
func (d *Dataset) WritePairs(ctx context.Context, r *Request, w RowWriter, withTypes bool) (*Stats, error) {
	p, err := d.plan(ctx, r)
	if err != nil {
		return nil, err
	}
	if len(p.sqlCond) > 0 {
		return nil, &ccc.Error{Op: "query", Row: -1, Field: "--group-by", Msg: "filters on " + stringsJoin(p.sqlCond) + " cannot be combined with --group-by",
			Hint: "group-by works with root-id, id, size, proofreading and cell-type filters", Kind: ccc.ErrUsage}
	}
	ix := d.Index
	h, err := ix.selectHits(p.filter, hitCols{size: true})
	if err != nil {
		return nil, err
	}
	var pairs []Pair
	if h.pre == nil {
		pairs = ix.PairCounts(h.rows)
	} else {
		if h.size == nil {
			if err := ix.gatherHits(h, hitCols{size: true}); err != nil {
				return nil, err
			}
		}
		pairs = pairCountsOf(h.pre, h.post, h.size)
	}
	if r.SortPairs {
		sort.SliceStable(pairs, func(a, b int) bool { return pairs[a].Count > pairs[b].Count })
	}
	st := &Stats{MissingIDs: p.missing, Matched: int64(len(pairs))}
	if r.Limit > 0 && int64(len(pairs)) > r.Limit {
		pairs = pairs[:r.Limit]
		st.Truncated = true
	}
	cols := []Col{{"pre_pt_root_id", KindInt}, {"post_pt_root_id", KindInt}, {"syn_count", KindInt}, {"sum_size", KindFloat}}
	var typeOf func(int64) string
	if withTypes {
		if cells, err := d.Cells(ctx); err == nil && cells.HasTypes {
			typeOf = cells.TypeOf
			cols = append(cols, Col{"cell_type_pre", KindString}, Col{"cell_type_post", KindString})
		}
	}
	if err := w.Header(cols); err != nil {
		return nil, err
	}
	if cw, ok := w.(ColumnWriter); ok {
		if err := writePairColumns(cw, ix.Roots, pairs, typeOf); err != nil {
			return nil, err
		}
		st.Rows = int64(len(pairs))
		return st, w.Close()
	}
	vals := make([]any, len(cols))
	for _, pr := range pairs {
		a, b := ix.Roots[pr.Pre], ix.Roots[pr.Post]
		vals[0], vals[1], vals[2], vals[3] = a, b, int64(pr.Count), pr.SumSize
		if typeOf != nil {
			vals[4], vals[5] = typeOf(a), typeOf(b)
		}
		if err := w.Row(vals); err != nil {
			return nil, err
		}
		st.Rows++
	}
	return st, w.Close()
}

// writePairColumns writes pairs to a ColumnWriter in batches of
// fastBatchRows: pre and post root ids, syn_count, sum_size and, with
// typeOf, both cell types.
func writePairColumns(w ColumnWriter, roots []int64, pairs []Pair, typeOf func(int64) string) error {
	n := min(len(pairs), fastBatchRows)
	a, b, cnt, sum := make([]int64, n), make([]int64, n), make([]int64, n), make([]float64, n)
	var ta, tb []string
	if typeOf != nil {
		ta, tb = make([]string, n), make([]string, n)
	}
	for start := 0; start < len(pairs); start += fastBatchRows {
		batch := pairs[start:min(len(pairs), start+fastBatchRows)]
		m := len(batch)
		a, b, cnt, sum = a[:m], b[:m], cnt[:m], sum[:m]
		for k, pr := range batch {
			a[k], b[k], cnt[k], sum[k] = roots[pr.Pre], roots[pr.Post], int64(pr.Count), pr.SumSize
		}
		cols := []any{a, b, cnt, sum}
		if typeOf != nil {
			ta, tb = ta[:m], tb[:m]
			for k := range batch {
				ta[k], tb[k] = typeOf(a[k]), typeOf(b[k])
			}
			cols = append(cols, ta, tb)
		}
		if err := w.Columns(cols); err != nil {
			return err
		}
	}
	return nil
}

func stringsJoin(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

// WriteDegrees writes, for each neuron (sorted by root id; nil = every
// neuron of the table), its output and input synapse counts, distinct
// partners and summed sizes among the request's synapses (its filters
// restrict the partners).
func (d *Dataset) WriteDegrees(ctx context.Context, neurons []int64, r *Request, w RowWriter) (*Stats, error) {
	ix := d.Index
	if neurons == nil { // every neuron of the table
		neurons = ix.Roots
	}
	set, missing := ix.NewSet(neurons)
	var outDeg, inDeg []Degree
	if trivial := !r.PreGiven && !r.PostGiven && !r.RemoveAutapses && r.Proofread == "" && len(r.PreTypes)+len(r.PostTypes) == 0 &&
		len(r.FilterIn)+len(r.FilterEqual)+len(r.FilterOut) == 0; trivial && set.Len()*8 > ix.Neurons() {
		// a large share of the neurons and no filter: one pass over the table
		outDeg = ix.DegreesAll(set)
		inDeg = outDeg
	} else {
		// outputs: pre in set, post as filtered; inputs: post in set, pre as filtered
		outReq, inReq := *r, *r
		outReq.Pre, outReq.PreGiven = neurons, true
		inReq.Post, inReq.PostGiven = neurons, true
		outRows, _, err := d.Select(ctx, &outReq)
		if err != nil {
			return nil, err
		}
		outDeg = ix.Degrees(set, outRows)
		inRows, _, err := d.Select(ctx, &inReq)
		if err != nil {
			return nil, err
		}
		inDeg = ix.Degrees(set, inRows)
	}
	cols := []Col{{"pt_root_id", KindInt}, {"out_degree", KindInt}, {"in_degree", KindInt}, {"out_partners", KindInt},
		{"in_partners", KindInt}, {"out_size", KindFloat}, {"in_size", KindFloat}}
	if err := w.Header(cols); err != nil {
		return nil, err
	}
	st := &Stats{MissingIDs: missing}
	known := map[int64]int{}
	for k, i := range set.List {
		known[ix.Roots[i]] = k
	}
	ids := slices.Clone(neurons)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for _, root := range ids {
		vals := []any{root, int64(0), int64(0), int64(0), int64(0), 0.0, 0.0}
		if k, ok := known[root]; ok {
			o, in := outDeg[k], inDeg[k]
			vals = []any{root, int64(o.Out), int64(in.In), int64(o.OutPartners), int64(in.InPartners), o.SumOutSize, in.SumInSize}
		}
		if err := w.Row(vals); err != nil {
			return nil, err
		}
		st.Rows++
	}
	return st, w.Close()
}

// MatrixResult is a neuron-by-neuron matrix: rows pre, columns post.
type MatrixResult struct {
	RowIDs, ColIDs []int64
	Values         []float64 // row-major
	Synapses       int64     // synapses counted
}

// Matrix builds the connectivity matrix between pre neurons rowIDs and post
// neurons colIDs (each sorted, duplicates removed; ids absent from the table
// give zero rows/columns), over the request's other filters.
func (d *Dataset) Matrix(ctx context.Context, r *Request, rowIDs, colIDs []int64, v MatrixValue) (*MatrixResult, error) {
	rowIDs = sortedUnique(rowIDs)
	colIDs = sortedUnique(colIDs)
	req := *r
	req.Pre, req.PreGiven, req.Post, req.PostGiven = rowIDs, true, colIDs, true
	rows, p, err := d.Select(ctx, &req)
	if err != nil {
		return nil, err
	}
	if len(p.sqlCond) > 0 {
		return nil, &ccc.Error{Op: "matrix", Row: -1, Msg: "filters on " + stringsJoin(p.sqlCond) + " are not supported in matrices", Kind: ccc.ErrUsage}
	}
	ix := d.Index
	dense := func(ids []int64) []uint32 {
		out := make([]uint32, len(ids))
		for k, id := range ids {
			if i, ok := ix.Lookup(id); ok {
				out[k] = i
			} else {
				out[k] = ^uint32(0) // matches no row
			}
		}
		return out
	}
	return &MatrixResult{RowIDs: rowIDs, ColIDs: colIDs, Values: ix.Matrix(dense(rowIDs), dense(colIDs), rows, v), Synapses: int64(len(rows))}, nil
}

func sortedUnique(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// TypeMatrix is the cell-type by cell-type summary of a neuron set's
// connectivity (autapses and self-pairs excluded).
type TypeMatrix struct {
	PreTypes, PostTypes []string
	NPre, NPost         []int     // neurons of each type in the pre / post set
	Synapses            []float64 // row-major len(PreTypes) x len(PostTypes)
	Connected           []float64 // connected pairs
	Possible            []float64 // possible ordered pairs (a != b)
}

// Probability is connected / possible pairs (NaN when no pair is possible).
func (t *TypeMatrix) Probability() []float64 {
	out := make([]float64, len(t.Connected))
	for i := range out {
		if t.Possible[i] == 0 {
			out[i] = nan()
		} else {
			out[i] = t.Connected[i] / t.Possible[i]
		}
	}
	return out
}

// ByCellType groups the synapses among pre set preIDs and post set postIDs
// by the unified cell type of each side (manual label before automated;
// "unsure" when the root has none).
func (d *Dataset) ByCellType(ctx context.Context, r *Request, preIDs, postIDs []int64) (*TypeMatrix, error) {
	cells, err := d.Cells(ctx)
	if err != nil {
		return nil, err
	}
	if !cells.HasTypes {
		return nil, &ccc.Error{Op: "matrix", Row: -1, Field: "--by", Value: "cell_type", Msg: "dataset " + d.Name + " has no cell-type table",
			Hint: "ingest one with 'ccc synapses cells ingest --kind celltype FILE'", Kind: ccc.ErrNotFound}
	}
	return d.ByType(ctx, r, preIDs, postIDs, cells.TypeOf)
}

// ByType groups the synapses among pre set preIDs and post set postIDs by
// the type typeOf gives each root (e.g. a cell-type taxonomy level through
// cell-to-cluster mappings).
func (d *Dataset) ByType(ctx context.Context, r *Request, preIDs, postIDs []int64, typeOf func(root int64) string) (*TypeMatrix, error) {
	preIDs, postIDs = sortedUnique(preIDs), sortedUnique(postIDs)
	req := *r
	req.Pre, req.PreGiven, req.Post, req.PostGiven, req.RemoveAutapses = preIDs, true, postIDs, true, true
	rows, p, err := d.Select(ctx, &req)
	if err != nil {
		return nil, err
	}
	if len(p.sqlCond) > 0 {
		return nil, &ccc.Error{Op: "matrix", Row: -1, Msg: "filters on " + stringsJoin(p.sqlCond) + " are not supported in matrices", Kind: ccc.ErrUsage}
	}
	tm, add := NewTypeMatrix(preIDs, postIDs, typeOf)
	ix := d.Index
	for _, pr := range ix.PairCounts(rows) {
		add(ix.Roots[pr.Pre], ix.Roots[pr.Post], pr.Count)
	}
	return tm, nil
}

// NewTypeMatrix prepares the type-by-type summary of pre set preIDs and
// post set postIDs (each sorted, unique): types by typeOf, neurons per
// type, possible ordered pairs (self-pairs excluded). add records the
// synapses of one connected (pre, post) pair; call it once per pair.
// Both engines (the graph index and Spark) fill it the same way.
func NewTypeMatrix(preIDs, postIDs []int64, typeOf func(root int64) string) (*TypeMatrix, func(pre, post int64, count int)) {
	typesOf := func(ids []int64) ([]string, map[string]int, map[int64]string) {
		count := map[string]int{}
		of := map[int64]string{}
		for _, id := range ids {
			t := typeOf(id)
			of[id] = t
			count[t]++
		}
		var names []string
		for t := range count {
			names = append(names, t)
		}
		sort.Strings(names)
		return names, count, of
	}
	preT, preN, preOf := typesOf(preIDs)
	postT, postN, postOf := typesOf(postIDs)
	pi := map[string]int{}
	for k, t := range preT {
		pi[t] = k
	}
	qi := map[string]int{}
	for k, t := range postT {
		qi[t] = k
	}
	nc := len(postT)
	tm := &TypeMatrix{PreTypes: preT, PostTypes: postT,
		Synapses: make([]float64, len(preT)*nc), Connected: make([]float64, len(preT)*nc), Possible: make([]float64, len(preT)*nc)}
	for _, t := range preT {
		tm.NPre = append(tm.NPre, preN[t])
	}
	for _, t := range postT {
		tm.NPost = append(tm.NPost, postN[t])
	}
	inPost := map[int64]bool{}
	for _, id := range postIDs {
		inPost[id] = true
	}
	for a, ta := range preT {
		for b, tb := range postT {
			tm.Possible[a*nc+b] = float64(preN[ta] * postN[tb])
		}
	}
	for _, id := range preIDs {
		if inPost[id] {
			tm.Possible[pi[preOf[id]]*nc+qi[postOf[id]]]--
		}
	}
	add := func(pre, post int64, count int) {
		k := pi[preOf[pre]]*nc + qi[postOf[post]]
		tm.Synapses[k] += float64(count)
		tm.Connected[k]++
	}
	return tm, add
}

// WriteMatrix writes a neuron matrix wide: a pre_pt_root_id column, then
// one column per post root id.
func WriteMatrix(m *MatrixResult, w RowWriter) error {
	cols := []Col{{"pre_pt_root_id", KindInt}}
	for _, id := range m.ColIDs {
		cols = append(cols, Col{strconv.FormatInt(id, 10), KindFloat})
	}
	if err := w.Header(cols); err != nil {
		return err
	}
	vals := make([]any, len(cols))
	for i, id := range m.RowIDs {
		vals[0] = id
		for j := range m.ColIDs {
			vals[j+1] = m.Values[i*len(m.ColIDs)+j]
		}
		if err := w.Row(vals); err != nil {
			return err
		}
	}
	return w.Close()
}

// WriteTypeMatrix writes a type matrix long: one row per (pre type, post
// type) with neuron counts, synapses, connected and possible pairs and the
// connection probability.
func WriteTypeMatrix(t *TypeMatrix, w RowWriter) error {
	cols := []Col{{"pre_cell_type", KindString}, {"post_cell_type", KindString}, {"n_pre", KindInt}, {"n_post", KindInt},
		{"syn_count", KindInt}, {"connected_pairs", KindInt}, {"possible_pairs", KindInt}, {"connection_probability", KindFloat}}
	if err := w.Header(cols); err != nil {
		return err
	}
	prob := t.Probability()
	for a, ta := range t.PreTypes {
		for b, tb := range t.PostTypes {
			k := a*len(t.PostTypes) + b
			if err := w.Row([]any{ta, tb, int64(t.NPre[a]), int64(t.NPost[b]), int64(t.Synapses[k]), int64(t.Connected[k]), int64(t.Possible[k]), prob[k]}); err != nil {
				return err
			}
		}
	}
	return w.Close()
}
