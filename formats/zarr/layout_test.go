package zarr

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// Layout variants zarr-python does not write by default: v2 with "/"
// separator and big-endian data, v3 with the "v2" chunk key encoding and
// big-endian bytes codec.
func TestLayoutVariants(t *testing.T) {
	be := make([]byte, 16)
	for i, v := range []float64{1.5, -2.25} {
		binary.BigEndian.PutUint64(be[i*8:], math.Float64bits(v))
	}
	cases := []struct {
		meta, metaFile, chunk string
	}{
		{`{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":">f8","compressor":null,"fill_value":"NaN","order":"C","filters":null,"dimension_separator":"/"}`, ".zarray", "1"},
		{`{"zarr_format":3,"node_type":"array","shape":[4],"data_type":"float64","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[2]}},
		  "chunk_key_encoding":{"name":"v2","configuration":{"separator":"."}},"fill_value":"0x7ff8000000000000","codecs":[{"name":"bytes","configuration":{"endian":"big"}}]}`, "zarr.json", "1"},
	}
	for _, c := range cases {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, c.metaFile), []byte(c.meta), 0o644)
		os.WriteFile(filepath.Join(dir, c.chunk), be, 0o644)
		got, _, err := Read[float64](dir)
		if err != nil {
			t.Fatalf("%s: %v", c.metaFile, err)
		}
		if !math.IsNaN(got[0]) || !math.IsNaN(got[1]) || got[2] != 1.5 || got[3] != -2.25 {
			t.Fatalf("%s: %v", c.metaFile, got)
		}
	}
	// 2-d v2 with "/" separator: chunk (1,0) lives at 1/0
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".zarray"), []byte(`{"zarr_format":2,"shape":[2,2],"chunks":[1,2],"dtype":"<i2","compressor":null,"fill_value":0,"order":"C","filters":null,"dimension_separator":"/"}`), 0o644)
	os.MkdirAll(filepath.Join(dir, "1"), 0o755)
	os.WriteFile(filepath.Join(dir, "1", "0"), []byte{7, 0, 8, 0}, 0o644)
	got, _, err := Read[int16](dir)
	if err != nil || got[0] != 0 || got[2] != 7 || got[3] != 8 {
		t.Fatalf("nested: %v %v", got, err)
	}
}

func BenchmarkWriteReadZstd(b *testing.B) {
	n := 132 * 80 * 114
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(i%1000) / 1000
	}
	dir := b.TempDir()
	b.SetBytes(int64(n * 4))
	for i := 0; i < b.N; i++ {
		if _, err := Write(dir, Meta{Shape: []int{132, 80, 114}, Chunks: []int{66, 40, 57}, Compressor: Zstd}, data); err != nil {
			b.Fatal(err)
		}
		if _, _, err := Read[float32](dir); err != nil {
			b.Fatal(err)
		}
	}
}
