package linkml

import (
	"fmt"
	"reflect"
	"strings"
)

// Boolean slot expressions, cardinality, class expressions, rules and
// type designators, with the semantics of the JSON Schema gen-json-schema
// writes for linkml-validate.

// holds checks val against an alternative without reporting.
func (st *state) holds(alt *slotPlan, val any) bool {
	st.quiet++
	before := st.failed
	st.checkValue(alt, val)
	st.quiet--
	ok := st.failed == before
	st.failed = before
	return ok
}

// checkBool applies any_of (anyOf), exactly_one_of (oneOf), all_of
// (allOf) and none_of (not anyOf) to one value.
func (st *state) checkBool(sp *slotPlan, val any) bool {
	ok := true
	if len(sp.anyOf) > 0 || len(sp.oneOf) > 0 {
		for _, g := range []struct {
			alts []*slotPlan
			one  bool
		}{{sp.anyOf, false}, {sp.oneOf, true}} {
			if len(g.alts) == 0 {
				continue
			}
			n := 0
			for _, a := range g.alts {
				if st.holds(a, val) {
					n++
				}
			}
			if n == 0 || (g.one && n > 1) {
				what := "any_of"
				if g.one {
					what = "exactly_one_of"
				}
				st.report(RuleAnyOf, val, "%s matches %d of the %s alternatives of slot %s", quoteValue(val), n, what, sp.name)
				ok = false
			}
		}
	}
	for i, a := range sp.allOf {
		if !st.holds(a, val) {
			st.report(RuleAnyOf, val, "%s fails expression %d of the all_of of slot %s", quoteValue(val), i+1, sp.name)
			ok = false
		}
	}
	for i, a := range sp.noneOf {
		if st.holds(a, val) {
			st.report(RuleAnyOf, val, "%s matches expression %d of the none_of of slot %s", quoteValue(val), i+1, sp.name)
			ok = false
		}
	}
	return ok
}

// checkCardinality applies minimum/maximum_cardinality to a list or a
// dict of n values.
func (st *state) checkCardinality(sp *slotPlan, val any, n int) {
	if sp.minCard != nil && n < *sp.minCard {
		st.report(RuleCardinality, val, "slot %s has %d values, fewer than the minimum_cardinality %d", sp.name, n, *sp.minCard)
	}
	if sp.maxCard != nil && n > *sp.maxCard {
		st.report(RuleCardinality, val, "slot %s has %d values, more than the maximum_cardinality %d", sp.name, n, *sp.maxCard)
	}
}

func listLen(val any) (int, bool) {
	switch l := val.(type) {
	case []any:
		return len(l), true
	case []string:
		return len(l), true
	case []int64:
		return len(l), true
	case []float64:
		return len(l), true
	}
	rv := reflect.ValueOf(val)
	if rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
		return rv.Len(), true
	}
	return 0, false
}

// classExprPlan is a compiled anonymous class expression.
type classExprPlan struct {
	conds                       []condPlan
	anyOf, allOf, oneOf, noneOf []*classExprPlan
}

// condPlan is one slot condition: the value constraints of the condition
// (without the slot's type), on the key of the slot.
type condPlan struct {
	key         string
	required    *bool
	multivalued bool
	sp          *slotPlan
}

// classChecks are the class-level checks of a class plan.
type classChecks struct {
	anyOf, allOf, oneOf, noneOf []*classExprPlan
	rules                       []rulePlan
	designator                  int      // position of the designates_type slot, -1 when none
	designated                  []string // the designator values that name this class
}

type rulePlan struct {
	pre, post, els *classExprPlan
}

func (c *classChecks) empty() bool {
	return len(c.anyOf)+len(c.allOf)+len(c.oneOf)+len(c.noneOf)+len(c.rules) == 0 && c.designator < 0
}

