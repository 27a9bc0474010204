"""BPMN 2.0 in and out: shared model files, round trips, other tools' readers, the diagram."""

from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings

from bpr import (
    Actor,
    And,
    EventKind,
    FormatError,
    GatewayKind,
    Loop,
    ServiceProcess,
    Step,
    StepKind,
    Xor,
    read_bpmn,
    write_bpmn,
)

from .conftest import entity_bomb
from .strategies import processes

DATA = Path(__file__).parent / "data"
MODELS = DATA / "models"
JS = Path(__file__).parent / "js"

M = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
DI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
DC = "{http://www.omg.org/spec/DD/20100524/DC}"
WAYPOINT = "{http://www.omg.org/spec/DD/20100524/DI}waypoint"
QBP = "{http://www.qbp-simulator.com/Schema201212}"

# What each shared file must give: None reads, else the (tag, id) of the element refused.
EXPECTED = {
    "SimpleParallel.bpmn": None,
    "Subprocess1.bpmn": ("boundaryEvent", "sid-35F3ABE9-A169-4907-803C-F58E723E538A"),
    "ch7_CreditAppSimulation.bpmn": None,
    "ch7_InsuranceClaimsSimulationNormalSeason.bpmn": None,
    "receipt-discovered.bpmn": None,
    "running-example.bpmn": None,
    "simple_model.bpmn": None,
}
READABLE = sorted(name for name, refused in EXPECTED.items() if refused is None)


def test_every_shared_model_has_an_expectation() -> None:
    assert sorted(p.name for p in MODELS.glob("*.bpmn")) == sorted(EXPECTED)


# -- shared model files -----------------------------------------------------------------------


def _xml_facts(path: Path) -> dict[str, object]:
    """What the file holds, counted with the standard library's parser, not bpr's."""
    process = ET.parse(path).getroot().find(f"{M}process")
    flow_nodes = [e for e in process.iter() if e.tag.startswith(M) and e.get("id")]

    def local(e: ET.Element) -> str:
        return e.tag[len(M) :]

    def is_step(e: ET.Element) -> bool:
        # Tasks of any type, and sub-processes with nothing inside (collapsed).
        inner = [c for c in e if c.tag in (f"{M}task", f"{M}startEvent")]
        return local(e).lower().endswith("task") or (local(e) == "subProcess" and not inner)

    flows = [e for e in flow_nodes if local(e) == "sequenceFlow"]
    return {
        "step_names": sorted(e.get("name") for e in flow_nodes if is_step(e)),
        "gateways": collections.Counter(
            local(e) for e in flow_nodes if local(e).endswith("Gateway")
        ),
        "starts": sum(local(e) == "startEvent" for e in flow_nodes),
        "ends": sum(local(e) == "endEvent" for e in flow_nodes),
        "edges": sorted((e.get("sourceRef"), e.get("targetRef")) for e in flows),
    }


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shared_model_reads_or_names_the_unsupported_element(name: str) -> None:
    refused = EXPECTED[name]
    if refused is None:
        assert isinstance(read_bpmn(MODELS / name), ServiceProcess)
        return
    with pytest.raises(FormatError) as info:
        read_bpmn(MODELS / name)
    message = str(info.value)
    tag, element_id = refused
    assert str(MODELS / name) in message
    assert f"<{tag} id={element_id!r}" in message


@pytest.mark.parametrize("name", READABLE)
def test_shared_model_keeps_every_task_gateway_event_and_flow(name: str) -> None:
    # These files have no pass-through gateways and no activity with several incoming or
    # outgoing flows, so reading must keep every element and flow as it is.
    process = read_bpmn(MODELS / name)
    facts = _xml_facts(MODELS / name)
    assert sorted(s.name for s in process.steps) == facts["step_names"]
    kinds = collections.Counter(g.kind for g in process.gateways)
    gateways = facts["gateways"]
    assert kinds[GatewayKind.EXCLUSIVE] == gateways["exclusiveGateway"]
    assert kinds[GatewayKind.PARALLEL] == gateways["parallelGateway"]
    assert len(process.starts) == facts["starts"]
    assert len(process.ends) == facts["ends"]
    assert sorted((f.source, f.target) for f in process.flows) == facts["edges"]


