"""read_log on CSV, Parquet and DataFrames: columns, repairs, engines, bad input."""

from __future__ import annotations

import gzip
import logging
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

import bpr
from bpr import LogError
from bpr.errors import ColumnError
from bpr.log import read_log

HEADER = "case_id,activity,timestamp,resource,cost\n"
# Two cases, interleaved, one event out of order, one exact duplicate, labels in Arabic and
# Persian letters, a row without case and one without a parseable time.
ROWS = [
    "c1,ثبت درخواست,2024-01-01 09:00:00,Ali,10",
    "c2,ثبت درخواست,2024-01-01 09:30:00,Sara,10",
    "c1,بررسي مدارك,2024-01-01 11:00:00,Reza,20",
    "c1,بررسی مدارک,2024-01-01 10:00:00,Reza,20",
    "c2,بررسی مدارک,2024-01-02 10:00:00,Reza,5",
    "c2,بررسی مدارک,2024-01-02 10:00:00,Reza,5",
    ",پرداخت,2024-01-03 10:00:00,Ali,1",
    "c2,پرداخت,not a time,Ali,1",
]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def permit_csv(tmp_path: Path) -> Path:
    return write(tmp_path / "permit.csv", HEADER + "\n".join(ROWS) + "\n")


def repairs(log: bpr.EventLog) -> dict[str, int]:
    return dict(zip(log.repairs["repair"], log.repairs["count"], strict=True))


def test_csv_events_and_repairs(permit_csv: Path) -> None:
    log = read_log(permit_csv)
    assert log.engine == "duckdb"
    assert log.source == str(permit_csv)
    assert dict(log.columns_chosen) == {
        "case": "case_id",
        "activity": "activity",
        "timestamp": "timestamp",
        "resource": "resource",
    }
    events = log.to_pandas()
    assert list(events.columns) == [
        "case", "activity", "timestamp", "resource", "cost", "position",
    ]  # fmt: skip
    # By hand: c1 has rows 0, 3, 2 in time order; c2 has rows 1, 4 and 5 (a copy of 4, kept).
    assert list(zip(events["case"], events["position"], strict=True)) == [
        ("c1", 0), ("c1", 3), ("c1", 2), ("c2", 1), ("c2", 4), ("c2", 5),
    ]  # fmt: skip
    # Rows 3, 4 and 5 spell the label in Persian and row 2 in Arabic letters: Persian wins.
    assert list(events["activity"]) == [
        "ثبت درخواست", "بررسی مدارک", "بررسی مدارک", "ثبت درخواست", "بررسی مدارک", "بررسی مدارک",
    ]  # fmt: skip
    assert events["timestamp"].iloc[0] == pd.Timestamp("2024-01-01 09:00", tz="UTC")
    assert list(events["cost"]) == [10, 20, 20, 10, 5, 5]
    assert repairs(log) == {
        "rows without case dropped": 1,
        "unparseable timestamps dropped": 1,
        "exact duplicate events kept": 1,
        "labels merged by normalisation": 1,
        "events re-sorted within a case": 1,
    }
    detail = log.repairs.set_index("repair")["detail"]
    assert detail["labels merged by normalisation"] == "'بررسي مدارك' (1) → 'بررسی مدارک'"
    assert detail["unparseable timestamps dropped"].endswith("first examples: 'not a time'")
    assert "pass duplicates='drop' to remove them" in detail["exact duplicate events kept"]
    assert (log.n_cases, log.n_events) == (2, 6)
    assert log.activities == ("بررسی مدارک", "ثبت درخواست")
    dropped = read_log(permit_csv, duplicates="drop")
    assert list(dropped.to_pandas()["position"]) == [0, 3, 2, 1, 4]
    assert repairs(dropped)["exact duplicate events removed"] == 1
    assert "exact duplicate events kept" not in repairs(dropped)


def test_strict_refuses_every_repair(permit_csv: Path) -> None:
    with pytest.raises(LogError, match=r"permit\.csv: the log needs repairs and strict=True"):
        read_log(permit_csv, strict=True)
    clean = write(permit_csv.with_name("clean.csv"), HEADER + ROWS[0] + "\n" + ROWS[1] + "\n")
    assert read_log(clean, strict=True).repairs.empty


