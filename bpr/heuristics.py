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
from collections.abc import Callable, Iterator, Mapping
from datetime import timedelta
from types import MappingProxyType

import attrs
import networkx as nx

from bpr._edit import Editor
from bpr._graph import acyclic
from bpr._measure_model import step_seconds
from bpr.model import (
    Actor,
    Channel,
    Event,
    EventKind,
    Gateway,
    GatewayKind,
    ServiceProcess,
    Step,
    StepKind,
)

__all__ = ["HEURISTICS", "Candidate", "Constraints", "Heuristic"]

#: A system step takes this long: a machine call, not a person's work.
SYSTEM_DURATION = timedelta(seconds=1)
COUNTER_OFFICE = "Counter office"


def _frozen_names(value: object) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset({value})
    return frozenset(str(v) for v in value)  # type: ignore[union-attr]


def _frozen_kinds(value: object) -> frozenset[StepKind]:
    return frozenset(StepKind(v) for v in _frozen_names(value))


@attrs.frozen
class Constraints:
    """What redesign must respect beyond the law marked on the steps.

    Parameters
    ----------
    offline_agencies
        Agencies not on the government network: no e-inquiry to or from them.
    locked
        Step ids or names that no heuristic may change.
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
class Candidate:
    """A change a heuristic proposes, not yet measured.

    ``apply`` makes the change on an :class:`~bpr._edit.Editor`; ``targets`` are the ids of
    the steps it changes; ``needs_legal_change`` marks a change the law forbids today (it is
    reported, never applied).
    """

    heuristic: str
    targets: tuple[str, ...]
    rationale: str
    apply: Callable[[Editor], None] = attrs.field(eq=False, repr=False)
    needs_legal_change: bool = False


Propose = Callable[[ServiceProcess, Constraints], Iterator[Candidate]]


@attrs.frozen
class Heuristic:
    """One entry of the catalogue.

    ``stage`` orders the planner's work: 1 removes contacts and work (digitise, eliminate,
    automate), 2 restructures what remains (compose, parallelise, reorder), 3 relocates the
    contacts that must stay in person (counter office, single window). A later stage only runs
    once the earlier ones find nothing more to improve, so that a trip is not first moved to a
    counter office and then found unnecessary.
    """

    id: str
    name: str
    practice: str
    applies_when: str
    changes: str
    effect: str
    stage: int
    propose: Propose = attrs.field(eq=False, repr=False)

    def candidates(
        self, process: ServiceProcess, constraints: Constraints | None = None
    ) -> list[Candidate]:
        """What this heuristic proposes for ``process``."""
        return list(self.propose(process, constraints or Constraints()))


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
        for step in process.steps:
            for document in step.documents_in:
                self.needs.setdefault(document, []).append(step)
            for document in step.documents_out:
                self.producers.setdefault(document, []).append(step)
        self._reach = _reach(process.graph, self.rank)

    def later_users(self, step: Step) -> list[Step]:
        """The steps reachable from ``step`` and ranked after it that need one of its
        documents, in model order."""
        rank, reach = self.rank, self._reach[step.id]
        users = {u.id: u for d in step.documents_out for u in self.needs.get(d, ())}
        later = [
            u for u in users.values() if rank[u.id] > rank[step.id] and reach >> rank[u.id] & 1
        ]
        return sorted(later, key=lambda u: rank[u.id])


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


def _place(step: Step) -> str | None:
    return COUNTER_OFFICE if step.channel is Channel.COUNTER_OFFICE else step.agency


def _system_step(step: Step, name: str) -> Step:
    return attrs.evolve(
        step,
        name=name,
        actor=Actor.SYSTEM,
        channel=Channel.SYSTEM,
        citizen_present=False,
        duration=SYSTEM_DURATION,
        stats=None,
    )


def _replace(step: Step) -> Callable[[Editor], None]:
    return lambda editor: editor.replace(step)


def _free(step: Step, constraints: Constraints) -> bool:
    return not constraints.is_locked(step)


# -- e_inquiry -----------------------------------------------------------------------------


def _e_inquiry(process: ServiceProcess, constraints: Constraints) -> Iterator[Candidate]:
    offline = constraints.offline_agencies
    documents = _Documents(process)
    seen: set[str] = set()
    for producer in process.steps:
        if not (producer.citizen_present and producer.documents_out and producer.agency):
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
    the document, else a later in-person step that only hands the document in."""
    fetch_only = producer.kind in (StepKind.INQUIRY, StepKind.ISSUE)
    if fetch_only and not constraints.stays_in_person(producer) and _free(producer, constraints):
        return producer
    if consumer.citizen_present and consumer.kind is StepKind.SUBMIT:
        brought_from_elsewhere = all(
            any(s.agency != consumer.agency for s in documents.producers.get(d, ()))
            for d in consumer.documents_in
        )
        if (
            brought_from_elsewhere
            and not constraints.stays_in_person(consumer)
            and _free(consumer, constraints)
        ):
            return consumer
    return None


