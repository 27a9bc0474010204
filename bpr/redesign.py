"""Redesign for digitization: a planner over the heuristic catalogue.

:func:`redesign` asks every heuristic of :data:`bpr.HEURISTICS` what it would change, measures
each change alone (exactly as :func:`bpr.measure` would, but only around the steps it changes:
see :mod:`bpr._regions`), and builds the to-be process from the changes that improve a weighted
objective, in rounds, until nothing improves it. Every change keeps the law
and the data: a mandatory step is never removed, a step the law pins to a place keeps it, and a
document a step needs is still produced before it. Changes that would need a legal change are
reported, never applied.

Examples
--------
>>> from bpr.examples import vehicle_transfer
>>> r = redesign(vehicle_transfer())
>>> r.compare().loc["visits"].to_dict()
{'as_is': 7.0, 'to_be': 2.0, 'change': -5.0}
>>> [p.heuristic for p in r.plan]  # doctest: +NORMALIZE_WHITESPACE
['e_inquiry', 'e_inquiry', 'e_inquiry', 'channel_shift', 'channel_shift', 'eliminate',
 'eliminate', 'eliminate', 'compose', 'parallelize']
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from bpr._edit import Editor
from bpr._graph import forward_walk
from bpr._regions import METRICS, Regions
from bpr.errors import ModelError
from bpr.heuristics import HEURISTICS, Candidate, Constraints
from bpr.model import Event, EventKind, Node, ServiceProcess, Step

if TYPE_CHECKING:
    import pandas as pd

    from bpr.simulate import SimulationComparison

__all__ = ["DEFAULT_WEIGHTS", "Alternative", "Proposal", "Redesign", "redesign"]

#: Default objective weights: a citizen's trip weighs most, then the days the service takes.
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"visits": 3.0, "cycle_time": 2.0, "steps": 1.0, "handoffs": 1.0, "documents": 1.0}
)
_IMPROVEMENT = 1e-9
# Metrics and score changes are exact up to floating-point rounding (about 1e-15 relative).
_NOISE = 1e-12
_DIGITS = 12


@attrs.frozen
class Proposal:
    """One named change with its reason and its measured effect.

    ``impact`` maps each metric to its change (after minus before) when this change alone is
    made on the process it was proposed for; ``targets`` are the names of the steps it changes.
    ``applied`` says whether the to-be includes it, and ``round`` when it was proposed (0 = on
    the as-is, later rounds once earlier changes made it possible).
    """

    heuristic: str
    targets: tuple[str, ...]
    step_ids: tuple[str, ...]
    rationale: str
    impact: Mapping[str, float]
    needs_legal_change: bool
    applied: bool
    round: int
    score_change: float


@attrs.frozen
class Alternative:
    """A to-be reached by some of the changes, with its metrics (for the Pareto set)."""

    plan: tuple[str, ...]
    process: ServiceProcess = attrs.field(repr=False)
    metrics: Mapping[str, float]
    score: float


@attrs.frozen
class Redesign:
    """The result of :func:`redesign`: proposals, the to-be, and how they compare."""

    as_is: ServiceProcess = attrs.field(repr=False)
    to_be: ServiceProcess = attrs.field(repr=False)
    proposals: tuple[Proposal, ...]
    trace: Mapping[str, str | None] = attrs.field(repr=False)
    weights: Mapping[str, float]
    constraints: Constraints
    alternatives: tuple[Alternative, ...] = attrs.field(repr=False)
    notes: tuple[str, ...] = ()

    @property
    def plan(self) -> tuple[Proposal, ...]:
        """The applied proposals, in the order they were applied."""
        return tuple(p for p in self.proposals if p.applied)

    def compare(self) -> pd.DataFrame:
        """Metric × (as_is, to_be, change), measured with :func:`bpr.measure`."""
        import pandas as pd

        before, after = _metrics(self.as_is), _metrics(self.to_be)
        frame = pd.DataFrame(
            {"as_is": before, "to_be": after, "change": {m: after[m] - before[m] for m in before}}
        )
        frame.index.name = "metric"
        return frame

    def simulate(self, **options: Any) -> SimulationComparison:
        """Simulate the as-is and the to-be on common random numbers (same arrivals, same
        durations for the steps they share); ``options`` are those of :func:`bpr.simulate`."""
        from bpr.simulate import compare_simulations

        return compare_simulations(self.as_is, self.to_be, **options)

    def to_frame(self) -> pd.DataFrame:
        """One row per proposal: heuristic, targets, applied, legal change, impact."""
        import pandas as pd

        columns = [
            "heuristic", "targets", "applied", "round", "needs_legal_change",
            *(f"Δ {m}" for m in METRICS), "rationale",
        ]  # fmt: skip
        rows = [
            {
                "heuristic": p.heuristic,
                "targets": "; ".join(p.targets),
                "applied": p.applied,
                "round": p.round,
                "needs_legal_change": p.needs_legal_change,
                **{f"Δ {m}": p.impact.get(m) for m in METRICS},
                "rationale": p.rationale,
            }
            for p in self.proposals
        ]
        return pd.DataFrame(rows, columns=columns)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{'✔' if p.applied else ('⚖' if p.needs_legal_change else '')}</td>"
            f"<td>{html.escape(p.heuristic)}</td><td>{html.escape('; '.join(p.targets))}</td>"
            f"<td>{html.escape(p.rationale)}</td></tr>"
            for p in self.proposals
        )
        compare = self.compare().to_html(float_format=lambda x: f"{x:.2f}")
        return (
            f"<h4>Redesign of {html.escape(self.as_is.name)}: {len(self.plan)} changes applied, "
            f"{len(self.proposals) - len(self.plan)} not</h4>{compare}"
            "<table><tr><th></th><th>heuristic</th><th>steps</th><th>rationale</th></tr>"
            f"{rows}</table>"
        )


def redesign(
    process: ServiceProcess,
    *,
    log: Any = None,
    constraints: Constraints | Mapping[str, Any] | None = None,
    objectives: Mapping[str, float] | None = None,
    max_rounds: int = 10,
) -> Redesign:
    """Propose and apply digitization changes to ``process``.

    Parameters
    ----------
    process
        The as-is process (typed steps make better proposals).
    log
        An event log of the as-is, to take step statistics from; not used yet by the planner
        beyond what discovery put on the steps.
    constraints
        A :class:`~bpr.heuristics.Constraints` or a mapping of its fields.
    objectives
        Weights over ``visits``, ``cycle_time``, ``steps``, ``handoffs``, ``documents`` (and
        ``agencies``); the objective is the weighted mean of each metric relative to the
        as-is, lower is better. Defaults: :data:`DEFAULT_WEIGHTS`.
    max_rounds
        At most this many rounds of proposing and applying.

    Returns
    -------
    Redesign
    """
    del log  # step statistics already live on discovered steps
    rules = (
        constraints if isinstance(constraints, Constraints) else Constraints(**(constraints or {}))
    )
    weights = _weights(objectives)
    planner = _Planner(process, rules, weights)
    planner.run(max_rounds)
    return Redesign(
        as_is=process,
        to_be=planner.current,
        proposals=tuple(planner.proposals),
        trace=MappingProxyType(planner.trace),
        weights=MappingProxyType(weights),
        constraints=rules,
        alternatives=tuple(planner.alternatives()),
        notes=tuple(
            f"the as-is {m.replace('_', ' ')} is unknown (a step has no duration or "
            "statistics), so the objective leaves it out"
            for m in weights
            if math.isnan(planner.base[m])
        ),
    )


def _weights(objectives: Mapping[str, float] | None) -> dict[str, float]:
    weights = dict(DEFAULT_WEIGHTS if objectives is None else objectives)
    unknown = sorted(set(weights) - set(METRICS))
    if unknown or not weights or any(w < 0 for w in weights.values()):
        raise ModelError(
            f"objectives {dict(weights)!r}: give non-negative weights over {', '.join(METRICS)}"
        )
    return weights


def _metrics(process: ServiceProcess) -> dict[str, float]:
    from bpr.measure import measure

    length = measure(process)
    cycle = length.cycle_time_mean
    # Unknown (a step lacks a field or a duration): NaN, which the objective leaves out.
    counts = {m: getattr(length, m) for m in ("steps", "visits", "handoffs", "agencies")}
    counts["documents"] = length.documents
    return {
        **{m: math.nan if v is None else float(v) for m, v in counts.items()},
        "cycle_time": math.nan if cycle is None else cycle.total_seconds() / 86400,
    }


@attrs.frozen
class _Outcome:
    """A candidate made, checked and measured on the to-be of the moment."""

    candidate: Candidate
    editor: Editor = attrs.field(repr=False)
    regions: Regions = attrs.field(repr=False)
    trace: dict[str, str | None]

    @property
    def metrics(self) -> dict[str, float]:
        return self.regions.metrics()


@attrs.frozen
class _Reached:
    """A to-be the plan passed through: the changes so far, and where they led."""

    plan: tuple[str, ...]
    editor: Editor | None = attrs.field(repr=False)  # None: the as-is
    metrics: dict[str, float]


class _Planner:
    """Rounds of: propose on the current to-be, measure each change alone, then apply the
    improving ones best first when they still improve the combined result.

    The to-be under construction is an :class:`~bpr._edit.Editor` cut into measured
    :class:`~bpr._regions.Regions`: a change is made on a copy, and only the regions it
    touches are validated and measured again. A :class:`~bpr.ServiceProcess` is made of it
    when a round begins (the heuristics read one) and at the end.
    """

    def __init__(
        self, process: ServiceProcess, constraints: Constraints, weights: dict[str, float]
    ) -> None:
        self.as_is = self.current = process
        self.constraints = constraints
        self.weights = weights
        self.working = Editor(process)
        self.working.settle()
        self._built = self.working  # the editor that self.current was made from
        self.regions = Regions.of(self.working)
        self.base = self.current_metrics = self.regions.metrics()
        self.law = _Law(process)
        self.trace: dict[str, str | None] = {s.id: s.id for s in process.steps}
        self.lawful = not self.law.problems(self.working.nodes, self.working.successors, self.trace)
        self.proposals: list[Proposal] = []
        self.reached: list[_Reached] = [_Reached((), None, self.base)]
        self._seen: set[tuple[str, tuple[str, ...]]] = set()
        self.stage = 1

    def score(self, metrics: Mapping[str, float]) -> float:
        """The weighted mean of each metric relative to the as-is (lower is better).

        A metric the as-is cannot give (the cycle time of a model without durations) is not
        weighed; a change that makes a known metric unknown scores infinitely badly.
        """
        weighed = {m: w for m, w in self.weights.items() if not math.isnan(self.base[m])}
        if any(math.isnan(metrics[m]) for m in weighed):
            return math.inf
        total = sum(weighed.values()) or 1.0
        return (
            sum(
                w * (metrics[m] / self.base[m] if self.base[m] else metrics[m])
                for m, w in weighed.items()
            )
            / total
        )

    def run(self, max_rounds: int) -> None:
        """Rounds within each stage until nothing improves, then the next stage."""
        rounds = 0
        for stage in sorted({h.stage for h in HEURISTICS.values()}):
            self.stage = stage
            while rounds < max_rounds and self._round(rounds):
                rounds += 1
        self._materialised()

    def _materialised(self) -> ServiceProcess:
        """The to-be as a process."""
        if self._built is not self.working:
            self.current, self._built = self.working.build(), self.working
        return self.current

    def _round(self, round_: int) -> bool:
        origin, before, start = self._materialised(), self.current_metrics, self.working
        evaluated = []
        for candidate in self._candidates(origin):
            key = (candidate.heuristic, candidate.targets)
            if candidate.needs_legal_change:
                if key not in self._seen:
                    self._seen.add(key)
                    self._record(origin, candidate, {}, 0.0, round_, applied=False)
                continue
            outcome = self._try(candidate)
            if outcome is not None:
                evaluated.append((self.score(outcome.metrics) - self.score(before), outcome))
        evaluated.sort(
            key=lambda e: (_rounded(e[0]), e[1].candidate.heuristic, e[1].candidate.targets)
        )
        applied_any = False
        for change, outcome in evaluated:
            candidate = outcome.candidate
            key = (candidate.heuristic, candidate.targets)
            impact = {m: outcome.metrics[m] - before[m] for m in METRICS}
            if self.working is not start and change < -_IMPROVEMENT:
                # An earlier change of this round altered the process: try this one again on it.
                outcome = self._try(candidate)
            applied = change < -_IMPROVEMENT and outcome is not None and self._apply(outcome)
            applied_any |= applied
            if key not in self._seen or applied:
                self._seen.add(key)
                self._record(origin, candidate, impact, change, round_, applied)
        return applied_any

    def _candidates(self, process: ServiceProcess) -> Iterable[Candidate]:
        for heuristic in HEURISTICS.values():
            if heuristic.stage <= self.stage and heuristic.id not in self.constraints.exclude:
                yield from heuristic.candidates(process, self.constraints)

    def _try(self, candidate: Candidate) -> _Outcome | None:
        """``candidate`` made on the current to-be, checked and measured; None if invalid."""
        editor = self.working.copy()
        if not all(t in editor.nodes for t in candidate.targets):
            return None
        try:
            candidate.apply(editor)
            editor.tidy()
        except (ModelError, ValueError, KeyError):
            return None
        trace = _compose_trace(self.trace, editor)
        if self._unlawful(editor, trace):
            return None
        regions = self.regions.edited(editor)
        return None if regions is None else _Outcome(candidate, editor, regions, trace)

    def _unlawful(self, editor: Editor, trace: dict[str, str | None]) -> bool:
        """Whether the edited to-be loses a mandatory step or a document in time. A lawful
        to-be stays lawful when steps change in place without giving up a mandate, needing
        more documents or producing fewer."""
        if self.lawful and not editor.rewired:
            old, new = self.working.node, editor.node
            if all(_asks_no_more(old(n), new(n)) for n in editor.changed):
                return False
        return bool(self.law.problems(editor.nodes, editor.successors, trace))

    def _apply(self, outcome: _Outcome) -> bool:
        if self.score(outcome.metrics) >= self.score(self.current_metrics) - _IMPROVEMENT:
            return False
        self.trace = outcome.trace
        self.working, self.regions = outcome.editor, outcome.regions
        self.current_metrics, self.lawful = outcome.metrics, True
        candidate = outcome.candidate
        plan = (*self.reached[-1].plan, f"{candidate.heuristic}:{','.join(candidate.targets)}")
        self.reached.append(_Reached(plan, outcome.editor, outcome.metrics))
        return True

    def alternatives(self) -> list[Alternative]:
        """The to-bes of the plan that no other one beats on every metric."""
        return [
            Alternative(
                to_be.plan,
                self._process(to_be.editor),
                MappingProxyType(to_be.metrics),
                self.score(to_be.metrics),
            )
            for to_be in _pareto(self.reached)
        ]

    def _process(self, editor: Editor | None) -> ServiceProcess:
        if editor is None:
            return self.as_is
        return self._materialised() if editor is self.working else editor.build()

    def _record(
        self,
        origin: ServiceProcess,
        candidate: Candidate,
        impact: dict[str, float],
        change: float,
        round_: int,
        applied: bool,
    ) -> None:
        names = tuple(origin.step(t).name for t in candidate.targets)
        self.proposals.append(
            Proposal(
                heuristic=candidate.heuristic,
                targets=names,
                step_ids=candidate.targets,
                rationale=candidate.rationale,
                impact=MappingProxyType(impact),
                needs_legal_change=candidate.needs_legal_change,
                applied=applied,
                round=round_,
                score_change=change,
            )
        )


def _asks_no_more(old: Step, new: Step) -> bool:
    """``new`` keeps ``old``'s mandate and outputs and needs no documents ``old`` did not;
    where ``old`` is unknown, ``new`` may only be unknown too (or need nothing)."""
    keeps_mandate = old.mandatory is False or new.mandatory in (old.mandatory, True)
    if old.documents_in is None:
        needs_no_more = not new.documents_in
    else:
        needs_no_more = new.documents_in is not None and new.documents_in <= old.documents_in
    if old.documents_out is None:
        gives_as_much = True
    else:
        gives_as_much = new.documents_out is not None and new.documents_out >= old.documents_out
    return keeps_mandate and needs_no_more and gives_as_much


def _compose_trace(trace: dict[str, str | None], editor: Editor) -> dict[str, str | None]:
    """Follow each as-is step through the editor's merges and removals."""
    if not editor.moved:
        return trace
    return {
        original: None if current is None else editor.where(current)
        for original, current in trace.items()
    }


