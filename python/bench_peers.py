#!/usr/bin/env python3
"""Peers of ccc's benchmarks (issue 18), run by bench/harness.py (bench/all.sh).

Each subcommand reads the inputs ccc used in the same run, times the peer a
strong engineer would write (and, labelled "naive", the idiom users commonly
write), ASSERTS that every peer's output equals ccc's, and prints one JSON
object. A peer whose output differs exits non-zero: the harness then fails.

  locate DIR          point -> label: NumPy flat-index take on x/y/z columns
                      (chunked, in place, same multiply-by-1/spacing as ccc) and
                      naive (N,3) fancy indexing; DIR from 'kernels locate'.
  locate-file ...     the whole user script for the whole-process figure.
  aggregate DIR       grid aggregation: float32, Fortran order (ML planes
                      contiguous), in place, one scratch buffer; naive: the
                      float64 NumPy port of the seed (python/projection_peer.py).
  aggregate-file ...  the whole user script for the whole-process figure.
  nwb-info FILE       the whole user script for 'ccc nwb info' (pynwb, or --h5py).
  synapses ...        the CAVE tutorial queries on a warm in-memory DuckDB table
                      (same thread count as ccc) and pandas on the whole table.
"""
import argparse
import csv
import json
import os
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


CPU = {}  # best process CPU time of the last best_of, by label


def best_of(n, fn, label=None):
    b, c, out = float("inf"), float("inf"), None
    for _ in range(n):
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        b = min(b, time.perf_counter() - t0)
        c = min(c, time.process_time() - c0)
    if label:
        CPU[label] = c
    return b, out


def median_of(n, fn):
    fn()  # warm-up
    ts, out = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts), out


def check(cond, msg):
    if not cond:
        print(f"bench_peers: OUTPUT DIFFERS FROM CCC: {msg}", file=sys.stderr)
        sys.exit(3)


# ---------------------------------------------------------------- locate

