package synapse

import (
	"math"
	"slices"
)

// Filter selects synapses: pre in Pre AND post in Post (nil = any neuron),
// optionally without autapses and with an extra per-row predicate.
type Filter struct {
	Pre, Post      *Set
	RemoveAutapses bool
	// Row, when set, keeps only rows for which it returns true (filters
	// on id or size).
	Row func(row uint32) bool
}

// postWalkWeight is the relative cost of a row walked through post_perm
// (a random access to pre.u32, then a sort) against a row of a contiguous
// pre range; measured on 10^8 rows, about 4-8.
const postWalkWeight = 6

// cost is the number of rows walked when driving the query from s.
func cost(s *Set, off []uint64) uint64 {
	var c uint64
	for _, i := range s.List {
		c += off[i+1] - off[i]
	}
	return c
}

// walk is how a selection visits the table.
type walk int

const (
	walkAll  walk = iota // every row, no neuron set
	scanPost             // one sequential pass testing post (a post set too large to walk)
	walkPre              // the CSR ranges of the pre set
	walkPost             // the CSR ranges of the post set (through post_perm)
)

// walk picks the cheapest way for f: the side with fewer synapses drives.
func (ix *Index) walk(f Filter) walk {
	switch {
	case f.Pre == nil && f.Post == nil:
		return walkAll
	case f.Pre == nil && postWalkWeight*cost(f.Post, ix.PostOff) > uint64(len(ix.Post)):
		return scanPost
	case f.Post == nil || (f.Pre != nil && cost(f.Pre, ix.PreOff) <= postWalkWeight*cost(f.Post, ix.PostOff)):
		return walkPre
	}
	return walkPost
}

// Select returns the rows that match f in table order (pre, post, id). It
// walks the CSR ranges of whichever side has fewer synapses and tests the
// other side in its bitset; with neither side set it scans all rows.
func (ix *Index) Select(f Filter) []uint32 {
	keep := func(r uint32) bool {
		if f.RemoveAutapses && ix.Pre[r] == ix.Post[r] {
			return false
		}
		return f.Row == nil || f.Row(r)
	}
	var out []uint32
	switch ix.walk(f) {
	case walkAll:
		for r := range ix.Pre {
			if keep(uint32(r)) {
				out = append(out, uint32(r))
			}
		}
		return out
	case scanPost:
		post := f.Post
		for r, p := range ix.Post {
			if post.bits[p>>6]&(1<<(p&63)) == 0 {
				continue
			}
			if keep(uint32(r)) {
				out = append(out, uint32(r))
			}
		}
		return out
	case walkPre:
		post := f.Post
		for _, i := range f.Pre.List {
			lo, hi := ix.PreOff[i], ix.PreOff[i+1]
			if post == nil && !f.RemoveAutapses && f.Row == nil {
				for r := lo; r < hi; r++ {
					out = append(out, uint32(r))
				}
				continue
			}
			posts := ix.Post[lo:hi]
			for k, p := range posts {
				if post != nil && post.bits[p>>6]&(1<<(p&63)) == 0 {
					continue
				}
				if f.RemoveAutapses && p == i {
					continue
				}
				if r := uint32(lo) + uint32(k); f.Row == nil || f.Row(r) {
					out = append(out, r)
				}
			}
		}
		return out
	default:
		pre := f.Pre
		for _, j := range f.Post.List {
			for _, r := range ix.PostPerm[ix.PostOff[j]:ix.PostOff[j+1]] {
				p := ix.Pre[r]
				if pre != nil && pre.bits[p>>6]&(1<<(p&63)) == 0 {
					continue
				}
				if f.RemoveAutapses && p == j {
					continue
				}
				if f.Row == nil || f.Row(r) {
					out = append(out, r)
				}
			}
		}
		if len(f.Post.List) > 1 {
			slices.Sort(out)
		}
		return out
	}
}

// Pair is the synapses from one neuron onto another.
type Pair struct {
	Pre, Post uint32 // dense indices
	Count     int
	SumSize   float64
}

