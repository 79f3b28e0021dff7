#!/usr/bin/env bash
# Gene extraction from an AnnData .h5ad (issue 14): 20 genes for every cell of a
# synthetic CSR file (float32 counts, PER_CELL stored values per cell, chunked
# like h5py writes it), with `ccc cells genes` and, in the same run, anndata:
# read_h5ad(backed="r") and adata[:, genes].X, to dense (python/h5ad_bench.py).
# The peer asserts that ccc's Parquet holds exactly its values.
#
# Figures (best of RUNS runs each, page cache warm for both):
#   ccc:  whole process (start, obs index, extraction, Parquet output): wall, CPU, peak RSS
#   peer: whole script (python start, imports, read_h5ad, subset, np.save) and in
#         process (read_h5ad + subset only): wall and CPU
# The issue's target: >= 5x, memory < selected data + 300 MB (peak RSS of ccc).
# On a loaded, shared machine wall time is mostly waiting: trust CPU there.
# Ceilings measured in the same run: bare start (ccc version), reading the file
# once from the page cache (cat), and ccc's phases alone (BenchmarkExtractCSR:
# the obs index read straight from the file's global heap, the CSR scan, Parquet;
# each as wall and CPU seconds); when the ratio is under 5x the script prints
# which of them keeps it there and by how much, and the load average.
#
#   bench/h5ad.sh                                  # 100,000 cells x 20,000 genes (quick)
#   CELLS=1000000 bench/h5ad.sh                    # the issue's 1M cells (1.6 GB file; peer needs ~3.5 GB RAM)
#   DIR=/tmp/h5b bench/h5ad.sh                     # keep the files (reused when present)
set -euo pipefail
cd "$(dirname "$0")/.."
CELLS="${CELLS:-100000}"
GENES="${GENES:-20000}"
PER_CELL="${PER_CELL:-200}"
NSEL="${NSEL:-20}"
RUNS="${RUNS:-3}"
if [ -n "${DIR:-}" ]; then mkdir -p "$DIR"; else DIR="$(mktemp -d)"; trap 'rm -rf "$DIR"' EXIT; fi
BIN="$DIR/ccc"
go build -o "$BIN" ./cmd/ccc
FILE="$DIR/cells-${CELLS}x${GENES}x${PER_CELL}.h5ad"
if [ ! -f "$FILE" ]; then
  echo "generating $FILE" >&2
  go run ./bench/h5adgen -cells "$CELLS" -genes "$GENES" -per-cell "$PER_CELL" -out "$FILE.tmp"
  mv "$FILE.tmp" "$FILE"
fi
GENELIST=$(python3 -c "print(','.join(f'Gene{j*($GENES//$NSEL):05d}' for j in range($NSEL)))")
echo "file: $(du -hL "$FILE" | cut -f1), $CELLS cells x $GENES genes, $((CELLS*PER_CELL)) stored values; $NSEL genes selected"
LOAD0=$(cut -d' ' -f1 /proc/loadavg)
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
sync
# warm the page cache for both tools alike; the time is one ceiling
t0=$(date +%s%N); cat "$FILE" >/dev/null; t1=$(date +%s%N)
CAT_S=$(python3 -c "print(($t1-$t0)/1e9)")

best() { # best (lowest wall) of "wall user sys rss" lines in $1
  sort -n "$1" | head -1
}
: > "$DIR/ccc.times"
for _ in $(seq "$RUNS"); do
  /usr/bin/time -f "%e %U %S %M" -o "$DIR/t" "$BIN" cells genes "$FILE" --genes "$GENELIST" --out "$DIR/ccc.parquet"
  cat "$DIR/t" >> "$DIR/ccc.times"
done
read -r CCC_S CCC_U CCC_SYS CCC_KB < <(best "$DIR/ccc.times")
CCC_CPU=$(python3 -c "print(round($CCC_U+$CCC_SYS, 2))")
echo "ccc cells genes (whole process: start, obs index, Parquet output): $CCC_S s wall, $CCC_CPU s CPU, peak RSS $((CCC_KB/1024)) MB"

: > "$DIR/peer.times"
: > "$DIR/peer.in"
for _ in $(seq "$RUNS"); do
  /usr/bin/time -f "%e %U %S %M" -o "$DIR/t" python3 python/h5ad_bench.py extract "$FILE" "$GENELIST" "$DIR/peer.npy" > "$DIR/peer.txt"
  cat "$DIR/t" >> "$DIR/peer.times"
  awk '/^seconds/ {print $2, $3}' "$DIR/peer.txt" >> "$DIR/peer.in"
done
head -1 "$DIR/peer.txt"
read -r PEERW_S PEERW_U PEERW_SYS PEER_KB < <(best "$DIR/peer.times")
PEERW_CPU=$(python3 -c "print(round($PEERW_U+$PEERW_SYS, 2))")
read -r PEER_S PEER_CPU < <(sort -n "$DIR/peer.in" | head -1)
echo "anndata whole script (python start, imports, read_h5ad, subset, np.save): $PEERW_S s wall, $PEERW_CPU s CPU, peak RSS $((PEER_KB/1024)) MB"
echo "seconds $PEER_S $PEER_CPU"
python3 python/h5ad_bench.py compare "$DIR/peer.npy" "$DIR/ccc.parquet" "$GENELIST" "$FILE"
LOAD1=$(cut -d' ' -f1 /proc/loadavg)

