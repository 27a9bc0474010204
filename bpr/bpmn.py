"""BPMN 2.0 XML in and out.

:func:`write_bpmn` writes a :class:`~bpr.ServiceProcess` as a BPMN 2.0 file that bpmn.io,
Camunda Modeler and pm4py open: one process (in a pool with one lane per agency when agencies
are known) and a ``bpmndi`` diagram laid out left to right. Every typed field of a step and
the probability and frequency of a flow go into ``extensionElements`` under the namespace
``https://govbpr.org/schema/bpmn/1`` (prefix ``bpr``), so :func:`read_bpmn` gives back an equal
process. The diagram is a longest-path layering of the graph with the back edges of loops set
aside: each step, gateway or event sits one column right of the furthest node that flows into
it, in the lane of its agency.

:func:`read_bpmn` also reads files written by other tools and turns them into the stricter
model of :mod:`bpr.model` (a step has one incoming and one outgoing flow, gateways split or
join, every node lies on a path from a start to an end):

* tasks of every type, call activities, collapsed sub-processes and intermediate events
  become steps; a ``serviceTask``, ``scriptTask`` or ``businessRuleTask`` says the actor is
  the system (the last one also that the step is rule based), a timer event is a step of kind
  ``wait``, any other intermediate event a step of kind ``other``; an element with no name is
  named by its id;
* a sub-process with content is flattened: the flows into it go to its start events, the
  flows out of it leave from its end events;
* the name of a lane becomes the ``agency`` of the steps in it (innermost lane wins; steps in
  a sub-process inherit the sub-process's lane);
* an activity or event with several outgoing flows starts a parallel split, as BPMN says; one
  with several incoming flows gets an exclusive join before it; a gateway with several
  incoming and several outgoing flows becomes a join followed by a split of its kind; a
  gateway with one incoming and one outgoing flow is dropped, its flows joined into one;
  event-based gateways become exclusive gateways;
* the condition of a flow is its label (``name``), else the text of its
  ``conditionExpression``; branch probabilities come from the ``bpr`` extension or from BIMP
  (QBP) simulation data, which also gives a step's ``duration`` (the mean of its processing
  time distribution, whose parameters BIMP stores in seconds); a probability on a flow that
  does not leave an exclusive split is not kept, since the model has no place for it;
* terminate, error and other end events are ends; start events of any trigger are starts.

The ``bpr`` extension of a step is one ``bpr:step`` element whose attributes are the step's
fields in camelCase (``citizenPresent="true"``, ``kind="pay"``, ``duration`` in decimal
seconds); an unknown field is left out. Document sets are ``bpr:item`` children of
``bpr:documentsIn`` and ``bpr:documentsOut`` (an empty element: no documents), observed
statistics a nested ``bpr:stats`` element, and where the typed fields came from
``bpr:item`` children of ``bpr:sources``. A flow's
probability and frequency are attributes of ``bpr:flow``. A node id that is not an XML name
(Persian letters, spaces, a leading digit) is written as ``bpr:id`` beside a generated one.
When a step carries ``bpr:step``, its fields come from there and its lane is not read.

What the model cannot express is a :class:`~bpr.FormatError` naming the element: inclusive
and complex gateways (an OR choice has no exact translation to exclusive and parallel
gateways, so the analyst should decide it), boundary events, event and ad-hoc
sub-processes, link events, looping and multi-instance activities, conditional flows leaving
an activity (they mean an inclusive choice), and files with several pools that hold
processes. Documents with a DOCTYPE are refused before anything is read from them, which
stops entity-expansion and external-entity attacks.

Examples
--------
>>> from bpr import ServiceProcess, Step, Xor
>>> p = ServiceProcess.from_blocks(
...     "Licence",
...     Step("apply", "Apply", kind="submit", agency="Municipality", channel="web"),
...     Xor(Step("visit", "Inspect site", kind="verify", citizen_present=True), None,
...         probabilities=[0.4, 0.6]),
...     Step("issue", "Issue licence", kind="issue", agency="Municipality"),
... )
>>> text = write_bpmn(p)
>>> read_bpmn(text) == p
True
>>> write_bpmn(read_bpmn(text)) == text
True
>>> '<lane id="bpr_lane1" name="Municipality">' in text
True
"""

from __future__ import annotations

import enum
import functools
import itertools
import os
import re
import types
import typing
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import networkx as nx

from bpr._read import check_xml, file_bytes
from bpr.errors import FormatError, ModelError
from bpr.model import (
    Actor,
    Event,
    EventKind,
    Flow,
    Gateway,
    GatewayKind,
    Node,
    ServiceProcess,
    Step,
    StepKind,
)

if TYPE_CHECKING:
    from lxml import etree

__all__ = ["BPR_NAMESPACE", "read_bpmn", "write_bpmn"]

BPR_NAMESPACE = "https://govbpr.org/schema/bpmn/1"
MODEL_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
QBP_NS = "http://www.qbp-simulator.com/Schema201212"


def _m(tag: str) -> str:
    return f"{{{MODEL_NS}}}{tag}"


def _b(tag: str) -> str:
    return f"{{{BPR_NAMESPACE}}}{tag}"


# ==========================================================================================
# Reading
# ==========================================================================================

