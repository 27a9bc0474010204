"""A written procedure from a process model: the first documentation of a service.

Most agencies have never written their service processes down. :func:`document` turns a
:class:`~bpr.ServiceProcess`, or the process discovered from an event log, into a numbered
procedure: for each step, who does it, for which agency, through which channel, the documents
it needs and produces, its legal basis, what the log saw of it, and where a case goes next,
with the branches of every choice ordered by how often they are taken (their probability in
the model, or their observed frequency) and their conditions.

Steps are numbered in reading order: a topological order of the model with its loops' back
flows set aside, ties broken by the order the model lists its nodes in. A route back to an
earlier step is a repetition.

Examples
--------
>>> from bpr import ServiceProcess, Step, Xor
>>> p = ServiceProcess.from_blocks(
...     "Building permit",
...     Step("apply", "Submit application", kind="submit", actor="citizen",
...          agency="Municipality", channel="web", documents_in="ID card;title deed"),
...     Xor(Step("fast", "Fast-track check"), Step("full", "Full review"),
...         probabilities=[0.3, 0.7]),
...     Step("issue", "Issue permit", kind="issue", documents_out="permit"),
... )
>>> procedure = document(p)
>>> print(procedure.markdown.split("### 2.")[0])
# Building permit
<BLANKLINE>
A procedure of 4 steps. Branches are listed from the most to the least frequent.
<BLANKLINE>
### 1. Submit application
<BLANKLINE>
- **Kind:** submit
- **Actor:** citizen
- **Agency:** Municipality
- **Channel:** web
- **Citizen present:** no
- **Documents needed:** ID card; title deed
- **Required by law:** not recorded
- **Next:** one of
  - in 70% of cases: step 3, *Full review*
  - in 30% of cases: step 2, *Fast-track check*
<BLANKLINE>
<BLANKLINE>
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from bpr._read import MODEL_SUFFIXES, read_model
from bpr._steps import presence
from bpr.model import Event, Gateway, GatewayKind, ServiceProcess, Step

if TYPE_CHECKING:
    import pandas as pd

    from bpr.annotate import AnnotationTable
    from bpr.log import EventLog

__all__ = ["Branch", "Procedure", "ProcedureStep", "Route", "document"]


@attrs.frozen
class Branch:
    """One branch of a choice: how often it is taken, on what condition, and where it goes."""

    share: float | None
    condition: str | None
    route: Route


@attrs.frozen
class Route:
    """Where a case goes next.

    ``kind`` is ``"step"`` (to step number ``step``), ``"end"`` (the service is complete),
    ``"choice"`` (exactly one of ``branches``), ``"parallel"`` (all of ``branches``, in any
    order) or ``"join"`` (once every parallel branch is done, on to ``then``).
    """

    kind: Literal["step", "end", "choice", "parallel", "join"]
    step: int | None = None
    branches: tuple[Branch, ...] = ()
    then: Route | None = None


@attrs.frozen
class ProcedureStep:
    """One numbered step of a written procedure; ``None`` where the model does not say."""

    number: int
    id: str
    name: str
    kind: str | None
    actor: str | None
    agency: str | None
    channel: str | None
    citizen_present: bool | None
    mandatory: bool | None
    legal_basis: str | None
    documents_in: tuple[str, ...] | None
    documents_out: tuple[str, ...] | None
    cases: int | None
    events: int | None
    next: Route


@attrs.frozen
class Procedure:
    """A written procedure: a title, a description and numbered steps.

    :attr:`markdown` is the procedure as Markdown text; :meth:`to_html` as an HTML fragment.
    """

    title: str
    description: str | None
    steps: tuple[ProcedureStep, ...]

    @property
    def markdown(self) -> str:
        """The procedure as Markdown: a title, a short introduction, one section per step."""
        names = {s.number: s.name for s in self.steps}
        lines = [f"# {_escape(self.title)}", ""]
        if self.description:
            lines += [_escape(self.description), ""]
        lines += [
            f"A procedure of {len(self.steps)} steps. Branches are listed from the most to the "
            "least frequent.",
            "",
        ]
        for step in self.steps:
            lines += [f"### {step.number}. {_escape(step.name)}", ""]
            lines += [f"- **{label}:** {value}" for label, value in _facts(step)]
            lines += _route_lines(step.next, names, step.number, "- **Next:** ", 0)
            lines.append("")
        return "\n".join(lines) + "\n"

    def to_html(self) -> str:
        """The procedure as an HTML ``<article>`` (no scripts, no external references).

        Examples
        --------
        >>> from bpr import ServiceProcess, Step
        >>> p = ServiceProcess.from_blocks("Card <renewal>", Step("a", "Pay *fee*"))
        >>> html = document(p).to_html()
        >>> "<h1>Card &lt;renewal&gt;</h1>" in html, "Pay *fee*" in html
        (True, True)
        """
        from markdown_it import MarkdownIt

        body = MarkdownIt("commonmark", {"html": False}).render(self.markdown)
        return f'<article class="bpr-procedure" dir="auto">\n{body}</article>\n'

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        return self.markdown


def document(
    process_or_log: ServiceProcess | EventLog | pd.DataFrame | str | os.PathLike[str],
    *,
    annotations: AnnotationTable | None = None,
    method: Literal["inductive", "dfg"] = "inductive",
    noise: float = 0.0,
) -> Procedure:
    """Write the procedure of a service process, or of the process a log shows.

    Parameters
    ----------
    process_or_log
        A :class:`~bpr.ServiceProcess`; a ``.json``, ``.bpmn``, ``.xml`` or ``.pnml`` model
        file; or an event log (an :class:`~bpr.log.EventLog`, a DataFrame or a log file), which
        is first discovered
        with :func:`bpr.discover` (``annotations``, ``method`` and ``noise`` go to it).

    Returns
    -------
    Procedure

    Raises
    ------
    ModelError
        On a bad ``method`` or ``noise``.
    FormatError, LogError
        When the file or log cannot be read.

    Examples
    --------
    >>> import pandas as pd
    >>> events = pd.DataFrame({
    ...     "case": ["1", "1", "2", "2"],
    ...     "activity": ["Pay fee", "Issue card", "Pay fee", "Issue card"],
    ...     "timestamp": pd.date_range("2024-01-01", periods=4, freq="h", tz="UTC"),
    ... })
    >>> [(s.number, s.name, s.cases) for s in document(events).steps]
    [(1, 'Pay fee', 2), (2, 'Issue card', 2)]
    """
    process = _process(process_or_log, annotations, method, noise)
    walker = _Walker(process)
    steps = tuple(
        _procedure_step(process.step(step_id), number, walker)
        for step_id, number in walker.numbers.items()
    )
    return Procedure(process.name, process.description, steps)


def _process(source: Any, annotations: Any, method: Any, noise: float) -> ServiceProcess:
    if isinstance(source, ServiceProcess):
        return source
    if isinstance(source, str | os.PathLike) and Path(source).suffix.lower() in MODEL_SUFFIXES:
        return read_model(source)
    from bpr.discover import discover

    return discover(source, method=method, noise=noise, annotations=annotations)


def _procedure_step(step: Step, number: int, walker: _Walker) -> ProcedureStep:
    stats = step.stats
    return ProcedureStep(
        number=number,
        id=step.id,
        name=step.name,
        kind=None if step.kind is None else str(step.kind),
        actor=None if step.actor is None else str(step.actor),
        agency=step.agency,
        channel=None if step.channel is None else str(step.channel),
        citizen_present=presence(step),
        mandatory=step.mandatory,
        legal_basis=step.legal_basis,
        documents_in=None if step.documents_in is None else tuple(sorted(step.documents_in)),
        documents_out=None if step.documents_out is None else tuple(sorted(step.documents_out)),
        cases=None if stats is None else stats.cases,
        events=None if stats is None else stats.events,
        next=walker.after(step.id),
    )


class _Walker:
    """Walks a process from a step through its gateways to the next steps."""

    def __init__(self, process: ServiceProcess) -> None:
        import networkx as nx

        from bpr._graph import acyclic

        self.process = process
        order = {node.id: i for i, node in enumerate(process.nodes)}
        graph = acyclic(process)
        self.numbers = {
            node_id: number
            for number, node_id in enumerate(
                (
                    n
                    for n in nx.lexicographical_topological_sort(graph, key=order.__getitem__)
                    if isinstance(process.node(n), Step)
                ),
                1,
            )
        }
        # A parallel block ends where all its branches meet again: the split's immediate
        # post-dominator (on the graph without back flows, towards a virtual common end).
        reverse = graph.reverse()
        reverse.add_edges_from(("(end)", e.id) for e in process.ends)
        self.meets = nx.immediate_dominators(reverse, "(end)")

    def after(self, step_id: str) -> Route:
        """Where a case goes after step ``step_id``."""
        # Every node of a valid process leads to an end, so some way out is always found.
        return self.route(self.process.successors(step_id)[0], frozenset(), None) or Route("end")

    def route(self, node_id: str, passed: frozenset[str], stop: str | None) -> Route | None:
        """Where a case that reaches ``node_id`` goes, up to the next steps or the end.

        ``stop`` is the join that ends the parallel branch being walked. ``None`` is a way
        that only returns to a gateway already passed (a loop whose body can be skipped):
        it leads nowhere the other ways do not.
        """
        node = self.process.node(node_id)
        if isinstance(node, Step):
            return Route("step", step=self.numbers[node_id])
        if isinstance(node, Event):
            return Route("end")
        if node_id == stop:
            return Route("join")
        if node_id in passed:
            return None
        passed = passed | {node_id}
        targets = self.process.successors(node_id)
        if len(targets) == 1:
            then = self.route(targets[0], passed, stop)
            if then is None or node.kind is GatewayKind.EXCLUSIVE:
                return then
            return Route("join", then=then)
        if node.kind is GatewayKind.PARALLEL:
            return self.parallel(node_id, targets, passed, stop)
        return self.choice(node, passed, stop)

    def parallel(
        self, node_id: str, targets: list[str], passed: frozenset[str], stop: str | None
    ) -> Route:
        meet = self.meets.get(node_id)
        if not (isinstance(self.process.node(meet), Gateway) and meet not in passed):
            meet = None
        ways = [self.route(t, passed, meet or stop) for t in targets]
        branches = tuple(Branch(None, None, w) for w in ways if w is not None and w != _DONE)
        then = None
        if meet is not None:
            then = self.route(self.process.successors(meet)[0], passed | {meet}, stop)
        return Route("parallel", branches=branches, then=then)

    def choice(self, split: Gateway, passed: frozenset[str], stop: str | None) -> Route | None:
        flows = [self.process.flow(split.id, t) for t in self.process.successors(split.id)]
        counts = [f.frequency for f in flows]
        total = sum(c for c in counts if c is not None)
        found: list[Branch] = []
        for flow in flows:
            share = flow.probability
            if share is None and None not in counts and total > 0:
                share = flow.frequency / total
            route = self.route(flow.target, passed, stop)
            if route is None:
                continue
            if route.kind == "choice" and flow.condition is None:
                # A choice right after a choice is one choice: shares multiply.
                found += [
                    Branch(_times(share, b.share), b.condition, b.route) for b in route.branches
                ]
            else:
                found.append(Branch(share, flow.condition, route))
        branches = _merged(found)
        if len(branches) == 1:
            return branches[0].route
        return Route("choice", branches=branches) if branches else None


_DONE = Route("join")


def _times(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a * b


def _merged(branches: list[Branch]) -> tuple[Branch, ...]:
    """Branches that lead to the same place made one; most frequent first, unknown last."""
    groups: dict[Route, list[Branch]] = {}
    for branch in branches:
        groups.setdefault(branch.route, []).append(branch)
    merged = []
    for route, group in groups.items():
        shares = [b.share for b in group]
        share = None if None in shares else sum(shares)
        conditions = sorted({b.condition for b in group if b.condition})
        merged.append(Branch(share, " or ".join(conditions) or None, route))
    order = sorted(
        range(len(merged)), key=lambda i: (merged[i].share is None, -(merged[i].share or 0.0), i)
    )
    return tuple(merged[i] for i in order)


# -- Markdown ---------------------------------------------------------------------------------

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")


def _escape(text: str) -> str:
    """Text that Markdown shows as written (its punctuation escaped, lines joined)."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _yes_no(value: bool | None) -> str:
    return "not recorded" if value is None else ("yes" if value else "no")


