package store

import (
	"regexp"
	"strings"
	"testing"
)

// the expressions plainName replaces
var (
	componentRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$`)
	classRe     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,127}$`)
)

func checkPlainName(t *testing.T, s string) {
	if got, want := plainName(s, true, "_.-"), componentRe.MatchString(s); got != want {
		t.Errorf("component %q: %v, the expression says %v", s, got, want)
	}
	if got, want := plainName(s, false, "_"), classRe.MatchString(s); got != want {
		t.Errorf("class %q: %v, the expression says %v", s, got, want)
	}
}

func TestPlainNameIsTheRegexp(t *testing.T) {
	for _, s := range []string{"", "a", "Z", "0", "9x", "_a", "-a", ".a", "a_b", "a.b", "a-b", "a/b", "a b", "a\n", "\na",
		"é", "aé", "BrainRegion", "allen-ccf-2017", "v000001", "a..b", strings.Repeat("a", 128), strings.Repeat("a", 129),
		"0" + strings.Repeat("_", 127), "a\x00", "a$", "A9_", "a\\b"} {
		checkPlainName(t, s)
	}
	if !plainName("annotation", true, "_.-") || plainName("a/b", true, "_.-") || plainName("9a", false, "_") {
		t.Error("plain cases")
	}
}

func FuzzPlainName(f *testing.F) {
	for _, s := range []string{"a", "a-b.c_d", "0", "_", strings.Repeat("b", 128), "x\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkPlainName(t, s) })
}
