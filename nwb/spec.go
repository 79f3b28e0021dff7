package nwb

import (
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc/formats/hdf5"
)

// Namespace is one cached NWB namespace (core, hdmf-common, an extension).
type Namespace struct {
	Name     string
	Version  string
	FullName string
	Doc      string
	// Includes are the namespaces this one builds on ({"namespace": ...}
	// entries of its schema list).
	Includes []string
	// Sources are the schema sources in namespace order.
	Sources []*SpecSource
}

// SpecSource is one schema file of a namespace (e.g. nwb.ecephys).
type SpecSource struct {
	Name     string
	Groups   []*Spec
	Datasets []*Spec
}

// Spec is a group, dataset, attribute or link of the NWB specification
// language (one struct for all four; Kind tells which).
type Spec struct {
	Kind         string // "group", "dataset", "attribute", "link"
	TypeDef      string // neurodata_type_def / data_type_def
	TypeInc      string // neurodata_type_inc / data_type_inc
	Name         string
	DefaultName  string
	Doc          string
	Quantity     string // "1" (default), "?", "*", "+", or a number
	Required     bool   // attributes: required (default true)
	Dtype        Dtype
	Dims         [][]string // alternatives of dimension names
	Shape        [][]int    // alternatives of sizes, -1 for any
	Value        any        // fixed value
	DefaultValue any
	TargetType   string // links
	Attributes   []*Spec
	Datasets     []*Spec
	Groups       []*Spec
	Links        []*Spec
}

// Dtype is a spec dtype: a simple name, a reference, or a compound.
type Dtype struct {
	Name     string   // "float32", "text", ... ("" when unspecified)
	Ref      string   // target type of a reference dtype
	RefKind  string   // "object" or "region"
	Compound []*Field // compound members
}

// Field is one member of a compound dtype.
type Field struct {
	Name, Doc string
	Dtype     Dtype
}

func (d Dtype) String() string {
	switch {
	case d.Ref != "":
		return d.RefKind + "-ref(" + d.Ref + ")"
	case d.Compound != nil:
		parts := make([]string, len(d.Compound))
		for i, f := range d.Compound {
			parts[i] = f.Name + " " + f.Dtype.String()
		}
		return "compound{" + strings.Join(parts, ", ") + "}"
	}
	return d.Name
}

// Namespaces reads the specifications cached under /specifications. For a
// namespace cached in several versions all are returned, newest first.
func (f *File) Namespaces() ([]*Namespace, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.nsCache != nil {
		return f.nsCache, nil
	}
	h := f.H5
	if !h.Exists("/specifications") {
		f.nsCache = []*Namespace{}
		return f.nsCache, nil
	}
	root, err := h.Group("/specifications")
	if err != nil {
		return nil, err
	}
	nss, err := root.Members()
	if err != nil {
		return nil, err
	}
	var out []*Namespace
	for _, nm := range nss {
		if nm.Type != hdf5.TypeGroup {
			continue
		}
		vg, err := h.Group(nm.Path)
		if err != nil {
			return nil, err
		}
		vers, err := vg.Members()
		if err != nil {
			return nil, err
		}
		sort.Slice(vers, func(i, j int) bool { return versionLess(vers[j].Name, vers[i].Name) })
		for _, v := range vers {
			ns, err := f.readNamespace(v.Path)
			if err != nil {
				return nil, err
			}
			if ns.Name == "" {
				ns.Name = nm.Name
			}
			if ns.Version == "" {
				ns.Version = v.Name
			}
			out = append(out, ns)
		}
	}
	f.nsCache = out
	return out, nil
}

// Namespace returns the newest cached version of a namespace.
func (f *File) Namespace(name string) (*Namespace, error) {
	nss, err := f.Namespaces()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, ns := range nss {
		if ns.Name == name {
			return ns, nil
		}
		names = append(names, ns.Name)
	}
	return nil, errAt("read nwb spec", f.Path, "/specifications/"+name, ErrNoSpec,
		fmt.Sprintf("namespace %q is not cached in the file", name), "cached namespaces: "+strings.Join(names, ", "), nil)
}

func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, e1 := strconv.Atoi(pa[i])
		y, e2 := strconv.Atoi(pb[i])
		if e1 == nil && e2 == nil && x != y {
			return x < y
		}
		if (e1 != nil || e2 != nil) && pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	return len(pa) < len(pb)
}

