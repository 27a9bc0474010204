"""Sufficient statistics of an event log, computed by DuckDB or by pandas with identical results.

Every later stage of `bpr` (discovery, measures, gaps) reads these tables, not the raw events,
so it scales with the number of activities and variants rather than of events. DuckDB computes
them in SQL, out of core, for logs read from files; pandas and NumPy compute them for small
in-memory logs. Both engines give the same tables to the microsecond, because they share every
convention below and compute means and quantiles in exact integer arithmetic.

Conventions
-----------
* The events of a case are ordered by completion ``timestamp``; events with the same timestamp
  keep their order in the source (``position``).
* Times have microsecond resolution. Durations are ``timedelta64[us]`` columns, rounded to the
  microsecond (half up).
* Quantiles interpolate linearly between order statistics, the convention of pandas and of
  DuckDB's ``quantile_cont``: of ``n`` sorted values, the ``q`` quantile sits at index
  ``q * (n - 1)``.
* The distribution of an activity's durations is the mean of each of ``k = min(n, PARTS)``
  equal parts of its ``n`` sorted durations: part ``i`` holds the probability from ``i / k``
  to ``(i + 1) / k``, a duration that straddles two parts counting in each for its share, so
  the parts' means average to the mean. Computed in integers, rounded like the mean.
* The duration of a directly-follows pair is the time from the source's completion to the
  target's start (its completion when the log has no start time). A target that started before
  the source completed waited zero, as in pm4py's performance DFG.
* A case starts at its earliest start time (completion time where an event has no start) and
  ends at its last completion time.
* A log where no event has a time (control-flow only: ``timestamp`` null throughout) keeps its
  events in source order, and every duration and case time is unknown (``NaT``).
* Tables are sorted by frequency, most frequent first, then by label; labels compare by Unicode
  code point. ``cases`` is sorted by case id.

Examples
--------
>>> import pandas as pd
>>> events = pd.DataFrame({
...     "case": ["c1", "c1", "c1", "c2", "c2"],
...     "activity": ["submit", "check", "issue", "submit", "issue"],
...     "timestamp": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 11:00", "2024-01-03 09:00",
...                                  "2024-01-02 10:00", "2024-01-02 10:30"], utc=True),
...     "position": range(5),
... })
>>> stats = stats_from_frame(events)
>>> stats.start_activities, stats.end_activities
({'submit': 2}, {'issue': 2})
>>> stats.directly_follows[["source", "target", "count", "mean", "max"]]
   source target  count            mean             max
0   check  issue      1 1 days 22:00:00 1 days 22:00:00
1  submit  check      1 0 days 02:00:00 0 days 02:00:00
2  submit  issue      1 0 days 00:30:00 0 days 00:30:00
>>> stats.variant_counts()
{('submit', 'check', 'issue'): 1, ('submit', 'issue'): 1}
>>> stats.cases[["case", "events", "duration"]]
  case  events        duration
0   c1       3 2 days 00:00:00
1   c2       2 0 days 00:30:00
"""

from __future__ import annotations

import html
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs

from bpr.errors import LogError

if TYPE_CHECKING:
    import duckdb
    import numpy as np
    import pandas as pd

    from bpr.log import EventLog

__all__ = ["LogStats", "compute_stats", "stats_from_duckdb", "stats_from_frame"]

REQUIRED = ("case", "activity", "timestamp", "position")
DURATIONS = ("mean", "median", "p90", "min", "max")
# Quantiles as exact fractions (name, numerator, denominator), so that both engines pick the
# same order statistics with integer arithmetic.
_QUANTILES = (("median", 1, 2), ("p90", 9, 10))
#: Equal parts of the durations whose means make an activity's duration distribution.
PARTS = 20
_ADVICE = "read the events with bpr.read_log, which makes the canonical columns"


def _frames_equal(left: pd.DataFrame | None, right: pd.DataFrame | None) -> bool:
    if left is None or right is None:
        return left is right
    return left.equals(right)


_FRAME = attrs.field(eq=attrs.cmp_using(eq=_frames_equal))


