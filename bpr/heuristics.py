"""The redesign heuristics: named, sourced, pure units that propose changes to a process.

Each :class:`Heuristic` in :data:`HEURISTICS` looks at a process and returns
:class:`Candidate` changes: which steps it would change, why, and a function that makes the
change on an editing copy. A heuristic never changes its input and never decides whether a
change is worth it; :func:`bpr.redesign` measures and chooses.

The catalogue follows the redesign best practices of Reijers and Limam Mansar (2005) and the
moves of the e-government literature (the once-only principle of e-inquiry, channel shift,
counter-office delegation, single window):

======================  ==============================================================
id                      best practice
======================  ==============================================================
``e_inquiry``           integral technology / once-only: paper from another agency becomes data
``channel_shift``       integral technology, contact reduction: in-person steps go online
``counter_office``      case-based work near the customer: counter offices (*pishkhan*)
``single_window``       contact reduction, case manager: one contact point for the citizen
``eliminate``           task elimination: redundant approvals, checks, copying, re-entry
``compose``             task composition: consecutive steps of one actor merge
``parallelize``         parallelism: independent steps run at the same time
``knockout_order``      knock-out: checks most likely to reject and cheapest go first
``automate``            task automation: rule-based checks and decisions by the system
======================  ==============================================================

Examples
--------
>>> sorted(HEURISTICS)[:3]
['automate', 'channel_shift', 'compose']
>>> HEURISTICS["e_inquiry"].practice
'Integral technology / once-only principle (Reijers & Limam Mansar 2005; EU TOOP)'
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import Any

import attrs
import networkx as nx

from bpr._edit import Editor
from bpr._graph import acyclic
from bpr._measure_model import step_seconds
from bpr._steps import SYSTEM_DURATION, presence, visit_place
from bpr._words import actor_phrase, channel_phrase, duration, shift_name
from bpr.errors import ModelError
from bpr.model import (
    Actor,
    Channel,
    Event,
    EventKind,
    Gateway,
    GatewayKind,
    ServiceProcess,
    Source,
    Step,
    StepKind,
)

__all__ = [
    "COMPOSE_MAX_WAIT",
    "HEURISTICS",
    "WASTE_CONFIDENCE",
    "Candidate",
    "Constraints",
    "Evidence",
    "Heuristic",
]

#: Two steps whose median gap in the log reaches this are waiting for something between them
#: (a signature, a file from elsewhere, a queue): they are not composed into one task.
COMPOSE_MAX_WAIT = timedelta(days=1)
#: The classifier's confidence from which its reading of a label as waste (copying, a second
#: signature, re-entry, a paper archive) is evidence enough to propose removing the step.
WASTE_CONFIDENCE = 0.9


def _frozen_names(value: object) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset({value})
    if not isinstance(value, Iterable):
        raise ModelError(f"Constraints: expected a name or a list of names; got {value!r}")
    return frozenset(str(v) for v in value)


def _frozen_kinds(value: object) -> frozenset[StepKind]:
    # A named ModelError, not enum's bare ValueError, for a kind that does not exist.
    from bpr.model import enum_value

    return frozenset(
        enum_value(StepKind, v, "Constraints", "no_automation") for v in _frozen_names(value)
    )


@attrs.frozen
class Constraints:
    """What redesign must respect beyond the law marked on the steps.

    Parameters
    ----------
    offline_agencies
        Agencies not on the government network: no e-inquiry to or from them.
    locked
        Step ids or names that no heuristic may change (proposals for them are reported as
        locked, never applied).
    no_automation
        Step kinds that must keep a person (e.g. ``{"decide"}``).
    in_person
        Step ids or names that must stay in person (the place may still move to a counter
        office, unless the step has ``fixed_channel``).
    exclude
        Heuristic ids not to use.

    Examples
    --------
    >>> Constraints(offline_agencies={"Municipality"}, no_automation=["decide"]).no_automation
    frozenset({<StepKind.DECIDE: 'decide'>})
    """

    offline_agencies: frozenset[str] = attrs.field(factory=frozenset, converter=_frozen_names)
    locked: frozenset[str] = attrs.field(factory=frozenset, converter=_frozen_names)
    no_automation: frozenset[StepKind] = attrs.field(factory=frozenset, converter=_frozen_kinds)
    in_person: frozenset[str] = attrs.field(factory=frozenset, converter=_frozen_names)
    exclude: frozenset[str] = attrs.field(factory=frozenset, converter=_frozen_names)

    def is_locked(self, step: Step) -> bool:
        return step.id in self.locked or step.name in self.locked

    def stays_in_person(self, step: Step) -> bool:
        return step.fixed_channel or step.id in self.in_person or step.name in self.in_person


@attrs.frozen
class Evidence:
    """One fact a proposal rests on, and where it comes from.

    Attributes
    ----------
    step : str
        The name of the step the fact is about.
    field : str
        What the fact is: a step field (``"citizen_present"``, ``"kind"``, ``"mandatory"``,
        ``"agency"``, ``"documents_out"``...), ``"waiting"`` (a time measured in the log) or
        ``"later_use"`` (whether a later step needs what the step produces).
    value : object
        The value the proposal relies on (an enum, a bool, a set of documents, a timedelta).
    source : str
        ``"annotation"``, ``"log_attribute"``, ``"classifier"``, ``"procedure"``,
        ``"log_time"`` or ``"model"`` (:class:`bpr.model.Source`).
    detail : str
        The file and row, the column and share of events, the classifier's rule, or how a
        time was measured.
    confidence : float or None
        How sure the source is, where it has a measure of it.
    """

    step: str
    field: str
    value: Any
    source: str
    detail: str
    confidence: float | None = None


def _evidence(step: Step, *fields: str) -> tuple[Evidence, ...]:
    """What ``step``'s values of ``fields`` rest on (the fields must be known)."""
    found = []
    for field in fields:
        source = step.source_of(field)
        if source is None:  # a derived value: presence read off the channel or the actor
            source = _derived_source(step, field)
        found.append(
            Evidence(
                step.name,
                field,
                _read(step, field),
                source.origin,
                source.detail,
                source.confidence,
            )
        )
    return tuple(found)


