"""How a core object draws itself in a notebook without the core importing the views.

A service process or a Petri net shows as a diagram in Jupyter, but drawing is the work of
:mod:`bpr.render`, a view that itself reads the model: the core asks here, and the view
registers its drawing when it is imported (``import bpr`` does).

Examples
--------
>>> class Box:
...     pass
>>> draw(Box()) is None  # nothing registered: the notebook falls back to the repr
True
>>> register(Box, lambda box: "<svg/>")
>>> draw(Box())
'<svg/>'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_DRAWERS: dict[type, Callable[[Any], str]] = {}


def register(cls: type, drawing: Callable[[Any], str]) -> None:
    """Draw the instances of ``cls`` (and of its subclasses) with ``drawing``."""
    _DRAWERS[cls] = drawing


def draw(obj: Any) -> str | None:
    """``obj`` drawn by what registered for its class, or ``None`` when nothing did."""
    for cls in type(obj).__mro__:
        if cls in _DRAWERS:
            return _DRAWERS[cls](obj)
    return None
