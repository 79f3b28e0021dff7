//go:build !amd64 || purego

package atlas

// locatePrefetch: without the amd64 loop (other architectures, or the
// purego build tag), locateRange runs locateBlocks.
const locatePrefetch = false

// locateBlocksPF is locateBlocks (never called: locatePrefetch is false).
func locateBlocksPF(lab []uint32, prm *locateParams, x, y, z []float64, labels []uint32, status []uint8) {
	locateBlocks[uint32](lab, prm, x, y, z, labels, status)
}
