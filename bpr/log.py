"""Event logs: XES, CSV, Parquet and DataFrames read into one canonical table.

:func:`read_log` reads a log, repairs what can be repaired and reports every repair, and refuses
what it cannot read with a :class:`~bpr.LogError` that names the file and says what to do.

The canonical table has one row per event (per activity instance when start times exist):

``case`` (text), ``activity`` (text), ``timestamp`` (completion time, UTC), ``start`` (UTC or
null; the column exists only when the log has start times), ``resource``, ``agency``,
``channel`` (text; each exists only when the log has it), the other event attributes under their
own names, case attributes prefixed ``case:``, and ``position`` (the event's 0-based order in the
source; in XES, its place among the file's events, lifecycle start events included). A
source column whose name clashes with a canonical name is kept as ``source:<name>``. Events
are given in the order ``(case, timestamp, position)`` (:meth:`EventLog.to_pandas`); the
table is not stored sorted.

``activity`` is a display label: spellings that :func:`bpr.labels.normalize` maps to one key
(Arabic and Persian letters, zero-width non-joiners, spacing, diacritics, Latin case) become
the group's most frequent spelling (ties: the first seen).

Repairs, each counted in :attr:`EventLog.repairs` and logged (``logging``, info level): rows
without case, activity or timestamp dropped (a NaN case id is a missing one); unparseable
timestamps dropped (with examples; an offset beyond -12:00..+14:00, or with minutes past 59,
makes a time unparseable rather than moving it by days); unparseable start times and start
times after completion cleared (no negative durations); control characters (tab and line
breaks as spaces) removed from activity, resource, agency and channel labels; events
re-sorted within a case; labels merged; for XES, lifecycle start events without a complete,
events with other lifecycle transitions, and reader work-arounds (see :mod:`bpr.xes`). With
``strict=True`` any repair is an error instead.

No event is lost: events are copies of each other only when they are equal in every column of
the source (event ids such as XES ``id`` or ``concept:instance`` and every other attribute; a
missing value equals a missing value). Such exact duplicates are kept, counted and reported
(``exact duplicate events kept``), and removed only with ``duplicates="drop"``; events that
share case, activity and time but differ in anything else are different events. So a log read
by ``read_log`` has as many events as pm4py reads from it.

A log where no event has a time (a control-flow-only log: no time column, or one with no
value) is read in file order: ``timestamp`` is null, :attr:`EventLog.timed` is false, every
time metric computed from it is unknown, and ``no timestamps: events kept in file order`` is
reported (logging, warning level). A log where only some events lack a time is another case:
those events are dropped and reported as above, since they have no place among the others.

Timestamps follow :mod:`bpr.timestamps`: values with a UTC offset are converted each with its
own; values without one are local time in `timezone`; a log mixing both is an error.

A CSV file's encoding is the one its byte-order mark says (UTF-8 or UTF-16), else the
``encoding`` given, else UTF-8; a file that is not in it is refused with the line and byte
where it fails, and with ``encoding='cp1256'`` when its bytes read as Windows Arabic/Persian
text. Rows with more or fewer fields than the header are refused with their line.

All sources go through the same DuckDB SQL, so both engines give the same events. The
``duckdb`` engine (the default for files) keeps the table in DuckDB, built from
``read_csv``/``read_parquet`` without loading the file into Python, and from XES streamed into
it in batches (:mod:`bpr.xes`), within 2 GB of memory (``memory_limit=``; beyond, DuckDB
spills to a temporary directory, removed with the log); the ``pandas`` engine (the default for
DataFrames) holds a DataFrame; the ``spark`` engine keeps the events in Spark (see the Spark
page of the documentation). An :class:`EventLog` computes its statistics once and may be
shared by threads.

Every check and normalisation is a set-based query in DuckDB, each distinct label or time text
handled once where values repeat. A Parquet source (a file, or a folder of parts) whose times
are typed instants is not copied when one pass finds nothing in it to repair: the events are a
view of the file, which every later query scans, and the memory they take does not grow with
the log. CSV times that DuckDB's reader recognises as ISO 8601 local times are parsed as the
file is read; everything else follows the rules of :mod:`bpr.timestamps`.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({
...     "CaseID": [1, 1, 2],
...     "Activity": ["ثبت درخواست", "بررسي مدارك", "ثبت درخواست"],
...     "Time": ["1402/05/12 10:30", "1402/05/13 09:00", "1402/05/12 11:00"],
... })
>>> log = read_log(frame, dates="jalali", timezone="Asia/Tehran")
>>> log.n_cases, log.n_events, log.activities
(2, 3, ('بررسي مدارك', 'ثبت درخواست'))
>>> dict(log.columns_chosen)
{'case': 'CaseID', 'activity': 'Activity', 'timestamp': 'Time'}
>>> log.to_pandas()["timestamp"].iloc[0]
Timestamp('2023-08-03 07:00:00+0000', tz='UTC')
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import html
import logging
import os
import re
import shutil
import tempfile
import threading
import warnings
import weakref
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from bpr.errors import ColumnError, LogError
from bpr.labels import normalize
from bpr.timestamps import (
    CALENDARS,
    day_table,
    exact_offsets,
    first_parse,
    text_parse_sql,
    zone,
    zone_table,
)

if TYPE_CHECKING:
    import duckdb
    import pandas as pd
    import pyarrow as pa

    from bpr.stats import LogStats

__all__ = ["DUPLICATES", "ENGINES", "EventLog", "Repair", "read_log"]

_log = logging.getLogger(__name__)

ENGINES = ("auto", "pandas", "duckdb", "spark")
DUPLICATES = ("keep", "drop")
_TABLE = "events"
_CANONICAL = ("case", "activity", "timestamp", "start", "resource", "agency", "channel", "position")
_EXTENSIONS = (".xes", ".xes.gz", ".csv", ".csv.gz", ".parquet")
_LIFECYCLE = "lifecycle:transition"
_EXAMPLES = 5
_PLACEHOLDER = "<column>"
# DuckDB works within this much memory and spills to a temporary directory beyond it, so that
# a log of ten million events reads (and its statistics compute) in well under 3 GB.
_MEMORY_LIMIT = "2GB"
# Below this DuckDB cannot hold even a small log's working set and fails mid-read.
_MEMORY_FLOOR = 100 * 10**6
_SIZE = re.compile(r"\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[KMGT]i?B)\s*", re.IGNORECASE)
_UNITS = {"K": 1, "M": 2, "G": 3, "T": 4}
_MERGES_SHOWN = 20
# Header names recognised when a column argument is not given, most specific first; compared
# after _header_key (case, spaces, underscores, hyphens and Persian spelling variants ignored).
_CANDIDATES: dict[str, tuple[str, ...]] = {
    "case": ("case:concept:name", "caseid", "case", "caseno", "casenumber", "traceid",
             "شناسهپرونده", "شمارهپرونده", "پرونده"),
    "activity": ("concept:name", "activity", "activityname", "eventname", "task", "taskname",
                 "فعالیت", "مرحله"),
    "timestamp": ("time:timestamp", "timestamp", "completetimestamp", "endtimestamp",
                  "completetime", "endtime", "time", "datetime", "date", "زمان", "تاریخ"),
    "start": ("starttimestamp", "starttime", "start"),
    "resource": ("org:resource", "resource", "کاربر"),
    # org:group is an organisational unit inside one organisation, not an agency: a user who
    # knows better maps it with agency="org:group".
    "agency": ("agency", "دستگاه"),
    "channel": ("channel", "case:channel", "کانال"),
}  # fmt: skip
# DuckDB reads these encodings itself; others are transcoded to UTF-8 first.
_DUCKDB_ENCODINGS = {"utf-8": "utf-8", "iso8859-1": "latin-1"}


@attrs.frozen
class Repair:
    """One kind of repair made while reading a log: what, to how many events, and details.

    ``changed`` is false for what is only reported (exact duplicates kept, a log read in file
    order for want of times): ``strict=True`` refuses only changes.
    """

    repair: str
    count: int
    detail: str
    changed: bool = True


def _q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    """A quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _header_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", normalize(name))


