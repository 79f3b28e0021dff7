package atlas

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// Region is one brain structure of an ontology.
type Region struct {
	// ID is the region's integer key: its structure id (Allen: 385 for
	// VISp), the local number of a CURIE id (MBA:385 gives 385), or, for
	// an id without one (BR1), a number assigned above every other id.
	// Tables of other classes refer to regions by it (structure_id).
	ID int64
	// Identifier is the id as the source writes it, kept whole: "MBA:385",
	// "UBERON:0002436", "BR1", or the Allen CSV's "385". It is the stored
	// BrainRegion id.
	Identifier string

	Acronym  string // "VISp"
	Name     string // "Primary visual area"
	Color    string // six upper-case hex digits without '#', "08858C"; "" when unknown
	ParentID int64  // 0 for the root
	Depth    int    // 0 for the root

	// AnnotationValue is the label this region has in annotation volumes.
	// For the Allen CCF it is the structure id; terminology tables give it
	// in an annotation_value column. 0 when the region has no label.
	AnnotationValue int64

	// Order is the region's position in the source (Allen graph_order for
	// the Allen files); children are listed in this order.
	Order int

	idx  int32 // index in Ontology.regions
	pre  int32 // preorder number (Euler tour entry)
	size int32 // number of regions in the subtree, itself included
}

// Ontology is a validated region hierarchy, indexed for O(1) ancestry
// tests and contiguous descendant sets.
type Ontology struct {
	// Name is the atlas name ("allen_mouse_ccf_2017"); Source the file it
	// was loaded from.
	Name, Source string

	regions   []Region           // in source order
	byID      map[int64]int32    // id -> index
	byIdent   map[string]int32   // identifier (CURIE, text) -> index
	byAcronym map[string]int32   // exact acronym -> index
	byFold    map[string][]int32 // lower-cased acronym and name -> indices
	byLabel   map[int64]int32    // annotation value -> index
	labelTab  labelTable         // annotation values that fit uint32 -> region id (Locate)
	children  [][]int32          // index -> children indices (source order)
	preorder  []int64            // ids in preorder: subtree of r = preorder[r.pre : r.pre+r.size]
	preIdx    []int32            // indices in preorder
	paths     []int64            // flattened root-first paths
	pathOff   []int32            // index -> offset of its path in paths (len depth+1)
	root      int32
}

// Len returns the number of regions.
func (o *Ontology) Len() int { return len(o.regions) }

// Regions returns all regions in source order. The slice is shared: do not
// modify it.
func (o *Ontology) Regions() []Region { return o.regions }

// Root returns the root region.
func (o *Ontology) Root() *Region { return &o.regions[o.root] }

// ByID returns the region with the given id.
func (o *Ontology) ByID(id int64) (*Region, bool) {
	i, ok := o.byID[id]
	if !ok {
		return nil, false
	}
	return &o.regions[i], true
}

// ByLabel returns the region whose annotation value is label.
func (o *Ontology) ByLabel(label int64) (*Region, bool) {
	i, ok := o.byLabel[label]
	if !ok {
		return nil, false
	}
	return &o.regions[i], true
}

// ByIdentifier returns the region whose stored id is exactly ident
// ("MBA:385", "BR1", "385").
func (o *Ontology) ByIdentifier(ident string) (*Region, bool) {
	i, ok := o.byIdent[ident]
	if !ok {
		return nil, false
	}
	return &o.regions[i], true
}

// Identifier returns the stored id of region id ("" for an unknown id).
func (o *Ontology) Identifier(id int64) string {
	if r, ok := o.ByID(id); ok {
		return r.Identifier
	}
	return ""
}

