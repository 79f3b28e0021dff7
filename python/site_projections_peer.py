"""pandas peer of `ccc ask site-projections` (used by Go tests and bench).

  site_projections_peer.py ARGS.json

ARGS.json: {"brain_region", "experiments", "sites": Parquet paths; "zarr": the
matrix's values.zarr; "source": acronym; "session": id or ""; "stat": mean,
median or max; "repeat": optional timing runs}. It answers the question the
way a scientist would in pandas -- walking parent_identifier up from each
site's region, reading the matrix from Zarr -- without the store's closure or
long-form tables, and prints the answer as JSON lines (one per site) plus a
last {"seconds": ...} line.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
import zarr


def answer(a, br, exps, sites, z):
    from functools import lru_cache
    by_id = dict(zip(br["id"], zip(br["structure_id"], br["parent_identifier"])))
    id_of = dict(zip(br["structure_id"], br["id"]))
    acr = dict(zip(br["structure_id"], br["acronym"]))

    @lru_cache(maxsize=None)
    def chain(s):  # structure ids from s up to the root (once per region)
        out, i = [], id_of.get(s)
        while isinstance(i, str):
            sid, parent = by_id[i]
            out.append(int(sid))
            i = parent
        return tuple(out)

    src = int(br.loc[br["acronym"] == a["source"], "structure_id"].iloc[0])
    inj = exps[[src in chain(s) for s in exps["structure_id"]]]
    m = pd.DataFrame(z[:], index=list(z.attrs["data_item_index"]), columns=[int(c) for c in z.attrs["region_index"]])
    sel = m.loc[m.index.isin(["allen:%d" % i for i in inj["id"]])]
    strength = sel.agg(a["stat"])  # one value per column (target region)
    if a.get("session"):
        sites = sites[sites["data_item"] == a["session"]]
    out = []
    for s in sites.itertuples():
        region = None if pd.isna(s.brain_region) else int(s.brain_region)
        rec = {"session": s.data_item, "site": s.id, "electrode_id": int(s.electrode_id), "site_region": region,
               "site_acronym": acr.get(region), "matched_region": None, "strength": None, "levels_up": None}
        for up, sid in enumerate(chain(region) if region is not None else []):
            if sid in strength.index:
                rec.update(matched_region=sid, matched_acronym=acr[sid], levels_up=up,
                           strength=float(strength[sid]), experiments=len(sel))
                break
        out.append(rec)
    return out


def main():
    a = json.load(open(sys.argv[1]))
    br = pd.read_parquet(a["brain_region"])
    exps = pd.read_parquet(a["experiments"])
    sites = pd.read_parquet(a["sites"])
    z = zarr.open_array(a["zarr"], mode="r")
    t0 = time.perf_counter()
    for _ in range(max(1, a.get("repeat", 1))):
        out = answer(a, br, exps, sites, z)
    dt = (time.perf_counter() - t0) / max(1, a.get("repeat", 1))
    if not a.get("quiet"):
        for r in out:
            print(json.dumps(r))
    matched = [r for r in out if r["strength"] is not None]
    print(json.dumps({"seconds": dt, "rows": len(out), "matched": len(matched),
                      "strength_sum": sum(r["strength"] for r in matched)}))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