def _read(step: Step, field: str) -> Any:
    """A field as the heuristics read it: presence also through the channel or the actor."""
    return presence(step) if field == "citizen_present" else getattr(step, field)


def _derived_source(step: Step, field: str) -> Source:
    """Where a field read through another one comes from (presence from the channel)."""
    for other in ("channel", "actor"):
        source = step.source_of(other)
        if source is not None:
            return Source(field, source.origin, f"follows from the {other}: {source.detail}")
    return Source(field, "model", "set in the model")


@attrs.frozen
class Candidate:
    """A change a heuristic proposes, not yet measured.

    ``apply`` makes the change on an :class:`~bpr._edit.Editor`; ``targets`` are the ids of
    the steps it changes; ``needs_legal_change`` marks a change the law forbids today (it is
    reported, never applied); ``evidence`` is what the proposal rests on.
    """

    heuristic: str
    targets: tuple[str, ...]
    rationale: str
    apply: Callable[[Editor], None] = attrs.field(eq=False, repr=False)
    needs_legal_change: bool = False
    evidence: tuple[Evidence, ...] = ()


Propose = Callable[[ServiceProcess, Constraints], Iterator[Candidate]]


@attrs.frozen
class Heuristic:
    """One entry of the catalogue.

    ``stage`` orders the planner's work: 1 removes contacts and work (digitise, eliminate,
    automate), 2 restructures what remains (compose, parallelise, reorder), 3 relocates the
    contacts that must stay in person (counter office, single window). A later stage only runs
    once the earlier ones find nothing more to improve, so that a trip is not first moved to a
    counter office and then found unnecessary. ``reads`` are the step fields the heuristic
    needs known: a step lacking one is never changed by it, and :func:`bpr.redesign` lists
    such steps as a finding.
    """

    id: str
    name: str
    practice: str
    applies_when: str
    changes: str
    effect: str
    stage: int
    propose: Propose = attrs.field(eq=False, repr=False)
    reads: tuple[str, ...] = ()

    def candidates(
        self, process: ServiceProcess, constraints: Constraints | None = None
    ) -> list[Candidate]:
        """What this heuristic proposes for ``process`` (locked steps included: the planner
        reports those as locked)."""
        return list(self.propose(process, constraints or Constraints()))

    def lacking(self, step: Step) -> tuple[str, ...]:
        """The fields this heuristic reads that ``step`` lacks."""
        return tuple(f for f in self.reads if _unknown(step, f))


def _unknown(step: Step, field: str) -> bool:
    return _read(step, field) is None


# -- shared views of a process -------------------------------------------------------------


def _order(process: ServiceProcess) -> dict[str, int]:
    """A topological rank of every node, loops cut at their back flows."""
    return {n: i for i, n in enumerate(nx.lexicographical_topological_sort(acyclic(process)))}


class _Documents:
    """Who needs and who produces each document, and which steps come after which, worked out
    once per process (the heuristics ask for every step)."""

    def __init__(self, process: ServiceProcess) -> None:
        self.rank = _order(process)
        self.needs: dict[str, list[Step]] = {}
        self.producers: dict[str, list[Step]] = {}
        self.unknown_needs = [s for s in process.steps if s.documents_in is None]
        for step in process.steps:
            for document in step.documents_in or ():
                self.needs.setdefault(document, []).append(step)
            for document in step.documents_out or ():
                self.producers.setdefault(document, []).append(step)
        self._reach = _reach(process.graph, self.rank)

    def later(self, step: Step, other: Step) -> bool:
        """``other`` comes after ``step`` (reachable from it and ranked after it)."""
        rank = self.rank
        return rank[other.id] > rank[step.id] and bool(self._reach[step.id] >> rank[other.id] & 1)

    def later_users(self, step: Step) -> list[Step]:
        """The steps after ``step`` that need one of its documents, in model order."""
        users = {u.id: u for d in step.documents_out or () for u in self.needs.get(d, ())}
        later = [u for u in users.values() if self.later(step, u)]
        return sorted(later, key=lambda u: self.rank[u.id])

    def unused(self, step: Step) -> bool:
        """Known that no later step needs what ``step`` produces: its outputs are known, and
        every later step's needs are known (or it produces nothing)."""
        if step.documents_out is None:
            return False
        if not step.documents_out:
            return True
        unknown_later = any(self.later(step, u) for u in self.unknown_needs)
        return not unknown_later and not self.later_users(step)


