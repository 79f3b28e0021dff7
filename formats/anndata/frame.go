package anndata

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc/formats/hdf5"
)

// DataFrame is an obs, var or raw/var dataframe (encoding-type
// "dataframe"): an index dataset and columns, read when asked for.
type DataFrame struct {
	f        *File
	Path     string   // element path ("/obs")
	IndexKey string   // dataset holding the index (_index attribute)
	Columns  []string // column-order
	Len      int      // number of rows
}

// frame opens a dataframe; want >= 0 checks its length.
func (f *File) frame(p string, want int) (*DataFrame, error) {
	enc, g, _, err := f.element(p)
	if err != nil {
		return nil, err
	}
	if enc != EncDataFrame {
		return nil, elemErr(f.path, p, ErrEncoding, fmt.Sprintf("encoding-type %q where a dataframe is expected", enc), "", nil)
	}
	d := &DataFrame{f: f, Path: p, IndexKey: attrStr(g, "_index")}
	if d.IndexKey == "" || strings.ContainsAny(d.IndexKey, "/\x00") {
		return nil, elemErr(f.path, p, ErrEncoding, fmt.Sprintf("dataframe has no usable _index attribute (%q)", d.IndexKey), "", nil)
	}
	if g.HasAttr("column-order") {
		a, err := g.Attr("column-order")
		if err != nil {
			return nil, err
		}
		if cols, ok := a.Data.([]string); ok {
			d.Columns = cols
		} else if a.Len() > 0 && len(a.Shape) > 0 {
			return nil, elemErr(f.path, p+"@column-order", ErrEncoding, "column-order is "+a.Type.String()+", not strings", "", nil)
		}
	}
	for _, c := range d.Columns {
		if c == "" || strings.ContainsAny(c, "/\x00") {
			return nil, elemErr(f.path, p+"@column-order", ErrEncoding, fmt.Sprintf("invalid column name %q", c), "", nil)
		}
	}
	idx, err := f.h5.Dataset(p + "/" + d.IndexKey)
	if err != nil {
		return nil, elemErr(f.path, p+"/"+d.IndexKey, ErrShape, "the dataframe's index dataset (named by _index) is missing", "", err)
	}
	if len(idx.Shape) != 1 {
		return nil, elemErr(f.path, idx.Path(), ErrShape, fmt.Sprintf("index has shape %v, expected 1-D", idx.Shape), "", nil)
	}
	d.Len = idx.Shape[0]
	if want >= 0 && d.Len != want {
		return nil, elemErr(f.path, idx.Path(), ErrShape, fmt.Sprintf("index has %d entries, expected %d", d.Len, want), "", nil)
	}
	return d, nil
}

// IndexName is the index's name as pandas shows it (df.index.name): ""
// when the index is unnamed (stored under "_index").
func (d *DataFrame) IndexName() string {
	if d.IndexKey == "_index" {
		return ""
	}
	return d.IndexKey
}

// Index reads the index values (obs_names or var_names).
func (d *DataFrame) Index() ([]string, error) {
	l, strs, err := d.index()
	if l != nil {
		return l.Strings(), nil
	}
	return strs, err
}

// IndexList is Index as one hdf5.StringList (one buffer, no string per
// entry): a variable-length string index stored contiguous (what anndata
// writes) is parsed straight from the file, outside libhdf5's lock
// (hdf5.Dataset.ReadVarStrings); other layouts are read through libhdf5.
func (d *DataFrame) IndexList() (*hdf5.StringList, error) {
	l, strs, err := d.index()
	if l != nil || err != nil {
		return l, err
	}
	l, ok := hdf5.NewStringList(strs)
	if !ok {
		return nil, elemErr(d.f.path, d.Path+"/"+d.IndexKey, ErrShape, "index strings exceed 2 GiB in all", "", nil)
	}
	return l, nil
}