// PairCounts groups rows (in table order) by (pre, post). Rows of one pair
// are adjacent in table order, so this is a single pass with no hashing.
func (ix *Index) PairCounts(rows []uint32) []Pair {
	var out []Pair
	for k := 0; k < len(rows); {
		r := rows[k]
		p := Pair{Pre: ix.Pre[r], Post: ix.Post[r]}
		for ; k < len(rows) && ix.Pre[rows[k]] == p.Pre && ix.Post[rows[k]] == p.Post; k++ {
			p.Count++
			if s := ix.Size[rows[k]]; !math.IsNaN(s) {
				p.SumSize += s
			}
		}
		out = append(out, p)
	}
	return out
}

// Degree is one neuron's synapse and partner counts within a selection.
type Degree struct {
	Neuron                  uint32
	Out, In                 int // synapses as pre / as post
	OutPartners, InPartners int // distinct partners
	SumOutSize, SumInSize   float64
}

// Degrees counts, for each neuron of set, its outputs and inputs among rows
// (table order). Neurons of the set without synapses get zeros.
func (ix *Index) Degrees(set *Set, rows []uint32) []Degree {
	return ix.degrees(set, len(rows), func(k int) uint32 { return rows[k] })
}

// DegreesAll counts over every row of the table (one sequential pass).
func (ix *Index) DegreesAll(set *Set) []Degree {
	return ix.degrees(set, ix.Rows(), func(k int) uint32 { return uint32(k) })
}

func (ix *Index) degrees(set *Set, n int, rowAt func(int) uint32) []Degree {
	pos := make([]int32, ix.Neurons())
	for i := range pos {
		pos[i] = -1
	}
	out := make([]Degree, set.Len())
	for k, i := range set.List {
		pos[i] = int32(k)
		out[k].Neuron = i
	}
	// rows are in table order, so the rows of one (pre, post) pair are
	// adjacent: a new pair starts a new partner on both sides
	lastPre, lastPost := uint32(math.MaxUint32), uint32(math.MaxUint32)
	for k := 0; k < n; k++ {
		r := rowAt(k)
		p, q := ix.Pre[r], ix.Post[r]
		s := ix.Size[r]
		if math.IsNaN(s) {
			s = 0
		}
		newPair := p != lastPre || q != lastPost
		if k := pos[p]; k >= 0 {
			out[k].Out++
			out[k].SumOutSize += s
			if newPair {
				out[k].OutPartners++
			}
		}
		if k := pos[q]; k >= 0 {
			out[k].In++
			out[k].SumInSize += s
			if newPair {
				out[k].InPartners++
			}
		}
		lastPre, lastPost = p, q
	}
	return out
}

// MatrixValue is what a matrix cell holds.
type MatrixValue int

// Matrix cell values.
const (
	ValueCount  MatrixValue = iota // number of synapses
	ValueBinary                    // 1 when connected
	ValueSize                      // summed synapse size
)

// Matrix fills a rows x cols matrix (row-major) for pre neurons rowsN and
// post neurons colsN (dense indices) from the selected rows.
func (ix *Index) Matrix(rowsN, colsN []uint32, sel []uint32, v MatrixValue) []float64 {
	ri := make(map[uint32]int, len(rowsN))
	for k, i := range rowsN {
		ri[i] = k
	}
	ci := make(map[uint32]int, len(colsN))
	for k, i := range colsN {
		ci[i] = k
	}
	m := make([]float64, len(rowsN)*len(colsN))
	for _, r := range sel {
		a, ok := ri[ix.Pre[r]]
		if !ok {
			continue
		}
		b, ok := ci[ix.Post[r]]
		if !ok {
			continue
		}
		switch v {
		case ValueCount:
			m[a*len(colsN)+b]++
		case ValueBinary:
			m[a*len(colsN)+b] = 1
		case ValueSize:
			if s := ix.Size[r]; !math.IsNaN(s) {
				m[a*len(colsN)+b] += s
			}
		}
	}
	return m
}

func nan() float64 { return math.NaN() }