def _reach(graph: nx.DiGraph, rank: Mapping[str, int]) -> dict[str, int]:
    """The nodes reachable from each node (loops included), as bit sets over ``rank``."""
    condensed = nx.condensation(graph)
    members = nx.get_node_attributes(condensed, "members")
    own = {comp: sum(1 << rank[n] for n in nodes) for comp, nodes in members.items()}
    reach: dict[int, int] = {}
    for comp in reversed(list(nx.topological_sort(condensed))):
        bits = own[comp] if len(members[comp]) > 1 else 0  # a loop's steps reach each other
        for after in condensed.successors(comp):
            bits |= reach[after] | own[after]
        reach[comp] = bits
    mapping = condensed.graph["mapping"]
    return {n: reach[mapping[n]] for n in graph}


def _next_step(process: ServiceProcess, step_id: str) -> Step | None:
    """The step right after ``step_id`` on a plain flow, if there is one."""
    (after,) = process.successors(step_id)
    node = process.node(after)
    return node if isinstance(node, Step) else None


def _chains(process: ServiceProcess) -> list[list[Step]]:
    """Maximal runs of steps joined by plain flows (no gateway between)."""
    chains = []
    for step in process.steps:
        (before,) = process.predecessors(step.id)
        if isinstance(process.node(before), Step):
            continue
        chain = [step]
        while (nxt := _next_step(process, chain[-1].id)) is not None:
            chain.append(nxt)
        chains.append(chain)
    return chains


def _system_step(step: Step, name: str) -> Step:
    return attrs.evolve(
        step,
        name=name,
        actor=Actor.SYSTEM,
        channel=Channel.SYSTEM,
        citizen_present=False,
        duration=SYSTEM_DURATION,
        stats=None,
        sources=_changed_sources(step, ("actor", "channel", "citizen_present")),
    )


def _changed_sources(step: Step, fields: tuple[str, ...]) -> tuple[Source, ...]:
    """``step``'s sources without those of ``fields``, which a redesign change sets: a
    changed field's source is the model (the change), not what typed the as-is."""
    return tuple(s for s in step.sources if s.field not in fields)


def _evolved(step: Step, **changes: Any) -> Step:
    """``step`` with ``changes``, the sources of the changed fields dropped."""
    return attrs.evolve(step, **changes, sources=_changed_sources(step, tuple(changes)))


def _replace(step: Step) -> Callable[[Editor], None]:
    return lambda editor: editor.replace(step)


# -- e_inquiry -----------------------------------------------------------------------------


def _e_inquiry(process: ServiceProcess, constraints: Constraints) -> Iterator[Candidate]:
    offline = constraints.offline_agencies
    documents = _Documents(process)
    seen: set[str] = set()
    for producer in process.steps:
        if not (presence(producer) and producer.documents_out and producer.agency):
            continue
        for consumer in documents.later_users(producer):
            carried = sorted(producer.documents_out & consumer.documents_in)
            if consumer.agency in (None, producer.agency):
                continue
            if producer.agency in offline or consumer.agency in offline:
                continue
            target = _inquiry_target(documents, producer, consumer, constraints)
            if target is None or target.id in seen:
                continue
            seen.add(target.id)
            yield _inquiry_candidate(target, producer, consumer, carried)


def _inquiry_target(
    documents: _Documents, producer: Step, consumer: Step, constraints: Constraints
) -> Step | None:
    """The step whose trip an e-inquiry saves: the fetching step itself when it only fetches
    the document, else a later in-person step that only hands the document in. A locked
    step is chosen only when no free one qualifies (the planner reports it as locked)."""
    options = []
    fetch_only = producer.kind in (StepKind.INQUIRY, StepKind.ISSUE)
    if fetch_only and not constraints.stays_in_person(producer):
        options.append(producer)
    if presence(consumer) and consumer.kind is StepKind.SUBMIT:
        brought_from_elsewhere = all(
            any(s.agency not in (None, consumer.agency) for s in documents.producers.get(d, ()))
            for d in consumer.documents_in or ()
        )
        if brought_from_elsewhere and not constraints.stays_in_person(consumer):
            options.append(consumer)
    free = [s for s in options if not constraints.is_locked(s)]
    return (free or options or [None])[0]


