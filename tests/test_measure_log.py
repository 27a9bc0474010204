"""Length of an event log: per-case metrics against hand-computed values, the receipt log
against pandas, segments, and step typing precedence."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from bpr import BprError, LogError, measure
from bpr.calendar import BusinessCalendar, jalali
from bpr.log import read_log
from bpr.measure import METRICS, Tariff

MIN = timedelta(minutes=1)
DAY_MIN = 1440

POLICE_FRONT = {"agency": "Police", "actor": "front_office", "channel": "in_person",
                "citizen_present": True}  # fmt: skip
ANNOTATIONS = {
    "Submit at the police": {**POLICE_FRONT, "kind": "submit", "documents_in": "ID card",
                             "documents_out": "tracking code"},
    "Photo at the police": {**POLICE_FRONT, "kind": "other"},
    "Hand in at the police": {**POLICE_FRONT, "kind": "submit"},
    "Pay at the bank": {"agency": "Bank", "actor": "citizen", "channel": "in_person",
                        "citizen_present": True, "kind": "pay", "documents_in": "tracking code"},
    "Review": {"agency": "Police", "actor": "back_office", "channel": "internal",
               "kind": "verify", "citizen_present": False},
    "Apply online": {"agency": "City", "actor": "citizen", "channel": "web", "kind": "submit",
                     "citizen_present": False},
    "Check": {"agency": "City", "actor": "back_office", "channel": "internal", "kind": "verify",
              "citizen_present": False},
    "Inquiry to the registry": {"agency": "Registry", "actor": "external_agency",
                                "channel": "system", "kind": "inquiry",
                                "citizen_present": False},
    "Decide": {"agency": "City", "actor": "back_office", "channel": "internal",
               "kind": "decide", "citizen_present": False},
}  # fmt: skip
# The table states every step's documents: those not listed are none.
ANNOTATIONS = {
    a: {"documents_in": "none", "documents_out": "none"} | f for a, f in ANNOTATIONS.items()
}

# Tehran local times (no daylight saving in 2024). 2024-05-04 is a Saturday; 2024-05-06 is
# 1403/02/17; 2024-05-10 is the first Friday after.
EVENTS = [
    ("c1", "Submit at the police", "2024-05-04 09:00", "2024-05-04 09:20"),
    ("c1", "Photo at the police", "2024-05-04 09:30", "2024-05-04 09:40"),
    ("c1", "Hand in at the police", "2024-05-05 10:00", "2024-05-05 10:15"),
    ("c1", "Pay at the bank", "2024-05-05 11:00", "2024-05-05 11:10"),
    ("c1", "Review", "2024-05-08 11:00", "2024-05-08 12:00"),
    ("c1", "Review", "2024-05-09 11:30", "2024-05-09 12:00"),
    ("c2", "Apply online", "2024-05-04 07:50", "2024-05-04 08:00"),
    ("c2", "Check", "2024-05-04 08:30", "2024-05-04 10:00"),
    ("c2", "Inquiry to the registry", "2024-05-04 09:00", "2024-05-04 09:30"),
    ("c2", "Decide", "2024-05-04 10:00", "2024-05-04 10:30"),
]


def _log(rows=EVENTS, **extra_columns):
    frame = pd.DataFrame(rows, columns=["case", "activity", "start", "timestamp"])
    for name, values in extra_columns.items():
        frame[name] = values
    return read_log(frame, timezone="Asia/Tehran")


def test_per_case_metrics_by_hand():
    length = measure(_log(), annotations=ANNOTATIONS, calendar=BusinessCalendar())
    cases = length.per_case.set_index("case")
    c1, c2 = cases.loc["c1"], cases.loc["c2"]
    # c1: submit+photo are one trip (police, same day); hand-in is at the police again but the
    # next day: a new trip; the bank is a third. Handoffs: photo|hand-in same role;
    # hand-in|bank, bank|review. The tracking code the bank needs was made by the submission.
    assert c1[["steps", "visits", "handoffs", "agencies", "documents"]].tolist() == [6, 3, 2, 2, 1]
    assert c1[["inquiries", "paper_inquiries", "rework", "procedures"]].tolist() == [0, 0, 1, 4]
    assert c1["cycle_time"] == timedelta(days=5, hours=3)  # Sat 09:00 to Thu 12:00
    assert c1["working_time"] == (20 + 10 + 15 + 10 + 60 + 30) * MIN  # 145 min, no overlap
    assert c1["waiting_share"] == pytest.approx(1 - 145 / (5 * DAY_MIN + 180))
    # Doing Business days: gaps 20 min, 20 min, 24 h 35 min, 55 min (each office step at
    # least a day), then 3 days 50 min and 1 day for the back office
    assert c1["days"] == pytest.approx(1 + 1 + (1 + 35 / DAY_MIN) + 1 + (3 + 50 / DAY_MIN) + 1)
    assert c1["burden"] == (3 * 90 + 1 * 120) * MIN  # 3 trips, 1 document
    # c2: web application, then the registry inquiry (completes 09:30) inside the check
    # (08:30-10:00): ordered by completion apply|inquiry|check|decide gives 2 handoffs.
    assert c2[["steps", "visits", "handoffs", "agencies", "documents"]].tolist() == [4, 0, 2, 2, 0]
    assert c2[["inquiries", "paper_inquiries", "rework", "procedures"]].tolist() == [1, 0, 0, 1]
    assert c2["cycle_time"] == 160 * MIN  # 07:50 to 10:30
    assert c2["working_time"] == (10 + 90 + 30) * MIN  # the inquiry lies inside the check
    assert c2["waiting_share"] == pytest.approx(1 - 130 / 160)
    assert c2["days"] == pytest.approx(0.5 + (90 + 30 + 30) / DAY_MIN)  # online: half a day
    assert c2["burden"] == timedelta(0)
    # BusinessCalendar's defaults: Friday weekend, whole days; no Friday lies inside either case
    assert c1["cycle_time_business"] == timedelta(days=5, hours=3)
    assert c2["cycle_time_business"] == 160 * MIN


def test_log_means_by_hand():
    length = measure(_log(), annotations=ANNOTATIONS, calendar=BusinessCalendar())
    assert length.source == "log" and length.cases == 2
    assert (length.steps, length.steps_min, length.steps_max) == (5.0, 4, 6)
    assert (length.visits, length.handoffs, length.agencies) == (1.5, 2.0, 2.0)
    assert (length.documents, length.inquiries, length.paper_inquiries) == (0.5, 0.5, 0.0)
    assert (length.rework, length.procedures, length.variants) == (0.5, 2.5, 2)
    c1, c2 = 5 * DAY_MIN + 180, 160  # cycle times in minutes
    assert length.cycle_time == length.cycle_time_mean == (c1 + c2) / 2 * MIN
    assert length.cycle_time_p90 == (c2 + 0.9 * (c1 - c2)) * MIN  # linear interpolation
    assert length.working_time == (145 + 130) / 2 * MIN
    assert length.waiting_share == pytest.approx(1 - (145 + 130) / (c1 + c2))
    assert length.burden == 390 / 2 * MIN
    assert length.cycle_time_business_mean == length.cycle_time_mean
    frame = length.to_frame()
    assert list(frame.index) == list(METRICS) and frame.loc["cases", "value"] == 2


def test_business_calendar_with_jalali_holiday_and_office_hours():
    holiday = BusinessCalendar(holidays=[jalali("1403/02/17")])  # Monday 2024-05-06
    length = measure(_log(), annotations=ANNOTATIONS, calendar=holiday)
    business = length.per_case.set_index("case")["cycle_time_business"]
    assert business["c1"] == timedelta(days=4, hours=3)  # the holiday's 24 hours go
    assert length.cycle_time == (5 * DAY_MIN + 180 + 160) / 2 * MIN  # calendar time stays
    hours = BusinessCalendar(holidays=[jalali("1403/02/17")], hours=("07:30", "14:30"))
    business = measure(_log(), annotations=ANNOTATIONS, calendar=hours).per_case
    business = business.set_index("case")["cycle_time_business"]
    # Sat 09:00-14:30 5.5 h, Sun 7 h, Mon holiday, Tue 7 h, Wed 7 h, Thu 07:30-12:00 4.5 h
    assert business["c1"] == timedelta(hours=5.5 + 7 + 7 + 7 + 4.5)
    assert business["c2"] == 160 * MIN  # 07:50-10:30, inside office hours
    assert any("office hours 07:30-14:30" in a for a in measure(_log(), calendar=hours).assumptions)


def test_no_business_calendar_no_business_time():
    """Without a calendar no working week is imposed: business time is unknown, not 0, and
    calendar days (visits) follow the zone the log was read in."""
    length = measure(_log(), annotations=ANNOTATIONS)
    assert length.cycle_time_business is None and length.cycle_time_business_mean is None
    assert length.per_case["cycle_time_business"].isna().all()
    assert length.cycle_time is not None and length.visits == 1.5
    assert any("no business calendar was chosen" in a for a in length.assumptions)
    iran = measure(_log(), annotations=ANNOTATIONS, calendar=BusinessCalendar.preset("iran"))
    # c1 runs Saturday 09:00 to Thursday 12:00: Thursday's half day ends at noon, so whole
    # days Saturday to Wednesday less the 9 hours before 09:00 Saturday, plus 12 hours
    assert iran.per_case.set_index("case")["cycle_time_business"]["c1"] == timedelta(
        days=5, hours=-9 + 12
    )
    assert any("Iranian week" in a for a in iran.assumptions)


def test_a_tariff_prices_the_burden():
    tariff = Tariff(12.5, "EUR")
    # every document known: none where the table names none
    known = {a: {"documents_in": [], "documents_out": [], **f} for a, f in ANNOTATIONS.items()}
    length = measure(_log(), annotations=known, tariff=tariff, by="agency")
    assert length.burden == 390 / 2 * MIN
    assert length.burden_cost == pytest.approx(390 / 2 / 60 * 12.5) and length.currency == "EUR"
    police = length.segments.loc["Police"]
    assert police["burden_cost"] == pytest.approx(police["burden"] / timedelta(hours=1) * 12.5)
    assert measure(_log(), annotations=known).burden_cost is None
    with pytest.raises(BprError, match="needs its currency"):
        Tariff(12.5, "")
    with pytest.raises(BprError, match="non-negative amount of money per hour"):
        Tariff(-1, "EUR")


def test_visits_split_by_calendar_day_in_the_calendar_zone():
    rows = [
        ("c", "Submit at the police", "2024-05-04 23:00", "2024-05-04 23:30"),
        ("c", "Photo at the police", "2024-05-05 00:10", "2024-05-05 00:20"),
    ]
    # In Tehran the two steps fall on two days: two trips. In UTC (3:30 behind) both are on
    # 2024-05-04 (19:30-20:50 UTC): one trip.
    typed = {a: ANNOTATIONS[a] for _, a, _, _ in rows}
    tehran = measure(_log(rows), annotations=typed)
    utc = measure(_log(rows), annotations=typed, calendar=BusinessCalendar(timezone="UTC"))
    assert (tehran.visits, utc.visits) == (2.0, 1.0)


def test_typing_precedence_annotations_then_attributes_then_classifier():
    rows = [
        ("c", "Pay the fee at the bank", "2024-05-04 09:00", "2024-05-04 09:10"),
        ("c", "Archive the file", "2024-05-04 10:00", "2024-05-04 10:10"),
    ]
    agency = ["Bank", "Registry"]
    # classifier: "pay" makes the step a citizen's payment, a procedure; agencies from the
    # event attribute
    plain = measure(_log(rows, agency=agency))
    assert (plain.procedures, plain.agencies) == (1.0, 2.0)
    # annotations win over both: the payment becomes internal, both steps at one agency
    annotated = measure(
        _log(rows, agency=agency),
        annotations={
            "Pay the fee at the bank": {"actor": "system", "channel": "system", "agency": "X"},
            "Archive the file": {"agency": "X"},
        },
    )
    assert (annotated.procedures, annotated.agencies) == (0.0, 1.0)


def test_segments_by_event_attribute_and_by_case_attribute():
    frame_extra = {"agency": ["P", "P", "Q", "Q", "P", "P", "A", "A", "B", "A"]}
    log = _log(**frame_extra, region=["north"] * 6 + ["south"] * 4)
    by_region = measure(log, by="region")  # constant within each case: cases split
    assert by_region.by == "region"
    assert list(by_region.segments.index) == ["north", "south"]
    assert by_region.segments["cases"].tolist() == [1, 1]
    assert by_region.segments["steps"].tolist() == [6.0, 4.0]
    by_agency = measure(log, by="agency")  # varies within a case: each case's own events
    assert list(by_agency.segments.index) == ["A", "B", "P", "Q"]
    assert by_agency.segments["cases"].tolist() == [1, 1, 1, 1]
    assert by_agency.segments["steps"].tolist() == [3.0, 1.0, 4.0, 2.0]
    assert list(by_agency.segments.columns) == list(METRICS)
    assert "By agency:" in by_agency._repr_html_()
    with pytest.raises(LogError, match="no attribute 'district' to segment by; use one of"):
        measure(log, by="district")
    # a case without the attribute is a segment of its own, not dropped
    partial = measure(_log(region=["north"] * 6 + [None] * 4), by="region").segments
    assert len(partial) == 2 and partial.index[0] == "north" and pd.isna(partial.index[1])
    assert partial["cases"].tolist() == [1, 1]


def test_receipt_log_matches_pandas(data_dir):
    log = read_log(data_dir / "logs" / "receipt.xes.gz")
    length = measure(log)
    events = log.to_pandas()
    grouped = events.groupby("case")
    cases = pd.DataFrame(
        {
            "steps": grouped.size().astype(float),
            "cycle_time": grouped["timestamp"].max() - grouped["timestamp"].min(),
            "rework": grouped.size() - grouped["activity"].nunique(),
        }
    )
    mine = length.per_case.set_index("case")
    assert len(mine) == 1434 == length.cases
    pd.testing.assert_series_equal(mine["steps"], cases["steps"], check_names=False)
    pd.testing.assert_series_equal(
        mine["cycle_time"], cases["cycle_time"], check_names=False, check_freq=False
    )
    assert (mine["rework"] == cases["rework"]).all()
    assert length.steps == cases["steps"].mean() == 8577 / 1434
    assert length.cycle_time == cases["cycle_time"].median().to_pytimedelta()
    assert length.cycle_time_mean == cases["cycle_time"].mean().to_pytimedelta()
    assert length.cycle_time_p90 == cases["cycle_time"].quantile(0.9).to_pytimedelta()
    assert length.variants == grouped["activity"].agg(tuple).nunique()
    assert length.working_time is None  # the receipt log has no start times
    segments = measure(log, by="case:channel").segments
    channels = events.groupby("channel")["case"].nunique()
    assert list(segments.index) == sorted(channels.index) and len(segments) == 5
    assert segments["cases"].tolist() == channels.sort_index().tolist()
    steps = events.groupby(["channel", "case"]).size().groupby("channel").mean()
    assert segments["steps"].tolist() == pytest.approx(steps.sort_index().tolist(), rel=1e-12)


def test_bad_calendar_argument():
    with pytest.raises(Exception, match="calendar must be a bpr.calendar.BusinessCalendar"):
        measure(_log(), calendar="iran")


def test_a_log_without_times_has_unknown_times_never_zero():
    # The events above in the same order with no time at all (a control-flow-only export).
    frame = pd.DataFrame([row[:2] for row in EVENTS], columns=["case", "activity"])
    length = measure(read_log(frame), annotations=ANNOTATIONS, calendar=BusinessCalendar())
    for metric in (
        "cycle_time",
        "cycle_time_mean",
        "cycle_time_p90",
        "working_time",
        "waiting_share",
        "cycle_time_business",
        "cycle_time_business_mean",
        "days",
    ):
        assert getattr(length, metric) is None, metric  # fmt: skip
    cases = length.per_case.set_index("case")
    assert cases[["cycle_time", "working_time", "cycle_time_business"]].isna().all().all()
    assert cases["days"].isna().all()
    # Without a day boundary, c1's submit, photo and hand-in at the police are one trip, the
    # bank a second; c2 never goes to an office.
    assert cases["visits"].tolist() == [2.0, 0.0]
    assert (length.steps, length.visits, length.rework) == (5.0, 1.0, 0.5)
    assert any("the log has no times" in note for note in length.assumptions)


def test_a_log_that_says_nothing_about_presence_or_agencies_gives_unknown_not_zero():
    length = measure(_log())  # no annotations: only the classifier reads the labels
    assert length.agencies is None and length.handoffs is None
    assert "agency" in length.unknown["agencies"].fields
    assert length.unknown["agencies"].of == 9  # the distinct activities
    per_case = length.per_case.set_index("case")
    assert per_case["agencies"].isna().all()  # unknown for every case, never 0
    assert length.steps == 5.0 and length.rework == 0.5  # what needs no typing stays known
    typed = measure(_log(), annotations=ANNOTATIONS, calendar=BusinessCalendar())
    assert typed.unknown == {}


def test_a_log_in_duckdb_is_measured_a_chunk_of_cases_at_a_time(monkeypatch):
    # Ten cases (copies of the two, with ids that sort apart from their order of creation) in
    # chunks of about three events: whole cases per chunk, the same length as all at once.
    rows = [(f"{k}-{case}", a, s, t) for k in (3, 1, 4, 0, 2) for case, a, s, t in EVENTS]
    frame = pd.DataFrame(rows, columns=["case", "activity", "start", "timestamp"])
    calendar = BusinessCalendar()
    whole = measure(
        read_log(frame, timezone="Asia/Tehran", engine="pandas"),
        annotations=ANNOTATIONS,
        calendar=calendar,
    )
    monkeypatch.setattr("bpr._measure_log._CHUNK", 3)
    log = read_log(frame, timezone="Asia/Tehran", engine="duckdb")
    assert len(log._case_ranges(3)) == 10  # each case (4 or 6 events) fills a chunk
    chunked = measure(log, annotations=ANNOTATIONS, calendar=calendar)
    pd.testing.assert_frame_equal(chunked.per_case, whole.per_case)
    assert list(chunked.per_case["case"]) == sorted(
        f"{k}-{c}" for k in range(5) for c in ["c1", "c2"]
    )
    assert [getattr(chunked, m) for m in METRICS] == [getattr(whole, m) for m in METRICS]
    assert chunked.variants == 2 and chunked.steps == 5.0
