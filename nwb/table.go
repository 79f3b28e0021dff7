package nwb

import (
	"fmt"
	"path"
	"strings"

	"github.com/ccc-connectivity/ccc/formats/hdf5"
)

// Table is a DynamicTable (electrodes, units, trials, intracellular
// recordings, ...). Opening it reads metadata only; columns are read on
// demand.
type Table struct {
	f             *File
	Path          string
	NeurodataType string
	Description   string
	Rows          int
	Columns       []*Column
}

// Column is one DynamicTable column.
type Column struct {
	t             *Table
	Name          string
	Path          string // HDF5 path of the VectorData
	Description   string
	NeurodataType string
	Type          hdf5.DType
	Shape         []int    // shape of the VectorData
	Index         []string // VectorIndex paths, outermost first: 1 = ragged, 2 = double ragged
	Target        string   // DynamicTableRegion: path of the referenced table
}

// Ragged returns the number of VectorIndex levels (0 for a plain column).
func (c *Column) Ragged() int { return len(c.Index) }

// Table opens the DynamicTable at p.
func (f *File) Table(p string) (*Table, error) {
	g, err := f.H5.Group(p)
	if err != nil {
		return nil, err
	}
	t := &Table{f: f, Path: g.Path()}
	t.NeurodataType, _ = f.typeOf(t.Path)
	if g.HasAttr("description") {
		t.Description, _ = g.AttrString("description")
	}
	idp := path.Join(t.Path, "id")
	id, err := f.H5.Dataset(idp)
	if err != nil || len(id.Shape) != 1 {
		return nil, errAt("read nwb table", f.Path, t.Path, ErrNotTable,
			fmt.Sprintf("%s (neurodata_type %q) has no 1-D id dataset, so it is not a DynamicTable", t.Path, t.NeurodataType), "", nil)
	}
	t.Rows = id.Shape[0]
	var names []string
	if g.HasAttr("colnames") {
		a, err := g.Attr("colnames")
		if err != nil {
			return nil, err
		}
		names = a.Strings()
	} else {
		// no colnames: every VectorData that is not an index, in name order
		ms, _ := g.Members()
		isIndex := map[string]bool{}
		for _, m := range ms {
			if strings.HasSuffix(m.Name, "_index") {
				isIndex[m.Name] = true
			}
		}
		for _, m := range ms {
			if m.Type == hdf5.TypeDataset && m.Name != "id" && !isIndex[m.Name] {
				names = append(names, m.Name)
			}
		}
	}
	var errs []string
	for _, n := range names {
		if n == "" {
			continue
		}
		c, err := t.openColumn(n)
		if err != nil {
			return nil, err
		}
		if msg := c.checkShape(); msg != "" {
			errs = append(errs, msg)
		}
		t.Columns = append(t.Columns, c)
	}
	if len(errs) > 0 {
		return nil, errAt("read nwb table", f.Path, t.Path, ErrBadTable, strings.Join(errs, "; "), "", nil)
	}
	// AlignedDynamicTable (e.g. intracellular_recordings): the category
	// sub-tables share the rows; their columns are named category.column.
	if g.HasAttr("categories") {
		a, err := g.Attr("categories")
		if err != nil {
			return nil, err
		}
		for _, cat := range a.Strings() {
			sub, err := f.Table(path.Join(t.Path, cat))
			if err != nil {
				return nil, err
			}
			if sub.Rows != t.Rows {
				return nil, errAt("read nwb table", f.Path, sub.Path, ErrBadTable,
					fmt.Sprintf("category table has %d rows, the aligned table %d", sub.Rows, t.Rows), "", nil)
			}
			for _, c := range sub.Columns {
				cc := *c
				cc.Name = cat + "." + c.Name
				t.Columns = append(t.Columns, &cc)
			}
		}
	}
	return t, nil
}

func (t *Table) openColumn(name string) (*Column, error) {
	f := t.f
	p := path.Join(t.Path, name)
	d, err := f.H5.Dataset(p)
	if err != nil {
		return nil, errAt("read nwb table", f.Path, p, ErrBadTable,
			fmt.Sprintf("colnames lists %q but there is no dataset %s", name, p), "", err)
	}
	c := &Column{t: t, Name: name, Path: p, Type: d.Type, Shape: d.Shape}
	c.NeurodataType, _ = f.typeOf(p)
	if d.HasAttr("description") {
		c.Description, _ = d.AttrString("description")
	}
	if d.HasAttr("table") {
		if a, err := d.Attr("table"); err == nil {
			if r, err := a.Refs(); err == nil && len(r) > 0 {
				c.Target = r[0].Path
			}
		}
	}
	// the index chain: name_index indexes name, name_index_index indexes name_index
	ip := p + "_index"
	var chain []string
	for f.H5.Exists(ip) {
		chain = append([]string{ip}, chain...)
		ip += "_index"
	}
	c.Index = chain
	return c, nil
}

