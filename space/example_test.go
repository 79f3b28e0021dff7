package space_test

import (
	"fmt"

	"github.com/ccc-connectivity/ccc/space"
)

// A stereotaxic coordinate (mm from bregma) in the CCF (um).
func ExampleTransform() {
	st, _ := space.Lookup("stereotaxic_bregma_mm")
	ccf, _ := space.Lookup("ccf_um")
	a, _ := space.Transform(st, ccf)
	fmt.Println(a.Apply([3]float64{-3.8, 2.5, -0.5}))
	// Output: [9200 832 8239]
}

// Fitting an affine from landmark pairs, with its residual.
func ExampleFitAffine() {
	src := [][3]float64{{0, 0, 0}, {1000, 0, 0}, {0, 1000, 0}, {0, 0, 1000}, {300, 400, 500}}
	var dst [][3]float64
	for _, p := range src {
		dst = append(dst, [3]float64{p[0]/1000 + 10, p[1]/1000 + 20, p[2]/1000 + 30})
	}
	a, res, _ := space.FitAffine(src, dst)
	fmt.Printf("%.4f %.1f residual<1e-9: %v\n", a[0][0], a[2][3], res.Max < 1e-9)
	// Output: 0.0010 30.0 residual<1e-9: true
}

// A space's affine given as a 4 x 4 matrix (MICrONS-like voxels of 4, 4,
// 40 nm to the CCF in um), read with ParseAffine and applied to a point.
func ExampleParseAffine() {
	a, err := space.ParseAffine("0.004,0,0,3000; 0,0.004,0,800; 0,0,0.04,2500; 0,0,0,1")
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Apply([3]float64{250000, 100000, 20000}))
	// Output: [4000 1200 3300]
}
