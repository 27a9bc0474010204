"""Length of a process model: every metric against values computed by hand.

Conventions used in the arithmetic below (docs/metrics.md): a visit costs 1 h travel + 30 min
queue and a document 2 h to obtain (the defaults); a citizen-facing step takes at least one
day in the Doing Business count (half a day online); parallel branches are read one after
another in model order for the counts, and the longest branch sets the time.
"""

from __future__ import annotations

import importlib.util
import math
from datetime import timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings

from bpr import (
    And,
    BprError,
    DurationStats,
    Event,
    Flow,
    Gateway,
    Length,
    Loop,
    ModelError,
    ServiceProcess,
    Step,
    StepStats,
    Xor,
    measure,
)
from bpr._measure_model import measure_stretch
from bpr.examples import vehicle_transfer
from bpr.measure import METRICS

from .strategies import processes

MIN = timedelta(minutes=1)
DAY_MIN = 1440  # minutes in a day
VISIT = 90  # minutes of burden per visit: 60 travel + 30 queue
DOC = 120  # minutes of burden per document


def assert_length(length: Length, **expected: object) -> None:
    """Every metric is given, and equal (floats to 1e-9, times to the microsecond)."""
    unknown = ("cycle_time_business", "cycle_time_business_mean", "burden_cost", "cases")
    given = set(expected) | set(unknown)
    assert given == set(METRICS), f"missing: {set(METRICS) - given}"
    for name in unknown:  # a model has no clock and no cases; no tariff was given
        assert getattr(length, name) is None, name
    for name, want in expected.items():
        got = getattr(length, name)
        if want is None or (isinstance(want, int) and not isinstance(want, bool)):
            assert got == want, (name, got, want)
        elif isinstance(want, timedelta):
            assert got is not None and abs(got - want) <= timedelta(microseconds=1), (name, got)
        else:
            assert got == pytest.approx(want, rel=1e-9, abs=1e-12), (name, got, want)


def _step(sid: str, name: str, minutes: float, **fields: object) -> Step:
    """A step of a hand-written model: documents not listed are known to be none."""
    known = {"documents_in": (), "documents_out": ()}
    return Step(sid, name, duration=timedelta(minutes=minutes), **(known | fields))


OFFICE = {"channel": "in_person", "citizen_present": True}


# -- 1. a sequence ---------------------------------------------------------------------------


def test_sequence():
    p = ServiceProcess.from_blocks(
        "Birth certificate",
        _step("a", "Submit at the registry", 20, kind="submit", actor="front_office",
              agency="Registry", **OFFICE, documents_in="ID card; hospital letter",
              documents_out="receipt"),
        _step("b", "Pay online", 5, kind="pay", actor="citizen", agency="Bank", channel="web",
              documents_in="receipt"),
        _step("c", "Ask the hospital", 30, kind="inquiry", actor="back_office",
              agency="Registry", channel="internal"),
        _step("d", "Collect the certificate", 10, kind="issue", actor="front_office",
              agency="Registry", **OFFICE, documents_in="ID card"),
    )  # fmt: skip
    assert_length(
        measure(p),
        steps=4.0,
        steps_min=4,
        steps_max=4,
        # a is a trip; b and c are not at an office; d is a new trip (c broke the run)
        visits=2.0,
        # (Registry, front) -> (Bank, citizen) -> (Registry, back) -> (Registry, front)
        handoffs=3.0,
        agencies=2.0,  # Registry, Bank
        # ID card and hospital letter at a; b's receipt was made by a; d's ID card is known
        documents=2.0,
        inquiries=1.0,
        paper_inquiries=0.0,  # the hospital is asked by the back office
        rework=0.0,
        procedures=3.0,  # a (office), b (web), d (office)
        cycle_time=65 * MIN,  # 20 + 5 + 30 + 10
        cycle_time_mean=65 * MIN,
        cycle_time_p90=65 * MIN,
        working_time=65 * MIN,
        waiting_share=0.0,
        days=2.5 + 30 / DAY_MIN,  # a 1 day, b 0.5 (online), c 30 min, d 1 day
        burden=(2 * VISIT + 2 * DOC) * MIN,  # 180 + 240 = 420 min
        variants=1,
    )


# -- 2. an exclusive choice with probabilities ---------------------------------------------------


