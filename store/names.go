package store

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// Name kinds accepted by ValidName. Every name that becomes part of a path
// in the store (or of an output path derived from it) is checked with
// ValidName before the path is built.
const (
	NameDataset  = "dataset"  // tables/<Class>/<dataset>/..., artifacts/<dataset>/...
	NameClass    = "class"    // tables/<Class>/...
	NameArtifact = "artifact" // artifacts/<dataset>/<a>/<b>/... (slash-separated components)
	NameMatrix   = "matrix"   // one component of an artifact name
	NameVolume   = "volume"   // one component of an artifact name
)

// plainName reports whether s is 1 to 128 ASCII letters, digits or bytes
// of extra (not first), starting with a letter, or also a digit when
// digitFirst: the regular expressions ^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$
// (digitFirst, extra "_.-") and ^[A-Za-z][A-Za-z0-9_]{0,127}$ (extra "_"),
// by hand because compiling their {0,127} cost every ccc start 0.4 ms and
// 3,000 allocations (TestPlainNameIsTheRegexp, FuzzPlainName).
func plainName(s string, digitFirst bool, extra string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z':
		case '0' <= c && c <= '9':
			if i == 0 && !digitFirst {
				return false
			}
		case i > 0 && strings.IndexByte(extra, c) >= 0:
		default:
			return false
		}
	}
	return true
}

// ValidName reports whether name may be used as a name of the given kind
// (NameDataset, NameClass, NameArtifact, NameMatrix, NameVolume). The rules
// keep every name a plain path component: letters, digits, '_', '.', '-',
// starting with a letter or digit, at most 128 characters, never "." or
// ".." and no path separator; a class is a schema class name (letters,
// digits, '_', starting with a letter); an artifact name is one or more
// such components separated by '/'. The error is a ccc.Error of kind
// ccc.ErrUsage naming the field and the value.
func ValidName(kind, name string) error {
	ok := false
	switch kind {
	case NameClass:
		ok = plainName(name, false, "_")
	case NameArtifact:
		ok = name != ""
		for _, c := range strings.Split(name, "/") {
			ok = ok && validComponent(c)
		}
	default:
		ok = validComponent(name)
	}
	if ok {
		return nil
	}
	hint := "use letters, digits, '_', '.', '-', starting with a letter or digit (e.g. allen-ccf-2017)"
	switch kind {
	case NameClass:
		hint = "use a schema class name: letters, digits and '_', starting with a letter (e.g. BrainRegion)"
	case NameArtifact:
		hint = "use slash-separated words of letters, digits, '_', '.', '-' (e.g. annotation/25um)"
	}
	return &ccc.Error{Op: "store", Row: -1, Field: kind, Value: name, Kind: ccc.ErrUsage, Hint: hint,
		Msg: fmt.Sprintf("invalid %s name: it must not contain a path separator or '..'", kind)}
}

func validComponent(c string) bool {
	return plainName(c, true, "_.-") && c != "." && c != ".." && !strings.Contains(c, "..")
}

// ValidDataset reports whether name can be a dataset name (ValidName with
// NameDataset).
func ValidDataset(name string) error { return ValidName(NameDataset, name) }

func validClass(name string) error { return ValidName(NameClass, name) }

func validArtifact(name string) error { return ValidName(NameArtifact, name) }

// validRel reports whether a path read from a manifest stays inside the
// store: relative, slash-separated, no "." or ".." component, under top.
func validRel(rel, top string) bool {
	if rel == "" || filepath.IsAbs(rel) || strings.Contains(rel, "\\") || !strings.HasPrefix(rel, top+"/") {
		return false
	}
	for _, c := range strings.Split(rel, "/") {
		if c == "" || c == "." || c == ".." {
			return false
		}
	}
	return true
}
