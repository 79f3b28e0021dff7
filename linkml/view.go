package linkml

import (
	"fmt"
	"sort"
	"strings"
)

// Schema is a loaded LinkML schema with all its imports merged: LinkML's
// SchemaView. It is immutable after loading and safe for concurrent use.
type Schema struct {
	// Root is the module that was loaded; Modules are all modules, imports
	// first, the root last.
	Root    *Module
	Modules []*Module
	// Warnings are non-fatal problems found while loading.
	Warnings []Warning

	prefixes   map[string]string
	types      map[string]*Type
	typeOrder  []string
	enums      map[string]*Enum
	enumOrder  []string
	classes    map[string]*Class
	classOrder []string
	slots      map[string]*Slot
	slotOrder  []string

	plans       planCache
	pending     []*parsed
	ancestors   map[string][]string
	descendants map[string][]string
	induced     map[string][]*Slot
	inducedIdx  map[string]map[string]*Slot
	children    map[string][]string
	enumSets    map[string]map[string]struct{}
	typeResolve map[string]*resolvedType
}

// RangeKind says what a slot's range is.
type RangeKind int

const (
	RangeType  RangeKind = iota // a built-in or custom type
	RangeEnum                   // an enum
	RangeClass                  // a class (inlined object or reference)
)

func (k RangeKind) String() string {
	return [...]string{"type", "enum", "class"}[k]
}

func newSchema(mods []*parsed) *Schema {
	s := &Schema{
		prefixes: map[string]string{},
		types:    map[string]*Type{}, enums: map[string]*Enum{},
		classes: map[string]*Class{}, slots: map[string]*Slot{},
	}
	for _, m := range mods {
		s.Modules = append(s.Modules, m.mod)
		for _, p := range m.mod.Prefixes {
			if _, ok := s.prefixes[p.Prefix]; !ok || m == mods[len(mods)-1] {
				s.prefixes[p.Prefix] = p.Reference
			}
		}
	}
	s.Root = mods[len(mods)-1].mod
	s.pending = mods
	return s
}

// Name is the root module's name.
func (s *Schema) Name() string { return s.Root.Name }

// ID is the root module's id.
func (s *Schema) ID() string { return s.Root.ID }

// DefaultPrefix is the root module's default_prefix.
func (s *Schema) DefaultPrefix() string { return s.Root.DefaultPrefix }

// Prefixes maps every prefix declared in any module to its expansion.
func (s *Schema) Prefixes() map[string]string { return s.prefixes }

// Classes returns the class names in definition order (imports first).
func (s *Schema) Classes() []string { return s.classOrder }

// Slots returns the schema-level slot names in definition order.
func (s *Schema) Slots() []string { return s.slotOrder }

// Enums returns the enum names in definition order.
func (s *Schema) Enums() []string { return s.enumOrder }

// Types returns the type names in definition order (linkml:types first).
func (s *Schema) Types() []string { return s.typeOrder }

// Class returns a class definition or nil.
func (s *Schema) Class(name string) *Class { return s.classes[name] }

// Slot returns a schema-level slot definition or nil.
func (s *Schema) Slot(name string) *Slot { return s.slots[name] }

// Enum returns an enum or nil.
func (s *Schema) Enum(name string) *Enum { return s.enums[name] }

// Type returns a type or nil.
func (s *Schema) Type(name string) *Type { return s.types[name] }

// LookupClass returns a class or a ccc.ErrNotFound error listing near names.
func (s *Schema) LookupClass(name string) (*Class, error) {
	if c := s.classes[name]; c != nil {
		return c, nil
	}
	for _, n := range s.classOrder {
		if strings.EqualFold(n, name) {
			return nil, notFound("class", name, "did you mean "+n+"? (class names are case-sensitive)")
		}
	}
	return nil, notFound("class", name, "run 'ccc schema classes' to list the classes")
}

// RangeKind classifies a range name. ok is false for unknown names.
func (s *Schema) RangeKind(rng string) (k RangeKind, ok bool) {
	switch {
	case s.classes[rng] != nil:
		return RangeClass, true
	case s.enums[rng] != nil:
		return RangeEnum, true
	case s.types[rng] != nil:
		return RangeType, true
	}
	return RangeType, false
}

