package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/ccc-connectivity/ccc"
)

// TxOptions describe one write.
type TxOptions struct {
	Dataset   string         // dataset written (required)
	Message   string         // free text recorded in the version
	SourceURI string         // where the data came from
	Inputs    []string       // input files (or directories); their sha256 is recorded
	Params    map[string]any // parameters of the producing command (recorded as is)

	// SchemaVersion is the version of the schema the tables conform to.
	SchemaVersion string
	// Wait is how long Begin waits for another writer to finish; 0 takes
	// the wait of the context (WithWait), else fails at once with
	// ccc.ErrLocked.
	Wait time.Duration
}

// Tx is an open write transaction. It holds the store's writer lock from
// Begin until Commit or Rollback. Its methods are safe for concurrent use.
type Tx struct {
	s    *Store
	ctx  context.Context
	o    TxOptions
	id   string
	tmp  string
	lock *writerLock
	db   *sql.DB // DuckDB for the commit's reads and the catalog (nil: the store's)

	mu            sync.Mutex
	tables        map[string]bool
	artifacts     map[string]bool
	dropTables    map[string]bool
	dropArtifacts map[string]bool
	meta          map[string]any
	errs          []error
	done          bool
}

// Begin opens a write transaction on o.Dataset: it takes the writer lock
// (one writer at a time across processes), removes staging leftovers of
// crashed writers and creates a fresh staging directory.
func (s *Store) Begin(ctx context.Context, o TxOptions) (*Tx, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ValidDataset(o.Dataset); err != nil {
		return nil, err
	}
	o.Wait = waitFor(ctx, o.Wait)
	lock, err := acquireLock(ctx, s.dir, o.Wait)
	if err != nil {
		return nil, err
	}
	// We hold the lock: every staging directory, and every file moved
	// into place for a version that was never published, belongs to a
	// dead writer.
	if ents, err := os.ReadDir(filepath.Join(s.dir, "tmp")); err == nil {
		for _, e := range ents {
			_ = os.RemoveAll(filepath.Join(s.dir, "tmp", e.Name()))
		}
	}
	s.removeUnpublished()
	var rb [4]byte
	_, _ = rand.Read(rb[:])
	id := fmt.Sprintf("%s-%d-%s", time.Now().UTC().Format("20060102T150405"), os.Getpid(), hex.EncodeToString(rb[:]))
	tmp := filepath.Join(s.dir, "tmp", id)
	if err := mkdirAll(filepath.Join(tmp, "tables")); err != nil {
		lock.release()
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	if err := mkdirAll(filepath.Join(tmp, "artifacts")); err != nil {
		lock.release()
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	// Staging is private to the writer's user and group until Commit seals
	// the files (DuckDB creates them 0666 &^ umask).
	_ = os.Chmod(tmp, 0o770&^storeMask())
	return &Tx{s: s, ctx: ctx, o: o, id: id, tmp: tmp, lock: lock,
		tables: map[string]bool{}, artifacts: map[string]bool{}, dropTables: map[string]bool{},
		dropArtifacts: map[string]bool{}, meta: map[string]any{}}, nil
}

// UseDB lets Commit read the staged tables' Parquet footers and write the
// catalog with the caller's in-memory DuckDB instead of the store's own,
// which saves starting a database in a process that already runs one (an
// ingest). db must stay open until Commit or Rollback returns.
func (tx *Tx) UseDB(db *sql.DB) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	tx.db = db
}

// Dataset returns the dataset the transaction writes.
func (tx *Tx) Dataset() string { return tx.o.Dataset }

// StagingDir returns the transaction's private scratch directory (removed
// at Commit or Rollback); callers may put temporary files there.
func (tx *Tx) StagingDir() string { return tx.tmp }

// TablePath returns where the caller writes the Parquet file of class for
// the transaction's dataset (e.g. with DuckDB COPY ... TO '<path>'
// (FORMAT parquet)). The file replaces the dataset's table of that class at
// Commit and must exist by then. An invalid class name (see ValidName) is
// recorded and fails Commit; the path returned for it is a scratch file
// inside the staging directory, so no caller can write outside the store.
// Prefer Table, which reports the invalid name at once.
func (tx *Tx) TablePath(class string) string {
	p, _ := tx.Table(class)
	return p
}

// Table is TablePath returning the name error at once (ccc.ErrUsage) as
// well as recording it for Commit.
func (tx *Tx) Table(class string) (string, error) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if err := validClass(class); err != nil {
		tx.errs = append(tx.errs, err)
		rej := filepath.Join(tx.tmp, "rejected")
		_ = mkdirAll(rej)
		return filepath.Join(rej, fmt.Sprintf("%d.parquet", len(tx.errs))), err
	}
	tx.tables[class] = true
	delete(tx.dropTables, class)
	return filepath.Join(tx.tmp, "tables", class+".parquet"), nil
}