class EventLog:
    """An event log in canonical columns (see :mod:`bpr.log`), made by :func:`read_log`.

    Attributes
    ----------
    engine : str
        ``"pandas"`` (the events are a DataFrame) or ``"duckdb"`` (a table in DuckDB).
    source : str
        The file read, or ``"<DataFrame>"``.
    columns_chosen : Mapping[str, str]
        For each canonical column, the source column it came from.
    n_cases, n_events : int
        The number of cases and of events.
    activities : tuple[str, ...]
        The display labels, sorted.
    timed : bool
        ``False`` for a control-flow-only log, where no event has a time: its events are in
        file order, ``timestamp`` is null, and every time metric computed from it is unknown.
    timezone, dates : str
        How its times were read (:func:`read_log`'s keywords): the zone of local times (and
        so of the log's calendar days), and ``"gregorian"`` or ``"jalali"`` dates.

    Examples
    --------
    >>> import pandas as pd
    >>> log = read_log(pd.DataFrame({
    ...     "case": ["r1", "r1", "r2"],
    ...     "activity": ["Pay fee", "pay  fee", "Pay fee"],
    ...     "timestamp": ["2024-01-01 10:00", "2024-01-02 10:00", "2024-01-01 11:00"],
    ... }))
    >>> log.activities
    ('Pay fee',)
    >>> log.repairs.loc[0, "detail"]
    "'pay  fee' (1) → 'Pay fee'"
    >>> log.to_pandas()[["case", "activity", "position"]]
      case activity  position
    0   r1  Pay fee         0
    1   r1  Pay fee         1
    2   r2  Pay fee         2
    """

    def __init__(
        self,
        *,
        engine: str,
        source: str,
        columns_chosen: Mapping[str, str],
        repairs: tuple[Repair, ...],
        summary: _Summary,
        con: duckdb.DuckDBPyConnection | None,
        frame: pd.DataFrame | None,
        spark_frame: Any = None,
        timezone: str = "UTC",
        dates: str = "gregorian",
    ) -> None:
        self.engine = engine
        self.timezone = timezone
        self.dates = dates
        self.source = source
        self.columns_chosen: Mapping[str, str] = MappingProxyType(dict(columns_chosen))
        self.n_cases = summary.n_cases
        self.n_events = summary.n_events
        self.activities = summary.activities
        self.timed = summary.first is not None
        self._span = (summary.first, summary.last)
        self._repairs = repairs
        self._con = con
        self._table = _TABLE if con is not None else None
        self._frame = frame
        self._spark = spark_frame  # the events of a Spark log: a pyspark DataFrame (bpr._spark)
        # A DuckDB connection serves one thread at a time: every query goes through a cursor
        # of its own (_query), and the statistics are computed once, under this lock.
        self._lock = threading.Lock()
        self._stats: LogStats | None = None

    @property
    def calendar(self) -> str:
        """The former name of :attr:`dates` (deprecated)."""
        warnings.warn("EventLog.calendar is now EventLog.dates", DeprecationWarning, stacklevel=2)
        return self.dates

    @property
    def repairs(self) -> pd.DataFrame:
        """Every repair made while reading: columns ``repair``, ``count``, ``detail``."""
        import pandas as pd

        return pd.DataFrame(
            [(r.repair, r.count, r.detail) for r in self._repairs],
            columns=["repair", "count", "detail"],
        ).astype({"count": "int64"})

    def to_pandas(self) -> pd.DataFrame:
        """A copy of the events as a DataFrame in canonical columns and order (a Spark log's
        events are collected to the driver)."""
        if self._spark is not None:
            from bpr import _spark

            return _spark.to_pandas(self)
        if self._frame is not None:
            return self._frame.copy()
        return self._query(f'SELECT * FROM {_TABLE} ORDER BY "case", timestamp, position')

    def _query(self, sql: str) -> pd.DataFrame:
        """The result of `sql` on the events table, through a cursor of this call's own."""
        with self._cursor() as cursor:
            return _frame(cursor, sql)

    @contextlib.contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the log's database for one thread (a DuckDB connection is not
        thread-safe; its cursors, each used by one thread, are)."""
        assert self._con is not None
        cursor = self._con.cursor()
        try:
            cursor.execute("SET TimeZone = 'UTC'")  # a setting of the connection, not the cursor
            yield cursor
        finally:
            cursor.close()

    def _names(self) -> list[str]:
        """The names of the event table's columns."""
        if self._spark is not None:
            return list(self._spark.columns)
        if self._frame is not None:
            return list(self._frame.columns)
        with self._cursor() as cursor:
            return [row[0] for row in cursor.execute(f"DESCRIBE {_TABLE}").fetchall()]

    def _events(
        self,
        columns: Sequence[str],
        *,
        categories: Sequence[str] = (),
        cases: tuple[Any, Any] | None = None,
    ) -> pd.DataFrame:
        """The events' `columns` (those the log has) in canonical order, the `categories`
        among them as pandas categoricals: only what a computation needs leaves the engine,
        so that a measure of ten million events does not copy every attribute. With `cases`
        (a range of :meth:`_case_ranges`), only the events of those cases."""
        if self._spark is not None:
            from bpr import _spark

            return _spark.events(self, columns, categories=categories, cases=cases)
        chosen = [c for c in dict.fromkeys(columns) if c in self._names()]
        if self._frame is not None:
            events = self._frame[chosen]
            return events.astype({c: "category" for c in categories if c in chosen})
        where = ""
        if cases is not None:
            after, last = cases
            where = f'WHERE "case" <= {_lit(last)}'
            where += "" if after is None else f' AND "case" > {_lit(after)}'
        with self._cursor() as cursor:
            table = cursor.sql(
                f"SELECT {', '.join(map(_q, chosen))} FROM {_TABLE} {where} "
                'ORDER BY "case", timestamp, position'
            ).to_arrow_table()
        for column in categories:
            if column in chosen:
                i = chosen.index(column)
                table = table.set_column(i, column, table.column(i).dictionary_encode())
        return table.to_pandas()

    def _case_ranges(self, events: int) -> list[tuple[Any, Any] | None]:
        """Ranges of case ids ``(after, last)`` (``after`` excluded, None for the first) that
        hold about `events` events each, whole cases; ``[None]`` (every case at once) for a
        log held in pandas, which is in memory anyway."""
        if self._spark is not None:
            from bpr import _spark

            return _spark.case_ranges(self, events)
        if self._frame is not None:
            return [None]
        with self._cursor() as cursor:
            rows = cursor.execute(
                'SELECT max("case") FROM (SELECT "case", sum(n) OVER (ORDER BY "case") AS upto '
                f'FROM (SELECT "case", count(*) AS n FROM {_TABLE} GROUP BY "case")) '
                f"GROUP BY (upto - 1) // {int(events)} ORDER BY 1"
            ).fetchall()
        lasts = [row[0] for row in rows]
        return list(zip([None, *lasts[:-1]], lasts, strict=True))

    def _value_counts(self, column: str, *, first_of_case: bool = False) -> pd.DataFrame:
        """Events per activity and value of ``column``: columns ``activity, value, n``.

        Missing values count too (as a missing ``value``). With ``first_of_case`` only the
        first event of each case keeps its value, the others count as missing. Computed where
        the events live, so a large log is not copied into pandas.
        """
        if self._spark is not None:
            from bpr import _spark

            return _spark.value_counts(self, column, first_of_case=first_of_case)
        if self._frame is not None:
            events = self._frame
            values = events[column]
            if first_of_case:
                values = values.where(~events["case"].duplicated())
            counts = events.groupby([events["activity"], values], dropna=False, sort=True).size()
            return counts.rename_axis(["activity", "value"]).reset_index(name="n")
        value = _q(column)
        if first_of_case:
            first = 'row_number() OVER (PARTITION BY "case" ORDER BY timestamp, position) = 1'
            value = f"CASE WHEN {first} THEN {value} END"
        return self._query(
            f"SELECT activity, value, count(*) AS n FROM (SELECT activity, {value} AS value "
            f"FROM {_TABLE}) GROUP BY activity, value ORDER BY activity, value",
        )

    def stats(self) -> LogStats:
        """The log's statistics (activity counts, directly-follows, variants...).

        Computed once, on first use, and shared by every later call (from any thread): an
        analysis asks for them in discovery, measuring and the fidelity check.
        """
        from bpr.stats import compute_stats

        with self._lock:
            if self._stats is None:
                self._stats = compute_stats(self)
            return self._stats

    def __repr__(self) -> str:
        return (
            f"EventLog(source={self.source!r}, engine={self.engine!r}, cases={self.n_cases}, "
            f"events={self.n_events}, activities={len(self.activities)})"
        )

    def _repr_html_(self) -> str:
        first, last = self._span
        span = (
            f"{first:%Y-%m-%d %H:%M} – {last:%Y-%m-%d %H:%M}"
            if self.timed
            else "unknown: no event has a time (events in file order)"
        )
        rows = [
            ("source", self.source),
            ("cases", f"{self.n_cases:,}"),
            ("events", f"{self.n_events:,}"),
            ("activities", f"{len(self.activities):,}"),
            ("time span (UTC)", span),
        ]
        head = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
            for k, v in rows
        )
        if self._repairs:
            body = "".join(
                f"<tr><td>{html.escape(r.repair)}</td><td>{r.count:,}</td>"
                f"<td>{html.escape(r.detail)}</td></tr>"
                for r in self._repairs
            )
            repaired = f"<table><tr><th>repair</th><th>count</th><th>detail</th></tr>{body}</table>"
        else:
            repaired = "<p>No repairs were needed.</p>"
        return f"<div><strong>EventLog</strong><table>{head}</table>{repaired}</div>"


def _frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """The result of `sql` as a DataFrame (through Arrow: several times faster than .df())."""
    return con.sql(sql).to_arrow_table().to_pandas()


@attrs.frozen
class _Source:
    """Where the rows come from, as DuckDB sees it."""

    name: str
    kind: str  # "csv", "parquet", "xes" or "frame"
    path: Path | None = None
    data: Any = None  # the DataFrame of a "frame" source
    encoding: str | None = None


def _locate(source: Any, encoding: str | None) -> _Source:
    if isinstance(source, str | Path):
        path = Path(source)
        name = str(source)
        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise LogError(
                    f"{name}: unknown encoding {encoding!r}; pass one Python knows, e.g. "
                    "encoding='utf-8', 'utf-16', 'cp1256' (Windows Arabic/Persian) or 'latin-1'"
                ) from None
        try:
            is_dir = path.is_dir()
        except OSError as exc:
            # a text given where a path belongs can be too long to be a file name at all
            shown = name if len(name) <= 80 else f"{name[:77]}..."
            raise LogError(
                f"{shown}: not a file name ({exc.strerror}); give the path of an event log"
            ) from None
        if is_dir:
            return _folder(path, name)
        kind = _kind(path)
        if kind is None:
            raise LogError(
                f"{name}: unknown file type; bpr reads {', '.join(_EXTENSIONS)} files "
                "(rename the file if its content is one of these)"
            )
        if not path.exists():
            raise LogError(f"{name}: no such file")
        if not path.is_file():
            raise LogError(f"{name}: not a file")
        if path.stat().st_size == 0:
            raise LogError(f"{name}: the file is empty")
        kind = kind.removesuffix(".gz").lstrip(".")
        return _Source(name, kind, path, encoding=encoding)
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        return _Source("<DataFrame>", "frame", data=source)
    raise LogError(
        f"cannot read an event log from a {type(source).__name__}; "
        "pass a file path (.xes, .xes.gz, .csv, .csv.gz, .parquet), a folder of .parquet "
        "parts or a pandas DataFrame"
    )


def _kind(path: Path) -> str | None:
    """The log extension a file name ends with (``.xes.gz``...), if any."""
    lowered = path.name.lower()
    return next((ext for ext in _EXTENSIONS if lowered.endswith(ext)), None)


def _folder(path: Path, name: str) -> _Source:
    """A folder of Parquet parts (as Spark and pandas write a table, partitioned folders
    included) is one log, which DuckDB reads through a glob; any other folder is an error that
    says what it holds."""
    files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith((".", "_")))
    if any(_kind(p) == ".parquet" for p in files):
        return _Source(name, "parquet", path / "**" / "*.parquet")
    if not files:
        raise LogError(
            f"{name}: a folder, and an empty one; give a log file, or a folder of .parquet parts"
        )
    kinds: dict[str, int] = {}
    for file in files:
        kind = _kind(file) or "other"
        kinds[kind] = kinds.get(kind, 0) + 1
    counted = [f"{n} {kind} file{'s' if n > 1 else ''}" for kind, n in sorted(kinds.items())]
    held = " and ".join([", ".join(counted[:-1]), counted[-1]] if len(counted) > 1 else counted)
    logs = [p for p in files if _kind(p) is not None]
    advice = (
        f"give one log file, e.g. {logs[0]}"
        if logs
        else f"give a log file ({', '.join(_EXTENSIONS)})"
    )
    raise LogError(
        f"{name}: a folder, not a log: it holds {held}; {advice}, or a folder of .parquet parts"
    )


_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _encoding(source: _Source) -> str:
    """The encoding of a CSV file: its byte-order mark's, else the one given, else UTF-8.

    A byte-order mark says UTF-8 or UTF-16 for sure (Excel writes one); given ``utf-8`` or
    nothing, a UTF-16 file is read as UTF-16 rather than refused.
    """
    assert source.path is not None
    name = None if source.encoding is None else codecs.lookup(source.encoding).name
    head = _head(source.path, 4)
    marked = next((found for bom, found in _BOMS if head.startswith(bom)), None)
    if marked is not None and name in (None, "utf-8"):
        return marked
    return name or "utf-8"


def _csv_encoding(source: _Source, workdir: Path) -> tuple[Path, str]:
    """The file DuckDB should read and the encoding to tell it."""
    assert source.path is not None
    name = _encoding(source)
    if name in _DUCKDB_ENCODINGS:
        return source.path, _DUCKDB_ENCODINGS[name]
    import gzip

    target = workdir / "transcoded.csv"
    opener = gzip.open if source.path.name.lower().endswith(".gz") else open
    try:
        with (
            opener(source.path, "rt", encoding=name, newline="") as inp,
            target.open("w", encoding="utf-8", newline="") as out,
        ):
            shutil.copyfileobj(inp, out)
    except UnicodeError:  # UTF-16 without a byte-order mark raises the base class
        raise _undecodable(source, name) from None
    except (EOFError, OSError) as exc:
        raise LogError(
            f"{source.name}: the gzip stream is truncated or corrupt ({exc}); download or "
            "export the file again"
        ) from None
    return target, "utf-8"