@attrs.frozen(hash=False)
class LogStats:
    """The statistics of an event log that every later stage of `bpr` needs.

    Two ``LogStats`` are equal when all their tables are equal, cell by cell and type by type.

    Attributes
    ----------
    activities
        DataFrame ``activity, events, cases``: how often each activity ran and in how many cases;
        sorted by ``events`` (descending), then ``activity``.
    directly_follows
        DataFrame ``source, target, count, mean, median, p90, min, max``: how often ``target``
        directly followed ``source`` in a case and the durations (``timedelta64[us]``) from the
        source's completion to the target's start; sorted by ``count`` (descending), then
        ``source`` and ``target``.
    start_activities, end_activities
        Activity → number of cases that start (end) with it; most frequent first, then by name.
    variants
        DataFrame ``variant, count``: each distinct sequence of activities (a tuple) and the
        number of cases that follow it; sorted by ``count`` (descending), then ``variant``.
    cases
        DataFrame ``case, events, start, end, duration``: one row per case, ``start`` and ``end``
        tz-aware UTC, ``duration = end - start``; sorted by ``case``.
    working_time
        DataFrame ``activity, events, mean, median, p90, min, max, distribution``: the
        durations from start to completion of the events that have a start time, per
        activity; ``None`` when the log has no ``start`` column. Sorted like ``activities``.
        ``distribution`` holds a tuple of ``timedelta``: the means of the equal parts of the
        durations, smallest first (:data:`PARTS` parts, or one per duration when there are
        fewer), which :attr:`bpr.DurationStats.distribution` keeps.
    waiting_time
        DataFrame ``activity, events, mean, median, p90, min, max, distribution``: how long
        each activity waited, from the completion of the event before it in its case to its
        start (the directly-follows durations, grouped by target); ``events`` counts the
        events that have one before them. Sorted like ``activities``; ``None`` when the log
        has no times.
    """

    activities: pd.DataFrame = _FRAME
    directly_follows: pd.DataFrame = _FRAME
    start_activities: dict[str, int]
    end_activities: dict[str, int]
    variants: pd.DataFrame = _FRAME
    cases: pd.DataFrame = _FRAME
    working_time: pd.DataFrame | None = _FRAME
    waiting_time: pd.DataFrame | None = _FRAME

    @property
    def n_cases(self) -> int:
        """The number of cases."""
        return len(self.cases)

    @property
    def n_events(self) -> int:
        """The number of events."""
        return int(self.cases["events"].sum())

    @property
    def timed(self) -> bool:
        """Whether the log has times; ``False`` for a control-flow-only log (durations unknown)."""
        return bool(self.cases["end"].notna().all())

    def dfg(self) -> dict[tuple[str, str], int]:
        """Directly-follows counts as pm4py writes them: ``{(source, target): count}``."""
        frame = self.directly_follows
        return {
            (source, target): int(count)
            for source, target, count in zip(
                frame["source"], frame["target"], frame["count"], strict=True
            )
        }

    def variant_counts(self) -> dict[tuple[str, ...], int]:
        """Variants as pm4py's ``get_variants`` gives them: ``{variant: number of cases}``."""
        frame = self.variants
        return {
            variant: int(count)
            for variant, count in zip(frame["variant"], frame["count"], strict=True)
        }

    def _repr_html_(self) -> str:
        cases = self.cases
        summary = {
            "cases": f"{self.n_cases:,}",
            "events": f"{self.n_events:,}",
            "activities": f"{len(self.activities):,}",
            "variants": f"{len(self.variants):,}",
            "directly-follows pairs": f"{len(self.directly_follows):,}",
        }
        if not self.timed:
            summary["time span"] = "unknown: no event has a time"
        elif len(cases):
            summary["time span"] = (
                f"{cases['start'].min():%Y-%m-%d} to {cases['end'].max():%Y-%m-%d}"
            )
            summary["median case duration"] = str(cases["duration"].median())
        rows = "".join(
            f"<tr><th>{name}</th><td>{html.escape(value)}</td></tr>"
            for name, value in summary.items()
        )
        variants = self.variants.head(10).assign(variant=lambda f: f["variant"].map(" → ".join))
        return (
            f"<div><strong>LogStats</strong><table>{rows}</table>"
            f"<p>Activities</p>{self.activities.to_html(index=False)}"
            f"<p>Most frequent variants</p>{variants.to_html(index=False)}</div>"
        )


