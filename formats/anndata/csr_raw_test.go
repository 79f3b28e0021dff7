package anndata

import (
	"path/filepath"
	"reflect"
	"testing"
)

// TestCSRRawPath: the parallel raw-block path (csr_raw.go) gives exactly
// the columns of the libhdf5 path, for chunked, gzip and contiguous
// storage, rows crossing block boundaries, repeated selected columns and
// duplicate entries (summed); and it is the path taken.
func TestCSRRawPath(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		o    SynthOptions
	}{
		{"chunked", SynthOptions{Chunk: 1000}},
		{"gzip", SynthOptions{Chunk: 1000, Gzip: true}},
		{"contiguous", SynthOptions{Contiguous: true}},
		{"gzip-dups", SynthOptions{Chunk: 999, Gzip: true, DupEvery: 3}},
		{"chunked-dups", SynthOptions{Chunk: 7 * 143, DupEvery: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			o.Cells, o.Genes, o.PerCell, o.Seed = 3001, 50, 7, 3
			p := filepath.Join(dir, tc.name+".h5ad")
			if err := WriteSynthetic(p, o); err != nil {
				t.Fatal(err)
			}
			f, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			x, err := f.X()
			if err != nil {
				t.Fatal(err)
			}
			blocks, ok, err := x.indices.RawBlocks(rawBlockElems)
			if !ok || err != nil || len(blocks) == 0 || blocks[len(blocks)-1].Start+blocks[len(blocks)-1].Len != x.NNZ {
				t.Fatalf("raw blocks %v %v (%d blocks)", ok, err, len(blocks))
			}
			if wantF := o.Gzip; blocks[0].Filtered != wantF {
				t.Fatalf("filtered %v, want %v", blocks[0].Filtered, wantF)
			}
			cols := []int{0, 7, 49, 7, 13, 25}
			rawReads = false
			want, err := x.Columns(cols)
			rawReads = true
			if err != nil {
				t.Fatal(err)
			}
			got, err := x.Columns(cols)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatal("raw path differs from the libhdf5 path")
			}
			got32, err := x.ColumnsFloat32(cols)
			if err != nil {
				t.Fatal(err)
			}
			nz, dups := 0, 0
			for i := range want {
				for r, v := range want[i] {
					if float64(got32[i][r]) != v {
						t.Fatalf("float32 column %d row %d: %v, want %v", cols[i], r, got32[i][r], v)
					}
					if v != 0 {
						nz++
					}
					if v > 20 { // only a summed duplicate exceeds the synthetic maximum
						dups++
					}
				}
			}
			if nz < 1500 || (o.DupEvery > 0) != (dups > 0) {
				t.Fatalf("%d nonzero values, %d summed duplicates: not the test intended", nz, dups)
			}
		})
	}
}