_TASKS = {
    "task",
    "userTask",
    "manualTask",
    "serviceTask",
    "scriptTask",
    "businessRuleTask",
    "sendTask",
    "receiveTask",
    "callActivity",
}
_SYSTEM_TASKS = {"serviceTask", "scriptTask", "businessRuleTask"}
_SUBPROCESSES = {"subProcess", "transaction"}
_INTERMEDIATE_EVENTS = {"intermediateCatchEvent", "intermediateThrowEvent"}
_GATEWAYS = {
    "exclusiveGateway": GatewayKind.EXCLUSIVE,
    "eventBasedGateway": GatewayKind.EXCLUSIVE,
    "parallelGateway": GatewayKind.PARALLEL,
}
# Content of a process that carries no control flow.
_NOT_FLOW = {
    "documentation",
    "extensionElements",
    "incoming",
    "outgoing",
    "dataInputAssociation",
    "dataOutputAssociation",
    "auditing",
    "monitoring",
    "property",
    "laneSet",
    "ioSpecification",
    "ioBinding",
    "association",
    "textAnnotation",
    "group",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
    "resourceRole",
    "performer",
    "humanPerformer",
    "potentialOwner",
    "correlationSubscription",
    "supports",
}
_UNSUPPORTED = {
    "inclusiveGateway": "inclusive (OR) gateways are not supported; decide which branches can "
    "run together and model them with exclusive and parallel gateways",
    "complexGateway": "complex gateways are not supported; model the rule with exclusive and "
    "parallel gateways",
    "boundaryEvent": "boundary events are not supported; model the exception path with an "
    "exclusive gateway after the activity",
    "adHocSubProcess": "ad-hoc sub-processes have no order to read; model their order with "
    "sequence flows",
    "standardLoopCharacteristics": "looping activities are not supported; model the loop with "
    "exclusive gateways",
    "multiInstanceLoopCharacteristics": "multi-instance activities are not supported; model "
    "the repetition with gateways",
    "linkEventDefinition": "link events are not supported; connect the two ends with a "
    "sequence flow",
}


# Children that make their parent element unsupported.
_UNSUPPORTED_MARKERS = {
    "standardLoopCharacteristics",
    "multiInstanceLoopCharacteristics",
    "linkEventDefinition",
}


@attrs.define
class _Link:
    """A sequence flow while the graph is being normalised."""

    order: tuple[int, ...]
    condition: str | None = None
    probability: float | None = None
    frequency: int | None = None
    conditional: bool = False


@attrs.frozen
class _Raw:
    """A node while the graph is being normalised: ``role`` is step, start, end, exclusive,
    parallel or link (a place where a sub-process was, or one of its inner events)."""

    role: str
    what: str
    order: tuple[int, ...]
    model_id: str
    value: Node | None = None


def read_bpmn(source: str | os.PathLike[str]) -> ServiceProcess:
    """Read a BPMN 2.0 file (or XML text) as a service process.

    Parameters
    ----------
    source
        A path to a ``.bpmn`` file, or the XML text itself (a string starting with ``<``).

    Returns
    -------
    ServiceProcess
        The process, made explicit as the module docstring explains.

    Raises
    ------
    FormatError
        The file is missing, is not well-formed BPMN 2.0 XML, has a DOCTYPE, or uses an
        element the model cannot express; the message names the file and the element.

    Examples
    --------
    >>> xml = '''<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
    ...   <process id="p" name="Permit">
    ...     <startEvent id="s"/><userTask id="a" name="Apply"/>
    ...     <serviceTask id="b" name="Check registry"/><endEvent id="e"/>
    ...     <sequenceFlow id="f1" sourceRef="s" targetRef="a"/>
    ...     <sequenceFlow id="f2" sourceRef="a" targetRef="b"/>
    ...     <sequenceFlow id="f3" sourceRef="b" targetRef="e"/>
    ...   </process>
    ... </definitions>'''
    >>> p = read_bpmn(xml)
    >>> [(s.name, s.actor) for s in p.steps]
    [('Apply', None), ('Check registry', <Actor.SYSTEM: 'system'>)]
    >>> read_bpmn(xml.replace("serviceTask", "inclusiveGateway"))
    Traceback (most recent call last):
    ...
    bpr.errors.FormatError: <bpmn text>: <inclusiveGateway id='b' name='Check registry'>: ...
    """
    where, root = _load(source)
    return _Reader(where, root).process()


def _load(source: str | os.PathLike[str]) -> tuple[str, etree._Element]:
    from lxml import etree

    if isinstance(source, str) and source.lstrip().startswith("<"):
        # Half a character (a lone surrogate) passes through, for the parser to refuse.
        where, data = "<bpmn text>", source.encode("utf-8", "surrogatepass")
    else:
        path = Path(source)
        where, data = str(path), file_bytes(path, "BPMN 2.0 file")
    # No DTDs, no entity expansion, no network: a BPMN file never needs them.
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise FormatError(f"{where}: not well-formed XML ({exc})") from None
    if root.getroottree().docinfo.doctype:
        raise FormatError(
            f"{where}: the file has a DOCTYPE declaration, which BPMN files never need and "
            "which can hide entity attacks; remove it"
        )
    if root.tag != _m("definitions"):
        raise FormatError(
            f"{where}: not a BPMN 2.0 file (the root element is {_local(root.tag)!r}, not "
            f"'definitions' in namespace {MODEL_NS})"
        )
    check_xml(root, where, _is_flow_node)
    return where, root


def _is_flow_node(name: str) -> bool:
    """A BPMN element that becomes a node of the process (a task, an event, a gateway...)."""
    return name.endswith(("Task", "task", "Event", "Gateway", "subProcess", "callActivity"))


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _describe(element: etree._Element) -> str:
    name = element.get("name")
    named = f" name={name!r}" if name else ""
    return f"<{_local(element.tag)} id={element.get('id')!r}{named}>"


def _bpmn_children(element: etree._Element) -> Iterator[etree._Element]:
    for child in element:
        if isinstance(child.tag, str) and child.tag.startswith(f"{{{MODEL_NS}}}"):
            yield child