func (f *File) readJSON(p string) (map[string]any, error) {
	d, err := f.H5.Dataset(p)
	if err != nil {
		return nil, err
	}
	a, err := d.Read()
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(a.String()), &m); err != nil {
		return nil, errAt("read nwb spec", f.Path, p, ErrNoSpec, "cached specification is not valid JSON", "", err)
	}
	return m, nil
}

func (f *File) readNamespace(dir string) (*Namespace, error) {
	m, err := f.readJSON(path.Join(dir, "namespace"))
	if err != nil {
		return nil, err
	}
	list, _ := m["namespaces"].([]any)
	if len(list) == 0 {
		return nil, errAt("read nwb spec", f.Path, path.Join(dir, "namespace"), ErrNoSpec, "namespace document lists no namespaces", "", nil)
	}
	nm, _ := list[0].(map[string]any)
	ns := &Namespace{Name: str(nm["name"]), Version: str(nm["version"]), FullName: str(nm["full_name"]), Doc: str(nm["doc"])}
	schema, _ := nm["schema"].([]any)
	for _, s := range schema {
		sm, _ := s.(map[string]any)
		if inc := str(sm["namespace"]); inc != "" {
			ns.Includes = append(ns.Includes, inc)
			continue
		}
		src := str(sm["source"])
		if src == "" {
			continue
		}
		name := strings.TrimSuffix(strings.TrimSuffix(src, ".yaml"), ".yml")
		p := path.Join(dir, name)
		if !f.H5.Exists(p) {
			return nil, errAt("read nwb spec", f.Path, p, ErrNoSpec,
				fmt.Sprintf("namespace %s lists source %q but the file does not cache it", ns.Name, src), "", nil)
		}
		doc, err := f.readJSON(p)
		if err != nil {
			return nil, err
		}
		ss := &SpecSource{Name: name}
		for _, g := range list2(doc["groups"]) {
			ss.Groups = append(ss.Groups, parseSpec("group", g))
		}
		for _, d := range list2(doc["datasets"]) {
			ss.Datasets = append(ss.Datasets, parseSpec("dataset", d))
		}
		ns.Sources = append(ns.Sources, ss)
	}
	return ns, nil
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

func list2(v any) []map[string]any {
	l, _ := v.([]any)
	out := make([]map[string]any, 0, len(l))
	for _, x := range l {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func parseSpec(kind string, m map[string]any) *Spec {
	s := &Spec{Kind: kind, Name: str(m["name"]), DefaultName: str(m["default_name"]), Doc: str(m["doc"]),
		Value: m["value"], DefaultValue: m["default_value"], TargetType: str(m["target_type"]), Quantity: "1", Required: true}
	s.TypeDef = str(m["neurodata_type_def"])
	if s.TypeDef == "" {
		s.TypeDef = str(m["data_type_def"])
	}
	s.TypeInc = str(m["neurodata_type_inc"])
	if s.TypeInc == "" {
		s.TypeInc = str(m["data_type_inc"])
	}
	if q, ok := m["quantity"]; ok {
		s.Quantity = str(q)
		switch s.Quantity {
		case "zero_or_one":
			s.Quantity = "?"
		case "zero_or_many":
			s.Quantity = "*"
		case "one_or_many":
			s.Quantity = "+"
		}
	}
	if r, ok := m["required"].(bool); ok {
		s.Required = r
	}
	s.Dtype = parseDtype(m["dtype"])
	s.Dims, s.Shape = parseDims(m["dims"], m["shape"])
	for _, a := range list2(m["attributes"]) {
		s.Attributes = append(s.Attributes, parseSpec("attribute", a))
	}
	for _, d := range list2(m["datasets"]) {
		s.Datasets = append(s.Datasets, parseSpec("dataset", d))
	}
	for _, g := range list2(m["groups"]) {
		s.Groups = append(s.Groups, parseSpec("group", g))
	}
	for _, l := range list2(m["links"]) {
		s.Links = append(s.Links, parseSpec("link", l))
	}
	return s
}

func parseDtype(v any) Dtype {
	switch x := v.(type) {
	case string:
		return Dtype{Name: x}
	case map[string]any:
		rk := str(x["reftype"])
		switch rk {
		case "ref", "reference", "object", "":
			rk = "object"
		default:
			rk = "region"
		}
		return Dtype{Ref: str(x["target_type"]), RefKind: rk}
	case []any:
		d := Dtype{Compound: []*Field{}}
		for _, fm := range list2(x) {
			d.Compound = append(d.Compound, &Field{Name: str(fm["name"]), Doc: str(fm["doc"]), Dtype: parseDtype(fm["dtype"])})
		}
		return d
	}
	return Dtype{}
}

// parseDims normalizes dims/shape to lists of alternatives.
func parseDims(dims, shape any) ([][]string, [][]int) {
	dl, _ := dims.([]any)
	sl, _ := shape.([]any)
	if len(dl) == 0 && len(sl) == 0 {
		return nil, nil
	}
	nested := func(l []any) bool {
		for _, x := range l {
			if _, ok := x.([]any); ok {
				return true
			}
		}
		return false
	}
	var altsD [][]any
	var altsS [][]any
	if nested(dl) || (len(dl) == 0 && nested(sl)) || nested(sl) {
		for _, x := range dl {
			l, _ := x.([]any)
			altsD = append(altsD, l)
		}
		for _, x := range sl {
			l, _ := x.([]any)
			altsS = append(altsS, l)
		}
	} else {
		altsD = [][]any{dl}
		altsS = [][]any{sl}
	}
	n := max(len(altsD), len(altsS))
	outD := make([][]string, n)
	outS := make([][]int, n)
	for i := 0; i < n; i++ {
		var d, s []any
		if i < len(altsD) {
			d = altsD[i]
		}
		if i < len(altsS) {
			s = altsS[i]
		}
		rank := max(len(d), len(s))
		outD[i] = make([]string, rank)
		outS[i] = make([]int, rank)
		for k := 0; k < rank; k++ {
			if k < len(d) {
				outD[i][k] = str(d[k])
			}
			if outD[i][k] == "" {
				outD[i][k] = fmt.Sprintf("dim%d", k)
			}
			outS[i][k] = -1
			if k < len(s) {
				if v, ok := s[k].(float64); ok {
					outS[i][k] = int(v)
				}
			}
		}
	}
	return outD, outS
}

// TypeIndex maps (namespace, type) to its definition for every namespace
// cached in a file.
type TypeIndex struct {
	defs map[string]map[string]*Spec // namespace -> type -> spec
	ns   map[string]*Namespace
}

// Types indexes the neurodata types every cached namespace defines.
func (f *File) Types() (*TypeIndex, error) {
	nss, err := f.Namespaces()
	if err != nil {
		return nil, err
	}
	ti := &TypeIndex{defs: map[string]map[string]*Spec{}, ns: map[string]*Namespace{}}
	for _, ns := range nss {
		if _, seen := ti.ns[ns.Name]; seen {
			continue // an older version
		}
		ti.ns[ns.Name] = ns
		m := map[string]*Spec{}
		for _, src := range ns.Sources {
			for _, s := range append(append([]*Spec{}, src.Groups...), src.Datasets...) {
				collectDefs(s, m)
			}
		}
		ti.defs[ns.Name] = m
	}
	return ti, nil
}

func collectDefs(s *Spec, m map[string]*Spec) {
	if s.TypeDef != "" {
		m[s.TypeDef] = s
	}
	for _, c := range s.Groups {
		collectDefs(c, m)
	}
	for _, c := range s.Datasets {
		collectDefs(c, m)
	}
}

// Lookup returns the spec of a type in a namespace (or in any namespace
// the namespace includes).
func (ti *TypeIndex) Lookup(namespace, typ string) (*Spec, bool) {
	seen := map[string]bool{}
	var look func(ns string) (*Spec, bool)
	look = func(ns string) (*Spec, bool) {
		if seen[ns] {
			return nil, false
		}
		seen[ns] = true
		if s, ok := ti.defs[ns][typ]; ok {
			return s, true
		}
		if n := ti.ns[ns]; n != nil {
			for _, inc := range n.Includes {
				if s, ok := look(inc); ok {
					return s, true
				}
			}
		}
		return nil, false
	}
	return look(namespace)
}

// Has reports whether a namespace is cached.
func (ti *TypeIndex) Has(namespace string) bool { _, ok := ti.ns[namespace]; return ok }

// Parent returns the type's neurodata_type_inc.
func (ti *TypeIndex) Parent(namespace, typ string) string {
	if s, ok := ti.Lookup(namespace, typ); ok {
		return s.TypeInc
	}
	return ""
}

// IsA reports whether typ is anc or inherits from it (searching all cached
// namespaces, since type names are unique across the NWB ecosystem).
func (ti *TypeIndex) IsA(typ, anc string) bool {
	for i := 0; i < 64 && typ != ""; i++ {
		if typ == anc {
			return true
		}
		next := ""
		for _, m := range ti.defs {
			if s, ok := m[typ]; ok {
				next = s.TypeInc
				break
			}
		}
		typ = next
	}
	return false
}
