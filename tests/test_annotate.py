"""Step typing: annotation tables, event attributes and the classifier, in that order."""

from __future__ import annotations

import pandas as pd
import pytest

from bpr import (
    Actor,
    AnnotationError,
    Channel,
    ServiceProcess,
    Step,
    StepKind,
    annotate,
    discover,
    typing_report,
)
from bpr.annotate import annotation_table, step_types, write_annotation_table
from bpr.classify import classify
from bpr.examples import vehicle_transfer
from bpr.log import read_log
from tests.conftest import DATA

PAY = "Pay the fee in person"
CHECK = "Check documents"
ARCHIVE = "Archive file"
CONFIRMATION = "Confirmation of receipt"


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    """Three cases of pay -> check -> archive, with an agency, a channel and a resource."""
    rows = []
    for case in ("1", "2", "3"):
        for hour, activity in enumerate((PAY, CHECK, ARCHIVE)):
            rows.append(
                {
                    "case": case,
                    "activity": activity,
                    "timestamp": pd.Timestamp(f"2024-01-0{case} {hour + 9}:00", tz="UTC"),
                    "agency": {PAY: "Bank", CHECK: "Registry", ARCHIVE: "EMPTY"}[activity],
                    # Two of the three payments came in over the Internet, one at the desk.
                    "channel": {PAY: "Internet" if case != "3" else "Desk"}.get(activity),
                    "resource": "SYSTEM" if activity == ARCHIVE else f"clerk{case}",
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module", params=["pandas", "duckdb"])
def log(events, request):
    """The events on each engine: attribute evidence is counted where the events live."""
    return read_log(events, engine=request.param)


def _report(process: ServiceProcess, *args, **kwargs) -> pd.DataFrame:
    return typing_report(process, *args, **kwargs).set_index(["step", "attribute"])


# -- precedence -------------------------------------------------------------------------------


def test_the_classifier_types_what_nothing_else_does(log):
    guess = classify(PAY)
    assert (guess.kind, guess.channel, guess.citizen_present) == (
        StepKind.PAY,
        Channel.IN_PERSON,
        True,
    )
    step = discover(log).step_by_name(PAY)
    assert step.kind is StepKind.PAY
    assert step.actor is guess.actor
    report = _report(discover(log), log)
    assert report.loc[(PAY, "kind"), "source"] == "classifier"
    assert report.loc[(PAY, "kind"), "rule"] == guess.rule
    assert report.loc[(PAY, "kind"), "confidence"] == guess.confidence


def test_event_attributes_beat_the_classifier(log):
    """The label says in person; the log says two of three payments came over the web."""
    process = discover(log)
    step = process.step_by_name(PAY)
    assert step.channel is Channel.WEB
    assert step.citizen_present is False  # follows from the channel, at the same level
    assert step.agency == "Bank"
    report = _report(process, log)
    channel = report.loc[(PAY, "channel")]
    assert (channel["value"], channel["source"]) == ("web", "attribute")
    assert channel["confidence"] == pytest.approx(2 / 3)
    assert channel["rule"] == "most frequent channel in column 'channel' (67% of its events)"
    present = report.loc[(PAY, "citizen_present")]
    assert (present["value"], present["source"], present["rule"]) == (
        False,
        "attribute",
        "follows from channel web",
    )


def test_annotations_beat_event_attributes(log):
    table = {PAY: {"channel": "SMS", "agency": "Treasury"}, "check documents": {"kind": "approve"}}
    process = discover(log, annotations=table)
    pay, check = process.step_by_name(PAY), process.step_by_name(CHECK)
    assert (pay.channel, pay.agency, pay.citizen_present) == (Channel.SMS, "Treasury", False)
    assert check.kind is StepKind.APPROVE  # the classifier says verify
    assert classify(CHECK).kind is StepKind.VERIFY
    report = _report(process, log, annotations=table)
    assert report.loc[(PAY, "channel"), "source"] == "annotation"
    assert report.loc[(PAY, "channel"), "rule"] == f"annotations entry {PAY!r}"
    assert report.loc[(PAY, "citizen_present"), "source"] == "annotation"
    assert report.loc[(PAY, "kind"), "source"] == "classifier"  # not annotated
    assert report.loc[(CHECK, "kind"), ("value", "source", "confidence")].tolist() == [
        "approve",
        "annotation",
        1.0,
    ]


def test_an_annotated_presence_beats_one_derived_from_a_lower_channel(log):
    table = {PAY: {"citizen_present": "yes"}}
    step = discover(log, annotations=table).step_by_name(PAY)
    assert (step.channel, step.citizen_present) == (Channel.WEB, True)


def test_attribute_placeholders_and_automated_resources(log):
    process = discover(log)
    archive = process.step_by_name(ARCHIVE)
    assert archive.agency is None  # "EMPTY" is no agency
    assert archive.actor is Actor.SYSTEM  # every archive event was done by "SYSTEM"
    report = _report(process, log)
    assert report.loc[(ARCHIVE, "actor"), "source"] == "attribute"
    assert report.loc[(ARCHIVE, "agency"), "source"] == "unknown"
    assert archive.source_of("actor").origin == "log_attribute"  # the step keeps its source
    assert archive.source_of("agency") is None


def test_every_reported_attribute_has_a_source(log):
    report = typing_report(discover(log), log)
    assert len(report) == 3 * 13
    assert set(report["source"]) <= {"annotation", "attribute", "classifier", "default", "unknown"}
    # Only the two flags that enable or forbid a change have a default; the rest is unknown.
    defaults = set(report.loc[report["source"] == "default", "attribute"])
    assert defaults <= {"fixed_channel", "rule_based"}
    assert report.columns.tolist() == ["step", "attribute", "value", "source", "confidence", "rule"]


def test_a_value_set_in_the_model_is_reported_as_such(log):
    process = discover(log)
    pay = process.step_by_name(PAY)
    edited = process.replace_steps([Step(pay.id, pay.name, kind="submit")])
    report = _report(edited, log)
    assert report.loc[(PAY, "kind"), ("value", "source")].tolist() == ["submit", "model"]


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_case_channel_types_only_the_first_step(engine):
    """XES case:channel says how a request came in; later steps get no channel from it."""
    receipt = read_log(DATA / "logs" / "receipt.xes.gz", engine=engine)
    assert receipt.columns_chosen["channel"] == "case:channel"
    process = discover(receipt)
    report = _report(process, receipt)
    events = receipt.to_pandas()
    first = events[~events["case"].duplicated()]
    assert set(first["activity"]) == {"Confirmation of receipt"}
    # Internet and e-mail are both web channels.
    web = first["channel"].isin(["Internet", "e-mail"]).sum()
    channel = report.loc[("Confirmation of receipt", "channel")]
    assert (channel["value"], channel["source"]) == ("web", "attribute")
    assert channel["confidence"] == web / (events["activity"] == "Confirmation of receipt").sum()
    later = report.xs("channel", level="attribute").drop("Confirmation of receipt")
    assert "attribute" not in set(later["source"])
    # org:group is a unit of the municipality, not an agency: the agency stays unknown...
    assert "agency" not in receipt.columns_chosen
    assert set(report.xs("agency", level="attribute")["source"]) == {"unknown"}
    # ...unless the user says the groups are agencies: then the most frequent real group,
    # with its share of the events.
    mapped = read_log(DATA / "logs" / "receipt.xes.gz", engine=engine, agency="org:group")
    report = _report(discover(mapped), mapped)
    events = mapped.to_pandas()
    check = events[events["activity"] == "T02 Check confirmation of receipt"]
    groups = check["agency"][check["agency"] != "EMPTY"].value_counts()
    agency = report.loc[("T02 Check confirmation of receipt", "agency")]
    assert (agency["value"], agency["confidence"]) == (groups.index[0], groups.iloc[0] / len(check))


# -- annotation tables ------------------------------------------------------------------------


def _permit() -> ServiceProcess:
    return ServiceProcess.from_blocks(
        "Permit",
        Step("a", "ثبت درخواست", kind="submit"),
        Step("b", "Check documents"),
        Step("c", "Issue permit", name_fa="صدور مجوز"),
    )


def test_a_csv_table_with_a_bom_persian_spellings_and_all_value_forms(tmp_path):
    path = tmp_path / "steps.csv"
    path.write_text(
        "activity,kind,actor,channel,citizen_present,mandatory,documents_in,legal_basis\n"
        # Arabic yeh and kaf, as Excel users often type them.
        "ثبت درخواست,,front office,In-Person,بله,yes,National ID card; Application form ,\n"
        "CHECK  DOCUMENTS,verify,Back Office,,false,0,,Article 7\n"
        "صدور مجوز,issue,,counter_office,,TRUE,,\n",
        encoding="utf-8-sig",
    )
    process = _permit()
    annotated = annotate(process, path)
    a, b, c = (annotated.step(i) for i in "abc")
    assert (a.kind, a.actor, a.channel, a.citizen_present, a.mandatory) == (
        StepKind.SUBMIT,
        Actor.FRONT_OFFICE,
        Channel.IN_PERSON,
        True,
        True,
    )
    assert a.documents_in == {"National ID card", "Application form"}
    assert (b.kind, b.actor, b.citizen_present, b.mandatory, b.legal_basis) == (
        StepKind.VERIFY,
        Actor.BACK_OFFICE,
        False,
        False,
        "Article 7",
    )
    assert (c.kind, c.channel, c.mandatory) == (StepKind.ISSUE, Channel.COUNTER_OFFICE, True)
    assert annotated.flows == process.flows
    assert process.step("b").kind is None  # the caller's process is unchanged
    sources = {s.field: s for s in annotated.step("b").sources}
    assert sources["kind"].origin == "annotation" and sources["kind"].detail.endswith("line 3")


def test_a_dataframe_table_is_left_unchanged():
    table = pd.DataFrame(
        {"activity": ["Issue permit"], "documents_out": [["Permit", "Receipt"]], "agency": [None]}
    )
    before = table.copy()
    step = annotate(_permit(), table).step("c")
    assert step.documents_out == {"Permit", "Receipt"}
    assert step.agency is None  # an empty cell says nothing
    pd.testing.assert_frame_equal(table, before)


def test_annotating_a_bundled_service_changes_only_what_the_table_says():
    process = vehicle_transfer()
    step = process.steps[0]
    annotated = annotate(process, {step.name: {"channel": "web", "citizen_present": False}})
    changed = annotated.step(step.id)
    assert (changed.channel, changed.citizen_present) == (Channel.WEB, False)
    assert changed.kind == step.kind and changed.agency == step.agency
    assert annotated.steps[1:] == process.steps[1:]


def test_step_types_without_a_log_use_annotations_then_the_classifier():
    types = step_types(["پرداخت اینترنتی هزینه", "Archive file"], annotations={"archive file": {}})
    assert types["پرداخت اینترنتی هزینه"]["kind"] is StepKind.PAY
    assert types["پرداخت اینترنتی هزینه"]["channel"] is Channel.WEB
    assert types["Archive file"]["kind"] is StepKind.ARCHIVE


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"Check documents": {"owner": "x", "kind": "verify"}},
            r"annotations: unknown columns \['owner'\]; an annotation table has a column "
            r"'activity' and any of: kind, actor,",
        ),
        (
            {"Check documents": {"kind": "inspect"}},
            r"annotations entry 'Check documents', column 'kind': unknown value 'inspect'; "
            r"expected one of: submit, verify,",
        ),
        (
            {"Check documents": {"channel": "fax"}},
            r"column 'channel': unknown value 'fax'; expected one of: in_person,",
        ),
        (
            {"Check documents": {"mandatory": "maybe"}},
            r"column 'mandatory': 'maybe' is not a yes/no value; use true or false",
        ),
        (
            {"Check documents": {"documents_in": 42}},
            r"column 'documents_in': expected ';'-separated document names or a list",
        ),
        ({"Check documents": "verify"}, r"entry 'Check documents': expected a mapping"),
        (
            {"Check documents": {}, "Pay fee": {}, "Sign": {}},
            r"2 annotation rows match no step of process 'Permit': 'Pay fee' \(annotations "
            r"entry 'Pay fee'\), 'Sign' .*; fix the activity names \(known: ",
        ),
        (["Check documents"], r"annotations must be a CSV path, a pandas DataFrame or a mapping"),
    ],
)
def test_bad_tables_are_annotation_errors(table, message):
    with pytest.raises(AnnotationError, match=message):
        annotate(_permit(), table)


