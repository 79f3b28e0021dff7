# Sourced by bench/synapses.sh and bench/serve.sh: the synthetic MICrONS-like
# synapse store both benchmarks use, generated once ('ccc synth synapses'),
# ingested with the graph index and the proofreading table, reused afterwards.
#
# Needs CCC (the ccc binary) and reads:
#   SYN_NEURONS=10000 SYN_SYNAPSES=2000000 SYN_SEED=1
#   SYN_BENCH_DIR=/tmp/ccc-synapse-bench   (data/store: synth-N-M-SEED, store-N-M-SEED)
#   SYN_DATA, SYN_STORE                    (other places for them, e.g. bench/all.sh's)
#   SYN_MEMORY_LIMIT=6GB                   (DuckDB's limit while ingesting)
# and sets N, M, SEED, DIR, DATA and STORE.
N=${SYN_NEURONS:-10000}
M=${SYN_SYNAPSES:-2000000}
SEED=${SYN_SEED:-1}
DIR=${SYN_BENCH_DIR:-/tmp/ccc-synapse-bench}
DATA=${SYN_DATA:-$DIR/synth-$N-$M-$SEED}
STORE=${SYN_STORE:-$DIR/store-$N-$M-$SEED}
mkdir -p "$DIR"
if [ ! -f "$STORE/.ingested" ] && [ ! -f "$DATA/synapses.parquet" ]; then
  echo "== generating $M synapses among $N neurons (seed $SEED)"
  t0=$(date +%s%N)
  "$CCC" synth synapses --minimal --neurons "$N" --synapses "$M" --seed "$SEED" --out "$DATA" -q >/dev/null
  echo "   $(( ($(date +%s%N) - t0) / 1000000 )) ms"
fi
if [ ! -f "$STORE/.ingested" ]; then
  rm -rf "$STORE"
  echo "== ingesting (sort by pre, Parquet + graph index)"
  t0=$(date +%s%N)
  "$CCC" --store "$STORE" -q synapses ingest --dataset bench --memory-limit "${SYN_MEMORY_LIMIT:-6GB}" "$DATA/synapses.parquet" >/dev/null
  "$CCC" --store "$STORE" -q synapses cells ingest --dataset bench --kind proofreading "$DATA/proofreading_status.csv" >/dev/null
  echo "   $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  touch "$STORE/.ingested"
fi
