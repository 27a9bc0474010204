"""Timestamps of event logs: Gregorian and Jalali calendars, digits, time zones.

Event logs from Iranian agencies write dates in the Jalali (Solar Hijri) calendar, often with
Persian or Arabic-Indic digits, and in local time. :func:`bpr.read_log` turns every timestamp
into a UTC instant in vectorised steps, so that millions of rows stay fast:

1. **in SQL** (DuckDB), each value becomes a wall-clock time ``lt`` and the UTC offset written
   in it, ``off`` (seconds; null when it carries none): typed columns directly, ISO text through
   DuckDB's own casts (:func:`first_parse`);
2. the values that this fails on (all of them for the Jalali calendar) are parsed by the rules
   below on their **distinct** texts only (:func:`text_parse_sql`), and only the distinct dates
   go to Python, to become Gregorian (``jdatetime`` for Jalali; :func:`day_table`);
3. the distinct local dates get the UTC offset of `timezone` (``zoneinfo``, so the rules of the
   ``tzdata`` package: Asia/Tehran is +03:30 with no daylight saving since 2022;
   :func:`zone_table`), the rare local times on a day when the zone changes its offset get one
   each (:func:`exact_offsets`), and a join gives ``UTC = lt - offset``.

Accepted text (after Persian and Arabic-Indic digits become ASCII): ``YYYY-MM-DD``,
``YYYY/MM/DD`` or ``YYYY.MM.DD``, optionally followed by ``HH:MM``, ``HH:MM:SS`` or
``HH:MM:SS.ffffff`` (after ``T`` or spaces), optionally followed by an offset ``Z``,
``+HH:MM``, ``+HHMM`` or ``+HH``; and ``YYYYMMDD`` (text or integer). A value with an offset
is converted with its own offset, so a column may mix offsets, as logs spanning a
daylight-saving change do; a value without one is local time in `timezone`. A log that mixes
values with and without offsets is refused, because the zone of the latter is unknown.

Local times that a daylight-saving change skips or repeats follow :pep:`495` with ``fold=0``:
the offset in force before the change.

Examples
--------
>>> to_gregorian(14020512, "jalali")
datetime.date(2023, 8, 3)
>>> to_gregorian(14021230, "jalali") is None  # 1402 is not a leap year
True
>>> from datetime import date
>>> zone_table([date(2023, 8, 3)], "Asia/Tehran")
([(datetime.date(2023, 8, 3), 12600)], [])
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from bpr.errors import LogError

__all__ = [
    "CALENDARS",
    "FirstParse",
    "day_table",
    "exact_offsets",
    "first_parse",
    "text_parse_sql",
    "to_gregorian",
    "zone",
    "zone_table",
]

CALENDARS = ("gregorian", "jalali")

_DIGITS_FROM = "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩"
_DIGITS_TO = "01234567890123456789"
# A UTC offset: real ones run from -12:00 to +14:00, so hours past 14 or minutes past 59 are
# no offset (and the text no timestamp), not a shift of days.
_OFFSET = r"[+-](?:0\d|1[0-4])(?::?[0-5]\d)?"
# Groups: year, month, day, hour, minute, second, fraction (to microseconds), offset.
_PATTERN = (
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:(?:T\s*|\s+)(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,6})\d*)?)?)?"
    rf"\s*([zZ]|{_OFFSET})?$"
)
# What DuckDB's ISO cast reads the same way as _PATTERN does.
_ISO = rf"\d{{4}}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d{{1,6}})?)?)?\s*(?:[zZ]|{_OFFSET})?"
_OFFSET_SUFFIX = r":\d\d(?:[.,]\d+)?\s*(?:[zZ]|[+-]\d\d(?::?\d\d)?)$"

_TEXT_TYPES = ("VARCHAR",)
_INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER")
_FLOAT_TYPES = ("FLOAT", "DOUBLE")
_NAIVE_TYPES = ("TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATE")
_AWARE_TYPES = ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ", "TIMESTAMPTZ_NS")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@attrs.frozen
class FirstParse:
    """SQL that reads one column: `local` (TIMESTAMP, null when it fails), `offset` (INTEGER
    seconds, null for local time) and `text` (the value as text, for the rows where `local`
    failed; ``NULL`` when no other rule can do better)."""

    local: str
    offset: str
    text: str


def zone(name: str) -> ZoneInfo:
    """The time zone called `name`, from the IANA database (``tzdata``).

    >>> zone("Asia/Tehran").utcoffset(datetime(2024, 6, 1))
    datetime.timedelta(seconds=12600)
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise LogError(
            f"unknown time zone {name!r}; pass an IANA name such as 'Asia/Tehran' or 'UTC'"
        ) from exc


