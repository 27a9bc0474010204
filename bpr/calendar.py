"""Business calendars: the working time between two instants, without weekends and holidays.

A :class:`BusinessCalendar` has weekend days, half days, a list of holidays, optional office
hours and a time zone. Its defaults are Iranian: the weekend is Friday, the zone is Asia/Tehran
(+03:30, no daylight saving since 2022), and the whole day counts (pass
``hours=("07:30", "14:30")`` for government office hours). Official holidays change every year
(the religious ones follow the lunar calendar), so none is built in except the fixed solar ones
that :func:`solar_holidays` lists; pass the rest as Jalali dates through :func:`jalali`.

Two named calendars (:data:`PRESETS`) are made by :meth:`BusinessCalendar.preset`: ``"iran"``
(Saturday to Wednesday, Thursday half day, the fixed Jalali holidays) and ``"mon-fri"``.
Business time is a choice, never a default imposed on a log: :func:`log_calendar` gives the
Iranian week to a log read in Tehran time or in Jalali dates and no calendar to any other, and
:func:`choose_calendar` turns a choice (a name, ``"auto"`` or ``None``) into a calendar.

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

import itertools
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
    "PRESETS",
    "WEEKDAYS",
    "BusinessCalendar",
    "CalendarError",
    "choose_calendar",
    "jalali",
    "log_calendar",
    "solar_holidays",
]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_JALALI = re.compile(r"^\s*(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*$")
# Official holidays on fixed Jalali dates (month, day): Nowruz (1-4 Farvardin), Islamic
# Republic Day (12 Farvardin), Nature Day (13 Farvardin), the death of Imam Khomeini and the
# 15 Khordad uprising (14-15 Khordad), the revolution's victory (22 Bahman) and the
# nationalisation of oil (29 Esfand).
_SOLAR = ((1, 1), (1, 2), (1, 3), (1, 4), (1, 12), (1, 13), (3, 14), (3, 15), (11, 22), (12, 29))
#: The named calendars of :meth:`BusinessCalendar.preset`.
PRESETS = ("iran", "mon-fri")
# The Jalali years whose fixed holidays the "iran" preset lists: 1380 to 1420 (2001 to 2042).
_IRAN_YEARS = range(1380, 1421)
# Zone names that mean Iranian local time ("Iran" is the IANA alias of Asia/Tehran).
_IRAN_ZONES = ("Asia/Tehran", "Iran")
_DAY = timedelta(days=1)
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_WEEKDAYS_FA = dict(
    zip(
        WEEKDAYS, ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه"), strict=True
    )
)
_IRAN_NAME = "Iranian week, fixed Jalali holidays (religious holidays not included)"
_MON_FRI_NAME = "Monday-to-Friday week"
# The words of BusinessCalendar.describe, by language.
_WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "run": "{a} to {b}",
        "sep": ", ",
        "and": " and ",
        "parts": "; ",
        "half": "{day} half day ({a}-{b})",
        "off": "{days} off",
        "whole": "whole days",
        "hours": "office hours {a}-{b}",
        "holidays": "{n} holidays from {a} to {b}",
        "holiday": "1 holiday on {a}",
        "no holidays": "no holidays",
        "zone": "time zone {zone}",
        "zones": {},
        "names": {},
    },
    "fa": {
        "run": "{a} تا {b}",
        "sep": "، ",
        "and": " و ",
        "parts": "؛ ",
        "half": "{day} نیمه‌وقت ({a} تا {b})",
        "off": "{days} تعطیل",
        "whole": "تمام روز",
        "hours": "ساعات اداری {a} تا {b}",
        "holidays": "{n} روز تعطیل رسمی از {a} تا {b}",
        "holiday": "یک روز تعطیل رسمی در {a}",
        "no holidays": "بدون تعطیل رسمی",
        "zone": "منطقه زمانی {zone}",
        "zones": {"Asia/Tehran": "تهران", "Iran": "تهران"},
        "names": {
            _IRAN_NAME: "هفته کاری ایران، تعطیلات رسمی ثابت خورشیدی (بدون تعطیلات مذهبی)",
            _MON_FRI_NAME: "هفته کاری دوشنبه تا جمعه",
        },
    },
}


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


def _weekdays(days: Iterable[str] | str, field: str) -> tuple[str, ...]:
    if isinstance(days, str):
        days = [days]
    names = tuple(str(d).strip().lower() for d in days)
    unknown = [d for d in names if d not in WEEKDAYS]
    if unknown:
        raise CalendarError(
            f"unknown weekday {unknown[0]!r} in {field}; use English names: {', '.join(WEEKDAYS)}"
        )
    return tuple(d for d in WEEKDAYS if d in names)


def _weekend(days: Iterable[str] | str) -> tuple[str, ...]:
    names = _weekdays(days, "weekend")
    if len(names) == len(WEEKDAYS):
        raise CalendarError("a weekend of all seven days leaves no working day")
    return names


def _half_days(days: Iterable[str] | str) -> tuple[str, ...]:
    return _weekdays(days, "half_days")


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
    if isinstance(value, str) and re.search(r"\d\s*[-–]\s*\d", value):
        value = re.split(r"\s*[-–]\s*", value.strip(), maxsplit=1)
    try:
        opening, closing = value
    except (TypeError, ValueError):
        raise CalendarError(
            f"hours must be (opening, closing), e.g. ('07:30', '14:30') or '07:30-14:30'; "
            f"got {value!r}"
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


def _not_off(instance: BusinessCalendar, attribute: attrs.Attribute[Any], value: Any) -> None:
    both = [d for d in value if d in instance.weekend]
    if both:
        raise CalendarError(f"{both[0]} is in both the weekend and the half days; keep it in one")


@attrs.frozen(kw_only=True)
class BusinessCalendar:
    """Working days and hours: what counts as working time.

    Parameters
    ----------
    weekend : sequence of str
        Weekday names that are not working days (default ``("friday",)``).
    half_days : sequence of str
        Weekday names worked for the first half of the day only (the first half of the office
        hours, or 00:00 to 12:00 when the whole day counts); none by default.
    holidays : iterable of datetime.date or ISO date strings
        Days that are not working days. Write Jalali dates with :func:`jalali`, e.g.
        ``holidays=[jalali("1403/01/01"), *solar_holidays(1403)]``.
    hours : (opening, closing) or "HH:MM-HH:MM", optional
        Office hours on working days (``("07:30", "14:30")``, ``"07:30-14:30"`` or
        :class:`datetime.time`); ``None`` (the default) counts the whole day.
    timezone : str
        The IANA zone whose days and clock the calendar follows (default ``"Asia/Tehran"``).
        Working time is read on its wall clock: when the clocks go forward the skipped hour
        is not worked, when they go back the repeated hour counts once.
    name : str, optional
        What to call the calendar in a report (the presets have one).

    Examples
    --------
    >>> cal = BusinessCalendar(weekend=["saturday", "sunday"], hours="09:00-17:00",
    ...                        timezone="Europe/Amsterdam")
    >>> cal.weekend, cal.hours[0]
    (('saturday', 'sunday'), datetime.time(9, 0))
    >>> BusinessCalendar(weekend=["fri"])
    Traceback (most recent call last):
    ...
    bpr.calendar.CalendarError: unknown weekday 'fri' in weekend; use English names: ...
    """

    weekend: tuple[str, ...] = attrs.field(default=("friday",), converter=_weekend)
    half_days: tuple[str, ...] = attrs.field(default=(), converter=_half_days, validator=_not_off)
    holidays: frozenset[date] = attrs.field(factory=frozenset, converter=_holidays)
    hours: tuple[time, time] | None = attrs.field(default=None, converter=_hours)
    timezone: str = attrs.field(default="Asia/Tehran", converter=_zone)
    name: str | None = None

    @classmethod
    def preset(
        cls,
        name: str,
        *,
        hours: Any = None,
        timezone: str | None = None,
        holidays: Iterable[Any] = (),
    ) -> BusinessCalendar:
        """A named calendar (:data:`PRESETS`).

        * ``"iran"``: Saturday to Wednesday, Thursday half day, Friday off, the fixed Jalali
          holidays of :func:`solar_holidays` for the Jalali years 1380 to 1420 (2001 to
          2042), in Asia/Tehran. The religious holidays follow the lunar calendar and an
          announcement each year: add them through ``holidays``.
        * ``"mon-fri"``: Monday to Friday, in UTC unless ``timezone`` is given.

        Parameters
        ----------
        name : {"iran", "mon-fri"}
        hours : (opening, closing) or "HH:MM-HH:MM", optional
            Office hours; the whole day counts when not given.
        timezone : str, optional
            The calendar's zone instead of the preset's.
        holidays : iterable of datetime.date or ISO date strings
            More holidays, besides the preset's.

        Examples
        --------
        >>> iran = BusinessCalendar.preset("iran", hours="08:00-14:00")
        >>> iran.weekend, iran.half_days, iran.timezone
        (('friday',), ('thursday',), 'Asia/Tehran')

        From Wednesday 09:00 to Saturday 10:00: 5 hours on Wednesday, 3 on Thursday (08:00 to
        11:00), none on Friday, 2 on Saturday.

        >>> from datetime import datetime
        >>> from zoneinfo import ZoneInfo
        >>> tehran = ZoneInfo("Asia/Tehran")
        >>> iran.working_time(datetime(2024, 5, 8, 9, 0, tzinfo=tehran),
        ...                   datetime(2024, 5, 11, 10, 0, tzinfo=tehran))
        datetime.timedelta(seconds=36000)
        >>> BusinessCalendar.preset("uk")
        Traceback (most recent call last):
        ...
        bpr.calendar.CalendarError: unknown business calendar 'uk'; the named ones are iran, mon-fri
        """
        if name == "iran":
            fixed = [day for year in _IRAN_YEARS for day in solar_holidays(year)]
            return cls(
                weekend=("friday",),
                half_days=("thursday",),
                holidays=[*fixed, *_holidays(holidays)],
                hours=hours,
                timezone=timezone or "Asia/Tehran",
                name=_IRAN_NAME,
            )
        if name == "mon-fri":
            return cls(
                weekend=("saturday", "sunday"),
                holidays=holidays,
                hours=hours,
                timezone=timezone or "UTC",
                name=_MON_FRI_NAME,
            )
        raise CalendarError(
            f"unknown business calendar {name!r}; the named ones are {', '.join(PRESETS)}"
        )

    @property
    def weekmask(self) -> str:
        """NumPy's week mask, Monday first: ``"1111011"`` for a Friday weekend."""
        return "".join("0" if d in self.weekend else "1" for d in WEEKDAYS)

    @property
    def description(self) -> str:
        """The calendar in words, for a report (:meth:`describe` in English)."""
        return self.describe()

    def describe(self, lang: str = "en") -> str:
        """The calendar in words, for a report: its name, working days, office hours,
        holidays and zone, in English (``"en"``) or Persian (``"fa"``: Persian digits,
        Jalali dates).

        Examples
        --------
        >>> BusinessCalendar.preset("iran").describe()
        'Iranian week, fixed Jalali holidays (religious holidays not included): Saturday to \
Wednesday, Thursday half day (00:00-12:00), Friday off; whole days; 410 holidays from \
2001-03-21 to 2042-03-19; time zone Asia/Tehran'
        >>> BusinessCalendar.preset("iran", hours="07:30-14:30").describe("fa")
        'هفته کاری ایران، تعطیلات رسمی ثابت خورشیدی (بدون تعطیلات مذهبی): شنبه تا \
چهارشنبه، پنجشنبه نیمه‌وقت (۰۷:۳۰ تا ۱۱:۰۰)، جمعه تعطیل؛ ساعات اداری ۰۷:۳۰ تا ۱۴:۳۰؛ ۴۱۰ \
روز تعطیل رسمی از ۱۳۸۰/۰۱/۰۱ تا ۱۴۲۰/۱۲/۲۹؛ منطقه زمانی تهران'
        >>> BusinessCalendar(weekend=["saturday", "sunday"], hours="09:00-17:00",
        ...                  timezone="Europe/Amsterdam").describe()
        'Monday to Friday, Saturday and Sunday off; office hours 09:00-17:00; no holidays; \
time zone Europe/Amsterdam'
        """
        if lang not in _WORDS:
            raise CalendarError(f"unknown language {lang!r}; describe in {' or '.join(_WORDS)}")
        words = _WORDS[lang]
        order = _week_from(self.weekend)
        full = [d for d in order if d not in self.weekend and d not in self.half_days]
        days = [_day_list(full, lang)]
        for day in self.half_days:
            opening, closing = (_clock_text(t) for t in self._bounds()[WEEKDAYS.index(day)])
            days.append(words["half"].format(day=_day(day, lang), a=opening, b=closing))
        off = _and([_day(d, lang) for d in order if d in self.weekend], lang)
        days.append(words["off"].format(days=off))
        if self.hours is None:
            hours = words["whole"]
        else:
            hours = words["hours"].format(a=f"{self.hours[0]:%H:%M}", b=f"{self.hours[1]:%H:%M}")
        if self.holidays:
            first, last = (_date_text(d, lang) for d in (min(self.holidays), max(self.holidays)))
            many = "holidays" if len(self.holidays) > 1 else "holiday"
            holidays = words[many].format(n=len(self.holidays), a=first, b=last)
        else:
            holidays = words["no holidays"]
        zone = words["zones"].get(self.timezone, self.timezone)
        parts = [words["sep"].join(days), hours, holidays, words["zone"].format(zone=zone)]
        text = words["parts"].join(parts)
        if self.name:
            text = f"{words['names'].get(self.name, self.name)}: {text}"
        return text.translate(_PERSIAN_DIGITS) if lang == "fa" else text

    def _busday_options(self, weekmask: str | None = None) -> dict[str, Any]:
        import numpy as np

        return {
            "weekmask": self.weekmask if weekmask is None else weekmask,
            "holidays": np.array(sorted(self.holidays), dtype="datetime64[D]"),
        }

    def _bounds(self) -> list[tuple[timedelta, timedelta]]:
        """Opening and closing of each weekday, Monday first, as offsets from midnight
        (the same instant twice on a weekend day)."""
        opening, closing = (
            (timedelta(0), _DAY)
            if self.hours is None
            else tuple(
                timedelta(hours=t.hour, minutes=t.minute, seconds=t.second) for t in self.hours
            )
        )
        half = opening + (closing - opening) / 2
        return [
            (
                opening,
                opening if day in self.weekend else half if day in self.half_days else closing,
            )
            for day in WEEKDAYS
        ]

    @property
    def open_share(self) -> float:
        """The share of a week's time that is working time, holidays aside.

        Examples
        --------
        >>> BusinessCalendar.preset("iran", hours="08:00-14:00").open_share == 33 / 168
        True
        """
        worked = sum((closing - opening for opening, closing in self._bounds()), timedelta(0))
        return worked / (7 * _DAY)

    def day_hours(self, day: date) -> tuple[timedelta, timedelta] | None:
        """When ``day`` (a local date) is worked, as offsets from its midnight: (opening,
        closing); ``None`` on a weekend day or a holiday.

        Examples
        --------
        >>> iran = BusinessCalendar.preset("iran", hours="08:00-14:00")
        >>> [str(t) for t in iran.day_hours(date(2024, 5, 9))]  # a Thursday
        ['8:00:00', '11:00:00']
        >>> iran.day_hours(date(2024, 5, 10)) is None  # a Friday
        True
        """
        if WEEKDAYS[day.weekday()] in self.weekend or day in self.holidays:
            return None
        return self._bounds()[day.weekday()]

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

        bounds = np.array(self._bounds(), dtype="timedelta64[us]")  # weekday x (open, close)
        options = self._busday_options()
        day_a, day_b = first.astype("datetime64[D]"), last.astype("datetime64[D]")
        # 1970-01-01 was a Thursday: day numbers give weekdays, Monday 0.
        open_a, close_a = bounds[_weekday(day_a)].T
        open_b, close_b = bounds[_weekday(day_b)].T
        # Offsets into each day, clipped to that day's hours.
        in_a = np.clip(first - day_a, open_a, close_a)
        in_b = np.clip(last - day_b, open_b, close_b)
        works_a = np.is_busday(day_a, **options)
        works_b = np.is_busday(day_b, **options)
        between = self._whole_days(day_a + 1, np.maximum(day_b, day_a + 1), bounds)
        span = np.where(
            day_a == day_b,
            (in_b - in_a) * works_a,
            (close_a - in_a) * works_a + (in_b - open_b) * works_b + between,
        )
        return span.astype("timedelta64[us]")

    def _whole_days(self, begin: np.ndarray, end: np.ndarray, bounds: np.ndarray) -> np.ndarray:
        """Working time of the whole days from ``begin`` up to (not including) ``end``: the
        working days counted once per length of working day."""
        import numpy as np

        lengths = bounds[:, 1] - bounds[:, 0]
        total = np.zeros(len(begin), dtype="timedelta64[us]")
        for length in sorted(set(lengths[lengths > np.timedelta64(0, "us")].tolist())):
            mask = "".join("1" if value == length else "0" for value in lengths.tolist())
            days = np.busday_count(begin, end, **self._busday_options(mask))
            total += days * np.timedelta64(length, "us")
        return total


