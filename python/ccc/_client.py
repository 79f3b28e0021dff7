"""HTTP client of 'ccc serve' (ccc.Client) and the same methods on a local
store (ccc.Store), with CAVEclient's method and keyword names where the
operation is the same. Results are pandas DataFrames read from Arrow IPC
streams."""

from __future__ import annotations

import atexit
import datetime as _dt
import io
import json
import os
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

from ._local import Store as _LocalStore

Timestamp = Union[str, _dt.datetime, None]
IDs = Optional[Iterable[int]]

__all__ = ["Client", "Store", "CCCError"]

ARROW = "application/vnd.apache.arrow.stream"


class CCCError(Exception):
    """An error answered by the server (status and message), or a problem
    reaching it."""

    def __init__(self, message: str, status: int = 0):
        super().__init__(message)
        self.status = status


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, _dt.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=_dt.timezone.utc)
        return v.isoformat()
    return str(v)


def _join(name: str, values: Iterable[Any]) -> str:
    out = []
    for v in values:
        s = _text(v)
        if "," in s:
            raise ValueError(f"{name}: value {s!r} contains a comma, which the API uses to separate values")
        out.append(s)
    return ",".join(out)


def _filters(params: list, filter_in_dict=None, filter_out_dict=None, filter_equal_dict=None) -> None:
    for op, d in (("in", filter_in_dict), ("out", filter_out_dict)):
        for col, vals in (d or {}).items():
            if isinstance(vals, (str, bytes)) or not isinstance(vals, Iterable):
                vals = [vals]
            params.append((f"{op}.{col}", _join(f"{op}.{col}", vals)))
    for col, v in (filter_equal_dict or {}).items():
        params.append((f"eq.{col}", _text(v)))


def _ref(params: list, version: Optional[int], timestamp: Timestamp) -> None:
    if version is not None and timestamp is not None:
        raise ValueError("give version or timestamp, not both")
    if version is not None:
        params.append(("version", str(int(version))))
    if timestamp is not None:
        params.append(("timestamp", _text(timestamp)))