def _aware(value: str) -> str:
    return f"make_timestamp(epoch_us({value}))"  # the UTC wall-clock time


def first_parse(
    column: str, sql_type: str, *, dates: str = "gregorian", time_format: str | None = None
) -> FirstParse:
    """How to read `column` (SQL, of DuckDB type `sql_type`) in one vectorised pass.

    Gregorian ISO text goes through DuckDB's casts, an order of magnitude faster than the
    general rules (:func:`text_parse_sql`), which get what is left. Raises :class:`LogError` for
    a type that cannot hold a timestamp.

    >>> first_parse('"t"', "TIMESTAMP")
    FirstParse(local='CAST("t" AS TIMESTAMP)', offset='NULL', text='NULL')
    >>> first_parse('"t"', "BIGINT", dates="jalali").text
    'CAST("t" AS VARCHAR)'
    """
    base = sql_type.upper()
    text = f"CAST({column} AS VARCHAR)"
    if time_format is not None:
        parsed = f"try_strptime({text}, '{time_format.replace(chr(39), chr(39) * 2)}')"
        if "%z" in time_format or "%Z" in time_format:
            return FirstParse(_aware(parsed), "0", text)
        return FirstParse(parsed, "NULL", text)
    if base in _TEXT_TYPES:
        if dates == "jalali":
            return FirstParse("NULL::TIMESTAMP", "NULL", column)
        iso = f"regexp_full_match({column}, '{_ISO}')"
        return FirstParse(
            f"CASE WHEN {iso} THEN {_aware(f'try_cast({column} AS TIMESTAMPTZ)')} END",
            f"CASE WHEN regexp_matches({column}, '{_OFFSET_SUFFIX}') THEN 0 END",
            column,
        )
    if base in _INTEGER_TYPES:
        return FirstParse("NULL::TIMESTAMP", "NULL", text)
    if base in _FLOAT_TYPES:  # integers that a missing value turned into floats
        return FirstParse("NULL::TIMESTAMP", "NULL", f"CAST(CAST({column} AS BIGINT) AS VARCHAR)")
    if base in _NAIVE_TYPES:
        return FirstParse(f"CAST({column} AS TIMESTAMP)", "NULL", "NULL")
    if base in _AWARE_TYPES:
        return FirstParse(_aware(f"CAST({column} AS TIMESTAMPTZ)"), "0", "NULL")
    raise LogError(
        f"column {column} has type {sql_type}, which holds no timestamps; "
        "pass a column of text, dates or date-times"
    )


