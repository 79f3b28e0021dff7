//go:build !amd64

package projection

// scaleAdd does acc[j] += v[j]*s.
func scaleAdd(acc, v []float32, s float32) { scaleAddGo(acc, v, s) }

// diffScaleAdd does acc[j] += (a[j]-b[j])*s.
func diffScaleAdd(acc, a, b []float32, s float32) { diffScaleAddGo(acc, a, b, s) }

// scaleF64 does v[j] = float32(float64(v[j]) * inv).
func scaleF64(v []float32, inv float64) { scaleF64Go(v, inv) }
