package spark

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/synapse"
)

// Synapses answers the synapse questions of one dataset on Spark, over the
// views Register made. Its results equal those of the embedded engine
// (synapse.Dataset): the same selection rules (root-id sets, proofreading,
// unified cell types with manual labels before automated ones and roots
// with several nuclei in a table left unsure, autapses), the same sizes
// rule (NaN and NULL sizes count as 0), the same order.
type Synapses struct {
	s        *Session
	dataset  string
	dsCol    string
	typesCol string // dataset column of the CellTypeAnnotation view
	proofCol string // dataset column of the ProofreadingStatus view
	hasTypes bool
	hasProof bool
	res      synapse.Resolution // the table's position resolution (nm per unit)
}

// Synapses returns the synapse questions over dataset ("" = the only
// dataset of the snapshot with a Synapse table).
func (s *Session) Synapses(sn *store.Snapshot, dataset string) (*Synapses, error) {
	tables := sn.Tables(synapse.ClassSynapse)
	if dataset == "" {
		switch len(tables) {
		case 0:
			return nil, &ccc.Error{Op: "synapses on spark", Row: -1, Msg: "the store has no Synapse table", Hint: "ingest one with 'ccc synapses ingest'", Kind: ccc.ErrNotFound}
		case 1:
			dataset = tables[0].Dataset
		default:
			var names []string
			for _, t := range tables {
				names = append(names, t.Dataset)
			}
			return nil, &ccc.Error{Op: "synapses on spark", Row: -1, Field: "--dataset", Msg: "several datasets hold synapses: " + strings.Join(names, ", "), Hint: "choose one with --dataset", Kind: ccc.ErrUsage}
		}
	}
	if _, err := sn.Table(dataset, synapse.ClassSynapse); err != nil {
		return nil, err
	}
	y := &Synapses{s: s, dataset: dataset, dsCol: store.DatasetColumn(tables),
		typesCol: store.DatasetColumn(sn.Tables(synapse.ClassCellType)), proofCol: store.DatasetColumn(sn.Tables(synapse.ClassProofreading))}
	_, err := sn.Table(dataset, synapse.ClassCellType)
	y.hasTypes = err == nil
	_, err = sn.Table(dataset, synapse.ClassProofreading)
	y.hasProof = err == nil
	y.res = synapse.DefaultResolution
	if r, ok := synapse.ResolutionFromMeta(sn.Meta(dataset)["resolution"]); ok {
		y.res = r
	}
	return y, nil
}

// Dataset returns the name of the dataset the questions are about.
func (y *Synapses) Dataset() string { return y.dataset }

const sizeExpr = "coalesce(nanvl(CAST(size AS DOUBLE), 0D), 0D)"

// idList renders root ids as a SQL list.
func idList(ids []int64) string {
	if len(ids) == 0 {
		return "(NULL)"
	}
	b := make([]string, len(ids))
	for i, id := range ids {
		b[i] = strconv.FormatInt(id, 10)
	}
	return "(" + strings.Join(b, ", ") + ")"
}

// idRelation renders root ids as a one-column relation (id BIGINT), one
// row per id (no row for no ids).
func idRelation(ids []int64) string {
	if len(ids) == 0 {
		return "(SELECT CAST(NULL AS BIGINT) AS id WHERE false)"
	}
	rows := make([]string, len(ids))
	for i, id := range ids {
		rows[i] = "(" + strconv.FormatInt(id, 10) + ")"
	}
	return "(SELECT CAST(col1 AS BIGINT) AS id FROM VALUES " + strings.Join(rows, ", ") + ")"
}

// rootsSQL is the relation (id) of the root ids of the dataset's synapse
// table, pre or post (the embedded index's Roots).
func (y *Synapses) rootsSQL() string {
	ds := quoteIdent(y.dsCol) + " = " + quoteString(y.dataset)
	return "(SELECT pre_pt_root_id AS id FROM Synapse WHERE " + ds + " UNION SELECT post_pt_root_id FROM Synapse WHERE " + ds + ")"
}