def _weekday(days: np.ndarray) -> np.ndarray:
    """Monday 0 to Sunday 6 of ``datetime64[D]`` values."""
    return (days.astype("int64") + 3) % 7


def _week_from(weekend: tuple[str, ...]) -> list[str]:
    """The weekdays in order from the day after the weekend (Saturday for a Friday weekend)."""
    first = (WEEKDAYS.index(weekend[-1]) + 1) % 7 if weekend else 0
    return [WEEKDAYS[(first + i) % 7] for i in range(7)]


def _day_list(days: list[str], lang: str) -> str:
    """``Saturday to Wednesday`` for a run of three days or more, else the days listed."""
    if len(days) >= 3 and len(days) == len(set(days)):
        indices = [WEEKDAYS.index(d) for d in days]
        if all((b - a) % 7 == 1 for a, b in itertools.pairwise(indices)):
            return _WORDS[lang]["run"].format(a=_day(days[0], lang), b=_day(days[-1], lang))
    return _and([_day(d, lang) for d in days], lang)


def _day(name: str, lang: str) -> str:
    return _WEEKDAYS_FA[name] if lang == "fa" else name.title()


def _and(words: list[str], lang: str) -> str:
    both = [_WORDS[lang]["sep"].join(words[:-1]), words[-1]] if len(words) > 1 else words
    return _WORDS[lang]["and"].join(both)


