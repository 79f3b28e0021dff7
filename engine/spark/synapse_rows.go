package spark

import (
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/synapse"
)

// rowsOp names the raw-row question in errors; where() lets it filter any
// stored column.
const rowsOp = "query"

// RowsSQL returns the SQL of the synapse rows a request selects, with the
// embedded engine's columns (synapse.PlanColumns: positions as lists or
// split, --desired-resolution scaling, cell types of pre and post) in its
// order (pre_pt_root_id, post_pt_root_id, id), cut at r.Limit+1 rows so the
// caller can tell a cut result; the SQL counting the matching rows; and the
// output columns. Cell types are joined on the cluster.
func (y *Synapses) RowsSQL(r *synapse.Request) (q, count string, cols []synapse.OutputColumn, err error) {
	cols, err = synapse.PlanColumns(r, y.res)
	if err != nil {
		return "", "", nil, err
	}
	w, err := y.where(r, rowsOp)
	if err != nil {
		return "", "", nil, err
	}
	var exprs []string
	var joins string
	for i, c := range cols {
		src := make([]string, len(c.Sources))
		for k, name := range c.Sources {
			src[k] = "s." + quoteIdent(name)
			if c.Scales[k] != 1 {
				src[k] = "(" + src[k] + " * CAST('" + strconv.FormatFloat(c.Scales[k], 'g', -1, 64) + "' AS DOUBLE))"
			}
		}
		e := src[0]
		switch {
		case c.CellType:
			if !y.hasTypes {
				return "", "", nil, &ccc.Error{Op: "query", Row: -1, Field: "--columns", Value: "cell_type_pre/cell_type_post",
					Msg: "dataset " + y.dataset + " has no cell-type table", Hint: "ingest one with 'ccc synapses cells ingest --kind celltype FILE'", Kind: ccc.ErrNotFound}
			}
			a := "t" + strconv.Itoa(i)
			joins += " LEFT JOIN " + y.cellTypesSQL() + " " + a + " ON " + a + ".pt_root_id = " + e
			e = "coalesce(" + a + ".cell_type, " + quoteString(synapse.Unsure) + ")"
		case c.Col.Kind == synapse.KindFloatList:
			e = "array(" + strings.Join(src, ", ") + ")"
		}
		exprs = append(exprs, e+" AS "+quoteIdent(c.Col.Name))
	}
	sel := "(SELECT * FROM Synapse WHERE " + w + ") s"
	count = "SELECT count(*) FROM " + sel
	q = "SELECT " + strings.Join(exprs, ", ") + " FROM " + sel + joins + " ORDER BY s.pre_pt_root_id, s.post_pt_root_id, s.id"
	if r.Limit > 0 {
		q += " LIMIT " + strconv.FormatInt(r.Limit+1, 10)
	}
	return q, count, cols, nil
}

// SQLOnlyFilters reports whether the request filters on a column other
// than root ids, id and size (valid, created, supervoxel ids): the
// embedded engine then evaluates them in SQL and cannot tell how many rows
// a --limit cut off.
func (y *Synapses) SQLOnlyFilters(r *synapse.Request) bool {
	for _, m := range []map[string][]string{r.FilterIn, r.FilterOut} {
		for c := range m {
			if !rootOrNumeric(c) {
				return true
			}
		}
	}
	for c := range r.FilterEqual {
		if !rootOrNumeric(c) {
			return true
		}
	}
	return false
}

func rootOrNumeric(c string) bool {
	return c == "pre_pt_root_id" || c == "post_pt_root_id" || c == "id" || c == "size"
}
