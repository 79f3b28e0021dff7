// Package synth generates MICrONS-like synthetic synapse datasets for
// benchmarks, demos and tests: root ids in the 864691... range, heavy-tailed
// in and out degrees, spatially clustered positions in 4 x 4 x 40 nm voxels,
// log-normal synapse sizes, cell types in the proportions of the MICrONS
// automated classification, a manual cell-type subset and a proofread subset.
//
// Output is deterministic for a given seed and option set. Synapses are
// generated in fixed-size chunks, each with its own random stream, and written
// as Parquet row groups one chunk at a time, so 10^8 rows need no more memory
// than one chunk.
package synth

import (
	"math"
	"math/rand/v2"
	"sort"
)

// cellType is one class of the MICrONS classification with its share of
// neurons, cortical layer span (voxel y, 4 nm) and wiring traits.
type cellType struct {
	Name       string
	System     string  // automated classification_system
	Manual     string  // manual classification_system
	Count      float64 // count in aibs_metamodel_celltypes_v661
	YLo, YHi   float64
	OutFactor  float64 // relative output synapse count
	Inhibitory bool
}

// neuronTypes follow the automated counts of the CAVE tutorial (seed 001).
var neuronTypes = []cellType{
	{"23P", "excitatory_neuron", "aibs_coarse_excitatory", 19643, 110000, 170000, 1.0, false},
	{"4P", "excitatory_neuron", "aibs_coarse_excitatory", 14722, 170000, 210000, 0.9, false},
	{"5P-IT", "excitatory_neuron", "aibs_coarse_excitatory", 7889, 210000, 255000, 1.1, false},
	{"5P-ET", "excitatory_neuron", "aibs_coarse_excitatory", 2158, 225000, 260000, 1.4, false},
	{"5P-NP", "excitatory_neuron", "aibs_coarse_excitatory", 957, 235000, 260000, 0.6, false},
	{"6P-IT", "excitatory_neuron", "aibs_coarse_excitatory", 11637, 260000, 320000, 0.8, false},
	{"6P-CT", "excitatory_neuron", "aibs_coarse_excitatory", 6755, 260000, 320000, 0.7, false},
	{"BC", "inhibitory_neuron", "aibs_coarse_inhibitory", 3310, 110000, 320000, 2.5, true},
	{"MC", "inhibitory_neuron", "aibs_coarse_inhibitory", 2434, 110000, 320000, 2.0, true},
	{"BPC", "inhibitory_neuron", "aibs_coarse_inhibitory", 1484, 110000, 260000, 1.5, true},
	{"NGC", "inhibitory_neuron", "aibs_coarse_inhibitory", 621, 80000, 170000, 1.2, true},
}

// nonNeuronTypes only appear in the cell tables (no synapses).
var nonNeuronTypes = []cellType{
	{"astrocyte", "nonneuron", "", 7108, 80000, 320000, 0, false},
	{"oligo", "nonneuron", "", 6900, 80000, 320000, 0, false},
	{"microglia", "nonneuron", "", 2394, 80000, 320000, 0, false},
	{"OPC", "nonneuron", "", 1449, 80000, 320000, 0, false},
	{"pericyte", "nonneuron", "", 846, 80000, 320000, 0, false},
}

// Volume extent in voxels (4 x 4 x 40 nm).
const (
	xLo, xHi = 60000.0, 440000.0
	zLo, zHi = 14000.0, 27000.0
	// RootIDLo and RootIDHi bound the generated root ids (18 digits, like minnie65).
	RootIDLo = 864691131000000000
	RootIDHi = 864691137999999999
)

// neurons holds the per-neuron model in columns.
type neurons struct {
	Root      []int64
	Type      []uint8 // index into neuronTypes
	X, Y, Z   []float64
	OutAlias  *alias
	InAlias   *alias
	Rank      []int32 // position in spatial (x) order
	ByX       []int32 // neuron at spatial rank
	Proofread []bool
	Window    float64 // sd of local partner choice, in spatial ranks
}

func sampleType(r *rand.Rand, types []cellType, cum []float64) uint8 {
	u := r.Float64() * cum[len(cum)-1]
	return uint8(sort.SearchFloat64s(cum, u))
}

