package synapse

import (
	"slices"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// OutputColumn is one output column of a synapse row query and what it is
// computed from, so that every engine (the embedded one, Spark) renders
// the same columns in its own SQL dialect.
type OutputColumn struct {
	Col Col
	// Sources are the stored columns read: one, or the three components of
	// a position written as a list [x, y, z] (Col.Kind KindFloatList).
	Sources []string
	// Scales multiply each source (1: as stored): the --desired-resolution
	// conversion of position components.
	Scales []float64
	// CellType: Sources[0] is a root id and the value is its unified cell
	// type (cell_type_pre, cell_type_post).
	CellType bool
}

// PlanColumns resolves the columns of a row query (r.Columns, nil = every
// column) against the Synapse class: positions expand to lists or, with
// r.SplitPositions, to _x/_y/_z columns; with r.Desired, position
// components are scaled from the dataset's resolution res. An unknown
// column is an error naming it.
func PlanColumns(r *Request, res Resolution) ([]OutputColumn, error) {
	cols := r.Columns
	if cols == nil {
		cols = AllColumns()
	}
	scale := [3]float64{1, 1, 1}
	if r.Desired != nil {
		for i := range scale {
			scale[i] = res[i] / r.Desired[i]
		}
	}
	var out []OutputColumn
	for _, c := range cols {
		if !knownColumn(c) {
			return nil, unknownColumn(c, "--columns")
		}
		switch {
		case c == "cell_type_pre":
			out = append(out, OutputColumn{Col: Col{c, KindString}, Sources: []string{"pre_pt_root_id"}, Scales: []float64{1}, CellType: true})
		case c == "cell_type_post":
			out = append(out, OutputColumn{Col: Col{c, KindString}, Sources: []string{"post_pt_root_id"}, Scales: []float64{1}, CellType: true})
		case slices.Contains(synapseSpec.Positions, c):
			if r.SplitPositions {
				for a := 0; a < 3; a++ {
					n := c + "_" + string("xyz"[a])
					out = append(out, OutputColumn{Col: Col{n, KindFloat}, Sources: []string{n}, Scales: []float64{scale[a]}})
				}
			} else {
				out = append(out, OutputColumn{Col: Col{c, KindFloatList}, Sources: []string{c + "_x", c + "_y", c + "_z"}, Scales: scale[:]})
			}
		case strings.HasSuffix(c, "_position_x") || strings.HasSuffix(c, "_position_y") || strings.HasSuffix(c, "_position_z"):
			out = append(out, OutputColumn{Col: Col{c, KindFloat}, Sources: []string{c}, Scales: []float64{scale[strings.IndexByte("xyz", c[len(c)-1])]}})
		default:
			k := KindInt
			switch synapseSpec.field(c).Type {
			case "DOUBLE":
				k = KindFloat
			case "BOOLEAN":
				k = KindBool
			case "TIMESTAMPTZ":
				k = KindTime
			case "VARCHAR":
				k = KindString
			}
			out = append(out, OutputColumn{Col: Col{c, k}, Sources: []string{c}, Scales: []float64{1}})
		}
	}
	return out, nil
}

// Value converts a value read from an engine for this column to the value
// the row writers take (lists of position components: []float64 with NaN
// for a missing component, nil when all are missing; int32 to int64,
// float32 to float64). Cell-type columns are resolved by the caller.
func (c OutputColumn) Value(v any) any {
	if c.Col.Kind == KindFloatList {
		return toFloatList(v)
	}
	return normalizeValue(v)
}

// CheckFilterColumn reports whether a --filter-in/-equal/-out column can
// filter synapse rows (a stored column; not a position slot nor a cell
// type, which have their own flags).
func CheckFilterColumn(col, op string) error {
	if !knownColumn(col) || slices.Contains(synapseSpec.Positions, col) {
		return unknownColumn(col, "--filter-"+op)
	}
	if col == "cell_type_pre" || col == "cell_type_post" {
		return &ccc.Error{Op: "query", Row: -1, Field: col, Msg: "filter cell types with --pre-type / --post-type", Kind: ccc.ErrUsage}
	}
	return nil
}