def test_exclusive_choice_with_probabilities():
    p = ServiceProcess.from_blocks(
        "Building permit",
        _step("a", "Apply online", 10, kind="submit", actor="citizen", agency="City",
              channel="web"),
        Xor(
            _step("b", "Show the deed at the office", 30, kind="verify", actor="front_office",
                  agency="City", **OFFICE, documents_in="deed"),
            [
                _step("c", "Fetch the land certificate", 60, kind="inquiry",
                      actor="front_office", agency="Land Registry", **OFFICE,
                      documents_in="deed", documents_out="land certificate"),
                _step("d", "Hand in the land certificate", 20, kind="submit",
                      actor="front_office", agency="City", **OFFICE,
                      documents_in="land certificate"),
            ],
            None,
            probabilities=[0.5, 0.3, 0.2],
        ),
        _step("e", "Decide", 15, kind="decide", actor="back_office", agency="City",
              channel="internal"),
    )  # fmt: skip
    # Paths: a b e (0.5), a c d e (0.3), a e (0.2).
    assert_length(
        measure(p),
        steps=3.1,  # 0.5*3 + 0.3*4 + 0.2*2 = 1.5 + 1.2 + 0.4
        steps_min=2,
        steps_max=4,
        visits=1.1,  # 0.5*1 + 0.3*2 (c then d: another agency, another trip) + 0.2*0
        handoffs=2.1,  # 0.5*2 + 0.3*3 + 0.2*1 = 1.0 + 0.9 + 0.2
        agencies=1.3,  # 0.5*1 + 0.3*2 + 0.2*1
        documents=0.8,  # the deed on the first two paths: 0.5 + 0.3 (d's certificate is c's)
        inquiries=0.3,
        paper_inquiries=0.3,  # c is carried by the citizen in person
        rework=0.0,
        procedures=2.1,  # 0.5*2 + 0.3*3 + 0.2*1
        # durations 55 (0.5), 105 (0.3), 25 (0.2): cumulative 25 -> 0.2, 55 -> 0.7, 105 -> 1
        cycle_time=55 * MIN,
        cycle_time_mean=64 * MIN,  # 0.5*55 + 0.3*105 + 0.2*25 = 27.5 + 31.5 + 5
        cycle_time_p90=105 * MIN,
        working_time=64 * MIN,
        waiting_share=0.0,
        # days per path: 0.5+1 d +15 min; 0.5+1+1 d +15 min; 0.5 d +15 min
        # 0.5*1.5 + 0.3*2.5 + 0.2*0.5 = 0.75 + 0.75 + 0.1 = 1.6 days, plus 15 min on every path
        days=1.6 + 15 / DAY_MIN,
        burden=(1.1 * VISIT + 0.8 * DOC) * MIN,  # 99 + 96 = 195 min
        variants=3,
    )


def test_choice_without_probabilities_is_uniform_and_said_so():
    p = ServiceProcess.from_blocks(
        "Choice", Xor(Step("a", "A"), Step("b", "B"), [Step("c", "C"), Step("d", "D")])
    )
    length = measure(p)
    assert length.steps == pytest.approx(4 / 3)  # (1 + 1 + 2) / 3
    assert any("equally likely (0.3333 each)" in a for a in length.assumptions)
    assert length.cycle_time is None  # no step has a duration
    assert any("cycle time unknown: 4 steps" in a for a in length.assumptions)


def test_probabilities_from_frequencies_when_none_given():
    nodes = [
        Event("start", "start"),
        Gateway("x", "exclusive"),
        Step("a", "A", agency="P"),
        Step("b", "B", agency="Q"),
        Gateway("j", "exclusive"),
        Event("end", "end"),
    ]
    flows = [
        Flow("start", "x"),
        Flow("x", "a", frequency=30),
        Flow("x", "b", frequency=10),
        Flow("a", "j"),
        Flow("b", "j"),
        Flow("j", "end"),
    ]
    length = measure(ServiceProcess("Observed", nodes=nodes, flows=flows))
    assert length.agencies == pytest.approx(1.0)
    assert length.steps == pytest.approx(1.0)
    assert any("observed flow frequencies" in a for a in length.assumptions)


# -- 3. a parallel block ------------------------------------------------------------------------


