package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // DuckDB driver "duckdb"

	"github.com/ccc-connectivity/ccc"
)

// markerFile identifies a store directory.
const markerFile = "ccc-store.json"

// StoreFormat is the on-disk layout version written to ccc-store.json.
const StoreFormat = 1

// Store is an open store directory. It is safe for concurrent use by
// several goroutines; writes are serialized by the writer lock across
// processes.
type Store struct {
	dir string

	mu    sync.Mutex
	cache map[int]*Version // immutable manifests by number
	meta  *sql.DB          // in-memory DuckDB for Parquet metadata
	warn  io.Writer        // where warnings go (default os.Stderr)
}

// SetWarnings sets where the store writes warnings about work that
// succeeded but left something to repair (e.g. a catalog that could not be
// rebuilt after a commit). The default is os.Stderr; nil discards them.
func (s *Store) SetWarnings(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w == nil {
		w = io.Discard
	}
	s.warn = w
}

// warnf writes one warning line.
func (s *Store) warnf(format string, args ...any) {
	s.mu.Lock()
	w := s.warn
	s.mu.Unlock()
	if w == nil {
		w = os.Stderr
	}
	fmt.Fprintf(w, "warning: "+format+"\n", args...)
}

type marker struct {
	Format     string    `json:"format"`
	Version    int       `json:"format_version"`
	Created    time.Time `json:"created"`
	CCCVersion string    `json:"ccc_version"`
}

// Init creates a store in dir (creating dir if needed). On an existing store
// it only opens it.
func Init(dir string) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(abs, markerFile)); err == nil {
		return Open(abs)
	}
	if st, err := os.Stat(abs); err == nil && st.IsDir() {
		ents, _ := os.ReadDir(abs)
		if len(ents) > 0 {
			return nil, &ccc.Error{Op: "init store", Path: abs, Row: -1, Msg: "directory exists, is not empty and is not a ccc store", Kind: ccc.ErrUsage, Hint: "choose an empty or new directory"}
		}
	}
	for _, sub := range []string{"", "versions", "tables", "artifacts", "tmp"} {
		if err := mkdirAll(filepath.Join(abs, sub)); err != nil {
			return nil, fmt.Errorf("store: init: %w", err)
		}
	}
	b, _ := json.MarshalIndent(marker{Format: "ccc-store", Version: StoreFormat, Created: time.Now().UTC(), CCCVersion: ccc.Version}, "", "  ")
	if err := writeFileAtomic(filepath.Join(abs, markerFile), append(b, '\n')); err != nil {
		return nil, fmt.Errorf("store: init: %w", err)
	}
	s, err := Open(abs)
	if err != nil {
		return nil, err
	}
	if err := s.rebuildCatalog(nil); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Open opens an existing store. It returns an error wrapping
// ccc.ErrNotFound when dir is not a store.
func Open(dir string) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(abs, markerFile))
	if err != nil {
		return nil, &ccc.Error{Op: "open store", Path: abs, Row: -1, Msg: "not a ccc store", Kind: ccc.ErrNotFound,
			Hint: fmt.Sprintf("run 'ccc init %s' (or pass --store DIR / set CCC_STORE)", dir)}
	}
	var m marker
	if err := json.Unmarshal(b, &m); err != nil || m.Format != "ccc-store" {
		return nil, &ccc.Error{Op: "open store", Path: filepath.Join(abs, markerFile), Row: -1, Msg: "malformed store marker", Kind: ccc.ErrFormat, Err: err}
	}
	if m.Version > StoreFormat {
		return nil, &ccc.Error{Op: "open store", Path: abs, Row: -1, Msg: fmt.Sprintf("store format %d is newer than this ccc understands (%d)", m.Version, StoreFormat), Kind: ccc.ErrFormat, Hint: "upgrade ccc"}
	}
	for _, sub := range []string{"versions", "tables", "artifacts", "tmp"} {
		if err := mkdirAll(filepath.Join(abs, sub)); err != nil {
			return nil, fmt.Errorf("store: open: %w", err)
		}
	}
	return &Store{dir: abs, cache: map[int]*Version{}}, nil
}

// Dir returns the store's absolute directory.
func (s *Store) Dir() string { return s.dir }

// Close releases the store's resources. Open transactions are not affected.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.meta != nil {
		err := s.meta.Close()
		s.meta = nil
		return err
	}
	return nil
}

// metaDB returns the store's in-memory DuckDB used for Parquet metadata.
func (s *Store) metaDB() (*sql.DB, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.meta != nil {
		return s.meta, nil
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("store: open duckdb: %w", err)
	}
	s.meta = db
	return db, nil
}
