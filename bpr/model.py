"""The service-process model: typed steps, gateways, events and flows in an immutable graph.

A :class:`ServiceProcess` is a directed graph whose nodes are :class:`Step`, :class:`Gateway`
and :class:`Event` objects and whose edges are :class:`Flow` objects. It is validated when it
is made and never changes afterwards; transformations return new processes.

Structural rules (checked on construction, each a :class:`bpr.ModelError`):

* node ids are unique and every flow joins two existing nodes, at most once;
* there is at least one start and one end event; a start has no incoming flow and one
  outgoing flow, an end has one or more incoming flows and none outgoing;
* a step has exactly one incoming and one outgoing flow (branching and merging happen in
  gateways, so a model means the same thing in every tool);
* a gateway is a split (one in, two or more out) or a join (two or more in, one out);
* probabilities appear only on flows leaving an exclusive split, lie in [0, 1], and when
  every branch of a split has one they sum to 1;
* every node lies on a path from a start event to an end event.

Examples
--------
>>> from bpr import ServiceProcess, Step, Xor
>>> p = ServiceProcess.from_blocks(
...     "Certificate",
...     Step("submit", "Submit request", kind="submit", actor="citizen"),
...     Xor(Step("fast", "Fast track"), Step("slow", "Full review"), probabilities=[0.3, 0.7]),
...     Step("issue", "Issue certificate", kind="issue"),
... )
>>> [s.name for s in p.steps]
['Submit request', 'Fast track', 'Full review', 'Issue certificate']
>>> p.step("fast").kind is None  # nobody said what kind of step it is
True
>>> p.graph.number_of_edges()
8
"""

from __future__ import annotations

import enum
import itertools
import numbers
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import attrs
import networkx as nx

from bpr._read import check_text
from bpr.errors import ModelError

if TYPE_CHECKING:
    from bpr.fidelity import Fidelity

E = TypeVar("E", bound=enum.Enum)

__all__ = [
    "Actor",
    "And",
    "Channel",
    "DurationStats",
    "Event",
    "EventKind",
    "Flow",
    "Gateway",
    "GatewayKind",
    "Loop",
    "Node",
    "ServiceProcess",
    "Source",
    "Step",
    "StepKind",
    "StepStats",
    "Xor",
]


class StepKind(enum.StrEnum):
    """What a step does."""

    SUBMIT = "submit"
    VERIFY = "verify"
    INQUIRY = "inquiry"
    DECIDE = "decide"
    APPROVE = "approve"
    SIGN = "sign"
    PAY = "pay"
    NOTIFY = "notify"
    ISSUE = "issue"
    ARCHIVE = "archive"
    TRANSPORT = "transport"
    WAIT = "wait"
    OTHER = "other"


class Actor(enum.StrEnum):
    """Who performs a step."""

    CITIZEN = "citizen"
    FRONT_OFFICE = "front_office"
    BACK_OFFICE = "back_office"
    COUNTER_OFFICE = "counter_office"
    SYSTEM = "system"
    EXTERNAL_AGENCY = "external_agency"


class Channel(enum.StrEnum):
    """Where or through what a step happens."""

    IN_PERSON = "in_person"
    COUNTER_OFFICE = "counter_office"
    WEB = "web"
    MOBILE = "mobile"
    IVR = "ivr"
    SMS = "sms"
    MAIL = "mail"
    INTERNAL = "internal"
    SYSTEM = "system"


class GatewayKind(enum.StrEnum):
    """Exclusive (one branch) or parallel (all branches) routing."""

    EXCLUSIVE = "exclusive"
    PARALLEL = "parallel"


class EventKind(enum.StrEnum):
    """Where a case starts or ends."""

    START = "start"
    END = "end"


def _enum_or_raw(enum_cls: type[enum.Enum]) -> Any:
    """Convert to ``enum_cls`` when possible; leave the raw value for a named error later."""

    def convert(value: Any) -> Any:
        if value is None or isinstance(value, enum_cls):
            return value
        try:
            return enum_cls(value)
        except ValueError:
            return value

    return convert


