#!/usr/bin/env bash
# NWB benchmarks, each with pynwb doing the same in the same run (python/nwb_bench.py);
# the x-pynwb metric is pynwb's time over ccc's:
#   BenchmarkOpenMetadata   open ../shared/data/nwb/aibs.nwb and read its metadata (Info)
#   BenchmarkSlice          1,000 x 87 values from a chunked (4096 x 87), gzip series
#   BenchmarkUnitsParquet   a units-like table (ragged spike_times, quality, metrics) to Parquet
# Sized by environment (defaults are modest):
#   CCC_NWB_BENCH_SAMPLES=200000 CCC_NWB_BENCH_UNITS=1000000 NWB_BENCHTIME=1x bench/nwb.sh
set -euo pipefail
cd "$(dirname "$0")/.."
go test ./nwb -run '^$' -bench "${NWB_BENCH:-.}" -benchtime "${NWB_BENCHTIME:-1x}" "$@"
