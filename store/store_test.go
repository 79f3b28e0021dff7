package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc"
)

// writeParquet writes n rows (id 0..n-1, name 'r<id>', x = id*0.5) to path
// with DuckDB.
func writeParquet(t testing.TB, path string, n int, offset int) {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := fmt.Sprintf(`COPY (SELECT (range + %d)::BIGINT AS id, 'r' || (range + %d) AS name, (range + %d) * 0.5 AS x FROM range(%d)) TO %s (FORMAT parquet)`,
		offset, offset, offset, n, QuoteString(path))
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
}

func commitTable(t *testing.T, s *Store, dataset, class string, n, offset int) Version {
	t.Helper()
	tx, err := s.Begin(context.Background(), TxOptions{Dataset: dataset, Message: "test " + class})
	if err != nil {
		t.Fatal(err)
	}
	writeParquet(t, tx.TablePath(class), n, offset)
	v, err := tx.Commit()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func count(t *testing.T, db *sql.DB, q string) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestOpenNotAStore(t *testing.T) {
	_, err := Open(t.TempDir())
	if !errors.Is(err, ccc.ErrNotFound) || !strings.Contains(err.Error(), "ccc init") {
		t.Fatalf("want ErrNotFound with init hint, got %v", err)
	}
	d := t.TempDir()
	os.WriteFile(filepath.Join(d, "x"), []byte("x"), 0o644)
	if _, err := Init(d); !errors.Is(err, ccc.ErrUsage) {
		t.Fatalf("init on non-empty dir: want ErrUsage, got %v", err)
	}
}

func TestInitIdempotent(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "st")
	s, err := Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	commitTable(t, s, "a", "Thing", 10, 0)
	s.Close()
	s2, err := Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	vs, err := s2.Versions("")
	if err != nil || len(vs) != 1 {
		t.Fatalf("versions after re-init: %d, %v", len(vs), err)
	}
}

