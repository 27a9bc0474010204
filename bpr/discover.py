"""Discovery: a typed service process from an event log, with what the log shows about it.

:func:`discover` mines the control flow with pm4py from the log's *variants* (so its cost
grows with the number of distinct traces, not of events), turns it into a
:class:`~bpr.ServiceProcess` of steps, exclusive and parallel gateways, and annotates it with
what the log says: how often each step ran and how long it took, how often each flow was
taken and, on exclusive splits, the branch probabilities. Step types (kind, actor, agency,
channel, ...) come from an annotation table, then from event attributes, then from the
bilingual classifier; :func:`bpr.typing_report` says which source set what. Every
model is checked against its log (:mod:`bpr.fidelity`): ``process.fidelity`` holds the check,
and a :class:`~bpr.FidelityWarning` says when a figure is beyond its tolerance.

Methods
-------
``"inductive"``
    pm4py's inductive miner (IM, or IMf with ``noise`` as its threshold when ``noise > 0``)
    on the variants. The process tree becomes blocks: a sequence is a chain, a choice an
    exclusive split and join (a silent ``tau`` branch becomes a flow that skips), a parallel
    block a parallel split and join, and a loop ``*(do, redo)`` an exclusive join, the ``do``
    part, and an exclusive split that either leaves or goes back through the ``redo`` part.
    Silent steps never become steps, so every step is an activity of the log.
``"dfg"``
    the directly-follows graph: one step per activity, and an exclusive split after (join
    before) every step with more than one successor (predecessor).

Calibration: every decision on its own
--------------------------------------
A model is a chain of decisions: enter or skip a block, repeat or leave a loop, take this
branch or that one. Each gets its probability from the log, counted from the runs of the
variants through the tree, and each is a decision of its own:

* a silent branch stays a branch: in ``X(tau, *(A, tau))`` ("A any number of times, or not
  at all") whether a case does A and whether it does A again are two gateways with two
  probabilities, not one that would serve both and make a step done once in almost every
  case look skipped half the time;
* a loop that repeats parts in any order (``*(->(X(tau, a), X(tau, b)), tau)`` accepts any
  sequence of ``a`` and ``b``) decides about each part anew in every round, so a case that
  does ``a`` once, in one of several rounds, comes out with ``a`` less often than the log
  has it. Such a loop becomes a parallel block in which a part is entered or skipped once per
  case, then repeated or left (``+(X(tau, *(a, tau)), X(tau, *(b, tau)))``), which accepts
  the same traces and more (the parts' interleavings). Each branch multiplies the states an
  alignment-based conformance checker searches, so a part gets a branch of its own only
  where sharing one with the loop's other parts would put the share of cases with it more
  than :data:`SHARED_ERROR` from the log's; the others share a branch, a loop of a choice of
  them. Loops nested in such a loop are regrouped with it.

With the probabilities counted from the log, the expected executions of every step equal
the log's exactly; with every decision apart, so do the shares of cases (on the receipt,
BPIC 2020 and road-fines logs within half a percentage point). Where the blocks cannot carry
a dependency the log has, the fidelity check says so: a loop that cases go round a number of
times no geometric series gives (half never, half three times: the share of cases that go
round at least once comes out wrong; drawing the first round apart would take a second step
for the same activity, which names, annotations and gaps could no longer tell apart), a choice
that depends on one made earlier, slow cases slow at every step.

Noise
-----
``noise`` in [0, 1] is the share of behaviour the model may leave out. First the least
frequent activities are dropped while the events they account for stay within ``noise`` of
all events; cases are projected on the activities kept (a case left empty drops out). Then
``"inductive"`` runs IMf with threshold ``noise``, and ``"dfg"`` keeps the most frequent
directly-follows pairs until they cover ``1 - noise`` of all pairs, together with the pairs of
two maximum spanning arborescences (from the start and, backwards, from the end), so that
every step stays on a path from start to end. What noise leaves out shows in the fidelity
check (and its warning): the dropped activities are in the log and not in the model.

What the log says
-----------------
* ``Step.stats.events`` and ``.cases`` count the step's events and the cases with at least one
  of them, over the whole log; ``opened`` the cases whose first event it was.
* ``working`` is completion minus start where the log has start times. ``waiting`` runs from
  the completion of the case's previous event to the step's start (to its completion where no
  start is known, the step then counting as instantaneous); overlapping work waits zero, and
  a case's first event has no waiting time: it opened the case. Both keep the observed
  distribution (:attr:`~bpr.DurationStats.distribution`), which measures and simulation draw
  from. A step in a parallel block is marked ``interleaved``: the log interleaves the
  block's branches and each waiting time runs from the previous event, whichever branch it
  was, so the block takes the time of all its steps one after another, as the log timed it;
  a case's duration is then the sum of its steps' times, and the model's mean cycle time the
  log's.
* ``Flow.frequency`` is how often a case passed along the flow. For ``"inductive"`` each
  variant is replayed through the process tree by parsing (the miner gives every activity one
  leaf, so the run of a variant is found exactly). For ``"dfg"`` the frequencies are the
  directly-follows counts of the pairs kept. With ``noise > 0`` some cases do not fit the
  model; that is the behaviour the model leaves out, and the flows do not count it (the
  process description says how many cases they count). Optimal alignments would place those
  cases too, at a cost of seconds per variant on logs such as BPIC 2020.
* ``Flow.probability`` on the branches of an exclusive split is the branch's frequency over
  the total leaving the split, so the branches sum to 1.

Examples
--------
>>> import pandas as pd
>>> from bpr import discover
>>> events = pd.DataFrame({
...     "case": ["1", "1", "1", "2", "2", "3", "3", "3"],
...     "activity": ["Submit request", "Check documents", "Issue permit",
...                  "Submit request", "Issue permit",
...                  "Submit request", "Check documents", "Issue permit"],
...     "timestamp": pd.date_range("2024-01-01", periods=8, freq="h", tz="UTC"),
... })
>>> p = discover(events)
>>> [(s.name, s.stats.events) for s in p.steps]
[('Submit request', 3), ('Check documents', 2), ('Issue permit', 3)]
>>> sorted(f.probability for f in p.flows if f.probability is not None)
[0.3333333333333333, 0.6666666666666666]
>>> p.step_by_name("Submit request").kind
<StepKind.SUBMIT: 'submit'>
"""