@pytest.mark.parametrize(
    ("row", "duplicates"),
    [
        ("c1,a,2024-01-01,x,1\nc1,b,2024-01-01,x,1\nc1,b,2024-01-01,x,1", "drop"),  # duplicate
        ("c1,a,2024-01-02,x,1\nc1,b,2024-01-01,x,1", "keep"),  # re-sorted
        ("c1,Check,2024-01-01,x,1\nc1,check,2024-01-02,x,1", "keep"),  # labels merged
        ("c1,a,2024-01-01,x,1\nc1,,2024-01-02,x,1", "keep"),  # no activity
        ("c1,a,2024-01-01,x,1\nc1,b,,x,1", "keep"),  # no timestamp
    ],
)
def test_each_repair_is_an_error_when_strict(tmp_path: Path, row: str, duplicates: str) -> None:
    path = write(tmp_path / "one.csv", HEADER + row + "\n")
    assert len(read_log(path, duplicates=duplicates).repairs) == 1
    with pytest.raises(LogError, match="strict=True"):
        read_log(path, duplicates=duplicates, strict=True)


def test_what_is_only_reported_is_no_error_when_strict(tmp_path: Path) -> None:
    copies = "c1,a,2024-01-01,x,1\nc1,b,2024-01-01,x,1\nc1,b,2024-01-01,x,1\n"
    kept = read_log(write(tmp_path / "copies.csv", HEADER + copies), strict=True)
    assert (kept.n_events, repairs(kept)) == (3, {"exact duplicate events kept": 1})
    untimed = read_log(write(tmp_path / "untimed.csv", "case,activity\nc1,a\nc1,b\n"), strict=True)
    assert repairs(untimed) == {"no timestamps: events kept in file order": 2}


def test_engines_give_the_same_events(permit_csv: Path) -> None:
    from_file = read_log(permit_csv)
    as_pandas = read_log(permit_csv, engine="pandas")
    from_frame = read_log(pd.read_csv(permit_csv))
    frame_in_duckdb = read_log(pd.read_csv(permit_csv), engine="duckdb")
    assert (from_file.engine, as_pandas.engine, from_frame.engine) == ("duckdb", "pandas", "pandas")
    pd.testing.assert_frame_equal(from_file.to_pandas(), as_pandas.to_pandas())
    pd.testing.assert_frame_equal(from_file.to_pandas(), from_frame.to_pandas())
    pd.testing.assert_frame_equal(from_file.to_pandas(), frame_in_duckdb.to_pandas())
    pd.testing.assert_frame_equal(from_file.repairs, from_frame.repairs)
    assert from_file._con is not None and from_file._table == "events"
    assert as_pandas._frame is not None


def test_parquet_and_gzip_csv(tmp_path: Path, permit_csv: Path) -> None:
    frame = pd.read_csv(permit_csv)
    frame.to_parquet(tmp_path / "permit.parquet")
    compressed = tmp_path / "permit.csv.gz"
    compressed.write_bytes(gzip.compress(permit_csv.read_bytes()))
    expected = read_log(permit_csv).to_pandas()
    pd.testing.assert_frame_equal(read_log(tmp_path / "permit.parquet").to_pandas(), expected)
    pd.testing.assert_frame_equal(read_log(compressed).to_pandas(), expected)


def test_typed_parquet_columns(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "CaseID": [7, 7],
            "Activity": ["Apply", "Pay"],
            "start_time": pd.to_datetime(["2024-01-01 08:00", "2024-01-01 09:30"]),
            "time:timestamp": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 10:00"]),
        }
    )
    frame.to_parquet(tmp_path / "typed.parquet")
    log = read_log(tmp_path / "typed.parquet", timezone="Asia/Tehran")
    events = log.to_pandas()
    assert dict(log.columns_chosen) == {
        "case": "CaseID",
        "activity": "Activity",
        "timestamp": "time:timestamp",
        "start": "start_time",
    }
    assert list(events["case"]) == ["7", "7"]
    assert events["start"].iloc[0] == pd.Timestamp("2024-01-01 04:30", tz="UTC")
    assert events["timestamp"].iloc[1] == pd.Timestamp("2024-01-01 06:30", tz="UTC")


