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


# -- memory_limit and temp_directory: DuckDB's memory and spill folder, given by the user ------

LOGS = Path(__file__).parent / "data" / "logs"


@pytest.fixture
def spill(tmp_path: Path) -> Path:
    folder = tmp_path / "spill"
    folder.mkdir()
    return folder


def _settings(log: object) -> tuple[str, Path]:
    with log._cursor() as cursor:  # type: ignore[attr-defined]
        limit, folder = cursor.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchone()
    return limit, Path(folder)


@pytest.mark.parametrize(("given", "shown"), [("3 GiB", "3.0 GiB"), ("500MB", "476.8 MiB")])
def test_memory_limit_and_temp_directory_are_the_log_connection_settings(
    small_csv: Path, spill: Path, given: str, shown: str
) -> None:
    log = read_log(small_csv, memory_limit=given, temp_directory=spill)
    limit, folder = _settings(log)
    assert limit == shown  # 500 MB = 500e6 / 2**20 MiB = 476.8 MiB
    assert folder.parent == spill and folder.name.startswith("bpr-") and folder.is_dir()
    log.stats()  # later work on the log runs on the same connection, within the same limits
    assert _settings(log) == (shown, folder)


def test_by_default_the_spill_folder_is_in_the_system_temporary_folder(small_csv: Path) -> None:
    import tempfile

    log = read_log(small_csv)
    _, folder = _settings(log)
    assert folder.parent == Path(tempfile.gettempdir()) and folder.is_dir()


def test_the_spill_folder_is_removed_with_the_log(small_csv: Path, spill: Path) -> None:
    import gc

    log = read_log(small_csv, temp_directory=spill)
    (folder,) = spill.iterdir()
    assert _settings(log)[1] == folder
    del log
    gc.collect()
    assert list(spill.iterdir()) == []


def test_a_log_kept_in_pandas_or_not_read_leaves_no_spill_folder(
    small_csv: Path, spill: Path
) -> None:
    log = read_log(small_csv, engine="pandas", temp_directory=spill)
    assert log.n_events == 90 and list(spill.iterdir()) == []
    with pytest.raises(LogError, match="no column 'when'"):
        read_log(small_csv, timestamp="when", temp_directory=spill)
    assert list(spill.iterdir()) == []


@pytest.mark.parametrize(
    ("given", "fault"),
    [
        ("lots", "is not a size"),
        ("3", "is not a size"),  # DuckDB needs the unit
        ("3 GB of it", "is not a size"),
        ("50MB", "is too small"),
        ("0.09 GiB", "is too small"),
    ],
)
def test_a_bad_memory_limit_is_named_with_an_example(
    small_csv: Path, given: str, fault: str
) -> None:
    with pytest.raises(LogError) as caught:
        read_log(small_csv, memory_limit=given)
    assert str(caught.value).startswith(f"memory_limit={given!r} {fault}")
    assert "e.g. memory_limit='3GB'" in str(caught.value)


def test_a_temp_directory_that_is_no_folder_is_named(small_csv: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    with pytest.raises(LogError, match=r"temp_directory='.*missing' is not an existing folder"):
        read_log(small_csv, temp_directory=missing)
    with pytest.raises(LogError, match=r"temp_directory='.*small\.csv' is not an existing"):
        read_log(small_csv, temp_directory=small_csv)
    assert not missing.exists()


def test_a_small_memory_limit_gives_the_same_statistics() -> None:
    path = LOGS / "bpic2020_permit_1t_per_variant.xes.gz"
    small = read_log(path, memory_limit="200MB").stats()
    usual = read_log(path).stats()
    assert small.activities.shape[0] > 10 and small.cases.shape[0] > 100
    for name in ("activities", "directly_follows", "variants", "cases"):
        pd.testing.assert_frame_equal(getattr(small, name), getattr(usual, name))
    assert small.start_activities == usual.start_activities
    assert small.end_activities == usual.end_activities


def _bpr(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bpr", *map(str, args)], capture_output=True, text=True
    )


def test_the_command_line_gives_memory_limit_and_temp_directory(
    small_csv: Path, tmp_path: Path, spill: Path
) -> None:
    result = _bpr("measure", small_csv, "--memory-limit", "50MB")
    assert result.returncode == 1
    assert "--memory-limit 50MB is too small" in result.stderr
    assert "e.g. --memory-limit 3GB" in result.stderr and "memory_limit" not in result.stderr
    result = _bpr("measure", small_csv, "--temp-directory", tmp_path / "missing")
    assert result.returncode == 1
    assert "--temp-directory" in result.stderr and "is not an existing folder" in result.stderr
    assert "temp_directory" not in result.stderr
    result = _bpr("measure", small_csv, "--memory-limit", "500MB", "--temp-directory", spill)
    assert result.returncode == 0, result.stderr
    assert "30 cases, 90 events, 3 activities" in result.stdout
    assert list(spill.iterdir()) == []  # bpr's folder there was removed at the end
