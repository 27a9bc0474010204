"""The README's Python examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

import bpr
from bpr.examples import vehicle_transfer

README = Path(__file__).parents[1] / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def test_the_readme_python_examples_run(tmp_path, monkeypatch):
    blocks = _python_blocks()
    assert len(blocks) >= 2
    monkeypatch.chdir(tmp_path)
    names: dict = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), names)
    process = vehicle_transfer()
    assert bpr.read_process(tmp_path / "transfer.json") == process
    assert [s.name for s in bpr.read_bpmn(tmp_path / "transfer.bpmn").steps] == [
        s.name for s in process.steps
    ]
    assert bpr.read_pnml(tmp_path / "transfer.pnml").labels == {s.name for s in process.steps}
    assert names["svg"].rstrip().endswith("</svg>")
    assert [s.name for s in names["p"].steps] == [
        "Submit request", "Inquiry to registry", "Inquiry to police", "Review", "Issue", "Reject"
    ]  # fmt: skip
