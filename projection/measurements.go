package projection

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ccc-connectivity/ccc/store"
)

// MeasurementClass is the schema class (and store table) of the long form
// of projection matrices: one row per (data item, region) entry of every
// matrix of a dataset, written by SaveMatrix in the same version as the
// matrix's Zarr array, so that SQL sees the values.
const MeasurementClass = "ProjectionMeasurement"

// measurementDDL declares the ProjectionMeasurement columns.
const measurementDDL = `id VARCHAR, "matrix" VARCHAR, data_item VARCHAR, brain_region BIGINT, measurement_type VARCHAR,
	"value" DOUBLE, unit VARCHAR, hemisphere_id INTEGER`

// MeasurementID is the id of the long-form row of matrix entry (item,
// region): "<matrix>/<data item>/<structure id>".
func MeasurementID(matrix, item string, region int64) string {
	return matrix + "/" + item + "/" + strconv.FormatInt(region, 10)
}

// writeMeasurements writes the dataset's ProjectionMeasurement table to
// out: the rows of the table at oldPath ("" for none) of the matrices other
// than m that the dataset still holds, the rows of those matrices missing
// from it (read back from their Zarr arrays: stores written before the long
// form existed), and the rows of m, one per entry, values copied bit for bit.
func writeMeasurements(ctx context.Context, sn *store.Snapshot, dataset, oldPath, out string, m *Matrix) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "CREATE TABLE pm ("+measurementDDL+")"); err != nil {
		return err
	}
	keep := slices.DeleteFunc(MatrixNames(sn, dataset), func(s string) bool { return s == m.ID })
	have := map[string]bool{}
	if oldPath != "" {
		rows, err := conn.QueryContext(ctx, "SELECT DISTINCT \"matrix\" FROM read_parquet("+store.QuoteString(oldPath)+")")
		if err != nil {
			return fmt.Errorf("read %s table: %w", MeasurementClass, err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return err
			}
			have[s] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	todo := []*Matrix{m}
	for _, id := range keep {
		if have[id] {
			continue
		}
		art, err := sn.Artifact(dataset, MatrixArtifact(id))
		if err != nil {
			return err
		}
		old, err := ReadMatrixZarr(filepath.Join(art.Dir, "values.zarr"))
		if err != nil {
			return err
		}
		todo = append(todo, old)
	}
	err = conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "pm")
		if err != nil {
			return err
		}
		for _, mm := range todo {
			if err := appendMeasurements(ctx, app, mm); err != nil {
				app.Close()
				return err
			}
		}
		return app.Close()
	})
	if err != nil {
		return fmt.Errorf("write %s table: %w", MeasurementClass, err)
	}
	sel := "SELECT * FROM pm"
	if oldPath != "" && len(keep) > 0 {
		ks := make([]string, len(keep))
		for i, k := range keep {
			ks[i] = store.QuoteString(k)
		}
		sel = fmt.Sprintf(`SELECT * FROM read_parquet(%s) WHERE "matrix" IN (%s) UNION ALL BY NAME %s`,
			store.QuoteString(oldPath), strings.Join(ks, ", "), sel)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("COPY (%s) TO %s (FORMAT parquet, COMPRESSION zstd)", sel, store.QuoteString(out))); err != nil {
		return fmt.Errorf("write %s table: %w", MeasurementClass, err)
	}
	return nil
}

// appendMeasurements appends the long form of m, row-major.
func appendMeasurements(ctx context.Context, app *duckdb.Appender, m *Matrix) error {
	var unit, hemi driver.Value
	if m.Unit != "" {
		unit = m.Unit
	}
	if m.Hemisphere != 0 {
		hemi = int32(m.Hemisphere)
	}
	for r, item := range m.Rows {
		if r%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		for c, region := range m.RegionIDs {
			if err := app.AppendRow(MeasurementID(m.ID, item, region), m.ID, item, region, m.MeasurementType, m.At(r, c), unit, hemi); err != nil {
				return fmt.Errorf("matrix %s row %d: %w", m.ID, r, err)
			}
		}
	}
	return nil
}
