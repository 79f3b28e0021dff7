package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// CheckOptions tune Check.
type CheckOptions struct {
	// Quick skips the checksums (files present, sizes and row counts only).
	Quick bool
	// NoRepair leaves a stale catalog.duckdb as it is (by default Check
	// rebuilds it when no writer is active: it is derived data).
	NoRepair bool
	// Progress, when set, is called after each file verified.
	Progress func(done, total int)
}

// Problem is one inconsistency found by Check.
type Problem struct {
	Version int    `json:"version"` // first version referencing the file (0: store-wide)
	Path    string `json:"path"`    // relative to the store root
	Msg     string `json:"message"`
	Hint    string `json:"hint,omitempty"` // what to do, naming the file
}

func (p Problem) String() string {
	s := p.Path + ": " + p.Msg
	if p.Version > 0 {
		s = fmt.Sprintf("%s (version %d): %s", p.Path, p.Version, p.Msg)
	}
	if p.Hint != "" {
		s += " (fix: " + p.Hint + ")"
	}
	return s
}

// restoreHint is the advice for a published file that is missing or
// differs from its manifest.
func restoreHint(rel, sum string) string {
	return fmt.Sprintf("restore %s from a backup or another copy of the store (sha256 %s); ccc never rewrites a published file, so something outside ccc changed it", rel, short(sum))
}

// CheckReport is the result of Check. The store is healthy when Problems
// is empty; Notes are informational (leftovers GC would remove, a rebuilt
// catalog).
type CheckReport struct {
	Versions  int       `json:"versions"`
	Latest    int       `json:"latest"`
	Tables    int       `json:"tables"`    // distinct table files verified
	Artifacts int       `json:"artifacts"` // distinct artifact directories verified
	Rows      int64     `json:"rows"`      // rows of the latest version
	Problems  []Problem `json:"problems"`
	Notes     []string  `json:"notes"`
}

// OK reports whether no problem was found.
func (r *CheckReport) OK() bool { return len(r.Problems) == 0 }

