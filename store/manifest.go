package store

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ccc-connectivity/ccc"
)

// ManifestFormat is the format version of the JSON manifests written by
// this package; readers refuse manifests with a newer one.
const ManifestFormat = 1

// Version is one store version: the full manifest published by one commit.
// Every version holds the complete state of every dataset; datasets not
// written by the commit are carried over unchanged (same files).
type Version struct {
	Format        int                      `json:"format"`
	Number        int                      `json:"version"`
	Parent        int                      `json:"parent"`
	Dataset       string                   `json:"dataset"` // the dataset the commit wrote
	Time          time.Time                `json:"time"`    // UTC commit time
	Message       string                   `json:"message,omitempty"`
	SourceURI     string                   `json:"source_uri,omitempty"`
	Inputs        []Input                  `json:"inputs,omitempty"`
	Params        map[string]any           `json:"params,omitempty"`
	CCCVersion    string                   `json:"ccc_version"`
	SchemaVersion string                   `json:"schema_version,omitempty"`
	Changed       Changes                  `json:"changed"`
	Datasets      map[string]*DatasetState `json:"datasets"`
}

// Input is one input file of a commit with its checksum.
type Input struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}

// Changes lists what a commit wrote or removed in its dataset.
type Changes struct {
	Tables           []string `json:"tables,omitempty"`
	Artifacts        []string `json:"artifacts,omitempty"`
	DroppedTables    []string `json:"dropped_tables,omitempty"`
	DroppedArtifacts []string `json:"dropped_artifacts,omitempty"`
	Meta             []string `json:"meta,omitempty"`
}

// DatasetState is one dataset within a version.
type DatasetState struct {
	Created   int                      `json:"created_version"`
	Updated   int                      `json:"updated_version"`
	Meta      map[string]any           `json:"meta,omitempty"`
	Tables    map[string]*TableInfo    `json:"tables,omitempty"`
	Artifacts map[string]*ArtifactInfo `json:"artifacts,omitempty"`
}

// TableInfo describes one class table of one dataset: an immutable Parquet
// file.
type TableInfo struct {
	Dataset string   `json:"-"`
	Class   string   `json:"-"`
	Path    string   `json:"-"`    // absolute path of the .parquet file
	File    string   `json:"file"` // path relative to the store root
	Rows    int64    `json:"rows"`
	Bytes   int64    `json:"bytes"`
	SHA256  string   `json:"sha256"`
	Version int      `json:"version"` // version that wrote the file
	Columns []Column `json:"columns,omitempty"`
}

// Column is one column of a table as DuckDB reads it from the Parquet file.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// ArtifactInfo describes one artifact directory of one dataset.
type ArtifactInfo struct {
	Dataset string `json:"-"`
	Name    string `json:"-"`
	Dir     string `json:"-"`   // absolute directory
	RelDir  string `json:"dir"` // relative to the store root
	Files   int    `json:"files"`
	Bytes   int64  `json:"bytes"`
	SHA256  string `json:"sha256"` // tree hash, see treeHash
	Version int    `json:"version"`
}

// datasetState returns the named dataset's state, nil when absent.
func (v *Version) datasetState(name string) *DatasetState {
	if v == nil || v.Datasets == nil {
		return nil
	}
	return v.Datasets[name]
}

// versionFile is the manifest file name of version n.
func versionFile(n int) string { return fmt.Sprintf("%06d.json", n) }

// parseVersionFile returns n for "000123.json".
func parseVersionFile(name string) (int, bool) {
	if !strings.HasSuffix(name, ".json") || len(name) < 6 {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(name, ".json"))
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

// listVersionNumbers returns the published version numbers, ascending.
func (s *Store) listVersionNumbers() ([]int, error) {
	ents, err := os.ReadDir(filepath.Join(s.dir, "versions"))
	if err != nil {
		return nil, fmt.Errorf("store: list versions: %w", err)
	}
	var ns []int
	for _, e := range ents {
		if n, ok := parseVersionFile(e.Name()); ok && !e.IsDir() {
			ns = append(ns, n)
		}
	}
	sort.Ints(ns)
	return ns, nil
}

// loadVersion reads (and caches: manifests are immutable) version n.
func (s *Store) loadVersion(n int) (*Version, error) {
	s.mu.Lock()
	v, ok := s.cache[n]
	s.mu.Unlock()
	if ok {
		return v, nil
	}
	p := filepath.Join(s.dir, "versions", versionFile(n))
	b, err := os.ReadFile(p)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, &ccc.Error{Op: "open version", Path: p, Row: -1, Msg: fmt.Sprintf("version %d does not exist", n), Kind: ccc.ErrNotFound, Hint: "list versions with 'ccc versions'"}
		}
		return nil, fmt.Errorf("store: read version %d: %w", n, err)
	}
	v = new(Version)
	if err := json.Unmarshal(b, v); err != nil {
		return nil, &ccc.Error{Op: "read manifest", Path: p, Row: -1, Msg: "malformed manifest", Kind: ccc.ErrFormat, Err: err}
	}
	if v.Format > ManifestFormat {
		return nil, &ccc.Error{Op: "read manifest", Path: p, Row: -1, Msg: fmt.Sprintf("manifest format %d is newer than this ccc understands (%d)", v.Format, ManifestFormat), Kind: ccc.ErrFormat, Hint: "upgrade ccc"}
	}
	if v.Number != n {
		return nil, &ccc.Error{Op: "read manifest", Path: p, Row: -1, Msg: fmt.Sprintf("manifest says version %d", v.Number), Kind: ccc.ErrFormat}
	}
	if err := checkManifestNames(v); err != nil {
		return nil, &ccc.Error{Op: "read manifest", Path: p, Row: -1, Msg: "malformed manifest: " + err.Error(), Kind: ccc.ErrFormat,
			Hint: "a manifest names a file outside the store or an invalid name; restore it from a backup ('ccc check' lists every problem)"}
	}
	s.fillPaths(v)
	s.mu.Lock()
	s.cache[n] = v
	s.mu.Unlock()
	return v, nil
}

