package linkml

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// valueKind is what a slot's (single) value must be.
type valueKind uint8

const (
	kString valueKind = iota
	kInt
	kNumber
	kBool
	kDate
	kDateTime
	kTime
	kURI
	kEnum
	kObject // inlined class
	kRef    // reference to a class instance by identifier
	kAny    // no constraint (linkml:Any)
)

var kindNames = [...]string{"string", "integer", "number", "boolean", "date", "datetime", "time", "uri", "enum", "object", "reference", "any"}

func (k valueKind) String() string { return kindNames[k] }

// slotPlan is one induced slot compiled for validation.
type slotPlan struct {
	name        string
	rangeName   string
	kind        valueKind
	required    bool
	multivalued bool
	dictForm    bool      // multivalued inlined with identifier: object keyed by id
	dictNullOK  bool      // dict form: a null value is allowed (no required non-id slots)
	dictSimple  *slotPlan // dict form: the slot an atomic value stands for (SimpleDict)
	pattern     *pattern
	patternSrc  string
	min, max    *float64
	equals      *string
	enum        map[string]struct{}
	enumName    string
	nested      []*classPlan // inlined: candidate classes (range + concrete descendants)
	refClass    string       // kRef: the range class
	refKind     valueKind    // kRef: kind of the range class's identifier
	identifier  bool
	key         string   // the key in data (alias, or name with spaces as underscores)
	eqNum       *float64 // equals_number
	eqIn        []string // equals_string_in
	minCard     *int     // minimum_cardinality (lists and dicts)
	maxCard     *int
	// slot expressions: each is checked against the value (each element
	// of a list)
	anyOf, allOf, oneOf, noneOf []*slotPlan
	array                       *arrayPlan // array: the value is a nested list of leaves
}

// classPlan is a class compiled for validation: its induced slots, by
// position and by name.
type classPlan struct {
	class string
	slots []*slotPlan
	index map[string]int
	idPos int // position of the identifier slot, -1 when none
	// checks are the class expressions, rules and type designator, nil
	// when the class has none
	checks *classChecks
}

// planCache compiles each class once per schema.
type planCache struct {
	mu    sync.Mutex
	plans map[string]*classPlan
}

func (s *Schema) plan(class string) (*classPlan, error) {
	pc := &s.plans
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.plans == nil {
		pc.plans = map[string]*classPlan{}
	}
	return s.compileClass(class, pc.plans)
}

func (s *Schema) compileClass(class string, done map[string]*classPlan) (*classPlan, error) {
	if p := done[class]; p != nil {
		return p, nil
	}
	if s.classes[class] == nil {
		return nil, notFound("class", class, "run 'ccc schema classes' to list the classes")
	}
	cp := &classPlan{class: class, index: map[string]int{}, idPos: -1}
	done[class] = cp // before compiling slots: recursive ranges
	for _, sl := range s.induced[class] {
		sp, err := s.compileSlot(sl, done)
		if err != nil {
			return nil, err
		}
		cp.index[sp.key] = len(cp.slots)
		if isTrue(sl.Identifier) && cp.idPos < 0 {
			cp.idPos = len(cp.slots)
		}
		cp.slots = append(cp.slots, sp)
	}
	if err := s.compileClassChecks(cp, done); err != nil {
		return nil, err
	}
	if cp.idPos < 0 {
		for i := range cp.slots {
			if isTrue(s.induced[class][i].Key) {
				cp.idPos = i
				break
			}
		}
	}
	return cp, nil
}

