"""Read a ccc store from Python, without ccc.

A ccc store is a directory of immutable Parquet tables and artifact
directories described by one JSON manifest per version (see
docs/formats/store.md). This module resolves a version (the latest, a number
or a time) and reads the tables it names with pandas/pyarrow, so that
scientists can go from `ccc quickstart` to a DataFrame in two lines:

    import ccc
    syn = ccc.Store("ccc-quickstart/store").table("Synapse")

Never glob tables/<Class>/<dataset>/*.parquet yourself: the directory also
holds older versions' files; the manifest says which file is current.
"""

from __future__ import annotations

import datetime as _dt
import glob
import hashlib
import json
import os
from typing import Iterable, Optional

__all__ = ["Store", "StoreError"]


class StoreError(Exception):
    """A store, version, dataset or table that is not there, or a file
    whose size or checksum does not match its manifest."""


class Store:
    """A ccc store directory opened for reading."""

    def __init__(self, path: str):
        self.path = os.path.abspath(path)
        marker = os.path.join(self.path, "ccc-store.json")
        if not os.path.exists(marker):
            raise StoreError(f"{self.path}: not a ccc store (no ccc-store.json); create one with 'ccc init DIR'")

    # versions -----------------------------------------------------------

    def _version_files(self) -> list[str]:
        return sorted(glob.glob(os.path.join(self.path, "versions", "[0-9]" * 6 + ".json")))

    def latest(self) -> int:
        """The latest version number (0 for an empty store)."""
        files = self._version_files()
        return int(os.path.basename(files[-1])[:6]) if files else 0

    def manifest(self, version: Optional[int] = None, timestamp=None) -> dict:
        """The manifest of a version: the latest by default, version N, or
        the last version committed at or before timestamp (datetime or
        ISO 8601 string, UTC when naive)."""
        if version is None and timestamp is not None:
            version = self._version_at(timestamp)
        if version is None:
            version = self.latest()
        if version <= 0:
            raise StoreError(f"{self.path}: the store has no versions yet")
        p = os.path.join(self.path, "versions", f"{version:06d}.json")
        if not os.path.exists(p):
            raise StoreError(f"{self.path}: no version {version} (latest is {self.latest()})")
        with open(p, encoding="utf-8") as f:
            return json.load(f)

    def _version_at(self, timestamp) -> int:
        if isinstance(timestamp, str):
            timestamp = _dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
        if timestamp.tzinfo is None:
            timestamp = timestamp.replace(tzinfo=_dt.timezone.utc)
        best = 0
        for v in self.versions():
            if v["time"] <= timestamp:
                best = v["version"]
        if best == 0:
            raise StoreError(f"{self.path}: no version committed at or before {timestamp.isoformat()}")
        return best

    def versions(self) -> list[dict]:
        """Every version: number, dataset written, time (UTC datetime),
        message and what changed, oldest first."""
        out = []
        for p in self._version_files():
            with open(p, encoding="utf-8") as f:
                m = json.load(f)
            out.append({
                "version": m["version"],
                "dataset": m.get("dataset", ""),
                "time": _dt.datetime.fromisoformat(m["time"].replace("Z", "+00:00")),
                "message": m.get("message", ""),
                "changed": m.get("changed", {}),
            })
        return out

    # tables -------------------------------------------------------------

    def datasets(self, version: Optional[int] = None, timestamp=None) -> list[str]:
        return sorted(self.manifest(version, timestamp)["datasets"])

    def classes(self, version: Optional[int] = None, timestamp=None) -> list[str]:
        """The classes that have a table in some dataset."""
        m = self.manifest(version, timestamp)
        return sorted({c for d in m["datasets"].values() for c in (d.get("tables") or {})})

    def table_files(self, cls: str, dataset: Optional[str] = None, version: Optional[int] = None,
                    timestamp=None) -> dict[str, dict]:
        """dataset -> {path, rows, sha256, bytes} of the class's tables."""
        m = self.manifest(version, timestamp)
        out = {}
        for name, d in m["datasets"].items():
            t = (d.get("tables") or {}).get(cls)
            if t is None or (dataset is not None and name != dataset):
                continue
            out[name] = {"path": os.path.join(self.path, *t["file"].split("/")), "rows": t["rows"],
                         "sha256": t["sha256"], "bytes": t.get("bytes")}
        if not out:
            where = f"dataset {dataset!r}" if dataset else "any dataset"
            raise StoreError(f"{self.path}: no {cls} table in {where} at version {m['version']} "
                             f"(classes: {', '.join(self.classes(m['version'])) or 'none'})")
        return dict(sorted(out.items()))

    def table(self, cls: str, dataset: Optional[str] = None, version: Optional[int] = None,
              timestamp=None, columns: Optional[Iterable[str]] = None, verify: bool = False):
        """A class table as a pandas DataFrame: one dataset, or all of them
        with a leading `dataset` column (`store_dataset` when the class has
        a slot named dataset, as DataItem does). verify=True checks each
        file's SHA-256 against the manifest first."""
        import pandas as pd

        files = self.table_files(cls, dataset, version, timestamp)
        frames = []
        for name, f in files.items():
            if verify:
                self._verify(f)
            df = pd.read_parquet(f["path"], columns=list(columns) if columns is not None else None)
            if len(df) != f["rows"]:
                raise StoreError(f"{f['path']}: {len(df)} rows, the manifest says {f['rows']}; run 'ccc check'")
            if dataset is None:
                col = "store_dataset" if "dataset" in df.columns else "dataset"
                df.insert(0, col, name)
            frames.append(df)
        if len(frames) == 1:
            return frames[0]
        return pd.concat(frames, ignore_index=True)

    def _verify(self, f: dict) -> None:
        h = hashlib.sha256()
        with open(f["path"], "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        if h.hexdigest() != f["sha256"]:
            raise StoreError(f"{f['path']}: checksum mismatch (file changed or corrupt); run 'ccc check'")

    # artifacts ----------------------------------------------------------

    def artifact_dir(self, dataset: str, name: str, version: Optional[int] = None, timestamp=None) -> str:
        """The directory of an artifact (e.g. 'matrix/quickstart-density',
        'annotation/100um', 'synapse/index')."""
        m = self.manifest(version, timestamp)
        d = m["datasets"].get(dataset)
        if d is None:
            raise StoreError(f"{self.path}: no dataset {dataset!r} at version {m['version']}")
        a = (d.get("artifacts") or {}).get(name)
        if a is None:
            raise StoreError(f"{self.path}: dataset {dataset!r} has no artifact {name!r} "
                             f"(artifacts: {', '.join(sorted(d.get('artifacts') or {})) or 'none'})")
        return os.path.join(self.path, *a["dir"].split("/"))


def main(argv) -> None:
    """python ccc_store.py STORE: a summary of the latest version."""
    import sys

    if len(argv) != 2:
        sys.exit("usage: python ccc_store.py STORE")
    s = Store(argv[1])
    m = s.manifest()
    print(f"{s.path}: version {m['version']} of {len(s.versions())}")
    for name in s.datasets():
        tables = m["datasets"][name].get("tables") or {}
        print(f"  {name}: " + ", ".join(f"{c} ({t['rows']} rows)" for c, t in sorted(tables.items())))