// Check verifies the store: every manifest parses, every file a version
// references exists with the recorded size, SHA-256 and Parquet row count,
// every artifact directory matches its tree hash. It also reports (as
// notes) leftovers of crashed writers and rebuilds a stale catalog.
func (s *Store) Check(ctx context.Context, o CheckOptions) (*CheckReport, error) {
	r := &CheckReport{Problems: []Problem{}, Notes: []string{}}
	ents, err := os.ReadDir(filepath.Join(s.dir, "versions"))
	if err != nil {
		return nil, fmt.Errorf("store: check: %w", err)
	}
	type tref struct {
		t *TableInfo
		v int
	}
	type aref struct {
		a *ArtifactInfo
		v int
	}
	tables := map[string]tref{}
	arts := map[string]aref{}
	var nums []int
	for _, e := range ents {
		n, ok := parseVersionFile(e.Name())
		if !ok {
			if strings.HasPrefix(e.Name(), ".tmp-") {
				r.Notes = append(r.Notes, "versions/"+e.Name()+": unpublished manifest of a crashed writer (ccc gc removes it)")
			} else {
				r.Problems = append(r.Problems, Problem{Path: "versions/" + e.Name(), Msg: "unexpected file in versions/"})
			}
			continue
		}
		v, err := s.loadVersion(n)
		if err != nil {
			r.Problems = append(r.Problems, Problem{Version: n, Path: "versions/" + e.Name(), Msg: err.Error()})
			continue
		}
		nums = append(nums, n)
		for _, st := range v.Datasets {
			for _, t := range st.Tables {
				if _, ok := tables[t.File]; !ok {
					tables[t.File] = tref{t, n}
				}
			}
			for _, a := range st.Artifacts {
				if _, ok := arts[a.RelDir]; !ok {
					arts[a.RelDir] = aref{a, n}
				}
			}
		}
	}
	sort.Ints(nums)
	r.Versions = len(nums)
	for i, n := range nums {
		if n != i+1 {
			r.Notes = append(r.Notes, fmt.Sprintf("version numbers are not contiguous (%d follows %d)", n, nums[max(i-1, 0)]))
			break
		}
	}
	if len(nums) > 0 {
		r.Latest = nums[len(nums)-1]
		if v, err := s.loadVersion(r.Latest); err == nil {
			for _, st := range v.Datasets {
				for _, t := range st.Tables {
					r.Rows += t.Rows
				}
			}
		}
	}
	total, done := len(tables)+len(arts), 0
	var writable []string // published files still writable (stores written before files were sealed)
	for _, file := range sortedKeys(tables) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		t, v := tables[file].t, tables[file].v
		r.Tables++
		if msg := s.checkTable(ctx, t, o.Quick); msg != "" {
			r.Problems = append(r.Problems, Problem{Version: v, Path: file, Msg: msg, Hint: restoreHint(file, t.SHA256)})
		} else if fi, err := os.Stat(t.Path); err == nil && fi.Mode().Perm()&0o222 != 0 {
			writable = append(writable, file)
		}
		done++
		if o.Progress != nil {
			o.Progress(done, total)
		}
	}
	for _, dir := range sortedKeys(arts) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		a, v := arts[dir].a, arts[dir].v
		r.Artifacts++
		st, err := os.Stat(a.Dir)
		switch {
		case err != nil:
			r.Problems = append(r.Problems, Problem{Version: v, Path: dir, Msg: "artifact directory missing", Hint: restoreHint(dir, a.SHA256)})
		case !st.IsDir():
			r.Problems = append(r.Problems, Problem{Version: v, Path: dir, Msg: "artifact is not a directory", Hint: restoreHint(dir, a.SHA256)})
		case !o.Quick:
			sum, files, size, err := treeHash(a.Dir, false)
			if err != nil {
				r.Problems = append(r.Problems, Problem{Version: v, Path: dir, Msg: "unreadable: " + err.Error(), Hint: restoreHint(dir, a.SHA256)})
			} else if sum != a.SHA256 || files != a.Files || size != a.Bytes {
				r.Problems = append(r.Problems, Problem{Version: v, Path: dir, Msg: fmt.Sprintf("content changed: %d files, %d bytes, tree sha256 %s; manifest says %d files, %d bytes, %s", files, size, sum[:12], a.Files, a.Bytes, short(a.SHA256)), Hint: restoreHint(dir, a.SHA256)})
			}
		}
		done++
		if o.Progress != nil {
			o.Progress(done, total)
		}
	}

	if len(writable) > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%d published table file(s) are writable (written before ccc sealed files read-only): chmod a-w %s", len(writable), strings.Join(firstN(writable, 5), " ")))
	}

	// Leftovers (not problems: the previous version is intact).
	ts, as := map[string]bool{}, map[string]bool{}
	for k := range tables {
		ts[k] = true
	}
	for k := range arts {
		as[k] = true
	}
	g, err := s.garbageSet(ts, as)
	if holder, busy := s.Holder(); busy && err == nil {
		// A live writer's staging directory and the files it is moving
		// into place are not leftovers.
		live := map[string]bool{}
		for _, p := range s.unpublished() {
			live[p] = true
		}
		kept := g[:0]
		for _, p := range g {
			if !live[p] && !strings.HasPrefix(p, "tmp/") {
				kept = append(kept, p)
			}
		}
		g = kept
		r.Notes = append(r.Notes, "a write is in progress ("+holder.String()+"): its staging files under tmp/ are not leftovers")
	}
	if err == nil && len(g) > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%d leftover file(s)/dir(s) of interrupted writes, not part of any version (ccc gc removes them): %s", len(g), strings.Join(firstN(g, 5), ", ")))
	}

	// The catalog is derived: rebuild it when stale.
	if cv := s.catalogVersion(ctx); cv != r.Latest {
		what := fmt.Sprintf("catalog.duckdb describes version %d, latest is %d", cv, r.Latest)
		if cv < 0 {
			what = "catalog.duckdb is missing or unreadable"
		}
		if o.NoRepair {
			r.Notes = append(r.Notes, what+" (not rebuilt)")
		} else if lk, err := acquireLock(ctx, s.dir, 0); errors.Is(err, ccc.ErrLocked) {
			r.Notes = append(r.Notes, what+" (a writer is active; it rebuilds the catalog on commit)")
		} else if err != nil {
			r.Notes = append(r.Notes, what+" (not rebuilt: "+err.Error()+")")
		} else {
			err := s.rebuildCatalog(nil)
			lk.release()
			if err != nil {
				r.Problems = append(r.Problems, Problem{Path: CatalogFile, Msg: what + "; rebuild failed: " + err.Error()})
			} else {
				r.Notes = append(r.Notes, what+": rebuilt")
			}
		}
	}
	return r, nil
}

func (s *Store) checkTable(ctx context.Context, t *TableInfo, quick bool) string {
	st, err := os.Stat(t.Path)
	if err != nil {
		return "table file missing"
	}
	if st.Size() != t.Bytes {
		return fmt.Sprintf("size %d bytes, manifest says %d", st.Size(), t.Bytes)
	}
	rows, _, err := s.parquetInfo(ctx, t.Path)
	if err != nil {
		return "unreadable Parquet: " + err.Error()
	}
	if rows != t.Rows {
		return fmt.Sprintf("%d rows, manifest says %d", rows, t.Rows)
	}
	if !quick {
		sum, _, err := sha256File(t.Path)
		if err != nil {
			return "unreadable: " + err.Error()
		}
		if sum != t.SHA256 {
			return fmt.Sprintf("sha256 %s, manifest says %s", short(sum), short(t.SHA256))
		}
	}
	return ""
}

func short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

func firstN(xs []string, n int) []string {
	if len(xs) <= n {
		return xs
	}
	return append(append([]string(nil), xs[:n]...), fmt.Sprintf("... %d more", len(xs)-n))
}
