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

// ExampleOntology_ByIdentifier: ids are kept as the source writes them;
// regions answer by full id, local number or acronym.
func ExampleOntology_ByIdentifier() {
	dir, _ := os.MkdirTemp("", "atlas-example")
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "terms.csv")
	_ = os.WriteFile(p, []byte(`identifier,acronym,name,parent_identifier
MBA:997,root,root,
MBA:385,VISp,Primary visual area,MBA:997
BR1,R1,Region 1,MBA:385
`), 0o644)
	o, err := atlas.LoadOntology(p, atlas.LoadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, _ := o.ByIdentifier("MBA:385")
	byNumber, _ := o.Lookup("385")
	br1, _ := o.Lookup("BR1")
	fmt.Println(r.Acronym, r.ID, byNumber.Identifier, br1.ID, o.Parent(br1.ID).Identifier)
	// Output:
	// VISp 385 MBA:385 998 MBA:385
}