def test_running_example_has_the_known_activities_and_structure() -> None:
    process = read_bpmn(MODELS / "running-example.bpmn")
    names = {s.name for s in process.steps}
    assert names == {
        "register request",
        "examine thoroughly",
        "examine casually",
        "check ticket",
        "decide",
        "reinitiate request",
        "pay compensation",
        "reject request",
    }
    graph = process.graph
    by_name = {s.name: s.id for s in process.steps}
    # "reinitiate request" loops back to the examination; the two examinations are
    # alternatives; "check ticket" runs in parallel with them.
    assert nx.has_path(graph, by_name["reinitiate request"], by_name["examine casually"])
    assert not nx.has_path(graph, by_name["pay compensation"], by_name["decide"])
    split = graph.nodes[process.predecessors(by_name["check ticket"])[0]]["node"]
    assert split.kind is GatewayKind.PARALLEL
    (choice,) = process.predecessors(by_name["examine casually"])
    assert process.node(choice).kind is GatewayKind.EXCLUSIVE
    assert by_name["examine thoroughly"] in process.successors(choice)


def test_simulation_probabilities_and_durations_are_read() -> None:
    path = MODELS / "ch7_CreditAppSimulation.bpmn"
    process = read_bpmn(path)
    root = ET.parse(path).getroot()
    wanted = {
        e.get("elementId"): float(e.get("executionProbability"))
        for e in root.iter(f"{QBP}sequenceFlow")
    }
    ids = {
        e.get("id"): (e.get("sourceRef"), e.get("targetRef")) for e in root.iter(f"{M}sequenceFlow")
    }
    got = {(f.source, f.target): f.probability for f in process.flows if f.probability}
    assert got == {ids[i]: p for i, p in wanted.items()}
    # BIMP keeps times in seconds: credit history NORMAL mean 600, assessment EXPONENTIAL
    # with mean in arg1 = 1200, feedback FIXED 0.
    assert process.step_by_name("Check credit history").duration == timedelta(minutes=10)
    assert process.step_by_name("Assess application").duration == timedelta(minutes=20)
    assert process.step_by_name("Receive customer feedback").duration == timedelta(0)
    # A branch label is the condition; BIMP's numeric copy of the probability is not.
    assert process.flow(*ids["sid-8AE82A7B-75EE-401B-8ABE-279FB05A3946"]).condition == "denied"
    assert process.flow(*ids["sid-AE313010-5715-438C-AD61-1C02F03DCF77"]).condition is None


@pytest.mark.parametrize("name", READABLE)
def test_shared_model_round_trips(name: str, tmp_path: Path) -> None:
    process = read_bpmn(MODELS / name)
    text = write_bpmn(process, tmp_path / name)
    again = read_bpmn(tmp_path / name)
    assert again == process
    assert write_bpmn(again) == text


# -- round trips of generated processes -------------------------------------------------------


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(processes())
def test_round_trip_is_exact_and_deterministic(process: ServiceProcess) -> None:
    text = write_bpmn(process)
    again = read_bpmn(text)
    assert again == process
    assert [n.id for n in again.nodes] == [n.id for n in process.nodes]
    assert write_bpmn(again) == text
    assert write_bpmn(process) == text


def test_write_to_path_returns_the_file_text(tmp_path: Path) -> None:
    process = ServiceProcess.from_blocks("نقل و انتقال", Step("a", "ثبت درخواست"))
    text = write_bpmn(process, tmp_path / "p.bpmn")
    assert (tmp_path / "p.bpmn").read_bytes() == text.encode("utf-8")
    assert read_bpmn(tmp_path / "p.bpmn") == process