def violations(
    as_is: ServiceProcess, to_be: ServiceProcess, trace: Mapping[str, str | None]
) -> list[str]:
    """What a to-be breaks: mandatory steps lost and documents no longer produced in time.

    ``trace`` maps each as-is step id to the to-be step that carries it on (``None`` when the
    step was removed). An empty list means the to-be keeps the law and the data.

    Examples
    --------
    >>> from bpr import ServiceProcess, Step
    >>> as_is = ServiceProcess.from_blocks(
    ...     "P", Step("a", "Apply", documents_out="form"),
    ...     Step("b", "Check", documents_in="form", mandatory=True))
    >>> to_be = ServiceProcess.from_blocks("P", Step("b", "Check", documents_in="form"))
    >>> violations(as_is, to_be, {"a": None, "b": "b"})
    ["mandatory step 'Check' was removed", "'Check' needs 'form' but nothing produces it before"]
    """
    return _Law(as_is).problems({n.id: n for n in to_be.nodes}, to_be.successors, trace)


class _Law:
    """What every to-be must keep of the as-is: its mandatory steps, and for each document a
    step needs that the as-is produces, a step before it that produces it."""

    def __init__(self, as_is: ServiceProcess) -> None:
        self.mandatory = [s for s in as_is.steps if s.mandatory]
        self.produced = frozenset(d for s in as_is.steps for d in s.documents_out or ())

    def problems(
        self,
        nodes: Mapping[str, Node],
        successors: Callable[[str], Iterable[str]],
        trace: Mapping[str, str | None],
    ) -> list[str]:
        steps = [n for n in nodes.values() if isinstance(n, Step)]
        kept = {s.id for s in steps if s.mandatory}
        problems = [
            f"mandatory step {step.name!r} was removed"
            for step in self.mandatory
            if trace.get(step.id) not in kept
        ]
        needs = [(s, sorted((s.documents_in or frozenset()) & self.produced)) for s in steps]
        wanted = {d for _, needed in needs for d in needed}
        if wanted:
            available = _available(nodes, successors, wanted)
            problems += [
                f"{step.name!r} needs {document!r} but nothing produces it before"
                for step, needed in needs
                for document in needed
                if document not in available.get(step.id, ())
            ]
        return problems


