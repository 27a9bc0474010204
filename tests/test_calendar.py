"""Business calendars: Jalali holidays, weekends, office hours, time zones, bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from bpr import BprError
from bpr.calendar import (
    BusinessCalendar,
    CalendarError,
    choose_calendar,
    jalali,
    log_calendar,
    solar_holidays,
)

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


# -- half days and the named calendars ------------------------------------------------------


def test_iranian_week_counts_half_of_thursday():
    iran = BusinessCalendar.preset("iran")
    # Wednesday 18:00 to Saturday 06:00, whole days: 6 h of Wednesday, Thursday 00:00-12:00,
    # no Friday, 6 h of Saturday
    assert iran.working_time(at("2024-05-08 18:00"), at("2024-05-11 06:00")) == timedelta(hours=24)
    # Thursday afternoon is not worked
    assert iran.working_time(at("2024-05-09 13:00"), at("2024-05-09 15:00")) == timedelta(0)
    assert iran.working_time(at("2024-05-09 11:00"), at("2024-05-09 13:00")) == timedelta(hours=1)


def test_iranian_week_with_office_hours_over_two_weeks():
    iran = BusinessCalendar.preset("iran", hours="08:00-14:00")
    # Saturday 4 to Saturday 18 May 2024 (1403/02/15 to 1403/02/29, no fixed holiday): each
    # week five 6-hour days and Thursday 08:00-11:00
    assert iran.working_time(at("2024-05-04 08:00"), at("2024-05-18 08:00")) == timedelta(
        hours=2 * (5 * 6 + 3)
    )
    # Thursday 10:00 to Saturday 09:00: one hour of Thursday, one of Saturday
    assert iran.working_time(at("2024-05-09 10:00"), at("2024-05-11 09:00")) == timedelta(hours=2)


def test_iranian_week_keeps_nowruz():
    iran = BusinessCalendar.preset("iran")
    # Tuesday 19 March 2024 is 29 Esfand 1402 (a holiday), 20-23 March Nowruz: of the week to
    # Tuesday 26 March only Sunday 24 and Monday 25 are worked
    assert iran.working_time(at("2024-03-19 00:00"), at("2024-03-26 00:00")) == timedelta(days=2)
    assert jalali("1403/01/01") in iran.holidays and jalali("1420/11/22") in iran.holidays


def test_monday_to_friday():
    week = BusinessCalendar.preset("mon-fri")
    assert week.weekend == ("saturday", "sunday") and week.timezone == "UTC"
    friday, monday = datetime(2024, 5, 10, 12, tzinfo=UTC), datetime(2024, 5, 13, 12, tzinfo=UTC)
    assert week.working_time(friday, monday) == timedelta(hours=24)
    office = BusinessCalendar.preset("mon-fri", hours=("09:00", "17:00"), timezone="Europe/Paris")
    # Friday 14:00 UTC is 16:00 in Paris: one hour left; Monday 09:00 UTC is 11:00: two hours
    assert office.working_time(
        datetime(2024, 5, 10, 14, tzinfo=UTC), datetime(2024, 5, 13, 9, tzinfo=UTC)
    ) == timedelta(hours=3)


def _worked(cal: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """Working time day by day: the overlap of [start, end] with each day's open hours."""
    zone = ZoneInfo(cal.timezone)
    first, last = (
        start.astimezone(zone).replace(tzinfo=None),
        end.astimezone(zone).replace(tzinfo=None),
    )
    total = timedelta(0)
    day = first.date()
    while day <= last.date():
        name = day.strftime("%A").lower()
        if name not in cal.weekend and day not in cal.holidays:
            opening = (
                datetime.combine(day, cal.hours[0])
                if cal.hours
                else datetime.combine(day, datetime.min.time())
            )
            closing = datetime.combine(day, cal.hours[1]) if cal.hours else opening + timedelta(1)
            if name in cal.half_days:
                closing = opening + (closing - opening) / 2
            total += max(timedelta(0), min(closing, last) - max(opening, first))
        day += timedelta(days=1)
    return total


@pytest.mark.parametrize("hours", [None, "07:30-14:30"])
def test_spans_agree_with_counting_day_by_day(hours):
    """Many spans at once (the vectorised path) against a loop over their days."""
    cal = BusinessCalendar.preset("iran", hours=hours, holidays=[jalali("1403/02/17")])
    base = datetime(2024, 3, 15, tzinfo=UTC)
    # starts every 7 h 13 min over a month, each span 0 to 19 days long in 5 h 17 min steps
    starts = [base + i * timedelta(hours=7, minutes=13) for i in range(100)]
    ends = [s + (i % 90) * timedelta(hours=5, minutes=17) for i, s in enumerate(starts)]
    spans = cal.working_times(pd.Series(starts), pd.Series(ends))
    assert [s.to_pytimedelta() for s in spans] == [
        _worked(cal, s, e) for s, e in zip(starts, ends, strict=True)
    ]