def test_ids_that_are_not_xml_names_are_mapped_and_restored() -> None:
    process = ServiceProcess.from_blocks(
        "P", Step("گام ۱", "One"), Step("2 two", "Two"), Step("bpr_f1", "Three")
    )
    text = write_bpmn(process)
    ids = [e.get("id") for e in ET.fromstring(text).iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert all(i.isascii() and not i[0].isdigit() and " " not in i for i in ids)
    assert [s.id for s in read_bpmn(text).steps] == ["گام ۱", "2 two", "bpr_f1"]


def test_control_characters_are_a_format_error() -> None:
    # A step cannot hold one at all (bpr._read.check_text); a process name still reaches XML.
    process = ServiceProcess.from_blocks("P\x07", Step("a", "bell"))
    with pytest.raises(FormatError, match="cannot be written as XML"):
        write_bpmn(process)


# -- other tools read what bpr writes ---------------------------------------------------------


def _check_with_pm4py(process: ServiceProcess, path: Path) -> None:
    import pm4py
    from pm4py.objects.bpmn.obj import BPMN

    write_bpmn(process, path)
    graph = pm4py.read_bpmn(str(path))
    nodes = graph.get_nodes()
    tasks = [n for n in nodes if isinstance(n, BPMN.Task)]
    assert sorted(t.get_name() for t in tasks) == sorted(
        s.name.replace("\r", "").replace("\n", "") for s in process.steps
    )
    assert sum(isinstance(n, BPMN.ExclusiveGateway) for n in nodes) == sum(
        g.kind is GatewayKind.EXCLUSIVE for g in process.gateways
    )
    assert sum(isinstance(n, BPMN.ParallelGateway) for n in nodes) == sum(
        g.kind is GatewayKind.PARALLEL for g in process.gateways
    )
    assert sum(isinstance(n, BPMN.StartEvent) for n in nodes) == len(process.starts)
    assert sum(isinstance(n, BPMN.EndEvent) for n in nodes) == len(process.ends)
    # Each flow joins the same kinds of nodes (steps by name) in both readings.
    assert sorted(
        (_pm4py_label(f.get_source()), _pm4py_label(f.get_target())) for f in graph.get_flows()
    ) == sorted((_label(process, f.source), _label(process, f.target)) for f in process.flows)


def _pm4py_label(node: object) -> str:
    from pm4py.objects.bpmn.obj import BPMN

    if isinstance(node, BPMN.Task):
        return node.get_name()
    kinds = {
        BPMN.ExclusiveGateway: "exclusive",
        BPMN.ParallelGateway: "parallel",
        BPMN.StartEvent: "start",
        BPMN.EndEvent: "end",
    }
    return next(label for kind, label in kinds.items() if isinstance(node, kind))


def _label(process: ServiceProcess, node_id: str) -> str:
    node = process.node(node_id)
    if isinstance(node, Step):
        return node.name.replace("\r", "").replace("\n", "")
    return node.kind.value


@pytest.mark.parametrize("name", READABLE)
def test_pm4py_reads_the_written_shared_models(name: str, tmp_path: Path) -> None:
    _check_with_pm4py(read_bpmn(MODELS / name), tmp_path / name)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(processes(max_depth=2))
def test_pm4py_reads_written_processes(process: ServiceProcess) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        _check_with_pm4py(process, Path(folder) / "p.bpmn")


def _bpmn_moddle(path: Path, saved: Path | None = None) -> dict[str, object]:
    """What bpmn-moddle sees in ``path``; with ``saved``, the file as bpmn-moddle writes it."""
    node = shutil.which("node")
    if not (JS / "node_modules" / "bpmn-moddle").is_dir() or node is None:
        reason = "bpmn-moddle is not installed: run `npm ci --prefix tests/js` (needs node)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    done = subprocess.run(
        [node, str(JS / "parse.mjs"), str(path), *([str(saved)] if saved else [])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def test_bpmn_moddle_check_can_fail() -> None:
    # A Signavio export whose documentation ids are not XML names: bpmn-moddle warns.
    seen = _bpmn_moddle(MODELS / "ch7_CreditAppSimulation.bpmn")
    assert any("illegal ID" in w for w in seen["warnings"])


def _moddle_agrees(process: ServiceProcess, path: Path) -> None:
    write_bpmn(process, path)
    saved = path.with_name("saved-by-bpmn-moddle.bpmn")
    seen = _bpmn_moddle(path, saved)
    assert seen["warnings"] == []
    # What bpmn.io saves back (extensions and bpr:id kept) reads as the same process.
    assert read_bpmn(saved) == process
    types = collections.Counter(e["type"] for e in seen["flowElements"])
    assert types["bpmn:Task"] + types["bpmn:ServiceTask"] == len(process.steps)
    assert types["bpmn:SequenceFlow"] == len(process.flows)
    assert types["bpmn:ExclusiveGateway"] + types["bpmn:ParallelGateway"] == len(process.gateways)
    agencies = {s.agency for s in process.steps}
    assert set(seen["lanes"]) == (agencies if agencies != {None} else set())


@pytest.mark.parametrize("name", READABLE)
def test_bpmn_moddle_parses_written_shared_models_without_warnings(
    name: str, tmp_path: Path
) -> None:
    _moddle_agrees(read_bpmn(MODELS / name), tmp_path / name)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(processes(max_depth=2, line_breaks=False))
def test_bpmn_moddle_parses_written_processes_without_warnings(process: ServiceProcess) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        _moddle_agrees(process, Path(folder) / "p.bpmn")


# -- the diagram ------------------------------------------------------------------------------


def _diagram(text: str) -> tuple[dict[str, tuple[float, ...]], dict[str, list[tuple[float, ...]]]]:
    root = ET.fromstring(text)
    shapes = {
        s.get("bpmnElement"): tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))
        for s in root.iter(f"{DI}BPMNShape")
        for b in s.iter(f"{DC}Bounds")
    }
    edges = {
        e.get("bpmnElement"): [(float(w.get("x")), float(w.get("y"))) for w in e.iter(WAYPOINT)]
        for e in root.iter(f"{DI}BPMNEdge")
    }
    return shapes, edges


