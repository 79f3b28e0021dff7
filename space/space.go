// Package space names coordinate spaces and converts points between them:
// the Allen CCF in micrometres and its 10/25/50/100 um voxel grids, and the
// stereotaxic bregma-based space (AP/ML/DV in mm) through the standard
// approximation, plus affine transforms given or fitted from landmark
// pairs (FitAffine, with the residual). The CCF in micrometres is the hub:
// every space has an affine to it.
//
// Conventions (docs/spaces.md): CCF axes are AP (posterior +), DV (ventral
// +), ML (towards the right +) in um from the volume's corner, the order of
// the Allen volumes. Stereotaxic coordinates are AP (anterior +), ML (right
// +), DV (dorsal +) in mm from bregma, with bregma at CCF (AP 5400, DV 332,
// ML 5739) um: the landmark of the International Brain Laboratory's
// iblatlas (ALLEN_CCF_LANDMARKS_MLAPDV_UM, ML AP DV = 5739, 5400, 332), used
// without its optional scaling; it is an approximation of a real skull.
//
// Other spaces (a data set's own, such as MICrONS voxels in nm) are
// registered in the store with Add (CoordinateSpace rows of dataset
// "spaces", each with its affine to a known space and the composed affine
// to the CCF) and read back with Load.
//
// Errors: an unknown space is ccc.ErrNotFound; too few or degenerate
// landmarks, a singular affine ccc.ErrInvalidData; a bad name ccc.ErrUsage;
// registering a name twice without Replace ccc.ErrConflict; all as
// *ccc.Error.
package space

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// Affine maps p to M[:,0:3] p + M[:,3].
type Affine [3][4]float64

// Identity is the identity transform.
var Identity = Affine{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}}

// Apply maps one point.
func (a Affine) Apply(p [3]float64) [3]float64 {
	var q [3]float64
	for i := range 3 {
		q[i] = a[i][0]*p[0] + a[i][1]*p[1] + a[i][2]*p[2] + a[i][3]
	}
	return q
}

// Then returns the transform that applies a, then b.
func (a Affine) Then(b Affine) Affine {
	var c Affine
	for i := range 3 {
		for j := range 4 {
			for k := range 3 {
				c[i][j] += b[i][k] * a[k][j]
			}
		}
		c[i][3] += b[i][3]
	}
	return c
}

// Inverse returns the inverse transform (an error when singular).
func (a Affine) Inverse() (Affine, error) {
	m := [3][3]float64{}
	for i := range 3 {
		copy(m[i][:], a[i][:3])
	}
	det := m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) - m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) + m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	if math.Abs(det) < 1e-12 {
		return Affine{}, &ccc.Error{Op: "invert affine", Row: -1, Msg: "the transform is singular", Kind: ccc.ErrInvalidData}
	}
	var inv Affine
	for i := range 3 {
		for j := range 3 {
			// cofactor (j, i) / det
			r := [2]int{(j + 1) % 3, (j + 2) % 3}
			c := [2]int{(i + 1) % 3, (i + 2) % 3}
			inv[i][j] = (m[r[0]][c[0]]*m[r[1]][c[1]] - m[r[0]][c[1]]*m[r[1]][c[0]]) / det
		}
	}
	for i := range 3 {
		inv[i][3] = -(inv[i][0]*a[0][3] + inv[i][1]*a[1][3] + inv[i][2]*a[2][3])
	}
	return inv, nil
}

// Residual is how well a fitted transform maps the landmarks.
type Residual struct {
	RMS, Max float64 // distance between mapped source and target landmarks, target units
	Worst    int     // index of the landmark with the largest distance
}

// FitAffine fits the affine mapping src to dst by least squares (at least
// four landmark pairs, not all in one plane) and reports the residual.
func FitAffine(src, dst [][3]float64) (Affine, Residual, error) {
	if len(src) != len(dst) {
		return Affine{}, Residual{}, &ccc.Error{Op: "fit affine", Row: -1, Msg: fmt.Sprintf("%d source but %d target landmarks", len(src), len(dst)), Kind: ccc.ErrInvalidData}
	}
	if len(src) < 4 {
		return Affine{}, Residual{}, &ccc.Error{Op: "fit affine", Row: -1, Msg: fmt.Sprintf("%d landmark pairs: an affine needs at least 4, not all in one plane", len(src)),
			Hint: "add landmarks", Kind: ccc.ErrInvalidData}
	}
	// normal equations (X^T X) w = X^T y with X rows (x, y, z, 1), centred
	// for conditioning
	var c [3]float64
	for _, p := range src {
		for i := range 3 {
			c[i] += p[i] / float64(len(src))
		}
	}
	var xtx [4][4]float64
	var xty [4][3]float64
	for k, p := range src {
		row := [4]float64{p[0] - c[0], p[1] - c[1], p[2] - c[2], 1}
		for i := range 4 {
			for j := range 4 {
				xtx[i][j] += row[i] * row[j]
			}
			for j := range 3 {
				xty[i][j] += row[i] * dst[k][j]
			}
		}
	}
	w, ok := solve4(xtx, xty)
	if !ok {
		return Affine{}, Residual{}, &ccc.Error{Op: "fit affine", Row: -1, Msg: "the landmarks lie in one plane (or on a line): the affine is not determined",
			Hint: "add landmarks off that plane", Kind: ccc.ErrInvalidData}
	}
	var a Affine
	for i := range 3 {
		for j := range 3 {
			a[i][j] = w[j][i]
		}
		a[i][3] = w[3][i] - (a[i][0]*c[0] + a[i][1]*c[1] + a[i][2]*c[2])
	}
	var r Residual
	for k, p := range src {
		q := a.Apply(p)
		d := math.Sqrt(sq(q[0]-dst[k][0]) + sq(q[1]-dst[k][1]) + sq(q[2]-dst[k][2]))
		r.RMS += d * d
		if d > r.Max {
			r.Max, r.Worst = d, k
		}
	}
	r.RMS = math.Sqrt(r.RMS / float64(len(src)))
	return a, r, nil
}