// checkShape returns a message when the column cannot have Rows rows.
func (c *Column) checkShape() string {
	rows := c.t.Rows
	if len(c.Shape) == 0 {
		return fmt.Sprintf("column %s is a scalar", c.Name)
	}
	if len(c.Index) == 0 {
		if c.Shape[0] != rows {
			return fmt.Sprintf("column %s has %d entries, the table %d rows (id)", c.Name, c.Shape[0], rows)
		}
		return ""
	}
	d, err := c.t.f.H5.Dataset(c.Index[0])
	if err != nil || len(d.Shape) != 1 || d.Shape[0] != rows {
		return fmt.Sprintf("index %s of column %s does not have %d entries", c.Index[0], c.Name, rows)
	}
	return ""
}

// ColumnNames lists the columns in colnames order.
func (t *Table) ColumnNames() []string {
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Name
	}
	return out
}

// Column returns the column name.
func (t *Table) Column(name string) (*Column, error) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, nil
		}
	}
	return nil, errAt("read nwb table", t.f.Path, path.Join(t.Path, name), ErrNotTable,
		fmt.Sprintf("table has no column %q", name), "columns: "+strings.Join(t.ColumnNames(), ", "), nil)
}

// IDs reads the id column.
func (t *Table) IDs() ([]int64, error) {
	d, err := t.f.H5.Dataset(path.Join(t.Path, "id"))
	if err != nil {
		return nil, err
	}
	a, err := d.Read()
	if err != nil {
		return nil, err
	}
	return a.Int64s()
}

// ColumnData is a column read in full: the flat values and, for ragged
// columns, one offsets array per index level (outermost first; each has
// one more entry than the level above has elements, starting at 0).
type ColumnData struct {
	Column  *Column
	Values  *hdf5.Array // normalized: []int64, []uint64, []float32, []float64, []bool, []string, or compound fields
	Width   int         // values per element (product of the dimensions after the first)
	Offsets [][]int64
}

// Read reads the whole column and checks its indexes.
func (c *Column) Read() (*ColumnData, error) {
	f := c.t.f
	d, err := f.H5.Dataset(c.Path)
	if err != nil {
		return nil, err
	}
	a, err := d.Read()
	if err != nil {
		return nil, err
	}
	cd := &ColumnData{Column: c, Values: normalize(a), Width: 1}
	for _, s := range c.Shape[1:] {
		cd.Width *= s
	}
	n := int64(c.Shape[0]) // elements the innermost index points into
	lens := make([]int64, len(c.Index))
	for i := len(c.Index) - 1; i >= 0; i-- {
		lens[i] = n
		id, err := f.H5.Dataset(c.Index[i])
		if err != nil {
			return nil, err
		}
		n = int64(id.Shape[0])
	}
	for i, ip := range c.Index {
		id, _ := f.H5.Dataset(ip)
		ia, err := id.Read()
		if err != nil {
			return nil, err
		}
		ends, err := ia.Int64s()
		if err != nil {
			return nil, errAt("read nwb table", f.Path, ip, ErrBadTable, "VectorIndex is not integer", "", err)
		}
		off := make([]int64, len(ends)+1)
		prev := int64(0)
		for k, e := range ends {
			if e < prev || e > lens[i] {
				target := c.Path
				if i+1 < len(c.Index) {
					target = c.Index[i+1]
				}
				return nil, errAt("read nwb table", f.Path, ip, ErrBadTable,
					fmt.Sprintf("VectorIndex entry %d is %d but %s has %d elements (entries must be non-decreasing and at most that)", k, e, target, lens[i]),
					"the file may be truncated or the column written inconsistently; export the other columns with --columns", nil)
			}
			off[k+1] = e
			prev = e
		}
		cd.Offsets = append(cd.Offsets, off)
	}
	return cd, nil
}

// normalize widens integer types to int64 (uint64 stays) and compound
// members likewise.
func normalize(a *hdf5.Array) *hdf5.Array {
	if a.Fields != nil {
		out := &hdf5.Array{Shape: a.Shape, Type: a.Type}
		for _, fl := range a.Fields {
			out.Fields = append(out.Fields, hdf5.NamedArray{Name: fl.Name, Array: normalize(fl.Array)})
		}
		return out
	}
	switch a.Data.(type) {
	case []int8, []int16, []int32, []uint8, []uint16, []uint32:
		v, _ := a.Int64s()
		return &hdf5.Array{Shape: a.Shape, Type: a.Type, Data: v}
	case []hdf5.Ref:
		return &hdf5.Array{Shape: a.Shape, Type: a.Type, Data: a.Strings()}
	}
	return a
}

// Len returns the number of rows.
func (cd *ColumnData) Len() int {
	if len(cd.Offsets) > 0 {
		return len(cd.Offsets[0]) - 1
	}
	return cd.Column.Shape[0]
}

// Cell returns row i: a scalar (int64, uint64, float32, float64, bool,
// string, map for compound), a typed slice for multi-value elements or
// one ragged level, a []any of those for double-ragged cells.
func (cd *ColumnData) Cell(i int) any {
	return cd.cell(0, int64(i), int64(i+1), true)
}