class _Reader:
    """Reads one document: collects the nodes and flows of its process, then normalises."""

    def __init__(self, where: str, root: etree._Element) -> None:
        self.where = where
        self.root = root
        self.graph = nx.MultiDiGraph()
        self.counter = itertools.count()
        self.entry: dict[str, str] = {}  # a flattened sub-process -> where its flows go in
        self.exit: dict[str, str] = {}  # ... and where they leave
        self.sequence_flows: list[etree._Element] = []
        self.lanes: dict[str, str | None] = {}
        self.probabilities, self.durations = _simulation_data(root, self.error)

    def error(self, element: etree._Element | None, message: str) -> FormatError:
        what = f" {_describe(element)}:" if element is not None else ""
        return FormatError(f"{self.where}:{what} {message}")

    # -- collecting ------------------------------------------------------------------------
    def process(self) -> ServiceProcess:
        process = self._the_process()
        self.lanes = _lane_names(process)
        self._collect(process, lane=None, inside=None)
        for index, flow in enumerate(self.sequence_flows):
            self._add_flow(flow, index)
        _Normaliser(self).run()
        description = process.find(_m("documentation"))
        try:
            return ServiceProcess(
                self._name(process),
                nodes=self._nodes(),
                flows=self._flows(),
                description=None if description is None else description.text or "",
            )
        except ModelError as exc:
            raise FormatError(f"{self.where}: {exc}") from None

    def _the_process(self) -> etree._Element:
        found = [
            p
            for p in self.root.findall(_m("process"))
            if any(_local(c.tag) not in _NOT_FLOW for c in _bpmn_children(p))
        ]
        if len(found) > 1:
            raise self.error(
                found[1],
                f"the file holds {len(found)} processes with content; bpr reads one process "
                "per file: save each pool as its own file",
            )
        if not found:
            raise FormatError(f"{self.where}: the file has no process with flow elements")
        return found[0]

    def _name(self, process: etree._Element) -> str:
        participants = [
            p.get("name")
            for p in self.root.iter(_m("participant"))
            if p.get("processRef") == process.get("id")
        ]
        for name in (process.get("name"), *participants, self.root.get("name")):
            if name and name.strip():
                return name
        return Path(self.where).stem if self.where != "<bpmn text>" else "process"

    def _collect(self, container: etree._Element, lane: str | None, inside: str | None) -> None:
        for child in _bpmn_children(container):
            tag = _local(child.tag)
            if tag == "sequenceFlow":
                self.sequence_flows.append(child)
                continue
            if tag in _NOT_FLOW:
                continue
            if not child.get("id"):
                raise self.error(child, "the element has no id; give it one")
            self._check_supported(child, tag)
            here = self.lanes.get(child.get("id"), lane)
            if tag in _SUBPROCESSES and _has_content(child):
                self._flatten(child, here)
            elif tag in _TASKS or tag in _SUBPROCESSES or tag in _INTERMEDIATE_EVENTS:
                self._add(child, "step", self._step(child, tag, here))
            elif tag in ("startEvent", "endEvent"):
                self._event(child, tag, inside)
            elif tag in _GATEWAYS:
                gateway = Gateway(_model_id(child), _GATEWAYS[tag], child.get("name"))
                self._add(child, gateway.kind.value, gateway)
            else:
                raise self.error(child, "bpr cannot read this element; remove it or replace it")

    def _check_supported(self, element: etree._Element, tag: str) -> None:
        if tag in _UNSUPPORTED:
            raise self.error(element, _UNSUPPORTED[tag])
        if element.get("triggeredByEvent") == "true":
            raise self.error(element, "event sub-processes are not supported; remove it")
        for child in _bpmn_children(element):
            if _local(child.tag) in _UNSUPPORTED_MARKERS:
                raise self.error(element, _UNSUPPORTED[_local(child.tag)])

    def _add(self, element: etree._Element, role: str, value: Node | None = None) -> str:
        key = element.get("id")
        if key in self.graph:
            raise self.error(element, "the id is used twice; ids must be unique")
        model_id = value.id if value is not None else key
        self._add_raw(key, _Raw(role, _describe(element), (next(self.counter),), model_id, value))
        return key

    def _add_raw(self, key: str, raw: _Raw) -> None:
        self.graph.add_node(key, raw=raw)

    def _step(self, element: etree._Element, tag: str, lane: str | None) -> Step:
        name = element.get("name") or ""
        name = name if name.strip() else element.get("id")
        extension = element.find(f"{_m('extensionElements')}/{_b('step')}")
        try:
            if extension is not None:
                return _decode(extension, Step, id=_model_id(element), name=name)
            timer = element.find(_m("timerEventDefinition")) is not None
            return Step(
                _model_id(element),
                name,
                kind=StepKind.WAIT if timer else StepKind.OTHER,
                actor=Actor.SYSTEM if tag in _SYSTEM_TASKS else None,
                agency=lane,
                rule_based=tag == "businessRuleTask",
                duration=self.durations.get(element.get("id")),
            )
        except (ValueError, TypeError) as exc:
            raise self.error(element, f"bad step data ({exc})") from None

    def _event(self, element: etree._Element, tag: str, inside: str | None) -> None:
        if inside is None:
            kind = EventKind.START if tag == "startEvent" else EventKind.END
            self._add(element, kind.value, Event(_model_id(element), kind, element.get("name")))
            return
        # Inside a flattened sub-process the events only say where its flows go in and out.
        key = self._add(element, "link")
        if tag == "startEvent":
            self.graph.add_edge(self.entry[inside], key, link=_Link(self._order()))
        else:
            self.graph.add_edge(key, self.exit[inside], link=_Link(self._order()))

    def _flatten(self, element: etree._Element, lane: str | None) -> None:
        key = element.get("id")
        if key in self.entry or key in self.graph:
            raise self.error(element, "the id is used twice; ids must be unique")
        model_id, what = _model_id(element), _describe(element)
        self.entry[key], self.exit[key] = f"{key}#in", f"{key}#out"
        self._add_raw(self.entry[key], _Raw("link", what, (next(self.counter),), model_id))
        self._collect(element, lane, inside=key)
        self._add_raw(self.exit[key], _Raw("link", what, (next(self.counter),), model_id))

    def _order(self) -> tuple[int, ...]:
        return (len(self.sequence_flows), next(self.counter))

    def _add_flow(self, element: etree._Element, index: int) -> None:
        ends = []
        for ref, moved in (("sourceRef", self.exit), ("targetRef", self.entry)):
            target = element.get(ref)
            target = moved.get(target, target)
            if target not in self.graph:
                raise self.error(element, f"{ref} {element.get(ref)!r} is not a node bpr read")
            ends.append(target)
        expression = element.find(_m("conditionExpression"))
        expression_text = (expression.text or "").strip() if expression is not None else ""
        probability = self.probabilities.get(element.get("id"))
        if probability is not None and _is_number(expression_text, probability):
            expression_text = ""  # BIMP repeats the branch probability as the condition
        link = _Link(
            (index,),
            condition=element.get("name") or expression_text or None,
            probability=probability,
            conditional=expression is not None,
        )
        extension = element.find(f"{_m('extensionElements')}/{_b('flow')}")
        if extension is not None:
            try:
                data = _decode(extension, Flow, source="", target="")
            except (ValueError, TypeError) as exc:
                raise self.error(element, f"bad flow data ({exc})") from None
            link.probability, link.frequency = data.probability, data.frequency
        self.graph.add_edge(*ends, link=link)

    # -- results ---------------------------------------------------------------------------
    def _nodes(self) -> list[Node]:
        raws = sorted((r for _, r in self.graph.nodes(data="raw")), key=lambda r: r.order)
        return [r.value for r in raws if r.value is not None]

    def _flows(self) -> list[Flow]:
        flows = []
        for source, target, link in self.graph.edges(data="link"):
            raw = self.graph.nodes[source]["raw"]
            branch = raw.role == GatewayKind.EXCLUSIVE.value and self.graph.out_degree(source) > 1
            flow = Flow(
                raw.model_id,
                self.graph.nodes[target]["raw"].model_id,
                link.probability if branch else None,
                link.frequency,
                link.condition,
            )
            flows.append((link.order, flow))
        return [f for _, f in sorted(flows, key=lambda pair: pair[0])]


