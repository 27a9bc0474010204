"""Fixtures shared by the test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).parents[1].parent / "shared" / "data"
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
def shared_data() -> Path:
    """The public event logs and models of ``../shared/data`` (read-only)."""
    return SHARED_DATA
