"""Exact expected length of a service-process model (the model side of :func:`bpr.measure`).

Counts (steps, visits, handoffs, agencies, documents, ...) come from an absorbing Markov chain
whose states are the steps: parallel blocks are read as their branches one after another in
model order, exclusive splits by their branch probabilities, loops included. Expected counts
of steps and of step-to-step transitions come from the fundamental matrix; the non-linear
metrics (distinct agencies, distinct documents, rework) are sums of hitting probabilities,
each read off the same fundamental matrix with a system as small as the set of steps it asks
about.

Times come from the distribution of the time from start to end. A step's time is its
analyst's ``duration`` (a point) or what the log observed (the distributions of its waiting
and working times, :attr:`bpr.DurationStats.distribution`, taken as independent; no waiting
in the share of its runs that opened their case). Means are exact: expected visits of each
node (a linear system) times its mean time. Quantiles are read off the distribution, computed
on a grid of points by damped Fourier transforms, where a sum of independent durations is a
product, a loop a geometric series and a choice a weighted sum, all exact on the grid: the
graph's nodes are eliminated one by one, as in turning an automaton into a regular
expression. When every duration is a whole number of one unit and the quantiles lie within
GRID units, the grid's points are that unit apart and the quantiles exact (models written by
hand, with durations in minutes); otherwise the grid has GRID points and a quantile is within
about a thousandth of its value. A parallel block takes its longest branch (the time by which
every branch has ended), except one discovered from a log that interleaves its branches
(:attr:`bpr.StepStats.interleaved`), whose steps' waiting times run from the case's previous
event, whichever branch: its branches take their time one after another, as in the log.

:func:`measure_stretch` measures one stretch of a process between two steps that every case
passes exactly once; the redesign planner adds stretches up (see :mod:`bpr._regions`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs
import networkx as nx

from bpr._steps import (
    SYSTEM_NOTE,
    Missing,
    day_floor,
    is_citizen_facing,
    is_paper_inquiry,
    missing,
    presence,
    system_seconds,
    visit_place,
)
from bpr.errors import ModelError
from bpr.model import (
    Actor,
    Gateway,
    GatewayKind,
    ServiceProcess,
    Step,
    StepKind,
)

if TYPE_CHECKING:
    import numpy as np

    from bpr.model import DurationStats, StepStats

__all__ = [
    "COUNTS",
    "MAX_STEPS",
    "Measured",
    "Stretch",
    "check_size",
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

#: Points of the grid on which a duration distribution that is not exact is computed.
GRID = 1 << 14
#: Points of the grids that find where a quantile lies before it is read on one of GRID.
COARSE = 1 << 11
#: Damping of a grid's transforms: mass beyond the grid's end folds back weighed by
#: exp(-DAMPING) at most (and rounding near its end grows by as much: 1e-16 becomes 7e-9).
DAMPING = 18.0
#: Probabilities closer than this count as equal when a quantile is read off a grid.
_SAME_PROBABILITY = 1e-7

#: The most steps a model may have to be measured: beyond, the work (and memory) of its chain
#: and of its time grids would exhaust an ordinary machine before giving an answer.
MAX_STEPS = 1_000_000

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
    step ``j`` follows step ``i`` (sparse beyond a few hundred steps: a step has few
    successors, and a dense matrix would grow with the square of the steps);
    ``visits[i]``: expected executions of step ``i``; ``reach[i]``: probability that step
    ``i`` runs at least once.
    """

    first: np.ndarray
    move: Any  # a dense array when small, else a scipy.sparse.csr_matrix
    visits: np.ndarray
    reach: np.ndarray


def _step_chain(process: ServiceProcess, succ: Successors, notes: list[str]) -> _Chain:
    import numpy as np

    steps = process.steps
    index = {s.id: i for i, s in enumerate(steps)}
    ends = {e.id for e in process.ends}
    routers = {n.id for n in process.nodes if n.id not in index and n.id not in ends}
    n = len(steps)
    # A router (gateway or start event) leads, through other routers, to a first step or an
    # end: solve for that distribution once, so the chain has steps as its only states.
    lead = _leads(process, succ, routers, index)
    rows, cols, probs = [], [], []
    for s in steps:
        for target, p in succ[s.id]:
            onward = lead.get(target, {index[target]: 1.0} if target in index else {})
            for j, q in onward.items():
                rows.append(index[s.id])
                cols.append(j)
                probs.append(p * q)
    move = _matrix(rows, cols, probs, n)
    starts = process.starts
    if len(starts) > 1:
        notes.append(f"{len(starts)} start events: a case starts at each with equal probability")
    first = np.zeros(n)
    for e in starts:
        for j, q in lead[e.id].items():
            first[j] += q
    first /= len(starts)
    visits = _solve(process, _identity_minus(move).T, first)
    # Every case must end: either no step at all, or an exit after some step.
    exits = 1.0 - np.asarray(move.sum(axis=1)).ravel()
    ending = 1.0 - first.sum() + visits @ exits
    if abs(ending - 1.0) > 1e-6:
        raise ModelError(_endless(process))
    returns = _returns(process, move)
    reach = np.divide(visits, returns, out=np.zeros(n), where=visits > 0)
    return _Chain(first, move, visits, reach)