// index reads the index as a StringList when the raw reader takes it, else
// as strings through libhdf5.
func (d *DataFrame) index() (*hdf5.StringList, []string, error) {
	p := d.Path + "/" + d.IndexKey
	enc, _, ds, err := d.f.element(p)
	if err != nil {
		return nil, nil, err
	}
	if enc != EncStringArray && enc != EncArray {
		return nil, nil, elemErr(d.f.path, p, ErrEncoding, fmt.Sprintf("index encoding-type %q", enc), "", nil)
	}
	if rawReads {
		if l, ok, err := ds.ReadVarStrings(); err != nil || ok {
			return l, nil, err
		}
	}
	a, err := ds.Read()
	if err != nil {
		return nil, nil, err
	}
	return nil, a.Strings(), nil
}

// HasColumn reports whether name is one of the columns.
func (d *DataFrame) HasColumn(name string) bool {
	for _, c := range d.Columns {
		if c == name {
			return true
		}
	}
	return false
}

// Column is one dataframe column, read whole (columns are n_obs or n_vars
// long, never the matrix).
type Column struct {
	Name     string
	Encoding Encoding
	// Values holds the values: numbers, booleans or strings (for
	// categoricals the codes, int8..int64, with -1 for missing).
	Values *hdf5.Array
	// Mask marks missing entries of nullable columns (true = NA).
	Mask []bool
	// Categories and Ordered describe a categorical column.
	Categories *hdf5.Array
	Ordered    bool
}

// Column reads one column. Unknown encodings are errors naming the column.
func (d *DataFrame) Column(name string) (*Column, error) {
	if !d.HasColumn(name) {
		return nil, elemErr(d.f.path, d.Path+"/"+name, ErrNoElement,
			fmt.Sprintf("no column %q (columns: %s)", name, strings.Join(d.Columns, ", ")), "", nil)
	}
	p := d.Path + "/" + name
	enc, g, ds, err := d.f.element(p)
	if err != nil {
		return nil, err
	}
	c := &Column{Name: name, Encoding: enc}
	bad := func(format string, a ...any) error {
		return elemErr(d.f.path, p, ErrShape, fmt.Sprintf(format, a...), "", nil)
	}
	read := func(sub string, want Encoding) (*hdf5.Array, error) {
		e, _, s, err := d.f.element(p + "/" + sub)
		if err != nil {
			return nil, err
		}
		if e != want && !(want == EncArray && e == EncStringArray) {
			return nil, elemErr(d.f.path, p+"/"+sub, ErrEncoding, fmt.Sprintf("encoding-type %q, expected %q", e, want), "", nil)
		}
		a, err := s.Read()
		if err != nil {
			return nil, err
		}
		if len(a.Shape) != 1 {
			return nil, elemErr(d.f.path, p+"/"+sub, ErrShape, fmt.Sprintf("shape %v, expected 1-D", a.Shape), "", nil)
		}
		return a, nil
	}
	switch enc {
	case EncArray, EncStringArray:
		if c.Values, err = ds.Read(); err != nil {
			return nil, err
		}
		if len(c.Values.Shape) != 1 {
			return nil, bad("column has shape %v, expected 1-D", c.Values.Shape)
		}
		if enc == EncArray && !c.Values.Type.IsNumeric() {
			return nil, elemErr(d.f.path, p, ErrEncoding, "array column of type "+c.Values.Type.String(), "", nil)
		}
		if enc == EncStringArray && c.Values.Type.Class != hdf5.ClassString {
			return nil, elemErr(d.f.path, p, ErrEncoding, "string-array column of type "+c.Values.Type.String(), "", nil)
		}
	case EncCategorical:
		c.Ordered = false
		if g.HasAttr("ordered") {
			a, err := g.Attr("ordered")
			if err != nil {
				return nil, err
			}
			v, err := a.Int64()
			if err != nil {
				return nil, elemErr(d.f.path, p+"@ordered", ErrEncoding, "ordered attribute is not a boolean", "", err)
			}
			c.Ordered = v != 0
		}
		if c.Values, err = read("codes", EncArray); err != nil {
			return nil, err
		}
		if c.Values.Type.Class != hdf5.ClassInt && c.Values.Type.Class != hdf5.ClassUint {
			return nil, elemErr(d.f.path, p+"/codes", ErrEncoding, "codes of type "+c.Values.Type.String(), "", nil)
		}
		if c.Categories, err = read("categories", EncArray); err != nil {
			return nil, err
		}
		codes, _ := c.Values.Int64s()
		if err := checkCodes(codes, c.Categories.Len()); err != nil {
			return nil, elemErr(d.f.path, p+"/codes", ErrShape, err.Error(), "", nil)
		}
	case EncNullableInt, EncNullableBool, EncNullableString:
		want := EncArray
		if enc == EncNullableString {
			want = EncStringArray
		}
		if c.Values, err = read("values", want); err != nil {
			return nil, err
		}
		m, err := read("mask", EncArray)
		if err != nil {
			return nil, err
		}
		mask, ok := m.Data.([]bool)
		if !ok {
			return nil, elemErr(d.f.path, p+"/mask", ErrEncoding, "mask of type "+m.Type.String()+", not bool", "", nil)
		}
		if len(mask) != c.Values.Len() {
			return nil, bad("mask has %d entries, values %d", len(mask), c.Values.Len())
		}
		c.Mask = mask
		switch {
		case enc == EncNullableInt && c.Values.Type.Class != hdf5.ClassInt && c.Values.Type.Class != hdf5.ClassUint,
			enc == EncNullableBool && c.Values.Type.Class != hdf5.ClassBool:
			return nil, elemErr(d.f.path, p+"/values", ErrEncoding, string(enc)+" values of type "+c.Values.Type.String(), "", nil)
		}
	default:
		return nil, elemErr(d.f.path, p, ErrEncoding, fmt.Sprintf("encoding-type %q is not a dataframe column", enc), "", nil)
	}
	if c.Values.Len() != d.Len {
		return nil, bad("column has %d entries, the dataframe %d", c.Values.Len(), d.Len)
	}
	return c, nil
}