from __future__ import annotations

import itertools
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import attrs

from bpr._read import event_log as read_event_log
from bpr.errors import ModelError
from bpr.model import (
    DurationStats,
    Event,
    EventKind,
    Flow,
    Gateway,
    GatewayKind,
    Node,
    ServiceProcess,
    Step,
    StepStats,
)

if TYPE_CHECKING:
    import pandas as pd

    from bpr.annotate import AnnotationTable
    from bpr.log import EventLog
    from bpr.stats import LogStats

__all__ = ["discover"]

Trace: TypeAlias = tuple[str, ...]
Variants: TypeAlias = Mapping[Trace, int]

#: How far from the log's the share of cases with a part of a loop that repeats parts in any
#: order may come out when it shares a branch with others (see ``_regrouped``).
SHARED_ERROR = 0.005

# Virtual activities before the first and after the last event of every case; private-use
# characters, so that no real label can collide with them.
_SOURCE = "\ue000start"
_SINK = "\ue000end"


def discover(
    log: EventLog | pd.DataFrame | str,
    *,
    method: Literal["inductive", "dfg"] = "inductive",
    noise: float = 0.0,
    annotations: AnnotationTable | None = None,
    name: str | None = None,
) -> ServiceProcess:
    """Discover a typed, annotated service process from an event log.

    Parameters
    ----------
    log
        An :class:`~bpr.EventLog`, or anything :func:`bpr.read_log` reads (a path, a pandas
        DataFrame with canonical columns).
    method
        ``"inductive"`` (block-structured: sequences, choices, parallel blocks, loops) or
        ``"dfg"`` (a directly-follows graph with exclusive gateways); see :mod:`bpr.discover`.
    noise
        The share of behaviour the model may leave out, in [0, 1]; 0 keeps everything.
    annotations
        Step attributes keyed by activity (a CSV path, a DataFrame or a mapping), the first
        source of step types; see :func:`bpr.annotate`.
    name
        The process name; ``"Discovered process"`` when not given.

    Returns
    -------
    ServiceProcess
        One step per activity kept (ids ``s01``, ``s02``, ... in model order), with
        :class:`~bpr.StepStats`, flow frequencies and branch probabilities, and its check
        against the log as ``process.fidelity`` (a :class:`~bpr.Fidelity`).

        The check travels as an attribute of the process rather than beside it because it
        is about this model and this log only: returning a pair would make every caller
        unpack it, and a field of the model would be compared, saved and copied with it.
        The attribute is none of these: equality, JSON and BPMN ignore it, and a changed
        copy (:meth:`~bpr.ServiceProcess.evolve`, :meth:`~bpr.ServiceProcess.replace_steps`,
        a redesign) has none, since it no longer is the model checked. ``bpr.fidelity(model,
        log)`` checks any model, discovered or not.

    Warns
    -----
    FidelityWarning
        When a figure of the model (the share of cases or the executions of a step, steps
        or rework per case, the mean or median cycle time) is further from the log's than
        its tolerance (:data:`bpr.TOLERANCES`); the message names the furthest.

    Raises
    ------
    ModelError
        On an unknown ``method`` or a ``noise`` outside [0, 1].
    LogError
        When ``log`` cannot be read.
    AnnotationError
        When the annotation table is malformed or names an activity the log does not have.

    Examples
    --------
    >>> import pandas as pd
    >>> events = pd.DataFrame({
    ...     "case": ["1", "1", "2", "2"],
    ...     "activity": ["Pay fee", "Issue card", "Pay fee", "Issue card"],
    ...     "timestamp": pd.date_range("2024-01-01", periods=4, freq="h", tz="UTC"),
    ... })
    >>> p = discover(events, method="dfg", name="Card")
    >>> p
    ServiceProcess('Card', 2 steps, 0 gateways, 3 flows)
    >>> [f.frequency for f in p.flows]
    [2, 2, 2]
    >>> discover(events, noise=1.5)
    Traceback (most recent call last):
    ...
    bpr.errors.ModelError: discover: noise must lie in [0, 1], got 1.5
    """
    if method not in ("inductive", "dfg"):
        raise ModelError(f"discover: unknown method {method!r}; use 'inductive' or 'dfg'")
    if not 0.0 <= noise <= 1.0:
        raise ModelError(f"discover: noise must lie in [0, 1], got {noise}")
    from bpr.annotate import step_types

    event_log = read_event_log(log)
    stats = event_log.stats()
    counts = dict(zip(stats.activities["activity"], stats.activities["events"], strict=True))
    kept = _frequent_activities(counts, noise)
    variants = _projected_variants(stats.variants, kept)
    graph = _inductive(variants, noise) if method == "inductive" else _dfg(variants, noise)
    labels = [s.name for s in graph.steps()]
    fields = step_types(labels, event_log, annotations=annotations)
    observed = _step_stats(stats, labels, frozenset(graph.interleaved))
    nodes = [
        attrs.evolve(n, **fields[n.name], stats=observed[n.name]) if isinstance(n, Step) else n
        for n in graph.nodes
    ]
    process = ServiceProcess(
        name or "Discovered process",
        nodes=nodes,
        flows=_with_probabilities(graph.nodes, graph.flows),
        description=(
            f"Discovered by bpr from {len(stats.cases)} cases (method={method}, "
            f"noise={noise:g}); flow frequencies count the {graph.replayed} cases the model "
            "replays."
        ),
    )
    _check(process, stats)
    return process


