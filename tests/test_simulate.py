"""Simulation: exact results on hand-computed cases, queueing theory, common random numbers,
SimPy as the reference event loop, determinism, logs in and out, and every error."""

from __future__ import annotations

import re
import statistics
from datetime import UTC, datetime, timedelta

import attrs
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, reject, settings

from bpr import (
    And,
    Event,
    Flow,
    Gateway,
    Loop,
    ModelError,
    ServiceProcess,
    Step,
    Xor,
    compare_simulations,
    simulate,
)
from bpr.calendar import BusinessCalendar
from bpr.log import read_log
from bpr.model import DurationStats, StepStats
from bpr.simulate import DEFAULT_START, Estimate, SimulationComparison, Travel

from .strategies import processes

MINUTE = 60.0
HOUR = 3600.0
STAFF = {"agency": "Registry", "actor": "back_office"}
CLERK = "Registry / back_office"


def seconds(value: timedelta) -> float:
    return value.total_seconds()


def events(sim) -> pd.DataFrame:
    return sim.log.to_pandas()


def per_case(frame: pd.DataFrame) -> pd.DataFrame:
    """Arrival (first start) and end (last completion) of every case."""
    begin = frame["start"].fillna(frame["timestamp"])
    return pd.DataFrame(
        {
            "first": begin.groupby(frame["case"]).min(),
            "end": frame.groupby("case")["timestamp"].max(),
        }
    )


# -- exact results ----------------------------------------------------------------------------


def test_sequence_with_fixed_durations_and_ample_staff_takes_exactly_the_sum():
    p = ServiceProcess.from_blocks(
        "Sequence",
        Step("a", "Register", duration=10 * MINUTE, **STAFF),
        Step("b", "Check", duration=20 * MINUTE, **STAFF),
        Step("c", "Issue", duration=30 * MINUTE, **STAFF),
    )
    sim = simulate(p, cases=500, replications=3, resources=10_000, distribution="fixed")
    hour = timedelta(hours=1)
    for estimate in (sim.cycle_time, sim.cycle_time_median, sim.cycle_time_p90, sim.working_time):
        assert estimate == Estimate(hour, hour, hour)
    assert sim.waiting_time.value == timedelta(0)
    assert all(e.value == timedelta(0) for e in sim.step_waiting.values())
    frame = events(sim)
    cases = per_case(frame)
    assert len(cases) == 500
    # Timestamps are rounded to the microsecond one by one: compare to the millisecond.
    assert set((cases["end"] - cases["first"]).dt.total_seconds().round(3)) == {HOUR}
    working = (frame["timestamp"] - frame["start"]).dt.total_seconds().round(3)
    assert working.groupby(frame["activity"]).unique().map(list).to_dict() == {
        "Register": [10 * MINUTE],
        "Check": [20 * MINUTE],
        "Issue": [30 * MINUTE],
    }


def test_one_clerk_queue_gives_the_hand_computed_waits():
    # A case every minute, five minutes of work each, one clerk: case k waits 4k minutes.
    p = ServiceProcess.from_blocks("Desk", Step("s", "Stamp", duration=5 * MINUTE, **STAFF))
    arrivals = [timedelta(minutes=k) for k in range(5)]
    sim = simulate(p, cases=5, arrivals=arrivals, resources=1, distribution="fixed", replications=1)
    waits = [4 * k * MINUTE for k in range(5)]
    assert seconds(sim.step_waiting["Stamp"].value) == pytest.approx(statistics.mean(waits))
    assert seconds(sim.cycle_time.value) == pytest.approx(5 * MINUTE + statistics.mean(waits))
    assert seconds(sim.cycle_time_median.value) == pytest.approx(5 * MINUTE + waits[2])
    frame = events(sim).sort_values("timestamp")
    origin = pd.Timestamp(DEFAULT_START)
    assert list((frame["start"] - origin).dt.total_seconds()) == [5 * MINUTE * k for k in range(5)]
    assert frame["resource"].unique().tolist() == [f"{CLERK} #1"]
    # Busy from the first start to the last end: utilisation 1 over [0, end of last case].
    assert sim.utilisation[CLERK].value == pytest.approx(1.0)


