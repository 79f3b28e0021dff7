package taxonomy

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// Term is one cluster (cell type) as a loader reads it.
type Term struct {
	Label  string   // unique identifier (CS20230722_CLAS_01, a CAS cell_set_accession)
	Name   string   // display name (01 IT-ET Glut); defaults to Label
	Level  string   // level (term set, labelset) name: class, subclass, ...
	Parent string   // parent label; "" for a term of the broadest level
	Alias  string   // cluster alias (ABC cluster_alias), "" when none
	Cells  []string // member cells (CAS cell_ids), usually none
	Row    int      // 0-based record index in the source, -1 when unknown
	Line   int      // 1-based line in the source, 0 when unknown
}

// BuildOptions name the source of the terms for error messages.
type BuildOptions struct {
	Path        string   // file the terms came from
	Levels      []string // level names, broadest first; nil: infer from the hierarchy
	LabelField  string   // column/field names used in errors
	ParentField string
	LevelField  string
}

// Taxonomy is a validated cluster hierarchy. Index 0 is the synthetic root
// (label = taxonomy name, level 0); the terms follow in source order.
type Taxonomy struct {
	Name, Source string
	Levels       []string // level names, broadest first; level i+1 in Level()

	label, name, alias []string
	level              []int32 // 0 for the root
	parent             []int32 // -1 for the root
	childOff, childIdx []int32 // children of k: childIdx[childOff[k]:childOff[k+1]]
	pre, size          []int32 // preorder number and subtree size
	preIdx             []int32 // indices in preorder
	anc                []int32 // anc[l*n+k]: ancestor of k at level l (-1 when k is broader)
	members            [][]string
	byLabel, byAlias   map[string]int32
	byFold             map[string][]int32
}

