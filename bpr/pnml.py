"""Petri nets: reading PNML, translating a service process, and what a net's runs allow.

Conformance checking needs three things from a documented model: a workflow net that pm4py can
align a log against, the set of visible labels, and the exact directly-follows pairs the net
can produce. :func:`read_pnml` reads a net from a file, :func:`from_process` translates a
:class:`~bpr.ServiceProcess` into an equivalent net, and :func:`language` explores a net's
reachability graph to answer which visible labels can start or end a complete run, which can
directly follow which (silent transitions in between are invisible, as in an event log), and
which appear in every complete run. Only runs that can still reach the final marking count:
a pair that occurs only on the way to a dead end is not part of the model's language.

Examples
--------
>>> from bpr import And, ServiceProcess, Step
>>> p = ServiceProcess.from_blocks(
...     "Permit", Step("a", "Apply"), And(Step("b", "Police"), Step("c", "Registry")),
...     Step("d", "Issue"))
>>> lang = language(from_process(p))
>>> sorted(lang.follows)
[('Apply', 'Police'), ('Apply', 'Registry'), ('Police', 'Issue'), ('Police', 'Registry'),
 ('Registry', 'Issue'), ('Registry', 'Police')]
>>> sorted(lang.starts), sorted(lang.ends), sorted(lang.required)
(['Apply'], ['Issue'], ['Apply', 'Issue', 'Police', 'Registry'])
"""

from __future__ import annotations

import copy
import itertools
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from bpr._read import check_xml, file_bytes
from bpr.errors import FormatError, ModelError
from bpr.model import Event, EventKind, Gateway, GatewayKind, ServiceProcess, Step

if TYPE_CHECKING:
    from os import PathLike

__all__ = [
    "Language",
    "Net",
    "from_process",
    "language",
    "petri_net",
    "read_pnml",
    "state_machine",
    "to_process",
    "write_pnml",
]

MAX_MARKINGS = 200_000
"""How many reachable markings :func:`language` explores before it calls a net unbounded."""


@attrs.frozen(eq=False, repr=False)
class Net:
    """A workflow net: a pm4py ``PetriNet`` with its initial and final markings.

    Transitions with a ``None`` label are silent. ``net``, ``initial`` and ``final`` are pm4py
    objects, in the order pm4py's conformance functions take them:
    ``pm4py.fitness_token_based_replay(log, net.net, net.initial, net.final)``;
    :meth:`relabel` returns a copy instead of changing them. In Jupyter a net shows itself as
    its drawing (:func:`bpr.render`).

    Examples
    --------
    >>> from bpr import ServiceProcess, Step, Xor, petri_net
    >>> petri_net(ServiceProcess.from_blocks("P", Step("a", "A"), Xor(Step("b", "B"), None)))
    Net('P', 3 places, 3 transitions (1 silent), 6 arcs)
    """

    name: str
    net: Any
    initial: Any
    final: Any

    def __repr__(self) -> str:
        transitions = self.net.transitions
        silent = sum(t.label is None for t in transitions)
        return (
            f"Net({self.name!r}, {len(self.net.places)} places, {len(transitions)} transitions "
            f"({silent} silent), {len(self.net.arcs)} arcs)"
        )

    def _repr_html_(self) -> str | None:
        from bpr._display import draw

        return draw(self)

    @property
    def labels(self) -> frozenset[str]:
        """The visible labels of the net's transitions."""
        return frozenset(t.label for t in self.net.transitions if t.label is not None)

    def relabel(self, label: Callable[[str], str]) -> Net:
        """A copy whose visible transitions carry ``label(old_label)``."""
        net, initial, final = copy.deepcopy((self.net, self.initial, self.final))
        for transition in net.transitions:
            if transition.label is not None:
                transition.label = label(transition.label)
        return Net(self.name, net, initial, final)


