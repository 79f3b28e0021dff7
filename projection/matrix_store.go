package projection

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/zarr"
	"github.com/ccc-connectivity/ccc/store"
)

// MatrixArtifact is the store artifact holding a matrix's values.
func MatrixArtifact(id string) string { return "matrix/" + id }

// WriteMatrixZarr writes the values as a chunked 2-d float64 Zarr v3 array
// (rows x regions, zstd) with the indexes as attributes.
func WriteMatrixZarr(dir string, m *Matrix) error {
	rows, cols := len(m.Rows), len(m.RegionIDs)
	attrs := map[string]any{"id": m.ID, "description": m.Description, "measurement_type": m.MeasurementType, "modality": m.Modality,
		"unit": m.Unit, "data_item_index": m.Rows, "region_index": m.RegionIDs, "region_acronyms": m.RegionAcronyms, "hemisphere_id": m.Hemisphere}
	_, err := zarr.Write(dir, zarr.Meta{Format: 3, Shape: []int{rows, cols}, Chunks: []int{min(max(rows, 1), 512), min(max(cols, 1), 512)},
		Compressor: zarr.Zstd, FillValue: 0, Attributes: attrs, DimensionNames: []string{"data_item", "region"}}, m.Values)
	return err
}

// ReadMatrixZarr reads a matrix written by WriteMatrixZarr.
func ReadMatrixZarr(dir string) (*Matrix, error) {
	vals, a, err := zarr.Read[float64](dir)
	if err != nil {
		return nil, err
	}
	m, err := matrixMeta(dir, a)
	if err != nil {
		return nil, err
	}
	m.Values = vals
	return m, nil
}

// ReadMatrixIndex reads the metadata and indexes of a matrix written by
// WriteMatrixZarr (its zarr.json), not its values (Values stays nil).
func ReadMatrixIndex(dir string) (*Matrix, error) {
	a, err := zarr.Open(dir)
	if err != nil {
		return nil, err
	}
	return matrixMeta(dir, a)
}

func matrixMeta(dir string, a *zarr.Array) (*Matrix, error) {
	at := a.Meta.Attributes
	m := &Matrix{}
	m.ID, _ = at["id"].(string)
	m.Description, _ = at["description"].(string)
	m.MeasurementType, _ = at["measurement_type"].(string)
	m.Modality, _ = at["modality"].(string)
	m.Unit, _ = at["unit"].(string)
	if h, ok := at["hemisphere_id"].(float64); ok {
		m.Hemisphere = int(h)
	}
	for _, v := range asList(at["data_item_index"]) {
		s, _ := v.(string)
		m.Rows = append(m.Rows, s)
	}
	for _, v := range asList(at["region_index"]) {
		f, _ := v.(float64)
		m.RegionIDs = append(m.RegionIDs, int64(f))
	}
	for _, v := range asList(at["region_acronyms"]) {
		s, _ := v.(string)
		m.RegionAcronyms = append(m.RegionAcronyms, s)
	}
	if len(a.Meta.Shape) != 2 || a.Meta.Shape[0] != len(m.Rows) || a.Meta.Shape[1] != len(m.RegionIDs) || len(m.RegionAcronyms) != len(m.RegionIDs) {
		return nil, &ccc.Error{Op: "read matrix", Path: dir, Row: -1, Msg: fmt.Sprintf("shape %v does not match the indexes (%d rows, %d regions)", a.Meta.Shape, len(m.Rows), len(m.RegionIDs)), Kind: ccc.ErrFormat}
	}
	return m, nil
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// SaveMatrix stores the matrix: values in artifact matrix/<id>/values.zarr,
// one row in the dataset's ProjectionMeasurementMatrix table and its long
// form (one row per entry) in the dataset's ProjectionMeasurement table
// (other matrices' rows are kept; a matrix with the same id is replaced). The
// metadata is normalized to the schema's enums first (Matrix.Normalize).
func SaveMatrix(ctx context.Context, st *store.Store, m *Matrix, dataset string, params map[string]any, inputs []string, wait time.Duration) (store.Version, error) {
	if dataset == "" {
		dataset = DefaultDataset
	}
	if err := store.ValidName(store.NameMatrix, m.ID); err != nil {
		return store.Version{}, err
	}
	if len(m.Values) != len(m.Rows)*len(m.RegionIDs) {
		return store.Version{}, usage("matrix %s: %d values for %d x %d", m.ID, len(m.Values), len(m.Rows), len(m.RegionIDs))
	}
	if err := m.Normalize(); err != nil {
		return store.Version{}, err
	}
	if params == nil {
		params = map[string]any{}
	}
	params["matrix"] = m.ID
	params["measurement_type"] = m.MeasurementType
	tx, err := st.Begin(ctx, store.TxOptions{Dataset: dataset, Message: fmt.Sprintf("projection matrix %s: %d x %d %s", m.ID, len(m.Rows), len(m.RegionIDs), m.MeasurementType),
		Inputs: inputs, Params: params, Wait: wait})
	if err != nil {
		return store.Version{}, err
	}
	defer tx.Rollback()
	// read what the dataset holds with the writer lock held
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		return store.Version{}, err
	}
	old, oldLong := "", ""
	if ti, err := sn.Table(dataset, MatrixClass); err == nil {
		old = ti.Path
	}
	if ti, err := sn.Table(dataset, MeasurementClass); err == nil {
		oldLong = ti.Path
	}
	dir, err := tx.ArtifactDir(MatrixArtifact(m.ID))
	if err != nil {
		return store.Version{}, err
	}
	if err := WriteMatrixZarr(filepath.Join(dir, "values.zarr"), m); err != nil {
		return store.Version{}, err
	}
	// region_index holds the regions' integer structure ids
	// (BrainRegion.structure_id);
	// an absent description is null, not ""
	rec := map[string]any{"id": m.ID, "description": nullString(m.Description), "measurement_type": m.MeasurementType, "modality": m.Modality,
		"unit": nullString(m.Unit), "values": MatrixArtifact(m.ID) + "/values.zarr", "region_index": m.RegionIDs, "data_item_index": m.Rows}
	js, _ := json.Marshal(rec)
	tmp := filepath.Join(tx.StagingDir(), "matrix.ndjson")
	if err := os.WriteFile(tmp, append(js, '\n'), 0o644); err != nil {
		return store.Version{}, err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return store.Version{}, err
	}
	defer db.Close()
	sel := fmt.Sprintf(`SELECT * FROM read_json(%s, format='newline_delimited', columns={id: 'VARCHAR', description: 'VARCHAR',
		measurement_type: 'VARCHAR', modality: 'VARCHAR', unit: 'VARCHAR', "values": 'VARCHAR', region_index: 'BIGINT[]',
		data_item_index: 'VARCHAR[]'})`, store.QuoteString(tmp))
	if old != "" {
		// matrices of stores written before region ids were integers
		// have VARCHAR region_index: cast them so the table stays valid
		sel = fmt.Sprintf(`SELECT * REPLACE (region_index::BIGINT[] AS region_index) FROM read_parquet(%s) WHERE id <> %s UNION ALL BY NAME %s`,
			store.QuoteString(old), store.QuoteString(m.ID), sel)
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`COPY (%s ORDER BY id) TO %s (FORMAT parquet, COMPRESSION zstd)`, sel, store.QuoteString(tx.TablePath(MatrixClass)))); err != nil {
		return store.Version{}, fmt.Errorf("write %s table: %w", MatrixClass, err)
	}
	// the long form, so that SQL sees the values
	if err := writeMeasurements(ctx, sn, dataset, oldLong, tx.TablePath(MeasurementClass), m); err != nil {
		return store.Version{}, err
	}
	// the rows are DataItems of the dataset (existing ones, e.g. ingested
	// experiments, are kept as they are)
	items := make([]dataItem, len(m.Rows))
	for i, r := range m.Rows {
		items[i] = dataItem{ID: r, Name: r}
	}
	if err := writeDataItems(ctx, db, tx, sn, dataSetRow{ID: dataset, Name: dataset, Modality: m.Modality}, items, true); err != nil {
		return store.Version{}, err
	}
	return tx.Commit()
}

