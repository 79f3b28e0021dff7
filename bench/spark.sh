#!/usr/bin/env bash
# Embedded DuckDB engine (graph index) vs Apache Spark local[2] through Spark
# Connect, on the same store files: whole ccc processes, as a user runs them.
#   (p) per-pair counts with cell types in the proofread subgraph:
#       ccc synapses query --proofread subgraph --remove-autapses --group-by pair --with-cell-types
#   (s) the proofread subgraph by cell type: ccc synapses matrix --proofread subgraph --by cell_type
# Both engines' outputs are asserted equal (sorted CSV) in the run. Peak RSS:
# the ccc process (both engines) and the Spark server JVM (VmHWM).
#
# Sizes (space separated synapse counts; each is generated and ingested once
# and reused from SPARK_BENCH_DIR):
#   SPARK_BENCH_SIZES="1000000 10000000 100000000" bench/spark.sh
# Needs a Spark Connect server: scripts/spark.sh start (this script starts
# one, local[${CCC_SPARK_CORES:-2}], when none answers, and stops it after).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SPARK_BENCH_SIZES:-"1000000 10000000"}
DIR=${SPARK_BENCH_DIR:-/tmp/ccc-spark-bench}
REMOTE=${CCC_SPARK_REMOTE:-sc://127.0.0.1:${CCC_SPARK_PORT:-15002}}
mkdir -p "$DIR"
CCC="$DIR/ccc"
go build -o "$CCC" ./cmd/ccc
started=""
if ! scripts/spark.sh status >/dev/null 2>&1; then
  scripts/spark.sh start
  started=1
fi
trap '[ -n "$started" ] && scripts/spark.sh stop >/dev/null 2>&1 || true' EXIT
state=${CCC_SPARK_STATE:-${TMPDIR:-/tmp}/ccc-spark-${CCC_SPARK_PORT:-15002}}
spark_pid=$(cat "$state"/*.pid 2>/dev/null | head -1 || true)

run() { # label, then the command; prints "label wall_ms rss_kb"
  local label=$1; shift
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$DIR/rss" "$@" > "$DIR/$label.out" 2>"$DIR/$label.err" || { cat "$DIR/$label.err" >&2; exit 1; }
  t1=$(date +%s%N)
  echo "$label $(( (t1 - t0) / 1000000 )) $(cat "$DIR/rss")"
}

printf "%-12s %-10s %10s %12s %10s %12s %14s\n" synapses question duckdb_ms duckdb_rss_MB spark_ms ccc_rss_MB spark_jvm_hwm_MB
for M in $SIZES; do
  N=$(( M / 200 )); [ "$N" -lt 2000 ] && N=2000
  DATA="$DIR/synth-$M"
  STORE="$DIR/store-$M"
  if [ ! -f "$STORE/.ingested" ]; then
    rm -rf "$STORE" "$DATA"
    "$CCC" synth synapses --minimal --neurons "$N" --synapses "$M" --seed 1 --out "$DATA" -q >/dev/null
    "$CCC" --store "$STORE" init -q >/dev/null
    "$CCC" --store "$STORE" synapses ingest --dataset bench -q "$DATA/synapses.parquet" >/dev/null
    "$CCC" --store "$STORE" synapses cells ingest --dataset bench --kind celltype --source automated -q "$DATA/cell_types_automated.csv" >/dev/null
    "$CCC" --store "$STORE" synapses cells ingest --dataset bench --kind proofreading -q "$DATA/proofreading_status.csv" >/dev/null
    touch "$STORE/.ingested"
  fi
  for q in p s; do
    case $q in
      p) args=(synapses query --proofread subgraph --remove-autapses --group-by pair --with-cell-types --format csv) ;;
      s) args=(synapses matrix --proofread subgraph --by cell_type --format csv) ;;
    esac
    "$CCC" --store "$STORE" "${args[@]}" >/dev/null # warm the page cache for both
    d=$(run duckdb-$q "$CCC" --store "$STORE" "${args[@]}")
    s=$(run spark-$q "$CCC" --store "$STORE" "${args[@]}" --engine spark --spark-remote "$REMOTE")
    if ! cmp -s <(sort "$DIR/duckdb-$q.out") <(sort "$DIR/spark-$q.out"); then
      # sums may differ in the last bits: compare numerically
      python3 - "$DIR/duckdb-$q.out" "$DIR/spark-$q.out" <<'PY' || { echo "spark and duckdb answers differ for ($q) at $M" >&2; exit 1; }
import csv, math, sys
a = sorted(csv.reader(open(sys.argv[1]))); b = sorted(csv.reader(open(sys.argv[2])))
assert len(a) == len(b), (len(a), len(b))
for x, y in zip(a, b):
    for u, v in zip(x, y):
        if u != v:
            fu, fv = float(u), float(v)
            assert math.isclose(fu, fv, rel_tol=1e-9) or (math.isnan(fu) and math.isnan(fv)), (u, v)
PY
    fi
    hwm=0
    if [ -n "$spark_pid" ] && [ -r "/proc/$spark_pid/status" ]; then
      hwm=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$spark_pid/status")
    fi
    read -r _ dms drss <<<"$d"; read -r _ sms srss <<<"$s"
    printf "%-12s %-10s %10s %12s %10s %12s %14s\n" "$M" "$q" "$dms" "$(( drss / 1024 ))" "$sms" "$(( srss / 1024 ))" "$hwm"
  done
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {print int($2/1048576)}' /proc/meminfo) GB, load $(cut -d' ' -f1-3 /proc/loadavg)"