def _inquiry_candidate(
    target: Step, producer: Step, consumer: Step, carried: list[str]
) -> Candidate:
    documents = ", ".join(f"'{d}'" for d in carried)
    asker = consumer.agency
    changed = _system_step(target, f"E-inquiry to {producer.agency}: {', '.join(carried)}")
    changed = attrs.evolve(
        changed,
        kind=StepKind.INQUIRY,
        agency=asker if target is consumer else producer.agency,
        documents_in=frozenset() if target is producer else target.documents_in,
    )
    rationale = (
        f"The citizen carries {documents} from {producer.agency} ('{producer.name}') to "
        f"{asker} ('{consumer.name}'). {asker} can ask {producer.agency} for it over the "
        f"government network instead, so '{target.name}' needs no trip and the paper need not "
        "be checked by hand."
    )
    return Candidate("e_inquiry", (target.id,), rationale, _replace(changed))


# -- channel_shift -------------------------------------------------------------------------

_SHIFT = {
    StepKind.PAY: (Channel.WEB, "e-payment"),
    StepKind.SUBMIT: (Channel.WEB, "online application"),
    StepKind.NOTIFY: (Channel.SMS, "SMS / e-notification"),
}


def _channel_shift(process: ServiceProcess, constraints: Constraints) -> Iterator[Candidate]:
    for step in process.steps:
        shift = _SHIFT.get(step.kind)
        paper_notice = step.kind is StepKind.NOTIFY and step.channel is Channel.MAIL
        if shift is None or not (step.citizen_present or paper_notice):
            continue
        if not _free(step, constraints):
            continue
        channel, how = shift
        changed = attrs.evolve(step, channel=channel, citizen_present=False)
        if step.kind is not StepKind.NOTIFY:
            changed = attrs.evolve(changed, actor=Actor.CITIZEN)
        legal = constraints.stays_in_person(step) and step.citizen_present
        where = f"in person at {step.agency}" if step.citizen_present else "by mail"
        rationale = (
            f"'{step.name}' happens {where}; as {how} ({channel.value}) the citizen does it from "
            "home" + (" — but the law fixes its channel today." if legal else ".")
        )
        yield Candidate("channel_shift", (step.id,), rationale, _replace(changed), legal)


# -- counter_office ------------------------------------------------------------------------


def _counter_office(process: ServiceProcess, constraints: Constraints) -> Iterator[Candidate]:
    for step in process.steps:
        if not (
            step.citizen_present
            and step.actor is Actor.FRONT_OFFICE
            and step.channel is Channel.IN_PERSON
            and not step.fixed_channel
            and _free(step, constraints)
        ):
            continue
        changed = attrs.evolve(step, actor=Actor.COUNTER_OFFICE, channel=Channel.COUNTER_OFFICE)
        rationale = (
            f"'{step.name}' needs the citizen in person but not at {step.agency}'s own office: a "
            "government counter office (pishkhan) near the citizen's home can take it."
        )
        yield Candidate("counter_office", (step.id,), rationale, _replace(changed))


# -- single_window -------------------------------------------------------------------------