def test_parallel_block():
    p = ServiceProcess.from_blocks(
        "Passport",
        _step("a", "Submit at the counter office", 15, kind="submit", actor="counter_office",
              agency="Counter office", channel="counter_office", citizen_present=True,
              documents_in="ID card; photo"),
        And(
            _step("b", "Police inquiry", 120, kind="inquiry", actor="external_agency",
                  agency="Police", channel="system"),
            [
                _step("c", "Health inquiry", 60, kind="inquiry", actor="external_agency",
                      agency="Health", channel="system"),
                _step("d", "Health follow-up", 90, kind="verify", actor="back_office",
                      agency="Health", channel="internal"),
            ],
        ),
        _step("e", "Issue the passport", 30, kind="issue", actor="back_office",
              agency="Passport Office", channel="internal", documents_out="passport"),
        _step("f", "Collect at the counter office", 10, kind="issue", actor="counter_office",
              agency="Counter office", channel="counter_office", citizen_present=True,
              documents_in="ID card"),
    )  # fmt: skip
    # Counts read the branches one after another: a b c d e f.
    assert_length(
        measure(p),
        steps=6.0,
        steps_min=6,
        steps_max=6,
        visits=2.0,  # a, and f (e before it is not at an office)
        handoffs=5.0,  # a|b, b|c (Police -> Health), c|d (external -> back), d|e, e|f
        agencies=4.0,  # Counter office, Police, Health, Passport Office
        documents=2.0,  # ID card, photo
        inquiries=2.0,
        paper_inquiries=0.0,
        rework=0.0,
        procedures=2.0,  # a, f
        cycle_time=205 * MIN,  # 15 + max(120, 60 + 90) + 30 + 10
        cycle_time_mean=205 * MIN,
        cycle_time_p90=205 * MIN,
        working_time=205 * MIN,
        waiting_share=0.0,
        days=2 + 180 / DAY_MIN,  # a 1 day + max(120, 150) min + 30 min + f 1 day
        burden=(2 * VISIT + 2 * DOC) * MIN,
        variants=1,
    )


def test_parallel_time_is_the_expected_maximum_not_the_maximum_of_expectations():
    p = ServiceProcess.from_blocks(
        "Race",
        And(
            _step("a", "A", 120),
            Xor(_step("b", "B", 150), _step("c", "C", 30), probabilities=[0.5, 0.5]),
        ),
    )
    length = measure(p)
    # max(120, 150) = 150 or max(120, 30) = 120, each with 0.5: 135 (not max(120, 90) = 120)
    assert length.cycle_time_mean == 135 * MIN
    assert length.cycle_time_p90 == 150 * MIN
    assert length.cycle_time == 120 * MIN  # P(120) = 0.5 reaches the median


# -- 4. a loop ----------------------------------------------------------------------------------


def test_loop_with_probability():
    p = ServiceProcess.from_blocks(
        "Correction loop",
        _step("s", "Submit the form", 10, kind="submit", actor="front_office", agency="X",
              **OFFICE, documents_in="form"),
        Loop(
            _step("a", "Check", 20, kind="verify", actor="back_office", agency="X",
                  channel="internal"),
            redo=_step("b", "Ask for a correction", 10, kind="notify", actor="front_office",
                       agency="X", channel="mail"),
            probability=0.4,
        ),
    )  # fmt: skip
    # K redo passes, P(K = k) = 0.4^k * 0.6, E[K] = 0.4 / 0.6 = 2/3.
    k = 0.4 / 0.6
    assert_length(
        measure(p),
        steps=1 + (1 + k) + k,  # s, a 1/(1 - p) = 5/3 times, b 2/3 times: 10/3
        steps_min=2,
        steps_max=None,
        visits=1.0,
        handoffs=1 + 2 * k,  # s|a, then a|b and b|a on each pass: 7/3
        agencies=1.0,
        documents=1.0,
        inquiries=0.0,
        paper_inquiries=0.0,
        # a: 5/3 - 1 = 2/3; b: E[K] - P(K >= 1) = 2/3 - 0.4 = 4/15; together 14/15
        rework=k + (k - 0.4),
        procedures=1.0,  # s only: b is mail from the office
        cycle_time=30 * MIN,  # 10 + 20 when K = 0, P = 0.6 >= 0.5
        cycle_time_mean=(30 + 30 * k) * MIN,  # 30 + 30 E[K] = 50 min
        cycle_time_p90=90 * MIN,  # P(K <= 1) = 0.84, P(K <= 2) = 0.936: 30 + 2 * 30
        working_time=50 * MIN,
        waiting_share=0.0,
        days=1 + (20 + 30 * k) / DAY_MIN,  # s 1 day, then 20 + 30 E[K] = 40 min
        burden=(VISIT + DOC) * MIN,  # 210 min
        variants=None,
    )


