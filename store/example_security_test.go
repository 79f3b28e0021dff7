package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ccc-connectivity/ccc/store"
)

// Names that become paths are checked before any path is built.
func ExampleValidName() {
	fmt.Println(store.ValidName(store.NameClass, "BrainRegion") == nil)
	fmt.Println(store.ValidName(store.NameClass, "../../../../elsewhere/x") == nil)
	fmt.Println(store.ValidName(store.NameArtifact, "annotation/25um") == nil)
	fmt.Println(store.ValidName(store.NameDataset, "..") == nil)
	// Output:
	// true
	// false
	// true
	// false
}

// User SQL must be one SELECT; outputs must lie outside the store.
func ExampleCheckSelect() {
	dir, _ := os.MkdirTemp("", "ccc-example-")
	defer os.RemoveAll(dir)
	s, _ := store.Init(filepath.Join(dir, "st"))
	defer s.Close()
	ctx := context.Background()
	db, _ := s.ReadOnlyDB(ctx, store.Ref{})
	defer db.Close()
	fmt.Println(store.CheckSelect(ctx, db, "SELECT * FROM ccc_datasets") == nil)
	fmt.Println(store.CheckSelect(ctx, db, "COPY (SELECT 1) TO 'x.csv'") == nil)
	_, err := s.CheckOutput(filepath.Join(s.Dir(), "versions", "000001.json"))
	fmt.Println(err != nil)
	// Output:
	// true
	// false
	// true
}
