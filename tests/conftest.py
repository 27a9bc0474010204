"""Fixtures shared by the test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
# The main line of the public receipt log (logs/receipt.xes.gz), in order: the procedure the
# conformance tests and the examples hold the log against.
RECEIPT_MAIN_LINE = [
    "Confirmation of receipt",
    "T02 Check confirmation of receipt",
    "T04 Determine confirmation of receipt",
    "T05 Print and send confirmation of receipt",
    "T06 Determine necessity of stop advice",
    "T10 Determine necessity to stop indication",
]


@pytest.fixture
def data_dir() -> Path:
    """The public event logs and models in ``tests/data`` (read-only; sources in its README)."""
    return DATA


def entity_bomb(root: str) -> str:
    """An XML prolog whose entity ``&lol9;`` expands to 10^9 "lol"s (the billion laughs), for
    a document whose root element is ``root``."""
    lines = ['<?xml version="1.0"?>', f"<!DOCTYPE {root} [", ' <!ENTITY lol "lol">']
    for level in range(1, 10):
        previous = "lol" if level == 1 else f"lol{level - 1}"
        lines.append(f' <!ENTITY lol{level} "{f"&{previous};" * 10}">')
    return "\n".join([*lines, "]>", ""])
