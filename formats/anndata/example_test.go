package anndata_test

import (
	"fmt"

	"github.com/ccc-connectivity/ccc/formats/anndata"
)

func Example() {
	f, err := anndata.Open("testdata/h5ad/csr.h5ad")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	nObs, nVars := f.Shape()
	x, _ := f.X()
	obs, _ := f.Obs()
	sub, _ := obs.Column("subclass")
	cols, _ := x.Columns([]int{0}) // Gad1, without reading the other genes
	fmt.Println(nObs, nVars, x.Format(), x.DType, obs.IndexName())
	fmt.Println(sub.Encoding, sub.Ordered, sub.Categories.Strings())
	fmt.Println(cols[0][:3])
	// Output:
	// 7 5 csr float32 cell_label
	// categorical false [Astro L2/3 IT Pvalb Sst]
	// [1.647918462753296 1.0397207736968994 0]
}
