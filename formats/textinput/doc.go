// Package textinput checks text input files (CSV, TSV, JSON, JSONL, YAML)
// against ccc's reading rules and limits before any engine reads them, so
// that 'ccc validate' and 'ccc ingest' accept and refuse the same files and
// no input reaches DuckDB's C++ readers in a shape that can crash them or
// that they would read differently.
//
// The rules (docs/formats/text-inputs.md):
//
//   - CSV and TSV follow RFC 4180 with the file's delimiter: a field that
//     holds the delimiter, a quote or a line break is quoted with '"' and
//     its quotes doubled. An unterminated quote, a bare quote inside an
//     unquoted field, a row whose number of fields differs from the header's,
//     invalid UTF-8, a NUL byte, an exact duplicate header name, more than
//     Limits.MaxColumns header fields, or one record longer than
//     Limits.MaxRecordBytes is an error naming the file and line.
//   - JSON and JSONL may nest arrays and objects at most Limits.MaxDepth
//     levels deep and must be valid UTF-8 without NUL bytes; decoded YAML
//     documents are held to the same depth (CheckDepth).
//
// Errors are *ccc.Error of kind ccc.ErrFormat with Path and Line set.
// Gzip-compressed files (name ending in .gz) are checked decompressed.
package textinput
