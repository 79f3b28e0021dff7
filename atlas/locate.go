package atlas

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

// Located is the columnar result of Locate: one entry per point.
type Located struct {
	Labels   []uint32 // volume label (0 when outside or unlabelled)
	RegionID []int64  // region of the label, 0 when none
	Status   []uint8  // StatusOK, StatusOutside, StatusUnlabelled, StatusUnknown
}

// Counts returns how many points have each status.
func (l *Located) Counts() [4]int {
	var c [4]int
	for _, s := range l.Status {
		c[s]++
	}
	return c
}

// Locate maps CCF points (um; x = AP, y = DV, z = ML) to regions of o
// through v, in batches. Points outside the volume, in unlabelled voxels or
// on labels the ontology lacks get an explicit status, never a region.
func Locate(o *Ontology, v *Volume, x, y, z []float64) *Located {
	n := len(x)
	res := &Located{Labels: make([]uint32, n), RegionID: make([]int64, n), Status: make([]uint8, n)}
	v.LocateBatch(x, y, z, res.Labels, res.Status)
	o.regionIDs(res.Labels, res.RegionID, res.Status)
	return res
}

// labelTable maps volume labels (uint32, not 0) to region ids: an open
// addressing table with linear probing, at most a quarter full, so a
// lookup is a multiply and, almost always, one slot read. Random points
// change label at almost every point; Locate then pays this instead of a
// Go map lookup per point.
type labelTable struct {
	keys  []uint32 // 0 = empty slot
	ids   []int64
	shift uint32 // 32 - log2(len(keys))
}

// newLabelTable builds the table of every annotation value of byLabel
// that fits uint32.
func newLabelTable(byLabel map[int64]int32, regions []Region) labelTable {
	size := 16
	for size < 4*len(byLabel) {
		size *= 2
	}
	t := labelTable{keys: make([]uint32, size), ids: make([]int64, size), shift: uint32(32 - bits.TrailingZeros(uint(size)))}
	for l, k := range byLabel {
		if l <= 0 || l > math.MaxUint32 {
			continue
		}
		h := t.slot(uint32(l))
		for t.keys[h] != 0 {
			h = (h + 1) & uint32(size-1)
		}
		t.keys[h], t.ids[h] = uint32(l), regions[k].ID
	}
	return t
}

func (t *labelTable) slot(l uint32) uint32 { return (l * 0x9E3779B1) >> t.shift }

// regionIDs sets ids[i] to the region of labels[i] for the points with
// status StatusOK, and the status to StatusUnknown when the ontology has
// no region with that label.
func (o *Ontology) regionIDs(labels []uint32, ids []int64, status []uint8) {
	ids, status = ids[:len(labels)], status[:len(labels)]
	t := &o.labelTab
	keys, tids := t.keys, t.ids[:len(t.keys)]
	if len(keys) == 0 { // an Ontology not built by build
		for i, l := range labels {
			if status[i] == StatusOK {
				if r, ok := o.ByLabel(int64(l)); ok {
					ids[i] = r.ID
				} else {
					status[i] = StatusUnknown
				}
			}
		}
		return
	}
	mask := uint32(len(keys) - 1)
	for i, l := range labels {
		if status[i] != StatusOK {
			continue
		}
		h := t.slot(l) & mask
		for keys[h] != l && keys[h] != 0 {
			h = (h + 1) & mask
		}
		if keys[h] == l && l != 0 {
			ids[i] = tids[h]
		} else {
			status[i] = StatusUnknown
		}
	}
}

// Points are CCF coordinates read from a table, with an optional id column.
type Points struct {
	X, Y, Z []float64
	IDs     []string // values of the id column ("" when the table has none)
	IDCol   string
	Cols    [3]string // the coordinate columns used
}

// coordinate column sets tried in order.
var coordCols = [][3]string{{"x", "y", "z"}, {"ap", "dv", "ml"}, {"ccf_x", "ccf_y", "ccf_z"}, {"ccf_ap", "ccf_dv", "ccf_ml"},
	{"ap_um", "dv_um", "ml_um"}, {"injection_x", "injection_y", "injection_z"}}