@settings(max_examples=30, deadline=None)
@given(processes(max_depth=2))
def test_diagram_is_non_negative_and_runs_left_to_right(process: ServiceProcess) -> None:
    text = write_bpmn(process)
    shapes, edges = _diagram(text)
    root = ET.fromstring(text)
    element_of = {e.get("id"): e for e in root.iter() if e.get("id")}
    model_id = {i: e.get("{https://govbpr.org/schema/bpmn/1}id", i) for i, e in element_of.items()}
    assert all(v >= 0 for box in shapes.values() for v in box)
    assert all(v >= 0 for points in edges.values() for point in points for v in point)
    flow_elements = [e for e in root.iter(f"{M}sequenceFlow")]
    assert len(edges) == len(flow_elements) == len(process.flows)
    assert len([i for i in shapes if model_id[i] in process]) == len(process.nodes)
    backwards = 0
    for flow in flow_elements:
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if shapes[target][0] <= shapes[source][0]:
            # Only a flow that closes a loop may point back.
            assert nx.has_path(process.graph, model_id[target], model_id[source])
            backwards += 1
    assert backwards <= len(process.gateways) // 2


@settings(max_examples=30, deadline=None)
@given(processes(max_depth=2))
def test_lanes_enclose_their_nodes(process: ServiceProcess) -> None:
    text = write_bpmn(process)
    shapes, _ = _diagram(text)
    root = ET.fromstring(text)
    lanes = list(root.iter(f"{M}lane"))
    agencies = {s.agency for s in process.steps}
    if agencies == {None}:
        assert lanes == []
        return
    assert {lane.get("name") for lane in lanes} == agencies
    placed = [ref.text for lane in lanes for ref in lane.iter(f"{M}flowNodeRef")]
    assert sorted(placed) == sorted(
        {e.get("id") for e in root.iter() if e.tag.endswith(("Task", "task", "Gateway", "Event"))}
    )
    pool = shapes["bpr_participant"]
    for lane in lanes:
        lx, ly, lw, lh = shapes[lane.get("id")]
        assert pool[0] <= lx and lx + lw <= pool[0] + pool[2]
        assert pool[1] <= ly and ly + lh <= pool[1] + pool[3]
        for ref in lane.iter(f"{M}flowNodeRef"):
            x, y, w, h = shapes[ref.text]
            assert lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh
    for step in process.steps:
        lane_names = [
            lane.get("name")
            for lane in lanes
            if any(_model_id(root, r.text) == step.id for r in lane.iter(f"{M}flowNodeRef"))
        ]
        assert lane_names == [step.agency]