def _check_enum(owner: str, field: str, value: Any, enum_cls: type[enum.Enum]) -> None:
    if value is not None and not isinstance(value, enum_cls):
        allowed = ", ".join(m.value for m in enum_cls)
        raise ModelError(f"{owner}: unknown {field} {value!r}; expected one of: {allowed}")


def enum_value(enum_cls: type[E], value: Any, owner: str, field: str) -> E:
    """``value`` as a member of ``enum_cls``, or a :class:`ModelError` naming ``owner`` and
    ``field`` and listing the values allowed.

    >>> enum_value(StepKind, "dance", "Constraints", "no_automation")
    Traceback (most recent call last):
    ...
    bpr.errors.ModelError: Constraints: unknown no_automation 'dance'; expected one of: ...
    """
    converted = _enum_or_raw(enum_cls)(value)
    _check_enum(owner, field, converted, enum_cls)
    return converted


def _seconds_or_raw(value: Any) -> Any:
    """A duration given in seconds as a timedelta; anything else is left for a named error."""
    if value is None or isinstance(value, timedelta | bool):
        return value
    try:
        return timedelta(seconds=float(value))
    except (TypeError, ValueError, OverflowError):
        return value


def _check_seconds(owner: str, field: str, value: Any) -> None:
    if value is not None and not isinstance(value, timedelta):
        raise ModelError(
            f"{owner}: {field} {_short(value)} is not a duration; give a number of seconds "
            f"(at most {timedelta.max.total_seconds():.0f}) or null for unknown"
        )


def _flag_or_raw(value: Any) -> Any:
    """A true/false value (a NumPy bool included) as a bool; anything else is left as given."""
    item = getattr(value, "item", None)
    if callable(item) and type(value).__name__ == "bool_":
        return bool(item())
    return value


def _check_flags(owner: str, node: Any, fields: Sequence[str], *, optional: bool) -> None:
    for field in fields:
        value = getattr(node, field)
        if not isinstance(value, bool) and not (optional and value is None):
            allowed = "true, false or null (unknown)" if optional else "true or false"
            raise ModelError(f"{owner}: {field} must be {allowed}; got {_short(value)}")


def _short(value: Any) -> str:
    """A value for a message, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _documents(value: Iterable[str] | str | None) -> frozenset[str] | None:
    """Document names as a set; anything that is not text or texts is left for a named error."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split(";")
    if not isinstance(value, Iterable) or not all(isinstance(p, str) for p in value):
        return value  # type: ignore[return-value]
    return frozenset(part.strip() for part in value if part.strip())


def _check_documents(owner: str, step: Any) -> None:
    for field in ("documents_in", "documents_out"):
        value = getattr(step, field)
        if value is not None and not isinstance(value, frozenset):
            raise ModelError(
                f"{owner}: {field} {_short(value)} is not document names; give a list of "
                "names, ';'-separated text, or null for unknown"
            )


def _check_texts(owner: str, node: Any, fields: Sequence[str]) -> None:
    for field in fields:
        value = getattr(node, field)
        if value is not None and not isinstance(value, str):
            raise ModelError(f"{owner}: {field} must be text or null; got {_short(value)}")


def _check_counts(owner: str, node: Any, fields: Sequence[str], *, optional: bool) -> None:
    for field in fields:
        value = getattr(node, field)
        if optional and value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
            allowed = "a whole number, 0 or more" + (", or null" if optional else "")
            raise ModelError(f"{owner}: {field} must be {allowed}; got {_short(value)}")


@attrs.frozen
class Source:
    """Where the value of one typed field of a step came from.

    ``origin`` is ``"annotation"`` (an analyst's table; ``detail`` names the file and row),
    ``"log_attribute"`` (an event column; ``detail`` names it and the share of events),
    ``"classifier"`` (the label; ``detail`` is the rule that fired), ``"procedure"`` (the
    written procedure), ``"step_table"`` (a step table, :func:`bpr.read_steps`; ``detail``
    names the file and row) or ``"model"`` (set in the model by hand or by a redesign change);
    ``confidence`` in [0, 1] where the source has one.

    >>> Source("kind", "classifier", "kind:pay<-'pay'", 0.75)
    Source(field='kind', origin='classifier', detail="kind:pay<-'pay'", confidence=0.75)
    """

    field: str
    origin: str
    detail: str
    confidence: float | None = None


