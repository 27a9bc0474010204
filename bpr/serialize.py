"""Lossless JSON for service processes.

The JSON holds every field of every node and flow, observed statistics included, with keys in
a fixed order and a schema version, so that ``write_process(read_process(text))`` gives the same
bytes back.

Examples
--------
>>> from bpr import ServiceProcess, Step
>>> p = ServiceProcess.from_blocks("Tiny", Step("a", "Apply", kind="submit"))
>>> text = write_process(p)
>>> read_process(text) == p
True
>>> write_process(read_process(text)) == text
True
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs

from bpr._read import check_count, decode, file_bytes, load_json
from bpr.errors import FormatError, ModelError
from bpr.model import (
    DurationStats,
    Event,
    Flow,
    Gateway,
    Node,
    ServiceProcess,
    Source,
    Step,
    StepStats,
)

__all__ = [
    "SCHEMA_VERSION",
    "process_from_dict",
    "process_to_dict",
    "read_process",
    "write_process",
]

SCHEMA = "bpr.service-process"
SCHEMA_VERSION = 1


def _plain(value: Any) -> Any:
    """A JSON-ready form of a field value, in a stable order."""
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, timedelta):
        return value.total_seconds()
    if hasattr(value, "value") and isinstance(value.value, str):  # an enum
        return value.value
    if attrs.has(type(value)):
        return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    return value


def _node_to_dict(node: Node) -> dict[str, Any]:
    kind = {Step: "step", Gateway: "gateway", Event: "event"}[type(node)]
    return {"type": kind, **_plain(node)}


def process_to_dict(process: ServiceProcess) -> dict[str, Any]:
    """The process as plain dictionaries and lists (the JSON document)."""
    return {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "name": process.name,
        "description": process.description,
        "nodes": [_node_to_dict(n) for n in process.nodes],
        "flows": [_plain(f) for f in process.flows],
    }


def write_process(process: ServiceProcess, path: str | os.PathLike[str] | None = None) -> str:
    """Write ``process`` as JSON to ``path`` (UTF-8) and return the text.

    With no ``path`` only the text is returned.
    """
    text = json.dumps(process_to_dict(process), ensure_ascii=False, indent=2) + "\n"
    if path is not None:
        from bpr._files import write_file

        write_file(path, text)
    return text


def read_process(source: str | os.PathLike[str]) -> ServiceProcess:
    """Read a process written by :func:`write_process`, from a path or from JSON text.

    A file may start with a UTF-8 byte-order mark. Anything that is not a process document
    is a :class:`bpr.FormatError` naming the file and what is wrong: malformed JSON, JSON
    nested deeper than a process document ever is, a text with half a character (a lone
    surrogate), a field or a model beyond the limits of :mod:`bpr._read`, a field of the
    wrong type.

    >>> read_process('{"schema": "bpr.service-process", "version": 1, "nodes": [')
    Traceback (most recent call last):
    ...
    bpr.errors.FormatError: <json text>: not valid JSON (Expecting value at line 1)
    """
    name, text = _source_text(source)
    return process_from_dict(load_json(text, name), name=name)


def _source_text(source: str | os.PathLike[str]) -> tuple[str, str]:
    if isinstance(source, str) and source.lstrip("\ufeff \t\r\n").startswith("{"):
        return "<json text>", source
    path = Path(source)
    return str(path), decode(file_bytes(path, "process JSON file"), str(path), "process JSON file")


def process_from_dict(document: Any, *, name: str = "<dict>") -> ServiceProcess:
    """Build a process from the dictionaries of :func:`process_to_dict`."""
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise FormatError(f'{name}: not a bpr process document (no "schema": "{SCHEMA}")')
    version = document.get("version")
    if version != SCHEMA_VERSION:
        raise FormatError(
            f"{name}: schema version {version!r} is not supported (this bpr reads version "
            f"{SCHEMA_VERSION}); upgrade bpr"
        )
    if isinstance(document.get("nodes"), list):
        check_count(len(document["nodes"]), name)
    try:
        nodes = [_node_from_dict(n) for n in document["nodes"]]
        flows = [Flow(**f) for f in document["flows"]]
        return ServiceProcess(
            document["name"], nodes=nodes, flows=flows, description=document.get("description")
        )
    except ModelError as exc:
        raise FormatError(f"{name}: {exc}") from None
    except KeyError as exc:
        raise FormatError(
            f"{name}: malformed process document: no {exc.args[0]!r} where one is needed; "
            "write it with bpr.write_process"
        ) from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise FormatError(
            f"{name}: malformed process document ({exc}); write it with bpr.write_process"
        ) from None


def _node_from_dict(data: dict[str, Any]) -> Node:
    if not isinstance(data, dict):
        raise ValueError(f"a node is {data!r}, not an object with a type and an id")
    data = dict(data)
    kind = data.pop("type")
    if kind == "step":
        stats = data.get("stats")
        if stats is not None:
            data["stats"] = _stats_from_dict(stats)
        data["sources"] = [Source(**s) for s in data.get("sources", ())]
        return Step(**data)
    if kind == "gateway":
        return Gateway(**data)
    if kind == "event":
        return Event(**data)
    raise ValueError(f"unknown node type {kind!r}")


def _stats_from_dict(data: dict[str, Any]) -> StepStats:
    """Step statistics; the fields a document of an older bpr lacks take their defaults."""
    data = dict(data)
    for key in ("working", "waiting"):
        if data.get(key) is not None:
            data[key] = DurationStats(**data[key])
    return StepStats(**data)
