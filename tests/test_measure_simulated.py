"""A log simulated from a known process (tests/generate.py, fixed seed, 20,000 cases):
its means agree with the model's exact expected values within 2%.

With 20,000 cases the standard error of every mean compared here is at most about 0.6% of
the value (the loop counts have the largest spread), so 2% is more than three standard
errors: the agreement is not luck of the seed.
"""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from bpr import And, DurationStats, Loop, ServiceProcess, Step, StepStats, Xor, measure
from bpr.calendar import BusinessCalendar
from bpr.log import read_log

from .generate import generate_log

CASES = 20_000
K = 0.3 / 0.7  # expected passes back through a loop that returns with probability 0.3


# A written model states its documents: those not listed are none.
NONE = {"documents_in": (), "documents_out": ()}


def _office(sid: str, name: str, agency: str, **fields: object) -> Step:
    return Step(sid, name, actor="front_office", agency=agency, channel="in_person",
                citizen_present=True, **(NONE | fields))  # fmt: skip


def _back(sid: str, name: str, agency: str, **fields: object) -> Step:
    return Step(sid, name, actor="back_office", agency=agency, channel="internal",
                **(NONE | fields))  # fmt: skip


def _annotations(process: ServiceProcess) -> dict[str, dict[str, object]]:
    """The model's step types as an annotation table, so the log is typed like the model."""

    def row(s: Step) -> dict[str, object]:
        fields = {
            "kind": s.kind,
            "actor": s.actor,
            "agency": s.agency,
            "channel": s.channel,
            "citizen_present": s.citizen_present,
            "documents_in": _documents(s.documents_in),
            "documents_out": _documents(s.documents_out),
        }
        # What the model leaves unknown stays out of the table, unknown in the log too.
        return {k: getattr(v, "value", v) for k, v in fields.items() if v is not None}

    return {s.name: row(s) for s in process.steps}


def _documents(names: frozenset[str] | None) -> str | None:
    return None if names is None else ";".join(sorted(names)) or "none"


# The parallel block's steps all have one role (City back office), and no two consecutive
# office steps are at one agency: so the counts do not depend on how the simulator
# interleaves the branches or on which day a step falls, and the log must agree with the
# model's reading exactly in expectation.
COUNTED = ServiceProcess.from_blocks(
    "Simulated permit",
    _office("s1", "Submit the request", "City", kind="submit", documents_in="ID card; form",
            documents_out="receipt"),
    _office("s2", "Fetch the toll clearance", "Municipality", kind="inquiry"),
    Xor(
        Step("s3", "Pay online", kind="pay", actor="citizen", agency="Bank", channel="web",
             documents_in="receipt", documents_out=()),
        Step("s4", "Pay at the bank", kind="pay", actor="citizen", agency="Bank",
             channel="in_person", citizen_present=True, documents_in="receipt; ID card",
             documents_out=()),
        probabilities=[0.6, 0.4],
    ),
    And(
        _back("s5", "Inquire the criminal record", "City", kind="inquiry"),
        [
            _back("s6", "Inquire the land registry", "City", kind="inquiry"),
            _back("s7", "Record the answers", "City", kind="other"),
        ],
    ),
    Loop(
        _back("s8", "Review the file", "Province", kind="verify"),
        redo=_office("s9", "Fetch a missing certificate", "Registry Office", kind="inquiry",
                     documents_in="birth certificate"),
        probability=0.3,
    ),
    _back("s10", "Review the file", "Province", kind="verify"),
    _office("s11", "Collect the permit", "City", kind="issue", documents_in="ID card"),
)  # fmt: skip

# K passes back through the loop, E[K] = 0.3 / 0.7 = 3/7; P(K >= 1) = 0.3.
EXPECTED_COUNTS = {
    "steps": 9 + 2 * K,  # 9 steps once, s8 and s9 once more per pass
    "visits": 1 + 1 + 0.4 + K + 1,  # s1, s2, the bank (0.4), s9 per pass, s11
    "handoffs": 5 + 2 * K,  # s1|s2|pay|s5, s7|s8, s10|s11; s8|s9|s8 per pass
    "agencies": 4 + 0.3,  # City, Municipality, Bank, Province; Registry Office if K >= 1
    "documents": 2 + 0.3,  # ID card, form; the birth certificate if K >= 1
    "inquiries": 3 + K,  # s2, s5, s6, s9 per pass
    "paper_inquiries": 1 + K,  # s2, s9: fetched in person
    # "Review the file" runs 2 + K times (s8 and s10): 1 + K repeats; s9: K - P(K >= 1)
    "rework": (1 + K) + (K - 0.3),
    "procedures": 4 + K,  # s1, s2, the payment, s11, s9 per pass
}


