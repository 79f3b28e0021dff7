package atlas_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ccc-connectivity/ccc/atlas"
)

func ExampleLoadOntology() {
	dir, _ := os.MkdirTemp("", "atlas-example")
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "tiny.csv")
	_ = os.WriteFile(p, []byte(`id,acronym,name,parent_structure_id,color_hex_triplet
997,root,root,,FFFFFF
8,grey,Basic cell groups and regions,997,BFDAE3
669,VIS,Visual areas,8,08858C
385,VISp,Primary visual area,669,08858C
593,VISp1,Primary visual area layer 1,385,08858C
`), 0o644)
	o, err := atlas.LoadOntology(p, atlas.LoadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	visp1, _ := o.Lookup("VISp1")
	fmt.Println(o.PathString(visp1.ID, " > "))
	fmt.Println(o.Descendants(669), o.IsDescendant(593, 669))
	// Output:
	// root > grey > VIS > VISp > VISp1
	// [669 385 593] true
}