# ceilings: bare start and ccc's phases alone
/usr/bin/time -f "%e" -o "$DIR/t" "$BIN" version >/dev/null
START_S=$(cat "$DIR/t")
PHASES=$(CCC_H5AD_BENCH_FILE="$FILE" go test ./expression -run '^$' -bench ExtractCSR -benchtime 1x | grep '^BenchmarkExtractCSR' || true)
G_S=$(echo "$PHASES" | grep -o '[0-9.]* genes-cpu-s' | cut -d' ' -f1)
O_S=$(echo "$PHASES" | grep -o '[0-9.]* obs-index-cpu-s' | cut -d' ' -f1)
P_S=$(echo "$PHASES" | grep -o '[0-9.]* parquet-cpu-s' | cut -d' ' -f1)
G_W=$(echo "$PHASES" | grep -o '[0-9.]* genes-s' | cut -d' ' -f1)
O_W=$(echo "$PHASES" | grep -o '[0-9.]* obs-index-s' | cut -d' ' -f1)
P_W=$(echo "$PHASES" | grep -o '[0-9.]* parquet-s' | cut -d' ' -f1)
/usr/bin/time -f "%U %S" -o "$DIR/t" "$BIN" version >/dev/null
START_CPU=$(awk '{print $1+$2}' "$DIR/t")
SEL_MB=$(python3 -c "print(round($CELLS*$NSEL*4/2**20))")
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - <<PY
import os
c, cc = float("$CCC_S"), float("$CCC_CPU")
p, pc = float("$PEER_S"), float("$PEER_CPU")
pw, pwc = float("$PEERW_S"), float("$PEERW_CPU")
print(f"speed-up anndata/ccc: {p/c:.1f}x wall, {pc/cc:.1f}x CPU (peer in process); "
      f"{pw/c:.1f}x wall, {pwc/cc:.1f}x CPU (peer whole script); target >= 5x")
rss, sel = $CCC_KB / 1024, $SEL_MB
print(f"memory: ccc peak RSS {rss:.0f} MB, selected data {sel} MB, target < {sel + 300} MB: "
      + ("met" if rss < sel + 300 else f"missed by {rss - sel - 300:.0f} MB"))
g, o, q, s, sc, cat = (float(v) if v else 0.0 for v in ("$G_S", "$O_S", "$P_S", "$START_S", "$START_CPU", "$CAT_S"))
gw, ow, qw = (float(v) if v else 0.0 for v in ("$G_W", "$O_W", "$P_W"))
l0, l1 = "$LOAD0", "$LOAD1"
print(f"ceilings (same run): bare start {s:.3f} s wall, {sc:.3f} s CPU; reading the whole file once from the page cache (cat) {cat:.2f} s; "
      f"ccc's phases alone, wall / CPU (all threads): CSR scan {gw:.2f} / {g:.2f} s, obs index (global heap read from the file, "
      f"concurrent with the scan) {ow:.2f} / {o:.2f} s, Parquet {qw:.2f} / {q:.2f} s; load average {l0} (start) {l1} (end) on {os.cpu_count()} CPUs")
# the target is elapsed time ("faster"); ccc reads with every core while
# anndata's backed read runs on one (h5py serializes every HDF5 call), so
# the CPU-second ratio is printed beside it, never hidden
if p / c >= 5 and pc / cc < 5:
    print(f"per CPU second {pc / cc:.1f}x (ccc {cc:.2f} s CPU on {os.cpu_count()} cores, anndata {pc:.2f} s on one: "
          f"h5py serializes every HDF5 call, so in one process the backed read uses one core)")
if p / c < 5:
    parts = sorted([(o, "obs index (variable-length strings read from the file's global heap)"),
                    (g, "CSR scan (every stored index of X read once)"), (q, "Parquet output"), (sc, "process start")], reverse=True)
    floor = g + o + q + sc
    wfloor = s + max(gw, ow) + qw  # the obs index runs beside the scan
    print(f"below 5x here ({p / c:.1f}x wall, {pc / cc:.1f}x CPU; load average {l0}-{l1} on {os.cpu_count()} CPUs): "
          f"5x needs ccc <= {p / 5:.2f} s wall and <= {pc / 5:.2f} s CPU; "
          f"ccc takes {c:.2f} s wall, {cc:.2f} s CPU (over by {max(0, c - p / 5):.2f} s wall, {max(0, cc - pc / 5):.2f} s CPU). "
          f"Its phases alone cost {floor:.2f} s CPU (scan {g:.2f} + obs index {o:.2f} + Parquet {q:.2f} + start {sc:.3f}) "
          f"and {wfloor:.2f} s wall (start + the longer of scan and obs index + Parquet); "
          f"the largest is the {parts[0][1]} at {parts[0][0]:.2f} s CPU")
PY
