"""pandas peer of 'ccc cells count --by subclass --region VISp --include-descendants'.

Reads the store's CellMetadata, CellToClusterMapping, Cluster and BrainRegion
tables (latest files), then times the pandas work a scientist would write: the
VISp subtree from structure_id_path, cluster -> subclass from the Cluster
parents, merge cells with their assignments, groupby subclass and count. Asserts
the counts equal ccc's CSV output and prints the times and the ratio.

Usage: python3 python/cells_peer.py STORE CCC_COUNTS.csv CCC_BEST_MS
"""
import glob
import sys
import time

import pandas as pd


def latest(store, cls):
    files = sorted(glob.glob(f"{store}/tables/{cls}/*/*.parquet"))
    if not files:
        raise SystemExit(f"no {cls} table in {store}")
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)


def main(store, ccc_csv, ccc_ms):
    t0 = time.perf_counter()
    cells = latest(store, "CellMetadata")[["cell_id", "brain_region"]]
    maps = latest(store, "CellToClusterMapping")[["source_cell", "target_cluster"]]
    clusters = latest(store, "Cluster")[["id", "level", "parent"]]
    regions = latest(store, "BrainRegion")[["id", "acronym", "structure_id_path"]]
    load = time.perf_counter() - t0

    best = None
    for _ in range(3):
        t0 = time.perf_counter()
        visp = int(regions.loc[regions["acronym"] == "VISp", "id"].iloc[0])
        # BrainRegion.id is a string column, CellMetadata.brain_region an integer one
        sub_ids = set(regions.loc[regions["structure_id_path"].str.contains(f"/{visp}/"), "id"].astype(str))
        parent = dict(zip(clusters["id"], clusters["parent"]))
        level = dict(zip(clusters["id"], clusters["level"]))

        def subclass(c):
            while level.get(c, 0) > 2:
                c = parent[c]
            return c if level.get(c) == 2 else None

        sub = {c: subclass(c) for c in clusters["id"]}
        df = cells[cells["brain_region"].astype(str).isin(sub_ids)].merge(maps, left_on="cell_id", right_on="source_cell")
        df["subclass"] = df["target_cluster"].map(sub)
        counts = df.groupby("subclass").size()
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)

    ccc = pd.read_csv(ccc_csv)
    got = dict(zip(ccc["subclass"], ccc["count"]))
    want = {k: int(v) for k, v in counts.items()}
    if got != want:
        raise SystemExit(f"counts differ: ccc {got} pandas {want}")
    print(f"cells {len(cells)}; VISp subtree cells counted {sum(want.values())} in {len(want)} subclasses (equal)")
    print(f"pandas_load_s {load:.3f} (not in the ratio)")
    print(f"pandas_groupby_merge_best_ms {best * 1000:.1f}")
    print(f"ccc_best_ms {ccc_ms} (whole process, reads Parquet itself)")
    print(f"ratio_pandas_over_ccc {best * 1000 / max(float(ccc_ms), 1e-9):.2f} (pandas in memory, tables already loaded)")
    print(f"ratio_pandas_with_load_over_ccc {(best + load) * 1000 / max(float(ccc_ms), 1e-9):.2f} (both from the Parquet files)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
