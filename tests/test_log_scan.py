"""A Parquet log that needs no repair is scanned where it lies, and gives what a copy gives.

Each test reads the same events twice: from Parquet, where ``read_log`` may leave the events
in the file (a view), and from a pandas DataFrame, which it always copies and repairs; the
events, repairs and statistics must be equal. Whether the events were scanned or copied is read
from DuckDB's catalogue (``duckdb_views``), not from a private flag.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import bpr

TIMES = pd.to_datetime(
    ["2024-03-01 09:00", "2024-03-01 10:30", "2024-03-02 08:00", "2024-03-01 11:00",
     "2024-03-01 12:00", "2024-03-03 09:15"]
)  # fmt: skip


def events(**changes: list) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "case_id": ["a", "a", "a", "b", "b", "b"],
            "activity": ["Submit", "Check", "Issue", "Submit", "Issue", "Check"],
            "timestamp": TIMES.tz_localize("UTC"),
            "resource": ["clerk", "officer", "clerk", "clerk", "clerk", "officer"],
        }
    )
    return frame.assign(**changes)


def scanned(log: bpr.EventLog) -> bool:
    """Whether the log's events are a view over its source rather than a stored table."""
    with log._cursor() as cursor:
        views = cursor.execute(
            "SELECT count(*) FROM duckdb_views() WHERE view_name = 'events'"
        ).fetchall()
    return views[0][0] == 1


def same_as_copy(path: Path, frame: pd.DataFrame, **options: str) -> bpr.EventLog:
    """Read `path` and `frame` alike; check they agree; return the Parquet log."""
    from_file = bpr.read_log(path, **options)
    copied = bpr.read_log(frame, engine="duckdb", **options)
    assert not scanned(copied)
    pd.testing.assert_frame_equal(from_file.to_pandas(), copied.to_pandas())
    pd.testing.assert_frame_equal(from_file.repairs, copied.repairs)
    assert from_file.stats() == copied.stats()
    assert (from_file.n_cases, from_file.n_events) == (copied.n_cases, copied.n_events)
    return from_file


def test_a_clean_parquet_log_is_scanned_not_copied(tmp_path: Path) -> None:
    frame = events()
    frame.to_parquet(tmp_path / "log.parquet")
    log = same_as_copy(tmp_path / "log.parquet", frame)
    assert scanned(log)
    assert list(log.to_pandas()["position"]) == [0, 1, 2, 3, 4, 5]
    assert log.repairs.empty  # each case's events are in time order in the file
    assert log.stats().variant_counts() == {
        ("Submit", "Check", "Issue"): 1,
        ("Submit", "Issue", "Check"): 1,
    }


def test_naive_times_are_scanned_in_utc_only(tmp_path: Path) -> None:
    frame = events(timestamp=TIMES)  # no zone written
    frame.to_parquet(tmp_path / "naive.parquet")
    assert scanned(same_as_copy(tmp_path / "naive.parquet", frame))
    tehran = same_as_copy(tmp_path / "naive.parquet", frame, timezone="Asia/Tehran")
    assert not scanned(tehran)  # local times need the zone's offsets: parsed and copied
    first = tehran.to_pandas()["timestamp"].iloc[0]
    assert first == pd.Timestamp("2024-03-01 05:30", tz="UTC")  # 09:00 at UTC+03:30


@pytest.mark.parametrize(
    ("change", "repair", "count"),
    [
        ({"case_id": ["a", "a", " ", "b", "b", "b"]}, "rows without case dropped", 1),
        ({"activity": ["Submit", None, "Issue", "Submit", "Issue", "Check"]},
         "rows without activity dropped", 1),
        ({"activity": ["Submit", "Che\tck", "Issue", "Submit", "Issue", "Check"]},
         "control characters removed from labels", 1),
    ],
)  # fmt: skip
def test_a_log_that_needs_a_repair_is_copied_and_repaired(
    tmp_path: Path, change: dict, repair: str, count: int
) -> None:
    frame = events(**change)
    frame.to_parquet(tmp_path / "log.parquet")
    log = same_as_copy(tmp_path / "log.parquet", frame)
    assert not scanned(log)
    assert dict(zip(log.repairs["repair"], log.repairs["count"], strict=True))[repair] == count


def test_a_missing_time_is_a_repair(tmp_path: Path) -> None:
    times = list(TIMES.tz_localize("UTC"))
    times[4] = pd.NaT
    frame = events(timestamp=pd.Series(times, dtype="datetime64[us, UTC]"))
    frame.to_parquet(tmp_path / "log.parquet")
    log = same_as_copy(tmp_path / "log.parquet", frame)
    assert not scanned(log)
    assert log.n_events == 5


