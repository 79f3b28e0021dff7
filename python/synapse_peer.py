#!/usr/bin/env python3
"""pandas peer of the ccc synapse benchmark (bench/synapses.sh).

Loads about --rows rows (row groups spread over the table) of a synapse Parquet table (pre_pt_root_id,
post_pt_root_id, size, id) into a pandas DataFrame, then times the CAVE
tutorial's pandas code on it: (a) the subgraph among a neuron set with
isin() on both sides and autapses removed, (b) one neuron's outputs,
(c) its inputs, (d) per-pair counts of (a) with groupby. Prints one JSON
object with median warm times (seconds), row counts and peak RSS.
"""
import argparse
import json
import resource
import statistics
import time

import pandas as pd
import pyarrow.parquet as pq

COLS = ["id", "pre_pt_root_id", "post_pt_root_id", "size"]


def load(path, rows):
    """Reads about `rows` rows as whole row groups spread evenly over the
    table (it is sorted by pre, so the first rows would hold only the
    lowest root ids)."""
    pf = pq.ParquetFile(path)
    md = pf.metadata
    total = md.num_rows
    groups = list(range(md.num_row_groups))
    if rows and rows < total and groups:
        per = total / len(groups)
        k = max(1, round(rows / per))
        step = len(groups) / k
        groups = sorted({int(i * step) for i in range(k)})
    parts = [pf.read_row_group(g, columns=COLS).to_pandas() for g in groups]
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLS)
    return df, total


def timed(fn, repeats):
    fn()  # warm-up
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts), out


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--parquet", required=True)
    ap.add_argument("--ids", required=True, help="file with one root id per line (the neuron set)")
    ap.add_argument("--neuron", type=int, required=True)
    ap.add_argument("--rows", type=int, default=10_000_000, help="rows to load (0 = all)")
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    with open(a.ids) as f:
        ids = [int(x) for x in f.read().split() if x.strip().lstrip("-").isdigit()]
    t0 = time.perf_counter()
    df, total = load(a.parquet, a.rows)
    load_s = time.perf_counter() - t0
    s = pd.Series(ids)

    def q_a():
        d = df[df["pre_pt_root_id"].isin(s) & df["post_pt_root_id"].isin(s)]
        return d[d["pre_pt_root_id"] != d["post_pt_root_id"]]

    def q_b():
        return df[df["pre_pt_root_id"] == a.neuron]

    def q_c():
        return df[df["post_pt_root_id"] == a.neuron]

    def q_d():
        return q_a().groupby(["pre_pt_root_id", "post_pt_root_id"])[["id"]].count().rename(columns={"id": "syn_count"})

    res = {"rows_loaded": len(df), "rows_total": total, "load_s": load_s}
    for name, fn in [("a", q_a), ("b", q_b), ("c", q_c), ("d", q_d)]:
        t, out = timed(fn, a.repeats)
        res[name] = {"s": t, "rows": len(out)}
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(res))


if __name__ == "__main__":
    main()
