"""Safe, streaming reading of XES event logs (``.xes`` and ``.xes.gz``).

XES is XML, and XML can carry attacks: an entity that expands a billion times ("billion
laughs") or an external entity that reads a local file or a URL. XES never needs a document type
declaration, so a file with a ``<!DOCTYPE`` is refused by a first look at its prolog (expat,
stopped at the declaration, before any entity is declared, let alone expanded); the parser
proper (lxml ``iterparse``) then runs with entity resolution and network access off anyway.
The file streams trace by trace, and :func:`stream_xes` hands the rows on in tables of
:data:`BATCH` rows, so memory holds one batch of rows and one trace of the XML tree, however many
events the file has (:func:`bpr.read_log` puts the batches into DuckDB).

Events become rows: event attributes under their keys, trace attributes under ``case:`` plus the
key (so the trace's ``concept:name`` is ``case:concept:name``), as in pm4py's data frames.
``int``, ``float`` and ``boolean`` values become numbers and booleans; ``string``, ``id`` and
``date`` values stay text (timestamps are parsed later, with the rest of the log); ``list`` and
``container`` values become JSON text. Log-level attributes, globals, classifiers and
extensions describe the log, not its events, and are not read. What the reader had to work
around (an unknown element, a value that does not match its declared type, a key repeated in
one event) is returned as :class:`XesNote` so that it is reported, never silently dropped.

Examples
--------
>>> import gzip, tempfile, pathlib
>>> text = '''<log><trace><string key="concept:name" value="c1"/>
...   <event><string key="concept:name" value="Apply"/>
...          <date key="time:timestamp" value="2024-01-01T10:00:00+03:30"/></event>
... </trace></log>'''
>>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.xes.gz"
>>> _ = path.write_bytes(gzip.compress(text.encode()))
>>> xes = read_xes(path)
>>> xes.table.column_names
['concept:name', 'time:timestamp', 'case:concept:name']
>>> xes.table.to_pylist()[0]["time:timestamp"]
'2024-01-01T10:00:00+03:30'
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from bpr.errors import LogError

if TYPE_CHECKING:
    import pyarrow as pa
    from lxml import etree

__all__ = ["BATCH", "XesLog", "XesNote", "read_xes", "stream_xes"]

#: Rows per table handed on by :func:`stream_xes`.
BATCH = 20_000

_SCALARS = frozenset({"string", "date", "int", "float", "boolean", "id"})
_NESTED = frozenset({"list", "container"})
_KNOWN = _SCALARS | _NESTED
_EXAMPLES = 3


@attrs.frozen
class XesNote:
    """Something the XES reader worked around: what, how often, where (first few)."""

    kind: str
    count: int
    examples: tuple[str, ...]


@attrs.frozen
class XesLog:
    """The events of an XES file as a table of rows, and what reading them worked around."""

    table: pa.Table
    notes: tuple[XesNote, ...]


class _Notes:
    """Counts and first examples of each kind of work-around."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.examples: defaultdict[str, list[str]] = defaultdict(list)

    def add(self, kind: str, example: str) -> None:
        self.counts[kind] += 1
        if len(self.examples[kind]) < _EXAMPLES:
            self.examples[kind].append(example)

    def freeze(self) -> tuple[XesNote, ...]:
        return tuple(XesNote(k, n, tuple(self.examples[k])) for k, n in self.counts.items())