// Lookup finds a region by acronym ("VISp"), full identifier ("MBA:385",
// "UBERON:0002436", "BR1"), local number ("385", the structure id; also
// "MBA:385" when the ids are plain numbers) or, failing those, by a
// case-insensitive acronym or full name. An unknown region gives an error
// wrapping ErrUnknownRegion (ccc.ErrNotFound) with the closest matches as a
// hint.
func (o *Ontology) Lookup(idOrAcronym string) (*Region, error) {
	s := strings.TrimSpace(idOrAcronym)
	if i, ok := o.byAcronym[s]; ok {
		return &o.regions[i], nil
	}
	if i, ok := o.byIdent[s]; ok {
		return &o.regions[i], nil
	}
	if id, ok := parseID(s); ok {
		if r, ok := o.ByID(id); ok {
			return r, nil
		}
	}
	if ix := o.byFold[strings.ToLower(s)]; len(ix) == 1 {
		return &o.regions[ix[0]], nil
	}
	e := &ccc.Error{Op: "look up region", Row: -1, Value: s, Msg: "no region with this id or acronym", Kind: ErrUnknownRegion}
	if hits := o.Search(s, 5); len(hits) > 0 {
		var names []string
		for _, h := range hits {
			names = append(names, h.Acronym)
		}
		e.Hint = "did you mean " + strings.Join(names, ", ") + "? ('ccc atlas search TEXT' lists matches)"
	} else {
		e.Hint = "'ccc atlas search TEXT' finds regions by name or acronym"
	}
	return nil, e
}

// parseID accepts "385" and CURIEs such as "MBA:385".
func parseID(s string) (int64, bool) {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = s[i+1:]
	}
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) {
			return 0, false
		}
		v = int64(f)
	}
	return v, true
}

// Parent returns the parent of id (nil for the root or an unknown id).
func (o *Ontology) Parent(id int64) *Region {
	r, ok := o.ByID(id)
	if !ok || r.ParentID == 0 && r.idx == o.root {
		return nil
	}
	p, _ := o.ByID(r.ParentID)
	return p
}

// Children returns the ids of the direct children of id in source order.
func (o *Ontology) Children(id int64) []int64 {
	i, ok := o.byID[id]
	if !ok {
		return nil
	}
	out := make([]int64, len(o.children[i]))
	for k, c := range o.children[i] {
		out[k] = o.regions[c].ID
	}
	return out
}

// Ancestors returns the path from the root to id: root first, id last.
// Unknown ids give nil. The slice is shared with the ontology (no
// allocation): do not modify it (slices.Clone it first).
func (o *Ontology) Ancestors(id int64) []int64 {
	i, ok := o.byID[id]
	if !ok {
		return nil
	}
	off := o.pathOff[i]
	end := off + int32(o.regions[i].Depth) + 1
	return o.paths[off:end:end]
}

// Descendants returns id and all regions below it, in preorder (id first):
// one contiguous run of the Euler tour. Unknown ids give nil. The slice is
// shared with the ontology (no allocation): do not modify it.
func (o *Ontology) Descendants(id int64) []int64 {
	i, ok := o.byID[id]
	if !ok {
		return nil
	}
	r := &o.regions[i]
	end := r.pre + r.size
	return o.preorder[r.pre:end:end]
}

// DescendantCount returns the number of regions in id's subtree (itself
// included), 0 for an unknown id.
func (o *Ontology) DescendantCount(id int64) int {
	i, ok := o.byID[id]
	if !ok {
		return 0
	}
	return int(o.regions[i].size)
}

