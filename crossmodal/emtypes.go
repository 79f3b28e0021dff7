package crossmodal

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/space"
	"github.com/ccc-connectivity/ccc/store"
)

// EMTypesOptions is one "EM cell types and the mesoscale projection
// profile of their region" question. The EM cells (CellTypeAnnotation
// rows) are placed in the CCF either by a declared region of the whole
// EM volume (Region) or through a coordinate space (Space, built-in or
// registered with ccc space add) whose affine maps their pt_position to
// the CCF, where the atlas's annotation volume gives the region.
type EMTypesOptions struct {
	Dataset string // EM dataset holding CellTypeAnnotation ("": the only one)
	Region  string // declared region of the whole volume (acronym or structure id)
	Space   string // coordinate space of pt_position (exclusive with Region)
	Matrix  string // experiments x regions matrix ("": the only one)
	Atlas   string // atlas dataset ("": the only one)
	Stat    string // mean (default), median or max over the profile experiments
}

// EMTypesQuery is a checked question with its SQL statement.
type EMTypesQuery struct {
	Atlas         string
	EMDataset     string
	Region        int64  // declared region (Region mode)
	RegionAcronym string // its acronym
	Space         string // Space mode: the space and its transform with version
	Transform     string
	MatrixDataset string
	Matrix        string
	Stat          string
	SQL           string
	Annotations   int // CellTypeAnnotation rows of the dataset
	Placed        int // rows given a region (all in Region mode)
	Outside       int // Space mode: rows outside the volume or in unlabelled voxels
}

// EMTypesColumns are the answer's column names, in order.
var EMTypesColumns = []string{"region", "region_acronym", "classification_system", "cell_type", "cells", "profile_region", "profile_acronym", "levels_up",
	"target_region", "target_acronym", "strength", "experiments"}

// EMTypesSQL is the question's one SQL statement. placed is the em CTE's
// body: every annotation's nucleus id, classification system, cell type
// and region.
func EMTypesSQL(atlasName, placed, matrixDataset, matrix, stat string) string {
	q := store.QuoteString
	return fmt.Sprintf(`WITH em AS (  -- EM cells (CellTypeAnnotation) with their CCF region
  %[5]s),
types AS (  -- cells per region and cell type (a nucleus counted once per label)
  SELECT region, classification_system, cell_type, count(DISTINCT id) AS cells
  FROM em GROUP BY ALL),
exp AS (  -- the matrix's experiments and their injection structure
  SELECT DISTINCT p.data_item, e.structure_id
  FROM ProjectionMeasurement p JOIN ConnectivityExperiment e ON p.data_item = 'allen:' || e.id
  WHERE p.dataset = %[2]s AND p."matrix" = %[3]s),
covered AS (  -- regions with experiments injected in them or below
  SELECT DISTINCT c.ancestor_structure_id AS region, x.data_item
  FROM exp x JOIN BrainRegionClosure c ON c.descendant_structure_id = x.structure_id
  WHERE c.dataset = %[1]s),
nearest AS (  -- per EM region: the nearest region at or above it with experiments
  SELECT c.descendant_structure_id AS region, min(c.closure_distance) AS levels_up,
    arg_min(c.ancestor_structure_id, c.closure_distance) AS profile_region
  FROM BrainRegionClosure c
  WHERE c.dataset = %[1]s AND c.ancestor_structure_id IN (SELECT region FROM covered)
    AND c.descendant_structure_id IN (SELECT region FROM em)
  GROUP BY 1),
profile AS (  -- the projection profile of those regions' experiments
  SELECT v.region AS profile_region, p.brain_region AS target_region, %[4]s AS strength, count(*) AS experiments
  FROM covered v JOIN ProjectionMeasurement p USING (data_item)
  WHERE p.dataset = %[2]s AND p."matrix" = %[3]s AND v.region IN (SELECT profile_region FROM nearest)
  GROUP BY ALL)
SELECT t.region, b.acronym AS region_acronym, t.classification_system, t.cell_type, t.cells,
  n.profile_region, pb.acronym AS profile_acronym, n.levels_up,
  f.target_region, tb.acronym AS target_acronym, f.strength, f.experiments
FROM types t
LEFT JOIN nearest n ON n.region = t.region
LEFT JOIN profile f ON f.profile_region = n.profile_region
LEFT JOIN BrainRegion b ON b.structure_id = t.region AND b.dataset = %[1]s
LEFT JOIN BrainRegion pb ON pb.structure_id = n.profile_region AND pb.dataset = %[1]s
LEFT JOIN BrainRegion tb ON tb.structure_id = f.target_region AND tb.dataset = %[1]s
ORDER BY t.region NULLS LAST, t.classification_system, t.cell_type, f.target_region`, q(atlasName), q(matrixDataset), q(matrix), strings.ReplaceAll(Stats[stat], "$v", `p."value"`), placed)
}

