package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc/store"
)

// storeTestCommitRows writes a table of n rows to the store through the store API.
func storeTestCommitRows(t *testing.T, dir, dataset, class string, n int) store.Version {
	t.Helper()
	s, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tx, err := s.Begin(context.Background(), store.TxOptions{Dataset: dataset, Message: "rows for " + class})
	if err != nil {
		t.Fatal(err)
	}
	db, _ := sql.Open("duckdb", "")
	defer db.Close()
	if _, err := db.Exec(`COPY (SELECT range AS id FROM range(?)) TO '`+tx.TablePath(class)+`' (FORMAT parquet)`, n); err != nil {
		t.Fatal(err)
	}
	v, err := tx.Commit()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestStoreCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "st")
	env := map[string]string{"CCC_STORE": dir}

	code, out, errOut := runCLI(t, env, "versions")
	if code != 2 || !strings.Contains(errOut, "ccc init") {
		t.Fatalf("versions without store: %d %q", code, errOut)
	}
	code, out, _ = runCLI(t, env, "init")
	if code != 0 || !strings.Contains(out, "initialized empty ccc store") {
		t.Fatalf("init: %d %q", code, out)
	}
	code, out, _ = runCLI(t, nil, "init", dir)
	if code != 0 || !strings.Contains(out, "already exists (latest version 0)") {
		t.Fatalf("re-init: %d %q", code, out)
	}
	code, out, _ = runCLI(t, env, "versions")
	if code != 0 || !strings.Contains(out, "no versions yet") {
		t.Fatalf("versions empty: %d %q", code, out)
	}

	v1 := storeTestCommitRows(t, dir, "a", "Thing", 12)
	storeTestCommitRows(t, dir, "b", "Thing", 3)
	storeTestCommitRows(t, dir, "a", "Other", 5)

	// Reads as of a version or a time.
	code, out, errOut = runCLI(t, env, "query", "--format", "csv", "--timestamp", v1.Time.Format(time.RFC3339Nano), "SELECT count(*) AS n FROM Thing")
	if code != 0 || out != "n\n12\n" {
		t.Fatalf("query --timestamp: %d %q %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, env, "query", "--format", "csv", "--version", "2", "SELECT count(*) AS n FROM Thing")
	if code != 0 || out != "n\n15\n" {
		t.Fatalf("query --version 2: %d %q", code, out)
	}
	if code, _, _ = runCLI(t, env, "query", "--version", "2", "--timestamp", "2020-01-01", "SELECT 1"); code != 2 {
		t.Fatalf("both --version and --timestamp: %d", code)
	}
	if code, _, errOut = runCLI(t, env, "query", "--timestamp", "2000-01-01", "SELECT 1"); code != 2 || !strings.Contains(errOut, "no version committed at or before") {
		t.Fatalf("timestamp before the first version: %d %s", code, errOut)
	}

	code, out, _ = runCLI(t, env, "versions")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 4 || !strings.HasPrefix(lines[1], "1 ") || !strings.Contains(lines[1], "Thing (12 rows)") || !strings.Contains(lines[3], "Other (5 rows)") {
		t.Fatalf("versions:\n%s", out)
	}
	code, out, _ = runCLI(t, env, "versions", "--dataset", "a", "--format", "json")
	var sums []versionSummary
	if code != 0 || json.Unmarshal([]byte(out), &sums) != nil || len(sums) != 2 || sums[1].Version != 3 || sums[1].Tables["Thing"] != 12 || sums[1].Tables["Other"] != 5 {
		t.Fatalf("versions json: %d %s", code, out)
	}
	if code, _, errOut = runCLI(t, env, "versions", "--format", "xml"); code != 2 {
		t.Fatalf("bad format: %d %s", code, errOut)
	}

	code, out, _ = runCLI(t, env, "check")
	if code != 0 || !strings.Contains(out, "3 version(s), latest 3, 3 table file(s) and 0 artifact(s) verified: OK") {
		t.Fatalf("check: %d %q", code, out)
	}
	// A leftover staging dir: check stays clean (note), gc removes it.
	os.MkdirAll(filepath.Join(dir, "tmp", "crashed"), 0o755)
	os.WriteFile(filepath.Join(dir, "tmp", "crashed", "x"), []byte("abc"), 0o644)
	code, out, _ = runCLI(t, env, "check")
	if code != 0 || !strings.Contains(out, "note: 1 leftover") {
		t.Fatalf("check with leftovers: %d %q", code, out)
	}
	code, out, _ = runCLI(t, env, "gc", "--dry-run")
	if code != 0 || !strings.Contains(out, "would remove tmp/crashed") {
		t.Fatalf("gc dry run: %d %q", code, out)
	}
	code, out, _ = runCLI(t, env, "gc")
	if code != 0 || !strings.Contains(out, "removed tmp/crashed\ngc: removed 1 item(s)") {
		t.Fatalf("gc: %d %q", code, out)
	}
	// Damage a table file: check exits 1 naming it.
	s, _ := store.Open(dir)
	sn, _ := s.Snapshot(store.Ref{})
	tb, _ := sn.Table("b", "Thing")
	s.Close()
	os.Remove(tb.Path)
	code, out, _ = runCLI(t, env, "check")
	if code != 1 || !strings.Contains(out, "PROBLEM "+tb.File+" (version 2): table file missing") {
		t.Fatalf("check damaged: %d %q", code, out)
	}
}
