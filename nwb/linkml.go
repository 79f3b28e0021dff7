package nwb

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

// The NWB schema language maps onto LinkML like this (the idea of
// nwb-linkml, reimplemented):
//
//	neurodata_type_def T, neurodata_type_inc P   class T, is_a P
//	attribute a (dtype, required, value)          slot a: range dtype, required, equals_string/ifabsent
//	dataset d of a group, plain array             slot d: range dtype, array: dimensions from dims/shape
//	dataset or group with attributes/children     nested class Parent__d, slot d: range it, inlined
//	member including a type (neurodata_type_inc)  slot: range that class, inlined
//	unnamed member (quantity * or +)              slot named after the type, multivalued
//	link to target_type                           slot: range target class, inlined: false
//	reference dtype {target_type}                 range target class, inlined: false
//	compound dtype                                class T__row with one slot per field; value: multivalued
//	quantity ? / * / + / 1                        required and multivalued accordingly
//	dims/shape alternatives                       any_of: [{array: ...}, ...]
//	the value of a typed dataset                  slot value (range dtype, array)
//
// Classes without is_a get an identifier slot "name" (the HDF5 object
// name), so that links and references can point to them.

// dtypes maps NWB dtypes to LinkML ranges: either a linkml:types built-in or
// a type declared in the generated schema (typeDefs).
var dtypes = map[string]string{
	"float": "float32", "float32": "float32", "double": "float64", "float64": "float64",
	"long": "int64", "int64": "int64", "int": "int32", "int32": "int32", "short": "int16", "int16": "int16", "int8": "int8",
	"uint": "uint32", "uint32": "uint32", "uint16": "uint16", "uint8": "uint8", "uint64": "uint64",
	"numeric": "numeric", "text": "text", "utf": "text", "utf8": "text", "utf-8": "text",
	"ascii": "ascii", "bytes": "ascii", "bool": "boolean", "isodatetime": "isodatetime", "datetime": "isodatetime",
}

var typeDefs = [][3]string{
	{"float32", "float", "32-bit IEEE float (NWB float, float32)"},
	{"float64", "double", "64-bit IEEE float (NWB double, float64)"},
	{"int8", "integer", "8-bit signed integer"},
	{"int16", "integer", "16-bit signed integer (NWB short)"},
	{"int32", "integer", "32-bit signed integer (NWB int)"},
	{"int64", "integer", "64-bit signed integer (NWB long)"},
	{"uint8", "integer", "8-bit unsigned integer"},
	{"uint16", "integer", "16-bit unsigned integer"},
	{"uint32", "integer", "32-bit unsigned integer (NWB uint)"},
	{"uint64", "integer", "64-bit unsigned integer"},
	{"numeric", "float", "any numeric type (NWB numeric)"},
	{"text", "string", "UTF-8 text (NWB text, utf8)"},
	{"ascii", "string", "ASCII text or bytes (NWB ascii, bytes)"},
	{"isodatetime", "datetime", "ISO 8601 date-time (NWB isodatetime)"},
}

// node helpers for an ordered YAML document.
type ymap struct{ n *yaml.Node }

func newMap() ymap { return ymap{&yaml.Node{Kind: yaml.MappingNode}} }

func scalar(v any) *yaml.Node {
	switch x := v.(type) {
	case *yaml.Node:
		return x
	case ymap:
		return x.n
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Value: x, Tag: "!!str"}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Value: strconv.FormatBool(x), Tag: "!!bool"}
	case int:
		return &yaml.Node{Kind: yaml.ScalarNode, Value: strconv.Itoa(x), Tag: "!!int"}
	case []string:
		s := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range x {
			s.Content = append(s.Content, scalar(e))
		}
		return s
	case []ymap:
		s := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range x {
			s.Content = append(s.Content, e.n)
		}
		return s
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Value: fmt.Sprint(v)}
}

func (m ymap) set(k string, v any) ymap {
	for i := 0; i+1 < len(m.n.Content); i += 2 {
		if m.n.Content[i].Value == k {
			m.n.Content[i+1] = scalar(v)
			return m
		}
	}
	m.n.Content = append(m.n.Content, scalar(k), scalar(v))
	return m
}

func (m ymap) has(k string) bool {
	for i := 0; i+1 < len(m.n.Content); i += 2 {
		if m.n.Content[i].Value == k {
			return true
		}
	}
	return false
}

// LinkMLOptions choose what LinkML to generate.
type LinkMLOptions struct {
	// Namespace limits the schema to one cached namespace and the
	// namespaces it includes; "" translates every cached namespace.
	Namespace string
}

