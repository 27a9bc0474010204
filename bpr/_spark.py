"""Event logs held in Apache Spark: ``bpr.read_log(..., engine="spark")`` and their statistics.

A Spark log keeps its events on the cluster, as a DataFrame in the canonical columns of
:mod:`bpr.log` (``case``, ``activity``, ``timestamp`` UTC, optional ``start``, ``resource``,
``agency``, ``channel``, the other source columns, and ``position``, the 0-based source order).
Reading and the statistics run as Spark operations; only results come to the driver: counts,
examples for the repairs, the distinct local days of the log (to give them the UTC offset of
the time zone), the per-case and variant tables, and per-group summaries of the durations.

Everything follows the DuckDB engine: the same columns are recognised, the same repairs made
and reported under the same names, and :func:`stats_from_spark` gives a :class:`bpr.LogStats`
equal to DuckDB's for the same events. Times are computed as microseconds since the epoch
with functions that do not depend on ``spark.sql.session.timeZone`` (``unix_micros``,
``timestamp_micros``, arithmetic on the parsed fields), so neither the result nor the caller's
session depends on that setting; the offsets of `timezone` come from Python's ``zoneinfo``
(``tzdata``), as in the DuckDB engine, not from the JVM's time-zone rules.

Refused, with a :class:`~bpr.LogError` that says to read with ``engine='duckdb'``: Jalali dates
(``dates='jalali'``) and ``time_format=``; and, among files, anything but Parquet (read a CSV
file with ``spark.read.csv`` and pass the DataFrame, or read it with DuckDB).

pyspark is imported only here, and only when a Spark log is read.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import uuid
import weakref
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bpr.errors import LogError
from bpr.log import (
    _EXAMPLES,
    _EXTRA,
    _MERGED,
    _UNTIMED,
    _WARNED,
    _WHY,
    EventLog,
    Repair,
    _check_dates,
    _choose_roles,
    _is_spark_frame,
    _label_merges,
    _merge_report,
    _others,
    _Summary,
    _untimed,
)
from bpr.timestamps import _DIGITS_FROM, _DIGITS_TO, _PATTERN, exact_offsets, zone_table

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    from pyspark.sql import Column, DataFrame, SparkSession

    from bpr.stats import LogStats

_log = logging.getLogger("bpr.log")

FRAME_NAME = "<Spark DataFrame>"
_DUCKDB = "read the log with engine='duckdb' (the default for files) instead"
# C0 and C1 control characters and DEL, as in bpr.log (a Java regular expression here).
_CONTROL = "[\\x00-\\x1f\\x7f-\\x9f]"
# DuckDB's trim() strips the Unicode space separators (category Zs), not tabs or line breaks.
_NOT_SPACE = "[^\\p{Zs}]"
_TRIM = "^\\p{Zs}+|\\p{Zs}+$"
# bpr.timestamps' pattern in Java: `$` would also match before a final line break.
_TIME = _PATTERN.removesuffix("$") + "\\z"
_DAY = 86_400_000_000
# Zones whose offset is always zero: no table of offsets to compute.
_UTC_ZONES = frozenset(
    ("UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu", "GMT",
     "Etc/GMT", "Etc/GMT0", "GMT0", "Etc/Greenwich")
)  # fmt: skip
_INTEGERS = ("ByteType", "ShortType", "IntegerType", "LongType")
_FLOATS = ("FloatType", "DoubleType")


def _c(name: str) -> Column:
    """The column called `name`, whatever characters it holds (dots, colons...)."""
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")


# --- reading ----------------------------------------------------------------------------------


def read(
    source: Any,
    *,
    spark: SparkSession | None,
    given: dict[str, str | None],
    dates: str,
    timezone: str,
    time_format: str | None,
    duplicates: str,
    strict: bool,
) -> EventLog:
    """:func:`bpr.read_log` for ``engine="spark"``: see the module's docstring."""
    if dates != "gregorian":
        raise LogError(
            "engine='spark' reads Gregorian dates only (Jalali dates need a calendar "
            f"conversion that runs in DuckDB); {_DUCKDB}"
        )
    if time_format is not None:
        raise LogError(
            "engine='spark' reads ISO-like times only (time_format= is a Python strptime "
            f"format, which Spark does not read the same way); {_DUCKDB}"
        )
    frame, name, files = _source(source, spark)
    reading = _Read(frame, name, files, timezone=timezone, duplicates=duplicates)
    told = reading.run(given)
    for r in reading.repairs:
        level = logging.WARNING if r.repair in _WARNED else logging.INFO
        _log.log(level, "%s: %s: %d (%s)", name, r.repair, r.count, r.detail)
    changes = [r for r in reading.repairs if r.changed]
    if strict and changes:
        reading.release()
        raise LogError(
            f"{name}: the log needs repairs and strict=True: "
            + "; ".join(f"{r.repair}: {r.count} ({r.detail})" for r in changes)
        )
    summary = reading.summarise()
    _check_dates(name, dates, summary)
    log = EventLog(
        engine="spark",
        source=name,
        columns_chosen=told,
        repairs=tuple(reading.repairs),
        summary=summary,
        con=None,
        frame=None,
        spark_frame=reading.events,
        timezone=timezone,
        dates=dates,
    )
    weakref.finalize(log, _unpersist, reading.events)
    return log


def _unpersist(frame: DataFrame) -> None:
    """Free a cached DataFrame; the session may be gone already (at exit)."""
    with contextlib.suppress(Exception):  # nothing to free in a stopped session
        frame.unpersist()