def _is_number(text: str, value: float) -> bool:
    try:
        return float(text) == value
    except ValueError:
        return False


def _model_id(element: etree._Element) -> str:
    # bpr writes ids that are not XML names (Persian, spaces) into bpr:id.
    return element.get(_b("id")) or element.get("id")


def _has_content(element: etree._Element) -> bool:
    return any(_local(c.tag) not in _NOT_FLOW for c in _bpmn_children(element))


def _lane_names(process: etree._Element) -> dict[str, str | None]:
    """Flow node id -> the name of its innermost lane (``None`` for a lane with no name)."""
    names: dict[str, str | None] = {}
    # iter() visits outer lanes before the lanes nested in them, so inner names win.
    for lane in process.iter(_m("lane")):
        name = lane.get("name")
        for ref in lane.findall(_m("flowNodeRef")):
            names[(ref.text or "").strip()] = name if name and name.strip() else None
    return names


# Mean of each BIMP distribution, from its parameters (BIMP stores times in seconds).
_MEANS = {
    "FIXED": lambda mean, a, b: mean,
    "NORMAL": lambda mean, a, b: mean,
    "LOGNORMAL": lambda mean, a, b: mean,
    "GAMMA": lambda mean, a, b: mean,
    "EXPONENTIAL": lambda mean, a, b: a,
    "UNIFORM": lambda mean, a, b: (a + b) / 2,
    "TRIANGULAR": lambda mean, a, b: (mean + a + b) / 3,
}


def _simulation_data(
    root: etree._Element, error: Any
) -> tuple[dict[str, float], dict[str, timedelta]]:
    """Branch probabilities and mean task durations from BIMP (QBP) simulation data."""
    probabilities: dict[str, float] = {}
    durations: dict[str, timedelta] = {}
    for flow in root.iter(f"{{{QBP_NS}}}sequenceFlow"):
        try:
            probabilities[flow.get("elementId")] = float(flow.get("executionProbability"))
        except (TypeError, ValueError):
            raise error(flow, "the simulation data has no numeric executionProbability") from None
    for element in root.iter(f"{{{QBP_NS}}}element"):
        distribution = element.find(f"{{{QBP_NS}}}durationDistribution")
        mean = _MEANS.get(distribution.get("type", "")) if distribution is not None else None
        if mean is None:
            continue
        try:
            params = [float(distribution.get(k, "0")) for k in ("mean", "arg1", "arg2")]
        except ValueError:
            raise error(element, "the simulation data has a non-numeric duration") from None
        durations[element.get("elementId")] = timedelta(seconds=mean(*params))
    return probabilities, durations


