package atlas

// Box is an axis-aligned box of a synthetic volume, in fractions of the
// volume extent (0..1) along AP, DV, ML.
type Box struct {
	Lo, Hi [3]float64
	Label  uint32
}

// DemoBoxes are nested boxes of real CCF 2017 structure ids: grey matter
// (8) holding isocortex (315) with VISp (385) and its layer 1 (593), the
// thalamus (549) and the cerebellum (512). Later boxes paint over earlier
// ones.
var DemoBoxes = []Box{
	{[3]float64{0.10, 0.10, 0.10}, [3]float64{0.90, 0.90, 0.90}, 8},
	{[3]float64{0.15, 0.10, 0.10}, [3]float64{0.60, 0.50, 0.90}, 315},
	{[3]float64{0.20, 0.12, 0.15}, [3]float64{0.45, 0.30, 0.45}, 385},
	{[3]float64{0.20, 0.12, 0.15}, [3]float64{0.45, 0.15, 0.45}, 593},
	{[3]float64{0.15, 0.55, 0.10}, [3]float64{0.60, 0.85, 0.90}, 549},
	{[3]float64{0.65, 0.20, 0.20}, [3]float64{0.88, 0.80, 0.80}, 512},
}

// BoxVolume builds a synthetic annotation volume of the given dimensions
// and isotropic resolution (um) by painting boxes in order; voxels outside
// every box are 0 (unlabelled). A voxel belongs to a box when its index i
// satisfies floor(Lo*dim) <= i < floor(Hi*dim) on every axis.
func BoxVolume(dims [3]int, res float64, boxes []Box) *Volume {
	v := &Volume{Dims: dims, Spacing: [3]float64{res, res, res}, Labels: newLabels(dims[0] * dims[1] * dims[2])}
	for _, b := range boxes {
		var lo, hi [3]int
		for a := 0; a < 3; a++ {
			lo[a], hi[a] = int(b.Lo[a]*float64(dims[a])), int(b.Hi[a]*float64(dims[a]))
		}
		for k := lo[2]; k < hi[2]; k++ {
			for j := lo[1]; j < hi[1]; j++ {
				row := dims[0] * (j + dims[1]*k)
				for i := lo[0]; i < hi[0]; i++ {
					v.Labels[row+i] = b.Label
				}
			}
		}
	}
	return v
}
