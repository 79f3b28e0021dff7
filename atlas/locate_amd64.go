//go:build !purego

package atlas

// locatePrefetch: locateRange uses locateBlocksPF (the one-loop,
// prefetching lookup of locate_amd64.s) for volumes of at most 2^31 voxels.
const locatePrefetch = true

// locateBlocksPF looks points up block by block with locatePF (one loop:
// the index of point p and a prefetch of its label, then the label and
// status of point p-32, in cache by then), so that the label reads, a
// cache and TLB miss each on a 25 um volume, overlap the arithmetic and
// the coordinate reads. The results are those of locateBlocks; a last odd
// point of a block goes through locateIndex. The caller guarantees that
// len(lab) is the product of the volume's dimensions and at most 2^31.
func locateBlocksPF(lab []uint32, prm *locateParams, x, y, z []float64, labels []uint32, status []uint8) {
	n := len(x)
	y, z, labels, status = y[:n], z[:n], labels[:n], status[:n]
	var idxBuf [locateBlock]uint32
	var in [1]uint8
	for lo := 0; lo < n; lo += locateBlock {
		hi := min(lo+locateBlock, n)
		m := hi - lo
		if even := m &^ 1; even > 0 {
			locatePF(&x[lo], &y[lo], &z[lo], even, prm, &idxBuf[0], &lab[0], &labels[lo], &status[lo])
		}
		if m&1 == 1 {
			p := hi - 1
			locateIndex(x[p:hi], y[p:hi], z[p:hi], prm, idxBuf[:1], in[:])
			labels[p] = lab[idxBuf[0]]
			locateStatus(labels[p:hi], in[:], status[p:hi])
		}
	}
}

// locatePF is locateBlocks' three passes for n points (n even, n <=
// locateBlock; idx is scratch of n entries) in one SSE2 loop, see
// locate_amd64.s.
//
//go:noescape
func locatePF(x, y, z *float64, n int, prm *locateParams, idx *uint32, lab *uint32, labels *uint32, status *uint8)
