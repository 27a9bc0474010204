"""The service-process model: construction, every validation error, the builder, lookups."""

from __future__ import annotations

import networkx as nx
import pytest

from bpr import (
    And,
    Event,
    Flow,
    Gateway,
    GatewayKind,
    Loop,
    ModelError,
    ServiceProcess,
    Step,
    StepKind,
    Xor,
)


def _process(nodes, flows, name="P"):
    return ServiceProcess(name, nodes=nodes, flows=flows)


def _start():
    return Event("start", "start")


def _end(node_id="end"):
    return Event(node_id, "end")


def _seq_nodes():
    return [_start(), Step("a", "A"), Step("b", "B"), _end()]


def _seq_flows():
    return [Flow("start", "a"), Flow("a", "b"), Flow("b", "end")]


# -- values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "teleport", "step 'x': unknown kind 'teleport'; expected one of: submit, verify"),
        ("actor", "robot", "step 'x': unknown actor 'robot'; expected one of: citizen"),
        ("channel", "fax", "step 'x': unknown channel 'fax'; expected one of: in_person"),
    ],
)
def test_unknown_enum_values_name_the_step_and_the_choices(field, value, message):
    with pytest.raises(ModelError) as err:
        Step("x", "X", **{field: value})
    assert str(err.value).startswith(message)


def test_enum_values_convert_from_text():
    step = Step("x", "X", kind="pay", actor="citizen", channel="web")
    assert (step.kind, step.actor.value, step.channel.value) == (StepKind.PAY, "citizen", "web")


@pytest.mark.parametrize("name", ["", "   "])
def test_step_needs_a_name(name):
    with pytest.raises(ModelError, match="step 'x': the name is empty"):
        Step("x", name)


@pytest.mark.parametrize("node_id", ["", None, 3])
def test_ids_must_be_text(node_id):
    with pytest.raises(ModelError, match="empty or non-text id"):
        Step(node_id, "X")


def test_gateway_and_event_kinds_are_checked():
    with pytest.raises(ModelError, match="gateway 'g': unknown kind 'inclusive'"):
        Gateway("g", "inclusive")
    with pytest.raises(ModelError, match="event 'e': unknown kind 'middle'"):
        Event("e", "middle")


def test_documents_parse_from_semicolon_text():
    step = Step("x", "X", documents_in="a; b ;;c", documents_out=["d", " "])
    assert step.documents_in == frozenset({"a", "b", "c"})
    assert step.documents_out == frozenset({"d"})


# -- structure -----------------------------------------------------------------------------


def test_valid_sequence_builds_a_frozen_graph():
    p = _process(_seq_nodes(), _seq_flows())
    assert list(nx.topological_sort(p.graph)) == ["start", "a", "b", "end"]
    with pytest.raises(nx.NetworkXError):
        p.graph.add_edge("a", "end")


def test_process_needs_a_name():
    with pytest.raises(ModelError, match="non-empty name"):
        _process(_seq_nodes(), _seq_flows(), name=" ")


def test_duplicate_ids():
    nodes = [*_seq_nodes(), Step("a", "Again")]
    with pytest.raises(ModelError, match="process 'P': duplicate node id 'a'"):
        _process(nodes, _seq_flows())


def test_dangling_flow():
    with pytest.raises(ModelError, match="flow b -> nowhere points to an unknown node 'nowhere'"):
        _process(_seq_nodes(), [*_seq_flows(), Flow("b", "nowhere")])


def test_duplicate_flow():
    flows = [*_seq_flows(), Flow("a", "b")]
    with pytest.raises(ModelError, match="two flows a -> b; keep one"):
        _process(_seq_nodes(), flows)


def test_non_nodes_and_non_flows_are_refused():
    with pytest.raises(ModelError, match="is not a Step, Gateway or Event"):
        _process([*_seq_nodes(), "a"], _seq_flows())
    with pytest.raises(ModelError, match="is not a Flow"):
        _process(_seq_nodes(), [*_seq_flows(), ("a", "b")])


