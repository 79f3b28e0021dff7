#!/usr/bin/env bash
# Installs what ccc needs on a fresh Debian machine, skipping what is there:
# libhdf5 (cgo, for NWB), Go modules, and the Python reference tools used by
# the conformance checks (linkml, pynwb, h5py, zarr, numpy, pandas, pyarrow,
# anndata, scipy), chromium for the web explorer's browser tests, and pyspark
# with Java 17 for the Spark engine's local server.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
[ -f /usr/include/hdf5/serial/hdf5.h ] || need_apt+=(libhdf5-dev)
command -v h5dump >/dev/null 2>&1 || need_apt+=(hdf5-tools)
[ -x /usr/bin/time ] || need_apt+=(time) # peak RSS of benchmarked processes (bench/)
# Test-only tools (CCC_SKIP_TEST_TOOLS=1 leaves them out, as the quickstart
# does): chromium for the web explorer's browser tests (chromedp), Java 17 for
# the local Spark Connect server of the Spark engine's tests (scripts/spark.sh,
# from the pyspark package).
if [ "${CCC_SKIP_TEST_TOOLS:-}" != 1 ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  if ! java -version 2>&1 | grep -q 'version "17'; then need_apt+=(openjdk-17-jre-headless); fi
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

go mod download

if [ "${CCC_SKIP_PYTHON:-}" != 1 ]; then
  if ! python3 -c 'import linkml, pynwb, h5py, zarr, numpy, pandas, pyarrow, duckdb, networkx, anndata, scipy, pytest, pydantic, pyspark' >/dev/null 2>&1; then
    echo "setup: installing Python reference tools (python/requirements.txt)" >&2
    python3 -m pip install -q --disable-pip-version-check -r python/requirements.txt
  fi
fi
if [ "${CCC_SKIP_PYTHON:-}" != 1 ]; then
  # the ccc Python package (pip install ./python); its tests import the source tree
  if ! (cd / && python3 -c 'import ccc._client') >/dev/null 2>&1; then
    echo "setup: installing the ccc Python package (python/)" >&2
    python3 -m pip install -q --disable-pip-version-check ./python
    rm -rf python/build python/*.egg-info
  fi
fi
