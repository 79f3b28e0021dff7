package nwb

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/ccc-connectivity/ccc/formats/hdf5"
)

// File is an open NWB file.
type File struct {
	Path    string
	H5      *hdf5.File
	Version string // nwb_version of the root group

	mu      sync.Mutex // guards the caches below (a File may be shared by goroutines)
	nsCache []*Namespace
	tree    *Node
}

// Open opens an NWB file read-only. It reads the root attributes only. A
// file that is not HDF5 gives hdf5.ErrNotHDF5 / hdf5.ErrCorrupt, an HDF5
// file that is not NWB gives ErrNotNWB.
func Open(p string) (*File, error) {
	h, err := hdf5.Open(p)
	if err != nil {
		return nil, err
	}
	root := h.Root()
	ver := ""
	if root.HasAttr("nwb_version") {
		ver, _ = root.AttrString("nwb_version")
	}
	typ := ""
	if root.HasAttr("neurodata_type") {
		typ, _ = root.AttrString("neurodata_type")
	}
	if ver == "" && typ != "NWBFile" {
		if ver == "" && h.Exists("/nwb_version") { // NWB 1.x kept it as a dataset
			v := ""
			if d, err := h.Dataset("/nwb_version"); err == nil {
				if a, err := d.Read(); err == nil {
					v = a.String()
				}
			}
			h.Close()
			return nil, errAt("open nwb", p, "/nwb_version", ErrNotNWB,
				fmt.Sprintf("NWB 1.x file (version %q): only NWB 2.x is supported", v), "convert it with the NWB 1-to-2 converter", nil)
		}
		h.Close()
		return nil, errAt("open nwb", p, "/", ErrNotNWB, "HDF5 file is not NWB: the root group has no nwb_version attribute and no neurodata_type NWBFile", "", nil)
	}
	return &File{Path: p, H5: h, Version: ver}, nil
}

// Close closes the file.
func (f *File) Close() error { return f.H5.Close() }

// Node is one object in the file's tree.
type Node struct {
	Path          string  `json:"path"`
	Name          string  `json:"name"`
	Group         bool    `json:"group"`
	NeurodataType string  `json:"neurodata_type,omitempty"`
	Namespace     string  `json:"namespace,omitempty"`
	Link          string  `json:"link,omitempty"` // soft link target
	Shape         []int   `json:"shape,omitempty"`
	DType         string  `json:"dtype,omitempty"`
	Chunks        []int   `json:"chunks,omitempty"`
	Children      []*Node `json:"children,omitempty"`
}

// Tree reads the metadata of every object below p (not /specifications):
// neurodata types, dataset shapes and dtypes, soft links. The tree of "/"
// is read once per File and shared: do not modify it.
func (f *File) Tree(p string) (*Node, error) {
	if p == "/" {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.tree != nil {
			return f.tree, nil
		}
		n, err := f.readTree(p)
		if err == nil {
			f.tree = n
		}
		return n, err
	}
	return f.readTree(p)
}

func (f *File) readTree(p string) (*Node, error) {
	typ, err := f.H5.TypeOf(p)
	if err != nil {
		return nil, err
	}
	n := &Node{Path: p, Name: baseName(p), Group: typ == hdf5.TypeGroup}
	if err := f.fill(n, map[uint64]bool{}, 0); err != nil {
		return nil, err
	}
	return n, nil
}

func baseName(p string) string {
	if p == "/" {
		return "/"
	}
	return p[strings.LastIndexByte(p, '/')+1:]
}

func (f *File) fill(n *Node, seen map[uint64]bool, depth int) error {
	if depth > 256 {
		return errAt("read nwb", f.Path, n.Path, ErrBadTable, "groups nested more than 256 deep", "", nil)
	}
	ty, ns := f.typeOf(n.Path)
	n.NeurodataType, n.Namespace = ty, ns
	if !n.Group {
		d, err := f.H5.Dataset(n.Path)
		if err != nil {
			return err
		}
		n.Shape, n.DType, n.Chunks = d.Shape, d.Type.String(), d.Chunks
		return nil
	}
	g, err := f.H5.Group(n.Path)
	if err != nil {
		return err
	}
	ms, err := g.Members()
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Path == "/specifications" {
			continue
		}
		c := &Node{Path: m.Path, Name: m.Name, Group: m.Type == hdf5.TypeGroup}
		if m.Link == hdf5.LinkSoft || m.Link == hdf5.LinkExternal || (c.Group && seen[m.Addr]) {
			if c.Group && m.Link == hdf5.LinkHard {
				c.Link = "(hard link to an object seen before)"
				n.Children = append(n.Children, c)
				continue
			}
			c.Link = m.Target
			if m.Link == hdf5.LinkExternal {
				c.Link = "(external)"
			}
			n.Children = append(n.Children, c)
			continue
		}
		if c.Group {
			seen[m.Addr] = true
		}
		if err := f.fill(c, seen, depth+1); err != nil {
			return err
		}
		n.Children = append(n.Children, c)
	}
	return nil
}

