package atlas

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

// scanPoints is the value-by-value reader ReadPoints had before the
// columnar paths (DuckDB, Scan per row): the reference they must equal.
func scanPoints(t *testing.T, path string, cols []string, idCol string) *Points {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	from := "read_csv(" + store.QuoteString(path) + ", header=true)"
	if strings.HasSuffix(path, ".parquet") {
		from = "read_parquet(" + store.QuoteString(path) + ")"
	}
	rows, err := db.Query("SELECT * FROM " + from + " LIMIT 0")
	if err != nil {
		t.Fatal(err)
	}
	have, _ := rows.Columns()
	rows.Close()
	p, err := pickColumns(path, have, cols, idCol)
	if err != nil {
		t.Fatal(err)
	}
	q := fmt.Sprintf("SELECT TRY_CAST(%s AS DOUBLE), TRY_CAST(%s AS DOUBLE), TRY_CAST(%s AS DOUBLE)", qi(p.Cols[0]), qi(p.Cols[1]), qi(p.Cols[2]))
	if p.IDCol != "" {
		q += ", CAST(" + qi(p.IDCol) + " AS VARCHAR)"
	}
	if rows, err = db.Query(q + " FROM " + from); err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var x, y, z sql.NullFloat64
		var id sql.NullString
		dest := []any{&x, &y, &z}
		if p.IDCol != "" {
			dest = append(dest, &id)
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		p.X, p.Y, p.Z = append(p.X, nullNaN(x)), append(p.Y, nullNaN(y)), append(p.Z, nullNaN(z))
		if p.IDCol != "" {
			p.IDs = append(p.IDs, id.String)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return p
}

// samePoints compares two point sets bit for bit (NaN equal to NaN).
func samePoints(a, b *Points) error {
	if a.Cols != b.Cols || a.IDCol != b.IDCol {
		return fmt.Errorf("columns %v %q, want %v %q", a.Cols, a.IDCol, b.Cols, b.IDCol)
	}
	for c, pair := range [][2][]float64{{a.X, b.X}, {a.Y, b.Y}, {a.Z, b.Z}} {
		if len(pair[0]) != len(pair[1]) {
			return fmt.Errorf("coordinate %d: %d rows, want %d", c, len(pair[0]), len(pair[1]))
		}
		for i := range pair[0] {
			if math.Float64bits(pair[0][i]) != math.Float64bits(pair[1][i]) && !(math.IsNaN(pair[0][i]) && math.IsNaN(pair[1][i])) {
				return fmt.Errorf("coordinate %d row %d: %v, want %v", c, i, pair[0][i], pair[1][i])
			}
		}
	}
	if len(a.IDs) != len(b.IDs) {
		return fmt.Errorf("%d ids, want %d", len(a.IDs), len(b.IDs))
	}
	for i := range a.IDs {
		if a.IDs[i] != b.IDs[i] {
			return fmt.Errorf("id row %d: %q, want %q", i, a.IDs[i], b.IDs[i])
		}
	}
	return nil
}

// copyParquet writes the result of a DuckDB query as Parquet.
func copyParquet(t testing.TB, path, query, opts string) {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("COPY (" + query + ") TO " + store.QuoteString(path) + " (FORMAT parquet" + opts + ")"); err != nil {
		t.Fatal(err)
	}
}

// TestReadPoints: every input (CSV; Parquet read columnar, or through
// DuckDB for types the columnar path leaves to it) gives exactly what the
// value-by-value reader gave: NULL and unparsable coordinates NaN, ids as
// VARCHAR with NULL as "".
func TestReadPoints(t *testing.T) {
	dir := t.TempDir()
	csvFile := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pq := func(name, query string) string {
		p := filepath.Join(dir, name)
		copyParquet(t, p, query, "")
		return p
	}
	const mixed = `SELECT * FROM (VALUES
		(1, 'p1', 3960.0::DOUBLE, 2000.5::FLOAT, 3420::INTEGER, 5::BIGINT, 7::UTINYINT),
		(2, NULL, NULL, 'NaN'::FLOAT, NULL, -9::BIGINT, NULL),
		(3, 'a,"b"', 'NaN'::DOUBLE, NULL, -4::INTEGER, NULL, 255::UTINYINT),
		(4, '', 'inf'::DOUBLE, 1e30::FLOAT, 2147483647::INTEGER, 9223372036854775807::BIGINT, 0::UTINYINT)
		) t(n, id, x, y, z, big, small)`
	for _, tc := range []struct {
		name     string
		path     string
		cols     []string
		idCol    string
		columnar bool // Parquet only: read by arrow-go, not DuckDB
		want     string
	}{
		{"csv NULL and unparsable", csvFile("a.csv", "id,x,y,z\n1,100.5,200,300\n,NaN,abc,\n x3,1e3,-5,inf\n\"a,b\",7,8,9\n"), nil, "", false,
			"1 100.5 200 300| NaN NaN NaN| x3 1000 -5 +Inf|a,b 7 8 9"},
		{"csv ap/dv/ml, no id", csvFile("b.csv", "AP,DV,ML,name\n1,2,3,q\n4,,6,r\n"), nil, "", false, "1 2 3|4 NaN 6"},
		{"csv integer ids", csvFile("c.csv", "id,x,y,z\n7,1,2,3\n,4,5,6\n-8,7,8,9\n"), nil, "", false, "7 1 2 3| 4 5 6|-8 7 8 9"},
		{"parquet mixed numeric, string ids", pq("mixed.parquet", mixed), nil, "", true,
			"p1 3960 2000.5 3420| NaN NaN NaN|a,\"b\" NaN NaN -4| +Inf 1.0000000150474662e+30 2.147483647e+09"},
		{"parquet bigint/utinyint coordinates, integer ids", pq("ints.parquet", "SELECT n AS id, big AS x, small AS y, z FROM ("+mixed+")"),
			nil, "", true, "1 5 7 3420|2 -9 NaN NaN|3 NaN 255 -4|4 9.223372036854776e+18 0 2.147483647e+09"},
		{"parquet --cols and --id-col", pq("cols.parquet", mixed), []string{"Z", "small", "x"}, "N", true,
			"1 3420 7 3960|2 NaN NaN NaN|3 -4 255 NaN|4 2.147483647e+09 0 +Inf"},
		{"parquet unsigned ids", pq("uids.parquet", "SELECT small AS id, x, y, z FROM ("+mixed+")"), nil, "", true,
			"7 3960 2000.5 3420| NaN NaN NaN|255 NaN NaN -4|0 +Inf 1.0000000150474662e+30 2.147483647e+09"},
		{"parquet string coordinates (DuckDB)", pq("str.parquet", "SELECT * FROM (VALUES ('a', '1.5', ' 2', 'x'), (NULL, NULL, '3e2', '-0')) t(id, x, y, z)"),
			nil, "", false, "a 1.5 2 NaN| NaN 300 -0"},
		{"parquet decimal coordinates, double ids (DuckDB)", pq("dec.parquet", "SELECT 1.5::DOUBLE AS id, 12.25::DECIMAL(10,2) AS x, NULL::DECIMAL(4,1) AS y, 3::INTEGER AS z"),
			nil, "", false, "1.5 12.25 NaN 3"},
		{"parquet date id (DuckDB)", pq("date.parquet", "SELECT DATE '2024-01-02' AS id, 1.0 AS x, 2.0 AS y, 3.0 AS z"), nil, "", false, "2024-01-02 1 2 3"},
		{"parquet empty", pq("empty.parquet", "SELECT 1.0::DOUBLE AS x, 2.0::DOUBLE AS y, 3.0::DOUBLE AS z LIMIT 0"), nil, "", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadPoints(context.Background(), nil, tc.path, "", tc.cols, tc.idCol)
			if err != nil {
				t.Fatal(err)
			}
			if err := samePoints(got, scanPoints(t, tc.path, tc.cols, tc.idCol)); err != nil {
				t.Errorf("differs from the row-by-row reader: %v", err)
			}
			var rows []string
			for i := range got.X {
				r := fmt.Sprintf("%v %v %v", got.X[i], got.Y[i], got.Z[i])
				if got.IDCol != "" {
					r = got.IDs[i] + " " + r
				}
				rows = append(rows, r)
			}
			if s := strings.Join(rows, "|"); s != tc.want {
				t.Errorf("points\n%s\nwant\n%s", s, tc.want)
			}
			if strings.HasSuffix(tc.path, ".parquet") {
				_, ok, err := readPointsParquet(context.Background(), tc.path, tc.cols, tc.idCol)
				if ok != tc.columnar || err != nil {
					t.Errorf("columnar read: ok %v err %v, want ok %v", ok, err, tc.columnar)
				}
			}
		})
	}
}

// TestReadPointsRowGroups: many row groups and batches, read columnar,
// equal the row-by-row reader.
func TestReadPointsRowGroups(t *testing.T) {
	p := filepath.Join(t.TempDir(), "many.parquet")
	copyParquet(t, p, `SELECT CASE WHEN i % 7 = 0 THEN NULL ELSE i END AS id, CASE WHEN i % 13 = 0 THEN NULL ELSE i * 0.5::DOUBLE END AS x,
		CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 1000)::FLOAT END AS y, (-i)::BIGINT AS z FROM range(150000) r(i)`, ", ROW_GROUP_SIZE 40000")
	got, ok, err := readPointsParquet(context.Background(), p, nil, "")
	if !ok || err != nil {
		t.Fatalf("columnar read: %v %v", ok, err)
	}
	if err := samePoints(got, scanPoints(t, p, nil, "")); err != nil {
		t.Fatal(err)
	}
	if len(got.X) != 150000 || got.IDs[7] != "" || got.IDs[149999] != "149999" || got.X[3] != 1.5 || !math.IsNaN(got.X[130]) || !math.IsNaN(got.Y[11]) || got.Z[5] != -5 {
		t.Errorf("%d rows, ids %q %q, x %v, y %v, z %v", len(got.X), got.IDs[7], got.IDs[149999], got.X[3], got.Y[11], got.Z[5])
	}
}

// TestReadPointsErrors: a missing column is the same error on both paths;
// a damaged Parquet file is an error, never a crash.
func TestReadPointsErrors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "p.parquet")
	copyParquet(t, p, "SELECT 1 AS id, 1.0 AS a, 2.0 AS b, 3.0 AS c", "")
	c := filepath.Join(dir, "p.csv")
	os.WriteFile(c, []byte("id,a,b,c\n1,1,2,3\n"), 0o644)
	for _, path := range []string{p, c} {
		_, err := ReadPoints(context.Background(), nil, path, "", nil, "")
		var ce *ccc.Error
		if !errors.As(err, &ce) || ce.Kind != ccc.ErrInvalidData || !strings.Contains(err.Error(), "no coordinate columns") ||
			!strings.Contains(err.Error(), "columns are: id, a, b, c") {
			t.Errorf("%s: %v", path, err)
		}
		if _, err := ReadPoints(context.Background(), nil, path, "", []string{"a", "b", "nope"}, ""); err == nil || !strings.Contains(err.Error(), "no column nope") {
			t.Errorf("%s --cols: %v", path, err)
		}
		if _, err := ReadPoints(context.Background(), nil, path, "", []string{"a", "b", "c"}, "ident"); err == nil || !strings.Contains(err.Error(), "no column ident") {
			t.Errorf("%s --id-col: %v", path, err)
		}
		if _, err := ReadPoints(context.Background(), nil, path, "", []string{"a", "b"}, ""); !errors.Is(err, ccc.ErrUsage) {
			t.Errorf("%s two columns: %v", path, err)
		}
	}
	good, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.parquet")
	for _, data := range [][]byte{good[:len(good)/2], good[:len(good)-3], append([]byte("PAR1xxxx"), good[len(good)/2:]...)} {
		os.WriteFile(bad, data, 0o644)
		_, err := ReadPoints(context.Background(), nil, bad, "", []string{"a", "b", "c"}, "")
		var ce *ccc.Error
		if !errors.As(err, &ce) || ce.Kind != ccc.ErrFormat || ce.Path != bad {
			t.Errorf("damaged file (%d bytes): %v", len(data), err)
		}
	}
}

// FuzzReadPointsParquet: the columnar reader never crashes on a damaged
// file (it reports an error or leaves the file to DuckDB).
func FuzzReadPointsParquet(f *testing.F) {
	dir := f.TempDir()
	seed := filepath.Join(dir, "seed.parquet")
	copyParquet(f, seed, "SELECT i AS id, i * 1.5::DOUBLE AS x, (i % 3)::FLOAT AS y, CASE WHEN i % 2 = 0 THEN NULL ELSE i END AS z FROM range(50) r(i)", ", COMPRESSION snappy")
	data, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.parquet")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		pts, ok, err := readPointsParquet(context.Background(), p, nil, "")
		if ok && err == nil && (len(pts.Y) != len(pts.X) || len(pts.Z) != len(pts.X) || (pts.IDCol != "" && len(pts.IDs) != len(pts.X))) {
			t.Fatalf("ragged columns %d %d %d %d", len(pts.X), len(pts.Y), len(pts.Z), len(pts.IDs))
		}
	})
}