def _documents(names: tuple[str, ...] | None) -> str:
    if names is None:
        return "not recorded"
    return "; ".join(map(_escape, names)) if names else "none"


def _words(value: str | None) -> str:
    return "not recorded" if value is None else value.replace("_", " ")


def _facts(step: ProcedureStep) -> list[tuple[str, str]]:
    facts = [
        ("Actor", _words(step.actor)),
        ("Agency", _escape(step.agency) if step.agency else "not recorded"),
        ("Channel", _words(step.channel)),
    ]
    facts.insert(0, ("Kind", _words(step.kind)))
    facts.append(("Citizen present", _yes_no(step.citizen_present)))
    facts.append(("Documents needed", _documents(step.documents_in)))
    if step.documents_out:
        facts.append(("Produces", "; ".join(map(_escape, step.documents_out))))
    basis = f" ({_escape(step.legal_basis)})" if step.legal_basis else ""
    facts.append(("Required by law", _yes_no(step.mandatory) + basis))
    if step.cases is not None:
        facts.append(("Observed", f"{step.cases:,} cases, {step.events:,} executions"))
    return facts


def _route_lines(
    route: Route, names: dict[int, str], current: int, lead: str, depth: int
) -> list[str]:
    """Markdown list lines for ``route``, the first starting with ``lead``."""
    pad = "  " * depth
    if route.kind in ("step", "end"):
        return [f"{pad}{lead}{_target(route, names, current)}"]
    if route.kind == "join":
        if route.then is None:
            return [f"{pad}{lead}nothing more on this branch"]
        return _route_lines(
            route.then, names, current, f"{lead}once every parallel branch is done, ", depth
        )
    intro = "one of" if route.kind == "choice" else "all of, in any order"
    lines = [f"{pad}{lead}{intro}"]
    for branch in route.branches:
        lines += _route_lines(branch.route, names, current, _branch_lead(branch), depth + 1)
    if route.then is not None:
        lines += _route_lines(route.then, names, current, "- when all are done: ", depth + 1)
    return lines


def _branch_lead(branch: Branch) -> str:
    parts = []
    if branch.share is not None:
        parts.append(f"in {100 * branch.share:.3g}% of cases")
    if branch.condition:
        parts.append(f"if {_escape(branch.condition)}")
    return "- " + (", ".join(parts) + ": " if parts else "")


def _target(route: Route, names: dict[int, str], current: int) -> str:
    if route.kind == "end":
        return "the service is complete"
    assert route.step is not None
    again = " (again)" if route.step <= current else ""
    return f"step {route.step}, *{_escape(names[route.step])}*{again}"