def _source(source: Any, spark: SparkSession | None) -> tuple[DataFrame, str, bool]:
    """The DataFrame to read, its name in messages, and whether it comes from files."""
    if _is_spark_frame(source):
        return source, FRAME_NAME, False
    if not isinstance(source, str | Path):
        raise LogError(
            f"engine='spark' cannot read an event log from a {type(source).__name__}; pass a "
            "Spark DataFrame, or a Parquet file, folder or glob with spark=<SparkSession>"
        )
    name = str(source)
    if spark is None:
        raise LogError(
            f"{name}: engine='spark' reads files through a Spark session: pass "
            "spark=<your SparkSession> to read_log, or read the DataFrame yourself and pass it"
        )
    path = Path(source)
    is_glob = any(ch in name for ch in "*?[")
    if not is_glob and "://" not in name:
        if not path.exists():
            raise LogError(f"{name}: no such file or folder")
        if path.is_file() and not path.name.lower().endswith(".parquet"):
            raise LogError(
                f"{name}: engine='spark' reads Parquet files, folders of Parquet parts and "
                "Spark DataFrames; read a CSV file with spark.read.csv(..., header=True) and "
                f"pass the DataFrame, or {_DUCKDB}"
            )
    try:
        frame = spark.read.parquet(name)
    except Exception as exc:  # Spark's errors have no common base to catch
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise LogError(
            f"{name}: Spark cannot read it as Parquet ({first[:300]}); give a Parquet file, "
            "a folder of Parquet parts or a glob such as 'logs/*.parquet'"
        ) from None
    return frame, name, True


