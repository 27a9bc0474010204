"""The modules of bpr form layers: the core and the formats never import an analysis or a view,
and an analysis never imports a view.

Imports are read from the source with :mod:`ast`, those inside functions included (a lazy
import is still a dependency, and a cycle through ``render`` hides there); only imports for
type checking (``if TYPE_CHECKING:``) are left out, since they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

_PACKAGE = Path(__file__).resolve().parents[1] / "bpr"

# What a service process and an event log are, how they are read and written, and the
# machinery under them.
CORE = frozenset(
    {
        "errors",
        "labels",
        "timestamps",
        "calendar",
        "xes",
        "log",
        "stats",
        "model",
        "serialize",
        "bpmn",
        "pnml",
        "_display",
        "_edit",
        "_engine",
        "_files",
        "_graph",
        "_graphviz",
        "_pm4py",
        "_read",
        "_spark",  # the Spark engine of read_log and its statistics
        "_steps",
        "_tables",
        "_version",
    }
)
# What bpr finds out about a service: typing, discovery, measurement, conformance,
# simulation, redesign.
ANALYSES = frozenset(
    {
        "classify",
        "annotate",
        "step_table",  # reads a typed procedure with the annotation table's parsing
        "catalog",
        "_portfolio",
        "_province",
        "examples",  # the bundled examples, a province's catalogue among them
        "discover",
        "document",
        "fidelity",
        "conformance",
        "measure",
        "_measure_log",
        "_measure_model",
        "simulate",
        "heuristics",
        "redesign",
        "_regions",
        # The one vocabulary: the analyses write their messages with it (durations), and it
        # names the heuristics of the catalogue.
        "_words",
    }
)
# How it is shown and run: diagrams, reports, the whole analysis, the command line, and the
# package's face (``bpr/__init__.py``, which imports everything).
VIEWS = frozenset(
    {
        "render",
        "report",
        "portfolio",  # the catalogue report: the province's dashboard and its service pages
        "analysis",
        "cli",
        "__main__",
        "__init__",
        "_demo",
        "_rationales",
    }
)
_LAYER = {m: 0 for m in CORE} | {m: 1 for m in ANALYSES} | {m: 2 for m in VIEWS}
_NAMES = ("core or format", "analysis", "view")


def _modules() -> list[str]:
    return sorted(p.stem for p in _PACKAGE.glob("*.py"))


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(tree: ast.AST) -> set[str]:
    """The bpr modules a module's code imports (``__init__`` for the package itself)."""
    found: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            found.update(_module(a.name) for a in node.names if a.name.split(".")[0] == "bpr")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "bpr":
                # ``from bpr import _words`` names a module; ``from bpr import x`` the package.
                found.update(
                    a.name if (_PACKAGE / f"{a.name}.py").exists() else "__init__"
                    for a in node.names
                )
            elif node.module.startswith("bpr."):
                found.add(_module(node.module))
        stack.extend(ast.iter_child_nodes(node))
    return found


def _module(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(module: str) -> set[str]:
    return _imported(ast.parse((_PACKAGE / f"{module}.py").read_text())) - {module}


def test_every_module_has_a_layer() -> None:
    assert [m for m in _modules() if m not in _LAYER] == []


@pytest.mark.parametrize("module", _modules())
def test_a_module_imports_nothing_from_a_layer_above_its_own(module: str) -> None:
    above = sorted(m for m in _imports(module) if _LAYER.get(m, 0) > _LAYER.get(module, 2))
    where = _NAMES[_LAYER.get(module, 2)]
    assert above == [], f"{module} ({where}) imports {above}"


def test_the_reader_of_imports_sees_lazy_imports_and_skips_type_checking_ones() -> None:
    source = """
from typing import TYPE_CHECKING
from bpr.model import Step
if TYPE_CHECKING:
    from bpr.fidelity import Fidelity
def show():
    from bpr.render import render
    import bpr.report
    from bpr import _words, __version__
"""
    assert _imported(ast.parse(source)) == {"model", "render", "report", "_words", "__init__"}