// Parents returns a class's mixins followed by its is_a parent (LinkML's
// class_parents order).
func (s *Schema) Parents(class string) []string {
	c := s.classes[class]
	if c == nil {
		return nil
	}
	out := append([]string(nil), c.Mixins...)
	if c.IsA != "" {
		out = append(out, c.IsA)
	}
	return out
}

// Ancestors returns the class itself followed by all its ancestors (is_a
// and mixins) in LinkML's class_ancestors order. The slice must not be
// modified.
func (s *Schema) Ancestors(class string) []string {
	if a, ok := s.ancestors[class]; ok {
		return a
	}
	return s.computeAncestors(class)
}

func (s *Schema) computeAncestors(class string) []string {
	out := []string{class}
	seen := map[string]bool{class: true}
	todo := []string{class}
	for len(todo) > 0 {
		n := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for _, p := range s.Parents(n) {
			if !seen[p] && s.classes[p] != nil {
				seen[p] = true
				out = append(out, p)
				todo = append(todo, p)
			}
		}
	}
	return out
}

// Descendants returns all classes that have class as an ancestor (is_a or
// mixin), not including class itself, in definition order. The slice must
// not be modified.
func (s *Schema) Descendants(class string) []string {
	if d, ok := s.descendants[class]; ok {
		return d
	}
	var out []string
	for _, n := range s.classOrder {
		if n == class {
			continue
		}
		for _, a := range s.Ancestors(n)[1:] {
			if a == class {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

// IsAncestor reports whether anc is class or one of its ancestors.
func (s *Schema) IsAncestor(anc, class string) bool {
	for _, a := range s.Ancestors(class) {
		if a == anc {
			return true
		}
	}
	return false
}

// TreeRoot returns the class marked tree_root, or "".
func (s *Schema) TreeRoot() string {
	for _, n := range s.classOrder {
		if s.classes[n].TreeRoot {
			return n
		}
	}
	return ""
}

// check validates references between elements after merging all modules.
func (s *Schema) check() []error {
	var errs []error
	add := func(p Pos, hint, format string, a ...any) {
		errs = append(errs, schemaError(p, fmt.Sprintf(format, a...), hint))
	}
	// definitions, duplicates
	defined := map[string]Pos{}
	kindOf := map[string]string{}
	dup := func(kind, name string, p Pos) bool {
		if prev, ok := defined[name]; ok {
			what := kind
			if kindOf[name] != kind {
				what = kind + " (already a " + kindOf[name] + ")"
			}
			add(p, "rename one of them or remove the duplicate module import",
				"%s %q is defined twice: here and at %s", what, name, prev)
			return true
		}
		defined[name] = p
		kindOf[name] = kind
		return false
	}
	slotDefined := map[string]Pos{}
	for _, m := range s.moduleParsed() {
		for _, t := range m.types {
			if !dup("type", t.Name, t.Pos) {
				s.types[t.Name] = t
				s.typeOrder = append(s.typeOrder, t.Name)
			}
		}
		for _, e := range m.enums {
			if !dup("enum", e.Name, e.Pos) {
				s.enums[e.Name] = e
				s.enumOrder = append(s.enumOrder, e.Name)
			}
		}
		for _, c := range m.classes {
			if !dup("class", c.Name, c.Pos) {
				s.classes[c.Name] = c
				s.classOrder = append(s.classOrder, c.Name)
			}
		}
		for _, sl := range m.slots {
			if prev, ok := slotDefined[sl.Name]; ok {
				add(sl.Pos, "rename one of them or remove the duplicate", "slot %q is defined twice: here and at %s", sl.Name, prev)
				continue
			}
			slotDefined[sl.Name] = sl.Pos
			s.slots[sl.Name] = sl
			s.slotOrder = append(s.slotOrder, sl.Name)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	// types: typeof chains
	for _, n := range s.typeOrder {
		t := s.types[n]
		seen := map[string]bool{n: true}
		for cur := t; cur.Typeof != ""; {
			next := s.types[cur.Typeof]
			if next == nil {
				add(cur.KeyPos["typeof"], "typeof must name a type (import linkml:types for the built-in ones)", "type %s: unknown typeof %q", cur.Name, cur.Typeof)
				break
			}
			if seen[next.Name] {
				add(t.KeyPos["typeof"], "", "type %s: typeof cycle through %q", t.Name, next.Name)
				break
			}
			seen[next.Name] = true
			cur = next
		}
	}
	rangeHint := "define it as a class, enum or type, or import the module that defines it (built-in types need 'imports: [linkml:types]')"
	checkRange := func(owner string, sl *Slot) {
		if sl.Range != "" {
			if _, ok := s.RangeKind(sl.Range); !ok {
				add(sl.KeyPos["range"], rangeHint, "%s: unknown range %q", owner, sl.Range)
			}
		}
		for _, e := range append(append([]SlotExpr(nil), sl.AnyOf...), sl.ExactlyOneOf...) {
			if e.Range != "" {
				if _, ok := s.RangeKind(e.Range); !ok {
					add(e.Pos, rangeHint, "%s: unknown range %q in any_of/exactly_one_of", owner, e.Range)
				}
			}
		}
	}
	if dr := s.Root.DefaultRange; dr != "" {
		if _, ok := s.RangeKind(dr); !ok {
			add(s.Root.Pos, rangeHint, "unknown default_range %q", dr)
		}
	}
	for _, n := range s.slotOrder {
		sl := s.slots[n]
		checkRange("slot "+n, sl)
		seen := map[string]bool{n: true}
		for cur := sl; cur.IsA != ""; {
			next := s.slots[cur.IsA]
			if next == nil {
				add(cur.KeyPos["is_a"], "is_a of a slot must name another slot", "slot %s: unknown is_a %q", cur.Name, cur.IsA)
				break
			}
			if seen[next.Name] {
				add(sl.KeyPos["is_a"], "", "slot %s: is_a cycle through %q", sl.Name, next.Name)
				break
			}
			seen[next.Name] = true
			cur = next
		}
		for _, m := range sl.Mixins {
			if s.slots[m] == nil {
				add(sl.KeyPos["mixins"], "", "slot %s: unknown mixin %q", n, m)
			}
		}
	}
	// classes: parents exist, no cycles, slots exist, ranges exist
	for _, n := range s.classOrder {
		c := s.classes[n]
		if c.IsA != "" && s.classes[c.IsA] == nil {
			add(c.KeyPos["is_a"], "is_a must name a class defined in this schema or an imported module", "class %s: unknown is_a %q", n, c.IsA)
		}
		for _, m := range c.Mixins {
			if s.classes[m] == nil {
				add(c.KeyPos["mixins"], "mixins must name classes", "class %s: unknown mixin %q", n, m)
			}
		}
		for _, sn := range c.Slots {
			if s.slots[sn] == nil {
				p, ok := c.KeyPos["slots."+sn]
				if !ok {
					p = c.KeyPos["slots"]
				}
				add(p, "define it under the schema's slots:, or use attributes: for a class-local slot", "class %s: unknown slot %q", n, sn)
			}
		}
		for _, a := range c.Attributes {
			checkRange("class "+n+" attribute "+a.Name, a)
		}
		for _, u := range c.SlotUsage {
			checkRange("class "+n+" slot_usage "+u.Name, u)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	// is_a / mixin cycles: DFS over parents
	state := map[string]int{}
	var visit func(n string, stack []string) bool
	visit = func(n string, stack []string) bool {
		switch state[n] {
		case 1:
			c := s.classes[stack[len(stack)-1]]
			p := c.KeyPos["is_a"]
			if c.IsA != n {
				p = c.KeyPos["mixins"]
			}
			i := 0
			for i < len(stack) && stack[i] != n {
				i++
			}
			add(p, "a class cannot be its own ancestor", "is_a cycle: %s -> %s", strings.Join(stack[i:], " -> "), n)
			return false
		case 2:
			return true
		}
		state[n] = 1
		for _, p := range s.Parents(n) {
			if !visit(p, append(stack, n)) {
				state[n] = 2
				return false
			}
		}
		state[n] = 2
		return true
	}
	for _, n := range s.classOrder {
		visit(n, nil)
	}
	if len(errs) > 0 {
		return errs
	}
	s.children = map[string][]string{}
	for _, n := range s.classOrder {
		if p := s.classes[n].IsA; p != "" {
			s.children[p] = append(s.children[p], n)
		}
	}
	return errs
}

// moduleParsed returns the parsed modules kept between newSchema and check.
func (s *Schema) moduleParsed() []*parsed { return s.pending }

// sortedKeys returns the keys of m sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