def _available(
    nodes: Mapping[str, Node], successors: Callable[[str], Iterable[str]], wanted: set[str]
) -> dict[str, frozenset[str]]:
    """For each node, the ``wanted`` documents that a step before it produces (loops cut at
    their back flows, so a step after a loop's exit does not count as before it)."""
    starts = [n.id for n in nodes.values() if isinstance(n, Event) and n.kind is EventKind.START]
    order, back = forward_walk(successors, starts)
    available: dict[str, frozenset[str]] = {}
    for node_id in order:
        here, node = available.get(node_id, frozenset()), nodes[node_id]
        if isinstance(node, Step):
            here |= (node.documents_out or frozenset()) & wanted
        for target in successors(node_id):
            if (node_id, target) not in back:
                available[target] = available.get(target, frozenset()) | here
    return available


def _rounded(change: float) -> float:
    """A score change without the rounding noise of its computation: changes that are equal
    in exact arithmetic compare equal, and go in the order of their heuristic and steps."""
    return round(change, _DIGITS)


def _pareto(reached: list[_Reached]) -> list[_Reached]:
    """The to-bes no other one beats on every metric (metrics equal up to rounding noise
    count as equal)."""

    def dominates(a: _Reached, b: _Reached) -> bool:
        pairs = [(a.metrics[m], b.metrics[m]) for m in METRICS]
        return all(x <= y or math.isclose(x, y, rel_tol=_NOISE) for x, y in pairs) and any(
            x < y and not math.isclose(x, y, rel_tol=_NOISE) for x, y in pairs
        )

    return [a for a in reached if not any(dominates(b, a) for b in reached)]