@attrs.frozen
class DurationStats:
    """Median, mean and 90th percentile of a duration, and its observed distribution.

    ``distribution`` cuts the observed durations, smallest first, into equal parts (20, or
    one per observation when there are fewer) and keeps the mean of each: the duration takes
    each of these values with the same probability, and their mean is the observed mean. It
    is what :func:`bpr.measure` and :func:`bpr.simulate` draw the duration from; empty when
    only the three figures are known (a model written by hand or by an older bpr).

    >>> d = DurationStats(median=60, mean=80, p90=150, distribution=[30, 60, 150])
    >>> d.distribution[-1]
    datetime.timedelta(seconds=150)
    """

    median: timedelta = attrs.field(converter=_seconds_or_raw)
    mean: timedelta = attrs.field(converter=_seconds_or_raw)
    p90: timedelta = attrs.field(converter=_seconds_or_raw)
    distribution: tuple[timedelta, ...] = attrs.field(
        default=(), converter=lambda values: tuple(_seconds_or_raw(v) for v in values)
    )

    def __attrs_post_init__(self) -> None:
        for field in ("median", "mean", "p90"):
            _check_seconds("duration statistics", field, getattr(self, field))
        for value in self.distribution:
            _check_seconds("duration statistics", "distribution value", value)


@attrs.frozen
class StepStats:
    """What a log says about a step: how often it ran and how long it took.

    ``working`` is the time between the step's start and completion (known only where the log
    has start timestamps); ``waiting`` is the time from the previous event of the case to the
    step's start, over the events that have one; ``opened`` counts the others, the cases the
    step opened, which waited for nothing (``None``: not recorded, by an older bpr).
    ``interleaved`` says that the step was discovered in a parallel block whose branches the
    log interleaves: its waiting time runs from the case's previous event, whichever branch
    that was, so such a block takes the time of all its steps one after another, as in the
    log, not that of its longest branch.
    """

    events: int
    cases: int
    working: DurationStats | None = None
    waiting: DurationStats | None = None
    opened: int | None = None
    interleaved: bool = attrs.field(default=False, converter=_flag_or_raw)

    def __attrs_post_init__(self) -> None:
        _check_counts("step statistics", self, ("events", "cases"), optional=False)
        _check_counts("step statistics", self, ("opened",), optional=True)
        _check_flags("step statistics", self, ("interleaved",), optional=False)
        for field in ("working", "waiting"):
            value = getattr(self, field)
            if value is not None and not isinstance(value, DurationStats):
                raise ModelError(
                    f"step statistics: {field} must be DurationStats or null; got {_short(value)}"
                )


