#!/usr/bin/env bash
# Load benchmark of 'ccc serve' (issue 16): single-neuron synapse queries from
# 64 concurrent clients (our own Go load generator, bench/serveload) against a
# synthetic MICrONS-like store; requests/s, p50/p99 latency, errors and the
# server's peak RSS; a whole Synapse table streamed as Arrow (MB/s); and the
# same queries as 'ccc synapses query' processes, in the same run.
#
# Sized by environment (defaults are small, for a shared machine):
#   SERVE_NEURONS=3000 SERVE_SYNAPSES=300000 SERVE_CLIENTS=64 SERVE_DURATION=5s
#   SERVE_BENCH_DIR=/tmp/ccc-serve-bench (data is reused between runs)
# The issue's size: SERVE_NEURONS=100000 SERVE_SYNAPSES=100000000 bench/serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${SERVE_NEURONS:-3000}
M=${SERVE_SYNAPSES:-300000}
C=${SERVE_CLIENTS:-64}
D=${SERVE_DURATION:-5s}
DIR=${SERVE_BENCH_DIR:-/tmp/ccc-serve-bench}
mkdir -p "$DIR"
CCC="$DIR/ccc"
go build -o "$CCC" ./cmd/ccc
go build -o "$DIR/serveload" ./bench/serveload
DATA="$DIR/synth-$N-$M"
STORE="$DIR/store-$N-$M"
if [ ! -f "$STORE/.ingested" ]; then
  rm -rf "$STORE"
  echo "== generating and ingesting $M synapses among $N neurons"
  "$CCC" synth synapses --minimal --neurons "$N" --synapses "$M" --seed 1 --out "$DATA" -q >/dev/null
  "$CCC" --store "$STORE" -q synapses ingest --dataset bench "$DATA/synapses.parquet" >/dev/null
  touch "$STORE/.ingested"
fi
# 1000 neurons with outputs, spread over the table
"$CCC" --store "$STORE" -q synapses degree --format csv | awk -F, 'NR>1 && $2>0 {print $1}' | awk 'NR%3==1' | head -1000 > "$DIR/ids.txt"
"$CCC" --store "$STORE" -q serve --addr 127.0.0.1:0 --threads 1 > "$DIR/serve.out" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q ' at http://' "$DIR/serve.out" && break; sleep 0.1; done
URL="http://$(sed -n 's/.* at http:\/\/\([^ ]*\).*/\1/p' "$DIR/serve.out")"
echo "== server $URL (pid $PID), $(wc -l < "$DIR/ids.txt") neurons, $M synapses"
"$DIR/serveload" -url "$URL" -ids "$DIR/ids.txt" -clients "$C" -duration "$D"
"$DIR/serveload" -url "$URL" -ids "$DIR/ids.txt" -clients "$C" -duration "$D" -columns ""
"$DIR/serveload" -url "$URL" -stream "/api/v1/tables/Synapse?format=arrow"
echo "   server peak RSS $(awk '/VmHWM/ {printf "%.0f MB", $2/1024}' /proc/$PID/status)"
echo "== the same queries as processes"
"$DIR/serveload" -cli "$CCC" -store "$STORE" -ids "$DIR/ids.txt" -duration "$D"
