package projection

// The hot kernels of the aggregation. Each operation rounds to float32 in
// the order written ((a-b), then *s, then +=, never a fused multiply-add),
// so every implementation, and a float32 NumPy doing the same steps, gives
// bit-identical sums. On amd64 they run on SSE2 (4 floats per
// instruction, fuse_amd64.s; SSE2 is part of every amd64 CPU); the Go
// versions below are the portable fallback and the reference the
// assembly is tested against.

// scaleAddGo does acc[j] += v[j]*s (the portable kernel).
func scaleAddGo(acc []float32, v []float32, s float32) {
	n := len(v)
	acc = acc[:n]
	j := 0
	for ; j+4 <= n; j += 4 {
		a := acc[j : j+4 : j+4]
		x := v[j : j+4 : j+4]
		a[0] += x[0] * s
		a[1] += x[1] * s
		a[2] += x[2] * s
		a[3] += x[3] * s
	}
	for ; j < n; j++ {
		acc[j] += v[j] * s
	}
}

// diffScaleAddGo does acc[j] += (a[j]-b[j])*s (the portable kernel).
func diffScaleAddGo(acc []float32, a, b []float32, s float32) {
	n := len(a)
	acc = acc[:n]
	b = b[:n]
	j := 0
	for ; j+4 <= n; j += 4 {
		d := acc[j : j+4 : j+4]
		x := a[j : j+4 : j+4]
		y := b[j : j+4 : j+4]
		d[0] += (x[0] - y[0]) * s
		d[1] += (x[1] - y[1]) * s
		d[2] += (x[2] - y[2]) * s
		d[3] += (x[3] - y[3]) * s
	}
	for ; j < n; j++ {
		acc[j] += (a[j] - b[j]) * s
	}
}

// scaleF64Go does v[j] = float32(float64(v[j]) * inv) (the portable kernel).
func scaleF64Go(v []float32, inv float64) {
	for j, x := range v {
		v[j] = float32(float64(x) * inv)
	}
}
