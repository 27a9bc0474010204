"""The redesign planner's metrics of a process under edit, measured again only where it changed.

Every case passes some steps of a process exactly once: the *cut steps*, which lie on every
path from start to end and in no loop. What a case does between two consecutive cut steps does
not depend on what it did before (the model is a Markov chain), so a process falls apart into
*regions*, one from each cut step to the next (and one before the first), each measured on its
own as a :class:`~bpr._measure_model.Stretch`; the regions' figures combine into exactly the
expected values :func:`bpr.measure` computes for the whole. An edit changes a few regions: only
those are cut again, validated and measured, and a region measured once is never measured
again.

Equal regions give equal figures, and figures combine in an order that does not depend on
where a region sits (:func:`math.fsum`, products of sorted factors), so equal changes made in
different places of a process score exactly equal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import attrs
import networkx as nx

from bpr._edit import Editor
from bpr._measure_model import Stretch, measure_stretch
from bpr._words import in_unit
from bpr.errors import ModelError
from bpr.model import Event, EventKind, Flow, Node, ServiceProcess, Step

__all__ = ["METRICS", "Regions"]

#: The metrics the planner weighs, as :func:`bpr.measure` defines them (cycle time in days).
METRICS = ("steps", "visits", "handoffs", "agencies", "documents", "cycle_time")


@attrs.frozen
class _Region:
    """The nodes from the cut step ``head`` (``None``: from the start events) to the next."""

    head: str | None
    nodes: tuple[str, ...]
    stretch: Stretch = attrs.field(repr=False)


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
                regions[k] = self._remeasured(editor, k, regions[k])
            new = Regions(regions, self._cache)
            new._where = self._where
            return new
        lo, hi, members = self._span(editor)
        head = self.regions[lo].head
        after = self.regions[hi + 1].head if hi + 1 < len(self.regions) else None
        order = [n for n in editor.nodes if n in members]
        try:
            process = _process(editor, order, head, after)
        except ModelError:
            return None
        span = _measured(editor, process, order, head, after, self._cache)
        return Regions([*self.regions[:lo], *span, *self.regions[hi + 1 :]], self._cache)

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

    def _remeasured(self, editor: Editor, k: int, region: _Region) -> _Region:
        after = self.regions[k + 1].head if k + 1 < len(self.regions) else None
        stretch = _stretch(editor, region.head, region.nodes, after, self._cache)
        return attrs.evolve(region, stretch=stretch)

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
        _Region(first, tuple(nodes), _stretch(editor, first, tuple(nodes), stop, cache, whole))
        for first, nodes, stop in zip(heads, members, [*heads[1:], after], strict=True)
    ]


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