def test_rework_counts_steps_with_one_label_as_one_activity():
    p = ServiceProcess.from_blocks(
        "Twice",
        Step("a", "Check documents"),
        Step("b", "Pay"),
        Xor(Step("c", "check  DOCUMENTS"), None, probabilities=[0.5, 0.5]),
    )
    length = measure(p)
    assert length.steps == pytest.approx(2.5)
    # 2.5 executions - P(check runs) 1 - P(pay runs) 1: the second check, half the time
    assert length.rework == pytest.approx(0.5)


@pytest.mark.parametrize("p", [0.05, 0.2, 0.5, 0.9])
def test_loop_expected_steps_closed_form(p):
    process = ServiceProcess.from_blocks(
        "Loop", Loop(_step("a", "A", 10, agency="X"), probability=p)
    )
    length = measure(process)
    assert length.steps == pytest.approx(1 / (1 - p), rel=1e-9)
    assert length.rework == pytest.approx(1 / (1 - p) - 1, rel=1e-9)
    # the time distribution is cut at 1e-12 of probability mass: mean 10 / (1 - p) minutes
    assert length.cycle_time_mean.total_seconds() == pytest.approx(600 / (1 - p), rel=1e-9)
    # median: the smallest n with 1 - p^n >= 0.5
    assert length.cycle_time == math.ceil(math.log(0.5) / math.log(p)) * 10 * MIN


def test_long_loop_quantiles_are_exact_when_durations_share_a_unit():
    # p = 0.99: a loop gone round thousands of times. Every duration is a whole number of 10
    # minutes, so the distribution is computed on points 10 minutes apart and its quantiles
    # are exact; the geometric series of the loop costs nothing more than one pass.
    p = 0.99
    length = measure(ServiceProcess.from_blocks("Loop", Loop(_step("a", "A", 10), probability=p)))
    assert length.steps == pytest.approx(100.0, rel=1e-9)
    assert length.cycle_time_mean.total_seconds() == pytest.approx(600 / (1 - p), rel=1e-9)
    assert not any("grid" in a for a in length.assumptions)
    for got, q in ((length.cycle_time, 0.5), (length.cycle_time_p90, 0.9)):
        assert got == math.ceil(math.log(1 - q) / math.log(p)) * 10 * MIN  # 690 and 2,300 min


def test_quantiles_without_a_common_unit_are_close_and_say_so():
    """Durations of 10 minutes and 1 second share only a second as unit, too fine for a grid
    that reaches the quantiles: they are read on a grid of GRID points and the assumptions say
    so. Each duration is split between the two points around it, which keeps every mean but
    spreads a sum of n durations by about a point times the square root of n: here, 70 rounds
    of the loop at 7 s a point, 30 s in 41,401 s."""
    p = ServiceProcess.from_blocks(
        "Fine",
        Step("b", "Stamp", duration=timedelta(seconds=1)),
        Loop(_step("a", "A", 10), probability=0.99),
    )
    length = measure(p)
    assert length.cycle_time_mean.total_seconds() == pytest.approx(1 + 600 / 0.01, rel=1e-9)
    assert any("grid" in a for a in length.assumptions)
    for got, q in ((length.cycle_time, 0.5), (length.cycle_time_p90, 0.9)):
        exact = math.ceil(math.log(1 - q) / math.log(0.99)) * 600 + 1
        assert got.total_seconds() == pytest.approx(exact, rel=1e-3)


def test_quantiles_of_a_heavy_tailed_duration_keep_their_precision():
    """One case in a hundred waits 100 days, then a 10-minute step is repeated (0.99 to go
    round again): values from minutes to months. 99 % of cases never wait, so the median is the
    smallest n with 0.99 (1 - 0.99^n) >= 0.5 (n = 70) times 10 minutes, and the p90 the one for
    0.9 (n = 239)."""
    p = ServiceProcess.from_blocks(
        "Heavy tail",
        Xor(_step("b", "Wait for the archive", 100 * 24 * 60), None, probabilities=[0.01, 0.99]),
        Loop(_step("a", "A", 10), probability=0.99),
    )
    length = measure(p)
    assert length.cycle_time_mean.total_seconds() == pytest.approx(
        600 / 0.01 + 0.01 * 100 * 86400, rel=1e-9
    )
    for got, n in ((length.cycle_time, 70), (length.cycle_time_p90, 239)):
        assert abs(got - n * 10 * MIN) <= 0.03 * n * 10 * MIN


