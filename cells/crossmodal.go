package cells

import (
	"context"
	"database/sql"
	"math"
	"sort"
	"strconv"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

// TypeProjection is the projection of one cell type to one target region:
// the mean value over the type's cells and the fraction of them with a
// value above zero.
type TypeProjection struct {
	Type       string  `json:"type"`
	Region     int64   `json:"region_id"`
	Acronym    string  `json:"region"`
	Cells      int     `json:"cells"`
	Mean       float64 `json:"mean"`
	Projecting float64 `json:"fraction_projecting"`
}

// ProjectionsByType groups the rows (cells) of a projection matrix by the
// type types gives each row id. Rows without a type are counted
// (unmapped) and left out. Rows come out by type, then in matrix region
// order.
func ProjectionsByType(m *projection.Matrix, types map[string]string) (out []TypeProjection, unmapped int) {
	nr := len(m.RegionIDs)
	byType := map[string][]int{}
	for r, id := range m.Rows {
		ty, ok := types[id]
		if !ok {
			unmapped++
			continue
		}
		byType[ty] = append(byType[ty], r)
	}
	names := make([]string, 0, len(byType))
	for ty := range byType {
		names = append(names, ty)
	}
	sort.Strings(names)
	for _, ty := range names {
		rows := byType[ty]
		for c := 0; c < nr; c++ {
			var sum float64
			var pos int
			for _, r := range rows {
				v := m.Values[r*nr+c]
				if math.IsNaN(v) {
					continue
				}
				sum += v
				if v > 0 {
					pos++
				}
			}
			acr := ""
			if c < len(m.RegionAcronyms) {
				acr = m.RegionAcronyms[c]
			}
			out = append(out, TypeProjection{Type: ty, Region: m.RegionIDs[c], Acronym: acr, Cells: len(rows),
				Mean: sum / float64(len(rows)), Projecting: float64(pos) / float64(len(rows))})
		}
	}
	return out, unmapped
}

// TargetMean is one target region of a tracer summary.
type TargetMean struct {
	Region  int64   `json:"region_id"`
	Acronym string  `json:"region"`
	Mean    float64 `json:"mean"`
}

// InjectedIn lists the experiments of dataset (its ConnectivityExperiment
// table) whose primary injection structure is region or below it.
func InjectedIn(ctx context.Context, sn *store.Snapshot, dataset string, on *atlas.Ontology, region int64) ([]int64, error) {
	ti, err := sn.Table(dataset, "ConnectivityExperiment")
	if err != nil {
		return nil, &ccc.Error{Op: "tracer experiments", Row: -1, Value: dataset, Msg: "no ConnectivityExperiment table", Kind: ccc.ErrNotFound, Err: err,
			Hint: "ingest the experiments with 'ccc projections ingest FILE', or name their dataset with --tracer-dataset"}
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT CAST(id AS BIGINT), CAST(structure_id AS BIGINT) FROM read_parquet("+store.QuoteString(ti.Path)+") WHERE structure_id IS NOT NULL ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id, s int64
		if err := rows.Scan(&id, &s); err != nil {
			return nil, err
		}
		if _, ok := on.ByID(s); ok && on.IsDescendant(s, region) {
			out = append(out, id)
		}
	}
	return out, rows.Err()
}

// TracerTargets averages the rows of an experiments x regions matrix
// (row ids "allen:<id>" or "<id>") over the given experiments, per target
// region, highest first. It returns how many experiments had a row.
func TracerTargets(m *projection.Matrix, experiments []int64) ([]TargetMean, int) {
	want := map[string]bool{}
	for _, e := range experiments {
		s := strconv.FormatInt(e, 10)
		want[s], want["allen:"+s] = true, true
	}
	nr := len(m.RegionIDs)
	sums := make([]float64, nr)
	n := 0
	for r, id := range m.Rows {
		if !want[id] {
			continue
		}
		n++
		for c := 0; c < nr; c++ {
			if v := m.Values[r*nr+c]; !math.IsNaN(v) {
				sums[c] += v
			}
		}
	}
	if n == 0 {
		return nil, 0
	}
	out := make([]TargetMean, nr)
	for c := range out {
		acr := ""
		if c < len(m.RegionAcronyms) {
			acr = m.RegionAcronyms[c]
		}
		out[c] = TargetMean{Region: m.RegionIDs[c], Acronym: acr, Mean: sums[c] / float64(n)}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Mean > out[j].Mean })
	return out, n
}