def test_start_event_rules():
    nodes = [_start(), Step("a", "A"), _end()]
    with pytest.raises(ModelError, match="start event 'start' has 1 incoming and 1 outgoing"):
        _process(nodes, [Flow("start", "a"), Flow("a", "start")])
    with pytest.raises(ModelError, match="start event 'start' has 0 incoming and 0 outgoing"):
        _process([_start(), _end()], [])


def test_end_event_rules():
    nodes = [_start(), Step("a", "A"), _end(), Step("b", "B"), _end("end2")]
    flows = [Flow("start", "a"), Flow("a", "end"), Flow("end", "b"), Flow("b", "end2")]
    with pytest.raises(ModelError, match="end event 'end' has 1 incoming and 1 outgoing"):
        _process(nodes, flows)
    with pytest.raises(ModelError, match="end event 'end2' has 0 incoming and 0 outgoing"):
        _process([_start(), _end(), _end("end2")], [Flow("start", "end")])


def test_missing_start_or_end():
    with pytest.raises(ModelError, match="at least one start and one end event"):
        _process([Step("a", "A")], [])


def test_step_with_two_outgoing_flows_asks_for_a_gateway():
    nodes = [_start(), Step("a", "A"), Step("b", "B"), Step("c", "C"), _end()]
    flows = [Flow("start", "a"), Flow("a", "b"), Flow("a", "c"), Flow("b", "end")]
    with pytest.raises(ModelError) as err:
        _process(nodes, flows)
    assert "step 'a' has 1 incoming and 2 outgoing flows" in str(err.value)
    assert "put a gateway before or after it" in str(err.value)


@pytest.mark.parametrize(
    ("flows", "counts"),
    [
        ([("start", "g"), ("g", "a"), ("a", "end")], "1 incoming and 1 outgoing"),
        (
            [
                ("start", "x"),
                ("x", "a"),
                ("x", "b"),
                ("a", "g"),
                ("b", "g"),
                ("g", "c"),
                ("g", "d"),
                ("c", "y"),
                ("d", "y"),
                ("y", "end"),
            ],
            "2 incoming and 2 outgoing",
        ),
    ],
)
def test_gateway_must_be_a_split_or_a_join(flows, counts):
    nodes = [
        _start(),
        Gateway("g", "exclusive"),
        Gateway("x", "exclusive"),
        Gateway("y", "exclusive"),
        *(Step(s, s.upper()) for s in "abcd"),
        _end(),
    ]
    used = {n for f in flows for n in f}
    nodes = [n for n in nodes if n.id in used]
    with pytest.raises(ModelError, match=f"gateway 'g' has {counts} flows; a gateway is either"):
        _process(nodes, [Flow(*f) for f in flows])


def _choice(kind="exclusive", p_a=None, p_b=None):
    nodes = [
        _start(),
        Gateway("x", kind),
        Step("a", "A"),
        Step("b", "B"),
        Gateway("j", kind),
        _end(),
    ]
    flows = [
        Flow("start", "x"),
        Flow("x", "a", p_a),
        Flow("x", "b", p_b),
        Flow("a", "j"),
        Flow("b", "j"),
        Flow("j", "end"),
    ]
    return nodes, flows


def test_probabilities_are_kept_on_exclusive_splits():
    p = _process(*_choice(p_a=0.25, p_b=0.75))
    assert p.flow("x", "a").probability == 0.25


def test_probability_outside_an_exclusive_split_is_refused():
    with pytest.raises(ModelError, match="flow x -> a has a probability, but only the branches"):
        _process(*_choice(kind="parallel", p_a=0.5, p_b=0.5))
    nodes, flows = _seq_nodes(), _seq_flows()
    flows[1] = Flow("a", "b", 1.0)
    with pytest.raises(ModelError, match="flow a -> b has a probability"):
        _process(nodes, flows)


