package plot

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// ImageOptions tune Image.
type ImageOptions struct {
	Colormap   Colormap // default Hot (Diverging when Symmetric)
	Log        bool
	Symmetric  bool
	Min, Max   float64
	FixedRange bool
	Scale      int      // pixels per array element (default: fit about 600 px)
	Outline    []uint32 // optional labels (same shape): draw boundaries between different labels
	Title      string
}

// Image writes a w x h array (row-major: values[y*w+x], y down) as a PNG,
// e.g. a coronal slice or a max projection of a volume. NaN is drawn grey.
func Image(path string, w, h int, values []float32, opts ImageOptions) error {
	if w <= 0 || h <= 0 || len(values) != w*h {
		return fmt.Errorf("plot: image %s: %d values for %d x %d", path, len(values), w, h)
	}
	if opts.Outline != nil && len(opts.Outline) != w*h {
		return fmt.Errorf("plot: image %s: outline has %d labels for %d x %d", path, len(opts.Outline), w, h)
	}
	cm := opts.Colormap
	if cm == nil {
		cm = Hot
		if opts.Symmetric {
			cm = Diverging
		}
	}
	sc := newScaler(func(y func(float64)) {
		for _, v := range values {
			y(float64(v))
		}
	}, opts.Log, opts.Symmetric, opts.Min, opts.Max, opts.FixedRange)
	s := opts.Scale
	if s <= 0 {
		s = max(1, 600/max(w, h))
	}
	top := 0
	if opts.Title != "" {
		top = lineH + 8
	}
	W := max(w*s, textWidth(opts.Title)+8)
	img := newCanvas(W, h*s+top)
	if opts.Title != "" {
		text(img, 4, 4, opts.Title, black)
	}
	nan := color.RGBA{128, 128, 128, 255}
	edge := color.RGBA{0, 255, 255, 255}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := float64(values[y*w+x])
			col := nan
			if !math.IsNaN(v) {
				col = cm(sc.t(v))
			}
			if opts.Outline != nil {
				l := opts.Outline[y*w+x]
				if (x+1 < w && opts.Outline[y*w+x+1] != l) || (y+1 < h && opts.Outline[(y+1)*w+x] != l) {
					col = edge
				}
			}
			fill(img, image.Rect(x*s, top+y*s, (x+1)*s, top+(y+1)*s), col)
		}
	}
	return savePNG(path, img)
}