func TestCommitVersionsAndSnapshots(t *testing.T) {
	s, err := Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()

	in := filepath.Join(t.TempDir(), "input.csv")
	os.WriteFile(in, []byte("id\n1\n"), 0o644)
	tx, err := s.Begin(ctx, TxOptions{Dataset: "a", Message: "first", SourceURI: "file://" + in, Inputs: []string{in}, Params: map[string]any{"k": "v"}, SchemaVersion: "1.0"})
	if err != nil {
		t.Fatal(err)
	}
	writeParquet(t, tx.TablePath("Thing"), 1000, 0)
	tx.SetMeta("resolution_um", 25)
	v1, err := tx.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if v1.Number != 1 || v1.Dataset != "a" || v1.Message != "first" || v1.CCCVersion != ccc.Version || v1.SchemaVersion != "1.0" {
		t.Fatalf("v1 = %+v", v1)
	}
	wantIn := sha256.Sum256([]byte("id\n1\n"))
	if len(v1.Inputs) != 1 || v1.Inputs[0].SHA256 != hex.EncodeToString(wantIn[:]) || v1.Inputs[0].Bytes != 5 {
		t.Fatalf("inputs %+v", v1.Inputs)
	}
	t1 := v1.Datasets["a"].Tables["Thing"]
	if t1.Rows != 1000 || len(t1.SHA256) != 64 || t1.Version != 1 {
		t.Fatalf("table %+v", t1)
	}
	if sum, _, _ := sha256File(t1.Path); sum != t1.SHA256 {
		t.Fatalf("sha mismatch %s vs %s", sum, t1.SHA256)
	}
	if len(t1.Columns) != 3 || t1.Columns[0].Name != "id" || t1.Columns[0].Type != "BIGINT" {
		t.Fatalf("columns %+v", t1.Columns)
	}

	v2 := commitTable(t, s, "b", "Thing", 250, 5000)
	if v2.Number != 2 || v2.Parent != 1 {
		t.Fatalf("v2 number %d parent %d", v2.Number, v2.Parent)
	}
	// a's table carried over by reference.
	if v2.Datasets["a"].Tables["Thing"].File != t1.File {
		t.Fatalf("carried-over table changed file")
	}
	v3 := commitTable(t, s, "a", "Thing", 10, 0) // replace a's table
	if v3.Number != 3 {
		t.Fatal(v3.Number)
	}

	for _, tc := range []struct {
		ref       Ref
		aRows     int64
		total     int64
		datasets  int
		wantError bool
	}{
		{Ref{}, 10, 260, 2, false},
		{Ref{Version: 1}, 1000, 1000, 1, false},
		{Ref{Version: 2}, 1000, 1250, 2, false},
		{Ref{Version: 3}, 10, 260, 2, false},
		{Ref{Time: v2.Time}, 1000, 1250, 2, false},
		{Ref{Version: 9}, 0, 0, 0, true},
		{Ref{Time: v1.Time.Add(-time.Hour)}, 0, 0, 0, true},
	} {
		t.Run(tc.ref.String(), func(t *testing.T) {
			sn, err := s.Snapshot(tc.ref)
			if tc.wantError {
				if !errors.Is(err, ccc.ErrNotFound) {
					t.Fatalf("want ErrNotFound, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ta, err := sn.Table("a", "Thing")
			if err != nil || ta.Rows != tc.aRows {
				t.Fatalf("a rows %d (%v), want %d", ta.Rows, err, tc.aRows)
			}
			if got := len(sn.Tables("Thing")); got != tc.datasets {
				t.Fatalf("tables across datasets %d want %d", got, tc.datasets)
			}
			db, err := s.DB(ctx, tc.ref)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if n := count(t, db, `SELECT count(*) FROM "Thing"`); n != tc.total {
				t.Fatalf("view rows %d want %d", n, tc.total)
			}
			if n := count(t, db, `SELECT count(*) FROM "Thing" WHERE dataset = 'a'`); n != tc.aRows {
				t.Fatalf("view rows of a %d want %d", n, tc.aRows)
			}
		})
	}
	sn, _ := s.Snapshot(Ref{})
	if m := sn.Meta("a"); m["resolution_um"] != float64(25) {
		t.Fatalf("meta %v", m)
	}
	if _, err := sn.Table("a", "Nope"); !errors.Is(err, ccc.ErrNotFound) {
		t.Fatalf("missing table: %v", err)
	}
	va, _ := s.Versions("a")
	vb, _ := s.Versions("b")
	all, _ := s.Versions("")
	if len(va) != 2 || len(vb) != 1 || len(all) != 3 {
		t.Fatalf("versions a=%d b=%d all=%d", len(va), len(vb), len(all))
	}
	// The catalog file describes the latest version.
	if n := s.catalogVersion(ctx); n != 3 {
		t.Fatalf("catalog version %d", n)
	}
	cat, err := sql.Open("duckdb", filepath.Join(s.Dir(), CatalogFile)+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	if n := count(t, cat, `SELECT count(*) FROM "Thing"`); n != 260 {
		t.Fatalf("catalog view rows %d", n)
	}
	if n := count(t, cat, `SELECT updated_version FROM ccc_datasets WHERE dataset = 'a'`); n != 3 {
		t.Fatalf("ccc_datasets: a updated at %d", n)
	}
}

func TestRollbackAndFailedCommitLeaveNothing(t *testing.T) {
	s, _ := Init(t.TempDir())
	defer s.Close()
	commitTable(t, s, "a", "Thing", 5, 0)
	ctx := context.Background()

	tx, _ := s.Begin(ctx, TxOptions{Dataset: "a"})
	writeParquet(t, tx.TablePath("Thing"), 7, 0)
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(); !errors.Is(err, ErrTxDone) {
		t.Fatalf("commit after rollback: %v", err)
	}

	tx, _ = s.Begin(ctx, TxOptions{Dataset: "a"})
	writeParquet(t, tx.TablePath("Thing"), 7, 0)
	tx.TablePath("Other") // never written
	if _, err := tx.Commit(); !errors.Is(err, ErrNotStaged) {
		t.Fatalf("want ErrNotStaged, got %v", err)
	}

	tx, _ = s.Begin(ctx, TxOptions{Dataset: "a"})
	os.WriteFile(tx.TablePath("Thing"), []byte("not parquet"), 0o644)
	if _, err := tx.Commit(); !errors.Is(err, ccc.ErrFormat) {
		t.Fatalf("want ErrFormat, got %v", err)
	}

	vs, _ := s.Versions("")
	if len(vs) != 1 {
		t.Fatalf("versions after failures: %d", len(vs))
	}
	sn, _ := s.Snapshot(Ref{})
	if tb, _ := sn.Table("a", "Thing"); tb.Rows != 5 {
		t.Fatalf("rows %d", tb.Rows)
	}
	ents, _ := os.ReadDir(filepath.Join(s.Dir(), "tmp"))
	if len(ents) != 0 {
		t.Fatalf("tmp not clean: %v", ents)
	}
	files, _ := filepath.Glob(filepath.Join(s.Dir(), "tables", "Thing", "a", "*.parquet"))
	if len(files) != 1 {
		t.Fatalf("table files %v", files)
	}
	if _, err := s.Begin(ctx, TxOptions{Dataset: "bad/name"}); !errors.Is(err, ccc.ErrUsage) {
		t.Fatalf("bad dataset: %v", err)
	}
}

func TestDropAndArtifacts(t *testing.T) {
	s, _ := Init(t.TempDir())
	defer s.Close()
	ctx := context.Background()
	tx, _ := s.Begin(ctx, TxOptions{Dataset: "atlas"})
	writeParquet(t, tx.TablePath("BrainRegion"), 3, 0)
	d, err := tx.ArtifactDir("annotation/25um")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(d, "zarr.json"), []byte(`{"shape":[2]}`), 0o644)
	os.MkdirAll(filepath.Join(d, "c"), 0o755)
	os.WriteFile(filepath.Join(d, "c", "0"), []byte{1, 2, 3, 4}, 0o644)
	v, err := tx.Commit()
	if err != nil {
		t.Fatal(err)
	}
	a := v.Datasets["atlas"].Artifacts["annotation/25um"]
	if a.Files != 2 || a.Bytes != int64(len(`{"shape":[2]}`)+4) {
		t.Fatalf("artifact %+v", a)
	}
	sn, _ := s.Snapshot(Ref{})
	ai, err := sn.Artifact("atlas", "annotation/25um")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(ai.Dir, "c", "0")); err != nil || len(b) != 4 {
		t.Fatalf("artifact content %v %v", b, err)
	}
	if _, err := tx.ArtifactDir("x"); !errors.Is(err, ErrTxDone) {
		t.Fatalf("artifact after commit: %v", err)
	}

	tx, _ = s.Begin(ctx, TxOptions{Dataset: "atlas"})
	tx.DropTable("BrainRegion")
	v2, err := tx.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if len(v2.Datasets["atlas"].Tables) != 0 || len(v2.Datasets["atlas"].Artifacts) != 1 || v2.Changed.DroppedTables[0] != "BrainRegion" {
		t.Fatalf("after drop: %+v", v2.Datasets["atlas"])
	}
}

func TestWriterLock(t *testing.T) {
	s, _ := Init(t.TempDir())
	defer s.Close()
	ctx := context.Background()
	tx, err := s.Begin(ctx, TxOptions{Dataset: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if h, held := s.Holder(); !held || h.PID != os.Getpid() {
		t.Fatalf("holder %+v %v", h, held)
	}
	_, err = s.Begin(ctx, TxOptions{Dataset: "b"})
	if !errors.Is(err, ccc.ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
		t.Fatalf("second writer: want ErrLocked naming pid, got %v", err)
	}
	// A waiting writer gets the lock once the first commits; nothing is lost.
	var wg sync.WaitGroup
	var v2 Version
	var err2 error
	wg.Add(1)
	go func() {
		defer wg.Done()
		tx2, err := s.Begin(ctx, TxOptions{Dataset: "b", Wait: 10 * time.Second})
		if err != nil {
			err2 = err
			return
		}
		writeParquet(t, tx2.TablePath("Thing"), 20, 0)
		v2, err2 = tx2.Commit()
	}()
	time.Sleep(200 * time.Millisecond)
	writeParquet(t, tx.TablePath("Thing"), 10, 0)
	v1, err := tx.Commit()
	if err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if err2 != nil {
		t.Fatal(err2)
	}
	if v1.Number != 1 || v2.Number != 2 {
		t.Fatalf("versions %d %d", v1.Number, v2.Number)
	}
	sn, _ := s.Snapshot(Ref{})
	a, _ := sn.Table("a", "Thing")
	b, _ := sn.Table("b", "Thing")
	if a.Rows != 10 || b.Rows != 20 {
		t.Fatalf("rows a=%d b=%d", a.Rows, b.Rows)
	}
	if _, held := s.Holder(); held {
		t.Fatal("lock still held")
	}
}

func TestLeftoversCleanedByNextWriter(t *testing.T) {
	s, _ := Init(t.TempDir())
	defer s.Close()
	commitTable(t, s, "a", "Thing", 4, 0)
	// Simulate a writer killed mid-commit: staging dir left, and a moved but
	// unpublished table file of version 2.
	stale := filepath.Join(s.Dir(), "tmp", "dead-tx")
	os.MkdirAll(filepath.Join(stale, "tables"), 0o755)
	os.WriteFile(filepath.Join(stale, "tables", "Thing.parquet"), []byte("partial"), 0o644)
	v := commitTable(t, s, "a", "Thing", 6, 0)
	if v.Number != 2 {
		t.Fatal(v.Number)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("stale staging dir survived: %v", err)
	}
}

// ExampleStore shows a write and a read: stage a Parquet table with DuckDB,
// commit, then query the class view.
func ExampleStore() {
	dir, _ := os.MkdirTemp("", "ccc-store-example")
	defer os.RemoveAll(dir)
	s, _ := Init(dir)
	defer s.Close()

	ctx := context.Background()
	tx, _ := s.Begin(ctx, TxOptions{Dataset: "demo", Message: "three regions"})
	w, _ := sql.Open("duckdb", "")
	w.Exec(`COPY (SELECT * FROM (VALUES (997, 'root'), (8, 'grey'), (567, 'CH')) t(id, acronym)) TO ` + QuoteString(tx.TablePath("BrainRegion")) + ` (FORMAT parquet)`)
	w.Close()
	v, err := tx.Commit()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("version", v.Number, "rows", v.Datasets["demo"].Tables["BrainRegion"].Rows)

	db, _ := s.DB(ctx, Ref{})
	defer db.Close()
	var ds, acr string
	db.QueryRow(`SELECT dataset, acronym FROM BrainRegion WHERE id = 8`).Scan(&ds, &acr)
	fmt.Println(ds, acr)
	// Output:
	// version 1 rows 3
	// demo grey
}

func TestViewsWithDifferingColumnTypes(t *testing.T) {
	s, _ := Init(t.TempDir())
	defer s.Close()
	ctx := context.Background()
	for _, c := range []struct{ ds, sel string }{
		{"a", "SELECT 1::BIGINT AS id, 'x' AS name, 'a-own' AS dataset"},
		{"b", "SELECT 'r2' AS id, 2.5 AS extra"},
	} {
		tx, _ := s.Begin(ctx, TxOptions{Dataset: c.ds})
		w, _ := sql.Open("duckdb", "")
		if _, err := w.Exec("COPY (" + c.sel + ") TO " + QuoteString(tx.TablePath("Thing")) + " (FORMAT parquet)"); err != nil {
			t.Fatal(err)
		}
		w.Close()
		if _, err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	db, err := s.DB(ctx, Ref{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ids string
	if err := db.QueryRow(`SELECT string_agg(store_dataset || ':' || id || ':' || coalesce(name, '-') || ':' || coalesce(dataset, '-'), ',' ORDER BY store_dataset) FROM Thing`).Scan(&ids); err != nil {
		t.Fatal(err)
	}
	if ids != "a:1:x:a-own,b:r2:-:-" {
		t.Fatal(ids)
	}
}

// TestReadersDuringWrites reads the latest version over and over while
// versions are committed: every read sees a complete version.
func TestReadersDuringWrites(t *testing.T) {
	s, _ := Init(t.TempDir())
	defer s.Close()
	ctx := context.Background()
	commitTable(t, s, "a", "Thing", 100, 0)
	done := make(chan struct{})
	errs := make(chan error, 1)
	go func() {
		defer close(errs)
		for {
			select {
			case <-done:
				return
			default:
			}
			sn, err := s.Snapshot(Ref{})
			if err != nil {
				errs <- err
				return
			}
			db, err := sn.DB(ctx)
			if err != nil {
				errs <- err
				return
			}
			var n int64
			err = db.QueryRow(`SELECT count(*) FROM Thing`).Scan(&n)
			db.Close()
			// Version k holds 100*k rows of dataset a.
			if err != nil || n != int64(100*sn.Number()) {
				errs <- fmt.Errorf("version %d: %d rows (%v)", sn.Number(), n, err)
				return
			}
		}
	}()
	for k := 2; k <= 8; k++ {
		commitTable(t, s, "a", "Thing", 100*k, 0)
	}
	close(done)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
}

func TestValidNameAndTablePathStayInStaging(t *testing.T) {
	for _, c := range []struct {
		kind, name string
		ok         bool
	}{
		{NameClass, "BrainRegion", true}, {NameClass, "../x", false}, {NameClass, "a/b", false}, {NameClass, "1a", false},
		{NameDataset, "allen-ccf-2017", true}, {NameDataset, "..", false}, {NameDataset, "a..b", false}, {NameDataset, "a/b", false}, {NameDataset, "", false},
		{NameArtifact, "annotation/25um", true}, {NameArtifact, "annotation/../x", false}, {NameArtifact, "/abs", false}, {NameArtifact, "a//b", false},
		{NameMatrix, "m.v1", true}, {NameMatrix, "m/../../x", false}, {NameVolume, ".hidden", false},
	} {
		if err := ValidName(c.kind, c.name); (err == nil) != c.ok {
			t.Errorf("ValidName(%s, %q) = %v", c.kind, c.name, err)
		}
	}
	s, _ := Init(t.TempDir())
	defer s.Close()
	tx, err := s.Begin(context.Background(), TxOptions{Dataset: "d"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := tx.Table("../../../../elsewhere/x")
	if err == nil || !strings.HasPrefix(p, tx.StagingDir()+string(os.PathSeparator)) {
		t.Fatalf("Table of a path class: %q %v", p, err)
	}
	if p := tx.TablePath("../x"); !strings.HasPrefix(p, tx.StagingDir()+string(os.PathSeparator)) {
		t.Fatalf("TablePath of a path class: %q", p)
	}
	if _, err := tx.Commit(); !errors.Is(err, ccc.ErrUsage) {
		t.Fatalf("commit after a bad class: %v", err)
	}
	if n, _ := s.Latest(); n != 0 {
		t.Fatalf("version %d published", n)
	}
}

func TestManifestPathOutsideStoreRefused(t *testing.T) {
	s, _ := Init(t.TempDir())
	defer s.Close()
	commitTable(t, s, "a", "Thing", 3, 0)
	p := filepath.Join(s.Dir(), "versions", "000001.json")
	b, _ := os.ReadFile(p)
	var m map[string]any
	json.Unmarshal(b, &m)
	m["datasets"].(map[string]any)["a"].(map[string]any)["tables"].(map[string]any)["Thing"].(map[string]any)["file"] = "tables/../../../etc/passwd"
	b, _ = json.Marshal(m)
	os.Chmod(p, 0o644)
	os.WriteFile(p, b, 0o644)
	s2, _ := Open(s.Dir())
	defer s2.Close()
	if _, err := s2.Snapshot(Ref{}); !errors.Is(err, ccc.ErrFormat) || !strings.Contains(err.Error(), "outside tables/") {
		t.Fatalf("manifest naming /etc/passwd: %v", err)
	}
}