def test_probability_range_and_sum():
    with pytest.raises(ModelError, match="flow x -> a has probability 1.5; it must lie between"):
        _process(*_choice(p_a=1.5))
    with pytest.raises(ModelError, match="probabilities of exclusive split 'x' sum to 0.9, not 1"):
        _process(*_choice(p_a=0.4, p_b=0.5))
    with pytest.raises(ModelError, match="sum to 1.2, more than 1"):
        _partial_over_one()


def _partial_over_one():
    """Three branches, two with probabilities summing past 1 and one without."""
    nodes = [
        _start(),
        Gateway("x", "exclusive"),
        Step("a", "A"),
        Step("b", "B"),
        Step("c", "C"),
        Gateway("j", "exclusive"),
        _end(),
    ]
    flows = [
        Flow("start", "x"),
        Flow("x", "a", 0.7),
        Flow("x", "b", 0.5),
        Flow("x", "c"),
        Flow("a", "j"),
        Flow("b", "j"),
        Flow("c", "j"),
        Flow("j", "end"),
    ]
    return _process(nodes, flows)


def test_node_unreachable_from_start():
    nodes = [*_seq_nodes(), Step("c", "C"), Step("d", "D")]
    flows = [*_seq_flows(), Flow("c", "d"), Flow("d", "c")]
    with pytest.raises(ModelError, match="no path from a start event reaches 'c', 'd'"):
        _process(nodes, flows)


def test_trap_without_path_to_end():
    nodes = [
        _start(),
        Gateway("x", "exclusive"),
        Gateway("j", "exclusive"),
        Step("a", "A"),
        Gateway("y", "exclusive"),
        Step("b", "B"),
        _end(),
    ]
    flows = [
        Flow("start", "x"),
        Flow("x", "end"),
        Flow("x", "j"),
        Flow("j", "a"),
        Flow("a", "y"),
        Flow("y", "j"),
        Flow("y", "b"),
        Flow("b", "j"),
    ]
    with pytest.raises(ModelError, match="no path to an end event leaves 'j', 'a', 'y', 'b'"):
        _process(nodes, flows)


# -- equality, lookups, changes ------------------------------------------------------------


def test_equality_ignores_node_and_flow_order():
    nodes, flows = _seq_nodes(), _seq_flows()
    p = _process(nodes, flows)
    q = _process(list(reversed(nodes)), list(reversed(flows)))
    assert p == q and hash(p) == hash(q)
    assert p != _process(nodes, flows, name="Other")


def test_lookups():
    p = _process(*_choice(p_a=0.5, p_b=0.5))
    assert p.step("a").name == "A"
    assert p.node("x").kind is GatewayKind.EXCLUSIVE
    assert sorted(p.successors("x")) == ["a", "b"]
    assert p.predecessors("j") == ["a", "b"]
    assert "a" in p and "zz" not in p
    assert [n.id for n in p] == ["start", "x", "a", "b", "j", "end"] and len(p) == 6
    assert [e.id for e in p.starts] == ["start"] and [e.id for e in p.ends] == ["end"]
    with pytest.raises(ModelError, match="process 'P' has no node 'zz'"):
        p.node("zz")
    with pytest.raises(ModelError, match="node 'x' of process 'P' is not a step"):
        p.step("x")
    with pytest.raises(ModelError, match="process 'P' has no flow a -> b"):
        p.flow("a", "b")


def test_step_by_name_normalises_labels():
    p = ServiceProcess.from_blocks(
        "P", Step("a", "Check  Documents", name_fa="بررسي مدارك"), Step("b", "Pay")
    )
    assert p.step_by_name("check documents").id == "a"
    assert p.step_by_name("بررسی مدارک").id == "a"
    with pytest.raises(ModelError, match="has no step named 'Sign'"):
        p.step_by_name("Sign")
    twice = ServiceProcess.from_blocks("P", Step("a", "Pay"), Step("b", "pay"))
    with pytest.raises(ModelError, match="has 2 steps named 'PAY'"):
        twice.step_by_name("PAY")


