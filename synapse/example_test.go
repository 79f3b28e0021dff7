package synapse_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/synapse"
)

// Ingest a CAVE-shaped CSV into a store, then count synapses per pair for
// one presynaptic neuron, autapses removed.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "synapse-example")
	defer os.RemoveAll(dir)
	st, err := store.Init(filepath.Join(dir, "store"))
	if err != nil {
		panic(err)
	}
	defer st.Close()
	if _, err := synapse.Ingest(ctx, st, synapse.StoreIngestOptions{Dataset: "minnie",
		Files: []string{"testdata/ingest/cave_lists.csv"}, Resolution: synapse.DefaultResolution}); err != nil {
		panic(err)
	}
	ds, err := synapse.OpenDataset(st, store.Ref{}, "minnie")
	if err != nil {
		panic(err)
	}
	defer ds.Close()
	w, _ := synapse.NewRowWriter("csv", os.Stdout, "")
	req := &synapse.Request{Pre: []int64{864691135808473885}, PreGiven: true, RemoveAutapses: true}
	st2, err := ds.WritePairs(ctx, req, w, false)
	if err != nil {
		panic(err)
	}
	fmt.Println(st2.Rows, "pairs")
	// Output:
	// pre_pt_root_id,post_pt_root_id,syn_count,sum_size
	// 864691135808473885,864691135546540484,2,2216
	// 864691135808473885,864691135759983182,1,3176
	// 864691135808473885,864691135884799088,1,4832
	// 3 pairs
}

// A column batch's third row, as a RowWriter gets it.
func ExampleColumnsRow() {
	cols := []any{[]int64{7, 8, 9}, []float64{0.5, 1.5, 2.5}, []string{"a", "b", "c"}}
	row := make([]any, len(cols))
	synapse.ColumnsRow(cols, 2, row)
	fmt.Println(row...)
	// Output: 9 2.5 c
}

// A process that answers one query (as 'ccc synapses query' does) reads
// the index with pread instead of faulting its pages in.
func ExampleIndex_UsePositionedReads() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "synapse-example")
	defer os.RemoveAll(dir)
	st, err := store.Init(filepath.Join(dir, "store"))
	if err != nil {
		panic(err)
	}
	defer st.Close()
	if _, err := synapse.Ingest(ctx, st, synapse.StoreIngestOptions{Dataset: "minnie",
		Files: []string{"testdata/ingest/cave_lists.csv"}}); err != nil {
		panic(err)
	}
	ds, err := synapse.OpenDataset(st, store.Ref{}, "minnie")
	if err != nil {
		panic(err)
	}
	defer ds.Close()
	if err := ds.Index.UsePositionedReads(); err != nil {
		panic(err)
	}
	w, _ := synapse.NewRowWriter("csv", os.Stdout, "")
	req := &synapse.Request{Post: []int64{864691135808473885}, PostGiven: true, Columns: []string{"id", "pre_pt_root_id", "size"}}
	if _, err := ds.Query(ctx, req, w); err != nil {
		panic(err)
	}
	// Output:
	// id,pre_pt_root_id,size
	// 157378264,864691135546540484,412
	// 174798777,864691135808473885,100
}
