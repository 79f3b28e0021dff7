package plot

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// HeatmapOptions tune a heatmap. The zero value draws a viridis heatmap
// scaled from the data's minimum to its maximum.
type HeatmapOptions struct {
	Binary         bool     // draw non-zero cells black, zero cells white (the CAVE tutorial's binarized view)
	Log            bool     // log10 colour scale (non-positive values drawn as the lowest colour)
	Symmetric      bool     // scale symmetric around zero (signed data), default colormap Diverging
	Colormap       Colormap // default Viridis (Greys when Binary)
	Min, Max       float64  // fixed colour range when FixedRange
	FixedRange     bool
	XLabel, YLabel string // axis titles, e.g. "post" and "pre"
	MaxCell        int    // largest cell size in pixels (default 24)
}

// Heatmap writes rows x cols values (row-major) as a PNG with row and column
// labels (labels are thinned out when there are too many to print) and a
// colour bar. NaN cells are drawn light grey.
func Heatmap(path, title string, rowLabels, colLabels []string, values []float64, opts HeatmapOptions) error {
	rows, cols := len(rowLabels), len(colLabels)
	if rows == 0 || cols == 0 {
		return fmt.Errorf("plot: heatmap %s: empty matrix (%d x %d)", path, rows, cols)
	}
	if len(values) != rows*cols {
		return fmt.Errorf("plot: heatmap %s: %d values for %d x %d labels", path, len(values), rows, cols)
	}
	cm := opts.Colormap
	if cm == nil {
		switch {
		case opts.Binary:
			cm = Greys
		case opts.Symmetric:
			cm = Diverging
		default:
			cm = Viridis
		}
	}
	sc := newScaler(func(y func(float64)) {
		for _, v := range values {
			y(v)
		}
	}, opts.Log, opts.Symmetric, opts.Min, opts.Max, opts.FixedRange)
	maxCell := opts.MaxCell
	if maxCell <= 0 {
		maxCell = 24
	}
	// Fit the matrix into about 900 px.
	cell := 900 / max(rows, cols)
	cell = max(1, min(cell, maxCell))
	rowLab := maxLen(rowLabels, 20)
	colLab := maxLen(colLabels, 20)
	showRow := cell >= lineH-2 || rows <= 60
	showCol := cell >= charW+1 || cols <= 60
	left := 20 + lineH
	if showRow {
		left += rowLab*charW + 6
	}
	top := 36
	if showCol {
		top += colLab*charW + 6
	}
	gw, gh := cols*cell, rows*cell
	barX := left + gw + 20
	w := barX + 20 + 80
	if tw := textWidth(title) + 40; tw > w {
		w = tw
	}
	h := top + gh + 30 + lineH
	if h < top+220 {
		h = top + 220
	}
	img := newCanvas(w, h)
	text(img, 20, 8, title, black)
	nan := color.RGBA{220, 220, 220, 255}
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			v := values[r*cols+c]
			var col color.RGBA
			switch {
			case math.IsNaN(v):
				col = nan
			case opts.Binary:
				if v != 0 {
					col = cm(1)
				} else {
					col = cm(0)
				}
			default:
				col = cm(sc.t(v))
			}
			fill(img, image.Rect(left+c*cell, top+r*cell, left+(c+1)*cell, top+(r+1)*cell), col)
		}
	}
	// frame
	frame(img, image.Rect(left-1, top-1, left+gw+1, top+gh+1), black)
	stepR := labelStep(rows, cell, lineH)
	if showRow {
		for r := 0; r < rows; r += stepR {
			l := truncLabel(rowLabels[r], 20)
			text(img, left-6-textWidth(l), top+r*cell+(cell-lineH)/2, l, black)
		}
	}
	stepC := labelStep(cols, cell, lineH)
	if showCol {
		for c := 0; c < cols; c += stepC {
			l := truncLabel(colLabels[c], 20)
			textVertical(img, left+c*cell+(cell-lineH)/2, top-6, l, black)
		}
	}
	if opts.YLabel != "" {
		textVertical(img, 4, top+gh/2+textWidth(opts.YLabel)/2, opts.YLabel, black)
	}
	if opts.XLabel != "" {
		text(img, left+gw/2-textWidth(opts.XLabel)/2, top+gh+8, opts.XLabel, black)
	}
	// colour bar
	const barH = 200
	for i := 0; i < barH; i++ {
		t := 1 - float64(i)/float64(barH-1)
		col := cm(t)
		if opts.Binary {
			if t >= 0.5 {
				col = cm(1)
			} else {
				col = cm(0)
			}
		}
		fill(img, image.Rect(barX, top+i, barX+14, top+i+1), col)
	}
	frame(img, image.Rect(barX-1, top-1, barX+15, top+barH+1), black)
	hiL, loL := fmtNum(sc.hi), fmtNum(sc.lo)
	if opts.Binary {
		hiL, loL = "1", "0"
	}
	text(img, barX+18, top-2, hiL, black)
	text(img, barX+18, top+barH-lineH+2, loL, black)
	if opts.Log && !opts.Binary {
		text(img, barX+18, top+barH/2-lineH/2, "log", black)
	}
	return savePNG(path, img)
}

func frame(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	fill(img, image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+1), c)
	fill(img, image.Rect(r.Min.X, r.Max.Y-1, r.Max.X, r.Max.Y), c)
	fill(img, image.Rect(r.Min.X, r.Min.Y, r.Min.X+1, r.Max.Y), c)
	fill(img, image.Rect(r.Max.X-1, r.Min.Y, r.Max.X, r.Max.Y), c)
}

func labelStep(n, cell, need int) int {
	if cell >= need {
		return 1
	}
	s := (need + cell - 1) / cell
	if s < 1 {
		s = 1
	}
	_ = n
	return s
}

func maxLen(ls []string, cap int) int {
	m := 1
	for _, l := range ls {
		if len(l) > m {
			m = len(l)
		}
	}
	if m > cap {
		m = cap
	}
	return m
}
