package plot

import (
	"image/color"
	"math"
)

// Colormap maps t in [0,1] to a colour.
type Colormap func(t float64) color.RGBA

// viridis control points (matplotlib's viridis sampled at 9 stops).
var viridisStops = [][3]float64{
	{68, 1, 84}, {71, 44, 122}, {59, 81, 139}, {44, 113, 142}, {33, 144, 141},
	{39, 173, 129}, {92, 200, 99}, {170, 220, 50}, {253, 231, 37},
}

// Viridis is a perceptually uniform colormap, dark purple to yellow.
func Viridis(t float64) color.RGBA { return interp(viridisStops, t) }

// Greys maps 0 to white and 1 to black (for binary connectivity).
func Greys(t float64) color.RGBA {
	t = clamp01(t)
	v := uint8(math.Round(255 * (1 - t)))
	return color.RGBA{v, v, v, 255}
}

// Hot maps 0 to black through red and yellow to white (for densities).
func Hot(t float64) color.RGBA {
	t = clamp01(t)
	r := clamp01(t * 3)
	g := clamp01(t*3 - 1)
	b := clamp01(t*3 - 2)
	return color.RGBA{uint8(255 * r), uint8(255 * g), uint8(255 * b), 255}
}

// Diverging maps 0 to blue, 0.5 to white and 1 to red (for hemisphere
// differences, where the data are signed).
func Diverging(t float64) color.RGBA {
	t = clamp01(t)
	if t < 0.5 {
		u := t * 2
		return color.RGBA{uint8(59 + u*(255-59)), uint8(76 + u*(255-76)), uint8(192 + u*(255-192)), 255}
	}
	u := (t - 0.5) * 2
	return color.RGBA{uint8(255 - u*(255-180)), uint8(255 - u*(255-4)), uint8(255 - u*(255-38)), 255}
}

func interp(stops [][3]float64, t float64) color.RGBA {
	t = clamp01(t)
	f := t * float64(len(stops)-1)
	i := int(f)
	if i >= len(stops)-1 {
		s := stops[len(stops)-1]
		return color.RGBA{uint8(s[0]), uint8(s[1]), uint8(s[2]), 255}
	}
	u := f - float64(i)
	a, b := stops[i], stops[i+1]
	return color.RGBA{
		uint8(a[0] + u*(b[0]-a[0])),
		uint8(a[1] + u*(b[1]-a[1])),
		uint8(a[2] + u*(b[2]-a[2])), 255}
}

func clamp01(t float64) float64 {
	if math.IsNaN(t) || t < 0 {
		return 0
	}
	if t > 1 {
		return 1
	}
	return t
}

// scaler maps data values to [0,1] for a colormap.
type scaler struct {
	lo, hi float64
	log    bool
	sym    bool
}

func newScaler(vals func(yield func(float64)), log, symmetric bool, lo, hi float64, fixed bool) scaler {
	s := scaler{log: log, sym: symmetric}
	if fixed {
		s.lo, s.hi = lo, hi
		return s
	}
	s.lo, s.hi = math.Inf(1), math.Inf(-1)
	vals(func(v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		if log && v <= 0 {
			return
		}
		if v < s.lo {
			s.lo = v
		}
		if v > s.hi {
			s.hi = v
		}
	})
	if math.IsInf(s.lo, 1) {
		s.lo, s.hi = 0, 1
	}
	if symmetric {
		m := math.Max(math.Abs(s.lo), math.Abs(s.hi))
		s.lo, s.hi = -m, m
	}
	return s
}

func (s scaler) t(v float64) float64 {
	if math.IsNaN(v) {
		return math.NaN()
	}
	lo, hi := s.lo, s.hi
	if s.log {
		if v <= 0 {
			return 0
		}
		v, lo, hi = math.Log10(v), math.Log10(lo), math.Log10(hi)
	}
	if hi <= lo {
		if v >= hi && hi != 0 {
			return 1
		}
		return 0
	}
	return (v - lo) / (hi - lo)
}