def compute_stats(log: EventLog) -> LogStats:
    """The statistics of an event log, computed where its events live.

    A log held in DuckDB is summarised by SQL in DuckDB; a log held as a pandas DataFrame by
    pandas and NumPy. Both give equal results.

    Examples
    --------
    >>> import bpr, pandas as pd
    >>> frame = pd.DataFrame({"case": ["1", "1"], "activity": ["apply", "pay"],
    ...                       "timestamp": ["2024-03-01 10:00", "2024-03-01 11:30"]})
    >>> in_duckdb = compute_stats(bpr.read_log(frame, engine="duckdb"))
    >>> in_duckdb == compute_stats(bpr.read_log(frame, engine="pandas"))
    True
    >>> in_duckdb.cases["duration"].iloc[0]
    Timedelta('0 days 01:30:00')
    """
    if log.engine == "duckdb":
        with log._cursor() as cursor:
            return stats_from_duckdb(cursor, log._table)
    if log.engine == "pandas":
        return stats_from_frame(log._frame)
    if log.engine == "spark":
        from bpr._spark import stats_from_spark

        return stats_from_spark(log)
    raise LogError(
        f"statistics cannot be computed for an event log on engine {log.engine!r}; "
        "read it with bpr.read_log(..., engine='duckdb') or engine='pandas'"
    )


# --- pandas -------------------------------------------------------------------------------