def _leads(
    process: ServiceProcess, succ: Successors, routers: set[str], index: Mapping[str, int]
) -> dict[str, dict[int, float]]:
    """For each router, the probability of each step being the first one a case meets from
    it (what is left leads to an end), solved per group of routers that lead to each other."""
    import numpy as np

    linked = nx.Graph()
    linked.add_nodes_from(routers)
    linked.add_edges_from((r, t) for r in routers for t, _ in succ[r] if t in routers)
    lead: dict[str, dict[int, float]] = {}
    order = {n.id: i for i, n in enumerate(process.nodes)}
    for group in nx.connected_components(linked):
        members = sorted(group, key=order.__getitem__)
        where = {r: i for i, r in enumerate(members)}
        targets = sorted({index[t] for r in members for t, _ in succ[r] if t in index})
        column = {j: c for c, j in enumerate(targets)}
        loop, out = np.zeros((len(members), len(members))), np.zeros((len(members), len(targets)))
        for r in members:
            for target, p in succ[r]:
                if target in where:
                    loop[where[r], where[target]] += p
                elif target in index:
                    out[where[r], column[index[target]]] += p
        solved = _solve(process, np.eye(len(members)) - loop, out)
        for r in members:
            row = solved[where[r]]
            lead[r] = {j: float(row[c]) for j, c in column.items() if row[c] != 0.0}
    return lead


#: Systems up to this size are dense arrays: scipy's sparse machinery costs more than it saves
#: there (the planner measures many small regions), and their memory is small anyway.
_DENSE = 256


def _matrix(rows: Sequence[int], cols: Sequence[int], values: Sequence[float], size: int) -> Any:
    """The ``size`` × ``size`` matrix with ``values`` at (``rows``, ``cols``), repeats added:
    a dense array when small, else a sparse one (CSR)."""
    import numpy as np
    from scipy.sparse import coo_matrix

    if size <= _DENSE:
        dense = np.zeros((size, size))
        np.add.at(dense, (np.asarray(rows, dtype=int), np.asarray(cols, dtype=int)), values)
        return dense
    return coo_matrix((values, (rows, cols)), shape=(size, size)).tocsr()


def _identity_minus(move: Any) -> Any:
    import numpy as np
    from scipy.sparse import identity

    if isinstance(move, np.ndarray):
        return np.eye(move.shape[0]) - move
    return (identity(move.shape[0], format="csc") - move).tocsc()


def _returns(process: ServiceProcess, move: Any) -> np.ndarray:
    """Expected executions of each step once it runs (1 for a step in no loop): the diagonal
    of the fundamental matrix, found loop by loop, since a case that comes back to a step
    never leaves the steps of its loop."""
    import numpy as np
    from scipy.sparse.csgraph import connected_components

    n = move.shape[0]
    returns = np.ones(n)
    if n == 0:
        return returns
    count, labels = connected_components(move, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=count)
    looped = sizes > 1
    looped[labels[move.diagonal() > 0]] = True
    for label in np.flatnonzero(looped):
        members = np.flatnonzero(labels == label)
        inner = _identity_minus(move[members][:, members])
        returns[members] = _inverse_diagonal(process, inner)
    return returns