def _check(process: ServiceProcess, stats: LogStats) -> None:
    """Set ``process.fidelity`` against its log; warn when a figure is beyond tolerance."""
    from bpr.fidelity import FidelityWarning, _fidelity

    report = _fidelity(process, stats)
    object.__setattr__(process, "fidelity", report)  # the process is new and not shared yet
    problems = report.problems()
    if problems:
        more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        warnings.warn(
            f"the discovered model does not reproduce its log: {'; '.join(problems[:3])}{more} "
            "(process.fidelity has every figure)",
            FidelityWarning,
            stacklevel=3,
        )


# -- noise ------------------------------------------------------------------------------------


def _frequent_activities(events: Mapping[str, int], noise: float) -> set[str]:
    """The activities kept when the rarest ones, up to ``noise`` of all events, are dropped."""
    budget = noise * sum(events.values())
    kept = set(events)
    dropped = 0
    # The most frequent activity always stays, so that a model exists.
    for activity, n in sorted(events.items(), key=lambda kv: (kv[1], kv[0]))[:-1]:
        if dropped + n > budget:
            break
        dropped += n
        kept.discard(activity)
    return kept


def _projected_variants(variants: pd.DataFrame, kept: set[str]) -> dict[Trace, int]:
    """Variant -> count over the kept activities, most frequent first; empty traces dropped."""
    projected: Counter[Trace] = Counter()
    for variant, count in zip(variants["variant"], variants["count"], strict=True):
        trace = tuple(a for a in variant if a in kept)
        if trace:
            projected[trace] += int(count)
    return dict(sorted(projected.items(), key=lambda kv: (-kv[1], kv[0])))


# -- building the graph -----------------------------------------------------------------------


class _Graph:
    """Nodes and counted flows of a process under construction, between one start and end."""

    def __init__(self, n_steps: int) -> None:
        self.nodes: list[Node] = [Event("start", EventKind.START)]
        self.flows: list[Flow] = []
        self.replayed = 0  # cases whose every move the flow frequencies count
        self.interleaved: set[str] = set()  # labels of steps in parallel blocks
        self._width = max(2, len(str(n_steps)))
        self._steps = itertools.count(1)
        self._gateways = itertools.count(1)

    def step(self, label: str) -> str:
        step = Step(f"s{next(self._steps):0{self._width}d}", label)
        self.nodes.append(step)
        return step.id

    def gateway(self, kind: GatewayKind) -> str:
        prefix = "xor" if kind is GatewayKind.EXCLUSIVE else "and"
        gateway = Gateway(f"{prefix}{next(self._gateways)}", kind)
        self.nodes.append(gateway)
        return gateway.id

    def connect(self, source: str, target: str, frequency: int) -> None:
        self.flows.append(Flow(source, target, frequency=frequency))

    def end(self) -> str:
        self.nodes.append(Event("end", EventKind.END))
        return "end"

    def steps(self) -> list[Step]:
        return [n for n in self.nodes if isinstance(n, Step)]


def _with_probabilities(nodes: Iterable[Node], flows: list[Flow]) -> list[Flow]:
    """Flows with branch probabilities (frequency over the split's total) on exclusive splits."""
    exclusive = {n.id for n in nodes if isinstance(n, Gateway) and n.kind is GatewayKind.EXCLUSIVE}
    leaving: dict[str, list[Flow]] = defaultdict(list)
    for flow in flows:
        leaving[flow.source].append(flow)
    totals = {
        source: sum(f.frequency for f in out)
        for source, out in leaving.items()
        if source in exclusive and len(out) > 1
    }
    # A split no replayed case reached (possible with noise) gets no probabilities.
    return [
        attrs.evolve(f, probability=f.frequency / totals[f.source]) if totals.get(f.source) else f
        for f in flows
    ]


# -- the directly-follows method --------------------------------------------------------------