def test_replace_steps_returns_a_new_valid_process():
    p = _process(_seq_nodes(), _seq_flows())
    q = p.replace_steps([Step("a", "A", kind="pay")])
    assert q.step("a").kind is StepKind.PAY and p.step("a").kind is None
    with pytest.raises(ModelError, match=r"has no steps \['zz'\]"):
        p.replace_steps({"zz": Step("zz", "Z")})


# -- builder -------------------------------------------------------------------------------


def _edges(p):
    return {(f.source, f.target, f.probability) for f in p.flows}


def test_builder_sequence():
    p = ServiceProcess.from_blocks("S", Step("a", "A"), [Step("b", "B"), Step("c", "C")])
    assert _edges(p) == {
        ("start", "a", None),
        ("a", "b", None),
        ("b", "c", None),
        ("c", "end", None),
    }


def test_builder_xor_with_skip_branch():
    p = ServiceProcess.from_blocks("X", Xor(Step("a", "A"), None, probabilities=[0.3, 0.7]))
    assert _edges(p) == {
        ("start", "xor1", None),
        ("xor1", "a", 0.3),
        ("a", "xor2", None),
        ("xor1", "xor2", 0.7),
        ("xor2", "end", None),
    }


def test_builder_and_block():
    p = ServiceProcess.from_blocks("A", And(Step("a", "A"), [Step("b", "B"), Step("c", "C")]))
    assert _edges(p) == {
        ("start", "and1", None),
        ("and1", "a", None),
        ("and1", "b", None),
        ("b", "c", None),
        ("a", "and2", None),
        ("c", "and2", None),
        ("and2", "end", None),
    }


def test_builder_loop_with_and_without_redo():
    plain = ServiceProcess.from_blocks("L", Loop(Step("a", "A"), probability=0.25))
    assert _edges(plain) == {
        ("start", "xor1", None),
        ("xor1", "a", None),
        ("a", "xor2", None),
        ("xor2", "xor1", 0.25),
        ("xor2", "end", 0.75),
    }
    redo = ServiceProcess.from_blocks(
        "L", Loop(Step("a", "A"), redo=Step("r", "Redo"), probability=0.1), Step("b", "B")
    )
    assert _edges(redo) == {
        ("start", "xor1", None),
        ("xor1", "a", None),
        ("a", "xor2", None),
        ("xor2", "r", 0.1),
        ("r", "xor1", None),
        ("xor2", "b", 0.9),
        ("b", "end", None),
    }


def test_builder_errors():
    with pytest.raises(ModelError, match="an Xor block needs at least two branches"):
        Xor(Step("a", "A"))
    with pytest.raises(ModelError, match="has 2 branches but 1 probabilities"):
        Xor(Step("a", "A"), Step("b", "B"), probabilities=[1.0])
    with pytest.raises(ModelError, match="an And block needs at least two non-empty branches"):
        And(Step("a", "A"), None)
    with pytest.raises(ModelError, match="cannot build a process from 42"):
        ServiceProcess.from_blocks("B", 42)


def test_a_field_nobody_gave_is_unknown_and_says_so():
    step = Step("a", "Apply")
    for field in ("kind", "actor", "agency", "channel", "citizen_present", "mandatory"):
        assert getattr(step, field) is None, field
        assert step.source_of(field) is None, field
    assert step.documents_in is None and step.documents_out is None  # unknown, not "none"
    assert Step("a", "Apply", documents_in="").documents_in == frozenset()  # known: none
    given = Step("a", "Apply", kind="other", mandatory=False)
    assert given.source_of("kind").origin == "model" and given.source_of("mandatory").origin == (
        "model"
    )