class _Read:
    """One reading of a Spark DataFrame into canonical events, with the repairs made.

    The steps, their order and the repairs' names and details are those of
    :class:`bpr.log._Canonical`; see there for why each exists.
    """

    def __init__(
        self, frame: DataFrame, name: str, files: bool, *, timezone: str, duplicates: str
    ) -> None:
        self.frame = frame
        self.spark = frame.sparkSession
        self.name = name
        self.files = files
        self.timezone = timezone
        self.duplicates = duplicates
        self.repairs: list[Repair] = []
        self.cached: list[DataFrame] = []
        self.chosen: dict[str, str] = {}
        self.times: list[str] = []
        self.extra: list[str] = []
        self.others: dict[str, str] = {}
        self.summary: _Summary | None = None
        self.labels: tuple[str, ...] = ()
        self.n_events = 0
        self.stage: DataFrame
        self.events: DataFrame

    def repair(self, kind: str, count: int, detail: str, *, changed: bool = True) -> None:
        if count:
            self.repairs.append(Repair(kind, int(count), detail, changed))

    def cache(self, frame: DataFrame) -> DataFrame:
        from pyspark import StorageLevel

        frame = frame.persist(StorageLevel.MEMORY_AND_DISK)
        self.cached.append(frame)
        return frame

    def release(self, keep: DataFrame | None = None) -> None:
        """Free every cached frame but `keep`."""
        for frame in self.cached:
            if frame is not keep:
                _unpersist(frame)
        self.cached = [keep] if keep is not None else []

    def run(self, given: dict[str, str | None]) -> dict[str, str]:
        columns = list(self.frame.columns)
        self.chosen = _choose_roles(columns, given, self.name)
        told = dict(self.chosen)
        _log.info(
            "%s: reading %s",
            self.name,
            ", ".join(f"{role} from {col!r}" for role, col in told.items()),
        )
        self.times = [r for r in ("timestamp", "start") if r in self.chosen]
        self.extra = [r for r in _EXTRA if r in self.chosen]
        self.others = _others(columns, self.chosen)
        try:
            self.build_stage()
            self.check_labels()
            timed = bool(self.times) and self.has_times()
            if timed:
                self.parse_times()
            else:
                self.untimed()
            self.count_drops()
            self.build()
            if self.times:
                self.deduplicate()
            self.merge_labels()
            if self.times:
                self.count_resorted()
        except BaseException:
            self.release()
            raise
        self.release(keep=self.events)
        if not self.times:
            told = {r: c for r, c in told.items() if r not in ("timestamp", "start")}
        return told

    # -- the stage: one row per source row, key columns as text, times parsed ---------------

    def build_stage(self) -> None:
        """Select the stage columns, cache them and number the rows in source order."""
        from pyspark.sql import functions as F

        types = {field.name: type(field.dataType).__name__ for field in self.frame.schema}
        chosen = self.chosen
        columns = [
            F.monotonically_increasing_id().alias("__bpr_mid"),
            (F.input_file_name() if self.files else F.lit("")).alias("__bpr_file"),
        ]
        columns += [_text(chosen[r], types[chosen[r]]).alias(r) for r in ("case", "activity")]
        texts = []
        for role in self.times:
            parse = _first_parse(chosen[role], types[chosen[role]], self.name)
            if isinstance(parse, tuple):
                local, offset, raw = parse
                columns += [local.alias(f"__bpr_{role}"), offset.alias(f"__bpr_{role}_off"),
                            raw.alias(f"__bpr_{role}_raw")]  # fmt: skip
            else:
                columns.append(parse.alias(f"__bpr_{role}_text"))
                texts.append(role)
        columns += [_text(chosen[r], types[chosen[r]]).alias(r) for r in self.extra]
        columns += [_c(c).alias(out) for c, out in self.others.items()]
        stage = self.frame.select(*columns)
        for role in texts:
            stage = _parse_text(stage, role)
        stage = self.cache(stage)
        self.stage = self.numbered(stage)

    def numbered(self, stage: DataFrame) -> DataFrame:
        """`stage` with ``position``: the rows' order in the source (files by name, then their
        rows), from per-partition row counts; a cached stage keeps its ids. The same scan
        gathers what the next steps need to know (:meth:`survey`)."""
        from pyspark.sql import functions as F

        pid = F.shiftright("__bpr_mid", 33)
        measures = self.measures()
        rows = (
            stage.groupBy("__bpr_file", pid.alias("pid"))
            .agg(
                F.count("*").alias("n"),
                F.min("__bpr_mid").alias("first"),
                *(agg.alias(name) for name, agg in measures.items()),
            )
            .collect()
        )
        rows.sort(key=lambda row: (row["__bpr_file"], row["pid"]))
        bases, upto = [], 0
        for row in rows:
            bases.append((row["__bpr_file"], row["pid"], upto - row["first"]))
            upto += row["n"]
        self.facts = _reduce_facts(rows, [base for _, _, base in bases], list(measures))
        table = self.spark.createDataFrame(
            bases, "__bpr_file string, __bpr_pid long, __bpr_base long"
        )
        return (
            stage.withColumn("__bpr_pid", pid)
            .join(F.broadcast(table), ["__bpr_file", "__bpr_pid"], "left")
            .withColumn("position", F.col("__bpr_mid") + F.col("__bpr_base"))
            .drop("__bpr_pid", "__bpr_base", "__bpr_file")
        )

    def measures(self) -> dict[str, Column]:
        """Aggregates of the stage that the reading needs, by name: the longest field of each
        key column (``len:``), labels with control characters (``ctl:``), rows with case and
        activity (``keyed``) and with a time too (``valued``), and per time column the first
        row (``__bpr_mid``) with a local time (``naive:``) and with an offset (``aware:``)."""
        from pyspark.sql import functions as F

        out = {f"len:{c}": F.max(F.length(c)) for c in ("case", "activity", *self.extra)}
        out |= {
            f"ctl:{c}": F.sum(F.when(F.col(c).rlike(_CONTROL), 1).otherwise(0))
            for c in ("activity", *self.extra)
        }
        out |= self.key_counts()
        for role in self.times:
            local, off = F.col(f"__bpr_{role}"), F.col(f"__bpr_{role}_off")
            out[f"naive:{role}"] = F.min(
                F.when(local.isNotNull() & off.isNull(), F.col("__bpr_mid"))
            )
            out[f"aware:{role}"] = F.min(F.when(off.isNotNull(), F.col("__bpr_mid")))
        return out

    def key_counts(self) -> dict[str, Column]:
        from pyspark.sql import functions as F

        keyed = F.col("case").isNotNull() & F.col("activity").isNotNull()
        out = {"keyed": F.sum(F.when(keyed, 1).otherwise(0))}
        if self.times:
            valued = None
            for role in self.times:
                one = F.col(f"__bpr_{role}").isNotNull() | F.col(f"__bpr_{role}_raw").isNotNull()
                valued = one if valued is None else valued | one
            out["valued"] = F.sum(F.when(keyed & valued, 1).otherwise(0))
        return out

    def check_labels(self) -> None:
        """Refuse overlong fields and remove control characters from labels."""
        from pyspark.sql import functions as F

        from bpr._read import MAX_FIELD

        for column in ("case", "activity", *self.extra):
            length = self.facts[f"len:{column}"]
            if length is not None and length > MAX_FIELD:
                raise LogError(
                    f"{self.name}: a value of column {self.chosen[column]!r} has {length:,} "
                    f"characters, more than any {column} needs (at most {MAX_FIELD:,}); check "
                    "that column of the file (a quote left open joins many fields into one)"
                )
        labels = ["activity", *self.extra]
        dirty = [(c, self.facts[f"ctl:{c}"]) for c in labels if self.facts[f"ctl:{c}"]]
        if not dirty:
            return
        examples = []
        for column, _ in dirty:
            shown = self.first_values(column, F.col(column).rlike(_CONTROL))
            examples.append(f"column {self.chosen[column]!r} ({', '.join(repr(v) for v in shown)})")
        stage = self.stage
        for column, _ in dirty:
            cleaned = F.regexp_replace(
                F.regexp_replace(F.col(column), "[\t\n\r]", " "), _CONTROL, ""
            )
            cleaned = F.regexp_replace(cleaned, _TRIM, "")
            stage = stage.withColumn(column, F.when(cleaned != "", cleaned))
        self.stage = stage
        # A label of nothing but control characters is now missing: count the keys again.
        counts = self.key_counts()
        row = stage.agg(*(agg.alias(name) for name, agg in counts.items())).collect()[0]
        self.facts |= {name: row[name] for name in counts}
        self.repair(
            "control characters removed from labels",
            sum(n for _, n in dirty),
            "; ".join(examples) + "; tabs and line breaks became spaces",
        )

    def first_values(self, column: str, condition: Column) -> list[Any]:
        """The first few distinct values of `column` where `condition` holds, in source order."""
        from pyspark.sql import functions as F

        rows = (
            self.stage.where(condition)
            .groupBy(column)
            .agg(F.min("position").alias("first"))
            .orderBy("first")
            .limit(_EXAMPLES)
            .collect()
        )
        return [row[0] for row in rows]

    def has_times(self) -> bool:
        """Whether a keyed row has a time; a time column without any value is dropped."""
        if self.facts["valued"]:
            return True
        self.empty_column = self.chosen.pop("timestamp")
        self.chosen.pop("start", None)
        self.times = []
        return False

    def untimed(self) -> None:
        from pyspark.sql import functions as F

        detail = _untimed(self.name, getattr(self, "empty_column", None), self.duplicates)
        self.repair(_UNTIMED, self.facts["keyed"], detail, changed=False)
        self.stage = self.stage.withColumn("timestamp", F.lit(None).cast("timestamp"))

    def parse_times(self) -> None:
        """Refuse mixed naive and offset times, then give naive ones the zone's offset."""
        from pyspark.sql import functions as F

        facts = self.facts
        naive = [(r, facts[f"naive:{r}"]) for r in self.times if facts[f"naive:{r}"] is not None]
        aware = [(r, facts[f"aware:{r}"]) for r in self.times if facts[f"aware:{r}"] is not None]
        if naive and aware:
            self.refuse_mixed(naive[0], aware[0])
        stage = self.stage
        offsets = {role: F.lit(0) for role in self.times}
        if naive and self.timezone not in _UTC_ZONES:
            stage, offsets = self.zones(stage)
        for role in self.times:
            local, off = F.col(f"__bpr_{role}"), F.col(f"__bpr_{role}_off")
            utc = local - F.lit(1_000_000).cast("long") * F.coalesce(off, offsets[role])
            stage = stage.withColumn(role, F.timestamp_micros(utc))
        self.stage = stage.drop(*(c for c in stage.columns if c.startswith("__bpr_z")))

    def refuse_mixed(self, naive: tuple[str, int], aware: tuple[str, int]) -> None:
        (naive_role, naive_at), (aware_role, aware_at) = naive, aware
        without = self.source_value(naive_role, naive_at)
        with_offset = self.source_value(aware_role, aware_at)
        raise LogError(
            f"{self.name}: the log mixes times with a UTC offset (e.g. {with_offset!r} in "
            f"column {self.chosen[aware_role]!r}) and times without one (e.g. {without!r} in "
            f"column {self.chosen[naive_role]!r}), so the zone of the latter is unknown; "
            "write every time with its offset, or none (and pass timezone=)"
        )

    def source_value(self, role: str, position: int) -> str:
        """The source text of column `role` at `position`."""
        from pyspark.sql import functions as F

        raw = F.col(f"__bpr_{role}_raw")
        rows = self.stage.where(F.col("position") == position).select(raw).collect()
        if rows and rows[0][0] is not None:
            return rows[0][0]
        mid = self.stage.where(F.col("position") == position).select("__bpr_mid").collect()
        source = self.frame.select(
            F.monotonically_increasing_id().alias("__bpr_mid"),
            _c(self.chosen[role]).cast("string").alias("v"),
        )
        return source.where(F.col("__bpr_mid") == mid[0][0]).collect()[0]["v"]

    def zones(self, stage: DataFrame) -> tuple[DataFrame, dict[str, Column]]:
        """Join the UTC offset of the time zone on each local day (and, on the days when it
        changes, at each local time) to the naive times, as :mod:`bpr.timestamps` gives it."""
        from pyspark.sql import functions as F

        naive = [
            (
                F.col(f"__bpr_{r}"),
                F.col(f"__bpr_{r}_off").isNull() & F.col(f"__bpr_{r}").isNotNull(),
            )
            for r in self.times
        ]
        day_frames = [
            stage.where(cond).select(F.floor(local / _DAY).cast("long").alias("d"))
            for local, cond in naive
        ]
        days = sorted(row[0] for row in _union(day_frames).distinct().collect())
        epoch = datetime(1970, 1, 1)
        dates = [(epoch + timedelta(days=d)).date() for d in days]
        uniform, changing = zone_table(dates, self.timezone)
        day_table = self.spark.createDataFrame(
            [((day - epoch.date()).days, off) for day, off in uniform],
            "__bpr_zday long, __bpr_zoff int",
        )
        exact: list[tuple[int, int]] = []
        if changing:
            listed = [(day - epoch.date()).days for day in changing]
            local_frames = [
                stage.where(cond & F.floor(local / _DAY).cast("long").isin(listed)).select(
                    local.alias("lt")
                )
                for local, cond in naive
            ]
            locals_ = sorted(row[0] for row in _union(local_frames).distinct().collect())
            exact = [
                (lt, off)
                for lt, (_, off) in zip(
                    locals_,
                    exact_offsets(
                        [epoch + timedelta(microseconds=lt) for lt in locals_], self.timezone
                    ),
                    strict=True,
                )
            ]
        exact_table = self.spark.createDataFrame(exact, "__bpr_zlt long, __bpr_xoff int")
        offsets = {}
        for i, role in enumerate(self.times):
            local, cond = naive[i]
            z = day_table.select(
                F.col("__bpr_zday").alias(f"__bpr_zday{i}"),
                F.col("__bpr_zoff").alias(f"__bpr_zo{i}"),
            )
            x = exact_table.select(
                F.col("__bpr_zlt").alias(f"__bpr_zlt{i}"), F.col("__bpr_xoff").alias(f"__bpr_zx{i}")
            )
            day = F.floor(local / _DAY).cast("long")
            stage = stage.join(
                F.broadcast(z), cond & (day == F.col(f"__bpr_zday{i}")), "left"
            ).join(F.broadcast(x), cond & (local == F.col(f"__bpr_zlt{i}")), "left")
            offsets[role] = F.coalesce(F.col(f"__bpr_zo{i}"), F.col(f"__bpr_zx{i}"))
        # Resolve the offsets before their join columns go.
        stage = stage.select(
            *stage.columns,
            *(offsets[r].alias(f"__bpr_zoffset{i}") for i, r in enumerate(self.times)),
        )
        return stage, {r: F.col(f"__bpr_zoffset{i}") for i, r in enumerate(self.times)}

    # -- drops, events, duplicates, labels ---------------------------------------------------

    def count_drops(self) -> None:
        from pyspark.sql import functions as F

        case, activity = F.col("case"), F.col("activity")
        keyed = case.isNotNull() & activity.isNotNull()
        checks: list[tuple[str, Column, str, str | None]] = [
            ("rows without case dropped", case.isNull(), "case", None),
            ("rows without activity dropped", case.isNotNull() & activity.isNull(), "activity",
             None),
        ]  # fmt: skip
        if self.times:
            ts, raw = F.col("timestamp"), F.col("__bpr_timestamp_raw")
            checks += [
                ("rows without timestamp dropped", keyed & ts.isNull() & raw.isNull(),
                 "timestamp", None),
                ("unparseable timestamps dropped", keyed & ts.isNull() & raw.isNotNull(),
                 "timestamp", "__bpr_timestamp_raw"),
            ]  # fmt: skip
        if len(self.times) > 1:
            valid = keyed & F.col("timestamp").isNotNull()
            start, raw = F.col("start"), F.col("__bpr_start_raw")
            checks += [
                ("unparseable start times cleared", valid & start.isNull() & raw.isNotNull(),
                 "start", "__bpr_start_raw"),
                ("start times after completion cleared", valid & (start > F.col("timestamp")),
                 "start", None),
            ]  # fmt: skip
        counts = self.stage.agg(
            *(F.sum(F.when(cond, 1).otherwise(0)) for _, cond, _, _ in checks),
            F.sum(F.when(self.valid(), 1).otherwise(0)),  # the events that remain
        ).collect()[0]
        *counts, self.remaining = counts
        for (repair, condition, role, raw_column), count in zip(checks, counts, strict=True):
            if not count:
                continue
            detail = f"column {self.chosen[role]!r}"
            if raw_column is not None:
                shown = self.first_values(raw_column, condition)
                detail += ", first examples: " + ", ".join(repr(v) for v in shown)
            self.repair(repair, count, detail + _WHY.get(repair, ""))

    def valid(self) -> Column:
        """Whether a stage row becomes an event."""
        from pyspark.sql import functions as F

        valid = F.col("case").isNotNull() & F.col("activity").isNotNull()
        return valid & F.col("timestamp").isNotNull() if self.times else valid

    def build(self) -> None:
        from pyspark.sql import functions as F

        start = (
            [F.when(F.col("start") <= F.col("timestamp"), F.col("start")).alias("start")]
            if len(self.times) > 1
            else []
        )
        columns = [
            F.col("case"),
            F.col("activity"),
            F.col("timestamp"),
            *start,
            *(F.col(c) for c in self.extra),
            *(_c(c) for c in self.others.values()),
            F.col("position"),
        ]
        events = self.cache(self.stage.where(self.valid()).select(*columns))
        if not self.remaining:
            done = "; ".join(f"{r.repair}: {r.count}" for r in self.repairs)
            raise LogError(
                f"{self.name}: no events to read"
                + (f" ({done})" if done else " (the source has no rows)")
            )
        self.events = events
        self.release(keep=events)

    def deduplicate(self) -> None:
        """Count (and on request drop) the later copies of events equal in every column."""
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        keys = ["case", "timestamp", "activity"]
        repeated = self.events.groupBy(*keys).count().where(F.col("count") > 1).drop("count")
        if not repeated.limit(1).count():
            return
        compared = [
            F.to_json(_c(f.name)) if type(f.dataType).__name__ in ("MapType",) else _c(f.name)
            for f in self.events.schema
            if f.name != "position"
        ]
        window = Window.partitionBy(*compared).orderBy("position")
        copies = (
            self.events.join(repeated, keys)
            .select("position", F.row_number().over(window).alias("copy"))
            .where(F.col("copy") > 1)
            .select("position")
        )
        if self.duplicates == "drop":
            copies = self.cache(copies)
            count = copies.count()
            self.replace(self.events.join(F.broadcast(copies), "position", "left_anti"))
            self.repair(
                "exact duplicate events removed",
                count,
                "later copies of events equal in every column (duplicates='drop')",
            )
        else:
            self.repair(
                "exact duplicate events kept",
                copies.count(),
                "events equal to an earlier one in every column (case, activity, time and "
                "every other attribute); pass duplicates='drop' to remove them",
                changed=False,
            )

    def replace(self, events: DataFrame) -> None:
        """Make `events` (computed from the cached events) the cached events."""
        events = self.cache(events.select(*self.events.columns))
        events.count()
        self.events = events
        self.release(keep=events)

    def merge_labels(self) -> None:
        from pyspark.sql import functions as F

        rows = [
            (row[0], row[1], row[2])
            for row in self.events.groupBy("activity")
            .agg(F.count("*"), F.min("position"))
            .collect()
        ]
        merges = _label_merges(rows)
        mapping = [(raw, display) for display, group in merges for raw, _ in group]
        # What the summary of the log needs, known now without another scan.
        renamed = dict(mapping)
        self.labels = tuple(sorted({renamed.get(label, label) for label, _, _ in rows}))
        self.n_events = sum(n for _, n, _ in rows)
        if not merges:
            return
        table = self.spark.createDataFrame(mapping, "__bpr_raw string, __bpr_display string")
        merged = self.events.join(
            F.broadcast(table), F.col("activity") == F.col("__bpr_raw"), "left"
        ).withColumn("activity", F.coalesce(F.col("__bpr_display"), F.col("activity")))
        self.replace(merged)
        self.repair(_MERGED, *_merge_report(merges))

    def count_resorted(self) -> None:
        """Count the events re-sorted within a case, and summarise the log in the same scan."""
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        before = (
            Window.partitionBy("case")
            .orderBy("position")
            .rowsBetween(Window.unboundedPreceding, -1)
        )
        late = F.col("timestamp") < F.max("timestamp").over(before)
        begin = (
            F.coalesce(F.col("start"), F.col("timestamp")) if "start" in self.events.columns
            else F.col("timestamp")
        )  # fmt: skip
        row = (
            self.events.select("case", "timestamp", begin.alias("begin"), late.alias("late"))
            .agg(
                F.sum(F.when(F.col("late"), 1).otherwise(0)),
                F.countDistinct(F.when(F.col("late"), F.col("case"))),
                F.countDistinct("case"),
                F.min(F.unix_micros(F.col("begin"))),
                F.max(F.unix_micros(F.col("timestamp"))),
            )
            .collect()[0]
        )
        self.summary = _Summary(
            row[2], self.n_events, self.labels, _instant(row[3]), _instant(row[4])
        )
        self.repair(
            "events re-sorted within a case",
            row[0],
            f"an event came after a later-stamped event of its case; cases affected: {row[1]}",
        )

    def summarise(self) -> _Summary:
        """The log's summary (:class:`bpr.log._Summary`); a timed log has it already."""
        from pyspark.sql import functions as F

        if self.summary is None:
            cases = self.events.agg(F.countDistinct("case")).collect()[0][0]
            self.summary = _Summary(cases, self.n_events, self.labels, None, None)
        return self.summary


