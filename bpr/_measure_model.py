"""Exact expected length of a service-process model (the model side of :func:`bpr.measure`).

Counts (steps, visits, handoffs, agencies, documents, ...) come from an absorbing Markov chain
whose states are the steps: parallel blocks are read as their branches one after another in
model order, exclusive splits by their branch probabilities, loops included. Expected counts
of steps and of step-to-step transitions come from the fundamental matrix; the non-linear
metrics (distinct agencies, distinct documents, rework) are sums of hitting probabilities,
each read off the same fundamental matrix with a system as small as the set of steps it asks
about. Times come from the distribution of the path duration, propagated through the graph
with parallel blocks collapsed to the maximum of their branches.

:func:`measure_stretch` measures one stretch of a process between two steps that every case
passes exactly once; the redesign planner adds stretches up (see :mod:`bpr._regions`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs
import networkx as nx

from bpr._steps import (
    Missing,
    day_floor,
    is_citizen_facing,
    is_paper_inquiry,
    missing,
    presence,
    visit_place,
)
from bpr.errors import ModelError
from bpr.model import (
    Actor,
    Channel,
    Gateway,
    GatewayKind,
    ServiceProcess,
    Step,
    StepKind,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "COUNTS",
    "Measured",
    "Stretch",
    "measure_process",
    "measure_stretch",
    "step_seconds",
]

#: Metrics that count something per case (floats: means or expected values).
COUNTS = (
    "steps",
    "visits",
    "handoffs",
    "agencies",
    "documents",
    "inquiries",
    "paper_inquiries",
    "rework",
    "procedures",
)

_DAY = 86400.0

#: Probability mass left in an unbounded loop when a duration distribution is cut off.
TAIL_MASS = 1e-12
#: Largest number of support points a duration distribution keeps before it is binned.
MAX_SUPPORT = 1024
#: Most value pairs the sum of two distributions forms one by one; beyond, both are binned
#: first to the square root of it (the sum is binned to MAX_SUPPORT points anyway).
MAX_PAIRS = 1 << 16

Successors = Mapping[str, Sequence[tuple[str, float]]]


# -- structure: branch probabilities and parallel blocks ------------------------------------


def _branch_probabilities(process: ServiceProcess, notes: list[str]) -> dict[str, list]:
    """Successors of every node with the probability of taking each flow.

    Parallel splits get probability 1 on every branch (all run); the caller serialises them.
    """
    out: dict[str, list[tuple[str, float]]] = {}
    for node in process.nodes:
        targets = process.successors(node.id)
        exclusive = isinstance(node, Gateway) and node.kind is GatewayKind.EXCLUSIVE
        if exclusive and len(targets) > 1:
            out[node.id] = _split_probabilities(process, node.id, targets, notes)
        else:
            out[node.id] = [(t, 1.0) for t in targets]
    return out


def _split_probabilities(
    process: ServiceProcess, split: str, targets: list[str], notes: list[str]
) -> list[tuple[str, float]]:
    flows = [process.flow(split, t) for t in targets]
    given = [f.probability for f in flows]
    if all(p is not None for p in given):
        return list(zip(targets, given, strict=True))
    counts = [f.frequency for f in flows]
    if all(p is None for p in given) and all(c is not None for c in counts) and sum(counts) > 0:
        notes.append(f"split {split!r}: branch probabilities from observed flow frequencies")
        return [(t, c / sum(counts)) for t, c in zip(targets, counts, strict=True)]
    missing = sum(p is None for p in given)
    share = max(0.0, 1.0 - sum(p for p in given if p is not None)) / missing
    notes.append(
        f"split {split!r}: {missing} of {len(targets)} branches have no probability; "
        f"assumed equally likely ({share:.4g} each)"
    )
    return [(t, share if p is None else p) for t, p in zip(targets, given, strict=True)]


@attrs.frozen
class _Parallel:
    """A parallel block: ``entries[i]`` starts branch ``i`` and ``lasts[i]`` flows into the
    join; both are ``None`` for an empty branch (a flow straight from split to join)."""

    split: str
    join: str
    entries: tuple[str | None, ...]
    lasts: tuple[str | None, ...]


def _parallel_blocks(process: ServiceProcess) -> dict[str, _Parallel]:
    """Each parallel split with its matching join (its immediate post-dominator)."""
    graph = process.graph
    splits = [
        g.id
        for g in process.gateways
        if g.kind is GatewayKind.PARALLEL and graph.out_degree(g.id) > 1
    ]
    joins = {
        g.id
        for g in process.gateways
        if g.kind is GatewayKind.PARALLEL and graph.in_degree(g.id) > 1
    }
    if not splits and not joins:
        return {}
    sink = object()
    reverse = nx.DiGraph()  # edges only: copying the graph would copy every step
    reverse.add_edges_from((b, a) for a, b in graph.edges)
    reverse.add_edges_from((sink, e.id) for e in process.ends)
    post = nx.immediate_dominators(reverse, sink)
    blocks = {s: _parallel_block(process, s, post.get(s)) for s in splits}
    unmatched = sorted(joins - {b.join for b in blocks.values()})
    if unmatched:
        raise ModelError(
            f"process {process.name!r}: parallel join {unmatched[0]!r} closes no parallel "
            "split; measure needs every parallel block to open and close at a pair of gateways"
        )
    return blocks


def _parallel_block(process: ServiceProcess, split: str, join: Any) -> _Parallel:
    graph = process.graph
    problem = (
        f"process {process.name!r}: the branches of parallel split {split!r} do not all meet at "
        "one parallel join; measure needs parallel blocks that open and close at a pair of "
        "gateways (no flow may leave or enter a branch in between)"
    )
    node = process.node(join) if isinstance(join, str) else None
    if not (isinstance(node, Gateway) and node.kind is GatewayKind.PARALLEL):
        raise ModelError(problem)
    entries, lasts, seen = [], [], set()
    for entry in graph.successors(split):
        if entry == join:
            entries.append(None)
            lasts.append(None)
            continue
        members = _reach(graph, entry, join)
        into_join = [m for m in members if graph.has_edge(m, join)]
        closed = all(
            set(graph.successors(m)) <= members | {join}
            and set(graph.predecessors(m)) <= members | ({split} if m == entry else set())
            for m in members
        )
        if seen & members or len(into_join) != 1 or not closed:
            raise ModelError(problem)
        seen |= members
        entries.append(entry)
        lasts.append(into_join[0])
    if graph.in_degree(join) != len(entries):
        raise ModelError(problem)
    return _Parallel(split, join, tuple(entries), tuple(lasts))


def _reach(graph: nx.DiGraph, entry: str, stop: str) -> set[str]:
    """Nodes reachable from ``entry`` without passing ``stop``."""
    seen, frontier = {entry}, [entry]
    while frontier:
        for target in graph.successors(frontier.pop()):
            if target != stop and target not in seen:
                seen.add(target)
                frontier.append(target)
    return seen


def _serialised(probs: Successors, blocks: Mapping[str, _Parallel]) -> dict[str, list]:
    """Successors with each parallel block's branches run one after another in model order."""
    succ = {n: list(v) for n, v in probs.items()}
    for block in blocks.values():
        chain = [e for e in block.entries if e is not None] + [block.join]
        succ[block.split] = [(chain[0], 1.0)]
        lasts = [last for last in block.lasts if last is not None]
        for last, following in zip(lasts, chain[1:], strict=True):
            succ[last] = [(following if t == block.join else t, p) for t, p in succ[last]]
    return succ


