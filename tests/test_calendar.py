"""Business calendars: Jalali holidays, weekends, office hours, time zones, bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from bpr import BprError
from bpr.calendar import BusinessCalendar, CalendarError, jalali, solar_holidays

TEHRAN = ZoneInfo("Asia/Tehran")


def at(text: str, zone: ZoneInfo = TEHRAN) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


@pytest.mark.parametrize(
    ("text", "gregorian"),
    [
        ("1403/01/01", date(2024, 3, 20)),  # Nowruz 1403
        ("1402/12/29", date(2024, 3, 19)),  # the day before
        ("1403/12/30", date(2025, 3, 20)),  # 1403 is a leap year: Esfand has 30 days
        ("۱۴۰۲-۱۱-۲۲", date(2024, 2, 11)),  # Persian digits, dashes
        ("١٤٠٢.١١.٢٢", date(2024, 2, 11)),  # Arabic-Indic digits, dots
    ],
)
def test_jalali_dates(text, gregorian):
    assert jalali(text) == gregorian


@pytest.mark.parametrize("text", ["1402/12/30", "1403/13/01", "2024-03-20T00:00", "Nowruz"])
def test_bad_jalali_dates(text):
    with pytest.raises(CalendarError, match="Jalali date"):
        jalali(text)


def test_solar_holidays_of_a_year():
    days = solar_holidays(1403)
    assert days[:4] == tuple(date(2024, 3, d) for d in (20, 21, 22, 23))  # Nowruz
    assert days[4:6] == (date(2024, 3, 31), date(2024, 4, 1))  # 12 and 13 Farvardin
    assert days[-2:] == (jalali("1403/11/22"), jalali("1403/12/29"))


def test_friday_weekend_by_default():
    cal = BusinessCalendar()
    assert cal.weekmask == "1111011"
    assert not cal.is_working_day(date(2024, 5, 10))  # a Friday
    assert cal.is_working_day(date(2024, 5, 11))  # Saturday works in Iran
    # Thursday 12:00 to Saturday 12:00: Friday's 24 hours do not count
    assert cal.working_time(at("2024-05-09 12:00"), at("2024-05-11 12:00")) == timedelta(days=1)


def test_holidays_and_office_hours():
    cal = BusinessCalendar(holidays=solar_holidays(1403), hours=("07:30", "14:30"))
    # Tuesday 1403/01/14 (2024-04-02) is the first working day after the holidays
    start, end = at("2024-03-19 14:00"), at("2024-04-02 08:30")
    # Tue 19 March 14:00-14:30 counts (1402/12/29 is in the list of 1402, not given here);
    # Wed 20 - Sat 23 are Nowruz, Fri 29 is a weekend, 12 and 13 Farvardin (Sun 31 March,
    # Mon 1 April) are holidays; working days left: Sun 24, Mon 25, Tue 26, Wed 27, Thu 28,
    # Sat 30 (6 x 7 h), then 07:30-08:30 on Tue 2 April
    assert cal.working_time(start, end) == timedelta(hours=0.5 + 6 * 7 + 1)
    # before opening and after closing count nothing
    assert cal.working_time(at("2024-05-04 05:00"), at("2024-05-04 07:00")) == timedelta(0)
    assert cal.working_time(at("2024-05-04 15:00"), at("2024-05-05 07:00")) == timedelta(0)
    assert cal.working_time(at("2024-05-04 07:00"), at("2024-05-04 16:00")) == timedelta(hours=7)


def test_other_zones_use_the_local_wall_clock():
    amsterdam = ZoneInfo("Europe/Amsterdam")
    cal = BusinessCalendar(weekend=["Saturday", "sunday"], timezone="Europe/Amsterdam")
    # Friday 17:00 to Monday 09:00 local (across the switch to summer time on 31 March 2024)
    assert cal.working_time(
        at("2024-03-29 17:00", amsterdam), at("2024-04-01 09:00", amsterdam)
    ) == timedelta(hours=7 + 9)
    # the same instants given in UTC give the same answer
    assert cal.working_time(
        datetime(2024, 3, 29, 16, tzinfo=UTC), datetime(2024, 4, 1, 7, tzinfo=UTC)
    ) == timedelta(hours=16)


def test_vectorised_with_missing_values():
    cal = BusinessCalendar()
    starts = pd.Series(pd.to_datetime(["2024-05-09 08:30", None], utc=True))
    ends = pd.Series(pd.to_datetime(["2024-05-11 08:30", "2024-05-11 08:30"], utc=True))
    spans = cal.working_times(starts, ends)
    assert spans.iloc[0] == pd.Timedelta(days=1) and pd.isna(spans.iloc[1])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"weekend": ["fri"]}, "unknown weekday 'fri'"),
        ({"weekend": list(map(str.title, ["monday", "tuesday", "wednesday", "thursday",
                                          "friday", "saturday", "sunday"]))},
         "leaves no working day"),
        ({"timezone": "Tehran"}, "unknown time zone 'Tehran'"),
        ({"hours": ("14:30", "07:30")}, "closing must come after opening"),
        ({"hours": ("7.30", "14:30")}, "'7.30' is not a time of day"),
        ({"hours": "07:30"}, "hours must be \\(opening, closing\\)"),
        ({"holidays": ["1403/01/01"]}, "jalali\\('1403/01/01'\\)"),
        ({"holidays": ["1403-01-01"]}, "for a Jalali date"),
    ],
)  # fmt: skip
def test_bad_calendars(arguments, message):
    with pytest.raises(CalendarError, match=message):
        BusinessCalendar(**arguments)
    assert issubclass(CalendarError, BprError)


def test_bad_instants():
    cal = BusinessCalendar()
    with pytest.raises(CalendarError, match="start must be a timezone-aware datetime"):
        cal.working_time(datetime(2024, 5, 4), at("2024-05-05 00:00"))
    with pytest.raises(CalendarError, match="an end comes before its start"):
        cal.working_time(at("2024-05-05 00:00"), at("2024-05-04 00:00"))


def test_a_span_across_the_clocks_going_back_is_not_negative():
    """Tehran kept daylight saving until 2022: on 2010-09-21 at midnight (IRDT) the clocks went
    back to 23:00 (IRST), so 23:30 came twice, an hour apart. Spans are read on the wall
    clock, which did not move between the two."""
    cal = BusinessCalendar()
    first = datetime(2010, 9, 21, 19, 0, tzinfo=UTC)  # 23:30 +04:30
    second = datetime(2010, 9, 21, 20, 0, tzinfo=UTC)  # 23:30 +03:30
    later = datetime(2010, 9, 21, 20, 0, 1, tzinfo=UTC)  # 23:30:01 +03:30
    assert cal.working_time(first, second) == timedelta(0)
    assert cal.working_time(first, later) == timedelta(seconds=1)
    # Tuesday 10:00 (+04:30) to Wednesday 10:00 (+03:30) in office hours: 4 h 30 min, then
    # 2 h 30 min.
    office = BusinessCalendar(hours=("07:30", "14:30"))
    tuesday = datetime(2010, 9, 21, 5, 30, tzinfo=UTC)
    wednesday = datetime(2010, 9, 22, 6, 30, tzinfo=UTC)
    assert office.working_time(tuesday, wednesday) == timedelta(hours=7)
    with pytest.raises(CalendarError, match="an end comes before its start"):
        cal.working_time(second, first)
