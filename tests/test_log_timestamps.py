"""Timestamps: Jalali dates, Persian digits, time zones, offsets; answers from zoneinfo by hand."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import jdatetime
import pandas as pd
import pytest

from bpr import LogError
from bpr.log import read_log

TEHRAN = ZoneInfo("Asia/Tehran")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def frame(times: list, cases: list[str] | None = None) -> pd.DataFrame:
    n = len(times)
    return pd.DataFrame(
        {
            "case": cases if cases is not None else [f"c{i}" for i in range(n)],
            "activity": ["a"] * n,
            "timestamp": times,
        }
    )


def utc(log) -> list[datetime]:
    """The log's timestamps in source order."""
    events = log.to_pandas().sort_values("position")
    return [t.to_pydatetime() for t in events["timestamp"]]


def test_tehran_is_plus_0330_without_daylight_saving_since_2022() -> None:
    log = read_log(frame(["2023-08-03 10:30", "2021-06-22 10:00"]), timezone="Asia/Tehran")
    # 2023: +03:30 all year; June 2021: daylight saving, +04:30 (by hand).
    assert utc(log) == [
        datetime(2023, 8, 3, 7, 0, tzinfo=UTC),
        datetime(2021, 6, 22, 5, 30, tzinfo=UTC),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "1402/05/12 10:30",
        "1402-05-12 10:30:00",
        "1402/5/12 10:30",
        "۱۴۰۲/۰۵/۱۲ ۱۰:۳۰",
        "١٤٠٢/٠٥/١٢ ١٠:٣٠",
        "1402.05.12T10:30:00.000",
    ],
)
def test_jalali_forms(text: str) -> None:
    log = read_log(frame([text]), dates="jalali", timezone="Asia/Tehran")
    # 12 Mordad 1402 is 3 August 2023 (by hand); 10:30 at +03:30 is 07:00 UTC.
    assert utc(log) == [datetime(2023, 8, 3, 7, 0, tzinfo=UTC)]


def test_jalali_dates_without_time_and_as_integers() -> None:
    texts = read_log(frame(["1402/05/12", "14020512"]), dates="jalali")
    integers = read_log(frame([14020512, 14030101]), dates="jalali")
    midnight = datetime(2023, 8, 3, tzinfo=UTC)
    assert utc(texts) == [midnight, midnight]
    assert utc(integers) == [midnight, datetime(2024, 3, 20, tzinfo=UTC)]  # Nowruz 1403


def test_jalali_leap_day_exists_only_in_leap_years() -> None:
    log = read_log(frame(["1403/12/30", "1402/12/30", "1402/12/29"]), dates="jalali")
    assert utc(log) == [datetime(2025, 3, 20, tzinfo=UTC), datetime(2024, 3, 19, tzinfo=UTC)]
    repairs = log.repairs.set_index("repair")
    assert repairs.loc["unparseable timestamps dropped", "count"] == 1
    assert "'1402/12/30'" in repairs.loc["unparseable timestamps dropped", "detail"]
    with pytest.raises(LogError, match=r"1402/12/30"):
        read_log(frame(["1402/12/30", "1402/12/29"]), dates="jalali", strict=True)


def test_jalali_twin_gives_the_same_instants_as_its_gregorian_twin() -> None:
    rng = random.Random(7)
    start = datetime(2020, 3, 1)
    local = [start + timedelta(minutes=rng.randrange(5 * 365 * 24 * 60)) for _ in range(500)]
    local += [datetime(2022, 3, 21, 23, 59), datetime(2021, 9, 21, 23, 30)]  # around DST ends
    gregorian = [t.strftime("%Y-%m-%d %H:%M:%S") for t in local]
    jalali = [
        jdatetime.datetime.fromgregorian(datetime=t)
        .strftime("%Y/%m/%d %H:%M:%S")
        .translate(PERSIAN if i % 2 else ARABIC)
        for i, t in enumerate(local)
    ]
    cases = [f"c{i}" for i in range(len(local))]
    twin_g = read_log(frame(gregorian, cases), timezone="Asia/Tehran")
    twin_j = read_log(frame(jalali, cases), dates="jalali", timezone="Asia/Tehran")
    expected = [t.replace(tzinfo=TEHRAN).astimezone(UTC) for t in local]
    assert utc(twin_j) == utc(twin_g) == expected
    assert twin_j.repairs.empty


def test_offsets_in_the_values_are_each_converted() -> None:
    # A Dutch log across the daylight-saving change: +01:00 in winter, +02:00 in summer.
    log = read_log(
        frame(["2011-03-26T10:00:00+01:00", "2011-03-28T10:00:00+02:00", "2011-03-29T08:00:00Z"])
    )
    assert utc(log) == [
        datetime(2011, 3, 26, 9, tzinfo=UTC),
        datetime(2011, 3, 28, 8, tzinfo=UTC),
        datetime(2011, 3, 29, 8, tzinfo=UTC),
    ]


def test_offsets_in_unusual_layouts() -> None:
    log = read_log(
        frame(["2024/01/01 10:00 +0330", "2024-01-01 10:00:00.5-03", "2024-01-01 10:00:00,25 Z"])
    )
    assert utc(log) == [
        datetime(2024, 1, 1, 6, 30, tzinfo=UTC),
        datetime(2024, 1, 1, 13, 0, 0, 500000, tzinfo=UTC),
        datetime(2024, 1, 1, 10, 0, 0, 250000, tzinfo=UTC),
    ]
    assert utc(read_log(frame(["20240101"]))) == [datetime(2024, 1, 1, tzinfo=UTC)]


