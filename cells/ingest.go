package cells

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/srctable"
	"github.com/ccc-connectivity/ccc/space"
	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/taxonomy"
)

// Store classes written by Ingest.
const (
	CellClass       = "CellMetadata"
	ItemClass       = "DataItem"
	DataSetClass    = "DataSet"
	RunClass        = "AlgorithmRun"
	MappingSetClass = "MappingSet"
	CellClusterMap  = "CellToClusterMapping"
)

// regionType is the DuckDB type of BrainRegion references (the atlas's
// region ids).
const regionType = "BIGINT"

// IngestOptions describe one cell table.
type IngestOptions struct {
	Dataset     string // store dataset (required)
	Modality    string // one of Modalities (required)
	Name        string // DataSet name (default: the dataset)
	Publication string

	IDCol          string    // cell id column (default: cell_id, cell_label, id, nucleus_id, cell)
	Coords         [3]string // x (AP), y (DV), z (ML) columns; "" detects x,y,z / ccf_x,... ; "-" none
	CoordScale     float64   // multiply coordinates by this to get um (1; 1000 for ABC's mm)
	ReferenceSpace string    // spatial_location_reference_space (default: the atlas name)
	RegionCol      string    // parcellation label column (default: parcellation_substructure, region, ...; "-" none)
	QualityCol     string    // quality_score column (optional)
	CountsCol      string    // total_counts column (optional)
	GenesCol       string    // n_genes_detected column (optional)

	Ontology *atlas.Ontology // resolves region labels and volume labels (required for regions)
	Volume   *atlas.Volume   // annotation volume for the CCF lookup (nil: labels only)
	Atlas    string          // atlas name, the default reference space
	NoCCF    bool            // store positions without a volume lookup
	// Space, when set, is the coordinate space of the positions (other
	// than the CCF in um): they are mapped to the CCF for the volume
	// lookup, kept as given in spatial_location_* (reference space: the
	// space's name), and the CCF point and the transform are added
	// (ccf_ap_um, ccf_dv_um, ccf_ml_um, space_transform).
	Space *space.Mapping

	Taxonomy         *taxonomy.Taxonomy // with ClusterCol: cluster assignments
	ClusterCol       string             // default: cluster_alias, cluster_label, cluster
	ScoreCol         string             // assignment score column (optional)
	Algorithm        string             // AlgorithmRun algorithm_name (default "provided")
	AlgorithmVersion string
	ScoreDescription string
	AllowUnresolved  bool // count assignments to unknown clusters instead of failing

	SourceURI string
}

// Report says what Ingest did.
type Report struct {
	Cells          int
	CCF, Location  int // regions from the volume / from the label
	Disagree       int // both resolved, to different regions
	Unlocated      int // no region
	Outside        int // CCF point outside the volume or in an unlabelled voxel
	Mapped         int // CellToClusterMapping rows
	Unresolved     int // assignments to clusters the taxonomy lacks (AllowUnresolved)
	Unassigned     int // cells without a cluster value
	Version        int
	IDCol          string
	Coords         [3]string
	RegionCol      string
	ClusterCol     string
	UnresolvedRows []string // first unresolved cluster values with their rows
}

var (
	idCands      = []string{"cell_id", "cell_label", "id", "nucleus_id", "cell", "pt_root_id"}
	coordCands   = [][3]string{{"x", "y", "z"}, {"ccf_x", "ccf_y", "ccf_z"}, {"x_ccf", "y_ccf", "z_ccf"}, {"ap", "dv", "ml"}, {"pt_position_x", "pt_position_y", "pt_position_z"}}
	regionCands  = []string{"parcellation_substructure", "parcellation_structure", "brain_region", "region", "structure_acronym", "acronym"}
	clusterCands = []string{"cluster_alias", "cluster_label", "cluster"}
)

