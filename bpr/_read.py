"""Reading inputs at the boundary: one rule set for model files, logs and JSON.

Every public function that takes a model file, a log or JSON text reads it through this
module, so that a file is read the same way everywhere and a foreign exception (``json``'s,
Python's codecs', a recursion or size limit) becomes one :class:`bpr.BprError` here, naming
the input and what to do.

The limits are far above anything a real service process needs and well below what would
exhaust memory or the interpreter's stack: a model file of :data:`MAX_FILE_BYTES`, a process
of :data:`MAX_NODES` nodes, a text field of :data:`MAX_FIELD` characters, JSON nested
:data:`MAX_DEPTH` levels deep.

Examples
--------
>>> load_json('\\ufeff{"a": [1, 2]}', "<json text>")
{'a': [1, 2]}
>>> load_json('[' * 100 + ']' * 100, "deep.json")
Traceback (most recent call last):
...
bpr.errors.FormatError: deep.json: JSON nested deeper than 64 levels; ...
>>> read_model("model.svg")
Traceback (most recent call last):
...
bpr.errors.FormatError: model.svg: cannot tell the model's format from the name; ...
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bpr.errors import BprError, FormatError, ModelError

if TYPE_CHECKING:
    from bpr.log import EventLog
    from bpr.model import ServiceProcess
    from bpr.pnml import Net

MAX_FIELD = 1_000_000
"""The most characters a text field (a label, a name, a cell) may have."""

MAX_NODES = 1_000_000
"""The most nodes (steps, gateways, events) a model may have."""

MAX_DEPTH = 64
"""The deepest nesting a JSON document may have (a bpr process document has six levels)."""

MAX_FILE_BYTES = 512 * 1024 * 1024
"""The largest model file (JSON, BPMN, PNML) read, in bytes."""

MODEL_SUFFIXES = (".json", ".bpmn", ".xml", ".pnml")
"""The file name endings :func:`read_model` knows: bpr JSON, BPMN 2.0, PNML."""

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 and C1 control characters and DEL, but tab and line breaks, which labels may hold.
_CONTROL = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]")


def model_file(path: str | os.PathLike[str]) -> ServiceProcess | Net:
    """The model in ``path``, chosen by its suffix: ``.json`` (bpr), ``.bpmn``/``.xml``
    (BPMN 2.0) or ``.pnml`` (a Petri net, returned as it is)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        from bpr.serialize import read_process

        return read_process(path)
    if suffix in (".bpmn", ".xml"):
        from bpr.bpmn import read_bpmn

        return read_bpmn(path)
    if suffix == ".pnml":
        from bpr.pnml import read_pnml

        return read_pnml(path)
    raise FormatError(
        f"{path}: cannot tell the model's format from the name; give a .json (bpr), "
        ".bpmn or .xml (BPMN 2.0) or .pnml file"
    )


def read_model(path: str | os.PathLike[str]) -> ServiceProcess:
    """The service process in ``path`` (see :func:`model_file`); a net becomes a process."""
    from bpr.model import ServiceProcess

    model = model_file(path)
    if isinstance(model, ServiceProcess):
        return model
    from bpr.pnml import to_process

    try:
        return to_process(model)
    except ModelError as exc:
        raise FormatError(f"{path}: {exc}") from None


def event_log(log: Any) -> EventLog:
    """``log`` itself if it is an :class:`~bpr.EventLog`, else the log :func:`bpr.read_log`
    reads from it (a path, a DataFrame) with the default options."""
    from bpr.log import EventLog, read_log

    return log if isinstance(log, EventLog) else read_log(log)


def file_bytes(path: Path, what: str) -> bytes:
    """The bytes of the file ``path``, or a :class:`FormatError` saying why not."""
    try:
        found = path.is_file()
    except OSError as exc:
        # a text given where a path belongs can be too long to be a file name at all
        shown = str(path) if len(str(path)) <= 80 else f"{str(path)[:77]}..."
        raise FormatError(
            f"{shown}: not a file name ({exc.strerror}); give the path of a {what}"
        ) from None
    if not found:
        raise FormatError(f"{path}: no such file; give the path of a {what}")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FormatError(
            f"{path}: {size:,} bytes, more than any {what} needs (at most {MAX_FILE_BYTES:,}); "
            "is it the right file?"
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FormatError(f"{path}: cannot be read ({exc.strerror}); check it") from None


def decode(data: bytes, where: str, what: str) -> str:
    """UTF-8 text (a byte-order mark allowed), or a :class:`FormatError`."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start}); is it a {what}? "
            "Save it as UTF-8"
        ) from None


def load_json(text: str, where: str) -> Any:
    """The JSON document in ``text`` (a leading byte-order mark allowed), checked against the
    limits; a :class:`FormatError` naming ``where`` for anything else."""
    try:
        document = json.loads(text.removeprefix("\ufeff"), parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{where}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise _too_deep(where) from None
    except ValueError as exc:  # a number of more digits than Python converts, NaN
        raise FormatError(f"{where}: not valid JSON ({exc}); write plain numbers") from None
    check_document(document, where)
    return document


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _too_deep(where: str) -> FormatError:
    return FormatError(
        f"{where}: JSON nested deeper than {MAX_DEPTH} levels; no process document needs "
        "that, is it the right file?"
    )


def check_document(document: Any, where: str) -> None:
    """Refuse a JSON document nested too deep, or holding a text no file can hold."""
    pending = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            pending.extend((v, depth + 1) for v in value.values())
            pending.extend((k, depth) for k in value)
        elif isinstance(value, list):
            pending.extend((v, depth + 1) for v in value)
        elif isinstance(value, str):
            check_text(value, where)
        if depth > MAX_DEPTH:
            raise _too_deep(where)


def check_text(value: str, where: str, error: type[BprError] = FormatError) -> None:
    """Refuse a text longer than :data:`MAX_FIELD`, with a control character other than tab
    and line breaks, or with a lone surrogate (half of a character, which no UTF-8 file can
    hold), with an ``error`` naming ``where``."""
    if len(value) > MAX_FIELD:
        raise error(
            f"{where}: a text field of {len(value):,} characters (at most {MAX_FIELD:,}); "
            f"it starts {value[:40]!r}; is the input cut or garbled?"
        )
    control = _CONTROL.search(value)
    if control:
        raise error(
            f"{where}: the text {value[:40]!r} holds the control character "
            f"\\x{ord(control.group()):02x}, which shows as nothing and breaks drawings and "
            "tables; remove it"
        )
    lone = _SURROGATE.search(value)
    if lone:
        raise error(
            f"{where}: the text {value[:40]!r} holds half a character (a lone surrogate "
            f"\\u{ord(lone.group()):04x}); write the whole character or remove it"
        )


def check_xml(root: Any, where: str, is_node: Callable[[str], bool]) -> None:
    """Refuse an XML model with a text beyond the limits, or more than :data:`MAX_NODES`
    elements whose local name ``is_node``; in one pass, before anything is built from it."""
    nodes = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        nodes += is_node(element.tag.rsplit("}", 1)[-1])
        for value in (element.text, *element.attrib.values()):
            if value:
                check_text(value, where)
    check_count(nodes, where)


def check_count(count: int, where: str, what: str = "nodes") -> None:
    """Refuse a model of more than :data:`MAX_NODES` ``what``."""
    if count > MAX_NODES:
        raise FormatError(
            f"{where}: {count:,} {what}, more than any service process has (at most "
            f"{MAX_NODES:,}); is it the right file?"
        )
