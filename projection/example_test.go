package projection_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ccc-connectivity/ccc/projection"
)

// Aggregate two experiments injected in opposite hemispheres of a tiny
// 2 (AP) x 1 (DV) x 4 (ML) grid at 100 um, subtracting the contralateral
// hemisphere (mirror across the 200 um midline).
func ExampleAggregate() {
	dir, _ := os.MkdirTemp("", "ccc-example")
	defer os.RemoveAll(dir)
	dims := [3]int{2, 1, 4}
	var ins []projection.Input
	for i, ml := range []float64{100, 300} { // left, right
		g := &projection.Grid{Dims: dims, Spacing: 100, Data: []float32{1, 2, 3, 4, 5, 6, 7, 8}}
		p, _ := projection.WriteGridMHD(filepath.Join(dir, fmt.Sprint(i)), "density", g)
		ins = append(ins, projection.Input{GridPath: p, Experiment: projection.Experiment{ID: int64(i + 1), InjectionAP: 5000, InjectionDV: 2000, InjectionML: ml}})
	}
	res, err := projection.Aggregate(context.Background(), ins, projection.AggregateOptions{Dims: dims, Subtract: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Metadata[0].InjectedHemisphere, res.Metadata[1].InjectedHemisphere)
	fmt.Println(res.Groups[0].Label, res.Mean[0])
	// Output:
	// left right
	// all [-3 -3 -1 -1 1 1 3 3]
}