class _Reading:
    """One call of read_log: a DuckDB connection, the source relation and the repairs made."""

    def __init__(self, source: _Source, con: duckdb.DuckDBPyConnection, workdir: Path) -> None:
        self.source = source
        self.con = con
        self.workdir = workdir
        self.varchar: tuple[str, ...] = ()
        self.repairs: list[Repair] = []
        self._csv: tuple[Path, str] | None = None
        self._position: str | None = None

    def relation(self, *, numbered: bool = False) -> str:
        """The FROM clause that reads the source (the chosen columns as text for CSV); with
        `numbered`, a Parquet source's rows carry their file and row number
        (:meth:`scan_position`)."""
        src = self.source
        if src.kind == "csv":
            if self._csv is None:
                self._csv = _csv_encoding(src, self.workdir)
            path, encoding = self._csv
            types = ", ".join(f"{_lit(c)}: 'VARCHAR'" for c in self.varchar)
            typed = f", types = {{{types}}}" if types else ""
            return f"read_csv({_lit(str(path))}, header = true, encoding = {_lit(encoding)}{typed})"
        if src.kind == "parquet":
            numbers = ""
            if numbered:
                several = self.scan_position() != "file_row_number"
                numbers = f"{', filename = true' if several else ''}, file_row_number = true"
            return f"read_parquet({_lit(str(src.path))}{numbers})"
        if src.kind == "xes":
            return src.data  # the streamed table, or a view of it with its lifecycles paired
        self.con.register("bpr_source", src.data)
        return "bpr_source"

    def position(self) -> str:
        """SQL for a row's 0-based order in the source. XES rows carry their place in the
        file (so an event keeps it when lifecycle pairing drops the start events before it),
        and a window that numbered them would hold every column of every row at once."""
        return _XES_ROW if self.source.kind == "xes" else "row_number() OVER () - 1"

    def scan_position(self) -> str:
        """SQL for a row's 0-based order in a Parquet source read with :meth:`relation`
        ``(numbered=True)``: its row number in its file, after the rows of the files before it
        (in DuckDB's order of the files, their names')."""
        if self._position is None:
            rows = self.con.execute(
                "SELECT file_name, num_rows FROM "
                f"parquet_file_metadata({_lit(str(self.source.path))})"
            ).fetchall()
            offsets, before = [], 0
            for name, count in sorted(rows):
                offsets.append(f"WHEN {_lit(name)} THEN {before}")
                before += count
            self._position = (
                "file_row_number"
                if len(rows) == 1
                else f"file_row_number + CASE filename {' '.join(offsets)} END"
            )
        return self._position

    def iso_sniffed(self) -> bool:
        """Whether DuckDB's sniffer typed the CSV's dates and times as ISO 8601 (no format of
        its own, such as a day-first one, found)."""
        path, encoding = self._csv or _csv_encoding(self.source, self.workdir)
        self._csv = (path, encoding)
        row = self.con.execute(
            f"SELECT DateFormat, TimestampFormat FROM sniff_csv({_lit(str(path))}, "
            f"header = true, encoding = {_lit(encoding)})"
        ).fetchall()[0]
        return row == (None, None)

    def describe(self) -> list[tuple[str, str]]:
        rows = self.con.execute(f"DESCRIBE SELECT * FROM {self.relation()}").fetchall()
        return [(row[0], row[1]) for row in rows]

    def repair(self, kind: str, count: int, detail: str, *, changed: bool = True) -> None:
        if count:
            self.repairs.append(Repair(kind, int(count), detail, changed))


def _choose(columns: list[str], given: dict[str, str | None], name: str) -> dict[str, str]:
    """Which source column becomes each canonical column.

    Raises one :class:`~bpr.ColumnError` for everything at fault at once: every named column
    the source lacks, and every needed role (case, activity, timestamp) found by no name.

    >>> _choose(["CaseID", "Task", "When"], {"timestamp": "When"}, "x.csv")
    {'case': 'CaseID', 'activity': 'Task', 'timestamp': 'When'}
    >>> _choose(["id", "Task"], {"case": "Case"}, "x.csv")
    Traceback (most recent call last):
    ...
    bpr.errors.ColumnError: x.csv: no column 'Case' (passed as case=) and no timestamp column \
found; the columns are ['id', 'Task']; pass timestamp='<column>' to read_log
    """
    absent = {role: col for role, col in given.items() if col is not None and col not in columns}
    chosen = {role: col for role, col in given.items() if col is not None and col in columns}
    keys = {c: _header_key(c) for c in columns}
    for role, candidates in _CANDIDATES.items():
        if role in chosen or role in absent:
            continue
        free = [c for c in columns if c not in chosen.values()]
        found = next((c for k in candidates for c in free if keys[c] == k), None)
        if found is not None:
            chosen[role] = found
    unfound = [r for r in ("case", "activity", "timestamp") if r not in chosen and r not in absent]
    if absent or unfound:
        raise ColumnError(
            _column_message(name, columns, absent, unfound),
            source=name,
            roles=tuple(r for r in _CANONICAL if r in absent or r in unfound),
            columns=tuple(columns),
            given=absent,
        )
    return {role: chosen[role] for role in _CANONICAL if role in chosen}


def _column_message(
    name: str, columns: list[str], absent: dict[str, str], unfound: list[str]
) -> str:
    """What :func:`_choose` found missing, in :func:`read_log`'s terms."""
    faults = [f"no column {col!r} (passed as {role}=)" for role, col in absent.items()]
    faults += [f"no {role} column found" for role in unfound]
    text = f"{name}: {' and '.join(faults)}"
    text += f" among the columns {columns}" if not absent else f"; the columns are {columns}"
    if unfound:
        text += f"; pass {' and '.join(f'{r}={_PLACEHOLDER!r}' for r in unfound)} to read_log"
    return text


# C0 and C1 control characters (tab and line breaks included) and DEL.
_CONTROL = "[\\x00-\\x1f\\x7f-\\x9f]"
_SETUP = "CREATE OR REPLACE TEMP MACRO bpr_str(x) AS CASE WHEN trim(x) = '' THEN NULL ELSE x END;"
_FLOATS = ("FLOAT", "DOUBLE")
_EXTRA = ("resource", "agency", "channel")


def _instant(column: str, sql_type: str) -> str:
    """SQL for a typed time column of a scanned source as an instant, in UTC where it has no
    zone; any expression more than a cast costs a scan of every query a fifth of a second per
    million events."""
    if sql_type.upper() == "TIMESTAMP WITH TIME ZONE":
        return column
    return f"timezone('UTC', CAST({column} AS TIMESTAMP))"


def _text(column: str, sql_type: str, *, blank: bool = True) -> str:
    """SQL for a column as text; blank text is null (unless not `blank`: the values are known
    not to be blank), integral floats lose their '.0'."""
    quoted = _q(column)
    if sql_type.upper() in _FLOATS:
        # NaN is a missing value (pandas writes one for a missing number); infinities and
        # integers beyond BIGINT stay as written. TRY_CAST: DuckDB may evaluate a repeated
        # expression for every row, outside the CASE that guards it.
        as_text = (
            f"CASE WHEN isnan({quoted}) THEN NULL WHEN {quoted} = trunc({quoted}) AND "
            f"abs({quoted}) < 9e18 THEN CAST(TRY_CAST({quoted} AS BIGINT) AS VARCHAR)"
            f" ELSE CAST({quoted} AS VARCHAR) END"
        )
    elif sql_type.upper() == "VARCHAR":
        as_text = quoted
    else:
        as_text = f"CAST({quoted} AS VARCHAR)"
    return f"bpr_str({as_text})" if blank else as_text


def _others(columns: list[str], chosen: dict[str, str]) -> dict[str, str]:
    """The source columns not chosen, with their output names: event attributes, then case."""
    used = set(chosen.values())
    taken = {c.casefold() for c in _CANONICAL}
    rest = [c for c in columns if c not in used]
    rest.sort(key=lambda c: c.startswith("case:"))  # stable: source order within each group
    out = {}
    for column in rest:
        # DuckDB names are case-insensitive, so "Activity" clashes with "activity".
        clash = column.casefold() in taken or column.startswith("__bpr_")
        out[column] = f"source:{column}" if clash else column
        taken.add(out[column].casefold())
    return out


@attrs.frozen
class _Time:
    """Stage columns of one timestamp column: local time, written offset, unparsed text."""

    role: str  # "timestamp" or "start"

    @property
    def local(self) -> str:
        return f"__bpr_{self.role}"

    @property
    def off(self) -> str:
        return f"__bpr_{self.role}_off"

    @property
    def raw(self) -> str:
        return f"__bpr_{self.role}_raw"