@attrs.frozen
class Step:
    """One unit of work in a service process.

    Every typed field can be unknown: ``None`` means that no source (an annotation, the log,
    the classifier, the analyst writing the model) said anything about it. Unknown is not
    "no": a metric that needs an unknown field is unknown, and redesign does not act on it.
    Where each known value came from is in :attr:`sources`.

    Parameters
    ----------
    id, name
        A unique identifier and the display label (as written by the agency or the log).
    kind, actor, agency, channel
        What the step does, who does it, for which agency and through which channel.
        ``None`` means not known. ``StepKind.OTHER`` is a known kind (none of the others).
    name_fa
        The Persian label, when the primary ``name`` is in another language.
    citizen_present
        The citizen must be at an office in person for this step (as-is); ``None``: unknown.
    mandatory, legal_basis
        The law requires the step to happen (not how or where), and the text that says so;
        ``mandatory=None``: nobody said.
    fixed_channel
        The law or the agency also fixes the channel and place: redesign must keep them.
    documented
        The step appears in the agency's official procedure (``None``: no procedure known).
    rule_based
        The decision or check follows fixed rules with no human discretion.
    documents_in, documents_out
        Documents the step needs and produces (a ``;``-separated string is accepted);
        ``None``: unknown, an empty set: none.
    duration
        The expected working time, when an analyst knows it.
    stats
        Observed statistics, when the step was discovered from a log.
    sources
        Where typed fields came from (:class:`Source`), for the fields a source decided;
        a field with a value and no source was set in the model itself.

    Examples
    --------
    >>> s = Step("pay", "Pay the fee", kind="pay", channel="in_person",
    ...          documents_out="receipt")
    >>> s.kind, s.documents_out
    (<StepKind.PAY: 'pay'>, frozenset({'receipt'}))
    >>> s.citizen_present is None, s.documents_in is None  # nobody said
    (True, True)
    >>> Step("x", "X", kind="teleport")
    Traceback (most recent call last):
    ...
    bpr.errors.ModelError: step 'x': unknown kind 'teleport'; expected one of: submit, ...
    """

    id: str
    name: str
    kind: StepKind | None = attrs.field(default=None, converter=_enum_or_raw(StepKind))
    actor: Actor | None = attrs.field(default=None, converter=_enum_or_raw(Actor))
    agency: str | None = None
    channel: Channel | None = attrs.field(default=None, converter=_enum_or_raw(Channel))
    name_fa: str | None = None
    citizen_present: bool | None = attrs.field(default=None, converter=_flag_or_raw)
    mandatory: bool | None = attrs.field(default=None, converter=_flag_or_raw)
    fixed_channel: bool = attrs.field(default=False, converter=_flag_or_raw)
    legal_basis: str | None = None
    documented: bool | None = attrs.field(default=None, converter=_flag_or_raw)
    rule_based: bool = attrs.field(default=False, converter=_flag_or_raw)
    documents_in: frozenset[str] | None = attrs.field(default=None, converter=_documents)
    documents_out: frozenset[str] | None = attrs.field(default=None, converter=_documents)
    duration: timedelta | None = attrs.field(default=None, converter=_seconds_or_raw)
    stats: StepStats | None = None
    sources: tuple[Source, ...] = attrs.field(default=(), converter=tuple)

    def source_of(self, field: str) -> Source | None:
        """Where the value of ``field`` came from: the recorded source, else ``"model"`` for
        a value set in the model itself, else ``None`` (unknown).

        >>> Step("a", "Apply", agency="City").source_of("agency").origin
        'model'
        >>> Step("a", "Apply").source_of("agency") is None
        True
        """
        for source in self.sources:
            if source.field == field:
                return source
        if getattr(self, field) is None:
            return None
        return Source(field, "model", "set in the model")

    def __attrs_post_init__(self) -> None:
        _check_id("step", self.id)
        owner = f"step {self.id!r}"
        if not isinstance(self.name, str) or not self.name.strip():
            raise ModelError(f"{owner}: the name is empty; give every step a label")
        _check_enum(owner, "kind", self.kind, StepKind)
        _check_enum(owner, "actor", self.actor, Actor)
        _check_enum(owner, "channel", self.channel, Channel)
        _check_flags(owner, self, ("citizen_present", "mandatory", "documented"), optional=True)
        _check_flags(owner, self, ("fixed_channel", "rule_based"), optional=False)
        _check_seconds(owner, "duration", self.duration)
        _check_texts(owner, self, ("agency", "name_fa", "legal_basis"))
        for field in ("name", "name_fa", "agency", "legal_basis"):
            if getattr(self, field) is not None:  # no file can hold half a character
                check_text(getattr(self, field), f"{owner}: {field}", ModelError)
        _check_documents(owner, self)
        if self.stats is not None and not isinstance(self.stats, StepStats):
            raise ModelError(f"{owner}: stats must be StepStats or null; got {_short(self.stats)}")


@attrs.frozen
class Gateway:
    """A routing node: an exclusive or parallel split or join (which one follows from its flows)."""

    id: str
    kind: GatewayKind = attrs.field(converter=_enum_or_raw(GatewayKind))
    name: str | None = None

    def __attrs_post_init__(self) -> None:
        _check_id("gateway", self.id)
        _check_enum(f"gateway {self.id!r}", "kind", self.kind, GatewayKind)


@attrs.frozen
class Event:
    """A start or end event."""

    id: str
    kind: EventKind = attrs.field(converter=_enum_or_raw(EventKind))
    name: str | None = None

    def __attrs_post_init__(self) -> None:
        _check_id("event", self.id)
        _check_enum(f"event {self.id!r}", "kind", self.kind, EventKind)


Node: TypeAlias = Step | Gateway | Event