def _dfg(variants: Variants, noise: float) -> _Graph:
    pairs: Counter[tuple[str, str]] = Counter()
    for trace, count in variants.items():
        for pair in itertools.pairwise((_SOURCE, *trace, _SINK)):
            pairs[pair] += count
    kept = _frequent_pairs(pairs, noise)
    # Reading order: activities as the most frequent variants first show them.
    order = list(dict.fromkeys(a for trace in variants for a in trace))
    graph = _Graph(len(order))
    ids = {_SOURCE: "start"} | {a: graph.step(a) for a in order}
    ids[_SINK] = graph.end()
    inflow: dict[str, list[tuple[str, int]]] = defaultdict(list)
    outflow: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (a, b), n in kept.items():
        outflow[a].append((b, n))
        inflow[b].append((a, n))
    entry, exit_ = dict(ids), dict(ids)
    for activity, node in ids.items():
        if len(inflow[activity]) > 1:
            entry[activity] = graph.gateway(GatewayKind.EXCLUSIVE)
            graph.connect(entry[activity], node, sum(n for _, n in inflow[activity]))
        if len(outflow[activity]) > 1:
            exit_[activity] = graph.gateway(GatewayKind.EXCLUSIVE)
            graph.connect(node, exit_[activity], sum(n for _, n in outflow[activity]))
    for (a, b), n in kept.items():
        graph.connect(exit_[a], entry[b], n)
    graph.replayed = sum(
        n
        for trace, n in variants.items()
        if kept.keys() >= set(itertools.pairwise((_SOURCE, *trace, _SINK)))
    )
    return graph


def _frequent_pairs(pairs: Counter[tuple[str, str]], noise: float) -> dict[tuple[str, str], int]:
    """The pairs covering ``1 - noise`` of all, plus those keeping every activity connected."""
    import networkx as nx

    ordered = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
    dfg = nx.DiGraph()
    dfg.add_weighted_edges_from((a, b, n) for (a, b), n in ordered)
    forward = nx.maximum_spanning_arborescence(dfg)
    backward = nx.maximum_spanning_arborescence(dfg.reverse(copy=True))
    needed = set(forward.edges) | {(b, a) for a, b in backward.edges}
    budget = (1.0 - noise) * sum(pairs.values())
    covered = sum(pairs[p] for p in needed)
    for pair, n in ordered:
        if covered >= budget:
            break
        if pair not in needed:
            needed.add(pair)
            covered += n
    return {pair: n for pair, n in ordered if pair in needed}


# -- the inductive method ---------------------------------------------------------------------


@attrs.frozen(eq=False)
class _Tree:
    """A process-tree node: ``activity``, ``tau``, ``seq``, ``xor``, ``and`` or ``loop``.

    Compared by identity, so that equal sub-trees in different places count apart.
    ``owner`` maps each activity below a compound node to the index of the child holding it;
    ``firsts`` and ``lasts`` are the activities a non-empty run of the node can begin and end
    with.
    """

    operator: str
    children: tuple[_Tree, ...]
    label: str | None
    alphabet: frozenset[str]
    nullable: bool
    owner: Mapping[str, int]
    firsts: frozenset[str]
    lasts: frozenset[str]


def _leaf(label: str | None) -> _Tree:
    if label is None:
        return _Tree("tau", (), None, frozenset(), True, {}, frozenset(), frozenset())
    one = frozenset([label])
    return _Tree("activity", (), label, one, False, {}, one, one)


def _ends(operator: str, children: tuple[_Tree, ...], first: bool) -> frozenset[str]:
    """The activities a run can begin (``first``) or end with."""

    def of(child: _Tree) -> frozenset[str]:
        return child.firsts if first else child.lasts

    if operator == "seq":
        found: set[str] = set()
        for child in children if first else reversed(children):
            found |= of(child)
            if not child.nullable:
                break
        return frozenset(found)
    if operator == "loop" and not children[0].nullable:
        return of(children[0])
    return frozenset().union(*(of(c) for c in children))


def _compound(operator: str, children: tuple[_Tree, ...]) -> _Tree:
    owner = {a: i for i, child in enumerate(children) for a in child.alphabet}
    if len(owner) != sum(len(c.alphabet) for c in children):
        raise ModelError(
            "discover: the mined process tree repeats an activity label, which bpr cannot map "
            "to one step per activity; try method='dfg'"
        )
    nullable = {
        "seq": all(c.nullable for c in children),
        "and": all(c.nullable for c in children),
        "xor": any(c.nullable for c in children),
        "loop": children[0].nullable,
    }[operator]
    return _Tree(
        operator,
        children,
        None,
        frozenset(owner),
        nullable,
        owner,
        _ends(operator, children, first=True),
        _ends(operator, children, first=False),
    )


def _from_pm4py(tree: Any) -> _Tree:
    """Our tree from a pm4py ``ProcessTree``; a loop's several redo parts become one choice,
    and ``*(*(D, tau), tau)`` (D once or more, once or more) is ``*(D, tau)``."""
    from pm4py.objects.process_tree.obj import Operator

    if not tree.children:
        return _leaf(tree.label)
    operators = {
        Operator.SEQUENCE: "seq",
        Operator.XOR: "xor",
        Operator.PARALLEL: "and",
        Operator.LOOP: "loop",
    }
    if tree.operator not in operators:
        raise ModelError(
            f"discover: the mined process tree uses the operator {tree.operator}, which has no "
            "gateway in bpr; try method='dfg'"
        )
    children = tuple(_from_pm4py(c) for c in tree.children)
    operator = operators[tree.operator]
    if operator == "xor":
        return _choice(children)
    if operator == "loop":
        do, redo = children[0], _choice(children[1:])
        if redo.operator == "tau" and _repeats_silently(do):
            return do
        return _compound("loop", (do, redo))
    return _compound(operator, children)