def test_descriptions():
    iran = BusinessCalendar.preset("iran", hours="08:00-14:00")
    assert iran.description.startswith("Iranian week, fixed Jalali holidays")
    assert "Saturday to Wednesday, Thursday half day (08:00-11:00), Friday off" in iran.description
    assert "office hours 08:00-14:00" in iran.description
    assert "time zone Asia/Tehran" in iran.description
    other = BusinessCalendar(weekend=["friday", "saturday"], holidays=["2024-05-01"])
    assert other.description == (
        "Sunday to Thursday, Friday and Saturday off; whole days; "
        "1 holiday on 2024-05-01; time zone Asia/Tehran"
    )


def test_descriptions_in_persian():
    iran = BusinessCalendar.preset("iran", hours="07:30-14:30", holidays=["2024-05-06"])
    text = iran.describe("fa")
    assert "شنبه تا چهارشنبه، پنجشنبه نیمه‌وقت (۰۷:۳۰ تا ۱۱:۰۰)، جمعه تعطیل" in text
    assert "۴۱۱ روز تعطیل رسمی از ۱۳۸۰/۰۱/۰۱ تا ۱۴۲۰/۱۲/۲۹" in text
    assert not any("a" <= c.lower() <= "z" for c in text)  # no Latin letters left
    week = BusinessCalendar.preset("mon-fri", timezone="Europe/Amsterdam").describe("fa")
    assert week.startswith("هفته کاری دوشنبه تا جمعه: دوشنبه تا جمعه، شنبه و یکشنبه تعطیل")
    assert week.endswith("منطقه زمانی Europe/Amsterdam")  # a zone's name stays as it is
    with pytest.raises(CalendarError, match="unknown language 'de'"):
        iran.describe("de")


def test_office_hours_as_text():
    assert (
        BusinessCalendar(hours="۰۸:۰۰ – ۱۴:۰۰").hours
        == BusinessCalendar(hours=("08:00", "14:00")).hours
    )


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ({"timezone": "Asia/Tehran"}, "iran"),
        ({"timezone": "Iran"}, "iran"),
        ({"dates": "jalali"}, "iran"),
        ({"dates": "jalali", "timezone": "UTC"}, "iran"),
        ({}, None),
        ({"timezone": "Europe/Amsterdam"}, None),
    ],
)
def test_the_log_decides_the_default(read, expected):
    chosen = log_calendar(**read)
    if expected is None:
        assert chosen is None
    else:
        assert chosen == BusinessCalendar.preset(expected)


def test_choosing_a_calendar():
    assert choose_calendar("auto", timezone="Europe/Amsterdam") is None
    assert choose_calendar("none", timezone="Asia/Tehran") is None
    assert choose_calendar(None) is None
    assert choose_calendar("auto", timezone="Asia/Tehran", hours="08:00-14:00") == (
        BusinessCalendar.preset("iran", hours=("08:00", "14:00"))
    )
    assert choose_calendar("mon-fri", timezone="Europe/Amsterdam").timezone == "Europe/Amsterdam"
    own = BusinessCalendar(weekend=["sunday"])
    assert choose_calendar(own) is own
    with pytest.raises(CalendarError, match="need a business calendar, and none was chosen"):
        choose_calendar("auto", hours="08:00-14:00")
    with pytest.raises(CalendarError, match="unknown business calendar 'uk'"):
        choose_calendar("uk")
    with pytest.raises(CalendarError, match="a calendar object has its own"):
        choose_calendar(own, hours="08:00-14:00")


def test_a_half_day_cannot_be_off():
    with pytest.raises(CalendarError, match="friday is in both the weekend and the half days"):
        BusinessCalendar(half_days=["friday"])
    with pytest.raises(CalendarError, match="unknown weekday 'thu' in half_days"):
        BusinessCalendar(half_days=["thu"])


def test_the_simulation_clock_keeps_half_days():
    from bpr._engine import Clock

    iran = BusinessCalendar.preset("iran", hours="08:00-14:00")
    clock = Clock(iran, at("2024-05-09 00:00"))  # a Thursday
    hour = 3600.0
    # Thursday 08:00-11:00, Friday off, Saturday 08:00-14:00
    assert clock.open_between(0.0, 72 * hour) / hour == 3 + 6
    assert clock.add(10 * hour, 2 * hour) / hour == 48 + 9  # 1 h on Thursday, 1 on Saturday