class _Canonical:
    """Builds the canonical events table from the source relation, recording repairs.

    The source is read once into a stage table: key columns as text, each timestamp as local
    time plus the offset written in it (:mod:`bpr.timestamps`), the text kept only where DuckDB's
    fast casts failed. The events table is built from the stage, then its exact duplicates are
    counted (and dropped on request) and its labels merged in place. A log where no event has
    a time (no time column, or one with no value) is read in file order, ``timestamp`` null.
    """

    def __init__(
        self,
        reading: _Reading,
        chosen: dict[str, str],
        *,
        dates: str,
        timezone: str,
        time_format: str | None,
        duplicates: str,
    ) -> None:
        self.reading = reading
        self.con = reading.con
        self.name = reading.source.name
        self.chosen = chosen
        self.dates = dates
        self.timezone = timezone
        self.time_format = time_format
        self.duplicates = duplicates
        self.times = [_Time(r) for r in ("timestamp", "start") if r in chosen]
        self.empty_column: str | None = None  # a time column without any value
        self.extra = [r for r in _EXTRA if r in chosen]
        self.others: dict[str, str] = {}
        self.scan = False  # the events are a view of the source, not a copy
        self.offset: int | None = None  # the zone's UTC offset, when the same on every day

    def run(self, types: dict[str, str]) -> None:
        if not (self.scannable(types) and self.scanned(types)):
            self.stage(types)
            self.refuse_long_fields()
            self.clean_labels()
            if self.times:
                self.drop_empty_time_column()
            if self.times:
                self.parse_texts()
                self.refuse_mixed_zones()
                self.zones()
            else:
                self.untimed()
            self.parsed_view()
            self.count_drops()
            self.build()
        late = self.order_checks() if self.times else None
        if late is not None and late.ties:
            self.deduplicate()
        self.merge_labels()
        if late is not None:
            self.reading.repair(
                "events re-sorted within a case",
                late.events,
                f"an event came after a later-stamped event of its case; cases affected: "
                f"{late.cases}",
            )

    def scannable(self, types: dict[str, str]) -> bool:
        """Whether the source may be read where it lies: a Parquet file (or parts) whose time
        columns hold instants (with a time zone, or without one read as UTC), so that no text
        needs parsing and no local time a zone."""
        if self.reading.source.kind != "parquet" or not self.times:
            return False
        for t in self.times:
            kind = types[self.chosen[t.role]].upper()
            if not (kind == "TIMESTAMP WITH TIME ZONE" or
                    (kind.startswith("TIMESTAMP") and self.timezone == "UTC")):  # fmt: skip
                return False
        return True

    def scanned(self, types: dict[str, str]) -> bool:
        """Make the events a view of the source, if one pass finds nothing in it to repair.

        Nothing is copied: later queries scan the file. When a value needs a repair (a missing
        or blank key, a missing time, a start after its completion, a control character in a
        label, an overlong field), the view is dropped and the source read the usual way,
        which makes and counts the repairs.
        """
        from bpr._read import MAX_FIELD

        inner = ", ".join(self.stage_columns(types, blank=False))
        self.con.execute(
            f"CREATE VIEW {_TABLE} AS SELECT {', '.join(self.event_columns(scanned=True))} "
            f"FROM (SELECT {self.reading.scan_position()} AS position, {inner} "
            f"FROM {self.reading.relation(numbered=True)})"
        )
        texts = [_q(c) for c in ("case", "activity", *self.extra)]
        checks = [f"count(*) FILTER ({c} IS NULL OR trim({c}) = '')" for c in texts[:2]]
        checks += [f"count(*) FILTER (trim({c}) = '')" for c in texts[2:]]
        checks += [f"coalesce(max(length({c})), 0) > {MAX_FIELD}" for c in texts]
        checks += ["count(*) FILTER (timestamp IS NULL)", "count(*) = 0"]
        if len(self.times) > 1:
            checks.append("count(*) FILTER (start > timestamp)")
        faults = self.con.execute(f"SELECT {', '.join(checks)} FROM {_TABLE}").fetchall()[0]
        control = [
            f"SELECT {c} AS label FROM {_TABLE} GROUP BY 1" for c in texts[1:]
        ]  # labels repeat: each distinct one is matched once
        dirty = self.con.execute(
            f"SELECT count(*) FROM ({' UNION ALL '.join(control)}) "
            f"WHERE regexp_matches(label, '{_CONTROL}')"
        ).fetchall()[0][0]
        if any(faults) or dirty:
            self.con.execute(f"DROP VIEW {_TABLE}")
            return False
        self.scan = True
        return True

    def drop_empty_time_column(self) -> None:
        """Read the log without times when its time columns hold no value at all."""
        valued = " OR ".join(f"{t.local} IS NOT NULL OR {t.raw} IS NOT NULL" for t in self.times)
        row = self.con.execute(
            f"SELECT count(*) FILTER ({valued}) FROM bpr_stage "
            'WHERE "case" IS NOT NULL AND activity IS NOT NULL'
        ).fetchall()[0]
        if not row[0]:
            self.empty_column = self.chosen.pop("timestamp")
            self.chosen.pop("start", None)
            self.times = []

    def untimed(self) -> None:
        """Tell what reading a log without times means, and refuse to drop duplicates in it."""
        detail = _untimed(self.name, self.empty_column, self.duplicates)
        count = self.con.execute(
            'SELECT count(*) FROM bpr_stage WHERE "case" IS NOT NULL AND activity IS NOT NULL'
        ).fetchall()[0][0]
        self.reading.repair(_UNTIMED, count, detail, changed=False)

    def stage(self, types: dict[str, str]) -> None:
        """Read the source into table bpr_stage_t, seen with its rows' order as view bpr_stage:
        key columns as text, times parsed.

        DuckDB guesses CSV column types from a sample; a later value that does not fit makes it
        read that column again, as text.
        """
        import duckdb

        while True:
            try:
                columns = self.stage_columns(types)
                if self.reading.source.kind == "xes":
                    columns.insert(0, f"{_XES_ROW} AS position")
                self.con.execute(
                    f"CREATE TEMP TABLE bpr_stage_t AS SELECT {', '.join(columns)} "
                    f"FROM {self.reading.relation()}"
                )
                break
            except duckdb.ConversionException as exc:
                column = _failed_column(str(exc), list(types))
                if self.reading.source.kind != "csv" or column is None:
                    raise
                _log.info("%s: column %r read as text: %s", self.name, column, exc)
                self.reading.varchar += (column,)
                types = dict(self.reading.describe())
        # Row ids follow the source's order (DuckDB preserves insertion order): numbering the
        # rows with a window instead held every row at once and took a third of the copy.
        numbered = "*" if self.reading.source.kind == "xes" else "rowid AS position, *"
        self.con.execute(f"CREATE TEMP VIEW bpr_stage AS SELECT {numbered} FROM bpr_stage_t")

    def stage_columns(self, types: dict[str, str], *, blank: bool = True) -> list[str]:
        """The stage's columns (all but ``position``); without `blank`, text columns are not
        checked for blank values (the scanned events, once none was found)."""
        chosen = self.chosen
        text = functools.partial(_text, blank=blank)
        cols = [f"{text(chosen[r], types[chosen[r]])} AS {_q(r)}" for r in ("case", "activity")]
        for t in self.times:
            column = chosen[t.role]
            try:
                parse = first_parse(
                    _q(column), types[column], dates=self.dates, time_format=self.time_format
                )
            except LogError as exc:
                raise LogError(f"{self.name}: {exc}") from None
            if not blank:  # the scanned events: instants, their zone UTC where none is written
                cols.append(f"{_instant(_q(column), types[column])} AS {_q(t.role)}")
                continue
            cols += [
                f"{parse.local} AS {t.local}",
                f"{parse.offset}::INTEGER AS {t.off}",
                f"CASE WHEN {t.local} IS NULL THEN bpr_str({parse.text}) END AS {t.raw}",
            ]
        cols += [f"{text(chosen[r], types[chosen[r]])} AS {r}" for r in self.extra]
        self.others = _others([c for c in types if c != _XES_ROW], chosen)
        return cols + [f"{_q(c)} AS {_q(out)}" for c, out in self.others.items()]

    def parse_texts(self) -> None:
        """Parse the texts the fast casts left, each distinct text once (bpr.timestamps)."""
        union = " UNION ALL ".join(
            f"SELECT {t.raw} AS raw FROM bpr_stage WHERE {t.raw} IS NOT NULL" for t in self.times
        )
        self.con.execute(f"CREATE TEMP TABLE bpr_raw AS SELECT DISTINCT raw FROM ({union})")
        if not self.con.execute("SELECT count(*) FROM bpr_raw").fetchall()[0][0]:
            self.con.execute("DROP TABLE bpr_raw")
            return
        for statement in text_parse_sql("bpr_raw", "bpr_texts"):
            self.con.execute(statement)
        ymds = self.con.execute("SELECT DISTINCT ymd FROM bpr_texts WHERE ymd IS NOT NULL")
        days = day_table(sorted(row[0] for row in ymds.fetchall()), self.dates)
        self.register("bpr_days", {"ymd": "int64", "midnight": "int64"}, days)
        parsed = (
            "(SELECT t.raw, make_timestamp(d.midnight + t.us) AS lt, t.off FROM bpr_texts t "
            "JOIN bpr_days d ON d.ymd = t.ymd WHERE d.midnight IS NOT NULL) AS u"
        )
        for t in self.times:
            table = "bpr_stage_t"
            self.con.execute(
                f"UPDATE {table} SET {t.local} = u.lt, {t.off} = u.off FROM {parsed} "
                f"WHERE {table}.{t.raw} = u.raw"
            )
        self.con.execute("DROP TABLE bpr_raw")
        self.con.execute("DROP TABLE bpr_texts")
        self.con.unregister("bpr_days")

    def register(self, name: str, schema: dict[str, str], rows: list[tuple[Any, ...]]) -> None:
        """Register Python rows as a DuckDB view called `name`."""
        import pyarrow as pa

        columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
        arrays = {
            field: pa.array(list(values), pa.type_for_alias(kind))
            for (field, kind), values in zip(schema.items(), columns, strict=True)
        }
        self.con.register(name, pa.table(arrays))

    def source_values(self, role: str, positions: list[int]) -> list[str]:
        """The source text of column `role` at `positions` (re-read from the source)."""
        column = _q(self.chosen[role])
        rows = self.con.execute(
            f"SELECT position, CAST({column} AS VARCHAR) FROM (SELECT {self.reading.position()} "
            f"AS position, {column} FROM {self.reading.relation()}) WHERE position IN "
            f"({', '.join(map(str, positions))})"
        ).fetchall()
        found = dict(rows)
        return [found[p] for p in positions]

    def refuse_mixed_zones(self) -> None:
        """Raise LogError if some times carry a UTC offset and others (local times) do not."""
        firsts = []
        for t in self.times:
            naive = f"{t.local} IS NOT NULL AND {t.off} IS NULL"
            firsts.append(
                f"min(position) FILTER ({naive}), min(position) FILTER ({t.off} IS NOT NULL)"
            )
        row = self.con.execute(f"SELECT {', '.join(firsts)} FROM bpr_stage").fetchall()[0]
        naive = [(t.role, row[2 * i]) for i, t in enumerate(self.times) if row[2 * i] is not None]
        aware = [
            (t.role, row[2 * i + 1]) for i, t in enumerate(self.times) if row[2 * i + 1] is not None
        ]
        if naive and aware:
            (naive_role, naive_at), (aware_role, aware_at) = naive[0], aware[0]
            without = self.source_values(naive_role, [naive_at])[0]
            with_offset = self.source_values(aware_role, [aware_at])[0]
            raise LogError(
                f"{self.name}: the log mixes times with a UTC offset (e.g. {with_offset!r} in "
                f"column {self.chosen[aware_role]!r}) and times without one (e.g. {without!r} in "
                f"column {self.chosen[naive_role]!r}), so the zone of the latter is unknown; "
                "write every time with its offset, or none (and pass timezone=)"
            )

    def zones(self) -> None:
        """Tables of the UTC offset of the time zone on each local day of the log."""
        union = " UNION ".join(
            f"SELECT DISTINCT CAST({t.local} AS DATE) AS day FROM bpr_stage "
            f"WHERE {t.local} IS NOT NULL AND {t.off} IS NULL"
            for t in self.times
        )
        days = sorted(row[0] for row in self.con.execute(union).fetchall())
        uniform, changing = zone_table(days, self.timezone)
        offsets = {offset for _, offset in uniform}
        if not changing and len(offsets) <= 1:
            # One offset on every day (UTC, or a zone without daylight saving): a constant,
            # not a join of every event with a table of days.
            self.offset = offsets.pop() if offsets else 0
            return
        self.register("bpr_zone", {"day": "date32", "zoff": "int32"}, uniform)
        if changing:
            listed = ", ".join(f"DATE '{day.isoformat()}'" for day in changing)
            union = " UNION ".join(
                f"SELECT DISTINCT {t.local} FROM bpr_stage WHERE {t.off} IS NULL "
                f"AND CAST({t.local} AS DATE) IN ({listed})"
                for t in self.times
            )
            local = sorted(row[0] for row in self.con.execute(union).fetchall())
            exact = exact_offsets(local, self.timezone)
        else:
            exact = []
        self.register("bpr_exact", {"lt": "timestamp[us]", "xoff": "int32"}, exact)

    def parsed_view(self) -> None:
        selects, joins = [], []
        for i, t in enumerate(self.times):
            z, x = f"z{i}", f"x{i}"
            offset = f"{z}.zoff, {x}.xoff" if self.offset is None else str(self.offset)
            selects.append(
                f"make_timestamp(epoch_us(s.{t.local}) - 1000000::BIGINT * "
                f"coalesce(s.{t.off}, {offset}))::TIMESTAMPTZ AS {t.role}"
            )
            if self.offset is not None:
                continue
            joins.append(
                f"LEFT JOIN bpr_zone {z} ON s.{t.off} IS NULL "
                f"AND {z}.day = CAST(s.{t.local} AS DATE) "
                f"LEFT JOIN bpr_exact {x} ON s.{t.off} IS NULL AND {x}.lt = s.{t.local}"
            )
        if not self.times:
            selects.append("NULL::TIMESTAMPTZ AS timestamp")
        self.con.execute(
            f"CREATE TEMP VIEW bpr_parsed AS SELECT s.*, {', '.join(selects)} "
            f"FROM bpr_stage s {' '.join(joins)}"
        )

    def count_drops(self) -> None:
        keyed = '"case" IS NOT NULL AND activity IS NOT NULL'
        # (repair, condition, source column, column of the unparsed text to show)
        checks = [
            ("rows without case dropped", '"case" IS NULL', "case", None),
            ("rows without activity dropped", '"case" IS NOT NULL AND activity IS NULL',
             "activity", None),
        ]  # fmt: skip
        if self.times:
            ts = self.times[0]
            checks += [
                ("rows without timestamp dropped",
                 f"{keyed} AND timestamp IS NULL AND {ts.raw} IS NULL", "timestamp", None),
                ("unparseable timestamps dropped",
                 f"{keyed} AND timestamp IS NULL AND {ts.raw} IS NOT NULL", "timestamp", ts.raw),
            ]  # fmt: skip
        if len(self.times) > 1:
            st = self.times[1]
            valid = f"{keyed} AND timestamp IS NOT NULL"
            checks += [
                ("unparseable start times cleared",
                 f"{valid} AND start IS NULL AND {st.raw} IS NOT NULL", "start", st.raw),
                ("start times after completion cleared", f"{valid} AND start > timestamp",
                 "start", None),
            ]  # fmt: skip
        filters = ", ".join(f"count(*) FILTER ({condition})" for _, condition, _, _ in checks)
        counts = self.con.execute(f"SELECT {filters} FROM bpr_parsed").fetchall()[0]
        for (repair, condition, role, raw), count in zip(checks, counts, strict=True):
            if not count:
                continue
            detail = f"column {self.chosen[role]!r}"
            if raw is not None:
                shown = self.con.execute(
                    f"SELECT {raw} FROM bpr_parsed WHERE {condition} GROUP BY {raw} "
                    f"ORDER BY min(position) LIMIT {_EXAMPLES}"
                ).fetchall()
                detail += ", first examples: " + ", ".join(repr(r[0]) for r in shown)
            self.reading.repair(repair, count, detail + _WHY.get(repair, ""))

    def build(self) -> None:
        """Make the events table from the parsed stage, without the rows that cannot be events.

        The events are not stored sorted: every reader orders them (by case, time and position)
        where it needs an order, and a sorted copy took half the time of a read.
        """
        valid = '"case" IS NOT NULL AND activity IS NOT NULL'
        if self.times:
            valid += " AND timestamp IS NOT NULL"
        if self.reading.source.kind == "xes":
            # Every value is in the stage now: two copies of the events at a time, not three.
            self.con.execute(f"DROP VIEW IF EXISTS {_XES_PAIRED}")
            self.con.execute("DROP TABLE IF EXISTS bpr_pairs")
            self.con.execute(f"DROP TABLE {_XES_TABLE}")
        self.con.execute(
            f"CREATE TABLE {_TABLE} AS SELECT {', '.join(self.event_columns())} "
            f"FROM bpr_parsed WHERE {valid}"
        )
        self.con.execute("DROP VIEW bpr_parsed")
        self.con.execute("DROP VIEW bpr_stage")
        self.con.execute("DROP TABLE bpr_stage_t")
        for view in ("bpr_zone", "bpr_exact", "bpr_source"):
            self.con.unregister(view)
        row = self.con.execute(f"SELECT count(*) FROM {_TABLE}").fetchall()[0]
        if not row[0]:
            done = "; ".join(f"{r.repair}: {r.count}" for r in self.reading.repairs)
            raise LogError(
                f"{self.name}: no events to read"
                + (f" ({done})" if done else " (the source has no rows)")
            )

    def event_columns(self, *, scanned: bool = False) -> list[str]:
        start = []
        if len(self.times) > 1:
            start = ["start" if scanned else "CASE WHEN start <= timestamp THEN start END AS start"]
        return [
            '"case"',
            "activity",
            "timestamp",
            *start,
            *self.extra,
            *(_q(c) for c in self.others.values()),
            "position",
        ]

    def stored(self) -> None:
        """Store the events of a scanned source as a table, for a repair to change them."""
        if self.scan:
            self.con.execute(f"CREATE TABLE bpr_events_t AS SELECT * FROM {_TABLE}")
            self.con.execute(f"DROP VIEW {_TABLE}")
            self.con.execute(f"ALTER TABLE bpr_events_t RENAME TO {_TABLE}")
            self.scan = False

    def refuse_long_fields(self) -> None:
        """Refuse a case id or label longer than any real one (:data:`bpr._read.MAX_FIELD`),
        naming its column: such a field is a broken export, and every later step would carry
        it."""
        from bpr._read import MAX_FIELD

        columns = ["case", "activity", *self.extra]
        longest = self.con.execute(
            f"SELECT {', '.join(f'max(length({_q(c)}::VARCHAR))' for c in columns)} FROM bpr_stage"
        ).fetchall()[0]
        for column, length in zip(columns, longest, strict=True):
            if length is not None and length > MAX_FIELD:
                raise LogError(
                    f"{self.name}: a value of column {self.chosen[column]!r} has {length:,} "
                    f"characters, more than any {column} needs (at most {MAX_FIELD:,}); check "
                    "that column of the file (a quote left open joins many fields into one)"
                )

    def clean_labels(self) -> None:
        """Remove control characters from labels (activity, resource, agency, channel).

        They come from copy and paste or broken exports, show as nothing (or break a line, a
        table or a drawing) and make equal labels differ; tabs and line breaks become spaces.
        A label of nothing else is missing (its row dropped as one without that value).
        """
        columns = ["activity", *self.extra]
        # Labels repeat: each distinct label is matched once, not each of millions of rows
        # (10M events: 0.2 s against 1.1 s).
        counts = [
            self.con.execute(
                f"SELECT coalesce(sum(n), 0) FROM (SELECT {_q(c)} AS label, count(*) AS n "
                f"FROM bpr_stage GROUP BY 1) WHERE regexp_matches(label, '{_CONTROL}')"
            ).fetchall()[0][0]
            for c in columns
        ]
        dirty = [(c, n) for c, n in zip(columns, counts, strict=True) if n]
        if not dirty:
            return
        examples = []
        for column, _ in dirty:
            shown = self.con.execute(
                f"SELECT {_q(column)} FROM bpr_stage WHERE regexp_matches({_q(column)}, "
                f"'{_CONTROL}') GROUP BY 1 ORDER BY min(position) LIMIT {_EXAMPLES}"
            ).fetchall()
            examples.append(
                f"column {self.chosen[column]!r} ({', '.join(repr(r[0]) for r in shown)})"
            )
            cleaned = (
                f"nullif(trim(regexp_replace(regexp_replace({_q(column)}, '[\t\n\r]', ' ', 'g'), "
                f"'{_CONTROL}', '', 'g')), '')"
            )
            self.con.execute(f"UPDATE bpr_stage_t SET {_q(column)} = {cleaned}")
        self.reading.repair(
            "control characters removed from labels",
            sum(n for _, n in dirty),
            "; ".join(examples) + "; tabs and line breaks became spaces",
        )

    def deduplicate(self) -> None:
        """Count the later copies of events equal in every column; drop them on request.

        Every column of the source is compared (event ids and any extra attribute included;
        missing equals missing), before labels are merged: events that share case, activity
        and time but differ in anything else are different events. Candidates are found on
        ``(case, timestamp, activity)`` first, so a log without copies costs one grouping.
        """
        row = self.con.execute(
            f'SELECT count(*) FROM (SELECT 1 FROM {_TABLE} GROUP BY "case", timestamp, activity '
            "HAVING count(*) > 1)"
        ).fetchall()[0]
        if not row[0]:
            return
        columns = [row[0] for row in self.con.execute(f"DESCRIBE {_TABLE}").fetchall()]
        partition = ", ".join(f"e.{_q(c)}" for c in columns if c != "position")
        self.con.execute(
            "CREATE TEMP TABLE bpr_copies AS SELECT position FROM (SELECT e.position, "
            f"row_number() OVER (PARTITION BY {partition} ORDER BY e.position) AS copy "
            f'FROM {_TABLE} e JOIN (SELECT "case", timestamp, activity FROM {_TABLE} '
            'GROUP BY ALL HAVING count(*) > 1) d USING ("case", timestamp, activity)) '
            "WHERE copy > 1"
        )
        copies = self.con.execute("SELECT count(*) FROM bpr_copies").fetchall()[0][0]
        if self.duplicates == "drop":
            self.stored()
            self.con.execute(
                f"DELETE FROM {_TABLE} WHERE position IN (SELECT position FROM bpr_copies)"
            )
            self.reading.repair(
                "exact duplicate events removed",
                copies,
                "later copies of events equal in every column (duplicates='drop')",
            )
        else:
            self.reading.repair(
                "exact duplicate events kept",
                copies,
                "events equal to an earlier one in every column (case, activity, time and "
                "every other attribute); pass duplicates='drop' to remove them",
                changed=False,
            )
        self.con.execute("DROP TABLE bpr_copies")

    def merge_labels(self) -> None:
        rows = self.con.execute(
            f"SELECT activity, count(*), min(position) FROM {_TABLE} GROUP BY activity"
        ).fetchall()
        merges = _label_merges(rows)
        if not merges:
            return
        mapping = [(raw, display) for display, group in merges for raw, _ in group]
        self.stored()
        self.register("bpr_labels", {"raw": "string", "display": "string"}, mapping)
        self.con.execute(
            f"UPDATE {_TABLE} SET activity = l.display FROM bpr_labels l "
            f"WHERE {_TABLE}.activity = l.raw"
        )
        self.con.unregister("bpr_labels")
        self.reading.repair(_MERGED, *_merge_report(merges))

    def order_checks(self) -> _Late:
        """One window over each case's events in time order counts the events that came
        after a later-stamped event of their case (in source order) and the events stamped at
        the same time as the one before them: only such ties can be exact duplicates.

        An event is late when an event after it in time order came before it in the source.
        """
        row = self.con.execute(
            'SELECT count(*) FILTER (late), count(DISTINCT "case") FILTER (late), '
            'count(*) FILTER (tie) FROM (SELECT "case", position > min(position) OVER '
            '(PARTITION BY "case" ORDER BY timestamp, position ROWS BETWEEN 1 FOLLOWING AND '
            "UNBOUNDED FOLLOWING) AS late, timestamp = lag(timestamp) OVER "
            f'(PARTITION BY "case" ORDER BY timestamp, position) AS tie FROM {_TABLE})'
        ).fetchall()[0]
        return _Late(*row)