def _repeats_silently(node: _Tree) -> bool:
    """``*(x, tau)``: ``x`` once or more."""
    return node.operator == "loop" and node.children[1].operator == "tau"


def _choice(children: tuple[_Tree, ...]) -> _Tree:
    """A choice; a silent branch stays a branch of its own, so that skipping the choice is a
    decision counted apart from what its other branches decide (in ``X(tau, *(A, tau))``,
    skipping A and doing A again are two decisions with two probabilities)."""
    return children[0] if len(children) == 1 else _compound("xor", children)


# -- loops that repeat parts in any order ------------------------------------------------------


@attrs.frozen(eq=False)
class _Repeats:
    """A loop ``*(D, tau)`` whose ``D`` is made of parts that can run in any order.

    ``parts`` can each run alone in a round (the branches of a choice, the parts of the
    children of a sequence or parallel block that can be empty); ``core`` runs in every round
    (the children of a sequence or parallel block that cannot be empty), and when it is one
    node made of parts (a choice, a loop that repeats parts), ``alternatives`` are those,
    some of them in every round.
    """

    loop: _Tree
    core: tuple[_Tree, ...]
    alternatives: tuple[_Tree, ...]
    parts: tuple[_Tree, ...]


def _repeats(node: _Tree) -> _Repeats | None:
    if not _repeats_silently(node):
        return None
    do = node.children[0]
    if do.operator == "xor":
        return _Repeats(node, (), (), tuple(p for c in do.children for p in _parts(c)))
    if do.operator not in ("seq", "and"):
        return None
    core = tuple(c for c in do.children if not c.nullable)
    parts = tuple(p for c in do.children if c.nullable for p in _parts(c))
    alternatives = tuple(_parts(core[0])) if len(core) == 1 else ()
    if alternatives == core:
        alternatives = ()
    return _Repeats(node, core, alternatives, parts) if parts or alternatives else None


def _parts(node: _Tree) -> list[_Tree]:
    """The parts a node offers to a loop that repeats it, each of which can run alone in a
    round: a choice, or a sequence or parallel block that can be empty, gives the parts of
    its branches, and a loop that repeats parts gives those, since repeating them any number
    of times is repeating them in any order."""
    if node.operator == "tau":
        return []
    if node.operator == "xor" or (node.nullable and node.operator in ("seq", "and")):
        return [p for child in node.children for p in _parts(child)]
    if node.operator in ("seq", "and"):
        # One step that runs every time, with optional ones around it: in a loop, each runs
        # on its own as often.
        core = [c for c in node.children if not c.nullable]
        if len(core) == 1 and len(node.children) > 1:
            return [p for child in node.children for p in _parts(child)]
    shape = _repeats(node)
    if shape is not None and len(shape.core) <= 1:
        core = [] if shape.alternatives or not shape.core else _parts(shape.core[0])
        return [*core, *shape.alternatives, *shape.parts]
    if _repeats_silently(node):
        return _parts(node.children[0]) if node.children[0].operator == "activity" else [node]
    return [node]


def _loops(node: _Tree) -> dict[_Tree, _Repeats]:
    """The loops that repeat parts in any order, outermost first: a loop whose parts another
    such loop takes as its own is not one of them (it is regrouped with that loop)."""
    shape = _repeats(node)
    if shape is None:
        found, inner = {}, node.children
    else:
        found, inner = {node: shape}, (*(shape.alternatives or shape.core), *shape.parts)
    for child in inner:
        found.update(_loops(child))
    return found


@attrs.frozen
class _Rounds:
    """How a loop's parts ran in the log, weighted by cases: ``rounds[p]`` the times part
    ``p`` ran, ``together[s]`` the entries of the loop in which exactly the parts ``s`` ran."""

    rounds: Counter[_Tree] = attrs.field(factory=Counter)
    together: Counter[frozenset[_Tree]] = attrs.field(factory=Counter)

    @property
    def entries(self) -> int:
        return sum(self.together.values())

    def entered(self, parts: Iterable[_Tree]) -> int:
        """Entries in which at least one of ``parts`` ran."""
        wanted = frozenset(parts)
        return sum(n for ran, n in self.together.items() if ran & wanted)


def _rounds(
    runs: Iterable[tuple[_Run, int]], repeats: Mapping[_Tree, _Repeats]
) -> dict[_Tree, _Rounds]:
    """The :class:`_Rounds` of every loop of ``repeats``, from the runs of the variants."""
    owner = {p for r in repeats.values() for p in (*r.parts, *r.alternatives)}
    found = {loop: _Rounds() for loop in repeats}

    def walk(run: _Run, weight: int, seen: Counter[_Tree] | None) -> None:
        if run.node in repeats:
            inside: Counter[_Tree] = Counter()
            for child in run.children:
                walk(child, weight, inside)
            table = found[run.node]
            table.together[frozenset(inside)] += weight
            for part, times in inside.items():
                table.rounds[part] += times * weight
            return
        if seen is not None and run.node in owner:
            seen[run.node] += 1
            seen = None  # what runs inside a part belongs to the part
        for child in run.children:
            walk(child, weight, seen)

    for run, weight in runs:
        walk(run, weight, None)
    return found


