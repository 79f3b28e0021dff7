"""The benchmark peers (python/bench_peers.py, issue 18): their answers are
right, they agree with ccc's kernels (bench/kernels) and they fail loudly
when ccc's output differs."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

PY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(PY)
sys.path.insert(0, PY)

import bench_peers  # noqa: E402


def test_locate_take_edges():
    dims = (4, 3, 2)
    spacing = (10.0, 10.0, 10.0)
    vol = np.arange(1, 4 * 3 * 2 + 1, dtype=np.uint32)  # axis 0 fastest: label = 1 + i + 4*(j + 3*k)
    x = np.array([0.0, 39.99, 40.0, -0.5, np.nan, 15.0, 5.0, 1e300])
    y = np.array([0.0, 29.99, 0.0, 0.0, 0.0, 25.0, -1e-9, 0.0])
    z = np.array([0.0, 19.99, 0.0, 0.0, 0.0, 12.0, 0.0, 0.0])
    labels, inside = bench_peers.locate_take(vol, dims, spacing, x, y, z, chunk=3)
    want_inside = [True, True, False, False, False, True, False, False]
    assert inside.tolist() == want_inside
    assert labels.tolist() == [1, 24, 0, 0, 0, 1 + 1 + 4 * (2 + 3 * 1), 0, 0]
    lab2, ins2 = bench_peers.locate_naive(vol.reshape(dims, order="F"), spacing, x, y, z)
    assert lab2.tolist() == labels.tolist() and ins2.tolist() == want_inside


@pytest.fixture(scope="module")
def kernels(tmp_path_factory):
    exe = str(tmp_path_factory.mktemp("bin") / "kernels")
    subprocess.run(["go", "build", "-o", exe, "./bench/kernels"], cwd=REPO, check=True)
    return exe


def peer(*args):
    return subprocess.run([sys.executable, os.path.join(PY, "bench_peers.py"), *args], capture_output=True, text=True)


def test_locate_peers_agree_with_ccc_and_catch_a_difference(kernels, tmp_path):
    d = str(tmp_path / "loc")
    out = subprocess.run([kernels, "locate", "-res", "100", "-points", "30000", "-dir", d], check=True,
                         capture_output=True, text=True).stdout
    k = json.loads(out)
    assert k["points"] == 30000 and 0 < k["inside"] < 30000
    r = peer("locate", d, "--repeat", "1")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["equal"] is True
    labels = np.fromfile(os.path.join(d, "labels.u32"), dtype="<u4")
    i = int(np.flatnonzero(labels)[0])
    labels[i] += 1
    labels.tofile(os.path.join(d, "labels.u32"))
    r = peer("locate", d, "--repeat", "1")
    assert r.returncode == 3 and "1 labels differ" in r.stderr


def test_aggregate_fair_peer_is_bit_identical(kernels, tmp_path):
    d = str(tmp_path / "agg")
    subprocess.run([kernels, "aggregate", "-n", "4", "-dir", d], check=True, capture_output=True)
    r = peer("aggregate", d, "--repeat", "1")
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["bit_identical_voxels"] == res["voxels"] == 132 * 80 * 114 * len(json.load(open(os.path.join(d, "spec.json")))["ccc_groups"])
    ccc = np.fromfile(os.path.join(d, "ccc.f32"), dtype="<f4")
    j = int(np.argmax(np.abs(ccc)))
    ccc[j] *= 1.01
    ccc.tofile(os.path.join(d, "ccc.f32"))
    r = peer("aggregate", d, "--repeat", "1", "--no-naive")
    assert r.returncode == 3 and "aggregate fair: values differ" in r.stderr


def test_all_sh_tiny_writes_the_table(tmp_path):
    """bench/all.sh end to end at the smoke-test size on two benchmarks: the
    table has the machine line, the ceilings and rows whose outputs were
    asserted equal."""
    out = tmp_path / "results.md"
    env = dict(os.environ, BENCH_SIZE="tiny", BENCH_ONLY="atlas,projection", BENCH_DIR=str(tmp_path / "work"),
               BENCH_OUT=str(out))
    r = subprocess.run(["bash", os.path.join(REPO, "bench", "all.sh")], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    text = out.read_text()
    assert "- machine: " in text and "load average at start" in text
    assert "memory read" in text and "ccc version" in text
    table, targets = text.split("## Targets (issue 18")
    rows = [ln for ln in table.splitlines() if ln.startswith("| point -> region") or ln.startswith("| grid aggregation")]
    assert len(rows) == 8, rows  # atlas: 3 + whole process; projection: 3 + whole process
    assert all("| yes" in ln for ln in rows), rows
    assert "| point -> region: >= 2x" in targets and "| grid aggregation: >= 70%" in targets
