#!/usr/bin/env python3
"""NumPy port of bsv's fetch_connectivity_data aggregation, with its defects fixed.

ccc's Go implementation (projection.Aggregate) is checked against this port
(conformance test) and timed against it (benchmark). The port keeps the seed's
structure (load each grid, normalize, subtract the other hemisphere, add into
the group's running sum, divide by the count) and fixes:

  * injectionIntensity divides by sum_pixel_intensity (the seed divided by
    projection_volume for both normalizations);
  * the injected hemisphere is decided in micrometres: the injection ML
    coordinate (or, without one, the summary's max_voxel_z, also um) against
    the midline of the actual grid (n_ml * spacing / 2), not max_voxel_z <= 57;
  * the midline and mirror come from the grid size, not the 100 um constants;
  * region groups use the atlas hierarchy (structure_id_path), not acronym
    prefixes (VISp no longer captures VISpm); the deepest matching region wins;
  * a missing coordinate is NaN (the seed treated 0 as missing); experiments
    outside every group are left out of the means, and a group mean divides by
    the experiments actually accumulated.

Usage:
  projection_peer.py aggregate SPEC.json OUT.f32
      SPEC: {"dims": [ap, dv, ml], "spacing": um, "normalization": "none"|
      "injectionVolume"|"injectionIntensity", "subtract": bool, "group_by": ""|
      "AP"|"DV"|"ML"|"regions", "bins": n, "ontology": csv (regions),
      "region_groups": [[name, [acronym, ...]], ...], "repeat": n,
      "experiments": [{"id", "raw", "summary", "structure_id", "ap", "dv", "ml"}]}
      (coordinates null when missing). Writes the group means (float32,
      Fortran order, one volume after the other) to OUT.f32 and prints JSON
      with the groups, the warnings and the timing.
"""
import csv
import json
import sys
import time

import numpy as np


def injection_record(summary_path):
    with open(summary_path) as f:
        recs = json.load(f)
    if isinstance(recs, dict):
        recs = recs["msg"]
    best = None
    for r in recs:
        if r.get("structure_id") == 997 and r.get("hemisphere_id") == 3:
            if best is None or (r.get("projection_volume") or 0) > (best.get("projection_volume") or 0):
                best = r
    return best


def assign_coordinate_groups(vals, n_bins):
    vals = np.asarray(vals, dtype=float)
    finite = np.isfinite(vals)
    group_id = np.zeros(len(vals), dtype=int)
    if not finite.any():
        raise SystemExit("no coordinates")
    lo, hi = vals[finite].min(), vals[finite].max()
    if n_bins > 1 and hi > lo:
        edges = np.linspace(lo, hi, n_bins + 1)
        bin_idx = np.clip(np.digitize(vals[finite], edges) - 1, 0, n_bins - 1)
        group_id[finite] = bin_idx + 1
    else:
        group_id[finite] = 1
    present = sorted(set(group_id[group_id > 0].tolist()))
    remap = {g: i + 1 for i, g in enumerate(present)}
    group_id = np.array([remap.get(g, 0) for g in group_id], dtype=int)
    centres = [float(np.mean(vals[group_id == g + 1])) for g in range(len(present))]
    return group_id, len(present), centres


def assign_region_groups(exps, ontology_csv, region_groups):
    paths, acr = {}, {}
    with open(ontology_csv) as f:
        for row in csv.DictReader(f):
            sid = int(row["id"])
            paths[sid] = [int(x) for x in row["structure_id_path"].strip("/").split("/") if x]
            acr[row["acronym"]] = sid
    regions = []  # (id, depth, group)
    for g, (_, names) in enumerate(region_groups):
        for a in names:
            rid = acr[a]
            regions.append((rid, len(paths[rid]), g + 1))
    group_id = np.zeros(len(exps), dtype=int)
    for i, e in enumerate(exps):
        path = paths.get(int(e["structure_id"]), [])
        best, best_depth = 0, -1
        for rid, depth, g in regions:
            if rid in path and depth > best_depth:
                best, best_depth = g, depth
        group_id[i] = best
    return group_id, len(region_groups)


def aggregate(spec):
    dims = tuple(spec["dims"])
    spacing = float(spec["spacing"])
    exps = spec["experiments"]
    norm = spec.get("normalization", "none")
    subtract = bool(spec.get("subtract", False))
    gb = spec.get("group_by", "")
    warnings = []

    def coord(e, k):
        v = e.get(k)
        return float("nan") if v is None else float(v)

    centres = None
    if gb in ("AP", "DV", "ML"):
        group_id, n_groups, centres = assign_coordinate_groups([coord(e, gb.lower()) for e in exps], int(spec.get("bins", 5)))
    elif gb == "regions":
        group_id, n_groups = assign_region_groups(exps, spec["ontology"], spec["region_groups"])
    else:
        group_id, n_groups = np.ones(len(exps), dtype=int), 1

    combined = np.zeros((*dims, n_groups))
    counts = np.zeros(n_groups, dtype=int)
    n_ml = dims[2]
    half = n_ml // 2
    midline_um = n_ml * spacing / 2.0
    nbytes = 0
    for i, e in enumerate(exps):
        g = group_id[i]
        if g == 0:
            continue
        proj = np.fromfile(e["raw"], dtype="<f4")
        nbytes += proj.nbytes
        proj = proj.reshape(dims, order="F")
        rec = injection_record(e["summary"]) if (norm != "none" or subtract) else None
        if norm in ("injectionVolume", "injectionIntensity"):
            if rec is None:
                raise SystemExit(f"experiment {e['id']}: no structure-997 hemisphere-3 record")
            key = "projection_volume" if norm == "injectionVolume" else "sum_pixel_intensity"
            v = rec.get(key) or 0
            if v > 0:
                proj = proj.astype(np.float64) / v
            else:
                warnings.append(f"experiment {e['id']}: invalid {norm} normalizer")
        if subtract:
            ml = coord(e, "ml")
            if not np.isfinite(ml) and rec is not None and rec.get("max_voxel_z") is not None:
                ml = float(rec["max_voxel_z"])
            tmp = np.zeros(dims)
            mirrored = proj[:, :, ::-1]
            if ml < midline_um:
                tmp[:, :, :half] = proj[:, :, :half] - mirrored[:, :, :half]
            else:
                tmp[:, :, n_ml - half:] = proj[:, :, n_ml - half:] - mirrored[:, :, n_ml - half:]
            proj = tmp
        combined[:, :, :, g - 1] += proj
        counts[g - 1] += 1
    for g in range(n_groups):
        if counts[g] > 0:
            combined[:, :, :, g] /= counts[g]
    groups = []
    for g in range(n_groups):
        groups.append({"experiments": [int(exps[i]["id"]) for i in range(len(exps)) if group_id[i] == g + 1],
                       "centre": None if centres is None else centres[g]})
    return combined, groups, warnings, nbytes


def main(argv):
    if len(argv) != 3 or argv[0] != "aggregate":
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        spec = json.load(f)
    repeat = int(spec.get("repeat", 1))
    t0 = time.perf_counter()
    for _ in range(repeat):
        combined, groups, warnings, nbytes = aggregate(spec)
    elapsed = (time.perf_counter() - t0) / repeat
    out = np.concatenate([combined[:, :, :, g].astype("<f4").ravel(order="F") for g in range(combined.shape[3])])
    out.tofile(argv[2])
    print(json.dumps({"groups": groups, "warnings": warnings, "seconds": elapsed, "bytes": nbytes}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
