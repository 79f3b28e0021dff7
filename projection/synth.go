package projection

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// SyntheticOptions shape a synthetic experiment set.
type SyntheticOptions struct {
	N       int     // experiments
	Dims    [3]int  // grid (default 132x80x114)
	Spacing float64 // um (default 100)
	Seed    uint64
	// Structures to draw primary injection structures from (default VISp,
	// VISp1, VISpm, VISl, MOp, MOs ids of the Allen CCF).
	Structures []int64
	// Acronyms of Structures (same length), used for StructureAbbrev.
	Acronyms []string
}

// Synthetic writes a realistic synthetic experiment set into cache: for
// each experiment an injection summary (structure 997 hemisphere 3 record
// plus the primary structure) and a density grid (.mhd + .raw) with a dense
// injection blob, weaker ipsilateral targets and a faint contralateral
// mirror, and returns the experiments (real ones are not available
// offline; the grid files of real experiments come from 'fetch').
func Synthetic(cache Cache, o SyntheticOptions) ([]Input, error) {
	if o.Dims == ([3]int{}) {
		o.Dims = [3]int{132, 80, 114}
	}
	if o.Spacing == 0 {
		o.Spacing = 100
	}
	if len(o.Structures) == 0 {
		o.Structures = []int64{385, 593, 533, 409, 985, 993}
		o.Acronyms = []string{"VISp", "VISp1", "VISpm", "VISl", "MOp", "MOs"}
	}
	r := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	d := o.Dims
	ext := [3]float64{float64(d[0]) * o.Spacing, float64(d[1]) * o.Spacing, float64(d[2]) * o.Spacing}
	lines := []string{"", "Rbp4-Cre_KL100", "Cux2-IRES-Cre", "Sim1-Cre_KJ18"}
	var out []Input
	buf := make([]float32, d[0]*d[1]*d[2])
	for k := 0; k < o.N; k++ {
		id := int64(900000000 + k)
		si := r.IntN(len(o.Structures))
		// injection in the right hemisphere mostly, some left
		ap := ext[0] * (0.2 + 0.6*r.Float64())
		dv := ext[1] * (0.15 + 0.3*r.Float64())
		ml := ext[2] * (0.6 + 0.3*r.Float64())
		if r.IntN(5) == 0 {
			ml = ext[2] - ml
		}
		vol := 0.05 + 0.5*r.Float64()
		e := Experiment{ID: id, TransgenicLine: lines[r.IntN(len(lines))], StructureID: o.Structures[si], InjectionVolume: vol,
			InjectionAP: math.Round(ap), InjectionDV: math.Round(dv), InjectionML: math.Round(ml), Gender: []string{"M", "F"}[r.IntN(2)],
			Strain: "C57BL/6J", NumVoxels: math.NaN(), Sum: math.NaN()}
		if len(o.Acronyms) == len(o.Structures) {
			e.StructureAbbrev = o.Acronyms[si]
		}
		// blobs: injection site, two ipsilateral targets, contralateral mirror
		type blob struct {
			c    [3]float64
			s, a float64
		}
		blobs := []blob{{[3]float64{ap, dv, ml}, 350, 0.9}}
		for t := 0; t < 2; t++ {
			blobs = append(blobs, blob{[3]float64{ext[0] * r.Float64(), ext[1] * r.Float64(), ml + (r.Float64()-0.5)*1500}, 500, 0.2 + 0.2*r.Float64()})
		}
		blobs = append(blobs, blob{[3]float64{ap, dv, ext[2] - ml}, 500, 0.1})
		clear(buf)
		for _, b := range blobs {
			var lo, hi [3]int
			for a := 0; a < 3; a++ {
				lo[a] = max(0, int((b.c[a]-3*b.s)/o.Spacing))
				hi[a] = min(d[a], int((b.c[a]+3*b.s)/o.Spacing)+1)
			}
			inv := 1 / (2 * b.s * b.s)
			for z := lo[2]; z < hi[2]; z++ {
				qz := (float64(z)+0.5)*o.Spacing - b.c[2]
				for y := lo[1]; y < hi[1]; y++ {
					qy := (float64(y)+0.5)*o.Spacing - b.c[1]
					row := buf[d[0]*(y+d[1]*z):]
					for x := lo[0]; x < hi[0]; x++ {
						qx := (float64(x)+0.5)*o.Spacing - b.c[0]
						v := float32(b.a*math.Exp(-(qx*qx+qy*qy+qz*qz)*inv)) + row[x]
						row[x] = min(v, 1)
					}
				}
			}
		}
		dir := cache.ExperimentDir(id)
		name := "density"
		if o.Spacing != 100 {
			name = fmt.Sprintf("density_%gum", o.Spacing)
		}
		p, err := WriteGridMHD(dir, name, &Grid{Dims: d, Spacing: o.Spacing, Data: buf})
		if err != nil {
			return nil, err
		}
		recs := []map[string]any{
			{"id": id*10 + 1, "experimentID": id, "structure_id": RootStructure, "hemisphere_id": 3, "is_injection": true, "projection_volume": vol,
				"sum_pixel_intensity": vol * 3.8e12, "max_voxel_x": math.Round(ap), "max_voxel_y": math.Round(dv), "max_voxel_z": math.Round(ml)},
			{"id": id*10 + 2, "experimentID": id, "structure_id": e.StructureID, "hemisphere_id": 3, "is_injection": true, "projection_volume": vol * 0.8,
				"sum_pixel_intensity": vol * 3e12, "max_voxel_x": math.Round(ap), "max_voxel_y": math.Round(dv), "max_voxel_z": math.Round(ml)},
		}
		js, _ := json.Marshal(recs)
		if err := os.WriteFile(cache.SummaryPath(id), js, 0o644); err != nil {
			return nil, err
		}
		s, err := ParseSummary(js, cache.SummaryPath(id), id)
		if err != nil {
			return nil, err
		}
		out = append(out, Input{Experiment: e, Summary: s, GridPath: filepath.Clean(p)})
	}
	return out, nil
}
