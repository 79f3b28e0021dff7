package linkml

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// parser turns one module's YAML node tree into model values, recording
// positions, unknown-key warnings and errors.
type parser struct {
	file     string
	module   string
	known    map[string]map[string]bool
	warnings []Warning
	errs     []error
}

var knownKeys = func() map[string]map[string]bool {
	m := make(map[string]map[string]bool, len(metaKeys))
	for kind, keys := range metaKeys {
		s := make(map[string]bool, len(keys))
		for _, k := range keys {
			s[k] = true
		}
		m[kind] = s
	}
	return m
}()

func (p *parser) pos(n *yaml.Node) Pos { return Pos{File: p.file, Line: n.Line, Col: n.Column} }

func (p *parser) errorf(n *yaml.Node, format string, a ...any) {
	pos := Pos{File: p.file}
	if n != nil {
		pos = p.pos(n)
	}
	p.errs = append(p.errs, schemaError(pos, fmt.Sprintf(format, a...), ""))
}

// fields iterates a mapping node's key/value pairs, warning about keys the
// metamodel does not define for kind. A null node is an empty mapping.
func (p *parser) fields(n *yaml.Node, kind string, what string, fn func(key string, k, v *yaml.Node)) {
	n = deref(n)
	if n == nil || isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping, got %s", what, nodeKind(n))
		return
	}
	known := knownKeys[kind]
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		key := k.Value
		if known != nil && !known[key] {
			p.warnings = append(p.warnings, Warning{Pos: p.pos(k),
				Msg: fmt.Sprintf("%s: key %q is not defined by the LinkML metamodel for a %s", what, key, kindName(kind))})
		} else if enforced, meta := keyStatus(kind, key); known != nil && !enforced && !meta {
			// never load a construct and ignore it
			p.errs = append(p.errs, schemaError(p.pos(k), fmt.Sprintf("%s: %s is not supported: %s", what, key, refusal(key)),
				"remove "+key+" from the schema, or check these data with linkml-validate"))
			continue
		}
		fn(key, k, v)
	}
}

func kindName(kind string) string {
	switch kind {
	case "pv":
		return "permissible value"
	case "uniquekey":
		return "unique key"
	case "slotexpr":
		return "slot expression"
	}
	return kind
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return deref(n.Content[0])
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

func (p *parser) str(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "%s must be a string, got %s", what, nodeKind(n))
		return ""
	}
	if isNull(n) {
		return ""
	}
	return n.Value
}

func (p *parser) boolp(n *yaml.Node, what string) *bool {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		p.errorf(n, "%s must be true or false, got %s", what, nodeKind(n))
		return nil
	}
	switch strings.ToLower(n.Value) {
	case "true", "yes", "on":
		b := true
		return &b
	case "false", "no", "off":
		b := false
		return &b
	}
	p.errorf(n, "%s must be true or false, got %q", what, n.Value)
	return nil
}

func (p *parser) boolv(n *yaml.Node, what string) bool { return isTrue(p.boolp(n, what)) }

func (p *parser) num(n *yaml.Node, what string) *float64 {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		p.errorf(n, "%s must be a number, got %s", what, nodeKind(n))
		return nil
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	if err != nil || math.IsNaN(f) {
		p.errorf(n, "%s must be a number, got %q", what, n.Value)
		return nil
	}
	return &f
}

// intNum reads equals_number, an integer in the metamodel: a fraction is
// truncated as linkml_runtime's int() does (1.5 means 1).
func (p *parser) intNum(n *yaml.Node, what string) *float64 {
	f := p.num(n, what)
	if f != nil {
		t := math.Trunc(*f)
		f = &t
	}
	return f
}

func (p *parser) intp(n *yaml.Node, what string) *int {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		p.errorf(n, "%s must be an integer, got %s", what, nodeKind(n))
		return nil
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil {
		p.errorf(n, "%s must be an integer, got %q", what, n.Value)
		return nil
	}
	return &v
}

// strList accepts a list of strings or a single string.
func (p *parser) strList(n *yaml.Node, what string) []string {
	if isNull(n) {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s must be a list of names, got %s", what, nodeKind(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		c = deref(c)
		if c.Kind != yaml.ScalarNode {
			p.errorf(c, "%s must be a list of names, got an entry that is %s", what, nodeKind(c))
			continue
		}
		out = append(out, c.Value)
	}
	return out
}