def test_loop_that_never_ends_is_refused():
    p = ServiceProcess.from_blocks("Endless", Loop(Step("a", "A"), probability=1.0))
    with pytest.raises(ModelError, match="can loop forever"):
        measure(p)


# -- 5. visits split by agency ------------------------------------------------------------------


def test_visits_split_by_agency():
    police = {"actor": "front_office", "agency": "Police", "kind": "submit", **OFFICE}
    p = ServiceProcess.from_blocks(
        "Visits",
        _step("a", "Police counter", 10, **police),
        _step("b", "Police photo", 5, **police),
        _step("c", "Pay at the bank", 10, actor="citizen", agency="Bank", kind="pay", **OFFICE),
        _step("d", "Hand in at the police", 5, **police),
        _step("e", "Police back office", 30, actor="back_office", agency="Police",
              channel="internal", kind="verify"),
        _step("f", "Collect at the police", 5, **police),
    )  # fmt: skip
    assert_length(
        measure(p),
        steps=6.0,
        steps_min=6,
        steps_max=6,
        visits=4.0,  # a+b one trip; c (bank); d (police again); f (e broke the run)
        handoffs=4.0,  # b|c, c|d, d|e, e|f (a|b: same agency and actor)
        agencies=2.0,
        documents=0.0,
        inquiries=0.0,
        paper_inquiries=0.0,
        rework=0.0,
        procedures=5.0,  # all but e
        cycle_time=65 * MIN,
        cycle_time_mean=65 * MIN,
        cycle_time_p90=65 * MIN,
        working_time=65 * MIN,
        waiting_share=0.0,
        days=5 + 30 / DAY_MIN,
        burden=4 * VISIT * MIN,
        variants=1,
    )


# -- the bundled example service ----------------------------------------------------------------


def test_vehicle_transfer():
    # 17 steps; the loop "check documents" (s07) and "ask for missing documents" (s08) goes
    # back with probability 0.2: s07 runs 1 / 0.8 = 1.25 times and s08 0.2 / 0.8 = 0.25 times.
    loops = 0.2 / 0.8
    assert_length(
        measure(vehicle_transfer()),
        steps=15 + 1.25 + 0.25,
        steps_min=16,
        steps_max=None,
        # police, bank, municipality, tax office, inspection, notary, police: each a new agency
        visits=7.0,
        # s01|s02|s03|s04|s05|s06 (5), s11|s12|s13|s14 (3), s15|s16|s17 (2) = 10, plus
        # s07|s08 and s08|s07 (back office <-> front office) on each loop: 2 * 0.25
        handoffs=10 + 2 * loops,
        agencies=7.0,
        # at s01: national ID card, ownership card, title deed; everything later is made by
        # an earlier step or needed again
        documents=3.0,
        inquiries=3.0,  # toll, tax, insurance
        paper_inquiries=2.0,  # toll and tax clearances are fetched in person
        # s07: 1.25 - 1; s08: 0.25 - P(reached) = 0.25 - 0.2
        rework=0.25 + 0.05,
        procedures=7.0,
        # fixed: 15+10+20+20 + max(30, 5) + 30+10+10+40+10+15+10+5+10 = 235 min; each check
        # 15 min, each return 10 + 15 min: 250 min with no return (P 0.8), 275 with one
        # (P 0.16, cumulative 0.96); mean 250 + 25 * 0.25 = 256.25 min
        cycle_time=250 * MIN,
        cycle_time_mean=256.25 * MIN,
        cycle_time_p90=275 * MIN,
        working_time=256.25 * MIN,
        waiting_share=0.0,
        # seven office steps at one day each (the inspection outlasts the 5-min insurance
        # inquiry beside it); the rest: 15 * 1.25 + 10 * 0.25 + 30+10+10+15+10+5+10 = 111.25 min
        days=7 + 111.25 / DAY_MIN,
        burden=(7 * VISIT + 3 * DOC) * MIN,  # 630 + 360 = 990 min
        variants=None,
    )


