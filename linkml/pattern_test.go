package linkml

import (
	"math/rand"
	"regexp"
	"testing"
)

// TestPatternFastPath checks that the byte-table matcher agrees with the
// regexp engine on random strings.
func TestPatternFastPath(t *testing.T) {
	tests := []struct {
		src  string
		fast bool
	}{
		{`^[0-9a-fA-F]{6}$`, true},
		{`^[A-Za-z0-9/-]+$`, true},
		{`^[a-z]*$`, true},
		{`^[a-z]{2,4}$`, true},
		{`^[\n a]+$`, true},
		{`^\d+$`, false}, // Unicode digits: the regexp engine
		{`[0-9a-f]{6}`, false},
		{`^[a-z]+[0-9]$`, false},
		{`^[é-ü]+$`, false},
		{`^(?i)[a-f]+$`, false},
		{`^[a-f]+\Z`, false},
	}
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte("abcfgzAFZ0189/-_ é\n")
	for _, tc := range tests {
		p, err := compilePattern(tc.src)
		if err != nil {
			t.Fatal(err)
		}
		if p.fast != tc.fast || p.backtrack {
			t.Errorf("%s: fast=%v backtrack=%v, want fast=%v on RE2", tc.src, p.fast, p.backtrack, tc.fast)
		}
		tr, _ := translatePattern(tc.src)
		re := regexp.MustCompile(tr)
		for i := 0; i < 3000; i++ {
			b := make([]byte, rng.Intn(9))
			for j := range b {
				b[j] = alphabet[rng.Intn(len(alphabet))]
			}
			s := string(b)
			if got, want := p.MatchString(s), re.MatchString(s); got != want {
				t.Fatalf("%s on %q: fast %v, regexp %v", tc.src, s, got, want)
			}
		}
	}
}

// TestPatternPythonSemantics checks patterns against Python re's answers
// (re.search(pattern, value) is not None, Python 3.11) and which engine
// runs them: RE2 unless it cannot express the pattern.
func TestPatternPythonSemantics(t *testing.T) {
	tests := []struct {
		src, val  string
		want      bool
		backtrack bool
	}{
		{`^abc$`, "abc\n", true, false},
		{`^abc$`, "abc\n\n", false, false},
		{`^abc\Z`, "abc\n", false, false},
		{`^\w+$`, "café", true, false},
		{`^\w+$`, "a b", false, false},
		{`^\d+$`, "٣٤", true, false},
		{`^a\sb$`, "a\u00a0b", true, false},
		{`^\S+$`, "a\u00a0b", false, false},
		{`(?a)^\w+$`, "café", false, false},
		{`^[A-Z]+$`, "ABC\n", true, false},
		{`^(?=.*\d)[a-z0-9]+$`, "abc1", true, true},
		{`^(?=.*\d)[a-z0-9]+$`, "abcd", false, true},
		{`^(?!tmp)[a-z]+$`, "tmpx", false, true},
		{`^.*(?<=\.txt)$`, "a.txt", true, true},
		{`^(\w)\1$`, "aa", true, true},
		{`^(\w)\1$`, "ab", false, true},
		{`^(?P<x>[a-z]+)-(?P=x)$`, "ab-ab", true, true},
		{`^(?P<x>[a-z]+)-(?P=x)$`, "ab-ac", false, true},
		{`^(<)?\w+(?(1)>)$`, "<a", false, true},
		{`^(<)?\w+(?(1)>)$`, "<a>", true, true},
		{`^a$|^b$`, "a\n", true, true},
		{`(?x)^ a b c $`, "abc", true, true},
		{`ab`, "xxabyy", true, false},
		{`^a.b$`, "a\nb", false, false},
		{`(?m)^b$`, "a\nb\nc", true, false},
		{`\bcat\b`, "a cat", true, true},
		{`^(?P<y>a)b$`, "ab", true, false},
		// Unicode classes on the backtracking engine too
		{`(?=a)a\sb`, "a\u00a0b", true, true},
		{`(?=a)a\sb`, "a\u3000b", true, true},
		{`(?=c)^\w+$`, "café", true, true},
		{`^(?=٣)\d+$`, "٣٤", true, true},
		{`(?=a)^a\S$`, "a\u00a0", false, true},
	}
	for _, tc := range tests {
		p, err := compilePattern(tc.src)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if got := p.MatchString(tc.val); got != tc.want {
			t.Errorf("%s on %q: %v, Python says %v", tc.src, tc.val, got, tc.want)
		}
		if p.backtrack != tc.backtrack {
			t.Errorf("%s: backtracking engine %v, want %v", tc.src, p.backtrack, tc.backtrack)
		}
	}
}