// PrepareEMTypes checks the question's names against the store version sn
// (db: a read-only DuckDB over it), places the EM cells and builds the SQL.
func PrepareEMTypes(ctx context.Context, st *store.Store, sn *store.Snapshot, db *sql.DB, o EMTypesOptions) (*EMTypesQuery, error) {
	const op = "ask em-types-projections"
	usage := func(field, value, msg, hint string) error {
		return &ccc.Error{Op: op, Row: -1, Field: field, Value: value, Msg: msg, Hint: hint, Kind: ccc.ErrUsage}
	}
	if (o.Region == "") == (o.Space == "") {
		return nil, usage("region", "", "place the EM cells in the CCF with --region or --space (one of them)",
			"--region VISp declares the region of the whole EM volume; --space NAME maps pt_position through a space's affine (ccc space add)")
	}
	if o.Stat == "" {
		o.Stat = "mean"
	}
	if _, ok := Stats[o.Stat]; !ok {
		return nil, usage("stat", o.Stat, "unknown statistic", "use mean, median or max")
	}
	qq := &EMTypesQuery{Stat: o.Stat}
	// the EM dataset
	var dsets []string
	for _, t := range sn.Tables("CellTypeAnnotation") {
		dsets = append(dsets, t.Dataset)
	}
	switch {
	case o.Dataset != "":
		if _, err := sn.Table(o.Dataset, "CellTypeAnnotation"); err != nil {
			return nil, &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Field: "dataset", Value: o.Dataset, Msg: "no CellTypeAnnotation table in this dataset",
				Hint: "datasets with EM cell types: " + strings.Join(dsets, ", "), Kind: ccc.ErrNotFound}
		}
		qq.EMDataset = o.Dataset
	case len(dsets) == 1:
		qq.EMDataset = dsets[0]
	case len(dsets) == 0:
		return nil, &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Msg: "the store has no EM cell types (CellTypeAnnotation)",
			Hint: "ingest a CAVE cell-type table: ccc synapses ingest-celltypes FILE", Kind: ccc.ErrNotFound}
	default:
		return nil, usage("dataset", "", "several datasets hold EM cell types", "choose one with --dataset: "+strings.Join(dsets, ", "))
	}
	// the atlas (and the declared region)
	names := atlas.Names(sn)
	atlasName := o.Atlas
	if atlasName == "" && len(names) == 1 {
		atlasName = names[0]
	}
	if o.Region != "" {
		var err error
		if qq.Atlas, qq.Region, qq.RegionAcronym, err = resolveSource(ctx, st, sn, db, atlasName, o.Region); err != nil {
			return nil, err
		}
	} else {
		a, err := atlas.Open(st, store.Ref{Version: sn.Number()}, atlasName)
		if err != nil {
			return nil, err
		}
		qq.Atlas = a.Name
	}
	if _, err := sn.Table(qq.Atlas, atlas.ClosureClass); err != nil {
		return nil, &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Value: qq.Atlas, Msg: "the atlas has no " + atlas.ClosureClass + " table (written by an older ccc)",
			Hint: "load it again: ccc atlas load --atlas " + qq.Atlas + " FILE", Kind: ccc.ErrNotFound}
	}
	var err error
	if qq.MatrixDataset, qq.Matrix, _, err = experimentMatrix(ctx, st, db, o.Matrix, op); err != nil {
		return nil, err
	}
	if _, err := sn.Table(qq.MatrixDataset, projection.MeasurementClass); err != nil {
		return nil, &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Value: qq.Matrix, Msg: "the matrix's dataset has no long form (" + projection.MeasurementClass + ")",
			Hint: "save the matrix again (ccc projections matrix build/ingest) to write it", Kind: ccc.ErrNotFound}
	}
	// the profiles need the matrix's experiments with their injection sites
	var known int
	if err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(DISTINCT p.data_item) FROM ProjectionMeasurement p
		JOIN ConnectivityExperiment e ON p.data_item = 'allen:' || e.id WHERE p.dataset = %s AND p."matrix" = %s`,
		store.QuoteString(qq.MatrixDataset), store.QuoteString(qq.Matrix))).Scan(&known); err != nil {
		return nil, missingTable(st, op, err)
	}
	if known == 0 {
		return nil, &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Field: "matrix", Value: qq.Matrix,
			Msg:  "none of the experiments of matrix " + qq.Matrix + " is in the ConnectivityExperiment table, so their injection sites are unknown",
			Hint: "ingest the experiments' metadata (ccc projections ingest) or choose another --matrix", Kind: ccc.ErrNotFound}
	}
	ds := store.QuoteString(qq.EMDataset)
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM CellTypeAnnotation WHERE dataset = "+ds).Scan(&qq.Annotations); err != nil {
		return nil, err
	}
	var placed string
	if o.Region != "" {
		qq.Placed = qq.Annotations
		placed = fmt.Sprintf("SELECT id, classification_system, cell_type, %d AS region  -- the whole volume declared in %s\n  FROM CellTypeAnnotation WHERE dataset = %s",
			qq.Region, qq.RegionAcronym, ds)
	} else {
		if placed, err = placeEM(ctx, st, sn, db, qq, o.Space); err != nil {
			return nil, err
		}
	}
	qq.SQL = EMTypesSQL(qq.Atlas, placed, qq.MatrixDataset, qq.Matrix, qq.Stat)
	return qq, nil
}

// placeEM maps every annotation's pt_position through the space's affine
// to the CCF and looks it up in the atlas's finest annotation volume; it
// returns the em CTE's body with the regions as a VALUES list, so that the
// statement stays one self-contained SELECT (ccc query runs it as is).
func placeEM(ctx context.Context, st *store.Store, sn *store.Snapshot, db *sql.DB, qq *EMTypesQuery, spaceName string) (string, error) {
	const op = "ask em-types-projections"
	reg, err := space.Load(ctx, sn)
	if err != nil {
		return "", err
	}
	m, err := reg.Mapping(spaceName)
	if err != nil {
		return "", err
	}
	qq.Space, qq.Transform = m.Space, m.Transform
	a, err := atlas.Open(st, store.Ref{Version: sn.Number()}, qq.Atlas)
	if err != nil {
		return "", err
	}
	res := a.Resolutions()
	if len(res) == 0 {
		return "", &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Field: "space", Value: spaceName, Kind: ccc.ErrUsage,
			Msg:  "the EM cells have no path to a region: atlas " + qq.Atlas + " has no annotation volume to look their CCF points up in",
			Hint: "add one ('ccc atlas volume add FILE' or 'ccc atlas download'), or declare the region of the whole volume with --region"}
	}
	finest := res[0]
	for _, r := range res {
		finest = min(finest, r)
	}
	vol, err := a.Volume(finest)
	if err != nil {
		return "", err
	}
	rows, err := db.QueryContext(ctx, "SELECT id, pt_position_x, pt_position_y, pt_position_z FROM CellTypeAnnotation WHERE dataset = "+store.QuoteString(qq.EMDataset)+" ORDER BY id")
	if err != nil {
		if strings.Contains(err.Error(), "pt_position") {
			return "", &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Field: "pt_position", Value: qq.EMDataset, Kind: ccc.ErrNotFound,
				Msg: "the EM cell types have no pt_position columns to place them with", Hint: "declare the region of the whole volume with --region"}
		}
		return "", err
	}
	var ids []int64
	var x, y, z []float64
	for rows.Next() {
		var id int64
		var px, py, pz sql.NullFloat64
		if err := rows.Scan(&id, &px, &py, &pz); err != nil {
			rows.Close()
			return "", err
		}
		p := [3]float64{math.NaN(), math.NaN(), math.NaN()}
		if px.Valid && py.Valid && pz.Valid {
			p = m.ToCCF.Apply([3]float64{px.Float64, py.Float64, pz.Float64})
		}
		ids, x, y, z = append(ids, id), append(x, p[0]), append(y, p[1]), append(z, p[2])
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	loc := atlas.Locate(a.Ontology, vol, x, y, z)
	seen := map[[2]int64]bool{}
	var vals []string
	for i, id := range ids {
		r := loc.RegionID[i]
		if r == 0 {
			qq.Outside++
			continue
		}
		qq.Placed++
		if k := [2]int64{id, r}; !seen[k] {
			seen[k] = true
			vals = append(vals, fmt.Sprintf("(%d, %d)", id, r))
		}
	}
	if len(vals) == 0 {
		return "", &ccc.Error{Op: op, Path: st.Dir(), Row: -1, Field: "space", Value: spaceName, Kind: ccc.ErrInvalidData,
			Msg:  fmt.Sprintf("none of the %d EM cells lands in a labelled voxel of the annotation volume through %s", len(ids), m.Transform),
			Hint: "check the space's affine ('ccc space list', 'ccc space transform --from " + spaceName + " --to ccf_um X,Y,Z')"}
	}
	return fmt.Sprintf(`SELECT a.id, a.classification_system, a.cell_type, p.region  -- placed through %s and the %g um annotation volume
  FROM CellTypeAnnotation a
  LEFT JOIN (VALUES %s) AS p(id, region) ON p.id = a.id
  WHERE a.dataset = %s`, m.Transform, finest, strings.Join(vals, ", "), store.QuoteString(qq.EMDataset)), nil
}

// EMType is one answer row.
type EMType struct {
	Region               int64 // 0: not placed
	RegionAcronym        string
	ClassificationSystem string
	CellType             string
	Cells                int
	ProfileRegion        int64 // 0: no experiments at or above the region
	ProfileAcronym       string
	LevelsUp             int
	TargetRegion         int64
	TargetAcronym        string
	Strength             float64
	Experiments          int
}

// EMTypes runs a prepared question.
func EMTypes(ctx context.Context, db *sql.DB, q *EMTypesQuery) ([]EMType, error) {
	rows, err := db.QueryContext(ctx, q.SQL)
	if err != nil {
		return nil, fmt.Errorf("ask em-types-projections: %w", err)
	}
	defer rows.Close()
	var out []EMType
	for rows.Next() {
		var e EMType
		var region, profile, levels, target, n sql.NullInt64
		var racr, sys, ct, pacr, tacr sql.NullString
		var strength sql.NullFloat64
		if err := rows.Scan(&region, &racr, &sys, &ct, &e.Cells, &profile, &pacr, &levels, &target, &tacr, &strength, &n); err != nil {
			return nil, err
		}
		e.Region, e.RegionAcronym, e.ClassificationSystem, e.CellType = region.Int64, racr.String, sys.String, ct.String
		e.ProfileRegion, e.ProfileAcronym, e.LevelsUp = profile.Int64, pacr.String, int(levels.Int64)
		e.TargetRegion, e.TargetAcronym, e.Strength, e.Experiments = target.Int64, tacr.String, strength.Float64, int(n.Int64)
		if !strength.Valid {
			e.Strength = math.NaN()
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