// typeOf returns an object's neurodata_type and namespace attributes.
func (f *File) typeOf(p string) (typ, ns string) {
	o, err := f.object(p)
	if err != nil {
		return "", ""
	}
	if o.HasAttr("neurodata_type") {
		typ, _ = o.AttrString("neurodata_type")
	}
	if o.HasAttr("namespace") {
		ns, _ = o.AttrString("namespace")
	}
	return typ, ns
}

type attrObject interface {
	HasAttr(string) bool
	Attr(string) (*hdf5.Array, error)
	AttrString(string) (string, error)
	AttrNames() ([]string, error)
}

func (f *File) object(p string) (attrObject, error) {
	t, err := f.H5.TypeOf(p)
	if err != nil {
		return nil, err
	}
	if t == hdf5.TypeGroup {
		return f.H5.Group(p)
	}
	return f.H5.Dataset(p)
}

// Walk calls fn for every node of the tree, depth first.
func (n *Node) Walk(fn func(*Node)) {
	fn(n)
	for _, c := range n.Children {
		c.Walk(fn)
	}
}

// builtinNamespaces are namespaces every NWB reader knows; a file that
// caches no specifications at all may use their types.
var builtinNamespaces = map[string]bool{"core": true, "hdmf-common": true, "hdmf-experimental": true}

// CheckTypes verifies that every object's neurodata_type is defined by a
// specification cached in the file (or, for files without any cached
// specification, belongs to a built-in namespace). All problems are
// reported at once, each naming the path inside the file.
func (f *File) CheckTypes() error {
	ti, err := f.Types()
	if err != nil {
		return err
	}
	noSpecs := len(ti.ns) == 0
	tree, err := f.Tree("/")
	if err != nil {
		return err
	}
	var errs []error
	tree.Walk(func(n *Node) {
		if n.NeurodataType == "" || n.Link != "" {
			return
		}
		ns := n.Namespace
		switch {
		case ns == "":
			errs = append(errs, errAt("check nwb types", f.Path, n.Path, ErrUnknownType,
				fmt.Sprintf("neurodata_type %q without a namespace attribute", n.NeurodataType), "", nil))
		case !ti.Has(ns):
			if noSpecs && builtinNamespaces[ns] {
				return
			}
			errs = append(errs, errAt("check nwb types", f.Path, n.Path, ErrUnknownType,
				fmt.Sprintf("neurodata_type %q of namespace %q, but the file caches no specification for %q", n.NeurodataType, ns, ns),
				"write the file with the extension's specification cached (pynwb: NWBHDF5IO.write(..., cache_spec=True))", nil))
		default:
			if _, ok := ti.Lookup(ns, n.NeurodataType); !ok {
				errs = append(errs, errAt("check nwb types", f.Path, n.Path, ErrUnknownType,
					fmt.Sprintf("neurodata_type %q is not defined in the cached namespace %s %s", n.NeurodataType, ns, ti.ns[ns].Version), "", nil))
			}
		}
	})
	return errors.Join(errs...)
}

// Info is a session summary.
type Info struct {
	Path                    string            `json:"path"`
	NWBVersion              string            `json:"nwb_version"`
	Identifier              string            `json:"identifier"`
	SessionDescription      string            `json:"session_description"`
	SessionStartTime        string            `json:"session_start_time"`
	TimestampsReferenceTime string            `json:"timestamps_reference_time,omitempty"`
	FileCreateDate          []string          `json:"file_create_date,omitempty"`
	General                 map[string]string `json:"general,omitempty"` // institution, session_id, lab, ...
	Subject                 map[string]string `json:"subject,omitempty"`
	Devices                 []Component       `json:"devices,omitempty"`
	ElectrodeGroups         []Component       `json:"electrode_groups,omitempty"`
	Namespaces              []NamespaceInfo   `json:"namespaces"`
	Tables                  []TableInfo       `json:"tables,omitempty"`
	Tree                    *Node             `json:"tree"`
}

// Component is a device or electrode group: its type and attributes.
type Component struct {
	Name          string            `json:"name"`
	Path          string            `json:"path"`
	NeurodataType string            `json:"neurodata_type,omitempty"`
	Attrs         map[string]string `json:"attributes,omitempty"`
	Device        string            `json:"device,omitempty"`
}

// NamespaceInfo names a cached namespace.
type NamespaceInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// TableInfo summarizes a DynamicTable.
type TableInfo struct {
	Path          string   `json:"path"`
	NeurodataType string   `json:"neurodata_type"`
	Rows          int      `json:"rows"`
	Columns       []string `json:"columns"`
	Error         string   `json:"error,omitempty"` // why the table cannot be read
}

