"""One rule per question about a step: measuring, simulating and redesigning agree.

A random pair of typed steps (any field may be unknown) run one after the other: the number
of visits :func:`bpr.measure` counts, the places the simulation sends the citizen to, and
whether the single-window heuristic sees several offices must all follow from the same
answers of :mod:`bpr._steps` (presence, place).
"""

from __future__ import annotations

import importlib
from datetime import timedelta

import attrs
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import bpr
from bpr import HEURISTICS, Actor, Channel, ServiceProcess, Step, measure, read_log
from bpr._steps import (
    COUNTER_OFFICE,
    day_floor,
    is_citizen_facing,
    is_online,
    presence,
    system_seconds,
    visit_place,
)
from tests.strategies import AGENCIES, steps

# ``bpr.simulate`` is the function; the module holds the simulation's own reading of a step.
_simulate = importlib.import_module("bpr.simulate")


def _trips(a: Step, b: Step) -> int:
    """Visits to offices of ``a`` then ``b``, by hand from presence and place."""
    present = [s for s in (a, b) if presence(s)]
    if len(present) == 2 and visit_place(a) == visit_place(b):
        return 1
    return len(present)


@settings(max_examples=150, deadline=None)
@given(a=steps("a", stats=False), b=steps("b", stats=False))
def test_measure_simulate_and_heuristics_put_a_step_in_the_same_place(a: Step, b: Step) -> None:
    process = ServiceProcess.from_blocks("P", a, b)
    visits = measure(process).visits
    presences = [presence(a), presence(b)]
    places_known = all(visit_place(s) is not None for s in (a, b) if presence(s))
    if None in presences or not places_known:
        assert visits is None
    else:
        assert visits == _trips(a, b)
    # The simulation sends the citizen where measure counts a visit, and only there.
    for step in (a, b):
        place = _simulate._place(step)
        assert (place is not None) == bool(presence(step))
        if place is not None and visit_place(step) is not None:
            assert place == visit_place(step)
    if presence(a) and presence(b) and places_known:
        same_trip = _simulate._place(a) == _simulate._place(b)
        assert same_trip == (visits == 1)
    # The single window sees two offices exactly where measure counts two trips.
    proposed = bool(HEURISTICS["single_window"].candidates(process))
    movable = [presence(s) and not s.fixed_channel and visit_place(s) for s in (a, b)]
    assert proposed == (all(movable) and visit_place(a) != visit_place(b))
    if all(movable):
        assert proposed == (visits == 2)


@given(step=steps(stats=False))
def test_answers_are_unknown_only_when_the_deciding_fields_are(step: Step) -> None:
    present, facing = presence(step), is_citizen_facing(step)
    if step.citizen_present is not None:
        assert present is step.citizen_present
    if present:
        assert facing is True
    assert (day_floor(step) is None) == (facing is None)
    if facing and is_online(step):
        assert day_floor(step) == 0.5


def test_a_counter_office_doing_a_police_step_is_a_visit_to_the_counter_office() -> None:
    # The domain's counter office (daftar pishkhan) is where the citizen goes when it does
    # the step, whatever agency the service belongs to.
    police = Step("s", "Submit", agency="Police", actor="counter_office", channel="in_person")
    other = Step("t", "Collect", agency="Police", actor="front_office", channel="in_person")
    assert visit_place(police) == COUNTER_OFFICE == _simulate._place(police)
    assert visit_place(other) == "Police" == _simulate._place(other)
    assert measure(ServiceProcess.from_blocks("P", police, other)).visits == 2
    assert (
        measure(ServiceProcess.from_blocks("P", police, attrs.evolve(police, id="u"))).visits == 1
    )


@settings(max_examples=20, deadline=None)
@given(duration=st.none() | st.timedeltas(timedelta(0), timedelta(hours=2)))
def test_a_system_step_takes_its_duration_or_one_second(duration: timedelta | None) -> None:
    step = Step("c", "Check", actor="system", duration=duration)
    expected = 1.0 if duration is None else duration.total_seconds()
    assert system_seconds(step) == expected
    # measure and simulate give it that time; measure states the default when it uses it.
    process = ServiceProcess.from_blocks("P", step)
    length = measure(process)
    assert length.working_time == length.cycle_time == timedelta(seconds=expected)
    assert ("system steps take 1 s: Check" in length.assumptions) == (duration is None)
    simulated = bpr.simulate(process, cases=3, replications=1, seed=1)
    assert simulated.working_time.value == timedelta(seconds=round(expected, 6))


_TYPED = st.builds(
    dict,
    agency=st.sampled_from(AGENCIES),
    actor=st.sampled_from(Actor),
    channel=st.sampled_from(Channel),
    citizen_present=st.none() | st.booleans(),
)


@settings(max_examples=40, deadline=None)
@given(first=_TYPED, second=_TYPED)
def test_a_log_counts_the_visits_its_model_counts(first: dict, second: dict) -> None:
    # Two events of one case on one day, typed by an annotation table: the log's visits are
    # the model's (a model has no clock, and both events fall on the same day).
    events = pd.DataFrame(
        {
            "case": ["1", "1"],
            "activity": ["Q1", "Q2"],
            "timestamp": pd.to_datetime(["2024-01-06 09:00", "2024-01-06 10:00"]).tz_localize(
                "UTC"
            ),
        }
    )
    labels = ("Q1", "Q2")
    fields = [
        {k: getattr(v, "value", v) for k, v in f.items() if v is not None} for f in (first, second)
    ]
    steps = [
        Step(f"s{i}", label, **f) for i, (label, f) in enumerate(zip(labels, fields, strict=True))
    ]
    model = measure(ServiceProcess.from_blocks("P", *steps)).visits
    annotations = dict(zip(labels, fields, strict=True))
    observed = measure(read_log(events), annotations=annotations).visits
    assert observed == model == _trips(*steps)
