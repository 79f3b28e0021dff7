// Package plot writes the PNG figures ccc shows a scientist first: bar
// charts (atlas depth histograms), heatmaps (connectivity and projection
// matrices) and images of 2-D arrays (volume slices and max projections).
// It depends only on the standard library and x/image's bitmap font, so
// figures render identically everywhere without a display.
package plot

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

const (
	charW = 7  // basicfont.Face7x13 advance
	lineH = 13 // basicfont.Face7x13 height
)

var (
	white = color.RGBA{255, 255, 255, 255}
	black = color.RGBA{0, 0, 0, 255}
	grey  = color.RGBA{200, 200, 200, 255}
	barC  = color.RGBA{31, 119, 180, 255}
)

// savePNG encodes img to path atomically (temp file + rename), so a reader
// never sees a half-written picture.
func savePNG(path string, img image.Image) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	f, err := os.CreateTemp(dir, ".plot-*.png")
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	tmp := f.Name()
	if err := png.Encode(f, img); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("plot: encode %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("plot: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}

func newCanvas(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill(img, img.Bounds(), white)
	return img
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

// text draws s with its baseline-left at (x, y+lineH-3), i.e. y is the top.
func text(img *image.RGBA, x, y int, s string, c color.Color) {
	d := &font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13,
		Dot: fixed.P(x, y+lineH-3)}
	d.DrawString(s)
}

// textVertical draws s rotated 90 degrees counter-clockwise, reading bottom
// to top, with its bottom at y.
func textVertical(img *image.RGBA, x, y int, s string, c color.RGBA) {
	w := len(s) * charW
	tmp := image.NewRGBA(image.Rect(0, 0, w, lineH))
	text(tmp, 0, 0, s, c)
	for ty := 0; ty < lineH; ty++ {
		for tx := 0; tx < w; tx++ {
			if _, _, _, a := tmp.At(tx, ty).RGBA(); a > 0 {
				img.Set(x+ty, y-tx, c)
			}
		}
	}
}

func textWidth(s string) int { return len(s) * charW }

func fmtNum(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e9 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

func truncLabel(s string, max int) string {
	if len(s) > max && max > 3 {
		return s[:max-2] + ".."
	}
	return s
}
