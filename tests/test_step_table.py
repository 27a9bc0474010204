"""Step tables: a procedure written down as rows, read into the process it describes."""

from __future__ import annotations

import tempfile
from pathlib import Path

import attrs
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, reject, settings

from bpr import (
    And,
    AnnotationError,
    BprError,
    Event,
    Flow,
    Gateway,
    Loop,
    ServiceProcess,
    Step,
    StepTableError,
    Xor,
    measure,
    read_steps,
    redesign,
    write_steps,
)
from bpr.labels import normalize
from tests.conftest import DATA
from tests.strategies import processes

TABLES = DATA / "step-tables"
MUNICIPALITY = "Municipality"


def permit() -> ServiceProcess:
    """The process tests/data/step-tables/permit.csv describes, written by hand."""
    inquiry = {"kind": "inquiry", "actor": "back_office", "agency": MUNICIPALITY}
    inquiry |= {"channel": "internal", "citizen_present": False, "documents_in": "application"}
    pay = {"kind": "pay", "actor": "citizen", "documents_in": (), "documents_out": "receipt"}
    return ServiceProcess.from_blocks(
        "permit",
        Step(
            "s1",
            "Submit application",
            kind="submit",
            actor="citizen",
            agency=MUNICIPALITY,
            channel="counter_office",
            citizen_present=True,
            mandatory=True,
            legal_basis="Municipalities Act art. 100",
            documents_in="ID card; title deed",
            documents_out="application",
        ),
        And(
            Step("s2", "Ask the land registry", **inquiry, documents_out="registry reply"),
            [
                Step("s3", "Ask the fire department", **inquiry, documents_out="fire reply"),
                Step(
                    "s4",
                    "Inspect the site",
                    kind="verify",
                    actor="external_agency",
                    agency="Fire Department",
                    channel="in_person",
                    citizen_present=False,
                    documents_in=(),
                    documents_out="inspection report",
                ),
            ],
        ),
        Loop(
            Step(
                "s5",
                "Review the plans",
                kind="decide",
                actor="back_office",
                agency=MUNICIPALITY,
                channel="internal",
                citizen_present=False,
                documents_in="registry reply; fire reply; inspection report",
            ),
            redo=Step(
                "s6",
                "Correct the plans",
                kind="submit",
                actor="citizen",
                agency=MUNICIPALITY,
                channel="web",
                citizen_present=False,
                documents_in="plans",
            ),
            probability=0.25,
        ),
        Xor(
            Step(
                "s7",
                "Pay the fee online",
                **pay,
                agency=MUNICIPALITY,
                channel="web",
                citizen_present=False,
            ),
            Step(
                "s8",
                "Pay the fee at the bank",
                **pay,
                agency="Bank",
                channel="in_person",
                citizen_present=True,
            ),
            probabilities=[0.7, 0.3],
        ),
        Step(
            "s9",
            "Issue the permit",
            kind="issue",
            actor="front_office",
            agency=MUNICIPALITY,
            channel="in_person",
            citizen_present=True,
            mandatory=True,
            documents_in="receipt",
            documents_out="permit",
        ),
    )


def without_sources(process: ServiceProcess) -> ServiceProcess:
    return process.replace_steps([attrs.evolve(s, sources=()) for s in process.steps])


