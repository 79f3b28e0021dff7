package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/store"
)

// securityStore makes a store with one published Thing table of 5 rows and
// returns its directory and the table file's path.
func securityStore(t *testing.T) (string, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "st")
	if code, _, errOut := runCLI(t, nil, "init", dir); code != 0 {
		t.Fatalf("init: %s", errOut)
	}
	v := storeTestCommitRows(t, dir, "ds", "Thing", 5)
	return dir, v.Datasets["ds"].Tables["Thing"].Path
}

func fileSum(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Defect 1 of issue 12: ccc query must refuse every write, whatever the path.
func TestQueryRefusesWrites(t *testing.T) {
	dir, table := securityStore(t)
	env := map[string]string{"CCC_STORE": dir}
	before := fileSum(t, table)
	outside := filepath.Join(t.TempDir(), "out")
	cases := []struct{ name, sql, want string }{
		{"copy over a table file", "COPY (SELECT 'gone' x) TO '" + table + "' (FORMAT csv, USE_TMP_FILE false)", "COPY"},
		{"copy outside", "COPY (SELECT 1) TO '" + outside + ".csv'", "disabled by configuration"},
		{"copy outside, allowed dir", "COPY (SELECT 1) TO '" + filepath.Dir(table) + "/x.csv'", "disabled by configuration"},
		{"export database", "EXPORT DATABASE '" + outside + "'", "disabled by configuration"},
		{"create table", "CREATE TABLE t AS SELECT 1", "CREATE"},
		{"attach", "ATTACH '" + outside + ".duckdb' AS x", "ATTACH"},
		{"install", "INSTALL httpfs", "INSTALL/LOAD"},
		{"load", "LOAD httpfs", "INSTALL/LOAD"},
		{"set", "SET enable_external_access = true", "SET"},
		{"explain analyze copy", "EXPLAIN ANALYZE COPY (SELECT 1) TO '" + table + "' (FORMAT csv)", "EXPLAIN"},
		{"two statements", "SELECT 1; COPY (SELECT 1) TO '" + table + "' (FORMAT csv)", "one SQL statement"},
		{"pragma", "PRAGMA enable_profiling", "PRAGMA"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, env, "query", "--sql", c.sql)
			if code != ExitUsage || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d, want %d with %q; stdout %q stderr %q", code, ExitUsage, c.want, out, errOut)
			}
		})
	}
	if got := fileSum(t, table); got != before {
		t.Fatal("a published table file changed")
	}
	for _, p := range []string{outside, outside + ".csv", outside + ".duckdb"} {
		if _, err := os.Stat(p); err == nil {
			t.Fatalf("%s was written", p)
		}
	}
	// Reads still work, including the --format parquet output outside the store.
	code, out, errOut := runCLI(t, env, "query", "--format", "csv", "--sql", "SELECT count(*) AS n, sum(id) AS s FROM Thing -- trailing comment")
	if code != 0 || out != "n,s\n5,10\n" {
		t.Fatalf("select: %d %q %q", code, out, errOut)
	}
	pq := filepath.Join(t.TempDir(), "r.parquet")
	if code, _, errOut = runCLI(t, env, "query", "--format", "parquet", "--out", pq, "--sql", "FROM Thing -- c"); code != 0 {
		t.Fatalf("parquet out: %s", errOut)
	}
	if code, out, _ = runCLI(t, env, "check"); code != 0 || !strings.Contains(out, ": OK") {
		t.Fatalf("check after refused writes: %d %q", code, out)
	}
}

