package store

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// GCOptions tune GC.
type GCOptions struct {
	DryRun bool          // list what would be removed, remove nothing
	Wait   time.Duration // how long to wait for the writer lock
}

// GCReport lists what GC removed (or would remove).
type GCReport struct {
	Removed []string `json:"removed"` // paths relative to the store root
	Bytes   int64    `json:"bytes"`
	DryRun  bool     `json:"dry_run"`
}

var versionedName = regexp.MustCompile(`^v[0-9]{6}-[0-9a-f]{12}(\.parquet)?$`)

// GC removes what no version references: staging directories of crashed
// writers, table files and artifact directories moved into place by a
// commit that never published its manifest, and temporary manifests. It
// takes the writer lock, so it never races a commit.
func (s *Store) GC(ctx context.Context, o GCOptions) (*GCReport, error) {
	lk, err := acquireLock(ctx, s.dir, waitFor(ctx, o.Wait))
	if err != nil {
		return nil, err
	}
	defer lk.release()
	tables := map[string]bool{}
	arts := map[string]bool{}
	nums, err := s.listVersionNumbers()
	if err != nil {
		return nil, err
	}
	for _, n := range nums {
		v, err := s.loadVersion(n)
		if err != nil {
			return nil, fmt.Errorf("store: gc refuses to run while a manifest is unreadable (run 'ccc check'): %w", err)
		}
		for _, st := range v.Datasets {
			for _, t := range st.Tables {
				tables[t.File] = true
			}
			for _, a := range st.Artifacts {
				arts[a.RelDir] = true
			}
		}
	}
	g, err := s.garbageSet(tables, arts)
	if err != nil {
		return nil, err
	}
	r := &GCReport{Removed: []string{}, DryRun: o.DryRun}
	for _, rel := range g {
		p := filepath.Join(s.dir, filepath.FromSlash(rel))
		r.Bytes += duSize(p)
		r.Removed = append(r.Removed, rel)
		if !o.DryRun {
			if err := os.RemoveAll(p); err != nil {
				return r, fmt.Errorf("store: gc: %w", err)
			}
		}
	}
	if !o.DryRun {
		removeEmptyDirs(filepath.Join(s.dir, "tables"))
		removeEmptyDirs(filepath.Join(s.dir, "artifacts"))
	}
	return r, nil
}

// unpublished lists (relative, slash-separated) the table files and
// artifact directories named for a version above the latest published one,
// and the temporary manifests: what a commit killed after moving its files
// into place left behind. Only meaningful under the writer lock (or to
// tell a live writer's files apart).
func (s *Store) unpublished() []string {
	latest, err := s.Latest()
	if err != nil {
		return nil
	}
	var out []string
	if ents, err := os.ReadDir(filepath.Join(s.dir, "versions")); err == nil {
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".tmp-") {
				out = append(out, "versions/"+e.Name())
			}
		}
	}
	for _, top := range []string{"tables", "artifacts"} {
		_ = filepath.WalkDir(filepath.Join(s.dir, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if n, ok := versionOfName(d.Name()); ok {
				if n > latest {
					r, _ := filepath.Rel(s.dir, p)
					out = append(out, filepath.ToSlash(r))
				}
				if d.IsDir() {
					return filepath.SkipDir
				}
			}
			return nil
		})
	}
	sort.Strings(out)
	return out
}

// versionOfName returns n for a file or directory named v<n>-<sha12>[.parquet].
func versionOfName(name string) (int, bool) {
	if !versionedName.MatchString(name) {
		return 0, false
	}
	n, err := strconv.Atoi(name[1:7])
	return n, err == nil
}

// removeUnpublished removes what unpublished lists; the caller holds the
// writer lock.
func (s *Store) removeUnpublished() {
	for _, rel := range s.unpublished() {
		_ = os.RemoveAll(filepath.Join(s.dir, filepath.FromSlash(rel)))
	}
}

// garbageSet lists unreferenced paths (relative, slash-separated).
func (s *Store) garbageSet(tables, arts map[string]bool) ([]string, error) {
	var out []string
	rel := func(p string) string {
		r, _ := filepath.Rel(s.dir, p)
		return filepath.ToSlash(r)
	}
	if ents, err := os.ReadDir(filepath.Join(s.dir, "tmp")); err == nil {
		for _, e := range ents {
			out = append(out, "tmp/"+e.Name())
		}
	}
	if ents, err := os.ReadDir(filepath.Join(s.dir, "versions")); err == nil {
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".tmp-") {
				out = append(out, "versions/"+e.Name())
			}
		}
	}
	if ents, err := os.ReadDir(s.dir); err == nil {
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".tmp-") {
				out = append(out, e.Name())
			}
		}
	}
	err := filepath.WalkDir(filepath.Join(s.dir, "tables"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if !d.IsDir() && !tables[rel(p)] {
			out = append(out, rel(p))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = filepath.WalkDir(filepath.Join(s.dir, "artifacts"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if d.IsDir() && versionedName.MatchString(d.Name()) {
			if !arts[rel(p)] {
				out = append(out, rel(p))
			}
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(out)
	return out, nil
}

func duSize(p string) int64 {
	var n int64
	_ = filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// removeEmptyDirs removes empty directories below root (not root itself).
func removeEmptyDirs(root string) {
	var dirs []string
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && p != root {
			dirs = append(dirs, p)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		_ = os.Remove(dirs[i]) // fails (harmlessly) when not empty
	}
}
