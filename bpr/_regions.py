"""The redesign planner's metrics of a process under edit, measured again only where it changed.

Every case passes some steps of a process exactly once: the *cut steps*, which lie on every
path from start to end and in no loop. What a case does between two consecutive cut steps does
not depend on what it did before (the model is a Markov chain), so a process falls apart into
*regions*, one from each cut step to the next (and one before the first), each measured on its
own as a :class:`~bpr._measure_model.Stretch`; the regions' figures combine into exactly the
expected values :func:`bpr.measure` computes for the whole. An edit changes a few regions: only
those are cut again, validated and measured, and a region measured once is never measured
again.

A region that is one exclusive choice, a split straight after its cut step whose branches each
enter once from the split and leave once to a join straight before the next cut step, is
measured branch by branch (each with the cut steps around it) and the branches' figures
weighed by their probabilities: what a case does in one branch does not depend on the others,
so a change inside one branch measures that branch again, not the whole choice.

Equal regions give equal figures, and figures combine in an order that does not depend on
where a region sits (:func:`math.fsum`, products of sorted factors), so equal changes made in
different places of a process score exactly equal.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

import attrs
import networkx as nx

from bpr._edit import Editor
from bpr._measure_model import Stretch, _split_probabilities, measure_stretch
from bpr._words import in_unit
from bpr.errors import ModelError
from bpr.model import Event, EventKind, Flow, Gateway, GatewayKind, Node, ServiceProcess, Step

__all__ = ["METRICS", "Regions"]

#: The metrics the planner weighs, as :func:`bpr.measure` defines them (cycle time in days).
METRICS = ("steps", "visits", "handoffs", "agencies", "documents", "cycle_time")


@attrs.frozen
class _Branch:
    """One branch of a choice: its nodes (the one the split leads to first, the others in
    process order; none: a flow straight from split to join), the probability of taking it,
    and its stretch measured with the cut steps around the choice."""

    nodes: tuple[str, ...]
    probability: float
    stretch: Stretch = attrs.field(repr=False)


@attrs.frozen
class _Choice:
    """A region that is one exclusive choice between ``split`` and ``join``."""

    split: str
    join: str
    branches: tuple[_Branch, ...]
    where: dict[str, int] = attrs.field(eq=False, repr=False)  # node -> its branch

    def remeasured(
        self,
        editor: Editor,
        head: str,
        after: str,
        changed: set[str],
        cache: dict[Any, Stretch],
    ) -> _Choice:
        """The choice once the steps ``changed`` (of its branches) are changed in place."""
        branches = list(self.branches)
        for b in sorted({self.where[n] for n in changed if n in self.where}):
            stretch = _branch_stretch(editor, head, branches[b].nodes, after, self.join, cache)
            branches[b] = attrs.evolve(branches[b], stretch=stretch)
        return attrs.evolve(self, branches=tuple(branches))


@attrs.frozen
class _Region:
    """The nodes from the cut step ``head`` (``None``: from the start events) to the next."""

    head: str | None
    nodes: tuple[str, ...]
    stretch: Stretch = attrs.field(repr=False)
    choice: _Choice | None = attrs.field(default=None, repr=False)


class Regions:
    """A process under edit, cut into measured regions.

    Examples
    --------
    >>> from bpr import ServiceProcess, Step, And
    >>> p = ServiceProcess.from_blocks(
    ...     "P", Step("a", "Apply", duration=60),
    ...     And(Step("b", "Ask police", duration=60), Step("c", "Ask court", duration=120)))
    >>> regions = Regions.of(Editor(p))
    >>> [r.head for r in regions.regions]
    [None, 'a']
    >>> regions.metrics()["steps"], regions.metrics()["cycle_time"] * 86400
    (3.0, 180.0)
    """

    def __init__(self, regions: list[_Region], cache: dict[Any, Stretch]) -> None:
        self.regions = regions
        self._cache = cache  # shared by every state of one planning run
        self._where: dict[str, int] | None = None
        self._metrics: dict[str, float] | None = None

    @classmethod
    def of(cls, editor: Editor) -> Regions:
        """The process of ``editor`` (with no edits made yet) cut into regions and measured."""
        cache: dict[Any, Stretch] = {}
        regions = _measured(editor, editor.process, list(editor.nodes), None, None, cache)
        return cls(regions, cache)

    @property
    def where(self) -> dict[str, int]:
        """The region of each node, by position."""
        if self._where is None:
            self._where = {n: k for k, r in enumerate(self.regions) for n in r.nodes}
        return self._where

    def edited(self, editor: Editor) -> Regions | None:
        """The regions once the edits of ``editor`` (a copy of this state's editor) are made;
        ``None`` when the edited process is not valid."""
        if not editor.rewired:  # steps changed in place: same regions, some measured again
            regions = list(self.regions)
            for k in self._touched(editor.changed):
                regions[k] = self._remeasured(editor, k, regions[k], editor.changed)
            new = Regions(regions, self._cache)
            new._where = self._where
            return new
        lo, hi, members = self._span(editor)
        head = self.regions[lo].head
        after = self._after(hi)
        order = [n for n in editor.nodes if n in members]
        try:
            region = self._rebranched(editor, lo, order) if lo == hi else None
            if region is not None:
                span = [region]
            else:
                process = _process(editor, order, head, after)
                span = _measured(editor, process, order, head, after, self._cache)
        except ModelError:
            return None
        return Regions([*self.regions[:lo], *span, *self.regions[hi + 1 :]], self._cache)

    def _after(self, k: int) -> str | None:
        """The cut step after region ``k`` (``None``: the end events)."""
        return self.regions[k + 1].head if k + 1 < len(self.regions) else None

    def _rebranched(self, editor: Editor, k: int, order: list[str]) -> _Region | None:
        """Region ``k``, a choice, with its nodes now ``order``: the branches the edits of
        ``editor`` touched measured again (and validated: raises :class:`~bpr.ModelError`),
        the others kept; ``None`` when the edits changed the choice itself."""
        old, after = self.regions[k], self._after(k)
        if old.choice is None:
            return None
        shape = _shape(editor, old.head, order, after)
        if shape is None or shape[:2] != (old.choice.split, old.choice.join):
            return None
        touched = editor.changed | editor.rewired
        kept = {b.nodes: b for b in old.choice.branches}
        branches = []
        for nodes, probability in shape[2]:
            branch = kept.get(nodes)
            if branch is None or touched.intersection(nodes):
                # Measuring a branch not measured before builds it, validating it.
                stretch = _branch_stretch(
                    editor, old.head, nodes, after, old.choice.join, self._cache
                )
                branch = _Branch(nodes, probability, stretch)
            branches.append(attrs.evolve(branch, probability=probability))
        choice = _Choice(old.choice.split, old.choice.join, tuple(branches), _where(branches))
        return _Region(old.head, tuple(order), _chosen(branches), choice)

    def _touched(self, nodes: set[str]) -> set[int]:
        """The regions that hold ``nodes``, and the one before each region whose cut step is
        among them (it measures the arrival at that step)."""
        where, touched = self.where, set()
        for n in nodes:
            k = where[n]
            touched.add(k)
            if k and self.regions[k].head == n:
                touched.add(k - 1)
        return touched

    def _remeasured(self, editor: Editor, k: int, region: _Region, changed: set[str]) -> _Region:
        after, choice = self._after(k), region.choice
        if choice is None or region.head is None or after is None or {region.head, after} & changed:
            return _region(editor, region.head, region.nodes, after, self._cache)
        choice = choice.remeasured(editor, region.head, after, changed, self._cache)
        return attrs.evolve(region, stretch=_chosen(choice.branches), choice=choice)

    def _span(self, editor: Editor) -> tuple[int, int, set[str]]:
        """The first and last region of the stretch that the edits of ``editor`` changed,
        widened until no flow leaves it or enters it except at its ends, and its nodes now."""
        where, nodes = self.where, editor.nodes
        touched = self._touched({n for n in editor.changed | editor.rewired if n in where})
        # Only new nodes, tied to nothing that was there: the whole process is in question.
        lo, hi = (min(touched), max(touched)) if touched else (0, len(self.regions) - 1)
        added = {n for n in editor.changed if n in nodes and n not in where}
        while True:
            head = self.regions[lo].head
            after = self.regions[hi + 1].head if hi + 1 < len(self.regions) else None
            kept = {n for r in self.regions[lo : hi + 1] for n in r.nodes if n in nodes}
            members = kept | added
            outside = {t for n in members for t in editor.successors(n)}
            outside |= {p for n in members if n != head for p in editor.predecessors(n)}
            outside -= members | {after}
            if not outside:
                return lo, hi, members
            lo = min(lo, *(where[n] for n in outside))
            hi = max(hi, *(where[n] for n in outside))

    def metrics(self) -> dict[str, float]:
        """The planner's metrics (:data:`METRICS`), as :func:`bpr.measure` would give them."""
        if self._metrics is None:
            self._metrics = _combined([r.stretch for r in self.regions])
        return self._metrics


def _combined(stretches: Sequence[Stretch]) -> dict[str, float]:
    avoid: dict[str, list[float]] = {}
    documents: dict[str, list[tuple[float, float]]] = {}
    needed: set[str] = set()
    for s in stretches:
        for agency, p in s.avoid.items():
            avoid.setdefault(agency, []).append(p)
        for document, pair in s.documents.items():
            documents.setdefault(document, []).append(pair)
        needed |= s.needed
    seconds = [s.seconds for s in stretches]
    cycle = None if None in seconds else timedelta(seconds=math.fsum(seconds))
    metrics = {
        "steps": math.fsum(s.steps for s in stretches),
        "visits": math.fsum(s.visits for s in stretches),
        "handoffs": math.fsum(s.handoffs for s in stretches),
        "agencies": math.fsum(1.0 - math.prod(sorted(p)) for p in avoid.values()),
        "documents": math.fsum(_supplied(documents[d]) for d in needed),
        "cycle_time": in_unit(cycle, "days"),
    }
    # A metric some step lacks a field for is unknown for the whole process.
    unknown = set().union(*(s.unknown for s in stretches))
    return {m: math.nan if m in unknown else value for m, value in metrics.items()}


def _supplied(regions: list[tuple[float, float]]) -> float:
    """The probability that the citizen supplies a document: the first region (in process
    order) with a step that needs or makes it has a step needing it run first."""
    total, untouched = 0.0, 1.0
    for avoid, first_needs in regions:
        total += untouched * first_needs
        untouched *= avoid
    return total


def _measured(
    editor: Editor,
    process: ServiceProcess,
    order: list[str],
    head: str | None,
    after: str | None,
    cache: dict[Any, Stretch],
) -> list[_Region]:
    """The regions of ``process``, the stretch of ``editor``'s process from ``head`` to
    ``after`` whose nodes are ``order``, each measured."""
    heads = [head, *(c for c in _cut_steps(process) if c not in (head, after))]
    starts = [] if head is not None else [e.id for e in process.starts]
    region: dict[str, int] = {}
    for k, first in enumerate(heads):
        stop = heads[k + 1] if k + 1 < len(heads) else after
        frontier = [first] if first is not None else list(starts)
        region.update(dict.fromkeys(frontier, k))
        while frontier:
            for t in editor.successors(frontier.pop()):
                if t != stop and t not in region:
                    region[t] = k
                    frontier.append(t)
    members: list[list[str]] = [[] for _ in heads]
    for n in order:
        members[region[n]].append(n)
    whole = process if len(heads) == 1 else None  # one region: its process is made already
    return [
        _region(editor, first, tuple(nodes), stop, cache, whole)
        for first, nodes, stop in zip(heads, members, [*heads[1:], after], strict=True)
    ]


def _region(
    editor: Editor,
    head: str | None,
    nodes: tuple[str, ...],
    after: str | None,
    cache: dict[Any, Stretch],
    process: ServiceProcess | None = None,
) -> _Region:
    """The region ``nodes`` from ``head`` to ``after`` measured: branch by branch when it is
    one exclusive choice."""
    shape = _shape(editor, head, nodes, after)
    if shape is None:
        return _Region(head, nodes, _stretch(editor, head, nodes, after, cache, process))
    assert head is not None and after is not None  # a choice lies between two cut steps
    split, join, found = shape
    branches = [
        _Branch(b, p, _branch_stretch(editor, head, b, after, join, cache)) for b, p in found
    ]
    choice = _Choice(split, join, tuple(branches), _where(branches))
    return _Region(head, nodes, _chosen(branches), choice)


def _where(branches: Sequence[_Branch]) -> dict[str, int]:
    return {n: k for k, b in enumerate(branches) for n in b.nodes}


class _Flows:
    """``editor``'s flows where :func:`~bpr._measure_model._split_probabilities` reads a
    process's, so that branch probabilities follow the one rule."""

    def __init__(self, editor: Editor) -> None:
        self._flows = editor.flows

    def flow(self, source: str, target: str) -> Flow:
        return self._flows[source, target]


def _shape(
    editor: Editor, head: str | None, nodes: Sequence[str], after: str | None
) -> tuple[str, str, list[tuple[tuple[str, ...], float]]] | None:
    """The split, the join and the branches (their nodes as :class:`_Branch` holds them,
    their probabilities) of the region ``nodes`` from ``head`` to ``after``, when it is one
    exclusive choice every branch of which can be taken (probabilities summing to 1 within 1e-12,
    so that weighing the branches gives the region's figures); otherwise ``None``."""
    if head is None or after is None or len(editor.successors(head)) != 1:
        return None
    split, join = editor.successors(head)[0], editor.predecessors(after)[0]
    if not (_exclusive(editor, split) and _exclusive(editor, join)) or split == join:
        return None
    if editor.predecessors(split) != [head] or editor.successors(join) != [after]:
        return None
    position = {n: i for i, n in enumerate(nodes)}
    inner = set(position) - {head, split, join}
    targets = editor.successors(split)
    found, seen = [], set()
    for target, p in _split_probabilities(_Flows(editor), split, targets, []):
        branch = set() if target == join else _branch(editor, target, split, join, inner)
        if branch is None or not p > 0.0 or seen.intersection(branch):
            return None
        seen.update(branch)
        rest = sorted(branch - {target}, key=position.__getitem__)
        found.append(((target, *rest) if branch else (), p))
    if len(found) < 2 or seen != inner or abs(math.fsum(p for _, p in found) - 1.0) > 1e-12:
        return None
    return split, join, found


def _exclusive(editor: Editor, node_id: str) -> bool:
    node = editor.node(node_id)
    return isinstance(node, Gateway) and node.kind is GatewayKind.EXCLUSIVE


def _branch(editor: Editor, entry: str, split: str, join: str, inner: set[str]) -> set[str] | None:
    """The nodes reached from ``entry`` before ``join``, when the branch is entered only at
    ``entry`` (from ``split``) and left by one flow to ``join``; otherwise ``None``."""
    found, frontier, exits = {entry}, [entry], 0
    while frontier:
        for t in editor.successors(frontier.pop()):
            if t == join:
                exits += 1
            elif t not in inner:
                return None
            elif t not in found:
                found.add(t)
                frontier.append(t)
    entered = [p for n in found for p in editor.predecessors(n) if p not in found]
    return found if exits == 1 and entered == [split] else None


def _branch_stretch(
    editor: Editor,
    head: str,
    nodes: tuple[str, ...],
    after: str,
    join: str,
    cache: dict[Any, Stretch],
) -> Stretch:
    """The branch ``nodes`` of a choice, between the cut steps ``head`` and ``after``,
    measured as if it were taken always (once for equal contents)."""
    node = editor.node
    key = (
        "branch",
        node(head),
        tuple(node(n) for n in nodes),
        tuple(editor.flows[n, t] for n in nodes for t in editor.successors(n)),
        node(after),
    )
    if key not in cache:
        process = _branch_process(editor, head, nodes, after, join)
        cache[key] = measure_stretch(process, head, after)
    return cache[key]


def _branch_process(
    editor: Editor, head: str, nodes: tuple[str, ...], after: str, join: str
) -> ServiceProcess:
    """The branch ``nodes`` of a choice as a process of its own (validated): a start event,
    ``head``, the branch, ``after`` and an end event."""
    inner = [
        attrs.evolve(f, target=after) if f.target == join else f
        for n in nodes
        for f in (editor.flows[n, t] for t in editor.successors(n))
    ]
    start, end = _fresh("start", {*nodes, head, after}), _fresh("end", {*nodes, head, after})
    return ServiceProcess(
        editor.process.name,
        nodes=[
            Event(start, EventKind.START),
            editor.node(head),
            *(editor.node(n) for n in nodes),
            editor.node(after),
            Event(end, EventKind.END),
        ],
        flows=[
            Flow(start, head),
            Flow(head, nodes[0] if nodes else after),
            *inner,
            Flow(after, end),
        ],
    )


def _chosen(branches: Sequence[_Branch]) -> Stretch:
    """The stretch of a choice: each branch's figures weighed by its probability (a branch
    without an agency or a document never meets it)."""

    def mean(figure: Callable[[Stretch], float]) -> float:
        return math.fsum(b.probability * figure(b.stretch) for b in branches)

    stretches = [b.stretch for b in branches]
    agencies = sorted({a for s in stretches for a in s.avoid})
    documents = sorted({d for s in stretches for d in s.documents})
    times = [s.seconds for s in stretches]
    seconds = None
    if None not in times:  # a branch that can be taken without a known time: unknown
        weighed = zip(branches, times, strict=True)
        seconds = math.fsum(b.probability * t for b, t in weighed if t is not None)
    return Stretch(
        steps=mean(lambda s: s.steps),
        visits=mean(lambda s: s.visits),
        handoffs=mean(lambda s: s.handoffs),
        avoid={a: mean(lambda s, a=a: s.avoid.get(a, 1.0)) for a in agencies},
        documents={
            d: (
                mean(lambda s, d=d: s.documents.get(d, (1.0, 0.0))[0]),
                mean(lambda s, d=d: s.documents.get(d, (1.0, 0.0))[1]),
            )
            for d in documents
        },
        needed=frozenset().union(*(s.needed for s in stretches)),
        seconds=seconds,
        unknown=frozenset().union(*(s.unknown for s in stretches)),
    )


def _cut_steps(process: ServiceProcess) -> list[str]:
    """The steps every case passes exactly once, in the order it passes them: those that
    post-dominate the start and lie in no loop."""
    graph = process.graph
    source, sink = object(), object()
    reverse = nx.DiGraph()
    reverse.add_edges_from((b, a) for a, b in graph.edges)
    reverse.add_edges_from((sink, e.id) for e in process.ends)
    reverse.add_edges_from((s.id, source) for s in process.starts)
    post = nx.immediate_dominators(reverse, sink)
    looped = {n for c in nx.strongly_connected_components(graph) if len(c) > 1 for n in c}
    cuts, node = [], post[source]
    while node is not sink:
        if node not in looped and isinstance(process.node(node), Step):
            cuts.append(node)
        node = post[node]
    return cuts


def _stretch(
    editor: Editor,
    head: str | None,
    nodes: tuple[str, ...],
    after: str | None,
    cache: dict[Any, Stretch],
    process: ServiceProcess | None = None,
) -> Stretch:
    """The region ``nodes`` from ``head`` to ``after`` measured (once for equal contents);
    ``process`` is the region as a process of its own, when it is made already."""
    node = editor.node
    first = head if head is not None else nodes[0]
    if len(nodes) - (after is None) == 1 and len(editor.successors(first)) == 1:
        # One step (or one start event) straight before the next cut step or an end event.
        return Stretch.of_step(
            None if head is None else node(head), None if after is None else node(after)
        )
    key = (
        head,
        tuple(node(n) for n in nodes),
        tuple(editor.flows[n, t] for n in nodes for t in editor.successors(n)),
        None if after is None else node(after),
    )
    if key not in cache:
        process = process or _process(editor, nodes, head, after)
        cache[key] = measure_stretch(process, head, after)
    return cache[key]


def _process(
    editor: Editor, nodes: Sequence[str], head: str | None, after: str | None
) -> ServiceProcess:
    """The stretch ``nodes`` of ``editor``'s process as a process of its own (validated): a
    start event before ``head`` and an end event after ``after``."""
    members: list[Node] = [editor.node(n) for n in nodes]
    flows = [editor.flows[n, t] for n in nodes for t in editor.successors(n)]
    taken = {*nodes, after}
    if head is not None:
        start = _fresh("start", taken)
        members.insert(0, Event(start, EventKind.START))
        flows.insert(0, Flow(start, head))
    if after is not None:
        end = _fresh("end", taken)
        members += [editor.node(after), Event(end, EventKind.END)]
        flows.append(Flow(after, end))
    return ServiceProcess(editor.process.name, nodes=members, flows=flows)


def _fresh(name: str, taken: set[str]) -> str:
    while name in taken:
        name += "'"
    return name