@attrs.frozen
class _Late:
    events: int
    cases: int
    ties: int


def _failed_column(message: str, columns: list[str]) -> str | None:
    """The column named in a DuckDB CSV conversion error, if it is one of `columns`.

    >>> _failed_column('Error when converting column "cost". Could not convert', ["cost"])
    'cost'
    """
    found = re.search(r'converting column "(.*?)"', message)
    return found.group(1) if found and found.group(1) in columns else None


def _label_merges(
    rows: list[tuple[str, int, int]],
) -> list[tuple[str, list[tuple[str, int]]]]:
    """Groups of spellings with one normalised key: (display, [(other spelling, count)...]).

    The display label is the group's most frequent spelling, ties going to the first seen.

    >>> _label_merges([("Check ", 2, 5), ("check", 2, 1), ("Pay", 1, 0)])
    [('check', [('Check ', 2)])]
    """
    groups: dict[str, list[tuple[str, int, int]]] = {}
    for label, count, first in rows:
        groups.setdefault(normalize(label), []).append((label, count, first))
    merges = []
    for members in groups.values():
        if len(members) > 1:
            display = min(members, key=lambda m: (-m[1], m[2]))[0]
            others = sorted((m for m in members if m[0] != display), key=lambda m: m[2])
            merges.append((display, [(label, count) for label, count, _ in others]))
    return sorted(merges)