def _model_id(root: ET.Element, xml_id: str) -> str:
    element = next(e for e in root.iter() if e.get("id") == xml_id)
    return element.get("{https://govbpr.org/schema/bpmn/1}id", xml_id)


def test_layout_of_a_known_process() -> None:
    process = ServiceProcess.from_blocks(
        "Known",
        Step("a", "A"),
        And(Step("b", "B"), [Step("c", "C"), Step("d", "D")]),
        Loop(Step("e", "E"), probability=0.1),
    )
    shapes, _ = _diagram(write_bpmn(process))
    column = {n: shapes[n][0] + shapes[n][2] / 2 for n in shapes}
    # Longest path from the start: start 0, a 1, and1 2, b/c 3, d 4, and2 5, xor 6, e 7.
    assert [column[n] for n in ("start", "a", "and1", "b", "c", "d", "and2", "e", "end")] == [
        100 + 160 * i for i in (0, 1, 2, 3, 3, 4, 5, 7, 9)
    ]
    assert shapes["b"][1] != shapes["c"][1]  # parallel branches on separate rows


# -- reading other tools' constructs ----------------------------------------------------------


def _definitions(body: str, collaboration: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="x">'
        f'{collaboration}<process id="p" name="Test">{body}</process></definitions>'
    )


def _flows(*pairs: str) -> str:
    return "".join(
        f'<sequenceFlow id="f{i}" sourceRef="{s}" targetRef="{t}"/>'
        for i, pair in enumerate(pairs)
        for s, t in [pair.split(">")]
    )


def test_lanes_become_agencies_and_task_types_hint_the_actor() -> None:
    text = _definitions(
        '<laneSet id="ls"><lane id="l1" name="Registry office"><flowNodeRef>a</flowNodeRef>'
        '</lane><lane id="l2" name="Tax office"><flowNodeRef>b</flowNodeRef>'
        "<flowNodeRef>c</flowNodeRef></lane></laneSet>"
        '<startEvent id="s"/><userTask id="a" name="Apply"/><serviceTask id="b" name="Check"/>'
        '<businessRuleTask id="c" name="Decide"/><endEvent id="e"/>'
        + _flows("s>a", "a>b", "b>c", "c>e")
    )
    process = read_bpmn(text)
    assert [(s.agency, s.actor, s.rule_based) for s in process.steps] == [
        ("Registry office", None, False),
        ("Tax office", Actor.SYSTEM, False),
        ("Tax office", Actor.SYSTEM, True),
    ]


