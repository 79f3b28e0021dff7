"""pandas peer of `ccc ask site-projections` (used by Go tests and bench).

  site_projections_peer.py ARGS.json

ARGS.json: {"brain_region", "experiments", "sites": Parquet paths; "zarr": the
matrix's values.zarr; "source": acronym; "session": id or ""; "stat": mean,
median or max; optional: "repeat" (timing runs, best of), "quiet" (no rows),
"out" (write the answer as Parquet), "whole" (answer once: a whole-process
run), "compare" (ccc's answer as Parquet:
exit 3 unless equal)}.

It answers the question the way a scientist fluent in pandas would, without
ccc's closure or long-form tables: the region closure built from
parent_identifier as a DataFrame (ancestor, descendant, distance), integer
merges, the matrix read from Zarr as one NumPy array and reduced over the
source rows at once, the nearest matrix column per region by one
sort + drop_duplicates, then merges over the sites. Vectorized throughout.

It prints the answer as JSON lines (one per site, unless quiet) and a last
line {"seconds_answer": answer with every input already in memory,
"seconds_read_answer": reading the Parquet tables and the Zarr array (warm
OS cache), the answer and writing it as Parquet (what ccc times), "rows", "matched", "strength_sum"}.
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd
import zarr

COLUMNS = ["session", "site", "electrode_id", "site_region", "site_acronym", "matched_region",
           "matched_acronym", "levels_up", "strength", "experiments"]


def load(a):
    br = pd.read_parquet(a["brain_region"], columns=["id", "structure_id", "parent_identifier", "acronym"])
    exps = pd.read_parquet(a["experiments"], columns=["id", "structure_id"])
    sites = pd.read_parquet(a["sites"], columns=["data_item", "id", "electrode_id", "brain_region"])
    z = zarr.open_array(a["zarr"], mode="r")
    m = z[:]
    items = np.asarray(z.attrs["data_item_index"], dtype=object)
    cols = np.asarray(z.attrs["region_index"], dtype=np.int64)
    return br, closure(br), exps, sites, m, items, cols


def closure(br):
    """(ancestor, descendant, distance) of the hierarchy, one merge per level."""
    sid = br[["id", "structure_id"]]
    par = br[["structure_id", "parent_identifier"]].merge(sid.rename(columns={"id": "parent_identifier", "structure_id": "parent"}),
                                                          on="parent_identifier")[["structure_id", "parent"]]
    step = pd.DataFrame({"ancestor": br["structure_id"], "descendant": br["structure_id"], "distance": 0})
    parts = [step]
    while len(step):
        step = step.merge(par, left_on="ancestor", right_on="structure_id")[["parent", "descendant", "distance"]]
        step = step.rename(columns={"parent": "ancestor"})
        step["distance"] += 1
        parts.append(step)
    return pd.concat(parts, ignore_index=True)


def answer(a, br, clo, exps, sites, m, items, cols):
    src = br.loc[br["acronym"] == a["source"], "structure_id"].iloc[0]
    below = clo.loc[clo["ancestor"] == src, "descendant"]
    injected = "allen:" + exps.loc[exps["structure_id"].isin(below), "id"].astype(str)
    rows = np.isin(items, injected.unique())
    sel = m[rows]
    strength = {"mean": lambda: sel.mean(axis=0), "max": lambda: sel.max(axis=0),
                "median": lambda: np.median(sel, axis=0)}[a["stat"]]()
    # per region: the nearest matrix column at or above it
    near = clo[clo["ancestor"].isin(cols)].sort_values("distance", kind="stable").drop_duplicates("descendant")
    pos = pd.Series(np.arange(len(cols)), index=cols)
    acr = br[["structure_id", "acronym"]]
    near = pd.DataFrame({"site_region": near["descendant"].to_numpy(), "matched_region": near["ancestor"].to_numpy(),
                         "levels_up": near["distance"].to_numpy(),
                         "strength": strength[pos[near["ancestor"]].to_numpy()]})
    near = near.merge(acr.rename(columns={"structure_id": "matched_region", "acronym": "matched_acronym"}), on="matched_region")
    near["experiments"] = int(rows.sum())
    s = sites if not a.get("session") else sites[sites["data_item"] == a["session"]]
    out = s.rename(columns={"data_item": "session", "id": "site", "brain_region": "site_region"})
    out = out.merge(acr.rename(columns={"structure_id": "site_region", "acronym": "site_acronym"}), on="site_region", how="left")
    out = out.merge(near, on="site_region", how="left")
    return out.sort_values(["session", "electrode_id", "site"], kind="stable", ignore_index=True)[COLUMNS]


def compare(ours, path):
    """Exit 3 unless ccc's answer (Parquet) equals ours."""
    cc = pd.read_parquet(path)
    bad = []
    if list(cc.columns) != COLUMNS or len(cc) != len(ours):
        bad.append(f"shape: ccc {list(cc.columns)} x {len(cc)}, pandas {len(ours)}")
    else:
        for c in COLUMNS:
            x, y = cc[c].to_numpy(), ours[c].to_numpy()
            if c == "strength":
                ok = np.allclose(x.astype(float), y.astype(float), rtol=1e-12, atol=0, equal_nan=True)
            else:
                x, y = pd.Series(x).astype(object).where(pd.notna(x), None), pd.Series(y).astype(object).where(pd.notna(y), None)
                ok = all(u == v or (u is not None and v is not None and float(u) == float(v)) if not isinstance(u, str) else u == v
                         for u, v in zip(x, y))
            if not ok:
                bad.append(c)
    if bad:
        print(f"site_projections_peer: ccc's answer differs from pandas in {', '.join(bad)}", file=sys.stderr)
        sys.exit(3)


def main():
    a = json.load(open(sys.argv[1]))
    n = max(1, a.get("repeat", 1))
    t_read = []
    for _ in range(n):  # what ccc does per answer: read the files, answer, write Parquet
        t0 = time.perf_counter()
        data = load(a)
        out = answer(a, *data)
        out.to_parquet(a.get("out") or os.devnull, index=False)
        t_read.append(time.perf_counter() - t0)
    t_ans = []
    for _ in range(0 if a.get("whole") else n):  # whole: one process, one answer
        t0 = time.perf_counter()
        out = answer(a, *data)
        t_ans.append(time.perf_counter() - t0)
    if a.get("compare"):
        compare(out, a["compare"])
    if not a.get("quiet"):
        for r in out.astype(object).where(out.notna(), None).to_dict("records"):
            print(json.dumps({k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()}))
    matched = out["strength"].notna()
    print(json.dumps({"seconds_answer": min(t_ans, default=None), "seconds_read_answer": min(t_read), "rows": len(out),
                      "matched": int(matched.sum()), "strength_sum": float(out.loc[matched, "strength"].sum())}))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