def test_calendar_stops_work_outside_office_hours_and_on_the_weekend():
    calendar = BusinessCalendar(hours=("08:00", "14:00"), timezone="Asia/Tehran")
    p = ServiceProcess.from_blocks("Review", Step("r", "Review", duration=3 * HOUR, **STAFF))
    # Thursday 2024-01-04 12:00 in Tehran (+03:30): two hours of work left that day, Friday
    # off, the last hour on Saturday from 08:00.
    arrival = datetime(2024, 1, 4, 8, 30, tzinfo=UTC)
    sim = simulate(
        p,
        cases=1,
        arrivals=[arrival],
        start=arrival,
        calendar=calendar,
        resources=1,
        distribution="fixed",
        replications=1,
    )
    assert sim.cycle_time.value == timedelta(hours=45)
    assert sim.working_time.value == timedelta(hours=3)
    frame = events(sim)
    assert frame["timestamp"].iloc[0] == pd.Timestamp("2024-01-06 09:00", tz="Asia/Tehran")
    # Open: Thursday 12:00-14:00 and Saturday 08:00-09:00 of the 45 h; busy all of it.
    assert sim.utilisation[CLERK].value == pytest.approx(1.0)


def test_calendar_delays_the_start_to_the_next_opening():
    calendar = BusinessCalendar(weekend=["saturday", "sunday"], hours=("09:00", "17:00"),
                                timezone="UTC")  # fmt: skip
    p = ServiceProcess.from_blocks("Night", Step("r", "Review", duration=HOUR, **STAFF))
    friday_evening = datetime(2024, 1, 5, 20, 0, tzinfo=UTC)
    sim = simulate(p, cases=1, arrivals=[friday_evening], start=friday_evening,
                   calendar=calendar, resources=1, distribution="fixed")  # fmt: skip
    frame = events(sim)
    assert frame["start"].iloc[0] == pd.Timestamp("2024-01-08 09:00", tz="UTC")
    assert sim.step_waiting["Review"].value == timedelta(days=2, hours=13)


def test_travel_counts_one_trip_per_visit_and_a_shorter_one_to_a_counter_office():
    visit = {"agency": "Registry", "citizen_present": True, "actor": "front_office"}
    p = ServiceProcess.from_blocks(
        "Visits",
        Step("a", "Hand in the form", duration=10 * MINUTE, **visit),
        Step("b", "Show the originals", duration=5 * MINUTE, **visit),  # same visit
        Step("c", "Decide", duration=HOUR, **STAFF),
        Step("d", "Collect at a counter office", duration=5 * MINUTE,
             actor="counter_office", channel="counter_office", citizen_present=True),
        Step("e", "Sign again", duration=5 * MINUTE, **visit),  # a new trip to the agency
    )  # fmt: skip
    travel = Travel(office=timedelta(minutes=30), counter_office=timedelta(minutes=10))
    sim = simulate(p, cases=50, resources=1000, travel=travel, distribution="fixed",
                   replications=2)  # fmt: skip
    assert sim.travel_time.value == timedelta(minutes=70)
    assert sim.cycle_time.value == timedelta(minutes=85 + 70)
    assert sim.working_time.value == timedelta(minutes=85)
    assert sim.waiting_time.value == timedelta(minutes=70)


def test_parallel_block_lasts_as_long_as_its_longest_branch():
    p = ServiceProcess.from_blocks(
        "Inquiries",
        And(
            Step("police", "Inquiry police", duration=HOUR, agency="Police", actor="back_office"),
            [Step("tax", "Inquiry tax", duration=2 * HOUR, agency="Tax", actor="back_office"),
             Step("bank", "Inquiry bank", duration=HOUR / 2, agency="Bank", actor="back_office")],
        ),
        Step("decide", "Decide", duration=HOUR, **STAFF),
    )  # fmt: skip
    sim = simulate(p, cases=100, resources=100, distribution="fixed", replications=2)
    assert sim.cycle_time.value == timedelta(hours=3.5)
    assert sim.working_time.value == timedelta(hours=4.5)
    frame = events(sim)
    decide = frame[frame["activity"] == "Decide"].set_index("case")["start"]
    tax_bank = frame[frame["activity"] == "Inquiry bank"].set_index("case")["timestamp"]
    assert (decide == tax_bank.loc[decide.index]).all()


def test_branches_and_loops_follow_their_probabilities():
    p = ServiceProcess.from_blocks(
        "Choices",
        Step("a", "Apply", actor="citizen", duration=MINUTE),
        Xor(Step("fast", "Fast track", **STAFF), Step("full", "Full review", **STAFF),
            probabilities=[0.3, 0.7]),
        Loop(Step("fix", "Fix the file", **STAFF), probability=0.25),
    )  # fmt: skip
    n = 20_000
    sim = simulate(p, cases=n, replications=1, resources=1000)
    counts = events(sim)["activity"].value_counts()
    # Binomial and geometric standard errors at 20,000 cases are 0.003 and 0.005.
    assert counts["Fast track"] / n == pytest.approx(0.3, abs=0.015)
    assert counts["Full review"] / n == pytest.approx(0.7, abs=0.015)
    assert counts["Fix the file"] / n == pytest.approx(1 / (1 - 0.25), abs=0.025)


