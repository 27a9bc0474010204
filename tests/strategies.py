"""Hypothesis strategies for `bpr` objects, shared by the test modules.

``processes()`` draws random *valid* typed service processes: a random block tree (steps,
sequences, :class:`~bpr.Xor` with and without probabilities and with skip branches,
:class:`~bpr.And`, :class:`~bpr.Loop` with and without a redo part, nested to a given depth)
built with :meth:`~bpr.ServiceProcess.from_blocks`, with random typed step fields (Persian
and Latin names, document sets, durations, observed statistics, agencies), and optionally
flow frequencies and branch conditions.

Examples
--------
>>> from hypothesis import given, settings
>>> @settings(max_examples=5)
... @given(processes(max_depth=1))
... def test_has_steps(process):
...     assert process.steps
>>> test_has_steps()
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import attrs
from hypothesis import strategies as st

from bpr import (
    Actor,
    And,
    Channel,
    DurationStats,
    GatewayKind,
    Loop,
    ServiceProcess,
    Step,
    StepKind,
    StepStats,
    Xor,
)

__all__ = ["AGENCIES", "processes", "steps", "texts"]

AGENCIES = ("Municipality", "ثبت احوال", "اداره راهنمایی و رانندگی", "Tax office")

# Letters, digits, spacing and punctuation that real labels use; no control characters.
_ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكئۀآ"  # Persian, with Arabic yeh and kaf
    "۰۱۲۳۴۵۶۷۸۹٠١٢"  # Persian and Arabic-Indic digits
    " -_.,:()/&'\"<>\u200c"  # ZWNJ and XML-special characters
)
_BREAKS = "\n\t"

# Prefixes of step ids: plain names, and ids that are not XML names (digit first, spaces,
# Persian letters), so that writers have to map them.
_ID_PREFIXES = ("s", "step_", "task ", "7", "گام-")


def texts(
    *, min_size: int = 1, max_size: int = 24, line_breaks: bool = True
) -> st.SearchStrategy[str]:
    """Non-blank labels mixing Latin and Persian letters, digits, spaces and punctuation,
    and with ``line_breaks`` also tabs and newlines."""
    alphabet = _ALPHABET + (_BREAKS if line_breaks else "")
    return st.text(alphabet, min_size=min_size, max_size=max_size).filter(str.strip)


_durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400))
_duration_stats = st.builds(DurationStats, median=_durations, mean=_durations, p90=_durations)
_step_stats = st.builds(
    StepStats,
    events=st.integers(0, 10**6),
    cases=st.integers(0, 10**6),
    working=st.none() | _duration_stats,
    waiting=st.none() | _duration_stats,
)


@st.composite
def steps(
    draw: st.DrawFn,
    step_id: str = "s1",
    *,
    agencies: Sequence[str] | None = AGENCIES,
    typed: bool = True,
    stats: bool = True,
    line_breaks: bool = True,
) -> Step:
    """A step with id ``step_id``.

    Parameters
    ----------
    step_id
        The id to give the step.
    agencies
        Agencies to draw from (the step may also have none); ``None`` for no agencies.
    typed
        Draw every typed field (each may be unknown); with ``False`` only id and name are
        set.
    stats
        Allow observed statistics (``StepStats``) on the step.
    line_breaks
        Allow tabs and newlines in texts (some XML writers, bpmn-moddle among them, turn
        them into spaces inside attributes).
    """
    text = texts(line_breaks=line_breaks)
    documents = st.frozensets(
        texts(max_size=12, line_breaks=line_breaks).map(str.strip), max_size=3
    )
    name = draw(text)
    if not typed:
        return Step(step_id, name)
    maybe = st.none() | st.booleans()  # unknown, no or yes
    return Step(
        step_id,
        name,
        kind=draw(st.none() | st.sampled_from(StepKind)),
        actor=draw(st.none() | st.sampled_from(Actor)),
        agency=draw(st.none() | st.sampled_from(agencies)) if agencies else None,
        channel=draw(st.none() | st.sampled_from(Channel)),
        name_fa=draw(st.none() | text),
        citizen_present=draw(maybe),
        mandatory=draw(maybe),
        fixed_channel=draw(st.booleans()),
        legal_basis=draw(st.none() | texts(max_size=40, line_breaks=line_breaks)),
        documented=draw(maybe),
        rule_based=draw(st.booleans()),
        documents_in=draw(st.none() | documents),
        documents_out=draw(st.none() | documents),
        duration=draw(st.none() | _durations),
        stats=draw(st.none() | _step_stats) if stats else None,
    )


@st.composite
def processes(
    draw: st.DrawFn,
    *,
    max_depth: int = 3,
    max_branches: int = 3,
    max_sequence: int = 4,
    agencies: Sequence[str] | None = AGENCIES,
    typed: bool = True,
    stats: bool = True,
    probabilities: bool | None = None,
    frequencies: bool = True,
    conditions: bool = True,
    line_breaks: bool = True,
) -> ServiceProcess:
    """A random valid block-structured process.

    Parameters
    ----------
    max_depth
        How deeply blocks may nest (0: a plain sequence of steps).
    max_branches
        Most branches of one ``Xor`` or ``And`` (at least 2).
    max_sequence
        Most items in one sequence (the top level and each branch).
    agencies
        Agencies the steps draw from (each step may also have none); ``None``: no agencies.
    typed, stats, line_breaks
        Passed to :func:`steps`; ``line_breaks`` also applies to the process's texts.
    probabilities
        ``True``: every ``Xor`` and ``Loop`` has probabilities; ``False``: none has;
        ``None``: each block decides at random.
    frequencies
        May give every flow an observed frequency.
    conditions
        May label branches of exclusive splits with a condition.
    """
    ids = itertools.count(1)

    def new_step() -> Step:
        prefix = draw(st.sampled_from(_ID_PREFIXES))
        return draw(
            steps(
                f"{prefix}{next(ids)}",
                agencies=agencies,
                typed=typed,
                stats=stats,
                line_breaks=line_breaks,
            )
        )

    def with_probabilities() -> bool:
        return draw(st.booleans()) if probabilities is None else probabilities

    def sequence(depth: int) -> list[Any]:
        return [block(depth) for _ in range(draw(st.integers(1, max_sequence)))]

    def branch(depth: int) -> Any:
        items = sequence(depth)
        return items[0] if len(items) == 1 else items

    def block(depth: int) -> Any:
        kinds = ["step", "step", "xor", "and", "loop"] if depth > 0 else ["step"]
        kind = draw(st.sampled_from(kinds))
        if kind == "step":
            return new_step()
        n = draw(st.integers(2, max_branches))
        if kind == "and":
            return And(*(branch(depth - 1) for _ in range(n)))
        if kind == "xor":
            # At most one empty branch: two would be two flows between the same gateways.
            skip = draw(st.none() | st.integers(0, n - 1))
            branches = [None if i == skip else branch(depth - 1) for i in range(n)]
            weights = draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
            chances = [w / sum(weights) for w in weights] if with_probabilities() else None
            return Xor(*branches, probabilities=chances)
        redo = draw(st.none() | st.just("redo"))
        chance = draw(st.floats(0.0, 0.95)) if with_probabilities() else None
        return Loop(
            branch(depth - 1), redo=None if redo is None else branch(depth - 1), probability=chance
        )

    text = texts(line_breaks=line_breaks)
    process = ServiceProcess.from_blocks(
        draw(text),
        *sequence(max_depth),
        description=draw(st.none() | texts(max_size=80, line_breaks=line_breaks)),
    )
    labels = text if conditions else None
    return _decorate(draw, process, frequencies=frequencies, labels=labels)


def _decorate(
    draw: st.DrawFn,
    process: ServiceProcess,
    *,
    frequencies: bool,
    labels: st.SearchStrategy[str] | None,
) -> ServiceProcess:
    """Give flows frequencies and exclusive branches conditions (drawn from ``labels``)."""
    count = frequencies and draw(st.booleans())
    label = labels is not None and draw(st.booleans())
    flows = []
    for flow in process.flows:
        source = process.node(flow.source)
        branch = (
            getattr(source, "kind", None) is GatewayKind.EXCLUSIVE
            and len(process.successors(flow.source)) > 1
        )
        flow = attrs.evolve(
            flow,
            frequency=draw(st.integers(0, 10**5)) if count else None,
            condition=draw(st.none() | labels) if label and branch else None,
        )
        flows.append(flow)
    return process.evolve(flows=flows)
