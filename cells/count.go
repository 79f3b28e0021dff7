package cells

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/taxonomy"
)

// CountOptions select what Count groups.
type CountOptions struct {
	Datasets           []string // cell datasets; nil: every cell dataset mapped to the taxonomy
	Taxonomy           *taxonomy.Taxonomy
	Level              int             // taxonomy level to group by (1 = broadest)
	Ontology           *atlas.Ontology // the atlas the cells' regions belong to
	Regions            []int64         // target regions (nil: the root)
	IncludeDescendants bool            // a region counts the cells of its descendants too
	Direct             bool            // join every cell with its assignment even where a current CellClusterRegionCount table exists
}

// CountRow is the number of cells of one cluster (at the level) in one
// target region.
type CountRow struct {
	Region      int64  `json:"region_id"`
	Acronym     string `json:"region"`
	Cluster     string `json:"cluster"`
	ClusterName string `json:"cluster_name"`
	Count       int64  `json:"count"`
}

// CountStats are the totals behind a count.
type CountStats struct {
	Datasets  []string
	Cells     int64 // cells of the datasets
	Located   int64 // cells with a brain region
	Mapped    int64 // cells with a cluster in the taxonomy
	AboveLvl  int64 // cells mapped to a cluster broader than the level (not counted)
	Unmatched int64 // mapping rows whose cell is not in CellMetadata

	FromAggregate []string // datasets counted from their CellClusterRegionCount table
	Direct        []string // datasets counted with a join over their cells and assignments
	Notes         []string // why a dataset's CellClusterRegionCount table was not used
}

// Datasets lists the cell datasets of a snapshot whose cells are mapped to
// taxonomy name ("" = any), sorted.
func Datasets(sn *store.Snapshot, taxonomyName string) []string {
	var out []string
	for _, ti := range sn.Tables(CellClass) {
		m := sn.Meta(ti.Dataset)
		if m["kind"] != "cells" {
			continue
		}
		if taxonomyName != "" && m["taxonomy"] != taxonomyName {
			continue
		}
		out = append(out, ti.Dataset)
	}
	sort.Strings(out)
	return out
}

// Count counts cells per target region and cluster of one taxonomy level:
// a cell counts for cluster C when its assigned cluster is C or below it,
// and for region R when its brain_region is R (or, with
// IncludeDescendants, any region below R). Nothing is written.
//
// A dataset whose CellClusterRegionCount table was written by the same
// store version as its CellMetadata and CellToClusterMapping tables (what
// 'ccc cells ingest' writes) is counted from that table: one row per
// (region, assigned cluster), rolled up the taxonomy and the atlas in Go.
// Any other dataset (no such table, or a later version rewrote the cells
// or their assignments) is counted directly with one DuckDB hash join over
// its Parquet files. Both give the same rows and stats (a test asserts it).
func Count(ctx context.Context, sn *store.Snapshot, o CountOptions) ([]CountRow, *CountStats, error) {
	t, on := o.Taxonomy, o.Ontology
	if t == nil || on == nil {
		return nil, nil, fmt.Errorf("%w: counting needs a taxonomy and an atlas", ccc.ErrUsage)
	}
	if o.Level < 1 || o.Level > len(t.Levels) {
		return nil, nil, fmt.Errorf("%w: level %d is not a level of taxonomy %s", ccc.ErrUsage, o.Level, t.Name)
	}
	ds := o.Datasets
	if ds == nil {
		ds = Datasets(sn, t.Name)
		if len(ds) == 0 {
			return nil, nil, &ccc.Error{Op: "cells count", Row: -1, Value: t.Name, Msg: "no cell dataset is mapped to this taxonomy", Kind: ErrNoMapping,
				Hint: "ingest cells with 'ccc cells ingest --taxonomy " + t.Name + " --cluster-col COLUMN FILE'"}
		}
	}
	targets := o.Regions
	if len(targets) == 0 {
		targets = []int64{on.Root().ID}
	}
	stats := &CountStats{Datasets: ds}
	acc := newCounter(t, o.Level, on, targets, o.IncludeDescendants)
	var db *sql.DB // for the direct join, opened when a dataset needs it
	defer func() {
		if db != nil {
			db.Close()
		}
	}()
	for _, d := range ds {
		in, err := countTables(sn, d, t.Name)
		if err != nil {
			return nil, nil, err
		}
		if in.staleNote != "" {
			stats.Notes = append(stats.Notes, d+": "+in.staleNote)
		}
		if in.agg == nil || o.Direct {
			if db == nil {
				if db, err = sql.Open("duckdb", ""); err != nil {
					return nil, nil, err
				}
			}
			if err := countDirect(ctx, db, in, acc, stats); err != nil {
				return nil, nil, err
			}
			stats.Direct = append(stats.Direct, d)
			continue
		}
		if err := countAggregate(ctx, in, acc, stats); err != nil {
			return nil, nil, err
		}
		stats.FromAggregate = append(stats.FromAggregate, d)
	}
	return acc.rows(), stats, nil
}

// countInput are the tables of one dataset Count reads.
type countInput struct {
	dataset   string
	cells     store.TableInfo
	maps      store.TableInfo
	agg       *store.TableInfo // nil: count directly
	staleNote string           // why an aggregate present was not used
}

