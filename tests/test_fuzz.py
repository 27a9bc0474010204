"""Fuzzing the readers: any input gives a result or a :class:`bpr.BprError`, never another
exception.

Each reader gets random bytes and structured mutations of the valid files in ``tests/data``:
elements and attributes dropped, duplicated or garbled, cells and fields replaced by huge
numbers, NaN, half characters (lone surrogates), yes/no words where numbers belong, deep
nesting, truncated files. A failure shows the smallest input hypothesis found.

Examples per reader: 200 (the ``bpr-fuzz`` profile); ``BPR_FUZZ_EXAMPLES=5000`` runs a longer
search. There is no deadline: the inputs are small, and a wall-clock limit would fail on a
busy machine rather than on a bug.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import bpr
from bpr._read import read_model
from bpr.annotate import ANNOTATION_COLUMNS
from bpr.errors import BprError
from tests.conftest import DATA

settings.register_profile(
    "bpr-fuzz",
    max_examples=int(os.environ.get("BPR_FUZZ_EXAMPLES", "200")),
    deadline=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("bpr-fuzz")

# Values that break naive readers: huge and tiny numbers, NaN, words where numbers or yes/no
# belong, half characters, control characters, Persian text, empty text.
WEIRD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "1e308",
        "-1e308",
        "1e-320",
        "9" * 400,
        "NaN",
        "nan",
        "inf",
        "-inf",
        "-1",
        "0",
        "yes",
        "بله",
        "\ud800",
        "a\udfffb",
        "\x00",
        "\u202e",
        "2024-13-45T99:99:99",
        "0000-00-00",
        "9999-12-31T23:59:59+99:00",
        "None",
        "null",
        "<",
        "&amp;",
        '"',
        ",",
        "\n",
        "x" * 5000,
    ]
) | st.text(max_size=20)

WEIRD_JSON = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | WEIRD_TEXT
    | st.lists(st.integers(), max_size=3)
    | st.dictionaries(st.text(max_size=5), st.integers(), max_size=3)
)


def _written(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def _result_or_bpr_error(read: Any, path: Path) -> None:
    """The one property: a result, or a BprError whose message names the file."""
    try:
        read(path)
    except BprError as exc:
        assert path.name in str(exc)


# -- XML: BPMN, PNML, XES ---------------------------------------------------------------------


def _xml(name: str) -> etree._Element:
    return etree.fromstring(_file_bytes(name))


def _file_bytes(name: str) -> bytes:
    return (DATA / name).read_bytes()


XML_MUTATION = st.tuples(
    st.sampled_from(["drop", "duplicate", "attribute", "drop attribute", "text", "nest", "swap"]),
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=0, max_value=50),
    WEIRD_TEXT,
)


def _mutated_xml(root: etree._Element, mutations: list[tuple[str, int, int, str]]) -> bytes:
    """``root`` with the mutations applied to elements chosen by index; returned as bytes,
    with half characters written as the character references no XML file may hold."""
    root = copy.deepcopy(root)
    for action, index, number, value in mutations:
        elements = [e for e in root.iter() if isinstance(e.tag, str)]
        element = elements[index % len(elements)]
        parent = element.getparent()
        value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        value = "".join(c for c in value if c.isprintable() or c in "\t\n")
        if action == "drop" and parent is not None:
            parent.remove(element)
        elif action == "duplicate" and parent is not None:
            parent.insert(parent.index(element), copy.deepcopy(element))
        elif action in ("attribute", "drop attribute") and element.attrib:
            key = sorted(element.attrib)[number % len(element.attrib)]
            if action == "drop attribute":
                del element.attrib[key]
            else:
                element.set(key, value)
        elif action == "text":
            element.text = value
        elif action == "nest" and parent is not None:
            wrapper = element
            for _ in range(number * 20):
                outer = etree.Element(element.tag)
                outer.append(wrapper)
                wrapper = outer
            parent.append(wrapper)
        elif action == "swap" and parent is not None:
            other = elements[number % len(elements)]
            movable = other.getparent() is not None and other is not element
            if movable and element not in other.iterancestors():
                other.addprevious(copy.deepcopy(element))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _garbled(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """``data`` with some bytes cut at some positions and others put in their place."""
    for position, cut, replacement in edits:
        position %= max(len(data), 1)
        data = data[:position] + replacement + data[position + cut :]
    return data


# Bytes that break a parser where they land: markup, a NUL reference, a quote, not UTF-8.
PIECES = st.sampled_from([b"<", b">", b"<x>", b"</", b"&#0;", b"&", b'"', b"\xff", b"\n"])
BYTE_EDITS = st.lists(
    st.tuples(st.integers(min_value=0), st.integers(0, 64), PIECES | st.binary(max_size=8)),
    min_size=1,
    max_size=3,
)


def _xml_inputs(names: list[str]) -> st.SearchStrategy[bytes]:
    """Random bytes, a structured mutation of one of the files, or a garbled copy of one."""
    roots = {name: _xml(name) for name in names}
    mutated = st.builds(
        _mutated_xml,
        st.sampled_from(names).map(roots.__getitem__),
        st.lists(XML_MUTATION, min_size=1, max_size=4),
    )
    garbled = st.builds(_garbled, st.sampled_from(names).map(_file_bytes), BYTE_EDITS)
    return st.binary(max_size=500) | mutated | garbled


BPMN_FILES = ["models/running-example.bpmn", "models/simple_model.bpmn"]


@FUZZ
@given(data=_xml_inputs(BPMN_FILES))
def test_read_bpmn_gives_a_process_or_a_bpr_error(tmp_path_factory: Any, data: bytes) -> None:
    path = _written(tmp_path_factory.mktemp("bpmn"), "model.bpmn", data)
    _result_or_bpr_error(bpr.read_bpmn, path)


@FUZZ
@given(data=_xml_inputs(["models/roadtraffic.pnml"]))
def test_read_pnml_gives_a_process_or_a_bpr_error(tmp_path_factory: Any, data: bytes) -> None:
    path = _written(tmp_path_factory.mktemp("pnml"), "net.pnml", data)
    _result_or_bpr_error(read_model, path)


@FUZZ
@given(data=_xml_inputs(["logs/running-example.xes"]))
def test_read_log_of_xes_gives_a_log_or_a_bpr_error(tmp_path_factory: Any, data: bytes) -> None:
    path = _written(tmp_path_factory.mktemp("xes"), "log.xes", data)
    _result_or_bpr_error(bpr.read_log, path)


# -- CSV: logs and annotation tables ----------------------------------------------------------


def _csv_rows(name: str) -> list[list[str]]:
    import csv

    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


CSV_MUTATION = st.tuples(
    st.sampled_from(["cell", "drop row", "duplicate row", "drop column", "header"]),
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=0, max_value=10**6),
    WEIRD_TEXT,
)


def _mutated_csv(rows: list[list[str]], mutations: list[tuple[str, int, int, str]]) -> bytes:
    import csv
    import io

    rows = [list(r) for r in rows]
    for action, i, j, value in mutations:
        row = rows[i % len(rows)] if rows else []
        if action == "cell" and row:
            row[j % len(row)] = value
        elif action == "drop row" and rows:
            rows.remove(row)
        elif action == "duplicate row" and rows:
            rows.insert(i % len(rows), list(row))
        elif action == "drop column" and rows and rows[0]:
            column = j % len(rows[0])
            rows = [r[:column] + r[column + 1 :] for r in rows]
        elif action == "header" and rows and rows[0]:
            rows[0][j % len(rows[0])] = value
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def _csv_inputs(rows: list[list[str]]) -> st.SearchStrategy[bytes]:
    mutated = st.builds(_mutated_csv, st.just(rows), st.lists(CSV_MUTATION, min_size=1, max_size=5))
    text = "\n".join(",".join(r) for r in rows).encode()
    garbled = st.builds(_garbled, st.just(text), BYTE_EDITS)
    return st.binary(max_size=500) | mutated | garbled


@FUZZ
@given(data=_csv_inputs(_csv_rows("logs/running-example.csv")[:25]))
def test_read_log_of_csv_gives_a_log_or_a_bpr_error(tmp_path_factory: Any, data: bytes) -> None:
    path = _written(tmp_path_factory.mktemp("csv"), "log.csv", data)
    _result_or_bpr_error(bpr.read_log, path)


ANNOTATED = bpr.ServiceProcess.from_blocks(
    "Permit", bpr.Step("a", "Submit request"), bpr.Step("b", "Check documents")
)
ANNOTATION_ROWS = [
    ["activity", *ANNOTATION_COLUMNS],
    ["Submit request", "submit", "citizen", "City", "web", "no", "yes", "false", "", "yes",
     "no", "form", "receipt", ""],
    ["Check documents", "verify", "back_office", "City", "internal", "", "true", "false",
     "Law 5", "yes", "yes", "receipt", "none", "بررسی مدارک"],
]  # fmt: skip


def _workbook() -> bytes:
    """A valid annotation workbook, as :func:`bpr.write_annotation_table` writes it."""
    import pandas as pd

    from bpr.annotate import annotation_table_bytes

    frame = pd.DataFrame(ANNOTATION_ROWS[1:], columns=ANNOTATION_ROWS[0])
    return annotation_table_bytes(frame, ".xlsx")


def _mutated_workbook(workbook: bytes, member: int, edits: list[tuple[int, bytes]]) -> bytes:
    """The workbook with bytes of one of its XML parts replaced or cut, zipped again."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(workbook))
    names = source.namelist()
    victim = names[member % len(names)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            data = source.read(name)
            target.writestr(name, _garbled(data, edits) if name == victim else data)
    return out.getvalue()


def _workbook_inputs() -> st.SearchStrategy[bytes]:
    workbook = _workbook()
    mutated = st.builds(_mutated_workbook, st.just(workbook), st.integers(0, 50), BYTE_EDITS)
    garbled = st.builds(_garbled, st.just(workbook), BYTE_EDITS)  # zip structure or contents
    return st.binary(max_size=500) | mutated | garbled


@FUZZ
@given(data=_csv_inputs(ANNOTATION_ROWS))
def test_annotate_with_a_csv_table_gives_a_process_or_a_bpr_error(
    tmp_path_factory: Any, data: bytes
) -> None:
    path = _written(tmp_path_factory.mktemp("annotations"), "table.csv", data)
    _result_or_bpr_error(lambda table: bpr.annotate(ANNOTATED, table), path)


@FUZZ
@given(data=_workbook_inputs())
def test_annotate_with_a_workbook_gives_a_process_or_a_bpr_error(
    tmp_path_factory: Any, data: bytes
) -> None:
    path = _written(tmp_path_factory.mktemp("annotations"), "table.xlsx", data)
    _result_or_bpr_error(lambda table: bpr.annotate(ANNOTATED, table), path)


# -- JSON: bpr process documents --------------------------------------------------------------


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document: the keys and indices leading to it."""
    places = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            places += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            places += _paths(item, (*prefix, index))
    return places


def _mutated_json(document: Any, mutations: list[tuple[str, int, Any]]) -> bytes:
    document = copy.deepcopy(document)
    for action, index, value in mutations:
        places = _paths(document)
        place = places[index % len(places)]
        if not place:
            continue
        *to_parent, key = place
        parent = document
        for step in to_parent:
            parent = parent[step]
        if action == "replace":
            parent[key] = value
        elif action == "drop":
            del parent[key]
        elif action == "nest":
            for _ in range(index % 200):
                value = [value]
            parent[key] = value
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    return json.dumps(document, ensure_ascii=True).encode()


def _templates() -> list[Any]:
    return [
        json.loads(bpr.write_process(bpr.read_bpmn(DATA / name)))
        for name in ("models/running-example.bpmn", "models/simple_model.bpmn")
    ]


JSON_MUTATION = st.tuples(
    st.sampled_from(["replace", "replace", "drop", "nest", "duplicate"]),
    st.integers(min_value=0, max_value=10**6),
    WEIRD_JSON,
)


def _json_inputs() -> st.SearchStrategy[bytes]:
    templates = _templates()
    mutated = st.builds(
        _mutated_json, st.sampled_from(templates), st.lists(JSON_MUTATION, min_size=1, max_size=4)
    )
    text = st.sampled_from(templates).map(lambda d: json.dumps(d).encode())
    garbled = st.builds(_garbled, text, BYTE_EDITS)
    with_bom = text.map(lambda data: b"\xef\xbb\xbf" + data)
    return st.binary(max_size=500) | mutated | garbled | with_bom


@FUZZ
@given(data=_json_inputs())
def test_read_process_gives_a_process_or_a_bpr_error(tmp_path_factory: Any, data: bytes) -> None:
    path = _written(tmp_path_factory.mktemp("json"), "process.json", data)
    _result_or_bpr_error(bpr.read_process, path)


@pytest.mark.parametrize("name", ["models/running-example.bpmn", "models/simple_model.bpmn"])
def test_the_json_templates_are_read_back_unchanged(name: str) -> None:
    """The fuzzed documents start from valid ones: a mutation, not the template, is at fault."""
    process = bpr.read_bpmn(DATA / name)
    assert bpr.read_process(bpr.write_process(process)) == process