// checkManifestNames refuses a manifest whose names or relative paths
// would lead outside the store (a hand-edited or corrupted manifest).
func checkManifestNames(v *Version) error {
	for ds, st := range v.Datasets {
		if st == nil {
			return fmt.Errorf("dataset %q has no state", ds)
		}
		if err := ValidDataset(ds); err != nil {
			return err
		}
		for cl, t := range st.Tables {
			if err := validClass(cl); err != nil {
				return err
			}
			if t == nil || !validRel(t.File, "tables") {
				return fmt.Errorf("table %s/%s: file path outside tables/", ds, cl)
			}
		}
		for name, a := range st.Artifacts {
			if err := validArtifact(name); err != nil {
				return err
			}
			if a == nil || !validRel(a.RelDir, "artifacts") {
				return fmt.Errorf("artifact %s/%s: directory outside artifacts/", ds, name)
			}
		}
	}
	return nil
}

// fillPaths sets the derived (non-JSON) fields of a manifest.
func (s *Store) fillPaths(v *Version) {
	if v.Datasets == nil {
		v.Datasets = map[string]*DatasetState{}
	}
	for ds, st := range v.Datasets {
		for cl, t := range st.Tables {
			t.Dataset, t.Class = ds, cl
			t.Path = filepath.Join(s.dir, filepath.FromSlash(t.File))
		}
		for name, a := range st.Artifacts {
			a.Dataset, a.Name = ds, name
			a.Dir = filepath.Join(s.dir, filepath.FromSlash(a.RelDir))
		}
	}
}

// cloneForNext returns a deep-enough copy of v to be the base of the next
// version: maps are copied, TableInfo/ArtifactInfo values are shared
// read-only (they are replaced, never mutated).
func cloneForNext(v *Version) map[string]*DatasetState {
	out := map[string]*DatasetState{}
	if v == nil {
		return out
	}
	for name, st := range v.Datasets {
		c := &DatasetState{Created: st.Created, Updated: st.Updated,
			Meta: map[string]any{}, Tables: map[string]*TableInfo{}, Artifacts: map[string]*ArtifactInfo{}}
		for k, x := range st.Meta {
			c.Meta[k] = x
		}
		for k, x := range st.Tables {
			c.Tables[k] = x
		}
		for k, x := range st.Artifacts {
			c.Artifacts[k] = x
		}
		out[name] = c
	}
	return out
}

// writeFileAtomic writes data to path via a temporary file, fsync and
// rename, then fsyncs the directory.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if err := f.Chmod(FileMode()); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(dir)
}

// publishManifest writes version n's manifest; it fails if it already
// exists (link(2) is atomic and refuses to overwrite). linked reports that
// the manifest is in place, i.e. the version is published, even when the
// directory sync after it failed (err != nil).
func publishManifest(dir string, v *Version) (linked bool, err error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return false, err
	}
	b = append(b, '\n')
	vdir := filepath.Join(dir, "versions")
	final := filepath.Join(vdir, versionFile(v.Number))
	f, err := os.CreateTemp(vdir, ".tmp-"+versionFile(v.Number)+"-*")
	if err != nil {
		return false, err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(FileMode()); err != nil { // same mode as the table files
		f.Close()
		return false, err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return false, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return false, err
	}
	if err := f.Close(); err != nil {
		return false, err
	}
	// Link instead of rename: never replace an existing manifest, even if
	// the lock were somehow bypassed.
	if err := os.Link(tmp, final); err != nil {
		if os.IsExist(err) {
			return false, fmt.Errorf("store: version %d already exists: %w", v.Number, ccc.ErrConflict)
		}
		return false, err
	}
	return true, syncManifestDir(vdir)
}

// syncManifestDir syncs the versions directory after a manifest is linked
// (a variable: tests make it fail).
var syncManifestDir = syncDir

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("store: fsync %s: %w", dir, err)
	}
	return nil
}