def _own(repeats: _Repeats, rounds: _Rounds, cases: int) -> frozenset[_Tree]:
    """The parts (and alternatives) that need a parallel branch of their own, so that the
    share of cases with them comes out right (see :func:`_regrouped`).

    Parts that share a branch repeat as a loop of a choice of them: entered in a share ``e``
    of the loop's entries, going round again with probability ``r``, choosing part ``p``
    with probability ``c`` each round. A case then has ``p`` with probability
    ``e (1 - (1 - r)(1 - c) / (1 - r (1 - c)))``; the log says how often it has. The part
    furthest from the log gets a branch of its own, until every part that shares one is
    within :data:`SHARED_ERROR` of the log's share of cases.
    """
    groups = [list(repeats.parts), list(repeats.alternatives)]
    own: set[_Tree] = set()
    scale = rounds.entries / cases if cases else 0.0
    while True:
        worst, error = None, SHARED_ERROR
        for group in groups:
            for part, gap in _shared_errors(group, rounds).items():
                if gap * scale > error:
                    worst, error = part, gap * scale
        if worst is None:
            return frozenset(own)
        own.add(worst)
        for group in groups:
            if worst in group:
                group.remove(worst)


def _shared_errors(group: list[_Tree], rounds: _Rounds) -> dict[_Tree, float]:
    """For each part of ``group`` sharing one loop, how far the share of the loop's entries
    with it is from the log's (see :func:`_own`)."""
    total, entries = sum(rounds.rounds[p] for p in group), rounds.entries
    if not total or not entries:
        return {}
    entered = rounds.entered(group)
    again = 1.0 - entered / total
    errors = {}
    for part in group:
        choose = rounds.rounds[part] / total
        never = (1.0 - again) * (1.0 - choose) / (1.0 - again * (1.0 - choose))
        model = entered / entries * (1.0 - never)
        errors[part] = abs(model - rounds.entered([part]) / entries)
    return errors


def _regrouped(
    node: _Tree,
    repeats: Mapping[_Tree, _Repeats],
    own: Mapping[_Tree, frozenset[_Tree]],
    rounds: Mapping[_Tree, _Rounds],
) -> _Tree:
    """``node`` with every loop of ``own`` regrouped as a parallel block.

    A loop that repeats parts in any order (``*(->(X(tau, a), X(tau, b)), tau)`` accepts any
    sequence of ``a`` and ``b``) has one decision per round for each part: a case that does
    ``a`` once, in one of its rounds, is drawn as deciding anew in every round, and the share
    of cases with ``a`` comes out wrong. The same traces, and the interleavings of parts, are
    the runs of ``+(X(tau, *(a, tau)), X(tau, *(b, tau)))``: a part with a branch of its own
    is entered or skipped once per case, then repeated or left, two decisions counted apart.
    Each branch multiplies the states an alignment-based checker searches, so only the parts
    :func:`_own` picks get one; the others share a branch, a loop of a choice of them, as
    before. What runs in every round (``c`` in ``*(->(c, X(tau, a)), tau)``) stays a loop in
    the block; when it is a choice, those of its branches that need one get a branch too, and
    the rest of it becomes optional like a shared branch. A branch whose parts the log never
    repeats within one run of the loop does not repeat: it is only optional.
    """
    if not node.children:
        return node
    if node not in own:
        children = tuple(_regrouped(c, repeats, own, rounds) for c in node.children)
        return _compound(node.operator, children)
    shape, mine, ran = repeats[node], own[node], rounds[node]

    def optional(parts: list[_Tree]) -> list[_Tree]:
        """The branch of ``parts`` (one of them each time), again while the log repeats them."""
        if not parts:
            return []
        branch = _choice(tuple(_regrouped(p, repeats, own, rounds) for p in parts))
        if sum(ran.rounds[p] for p in parts) > ran.entered(parts):
            branch = _repeated(branch)
        return [_choice((_leaf(None), branch))]

    branches = []
    if shape.alternatives and mine & set(shape.alternatives):
        branches += optional([a for a in shape.alternatives if a not in mine])
        branches += [b for a in shape.alternatives if a in mine for b in optional([a])]
    elif shape.core:
        kind = node.children[0].operator
        core = [_regrouped(c, repeats, own, rounds) for c in shape.core]
        branches.append(_repeated(core[0] if len(core) == 1 else _compound(kind, tuple(core))))
    branches += [b for p in shape.parts if p in mine for b in optional([p])]
    branches += optional([p for p in shape.parts if p not in mine])
    return branches[0] if len(branches) == 1 else _compound("and", tuple(branches))


def _repeated(part: _Tree) -> _Tree:
    """``*(part, tau)``, or ``part`` when it already repeats so."""
    return part if _repeats_silently(part) else _compound("loop", (part, _leaf(None)))