def _local(tag: Any) -> str:
    """The tag without its namespace (comments and processing instructions have none)."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _typed(kind: str, text: str) -> Any:
    """The value of a scalar attribute; ValueError when it does not match its type."""
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "boolean":
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise ValueError(text)
        return lowered == "true"
    return text


def _nested(elem: etree._Element) -> Any:
    """A list or container attribute as plain data (for JSON text)."""
    items = []
    for child in elem.iter():
        kind = _local(child.tag)
        if child is not elem and kind in _SCALARS:
            items.append({child.get("key", ""): child.get("value")})
    return items


class _Reader:
    """Turns traces and events into rows, handed to `emit` as tables of `batch` rows."""

    def __init__(self, emit: Callable[[pa.Table], None] | None, batch: int) -> None:
        self.rows: list[dict[str, Any]] = []
        self.notes = _Notes()
        self.emit = emit
        self.batch = batch

    def flush(self) -> None:
        if self.emit is not None and self.rows:
            self.emit(_table(self.rows))
            self.rows = []

    def where(self, elem: etree._Element) -> str:
        return f"line {elem.sourceline}"

    def attributes(self, parent: etree._Element, prefix: str) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for child in parent:
            kind = _local(child.tag)
            if kind in ("event", "trace", ""):
                continue
            key = child.get("key")
            if kind not in _KNOWN or key is None:
                self.notes.add("unknown XES elements ignored", f"<{kind}> at {self.where(child)}")
                continue
            if prefix + key in values:
                self.notes.add(
                    "repeated attribute keys (the last value kept)",
                    f"{key!r} at {self.where(child)}",
                )
            values[prefix + key] = self.value(kind, child)
        return values

    def value(self, kind: str, elem: etree._Element) -> Any:
        if kind in _NESTED:
            return json.dumps(_nested(elem), ensure_ascii=False)
        text = elem.get("value")
        if text is None:
            self.notes.add("XES attributes without a value read as null", self.where(elem))
            return None
        try:
            return _typed(kind, text)
        except ValueError:
            self.notes.add(
                "XES values not of their declared type kept as text",
                f"<{kind} value={text!r}> at {self.where(elem)}",
            )
            return text

    def trace(self, elem: etree._Element) -> None:
        case = self.attributes(elem, "case:")
        for child in elem:
            if _local(child.tag) == "event":
                self.rows.append({**self.attributes(child, ""), **case})
        if len(self.rows) >= self.batch:
            self.flush()

    def stray_event(self, elem: etree._Element) -> None:
        # An event outside any trace has no case; read_log drops and reports it.
        self.rows.append(self.attributes(elem, ""))


def _open(path: Path) -> Any:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")


class _RootReached(Exception):
    """The prolog is over: no document type declaration came before the root element."""


def _refuse_doctype(path: Path) -> None:
    """Raise LogError if the file declares a document type; read only up to the root element.

    expat reports the declaration before reading the entities in it, so nothing is expanded
    or fetched; lxml, by contrast, expands entities in attribute values whatever its options.
    """
    from xml.parsers import expat

    def doctype(*_: object) -> None:
        raise LogError(
            f"{path}: the file declares a document type (<!DOCTYPE ...>); XES needs none, and "
            "bpr refuses one because it can hide entity-expansion or external-entity attacks. "
            "Remove the declaration if you trust the file."
        )

    def root(*_: object) -> None:
        raise _RootReached

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = root
    with _open(path) as stream:
        try:
            while chunk := stream.read(1 << 16):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except (_RootReached, expat.ExpatError):
            return  # lxml reports syntax errors, with the line


def _parse(path: Path, reader: _Reader) -> None:
    from lxml import etree

    _refuse_doctype(path)
    with _open(path) as stream:
        # Only the elements that delimit events raise Python events (an event's attributes are
        # read from the element when it ends): a third of the time of all start and end events.
        context = etree.iterparse(
            stream,
            events=("start", "end"),
            tag=("{*}log", "{*}trace", "{*}event"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        depth = 0
        for event, elem in context:
            if event == "start":
                if depth == 0 and elem.getparent() is not None:
                    root = elem.getroottree().getroot()
                    raise LogError(f"{path}: the root element is <{root.tag}>, not <log>")
                depth += 1
                continue
            depth -= 1
            if depth != 1:
                continue
            kind = _local(elem.tag)
            if kind == "trace":
                reader.trace(elem)
            elif kind == "event":
                reader.stray_event(elem)
            elem.clear()
            parent = elem.getparent()
            if parent is not None:
                del parent[:]  # free what was read; only the current trace stays in memory
        if _local(context.root.tag) != "log":
            raise LogError(f"{path}: the root element is <{context.root.tag}>, not <log>")


def read_xes(path: Path) -> XesLog:
    """The events of the XES file at `path` (``.xes`` or ``.xes.gz``), as one table.

    Holds every event in memory; :func:`stream_xes` hands them on in batches instead. Raises
    :class:`LogError` as :func:`stream_xes` does.
    """
    reader = _Reader(None, BATCH)
    _run(path, reader)
    return XesLog(_table(reader.rows), reader.notes.freeze())


def stream_xes(
    path: Path, emit: Callable[[pa.Table], None], *, batch: int | None = None
) -> tuple[XesNote, ...]:
    """Read the XES file at `path`, calling ``emit(table)`` for each `batch` rows in file order.

    `batch` defaults to :data:`BATCH`.

    A table holds the attributes its rows have (a later table may add columns, or give a
    column another type); rows are never split from their trace mid-way, so a table may hold
    a little more than `batch` rows. Returns what the reader worked around.

    Raises :class:`LogError` naming the file when it is not well-formed XML, not XES, declares
    a document type, or is a truncated or corrupt gzip stream.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> trace = '<trace><string key="concept:name" value="c{}"/><event/><event/></trace>'
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "three.xes"
    >>> _ = path.write_text("<log>" + "".join(map(trace.format, range(3))) + "</log>")
    >>> tables = []
    >>> stream_xes(path, tables.append, batch=3)
    ()
    >>> [t.num_rows for t in tables]
    [4, 2]
    """
    reader = _Reader(emit, BATCH if batch is None else batch)
    _run(path, reader)
    reader.flush()
    return reader.notes.freeze()


def _run(path: Path, reader: _Reader) -> None:
    from lxml import etree

    try:
        _parse(path, reader)
    except etree.XMLSyntaxError as exc:
        raise LogError(
            f"{path}: not well-formed XML (line {exc.lineno}: {exc.msg}); "
            "re-export the log or repair the file"
        ) from exc
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise LogError(
            f"{path}: the gzip stream is truncated or corrupt ({exc}); "
            "download or export the file again"
        ) from exc


def _column(values: list[Any]) -> pa.Array:
    import pyarrow as pa

    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # One key with values of several types (int in one event, string in another): text.
        return pa.array([None if v is None else str(v) for v in values], pa.string())


def _table(rows: list[dict[str, Any]]) -> pa.Table:
    import pyarrow as pa

    keys = list(dict.fromkeys(k for row in rows for k in row))
    return pa.table({k: _column([row.get(k) for row in rows]) for k in keys})
