package projection

// scaleAdd does acc[j] += v[j]*s.
func scaleAdd(acc, v []float32, s float32) {
	n := len(v)
	acc = acc[:n]
	if n > 0 {
		scaleAddSSE(&acc[0], &v[0], n, s)
	}
}

// diffScaleAdd does acc[j] += (a[j]-b[j])*s.
func diffScaleAdd(acc, a, b []float32, s float32) {
	n := len(a)
	acc, b = acc[:n], b[:n]
	if n > 0 {
		diffScaleAddSSE(&acc[0], &a[0], &b[0], n, s)
	}
}

// scaleF64 does v[j] = float32(float64(v[j]) * inv).
func scaleF64(v []float32, inv float64) {
	if len(v) > 0 {
		scaleF64SSE(&v[0], len(v), inv)
	}
}

//go:noescape
func scaleF64SSE(v *float32, n int, inv float64)

//go:noescape
func scaleAddSSE(acc, v *float32, n int, s float32)

//go:noescape
func diffScaleAddSSE(acc, a, b *float32, n int, s float32)
