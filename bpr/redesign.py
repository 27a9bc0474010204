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
from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from bpr._edit import Editor
from bpr._graph import forward_walk
from bpr._measure_model import check_size
from bpr._regions import METRICS, Regions
from bpr._words import in_unit
from bpr.errors import BprError, ModelError
from bpr.heuristics import HEURISTICS, Candidate, Constraints, Evidence
from bpr.model import Event, EventKind, Node, ServiceProcess, Step

if TYPE_CHECKING:
    import pandas as pd

    from bpr.simulate import SimulationComparison

__all__ = [
    "DEFAULT_WEIGHTS",
    "NOT_APPLIED",
    "Alternative",
    "Finding",
    "Proposal",
    "Redesign",
    "redesign",
]

#: Default objective weights: a citizen's trip weighs most, then the days the service takes.
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"visits": 3.0, "cycle_time": 2.0, "steps": 1.0, "handoffs": 1.0, "documents": 1.0}
)
_IMPROVEMENT = 1e-9
# Metrics and score changes are exact up to floating-point rounding (about 1e-15 relative).
_NOISE = 1e-12
_DIGITS = 12


#: Why a proposal was not applied, in the order the planner finds out.
NOT_APPLIED = MappingProxyType(
    {
        "locked": "a constraint locks one of its steps",
        "legal_change": "it needs a change in the law",
        "no_gain": "it does not improve the objective",
        "conflict": "an applied change took its steps away or made it invalid",
        "dominated": "once the applied changes are made, it no longer improves the objective",
        "untried": "the planner's time budget ran out before it was measured",
    }
)


