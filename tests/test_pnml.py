"""Petri nets of processes: the state-machine form, and PNML writing.

The state machine is checked three ways: against hand-drawn automata, against the bounded
language of the workflow net computed with pm4py's own firing rule, and by pm4py itself:
token-based replay on it must call a trace fit exactly when alignments on the original net do.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from bpr import (
    And,
    Loop,
    ModelError,
    ServiceProcess,
    Step,
    Xor,
    petri_net,
    read_pnml,
    write_pnml,
)
from bpr._pm4py import load, quiet
from bpr.pnml import Net, from_process, language, state_machine
from tests.conftest import DATA
from tests.strategies import processes


def _steps(letters: str) -> list[Step]:
    return [Step(letter.lower(), letter) for letter in letters]


def _arcs(net: Net) -> list[tuple[str, str | None, str]]:
    """Each transition as (input place, label, output place); the nets here are state machines."""
    found = []
    for t in net.net.transitions:
        ((source,), (target,)) = (
            [a.source.name for a in t.in_arcs],
            [a.target.name for a in t.out_arcs],
        )
        found.append((source, t.label, target))
    return sorted(found, key=lambda arc: (arc[0], arc[1] or "", arc[2]))


def _words(net: Net, longest: int) -> set[tuple[str, ...]]:
    """The visible traces of complete runs up to ``longest`` labels, by pm4py's firing rule."""
    load()
    from pm4py.objects.petri_net import semantics

    seen = set()
    stack = [(net.initial, ())]
    accepted = set()
    while stack:
        marking, word = stack.pop()
        if marking == net.final:
            accepted.add(word)
        for t in semantics.enabled_transitions(net.net, marking):
            after = semantics.execute(t, net.net, marking)
            longer = word if t.label is None else (*word, t.label)
            key = (frozenset(after.items()), longer)
            if len(longer) <= longest and key not in seen:
                seen.add(key)
                stack.append((after, longer))
    return accepted


# -- the state machine against hand-drawn automata --------------------------------------------


def test_parallel_branches_become_every_interleaving_without_silent_moves():
    a, b, c = _steps("ABC")
    machine = petri_net(ServiceProcess.from_blocks("P", a, And(b, c)), form="state_machine")
    assert _arcs(machine) == [
        ("s0", "A", "s1"),
        ("s1", "B", "s2"),
        ("s1", "C", "s3"),
        ("s2", "C", "s4"),
        ("s3", "B", "s4"),
    ]
    assert [(p.name, n) for p, n in machine.initial.items()] == [("s0", 1)]
    assert [(p.name, n) for p, n in machine.final.items()] == [("s4", 1)]


def test_a_state_that_may_end_or_go_on_reaches_the_final_place_silently():
    a, b = _steps("AB")
    machine = petri_net(ServiceProcess.from_blocks("L", Loop(a, redo=b)), form="state_machine")
    assert _arcs(machine) == [("s0", "A", "s1"), ("s1", None, "s2"), ("s1", "B", "s0")]
    assert [p.name for p in machine.final] == ["s2"]