def stats_from_frame(frame: pd.DataFrame) -> LogStats:
    """The statistics of events in a pandas DataFrame with the canonical columns.

    Parameters
    ----------
    frame
        Columns ``case``, ``activity``, ``timestamp`` (tz-aware), ``position`` (order in the
        source) and optionally ``start`` (tz-aware, may be null). The frame is not modified.

    Raises
    ------
    bpr.LogError
        A column is missing, has missing values, or holds times without a time zone.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({
    ...     "case": ["a", "a"], "activity": ["apply", "pay"], "position": [0, 1],
    ...     "timestamp": pd.to_datetime(["2024-03-01 10:00", "2024-03-01 10:00"], utc=True),
    ... })
    >>> stats_from_frame(frame).dfg()
    {('apply', 'pay'): 1}
    """
    import numpy as np
    import pandas as pd

    timed = _check_frame(frame)
    case_codes, case_ids = pd.factorize(frame["case"], sort=True)
    activity_codes, labels = pd.factorize(frame["activity"], sort=True)
    done = _micros(frame["timestamp"]) if timed else np.zeros(len(frame), dtype="int64")
    begun = _micros(frame["start"].fillna(frame["timestamp"])) if "start" in frame else done
    order = np.lexsort((frame["position"].to_numpy(dtype="int64"), done, case_codes))
    case, activity = case_codes[order], activity_codes[order]
    done, begun = done[order], begun[order]
    firsts = _run_starts(case)
    width = max(len(labels), 1)

    follows = np.flatnonzero(case[1:] == case[:-1])
    waits = np.maximum(begun[follows + 1] - done[follows], 0)
    pairs = _grouped_durations(
        activity[follows] * width + activity[follows + 1],
        waits,
        lambda key: (labels[key // width], labels[key % width]),
    )
    sequences = Counter(tuple(run.tolist()) for run in np.split(activity, firsts[1:]) if len(run))
    return _finish(
        pairs=pairs,
        variants=[(tuple(labels[i] for i in seq), n) for seq, n in sequences.items()],
        cases={
            "case": case_ids,
            "events": np.diff(np.append(firsts, len(case))),
            "start": _reduce(np.minimum, begun, firsts),
            "end": _reduce(np.maximum, done, firsts),
        },
        working=_frame_working_time(frame, activity_codes, labels),
        waiting=_grouped_durations(activity[follows + 1], waits, lambda key: (labels[key],), PARTS),
        timed=timed,
    )


def _check_frame(frame: Any) -> bool:
    """Raise LogError for a frame statistics cannot use; return whether it has times."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise LogError(f"statistics need a pandas DataFrame of events, not {type(frame).__name__}")
    where = "the events DataFrame"
    _check_columns(list(frame.columns), where)
    for column in ("timestamp", "start"):
        if column in frame and not isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            raise _naive(column, where, frame[column].dtype)
    nulls = {column: int(frame[column].isna().sum()) for column in REQUIRED}
    timed = _timed(nulls, len(frame), "start" in frame)
    _check_nulls(nulls, where)
    return timed


def _timed(nulls: dict[str, int], n_events: int, has_start: bool) -> bool:
    """Whether events with these missing counts have times; a log none of whose events has a
    time (control-flow only) has none, and its missing times are then no error."""
    if n_events and nulls["timestamp"] == n_events and not has_start:
        nulls["timestamp"] = 0
        return False
    return True


def _micros(times: pd.Series) -> np.ndarray:
    """Microseconds since the epoch (UTC), the resolution DuckDB works in."""
    return times.dt.tz_convert("UTC").dt.as_unit("us").astype("int64").to_numpy()


def _run_starts(keys: np.ndarray) -> np.ndarray:
    """Indices where a run of equal keys in a sorted array begins."""
    import numpy as np

    if not len(keys):
        return np.zeros(0, dtype="int64")
    return np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))


def _reduce(ufunc: np.ufunc, values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return ufunc.reduceat(values, starts) if len(starts) else values[:0]


def _grouped_durations(
    keys: np.ndarray,
    durations: np.ndarray,
    label: Callable[[int], tuple[str, ...]],
    parts: int = 0,
) -> list[tuple]:
    """Durations grouped by an integer key, as rows ``(*label(key), n, total, min, ...)``."""
    import numpy as np

    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    starts = _run_starts(keys)
    rows = _duration_rows(durations[order], np.append(starts, len(keys)), parts)
    return [(*label(key), *row) for key, row in zip(keys[starts].tolist(), rows, strict=True)]


def _frame_working_time(
    frame: pd.DataFrame, activity_codes: np.ndarray, labels: pd.Index
) -> list[tuple] | None:
    if "start" not in frame:
        return None
    timed = frame["start"].notna().to_numpy()
    return _grouped_durations(
        activity_codes[timed],
        _micros(frame["timestamp"][timed]) - _micros(frame["start"][timed]),
        lambda key: (labels[key],),
        PARTS,
    )


# --- DuckDB -------------------------------------------------------------------------------


def stats_from_duckdb(con: duckdb.DuckDBPyConnection, table: str) -> LogStats:
    """The statistics of events in a DuckDB table with the canonical columns, computed in SQL.

    Parameters
    ----------
    con, table
        A DuckDB connection and the name of a table or view in it with columns ``case``,
        ``activity``, ``timestamp`` (``TIMESTAMP WITH TIME ZONE``), ``position`` and optionally
        ``start``. Nothing in the database is created or changed.

    Raises
    ------
    bpr.LogError
        The table does not exist, a column is missing, has missing values, or holds times
        without a time zone.

    Examples
    --------
    >>> import duckdb
    >>> con = duckdb.connect()
    >>> _ = con.execute('''CREATE TABLE events AS SELECT * FROM (VALUES
    ...     ('a', 'apply', TIMESTAMPTZ '2024-03-01 10:00:00+00', 0),
    ...     ('a', 'pay',   TIMESTAMPTZ '2024-03-01 12:00:00+00', 1))
    ...     t("case", activity, "timestamp", position)''')
    >>> stats_from_duckdb(con, "events").directly_follows[["source", "target", "mean"]]
      source target            mean
    0  apply    pay 0 days 02:00:00
    """
    ref = _quote(table)
    types = _duckdb_types(con, table, ref)
    where = f"DuckDB table {table!r}"
    _check_columns(list(types), where)
    for column in ("timestamp", "start"):
        if column in types and types[column] != "TIMESTAMP WITH TIME ZONE":
            raise _naive(column, where, types[column])
    has_start = "start" in types
    labels, timed = _checked_labels(con, ref, where, has_start)
    done = 'epoch_us("timestamp")' if timed else "0::BIGINT"
    begun = 'epoch_us(coalesce("start", "timestamp"))' if has_start else done
    events = (
        f'SELECT "case" AS c, {_as_enum(labels)} AS a, {done} AS t, '
        f'{begun} AS s, "position" AS p FROM {ref}'
    )
    pairs = (
        "SELECT a AS source, lead(a) OVER w AS target, greatest(lead(s) OVER w - t, 0) AS d "
        f"FROM ({events}) WINDOW w AS (PARTITION BY c ORDER BY t, p)"
    )
    # Through Arrow, the case ids stay one buffer of text, not a Python string per case.
    cases = con.sql(
        f"SELECT c, count(*), min(s), max(t) FROM ({events}) GROUP BY c ORDER BY c"
    ).to_arrow_table()
    working = None
    if has_start:
        timed = (
            'SELECT activity, epoch_us("timestamp") - epoch_us("start") AS d '
            f'FROM {ref} WHERE "start" IS NOT NULL'
        )
        working = _duckdb_durations(con, "activity", timed)
    pair_labels, waits, offsets = _duckdb_lists(
        con, "source, target", f"SELECT * FROM ({pairs}) WHERE target IS NOT NULL"
    )
    return _finish(
        pairs=_labelled_rows(pair_labels, waits, offsets),
        waiting=_by_target(pair_labels, waits, offsets),
        variants=[
            (tuple(variant), count)
            for variant, count in con.execute(
                f"SELECT v, count(*) FROM (SELECT list(a ORDER BY t, p) AS v FROM ({events}) "
                "GROUP BY c) GROUP BY v"
            ).fetchall()
        ],
        cases={
            "case": cases.column(0).to_pandas(),
            **{
                name: cases.column(i).to_numpy()
                for i, name in enumerate(("events", "start", "end"), start=1)
            },
        },
        working=working,
        timed=timed,
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _checked_labels(
    con: duckdb.DuckDBPyConnection, ref: str, where: str, has_start: bool
) -> tuple[list[str], bool]:
    """The activity labels of a table, once one scan has found no missing value in it, and
    whether it has times."""
    others = [column for column in REQUIRED if column != "activity"]
    counts = ", ".join(f"count(*) FILTER (WHERE {_quote(c)} IS NULL)" for c in others)
    rows = con.execute(
        f"SELECT activity, count(*), {counts} FROM {ref} GROUP BY activity ORDER BY activity"
    ).fetchall()
    nulls = {column: sum(row[i] for row in rows) for i, column in enumerate(others, start=2)}
    nulls["activity"] = sum(row[1] for row in rows if row[0] is None)
    timed = _timed(nulls, sum(row[1] for row in rows), has_start)
    _check_nulls({column: nulls[column] for column in REQUIRED}, where)
    return [row[0] for row in rows], timed


def _as_enum(labels: list[str]) -> str:
    """The activity column cast to an ENUM of its labels.

    Windows, ordered lists and groups over small integers take about half the time and memory
    they take over strings, and DuckDB still returns the labels.
    """
    if not labels:
        return "activity"
    values = ", ".join("'" + label.replace("'", "''") + "'" for label in labels)
    return f"activity::ENUM({values})"


def _duckdb_types(con: duckdb.DuckDBPyConnection, table: str, ref: str) -> dict[str, str]:
    import duckdb

    try:
        rows = con.execute(f"DESCRIBE {ref}").fetchall()
    except duckdb.Error as error:
        raise LogError(
            f"DuckDB has no table {table!r} to compute statistics from ({error}); {_ADVICE}"
        ) from error
    return {name: sql_type for name, sql_type, *_ in rows}


def _duckdb_durations(con: duckdb.DuckDBPyConnection, keys: str, source: str) -> list[tuple]:
    """Durations ``d`` of ``source`` grouped by ``keys`` in DuckDB, summarised in NumPy."""
    return _labelled_rows(*_duckdb_lists(con, keys, source), PARTS)


def _duckdb_lists(
    con: duckdb.DuckDBPyConnection, keys: str, source: str
) -> tuple[list[tuple], np.ndarray, np.ndarray]:
    """Durations ``d`` of ``source`` grouped by ``keys``: (key tuples, values, offsets).

    The list of each group travels as one Arrow buffer; NumPy's selection then finds the order
    statistics without sorting, faster than DuckDB sorts each list.
    """
    table = con.sql(f"SELECT {keys}, list(d) FROM ({source}) GROUP BY {keys}").to_arrow_table()
    lists = table.column(table.num_columns - 1).combine_chunks()
    # Offsets index the list child array, which may hold more than these lists: cut it to them.
    offsets = lists.offsets.to_numpy()
    values = lists.values.to_numpy()[offsets[0] : offsets[-1]]
    labels = zip(*(table.column(i).to_pylist() for i in range(table.num_columns - 1)), strict=True)
    return list(labels), values, offsets - offsets[0]


def _labelled_rows(
    labels: list[tuple], values: np.ndarray, offsets: np.ndarray, parts: int = 0
) -> list[tuple]:
    rows = _duration_rows(values, offsets, parts)
    return [(*label, *row) for label, row in zip(labels, rows, strict=True)]


def _by_target(labels: list[tuple], values: np.ndarray, offsets: np.ndarray) -> list[tuple]:
    """The directly-follows durations regrouped by target: the waiting before each activity.

    Each target's durations are the lists of its pairs, joined one target at a time: at most
    one target's copy is held beside the lists (fifty million events: no sort of every value
    and no key per value).
    """
    import numpy as np

    lists: dict[str, list[np.ndarray]] = {}
    for (_, target), begin, end in zip(labels, offsets[:-1], offsets[1:], strict=True):
        lists.setdefault(target, []).append(values[begin:end])
    rows = []
    for target in sorted(lists):
        group = np.concatenate(lists.pop(target))
        rows.append((target, *_duration_rows(group, np.array([0, len(group)]), PARTS)[0]))
    return rows


# --- both engines -------------------------------------------------------------------------


def _check_columns(columns: list[str], where: str) -> None:
    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        raise LogError(
            f"{where} has no column {', '.join(map(repr, missing))} (it has: "
            f"{', '.join(map(str, columns)) or 'no columns'}); statistics need the columns "
            f"{', '.join(REQUIRED)}: {_ADVICE}"
        )


def _naive(column: str, where: str, kind: object) -> LogError:
    return LogError(
        f"column {column!r} of {where} holds {kind}, not times with a time zone; {_ADVICE} "
        "(its timezone= argument says in which zone naive times were written)"
    )


def _check_nulls(nulls: dict[str, int], where: str) -> None:
    for column, count in nulls.items():
        if count:
            raise LogError(
                f"column {column!r} of {where} has {count:,} missing values; {_ADVICE}, "
                "which drops such rows and reports them in EventLog.repairs"
            )


def _duration_rows(
    values: np.ndarray, offsets: np.ndarray, parts: int = 0
) -> list[tuple[int, ...]]:
    """Summaries of groups of integer durations, group i being ``values[offsets[i]:offsets[i+1]]``.

    A row is ``(n, total, min, max, median_low, median_high, p90_low, p90_high)`` in Python
    integers: the exact total, and for each quantile the two order statistics it lies between;
    with ``parts``, followed by the totals of the ``min(n, parts)`` equal parts of the sorted
    group (see :func:`_part_totals`).
    """
    import numpy as np

    rows = []
    for begin, end in itertools.pairwise(offsets.tolist()):
        group, n = values[begin:end], end - begin
        lows = [(n - 1) * numerator // denominator for _, numerator, denominator in _QUANTILES]
        picks = [index for low in lows for index in (low, min(low + 1, n - 1))]
        k = min(n, parts)
        cuts = [i * n // k for i in range(1, k)] if k else []
        ranked = np.partition(group, sorted({0, n - 1, *picks, *cuts}))
        total = _exact_sum(group)
        row = (n, total, ranked[0], ranked[n - 1], *ranked[picks])
        if k:
            row = (*row, *_part_totals(ranked, k, [0, *cuts, n]))
        rows.append(tuple(int(value) for value in row))
    return rows


def _exact_sum(values: np.ndarray) -> int:
    """The sum of int64 values, as high and low 32-bit halves: exact where an int64 sum could
    overflow."""
    return (int((values >> 32).sum()) << 32) + int((values & 0xFFFFFFFF).sum())


def _part_totals(ranked: np.ndarray, k: int, cuts: list[int]) -> list[int]:
    """``n`` times the mean of each of ``k`` equal parts of ``ranked`` (partitioned at
    ``cuts[i] = i * n // k``), smallest first.

    Part ``i`` holds the probability from ``i / k`` to ``(i + 1) / k`` of the ``n`` values,
    each holding ``1 / n``: a value that straddles two parts counts in each for its share.
    In units of ``1 / (n k)``, part ``i`` spans ``[i n, (i + 1) n)`` and value ``j`` spans
    ``[j k, (j + 1) k)``; the ``n`` times the mean of a part is the sum over it of value times
    overlap, in integers.
    """
    below = [0]  # sums of the cuts[i] smallest values
    for begin, end in itertools.pairwise(cuts):
        below.append(below[-1] + _exact_sum(ranked[begin:end]))
    return _part_sums(below, [int(ranked[cut]) for cut in cuts[:k]], len(ranked), k)


def _part_sums(below: Sequence[int], at: Sequence[int], n: int, k: int) -> list[int]:
    """:func:`_part_totals` from what an engine that sorts each group gives: ``below[i]``, the
    sum of the ``i n // k`` smallest of the ``n`` values (``i`` from 0 to ``k``), and
    ``at[i]``, the value of rank ``i n // k`` (the smallest of part ``i``).

    >>> _part_sums([0, 1, 6], [1, 2], 3, 2)  # 1, 2, 3 in two parts: 1 and half of 2, and so on
    [4, 8]
    """

    def upto(i: int) -> int:
        """The sum of the values over the probability units ``[0, i n)``, times ``k``."""
        rest = i * n % k
        return k * below[i] + (rest * at[i] if rest else 0)

    return [upto(i + 1) - upto(i) for i in range(k)]


def _finish(
    *,
    pairs: list[tuple],
    variants: list[tuple[tuple[str, ...], int]],
    cases: dict[str, Sequence[Any]],
    working: list[tuple] | None,
    waiting: list[tuple],
    timed: bool = True,
) -> LogStats:
    """Turn what an engine computed, in plain integers and microseconds, into a LogStats.

    Without times (`timed` false) the engines computed with every time zero: the order of
    events stands, the durations are unknown.
    """
    import pandas as pd

    variants = sorted(variants, key=lambda row: (-row[1], row[0]))
    activity_rows = _activity_rows(variants)
    stats = LogStats(
        activities=pd.DataFrame(
            {
                "activity": pd.Series([row[0] for row in activity_rows], dtype="str"),
                "events": pd.Series([row[1] for row in activity_rows], dtype="int64"),
                "cases": pd.Series([row[2] for row in activity_rows], dtype="int64"),
            }
        ),
        directly_follows=_duration_frame(("source", "target"), "count", pairs),
        start_activities=_ranked((variant[0], n) for variant, n in variants),
        end_activities=_ranked((variant[-1], n) for variant, n in variants),
        variants=pd.DataFrame(
            {
                "variant": pd.Series([row[0] for row in variants], dtype=object),
                "count": pd.Series([row[1] for row in variants], dtype="int64"),
            }
        ),
        cases=_cases_frame(cases),
        working_time=(
            None if working is None else _duration_frame(("activity",), "events", working, PARTS)
        ),
        waiting_time=_duration_frame(("activity",), "events", waiting, PARTS),
    )
    return stats if timed else _without_times(stats)


def _without_times(stats: LogStats) -> LogStats:
    """``stats`` with every duration and case time unknown (``NaT``; no waiting-time table)."""

    def unknown(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
        return frame.assign(**{c: frame[c].mask(frame[c].notna()) for c in columns})

    return attrs.evolve(
        stats,
        directly_follows=unknown(stats.directly_follows, DURATIONS),
        waiting_time=None,
        cases=unknown(stats.cases, ("start", "end", "duration")),
    )


def _activity_rows(variants: list[tuple[tuple[str, ...], int]]) -> list[tuple[str, int, int]]:
    """``(activity, events, cases)`` rows, from the variants: they hold every event."""
    events: Counter[str] = Counter()
    cases: Counter[str] = Counter()
    for variant, n in variants:
        for activity, times in Counter(variant).items():
            events[activity] += times * n
            cases[activity] += n
    return sorted(
        ((activity, events[activity], cases[activity]) for activity in events),
        key=lambda row: (-row[1], row[0]),
    )


def _ranked(items: Iterable[tuple[str, int]]) -> dict[str, int]:
    counter: Counter[str] = Counter()
    for key, count in items:
        counter[key] += count
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def _duration_frame(
    keys: tuple[str, ...], count: str, rows: list[tuple], parts: int = 0
) -> pd.DataFrame:
    """The duration table of grouped rows ``(*keys, n, total, min, max, quantile picks...)``,
    with the column ``distribution`` when the rows have ``parts``."""
    import numpy as np
    import pandas as pd

    width = len(keys)
    rows = sorted(rows, key=lambda row: (-row[width], *row[:width]))
    stats: dict[str, list[int]] = {name: [] for name in DURATIONS}
    spread = []
    for row in rows:
        n, total, low, high, *picks = row[width:]
        picks, part_totals = picks[: 2 * len(_QUANTILES)], picks[2 * len(_QUANTILES) :]
        spread.append(tuple(timedelta(microseconds=(2 * t + n) // (2 * n)) for t in part_totals))
        stats["mean"].append((2 * total + n) // (2 * n))
        for (name, numerator, denominator), below, above in zip(
            _QUANTILES, picks[::2], picks[1::2], strict=True
        ):
            rest = (n - 1) * numerator % denominator
            stats[name].append(
                below + ((above - below) * rest * 2 + denominator) // (2 * denominator)
            )
        stats["min"].append(low)
        stats["max"].append(high)
    columns = {key: pd.Series([row[i] for row in rows], dtype="str") for i, key in enumerate(keys)}
    columns[count] = pd.Series([row[width] for row in rows], dtype="int64")
    for name in DURATIONS:
        columns[name] = pd.Series(np.array(stats[name], dtype="int64").astype("timedelta64[us]"))
    if parts:
        columns["distribution"] = pd.Series(spread, dtype=object)
    return pd.DataFrame(columns)


def _cases_frame(cases: dict[str, Sequence[Any]]) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    start = np.asarray(cases["start"], dtype="int64")
    end = np.asarray(cases["end"], dtype="int64")
    frame = pd.DataFrame(
        {
            "case": pd.Series(cases["case"], dtype="str"),
            "events": pd.Series(cases["events"], dtype="int64"),
            "start": pd.Series(start.astype("datetime64[us]")).dt.tz_localize("UTC"),
            "end": pd.Series(end.astype("datetime64[us]")).dt.tz_localize("UTC"),
            "duration": pd.Series((end - start).astype("timedelta64[us]")),
        }
    )
    if not frame["case"].is_monotonic_increasing:
        frame = frame.sort_values("case", ignore_index=True)
    return frame
