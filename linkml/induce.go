package linkml

import "math"

// resolvedType is a type with its typeof chain folded in (nearest value
// wins), as LinkML's induced_type does.
type resolvedType struct {
	Name           string
	Root           string // the built-in type at the end of the typeof chain
	Base           string // lower-cased Python base: str, int, float, bool, decimal, xsddate, ...
	Pattern        string
	MinimumValue   *float64
	MaximumValue   *float64
	EqualsString   string
	EqualsNumber   *float64
	EqualsStringIn []string
}

// InducedSlots returns the slots of a class with everything inherited
// materialized, following LinkML's SchemaView.induced_slot:
//
//   - slot names come from the class and its ancestors (own first, then
//     mixins and is_a parents), slots before attributes, without repeats;
//   - the base definition is the nearest attribute of that name on the
//     class or an ancestor, otherwise the schema-level slot with its own
//     is_a / mixin ancestry folded in;
//   - slot_usage of the ancestors is applied from the farthest to the class
//     itself, so nearer refinements win; minimum_value / maximum_value
//     tighten instead of replacing;
//   - a missing range becomes the schema's default_range; identifier and
//     key imply required; inlined_as_list implies inlined.
//
// It returns nil for an unknown class. The returned slots must not be
// modified.
func (s *Schema) InducedSlots(class string) []*Slot { return s.induced[class] }

// InducedSlot returns one induced slot of a class, or nil.
func (s *Schema) InducedSlot(class, slot string) *Slot {
	return s.inducedIdx[class][slot]
}

// IdentifierSlot returns the class's identifier slot (identifier: true),
// or nil when the class has none. With useKey a key slot also counts.
func (s *Schema) IdentifierSlot(class string, useKey bool) *Slot {
	var best *Slot
	for _, sl := range s.induced[class] {
		if isTrue(sl.Identifier) && (best == nil || sl.Name < best.Name) {
			best = sl
		}
	}
	if best != nil || !useKey {
		return best
	}
	for _, sl := range s.induced[class] {
		if isTrue(sl.Key) && (best == nil || sl.Name < best.Name) {
			best = sl
		}
	}
	return best
}

// IsInlined reports whether values of an induced slot are nested objects
// rather than references by identifier (LinkML's is_inlined): only class
// ranges can be inlined; inlined or inlined_as_list say so explicitly; a
// range class without an identifier is always inlined.
func (s *Schema) IsInlined(sl *Slot) bool {
	if s.classes[sl.Range] == nil {
		return false
	}
	if isTrue(sl.Inlined) || isTrue(sl.InlinedAsList) {
		return true
	}
	return s.IdentifierSlot(sl.Range, false) == nil
}

// SlotRangeKind returns the kind of an induced slot's range.
func (s *Schema) SlotRangeKind(sl *Slot) RangeKind {
	k, _ := s.RangeKind(sl.Range)
	return k
}

func (s *Schema) induceAll() {
	s.typeResolve = map[string]*resolvedType{}
	for _, n := range s.typeOrder {
		s.typeResolve[n] = s.resolveType(n)
	}
	s.enumSets = map[string]map[string]struct{}{}
	for _, n := range s.enumOrder {
		set := map[string]struct{}{}
		for _, v := range s.enums[n].Values {
			set[v.Text] = struct{}{}
		}
		s.enumSets[n] = set
	}
	anc := map[string][]string{}
	for _, c := range s.classOrder {
		anc[c] = s.computeAncestors(c)
	}
	s.ancestors = anc
	desc := map[string][]string{}
	for _, c := range s.classOrder {
		desc[c] = s.Descendants(c)
	}
	s.descendants = desc
	s.induced = map[string][]*Slot{}
	s.inducedIdx = map[string]map[string]*Slot{}
	for _, c := range s.classOrder {
		names := s.classSlotNames(c)
		out := make([]*Slot, 0, len(names))
		idx := make(map[string]*Slot, len(names))
		for _, n := range names {
			sl := s.induceSlot(n, c)
			out = append(out, sl)
			idx[n] = sl
		}
		s.induced[c] = out
		s.inducedIdx[c] = idx
	}
	s.pending = nil
}

