package anndata

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/ccc-connectivity/ccc/formats/hdf5"
)

// File is an open .h5ad file. Only the root attributes and the obs/var
// lengths are read by Open; everything else when asked for.
type File struct {
	h5    *hdf5.File
	path  string
	nObs  int
	nVars int
}

// Open opens an .h5ad file read-only and checks its top level: root
// encoding (when present) "anndata", obs and var dataframes, and X (when
// present) of shape n_obs x n_vars. A file without X is valid AnnData
// (X=None): X then returns ErrNoElement.
func Open(p string) (*File, error) {
	h, err := hdf5.Open(p)
	if err != nil {
		return nil, err
	}
	f := &File{h5: h, path: p}
	if err := f.checkTop(); err != nil {
		h.Close()
		return nil, err
	}
	return f, nil
}

func (f *File) checkTop() error {
	root := f.h5.Root()
	et, ev := attrStr(root, "encoding-type"), attrStr(root, "encoding-version")
	if et != "" {
		enc, err := ParseEncoding(et, ev, true)
		if err != nil {
			return elemErr(f.path, "/", ErrEncoding, err.Error(), "write the file with anndata >= 0.8 (adata.write_h5ad)", nil)
		}
		if enc != EncAnnData {
			return elemErr(f.path, "/", ErrNotAnnData, fmt.Sprintf("root encoding-type is %q, not \"anndata\"", et), "", nil)
		}
	}
	for _, g := range []string{"/obs", "/var"} {
		if !f.h5.Exists(g) {
			return elemErr(f.path, g, ErrNotAnnData, "missing "+g[1:]+" dataframe: not an AnnData file",
				"pass an .h5ad written by anndata (adata.write_h5ad)", nil)
		}
	}
	obs, err := f.frame("/obs", -1)
	if err != nil {
		return err
	}
	vr, err := f.frame("/var", -1)
	if err != nil {
		return err
	}
	f.nObs, f.nVars = obs.Len, vr.Len
	if f.h5.Exists("/X") {
		if _, err := f.matrix("/X", true); err != nil {
			return err
		}
	}
	return nil
}

// Close releases the file.
func (f *File) Close() error { return f.h5.Close() }

// Path returns the file's path.
func (f *File) Path() string { return f.path }

// Shape returns (n_obs, n_vars).
func (f *File) Shape() (int, int) { return f.nObs, f.nVars }

// HDF5 returns the underlying HDF5 file.
func (f *File) HDF5() *hdf5.File { return f.h5 }

// attrObj is what groups and datasets share for attributes.
type attrObj interface {
	HasAttr(string) bool
	Attr(string) (*hdf5.Array, error)
}

// attrStr reads a string attribute ("" when absent or unreadable).
func attrStr(o attrObj, name string) string {
	if !o.HasAttr(name) {
		return ""
	}
	a, err := o.Attr(name)
	if err != nil {
		return ""
	}
	if s, ok := a.Data.([]string); ok && len(s) > 0 {
		return s[0]
	}
	return ""
}

// element resolves p and checks its encoding; the returned group or
// dataset is the element itself.
func (f *File) element(p string) (Encoding, *hdf5.Group, *hdf5.Dataset, error) {
	t, err := f.h5.TypeOf(p)
	if err != nil {
		if errors.Is(err, hdf5.ErrNoObject) {
			return "", nil, nil, elemErr(f.path, p, ErrNoElement, "no such element", "", nil)
		}
		return "", nil, nil, err
	}
	var obj attrObj
	var g *hdf5.Group
	var d *hdf5.Dataset
	switch t {
	case hdf5.TypeGroup:
		if g, err = f.h5.Group(p); err != nil {
			return "", nil, nil, err
		}
		obj = g
	case hdf5.TypeDataset:
		if d, err = f.h5.Dataset(p); err != nil {
			return "", nil, nil, err
		}
		obj = d
	default:
		return "", nil, nil, elemErr(f.path, p, ErrEncoding, "element is a "+t.String()+", not a group or dataset", "", nil)
	}
	enc, err := ParseEncoding(attrStr(obj, "encoding-type"), attrStr(obj, "encoding-version"), g != nil)
	if err != nil {
		return "", nil, nil, elemErr(f.path, p, ErrEncoding, err.Error(),
			"convert or drop the element with anndata, or ask ccc to read it", nil)
	}
	return enc, g, d, nil
}