// Build validates terms and indexes them as taxonomy name. Duplicate
// labels, unknown parents, parent cycles, unknown levels and parents that
// are not broader than their children are errors naming the row and field;
// all are reported at once (errors.Join).
func Build(name string, terms []Term, o BuildOptions) (*Taxonomy, error) {
	lf, pf, vf := or(o.LabelField, "label"), or(o.ParentField, "parent"), or(o.LevelField, "level")
	var errs []error
	bad := func(tm *Term, field, value, msg, hint string) {
		if len(errs) < 50 {
			errs = append(errs, &ccc.Error{Op: "load taxonomy", Path: o.Path, Line: tm.Line, Row: tm.Row, Field: field,
				Value: value, Msg: msg, Hint: hint, Kind: ccc.ErrInvalidData})
		}
	}
	if len(terms) == 0 {
		return nil, &ccc.Error{Op: "load taxonomy", Path: o.Path, Row: -1, Msg: "no clusters in the file", Kind: ccc.ErrInvalidData,
			Hint: "give a file with one row (or CAS annotation) per cluster"}
	}
	n := len(terms) + 1
	t := &Taxonomy{Name: name, Source: o.Path, byLabel: map[string]int32{name: 0}, byAlias: map[string]int32{}, byFold: map[string][]int32{}}
	t.label = make([]string, 1, n)
	t.label[0] = name
	t.name = []string{name}
	t.alias = []string{""}
	t.members = [][]string{nil}
	rows := make([]*Term, 1, n)
	for i := range terms {
		tm := &terms[i]
		switch {
		case tm.Label == "":
			bad(tm, lf, "", "empty cluster label", "every cluster needs a unique label")
			continue
		case tm.Label == name:
			bad(tm, lf, tm.Label, "a cluster has the taxonomy's name", "the taxonomy name labels its root: choose another --name")
			continue
		}
		if j, dup := t.byLabel[tm.Label]; dup {
			bad(tm, lf, tm.Label, fmt.Sprintf("duplicate cluster label (first at row %d)", rows[j].Row), "cluster labels must be unique within a taxonomy")
			continue
		}
		t.byLabel[tm.Label] = int32(len(t.label))
		t.label = append(t.label, tm.Label)
		t.name = append(t.name, or(tm.Name, tm.Label))
		t.alias = append(t.alias, tm.Alias)
		t.members = append(t.members, tm.Cells)
		rows = append(rows, tm)
	}
	n = len(t.label)
	t.parent = make([]int32, n)
	t.parent[0] = -1
	for k := 1; k < n; k++ {
		tm := rows[k]
		if tm.Parent == "" {
			continue
		}
		p, ok := t.byLabel[tm.Parent]
		if !ok || p == 0 {
			bad(tm, pf, tm.Parent, fmt.Sprintf("parent of cluster %s does not exist", tm.Label),
				"every parent must be the label of a cluster in the same file; leave it empty only for the broadest level")
			t.parent[k] = -1
			continue
		}
		if int(p) == k {
			bad(tm, pf, tm.Parent, "parent cycle: "+tm.Label+" is its own parent", "a cluster cannot be its own ancestor")
			t.parent[k] = -1
			continue
		}
		t.parent[k] = p
	}
	// cycles: colour walk (0 new, 1 on the current walk, 2 done)
	colour := make([]uint8, n)
	colour[0] = 2
	for k := 1; k < n; k++ {
		var walk []int32
		c := int32(k)
		for c > 0 && colour[c] == 0 {
			colour[c] = 1
			walk = append(walk, c)
			c = t.parent[c]
		}
		if c > 0 && colour[c] == 1 { // closed a cycle
			var names []string
			start := 0
			for i, w := range walk {
				if w == c {
					start = i
				}
			}
			for _, w := range walk[start:] {
				names = append(names, t.label[w])
			}
			bad(rows[c], pf, rows[c].Parent, "parent cycle: "+strings.Join(names, " -> ")+" -> "+names[0], "a cluster cannot be its own ancestor")
			for _, w := range walk[start:] {
				t.parent[w] = -1 // break it to continue checking
			}
		}
		for _, w := range walk {
			colour[w] = 2
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for k := 1; k < n; k++ {
		if t.parent[k] < 0 {
			t.parent[k] = 0
		}
	}
	t.children()
	t.index()
	// levels
	depth := make([]int, n)
	for _, k := range t.preIdx[1:] {
		depth[k] = depth[t.parent[k]] + 1
	}
	levels := o.Levels
	if len(levels) == 0 {
		levels = inferLevels(rows, depth)
	}
	li := map[string]int32{}
	for i, l := range levels {
		if _, dup := li[l]; dup || l == "" {
			return nil, &ccc.Error{Op: "load taxonomy", Path: o.Path, Row: -1, Field: "levels", Value: l, Msg: "empty or repeated level name",
				Hint: "list each level once, broadest first (class,subclass,supertype,cluster)", Kind: ccc.ErrUsage}
		}
		li[l] = int32(i + 1)
	}
	t.Levels = levels
	t.level = make([]int32, n)
	for k := 1; k < n; k++ {
		tm := rows[k]
		lv := tm.Level
		if lv == "" && len(o.Levels) == 0 {
			lv = fmt.Sprintf("level%d", depth[k])
		}
		l, ok := li[lv]
		if !ok {
			bad(tm, vf, lv, "unknown level", "levels are "+strings.Join(levels, " > ")+"; give every cluster one of them")
			continue
		}
		t.level[k] = l
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for k := 1; k < n; k++ {
		p := t.parent[k]
		if p == 0 && t.level[k] != 1 {
			bad(rows[k], pf, "", fmt.Sprintf("missing parent: cluster %s is at level %s but has no parent", t.label[k], levels[t.level[k]-1]),
				"give its parent (a cluster of a broader level); only "+levels[0]+" clusters may have none")
		} else if p > 0 && t.level[p] >= t.level[k] {
			bad(rows[k], pf, t.label[p], fmt.Sprintf("parent %s (%s) is not broader than cluster %s (%s)", t.label[p], levels[t.level[p]-1], t.label[k], levels[t.level[k]-1]),
				"levels are "+strings.Join(levels, " > ")+": a parent must be of a broader level")
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	t.ancestors()
	for k := 1; k < n; k++ {
		if a := t.alias[k]; a != "" {
			if j, dup := t.byAlias[a]; dup {
				return nil, &ccc.Error{Op: "load taxonomy", Path: o.Path, Row: -1, Field: "cluster_alias", Value: a,
					Msg: fmt.Sprintf("alias names two clusters (%s and %s)", t.label[j], t.label[k]), Hint: "an alias must name one cluster", Kind: ccc.ErrInvalidData}
			}
			t.byAlias[a] = int32(k)
		}
		for _, s := range []string{strings.ToLower(t.label[k]), strings.ToLower(t.name[k])} {
			t.byFold[s] = appendOnce(t.byFold[s], int32(k))
		}
	}
	return t, nil
}

func appendOnce(s []int32, k int32) []int32 {
	if len(s) > 0 && s[len(s)-1] == k {
		return s
	}
	return append(s, k)
}

// inferLevels orders the level names the terms carry by the smallest depth
// at which each occurs (ties: first appearance).
func inferLevels(rows []*Term, depth []int) []string {
	minDepth := map[string]int{}
	var order []string
	for k := 1; k < len(rows); k++ {
		lv := rows[k].Level
		if lv == "" {
			lv = fmt.Sprintf("level%d", depth[k])
		}
		d, ok := minDepth[lv]
		if !ok {
			order = append(order, lv)
			minDepth[lv] = depth[k]
		} else if depth[k] < d {
			minDepth[lv] = depth[k]
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return minDepth[order[i]] < minDepth[order[j]] })
	return order
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// children fills the CSR child lists (source order).
func (t *Taxonomy) children() {
	n := len(t.label)
	t.childOff = make([]int32, n+1)
	for k := 1; k < n; k++ {
		t.childOff[t.parent[k]+1]++
	}
	for k := 0; k < n; k++ {
		t.childOff[k+1] += t.childOff[k]
	}
	t.childIdx = make([]int32, n-1)
	fill := append([]int32(nil), t.childOff[:n]...)
	for k := 1; k < n; k++ {
		p := t.parent[k]
		t.childIdx[fill[p]] = int32(k)
		fill[p]++
	}
}

// index computes the Euler tour iteratively.
func (t *Taxonomy) index() {
	n := len(t.label)
	t.pre = make([]int32, n)
	t.size = make([]int32, n)
	t.preIdx = make([]int32, 0, n)
	type frame struct{ k, next int32 }
	stack := []frame{{0, t.childOff[0]}}
	t.preIdx = append(t.preIdx, 0)
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.next < t.childOff[top.k+1] {
			c := t.childIdx[top.next]
			top.next++
			t.pre[c] = int32(len(t.preIdx))
			t.preIdx = append(t.preIdx, c)
			stack = append(stack, frame{c, t.childOff[c]})
			continue
		}
		t.size[top.k] = int32(len(t.preIdx)) - t.pre[top.k]
		stack = stack[:len(stack)-1]
	}
}

// ancestors fills the per-level ancestor table.
func (t *Taxonomy) ancestors() {
	n := len(t.label)
	L := len(t.Levels) + 1
	t.anc = make([]int32, L*n)
	for i := range t.anc {
		t.anc[i] = -1
	}
	for _, k := range t.preIdx { // parents before children
		if p := t.parent[k]; p >= 0 {
			for l := 0; l < L; l++ {
				t.anc[l*n+int(k)] = t.anc[l*n+int(p)]
			}
		}
		t.anc[int(t.level[k])*n+int(k)] = k
	}
}

// Len returns the number of clusters, the root excluded.
func (t *Taxonomy) Len() int { return len(t.label) - 1 }

// Label, ClusterName, Alias and Level (1 = broadest; 0 for the root) of cluster k.
func (t *Taxonomy) Label(k int32) string       { return t.label[k] }
func (t *Taxonomy) ClusterName(k int32) string { return t.name[k] }
func (t *Taxonomy) Alias(k int32) string       { return t.alias[k] }
func (t *Taxonomy) Level(k int32) int          { return int(t.level[k]) }

// LevelName is the name of cluster k's level ("" for the root).
func (t *Taxonomy) LevelName(k int32) string {
	if t.level[k] == 0 {
		return ""
	}
	return t.Levels[t.level[k]-1]
}

// Parent of cluster k (0, the root, for the broadest level; -1 for the root).
func (t *Taxonomy) Parent(k int32) int32 { return t.parent[k] }

// Members are the cells a CAS file lists for cluster k.
func (t *Taxonomy) Members(k int32) []string { return t.members[k] }

// Children are the direct children of k in source order (shared slice).
func (t *Taxonomy) Children(k int32) []int32 { return t.childIdx[t.childOff[k]:t.childOff[k+1]] }

// Descendants are k and every cluster below it, in preorder (shared slice).
func (t *Taxonomy) Descendants(k int32) []int32 { return t.preIdx[t.pre[k] : t.pre[k]+t.size[k]] }

// Ancestors is the path from the broadest-level ancestor down to k itself
// (the synthetic root left out).
func (t *Taxonomy) Ancestors(k int32) []int32 {
	var out []int32
	for c := k; c > 0; c = t.parent[c] {
		out = append(out, c)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// IsDescendant reports whether k is anc or below it.
func (t *Taxonomy) IsDescendant(k, anc int32) bool {
	return t.pre[k] >= t.pre[anc] && t.pre[k] < t.pre[anc]+t.size[anc]
}

// AncestorAt returns k's ancestor at level (1 = broadest), k itself when
// it is at that level, or -1 when k is broader than level.
func (t *Taxonomy) AncestorAt(k int32, level int) int32 {
	return t.anc[level*len(t.label)+int(k)]
}

// LevelIndex returns the level number (1 = broadest) of a level name
// (case-insensitive).
func (t *Taxonomy) LevelIndex(name string) (int, error) {
	for i, l := range t.Levels {
		if strings.EqualFold(l, name) {
			return i + 1, nil
		}
	}
	return 0, &ccc.Error{Op: "taxonomy", Row: -1, Field: "level", Value: name, Msg: "no such level in taxonomy " + t.Name,
		Hint: "levels are " + strings.Join(t.Levels, ", "), Kind: ErrUnknownLevel}
}

// AtLevel lists the clusters of one level in preorder.
func (t *Taxonomy) AtLevel(level int) []int32 {
	var out []int32
	for _, k := range t.preIdx {
		if int(t.level[k]) == level {
			out = append(out, k)
		}
	}
	return out
}

// Lookup finds a cluster by exact label, then alias, then a
// case-insensitive label or name that names exactly one cluster.
func (t *Taxonomy) Lookup(s string) (int32, error) {
	if k, ok := t.byLabel[s]; ok && k > 0 {
		return k, nil
	}
	if k, ok := t.byAlias[s]; ok {
		return k, nil
	}
	ks := t.byFold[strings.ToLower(strings.TrimSpace(s))]
	if len(ks) == 1 {
		return ks[0], nil
	}
	hint := "give a cluster label, alias or name; 'ccc taxonomy search TEXT' finds them"
	if len(ks) > 1 {
		hint = fmt.Sprintf("%q names %d clusters (%s, %s, ...): give the label", s, len(ks), t.label[ks[0]], t.label[ks[1]])
	}
	return -1, &ccc.Error{Op: "taxonomy " + t.Name, Row: -1, Value: s, Msg: "unknown cluster", Hint: hint, Kind: ErrUnknownCluster}
}

// Search returns up to limit clusters whose label or name contains text
// (case-insensitive): exact matches first, then prefixes, then the rest,
// each group in preorder.
func (t *Taxonomy) Search(text string, limit int) []int32 {
	q := strings.ToLower(strings.TrimSpace(text))
	if q == "" {
		return nil
	}
	var groups [3][]int32
	for _, k := range t.preIdx[1:] {
		l, nm := strings.ToLower(t.label[k]), strings.ToLower(t.name[k])
		switch {
		case l == q || nm == q:
			groups[0] = append(groups[0], k)
		case strings.HasPrefix(l, q) || strings.HasPrefix(nm, q):
			groups[1] = append(groups[1], k)
		case strings.Contains(l, q) || strings.Contains(nm, q):
			groups[2] = append(groups[2], k)
		}
	}
	out := append(append(groups[0], groups[1]...), groups[2]...)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// LevelCounts returns the number of clusters per level (index 0 = broadest).
func (t *Taxonomy) LevelCounts() []int {
	out := make([]int, len(t.Levels))
	for k := 1; k < len(t.level); k++ {
		out[t.level[k]-1]++
	}
	return out
}
