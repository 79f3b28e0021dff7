package expression_test

import (
	"os"

	"github.com/ccc-connectivity/ccc/expression"
)

func ExampleExtract() {
	t, err := expression.Extract("../formats/anndata/testdata/h5ad/csc.h5ad",
		expression.ExtractOptions{Genes: []string{"Sst", "Gad1"}, Obs: []string{"subclass"}})
	if err != nil {
		panic(err)
	}
	t.Rows = 3 // print the first cells only
	t.WriteCSV(os.Stdout)
	// Output:
	// obs_names,subclass,Sst,Gad1
	// cell_000,Pvalb,1.0397207736968994,1.647918462753296
	// cell_001,L2/3 IT,1.0397207736968994,1.0397207736968994
	// cell_002,Sst,2.079441547393799,0
}