// LinkML translates the specifications cached in the file to one
// self-contained LinkML schema (YAML).
func (f *File) LinkML(o LinkMLOptions) ([]byte, error) {
	nss, err := f.Namespaces()
	if err != nil {
		return nil, err
	}
	return f.linkml(nss, o)
}

func (f *File) linkml(nss []*Namespace, o LinkMLOptions) ([]byte, error) {
	if len(nss) == 0 {
		return nil, errAt("nwb schema", f.Path, "/specifications", ErrNoSpec, "the file caches no specifications", "write it with cache_spec=True (pynwb's default)", nil)
	}
	newest := map[string]*Namespace{}
	var order []*Namespace
	for _, ns := range nss {
		if _, ok := newest[ns.Name]; !ok {
			newest[ns.Name] = ns
			order = append(order, ns)
		}
	}
	var chosen []*Namespace
	if o.Namespace != "" {
		root, ok := newest[o.Namespace]
		if !ok {
			_, err := f.Namespace(o.Namespace)
			return nil, err
		}
		seen := map[string]bool{}
		var add func(ns *Namespace)
		add = func(ns *Namespace) {
			if seen[ns.Name] {
				return
			}
			seen[ns.Name] = true
			for _, inc := range ns.Includes {
				if n, ok := newest[inc]; ok {
					add(n)
				}
			}
			chosen = append(chosen, ns)
		}
		add(root)
	} else {
		// includes first
		seen := map[string]bool{}
		var add func(ns *Namespace)
		add = func(ns *Namespace) {
			if seen[ns.Name] {
				return
			}
			seen[ns.Name] = true
			for _, inc := range ns.Includes {
				if n, ok := newest[inc]; ok {
					add(n)
				}
			}
			chosen = append(chosen, ns)
		}
		for _, ns := range order {
			add(ns)
		}
	}
	g := &linkmlGen{classes: newMap(), defined: map[string]bool{}}
	var names, vers []string
	for _, ns := range chosen {
		names = append(names, ns.Name)
		vers = append(vers, ns.Name+" "+ns.Version)
	}
	// pass 1: every type defined anywhere (for ranges), pass 2: generate
	for _, ns := range chosen {
		for _, src := range ns.Sources {
			for _, s := range append(append([]*Spec{}, src.Groups...), src.Datasets...) {
				markDefs(s, g.defined)
			}
		}
	}
	for _, ns := range chosen {
		for _, src := range ns.Sources {
			for _, s := range src.Groups {
				g.typeClass(s, ns.Name, src.Name)
			}
			for _, s := range src.Datasets {
				g.typeClass(s, ns.Name, src.Name)
			}
		}
	}
	if len(g.missing) > 0 {
		sort.Strings(g.missing)
		return nil, errAt("nwb schema", f.Path, "/specifications", ErrUnknownType,
			"types used but not defined by the chosen namespaces: "+strings.Join(g.missing, ", "), "", nil)
	}
	main := chosen[len(chosen)-1]
	id := "all"
	if o.Namespace != "" {
		id = main.Name
	}
	doc := newMap()
	doc.set("id", "https://w3id.org/ccc/nwb/"+id+"/"+main.Version)
	doc.set("name", "nwb_"+ncName(id))
	doc.set("title", "NWB "+strings.Join(vers, ", ")+" as LinkML")
	doc.set("description", fmt.Sprintf("NWB specifications cached in %s (namespaces %s), translated to LinkML by ccc.", baseName(f.Path), strings.Join(vers, ", ")))
	doc.set("version", main.Version)
	pre := newMap()
	pre.set("linkml", "https://w3id.org/linkml/")
	pre.set("nwb", "https://w3id.org/ccc/nwb/")
	doc.set("prefixes", pre)
	doc.set("default_prefix", "nwb")
	doc.set("default_range", "string")
	doc.set("imports", []string{"linkml:types"})
	types := newMap()
	for _, td := range typeDefs {
		t := newMap()
		t.set("typeof", td[1])
		t.set("description", td[2])
		types.set(td[0], t)
	}
	doc.set("types", types)
	doc.set("classes", g.classes)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc.n); err != nil {
		return nil, err
	}
	enc.Close()
	return buf.Bytes(), nil
}

func markDefs(s *Spec, m map[string]bool) {
	if s.TypeDef != "" {
		m[s.TypeDef] = true
	}
	for _, c := range s.Groups {
		markDefs(c, m)
	}
	for _, c := range s.Datasets {
		markDefs(c, m)
	}
}

type linkmlGen struct {
	classes ymap
	defined map[string]bool
	missing []string
}

func (g *linkmlGen) need(t string) string {
	if t != "" && !g.defined[t] {
		for _, m := range g.missing {
			if m == t {
				return t
			}
		}
		g.missing = append(g.missing, t)
	}
	return t
}