// keys lists the members of a dict group (layers, obsm), sorted; a missing
// group has none.
func (f *File) keys(p string) ([]string, error) {
	if !f.h5.Exists(p) {
		return nil, nil
	}
	enc, g, _, err := f.element(p)
	if err != nil {
		return nil, err
	}
	if enc != EncDict {
		return nil, elemErr(f.path, p, ErrEncoding, fmt.Sprintf("encoding-type %q where a dict is expected", enc), "", nil)
	}
	ms, err := g.Members()
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.Name)
	}
	sort.Strings(out)
	return out, nil
}

// X returns the main matrix (ErrNoElement when the file has no X).
func (f *File) X() (*Matrix, error) {
	if !f.h5.Exists("/X") {
		return nil, elemErr(f.path, "/X", ErrNoElement, "the file has no X matrix",
			"the AnnData object was written with X=None; choose a layer with --layer", nil)
	}
	return f.matrix("/X", true)
}

// LayerNames lists the layers.
func (f *File) LayerNames() ([]string, error) { return f.keys("/layers") }

// Layer returns layers/name (n_obs x n_vars).
func (f *File) Layer(name string) (*Matrix, error) {
	if err := validKey(f.path, "layers", name); err != nil {
		return nil, err
	}
	p := "/layers/" + name
	if !f.h5.Exists(p) {
		names, _ := f.LayerNames()
		return nil, elemErr(f.path, p, ErrNoElement, fmt.Sprintf("no layer %q (layers: %v)", name, names), "", nil)
	}
	return f.matrix(p, true)
}

// ObsmNames lists the obsm keys.
func (f *File) ObsmNames() ([]string, error) { return f.keys("/obsm") }

// Obsm returns obsm/name, a matrix with n_obs rows.
func (f *File) Obsm(name string) (*Matrix, error) {
	if err := validKey(f.path, "obsm", name); err != nil {
		return nil, err
	}
	p := "/obsm/" + name
	if !f.h5.Exists(p) {
		names, _ := f.ObsmNames()
		return nil, elemErr(f.path, p, ErrNoElement, fmt.Sprintf("no obsm key %q (obsm: %v)", name, names), "", nil)
	}
	m, err := f.matrix(p, false)
	if err != nil {
		return nil, err
	}
	if m.Shape[0] != f.nObs {
		return nil, elemErr(f.path, p, ErrShape, fmt.Sprintf("obsm array has %d rows, obs has %d", m.Shape[0], f.nObs), "", nil)
	}
	return m, nil
}

// HasRaw reports whether the file has a raw (raw/X and raw/var).
func (f *File) HasRaw() bool { return f.h5.Exists("/raw") }

// RawX returns raw/X (n_obs x len(raw/var)).
func (f *File) RawX() (*Matrix, error) {
	rv, err := f.RawVar()
	if err != nil {
		return nil, err
	}
	m, err := f.matrix("/raw/X", false)
	if err != nil {
		return nil, err
	}
	if m.Shape != [2]int{f.nObs, rv.Len} {
		return nil, elemErr(f.path, "/raw/X", ErrShape, fmt.Sprintf("raw/X has shape %v, expected (n_obs=%d, len(raw/var)=%d)", m.Shape, f.nObs, rv.Len), "", nil)
	}
	return m, nil
}

// Obs returns the obs dataframe (n_obs rows).
func (f *File) Obs() (*DataFrame, error) { return f.frame("/obs", f.nObs) }

// Var returns the var dataframe (n_vars rows).
func (f *File) Var() (*DataFrame, error) { return f.frame("/var", f.nVars) }

// RawVar returns raw/var.
func (f *File) RawVar() (*DataFrame, error) {
	if !f.HasRaw() {
		return nil, elemErr(f.path, "/raw", ErrNoElement, "the file has no raw", "", nil)
	}
	return f.frame("/raw/var", -1)
}

// validKey refuses names that would address another element.
func validKey(file, dict, name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return elemErr(file, "/"+dict, ErrNoElement, fmt.Sprintf("invalid %s key %q", dict, name), "give the key as listed by anndata (adata."+dict+".keys())", nil)
	}
	return nil
}