def test_dataframe_is_not_modified() -> None:
    frame = pd.DataFrame(
        {
            "case": [2.0, 1.0, None],
            "activity": ["b", "a", "a"],
            "timestamp": ["2024-01-02", "2024-01-01", "2024-01-01"],
        }
    )
    before = frame.copy(deep=True)
    log = read_log(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert list(log.to_pandas()["case"]) == ["1", "2"]  # integral floats lose their ".0"
    copy = log.to_pandas()
    copy.loc[0, "activity"] = "changed"
    assert log.to_pandas().loc[0, "activity"] == "a"


def test_start_and_complete_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path / "interval.csv",
        "case,activity,start,complete\n"
        "1,a,2024-01-01 08:00,2024-01-01 09:00\n"
        "1,b,2024-01-01 09:30,2024-01-01 09:10\n"
        "1,c,soon,2024-01-01 11:00\n"
        "1,d,,2024-01-01 12:00\n",
    )
    log = read_log(path, start="start", timestamp="complete")
    events = log.to_pandas()
    assert list(events["start"]) == [pd.Timestamp("2024-01-01 08:00", tz="UTC")] + [pd.NaT] * 3
    assert repairs(log) == {
        "unparseable start times cleared": 1,
        "start times after completion cleared": 1,
    }


def test_recognised_names_are_logged_and_nothing_is_printed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path / "names.csv",
        "CaseID,Activity,Time,Agency,Channel,Org:Resource\n1,a,2024-01-01,X,web,Ali\n",
    )
    with caplog.at_level(logging.INFO, logger="bpr"):
        log = read_log(path)
    assert dict(log.columns_chosen) == {
        "case": "CaseID",
        "activity": "Activity",
        "timestamp": "Time",
        "resource": "Org:Resource",
        "agency": "Agency",
        "channel": "Channel",
    }
    assert f"{path}: reading case from 'CaseID', activity from 'Activity'" in caplog.text
    assert capsys.readouterr() == ("", "")


def test_repairs_are_logged(permit_csv: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="bpr"):
        read_log(permit_csv)
    assert f"{permit_csv}: exact duplicate events kept: 1" in caplog.text


def test_persian_headers_and_clashing_names(tmp_path: Path) -> None:
    path = write(
        tmp_path / "fa.csv",
        "شماره پرونده,فعالیت,زمان,Position\n1,ثبت,1402/05/12 10:30,x\n",
    )
    log = read_log(path, dates="jalali", timezone="Asia/Tehran")
    assert dict(log.columns_chosen) == {
        "case": "شماره پرونده",
        "activity": "فعالیت",
        "timestamp": "زمان",
    }
    assert list(log.to_pandas().columns) == [
        "case",
        "activity",
        "timestamp",
        "source:Position",
        "position",
    ]


def test_bom_from_excel_is_handled(tmp_path: Path) -> None:
    path = write(tmp_path / "excel.csv", "\ufeffcase,activity,timestamp\n1,a,2024-01-01\n")
    assert read_log(path).columns_chosen["case"] == "case"


def test_windows_1256_needs_its_encoding(tmp_path: Path) -> None:
    path = write(
        tmp_path / "cp.csv", "case,activity,timestamp\n1,ثبت درخواست,2024-01-01\n", "cp1256"
    )
    with pytest.raises(
        LogError,
        match=r"cp\.csv: the file is not valid utf-8 \(line 2, byte 26: .*\); its bytes read as "
        r"Windows Arabic/Persian text: pass encoding='cp1256'",
    ):
        read_log(path)
    assert read_log(path, encoding="cp1256").activities == ("ثبت درخواست",)
    assert read_log(path, encoding="latin-1").n_events == 1  # read, if wrongly: the user chose
    with pytest.raises(LogError, match=r"cp\.csv: unknown encoding 'klingon'; pass one Python"):
        read_log(path, encoding="klingon")
    with pytest.raises(LogError, match=r"not valid utf-16"):
        read_log(path, encoding="utf-16")