func (s *Schema) resolveType(name string) *resolvedType {
	r := &resolvedType{Name: name}
	for t, hops := s.types[name], 0; t != nil && hops < 100; t, hops = s.types[t.Typeof], hops+1 {
		if r.Base == "" && t.Base != "" {
			r.Base = lower(t.Base)
		}
		if r.Pattern == "" {
			r.Pattern = t.Pattern
		}
		if r.MinimumValue == nil {
			r.MinimumValue = t.MinimumValue
		}
		if r.MaximumValue == nil {
			r.MaximumValue = t.MaximumValue
		}
		if r.EqualsString == "" {
			r.EqualsString = t.EqualsString
		}
		if r.EqualsNumber == nil {
			r.EqualsNumber = t.EqualsNumber
		}
		if r.EqualsStringIn == nil {
			r.EqualsStringIn = t.EqualsStringIn
		}
		r.Root = t.Name
		if t.Typeof == "" {
			break
		}
	}
	return r
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// classSlotNames is LinkML's class_slots: for the class and each ancestor,
// its slots then its attributes, first occurrence kept.
func (s *Schema) classSlotNames(class string) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range s.Ancestors(class) {
		c := s.classes[a]
		for _, n := range c.Slots {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
		for _, at := range c.Attributes {
			if !seen[at.Name] {
				seen[at.Name] = true
				out = append(out, at.Name)
			}
		}
	}
	return out
}

func (s *Schema) slotAncestors(name string) []string {
	out := []string{name}
	seen := map[string]bool{name: true}
	todo := []string{name}
	for len(todo) > 0 {
		n := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		sl := s.slots[n]
		if sl == nil {
			continue
		}
		parents := append([]string(nil), sl.Mixins...)
		if sl.IsA != "" {
			parents = append(parents, sl.IsA)
		}
		for _, p := range parents {
			if !seen[p] && s.slots[p] != nil {
				seen[p] = true
				out = append(out, p)
				todo = append(todo, p)
			}
		}
	}
	return out
}

func (s *Schema) induceSlot(name, class string) *Slot {
	ancs := s.Ancestors(class)
	sl := &Slot{Element: Element{Name: name, KeyPos: map[string]Pos{}}}
	var attr *Slot
	for _, a := range ancs {
		if at := s.classes[a].Attribute(name); at != nil {
			attr = at
			break
		}
	}
	if attr != nil {
		overlay(sl, attr, false)
		sl.Pos, sl.Module = attr.Pos, attr.Module
	} else if g := s.slots[name]; g != nil {
		sa := s.slotAncestors(name)
		for i := len(sa) - 1; i >= 0; i-- {
			overlay(sl, s.slots[sa[i]], false)
		}
		sl.Pos, sl.Module = g.Pos, g.Module
		sl.IsA, sl.Mixins = g.IsA, g.Mixins
	}
	for i := len(ancs) - 1; i >= 0; i-- {
		if u := s.classes[ancs[i]].Usage(name); u != nil {
			overlay(sl, u, true)
		}
	}
	if sl.Range == "" {
		sl.Range = s.Root.DefaultRange
		if sl.Range == "" && s.types["string"] != nil {
			// generators see a string; the validator accepts any value,
			// as linkml-validate does for a slot without a range
			sl.Range, sl.NoRange = "string", true
		}
	}
	if isTrue(sl.InlinedAsList) {
		t := true
		sl.Inlined = &t
	}
	if isTrue(sl.Identifier) || isTrue(sl.Key) {
		t := true
		sl.Required = &t
	}
	sl.Owner = class
	for _, a := range s.classOrder {
		c := s.classes[a]
		if c.Attribute(name) != nil || contains(c.Slots, name) {
			sl.DomainOf = append(sl.DomainOf, a)
		}
	}
	return sl
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// overlay copies the values src sets onto dst. With tighten, bounds combine
// (largest minimum, smallest maximum) as LinkML does for slot_usage.
func overlay(dst, src *Slot, tighten bool) {
	if src.Description != "" {
		dst.Description = src.Description
	}
	if src.Aliases != nil {
		dst.Aliases = src.Aliases
	}
	for k, v := range src.KeyPos {
		dst.KeyPos[k] = v
	}
	if len(src.Extra) > 0 {
		if dst.Extra == nil {
			dst.Extra = map[string]any{}
		}
		for k, v := range src.Extra {
			dst.Extra[k] = v
		}
	}
	str := func(d *string, v string) {
		if v != "" {
			*d = v
		}
	}
	bl := setPtr[bool]
	str(&dst.Range, src.Range)
	str(&dst.SlotURI, src.SlotURI)
	str(&dst.Domain, src.Domain)
	str(&dst.Pattern, src.Pattern)
	str(&dst.Ifabsent, src.Ifabsent)
	str(&dst.EqualsString, src.EqualsString)
	str(&dst.Alias, src.Alias)
	bl(&dst.Required, src.Required)
	bl(&dst.Recommended, src.Recommended)
	bl(&dst.Multivalued, src.Multivalued)
	bl(&dst.Identifier, src.Identifier)
	bl(&dst.Key, src.Key)
	bl(&dst.Inlined, src.Inlined)
	bl(&dst.InlinedAsList, src.InlinedAsList)
	bl(&dst.DesignatesType, src.DesignatesType)
	setSlice(&dst.AnyOf, src.AnyOf)
	setSlice(&dst.ExactlyOneOf, src.ExactlyOneOf)
	setSlice(&dst.AllOf, src.AllOf)
	setSlice(&dst.NoneOf, src.NoneOf)
	setSlice(&dst.EqualsStringIn, src.EqualsStringIn)
	setPtr(&dst.Array, src.Array)
	setPtr(&dst.EqualsNumber, src.EqualsNumber)
	setPtr(&dst.StructuredPattern, src.StructuredPattern)
	setPtr(&dst.MinCardinality, src.MinCardinality)
	setPtr(&dst.MaxCardinality, src.MaxCardinality)
	if src.MinimumValue != nil {
		if tighten && dst.MinimumValue != nil {
			v := math.Max(*dst.MinimumValue, *src.MinimumValue)
			dst.MinimumValue = &v
		} else {
			dst.MinimumValue = src.MinimumValue
		}
	}
	if src.MaximumValue != nil {
		if tighten && dst.MaximumValue != nil {
			v := math.Min(*dst.MaximumValue, *src.MaximumValue)
			dst.MaximumValue = &v
		} else {
			dst.MaximumValue = src.MaximumValue
		}
	}
}

// setPtr and setSlice copy a value a slot definition sets (non-nil).
func setPtr[T any](d **T, v *T) {
	if v != nil {
		*d = v
	}
}

func setSlice[T any](d *[]T, v []T) {
	if v != nil {
		*d = v
	}
}