// Ingest reads a CSV or Parquet cell table and writes the dataset's
// DataSet, DataItem, CellMetadata (and, with a taxonomy, AlgorithmRun,
// MappingSet, CellToClusterMapping and the CellClusterRegionCount aggregate
// 'ccc cells count' reads) tables in one store version. Bad input
// (missing or duplicate ids, non-numeric coordinates, unknown region
// labels, unknown clusters) is an error naming the file, row and column;
// the store is then unchanged.
func Ingest(ctx context.Context, st *store.Store, path string, o IngestOptions) (*Report, error) {
	if err := store.ValidDataset(o.Dataset); err != nil {
		return nil, err
	}
	if !slices.Contains(Modalities, o.Modality) {
		return nil, fmt.Errorf("%w: --modality %q is not one of %s", ccc.ErrUsage, o.Modality, strings.Join(Modalities, ", "))
	}
	if o.CoordScale == 0 {
		o.CoordScale = 1
	}
	if o.Taxonomy == nil && (o.ScoreCol != "" || o.Algorithm != "" || o.AlgorithmVersion != "" || o.ScoreDescription != "" || o.AllowUnresolved) {
		return nil, fmt.Errorf("%w: --score-col, --algorithm, --algorithm-version, --score-description and --allow-unresolved describe cluster assignments: give --taxonomy and --cluster-col too", ccc.ErrUsage)
	}
	src, err := srctable.Open(ctx, "cells ingest", path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	conn, cols := src.Conn, src.Columns
	fail := func(row int, field, value, msg, hint string) error {
		return &ccc.Error{Op: "cells ingest", Path: path, Row: row, Field: field, Value: value, Msg: msg, Hint: hint, Kind: ccc.ErrInvalidData}
	}
	pick := func(override string, cands []string, what, flag string, required bool) (string, error) {
		if override == "-" {
			return "", nil
		}
		if override != "" {
			cands = []string{override}
		}
		for _, c := range cands {
			for _, h := range cols {
				if strings.EqualFold(h, c) {
					return h, nil
				}
			}
		}
		if required || override != "" {
			return "", &ccc.Error{Op: "cells ingest", Path: path, Row: -1, Field: cands[0], Msg: "no " + what + " column (looked for " + strings.Join(cands, ", ") + ")",
				Hint: "name it with " + flag + "; columns are: " + strings.Join(cols, ", "), Kind: ccc.ErrInvalidData}
		}
		return "", nil
	}
	rep := &Report{}
	if rep.IDCol, err = pick(o.IDCol, idCands, "cell id", "--id-col", true); err != nil {
		return nil, err
	}
	if o.Coords[0] != "-" {
		cands := coordCands
		if o.Coords[0] != "" {
			cands = [][3]string{o.Coords}
		}
		for _, c := range cands {
			if slices.ContainsFunc(cols, func(h string) bool { return strings.EqualFold(h, c[0]) }) {
				for i := range c {
					if rep.Coords[i], err = pick(c[i], nil, "coordinate", "--coords", true); err != nil {
						return nil, err
					}
				}
				break
			}
		}
		if o.Coords[0] != "" && rep.Coords[0] == "" {
			_, err = pick(o.Coords[0], nil, "coordinate", "--coords", true)
			return nil, err
		}
	}
	if o.Space != nil {
		switch {
		case rep.Coords[0] == "":
			return nil, fmt.Errorf("%w: --space %s names the space of the cells' coordinates, and %s has none (name them with --coords x,y,z)", ccc.ErrUsage, o.Space.Space, path)
		case o.CoordScale != 1 || o.ReferenceSpace != "":
			return nil, fmt.Errorf("%w: --space %s sets the unit and the reference space of the coordinates: drop --coord-scale and --reference-space", ccc.ErrUsage, o.Space.Space)
		case o.NoCCF:
			return nil, fmt.Errorf("%w: --space maps the coordinates to the CCF to look up their regions: drop --no-ccf-lookup (or --space)", ccc.ErrUsage)
		}
	}
	if rep.Coords[0] == "" && (o.ReferenceSpace != "" || o.CoordScale != 1 || o.NoCCF) {
		return nil, fmt.Errorf("%w: --reference-space, --coord-scale and --no-ccf-lookup apply to coordinates, and %s has none (name them with --coords x,y,z)", ccc.ErrUsage, path)
	}
	if rep.RegionCol, err = pick(o.RegionCol, regionCands, "region label", "--region-col", false); err != nil {
		return nil, err
	}
	if o.Taxonomy != nil {
		if rep.ClusterCol, err = pick(o.ClusterCol, clusterCands, "cluster", "--cluster-col", true); err != nil {
			return nil, err
		}
	} else if o.ClusterCol != "" {
		return nil, fmt.Errorf("%w: --cluster-col needs --taxonomy (the taxonomy the clusters belong to)", ccc.ErrUsage)
	}
	opt := map[string]string{}
	for _, c := range []struct{ key, col, flag string }{{"quality", o.QualityCol, "--quality-col"}, {"counts", o.CountsCol, "--counts-col"},
		{"genes", o.GenesCol, "--genes-col"}, {"score", o.ScoreCol, "--score-col"}} {
		if c.col == "" {
			continue
		}
		if opt[c.key], err = pick(c.col, nil, c.key, c.flag, true); err != nil {
			return nil, err
		}
	}
	if rep.Coords[0] != "" && o.Volume == nil && !o.NoCCF {
		return nil, &ccc.Error{Op: "cells ingest", Path: path, Row: -1, Field: rep.Coords[0], Msg: "the cells have coordinates but the atlas has no annotation volume to look them up in",
			Hint: "add one ('ccc atlas volume add FILE' or 'ccc atlas download'), or give --no-ccf-lookup to store the positions only, or --coords - to ignore them", Kind: ccc.ErrUsage}
	}
	if (rep.Coords[0] != "" && !o.NoCCF || rep.RegionCol != "") && o.Ontology == nil {
		return nil, fmt.Errorf("%w: cells with positions or region labels need an atlas in the store ('ccc atlas load')", ccc.ErrUsage)
	}
	q := store.QuoteIdent
	idExpr := "trim(CAST(" + q(rep.IDCol) + " AS VARCHAR))"
	// ids: present and unique
	var row int
	err = conn.QueryRowContext(ctx, "SELECT _row FROM src WHERE "+idExpr+" IS NULL OR "+idExpr+" = '' ORDER BY _row LIMIT 1").Scan(&row)
	if err == nil {
		return nil, fail(row, rep.IDCol, "", "empty cell id", "every cell needs an id")
	} else if err != sql.ErrNoRows {
		return nil, err
	}
	var dupID string
	var r1, r2 int
	err = conn.QueryRowContext(ctx, "SELECT "+idExpr+", min(_row), max(_row) FROM src GROUP BY 1 HAVING count(*) > 1 ORDER BY 2 LIMIT 1").Scan(&dupID, &r1, &r2)
	if err == nil {
		return nil, fail(r2, rep.IDCol, dupID, fmt.Sprintf("duplicate cell id (first at row %d)", r1), "cell ids must be unique within a dataset")
	} else if err != sql.ErrNoRows {
		return nil, err
	}
	// numeric columns
	numeric := func(col string) error {
		var v string
		e := "CAST(" + q(col) + " AS VARCHAR)"
		err := conn.QueryRowContext(ctx, "SELECT _row, "+e+" FROM src WHERE "+e+" IS NOT NULL AND trim("+e+") NOT IN ('', 'NA', 'NaN', 'nan') AND TRY_CAST("+e+" AS DOUBLE) IS NULL ORDER BY _row LIMIT 1").Scan(&row, &v)
		if err == nil {
			return fail(row, col, v, "not a number", "the column must hold numbers (empty, NA or NaN for none)")
		} else if err != sql.ErrNoRows {
			return err
		}
		return nil
	}
	num := func(col string) string {
		return "TRY_CAST(CAST(" + q(col) + " AS VARCHAR) AS DOUBLE)"
	}
	for _, c := range []string{rep.Coords[0], rep.Coords[1], rep.Coords[2], opt["quality"], opt["counts"], opt["genes"], opt["score"]} {
		if c != "" {
			if err := numeric(c); err != nil {
				return nil, err
			}
		}
	}
	for _, k := range []string{"counts", "genes"} {
		if c := opt[k]; c != "" {
			var v float64
			err := conn.QueryRowContext(ctx, "SELECT _row, "+num(c)+" FROM src WHERE "+num(c)+" < 0 OR "+num(c)+" <> floor("+num(c)+") ORDER BY _row LIMIT 1").Scan(&row, &v)
			if err == nil {
				return nil, fail(row, c, fmt.Sprint(v), "not a non-negative integer", "counts are whole numbers >= 0")
			} else if err != sql.ErrNoRows {
				return nil, err
			}
		}
	}
	// CCF regions
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM src").Scan(&n); err != nil {
		return nil, err
	}
	rep.Cells = n
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE ccf (_row BIGINT, ccf_region "+regionType+")"); err != nil {
		return nil, err
	}
	if rep.Coords[0] != "" && o.Volume != nil {
		x, y, z := make([]float64, n), make([]float64, n), make([]float64, n)
		rows, err := conn.QueryContext(ctx, fmt.Sprintf("SELECT %s, %s, %s FROM src ORDER BY _row", num(rep.Coords[0]), num(rep.Coords[1]), num(rep.Coords[2])))
		if err != nil {
			return nil, err
		}
		i := 0
		for rows.Next() {
			var a, b, c sql.NullFloat64
			if err := rows.Scan(&a, &b, &c); err != nil {
				rows.Close()
				return nil, err
			}
			x[i], y[i], z[i] = nanIf(a)*o.CoordScale, nanIf(b)*o.CoordScale, nanIf(c)*o.CoordScale
			i++
		}
		rows.Close()
		if o.Space != nil {
			// the CCF point of each row, kept in the pos table
			for i := range x {
				q := o.Space.ToCCF.Apply([3]float64{x[i], y[i], z[i]})
				x[i], y[i], z[i] = q[0], q[1], q[2]
			}
			if err := appendPositions(ctx, conn, x, y, z); err != nil {
				return nil, err
			}
		}
		res := atlas.Locate(o.Ontology, o.Volume, x, y, z)
		for i, s := range res.Status {
			if s != atlas.StatusOK && !math.IsNaN(x[i]) {
				rep.Outside++
			}
		}
		err = conn.Raw(func(dc any) error {
			app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "ccf")
			if err != nil {
				return err
			}
			for i, id := range res.RegionID {
				if id == 0 {
					continue
				}
				if err := app.AppendRow(int64(i), id); err != nil {
					app.Close()
					return err
				}
			}
			return app.Close()
		})
		if err != nil {
			return nil, err
		}
	}
	// label regions
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE lab (label VARCHAR, location_region "+regionType+")"); err != nil {
		return nil, err
	}
	labExpr := "CAST(NULL AS VARCHAR)"
	if rep.RegionCol != "" {
		labExpr = "trim(CAST(" + q(rep.RegionCol) + " AS VARCHAR))"
		rows, err := conn.QueryContext(ctx, "SELECT "+labExpr+", min(_row) FROM src WHERE "+labExpr+" IS NOT NULL AND "+labExpr+" NOT IN ('', 'unassigned', 'NA') GROUP BY 1 ORDER BY 2")
		if err != nil {
			return nil, err
		}
		var vals []string
		for rows.Next() {
			var l string
			if err := rows.Scan(&l, &row); err != nil {
				rows.Close()
				return nil, err
			}
			r, err := o.Ontology.Lookup(l)
			if err != nil {
				rows.Close()
				return nil, fail(row, rep.RegionCol, l, "region label not in atlas "+o.Ontology.Name,
					"use acronyms or ids of the atlas ontology ('ccc atlas search TEXT'); empty or 'unassigned' for none")
			}
			vals = append(vals, fmt.Sprintf("(%s, %d)", store.QuoteString(l), r.ID))
		}
		rows.Close()
		if err := insertValues(ctx, conn, "lab", vals); err != nil {
			return nil, err
		}
	}
	// clusters
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE clu (value VARCHAR, cluster VARCHAR)"); err != nil {
		return nil, err
	}
	cluExpr := "CAST(NULL AS VARCHAR)"
	if rep.ClusterCol != "" {
		cluExpr = "trim(CAST(" + q(rep.ClusterCol) + " AS VARCHAR))"
		rows, err := conn.QueryContext(ctx, "SELECT "+cluExpr+", min(_row), count(*) FROM src WHERE "+cluExpr+" IS NOT NULL AND "+cluExpr+" <> '' GROUP BY 1 ORDER BY 2")
		if err != nil {
			return nil, err
		}
		var vals []string
		var firstErr error
		for rows.Next() {
			var v string
			var cnt int
			if err := rows.Scan(&v, &row, &cnt); err != nil {
				rows.Close()
				return nil, err
			}
			k, err := o.Taxonomy.Lookup(v)
			if err != nil {
				rep.Unresolved += cnt
				if len(rep.UnresolvedRows) < 5 {
					rep.UnresolvedRows = append(rep.UnresolvedRows, fmt.Sprintf("%s (row %d)", v, row))
				}
				if firstErr == nil {
					firstErr = fail(row, rep.ClusterCol, v, "cluster not in taxonomy "+o.Taxonomy.Name,
						"give cluster labels, aliases or names of that taxonomy ('ccc taxonomy search TEXT'), or --allow-unresolved to count and skip them")
				}
				continue
			}
			vals = append(vals, fmt.Sprintf("(%s, %s)", store.QuoteString(v), store.QuoteString(o.Taxonomy.Label(k))))
		}
		rows.Close()
		if firstErr != nil && !o.AllowUnresolved {
			return nil, fmt.Errorf("%w (%d cells with unknown clusters: %s)", firstErr, rep.Unresolved, strings.Join(rep.UnresolvedRows, ", "))
		}
		if err := insertValues(ctx, conn, "clu", vals); err != nil {
			return nil, err
		}
	}
	// the joined view of everything per cell
	refSpace := o.ReferenceSpace
	if refSpace == "" {
		refSpace = o.Atlas
	}
	posCols, posJoin := "", ""
	if o.Space != nil {
		refSpace = o.Space.Space
		posCols = ", pos.ccf_ap_um, pos.ccf_dv_um, pos.ccf_ml_um"
		posJoin = " LEFT JOIN pos ON pos._row = s._row"
	}
	coord := func(i int) string {
		if rep.Coords[i] == "" {
			return "CAST(NULL AS DOUBLE)"
		}
		return fmt.Sprintf("%s * %g", num(rep.Coords[i]), o.CoordScale)
	}
	optNum := func(k, typ string) string {
		if opt[k] == "" {
			return "CAST(NULL AS " + typ + ")"
		}
		return "CAST(" + num(opt[k]) + " AS " + typ + ")"
	}
	refExpr := "CAST(NULL AS VARCHAR)"
	if rep.Coords[0] != "" && refSpace != "" {
		refExpr = store.QuoteString(refSpace)
	}
	view := fmt.Sprintf(`CREATE TEMP TABLE cells AS SELECT s._row, %s AS cell_id, %s AS x, %s AS y, %s AS z, %s AS quality_score,
		%s AS total_counts, %s AS n_genes_detected, %s AS score, ccf.ccf_region, lab.location_region, clu.cluster, %s AS cluster_value,
		CASE WHEN %s IS NULL THEN NULL ELSE %s END AS reference_space%s
		FROM src s LEFT JOIN ccf ON ccf._row = s._row LEFT JOIN lab ON lab.label = %s LEFT JOIN clu ON clu.value = %s%s ORDER BY s._row`,
		idExpr, coord(0), coord(1), coord(2), optNum("quality", "DOUBLE"), optNum("counts", "BIGINT"), optNum("genes", "BIGINT"), optNum("score", "DOUBLE"),
		cluExpr, coord(0), refExpr, posCols, labExpr, cluExpr, posJoin)
	if _, err := conn.ExecContext(ctx, view); err != nil {
		return nil, fmt.Errorf("cells ingest: %w", err)
	}
	err = conn.QueryRowContext(ctx, `SELECT count(ccf_region), count(*) FILTER (WHERE ccf_region IS NULL AND location_region IS NOT NULL),
		count(*) FILTER (WHERE ccf_region IS NOT NULL AND location_region IS NOT NULL AND ccf_region <> location_region),
		count(*) FILTER (WHERE ccf_region IS NULL AND location_region IS NULL), count(cluster),
		count(*) FILTER (WHERE cluster_value IS NULL OR cluster_value = '') FROM cells`).Scan(&rep.CCF, &rep.Location, &rep.Disagree, &rep.Unlocated, &rep.Mapped, &rep.Unassigned)
	if err != nil {
		return nil, err
	}
	if rep.ClusterCol == "" {
		rep.Unassigned = 0
	}
	// write the version
	txo := store.TxOptions{Dataset: o.Dataset, Message: fmt.Sprintf("cells ingest: %d cells", n), SourceURI: o.SourceURI, Inputs: []string{path},
		Params: map[string]any{"command": "cells ingest", "modality": o.Modality, "id_col": rep.IDCol, "region_col": rep.RegionCol, "cluster_col": rep.ClusterCol}}
	tx, err := st.Begin(ctx, txo)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	copyTo := func(class, sel string) error {
		_, err := conn.ExecContext(ctx, "COPY ("+sel+") TO "+store.QuoteString(tx.TablePath(class))+" (FORMAT parquet, COMPRESSION zstd)")
		if err != nil {
			return fmt.Errorf("write %s: %w", class, err)
		}
		return nil
	}
	ds := store.QuoteString(o.Dataset)
	name := o.Name
	if name == "" {
		name = o.Dataset
	}
	pub := "CAST(NULL AS VARCHAR)"
	if o.Publication != "" {
		pub = store.QuoteString(o.Publication)
	}
	if err := copyTo(DataSetClass, fmt.Sprintf("SELECT %s AS id, %s AS name, %s AS publication, %s AS modality", ds, store.QuoteString(name), pub, store.QuoteString(o.Modality))); err != nil {
		return nil, err
	}
	if err := copyTo(ItemClass, "SELECT cell_id AS id, "+ds+" AS dataset FROM cells ORDER BY _row"); err != nil {
		return nil, err
	}
	located := ""
	if o.Space != nil {
		located = `, CASE WHEN x IS NULL THEN NULL ELSE ` + store.QuoteString(o.Space.Transform) + ` END AS space_transform,
		ccf_ap_um, ccf_dv_um, ccf_ml_um`
	}
	sel := `SELECT cell_id, quality_score, total_counts, n_genes_detected, x AS spatial_location_x, y AS spatial_location_y, z AS spatial_location_z,
		reference_space AS spatial_location_reference_space, ` + ds + ` AS dataset, coalesce(ccf_region, location_region) AS brain_region,
		CASE WHEN ccf_region IS NOT NULL THEN 'ccf' WHEN location_region IS NOT NULL THEN 'location' END AS region_source,
		ccf_region, location_region` + located + ` FROM cells ORDER BY _row`
	if err := copyTo(CellClass, sel); err != nil {
		return nil, err
	}
	if o.Taxonomy != nil {
		runID := o.Dataset + ":" + o.Taxonomy.Name
		alg := o.Algorithm
		if alg == "" {
			alg = "provided"
		}
		params, _ := json.Marshal(map[string]any{"taxonomy": o.Taxonomy.Name, "cluster_col": rep.ClusterCol, "score_col": opt["score"], "algorithm_run": runID})
		now := time.Now().UTC().Format(time.RFC3339)
		if err := copyTo(RunClass, fmt.Sprintf(`SELECT %s AS id, %s AS algorithm_name, %s AS algorithm_version, %s AS parameters_json, CAST(%s AS TIMESTAMP) AS run_timestamp,
			%s AS score_description, %s AS input_dataset`, store.QuoteString(runID), store.QuoteString(alg), nullStr(o.AlgorithmVersion), store.QuoteString(string(params)),
			store.QuoteString(now), nullStr(o.ScoreDescription), ds)); err != nil {
			return nil, err
		}
		if err := copyTo(MappingSetClass, fmt.Sprintf(`SELECT %s AS id, %s AS name, %s AS description, %s AS method_name, %s AS method_version, CAST(%s AS TIMESTAMP) AS created_at,
			%s AS parameters_json, %s AS source_dataset, %s AS target_dataset`, store.QuoteString(runID), store.QuoteString(runID),
			store.QuoteString(fmt.Sprintf("cells of %s assigned to clusters of taxonomy %s (column %s)", o.Dataset, o.Taxonomy.Name, rep.ClusterCol)),
			store.QuoteString(alg), nullStr(o.AlgorithmVersion), store.QuoteString(now), store.QuoteString(string(params)), ds, store.QuoteString(o.Taxonomy.Name))); err != nil {
			return nil, err
		}
		if err := copyTo(CellClusterMap, fmt.Sprintf(`SELECT %s || ':' || cell_id AS id, score, cell_id AS source_cell, cluster AS target_cluster, %s AS mapping_set
			FROM cells WHERE cluster IS NOT NULL ORDER BY _row`, store.QuoteString(runID+":"), store.QuoteString(runID))); err != nil {
			return nil, err
		}
		if err := copyTo(CountClass, aggregateSelect); err != nil {
			return nil, err
		}
	} else {
		for _, c := range []string{RunClass, MappingSetClass, CellClusterMap, CountClass} {
			tx.DropTable(c)
		}
	}
	tx.SetMeta("kind", "cells")
	if o.Space != nil {
		tx.SetMeta("space_transform", o.Space.Transform)
	} else {
		tx.SetMeta("space_transform", nil)
	}
	tx.SetMeta("modality", o.Modality)
	tx.SetMeta("cells", n)
	if o.Taxonomy != nil {
		tx.SetMeta("taxonomy", o.Taxonomy.Name)
	} else {
		tx.SetMeta("taxonomy", nil)
	}
	if o.Ontology != nil {
		tx.SetMeta("atlas", o.Ontology.Name)
	}
	v, err := tx.Commit()
	if err != nil {
		return nil, err
	}
	rep.Version = v.Number
	return rep, nil
}

