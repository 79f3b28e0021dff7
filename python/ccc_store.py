"""Compatibility shim: the store reader moved into the ccc package.

    import ccc_store                 # still works
    import ccc                       # preferred: ccc.Store(path), ccc.Client(url)
"""

import os as _os
import sys as _sys

_sys.path.insert(0, _os.path.dirname(_os.path.abspath(__file__)))

from ccc._local import Store, StoreError  # noqa: E402,F401

__all__ = ["Store", "StoreError"]

if __name__ == "__main__":  # python/ccc_store.py STORE: a summary of the latest version
    from ccc._local import main

    main(_sys.argv)
