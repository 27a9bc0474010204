"""Graph surgery for redesign: remove, merge, reorder and parallelise steps, then tidy up.

An :class:`Editor` holds a mutable copy of a process; every operation keeps the flows
consistent, and :meth:`Editor.build` removes what the edits left degenerate (pass-through
gateways, empty parallel branches, empty loops, duplicate flows) before validating the result as
a new :class:`~bpr.model.ServiceProcess`. The caller's process is never changed.

The editor keeps each node's successors and predecessors in flow order, and remembers which
nodes an edit changed (:attr:`Editor.changed`: replaced, added or removed) and where it changed
the structure (:attr:`Editor.rewired`: nodes whose flows changed, and added nodes): tidying
looks only there, and the redesign planner measures again only the part of the process around
them.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from types import MappingProxyType

import attrs

from bpr.errors import ModelError
from bpr.model import Flow, Gateway, GatewayKind, Node, ServiceProcess, Step


class Editor:
    """A mutable working copy of a process.

    Examples
    --------
    >>> from bpr import ServiceProcess, Step, Xor
    >>> p = ServiceProcess.from_blocks(
    ...     "P", Step("a", "A"), Xor(Step("b", "B"), None, probabilities=[0.4, 0.6]))
    >>> e = Editor(p)
    >>> e.remove_step("b")
    >>> q = e.build()
    >>> [s.id for s in q.steps], len(q.gateways)
    (['a'], 0)
    """

    def __init__(self, process: ServiceProcess) -> None:
        self.process = process
        self._nodes: dict[str, Node] = {n.id: n for n in process.nodes}
        self._flows: dict[tuple[str, str], Flow] = {}
        # Successors and predecessors as tuples in flow order: a copy of the editor copies
        # only the outer dicts.
        self._succ: dict[str, tuple[str, ...]] = dict.fromkeys(self._nodes, ())
        self._pred: dict[str, tuple[str, ...]] = dict.fromkeys(self._nodes, ())
        for f in process.flows:
            self._link(f)
        self._ids = itertools.count(1)
        # Where each removed or renamed step went: a new id, or None when it is gone.
        self._moved: dict[str, str | None] = {}
        self.changed: set[str] = set()
        self.rewired: set[str] = set()
        # Nodes where tidying must look: all of them until the process is known to be tidy.
        self._unsettled: set[str] = set(self._nodes)

    def copy(self) -> Editor:
        """A working copy of the edited process: its changes are counted from here on."""
        other = object.__new__(Editor)
        other.process = self.process
        other._nodes, other._flows = dict(self._nodes), dict(self._flows)
        other._succ, other._pred = dict(self._succ), dict(self._pred)
        other._ids = itertools.count(1)
        other._moved = {}
        other.changed, other.rewired = set(), set()
        other._unsettled = set(self._unsettled)
        return other

    # -- queries ---------------------------------------------------------------------------
    @property
    def nodes(self) -> Mapping[str, Node]:
        """The nodes by id, in process order (read-only: edit through the methods)."""
        return MappingProxyType(self._nodes)

    @property
    def flows(self) -> Mapping[tuple[str, str], Flow]:
        """The flows by (source, target), in process order (read-only)."""
        return MappingProxyType(self._flows)

    def node(self, node_id: str) -> Node:
        return self._nodes[node_id]

    def successors(self, node_id: str) -> list[str]:
        return list(self._succ[node_id])

    def predecessors(self, node_id: str) -> list[str]:
        return list(self._pred[node_id])

    def _only(self, ids: list[str], what: str, node_id: str) -> str:
        if len(ids) != 1:
            # The change does not fit this place of the process: the planner drops it.
            raise ModelError(f"{node_id!r} has {len(ids)} {what}")
        return ids[0]

    @property
    def moved(self) -> Mapping[str, str | None]:
        """Where each step that an edit removed or renamed went (``None``: removed)."""
        return MappingProxyType(self._moved)

    def where(self, step_id: str) -> str | None:
        """The id that the step ``step_id`` of the original process has now (None: removed)."""
        current: str | None = step_id
        while current is not None and current in self._moved:
            current = self._moved[current]
        return current

    # -- flows: the only places that change them -------------------------------------------
    def _link(self, flow: Flow) -> None:
        key = (flow.source, flow.target)
        if key not in self._flows:
            self._succ[flow.source] += (flow.target,)
            self._pred[flow.target] += (flow.source,)
        self._flows[key] = flow

    def _set_flow(self, flow: Flow) -> None:
        self._link(flow)
        self._touch(flow.source, flow.target)

    def remove_flow(self, source: str, target: str) -> Flow:
        """Remove the flow from ``source`` to ``target`` and return it."""
        flow = self._flows.pop((source, target))
        self._succ[source] = tuple(t for t in self._succ[source] if t != target)
        self._pred[target] = tuple(s for s in self._pred[target] if s != source)
        self._touch(source, target)
        return flow

    def _touch(self, *node_ids: str) -> None:
        self.rewired.update(node_ids)
        self._unsettled.update(node_ids)

    def _put(self, node: Node) -> None:
        old = self._nodes.get(node.id)
        if old is None:
            self._succ[node.id] = self._pred[node.id] = ()
        self._nodes[node.id] = node
        self.changed.add(node.id)
        if not (isinstance(old, Step) and isinstance(node, Step)):
            self._touch(node.id)  # a new node, or one of another kind: the structure changed

    def _drop(self, node_id: str) -> None:
        del self._nodes[node_id], self._succ[node_id], self._pred[node_id]
        self.changed.add(node_id)
        self.rewired.discard(node_id)
        self._unsettled.discard(node_id)

    # -- edits -----------------------------------------------------------------------------
    def replace(self, step: Step) -> None:
        """Put ``step`` in place of the step with the same id."""
        self._put(step)

    def add_flow(self, source: str, target: str, probability: float | None = None) -> None:
        """Add a flow, merging it into an existing one between the same nodes."""
        old = self._flows.get((source, target))
        if old is not None:
            probability = _merged_probability(self._nodes[source], old.probability, probability)
        self._set_flow(Flow(source, target, probability))

    def remove_step(self, step_id: str) -> None:
        """Remove a step, joining its predecessor to its successor."""
        before = self._only(self.predecessors(step_id), "predecessors", step_id)
        after = self._only(self.successors(step_id), "successors", step_id)
        probability = self.remove_flow(before, step_id).probability
        self.remove_flow(step_id, after)
        self._drop(step_id)
        self._moved[step_id] = None
        self.add_flow(before, after, probability)

    def merge(self, step_ids: Sequence[str], merged: Step) -> None:
        """Replace a chain of consecutive steps with one step (which takes the first's place)."""
        self._put(attrs.evolve(merged, id=step_ids[0]))
        for step_id in step_ids[1:]:
            self.remove_step(step_id)
            self._moved[step_id] = step_ids[0]
        if merged.id != step_ids[0]:
            self.rename(step_ids[0], merged.id)

    def rename(self, old: str, new: str) -> None:
        """Give a node a new id."""
        self._moved[old] = new
        flows = list(self._flows.values())
        self._nodes = {
            (new if k == old else k): (attrs.evolve(v, id=new) if k == old else v)
            for k, v in self._nodes.items()
        }
        self._flows = {}
        self._succ = dict.fromkeys(self._nodes, ())
        self._pred = dict.fromkeys(self._nodes, ())
        for f in flows:
            renamed = {"source": new} if f.source == old else {}
            renamed |= {"target": new} if f.target == old else {}
            self._link(attrs.evolve(f, **renamed) if renamed else f)
        self.changed.update((old, new))
        self._touch(new, *self._succ[new], *self._pred[new])
        self.rewired.discard(old)
        self._unsettled.discard(old)

    def reorder(self, chain: Sequence[str], order: Sequence[str]) -> None:
        """Put the consecutive steps ``chain`` in the order ``order`` (same steps)."""
        before = self._only(self.predecessors(chain[0]), "predecessors", chain[0])
        after = self._only(self.successors(chain[-1]), "successors", chain[-1])
        probability = self._unlink_chain(before, chain, after)
        path = [before, *order, after]
        for i, (s, t) in enumerate(itertools.pairwise(path)):
            self._set_flow(Flow(s, t, probability if i == 0 else None))

    def parallelize(self, chain: Sequence[str]) -> None:
        """Make the consecutive steps ``chain`` run as branches of one parallel block."""
        before = self._only(self.predecessors(chain[0]), "predecessors", chain[0])
        after = self._only(self.successors(chain[-1]), "successors", chain[-1])
        probability = self._unlink_chain(before, chain, after)
        split, join = self._new_gateway(), self._new_gateway()
        self._set_flow(Flow(before, split, probability))
        for step_id in chain:
            self._set_flow(Flow(split, step_id))
            self._set_flow(Flow(step_id, join))
        self._set_flow(Flow(join, after))

    def _unlink_chain(self, before: str, chain: Sequence[str], after: str) -> float | None:
        probability = self.remove_flow(before, chain[0]).probability
        for s, t in itertools.pairwise([*chain, after]):
            self.remove_flow(s, t)
        return probability

    def _new_gateway(self) -> str:
        while True:
            node_id = f"and_r{next(self._ids)}"
            if node_id not in self._nodes:
                self._put(Gateway(node_id, GatewayKind.PARALLEL))
                return node_id

    # -- tidy and build --------------------------------------------------------------------
    def build(self) -> ServiceProcess:
        """Tidy degenerate structure and return the edited process (validated)."""
        self.tidy()
        return self.process.evolve(
            nodes=list(self._nodes.values()), flows=list(self._flows.values())
        )

    def settle(self) -> bool:
        """Whether the process is tidy already; if it is, tidying looks only where edits are
        made from now on (otherwise everywhere, until the first tidying)."""
        probe = self.copy()
        probe.tidy()
        if probe.changed or probe.rewired:
            return False
        self._unsettled.clear()
        return True

    def tidy(self) -> None:
        """Remove what the edits left degenerate, one repair at a time, each time the first
        one in process order (the nodes and flows no edit touched are already tidy)."""
        while self._drop_empty_loop() or self._drop_empty_branch() or self._drop_pass_through():
            pass
        self._unsettled.clear()

    def _gateway(self, node_id: str, kind: GatewayKind | None = None) -> bool:
        node = self._nodes[node_id]
        return isinstance(node, Gateway) and (kind is None or node.kind is kind)

    def _first_node(self, found: set[str]) -> str | None:
        """The first node of ``found`` in process order."""
        if len(found) <= 1:
            return next(iter(found), None)
        return next(n for n in self._nodes if n in found)

    def _first_flow(self, found: set[tuple[str, str]]) -> tuple[str, str] | None:
        """The first flow of ``found`` in process order."""
        if len(found) <= 1:
            return next(iter(found), None)
        return next(f for f in self._flows if f in found)

    def _unsettled_flows(self) -> set[tuple[str, str]]:
        return {
            flow
            for n in self._unsettled
            for flow in itertools.chain(
                ((n, t) for t in self._succ[n]), ((s, n) for s in self._pred[n])
            )
        }

    def _drop_pass_through(self) -> bool:
        node_id = self._first_node(
            {
                n
                for n in self._unsettled
                if self._gateway(n) and len(self._pred[n]) == 1 and len(self._succ[n]) == 1
            }
        )
        if node_id is None:
            return False
        (before,), (after,) = self._pred[node_id], self._succ[node_id]
        probability = self.remove_flow(before, node_id).probability
        self.remove_flow(node_id, after)
        self._drop(node_id)
        self.add_flow(before, after, probability)
        return True

    def _drop_empty_branch(self) -> bool:
        """A parallel split's direct flow to a join does nothing when other branches exist."""
        flow = self._first_flow(
            {
                (s, t)
                for s, t in self._unsettled_flows()
                if self._gateway(s, GatewayKind.PARALLEL)
                and self._gateway(t, GatewayKind.PARALLEL)
                and len(self._succ[s]) > 1
                and len(self._pred[t]) > 1
            }
        )
        if flow is None:
            return False
        self.remove_flow(*flow)
        return True

    def _drop_empty_loop(self) -> bool:
        """An exclusive join that leads straight to a split that leads straight back is a loop
        with nothing in it: drop the back flow and scale the other branches up."""
        flow = self._first_flow(
            {
                (j, x)
                for j, x in self._unsettled_flows()
                if (x, j) in self._flows
                and self._gateway(j, GatewayKind.EXCLUSIVE)
                and self._gateway(x, GatewayKind.EXCLUSIVE)
            }
        )
        if flow is None:
            return False
        j, x = flow
        back = self.remove_flow(x, j)
        if back.probability is not None and back.probability < 1.0:
            scale = 1.0 / (1.0 - back.probability)
            for t in self._succ[x]:
                f = self._flows[x, t]
                if f.probability is not None:
                    self._set_flow(attrs.evolve(f, probability=f.probability * scale))
        return True


def _merged_probability(source: Node, old: float | None, new: float | None) -> float | None:
    """Two flows between the same nodes become one: exclusive branches add up."""
    if isinstance(source, Gateway) and source.kind is GatewayKind.EXCLUSIVE:
        return None if old is None or new is None else old + new
    return old