func (s *Schema) compileClassChecks(cp *classPlan, done map[string]*classPlan) error {
	cc := &classChecks{designator: -1}
	c := s.classes[cp.class]
	var err error
	comp := func(es []*ClassExpr) []*classExprPlan {
		var out []*classExprPlan
		for _, e := range es {
			p, e2 := s.compileClassExpr(cp.class, e, done)
			if e2 != nil && err == nil {
				err = e2
			}
			out = append(out, p)
		}
		return out
	}
	cc.anyOf, cc.allOf, cc.oneOf, cc.noneOf = comp(c.AnyOf), comp(c.AllOf), comp(c.ExactlyOneOf), comp(c.NoneOf)
	for _, a := range s.Ancestors(cp.class) {
		for _, r := range s.classes[a].Rules {
			one := func(e *ClassExpr) *classExprPlan {
				if e == nil {
					return nil
				}
				return comp([]*ClassExpr{e})[0]
			}
			cc.rules = append(cc.rules, rulePlan{pre: one(r.Preconditions), post: one(r.Postconditions), els: one(r.Elseconditions)})
		}
	}
	for i, sl := range s.induced[cp.class] {
		if isTrue(sl.DesignatesType) {
			cc.designator = i
			cc.designated = s.designatorValues(sl, cp.class)
			break
		}
	}
	if err != nil {
		return err
	}
	if !cc.empty() {
		cp.checks = cc
	}
	return nil
}

func (s *Schema) compileClassExpr(class string, e *ClassExpr, done map[string]*classPlan) (*classExprPlan, error) {
	p := &classExprPlan{}
	for _, cond := range e.SlotConditions {
		base := s.InducedSlot(class, cond.Name)
		if base == nil {
			base = s.slots[cond.Name]
		}
		if base == nil {
			return nil, schemaError(cond.Pos, fmt.Sprintf("class %s: slot_conditions names %s, which is not a slot", class, cond.Name), "name a slot of the class")
		}
		probe := &Slot{Element: Element{Name: cond.Name}}
		sp := &slotPlan{name: cond.Name, kind: kAny}
		if cond.Range != "" && s.types[cond.Range] != nil {
			rt := s.typeResolve[cond.Range]
			if err := sp.constrain(exprConstraints{pattern: rt.Pattern, min: rt.MinimumValue, max: rt.MaximumValue, eq: rt.EqualsString, eqNum: rt.EqualsNumber, eqIn: rt.EqualsStringIn}); err != nil {
				return nil, err
			}
		}
		if err := sp.constrain(exprConstraints{pattern: cond.Pattern, min: cond.MinimumValue, max: cond.MaximumValue, eq: cond.EqualsString, eqNum: cond.EqualsNumber, eqIn: cond.EqualsStringIn}); err != nil {
			return nil, err
		}
		if err := s.compileBool(sp, probe, cond.AnyOf, cond.AllOf, cond.ExactlyOneOf, cond.NoneOf, done); err != nil {
			return nil, err
		}
		p.conds = append(p.conds, condPlan{key: strings.ReplaceAll(cond.Name, " ", "_"), required: cond.Required, multivalued: base.IsMultivalued(), sp: sp})
	}
	for _, g := range []struct {
		src []*ClassExpr
		dst *[]*classExprPlan
	}{{e.AnyOf, &p.anyOf}, {e.AllOf, &p.allOf}, {e.ExactlyOneOf, &p.oneOf}, {e.NoneOf, &p.noneOf}} {
		for _, sub := range g.src {
			sp, err := s.compileClassExpr(class, sub, done)
			if err != nil {
				return nil, err
			}
			*g.dst = append(*g.dst, sp)
		}
	}
	return p, nil
}

// exprHolds evaluates a class expression on a record; absent slots fail a
// condition when propsRequired (or the condition's required) says so.
func (st *state) exprHolds(e *classExprPlan, m map[string]any, propsRequired bool) bool {
	for _, c := range e.conds {
		v, present := m[c.key]
		req := propsRequired
		if c.required != nil {
			req = *c.required
		}
		if !present {
			if req {
				return false
			}
			continue
		}
		if v == nil {
			continue
		}
		if c.multivalued {
			n, isList := listLen(v)
			if !isList {
				return false
			}
			rv := reflect.ValueOf(v)
			for i := 0; i < n; i++ {
				if !st.holds(c.sp, rv.Index(i).Interface()) {
					return false
				}
			}
			continue
		}
		if !st.holds(c.sp, v) {
			return false
		}
	}
	count := func(es []*classExprPlan) int {
		n := 0
		for _, x := range es {
			if st.exprHolds(x, m, propsRequired) {
				n++
			}
		}
		return n
	}
	if len(e.anyOf) > 0 && count(e.anyOf) == 0 {
		return false
	}
	if len(e.allOf) > 0 && count(e.allOf) != len(e.allOf) {
		return false
	}
	if len(e.oneOf) > 0 && count(e.oneOf) != 1 {
		return false
	}
	if len(e.noneOf) > 0 && count(e.noneOf) > 0 {
		return false
	}
	return true
}