func (p *parser) extra(e *Element, key string, v *yaml.Node) {
	var val any
	if err := v.Decode(&val); err != nil {
		p.errorf(v, "%s: %v", key, err)
		return
	}
	if e.Extra == nil {
		e.Extra = map[string]any{}
	}
	e.Extra[key] = val
}

func (p *parser) element(name string, k *yaml.Node) Element {
	return Element{Name: name, Module: p.module, Pos: p.pos(k), KeyPos: map[string]Pos{}}
}

// common handles keys every element has; it reports whether key was handled.
func (p *parser) common(e *Element, key string, v *yaml.Node) bool {
	switch key {
	case "description":
		e.Description = p.str(v, key)
	case "aliases":
		e.Aliases = p.strList(v, key)
	case "name":
		// the mapping key is the name
	default:
		return false
	}
	return true
}

// namedEntries iterates a "name: definition" mapping, or a list of
// definitions each with a name key.
func (p *parser) namedEntries(n *yaml.Node, what string, fn func(name string, k, v *yaml.Node)) {
	n = deref(n)
	if n == nil || isNull(n) {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Value == "" {
				p.errorf(k, "%s: a name must be a non-empty string", what)
				continue
			}
			fn(k.Value, k, deref(n.Content[i+1]))
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			c = deref(c)
			name := ""
			if c.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(c.Content); i += 2 {
					if c.Content[i].Value == "name" {
						name = c.Content[i+1].Value
					}
				}
			}
			if name == "" {
				p.errorf(c, "%s: list entries must be mappings with a name", what)
				continue
			}
			fn(name, c, c)
		}
	default:
		p.errorf(n, "%s must be a mapping of names to definitions, got %s", what, nodeKind(n))
	}
}

func (p *parser) parseType(name string, k, n *yaml.Node) *Type {
	t := &Type{Element: p.element(name, k)}
	p.fields(n, "type", "type "+name, func(key string, kn, v *yaml.Node) {
		t.KeyPos[key] = p.pos(v)
		if p.common(&t.Element, key, v) {
			return
		}
		switch key {
		case "typeof":
			t.Typeof = p.str(v, key)
		case "base":
			t.Base = p.str(v, key)
		case "uri":
			t.URI = p.str(v, key)
		case "pattern":
			t.Pattern = p.str(v, key)
		case "minimum_value":
			t.MinimumValue = p.num(v, key)
		case "maximum_value":
			t.MaximumValue = p.num(v, key)
		case "equals_string":
			t.EqualsString = p.str(v, key)
		case "equals_number":
			t.EqualsNumber = p.intNum(v, key)
		case "equals_string_in":
			t.EqualsStringIn = p.strList(v, key)
		case "structured_pattern":
			t.StructuredPattern = p.structuredPattern(v, "type "+name)
		default:
			p.extra(&t.Element, key, v)
		}
	})
	return t
}

func (p *parser) parseEnum(name string, k, n *yaml.Node) *Enum {
	e := &Enum{Element: p.element(name, k)}
	p.fields(n, "enum", "enum "+name, func(key string, kn, v *yaml.Node) {
		e.KeyPos[key] = p.pos(v)
		if p.common(&e.Element, key, v) {
			return
		}
		switch key {
		case "enum_uri":
			e.EnumURI = p.str(v, key)
		case "permissible_values":
			e.Values = p.permissibleValues(name, v)
		default:
			p.extra(&e.Element, key, v)
		}
	})
	return e
}

func (p *parser) permissibleValues(enum string, n *yaml.Node) []PermissibleValue {
	var out []PermissibleValue
	one := func(text string, v *yaml.Node) {
		pv := PermissibleValue{Text: text}
		p.fields(v, "pv", "enum "+enum+" value "+text, func(key string, kn, vv *yaml.Node) {
			switch key {
			case "description":
				pv.Description = p.str(vv, key)
			case "meaning":
				pv.Meaning = p.str(vv, key)
			}
		})
		out = append(out, pv)
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			one(n.Content[i].Value, deref(n.Content[i+1]))
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			c = deref(c)
			if c.Kind == yaml.ScalarNode {
				out = append(out, PermissibleValue{Text: c.Value})
				continue
			}
			text := ""
			if c.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(c.Content); i += 2 {
					if c.Content[i].Value == "text" {
						text = c.Content[i+1].Value
					}
				}
			}
			if text == "" {
				p.errorf(c, "enum %s: permissible value entries need a text", enum)
				continue
			}
			one(text, c)
		}
	default:
		if !isNull(n) {
			p.errorf(n, "enum %s: permissible_values must be a mapping or a list", enum)
		}
	}
	return out
}

