package cells

import (
	"context"
	"database/sql"
	"fmt"
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
// IncludeDescendants, any region below R). One hash join per dataset in
// DuckDB over the Parquet files; nothing is written.
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
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE lvl (cluster VARCHAR, grp INTEGER); CREATE TEMP TABLE reg (region "+regionType+", target INTEGER)"); err != nil {
		return nil, nil, err
	}
	var vals []string
	for k := int32(1); k <= int32(t.Len()); k++ {
		if a := t.AncestorAt(k, o.Level); a >= 0 {
			vals = append(vals, fmt.Sprintf("(%s, %d)", store.QuoteString(t.Label(k)), a))
		}
	}
	if err := insertValues(ctx, conn, "lvl", vals); err != nil {
		return nil, nil, err
	}
	vals = vals[:0]
	for i, r := range targets {
		ids := []int64{r}
		if o.IncludeDescendants {
			ids = on.Descendants(r)
		}
		for _, id := range ids {
			vals = append(vals, fmt.Sprintf("(%d, %d)", id, i))
		}
	}
	if err := insertValues(ctx, conn, "reg", vals); err != nil {
		return nil, nil, err
	}
	stats := &CountStats{Datasets: ds}
	counts := map[[2]int64]int64{}
	for _, d := range ds {
		ct, err := sn.Table(d, CellClass)
		if err != nil {
			return nil, nil, &ccc.Error{Op: "cells count", Row: -1, Value: d, Msg: "no cells in dataset", Kind: ErrNoCells, Err: err,
				Hint: "ingest them with 'ccc cells ingest --dataset " + d + " FILE'"}
		}
		mt, err := sn.Table(d, CellClusterMap)
		if err != nil {
			return nil, nil, &ccc.Error{Op: "cells count", Row: -1, Value: d, Msg: "the dataset's cells have no cluster assignments", Kind: ErrNoMapping, Err: err,
				Hint: "ingest them with --taxonomy " + t.Name + " --cluster-col COLUMN"}
		}
		cells := "read_parquet(" + store.QuoteString(ct.Path) + ")"
		maps := "read_parquet(" + store.QuoteString(mt.Path) + ")"
		var c, l, m, above, unmatched int64
		err = conn.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM `+cells+`), (SELECT count(brain_region) FROM `+cells+`),
			(SELECT count(*) FROM `+maps+` m JOIN lvl ON lvl.cluster = m.target_cluster),
			(SELECT count(*) FROM `+maps+` m WHERE m.target_cluster NOT IN (SELECT cluster FROM lvl)),
			(SELECT count(*) FROM `+maps+` m ANTI JOIN `+cells+` c ON c.cell_id = m.source_cell)`).Scan(&c, &l, &m, &above, &unmatched)
		if err != nil {
			return nil, nil, fmt.Errorf("cells count %s: %w", d, err)
		}
		stats.Cells += c
		stats.Located += l
		stats.Mapped += m
		stats.AboveLvl += above
		stats.Unmatched += unmatched
		rows, err := conn.QueryContext(ctx, `SELECT reg.target, lvl.grp, count(*) FROM (SELECT cell_id, brain_region FROM `+cells+` WHERE brain_region IS NOT NULL) c
			JOIN (SELECT source_cell, target_cluster FROM `+maps+`) m ON m.source_cell = c.cell_id
			JOIN lvl ON lvl.cluster = m.target_cluster JOIN reg ON reg.region = c.brain_region GROUP BY 1, 2`)
		if err != nil {
			return nil, nil, fmt.Errorf("cells count %s: %w", d, err)
		}
		for rows.Next() {
			var tg, grp, n int64
			if err := rows.Scan(&tg, &grp, &n); err != nil {
				rows.Close()
				return nil, nil, err
			}
			counts[[2]int64{tg, grp}] += n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	out := make([]CountRow, 0, len(counts))
	for key, n := range counts {
		r, _ := on.ByID(targets[key[0]])
		k := int32(key[1])
		out = append(out, CountRow{Region: r.ID, Acronym: r.Acronym, Cluster: t.Label(k), ClusterName: t.ClusterName(k), Count: n})
	}
	pos := map[int64]int{}
	for i, r := range targets {
		if _, ok := pos[r]; !ok {
			pos[r] = i
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Region != out[j].Region {
			return pos[out[i].Region] < pos[out[j].Region]
		}
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Cluster < out[j].Cluster
	})
	return out, stats, nil
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