def _check_id(what: str, value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ModelError(f"a {what} has an empty or non-text id ({value!r}); give it a unique id")


def _probability_or_raw(value: Any) -> Any:
    """A probability as a float; anything that is not a number is left for a named error."""
    if value is None or isinstance(value, bool):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


@attrs.frozen
class Flow:
    """A sequence flow from one node to another.

    ``probability`` is the chance of taking this branch of an exclusive split; ``frequency``
    is how many times a log shows the flow taken.
    """

    source: str
    target: str
    probability: float | None = attrs.field(default=None, converter=_probability_or_raw)
    frequency: int | None = None
    condition: str | None = None

    def __attrs_post_init__(self) -> None:
        owner = f"flow {self.source} -> {self.target}"
        if self.probability is not None and not isinstance(self.probability, float):
            raise ModelError(
                f"{owner}: probability {_short(self.probability)} is not a number; give a "
                "number between 0 and 1, or null for unknown"
            )
        _check_counts(owner, self, ("frequency",), optional=True)
        _check_texts(owner, self, ("condition",))


@attrs.frozen(eq=False)
class ServiceProcess:
    """An immutable, validated service process.

    Nodes keep the order they were given in (it is the reading order of the procedure);
    equality ignores order. Use :meth:`from_blocks` to build block-structured processes in
    one call, and :attr:`graph` for networkx algorithms.

    Examples
    --------
    >>> from bpr import Step, Event, Flow
    >>> p = ServiceProcess(
    ...     "Tiny",
    ...     nodes=[Event("start", "start"), Step("a", "Apply"), Event("end", "end")],
    ...     flows=[Flow("start", "a"), Flow("a", "end")],
    ... )
    >>> p.step_by_name("apply").id
    'a'
    >>> ServiceProcess("Broken", nodes=[Event("s", "start"), Event("e", "end")],
    ...                flows=[Flow("s", "x")])
    Traceback (most recent call last):
    ...
    bpr.errors.ModelError: process 'Broken': flow s -> x points to an unknown node 'x'
    """

    name: str
    nodes: tuple[Node, ...] = attrs.field(converter=tuple)
    flows: tuple[Flow, ...] = attrs.field(converter=tuple)
    description: str | None = None
    _graph: nx.DiGraph = attrs.field(init=False, repr=False)
    #: How well the process reproduces the log it was discovered from (set by
    #: :func:`bpr.discover`; ``None`` otherwise). Equality, JSON and BPMN ignore it, and a
    #: changed copy (:meth:`evolve`, :meth:`replace_steps`, a redesign) has none.
    fidelity: Fidelity | None = attrs.field(init=False, default=None, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_graph", nx.freeze(_validated_graph(self)))

    # -- equality --------------------------------------------------------------------------
    def _key(self) -> tuple[Any, ...]:
        return (
            self.name,
            self.description,
            frozenset(self.nodes),
            frozenset(self.flows),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServiceProcess):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    # -- views and lookups -----------------------------------------------------------------
    @property
    def graph(self) -> nx.DiGraph:
        """A read-only networkx view: node ids with a ``node`` attribute, flows as ``flow``."""
        return self._graph

    @property
    def steps(self) -> tuple[Step, ...]:
        """The steps, in the order given."""
        return tuple(n for n in self.nodes if isinstance(n, Step))

    @property
    def gateways(self) -> tuple[Gateway, ...]:
        return tuple(n for n in self.nodes if isinstance(n, Gateway))

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(n for n in self.nodes if isinstance(n, Event))

    @property
    def starts(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.kind is EventKind.START)

    @property
    def ends(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.kind is EventKind.END)

    def node(self, node_id: str) -> Node:
        """The node with id ``node_id``."""
        try:
            return self._graph.nodes[node_id]["node"]
        except KeyError:
            raise ModelError(f"process {self.name!r} has no node {node_id!r}") from None

    def step(self, step_id: str) -> Step:
        """The step with id ``step_id``."""
        node = self.node(step_id)
        if not isinstance(node, Step):
            raise ModelError(f"node {step_id!r} of process {self.name!r} is not a step")
        return node

    def step_by_name(self, name: str) -> Step:
        """The step whose name (or Persian name) matches ``name``, ignoring case and spacing."""
        from bpr.labels import normalize

        wanted = normalize(name)
        found = [s for s in self.steps if wanted in (normalize(s.name), normalize(s.name_fa or ""))]
        if len(found) != 1:
            what = "no step" if not found else f"{len(found)} steps"
            raise ModelError(f"process {self.name!r} has {what} named {name!r}")
        return found[0]

    def flow(self, source: str, target: str) -> Flow:
        """The flow from ``source`` to ``target``."""
        try:
            return self._graph.edges[source, target]["flow"]
        except KeyError:
            raise ModelError(f"process {self.name!r} has no flow {source} -> {target}") from None

    def successors(self, node_id: str) -> list[str]:
        return list(self._graph.successors(node_id))

    def predecessors(self, node_id: str) -> list[str]:
        return list(self._graph.predecessors(node_id))

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._graph

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    # -- changes return new processes ------------------------------------------------------
    def replace_steps(self, steps: Mapping[str, Step] | Iterable[Step]) -> ServiceProcess:
        """A copy with some steps replaced (matched by id); the structure is unchanged."""
        by_id = dict(steps) if isinstance(steps, Mapping) else {s.id: s for s in steps}
        unknown = sorted(set(by_id) - {s.id for s in self.steps})
        if unknown:
            raise ModelError(f"process {self.name!r} has no steps {unknown}")
        nodes = [by_id.get(n.id, n) if isinstance(n, Step) else n for n in self.nodes]
        return attrs.evolve(self, nodes=nodes)

    def evolve(self, **changes: Any) -> ServiceProcess:
        """A copy with some fields changed (validated again)."""
        return attrs.evolve(self, **changes)

    # -- building --------------------------------------------------------------------------
    @classmethod
    def from_blocks(
        cls, name: str, *blocks: Block, description: str | None = None
    ) -> ServiceProcess:
        """Build a block-structured process: a sequence of steps, :class:`Xor`,
        :class:`And` and :class:`Loop` blocks between one start and one end event.

        A block item is a :class:`Step`, a list or tuple (a sequence) or a block; ``None``
        as an :class:`Xor` branch means "skip".

        Examples
        --------
        >>> from bpr import Step, And, Loop
        >>> p = ServiceProcess.from_blocks(
        ...     "Permit",
        ...     Step("a", "Apply"),
        ...     And(Step("b", "Inquiry police"), Step("c", "Inquiry registry")),
        ...     Loop(Step("d", "Review"), probability=0.2),
        ... )
        >>> [g.kind.value for g in p.gateways]
        ['parallel', 'parallel', 'exclusive', 'exclusive']
        """
        builder = _Builder()
        start = builder.add(Event("start", EventKind.START))
        last = builder.chain(start, list(blocks))
        builder.connect(last, builder.add(Event("end", EventKind.END)))
        return cls(name, nodes=builder.nodes, flows=builder.flows, description=description)

    # -- display ---------------------------------------------------------------------------
    def __repr__(self) -> str:
        return (
            f"ServiceProcess({self.name!r}, {len(self.steps)} steps, "
            f"{len(self.gateways)} gateways, {len(self.flows)} flows)"
        )

    def _repr_svg_(self) -> str | None:
        from bpr._display import draw

        return draw(self)


# -- validation ----------------------------------------------------------------------------


def _validated_graph(process: ServiceProcess) -> nx.DiGraph:
    where = f"process {process.name!r}"
    if not isinstance(process.name, str) or not process.name.strip():
        raise ModelError("a process needs a non-empty name")
    graph = nx.DiGraph()
    for node in process.nodes:
        if not isinstance(node, Step | Gateway | Event):
            raise ModelError(f"{where}: {node!r} is not a Step, Gateway or Event")
        if node.id in graph:
            raise ModelError(f"{where}: duplicate node id {node.id!r}; ids must be unique")
        graph.add_node(node.id, node=node)
    for flow in process.flows:
        if not isinstance(flow, Flow):
            raise ModelError(f"{where}: {flow!r} is not a Flow")
        for end in (flow.source, flow.target):
            if end not in graph:
                raise ModelError(
                    f"{where}: flow {flow.source} -> {flow.target} points to an unknown node "
                    f"{end!r}"
                )
        if graph.has_edge(flow.source, flow.target):
            raise ModelError(f"{where}: two flows {flow.source} -> {flow.target}; keep one")
        graph.add_edge(flow.source, flow.target, flow=flow)
    _check_degrees(where, graph)
    _check_probabilities(where, graph)
    _check_paths(where, graph)
    return graph


def _check_degrees(where: str, graph: nx.DiGraph) -> None:
    kinds = {n.kind for n in nx.get_node_attributes(graph, "node").values() if isinstance(n, Event)}
    if kinds != {EventKind.START, EventKind.END}:
        raise ModelError(f"{where}: a process needs at least one start and one end event")
    for node_id, data in graph.nodes(data=True):
        node, n_in, n_out = data["node"], graph.in_degree(node_id), graph.out_degree(node_id)
        if isinstance(node, Event) and node.kind is EventKind.START:
            if n_in or n_out != 1:
                raise ModelError(
                    f"{where}: start event {node_id!r} has {n_in} incoming and {n_out} outgoing "
                    "flows; a start event needs none in and exactly one out"
                )
        elif isinstance(node, Event):
            if n_out or not n_in:
                raise ModelError(
                    f"{where}: end event {node_id!r} has {n_in} incoming and {n_out} outgoing "
                    "flows; an end event needs at least one in and none out"
                )
        elif isinstance(node, Step) and (n_in != 1 or n_out != 1):
            raise ModelError(
                f"{where}: step {node_id!r} has {n_in} incoming and {n_out} outgoing flows; a "
                "step needs exactly one of each (put a gateway before or after it to branch "
                "or merge)"
            )
        elif isinstance(node, Gateway) and not (
            (n_in == 1 and n_out >= 2) or (n_in >= 2 and n_out == 1)
        ):
            raise ModelError(
                f"{where}: gateway {node_id!r} has {n_in} incoming and {n_out} outgoing flows; "
                "a gateway is either a split (1 in, 2+ out) or a join (2+ in, 1 out)"
            )


def _check_probabilities(where: str, graph: nx.DiGraph) -> None:
    for node_id, data in graph.nodes(data=True):
        node = data["node"]
        out = [graph.edges[node_id, t]["flow"] for t in graph.successors(node_id)]
        given = [f.probability for f in out if f.probability is not None]
        exclusive_split = (
            isinstance(node, Gateway) and node.kind is GatewayKind.EXCLUSIVE and len(out) >= 2
        )
        if given and not exclusive_split:
            raise ModelError(
                f"{where}: flow {out[0].source} -> {out[0].target} has a probability, but only "
                "the branches of an exclusive split can have one"
            )
        for f in out:
            if f.probability is not None and not 0.0 <= f.probability <= 1.0:
                raise ModelError(
                    f"{where}: flow {f.source} -> {f.target} has probability {f.probability}; "
                    "it must lie between 0 and 1"
                )
        if given and len(given) == len(out) and abs(sum(given) - 1.0) > 1e-6:
            raise ModelError(
                f"{where}: the branch probabilities of exclusive split {node_id!r} sum to "
                f"{sum(given):.6g}, not 1"
            )
        if given and len(given) < len(out) and sum(given) > 1.0 + 1e-6:
            raise ModelError(
                f"{where}: the branch probabilities of exclusive split {node_id!r} sum to "
                f"{sum(given):.6g}, more than 1"
            )


def _check_paths(where: str, graph: nx.DiGraph) -> None:
    starts = [n for n, d in graph.nodes(data="node") if _is_event(d, EventKind.START)]
    ends = [n for n, d in graph.nodes(data="node") if _is_event(d, EventKind.END)]
    reached = set(starts).union(*(nx.descendants(graph, s) for s in starts))
    unreached = [n for n in graph if n not in reached]
    if unreached:
        raise ModelError(
            f"{where}: no path from a start event reaches {_some(unreached)}; connect them or "
            "remove them"
        )
    reaching = set(ends).union(*(nx.ancestors(graph, e) for e in ends))
    stuck = [n for n in graph if n not in reaching]
    if stuck:
        raise ModelError(
            f"{where}: no path to an end event leaves {_some(stuck)}; connect them to an end event"
        )


def _is_event(node: Node, kind: EventKind) -> bool:
    return isinstance(node, Event) and node.kind is kind


def _some(ids: Sequence[str]) -> str:
    shown = ", ".join(repr(i) for i in ids[:5])
    return shown + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")


# -- block builder -------------------------------------------------------------------------


@attrs.frozen(init=False)
class Xor:
    """An exclusive choice between branches, with optional branch probabilities.

    A branch is a step, a sequence (list or tuple) or a block; ``None`` means skip.
    """

    branches: tuple[Any, ...]
    probabilities: tuple[float, ...] | None

    def __init__(self, *branches: Any, probabilities: Sequence[float] | None = None) -> None:
        if len(branches) < 2:
            raise ModelError("an Xor block needs at least two branches")
        if probabilities is not None and len(probabilities) != len(branches):
            raise ModelError(
                f"an Xor block has {len(branches)} branches but {len(probabilities)} probabilities"
            )
        probs = None if probabilities is None else tuple(float(p) for p in probabilities)
        self.__attrs_init__(tuple(branches), probs)


@attrs.frozen(init=False)
class And:
    """Branches that all run, in any order or at the same time."""

    branches: tuple[Any, ...]

    def __init__(self, *branches: Any) -> None:
        if len(branches) < 2 or any(b is None for b in branches):
            raise ModelError("an And block needs at least two non-empty branches")
        self.__attrs_init__(tuple(branches))


@attrs.frozen
class Loop:
    """``body`` runs once, then again with ``probability`` (through ``redo`` when given)."""

    body: Any
    redo: Any = None
    probability: float | None = None


Block: TypeAlias = Step | Xor | And | Loop | Sequence[Any]


class _Builder:
    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.flows: list[Flow] = []
        self._ids = itertools.count(1)
        self._pending: dict[str, float] = {}

    def add(self, node: Node) -> str:
        self.nodes.append(node)
        return node.id

    def connect(self, source: str, target: str, probability: float | None = None) -> None:
        if probability is None:
            probability = self._pending.pop(source, None)
        self.flows.append(Flow(source, target, probability))

    def gateway(self, kind: GatewayKind) -> str:
        prefix = "xor" if kind is GatewayKind.EXCLUSIVE else "and"
        return self.add(Gateway(f"{prefix}{next(self._ids)}", kind))

    def chain(self, last: str, blocks: Sequence[Any], probability: float | None = None) -> str:
        """Append ``blocks`` after node ``last``; the first flow gets ``probability``."""
        for block in blocks:
            last = self.block(last, block, probability)
            probability = None
        return last

    def block(self, last: str, block: Any, probability: float | None) -> str:
        if isinstance(block, Step):
            self.connect(last, self.add(block), probability)
            return block.id
        if isinstance(block, list | tuple):
            return self.chain(last, block, probability)
        if isinstance(block, Xor | And):
            return self.split(last, block, probability)
        if isinstance(block, Loop):
            return self.loop(last, block, probability)
        raise ModelError(f"cannot build a process from {block!r}; use Step, Xor, And or Loop")

    def split(self, last: str, block: Xor | And, probability: float | None) -> str:
        kind = GatewayKind.EXCLUSIVE if isinstance(block, Xor) else GatewayKind.PARALLEL
        split = self.gateway(kind)
        self.connect(last, split, probability)
        join = self.gateway(kind)
        probs = getattr(block, "probabilities", None) or [None] * len(block.branches)
        for branch, p in zip(block.branches, probs, strict=True):
            if branch is None or branch == []:
                self.connect(split, join, p)
            else:
                self.connect(self.chain(split, [branch], p), join)
        return join

    def loop(self, last: str, block: Loop, probability: float | None) -> str:
        entry = self.gateway(GatewayKind.EXCLUSIVE)
        self.connect(last, entry, probability)
        exit_ = self.gateway(GatewayKind.EXCLUSIVE)
        self.connect(self.chain(entry, [block.body]), exit_)
        p = block.probability
        if block.redo is None:
            self.connect(exit_, entry, p)
        else:
            self.connect(self.chain(exit_, [block.redo], p), entry)
        if p is not None:
            # The flow that leaves the loop is made by whatever comes next.
            self._pending[exit_] = 1.0 - p
        return exit_
