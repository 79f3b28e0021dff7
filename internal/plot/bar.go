package plot

import (
	"fmt"
	"image"
	"math"
)

// Bar writes a vertical bar chart PNG: one bar per label, the value printed
// above each bar. Negative values are drawn as zero-height bars with their
// value; NaN values are skipped.
func Bar(path, title string, labels []string, values []float64) error {
	if len(labels) != len(values) {
		return fmt.Errorf("plot: bar chart %s: %d labels but %d values", path, len(labels), len(values))
	}
	if len(values) == 0 {
		return fmt.Errorf("plot: bar chart %s: no values", path)
	}
	maxV := 0.0
	maxLabel := 1
	for i, v := range values {
		if !math.IsNaN(v) && v > maxV {
			maxV = v
		}
		if len(labels[i]) > maxLabel {
			maxLabel = len(labels[i])
		}
	}
	if maxLabel > 16 {
		maxLabel = 16
	}
	barW := 36
	if w := textWidth(fmtNum(maxV)) + 6; w > barW {
		barW = w
	}
	const gap, left, top, plotH = 8, 60, 40, 300
	bottom := 20 + maxLabel*charW
	if maxLabel <= barW/charW {
		bottom = 30
	}
	w := left + len(values)*(barW+gap) + 20
	if tw := textWidth(title) + 40; tw > w {
		w = tw
	}
	h := top + plotH + bottom
	img := newCanvas(w, h)
	text(img, 20, 10, title, black)
	// axis
	fill(img, image.Rect(left-2, top, left, top+plotH+1), black)
	fill(img, image.Rect(left-2, top+plotH, w-10, top+plotH+2), black)
	// y ticks: 0, max/2, max
	for _, f := range []float64{0, 0.5, 1} {
		y := top + plotH - int(f*plotH)
		lab := fmtNum(f * maxV)
		text(img, left-6-textWidth(lab), y-lineH/2, lab, black)
		fill(img, image.Rect(left-5, y, left-2, y+1), black)
		if f > 0 {
			fill(img, image.Rect(left, y, w-10, y+1), grey)
		}
	}
	for i, v := range values {
		x := left + gap + i*(barW+gap)
		if math.IsNaN(v) {
			continue
		}
		bh := 0
		if maxV > 0 && v > 0 {
			bh = int(math.Round(v / maxV * plotH))
		}
		fill(img, image.Rect(x, top+plotH-bh, x+barW, top+plotH), barC)
		lab := fmtNum(v)
		text(img, x+(barW-textWidth(lab))/2, top+plotH-bh-lineH-1, lab, black)
		l := truncLabel(labels[i], 16)
		if len(l) <= barW/charW {
			text(img, x+(barW-textWidth(l))/2, top+plotH+6, l, black)
		} else {
			textVertical(img, x+barW/2-lineH/2, top+plotH+6+textWidth(l), l, black)
		}
	}
	return savePNG(path, img)
}