// typeClass emits the class of a top-level (or nested) type definition.
func (g *linkmlGen) typeClass(s *Spec, ns, src string) {
	if s.TypeDef == "" {
		return
	}
	g.class(s.TypeDef, s, ns, src, s.TypeInc)
}

// class emits class name for spec s.
func (g *linkmlGen) class(name string, s *Spec, ns, src, isA string) {
	c := newMap()
	if s.Doc != "" {
		c.set("description", s.Doc)
	}
	if isA != "" {
		c.set("is_a", g.need(isA))
	}
	if name == "NWBFile" {
		c.set("tree_root", true)
	}
	ann := newMap()
	ann.set("namespace", ns)
	ann.set("source", src)
	ann.set("nwb_kind", s.Kind)
	if s.TypeDef != "" {
		ann.set("neurodata_type", s.TypeDef)
	}
	c.set("annotations", ann)
	attrs := newMap()
	fixed := ""
	if s.TypeDef == "" && s.Name != "" {
		fixed = s.Name // a member with a fixed name: the object is always called that
	}
	if isA == "" {
		id := newMap()
		id.set("description", "the name of the HDF5 object")
		id.set("identifier", true)
		id.set("range", "string")
		id.set("required", true)
		if fixed != "" {
			id.set("ifabsent", "string("+fixed+")")
			id.set("equals_string", fixed)
		}
		attrs.set("name", id)
	} else if fixed != "" {
		u := newMap()
		u.set("ifabsent", "string("+fixed+")")
		u.set("equals_string", fixed)
		c.set("slot_usage", newMap().set("name", u))
	}
	for _, a := range s.Attributes {
		if a.Name == "" || attrs.has(a.Name) {
			continue
		}
		attrs.set(a.Name, g.attrSlot(a, name))
	}
	if s.Kind == "dataset" && (s.Dtype.Name != "" || s.Dtype.Ref != "" || s.Dtype.Compound != nil || s.Dims != nil) {
		v := newMap()
		v.set("description", "the values of the dataset")
		g.valueRange(v, s.Dtype, name)
		g.array(v, s.Dims, s.Shape)
		attrs.set("value", v)
	}
	for _, d := range s.Datasets {
		g.member(attrs, d, name, ns, src)
	}
	for _, sub := range s.Groups {
		g.member(attrs, sub, name, ns, src)
	}
	for _, l := range s.Links {
		sl := newMap()
		if l.Doc != "" {
			sl.set("description", l.Doc)
		}
		sl.set("range", g.need(l.TargetType))
		sl.set("inlined", false)
		quantity(sl, l.Quantity)
		sl.set("annotations", newMap().set("nwb_kind", "link"))
		attrs.set(slotName(l.Name, l.TargetType), sl)
	}
	if len(attrs.n.Content) > 0 {
		c.set("attributes", attrs)
	}
	g.classes.set(name, c)
}

func (g *linkmlGen) attrSlot(a *Spec, owner string) ymap {
	sl := newMap()
	if a.Doc != "" {
		sl.set("description", a.Doc)
	}
	g.valueRange(sl, a.Dtype, owner+"__"+a.Name)
	sl.set("required", a.Required && a.DefaultValue == nil)
	if a.Value != nil {
		if s, ok := a.Value.(string); ok {
			sl.set("equals_string", s)
		} else {
			sl.set("ifabsent", ifabsent(a.Value))
		}
	} else if a.DefaultValue != nil {
		sl.set("ifabsent", ifabsent(a.DefaultValue))
	}
	g.array(sl, a.Dims, a.Shape)
	return sl
}

func ifabsent(v any) string {
	switch x := v.(type) {
	case string:
		return "string(" + x + ")"
	case bool:
		return strconv.FormatBool(x)
	case float64:
		if x == float64(int64(x)) && !strings.ContainsAny(strconv.FormatFloat(x, 'g', -1, 64), "e.") {
			return "float(" + strconv.FormatFloat(x, 'f', 1, 64) + ")"
		}
		return "float(" + strconv.FormatFloat(x, 'g', -1, 64) + ")"
	}
	return "string(" + fmt.Sprint(v) + ")"
}