def test_bad_dataframe_rows_are_named():
    rows = pd.DataFrame({"activity": ["Check documents", " ", "Issue permit"]})
    with pytest.raises(AnnotationError, match=r"annotations row 1: no activity"):
        annotate(_permit(), rows)
    twice = pd.DataFrame({"activity": ["Check documents", "check  documents"]})
    with pytest.raises(AnnotationError, match=r"row 1: activity 'check  documents' is annotated "):
        annotate(_permit(), twice)
    with pytest.raises(AnnotationError, match=r"no activity"):
        annotate(_permit(), pd.DataFrame({"kind": ["verify"]}))


def test_bad_csv_files_are_annotation_errors(tmp_path):
    missing = tmp_path / "missing.csv"
    with pytest.raises(AnnotationError, match=r"missing.csv: no such annotation file"):
        annotate(_permit(), missing)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("activity,agency\nCheck documents,Mairie de Paris \xe9\n".encode("latin-1"))
    with pytest.raises(AnnotationError, match=r"latin.csv: not UTF-8 text .*save it as UTF-8"):
        annotate(_permit(), latin)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"empty.csv: not a readable CSV table"):
        annotate(_permit(), empty)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("activity,kind\nCheck documents,verify\nIssue permit,print\n", "utf-8")
    with pytest.raises(AnnotationError, match=r"wrong.csv line 3, column 'kind': unknown value"):
        annotate(_permit(), wrong)


