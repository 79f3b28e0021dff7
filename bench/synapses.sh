#!/usr/bin/env bash
# Side-by-side benchmark of the CAVE tutorial's synapse queries on a synthetic
# MICrONS-like table: ccc's graph index vs plain DuckDB SQL over the same
# Parquet table (sorted by pre) vs pandas (isin + groupby) on a subset.
#   (a) subgraph among the neurons with proofread axons (pre and post set), autapses removed
#   (b) one neuron's outputs   (c) its inputs   (d) per-pair counts of (a)
#
# Sized by environment (defaults run in CI in well under a minute):
#   SYN_NEURONS=10000 SYN_SYNAPSES=2000000 SYN_SEED=1 SYN_PANDAS_ROWS=10000000
#   SYN_BENCH_DIR=/tmp/ccc-synapse-bench (data is reused between runs)
# The issue's full size (about 6 GB of disk, a few minutes to generate and ingest):
#   SYN_NEURONS=100000 SYN_SYNAPSES=100000000 bench/synapses.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PROWS=${SYN_PANDAS_ROWS:-10000000}
CCC="${SYN_BENCH_DIR:-/tmp/ccc-synapse-bench}/ccc"
mkdir -p "$(dirname "$CCC")"
go build -o "$CCC" ./cmd/ccc
. bench/synapse_store.sh
"$CCC" --store "$STORE" synapses cells show --proofread axon -q | tail -n +2 | cut -d, -f1 > "$DIR/set.txt"
echo "== ccc graph index vs DuckDB SQL over the Parquet table (2 engines, one process)"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f "   process peak RSS %M KB, wall %e s" "$CCC" --store "$STORE" synapses bench --set "@$DIR/set.txt" | tee "$DIR/ccc.txt"
else
  "$CCC" --store "$STORE" synapses bench --set "@$DIR/set.txt" | tee "$DIR/ccc.txt"
fi
NEURON=$(sed -n 's/.*neuron for (b)\/(c): \([0-9]*\).*/\1/p' "$DIR/ccc.txt")
TABLE=$(sed -n 's/^table: //p' "$DIR/ccc.txt")
if python3 -c 'import pandas, pyarrow' 2>/dev/null; then
  echo "== pandas (isin + groupby) on about $PROWS rows (row groups spread over the table)"
  python3 python/synapse_peer.py --parquet "$TABLE" --ids "$DIR/set.txt" --neuron "$NEURON" --rows "$PROWS" > "$DIR/pandas.json"
  python3 - "$DIR/pandas.json" "$DIR/ccc.txt" <<'PY'
import json, re, sys
p = json.load(open(sys.argv[1]))
ccc = {}
for line in open(sys.argv[2]):
    m = re.match(r"\(([abcd])\).*?\s([\d.]+) (us|ms|s)\s", line)
    if m:
        v = float(m.group(2)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(3)]
        ccc[m.group(1)] = v
print(f"   loaded {p['rows_loaded']} rows in {p['load_s']:.2f} s; peak RSS {p['peak_rss_mb']:.0f} MB")
for q in "abcd":
    r = p[q]
    scale = p["rows_total"] / max(1, p["rows_loaded"])
    ratio = ""
    if q in ccc and ccc[q] > 0:
        ratio = f"{r['s'] / ccc[q]:.0f}x ccc's time on the whole table; scaled to all rows ~{r['s'] * scale * 1000:.0f} ms"
    print(f"   ({q}) {r['s'] * 1000:9.2f} ms  rows {r['rows']:>8}  {ratio}")
PY
else
  echo "== pandas peer skipped (python3 with pandas and pyarrow not found)"
fi