def _inquiry_candidate(
    target: Step, producer: Step, consumer: Step, carried: list[str]
) -> Candidate:
    documents = ", ".join(f"'{d}'" for d in carried)
    asker = consumer.agency
    changed = _system_step(target, f"E-inquiry to {producer.agency}: {', '.join(carried)}")
    changed = _evolved(
        changed,
        kind=StepKind.INQUIRY,
        agency=asker if target is consumer else producer.agency,
        documents_in=frozenset() if target is producer else target.documents_in,
        # The step is renamed: its Persian name says so too ("e-inquiry instead of ...").
        name_fa=f"استعلام الکترونیکی به‌جای «{target.name_fa}»" if target.name_fa else None,
    )
    rationale = (
        f"The citizen carries {documents} from {producer.agency} ('{producer.name}') to "
        f"{asker} ('{consumer.name}'). {asker} can ask {producer.agency} for it over the "
        f"government network instead, so '{target.name}' needs no trip and the paper need not "
        "be checked by hand."
    )
    evidence = (
        *_evidence(producer, "citizen_present", "agency", "documents_out"),
        *_evidence(consumer, "agency", "documents_in"),
    )
    return Candidate("e_inquiry", (target.id,), rationale, _replace(changed), False, evidence)


# -- channel_shift -------------------------------------------------------------------------

# The channel a step of each kind moves to (its name: bpr._words.shift_name).
_SHIFT = {StepKind.PAY: Channel.WEB, StepKind.SUBMIT: Channel.WEB, StepKind.NOTIFY: Channel.SMS}


def _channel_shift(process: ServiceProcess, constraints: Constraints) -> Iterator[Candidate]:
    for step in process.steps:
        shift = _SHIFT.get(step.kind) if step.kind is not None else None
        present = presence(step)
        paper_notice = step.kind is StepKind.NOTIFY and step.channel is Channel.MAIL
        if shift is None or not (present or paper_notice):
            continue
        if step.kind is StepKind.PAY and step.actor is not Actor.CITIZEN:
            continue  # only a payment the citizen makes moves to e-payment
        channel, how = shift, shift_name(step.kind, "en")
        changed = _evolved(step, channel=channel, citizen_present=False)
        if step.kind is not StepKind.NOTIFY:
            changed = _evolved(changed, actor=Actor.CITIZEN)
        legal = constraints.stays_in_person(step) and bool(present)
        where = f"in person at {step.agency or 'the office'}" if present else "by mail"
        rationale = (
            f"'{step.name}' happens {where}; as {how} ({channel_phrase(channel)}) the citizen "
            "does it from home" + (" — but the law fixes its channel today." if legal else ".")
        )
        facts = ("kind", "channel") if paper_notice else ("kind", "citizen_present")
        if step.kind is StepKind.PAY:
            facts = (*facts, "actor")
        yield Candidate(
            "channel_shift",
            (step.id,),
            rationale,
            _replace(changed),
            legal,
            _evidence(step, *facts),
        )


# -- counter_office ------------------------------------------------------------------------


def _counter_office(process: ServiceProcess, constraints: Constraints) -> Iterator[Candidate]:
    del constraints  # a locked step's proposal is reported as locked by the planner
    for step in process.steps:
        if not (
            presence(step)
            and step.actor is Actor.FRONT_OFFICE
            and step.channel is Channel.IN_PERSON
            and not step.fixed_channel
        ):
            continue
        changed = _evolved(step, actor=Actor.COUNTER_OFFICE, channel=Channel.COUNTER_OFFICE)
        rationale = (
            f"'{step.name}' needs the citizen in person but not at "
            f"{step.agency or 'the agency'}'s own office: a government counter office "
            "(pishkhan) near the citizen's home can take it."
        )
        evidence = _evidence(step, "citizen_present", "actor", "channel")
        yield Candidate("counter_office", (step.id,), rationale, _replace(changed), False, evidence)


# -- single_window -------------------------------------------------------------------------


def _single_window(process: ServiceProcess, constraints: Constraints) -> Iterator[Candidate]:
    movable = [
        s
        for s in process.steps
        if presence(s)
        and visit_place(s) is not None
        and not s.fixed_channel
        and not constraints.is_locked(s)
    ]
    places = {visit_place(s) for s in movable}
    if len(places) < 2:
        return
    changed = [
        _evolved(s, actor=Actor.COUNTER_OFFICE, channel=Channel.COUNTER_OFFICE) for s in movable
    ]
    names = ", ".join(f"'{s.name}'" for s in movable)
    rationale = (
        f"The citizen deals with {len(places)} offices ({', '.join(sorted(map(str, places)))}) "
        f"for {names}. One counter office as a single window can take all of them."
    )

    def apply(editor: Editor) -> None:
        for step in changed:
            editor.replace(step)

    evidence = tuple(e for s in movable for e in _evidence(s, "citizen_present", "agency"))
    yield Candidate(
        "single_window", tuple(s.id for s in movable), rationale, apply, False, evidence
    )


# -- eliminate -----------------------------------------------------------------------------


