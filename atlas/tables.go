package atlas

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

// CSVToParquet converts a CSV file to Parquet through DuckDB.
func CSVToParquet(ctx context.Context, csvPath, out string) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, fmt.Sprintf("COPY (SELECT * FROM read_csv(%s, header=true)) TO %s (FORMAT parquet)", store.QuoteString(csvPath), store.QuoteString(out)))
	return err
}

func tableFrom(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".parquet", ".pq":
		return "read_parquet(" + store.QuoteString(path) + ")"
	}
	return "read_csv(" + store.QuoteString(path) + ", header=true)"
}

// ReadRegionValues reads a (region, value) table from CSV or Parquet for
// Rollup. The region column holds ids or acronyms (default: the first of
// structure_id, region_id, region, acronym, structure_acronym, id); the
// value column defaults to value. Unknown regions are an error naming the
// first rows.
func ReadRegionValues(ctx context.Context, o *Ontology, path, regionCol, valueCol string) ([]int64, []float64, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	from := tableFrom(path)
	rows, err := db.QueryContext(ctx, "SELECT * FROM "+from+" LIMIT 0")
	if err != nil {
		return nil, nil, &ccc.Error{Op: "read values", Path: path, Row: -1, Msg: "cannot read the table", Kind: ccc.ErrFormat, Err: err}
	}
	have, _ := rows.Columns()
	rows.Close()
	pick := func(override string, cands []string, what string) (string, error) {
		if override != "" {
			cands = []string{override}
		}
		for _, c := range cands {
			for _, h := range have {
				if strings.EqualFold(h, c) {
					return h, nil
				}
			}
		}
		return "", &ccc.Error{Op: "read values", Path: path, Row: -1, Field: what, Msg: "no " + what + " column (looked for " + strings.Join(cands, ", ") + ")",
			Hint: "name it with --" + what + "-col; columns are: " + strings.Join(have, ", "), Kind: ccc.ErrInvalidData}
	}
	rc, err := pick(regionCol, []string{"structure_id", "region_id", "region", "acronym", "structure_acronym", "id"}, "region")
	if err != nil {
		return nil, nil, err
	}
	vc, err := pick(valueCol, []string{"value"}, "value")
	if err != nil {
		return nil, nil, err
	}
	rows, err = db.QueryContext(ctx, fmt.Sprintf("SELECT CAST(%s AS VARCHAR), TRY_CAST(%s AS DOUBLE) FROM %s", qi(rc), qi(vc), from))
	if err != nil {
		return nil, nil, &ccc.Error{Op: "read values", Path: path, Row: -1, Msg: "cannot read the table", Kind: ccc.ErrFormat, Err: err}
	}
	defer rows.Close()
	var regions []int64
	var values []float64
	cache := map[string]int64{}
	var bad []string
	for i := 0; rows.Next(); i++ {
		var r sql.NullString
		var v sql.NullFloat64
		if err := rows.Scan(&r, &v); err != nil {
			return nil, nil, err
		}
		id, ok := cache[r.String]
		if !ok {
			reg, err := o.Lookup(r.String)
			if err != nil {
				if len(bad) < 5 {
					bad = append(bad, fmt.Sprintf("row %d: %q", i, r.String))
				}
				continue
			}
			id = reg.ID
			cache[r.String] = id
		}
		regions = append(regions, id)
		values = append(values, nullNaN(v))
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(bad) > 0 {
		return nil, nil, &ccc.Error{Op: "read values", Path: path, Row: -1, Field: rc, Msg: "regions not in the ontology: " + strings.Join(bad, ", "),
			Hint: "use the atlas's structure ids or acronyms", Kind: ccc.ErrInvalidData}
	}
	return regions, values, nil
}

func nullNaN(f sql.NullFloat64) float64 {
	if !f.Valid {
		return math.NaN()
	}
	return f.Float64
}