// cellTypesSQL is the unified cell-type view (pt_root_id, cell_type) of
// the dataset as a subquery.
func (y *Synapses) cellTypesSQL() string {
	ds := quoteIdent(y.typesCol) + " = " + quoteString(y.dataset)
	return `(SELECT pt_root_id,
  coalesce(max(CASE WHEN source = 'manual' AND t <> 'unsure' THEN t END), max(CASE WHEN source <> 'manual' THEN t END), 'unsure') AS cell_type
 FROM (SELECT pt_root_id, source, first(coalesce(cell_type, '')) AS t FROM CellTypeAnnotation WHERE ` + ds + `
       GROUP BY pt_root_id, source HAVING count(*) = 1) GROUP BY pt_root_id)`
}

func (y *Synapses) proofSQL(col string) string {
	ds := quoteIdent(y.proofCol) + " = " + quoteString(y.dataset)
	return "(SELECT pt_root_id FROM ProofreadingStatus WHERE " + ds + " AND coalesce(" + col + ", 'non') IN ('clean', 'extended'))"
}

// where renders the request's selection as a WHERE condition on the
// Synapse view. Filters the embedded engine evaluates only in SQL (on
// columns other than root ids, id and size) are refused as it refuses them
// for aggregations.
func (y *Synapses) where(r *synapse.Request, op string) (string, error) {
	conds := []string{quoteIdent(y.dsCol) + " = " + quoteString(y.dataset)}
	if r.PreGiven {
		conds = append(conds, "pre_pt_root_id IN "+idList(r.Pre))
	}
	if r.PostGiven {
		conds = append(conds, "post_pt_root_id IN "+idList(r.Post))
	}
	if r.RemoveAutapses {
		conds = append(conds, "pre_pt_root_id <> post_pt_root_id")
	}
	if r.Proofread != "" {
		if !y.hasProof {
			return "", &ccc.Error{Op: op, Row: -1, Field: "--proofread", Msg: "dataset " + y.dataset + " has no proofreading table",
				Hint: "ingest one with 'ccc synapses cells ingest --kind proofreading FILE'", Kind: ccc.ErrNotFound}
		}
		axon, dend := y.proofSQL("status_axon"), y.proofSQL("status_dendrite")
		switch r.Proofread {
		case "axon":
			conds = append(conds, "pre_pt_root_id IN "+axon)
		case "subgraph":
			conds = append(conds, "pre_pt_root_id IN "+axon, "post_pt_root_id IN "+axon)
		case "dendrite":
			conds = append(conds, "post_pt_root_id IN "+dend)
		case "both":
			conds = append(conds, "pre_pt_root_id IN "+axon, "post_pt_root_id IN "+dend)
		default:
			return "", fmt.Errorf("%w: --proofread %q: want axon, dendrite, both or subgraph", ccc.ErrUsage, r.Proofread)
		}
	}
	for side, types := range map[string][]string{"pre": r.PreTypes, "post": r.PostTypes} {
		if len(types) == 0 {
			continue
		}
		if !y.hasTypes {
			return "", &ccc.Error{Op: op, Row: -1, Field: "--" + side + "-type", Msg: "dataset " + y.dataset + " has no cell-type table",
				Hint: "ingest one with 'ccc synapses cells ingest --kind celltype FILE'", Kind: ccc.ErrNotFound}
		}
		lits := make([]string, len(types))
		for i, t := range types {
			lits[i] = quoteString(t)
		}
		conds = append(conds, side+"_pt_root_id IN (SELECT pt_root_id FROM "+y.cellTypesSQL()+" WHERE cell_type IN ("+strings.Join(lits, ", ")+"))")
	}
	type filt struct {
		col  string
		vals []string
		out  bool
		flag string // in, equal, out
	}
	var fs []filt
	for _, c := range sortedKeys(r.FilterIn) {
		fs = append(fs, filt{c, r.FilterIn[c], false, "in"})
	}
	for _, c := range sortedKeys(r.FilterEqual) {
		fs = append(fs, filt{c, []string{r.FilterEqual[c]}, false, "equal"})
	}
	for _, c := range sortedKeys(r.FilterOut) {
		fs = append(fs, filt{c, r.FilterOut[c], true, "out"})
	}
	for _, f := range fs {
		var lits []string
		switch f.col {
		case "pre_pt_root_id", "post_pt_root_id":
			for _, v := range f.vals {
				n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				if err != nil {
					return "", &ccc.Error{Op: op, Row: -1, Field: f.col, Value: v, Msg: "not a root id", Kind: ccc.ErrUsage}
				}
				lits = append(lits, strconv.FormatInt(n, 10))
			}
		case "id", "size":
			for _, v := range f.vals {
				x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
					return "", &ccc.Error{Op: op, Row: -1, Field: f.col, Value: v, Msg: "not a number", Kind: ccc.ErrUsage}
				}
				lits = append(lits, strconv.FormatFloat(x, 'g', -1, 64)+"D")
			}
		default:
			if op == rowsOp {
				// synapse rows filter any stored column, as the embedded
				// engine does in SQL (string literals cast to the column)
				if err := synapse.CheckFilterColumn(f.col, f.flag); err != nil {
					return "", err
				}
				for _, v := range f.vals {
					lits = append(lits, quoteString(v))
				}
				col := quoteIdent(f.col)
				if f.out {
					conds = append(conds, "("+col+" IS NULL OR "+col+" NOT IN ("+strings.Join(lits, ", ")+"))")
				} else {
					conds = append(conds, col+" IN ("+strings.Join(lits, ", ")+")")
				}
				continue
			}
			return "", &ccc.Error{Op: op, Row: -1, Field: "--filter-*", Value: f.col,
				Msg:  "with --engine spark the synapse questions filter on pre_pt_root_id, post_pt_root_id, id and size",
				Hint: "filter other columns with 'ccc query --engine spark --sql ...' over the Synapse view", Kind: ccc.ErrUsage}
		}
		col := quoteIdent(f.col)
		if f.col == "id" || f.col == "size" {
			col = "CAST(" + col + " AS DOUBLE)"
		}
		if f.out {
			conds = append(conds, "NOT coalesce("+col+" IN ("+strings.Join(lits, ", ")+"), false)")
		} else {
			conds = append(conds, col+" IN ("+strings.Join(lits, ", ")+")")
		}
	}
	return strings.Join(conds, "\n  AND "), nil
}