func (s *Schema) compileSlot(sl *Slot, done map[string]*classPlan) (*slotPlan, error) {
	sp := &slotPlan{
		name: sl.Name, key: DataKey(sl), rangeName: sl.Range,
		required:    sl.IsRequired(),
		multivalued: sl.IsMultivalued(),
		identifier:  sl.IsIdentifier(),
		minCard:     sl.MinCardinality,
		maxCard:     sl.MaxCardinality,
	}
	if sl.Range == "" || sl.NoRange {
		sp.kind = kAny // no range and no default_range: any value, as gen-json-schema
	} else if err := s.fillRange(sp, sl.Range, sl, done); err != nil {
		return nil, err
	}
	c := exprConstraints{pattern: sl.Pattern, min: sl.MinimumValue, max: sl.MaximumValue, eq: sl.EqualsString, eqNum: sl.EqualsNumber, eqIn: sl.EqualsStringIn}
	if err := sp.constrain(c); err != nil {
		return nil, fmt.Errorf("slot %s: %w", sl.Name, err)
	}
	if err := s.compileBool(sp, sl, sl.AnyOf, sl.AllOf, sl.ExactlyOneOf, sl.NoneOf, done); err != nil {
		return nil, err
	}
	defer sp.setArray(sl.Array)
	if sp.hasBool() && (sl.KeyPos["range"] == (Pos{}) || sl.Range == s.Root.DefaultRange) {
		// like gen-json-schema: the boolean expression replaces a range
		// that was only inherited from default_range
		sp.kind = kAny
		sp.pattern, sp.min, sp.max, sp.enum, sp.equals, sp.eqNum, sp.eqIn = nil, nil, nil, nil, nil, nil, nil
		if err := sp.constrain(c); err != nil {
			return nil, err
		}
	}
	return sp, nil
}

// DataKey is the key of an induced slot in data: its alias, else its name
// with spaces as underscores (as gen-json-schema names properties).
func DataKey(sl *Slot) string {
	if sl.Alias != "" {
		return strings.ReplaceAll(sl.Alias, " ", "_")
	}
	return strings.ReplaceAll(sl.Name, " ", "_")
}

func (sp *slotPlan) hasBool() bool {
	return len(sp.anyOf) > 0 || len(sp.allOf) > 0 || len(sp.oneOf) > 0 || len(sp.noneOf) > 0
}

// compileBool compiles the slot expressions of any_of, all_of,
// exactly_one_of and none_of into sp.
func (s *Schema) compileBool(sp *slotPlan, sl *Slot, anyOf, allOf, oneOf, noneOf []SlotExpr, done map[string]*classPlan) error {
	for _, g := range []struct {
		exprs []SlotExpr
		dst   *[]*slotPlan
	}{{anyOf, &sp.anyOf}, {allOf, &sp.allOf}, {oneOf, &sp.oneOf}, {noneOf, &sp.noneOf}} {
		for _, e := range g.exprs {
			alt, err := s.compileExpr(e, sl, done)
			if err != nil {
				return err
			}
			alt.name = sp.name
			*g.dst = append(*g.dst, alt)
		}
	}
	return nil
}

// compileExpr compiles an anonymous slot expression: a value check with
// the expression's own range (any value when it has none).
func (s *Schema) compileExpr(e SlotExpr, sl *Slot, done map[string]*classPlan) (*slotPlan, error) {
	alt := &slotPlan{name: sl.Name, rangeName: e.Range, kind: kAny}
	if e.Range != "" {
		probe := *sl
		probe.Range = e.Range
		if err := s.fillRange(alt, e.Range, &probe, done); err != nil {
			return nil, err
		}
	}
	c := exprConstraints{pattern: e.Pattern, min: e.MinimumValue, max: e.MaximumValue, eq: e.EqualsString, eqNum: e.EqualsNumber, eqIn: e.EqualsStringIn}
	if err := alt.constrain(c); err != nil {
		return nil, fmt.Errorf("slot %s: %w", sl.Name, err)
	}
	alt.minCard, alt.maxCard = e.MinCardinality, e.MaxCardinality
	if err := s.compileBool(alt, sl, e.AnyOf, e.AllOf, e.ExactlyOneOf, e.NoneOf, done); err != nil {
		return nil, err
	}
	alt.setArray(e.Array)
	return alt, nil
}

// exprConstraints are the value constraints of a slot, type or expression.
type exprConstraints struct {
	pattern  string
	min, max *float64
	eq       string
	eqNum    *float64
	eqIn     []string
}

// constrain adds constraints; they take precedence over the type's, as in
// the JSON Schema linkml-validate generates (equals_string and
// equals_number are both its const: the later one wins).
func (sp *slotPlan) constrain(c exprConstraints) error {
	if c.pattern != "" {
		p, err := compilePattern(c.pattern)
		if err != nil {
			return err
		}
		sp.pattern, sp.patternSrc = p, c.pattern
	}
	if c.min != nil {
		sp.min = c.min
	}
	if c.max != nil {
		sp.max = c.max
	}
	if c.eq != "" {
		v := c.eq
		sp.equals, sp.eqNum = &v, nil
	}
	if c.eqNum != nil {
		sp.eqNum, sp.equals = c.eqNum, nil
	}
	if c.eqIn != nil {
		sp.eqIn = c.eqIn
	}
	return nil
}