def _reduce_facts(rows: list[Any], bases: list[int], names: list[str]) -> dict[str, Any]:
    """The per-partition measures of :meth:`_Read.measures` for the whole source: first rows
    become positions (``__bpr_mid`` plus the partition's base)."""
    facts: dict[str, Any] = {}
    for name in names:
        values = [(row[name], base) for row, base in zip(rows, bases, strict=True)]
        present = [(value, base) for value, base in values if value is not None]
        if name.startswith(("naive:", "aware:")):
            facts[name] = min((value + base for value, base in present), default=None)
        elif name.startswith("len:"):
            facts[name] = max((value for value, _ in present), default=None)
        else:
            facts[name] = sum(value for value, _ in present)
    return facts


def _union(frames: list[DataFrame]) -> DataFrame:
    union = frames[0]
    for frame in frames[1:]:
        union = union.unionByName(frame)
    return union


def _blank_null(text: Column) -> Column:
    """Text that is blank (only space separators, as DuckDB's trim strips) is missing."""
    from pyspark.sql import functions as F

    return F.when(text.rlike(_NOT_SPACE), text)


def _text(name: str, kind: str) -> Column:
    """A source column as text, as bpr.log._text makes it (integral floats lose '.0')."""
    from pyspark.sql import functions as F

    column = _c(name)
    if kind in _FLOATS:
        text = (
            F.when(F.isnan(column), None)
            .when(
                (column == F.floor(column)) & (F.abs(column) < 9e18),
                column.cast("long").cast("string"),
            )
            .otherwise(column.cast("string"))
        )
    else:
        text = column.cast("string")
    return _blank_null(text)


