"""The planner's regions measured branch by branch: a region that is one exclusive choice is
measured per branch, and a change inside a branch measures only that branch again."""

from __future__ import annotations

import importlib.util
import itertools
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bpr
from bpr import Loop, ServiceProcess, Step, Xor, _regions
from bpr._edit import Editor
from bpr._regions import Regions
from bpr.heuristics import HEURISTICS

from .strategies import AGENCIES
from .test_redesign import _assert_measures_like_measure, _plain_metrics, _unmeasurable

_DOCUMENTS = st.frozensets(st.sampled_from(["id card", "deed", "receipt"]), max_size=2)


@st.composite
def known_steps(draw: st.DrawFn, step_id: str) -> Step:
    """A step with every field the planner weighs known, so that every metric is compared."""
    return Step(
        step_id,
        f"Step {step_id}",
        kind=draw(st.sampled_from(["submit", "verify", "inquiry", "pay", "notify", "issue"])),
        actor=draw(st.sampled_from(["citizen", "front_office", "back_office", "system"])),
        agency=draw(st.sampled_from(AGENCIES[:3])),
        channel=draw(st.sampled_from(["in_person", "web", "mail", "internal"])),
        citizen_present=draw(st.booleans()),
        documents_in=draw(_DOCUMENTS),
        documents_out=draw(_DOCUMENTS),
        duration=draw(st.integers(60, 36000)),
    )


@st.composite
def choices(draw: st.DrawFn) -> ServiceProcess:
    """A step, an exclusive choice of 2 to 5 branches (sequences of steps, loops and nested
    choices; at most one empty branch), and a step: the choice is a region of its own."""
    ids = itertools.count(1)

    def step():
        return draw(known_steps(f"s{next(ids)}"))

    def item():
        kind = draw(st.sampled_from(["step", "step", "loop", "xor"]))
        if kind == "loop":
            return Loop(step(), probability=draw(st.floats(0.05, 0.9)))
        return step() if kind == "step" else Xor(step(), step())

    def branch():
        items = [item() for _ in range(draw(st.integers(1, 4)))]
        return items[0] if len(items) == 1 else items

    n = draw(st.integers(2, 5))
    skip = draw(st.none() | st.integers(0, n - 1))
    branches = [None if i == skip else branch() for i in range(n)]
    weights = draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
    chances = draw(st.none() | st.just([w / sum(weights) for w in weights]))
    choice = Xor(*branches, probabilities=chances)
    return ServiceProcess.from_blocks("Choice", step(), choice, step())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(choices())
def test_a_choice_measured_branch_by_branch_equals_measure_after_every_change(process):
    """The choice is measured branch by branch; after each candidate change made on top of the
    ones before, and after swapping or removing steps, the regions give what bpr.measure gives
    for the whole edited process (or refuse an edit that leaves an invalid process)."""
    working = Editor(process)
    working.settle()
    if _unmeasurable(process):
        return
    regions = Regions.of(working)
    assert [r.choice is not None for r in regions.regions] == [False, True, False]
    _assert_measures_like_measure(regions, process)
    for candidate in [c for h in HEURISTICS.values() for c in h.candidates(process)]:
        if not all(t in working.nodes for t in candidate.targets):
            continue  # an earlier change removed it
        editor = working.copy()
        try:
            candidate.apply(editor)
            editor.tidy()
            built = editor.build()
        except bpr.ModelError:
            continue
        if _unmeasurable(built):
            continue
        edited = regions.edited(editor)
        assert edited is not None
        _assert_measures_like_measure(edited, built)
        working, regions = editor, edited
    # Edits of the structure inside branches: each pair of consecutive steps swapped, and
    # each step removed, alone on the result.
    for a in [n for n, node in working.nodes.items() if isinstance(node, Step)]:
        (b,) = working.successors(a)
        edits = [lambda e, a=a: e.remove_step(a)]
        if isinstance(working.node(b), Step):
            edits.append(lambda e, a=a, b=b: e.reorder([a, b], [b, a]))
        for edit in edits:
            editor = working.copy()
            edit(editor)
            editor.tidy()
            try:
                built = editor.build()
            except bpr.ModelError:
                assert regions.edited(editor) is None
                continue
            if not _unmeasurable(built):
                _assert_measures_like_measure(regions.edited(editor), built)


def _letters():
    path = Path(__file__).parents[1] / "benchmarks" / "_letters.py"
    spec = importlib.util.spec_from_file_location("_letters", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_many_free_text_activities_every_candidate_tried_and_measured_by_branch(
    tmp_path, monkeypatch
):
    """300 letters "Letter No. N sent" (one activity each) over 200 cases: the discovered model
    is a choice between the cases' letter sequences. With no time budget every candidate is
    tried, and each one measures again only the branch it changes: no stretch measured while
    planning holds more than a branch and the two cut steps around it."""
    letters = _letters()
    path = letters.letters_log(tmp_path / "letters.csv", letters=300)
    sizes = []
    measure_stretch = _regions.measure_stretch

    def spy(process, head, after):
        sizes.append(len(process.steps))
        return measure_stretch(process, head, after)

    monkeypatch.setattr(_regions, "measure_stretch", spy)
    analysis = bpr.analyze(
        path, annotations=letters.letters_annotations(300), simulate=False, budget=None
    )
    plan = analysis.redesign
    outcomes = Counter(p.not_applied for p in plan.proposals)
    assert "untried" not in outcomes
    # Every letter is a candidate for each heuristic that can change it, and each was tried.
    assert sum(outcomes.values()) >= 300
    # A case of this log sends at most two letters: a branch, and its cut steps, is 4 steps.
    assert sizes and max(sizes) <= 4
    want = _plain_metrics(plan.to_be)
    assert dict(plan.alternatives[-1].metrics) == pytest.approx(want, rel=1e-9, nan_ok=True)
