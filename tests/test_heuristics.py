"""Each redesign heuristic: when it must apply, what it changes, and when it must not apply."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from bpr import (
    Actor,
    Channel,
    DurationStats,
    Event,
    Flow,
    Gateway,
    ServiceProcess,
    Step,
    StepKind,
    StepStats,
    Xor,
)
from bpr._edit import Editor
from bpr.heuristics import HEURISTICS, Constraints


def _applied(process, candidate):
    editor = Editor(process)
    candidate.apply(editor)
    return editor.build()


def _targets(heuristic, process, constraints=None):
    return [c.targets for c in HEURISTICS[heuristic].candidates(process, constraints)]


def _fetch_and_use(**producer):
    """The citizen fetches a clearance at the municipality and brings it to the police."""
    fields = dict(
        kind="inquiry", actor="front_office", agency="Municipality", channel="in_person",
        citizen_present=True, documents_out="toll clearance",
    )  # fmt: skip
    fields.update(producer)
    return ServiceProcess.from_blocks(
        "Fetch",
        Step("fetch", "Obtain toll clearance", **fields),
        Step("use", "Check file", kind="verify", agency="Police", documents_in="toll clearance"),
    )


def test_catalogue_entries_are_documented():
    assert set(HEURISTICS) == {
        "e_inquiry", "channel_shift", "counter_office", "single_window", "eliminate",
        "compose", "parallelize", "knockout_order", "automate",
    }  # fmt: skip
    for h in HEURISTICS.values():
        assert h.name and h.practice and h.applies_when and h.changes and h.effect


# -- e_inquiry -----------------------------------------------------------------------------


def test_e_inquiry_turns_the_fetching_trip_into_a_system_inquiry():
    p = _fetch_and_use()
    (candidate,) = HEURISTICS["e_inquiry"].candidates(p)
    assert candidate.targets == ("fetch",)
    assert "Municipality" in candidate.rationale and "Police" in candidate.rationale
    step = _applied(p, candidate).step("fetch")
    assert (step.actor, step.channel, step.citizen_present) == (Actor.SYSTEM, Channel.SYSTEM, False)
    assert step.documents_out == frozenset({"toll clearance"})  # the data still arrives


def test_e_inquiry_not_when_an_agency_is_off_the_network():
    p = _fetch_and_use()
    assert _targets("e_inquiry", p, Constraints(offline_agencies={"Municipality"})) == []
    assert _targets("e_inquiry", p, Constraints(offline_agencies=["Police"])) == []


def test_e_inquiry_not_within_one_agency_nor_without_a_citizen_trip():
    assert _targets("e_inquiry", _fetch_and_use(agency="Police")) == []
    assert _targets("e_inquiry", _fetch_and_use(citizen_present=False)) == []


def test_e_inquiry_moves_the_hand_in_when_the_fetch_must_stay_in_person():
    p = ServiceProcess.from_blocks(
        "Deed",
        Step("sign", "Sign deed", kind="sign", agency="Notary", citizen_present=True,
             fixed_channel=True, documents_out="deed"),
        Step("hand", "Hand in deed", kind="submit", agency="Police", citizen_present=True,
             channel="in_person", documents_in="deed"),
    )  # fmt: skip
    assert _targets("e_inquiry", p) == [("hand",)]
    # A locked step is still proposed: the planner reports the proposal as locked.
    assert _targets("e_inquiry", p, Constraints(locked={"Hand in deed"})) == [("hand",)]


# -- channel_shift -------------------------------------------------------------------------


def test_channel_shift_payment_becomes_e_payment_and_letter_becomes_sms():
    p = ServiceProcess.from_blocks(
        "Pay",
        Step("pay", "Pay fee", kind="pay", actor="citizen", agency="Bank", channel="in_person",
             citizen_present=True),
        Step("tell", "Send letter", kind="notify", channel="mail"),
    )  # fmt: skip
    candidates = {c.targets: c for c in HEURISTICS["channel_shift"].candidates(p)}
    assert set(candidates) == {("pay",), ("tell",)}
    paid = _applied(p, candidates["pay",]).step("pay")
    assert (paid.channel, paid.citizen_present) == (Channel.WEB, False)
    assert paid.source_of("channel").origin == "model"  # set by the change, not the as-is
    told = _applied(p, candidates["tell",]).step("tell")
    assert told.channel is Channel.SMS
    evidence = {(e.step, e.field): e for e in candidates["pay",].evidence}
    assert set(evidence) == {("Pay fee", "kind"), ("Pay fee", "citizen_present"),
                             ("Pay fee", "actor")}  # fmt: skip
    assert evidence["Pay fee", "citizen_present"].value is True


@pytest.mark.parametrize("payer", [None, "back_office"])
def test_channel_shift_not_for_a_payment_the_citizen_does_not_make(payer):
    # A payout by the organisation, or a payment by nobody knows whom, stays as it is.
    p = ServiceProcess.from_blocks(
        "Payout", Step("pay", "Payment handled", kind="pay", actor=payer, citizen_present=True)
    )
    assert _targets("channel_shift", p) == []


def test_channel_shift_of_a_fixed_channel_needs_a_legal_change():
    p = ServiceProcess.from_blocks(
        "Pay",
        Step("pay", "Pay", kind="pay", actor="citizen", citizen_present=True, fixed_channel=True),
    )
    (candidate,) = HEURISTICS["channel_shift"].candidates(p)
    assert candidate.needs_legal_change and "law fixes its channel" in candidate.rationale


def test_channel_shift_not_for_other_kinds_or_back_office():
    p = ServiceProcess.from_blocks(
        "P",
        Step("a", "Inspect car", kind="verify", citizen_present=True),
        Step("b", "Pay internally", kind="pay", channel="internal"),
    )
    assert _targets("channel_shift", p) == []


# -- counter_office and single_window ------------------------------------------------------


def _two_offices(**second):
    fields = dict(
        kind="submit", actor="front_office", agency="Tax", channel="in_person",
        citizen_present=True,
    )  # fmt: skip
    fields.update(second)
    return ServiceProcess.from_blocks(
        "Two",
        Step("a", "Apply", kind="submit", actor="front_office", agency="Police",
             channel="in_person", citizen_present=True),
        Step("b", "Declare", **fields),
    )  # fmt: skip


def test_counter_office_moves_front_office_steps():
    p = _two_offices()
    assert _targets("counter_office", p) == [("a",), ("b",)]
    moved = _applied(p, HEURISTICS["counter_office"].candidates(p)[0]).step("a")
    assert (moved.channel, moved.actor) == (Channel.COUNTER_OFFICE, Actor.COUNTER_OFFICE)
    assert moved.agency == "Police"  # still the agency's service


def test_counter_office_not_for_fixed_place_steps():
    assert _targets("counter_office", _two_offices(fixed_channel=True)) == [("a",)]


def test_single_window_joins_offices_and_not_a_single_office():
    p = _two_offices()
    assert _targets("single_window", p) == [("a", "b")]
    after = _applied(p, HEURISTICS["single_window"].candidates(p)[0])
    assert {s.channel for s in after.steps} == {Channel.COUNTER_OFFICE}
    assert _targets("single_window", _two_offices(agency="Police")) == []


# -- eliminate and compose -----------------------------------------------------------------


# What a written model states: no documents where none are listed, ten minutes of work.
KNOWN = {"documents_in": (), "documents_out": (), "duration": timedelta(minutes=10)}


def _approvals(**second):
    fields = dict(KNOWN, kind="approve", actor="back_office", agency="Police", mandatory=False)
    fields.update(second)
    return ServiceProcess.from_blocks(
        "Approvals",
        Step("a1", "Approve (head)", kind="approve", actor="back_office", agency="Police",
             mandatory=True, **KNOWN),
        Step("a2", "Approve (deputy)", **fields),
        Step("issue", "Issue", kind="issue", actor="back_office", agency="Police", **KNOWN),
    )  # fmt: skip


def test_eliminate_the_duplicate_approval():
    p = _approvals()
    (candidate,) = HEURISTICS["eliminate"].candidates(p)
    assert candidate.targets == ("a2",) and not candidate.needs_legal_change
    assert [s.id for s in _applied(p, candidate).steps] == ["a1", "issue"]
    facts = {(e.step, e.field): (e.value, e.source) for e in candidate.evidence}
    assert facts == {
        ("Approve (deputy)", "mandatory"): (False, "model"),
        ("Approve (deputy)", "kind"): (StepKind.APPROVE, "model"),
        ("Approve (head)", "kind"): (StepKind.APPROVE, "model"),
        ("Approve (deputy)", "later_use"): (False, "model"),
    }


@pytest.mark.parametrize("unknown", [{"mandatory": None}, {"documents_out": None}, {"kind": None}])
def test_eliminate_never_on_what_is_not_known(unknown):
    # Whether the law needs it, what it produces, what it is: any of them unknown, no removal.
    assert _targets("eliminate", _approvals(**unknown)) == []


def test_eliminate_not_when_a_later_step_may_need_the_output():
    p = _approvals(documents_out="approval letter")
    # The issuing step's needs are unknown: it may need the letter.
    p = p.replace_steps([Step("issue", "Issue", kind="issue", documents_in=None)])
    assert _targets("eliminate", p) == []


def test_eliminate_not_when_the_output_is_used():
    p = _approvals(documents_out="approval letter")
    p = p.replace_steps([Step("issue", "Issue", kind="issue", documents_in="approval letter")])
    assert _targets("eliminate", p) == []


def test_eliminate_of_a_mandatory_step_is_only_reported():
    (candidate,) = HEURISTICS["eliminate"].candidates(_approvals(mandatory=True))
    assert candidate.needs_legal_change and "legal change" in candidate.rationale


def test_eliminate_not_a_check_that_decides_a_branch():
    p = ServiceProcess.from_blocks(
        "Decide",
        Step("v1", "Check", kind="verify"),
        Step("v2", "Check again", kind="verify"),
        Xor(Step("ok", "Issue"), Step("no", "Reject"), probabilities=[0.8, 0.2]),
    )
    assert _targets("eliminate", p) == []


def _copying(**copy):
    """A step that re-enters the application the first step made, and feeds nothing."""
    fields = dict(
        KNOWN,
        kind="other",
        agency="Police",
        actor="front_office",
        mandatory=False,
        documented=False,
        documents_in="application",
    )
    fields.update(copy)
    return ServiceProcess.from_blocks(
        "Copy",
        Step("apply", "Apply", kind="submit", agency="Police", actor="front_office",
             **(KNOWN | {"documents_out": "application"})),
        Step("copy", "Type the application again", **fields),
        Step("issue", "Issue", kind="issue", agency="Police", actor="back_office",
             **(KNOWN | {"documents_in": "stamp"})),
    )  # fmt: skip


def test_eliminate_re_entry_of_held_data_marked_not_mandatory():
    (candidate,) = HEURISTICS["eliminate"].candidates(_copying())
    assert candidate.targets == ("copy",) and "re-enters data" in candidate.rationale
    assert [s.id for s in _applied(_copying(), candidate).steps] == ["apply", "issue"]


@pytest.mark.parametrize(
    "fields",
    [
        {"mandatory": None},  # undocumented and nobody said it is not required: a finding only
        {"mandatory": True, "kind": "pay"},
        {"documents_out": "stamp"},
        {"kind": "pay"},
        {"kind": None},
    ],
)
def test_eliminate_keeps_unknown_required_used_or_other_work(fields):
    assert _targets("eliminate", _copying(**fields)) == []


def test_eliminate_on_the_classifier_only_when_it_is_sure_and_nothing_says_it_matters():
    def copying(label, **fields):
        step = Step("copy", label, kind="other", **(KNOWN | fields))
        return ServiceProcess.from_blocks("Copy", step)

    explicit = "تهیه فتوکپی شناسنامه"  # a phrase: the classifier is sure (1.0)
    (candidate,) = HEURISTICS["eliminate"].candidates(copying(explicit))
    (waste,) = [e for e in candidate.evidence if e.field == "waste"]
    assert (waste.value, waste.source, waste.confidence) == ("copy", "classifier", 1.0)
    # A word is a pattern, not proof: it counts only once the analyst marks the step not
    # mandatory; and a step the written procedure names is never removed on the label alone.
    assert _targets("eliminate", copying("Photocopy the ID card")) == []
    assert _targets("eliminate", copying("Photocopy the ID card", mandatory=False)) == [("copy",)]
    assert _targets("eliminate", copying(explicit, documented=True)) == []
    (legal,) = HEURISTICS["eliminate"].candidates(copying(explicit, mandatory=True))
    assert legal.needs_legal_change


def test_compose_merges_steps_of_the_same_hands():
    p = _approvals()
    (candidate,) = HEURISTICS["compose"].candidates(p)
    assert candidate.targets == ("a1", "a2", "issue")
    merged = _applied(p, candidate).step("a1")
    assert merged.mandatory and merged.name == "Approve (head) + Approve (deputy) + Issue"
    assert merged.kind is None  # approvals and an issue: no one kind
    assert len(_applied(p, candidate).steps) == 1
    waits = [e for e in candidate.evidence if e.field == "waiting"]
    assert [(e.value, e.source) for e in waits] == [(timedelta(0), "model")] * 2
    assert "back_office" not in candidate.rationale and "the back office" in candidate.rationale


@pytest.mark.parametrize(
    "second", [{"actor": None}, {"agency": None}, {"actor": "citizen"}, {"duration": None}]
)
def test_compose_needs_known_hands_inside_one_agency_and_no_wait(second):
    p = _approvals(**second)
    p = p.replace_steps([attrs.evolve(p.step("issue"), actor=second.get("actor", "back_office"))])
    assert ("a1", "a2") not in _targets("compose", p)


def test_compose_not_across_a_wait_of_a_day_in_the_log():
    def stats(wait):
        waiting = DurationStats(wait, wait, wait)
        return StepStats(events=10, cases=10, waiting=waiting)

    def chain(wait):
        return ServiceProcess.from_blocks(
            "Wait",
            Step("a", "Send", kind="notify", actor="back_office", agency="A", stats=stats(wait)),
            Step("b", "Receive", kind="verify", actor="back_office", agency="A",
                 stats=stats(wait)),
        )  # fmt: skip

    assert _targets("compose", chain(timedelta(hours=23))) == [("a", "b")]
    assert _targets("compose", chain(timedelta(days=1))) == []


def test_composed_steps_keep_the_time_their_statistics_give():
    stats = StepStats(
        events=10, cases=10,
        working=DurationStats(timedelta(minutes=4), timedelta(minutes=5), timedelta(minutes=9)),
        waiting=DurationStats(timedelta(hours=1), timedelta(hours=2), timedelta(hours=3)),
    )  # fmt: skip
    p = ServiceProcess.from_blocks(
        "Stats",
        Step("a", "Review", kind="verify", actor="back_office", agency="A", stats=stats),
        Step("b", "Approve", kind="approve", actor="back_office", agency="A", stats=stats),
    )
    (candidate,) = HEURISTICS["compose"].candidates(p)
    # Each step's time is its mean working plus mean waiting time: 5 min + 2 h.
    assert _applied(p, candidate).step("a").duration == 2 * timedelta(hours=2, minutes=5)


def test_compose_not_across_a_handoff():
    assert _targets("compose", _approvals(agency="Tax")) == []


# -- parallelize ---------------------------------------------------------------------------


def _inquiries(second_needs=(), citizen=False):
    return ServiceProcess.from_blocks(
        "Inquiries",
        Step("q1", "Ask registry", kind="inquiry", agency="Registry", documents_in=(),
             documents_out="deed", citizen_present=citizen),
        Step("q2", "Ask police", kind="inquiry", agency="Police", documents_in=second_needs,
             documents_out=(), citizen_present=citizen),
        Step("d", "Decide", kind="decide"),
    )  # fmt: skip


def test_parallelize_independent_inquiries():
    p = _inquiries()
    (candidate,) = HEURISTICS["parallelize"].candidates(p)
    assert candidate.targets == ("q1", "q2")
    after = _applied(p, candidate)
    (split,) = after.predecessors("q1")
    assert after.node(split).kind.value == "parallel" and after.predecessors("q2") == [split]


@pytest.mark.parametrize(("needs", "citizen"), [("deed", False), ((), True), (None, False)])
def test_parallelize_not_dependent_steps_nor_two_trips(needs, citizen):
    assert _targets("parallelize", _inquiries(needs, citizen)) == []


# -- knockout_order ------------------------------------------------------------------------


def _checks(p1, p2, minutes1=10, minutes2=10):
    """Two checks, each rejecting a share of cases to its own end event."""
    nodes = [
        Event("start", "start"),
        Step(
            "c1",
            "Check identity",
            kind="verify",
            duration=timedelta(minutes=minutes1),
            documents_in=(),
            documents_out=(),
        ),
        Gateway("x1", "exclusive"),
        Step("r1", "Reject (identity)", kind="notify"),
        Event("end1", "end"),
        Step(
            "c2",
            "Check debts",
            kind="verify",
            duration=timedelta(minutes=minutes2),
            documents_in=(),
            documents_out=(),
        ),
        Gateway("x2", "exclusive"),
        Step("r2", "Reject (debts)", kind="notify"),
        Event("end2", "end"),
        Step("ok", "Issue", kind="issue"),
        Event("end", "end"),
    ]
    flows = [
        Flow("start", "c1"), Flow("c1", "x1"), Flow("x1", "r1", p1), Flow("r1", "end1"),
        Flow("x1", "c2", 1 - p1), Flow("c2", "x2"), Flow("x2", "r2", p2), Flow("r2", "end2"),
        Flow("x2", "ok", 1 - p2), Flow("ok", "end"),
    ]  # fmt: skip
    return ServiceProcess("Checks", nodes=nodes, flows=flows)


def test_knockout_puts_the_likely_rejection_first():
    p = _checks(0.05, 0.40)
    (candidate,) = HEURISTICS["knockout_order"].candidates(p)
    after = _applied(p, candidate)
    assert after.successors("start") == ["c2"]
    assert after.flow("x2", "c1").probability == pytest.approx(0.60)
    assert after.flow("x1", "ok").probability == pytest.approx(0.95)
    assert set(after.successors("x2")) == {"r2", "c1"}


def test_knockout_weighs_rejection_against_effort():
    # 0.40 / 100 min < 0.05 / 10 min: the cheap check already goes first.
    assert _targets("knockout_order", _checks(0.05, 0.40, minutes2=100)) == []


def test_knockout_not_when_already_in_order():
    assert _targets("knockout_order", _checks(0.40, 0.05)) == []


# -- automate ------------------------------------------------------------------------------


def test_automate_rule_based_checks():
    p = ServiceProcess.from_blocks(
        "Auto", Step("v", "Check completeness", kind="verify", actor="back_office",
                     rule_based=True)
    )  # fmt: skip
    (candidate,) = HEURISTICS["automate"].candidates(p)
    step = _applied(p, candidate).step("v")
    assert step.actor is Actor.SYSTEM and step.duration == timedelta(seconds=1)


def test_automate_respects_no_automation_and_discretion():
    decide = ServiceProcess.from_blocks(
        "Auto", Step("d", "Decide", kind="decide", actor="back_office", rule_based=True)
    )
    assert _targets("automate", decide, Constraints(no_automation={"decide"})) == []
    human = ServiceProcess.from_blocks("Auto", Step("v", "Review", kind=StepKind.VERIFY))
    assert _targets("automate", human) == []
