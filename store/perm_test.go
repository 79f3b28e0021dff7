package store

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// Defect 9 of issue 12: one permission model under any umask; nothing is
// world-writable, manifests and tables have the same read-only mode.
func TestPermissionModelUnderUmask(t *testing.T) {
	for _, c := range []struct {
		umask      int
		file, dir  os.FileMode
		lock, tmpd os.FileMode
	}{
		{0o000, 0o444, 0o775, 0o664, 0o770},
		{0o002, 0o444, 0o775, 0o664, 0o770},
		{0o022, 0o444, 0o755, 0o644, 0o750},
		{0o077, 0o400, 0o700, 0o600, 0o700},
	} {
		t.Run(fmtMode(os.FileMode(c.umask)), func(t *testing.T) {
			old := syscall.Umask(c.umask)
			defer syscall.Umask(old)
			s, err := Init(filepath.Join(t.TempDir(), "st"))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			tx, err := s.Begin(context.Background(), TxOptions{Dataset: "d"})
			if err != nil {
				t.Fatal(err)
			}
			if st, _ := os.Stat(tx.StagingDir()); st.Mode().Perm() != c.tmpd {
				t.Errorf("staging dir %v, want %v", st.Mode().Perm(), c.tmpd)
			}
			writeParquet(t, tx.TablePath("Thing"), 3, 0)
			ad, _ := tx.ArtifactDir("vol/25um")
			os.WriteFile(filepath.Join(ad, "data.bin"), []byte("abc"), 0o666)
			os.MkdirAll(filepath.Join(ad, "sub"), 0o777)
			os.WriteFile(filepath.Join(ad, "sub", "x"), []byte("x"), 0o666)
			v, err := tx.Commit()
			if err != nil {
				t.Fatal(err)
			}
			a := v.Datasets["d"].Artifacts["vol/25um"]
			files := []string{v.Datasets["d"].Tables["Thing"].Path, filepath.Join(s.Dir(), "versions", "000001.json"),
				filepath.Join(s.Dir(), markerFile), filepath.Join(s.Dir(), CatalogFile), filepath.Join(a.Dir, "data.bin"), filepath.Join(a.Dir, "sub", "x")}
			for _, p := range files {
				st, err := os.Stat(p)
				if err != nil {
					t.Fatal(err)
				}
				if st.Mode().Perm() != c.file {
					t.Errorf("%s: %v, want %v", p, st.Mode().Perm(), c.file)
				}
			}
			for _, p := range []string{s.Dir(), filepath.Join(s.Dir(), "versions"), filepath.Dir(v.Datasets["d"].Tables["Thing"].Path), a.Dir, filepath.Join(a.Dir, "sub")} {
				st, _ := os.Stat(p)
				if st.Mode().Perm() != c.dir {
					t.Errorf("dir %s: %v, want %v", p, st.Mode().Perm(), c.dir)
				}
			}
			if st, _ := os.Stat(filepath.Join(s.Dir(), "lock")); st.Mode().Perm() != c.lock {
				t.Errorf("lock: %v, want %v", st.Mode().Perm(), c.lock)
			}
			// Everything is readable again through a fresh Open (another lab member's read).
			s2, err := Open(s.Dir())
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			if r, err := s2.Check(context.Background(), CheckOptions{}); err != nil || !r.OK() {
				t.Fatalf("check: %+v %v", r, err)
			}
		})
	}
}

func fmtMode(m os.FileMode) string { return "umask" + strings.TrimPrefix(m.String(), "-") }

// Defect 10: files moved into place by a killed commit are removed by the
// next writer, not only by gc; a live writer's staging is not a leftover.
func TestNextWriterCleansKilledCommitAndCheckDuringWrite(t *testing.T) {
	s, _ := Init(t.TempDir())
	defer s.Close()
	ctx := context.Background()
	commitTable(t, s, "a", "Thing", 3, 0)
	dead := []string{
		filepath.Join(s.Dir(), "tables", "Thing", "a", "v000002-0123456789ab.parquet"),
		filepath.Join(s.Dir(), "artifacts", "a", "vol", "v000002-0123456789ab", "f"),
		filepath.Join(s.Dir(), "versions", ".tmp-000002.json-42"),
	}
	for _, p := range dead {
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("dead"), 0o644)
	}
	old := filepath.Join(s.Dir(), "tables", "Thing", "a", "v000001-ffffffffffff.parquet") // not above latest: gc's job
	os.WriteFile(old, []byte("x"), 0o644)

	tx, err := s.Begin(ctx, TxOptions{Dataset: "a"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range dead {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s survived the next writer's Begin", p)
		}
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), "artifacts", "a", "vol", "v000002-0123456789ab")); !os.IsNotExist(err) {
		t.Error("artifact dir of the killed commit survived")
	}
	if _, err := os.Stat(old); err != nil {
		t.Error("Begin removed a file below the latest version")
	}
	// Check while this writer is live: its staging is not a leftover.
	writeParquet(t, tx.TablePath("Thing"), 2, 0)
	r, err := s.Check(ctx, CheckOptions{NoRepair: true})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(r.Notes, "\n")
	if !r.OK() || !strings.Contains(notes, "a write is in progress") || strings.Contains(notes, "removes them): tmp/") || strings.Contains(notes, ", tmp/") {
		t.Fatalf("check during a write: %+v", r)
	}
	if !strings.Contains(notes, "1 leftover") || !strings.Contains(notes, "v000001-ffffffffffff") {
		t.Fatalf("the real leftover is not reported: %q", notes)
	}
	if _, err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// Defect 10: a catalog rebuild that fails after a commit is a warning.
func TestCatalogRebuildFailureWarns(t *testing.T) {
	s, _ := Init(t.TempDir())
	defer s.Close()
	var w bytes.Buffer
	s.SetWarnings(&w)
	tx, err := s.Begin(context.Background(), TxOptions{Dataset: "a"})
	if err != nil {
		t.Fatal(err)
	}
	writeParquet(t, tx.TablePath("Thing"), 3, 0)
	// A directory where the catalog's temporary file goes makes the rebuild fail.
	blk := filepath.Join(s.Dir(), "tmp", "catalog-"+strconv.Itoa(os.Getpid())+".duckdb")
	os.MkdirAll(filepath.Join(blk, "x"), 0o755)
	v, err := tx.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if v.Number != 1 || !strings.Contains(w.String(), "warning: version 1 is published, but catalog.duckdb could not be rebuilt") {
		t.Fatalf("warning: %q", w.String())
	}
	os.RemoveAll(blk)
}
