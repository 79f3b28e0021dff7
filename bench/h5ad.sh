#!/usr/bin/env bash
# Gene extraction from an AnnData .h5ad (issue 14): 20 genes for every cell of a
# synthetic CSR file (float32 counts, PER_CELL stored values per cell), with
# `ccc cells genes` and, in the same run, anndata: read_h5ad(backed="r") and
# adata[:, genes].X (python/h5ad_bench.py). The peer asserts that ccc's Parquet
# holds exactly its values. Prints both times (wall and CPU: on a loaded, shared
# machine wall time is mostly waiting), the ratios and both peak RSS. The ccc
# figure is the whole process (start-up, obs index, Parquet output); the anndata
# figure only read_h5ad + subsetting (not Python start-up or imports).
#
#   bench/h5ad.sh                                  # 100,000 cells x 20,000 genes (quick)
#   CELLS=1000000 GENES=32000 PER_CELL=2000 bench/h5ad.sh   # the issue's size (~16 GB file)
#   DIR=/tmp/h5b bench/h5ad.sh                     # keep the files (reused when present)
set -euo pipefail
cd "$(dirname "$0")/.."
CELLS="${CELLS:-100000}"
GENES="${GENES:-20000}"
PER_CELL="${PER_CELL:-200}"
NSEL="${NSEL:-20}"
if [ -n "${DIR:-}" ]; then mkdir -p "$DIR"; else DIR="$(mktemp -d)"; trap 'rm -rf "$DIR"' EXIT; fi
BIN="$DIR/ccc"
go build -o "$BIN" ./cmd/ccc
FILE="$DIR/cells-${CELLS}x${GENES}x${PER_CELL}.h5ad"
if [ ! -f "$FILE" ]; then
  echo "generating $FILE" >&2
  go run ./bench/h5adgen -cells "$CELLS" -genes "$GENES" -per-cell "$PER_CELL" -out "$FILE"
fi
GENELIST=$(python3 -c "print(','.join(f'Gene{j*($GENES//$NSEL):05d}' for j in range($NSEL)))")
echo "file: $(du -h "$FILE" | cut -f1), $CELLS cells x $GENES genes, $((CELLS*PER_CELL)) stored values; $NSEL genes selected"
sync
# warm the page cache for both tools alike
cat "$FILE" >/dev/null
/usr/bin/time -f "%e %U %S %M" -o "$DIR/ccc.time" "$BIN" cells genes "$FILE" --genes "$GENELIST" --out "$DIR/ccc.parquet"
read -r CCC_S CCC_U CCC_SYS CCC_KB < "$DIR/ccc.time"
CCC_CPU=$(python3 -c "print($CCC_U+$CCC_SYS)")
echo "ccc cells genes (whole process: start, obs index, Parquet output): $CCC_S s wall, $CCC_CPU s CPU, peak RSS $((CCC_KB/1024)) MB"
/usr/bin/time -f "%e %M" -o "$DIR/peer.time" python3 python/h5ad_bench.py extract "$FILE" "$GENELIST" "$DIR/peer.npy" | tee "$DIR/peer.txt"
PEER_S=$(awk '/^seconds/ {print $2}' "$DIR/peer.txt")
PEER_CPU=$(awk '/^seconds/ {print $3}' "$DIR/peer.txt")
read -r _ PEER_KB < "$DIR/peer.time"
python3 python/h5ad_bench.py compare "$DIR/peer.npy" "$DIR/ccc.parquet" "$GENELIST"
SEL_MB=$(python3 -c "print(round($CELLS*$NSEL*4/2**20))")
python3 - <<PY
c, p = float("$CCC_S"), float("$PEER_S")
cc, pc = float("$CCC_CPU"), float("$PEER_CPU")
print(f"speed-up anndata/ccc: {p/c:.1f}x wall, {pc/cc:.1f}x CPU (target >= 5x; on a loaded machine trust CPU)")
print(f"ccc peak RSS $((CCC_KB/1024)) MB "
      f"(selected data $SEL_MB MB, target < selected + 300 MB); anndata process peak RSS $((PEER_KB/1024)) MB")
PY