def _first_parse(name: str, kind: str, source: str) -> tuple[Column, Column, Column] | Column:
    """How to read a time column of Spark type `kind`: for typed times, its local time
    (microseconds since the epoch, wall clock), written UTC offset (seconds, null for a local
    time) and unparsed text (none); for the others, the text that :func:`_parse_text` reads
    by the rules of :mod:`bpr.timestamps`. Raises LogError for a type without times."""
    from pyspark.sql import functions as F

    column = _c(name)
    quoted = "`" + name.replace("`", "``") + "`"
    none = F.lit(None).cast("string")
    if kind == "TimestampType":  # an instant: its UTC wall clock, offset zero
        return F.unix_micros(column), F.when(column.isNotNull(), F.lit(0)), none
    if kind == "TimestampNTZType":  # timestampdiff on NTZ ignores the session's zone
        local = F.expr(f"timestampdiff(MICROSECOND, TIMESTAMP_NTZ'1970-01-01 00:00:00', {quoted})")
        return local, F.lit(None).cast("int"), none
    if kind == "DateType":
        return F.expr(f"unix_date({quoted})") * F.lit(_DAY), F.lit(None).cast("int"), none
    if kind == "StringType":
        return column
    if kind in _INTEGERS:
        return column.cast("string")
    if kind in _FLOATS:  # integers that a missing value turned into floats
        return F.when(~F.isnan(column), column.cast("long").cast("string"))
    raise LogError(
        f"{source}: column {name!r} has type {kind.removesuffix('Type').lower()}, which "
        "holds no timestamps; pass a column of text, dates or date-times"
    )