def _eliminate(process: ServiceProcess, constraints: Constraints) -> Iterator[Candidate]:
    """Remove a step known to be waste: marked not mandatory and matching a redundancy
    pattern, or read as waste by the classifier with high confidence while nothing says it
    matters; in both cases producing nothing a later step needs and deciding no branch."""
    del constraints
    documents = _Documents(process)
    for step in process.steps:
        if _decides(process, step) or not documents.unused(step):
            continue
        found = _redundancy(process, documents, step)
        if found is None:
            continue
        reason, facts = found
        legal = step.mandatory is True
        rationale = f"'{step.name}' {reason}" + (
            "; the law requires it today, so removing it needs a legal change." if legal else "."
        )
        evidence = (*facts, _later_use(step))
        yield Candidate(
            "eliminate",
            (step.id,),
            rationale,
            lambda editor, step_id=step.id: editor.remove_step(step_id),
            legal,
            evidence,
        )


def _later_use(step: Step) -> Evidence:
    """The evidence that no later step needs what ``step`` produces."""
    made = "; ".join(sorted(step.documents_out or ())) or "nothing"
    source = step.source_of("documents_out")
    return Evidence(
        step.name,
        "later_use",
        False,
        "model" if source is None else source.origin,
        f"produces {made}; no later step needs it",
    )


def _redundancy(
    process: ServiceProcess, documents: _Documents, step: Step
) -> tuple[str, tuple[Evidence, ...]] | None:
    """Why ``step`` is waste and the evidence, or ``None`` when nothing shows it is."""
    waste = _waste(step)
    if waste is not None and waste.confidence >= WASTE_CONFIDENCE and step.documented is not True:
        return _WASTE_REASONS[waste.value], (waste,)
    if step.mandatory is None:
        return None  # only an analyst's "not mandatory" (or the law's) lets a pattern count
    pattern = _pattern(process, documents, step)
    if pattern is None and waste is not None:
        pattern = _WASTE_REASONS[waste.value], (waste,)
    if pattern is None:
        return None
    reason, facts = pattern
    return reason, (*_evidence(step, "mandatory"), *facts)


_WASTE_REASONS = {
    "copy": "copies documents the process already holds",
    "re_entry": "re-enters data the process already holds",
    "second_signature": "signs again what is already signed",
    "paper_archive": "keeps a paper copy of what the system already stores",
}


def _waste(step: Step) -> Evidence | None:
    """The classifier's reading of the step's label (or Persian label) as a pattern of
    waste (copying, re-entry, a second signature, a paper archive), as evidence."""
    from bpr.classify import classify

    for label in (step.name, step.name_fa):
        if label:
            found = classify(label)
            if found.waste is not None:
                rule = next(r for r in found.rule.split("; ") if r.startswith("waste:"))
                return Evidence(
                    step.name, "waste", found.waste, "classifier", rule, found.waste_confidence
                )
    return None


def _pattern(
    process: ServiceProcess, documents: _Documents, step: Step
) -> tuple[str, tuple[Evidence, ...]] | None:
    """A redundancy pattern the step's known fields show."""
    (before,) = process.predecessors(step.id)
    previous = process.node(before)
    if (
        step.kind in (StepKind.APPROVE, StepKind.VERIFY)
        and isinstance(previous, Step)
        and previous.kind is step.kind
    ):
        word = "approval" if step.kind is StepKind.APPROVE else "check"
        return (
            f"repeats the {word} just done in '{previous.name}'",
            (*_evidence(step, "kind"), *_evidence(previous, "kind")),
        )
    if step.kind is StepKind.OTHER and step.documents_in:
        held = all(
            any(s is not step for s in documents.producers.get(d, ())) for d in step.documents_in
        )
        if held:
            return _WASTE_REASONS["re_entry"], _evidence(step, "kind", "documents_in")
    if step.kind is StepKind.ARCHIVE and step.channel not in (None, Channel.SYSTEM):
        return _WASTE_REASONS["paper_archive"], _evidence(step, "kind", "channel")
    return None


def _decides(process: ServiceProcess, step: Step) -> bool:
    """A step right before an exclusive split decides which way the case goes."""
    (after,) = process.successors(step.id)
    node = process.node(after)
    return (
        isinstance(node, Gateway)
        and node.kind is GatewayKind.EXCLUSIVE
        and len(process.successors(after)) > 1
    )


# -- compose -------------------------------------------------------------------------------

# Actors inside the agency: the citizen and other agencies are other hands.
_INTERNAL_ACTORS = frozenset({Actor.FRONT_OFFICE, Actor.BACK_OFFICE, Actor.SYSTEM})


def _compose(process: ServiceProcess, constraints: Constraints) -> Iterator[Candidate]:
    del constraints
    for chain in _chains(process):
        for run, gaps in _same_hands(chain):
            merged = _merged(run)
            who = actor_phrase(run[0].actor)
            waits = ", ".join(duration(g.value) for g in gaps if g.source == "log_time")
            waited = f" (median wait before each: {waits})" if waits else ""
            rationale = (
                f"{' and '.join(repr(s.name) for s in run)} follow each other in the hands of "
                f"{who} at {run[0].agency} with no handoff and no wait between them{waited}: "
                "as one task the file is picked up once."
            )
            ids = tuple(s.id for s in run)
            evidence = (*(e for s in run for e in _evidence(s, "actor", "agency")), *gaps)
            yield Candidate(
                "compose",
                ids,
                rationale,
                lambda e, ids=ids, m=merged: e.merge(ids, m),
                False,
                evidence,
            )


