#!/usr/bin/env bash
# Regenerates python/ccc/models.py (pydantic classes of the ccc schema) with
# LinkML's gen-pydantic from the schema embedded in ccc (schema/*.yaml).
# python/tests/test_models.py fails when the committed file is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
gen-pydantic schema/connectivity_schema.yaml > python/ccc/models.py.tmp
mv python/ccc/models.py.tmp python/ccc/models.py
