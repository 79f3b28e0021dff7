package expression

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/anndata"
	"github.com/ccc-connectivity/ccc/formats/hdf5"
)

// ExtractOptions select what Extract reads.
type ExtractOptions struct {
	// Genes are var names (adata.var_names), or values of GeneColumn.
	Genes []string
	// GeneColumn, when set, is the var column the genes are looked up in
	// (e.g. "gene_symbol" when var_names are Ensembl ids).
	GeneColumn string
	// Obs are obs columns copied beside the genes (categoricals as labels).
	Obs []string
	// Layer reads layers/<Layer> instead of X; Raw reads raw/X (with
	// raw/var for the gene names). At most one of them.
	Layer string
	Raw   bool
}

// IndexColumn is the name of the cell-id column of an extracted table
// when the obs index is unnamed.
const IndexColumn = "obs_names"

// Extract reads the selected genes of every cell (and the selected obs
// columns) from an .h5ad file without loading the matrix: one column per
// gene, one row per cell, in obs order. The first column holds the obs
// index under its name (IndexColumn when unnamed).
func Extract(path string, o ExtractOptions) (*Table, error) {
	if len(o.Genes) == 0 {
		return nil, usage("--genes", "give at least one gene")
	}
	if o.Layer != "" && o.Raw {
		return nil, usage("--layer", "--layer and --raw exclude each other")
	}
	f, err := anndata.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var m *anndata.Matrix
	var vr *anndata.DataFrame
	switch {
	case o.Raw:
		if m, err = f.RawX(); err == nil {
			vr, err = f.RawVar()
		}
	case o.Layer != "":
		if m, err = f.Layer(o.Layer); err == nil {
			vr, err = f.Var()
		}
	default:
		if m, err = f.X(); err == nil {
			vr, err = f.Var()
		}
	}
	if err != nil {
		return nil, err
	}
	cols, err := geneColumns(path, vr, o)
	if err != nil {
		return nil, err
	}
	// the obs columns (libhdf5, under its lock) are read while the genes
	// are extracted (CSR: from a memory map, outside the lock)
	var t *Table
	obsDone := make(chan error, 1)
	go func() {
		var err error
		t, err = obsTable(f, o.Obs)
		obsDone <- err
	}()
	kind := valueKind(m.DType)
	var values [][]float64
	var values32 [][]float32
	if kind == KindFloat32 && m.DType.Size == 4 { // float32 stays float32 in memory too
		values32, err = m.ColumnsFloat32(cols)
	} else {
		values, err = m.Columns(cols)
	}
	if oerr := <-obsDone; oerr != nil {
		return nil, oerr
	}
	if err != nil {
		return nil, err
	}
	if values32 != nil {
		for i, g := range o.Genes {
			t.Cols = append(t.Cols, &Col{Name: g, Kind: kind, F32: values32[i]})
		}
		if err := checkNames(t); err != nil {
			return nil, err
		}
		return t, nil
	}
	for i, g := range o.Genes {
		c := &Col{Name: g, Kind: kind}
		if kind == KindInt64 {
			c.I64 = make([]int64, len(values[i]))
			for k, v := range values[i] {
				c.I64[k] = int64(v)
			}
		} else {
			c.F64 = values[i]
		}
		t.Cols = append(t.Cols, c)
	}
	if err := checkNames(t); err != nil {
		return nil, err
	}
	return t, nil
}

// checkNames refuses a table with a column name twice.
func checkNames(t *Table) error {
	seen := map[string]bool{}
	for _, c := range t.Cols {
		if seen[c.Name] {
			return usage("--obs", fmt.Sprintf("column %q appears twice in the output (a gene and an obs column, or repeated)", c.Name))
		}
		seen[c.Name] = true
	}
	return nil
}

// obsTable reads the obs index (under its name, or IndexColumn) and the
// named obs columns.
func obsTable(f *anndata.File, names []string) (*Table, error) {
	obs, err := f.Obs()
	if err != nil {
		return nil, err
	}
	ids, err := obs.IndexList()
	if err != nil {
		return nil, err
	}
	name := obs.IndexName()
	if name == "" {
		name = IndexColumn
	}
	t := &Table{Rows: ids.Len(), Cols: []*Col{{Name: name, Kind: KindString, StrList: ids}}}
	for _, cn := range names {
		c, err := obs.Column(cn)
		if err != nil {
			return nil, err
		}
		t.Cols = append(t.Cols, ObsCol(c))
	}
	return t, nil
}

