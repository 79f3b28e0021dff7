package projection

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/atlas"
)

// Normalizations.
const (
	NormNone      = "none"
	NormVolume    = "injectionVolume"    // divide by the injection's projection_volume (mm^3)
	NormIntensity = "injectionIntensity" // divide by the injection's sum_pixel_intensity
)

// Groupings.
const (
	GroupNone    = ""
	GroupAP      = "AP"
	GroupDV      = "DV"
	GroupML      = "ML"
	GroupRegions = "regions"
)

// RegionGroup is one named group of injection regions ("visual" = VISp,
// VISl, ...). An experiment belongs to the group whose region contains its
// primary injection structure in the atlas hierarchy.
type RegionGroup struct {
	Name    string
	Regions []string
}

// AggregateOptions are the parameters of an aggregation (recorded as
// provenance with the result).
type AggregateOptions struct {
	Normalization string // NormNone (default), NormVolume or NormIntensity
	// Subtract mirrors each grid across the midline and subtracts the
	// contralateral hemisphere from the injected one (the other hemisphere
	// becomes 0).
	Subtract bool
	GroupBy  string // GroupNone, GroupAP, GroupDV, GroupML or GroupRegions
	Bins     int    // equal-width bins for AP/DV/ML grouping (default 5)
	// RegionGroups and Ontology are needed for GroupRegions.
	RegionGroups []RegionGroup
	Ontology     *atlas.Ontology
	// KeepIndividual also returns every experiment's processed volume:
	// in Result.Individual, or, when IndividualDir is set, streamed to a
	// Zarr array there (volume x AP x DV x ML, see WriteVolumes) so that
	// memory does not grow with the number of experiments.
	KeepIndividual bool
	IndividualDir  string
	// Dims is the grid size every input must have (default 132x80x114) and
	// Spacing its voxel size in um (default 100).
	Dims    [3]int
	Spacing float64
	Workers int // parallel experiments (default GOMAXPROCS)
}

// Input is one experiment to aggregate.
type Input struct {
	Experiment Experiment
	Summary    *Summary // nil when no injection summary is available
	GridPath   string
}

// Group is one output group.
type Group struct {
	Label       string
	Centre      float64 // mean injection coordinate (um) for AP/DV/ML grouping, NaN otherwise
	Lo, Hi      float64 // bin edges (um) for AP/DV/ML grouping
	Experiments []int64 // experiments averaged into the group
}

// MetaRow is one row of the metadata CSV.
type MetaRow struct {
	ExperimentID       int64
	MouseLine          string
	InjectionRegion    string
	InjectionRegionID  int64
	InjectionAP        float64
	InjectionDV        float64
	InjectionML        float64
	InjectionVolume    float64 // structure 997, hemisphere 3 projection_volume (NaN when unknown)
	InjectionIntensity float64 // structure 997, hemisphere 3 sum_pixel_intensity
	Sex                string
	Group              string // "" when the experiment is in no group
	InjectedHemisphere string // "left"/"right" when subtracting, else ""
}

// Result of Aggregate. Volumes are float32 in Fortran order (AP fastest),
// like the input grids.
type Result struct {
	Dims       [3]int
	Spacing    float64
	Options    AggregateOptions
	Groups     []Group
	Mean       [][]float32 // one volume per group
	Individual [][]float32 // per input experiment (nil when excluded or not kept)
	// IndividualDir is the Zarr array holding the individual volumes when
	// they were streamed (AggregateOptions.IndividualDir).
	IndividualDir string
	Metadata      []MetaRow // per input experiment, input order
	Warnings      []string
	// BytesRead is the grid data processed (for throughput figures).
	BytesRead int64
}

// Params returns the options as a provenance map.
func (o AggregateOptions) Params() map[string]any {
	p := map[string]any{"normalization": o.norm(), "subtract_other_hemisphere": o.Subtract, "group_by": o.GroupBy,
		"dims": o.Dims, "spacing_um": o.Spacing}
	if o.GroupBy == GroupAP || o.GroupBy == GroupDV || o.GroupBy == GroupML {
		p["bins"] = o.Bins
	}
	if o.GroupBy == GroupRegions {
		rg := map[string]any{}
		for _, g := range o.RegionGroups {
			rg[g.Name] = g.Regions
		}
		p["region_groups"] = rg
	}
	return p
}

func (o AggregateOptions) norm() string {
	if o.Normalization == "" {
		return NormNone
	}
	return o.Normalization
}