func cumCounts(types []cellType) []float64 {
	cum := make([]float64, len(types))
	s := 0.0
	for i, t := range types {
		s += t.Count
		cum[i] = s
	}
	return cum
}

// uniqueRoots draws n distinct root ids in [RootIDLo, RootIDHi], in random order.
func uniqueRoots(r *rand.Rand, n int, exclude map[int64]bool) []int64 {
	seen := make(map[int64]bool, n)
	out := make([]int64, 0, n)
	for len(out) < n {
		v := RootIDLo + r.Int64N(RootIDHi-RootIDLo+1)
		if seen[v] || exclude[v] {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}

// newNeurons builds the neuron model. proofFrac of the neurons are proofread
// (their axons and dendrites receive more synapses, as in MICrONS, where
// proofread cells are well-reconstructed).
func newNeurons(seed uint64, n int, proofFrac float64) *neurons {
	r := rand.New(rand.NewPCG(seed, 0x6e6575726f6e73))
	nm := &neurons{
		Root: uniqueRoots(r, n, nil),
		Type: make([]uint8, n),
		X:    make([]float64, n), Y: make([]float64, n), Z: make([]float64, n),
		Proofread: make([]bool, n),
	}
	cum := cumCounts(neuronTypes)
	outW := make([]float64, n)
	inW := make([]float64, n)
	nProof := int(math.Round(float64(n) * proofFrac))
	if nProof < 1 && n >= 10 {
		nProof = 1
	}
	for i := 0; i < n; i++ {
		t := sampleType(r, neuronTypes, cum)
		nm.Type[i] = t
		ct := neuronTypes[t]
		nm.X[i] = xLo + r.Float64()*(xHi-xLo)
		nm.Y[i] = ct.YLo + r.Float64()*(ct.YHi-ct.YLo)
		nm.Z[i] = zLo + r.Float64()*(zHi-zLo)
		// heavy tails: log-normal with sigma 1.1 gives degree ranges over ~3 decades
		outW[i] = ct.OutFactor * math.Exp(1.1*r.NormFloat64())
		inW[i] = math.Exp(1.0 * r.NormFloat64())
	}
	// proofread neurons: a random subset spread over the id range
	perm := r.Perm(n)
	for _, i := range perm[:nProof] {
		nm.Proofread[i] = true
		outW[i] *= 3
		inW[i] *= 3
	}
	nm.OutAlias = newAlias(outW)
	nm.InAlias = newAlias(inW)
	nm.ByX = make([]int32, n)
	for i := range nm.ByX {
		nm.ByX[i] = int32(i)
	}
	sort.Slice(nm.ByX, func(a, b int) bool { return nm.X[nm.ByX[a]] < nm.X[nm.ByX[b]] })
	nm.Rank = make([]int32, n)
	for rank, i := range nm.ByX {
		nm.Rank[i] = int32(rank)
	}
	// local partners within about +-150 um of 1.5 mm in x
	nm.Window = math.Max(5, float64(n)*0.05)
	return nm
}

// alias is Vose's alias table for O(1) weighted sampling.
type alias struct {
	prob  []float64
	alias []int32
}

func newAlias(w []float64) *alias {
	n := len(w)
	a := &alias{prob: make([]float64, n), alias: make([]int32, n)}
	sum := 0.0
	for _, v := range w {
		sum += v
	}
	scaled := make([]float64, n)
	small := make([]int32, 0, n)
	large := make([]int32, 0, n)
	for i, v := range w {
		scaled[i] = v * float64(n) / sum
		if scaled[i] < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s := small[len(small)-1]
		small = small[:len(small)-1]
		l := large[len(large)-1]
		large = large[:len(large)-1]
		a.prob[s] = scaled[s]
		a.alias[s] = l
		scaled[l] = scaled[l] + scaled[s] - 1
		if scaled[l] < 1 {
			small = append(small, l)
		} else {
			large = append(large, l)
		}
	}
	for _, i := range large {
		a.prob[i] = 1
	}
	for _, i := range small {
		a.prob[i] = 1
	}
	return a
}

func (a *alias) sample(r *rand.Rand) int32 {
	i := r.IntN(len(a.prob))
	if r.Float64() < a.prob[i] {
		return int32(i)
	}
	return a.alias[i]
}
