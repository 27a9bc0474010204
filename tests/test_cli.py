"""The command line: the demo's files, exit codes, one-line errors."""

from __future__ import annotations

import subprocess
import sys

from lxml import etree

from bpr import read_bpmn, read_process
from bpr.examples import vehicle_transfer


def _bpr(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "bpr", *args], capture_output=True, text=True, cwd=cwd
    )


def test_demo_writes_a_valid_model_in_three_formats(tmp_path):
    result = _bpr("demo", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "17 steps, 7 agencies" in result.stdout
    out = tmp_path / "out"
    assert read_process(out / "as-is.json") == vehicle_transfer()
    assert read_bpmn(out / "as-is.bpmn") == vehicle_transfer()
    svg = etree.parse(str(out / "as-is.svg")).getroot()
    texts = "".join(svg.itertext())
    assert all(step.name.split()[0] in texts for step in vehicle_transfer().steps)


def test_quiet_prints_nothing(tmp_path):
    result = _bpr("--quiet", "demo", "-o", str(tmp_path))
    assert result.returncode == 0 and result.stdout == ""


def test_unwritable_output_is_one_line_and_exit_1(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = _bpr("demo", "-o", str(blocker / "sub"))
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot write to")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_usage_error_exits_2():
    result = _bpr("demo", "--bogus")
    assert result.returncode == 2 and "No such option" in result.stderr


def test_no_command_shows_help():
    result = _bpr("--help")
    assert result.returncode == 0 and "demo" in result.stdout