// DescendantAnnotationValues returns the annotation values (volume labels)
// of id and all its descendants, sorted, without zeros.
func (o *Ontology) DescendantAnnotationValues(id int64) []int64 {
	i, ok := o.byID[id]
	if !ok {
		return nil
	}
	r := &o.regions[i]
	out := make([]int64, 0, r.size)
	for _, k := range o.preIdx[r.pre : r.pre+r.size] {
		if v := o.regions[k].AnnotationValue; v != 0 {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
	return out
}

// IsDescendant reports whether id lies in ancestor's subtree (true when
// id == ancestor). O(1): two preorder comparisons.
func (o *Ontology) IsDescendant(id, ancestor int64) bool {
	i, ok := o.byID[id]
	if !ok {
		return false
	}
	a, ok := o.byID[ancestor]
	if !ok {
		return false
	}
	p, q := o.regions[i].pre, &o.regions[a]
	return p >= q.pre && p < q.pre+q.size
}

// DepthHistogram returns the number of regions at each depth (index =
// depth).
func (o *Ontology) DepthHistogram() []int {
	var h []int
	for _, r := range o.regions {
		for len(h) <= r.Depth {
			h = append(h, 0)
		}
		h[r.Depth]++
	}
	return h
}

// PathString returns the acronyms from the root to id joined by sep
// ("root > grey > ... > VISp1" with sep " > ").
func (o *Ontology) PathString(id int64, sep string) string {
	var parts []string
	for _, a := range o.Ancestors(id) {
		r, _ := o.ByID(a)
		parts = append(parts, r.Acronym)
	}
	return strings.Join(parts, sep)
}

// rawRegion is one record as read from a file, before validation.
type rawRegion struct {
	Region
	hasParent bool
	parentRef string // parent as written (an identifier or a number), resolved by resolveIDs
	numbered  bool   // ID came from the source (else resolveIDs assigns one)
	row       int    // 0-based record index
	line      int    // 1-based line (CSV), 0 when unknown
}

// build validates the records and indexes the hierarchy. All problems are
// reported at once (errors.Join) as ccc.ErrInvalidData errors naming file,
// row and field.
func build(path string, raws []rawRegion) (*Ontology, error) {
	var errs []error
	bad := func(r *rawRegion, field, value, msg, hint string) {
		errs = append(errs, &ccc.Error{Op: "load ontology", Path: path, Line: r.line, Row: r.row, Field: field,
			Value: value, Msg: msg, Hint: hint, Kind: ccc.ErrInvalidData})
	}
	if len(raws) == 0 {
		return nil, &ccc.Error{Op: "load ontology", Path: path, Row: -1, Msg: "no regions in file", Kind: ccc.ErrInvalidData}
	}
	o := &Ontology{Source: path, byID: map[int64]int32{}, byIdent: map[string]int32{}, byAcronym: map[string]int32{},
		byFold: map[string][]int32{}, byLabel: map[int64]int32{}}
	o.regions = make([]Region, 0, len(raws))
	keep := make([]*rawRegion, 0, len(raws))
	for k := range raws {
		r := &raws[k]
		if r.Identifier == "" {
			r.Identifier = strconv.FormatInt(r.ID, 10)
		}
		if j, dup := o.byIdent[r.Identifier]; dup {
			bad(r, "id", r.Identifier, fmt.Sprintf("duplicate id (first at row %d)", keep[j].row), "ids must be unique")
			continue
		}
		if j, dup := o.byID[r.ID]; dup {
			bad(r, "id", r.Identifier, fmt.Sprintf("duplicate id: its number %d is also the number of %s (row %d)", r.ID, keep[j].Identifier, keep[j].row),
				"ids must be unique; CURIEs of one term set must differ in their local number, or give the numbers in a structure_id column")
			continue
		}
		if r.Acronym == "" {
			bad(r, "acronym", "", "empty acronym", "every region needs an acronym")
		} else if j, dup := o.byAcronym[r.Acronym]; dup {
			bad(r, "acronym", r.Acronym, fmt.Sprintf("duplicate acronym (also region %d at row %d)", keep[j].ID, keep[j].row), "acronyms must be unique")
		} else {
			o.byAcronym[r.Acronym] = int32(len(o.regions))
		}
		o.byID[r.ID] = int32(len(o.regions))
		o.byIdent[r.Identifier] = int32(len(o.regions))
		r.idx = int32(len(o.regions))
		r.Order = len(o.regions)
		o.regions = append(o.regions, r.Region)
		keep = append(keep, r)
	}
	// parents and roots
	o.children = make([][]int32, len(o.regions))
	var roots []int32
	for k, r := range keep {
		if !r.hasParent || r.ParentID == r.ID {
			roots = append(roots, int32(k))
			o.regions[k].ParentID = 0
			continue
		}
		p, ok := o.byID[r.ParentID]
		if !ok {
			bad(r, "parent", strconv.FormatInt(r.ParentID, 10), fmt.Sprintf("parent of region %d (%s) does not exist", r.ID, r.Acronym),
				"every parent id must be the id of a region in the same file")
			continue
		}
		o.children[p] = append(o.children[p], int32(k))
	}
	switch {
	case len(roots) == 0:
		errs = append(errs, &ccc.Error{Op: "load ontology", Path: path, Row: -1, Msg: "no root region (every region has a parent, so the parents form a cycle)",
			Hint: "the root region must have an empty parent", Kind: ccc.ErrInvalidData})
	case len(roots) > 1:
		var names []string
		for i, k := range roots {
			if i == 5 {
				names = append(names, fmt.Sprintf("... %d in all", len(roots)))
				break
			}
			names = append(names, fmt.Sprintf("%d (%s, row %d)", keep[k].ID, keep[k].Acronym, keep[k].row))
		}
		errs = append(errs, &ccc.Error{Op: "load ontology", Path: path, Row: -1, Msg: "more than one root region: " + strings.Join(names, ", "),
			Hint: "exactly one region may have an empty parent", Kind: ccc.ErrInvalidData})
	}
	seen := make([]bool, len(o.regions))
	if len(roots) >= 1 {
		o.root = roots[0]
		o.index()
		for _, k := range o.preIdx {
			seen[k] = true
		}
		for _, k := range roots[1:] {
			seen[k] = true // reported above; parents above them are fine
		}
	}
	// regions not reached from the root sit on a parent cycle or below one
	for k := range o.regions {
		if seen[k] {
			continue
		}
		cyc := o.cycleFrom(int32(k), seen)
		for _, c := range cyc {
			seen[c] = true
		}
		if len(cyc) == 0 {
			continue // below a root, an orphan or a reported cycle
		}
		var names []string
		for _, c := range cyc {
			names = append(names, fmt.Sprintf("%s (%d)", o.regions[c].Acronym, o.regions[c].ID))
		}
		r := keep[cyc[0]]
		bad(r, "parent", strconv.FormatInt(r.ParentID, 10), "parent cycle: "+strings.Join(names, " -> ")+" -> "+names[0],
			"a region cannot be its own ancestor")
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return o, nil
}

// cycleFrom follows parents from k until it meets a region already on the
// walk (a cycle, returned in child-to-parent order), a seen region, a root
// or a missing parent (nil).
func (o *Ontology) cycleFrom(k int32, seen []bool) []int32 {
	pos := map[int32]int{}
	var walk []int32
	for {
		if p, ok := pos[k]; ok {
			return walk[p:]
		}
		if seen[k] {
			return nil
		}
		pos[k] = len(walk)
		walk = append(walk, k)
		pid := o.regions[k].ParentID
		next, ok := o.byID[pid]
		if !ok || pid == 0 {
			return nil
		}
		k = next
	}
}

// index computes the Euler tour (preorder numbers, subtree sizes), depths,
// root-first paths and the lookup maps, iteratively (no recursion limit).
func (o *Ontology) index() {
	n := len(o.regions)
	o.preorder = o.preorder[:0]
	o.preIdx = o.preIdx[:0]
	o.pathOff = make([]int32, n)
	o.paths = o.paths[:0]
	type frame struct {
		k    int32
		next int
	}
	stack := []frame{{o.root, 0}}
	path := []int64{}
	enter := func(k int32) {
		r := &o.regions[k]
		r.pre = int32(len(o.preorder))
		r.Depth = len(path)
		path = append(path, r.ID)
		o.pathOff[k] = int32(len(o.paths))
		o.paths = append(o.paths, path...)
		o.preorder = append(o.preorder, r.ID)
		o.preIdx = append(o.preIdx, k)
	}
	enter(o.root)
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		ch := o.children[top.k]
		if top.next < len(ch) {
			c := ch[top.next]
			top.next++
			enter(c)
			stack = append(stack, frame{c, 0})
			continue
		}
		r := &o.regions[top.k]
		r.size = int32(len(o.preorder)) - r.pre
		path = path[:len(path)-1]
		stack = stack[:len(stack)-1]
	}
	for k := range o.regions {
		r := &o.regions[k]
		f := strings.ToLower(r.Acronym)
		o.byFold[f] = append(o.byFold[f], int32(k))
		if nf := strings.ToLower(r.Name); nf != f {
			o.byFold[nf] = append(o.byFold[nf], int32(k))
		}
		if r.AnnotationValue != 0 {
			if _, dup := o.byLabel[r.AnnotationValue]; !dup {
				o.byLabel[r.AnnotationValue] = int32(k)
			}
		}
	}
	o.labelTab = newLabelTable(o.byLabel, o.regions)
}
