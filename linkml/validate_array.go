package linkml

import (
	"fmt"
	"reflect"
)

// arrayPlan is a compiled array: specification: the nesting depths allowed
// for leaves, the cardinality of the labeled (outer) dimensions, and the
// plan leaves are checked with (the slot without its array), following
// gen-json-schema's array ranges.
type arrayPlan struct {
	dims       [][2]int // per labeled dimension: min, max items (-1 = no bound)
	minD, maxD int      // leaf depth bounds; maxD < 0: unbounded
	mixed      bool     // any shape: leaves may sit at different depths
	leaf       *slotPlan
}

func dimBounds(exact, min, max *int) [2]int {
	b := [2]int{-1, -1}
	switch {
	case exact != nil:
		b = [2]int{*exact, *exact}
	default:
		if min != nil {
			b[0] = *min
		}
		if max != nil {
			b[1] = *max
		}
	}
	return b
}

// setArray compiles an array specification into sp (nil: none).
func (sp *slotPlan) setArray(a *ArraySpec) {
	if a == nil {
		return
	}
	leaf := *sp
	ap := &arrayPlan{leaf: &leaf}
	for _, d := range a.Dimensions {
		ap.dims = append(ap.dims, dimBounds(d.ExactCardinality, d.MinimumCardinality, d.MaximumCardinality))
	}
	l := len(ap.dims)
	ival := func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
	exact := ival(a.ExactNumberDimensions)
	mn, mx := ival(a.MinimumNumberDimensions), ival(a.MaximumNumberDimensions)
	if exact == 0 && mn > 0 && mn == mx {
		exact = mn
	}
	switch {
	case exact > 0:
		ap.minD, ap.maxD = max(exact, l), max(exact, l)
	case a.MaxDimensionsFalse:
		ap.minD, ap.maxD, ap.mixed = max(l, mn, 1), -1, true
	case mx > 0:
		ap.minD, ap.maxD = max(l, mn), mx
	case l > 0 && mn == 0:
		ap.minD, ap.maxD = l, l
	default:
		ap.minD, ap.maxD, ap.mixed = max(l, mn, 1), -1, true
	}
	sp.array = ap
}

// checkArray validates a nested-list value against sp.array.
func (st *state) checkArray(sp *slotPlan, val any) {
	ap := sp.array
	leafDepth := -1
	var walk func(v any, d int) bool
	walk = func(v any, d int) bool {
		n, isList := listLen(v)
		if !isList {
			if d < ap.minD || (ap.maxD >= 0 && d > ap.maxD) {
				st.report(RuleType, v, "array %s: a value at depth %d, expected %s dimensions", sp.name, d, depthText(ap))
				return false
			}
			if !ap.mixed {
				if leafDepth < 0 {
					leafDepth = d
				} else if d != leafDepth {
					st.report(RuleType, v, "array %s is ragged: values at depths %d and %d", sp.name, leafDepth, d)
					return false
				}
			}
			st.checkValue(ap.leaf, v)
			return true
		}
		if ap.maxD >= 0 && d >= ap.maxD {
			st.report(RuleType, v, "array %s has more than %d dimensions", sp.name, ap.maxD)
			return false
		}
		if d < len(ap.dims) {
			b := ap.dims[d]
			if (b[0] >= 0 && n < b[0]) || (b[1] >= 0 && n > b[1]) {
				st.report(RuleCardinality, v, "array %s: dimension %d has %d items, expected %s", sp.name, d+1, n, boundsText(b))
				return false
			}
		}
		rv := reflect.ValueOf(v)
		for i := 0; i < n; i++ {
			st.stack = append(st.stack, seg{idx: i})
			ok := walk(rv.Index(i).Interface(), d+1)
			st.pop()
			if !ok {
				return false
			}
		}
		return true
	}
	walk(val, 0)
}

func depthText(ap *arrayPlan) string {
	switch {
	case ap.maxD < 0:
		return fmt.Sprintf("at least %d", ap.minD)
	case ap.minD == ap.maxD:
		return fmt.Sprintf("%d", ap.minD)
	}
	return fmt.Sprintf("%d to %d", ap.minD, ap.maxD)
}

func boundsText(b [2]int) string {
	switch {
	case b[0] == b[1]:
		return fmt.Sprintf("exactly %d", b[0])
	case b[1] < 0:
		return fmt.Sprintf("at least %d", b[0])
	case b[0] < 0:
		return fmt.Sprintf("at most %d", b[1])
	}
	return fmt.Sprintf("%d to %d", b[0], b[1])
}