def test_mm1_waiting_time_matches_the_queueing_formula():
    # M/M/1 with rho = 0.7: Wq = rho / (mu - lambda). One replication of 20,000 cases has a
    # standard error of about 6 % (autocorrelated waits), so average 20 replications.
    mu, lam = 1 / MINUTE, 0.7 / MINUTE
    p = ServiceProcess.from_blocks("MM1", Step("s", "Serve", duration=1 / mu, **STAFF))
    sim = simulate(p, cases=20_000, replications=20, resources=1,
                   arrivals=timedelta(seconds=1 / lam), seed=7)  # fmt: skip
    wq = (lam / mu) / (mu - lam)
    waiting = sim.step_waiting["Serve"]
    assert seconds(waiting.value) == pytest.approx(wq, rel=0.05)
    assert seconds(waiting.low) < wq < seconds(waiting.high)
    assert seconds(sim.cycle_time.value) == pytest.approx(1 / (mu - lam), rel=0.05)
    assert sim.utilisation[CLERK].value == pytest.approx(lam / mu, rel=0.02)


def test_system_steps_are_near_instant_and_need_no_clerk():
    p = ServiceProcess.from_blocks(
        "Auto",
        Step("a", "Check the registry", actor="system"),
        Step("b", "Approve", duration=HOUR, **STAFF),
    )
    sim = simulate(p, cases=10, resources=5, distribution="fixed", replications=1)
    assert sim.cycle_time.value == timedelta(hours=1, seconds=1)
    assert list(sim.capacities) == [CLERK]
    assert any(a.startswith("system steps take 1 s: Check the registry") for a in sim.assumptions)


# -- the reference loop, determinism ----------------------------------------------------------


def mixed_process() -> ServiceProcess:
    office = {"agency": "City", "actor": "front_office"}
    back = {"agency": "City", "actor": "back_office"}
    return ServiceProcess.from_blocks(
        "Mixed",
        Step("a", "Apply", citizen_present=True, duration=10 * MINUTE, **office),
        And(
            Step("b", "Inquiry police", agency="Police", actor="external_agency", duration=HOUR),
            [Step("c", "Check", duration=30 * MINUTE, **back),
             Loop(Step("d", "Fix", duration=15 * MINUTE, **back), probability=0.3)],
        ),
        Xor(Step("e", "Approve", duration=5 * MINUTE, **back),
            Step("f", "Reject", duration=MINUTE, **back), probabilities=[0.8, 0.2]),
        Step("g", "Notify", actor="system"),
        Step("h", "Collect", citizen_present=True, duration=5 * MINUTE, **office),
    )  # fmt: skip


def mixed_run(**changes):
    args = dict(
        cases=400,
        replications=2,
        resources={
            ("City", "front_office"): 2,
            "City / back_office": 2,
            ("Police", "external_agency"): 3,
        },
        calendar=BusinessCalendar(hours=("08:00", "14:00")),
        arrivals=timedelta(minutes=20),
    )
    return simulate(mixed_process(), **{**args, **changes})


def test_lean_loop_and_simpy_give_identical_results():
    lean, reference = mixed_run(engine="lean"), mixed_run(engine="simpy")
    pd.testing.assert_frame_equal(lean.to_frame(), reference.to_frame())
    pd.testing.assert_frame_equal(events(lean), events(reference))
    # The model really queues, so equality covers the pools, not just the timeouts.
    assert lean.step_waiting["Check"].value > timedelta(hours=1)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(processes(max_depth=2, line_breaks=False))
def test_random_processes_run_identically_on_both_loops(process):
    try:
        runs = [
            simulate(process, cases=20, replications=1, seed=3, engine=engine)
            for engine in ("lean", "simpy")
        ]
    except ModelError as error:
        # observed frequencies drawn at random can say a loop is never left: no case would end
        assert "a loop never exits" in str(error)
        reject()
    pd.testing.assert_frame_equal(runs[0].to_frame(), runs[1].to_frame())
    frame = runs[0]._events
    pd.testing.assert_frame_equal(frame, runs[1]._events)
    assert runs[0].cycle_time.value >= timedelta(0)  # every case finished
    assert set(frame["activity"]) <= {s.name for s in process.steps}
    # Replayed delays have no start; when every step is one, the frame has no start column.
    starts = frame["start"] if "start" in frame.columns else frame["timestamp"]
    assert (frame["timestamp"] >= starts.fillna(frame["timestamp"])).all()


