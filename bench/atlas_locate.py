#!/usr/bin/env python3
"""NumPy peer of ccc's point-to-region lookup (atlas.Volume.LocateBatch).

Builds the same synthetic annotation volume as atlas.BoxVolume (nested boxes
of real CCF ids, CCF v3 dimensions at the chosen resolution, axis 0 = AP
fastest like a NRRD read by pynrrd), draws uniform random points over the
volume extent (plus 5% outside) and maps them to labels the way brainglobe
does it, vectorized: voxel = (coords / resolution).astype(int), then NumPy
fancy indexing, with points outside the volume masked out.

Usage: python3 bench/atlas_locate.py [--res 25] [--points 10000000] [--repeat 3]
Prints one line: "numpy_points_per_s <value>" (best of --repeat) plus details.
"""
import argparse
import time

import numpy as np

CCF_DIMS = {10: (1320, 800, 1140), 25: (528, 320, 456), 50: (264, 160, 228), 100: (132, 80, 114)}
# atlas.DemoBoxes: (lo fractions, hi fractions, label)
BOXES = [
    ((0.10, 0.10, 0.10), (0.90, 0.90, 0.90), 8),
    ((0.15, 0.10, 0.10), (0.60, 0.50, 0.90), 315),
    ((0.20, 0.12, 0.15), (0.45, 0.30, 0.45), 385),
    ((0.20, 0.12, 0.15), (0.45, 0.15, 0.45), 593),
    ((0.15, 0.55, 0.10), (0.60, 0.85, 0.90), 549),
    ((0.65, 0.20, 0.20), (0.88, 0.80, 0.80), 512),
]


def box_volume(dims):
    vol = np.zeros(dims, dtype=np.uint32, order="F")
    for lo, hi, label in BOXES:
        sl = tuple(slice(int(l * d), int(h * d)) for l, h, d in zip(lo, hi, dims))
        vol[sl] = label
    return vol


def locate(vol, res, pts):
    """brainglobe-style lookup: (coords / resolution).astype(int) + fancy indexing."""
    idx = (pts / res).astype(np.int64)
    inside = (pts >= 0).all(axis=1) & (idx < np.array(vol.shape)).all(axis=1)
    labels = np.zeros(len(pts), dtype=np.uint32)
    ii = idx[inside]
    labels[inside] = vol[ii[:, 0], ii[:, 1], ii[:, 2]]
    return labels, inside


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--res", type=int, default=25)
    ap.add_argument("--points", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    dims = CCF_DIMS[a.res]
    vol = box_volume(dims)
    rng = np.random.default_rng(1)
    ext = np.array(dims, dtype=np.float64) * a.res
    pts = rng.uniform(-0.025, 1.025, size=(a.points, 3)) * ext
    best = float("inf")
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        labels, inside = locate(vol, a.res, pts)
        best = min(best, time.perf_counter() - t0)
    rate = a.points / best
    print(f"volume {dims[0]}x{dims[1]}x{dims[2]} at {a.res} um, {a.points} points, "
          f"{int(inside.sum())} inside, {int((labels > 0).sum())} labelled, best of {a.repeat}: {best:.3f} s")
    print(f"numpy_points_per_s {rate:.0f}")


if __name__ == "__main__":
    main()
