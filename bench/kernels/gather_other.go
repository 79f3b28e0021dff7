//go:build !amd64 || purego

package main

// streamGather is streamGatherGo where there is no assembly loop (the
// lookup itself then has no prefetches either).
func streamGather(lab, idx []uint32, x, y, z []float64, labels []uint32, status []uint8) {
	streamGatherGo(lab, idx, x, y, z, labels, status)
}