def _same_hands(chain: list[Step]) -> Iterator[tuple[list[Step], list[Evidence]]]:
    """Runs of consecutive steps of one known internal actor at one known agency, with the
    same channel and presence and no wait between them; with the evidence of no wait."""
    run: list[Step] = []
    gaps: list[Evidence] = []
    for step in [*chain, None]:
        gap = None if step is None or not run else _no_wait(run[-1], step)
        if step is not None and run and _hands(step) == _hands(run[-1]) and gap is not None:
            run.append(step)
            gaps.append(gap)
            continue
        if len(run) >= 2:
            yield run, gaps
        run, gaps = ([step] if step is not None and _hands(step) is not None else []), []


def _hands(step: Step) -> tuple[object, ...] | None:
    """Who does ``step``, where and how; ``None`` when not known to be inside one agency."""
    if step.actor not in _INTERNAL_ACTORS or step.agency is None:
        return None
    return (step.actor, step.agency, step.channel, presence(step))


def _no_wait(before: Step, step: Step) -> Evidence | None:
    """Evidence that ``step`` follows ``before`` without waiting for anything: the log's
    median gap below :data:`COMPOSE_MAX_WAIT`, or a model that gives both steps durations
    and no waiting. ``None`` when the wait is long or unknown."""
    stats = step.stats
    if stats is not None and stats.waiting is not None:
        median = stats.waiting.median
        if median >= COMPOSE_MAX_WAIT:
            return None
        return Evidence(
            step.name,
            "waiting",
            median,
            "log_time",
            f"median time from the previous event to '{step.name}' in the log",
        )
    if stats is None and before.stats is None and None not in (before.duration, step.duration):
        return Evidence(
            step.name, "waiting", timedelta(0), "model", "the model times both steps, no wait"
        )
    return None


def _merged(run: list[Step]) -> Step:
    produced: set[str] = set()
    needed: set[str] | None = set()
    for s in run:
        needed = (
            None
            if needed is None or s.documents_in is None
            else needed | (s.documents_in - produced)
        )
        produced |= s.documents_out or set()
    outputs_known = all(s.documents_out is not None for s in run)
    durations = [step_seconds("total")(s) for s in run]
    bases = [s.legal_basis for s in run if s.legal_basis]
    names_fa = [s.name_fa for s in run if s.name_fa]
    return attrs.evolve(
        run[-1],
        id=run[0].id,
        name=" + ".join(s.name for s in run),
        name_fa=" + ".join(names_fa) if len(names_fa) == len(run) else None,
        kind=_common(s.kind for s in run),
        mandatory=_any_known(s.mandatory for s in run),
        fixed_channel=any(s.fixed_channel for s in run),
        legal_basis="; ".join(dict.fromkeys(bases)) or None,
        rule_based=all(s.rule_based for s in run),
        documented=_all_known(s.documented for s in run),
        documents_in=None if needed is None else frozenset(needed),
        documents_out=frozenset(produced) if outputs_known else None,
        duration=None if None in durations else timedelta(seconds=math.fsum(durations)),
        stats=None,
        sources=(),
    )


def _common(values: Iterable[Any]) -> Any:
    """The one value all share, else ``None`` (a merged step of two kinds has no one kind)."""
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


def _any_known(values: Iterable[bool | None]) -> bool | None:
    """True if any is, False if all are known and false, else unknown."""
    values = list(values)
    if True in values:
        return True
    return None if None in values else False


def _all_known(values: Iterable[bool | None]) -> bool | None:
    """False if any is, True if all are known and true, else unknown."""
    values = list(values)
    if False in values:
        return False
    return None if None in values else True


# -- parallelize ---------------------------------------------------------------------------

_INDEPENDENT_KINDS = (StepKind.INQUIRY, StepKind.VERIFY)


def _parallelize(process: ServiceProcess, constraints: Constraints) -> Iterator[Candidate]:
    del constraints
    for chain in _chains(process):
        run: list[Step] = []
        for step in [*chain, None]:
            if step is not None and _joins_run(run, step):
                run.append(step)
                continue
            if len(run) >= 2:
                yield _parallel_candidate(run)
            run = [step] if step is not None and _joins_run([], step) else []


def _joins_run(run: list[Step], step: Step) -> bool:
    if step.kind not in _INDEPENDENT_KINDS or presence(step) is None:
        return False
    if step.documents_in is None or step.documents_out is None:
        return False  # what it needs or makes is unknown: it may depend on the others
    if presence(step) and any(presence(s) for s in run):
        return False  # the citizen cannot be at two offices at once
    return not any(
        s.documents_out & step.documents_in or step.documents_out & s.documents_in for s in run
    )