def _inverse_diagonal(process: ServiceProcess, matrix: Any, chunk: int = 256) -> np.ndarray:
    """The diagonal of ``matrix⁻¹``, solved a few columns at a time so that a large loop needs
    no square array."""
    import numpy as np
    from scipy.sparse.linalg import splu

    size = matrix.shape[0]
    if isinstance(matrix, np.ndarray):
        try:
            diagonal = np.diag(np.linalg.inv(matrix)).copy()
        except np.linalg.LinAlgError:
            raise ModelError(_endless(process)) from None
        if not np.all(np.isfinite(diagonal)):
            raise ModelError(_endless(process))
        return diagonal
    try:
        factor = splu(matrix)
    except RuntimeError:  # SuperLU: the matrix is singular
        raise ModelError(_endless(process)) from None
    diagonal = np.empty(size)
    for begin in range(0, size, chunk):
        cols = np.arange(begin, min(begin + chunk, size))
        unit = np.zeros((size, cols.size))
        unit[cols, np.arange(cols.size)] = 1.0
        diagonal[cols] = factor.solve(unit)[cols, np.arange(cols.size)]
    if not np.all(np.isfinite(diagonal)):
        raise ModelError(_endless(process))
    return diagonal


def _solve(process: ServiceProcess, matrix: Any, rhs: np.ndarray) -> np.ndarray:
    """``matrix⁻¹ rhs`` by a sparse LU factorisation (process graphs have few flows per node)."""
    import numpy as np
    from scipy.sparse import csc_matrix
    from scipy.sparse.linalg import splu

    if matrix.shape[0] == 0:
        return rhs
    try:
        if isinstance(matrix, np.ndarray):
            result = np.linalg.solve(matrix, rhs)
        else:
            result = splu(csc_matrix(matrix)).solve(rhs)
    except (RuntimeError, np.linalg.LinAlgError):  # the matrix is singular
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
    """Probability that the first step of the case in ``stops`` is one of ``targets``: the
    expected executions of the ``stops`` in the chain where they end the case (each runs at
    most once there, and only the first of them can)."""
    import numpy as np
    from scipy.sparse import diags
    from scipy.sparse.linalg import splu

    if not stops.any():
        return 0.0
    if isinstance(chain.move, np.ndarray):
        absorbing = chain.move * (~stops)[:, None]
        first = np.linalg.solve(_identity_minus(absorbing).T, chain.first)
    else:
        absorbing = diags((~stops).astype(float)) @ chain.move
        first = splu(_identity_minus(absorbing).T.tocsc()).solve(chain.first)
    return float(first[stops] @ targets[stops])


