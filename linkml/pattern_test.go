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
		{`^\d+$`, true},
		{`[0-9a-f]{6}`, false},
		{`^[a-z]+[0-9]$`, false},
		{`^[é-ü]+$`, false},
		{`^(?i)[a-f]+$`, false},
	}
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte("abcfgzAFZ0189/-_ é\n")
	for _, tc := range tests {
		re := regexp.MustCompile(tc.src)
		p := newPattern(re, tc.src)
		if p.fast != tc.fast {
			t.Errorf("%s: fast=%v, want %v", tc.src, p.fast, tc.fast)
		}
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