def test_the_same_seed_gives_the_same_bytes_and_another_seed_does_not():
    first, second, other = mixed_run(), mixed_run(), mixed_run(seed=1)
    assert events(first).to_csv().encode() == events(second).to_csv().encode()
    assert first.to_frame().to_csv().encode() == second.to_frame().to_csv().encode()
    assert first._repr_html_() == second._repr_html_()
    assert events(first).to_csv() != events(other).to_csv()


# -- defaults and assumptions -----------------------------------------------------------------


def test_pools_of_unknown_size_get_the_fewest_clerks_below_80_percent():
    # 30 minutes of work per case on average, a case every 10 minutes: 3 clerks busy, so 4.
    # The loop runs the check twice on average: 2 x 15 minutes at the second pool, so 4 too.
    p = ServiceProcess.from_blocks(
        "Load",
        Step("a", "Register", duration=30 * MINUTE, **STAFF),
        Loop(Step("b", "Check", duration=15 * MINUTE, agency="Police", actor="back_office"),
             probability=0.5),
    )  # fmt: skip
    sim = simulate(p, cases=2000, arrivals=timedelta(minutes=10), replications=2)
    assert sim.capacities == {CLERK: 4, "Police / back_office": 4}
    assert all(0.70 < u.value < 0.80 for u in sim.utilisation.values())
    note = next(a for a in sim.assumptions if a.startswith("staff of pools of unknown size"))
    assert "Registry / back_office: 4" in note


def test_open_hours_raise_the_default_staff():
    p = ServiceProcess.from_blocks("Load", Step("a", "Register", duration=30 * MINUTE, **STAFF))
    calendar = BusinessCalendar(hours=("08:00", "14:00"))  # 6 of 7 days, 6 of 24 hours
    sim = simulate(p, cases=10, arrivals=timedelta(minutes=10), calendar=calendar)
    # 3 clerks' worth of work in 36 of 168 hours: 3 * 168 / 36 / 0.8 = 17.5, so 18.
    assert sim.capacities == {CLERK: 18}


def test_every_default_used_is_an_assumption():
    p = ServiceProcess.from_blocks(
        "Bare",
        Step("a", "Apply", citizen_present=True, agency="Registry", actor="front_office"),
        Xor(Step("b", "Check", **STAFF), None),
    )
    assumptions = "\n".join(simulate(p, cases=20).assumptions)
    for expected in (
        "simulated time starts on Saturday 2024-01-06 00:00 UTC",
        "arrivals: a Poisson process, one case every 01:00:00 on average",
        "2 of 2 branches have no probability; assumed equally likely",
        "citizens travel 00:30:00 to an office and 00:10:00 to a counter office",
        "no calendar: staff and offices work around the clock",
        "staff of pools of unknown size",
        "no duration known: 00:30:00 on average: Apply, Check",
    ):
        assert expected in assumptions


def test_nothing_is_assumed_when_everything_is_given():
    p = ServiceProcess.from_blocks(
        "Given",
        Step("a", "Apply", citizen_present=True, duration=MINUTE, agency="Registry",
             actor="front_office"),
        Xor(Step("b", "Check", duration=MINUTE, **STAFF), None, probabilities=[0.4, 0.6]),
    )  # fmt: skip
    sim = simulate(
        p,
        cases=20,
        arrivals=timedelta(minutes=5),
        resources=2,
        calendar=BusinessCalendar(),
        travel=Travel(),
        distribution="exponential",
        start=datetime(2024, 3, 2, tzinfo=UTC),
    )
    assert sim.assumptions == ()


def test_durations_from_step_statistics_follow_a_fitted_lognormal():
    working = DurationStats(median=60.0, mean=100.0, p90=200.0)
    observed = Step("a", "Review", stats=StepStats(events=10, cases=10, working=working), **STAFF)
    p = ServiceProcess.from_blocks("Fitted", observed)
    sim = simulate(p, cases=20_000, resources=10_000, replications=1)
    frame = events(sim)
    durations = (frame["timestamp"] - frame["start"]).dt.total_seconds()
    assert durations.median() == pytest.approx(60.0, rel=0.03)
    assert durations.mean() == pytest.approx(100.0, rel=0.05)
    assert any("lognormal with the observed median and mean" in a for a in sim.assumptions)