func (p *parser) parseSlot(name string, k, n *yaml.Node, what string) *Slot {
	s := &Slot{Element: p.element(name, k)}
	p.fields(n, "slot", what, func(key string, kn, v *yaml.Node) {
		s.KeyPos[key] = p.pos(v)
		if p.common(&s.Element, key, v) {
			return
		}
		switch key {
		case "is_a":
			s.IsA = p.str(v, key)
		case "mixins":
			s.Mixins = p.strList(v, key)
		case "range":
			s.Range = p.str(v, key)
		case "slot_uri":
			s.SlotURI = p.str(v, key)
		case "domain":
			s.Domain = p.str(v, key)
		case "required":
			s.Required = p.boolp(v, key)
		case "recommended":
			s.Recommended = p.boolp(v, key)
		case "multivalued":
			s.Multivalued = p.boolp(v, key)
		case "identifier":
			s.Identifier = p.boolp(v, key)
		case "key":
			s.Key = p.boolp(v, key)
		case "inlined":
			s.Inlined = p.boolp(v, key)
		case "inlined_as_list":
			s.InlinedAsList = p.boolp(v, key)
		case "designates_type":
			s.DesignatesType = p.boolp(v, key)
		case "pattern":
			s.Pattern = p.str(v, key)
		case "minimum_value":
			s.MinimumValue = p.num(v, key)
		case "maximum_value":
			s.MaximumValue = p.num(v, key)
		case "ifabsent":
			s.Ifabsent = p.str(v, key)
		case "equals_string":
			s.EqualsString = p.str(v, key)
		case "any_of":
			s.AnyOf = p.slotExprs(v, what+" any_of")
		case "exactly_one_of":
			s.ExactlyOneOf = p.slotExprs(v, what+" exactly_one_of")
		case "all_of":
			s.AllOf = p.slotExprs(v, what+" all_of")
		case "none_of":
			s.NoneOf = p.slotExprs(v, what+" none_of")
		case "alias":
			s.Alias = p.str(v, key)
		case "equals_number":
			s.EqualsNumber = p.intNum(v, key)
		case "equals_string_in":
			s.EqualsStringIn = p.strList(v, key)
		case "structured_pattern":
			s.StructuredPattern = p.structuredPattern(v, what)
		case "minimum_cardinality":
			s.MinCardinality = p.intp(v, key)
		case "maximum_cardinality":
			s.MaxCardinality = p.intp(v, key)
		case "exact_cardinality":
			s.MinCardinality = p.intp(v, key)
			s.MaxCardinality = s.MinCardinality
		case "array":
			s.Array = p.array(v, what)
		default:
			p.extra(&s.Element, key, v)
		}
	})
	return s
}

func (p *parser) slotExprs(n *yaml.Node, what string) []SlotExpr {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s must be a list of slot expressions", what)
		return nil
	}
	var out []SlotExpr
	for _, c := range n.Content {
		c = deref(c)
		out = append(out, p.slotExpr(c, what))
	}
	return out
}

// slotExpr parses one anonymous slot expression (or slot condition).
func (p *parser) slotExpr(c *yaml.Node, what string) SlotExpr {
	e := SlotExpr{Pos: p.pos(c)}
	p.fields(c, "slotexpr", what, func(key string, kn, v *yaml.Node) {
		switch key {
		case "range":
			e.Range = p.str(v, key)
			e.Pos = p.pos(v)
		case "pattern":
			e.Pattern = p.str(v, key)
		case "minimum_value":
			e.MinimumValue = p.num(v, key)
		case "maximum_value":
			e.MaximumValue = p.num(v, key)
		case "equals_string":
			e.EqualsString = p.str(v, key)
		case "equals_number":
			e.EqualsNumber = p.intNum(v, key)
		case "equals_string_in":
			e.EqualsStringIn = p.strList(v, key)
		case "required":
			e.Required = p.boolp(v, key)
		case "minimum_cardinality":
			e.MinCardinality = p.intp(v, key)
		case "maximum_cardinality":
			e.MaxCardinality = p.intp(v, key)
		case "exact_cardinality":
			e.MinCardinality = p.intp(v, key)
			e.MaxCardinality = e.MinCardinality
		case "any_of":
			e.AnyOf = p.slotExprs(v, what+" any_of")
		case "all_of":
			e.AllOf = p.slotExprs(v, what+" all_of")
		case "exactly_one_of":
			e.ExactlyOneOf = p.slotExprs(v, what+" exactly_one_of")
		case "none_of":
			e.NoneOf = p.slotExprs(v, what+" none_of")
		case "array":
			e.Array = p.array(v, what)
		}
	})
	return e
}