// valueRange sets range (and inlined for references, a row class for
// compound dtypes).
func (g *linkmlGen) valueRange(sl ymap, d Dtype, owner string) {
	switch {
	case d.Ref != "":
		sl.set("range", g.need(d.Ref))
		sl.set("inlined", false)
		sl.set("annotations", newMap().set("reftype", d.RefKind))
	case d.Compound != nil:
		row := owner + "__row"
		c := newMap()
		c.set("description", "one element of the compound dtype of "+owner)
		attrs := newMap()
		for _, fl := range d.Compound {
			fs := newMap()
			if fl.Doc != "" {
				fs.set("description", fl.Doc)
			}
			g.valueRange(fs, fl.Dtype, row+"__"+fl.Name)
			fs.set("required", true)
			attrs.set(fl.Name, fs)
		}
		c.set("attributes", attrs)
		g.classes.set(row, c)
		sl.set("range", row)
		sl.set("multivalued", true)
		sl.set("inlined_as_list", true)
	case d.Name != "":
		r, ok := dtypes[strings.ToLower(d.Name)]
		if !ok {
			r = "string"
		}
		sl.set("range", r)
	default:
		sl.set("range", "numeric")
	}
}

// array adds LinkML array dimensions for dims/shape.
func (g *linkmlGen) array(sl ymap, dims [][]string, shape [][]int) {
	if len(dims) == 0 {
		return
	}
	mk := func(i int) ymap {
		a := newMap()
		var ds []ymap
		for k, name := range dims[i] {
			d := newMap()
			d.set("alias", name)
			if shape[i][k] >= 0 {
				d.set("exact_cardinality", shape[i][k])
			}
			ds = append(ds, d)
		}
		a.set("dimensions", ds)
		return a
	}
	if sl.has("multivalued") {
		// compound rows: a 1-D list of rows already
		return
	}
	if len(dims) == 1 {
		sl.set("array", mk(0))
		return
	}
	var alts []ymap
	for i := range dims {
		alt := newMap()
		alt.set("array", mk(i))
		alts = append(alts, alt)
	}
	sl.set("any_of", alts)
}

func quantity(sl ymap, q string) {
	switch q {
	case "?":
		sl.set("required", false)
	case "*":
		sl.set("required", false)
		sl.set("multivalued", true)
	case "+":
		sl.set("required", true)
		sl.set("multivalued", true)
	case "1", "":
		sl.set("required", true)
	default:
		sl.set("required", true)
		if n, err := strconv.Atoi(q); err == nil && n > 1 {
			sl.set("multivalued", true)
			sl.set("exact_cardinality", n)
		}
	}
}

// member adds the slot for a dataset or group inside a class.
func (g *linkmlGen) member(attrs ymap, s *Spec, owner, ns, src string) {
	name := slotName(s.Name, firstNonEmpty(s.TypeDef, s.TypeInc))
	if name == "" || attrs.has(name) {
		return
	}
	sl := newMap()
	if s.Doc != "" {
		sl.set("description", s.Doc)
	}
	ann := newMap().set("nwb_kind", s.Kind)
	if s.Name == "" && s.DefaultName != "" {
		ann.set("default_name", s.DefaultName)
	}
	plain := len(s.Attributes) == 0 && len(s.Datasets) == 0 && len(s.Groups) == 0 && len(s.Links) == 0
	switch {
	case s.TypeDef != "":
		g.class(s.TypeDef, s, ns, src, s.TypeInc)
		sl.set("range", s.TypeDef)
		sl.set("inlined", true)
	case s.TypeInc != "" && plain:
		sl.set("range", g.need(s.TypeInc))
		sl.set("inlined", true)
		if s.Kind == "dataset" && s.Dims != nil {
			ann.set("dims", dimsString(s.Dims))
		}
	case s.Kind == "dataset" && s.TypeInc == "" && len(s.Attributes) == 0:
		g.valueRange(sl, s.Dtype, owner+"__"+name)
		g.array(sl, s.Dims, s.Shape)
	default:
		nested := owner + "__" + name
		g.class(nested, s, ns, src, s.TypeInc)
		sl.set("range", nested)
		sl.set("inlined", true)
	}
	sl.set("annotations", ann)
	if s.Value != nil {
		if v, ok := s.Value.(string); ok {
			sl.set("equals_string", v)
		}
	}
	multi := sl.has("multivalued")
	quantity(sl, s.Quantity)
	if multi {
		sl.set("multivalued", true)
	}
	attrs.set(name, sl)
}

func dimsString(d [][]string) string {
	parts := make([]string, len(d))
	for i, a := range d {
		parts[i] = "[" + strings.Join(a, ", ") + "]"
	}
	return strings.Join(parts, " | ")
}

func firstNonEmpty(a ...string) string {
	for _, s := range a {
		if s != "" {
			return s
		}
	}
	return ""
}

// slotName is the member's name, or for unnamed members the type name in
// snake_case (ElectrodeGroup -> electrode_group).
func slotName(name, typ string) string {
	if name != "" {
		return name
	}
	var b strings.Builder
	rs := []rune(typ)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]))) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func ncName(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
			return r
		}
		return '_'
	}, s)
}