def _parse_text(stage: DataFrame, role: str) -> DataFrame:
    """`stage` with the local time, written offset and unparsed text of the text in column
    ``__bpr_<role>_text``, by bpr.timestamps' rules for Gregorian dates (Persian and
    Arabic-Indic digits, YYYYMMDD, offsets): null where they find no time.

    One projection per step: Spark keeps them apart rather than repeat a regular expression
    in every expression that uses its result.
    """
    from pyspark.sql import functions as F

    p = f"__bpr_{role}"
    text = F.col(f"{p}_text")
    stage = stage.withColumn(
        f"{p}_n", F.regexp_replace(F.translate(text, _DIGITS_FROM, _DIGITS_TO), _TRIM, "")
    )
    n = F.col(f"{p}_n")
    eight = F.concat_ws("-", F.substring(n, 1, 4), F.substring(n, 5, 2), F.substring(n, 7, 2))
    stage = stage.withColumn(f"{p}_n", F.when(n.rlike("^\\d{8}\\z"), eight).otherwise(n))
    fields = F.split(F.regexp_replace(n, _TIME, "$1|$2|$3|$4|$5|$6|$7|$8"), "\\|")
    stage = stage.withColumn(f"{p}_p", F.when(n.rlike(_TIME), fields))
    parts = F.col(f"{p}_p")

    def number(i: int) -> Column:
        return F.when(parts[i] != "", parts[i].cast("long"))

    names = ("y", "mo", "d", "h", "mi", "s")
    stage = stage.withColumns(
        {f"{p}_{key}": number(i) for i, key in enumerate(names)}
        | {f"{p}_f": F.rpad(parts[6], 6, "0").cast("long"), f"{p}_z": parts[7]}
    )
    year, month, day, hour, minute, second = (F.col(f"{p}_{key}") for key in names)
    hour, minute, second = (F.coalesce(c, F.lit(0).cast("long")) for c in (hour, minute, second))
    clock = ((hour * 60 + minute) * 60 + second) * 1_000_000 + F.col(f"{p}_f")
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days_in_month = (
        F.when(month == 2, F.when(leap, 29).otherwise(28))
        .when(month.isin(4, 6, 9, 11), 30)
        .otherwise(31)
    )
    valid = (
        (year >= 1)
        & month.between(1, 12)
        & day.between(1, days_in_month)
        & (hour < 24)
        & (minute < 60)
        & (second < 60)
    )
    zone_text = F.col(f"{p}_z")
    minutes = F.substring(F.regexp_replace(F.substring(zone_text, 4, 10), ":", ""), -2, 2)
    offset = (
        F.when(zone_text.isNull() | (zone_text == ""), None)
        .when(F.upper(zone_text) == "Z", 0)
        .otherwise(
            F.when(F.substring(zone_text, 1, 1) == "-", -1).otherwise(1)
            * (
                F.substring(zone_text, 2, 2).cast("int") * 3600
                + F.when(minutes != "", minutes.cast("int")).otherwise(0) * 60
            )
        )
    )
    stage = stage.withColumns(
        {
            p: F.when(valid, _days_from_civil(year, month, day) * F.lit(_DAY) + clock),
            f"{p}_off": F.when(valid, offset).cast("int"),
        }
    )
    stage = stage.withColumn(f"{p}_raw", F.when(F.col(p).isNull(), _blank_null(text)))
    steps = ("text", "n", "p", *names, "f", "z")
    return stage.drop(*(f"{p}_{step}" for step in steps))