def locate_take(vol, dims, spacing, x, y, z, chunk=1 << 16, threads=1):
    """Flat-index take on x/y/z columns, chunked so the temporaries stay in
    cache; the same arithmetic as ccc (coordinate * (1/spacing), truncation;
    a point is inside when every coordinate is >= 0 and every index < dim).
    threads > 1: the chunks are shared among a thread pool (NumPy releases
    the GIL in its ufuncs and in take), each thread with its own scratch."""
    n = len(x)
    d0, d1, d2 = dims
    inv = [1.0 / s for s in spacing]
    labels = np.empty(n, dtype=np.uint32)
    inside = np.empty(n, dtype=bool)

    def scratch():
        return (np.empty(chunk), np.empty(chunk, dtype=np.int64), np.empty(chunk, dtype=np.int64),
                np.empty(chunk, dtype=bool), np.empty(chunk, dtype=bool))

    if threads <= 1:
        f, i, flat, ok, m = scratch()
        for lo in range(0, n, chunk):
            locate_chunk(vol, d0, d1, d2, inv, x, y, z, lo, min(lo + chunk, n), f, i, flat, ok, m, labels, inside)
        return labels, inside
    from concurrent.futures import ThreadPoolExecutor
    per = -(-n // threads)

    def part(t):
        f, i, flat, ok, m = scratch()
        for lo in range(t * per, min((t + 1) * per, n), chunk):
            locate_chunk(vol, d0, d1, d2, inv, x, y, z, lo, min(lo + chunk, (t + 1) * per, n), f, i, flat, ok, m, labels, inside)

    with ThreadPoolExecutor(threads) as ex:
        list(ex.map(part, range(threads)))
    return labels, inside


def locate_chunk(vol, d0, d1, d2, inv, x, y, z, lo, hi, f, i, flat, ok, m, labels, inside):
    with np.errstate(invalid="ignore"):  # NaN coordinates: masked out
        k = hi - lo
        ff, ii, fl, okk, mm = f[:k], i[:k], flat[:k], ok[:k], m[:k]
        # ML (slowest axis) first: flat = i + d0 * (j + d1 * k)
        np.multiply(z[lo:hi], inv[2], out=ff)
        np.greater_equal(ff, 0, out=okk)
        np.less(ff, d2, out=mm); okk &= mm  # on the float: no integer overflow for huge values
        np.copyto(ii, ff, casting="unsafe")
        np.multiply(ii, d1, out=fl)
        np.multiply(y[lo:hi], inv[1], out=ff)
        np.greater_equal(ff, 0, out=mm); okk &= mm
        np.less(ff, d1, out=mm); okk &= mm
        np.copyto(ii, ff, casting="unsafe")
        fl += ii
        fl *= d0
        np.multiply(x[lo:hi], inv[0], out=ff)
        np.greater_equal(ff, 0, out=mm); okk &= mm
        np.less(ff, d0, out=mm); okk &= mm
        np.copyto(ii, ff, casting="unsafe")
        fl += ii
        fl *= okk  # outside -> voxel 0, masked below
        np.take(vol, fl, out=labels[lo:hi])
        labels[lo:hi] *= okk
        inside[lo:hi] = okk


def locate_naive(vol3, spacing, x, y, z):
    """The common idiom: an (N, 3) array, (coords * (1/res)).astype(int),
    fancy indexing vol[i, j, k] (brainglobe's way, multiplication by the
    inverse so the voxel boundaries match ccc's exactly)."""
    pts = np.stack([x, y, z], axis=1)
    f = pts * (1.0 / np.asarray(spacing))
    inside = (pts >= 0).all(axis=1) & (f < np.array(vol3.shape)).all(axis=1)
    idx = np.where(inside[:, None], f, 0).astype(np.int64)
    labels = np.zeros(len(pts), dtype=np.uint32)
    ii = idx[inside]
    labels[inside] = vol3[ii[:, 0], ii[:, 1], ii[:, 2]]
    return labels, inside


def cmd_locate(a):
    d = a.dir
    meta = json.load(open(os.path.join(d, "meta.json")))
    dims, spacing = meta["dims"], meta["spacing"]
    vol = np.fromfile(os.path.join(d, "volume.u32"), dtype="<u4")
    x = np.fromfile(os.path.join(d, "x.f64"), dtype="<f8")
    y = np.fromfile(os.path.join(d, "y.f64"), dtype="<f8")
    z = np.fromfile(os.path.join(d, "z.f64"), dtype="<f8")
    want = np.fromfile(os.path.join(d, "labels.u32"), dtype="<u4")
    status = np.fromfile(os.path.join(d, "status.u8"), dtype="u1")
    want_inside = status != 1
    t_take, (lab, ins) = best_of(a.repeat, lambda: locate_take(vol, dims, spacing, x, y, z), "take")
    check(np.array_equal(lab, want), f"locate take: {int((lab != want).sum())} labels differ")
    check(np.array_equal(ins, want_inside), "locate take: inside mask differs")
    t_takeN, (lab, ins) = best_of(a.repeat, lambda: locate_take(vol, dims, spacing, x, y, z, threads=a.threads))
    check(np.array_equal(lab, want), f"locate take ({a.threads} threads): {int((lab != want).sum())} labels differ")
    check(np.array_equal(ins, want_inside), f"locate take ({a.threads} threads): inside mask differs")
    vol3 = vol.reshape(dims, order="F")
    t_naive, (lab2, ins2) = best_of(a.repeat, lambda: locate_naive(vol3, spacing, x, y, z))
    check(np.array_equal(lab2, want), f"locate naive: {int((lab2 != want).sum())} labels differ")
    check(np.array_equal(ins2, want_inside), "locate naive: inside mask differs")
    n = len(x)
    print(json.dumps({"points": n, "take_s": t_take, "take_points_per_s": n / t_take, "threads": a.threads, "take_cpu_s": CPU["take"],
                      "take_nt_s": t_takeN, "take_nt_points_per_s": n / t_takeN,
                      "naive_s": t_naive, "naive_points_per_s": n / t_naive, "equal": True}))


def cmd_locate_file(a):
    """The whole user script: points from Parquet (x, y, z), the volume as a
    raw array, labels and status to Parquet (ccc atlas locate's job, without
    region ids and acronyms)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    meta = json.load(open(a.meta))
    t = pq.read_table(a.points, columns=["x", "y", "z"])
    x, y, z = (t.column(c).to_numpy().astype(np.float64) for c in ("x", "y", "z"))
    vol = np.fromfile(a.volume, dtype="<u4")
    labels, inside = locate_take(vol, meta["dims"], meta["spacing"], x, y, z)
    status = np.where(~inside, "outside", np.where(labels == 0, "unlabelled", "ok"))
    pq.write_table(pa.table({"x": x, "y": y, "z": z, "label": labels.astype(np.int64), "status": status}), a.out)


# ---------------------------------------------------------------- nwb

def cmd_nwb_info(a):
    """The whole user script for 'ccc nwb info': open the file, read the
    session, subject and devices; pynwb (the user's tool) or bare h5py (the
    lean peer: no schema, no object mapping)."""
    if a.h5py:
        import h5py
        with h5py.File(a.file, "r") as f:
            s = lambda k: f[k][()].decode() if isinstance(f[k][()], bytes) else str(f[k][()])
            g = f["general"]
            egroups = [k for k in g["extracellular_ephys"] if "electrodes" != k] if "extracellular_ephys" in g else []
            out = {"identifier": s("identifier"), "session_description": s("session_description"),
                   "subject_id": g["subject/subject_id"][()].decode(), "devices": len(g["devices"]),
                   "electrode_groups": len(egroups)}
    else:
        import warnings
        warnings.filterwarnings("ignore")
        from pynwb import NWBHDF5IO
        with NWBHDF5IO(a.file, "r", load_namespaces=True) as io:
            f = io.read()
            out = {"identifier": f.identifier, "session_description": f.session_description,
                   "subject_id": f.subject.subject_id, "devices": len(f.devices), "electrode_groups": len(f.electrode_groups)}
    print(json.dumps(out))


# ---------------------------------------------------------------- aggregate

def fair_plan(spec, pp):
    """What both fair peers decide before touching a grid: per experiment
    (raw file, group index, float32 scale, side: 0 no subtraction, -1 the
    injected half is the low-ML one, +1 the high-ML one), the group counts
    and members."""
    dims = tuple(spec["dims"])
    spacing = float(spec["spacing"])
    exps = spec["experiments"]
    norm = spec.get("normalization") or "none"
    subtract = bool(spec.get("subtract"))
    gb = spec.get("group_by", "")
    coords = [float("nan") if e.get(gb.lower()) is None else float(e[gb.lower()]) for e in exps]
    if gb in ("AP", "DV", "ML"):
        group_id, n_groups, _ = pp.assign_coordinate_groups(coords, int(spec.get("bins", 5)))
    else:
        group_id, n_groups = np.ones(len(exps), dtype=int), 1
    midline = dims[2] * spacing / 2.0
    counts = np.zeros(n_groups, dtype=int)
    groups = [[] for _ in range(n_groups)]
    work = []
    for e, g in zip(exps, group_id):
        if g == 0:
            continue
        rec = pp.injection_record(e["summary"]) if (norm != "none" or subtract) else None
        s = np.float32(1.0)
        if norm in ("injectionVolume", "injectionIntensity"):
            val = rec.get("projection_volume" if norm == "injectionVolume" else "sum_pixel_intensity") or 0
            if val > 0:
                s = np.float32(1.0 / val)
        side = 0
        if subtract:
            ml = e.get("ml")
            ml = float(rec["max_voxel_z"]) if ml is None else float(ml)
            side = -1 if ml < midline else 1
        work.append((e["raw"], g - 1, s, side))
        counts[g - 1] += 1
        groups[g - 1].append(int(e["id"]))
    return dims, n_groups, work, counts, groups


def to_means(acc, counts, k0, k1):
    """Group sums to means on planes [k0, k1): float64 division, as ccc."""
    for g in range(len(counts)):
        if counts[g]:
            acc[g, k0:k1] = (acc[g, k0:k1].astype(np.float64) * (1.0 / counts[g])).astype(np.float32)


def aggregate_fair(spec, pp, threads=1):
    """float32 throughout, Fortran order read as (ML planes, plane) so the
    mirror is a reversed view of contiguous planes, in place with one
    scratch buffer; the same operation order as ccc ((a - b) * s, then +=),
    so the sums are bit-identical. threads > 1: aggregate_threaded."""
    if threads > 1:
        return aggregate_threaded(spec, pp, threads)
    dims, n_groups, work, counts, groups = fair_plan(spec, pp)
    nml, plane = dims[2], dims[0] * dims[1]
    half = nml // 2
    acc = np.zeros((n_groups, nml, plane), dtype=np.float32)
    tmp = np.empty((half, plane), dtype=np.float32)
    nbytes = 0
    for raw, g, s, side in work:
        v = np.fromfile(raw, dtype="<f4").reshape(nml, plane)  # Fortran order: ML planes
        nbytes += v.nbytes
        a = acc[g]
        if side == 0:
            v *= s
            a += v
            continue
        lo, hi = (0, half) if side < 0 else (nml - half, nml)
        np.subtract(v[lo:hi], v[::-1][lo:hi], out=tmp)
        tmp *= s
        a[lo:hi] += tmp
    to_means(acc, counts, 0, nml)
    return acc, groups, nbytes


def aggregate_threaded(spec, pp, threads):
    """The fair peer on a thread pool (NumPy releases the GIL in fromfile
    and its ufuncs): the ML planes are split among the threads; per
    experiment each thread reads only its planes (and their mirrors) with
    np.fromfile(offset=, count=) and adds them into its planes of the sums,
    the same operations in the same order, so the sums are bit-identical."""
    from concurrent.futures import ThreadPoolExecutor
    dims, n_groups, work, counts, groups = fair_plan(spec, pp)
    nml, plane = dims[2], dims[0] * dims[1]
    half = nml // 2
    acc = np.zeros((n_groups, nml, plane), dtype=np.float32)
    bounds = [round(t * nml / threads) for t in range(threads + 1)]

    def part(t):
        k0, k1 = bounds[t], bounds[t + 1]
        tmp = np.empty((max(k1 - k0, 1), plane), dtype=np.float32)
        for raw, g, s, side in work:
            lo, hi = (k0, k1) if side == 0 else ((k0, min(k1, half)) if side < 0 else (max(k0, nml - half), k1))
            if lo >= hi:
                continue
            with open(raw, "rb") as f:
                v = np.fromfile(f, dtype="<f4", count=(hi - lo) * plane, offset=lo * plane * 4).reshape(hi - lo, plane)
                a = acc[g, lo:hi]
                if side == 0:
                    v *= s
                    a += v
                    continue
                f.seek(0)
                m = np.fromfile(f, dtype="<f4", count=(hi - lo) * plane, offset=(nml - hi) * plane * 4).reshape(hi - lo, plane)
            t_ = tmp[:hi - lo]
            np.subtract(v, m[::-1], out=t_)
            t_ *= s
            a += t_
        to_means(acc, counts, k0, k1)

    with ThreadPoolExecutor(threads) as ex:
        list(ex.map(part, range(threads)))
    return acc, groups, len(work) * nml * plane * 4


def cmd_aggregate(a):
    sys.path.insert(0, HERE)
    import projection_peer as pp
    spec = json.load(open(os.path.join(a.dir, "spec.json")))
    want = np.fromfile(os.path.join(a.dir, "ccc.f32"), dtype="<f4")
    t_fair, (acc, groups, nbytes) = best_of(a.repeat, lambda: aggregate_fair(spec, pp), "fair")
    check(groups == spec["ccc_groups"], f"aggregate fair: groups {groups} != ccc {spec['ccc_groups']}")
    got = acc.ravel()  # group, then ML plane, then plane: ccc's Fortran order
    check(got.shape == want.shape, f"aggregate fair: {got.shape} values, ccc {want.shape}")
    identical = int((got.view(np.uint32) == want.view(np.uint32)).sum())
    check(np.allclose(got, want, rtol=1e-6, atol=0), "aggregate fair: values differ")
    check(np.abs(want).max() > 0, "aggregate: ccc's output is all zero (vacuous comparison)")
    t_thr, (acc2, groups2, _) = best_of(a.repeat, lambda: aggregate_fair(spec, pp, threads=a.threads))
    check(groups2 == spec["ccc_groups"], f"aggregate fair ({a.threads} threads): groups {groups2} != ccc {spec['ccc_groups']}")
    got2 = acc2.ravel()
    identical2 = int((got2.view(np.uint32) == want.view(np.uint32)).sum())
    check(identical2 == got2.size, f"aggregate fair ({a.threads} threads): {got2.size - identical2} voxels not bit-identical")
    res = {"fair_s": t_fair, "bytes": nbytes, "fair_GBps": nbytes / t_fair / 1e9, "fair_cpu_s": CPU["fair"],
           "threads": a.threads, "fair_nt_s": t_thr, "fair_nt_GBps": nbytes / t_thr / 1e9,
           "bit_identical_voxels": identical, "bit_identical_voxels_nt": identical2, "voxels": int(got.size), "equal": True}
    if not a.no_naive:
        t0 = time.perf_counter()
        combined, ngroups, _, nb2 = pp.aggregate(spec)
        t_naive = time.perf_counter() - t0
        naive = np.concatenate([combined[:, :, :, g].astype("<f4").ravel(order="F") for g in range(combined.shape[3])])
        check(np.allclose(naive, want, rtol=1e-5, atol=1e-8), "aggregate naive (float64 port): values differ")
        res.update({"naive_s": t_naive, "naive_GBps": nb2 / t_naive / 1e9})
    print(json.dumps(res))


def cmd_aggregate_file(a):
    """The whole user script: the fair aggregation, the group means saved
    with np.save (groups x ML x DV x AP, the grids' own order)."""
    sys.path.insert(0, HERE)
    import projection_peer as pp
    spec = json.load(open(a.spec))
    acc, _, _ = aggregate_fair(spec, pp)
    d0, d1, d2 = spec["dims"]
    np.save(a.out, acc.reshape(acc.shape[0], d2, d1, d0))


# ---------------------------------------------------------------- synapses

def read_ccc_csv(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return rows


def cmd_synapses(a):
    import duckdb
    import pandas as pd
    import pyarrow.parquet as pq
    with open(a.ids) as f:
        ids = [int(x) for x in f.read().split() if x.strip().lstrip("-").isdigit()]
    cols = ["id", "pre_pt_root_id", "post_pt_root_id", "size"]
    res = {}
    # warm in-memory DuckDB table, ccc's thread count
    con = duckdb.connect()
    con.execute(f"SET threads = {int(a.threads)}")
    t0 = time.perf_counter()
    con.execute(f"CREATE TABLE syn AS SELECT {', '.join(cols)} FROM read_parquet('{a.parquet}')")
    con.execute("CREATE TABLE s AS SELECT unnest($1::BIGINT[]) AS id", [ids])
    res["duckdb_load_s"] = time.perf_counter() - t0
    qa = ("SELECT id, pre_pt_root_id, post_pt_root_id, size FROM syn WHERE pre_pt_root_id IN (SELECT id FROM s) "
          "AND post_pt_root_id IN (SELECT id FROM s) AND pre_pt_root_id <> post_pt_root_id")
    qs = {"a": qa,
          "b": f"SELECT id, pre_pt_root_id, post_pt_root_id, size FROM syn WHERE pre_pt_root_id = {int(a.neuron)}",
          "c": f"SELECT id, pre_pt_root_id, post_pt_root_id, size FROM syn WHERE post_pt_root_id = {int(a.neuron)}",
          "d": f"SELECT pre_pt_root_id, post_pt_root_id, count(*) AS syn_count, sum(size) AS sum_size FROM ({qa}) GROUP BY ALL"}
    duck = {}
    for q, sql in qs.items():
        t, out = median_of(a.repeats, lambda sql=sql: con.execute(sql).fetchnumpy())
        res[f"duckdb_{q}_s"] = t
        duck[q] = out
    # pandas on the whole table (the CAVE tutorial's isin + groupby)
    t0 = time.perf_counter()
    df = pq.read_table(a.parquet, columns=cols).to_pandas()
    res["pandas_load_s"] = time.perf_counter() - t0
    res["rows"] = len(df)
    sset = pd.Series(ids)

    def p_a():
        d = df[df["pre_pt_root_id"].isin(sset) & df["post_pt_root_id"].isin(sset)]
        return d[d["pre_pt_root_id"] != d["post_pt_root_id"]]

    pq_ = {"a": p_a,
           "b": lambda: df[df["pre_pt_root_id"] == a.neuron],
           "c": lambda: df[df["post_pt_root_id"] == a.neuron],
           "d": lambda: p_a().groupby(["pre_pt_root_id", "post_pt_root_id"]).agg(
               syn_count=("id", "count"), sum_size=("size", "sum")).reset_index()}
    pand = {}
    for q, fn in pq_.items():
        t, out = median_of(a.repeats, fn)
        res[f"pandas_{q}_s"] = t
        pand[q] = out
    # equality with ccc's answers (ccc synapses query ... --format csv, same run)
    for q in "abc":
        rows = read_ccc_csv(os.path.join(a.ccc_dir, f"{q}.csv"))
        want = np.sort(np.array([int(r["id"]) for r in rows], dtype=np.int64))
        check(np.array_equal(np.sort(duck[q]["id"].astype(np.int64)), want), f"synapses ({q}) DuckDB ids differ")
        check(np.array_equal(np.sort(pand[q]["id"].to_numpy(np.int64)), want), f"synapses ({q}) pandas ids differ")
        res[f"rows_{q}"] = len(want)
    rows = read_ccc_csv(os.path.join(a.ccc_dir, "d.csv"))
    want = sorted((int(r["pre_pt_root_id"]), int(r["post_pt_root_id"]), int(r["syn_count"]), float(r["sum_size"])) for r in rows)
    dd = duck["d"]
    gd = sorted(zip(dd["pre_pt_root_id"].tolist(), dd["post_pt_root_id"].tolist(), dd["syn_count"].tolist(), map(float, dd["sum_size"].tolist())))
    check(gd == want, "synapses (d) DuckDB pair counts differ")
    pdd = pand["d"]
    gp = sorted(zip(pdd["pre_pt_root_id"].tolist(), pdd["post_pt_root_id"].tolist(), pdd["syn_count"].tolist(), map(float, pdd["sum_size"].tolist())))
    check(gp == want, "synapses (d) pandas pair counts differ")
    res["rows_d"] = len(want)
    res["equal"] = True
    print(json.dumps(res))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("locate")
    p.add_argument("dir")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="threads of the threaded take peer")
    p = sub.add_parser("locate-file")
    p.add_argument("points")
    p.add_argument("volume")
    p.add_argument("meta")
    p.add_argument("out")
    p = sub.add_parser("aggregate")
    p.add_argument("dir")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="threads of the threaded fair peer")
    p.add_argument("--no-naive", action="store_true")
    p = sub.add_parser("nwb-info")
    p.add_argument("file")
    p.add_argument("--h5py", action="store_true")
    p = sub.add_parser("aggregate-file")
    p.add_argument("spec")
    p.add_argument("out")
    p = sub.add_parser("synapses")
    p.add_argument("--parquet", required=True)
    p.add_argument("--ids", required=True)
    p.add_argument("--neuron", type=int, required=True)
    p.add_argument("--ccc-dir", required=True, help="a.csv .. d.csv written by ccc synapses query")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    {"locate": cmd_locate, "locate-file": cmd_locate_file, "aggregate": cmd_aggregate, "aggregate-file": cmd_aggregate_file, "nwb-info": cmd_nwb_info, "synapses": cmd_synapses}[a.cmd](a)


if __name__ == "__main__":
    main()