def test_html_summary(permit_csv: Path) -> None:
    html = read_log(permit_csv)._repr_html_()
    for text in (
        "<td>2</td>",
        "<td>6</td>",
        "2024-01-01 09:00 – 2024-01-02 10:00",
        "labels merged",
    ):
        assert text in html
    clean = write(permit_csv.with_name("clean.csv"), HEADER + ROWS[0] + "\n")
    assert "No repairs were needed." in read_log(clean)._repr_html_()
    assert repr(read_log(clean)).endswith("cases=1, events=1, activities=1)")


def test_position_is_the_source_row(tmp_path: Path) -> None:
    rows = [f"c{i % 3},a{i},2024-01-01 00:{59 - i:02d}" for i in range(60)]
    path = write(tmp_path / "many.csv", "case,activity,timestamp\n" + "\n".join(rows) + "\n")
    events = read_log(path).to_pandas()
    assert all(events["activity"] == "a" + events["position"].astype(str))
    minute = events["timestamp"].dt.minute
    assert all(minute == 59 - events["position"])


# --- bad input ----------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LogError, match=r"nothere\.csv: no such file"):
        read_log(tmp_path / "nothere.csv")


def test_unknown_extension(tmp_path: Path) -> None:
    path = write(tmp_path / "log.xlsx", "x")
    with pytest.raises(LogError, match=r"log\.xlsx: unknown file type; bpr reads \.xes, "):
        read_log(path)


def test_directory(tmp_path: Path) -> None:
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(LogError, match=r"dir\.csv: a folder, and an empty one; give a log file"):
        read_log(tmp_path / "dir.csv")