func (cd *ColumnData) cell(level int, lo, hi int64, single bool) any {
	if level < len(cd.Offsets) {
		off := cd.Offsets[level]
		if single {
			return cd.cell(level+1, off[lo], off[hi], false)
		}
		out := make([]any, 0, hi-lo)
		for k := lo; k < hi; k++ {
			out = append(out, cd.cell(level+1, off[k], off[k+1], false))
		}
		return out
	}
	// leaf: elements lo..hi of the values, each Width wide
	if single && cd.Width == 1 {
		return scalarAt(cd.Values, int(lo))
	}
	if cd.Width == 1 {
		return sliceAt(cd.Values, int(lo), int(hi))
	}
	if single {
		return sliceAt(cd.Values, int(lo)*cd.Width, int(hi)*cd.Width)
	}
	out := make([]any, 0, hi-lo)
	for k := lo; k < hi; k++ {
		out = append(out, sliceAt(cd.Values, int(k)*cd.Width, int(k+1)*cd.Width))
	}
	return out
}

func scalarAt(a *hdf5.Array, i int) any {
	if a.Fields != nil {
		m := make(map[string]any, len(a.Fields))
		for _, f := range a.Fields {
			m[f.Name] = scalarAt(f.Array, i)
		}
		return m
	}
	switch d := a.Data.(type) {
	case []int64:
		return d[i]
	case []uint64:
		return d[i]
	case []float32:
		return d[i]
	case []float64:
		return d[i]
	case []bool:
		return d[i]
	case []string:
		return d[i]
	}
	return nil
}

func sliceAt(a *hdf5.Array, lo, hi int) any {
	if a.Fields != nil {
		out := make([]any, 0, hi-lo)
		for k := lo; k < hi; k++ {
			out = append(out, scalarAt(a, k))
		}
		return out
	}
	switch d := a.Data.(type) {
	case []int64:
		return d[lo:hi]
	case []uint64:
		return d[lo:hi]
	case []float32:
		return d[lo:hi]
	case []float64:
		return d[lo:hi]
	case []bool:
		return d[lo:hi]
	case []string:
		return d[lo:hi]
	}
	return nil
}

// Row reads one row lazily (only the slices it needs) as column -> value.
func (t *Table) Row(i int) (map[string]any, error) {
	if i < 0 || i >= t.Rows {
		return nil, errAt("read nwb table", t.f.Path, t.Path, ErrNotTable,
			fmt.Sprintf("row %d out of range (table has %d rows)", i, t.Rows), "", nil)
	}
	out := map[string]any{}
	ids, err := t.f.H5.Dataset(path.Join(t.Path, "id"))
	if err != nil {
		return nil, err
	}
	ida, err := ids.Rows(i, 1)
	if err != nil {
		return nil, err
	}
	out["id"], _ = ida.Int64()
	for _, c := range t.Columns {
		v, err := c.cellLazy(i)
		if err != nil {
			return nil, err
		}
		out[c.Name] = v
	}
	return out, nil
}

// cellLazy reads row i of a column with hyperslabs: the index entries
// around it, then the data range.
func (c *Column) cellLazy(i int) (any, error) {
	f := c.t.f
	if len(c.Index) > 1 { // double ragged: rare and small, read it whole
		cd, err := c.Read()
		if err != nil {
			return nil, err
		}
		return cd.Cell(i), nil
	}
	d, err := f.H5.Dataset(c.Path)
	if err != nil {
		return nil, err
	}
	lo, hi := int64(i), int64(i+1)
	if len(c.Index) == 1 {
		id, err := f.H5.Dataset(c.Index[0])
		if err != nil {
			return nil, err
		}
		start := max(i-1, 0)
		a, err := id.Rows(start, i+1-start)
		if err != nil {
			return nil, err
		}
		v, err := a.Int64s()
		if err != nil {
			return nil, err
		}
		lo, hi = 0, v[len(v)-1]
		if i > 0 {
			lo = v[0]
		}
		if hi > int64(d.Shape[0]) || lo > hi {
			return nil, errAt("read nwb table", f.Path, c.Index[0], ErrBadTable,
				fmt.Sprintf("row %d spans elements %d..%d but %s has %d", i, lo, hi, c.Path, d.Shape[0]), "the file may be truncated", nil)
		}
	}
	a, err := d.Rows(int(lo), int(hi-lo))
	if err != nil {
		return nil, err
	}
	cd := &ColumnData{Column: c, Values: normalize(a), Width: 1}
	for _, s := range c.Shape[1:] {
		cd.Width *= s
	}
	if len(c.Index) == 0 {
		return cd.cell(0, 0, 1, true), nil
	}
	return cd.cell(0, 0, hi-lo, false), nil
}

// Region reads a DynamicTableRegion column's row indices and its target.
func (c *Column) Region() (target string, rows []int64, err error) {
	if c.Target == "" {
		return "", nil, errAt("read nwb table", c.t.f.Path, c.Path, ErrNotTable, "column is not a DynamicTableRegion (no table attribute)", "", nil)
	}
	d, err := c.t.f.H5.Dataset(c.Path)
	if err != nil {
		return "", nil, err
	}
	a, err := d.Read()
	if err != nil {
		return "", nil, err
	}
	rows, err = a.Int64s()
	return c.Target, rows, err
}