// countTables finds the tables of dataset d; agg is set only when the
// CellClusterRegionCount table is current (same version as the others).
func countTables(sn *store.Snapshot, d, taxonomyName string) (countInput, error) {
	in := countInput{dataset: d}
	var err error
	if in.cells, err = sn.Table(d, CellClass); err != nil {
		return in, &ccc.Error{Op: "cells count", Row: -1, Value: d, Msg: "no cells in dataset", Kind: ErrNoCells, Err: err,
			Hint: "ingest them with 'ccc cells ingest --dataset " + d + " FILE'"}
	}
	if in.maps, err = sn.Table(d, CellClusterMap); err != nil {
		return in, &ccc.Error{Op: "cells count", Row: -1, Value: d, Msg: "the dataset's cells have no cluster assignments", Kind: ErrNoMapping, Err: err,
			Hint: "ingest them with --taxonomy " + taxonomyName + " --cluster-col COLUMN"}
	}
	if agg, err := sn.Table(d, CountClass); err == nil {
		if agg.Version == in.cells.Version && agg.Version == in.maps.Version {
			in.agg = &agg
		} else {
			in.staleNote = fmt.Sprintf("%s of version %d does not describe cells of version %d and assignments of version %d", CountClass, agg.Version, in.cells.Version, in.maps.Version)
		}
	}
	return in, nil
}

// counter accumulates counts per (target index, cluster at the level):
// dense (targets x groups) when that is small, a map otherwise.
type counter struct {
	t        *taxonomy.Taxonomy
	on       *atlas.Ontology
	targets  []int64
	desc     bool
	group    map[string]int32 // cluster label -> its ancestor at the level
	byRegion map[int64][]int  // target region id -> target indices
	hits     map[int64][]int  // brain_region -> target indices it counts for (cache)
	nk       int              // taxonomy size + 1 (group indices are below it)
	dense    []int64          // [target*nk + group]
	sparse   map[[2]int64]int64
}

// maxDense bounds the dense counter (int64s: 32 MB).
const maxDense = 1 << 22

func newCounter(t *taxonomy.Taxonomy, level int, on *atlas.Ontology, targets []int64, desc bool) *counter {
	c := &counter{t: t, on: on, targets: targets, desc: desc, group: map[string]int32{}, byRegion: map[int64][]int{},
		hits: map[int64][]int{}, nk: t.Len() + 1}
	for k := int32(1); k <= int32(t.Len()); k++ {
		if a := t.AncestorAt(k, level); a >= 0 {
			c.group[t.Label(k)] = a
		}
	}
	for i, r := range targets {
		c.byRegion[r] = append(c.byRegion[r], i)
	}
	if len(targets)*c.nk <= maxDense {
		c.dense = make([]int64, len(targets)*c.nk)
	} else {
		c.sparse = map[[2]int64]int64{}
	}
	return c
}

// targetsOf lists the target indices a cell in region r counts for.
func (c *counter) targetsOf(r int64) []int {
	if h, ok := c.hits[r]; ok {
		return h
	}
	var h []int
	if !c.desc {
		h = c.byRegion[r]
	} else {
		for _, a := range c.on.Ancestors(r) {
			h = append(h, c.byRegion[a]...)
		}
		slices.Sort(h)
	}
	c.hits[r] = h
	return h
}

// add counts n cells of region r assigned to cluster label cl (clusters
// broader than the level, or not in the taxonomy, count nowhere).
func (c *counter) add(r int64, cl string, n int64) {
	g, ok := c.group[cl]
	if !ok {
		return
	}
	for _, t := range c.targetsOf(r) {
		c.addAt(t, g, n)
	}
}

func (c *counter) addAt(target int, g int32, n int64) {
	if c.dense != nil {
		c.dense[target*c.nk+int(g)] += n
		return
	}
	c.sparse[[2]int64{int64(target), int64(g)}] += n
}

// rows returns the counts sorted: targets in the given order, then by count
// (descending) and cluster label.
func (c *counter) rows() []CountRow {
	regs := make([]*atlas.Region, len(c.targets))
	for i, id := range c.targets {
		regs[i], _ = c.on.ByID(id)
	}
	type keyed struct {
		target int
		row    CountRow
	}
	var out []keyed
	emit := func(target int, k int32, n int64) {
		r := regs[target]
		out = append(out, keyed{target, CountRow{Region: r.ID, Acronym: r.Acronym, Cluster: c.t.Label(k), ClusterName: c.t.ClusterName(k), Count: n}})
	}
	for i, n := range c.dense {
		if n != 0 {
			emit(i/c.nk, int32(i%c.nk), n)
		}
	}
	for key, n := range c.sparse {
		emit(int(key[0]), int32(key[1]), n)
	}
	slices.SortFunc(out, func(a, b keyed) int {
		if a.target != b.target {
			return a.target - b.target
		}
		if a.row.Count != b.row.Count {
			if a.row.Count > b.row.Count {
				return -1
			}
			return 1
		}
		return strings.Compare(a.row.Cluster, b.row.Cluster)
	})
	rows := make([]CountRow, len(out))
	for i := range out {
		rows[i] = out[i].row
	}
	return rows
}

// ResolveRegions looks up comma-separated region ids or acronyms.
func ResolveRegions(on *atlas.Ontology, spec string) ([]int64, error) {
	var out []int64
	for _, s := range strings.Split(spec, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		r, err := on.Lookup(s)
		if err != nil {
			return nil, err
		}
		out = append(out, r.ID)
	}
	return out, nil
}