def write(tmp_path: Path, text: str, name: str = "steps.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- a good table -----------------------------------------------------------------------------


def test_a_table_reads_into_the_process_it_describes() -> None:
    read = read_steps(TABLES / "permit.csv")
    assert without_sources(read) == permit()
    # Step by step: the order, the ids, the fields of each row.
    assert [s.name for s in read.steps] == [s.name for s in permit().steps]
    for step, expected in zip(read.steps, permit().steps, strict=True):
        assert attrs.evolve(step, sources=()) == expected
    # The structure: a parallel block of two branches, the review loop with its way back
    # through the correction, the payment alternatives with their shares.
    loop_exit = next(g for g in read.predecessors("s6"))
    assert read.flow(loop_exit, "s6").probability == 0.25
    pay_split = read.predecessors("s7")[0]
    assert read.flow(pay_split, "s7").probability == 0.7
    assert read.flow(pay_split, "s8").probability == 0.3
    assert read.predecessors("s4") == ["s3"]


def test_measure_gives_the_numbers_the_table_implies() -> None:
    length = measure(read_steps(TABLES / "permit.csv"))
    # Steps: submit, the three of the parallel block, review 1/(1-0.25) = 4/3 times and the
    # correction 0.25/0.75 = 1/3 times, one payment, the permit: 1 + 3 + 5/3 + 1 + 1.
    assert length.steps == pytest.approx(23 / 3)
    assert (length.steps_min, length.steps_max) == (7, None)
    # Visits: the counter office (submit); the bank and then the municipality (30 %), or the
    # municipality alone (70 %): 1 + 0.3 * 2 + 0.7 * 1.
    assert length.visits == pytest.approx(2.3)
    # Handoffs: submit -> registry, fire -> inspection, inspection -> review, review -> pay,
    # pay -> issue (5), and review -> correct -> review on each of the 1/3 expected repeats.
    assert length.handoffs == pytest.approx(5 + 2 / 3)
    # Agencies: the municipality and the fire department always, the bank 30 % of the time.
    assert length.agencies == pytest.approx(2.3)
    # Documents the citizen brings: ID card, title deed; the plans when a correction is asked
    # for (25 %); the receipt is made by the payment before the permit needs it.
    assert length.documents == pytest.approx(2.25)
    assert length.inquiries == 2
    assert length.unknown == {}


def test_persian_headers_and_values() -> None:
    english, persian = read_steps(TABLES / "permit.csv"), read_steps(TABLES / "permit-fa.csv")
    assert persian.name == "permit-fa"
    assert persian.flows == english.flows  # ids, structure and shares (۷۰٪, ۲۵٪) alike
    # Kinds, actors and channels written as the reports name them in Persian (حضوری, شهروند).
    typed = [(s.kind, s.actor, s.channel, s.citizen_present, s.mandatory) for s in english.steps]
    assert [
        (s.kind, s.actor, s.channel, s.citizen_present, s.mandatory) for s in persian.steps
    ] == (typed)
    first = persian.step("s1")
    assert (first.name, first.agency, first.citizen_present) == ("ثبت درخواست", "شهرداری", True)
    assert first.documents_in == frozenset({"کارت ملی", "سند مالکیت"})
    assert persian.step("s7").documents_in == frozenset()  # هیچ: no document
    assert measure(persian).visits == pytest.approx(measure(english).visits)


def test_blank_cells_stay_unknown() -> None:
    p = read_steps(pd.DataFrame({"step": ["Apply", "Decide"], "mandatory": ["", "no"]}))
    apply, decide = p.steps
    assert (apply.kind, apply.actor, apply.agency, apply.channel) == (None, None, None, None)
    assert (apply.citizen_present, apply.mandatory, apply.documents_in) == (None, None, None)
    assert apply.sources == ()
    assert decide.mandatory is False  # "no" is said; a blank is not
    assert measure(p).visits is None  # nobody said whether the citizen comes


def test_sources_name_the_table_and_row() -> None:
    step = read_steps(TABLES / "permit.csv").step("s2")
    assert {s.field for s in step.sources} == {
        "kind",
        "actor",
        "agency",
        "channel",
        "citizen_present",
        "documents_in",
        "documents_out",
    }
    assert {(s.origin, s.detail) for s in step.sources} == {
        ("step_table", f"{TABLES / 'permit.csv'}, row 3")
    }


def test_a_redesign_names_the_table_as_its_evidence() -> None:
    proposals = redesign(read_steps(TABLES / "permit.csv")).proposals
    assert proposals
    evidence = {(e.source, e.detail) for p in proposals for e in p.evidence if e.field == "channel"}
    # The channels were given in the table: each piece of evidence names its file and row.
    assert evidence
    assert {source for source, _ in evidence} == {"step_table"}
    assert all(detail.startswith(f"{TABLES / 'permit.csv'}, row ") for _, detail in evidence)


def test_excel_reads_like_csv(tmp_path: Path) -> None:
    frame = pd.read_csv(TABLES / "permit.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "permit.xlsx"
    frame.to_excel(path, index=False)
    assert without_sources(read_steps(path)) == permit()


def test_ids_names_and_blank_rows() -> None:
    table = pd.DataFrame(
        {
            "id": ["apply", "", "", "check"],
            "step": ["Apply", "", "Pay", "Check"],
            "after": ["", "", "", "apply"],  # a branch may name the step before its group
            "group": ["", "", "par:1", "par:1"],
        }
    )
    p = read_steps(table)
    # The blank row is skipped; a step without an id gets one from its order among the steps.
    apply, pay, check = p.steps
    assert [s.id for s in p.steps] == ["apply", "s2", "check"]
    assert p == ServiceProcess.from_blocks("steps", apply, And(pay, check))


def test_a_loop_around_a_group_and_an_optional_step() -> None:
    table = pd.DataFrame(
        {
            "step": ["Apply", "Ask police", "Ask court", "Translate", "Issue"],
            "after": ["", "Ask court", "", "", ""],
            "group": ["", "par:A", "par:A", "opt:B", ""],
            "share": ["", "", "", "0.4", ""],
            "repeat": ["", "yes", "", "", ""],
        }
    )
    p = read_steps(table, name="Visa")
    steps = {s.name: s for s in p.steps}
    expected = ServiceProcess.from_blocks(
        "Visa",
        steps["Apply"],
        Loop(And(steps["Ask police"], steps["Ask court"])),
        Xor(steps["Translate"], None, probabilities=[0.4, 0.6]),
        steps["Issue"],
    )
    assert p == expected


# -- bad tables -------------------------------------------------------------------------------

HEADER = "step,after,group,share,repeat,kind,actor,channel\n"
BAD = {
    "missing step": ("Apply,,,,,,,\nIssue,Review,,,,,,\n", 3, "after", "no step of the table"),
    "cycle": ("Apply,,,,,,,\nReview,Correct,,,,,,\nCorrect,,,,,,,\n", 3, "after", "a cycle"),
    "unknown kind": ("Apply,,,,,teleport,,\n", 2, "kind", "unknown value 'teleport'"),
    "unknown actor": ("Apply,,,,,,clerk,\n", 2, "actor", "unknown value 'clerk'"),
    "unknown channel": ("Apply,,,,,,,fax\n", 2, "channel", "unknown value 'fax'"),
    "duplicate name": ("Apply,,,,,,,\napply ,,,,,,,\n", 3, "step", "also in row 2"),
    "empty name": ("Apply,,,,,,,\n,,,,,submit,,\n", 3, "step", "no step name"),
    "malformed group": ("Apply,,alt-A,,,,,\n", 2, "group", "not kind:label"),
    "unknown group kind": ("Apply,,xor:A,,,,,\n", 2, "group", "not kind:label"),
    "group of one": ("Apply,,,,,,,\nPay,,alt:A,,,,,\nIssue,,,,,,,\n", 3, "group", "one branch"),
    "group of one branch": ("A,,alt:G,,,,,\nB,A,alt:G,,,,,\n", 2, "group", "one branch"),
    "branch without mark": ("Apply,,,,,,,\nPay,,,,,,,\nCheck,Apply,,,,,,\n", 4, "after", "alt:A"),
    "group split": ("A,,alt:G,,,,,\nB,,alt:G,,,,,\nC,,,,,,,\nD,,alt:G,,,,,\n", 5, "group", "next"),
    "shares not 1": ("A,,alt:G,0.5,,,,\nB,,alt:G,0.3,,,,\n", 2, "share", "add up to 0.8"),
    "shares missing": ("A,,alt:G,0.5,,,,\nB,,alt:G,,,,,\n", 3, "share", "for every branch"),
    "share of parallel": ("A,,par:G,0.5,,,,\nB,,par:G,0.5,,,,\n", 2, "share", "no share"),
    "share no number": ("A,,alt:G,half,,,,\nB,,alt:G,,,,,\n", 2, "share", "not a chance"),
    "share outside group": ("A,,,0.5,,,,\n", 2, "share", "in no group"),
    "repeat no number": ("A,,,,often,,,\n", 2, "repeat", "not a chance"),
    "redo without loop": ("A,,,,,,,\nB,,,,redo,,,\n", 3, "repeat", "no repeated stretch"),
    "names one branch's end": (
        "A,,par:G,,,,,\nB,,par:G,,,,,\nC,A,,,,,,\n",
        4,
        "after",
        "only some",
    ),
    "loop from inside a group": (
        "A,,,,,,,\nB,,alt:G,,,,,\nC,D,alt:G,,yes,,,\nD,,,,,,,\n",
        4,
        "repeat",
        "starts inside a group",
    ),
    "follows two branches": ("A,,alt:G,,,,,\nB,,alt:G,,,,,\nC,A; B,alt:G,,,,,\n", 4, "after", "2"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_table_gets_one_error_naming_the_row(tmp_path: Path, case: str) -> None:
    rows, number, column, words = BAD[case]
    path = write(tmp_path, HEADER + rows)
    with pytest.raises(StepTableError) as raised:
        read_steps(path)
    message = str(raised.value)
    assert message.startswith(f"{path}, row {number}, column {column!r}: "), message
    assert words in message
    assert isinstance(raised.value, AnnotationError | BprError)


def test_unknown_and_missing_columns(tmp_path: Path) -> None:
    with pytest.raises(StepTableError, match=r"row 1, column 'colour': unknown column"):
        read_steps(write(tmp_path, "step,colour\nApply,red\n"))
    with pytest.raises(StepTableError, match=r"no column 'step'"):
        read_steps(write(tmp_path, "kind\nsubmit\n"))
    with pytest.raises(StepTableError, match=r"column 'مرحله': the column 'step' is already"):
        read_steps(write(tmp_path, "step,مرحله\nApply,ثبت\n"))
    with pytest.raises(StepTableError, match=r"no steps"):
        read_steps(write(tmp_path, "step,kind\n"))
    with pytest.raises(StepTableError, match=r"no such step table file"):
        read_steps(tmp_path / "absent.csv")


def test_a_persian_header_is_named_in_the_error(tmp_path: Path) -> None:
    path = write(tmp_path, "مرحله,نوع\nثبت درخواست,ثبت\n")
    with pytest.raises(StepTableError, match=r"row 2, column 'نوع': unknown value 'ثبت'") as error:
        read_steps(path)
    assert "(or in Persian: ثبت درخواست، بررسی، استعلام" in str(error.value)


def test_the_reports_names_of_fields_and_values_are_understood() -> None:
    table = pd.DataFrame(
        {
            "step": ["Ask the registry"],
            "step kind": ["inquiry"],
            "who does it": ["another agency"],
            "citizen presence": ["no"],
            "documents needed": ["application"],
        }
    )
    step = read_steps(table).steps[0]
    assert (step.kind.value, step.actor.value, step.citizen_present) == (
        "inquiry",
        "external_agency",
        False,
    )
    assert step.documents_in == frozenset({"application"})


# -- writing ----------------------------------------------------------------------------------


def nested() -> ServiceProcess:
    s = [Step(f"n{i}", f"Step {i}", agency="City" if i % 2 else None) for i in range(12)]
    return ServiceProcess.from_blocks(
        "Nested",
        s[0],
        And([s[1], Xor(s[2], [s[3], s[4]], probabilities=[0.25, 0.75])], s[5]),
        Loop([s[6], Xor(s[7], None)], redo=[s[8], s[9]], probability=0.1),
        Xor(Loop(s[10]), None, probabilities=[0.5, 0.5]),
        s[11],
    )


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("make", [permit, nested])
def test_write_then_read_gives_the_process_back(tmp_path: Path, suffix: str, make) -> None:
    process = make()
    path = write_steps(process, tmp_path / f"table{suffix}")
    assert without_sources(read_steps(path, name=process.name)) == process
    # The same process gives the same bytes.
    again = write_steps(process, tmp_path / f"again{suffix}")
    assert path.read_bytes() == again.read_bytes()


def test_written_table_says_only_what_is_needed(tmp_path: Path) -> None:
    frame = pd.read_csv(write_steps(permit(), tmp_path / "p.csv"), dtype=str).fillna("")
    rows = frame.set_index("id")
    assert rows.loc["s4", "after"] == "Ask the fire department"  # continues a branch
    assert rows.loc["s5", ["after", "repeat"]].tolist() == ["Correct the plans", "0.25"]
    assert rows.loc["s6", "repeat"] == "redo"
    assert rows.loc["s9", ["after", "group"]].tolist() == ["", ""]
    assert rows.loc["s1", "mandatory"] == "yes"
    assert rows.loc["s2", "mandatory"] == ""  # unknown stays blank


def test_write_refuses_what_a_table_cannot_say(tmp_path: Path) -> None:
    a, b = Step("a", "A"), Step("b", "B")
    with pytest.raises(StepTableError, match="loop that starts with another loop"):
        write_steps(ServiceProcess.from_blocks("L", Loop([Loop(a), b])), tmp_path / "l.csv")
    # A parallel split closed by an exclusive join is no block.
    odd = ServiceProcess(
        "Odd",
        nodes=[
            Event("s", "start"),
            Gateway("p", "parallel"),
            a,
            b,
            Gateway("x", "exclusive"),
            Event("e", "end"),
        ],
        flows=[
            Flow("s", "p"),
            Flow("p", "a"),
            Flow("p", "b"),
            Flow("a", "x"),
            Flow("b", "x"),
            Flow("x", "e"),
        ],
    )
    with pytest.raises(StepTableError, match="do not meet at one gateway of its kind"):
        write_steps(odd, tmp_path / "odd.csv")
    with pytest.raises(StepTableError, match=r"as \.csv or \.xlsx"):
        write_steps(permit(), tmp_path / "p.json")
    renamed = permit().replace_steps([attrs.evolve(permit().step("s2"), documents_out="none")])
    with pytest.raises(StepTableError, match="step 's2': its documents_out"):
        write_steps(renamed, tmp_path / "n.csv")


def _table_ready(process: ServiceProcess) -> ServiceProcess:
    """What a step table keeps of ``process``: unique names, texts without surrounding
    space, no durations or statistics (not columns of a step table)."""
    steps = []
    for number, step in enumerate(process.steps):
        texts = {f: (getattr(step, f) or "").strip() or None for f in ("legal_basis", "name_fa")}
        steps.append(
            attrs.evolve(
                step, name=f"{number} {step.name.strip()}", duration=None, stats=None, **texts
            )
        )
    return process.replace_steps(steps).evolve(description=None)


def _rounded(process: ServiceProcess) -> ServiceProcess:
    """Shares as a table writes them: the chance of skipping an optional group is 1 minus
    the others, equal to about 1e-16."""
    flows = [
        attrs.evolve(f, probability=None if f.probability is None else round(f.probability, 9))
        for f in process.flows
    ]
    return process.evolve(flows=flows)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(processes(max_depth=2, stats=False, frequencies=False, conditions=False))
def test_round_trip_of_random_processes(process: ServiceProcess) -> None:
    process = _table_ready(process)
    reserved = {"none", "-", "—", "no documents", "هیچ", "ندارد", "بدون مدرک"}
    documents = [
        d
        for s in process.steps
        for d in (s.documents_in or frozenset()) | (s.documents_out or frozenset())
    ]
    assume(not any(normalize(d) in reserved for d in documents))
    with tempfile.TemporaryDirectory() as folder:
        try:
            path = write_steps(process, Path(folder) / "table.csv")
        except StepTableError as error:
            assert "a table cannot say a loop that starts with another loop" in str(error)
            reject()
        read = read_steps(path, name=process.name)
    assert _rounded(without_sources(read)) == _rounded(process)