def _mine_tree(variants: Variants, noise: float) -> Any:
    from bpr._pm4py import load, quiet

    load()
    from pm4py.algo.discovery.inductive.dtypes.im_ds import IMDataStructureUVCL
    from pm4py.algo.discovery.inductive.variants.im import IMUVCL
    from pm4py.algo.discovery.inductive.variants.imf import IMFUVCL
    from pm4py.objects.process_tree.utils.generic import fold, tree_sort

    parameters = {"noise_threshold": noise}
    miner = IMFUVCL if noise > 0 else IMUVCL
    with quiet():
        # The same steps as pm4py's inductive_miner.apply, which does not accept a plain
        # variant Counter as the UVCL it documents.
        tree = miner(parameters).apply(IMDataStructureUVCL(Counter(variants)), parameters)
        tree = fold(tree)
        tree_sort(tree)
    return tree


def _inductive(variants: Variants, noise: float) -> _Graph:
    tree = _from_pm4py(_mine_tree(variants, noise))
    runs = _runs(tree, variants)
    repeats = _loops(tree)
    if repeats:
        rounds = _rounds(runs, repeats)
        cases = sum(variants.values())
        own = {loop: mine for loop in repeats if (mine := _own(repeats[loop], rounds[loop], cases))}
        if own:
            tree = _regrouped(tree, repeats, own, rounds)
            runs = _runs(tree, variants)
    counts: Counter[_Tree] = Counter()
    graph = _Graph(len(tree.alphabet))
    for run, n in runs:
        run.count(counts, n)
        graph.replayed += n
    span = _build(graph, tree, counts)
    assert span is not None, "a tree mined from non-empty traces has activities"
    graph.connect("start", span.entry, counts[tree])
    graph.connect(span.exit, graph.end(), counts[tree])
    return graph


def _runs(tree: _Tree, variants: Variants) -> list[tuple[_Run, int]]:
    """The run of each variant that ``tree`` replays, with its count."""
    replay = _Replay(tree)
    runs = ((replay.run(trace), n) for trace, n in variants.items())
    return [(run, n) for run, n in runs if run is not None]


@attrs.frozen(eq=False)
class _Run:
    """How one trace runs through a tree node: the runs of the children it executed."""

    node: _Tree
    children: tuple[_Run, ...] = ()

    def count(self, counts: Counter[_Tree], weight: int) -> None:
        counts[self.node] += weight
        for child in self.children:
            child.count(counts, weight)


class _Replay:
    """Parses traces against a tree whose activities label one leaf each.

    Unique labels make the parse direct: each activity says which child of a sequence, choice
    or parallel block it belongs to. Only loops need a search, over the places where one
    iteration ends; it is memoised on (node, trace part) and prefers fewer iterations.
    """

    def __init__(self, tree: _Tree) -> None:
        self._tree = tree
        self._memo: dict[tuple[_Tree, Trace], _Run | None] = {}

    def run(self, trace: Trace) -> _Run | None:
        return self._parse(self._tree, trace)

    def _parse(self, node: _Tree, part: Trace) -> _Run | None:
        if part and (part[0] not in node.firsts or part[-1] not in node.lasts):
            return None
        key = (node, part)
        if key not in self._memo:
            self._memo[key] = self._parse_new(node, part)
        return self._memo[key]

    def _parse_new(self, node: _Tree, part: Trace) -> _Run | None:
        if not node.alphabet.issuperset(part) or (not part and not node.nullable):
            return None
        if node.operator == "tau":
            return _Run(node)
        if node.operator == "activity":
            return _Run(node) if len(part) == 1 else None
        if node.operator == "xor":
            return self._choice(node, part)
        if node.operator == "loop":
            return self._loop(node, part)
        owners = [node.owner[a] for a in part]
        if node.operator == "seq" and owners != sorted(owners):
            return None
        parts = [
            tuple(a for a, i in zip(part, owners, strict=True) if i == k)
            for k in range(len(node.children))
        ]
        runs = [self._parse(c, p) for c, p in zip(node.children, parts, strict=True)]
        return None if None in runs else _Run(node, tuple(runs))

    def _choice(self, node: _Tree, part: Trace) -> _Run | None:
        if part:
            candidates = [node.children[node.owner[part[0]]]]
        else:
            # An empty part takes the silent branch when there is one.
            candidates = sorted(node.children, key=lambda c: c.operator != "tau")
        for child in candidates:
            run = self._parse(child, part)
            if run is not None:
                return _Run(node, (run,))
        return None

    def _loop(self, node: _Tree, part: Trace) -> _Run | None:
        """``do (redo do)*`` over ``part``: a depth-first search over where pieces end.

        A state is (position, piece expected: 0 for do, 1 for redo, whether the do before
        was empty); a redo after an empty do may not be empty, or an idle iteration could
        repeat for ever. A state that failed once fails again, so it is not searched twice.
        """
        n = len(part)
        failed: set[tuple[int, int, bool]] = set()
        start = (0, 0, False)
        stack = [(start, self._pieces(node.children[0], part, 0, True))]
        runs: list[_Run] = []
        while stack:
            state, pieces = stack[-1]
            found = next(pieces, None)
            if found is None:
                failed.add(state)
                stack.pop()
                if stack:
                    runs.pop()
                continue
            (i, which, _), (j, run) = state, found
            if which == 0 and j == n:
                return _Run(node, (*runs, run))
            after = (j, 1, j == i) if which == 0 else (j, 0, False)
            if after not in failed:
                runs.append(run)
                child = node.children[after[1]]
                stack.append((after, self._pieces(child, part, j, not after[2])))
        return None

    def _pieces(
        self, child: _Tree, part: Trace, i: int, allow_empty: bool
    ) -> Iterator[tuple[int, _Run]]:
        """(end, run) of the pieces ``part[i:end]`` that ``child`` runs, longest first."""
        end = i
        if i < len(part) and part[i] in child.firsts:
            while end < len(part) and part[end] in child.alphabet:
                end += 1
        for j in range(end, i - 1 if allow_empty else i, -1):
            run = self._parse(child, part[i:j])
            if run is not None:
                yield j, run


