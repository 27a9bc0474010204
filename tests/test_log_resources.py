"""Bounded resources and the inputs a user will have: statistics computed once, an EventLog
shared by threads, encodings, timestamp units and zones, bad offsets, control characters."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from bpr.log import read_log

ROWS = "case,activity,timestamp\n" + "".join(
    f"c{i},{a},2024-01-0{1 + i % 3} {h}:00\n"
    for i in range(30)
    for h, a in ((9, "submit"), (10, "check"), (12, "issue"))
)


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    path = tmp_path / "small.csv"
    path.write_text(ROWS)
    return path


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_stats_are_computed_once(small_csv: Path, engine: str) -> None:
    log = read_log(small_csv, engine=engine)
    assert log.stats() is log.stats()


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_threads_share_one_log(small_csv: Path, engine: str) -> None:
    log = read_log(small_csv, engine=engine)
    results: dict[str, object] = {}
    errors: list[BaseException] = []

    def run(name: str, work: object) -> None:
        try:
            results[name] = work()  # type: ignore[operator]
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    jobs = {
        **{f"stats{i}": log.stats for i in range(3)},
        **{f"frame{i}": log.to_pandas for i in range(3)},
        **{f"values{i}": (lambda: log._value_counts("activity")) for i in range(2)},
    }
    threads = [threading.Thread(target=run, args=item) for item in jobs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results["stats0"] is results["stats1"] is results["stats2"]
    assert results["stats0"].activities.set_index("activity")["events"].to_dict() == {
        "submit": 30,
        "check": 30,
        "issue": 30,
    }
    for i in range(3):
        frame = results[f"frame{i}"]
        assert len(frame) == 90
        assert frame.groupby("case").size().eq(3).all()
    assert results["values0"]["n"].sum() == 90
    assert pd.Series(results["values1"]["n"].to_numpy()).tolist() == [30, 30, 30]


@pytest.mark.parametrize(("flag", "warned"), [("--dates", False), ("--calendar", True)])
def test_the_command_line_reads_jalali_dates_under_both_names(
    tmp_path: Path, flag: str, warned: bool
) -> None:
    path = tmp_path / "jalali.csv"
    path.write_text("case,activity,timestamp\n1,a,1402/05/12 10:30\n1,b,1402/05/13 10:30\n")
    result = subprocess.run(
        [sys.executable, "-m", "bpr", "measure", str(path), flag, "jalali"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert ("--calendar is now --dates" in result.stderr) is warned
    assert "Jalali dates" not in result.stderr  # read as Jalali: no warning about the years
    assert "1.00 days" in result.stdout  # cycle time: 1402/05/12 to 1402/05/13
