"""The Spark engine: read_log(engine="spark") and its statistics against the DuckDB engine.

Every Spark result is checked against what DuckDB gives for the same events (the reference:
the statistics are defined and tested there) or against values known by construction. The
session's own time zone is set to New York on purpose: nothing bpr computes may depend on it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pandas as pd
import pytest

import bpr
from bpr.stats import stats_from_frame

LOGS = Path(__file__).parent / "data" / "logs"
SHARED = sorted(p.name for p in LOGS.iterdir() if not p.name.startswith("."))
IN_CI = os.environ.get("CI") == "true"


def _missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return 'pyspark is not installed (pip install -e ".[test]" or "govbpr[spark]")'
    if shutil.which("java") is None:
        return "no Java runtime (java) for Spark"
    return None


MISSING = _missing()
# In CI the Spark tests must run: a missing pyspark or Java fails them (see the fixture).
pytestmark = pytest.mark.skipif(MISSING is not None and not IN_CI, reason=str(MISSING))


@pytest.fixture(scope="module")
def spark() -> Any:
    if MISSING is not None:
        pytest.fail(f"CI=true but the Spark tests cannot run: {MISSING}")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("bpr-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "America/New_York")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def spark_frame(spark: Any, frame: pd.DataFrame) -> Any:
    """A Spark DataFrame of `frame`, through Arrow (pandas' types kept, nulls included)."""
    import pyarrow as pa

    return spark.createDataFrame(pa.Table.from_pandas(frame, preserve_index=False))


def repairs(log: bpr.EventLog) -> list[tuple[str, int, str]]:
    return [tuple(row) for row in log.repairs.itertuples(index=False)]


def assert_same_log(spark_log: bpr.EventLog, duckdb_log: bpr.EventLog) -> None:
    assert spark_log.engine == "spark"
    assert (spark_log.n_cases, spark_log.n_events, spark_log.activities, spark_log.timed) == (
        duckdb_log.n_cases,
        duckdb_log.n_events,
        duckdb_log.activities,
        duckdb_log.timed,
    )
    assert spark_log._span == duckdb_log._span
    assert spark_log.stats() == duckdb_log.stats()


# --- the shared logs ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared(spark: Any) -> dict[str, tuple[bpr.EventLog, pd.DataFrame]]:
    """Each shared log read by DuckDB, and its canonical events without ``position`` (the
    row order of that frame is the source order a Spark read numbers)."""
    out = {}
    for name in SHARED:
        log = bpr.read_log(LOGS / name)
        out[name] = (log, log.to_pandas().drop(columns="position"))
    return out


@pytest.mark.parametrize("name", SHARED)
def test_shared_log_read_from_a_spark_dataframe_has_duckdbs_statistics(
    spark: Any, shared: dict, name: str
) -> None:
    log, events = shared[name]
    spark_log = bpr.read_log(spark_frame(spark, events))
    assert_same_log(spark_log, log)
    # The same input read by DuckDB makes the same choices and repairs (here, re-reading
    # clean events: duplicates kept, if the log has any).
    same_input = bpr.read_log(events)
    assert dict(spark_log.columns_chosen) == dict(same_input.columns_chosen)
    assert repairs(spark_log) == repairs(same_input)
    assert spark_log.source == "<Spark DataFrame>"


@pytest.mark.parametrize("name", ["receipt.xes.gz"])
def test_shared_log_read_from_parquet_by_spark_has_duckdbs_statistics(
    spark: Any, shared: dict, name: str, tmp_path: Path
) -> None:
    log, events = shared[name]
    path = tmp_path / "log.parquet"
    events.to_parquet(path, index=False)
    spark_log = bpr.read_log(path, engine="spark", spark=spark)
    assert_same_log(spark_log, log)
    assert spark_log.source == str(path)
    duckdb_log = bpr.read_log(path)
    assert repairs(spark_log) == repairs(duckdb_log)
    pd.testing.assert_frame_equal(spark_log.to_pandas(), duckdb_log.to_pandas())


def test_measure_of_a_spark_log_equals_duckdbs(spark: Any, shared: dict) -> None:
    log, events = shared["running-example.csv"]
    spark_log = bpr.read_log(spark_frame(spark, events))
    measured, expected = bpr.measure(spark_log), bpr.measure(log)
    for field in attrs.fields(type(expected)):
        if field.name == "name":  # the source's name: "<Spark DataFrame>" and the file's
            continue
        got, want = getattr(measured, field.name), getattr(expected, field.name)
        if isinstance(want, pd.DataFrame):
            pd.testing.assert_frame_equal(got, want)
        else:
            assert got == want, field.name
    assert measured.cycle_time is not None
    # The chunks bpr.measure collects one at a time: the same case ranges as DuckDB's.
    assert spark_log._case_ranges(10) == log._case_ranges(10)
    assert len(spark_log._case_ranges(10)) > 1
    after, last = spark_log._case_ranges(10)[1]
    chunk = spark_log._events(["case", "activity"], categories=["activity"], cases=(after, last))
    assert set(chunk["case"]) == {c for c in events["case"] if after < c <= last}
    assert isinstance(chunk["activity"].dtype, pd.CategoricalDtype)
    pd.testing.assert_frame_equal(
        spark_log._value_counts("resource"), log._value_counts("resource")
    )


# --- generated logs with known answers ----------------------------------------------------------

MESSY = pd.DataFrame(
    {
        "Case ID": ["a", "a", "a", "b", "b", "b", None, "c", "c", "d", "d", "e", " "],
        "Activity": ["Submit", "Check ", "Pay\tfee", "submit", "Check", "Pay fee", "Submit",
                     "Submit", "", "Submit", "Check", "Submit", "Check"],
        "Complete Timestamp": [
            "2024-03-01 10:00", "2024-03-01 10:00", "2024-03-02 09:30:00.5",
            "2024-03-01T11:00:00", "20240305", "2024-03-04 12:00", "2024-03-01 10:00",
            "2024-03-01 10:00", "2024-03-01 11:00", "not a time", "2024-03-01 12:00",
            "۲۰۲۴-۰۳-۰۱ ۱۰:۰۰", "2024-03-01 10:00",
        ],
        "resource": ["ann", "bob", "ann", "ann", "bob", "ann", "x", "ann", "bob", "ann", "bob",
                     "ann", "bob"],
    }
)  # fmt: skip


def test_messy_log_is_repaired_and_reported_as_duckdb_does(spark: Any) -> None:
    spark_log = bpr.read_log(spark_frame(spark, MESSY), timezone="Asia/Tehran")
    duckdb_log = bpr.read_log(MESSY, timezone="Asia/Tehran")
    assert_same_log(spark_log, duckdb_log)
    assert repairs(spark_log) == repairs(duckdb_log)
    assert dict(spark_log.columns_chosen) == dict(duckdb_log.columns_chosen)
    assert [(r, n) for r, n, _ in repairs(spark_log)] == [
        ("control characters removed from labels", 1),
        ("rows without case dropped", 2),
        ("rows without activity dropped", 1),
        ("unparseable timestamps dropped", 1),
        ("labels merged by normalisation", 1),  # 'submit'; 'Check ' was trimmed in cleaning
        ("events re-sorted within a case", 1),
    ]
    assert spark_log.activities == ("Check", "Pay fee", "Submit")
    # Ties in time keep the source order: in case a, Submit then Check, both at 10:00.
    stats = spark_log.stats()
    assert stats.variant_counts() == {
        ("Submit",): 2,
        ("Check",): 1,
        ("Submit", "Check", "Pay fee"): 1,
        ("Submit", "Pay fee", "Check"): 1,  # case b's Check is stamped 20240305, last
    }
    pd.testing.assert_frame_equal(spark_log.to_pandas(), duckdb_log.to_pandas())
    events = spark_log.to_pandas()
    # 10:00 in Tehran (+03:30) is 06:30 UTC; Persian digits read as the same time.
    assert events.loc[events["case"] == "e", "timestamp"].iloc[0] == pd.Timestamp(
        "2024-03-01 06:30", tz="UTC"
    )
    assert str(events["timestamp"].dtype) == "datetime64[us, UTC]"


def test_ties_start_times_single_events_and_duplicates_match_known_values(spark: Any) -> None:
    frame = pd.DataFrame(
        {
            "case": ["1", "1", "1", "1", "2", "3", "3"],
            "activity": ["b", "a", "c", "c", "a", "a", "b"],
            "start": ["2024-01-01 08:00", None, "2024-01-01 09:30", "2024-01-01 09:30",
                      None, "2024-01-02 08:00", "2024-01-02 13:00"],
            "timestamp": ["2024-01-01 09:00", "2024-01-01 09:00", "2024-01-01 10:00",
                          "2024-01-01 10:00", "2024-01-01 12:00", "2024-01-02 09:00",
                          "2024-01-02 12:00"],
        }
    )  # fmt: skip
    spark_log = bpr.read_log(spark_frame(spark, frame))
    duckdb_log = bpr.read_log(frame)
    assert_same_log(spark_log, duckdb_log)
    assert repairs(spark_log) == repairs(duckdb_log)
    assert dict(spark_log.columns_chosen) == dict(duckdb_log.columns_chosen)
    assert [(r, n) for r, n, _ in repairs(spark_log)] == [
        ("start times after completion cleared", 1),  # case 3's b starts at 13:00, ends 12:00
        ("exact duplicate events kept", 1),
    ]
    stats = spark_log.stats()
    assert stats.variant_counts() == {("b", "a", "c", "c"): 1, ("a",): 1, ("a", "b"): 1}
    follows = stats.directly_follows.set_index(["source", "target"])
    # a (done 09:00) to c (started 09:30): 30 minutes; c to c: started before c's end, so 0.
    assert follows.loc[("a", "c"), "mean"] == pd.Timedelta(minutes=30)
    assert follows.loc[("c", "c"), "max"] == pd.Timedelta(0)
    # a (done 09:00 on Jan 2) to b, whose start was cleared: its completion, 12:00.
    assert follows.loc[("a", "b"), "mean"] == pd.Timedelta(hours=3)
    working = stats.working_time.set_index("activity")
    assert working.loc["c", "events"] == 2 and working.loc["c", "mean"] == pd.Timedelta("30min")
    assert stats.cases["events"].tolist() == [4, 1, 2]
    dropped = bpr.read_log(spark_frame(spark, frame), duplicates="drop")
    assert dropped.n_events == 6 == bpr.read_log(frame, duplicates="drop").n_events
    assert dropped.stats() == bpr.read_log(frame, duplicates="drop").stats()


def test_sums_beyond_int64_are_exact(spark: Any) -> None:
    # 100 waits of 3,000 years: 9.5e18 microseconds in all, past int64's 9.2e18.
    n = 100
    frame = pd.DataFrame(
        {
            "case": [f"c{i:03}" for i in range(n) for _ in (0, 1)],
            "activity": ["open", "close"] * n,
            "timestamp": ["1000-01-01 00:00", "4000-01-01 00:00"] * n,
        }
    )
    stats = bpr.read_log(spark_frame(spark, frame)).stats()
    wait = (datetime(4000, 1, 1) - datetime(1000, 1, 1)) // timedelta(microseconds=1)
    assert wait * n > 2**63
    row = stats.directly_follows.iloc[0]
    assert row["count"] == n
    assert row["mean"] == row["median"] == row["p90"] == pd.Timedelta(microseconds=wait)
    assert stats.waiting_time.iloc[0]["distribution"] == (pd.Timedelta(microseconds=wait),) * 20
    assert stats == bpr.read_log(frame).stats()


def test_durations_and_their_distribution_match_the_pandas_engine(spark: Any) -> None:
    # Durations of every size for one pair, with ties: the quantiles and the 20 parts of the
    # distribution come from ranks, so they test the window that sorts them.
    import numpy as np

    rng = np.random.default_rng(7)
    n = 57
    gaps = rng.integers(0, 10**9, n) // rng.choice([1, 1000], n)
    frame = pd.DataFrame(
        {
            "case": np.repeat([f"k{i:02}" for i in range(n)], 2),
            "activity": ["x", "y"] * n,
            "timestamp": pd.to_datetime(
                np.column_stack([np.zeros(n, "int64"), gaps]).ravel(), unit="us", utc=True
            ),
            "position": range(2 * n),
        }
    )
    expected = stats_from_frame(frame)
    got = bpr.read_log(spark_frame(spark, frame.drop(columns="position"))).stats()
    assert got == expected
    assert len(got.waiting_time.iloc[0]["distribution"]) == 20


def test_log_without_times_keeps_file_order(spark: Any) -> None:
    frame = pd.DataFrame({"case": ["1", "1", "2", "1"], "activity": ["b", "a", "a", "c"]})
    spark_log = bpr.read_log(spark_frame(spark, frame))
    duckdb_log = bpr.read_log(frame)
    assert_same_log(spark_log, duckdb_log)
    assert not spark_log.timed
    assert repairs(spark_log) == repairs(duckdb_log)
    assert repairs(spark_log)[0][:2] == ("no timestamps: events kept in file order", 4)
    assert spark_log.stats().variant_counts() == {("b", "a", "c"): 1, ("a",): 1}
    assert spark_log.stats().cases["duration"].isna().all()


def test_time_zones_offsets_and_daylight_saving_follow_duckdb(spark: Any) -> None:
    naive = pd.DataFrame(
        {
            "case": ["1"] * 6,
            "activity": list("abcdef"),
            # Amsterdam: a winter day, the skipped hour, the repeated hour, a summer day.
            "timestamp": ["2023-01-10 12:00", "2023-03-26 02:30", "2023-03-26 03:30",
                          "2023-10-29 02:30", "2023-10-29 03:30", "2023-07-01 12:00:00.123456"],
        }
    )  # fmt: skip
    for zone in ("Europe/Amsterdam", "Asia/Tehran"):
        got = bpr.read_log(spark_frame(spark, naive), timezone=zone).to_pandas()
        pd.testing.assert_frame_equal(got, bpr.read_log(naive, timezone=zone).to_pandas())
    aware = naive.assign(
        timestamp=["2024-01-01T10:00:00+03:30", "2024-01-01 10:00Z", "2024-01-01 10:00:00-0500",
                   "2024-01-01 10:00+02", "2024/1/2 9:05:07.5+00:00", "20240103"]
    )  # fmt: skip
    with pytest.raises(bpr.LogError, match="mixes times with a UTC offset") as spark_error:
        bpr.read_log(spark_frame(spark, aware))
    with pytest.raises(bpr.LogError) as duckdb_error:
        bpr.read_log(aware)
    assert str(spark_error.value).replace("<Spark DataFrame>", "<DataFrame>") == str(
        duckdb_error.value
    )
    aware = aware.iloc[:5]
    got = bpr.read_log(spark_frame(spark, aware)).to_pandas()
    pd.testing.assert_frame_equal(got, bpr.read_log(aware).to_pandas())
    assert got["timestamp"].iloc[0] == pd.Timestamp("2024-01-01 06:30", tz="UTC")
    # The session's zone is the caller's, untouched.
    assert spark.conf.get("spark.sql.session.timeZone") == "America/New_York"


def test_folder_and_glob_of_parquet_parts(spark: Any, tmp_path: Path) -> None:
    frame = MESSY.dropna().iloc[:10]
    folder = tmp_path / "parts"
    folder.mkdir()
    frame.iloc[:5].to_parquet(folder / "part-00000.parquet", index=False)
    frame.iloc[5:].to_parquet(folder / "part-00001.parquet", index=False)
    duckdb_log = bpr.read_log(folder)
    for source in (folder, str(folder / "*.parquet")):
        spark_log = bpr.read_log(source, engine="spark", spark=spark)
        assert_same_log(spark_log, duckdb_log)
        assert repairs(spark_log) == repairs(duckdb_log)
        pd.testing.assert_frame_equal(spark_log.to_pandas(), duckdb_log.to_pandas())


# --- what the Spark engine refuses --------------------------------------------------------------


def test_refusals_are_log_errors_that_say_what_to_do(spark: Any, tmp_path: Path) -> None:
    frame = spark_frame(spark, MESSY)
    with pytest.raises(bpr.LogError, match=r"spark=<your SparkSession>"):
        bpr.read_log(tmp_path / "log.parquet", engine="spark")
    with pytest.raises(bpr.LogError, match=r"Jalali dates .* engine='duckdb'"):
        bpr.read_log(frame, dates="jalali")
    with pytest.raises(bpr.LogError, match=r"time_format= .* engine='duckdb'"):
        bpr.read_log(frame, time_format="%d/%m/%Y %H:%M")
    with pytest.raises(bpr.LogError, match="not engine='duckdb'"):
        bpr.read_log(frame, engine="duckdb")
    with pytest.raises(bpr.LogError, match="memory_limit= are for the DuckDB engine"):
        bpr.read_log(frame, memory_limit="1GB")
    csv = tmp_path / "log.csv"
    MESSY.to_csv(csv, index=False)
    with pytest.raises(bpr.LogError, match=r"reads Parquet .* spark.read.csv"):
        bpr.read_log(csv, engine="spark", spark=spark)
    with pytest.raises(bpr.LogError, match="no such file or folder"):
        bpr.read_log(tmp_path / "absent.parquet", engine="spark", spark=spark)
    with pytest.raises(bpr.LogError, match="strict=True"):
        bpr.read_log(frame, strict=True)


def test_column_errors_are_duckdbs(spark: Any) -> None:
    frame = MESSY.rename(columns={"Activity": "what"})
    with pytest.raises(bpr.ColumnError) as spark_error:
        bpr.read_log(spark_frame(spark, frame))
    with pytest.raises(bpr.ColumnError) as duckdb_error:
        bpr.read_log(frame)
    assert "no activity column found" in str(spark_error.value)
    assert str(spark_error.value).replace("<Spark DataFrame>", "<DataFrame>") == str(
        duckdb_error.value
    )
    spark_log = bpr.read_log(spark_frame(spark, frame), activity="what")
    assert spark_log.columns_chosen["activity"] == "what"


def test_import_bpr_does_not_import_pyspark() -> None:
    code = "import sys, bpr; print(sorted(m for m in ('pyspark', 'pandas') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
