"""Each method of ccc.Client and ccc.Store against the CLI's answer to the
same question, on the offline quickstart store."""

import io
import json
import os
import re

import pandas as pd
import pytest

import ccc

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text))


def test_version_matches_go():
    src = open(os.path.join(REPO, "doc.go"), encoding="utf-8").read()
    assert ccc.__version__ == re.search(r'var Version = "([^"]+)"', src).group(1)


def test_get_versions(api, cli):
    got = api.get_versions()
    want = json.loads(cli("versions", "--format", "json"))
    assert len(got) == len(want) >= 13  # the quickstart grows a step per capability
    assert got["version"].tolist() == [v["version"] for v in want]
    assert got["dataset"].tolist() == [v["dataset"] for v in want]
    assert got["message"].tolist() == [v.get("message", "") for v in want]
    assert str(got["time"].dtype).startswith("datetime64")
    assert api.get_versions(dataset="ccf2017")["version"].tolist() == [1, 2]


def test_get_tables(api, cli):
    got = api.get_tables().sort_values(["dataset", "class"]).reset_index(drop=True)
    want = csv(cli("query", "--format", "csv", "--sql", "SELECT dataset, class, rows FROM ccc_tables ORDER BY dataset, class"))
    assert len(got) == len(want) >= 19
    pd.testing.assert_frame_equal(got[["dataset", "class", "rows"]], want, check_dtype=False)
    # time travel by version and by timestamp
    v2 = api.get_tables(version=2)
    assert v2["class"].tolist() == ["BrainRegion", "BrainRegionClosure"]  # the atlas and its closure
    t3 = api.get_versions()["time"].iloc[2]
    assert sorted(api.get_tables(timestamp=t3.to_pydatetime())["class"]) == ["BrainRegion", "BrainRegionClosure", "Synapse"]


def test_query_table(api, cli):
    got = api.query_table("BrainRegion", filter_in_dict={"acronym": ["VISp", "VIS", "VISp1"]},
                          select_columns=["id", "acronym", "parent_identifier"], order_by="id")
    want = csv(cli("query", "--format", "csv", "--sql",
                   "SELECT id, acronym, parent_identifier FROM BrainRegion WHERE acronym IN ('VISp','VIS','VISp1') ORDER BY id"))
    want = want.astype({"id": str, "parent_identifier": str})  # string ids, which read_csv takes for numbers
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    eq = api.query_table("BrainRegion", filter_equal_dict={"parent_identifier": "385"}, select_columns=["acronym"],
                         order_by=["acronym"])
    want = csv(cli("query", "--format", "csv", "--sql",
                   "SELECT acronym FROM BrainRegion WHERE parent_identifier = '385' ORDER BY acronym"))
    assert eq["acronym"].tolist() == want["acronym"].tolist() == ["VISp1", "VISp2/3", "VISp4", "VISp5", "VISp6a", "VISp6b"]
    out = api.query_table("BrainRegion", filter_equal_dict={"parent_identifier": "385"},
                          filter_out_dict={"acronym": ["VISp1", "VISp4"]}, select_columns=["acronym"], order_by="acronym")
    assert out["acronym"].tolist() == ["VISp2/3", "VISp5", "VISp6a", "VISp6b"]
    # SQL in a value is data
    assert len(api.query_table("BrainRegion", filter_equal_dict={"acronym": "VISp' OR '1'='1"})) == 0
    whole = api.query_table("Synapse", limit=7, version=3)
    assert len(whole) == 7 and whole.columns[0] == "dataset"
    assert str(whole["created"].dtype).startswith("datetime64")
    n = csv(cli("query", "--format", "csv", "--sql", "SELECT count(*) AS n FROM CellTypeAnnotation"))["n"][0]
    assert len(api.query_table("CellTypeAnnotation", select_columns=["id"])) == n
    # keyset paging
    page1 = api.query_table("BrainRegion", select_columns=["id"], order_by="id", limit=20)
    page2 = api.query_table("BrainRegion", select_columns=["id"], order_by="id", after=int(page1["id"].iloc[-1]))
    assert page1["id"].tolist() + page2["id"].tolist() == api.query_table("BrainRegion", select_columns=["id"], order_by="id")["id"].tolist()
    with pytest.raises(ccc.CCCError) as e:
        api.query_table("NoSuchTable")
    assert e.value.status == 404


@pytest.fixture(scope="module")
def busiest(client):
    d = client.synapse_degree()
    return int(d.sort_values(["out_degree", "pt_root_id"], ascending=[False, True])["pt_root_id"].iloc[0])


