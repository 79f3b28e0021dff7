package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ccc-connectivity/ccc/ingest"
	"github.com/ccc-connectivity/ccc/store"
)

// ExampleRun loads a small CSV of brain regions (columns named as in the
// Allen ontology: parent_structure_id maps to parent_identifier through a
// schema alias) and queries the class view.
func ExampleRun() {
	dir, _ := os.MkdirTemp("", "ccc-ingest-example")
	defer os.RemoveAll(dir)
	csv := filepath.Join(dir, "regions.csv")
	os.WriteFile(csv, []byte("id,acronym,name,parent_structure_id,color_hex_triplet\n997,root,root,,FFFFFF\n8,grey,Basic cell groups and regions,997,BFDAE3\n567,CH,Cerebrum,8,B0F0FF\n"), 0o644)

	st, _ := store.Init(filepath.Join(dir, "store"))
	defer st.Close()
	r, err := ingest.Run(context.Background(), st, ingest.Options{Class: "BrainRegion", Dataset: "demo", Inputs: []string{csv}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("version", r.Provenance.Version, "instances", r.Counts.Instances, "unresolved parents", r.Unresolved["parent_identifier"])
	fmt.Println("parent_identifier <-", r.Mapping["parent_identifier"])

	db, _ := st.DB(context.Background(), store.Ref{})
	defer db.Close()
	var parent string
	db.QueryRow(`SELECT p.acronym FROM BrainRegion c JOIN BrainRegion p ON c.parent_identifier = p.id WHERE c.acronym = 'CH'`).Scan(&parent)
	fmt.Println("parent of CH:", parent)
	// Output:
	// version 1 instances 3 unresolved parents 0
	// parent_identifier <- parent_structure_id
	// parent of CH: grey
}