_MERGED = "labels merged by normalisation"


def _merge_report(merges: list[tuple[str, list[tuple[str, int]]]]) -> tuple[int, str]:
    """The count and detail of the repair :data:`_MERGED` for the groups of
    :func:`_label_merges`: the first groups shown, the rest counted."""
    shown = [
        ", ".join(f"{raw!r} ({n})" for raw, n in group) + f" → {display!r}"
        for display, group in merges[:_MERGES_SHOWN]
    ]
    more = len(merges) - _MERGES_SHOWN
    detail = "; ".join(shown) + (f"; and {more} more groups" if more > 0 else "")
    return sum(n for _, group in merges for _, n in group), detail


def _renamed_dates(dates: str, calendar: str | None) -> str:
    """`dates`, or `calendar` (its former name, with a DeprecationWarning) when given."""
    if calendar is None:
        return dates
    warnings.warn(
        "read_log's calendar= is now dates= (calendar= names a working-time calendar in "
        "measure and simulate); calendar= will be removed in the next release",
        DeprecationWarning,
        stacklevel=3,
    )
    if dates != "gregorian" and dates != calendar:
        raise LogError(f"dates={dates!r} and calendar={calendar!r} disagree; pass dates= alone")
    return calendar


def _check_options(
    dates: str, timezone: str, time_format: str | None, engine: str, duplicates: str
) -> None:
    if duplicates not in DUPLICATES:
        raise LogError(f"unknown duplicates {duplicates!r}; pass one of {DUPLICATES}")
    if dates not in CALENDARS:
        raise LogError(f"unknown dates {dates!r}; pass one of {CALENDARS}")
    if engine not in ENGINES:
        raise LogError(f"unknown engine {engine!r}; pass one of {ENGINES}")
    if time_format is not None and dates != "gregorian":
        raise LogError("time_format= is for Gregorian dates; Jalali dates are recognised alone")
    zone(timezone)


_NO_TIME = "__bpr_no_time"
_UNTIMED = "no timestamps: events kept in file order"


def _untimed(name: str, column: str | None, duplicates: str) -> str:
    """The detail of the repair :data:`_UNTIMED` of a log without times (`column`: its time
    column without a value, if any); a :class:`LogError` for ``duplicates='drop'``, since
    without times a copy cannot be told from an activity done again."""
    found = (
        f"the time column {column!r} has no value"
        if column is not None
        else "no time column was found"
    )
    if duplicates == "drop":
        raise LogError(
            f"{name}: {found}, so an exact duplicate cannot be told from an activity "
            "done again; read the log with duplicates='keep'"
        )
    return (
        f"{found}: a control-flow-only log, whose time metrics are unknown; pass "
        "timestamp='<column>' if the log has times"
    )


# Reported at warning level: the log is read, but the analysis will lack something.
_WARNED = frozenset({_UNTIMED})
_WHY = {
    "rows without timestamp dropped": (
        ": the other events have times, and one without a time has no place among them in its "
        "case (a log where no event has a time is read in file order instead)"
    ),
}


def _choose_roles(columns: list[str], given: dict[str, str | None], name: str) -> dict[str, str]:
    """:func:`_choose`, except that a log with no time column is read without times.

    Control-flow-only logs (test collections, some exports) have no time column at all; their
    events are read in file order. A ``start`` column means nothing without a completion time.
    """
    keys = {_header_key(c) for c in columns}
    if given["timestamp"] is not None or keys & set(_CANDIDATES["timestamp"]):
        return _choose(columns, given, name)
    if given["start"] is not None:
        raise LogError(
            f"{name}: start={given['start']!r} was given but no completion time column was "
            f"found among the columns {columns}; pass timestamp='<column>' as well"
        )
    try:
        chosen = _choose([*columns, _NO_TIME], {**given, "timestamp": _NO_TIME}, name)
    except ColumnError as exc:  # said again without the stand-in time column
        unfound = [role for role in exc.roles if role not in exc.given]
        raise ColumnError(
            _column_message(name, columns, exc.given, unfound),
            source=name,
            roles=exc.roles,
            columns=tuple(columns),
            given=exc.given,
        ) from None
    return {role: column for role, column in chosen.items() if role not in ("timestamp", "start")}


_XES_TABLE = "bpr_xes"
_XES_ROW = "__bpr_row"
_XES_PAIRED = "bpr_xes_paired"
_NUMBERS = frozenset({"BIGINT", "DOUBLE"})


class _XesLoader:
    """Puts the batches of :func:`bpr.xes.stream_xes` into one DuckDB table, in file order.

    A batch may bring new columns (added to the table) or a column of another type: integers
    and decimals widen to DOUBLE, anything else to text. A column whose values are all missing
    so far is text until a batch gives it a type.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.types: dict[str, str] = {}
        self.untyped: set[str] = set()
        self.rows = 0

    def __call__(self, batch: pa.Table) -> None:
        import pyarrow as pa

        batch = batch.append_column(
            _XES_ROW, pa.array(range(self.rows, self.rows + batch.num_rows), pa.int64())
        )
        self.rows += batch.num_rows
        nulls = {f.name for f in batch.schema if pa.types.is_null(f.type)}
        batch = batch.select(
            [c for c in batch.column_names if c not in nulls or c not in self.types]
        )
        self.con.register("bpr_batch", batch)
        types = {row[0]: row[1] for row in self.con.execute("DESCRIBE bpr_batch").fetchall()}
        cast = {c: "VARCHAR" for c in nulls & types.keys()}
        if not self.types:
            columns = ", ".join(f"CAST({_q(c)} AS {t}) AS {_q(c)}"
                                if (t := cast.get(c)) else _q(c) for c in types)  # fmt: skip
            self.con.execute(f"CREATE TEMP TABLE {_XES_TABLE} AS SELECT {columns} FROM bpr_batch")
            self.types = {c: cast.get(c, t) for c, t in types.items()}
            self.untyped = set(cast)
        else:
            for column, kind in types.items():
                self.widen(column, cast.get(column, kind), column in cast)
            self.con.execute(f"INSERT INTO {_XES_TABLE} BY NAME SELECT * FROM bpr_batch")
        self.con.unregister("bpr_batch")

    def widen(self, column: str, kind: str, untyped: bool) -> None:
        """Make the table's column able to hold a batch's values of type `kind`."""
        table = f"ALTER TABLE {_XES_TABLE}"
        if column not in self.types:
            self.con.execute(f"{table} ADD COLUMN {_q(column)} {kind}")
            self.types[column] = kind
            if untyped:
                self.untyped.add(column)
            return
        held = self.types[column]
        if untyped or held == kind:
            return
        if column in self.untyped:
            wider = kind
            self.untyped.discard(column)
        elif {held, kind} <= _NUMBERS:
            wider = "DOUBLE"
        else:
            wider = "VARCHAR"
        if wider != held:
            self.con.execute(f"{table} ALTER {_q(column)} TYPE {wider}")
            self.types[column] = wider


def _read_xes(reading: _Reading, given: dict[str, str | None]) -> tuple[dict[str, str], str]:
    """Stream an XES source into DuckDB; its chosen columns and where start came from."""
    from bpr.xes import stream_xes

    src = reading.source
    assert src.path is not None
    loader = _XesLoader(reading.con)
    notes = stream_xes(src.path, loader)
    for note in notes:
        reading.repair(note.kind, note.count, "first examples: " + "; ".join(note.examples))
    if loader.rows == 0:
        raise LogError(
            f"{src.name}: the log has no events; an XES log holds <event> elements "
            "inside <trace> elements"
        )
    columns = [c for c in loader.types if c != _XES_ROW]
    chosen = _choose_roles(columns, given, src.name)
    start_from = chosen.get("start", "")
    reading.source = attrs.evolve(src, data=_XES_TABLE)
    if _LIFECYCLE in columns and "start" not in chosen:
        start_column = _pair_lifecycle(reading, chosen, columns)
        if start_column is not None:
            chosen["start"] = start_column
            start_from = f"{chosen['timestamp']} of lifecycle start events"
    return chosen, start_from


def _pair_lifecycle(reading: _Reading, chosen: dict[str, str], columns: list[str]) -> str | None:
    """Pair each complete event with the earliest unmatched start of its activity and case.

    Events are taken in file order. A start that no complete follows is dropped, and so are
    events with other transitions (schedule, assign, suspend...): they do not say when an
    activity instance starts or ends; both are counted as repairs. Returns the column holding
    the start times, or None when no complete event has a start.

    A complete event takes a start when more starts than paired completes came before it, so,
    with ``s`` and ``c`` the starts and completes so far in its (case, activity), the number of
    unpaired completes so far is the running maximum of ``c - s`` (at least 0): a complete is
    paired when it does not raise that maximum, and then takes start number ``c - unpaired``.
    """
    con = reading.con
    case, activity, lifecycle = _q(chosen["case"]), _q(chosen["activity"]), _q(_LIFECYCLE)
    time = _q(chosen["timestamp"]) if "timestamp" in chosen else "NULL"
    start_column = "start" if "start" not in columns else f"{_LIFECYCLE}=start"
    blank = "chr(32) || chr(9) || chr(10) || chr(13)"
    group = f"PARTITION BY {case}, {activity} ORDER BY {_XES_ROW}"
    same = (
        f"s.{case} IS NOT DISTINCT FROM p.{case} AND s.{activity} IS NOT DISTINCT FROM p.{activity}"
    )
    kind = f"coalesce(lower(trim(CAST({lifecycle} AS VARCHAR), {blank})), 'complete')"
    found = dict(
        con.execute(
            f"SELECT kind, count(*) FROM (SELECT {kind} AS kind FROM {_XES_TABLE}) GROUP BY 1"
        ).fetchall()
    )
    if set(found) <= {"complete"}:
        # Only complete events (the common export): nothing to pair or drop.
        con.execute(f"ALTER TABLE {_XES_TABLE} DROP COLUMN {lifecycle}")
        return None
    # The start time of each paired complete event, by the row of the complete event; the
    # events stay where they are, read through a view that pairs and filters them.
    con.execute(
        "CREATE TEMP TABLE bpr_pairs AS "
        f"WITH kinds AS (SELECT {_XES_ROW}, {case}, {activity}, {kind} AS kind FROM "
        f"{_XES_TABLE}), counted AS (SELECT *, count(*) FILTER (kind = 'start') OVER w AS s, "
        f"count(*) FILTER (kind = 'complete') OVER w AS c FROM kinds "
        f"WHERE kind IN ('start', 'complete') WINDOW w AS ({group} ROWS UNBOUNDED PRECEDING)), "
        "completes AS (SELECT *, greatest(0, max(c - s) OVER w) AS lost, "
        "greatest(0, coalesce(max(c - s) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING "
        f"AND 1 PRECEDING), 0)) AS lost_before FROM counted WHERE kind = 'complete' "
        f"WINDOW w AS ({group})), "
        f"starts AS (SELECT {case}, {activity}, {time} AS t, row_number() OVER ({group}) AS n "
        f"FROM {_XES_TABLE} WHERE {kind} = 'start') "
        f"SELECT p.{_XES_ROW}, CAST(s.t AS VARCHAR) AS t FROM completes p JOIN starts s "
        f"ON {same} AND s.n = p.c - p.lost WHERE p.lost = p.lost_before"
    )
    pairs, timed = con.execute("SELECT count(*), count(t) FROM bpr_pairs").fetchall()[0]
    others = con.execute(
        f"SELECT CAST({lifecycle} AS VARCHAR), count(*) FROM {_XES_TABLE} "
        f"WHERE {kind} NOT IN ('start', 'complete') GROUP BY 1 ORDER BY 1"
    ).fetchall()
    reading.repair(
        "unpaired start events dropped",
        found.get("start", 0) - pairs,
        "lifecycle start events that no complete event of the same activity and case follows",
    )
    reading.repair(
        "events with other lifecycle transitions dropped",
        sum(n for _, n in others),
        ", ".join(f"{t!r}: {n}" for t, n in others)
        + " (only start and complete events delimit an activity instance)",
    )
    paired = f", p.t AS {_q(start_column)}" if timed else ""
    con.execute(
        f"CREATE TEMP VIEW {_XES_PAIRED} AS SELECT x.* EXCLUDE ({lifecycle}){paired} "
        f"FROM {_XES_TABLE} x LEFT JOIN bpr_pairs p USING ({_XES_ROW}) "
        f"WHERE {kind} = 'complete'"
    )
    reading.source = attrs.evolve(reading.source, data=_XES_PAIRED)
    return start_column if timed else None


# Only local times: DuckDB reads UTC offsets that no zone has (+15:00, -03:60), which the
# text rules refuse.
_ISO_TYPES = ("TIMESTAMP",)


def _read_columns(
    reading: _Reading, given: dict[str, str | None], *, iso_times: bool = False
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Chosen columns, what to tell the user about them, and the source column types; with
    `iso_times` (Gregorian dates, no time format), CSV times in ISO 8601 are typed by DuckDB."""
    columns: list[tuple[str, str]] = []
    if reading.source.kind == "xes":
        chosen, start_from = _read_xes(reading, given)
    else:
        columns = reading.describe()
        if len(columns) == 1 and reading.source.kind == "csv":
            # DuckDB found no separator that gives every sampled row the same fields.
            ragged = _ragged(reading.source)
            if ragged is not None:
                raise ragged
        names = [name for name, _ in columns]
        chosen, start_from = _choose_roles(names, given, reading.source.name), ""
    told = {role: (start_from if role == "start" and start_from else col)
            for role, col in chosen.items()}  # fmt: skip
    if reading.source.kind == "csv":
        reading.varchar = tuple(chosen.values())
        if iso_times:
            # Times DuckDB's reader found to be ISO 8601 are parsed as it reads (a third of the
            # read of a CSV log); a later value that is not makes read_log read the column
            # again as text, which the usual rules parse.
            sniffed = dict(columns)
            reading.varchar = tuple(
                column
                for role, column in chosen.items()
                if not (role in ("timestamp", "start") and sniffed[column] in _ISO_TYPES)
            )
            if len(reading.varchar) < len(chosen) and not reading.iso_sniffed():
                reading.varchar = tuple(chosen.values())
    types = dict(reading.describe())
    return chosen, told, types