// valueKind is the output kind of matrix values: integers stay integers
// (sums of duplicate entries included), float32 stays float32.
func valueKind(t hdf5.DType) Kind {
	switch t.Class {
	case hdf5.ClassInt, hdf5.ClassUint, hdf5.ClassBool:
		return KindInt64
	case hdf5.ClassFloat:
		if t.Size <= 4 {
			return KindFloat32
		}
	}
	return KindFloat64
}

// geneColumns maps gene names to matrix columns; unknown or ambiguous
// names are one error listing them all.
func geneColumns(path string, vr *anndata.DataFrame, o ExtractOptions) ([]int, error) {
	var names []string
	where := "var_names"
	if o.GeneColumn != "" {
		c, err := vr.Column(o.GeneColumn)
		if err != nil {
			return nil, err
		}
		names, where = c.Strings(), "var column "+o.GeneColumn
	} else {
		var err error
		if names, err = vr.Index(); err != nil {
			return nil, err
		}
	}
	pos := make(map[string][]int, len(o.Genes))
	for _, g := range o.Genes {
		pos[g] = nil
	}
	for j, n := range names {
		if p, ok := pos[n]; ok {
			pos[n] = append(p, j)
		}
	}
	var missing, dup []string
	cols := make([]int, len(o.Genes))
	for i, g := range o.Genes {
		switch p := pos[g]; len(p) {
		case 0:
			missing = append(missing, g)
		case 1:
			cols[i] = p[0]
		default:
			dup = append(dup, fmt.Sprintf("%s (%d times)", g, len(p)))
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, &ccc.Error{Op: "cells genes", Path: path + ":" + vr.Path, Row: -1, Field: "--genes", Kind: ccc.ErrNotFound,
			Msg:  fmt.Sprintf("%d gene(s) not in %s: %s", len(missing), where, strings.Join(missing, ", ")),
			Hint: "gene names are case-sensitive; use --gene-column to look them up in another var column"}
	}
	if len(dup) > 0 {
		return nil, &ccc.Error{Op: "cells genes", Path: path + ":" + vr.Path, Row: -1, Field: "--genes", Kind: ccc.ErrInvalidData,
			Msg:  "gene name(s) not unique in " + where + ": " + strings.Join(dup, ", "),
			Hint: "make var_names unique (adata.var_names_make_unique()) or use --gene-column with a unique column"}
	}
	return cols, nil
}

// ObsCol turns a dataframe column into a table column: categoricals and
// strings as text, nullable values with nulls, numbers as numbers.
func ObsCol(c *anndata.Column) *Col {
	out := &Col{Name: c.Name}
	n := c.Len()
	if c.Mask != nil || c.Encoding == anndata.EncCategorical {
		out.Null = make([]bool, n)
		for i := range out.Null {
			out.Null[i] = c.IsNull(i)
		}
	}
	switch {
	case c.Encoding == anndata.EncCategorical || c.Values.Type.Class == hdf5.ClassString:
		out.Kind, out.Str = KindString, c.Strings()
	case c.Values.Type.Class == hdf5.ClassBool:
		out.Kind, out.Bool = KindBool, c.Values.Data.([]bool)
	case c.Values.Type.Class == hdf5.ClassFloat:
		out.Kind = valueKind(c.Values.Type)
		out.F64, _ = c.Values.Float64s()
	default:
		if v, err := c.Values.Int64s(); err == nil {
			out.Kind, out.I64 = KindInt64, v
		} else { // uint64 beyond int64
			out.Kind = KindFloat64
			out.F64, _ = c.Values.Float64s()
		}
	}
	return out
}

func usage(flag, msg string) error {
	return &ccc.Error{Op: "cells genes", Row: -1, Field: flag, Msg: msg, Kind: ccc.ErrUsage}
}