// PairsSQL returns the SQL of per-pair counts (pre_pt_root_id,
// post_pt_root_id, syn_count, sum_size[, cell_type_pre, cell_type_post]) in
// (pre, post) order, or by syn_count (largest first, ties in (pre, post)
// order) with r.SortPairs, cut at r.Limit rows; and the SQL counting the
// pairs before the limit.
func (y *Synapses) PairsSQL(r *synapse.Request, withTypes bool) (q, count string, err error) {
	w, err := y.where(r, "query")
	if err != nil {
		return "", "", err
	}
	sel := "SELECT pre_pt_root_id, post_pt_root_id, count(*) AS syn_count, sum(" + sizeExpr + ") AS sum_size FROM Synapse WHERE " + w + " GROUP BY pre_pt_root_id, post_pt_root_id"
	count = "SELECT count(*) FROM (" + sel + ")"
	q = "SELECT p.* FROM (" + sel + ") p"
	if withTypes && y.hasTypes {
		ct := y.cellTypesSQL()
		q = "SELECT p.*, coalesce(a.cell_type, 'unsure') AS cell_type_pre, coalesce(b.cell_type, 'unsure') AS cell_type_post FROM (" + sel + ") p" +
			" LEFT JOIN " + ct + " a ON a.pt_root_id = p.pre_pt_root_id LEFT JOIN " + ct + " b ON b.pt_root_id = p.post_pt_root_id"
	}
	if r.SortPairs {
		q += " ORDER BY p.syn_count DESC, p.pre_pt_root_id, p.post_pt_root_id"
	} else {
		q += " ORDER BY p.pre_pt_root_id, p.post_pt_root_id"
	}
	if r.Limit > 0 {
		q += " LIMIT " + strconv.FormatInt(r.Limit, 10)
	}
	return q, count, nil
}

