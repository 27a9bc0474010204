"""Step types from three sources: an annotation table, event attributes and the classifier.

Each attribute of a step is decided on its own, by the first source that says something
about it:

1. **annotations**, a table written by an analyst (below);
2. **event attributes** of the log;
3. the bilingual keyword **classifier** (:func:`bpr.classify`) reading the label.

Otherwise the attribute stays unknown (``None``): nothing is guessed where no source says
anything. Each decided attribute records its source on the step (:attr:`bpr.Step.sources`),
and :func:`typing_report` says, for every step and attribute, which source decided it, how
sure it is and by which rule, so an analyst knows what to review. When a channel is
decided, whether the citizen is present follows from it at the same level (in person and
counter office mean present, the other channels absent), unless a higher source says
otherwise.

Annotation table
----------------
A CSV file (UTF-8, a BOM is fine), a pandas DataFrame or a mapping ``activity -> {column:
value}``, one row per step, keyed by a column ``activity`` (the step's name or Persian name as
in the log or the model, matched after :func:`bpr.labels.normalize`), with any of the columns
in :data:`ANNOTATION_COLUMNS`. ``kind``, ``actor`` and ``channel`` take the values of
:class:`~bpr.StepKind`, :class:`~bpr.Actor` and :class:`~bpr.Channel` (case, spaces and
hyphens ignored: ``Back office`` is ``back_office``); the yes/no columns take true/false,
yes/no, y/n, 1/0 or بله/خیر; documents are ``;``-separated text or a list, and ``none`` (or
``-``, ``هیچ``) says the step needs or makes no document. An empty cell says nothing, and
leaves the attribute to the sources below. An unknown column or value, a row
without an activity, two rows for one activity and a row that matches no step are each an
:class:`~bpr.AnnotationError` naming the row and the column.

Event attributes
----------------
The canonical columns of :func:`bpr.read_log` (which takes them from ``agency``,
``case:channel``, ``org:resource`` and the like, see :attr:`bpr.EventLog.columns_chosen`; an
XES ``org:group`` is a unit inside the organisation, an agency only when mapped with
``read_log(..., agency="org:group")``):

* ``agency``: its most frequent value (placeholders such as ``EMPTY``, ``unknown`` or ``n/a``
  are no value);
* ``channel``: the most frequent channel. When the column came from a case attribute (XES
  ``case:channel``), only the event that starts each case counts: a case's channel is how its
  request came in, which says nothing about the back-office steps after it. Values are channel
  names, common export words (``Desk`` and ``Counter`` are in person, ``Intern`` internal) or
  anything the classifier's channel lexicon knows (``Internet`` and ``e-mail`` are web,
  ``Post`` is mail);
* ``actor``: ``system`` when the most frequent ``resource`` is an automated one (``system``,
  ``batch``, ``سامانه``, ...).

The confidence of an attribute decision is the share of the activity's events that carry the
chosen value.

Examples
--------
>>> from bpr import ServiceProcess, Step, annotate
>>> p = ServiceProcess.from_blocks("Permit", Step("a", "Submit request"), Step("b", "بررسی مدارک"))
>>> q = annotate(p, {"submit request": {"channel": "in person", "citizen_present": "yes"},
...                  "بررسي مدارك": {"agency": "Municipality", "kind": "verify"}})
>>> q.step("a").channel, q.step("a").citizen_present, q.step("b").agency
(<Channel.IN_PERSON: 'in_person'>, True, 'Municipality')
>>> p.step("a").channel is None  # the caller's process is unchanged
True
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from bpr._read import check_text
from bpr._steps import PRESENT_CHANNELS, presence
from bpr._tables import read_table, table_bytes, write_table
from bpr.errors import AnnotationError
from bpr.labels import normalize
from bpr.model import Actor, Channel, ServiceProcess, Source, Step, StepKind

if TYPE_CHECKING:
    import pandas as pd

    from bpr.log import EventLog

__all__ = [
    "ANNOTATION_COLUMNS",
    "CHECK_BELOW",
    "INFO_COLUMNS",
    "AnnotationTable",
    "annotate",
    "annotation_table",
    "step_types",
    "typing_report",
    "write_annotation_table",
]

AnnotationTable: TypeAlias = (
    "str | os.PathLike[str] | pd.DataFrame | Mapping[str, Mapping[str, Any]]"
)

_ENUMS: dict[str, type[StepKind] | type[Actor] | type[Channel]] = {
    "kind": StepKind,
    "actor": Actor,
    "channel": Channel,
}
_FLAGS = ("citizen_present", "mandatory", "fixed_channel", "documented", "rule_based")
_TEXTS = ("agency", "legal_basis", "name_fa")
_DOCUMENTS = ("documents_in", "documents_out")

#: The columns an annotation table may have besides ``activity``: the typed fields of a Step.
ANNOTATION_COLUMNS: tuple[str, ...] = (
    "kind",
    "actor",
    "agency",
    "channel",
    "citizen_present",
    "mandatory",
    "fixed_channel",
    "legal_basis",
    "documented",
    "rule_based",
    "documents_in",
    "documents_out",
    "name_fa",
)

_YES = frozenset({"true", "yes", "y", "1", "بله", "آری", "بلی"})
_NO = frozenset({"false", "no", "n", "0", "خیر", "نه"})
_PLACEHOLDERS = frozenset({"", "empty", "unknown", "none", "null", "nan", "n/a", "na", "-", "?"})
# In a documents column these say "no document" (an empty cell says nothing).
_NO_DOCUMENTS = frozenset({"none", "-", "—", "no documents", "هیچ", "ندارد", "بدون مدرک"})
_AUTOMATED = frozenset({"system", "sys", "batch", "automatic", "auto", "bot", "سیستم", "سامانه"})
# Export words for channels that the classifier's lexicon, made for labels, does not cover.
_CHANNEL_WORDS = {
    "desk": Channel.IN_PERSON,
    "front desk": Channel.IN_PERSON,
    "counter": Channel.IN_PERSON,
    "office": Channel.IN_PERSON,
    "intern": Channel.INTERNAL,
    "internal": Channel.INTERNAL,
    "system": Channel.SYSTEM,
}
_RANK = {"annotation": 0, "attribute": 1, "classifier": 2}


@attrs.frozen
class _Row:
    """One annotation row: where it is (for messages), its activity and its parsed values."""

    where: str
    activity: str
    values: Mapping[str, Any]


@attrs.frozen
class _Decision:
    value: Any
    source: str
    confidence: float | None
    rule: str

    def source_of(self, field: str) -> Source:
        """The decision as the :class:`~bpr.model.Source` a step keeps for ``field``."""
        origin = "log_attribute" if self.source == "attribute" else self.source
        return Source(field, origin, self.rule, self.confidence)


# -- annotate ---------------------------------------------------------------------------------


def annotate(process: ServiceProcess, table: AnnotationTable) -> ServiceProcess:
    """A copy of ``process`` with step attributes set from an annotation table.

    Parameters
    ----------
    process
        Any service process; it is not changed.
    table
        A CSV path, a pandas DataFrame or a mapping ``activity -> {column: value}``; see
        :mod:`bpr.annotate` for the columns and values.

    Returns
    -------
    ServiceProcess
        The same structure, with every annotated attribute of every matched step replaced.

    Raises
    ------
    AnnotationError
        On an unreadable table, an unknown column or value, and rows that match no step.

    Examples
    --------
    >>> from bpr import ServiceProcess, Step
    >>> p = ServiceProcess.from_blocks("Permit", Step("a", "Pay fee"))
    >>> annotate(p, {"Pay fee": {"kind": "fee"}})
    Traceback (most recent call last):
    ...
    bpr.errors.AnnotationError: annotations entry 'Pay fee', column 'kind': unknown value 'fee'...
    >>> annotate(p, {"Pay": {"kind": "pay"}})
    Traceback (most recent call last):
    ...
    bpr.errors.AnnotationError: 1 annotation row matches no step of process 'Permit': 'Pay' ...
    """
    rows = _read_table(table)
    _check_matched(rows, _step_names(process.steps), f"step of process {process.name!r}")
    changed = {}
    for step in process.steps:
        row = next((rows[k] for k in _keys(step) if k in rows), None)
        if row is not None:
            given = [Source(f, "annotation", row.where, 1.0) for f in sorted(row.values)]
            kept = [s for s in step.sources if s.field not in row.values]
            changed[step.id] = attrs.evolve(step, **row.values, sources=(*kept, *given))
    return process.replace_steps(changed)


def step_types(
    labels: Iterable[str],
    log: EventLog | None = None,
    *,
    annotations: AnnotationTable | None = None,
) -> dict[str, dict[str, Any]]:
    """The step attributes of each activity label, from annotations, event attributes and
    the classifier, in that order of precedence.

    Parameters
    ----------
    labels
        Activity labels (display labels, as in the log).
    log
        The event log whose attributes type the steps; ``None`` skips that source.
    annotations
        An annotation table; its rows must match a label or an activity of ``log``.

    Returns
    -------
    dict
        label -> {attribute: value}, only the attributes some source decided; ready to be
        passed to :class:`~bpr.Step`.

    Examples
    --------
    >>> types = step_types(["Pay the fee at the bank", "Archive the file"],
    ...                    annotations={"Archive the file": {"actor": "system"}})
    >>> types["Pay the fee at the bank"]["kind"], types["Archive the file"]["actor"]
    (<StepKind.PAY: 'pay'>, <Actor.SYSTEM: 'system'>)
    """
    decisions = _decisions(list(labels), log, annotations)
    return {
        label: {
            **{field: d.value for field, d in decided.items()},
            "sources": tuple(d.source_of(field) for field, d in sorted(decided.items())),
        }
        for label, decided in decisions.items()
    }


def typing_report(
    process: ServiceProcess,
    log: EventLog | None = None,
    *,
    annotations: AnnotationTable | None = None,
) -> pd.DataFrame:
    """Where each typed attribute of each step comes from.

    The sources are worked out again from ``log`` and ``annotations`` (pass those given to
    :func:`bpr.discover`) and held against the process's values: ``annotation``,
    ``attribute`` or ``classifier`` when that source gives the value the step has,
    ``unknown`` for a field no source gives, ``default`` for a flag left at its default
    (``fixed_channel``, ``rule_based``), and ``model`` for a value set in the model itself (by
    hand or by a later change).

    Returns
    -------
    pandas.DataFrame
        Columns ``step`` (name), ``attribute``, ``value``, ``source``, ``confidence`` (1.0
        for annotations, the share of events for attributes, the classifier's score) and
        ``rule``; one row per step and attribute of :data:`ANNOTATION_COLUMNS`.

    Examples
    --------
    >>> from bpr import ServiceProcess, Step
    >>> p = ServiceProcess.from_blocks("Fee", Step("a", "Pay the fee", kind="pay", agency="Bank"))
    >>> report = typing_report(p).set_index("attribute")
    >>> report.loc["kind", ["value", "source", "rule"]].tolist()
    ['pay', 'classifier', "kind:pay<-'pay'; actor:citizen<-kind:pay"]
    >>> report.loc["agency", ["value", "source"]].tolist()
    ['Bank', 'model']
    >>> report.loc["mandatory", ["value", "source"]].tolist()
    [None, 'unknown']
    >>> report.loc["fixed_channel", ["value", "source"]].tolist()
    [False, 'default']
    """
    import pandas as pd

    decisions = _decisions([s.name for s in process.steps], log, annotations)
    records = []
    for step in process.steps:
        for field in ANNOTATION_COLUMNS:
            value = getattr(step, field)
            decision = decisions[step.name].get(field)
            if decision is not None and decision.value == value:
                source, confidence, rule = decision.source, decision.confidence, decision.rule
            elif decision is None and value is None:
                source, confidence, rule = "unknown", None, "no source gives it"
            elif decision is None and value == _default(field):
                source, confidence, rule = "default", None, "no source says otherwise"
            else:
                source, confidence, rule = "model", None, "set in the model"
            records.append((step.name, field, _display(value), source, confidence, rule))
    columns = ["step", "attribute", "value", "source", "confidence", "rule"]
    return pd.DataFrame.from_records(records, columns=columns)


# -- the annotation loop ----------------------------------------------------------------------

#: Columns of an annotation template that inform the analyst and are ignored when it is read
#: back: how often the activity runs, what is left to give or check, and who typed what.
INFO_COLUMNS: tuple[str, ...] = (
    "cases",
    "cases_share",
    "events",
    "to_review",
    "confidence",
    "typed_by",
    "rule",
)
# The fields an analyst is asked for first, in the order the template shows them: who does
# what, where and how, whether the law requires it, and its documents.
_ASKED = (*ANNOTATION_COLUMNS[:6], *_DOCUMENTS)
#: Below this confidence a classifier's guess is listed for checking.
CHECK_BELOW = 0.75


def annotation_table(
    log: EventLog | pd.DataFrame | str | os.PathLike[str],
    *,
    annotations: AnnotationTable | None = None,
) -> pd.DataFrame:
    """The annotation table of a log's activities, pre-filled, for an analyst to complete.

    One row per activity, with what the sources say (a previous table, the log's columns, the
    classifier: the precedence of :func:`step_types`) in the columns of
    :data:`ANNOTATION_COLUMNS`, and a blank where nothing says anything: an analyst fills
    the blanks and corrects the guesses, and passes the table back as ``annotations``
    (:func:`bpr.discover`, :func:`bpr.analyze`, ``--annotations`` on the command line).
    The columns of :data:`INFO_COLUMNS` help: ``cases``, ``cases_share`` and ``events`` say
    how often the activity runs; ``to_review`` what to give (``give: mandatory``) and what
    to check (``check: kind``, a classifier's guess below :data:`CHECK_BELOW`);
    ``confidence`` and ``rule`` are the classifier's; ``typed_by`` says which source gave
    each field. Rows to check come first, then the most frequent. Reading the table back
    ignores those columns. Write it with :func:`write_annotation_table` (CSV or Excel).

    Examples
    --------
    >>> import pandas as pd
    >>> events = pd.DataFrame({
    ...     "case": ["1", "1", "2"],
    ...     "activity": ["پرداخت اینترنتی هزینه", "Archive file", "پرداخت اینترنتی هزینه"],
    ...     "timestamp": pd.date_range("2024-01-01", periods=3, freq="h", tz="UTC"),
    ... })
    >>> table = annotation_table(events).set_index("activity")
    >>> table.loc["پرداخت اینترنتی هزینه", ["kind", "channel", "mandatory", "cases_share"]]
    kind                pay
    channel             web
    mandatory
    cases_share         1.0
    Name: پرداخت اینترنتی هزینه, dtype: object
    >>> table.loc["Archive file", "to_review"]
    'give: agency, channel, mandatory, documents_in, documents_out'
    """
    import pandas as pd

    from bpr._read import event_log

    log = event_log(log)
    counts = log.stats().activities.set_index("activity")
    labels = list(counts.index)
    decisions = _decisions(labels, log, annotations)
    rows = [_template_row(a, decisions[a], counts.loc[a], log.n_cases) for a in labels]
    frame = pd.DataFrame(rows, columns=["activity", *INFO_COLUMNS[:4], *_columns()])
    checks = frame["to_review"].str.contains("check:")
    order = frame.assign(_check=~checks, _cases=-frame["cases"]).sort_values(
        ["_check", "_cases", "activity"], kind="stable"
    )
    return order[frame.columns].reset_index(drop=True)


def _columns() -> list[str]:
    """The typed columns, those asked first, then the information about the guesses."""
    rest = [c for c in ANNOTATION_COLUMNS if c not in _ASKED]
    return [*_ASKED, *rest, *INFO_COLUMNS[4:]]


def _template_row(
    activity: str, decided: Mapping[str, _Decision], counts: Any, cases: int
) -> dict[str, Any]:
    # Presence that the actor or channel already tells is not asked for again.
    told = presence(Step("t", activity, **{f: d.value for f, d in decided.items()}))
    give = [
        f for f in _ASKED if f not in decided and not (f == "citizen_present" and told is not None)
    ]
    check = [
        f
        for f, d in decided.items()
        if d.source == "classifier" and (d.confidence or 0.0) < CHECK_BELOW
    ]
    review = "; ".join(
        f"{what}: {', '.join(fields)}"
        for what, fields in (("give", give), ("check", check))
        if fields
    )
    by_source: dict[str, list[str]] = {}
    for field, decision in decided.items():
        by_source.setdefault(decision.source, []).append(field)
    guess = next((d for d in decided.values() if d.source == "classifier"), None)
    return {
        "activity": activity,
        "cases": int(counts["cases"]),
        "cases_share": int(counts["cases"]) / cases if cases else None,
        "events": int(counts["events"]),
        "to_review": review,
        **{f: _cell(decided[f].value) if f in decided else "" for f in ANNOTATION_COLUMNS},
        "confidence": None if guess is None else guess.confidence,
        "typed_by": "; ".join(f"{', '.join(fs)}: {s}" for s, fs in sorted(by_source.items())),
        "rule": "" if guess is None else guess.rule,
    }


def _cell(value: Any) -> Any:
    """A field value as an analyst writes it in a table."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, frozenset):
        return "; ".join(sorted(value)) or "none"
    return getattr(value, "value", value)


def write_annotation_table(table: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write an annotation table (:func:`annotation_table`) as CSV (UTF-8 with a byte-order
    mark, for Excel) or, for a ``.xlsx`` path, as an Excel workbook whose typed columns offer
    their values in a drop-down list. The same table gives the same bytes.

    Raises
    ------
    AnnotationError
        When the suffix is neither ``.csv`` nor ``.xlsx``.
    OutputError
        When the file cannot be written.
    """
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise AnnotationError(
            f"{path}: write an annotation table as .csv or .xlsx, not {path.suffix or 'no suffix'}"
        )
    write_table(table, path, choices=_choices())
    return path


def annotation_table_bytes(table: pd.DataFrame, suffix: str) -> bytes:
    """The bytes :func:`write_annotation_table` writes to a ``.csv`` or ``.xlsx`` file."""
    return table_bytes(table, suffix, choices=_choices())


def _choices() -> dict[str, list[str]]:
    """The values each typed column offers in a drop-down list."""
    choices = {name: [m.value for m in enum] for name, enum in _ENUMS.items()}
    return choices | {flag: ["yes", "no"] for flag in _FLAGS}


# -- decisions --------------------------------------------------------------------------------


def _decisions(
    labels: list[str], log: EventLog | None, annotations: AnnotationTable | None
) -> dict[str, dict[str, _Decision]]:
    from bpr.classify import classify

    rows = {} if annotations is None else _read_table(annotations)
    evidence: dict[str, dict[str, _Decision]] = {}
    known = list(labels)
    if log is not None:
        evidence = _attribute_evidence(log)
        known += list(log.activities)
    _check_matched(rows, _label_keys(known), "activity of the log or the model")
    result = {}
    for label in labels:
        decided: dict[str, _Decision] = {}
        row = rows.get(normalize(label))
        if row is not None:
            for field, value in row.values.items():
                decided[field] = _Decision(value, "annotation", 1.0, row.where)
        for field, decision in evidence.get(label, {}).items():
            decided.setdefault(field, decision)
        guess = classify(label)
        for field in ("kind", "actor", "channel", "citizen_present"):
            value = getattr(guess, field)
            if value is not None:
                decided.setdefault(
                    field, _Decision(value, "classifier", guess.confidence, guess.rule)
                )
        result[label] = _presence_from_channel(decided)
    return result


def _presence_from_channel(decided: dict[str, _Decision]) -> dict[str, _Decision]:
    channel, present = decided.get("channel"), decided.get("citizen_present")
    if channel is None or (present is not None and _RANK[present.source] <= _RANK[channel.source]):
        return decided
    rule = f"follows from channel {channel.value.value}"
    value = channel.value in PRESENT_CHANNELS
    return decided | {"citizen_present": _Decision(value, channel.source, channel.confidence, rule)}


def _attribute_evidence(log: EventLog) -> dict[str, dict[str, _Decision]]:
    """activity -> attribute -> decision, from the event columns that say something."""
    evidence: dict[str, dict[str, _Decision]] = defaultdict(dict)
    converters = {"agency": _text_value, "channel": _channel_value, "resource": _automated}
    for column, convert in converters.items():
        if column not in log.columns_chosen:
            continue
        field = "actor" if column == "resource" else column
        source = log.columns_chosen[column]
        # A case attribute describes how the case came in: it types the first step only.
        counts = log._value_counts(column, first_of_case=source.startswith("case:"))
        for activity, (value, share) in _most_frequent(counts, convert).items():
            rule = f"most frequent {field} in column {source!r} ({share:.0%} of its events)"
            # pandas hands enum members back as plain text.
            typed = _ENUMS[field](value) if field in _ENUMS else value
            evidence[activity].setdefault(field, _Decision(typed, "attribute", share, rule))
    return evidence


def _text_value(value: Any) -> str | None:
    if not isinstance(value, str) or normalize(value) in _PLACEHOLDERS:
        return None
    return value.strip()


def _channel_value(value: Any) -> Channel | None:
    from bpr.classify import classify

    text = _text_value(value)
    if text is None:
        return None
    key = normalize(text).replace("-", " ").replace("_", " ")
    if key.replace(" ", "_") in Channel._value2member_map_:
        return Channel(key.replace(" ", "_"))
    return _CHANNEL_WORDS.get(key) or classify(text).channel


def _automated(value: Any) -> Actor | None:
    text = _text_value(value)
    return Actor.SYSTEM if text is not None and normalize(text) in _AUTOMATED else None


def _most_frequent(counts: pd.DataFrame, convert: Any) -> dict[str, tuple[Any, float]]:
    """activity -> (most frequent value, share of the activity's events); ties: least value.

    ``counts`` holds events per ``activity`` and raw ``value`` (missing ones included); each
    distinct raw value is converted once, and values that convert to nothing say nothing.
    """
    table = {v: convert(v) for v in counts["value"].dropna().unique()}
    totals = counts.groupby("activity", sort=False)["n"].sum()
    pairs = counts.assign(value=counts["value"].map(table)).dropna(subset=["value"])
    if pairs.empty:
        return {}
    counted = pairs.groupby(["activity", "value"], sort=True)["n"].sum().reset_index()
    best = counted.sort_values(["activity", "n"], ascending=[True, False], kind="stable")
    best = best.drop_duplicates("activity")
    return {a: (v, int(n) / int(totals[a])) for a, v, n in best.itertuples(index=False)}


# -- reading tables ---------------------------------------------------------------------------


def _read_table(table: Any) -> dict[str, _Row]:
    """normalised activity -> row, every value parsed; errors name the row and the column."""
    records, source = _records(table)
    rows: dict[str, _Row] = {}
    for where, record in records:
        unknown = sorted(set(record) - {"activity", *ANNOTATION_COLUMNS, *INFO_COLUMNS})
        if unknown:
            raise AnnotationError(
                f"{source}: unknown columns {unknown}; an annotation table has a column "
                f"'activity' and any of: {', '.join(ANNOTATION_COLUMNS)}"
            )
        record = {k: v for k, v in record.items() if k not in INFO_COLUMNS}
        activity = record.get("activity")
        if activity is None or _blank(activity):
            raise AnnotationError(
                f"{source} {where}: no activity; every row needs the step name in 'activity'"
            )
        activity = str(activity).strip()
        place = f"{source} {where}".strip()
        for raw in record.values():
            if isinstance(raw, str):
                check_text(raw, place, AnnotationError)
        values = {
            column: _parse(column, raw, place)
            for column, raw in record.items()
            if column != "activity" and not _blank(raw)
        }
        key = normalize(activity)
        if key in rows:
            raise AnnotationError(
                f"{place}: activity {activity!r} is annotated twice (also {rows[key].where}); "
                "keep one row per activity"
            )
        rows[key] = _Row(place, activity, values)
    return rows


def _records(table: Any) -> tuple[list[tuple[str, dict[str, Any]]], str]:
    """The rows of ``table`` as (where, column -> value), and a name for the table."""
    import pandas as pd

    if isinstance(table, str | os.PathLike):
        frame = read_table(Path(table), "annotation")
        # Line numbers as an editor shows them: the header is line 1.
        return [(f"line {i + 2}", r) for i, r in enumerate(frame.to_dict("records"))], str(table)
    if isinstance(table, pd.DataFrame):
        rows = table.to_dict("records")
        return [(f"row {i!r}", r) for i, r in zip(table.index, rows, strict=True)], "annotations"
    if isinstance(table, Mapping):
        records = []
        for activity, fields in table.items():
            if not isinstance(fields, Mapping):
                raise AnnotationError(
                    f"annotations entry {activity!r}: expected a mapping of column -> value, "
                    f"got {type(fields).__name__}"
                )
            records.append((f"entry {activity!r}", {**fields, "activity": activity}))
        return records, "annotations"
    raise AnnotationError(
        "annotations must be a CSV path, a pandas DataFrame or a mapping activity -> "
        f"{{column: value}}; got {type(table).__name__}"
    )


def _blank(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset):
        return False
    import pandas as pd

    return bool(pd.isna(value))


def _parse(column: str, raw: Any, place: str) -> Any:
    where = f"{place}, column {column!r}"
    if column in _ENUMS:
        enum = _ENUMS[column]
        key = str(raw).strip().casefold().replace(" ", "_").replace("-", "_")
        if key not in enum._value2member_map_:
            allowed = ", ".join(m.value for m in enum)
            raise AnnotationError(f"{where}: unknown value {raw!r}; expected one of: {allowed}")
        return enum(key)
    if column in _FLAGS:
        if isinstance(raw, bool):
            return raw
        key = normalize(str(raw))
        if key not in _YES | _NO:
            raise AnnotationError(f"{where}: {raw!r} is not a yes/no value; use true or false")
        return key in _YES
    if column in _DOCUMENTS:
        if isinstance(raw, str) and normalize(raw) in _NO_DOCUMENTS:
            return frozenset()
        parts = raw.split(";") if isinstance(raw, str) else raw
        if not isinstance(parts, Iterable) or not all(isinstance(p, str) for p in parts):
            raise AnnotationError(
                f"{where}: expected ';'-separated document names or a list of them, got {raw!r}"
            )
        return frozenset(p.strip() for p in parts if p.strip())
    return str(raw).strip()


# -- matching and display ---------------------------------------------------------------------


def _keys(step: Step) -> list[str]:
    return [normalize(n) for n in (step.name, step.name_fa) if n]


def _step_names(steps: Iterable[Step]) -> dict[str, str]:
    return {key: step.name for step in steps for key in _keys(step)}


def _label_keys(labels: Iterable[str]) -> dict[str, str]:
    return {normalize(label): label for label in labels}


def _check_matched(rows: Mapping[str, _Row], names: Mapping[str, str], what: str) -> None:
    unmatched = [row for key, row in rows.items() if key not in names]
    if not unmatched:
        return
    listed = ", ".join(f"{row.activity!r} ({row.where})" for row in unmatched[:5])
    more = f" and {len(unmatched) - 5} more" if len(unmatched) > 5 else ""
    known = ", ".join(repr(n) for n in sorted(set(names.values()))[:10])
    count = f"{len(unmatched)} annotation row{'s' if len(unmatched) > 1 else ''}"
    verb = "match" if len(unmatched) > 1 else "matches"
    raise AnnotationError(
        f"{count} {verb} no {what}: {listed}{more}; fix the activity names "
        f"(known: {known}) or remove the rows"
    )


def _default(field: str) -> Any:
    default = attrs.fields_dict(Step)[field].default
    return default.factory() if isinstance(default, attrs.Factory) else default


def _display(value: Any) -> Any:
    if isinstance(value, frozenset):
        return "; ".join(sorted(value))
    return getattr(value, "value", value)