// ArtifactDir creates and returns the staging directory of an artifact
// (name like "annotation/25um"); its whole content replaces the dataset's
// artifact of that name at Commit.
func (tx *Tx) ArtifactDir(name string) (string, error) {
	if err := validArtifact(name); err != nil {
		return "", err
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.done {
		return "", ErrTxDone
	}
	d := filepath.Join(tx.tmp, "artifacts", filepath.FromSlash(name))
	if err := mkdirAll(d); err != nil {
		return "", fmt.Errorf("store: artifact dir: %w", err)
	}
	tx.artifacts[name] = true
	delete(tx.dropArtifacts, name)
	return d, nil
}

// DropTable removes the dataset's table of class in the new version.
func (tx *Tx) DropTable(class string) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	delete(tx.tables, class)
	tx.dropTables[class] = true
}

// DropArtifact removes the dataset's artifact in the new version.
func (tx *Tx) DropArtifact(name string) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	delete(tx.artifacts, name)
	tx.dropArtifacts[name] = true
}

// SetMeta records a metadata value for the dataset (merged with what the
// dataset already has; nil deletes the key). Values must be JSON-encodable.
func (tx *Tx) SetMeta(key string, v any) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	tx.meta[key] = v
}

// SetInputs replaces the input files recorded with the version (their
// sha256 is computed at Commit), for writers that decide which inputs
// count only once they hold the lock.
func (tx *Tx) SetInputs(paths []string) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	tx.o.Inputs = append([]string(nil), paths...)
}

// Rollback discards everything staged and releases the lock. It is a
// no-op after Commit or a previous Rollback.
func (tx *Tx) Rollback() error {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.done {
		return nil
	}
	tx.done = true
	err := os.RemoveAll(tx.tmp)
	if rerr := tx.lock.release(); err == nil {
		err = rerr
	}
	return err
}

// Commit publishes the next version: staged tables and artifacts are
// checksummed, their row counts read from the Parquet metadata, moved into
// place under immutable names, and the new manifest is published by an
// atomic rename. On error nothing is published and the transaction is
// rolled back. The lock is released in every case.
func (tx *Tx) Commit() (Version, error) {
	tx.mu.Lock()
	if tx.done {
		tx.mu.Unlock()
		return Version{}, ErrTxDone
	}
	tx.done = true
	tx.mu.Unlock()
	defer tx.lock.release()
	defer os.RemoveAll(tx.tmp)

	var moved []string // final paths created, removed again on failure
	// The catalog of the new version is written under tmp/ while the
	// tables are synced and the manifest published (commit starts it).
	cat := &catalogJob{tmp: tx.s.catalogTemp()}
	v, err := tx.commit(&moved, cat)
	if err != nil {
		if cat.done != nil {
			<-cat.done
			_ = os.Remove(cat.tmp)
		}
		for _, p := range moved {
			_ = os.RemoveAll(p)
		}
		return Version{}, err
	}
	killPoint("published")
	// Only now, with the manifest published, does the catalog describing
	// it replace the previous one.
	err = <-cat.done
	if err == nil {
		err = tx.s.installCatalog(cat.tmp)
	}
	if err != nil {
		// Derived data: the version is published and every ccc read works
		// from the manifests; only external engines opening catalog.duckdb
		// see the previous version until 'ccc check' rebuilds it.
		tx.s.warnf("version %d is published, but %s could not be rebuilt: %v (ccc reads are unaffected; run 'ccc check' to rebuild it)", v.Number, CatalogFile, err)
	}
	return *v, nil
}

// catalogJob is the catalog file of the version being committed, written
// in the background to tmp; done yields the outcome (nil: not started).
type catalogJob struct {
	tmp  string
	done <-chan error
}