def _single_window(process: ServiceProcess, constraints: Constraints) -> Iterator[Candidate]:
    movable = [
        s
        for s in process.steps
        if s.citizen_present and not s.fixed_channel and _free(s, constraints)
    ]
    places = {_place(s) for s in movable}
    if len(places) < 2:
        return
    changed = [
        attrs.evolve(s, actor=Actor.COUNTER_OFFICE, channel=Channel.COUNTER_OFFICE) for s in movable
    ]
    names = ", ".join(f"'{s.name}'" for s in movable)
    rationale = (
        f"The citizen deals with {len(places)} offices ({', '.join(sorted(map(str, places)))}) "
        f"for {names}. One counter office as a single window can take all of them."
    )

    def apply(editor: Editor) -> None:
        for step in changed:
            editor.replace(step)

    yield Candidate("single_window", tuple(s.id for s in movable), rationale, apply)


# -- eliminate -----------------------------------------------------------------------------


def _eliminate(process: ServiceProcess, constraints: Constraints) -> Iterator[Candidate]:
    documents = _Documents(process)
    for step in process.steps:
        reason = _redundancy(process, documents, step)
        if reason is None or not _free(step, constraints) or _decides(process, step):
            continue
        if documents.later_users(step):
            continue
        legal = step.mandatory
        rationale = f"'{step.name}' {reason}" + (
            "; the law requires it today, so removing it needs a legal change." if legal else "."
        )
        yield Candidate(
            "eliminate",
            (step.id,),
            rationale,
            lambda editor, step_id=step.id: editor.remove_step(step_id),
            legal,
        )


def _redundancy(process: ServiceProcess, documents: _Documents, step: Step) -> str | None:
    (before,) = process.predecessors(step.id)
    previous = process.node(before)
    if (
        step.kind in (StepKind.APPROVE, StepKind.VERIFY)
        and isinstance(previous, Step)
        and previous.kind is step.kind
    ):
        return (
            f"repeats the {step.kind.value} just done in '{previous.name}' and produces nothing "
            "a later step needs"
        )
    if step.kind is StepKind.OTHER and step.documents_in and not step.documents_out:
        held = all(
            any(s is not step for s in documents.producers.get(d, ())) for d in step.documents_in
        )
        if held:
            return "re-enters data the process already holds and produces nothing new"
    if step.kind is StepKind.ARCHIVE and step.channel is not Channel.SYSTEM:
        return "keeps a paper copy of what the system already stores"
    if not (step.documented or step.mandatory) and step.kind in _UNDOCUMENTED_KINDS:
        return (
            "is not in the official procedure, is not required by law and produces nothing a "
            "later step needs"
        )
    return None


# Undocumented work that may simply go: copying, checking again, waiting, carrying paper.
_UNDOCUMENTED_KINDS = (
    StepKind.OTHER, StepKind.VERIFY, StepKind.WAIT, StepKind.TRANSPORT, StepKind.ARCHIVE,
)  # fmt: skip


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


def _compose(process: ServiceProcess, constraints: Constraints) -> Iterator[Candidate]:
    for chain in _chains(process):
        for run in _same_hands(chain, constraints):
            merged = _merged(run)
            rationale = (
                f"{' and '.join(repr(s.name) for s in run)} follow each other in the hands of "
                f"{run[0].actor.value if run[0].actor else 'one actor'} at {run[0].agency} with "
                "no handoff: as one task the file is picked up once."
            )
            ids = tuple(s.id for s in run)
            yield Candidate("compose", ids, rationale, lambda e, ids=ids, m=merged: e.merge(ids, m))


def _same_hands(chain: list[Step], constraints: Constraints) -> Iterator[list[Step]]:
    def hands(s: Step) -> tuple[object, ...]:
        return (s.actor, s.agency, s.channel, s.citizen_present)

    for _, group in itertools.groupby(chain, key=hands):
        run = [s for s in group if _free(s, constraints)]
        if len(run) >= 2 and run[0].actor is not Actor.CITIZEN:
            yield run


