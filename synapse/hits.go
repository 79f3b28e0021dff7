package synapse

import (
	"errors"
	"math"
	"os"
	"runtime"
	"slices"
	"sync"
)

// hits are selected rows (table order) with each hit's dense pre and post
// index when the selection read them anyway, and its id and size when the
// selection gathered them; nil: read them from the index.
type hits struct {
	rows, pre, post []uint32
	id              []int64
	size            []float64
}

// hitCols names the per-row columns a selection should gather along.
type hitCols struct{ id, size bool }

// positionedMaxRows caps the rows a positioned walk visits (its hits keep
// 28 bytes each on the heap, at most 112 MB): beyond it the mapped walk
// keeps 4 bytes a hit, and its pages are shared page cache.
const positionedMaxRows = 1 << 22

// selectHits is Select for a query that writes the rows out. With
// positioned reads (UsePositionedReads) the walks over a few neurons' rows
// read the index with pread and keep each hit's pre and post (and, for a
// pre walk, its id and size as want says), so the output needs no second
// look at those columns.
func (ix *Index) selectHits(f Filter, want hitCols) (*hits, error) {
	if ix.files != nil {
		switch ix.walk(f) {
		case walkPre:
			if cost(f.Pre, ix.PreOff) <= positionedMaxRows {
				return ix.preWalkRead(f, want)
			}
		case walkPost:
			if cost(f.Post, ix.PostOff) <= positionedMaxRows {
				return ix.postWalkRead(f)
			}
		}
	}
	return &hits{rows: ix.Select(f)}, nil
}

// parallelRows is the number of walked rows above which a walk is split
// between goroutines (one per GOMAXPROCS, at most 4): below it the
// goroutines cost more than they save. A variable for tests.
var parallelRows uint64 = 1 << 16