@attrs.frozen
class Language:
    """What the complete runs of a net allow, in terms of visible labels.

    Attributes
    ----------
    labels
        Labels that occur in at least one complete run.
    starts, ends
        Labels that can come first, or last, in a complete run.
    follows
        Pairs ``(a, b)`` such that some complete run has ``b`` as the next visible label
        after ``a``.
    required
        Labels that occur in every complete run.
    empty
        Whether a complete run can have no visible label at all.
    """

    labels: frozenset[str]
    starts: frozenset[str]
    ends: frozenset[str]
    follows: frozenset[tuple[str, str]]
    required: frozenset[str]
    empty: bool


# -- reading -------------------------------------------------------------------------------


def read_pnml(path: str | PathLike[str]) -> Net:
    """Read a Petri net with its initial and final markings from a PNML file.

    The XML is parsed with entity resolution and network access off. A file without a final
    marking gets the usual workflow-net one (a token in the single place with no outgoing
    arc); reset and inhibitor arcs, arcs to unknown nodes and nets without an initial marking
    are a :class:`bpr.FormatError`.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "bad.pnml")
    ...     _ = open(path, "w").write("<pnml><net")
    ...     read_pnml(path)
    Traceback (most recent call last):
    ...
    bpr.errors.FormatError: .../bad.pnml is not well-formed XML (...); ...
    """
    from lxml import etree

    path = Path(path)
    data = file_bytes(path, "PNML file")
    parser = etree.XMLParser(
        remove_comments=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise FormatError(
            f"{path} is not well-formed XML ({exc}); export the net again as PNML"
        ) from None
    if root is None:
        raise FormatError(f"{path}: the file is empty; export the net again as PNML")
    check_xml(root, str(path), lambda name: name in ("place", "transition"))
    _check_pnml(path, root)
    net, initial, final = _imported(path, root)
    if not initial:
        raise FormatError(f"{path}: the net has no initial marking; give its source place a token")
    if final is None:
        from pm4py.objects.petri_net.utils import final_marking

        final = final_marking.discover_final_marking(net)
        if sum(final.values()) != 1:
            raise FormatError(
                f"{path}: the net has no final marking and {len(final)} places without outgoing "
                "arcs; add a <finalmarkings> element"
            )
    return Net(path.stem, net, initial, final)


def _imported(path: Path, root: Any) -> tuple[Any, Any, Any]:
    """pm4py's net and markings for a checked PNML tree. pm4py reads numbers and references
    without checking them: what it stumbles on becomes a FormatError naming the file."""
    from pm4py.objects.petri_net.importer.variants import pnml as importer

    try:
        return importer.import_net_from_xml_object(
            root, parameters={importer.Parameters.AUTO_GUESS_FINAL_MARKING: False}
        )
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise FormatError(
            f"{path}: not a PNML net bpr can read ({type(exc).__name__}: {exc}); check the "
            "ids, references and token counts of its places, transitions and markings, or "
            "export the net again"
        ) from None


def _check_pnml(path: Path, root: Any) -> None:
    """Refuse what pm4py's reader would drop silently or misread."""
    nets = [e for e in root.iter() if isinstance(e.tag, str) and _local(e.tag) == "net"]
    if len(nets) != 1:
        raise FormatError(f"{path}: expected one <net> element, found {len(nets)}")
    kinds = {
        e.get("id"): _local(e.tag)
        for e in root.iter()
        if isinstance(e.tag, str) and _local(e.tag) in ("place", "transition") and e.get("id")
    }
    for arc in (e for e in root.iter() if isinstance(e.tag, str) and _local(e.tag) == "arc"):
        ends = (kinds.get(arc.get("source")), kinds.get(arc.get("target")))
        if ends not in (("place", "transition"), ("transition", "place")):
            raise FormatError(
                f"{path}: arc {arc.get('id')!r} joins {arc.get('source')!r} to "
                f"{arc.get('target')!r}; an arc must join a place and a transition that exist"
            )
        for child in arc.iter():
            if isinstance(child.tag, str) and _local(child.tag) == "type":
                raise FormatError(
                    f"{path}: arc {arc.get('id')!r} is a {child.get('value') or 'typed'} arc; "
                    "only ordinary arcs are supported"
                )


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


# -- translating a service process ----------------------------------------------------------


def from_process(process: ServiceProcess, label: Callable[[Step], str] | None = None) -> Net:
    """The workflow net of a service process (BPMN semantics).

    Each step becomes a transition labelled ``label(step)`` (its name by default). An
    exclusive gateway becomes a place, so choosing a branch costs no silent move; a parallel
    gateway becomes a silent transition; a flow that leaves an exclusive split straight into
    another gateway or an end event becomes a silent transition. All start events share the
    source place and all end events the sink place.

    Examples
    --------
    >>> from bpr import ServiceProcess, Step, Xor
    >>> p = ServiceProcess.from_blocks("P", Step("a", "A"), Xor(Step("b", "B"), None))
    >>> net = from_process(p)
    >>> sorted(t.label or "τ" for t in net.net.transitions)
    ['A', 'B', 'τ']
    """
    from pm4py.objects.petri_net.obj import Marking, PetriNet
    from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to

    label = label or (lambda step: step.name)
    net = PetriNet(process.name)
    places = _Places(process)
    pm_places = {key: PetriNet.Place(key) for key in places.all()}
    for place in pm_places.values():
        net.places.add(place)

    def transition(name: str, text: str | None, inputs: Iterable[str], outputs: Iterable[str]):
        t = PetriNet.Transition(name, text)
        net.transitions.add(t)
        for key in inputs:
            add_arc_from_to(pm_places[key], t, net)
        for key in outputs:
            add_arc_from_to(t, pm_places[key], net)

    graph = process.graph
    for node in process.nodes:
        if isinstance(node, Step) or (
            isinstance(node, Gateway) and node.kind is GatewayKind.PARALLEL
        ):
            transition(
                node.id,
                label(node) if isinstance(node, Step) else None,
                [places.of((s, node.id)) for s in graph.predecessors(node.id)],
                [places.of((node.id, t)) for t in graph.successors(node.id)],
            )
    for source, target in places.silent:
        transition(f"{source}->{target}", None, [places.find(source)], [places.find(target)])
    initial = Marking({pm_places[places.find(_SOURCE)]: 1})
    final = Marking({pm_places[places.find(_SINK)]: 1})
    return Net(process.name, net, initial, final)


_SOURCE = "(source)"
_SINK = "(sink)"


class _Places:
    """The places of a process's net: one per exclusive gateway, source, sink, and one per
    flow between steps and parallel gateways; places that must hold the same token are merged.
    """

    def __init__(self, process: ServiceProcess) -> None:
        self._parent: dict[str, str] = {}
        self._flow_place: dict[tuple[str, str], str] = {}
        self.silent: list[tuple[str, str]] = []
        graph = process.graph
        for source, target in graph.edges:
            a, b = graph.nodes[source]["node"], graph.nodes[target]["node"]
            a_place, b_place = self._own_place(a), self._own_place(b)
            if a_place is None and b_place is None:
                self._flow_place[source, target] = self._add(f"{source}->{target}")
            elif a_place is None or b_place is None:
                self._flow_place[source, target] = self._add(a_place or b_place)
            elif graph.out_degree(source) == 1:
                # A token at a node with one way out is as good as a token at its target.
                self._union(a_place, b_place)
            else:
                self.silent.append((a_place, b_place))

    def _own_place(self, node: Any) -> str | None:
        """The place that stands for ``node`` itself, if it is a place-like node."""
        if isinstance(node, Event):
            return self._add(_SOURCE if node.kind is EventKind.START else _SINK)
        if isinstance(node, Gateway) and node.kind is GatewayKind.EXCLUSIVE:
            return self._add(f"({node.id})")
        return None

    def _add(self, key: str) -> str:
        self._parent.setdefault(key, key)
        return key

    def find(self, key: str) -> str:
        while self._parent[key] != key:
            self._parent[key] = self._parent[self._parent[key]]
            key = self._parent[key]
        return key

    def _union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # Keep the source and sink as representatives: the markings are defined on them.
            if ra in (_SOURCE, _SINK):
                ra, rb = rb, ra
            self._parent[ra] = rb

    def of(self, flow: tuple[str, str]) -> str:
        return self.find(self._flow_place[flow])

    def all(self) -> list[str]:
        return sorted({self.find(key) for key in self._parent})


# -- nets for pm4py --------------------------------------------------------------------------


def petri_net(
    process: ServiceProcess, *, form: Literal["workflow", "state_machine"] = "workflow"
) -> Net:
    """The Petri net of a service process, for pm4py or any tool that reads PNML.

    Parameters
    ----------
    process
        Any valid service process.
    form
        ``"workflow"`` (the default) keeps the process's shape: a transition per step, a
        place per exclusive gateway, a silent transition per parallel gateway (see
        :func:`from_process`). ``"state_machine"`` is the smallest deterministic state
        machine with the same complete runs (see :func:`state_machine`): larger and without
        concurrency, but pm4py's token-based replay is exact on it.

    Raises
    ------
    bpr.ModelError
        For an unknown ``form``, or a state machine of a process whose net has more than
        :data:`MAX_MARKINGS` reachable markings.

    Examples
    --------
    >>> from bpr import And, ServiceProcess, Step
    >>> p = ServiceProcess.from_blocks(
    ...     "Permit", Step("a", "Apply"), And(Step("b", "Police"), Step("c", "Registry")))
    >>> sorted(t.label or "τ" for t in petri_net(p).net.transitions)
    ['Apply', 'Police', 'Registry', 'τ', 'τ']
    >>> sorted(t.label or "τ" for t in petri_net(p, form="state_machine").net.transitions)
    ['Apply', 'Police', 'Police', 'Registry', 'Registry']
    """
    if form not in ("workflow", "state_machine"):
        raise ModelError(f"petri_net: unknown form {form!r}; use 'workflow' or 'state_machine'")
    from bpr._pm4py import load

    load()
    net = from_process(process)
    return state_machine(net) if form == "state_machine" else net


def state_machine(net: Net, *, max_markings: int = MAX_MARKINGS) -> Net:
    """The smallest deterministic state machine whose complete runs are those of ``net``.

    The reachability graph of ``net`` (markings from which the final marking can be reached)
    is read as an automaton whose silent moves are empty words, determinised and minimised.
    Each state becomes a place and each labelled move a transition, so a label can sit on
    several transitions but at most one of them is enabled at a time; accepting states other
    than the final place reach it by a silent transition. Replaying a trace needs no search
    through silent transitions, which is where pm4py's token-based replay guesses: on this
    form a trace replays with fitness 1 exactly when it is a complete run of ``net``
    (pm4py skips events whose activity no transition carries, so check those apart). States
    and transitions are numbered breadth first from the initial place, labels in sorted
    order, so the same language gives the same net.

    Raises
    ------
    bpr.ModelError
        When no run of ``net`` completes, or it has more than ``max_markings`` reachable
        markings.

    Examples
    --------
    >>> from bpr import ServiceProcess, Step, Xor
    >>> p = ServiceProcess.from_blocks("P", Step("a", "A"), Xor(Step("b", "B"), None))
    >>> machine = state_machine(from_process(p))
    >>> moves = machine.net.transitions
    >>> sorted((t.label or "τ", [a.source.name for a in t.in_arcs]) for t in moves)
    [('A', ['s0']), ('B', ['s1']), ('τ', ['s1'])]
    >>> [p.name for p in machine.final]
    ['s2']
    """
    from automata.fa.dfa import DFA
    from automata.fa.nfa import NFA
    from pm4py.objects.petri_net.obj import Marking, PetriNet
    from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to

    graph = _ReachabilityGraph(net, max_markings)
    live = graph.live()
    name = {m: f"m{i}" for i, m in enumerate(sorted(live))}
    moves: dict[str, dict[str, set[str]]] = {name[m]: {} for m in live}
    for s, label, t in graph.edges:
        if t in live:
            moves[name[s]].setdefault(label or "", set()).add(name[t])
    dfa = DFA.from_nfa(
        NFA(
            states=set(moves),
            input_symbols={label for s, label, t in graph.edges if label and t in live},
            transitions=moves,
            initial_state=name[graph.initial],
            final_states={name[graph.final]},
        ),
        minify=True,
    )
    order = _bfs_order(
        dfa.initial_state,
        {s: [dfa.transitions[s][a] for a in sorted(dfa.transitions[s])] for s in dfa.states},
    )
    result = PetriNet(net.name)
    places = {state: PetriNet.Place(f"s{i}") for i, state in enumerate(order)}
    # A minimal automaton has at most one accepting state that cannot go on: the final place.
    finals = [s for s in order if s in dfa.final_states and not dfa.transitions[s]]
    final = places[finals[0]] if finals else PetriNet.Place(f"s{len(order)}")
    result.places.update([*places.values(), final])

    def transition(label: str | None, source: Any, target: Any) -> None:
        t = PetriNet.Transition(f"t{len(result.transitions)}", label)
        result.transitions.add(t)
        add_arc_from_to(source, t, result)
        add_arc_from_to(t, target, result)

    for state in order:
        for label in sorted(dfa.transitions[state]):
            transition(label, places[state], places[dfa.transitions[state][label]])
        if state in dfa.final_states and places[state] is not final:
            transition(None, places[state], final)
    return Net(net.name, result, Marking({places[dfa.initial_state]: 1}), Marking({final: 1}))


def write_pnml(net: Net, path: str | PathLike[str] | None = None) -> str:
    """Write ``net`` as PNML (a place/transition net with its initial and final marking).

    Silent transitions carry ProM's ``$invisible$`` mark, which pm4py and ProM read. Places,
    transitions and arcs are written sorted by name, so the same net gives the same bytes.

    Returns
    -------
    str
        The document; also written to ``path`` when one is given.

    Examples
    --------
    >>> from bpr import ServiceProcess, Step, Xor
    >>> net = petri_net(ServiceProcess.from_blocks("P", Step("a", "A"), Xor(Step("b", "B"), None)))
    >>> text = write_pnml(net)
    >>> text.count("<place id="), text.count("<transition "), text.count("$invisible$")
    (3, 3, 1)
    """
    from lxml import etree

    root = etree.Element("pnml")
    element = etree.SubElement(
        root, "net", id="net", type="http://www.pnml.org/version-2009/grammar/pnmlcoremodel"
    )
    _text(element, "name", net.name)
    page = etree.SubElement(element, "page", id="page")
    for place in sorted(net.net.places, key=lambda p: p.name):
        node = etree.SubElement(page, "place", id=place.name)
        _text(node, "name", place.name)
        if net.initial.get(place):
            _text(node, "initialMarking", str(net.initial[place]))
    for transition in sorted(net.net.transitions, key=lambda t: t.name):
        node = etree.SubElement(page, "transition", id=transition.name)
        _text(node, "name", transition.label or transition.name)
        if transition.label is None:
            etree.SubElement(
                node,
                "toolspecific",
                tool="ProM",
                version="6.4",
                activity="$invisible$",
                localNodeID=transition.name,
            )
    arcs = sorted((a.source.name, a.target.name, a.weight) for a in net.net.arcs)
    for i, (source, target, weight) in enumerate(arcs):
        # Numbered: node names may hold "->" themselves, so joined names could clash.
        arc = etree.SubElement(page, "arc", id=f"arc{i}", source=source, target=target)
        if weight != 1:
            _text(arc, "inscription", str(weight))
    marking = etree.SubElement(etree.SubElement(element, "finalmarkings"), "marking")
    for place, tokens in sorted(net.final.items(), key=lambda item: item[0].name):
        _text(etree.SubElement(marking, "place", idref=place.name), None, str(tokens))
    text = etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")
    document = text.decode("utf-8")
    if path is not None:
        from bpr._files import write_file

        write_file(path, document)
    return document


def _text(parent: Any, tag: str | None, value: str) -> None:
    """Append ``<tag><text>value</text></tag>`` (or just ``<text>`` when ``tag`` is None)."""
    from lxml import etree

    holder = parent if tag is None else etree.SubElement(parent, tag)
    etree.SubElement(holder, "text").text = value


def to_process(net: Net) -> ServiceProcess:
    """A service process that draws ``net``: visible transitions become steps.

    A place with several ways in or out becomes an exclusive join or split, a transition with
    several input or output places a parallel join or split; places and silent transitions
    with one way in and one way out become plain flows. The nodes come in breadth-first order
    from the initial place, so the same net gives the same process.

    Raises
    ------
    bpr.ModelError
        When the net is not a workflow net (one initial place with one token, a final marking
        of one token) or has a shape a process cannot express (a node with no way in or out,
        parallel branches that merge in a place).

    Examples
    --------
    >>> from bpr import ServiceProcess, Step, Xor
    >>> p = ServiceProcess.from_blocks("P", Step("a", "A"), Xor(Step("b", "B"), None))
    >>> q = to_process(from_process(p))
    >>> [s.name for s in q.steps], sorted(g.kind.value for g in q.gateways)
    (['A', 'B'], ['exclusive', 'exclusive'])
    """
    from bpr.model import Flow

    shape = _NetShape(net)
    nodes: list[Any] = [Event("start", EventKind.START)]
    flows: list[Flow] = []
    for element in shape.order:
        made, inner = shape.expand(element)
        nodes.extend(made)
        flows.extend(Flow(a, b) for a, b in inner)
    nodes.append(Event("end", EventKind.END))
    pairs = {(shape.exit(a), shape.entry_of(b)) for a, b in shape.arcs if a in shape.kept}
    flows.extend(Flow(a, b) for a, b in sorted(pairs))
    return ServiceProcess(net.name, nodes=nodes, flows=flows)


class _NetShape:
    """The net as a graph of elements (places, transitions, start, end) to turn into nodes."""

    def __init__(self, net: Net) -> None:
        marked = [(p, n) for p, n in net.initial.items() if n]
        final = [(p, n) for p, n in net.final.items() if n]
        if len(marked) != 1 or marked[0][1] != 1 or len(final) != 1 or final[0][1] != 1:
            raise ModelError(
                f"the net {net.name!r} is not a workflow net (one token in one place at the "
                "start and at the end); it cannot be drawn as a process"
            )
        self.label = {t.name: t.label for t in net.net.transitions}
        self.arcs: list[tuple[str, str]] = [("start", f"p:{marked[0][0].name}")]
        self.arcs += [(f"p:{p.name}", "end") for p, _ in final]
        for arc in net.net.arcs:
            source, target = arc.source, arc.target
            if source in net.net.places:
                self.arcs.append((f"p:{source.name}", f"t:{target.name}"))
            else:
                self.arcs.append((f"t:{source.name}", f"p:{target.name}"))
        self.arcs.sort()
        self.ins: dict[str, list[str]] = {}
        self.outs: dict[str, list[str]] = {}
        for a, b in self.arcs:
            self.outs.setdefault(a, []).append(b)
            self.ins.setdefault(b, []).append(a)
        elements = [f"p:{p.name}" for p in net.net.places]
        elements += [f"t:{t.name}" for t in net.net.transitions]
        for element in elements:
            if not self.ins.get(element) or not self.outs.get(element):
                raise ModelError(
                    f"{element[2:]!r} in the net {net.name!r} has no way in or no way out; "
                    "it cannot be drawn as a process"
                )
        self.order = [e for e in _bfs_order("start", self.outs) if e not in ("start", "end")]
        self.kept = {"start"} | {e for e in self.order if not self._passes(e)}

    def _passes(self, element: str) -> bool:
        """Whether the element is only a flow: a place or silent move with one way in and out."""
        return (
            not self._visible(element)
            and len(self.ins[element]) == 1
            and len(self.outs[element]) == 1
        )

    def _gateway(self, element: str, side: str) -> str:
        return f"{'xor' if element.startswith('p:') else 'and'}:{element[2:]}:{side}"

    def expand(self, element: str) -> tuple[list[Any], list[tuple[str, str]]]:
        """The nodes an element becomes and the flows inside it."""
        if element not in self.kept:
            return [], []
        kind = GatewayKind.EXCLUSIVE if element.startswith("p:") else GatewayKind.PARALLEL
        chain: list[Any] = []
        if len(self.ins[element]) > 1:
            chain.append(Gateway(self._gateway(element, "in"), kind))
        if self._visible(element):
            chain.append(Step(element[2:], self.label[element[2:]]))
        if len(self.outs[element]) > 1:
            chain.append(Gateway(self._gateway(element, "out"), kind))
        return chain, [(a.id, b.id) for a, b in itertools.pairwise(chain)]

    def _visible(self, element: str) -> bool:
        return element.startswith("t:") and self.label[element[2:]] is not None

    def entry(self, element: str) -> str:
        if element == "end":
            return "end"
        if len(self.ins[element]) > 1:
            return self._gateway(element, "in")
        return element[2:] if self._visible(element) else self._gateway(element, "out")

    def exit(self, element: str) -> str:
        if element == "start":
            return "start"
        if len(self.outs[element]) > 1:
            return self._gateway(element, "out")
        return element[2:] if self._visible(element) else self._gateway(element, "in")

    def entry_of(self, element: str) -> str:
        """The node a flow into ``element`` ends at, looking through plain flows."""
        seen = set()
        while element not in self.kept and element != "end":
            if element in seen:
                raise ModelError(f"the net has a cycle of silent moves through {element[2:]!r}")
            seen.add(element)
            element = self.outs[element][0]
        return self.entry(element)


def _bfs_order(start: Any, outs: dict[Any, list[Any]]) -> list[Any]:
    order, seen, queue = [], {start}, deque([start])
    while queue:
        element = queue.popleft()
        order.append(element)
        for nxt in outs.get(element, ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return order


# -- language ------------------------------------------------------------------------------


def language(net: Net, *, max_markings: int = MAX_MARKINGS) -> Language:
    """The visible behaviour of the complete runs of ``net``, computed exactly.

    Builds the reachability graph from the initial marking, keeps the markings from which the
    final marking can still be reached, and reads the visible labels off its edges, looking
    through silent moves.

    Raises
    ------
    bpr.ModelError
        When no run reaches the final marking, or the net has more than ``max_markings``
        reachable markings (many concurrent optional branches, or an unbounded net).
    """
    graph = _ReachabilityGraph(net, max_markings)
    live = graph.live()
    edges = [(s, lab, t) for s, lab, t in graph.edges if t in live]
    nexts = _next_visible(live, edges)
    can_end = _closure(graph.final, [(t, s) for s, lab, t in edges if lab is None])
    visible = [(s, lab, t) for s, lab, t in edges if lab is not None]
    labels = frozenset(lab for _, lab, _ in visible)
    return Language(
        labels=labels,
        starts=frozenset(nexts[graph.initial]),
        ends=frozenset(lab for _, lab, t in visible if t in can_end),
        follows=frozenset((lab, b) for _, lab, t in visible for b in nexts[t]),
        required=frozenset(
            lab
            for lab in labels
            if graph.final not in _closure(graph.initial, [(s, t) for s, x, t in edges if x != lab])
        ),
        empty=graph.initial in can_end,
    )


class _ReachabilityGraph:
    """Markings as tuples of token counts, explored breadth first from the initial marking."""

    def __init__(self, net: Net, max_markings: int) -> None:
        places = sorted(net.net.places, key=lambda p: p.name)
        index = {p: i for i, p in enumerate(places)}
        moves = []
        for t in sorted(net.net.transitions, key=lambda t: (t.name, t.label or "")):
            pre = tuple((index[a.source], a.weight) for a in t.in_arcs)
            post = tuple((index[a.target], a.weight) for a in t.out_arcs)
            moves.append((t.label, pre, post))
        self.name = net.name
        self.initial = self._marking(net.initial, index, len(places))
        self.final = self._marking(net.final, index, len(places))
        self.edges: list[tuple[tuple[int, ...], str | None, tuple[int, ...]]] = []
        seen = {self.initial}
        queue = deque([self.initial])
        while queue:
            marking = queue.popleft()
            for label, pre, post in moves:
                if all(marking[i] >= w for i, w in pre):
                    after = list(marking)
                    for i, w in pre:
                        after[i] -= w
                    for i, w in post:
                        after[i] += w
                    target = tuple(after)
                    self.edges.append((marking, label, target))
                    if target not in seen:
                        if len(seen) >= max_markings:
                            raise ModelError(
                                f"the net {net.name!r} has more than {max_markings:,} reachable "
                                "markings: too many for a state machine (a parallel block of "
                                "many optional or repeatable branches has as many markings as "
                                "ways to be part-way through each branch, and an unbounded net "
                                "has no end of them); check conformance with alignments, or "
                                "token replay on the workflow net, instead"
                            )
                        seen.add(target)
                        queue.append(target)
        self.markings = seen

    @staticmethod
    def _marking(marking: Any, index: dict[Any, int], size: int) -> tuple[int, ...]:
        counts = [0] * size
        for place, tokens in marking.items():
            counts[index[place]] = tokens
        return tuple(counts)

    def live(self) -> set[tuple[int, ...]]:
        """The markings from which the final marking can be reached; the initial must be one."""
        live = (
            _closure(self.final, [(t, s) for s, _, t in self.edges])
            if self.final in self.markings
            else set()
        )
        if self.initial not in live:
            raise ModelError(
                f"no run of the net {self.name!r} reaches its final marking; check the final "
                "marking and that every branch can finish"
            )
        return live


def _next_visible(markings: Iterable[Any], edges: list[tuple[Any, str | None, Any]]) -> dict:
    """For each marking, the visible labels that can fire next after zero or more silent moves."""
    import networkx as nx

    silent = nx.DiGraph()
    silent.add_nodes_from(markings)
    direct: dict[Any, set[str]] = {m: set() for m in silent}
    for s, label, t in edges:
        if label is None:
            silent.add_edge(s, t)
        else:
            direct[s].add(label)
    # Markings joined by silent cycles see the same labels: solve on the condensation.
    condensed = nx.condensation(silent)
    members = condensed.graph["mapping"]
    reach: dict[int, set[str]] = {}
    for component in reversed(list(nx.topological_sort(condensed))):
        labels = set().union(*(direct[m] for m in condensed.nodes[component]["members"]))
        for successor in condensed.successors(component):
            labels |= reach[successor]
        reach[component] = labels
    return {m: reach[members[m]] for m in silent}


def _closure(start: Any, pairs: Iterable[tuple[Any, Any]]) -> set[Any]:
    """Everything reachable from ``start`` along the directed ``pairs``."""
    out: dict[Any, list[Any]] = {}
    for s, t in pairs:
        out.setdefault(s, []).append(t)
    found = {start}
    queue = deque([start])
    while queue:
        for t in out.get(queue.popleft(), ()):
            if t not in found:
                found.add(t)
                queue.append(t)
    return found