// Info reads the session summary: root datasets, /general, subject,
// devices, electrode groups, cached namespaces, DynamicTables and the tree.
func (f *File) Info() (*Info, error) {
	in := &Info{Path: f.Path, NWBVersion: f.Version, General: map[string]string{}}
	in.Identifier = f.scalarString("/identifier")
	in.SessionDescription = f.scalarString("/session_description")
	in.SessionStartTime = f.scalarString("/session_start_time")
	in.TimestampsReferenceTime = f.scalarString("/timestamps_reference_time")
	if d, err := f.H5.Dataset("/file_create_date"); err == nil {
		if a, err := d.Read(); err == nil {
			in.FileCreateDate = a.Strings()
		}
	}
	if g, err := f.H5.Group("/general"); err == nil {
		ms, _ := g.Members()
		for _, m := range ms {
			if m.Type == hdf5.TypeDataset && m.Link == hdf5.LinkHard {
				in.General[m.Name] = strings.Join(f.strings(m.Path), "; ")
			}
		}
	}
	if f.H5.Exists("/general/subject") {
		in.Subject = map[string]string{}
		g, _ := f.H5.Group("/general/subject")
		ms, _ := g.Members()
		for _, m := range ms {
			if m.Type == hdf5.TypeDataset {
				in.Subject[m.Name] = strings.Join(f.strings(m.Path), "; ")
			}
		}
		for k, v := range f.attrs("/general/subject") {
			in.Subject[k] = v
		}
	}
	in.Devices = f.components("/general/devices")
	in.ElectrodeGroups = f.components("/general/extracellular_ephys")
	nss, err := f.Namespaces()
	if err != nil {
		return nil, err
	}
	for _, ns := range nss {
		in.Namespaces = append(in.Namespaces, NamespaceInfo{ns.Name, ns.Version})
	}
	tree, err := f.Tree("/")
	if err != nil {
		return nil, err
	}
	in.Tree = tree
	var tables []string
	tree.Walk(func(n *Node) {
		if n.Group && n.Link == "" && IsTableNode(n) {
			tables = append(tables, n.Path)
		}
	})
	for _, p := range tables {
		t, err := f.Table(p)
		if err != nil {
			// an inconsistent table is reported, not fatal for the summary
			ty, _ := f.typeOf(p)
			in.Tables = append(in.Tables, TableInfo{Path: p, NeurodataType: ty, Error: firstLine(err.Error())})
			continue
		}
		in.Tables = append(in.Tables, TableInfo{Path: p, NeurodataType: t.NeurodataType, Rows: t.Rows, Columns: t.ColumnNames()})
	}
	return in, nil
}

// IsTableNode reports whether a tree node looks like a DynamicTable (an id
// dataset of ElementIdentifiers, or a colnames attribute with an id).
func IsTableNode(n *Node) bool {
	for _, c := range n.Children {
		if c.Name == "id" && !c.Group && (c.NeurodataType == "ElementIdentifiers" || c.NeurodataType == "") && len(c.Shape) == 1 {
			return n.NeurodataType != "" || c.NeurodataType == "ElementIdentifiers"
		}
	}
	return false
}

func (f *File) scalarString(p string) string {
	s := f.strings(p)
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func (f *File) strings(p string) []string {
	d, err := f.H5.Dataset(p)
	if err != nil {
		return nil
	}
	if d.Len() > 1000 {
		return []string{fmt.Sprintf("<%s %v>", d.Type, d.Shape)}
	}
	a, err := d.Read()
	if err != nil {
		return nil
	}
	return a.Strings()
}

// attrs reads an object's attributes as strings, without the bookkeeping
// ones (namespace, neurodata_type, object_id).
func (f *File) attrs(p string) map[string]string {
	o, err := f.object(p)
	if err != nil {
		return nil
	}
	names, _ := o.AttrNames()
	out := map[string]string{}
	for _, n := range names {
		switch n {
		case "namespace", "neurodata_type", "object_id", ".specloc":
			continue
		}
		a, err := o.Attr(n)
		if err != nil {
			continue
		}
		out[n] = strings.Join(a.Strings(), ", ")
	}
	return out
}

func (f *File) components(dir string) []Component {
	g, err := f.H5.Group(dir)
	if err != nil {
		return nil
	}
	ms, _ := g.Members()
	var out []Component
	for _, m := range ms {
		if m.Type != hdf5.TypeGroup || m.Link != hdf5.LinkHard {
			continue
		}
		ty, _ := f.typeOf(m.Path)
		if ty == "" || ty == "DynamicTable" {
			continue
		}
		c := Component{Name: m.Name, Path: m.Path, NeurodataType: ty, Attrs: f.attrs(m.Path)}
		if sub, err := f.H5.Group(m.Path); err == nil {
			sm, _ := sub.Members()
			for _, s := range sm {
				if s.Name == "device" && s.Link == hdf5.LinkSoft {
					c.Device = s.Target
				}
			}
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
