"""Makes .h5ad fixtures with the anndata package and dumps what anndata reads
back from each one as JSON, for the Go conformance tests of formats/anndata.

    python3 python/h5ad_fixtures.py OUTDIR

writes OUTDIR/<name>.h5ad and OUTDIR/<name>.json for the good fixtures
(dense, csr, csc) and OUTDIR/bad_<case>.h5ad for the bad inputs
(missing X, obs length that does not match X, unknown encoding, awkward
array). Each JSON is read back from the written file with anndata.read_h5ad,
so it is what anndata sees, not what we meant to write.
"""

import json
import os
import sys

import anndata as ad
import h5py
import numpy as np
import pandas as pd
import scipy.sparse as sp

# anndata 0.12 (the newest for Python 3.11) cannot write pandas 3's default
# Arrow-backed str columns; object strings are what it writes and reads.
pd.set_option("future.infer_string", False)


def values(col):
    """JSON-able values of a pandas column or index (NA -> None)."""
    out = []
    for v in col.tolist():
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            out.append(None)
        elif isinstance(v, (np.integer,)):
            out.append(int(v))
        elif isinstance(v, (np.floating,)):
            out.append(float(v))
        elif isinstance(v, (np.bool_,)):
            out.append(bool(v))
        else:
            out.append(v)
    return out


def frame(df):
    cols = {}
    for name in df.columns:
        s = df[name]
        d = {"dtype": str(s.dtype)}
        if isinstance(s.dtype, pd.CategoricalDtype):
            d["categories"] = values(s.cat.categories)
            d["ordered"] = bool(s.cat.ordered)
            d["codes"] = [int(c) for c in s.cat.codes]
            d["values"] = values(s.astype(object))
        else:
            d["values"] = values(s)
        cols[name] = d
    return {
        "index_name": df.index.name,
        "index": [str(v) for v in df.index],
        "columns": list(df.columns),
        "column_data": cols,
    }


def matrix(m):
    fmt = "dense"
    if sp.issparse(m):
        fmt = m.format
        m = m.toarray()
    m = np.asarray(m)
    return {"format": fmt, "dtype": str(m.dtype), "shape": list(m.shape),
            "values": [[v.item() for v in row] for row in m]}


def dump(path):
    a = ad.read_h5ad(path)
    out = {
        "shape": [a.n_obs, a.n_vars],
        "X": matrix(a.X),
        "obs": frame(a.obs),
        "var": frame(a.var),
        "layers": {k: matrix(v) for k, v in a.layers.items()},
        "obsm": {k: matrix(v) for k, v in a.obsm.items()},
    }
    if a.raw is not None:
        out["raw"] = {"X": matrix(a.raw.X), "var": frame(a.raw.var)}
    with open(path[:-5] + ".json", "w") as f:
        json.dump(out, f)


def base(n_obs=7, n_vars=5, seed=1):
    rng = np.random.default_rng(seed)
    counts = rng.poisson(0.8, size=(n_obs, n_vars)).astype(np.int32)
    obs = pd.DataFrame({
        "subclass": pd.Categorical(rng.choice(["L2/3 IT", "Pvalb", "Sst", "Astro"], n_obs),
                                   categories=["Astro", "L2/3 IT", "Pvalb", "Sst"]),
        "level": pd.Categorical(rng.choice(["low", "mid", "high"], n_obs),
                                categories=["low", "mid", "high"], ordered=True),
        "total_counts": counts.sum(axis=1).astype(np.int64),
        "quality": rng.random(n_obs),
        "is_neuron": rng.random(n_obs) > 0.3,
        "donor": [f"donor-{i % 3}" for i in range(n_obs)],
    }, index=pd.Index([f"cell_{i:03d}" for i in range(n_obs)], name="cell_label"))
    genes = ["Gad1", "Slc17a7", "Pvalb", "Sst", "Vip", "Snap25", "Gfap", "Olig2"][:n_vars]
    var = pd.DataFrame({
        "gene_id": [f"ENSMUSG{i:011d}" for i in range(n_vars)],
        "highly_variable": [i % 2 == 0 for i in range(n_vars)],
    }, index=pd.Index(genes, name="gene_symbol"))
    x = (np.log1p(counts) * 1.5).astype(np.float32)
    x[0, 1] = 0.1  # not exact in float32: checks formatting and equality
    return x, counts, obs, var


def write(a, path):
    a.write_h5ad(path, convert_strings_to_categoricals=False)
    dump(path)


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    x, counts, obs, var = base()

    # dense X, dense layer, obsm, raw with more genes, string column
    a = ad.AnnData(X=x, obs=obs.copy(), var=var.copy())
    a.layers["counts"] = counts
    a.obsm["X_umap"] = np.arange(a.n_obs * 2, dtype=np.float64).reshape(a.n_obs, 2) / 4
    rx, rc, _, rvar = base(n_obs=7, n_vars=8, seed=2)
    a.raw = ad.AnnData(X=rx, obs=obs.copy(), var=rvar)
    write(a, os.path.join(outdir, "dense.h5ad"))

    # CSR X (float32), CSR layer (int64), nullable integer and boolean obs columns
    o = obs.copy()
    o["n_genes"] = pd.array([3, None, 5, 2, None, 1, 4], dtype="Int64")
    o["passed_qc"] = pd.array([True, False, None, True, True, None, False], dtype="boolean")
    a = ad.AnnData(X=sp.csr_matrix(x), obs=o, var=var.copy())
    a.layers["counts"] = sp.csr_matrix(counts.astype(np.int64))
    a.obsm["spatial"] = np.arange(a.n_obs * 3, dtype=np.float32).reshape(a.n_obs, 3)
    write(a, os.path.join(outdir, "csr.h5ad"))

    # CSC X (float64), unnamed indices
    o = obs.copy()
    o.index.name = None
    v = var.copy()
    v.index.name = None
    a = ad.AnnData(X=sp.csc_matrix(x.astype(np.float64)), obs=o, var=v)
    write(a, os.path.join(outdir, "csc.h5ad"))

    # bad inputs, made from a good file with h5py
    def bad(name, fn):
        p = os.path.join(outdir, "bad_" + name + ".h5ad")
        ad.AnnData(X=sp.csr_matrix(x), obs=obs.copy(), var=var.copy()).write_h5ad(p)
        with h5py.File(p, "r+") as f:
            fn(f)

    bad("missing_x", lambda f: f.__delitem__("X"))

    def short_obs(f):
        idx = f["obs"].attrs["_index"]
        data = f["obs"][idx][:-2]
        for k in list(f["obs"].keys()):
            del f["obs"][k]
        f["obs"].create_dataset(idx, data=data)
        f["obs"][idx].attrs["encoding-type"] = "string-array"
        f["obs"][idx].attrs["encoding-version"] = "0.2.0"
        f["obs"].attrs["column-order"] = np.array([], dtype=object).astype(h5py.string_dtype())
    bad("obs_length", short_obs)

    def unknown(f):
        f["obs"]["subclass"].attrs["encoding-type"] = "fancy-tensor"
    bad("unknown_encoding", unknown)

    def awkward(f):
        g = f["obsm"].create_group("ragged")
        g.attrs["encoding-type"] = "awkward-array"
        g.attrs["encoding-version"] = "0.1.0"
        g.attrs["length"] = 7
        g.attrs["form"] = "{}"
    bad("awkward", awkward)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "testdata/h5ad")
