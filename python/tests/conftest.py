"""Fixtures: a ccc binary, the offline quickstart store, and a 'ccc serve'
on 127.0.0.1:0 over it (with --allow-sql)."""

import os
import subprocess
import sys

import pytest

PY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(PY)
sys.path.insert(0, PY)  # test the source tree, not an installed copy

import ccc  # noqa: E402


@pytest.fixture(scope="session")
def ccc_bin(tmp_path_factory):
    exe = os.environ.get("CCC_BIN")
    if exe:
        return exe
    exe = str(tmp_path_factory.mktemp("bin") / "ccc")
    subprocess.run(["go", "build", "-o", exe, "./cmd/ccc"], cwd=REPO, check=True)
    return exe


@pytest.fixture(scope="session")
def qs_store(ccc_bin, tmp_path_factory):
    out = tmp_path_factory.mktemp("qs")
    subprocess.run([ccc_bin, "quickstart", "--out", str(out / "qs"), "--data", str(out / "no-data")],
                   check=True, stdout=subprocess.DEVNULL)
    return str(out / "qs" / "store")


@pytest.fixture(scope="session")
def server_url(ccc_bin, qs_store):
    p = subprocess.Popen([ccc_bin, "--store", qs_store, "--quiet", "serve", "--addr", "127.0.0.1:0", "--allow-sql"],
                         stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    assert " at http://" in line, line
    yield "http://" + line.split(" at http://", 1)[1].split()[0]
    p.terminate()
    p.wait(timeout=10)
    p.stdout.close()


@pytest.fixture(scope="session")
def client(server_url):
    return ccc.Client(server_url)


@pytest.fixture(scope="session")
def local(qs_store, ccc_bin):
    s = ccc.Store(qs_store, ccc_bin=ccc_bin)
    yield s
    s.close()


@pytest.fixture(params=["client", "store"])
def api(request):
    """Each test runs once on ccc.Client and once on ccc.Store."""
    return request.getfixturevalue("client" if request.param == "client" else "local")


@pytest.fixture(scope="session")
def cli(ccc_bin, qs_store):
    """cli("atlas", "ancestors", "VISp") -> stdout of ccc on the store."""

    def run(*args):
        r = subprocess.run([ccc_bin, "--store", qs_store, "--quiet", *args], check=True, capture_output=True, text=True)
        return r.stdout

    return run
