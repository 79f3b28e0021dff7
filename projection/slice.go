package projection

import (
	"fmt"
	"math"

	"github.com/ccc-connectivity/ccc/internal/plot"
)

// Planes of a slice picture.
const (
	Coronal    = "coronal"    // fixed AP: DV down, ML across
	Sagittal   = "sagittal"   // fixed ML: DV down, AP across
	Horizontal = "horizontal" // fixed DV: AP down, ML across
)

// Slice cuts a 2-d image (row-major, w x h) from a Fortran-order volume:
// index is the AP, ML or DV voxel of the plane; index < 0 gives the maximum
// projection through the volume instead (largest absolute value, sign kept,
// so subtracted volumes keep their negative side).
func Slice(vol []float32, d [3]int, plane string, index int) (img []float32, w, h int, err error) {
	at := func(ap, dv, ml int) float32 { return vol[ap+d[0]*(dv+d[1]*ml)] }
	var depth int
	var pix func(x, y, k int) float32
	switch plane {
	case Coronal:
		w, h, depth = d[2], d[1], d[0]
		pix = func(x, y, k int) float32 { return at(k, y, x) }
	case Sagittal:
		w, h, depth = d[0], d[1], d[2]
		pix = func(x, y, k int) float32 { return at(x, y, k) }
	case Horizontal:
		w, h, depth = d[2], d[0], d[1]
		pix = func(x, y, k int) float32 { return at(y, k, x) }
	default:
		return nil, 0, 0, usage("unknown plane %q (coronal, sagittal or horizontal)", plane)
	}
	if index >= depth {
		return nil, 0, 0, usage("%s index %d outside 0..%d", plane, index, depth-1)
	}
	img = make([]float32, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if index >= 0 {
				img[y*w+x] = pix(x, y, index)
				continue
			}
			best := float32(0)
			for k := 0; k < depth; k++ {
				if v := pix(x, y, k); math.Abs(float64(v)) > math.Abs(float64(best)) {
					best = v
				}
			}
			img[y*w+x] = best
		}
	}
	return img, w, h, nil
}

// SliceLabels cuts the same plane from an annotation volume (for region
// outlines); a maximum projection uses the middle plane.
func SliceLabels(labels []uint32, d [3]int, plane string, index int) []uint32 {
	f := make([]float32, len(labels))
	depth := map[string]int{Coronal: d[0], Sagittal: d[2], Horizontal: d[1]}[plane]
	if index < 0 {
		index = depth / 2
	}
	for i, l := range labels {
		f[i] = float32(l)
	}
	img, _, _, err := Slice(f, d, plane, index)
	if err != nil {
		return nil
	}
	out := make([]uint32, len(img))
	for i, v := range img {
		out[i] = uint32(v)
	}
	return out
}

// WriteSlicePNG writes a slice (index >= 0) or maximum projection (index
// < 0) of a volume as a PNG; signed volumes (hemisphere subtraction) use a
// diverging colour scale around zero. labels, when not nil, draws region
// outlines.
func WriteSlicePNG(path string, vol []float32, d [3]int, plane string, index int, title string, labels []uint32) error {
	img, w, h, err := Slice(vol, d, plane, index)
	if err != nil {
		return err
	}
	neg := false
	for _, v := range img {
		if v < 0 {
			neg = true
			break
		}
	}
	if title == "" {
		title = fmt.Sprintf("%s slice %d", plane, index)
		if index < 0 {
			title = plane + " max projection"
		}
	}
	opts := plot.ImageOptions{Title: title, Symmetric: neg}
	if labels != nil {
		opts.Outline = SliceLabels(labels, d, plane, index)
	}
	return plot.Image(path, w, h, img, opts)
}