def _parallel_candidate(run: list[Step]) -> Candidate:
    ids = tuple(s.id for s in run)
    agencies = sorted({s.agency or "an agency not given" for s in run})
    rationale = (
        f"{', '.join(repr(s.name) for s in run)} need nothing from each other "
        f"({', '.join(agencies)}): run at the same time, the case waits for the longest only."
    )
    evidence = tuple(e for s in run for e in _evidence(s, "kind", "documents_in", "documents_out"))
    return Candidate(
        "parallelize", ids, rationale, lambda e, ids=ids: e.parallelize(ids), False, evidence
    )


# -- knockout_order ------------------------------------------------------------------------


@attrs.frozen
class _Knockout:
    step: Step
    split: str
    reject: float
    effort: float


def _knockout_order(process: ServiceProcess, constraints: Constraints) -> Iterator[Candidate]:
    del constraints
    for run in _knockout_runs(process):
        order = sorted(run, key=lambda k: -k.reject / max(k.effort, 1e-9))
        if [k.step.id for k in order] == [k.step.id for k in run]:
            continue
        if _depends_in_order(order):
            continue
        names = ", ".join(f"'{k.step.name}' ({k.reject:.0%} rejected)" for k in order)
        rationale = (
            f"Checks that can reject a case run in an order that does the cheap, likely "
            f"rejections last; in the order {names} fewer cases pass through checks that were "
            "not needed."
        )
        blocks = [(k.step.id, k.split) for k in run]
        new = [(k.step.id, k.split) for k in order]
        evidence = tuple(e for k in run for e in _evidence(k.step, "kind", "documents_in"))
        yield Candidate(
            "knockout_order",
            tuple(k.step.id for k in run),
            rationale,
            lambda e, b=blocks, n=new: _reorder_blocks(e, b, n),
            False,
            evidence,
        )


def _knockout_runs(process: ServiceProcess) -> Iterator[list[_Knockout]]:
    """Consecutive checks each followed by an exclusive split with a branch that ends."""
    run: list[_Knockout] = []
    rank = _order(process)
    for node_id in sorted(rank, key=rank.get):
        node = process.node(node_id)
        knockout = _as_knockout(process, node) if isinstance(node, Step) else None
        if knockout is not None and (not run or _continues(process, run[-1], knockout)):
            run.append(knockout)
            continue
        if knockout is not None:
            if len(run) >= 2:
                yield run
            run = [knockout]
    if len(run) >= 2:
        yield run


def _as_knockout(process: ServiceProcess, step: Step) -> _Knockout | None:
    if step.kind not in (StepKind.VERIFY, StepKind.DECIDE) or not _decides(process, step):
        return None
    (split,) = process.successors(step.id)
    outs = process.successors(split)
    if len(outs) != 2:
        return None
    rejecting = [t for t in outs if _rejects(process, t)]
    if len(rejecting) != 1:
        return None
    flow = process.flow(split, rejecting[0])
    if flow.probability is None:
        return None
    effort = (step.duration or timedelta(minutes=1)).total_seconds()
    return _Knockout(step, split, flow.probability, effort)


_REJECTION_KINDS = (StepKind.NOTIFY, StepKind.ARCHIVE)


def _rejects(graph: ServiceProcess | Editor, node_id: str) -> bool:
    """The branch from ``node_id`` ends the case with only notices on the way: a rejection."""
    while True:
        node = graph.node(node_id)
        if isinstance(node, Event):
            return node.kind is EventKind.END
        if not (isinstance(node, Step) and node.kind in _REJECTION_KINDS):
            return False
        (node_id,) = graph.successors(node_id)


def _continues(process: ServiceProcess, first: _Knockout, second: _Knockout) -> bool:
    """``second`` comes right after ``first``'s split on its continuing branch."""
    return second.step.id in process.successors(first.split)


def _depends_in_order(order: list[_Knockout]) -> bool:
    """Whether a check needs what a later one makes (or, unknown, might)."""
    if any(k.step.documents_in is None or k.step.documents_out is None for k in order):
        return True
    produced: set[str] = set()
    later_needs = set().union(*(k.step.documents_out for k in order))
    for k in order:
        if k.step.documents_in & (later_needs - produced):
            return True
        produced |= k.step.documents_out
    return False


def _reorder_blocks(
    editor: Editor, blocks: list[tuple[str, str]], order: list[tuple[str, str]]
) -> None:
    """Re-link check-and-split blocks in a new order; their reject branches go with them."""
    first_step, _ = blocks[0]
    _, last_split = blocks[-1]
    (before,) = editor.predecessors(first_step)
    continuing = [t for t in editor.successors(last_split) if not _rejects(editor, t)]
    (after,) = continuing
    probabilities = {}
    for _, split in blocks:
        (cont,) = [t for t in editor.successors(split) if not _rejects(editor, t)]
        probabilities[split] = editor.remove_flow(split, cont).probability
    entry = editor.remove_flow(before, first_step)
    path = [before, *itertools.chain.from_iterable(order), after]
    pairs = list(itertools.pairwise(path))
    for i, (s, t) in enumerate(pairs):
        if (s, t) in editor.flows:
            continue
        probability = entry.probability if i == 0 else probabilities.get(s)
        editor.add_flow(s, t, probability)


# -- automate ------------------------------------------------------------------------------


