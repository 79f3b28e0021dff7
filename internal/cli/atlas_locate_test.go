package cli

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/store"
)

// TestAtlasLocateFiles: the same points from CSV and from Parquet (NULL,
// NaN and unparsable coordinates, NULL and empty ids) give the same answer
// on stdout and in --out files (CSV, Parquet read back), the answer of the
// row-by-row reader and writer of earlier versions.
func TestAtlasLocateFiles(t *testing.T) {
	out := t.TempDir()
	if _, e, code := runAtlasCmd(t, "quickstart", "--only", "atlas", "--out", out, "--data", filepath.Join(out, "no-data")); code != 0 {
		t.Fatalf("quickstart: %s", e)
	}
	dir := filepath.Join(out, "store")
	csvIn := filepath.Join(out, "pts.csv")
	if err := os.WriteFile(csvIn, []byte("id,ap,dv,ml,note\n7,3960,2000,3420,a\n,3960,1050,3420,b\nx9,abc,1,1,c\n\"a,b\",,6000,5000,d\n11,NaN,1,1,e\n12,10000,4000,5000,f\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pqIn := filepath.Join(out, "pts.parquet")
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`COPY (SELECT * FROM (VALUES ('7', 3960.0::DOUBLE, 2000::INTEGER, 3420::FLOAT), (NULL, 3960, 1050, 3420), ('x9', NULL, 1, 1),
		('a,b', NULL, 6000, 5000), ('11', 'NaN'::DOUBLE, 1, 1), ('12', 10000, 4000, 5000)) t(id, ap, dv, ml)) TO ` + store.QuoteString(pqIn) + ` (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	want := "id,ap,dv,ml,label,region_id,acronym,status\n7,3960,2000,3420,385,385,VISp,ok\n,3960,1050,3420,593,593,VISp1,ok\n" +
		"x9,NaN,1,1,0,,,outside\n\"a,b\",NaN,6000,5000,0,,,outside\n11,NaN,1,1,0,,,outside\n12,10000,4000,5000,512,512,CB,ok\n"
	for _, in := range []string{csvIn, pqIn} {
		for _, tc := range []struct {
			name string
			out  string // --out file ("": stdout)
		}{{"stdout", ""}, {"csv file", "answer.csv"}, {"parquet file", "answer.parquet"}} {
			t.Run(filepath.Ext(in)+" "+tc.name, func(t *testing.T) {
				args := []string{"--store", dir, "atlas", "locate", "--points", in, "--format", "csv"}
				if tc.out != "" {
					args = append(args, "--out", filepath.Join(t.TempDir(), tc.out))
				}
				got, e, code := runAtlasCmd(t, args...)
				if code != 0 || !strings.Contains(e, "6 points at 100 um: 3 ok, 3 outside, 0 unlabelled, 0 unknown_label") {
					t.Fatalf("exit %d: %s", code, e)
				}
				switch {
				case strings.HasSuffix(tc.out, ".csv"):
					b, err := os.ReadFile(args[len(args)-1])
					if err != nil {
						t.Fatal(err)
					}
					got = string(b)
				case strings.HasSuffix(tc.out, ".parquet"):
					// read back as points: the same answer again
					if got, e, code = runAtlasCmd(t, "--store", dir, "atlas", "locate", "--points", args[len(args)-1], "--format", "csv"); code != 0 {
						t.Fatal(e)
					}
				}
				if got != want {
					t.Errorf("got\n%s\nwant\n%s", got, want)
				}
			})
		}
	}
}