def _arrivals(steps: Sequence[Step], chain: _Chain) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which steps need the citizen present; and for each step, the expected arrivals at it
    from a step on the same trip, and from a step of another (agency, actor). Unknown presence
    counts as absent here: a metric that needs it is unknown anyway."""
    import numpy as np

    role = _codes([(s.agency, s.actor) for s in steps])
    place = _codes([visit_place(s) for s in steps])
    present = np.array([bool(presence(s)) for s in steps], dtype=bool)
    if isinstance(chain.move, np.ndarray):
        source, target = np.nonzero(chain.move)
        probs = chain.move[source, target]
    else:
        move = chain.move.tocoo()
        source, target, probs = move.row, move.col, move.data
    flows = chain.visits[source] * probs  # expected times target directly follows source
    same_trip = present[source] & (place[source] == place[target])
    differ = role[source] != role[target]
    size = len(steps)
    continued = np.bincount(target, flows * same_trip, minlength=size)
    handed = np.bincount(target, flows * differ, minlength=size)
    return present, continued, handed


def _counts(steps: Sequence[Step], chain: _Chain) -> dict[str, float | None]:
    """Expected counts per case; ``None`` for a metric that a step a case can run lacks a
    field for (:func:`bpr._steps.missing` says which)."""
    import numpy as np

    v = chain.visits
    present, continued, handed = _arrivals(steps, chain)
    flags = {
        "inquiries": [s.kind is StepKind.INQUIRY for s in steps],
        "paper_inquiries": [bool(is_paper_inquiry(s)) for s in steps],
        "procedures": [bool(is_citizen_facing(s)) for s in steps],
    }
    counts: dict[str, float | None] = {
        name: float(v @ np.array(f, dtype=float)) for name, f in flags.items()
    }
    counts["steps"] = float(v.sum())
    counts["handoffs"] = float(handed.sum())
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
    sizes = np.bincount(labels)
    once = float(chain.reach[sizes[labels] == 1].sum())
    for label in np.flatnonzero(sizes > 1):
        named = labels == label
        once += _entered(chain, named, named)
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
    alive = _alive(process, succ)
    graph = nx.DiGraph()
    graph.add_nodes_from(n.id for n in process.nodes if n.id in alive)
    graph.add_edges_from((a, b) for a in alive for b, p in succ[a] if p > 0 and b in alive)
    return graph


def _alive(process: ServiceProcess, succ: Successors) -> set[str]:
    """The nodes on a path from a start to an end along flows a case can take."""
    before: dict[str, list[str]] = {n.id: [] for n in process.nodes}
    for a, targets in succ.items():
        for b, p in targets:
            if p > 0:
                before[b].append(a)
    after = _walk([e.id for e in process.starts], lambda n: (b for b, p in succ[n] if p > 0))
    return after & _walk([e.id for e in process.ends], before.__getitem__)


def _walk(sources: list[str], onward: Callable[[str], Any]) -> set[str]:
    seen, frontier = set(sources), list(sources)
    while frontier:
        for target in onward(frontier.pop()):
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    return seen


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


# -- times: the distribution of the path duration -------------------------------------------


@attrs.frozen
class _Law:
    """A duration in seconds: ``values`` with probabilities ``probs`` (summing to 1)."""

    values: np.ndarray
    probs: np.ndarray

    @classmethod
    def point(cls, seconds: float) -> _Law:
        import numpy as np

        return cls(np.array([float(seconds)]), np.array([1.0]))

    @classmethod
    def observed(cls, stats: DurationStats) -> _Law:
        """The observed distribution, or the mean alone where only it is known."""
        import numpy as np

        if not stats.distribution:
            return cls.point(stats.mean.total_seconds())
        values = np.array([d.total_seconds() for d in stats.distribution])
        return cls(values, np.full(len(values), 1.0 / len(values)))

    @property
    def mean(self) -> float:
        return math.fsum(self.values * self.probs)

    def plus(self, other: _Law) -> _Law:
        """The sum of two independent durations."""
        import numpy as np

        return _Law(
            np.add.outer(self.values, other.values).ravel(),
            np.multiply.outer(self.probs, other.probs).ravel(),
        )

    def or_zero(self, share: float) -> _Law:
        """This duration, or none at all with probability ``share``."""
        import numpy as np

        if share <= 0.0:
            return self
        return _Law(np.append(self.values, 0.0), np.append(self.probs * (1.0 - share), share))

    def at_least(self, floor: float) -> _Law:
        import numpy as np

        return _Law(np.maximum(self.values, floor), self.probs)


def _step_law(kind: str) -> Callable[[Step], _Law | None]:
    """The law of a step's time: ``total`` (waiting and working), ``working``, or ``days``
    (total raised to the Doing Business minimum of a citizen-facing step).

    An analyst's ``duration`` is a point; observed times are their distributions
    (:attr:`~bpr.DurationStats.distribution`), waiting and working taken as independent, and
    no waiting at all in the share of executions that opened their case (nothing came before
    them). A step observed in a log but with neither working nor waiting time only ever opened
    cases of a log without start times: its event is where the cycle time starts, so it takes
    0 s; unless it has events that did not open their case, whose time is then unknown (a log
    without times).
    """

    def law(step: Step) -> _Law | None:
        stats = step.stats
        if step.duration is not None:
            total = working = _Law.point(step.duration.total_seconds())
        elif stats is not None:
            if _untimed(stats):
                return None
            parts = [] if stats.working is None else [_Law.observed(stats.working)]
            if stats.waiting is not None:
                # The cases the step opened waited for nothing.
                parts.append(_Law.observed(stats.waiting).or_zero(_opened(stats)))
            total = functools.reduce(_Law.plus, parts, _Law.point(0.0))
            working = None if stats.working is None else _Law.observed(stats.working)
        elif step.actor is Actor.SYSTEM:  # a machine call: the time simulate gives it too
            total = working = _Law.point(system_seconds(step))
        else:
            return None
        if kind == "working":
            return working
        if kind == "days":
            floor = day_floor(step)
            return None if floor is None else total.at_least(floor * _DAY)
        return total

    return law


def _opened(stats: StepStats) -> float:
    """The share of a step's events that opened their case (0 where not recorded)."""
    return (stats.opened or 0) / stats.events if stats.events else 0.0


def _untimed(stats: StepStats) -> bool:
    """Observed without any time although some of its events followed others: a log with no
    times."""
    unknown = stats.working is None and stats.waiting is None
    return unknown and stats.opened is not None and stats.opened < stats.events


def step_seconds(kind: str) -> Callable[[Step], float | None]:
    """Mean seconds a step takes: ``total`` (waiting and working), ``working``, or ``days``
    (total raised to the Doing Business minimum of a citizen-facing step).

    >>> from bpr import StepStats
    >>> step_seconds("total")(Step("a", "Apply", stats=StepStats(events=5, cases=5)))
    0.0
    >>> step_seconds("total")(Step("a", "Apply")) is None
    True
    """
    law_of = _step_law(kind)

    def seconds(step: Step) -> float | None:
        law = law_of(step)
        return None if law is None else law.mean

    return seconds


