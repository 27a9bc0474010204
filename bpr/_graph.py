"""Graph helpers shared by the modules that walk a process: loops cut at their back flows."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import networkx as nx

from bpr.model import ServiceProcess

Successors = Callable[[str], Iterable[str]]


def back_edges(process: ServiceProcess) -> set[tuple[str, str]]:
    """The flows that close loops: those that reach a node still open in a depth-first walk
    from the start events (successors visited in flow order, so the result is stable).

    Examples
    --------
    >>> from bpr import ServiceProcess, Step, Loop
    >>> p = ServiceProcess.from_blocks("L", Loop(Step("a", "A"), probability=0.5))
    >>> sorted(back_edges(p))
    [('xor2', 'xor1')]
    """
    return forward_walk(process.graph.successors, [s.id for s in process.starts])[1]


def forward_walk(
    successors: Successors, starts: Iterable[str]
) -> tuple[list[str], set[tuple[str, str]]]:
    """The nodes reachable from ``starts`` in an order where every flow but the loops' back
    flows goes forward, and the back flows (as :func:`back_edges`).

    Examples
    --------
    >>> succ = {"a": ["b"], "b": ["c", "a"], "c": []}
    >>> forward_walk(succ.__getitem__, ["a"])
    (['a', 'b', 'c'], {('b', 'a')})
    """
    state: dict[str, int] = {}  # 1 = open (on the walk's path), 2 = done
    back: set[tuple[str, str]] = set()
    done: list[str] = []
    for start in starts:
        stack = [(start, iter(successors(start)))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                done.append(node)
                stack.pop()
            elif state.get(child) == 1:
                back.add((node, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(successors(child))))
    done.reverse()
    return done, back


def acyclic(process: ServiceProcess) -> nx.DiGraph:
    """A copy of the process graph without its loops' back flows."""
    graph = nx.DiGraph(process.graph)
    graph.remove_edges_from(back_edges(process))
    return graph