def _date_text(day: date, lang: str) -> str:
    if lang != "fa":
        return day.isoformat()
    import jdatetime

    return jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")


def _clock_text(offset: timedelta) -> str:
    minutes = round(offset.total_seconds() / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def log_calendar(
    *, timezone: str = "UTC", dates: str = "gregorian", hours: Any = None
) -> BusinessCalendar | None:
    """The business calendar that a log's reading implies: the Iranian week
    (:meth:`BusinessCalendar.preset` ``"iran"``) for a log read in Tehran time or in Jalali
    dates, and none for any other log, whose business time stays unknown rather than measured
    on a week that is not its own.

    Parameters
    ----------
    timezone, dates : str
        As given to :func:`bpr.read_log`.
    hours : (opening, closing) or "HH:MM-HH:MM", optional
        Office hours of the Iranian week; the whole day counts when not given.

    Examples
    --------
    >>> log_calendar(timezone="Asia/Tehran").name
    'Iranian week, fixed Jalali holidays (religious holidays not included)'
    >>> log_calendar(timezone="Europe/Amsterdam") is None
    True
    """
    if timezone in _IRAN_ZONES or dates == "jalali":
        return BusinessCalendar.preset("iran", hours=hours)
    return None


def choose_calendar(
    choice: BusinessCalendar | str | None = "auto",
    *,
    hours: Any = None,
    timezone: str = "UTC",
    dates: str = "gregorian",
) -> BusinessCalendar | None:
    """The business calendar a choice names.

    Parameters
    ----------
    choice : BusinessCalendar, str or None
        A calendar (kept as it is); a name of :data:`PRESETS`; ``"auto"`` for the one the
        log's reading implies (:func:`log_calendar`); ``None`` or ``"none"`` for no business
        calendar (business-time figures unknown).
    hours : (opening, closing) or "HH:MM-HH:MM", optional
        Office hours for a named or implied calendar.
    timezone, dates : str
        How the log was read (:func:`bpr.read_log`'s keywords): ``"auto"`` follows them, and
        ``"mon-fri"`` takes the log's zone.

    Examples
    --------
    >>> choose_calendar("mon-fri", timezone="Europe/Amsterdam").timezone
    'Europe/Amsterdam'
    >>> choose_calendar("auto", dates="jalali").half_days
    ('thursday',)
    >>> choose_calendar("none") is None
    True
    """
    if isinstance(choice, BusinessCalendar):
        if hours is not None:
            raise CalendarError(
                "office hours go with a named business calendar; a calendar object has its own"
            )
        return choice
    if choice is None or choice == "none":
        chosen = None
    elif choice == "auto":
        chosen = log_calendar(timezone=timezone, dates=dates, hours=hours)
    else:
        zone = timezone if choice == "mon-fri" else None
        chosen = BusinessCalendar.preset(str(choice), hours=hours, timezone=zone)
    if chosen is None and hours is not None:
        raise CalendarError(
            f"office hours {hours!r} need a business calendar, and none was chosen (a log in "
            "neither Tehran time nor Jalali dates gets none by default); choose a business "
            f"calendar ({' or '.join(PRESETS)})"
        )
    return chosen


def _wall_clock(values: pd.Series, zone: str) -> np.ndarray:
    """Local wall-clock times (naive ``datetime64[us]``) of timezone-aware values."""
    import pandas as pd

    stamps = pd.to_datetime(values)
    if getattr(stamps.dt, "tz", None) is None:
        raise CalendarError("working_times needs timezone-aware timestamps")
    return stamps.dt.tz_convert(zone).dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