@functools.cache
def _damping(size: int) -> np.ndarray:
    import numpy as np

    return np.exp(-DAMPING * np.arange(size) / size)


@attrs.frozen
class _Grid:
    """Durations ``0, step, 2 step, ...`` below ``size`` steps, as damped Fourier transforms.

    A duration between two points is split between them so that its mean stays; ``exact``
    grids have every duration of the process on a point. Sums of independent durations are
    products of transforms and loops geometric series of them, as on any grid; the damping
    weighs point ``k`` by ``exp(-DAMPING k / size)``, so that what a sum carries beyond the
    grid's end folds back onto it weighed by ``exp(-DAMPING)`` at most, and a grid may end
    well before the longest duration: what lies below its end is exact all the same.
    """

    step: float
    size: int
    exact: bool

    def forward(self, pmf: np.ndarray) -> np.ndarray:
        import numpy as np

        return np.fft.rfft(pmf * _damping(self.size))

    def backward(self, transform: np.ndarray) -> np.ndarray:
        """The probabilities at the points (rounding can leave tiny negative ones)."""
        import numpy as np

        return np.fft.irfft(transform, n=self.size) / _damping(self.size)

    def cdf(self, transform: np.ndarray) -> np.ndarray:
        import numpy as np

        return np.minimum(np.cumsum(np.maximum(self.backward(transform), 0.0)), 1.0)

    def transform(self, law: _Law) -> np.ndarray:
        import numpy as np

        where = law.values / self.step
        low = np.rint(where) if self.exact else np.floor(where)
        up = where - low
        index = np.concatenate([low, low + 1]).astype(np.int64)
        mass = np.concatenate([law.probs * (1.0 - up), law.probs * up])
        inside = index < self.size
        return self.forward(np.bincount(index[inside], mass[inside], minlength=self.size))


def _grid(span: float, unit: float | None, points: int = GRID) -> _Grid:
    """A grid reaching ``span`` seconds: of ``unit`` steps when all durations are whole
    numbers of it and few enough, else of ``points`` points."""
    if unit is not None and span / unit < points - 2:
        size = 1 << max(4, math.ceil(math.log2(span / unit + 2)))
        return _Grid(unit, size, True)
    return _Grid(span / (points - 2), points, False)


_SINK = "\ue000sink"


