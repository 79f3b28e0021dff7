package plot_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ccc-connectivity/ccc/internal/plot"
)

// A connectivity matrix among three neurons, drawn binarized.
func ExampleHeatmap() {
	dir, _ := os.MkdirTemp("", "plot")
	defer os.RemoveAll(dir)
	ids := []string{"864691135000001", "864691135000002", "864691135000003"}
	counts := []float64{
		0, 2, 0,
		1, 0, 5,
		0, 0, 0,
	}
	err := plot.Heatmap(filepath.Join(dir, "conn.png"), "synapses (binary)", ids, ids, counts,
		plot.HeatmapOptions{Binary: true, XLabel: "post", YLabel: "pre"})
	fmt.Println(err)
	// Output: <nil>
}