def test_synapse_query(api, cli, busiest):
    cols = ["id", "pre_pt_root_id", "post_pt_root_id", "size"]
    got = api.synapse_query(pre_ids=[busiest], select_columns=cols)
    want = csv(cli("synapses", "query", "--pre", str(busiest), "--columns", ",".join(cols), "--format", "csv"))
    assert len(got) > 100
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    full = api.synapse_query(pre_ids=[busiest], limit=5)
    assert len(full) == 5 and list(full["pre_pt_position"].iloc[0]) and full["id"].tolist() == want["id"].tolist()[:5]
    pairs = api.synapse_query(pre_ids=[busiest], group_by="pair")
    wantp = csv(cli("synapses", "query", "--pre", str(busiest), "--group-by", "pair", "--format", "csv"))
    pd.testing.assert_frame_equal(pairs, wantp, check_dtype=False)
    both = api.synapse_query(pre_ids=[busiest], post_ids=pairs["post_pt_root_id"].tolist()[:3], select_columns=cols)
    assert len(both) == pairs["syn_count"].iloc[:3].sum()


def test_synapse_degree_and_matrix(api, cli, busiest):
    got = api.synapse_degree(neurons=[busiest])
    want = csv(cli("synapses", "degree", "--neurons", str(busiest), "--format", "csv"))
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    partners = api.synapse_query(pre_ids=[busiest], group_by="pair")["post_pt_root_id"].tolist()[:4]
    ids = sorted([busiest] + partners)
    m = api.synapse_matrix(neurons=ids)
    wantm = csv(cli("synapses", "matrix", "--neurons", ",".join(map(str, ids)), "--format", "csv"))
    assert m["pre_pt_root_id"].tolist() == wantm["pre_pt_root_id"].tolist() == ids
    assert list(m.columns) == list(wantm.columns)
    assert m.iloc[:, 1:].values.tolist() == wantm.iloc[:, 1:].values.tolist()
    assert m.iloc[:, 1:].values.sum() > 0


def test_atlas(api, cli):
    anc = api.atlas.ancestors("VISp1")
    want = csv(cli("atlas", "ancestors", "VISp1", "--format", "csv"))
    assert anc["acronym"].tolist() == want["acronym"].tolist() == ["root", "grey", "CH", "CTX", "CTXpl", "Isocortex", "VIS", "VISp", "VISp1"]
    assert anc["id"].tolist() == want["id"].tolist()
    for verb in ("children", "descendants"):
        got = getattr(api.atlas, verb)("VIS")
        assert got["id"].tolist() == csv(cli("atlas", verb, "VIS", "--format", "csv"))["id"].tolist()
    s = api.atlas.search("visual", limit=5)
    assert s["acronym"].tolist() == csv(cli("atlas", "search", "visual", "-n", "5", "--format", "csv"))["acronym"].tolist()
    assert api.atlas.region(385)["acronym"].tolist() == ["VISp"]
    loc = api.atlas.locate([3960, 20000], [1600, 100], [3420, 100])
    assert loc["acronym"].tolist()[0] == "VISp" and loc["status"].tolist() == ["ok", "outside"]


def test_projections(api, cli):
    got = api.projections.find(region="VISp", include_descendants=True)
    want = csv(cli("projections", "find", "--region", "VISp", "--include-descendants", "--format", "csv"))
    assert len(got) == 6
    assert got["id"].tolist() == want["id"].tolist()
    assert len(api.projections.find(region="VISp", include_descendants=True, wild_type=True)) == 3
    ms = api.projections.matrices()
    assert ms["name"].tolist() == ["quickstart-density", "quickstart-mapseq"]
    long = api.projections.matrix("allen_connectivity", "quickstart-density")
    wide = api.projections.matrix("allen_connectivity", "quickstart-density", layout="wide")
    assert len(long) == 72 and wide.shape == (12, 7)
    png = api.projections.slice_png("allen_connectivity", "quickstart-ap", group="AP1")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_sql_and_cave_alias(api):
    assert api.sql("SELECT count(*) AS n FROM Synapse")["n"].tolist() == [300000]
    assert len(api.materialize.query_table("BrainRegion", limit=3)) == 3


def test_local_reader_and_shim(qs_store, cli):
    import sys

    sys.path.insert(0, os.path.join(REPO, "python"))
    import ccc_store

    s = ccc_store.Store(qs_store)
    assert len(s.table("BrainRegion")) == 38
    assert ccc.Store(qs_store).latest() == len(json.loads(cli("versions", "--format", "json")))


def test_client_errors():
    with pytest.raises(ccc.CCCError, match="cannot reach"):
        ccc.Client("http://127.0.0.1:9").get_versions()
    with pytest.raises(ValueError, match="comma"):
        ccc.Client("http://127.0.0.1:9").query_table("X", filter_in_dict={"a": ["x,y"]})