@attrs.frozen
class _Timing:
    """Where time is spent: successors with every interleaved parallel block's branches one
    after another and every concurrent one leading from its split to its join, the concurrent
    blocks, and each step's law."""

    process: ServiceProcess
    succ: Mapping[str, Sequence[tuple[str, float]]]
    blocks: Mapping[str, _Parallel]
    laws: Mapping[str, _Law]
    unit: float | None  # seconds that every duration is a whole number of, when there is one
    order: Mapping[str, int]  # reading order of the nodes, for a deterministic elimination
    cache: dict[Any, Any] = attrs.field(factory=dict)

    def mean(self, entry: str, stops: frozenset[str] = frozenset()) -> float:
        """Mean time from arriving at ``entry`` to arriving at a stop or an end: expected
        visits of each node (a linear system) times its mean time."""
        import numpy as np

        nodes = self._region(entry, stops)
        where = {n: i for i, n in enumerate(nodes)}
        flows = [(where[n], where[t], p) for n in nodes for t, p in self.succ[n] if t in where]
        rows, cols, probs = zip(*flows, strict=True) if flows else ((), (), ())
        move = _matrix(rows, cols, probs, len(nodes))
        times = np.array([self._node_mean(n) for n in nodes])
        # The region is in reading order: the entry need not come first.
        arrival = np.zeros(len(nodes))
        arrival[where[entry]] = 1.0
        visits = _solve(self.process, _identity_minus(move).T, arrival)
        return float(visits @ times)

    def _node_mean(self, node: str) -> float:
        if node in self.laws:
            return self.laws[node].mean
        if node in self.blocks:
            return self._block_mean(self.blocks[node])
        return 0.0

    def _block_mean(self, block: _Parallel) -> float:
        """The mean of the longest branch: ``E max = sum over t of P(max > t)``, read on a
        grid long enough for all but the tail of the branches, where at most one of them
        runs (that tail is each branch's mean beyond the grid)."""
        import numpy as np

        key = ("mean", block.split)
        if key not in self.cache:
            means = [
                0.0 if e is None else self.mean(e, frozenset({block.join})) for e in block.entries
            ]
            if max(means) <= 0.0:
                self.cache[key] = 0.0
            else:
                grid = _grid(8 * max(means), self.unit)
                cdfs = np.array(self._branch_cdfs(block, grid))
                longest = grid.step * float(np.sum(1.0 - np.prod(cdfs, axis=0)))
                beyond = math.fsum(means) - grid.step * float(np.sum(1.0 - cdfs))
                self.cache[key] = longest + beyond
        return self.cache[key]

    def _branch_cdfs(self, block: _Parallel, grid: _Grid) -> list[np.ndarray]:
        import numpy as np

        return [
            np.ones(grid.size)
            if e is None
            else grid.cdf(self.transform(e, frozenset({block.join}), grid))
            for e in block.entries
        ]

    def transform(self, entry: str, stops: frozenset[str], grid: _Grid) -> np.ndarray:
        """The transform of the time from arriving at ``entry`` to arriving at a stop or an
        end, by eliminating the nodes in between one by one (as in turning an automaton into
        a regular expression): a node left out passes what comes in to where it leads, through
        its own loop's geometric series."""
        import numpy as np

        nodes = self._region(entry, stops)
        inside = frozenset(nodes)
        out: dict[str, dict[str, Any]] = {}
        into: dict[str, set[str]] = {n: set() for n in [*nodes, _SINK]}
        for n in nodes:
            out[n] = {}
            for target, weight in self._flows(n, inside):
                out[n][target] = out[n].get(target, 0.0) + weight
                into[target].add(n)
        # A node's own time is made only when it is eliminated and not kept after: a grid's
        # transform of every step at once would take memory in proportion to the steps.
        for node in self._elimination(entry, stops):
            _eliminate(node, out, into, self._node_transform(node, grid))
        own = self._node_transform(entry, grid)
        own = 1.0 if own is None else own
        again = own * out[entry].pop(entry, 0.0)
        result = own * out[entry].get(_SINK, 0.0) / (1.0 - again)
        return (
            result if isinstance(result, np.ndarray) else np.full(grid.size // 2 + 1, result + 0j)
        )

    def _flows(self, node: str, inside: frozenset[str]) -> list[tuple[str, float]]:
        """The flows out of ``node`` that a case can take, those leaving ``inside`` to the
        sink."""
        return [(t if t in inside else _SINK, p) for t, p in self.succ[node] if p > 0]

    def _elimination(self, entry: str, stops: frozenset[str]) -> list[str]:
        """The order in which to eliminate the nodes after ``entry``: each time the node with
        the fewest flows in times out, so that few new flows are made (found once, by
        eliminating flows without values)."""
        import heapq

        key = ("order", entry, stops)
        if key not in self.cache:
            nodes = self._region(entry, stops)
            inside = frozenset(nodes)
            out = {n: dict.fromkeys(t for t, _ in self._flows(n, inside)) for n in nodes}
            into: dict[str, set[str]] = {n: set() for n in [*nodes, _SINK]}
            for n, targets in out.items():
                for target in targets:
                    into[target].add(n)

            def rank(n: str) -> tuple[int, int, str]:
                return (len(into[n]) * len(out[n]), self.order[n], n)

            # A heap of ranks, some out of date: a node's rank changes when a neighbour is
            # eliminated, and the entry pushed then is the one that counts.
            heap = [rank(n) for n in nodes if n != entry]
            heapq.heapify(heap)
            order: list[str] = []
            while heap:
                item = heapq.heappop(heap)
                node = item[2]
                if node not in out or item != rank(node):
                    continue
                order.append(node)
                neighbours = (into[node] | set(out[node])) - {node, entry, _SINK}
                _eliminate(node, out, into, symbolic=True)
                for n in neighbours:
                    heapq.heappush(heap, rank(n))
            self.cache[key] = order
        return self.cache[key]

    def _node_transform(self, node: str, grid: _Grid) -> np.ndarray | None:
        if node in self.laws:
            return grid.transform(self.laws[node])
        if node in self.blocks:
            return self._block_transform(self.blocks[node], grid)
        return None

    def _block_transform(self, block: _Parallel, grid: _Grid) -> np.ndarray:
        """The longest branch: a time is within it when it is within every branch."""
        import numpy as np

        longest = np.prod(self._branch_cdfs(block, grid), axis=0)
        return grid.forward(np.diff(longest, prepend=0.0))

    def _region(self, entry: str, stops: frozenset[str]) -> list[str]:
        """The nodes a case can pass from ``entry`` before a stop or an end, in reading order."""
        seen, frontier = {entry}, [entry]
        while frontier:
            for target, p in self.succ[frontier.pop()]:
                if p > 0 and target not in stops and target not in seen and self.succ[target]:
                    seen.add(target)
                    frontier.append(target)
        return sorted(seen, key=self.order.__getitem__)


def _eliminate(
    node: str,
    out: dict[str, dict[str, Any]],
    into: dict[str, set[str]],
    own: Any = None,
    symbolic: bool = False,
) -> None:
    """Remove ``node``, joining each flow into it to each flow out of it, through the node's
    ``own`` time (a transform, or ``None`` for none); only the flows, without their values,
    when ``symbolic``."""
    again = out[node].pop(node, 0.0)
    into[node].discard(node)
    if not symbolic:
        own = 1.0 if own is None else own
        through = own / (1.0 - own * again)
    leaving = out.pop(node)
    for source in into.pop(node):
        weight = out[source].pop(node)
        for target, onward in leaving.items():
            if symbolic:
                out[source][target] = None
            else:
                joined = weight * through * onward
                out[source][target] = out[source].get(target, 0.0) + joined
            into[target].add(source)
    for target in leaving:
        into[target].discard(node)


def _interleaved(process: ServiceProcess, block: _Parallel) -> bool:
    """Whether the steps of ``block`` were discovered in a block whose branches the log
    interleaves (so the block takes as long as all its steps one after another): every step
    with observed statistics says so. A step without them (made or merged by a redesign
    change inside the block) does not change how the block runs."""
    members = set().union(
        *(_reach(process.graph, e, block.join) for e in block.entries if e is not None)
    )
    observed = [
        s.stats for m in members if isinstance(s := process.node(m), Step) and s.stats is not None
    ]
    return bool(observed) and all(stats.interleaved for stats in observed)


def _timing(
    process: ServiceProcess,
    probs: Successors,
    blocks: Mapping[str, _Parallel],
    kind: str,
    skip: str | None = None,
) -> _Timing | list[str]:
    """The timing of ``process`` for the step times of ``kind``, or the ids of the steps a
    case can run whose time is unknown (``skip`` may have none: no time is asked of it)."""
    import numpy as np

    interleaved = {s: b for s, b in blocks.items() if _interleaved(process, b)}
    concurrent = {s: b for s, b in blocks.items() if s not in interleaved}
    succ = _serialised(probs, interleaved)
    for block in concurrent.values():
        succ[block.split] = [(block.join, 1.0)]
    alive = _alive(process, probs)
    law_of = _step_law(kind)
    laws = {s.id: law_of(s) for s in process.steps if s.id in alive and s.id != skip}
    unknown = [s for s, law in laws.items() if law is None]
    if unknown:
        return unknown
    micros = np.rint(np.concatenate([law.values for law in laws.values()] or [[0.0]]) * 1e6)
    unit = int(np.gcd.reduce(micros.astype(np.int64))) / 1e6
    order = {n.id: i for i, n in enumerate(process.nodes)}
    return _Timing(process, succ, concurrent, laws, unit or None, order)


def _from_starts(timing: _Timing, stops: frozenset[str] = frozenset()) -> float:
    """Mean time from the start of a case (at any start event, equally likely) to ``stops``."""
    starts = timing.process.starts
    return math.fsum(timing.mean(e.id, stops) for e in starts) / len(starts)


def _quantile(timing: _Timing, q: float, mean: float) -> tuple[float, bool]:
    """The smallest time by which a share ``q`` of cases has ended, and whether it is exact.

    Coarse grids of COARSE points find where the quantile lies: the first reaches twice the
    mean, and one that ends before the quantile is made four times longer. The quantile is
    then read on a grid of GRID points that places it at 80 % of its length, so that its
    points are close enough.
    """
    if mean <= 0.0:
        return 0.0, True
    span = 2.0 * mean
    for _ in range(32):
        grid = _grid(span, timing.unit, COARSE)
        k = _reached(timing, grid, q)
        if k < grid.size:
            if grid.exact:
                return k * grid.step, True
            grid = _grid(1.25 * (k + 1) * grid.step, timing.unit)
            k = _reached(timing, grid, q)
            if k < grid.size:
                return k * grid.step, grid.exact
        span *= 4.0
    raise ModelError(
        f"process {timing.process.name!r}: the {q:.0%} quantile of the cycle time lies beyond "
        f"{span:.3g} s, more than any grid reaches"
    )


def _reached(timing: _Timing, grid: _Grid, q: float) -> int:
    """The first point of ``grid`` by which a share ``q`` of cases has ended (``grid.size``
    when none has)."""
    import numpy as np

    transforms = [timing.transform(e.id, frozenset(), grid) for e in timing.process.starts]
    cdf = grid.cdf(sum(transforms) / len(transforms))
    return int(np.searchsorted(cdf, q - _SAME_PROBABILITY))


def _times(
    process: ServiceProcess, probs: Successors, blocks: Mapping[str, _Parallel], notes: list[str]
) -> dict[str, Any]:
    """The time metrics of ``process`` (``None`` where a step a case can run has no time)."""
    metrics: dict[str, Any] = dict.fromkeys(
        ("cycle_time", "cycle_time_mean", "cycle_time_p90", "working_time", "waiting_share", "days")
    )
    means: dict[str, float | None] = {}
    # The steps whose time is the system default (see _step_law).
    assumed = [
        s.name
        for s in process.steps
        if s.actor is Actor.SYSTEM and s.duration is None and s.stats is None
    ]
    if assumed:
        notes.append(f"{SYSTEM_NOTE}: {', '.join(assumed)}")
    for kind in ("total", "working", "days"):
        timing = _timing(process, probs, blocks, kind)
        if isinstance(timing, list):
            means[kind] = None
            if kind != "days":
                notes.append(
                    f"{'cycle' if kind == 'total' else 'working'} time unknown: "
                    f"{len(timing)} steps have no duration or observed time (first: "
                    f"{timing[0]!r})"
                )
            continue
        means[kind] = _from_starts(timing)
        if kind == "total":
            total = means[kind]
            median, exact = _quantile(timing, 0.5, total)
            p90, exact_p90 = _quantile(timing, 0.9, total)
            metrics["cycle_time"] = timedelta(seconds=median)
            metrics["cycle_time_mean"] = timedelta(seconds=total)
            metrics["cycle_time_p90"] = timedelta(seconds=p90)
            if not (exact and exact_p90):
                notes.append(
                    f"median and 90th percentile of the cycle time read on a grid of {GRID:,} "
                    "points (to about a thousandth of their value); means are exact"
                )
    total, working, days = means["total"], means["working"], means["days"]
    if working is not None:
        metrics["working_time"] = timedelta(seconds=working)
        if total is not None and total > 0:
            metrics["waiting_share"] = 1.0 - working / total
    if days is not None:
        metrics["days"] = days / _DAY
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
    present, continued, handed = _arrivals(steps, chain)
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
        handoffs=float(handed @ arriving),
        avoid=avoid,
        documents=documents,
        needed=frozenset(needed),
        seconds=_stretch_seconds(process, probs, blocks, after),
        unknown=frozenset(m for m in _unknown(steps, chain) if m in _STRETCH_METRICS),
    )


