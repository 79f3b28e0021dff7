package linkml

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"time"

	"github.com/dlclark/regexp2/v2"
)

// Patterns follow Python re semantics, as linkml-validate (jsonschema on
// Python) does: the pattern is searched, `$` also matches before a final
// newline, \w \d \s (and \b) are Unicode, \Z is the very end, and
// lookaround, backreferences and conditionals are allowed.
//
// translatePattern rewrites a Python pattern into an equivalent one for
// Go's RE2 when it can (Unicode classes spelled out, a final `$` as
// `\n?\z`, \Z as \z); patterns RE2 cannot express (lookaround,
// backreferences, conditionals, verbose mode, `$` before the end of the
// pattern, \b with Unicode words) go to the backtracking engine
// github.com/dlclark/regexp2, with a match timeout. RE2 stays the engine of
// every pattern it can run: it is linear-time and faster.

// Python's Unicode \w, \d, \s as RE2/regexp2 class contents.
const (
	pyWord  = `\p{L}\p{N}_`
	pyDigit = `\p{Nd}`
	pySpace = `\t\n\v\f\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}`
)

// patternMatchTimeout bounds one backtracking match.
const patternMatchTimeout = time.Second

// translatePattern returns the pattern for Go engines and whether it needs
// the backtracking engine.
func translatePattern(p string) (string, bool) {
	var b strings.Builder
	backtrack := false
	ascii, multiline := false, false
	if rest, ok := strings.CutPrefix(p, "(?a)"); ok {
		p, ascii = rest, true
	}
	if strings.Contains(p, "(?m") || strings.Contains(p, "(?x") || strings.Contains(p, "(?s") {
		multiline = strings.Contains(p, "(?m")
		backtrack = backtrack || strings.Contains(p, "(?x")
	}
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			e := p[i+1]
			i++
			switch e {
			case 'd', 'w', 's':
				if ascii {
					b.WriteByte('\\')
					b.WriteByte(e)
					continue
				}
				cls := map[byte]string{'d': pyDigit, 'w': pyWord, 's': pySpace}[e]
				if inClass {
					b.WriteString(cls)
				} else {
					b.WriteString("[" + cls + "]")
				}
			case 'D', 'W', 'S':
				if ascii || inClass {
					b.WriteByte('\\')
					b.WriteByte(e)
					continue
				}
				cls := map[byte]string{'D': pyDigit, 'W': pyWord, 'S': pySpace}[e]
				b.WriteString("[^" + cls + "]")
			case 'Z':
				b.WriteString(`\z`)
			case 'b', 'B':
				if !ascii && !inClass {
					backtrack = true
				}
				b.WriteByte('\\')
				b.WriteByte(e)
			case '1', '2', '3', '4', '5', '6', '7', '8', '9':
				if !inClass {
					backtrack = true
				}
				b.WriteByte('\\')
				b.WriteByte(e)
			default:
				b.WriteByte('\\')
				b.WriteByte(e)
			}
		case inClass:
			if c == ']' {
				inClass = false
			}
			b.WriteByte(c)
		case c == '[':
			inClass = true
			b.WriteByte(c)
			// a ] right after [ or [^ is a literal
			if i+1 < len(p) && p[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(p) && p[i+1] == ']' {
				b.WriteByte(']')
				i++
			}
		case c == '(' && strings.HasPrefix(p[i:], "(?P="):
			end := strings.IndexByte(p[i:], ')')
			if end < 0 {
				b.WriteString(p[i:])
				i = len(p)
				continue
			}
			b.WriteString(`\k<` + p[i+4:i+end] + `>`)
			i += end
			backtrack = true
		case c == '(' && (strings.HasPrefix(p[i:], "(?=") || strings.HasPrefix(p[i:], "(?!") ||
			strings.HasPrefix(p[i:], "(?<=") || strings.HasPrefix(p[i:], "(?<!") || strings.HasPrefix(p[i:], "(?(") ||
			strings.HasPrefix(p[i:], "(?>")):
			backtrack = true
			b.WriteByte(c)
		case c == '$' && !multiline:
			if i == len(p)-1 {
				b.WriteString(`(?:\n?\z)`)
			} else {
				// `$` inside the pattern: a lookahead for the optional final newline
				b.WriteString(`(?=\n?\z)`)
				backtrack = true
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), backtrack
}

// matcher is a compiled pattern: RE2 or regexp2.
type matcher interface {
	MatchString(s string) bool
}

type re2Matcher struct{ re *regexp2.Regexp }

func (m re2Matcher) MatchString(s string) bool {
	ok, err := m.re.MatchString(s)
	return ok && err == nil
}

// pattern is a compiled LinkML pattern. Patterns that are one anchored
// ASCII character class with a repeat count (^[0-9a-fA-F]{6}$,
// ^[A-Za-z0-9-]+$) are matched with a byte table instead of the regexp
// engine: the common case for identifiers and codes, on the hot path.
type pattern struct {
	re        matcher
	backtrack bool // re is the backtracking engine
	fast      bool
	set       [256]bool
	min, max  int // max < 0: unbounded
}

func (p *pattern) MatchString(s string) bool {
	if !p.fast {
		return p.re.MatchString(s)
	}
	if p.matchSet(s) {
		return true
	}
	// Python's $ also matches before a final newline
	return len(s) > 0 && s[len(s)-1] == '\n' && p.matchSet(s[:len(s)-1])
}

func (p *pattern) matchSet(s string) bool {
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

var patternCache sync.Map // source -> *pattern

// compilePattern compiles a LinkML (Python re) pattern; like JSON Schema,
// the pattern is searched, not anchored.
func compilePattern(src string) (*pattern, error) {
	if p, ok := patternCache.Load(src); ok {
		return p.(*pattern), nil
	}
	tr, backtrack := translatePattern(src)
	p := &pattern{}
	if !backtrack {
		re, err := regexp.Compile(tr)
		if err == nil {
			p.re = re
			p.setFast(tr)
		} else {
			backtrack = true
		}
	}
	if backtrack {
		bt := strings.ReplaceAll(tr, "(?P<", "(?<")
		re, err := regexp2.Compile(bt, regexp2.None)
		if err != nil {
			return nil, fmt.Errorf("pattern %q is not a valid regular expression: %v", src, err)
		}
		re.MatchTimeout = patternMatchTimeout
		p.re, p.backtrack = re2Matcher{re}, true
	}
	patternCache.Store(src, p)
	return p, nil
}

// setFast recognizes ^<class><repeat>(?:\n?\z) over ASCII classes.
func (p *pattern) setFast(src string) {
	t, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return
	}
	if t.Op != syntax.OpConcat || len(t.Sub) < 3 || t.Sub[0].Op != syntax.OpBeginText || t.Sub[len(t.Sub)-1].Op != syntax.OpEndText {
		return
	}
	subs := t.Sub[1 : len(t.Sub)-1]
	if len(subs) == 2 && subs[1].Op == syntax.OpQuest && len(subs[1].Sub) == 1 &&
		subs[1].Sub[0].Op == syntax.OpLiteral && string(subs[1].Sub[0].Rune) == "\n" {
		subs = subs[:1] // the final-newline tolerance of `$`, handled by MatchString
	} else {
		return // an exact end (\Z) or something else: leave it to the engine
	}
	body := subs[0]
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
		return
	}
	if cls.Op != syntax.OpCharClass || cls.Flags&syntax.FoldCase != 0 {
		return
	}
	var set [256]bool
	for i := 0; i+1 < len(cls.Rune); i += 2 {
		lo, hi := cls.Rune[i], cls.Rune[i+1]
		if hi > 127 {
			return // non-ASCII ranges: leave them to the regexp engine
		}
		for r := lo; r <= hi; r++ {
			set[r] = true
		}
	}
	p.set, p.fast = set, true
}
