"""Graph surgery for redesign: remove, merge, reorder and parallelise steps, then tidy up.

An :class:`Editor` holds a mutable copy of a process; every operation keeps the flows
consistent, and :meth:`Editor.build` removes what the edits left degenerate (pass-through
gateways, empty parallel branches, empty loops, duplicate flows) before validating the result as
a new :class:`~bpr.model.ServiceProcess`. The caller's process is never changed.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import attrs

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
        self.nodes: dict[str, Node] = {n.id: n for n in process.nodes}
        self.flows: dict[tuple[str, str], Flow] = {(f.source, f.target): f for f in process.flows}
        self._ids = itertools.count(1)
        # Where each removed or renamed step went: a new id, or None when it is gone.
        self._moved: dict[str, str | None] = {}

    # -- queries ---------------------------------------------------------------------------
    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]

    def successors(self, node_id: str) -> list[str]:
        return [t for (s, t) in self.flows if s == node_id]

    def predecessors(self, node_id: str) -> list[str]:
        return [s for (s, t) in self.flows if t == node_id]

    def _only(self, ids: list[str], what: str, node_id: str) -> str:
        if len(ids) != 1:
            raise ValueError(f"{node_id!r} has {len(ids)} {what}")
        return ids[0]

    def where(self, step_id: str) -> str | None:
        """The id that the step ``step_id`` of the original process has now (None: removed)."""
        current: str | None = step_id
        while current is not None and current in self._moved:
            current = self._moved[current]
        return current

    # -- edits -----------------------------------------------------------------------------
    def replace(self, step: Step) -> None:
        """Put ``step`` in place of the step with the same id."""
        self.nodes[step.id] = step

    def add_flow(self, source: str, target: str, probability: float | None = None) -> None:
        """Add a flow, merging it into an existing one between the same nodes."""
        old = self.flows.get((source, target))
        if old is not None:
            probability = _merged_probability(self.nodes[source], old.probability, probability)
        self.flows[source, target] = Flow(source, target, probability)

    def remove_step(self, step_id: str) -> None:
        """Remove a step, joining its predecessor to its successor."""
        before = self._only(self.predecessors(step_id), "predecessors", step_id)
        after = self._only(self.successors(step_id), "successors", step_id)
        probability = self.flows.pop((before, step_id)).probability
        del self.flows[step_id, after]
        del self.nodes[step_id]
        self._moved[step_id] = None
        self.add_flow(before, after, probability)

    def merge(self, step_ids: Sequence[str], merged: Step) -> None:
        """Replace a chain of consecutive steps with one step (which takes the first's place)."""
        self.nodes[step_ids[0]] = attrs.evolve(merged, id=step_ids[0])
        for step_id in step_ids[1:]:
            self.remove_step(step_id)
            self._moved[step_id] = step_ids[0]
        if merged.id != step_ids[0]:
            self.rename(step_ids[0], merged.id)

    def rename(self, old: str, new: str) -> None:
        """Give a node a new id."""
        self._moved[old] = new
        self.nodes = {
            (new if k == old else k): (attrs.evolve(v, id=new) if k == old else v)
            for k, v in self.nodes.items()
        }
        self.flows = {
            (new if s == old else s, new if t == old else t): attrs.evolve(
                f, source=new if s == old else s, target=new if t == old else t
            )
            for (s, t), f in self.flows.items()
        }

    def reorder(self, chain: Sequence[str], order: Sequence[str]) -> None:
        """Put the consecutive steps ``chain`` in the order ``order`` (same steps)."""
        before = self._only(self.predecessors(chain[0]), "predecessors", chain[0])
        after = self._only(self.successors(chain[-1]), "successors", chain[-1])
        probability = self._unlink_chain(before, chain, after)
        path = [before, *order, after]
        for i, (s, t) in enumerate(itertools.pairwise(path)):
            self.flows[s, t] = Flow(s, t, probability if i == 0 else None)

    def parallelize(self, chain: Sequence[str]) -> None:
        """Make the consecutive steps ``chain`` run as branches of one parallel block."""
        before = self._only(self.predecessors(chain[0]), "predecessors", chain[0])
        after = self._only(self.successors(chain[-1]), "successors", chain[-1])
        probability = self._unlink_chain(before, chain, after)
        split, join = self._new_gateway(), self._new_gateway()
        self.flows[before, split] = Flow(before, split, probability)
        for step_id in chain:
            self.flows[split, step_id] = Flow(split, step_id)
            self.flows[step_id, join] = Flow(step_id, join)
        self.flows[join, after] = Flow(join, after)

    def _unlink_chain(self, before: str, chain: Sequence[str], after: str) -> float | None:
        probability = self.flows.pop((before, chain[0])).probability
        for s, t in itertools.pairwise([*chain, after]):
            del self.flows[s, t]
        return probability

    def _new_gateway(self) -> str:
        while True:
            node_id = f"and_r{next(self._ids)}"
            if node_id not in self.nodes:
                self.nodes[node_id] = Gateway(node_id, GatewayKind.PARALLEL)
                return node_id

    # -- tidy and build --------------------------------------------------------------------
    def build(self) -> ServiceProcess:
        """Tidy degenerate structure and return the edited process (validated)."""
        while self._drop_empty_loop() or self._drop_empty_branch() or self._drop_pass_through():
            pass
        return self.process.evolve(nodes=list(self.nodes.values()), flows=list(self.flows.values()))

    def _gateway(self, node_id: str, kind: GatewayKind | None = None) -> bool:
        node = self.nodes[node_id]
        return isinstance(node, Gateway) and (kind is None or node.kind is kind)

    def _drop_pass_through(self) -> bool:
        for node_id in list(self.nodes):
            ins, outs = self.predecessors(node_id), self.successors(node_id)
            if self._gateway(node_id) and len(ins) == 1 and len(outs) == 1:
                probability = self.flows.pop((ins[0], node_id)).probability
                del self.flows[node_id, outs[0]]
                del self.nodes[node_id]
                self.add_flow(ins[0], outs[0], probability)
                return True
        return False

    def _drop_empty_branch(self) -> bool:
        """A parallel split's direct flow to a join does nothing when other branches exist."""
        for s, t in list(self.flows):
            if (
                self._gateway(s, GatewayKind.PARALLEL)
                and self._gateway(t, GatewayKind.PARALLEL)
                and len(self.successors(s)) > 1
                and len(self.predecessors(t)) > 1
            ):
                del self.flows[s, t]
                return True
        return False

    def _drop_empty_loop(self) -> bool:
        """An exclusive join that leads straight to a split that leads straight back is a loop
        with nothing in it: drop the back flow and scale the other branches up."""
        for j, x in list(self.flows):
            back = self.flows.get((x, j))
            if back is None or not (
                self._gateway(j, GatewayKind.EXCLUSIVE) and self._gateway(x, GatewayKind.EXCLUSIVE)
            ):
                continue
            del self.flows[x, j]
            if back.probability is not None and back.probability < 1.0:
                scale = 1.0 / (1.0 - back.probability)
                for t in self.successors(x):
                    f = self.flows[x, t]
                    if f.probability is not None:
                        self.flows[x, t] = attrs.evolve(f, probability=f.probability * scale)
            return True
        return False


def _merged_probability(source: Node, old: float | None, new: float | None) -> float | None:
    """Two flows between the same nodes become one: exclusive branches add up."""
    if isinstance(source, Gateway) and source.kind is GatewayKind.EXCLUSIVE:
        return None if old is None or new is None else old + new
    return old