def test_equal_futures_are_merged_into_one_state():
    # A then (B or C) then D: after B and after C the same things remain, one state.
    a, b, c, d = _steps("ABCD")
    machine = petri_net(ServiceProcess.from_blocks("M", a, Xor(b, c), d), form="state_machine")
    assert _arcs(machine) == [
        ("s0", "A", "s1"),
        ("s1", "B", "s2"),
        ("s1", "C", "s2"),
        ("s2", "D", "s3"),
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(processes(max_depth=2, max_branches=2, max_sequence=3, stats=False, frequencies=False))
def test_the_state_machine_has_the_language_of_the_workflow_net(process):
    workflow = petri_net(process)
    machine = petri_net(process, form="state_machine")
    assert _words(machine, 6) == _words(workflow, 6)
    assert language(machine) == language(workflow)
    # At most one transition per label leaves a place: replay never has to choose.
    for place in machine.net.places:
        labels = [a.target.label for a in place.out_arcs if a.target.label is not None]
        assert len(labels) == len(set(labels))


def test_the_same_process_gives_the_same_bytes():
    from bpr.examples import vehicle_transfer

    first = write_pnml(petri_net(vehicle_transfer(), form="state_machine"))
    assert first == write_pnml(petri_net(vehicle_transfer(), form="state_machine"))
    assert first.count("<transition ") > len(vehicle_transfer().steps)


def test_unknown_form_and_unbounded_nets_are_refused():
    with pytest.raises(ModelError, match="unknown form 'bpmn'; use 'workflow' or 'state_machine'"):
        petri_net(ServiceProcess.from_blocks("S", *_steps("A")), form="bpmn")
    a, b, c = _steps("ABC")
    wide = ServiceProcess.from_blocks("W", And(a, b, c))
    with pytest.raises(ModelError, match="more than 5 reachable markings"):
        state_machine(from_process(wide), max_markings=5)


# -- token replay is exact on it ----------------------------------------------------------------


def _frame(traces: list[tuple[str, ...]]) -> pd.DataFrame:
    rows = [
        {
            "case:concept:name": f"c{i:04d}",
            "concept:name": label,
            "time:timestamp": pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(minutes=j),
        }
        for i, trace in enumerate(traces)
        for j, label in enumerate(trace)
    ]
    return pd.DataFrame(rows)


def _fit_by_token_replay(net: Net, traces: list[tuple[str, ...]]) -> list[bool]:
    pm4py = load()
    with quiet():
        replayed = pm4py.conformance_diagnostics_token_based_replay(
            _frame(traces), net.net, net.initial, net.final
        )
    return [r["trace_is_fit"] for r in replayed]


def _fit_by_alignments(net: Net, traces: list[tuple[str, ...]]) -> list[bool]:
    pm4py = load()
    with quiet():
        aligned = pm4py.conformance_diagnostics_alignments(
            _frame(traces), net.net, net.initial, net.final
        )
    return [a["fitness"] == 1.0 for a in aligned]


def _near_misses(traces: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The traces, and each with one event dropped, two neighbours swapped or one repeated."""
    found = dict.fromkeys(traces)
    for trace in traces:
        for i in range(len(trace)):
            found[trace[:i] + trace[i + 1 :]] = None
            found[trace[: i + 1] + trace[i:]] = None
            if i + 1 < len(trace):
                found[(*trace[:i], trace[i + 1], trace[i], *trace[i + 2 :])] = None
    return [t for t in found if t]


def test_token_replay_on_the_road_traffic_state_machine_agrees_with_alignments():
    pm4py = load()
    net = read_pnml(DATA / "models" / "roadtraffic.pnml")
    with quiet():
        log = pm4py.read_xes(str(DATA / "logs" / "roadtraffic_1t_per_variant.xes.gz"))
    variants = [tuple(v) for v in pm4py.get_variants(log)]
    candidates = sorted(_near_misses(sorted(variants)[:40]))
    by_alignment = _fit_by_alignments(net, candidates)
    assert 0 < sum(by_alignment) < len(candidates)
    assert _fit_by_token_replay(state_machine(net), candidates) == by_alignment


def test_token_replay_fits_every_run_where_silent_moves_would_mislead_it():
    """Z, then A alongside one or more B, any number of times, then E.

    On the workflow net of this process, and on pm4py's own net of the same process tree
    ``->('Z', *(tau, +('A', *('B', tau))), 'E')``, pm4py's token replay calls the runs
    Z A B B A E and Z B A B A E unfit: it fires the wrong silent transitions to start the
    second round. The state machine has none to fire.
    """
    a, b, z, e = _steps("ABZE")
    process = ServiceProcess.from_blocks("Rounds", z, Loop(Xor(And(a, Loop(b)), None)), e)
    runs = sorted(_words(petri_net(process), 6))
    assert ("Z", "A", "B", "B", "A", "E") in runs and ("Z", "E") in runs
    assert all(_fit_by_alignments(petri_net(process), runs))
    assert all(_fit_by_token_replay(petri_net(process, form="state_machine"), runs))


def test_token_replay_on_a_generated_log_is_exact():
    from tests.generate import generate_log, traces
    from tests.test_discover import _known

    known = _known()
    generated = sorted(set(traces(generate_log(known, 300, seed=3))))
    candidates = sorted(_near_misses(generated))
    machine = petri_net(known, form="state_machine")
    assert all(_fit_by_token_replay(machine, generated))
    by_alignment = _fit_by_alignments(petri_net(known), candidates)
    assert 0 < sum(by_alignment) < len(candidates)
    assert _fit_by_token_replay(machine, candidates) == by_alignment


# -- PNML ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["workflow", "state_machine"])
def test_pnml_round_trips_through_bpr_and_pm4py(form, tmp_path):
    from bpr.examples import vehicle_transfer

    net = petri_net(vehicle_transfer(), form=form)
    path = tmp_path / "vehicle.pnml"
    text = write_pnml(net, path)
    assert path.read_text(encoding="utf-8") == text
    back = read_pnml(path)
    assert language(back) == language(net)
    assert _arcs_of(back) == _arcs_of(net)
    pm4py = load()
    with quiet():
        pm_net, initial, final = pm4py.read_pnml(str(path))
    assert language(Net("pm4py", pm_net, initial, final)) == language(net)
    assert sum(t.label is None for t in pm_net.transitions) == sum(
        t.label is None for t in net.net.transitions
    )


def _arcs_of(net: Net) -> list[tuple[str, str]]:
    return sorted((a.source.name, a.target.name) for a in net.net.arcs)