# -- counts: the step chain -------------------------------------------------------------------


@attrs.frozen
class _Chain:
    """Expected behaviour of the step chain.

    ``first[i]``: probability that step ``i`` is the first; ``move[i, j]``: probability that
    step ``j`` follows step ``i``; ``visits[i]``: expected executions of step ``i``;
    ``reach[i]``: probability that step ``i`` runs at least once; ``fundamental[i, j]``:
    expected executions of step ``j`` once step ``i`` runs (for the hitting probabilities).
    """

    first: np.ndarray
    move: np.ndarray
    visits: np.ndarray
    reach: np.ndarray
    fundamental: np.ndarray


def _step_chain(process: ServiceProcess, succ: Successors, notes: list[str]) -> _Chain:
    import numpy as np

    steps = process.steps
    index = {s.id: i for i, s in enumerate(steps)}
    ends = {e.id for e in process.ends}
    routers = [n.id for n in process.nodes if n.id not in index and n.id not in ends]
    where = {r: i for i, r in enumerate(routers)}
    n, k = len(steps), len(routers)

    # A router (gateway or start event) leads, through other routers, to a first step or an
    # end: solve for that distribution once, so the chain has steps as its only states.
    loop, out = np.zeros((k, k)), np.zeros((k, n))
    for r in routers:
        for target, p in succ[r]:
            if target in where:
                loop[where[r], where[target]] += p
            elif target in index:
                out[where[r], index[target]] += p
    lead = _solve(process, np.eye(k) - loop, out)
    move = np.zeros((n, n))
    for s in steps:
        for target, p in succ[s.id]:
            if target in index:
                move[index[s.id], index[target]] += p
            elif target in where:
                move[index[s.id]] += p * lead[where[target]]
    starts = process.starts
    if len(starts) > 1:
        notes.append(f"{len(starts)} start events: a case starts at each with equal probability")
    first = sum(lead[where[e.id]] for e in starts) / len(starts)
    fundamental = _solve(process, np.eye(n) - move, np.eye(n))
    visits = first @ fundamental
    # Every case must end: either no step at all, or an exit after some step.
    ending = 1.0 - first.sum() + visits @ (1.0 - move.sum(axis=1))
    if abs(ending - 1.0) > 1e-6:
        raise ModelError(_endless(process))
    reach = np.divide(visits, np.diag(fundamental), out=np.zeros(n), where=visits > 0)
    return _Chain(first, move, visits, reach, fundamental)


