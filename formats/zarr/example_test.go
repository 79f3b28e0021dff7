package zarr_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ccc-connectivity/ccc/formats/zarr"
)

// Write a 2 x 3 float32 array as Zarr v3 with zstd chunks of 1 x 2 and read
// it back; zarr-python opens the same directory with zarr.open_array.
func ExampleWrite() {
	dir, _ := os.MkdirTemp("", "zarr-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "m.zarr")
	_, err := zarr.Write(path, zarr.Meta{Format: 3, Shape: []int{2, 3}, Chunks: []int{1, 2}, Compressor: zarr.Zstd,
		Attributes: map[string]any{"unit": "fraction"}}, []float32{1, 2, 3, 4, 5, 6})
	if err != nil {
		fmt.Println(err)
		return
	}
	vals, a, err := zarr.Read[float32](path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(vals, a.Meta.Shape, a.Meta.DataType, a.Meta.Attributes["unit"])
	fmt.Println(filepath.Base(a.ChunkPath([]int{1, 1})))
	// Output:
	// [1 2 3 4 5 6] [2 3] float32 fraction
	// 1
}
