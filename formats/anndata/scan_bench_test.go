package anndata

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkScanIndices: the column scan of the CSR path, 1Mi int32
// indices over 20,000 columns with 20 selected.
func BenchmarkScanIndices(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	idx := make([]int32, 1<<20)
	for i := range idx {
		idx[i] = int32(rng.IntN(20000))
	}
	lookup := make([]int32, 20000)
	for i := range lookup {
		lookup[i] = -1
	}
	for j := 0; j < 20; j++ {
		lookup[j*1000] = int32(j)
	}
	var hits []hit
	b.SetBytes(int64(len(idx) * 4))
	for range b.N {
		hits, _ = scanIndices(idx, lookup, hits[:0])
	}
	if len(hits) < 500 {
		b.Fatal(len(hits))
	}
}
