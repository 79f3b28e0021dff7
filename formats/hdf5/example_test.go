package hdf5_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ccc-connectivity/ccc/formats/hdf5"
)

// Write a chunked dataset, then read a hyperslab of it.
func Example() {
	dir, _ := os.MkdirTemp("", "hdf5-example")
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "x.h5")
	w, _ := hdf5.Create(p)
	vals := make([]float32, 6*4)
	for i := range vals {
		vals[i] = float32(i)
	}
	w.WriteDataset("/lfp/data", vals, []int{6, 4}, &hdf5.WriteOptions{Chunks: []int{2, 4}, Gzip: 1})
	w.SetAttr("/lfp/data", "unit", "volts")
	w.Close()

	f, _ := hdf5.Open(p)
	defer f.Close()
	d, _ := f.Dataset("/lfp/data")
	unit, _ := d.AttrString("unit")
	fmt.Println(d.Shape, d.Type, d.Chunks, d.Filters, unit)
	a, _ := d.Slice([]int{1, 1}, []int{2, 2})
	fmt.Println(a.Shape, a.Data)
	// Output:
	// [6 4] float32 [2 4] [gzip] volts
	// [2 2] [5 6 9 10]
}