def test_discover_checks_annotations_against_the_whole_log(log):
    with pytest.raises(
        AnnotationError, match=r"matches no activity of the log or the model: 'Sign the form'"
    ):
        discover(log, annotations={"Sign the form": {"kind": "sign"}})
    # A row for an activity that noise leaves out is fine: the log has it.
    rare = discover(log, noise=0.7, annotations={CHECK: {"kind": "approve"}})
    assert CHECK not in {s.name for s in rare.steps}


def test_none_in_a_documents_column_is_no_document_and_a_blank_is_unknown(tmp_path):
    path = tmp_path / "steps.csv"
    path.write_text(
        "activity,documents_in,documents_out\nثبت درخواست,none,form\nCheck documents,,هیچ\n",
        encoding="utf-8",
    )
    annotated = annotate(_permit(), path)
    a, b, c = (annotated.step(i) for i in "abc")
    assert (a.documents_in, a.documents_out) == (frozenset(), {"form"})
    assert (b.documents_in, b.documents_out) == (None, frozenset())
    assert (c.documents_in, c.documents_out) == (None, None)  # no row: nothing said


# -- the annotation loop ----------------------------------------------------------------------


def test_the_template_round_trips_through_excel_with_two_cells_changed(tmp_path):
    receipt = read_log(DATA / "logs" / "receipt.xes.gz")
    table = annotation_table(receipt)
    assert len(table) == len(receipt.activities) and table["activity"].is_unique
    counts = receipt.stats().activities.set_index("activity")
    for row in table.itertuples():
        assert row.cases == counts.at[row.activity, "cases"]
        assert row.cases_share == pytest.approx(row.cases / receipt.n_cases)
        assert row.mandatory == ""  # nobody knows yet: left for the analyst
    path = write_annotation_table(table, tmp_path / "steps.xlsx")
    assert path.read_bytes() == write_annotation_table(table, tmp_path / "again.xlsx").read_bytes()
    # The analyst opens it in Excel and changes two cells of one row.
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book["steps"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == CONFIRMATION)
    row[header.index("mandatory")].value = "yes"
    row[header.index("agency")].value = "شهرداری"
    book.save(path)
    process = discover(receipt, annotations=path)
    step = process.step_by_name(CONFIRMATION)
    assert (step.mandatory, step.agency) == (True, "شهرداری")
    assert step.source_of("agency").origin == "annotation"
    # Every other step is as the sources typed it without the table.
    plain = {s.name: s for s in discover(receipt).steps}
    for other in process.steps:
        if other.name != CONFIRMATION:
            assert (other.kind, other.actor, other.channel) == (
                plain[other.name].kind,
                plain[other.name].actor,
                plain[other.name].channel,
            )