def test_sub_process_is_flattened_into_its_parent() -> None:
    text = _definitions(
        '<startEvent id="s"/><task id="a" name="A"/>'
        '<subProcess id="sp" name="Review">'
        '<startEvent id="ss"/><task id="b" name="B"/><intermediateCatchEvent id="t" name="Wait">'
        '<timerEventDefinition id="td"/></intermediateCatchEvent>'
        '<intermediateThrowEvent id="m" name="Notify"><messageEventDefinition id="md"/>'
        '</intermediateThrowEvent><endEvent id="se"/>'
        + _flows("ss>b", "b>t", "t>m", "m>se").replace('id="f', 'id="g')
        + '</subProcess><task id="c" name="C"/><endEvent id="e"/>'
        + _flows("s>a", "a>sp", "sp>c", "c>e")
    )
    process = read_bpmn(text)
    assert [(s.id, s.kind) for s in process.steps] == [
        ("a", StepKind.OTHER),
        ("b", StepKind.OTHER),
        ("t", StepKind.WAIT),
        ("m", StepKind.OTHER),
        ("c", StepKind.OTHER),
    ]
    assert sorted((f.source, f.target) for f in process.flows) == sorted(
        [("s", "a"), ("a", "b"), ("b", "t"), ("t", "m"), ("m", "c"), ("c", "e")]
    )
    assert process.gateways == ()


def test_implicit_splits_and_joins_become_gateways() -> None:
    # a has two plain outgoing flows (a parallel split in BPMN); d has two incoming flows
    # (each token passes on: an exclusive join); g passes one flow through and is dropped;
    # m is an event-based gateway (an exclusive choice).
    text = _definitions(
        '<startEvent id="s"/><task id="a" name="A"/><task id="b" name="B"/>'
        '<task id="c" name="C"/><task id="d" name="D"/>'
        '<exclusiveGateway id="g"/><eventBasedGateway id="m"/>'
        '<task id="x" name="X"/><task id="y" name="Y"/><endEvent id="e1"/><endEvent id="e2"/>'
        + _flows("s>a", "a>b", "a>c", "b>d", "c>g", "g>d", "d>m", "m>x", "m>y", "x>e1", "y>e2")
    )
    process = read_bpmn(text)
    split = process.node("a_split")
    join = process.node("d_join")
    assert split.kind is GatewayKind.PARALLEL and join.kind is GatewayKind.EXCLUSIVE
    assert process.successors("a") == ["a_split"]
    assert sorted(process.successors("a_split")) == ["b", "c"]
    assert sorted(process.predecessors("d_join")) == ["b", "c"]
    assert "g" not in process
    assert process.node("m").kind is GatewayKind.EXCLUSIVE
    assert sorted(process.successors("m")) == ["x", "y"]


def test_mixed_gateway_becomes_join_then_split() -> None:
    text = _definitions(
        '<startEvent id="s"/><parallelGateway id="p1"/><task id="a" name="A"/>'
        '<task id="b" name="B"/><parallelGateway id="m"/><task id="c" name="C"/>'
        '<task id="d" name="D"/><parallelGateway id="j"/><endEvent id="e"/>'
        + _flows("s>p1", "p1>a", "p1>b", "a>m", "b>m", "m>c", "m>d", "c>j", "d>j", "j>e")
    )
    process = read_bpmn(text)
    assert process.node("m_join").kind is GatewayKind.PARALLEL
    assert sorted(process.predecessors("m_join")) == ["a", "b"]
    assert process.successors("m_join") == ["m"]
    assert sorted(process.successors("m")) == ["c", "d"]


@pytest.mark.parametrize(
    ("element", "tag", "element_id"),
    [
        ('<inclusiveGateway id="og"/>', "inclusiveGateway", "og"),
        ('<complexGateway id="cg"/>', "complexGateway", "cg"),
        ('<boundaryEvent id="be" attachedToRef="a"/>', "boundaryEvent", "be"),
        ('<adHocSubProcess id="ah"/>', "adHocSubProcess", "ah"),
        ('<subProcess id="ev" triggeredByEvent="true"/>', "subProcess", "ev"),
        ('<dataStore id="ds"/>', "dataStore", "ds"),
    ],
)
def test_unsupported_elements_are_named(element: str, tag: str, element_id: str) -> None:
    text = _definitions(
        f'<startEvent id="s"/><task id="a" name="A"/><endEvent id="e"/>{element}'
        + _flows("s>a", "a>e")
    )
    with pytest.raises(FormatError, match=f"<{tag} id='{element_id}'"):
        read_bpmn(text)


