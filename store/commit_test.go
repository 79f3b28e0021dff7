package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommitWithCallerDB: a commit that reads the staged footers and
// writes the catalog with the caller's DuckDB (UseDB) records the same
// rows, columns and checksums as the files hold, hashes its inputs, leaves
// the caller's database usable with nothing attached, and publishes a
// catalog an outside engine reads.
func TestCommitWithCallerDB(t *testing.T) {
	s, err := Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	in := filepath.Join(t.TempDir(), "input.txt")
	os.WriteFile(in, []byte("abc"), 0o644)
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for round, rows := range []int{7, 11} {
		tx, err := s.Begin(context.Background(), TxOptions{Dataset: "a", Inputs: []string{in}})
		if err != nil {
			t.Fatal(err)
		}
		tx.UseDB(db)
		writeParquet(t, tx.TablePath("Thing"), rows, 0)
		writeParquet(t, tx.TablePath("Other"), 2*rows, 0)
		v, err := tx.Commit()
		if err != nil {
			t.Fatal(err)
		}
		if v.Number != round+1 || len(v.Inputs) != 1 || v.Inputs[0].SHA256 != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" || v.Inputs[0].Bytes != 3 {
			t.Fatalf("version %d inputs %+v", v.Number, v.Inputs)
		}
		for class, want := range map[string]int64{"Thing": int64(rows), "Other": int64(2 * rows)} {
			ti := v.Datasets["a"].Tables[class]
			sum, size, err := sha256File(ti.Path)
			if err != nil {
				t.Fatal(err)
			}
			if ti.Rows != want || ti.SHA256 != sum || ti.Bytes != size || len(ti.Columns) != 3 || ti.Columns[0] != (Column{"id", "BIGINT"}) || ti.Columns[1] != (Column{"name", "VARCHAR"}) {
				t.Fatalf("%s: %+v (file sha256 %s, %d bytes)", class, ti, sum, size)
			}
		}
		if n := count(t, db, "SELECT count(*) FROM duckdb_databases() WHERE database_name LIKE 'ccc_catalog%'"); n != 0 {
			t.Fatalf("%d catalogs still attached to the caller's database", n)
		}
		cat, err := sql.Open("duckdb", filepath.Join(s.Dir(), CatalogFile)+"?access_mode=read_only")
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, cat, "SELECT version FROM ccc_version"); n != int64(v.Number) {
			t.Fatalf("catalog version %d, want %d", n, v.Number)
		}
		if n := count(t, cat, `SELECT count(*) FROM "Other"`); n != int64(2*rows) {
			t.Fatalf("catalog Other rows %d", n)
		}
		if n := count(t, cat, `SELECT sum(rows) FROM ccc_tables`); n != int64(3*rows) {
			t.Fatalf("ccc_tables rows %d", n)
		}
		cat.Close()
	}
	if ents, _ := os.ReadDir(filepath.Join(s.Dir(), "tmp")); len(ents) != 0 {
		t.Fatalf("left in tmp/: %v", ents)
	}
}

// TestLateCommitErrorKeepsPublishedFiles: when the manifest is linked but
// the step after it fails (here the versions directory's sync), the
// version is published: Commit reports the error, but the files the
// manifest names stay and the version reads back whole.
func TestLateCommitErrorKeepsPublishedFiles(t *testing.T) {
	s, err := Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tx, err := s.Begin(context.Background(), TxOptions{Dataset: "a"})
	if err != nil {
		t.Fatal(err)
	}
	writeParquet(t, tx.TablePath("Thing"), 5, 0)
	syncManifestDir = func(string) error { return errors.New("injected sync failure") }
	_, err = tx.Commit()
	syncManifestDir = syncDir
	if err == nil || !strings.Contains(err.Error(), "version 1 is published") {
		t.Fatalf("commit error %v, want one saying version 1 is published", err)
	}
	v, err := s.latest()
	if err != nil || v == nil || v.Number != 1 {
		t.Fatalf("latest %+v, %v", v, err)
	}
	ti := v.Datasets["a"].Tables["Thing"]
	if ti == nil {
		t.Fatal("table Thing missing from the published version")
	}
	sum, _, err := sha256File(ti.Path)
	if err != nil || sum != ti.SHA256 || ti.Rows != 5 {
		t.Fatalf("published file %s: sha256 %s (%v), manifest %s, rows %d", ti.Path, sum, err, ti.SHA256, ti.Rows)
	}
}
