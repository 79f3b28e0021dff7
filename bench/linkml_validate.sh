#!/bin/sh
# Side-by-side validation benchmark: the same 20,000 BrainRegion-like
# records through linkml-validate (the LinkML reference validator) and
# through ccc, plus ccc on 1,000,000 records (records API and columnar
# API), printing records/s and the ratios. Then the Go benchmark.
#
# Sizes: CCC_BENCH_REF_RECORDS (default 20000), CCC_BENCH_RECORDS
# (default 1000000). Needs linkml-validate on PATH (pip install linkml).
set -eu
cd "$(dirname "$0")/.."
export CCC_BENCH_LINKML=1
go test ./linkml -run '^TestSpeedVsLinkMLValidate$' -count=1 -v | grep -v -E '^(=== RUN|--- PASS|PASS|ok)'
go test ./linkml -run '^$' -bench '^BenchmarkValidateFlat$' -benchtime 1x -count=1
