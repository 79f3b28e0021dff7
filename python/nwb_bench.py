#!/usr/bin/env python3
"""pynwb peer of ccc's NWB benchmarks (nwb/bench_test.go runs it in the same
go test run and reports the ratios).

usage:
  nwb_bench.py open FILE REPEAT                 open with pynwb and read the metadata
  nwb_bench.py slice FILE SERIES ROWS REPEAT    read ROWS x all channels of SERIES/data
  nwb_bench.py units FILE OUT.parquet           units table -> DataFrame -> Parquet

Prints one JSON object: {"seconds": per-iteration wall seconds,
"cpu_seconds": per-iteration CPU seconds of the process, ...}.
"""
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")

from pynwb import NWBHDF5IO  # noqa: E402


def do_open(path, repeat):
    c0 = time.process_time()
    t0 = time.perf_counter()
    n = 0
    for _ in range(repeat):
        with NWBHDF5IO(path, "r", load_namespaces=True) as io:
            f = io.read()
            # the metadata ccc's Info reads: session, subject, devices,
            # electrode groups, tables with their columns and sizes
            _ = (f.identifier, f.session_description, f.session_start_time, f.subject)
            n = len(f.devices) + len(f.electrode_groups)
            for t in [f.electrodes, f.units] + list(f.intervals.values() if f.intervals else []):
                if t is not None:
                    n += len(t) + len(t.colnames)
            for m in f.processing.values():
                n += len(m.data_interfaces)
            for a in f.acquisition.values():
                n += 1
    return {"seconds": (time.perf_counter() - t0) / repeat, "cpu_seconds": (time.process_time() - c0) / repeat, "objects": n}


def do_slice(path, series, rows, repeat):
    with NWBHDF5IO(path, "r", load_namespaces=True) as io:
        f = io.read()
        name = series.rsplit("/", 1)[-1]
        ts = f.acquisition[name]
        data = ts.data
        total = data.shape[0]
        c0 = time.process_time()
        t0 = time.perf_counter()
        s = 0.0
        for i in range(repeat):
            start = (i * 7919 * rows) % max(1, total - rows)
            block = data[start : start + rows, :]
            s += float(block[0, 0])
        sec = (time.perf_counter() - t0) / repeat
        cpu = (time.process_time() - c0) / repeat
    return {"seconds": sec, "cpu_seconds": cpu, "shape": list(block.shape), "checksum": s}


def do_units(path, out):
    c0 = time.process_time()
    t0 = time.perf_counter()
    with NWBHDF5IO(path, "r", load_namespaces=True) as io:
        f = io.read()
        df = f.units.to_dataframe()
        df.to_parquet(out)
    return {"seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0, "rows": len(df)}


def main():
    cmd = sys.argv[1]
    if cmd == "open":
        r = do_open(sys.argv[2], int(sys.argv[3]))
    elif cmd == "slice":
        r = do_slice(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif cmd == "units":
        r = do_units(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)
    json.dump(r, sys.stdout)


if __name__ == "__main__":
    main()
