"""What SECURITY.md says about untrusted input, for the readers the other test modules do not
cover: PNML (XML) with entities, process JSON nested too deep or too large.

XES and BPMN files with a document type, external entities and the billion laughs are tested
in test_log_xes.py and test_bpmn.py; writes (links, atomic files, formula cells) in
test_outputs.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bpr import read_process
from bpr.errors import FormatError
from bpr.pnml import read_pnml
from tests.conftest import DATA, entity_bomb

ROADTRAFFIC = (DATA / "models" / "roadtraffic.pnml").read_text(encoding="utf-8")


def _with_prolog(prolog: str, label: str) -> str:
    """The road-traffic net with ``prolog`` after its XML declaration, and its transition
    ``Payment`` labelled ``label``."""
    body = ROADTRAFFIC.split("?>", 1)[1].replace("<text>Payment</text>", f"<text>{label}</text>")
    return "<?xml version='1.0' encoding='UTF-8'?>\n" + prolog + body


def _labels(path: Path) -> list[str]:
    net = read_pnml(path)
    return sorted(str(t.label) for t in net.net.transitions)


def test_a_pnml_external_entity_is_not_loaded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    path = tmp_path / "xxe.pnml"
    prolog = f'<!DOCTYPE pnml [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
    path.write_text(_with_prolog(prolog, "&xxe;"), encoding="utf-8")
    try:
        labels = _labels(path)
    except FormatError as error:  # refused: fine, if it does not quote the secret
        assert "TOP-SECRET" not in str(error)
    else:
        assert not any("TOP-SECRET" in label for label in labels)
        plain = _labels(DATA / "models" / "roadtraffic.pnml")
        assert "Payment" in plain and "Payment" not in labels
        assert len(labels) == len(plain)


def test_a_pnml_entity_bomb_is_refused_without_expansion(tmp_path):
    path = tmp_path / "laughs.pnml"
    path.write_text(_with_prolog(entity_bomb("pnml").split("?>", 1)[1], "&lol9;"))
    with pytest.raises(FormatError, match=r"laughs\.pnml is not well-formed XML") as info:
        read_pnml(path)
    assert "lollol" not in str(info.value)


def test_process_json_nested_too_deep_is_a_format_error(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"nodes": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(FormatError, match=r"deep\.json: JSON nested deeper than 64 levels"):
        read_process(path)


def test_a_model_file_too_large_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as stream:  # sparse: no disk is used, and nothing could be parsed
        stream.truncate(513 * 1024 * 1024)
    with pytest.raises(FormatError, match=r"huge\.json: 537,919,488 bytes, more than any"):
        read_process(path)


def test_labels_are_text_in_a_drawing():
    from lxml import etree

    from bpr import ServiceProcess, Step, render

    hostile = "<script>alert(1)</script>&x"
    process = ServiceProcess.from_blocks(
        "P", Step("a", hostile, kind="pay", agency="<b onload='x()'>Bank</b>")
    )
    svg = etree.fromstring(render(process, engine="wasm").encode("utf-8"))
    texts = "".join(svg.itertext())
    assert "alert(1)" in texts  # shown, as text
    assert not svg.xpath("//*[local-name()='script' or local-name()='b' or @onload]")