func (o *AggregateOptions) check() error {
	switch o.norm() {
	case NormNone, NormVolume, NormIntensity:
	default:
		return usage("unknown normalization %q (none, injectionVolume or injectionIntensity)", o.Normalization)
	}
	switch o.GroupBy {
	case GroupNone, GroupAP, GroupDV, GroupML:
	case GroupRegions:
		if len(o.RegionGroups) == 0 {
			return usage("grouping by regions needs region groups (--region-group NAME=R1,R2)")
		}
		if o.Ontology == nil {
			return usage("grouping by regions needs an atlas ontology")
		}
	default:
		return usage("unknown grouping %q (AP, ML, DV or regions)", o.GroupBy)
	}
	if o.Bins == 0 {
		o.Bins = 5
	}
	if o.Bins < 1 {
		return usage("--bins must be at least 1")
	}
	if o.Dims == ([3]int{}) {
		o.Dims = [3]int{132, 80, 114}
	}
	if o.Spacing == 0 {
		o.Spacing = spacingFor(o.Dims)
		if o.Spacing == 0 {
			o.Spacing = 100
		}
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return nil
}

// plan is the per-experiment work decided before touching any grid.
type plan struct {
	group int     // -1: excluded
	scale float64 // multiply by this (1/normalizer)
	side  int     // 0 no subtraction, -1 injected low-ML half (left), +1 high-ML half (right)
}

// Aggregate averages the experiments' density grids per group, after
// normalization and hemisphere subtraction. Every input is validated
// (summary records, injected hemisphere, grid size) before the result is
// returned; any problem is an error and nothing is returned.
func Aggregate(ctx context.Context, inputs []Input, o AggregateOptions) (*Result, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	if len(inputs) == 0 {
		return nil, usage("no experiments to aggregate")
	}
	res := &Result{Dims: o.Dims, Spacing: o.Spacing, Options: o}
	plans := make([]plan, len(inputs))
	res.Metadata = make([]MetaRow, len(inputs))
	var errs []error
	seen := map[int64]bool{}
	for i := range inputs {
		in := &inputs[i]
		e := &in.Experiment
		if seen[e.ID] {
			errs = append(errs, usage("experiment %d given twice", e.ID))
		}
		seen[e.ID] = true
		m := MetaRow{ExperimentID: e.ID, MouseLine: e.MouseLine(), InjectionRegion: e.StructureAbbrev, InjectionRegionID: e.StructureID,
			InjectionAP: e.InjectionAP, InjectionDV: e.InjectionDV, InjectionML: e.InjectionML,
			InjectionVolume: math.NaN(), InjectionIntensity: math.NaN(), Sex: e.Gender}
		var inj Unionize
		hasInj := false
		if in.Summary != nil {
			inj, hasInj = in.Summary.Injection()
			if hasInj {
				m.InjectionVolume, m.InjectionIntensity = inj.ProjectionVolume, inj.SumPixelIntensity
			}
		}
		p := plan{scale: 1}
		switch o.norm() {
		case NormVolume, NormIntensity:
			if in.Summary == nil {
				errs = append(errs, &ccc.Error{Op: "aggregate", Row: -1, Value: fmt.Sprint(e.ID), Msg: fmt.Sprintf("experiment %d has no injection summary: cannot normalize", e.ID),
					Hint: "run 'ccc projections fetch' for it, or use --normalization none", Kind: ccc.ErrNotFound})
				break
			}
			if !hasInj {
				errs = append(errs, in.Summary.missingInjection())
				break
			}
			v := inj.ProjectionVolume
			if o.norm() == NormIntensity {
				v = inj.SumPixelIntensity
			}
			if v > 0 && !math.IsInf(v, 0) {
				p.scale = 1 / v
			} else {
				res.Warnings = append(res.Warnings, fmt.Sprintf("experiment %d: invalid %s normalizer (%v): not normalized", e.ID, o.norm(), v))
			}
		}
		if o.Subtract {
			midUM := float64(o.Dims[2]) * o.Spacing / 2
			ml := e.InjectionML
			if math.IsNaN(ml) && hasInj && !math.IsNaN(inj.MaxVoxelZ) {
				// both in micrometres: the summary's max_voxel_z is not a voxel index
				ml = inj.MaxVoxelZ
			}
			if math.IsNaN(ml) {
				errs = append(errs, &ccc.Error{Op: "aggregate", Row: -1, Value: fmt.Sprint(e.ID),
					Msg:  fmt.Sprintf("experiment %d: injected hemisphere unknown (no injection coordinate, no structure-997 max_voxel_z)", e.ID),
					Hint: "add its injection coordinate or drop --subtract", Kind: ccc.ErrInvalidData})
			}
			if ml < midUM {
				p.side, m.InjectedHemisphere = -1, "left"
			} else {
				p.side, m.InjectedHemisphere = 1, "right"
			}
		}
		plans[i] = p
		res.Metadata[i] = m
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	groups, ids, err := assignGroups(inputs, o)
	if err != nil {
		return nil, err
	}
	res.Groups = groups
	for i := range plans {
		plans[i].group = ids[i]
		if ids[i] >= 0 {
			res.Metadata[i].Group = groups[ids[i]].Label
		} else {
			res.Warnings = append(res.Warnings, fmt.Sprintf("experiment %d is in no group: left out", inputs[i].Experiment.ID))
		}
	}
	if err := accumulate(ctx, inputs, plans, res); err != nil {
		return nil, err
	}
	return res, nil
}

// assignGroups returns the groups and the group index of every input (-1 =
// in no group). Empty bins are dropped and the rest renumbered.
func assignGroups(inputs []Input, o AggregateOptions) ([]Group, []int, error) {
	ids := make([]int, len(inputs))
	switch o.GroupBy {
	case GroupNone:
		return []Group{{Label: "all", Centre: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}}, ids, nil
	case GroupRegions:
		return regionGroups(inputs, o)
	}
	axis := map[string]string{GroupAP: "AP", GroupDV: "DV", GroupML: "ML"}[o.GroupBy]
	vals := make([]float64, len(inputs))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range inputs {
		e := &inputs[i].Experiment
		v := map[string]float64{GroupAP: e.InjectionAP, GroupDV: e.InjectionDV, GroupML: e.InjectionML}[o.GroupBy]
		vals[i] = v
		if !math.IsNaN(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if math.IsInf(lo, 1) {
		return nil, nil, &ccc.Error{Op: "aggregate", Row: -1, Msg: "no experiment has an injection coordinate: cannot group by " + axis, Kind: ccc.ErrInvalidData}
	}
	bins := o.Bins
	if hi == lo {
		bins = 1
	}
	// Edges as numpy.linspace(lo, hi, bins+1); bin as numpy.digitize - 1,
	// clipped so the maximum falls in the last bin.
	edges := make([]float64, bins+1)
	step := (hi - lo) / float64(bins)
	for k := range edges {
		edges[k] = lo + float64(k)*step
	}
	edges[bins] = hi
	raw := make([]int, len(inputs))
	count := make([]int, bins)
	for i, v := range vals {
		if math.IsNaN(v) {
			raw[i] = -1
			continue
		}
		b := sort.Search(len(edges), func(k int) bool { return edges[k] > v }) - 1
		b = min(max(b, 0), bins-1)
		raw[i] = b
		count[b]++
	}
	remap := make([]int, bins)
	var groups []Group
	for b := 0; b < bins; b++ {
		remap[b] = -1
		if count[b] == 0 {
			continue
		}
		remap[b] = len(groups)
		groups = append(groups, Group{Label: fmt.Sprintf("%s%d", axis, len(groups)+1), Lo: edges[b], Hi: edges[b+1]})
	}
	sums := make([]float64, len(groups))
	for i, b := range raw {
		if b < 0 {
			ids[i] = -1
			continue
		}
		ids[i] = remap[b]
		sums[ids[i]] += vals[i]
	}
	for g := range groups {
		n := 0
		for i := range ids {
			if ids[i] == g {
				n++
			}
		}
		groups[g].Centre = sums[g] / float64(n)
	}
	return groups, ids, nil
}

func regionGroups(inputs []Input, o AggregateOptions) ([]Group, []int, error) {
	type reg struct {
		id    int64
		depth int
		group int
	}
	var regs []reg
	owner := map[int64]string{}
	groups := make([]Group, len(o.RegionGroups))
	for g, rg := range o.RegionGroups {
		if rg.Name == "" || len(rg.Regions) == 0 {
			return nil, nil, usage("region group %d needs a name and regions (NAME=R1,R2)", g+1)
		}
		groups[g] = Group{Label: rg.Name, Centre: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
		for _, name := range rg.Regions {
			r, err := o.Ontology.Lookup(strings.TrimSpace(name))
			if err != nil {
				return nil, nil, err
			}
			if prev, dup := owner[r.ID]; dup {
				return nil, nil, usage("region %s is in two groups (%s and %s)", r.Acronym, prev, rg.Name)
			}
			owner[r.ID] = rg.Name
			regs = append(regs, reg{r.ID, r.Depth, g})
		}
	}
	ids := make([]int, len(inputs))
	for i := range inputs {
		sid := inputs[i].Experiment.StructureID
		best, bestDepth := -1, -1
		for _, r := range regs {
			// hierarchy, not acronym prefix: VISp does not contain VISpm
			if o.Ontology.IsDescendant(sid, r.id) && r.depth > bestDepth {
				best, bestDepth = r.group, r.depth
			}
		}
		ids[i] = best
	}
	return groups, ids, nil
}