def _merged(run: list[Step]) -> Step:
    produced: set[str] = set()
    needed: set[str] = set()
    for s in run:
        needed |= s.documents_in - produced
        produced |= s.documents_out
    durations = [step_seconds("total")(s) for s in run]
    bases = [s.legal_basis for s in run if s.legal_basis]
    names_fa = [s.name_fa for s in run if s.name_fa]
    return attrs.evolve(
        run[-1],
        id=run[0].id,
        name=" + ".join(s.name for s in run),
        name_fa=" + ".join(names_fa) if len(names_fa) == len(run) else None,
        mandatory=any(s.mandatory for s in run),
        fixed_channel=any(s.fixed_channel for s in run),
        legal_basis="; ".join(dict.fromkeys(bases)) or None,
        rule_based=all(s.rule_based for s in run),
        documented=all(s.documented for s in run),
        documents_in=frozenset(needed),
        documents_out=frozenset(produced),
        duration=None if None in durations else timedelta(seconds=math.fsum(durations)),
        stats=None,
    )


# -- parallelize ---------------------------------------------------------------------------

_INDEPENDENT_KINDS = (StepKind.INQUIRY, StepKind.VERIFY)


def _parallelize(process: ServiceProcess, constraints: Constraints) -> Iterator[Candidate]:
    for chain in _chains(process):
        run: list[Step] = []
        for step in [*chain, None]:
            if step is not None and _joins_run(run, step, constraints):
                run.append(step)
                continue
            if len(run) >= 2:
                yield _parallel_candidate(run)
            run = [step] if step is not None and _joins_run([], step, constraints) else []


def _joins_run(run: list[Step], step: Step, constraints: Constraints) -> bool:
    if step.kind not in _INDEPENDENT_KINDS or not _free(step, constraints):
        return False
    if step.citizen_present and any(s.citizen_present for s in run):
        return False  # the citizen cannot be at two offices at once
    return not any(
        s.documents_out & step.documents_in or step.documents_out & s.documents_in for s in run
    )


def _parallel_candidate(run: list[Step]) -> Candidate:
    ids = tuple(s.id for s in run)
    agencies = sorted({s.agency or "?" for s in run})
    rationale = (
        f"{', '.join(repr(s.name) for s in run)} need nothing from each other "
        f"({', '.join(agencies)}): run at the same time, the case waits for the longest only."
    )
    return Candidate("parallelize", ids, rationale, lambda e, ids=ids: e.parallelize(ids))


# -- knockout_order ------------------------------------------------------------------------


@attrs.frozen
class _Knockout:
    step: Step
    split: str
    reject: float
    effort: float


def _knockout_order(process: ServiceProcess, constraints: Constraints) -> Iterator[Candidate]:
    for run in _knockout_runs(process):
        order = sorted(run, key=lambda k: -k.reject / max(k.effort, 1e-9))
        if [k.step.id for k in order] == [k.step.id for k in run]:
            continue
        if not all(_free(k.step, constraints) for k in run):
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
        yield Candidate(
            "knockout_order",
            tuple(k.step.id for k in run),
            rationale,
            lambda e, b=blocks, n=new: _reorder_blocks(e, b, n),
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
            and not step.citizen_present
            and _free(step, constraints)
        ):
            continue
        changed = _system_step(step, step.name)
        who = step.actor.value if step.actor else "person"
        rationale = (
            f"'{step.name}' applies fixed rules with no discretion: the system can "
            f"{step.kind.value} at once instead of a {who}."
        )
        yield Candidate("automate", (step.id,), rationale, _replace(changed))


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
    ),
    Heuristic(
        "eliminate",
        "Task elimination",
        "Task elimination (Reijers & Limam Mansar 2005)",
        "A step repeats the approval or check just done, re-enters data the process holds, or "
        "keeps a paper copy, and produces nothing a later step needs.",
        "The step is removed (only proposed for a mandatory step, never applied).",
        "Fewer steps, shorter cycle time.",
        1,
        _eliminate,
    ),
    Heuristic(
        "compose",
        "Task composition",
        "Task composition (Reijers & Limam Mansar 2005)",
        "Consecutive steps of the same actor, agency and channel with no handoff between them.",
        "They merge into one step.",
        "Fewer steps and less waiting between them.",
        2,
        _compose,
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
    ),
]

#: The catalogue of redesign heuristics, by id (read-only).
HEURISTICS: Mapping[str, Heuristic] = MappingProxyType({h.id: h for h in _CATALOGUE})
