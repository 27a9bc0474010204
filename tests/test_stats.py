"""Log statistics: hand-computed logs, pm4py on the shared logs, and both engines identical."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import attrs
import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bpr
from bpr._pm4py import load, quiet
from bpr.stats import LogStats, compute_stats, stats_from_duckdb, stats_from_frame

LOGS = Path(__file__).parent / "data" / "logs"
SHARED = ["receipt.xes.gz", "running-example.xes", "roadtraffic100traces.xes"]
H = timedelta(hours=1)
M = timedelta(minutes=1)
US = timedelta(microseconds=1)


def events(rows: list[tuple], *, start: bool = False) -> pd.DataFrame:
    """A canonical frame from ``(case, activity, timestamp[, start], position)`` rows."""
    columns = ["case", "activity", "timestamp", *(["start"] if start else []), "position"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("timestamp", "start"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column], utc=True).dt.as_unit("us")
    frame["case"] = frame["case"].astype("str")
    frame["activity"] = frame["activity"].astype("str")
    frame["position"] = frame["position"].astype("int64")
    return frame


def on_duckdb(frame: pd.DataFrame) -> LogStats:
    con = duckdb.connect()
    con.execute("CREATE TABLE events AS SELECT * FROM frame")
    return stats_from_duckdb(con, "events")


ENGINES: dict[str, Callable[[pd.DataFrame], LogStats]] = {
    "pandas": stats_from_frame,
    "duckdb": on_duckdb,
}


@pytest.fixture(params=sorted(ENGINES))
def stats_of(request: pytest.FixtureRequest) -> Callable[[pd.DataFrame], LogStats]:
    return ENGINES[request.param]


def durations(*values: timedelta) -> pd.Series:
    return pd.Series(np.array(values, dtype="timedelta64[us]"))


def utc(*texts: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(texts), utc=True).as_unit("us"))


def duration_table(keys: dict[str, list[str]], count: str, rows: list[tuple]) -> pd.DataFrame:
    """Expected duration table: ``rows`` are ``(count, mean, median, p90, min, max)``."""
    table = {key: pd.Series(values, dtype="str") for key, values in keys.items()}
    table[count] = pd.Series([row[0] for row in rows], dtype="int64")
    for i, name in enumerate(("mean", "median", "p90", "min", "max"), start=1):
        table[name] = durations(*(row[i] for row in rows))
    return pd.DataFrame(table)


# --- hand-computed logs -------------------------------------------------------------------

# c1: B and C complete at the same time; their positions order them B, C.
# c2: the rows of B and C are swapped in the frame, their positions still say B, C.
# c3: C's position comes first, but its timestamp is later: time decides, position breaks ties.
TIES = events(
    [
        ("c1", "A", "2024-05-01 09:00", 0),
        ("c1", "B", "2024-05-01 10:00", 1),
        ("c1", "C", "2024-05-01 10:00", 2),
        ("c1", "D", "2024-05-01 12:00", 3),
        ("c2", "A", "2024-05-02 08:00", 4),
        ("c2", "C", "2024-05-02 09:00", 6),
        ("c2", "B", "2024-05-02 09:00", 5),
        ("c2", "D", "2024-05-02 09:30", 7),
        ("c3", "C", "2024-05-03 11:00", 8),
        ("c3", "A", "2024-05-03 10:00", 9),
    ]
)


def test_hand_computed_statistics_with_tied_timestamps(stats_of) -> None:
    stats = stats_of(TIES)
    pd.testing.assert_frame_equal(
        stats.activities,
        pd.DataFrame(
            {
                "activity": pd.Series(["A", "C", "B", "D"], dtype="str"),
                "events": pd.Series([3, 3, 2, 2], dtype="int64"),
                "cases": pd.Series([3, 3, 2, 2], dtype="int64"),
            }
        ),
    )
    # C -> D took 2 h in c1 and 30 min in c2: p90 = 30 min + 0.9 * 90 min = 111 min.
    pd.testing.assert_frame_equal(
        stats.directly_follows,
        duration_table(
            {"source": ["A", "B", "C", "A"], "target": ["B", "C", "D", "C"]},
            "count",
            [
                (2, H, H, H, H, H),
                (2, 0 * H, 0 * H, 0 * H, 0 * H, 0 * H),
                (2, 75 * M, 75 * M, 111 * M, 30 * M, 2 * H),
                (1, H, H, H, H, H),
            ],
        ),
    )
    assert stats.start_activities == {"A": 3}
    assert list(stats.end_activities.items()) == [("D", 2), ("C", 1)]
    assert stats.variant_counts() == {("A", "B", "C", "D"): 2, ("A", "C"): 1}
    assert list(stats.variants["variant"]) == [("A", "B", "C", "D"), ("A", "C")]
    pd.testing.assert_frame_equal(
        stats.cases,
        pd.DataFrame(
            {
                "case": pd.Series(["c1", "c2", "c3"], dtype="str"),
                "events": pd.Series([4, 4, 2], dtype="int64"),
                "start": utc("2024-05-01 09:00", "2024-05-02 08:00", "2024-05-03 10:00"),
                "end": utc("2024-05-01 12:00", "2024-05-02 09:30", "2024-05-03 11:00"),
                "duration": durations(3 * H, 90 * M, H),
            }
        ),
    )
    assert stats.working_time is None
    assert (stats.n_cases, stats.n_events) == (3, 10)
    assert stats.dfg() == {("A", "B"): 2, ("B", "C"): 2, ("C", "D"): 2, ("A", "C"): 1}


INTERVALS = events(
    [
        ("k", "A", "2024-05-01 10:00", "2024-05-01 09:00", 0),
        ("k", "B", "2024-05-01 11:00", "2024-05-01 09:30", 1),  # started before A completed
        ("k", "C", "2024-05-01 12:00", None, 2),  # no start time
        ("k", "D", "2024-05-01 13:30", "2024-05-01 13:00", 3),
        ("m", "A", "2024-05-02 08:20", "2024-05-02 08:00", 4),
        ("m", "B", "2024-05-02 09:10", "2024-05-02 09:00", 5),
    ],
    start=True,
)


def test_start_times_give_working_time_and_waiting_between_steps(stats_of) -> None:
    stats = stats_of(INTERVALS)
    # A -> B waited 0 in k (B started before A completed) and 40 min in m.
    # C has no start, so its completion counts: B -> C waited 1 h.
    pd.testing.assert_frame_equal(
        stats.directly_follows,
        duration_table(
            {"source": ["A", "B", "C"], "target": ["B", "C", "D"]},
            "count",
            [
                (2, 20 * M, 20 * M, 36 * M, 0 * M, 40 * M),
                (1, H, H, H, H, H),
                (1, H, H, H, H, H),
            ],
        ),
    )
    # A worked 1 h and 20 min, B 90 min and 10 min, D 30 min; C has no start time.
    pd.testing.assert_frame_equal(
        stats.working_time,
        duration_table(
            {"activity": ["A", "B", "D"]},
            "events",
            [
                (2, 40 * M, 40 * M, 56 * M, 20 * M, H),
                (2, 50 * M, 50 * M, 82 * M, 10 * M, 90 * M),
                (1, 30 * M, 30 * M, 30 * M, 30 * M, 30 * M),
            ],
        ).assign(distribution=[(20 * M, H), (10 * M, 90 * M), (30 * M,)]),
    )
    # The waiting before each activity: the same durations grouped by target.
    pd.testing.assert_frame_equal(
        stats.waiting_time,
        duration_table(
            {"activity": ["B", "C", "D"]},
            "events",
            [
                (2, 20 * M, 20 * M, 36 * M, 0 * M, 40 * M),
                (1, H, H, H, H, H),
                (1, H, H, H, H, H),
            ],
        ).assign(distribution=[(0 * M, 40 * M), (H,), (H,)]),
    )
    assert list(stats.cases["start"]) == list(utc("2024-05-01 09:00", "2024-05-02 08:00"))
    assert list(stats.cases["duration"]) == [270 * M, 70 * M]


def test_the_distribution_is_the_means_of_twenty_equal_parts(stats_of) -> None:
    """25 waits of 1 to 25 minutes: each of the 20 parts holds 1.25 of them. The first part is
    the 1-minute wait and a quarter of the 2-minute one, (1 + 2 / 4) / 1.25 = 1.2 minutes; the
    second the rest of the 2-minute wait and half the 3-minute one, (2 * 3 / 4 + 3 / 2) / 1.25
    = 2.4 minutes; the parts' means average to the mean, 13 minutes."""
    rows = [(f"c{i}", a, t, 0) for i in range(25) for a, t in (("A", 0), ("B", i + 1))]
    frame = events(
        [
            (c, a, f"2024-01-01 00:{t:02d}", 2 * i + (a == "B"))
            for i, (c, a, t, _) in enumerate(rows)
        ]
    )
    waits = stats_of(frame).waiting_time.set_index("activity").at["B", "distribution"]
    assert len(waits) == 20
    assert waits[:2] == (timedelta(minutes=1.2), timedelta(minutes=2.4))
    assert sum(waits, timedelta()) / 20 == 13 * M
    assert list(waits) == sorted(waits)


