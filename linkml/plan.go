package linkml

import (
	"fmt"
	"regexp"
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
	alts        []*slotPlan  // any_of / exactly_one_of alternatives
	exactlyOne  bool
	identifier  bool
}

// classPlan is a class compiled for validation: its induced slots, by
// position and by name.
type classPlan struct {
	class string
	slots []*slotPlan
	index map[string]int
	idPos int // position of the identifier slot, -1 when none
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
		cp.index[sl.Name] = len(cp.slots)
		if isTrue(sl.Identifier) && cp.idPos < 0 {
			cp.idPos = len(cp.slots)
		}
		cp.slots = append(cp.slots, sp)
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
		name: sl.Name, rangeName: sl.Range,
		required:    sl.IsRequired(),
		multivalued: sl.IsMultivalued(),
		identifier:  sl.IsIdentifier(),
	}
	if err := s.fillRange(sp, sl.Range, sl, done); err != nil {
		return nil, err
	}
	pat, min, max, eq := sl.Pattern, sl.MinimumValue, sl.MaximumValue, sl.EqualsString
	if err := sp.constrain(pat, min, max, eq); err != nil {
		return nil, fmt.Errorf("slot %s: %w", sl.Name, err)
	}
	exprs, one := sl.AnyOf, false
	if len(sl.ExactlyOneOf) > 0 {
		exprs, one = sl.ExactlyOneOf, true
	}
	for _, e := range exprs {
		alt := &slotPlan{name: sl.Name, rangeName: e.Range, kind: kAny}
		if e.Range != "" {
			if err := s.fillRange(alt, e.Range, sl, done); err != nil {
				return nil, err
			}
		}
		if err := alt.constrain(e.Pattern, e.MinimumValue, e.MaximumValue, e.EqualsString); err != nil {
			return nil, fmt.Errorf("slot %s: %w", sl.Name, err)
		}
		sp.alts = append(sp.alts, alt)
	}
	sp.exactlyOne = one
	if len(sp.alts) > 0 && (sl.KeyPos["range"] == (Pos{}) || sl.Range == s.Root.DefaultRange) {
		// like gen-json-schema: the boolean expression replaces a range
		// that was only inherited from default_range
		sp.kind = kAny
		sp.pattern, sp.min, sp.max, sp.enum = nil, nil, nil, nil
		if err := sp.constrain(pat, min, max, eq); err != nil {
			return nil, err
		}
	}
	return sp, nil
}

// constrain adds slot-level constraints; they take precedence over the
// type's, as in the JSON Schema linkml-validate generates.
func (sp *slotPlan) constrain(pat string, min, max *float64, eq string) error {
	if pat != "" {
		re, err := compilePattern(pat)
		if err != nil {
			return err
		}
		sp.pattern, sp.patternSrc = newPattern(re, pat), pat
	}
	if min != nil {
		sp.min = min
	}
	if max != nil {
		sp.max = max
	}
	if eq != "" {
		v := eq
		sp.equals = &v
	}
	return nil
}

var patternCache sync.Map

// compilePattern compiles a LinkML (Python re) pattern with Go's RE2. Like
// JSON Schema, the pattern is searched, not anchored.
func compilePattern(p string) (*regexp.Regexp, error) {
	if re, ok := patternCache.Load(p); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("pattern %q is not a valid regular expression: %v", p, err)
	}
	patternCache.Store(p, re)
	return re, nil
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
			rt = &resolvedType{Pattern: `^[a-zA-Z_][\w.-]*$`, MinimumValue: rt.MinimumValue, MaximumValue: rt.MaximumValue, EqualsString: rt.EqualsString}
		}
		if err := sp.constrain(rt.Pattern, rt.MinimumValue, rt.MaximumValue, rt.EqualsString); err != nil {
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
			sp.dictForm = sp.multivalued && !isTrue(sl.InlinedAsList) && s.IdentifierSlot(rng, false) != nil
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