def _duckdb_error(src: _Source, exc: Exception) -> LogError:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    reason = " ".join(lines[:3])
    lowered = reason.lower()
    if "gzip" in lowered:
        hint = "the gzip stream is truncated or corrupt; download or export the file again"
    elif too_long := re.search(r"Maximum line size of (\d+)", reason):
        # DuckDB's line number here counts from where its sniffer gave up, not from the top
        return LogError(
            f"{src.name}: a line is longer than {int(too_long[1]):,} bytes, more than any event "
            "needs; look for a quote left open (it makes the rest of the file one field)"
        )
    elif "unicode" in lowered and src.path is not None:
        return _undecodable(src, src.encoding or "utf-8")
    elif fields := re.search(
        r"CSV Error on Line: (\d+).*Expected Number of Columns: (\d+) Found: (\d+)", reason
    ):
        line, expected, found = fields.groups()
        return LogError(
            f"{src.name}: line {line} has {found} fields where the header has {expected}; "
            "correct or remove that line, or quote the values that hold the separator"
        )
    elif src.kind == "frame":
        hint = "check the DataFrame's columns and their types"
    else:
        hint = f"check that the file is a valid {src.kind.upper()} file"
    # a foreign message can quote a whole line of the file: enough of it to recognise
    shown = reason if len(reason) <= 300 else f"{reason[:297]}..."
    return LogError(f"{src.name}: cannot read the log: {hint} ({shown})")


_SAMPLE = 1 << 20


def _head(path: Path, size: int = _SAMPLE) -> bytes:
    """The first `size` bytes of a file, decompressed if it is gzipped (b"" if that fails)."""
    import gzip

    try:
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rb") as stream:
                return stream.read(size)
        with path.open("rb") as stream:
            return stream.read(size)
    except (OSError, EOFError):
        return b""


def _undecodable(src: _Source, encoding: str) -> LogError:
    """The error for a CSV file that is not in `encoding`: where, and which encoding it is in
    if Windows Arabic/Persian (cp1256) reads it as such text."""
    assert src.path is not None
    head = _head(src.path)
    try:
        head.decode(encoding)
        where = ""
    except UnicodeDecodeError as exc:
        line = head.count(b"\n", 0, exc.start) + 1
        where = f" (line {line}, byte {exc.start}: {head[exc.start : exc.start + 4]!r})"
    except (LookupError, UnicodeError):
        where = ""
    arabic = sum(0x0600 <= ord(c) <= 0x06FF for c in head.decode("cp1256", errors="replace"))
    if arabic and codecs.lookup(encoding).name != "cp1256":
        advice = (
            "its bytes read as Windows Arabic/Persian text: pass encoding='cp1256' (if the "
            "letters then look wrong, pass the file's real encoding as encoding=)"
        )
    else:
        advice = (
            "pass the file's real encoding as encoding=, e.g. encoding='cp1256' (Windows "
            "Arabic/Persian) or encoding='latin-1' (Western European)"
        )
    return LogError(f"{src.name}: the file is not valid {encoding}{where}; {advice}")


def _ragged(src: _Source) -> LogError | None:
    """The error for a CSV file whose rows have more or fewer fields than its header, if so."""
    import csv
    import io

    assert src.path is not None
    encoding = "utf-8-sig" if src.encoding in (None, "utf-8") else src.encoding
    try:
        text = _head(src.path).decode(encoding, errors="replace")
        text = text[: text.rfind("\n") + 1]  # the sample's last line may be cut short
        dialect = csv.Sniffer().sniff(text.partition("\n")[0], delimiters=",;\t|")
    except (csv.Error, LookupError):
        return None
    rows = csv.reader(io.StringIO(text), dialect)
    header = next(rows, [])
    for row in rows:
        if row and len(row) != len(header):
            return LogError(
                f"{src.name}: line {rows.line_num} has {len(row)} fields where the header has "
                f"{len(header)} ({dialect.delimiter!r}-separated: {header}); correct or remove "
                "that line, or quote the values that hold the separator"
            )
    return None