// ReadPoints reads coordinates from a CSV or Parquet file (or any DuckDB
// table expression when from is given instead of a path). cols overrides
// the coordinate columns ("x,y,z" order = AP, DV, ML); idCol "" uses a
// column named id when there is one. Coordinates are TRY_CAST to DOUBLE
// (NULL and unparsable values become NaN), ids CAST to VARCHAR (NULL
// becomes ""). A Parquet file of plain columns is read columnar with
// arrow-go (points_parquet.go); every other input through DuckDB, which
// copies the cast columns to a temporary Parquet file read the same way
// (no value-by-value scan through database/sql).
func ReadPoints(ctx context.Context, db *sql.DB, path, from string, cols []string, idCol string) (*Points, error) {
	if db == nil && from == "" {
		switch strings.ToLower(filepath.Ext(path)) {
		case ".parquet", ".pq":
			if p, ok, err := readPointsParquet(ctx, path, cols, idCol); ok {
				return p, err
			}
		}
	}
	if db == nil {
		var err error
		if db, err = sql.Open("duckdb", ""); err != nil {
			return nil, err
		}
		defer db.Close()
	}
	what := from
	if from == "" {
		what = path
		switch strings.ToLower(filepath.Ext(path)) {
		case ".parquet", ".pq":
			from = "read_parquet(" + store.QuoteString(path) + ")"
		default:
			from = "read_csv(" + store.QuoteString(path) + ", header=true)"
		}
	}
	rows, err := db.QueryContext(ctx, "SELECT * FROM "+from+" LIMIT 0")
	if err != nil {
		return nil, &ccc.Error{Op: "read points", Path: what, Row: -1, Msg: "cannot read the table", Kind: ccc.ErrFormat, Err: err}
	}
	have, _ := rows.Columns()
	rows.Close()
	p, err := pickColumns(what, have, cols, idCol)
	if err != nil {
		return nil, err
	}
	q := fmt.Sprintf("SELECT TRY_CAST(%s AS DOUBLE) AS x, TRY_CAST(%s AS DOUBLE) AS y, TRY_CAST(%s AS DOUBLE) AS z", qi(p.Cols[0]), qi(p.Cols[1]), qi(p.Cols[2]))
	if p.IDCol != "" {
		q += ", coalesce(CAST(" + qi(p.IDCol) + " AS VARCHAR), '') AS id"
	}
	if err := copyPoints(ctx, db, q+" FROM "+from, p); err != nil {
		return nil, &ccc.Error{Op: "read points", Path: what, Row: -1, Msg: "cannot read the coordinates", Kind: ccc.ErrFormat, Err: err}
	}
	return p, nil
}

// copyPoints runs the cast query into a temporary Parquet file (outside
// any store, removed before returning) and reads its columns into p.
func copyPoints(ctx context.Context, db *sql.DB, query string, p *Points) error {
	dir, err := os.MkdirTemp("", "ccc-points-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "points.parquet")
	if _, err := db.ExecContext(ctx, "COPY ("+query+") TO "+store.QuoteString(tmp)+" (FORMAT parquet, COMPRESSION uncompressed)"); err != nil {
		return err
	}
	f, err := os.Open(tmp)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	_, leaves, nrows, err := parquetLayout(f, st.Size())
	if err != nil {
		return err
	}
	idx := []int{0, 1, 2}
	if p.IDCol != "" {
		idx = append(idx, 3)
	}
	return readParquetColumns(ctx, f, nrows, leaves, idx, [3]bool{true, true, true}, p)
}

// pickColumns chooses the coordinate and id columns among the table's
// columns have (names compared case-insensitively).
func pickColumns(what string, have, cols []string, idCol string) (*Points, error) {
	fail := func(msg, hint string) error {
		return &ccc.Error{Op: "read points", Path: what, Row: -1, Msg: msg, Hint: hint, Kind: ccc.ErrInvalidData}
	}
	find := func(name string) string {
		for _, h := range have {
			if strings.EqualFold(h, name) {
				return h
			}
		}
		return ""
	}
	p := &Points{}
	if len(cols) > 0 {
		if len(cols) != 3 {
			return nil, fmt.Errorf("%w: give three coordinate columns (AP, DV, ML), not %d", ccc.ErrUsage, len(cols))
		}
		for i, c := range cols {
			if p.Cols[i] = find(strings.TrimSpace(c)); p.Cols[i] == "" {
				return nil, fail("no column "+c, "columns are: "+strings.Join(have, ", "))
			}
		}
	} else {
		for _, set := range coordCols {
			a, b, c := find(set[0]), find(set[1]), find(set[2])
			if a != "" && b != "" && c != "" {
				p.Cols = [3]string{a, b, c}
				break
			}
		}
		if p.Cols[0] == "" {
			return nil, fail("no coordinate columns (looked for x,y,z and ap,dv,ml)", "name them with --cols AP,DV,ML; columns are: "+strings.Join(have, ", "))
		}
	}
	if idCol == "" {
		p.IDCol = find("id")
	} else if p.IDCol = find(idCol); p.IDCol == "" {
		return nil, fail("no column "+idCol, "columns are: "+strings.Join(have, ", "))
	}
	return p, nil
}

func qi(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