def test_durations_from_step_statistics_are_drawn_from_the_observed_distribution():
    """A step whose observed waits are 1, 2 or 9 minutes, equally likely, and which opened 2
    of its 10 cases (those waited for nothing): a case takes 0 s with probability 0.2, else
    each of the three with 0.8 / 3, so its median is 2 minutes (0.2 + 0.27 < 0.5), its 90th
    percentile 9 minutes and its mean 0.8 times 4 minutes."""
    waiting = DurationStats(120, 240, 540, distribution=[60, 120, 540])
    observed = StepStats(events=10, cases=10, waiting=waiting, opened=2)
    p = ServiceProcess.from_blocks("Drawn", Step("a", "Wait", stats=observed, **STAFF))
    sim = simulate(p, cases=20_000, replications=1)
    assert sim.cycle_time_median.value == timedelta(minutes=2)
    assert sim.cycle_time_p90.value == timedelta(minutes=9)
    assert seconds(sim.cycle_time.value) == pytest.approx(0.8 * 240, rel=0.03)
    assert any(
        "drawn from the observed distribution of elapsed times" in a for a in sim.assumptions
    )


def test_a_block_the_log_interleaves_runs_one_branch_after_another():
    """Steps discovered in a parallel block whose branches the log interleaves have waits
    measured from the previous event of the case, whichever branch: they run one after
    another, 30 + 20 minutes, not as long as the longer branch."""
    waits = [
        StepStats(events=1, cases=1, waiting=DurationStats(m * 60, m * 60, m * 60, [m * 60]))
        for m in (30, 20)
    ]
    for interleaved, minutes in ((True, 50), (False, 30)):
        a, b = (attrs.evolve(w, interleaved=interleaved) for w in waits)
        p = ServiceProcess.from_blocks(
            "Interleaved", And(Step("a", "A", stats=a, **STAFF), Step("b", "B", stats=b, **STAFF))
        )
        sim = simulate(p, cases=50, replications=1)
        assert sim.cycle_time.value == timedelta(minutes=minutes)
        noted = any("interleaves run one branch after another" in x for x in sim.assumptions)
        assert noted is interleaved


# -- logs in ----------------------------------------------------------------------------------


def observed_log() -> pd.DataFrame:
    """Three cases two hours apart; 'Check' has start times, 'Issue' only completions."""
    day = pd.Timestamp("2024-02-03 08:00", tz="UTC")
    rows = []
    for k, (work, resource, gap) in enumerate(
        [(60, "r1", 600), (120, "r2", 1200), (180, "r3", 1800)]
    ):
        arrival = day + pd.Timedelta(hours=2 * k)
        done = arrival + pd.Timedelta(seconds=work)
        rows.append((f"c{k}", "Check", arrival, done, resource))
        rows.append((f"c{k}", "Issue", None, done + pd.Timedelta(seconds=gap), "r9"))
    return pd.DataFrame(rows, columns=["case", "activity", "start", "timestamp", "resource"])


def test_a_log_gives_the_arrival_rate_durations_and_staff():
    p = ServiceProcess.from_blocks(
        "Observed",
        Step("c", "check", **STAFF),  # matched to the log's "Check" after normalisation
        Step("i", "Issue", agency="Registry", actor="front_office"),
    )
    sim = simulate(p, cases=300, log=read_log(observed_log()), replications=2)
    assert sim.capacities == {CLERK: 3}  # r1, r2, r3
    frame = events(sim)
    check = frame[frame["activity"] == "check"]
    assert set((check["timestamp"] - check["start"]).dt.total_seconds()) == {60.0, 120.0, 180.0}
    # 'Issue' has no start times: its elapsed time is replayed as a delay, with no clerk.
    issue = frame[frame["activity"] == "Issue"]
    assert issue["start"].isna().all() and issue["resource"].isna().all()
    assert "Registry / front_office" not in sim.capacities
    assert seconds(sim.working_time.value) == pytest.approx(120.0, rel=0.1)
    assert sim.cycle_time.value > sim.working_time.value + timedelta(minutes=10)
    assumptions = "\n".join(sim.assumptions)
    assert "the log's rate, one case every 02:00:00" in assumptions
    assert "replayed as a delay that holds no clerk: Issue" in assumptions
    assert "simulated time starts" not in assumptions  # the log's first case gives it
    assert frame["timestamp"].min() > pd.Timestamp("2024-02-03 08:00", tz="UTC")


