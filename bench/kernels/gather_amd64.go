//go:build !purego

package main

// streamGather reads x, y, z and idx, and writes labels[p] = lab[idx[p]]
// and status[p] = byte(labels[p]) (the loop of gather_amd64.s, with the
// same software prefetches as atlas's lookup loop). It is the lookup's
// memory traffic without its arithmetic: the floor of a lookup that has to
// read three float64 coordinates per point.
func streamGather(lab, idx []uint32, x, y, z []float64, labels []uint32, status []uint8) {
	n := len(idx)
	x, y, z, labels, status = x[:n], y[:n], z[:n], labels[:n], status[:n]
	m := 0
	if n >= 64 {
		m = n &^ 1
		streamGatherPF(&x[0], &y[0], &z[0], &idx[0], m, &lab[0], &labels[0], &status[0])
	}
	streamGatherGo(lab, idx[m:], x[m:], y[m:], z[m:], labels[m:], status[m:])
}

//go:noescape
func streamGatherPF(x, y, z *float64, idx *uint32, n int, lab *uint32, labels *uint32, status *uint8)
