package schema_test

import (
	"fmt"
	"io/fs"

	"github.com/ccc-connectivity/ccc/schema"
)

// The embedded modules, one LinkML YAML file each; Root imports them all.
func ExampleFS() {
	files, _ := fs.Glob(schema.FS, "*.yaml")
	for _, f := range files {
		fmt.Println(f)
	}
	fmt.Println("root:", schema.Root)
	// Output:
	// base_schema.yaml
	// brain_region_schema.yaml
	// cell_feature_schema.yaml
	// clustering_schema.yaml
	// connectivity_schema.yaml
	// core_schema.yaml
	// ephys_schema.yaml
	// gene_schema.yaml
	// mapping_schema.yaml
	// mesoscale_schema.yaml
	// morphology_schema.yaml
	// projection_schema.yaml
	// storage_schema.yaml
	// synapse_schema.yaml
	// root: connectivity_schema.yaml
}