def test_looping_task_and_link_event_are_named() -> None:
    looping = _definitions(
        '<startEvent id="s"/><task id="a" name="A"><standardLoopCharacteristics/></task>'
        '<endEvent id="e"/>' + _flows("s>a", "a>e")
    )
    with pytest.raises(FormatError, match="<task id='a' name='A'>: looping activities"):
        read_bpmn(looping)
    link = looping.replace("<standardLoopCharacteristics/>", "").replace(
        '<endEvent id="e"/>',
        '<intermediateThrowEvent id="l"><linkEventDefinition/>'
        '</intermediateThrowEvent><endEvent id="e"/>',
    )
    with pytest.raises(FormatError, match="<intermediateThrowEvent id='l'>: link events"):
        read_bpmn(link)


def test_conditional_flows_from_a_task_are_refused() -> None:
    text = _definitions(
        '<startEvent id="s"/><task id="a" name="A"/><task id="b" name="B"/>'
        '<task id="c" name="C"/><endEvent id="e"/>'
        '<sequenceFlow id="f1" sourceRef="s" targetRef="a"/>'
        '<sequenceFlow id="f2" sourceRef="a" targetRef="b">'
        "<conditionExpression>x</conditionExpression></sequenceFlow>"
        '<sequenceFlow id="f3" sourceRef="a" targetRef="c">'
        "<conditionExpression>y</conditionExpression></sequenceFlow>"
        + _flows("b>e", "c>e").replace('id="f', 'id="g')
    )
    with pytest.raises(FormatError, match="<task id='a' name='A'>: conditional flows"):
        read_bpmn(text)


def test_conditions_on_exclusive_branches_are_kept() -> None:
    text = _definitions(
        '<startEvent id="s"/><exclusiveGateway id="x"/><task id="b" name="B"/>'
        '<task id="c" name="C"/><endEvent id="e"/>'
        '<sequenceFlow id="f1" sourceRef="s" targetRef="x"/>'
        '<sequenceFlow id="f2" sourceRef="x" targetRef="b"><conditionExpression '
        'xsi:type="tFormalExpression">${amount &gt; 100}</conditionExpression></sequenceFlow>'
        '<sequenceFlow id="f3" sourceRef="x" targetRef="c" name="small"/>'
        + _flows("b>e", "c>e").replace('id="f', 'id="g')
    )
    process = read_bpmn(text)
    assert process.flow("x", "b").condition == "${amount > 100}"
    assert process.flow("x", "c").condition == "small"


def test_several_pools_with_processes_are_refused() -> None:
    text = _definitions(
        '<startEvent id="s"/><task id="a" name="A"/><endEvent id="e"/>' + _flows("s>a", "a>e")
    ).replace(
        "</definitions>",
        '<process id="q"><startEvent id="s2"/><endEvent id="e2"/>'
        '<sequenceFlow id="h" sourceRef="s2" targetRef="e2"/></process></definitions>',
    )
    with pytest.raises(FormatError, match="<process id='q'>: the file holds 2 processes"):
        read_bpmn(text)


def test_dangling_elements_and_flows_are_named() -> None:
    no_out = _definitions(
        '<startEvent id="s"/><task id="a" name="A"/><task id="b" name="B"/><endEvent id="e"/>'
        + _flows("s>a", "a>e", "a>b")
    )
    with pytest.raises(FormatError, match="<task id='b' name='B'>: the element has no outgoing"):
        read_bpmn(no_out)
    unknown = _definitions('<startEvent id="s"/><endEvent id="e"/>' + _flows("s>e", "s>zz"))
    with pytest.raises(FormatError, match="<sequenceFlow id='f1'>: targetRef 'zz'"):
        read_bpmn(unknown)