def _stretch_seconds(
    process: ServiceProcess, probs: Successors, blocks: Mapping[str, _Parallel], after: str | None
) -> float | None:
    timing = _timing(process, probs, blocks, "total", skip=after)
    if isinstance(timing, list):
        return None
    return _from_starts(timing, frozenset() if after is None else frozenset({after}))


def check_size(process: ServiceProcess) -> None:
    """Refuse a model of more than :data:`MAX_STEPS` steps with a :class:`~bpr.ModelError`.

    >>> from bpr import ServiceProcess, Step
    >>> check_size(ServiceProcess.from_blocks("Small", Step("a", "A")))
    """
    if len(process.steps) > MAX_STEPS:
        raise ModelError(
            f"process {process.name!r} has {len(process.steps):,} steps, more than the "
            f"{MAX_STEPS:,} that bpr measures or redesigns; measure its parts (sub-processes) "
            "one by one"
        )


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
    check_size(process)
    notes: list[str] = []
    probs = _branch_probabilities(process, notes)
    blocks = _parallel_blocks(process)
    serial = _serialised(probs, blocks)
    chain = _step_chain(process, serial, notes)
    metrics: dict[str, Any] = _counts(process.steps, chain)
    metrics.update(_paths(process, serial))
    metrics.update(_times(process, probs, blocks, notes))
    return Measured(metrics, tuple(notes), _unknown(process.steps, chain))
