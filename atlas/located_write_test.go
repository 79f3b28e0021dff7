package atlas

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/store"
)

// locatedFixture: points with ids that need CSV quoting, NaN and infinite
// coordinates, every status, regions repeated; with extra columns when
// extra is true.
func locatedFixture(t *testing.T, ids []string, extra bool) *LocatedTable {
	t.Helper()
	o := loadCCF(t)
	v := demoVolume()
	v.Labels[0] = 999999999 // a label the ontology lacks
	base := [][3]float64{{3960, 2000, 3420}, {3960, 1050, 3420}, {50, 50, 50}, {-1, 0, 0}, {7000, 3500, 9000},
		{math.NaN(), 1, 1}, {5000, 6000, 5000}, {10000, 4000, 5000}, {math.Inf(1), 0, 0}, {130, 150, 250}, {3960.25, 2000, 3420}}
	p := &Points{Cols: [3]string{"ap", "dv", "ml"}}
	for i := range ids {
		c := base[i%len(base)]
		p.X, p.Y, p.Z = append(p.X, c[0]), append(p.Y, c[1]), append(p.Z, c[2])
	}
	if ids[0] != "-" {
		p.IDs, p.IDCol = ids, "cell id"
	}
	tb := &LocatedTable{Points: p, Res: Locate(o, v, p.X, p.Y, p.Z), Ontology: o}
	if extra {
		sx := make([]float64, len(p.X))
		for i := range sx {
			sx[i] = float64(i) / 3
		}
		tb.Extra = []Column{{Name: "space", Const: "stereo, bregma"}, {Name: "ccf_ap_um", Float: sx}, {Name: "transform", Const: "t"}}
	}
	return tb
}

// csvReference is what the row-by-row writer wrote: encoding/csv on Row.
func csvReference(tb *LocatedTable) string {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(tb.Header())
	for i := range tb.Len() {
		w.Write(tb.Row(i))
	}
	w.Flush()
	return b.String()
}

func manyIDs(n int, f func(i int) string) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = f(i)
	}
	return ids
}

// TestLocatedCSV: the columnar CSV writer gives byte for byte what
// encoding/csv gave, over several chunks written in parallel.
func TestLocatedCSV(t *testing.T) {
	defer func(n int) { csvChunkRows = n }(csvChunkRows)
	csvChunkRows = 4
	odd := []string{"7", "", " lead", "a,b", `q"uote`, `\.`, "line\nbreak", "cr\rx", "tab\t", "ünï", "-"}
	for _, tc := range []struct {
		name  string
		ids   []string
		extra bool
	}{
		{"quoted ids", odd[:10], false},
		{"no id column", []string{"-", "-", "-"}, false},
		{"extra columns, many chunks", manyIDs(37, func(i int) string { return odd[i%10] }), true},
		{"one row", []string{"x"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := locatedFixture(t, tc.ids, tc.extra)
			var b bytes.Buffer
			if err := tb.WriteCSV(&b); err != nil {
				t.Fatal(err)
			}
			if want := csvReference(tb); b.String() != want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), want)
			}
		})
	}
	tb := locatedFixture(t, []string{"1", "2", "3", "4", "5", "6"}, false)
	var b bytes.Buffer
	if err := tb.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	want := "cell id,ap,dv,ml,label,region_id,acronym,status\n1,3960,2000,3420,385,385,VISp,ok\n2,3960,1050,3420,593,593,VISp1,ok\n" +
		"3,50,50,50,999999999,,,unknown_label\n4,-1,0,0,0,,,outside\n5,7000,3500,9000,315,315,Isocortex,ok\n6,NaN,1,1,0,,,outside\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestLocatedParquet: the Parquet answer, read back by DuckDB, holds the
// values and the types DuckDB gave the CSV-converted file of earlier
// versions: DOUBLE coordinates (NaN kept), BIGINT label, region_id NULL
// when none, VARCHAR acronym (NULL when none) and status; BIGINT ids when
// all are integers, else VARCHAR; an empty id NULL. Several row groups.
func TestLocatedParquet(t *testing.T) {
	defer func(n int) { parquetRowGroup = n }(parquetRowGroup)
	parquetRowGroup = 4
	dir := t.TempDir()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tc := range []struct {
		name   string
		ids    []string
		extra  bool
		idType string
	}{
		{"integer ids", manyIDs(11, func(i int) string {
			if i == 3 {
				return ""
			}
			return strconv.Itoa(i*1000 - 2)
		}), true, "BIGINT"},
		{"text ids", []string{"a", "", "007", "x,y", "5", "6", "7", "8", "9"}, false, "VARCHAR"},
		{"no ids", []string{"-", "-", "-", "-", "-"}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := locatedFixture(t, tc.ids, tc.extra)
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".parquet")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := tb.WriteParquet(f); err != nil {
				t.Fatal(err)
			}
			f.Close()
			from := "read_parquet(" + store.QuoteString(path) + ")"
			var groups int
			if err := db.QueryRow("SELECT count(DISTINCT row_group_id) FROM parquet_metadata(" + store.QuoteString(path) + ")").Scan(&groups); err != nil {
				t.Fatal(err)
			}
			if want := (tb.Len() + 3) / 4; groups != want {
				t.Errorf("%d row groups, want %d", groups, want)
			}
			rows, err := db.Query("SELECT * FROM " + from)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			cols, _ := rows.ColumnTypes()
			var names, types []string
			for _, c := range cols {
				names, types = append(names, c.Name()), append(types, c.DatabaseTypeName())
			}
			if strings.Join(names, ",") != strings.Join(tb.Header(), ",") {
				t.Errorf("columns %v, want %v", names, tb.Header())
			}
			wantTypes := "DOUBLE,DOUBLE,DOUBLE,BIGINT,BIGINT,VARCHAR,VARCHAR"
			if tc.extra {
				wantTypes = "DOUBLE,DOUBLE,DOUBLE,VARCHAR,DOUBLE,VARCHAR,BIGINT,BIGINT,VARCHAR,VARCHAR"
			}
			if tc.idType != "" {
				wantTypes = tc.idType + "," + wantTypes
			}
			if strings.Join(types, ",") != wantTypes {
				t.Errorf("types %v, want %s", types, wantTypes)
			}
			// every value as CSV would show it (NULL as ""): the CSV answer
			var got strings.Builder
			cw := csv.NewWriter(&got)
			cw.Write(names)
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				rec := make([]string, len(vals))
				for i, v := range vals {
					switch v := v.(type) {
					case nil:
					case float64:
						rec[i] = ftoa(v)
					case int64:
						rec[i] = strconv.FormatInt(v, 10)
					case string:
						rec[i] = v
					default:
						t.Fatalf("column %s: %T", names[i], v)
					}
				}
				cw.Write(rec)
			}
			cw.Flush()
			if want := csvReference(tb); got.String() != want {
				t.Errorf("read back\n%s\nwant\n%s", got.String(), want)
			}
		})
	}
}
