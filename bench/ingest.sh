#!/usr/bin/env bash
# Benchmark of the generic loader (issue 3): ingest N synthetic synapse rows
# from Parquet with validation, against a plain DuckDB COPY of the same file.
#
#   bench/ingest.sh            # 1,000,000 rows (quick)
#   ROWS=10000000 bench/ingest.sh   # the issue's target size
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${ROWS:-1000000}"
BIN="$(mktemp -d)/ccc"
trap 'rm -rf "$(dirname "$BIN")"' EXIT
go build -o "$BIN" ./cmd/ccc
go run ./bench/ingestbench -rows "$ROWS" -ccc "$BIN" ${DIR:+-dir "$DIR"}
