#!/usr/bin/env python3
"""zarr-python interop harness for ccc's formats/zarr (used by Go tests).

  zarr_check.py read DIR [DIR...]
      open each array with zarr-python and print one JSON line describing it
      (zarr_format, shape, chunks, dtype, fill_value, attributes, compressor
      and the values as base64 little-endian C-order bytes).
  zarr_check.py write DIR FORMAT COMPRESSOR DTYPE SHAPE CHUNKS [DIR FORMAT ...]
      write deterministic arrays with zarr-python (FORMAT 2|3, COMPRESSOR
      none|gzip|zstd, SHAPE/CHUNKS like 5,7,3) and print one JSON line each.
"""
import base64
import json
import sys

import numpy as np
import zarr


def describe(arr):
    data = np.ascontiguousarray(arr[...])
    data = data.astype(data.dtype.newbyteorder("<"))
    fmt = arr.metadata.zarr_format
    comp = "none"
    if fmt == 2:
        c = arr.metadata.compressor
        if c is not None:
            comp = c.codec_id
    else:
        for c in arr.metadata.codecs:
            name = type(c).__name__.lower()
            if "gzip" in name:
                comp = "gzip"
            elif "zstd" in name:
                comp = "zstd"
    fill = arr.metadata.fill_value
    fill = None if fill is None else float(fill)
    if fill is not None and (np.isnan(fill) or np.isinf(fill)):
        fill = str(fill)
    return {
        "zarr_format": fmt,
        "shape": list(arr.shape),
        "chunks": list(arr.chunks),
        "dtype": str(data.dtype.name),
        "fill_value": fill,
        "attributes": dict(arr.attrs),
        "compressor": comp,
        "data_b64": base64.b64encode(data.tobytes(order="C")).decode(),
    }


def make_data(dtype, shape):
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.float64)
    dt = np.dtype(dtype)
    if dt.kind == "f":
        v = np.sin(i * 0.37) * 1000.0 + i / 7.0
    elif dt.kind == "i":
        info = np.iinfo(dt)
        v = (i * 7919) % (int(info.max) - int(info.min) if dt.itemsize < 8 else 2**40) + max(int(info.min), -(2**39))
    else:
        info = np.iinfo(dt)
        v = (i * 7919) % (int(info.max) if dt.itemsize < 8 else 2**40)
    return v.astype(dt).reshape(shape)


def main(argv):
    if len(argv) >= 2 and argv[0] == "read":
        for d in argv[1:]:
            arr = zarr.open_array(d, mode="r")
            print(json.dumps(describe(arr)))
        return 0
    if len(argv) >= 7 and (len(argv) - 1) % 6 == 0 and argv[0] == "write":
        for k in range(1, len(argv), 6):
            write(*argv[k:k + 6])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


def write(path, fmt, comp, dtype, shape, chunks):
    fmt = int(fmt)
    shape = tuple(int(x) for x in shape.split(","))
    chunks = tuple(int(x) for x in chunks.split(","))
    data = make_data(dtype, shape)
    kw = {}
    if fmt == 2:
        from numcodecs import GZip, Zstd
        kw["compressors"] = {"none": None, "gzip": GZip(level=5), "zstd": Zstd(level=3)}[comp]
    else:
        from zarr.codecs import GzipCodec, ZstdCodec
        kw["compressors"] = {"none": None, "gzip": GzipCodec(level=5), "zstd": ZstdCodec(level=3)}[comp]
    arr = zarr.create_array(path, shape=shape, chunks=chunks, dtype=dtype, zarr_format=fmt,
                            fill_value=-1 if dtype.startswith("int") else 0, overwrite=True,
                            attributes={"written_by": "zarr-python", "n": 3}, **kw)
    arr[...] = data
    print(json.dumps(describe(arr)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
