package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/ccc-connectivity/ccc"
)

// Ref selects a version: Version > 0 picks that number, else a non-zero
// Time picks the last version committed at or before it, else the latest.
type Ref struct {
	Version int
	Time    time.Time
}

// IsLatest reports whether r is the zero Ref.
func (r Ref) IsLatest() bool { return r.Version <= 0 && r.Time.IsZero() }

func (r Ref) String() string {
	switch {
	case r.Version > 0:
		return fmt.Sprintf("version %d", r.Version)
	case !r.Time.IsZero():
		return "at " + r.Time.UTC().Format(time.RFC3339)
	}
	return "latest"
}

// latest returns the latest version, or nil for an empty store.
func (s *Store) latest() (*Version, error) {
	nums, err := s.listVersionNumbers()
	if err != nil || len(nums) == 0 {
		return nil, err
	}
	return s.loadVersion(nums[len(nums)-1])
}

// Latest returns the latest version number (0 for an empty store).
func (s *Store) Latest() (int, error) {
	nums, err := s.listVersionNumbers()
	if err != nil || len(nums) == 0 {
		return 0, err
	}
	return nums[len(nums)-1], nil
}

// Versions lists the versions written to dataset ("" = all), oldest first.
func (s *Store) Versions(dataset string) ([]Version, error) {
	nums, err := s.listVersionNumbers()
	if err != nil {
		return nil, err
	}
	var out []Version
	for _, n := range nums {
		v, err := s.loadVersion(n)
		if err != nil {
			return nil, err
		}
		if dataset == "" || v.Dataset == dataset {
			out = append(out, *v)
		}
	}
	return out, nil
}

// Snapshot is the read-only state of the store at one version.
type Snapshot struct {
	s *Store
	v *Version // nil for an empty store
}

// Snapshot resolves ref. An empty store gives an empty snapshot (version 0)
// for the latest ref and ccc.ErrNotFound for any other.
func (s *Store) Snapshot(ref Ref) (*Snapshot, error) {
	nums, err := s.listVersionNumbers()
	if err != nil {
		return nil, err
	}
	switch {
	case ref.Version > 0:
		v, err := s.loadVersion(ref.Version)
		if err != nil {
			return nil, err
		}
		return &Snapshot{s, v}, nil
	case !ref.Time.IsZero():
		// Versions are numbered in commit order, so times ascend.
		var best *Version
		for _, n := range nums {
			v, err := s.loadVersion(n)
			if err != nil {
				return nil, err
			}
			if v.Time.After(ref.Time) {
				break
			}
			best = v
		}
		if best == nil {
			return nil, &ccc.Error{Op: "open snapshot", Path: s.dir, Row: -1, Msg: fmt.Sprintf("no version committed at or before %s", ref.Time.UTC().Format(time.RFC3339)), Kind: ccc.ErrNotFound, Hint: "list versions with 'ccc versions'"}
		}
		return &Snapshot{s, best}, nil
	}
	if len(nums) == 0 {
		return &Snapshot{s: s}, nil
	}
	v, err := s.loadVersion(nums[len(nums)-1])
	if err != nil {
		return nil, err
	}
	return &Snapshot{s, v}, nil
}

// Version returns the snapshot's manifest (Number 0 for an empty store).
func (sn *Snapshot) Version() Version {
	if sn.v == nil {
		return Version{}
	}
	return *sn.v
}

// Number returns the snapshot's version number (0 for an empty store).
func (sn *Snapshot) Number() int {
	if sn.v == nil {
		return 0
	}
	return sn.v.Number
}

// Datasets lists the datasets in the snapshot.
func (sn *Snapshot) Datasets() []string {
	if sn.v == nil {
		return nil
	}
	return sortedKeys(sn.v.Datasets)
}

// Classes lists the classes that have a table in some dataset.
func (sn *Snapshot) Classes() []string {
	set := map[string]bool{}
	if sn.v != nil {
		for _, st := range sn.v.Datasets {
			for c := range st.Tables {
				set[c] = true
			}
		}
	}
	return sortedKeys(set)
}

// Table returns the table of class in dataset; ccc.ErrNotFound when absent.
func (sn *Snapshot) Table(dataset, class string) (TableInfo, error) {
	if st := sn.v.datasetState(dataset); st != nil {
		if t, ok := st.Tables[class]; ok {
			return *t, nil
		}
	}
	return TableInfo{}, &ccc.Error{Op: "open table", Path: sn.s.dir, Row: -1, Msg: fmt.Sprintf("no %s table in dataset %q at version %d", class, dataset, sn.Number()), Kind: ccc.ErrNotFound,
		Hint: "see 'ccc versions' for what the store holds"}
}

