"""Event logs generated from a known process, and Petri nets of processes, for tests.

:func:`generate_log` plays cases through any sound :class:`~bpr.ServiceProcess` (a token game
on its graph): an exclusive split takes one branch by its probabilities (uniform over the
branches without one), a parallel split starts every branch and its join waits for all, so
the events of parallel branches interleave at random, and loops go round as often as their
splits say. Each step waits, then works, for exponentially distributed times. The same
``seed`` gives the same log.

:func:`petri_net` is the textbook translation of a process to a workflow net (one place per
flow, one transition per step, silent transitions for gateways and the end), so that pm4py's
replay and alignments can judge which traces a process accepts.
"""

from __future__ import annotations

import heapq
import itertools
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd

from bpr import Event, EventKind, Gateway, GatewayKind, ServiceProcess, Step

__all__ = ["generate_log", "petri_net", "traces"]


def generate_log(
    process: ServiceProcess,
    cases: int,
    seed: int,
    *,
    start: datetime = datetime(2024, 1, 1, tzinfo=UTC),
    interarrival: timedelta = timedelta(hours=1),
    waiting: timedelta = timedelta(hours=2),
    working: timedelta = timedelta(minutes=30),
    max_events: int = 1000,
) -> pd.DataFrame:
    """Simulate ``cases`` cases of ``process``.

    Parameters
    ----------
    process
        A sound process (every case can reach the end).
    cases, seed
        How many cases, and the seed of the random choices and durations.
    start, interarrival
        When the first case arrives, and the mean time between arrivals.
    waiting, working
        Mean waiting time before each step, and its mean working time when the step has no
        ``duration`` of its own.
    max_events
        A case with more events is an error (a loop that never ends).

    Returns
    -------
    pandas.DataFrame
        Canonical columns ``case``, ``activity`` (the step name), ``start``, ``timestamp``
        (completion; both tz-aware UTC), ``resource`` (the actor), ``agency`` and
        ``channel``, ordered by case and completion time.
    """
    rng = random.Random(seed)
    width = len(str(cases))
    arrival = start
    rows: list[dict[str, Any]] = []
    for number in range(1, cases + 1):
        arrival += _exponential(rng, interarrival)
        case = f"c{number:0{width}d}"
        rows += _simulate(process, rng, case, arrival, waiting, working, max_events)
    frame = pd.DataFrame(
        rows,
        columns=["case", "activity", "start", "timestamp", "resource", "agency", "channel"],
    )
    for column in ("start", "timestamp"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame.sort_values(["case", "timestamp"], kind="stable", ignore_index=True)


def traces(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    """The trace (activity sequence) of each case of a generated log, in case order."""
    return [tuple(group) for _, group in frame.groupby("case", sort=True)["activity"]]


def _exponential(rng: random.Random, mean: timedelta) -> timedelta:
    return timedelta(seconds=rng.expovariate(1.0 / mean.total_seconds()))


def _simulate(
    process: ServiceProcess,
    rng: random.Random,
    case: str,
    arrival: datetime,
    waiting: timedelta,
    working: timedelta,
    max_events: int,
) -> list[dict[str, Any]]:
    order = itertools.count()
    # Tokens arriving at nodes, in time order: (time, tie-breaker, node id, from node id).
    tokens = [(arrival, next(order), process.starts[0].id, "")]
    arrived: dict[str, dict[str, datetime]] = {}
    rows: list[dict[str, Any]] = []
    while tokens:
        time, _, node_id, came_from = heapq.heappop(tokens)
        node = process.node(node_id)
        targets = process.successors(node_id)
        if isinstance(node, Step):
            begun = time + _exponential(rng, waiting)
            time = begun + _exponential(rng, node.duration or working)
            rows.append(_row(case, node, begun, time))
            if len(rows) > max_events:
                raise ValueError(f"case {case} of {process.name!r} ran over {max_events} events")
        elif isinstance(node, Gateway) and node.kind is GatewayKind.PARALLEL:
            sources = process.predecessors(node_id)
            if len(sources) > 1:
                arrived.setdefault(node_id, {})[came_from] = time
                if len(arrived[node_id]) < len(sources):
                    continue
                time = max(arrived.pop(node_id).values())
        elif isinstance(node, Gateway) and len(targets) > 1:
            targets = [_choose(process, rng, node_id, targets)]
        elif isinstance(node, Event) and node.kind is EventKind.END:
            continue
        for target in targets:
            heapq.heappush(tokens, (time, next(order), target, node_id))
    return rows


def _choose(process: ServiceProcess, rng: random.Random, split: str, targets: list[str]) -> str:
    given = [process.flow(split, t).probability for t in targets]
    free = [t for t, p in zip(targets, given, strict=True) if p is None]
    rest = 1.0 - sum(p for p in given if p is not None)
    weights = [rest / len(free) if p is None else p for p in given]
    return rng.choices(targets, weights=weights)[0]


def _row(case: str, step: Step, begun: datetime, done: datetime) -> dict[str, Any]:
    return {
        "case": case,
        "activity": step.name,
        "start": begun,
        "timestamp": done,
        "resource": None if step.actor is None else step.actor.value,
        "agency": step.agency,
        "channel": None if step.channel is None else step.channel.value,
    }


def petri_net(process: ServiceProcess) -> tuple[Any, Any, Any]:
    """A workflow net of ``process``: (net, initial marking, final marking) for pm4py.

    Events and exclusive gateways become places, steps (labelled) and parallel gateways
    (silent) transitions; a flow between two transitions gets a place of its own and a flow
    between two places a silent transition. This keeps silent transitions to what routing
    needs, the form pm4py's token replay handles best.
    """
    from bpr._pm4py import load

    load()
    from pm4py.objects.petri_net.obj import Marking, PetriNet
    from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to

    net = PetriNet(process.name)
    element: dict[str, Any] = {}
    for node in process.nodes:
        if isinstance(node, Step):
            element[node.id] = PetriNet.Transition(node.id, node.name)
        elif isinstance(node, Gateway) and node.kind is GatewayKind.PARALLEL:
            element[node.id] = PetriNet.Transition(node.id, None)
        else:
            element[node.id] = PetriNet.Place(node.id)
    for item in element.values():
        (net.transitions if isinstance(item, PetriNet.Transition) else net.places).add(item)
    for flow in process.flows:
        source, target = element[flow.source], element[flow.target]
        if isinstance(source, PetriNet.Transition) is isinstance(target, PetriNet.Transition):
            kind = (
                PetriNet.Place if isinstance(source, PetriNet.Transition) else PetriNet.Transition
            )
            middle = kind(
                f"{flow.source}->{flow.target}", *([] if kind is PetriNet.Place else [None])
            )
            (net.places if kind is PetriNet.Place else net.transitions).add(middle)
            add_arc_from_to(source, middle, net)
            add_arc_from_to(middle, target, net)
        else:
            add_arc_from_to(source, target, net)
    initial = Marking({element[e.id]: 1 for e in process.starts})
    (end,) = process.ends
    return net, initial, Marking({element[end.id]: 1})
