#!/usr/bin/env bash
# Runs every test of ccc: formatting, go vet, the Go tests (which include the
# conformance checks against the Python reference tools: linkml, pynwb, h5py,
# zarr, numpy), the Spark engine's tests against a local Spark Connect server,
# every fuzz target for a bounded time (scripts/fuzz.sh), then the Python
# package's tests. Installs what is missing first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Every temporary file of the run (Go's builds, tests and fuzzing workers,
# pytest, the Spark server started here) goes under one directory, removed
# when the run ends, passed or failed: a fuzzing worker stopped with SIGKILL
# cannot clean up after itself, and a shared machine's disk fills up.
run_tmp=$(mktemp -d "${TMPDIR:-/tmp}/ccc-test.XXXXXX")
export TMPDIR=$run_tmp
spark_started=""
cleanup() {
  if [ -n "$spark_started" ]; then scripts/spark.sh stop >/dev/null 2>&1 || true; fi
  rm -rf "$run_tmp"
}
trap cleanup EXIT
# The Spark engine's tests need a local Spark Connect server (about 30 s to
# start): start it in the background now, wait for it before the Go tests.
if [ "${CCC_SKIP_SPARK:-}" != 1 ] && ! scripts/spark.sh status >/dev/null 2>&1; then
  scripts/spark.sh start >"$run_tmp/spark-start.log" 2>&1 &
  spark_pid=$!
  spark_started=1
fi
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt needed on:" >&2; echo "$unformatted" >&2; exit 1
fi
go vet ./...
if [ -n "$spark_started" ]; then
  if ! wait "$spark_pid"; then
    cat "$run_tmp/spark-start.log" >&2
    if [ "${CI:-}" = true ]; then echo "test: the Spark Connect server did not start" >&2; exit 1; fi
  fi
fi
go test -count=1 -timeout 30m "$@" ./...
# every fuzz target for a bounded time (about seven minutes; FUZZTIME /
# FUZZ_TOTAL raise it). FuzzNWBInfo (ccc nwb info as a subprocess on fuzzed
# files) needs a fuzz-instrumented build of the whole binary (minutes): CI
# leaves it to TestDamagedNWB (160 damaged NWB files through ccc, every go
# test run) and to FuzzOpen of formats/hdf5.
FUZZTIME=${FUZZTIME:-3s} FUZZ_TOTAL=${FUZZ_TOTAL:-420} FUZZ_SKIP=${FUZZ_SKIP-'^FuzzNWBInfo$'} scripts/fuzz.sh
# the Python package's tests (ccc.Client / ccc.Store against the CLI); pytest
# exits 5 when it collects nothing, which must not pass as success
if [ "${CCC_SKIP_PYTHON:-}" != 1 ]; then
  rc=0
  python3 -m pytest -q -p no:cacheprovider python/tests || rc=$?
  if [ "$rc" = 5 ]; then echo "pytest collected no tests in python/tests" >&2; exit 1; fi
  [ "$rc" = 0 ] || exit "$rc"
fi
