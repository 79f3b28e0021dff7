"""Runs the linkml-validate command line many times in one Python process.

linkml-validate spends seconds importing linkml before each run; the
conformance test (conformance/conformance_test.go) calls it for every
(schema, class) group of its corpus. This script imports linkml once and
calls the same click command (linkml.validator.cli:cli, the linkml-validate
entry point) for each request.

Input, one JSON object per line on stdin: {"args": [...], "cwd": "..."}.
Output, one JSON object per line: {"code": exit status, "stdout": "...",
"stderr": "..."}, in the same order.
"""
import contextlib
import io
import json
import os
import sys
import traceback

from linkml.validator.cli import cli


def run(args, cwd):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rv = cli.main(args=args, prog_name="linkml-validate", standalone_mode=False)
                code = rv if isinstance(rv, int) else 0
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            except Exception:  # reported like the command line would: a traceback, exit 1
                traceback.print_exc()
                code = 1
    finally:
        os.chdir(old)
    return {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        sys.stdout.write(json.dumps(run(req["args"], req["cwd"])) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