def test_means_and_quantiles_round_half_up_to_the_microsecond(stats_of) -> None:
    # One A -> B pair per case, waiting 1 us and 2 us: mean and median 1.5 us, p90 1.9 us.
    frame = events(
        [
            ("x", "A", "2024-01-01 00:00:00.000000", 0),
            ("x", "B", "2024-01-01 00:00:00.000001", 1),
            ("y", "A", "2024-01-01 00:00:00.000000", 2),
            ("y", "B", "2024-01-01 00:00:00.000002", 3),
        ]
    )
    row = stats_of(frame).directly_follows.iloc[0]
    assert [row[name] for name in ("mean", "median", "p90", "min", "max")] == [
        2 * US,
        2 * US,
        2 * US,
        US,
        2 * US,
    ]


def test_row_order_of_the_frame_does_not_change_the_statistics(stats_of) -> None:
    shuffled = TIES.sample(frac=1, random_state=7).reset_index(drop=True)
    assert stats_of(shuffled) == stats_of(TIES)


def test_empty_log_gives_empty_tables_of_the_same_types() -> None:
    empty = TIES.iloc[:0]
    stats = stats_from_frame(empty)
    assert stats == on_duckdb(empty)
    assert (stats.n_cases, stats.n_events, stats.start_activities) == (0, 0, {})
    assert list(stats.directly_follows.columns) == [
        "source",
        "target",
        "count",
        "mean",
        "median",
        "p90",
        "min",
        "max",
    ]
    assert stats.cases.dtypes.to_dict() == stats_from_frame(TIES).cases.dtypes.to_dict()


