"""Runs the Python blocks of docs/tutorial.md, in order, in one namespace,
against the test server and store."""

import os
import re

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_tutorial_python_blocks(server_url, qs_store, ccc_bin, monkeypatch):
    text = open(os.path.join(REPO, "docs", "tutorial.md"), encoding="utf-8").read()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 6
    monkeypatch.setenv("CCC_URL", server_url)
    monkeypatch.setenv("CCC_STORE", qs_store)
    monkeypatch.setenv("CCC_BIN", ccc_bin)
    monkeypatch.delenv("CCC_TOKEN", raising=False)
    ns: dict = {"__name__": "tutorial"}
    for i, b in enumerate(blocks):
        try:
            exec(compile(b, f"docs/tutorial.md block {i + 1}", "exec"), ns)
        except Exception as e:  # name the block in the failure
            raise AssertionError(f"tutorial block {i + 1} failed: {e!r}\n{b}") from e