// DegreesSQL returns the SQL of per-neuron degrees (the columns of
// synapse.Dataset.WriteDegrees), for neurons (nil: every root id of the
// table), sorted by root id.
func (y *Synapses) DegreesSQL(neurons []int64, r *synapse.Request) (string, error) {
	outReq, inReq := *r, *r
	if neurons != nil {
		neurons = sortedUnique(neurons)
		outReq.Pre, outReq.PreGiven = neurons, true
		inReq.Post, inReq.PostGiven = neurons, true
	}
	wo, err := y.where(&outReq, "degree")
	if err != nil {
		return "", err
	}
	wi, err := y.where(&inReq, "degree")
	if err != nil {
		return "", err
	}
	ids := y.rootsSQL()
	if neurons != nil {
		ids = idRelation(neurons)
	}
	return `SELECT n.id AS pt_root_id, coalesce(o.d, 0) AS out_degree, coalesce(i.d, 0) AS in_degree,
  coalesce(o.p, 0) AS out_partners, coalesce(i.p, 0) AS in_partners, coalesce(o.s, 0D) AS out_size, coalesce(i.s, 0D) AS in_size
FROM ` + ids + ` n
LEFT JOIN (SELECT pre_pt_root_id AS id, count(*) AS d, count(DISTINCT post_pt_root_id) AS p, sum(` + sizeExpr + `) AS s FROM Synapse WHERE ` + wo + ` GROUP BY pre_pt_root_id) o ON o.id = n.id
LEFT JOIN (SELECT post_pt_root_id AS id, count(*) AS d, count(DISTINCT pre_pt_root_id) AS p, sum(` + sizeExpr + `) AS s FROM Synapse WHERE ` + wi + ` GROUP BY post_pt_root_id) i ON i.id = n.id
ORDER BY n.id`, nil
}

func sortedUnique(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// Matrix builds the neuron matrix (rows pre rowIDs, columns post colIDs,
// each sorted and unique) as synapse.Dataset.Matrix does.
func (y *Synapses) Matrix(ctx context.Context, r *synapse.Request, rowIDs, colIDs []int64, v synapse.MatrixValue) (*synapse.MatrixResult, error) {
	rowIDs, colIDs = sortedUnique(rowIDs), sortedUnique(colIDs)
	req := *r
	req.Pre, req.PreGiven, req.Post, req.PostGiven = rowIDs, true, colIDs, true
	w, err := y.where(&req, "matrix")
	if err != nil {
		return nil, err
	}
	t, err := y.s.Query(ctx, "SELECT pre_pt_root_id, post_pt_root_id, count(*) AS n, sum("+sizeExpr+") AS s FROM Synapse WHERE "+w+" GROUP BY pre_pt_root_id, post_pt_root_id")
	if err != nil {
		return nil, err
	}
	m := &synapse.MatrixResult{RowIDs: rowIDs, ColIDs: colIDs, Values: make([]float64, len(rowIDs)*len(colIDs))}
	ri := index(rowIDs)
	ci := index(colIDs)
	rows := NewRows(t)
	defer rows.Close()
	for rows.Next() {
		vals := rows.Values()
		a, b := ri[toInt(vals[0])], ci[toInt(vals[1])]
		n := toInt(vals[2])
		m.Synapses += n
		switch v {
		case synapse.ValueCount:
			m.Values[a*len(colIDs)+b] = float64(n)
		case synapse.ValueBinary:
			m.Values[a*len(colIDs)+b] = 1
		case synapse.ValueSize:
			m.Values[a*len(colIDs)+b] = toFloat(vals[3])
		}
	}
	return m, rows.Err()
}

// ByCellType groups the synapses among pre set preIDs and post set postIDs
// by the unified cell type of each side, as synapse.Dataset.ByCellType.
func (y *Synapses) ByCellType(ctx context.Context, r *synapse.Request, preIDs, postIDs []int64) (*synapse.TypeMatrix, error) {
	if !y.hasTypes {
		return nil, &ccc.Error{Op: "matrix", Row: -1, Field: "--by", Value: "cell_type", Msg: "dataset " + y.dataset + " has no cell-type table",
			Hint: "ingest one with 'ccc synapses cells ingest --kind celltype FILE'", Kind: ccc.ErrNotFound}
	}
	preIDs, postIDs = sortedUnique(preIDs), sortedUnique(postIDs)
	req := *r
	req.Pre, req.PreGiven, req.Post, req.PostGiven, req.RemoveAutapses = preIDs, true, postIDs, true, true
	w, err := y.where(&req, "matrix")
	if err != nil {
		return nil, err
	}
	// types of every neuron of both sets, then the connected pairs
	all := sortedUnique(append(slices.Clone(preIDs), postIDs...))
	t, err := y.s.Query(ctx, "SELECT n.id, coalesce(c.cell_type, 'unsure') FROM "+idRelation(all)+" n LEFT JOIN "+y.cellTypesSQL()+" c ON c.pt_root_id = n.id")
	if err != nil {
		return nil, err
	}
	typeOf := map[int64]string{}
	rows := NewRows(t)
	for rows.Next() {
		v := rows.Values()
		if v[0] != nil {
			typeOf[toInt(v[0])] = v[1].(string)
		}
	}
	rows.Close()
	tm, add := synapse.NewTypeMatrix(preIDs, postIDs, func(root int64) string { return typeOf[root] })
	t, err = y.s.Query(ctx, "SELECT pre_pt_root_id, post_pt_root_id, count(*) FROM Synapse WHERE "+w+" GROUP BY pre_pt_root_id, post_pt_root_id")
	if err != nil {
		return nil, err
	}
	rows = NewRows(t)
	defer rows.Close()
	for rows.Next() {
		v := rows.Values()
		add(toInt(v[0]), toInt(v[1]), int(toInt(v[2])))
	}
	return tm, rows.Err()
}

func index(ids []int64) map[int64]int {
	m := make(map[int64]int, len(ids))
	for k, id := range ids {
		m[id] = k
	}
	return m
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case uint64:
		return int64(x)
	case float64:
		return int64(x)
	}
	return 0
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	}
	return 0
}