@attrs.frozen
class _Span:
    """Where a built block begins and ends."""

    entry: str
    exit: str


def _build(graph: _Graph, node: _Tree, counts: Counter[_Tree]) -> _Span | None:
    """Add ``node`` to ``graph``; ``None`` when it is silent (nothing to add)."""
    if node.operator == "activity":
        step = graph.step(str(node.label))
        return _Span(step, step)
    if node.operator == "tau":
        return None
    spans = [_build(graph, c, counts) for c in node.children]
    if node.operator == "seq":
        return _sequence(graph, [s for s in spans if s is not None], counts[node])
    if node.operator == "and":
        present = [s for s in spans if s is not None]
        if len(present) > 1:
            graph.interleaved |= node.alphabet
        return _parallel(graph, present, counts[node])
    if node.operator == "xor":
        return _exclusive(graph, node, spans, counts)
    return _loop_block(graph, node, spans, counts)


def _sequence(graph: _Graph, spans: list[_Span], count: int) -> _Span | None:
    if not spans:
        return None
    for before, after in itertools.pairwise(spans):
        graph.connect(before.exit, after.entry, count)
    return _Span(spans[0].entry, spans[-1].exit)


def _parallel(graph: _Graph, spans: list[_Span], count: int) -> _Span | None:
    if len(spans) < 2:
        return spans[0] if spans else None
    split = graph.gateway(GatewayKind.PARALLEL)
    join = graph.gateway(GatewayKind.PARALLEL)
    for span in spans:
        graph.connect(split, span.entry, count)
        graph.connect(span.exit, join, count)
    return _Span(split, join)


def _exclusive(
    graph: _Graph, node: _Tree, spans: list[_Span | None], counts: Counter[_Tree]
) -> _Span | None:
    if all(s is None for s in spans):
        return None
    split = graph.gateway(GatewayKind.EXCLUSIVE)
    join = graph.gateway(GatewayKind.EXCLUSIVE)
    skipped = sum(counts[c] for c, s in zip(node.children, spans, strict=True) if s is None)
    for child, span in zip(node.children, spans, strict=True):
        if span is not None:
            graph.connect(split, span.entry, counts[child])
            graph.connect(span.exit, join, counts[child])
    if None in spans:
        graph.connect(split, join, skipped)
    return _Span(split, join)


def _loop_block(
    graph: _Graph, node: _Tree, spans: list[_Span | None], counts: Counter[_Tree]
) -> _Span | None:
    if all(s is None for s in spans):
        return None
    entry = graph.gateway(GatewayKind.EXCLUSIVE)
    exit_ = graph.gateway(GatewayKind.EXCLUSIVE)
    (do, redo), (do_span, redo_span) = node.children, spans
    for child, span, source, target in (
        (do, do_span, entry, exit_),
        (redo, redo_span, exit_, entry),
    ):
        if span is None:
            graph.connect(source, target, counts[child])
        else:
            graph.connect(source, span.entry, counts[child])
            graph.connect(span.exit, target, counts[child])
    return _Span(entry, exit_)


# -- step statistics --------------------------------------------------------------------------


def _step_stats(
    stats: LogStats, labels: list[str], interleaved: frozenset[str]
) -> dict[str, StepStats]:
    table = stats.activities.set_index("activity")
    working, waiting = _durations(stats.working_time), _durations(stats.waiting_time)
    return {
        a: StepStats(
            events=int(table.at[a, "events"]),
            cases=int(table.at[a, "cases"]),
            working=working.get(a),
            waiting=waiting.get(a),
            opened=stats.start_activities.get(a, 0),
            interleaved=a in interleaved,
        )
        for a in labels
    }


def _durations(table: pd.DataFrame | None) -> dict[str, DurationStats]:
    """activity -> median, mean, p90 and distribution of a duration table of the log's
    statistics; none for a log without times."""
    if table is None:
        return {}
    table = table[table["mean"].notna()]
    # The tables hold whole microseconds (timedelta64[us]).
    columns = [
        [timedelta(microseconds=us) for us in table[name].astype("int64").tolist()]
        for name in ("median", "mean", "p90")
    ]
    return {
        a: DurationStats(median=median, mean=mean, p90=p90, distribution=spread)
        for a, median, mean, p90, spread in zip(
            table["activity"], *columns, table["distribution"], strict=True
        )
    }