// Defect 2 of issue 12: output paths inside the store are refused (also
// through a symlink); published files are read-only.
func TestOutputInsideStoreRefused(t *testing.T) {
	dir, table := securityStore(t)
	env := map[string]string{"CCC_STORE": dir}
	before := fileSum(t, table)
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(filepath.Dir(table), link); err != nil {
		t.Fatal(err)
	}
	viaLink := filepath.Join(link, filepath.Base(table))
	dotdot := link + "/../" + filepath.Base(table) // ".." after the link: tables/Thing/<file>, inside the store
	for _, out := range []string{table, viaLink, dotdot, filepath.Join(dir, "new.csv"), filepath.Join(dir, "versions", "000001.json")} {
		for _, args := range [][]string{
			{"query", "--sql", "SELECT 'gone' AS x", "--format", "csv", "--out", out},
			{"query", "--sql", "SELECT 'gone' AS x", "--format", "parquet", "--out", out},
			{"export", "--class", "Thing", "--format", "csv", out},
			{"export", "--class", "Thing", "--format", "parquet", out},
		} {
			code, _, errOut := runCLI(t, env, args...)
			if code != ExitUsage || !strings.Contains(errOut, "inside the store") {
				t.Fatalf("%v: exit %d %q", args, code, errOut)
			}
		}
	}
	// Every command's own output flags (--out, --png, --report, ...) too.
	for _, args := range [][]string{
		{"synapses", "query", "--pre", "1", "--out", table},
		{"synapses", "matrix", "--neurons", "1,2", "--png", filepath.Join(dir, "m.png")},
		{"atlas", "depths", "--png", viaLink},
		{"ingest", "--class", "DataSet", "--dataset", "d", "--report", filepath.Join(dir, "versions", "r.json"), "x.csv"},
		{"projections", "matrix", "export", "m", "--out", dotdot},
	} {
		code, _, errOut := runCLI(t, env, args...)
		if code != ExitUsage || !strings.Contains(errOut, "inside the store") {
			t.Fatalf("%v: exit %d %q", args, code, errOut)
		}
	}
	if fileSum(t, table) != before {
		t.Fatal("published table changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "new.csv")); err == nil {
		t.Fatal("new.csv written into the store")
	}
	// Hard link of a store file outside the store: refused too.
	hl := filepath.Join(t.TempDir(), "hard.parquet")
	if err := os.Link(table, hl); err == nil {
		if code, _, errOut := runCLI(t, env, "export", "--class", "Thing", "--format", "csv", hl); code != ExitUsage || !strings.Contains(errOut, "hard links") {
			t.Fatalf("hard link: %d %q", code, errOut)
		}
	}
	// Published files are read-only (for every user, root aside).
	for _, p := range []string{table, filepath.Join(dir, "versions", "000001.json"), filepath.Join(dir, store.CatalogFile)} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o222 != 0 {
			t.Fatalf("%s is writable: %v", p, st.Mode())
		}
	}
	// A changed file is named by check with the fix.
	os.Chmod(table, 0o644)
	os.WriteFile(table, []byte("gone\n"), 0o644)
	code, out, _ := runCLI(t, env, "check")
	rel, _ := filepath.Rel(dir, table)
	if code != ExitInvalid || !strings.Contains(out, "PROBLEM "+rel) || !strings.Contains(out, "fix: restore "+rel+" from a backup") {
		t.Fatalf("check of a clobbered file: %d %q", code, out)
	}
}

// Defect 3 of issue 12: a class name that would be a path is refused by
// ingest before anything is written, inside or outside the store.
func TestIngestRefusesPathClassName(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b", "c", "st")
	if code, _, errOut := runCLI(t, nil, "init", dir); code != 0 {
		t.Fatalf("init: %s", errOut)
	}
	env := map[string]string{"CCC_STORE": dir}
	schema := filepath.Join(root, "evil.yaml")
	os.WriteFile(schema, []byte("id: https://example.org/e\nname: e\nimports: [linkml:types]\nclasses:\n  '../../../../elsewhere/x':\n    attributes:\n      id:\n        identifier: true\n"), 0o644)
	data := filepath.Join(root, "x.csv")
	os.WriteFile(data, []byte("id\nz1\nz2\n"), 0o644)
	code, out, errOut := runCLI(t, env, "ingest", "--schema", schema, "--class", "../../../../elsewhere/x", "--dataset", "d", data)
	if code != ExitUsage || !strings.Contains(errOut+out, "invalid class name") {
		t.Fatalf("ingest with a path class: %d %q %q", code, out, errOut)
	}
	var written []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".parquet") {
			written = append(written, p)
		}
		return nil
	})
	if len(written) > 0 {
		t.Fatalf("parquet files written: %v", written)
	}
	if code, out, _ = runCLI(t, env, "versions"); code != 0 || !strings.Contains(out, "no versions yet") {
		t.Fatalf("versions: %d %q", code, out)
	}
}
