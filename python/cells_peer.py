"""pandas peer of 'ccc cells count --by subclass' with the atlas roll-up.

The fairest pandas we could write: only the needed columns (pyarrow), the
cluster column read as a categorical (the subclass of each category mapped
once, not per row), the region filter before the merge, groupby with
observed categories. Two questions, as ccc answers them:

  visp  cells per subclass in VISp and every region below it
        (ccc cells count --by subclass --region VISp --include-descendants)
  full  cells per subclass for every region with its subtree
        (ccc cells count --by subclass --all-regions --include-descendants):
        merge cells with their assignments, count per (region, subclass),
        then roll up through BrainRegionClosure (merge + groupby)

With SOURCE "aggregate" (a labelled second peer) pandas starts from the same
CellClusterRegionCount table ccc reads (cells per region and assigned
cluster) instead of merging every cell with its assignment.

The answer is asserted equal to ccc's CSV output (exit 3 when it differs).
Prints load_ms (Parquet -> DataFrames) and compute_ms (best of REPEAT runs
on the DataFrames in memory); bench/cells.sh times the whole process too.

Usage: python3 python/cells_peer.py STORE DATASET visp|full CCC_COUNTS.csv [REPEAT [cells|aggregate]]
"""
import glob
import os
import sys
import time

import pandas as pd
import pyarrow.parquet as pq


def table(store, cls, dataset, columns, dictionary=()):
    files = sorted(glob.glob(os.path.join(store, "tables", cls, dataset, "*.parquet")))
    if not files:
        raise SystemExit(f"no {cls} table of {dataset} in {store}")
    # the latest version's file (names start with v<version>)
    return pq.read_table(files[-1], columns=columns, read_dictionary=list(dictionary)).to_pandas()


def only_dataset(store, cls):
    ds = sorted(os.listdir(os.path.join(store, "tables", cls)))
    if len(ds) != 1:
        raise SystemExit(f"{cls}: want one dataset, found {ds}")
    return ds[0]


def main(store, dataset, mode, ccc_csv, repeat, source):
    t0 = time.perf_counter()
    if source == "aggregate":
        agg = table(store, "CellClusterRegionCount", dataset, ["brain_region", "cluster", "cell_count"], ["cluster"])
        cells = agg
    else:
        cells = table(store, "CellMetadata", dataset, ["cell_id", "brain_region"])
        maps = table(store, "CellToClusterMapping", dataset, ["source_cell", "target_cluster"], ["target_cluster"])
    clusters = table(store, "Cluster", only_dataset(store, "Cluster"), ["id", "level", "parent"])
    closure = table(store, "BrainRegionClosure", only_dataset(store, "BrainRegionClosure"),
                    ["ancestor_structure_id", "descendant_structure_id", "ancestor_acronym"])
    load = time.perf_counter() - t0

    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        # cluster label -> subclass label (level 2), from the Cluster parents
        parent = dict(zip(clusters["id"], clusters["parent"]))
        level = dict(zip(clusters["id"], clusters["level"]))

        def subclass(c):
            while level.get(c, 0) > 2:
                c = parent[c]
            return c if level.get(c) == 2 else None

        if source == "aggregate":
            cats = agg["cluster"].cat.categories
            sub_of_code = pd.Categorical([subclass(c) for c in cats])
            a = pd.DataFrame({"brain_region": agg["brain_region"], "n": agg["cell_count"],
                              "subclass": sub_of_code.take(agg["cluster"].cat.codes.to_numpy())})
            a = a[a["brain_region"].notna() & (agg["cluster"].cat.codes.to_numpy() >= 0)]
            if mode == "visp":
                ids = closure.loc[closure["ancestor_acronym"] == "VISp", "descendant_structure_id"]
                got = a[a["brain_region"].isin(ids)].groupby("subclass", observed=True)["n"].sum()
                result = {("VISp", k): int(v) for k, v in got.items() if v > 0}
            else:
                up = a.merge(closure[["descendant_structure_id", "ancestor_structure_id"]],
                             left_on="brain_region", right_on="descendant_structure_id")
                got = up.groupby(["ancestor_structure_id", "subclass"], observed=True)["n"].sum()
                result = {(int(r), s): int(v) for (r, s), v in got.items() if v > 0}
            dt = time.perf_counter() - t0
            best = dt if best is None or dt < best else best
            continue
        cats = maps["target_cluster"].cat.categories
        sub_of_code = pd.Categorical([subclass(c) for c in cats])
        m = pd.DataFrame({"source_cell": maps["source_cell"],
                          "subclass": sub_of_code.take(maps["target_cluster"].cat.codes.to_numpy())})
        if mode == "visp":
            ids = closure.loc[closure["ancestor_acronym"] == "VISp", "descendant_structure_id"]
            c = cells.loc[cells["brain_region"].isin(ids), ["cell_id"]]
            df = c.merge(m, left_on="cell_id", right_on="source_cell")
            got = df.groupby("subclass", observed=True).size()
            result = {("VISp", k): int(v) for k, v in got.items() if v > 0}
        else:
            c = cells.loc[cells["brain_region"].notna(), ["cell_id", "brain_region"]]
            df = c.merge(m, left_on="cell_id", right_on="source_cell")
            per = df.groupby(["brain_region", "subclass"], observed=True).size().rename("n").reset_index()
            per = per[per["n"] > 0]
            up = per.merge(closure[["descendant_structure_id", "ancestor_structure_id"]],
                           left_on="brain_region", right_on="descendant_structure_id")
            got = up.groupby(["ancestor_structure_id", "subclass"], observed=True)["n"].sum()
            result = {(int(r), s): int(v) for (r, s), v in got.items() if v > 0}
        dt = time.perf_counter() - t0
        best = dt if best is None or dt < best else best

    ccc = pd.read_csv(ccc_csv)
    if mode == "visp":
        want = {(r, s): int(n) for r, s, n in zip(ccc["region"], ccc["subclass"], ccc["count"])}
    else:
        want = {(int(r), s): int(n) for r, s, n in zip(ccc["region_id"], ccc["subclass"], ccc["count"])}
    if result != want:
        diff = sorted(set(result.items()) ^ set(want.items()))[:10]
        print(f"counts differ ({len(result)} pandas rows, {len(want)} ccc rows): {diff}", file=sys.stderr)
        sys.exit(3)
    tag = "pandas_agg" if source == "aggregate" else "pandas"
    print(f"{tag}: {len(cells)} input rows; {mode}: {len(result)} (region, subclass) counts, {sum(result.values())} in total (equal to ccc)")
    print(f"{tag}_{mode}_load_ms {load * 1000:.1f}")
    print(f"{tag}_{mode}_compute_ms {best * 1000:.1f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]) if len(sys.argv) > 5 else 1,
         sys.argv[6] if len(sys.argv) > 6 else "cells")
