package linkml

import (
	"regexp"
	"regexp/syntax"
)

// pattern is a compiled LinkML pattern. Patterns that are one anchored
// ASCII character class with a repeat count (^[0-9a-fA-F]{6}$,
// ^[A-Za-z0-9-]+$) are matched with a byte table instead of the regexp
// engine: the common case for identifiers and codes, on the hot path.
type pattern struct {
	re       *regexp.Regexp
	fast     bool
	set      [256]bool
	min, max int // max < 0: unbounded
}

func (p *pattern) MatchString(s string) bool {
	if !p.fast {
		return p.re.MatchString(s)
	}
	if len(s) < p.min || (p.max >= 0 && len(s) > p.max) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !p.set[s[i]] {
			return false
		}
	}
	return true
}

func newPattern(re *regexp.Regexp, src string) *pattern {
	p := &pattern{re: re}
	t, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return p
	}
	if t.Op != syntax.OpConcat || len(t.Sub) != 3 || t.Sub[0].Op != syntax.OpBeginText || t.Sub[2].Op != syntax.OpEndText {
		return p
	}
	body := t.Sub[1]
	cls := body
	switch body.Op {
	case syntax.OpCharClass:
		p.min, p.max = 1, 1
	case syntax.OpPlus:
		p.min, p.max, cls = 1, -1, body.Sub[0]
	case syntax.OpStar:
		p.min, p.max, cls = 0, -1, body.Sub[0]
	case syntax.OpQuest:
		p.min, p.max, cls = 0, 1, body.Sub[0]
	case syntax.OpRepeat:
		p.min, p.max, cls = body.Min, body.Max, body.Sub[0]
	default:
		return p
	}
	if cls.Op != syntax.OpCharClass || cls.Flags&syntax.FoldCase != 0 {
		return p
	}
	for i := 0; i+1 < len(cls.Rune); i += 2 {
		lo, hi := cls.Rune[i], cls.Rune[i+1]
		if hi > 127 {
			return p // non-ASCII ranges: leave them to the regexp engine
		}
		for r := lo; r <= hi; r++ {
			p.set[r] = true
		}
	}
	p.fast = true
	return p
}
