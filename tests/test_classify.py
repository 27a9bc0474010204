"""The bilingual keyword classifier, against two hand-labelled tables and hand-worked cases.

``data/labels.csv`` is the development table: its rules were written against it. Its misses
are the labels whose meaning the words do not carry (``Start trip``, ``Add penalty``).
``data/labels_heldout.csv`` is the held-out table: every other activity label of the logs and
a Persian set, labelled by reading them before the rules of issue 15 were written, and never
used to change a rule. How both were made is in ``data/README.md``. The accuracy reported in
the documentation (``docs/api/discover.md``) is recomputed here, and its floors are asserted.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpr import Actor, AnnotationError, Channel, StepKind
from bpr.classify import (
    DEFAULT_ACTOR,
    KIND_TERMS,
    SCORES,
    WASTE_TERMS,
    Classification,
    classify,
)
from bpr.labels import normalize

DATA = Path(__file__).parent / "data"
DEVELOPMENT = DATA / "labels.csv"
HELD_OUT = DATA / "labels_heldout.csv"
DOCS = Path(__file__).parent.parent / "docs" / "api" / "discover.md"
COLUMNS = ["label", "kind", "actor", "channel", "citizen_present", "source"]
FIELDS = ("kind", "actor", "channel", "citizen_present")
PERSIAN = re.compile("[\u0600-\u06ff]")
ZWNJ = "\u200c"
ARABIC = str.maketrans({"ی": "\u064a", "ک": "\u0643"})
HIGH = 0.75  # the confidence from which a guess is meant to be right nine times in ten

# The event log each real label of the tables was taken from.
LOGS = {
    "receipt": "logs/receipt.xes.gz",
    "roadtraffic": "logs/roadtraffic_1t_per_variant.xes.gz",
    "bpic2020": "logs/bpic2020_permit_1t_per_variant.xes.gz",
    "running-example": "logs/running-example.xes",
}


def read_table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def guessed(c: Classification, field: str) -> str:
    """A guess as the tables write it: blank for unknown, ``true``/``false`` for booleans."""
    value = getattr(c, field)
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


@attrs.frozen
class Scores:
    """How a table's labels were typed: per-field accuracy (a blank cell and an unknown guess
    agree), coverage (share of labels with a kind) and the high-confidence guesses."""

    labels: int
    coverage: float
    accuracy: dict[str, float]
    confident: int
    confident_right: int

    @property
    def precision(self) -> float:
        return self.confident_right / self.confident


def score(rows: list[dict[str, str]]) -> Scores:
    results = [(row, classify(row["label"])) for row in rows]
    for row, c in results:
        misses = [f for f in FIELDS if guessed(c, f) != row[f]]
        if misses:
            print(f"miss {row['label']!r} {misses}: want {[row[f] for f in misses]}, {c.rule!r}")
    confident = [(row, c) for row, c in results if c.confidence >= HIGH]
    return Scores(
        labels=len(rows),
        coverage=sum(c.kind is not None for _, c in results) / len(rows),
        accuracy={
            f: sum(guessed(c, f) == row[f] for row, c in results) / len(rows) for f in FIELDS
        },
        confident=len(confident),
        confident_right=sum(
            guessed(c, "kind") == row["kind"] and guessed(c, "actor") == row["actor"]
            for row, c in confident
        ),
    )


def from_logs(row: dict[str, str]) -> bool:
    return row["source"] in LOGS


# The subsets of the tables the documentation reports, by the name of their row there.
SUBSETS = {
    "development": (DEVELOPMENT, lambda row: True),
    "held-out": (HELD_OUT, lambda row: True),
    "held-out, logs": (HELD_OUT, from_logs),
    "held-out, Persian": (HELD_OUT, lambda row: row["source"] == "fa"),
}


def subset(name: str) -> list[dict[str, str]]:
    path, keep = SUBSETS[name]
    return [row for row in read_table(path) if keep(row)]


# -- the tables --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [DEVELOPMENT, HELD_OUT], ids=["development", "held-out"])
def test_table_is_valid(path: Path) -> None:
    rows = read_table(path)
    assert list(rows[0]) == COLUMNS
    # Spelling variants of one label may both be there: they are what the tables test.
    assert len({r["label"] for r in rows}) == len(rows)
    for row in rows:
        assert row["kind"] == "" or StepKind(row["kind"])
        assert row["actor"] == "" or Actor(row["actor"])
        assert row["channel"] == "" or Channel(row["channel"])
        assert row["citizen_present"] in ("", "true", "false")
        assert row["source"] in (*LOGS, "en", "fa")


def test_tables_are_apart_and_bilingual() -> None:
    development, held_out = read_table(DEVELOPMENT), read_table(HELD_OUT)
    keys = {normalize(r["label"]) for r in development}
    assert not keys & {normalize(r["label"]) for r in held_out}
    assert len(development) >= 60
    persian = [r["label"] for r in held_out if r["source"] == "fa"]
    assert len(persian) >= 60
    assert all(PERSIAN.search(label) for label in persian)
    # Spelling variants: Arabic yeh and kaf, zero-width non-joiners, a hamza seat, Arabic-Indic
    # digits and a tatweel.
    for mark in ("\u064a", "\u0643", ZWNJ, "ئ", "\u0665", "\u0640"):
        assert any(mark in label for label in persian), mark


def activities(path: Path) -> set[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    found = set()
    with opener(path, "rb") as f:
        for _, element in ET.iterparse(f):
            if element.tag.rpartition("}")[2] == "event":
                found |= {a.get("value") for a in element if a.get("key") == "concept:name"}
                element.clear()
    return found


@pytest.mark.parametrize("source", LOGS)
def test_every_activity_of_the_logs_is_in_exactly_one_table(source: str) -> None:
    def labels(path: Path) -> list[str]:
        return [r["label"] for r in read_table(path) if r["source"] == source]

    development, held_out = labels(DEVELOPMENT), labels(HELD_OUT)
    assert development
    assert sorted(development + held_out) == sorted(activities(DATA / LOGS[source]))


# -- accuracy ----------------------------------------------------------------------------------

# The floors: the figures measured when the rules were last changed, rounded down to 5 points.
# Coverage, then the accuracy of each field.
FLOORS = {
    "development": (0.95, {"kind": 0.95, "actor": 0.95, "channel": 0.95, "citizen_present": 0.95}),
    "held-out": (0.85, {"kind": 0.85, "actor": 0.8, "channel": 0.9, "citizen_present": 0.9}),
    "held-out, logs": (0.95, {"kind": 0.9, "actor": 0.9, "channel": 1.0, "citizen_present": 0.9}),
    "held-out, Persian": (
        0.8,
        {"kind": 0.8, "actor": 0.75, "channel": 0.85, "citizen_present": 0.85},
    ),
}


@pytest.mark.parametrize("name", SUBSETS)
def test_accuracy_floors(name: str) -> None:
    scores = score(subset(name))
    print(name, scores)
    coverage, accuracy = FLOORS[name]
    assert scores.coverage >= coverage
    for field, floor in accuracy.items():
        assert scores.accuracy[field] >= floor, field


@pytest.mark.parametrize("name", ["development", "held-out"])
def test_confident_guesses_are_right_nine_times_in_ten(name: str) -> None:
    scores = score(subset(name))
    assert scores.confident >= 20  # enough guesses for the share to mean something
    assert scores.precision >= 0.9


def docs_table() -> dict[str, list[str]]:
    """The rows of the table of measured figures in the documentation, by their first cell:
    the first table after the marker line."""
    text = DOCS.read_text(encoding="utf-8")
    lines = text.split("<!-- classifier-accuracy -->\n")[1].splitlines()
    table = itertools.takewhile(lambda line: line.startswith("|"), lines)
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table]
    return {cells[0]: cells[1:] for cells in rows[2:]}


def percent(share: float) -> str:
    return f"{math.floor(share * 100 + 0.5)} %"


def test_documentation_reports_the_measured_figures() -> None:
    table = docs_table()
    assert set(table) == set(SUBSETS)
    for name in SUBSETS:
        s = score(subset(name))
        expected = [
            str(s.labels),
            percent(s.coverage),
            *(percent(s.accuracy[f]) for f in FIELDS),
            f"{s.confident_right} of {s.confident} ({percent(s.precision)})",
        ]
        assert table[name] == expected, name


# -- spelling ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("بررسي مدارك", "بررسی مدارک"),  # Arabic yeh and kaf
        ("امضاي رئيس اداره", "امضای رئیس اداره"),
        ("بايگاني پرونده", "بایگانی پرونده"),
        (f"اطلاع{ZWNJ}رسانی به متقاضی", "اطلاع رسانی به متقاضی"),  # ZWNJ or space
        (f"درخواست{ZWNJ}ها بررسی می{ZWNJ}شوند", "درخواست ها بررسی می شوند"),
        ("تأیید مدیر", "تایید مدیر"),  # alef with hamza
        ("ثبت درخواست در دفتر پیشخوان دولت", "  ثبت   درخواست در دفتر پیشخوان دولت "),
        ("DECLARATION approved BY supervisor", "Declaration APPROVED by SUPERVISOR"),
        ("ارسال پرونده به دادگستري", "ارسال پرونده به دادگستری"),
    ],
)
def test_spelling_variants_classify_alike(variant: str, canonical: str) -> None:
    assert classify(variant) == classify(canonical)
    assert classify(canonical).kind is not None


def test_hamza_seat_variant_gives_the_same_types() -> None:
    # "تائید" keeps a different letter after normalisation, so only the rule text differs.
    a, b = classify("تائید معاون"), classify("تأیید معاون")
    assert (a.kind, a.actor, a.confidence) == (b.kind, b.actor, b.confidence)
    assert a.kind is StepKind.APPROVE


@given(
    st.lists(
        st.sampled_from(
            [
                "بررسی",
                "مدارک",
                "کارشناس",
                "توسط",
                "پیشخوان",
                "ی",
                "ک",
                "پرداخت",
                "متقاضی",
                "سامانه",
                "یارانه",
                "کمیسیون",
                "تحویل",
                "پیامک",
                "به",
                "در",
                "استعلام",
                "کپی",
                "ارسال",
                "نامه",
            ]
        ),
        min_size=1,
        max_size=6,
    )
)
def test_arabic_letters_and_zwnj_never_change_the_result(words: list[str]) -> None:
    label = " ".join(words)
    assert classify(label.translate(ARABIC)) == classify(label)
    assert classify(label.replace(" ", ZWNJ)) == classify(label)


# -- confidence and rules ----------------------------------------------------------------------


def test_confidence_is_the_product_of_the_kind_and_actor_evidence() -> None:
    cases = [
        ("Check with the tax office", "kind:phrase", "actor:default"),  # inquiry, a phrase
        ("Check the tax office", "kind:word", "actor:default"),  # verify, a word
        ("درخواست", "kind:hint", "actor:default_citizen"),  # submit, the hint "request"
        ("Site visit by inspector", "kind:phrase", "actor:word"),
        ("Declaration SUBMITTED by EMPLOYEE", "kind:word", "actor:hint"),
        ("Submit request at government counter office", "kind:word", "actor:place"),
        ("T05 Print and send confirmation of receipt", "kind:contested", "actor:default"),
        ("Declaration REJECTED by MISSING", "kind:word", "actor:unknown"),
        ("Refund of the application fee", "kind:word", "actor:payout"),
        ("register request", "kind:word", "actor:performer"),
        ("T03 Adjust confirmation of receipt", "kind:word", "actor:none"),
    ]
    for label, kind, actor in cases:
        expected = round(SCORES[kind] * SCORES[actor], 3)
        assert classify(label).confidence == expected, label
    assert classify("Start trip").confidence == 0.0


def test_weak_evidence_stays_below_the_high_confidence_threshold() -> None:
    weak = ["درخواست", "Declaration SUBMITTED by EMPLOYEE", "T05 Print and send confirmation"]
    assert all(classify(label).confidence < HIGH for label in weak)
    assert classify("Declaration APPROVED by SUPERVISOR").confidence >= HIGH


@pytest.mark.parametrize(
    ("label", "rule"),
    [
        ("پرداخت هزینه", "kind:pay<-'پرداخت'; actor:citizen<-kind:pay"),
        ("register request", "kind:submit<-'register'; actor:front_office<-'register'"),
        (
            "ارسال پیامک به متقاضی",
            "kind:notify<-'ارسال پیامک'; actor:back_office<-kind:notify; "
            "channel:sms<-'پیامک'; present:false<-channel:sms",
        ),
        (
            "Verify identity in person",
            "kind:verify<-'verify'; actor:front_office<-kind:verify+present; "
            "channel:in_person<-'in person'; present:true<-'in person'",
        ),
        (
            "Declaration FINAL_APPROVED by SUPERVISOR",
            "kind:approve<-'approved'; actor:back_office<-'supervisor'",
        ),
        ("Declaration REJECTED by MISSING", "kind:decide<-'rejected'; actor:unknown<-'by missing'"),
        (
            "Payment Handled",
            "kind:pay<-'payment'; actor:back_office<-payout:'payment handled'; "
            "payout:true<-'payment handled'",
        ),
        (
            "Send for Credit Collection",
            "kind:notify<-'send'; actor:back_office<-kind:notify; present:false<-'send'",
        ),
        (
            "Photocopy the applicant's ID card",
            "kind:other<-'photocopy'; waste:copy<-'photocopy'",
        ),
    ],
)
def test_rule_names_the_evidence(label: str, rule: str) -> None:
    assert classify(label).rule == rule


@pytest.mark.parametrize("label", ["UNKNOWN", "Start trip", "End trip", "V9715", "", "   ", "؟؟"])
def test_unknown_label_has_no_kind_and_zero_confidence(label: str) -> None:
    assert classify(label) == Classification(None, None, None, None, 0.0, "")


# -- kind --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Send file for approval", StepKind.NOTIFY),  # head verb; approval is the purpose
        ("ارسال پرونده برای تأیید", StepKind.NOTIFY),
        (f"پرونده برای تایید ارسال می{ZWNJ}شود", StepKind.NOTIFY),  # finite verb at the end
        ("Request For Payment APPROVED by BUDGET OWNER", StepKind.APPROVE),  # finite after "for"
        ("Check with the tax office", StepKind.INQUIRY),  # phrase over word
        ("T08 Draft and send request for advice", StepKind.INQUIRY),  # phrase over earlier word
        ("Send Reminder", StepKind.NOTIFY),
        ("Enquiry sent to police", StepKind.INQUIRY),  # earliest word
        ("ارائه فیش واریزی", StepKind.PAY),  # word over hint
        ("Court of Audit approval", StepKind.APPROVE),  # agency name hides "audit"
        ("سازمان بازرسی تایید می‌کند", StepKind.APPROVE),
        ("بازرسی محل", StepKind.VERIFY),
        ("T03 Adjust confirmation of receipt", StepKind.OTHER),
        ("ورود دوباره اطلاعات در سامانه", StepKind.OTHER),  # "اطلاعات" is data, not informing
    ],
)
def test_head_of_the_label_decides_the_kind(label: str, kind: StepKind) -> None:
    assert classify(label).kind is kind


@pytest.mark.parametrize(
    "label",
    [
        "Send Appeal to Prefecture",
        "Send for Credit Collection",
        "Send Fine",
        "ارسال پرونده به دادگستری",
        "Forward case to legal department",
        "ارجاع پرونده به واحد حقوقی",
    ],
)
def test_an_office_sending_is_a_notice_without_the_citizen(label: str) -> None:
    c = classify(label)
    assert (c.kind, c.actor, c.citizen_present) == (StepKind.NOTIFY, Actor.BACK_OFFICE, False)


@pytest.mark.parametrize(
    ("label", "channel"),
    [
        ("Send letter to the municipality by post", Channel.MAIL),
        ("Forward the file to the tax office via office automation", Channel.INTERNAL),
        ("ارسال نامه از طریق پست", Channel.MAIL),
    ],
)
def test_a_message_between_offices_keeps_its_channel(label: str, channel: Channel) -> None:
    c = classify(label)
    assert (c.kind, c.channel, c.citizen_present) == (StepKind.NOTIFY, channel, False)


@pytest.mark.parametrize(
    "label",
    [
        "Citizen brings the letter to the registry",
        "Applicant takes the inquiry letter to the police station",
        "مراجعه متقاضی و تحویل نامه",
        "آوردن گواهی از اداره ثبت توسط متقاضی",
        f"متقاضی نامه را به شهرداری می{ZWNJ}برد",
    ],
)
def test_transport_is_the_citizen_carrying_paper(label: str) -> None:
    c = classify(label)
    assert (c.kind, c.actor, c.citizen_present) == (StepKind.TRANSPORT, Actor.CITIZEN, True)


def test_no_send_is_a_transport_any_more() -> None:
    for label in ("Send", "send documents", "ارسال", "ارجاع", "dispatch the file"):
        assert classify(label).kind is StepKind.NOTIFY, label


# -- actor -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "actor"),
    [
        ("بررسی مدارک متقاضی توسط کارشناس", Actor.BACK_OFFICE),  # agent over subject
        ("Notify applicant by SMS", Actor.BACK_OFFICE),  # the applicant is the object
        ("ابلاغ رأی به متقاضی", Actor.BACK_OFFICE),  # the applicant is the recipient
        ("اعتراض به رای کمیسیون", Actor.CITIZEN),  # the commission is inside the recipient
        ("Submit request at government counter office", Actor.COUNTER_OFFICE),  # place
        ("Citizen pays at the counter office", Actor.CITIZEN),  # subject over place
        ("تایید مدیر", Actor.BACK_OFFICE),  # Persian ezafe names the performer
        ("pay compensation", Actor.BACK_OFFICE),  # the organisation pays out
        ("پاسخ استعلام شهرداری", Actor.EXTERNAL_AGENCY),
        ("صدور گواهی به صورت خودکار توسط سامانه", Actor.SYSTEM),
        ("Verify identity in person", Actor.FRONT_OFFICE),  # back office meets no citizen
        ("Payment", Actor.CITIZEN),  # the kind's default
        ("Inquiry to the civil registry", Actor.BACK_OFFICE),
        ("Request checked by clerk", Actor.FRONT_OFFICE),
    ],
)
def test_actor(label: str, actor: Actor) -> None:
    assert classify(label).actor is actor


@pytest.mark.parametrize(
    ("label", "actor"),
    [
        ("Declaration SUBMITTED by EMPLOYEE", Actor.CITIZEN),  # the employee asks
        ("Declaration REJECTED by EMPLOYEE", Actor.CITIZEN),
        ("Declaration SAVED by EMPLOYEE", Actor.CITIZEN),
        ("Declaration APPROVED by SUPERVISOR", Actor.BACK_OFFICE),
        ("Declaration REJECTED by ADMINISTRATION", Actor.BACK_OFFICE),
        ("Request For Payment APPROVED by BUDGET OWNER", Actor.BACK_OFFICE),
        ("Declaration APPROVED by PRE_APPROVER", Actor.BACK_OFFICE),
        ("ثبت درخواست توسط متقاضی", Actor.CITIZEN),
        ("بررسی مدارک توسط کارشناس", Actor.BACK_OFFICE),
        ("رد درخواست توسط مدیر", Actor.BACK_OFFICE),
    ],
)
def test_the_role_named_in_the_label_is_who_did_it(label: str, actor: Actor) -> None:
    assert classify(label).actor is actor


@pytest.mark.parametrize(
    "label",
    ["Travel claim REJECTED by MISSING", "Invoice approved by user 42", "تایید توسط واحد ۳"],
)
def test_an_agent_nobody_knows_leaves_the_actor_unknown(label: str) -> None:
    c = classify(label)
    assert c.kind is not None
    assert c.actor is None
    assert "actor:unknown<-" in c.rule


@pytest.mark.parametrize(
    "label", ["Notify applicant by SMS", "Send certificate by post", "Inspection required by law"]
)
def test_by_a_channel_or_the_law_names_no_agent(label: str) -> None:
    assert classify(label).actor is Actor.BACK_OFFICE


# -- who pays whom -----------------------------------------------------------------------------


OUT, IN = (Actor.BACK_OFFICE, True), (Actor.CITIZEN, False)


@pytest.mark.parametrize(
    ("label", "paid"),
    [
        # The organisation pays out: not a citizen step.
        ("Payment Handled", OUT),
        ("Refund of the application fee", OUT),
        ("Reimbursement of travel expenses to the employee", OUT),
        ("Payment made to the employee", OUT),
        ("Disbursement of the grant to the beneficiary", OUT),
        ("Pay salary to staff", OUT),
        ("Pay the contractor", OUT),
        ("pay compensation", OUT),
        ("پرداخت به پیمانکار", OUT),
        ("استرداد وجه به متقاضی", OUT),
        ("پرداخت حقوق به کارمند", OUT),
        # A citizen or business pays the agency.
        ("Company pays the licence fee", IN),
        ("Citizen pays the fine online", IN),
        ("پرداخت عوارض توسط مالک", IN),
        ("Applicant pays the fee at the bank", IN),
    ],
)
def test_who_pays_whom(label: str, paid: tuple[Actor, bool]) -> None:
    c = classify(label)
    assert (c.kind, (c.actor, c.payout)) == (StepKind.PAY, paid)


@pytest.mark.parametrize(
    "label",
    ["Payment", "Pay the fee", "پرداخت هزینه", "واریز وجه به حساب خزانه", "Request Payment"],
)
def test_a_payment_that_does_not_say_who_pays_whom(label: str) -> None:
    c = classify(label)
    assert (c.kind, c.payout) == (StepKind.PAY, None)


def test_payout_is_unknown_for_what_is_no_payment() -> None:
    assert classify("Request For Payment SUBMITTED by EMPLOYEE").payout is None
    assert classify("Check documents").payout is None


# -- patterns of waste -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "waste", "kind"),
    [
        ("Photocopy the applicant's ID card", "copy", StepKind.OTHER),
        ("تهیه فتوکپی شناسنامه", "copy", StepKind.OTHER),
        ("تهیه کپی مدارک", "copy", StepKind.OTHER),
        ("Second signature of the permit by the director", "second_signature", StepKind.SIGN),
        ("Sign the form again", "second_signature", StepKind.SIGN),
        ("امضای دوم نامه", "second_signature", StepKind.SIGN),
        ("امضای مجدد پروانه", "second_signature", StepKind.SIGN),
        ("Re-enter application data into the registry system", "re_entry", StepKind.OTHER),
        ("ورود دوباره اطلاعات در سامانه", "re_entry", StepKind.OTHER),
        ("Archive a paper copy of the scanned file", "paper_archive", StepKind.ARCHIVE),
        ("بایگانی کاغذی مدارک", "paper_archive", StepKind.ARCHIVE),
    ],
)
def test_an_explicit_pattern_of_waste_is_named_with_high_confidence(
    label: str, waste: str, kind: StepKind
) -> None:
    c = classify(label)
    assert (c.kind, c.waste) == (kind, waste)
    assert c.waste_confidence >= HIGH
    assert f"waste:{waste}<-" in c.rule


def test_a_bare_copy_is_waste_with_low_confidence() -> None:
    c = classify("Copy documents")
    assert (c.waste, c.waste_confidence) == ("copy", 0.5)


@pytest.mark.parametrize(
    "label",
    [
        "Submit a paper copy of the application",  # the step submits
        "ارائه کپی مدارک توسط متقاضی",
        "Archive the case file",  # not said to be paper
        "Director signs the permit",  # a first signature
        "Insert Fine Notification",  # data entry, not re-entry
        "صدور شناسنامه المثنی",  # a duplicate certificate is a product, not copying
    ],
)
def test_a_step_that_is_no_waste_is_not_named_waste(label: str) -> None:
    c = classify(label)
    assert (c.waste, c.waste_confidence) == (None, 0.0)


def test_waste_patterns_have_the_kind_they_name() -> None:
    assert set(WASTE_TERMS) == {"copy", "re_entry", "second_signature", "paper_archive"}


# -- channel and presence ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "channel", "present"),
    [
        ("Citizen submits application online", Channel.WEB, False),
        (f"اطلاع{ZWNJ}رسانی از طریق پیامک", Channel.SMS, False),
        ("مراجعه حضوری متقاضی", Channel.IN_PERSON, True),
        ("مراجعه به سامانه و ثبت درخواست", Channel.WEB, False),  # a visit to a web site
        ("Applicant visits the office", None, True),
        ("پرداخت غیرحضوری", None, False),
        ("ثبت درخواست در دفتر پیشخوان دولت", Channel.COUNTER_OFFICE, True),
        ("اعلام نتیجه با تلفن همراه", Channel.MOBILE, False),
        ("Status enquiry through the call centre", Channel.IVR, False),
        ("Send certificate by post", Channel.MAIL, False),
        ("Check documents", None, None),
        ("Applicant pays the fee at the bank", Channel.IN_PERSON, True),
        ("Pay at the counter office", Channel.COUNTER_OFFICE, True),
        ("پذیرش درخواست در باجه", Channel.IN_PERSON, True),
        ("آرشیو مدارک در سامانه", Channel.SYSTEM, False),  # an archive is no web step
        ("Send Fine", None, False),  # an office sends: the citizen is elsewhere
    ],
)
def test_channel_and_presence(label: str, channel: Channel | None, present: bool | None) -> None:
    c = classify(label)
    assert (c.channel, c.citizen_present) == (channel, present)


# -- the lexicons and bad input ----------------------------------------------------------------


def test_lexicons_cover_every_kind_and_are_read_only() -> None:
    assert set(KIND_TERMS) == set(StepKind)
    assert set(DEFAULT_ACTOR) == set(StepKind) - {StepKind.OTHER}
    with pytest.raises(TypeError):
        KIND_TERMS[StepKind.PAY] = ("anything",)  # type: ignore[index]
    with pytest.raises(TypeError):
        SCORES["kind:word"] = 1.0  # type: ignore[index]


def test_scores_order_the_evidence() -> None:
    assert SCORES["kind:phrase"] > SCORES["kind:word"] > SCORES["kind:contested"]
    assert SCORES["kind:word"] > SCORES["kind:hint"]
    assert SCORES["actor:phrase"] > SCORES["actor:word"] > SCORES["actor:performer"]
    assert SCORES["actor:performer"] > SCORES["actor:default"] > SCORES["actor:default_citizen"]
    assert SCORES["actor:default_citizen"] > SCORES["actor:hint"] > SCORES["actor:none"]
    assert all(0 < value <= 1 for value in SCORES.values())


@pytest.mark.parametrize("label", [None, 12, ["پرداخت"]])
def test_non_text_label_is_a_clear_error(label: object) -> None:
    with pytest.raises(AnnotationError, match="must be text.*pass the activity name"):
        classify(label)  # type: ignore[arg-type]