def _solve(process: ServiceProcess, matrix: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """``matrix⁻¹ rhs`` by a sparse LU factorisation (process graphs have few flows per node)."""
    import numpy as np
    from scipy.sparse import csc_matrix
    from scipy.sparse.linalg import splu

    if matrix.size == 0:
        return rhs
    try:
        result = splu(csc_matrix(matrix)).solve(rhs)
    except RuntimeError:  # SuperLU: the matrix is singular
        raise ModelError(_endless(process)) from None
    if not np.all(np.isfinite(result)):
        raise ModelError(_endless(process))
    return result


def _endless(process: ServiceProcess) -> str:
    return (
        f"process {process.name!r}: a case can loop forever (a loop whose way out has "
        "probability 0); give the loop's exit flow a probability above 0"
    )


def _entered(chain: _Chain, stops: np.ndarray, targets: np.ndarray) -> float:
    """Probability that the first step of the case in ``stops`` is one of ``targets``, from the
    fundamental matrix: the expected executions of the ``stops`` are those that follow the
    first of them, ``visits[S] = entrance @ fundamental[S, S]``, a system as small as ``S``."""
    import numpy as np

    if not stops.any():
        return 0.0
    inner = chain.fundamental[np.ix_(stops, stops)]
    entrance = np.linalg.solve(inner.T, chain.visits[stops])
    return float(entrance @ targets[stops])


def _counts(steps: Sequence[Step], chain: _Chain) -> dict[str, float | None]:
    """Expected counts per case; ``None`` for a metric that a step a case can run lacks a
    field for (:func:`bpr._steps.missing` says which)."""
    import numpy as np

    v, move = chain.visits, chain.move
    flows = v[:, None] * move  # expected number of times step j directly follows step i
    present, same_trip, differ = _trip_relations(steps)
    flags = {
        "inquiries": [s.kind is StepKind.INQUIRY for s in steps],
        "paper_inquiries": [bool(is_paper_inquiry(s)) for s in steps],
        "procedures": [bool(is_citizen_facing(s)) for s in steps],
    }
    counts: dict[str, float | None] = {
        name: float(v @ np.array(f, dtype=float)) for name, f in flags.items()
    }
    counts["steps"] = float(v.sum())
    counts["handoffs"] = float((flows * differ).sum())
    continued = (flows * same_trip).sum(axis=0)  # arrivals at j that stay on the same trip
    counts["visits"] = float(((v - continued) * present).sum())
    counts["rework"] = _rework(steps, chain)
    counts["agencies"] = _agencies(steps, chain)
    counts["documents"] = _documents(steps, chain)
    for metric in _unknown(steps, chain):
        if metric in counts:
            counts[metric] = None
    return counts


def _unknown(steps: Sequence[Step], chain: _Chain) -> dict[str, Missing]:
    """The typed metrics some step that a case can run lacks a field for."""
    return missing([s for s, v in zip(steps, chain.visits, strict=True) if v > 0])


def _trip_relations(steps: Sequence[Step]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which steps need the citizen present; for each pair of steps (i, j), whether j right
    after i continues the same trip; and whether the pair changes hands (agency, actor).
    Unknown presence counts as absent here: a metric that needs it is unknown anyway."""
    import numpy as np

    role = _codes([(s.agency, s.actor) for s in steps])
    place = _codes([visit_place(s) for s in steps])
    present = np.array([bool(presence(s)) for s in steps], dtype=bool)
    same_trip = present[:, None] & (place[:, None] == place[None, :])
    return present, same_trip, role[:, None] != role[None, :]


def _codes(values: Sequence[Any]) -> np.ndarray:
    """Integer codes of hashable values (equal values, equal codes; ``None`` is a value)."""
    import numpy as np

    seen: dict[Any, int] = {}
    return np.array([seen.setdefault(v, len(seen)) for v in values], dtype=int)


def _rework(steps: Sequence[Step], chain: _Chain) -> float:
    """Expected executions of an activity beyond its first: steps are grouped by name, as a
    log groups events by activity, so two steps with one label are one activity."""
    import numpy as np

    from bpr.labels import normalize

    labels = _codes([normalize(s.name) for s in steps])
    once = 0.0
    for label in np.unique(labels):
        named = labels == label
        shared = named.sum() > 1
        once += _entered(chain, named, named) if shared else float(chain.reach[named][0])
    return float(chain.visits.sum()) - once


def _agencies(steps: Sequence[Step], chain: _Chain) -> float:
    import numpy as np

    agencies = sorted({s.agency for s in steps if s.agency is not None})
    total = 0.0
    for agency in agencies:
        at = np.array([s.agency == agency for s in steps])
        total += _entered(chain, at, at)
    return total


def _documents(steps: Sequence[Step], chain: _Chain) -> float:
    """Expected number of distinct documents the citizen supplies.

    A document counts when a citizen-facing step needs it before any step produces it (a
    step that needs and produces it counts as needing it: input comes first).
    """
    facing = [bool(is_citizen_facing(s)) for s in steps]
    wanted = sorted(
        {d for s, f in zip(steps, facing, strict=True) if f for d in s.documents_in or ()}
    )
    total = 0.0
    for doc in wanted:
        need, made = _need_made(steps, facing, doc)
        total += _entered(chain, need | made, need)
    return total


def _need_made(steps: Sequence[Step], facing: Sequence[bool], doc: str) -> tuple[Any, Any]:
    """Which steps need ``doc`` from the citizen, and which produce it."""
    import numpy as np

    need = np.array(
        [f and doc in (s.documents_in or ()) for s, f in zip(steps, facing, strict=True)]
    )
    return need, np.array([doc in (s.documents_out or ()) for s in steps])


# -- paths: minimum, maximum, variants -------------------------------------------------------


def _path_graph(process: ServiceProcess, succ: Successors) -> nx.DiGraph:
    """Flows a case can take (probability above 0), trimmed to nodes on a start-end path."""
    graph = nx.DiGraph()
    graph.add_nodes_from(n.id for n in process.nodes)
    graph.add_edges_from((a, b) for a, targets in succ.items() for b, p in targets if p > 0)
    starts = [e.id for e in process.starts]
    ends = [e.id for e in process.ends]
    alive = set(starts).union(*(nx.descendants(graph, s) for s in starts))
    alive &= set(ends).union(*(nx.ancestors(graph, e) for e in ends))
    return graph.subgraph(alive).copy()


def _paths(process: ServiceProcess, succ: Successors) -> dict[str, int | None]:
    graph = _path_graph(process, succ)
    is_step = {n.id: isinstance(n, Step) for n in process.nodes}
    starts = [e.id for e in process.starts if e.id in graph]
    ends = [e.id for e in process.ends if e.id in graph]
    shortest = nx.multi_source_dijkstra_path_length(
        graph, starts, weight=lambda _a, b, _d: 1 if is_step[b] else 0
    )
    fewest = min(shortest[e] for e in ends)
    condensed = nx.condensation(graph)
    members = nx.get_node_attributes(condensed, "members")
    cyclic = {c for c, m in members.items() if len(m) > 1 or any(graph.has_edge(x, x) for x in m)}
    if any(is_step[n] for c in cyclic for n in members[c]):
        return {"steps_min": fewest, "steps_max": None, "variants": None}
    most: dict[int, int] = {}
    ways: dict[int, int] = {}
    start_comps = {condensed.graph["mapping"][s] for s in starts}
    for c in nx.topological_sort(condensed):
        before = list(condensed.predecessors(c))
        own = sum(is_step[n] for n in members[c])
        most[c] = own + max((most[b] for b in before), default=0)
        ways[c] = sum(ways[b] for b in before) + (1 if c in start_comps else 0)
    end_comps = {condensed.graph["mapping"][e] for e in ends}
    variants = None if cyclic else sum(ways[c] for c in end_comps)
    return {
        "steps_min": fewest,
        "steps_max": max(most[c] for c in end_comps),
        "variants": variants,
    }


# -- times: distributions of the path duration ----------------------------------------------


@attrs.frozen
class _Dist:
    """A discrete distribution of a duration in seconds (values sorted, probabilities)."""

    values: np.ndarray
    probs: np.ndarray
    binned: bool = False

    @classmethod
    def point(cls, seconds: float) -> _Dist:
        import numpy as np

        return cls(np.array([float(seconds)]), np.array([1.0]))

    @property
    def mass(self) -> float:
        return float(self.probs.sum())

    def mean(self) -> float:
        return float(self.values @ self.probs / self.mass)

    def quantile(self, q: float) -> float:
        """The smallest value whose cumulative probability reaches ``q``."""
        import numpy as np

        cumulative = np.cumsum(self.probs) / self.mass
        return float(self.values[min(np.searchsorted(cumulative, q - 1e-12), len(self) - 1)])

    def __len__(self) -> int:
        return len(self.values)

    def scaled(self, p: float) -> _Dist:
        return _Dist(self.values, self.probs * p, self.binned)

    def plus(self, other: _Dist) -> _Dist:
        """The distribution of the sum of two independent durations."""
        import numpy as np

        binned = self.binned or other.binned
        if len(other) == 1:
            return _Dist(self.values + other.values[0], self.probs * other.probs[0], binned)
        left, right = self, other
        if len(left) * len(right) > MAX_PAIRS:
            side = math.isqrt(MAX_PAIRS)
            left, right = (_compact(d.values, d.probs, d.binned, side) for d in (left, right))
            binned = True
        values = np.add.outer(left.values, right.values).ravel()
        return _compact(values, np.multiply.outer(left.probs, right.probs).ravel(), binned)

    def maximum(self, other: _Dist) -> _Dist:
        """The distribution of the larger of two independent durations."""
        import numpy as np

        values = np.union1d(self.values, other.values)
        cdf = _cdf(self, values) * _cdf(other, values)
        return _Dist(values, np.diff(cdf, prepend=0.0), self.binned or other.binned)


def _cdf(dist: _Dist, at: np.ndarray) -> np.ndarray:
    import numpy as np

    cumulative = np.concatenate([[0.0], np.cumsum(dist.probs)])
    return cumulative[np.searchsorted(dist.values, at, side="right")] / dist.mass


def _merge(dists: Sequence[_Dist]) -> _Dist:
    import numpy as np

    if len(dists) == 1:
        return dists[0]
    return _compact(
        np.concatenate([d.values for d in dists]),
        np.concatenate([d.probs for d in dists]),
        any(d.binned for d in dists),
    )


def _compact(
    values: np.ndarray, probs: np.ndarray, binned: bool, support: int = MAX_SUPPORT
) -> _Dist:
    """Sum equal values; bin to at most ``support`` points, keeping the mean exact."""
    import numpy as np

    values, inverse = np.unique(values, return_inverse=True)
    probs = np.bincount(inverse, weights=probs)
    if len(values) <= support:
        return _Dist(values, probs, binned)
    # Durations run from seconds to months: bins grow with the value, so that every range of
    # the distribution keeps about the same relative resolution.
    edges = np.geomspace(values[0] + 1.0, values[-1] + 1.0, support // 2 + 1) - 1.0
    bins = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, support // 2 - 1)
    mass = np.bincount(bins, weights=probs)
    moment = np.bincount(bins, weights=probs * values)
    keep = mass > 0
    return _Dist(moment[keep] / mass[keep], mass[keep], True)


@attrs.frozen
class _Timing:
    """Where time is spent: successors with parallel blocks collapsed, and time per node."""

    succ: Successors
    blocks: Mapping[str, _Parallel]
    step_time: Callable[[Step], float | None]
    process: ServiceProcess
    order: Mapping[str, int]  # reading order of the nodes, for a deterministic traversal
    cache: dict[str, _Dist] = attrs.field(factory=dict)

    def node_time(self, node_id: str) -> _Dist:
        block = self.blocks.get(node_id)
        if block is not None:
            if node_id not in self.cache:
                branches = [
                    _Dist.point(0) if entry is None else self.propagate(entry, {block.join})
                    for entry in block.entries
                ]
                longest = branches[0]
                for branch in branches[1:]:
                    longest = longest.maximum(branch)
                self.cache[node_id] = longest
            return self.cache[node_id]
        node = self.process.node(node_id)
        seconds = self.step_time(node) if isinstance(node, Step) else 0.0
        return _Dist.point(seconds)

    def propagate(self, entry: str, stops: set[str]) -> _Dist:
        """Duration from arriving at ``entry`` to arriving at one of ``stops`` (or an end)."""
        region = nx.DiGraph()
        region.add_node(entry)
        frontier = [entry]
        while frontier:
            node = frontier.pop()
            for target, p in self.succ[node]:
                if p > 0 and target not in stops:
                    if target not in region:
                        frontier.append(target)
                    region.add_edge(node, target)
        order = self.order
        arriving: dict[str, list[_Dist]] = {entry: [_Dist.point(0)]}
        done: list[_Dist] = []
        condensed = nx.condensation(region)
        for comp in nx.lexicographical_topological_sort(
            condensed, key=lambda c: min(order[m] for m in condensed.nodes[c]["members"])
        ):
            inner = condensed.nodes[comp]["members"]
            members = sorted(inner, key=order.__getitem__)
            pending = {m: _merge(arriving.pop(m)) for m in members if m in arriving}
            first_round = True
            # Inside a loop, mass goes round until what is left is negligible.
            while pending and (first_round or sum(d.mass for d in pending.values()) > TAIL_MASS):
                first_round = False
                inside: dict[str, list[_Dist]] = {}
                for node, dist in pending.items():
                    leaving = dist.plus(self.node_time(node))
                    targets = [(t, p) for t, p in self.succ[node] if p > 0]
                    if not targets:
                        done.append(leaving)
                    for target, p in targets:
                        if target in stops:
                            done.append(leaving.scaled(p))
                        else:
                            bucket = inside if target in inner else arriving
                            bucket.setdefault(target, []).append(leaving.scaled(p))
                pending = {m: _merge(inside[m]) for m in members if m in inside}
        return _merge(done)


def step_seconds(kind: str) -> Callable[[Step], float | None]:
    """Seconds a step takes: ``total`` (waiting and working), ``working``, or ``days`` (total
    raised to the Doing Business minimum of a citizen-facing step).

    A step observed in a log but with neither working nor waiting time only ever opened cases
    of a log without start times: its event is where the cycle time starts, so it takes 0 s.

    >>> from bpr import StepStats
    >>> step_seconds("total")(Step("a", "Apply", stats=StepStats(events=5, cases=5)))
    0.0
    >>> step_seconds("total")(Step("a", "Apply")) is None
    True
    """

    def seconds(step: Step) -> float | None:
        stats = step.stats
        if step.duration is not None:
            total = working = step.duration.total_seconds()
        elif stats is not None:
            parts = [stats.working, stats.waiting]
            total = math.fsum(part.mean.total_seconds() for part in parts if part is not None)
            working = None if stats.working is None else stats.working.mean.total_seconds()
        else:
            return None
        if kind == "working":
            return working
        if kind == "days":
            floor = day_floor(step)
            return None if floor is None else max(total, floor * _DAY)
        return total

    return seconds


def _collapsed(probs: Successors, blocks: Mapping[str, _Parallel]) -> dict[str, list]:
    """Successors with each parallel block's split leading straight to its join."""
    collapsed = {n: list(v) for n, v in probs.items()}
    for block in blocks.values():
        collapsed[block.split] = [(block.join, 1.0)]
    return collapsed


def _from_starts(timing: _Timing, stops: set[str]) -> _Dist:
    """Duration from the start of a case (at any start event, equally likely) to ``stops``."""
    starts = [timing.propagate(e.id, stops) for e in timing.process.starts]
    return _merge([d.scaled(1 / len(starts)) for d in starts])


def _times(
    process: ServiceProcess,
    probs: Successors,
    blocks: Mapping[str, _Parallel],
    notes: list[str],
) -> dict[str, Any]:
    collapsed = _collapsed(probs, blocks)
    alive = _path_graph(process, probs)
    reachable = [s for s in process.steps if s.id in alive]
    order = {n.id: i for i, n in enumerate(process.nodes)}
    result: dict[str, Any] = {}
    done: dict[tuple[float | None, ...], _Dist] = {}
    for kind in ("total", "working", "days"):
        seconds = step_seconds(kind)
        times = tuple(seconds(s) for s in reachable)
        if None in times:
            result[kind] = None
            if kind != "days":
                unknown = [s.id for s, t in zip(reachable, times, strict=True) if t is None]
                notes.append(
                    f"{'cycle' if kind == 'total' else 'working'} time unknown: "
                    f"{len(unknown)} steps have no duration or observed time (first: "
                    f"{unknown[0]!r})"
                )
            continue
        if times not in done:  # working time often equals total time: propagate once
            timing = _Timing(collapsed, blocks, seconds, process, order)
            done[times] = _from_starts(timing, set())
        result[kind] = done[times]
    if any(d is not None and d.binned for d in result.values()):
        notes.append(
            f"a duration distribution had more than {MAX_SUPPORT} values and was binned: "
            "medians and 90th percentiles are approximate (means stay exact)"
        )
    return result


def _time_metrics(dists: Mapping[str, _Dist | None]) -> dict[str, Any]:
    total, working, days = dists["total"], dists["working"], dists["days"]
    metrics: dict[str, Any] = dict.fromkeys(
        ("cycle_time", "cycle_time_mean", "cycle_time_p90", "working_time", "waiting_share", "days")
    )
    if total is not None:
        metrics["cycle_time"] = timedelta(seconds=total.quantile(0.5))
        metrics["cycle_time_mean"] = timedelta(seconds=total.mean())
        metrics["cycle_time_p90"] = timedelta(seconds=total.quantile(0.9))
    if working is not None:
        metrics["working_time"] = timedelta(seconds=working.mean())
        if total is not None and total.mean() > 0:
            metrics["waiting_share"] = 1.0 - working.mean() / total.mean()
    if days is not None:
        metrics["days"] = days.mean() / _DAY
    return metrics


# -- stretches: the part of a process between two cut steps --------------------------------------


@attrs.frozen
class Stretch:
    """What one stretch of a process contributes to its length, for a planner that measures
    again only the stretches an edit changes.

    A stretch runs from a *cut step* (a step every case passes exactly once), or from the start
    events, up to the next cut step, or to the end events. What a case does in a stretch does
    not depend on what it did before (the model is a Markov chain), so stretches combine
    exactly: counts and mean times add up, the chances of never meeting an agency multiply,
    and a document is supplied in the first stretch that needs or makes it.

    Attributes
    ----------
    steps : float
        Expected executions of the stretch's steps (the next cut step belongs to the next
        stretch).
    visits, handoffs : float
        Trips begun, and handoffs made, on arriving at a step of the stretch other than its
        first cut step, or at the next cut step (arriving at its own cut step is counted by
        the stretch before).
    avoid : Mapping[str, float]
        For each agency of a step of the stretch, the probability that no such step runs.
    documents : Mapping[str, tuple[float, float]]
        For each document that a step of the stretch makes or a citizen-facing step of it
        needs: the probability that none of these steps runs, and that the first of them to
        run needs it.
    needed : frozenset[str]
        The documents a citizen-facing step of the stretch needs.
    seconds : float or None
        Mean time from arriving at the stretch to arriving at the next cut step; ``None`` when
        a step that can run has no known duration.
    unknown : frozenset[str]
        The planner's metrics (visits, handoffs, agencies, documents) that a step of the
        stretch, or the cut step after it, lacks a field for: unknown for the whole process.
    """

    steps: float
    visits: float
    handoffs: float
    avoid: Mapping[str, float]
    documents: Mapping[str, tuple[float, float]]
    needed: frozenset[str]
    seconds: float | None
    unknown: frozenset[str] = frozenset()

    @classmethod
    def of_step(cls, step: Step | None, after: Step | None) -> Stretch:
        """The stretch of the cut step ``step`` alone, followed straight by the cut step
        ``after`` (``None``: by an end event); ``step`` is ``None`` when a start event leads
        straight to ``after``.

        >>> a = Step("a", "Apply", agency="City", citizen_present=True, documents_in="id card",
        ...          duration=600)
        >>> b = Step("b", "Pay", agency="City", citizen_present=True, kind="pay")
        >>> s = Stretch.of_step(a, b)
        >>> s.visits, s.handoffs, dict(s.documents), s.seconds
        (0.0, 0.0, {'id card': (0.0, 1.0)}, 600.0)
        """
        around = [s for s in (step, after) if s is not None]
        unknown = frozenset(missing(around, _STRETCH_METRICS))
        if step is None:
            present = after is not None and bool(presence(after))
            return cls(0.0, float(present), 0.0, {}, {}, frozenset(), 0.0, unknown)
        needed = (step.documents_in or frozenset()) if is_citizen_facing(step) else frozenset()
        return cls(
            steps=1.0,
            visits=float(
                after is not None and bool(presence(after)) and not _same_trip(step, after)
            ),
            handoffs=float(
                after is not None and (step.agency, step.actor) != (after.agency, after.actor)
            ),
            avoid={} if step.agency is None else {step.agency: 0.0},
            documents={
                d: (0.0, float(d in needed))
                for d in sorted(needed | (step.documents_out or frozenset()))
            },
            needed=needed,
            seconds=step_seconds("total")(step),
            unknown=unknown,
        )


#: The metrics a stretch knows or not, for the planner (see :mod:`bpr._regions`).
_STRETCH_METRICS = ("visits", "handoffs", "agencies", "documents")


def _same_trip(step: Step, after: Step) -> bool:
    return bool(presence(step)) and visit_place(step) == visit_place(after)


def measure_stretch(process: ServiceProcess, head: str | None, after: str | None) -> Stretch:
    """The :class:`Stretch` from the cut step ``head`` to the cut step ``after``, where
    ``process`` holds that stretch alone: a start event leads to ``head`` and ``after`` to an
    end event (``head`` is ``None`` when the stretch begins at the process's start events,
    ``after`` is ``None`` when it ends at its end events).

    Examples
    --------
    >>> from bpr import ServiceProcess, Step, Loop
    >>> p = ServiceProcess.from_blocks(
    ...     "Stretch", Step("a", "Apply", agency="City", duration=60),
    ...     Loop(Step("b", "Review", agency="Court", duration=60), probability=0.5),
    ...     Step("c", "Issue", agency="City"))
    >>> s = measure_stretch(p, "a", "c")
    >>> s.steps, s.handoffs, dict(s.avoid), round(s.seconds, 3)  # a, then b twice on average
    (3.0, 2.0, {'City': 0.0, 'Court': 0.0}, 180.0)
    """
    import numpy as np

    notes: list[str] = []
    probs = _branch_probabilities(process, notes)
    blocks = _parallel_blocks(process)
    chain = _step_chain(process, _serialised(probs, blocks), notes)
    steps = process.steps
    own = np.array([s.id != after for s in steps])
    arriving = (own & np.array([s.id != head for s in steps])) | ~own
    present, same_trip, differ = _trip_relations(steps)
    flows = chain.visits[:, None] * chain.move
    continued = (flows * same_trip).sum(axis=0)
    facing = [bool(o) and bool(is_citizen_facing(s)) for s, o in zip(steps, own, strict=True)]
    avoid = {}
    for agency in sorted({s.agency for s, o in zip(steps, own, strict=True) if o} - {None}):
        at = own & np.array([s.agency == agency for s in steps])
        avoid[agency] = 1.0 - _entered(chain, at, at)
    needed = {d for s, f in zip(steps, facing, strict=True) if f for d in s.documents_in or ()}
    made = {d for s, o in zip(steps, own, strict=True) if o for d in s.documents_out or ()}
    documents = {}
    for doc in sorted(needed | made):
        need, making = _need_made(steps, facing, doc)
        stops = need | (making & own)
        documents[doc] = (1.0 - _entered(chain, stops, stops), _entered(chain, stops, need))
    return Stretch(
        steps=float(chain.visits @ own),
        visits=float(((chain.visits - continued) * present) @ arriving),
        handoffs=float((flows * differ).sum(axis=0) @ arriving),
        avoid=avoid,
        documents=documents,
        needed=frozenset(needed),
        seconds=_stretch_seconds(process, probs, blocks, after),
        unknown=frozenset(
            m for m in _unknown(steps, chain) if m in _STRETCH_METRICS
        ),
    )


def _stretch_seconds(
    process: ServiceProcess, probs: Successors, blocks: Mapping[str, _Parallel], after: str | None
) -> float | None:
    seconds = step_seconds("total")
    alive = _path_graph(process, probs)
    if any(seconds(s) is None for s in process.steps if s.id != after and s.id in alive):
        return None
    order = {n.id: i for i, n in enumerate(process.nodes)}
    timing = _Timing(_collapsed(probs, blocks), blocks, seconds, process, order)
    return _from_starts(timing, set() if after is None else {after}).mean()


# -- the whole ----------------------------------------------------------------------------------


@attrs.frozen
class Measured:
    """What :func:`measure_process` found: the metrics (``None`` where unknown), the
    assumptions it made, and why each unknown typed metric is unknown."""

    metrics: Mapping[str, Any]
    notes: tuple[str, ...]
    unknown: Mapping[str, Missing]


def measure_process(process: ServiceProcess) -> Measured:
    """Expected values of every count and time metric of ``process``, and the assumptions made.

    Examples
    --------
    >>> from bpr import ServiceProcess, Step, Loop
    >>> p = ServiceProcess.from_blocks("Loop", Loop(Step("a", "A"), probability=0.5))
    >>> m = measure_process(p).metrics
    >>> m["steps"], m["steps_min"], m["steps_max"], m["visits"]
    (2.0, 1, None, None)
    """
    notes: list[str] = []
    probs = _branch_probabilities(process, notes)
    blocks = _parallel_blocks(process)
    serial = _serialised(probs, blocks)
    chain = _step_chain(process, serial, notes)
    metrics: dict[str, Any] = _counts(process.steps, chain)
    metrics.update(_paths(process, serial))
    metrics.update(_time_metrics(_times(process, probs, blocks, notes)))
    return Measured(metrics, tuple(notes), _unknown(process.steps, chain))
