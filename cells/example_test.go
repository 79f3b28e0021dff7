package cells_test

import (
	"fmt"

	"github.com/ccc-connectivity/ccc/cells"
	"github.com/ccc-connectivity/ccc/projection"
)

// Projection vectors of four cells grouped by their type: per type and
// target, the mean and the fraction of cells projecting there; a cell
// without a type is counted and left out.
func ExampleProjectionsByType() {
	m := &projection.Matrix{Rows: []string{"c1", "c2", "c3", "c4"}, RegionIDs: []int64{385, 549}, RegionAcronyms: []string{"VISp", "TH"},
		Values: []float64{10, 0, 30, 4, 0, 8, 1, 1}}
	types := map[string]string{"c1": "L2/3 IT", "c2": "L2/3 IT", "c3": "L6 CT"}
	rows, unmapped := cells.ProjectionsByType(m, types)
	for _, r := range rows {
		fmt.Printf("%s -> %s: %d cells, mean %g, projecting %g\n", r.Type, r.Acronym, r.Cells, r.Mean, r.Projecting)
	}
	fmt.Println("without a type:", unmapped)
	// Output:
	// L2/3 IT -> VISp: 2 cells, mean 20, projecting 1
	// L2/3 IT -> TH: 2 cells, mean 2, projecting 0.5
	// L6 CT -> VISp: 1 cells, mean 0, projecting 0
	// L6 CT -> TH: 1 cells, mean 8, projecting 1
	// without a type: 1
}