class _Normaliser:
    """Makes the collected graph obey the model's rules (see the module docstring)."""

    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.graph = reader.graph
        self.used = {raw.model_id for _, raw in self.graph.nodes(data="raw")}

    def raw(self, key: str) -> _Raw:
        return self.graph.nodes[key]["raw"]

    def run(self) -> None:
        self.simplify()
        for key in list(self.graph):
            self.make_explicit(key)
        self.simplify()
        self.check_degrees()

    def simplify(self) -> None:
        """Drop pass-through gateways and links and merge the duplicate flows that leaves."""
        changed = True
        while changed:
            changed = False
            for key in list(self.graph):
                role = self.raw(key).role
                if role in ("link", "exclusive", "parallel") and self.passes_through(key):
                    self.splice(key)
                    changed = True
            changed |= self.merge_duplicates()

    def passes_through(self, key: str) -> bool:
        graph = self.graph
        return (
            graph.in_degree(key) == 1
            and graph.out_degree(key) == 1
            and not graph.has_edge(key, key)
        )

    def splice(self, key: str) -> None:
        (source, _, before), *_ = self.graph.in_edges(key, data="link")
        (_, target, after), *_ = self.graph.out_edges(key, data="link")
        self.graph.remove_node(key)
        merged = _Link(
            before.order,
            before.condition if before.condition is not None else after.condition,
            before.probability if before.probability is not None else after.probability,
            before.frequency if before.frequency is not None else after.frequency,
            before.conditional or after.conditional,
        )
        self.graph.add_edge(source, target, link=merged)

    def merge_duplicates(self) -> bool:
        groups: dict[tuple[str, str], list[_Link]] = defaultdict(list)
        for source, target, link in self.graph.edges(data="link"):
            groups[source, target].append(link)
        merged = False
        for (source, target), links in groups.items():
            if len(links) > 1:
                while self.graph.has_edge(source, target):
                    self.graph.remove_edge(source, target)
                self.graph.add_edge(source, target, link=_merge_links(links))
                merged = True
        return merged

    def make_explicit(self, key: str) -> None:
        raw, graph = self.raw(key), self.graph
        n_in, n_out = graph.in_degree(key), graph.out_degree(key)
        if raw.role in ("step", "link") and n_in > 1:
            self.insert(key, GatewayKind.EXCLUSIVE, before=True)
        if raw.role in ("exclusive", "parallel") and n_in > 1 and n_out > 1:
            self.insert(key, GatewayKind(raw.role), before=True)
        if raw.role in ("step", "link", "start") and n_out > 1:
            if any(link.conditional for _, _, link in graph.out_edges(key, data="link")):
                raise FormatError(
                    f"{self.reader.where}: {raw.what}: conditional flows leave the activity, "
                    "which means an inclusive choice; bpr does not support it: put an "
                    "exclusive or parallel gateway after the activity"
                )
            self.insert(key, GatewayKind.PARALLEL, before=False)

    def insert(self, key: str, kind: GatewayKind, *, before: bool) -> None:
        raw = self.raw(key)
        suffix = "join" if before else "split"
        model_id = self.fresh_id(f"{raw.model_id}_{suffix}")
        order = (*raw.order, -1 if before else 1)
        new = f"{key}#{suffix}"
        gateway = Gateway(model_id, kind)
        self.graph.add_node(new, raw=_Raw(kind.value, raw.what, order, model_id, gateway))
        edges = list(
            self.graph.in_edges(key, data="link")
            if before
            else self.graph.out_edges(key, data="link")
        )
        for source, target, link in edges:
            self.graph.remove_edge(source, target)
            if before:
                self.graph.add_edge(source, new, link=link)
            else:
                self.graph.add_edge(new, target, link=link)
        first = min(link.order for _, _, link in edges)
        link = _Link((*first, 0))
        self.graph.add_edge(*((new, key) if before else (key, new)), link=link)

    def fresh_id(self, wanted: str) -> str:
        candidate = wanted
        for n in itertools.count(2):
            if candidate not in self.used:
                break
            candidate = f"{wanted}{n}"
        self.used.add(candidate)
        return candidate

    def check_degrees(self) -> None:
        for key in self.graph:
            raw = self.raw(key)
            if raw.role != "start" and self.graph.in_degree(key) == 0:
                problem = "no incoming sequence flow"
            elif raw.role != "end" and self.graph.out_degree(key) == 0:
                problem = "no outgoing sequence flow"
            elif raw.role == "link":
                problem = "a flow that bpr cannot follow through it"
            else:
                continue
            raise FormatError(
                f"{self.reader.where}: {raw.what}: the element has {problem}; connect it so "
                "that it lies on a path from a start event to an end event"
            )


def _merge_links(links: list[_Link]) -> _Link:
    """One flow for several between the same two nodes (two empty branches of one choice)."""
    probabilities = [link.probability for link in links]
    frequencies = [link.frequency for link in links]
    conditions = list(dict.fromkeys(link.condition for link in links if link.condition))
    return _Link(
        min(link.order for link in links),
        " or ".join(conditions) or None,
        sum(probabilities) if None not in probabilities else None,
        sum(frequencies) if None not in frequencies else None,
        any(link.conditional for link in links),
    )


# ==========================================================================================
# The bpr extension: typed fields as XML attributes and child elements
# ==========================================================================================


@functools.cache
def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    """The type of each field, with ``X | None`` reduced to ``X``."""
    bare = {}
    for name, hint in typing.get_type_hints(cls).items():
        if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
            hint = next(a for a in typing.get_args(hint) if a is not type(None))
        bare[name] = hint
    return bare


def _encode(value: Any, tag: str, skip: Iterable[str] = ()) -> etree._Element:
    """An element holding the fields of attrs instance ``value`` (``None`` fields left out)."""
    from lxml import etree

    element = etree.Element(tag)
    for field in attrs.fields(type(value)):
        item = getattr(value, field.name)
        if field.name in skip or not field.init or item is None:
            continue
        key = _camel(field.name)
        if attrs.has(type(item)):
            element.append(_encode(item, _b(key)))
        elif isinstance(item, frozenset):
            # An empty set is written too: "no documents" is known, unlike a missing element.
            holder = etree.SubElement(element, _b(key))
            for text in sorted(item):
                etree.SubElement(holder, _b("item")).text = text
        elif isinstance(item, tuple):
            if item:
                holder = etree.SubElement(element, _b(key))
                for member in item:
                    if attrs.has(type(member)):
                        holder.append(_encode(member, _b("item")))
                    else:
                        etree.SubElement(holder, _b("item")).text = _scalar_text(member)
        else:
            element.set(key, _scalar_text(item))
    return element


