"""Written procedures: numbering, facts and routes checked against hand-built processes."""

from __future__ import annotations

import pandas as pd
import pytest
from lxml import html as lxml_html

from bpr import (
    Event,
    Flow,
    Gateway,
    Loop,
    ServiceProcess,
    Step,
    StepStats,
    Xor,
    document,
    write_bpmn,
)
from bpr.document import Branch, Route
from bpr.examples import vehicle_transfer


@pytest.fixture(scope="module")
def vehicle():
    process = vehicle_transfer()
    return process, document(process)


def test_every_step_is_numbered_once_in_an_order_that_follows_the_flows(vehicle):
    process, procedure = vehicle
    assert [s.number for s in procedure.steps] == list(range(1, len(process.steps) + 1))
    assert sorted(s.id for s in procedure.steps) == sorted(s.id for s in process.steps)
    # Forward flows always lead to a higher number; the one loop leads back.
    ask = process.step_by_name("Ask the citizen for missing documents").id
    loop_back = {(ask, process.step_by_name("Check the documents").id)}
    for step in procedure.steps:
        for target in _targets(step.next):
            assert target > step.number or (step.id, _id(procedure, target)) in loop_back


def test_step_facts_come_from_the_model(vehicle):
    process, procedure = vehicle
    for written in procedure.steps:
        step = process.step(written.id)
        assert written.name == step.name
        assert written.agency == step.agency
        assert written.actor == (step.actor and str(step.actor))
        assert written.channel == (step.channel and str(step.channel))
        assert set(written.documents_in) == step.documents_in
        assert set(written.documents_out) == step.documents_out
        assert written.mandatory == step.mandatory


def test_choices_are_listed_by_frequency_and_loops_say_again():
    check = Step("check", "Check the documents")
    process = ServiceProcess.from_blocks(
        "Renewal",
        Step("apply", "Apply"),
        Loop(check, redo=Step("ask", "Ask for missing documents"), probability=0.2),
        Xor(
            Step("rare", "Refer to a committee"), Step("usual", "Approve"), probabilities=[0.1, 0.9]
        ),
    )
    procedure = document(process)
    numbers = {s.id: s.number for s in procedure.steps}
    check_step = _written(procedure, "check")
    assert check_step.next == Route(
        "choice",
        branches=(
            Branch(0.8 * 0.9, None, Route("step", step=numbers["usual"])),
            Branch(0.2, None, Route("step", step=numbers["ask"])),
            Branch(pytest.approx(0.8 * 0.1), None, Route("step", step=numbers["rare"])),
        ),
    )
    text = procedure.markdown
    assert f"step {numbers['check']}, *Check the documents* (again)" in text
    assert "  - in 72% of cases: step" in text and "  - in 8% of cases: step" in text


def test_shares_come_from_observed_frequencies_with_their_conditions():
    nodes = [
        Event("start", "start"),
        Step("a", "Assess", stats=StepStats(events=50, cases=40)),
        Gateway("x", "exclusive"),
        Step("b", "Grant"),
        Step("c", "Refuse"),
        Gateway("y", "exclusive"),
        Event("end", "end"),
    ]
    flows = [
        Flow("start", "a"),
        Flow("a", "x"),
        Flow("x", "c", frequency=10, condition="the documents are incomplete"),
        Flow("x", "b", frequency=30, condition="the documents are complete"),
        Flow("b", "y"),
        Flow("c", "y"),
        Flow("y", "end"),
    ]
    procedure = document(ServiceProcess("Grant", nodes=nodes, flows=flows))
    assess = _written(procedure, "a")
    assert [(b.share, b.condition) for b in assess.next.branches] == [
        (0.75, "the documents are complete"),
        (0.25, "the documents are incomplete"),
    ]
    assert (assess.cases, assess.events) == (40, 50)
    assert "- **Observed:** 40 cases, 50 executions" in procedure.markdown
    assert "in 75% of cases, if the documents are complete: step 2, *Grant*" in procedure.markdown
    assert _written(procedure, "b").next == Route("end")


def test_parallel_blocks_list_their_branches_and_what_follows(vehicle):
    _, procedure = vehicle
    before = next(s for s in procedure.steps if s.next.kind == "parallel")
    branches = {b.route.step for b in before.next.branches}
    assert len(branches) == 2 and before.next.then.kind == "step"
    after = before.next.then.step
    for number in branches:
        inside = procedure.steps[number - 1]
        assert inside.next == Route("join", then=Route("step", step=after))
    assert "- **Next:** all of, in any order" in procedure.markdown
    assert f"  - when all are done: step {after}," in procedure.markdown


def test_a_loop_whose_body_can_be_skipped_is_written_without_end():
    process = ServiceProcess.from_blocks(
        "Skip", Step("s", "Start"), Loop(Xor(Step("a", "Amend"), None)), Step("e", "End step")
    )
    procedure = document(process)
    start = _written(procedure, "s")
    assert {b.route.step for b in start.next.branches} == {2, 3}
    amend = _written(procedure, "a")
    assert {b.route.step for b in amend.next.branches} == {2, 3}


def test_a_log_is_discovered_first():
    events = pd.DataFrame(
        {
            "case": ["1", "1", "1", "2", "2", "3", "3"],
            "activity": ["Apply", "Review", "Issue", "Apply", "Issue", "Apply", "Issue"],
            "timestamp": pd.date_range("2024-01-01", periods=7, freq="h", tz="UTC"),
        }
    )
    procedure = document(events)
    counts = events.groupby("activity")["case"].nunique()
    assert {s.name: s.cases for s in procedure.steps} == counts.to_dict()
    assert [s.name for s in procedure.steps] == ["Apply", "Review", "Issue"]
    apply = procedure.steps[0]
    assert sorted((b.share, b.route.step) for b in apply.next.branches) == [
        (pytest.approx(1 / 3), 2),
        (pytest.approx(2 / 3), 3),
    ]


def test_a_bpmn_file_can_be_documented(tmp_path, vehicle):
    process, procedure = vehicle
    path = tmp_path / "vehicle.bpmn"
    write_bpmn(process, path)
    assert document(path).markdown == procedure.markdown


def test_html_shows_names_verbatim_and_carries_no_markup_from_them():
    process = ServiceProcess.from_blocks(
        "Permit <script>alert(1)</script>",
        Step("a", "Pay *fee* [online]", agency="Tax_Office", name_fa="پرداخت"),
        Step("b", "بررسی مدارک"),
    )
    procedure = document(process)
    page = procedure.to_html()
    tree = lxml_html.fromstring(page)
    assert tree.tag == "article" and tree.get("dir") == "auto"
    assert not tree.findall(".//script")
    assert [h.text_content() for h in tree.iter("h1", "h3")] == [
        "Permit <script>alert(1)</script>",
        "1. Pay *fee* [online]",
        "2. بررسی مدارک",
    ]
    assert "Tax_Office" in tree.text_content()
    assert procedure._repr_html_() == page
    assert str(procedure) == procedure.markdown


def test_the_same_process_gives_the_same_text(vehicle):
    _, procedure = vehicle
    again = document(vehicle_transfer())
    assert again.markdown == procedure.markdown and again.to_html() == procedure.to_html()


# -- helpers ------------------------------------------------------------------------------------


def _written(procedure, step_id):
    return next(s for s in procedure.steps if s.id == step_id)


def _id(procedure, number):
    return procedure.steps[number - 1].id


def _targets(route) -> list[int]:
    if route.kind == "step":
        return [route.step]
    found = [t for b in route.branches for t in _targets(b.route)]
    return found + (_targets(route.then) if route.then is not None else [])
