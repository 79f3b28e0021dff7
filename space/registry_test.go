package space

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
)

func TestParseAffine(t *testing.T) {
	for _, tc := range []struct {
		text string
		want Affine
		err  string
	}{
		{"1,0,0,5, 0,2,0,6, 0,0,3,7", Affine{{1, 0, 0, 5}, {0, 2, 0, 6}, {0, 0, 3, 7}}, ""},
		{"[[1 0 0 5]; [0 2 0 6]; [0 0 3 7]; [0 0 0 1]]", Affine{{1, 0, 0, 5}, {0, 2, 0, 6}, {0, 0, 3, 7}}, ""},
		{"1,0,0,5,0,2,0,6,0,0,3", Affine{}, "11 numbers"},
		{"1,0,0,5,0,2,0,6,0,0,3,7,0,0,1,1", Affine{}, "last row"},
		{"1,0,0,5,0,2,0,6,0,0,3,NaN", Affine{}, "not a finite number"},
		{"1,0,0,5,0,2,0,6,0,0,3,x", Affine{}, "not a finite number"},
	} {
		a, err := ParseAffine(tc.text)
		if tc.err != "" {
			if err == nil || !errors.Is(err, ccc.ErrUsage) || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: %v, want %q", tc.text, err, tc.err)
			}
			continue
		}
		if err != nil || a != tc.want {
			t.Errorf("%q: %v %v", tc.text, a, err)
		}
	}
}

// TestTransformName: built-in spaces record version 1, registered ones
// their revision.
func TestTransformName(t *testing.T) {
	s, _ := Lookup("stereotaxic_bregma_mm")
	if got := s.TransformName(); got != "stereotaxic_bregma_mm->ccf_um@1" {
		t.Errorf("built-in: %s", got)
	}
	if got := (Space{Name: "em", Revision: 3, Registered: true}).TransformName(); got != "em->ccf_um@3" {
		t.Errorf("registered: %s", got)
	}
	m, err := Builtins().Mapping("ccf_25")
	if err != nil || m.ToCCF.Apply([3]float64{1, 2, 3}) != [3]float64{25, 50, 75} || m.Transform != "ccf_25->ccf_um@1" {
		t.Errorf("mapping %+v %v", m, err)
	}
	if _, err := Builtins().Mapping("nope"); !errors.Is(err, ccc.ErrNotFound) {
		t.Errorf("unknown: %v", err)
	}
}

func FuzzParseAffine(f *testing.F) {
	f.Add("1,0,0,5, 0,2,0,6, 0,0,3,7")
	f.Add("1 0 0 0 0 1 0 0 0 0 1 0 0 0 0 1")
	f.Add("[1,2,3]")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAffine(s)
		if err != nil {
			if !errors.Is(err, ccc.ErrUsage) {
				t.Fatalf("error of another kind: %v", err)
			}
			return
		}
		for _, r := range a {
			for _, v := range r {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("non-finite value accepted from %q", s)
				}
			}
		}
	})
}