def _decode(element: etree._Element, cls: type, **given: Any) -> Any:
    """The attrs instance of ``cls`` that :func:`_encode` wrote as ``element``."""
    values = dict(given)
    for field in attrs.fields(cls):
        if field.name in values or not field.init:
            continue
        kind, key = _field_types(cls)[field.name], _camel(field.name)
        if attrs.has(kind):
            child = element.find(_b(key))
            if child is not None:
                values[field.name] = _decode(child, kind)
        elif typing.get_origin(kind) is frozenset:
            holder = element.find(_b(key))
            if holder is not None:
                values[field.name] = frozenset(i.text or "" for i in holder.iter(_b("item")))
        elif typing.get_origin(kind) is tuple:
            holder = element.find(_b(key))
            if holder is not None:
                member = typing.get_args(kind)[0]
                items = holder.iterchildren(_b("item"))
                values[field.name] = tuple(
                    _decode(i, member)
                    if attrs.has(member)
                    else _parse_scalar(i.text or "", member, f"{key} item")
                    for i in items
                )
        elif element.get(key) is not None:
            values[field.name] = _parse_scalar(element.get(key), kind, key)
    return cls(**values)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, timedelta):
        return _seconds_text(value)
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _parse_scalar(text: str, kind: Any, key: str) -> Any:
    if kind is bool:
        if text.strip() not in ("true", "false", "1", "0"):
            raise ValueError(f"{key}={text!r} is not true or false")
        return text.strip() in ("true", "1")
    if kind is timedelta:
        try:
            micro = Decimal(text) * 1_000_000
        except InvalidOperation:
            raise ValueError(f"{key}={text!r} is not a number of seconds") from None
        return timedelta(microseconds=int(micro.to_integral_value()))
    if kind in (int, float):
        return kind(text)
    if isinstance(kind, type) and issubclass(kind, str):  # text, and StrEnum values
        return text
    raise TypeError(f"{key}: bpr cannot read fields of type {kind!r} from BPMN")


def _seconds_text(value: timedelta) -> str:
    """Exact decimal seconds (a float would lose microseconds of long durations)."""
    micro = value // timedelta(microseconds=1)
    whole, fraction = divmod(abs(micro), 1_000_000)
    sign = "-" if micro < 0 else ""
    return f"{sign}{whole}" + (f".{fraction:06d}".rstrip("0") if fraction else "")


# ==========================================================================================
# Writing
# ==========================================================================================

_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")  # what bpmn-moddle accepts as an id
_SIZES = {Step: (100, 80), Gateway: (50, 50), Event: (36, 36)}
_COLUMN, _ROW, _MARGIN, _LABEL = 160, 120, 20, 30


@attrs.frozen
class _Box:
    x: int
    y: int
    width: int
    height: int

    @property
    def center(self) -> tuple[int, int]:
        return self.x + self.width // 2, self.y + self.height // 2

    @property
    def bottom(self) -> int:
        return self.y + self.height


@attrs.frozen
class _Layout:
    """Shapes of nodes, lanes (keyed by agency) and the pool, and each flow's waypoints."""

    nodes: dict[str, _Box]
    lanes: dict[str | None, _Box]
    pool: _Box | None
    waypoints: dict[tuple[str, str], list[tuple[int, int]]]


def write_bpmn(process: ServiceProcess, path: str | os.PathLike[str] | None = None) -> str:
    """Write ``process`` as BPMN 2.0 XML with a diagram, to ``path`` (UTF-8) if given.

    Parameters
    ----------
    process
        The process to write.
    path
        Where to write the file; with ``None`` only the text is returned.

    Returns
    -------
    str
        The XML text; the same process always gives the same text.

    Raises
    ------
    FormatError
        A name or field holds a character that XML cannot carry (a control character).

    Examples
    --------
    >>> from bpr import ServiceProcess, Step, And
    >>> p = ServiceProcess.from_blocks(
    ...     "Transfer",
    ...     And(Step("a", "Inquiry police", kind="inquiry"), Step("b", "Inquiry registry")),
    ... )
    >>> text = write_bpmn(p)
    >>> text.count("<parallelGateway"), text.count("<task "), text.count("<bpmndi:BPMNShape")
    (2, 2, 6)
    >>> '<bpr:step kind="inquiry"' in text
    True
    """
    from lxml import etree

    try:
        root = _Writer(process).definitions()
    except ValueError as exc:  # lxml refuses control characters
        raise FormatError(f"process {process.name!r} cannot be written as XML: {exc}") from None
    text = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    result = text.decode("utf-8")
    if path is not None:
        from bpr._files import write_file

        write_file(path, result)
    return result