class _API:
    """The methods shared by Client and Store; subclasses give _base()."""

    token: Optional[str] = None
    timeout: float = 300.0

    def _base(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    # transport --------------------------------------------------------

    def _request(self, method: str, path: str, params: Sequence = (), body: Optional[bytes] = None,
                 accept: str = ARROW, content_type: Optional[str] = None) -> bytes:
        url = self._base().rstrip("/") + path
        q = [(k, v) for k, v in params if v is not None]
        if q:
            url += "?" + urllib.parse.urlencode(q)
        req = urllib.request.Request(url, data=body, method=method)
        req.add_header("Accept", accept)
        if content_type:
            req.add_header("Content-Type", content_type)
        if self.token:
            req.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.read()
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                msg = json.loads(raw)["error"]
            except Exception:
                msg = raw.decode("utf-8", "replace")
            raise CCCError(f"{method} {path}: {e.code}: {msg}", e.code) from None
        except urllib.error.URLError as e:
            raise CCCError(f"cannot reach {self._base()}: {e.reason}") from None

    def _table(self, path: str, params: Sequence = ()):
        import pyarrow as pa

        b = self._request("GET", path, params)
        return pa.ipc.open_stream(io.BytesIO(b)).read_all().to_pandas()

    # store ------------------------------------------------------------

    @property
    def materialize(self) -> "_API":
        """CAVEclient compatibility: client.materialize.query_table(...)
        is client.query_table(...)."""
        return self

    def get_versions(self, dataset: Optional[str] = None):
        """Store versions, oldest first: version, dataset, time, message,
        source_uri, ccc_version, schema_version, changed_tables,
        changed_artifacts."""
        return self._table("/api/v1/versions", [("dataset", dataset)])

    def get_datasets(self, version: Optional[int] = None, timestamp: Timestamp = None):
        """Datasets of a version with their tables, artifacts and rows."""
        p: list = []
        _ref(p, version, timestamp)
        return self._table("/api/v1/datasets", p)

    def get_tables(self, version: Optional[int] = None, timestamp: Timestamp = None, dataset: Optional[str] = None):
        """Tables of a version: dataset, class, rows, bytes, version,
        sha256, columns."""
        p: list = [("dataset", dataset)]
        _ref(p, version, timestamp)
        return self._table("/api/v1/tables", p)

    def query_table(self, table: str, filter_in_dict: Optional[Mapping[str, Iterable]] = None,
                    filter_out_dict: Optional[Mapping[str, Iterable]] = None,
                    filter_equal_dict: Optional[Mapping[str, Any]] = None,
                    select_columns: Optional[Sequence[str]] = None, order_by: Optional[Sequence[str]] = None,
                    limit: Optional[int] = None, offset: Optional[int] = None, after: Any = None,
                    datasets: Optional[Sequence[str]] = None, version: Optional[int] = None,
                    timestamp: Timestamp = None):
        """Rows of a class table (the union over datasets, with a dataset
        column), like CAVEclient's materialize.query_table: filters are
        bound parameters, never SQL; no row cap. order_by names columns,
        '-col' for descending; after= is keyset paging on the one order_by
        column."""
        p: list = []
        if select_columns:
            p.append(("select", _join("select_columns", select_columns)))
        if datasets:
            p.append(("dataset", _join("datasets", datasets)))
        _filters(p, filter_in_dict, filter_out_dict, filter_equal_dict)
        if order_by:
            p.append(("order_by", _join("order_by", [order_by] if isinstance(order_by, str) else order_by)))
        for k, v in (("limit", limit), ("offset", offset), ("after", after)):
            if v is not None:
                p.append((k, _text(v)))
        _ref(p, version, timestamp)
        return self._table("/api/v1/tables/" + urllib.parse.quote(table, safe=""), p)

    def sql(self, query: str, version: Optional[int] = None, timestamp: Timestamp = None):
        """Read-only SQL over the class views (the server needs
        --allow-sql)."""
        p: list = []
        _ref(p, version, timestamp)
        import pyarrow as pa

        b = self._request("POST", "/api/v1/sql", p, body=query.encode(), content_type="text/plain")
        return pa.ipc.open_stream(io.BytesIO(b)).read_all().to_pandas()

    # synapses ---------------------------------------------------------

    def _synapse_params(self, pre_ids, post_ids, remove_autapses, proofread, pre_types, post_types,
                        filter_in_dict, filter_out_dict, filter_equal_dict, dataset, version, timestamp) -> list:
        p: list = [("dataset", dataset)]
        if pre_ids is not None:
            p.append(("pre", _join("pre_ids", [int(x) for x in pre_ids])))
        if post_ids is not None:
            p.append(("post", _join("post_ids", [int(x) for x in post_ids])))
        if remove_autapses:
            p.append(("remove_autapses", "true"))
        if proofread:
            p.append(("proofread", proofread))
        if pre_types:
            p.append(("pre_type", _join("pre_types", pre_types)))
        if post_types:
            p.append(("post_type", _join("post_types", post_types)))
        _filters(p, filter_in_dict, filter_out_dict, filter_equal_dict)
        _ref(p, version, timestamp)
        return p

    def synapse_query(self, pre_ids: IDs = None, post_ids: IDs = None, remove_autapses: bool = False,
                      filter_in_dict=None, filter_out_dict=None, filter_equal_dict=None,
                      select_columns: Optional[Sequence[str]] = None, limit: Optional[int] = None,
                      split_positions: bool = False, desired_resolution: Optional[Sequence[float]] = None,
                      proofread: Optional[str] = None, pre_types: Optional[Sequence[str]] = None,
                      post_types: Optional[Sequence[str]] = None, group_by: Optional[str] = None,
                      with_cell_types: bool = False, sort: Optional[str] = None, dataset: Optional[str] = None,
                      version: Optional[int] = None, timestamp: Timestamp = None):
        """Synapses by pre/post root ids (both given: AND) through the
        graph index, in (pre, post, id) order, like CAVEclient's
        synapse_query. group_by='pair' gives per-pair counts."""
        p = self._synapse_params(pre_ids, post_ids, remove_autapses, proofread, pre_types, post_types,
                                 filter_in_dict, filter_out_dict, filter_equal_dict, dataset, version, timestamp)
        if select_columns:
            p.append(("columns", _join("select_columns", select_columns)))
        if limit is not None:
            p.append(("limit", str(int(limit))))
        if split_positions:
            p.append(("split_positions", "true"))
        if desired_resolution is not None:
            p.append(("desired_resolution", _join("desired_resolution", desired_resolution)))
        if group_by:
            p.append(("group_by", group_by))
        if with_cell_types:
            p.append(("with_cell_types", "true"))
        if sort:
            p.append(("sort", sort))
        return self._table("/api/v1/synapses/query", p)

    def synapse_matrix(self, neurons: IDs = None, pre_ids: IDs = None, post_ids: IDs = None, value: str = "count",
                       by: Optional[str] = None, remove_autapses: bool = False, proofread: Optional[str] = None,
                       dataset: Optional[str] = None, version: Optional[int] = None, timestamp: Timestamp = None):
        """Neuron x neuron matrix (a pre_pt_root_id column, one column per
        post root id) of count, binary or size; by='cell_type' gives
        connection probabilities between cell types."""
        p = self._synapse_params(pre_ids, post_ids, remove_autapses, proofread, None, None, None, None, None,
                                 dataset, version, timestamp)
        if neurons is not None:
            p.append(("neurons", _join("neurons", [int(x) for x in neurons])))
        p.append(("value", value))
        if by:
            p.append(("by", by))
        return self._table("/api/v1/synapses/matrix", p)

    def synapse_degree(self, neurons: IDs = None, partners: IDs = None, dataset: Optional[str] = None,
                       version: Optional[int] = None, timestamp: Timestamp = None):
        """In/out degrees, partner counts and summed sizes per neuron."""
        p = self._synapse_params(None, None, False, None, None, None, None, None, None, dataset, version, timestamp)
        if neurons is not None:
            p.append(("neurons", _join("neurons", [int(x) for x in neurons])))
        if partners is not None:
            p.append(("partners", _join("partners", [int(x) for x in partners])))
        return self._table("/api/v1/synapses/degree", p)

    # namespaces -------------------------------------------------------

    @property
    def atlas(self) -> "AtlasAPI":
        """Region hierarchy queries: ancestors, children, descendants,
        region, search, locate."""
        return AtlasAPI(self)

    @property
    def projections(self) -> "ProjectionsAPI":
        """Mesoscale projections: find, matrices, matrix, slice_png."""
        return ProjectionsAPI(self)


class AtlasAPI:
    """client.atlas: the brain-region hierarchy of an atlas in the store."""

    def __init__(self, api: _API):
        self._api = api

    def _p(self, atlas, version, timestamp) -> list:
        p: list = [("atlas", atlas)]
        _ref(p, version, timestamp)
        return p

    def _rel(self, region, relation, atlas, version, timestamp):
        path = "/api/v1/atlas/regions/" + urllib.parse.quote(str(region), safe="")
        if relation:
            path += "/" + relation
        return self._api._table(path, self._p(atlas, version, timestamp))

    def region(self, region: Union[int, str], atlas: Optional[str] = None, version: Optional[int] = None,
               timestamp: Timestamp = None):
        """One region (id or acronym) as a one-row DataFrame."""
        return self._rel(region, "", atlas, version, timestamp)

    def ancestors(self, region: Union[int, str], atlas: Optional[str] = None, version: Optional[int] = None,
                  timestamp: Timestamp = None):
        """The path from the root to the region (root first)."""
        return self._rel(region, "ancestors", atlas, version, timestamp)

    def children(self, region: Union[int, str], atlas: Optional[str] = None, version: Optional[int] = None,
                 timestamp: Timestamp = None):
        """The direct children of a region."""
        return self._rel(region, "children", atlas, version, timestamp)

    def descendants(self, region: Union[int, str], atlas: Optional[str] = None, version: Optional[int] = None,
                    timestamp: Timestamp = None):
        """The region and everything below it."""
        return self._rel(region, "descendants", atlas, version, timestamp)

    def search(self, text: str, limit: int = 20, atlas: Optional[str] = None, version: Optional[int] = None,
               timestamp: Timestamp = None):
        """Regions whose name or acronym matches, best first."""
        p = self._p(atlas, version, timestamp) + [("q", text), ("limit", str(int(limit)))]
        return self._api._table("/api/v1/atlas/search", p)

    def locate(self, x: Sequence[float], y: Sequence[float], z: Sequence[float], resolution: Optional[float] = None,
               atlas: Optional[str] = None, version: Optional[int] = None, timestamp: Timestamp = None):
        """Map CCF points (um; x AP, y DV, z ML) to regions."""
        p = self._p(atlas, version, timestamp) + [("x", _join("x", x)), ("y", _join("y", y)), ("z", _join("z", z))]
        if resolution is not None:
            p.append(("resolution", _text(resolution)))
        return self._api._table("/api/v1/atlas/locate", p)


class ProjectionsAPI:
    """client.projections: mesoscale experiments and projection matrices."""

    def __init__(self, api: _API):
        self._api = api

    def find(self, region: Union[int, str, None] = None, include_descendants: bool = False, line: Optional[str] = None,
             wild_type: bool = False, dataset: Optional[str] = None, atlas: Optional[str] = None,
             version: Optional[int] = None, timestamp: Timestamp = None):
        """Experiments by injection region (through the hierarchy with
        include_descendants), transgenic line or wild type."""
        p: list = [("dataset", dataset), ("atlas", atlas), ("line", line)]
        if region is not None:
            p.append(("region", str(region)))
        if include_descendants:
            p.append(("include_descendants", "true"))
        if wild_type:
            p.append(("wild_type", "true"))
        _ref(p, version, timestamp)
        return self._api._table("/api/v1/projections/experiments", p)

    def matrices(self, version: Optional[int] = None, timestamp: Timestamp = None):
        """The projection matrices of the store."""
        p: list = []
        _ref(p, version, timestamp)
        return self._api._table("/api/v1/projections/matrices", p)

    def matrix(self, dataset: str, name: str, layout: str = "long", version: Optional[int] = None,
               timestamp: Timestamp = None):
        """A projection matrix, long (data_item, region_id,
        region_acronym, value) or wide (one column per region)."""
        p: list = [("layout", layout)]
        _ref(p, version, timestamp)
        path = "/api/v1/projections/matrices/" + urllib.parse.quote(dataset, safe="") + "/" + urllib.parse.quote(name, safe="")
        return self._api._table(path, p)

    def slice_png(self, dataset: str, name: str, group: Optional[str] = None, plane: str = "coronal",
                  index: Optional[int] = None, version: Optional[int] = None, timestamp: Timestamp = None) -> bytes:
        """PNG bytes of a plane (or, without index, the maximum projection)
        of an aggregated projection volume."""
        p: list = [("group", group), ("plane", plane)]
        if index is not None:
            p.append(("index", str(int(index))))
        _ref(p, version, timestamp)
        path = "/api/v1/projections/slices/" + urllib.parse.quote(dataset, safe="") + "/" + urllib.parse.quote(name, safe="")
        return self._api._request("GET", path, p, accept="image/png")


class Client(_API):
    """A 'ccc serve' server: ccc.Client("http://127.0.0.1:8080", token=...)."""

    def __init__(self, url: str, token: Optional[str] = None, timeout: float = 300.0):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _base(self) -> str:
        return self.url

    def __repr__(self) -> str:
        return f"ccc.Client({self.url!r})"


class Store(_LocalStore, _API):
    """A local store directory. Reading tables (table, versions, manifest,
    ...) needs only pandas/pyarrow; the query methods it shares with Client
    (query_table, synapse_query, atlas, projections, ...) run through a
    private 'ccc serve' child on 127.0.0.1 (the ccc binary: ccc_bin, else
    $CCC_BIN, else ccc on PATH), so that both give the same answers."""

    def __init__(self, path: str, ccc_bin: Optional[str] = None, timeout: float = 300.0):
        super().__init__(path)
        self._bin = ccc_bin
        self._proc: Optional[subprocess.Popen] = None
        self._url: Optional[str] = None
        self.timeout = timeout

    def _base(self) -> str:
        if self._url is None:
            self._start()
        return self._url  # type: ignore[return-value]

    def _start(self) -> None:
        exe = self._bin or os.environ.get("CCC_BIN") or shutil.which("ccc")
        if not exe:
            raise CCCError("ccc.Store query methods need the ccc binary: pass ccc_bin=, set $CCC_BIN or put ccc on "
                           "PATH (go build -o bin/ccc ./cmd/ccc); Store.table() reads tables without it")
        self._proc = subprocess.Popen([exe, "--store", self.path, "--quiet", "serve", "--addr", "127.0.0.1:0",
                                       "--allow-sql"],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self._proc.stdout.readline() if self._proc.stdout else ""
        if " at http://" not in line:
            err = self._proc.stderr.read() if self._proc.stderr else ""
            self.close()
            raise CCCError(f"could not start '{exe} serve': {line.strip()} {err.strip()}")
        self._url = "http://" + line.split(" at http://", 1)[1].split()[0]
        atexit.register(self.close)

    def close(self) -> None:
        """Stop the private server (if started)."""
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
            for f in (self._proc.stdout, self._proc.stderr):
                if f:
                    f.close()
            self._proc = None
            self._url = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ccc.Store({self.path!r})"