// LoadMatrix reads matrix id of dataset from the store at ref.
func LoadMatrix(st *store.Store, ref store.Ref, dataset, id string) (*Matrix, error) {
	return loadMatrix(st, ref, dataset, id, ReadMatrixZarr)
}

// LoadMatrixIndex reads the metadata and indexes of matrix id of dataset
// (rows, regions, acronyms, measurement), not its values: an engine that
// computes the values from the long form (ProjectionMeasurement) fills
// Values in this order.
func LoadMatrixIndex(st *store.Store, ref store.Ref, dataset, id string) (*Matrix, error) {
	return loadMatrix(st, ref, dataset, id, ReadMatrixIndex)
}

func loadMatrix(st *store.Store, ref store.Ref, dataset, id string, read func(string) (*Matrix, error)) (*Matrix, error) {
	if dataset == "" {
		dataset = DefaultDataset
	}
	sn, err := st.Snapshot(ref)
	if err != nil {
		return nil, err
	}
	art, err := sn.Artifact(dataset, MatrixArtifact(id))
	if err != nil {
		names := MatrixNames(sn, dataset)
		return nil, &ccc.Error{Op: "load matrix", Path: st.Dir(), Row: -1, Value: id, Msg: "no such projection matrix",
			Hint: "matrices in " + dataset + ": " + strings.Join(names, ", "), Kind: ccc.ErrNotFound}
	}
	return read(filepath.Join(art.Dir, "values.zarr"))
}

// MatrixNames lists the matrices of a dataset.
func MatrixNames(sn *store.Snapshot, dataset string) []string {
	var out []string
	for _, a := range sn.Artifacts(dataset) {
		if strings.HasPrefix(a.Name, "matrix/") {
			out = append(out, strings.TrimPrefix(a.Name, "matrix/"))
		}
	}
	return out
}

// WriteMatrixParquet writes the matrix wide (data_item, one DOUBLE column
// per region acronym) as Parquet through DuckDB.
func WriteMatrixParquet(ctx context.Context, m *Matrix, path string) error {
	tmp, err := os.CreateTemp("", "ccc-matrix-*.csv")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := m.WriteCSV(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	var cols []string
	cols = append(cols, "'data_item': 'VARCHAR'")
	for _, a := range m.RegionAcronyms {
		cols = append(cols, store.QuoteString(a)+": 'DOUBLE'")
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	q := fmt.Sprintf(`COPY (SELECT * FROM read_csv(%s, header=true, columns={%s})) TO %s (FORMAT parquet, COMPRESSION zstd)`,
		store.QuoteString(tmp.Name()), strings.Join(cols, ", "), store.QuoteString(path))
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("write parquet %s: %w", path, err)
	}
	return nil
}