def test_a_log_in_duckdb_is_read_a_chunk_of_cases_at_a_time(monkeypatch):
    """What the simulation takes from a log, gathered over chunks of whole cases (so that a
    log of millions of events is never in memory at once), is what all its events give."""
    import importlib

    module = importlib.import_module("bpr.simulate")
    p = ServiceProcess.from_blocks(
        "Observed",
        Step("c", "check", **STAFF),
        Step("i", "Issue", agency="Registry", actor="front_office"),
    )
    log = read_log(observed_log(), engine="duckdb")
    whole = simulate(p, cases=300, log=log, replications=2)
    monkeypatch.setattr(module, "_LOG_CHUNK", 2)
    assert len(log._case_ranges(2)) == 3  # one case (two events) a chunk
    chunked = simulate(p, cases=300, log=log, replications=2)
    assert chunked.capacities == whole.capacities == {CLERK: 3}
    assert chunked.assumptions == whole.assumptions
    pd.testing.assert_frame_equal(events(chunked), events(whole))


def test_a_log_with_completion_times_only_is_replayed_as_delays():
    frame = observed_log().drop(columns=["start", "resource"])
    p = ServiceProcess.from_blocks(
        "Completions",
        Step("c", "Check", **STAFF),
        Step("i", "Issue", **STAFF),
    )
    sim = simulate(p, cases=200, log=frame, replications=1)
    events_ = events(sim)
    issue = events_[events_["activity"] == "Issue"].set_index("case")["timestamp"]
    check = events_[events_["activity"] == "Check"].set_index("case")["timestamp"]
    gaps = (issue - check.loc[issue.index]).dt.total_seconds().round(3)
    assert set(gaps) == {600.0, 1200.0, 1800.0}
    # 'Check', first in every case, has no elapsed time to replay: the default applies.
    assert sim.capacities == {CLERK: 1}
    assert "no duration known: 00:30:00 on average: Check" in sim.assumptions


def test_log_activities_without_a_step_are_reported():
    p = ServiceProcess.from_blocks("Part", Step("c", "Check", **STAFF))
    sim = simulate(p, cases=10, log=observed_log(), replications=1)
    assert "log activities that match no step are left out: Issue" in sim.assumptions


# -- comparisons ------------------------------------------------------------------------------


def test_compare_uses_common_random_numbers():
    steps = [
        Step("a", "Register", duration=10 * MINUTE, **STAFF),
        Step("b", "Copy the file", duration=20 * MINUTE, **STAFF),
        Step("c", "Issue", duration=5 * MINUTE, **STAFF),
    ]
    as_is = ServiceProcess.from_blocks("As-is", *steps)
    to_be = ServiceProcess.from_blocks("To-be", steps[0], steps[2])
    cmp = compare_simulations(as_is, to_be, cases=300, replications=4, resources=1000,
                              distribution="fixed")  # fmt: skip
    assert isinstance(cmp, SimulationComparison)
    minus = -timedelta(minutes=20)
    assert cmp.differences["cycle_time"] == Estimate(minus, minus, minus)
    assert cmp.differences["travel_time"].value == timedelta(0)
    first = per_case(events(cmp.as_is))["first"]
    assert first.equals(per_case(events(cmp.to_be))["first"])  # the same arrivals
    frame = cmp.to_frame()
    assert list(frame.columns) == ["metric", "as_is", "to_be", "change", "low", "high", "unit"]
    row = frame.set_index("metric").loc["cycle_time"]
    assert (row["as_is"], row["to_be"], row["change"]) == pytest.approx((35 / 60, 15 / 60, -1 / 3))


def test_compare_keeps_random_streams_of_shared_steps_aligned():
    # Exponential durations: the steps both processes have draw the same numbers, case by case.
    steps = [Step(s, s.upper(), duration=30 * MINUTE, **STAFF) for s in "abc"]
    as_is = ServiceProcess.from_blocks("As-is", *steps)
    to_be = ServiceProcess.from_blocks("To-be", steps[0], steps[1])
    cmp = compare_simulations(as_is, to_be, cases=500, replications=5, resources=1000)
    durations = [
        (f := events(sim))
        .assign(took=f["timestamp"] - f["start"])
        .pivot(index="case", columns="activity", values="took")
        for sim in (cmp.as_is, cmp.to_be)
    ]
    pd.testing.assert_frame_equal(durations[0][["A", "B"]], durations[1][["A", "B"]])
    assert not durations[0]["A"].equals(durations[0]["B"])  # streams differ between steps
    change = cmp.differences["cycle_time"]
    assert seconds(change.value) == pytest.approx(-30 * MINUTE, rel=0.1)