def read_log(
    source: str | Path | pd.DataFrame,
    *,
    case: str | None = None,
    activity: str | None = None,
    timestamp: str | None = None,
    start: str | None = None,
    resource: str | None = None,
    agency: str | None = None,
    channel: str | None = None,
    dates: str = "gregorian",
    calendar: str | None = None,
    timezone: str = "UTC",
    time_format: str | None = None,
    encoding: str | None = None,
    engine: str = "auto",
    duplicates: str = "keep",
    strict: bool = False,
    memory_limit: str | None = None,
    temp_directory: str | os.PathLike[str] | None = None,
    spark: Any = None,
) -> EventLog:
    r"""Read an event log into canonical columns, repairing and reporting what needs it.

    Parameters
    ----------
    source : path, pandas.DataFrame or pyspark.sql.DataFrame
        A ``.xes``, ``.xes.gz``, ``.csv``, ``.csv.gz`` or ``.parquet`` file, a folder of
        ``.parquet`` parts, or a DataFrame (never modified). A Spark DataFrame is read by the
        ``spark`` engine; so is a Parquet file, folder or glob (``"logs/*.parquet"``) with
        `spark`.
    case, activity, timestamp, start, resource, agency, channel : str, optional
        The source column of each canonical column. When not given, the usual names are
        recognised (XES names such as ``case:concept:name``, ``concept:name``,
        ``time:timestamp``, ``org:resource``; ``case_id``, ``CaseID``, ``Activity``,
        ``timestamp``, ``time``, ``start_time``, ``agency``, ``channel``...) and
        :attr:`EventLog.columns_chosen` says which were chosen. XES ``org:group`` is a unit
        inside one organisation, not an agency: pass ``agency="org:group"`` where it is one.
        For XES, lifecycle start events are paired with their complete events to give
        ``start``. A log with no time
        column (or one without any value) is read without times: a control-flow-only log,
        its events in file order and :attr:`EventLog.timed` false.
    dates : {"gregorian", "jalali"}
        The calendar of dates written as text or integers (see :mod:`bpr.timestamps`).
    calendar : {"gregorian", "jalali"}, optional
        The former name of `dates`, accepted for one release with a ``DeprecationWarning``
        (in :func:`bpr.measure` and :func:`bpr.simulate`, ``calendar=`` is a working-time
        calendar).
    timezone : str
        The IANA zone of timestamps written without a UTC offset, e.g. ``"Asia/Tehran"``.
    time_format : str, optional
        A ``strptime`` format for Gregorian timestamps in another layout (``"%d/%m/%Y %H:%M"``).
    encoding : str, optional
        The text encoding of a CSV file (``"cp1256"`` for Windows Arabic/Persian exports).
        By default, the one its byte-order mark says (UTF-8 or UTF-16), else UTF-8.
    engine : {"auto", "pandas", "duckdb", "spark"}
        Where the events live; ``"auto"`` is DuckDB for files, pandas for DataFrames and XES,
        Spark for a Spark DataFrame or when `spark` is given. ``"spark"`` keeps the events in
        Spark (``pip install "govbpr[spark]"``); it reads Gregorian ISO-like times and refuses
        Jalali dates and `time_format` (the documentation's page "Logs in Spark" lists what
        it supports).
    duplicates : {"keep", "drop"}
        What to do with exact duplicates, events equal to an earlier one in every column of
        the source (event ids and every other attribute included): ``"keep"`` them (counted
        in :attr:`EventLog.repairs`) or ``"drop"`` the later copies. Events that share case,
        activity and time but differ in anything else are always kept. A log without times
        cannot tell a copy from an activity done again, so it refuses ``"drop"``.
    strict : bool
        Raise :class:`~bpr.LogError` instead of making any repair (what is only reported,
        such as duplicates kept, is not a repair).
    memory_limit : str, optional
        The most memory DuckDB may use for this log, e.g. ``"500MB"``, ``"3GB"`` or
        ``"3 GiB"`` (at least 100 MB); beyond it, it spills to `temp_directory`. The log's
        later work (:meth:`EventLog.stats`, :func:`bpr.measure`...) runs within it too, when
        the events stay in DuckDB. By default ``"2GB"``.
    temp_directory : path, optional
        An existing folder bpr may write to: the spill files (and a CSV re-encoded to UTF-8)
        go in a folder bpr makes inside it and removes when the log is garbage collected.
        By default, the system's temporary folder (:func:`tempfile.gettempdir`).
    spark : pyspark.sql.SparkSession, optional
        The Spark session that reads a Parquet `source` for ``engine="spark"``. A Spark
        DataFrame brings its own.

    Returns
    -------
    EventLog

    Raises
    ------
    LogError
        For a missing, empty, unreadable or unsafe file, a missing column, mixed naive and
        offset timestamps, no events, ``duplicates="drop"`` on a log without times, a
        `memory_limit` that is not a size of at least 100 MB, a `temp_directory` that is not
        a folder bpr may write to, or (with ``strict``) any needed repair.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "permits.csv"
    >>> _ = path.write_text(
    ...     "Case ID,Activity,Complete Timestamp\n"
    ...     "p1,Submit,2024-05-01 09:00\n"
    ...     "p1,Pay,2024-05-01 08:00\n"
    ...     "p1,Pay,2024-05-01 08:00\n"
    ... )
    >>> log = read_log(path, timezone="Asia/Tehran")
    >>> dict(log.columns_chosen)
    {'case': 'Case ID', 'activity': 'Activity', 'timestamp': 'Complete Timestamp'}
    >>> log.n_events, log.activities
    (3, ('Pay', 'Submit'))
    >>> log.repairs[["repair", "count"]]
                               repair  count
    0     exact duplicate events kept      1
    1  events re-sorted within a case      2
    >>> read_log(path, duplicates="drop").n_events
    2

    A log without times is read in file order:

    >>> _ = path.write_text("case,activity\np1,Submit\np1,Pay\np1,Pay\n")
    >>> log = read_log(path)
    >>> log.timed, log.n_events, list(log.to_pandas()["activity"])
    (False, 3, ['Submit', 'Pay', 'Pay'])
    """
    dates = _renamed_dates(dates, calendar)
    _check_options(dates, timezone, time_format, engine, duplicates)
    if _spark_engine(source, engine, spark, encoding, memory_limit, temp_directory):
        from bpr import _spark

        roles = dict(case=case, activity=activity, timestamp=timestamp, start=start,
                     resource=resource, agency=agency, channel=channel)  # fmt: skip
        return _spark.read(
            source,
            spark=spark,
            given=roles,
            dates=dates,
            timezone=timezone,
            time_format=time_format,
            duplicates=duplicates,
            strict=strict,
        )
    limit = _MEMORY_LIMIT if memory_limit is None else _memory_limit(memory_limit)
    src = _locate(source, encoding)
    if engine == "auto":
        engine = "duckdb" if src.kind in ("csv", "parquet", "xes") else "pandas"
    given = {
        "case": case,
        "activity": activity,
        "timestamp": timestamp,
        "start": start,
        "resource": resource,
        "agency": agency,
        "channel": channel,
    }
    import duckdb

    workdir = _workdir(temp_directory)
    con = None
    keep = False
    try:
        con = duckdb.connect(config={"temp_directory": str(workdir), "memory_limit": limit})
        con.execute("SET TimeZone = 'UTC'")
        # bpr speaks through logging only. In Jupyter the bar starts off and DuckDB refuses
        # any progress-bar setting when ipywidgets is missing, so only turn it off when on.
        if con.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0]:
            con.execute("SET enable_progress_bar = false")
        con.execute(_SETUP)
        reading = _Reading(src, con, workdir)
        told = _canonicalise(
            reading,
            given,
            dates=dates,
            timezone=timezone,
            time_format=time_format,
            duplicates=duplicates,
            strict=strict,
        )
        frame = (
            _frame(con, f'SELECT * FROM {_TABLE} ORDER BY "case", timestamp, position')
            if engine == "pandas"
            else None
        )
        summary = _summary(con)
        _check_dates(src.name, dates, summary)
        log = EventLog(
            engine=engine,
            source=src.name,
            columns_chosen=told,
            repairs=tuple(reading.repairs),
            summary=summary,
            con=con if engine == "duckdb" else None,
            frame=frame,
            timezone=timezone,
            dates=dates,
        )
        if engine == "duckdb":
            weakref.finalize(log, _release, con, workdir)
            keep = True
        return log
    except duckdb.Error as exc:
        raise _duckdb_error(src, exc) from exc
    finally:
        if not keep:
            _release(con, workdir)


def _is_spark_frame(obj: object) -> bool:
    """Whether `obj` is a pyspark DataFrame (classic or Connect), without importing pyspark."""
    kind = type(obj)
    return kind.__name__ == "DataFrame" and kind.__module__.startswith("pyspark.sql")


def _spark_engine(
    source: Any,
    engine: str,
    spark: Any,
    encoding: str | None,
    memory_limit: str | None,
    temp_directory: Any,
) -> bool:
    """Whether read_log reads with Spark (bpr._spark); LogError for options that clash."""
    frame = _is_spark_frame(source)
    if frame and engine not in ("auto", "spark"):
        raise LogError(
            f"a Spark DataFrame is read with engine='spark', not engine={engine!r}; pass "
            "engine='spark' (or 'auto'), or its .toPandas() for the other engines"
        )
    if spark is not None and engine not in ("auto", "spark"):
        raise LogError(f"spark= is for engine='spark'; drop it for engine={engine!r}")
    if not (engine == "spark" or frame or spark is not None):
        return False
    duckdb_only = {"encoding": encoding, "memory_limit": memory_limit,
                   "temp_directory": temp_directory}  # fmt: skip
    given = [name for name, value in duckdb_only.items() if value is not None]
    if given:
        raise LogError(
            f"{'= and '.join(given)}= are for the DuckDB engine; with engine='spark', the "
            "Spark session's configuration sets memory and spill folders"
        )
    return True


def _memory_limit(text: str) -> str:
    """`text` as a DuckDB memory size, checked: a number and a unit, at least 100 MB."""
    example = "e.g. memory_limit='3GB' or memory_limit='500MB'"
    match = _SIZE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise LogError(
            f"memory_limit={text!r} is not a size; pass memory_limit= as a number and a unit "
            f"(KB, MB, GB, TB, or KiB, MiB, GiB, TiB), {example}"
        )
    unit = match["unit"].upper()
    base = 1024 if "I" in unit else 1000
    size = float(match["number"]) * base ** _UNITS[unit[0]]
    if size < _MEMORY_FLOOR:
        raise LogError(
            f"memory_limit={text!r} is too small to read a log (at least 100MB); {example}"
        )
    return f"{match['number']}{match['unit']}"


def _workdir(temp_directory: str | os.PathLike[str] | None) -> Path:
    """A new folder for DuckDB's spill files, inside `temp_directory` (default: the system's)."""
    if temp_directory is None:
        return Path(tempfile.mkdtemp(prefix="bpr-"))
    folder = Path(temp_directory)
    advice = "pass temp_directory= an existing folder bpr may write to"
    if not folder.is_dir():
        raise LogError(f"temp_directory={str(folder)!r} is not an existing folder; {advice}")
    try:
        return Path(tempfile.mkdtemp(prefix="bpr-", dir=folder))
    except OSError as exc:
        raise LogError(
            f"temp_directory={str(folder)!r} cannot be written ({exc}); {advice}"
        ) from None


def _release(con: duckdb.DuckDBPyConnection | None, workdir: Path) -> None:
    if con is not None:
        con.close()
    shutil.rmtree(workdir, ignore_errors=True)


def _canonicalise(
    reading: _Reading,
    given: dict[str, str | None],
    *,
    dates: str,
    timezone: str,
    time_format: str | None,
    duplicates: str,
    strict: bool,
) -> dict[str, str]:
    """Build the events table; return which source column became which canonical column."""
    chosen, told, types = _read_columns(
        reading, given, iso_times=dates == "gregorian" and time_format is None
    )
    name = reading.source.name
    _log.info(
        "%s: reading %s", name, ", ".join(f"{role} from {col!r}" for role, col in told.items())
    )
    canonical = _Canonical(
        reading,
        chosen,
        dates=dates,
        timezone=timezone,
        time_format=time_format,
        duplicates=duplicates,
    )
    canonical.run(types)
    if not canonical.times:
        told = {role: col for role, col in told.items() if role not in ("timestamp", "start")}
    for r in reading.repairs:
        level = logging.WARNING if r.repair in _WARNED else logging.INFO
        _log.log(level, "%s: %s: %d (%s)", name, r.repair, r.count, r.detail)
    changes = [r for r in reading.repairs if r.changed]
    if strict and changes:
        raise LogError(
            f"{name}: the log needs repairs and strict=True: "
            + "; ".join(f"{r.repair}: {r.count} ({r.detail})" for r in changes)
        )
    return told


@attrs.frozen
class _Summary:
    n_cases: int
    n_events: int
    activities: tuple[str, ...]
    first: Any
    last: Any


def _check_dates(name: str, dates: str, summary: _Summary) -> None:
    """Warn (through logging) when the years suggest the other calendar."""
    if summary.first is None:
        return
    first, last = summary.first.year, summary.last.year
    if dates == "gregorian" and first >= 1200 and last < 1500:
        _log.warning(
            "%s: the timestamps run from the year %d to %d; if they are Jalali dates, "
            "pass dates='jalali'",
            name,
            first,
            last,
        )
    elif dates == "jalali" and first > 2500:
        _log.warning(
            "%s: read as Jalali, the timestamps start in the Gregorian year %d; if they are "
            "Gregorian dates, pass dates='gregorian'",
            name,
            first,
        )


def _summary(con: duckdb.DuckDBPyConnection) -> _Summary:
    columns = {row[0] for row in con.execute(f"DESCRIBE {_TABLE}").fetchall()}
    begin = "coalesce(start, timestamp)" if "start" in columns else "timestamp"
    row = con.execute(
        f'SELECT count(DISTINCT "case"), count(*), min({begin}), max(timestamp) FROM {_TABLE}'
    ).fetchall()[0]
    labels = con.execute(f"SELECT DISTINCT activity FROM {_TABLE}").fetchall()
    return _Summary(row[0], row[1], tuple(sorted(r[0] for r in labels)), row[2], row[3])