func nullStr(s string) string {
	if s == "" {
		return "CAST(NULL AS VARCHAR)"
	}
	return store.QuoteString(s)
}

func nanIf(f sql.NullFloat64) float64 {
	if !f.Valid {
		return math.NaN()
	}
	return f.Float64
}

func insertValues(ctx context.Context, conn *sql.Conn, table string, vals []string) error {
	for len(vals) > 0 {
		k := min(len(vals), 1000)
		if _, err := conn.ExecContext(ctx, "INSERT INTO "+table+" VALUES "+strings.Join(vals[:k], ", ")); err != nil {
			return err
		}
		vals = vals[k:]
	}
	return nil
}

// appendPositions writes the CCF point of every row (NaN: none) into the
// temp table pos.
func appendPositions(ctx context.Context, conn *sql.Conn, x, y, z []float64) error {
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE pos (_row BIGINT, ccf_ap_um DOUBLE, ccf_dv_um DOUBLE, ccf_ml_um DOUBLE)"); err != nil {
		return err
	}
	return conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "pos")
		if err != nil {
			return err
		}
		for i := range x {
			if math.IsNaN(x[i]) || math.IsNaN(y[i]) || math.IsNaN(z[i]) {
				continue
			}
			if err := app.AppendRow(int64(i), x[i], y[i], z[i]); err != nil {
				app.Close()
				return err
			}
		}
		return app.Close()
	})
}
