package atlas

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// MajorDivisions are the twelve major divisions of the Allen CCF grey
// matter (the usual summary level of projection and cell-count tables).
var MajorDivisions = []string{"Isocortex", "OLF", "HPF", "CTXsp", "STR", "PAL", "TH", "HY", "MB", "P", "MY", "CB"}

// Rollup aggregation functions.
const (
	AggSum  = "sum"
	AggMean = "mean"
)

// RollupRow is one aggregated region.
type RollupRow struct {
	ID      int64
	Acronym string
	Value   float64 // sum or mean of the values of the rows below the region
	N       int     // number of input rows that went into it
}

// RollupTargets resolves a target spec: "parents" (each input region's
// parent: returns nil, handled by Rollup), "major" (MajorDivisions),
// "depth:N" (the ancestors at depth N), or a comma-separated list of ids or
// acronyms.
func (o *Ontology) RollupTargets(spec string) (targets []int64, depth int, err error) {
	depth = -1
	switch {
	case spec == "parents":
		return nil, -1, nil
	case spec == "major":
		spec = strings.Join(MajorDivisions, ",")
	case strings.HasPrefix(spec, "depth:"):
		d, err := strconv.Atoi(strings.TrimPrefix(spec, "depth:"))
		if err != nil || d < 0 {
			return nil, -1, fmt.Errorf("%w: --to depth:N needs a depth >= 0, got %q", ccc.ErrUsage, spec)
		}
		return nil, d, nil
	}
	for _, s := range strings.Split(spec, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		r, err := o.Lookup(s)
		if err != nil {
			return nil, -1, err
		}
		targets = append(targets, r.ID)
	}
	if len(targets) == 0 {
		return nil, -1, fmt.Errorf("%w: --to names no region", ccc.ErrUsage)
	}
	return targets, -1, nil
}

// Rollup aggregates (region, value) rows (columns regions and values of
// equal length) through the descendant sets:
//   - targets != nil: each target gets the rows whose region lies in its
//     subtree (the target itself included); nested targets both count a row;
//   - depth >= 0: each row goes to its region's ancestor at that depth (rows
//     above that depth are dropped and counted in skipped);
//   - otherwise: each row goes to its region's parent (the root's rows stay
//     at the root).
//
// NaN values are skipped. Rows naming regions the ontology lacks are an
// error (ccc.ErrInvalidData naming the first rows). The result lists the
// regions that received rows, in ontology order.
func (o *Ontology) Rollup(regions []int64, values []float64, targets []int64, depth int, agg string) (out []RollupRow, skipped int, err error) {
	if agg != AggSum && agg != AggMean {
		return nil, 0, fmt.Errorf("%w: unknown aggregation %q (use sum or mean)", ccc.ErrUsage, agg)
	}
	if len(regions) != len(values) {
		return nil, 0, fmt.Errorf("%w: %d regions but %d values", ccc.ErrUsage, len(regions), len(values))
	}
	sum := make([]float64, len(o.regions))
	cnt := make([]int, len(o.regions))
	isTarget := make([]bool, len(o.regions))
	for _, t := range targets {
		isTarget[o.byID[t]] = true
	}
	var unknown []string
	for i, id := range regions {
		k, ok := o.byID[id]
		if !ok {
			if len(unknown) < 5 {
				unknown = append(unknown, fmt.Sprintf("row %d: %d", i, id))
			}
			continue
		}
		v := values[i]
		if math.IsNaN(v) {
			skipped++
			continue
		}
		r := &o.regions[k]
		switch {
		case targets != nil:
			hit := false
			for _, a := range o.Ancestors(r.ID) {
				if j := o.byID[a]; isTarget[j] {
					sum[j] += v
					cnt[j]++
					hit = true
				}
			}
			if !hit {
				skipped++
			}
		case depth >= 0:
			if r.Depth < depth {
				skipped++
				continue
			}
			j := o.byID[o.paths[o.pathOff[k]+int32(depth)]]
			sum[j] += v
			cnt[j]++
		default:
			j := k
			if r.ParentID != 0 {
				j = o.byID[r.ParentID]
			}
			sum[j] += v
			cnt[j]++
		}
	}
	if len(unknown) > 0 {
		return nil, 0, &ccc.Error{Op: "roll up", Row: -1, Field: "region", Msg: "regions not in the ontology: " + strings.Join(unknown, ", "),
			Hint: "the values table must use the atlas's structure ids", Kind: ccc.ErrInvalidData}
	}
	for k := range o.regions {
		if cnt[k] == 0 && !isTarget[k] {
			continue
		}
		v := sum[k]
		if agg == AggMean {
			if cnt[k] > 0 {
				v /= float64(cnt[k])
			} else {
				v = math.NaN()
			}
		}
		out = append(out, RollupRow{ID: o.regions[k].ID, Acronym: o.regions[k].Acronym, Value: v, N: cnt[k]})
	}
	if targets != nil { // in the order asked
		pos := map[int64]int{}
		for i, t := range targets {
			if _, ok := pos[t]; !ok {
				pos[t] = i
			}
		}
		sort.SliceStable(out, func(a, b int) bool { return pos[out[a].ID] < pos[out[b].ID] })
	}
	return out, skipped, nil
}