# --- both engines agree -------------------------------------------------------------------


@st.composite
def random_logs(draw: st.DrawFn) -> pd.DataFrame:
    """Small logs with many tied timestamps, and start times that may be missing."""
    n = draw(st.integers(1, 40))
    with_start = draw(st.booleans())
    rows = []
    for position in range(n):
        # Few distinct instants, in microseconds, so that ties are common.
        done = draw(st.integers(0, 6)) * draw(st.sampled_from([1, 3_600_000_000, 7]))
        row = [
            draw(st.sampled_from(["c1", "c2", "c3", "c10"])),
            draw(st.sampled_from(["a", "b", "c", "ب", "B", "it's"])),
            pd.Timestamp(1_700_000_000_000_000 + done, unit="us", tz="UTC"),
        ]
        if with_start:
            took = draw(st.none() | st.integers(0, 5_000_000_000))
            row.append(None if took is None else row[2] - pd.Timedelta(took, unit="us"))
        rows.append((*row, position))
    positions = draw(st.permutations(range(n)))
    frame = events(rows, start=with_start)
    return frame.assign(position=np.array(positions, dtype="int64"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=random_logs())
def test_both_engines_give_identical_statistics(frame: pd.DataFrame) -> None:
    stats = stats_from_frame(frame)
    assert stats == on_duckdb(frame)
    n_cases = frame["case"].nunique()
    assert stats.n_events == len(frame) == stats.activities["events"].sum()
    assert stats.directly_follows["count"].sum() == len(frame) - n_cases
    assert stats.variants["count"].sum() == n_cases == sum(stats.start_activities.values())


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.integers(0, 10**12), min_size=1, max_size=30))
def test_duration_statistics_are_pandas_linear_quantiles_to_the_microsecond(
    values: list[int],
) -> None:
    rows = []
    for i, value in enumerate(values):
        rows.append((str(i), "A", pd.Timestamp(0, unit="us", tz="UTC"), 2 * i))
        rows.append((str(i), "B", pd.Timestamp(value, unit="us", tz="UTC"), 2 * i + 1))
    row = stats_from_frame(events(rows)).directly_follows.iloc[0]
    micros = pd.Series(values, dtype="float64")
    expected = {
        "mean": sum(values) / len(values),
        "median": micros.quantile(0.5),
        "p90": micros.quantile(0.9),
        "min": min(values),
        "max": max(values),
    }
    for name, value in expected.items():
        assert abs(row[name] / US - value) <= 0.5 + 1e-3, name


# --- the shared logs against pm4py --------------------------------------------------------


