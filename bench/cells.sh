#!/usr/bin/env bash
# 'ccc cells count --by subclass --region VISp --include-descendants' (cells per
# subclass in VISp and every region below it) over N synthetic spatial cells,
# side by side with a pandas peer (python/cells_peer.py: merge cells with their
# cluster assignments, map clusters to subclasses, keep the VISp subtree,
# groupby + count) on the same store tables. The peer asserts equal counts.
#
#   CELLS=20000 bench/cells.sh          # default size (seconds)
#   CELLS=5000000 bench/cells.sh        # the issue's size (a few minutes to generate and ingest)
#   CELLS_BENCH_DIR=/tmp/ccc-cells-bench  (data is reused between runs)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${CELLS:-20000}
DIR=${CELLS_BENCH_DIR:-/tmp/ccc-cells-bench}
mkdir -p "$DIR"
CCC="$DIR/ccc"
go build -o "$CCC" ./cmd/ccc
DATA="$DIR/synth-$N"
STORE="$DIR/store-$N"
if [ ! -f "$STORE/.ingested" ]; then
  rm -rf "$STORE" "$DATA"
  echo "== generating $N spatial cells and ingesting them (atlas + 100 um volume from the quickstart)"
  t0=$(date +%s%N)
  "$CCC" synth cells --out "$DATA" --spatial "$N" --seed 1 >/dev/null
  "$CCC" quickstart --only atlas --out "$DIR/qs-$N" --data /nonexistent >/dev/null
  mv "$DIR/qs-$N/store" "$STORE"
  "$CCC" --store "$STORE" taxonomy load --name wmb-synth --membership "$DATA/abc/cluster_to_cluster_annotation_membership.csv" "$DATA/abc/cluster_annotation_term.csv" >/dev/null
  "$CCC" --store "$STORE" cells ingest --dataset merfish --modality TRANSCRIPTOMICS --taxonomy wmb-synth --score-col score "$DATA/spatial_cells.csv"
  echo "   $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  touch "$STORE/.ingested"
fi
echo "== ccc cells count --by subclass --region VISp --include-descendants (3 runs, whole process)"
best=0
for i in 1 2 3; do
  t0=$(date +%s%N)
  "$CCC" --store "$STORE" cells count --by subclass --region VISp --include-descendants --format csv -q > "$DIR/ccc_counts.csv"
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  echo "   run $i: $ms ms"
  if [ "$best" = 0 ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
done
echo "ccc_best_ms $best"
/usr/bin/time -f "ccc_peak_rss_kb %M" "$CCC" --store "$STORE" cells count --by subclass --region VISp --include-descendants -q >/dev/null
python3 python/cells_peer.py "$STORE" "$DIR/ccc_counts.csv" "$best"