@attrs.frozen
class Proposal:
    """One named change with its reason, the evidence it rests on and its measured effect.

    ``impact`` maps each metric to its change (after minus before) when this change alone is
    made on the process it was proposed for; ``targets`` are the names of the steps it changes.
    ``applied`` says whether the to-be includes it, ``not_applied`` why not (a key of
    :data:`NOT_APPLIED`), and ``round`` when it was proposed (0 = on the as-is, later rounds
    once earlier changes made it possible). A proposal appears once, however many rounds
    proposed it again.
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
    evidence: tuple[Evidence, ...] = ()
    not_applied: str | None = None


@attrs.frozen
class Finding:
    """Something for the analyst to review, which the redesign did not act on.

    ``kind`` is ``"undocumented"`` (a step the log shows and the written procedure does not:
    ask the agency whether a law or regulation requires it, before anything is changed) or
    ``"missing_fields"`` (the ``steps`` lack the field in ``fields``, which the heuristics in
    ``needed_by`` read: none of them looks at those steps until it is given). ``cases_share``
    and ``executions`` say how often the steps run (share of cases, executions per case) and
    ``time`` what they cost per case (mean waiting and working time times executions), where
    the log says.
    """

    kind: str
    steps: tuple[str, ...]
    fields: tuple[str, ...] = ()
    needed_by: tuple[str, ...] = ()
    cases_share: float | None = None
    executions: float | None = None
    time: timedelta | None = None


@attrs.frozen
class Alternative:
    """A to-be reached by some of the changes, with its metrics (for the Pareto set)."""

    plan: tuple[str, ...]
    process: ServiceProcess = attrs.field(repr=False)
    metrics: Mapping[str, float]
    score: float


@attrs.frozen
class Redesign:
    """The result of :func:`redesign`: proposals, the to-be, and how they compare.

    :attr:`lineage` maps each as-is step id to the id of the to-be step that carries it on
    (``None`` when a change removed it); :attr:`notes` say what the planner left out, such
    as the candidates it had no time to measure within its ``budget``.
    """

    as_is: ServiceProcess = attrs.field(repr=False)
    to_be: ServiceProcess = attrs.field(repr=False)
    proposals: tuple[Proposal, ...]
    lineage: Mapping[str, str | None] = attrs.field(repr=False)
    weights: Mapping[str, float]
    constraints: Constraints
    alternatives: tuple[Alternative, ...] = attrs.field(repr=False)
    notes: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def trace(self) -> Mapping[str, str | None]:
        """Deprecated name of :attr:`lineage` (a trace is a case's events in process mining)."""
        import warnings

        warnings.warn(
            "Redesign.trace is renamed Redesign.lineage and will be removed in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.lineage

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
        """One row per proposal: heuristic, targets, applied (or why not), legal change,
        impact, rationale and evidence (one ``step: field = value (source: detail)`` per
        line)."""
        import pandas as pd

        columns = [
            "heuristic", "targets", "applied", "not_applied", "round", "needs_legal_change",
            *(f"Δ {m}" for m in METRICS), "rationale", "evidence",
        ]  # fmt: skip
        rows = [
            {
                "heuristic": p.heuristic,
                "targets": "; ".join(p.targets),
                "applied": p.applied,
                "not_applied": p.not_applied,
                "round": p.round,
                "needs_legal_change": p.needs_legal_change,
                **{f"Δ {m}": p.impact.get(m) for m in METRICS},
                "rationale": p.rationale,
                "evidence": "\n".join(_evidence_text(e) for e in p.evidence),
            }
            for p in self.proposals
        ]
        return pd.DataFrame(rows, columns=columns)

    def findings_frame(self) -> pd.DataFrame:
        """One row per finding: kind, steps, fields, the heuristics that need them, share of
        cases, executions per case and time per case in hours."""
        import pandas as pd

        rows = [
            {
                "kind": f.kind,
                "steps": "; ".join(f.steps),
                "fields": "; ".join(f.fields),
                "needed_by": "; ".join(f.needed_by),
                "cases_share": f.cases_share,
                "executions": f.executions,
                "time_h": None if f.time is None else f.time.total_seconds() / 3600,
            }
            for f in self.findings
        ]
        columns = ["kind", "steps", "fields", "needed_by", "cases_share", "executions", "time_h"]
        return pd.DataFrame(rows, columns=columns)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{'✔' if p.applied else html.escape(NOT_APPLIED[p.not_applied or ''])}</td>"
            f"<td>{html.escape(p.heuristic)}</td><td>{html.escape('; '.join(p.targets))}</td>"
            f"<td>{html.escape(p.rationale)}</td>"
            f"<td>{'<br>'.join(html.escape(_evidence_text(e)) for e in p.evidence)}</td></tr>"
            for p in self.proposals
        )
        compare = self.compare().to_html(float_format=lambda x: f"{x:.2f}")
        return (
            f"<h4>Redesign of {html.escape(self.as_is.name)}: {len(self.plan)} changes applied, "
            f"{len(self.proposals) - len(self.plan)} not, {len(self.findings)} findings to "
            f"review</h4>{compare}"
            "<table><tr><th>applied</th><th>heuristic</th><th>steps</th><th>rationale</th>"
            f"<th>evidence</th></tr>{rows}</table>"
        )


def _evidence_text(evidence: Evidence) -> str:
    """One line of evidence: ``step: field = value (source: detail, confidence)``."""
    value = evidence.value
    shown = getattr(value, "value", value)
    if isinstance(value, frozenset):
        shown = "; ".join(sorted(value)) or "none"
    sure = "" if evidence.confidence is None else f", {evidence.confidence:.0%} sure"
    return (
        f"{evidence.step}: {evidence.field} = {shown} ({evidence.source}: {evidence.detail}{sure})"
    )


def redesign(
    process: ServiceProcess,
    *,
    log: Any = None,
    constraints: Constraints | Mapping[str, Any] | None = None,
    objectives: Mapping[str, float] | None = None,
    max_rounds: int = 10,
    budget: float | timedelta | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> Redesign:
    """Propose and apply digitization changes to ``process``.

    Parameters
    ----------
    process
        The as-is process (typed steps make better proposals).
    log
        The event log of the as-is: its number of cases gives the findings their share of
        cases (else the count on the flow out of the start event, for a discovered process).
    constraints
        A :class:`~bpr.heuristics.Constraints` or a mapping of its fields.
    objectives
        Weights over ``visits``, ``cycle_time``, ``steps``, ``handoffs``, ``documents`` (and
        ``agencies``); the objective is the weighted mean of each metric relative to the
        as-is, lower is better. Defaults: :data:`DEFAULT_WEIGHTS`.
    max_rounds
        At most this many rounds of proposing and applying.
    budget
        At most this much time (seconds or a ``timedelta``) for measuring candidates; ``None``
        for no limit. When it runs out the planner stops: the candidates it did not measure
        are proposals with ``not_applied == "untried"``, and :attr:`Redesign.notes` says so.
    progress
        Told ``(round, done, candidates)`` after each candidate of a round is measured (or
        held back: locked, or needing a legal change).

    Returns
    -------
    Redesign

    Raises
    ------
    BprError
        When ``log`` is not an :class:`~bpr.EventLog` or ``budget`` is not a positive time.
    ModelError
        When ``objectives`` are not non-negative weights over the planner's metrics.

    Examples
    --------
    >>> from bpr.examples import vehicle_transfer
    >>> r = redesign(vehicle_transfer(), budget=0)  # no time at all: nothing is measured
    >>> r.plan, {p.not_applied for p in r.proposals}
    ((), {'untried'})
    >>> print(r.notes[-1])  # doctest: +ELLIPSIS
    the time budget of 0 s ran out in round 0: 0 of 11 candidates looked at; the others ...
    """
    rules = (
        constraints if isinstance(constraints, Constraints) else Constraints(**(constraints or {}))
    )
    weights = _weights(objectives)
    _check_log(log)
    check_size(process)
    planner = _Planner(process, rules, weights, _Clock(_seconds(budget), progress))
    planner.run(max_rounds)
    return Redesign(
        as_is=process,
        to_be=planner.current,
        proposals=tuple(planner.proposals),
        lineage=MappingProxyType(planner.lineage),
        weights=MappingProxyType(weights),
        constraints=rules,
        alternatives=tuple(planner.alternatives()),
        notes=(
            *_unweighed(process, [m for m in weights if math.isnan(planner.base[m])]),
            *planner.clock.notes,
        ),
        findings=(*_undocumented(process, _cases(process, log)), *_missing(process, rules)),
    )


def _check_log(log: Any) -> None:
    from bpr.log import EventLog

    if log is not None and not isinstance(log, EventLog):
        raise BprError(
            f"redesign: log= takes the as-is's EventLog (its cases give the findings their "
            f"share), got {type(log).__name__}; read it with bpr.read_log first"
        )


def _seconds(budget: float | timedelta | None) -> float | None:
    seconds = budget.total_seconds() if isinstance(budget, timedelta) else budget
    if seconds is not None and (
        isinstance(seconds, bool) or not isinstance(seconds, int | float) or not seconds >= 0
    ):
        raise BprError(f"redesign: budget is seconds or a timedelta of 0 or more, got {budget!r}")
    return seconds


class _Clock:
    """The planner's time budget and its progress callback; ``notes`` say when it ran out."""

    def __init__(
        self, budget: float | None, progress: Callable[[int, int, int], None] | None
    ) -> None:
        import time

        self.budget, self.progress = budget, progress
        self.began = time.monotonic()
        self.notes: list[str] = []

    @property
    def out(self) -> bool:
        import time

        return self.budget is not None and time.monotonic() - self.began >= self.budget

    def tell(self, round_: int, looked_at: int, candidates: int) -> None:
        if self.progress is not None:
            self.progress(round_, looked_at, candidates)

    def stopped(self, round_: int, measured: int, candidates: int) -> None:
        self.notes.append(
            f"the time budget of {self.budget:g} s ran out in round {round_}: {measured} of "
            f"{candidates} candidates looked at; the others are proposals not applied as "
            "'untried', and later rounds did not run (give a larger budget= to try them)"
        )


def _unweighed(process: ServiceProcess, metrics: list[str]) -> tuple[str, ...]:
    """A note for each metric the objective leaves out because the as-is does not know it."""
    if not metrics:
        return ()
    from bpr.measure import measure

    why = measure(process).unknown
    return tuple(
        f"the as-is {m.replace('_', ' ')} is unknown ("
        + (str(why[m]) if m in why else "a step has no duration or statistics")
        + "), so the objective leaves it out"
        for m in metrics
    )


def _cases(process: ServiceProcess, log: Any) -> int | None:
    """How many cases the process's statistics count: the log's, else the flow out of the
    start event (a discovered process counts its cases there)."""
    if log is not None and hasattr(log, "n_cases"):
        return int(log.n_cases)
    frequencies = [
        process.flow(s.id, t).frequency for s in process.starts for t in process.successors(s.id)
    ]
    known = [f for f in frequencies if f is not None]
    return sum(known) if known and len(known) == len(frequencies) else None


def _undocumented(process: ServiceProcess, cases: int | None) -> list[Finding]:
    """A finding for each step the written procedure does not name, most frequent first."""
    findings = []
    for step in process.steps:
        if step.documented is not False:
            continue
        stats = step.stats
        share = executions = time = None
        if stats is not None and cases:
            share, executions = stats.cases / cases, stats.events / cases
            parts = [d.mean for d in (stats.waiting, stats.working) if d is not None]
            time = sum(parts, timedelta(0)) * executions if parts else None
        findings.append(Finding("undocumented", (step.name,), (), (), share, executions, time))
    return sorted(findings, key=lambda f: (-(f.cases_share or 0.0), f.steps))


def _missing(process: ServiceProcess, constraints: Constraints) -> list[Finding]:
    """For each field some step lacks, the steps and the heuristics that need it, the field
    most steps lack first."""
    lacking: dict[str, dict[str, list[str]]] = {}  # field -> step -> heuristics
    for heuristic in HEURISTICS.values():
        if heuristic.id in constraints.exclude:
            continue
        for step in process.steps:
            for field in heuristic.lacking(step):
                lacking.setdefault(field, {}).setdefault(step.name, []).append(heuristic.id)
    findings = [
        Finding(
            "missing_fields",
            tuple(steps),
            (field,),
            tuple(dict.fromkeys(h for hs in steps.values() for h in hs)),
        )
        for field, steps in lacking.items()
    ]
    return sorted(findings, key=lambda f: (-len(f.steps), f.fields))


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
        "cycle_time": in_unit(cycle, "days"),
    }


@attrs.frozen
class _Outcome:
    """A candidate made, checked and measured on the to-be of the moment."""

    candidate: Candidate
    editor: Editor = attrs.field(repr=False)
    regions: Regions = attrs.field(repr=False)
    lineage: dict[str, str | None]

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
        self,
        process: ServiceProcess,
        constraints: Constraints,
        weights: dict[str, float],
        clock: _Clock,
    ) -> None:
        self.clock = clock
        self.as_is = self.current = process
        self.constraints = constraints
        self.weights = weights
        self.working = Editor(process)
        self.working.settle()
        self._built = self.working  # the editor that self.current was made from
        self.regions = Regions.of(self.working)
        self.base = self.current_metrics = self.regions.metrics()
        self.law = _Law(process)
        self.lineage: dict[str, str | None] = {s.id: s.id for s in process.steps}
        self.lawful = not self.law.problems(
            self.working.nodes, self.working.successors, self.lineage
        )
        self._proposals: dict[tuple[str, tuple[str, ...]], Proposal] = {}
        self.reached: list[_Reached] = [_Reached((), None, self.base)]
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
            while rounds < max_rounds and not self.clock.notes and self._round(rounds):
                rounds += 1
        self._materialised()

    def _materialised(self) -> ServiceProcess:
        """The to-be as a process."""
        if self._built is not self.working:
            self.current, self._built = self.working.build(), self.working
        return self.current

    @property
    def proposals(self) -> list[Proposal]:
        """Every proposal once, in the order first proposed."""
        return list(self._proposals.values())

    def _round(self, round_: int) -> bool:
        origin, before, start = self._materialised(), self.current_metrics, self.working
        evaluated = []
        candidates = list(self._candidates(origin))
        for done, candidate in enumerate(candidates):
            held = self._held(origin, candidate)
            if held is not None:
                self._record(origin, candidate, {}, 0.0, round_, held)
            elif self.clock.out:
                self._untried(origin, candidates[done:], round_, done, len(candidates))
                break
            else:
                outcome = self._try(candidate)
                if outcome is not None:
                    evaluated.append((self.score(outcome.metrics) - self.score(before), outcome))
            self.clock.tell(round_, done + 1, len(candidates))
        evaluated.sort(
            key=lambda e: (_rounded(e[0]), e[1].candidate.heuristic, e[1].candidate.targets)
        )
        applied_any = False
        for change, outcome in evaluated:
            candidate = outcome.candidate
            impact = {m: outcome.metrics[m] - before[m] for m in METRICS}
            if change >= -_IMPROVEMENT:
                self._record(origin, candidate, impact, change, round_, "no_gain")
                continue
            if self.working is not start:
                if self.clock.out:
                    self._record(origin, candidate, impact, change, round_, "untried")
                    continue
                # An earlier change of this round altered the process: try this one again on it.
                outcome = self._try(candidate)
            if outcome is None:
                self._record(origin, candidate, impact, change, round_, "conflict")
                continue
            applied = self._apply(outcome)
            applied_any |= applied
            self._record(
                origin, candidate, impact, change, round_, None if applied else "dominated"
            )
        return applied_any

    def _untried(
        self,
        origin: ServiceProcess,
        left: list[Candidate],
        round_: int,
        measured: int,
        candidates: int,
    ) -> None:
        """The budget ran out: the candidates ``left`` are recorded as not measured."""
        self.clock.stopped(round_, measured, candidates)
        for candidate in left:
            held = self._held(origin, candidate)
            self._record(origin, candidate, {}, 0.0, round_, held or "untried")

    def _held(self, origin: ServiceProcess, candidate: Candidate) -> str | None:
        """Why ``candidate`` is not even tried: a locked step, or a legal change."""
        if any(self.constraints.is_locked(origin.step(t)) for t in candidate.targets):
            return "locked"
        return "legal_change" if candidate.needs_legal_change else None

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
        except ModelError:  # the change does not fit here; anything else is a bug to see
            return None
        lineage = _compose_lineage(self.lineage, editor)
        if self._unlawful(editor, lineage):
            return None
        regions = self.regions.edited(editor)
        return None if regions is None else _Outcome(candidate, editor, regions, lineage)

    def _unlawful(self, editor: Editor, lineage: dict[str, str | None]) -> bool:
        """Whether the edited to-be loses a mandatory step or a document in time. A lawful
        to-be stays lawful when steps change in place without giving up a mandate, needing
        more documents or producing fewer."""
        if self.lawful and not editor.rewired:
            old, new = self.working.node, editor.node
            if all(_asks_no_more(old(n), new(n)) for n in editor.changed):
                return False
        return bool(self.law.problems(editor.nodes, editor.successors, lineage))

    def _apply(self, outcome: _Outcome) -> bool:
        if self.score(outcome.metrics) >= self.score(self.current_metrics) - _IMPROVEMENT:
            return False
        self.lineage = outcome.lineage
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
        not_applied: str | None,
    ) -> None:
        """Keep the proposal once: its first record, unless a later round applies it."""
        key = (candidate.heuristic, candidate.targets)
        if key in self._proposals and (not_applied is not None or self._proposals[key].applied):
            return
        names = tuple(origin.step(t).name for t in candidate.targets)
        # Applied at last: it moves to the end, so applied proposals keep the order applied.
        self._proposals.pop(key, None)
        self._proposals[key] = Proposal(
            heuristic=candidate.heuristic,
            targets=names,
            step_ids=candidate.targets,
            rationale=candidate.rationale,
            impact=MappingProxyType(impact),
            needs_legal_change=candidate.needs_legal_change,
            applied=not_applied is None,
            round=round_,
            score_change=change,
            evidence=candidate.evidence,
            not_applied=not_applied,
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


def _compose_lineage(lineage: dict[str, str | None], editor: Editor) -> dict[str, str | None]:
    """Follow each as-is step through the editor's merges and removals."""
    if not editor.moved:
        return lineage
    return {
        original: None if current is None else editor.where(current)
        for original, current in lineage.items()
    }


def violations(
    as_is: ServiceProcess, to_be: ServiceProcess, lineage: Mapping[str, str | None]
) -> list[str]:
    """What a to-be breaks: mandatory steps lost and documents no longer produced in time.

    ``lineage`` maps each as-is step id to the to-be step that carries it on (``None`` when the
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
    return _Law(as_is).problems({n.id: n for n in to_be.nodes}, to_be.successors, lineage)


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
        lineage: Mapping[str, str | None],
    ) -> list[str]:
        steps = [n for n in nodes.values() if isinstance(n, Step)]
        kept = {s.id for s in steps if s.mandatory}
        problems = [
            f"mandatory step {step.name!r} was removed"
            for step in self.mandatory
            if lineage.get(step.id) not in kept
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