@attrs.frozen
class Shared:
    """A shared log: its file, pm4py's frame, the canonical frame and pm4py's statistics."""

    name: str
    raw: pd.DataFrame
    canonical: pd.DataFrame
    pm4py: dict


@pytest.fixture(scope="module", params=SHARED)
def shared(request: pytest.FixtureRequest) -> Shared:
    pm4py = load()
    with quiet():
        raw = pm4py.read_xes(str(LOGS / request.param))
        # Each call on a copy: discover_dfg adds a column to the frame it is given.
        dfg, start, end = pm4py.discover_dfg(raw.copy())
        expected = {
            "dfg": dfg,
            "start": start,
            "end": end,
            "performance": pm4py.discover_performance_dfg(raw.copy())[0],
            "variants": pm4py.get_variants(raw.copy()),
            "durations": pm4py.get_all_case_durations(raw.copy()),
        }
    return Shared(request.param, raw, canonical(raw), expected)


def canonical(raw: pd.DataFrame) -> pd.DataFrame:
    """pm4py's columns renamed to the canonical ones; the position is pm4py's row order."""
    columns = ["case:concept:name", "concept:name", "time:timestamp"]
    rows = raw[columns].itertuples(index=False)
    return events([(*row, position) for position, row in enumerate(rows)])


def assert_equal_to_pm4py(stats: LogStats, log: Shared) -> None:
    expected = log.pm4py
    assert stats.dfg() == expected["dfg"]
    assert stats.start_activities == expected["start"]
    assert stats.end_activities == expected["end"]
    assert stats.variant_counts() == expected["variants"]
    assert stats.n_cases == log.raw["case:concept:name"].nunique()
    assert stats.n_events == len(log.raw)
    assert sorted(stats.cases["duration"] / pd.Timedelta(seconds=1)) == pytest.approx(
        expected["durations"], abs=1e-6
    )
    table = stats.directly_follows.set_index(["source", "target"])
    assert set(table.index) == set(expected["performance"])
    for pair, performance in expected["performance"].items():
        for name in ("mean", "median", "min", "max"):
            # pm4py's seconds are floats; ours are rounded to the microsecond.
            assert table.loc[pair, name] / pd.Timedelta(seconds=1) == pytest.approx(
                performance[name], abs=1e-6
            ), (pair, name)


def test_statistics_equal_pm4py_on_shared_logs(shared, stats_of) -> None:
    assert_equal_to_pm4py(stats_of(shared.canonical), shared)


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_read_log_statistics_equal_pm4py_on_shared_logs(shared, engine) -> None:
    log = bpr.read_log(LOGS / shared.name, engine=engine)
    assert log.engine == engine
    stats = log.stats()
    assert_equal_to_pm4py(stats, shared)
    assert stats == stats_from_frame(shared.canonical)


def test_engines_identical_on_shared_logs(shared) -> None:
    assert stats_from_frame(shared.canonical) == on_duckdb(shared.canonical)


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_receipt_log_has_the_published_size(engine) -> None:
    stats = bpr.read_log(LOGS / "receipt.xes.gz", engine=engine).stats()
    assert (stats.n_cases, stats.n_events, len(stats.activities)) == (1434, 8577, 27)


# --- dispatch, errors, immutability -------------------------------------------------------


def test_compute_stats_dispatches_on_the_engine() -> None:
    # read_log numbers the events in row order: that is the position it gives.
    source = TIES.drop(columns="position")
    expected = stats_from_frame(TIES.assign(position=range(len(TIES))))
    for engine in ("pandas", "duckdb"):
        log = bpr.read_log(source, engine=engine)
        assert log.engine == engine
        assert compute_stats(log) == log.stats() == expected
    with pytest.raises(bpr.LogError, match="engine 'polars'"):
        compute_stats(SimpleNamespace(engine="polars"))


def test_missing_column_is_named_with_the_columns_found(stats_of) -> None:
    with pytest.raises(bpr.LogError, match=r"no column 'position' \(it has: case, activity"):
        stats_of(TIES.drop(columns="position"))


def test_missing_values_are_refused_with_their_count(stats_of) -> None:
    frame = TIES.assign(activity=TIES["activity"].where(TIES["case"] != "c3"))
    with pytest.raises(bpr.LogError, match="column 'activity' .* has 2 missing values"):
        stats_of(frame)