def _automate(process: ServiceProcess, constraints: Constraints) -> Iterator[Candidate]:
    for step in process.steps:
        if not (
            step.rule_based
            and step.kind in (StepKind.VERIFY, StepKind.DECIDE)
            and step.actor is not Actor.SYSTEM
            and step.kind not in constraints.no_automation
            and presence(step) is False
        ):
            continue
        changed = _system_step(step, step.name)
        who = actor_phrase(step.actor)
        what = "check" if step.kind is StepKind.VERIFY else "decide"
        rationale = (
            f"'{step.name}' applies fixed rules with no discretion: the system can {what} at "
            f"once instead of {who}."
        )
        evidence = _evidence(step, "rule_based", "kind", "citizen_present")
        yield Candidate("automate", (step.id,), rationale, _replace(changed), False, evidence)


# -- the catalogue -------------------------------------------------------------------------

_CATALOGUE = [
    Heuristic(
        "e_inquiry",
        "E-inquiry instead of paper",
        "Integral technology / once-only principle (Reijers & Limam Mansar 2005; EU TOOP)",
        "A citizen-present step at agency B produces a document that a later step of agency A "
        "needs, and both agencies are on the government network.",
        "The step becomes a system inquiry from A to B; the citizen's trip and the paper go.",
        "Fewer visits, documents and days.",
        1,
        _e_inquiry,
        ("citizen_present", "agency", "documents_in", "documents_out"),
    ),
    Heuristic(
        "channel_shift",
        "Channel shift",
        "Integral technology, contact reduction (Reijers & Limam Mansar 2005)",
        "An in-person submit or pay step, or a notification by mail or in person, whose channel "
        "the law does not fix.",
        "Submission goes online, payment becomes e-payment, a letter becomes SMS.",
        "Fewer visits, less travel and queueing.",
        1,
        _channel_shift,
        ("kind", "citizen_present"),
    ),
    Heuristic(
        "counter_office",
        "Counter-office delegation",
        "Case-based work close to the customer; Iran's government counter offices (pishkhan)",
        "A front-office step needs the citizen in person but not at the agency's own office.",
        "The step moves to a counter office near the citizen.",
        "Shorter trips; several agencies' steps can be done at one counter.",
        3,
        _counter_office,
        ("citizen_present", "actor", "channel"),
    ),
    Heuristic(
        "single_window",
        "Single window",
        "Contact reduction, case manager (Reijers & Limam Mansar 2005)",
        "The citizen meets two or more offices for steps that are not bound to a place.",
        "All those contacts move to one counter office.",
        "Fewer visits and handoffs for the citizen.",
        3,
        _single_window,
        ("citizen_present", "agency"),
    ),
    Heuristic(
        "eliminate",
        "Task elimination",
        "Task elimination (Reijers & Limam Mansar 2005)",
        "A step the analyst marked not mandatory repeats the approval or check just done, "
        "re-enters data the process holds, or keeps a paper copy; or the classifier reads its "
        "label as copying with high confidence and nothing says it matters. It produces "
        "nothing a later step needs and decides no branch. A step missing from the written "
        "procedure is a finding to review, never removed for that alone.",
        "The step is removed (only proposed for a mandatory step, never applied).",
        "Fewer steps, shorter cycle time.",
        1,
        _eliminate,
        ("mandatory", "kind", "documents_out"),
    ),
    Heuristic(
        "compose",
        "Task composition",
        "Task composition (Reijers & Limam Mansar 2005)",
        "Consecutive steps of the same known actor inside one known agency, same channel, with "
        "no handoff and a median wait in the log below a day between them.",
        "They merge into one step.",
        "Fewer steps and less waiting between them.",
        2,
        _compose,
        ("actor", "agency"),
    ),
    Heuristic(
        "parallelize",
        "Parallelism",
        "Parallelism (Reijers & Limam Mansar 2005)",
        "Consecutive inquiries or checks with no document dependency between them, at most one "
        "with the citizen present.",
        "They run as branches of one parallel block.",
        "Shorter cycle time.",
        2,
        _parallelize,
        ("kind", "documents_in", "documents_out"),
    ),
    Heuristic(
        "knockout_order",
        "Knock-out ordering",
        "Knock-out (Reijers & Limam Mansar 2005; van der Aalst 2001)",
        "Consecutive checks that can each reject a case, with known rejection probabilities.",
        "The checks run in decreasing order of rejection probability over effort.",
        "Less work on cases that end up rejected.",
        2,
        _knockout_order,
        ("kind",),
    ),
    Heuristic(
        "automate",
        "Task automation",
        "Task automation (Reijers & Limam Mansar 2005)",
        "A rule-based check or decision with no human discretion, not excluded by constraints.",
        "The system performs the step.",
        "Shorter working and waiting time; fewer handoffs to people.",
        1,
        _automate,
        ("kind", "citizen_present"),
    ),
]

#: The catalogue of redesign heuristics, by id (read-only).
HEURISTICS: Mapping[str, Heuristic] = MappingProxyType({h.id: h for h in _CATALOGUE})