def test_label_merges_and_dropped_duplicates_change_the_scanned_events(tmp_path: Path) -> None:
    frame = pd.concat([events(), events().iloc[[1]]], ignore_index=True)  # a's Check twice
    frame.loc[4, "activity"] = "issue"  # merged into "Issue"
    frame.to_parquet(tmp_path / "log.parquet")
    log = same_as_copy(tmp_path / "log.parquet", frame, duplicates="drop")
    assert not scanned(log)  # the events were stored to be changed
    assert log.n_events == 6
    repairs = dict(zip(log.repairs["repair"], log.repairs["count"], strict=True))
    assert repairs["exact duplicate events removed"] == 1
    assert repairs["labels merged by normalisation"] == 1
    kept = same_as_copy(tmp_path / "log.parquet", frame)
    assert scanned(kept) is False  # the merge stored the events
    assert kept.n_events == 7


def test_a_folder_of_parts_is_numbered_in_file_order(tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    frame = events()
    table = pa.Table.from_pandas(frame, preserve_index=False)
    # Written out of name order: the position follows the names, as DuckDB reads the parts.
    pq.write_table(table.slice(3), folder / "part-1.parquet")
    pq.write_table(table.slice(0, 3), folder / "part-0.parquet")
    log = same_as_copy(folder, frame)
    assert scanned(log)
    by_position = log.to_pandas().sort_values("position")
    assert list(by_position["position"]) == list(range(6))
    assert list(by_position["activity"]) == list(frame["activity"])


def test_re_sorted_events_are_counted_on_a_scanned_log(tmp_path: Path) -> None:
    frame = events().iloc[[1, 0, 2, 3, 4, 5]].reset_index(drop=True)  # a's Check first
    frame.to_parquet(tmp_path / "log.parquet")
    log = same_as_copy(tmp_path / "log.parquet", frame)
    assert scanned(log)
    repairs = dict(zip(log.repairs["repair"], log.repairs["detail"], strict=True))
    assert repairs["events re-sorted within a case"].endswith("cases affected: 1")
    assert log.repairs.loc[0, "count"] == 1  # Submit came after the later Check


# --- CSV times typed by DuckDB's reader ----------------------------------------------------


def csv_times_of(path: Path, **options: str) -> list[pd.Timestamp]:
    return list(bpr.read_log(path, **options).to_pandas()["timestamp"])


def test_iso_csv_times_typed_by_the_reader_equal_the_text_rules(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    frame = events(timestamp=[t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] for t in TIMES])
    frame.to_csv(path, index=False)
    log = same_as_copy(path, frame)
    assert list(log.to_pandas()["timestamp"]) == list(TIMES.tz_localize("UTC"))
    tehran = same_as_copy(path, frame, timezone="Asia/Tehran")
    assert tehran.to_pandas()["timestamp"].iloc[0] == pd.Timestamp("2024-03-01 05:30", tz="UTC")


def test_a_late_value_that_is_not_iso_is_read_by_the_text_rules(tmp_path: Path) -> None:
    # DuckDB types the column from a sample of the first rows; the odd values come after it.
    rows = [(f"c{i}", "Submit", f"2024-03-01 10:{i % 60:02d}:00") for i in range(30_000)]
    rows += [("x", "Submit", "2024/03/02 09:00"), ("y", "Submit", "not a time"),
             ("z", "Submit", "01.03.2024 10:00")]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["case", "activity", "timestamp"])
    path = tmp_path / "late.csv"
    frame.to_csv(path, index=False)
    log = same_as_copy(path, frame)  # the same events and repairs as the text rules give
    assert log.n_events == 30_001
    repairs = dict(zip(log.repairs["repair"], log.repairs["count"], strict=True))
    assert repairs == {"unparseable timestamps dropped": 2}
    by_case = log.to_pandas().set_index("case")["timestamp"]
    assert by_case["x"] == pd.Timestamp("2024-03-02 09:00", tz="UTC")
    assert by_case["c61"] == pd.Timestamp("2024-03-01 10:01", tz="UTC")


def test_day_first_csv_times_are_not_typed_by_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "dayfirst.csv"
    path.write_text("case,activity,timestamp\na,Submit,13/02/2024 10:00\na,Pay,14/02/2024 09:00\n")
    assert csv_times_of(path, time_format="%d/%m/%Y %H:%M") == [
        pd.Timestamp("2024-02-13 10:00", tz="UTC"),
        pd.Timestamp("2024-02-14 09:00", tz="UTC"),
    ]
