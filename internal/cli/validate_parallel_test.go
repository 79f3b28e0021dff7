package cli

import (
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/linkml"
)

// TestValidateParallelSameAsSequential: the chunked, parallel decoding of
// CSV, TSV and JSON Lines gives the sequential path's output, errors and
// exit status byte for byte, at chunk sizes that cut every file many
// times (including inside quoted fields and multi-byte characters).
func TestValidateParallelSameAsSequential(t *testing.T) {
	var big strings.Builder
	big.WriteString("id,acronym,depth,side,parent\n")
	for i := range 300 {
		fmt.Fprintf(&big, "%d,A%d,%d,left,%d\n", i%250+1, i, i%30-5, i/2+1)
	}
	var bigj strings.Builder
	bigj.WriteString("[")
	for i := range 10000 {
		if i > 0 {
			bigj.WriteString(",\n")
		}
		switch i % 997 {
		case 5:
			bigj.WriteString("null")
		case 6:
			bigj.WriteString("{}")
		case 7:
			bigj.WriteString("{\"side\": null}")
		default:
			fmt.Fprintf(&bigj, "{\"id\": %d, \"acronym\": \"A%d\", \"depth\": %d, \"parent\": %d}", i%9000+1, i, i%30-5, i/2+1)
		}
	}
	bigj.WriteString("]")
	// arrays that turn out not to be strict JSON only at their end: the
	// records validated so far are rolled back and the general path reads
	// the file (identifiers repeat, so a record counted twice would show)
	body := strings.TrimSuffix(bigj.String(), "]")
	lateEscape := body + ",\n{\"id\": 1, \"acronym\": \"A\\u0042\"}]"
	lateDeep := body + ",\n{\"id\": 2, \"acronym\": \"A\", \"centre\": " + strings.Repeat("[", 70) + strings.Repeat("]", 70) + "}]"
	lateBad := body + ",\n{\"id\": 3, \"acronym\": }]"
	var bigl strings.Builder
	for i := range 300 {
		fmt.Fprintf(&bigl, "{\"id\": %d, \"acronym\": \"A%d\", \"depth\": %d, \"parent\": %d}\n", i%250+1, i, i%30-5, i/2+1)
	}
	files := map[string]string{
		"schema.yaml":      validateTestSchema,
		"big.csv":          big.String(),
		"big.jsonl":        bigl.String(),
		"big.json":         bigj.String(),
		"lateescape.json":  lateEscape,
		"latedeep.json":    lateDeep,
		"latebad.json":     lateBad,
		"empty.json":       " [ ] ",
		"scalars.json":     "[1, \"a\", null, [], {}, [2], {\"id\": 5, \"acronym\": \"B\"}]",
		"quoted.csv":       "id,acronym,side\n1,\"A\nB\",left\n2,\"x,\"\"y\",right\n3,C,\"up\"\n",
		"barequote.csv":    "id,acronym\n1,A\n2,B\"C\n3,D\n",
		"unterminated.csv": "id,acronym\n1,A\n2,\"B\n3,D\n",
		"ragged.csv":       "id,acronym,depth\n1,A,1\n2,B\n3,C,3,4\n",
		"nul.csv":          "id,acronym\n1,A\x00\n",
		"latin1.csv":       "id,acronym\n1,\xe9t\xe9\n",
		"crlf.csv":         "id,acronym,depth\r\n1,A,1\r\n\r\n2,B,-2\r\n",
		"bom.csv":          "\xef\xbb\xbfid,acronym\n1,A\n",
		"dupcol.csv":       "id,id\n1,2\n",
		"alias.csv":        "id,acronym,extra_col,Unnamed: 0\n1,A,x,0\n",
		"headeronly.csv":   "id,acronym\n",
		"noeol.csv":        "id,acronym\n1,A",
		"spaces.csv":       "id, acronym, depth\n1, A, 2\n2,  B,x\n",
		"unicode.tsv":      "id\tacronym\tside\n1\tVISp\tleft\n2\tÄ—ß\t\"lazy\"quote\n",
		"plain.tsv":        "id\tacronym\n1\tA\n2\tB C\n",
		"escapes.jsonl":    "{\"id\": 1, \"acronym\": \"A\\u0042\"}\n{\"id\": 2, \"acronym\": \"tab\\tx\"}\n",
		"garbage.jsonl":    "{\"id\": 1, \"acronym\": \"A\"}\n{\"id\": 2, \"acronym\": \"B\"} trailing\n",
		"malformed.jsonl":  "{\"id\": 1, \"acronym\": \"A\"}\n{\"id\": 2, \"acronym\": \n{\"id\": 3}\n",
		"numbers.jsonl":    "{\"id\": 1, \"acronym\": \"A\", \"depth\": 1E700}\n{\"id\": 2, \"acronym\": \"B\", \"depth\": 2.0}\n{\"id\": -0, \"acronym\": \"C\", \"depth\": 99999999999999999999}\n{\"id\": 4, \"acronym\": \"D\", \"depth\": -1.5e3}\n",
		"nonfinite.jsonl":  "{\"id\": 1, \"acronym\": \"A\", \"depth\": NaN}\n",
		"blank.jsonl":      "\n  \n{\"id\": 1, \"acronym\": \"A\"}\n\n\n{\"id\": 2, \"acronym\": \"ü\"}\n   ",
		"dupkey.jsonl":     "{\"id\": 1, \"acronym\": \"A\", \"acronym\": \"B C\"}\n",
		"nested.jsonl":     "{\"id\": 1, \"acronym\": \"A\", \"centre\": {\"x\": 1, \"y\": [1, {\"z\": null}]}, \"side\": true, \"parent\": null}\n[1, 2]\n\"str\"\n",
		"badutf8.jsonl":    "{\"id\": 1, \"acronym\": \"\xff\"}\n",
		"nul.jsonl":        "{\"id\": 1, \"acronym\": \"A\"}\x00\n",
		"deep.jsonl":       "{\"id\": 1, \"acronym\": \"A\", \"centre\": " + strings.Repeat("[", 1100) + strings.Repeat("]", 1100) + "}\n",
		"crlf.jsonl":       "{\"id\": 1, \"acronym\": \"A\"}\r\n{\"id\": 2, \"acronym\": \"B\"}\r\n",
		"empty.jsonl":      "",
	}
	dir := vtWriteFiles(t, files)
	schema := filepath.Join(dir, "schema.yaml")
	defer func(c, j int) { validateChunkBytes, validateJSONPartBytes = c, j }(validateChunkBytes, validateJSONPartBytes)
	for name := range files {
		if name == "schema.yaml" {
			continue
		}
		for _, extra := range [][]string{nil, {"--format", "json", "--refs"}, {"--open"}, {"--closed"}} {
			args := append([]string{"validate", "--schema", schema, "--class", "Region"}, extra...)
			args = append(args, filepath.Join(dir, name))
			validateSequential = true
			wc, wo, we := vtRun(t, args...)
			validateSequential = false
			for _, chunk := range []int{1, 7, 64, 1 << 20} {
				validateChunkBytes, validateJSONPartBytes = chunk, chunk
				gc, gout, ge := vtRun(t, args...)
				if gc != wc || gout != wo || ge != we {
					t.Errorf("%s %v, chunks of %d bytes: parallel exit %d\n%s%s\nsequential exit %d\n%s%s", name, extra, chunk, gc, gout, ge, wc, wo, we)
				}
			}
		}
	}
	// the files above reach every outcome: valid, invalid, malformed
	validateSequential = true
	defer func() { validateSequential = false }()
	for name, code := range map[string]int{"big.csv": 1, "big.jsonl": 1, "big.json": 1, "lateescape.json": 1, "latedeep.json": 1, "latebad.json": 2, "plain.tsv": 1, "barequote.csv": 2, "malformed.jsonl": 2, "deep.jsonl": 2} {
		if c, _, e := vtRun(t, "validate", "--schema", schema, "--class", "Region", filepath.Join(dir, name)); c != code {
			t.Errorf("%s: exit %d, want %d\n%.500s", name, c, code, e)
		}
	}
}