def test_offsets_mixed_with_local_times_are_refused() -> None:
    mixed = frame(["2023-08-03 10:30:00+03:30", "2023-08-03 11:00:00"])
    pattern = (
        r"<DataFrame>: the log mixes times with a UTC offset \(e\.g\. '2023-08-03 10:30:00\+03:30' "
        r"in column 'timestamp'\) and times without one \(e\.g\. '2023-08-03 11:00:00' in "
        r"column 'timestamp'\)"
    )
    with pytest.raises(LogError, match=pattern):
        read_log(mixed, timezone="Asia/Tehran")
    both = frame(["2023-08-03 10:30:00+03:30"]).assign(begin=["2023-08-03 09:00"])
    with pytest.raises(
        LogError, match=r"in column 'timestamp'\).*'2023-08-03 09:00' in column 'begin'"
    ):
        read_log(both, start="begin")


def test_naive_times_on_daylight_saving_days_follow_fold_zero() -> None:
    times = ["2023-03-26 01:30", "2023-03-26 02:30", "2023-03-26 03:30", "2023-10-29 02:30"]
    log = read_log(frame(times), timezone="Europe/Amsterdam")
    expected = [
        datetime.fromisoformat(t).replace(tzinfo=ZoneInfo("Europe/Amsterdam")).astimezone(UTC)
        for t in times
    ]
    assert utc(log) == expected
    # By hand: 01:30 CET = 00:30 UTC; 02:30 does not exist, fold=0 reads it as CET = 01:30 UTC;
    # 03:30 CEST = 01:30 UTC; 02:30 on 29 October happens twice, fold=0 is the first (CEST).
    assert [t.hour * 60 + t.minute for t in expected] == [30, 90, 90, 30]


def test_typed_timestamps_naive_and_aware() -> None:
    naive = pd.to_datetime(["2023-08-03 10:30"])
    aware = pd.to_datetime(["2023-08-03 10:30"]).tz_localize("Asia/Tehran")
    assert (
        utc(read_log(frame(list(naive)), timezone="Asia/Tehran"))
        == utc(read_log(frame(list(aware))))
        == [datetime(2023, 8, 3, 7, tzinfo=UTC)]
    )


def test_time_format_for_day_first_dates() -> None:
    log = read_log(frame(["03/08/2023 10:30", "2023-08-04"]), time_format="%d/%m/%Y %H:%M")
    assert utc(log) == [datetime(2023, 8, 3, 10, 30, tzinfo=UTC), datetime(2023, 8, 4, tzinfo=UTC)]


def test_unparseable_timestamps_are_dropped_with_examples_or_refused() -> None:
    times = ["2023-08-03 10:30", "yesterday", "2023-02-30", "25:00", "yesterday", None, ""]
    log = read_log(frame(times))
    repairs = log.repairs.set_index("repair")
    assert log.n_events == 1
    assert repairs.loc["unparseable timestamps dropped", "count"] == 4
    assert repairs.loc["unparseable timestamps dropped", "detail"] == (
        "column 'timestamp', first examples: 'yesterday', '2023-02-30', '25:00'"
    )
    assert repairs.loc["rows without timestamp dropped", "count"] == 2
    with pytest.raises(LogError, match="unparseable timestamps dropped: 4"):
        read_log(frame(times), strict=True)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
        ({"dates": "hijri"}, "unknown dates 'hijri'"),
        ({"dates": "jalali", "time_format": "%Y"}, "time_format= is for Gregorian"),
    ],
)
def test_bad_time_options(options: dict, message: str) -> None:
    with pytest.raises(LogError, match=message):
        read_log(frame(["2023-08-03"]), **options)


def test_a_column_that_cannot_hold_timestamps() -> None:
    with pytest.raises(LogError, match=r"<DataFrame>: column \"timestamp\" has type BOOLEAN"):
        read_log(frame([True]))


def test_repeated_texts_are_parsed_once_each_and_all_rows_get_them() -> None:
    texts = ["1402/05/12 10:30", "۱۴۰۲/۰۵/۱۲ ۱۰:۳۰", "1402/05/12 10:30"] * 50
    log = read_log(frame(texts), dates="jalali", timezone="Asia/Tehran")
    assert utc(log) == [datetime(2023, 8, 3, 7, 0, tzinfo=UTC)] * 150


def test_a_calendar_that_does_not_fit_the_years_is_warned_about(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level("WARNING", logger="bpr"):
        read_log(frame(["1402-05-12 10:30"]))
        read_log(frame(["2023/08/03"]), dates="jalali")
        read_log(frame(["2023-08-03"]))
    warnings = [r.getMessage() for r in caplog.records]
    assert warnings == [
        "<DataFrame>: the timestamps run from the year 1402 to 1402; if they are Jalali dates, "
        "pass dates='jalali'",
        "<DataFrame>: read as Jalali, the timestamps start in the Gregorian year 2644; if they "
        "are Gregorian dates, pass dates='gregorian'",
    ]


def test_dates_keep_their_former_name_calendar_for_one_release() -> None:
    texts = ["1402/05/12 10:30"]
    with pytest.warns(DeprecationWarning, match=r"calendar= is now dates="):
        old = read_log(frame(texts), calendar="jalali", timezone="Asia/Tehran")
    new = read_log(frame(texts), dates="jalali", timezone="Asia/Tehran")
    assert utc(old) == utc(new) == [datetime(2023, 8, 3, 7, 0, tzinfo=UTC)]
    assert new.dates == "jalali"
    with pytest.warns(DeprecationWarning, match=r"EventLog.dates"):
        assert new.calendar == "jalali"
    with pytest.raises(LogError, match="disagree"), pytest.warns(DeprecationWarning):
        read_log(frame(texts), dates="jalali", calendar="gregorian")
