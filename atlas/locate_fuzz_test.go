package atlas

import (
	"encoding/binary"
	"math"
	"testing"
)

// FuzzLocateBatch feeds arbitrary coordinates (any float64 bit pattern:
// NaN, infinities, negative zero, huge, just below a face) to LocateBatch
// on the 100 um demo volume and compares every point with LabelAt and with
// the portable three-pass path: the amd64 loop reads labels without bounds
// checks, so an index it gets wrong must show up here.
func FuzzLocateBatch(f *testing.F) {
	v := demoVolume()
	pt := func(c ...float64) []byte {
		b := make([]byte, 0, 8*len(c))
		for _, x := range c {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		}
		return b
	}
	f.Add(pt(3960, 2000, 3420, 13200, 7999.999999, 11399.99, -1e-300, 0, math.Copysign(0, -1)))
	f.Add(pt(math.NaN(), 1, 1, math.Inf(1), 1, 1, 1e300, 1, 1, 13199.999999999998, 7999.999999999999, 11399.999999999998))
	f.Add(pt(2147483648, 0, 0, 0, 2147483648*100, 0, -2147483649, 5, 5, 99.99999999999999, 0, 0))
	prm := v.locateParams()
	f.Fuzz(func(t *testing.T, data []byte) {
		n := len(data) / 24
		x, y, z := make([]float64, n), make([]float64, n), make([]float64, n)
		for p := 0; p < n; p++ {
			x[p] = math.Float64frombits(binary.LittleEndian.Uint64(data[24*p:]))
			y[p] = math.Float64frombits(binary.LittleEndian.Uint64(data[24*p+8:]))
			z[p] = math.Float64frombits(binary.LittleEndian.Uint64(data[24*p+16:]))
		}
		labels, status := make([]uint32, n), make([]uint8, n)
		v.LocateBatch(x, y, z, labels, status)
		wl, ws := make([]uint32, n), make([]uint8, n)
		locateBlocks[uint32](v.Labels, &prm, x, y, z, wl, ws)
		for p := 0; p < n; p++ {
			if labels[p] != wl[p] || status[p] != ws[p] {
				t.Fatalf("point %d (%v, %v, %v): batch %d %d, portable %d %d", p, x[p], y[p], z[p], labels[p], status[p], wl[p], ws[p])
			}
			l, in := v.LabelAt(x[p], y[p], z[p])
			if in != (status[p] != StatusOutside) || (in && l != labels[p]) {
				t.Fatalf("point %d (%v, %v, %v): batch %d %s, LabelAt %d inside=%v", p, x[p], y[p], z[p], labels[p], StatusNames[status[p]], l, in)
			}
		}
	})
}