def test_compare_keeps_the_as_is_staff_where_pools_are_shared():
    as_is = ServiceProcess.from_blocks(
        "As-is",
        Step("a", "Register", duration=30 * MINUTE, **STAFF),
        Step("b", "Re-enter data", duration=30 * MINUTE, **STAFF),
    )
    to_be = ServiceProcess.from_blocks(
        "To-be",
        Step("a", "Register", duration=30 * MINUTE, **STAFF),
        Step("n", "Notify", duration=MINUTE, agency="Post", actor="back_office"),
    )
    cmp = compare_simulations(as_is, to_be, cases=200, arrivals=timedelta(minutes=10))
    assert cmp.as_is.capacities == {CLERK: 8}  # 6 clerks' worth of work / 0.8
    assert cmp.to_be.capacities == {CLERK: 8, "Post / back_office": 1}
    assert "pools the as-is also has keep its staff" in cmp.to_be.assumptions
    assert cmp.differences["cycle_time"].high < timedelta(0)
    assert "common random numbers" in cmp._repr_html_()


# -- output -----------------------------------------------------------------------------------


def test_to_frame_and_html_show_every_figure_and_assumption():
    sim = mixed_run(cases=100)
    frame = sim.to_frame()
    assert list(frame.columns) == ["metric", "subject", "value", "low", "high", "unit"]
    utilisation = frame[frame["metric"] == "utilisation"]
    assert set(utilisation["subject"]) == {"City / front_office", "City / back_office",
                                           "Police / external_agency"}  # fmt: skip
    assert (utilisation["unit"] == "share").all()
    assert list(frame.loc[frame["metric"] == "step_waiting", "subject"]) == [
        "Apply", "Inquiry police", "Check", "Fix", "Approve", "Reject", "Notify", "Collect"
    ]  # fmt: skip
    cycle = frame.set_index("metric").loc["cycle_time"]
    assert cycle["value"] == pytest.approx(seconds(sim.cycle_time.value) / HOUR)
    page = sim._repr_html_()
    assert "Mixed" in page and "system steps take 1 s: Notify" in page
    assert "Simulation('Mixed', 100 cases x 2 replications" in repr(sim)


def test_one_replication_has_no_confidence_interval():
    p = ServiceProcess.from_blocks("One", Step("a", "A", duration=MINUTE, **STAFF))
    sim = simulate(p, cases=10, replications=1, distribution="fixed", resources=10)
    assert sim.cycle_time == Estimate(timedelta(minutes=1))
    assert str(sim.cycle_time) == "00:01:00"
    two = simulate(p, cases=10, replications=2, distribution="fixed", resources=10)
    assert str(two.cycle_time) == "00:01:00 [00:01:00, 00:01:00]"


# -- errors -----------------------------------------------------------------------------------

SIMPLE = ServiceProcess.from_blocks("Simple", Step("a", "A", **STAFF))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"cases": 0}, "cases must be a positive whole number, got 0"),
        ({"replications": 1.5}, "replications must be a positive whole number"),
        ({"cases": 10**20}, "is more than the 10,000,000 simulated cases any estimate needs"),
        ({"cases": 5_000_001, "replications": 2}, "5,000,001 cases × 2 replications is more"),
        ({"seed": "x"}, "seed must be a whole number"),
        ({"engine": "fast"}, "unknown engine 'fast'"),
        ({"distribution": "normal"}, "unknown distribution 'normal'"),
        ({"resources": 0}, "resources must be a positive whole number"),
        ({"resources": "many"}, "resources must be a whole number"),
        ({"resources": {("Police", "back_office"): 2}}, "names a pool ('Police', 'back_office')"),
        ({"resources": {CLERK: -1}}, "must be a positive whole number, got -1"),
        ({"arrivals": timedelta(0)}, "arrivals must be a positive timedelta"),
        ({"arrivals": "hourly"}, "arrivals must be a timedelta"),
        ({"arrivals": [timedelta(0)], "cases": 2}, "1 arrival times for 2 cases; pass cases=1"),
        ({"arrivals": [datetime(2024, 1, 1)], "cases": 1},
         "an arrival time must be a timezone-aware"),
        ({"start": datetime(2024, 1, 1), "cases": 1}, "start must be a timezone-aware datetime"),
        ({"arrivals": [DEFAULT_START - timedelta(days=1)], "cases": 1, "start": DEFAULT_START},
         "an arrival time comes before start="),
        ({"calendar": "iran"}, "calendar must be a bpr.BusinessCalendar"),
        ({"travel": timedelta(hours=1)}, "travel must be a bpr.Travel"),
    ],
)  # fmt: skip
def test_bad_arguments_are_model_errors_that_say_what_to_do(arguments, message):
    with pytest.raises(ModelError, match=re.escape(message)) as raised:
        simulate(SIMPLE, **arguments)
    assert str(raised.value).startswith("simulate: ")