# -- times from observed statistics -------------------------------------------------------------


def _stats(waiting: float, working: float | None) -> StepStats:
    def d(minutes: float) -> DurationStats:
        return DurationStats(minutes * 60, minutes * 60, minutes * 60)

    return StepStats(
        events=10, cases=10, waiting=d(waiting), working=None if working is None else d(working)
    )


def test_times_from_observed_step_statistics():
    p = ServiceProcess.from_blocks(
        "Observed",
        Step("a", "A", stats=_stats(waiting=50, working=10)),
        Step("b", "B", stats=_stats(waiting=40, working=20)),
    )
    length = measure(p)
    assert length.cycle_time_mean == 120 * MIN  # (50 + 10) + (40 + 20)
    assert length.working_time == 30 * MIN
    assert length.waiting_share == pytest.approx(0.75)  # 1 - 30 / 120


def test_unknown_working_time_leaves_waiting_share_unknown():
    p = ServiceProcess.from_blocks("Observed", Step("a", "A", stats=_stats(50, None)))
    length = measure(p)
    assert length.cycle_time_mean == 50 * MIN
    assert length.working_time is None and length.waiting_share is None
    assert any("working time unknown" in a for a in length.assumptions)


def _waits(*minutes: float, opened: int = 0) -> StepStats:
    """Observed waiting times, as equal parts of a distribution; ``opened`` of the 10 events
    opened their case and waited for nothing."""
    mean = sum(minutes) / len(minutes) * 60
    waiting = DurationStats(0, mean, 0, distribution=[m * 60 for m in minutes])
    return StepStats(events=10, cases=10, waiting=waiting, opened=opened)


def test_observed_distributions_give_the_quantiles():
    """A wait of 1, 1, 10 or 50 minutes, equally likely (the mean alone would say 15.5), then
    one of 2 or 4: the cycle time is each sum with probability 1/8."""
    p = ServiceProcess.from_blocks(
        "Spread", Step("a", "A", stats=_waits(1, 1, 10, 50)), Step("b", "B", stats=_waits(2, 4))
    )
    length = measure(p)
    assert length.cycle_time_mean == (15.5 + 3) * MIN
    # sums: 3, 5, 3, 5, 12, 14, 52, 54; half of them by 5 minutes, 90 % by 54
    assert length.cycle_time == 5 * MIN
    assert length.cycle_time_p90 == 54 * MIN


def test_cases_a_step_opened_waited_for_nothing():
    """Of A's 10 events 4 opened their case: only the other 6 waited (the observed waits are
    theirs), so a run of A waits 0.6 times their mean."""
    p = ServiceProcess.from_blocks("Opened", Step("a", "A", stats=_waits(10, 30, opened=4)))
    length = measure(p)
    assert length.cycle_time_mean == 0.6 * 20 * MIN
    assert length.cycle_time == 10 * MIN  # P(0) = 0.4, P(<= 10 min) = 0.4 + 0.3 = 0.7


def _interleaved(stats: StepStats) -> StepStats:
    return attrs.evolve(stats, interleaved=True)


def test_a_block_the_log_interleaves_takes_all_its_steps_one_after_another():
    """Waits measured from the case's previous event, whichever branch, add up: the block of
    two 30-minute waits and a 20-minute one takes 80 minutes, as in the log. The same block
    in a model (no step marked) takes its longest branch; a step timed by hand inside a block
    the log interleaves (one a redesign merged or made there) leaves the block as it runs."""

    def block(a: StepStats, b: StepStats, c: Step) -> ServiceProcess:
        return ServiceProcess.from_blocks(
            "Block", And(Step("a", "A", stats=a), [Step("b", "B", stats=b), c])
        )

    waits = _waits(30)
    logged = block(
        _interleaved(waits), _interleaved(waits), Step("c", "C", stats=_interleaved(_waits(20)))
    )
    assert measure(logged).cycle_time_mean == 80 * MIN
    assert measure(logged).cycle_time == 80 * MIN
    modelled = block(waits, waits, Step("c", "C", stats=_waits(20)))
    assert measure(modelled).cycle_time_mean == 50 * MIN
    by_hand = block(_interleaved(waits), _interleaved(waits), Step("c", "C", duration=20 * 60))
    assert measure(by_hand).cycle_time_mean == 80 * MIN
    hand_made = block(waits, waits, Step("c", "C", duration=20 * 60))
    assert measure(hand_made).cycle_time_mean == 50 * MIN


