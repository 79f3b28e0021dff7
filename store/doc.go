// Package store is the ccc connectivity store: a directory of immutable
// Parquet tables and artifact directories (Zarr arrays, volumes, indexes)
// described by versioned JSON manifests, plus a derived DuckDB catalog.
//
// Layout (see docs/formats/store.md):
//
//	<dir>/ccc-store.json                      format marker
//	<dir>/versions/000001.json                one full manifest per version (the source of truth)
//	<dir>/tables/<Class>/<dataset>/v000001-<sha12>.parquet
//	<dir>/artifacts/<dataset>/<name>/v000001-<sha12>/...
//	<dir>/catalog.duckdb                      views for the latest version (derived, rebuildable)
//	<dir>/lock                                writer lock (flock) with the holder's pid/host/command
//	<dir>/tmp/<txid>/                         staging of the open transaction
//
// Writing: Begin takes the writer lock (one writer at a time; a second one
// gets ccc.ErrLocked naming the holder, or waits with TxOptions.Wait), the
// caller stages Parquet files at Tx.TablePath and artifact directories at
// Tx.ArtifactDir, and Commit checksums them, reads their row counts, moves
// them into place under immutable names and publishes the next manifest by
// an atomic rename. Nothing is visible before that rename; a crash at any
// point leaves the previous version readable, and the leftovers (staging
// directories, moved but unreferenced files) are removed by the next writer
// or by GC. Published files are sealed read-only under one umask-honouring
// mode that is never world-writable (perm.go; docs/security.md).
//
// Reading: Snapshot resolves a Ref (a version number, a timestamp, or the
// latest) to a manifest; DB opens an in-memory DuckDB with one view per
// class over that snapshot.
package store
