package plot

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func decode(t *testing.T, path string) (w, h int, at func(x, y int) [3]uint8) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	return b.Dx(), b.Dy(), func(x, y int) [3]uint8 {
		r, g, bb, _ := img.At(x, y).RGBA()
		return [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(bb >> 8)}
	}
}

func TestHeatmapBinaryCells(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m.png")
	vals := []float64{0, 3, 1, 0}
	if err := Heatmap(p, "binary", []string{"a", "b"}, []string{"c", "d"}, vals, HeatmapOptions{Binary: true, MaxCell: 20}); err != nil {
		t.Fatal(err)
	}
	_, _, at := decode(t, p)
	// Locate the grid: cells are 20 px; find the frame's inner top-left by
	// scanning for the first black cell (row 0, col 1).
	left := 20 + lineH + 1*charW + 6
	top := 36 + 1*charW + 6
	cases := []struct {
		r, c int
		want [3]uint8
	}{{0, 0, [3]uint8{255, 255, 255}}, {0, 1, [3]uint8{0, 0, 0}}, {1, 0, [3]uint8{0, 0, 0}}, {1, 1, [3]uint8{255, 255, 255}}}
	for _, tc := range cases {
		got := at(left+tc.c*20+10, top+tc.r*20+10)
		if got != tc.want {
			t.Errorf("cell (%d,%d) = %v, want %v", tc.r, tc.c, got, tc.want)
		}
	}
}

func TestHeatmapErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.png")
	if err := Heatmap(p, "", []string{"a"}, []string{"b", "c"}, []float64{1}, HeatmapOptions{}); err == nil {
		t.Fatal("want error for 1 value in a 1x2 matrix")
	}
	if err := Heatmap(p, "", nil, nil, nil, HeatmapOptions{}); err == nil {
		t.Fatal("want error for empty matrix")
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Fatal("failed heatmap left a file behind")
	}
}

func TestBarHeights(t *testing.T) {
	p := filepath.Join(t.TempDir(), "b.png")
	if err := Bar(p, "depths", []string{"0", "1", "2"}, []float64{1, 5, 10}); err != nil {
		t.Fatal(err)
	}
	w, h, at := decode(t, p)
	if w < 100 || h < 300 {
		t.Fatalf("size %dx%d", w, h)
	}
	// Count blue pixels in the column through each bar's centre.
	const left, top, plotH, barW, gap = 60, 40, 300, 36, 8
	heights := make([]int, 3)
	for i := range heights {
		x := left + gap + i*(barW+gap) + barW/2
		for y := top; y < top+plotH; y++ {
			if at(x, y) == [3]uint8{barC.R, barC.G, barC.B} {
				heights[i]++
			}
		}
	}
	want := []int{30, 150, 300}
	for i := range want {
		if heights[i] != want[i] {
			t.Errorf("bar %d height %d px, want %d", i, heights[i], want[i])
		}
	}
}

func TestImageOutlineAndScale(t *testing.T) {
	p := filepath.Join(t.TempDir(), "i.png")
	vals := []float32{0, 1, 2, float32(math.NaN())}
	lab := []uint32{1, 1, 1, 1}
	if err := Image(p, 2, 2, vals, ImageOptions{Scale: 10, Outline: lab}); err != nil {
		t.Fatal(err)
	}
	w, h, at := decode(t, p)
	if w != 20 || h != 20 {
		t.Fatalf("size %dx%d, want 20x20", w, h)
	}
	if got := at(5, 5); got != [3]uint8{0, 0, 0} { // Hot(0) = black
		t.Errorf("min pixel %v, want black", got)
	}
	if got := at(5, 15); got != [3]uint8{255, 255, 255} { // Hot(1) = white
		t.Errorf("max pixel %v, want white", got)
	}
	if got := at(15, 15); got != [3]uint8{128, 128, 128} {
		t.Errorf("NaN pixel %v, want grey", got)
	}
}

func TestScalerLogAndSymmetric(t *testing.T) {
	s := newScaler(func(y func(float64)) { y(1); y(10); y(100); y(-5) }, true, false, 0, 0, false)
	if got := s.t(10); math.Abs(got-0.5) > 1e-12 {
		t.Errorf("log t(10) = %v, want 0.5", got)
	}
	s = newScaler(func(y func(float64)) { y(-2); y(1) }, false, true, 0, 0, false)
	if s.lo != -2 || s.hi != 2 || s.t(0) != 0.5 {
		t.Errorf("symmetric scaler %+v t(0)=%v", s, s.t(0))
	}
}
