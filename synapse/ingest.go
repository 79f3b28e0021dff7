package synapse

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

// Resolution is the size of one position unit in nanometres (x, y, z).
type Resolution [3]float64

// DefaultResolution is MICrONS minnie65's voxel size: 4 x 4 x 40 nm.
var DefaultResolution = Resolution{4, 4, 40}

// ParseResolution reads "4,4,40" (nm per unit).
func ParseResolution(s string) (Resolution, error) {
	var r Resolution
	parts := strings.Split(strings.Trim(strings.TrimSpace(s), "[]()"), ",")
	if len(parts) != 3 {
		return r, fmt.Errorf("%w: resolution %q: want three numbers X,Y,Z in nm, e.g. 4,4,40", ccc.ErrUsage, s)
	}
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return r, fmt.Errorf("%w: resolution %q: %q is not a positive number (want X,Y,Z in nm, e.g. 4,4,40)", ccc.ErrUsage, s, p)
		}
		r[i] = v
	}
	return r, nil
}

// Slice returns the resolution as a JSON-friendly slice.
func (r Resolution) Slice() []float64 { return []float64{r[0], r[1], r[2]} }

// ResolutionFromMeta reads a resolution recorded with SetMeta; ok is false
// when absent.
func ResolutionFromMeta(v any) (Resolution, bool) {
	var r Resolution
	xs, ok := v.([]any)
	if !ok {
		if fs, ok2 := v.([]float64); ok2 && len(fs) == 3 {
			copy(r[:], fs)
			return r, true
		}
		return r, false
	}
	if len(xs) != 3 {
		return r, false
	}
	for i, x := range xs {
		f, ok := x.(float64)
		if !ok {
			return r, false
		}
		r[i] = f
	}
	return r, true
}

// IngestOptions tune WriteTable.
type IngestOptions struct {
	// DropUnknown stops listing input columns that are not Synapse slots
	// (deprecated: such columns are never stored, and Unmapped names them).
	DropUnknown bool
	// Unmapped, when set, is told the columns of each file that map to no
	// slot (not stored).
	Unmapped func(file string, cols []string)
	// TempDir is where DuckDB spills while sorting (the store's staging dir).
	TempDir string
	// MemoryLimit for DuckDB, e.g. "4GB" ("" = DuckDB's default).
	MemoryLimit string
}

// WriteTable reads synapse files (CSV, Parquet, Arrow/Feather in CAVE's
// shape), validates every value, and writes the Synapse table to out as
// Parquet sorted by (pre_pt_root_id, post_pt_root_id, id). Bad input gives
// *ccc.Error values naming file, line, row and column (all bad columns of a
// file at once) and nothing is written. It returns the row count.
func WriteTable(ctx context.Context, files []string, out string, o IngestOptions) (int64, error) {
	if len(files) == 0 {
		return 0, fmt.Errorf("%w: no input files", ccc.ErrUsage)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if err := setupDuckDB(ctx, db, o.TempDir); err != nil {
		return 0, err
	}
	if o.MemoryLimit != "" {
		if _, err := db.ExecContext(ctx, "SET memory_limit = "+store.QuoteString(o.MemoryLimit)); err != nil {
			return 0, err
		}
	}
	var parts []string
	for _, f := range files {
		s, err := openSource(ctx, db, f, o.TempDir)
		if err != nil {
			return 0, err
		}
		m, err := synapseSpec.mapSource(s, o.DropUnknown, nil)
		if err != nil {
			return 0, err
		}
		if len(m.Unmapped) > 0 && o.Unmapped != nil {
			o.Unmapped(f, m.Unmapped)
		}
		if err := validate(ctx, db, s, m); err != nil {
			return 0, err
		}
		if strings.HasPrefix(m.Exprs["id"], "CAST(NULL") {
			// no id column: number the rows after the previous files'
			m.Exprs["id"] = fmt.Sprintf("(row_number() OVER () + %d)", len(parts)<<40)
		}
		parts = append(parts, synapseSpec.selectSQL(s, m))
	}
	q := fmt.Sprintf("COPY (SELECT * FROM (%s) ORDER BY pre_pt_root_id, post_pt_root_id, id) TO %s (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)",
		strings.Join(parts, " UNION ALL "), store.QuoteString(out))
	if _, err := db.ExecContext(ctx, q); err != nil {
		return 0, fmt.Errorf("write synapse table: %w", err)
	}
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM read_parquet("+store.QuoteString(out)+")").Scan(&n); err != nil {
		return 0, err
	}
	return n, nil
}