class _Writer:
    def __init__(self, process: ServiceProcess) -> None:
        self.process = process
        self.ids = {
            node.id: node.id
            if _NCNAME.match(node.id) and not node.id.startswith("bpr_")
            # bpr_ ids are kept for what bpr generates, so that nothing collides.
            else f"bpr_n{i}"
            for i, node in enumerate(process.nodes, 1)
        }
        self.flow_ids = {(f.source, f.target): f"bpr_f{i}" for i, f in enumerate(process.flows, 1)}
        self.flows_at: dict[str, dict[str, list[str]]] = {
            "incoming": defaultdict(list),
            "outgoing": defaultdict(list),
        }
        for flow in process.flows:
            flow_id = self.flow_ids[flow.source, flow.target]
            self.flows_at["incoming"][flow.target].append(flow_id)
            self.flows_at["outgoing"][flow.source].append(flow_id)
        self.lane_of = _lanes(process)
        self.lane_ids = {
            agency: f"bpr_lane{i}" for i, agency in enumerate(_lane_order(process, self.lane_of), 1)
        }
        self.layout = _layout(process, self.lane_of, list(self.lane_ids))

    def definitions(self) -> etree._Element:
        from lxml import etree

        from bpr._version import __version__

        nsmap = {
            None: MODEL_NS,
            "bpmndi": BPMNDI_NS,
            "dc": DC_NS,
            "di": DI_NS,
            "xsi": XSI_NS,
            "bpr": BPR_NAMESPACE,
        }
        root = etree.Element(_m("definitions"), nsmap=nsmap)
        root.set("id", "bpr_definitions")
        root.set("targetNamespace", BPR_NAMESPACE)
        root.set("exporter", "bpr")
        root.set("exporterVersion", __version__)
        if self.lane_ids:
            collaboration = etree.SubElement(root, _m("collaboration"), id="bpr_collaboration")
            etree.SubElement(
                collaboration,
                _m("participant"),
                id="bpr_participant",
                name=self.process.name,
                processRef="bpr_process",
            )
        root.append(self.process_element())
        root.append(self.diagram())
        return root

    def process_element(self) -> etree._Element:
        from lxml import etree

        process = etree.Element(
            _m("process"), id="bpr_process", name=self.process.name, isExecutable="false"
        )
        if self.process.description is not None:
            etree.SubElement(process, _m("documentation")).text = self.process.description
        if self.lane_ids:
            lane_set = etree.SubElement(process, _m("laneSet"), id="bpr_laneSet")
            for agency, lane_id in self.lane_ids.items():
                lane = etree.SubElement(lane_set, _m("lane"), id=lane_id)
                if agency is not None:
                    lane.set("name", agency)
                for node in self.process.nodes:
                    if self.lane_of[node.id] == agency:
                        etree.SubElement(lane, _m("flowNodeRef")).text = self.ids[node.id]
        for node in self.process.nodes:
            process.append(self.node_element(node))
        for flow in self.process.flows:
            process.append(self.flow_element(flow))
        return process

    def node_element(self, node: Node) -> etree._Element:
        from lxml import etree

        element = etree.Element(_m(_element_tag(node)), id=self.ids[node.id])
        if self.ids[node.id] != node.id:
            element.set(_b("id"), node.id)
        if node.name is not None:
            element.set("name", node.name)
        if isinstance(node, Gateway):
            split = self.process.graph.out_degree(node.id) > 1
            element.set("gatewayDirection", "Diverging" if split else "Converging")
        if isinstance(node, Step):
            extension = etree.SubElement(element, _m("extensionElements"))
            extension.append(_encode(node, _b("step"), skip=("id", "name")))
        for direction in ("incoming", "outgoing"):
            for flow_id in self.flows_at[direction][node.id]:
                etree.SubElement(element, _m(direction)).text = flow_id
        return element

    def flow_element(self, flow: Flow) -> etree._Element:
        from lxml import etree

        element = etree.Element(
            _m("sequenceFlow"),
            id=self.flow_ids[flow.source, flow.target],
            sourceRef=self.ids[flow.source],
            targetRef=self.ids[flow.target],
        )
        if flow.condition is not None:
            element.set("name", flow.condition)
        if flow.probability is not None or flow.frequency is not None:
            extension = etree.SubElement(element, _m("extensionElements"))
            extension.append(_encode(flow, _b("flow"), skip=("source", "target", "condition")))
        source = self.process.node(flow.source)
        exclusive_split = (
            isinstance(source, Gateway)
            and source.kind is GatewayKind.EXCLUSIVE
            and self.process.graph.out_degree(source.id) > 1
        )
        if flow.condition is not None and exclusive_split:
            expression = etree.SubElement(element, _m("conditionExpression"))
            expression.set(f"{{{XSI_NS}}}type", "tFormalExpression")
            expression.text = flow.condition
        return element

    def diagram(self) -> etree._Element:
        from lxml import etree

        diagram = etree.Element(f"{{{BPMNDI_NS}}}BPMNDiagram", id="bpr_diagram")
        plane = etree.SubElement(
            diagram,
            f"{{{BPMNDI_NS}}}BPMNPlane",
            id="bpr_plane",
            bpmnElement="bpr_collaboration" if self.lane_ids else "bpr_process",
        )
        layout = self.layout
        if layout.pool is not None:
            _shape(plane, "bpr_participant", layout.pool, isHorizontal="true")
        for agency, lane_id in self.lane_ids.items():
            _shape(plane, lane_id, layout.lanes[agency], isHorizontal="true")
        for node in self.process.nodes:
            exclusive = isinstance(node, Gateway) and node.kind is GatewayKind.EXCLUSIVE
            marker = {"isMarkerVisible": "true"} if exclusive else {}
            _shape(plane, self.ids[node.id], layout.nodes[node.id], **marker)
        for flow in self.process.flows:
            flow_id = self.flow_ids[flow.source, flow.target]
            edge = etree.SubElement(
                plane, f"{{{BPMNDI_NS}}}BPMNEdge", id=f"bpr_di_{flow_id}", bpmnElement=flow_id
            )
            for x, y in layout.waypoints[flow.source, flow.target]:
                etree.SubElement(edge, f"{{{DI_NS}}}waypoint", x=str(x), y=str(y))
        return diagram


def _element_tag(node: Node) -> str:
    if isinstance(node, Step):
        return "serviceTask" if node.actor is Actor.SYSTEM else "task"
    if isinstance(node, Gateway):
        return "exclusiveGateway" if node.kind is GatewayKind.EXCLUSIVE else "parallelGateway"
    return "startEvent" if node.kind is EventKind.START else "endEvent"


def _shape(plane: etree._Element, element_id: str, box: _Box, **extra: str) -> None:
    from lxml import etree

    shape = etree.SubElement(
        plane, f"{{{BPMNDI_NS}}}BPMNShape", id=f"bpr_di_{element_id}", bpmnElement=element_id
    )
    for key, value in extra.items():
        shape.set(key, value)
    etree.SubElement(
        shape,
        f"{{{DC_NS}}}Bounds",
        x=str(box.x),
        y=str(box.y),
        width=str(box.width),
        height=str(box.height),
    )


