"""Lossless JSON: round trips, stable bytes, every field kept, clear errors."""

from __future__ import annotations

import json
from datetime import timedelta

import attrs
import pytest
from hypothesis import given, settings

from bpr import (
    DurationStats,
    FormatError,
    ServiceProcess,
    Source,
    Step,
    StepStats,
    Xor,
    read_process,
    write_process,
)
from bpr.examples import vehicle_transfer

from .strategies import processes


def _full_step() -> Step:
    """A step with every field set to a value other than its default."""
    stats = StepStats(
        events=12,
        cases=10,
        working=DurationStats(timedelta(minutes=3), timedelta(minutes=4.5), timedelta(hours=1)),
        waiting=DurationStats(timedelta(days=1), timedelta(days=2, seconds=7), timedelta(days=9)),
    )
    return Step(
        "s1", "Pay the fee", kind="pay", actor="citizen", agency="Bank", channel="in_person",
        name_fa="پرداخت هزینه", citizen_present=True, mandatory=True, fixed_channel=True,
        legal_basis="Budget law", documented=False, rule_based=True,
        documents_in="request; ID card", documents_out="receipt",
        duration=timedelta(minutes=12, microseconds=5), stats=stats,
        sources=[Source("kind", "classifier", "kind:pay<-'pay'", 0.75),
                 Source("agency", "annotation", "steps.csv line 2", 1.0)],
    )  # fmt: skip


def test_every_step_field_differs_from_its_default_in_the_fixture():
    step = _full_step()
    unchanged = [
        f.name
        for f in attrs.fields(Step)
        if f.default is not attrs.NOTHING
        and getattr(step, f.name)
        == (f.default.factory() if hasattr(f.default, "factory") else f.default)
    ]
    assert unchanged == []


def test_round_trip_keeps_every_field(tmp_path):
    p = ServiceProcess.from_blocks(
        "Full",
        _full_step(),
        Xor(Step("a", "A"), None, probabilities=[0.4, 0.6]),
        description="توضیح",
    )
    path = tmp_path / "p.json"
    text = write_process(p, path)
    assert path.read_text(encoding="utf-8") == text
    back = read_process(path)
    assert back == p
    assert back.step("s1") == p.step("s1")
    assert back.flow("xor1", "a").probability == 0.4


def test_example_round_trip_is_byte_identical(tmp_path):
    first = write_process(vehicle_transfer(), tmp_path / "a.json")
    second = write_process(read_process(tmp_path / "a.json"), tmp_path / "b.json")
    assert first == second
    assert read_process(first) == vehicle_transfer()


def test_document_layout_is_stable_and_readable():
    document = json.loads(write_process(vehicle_transfer()))
    assert list(document)[:4] == ["schema", "version", "name", "description"]
    first = document["nodes"][1]
    assert list(first)[:3] == ["type", "id", "name"]
    assert first["documents_in"] == sorted(first["documents_in"])
    assert "پلیس" in write_process(vehicle_transfer())  # Persian stays readable, not \\u escapes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"schema": "other"}', "not a bpr process document"),
        ('{"schema": "bpr.service-process", "version": 99}', "schema version 99 is not supported"),
        ('{"schema": "bpr.service-process", "version": 1, "name": "x"}', "malformed process"),
    ],
)
def test_bad_documents(text, message):
    with pytest.raises(FormatError, match=message):
        read_process(text)


def test_invalid_model_inside_a_document_names_the_file(tmp_path):
    document = json.loads(write_process(vehicle_transfer()))
    document["flows"].append({"source": "s01", "target": "nowhere"})
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(FormatError, match=r"broken.json: process .* unknown node 'nowhere'"):
        read_process(path)


def test_unknown_node_type_and_enum(tmp_path):
    document = json.loads(write_process(vehicle_transfer()))
    document["nodes"][1]["type"] = "task"
    with pytest.raises(FormatError, match="unknown node type 'task'"):
        read_process(json.dumps(document))
    document = json.loads(write_process(vehicle_transfer()))
    document["nodes"][1]["kind"] = "teleport"
    with pytest.raises(FormatError, match="unknown kind 'teleport'"):
        read_process(json.dumps(document))


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(FormatError, match="no such file"):
        read_process(tmp_path / "missing.json")
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(FormatError, match="not UTF-8 text"):
        read_process(binary)


@settings(max_examples=100, deadline=None)
@given(processes())
def test_random_processes_round_trip_byte_identically(process):
    text = write_process(process)
    back = read_process(text)
    assert back == process
    assert [n.id for n in back.nodes] == [n.id for n in process.nodes]
    assert write_process(back) == text


def test_unknown_and_empty_stay_apart_in_json_and_bpmn(tmp_path):
    from bpr import read_bpmn, write_bpmn

    p = ServiceProcess.from_blocks(
        "Unknown or none",
        Step("a", "Apply", documents_in=(), documents_out="form", mandatory=False),
        Step("b", "Review"),  # every typed field unknown
    )
    for back in (read_process(write_process(p)), read_bpmn(write_bpmn(p))):
        a, b = back.step("a"), back.step("b")
        assert (a.documents_in, a.documents_out, a.mandatory) == (frozenset(), {"form"}, False)
        fields = ("kind", "citizen_present", "mandatory", "documented", "documents_in")
        assert all(getattr(b, f) is None for f in fields)
