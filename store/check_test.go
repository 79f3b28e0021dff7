package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
)

func TestCheckAndGC(t *testing.T) {
	s, _ := Init(t.TempDir())
	defer s.Close()
	ctx := context.Background()
	commitTable(t, s, "a", "Thing", 100, 0)
	v2 := commitTable(t, s, "a", "Thing", 50, 0)
	commitTable(t, s, "b", "Other", 7, 0)

	r, err := s.Check(ctx, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Versions != 3 || r.Latest != 3 || r.Tables != 3 || r.Rows != 57 || len(r.Notes) != 0 {
		t.Fatalf("healthy store: %+v", r)
	}

	// Leftovers of a killed writer are notes, not problems; gc removes them.
	os.MkdirAll(filepath.Join(s.Dir(), "tmp", "dead", "tables"), 0o755)
	os.WriteFile(filepath.Join(s.Dir(), "tmp", "dead", "tables", "Thing.parquet"), []byte("xx"), 0o644)
	orphan := filepath.Join(s.Dir(), "tables", "Thing", "a", "v000004-0123456789ab.parquet")
	os.WriteFile(orphan, []byte("orphan"), 0o644)
	os.Remove(filepath.Join(s.Dir(), CatalogFile))
	r, _ = s.Check(ctx, CheckOptions{})
	if !r.OK() || len(r.Notes) != 2 || !strings.Contains(r.Notes[0], "2 leftover") || !strings.Contains(r.Notes[1], "rebuilt") {
		t.Fatalf("leftovers: %+v", r)
	}
	if s.catalogVersion(ctx) != 3 {
		t.Fatal("catalog not rebuilt")
	}
	g, err := s.GC(ctx, GCOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"tables/Thing/a/v000004-0123456789ab.parquet", "tmp/dead"}
	if strings.Join(g.Removed, ",") != strings.Join(want, ",") || g.Bytes != 8 {
		t.Fatalf("gc dry run: %+v", g)
	}
	if _, err := os.Stat(orphan); err != nil {
		t.Fatal("dry run removed a file")
	}
	if g, _ = s.GC(ctx, GCOptions{}); len(g.Removed) != 2 {
		t.Fatalf("gc: %+v", g)
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Fatal("orphan survived gc")
	}
	if r, _ = s.Check(ctx, CheckOptions{}); !r.OK() || len(r.Notes) != 0 {
		t.Fatalf("after gc: %+v", r)
	}
	// Old versions' files are referenced: gc keeps them.
	sn, _ := s.Snapshot(Ref{Version: 1})
	t1, _ := sn.Table("a", "Thing")
	if _, err := os.Stat(t1.Path); err != nil {
		t.Fatal("gc removed a file of version 1")
	}

	// Damage: a changed file and a missing file are problems naming them.
	f2 := v2.Datasets["a"].Tables["Thing"]
	b, _ := os.ReadFile(f2.Path)
	b[len(b)/2] ^= 0xff
	os.WriteFile(f2.Path, b, 0o644)
	os.Remove(t1.Path)
	r, _ = s.Check(ctx, CheckOptions{})
	if r.OK() || len(r.Problems) != 2 {
		t.Fatalf("damaged: %+v", r)
	}
	got := r.Problems[0].String() + "\n" + r.Problems[1].String()
	if !strings.Contains(got, t1.File+" (version 1): table file missing") || !strings.Contains(got, f2.File+" (version 2): ") {
		t.Fatalf("problems:\n%s", got)
	}
	// Quick mode still sees the missing file.
	if r, _ = s.Check(ctx, CheckOptions{Quick: true}); len(r.Problems) < 1 {
		t.Fatalf("quick: %+v", r)
	}
}

func TestCheckArtifactsAndReadOnlyDB(t *testing.T) {
	s, _ := Init(t.TempDir())
	defer s.Close()
	ctx := context.Background()
	tx, _ := s.Begin(ctx, TxOptions{Dataset: "atlas"})
	d, _ := tx.ArtifactDir("annotation/25um")
	os.WriteFile(filepath.Join(d, "0.0.0"), []byte("chunk"), 0o644)
	writeParquet(t, tx.TablePath("BrainRegion"), 4, 0)
	v, err := tx.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Check(ctx, CheckOptions{}); !r.OK() || r.Artifacts != 1 {
		t.Fatalf("%+v", r)
	}
	a := v.Datasets["atlas"].Artifacts["annotation/25um"]
	os.WriteFile(filepath.Join(a.Dir, "0.0.0"), []byte("CHUNK"), 0o644)
	r, _ := s.Check(ctx, CheckOptions{})
	if r.OK() || !strings.Contains(r.Problems[0].String(), a.RelDir+" (version 1): content changed") {
		t.Fatalf("%+v", r.Problems)
	}

	db, err := s.ReadOnlyDB(ctx, Ref{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := count(t, db, "SELECT count(*) FROM BrainRegion"); n != 4 {
		t.Fatal(n)
	}
	if _, err := db.Exec("COPY (SELECT 1) TO '" + filepath.Join(t.TempDir(), "x.csv") + "'"); err == nil {
		t.Fatal("read-only DB wrote a file")
	}
	if _, err := db.Exec("SET enable_external_access = true"); err == nil {
		t.Fatal("configuration not locked")
	}
}

func TestCorruptManifest(t *testing.T) {
	s, _ := Init(t.TempDir())
	defer s.Close()
	ctx := context.Background()
	commitTable(t, s, "a", "Thing", 3, 0)
	os.WriteFile(filepath.Join(s.Dir(), "versions", "000002.json"), []byte("{not json"), 0o644)
	s2, _ := Open(s.Dir())
	defer s2.Close()
	r, err := s2.Check(ctx, CheckOptions{NoRepair: true})
	if err != nil || r.OK() || !strings.Contains(r.Problems[0].String(), "versions/000002.json (version 2): ") || !strings.Contains(r.Problems[0].String(), "malformed manifest") {
		t.Fatalf("%v %+v", err, r)
	}
	if _, err := s2.Snapshot(Ref{}); !errors.Is(err, ccc.ErrFormat) {
		t.Fatalf("snapshot of a corrupt latest: %v", err)
	}
	if _, err := s2.GC(ctx, GCOptions{}); err == nil {
		t.Fatal("gc ran with an unreadable manifest")
	}
	if sn, err := s2.Snapshot(Ref{Version: 1}); err != nil || sn.Number() != 1 {
		t.Fatalf("version 1: %v", err)
	}
}
