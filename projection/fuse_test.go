package projection

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFuseKernels checks the kernels the aggregation runs (SSE2 assembly on
// amd64) bit for bit against the portable Go versions, for every length
// around the 8- and 4-float loops and their tails, offsets that break
// 16-byte alignment, and values that include zeros, negatives, subnormals,
// infinities and NaN.
func TestFuseKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	special := []float32{0, float32(math.Copysign(0, -1)), 1e-40, -1e-42, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 3.4e38}
	val := func() float32 {
		if r.IntN(10) == 0 {
			return special[r.IntN(len(special))]
		}
		return float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(12)-6)))
	}
	fill := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = val()
		}
		return v
	}
	same := func(a, b []float32) int {
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) && !(a[i] != a[i] && b[i] != b[i]) {
				return i
			}
		}
		return -1
	}
	for n := 0; n <= 41; n++ {
		for off := 0; off < 3; off++ {
			a, b, acc := fill(n + off)[off:], fill(n + off)[off:], fill(n + off)[off:]
			s := float32(r.Float64() * 3)
			got, want := append([]float32(nil), acc...), append([]float32(nil), acc...)
			diffScaleAdd(got, a, b, s)
			diffScaleAddGo(want, a, b, s)
			if i := same(got, want); i >= 0 {
				t.Fatalf("diffScaleAdd n=%d off=%d: [%d] = %v, Go %v", n, off, i, got[i], want[i])
			}
			got, want = append([]float32(nil), acc...), append([]float32(nil), acc...)
			scaleAdd(got, a, s)
			scaleAddGo(want, a, s)
			if i := same(got, want); i >= 0 {
				t.Fatalf("scaleAdd n=%d off=%d: [%d] = %v, Go %v", n, off, i, got[i], want[i])
			}
			inv := 1 / float64(1+r.IntN(200))
			got, want = append([]float32(nil), acc...), append([]float32(nil), acc...)
			scaleF64(got, inv)
			scaleF64Go(want, inv)
			if i := same(got, want); i >= 0 {
				t.Fatalf("scaleF64 n=%d off=%d: [%d] = %v, Go %v", n, off, i, got[i], want[i])
			}
		}
	}
	// hand-checked values: the operations round separately (no fused multiply-add)
	acc := []float32{1, 1, 1, 1, 1, 1, 1, 1, 1}
	a := []float32{3, 3, 3, 3, 3, 3, 3, 3, 3}
	b := []float32{1, 1, 1, 1, 1, 1, 1, 1, 1}
	diffScaleAdd(acc, a, b, 0.5)
	for i, v := range acc {
		if v != 2 {
			t.Fatalf("diffScaleAdd: acc[%d] = %v, want 2", i, v)
		}
	}
	v := []float32{3, 3, 3, 3, 3}
	scaleF64(v, 1.0/3)
	for i, x := range v {
		if x != 1 {
			t.Fatalf("scaleF64: v[%d] = %v, want 1", i, x)
		}
	}
}
