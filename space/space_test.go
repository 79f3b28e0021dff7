package space

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ccc-connectivity/ccc"
)

func dist(a, b [3]float64) float64 {
	return math.Sqrt(sq(a[0]-b[0]) + sq(a[1]-b[1]) + sq(a[2]-b[2]))
}

// TestFitAffineRecovers: landmarks mapped by a known affine (rotation,
// anisotropic scale, shear, translation: an EM volume in nm to the CCF in
// um) give it back, max error far below 1 um, with a zero residual; with
// noise the residual reports it.
func TestFitAffineRecovers(t *testing.T) {
	th := 0.3
	known := Affine{
		{0.001 * math.Cos(th), -0.001 * math.Sin(th), 0.0002, 4100},
		{0.001 * math.Sin(th), 0.001 * math.Cos(th), 0, 2200},
		{0.00005, 0, 0.00094, 6300},
	}
	r := rand.New(rand.NewPCG(1, 2))
	var src, dst [][3]float64
	for range 20 {
		p := [3]float64{r.Float64() * 1e6, r.Float64() * 8e5, r.Float64() * 6e5} // nm
		src, dst = append(src, p), append(dst, known.Apply(p))
	}
	a, res, err := FitAffine(src, dst)
	if err != nil {
		t.Fatal(err)
	}
	maxErr := 0.0
	for range 1000 {
		p := [3]float64{r.Float64() * 1e6, r.Float64() * 8e5, r.Float64() * 6e5}
		maxErr = math.Max(maxErr, dist(a.Apply(p), known.Apply(p)))
	}
	if maxErr > 1e-6 || res.Max > 1e-6 {
		t.Errorf("max error %g um, residual %+v", maxErr, res)
	}
	// 1 um noise on the targets: the residual says so, the fit stays close
	for i := range dst {
		for k := range 3 {
			dst[i][k] += r.NormFloat64()
		}
	}
	_, res, err = FitAffine(src, dst)
	if err != nil || res.RMS < 0.3 || res.RMS > 2 || res.Max < res.RMS {
		t.Errorf("noisy fit: residual %+v, %v", res, err)
	}
	// refused: too few, coplanar
	if _, _, err := FitAffine(src[:3], dst[:3]); !errors.Is(err, ccc.ErrInvalidData) {
		t.Errorf("3 landmarks: %v", err)
	}
	flat := [][3]float64{{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {2, 3, 0}}
	if _, _, err := FitAffine(flat, flat); !errors.Is(err, ccc.ErrInvalidData) {
		t.Errorf("coplanar landmarks: %v", err)
	}
}

// TestBregmaRoundTrip: CCF -> stereotaxic -> CCF within 1 um over the
// whole volume; bregma is the origin; the worked example of docs/spaces.md.
func TestBregmaRoundTrip(t *testing.T) {
	ccf, _ := Lookup("ccf_um")
	st, err := Lookup("stereotaxic_bregma_mm")
	if err != nil {
		t.Fatal(err)
	}
	to, err := Transform(ccf, st)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Transform(st, ccf)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 10000 {
		p := [3]float64{r.Float64() * 13200, r.Float64() * 8000, r.Float64() * 11400}
		if d := dist(back.Apply(to.Apply(p)), p); d > 1 {
			t.Fatalf("%v: round trip off by %g um", p, d)
		}
	}
	if o := to.Apply(Bregma); dist(o, [3]float64{}) > 1e-9 {
		t.Errorf("bregma -> %v", o)
	}
	// worked example (docs/spaces.md): a VISp injection at AP -3.8, ML +2.5,
	// DV -0.5 mm from bregma (anterior, right, dorsal positive)
	got := st.ToCCF.Apply([3]float64{-3.8, 2.5, -0.5})
	if dist(got, [3]float64{9200, 832, 8239}) > 1e-9 {
		t.Errorf("worked example: %v", got)
	}
	// voxel spaces: 25 um voxel (368, 33, 229) is CCF (9200, 825, 5725) um
	v25, _ := Lookup("ccf_25")
	tv, _ := Transform(v25, ccf)
	if got := tv.Apply([3]float64{368, 33, 229}); dist(got, [3]float64{9200, 825, 5725}) > 1e-9 {
		t.Errorf("ccf_25: %v", got)
	}
	if _, err := Lookup("paxinos"); !errors.Is(err, ccc.ErrNotFound) {
		t.Errorf("unknown space: %v", err)
	}
}
