#!/usr/bin/env bash
# Builds ccc and runs its quickstart: a demo store from the real data in
# ../shared/data (or realistic synthetic data), every capability end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
CCC_SKIP_PYTHON=1 CCC_SKIP_TEST_TOOLS=1 scripts/setup.sh
mkdir -p bin
go build -o bin/ccc ./cmd/ccc
exec bin/ccc quickstart "$@"
