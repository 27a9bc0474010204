"""Bounded resources and the inputs a user will have: statistics computed once, an EventLog
shared by threads, encodings, timestamp units and zones, bad offsets, control characters."""

from __future__ import annotations

import gzip
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from bpr import LogError
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


PERSIAN = "case,activity,timestamp\n1,ثبت درخواست,2024-01-01 10:00\n1,پرداخت,2024-01-01 11:00\n"


@pytest.mark.parametrize(
    ("codec", "mark"),
    [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")],
)
@pytest.mark.parametrize("name", ["marked.csv", "marked.csv.gz"])
def test_a_byte_order_mark_says_the_encoding(
    tmp_path: Path, codec: str, mark: bytes, name: str
) -> None:
    data = mark + PERSIAN.encode(codec)
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    log = read_log(path)
    assert log.activities == ("ثبت درخواست", "پرداخت") or log.activities == (
        "پرداخت",
        "ثبت درخواست",
    )
    assert log.columns_chosen["case"] == "case"
    assert log.n_events == 2


def test_an_unknown_encoding_is_a_log_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(PERSIAN)
    with pytest.raises(LogError, match=r"x\.csv: unknown encoding 'utf-99'"):
        read_log(path, encoding="utf-99")


def test_the_command_line_names_its_encoding_option(tmp_path: Path) -> None:
    path = tmp_path / "cp.csv"
    path.write_bytes(PERSIAN.encode("cp1256"))
    result = subprocess.run(
        [sys.executable, "-m", "bpr", "measure", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "not valid utf-8 (line 2" in result.stderr and "--encoding cp1256" in result.stderr


@pytest.mark.parametrize(
    ("rows", "line", "found"),
    [
        (["1,a,2024-01-01 10:00", "1,b,2024-01-01 11:00,x,y", "2,c"], 3, 5),  # sniffer fails
        ([f"{i},a,2024-01-01 10:00" for i in range(30_000)] + ["9,b,2024-01-01 11:00,x"],
         30_002, 4),  # past DuckDB's sample
    ],
)  # fmt: skip
def test_ragged_rows_are_named(tmp_path: Path, rows: list[str], line: int, found: int) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("case,activity,timestamp\n" + "\n".join(rows) + "\n")
    with pytest.raises(
        LogError, match=rf"ragged\.csv: line {line} has {found} fields where the header has 3"
    ):
        read_log(path)


def test_a_truncated_gzip_csv_is_said_to_be_truncated(tmp_path: Path) -> None:
    data = gzip.compress("".join(f"{i},ثبت,2024-01-01 10:00\n" for i in range(20_000)).encode())
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(gzip.compress(b"case,activity,timestamp\n") + data[: len(data) // 2])
    for encoding in (None, "cp1256"):
        with pytest.raises(LogError, match=r"cut\.csv\.gz: .*gzip stream is truncated") as info:
            read_log(path, encoding=encoding)
        assert "not valid" not in str(info.value)


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
@pytest.mark.parametrize("zone", [None, "UTC", "Asia/Tehran"])
def test_parquet_timestamps_of_every_unit_and_zone(tmp_path: Path, unit: str, zone: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    seconds = pa.array([1_704_103_200, 1_704_106_800], pa.timestamp("s"))  # 2024-01-01 10:00, 11:00
    path = tmp_path / "times.parquet"
    pq.write_table(
        pa.table({"case": ["1", "1"], "activity": ["a", "b"],
                  "timestamp": seconds.cast(pa.timestamp(unit, tz=zone))}),
        path,
    )  # fmt: skip
    times = read_log(path).to_pandas()["timestamp"]
    # A zone only says how to show an instant: every file holds the same two instants.
    assert list(times) == [
        pd.Timestamp("2024-01-01 10:00", tz="UTC"),
        pd.Timestamp("2024-01-01 11:00", tz="UTC"),
    ]


def test_a_missing_number_as_case_id_is_a_row_without_case(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "nan.parquet"
    pq.write_table(
        pa.table({"case": [1.0, float("nan"), 2.0], "activity": ["a", "b", "c"],
                  "timestamp": ["2024-01-01 10:00"] * 3}),
        path,
    )  # fmt: skip
    log = read_log(path)
    assert list(log.to_pandas()["case"]) == ["1", "2"]
    assert log.repairs.to_dict("records") == [
        {"repair": "rows without case dropped", "count": 1, "detail": "column 'case'"}
    ]


@pytest.mark.parametrize("offset", ["+99:99", "+15:00", "-03:60"])
def test_an_offset_no_zone_has_is_no_time(tmp_path: Path, offset: str) -> None:
    path = tmp_path / "offsets.csv"
    path.write_text(
        f"case,activity,timestamp\n1,a,2024-01-01T10:00:00{offset}\n1,b,2024-01-01T11:00:00+03:30\n"
    )
    log = read_log(path)
    assert list(log.to_pandas()["timestamp"]) == [pd.Timestamp("2024-01-01 07:30", tz="UTC")]
    assert log.repairs.to_dict("records") == [
        {
            "repair": "unparseable timestamps dropped",
            "count": 1,
            "detail": f"column 'timestamp', first examples: '2024-01-01T10:00:00{offset}'",
        }
    ]
    with pytest.raises(LogError, match=r"strict=True: unparseable timestamps dropped: 1"):
        read_log(path, strict=True)


def test_control_characters_leave_labels(tmp_path: Path) -> None:
    path = tmp_path / "control.csv"
    path.write_text(
        "case,activity,timestamp,resource\n"
        '1,ap\x07ply,2024-01-01 10:00,A\x01li\n1,"check\ndocuments",2024-01-01 11:00,Sara\n'
        "1,\x0b,2024-01-01 12:00,Ali\n"
    )
    log = read_log(path)
    events = log.to_pandas()
    assert list(events["activity"]) == ["apply", "check documents"]
    assert list(events["resource"]) == ["Ali", "Sara"]
    assert log.repairs.to_dict("records") == [
        {
            "repair": "control characters removed from labels",
            "count": 4,
            "detail": "column 'activity' ('ap\\x07ply', 'check\\ndocuments', '\\x0b'); "
            "column 'resource' ('A\\x01li'); tabs and line breaks became spaces",
        },
        {"repair": "rows without activity dropped", "count": 1, "detail": "column 'activity'"},
    ]
    with pytest.raises(LogError, match="strict=True: control characters removed from labels: 4"):
        read_log(path, strict=True)