// Tables returns the tables of class across datasets, sorted by dataset.
func (sn *Snapshot) Tables(class string) []TableInfo {
	var out []TableInfo
	if sn.v == nil {
		return nil
	}
	for _, ds := range sortedKeys(sn.v.Datasets) {
		if t, ok := sn.v.Datasets[ds].Tables[class]; ok {
			out = append(out, *t)
		}
	}
	return out
}

// AllTables returns every table of the snapshot, sorted by dataset, class.
func (sn *Snapshot) AllTables() []TableInfo {
	var out []TableInfo
	if sn.v == nil {
		return nil
	}
	for _, ds := range sortedKeys(sn.v.Datasets) {
		st := sn.v.Datasets[ds]
		for _, c := range sortedKeys(st.Tables) {
			out = append(out, *st.Tables[c])
		}
	}
	return out
}

// Artifact returns an artifact of dataset; ccc.ErrNotFound when absent.
func (sn *Snapshot) Artifact(dataset, name string) (ArtifactInfo, error) {
	if st := sn.v.datasetState(dataset); st != nil {
		if a, ok := st.Artifacts[name]; ok {
			return *a, nil
		}
	}
	return ArtifactInfo{}, &ccc.Error{Op: "open artifact", Path: sn.s.dir, Row: -1, Msg: fmt.Sprintf("no artifact %q in dataset %q at version %d", name, dataset, sn.Number()), Kind: ccc.ErrNotFound,
		Hint: "see 'ccc versions' for what the store holds"}
}

// Artifacts returns the artifacts of dataset sorted by name.
func (sn *Snapshot) Artifacts(dataset string) []ArtifactInfo {
	st := sn.v.datasetState(dataset)
	if st == nil {
		return nil
	}
	var out []ArtifactInfo
	for _, n := range sortedKeys(st.Artifacts) {
		out = append(out, *st.Artifacts[n])
	}
	return out
}

// Meta returns a copy of the dataset's metadata (nil when absent).
func (sn *Snapshot) Meta(dataset string) map[string]any {
	st := sn.v.datasetState(dataset)
	if st == nil {
		return nil
	}
	out := make(map[string]any, len(st.Meta))
	for k, v := range st.Meta {
		out[k] = v
	}
	return out
}

// DB opens an in-memory DuckDB database with one view per class over the
// snapshot ref selects: the union over datasets (by column name) with a
// leading "dataset" column; plus ccc_tables (dataset, class, path, rows,
// sha256, version) and ccc_version. The caller closes it.
func (s *Store) DB(ctx context.Context, ref Ref) (*sql.DB, error) {
	sn, err := s.Snapshot(ref)
	if err != nil {
		return nil, err
	}
	return sn.DB(ctx)
}

// DB opens an in-memory DuckDB database with the snapshot's views (see
// Store.DB).
func (sn *Snapshot) DB(ctx context.Context) (*sql.DB, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("store: open duckdb: %w", err)
	}
	for _, q := range viewStatements(sn.v) {
		if _, err := db.ExecContext(ctx, q); err != nil {
			db.Close()
			return nil, fmt.Errorf("store: create views: %w", err)
		}
	}
	return db, nil
}

// ReadOnlyDB is DB locked down for user SQL: the views work, but no other
// file can be read (DuckDB enable_external_access = false with only the
// snapshot's files allowed; the configuration is locked), except the extra
// paths given (e.g. an output file for COPY ... TO), which must lie outside
// the store. DuckDB's allowed paths permit writes as well as reads, so user
// SQL must pass CheckSelect before it runs on this database.
func (s *Store) ReadOnlyDB(ctx context.Context, ref Ref, writable ...string) (*sql.DB, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	sn, err := s.Snapshot(ref)
	if err != nil {
		return nil, err
	}
	db, err := sn.DB(ctx)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, t := range sn.AllTables() {
		paths = append(paths, QuoteString(t.Path))
	}
	for _, w := range writable {
		if _, err := s.CheckOutput(w); err != nil {
			db.Close()
			return nil, err
		}
		paths = append(paths, QuoteString(w))
	}
	db.SetMaxOpenConns(1) // settings below are per database, but keep one session for clarity
	for _, q := range []string{
		"SET allowed_paths = [" + strings.Join(paths, ", ") + "]",
		"SET enable_external_access = false",
		"SET lock_configuration = true",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			db.Close()
			return nil, fmt.Errorf("store: lock down query database: %w", err)
		}
	}
	return db, nil
}