@pytest.mark.parametrize("name", ["empty.csv", "empty.xes", "empty.parquet", "empty.csv.gz"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    with pytest.raises(LogError, match=rf"{name}: the file is empty"):
        read_log(write(tmp_path / name, ""))


def test_header_only(tmp_path: Path) -> None:
    path = write(tmp_path / "header.csv", "case,activity,timestamp\n")
    with pytest.raises(
        LogError, match=r"header\.csv: no events to read \(the source has no rows\)"
    ):
        read_log(path)


def test_nothing_left_after_repairs(tmp_path: Path) -> None:
    path = write(tmp_path / "late.csv", "case,activity,timestamp\n1,a,later\n")
    with pytest.raises(LogError, match=r"no events to read \(unparseable timestamps dropped: 1\)"):
        read_log(path)


@pytest.mark.parametrize("missing", ["case", "activity"])
def test_csv_without_a_needed_column(tmp_path: Path, missing: str) -> None:
    columns = {"case": "id", "activity": "step", "timestamp": "when"}
    names = {"case": "case", "activity": "activity", "timestamp": "timestamp"}
    names[missing] = columns[missing]
    path = write(tmp_path / "cols.csv", ",".join(names.values()) + "\n1,a,2024-01-01\n")
    pattern = (
        rf"cols\.csv: no {missing} column found among the columns \[.*'{columns[missing]}'.*\]; "
        rf"pass {missing}='<column>'"
    )
    with pytest.raises(LogError, match=pattern):
        read_log(path)
    assert read_log(path, **{missing: columns[missing]}).n_events == 1


def test_named_column_that_does_not_exist(permit_csv: Path) -> None:
    with pytest.raises(LogError, match=r"no column 'Case' \(passed as case=\); the columns are"):
        read_log(permit_csv, case="Case")


def test_truncated_gzip_csv(tmp_path: Path) -> None:
    data = gzip.compress(("case,activity,timestamp\n" + "1,a,2024-01-01\n" * 20000).encode())
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(LogError, match=r"cut\.csv\.gz: .*gzip stream is truncated or corrupt"):
        read_log(path)


def test_corrupt_parquet(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.parquet", "PAR1 this is not parquet")
    with pytest.raises(LogError, match=r"bad\.parquet: cannot read the log"):
        read_log(path)


def test_bad_sources_and_options(permit_csv: Path) -> None:
    with pytest.raises(LogError, match="cannot read an event log from a list"):
        read_log([1, 2])  # type: ignore[arg-type]
    with pytest.raises(LogError, match="unknown engine 'polars'"):
        read_log(permit_csv, engine="polars")
    with pytest.raises(
        LogError,
        match=r"engine='spark' reads files through a Spark session: pass "
        "spark=<your SparkSession>",
    ):
        read_log(permit_csv, engine="spark")


def test_exported_names() -> None:
    assert bpr.read_log is read_log
    assert "EventLog" in bpr.__all__ and "read_log" in bpr.__all__


def test_time_span_in_utc(tmp_path: Path) -> None:
    path = write(tmp_path / "span.csv", "case,activity,timestamp\n1,a,2024-01-01T10:00:00+03:30\n")
    assert read_log(path)._span == (datetime(2024, 1, 1, 6, 30, tzinfo=UTC),) * 2


def test_a_late_value_of_another_type_reads_the_column_as_text(tmp_path: Path) -> None:
    # DuckDB guesses "cost" is an integer from the first rows; the last row says otherwise.
    rows = [f"c{i},a,2024-01-01,{i}" for i in range(30000)] + ["c-last,a,2024-01-01,n/a"]
    path = write(tmp_path / "late.csv", HEADER.replace(",resource", "") + "\n".join(rows) + "\n")
    events = read_log(path).to_pandas().set_index("case")
    assert events.loc["c-last", "cost"] == "n/a"
    assert events.loc["c17", "cost"] == "17"


def test_duckdb_connection_draws_no_progress_bar(permit_csv: Path) -> None:
    log = read_log(permit_csv)
    assert log._con is not None
    setting = log._con.execute("SELECT current_setting('enable_progress_bar')").fetchall()
    assert setting == [(False,)]


@pytest.mark.parametrize(
    ("spellings", "display"),
    [
        (["بررسی مدارک", "بررسي مدارك", "بررسی مدارک"], "بررسی مدارک"),  # Arabic yeh and kaf
        (["ثبت\u200cنام", "ثبت نام", "ثبت  نام "], "ثبت\u200cنام"),  # ZWNJ and spacing; tie
        (["بَررسی", "بررسی"], "بَررسی"),  # diacritics; tie: the first seen
        (["Check Documents", "check documents", "CHECK  documents", "check documents"],
         "check documents"),  # Latin case and spacing
        (["مرحله ۲", "مرحله 2", "مرحله ٢", "مرحله 2"], "مرحله 2"),  # digits
    ],
)  # fmt: skip
def test_label_spellings_merge_into_the_most_frequent(spellings: list[str], display: str) -> None:
    n = len(spellings)
    frame = pd.DataFrame(
        {
            "case": ["c"] * n + ["d"],
            "activity": [*spellings, "Approved"],
            "timestamp": [f"2024-01-0{i + 1}" for i in range(n)] + ["2024-01-01"],
        }
    )
    log = read_log(frame)
    assert log.activities == tuple(sorted([display, "Approved"]))
    merged = log.repairs.set_index("repair").loc["labels merged by normalisation"]
    assert merged["count"] == sum(s != display for s in spellings)
    assert merged["detail"].endswith(f"→ {display!r}")


def test_different_labels_stay_apart() -> None:
    frame = pd.DataFrame(
        {
            "case": ["c"] * 4,
            "activity": ["Approve", "Approved", "می\u200cخواهد", "میخواهد"],
            "timestamp": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
        }
    )
    log = read_log(frame)
    assert len(log.activities) == 4
    assert log.repairs.empty


# --- duplicates: only events equal in every column are copies ------------------------------


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_near_duplicates_are_different_events(engine: str) -> None:
    # Same case, activity and time; another resource, event id or cost: three events.
    frame = pd.DataFrame(
        {
            "case": ["c1"] * 4,
            "activity": ["check"] * 4,
            "timestamp": ["2024-01-01 10:00"] * 4,
            "resource": ["Ali", "Sara", "Ali", "Ali"],
            "event_id": ["e1", "e2", "e3", "e1"],
        }
    )
    log = read_log(frame, engine=engine)
    assert log.n_events == 4
    # Only the last row repeats an earlier one (the first) in every column.
    assert repairs(log) == {"exact duplicate events kept": 1}
    dropped = read_log(frame, engine=engine, duplicates="drop")
    assert list(dropped.to_pandas()["event_id"]) == ["e1", "e2", "e3"]
    assert repairs(dropped) == {"exact duplicate events removed": 1}


def test_missing_values_count_as_equal_in_a_copy() -> None:
    frame = pd.DataFrame(
        {
            "case": ["c1", "c1", "c1"],
            "activity": ["pay", "pay", "pay"],
            "timestamp": ["2024-01-01"] * 3,
            "note": [None, None, "again"],
        }
    )
    assert repairs(read_log(frame)) == {"exact duplicate events kept": 1}
    assert read_log(frame, duplicates="drop").n_events == 2


def test_unknown_duplicates_option(permit_csv: Path) -> None:
    with pytest.raises(
        LogError, match=r"unknown duplicates 'first'; pass one of \('keep', 'drop'\)"
    ):
        read_log(permit_csv, duplicates="first")


# --- logs without times (control-flow only) -------------------------------------------------


UNTIMED = "case,activity,resource\nc2,submit,Ali\nc1,submit,Sara\nc1,check,Reza\nc1,submit,Sara\n"


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_a_log_without_a_time_column_is_read_in_file_order(
    tmp_path: Path, engine: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / "flow.csv", UNTIMED)
    with caplog.at_level(logging.WARNING, logger="bpr"):
        log = read_log(path, engine=engine)
    assert not log.timed
    assert dict(log.columns_chosen) == {
        "case": "case",
        "activity": "activity",
        "resource": "resource",
    }
    events = log.to_pandas()
    # Each case in the order of the file; the repeated submit is rework, not a copy.
    assert list(zip(events["case"], events["activity"], events["position"], strict=True)) == [
        ("c1", "submit", 1), ("c1", "check", 2), ("c1", "submit", 3), ("c2", "submit", 0),
    ]  # fmt: skip
    assert events["timestamp"].isna().all()
    assert str(events["timestamp"].dtype) == "datetime64[us, UTC]"
    assert repairs(log) == {"no timestamps: events kept in file order": 4}
    assert "no time column was found" in log.repairs["detail"].iloc[0]
    assert "no timestamps: events kept in file order" in caplog.text
    assert "time span (UTC)</th><td>unknown" in log._repr_html_()


def test_a_time_column_without_any_value_is_no_time_column(tmp_path: Path) -> None:
    path = write(tmp_path / "empty-times.csv", "case,activity,timestamp\n1,a,\n1,b,\n2,a,\n")
    log = read_log(path)
    assert not log.timed and log.n_events == 3
    assert "timestamp" not in log.columns_chosen
    assert "the time column 'timestamp' has no value" in log.repairs["detail"].iloc[0]


def test_some_events_without_a_time_are_dropped_and_said_why(tmp_path: Path) -> None:
    path = write(tmp_path / "gaps.csv", "case,activity,timestamp\n1,a,2024-01-01\n1,b,\n2,a,\n")
    log = read_log(path)
    assert log.timed and log.n_events == 1
    detail = log.repairs.set_index("repair").loc["rows without timestamp dropped"]
    assert detail["count"] == 2
    assert "the other events have times" in detail["detail"]
    assert "a log where no event has a time is read in file order" in detail["detail"]


def test_a_log_without_times_cannot_drop_copies(tmp_path: Path) -> None:
    path = write(tmp_path / "flow.csv", UNTIMED)
    with pytest.raises(LogError, match=r"flow\.csv: no time column was found, so an exact dup"):
        read_log(path, duplicates="drop")


def test_a_start_column_needs_a_completion_time(tmp_path: Path) -> None:
    path = write(tmp_path / "starts.csv", "case,activity,begin\n1,a,2024-01-01\n")
    with pytest.raises(LogError, match=r"start='begin' was given but no completion time column"):
        read_log(path, start="begin")


def test_a_missing_case_column_is_named_alone_in_a_log_without_times(tmp_path: Path) -> None:
    path = write(tmp_path / "nocase.csv", "id,activity\n1,a\n")
    with pytest.raises(ColumnError) as raised:
        read_log(path)
    assert raised.value.roles == ("case",)
    assert raised.value.columns == ("id", "activity")
    assert "__bpr" not in str(raised.value)