// Cells returns the dataset's proofreading sets (ProofAxon, ProofDendrite:
// status clean or extended) as synapse.Cells, read on Spark; cell types stay
// on the cluster (HasTypes reports whether the table exists).
func (y *Synapses) Cells(ctx context.Context) (*synapse.Cells, error) {
	c := &synapse.Cells{Types: map[int64]*synapse.CellType{}, MultiNucleus: map[int64]bool{}, ProofAxon: map[int64]bool{}, ProofDendrite: map[int64]bool{},
		HasTypes: y.hasTypes, HasProof: y.hasProof}
	if !y.hasProof {
		return c, nil
	}
	t, err := y.s.Query(ctx, "SELECT pt_root_id, coalesce(status_axon, 'non') IN ('clean', 'extended'), coalesce(status_dendrite, 'non') IN ('clean', 'extended') FROM ProofreadingStatus WHERE "+
		quoteIdent(y.proofCol)+" = "+quoteString(y.dataset))
	if err != nil {
		return nil, err
	}
	defer t.Release()
	rows := NewRows(t)
	defer rows.Close()
	for rows.Next() {
		v := rows.Values()
		root := toInt(v[0])
		if b, _ := v[1].(bool); b {
			c.ProofAxon[root] = true
		}
		if b, _ := v[2].(bool); b {
			c.ProofDendrite[root] = true
		}
	}
	return c, rows.Err()
}

// Missing counts the ids of the lists (each occurrence, as the embedded
// engine counts them) that are not a root id of the table.
func (y *Synapses) Missing(ctx context.Context, lists ...[]int64) (int, error) {
	var all []int64
	for _, l := range lists {
		all = append(all, l...)
	}
	if len(all) == 0 {
		return 0, nil
	}
	t, err := y.s.Query(ctx, "SELECT n.id FROM "+idRelation(sortedUnique(all))+" n WHERE n.id IN "+y.rootsSQL())
	if err != nil {
		return 0, err
	}
	defer t.Release()
	present := map[int64]bool{}
	rows := NewRows(t)
	defer rows.Close()
	for rows.Next() {
		present[toInt(rows.Values()[0])] = true
	}
	n := 0
	for _, id := range all {
		if !present[id] {
			n++
		}
	}
	return n, rows.Err()
}

// RequestedIDs lists the root-id lists of a request that the embedded
// engine checks against the table: --pre, --post and the filter-in /
// filter-equal root ids.
func RequestedIDs(r *synapse.Request) [][]int64 {
	var out [][]int64
	if r.PreGiven {
		out = append(out, r.Pre)
	}
	if r.PostGiven {
		out = append(out, r.Post)
	}
	for _, col := range []string{"pre_pt_root_id", "post_pt_root_id"} {
		var vals []string
		vals = append(vals, r.FilterIn[col]...)
		if v, ok := r.FilterEqual[col]; ok {
			vals = append(vals, v)
		}
		var ids []int64
		for _, v := range vals {
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				ids = append(ids, n)
			}
		}
		if len(ids) > 0 {
			out = append(out, ids)
		}
	}
	return out
}