def text_parse_sql(source: str, target: str) -> list[str]:
    """Statements that parse the texts in column ``raw`` of table `source` by the general rules.

    They create table `target` with columns ``raw``, ``ymd`` (``year * 10000 + month * 100 +
    day`` in the source calendar), ``us`` (microseconds since midnight) and ``off`` (the
    written UTC offset in seconds, or null), all null where the text follows no rule. Each step
    is its own table so that DuckDB evaluates every expression once.
    """
    steps = [
        f"""SELECT raw, trim(CASE WHEN regexp_matches(raw, '[{_DIGITS_FROM}]')
            THEN translate(raw, '{_DIGITS_FROM}', '{_DIGITS_TO}') ELSE raw END) AS n
            FROM {source}""",
        r"""SELECT raw, CASE WHEN regexp_full_match(n, '\d{8}')
            THEN substr(n, 1, 4) || '-' || substr(n, 5, 2) || '-' || substr(n, 7, 2)
            ELSE n END AS n FROM {prev}""",
        f"""SELECT raw, CASE WHEN regexp_full_match(n, '{_PATTERN}') THEN string_split(
            regexp_replace(n, '{_PATTERN}', '\\1|\\2|\\3|\\4|\\5|\\6|\\7|\\8'), '|') END AS p
            FROM {{prev}}""",
        """SELECT raw, CAST(p[1] AS BIGINT) * 10000 + CAST(p[2] AS BIGINT) * 100
                + CAST(p[3] AS BIGINT) AS ymd,
            CAST(NULLIF(p[4], '') AS BIGINT) AS h, CAST(NULLIF(p[5], '') AS BIGINT) AS mi,
            CAST(NULLIF(p[6], '') AS BIGINT) AS s,
            CAST(NULLIF(rpad(p[7], 6, '0'), '') AS BIGINT) AS f, p[8] AS z FROM {prev}""",
        """SELECT raw, CASE WHEN coalesce(h, 0) < 24 AND coalesce(mi, 0) < 60
                AND coalesce(s, 0) < 60 THEN ymd END AS ymd,
            ((coalesce(h, 0) * 60 + coalesce(mi, 0)) * 60 + coalesce(s, 0)) * 1000000
                + coalesce(f, 0) AS us,
            CASE WHEN z IS NULL OR z = '' THEN NULL WHEN upper(z) = 'Z' THEN 0
                ELSE (CASE WHEN left(z, 1) = '-' THEN -1 ELSE 1 END)
                    * (CAST(substr(z, 2, 2) AS INTEGER) * 3600 + coalesce(TRY_CAST(
                        right(replace(substr(z, 4), ':', ''), 2) AS INTEGER), 0) * 60)
            END::INTEGER AS off FROM {prev}""",
    ]
    statements = []
    prev = source
    for i, step in enumerate(steps):
        name = target if i == len(steps) - 1 else f"{target}_{i}"
        statements.append(f"CREATE TEMP TABLE {name} AS {step.replace('{prev}', prev)}")
        if prev != source:
            statements.append(f"DROP TABLE {prev}")
        prev = name
    return statements


def to_gregorian(ymd: int, calendar: str) -> date | None:
    """The Gregorian date of the date key `ymd` in `calendar`, or None if there is no such date.

    >>> to_gregorian(20240229, "gregorian")
    datetime.date(2024, 2, 29)
    >>> to_gregorian(20230229, "gregorian") is None
    True
    """
    year, month, day = ymd // 10000, ymd // 100 % 100, ymd % 100
    try:
        if calendar == "jalali":
            import jdatetime  # only Jalali logs pay for the import

            return jdatetime.date(year, month, day).togregorian()
        return date(year, month, day)
    except ValueError:
        return None


def day_table(ymds: Iterable[int], calendar: str) -> list[tuple[int, int | None]]:
    """Rows ``(ymd, midnight)``: the Gregorian midnight of each date key in `calendar`, in
    microseconds since 1970-01-01, or ``None`` when the date does not exist.

    >>> day_table([14020512, 14021230], "jalali")
    [(14020512, 1691020800000000), (14021230, None)]
    """
    rows: list[tuple[int, int | None]] = []
    for ymd in ymds:
        day = to_gregorian(ymd, calendar)
        if day is None:
            rows.append((ymd, None))
        else:
            midnight = datetime.combine(day, time(0), tzinfo=UTC)
            rows.append((ymd, (midnight - _EPOCH) // timedelta(microseconds=1)))
    return rows


def _offset_seconds(local: datetime, tz: ZoneInfo) -> int:
    offset = local.replace(tzinfo=tz).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def zone_table(days: Iterable[date], timezone: str) -> tuple[list[tuple[date, int]], list[date]]:
    """The UTC offset of `timezone` (seconds) on each local day, and the days it changes.

    >>> zone_table([date(2023, 3, 26)], "Europe/Amsterdam")  # spring forward
    ([], [datetime.date(2023, 3, 26)])
    """
    tz = zone(timezone)
    uniform: list[tuple[date, int]] = []
    changing: list[date] = []
    for day in days:
        first = _offset_seconds(datetime.combine(day, time(0)), tz)
        last = _offset_seconds(datetime.combine(day, time.max), tz)
        if first == last:
            uniform.append((day, first))
        else:
            changing.append(day)
    return uniform, changing


def exact_offsets(local_times: Iterable[datetime], timezone: str) -> list[tuple[datetime, int]]:
    """The UTC offset of `timezone` (seconds) at each local time.

    >>> exact_offsets([datetime(2023, 3, 26, 12, 0)], "Europe/Amsterdam")
    [(datetime.datetime(2023, 3, 26, 12, 0), 7200)]
    """
    tz = zone(timezone)
    return [(local, _offset_seconds(local, tz)) for local in local_times]
