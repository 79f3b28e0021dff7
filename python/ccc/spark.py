"""Read a ccc store from PySpark: one DataFrame (and temp view) per class.

What a Databricks or cluster notebook does to use a ccc store without ccc:
the store is a directory of immutable Parquet files under one JSON manifest
per version (docs/formats/store.md), so Spark reads exactly the files the
chosen version names (never a glob of a table directory).

    from pyspark.sql import SparkSession
    import ccc.spark
    spark = SparkSession.builder.getOrCreate()
    t = ccc.spark.tables(spark, "s3a://lab-bucket/ccc-data")          # latest version
    spark.sql("SELECT cell_type, count(*) FROM CellTypeAnnotation GROUP BY ALL").show()
    t = ccc.spark.tables(spark, "/shared/ccc-data", version=3)        # time travel

Each class view is the union of its tables over datasets, with a leading
``dataset`` column (``store_dataset`` when the class has a slot named
dataset), columns in order of first appearance, columns whose type differs
between datasets read as strings: the same views as ``ccc query``.
"""

from __future__ import annotations

import json
import os
import re
from typing import Dict, Optional

__all__ = ["tables", "manifest", "latest_version"]

_VERSION_FILE = re.compile(r"^(\d{6})\.json$")


def _is_local(uri: str) -> bool:
    return uri.startswith("file://") or "://" not in uri


def _local_path(uri: str) -> str:
    return uri[len("file://"):] if uri.startswith("file://") else uri


def _join(root: str, rel: str) -> str:
    return root.rstrip("/") + "/" + rel


def latest_version(spark, store_uri: str) -> int:
    """The highest version number of the store (0 for an empty store)."""
    if _is_local(store_uri):
        d = os.path.join(_local_path(store_uri), "versions")
        nums = [int(m.group(1)) for f in os.listdir(d) if (m := _VERSION_FILE.match(f))]
    else:
        rows = (spark.read.format("binaryFile").option("pathGlobFilter", "[0-9]*.json")
                .load(_join(store_uri, "versions")).select("path").collect())
        nums = [int(m.group(1)) for r in rows if (m := _VERSION_FILE.match(r["path"].rsplit("/", 1)[-1]))]
    return max(nums, default=0)


def manifest(spark, store_uri: str, version: Optional[int] = None) -> dict:
    """The JSON manifest of a version (default: the latest)."""
    if version is None:
        version = latest_version(spark, store_uri)
        if version == 0:
            raise ValueError(f"{store_uri}: the store has no version yet")
    if not isinstance(version, int) or version < 1:
        raise ValueError(f"version must be a positive integer, not {version!r}")
    rel = f"versions/{version:06d}.json"
    if _is_local(store_uri):
        path = os.path.join(_local_path(store_uri), rel)
        if not os.path.exists(path):
            raise FileNotFoundError(f"{store_uri}: no version {version} ({path})")
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    text = spark.read.text(_join(store_uri, rel), wholetext=True).collect()[0][0]
    return json.loads(text)


def tables(spark, store_uri: str, version: Optional[int] = None, register: bool = True) -> Dict[str, "object"]:
    """DataFrames of a store version's classes, keyed by class name.

    store_uri is the store directory as Spark sees it (a local path, file://,
    hdfs:// or s3a:// URI). With register=True (default) each DataFrame is
    also a temporary view named after its class.
    """
    from pyspark.sql import functions as F

    m = manifest(spark, store_uri, version)
    by_class: Dict[str, list] = {}
    for ds in sorted(m.get("datasets", {})):
        for cls, t in sorted((m["datasets"][ds].get("tables") or {}).items()):
            by_class.setdefault(cls, []).append((ds, t))
    out = {}
    for cls in sorted(by_class):
        entries = by_class[cls]
        types: Dict[str, str] = {}
        clash = set()
        for _, t in entries:
            for c in t.get("columns") or []:
                if c["name"] in types and types[c["name"]] != c["type"]:
                    clash.add(c["name"])
                types.setdefault(c["name"], c["type"])
        ds_col = "store_dataset" if "dataset" in types else "dataset"
        df = None
        for ds, t in entries:
            part = spark.read.parquet(_join(store_uri, t["file"]))
            for name in clash:
                if name in part.columns:
                    part = part.withColumn(name, F.col(name).cast("string"))
            part = part.select(F.lit(ds).alias(ds_col), *[F.col(f"`{c}`") for c in part.columns])
            df = part if df is None else df.unionByName(part, allowMissingColumns=True)
        out[cls] = df
        if register:
            df.createOrReplaceTempView(cls)
    return out
