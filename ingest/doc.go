// Package ingest is the generic loader: it reads Parquet, CSV, TSV, JSON,
// JSONL or YAML files into one class of a LinkML schema and commits them
// to the store as a new version (replace, append or upsert), or nothing.
//
// Everything runs in DuckDB, column at a time: inputs are read with
// read_parquet / read_csv / read_json, columns are mapped to slots (exact
// name, case-insensitive name, schema aliases, then --map overrides) and
// coerced by SQL casts per slot range into a working table, checks
// (required, pattern, bounds, enums, duplicate keys) are aggregate
// queries over that table, references are resolved by identifier with
// anti-joins against the dataset being written and the datasets named in
// Options.RefDatasets (never others), and the result is
// written with COPY ... (FORMAT parquet). No row ever becomes a Go value,
// so a 50M-row file streams through in bounded memory.
//
// Record key (Model.Key): the class's identifier, or for a class without
// one its first unique key (CellTypeAnnotation: id and source). Duplicates
// in the input, --append clashes and --upsert replacements are decided by
// it (keys.go). Identifiers keep a fast path: a streaming lag() proves
// sorted identifiers unique in the checks' single pass. In a unique key an
// optional slot's NULL equals another NULL (LinkML's default; joins use IS
// NOT DISTINCT FROM) unless the key sets consider_nulls_inequal; a missing
// required key value is an error (lenient: the row is dropped), as for
// identifiers. Package linkml's Stream applies the same rules, so a stored
// table passes 'ccc validate'.
//
// Stored layout of a class table (docs/formats/store.md): one column per
// induced slot, in slot order; multivalued slots are LIST columns;
// inlined objects (e.g. a SpatialLocation) are flattened into prefixed
// columns <slot>_<subslot> (pt_position_x, pt_position_y, ...), and
// Export reconstitutes them as nested objects for JSON and YAML.
package ingest