# -- bad and hostile files --------------------------------------------------------------------


def test_missing_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no such file") as info:
        read_bpmn(tmp_path / "absent.bpmn")
    assert "absent.bpmn" in str(info.value)


def test_malformed_xml_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.bpmn"
    path.write_text(_definitions('<task id="a" name="A">')[:-20], encoding="utf-8")
    with pytest.raises(FormatError, match="broken.bpmn: not well-formed XML"):
        read_bpmn(path)


def test_other_xml_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "log.xes"
    path.write_text('<log xmlns="http://www.xes-standard.org/"/>', encoding="utf-8")
    with pytest.raises(FormatError, match="log.xes: not a BPMN 2.0 file"):
        read_bpmn(path)


BILLION_LAUGHS = (
    entity_bomb("definitions")
    + '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p">'
    + """
<startEvent id="s"/><task id="a" name="x">{use}</task><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="a"/>
<sequenceFlow id="f2" sourceRef="a" targetRef="e"/>
</process></definitions>
"""
)


@pytest.mark.parametrize("use", ["<documentation>&lol9;</documentation>", ""])
def test_billion_laughs_is_refused_without_expansion(use: str, tmp_path: Path) -> None:
    path = tmp_path / "laughs.bpmn"
    path.write_text(BILLION_LAUGHS.format(use=use), encoding="utf-8")
    with pytest.raises(FormatError, match="laughs.bpmn") as info:
        read_bpmn(path)
    assert "lollol" not in str(info.value)


@pytest.mark.parametrize("where", ["name", "text"])
def test_external_entity_is_refused_and_not_loaded(where: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    name, text = ("&xxe;", "") if where == "name" else ("x", "<documentation>&xxe;</documentation>")
    path = tmp_path / "xxe.bpmn"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE definitions [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p">'
        f'<startEvent id="s"/><task id="a" name="{name}">{text}</task><endEvent id="e"/>'
        '<sequenceFlow id="f1" sourceRef="s" targetRef="a"/>'
        '<sequenceFlow id="f2" sourceRef="a" targetRef="e"/></process></definitions>',
        encoding="utf-8",
    )
    with pytest.raises(FormatError, match="xxe.bpmn") as info:
        read_bpmn(path)
    assert "TOP-SECRET" not in str(info.value)


def test_bad_bpr_extension_value_names_the_element() -> None:
    process = ServiceProcess.from_blocks("P", Step("a", "Apply", kind="pay", mandatory=False))
    text = write_bpmn(process).replace('kind="pay"', 'kind="teleport"')
    with pytest.raises(FormatError, match="<task id='a' name='Apply'>: bad step data"):
        read_bpmn(text)
    text = write_bpmn(process).replace('mandatory="false"', 'mandatory="maybe"')
    with pytest.raises(FormatError, match="mandatory='maybe' is not true or false"):
        read_bpmn(text)


def test_xor_with_probabilities_survives_a_trip_through_written_text() -> None:
    process = ServiceProcess.from_blocks(
        "P",
        Xor(Step("a", "A"), [Step("b", "B"), Step("c", "C")], None, probabilities=[0.2, 0.3, 0.5]),
    )
    assert read_bpmn(write_bpmn(process)).flow("xor1", "xor2").probability == 0.5
    assert {e.kind for e in read_bpmn(write_bpmn(process)).events} == {
        EventKind.START,
        EventKind.END,
    }


@given(processes(max_depth=3, probabilities=True))
@settings(max_examples=10, deadline=None)
def test_strategy_can_put_probabilities_on_every_exclusive_split(process: ServiceProcess) -> None:
    for gateway in process.gateways:
        out = [process.flow(gateway.id, t) for t in process.successors(gateway.id)]
        if gateway.kind is GatewayKind.EXCLUSIVE and len(out) > 1:
            assert None not in [f.probability for f in out]
            assert sum(f.probability for f in out) == pytest.approx(1)