// structuredPattern parses a structured_pattern mapping.
func (p *parser) structuredPattern(n *yaml.Node, what string) *StructuredPattern {
	sp := &StructuredPattern{}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s structured_pattern must be a mapping (syntax, interpolated, partial_match)", what)
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		switch k.Value {
		case "syntax":
			sp.Syntax = p.str(v, "syntax")
		case "interpolated":
			sp.Interpolated = p.boolv(v, "interpolated")
		case "partial_match":
			sp.PartialMatch = p.boolv(v, "partial_match")
		case "description", "comments", "annotations":
		default:
			p.errorf(k, "%s structured_pattern: key %q is not supported (syntax, interpolated, partial_match)", what, k.Value)
		}
	}
	return sp
}

// classExprs parses a list of anonymous class expressions.
func (p *parser) classExprs(n *yaml.Node, what string) []*ClassExpr {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s must be a list of class expressions", what)
		return nil
	}
	var out []*ClassExpr
	for _, c := range n.Content {
		if e := p.classExpr(deref(c), what); e != nil {
			out = append(out, e)
		}
	}
	return out
}

func (p *parser) classExpr(n *yaml.Node, what string) *ClassExpr {
	if n == nil || isNull(n) {
		return nil
	}
	e := &ClassExpr{Pos: p.pos(n)}
	p.fields(n, "classexpr", what, func(key string, kn, v *yaml.Node) {
		switch key {
		case "slot_conditions":
			p.namedEntries(v, what+" slot_conditions", func(sn string, sk, sv *yaml.Node) {
				se := p.slotExpr(sv, what+" slot_conditions "+sn)
				se.Name = sn
				e.SlotConditions = append(e.SlotConditions, &se)
			})
		case "any_of":
			e.AnyOf = p.classExprs(v, what+" any_of")
		case "all_of":
			e.AllOf = p.classExprs(v, what+" all_of")
		case "exactly_one_of":
			e.ExactlyOneOf = p.classExprs(v, what+" exactly_one_of")
		case "none_of":
			e.NoneOf = p.classExprs(v, what+" none_of")
		}
	})
	return e
}

// rules parses a class's rules.
func (p *parser) rules(n *yaml.Node, what string) []*ClassRule {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s rules must be a list", what)
		return nil
	}
	var out []*ClassRule
	for _, c := range n.Content {
		c = deref(c)
		if c.Kind != yaml.MappingNode {
			p.errorf(c, "%s: a rule must be a mapping (preconditions, postconditions, elseconditions)", what)
			continue
		}
		r := &ClassRule{Pos: p.pos(c)}
		for i := 0; i+1 < len(c.Content); i += 2 {
			k, v := c.Content[i], deref(c.Content[i+1])
			switch k.Value {
			case "preconditions":
				r.Preconditions = p.classExpr(v, what+" rule preconditions")
			case "postconditions":
				r.Postconditions = p.classExpr(v, what+" rule postconditions")
			case "elseconditions":
				r.Elseconditions = p.classExpr(v, what+" rule elseconditions")
			case "deactivated":
				r.Deactivated = p.boolv(v, "deactivated")
			case "bidirectional", "open_world":
				if p.boolv(v, k.Value) {
					p.errorf(k, "%s rule: %s: true is not supported by ccc; write the inverse rule out", what, k.Value)
				}
			case "description", "title", "comments", "notes", "rank", "annotations", "see_also":
			default:
				p.errorf(k, "%s rule: key %q is not supported (preconditions, postconditions, elseconditions, deactivated)", what, k.Value)
			}
		}
		out = append(out, r)
	}
	return out
}

