"""Redesign for digitization: a planner over the heuristic catalogue.

:func:`redesign` asks every heuristic of :data:`bpr.HEURISTICS` what it would change, measures
each change alone with :func:`bpr.measure`, and builds the to-be process from the changes that
improve a weighted objective, in rounds, until nothing improves it. Every change keeps the law
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
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs
import networkx as nx

from bpr._edit import Editor
from bpr._graph import acyclic
from bpr.errors import ModelError
from bpr.heuristics import HEURISTICS, Candidate, Constraints
from bpr.model import ServiceProcess

if TYPE_CHECKING:
    import pandas as pd

    from bpr.simulate import SimulationComparison

__all__ = ["DEFAULT_WEIGHTS", "Alternative", "Proposal", "Redesign", "redesign"]

#: Default objective weights: a citizen's trip weighs most, then the days the service takes.
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"visits": 3.0, "cycle_time": 2.0, "steps": 1.0, "handoffs": 1.0, "documents": 1.0}
)
METRICS = ("steps", "visits", "handoffs", "agencies", "documents", "cycle_time")
_IMPROVEMENT = 1e-9


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
        return pd.DataFrame(rows)

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
        alternatives=tuple(_pareto(planner.alternatives)),
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
    return {
        "steps": float(length.steps),
        "visits": float(length.visits),
        "handoffs": float(length.handoffs),
        "agencies": float(length.agencies),
        "documents": float(length.documents),
        "cycle_time": 0.0 if cycle is None else cycle.total_seconds() / 86400,
    }


@attrs.frozen
class _Outcome:
    """A candidate made, checked and measured on the process of the moment."""

    candidate: Candidate
    process: ServiceProcess
    metrics: dict[str, float]
    trace: dict[str, str | None]


class _Planner:
    """Rounds of: propose on the current to-be, measure each change alone, then apply the
    improving ones best first when they still improve the combined result."""

    def __init__(
        self, process: ServiceProcess, constraints: Constraints, weights: dict[str, float]
    ) -> None:
        self.as_is = self.current = process
        self.constraints = constraints
        self.weights = weights
        self.base = _metrics(process)
        self.current_metrics = self.base
        self.proposals: list[Proposal] = []
        self.trace: dict[str, str | None] = {s.id: s.id for s in process.steps}
        self.alternatives: list[Alternative] = [self._alternative((), process, self.base)]
        self._seen: set[tuple[str, tuple[str, ...]]] = set()
        self.stage = 1

    def score(self, metrics: Mapping[str, float]) -> float:
        total = sum(self.weights.values()) or 1.0
        return (
            sum(
                w * (metrics[m] / self.base[m] if self.base[m] else metrics[m])
                for m, w in self.weights.items()
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

    def _round(self, round_: int) -> bool:
        origin, before = self.current, self.current_metrics
        evaluated = []
        for candidate in self._candidates():
            key = (candidate.heuristic, candidate.targets)
            if candidate.needs_legal_change:
                if key not in self._seen:
                    self._seen.add(key)
                    self._record(origin, candidate, {}, 0.0, round_, applied=False)
                continue
            outcome = self._try(candidate)
            if outcome is not None:
                evaluated.append((self.score(outcome.metrics) - self.score(before), outcome))
        evaluated.sort(key=lambda e: (e[0], e[1].candidate.heuristic, e[1].candidate.targets))
        applied_any = False
        for change, outcome in evaluated:
            candidate = outcome.candidate
            key = (candidate.heuristic, candidate.targets)
            impact = {m: outcome.metrics[m] - before[m] for m in METRICS}
            if self.current is not origin and change < -_IMPROVEMENT:
                # An earlier change of this round altered the process: try this one again on it.
                outcome = self._try(candidate)
            applied = change < -_IMPROVEMENT and outcome is not None and self._apply(outcome)
            applied_any |= applied
            if key not in self._seen or applied:
                self._seen.add(key)
                self._record(origin, candidate, impact, change, round_, applied)
        return applied_any

    def _candidates(self) -> Iterable[Candidate]:
        for heuristic in HEURISTICS.values():
            if heuristic.stage <= self.stage and heuristic.id not in self.constraints.exclude:
                yield from heuristic.candidates(self.current, self.constraints)

    def _try(self, candidate: Candidate) -> _Outcome | None:
        """``candidate`` made on the current process, checked and measured; None if invalid."""
        editor = Editor(self.current)
        if not all(t in editor.nodes for t in candidate.targets):
            return None
        try:
            candidate.apply(editor)
            process = editor.build()
        except (ModelError, ValueError, KeyError):
            return None
        trace = _compose_trace(self.trace, editor)
        if violations(self.as_is, process, trace):
            return None
        return _Outcome(candidate, process, _metrics(process), trace)

    def _apply(self, outcome: _Outcome) -> bool:
        if self.score(outcome.metrics) >= self.score(self.current_metrics) - _IMPROVEMENT:
            return False
        self.trace = outcome.trace
        self.current, self.current_metrics = outcome.process, outcome.metrics
        candidate = outcome.candidate
        plan = (*self.alternatives[-1].plan, f"{candidate.heuristic}:{','.join(candidate.targets)}")
        self.alternatives.append(self._alternative(plan, outcome.process, outcome.metrics))
        return True

    def _alternative(
        self, plan: tuple[str, ...], process: ServiceProcess, metrics: dict[str, float]
    ) -> Alternative:
        return Alternative(plan, process, MappingProxyType(metrics), self.score(metrics))

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


def _compose_trace(trace: dict[str, str | None], editor: Editor) -> dict[str, str | None]:
    """Follow each as-is step through the editor's merges and removals."""
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
    """
    kept = {s.id for s in to_be.steps if s.mandatory}
    problems = [
        f"mandatory step {step.name!r} was removed"
        for step in as_is.steps
        if step.mandatory and trace.get(step.id) not in kept
    ]
    produced_before = {d for s in as_is.steps for d in s.documents_out}
    graph = None
    for step in to_be.steps:
        needed = sorted(step.documents_in & produced_before)
        if not needed:
            continue
        graph = acyclic(to_be) if graph is None else graph
        earlier = nx.ancestors(graph, step.id)
        for document in needed:
            if not any(s.id in earlier and document in s.documents_out for s in to_be.steps):
                problems.append(f"{step.name!r} needs {document!r} but nothing produces it before")
    return problems


def _pareto(alternatives: list[Alternative]) -> list[Alternative]:
    """The alternatives no other one beats on every metric."""

    def dominates(a: Alternative, b: Alternative) -> bool:
        return all(a.metrics[m] <= b.metrics[m] for m in METRICS) and any(
            a.metrics[m] < b.metrics[m] for m in METRICS
        )

    return [a for a in alternatives if not any(dominates(b, a) for b in alternatives)]