def _days_from_civil(year: Column, month: Column, day: Column) -> Column:
    """Days since 1970-01-01 of a proleptic Gregorian date (year >= 1), in integers."""
    from pyspark.sql import functions as F

    def div(a: Column, b: int) -> Column:  # a >= 0, small enough for a double's precision
        return F.floor(a / b).cast("long")

    y = year - F.when(month <= 2, 1).otherwise(0)
    era = div(y, 400)
    yoe = y - era * 400
    doy = div(153 * ((month + 9) % 12) + 2, 5) + day - 1
    doe = yoe * 365 + div(yoe, 4) - div(yoe, 100) + doy
    return era * 146097 + doe - 719468


def _instant(micros: int | None) -> datetime | None:
    if micros is None:
        return None
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)


# --- the EventLog methods of a Spark log --------------------------------------------------------


def _arrow(frame: DataFrame) -> pa.Table:
    """The rows of `frame` as an Arrow table (Spark 4's toArrow; its Arrow batches on
    Spark 3.5)."""
    if hasattr(frame, "toArrow"):
        return frame.toArrow()
    import pyarrow as pa  # pragma: no cover - Spark 3.5, which has no public toArrow
    from pyspark.sql.pandas.types import to_arrow_schema

    batches = frame._collect_as_arrow()
    return pa.Table.from_batches(batches, schema=None if batches else to_arrow_schema(frame.schema))


def _pandas(table: pa.Table) -> pd.DataFrame:
    """An Arrow table from Spark as pandas, its instants in UTC (Spark labels them with the
    session's zone)."""
    import pyarrow as pa

    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type) and field.type.tz is not None:
            table = table.set_column(
                i, field.name, table.column(i).cast(pa.timestamp("us", tz="UTC"))
            )
    return table.to_pandas()


def _ordered(frame: DataFrame) -> DataFrame:
    return frame.orderBy("case", "timestamp", "position")


def to_pandas(log: EventLog) -> pd.DataFrame:
    """Every event, collected to the driver, in canonical columns and order."""
    return _pandas(_arrow(_ordered(log._spark)))


def names(log: EventLog) -> list[str]:
    return list(log._spark.columns)


def events(
    log: EventLog,
    columns: Sequence[str],
    *,
    categories: Sequence[str] = (),
    cases: tuple[Any, Any] | None = None,
) -> pd.DataFrame:
    """:meth:`EventLog._events` for a Spark log: only the cases in `cases` are collected."""
    from pyspark.sql import functions as F

    frame = log._spark
    chosen = [c for c in dict.fromkeys(columns) if c in frame.columns]
    if cases is not None:
        after, last = cases
        keep = F.col("case") <= F.lit(last)
        if after is not None:
            keep = keep & (F.col("case") > F.lit(after))
        frame = frame.where(keep)
    table = _arrow(_ordered(frame).select(*(_c(c) for c in chosen)))
    for column in categories:
        if column in chosen:
            i = chosen.index(column)
            table = table.set_column(i, column, table.column(i).dictionary_encode())
    return _pandas(table)


def case_ranges(log: EventLog, size: int) -> list[tuple[Any, Any] | None]:
    """Ranges of case ids ``(after, last)`` holding about `size` events each, whole cases."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    per_case = log._spark.groupBy("case").count()
    upto = F.sum("count").over(Window.orderBy("case"))
    rows = (
        per_case.select("case", upto.alias("upto"))
        .groupBy(F.floor((F.col("upto") - 1) / int(size)).alias("chunk"))
        .agg(F.max("case").alias("last"))
        .orderBy("last")
        .collect()
    )
    lasts = [row["last"] for row in rows]
    return list(zip([None, *lasts[:-1]], lasts, strict=True))


def value_counts(log: EventLog, column: str, *, first_of_case: bool = False) -> pd.DataFrame:
    """:meth:`EventLog._value_counts` for a Spark log, aggregated in Spark."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    frame = log._spark
    value = _c(column)
    if first_of_case:
        first = F.row_number().over(Window.partitionBy("case").orderBy("timestamp", "position"))
        value = F.when(first == 1, value)
    counts = (
        frame.select("activity", value.alias("value"))
        .groupBy("activity", "value")
        .agg(F.count("*").alias("n"))
        .orderBy(F.col("activity").asc_nulls_last(), F.col("value").asc_nulls_last())
    )
    return _pandas(_arrow(counts))


# --- statistics ---------------------------------------------------------------------------------


