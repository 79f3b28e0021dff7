// Package server is the HTTP API of a ccc store ('ccc serve'): versions,
// datasets, class tables (column selection, parameterized filters,
// ordering, offset and keyset pagination, time travel), the atlas, synapse
// queries through the graph index and projections, in JSON, CSV, Parquet or
// Arrow IPC (content negotiation), streamed without row caps. It calls the
// same domain functions as the command line (store, atlas, synapse,
// projection, ingest), never the command line.
//
// One route table (routes.go) builds both the ServeMux (Go 1.22 patterns)
// and the OpenAPI 3 document at /openapi.json, so the two cannot drift.
//
// Columnar answers stay columnar: a plain table request in Arrow or Parquet
// (columns, datasets, limit/offset; no filter, order or keyset) is read
// from the version's Parquet files with arrow-go in record batches and
// written as they come (tables_direct.go), with the SQL path's schema, rows
// and order; synapse queries from the graph index reach the Arrow and
// Parquet writers a column batch at a time (synapse.ColumnWriter).
// Tokens (auth.go) are read from a YAML file and compared in constant time;
// scopes are read and write per dataset. Every request runs under a time
// limit, its DuckDB under a memory limit, its body under a size limit.
//
// Errors: handlers map the error kinds of package ccc to HTTP statuses
// (ErrUsage 400, ErrNotFound 404, ErrInvalidData 422, ErrConflict 409,
// ErrLocked 423); a deadline gives 504. Once a streamed body has started,
// a failure aborts the connection so that a client never mistakes a cut
// result for a complete one.
package server