func (s *Schema) fillRange(sp *slotPlan, rng string, sl *Slot, done map[string]*classPlan) error {
	switch {
	case rng == "" || rng == "Any" || rng == "linkml:Any":
		sp.kind = kAny
	case s.enums[rng] != nil:
		sp.kind = kEnum
		sp.enum = s.enumSets[rng]
		sp.enumName = rng
	case s.types[rng] != nil:
		rt := s.typeResolve[rng]
		sp.kind = kindOfBase(rt.Base)
		if rt.Pattern == "" && rt.Base == "ncname" {
			cp := *rt
			cp.Pattern = `^[a-zA-Z_][\w.-]*$`
			rt = &cp
		}
		if err := sp.constrain(exprConstraints{pattern: rt.Pattern, min: rt.MinimumValue, max: rt.MaximumValue, eq: rt.EqualsString, eqNum: rt.EqualsNumber, eqIn: rt.EqualsStringIn}); err != nil {
			return fmt.Errorf("type %s: %w", rng, err)
		}
	case s.classes[rng] != nil:
		if s.classes[rng].Name == "Any" && s.classes[rng].ClassURI == "linkml:Any" {
			sp.kind = kAny
			return nil
		}
		probe := &Slot{Range: rng, Inlined: sl.Inlined, InlinedAsList: sl.InlinedAsList}
		if s.IsInlined(probe) {
			sp.kind = kObject
			// the dict form is keyed by the identifier, or else the key
			// (gen-json-schema's get_range_associated_slots)
			sp.dictForm = sp.multivalued && !isTrue(sl.InlinedAsList) && s.IdentifierSlot(rng, true) != nil
			cands := []string{}
			for _, c := range append([]string{rng}, s.Descendants(rng)...) {
				if !s.classes[c].Abstract {
					cands = append(cands, c)
				}
			}
			if len(cands) == 0 {
				cands = []string{rng}
			}
			for _, c := range cands {
				cp, err := s.compileClass(c, done)
				if err != nil {
					return err
				}
				sp.nested = append(sp.nested, cp)
			}
			if sp.dictForm {
				// as gen-json-schema's get_range_associated_slots
				id := s.IdentifierSlot(rng, true)
				var nonID, req []*Slot
				for _, o := range s.induced[rng] {
					if id != nil && o.Name == id.Name {
						continue
					}
					nonID = append(nonID, o)
					if o.IsRequired() {
						req = append(req, o)
					}
				}
				sp.dictNullOK = len(req) == 0
				var simple *Slot
				switch {
				case len(nonID) == 1:
					simple = nonID[0]
				case len(req) == 1:
					simple = req[0]
				}
				if simple != nil {
					ssp, err := s.compileSlot(simple, done)
					if err != nil {
						return err
					}
					sp.dictSimple = ssp
				}
			}
		} else {
			sp.kind = kRef
			sp.refClass = rng
			id := s.IdentifierSlot(rng, false)
			sp.refKind = kString
			if id != nil {
				if k, ok := s.RangeKind(id.Range); ok && k == RangeType {
					sp.refKind = kindOfBase(s.typeResolve[id.Range].Base)
				}
			}
		}
	default:
		return notFound("range", rng, "")
	}
	return nil
}

// kindOfBase maps a type's Python base to a value kind, as gen-json-schema
// does (unknown bases are strings).
func kindOfBase(base string) valueKind {
	switch base {
	case "int", "integer":
		return kInt
	case "float", "double", "decimal":
		return kNumber
	case "bool", "boolean":
		return kBool
	case "xsddate":
		return kDate
	case "xsddatetime":
		return kDateTime
	case "xsdtime":
		return kTime
	case "uri":
		return kURI
	}
	return kString
}

func (sp *slotPlan) describeEnum() string {
	vals := make([]string, 0, len(sp.enum))
	for v := range sp.enum {
		vals = append(vals, v)
	}
	sort.Strings(vals)
	if len(vals) > 8 {
		vals = append(vals[:8], "...")
	}
	return strings.Join(vals, ", ")
}