def summary_sql(source: str, keys: Sequence[str], parts: int) -> str:
    """Spark SQL that summarises the durations ``d`` of `source` grouped by `keys`: one row
    per group and part (``b``) with the part's count, exact total, min and max, and the order
    statistics the quantiles need (null in the parts that do not hold them).

    Each duration's rank ``r`` in its sorted group of ``n`` puts it in part
    ``b = ((r + 1) k - 1) div n`` of ``k = min(n, parts)``: the part ``i`` whose first rank,
    ``i n div k``, is the last at or before ``r`` (see :func:`bpr.stats._part_totals`).
    """
    from bpr.stats import _QUANTILES

    listed = ", ".join(f"`{key}`" for key in keys)
    bucket = f"((r + 1) * least(n, {parts}) - 1) DIV n" if parts else "0"
    picks = []
    for name, numerator, denominator in _QUANTILES:
        low = f"(n - 1) * {numerator} DIV {denominator}"
        picks += [
            f"max(CASE WHEN r = {low} THEN d END) AS {name}_low",
            f"max(CASE WHEN r = least({low} + 1, n - 1) THEN d END) AS {name}_high",
        ]
    return (
        f"SELECT {listed}, b, count(*) AS m, sum(CAST(d AS DECIMAL(38, 0))) AS total, "
        f"min(d) AS lo, max(d) AS hi, {', '.join(picks)} "
        f"FROM (SELECT {listed}, d, r, n, {bucket} AS b FROM ("
        f"SELECT {listed}, d, row_number() OVER w - 1 AS r, count(*) OVER (PARTITION BY "
        f"{listed}) AS n FROM {source} WINDOW w AS (PARTITION BY {listed} ORDER BY d))) "
        f"GROUP BY {listed}, b"
    )


def assemble(rows: Sequence[Sequence[Any]], width: int, parts: int) -> list[tuple]:
    """Rows of :func:`summary_sql` (keys first) as the rows :func:`bpr.stats._finish` takes:
    ``(*keys, n, total, min, max, median_low, median_high, p90_low, p90_high, *part totals)``.
    """
    from bpr.stats import _part_sums

    groups: dict[tuple, list[Sequence[Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row[:width]), []).append(row[width:])
    out = []
    for key, buckets in groups.items():
        buckets = sorted(buckets, key=lambda b: b[0])
        n = sum(int(b[1]) for b in buckets)
        picks = [
            next(int(b[i]) for b in buckets if b[i] is not None) for i in range(5, len(buckets[0]))
        ]
        row = (
            n,
            sum(int(b[2]) for b in buckets),
            min(int(b[3]) for b in buckets),
            max(int(b[4]) for b in buckets),
            *picks,
        )
        if parts:
            k = min(n, parts)
            below = [0, *itertools.accumulate(int(b[2]) for b in buckets)]
            row = (*row, *_part_sums(below, [int(b[3]) for b in buckets], n, k))
        out.append((*key, *row))
    return out


def _summarise(frame: DataFrame, keys: Sequence[str], parts: int) -> list[tuple]:
    """Durations ``d`` of `frame` grouped by `keys`, summarised on the cluster."""
    spark = frame.sparkSession
    view = f"bpr_durations_{uuid.uuid4().hex}"
    frame.createOrReplaceTempView(view)
    try:
        rows = spark.sql(summary_sql(view, keys, parts)).collect()
    finally:
        spark.catalog.dropTempView(view)
    return assemble([tuple(row) for row in rows], len(keys), parts)


def stats_from_spark(log: EventLog) -> LogStats:
    """The statistics of a Spark log, computed on the cluster, equal to DuckDB's."""
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from bpr.stats import PARTS, _finish

    frame = log._spark
    has_start = "start" in frame.columns
    zero = F.lit(0).cast("long")
    done = F.unix_micros(F.col("timestamp")) if log.timed else zero
    begun = F.unix_micros(F.coalesce(F.col("start"), F.col("timestamp"))) if has_start else done
    begun = begun if log.timed else zero
    events = frame.select(
        F.col("case").alias("c"),
        F.col("activity").alias("a"),
        done.alias("t"),
        begun.alias("s"),
        F.col("position").alias("p"),
    )
    w = Window.partitionBy("c").orderBy("t", "p")
    pairs = (
        events.select(
            F.col("a").alias("source"),
            F.lead("a").over(w).alias("target"),
            F.greatest(F.lead("s").over(w) - F.col("t"), zero).alias("d"),
        )
        .where(F.col("target").isNotNull())
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    per_case = (
        events.groupBy("c")
        .agg(
            F.count("*").alias("n"),
            F.min("s").alias("s"),
            F.max("t").alias("t"),
            F.transform(
                F.array_sort(F.collect_list(F.struct("t", "p", "a"))), lambda e: e["a"]
            ).alias("v"),
        )
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    try:
        working = None
        if has_start:
            timed = frame.where(F.col("start").isNotNull()).select(
                "activity",
                (F.unix_micros(F.col("timestamp")) - F.unix_micros(F.col("start"))).alias("d"),
            )
            working = _summarise(timed, ["activity"], PARTS)
        cases = _arrow(per_case.select("c", "n", "s", "t").orderBy("c"))
        variants = [(tuple(row[0]), int(row[1])) for row in per_case.groupBy("v").count().collect()]
        return _finish(
            pairs=_summarise(pairs, ["source", "target"], 0),
            waiting=_summarise(pairs, ["target"], PARTS),
            variants=variants,
            cases={
                name: cases.column(column).to_numpy(zero_copy_only=False)
                for name, column in (("case", "c"), ("events", "n"), ("start", "s"), ("end", "t"))
            },
            working=working,
            timed=log.timed,
        )
    finally:
        pairs.unpersist()
        per_case.unpersist()
