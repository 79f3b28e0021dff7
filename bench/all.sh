#!/usr/bin/env bash
# Every benchmark, one command, one table (issue 18): builds ccc and the Go
# kernels, runs each benchmark with its fairest peer (and the naive idiom,
# labelled), asserts every peer's output equal to ccc's, measures the
# machine's ceilings in the same run and writes bench/results.md.
#
#   bench/all.sh                        # BENCH_SIZE=small: a few minutes on a quiet 2-core machine
#   BENCH_SIZE=full bench/all.sh        # the issues' sizes (about an hour, 10 GB of disk)
#   BENCH_SIZE=tiny bench/all.sh        # a smoke test of the harness (CI-sized)
#   BENCH_ONLY=atlas,projection bench/all.sh   # a subset (the table then holds only it)
#   BENCH_DIR=/tmp/ccc-bench            # work directory (generated data is reused)
#   BENCH_OUT=bench/results.md          # where the table goes
#
# Needs what scripts/setup.sh installs (Go, Python with python/requirements.txt).
# Exits non-zero when a benchmark fails or a peer's output differs from ccc's.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/harness.py "$@"