# -- layout --------------------------------------------------------------------------------


def _lanes(process: ServiceProcess) -> dict[str, str | None]:
    """Node id -> the agency of its lane; empty when no step names an agency (no lanes then).

    A gateway or event goes in the lane of the nearest step, beside the work it routes.
    """
    if all(step.agency is None for step in process.steps):
        return {}
    lane_of: dict[str, str | None] = {s.id: s.agency for s in process.steps}
    for node in process.nodes:
        if node.id not in lane_of:
            lane_of[node.id] = lane_of[_nearest_step(process, node.id)]
    return lane_of


def _nearest_step(process: ServiceProcess, start: str) -> str:
    """The first step met walking the flows both ways from ``start``, or any step at all."""
    graph, seen, queue = process.graph, {start}, [start]
    for node_id in queue:
        if isinstance(graph.nodes[node_id]["node"], Step):
            return node_id
        for other in itertools.chain(graph.predecessors(node_id), graph.successors(node_id)):
            if other not in seen:
                seen.add(other)
                queue.append(other)
    return process.steps[0].id  # a start joined to an end with no step between


def _lane_order(process: ServiceProcess, lane_of: dict[str, str | None]) -> list[str | None]:
    """Agencies in reading order; the lane of steps with no agency comes last."""
    if not lane_of:
        return []
    named = dict.fromkeys(s.agency for s in process.steps if s.agency is not None)
    return [*named, None] if None in lane_of.values() else list(named)


def _back_edges(process: ServiceProcess) -> tuple[set[tuple[str, str]], dict[str, int]]:
    """The flows that close loops (depth-first search from the starts), and the preorder."""
    successors: dict[str, list[str]] = {n.id: [] for n in process.nodes}
    for flow in process.flows:
        successors[flow.source].append(flow.target)
    state: dict[str, bool] = {}  # True while on the search stack
    preorder: dict[str, int] = {}
    back: set[tuple[str, str]] = set()
    for root in [e.id for e in process.starts] + [n.id for n in process.nodes]:
        if root in state:
            continue
        state[root], preorder[root] = True, len(preorder)
        stack = [(root, iter(successors[root]))]
        while stack:
            node_id, remaining = stack[-1]
            following = next(remaining, None)
            if following is None:
                state[node_id] = False
                stack.pop()
            elif state.get(following):
                back.add((node_id, following))
            elif following not in state:
                state[following], preorder[following] = True, len(preorder)
                stack.append((following, iter(successors[following])))
    return back, preorder


def _layout(
    process: ServiceProcess, lane_of: dict[str, str | None], lanes: list[str | None]
) -> _Layout:
    back, preorder = _back_edges(process)
    dag = nx.DiGraph()
    dag.add_nodes_from(n.id for n in process.nodes)
    dag.add_edges_from(
        (f.source, f.target) for f in process.flows if (f.source, f.target) not in back
    )
    layer: dict[str, int] = {}
    for node_id in nx.topological_sort(dag):
        layer[node_id] = max((layer[p] + 1 for p in dag.predecessors(node_id)), default=0)
    groups: dict[tuple[str | None, int], list[str]] = defaultdict(list)
    for node_id in sorted(layer, key=preorder.__getitem__):
        groups[lane_of.get(node_id), layer[node_id]].append(node_id)
    rows = {node_id: i for group in groups.values() for i, node_id in enumerate(group)}
    heights = {lane: 0 for lane in lanes or [None]}
    for (lane, _), group in groups.items():
        heights[lane] = max(heights[lane], len(group) * _ROW)
    width = (max(layer.values(), default=0) + 1) * _COLUMN
    left = _MARGIN + (2 * _LABEL if lanes else 0)  # pool and lane titles
    tops = dict(zip(heights, itertools.accumulate([_MARGIN, *heights.values()]), strict=False))
    boxes = {}
    for node in process.nodes:
        w, h = _SIZES[type(node)]
        cx = left + layer[node.id] * _COLUMN + _COLUMN // 2
        cy = tops[lane_of.get(node.id)] + rows[node.id] * _ROW + _ROW // 2
        boxes[node.id] = _Box(cx - w // 2, cy - h // 2, w, h)
    lane_boxes = {
        lane: _Box(_MARGIN + _LABEL, tops[lane], _LABEL + width, heights[lane]) for lane in lanes
    }
    pool = None
    if lanes:
        pool = _Box(_MARGIN, _MARGIN, 2 * _LABEL + width, sum(heights.values()))
    graph = process.graph
    waypoints = {
        (f.source, f.target): _route(
            boxes[f.source],
            boxes[f.target],
            back=(f.source, f.target) in back,
            into_join=graph.in_degree(f.target) > 1,
        )
        for f in process.flows
    }
    return _Layout(boxes, lane_boxes, pool, waypoints)


def _route(source: _Box, target: _Box, *, back: bool, into_join: bool) -> list[tuple[int, int]]:
    """Orthogonal waypoints: branches turn next to their split, merging flows next to their
    join, so that the vertical part stays clear of the shapes between; a loop's back edge
    runs under both shapes."""
    (sx, sy), (tx, ty) = source.center, target.center
    if back:
        below = max(source.bottom, target.bottom) + 15
        return [(sx, source.bottom), (sx, below), (tx, below), (tx, target.bottom)]
    start, end = (source.x + source.width, sy), (target.x, ty)
    if sy == ty:
        return [start, end]
    turn = end[0] - 20 if into_join else start[0] + 20
    return [start, (turn, sy), (turn, ty), end]
