package taxonomy_test

import (
	"fmt"

	"github.com/ccc-connectivity/ccc/taxonomy"
)

func Example() {
	t, err := taxonomy.Load("testdata/abc/cluster_annotation_term.csv", taxonomy.LoadOptions{Name: "wmb",
		Membership: "testdata/abc/cluster_to_cluster_annotation_membership.csv"})
	if err != nil {
		panic(err)
	}
	k, _ := t.Lookup("112") // a cluster alias
	for _, a := range t.Ancestors(k) {
		fmt.Println(t.LevelName(a), t.Label(a), t.ClusterName(a))
	}
	sub, _ := t.LevelIndex("subclass")
	fmt.Println("subclass:", t.Label(t.AncestorAt(k, sub)))
	// Output:
	// class CS20230722_CLAS_01 01 IT-ET Glut
	// subclass CS20230722_SUBC_007 007 L2/3 IT CTX Glut
	// supertype CS20230722_SUPT_0029 0029 L2/3 IT CTX Glut_2
	// cluster CS20230722_CLUS_0112 0112 L2/3 IT CTX Glut_2
	// subclass: CS20230722_SUBC_007
}