// checkCodes checks categorical codes: -1 (missing) or a category index.
func checkCodes(codes []int64, ncat int) error {
	for i, v := range codes {
		if v < -1 || v >= int64(ncat) {
			return fmt.Errorf("code %d at row %d outside the %d categories", v, i, ncat)
		}
	}
	return nil
}

// Len is the number of entries.
func (c *Column) Len() int { return c.Values.Len() }

// IsNull reports a missing entry (nullable mask, categorical code -1).
func (c *Column) IsNull(i int) bool {
	if c.Mask != nil {
		return c.Mask[i]
	}
	if c.Encoding == EncCategorical {
		v, _ := c.Values.Int64s()
		return v[i] < 0
	}
	return false
}

// Codes returns a categorical column's codes (-1 = missing).
func (c *Column) Codes() []int64 {
	v, _ := c.Values.Int64s()
	return v
}

// Strings renders each entry as text: categories for categoricals, "" for
// missing entries, numbers in their shortest exact form.
func (c *Column) Strings() []string {
	if c.Encoding == EncCategorical {
		cats := c.Categories.Strings()
		codes := c.Codes()
		out := make([]string, len(codes))
		for i, v := range codes {
			if v >= 0 {
				out[i] = cats[v]
			}
		}
		return out
	}
	var out []string
	if c.Values.Type.Class == hdf5.ClassFloat && c.Values.Type.Size == 4 {
		f := c.Values.Data.([]float32)
		out = make([]string, len(f))
		for i, v := range f {
			out[i] = strconv.FormatFloat(float64(v), 'g', -1, 32)
		}
	} else {
		out = append([]string(nil), c.Values.Strings()...)
	}
	for i := range out {
		if c.Mask != nil && c.Mask[i] {
			out[i] = ""
		}
	}
	return out
}

// PandasDType is the dtype pandas gives the column after
// anndata.read_h5ad: "category", "Int64"/"UInt8"/..., "boolean",
// "object" for strings, or the numpy name (int64, float32, bool).
func (c *Column) PandasDType() string {
	switch c.Encoding {
	case EncCategorical:
		return "category"
	case EncNullableInt:
		s := c.Values.Type.String()
		return strings.ToUpper(s[:1]) + s[1:]
	case EncNullableBool:
		return "boolean"
	case EncNullableString:
		return "string"
	case EncStringArray:
		return "object"
	}
	return c.Values.Type.String()
}