def test_the_longest_branch_of_two_spread_branches():
    """Two branches of 10 or 30 minutes each, equally likely: the longer is 10 minutes with
    probability 1/4, else 30 (mean 25)."""
    p = ServiceProcess.from_blocks(
        "Two", And(Step("a", "A", stats=_waits(10, 30)), Step("b", "B", stats=_waits(10, 30)))
    )
    length = measure(p)
    assert length.cycle_time_mean == 25 * MIN
    assert length.cycle_time == 30 * MIN
    stretch = measure_stretch(p, None, None)
    assert stretch.seconds == pytest.approx(25 * 60)


# -- paths -------------------------------------------------------------------------------------


def test_variants_multiply_over_sequential_choices():
    p = ServiceProcess.from_blocks(
        "Paths",
        Xor(Step("a", "A"), Step("b", "B")),
        Xor(Step("c", "C"), None, probabilities=[1.0, 0.0]),
        Xor(Step("d", "D"), [Step("e", "E"), Step("f", "F")]),
    )
    length = measure(p)
    assert length.variants == 4  # 2 * 1 (the skip has probability 0) * 2
    assert (length.steps_min, length.steps_max) == (3, 4)
    assert length.steps == pytest.approx(1 + 1 + 1.5)


def test_a_process_without_steps():
    p = ServiceProcess(
        "Empty", nodes=[Event("s", "start"), Event("e", "end")], flows=[Flow("s", "e")]
    )
    length = measure(p)
    assert (length.steps, length.visits, length.variants) == (0.0, 0.0, 1)
    assert length.cycle_time == timedelta(0) and length.waiting_share is None


def test_annotations_type_the_model_before_measuring():
    p = ServiceProcess.from_blocks("Plain", Step("a", "Apply"), Step("b", "Collect"))
    plain = measure(p)
    # Nothing typed: unknown, never 0, and the length says what is missing for which steps.
    assert (plain.visits, plain.agencies, plain.procedures, plain.burden) == (None,) * 4
    assert plain.unknown["visits"].fields == ("citizen_present",)
    assert plain.unknown["agencies"].steps == ("Apply", "Collect")
    assert plain.unknown["burden"].of == 2
    typed = measure(
        p,
        annotations={
            "Apply": {"citizen_present": True, "agency": "City"},
            "Collect": {"citizen_present": True, "agency": "Post"},
        },
    )
    assert (typed.visits, typed.agencies, typed.procedures) == (2.0, 2.0, 2.0)
    assert "visits" not in typed.unknown and "agencies" not in typed.unknown
    assert typed.documents is None  # the documents the citizen brings are still unknown


# -- bad input ---------------------------------------------------------------------------------


def test_unstructured_parallelism_is_refused():
    # A parallel split whose branches meet at an exclusive join: no parallel join closes it.
    nodes = [
        Event("start", "start"),
        Gateway("split", "parallel"),
        Step("a", "A"),
        Step("b", "B"),
        Gateway("join", "exclusive"),
        Event("end", "end"),
    ]
    flows = [
        Flow("start", "split"),
        Flow("split", "a"),
        Flow("split", "b"),
        Flow("a", "join"),
        Flow("b", "join"),
        Flow("join", "end"),
    ]
    with pytest.raises(ModelError, match="parallel split 'split'"):
        measure(ServiceProcess("Unstructured", nodes=nodes, flows=flows))


def test_parallel_join_without_split_is_refused():
    nodes = [
        Event("start", "start"),
        Gateway("x", "exclusive"),
        Step("a", "A"),
        Step("b", "B"),
        Gateway("join", "parallel"),
        Event("end", "end"),
    ]
    flows = [
        Flow("start", "x"),
        Flow("x", "a"),
        Flow("x", "b"),
        Flow("a", "join"),
        Flow("b", "join"),
        Flow("join", "end"),
    ]
    with pytest.raises(ModelError, match="parallel join 'join' closes no parallel split"):
        measure(ServiceProcess("Deadlock", nodes=nodes, flows=flows))