// preWalkRead is Select's walkPre with each pre neuron's post range read
// by one pread; large walks are split by rows between goroutines, each
// also gathering the id and size of its hits.
func (ix *Index) preWalkRead(f Filter, want hitCols) (*hits, error) {
	list := f.Pre.List
	total := cost(f.Pre, ix.PreOff)
	parts := max(1, min(runtime.GOMAXPROCS(0), 4, int(total/parallelRows)+1, len(list)))
	// cut the list where the walked rows reach k/parts of the total
	cuts := []int{0}
	var acc uint64
	for k, i := range list {
		acc += ix.PreOff[i+1] - ix.PreOff[i]
		if len(cuts) < parts && acc*uint64(parts) >= total*uint64(len(cuts)) {
			cuts = append(cuts, k+1)
		}
	}
	cuts = append(cuts, len(list))
	res := make([]*hits, len(cuts)-1)
	errs := make([]error, len(cuts)-1)
	part := func(p int) {
		h, err := ix.preWalkPart(f, list[cuts[p]:cuts[p+1]])
		if err == nil {
			err = ix.gatherHits(h, want)
		}
		res[p], errs[p] = h, err
	}
	if len(res) == 1 {
		part(0)
		return res[0], errs[0]
	}
	var wg sync.WaitGroup
	for p := range res {
		wg.Go(func() { part(p) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	n := 0
	for _, r := range res {
		n += len(r.rows)
	}
	h := &hits{rows: make([]uint32, 0, n), pre: make([]uint32, 0, n), post: make([]uint32, 0, n)}
	if want.id {
		h.id = make([]int64, 0, n)
	}
	if want.size {
		h.size = make([]float64, 0, n)
	}
	for _, r := range res {
		h.rows, h.pre, h.post = append(h.rows, r.rows...), append(h.pre, r.pre...), append(h.post, r.post...)
		if want.id {
			h.id = append(h.id, r.id...)
		}
		if want.size {
			h.size = append(h.size, r.size...)
		}
	}
	return h, nil
}

// gatherHits reads the id and size of h's rows as want says.
func (ix *Index) gatherHits(h *hits, want hitCols) error {
	var g gatherer
	if want.id {
		h.id = make([]int64, len(h.rows))
		if err := gather(&g, ix.file(colID), ix.ID, h.rows, h.id); err != nil {
			return err
		}
	}
	if want.size {
		h.size = make([]float64, len(h.rows))
		if err := gather(&g, ix.file(colSize), ix.Size, h.rows, h.size); err != nil {
			return err
		}
	}
	return nil
}

// preWalkPart walks the pre neurons of list (a part of f.Pre.List).
func (ix *Index) preWalkPart(f Filter, list []uint32) (*hits, error) {
	h := &hits{}
	var buf []uint32
	post := f.Post
	for _, i := range list {
		posts, lo, err := readCSR(ix.files[colPost], ix.PreOff, i, &buf)
		if err != nil {
			return nil, err
		}
		for k, p := range posts {
			if post != nil && post.bits[p>>6]&(1<<(p&63)) == 0 {
				continue
			}
			if f.RemoveAutapses && p == i {
				continue
			}
			r := uint32(lo) + uint32(k)
			if f.Row != nil && !f.Row(r) {
				continue
			}
			h.rows = append(h.rows, r)
			h.pre = append(h.pre, i)
			h.post = append(h.post, p)
		}
	}
	return h, nil
}

// postWalkRead is Select's walkPost: each post neuron's rows come from one
// pread of post_perm, and their pre indices from reads of nearby rows.
func (ix *Index) postWalkRead(f Filter) (*hits, error) {
	var keys []uint64 // row << 32 | post
	var buf []uint32
	for _, j := range f.Post.List {
		rows, _, err := readCSR(ix.files[colPerm], ix.PostOff, j, &buf)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			keys = append(keys, uint64(r)<<32|uint64(j))
		}
	}
	if len(f.Post.List) > 1 {
		slices.Sort(keys)
	}
	h := &hits{rows: make([]uint32, len(keys)), pre: make([]uint32, len(keys)), post: make([]uint32, len(keys))}
	for k, key := range keys {
		h.rows[k], h.post[k] = uint32(key>>32), uint32(key)
	}
	var g gatherer
	if err := gather(&g, ix.files[colPre], ix.Pre, h.rows, h.pre); err != nil {
		return nil, err
	}
	n := 0
	pre := f.Pre
	for k, r := range h.rows {
		p, j := h.pre[k], h.post[k]
		if pre != nil && pre.bits[p>>6]&(1<<(p&63)) == 0 {
			continue
		}
		if f.RemoveAutapses && p == j {
			continue
		}
		if f.Row != nil && !f.Row(r) {
			continue
		}
		h.rows[n], h.pre[n], h.post[n] = r, p, j
		n++
	}
	h.rows, h.pre, h.post = h.rows[:n], h.pre[:n], h.post[:n]
	return h, nil
}

// readCSR reads neuron i's range of a CSR-ordered column file (offsets
// off) into *buf, grown as needed; lo is the range's first element.
func readCSR(f *os.File, off []uint64, i uint32, buf *[]uint32) (vals []uint32, lo uint64, err error) {
	lo, hi := off[i], off[i+1]
	n := int(hi - lo)
	if cap(*buf) < n {
		*buf = make([]uint32, n)
	}
	vals = (*buf)[:n]
	return vals, lo, readRange(f, lo, vals)
}

// hitColumn returns column m (file f) of h.rows[start:end]: from kept
// when the selection gathered it, else read into buf.
func hitColumn[T any](g *gatherer, f *os.File, m, kept, buf []T, h *hits, start, end int) ([]T, error) {
	if kept != nil {
		return kept[start:end], nil
	}
	v := buf[:end-start]
	return v, gather(g, f, m, h.rows[start:end], v)
}

// hitSides returns the dense pre and post indices of h.rows[lo:hi], read
// into pre and post (of capacity hi-lo) when the selection did not keep them.
func (ix *Index) hitSides(g *gatherer, h *hits, lo, hi int, pre, post []uint32) ([]uint32, []uint32, error) {
	if h.pre != nil {
		return h.pre[lo:hi], h.post[lo:hi], nil
	}
	rows := h.rows[lo:hi]
	pre, post = pre[:len(rows)], post[:len(rows)]
	if err := gather(g, ix.file(colPre), ix.Pre, rows, pre); err != nil {
		return nil, nil, err
	}
	if err := gather(g, ix.file(colPost), ix.Post, rows, post); err != nil {
		return nil, nil, err
	}
	return pre, post, nil
}

// pairCountsOf is PairCounts over gathered columns (rows in table order).
func pairCountsOf(pre, post []uint32, size []float64) []Pair {
	var out []Pair
	for k := 0; k < len(pre); {
		p := Pair{Pre: pre[k], Post: post[k]}
		for ; k < len(pre) && pre[k] == p.Pre && post[k] == p.Post; k++ {
			p.Count++
			if s := size[k]; !math.IsNaN(s) {
				p.SumSize += s
			}
		}
		out = append(out, p)
	}
	return out
}