def test_a_csv_template_keeps_persian_text_and_is_read_back_as_written(tmp_path):
    events = pd.DataFrame(
        {
            "case": ["1", "1", "2", "2"],
            "activity": ["ثبت درخواست", "استعلام از ثبت‌احوال", "ثبت درخواست", "صدور مجوز"],
            "timestamp": pd.date_range("2024-01-01", periods=4, freq="h", tz="UTC"),
        }
    )
    table = annotation_table(events)
    path = write_annotation_table(table, tmp_path / "steps.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: Excel shows Persian right
    back = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert back["activity"].tolist() == table["activity"].tolist()
    assert "give:" in back.set_index("activity").at["صدور مجوز", "to_review"]

    # Read back as annotations, unchanged, it types the steps as the sources did.
    def fields(types):  # the values, not where they were read (file line or frame row)
        return {a: {f: v for f, v in d.items() if f != "sources"} for a, d in types.items()}

    from_file = step_types(table["activity"], annotations=path)
    assert fields(from_file) == fields(step_types(table["activity"], annotations=table))
    assert fields(from_file) == fields(step_types(table["activity"]))  # as the sources typed


def test_an_annotation_table_of_another_format_is_refused(tmp_path):
    with pytest.raises(AnnotationError, match=r"as \.csv or \.xlsx, not \.ods"):
        write_annotation_table(pd.DataFrame({"activity": []}), tmp_path / "steps.ods")
    (tmp_path / "bad.xlsx").write_text("not a workbook")
    with pytest.raises(AnnotationError, match="not a readable Excel workbook"):
        annotate(_permit(), tmp_path / "bad.xlsx")