// checkClass applies the class-level checks to a record.
func (st *state) checkClass(cp *classPlan, m map[string]any) {
	cc := cp.checks
	count := func(es []*classExprPlan, req bool) int {
		n := 0
		for _, x := range es {
			if st.exprHolds(x, m, req) {
				n++
			}
		}
		return n
	}
	if len(cc.anyOf) > 0 && count(cc.anyOf, false) == 0 {
		st.report(RuleClassExpr, nil, "the record matches none of the any_of expressions of class %s", cp.class)
	}
	if len(cc.allOf) > 0 && count(cc.allOf, false) != len(cc.allOf) {
		st.report(RuleClassExpr, nil, "the record fails an all_of expression of class %s", cp.class)
	}
	if len(cc.oneOf) > 0 {
		if n := count(cc.oneOf, false); n != 1 {
			st.report(RuleClassExpr, nil, "the record matches %d of the exactly_one_of expressions of class %s", n, cp.class)
		}
	}
	if len(cc.noneOf) > 0 && count(cc.noneOf, true) > 0 {
		st.report(RuleClassExpr, nil, "the record matches a none_of expression of class %s", cp.class)
	}
	for i, r := range cc.rules {
		if r.pre == nil {
			continue // JSON Schema: then/else without if have no effect
		}
		if st.exprHolds(r.pre, m, true) {
			if r.post != nil && !st.exprHolds(r.post, m, true) {
				st.report(RuleClassRule, nil, "rule %d of class %s: the preconditions hold but the postconditions do not", i+1, cp.class)
			}
		} else if r.els != nil && !st.exprHolds(r.els, m, true) {
			st.report(RuleClassRule, nil, "rule %d of class %s: the preconditions do not hold and the elseconditions do not either", i+1, cp.class)
		}
	}
	if cc.designator >= 0 {
		sp := cp.slots[cc.designator]
		if v, ok := m[sp.key]; ok && v != nil {
			s, isStr := v.(string)
			found := false
			for _, d := range cc.designated {
				found = found || (isStr && s == d)
			}
			if !found {
				st.push(sp.key, -1)
				st.report(RuleDesignatesType, v, "type designator %s does not name class %s (expected %s)", quoteValue(v), cp.class, strings.Join(cc.designated, " or "))
				st.pop()
			}
		}
	}
}

// designatorValues are the values of a designates_type slot that name
// class, by the slot's range: the class name (string), its CURIE and URI
// (uriorcurie), its URI (uri), as gen-json-schema's type designators.
func (s *Schema) designatorValues(sl *Slot, class string) []string {
	anc := map[string]bool{}
	for t, hops := s.types[sl.Range], 0; t != nil && hops < 100; t, hops = s.types[t.Typeof], hops+1 {
		anc[t.Name] = true
		if t.Typeof == "" {
			break
		}
	}
	curie, uri := s.classCURIE(class)
	switch {
	case anc["uri"]:
		return []string{uri}
	case anc["uriorcurie"]:
		if curie == uri {
			return []string{uri}
		}
		return []string{curie, uri}
	case anc["string"]:
		return []string{class}
	}
	return []string{curie}
}

// classCURIE returns a class's class_uri (or default_prefix:Name) as a
// CURIE and expanded.
func (s *Schema) classCURIE(class string) (curie, uri string) {
	c := s.classes[class]
	curie = c.ClassURI
	if curie == "" {
		prefix := s.Root.DefaultPrefix
		if prefix == "" {
			prefix = s.Root.Name
		}
		curie = prefix + ":" + class
	}
	uri = curie
	if i := strings.Index(curie, ":"); i > 0 && !strings.HasPrefix(curie[i:], "://") {
		if base, ok := s.prefixes[curie[:i]]; ok {
			uri = base + curie[i+1:]
		}
	}
	return curie, uri
}
