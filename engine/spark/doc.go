// Package spark runs ccc's read questions on Apache Spark through Spark
// Connect, over the same immutable Parquet files a store version names.
//
// A Session connects to a Spark Connect server (sc://HOST:PORT), resolves a
// store version to its manifest's file list and registers one temporary
// view per class over exactly those files (never a glob of a table
// directory), with the same names, columns and leading dataset column as
// the embedded DuckDB engine's views (store.Snapshot.DB). Store paths are
// mapped to the URIs the cluster sees (a shared file system path, hdfs://,
// s3a://) by a prefix. Queries run on Spark; results come back as Arrow.
//
// The synapse questions (per-pair counts, degrees, neuron and cell-type
// matrices) are expressed as Spark SQL over those views and return the
// synapse package's result types, so that the command line writes them with
// the same writers as the embedded engine and tests compare both exactly.
//
// Errors: an unreachable server, a store path the cluster cannot read and a
// Spark SQL error are *ccc.Error values of kind ccc.ErrUsage (exit 2) with
// the remote's message and a hint; see ErrUnreachable, ErrPathNotVisible and
// ErrSQL.
package spark