func (p *parser) array(n *yaml.Node, what string) *ArraySpec {
	a := &ArraySpec{}
	p.fields(n, "array", what+" array", func(key string, kn, v *yaml.Node) {
		switch key {
		case "exact_number_dimensions":
			a.ExactNumberDimensions = p.intp(v, key)
		case "minimum_number_dimensions":
			a.MinimumNumberDimensions = p.intp(v, key)
		case "maximum_number_dimensions":
			if v.Kind == yaml.ScalarNode && strings.EqualFold(v.Value, "false") {
				a.MaxDimensionsFalse = true
				return
			}
			a.MaximumNumberDimensions = p.intp(v, key)
		case "dimensions":
			if v.Kind != yaml.SequenceNode {
				p.errorf(v, "%s array dimensions must be a list", what)
				return
			}
			for _, c := range v.Content {
				d := Dimension{}
				p.fields(deref(c), "dimension", what+" array dimension", func(key string, kn, vv *yaml.Node) {
					switch key {
					case "alias":
						d.Alias = p.str(vv, key)
					case "description":
						d.Description = p.str(vv, key)
					case "exact_cardinality":
						d.ExactCardinality = p.intp(vv, key)
					case "minimum_cardinality":
						d.MinimumCardinality = p.intp(vv, key)
					case "maximum_cardinality":
						d.MaximumCardinality = p.intp(vv, key)
					}
				})
				a.Dimensions = append(a.Dimensions, d)
			}
		}
	})
	return a
}

func (p *parser) parseClass(name string, k, n *yaml.Node) *Class {
	c := &Class{Element: p.element(name, k)}
	p.fields(n, "class", "class "+name, func(key string, kn, v *yaml.Node) {
		c.KeyPos[key] = p.pos(v)
		if p.common(&c.Element, key, v) {
			return
		}
		switch key {
		case "is_a":
			c.IsA = p.str(v, key)
		case "mixins":
			c.Mixins = p.strList(v, key)
		case "abstract":
			c.Abstract = p.boolv(v, key)
		case "mixin":
			c.Mixin = p.boolv(v, key)
		case "tree_root":
			c.TreeRoot = p.boolv(v, key)
		case "class_uri":
			c.ClassURI = p.str(v, key)
		case "slots":
			c.Slots = p.strList(v, key)
			if v.Kind == yaml.SequenceNode {
				for i, sn := range v.Content {
					if i < len(c.Slots) {
						c.KeyPos["slots."+c.Slots[i]] = p.pos(sn)
					}
				}
			}
		case "attributes":
			p.namedEntries(v, "class "+name+" attributes", func(an string, ak, av *yaml.Node) {
				c.Attributes = append(c.Attributes, p.parseSlot(an, ak, av, "class "+name+" attribute "+an))
			})
		case "slot_usage":
			p.namedEntries(v, "class "+name+" slot_usage", func(an string, ak, av *yaml.Node) {
				c.SlotUsage = append(c.SlotUsage, p.parseSlot(an, ak, av, "class "+name+" slot_usage "+an))
			})
		case "unique_keys":
			p.namedEntries(v, "class "+name+" unique_keys", func(un string, uk, uv *yaml.Node) {
				u := UniqueKey{Name: un}
				p.fields(uv, "uniquekey", "class "+name+" unique key "+un, func(key string, kn, vv *yaml.Node) {
					switch key {
					case "unique_key_slots":
						u.Slots = p.strList(vv, key)
					case "consider_nulls_inequal":
						u.ConsiderNullsInequal = p.boolv(vv, key)
					}
				})
				c.UniqueKeys = append(c.UniqueKeys, u)
			})
		case "any_of":
			c.AnyOf = p.classExprs(v, "class "+name+" any_of")
		case "all_of":
			c.AllOf = p.classExprs(v, "class "+name+" all_of")
		case "exactly_one_of":
			c.ExactlyOneOf = p.classExprs(v, "class "+name+" exactly_one_of")
		case "none_of":
			c.NoneOf = p.classExprs(v, "class "+name+" none_of")
		case "rules":
			c.Rules = p.rules(v, "class "+name)
		default:
			p.extra(&c.Element, key, v)
		}
	})
	return c
}

// parsed is one module's content before merging.
type parsed struct {
	mod       *Module
	importPos []Pos
	types     []*Type
	enums     []*Enum
	classes   []*Class
	slots     []*Slot
}

