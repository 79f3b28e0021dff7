package crossmodal

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/store"
)

// CoverageSource is one modality counted by Coverage: a class and its
// region column (integer structure ids).
type CoverageSource struct {
	Column, Class, RegionColumn string
}

// CoverageSources are the modalities with a region column, in output order.
var CoverageSources = []CoverageSource{
	{"experiments", "ConnectivityExperiment", "structure_id"},
	{"recording_sites", "RecordingSite", "brain_region"},
	{"units", "SortedUnit", "brain_region"},
	{"cells", "CellMetadata", "brain_region"},
}

// NoRegionClasses are tables the store may hold whose rows have no path to
// the CCF (EM voxel coordinates): Coverage reports them, never as zeros.
var NoRegionClasses = []string{"Synapse", "CellTypeAnnotation"}

// CoverageQuery is a checked coverage question.
type CoverageQuery struct {
	Atlas    string
	Regions  []int64          // structure ids asked for ("": every region holding records directly)
	Sources  []CoverageSource // the modalities the store holds
	Missing  []string         // modalities without a table
	NoRegion map[string]int64 // class -> rows, for tables without a region column
	SQL      string
}

// Classes are the classes the statement reads.
func (q *CoverageQuery) Classes() []string {
	out := []string{atlas.RegionClass, atlas.ClosureClass}
	for _, s := range q.Sources {
		out = append(out, s.Class)
	}
	return out
}

// PrepareCoverage checks the atlas and regions and builds the statement:
// per region, the records of each modality in the region or below (through
// BrainRegionClosure).
func PrepareCoverage(ctx context.Context, st *store.Store, sn *store.Snapshot, db *sql.DB, atlasName string, regions []string) (*CoverageQuery, error) {
	q := &CoverageQuery{NoRegion: map[string]int64{}}
	names := atlas.Names(sn)
	switch {
	case atlasName == "" && len(names) == 1:
		q.Atlas = names[0]
	case atlasName != "" && slices.Contains(names, atlasName):
		q.Atlas = atlasName
	default: // the errors that name what the store holds
		a, err := atlas.Open(st, store.Ref{Version: sn.Number()}, atlasName)
		if err != nil {
			return nil, err
		}
		q.Atlas = a.Name
	}
	for _, r := range regions {
		_, id, _, err := resolveSource(ctx, st, sn, db, q.Atlas, r)
		if err != nil {
			return nil, err
		}
		q.Regions = append(q.Regions, id)
	}
	if _, err := sn.Table(q.Atlas, atlas.ClosureClass); err != nil {
		return nil, &ccc.Error{Op: "ask coverage", Path: st.Dir(), Row: -1, Value: q.Atlas, Msg: "the atlas has no " + atlas.ClosureClass + " table (written by an older ccc)",
			Hint: "load it again: ccc atlas load --atlas " + q.Atlas + " FILE", Kind: ccc.ErrNotFound}
	}
	for _, s := range CoverageSources {
		if len(sn.Tables(s.Class)) > 0 {
			q.Sources = append(q.Sources, s)
		} else {
			q.Missing = append(q.Missing, s.Column)
		}
	}
	for _, c := range NoRegionClasses {
		for _, t := range sn.Tables(c) {
			q.NoRegion[c] += t.Rows
		}
	}
	if len(q.Sources) == 0 {
		return nil, &ccc.Error{Op: "ask coverage", Path: st.Dir(), Row: -1, Msg: "the store holds no table with a region column",
			Hint: "ingest experiments (ccc projections ingest), sessions (ccc nwb ingest) or cells (ccc cells ingest)", Kind: ccc.ErrNotFound}
	}
	q.SQL = CoverageSQL(q.Atlas, q.Regions, q.Sources)
	return q, nil
}

// CoverageSQL is the coverage statement (DuckDB): one row per region (the
// regions given, else every region that directly holds a record), with the
// count of each source's records in the region or below.
func CoverageSQL(atlasName string, regions []int64, sources []CoverageSource) string {
	return DuckDB.CoverageSQL(atlasName, regions, sources)
}

// CoverageSQL is the coverage statement in dialect d.
func (d Dialect) CoverageSQL(atlasName string, regions []int64, sources []CoverageSource) string {
	qa := d.String(atlasName)
	var rec, counts []string
	for _, s := range sources {
		rec = append(rec, fmt.Sprintf("SELECT '%s' AS modality, %s AS region FROM %s", s.Column, d.Ident(s.RegionColumn), d.Ident(s.Class)))
		counts = append(counts, fmt.Sprintf("count(r.region) FILTER (WHERE r.modality = '%s') AS %s", s.Column, s.Column))
	}
	asked := "SELECT DISTINCT region FROM rec WHERE region IS NOT NULL"
	if len(regions) > 0 {
		asked = d.IDs(regions)
	}
	return fmt.Sprintf(`WITH rec AS (  -- every record with a region, by modality
  %s),
asked AS (%s)
SELECT b.structure_id AS region, b.acronym, b.depth,
  %s
FROM asked
JOIN BrainRegion b ON b.structure_id = asked.region AND b.dataset = %s
LEFT JOIN BrainRegionClosure c ON c.ancestor_structure_id = b.structure_id AND c.dataset = %s
LEFT JOIN rec r ON r.region = c.descendant_structure_id
GROUP BY b.structure_id, b.acronym, b.depth, b.term_order
ORDER BY b.term_order%s`, strings.Join(rec, "\n  UNION ALL "), asked, strings.Join(counts, ",\n  "), qa, qa, d.NullsLast)
}
