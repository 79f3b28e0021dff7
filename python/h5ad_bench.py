"""Peer of bench/h5ad.sh: selected genes of every cell with anndata.

    python3 python/h5ad_bench.py extract FILE.h5ad G1,G2,... OUT.npy
        adata = anndata.read_h5ad(FILE, backed="r"); adata[:, genes].X
        (what a scientist writes to pull a few genes out of a big file);
        prints the seconds it took and the process's peak RSS.
    python3 python/h5ad_bench.py compare OUT.npy CCC.parquet G1,G2,... [FILE.h5ad]
        exits 1 unless ccc's Parquet holds exactly the same values (and,
        given the file, its first column exactly anndata's obs_names).
"""

import resource
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")


def extract(path, genes, out):
    import anndata as ad
    import scipy.sparse as sp

    t0, c0 = time.perf_counter(), time.process_time()
    a = ad.read_h5ad(path, backed="r")
    x = a[:, genes].X
    if sp.issparse(x):
        x = x.toarray()
    x = np.asarray(x)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    np.save(out, x)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"anndata backed: {x.shape[0]} cells x {x.shape[1]} genes in {dt:.3f} s wall, {cpu:.3f} s CPU, peak RSS {rss:.0f} MB")
    print(f"seconds {dt:.6f} {cpu:.6f}")


def compare(npy, parquet, genes, h5ad=None):
    import pyarrow.parquet as pq

    want = np.load(npy)
    t = pq.read_table(parquet)
    if h5ad:
        import anndata as ad

        names = ad.read_h5ad(h5ad, backed="r").obs_names
        got = t.column(0).to_pylist()
        if got != list(names):
            bad = next(i for i, (a, b) in enumerate(zip(got, names)) if a != b) if len(got) == len(names) else -1
            print(f"MISMATCH in the cell ids ({t.column_names[0]}): {len(got)} vs {len(names)} obs_names, first difference at row {bad}")
            sys.exit(1)
    for j, g in enumerate(genes):
        got = t.column(g).to_numpy()
        if got.dtype != want.dtype or not np.array_equal(got, want[:, j]):
            print(f"MISMATCH in {g}: ccc {got.dtype} {got[:5]}, anndata {want.dtype} {want[:5, j]}")
            sys.exit(1)
    ids = ", cell ids equal to obs_names" if h5ad else ""
    print(f"equal: {want.shape[0]} cells x {len(genes)} genes, dtype {want.dtype}{ids}")


if __name__ == "__main__":
    if sys.argv[1] == "extract":
        extract(sys.argv[2], sys.argv[3].split(","), sys.argv[4])
    else:
        compare(sys.argv[2], sys.argv[3], sys.argv[4].split(","), sys.argv[5] if len(sys.argv) > 5 else None)