def test_a_log_without_times_keeps_its_order_and_has_no_durations(stats_of) -> None:
    # The TIES log with every time unknown: events in source order (position), which for c3
    # is C, A where time says A, C.
    frame = TIES.assign(
        timestamp=pd.Series(pd.NaT, index=TIES.index, dtype=TIES["timestamp"].dtype)
    )
    stats = stats_of(frame)
    assert not stats.timed
    assert stats.variant_counts() == {("A", "B", "C", "D"): 2, ("C", "A"): 1}
    assert stats.dfg() == {("A", "B"): 2, ("B", "C"): 2, ("C", "D"): 2, ("C", "A"): 1}
    follows = stats.directly_follows
    assert follows[["mean", "median", "p90", "min", "max"]].isna().all().all()
    assert str(follows["mean"].dtype) == "timedelta64[us]"
    cases = stats.cases
    assert cases[["start", "end", "duration"]].isna().all().all()
    assert list(cases["events"]) == [4, 4, 2]
    assert stats.waiting_time is None and stats.working_time is None
    assert "unknown: no event has a time" in stats._repr_html_()


def test_a_log_with_some_times_missing_is_refused(stats_of) -> None:
    frame = TIES.assign(timestamp=TIES["timestamp"].where(TIES["case"] != "c3"))
    with pytest.raises(bpr.LogError, match="column 'timestamp' .* has 2 missing values"):
        stats_of(frame)


def test_read_log_statistics_of_a_log_without_times_on_both_engines(tmp_path: Path) -> None:
    path = tmp_path / "flow.csv"
    path.write_text("case,activity\n2,b\n1,a\n1,b\n2,a\n")
    pandas, in_duckdb = (bpr.read_log(path, engine=e).stats() for e in ("pandas", "duckdb"))
    assert pandas == in_duckdb
    assert pandas.variant_counts() == {("a", "b"): 1, ("b", "a"): 1}


def test_times_without_time_zone_are_refused(stats_of) -> None:
    naive = TIES.assign(timestamp=TIES["timestamp"].dt.tz_localize(None))
    with pytest.raises(bpr.LogError, match="column 'timestamp' .*time zone"):
        stats_of(naive)


def test_other_inputs_are_refused_with_a_log_error() -> None:
    with pytest.raises(bpr.LogError, match="not list"):
        stats_from_frame([("c1", "A")])
    with pytest.raises(bpr.LogError, match="no table 'nowhere'"):
        stats_from_duckdb(duckdb.connect(), "nowhere")


def test_inputs_are_left_as_they_were() -> None:
    frame = INTERVALS.sample(frac=1, random_state=1)
    before = frame.copy()
    stats_from_frame(frame)
    pd.testing.assert_frame_equal(frame, before)
    con = duckdb.connect()
    con.execute("CREATE TABLE events AS SELECT * FROM frame")
    catalog = "SELECT table_name, table_type FROM information_schema.tables ORDER BY 1"
    tables = con.execute(catalog).fetchall()
    stats_from_duckdb(con, "events")
    assert con.execute(catalog).fetchall() == tables


def test_log_stats_are_frozen_and_compare_by_content() -> None:
    stats = stats_from_frame(TIES)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        stats.cases = stats.cases.head(1)
    assert stats == stats_from_frame(TIES.copy())
    assert stats != stats_from_frame(TIES[TIES["case"] != "c3"])


def test_html_summary_names_the_counts_and_escapes_labels() -> None:
    frame = TIES.assign(activity=TIES["activity"].replace({"D": "<Issue & sign>"}))
    page = stats_from_frame(frame)._repr_html_()
    assert "<th>cases</th><td>3</td>" in page
    assert "<th>events</th><td>10</td>" in page
    assert "&lt;Issue &amp; sign&gt;" in page
    assert "<Issue" not in page
    assert "A → B → C → &lt;Issue &amp; sign&gt;" in page
    assert "2024-05-01 to 2024-05-03" in page


# --- quiet pm4py --------------------------------------------------------------------------


def test_pm4py_stays_off_the_console(capfd, caplog) -> None:
    pm4py = load()
    assert pm4py.util.constants.SHOW_PROGRESS_BAR is False
    with caplog.at_level(logging.DEBUG, logger="bpr.pm4py"), quiet():
        log = pm4py.read_xes(str(LOGS / "running-example.xes"))
        warnings.warn("pm4py wants r4pm", UserWarning, stacklevel=1)
        print("a chatty line")
    assert len(log) == 42
    assert capfd.readouterr() == ("", "")
    messages = [record.getMessage() for record in caplog.records]
    assert "UserWarning: pm4py wants r4pm" in messages
    assert "stdout: a chatty line" in messages