def test_a_process_is_required():
    with pytest.raises(ModelError, match="simulate\\(\\) takes a ServiceProcess, got str"):
        simulate("process.json")


def test_a_loop_that_never_exits_is_refused():
    p = ServiceProcess.from_blocks("Endless", Step("a", "A"), Loop(Step("b", "B"), probability=1))
    with pytest.raises(ModelError, match="a loop never exits"):
        simulate(p, cases=5)


def test_a_parallel_join_after_an_exclusive_split_is_refused():
    p = ServiceProcess(
        "Deadlock",
        nodes=[Event("s", "start"), Gateway("x", "exclusive"), Step("a", "A"), Step("b", "B"),
               Gateway("j", "parallel"), Event("e", "end")],
        flows=[Flow("s", "x"), Flow("x", "a"), Flow("x", "b"), Flow("a", "j"), Flow("b", "j"),
               Flow("j", "e")],
    )  # fmt: skip
    with pytest.raises(ModelError, match="5 simulated cases never finish"):
        simulate(p, cases=5, replications=1)


def test_two_start_events_are_refused():
    p = ServiceProcess(
        "Two starts",
        nodes=[Event("s1", "start"), Event("s2", "start"), Gateway("x", "exclusive"),
               Step("a", "A"), Event("e", "end")],
        flows=[Flow("s1", "x"), Flow("s2", "x"), Flow("x", "a"), Flow("a", "e")],
    )  # fmt: skip
    with pytest.raises(ModelError, match="has 2 start events; simulate needs exactly one"):
        simulate(p, cases=5)


def test_compare_rejects_an_unknown_argument():
    with pytest.raises(ModelError, match="compare_simulations: .*'speed'"):
        compare_simulations(SIMPLE, SIMPLE, speed=2)


def test_the_callers_process_and_log_are_not_changed():
    frame = observed_log()
    before = frame.copy()
    p = ServiceProcess.from_blocks("Observed", Step("c", "Check", **STAFF))
    same = ServiceProcess.from_blocks("Observed", Step("c", "Check", **STAFF))
    simulate(p, cases=10, log=frame, replications=1)
    pd.testing.assert_frame_equal(frame, before)
    assert p == same


# -- discovered, simulated, rediscovered ------------------------------------------------------


def expected_executions(process: ServiceProcess) -> dict[str, float]:
    """Executions per case of every step implied by the model's branch probabilities."""
    from bpr.simulate import _Notes, _Plan

    plan = _Plan(process, _Notes())
    visits = plan.visits(process.name)
    return {n.name: visits[i] for i, n in enumerate(plan.nodes) if isinstance(n, Step)}


def test_simulating_a_discovered_model_and_discovering_again_keeps_steps_and_frequencies(
    data_dir,
):
    from bpr.discover import discover

    log = read_log(data_dir / "logs" / "receipt.xes.gz")
    model = discover(log)
    n = 20_000
    sim = simulate(model, cases=n, replications=1)
    again = discover(sim.log)
    assert sorted(s.name for s in again.steps) == sorted(s.name for s in model.steps)
    # The branch probabilities of each model, as the executions per case of every step they
    # imply (the two models need not have the same gateways): within 3 %, or 0.005 for rare
    # steps, whose standard error at 20,000 cases is about 0.001.
    before, after = expected_executions(model), expected_executions(again)
    for name, expected in before.items():
        assert expected == pytest.approx(model.step_by_name(name).stats.events / log.n_cases)
        assert after[name] == pytest.approx(expected, rel=0.03, abs=0.005), name
        assert again.step_by_name(name).stats.events / n == pytest.approx(after[name])


def test_a_run_in_which_no_case_meets_a_step_has_an_empty_events_table():
    skip_all = ServiceProcess.from_blocks("Skip", Xor(Step("a", "A"), None, probabilities=[0, 1]))
    sim = simulate(skip_all, cases=5, replications=1)
    assert list(sim._events.columns) == ["case", "activity", "timestamp"]
    assert len(sim._events) == 0
    assert sim.cycle_time.value == timedelta(0)