def test_bad_arguments():
    p = ServiceProcess.from_blocks("One", Step("a", "A"))
    with pytest.raises(BprError, match="takes a ServiceProcess or an EventLog, got list"):
        measure([1, 2])
    with pytest.raises(BprError, match="travel must be a non-negative datetime.timedelta"):
        measure(p, travel=60)
    with pytest.raises(BprError, match="a model has no cases"):
        measure(p, by="agency")


# -- the result object -------------------------------------------------------------------------


def test_to_frame_compare_and_html():
    as_is, to_be = (
        measure(vehicle_transfer()),
        measure(
            ServiceProcess.from_blocks(
                "To be", _step("a", "Apply online", 10, channel="web", actor="citizen")
            )
        ),
    )
    frame = as_is.to_frame()
    assert list(frame.index) == list(METRICS)
    assert frame.loc["visits", "value"] == 7.0
    table = as_is.compare(to_be)
    assert list(table.columns) == ["this", "other", "change", "relative"]
    assert table.loc["visits"].tolist() == [7.0, 0.0, -7.0, -1.0]
    assert table.loc["cycle_time_mean", "change"] == 10 * MIN - 256.25 * MIN
    assert table.loc["steps_max", "change"] is None  # unbounded as-is
    page = as_is._repr_html_()
    assert "Length of Vehicle ownership transfer (model)" in page
    assert "<th style='text-align:left'>visits</th><td style='text-align:right'>7.00</td>" in page
    assert "4:16:15" in page  # the mean cycle time, to the second
    with pytest.raises(BprError, match="needs another Length"):
        as_is.compare(frame)


def test_measure_does_not_change_the_process():
    p = vehicle_transfer()
    before = (p.nodes, p.flows)
    measure(p)
    assert (p.nodes, p.flows) == before


def test_metrics_page_is_up_to_date():
    # docs/_gen_metrics.py recomputes the worked example's arithmetic, checks it against
    # measure() and renders the tables; the page must be what it renders.
    path = Path(__file__).parents[1] / "docs" / "_gen_metrics.py"
    spec = importlib.util.spec_from_file_location("_gen_metrics", path)
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    page = generator.PAGE.read_text(encoding="utf-8")
    assert generator.render(page) == page
    assert "| `visits` | 7 | 5 | −2 |" in page


def test_a_parallel_branch_is_timed_from_its_entry_whatever_the_node_order():
    # A branch that runs its step one time in ten, beside one that always takes 30 minutes:
    # the block takes 60 min in 10 % of cases and 30 min otherwise, 33 min on average,
    # however the nodes happen to be listed (here the step before the gateways).
    built = ServiceProcess.from_blocks(
        "Order",
        And(Xor(_step("b", "Rare check", 60), None, probabilities=[0.1, 0.9]),
            _step("c", "Usual check", 30)),
    )  # fmt: skip
    steps_first = sorted(built.nodes, key=lambda n: not isinstance(n, Step))
    reordered = ServiceProcess("Order", nodes=steps_first, flows=built.flows)
    for process in (built, reordered):
        assert measure(process).cycle_time_mean == 33 * MIN


# -- large models: the sparse chain (issue 16) ----------------------------------------------


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(processes(max_depth=3))
def test_the_sparse_chain_of_large_models_measures_as_the_dense_one(monkeypatch, process):
    """Models beyond a few hundred steps are measured on sparse matrices; forcing them on a
    random small model gives what the dense arrays (checked by hand above) give."""
    import bpr._measure_model as measured

    # A branch taken with probability 1e-296 may round to "never" on one path and not on the
    # other, which changes whether its steps' unknown fields count.
    assume(all(f.probability is None or not 0 < f.probability < 1e-9 for f in process.flows))

    try:
        dense = measure(process)
    except ModelError:
        return
    with monkeypatch.context() as patch:
        patch.setattr(measured, "_DENSE", 0)
        sparse = measure(process)
    for metric in METRICS:
        want, got = getattr(dense, metric), getattr(sparse, metric)
        if isinstance(want, float):
            assert got == pytest.approx(want, rel=1e-9, abs=1e-9), metric
        elif isinstance(want, timedelta):
            assert abs(got - want) <= timedelta(microseconds=1) + want * 1e-9, metric
        else:
            assert got == want, metric
    assert sparse.unknown == dense.unknown and sparse.assumptions == dense.assumptions