// commit publishes the next version; it starts writing the version's
// catalog (cat) once the tables' checksums are known.
func (tx *Tx) commit(moved *[]string, cat *catalogJob) (*Version, error) {
	s, ds := tx.s, tx.o.Dataset
	if len(tx.errs) > 0 {
		return nil, errors.Join(tx.errs...)
	}
	if err := tx.ctx.Err(); err != nil {
		return nil, err
	}
	nums, err := s.listVersionNumbers()
	if err != nil {
		return nil, err
	}
	var base *Version
	latest := 0
	if len(nums) > 0 {
		latest = nums[len(nums)-1]
		if base, err = s.loadVersion(latest); err != nil {
			return nil, err
		}
	}
	n := latest + 1
	datasets := cloneForNext(base)
	st := datasets[ds]
	if st == nil {
		st = &DatasetState{Created: n, Meta: map[string]any{}, Tables: map[string]*TableInfo{}, Artifacts: map[string]*ArtifactInfo{}}
		datasets[ds] = st
	}
	var ch Changes
	syncDirs := map[string]bool{}
	killPoint("staged")

	// The inputs' checksums and the staged tables' footers, checksums and
	// fsyncs are independent: they run at the same time (hashing is CPU,
	// fsync waits on the disk). A table is moved to its final name (which
	// holds its checksum) as soon as the checksum is known, so that the
	// catalog can be written meanwhile; the manifest, the only thing that
	// makes a file part of a version, is published only once every file
	// and its directory are synced. Until then a crash leaves files no
	// manifest names, which the next writer removes, exactly as a crash
	// between the moves and the manifest always did.
	var inputs []Input
	inputsDone := goErr(func() error {
		for _, in := range tx.o.Inputs {
			sum, size, err := hashInput(in)
			if err != nil {
				return fmt.Errorf("store: checksum input: %w", err)
			}
			abs, _ := filepath.Abs(in)
			inputs = append(inputs, Input{Path: abs, SHA256: sum, Bytes: size})
		}
		return nil
	})
	classes := sortedKeys(tx.tables)
	infos := make([]TableInfo, len(classes))
	var work, syncs []func() error
	var open []*os.File
	defer func() {
		for _, f := range open {
			f.Close()
		}
	}()
	for i, class := range classes {
		src := filepath.Join(tx.tmp, "tables", class+".parquet")
		// opened before the move: the fsync follows the file, not the name
		f, err := os.OpenFile(src, os.O_RDWR, 0)
		if err != nil && !os.IsNotExist(err) {
			<-inputsDone
			return nil, fmt.Errorf("store: commit %s: %w", class, err)
		}
		if err != nil {
			<-inputsDone
			return nil, &ccc.Error{Op: "commit", Path: src, Row: -1, Field: class, Msg: "table staged with TablePath but no file written", Kind: ccc.ErrUsage, Err: ErrNotStaged}
		}
		open = append(open, f)
		t := &infos[i]
		work = append(work,
			func() (err error) { t.Rows, t.Columns, err = s.parquetInfoDB(tx.ctx, tx.db, src); return err },
			func() (err error) { t.SHA256, t.Bytes, err = sha256File(src); return err })
		syncs = append(syncs, f.Sync)
	}
	synced := goErr(func() error { return parallel(syncs...) })
	// fail waits for the background work before returning an error
	fail := func(err error) (*Version, error) {
		<-synced
		<-inputsDone
		return nil, err
	}
	if err := parallel(work...); err != nil {
		return fail(err)
	}
	for i, class := range classes {
		src := filepath.Join(tx.tmp, "tables", class+".parquet")
		t := infos[i]
		rel := fmt.Sprintf("tables/%s/%s/v%06d-%s.parquet", class, ds, n, t.SHA256[:12])
		dst := filepath.Join(s.dir, filepath.FromSlash(rel))
		if err := sealFile(src); err != nil {
			return fail(err)
		}
		if err := mkdirAll(filepath.Dir(dst)); err != nil {
			return fail(err)
		}
		if err := os.Rename(src, dst); err != nil {
			return fail(fmt.Errorf("store: commit %s: %w", class, err))
		}
		*moved = append(*moved, dst)
		syncDirs[filepath.Dir(dst)] = true
		st.Tables[class] = &TableInfo{Dataset: ds, Class: class, Path: dst, File: rel, Rows: t.Rows, Bytes: t.Bytes, SHA256: t.SHA256, Version: n, Columns: t.Columns}
		ch.Tables = append(ch.Tables, class)
	}
	for _, class := range sortedKeys(tx.dropTables) {
		if _, ok := st.Tables[class]; ok {
			delete(st.Tables, class)
			ch.DroppedTables = append(ch.DroppedTables, class)
		}
	}
	for _, name := range sortedKeys(tx.artifacts) {
		if err := tx.ctx.Err(); err != nil {
			return fail(err)
		}
		src := filepath.Join(tx.tmp, "artifacts", filepath.FromSlash(name))
		sum, files, size, err := treeHash(src, true)
		if err != nil {
			return fail(fmt.Errorf("store: commit artifact %s: %w", name, err))
		}
		if err := sealTree(src); err != nil {
			return fail(fmt.Errorf("store: commit artifact %s: %w", name, err))
		}
		rel := fmt.Sprintf("artifacts/%s/%s/v%06d-%s", ds, name, n, sum[:12])
		dst := filepath.Join(s.dir, filepath.FromSlash(rel))
		if err := mkdirAll(filepath.Dir(dst)); err != nil {
			return fail(err)
		}
		_ = os.RemoveAll(dst) // leftover of a crashed commit of the same, unpublished, version
		if err := os.Rename(src, dst); err != nil {
			return fail(fmt.Errorf("store: commit artifact %s: %w", name, err))
		}
		*moved = append(*moved, dst)
		syncDirs[filepath.Dir(dst)] = true
		st.Artifacts[name] = &ArtifactInfo{Dataset: ds, Name: name, Dir: dst, RelDir: rel, Files: files, Bytes: size, SHA256: sum, Version: n}
		ch.Artifacts = append(ch.Artifacts, name)
	}
	for _, name := range sortedKeys(tx.dropArtifacts) {
		if _, ok := st.Artifacts[name]; ok {
			delete(st.Artifacts, name)
			ch.DroppedArtifacts = append(ch.DroppedArtifacts, name)
		}
	}
	for _, k := range sortedKeys(tx.meta) {
		if tx.meta[k] == nil {
			delete(st.Meta, k)
		} else {
			st.Meta[k] = tx.meta[k]
		}
		ch.Meta = append(ch.Meta, k)
	}
	st.Updated = n

	// The catalog of the version (its views need the datasets' state and
	// the files in place) is written under tmp/ while the files are synced
	// and the manifest published; Commit moves it into place after that.
	cat.done = goErr(func() error { return s.writeCatalog(tx.db, &Version{Number: n, Datasets: datasets}, cat.tmp) })

	err = <-synced
	if ierr := <-inputsDone; err == nil {
		err = ierr
	}
	if err != nil {
		return nil, err // Commit waits for the catalog and removes it
	}
	for d := range syncDirs {
		if err := syncDir(d); err != nil {
			return nil, err
		}
	}
	killPoint("moved")
	if err := tx.ctx.Err(); err != nil {
		return nil, err
	}
	v := &Version{
		Format: ManifestFormat, Number: n, Parent: latest, Dataset: ds, Time: time.Now().UTC(),
		Message: tx.o.Message, SourceURI: tx.o.SourceURI, Inputs: inputs, Params: tx.o.Params,
		CCCVersion: ccc.Version, SchemaVersion: tx.o.SchemaVersion, Changed: ch, Datasets: datasets,
	}
	linked, err := publishManifest(s.dir, v)
	if linked {
		// The manifest names the moved files now: whatever fails from
		// here on, they belong to a published version and stay.
		*moved = nil
	}
	if err != nil {
		if linked {
			return nil, fmt.Errorf("store: version %d is published, but its directory could not be synced (it may not survive a power loss; 'ccc check' verifies it): %w", n, err)
		}
		return nil, fmt.Errorf("store: publish version %d: %w", n, err)
	}
	// Round-trip through JSON so the returned value equals what readers load.
	s.mu.Lock()
	delete(s.cache, n)
	s.mu.Unlock()
	lv, err := s.loadVersion(n)
	if err != nil {
		return nil, fmt.Errorf("store: version %d is published, but reading its manifest back failed ('ccc check' verifies it): %w", n, err)
	}
	return lv, nil
}

// goErr runs f in a goroutine; the channel yields its error.
func goErr(f func() error) <-chan error {
	c := make(chan error, 1)
	go func() { c <- f() }()
	return c
}

// parallel runs the functions at the same time and returns the first
// error (in argument order) once all have returned.
func parallel(fs ...func() error) error {
	errs := make([]error, len(fs))
	var wg sync.WaitGroup
	for i, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// killPoint lets the crash-safety tests kill the process with SIGKILL at a
// named stage of Commit (environment variable CCC_TEST_KILL_AT=staged,
// moved or published). It does nothing otherwise.
func killPoint(stage string) {
	if os.Getenv("CCC_TEST_KILL_AT") == stage {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		time.Sleep(time.Second)
	}
}
