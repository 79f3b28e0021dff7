package expression

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"unsafe"

	"github.com/ccc-connectivity/ccc/formats/anndata"
	"github.com/ccc-connectivity/ccc/formats/hdf5"
	"github.com/ccc-connectivity/ccc/formats/zarr"
)

// zarrChunk is the number of elements per Zarr chunk of a copied matrix.
const zarrChunk = 1 << 20

// writeMatrixZarr copies the matrix, block by block, to dir in anndata's
// zarr layout (Zarr v2): a dense matrix is one 2-D array; a sparse one a
// group with data, indices and indptr arrays and the encoding attributes,
// so anndata.io.read_elem(zarr.open(dir)) reads it back.
func writeMatrixZarr(ctx context.Context, dir string, m *anndata.Matrix) error {
	ds := m.Datasets()
	if !m.IsSparse() {
		return copyDataset(ctx, dir, ds["array"], map[string]any{"encoding-type": "array", "encoding-version": "0.2.0"})
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	attrs, _ := json.Marshal(map[string]any{"encoding-type": string(m.Encoding), "encoding-version": "0.1.0", "shape": m.Shape})
	if err := os.WriteFile(filepath.Join(dir, ".zgroup"), []byte(`{"zarr_format": 2}`), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, ".zattrs"), attrs, 0o644); err != nil {
		return err
	}
	for _, name := range []string{"data", "indices", "indptr"} {
		if err := copyDataset(ctx, filepath.Join(dir, name), ds[name], map[string]any{"encoding-type": "array", "encoding-version": "0.2.0"}); err != nil {
			return err
		}
	}
	return nil
}

func zarrType(t hdf5.DType) (zarr.DataType, error) {
	switch t.Class {
	case hdf5.ClassFloat:
		if t.Size == 4 {
			return zarr.Float32, nil
		}
		if t.Size == 8 {
			return zarr.Float64, nil
		}
	case hdf5.ClassInt:
		return map[int]zarr.DataType{1: zarr.Int8, 2: zarr.Int16, 4: zarr.Int32, 8: zarr.Int64}[t.Size], nil
	case hdf5.ClassUint:
		return map[int]zarr.DataType{1: zarr.Uint8, 2: zarr.Uint16, 4: zarr.Uint32, 8: zarr.Uint64}[t.Size], nil
	case hdf5.ClassBool:
		return zarr.Uint8, nil
	}
	return "", fmt.Errorf("matrix values of type %s cannot be stored as Zarr", t)
}

// copyDataset copies a 1-D or 2-D numeric dataset in row blocks.
func copyDataset(ctx context.Context, dir string, d *hdf5.Dataset, attrs map[string]any) error {
	dt, err := zarrType(d.Type)
	if err != nil || dt == "" {
		return fmt.Errorf("%s: %v", d.Path(), err)
	}
	shape := append([]int(nil), d.Shape...)
	rowElems := 1
	for _, s := range shape[1:] {
		rowElems *= s
	}
	rows := max(1, zarrChunk/max(rowElems, 1))
	chunks := append([]int{min(rows, max(shape[0], 1))}, shape[1:]...)
	for i := range chunks {
		chunks[i] = max(chunks[i], 1)
	}
	a, err := zarr.Create(dir, zarr.Meta{Format: 2, Shape: shape, Chunks: chunks, DataType: dt, Compressor: zarr.Zstd, Level: 1, Attributes: attrs})
	if err != nil {
		return err
	}
	esize := dt.Size()
	full := chunks[0] * rowElems * esize
	idx := make([]int, len(shape))
	for k, start := 0, 0; start < shape[0]; k, start = k+1, start+chunks[0] {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(chunks[0], shape[0]-start)
		arr, err := d.Rows(start, n)
		if err != nil {
			return err
		}
		raw := bytesOf(arr)
		if len(raw) < full {
			raw = append(raw, make([]byte, full-len(raw))...)
		}
		idx[0] = k
		if err := a.WriteChunk(idx, raw); err != nil {
			return err
		}
	}
	return nil
}

// bytesOf views numeric array data as little-endian bytes (the machines
// ccc runs on are little-endian); booleans become 0/1 bytes.
func bytesOf(a *hdf5.Array) []byte {
	view := func(p unsafe.Pointer, n, size int) []byte {
		if n == 0 {
			return nil
		}
		return append([]byte(nil), unsafe.Slice((*byte)(p), n*size)...)
	}
	switch d := a.Data.(type) {
	case []float32:
		return view(unsafe.Pointer(unsafe.SliceData(d)), len(d), 4)
	case []float64:
		return view(unsafe.Pointer(unsafe.SliceData(d)), len(d), 8)
	case []int8:
		return view(unsafe.Pointer(unsafe.SliceData(d)), len(d), 1)
	case []int16:
		return view(unsafe.Pointer(unsafe.SliceData(d)), len(d), 2)
	case []int32:
		return view(unsafe.Pointer(unsafe.SliceData(d)), len(d), 4)
	case []int64:
		return view(unsafe.Pointer(unsafe.SliceData(d)), len(d), 8)
	case []uint8:
		return view(unsafe.Pointer(unsafe.SliceData(d)), len(d), 1)
	case []uint16:
		return view(unsafe.Pointer(unsafe.SliceData(d)), len(d), 2)
	case []uint32:
		return view(unsafe.Pointer(unsafe.SliceData(d)), len(d), 4)
	case []uint64:
		return view(unsafe.Pointer(unsafe.SliceData(d)), len(d), 8)
	case []bool:
		out := make([]byte, len(d))
		for i, v := range d {
			if v {
				out[i] = 1
			}
		}
		return out
	}
	return nil
}