func (p *parser) parseModule(root *yaml.Node) *parsed {
	out := &parsed{mod: &Module{Source: p.file}}
	n := deref(root)
	if n == nil || isNull(n) {
		p.errs = append(p.errs, schemaError(Pos{File: p.file}, "empty schema file", "a LinkML schema needs at least id and name"))
		return out
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "a schema must be a mapping (id, name, classes, ...), got %s", nodeKind(n))
		return out
	}
	m := out.mod
	m.Pos = p.pos(n)
	p.fields(n, "schema", "schema", func(key string, k, v *yaml.Node) {
		switch key {
		case "id":
			m.ID = p.str(v, key)
		case "name":
			m.Name = p.str(v, key)
			if m.Name != "" {
				p.module = m.Name
			}
		case "description":
			m.Description = p.str(v, key)
		case "version":
			m.Version = p.str(v, key)
		case "default_prefix":
			m.DefaultPrefix = p.str(v, key)
		case "default_range":
			m.DefaultRange = p.str(v, key)
		case "prefixes":
			if v.Kind != yaml.MappingNode {
				if !isNull(v) {
					p.errorf(v, "prefixes must be a mapping of prefix to URI")
				}
				return
			}
			for i := 0; i+1 < len(v.Content); i += 2 {
				pk, pv := v.Content[i], deref(v.Content[i+1])
				ref := ""
				if pv.Kind == yaml.ScalarNode {
					ref = pv.Value
				} else {
					p.fields(pv, "prefix", "prefix "+pk.Value, func(key string, _, vv *yaml.Node) {
						if key == "prefix_reference" {
							ref = p.str(vv, key)
						}
					})
				}
				m.Prefixes = append(m.Prefixes, Prefix{Prefix: pk.Value, Reference: ref})
			}
		case "settings":
			if v.Kind != yaml.MappingNode {
				if !isNull(v) {
					p.errorf(v, "settings must be a mapping of names to values")
				}
				return
			}
			m.Settings = map[string]string{}
			for i := 0; i+1 < len(v.Content); i += 2 {
				sk, sv := v.Content[i], deref(v.Content[i+1])
				val := ""
				if sv.Kind == yaml.ScalarNode {
					val = sv.Value
				} else {
					p.fields(sv, "setting", "setting "+sk.Value, func(key string, _, vv *yaml.Node) {
						if key == "setting_value" {
							val = p.str(vv, key)
						}
					})
				}
				m.Settings[sk.Value] = val
			}
		case "imports":
			m.Imports = p.strList(v, key)
			if v.Kind == yaml.SequenceNode {
				for _, c := range v.Content {
					out.importPos = append(out.importPos, p.pos(c))
				}
			} else {
				out.importPos = append(out.importPos, p.pos(v))
			}
		case "types":
			p.namedEntries(v, "types", func(name string, k, v *yaml.Node) { out.types = append(out.types, p.parseType(name, k, v)) })
		case "enums":
			p.namedEntries(v, "enums", func(name string, k, v *yaml.Node) { out.enums = append(out.enums, p.parseEnum(name, k, v)) })
		case "classes":
			p.namedEntries(v, "classes", func(name string, k, v *yaml.Node) { out.classes = append(out.classes, p.parseClass(name, k, v)) })
		case "slots":
			p.namedEntries(v, "slots", func(name string, k, v *yaml.Node) {
				out.slots = append(out.slots, p.parseSlot(name, k, v, "slot "+name))
			})
		default:
			var val any
			if err := v.Decode(&val); err == nil {
				if m.Extra == nil {
					m.Extra = map[string]any{}
				}
				m.Extra[key] = val
			}
		}
	})
	if m.ID == "" {
		p.warnings = append(p.warnings, Warning{Pos: m.Pos, Msg: "schema has no id (LinkML requires one)"})
	}
	if m.Name == "" {
		p.warnings = append(p.warnings, Warning{Pos: m.Pos, Msg: "schema has no name (LinkML requires one)"})
	}
	out.resolveStructuredPatterns()
	// elements parsed before the name key was seen carry the file name
	for _, t := range out.types {
		t.Module = p.module
	}
	for _, e := range out.enums {
		e.Module = p.module
	}
	for _, c := range out.classes {
		c.Module = p.module
	}
	for _, s := range out.slots {
		s.Module = p.module
	}
	return out
}