func sq(x float64) float64 { return x * x }

// solve4 solves the 4x4 system for three right-hand sides by Gaussian
// elimination with partial pivoting.
func solve4(a [4][4]float64, b [4][3]float64) ([4][3]float64, bool) {
	scale := 0.0
	for i := range 4 {
		for j := range 4 {
			scale = math.Max(scale, math.Abs(a[i][j]))
		}
	}
	for col := range 4 {
		p := col
		for r := col + 1; r < 4; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		if math.Abs(a[p][col]) <= 1e-12*scale {
			return b, false
		}
		a[col], a[p] = a[p], a[col]
		b[col], b[p] = b[p], b[col]
		for r := range 4 {
			if r == col {
				continue
			}
			f := a[r][col] / a[col][col]
			for j := col; j < 4; j++ {
				a[r][j] -= f * a[col][j]
			}
			for j := range 3 {
				b[r][j] -= f * b[col][j]
			}
		}
	}
	for i := range 4 {
		for j := range 3 {
			b[i][j] /= a[i][i]
		}
	}
	return b, true
}

// Space is a named coordinate space with its affine to the CCF in um.
type Space struct {
	Name       string
	Axes       [3]string // e.g. AP (posterior +), DV (ventral +), ML (right +)
	Unit       string
	Convention string
	Source     string // where the transform comes from
	ToCCF      Affine

	// Registered spaces (ccc space add) only:
	Registered bool
	Target     string // the known space their affine was given to
	Revision   int    // transform_version: 1, then one more per replacement
}

// TransformVersion versions the built-in transforms: located rows record
// it, so a later change of a landmark is visible in old results.
const TransformVersion = "1"

// Bregma is bregma's position in the CCF (AP, DV, ML) in um, from iblatlas.
var Bregma = [3]float64{5400, 332, 5739}

// Builtin lists the built-in spaces by name.
func Builtin() map[string]Space {
	out := map[string]Space{
		"ccf_um": {Name: "ccf_um", Axes: [3]string{"AP (posterior +)", "DV (ventral +)", "ML (right +)"}, Unit: "um",
			Convention: "Allen CCFv3, origin at the volume's anterior-dorsal-left corner", Source: "Allen CCFv3 (Wang et al. 2020)", ToCCF: Identity},
	}
	for _, res := range []float64{10, 25, 50, 100} {
		n := fmt.Sprintf("ccf_%g", res)
		out[n] = Space{Name: n, Axes: [3]string{"AP index", "DV index", "ML index"}, Unit: fmt.Sprintf("voxel (%g um)", res),
			Convention: "voxel indices of the Allen volumes at this resolution (voxel i spans [i, i+1) x res um)", Source: "Allen CCFv3 annotation volumes",
			ToCCF: Affine{{res, 0, 0, 0}, {0, res, 0, 0}, {0, 0, res, 0}}}
	}
	// stereotaxic (AP anterior +, ML right +, DV dorsal +; mm) -> CCF (AP, DV, ML; um)
	out["stereotaxic_bregma_mm"] = Space{Name: "stereotaxic_bregma_mm", Axes: [3]string{"AP (anterior +)", "ML (right +)", "DV (dorsal +)"}, Unit: "mm",
		Convention: "from bregma; no skull scaling or tilt: an approximation",
		Source:     "bregma at CCF ML 5739, AP 5400, DV 332 um: iblatlas ALLEN_CCF_LANDMARKS_MLAPDV_UM (International Brain Laboratory)",
		ToCCF:      Affine{{-1000, 0, 0, Bregma[0]}, {0, 0, -1000, Bregma[1]}, {0, 1000, 0, Bregma[2]}}}
	return out
}

// Names lists the built-in space names, sorted.
func Names() []string {
	var out []string
	for n := range Builtin() {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Lookup returns a built-in space.
func Lookup(name string) (Space, error) {
	s, ok := Builtin()[name]
	if !ok {
		return Space{}, &ccc.Error{Op: "space", Row: -1, Field: "space", Value: name, Msg: "no such coordinate space",
			Hint: "spaces: " + strings.Join(Names(), ", "), Kind: ccc.ErrNotFound}
	}
	return s, nil
}

// Transform returns the affine from space a to space b (through the CCF).
func Transform(a, b Space) (Affine, error) {
	back, err := b.ToCCF.Inverse()
	if err != nil {
		return Affine{}, err
	}
	return a.ToCCF.Then(back), nil
}