// TestValidateParquetArrowSameAsDuckDB: Parquet files read with arrow-go
// give the DuckDB path's output byte for byte, for every plain column type
// DuckDB writes (and files the arrow path leaves to DuckDB still validate).
func TestValidateParquetArrowSameAsDuckDB(t *testing.T) {
	dir := vtWriteFiles(t, map[string]string{"schema.yaml": validateTestSchema})
	schema := filepath.Join(dir, "schema.yaml")
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tables := map[string]string{
		"ints": `SELECT i::INTEGER AS id, 'A' || i AS acronym, (i % 7 - 2)::SMALLINT AS depth, (i / 2)::BIGINT AS parent,
			CASE WHEN i % 3 = 0 THEN NULL ELSE 'left' END AS side FROM range(1, 3000) t(i)`,
		"floats": `SELECT i::UTINYINT AS id, CASE WHEN i % 5 = 0 THEN 'B c' ELSE 'B' END AS acronym, (i * 0.5)::FLOAT AS depth,
			i::DOUBLE AS centre_x, (i % 2 = 0) AS extra_flag FROM range(0, 250) t(i)`,
		"strings": `SELECT (i % 50)::VARCHAR AS id, 'C' AS acronym, (i::UBIGINT) AS depth, i::TINYINT AS "Unnamed: 0",
			'x' AS unmapped FROM range(0, 100) t(i)`,
		"dates": `SELECT i::BIGINT AS id, 'D' AS acronym, DATE '2020-01-01' + i::INTEGER AS side FROM range(0, 10) t(i)`,
		"lists": `SELECT i::BIGINT AS id, 'E' AS acronym, [i, i] AS depth FROM range(0, 10) t(i)`,
		"empty": `SELECT 1::BIGINT AS id, 'F' AS acronym WHERE false`,
	}
	defer func(b bool) { validateSequential = b }(validateSequential)
	for name, q := range tables {
		pq := filepath.Join(dir, name+".parquet")
		if _, err := db.Exec(`COPY (` + q + `) TO '` + pq + `' (FORMAT parquet, ROW_GROUP_SIZE 1000)`); err != nil {
			t.Fatal(err)
		}
		for _, extra := range [][]string{nil, {"--format", "json", "--refs"}, {"--open"}, {"--closed"}, {"--allow-empty"}} {
			args := append(append([]string{"validate", "--schema", schema, "--class", "Region"}, extra...), pq)
			validateSequential = true
			wc, wo, we := vtRun(t, args...)
			validateSequential = false
			gc, gout, ge := vtRun(t, args...)
			if gc != wc || gout != wo || ge != we {
				t.Errorf("%s %v: arrow exit %d\n%.2000s%s\nDuckDB exit %d\n%.2000s%s", name, extra, gc, gout, ge, wc, wo, we)
			}
			if name == "ints" && extra == nil && (wc != 1 || strings.Count(wo, "\n") < 800) {
				t.Errorf("ints: exit %d, %d error lines", wc, strings.Count(wo, "\n"))
			}
		}
	}
	// damaged files: an error or verdicts, never a crash
	good, err := os.ReadFile(filepath.Join(dir, "ints.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	for i, at := range []int{4, len(good) / 3, len(good) / 2, len(good) - 12} {
		bad := append([]byte(nil), good...)
		for k := at; k < min(at+16, len(bad)); k++ {
			bad[k] ^= 0x5A
		}
		pq := filepath.Join(dir, fmt.Sprintf("damaged%d.parquet", i))
		if err := os.WriteFile(pq, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		if code, out, errOut := vtRun(t, "validate", "--schema", schema, "--class", "Region", pq); code != 1 && code != 2 {
			t.Errorf("damaged at %d: exit %d\n%.300s%.300s", at, code, out, errOut)
		}
	}
	if code, _, _ := vtRun(t, "validate", "--schema", schema, "--class", "Region", filepath.Join(dir, "ints.parquet")); code != 1 {
		t.Errorf("ints: exit %d", code)
	}
}

// FuzzValidateParallel: for any CSV or JSON Lines content, the parallel
// path (in chunks of a few bytes) prints what the sequential path prints.
func FuzzValidateParallel(f *testing.F) {
	f.Add([]byte("id,acronym,depth\n1,A,2\n2,\"B\nC\",x\n"), false, uint8(3))
	f.Add([]byte("{\"id\": 1, \"acronym\": \"A\"}\n{\"id\": 1, \"depth\": -1}\nnot json\n"), true, uint8(5))
	f.Add([]byte("id,acronym\n1,\"A\"\"B\"\n2,C\"D\n"), false, uint8(1))
	f.Add([]byte("[{\"id\": 1, \"acronym\": \"A\"}, {\"id\": 1, \"depth\": -1}, {\"id\": 2, \"acronym\": \"\\u0041\"}]"), true, uint8(3))
	dir := vtWriteFiles(f, map[string]string{"schema.yaml": validateTestSchema})
	schema := filepath.Join(dir, "schema.yaml")
	f.Fuzz(func(t *testing.T, data []byte, jsonl bool, chunk uint8) {
		name := filepath.Join(t.TempDir(), "in.csv")
		switch {
		case jsonl && chunk&1 == 1: // a JSON document (an array: parts of chunk+1 bytes)
			name = filepath.Join(filepath.Dir(name), "in.json")
		case jsonl:
			name = filepath.Join(filepath.Dir(name), "in.jsonl")
		}
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		defer func(c, j int) { validateChunkBytes, validateJSONPartBytes, validateSequential = c, j, false }(validateChunkBytes, validateJSONPartBytes)
		validateSequential = true
		wc, wo, we := vtRun(t, "validate", "--schema", schema, "--class", "Region", name)
		validateSequential = false
		validateChunkBytes, validateJSONPartBytes = int(chunk)+1, int(chunk)+1
		gc, gout, ge := vtRun(t, "validate", "--schema", schema, "--class", "Region", name)
		if gc != wc || gout != wo || ge != we {
			t.Fatalf("%q: parallel exit %d\n%s%s\nsequential exit %d\n%s%s", data, gc, gout, ge, wc, wo, we)
		}
	})
}

// FuzzValidateParquetArrow: any bytes given to the arrow-go Parquet path
// give records, an error or a hand-over to DuckDB: never a crash.
func FuzzValidateParquetArrow(f *testing.F) {
	dir := vtWriteFiles(f, map[string]string{"schema.yaml": validateTestSchema})
	db, err := sql.Open("duckdb", "")
	if err != nil {
		f.Fatal(err)
	}
	seed := filepath.Join(dir, "seed.parquet")
	_, err = db.Exec(`COPY (SELECT i::INTEGER AS id, 'A' || i AS acronym, (i % 7 - 2)::BIGINT AS depth, i % 2 = 0 AS extra
		FROM range(1, 200) t(i)) TO '` + seed + `' (FORMAT parquet, ROW_GROUP_SIZE 50)`)
	db.Close()
	if err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	s, err := loadLinkMLSchema(&IO{ErrOut: io.Discard}, filepath.Join(dir, "schema.yaml"), false)
	if err != nil {
		f.Fatal(err)
	}
	v, err := s.NewValidator("Region", linkml.ValidateOptions{CheckUnique: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pq := filepath.Join(t.TempDir(), "in.parquet")
		if err := os.WriteFile(pq, data, 0o644); err != nil {
			t.Fatal(err)
		}
		opts := &validateOptions{IO: &IO{Out: io.Discard, ErrOut: io.Discard}, Global: &globalOptions{Quiet: true}, Class: "Region"}
		var all []linkml.Violation
		n, ok, err := validateParquetArrow(opts, s, v, v.NewStream(), pq, &all)
		if !ok && (n != 0 || err != nil || len(all) != 0) {
			t.Fatalf("handed over to DuckDB after reading %d records (%v)", n, err)
		}
	})
}
