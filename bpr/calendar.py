"""Business calendars: the working time between two instants, without weekends and holidays.

A :class:`BusinessCalendar` has weekend days, a list of holidays, optional office hours and a
time zone. Its defaults are Iranian: the weekend is Friday, the zone is Asia/Tehran (+03:30,
no daylight saving since 2022), and the whole day counts (pass ``hours=("07:30", "14:30")``
for government office hours). Official holidays change every year (the religious ones follow
the lunar calendar), so none is built in except the fixed solar ones that
:func:`solar_holidays` lists; pass the rest as Jalali dates through :func:`jalali`.

Durations are measured on the local wall clock of the calendar's zone.

Examples
--------
>>> from datetime import datetime, timezone
>>> cal = BusinessCalendar(holidays=[jalali("1403/01/12")])
>>> cal.is_working_day(jalali("1403/01/12")), cal.is_working_day(jalali("1403/01/11"))
(False, True)
>>> start = datetime(2024, 4, 3, 20, 30, tzinfo=timezone.utc)  # Thursday 00:00 in Tehran
>>> cal.working_time(start, datetime(2024, 4, 6, 20, 30, tzinfo=timezone.utc))  # to Sunday
datetime.timedelta(days=2)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from bpr.errors import BprError
from bpr.labels import to_latin_digits

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "WEEKDAYS",
    "BusinessCalendar",
    "CalendarError",
    "jalali",
    "solar_holidays",
]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_JALALI = re.compile(r"^\s*(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*$")
# Official holidays on fixed Jalali dates (month, day): Nowruz (1-4 Farvardin), Islamic
# Republic Day (12 Farvardin), Nature Day (13 Farvardin), the death of Imam Khomeini and the
# 15 Khordad uprising (14-15 Khordad), the revolution's victory (22 Bahman) and the
# nationalisation of oil (29 Esfand).
_SOLAR = ((1, 1), (1, 2), (1, 3), (1, 4), (1, 12), (1, 13), (3, 14), (3, 15), (11, 22), (12, 29))


class CalendarError(BprError, ValueError):
    """A business calendar got a value it cannot use (a date, a weekday, hours, a zone)."""


def jalali(text: str) -> date:
    """The Gregorian date of a Jalali date written ``YYYY/MM/DD`` (``-`` or ``.`` also work,
    and Persian or Arabic-Indic digits).

    Examples
    --------
    >>> jalali("1403/01/01")
    datetime.date(2024, 3, 20)
    >>> jalali("۱۴۰۲/۱۱/۲۲")
    datetime.date(2024, 2, 11)
    >>> jalali("1402/12/30")
    Traceback (most recent call last):
    ...
    bpr.calendar.CalendarError: '1402/12/30' is not a Jalali date (...); write YYYY/MM/DD
    """
    import jdatetime

    match = _JALALI.match(to_latin_digits(str(text)))
    if match is None:
        raise CalendarError(f"{text!r} is not a Jalali date; write YYYY/MM/DD, e.g. '1403/01/01'")
    year, month, day = (int(g) for g in match.groups())
    try:
        return jdatetime.date(year, month, day).togregorian()
    except ValueError as exc:
        raise CalendarError(f"{text!r} is not a Jalali date ({exc}); write YYYY/MM/DD") from None


def solar_holidays(year: int) -> tuple[date, ...]:
    """The official Iranian holidays on fixed Jalali dates in Jalali ``year``, as Gregorian
    dates. Religious holidays follow the lunar calendar: add them with :func:`jalali`.

    Examples
    --------
    >>> solar_holidays(1403)[:2]
    (datetime.date(2024, 3, 20), datetime.date(2024, 3, 21))
    >>> len(solar_holidays(1403))
    10
    """
    return tuple(jalali(f"{year}/{month:02d}/{day:02d}") for month, day in _SOLAR)


def _weekend(days: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(days, str):
        days = [days]
    names = tuple(str(d).strip().lower() for d in days)
    unknown = [d for d in names if d not in WEEKDAYS]
    if unknown:
        raise CalendarError(
            f"unknown weekday {unknown[0]!r} in weekend; use English names: {', '.join(WEEKDAYS)}"
        )
    if len(set(names)) == len(WEEKDAYS):
        raise CalendarError("a weekend of all seven days leaves no working day")
    return tuple(d for d in WEEKDAYS if d in names)


def _holiday(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            day = None
        if day is not None and day.year >= 1700:
            return day
    raise CalendarError(
        f"holiday {value!r}: give a datetime.date or an ISO date ('2024-03-20'); for a Jalali "
        "date write bpr.calendar.jalali('1403/01/01')"
    )


def _holidays(values: Iterable[Any]) -> frozenset[date]:
    if isinstance(values, str | date):
        values = [values]
    return frozenset(_holiday(v) for v in values)


def _clock(value: Any) -> time:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(to_latin_digits(str(value)).strip())
    except ValueError:
        raise CalendarError(f"office hours: {value!r} is not a time of day like '07:30'") from None


def _hours(value: Any) -> tuple[time, time] | None:
    if value is None:
        return None
    try:
        opening, closing = value
    except (TypeError, ValueError):
        raise CalendarError(
            f"hours must be (opening, closing), e.g. ('07:30', '14:30'); got {value!r}"
        ) from None
    opening, closing = _clock(opening), _clock(closing)
    if closing <= opening:
        raise CalendarError(f"office hours {value!r}: closing must come after opening")
    return opening, closing


def _zone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise CalendarError(
            f"unknown time zone {value!r}; give an IANA name such as 'Asia/Tehran'"
        ) from None
    return value


@attrs.frozen(kw_only=True)
class BusinessCalendar:
    """Working days and hours: what counts as working time.

    Parameters
    ----------
    weekend : sequence of str
        Weekday names that are not working days (default ``("friday",)``).
    holidays : iterable of datetime.date or ISO date strings
        Days that are not working days. Write Jalali dates with :func:`jalali`, e.g.
        ``holidays=[jalali("1403/01/01"), *solar_holidays(1403)]``.
    hours : (opening, closing), optional
        Office hours on working days (``("07:30", "14:30")`` or :class:`datetime.time`);
        ``None`` (the default) counts the whole day.
    timezone : str
        The IANA zone whose days and clock the calendar follows (default ``"Asia/Tehran"``).
        Working time is read on its wall clock: when the clocks go forward the skipped hour
        is not worked, when they go back the repeated hour counts once.

    Examples
    --------
    >>> cal = BusinessCalendar(weekend=["saturday", "sunday"], hours=("09:00", "17:00"),
    ...                        timezone="Europe/Amsterdam")
    >>> cal.weekend, cal.hours[0]
    (('saturday', 'sunday'), datetime.time(9, 0))
    >>> BusinessCalendar(weekend=["fri"])
    Traceback (most recent call last):
    ...
    bpr.calendar.CalendarError: unknown weekday 'fri' in weekend; use English names: ...
    """

    weekend: tuple[str, ...] = attrs.field(default=("friday",), converter=_weekend)
    holidays: frozenset[date] = attrs.field(factory=frozenset, converter=_holidays)
    hours: tuple[time, time] | None = attrs.field(default=None, converter=_hours)
    timezone: str = attrs.field(default="Asia/Tehran", converter=_zone)

    @property
    def weekmask(self) -> str:
        """NumPy's week mask, Monday first: ``"1111011"`` for a Friday weekend."""
        return "".join("0" if d in self.weekend else "1" for d in WEEKDAYS)

    def _busday_options(self) -> dict[str, Any]:
        import numpy as np

        return {
            "weekmask": self.weekmask,
            "holidays": np.array(sorted(self.holidays), dtype="datetime64[D]"),
        }

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is neither a weekend day nor a holiday."""
        import numpy as np

        return bool(np.is_busday(np.datetime64(day, "D"), **self._busday_options()))

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """The working time from ``start`` to ``end`` (timezone-aware datetimes).

        Examples
        --------
        >>> from datetime import datetime
        >>> from zoneinfo import ZoneInfo
        >>> tehran = ZoneInfo("Asia/Tehran")
        >>> cal = BusinessCalendar(hours=("07:30", "14:30"))
        >>> cal.working_time(datetime(2024, 5, 1, 13, 0, tzinfo=tehran),   # Wednesday
        ...                  datetime(2024, 5, 4, 9, 0, tzinfo=tehran))    # Saturday
        datetime.timedelta(seconds=36000)
        """
        import pandas as pd

        for name, value in (("start", start), ("end", end)):
            if not isinstance(value, datetime) or value.tzinfo is None:
                raise CalendarError(f"working_time: {name} must be a timezone-aware datetime")
        spans = self.working_times(pd.Series([pd.Timestamp(start)]), pd.Series([pd.Timestamp(end)]))
        return spans.iloc[0].to_pytimedelta()

    def working_times(self, starts: pd.Series, ends: pd.Series) -> pd.Series:
        """Working time from each of ``starts`` to the matching ``ends`` (timezone-aware
        Series; missing values give ``NaT``)."""
        import numpy as np
        import pandas as pd

        if (pd.to_datetime(ends) < pd.to_datetime(starts)).any():
            raise CalendarError("working_times: an end comes before its start")
        first = _wall_clock(starts, self.timezone)
        # When the clocks go back, a later instant can show an earlier time: the hour between
        # was lived twice, and counts once.
        last = np.maximum(_wall_clock(ends, self.timezone), first)
        known = ~(np.isnat(first) | np.isnat(last))
        result = np.full(len(first), np.timedelta64("NaT"), dtype="timedelta64[us]")
        result[known] = self._spans(first[known], last[known])
        return pd.Series(result, index=starts.index, name="working_time")

    def _spans(self, first: np.ndarray, last: np.ndarray) -> np.ndarray:
        import numpy as np

        opening, closing = (
            (np.timedelta64(0, "us"), np.timedelta64(1, "D").astype("timedelta64[us]"))
            if self.hours is None
            else tuple(
                np.timedelta64(timedelta(hours=t.hour, minutes=t.minute, seconds=t.second), "us")
                for t in self.hours
            )
        )
        options = self._busday_options()
        day_a, day_b = first.astype("datetime64[D]"), last.astype("datetime64[D]")
        # Offsets into each day, clipped to the office hours.
        in_a = np.clip(first - day_a, opening, closing)
        in_b = np.clip(last - day_b, opening, closing)
        works_a = np.is_busday(day_a, **options)
        works_b = np.is_busday(day_b, **options)
        same = day_a == day_b
        whole = np.busday_count(day_a + 1, np.maximum(day_b, day_a + 1), **options)
        span = np.where(
            same,
            (in_b - in_a) * works_a,
            (closing - in_a) * works_a + (in_b - opening) * works_b + whole * (closing - opening),
        )
        return span.astype("timedelta64[us]")


def _wall_clock(values: pd.Series, zone: str) -> np.ndarray:
    """Local wall-clock times (naive ``datetime64[us]``) of timezone-aware values."""
    import pandas as pd

    stamps = pd.to_datetime(values)
    if getattr(stamps.dt, "tz", None) is None:
        raise CalendarError("working_times needs timezone-aware timestamps")
    return stamps.dt.tz_convert(zone).dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
