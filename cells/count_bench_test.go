package cells_test

import (
	"context"
	"os"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/cells"
	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/taxonomy"
)

// BenchmarkCountStore times cells.Count in process (store, taxonomy and
// atlas already open; the Parquet files in the OS cache) on the store
// CCC_CELLS_BENCH_STORE names (bench/cells.sh makes it): cells per
// subclass in VISp and below, and the full roll-up (every region with its
// subtree), from the CellClusterRegionCount tables and with the direct
// join. Skipped without the variable.
func BenchmarkCountStore(b *testing.B) {
	dir := os.Getenv("CCC_CELLS_BENCH_STORE")
	if dir == "" {
		b.Skip("set CCC_CELLS_BENCH_STORE to a store made by bench/cells.sh")
	}
	st, err := store.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		b.Fatal(err)
	}
	tx, err := taxonomy.Open(sn, "")
	if err != nil {
		b.Fatal(err)
	}
	level, err := tx.LevelIndex("subclass")
	if err != nil {
		b.Fatal(err)
	}
	a, err := atlas.Open(st, store.Ref{}, "")
	if err != nil {
		b.Fatal(err)
	}
	visp, err := a.Ontology.Lookup("VISp")
	if err != nil {
		b.Fatal(err)
	}
	var all []int64
	for _, r := range a.Ontology.Regions() {
		all = append(all, r.ID)
	}
	for _, c := range []struct {
		name    string
		regions []int64
		direct  bool
	}{{"visp", []int64{visp.ID}, false}, {"full-rollup", all, false}, {"visp-direct", []int64{visp.ID}, true}} {
		b.Run(c.name, func(b *testing.B) {
			o := cells.CountOptions{Taxonomy: tx, Level: level, Ontology: a.Ontology, Regions: c.regions, IncludeDescendants: true, Direct: c.direct}
			for b.Loop() {
				rows, _, err := cells.Count(context.Background(), sn, o)
				if err != nil || len(rows) == 0 {
					b.Fatal(err, len(rows))
				}
			}
		})
	}
}