def test_simulated_counts_agree_with_the_model():
    model = measure(COUNTED)
    for name, value in EXPECTED_COUNTS.items():
        assert getattr(model, name) == pytest.approx(value, rel=1e-9), name
    assert (model.steps_min, model.steps_max) == (9, None)
    log = read_log(generate_log(COUNTED, CASES, seed=5))
    observed = measure(log, annotations=_annotations(COUNTED))
    assert observed.cases == CASES
    for name, value in EXPECTED_COUNTS.items():
        assert getattr(observed, name) == pytest.approx(value, rel=0.02), name


# Times: each simulated step waits Exp(2 h), then works Exp(its duration). The model says the
# same with observed statistics (mean waiting 2 h, mean working = duration), except that a
# log's case starts when its first step starts, so the first step's wait is not in it. No
# parallel block here: the mean of the longer of two random branches is not the longer mean.
TIMED = ServiceProcess.from_blocks(
    "Simulated certificate",
    _office("t1", "Submit", "City", duration=timedelta(minutes=20), documents_in="form"),
    Xor(
        _back("t2", "Quick check", "City", duration=timedelta(minutes=10)),
        [
            _back("t3", "Full review", "City", duration=timedelta(minutes=40)),
            _office("t4", "Site visit", "City", duration=timedelta(minutes=30)),
        ],
        probabilities=[0.7, 0.3],
    ),
    Loop(
        _back("t5", "Approve", "Province", duration=timedelta(minutes=15)),
        redo=Step("t6", "Correct", actor="front_office", agency="Province", channel="mail",
                  duration=timedelta(minutes=10)),
        probability=0.25,
    ),
    Step("t7", "Notify by SMS", actor="front_office", agency="City", channel="sms",
         duration=timedelta(minutes=5)),
)  # fmt: skip


def _observed_stats(process: ServiceProcess, waiting: timedelta) -> ServiceProcess:
    def stats(wait: timedelta, work: timedelta) -> StepStats:
        return StepStats(events=1, cases=1, waiting=DurationStats(wait, wait, wait),
                         working=DurationStats(work, work, work))  # fmt: skip

    first = process.successors(process.starts[0].id)[0]
    return process.replace_steps(
        attrs.evolve(
            s, duration=None, stats=stats(timedelta(0) if s.id == first else waiting, s.duration)
        )
        for s in process.steps
    )


def test_simulated_times_agree_with_the_model():
    waiting = timedelta(hours=2)
    model = measure(_observed_stats(TIMED, waiting))
    approve, correct = 1 / 0.75, 0.25 / 0.75
    # working: 20 + (0.7 * 10 + 0.3 * (40 + 30)) + 15 * 4/3 + 10 * 1/3 + 5 minutes
    working = 20 + (0.7 * 10 + 0.3 * 70) + 15 * approve + 10 * correct + 5
    # waits: one per step after the first: 0.7 * 1 + 0.3 * 2 + 4/3 + 1/3 + 1 steps
    waits = (0.7 * 1 + 0.3 * 2) + approve + correct + 1
    assert model.working_time.total_seconds() == pytest.approx(working * 60, rel=1e-9)
    assert model.cycle_time_mean.total_seconds() == pytest.approx(
        working * 60 + waits * waiting.total_seconds(), rel=1e-9
    )
    log = read_log(generate_log(TIMED, CASES, seed=11, waiting=waiting))
    observed = measure(
        log, annotations=_annotations(TIMED), calendar=BusinessCalendar(timezone="UTC")
    )
    for name in ("cycle_time_mean", "working_time"):
        assert getattr(observed, name).total_seconds() == pytest.approx(
            getattr(model, name).total_seconds(), rel=0.02
        ), name
    for name in ("waiting_share", "days", "steps", "visits", "procedures"):
        assert getattr(observed, name) == pytest.approx(getattr(model, name), rel=0.02), name
