"""Step tables: a service's procedure written down as rows, read into a process.

An inventory session records a service that nobody has documented: one row per step, in the
order the steps happen, with who does it, for which agency, through which channel, whether
the citizen must come, whether the law requires it, and the documents it needs and makes.
:func:`read_steps` reads such a table (CSV, Excel or a pandas DataFrame) into a
:class:`~bpr.ServiceProcess`; :func:`write_steps` writes a process back as one. See
``docs/step-table.md`` for the full description, with an example in English and Persian.

Columns
-------
``step``
    The step's name (required in every row). ``id``: its id (optional; else ``s1``, ``s2``...
    in row order).
``after``
    The steps it follows, ``;``-separated names or ids. Blank: it follows the row above
    (sequence by default); the first row starts the process. A step inside a group that
    continues a branch names the step before it in that branch.
``group``
    ``alt:A`` (alternatives: each branch runs or not, one of them), ``par:A`` (parallel
    steps: every branch runs), ``opt:A`` (optional: one branch or none). Rows sharing a group
    are next to each other; each row starts a branch unless its ``after`` names another row
    of the group. A group inside a group: ``par:A/alt:B``.
``share``
    The chance (``0.3`` or ``30%``) of the branch a row starts in an ``alt`` or ``opt``
    group; for a group inside a group, one per level (``0.5/0.3``).
``repeat``
    ``yes`` or the chance of doing it again (``0.2``): the step may be repeated. With a
    step further down in ``after`` (a cycle), everything from this row to that one repeats.
    ``redo`` marks the first row of the way back: the rows from it to the end of the
    repeated stretch run only when the stretch is repeated (correct and resubmit). A cycle
    in ``after`` without a repeat mark is an error.
the annotation columns
    ``kind``, ``actor``, ``agency``, ``channel``, ``citizen_present``, ``mandatory``,
    ``legal_basis``, ``documents_in``, ``documents_out``... as in :mod:`bpr.annotate`.

A kind, actor or channel may also be written as the reports name it, in English or Persian
(``another agency``, ``حضوری``). Every blank cell stays unknown (``None``): unknown is not
no. Each step records in :attr:`bpr.Step.sources` that its fields came from the table (origin
``"step_table"``, the file and row). Persian headers are understood too (:data:`HEADERS`).

Examples
--------
>>> import pandas as pd
>>> from bpr import measure
>>> table = pd.DataFrame({
...     "step": ["Apply", "Pay online", "Pay at the bank", "Issue"],
...     "group": ["", "alt:P", "alt:P", ""],
...     "share": ["", "70%", "30%", ""],
...     "citizen_present": ["yes", "no", "yes", "no"],
...     "agency": ["City", "City", "Bank", "City"],
... })
>>> p = read_steps(table, name="Permit")
>>> [s.name for s in p.steps]
['Apply', 'Pay online', 'Pay at the bank', 'Issue']
>>> p.step("s4").kind is None  # nobody said
True
>>> round(measure(p).visits, 2)
1.3
>>> read_steps(pd.DataFrame({"step": ["Apply", "Issue"], "after": ["", "Review"]}))
Traceback (most recent call last):
...
bpr.errors.StepTableError: step table, row 3, column 'after': step 'Issue' follows 'Review', ...
"""

from __future__ import annotations

import enum
import itertools
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from bpr._read import check_text
from bpr._tables import EXCEL_SUFFIXES, read_table, write_table
from bpr._words import code_label, field_label
from bpr.annotate import _NO, _YES, ANNOTATION_COLUMNS, _blank, _cell, _choices, _parse
from bpr.errors import AnnotationError, StepTableError
from bpr.labels import normalize
from bpr.model import (
    Actor,
    And,
    Channel,
    Gateway,
    GatewayKind,
    Loop,
    ServiceProcess,
    Source,
    Step,
    StepKind,
    Xor,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["HEADERS", "STEP_TABLE_COLUMNS", "read_steps", "write_steps"]

#: The columns of a step table, in the order :func:`write_steps` writes them.
STEP_TABLE_COLUMNS: tuple[str, ...] = (
    "id",
    "step",
    "after",
    "group",
    "share",
    "repeat",
    *ANNOTATION_COLUMNS,
)

_TYPED = frozenset(ANNOTATION_COLUMNS)
_HEADER_WORDS: Mapping[str, tuple[str, ...]] = {
    "id": ("شناسه",),
    "step": ("مرحله", "گام", "نام مرحله", "name"),
    "after": ("بعد از", "پس از", "follows"),
    "group": ("گروه",),
    "share": ("سهم", "احتمال"),
    "repeat": ("تکرار",),
    "kind": ("نوع",),
    "actor": ("انجام دهنده", "مجری"),
    "agency": ("دستگاه", "سازمان"),
    "channel": ("مجرا", "کانال"),
    "citizen_present": ("حضور", "حضور متقاضی", "حضور شهروند"),
    "mandatory": ("الزامی",),
    "fixed_channel": ("مجرای ثابت",),
    "legal_basis": ("مبنای قانونی",),
    "documented": ("مستند",),
    "rule_based": ("قاعده مند",),
    "documents_in": ("مدارک ورودی", "مدارک لازم"),
    "documents_out": ("مدارک خروجی",),
    "name_fa": ("نام فارسی",),
}


def _header_key(header: Any) -> str:
    return normalize(str(header)).replace("_", " ")


#: Header -> column: every column under its own name, its Persian names, and the names the
#: reports give a step's fields (``citizen presence``, ``حضور شهروند``), matched after
#: :func:`bpr.labels.normalize` with ``_`` and spaces alike (``بعد_از`` is ``بعد از``).
HEADERS: Mapping[str, str] = {
    _header_key(word): column
    for column in STEP_TABLE_COLUMNS
    for word in (
        column,
        *_HEADER_WORDS.get(column, ()),
        *((field_label(column, "en"), field_label(column, "fa")) if column in _TYPED else ()),
    )
}
# The values of kind, actor and channel also under the words the reports use for them, in
# English and Persian (``another agency``, ``حضوری``).
_ENUMS: Mapping[str, type[enum.Enum]] = {"kind": StepKind, "actor": Actor, "channel": Channel}
_VALUE_WORDS: Mapping[str, Mapping[str, str]] = {
    column: {
        normalize(code_label(member.value, lang)): member.value
        for member in members
        for lang in ("en", "fa")
    }
    for column, members in _ENUMS.items()
}

_GROUP_KINDS = {
    "alt": "alt",
    "alternative": "alt",
    "جایگزین": "alt",
    "par": "par",
    "parallel": "par",
    "موازی": "par",
    "opt": "opt",
    "optional": "opt",
    "اختیاری": "opt",
}
_GROUP_HELP = (
    "write alt:A (alternatives), par:A (parallel steps) or opt:A (optional steps), and "
    "par:A/alt:B for a group inside a group"
)
_REDO = frozenset({"redo", "back", "برگشت", "بازگشت"})
_SEPARATORS = re.compile(r"[;؛]")
_TOLERANCE = 1e-9


@attrs.frozen
class _Row:
    """One step row, parsed: where it is, its step, and its marks (positions are rows)."""

    where: str
    step: Step
    after: tuple[str, ...]
    group: tuple[tuple[str, str], ...]
    shares: tuple[float | None, ...]
    repeat: bool
    chance: float | None
    redo: bool


@attrs.frozen
class _Item:
    """A step (``kind="step"``), a group (``alt``, ``par``, ``opt``) or a loop of a table.

    ``rows`` are the positions of its rows; ``parts`` the branches (a group) or the body and
    the way back (a loop), each a list of items.
    """

    kind: str
    rows: tuple[int, ...]
    parts: tuple[tuple[_Item, ...], ...] = ()
    shares: tuple[float, ...] | None = None
    chance: float | None = None


# -- reading ----------------------------------------------------------------------------------


def read_steps(
    source: str | os.PathLike[str] | pd.DataFrame, *, name: str | None = None
) -> ServiceProcess:
    """The service process a step table describes.

    Parameters
    ----------
    source
        A CSV file (UTF-8; a byte-order mark is fine), an Excel workbook (``.xlsx``) or a
        pandas DataFrame, one row per step (see :mod:`bpr.step_table` for the columns).
    name
        The process's name; by default the file's name without its suffix (``"steps"`` for
        a DataFrame).

    Returns
    -------
    ServiceProcess
        Its steps in row order, with the table's fields (a blank cell: unknown) and
        :attr:`~bpr.Step.sources` naming the table and row of each field.

    Raises
    ------
    StepTableError
        With one message naming the file, the row (the header is row 1) and the column: a step
        that follows a missing step, a cycle without a repeat mark, an unknown value,
        two steps of one name, a row without a step, a malformed group mark, a group of one
        branch...

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "step": ["Submit", "Review", "Correct", "Issue"],
    ...     "after": ["", "Correct", "", "Review"],
    ...     "repeat": ["", "0.2", "redo", ""],
    ... })
    >>> p = read_steps(table, name="Licence")
    >>> [g.kind.value for g in p.gateways]
    ['exclusive', 'exclusive']
    >>> p.flow("xor2", "s3").probability
    0.2
    """
    frame, where, default = _frame(source)
    rows = _rows(frame, where)
    return _Reader(rows).process(name or default)


def _frame(source: Any) -> tuple[pd.DataFrame, str, str]:
    """The table's cells, the name that errors give it, and the process's default name."""
    import pandas as pd

    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            return read_table(path, "step table"), str(path), path.stem
        except AnnotationError as error:
            raise StepTableError(str(error)) from None
    if isinstance(source, pd.DataFrame):
        return source, "step table", "steps"
    raise StepTableError(
        f"a step table is a CSV or Excel path or a pandas DataFrame; got {type(source).__name__}"
    )


def _rows(frame: pd.DataFrame, source: str) -> list[_Row]:
    """The table's step rows, each parsed; blank rows (all cells empty) are skipped."""
    columns = _columns(frame, source)
    rows: list[_Row] = []
    for number, record in enumerate(frame.itertuples(index=False), start=2):
        cells = {
            columns[header]: value
            for header, value in zip(frame.columns, record, strict=True)
            if not _blank(value)
        }
        if cells:
            where = f"{source}, row {number}"
            headers = {columns[h]: str(h) for h in frame.columns}
            rows.append(_row(cells, where, headers, len(rows) + 1))
    if not rows:
        raise StepTableError(f"{source}: no steps; write one row per step, from the first")
    _check_unique(rows)
    return rows


def _columns(frame: pd.DataFrame, source: str) -> dict[Any, str]:
    """Header -> column, every header known and every column at most once."""
    columns: dict[Any, str] = {}
    for header in frame.columns:
        column = HEADERS.get(_header_key(header))
        if column is None:
            raise StepTableError(
                f"{source}, row 1, column {str(header)!r}: unknown column; a step table has "
                f"the columns {', '.join(STEP_TABLE_COLUMNS)} (or their Persian names, see "
                "docs/step-table.md): rename or delete it"
            )
        twice = [h for h, c in columns.items() if c == column]
        if twice:
            raise StepTableError(
                f"{source}, row 1, column {str(header)!r}: the column {column!r} is already "
                f"given as {str(twice[0])!r}; keep one"
            )
        columns[header] = column
    if "step" not in columns.values():
        raise StepTableError(
            f"{source}, row 1: no column 'step' (or 'مرحله'); name each step in that column"
        )
    return columns


def _row(cells: Mapping[str, Any], where: str, headers: Mapping[str, str], order: int) -> _Row:
    def fail(column: str, problem: str) -> StepTableError:
        return StepTableError(f"{where}, column {headers[column]!r}: {problem}")

    for column, value in cells.items():
        if isinstance(value, str):
            check_text(value, f"{where}, column {headers[column]!r}", StepTableError)
    name = str(cells.get("step", "")).strip()
    if not name:
        raise fail("step", "no step name; write the step's name, or delete the row")
    fields = {
        column: _value(column, cells[column], where, headers[column])
        for column in ANNOTATION_COLUMNS
        if column in cells
    }
    step_id = str(cells.get("id", "")).strip() or f"s{order}"
    sources = [Source(f, "step_table", where, 1.0) for f in sorted(fields)]
    step = Step(step_id, name, **fields, sources=sources)
    group = _group(cells.get("group"), fail)
    repeat, chance, redo = _repeat(cells.get("repeat"), fail)
    return _Row(
        where=where,
        step=step,
        after=tuple(t.strip() for t in _SEPARATORS.split(str(cells.get("after", ""))) if t.strip()),
        group=group,
        shares=_shares(cells.get("share"), group, fail),
        repeat=repeat,
        chance=chance,
        redo=redo,
    )


def _value(column: str, raw: Any, where: str, header: str) -> Any:
    """A typed field's cell as the value of the step's field (see :mod:`bpr.annotate`); a
    kind, actor or channel may also be written as the reports name it, in either language."""
    words = _VALUE_WORDS.get(column)
    if words:
        raw = words.get(normalize(str(raw)), raw)
    try:
        return _parse(column, raw, where)
    except AnnotationError as error:
        message = str(error).replace(f"column {column!r}", f"column {header!r}")
        if words:
            persian = "، ".join(code_label(m.value, "fa") for m in _ENUMS[column])
            message += f" (or in Persian: {persian})"
        raise StepTableError(message) from None


def _group(raw: Any, fail: Any) -> tuple[tuple[str, str], ...]:
    """``alt:A/par:B`` as ((kind, label), ...), outermost first."""
    if raw is None:
        return ()
    path = []
    for part in str(raw).split("/"):
        kind, colon, label = part.partition(":")
        kind = _GROUP_KINDS.get(normalize(kind))
        if not colon or kind is None or not label.strip():
            raise fail("group", f"group mark {str(raw)!r} is not kind:label; {_GROUP_HELP}")
        path.append((kind, label.strip()))
    return tuple(path)


def _shares(raw: Any, group: Sequence[tuple[str, str]], fail: Any) -> tuple[float | None, ...]:
    """One share per level of the row's group path (``None``: not given at that level)."""
    if raw is None:
        return (None,) * len(group)
    if not group:
        raise fail("share", "a share is the chance of an alternative, but the row is in no group")
    parts = str(raw).split("/")
    if len(parts) == 1:
        parts = [""] * (len(group) - 1) + parts
    if len(parts) != len(group):
        raise fail(
            "share",
            f"{str(raw)!r} gives {len(parts)} shares for {len(group)} groups; give one, or "
            "one per group separated by '/'",
        )
    return tuple(None if not p.strip() else _chance(p, fail, "share") for p in parts)


def _repeat(raw: Any, fail: Any) -> tuple[bool, float | None, bool]:
    """Whether the row starts a repeated stretch, its chance, and whether it is on a way back."""
    repeat, chance, redo = False, None, False
    for token in _SEPARATORS.split(str(raw)) if raw is not None else ():
        key = normalize(token)
        if not key or key in _NO:
            continue
        if key in _REDO:
            redo = True
        elif key in _YES:
            repeat = True
        else:
            repeat, chance = True, _chance(token, fail, "repeat")
    return repeat, chance, redo


def _chance(text: str, fail: Any, column: str) -> float:
    key = normalize(text).replace("٫", ".").replace("٪", "%")
    try:
        value = float(key[:-1]) / 100 if key.endswith("%") else float(key)
    except ValueError:
        value = math.nan
    if not 0.0 <= value <= 1.0:
        what = "yes, redo, " if column == "repeat" else ""
        raise fail(
            column, f"{text.strip()!r} is not a chance; write {what}a number from 0 to 1 or a %"
        )
    return value


def _check_unique(rows: Sequence[_Row]) -> None:
    names: dict[str, _Row] = {}
    ids: dict[str, _Row] = {}
    for row in rows:
        key = normalize(row.step.name)
        if key in names:
            raise StepTableError(
                f"{row.where}, column 'step': step {row.step.name!r} is also in "
                f"{names[key].where.rpartition(', ')[2]}; give each step its own name"
            )
        if row.step.id in ids:
            raise StepTableError(
                f"{row.where}, column 'id': id {row.step.id!r} is also the id of "
                f"{ids[row.step.id].where.rpartition(', ')[2]}; give each step its own id"
            )
        names[key], ids[row.step.id] = row, row


class _Reader:
    """Rows into a tree of items (sequences, groups, loops), checked, then into a process."""

    def __init__(self, rows: list[_Row]) -> None:
        self.rows = rows
        self.by_id = {r.step.id: p for p, r in enumerate(rows)}
        self.by_name = {normalize(r.step.name): p for p, r in enumerate(rows)}
        self.refs = [self._resolve(p) for p in range(len(rows))]
        self.resolved: set[int] = set()
        self.redone: set[int] = set()

    def process(self, name: str) -> ServiceProcess:
        items = self._sequence(list(range(len(self.rows))), 0)
        for position, row in enumerate(self.rows):
            if row.repeat and position not in self.resolved:
                raise self._error(
                    position,
                    "repeat",
                    "the repeated stretch from this row does not fit the "
                    "groups around it; end it in the same group as it starts, or at a group's end",
                )
            if row.redo and position not in self.redone:
                raise StepTableError(
                    f"{row.where}, column 'repeat': 'redo' marks a step on the way back of a "
                    "repeated stretch, but no repeated stretch ends at or after it; start one "
                    "with yes (or its chance) in 'repeat' and the last step in 'after'"
                )
        self._walk(items, frozenset(), frozenset())
        return ServiceProcess.from_blocks(name, *self._blocks(items))

    # -- references ---------------------------------------------------------------------------
    def _resolve(self, position: int) -> tuple[frozenset[int], int | None]:
        """The rows a row follows (above it) and the row its cycle comes back from, if any."""
        row = self.rows[position]
        before, back = set(), []
        for token in row.after:
            found = self.by_id.get(token, self.by_name.get(normalize(token)))
            if found is None:
                known = ", ".join(repr(r.step.name) for r in self.rows[:8])
                raise StepTableError(
                    f"{row.where}, column 'after': step {row.step.name!r} follows {token!r}, "
                    f"which is no step of the table (steps: {known}{', ...' * (len(self) > 8)}); "
                    "write the name or id of a step, or add a row for it"
                )
            (back.append(found) if found >= position else before.add(found))
        if back and not row.repeat:
            later = self.rows[back[0]].step.name
            raise StepTableError(
                f"{row.where}, column 'after': step {row.step.name!r} follows {later!r}, "
                "which comes at or after it: a cycle; if the steps from this row to "
                f"{later!r} may be repeated, write yes (or the chance) in column 'repeat' of "
                "this row, else move the row below the steps it follows"
            )
        if len(back) > 1:
            raise StepTableError(
                f"{row.where}, column 'after': step {row.step.name!r} comes back from "
                f"{len(back)} later steps; a repeated stretch ends at one step: name one"
            )
        return frozenset(before), back[0] if back else None

    def __len__(self) -> int:
        return len(self.rows)

    # -- structure ----------------------------------------------------------------------------
    def _sequence(self, positions: list[int], depth: int) -> list[_Item]:
        items = []
        for kind, label, run in self._runs(positions, depth):
            if kind == "step":
                items.append(_Item("step", tuple(run)))
            else:
                items.append(self._group(kind, label, run, depth))
        return self._loops(items, set(positions))

    def _runs(self, positions: list[int], depth: int) -> list[tuple[str, str, list[int]]]:
        """Consecutive rows of one group at ``depth`` as one run; any other row on its own."""
        runs: list[tuple[str, str, list[int]]] = []
        seen: dict[str, int] = {}
        for position in positions:
            row = self.rows[position]
            if len(row.group) <= depth:
                runs.append(("step", "", [position]))
                continue
            kind, label = row.group[depth]
            if runs and runs[-1][0] != "step" and runs[-1][1] == label:
                if runs[-1][0] != kind:
                    raise self._error(
                        position,
                        "group",
                        f"group {label!r} is {runs[-1][0]} above and {kind} "
                        "here; give one kind to all its rows, or another label to this one",
                    )
                runs[-1][2].append(position)
                continue
            if label in seen:
                raise self._error(
                    position,
                    "group",
                    f"group {label!r} also has row "
                    f"{self._number(seen[label])}, with other rows between; put the rows of a "
                    "group next to each other, or give this one another label",
                )
            seen[label] = position
            runs.append((kind, label, [position]))
        return runs

    def _group(self, kind: str, label: str, run: list[int], depth: int) -> _Item:
        """A group's rows as branches: a row joins the branch of the group's row it follows."""
        units = self._runs(run, depth + 1)
        unit_of = {p: u for u, (_, _, rows) in enumerate(units) for p in rows}
        branch_of: dict[int, int] = {}
        branches: list[list[int]] = []
        for u, (_, _, rows) in enumerate(units):
            linked = {
                branch_of[unit_of[t]]
                for p in rows
                for t in self.refs[p][0]
                if unit_of.get(t, u) < u
            }
            if len(linked) > 1:
                raise self._error(
                    rows[0],
                    "after",
                    f"a step of group {label!r} follows steps of "
                    f"{len(linked)} of its branches; a branch follows one step of the group, or "
                    "put the step after the group, without its mark",
                )
            branch = linked.pop() if linked else len(branches)
            if branch == len(branches):
                branches.append([])
            branches[branch].extend(rows)
            branch_of[u] = branch
        if len(branches) < 2 and kind != "opt":
            what = "alternatives" if kind == "alt" else "parallel steps"
            raise self._error(
                run[0],
                "group",
                f"group {kind}:{label} has one branch; {what} need two or "
                f"more: add the others, write opt:{label} for a step that may be skipped, or "
                "clear the mark",
            )
        parts = tuple(tuple(self._sequence(b, depth + 1)) for b in branches)
        shares = self._branch_shares(kind, label, branches, depth)
        return _Item(kind, tuple(run), parts, shares)

    def _branch_shares(
        self, kind: str, label: str, branches: list[list[int]], depth: int
    ) -> tuple[float, ...] | None:
        for branch in branches:
            for position in branch[1:]:
                if self.rows[position].shares[depth] is not None:
                    raise self._error(
                        position,
                        "share",
                        "only the first row of a branch gives its share; clear this one",
                    )
        given = [self.rows[b[0]].shares[depth] for b in branches]
        if all(s is None for s in given):
            return None
        first = branches[0][0]
        if kind == "par":
            raise self._error(
                first,
                "share",
                f"parallel steps (par:{label}) all run: they have no share; "
                "clear the shares, or make the group alt:",
            )
        missing = [b[0] for b, s in zip(branches, given, strict=True) if s is None]
        if missing:
            raise self._error(
                missing[0],
                "share",
                f"the other branches of group {label!r} have a share; "
                "give one for every branch or for none",
            )
        total = math.fsum(s for s in given if s is not None)
        if (kind == "alt" and abs(total - 1) > 1e-6) or total > 1 + 1e-6:
            raise self._error(
                first,
                "share",
                f"the shares of group {kind}:{label} add up to {total:.6g}; "
                + ("they must add up to 1 (100%)" if kind == "alt" else "at most 1 (100%)"),
            )
        return tuple(s for s in given if s is not None)

    def _loops(self, items: list[_Item], here: set[int]) -> list[_Item]:
        """Items with every repeated stretch whose rows are all in this sequence made a loop,
        the shortest first (a stretch inside another is made first)."""
        starts = [
            p
            for p in sorted(here)
            if self.rows[p].repeat
            and p not in self.resolved
            and (self.refs[p][1] is None or self.refs[p][1] in here)
        ]
        for start in sorted(starts, key=lambda p: (self.refs[p][1] or p) - p):
            end = self.refs[start][1]
            first = next(i for i, item in enumerate(items) if start in item.rows)
            last = next(i for i, item in enumerate(items) if (end or start) in item.rows)
            if items[first].rows[0] != start:
                raise self._error(
                    start,
                    "repeat",
                    "the repeated stretch starts inside a group; start it at "
                    "the group's first row, or end it inside the group",
                )
            items[first : last + 1] = [self._loop(start, items[first : last + 1])]
            self.resolved.add(start)
        return items

    def _loop(self, start: int, items: list[_Item]) -> _Item:
        body, redo = [items[0]], []
        for item in items[1:]:
            # The way back runs from its first row, marked redo, to the end of the stretch.
            back = self.rows[item.rows[0]].redo
            (redo if back or redo else body).append(item)
            if back:
                self.redone.add(item.rows[0])
        rows = tuple(p for item in items for p in item.rows)
        return _Item("loop", rows, (tuple(body), tuple(redo)), chance=self.rows[start].chance)

    # -- the order the rows give --------------------------------------------------------------
    def _walk(
        self, items: Iterable[_Item], allowed: frozenset[int], required: frozenset[int]
    ) -> tuple[frozenset[int], frozenset[int]]:
        """Check that each row follows what comes before it; the ends of ``items`` (which a
        row after them may name, and which it must name)."""
        for item in items:
            if item.kind == "step":
                self._check_after(item.rows[0], allowed, required)
                allowed = required = frozenset(item.rows)
            elif item.kind == "loop":
                body, redo = item.parts
                allowed, required = self._walk(body, allowed, required)
                self._walk(redo, allowed, required)
            else:
                ends = [self._walk(branch, allowed, required) for branch in item.parts]
                entry = allowed if item.kind == "opt" else frozenset()
                allowed = entry.union(*(a for a, _ in ends))
                required = frozenset().union(*(r for _, r in ends))
        return allowed, required

    def _check_after(
        self, position: int, allowed: frozenset[int], required: frozenset[int]
    ) -> None:
        named = self.refs[position][0]
        if not named or (required <= named <= allowed):
            return
        row = self.rows[position]
        names = ", ".join(repr(self.rows[p].step.name) for p in sorted(named - allowed))
        before = " and ".join(repr(self.rows[p].step.name) for p in sorted(required))
        place = f"right after {before}" if before else "first"
        if named <= allowed:
            problem = (
                f"step {row.step.name!r} names only some of the steps right before it ({before})"
            )
        else:
            problem = f"step {row.step.name!r} follows {names}, but in the table it comes {place}"
        raise self._error(
            position,
            "after",
            f"{problem}; leave 'after' blank to follow the row above, "
            "name the step(s) right before it, or mark steps that branch off one step as "
            "alternatives (group alt:A) or parallel steps (group par:A)",
        )

    # -- the process --------------------------------------------------------------------------
    def _blocks(self, items: Iterable[_Item]) -> list[Any]:
        return [self._block(item) for item in items]

    def _block(self, item: _Item) -> Any:
        if item.kind == "step":
            return self.rows[item.rows[0]].step
        if item.kind == "loop":
            body, redo = (self._blocks(part) for part in item.parts)
            return Loop(body, redo=redo or None, probability=item.chance)
        branches = [self._blocks(part) for part in item.parts]
        if item.kind == "par":
            return And(*branches)
        shares = list(item.shares) if item.shares is not None else None
        if item.kind == "opt":
            branches.append(None)
            if shares is not None:
                shares.append(max(0.0, 1.0 - math.fsum(shares)))
        return Xor(*branches, probabilities=shares)

    def _number(self, position: int) -> str:
        return self.rows[position].where.rpartition(", row ")[2]

    def _error(self, position: int, column: str, problem: str) -> StepTableError:
        return StepTableError(f"{self.rows[position].where}, column {column!r}: {problem}")


# -- writing ----------------------------------------------------------------------------------


def write_steps(process: ServiceProcess, path: str | os.PathLike[str]) -> Path:
    """Write ``process`` as a step table (CSV, or an Excel workbook for ``.xlsx``) that
    :func:`read_steps` reads back into the same process.

    The table has the columns :data:`STEP_TABLE_COLUMNS`: ``after`` where a row does not
    simply follow the row above, groups labelled ``1``, ``2``... in row order, and a blank
    for every unknown field. Observed statistics, durations and flow frequencies are not part
    of a step table.

    Raises
    ------
    StepTableError
        When the process is not made of sequences, alternatives, parallel blocks and loops
        (a discovered process can be any graph), or when the table could not say it (a loop
        that starts with another loop), or the path is neither ``.csv`` nor ``.xlsx``.
    OutputError
        When the file cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from bpr import ServiceProcess, Step, Xor
    >>> p = ServiceProcess.from_blocks(
    ...     "Permit", Step("a", "Apply", agency="City"),
    ...     Xor(Step("b", "Pay online"), Step("c", "Pay at the bank"), probabilities=[0.7, 0.3]))
    >>> path = write_steps(p, pathlib.Path(tempfile.mkdtemp()) / "permit.csv")
    >>> print(path.read_text(encoding="utf-8-sig").splitlines()[2])
    b,Pay online,,alt:1,0.7,,,,,,,,,,,,,,
    >>> q = read_steps(path, name="Permit")
    >>> q.flows == p.flows and [s.agency for s in q.steps] == [s.agency for s in p.steps]
    True
    """
    path = Path(path)
    if path.suffix.lower() not in (".csv", *EXCEL_SUFFIXES):
        raise StepTableError(
            f"{path}: write a step table as .csv or .xlsx, not {path.suffix or 'no suffix'}"
        )
    frame = step_frame(process)
    write_table(frame, path, choices=_choices())
    return path


def step_frame(process: ServiceProcess) -> pd.DataFrame:
    """``process`` as the table :func:`write_steps` writes (for a sheet of a workbook of
    many services), checked to read back into the same process."""
    import pandas as pd

    writer = _Writer(process)
    writer.sequence(_Blocks(process).sequence(), (), frozenset(), leading=True)
    frame = pd.DataFrame(writer.rows, columns=list(STEP_TABLE_COLUMNS))
    back = read_steps(frame, name=process.name)
    if _shape(back) != _shape(process):
        raise StepTableError(
            f"process {process.name!r} cannot be written as a step table: a table cannot say "
            "a loop that starts with another loop, or one around an optional group of one step"
        )
    for step in process.steps:
        for field, value in _fields(step).items():
            if _fields(back.step(step.id))[field] != value:
                raise StepTableError(
                    f"process {process.name!r}, step {step.id!r}: its {field} {value!r} would "
                    "read back from a step table as another value (a document named like "
                    "'none', a ';' in a name); rename it"
                )
    return frame


def _fields(step: Step) -> dict[str, Any]:
    """What a step table says of a step: its name and typed fields, texts stripped."""
    values = {field: getattr(step, field) for field in ("name", *ANNOTATION_COLUMNS)}
    return {
        field: value.strip()
        if isinstance(value, str)
        else frozenset(d.strip() for d in value)
        if isinstance(value, frozenset)
        else value
        for field, value in values.items()
    }


def _shape(process: ServiceProcess) -> tuple[frozenset[Any], frozenset[Any]]:
    """The structure of a process: its nodes' ids and kinds, and its flows."""
    nodes = frozenset((n.id, type(n).__name__, getattr(n, "kind", None)) for n in process.nodes)
    flows = frozenset(
        (f.source, f.target, None if f.probability is None else round(f.probability, 9))
        for f in process.flows
    )
    return nodes, flows


class _Blocks:
    """A block-structured process taken apart again into steps, Xor, And and Loop blocks."""

    def __init__(self, process: ServiceProcess) -> None:
        import networkx as nx

        self.process = process
        graph = process.graph
        if len(process.starts) != 1 or len(process.ends) != 1:
            raise self._error("it has several start or end events")
        self.start, self.end = process.starts[0].id, process.ends[0].id
        self.dominators = nx.immediate_dominators(graph, self.start)
        self.post = nx.immediate_dominators(graph.reverse(copy=False), self.end)
        self.seen: set[str] = set()

    def sequence(self) -> list[Any]:
        return self._chain(self.process.successors(self.start)[0], {self.end})[0]

    def _chain(self, node: str, stops: set[str]) -> tuple[list[Any], str]:
        blocks = []
        while node not in stops:
            if node in self.seen or node == self.end:
                raise self._error(f"node {node!r} closes no block that opened before it")
            self.seen.add(node)
            item = self.process.node(node)
            outs, ins = self.process.successors(node), self.process.predecessors(node)
            if isinstance(item, Step):
                blocks.append(item)
                node = outs[0]
            elif isinstance(item, Gateway) and len(outs) > 1:
                block, node = self._split(node, item)
                blocks.append(block)
            elif isinstance(item, Gateway) and item.kind is GatewayKind.EXCLUSIVE and len(ins) == 2:
                block, node = self._loop(node)
                blocks.append(block)
            else:
                raise self._error(f"node {node!r} opens no block")
        return blocks, node

    def _split(self, node: str, gateway: Gateway) -> tuple[Any, str]:
        join = self.post[node]
        joined = self.process.node(join)
        if not isinstance(joined, Gateway) or joined.kind is not gateway.kind:
            raise self._error(f"the branches of {node!r} do not meet at one gateway of its kind")
        branches, chances = [], []
        for target in self.process.successors(node):
            chances.append(self.process.flow(node, target).probability)
            branches.append(None if target == join else self._chain(target, {join})[0])
        self.seen.add(join)
        after = self.process.successors(join)[0]
        if gateway.kind is GatewayKind.PARALLEL:
            return And(*branches), after
        if any(c is None for c in chances) and any(c is not None for c in chances):
            raise self._error(f"only some branches of {node!r} have a probability")
        given = None if chances[0] is None else chances
        return Xor(*branches, probabilities=given), after

    def _loop(self, entry: str) -> tuple[Any, str]:
        graph = self.process.graph
        back = [p for p in graph.predecessors(entry) if self._dominates(entry, p)]
        if len(back) != 1:
            raise self._error(f"gateway {entry!r} merges branches that no split opened")
        inside = {entry, back[0]}
        stack = [back[0]]
        while stack:
            for p in graph.predecessors(stack.pop()):
                if p not in inside:
                    inside.add(p)
                    stack.append(p)
        exits = [(n, t) for n in inside for t in graph.successors(n) if t not in inside]
        if len(exits) != 1:
            raise self._error(f"the loop at {entry!r} has {len(exits)} ways out")
        exit_, after = exits[0]
        body = self._chain(self.process.successors(entry)[0], {exit_})[0]
        self.seen.add(exit_)
        again = next(t for t in graph.successors(exit_) if t in inside)
        redo = None if again == entry else self._chain(again, {entry})[0]
        chance = self.process.flow(exit_, again).probability
        return Loop(body, redo=redo, probability=chance), after

    def _dominates(self, node: str, other: str) -> bool:
        while other != node and self.dominators.get(other, other) != other:
            other = self.dominators[other]
        return other == node

    def _error(self, why: str) -> StepTableError:
        return StepTableError(
            f"process {self.process.name!r} cannot be written as a step table: {why}; a step "
            "table holds sequences, alternatives, parallel steps and loops"
        )


class _Writer:
    """Blocks into rows, each a dict of the table's columns."""

    def __init__(self, process: ServiceProcess) -> None:
        self.name = process.name
        self.rows: list[dict[str, Any]] = []
        self.labels = itertools.count(1)
        keys = Counter(normalize(s.name) for s in process.steps)
        ids = {s.id for s in process.steps}
        # A row names a step by its name where that is unambiguous, else by its id.
        self.refs = {
            s.id: s.name
            if keys[normalize(s.name)] == 1
            and s.name.strip() == s.name
            and s.name not in ids
            and not _SEPARATORS.search(s.name)
            else s.id
            for s in process.steps
        }
        self.pending: dict[str, Any] = {}

    def sequence(
        self, blocks: Sequence[Any], path: tuple[str, ...], required: frozenset[str], leading: bool
    ) -> frozenset[str]:
        for number, block in enumerate(blocks):
            required = self.block(block, path, required, leading and number == 0)
        return required

    def block(
        self, block: Any, path: tuple[str, ...], required: frozenset[str], leading: bool
    ) -> frozenset[str]:
        if isinstance(block, list | tuple):
            return self.sequence(block, path, required, leading)
        if isinstance(block, Step):
            self.step(block, path, required, leading)
            return frozenset({block.id})
        if isinstance(block, Loop):
            return self.loop(block, path, required, leading)
        return self.group(block, path, required, leading)

    def step(
        self, step: Step, path: tuple[str, ...], required: frozenset[str], leading: bool
    ) -> None:
        shares = [self.pending.pop(f"share{d}", "") for d in range(len(path))]
        repeat = [self.pending.pop(k) for k in ("redo", "repeat") if k in self.pending]
        after = "" if not path or leading else "; ".join(self.refs[i] for i in sorted(required))
        row = {
            "id": step.id,
            "step": step.name,
            "after": after,
            "group": "/".join(path),
            "share": "/".join(shares) if any(shares) else "",
            "repeat": "; ".join(repeat),
        }
        for field in ANNOTATION_COLUMNS:
            value = getattr(step, field)
            default = field in ("fixed_channel", "rule_based") and value is False
            row[field] = "" if value is None or default else _cell(value)
        self.rows.append(row)

    def group(
        self, block: Xor | And, path: tuple[str, ...], required: frozenset[str], leading: bool
    ) -> frozenset[str]:
        branches = [b for b in block.branches if b is not None]
        optional = len(branches) < len(block.branches)
        kind = "par" if isinstance(block, And) else "opt" if optional else "alt"
        inner = (*path, f"{kind}:{next(self.labels)}")
        chances = getattr(block, "probabilities", None) or [None] * len(block.branches)
        ends: frozenset[str] = frozenset()
        for branch, chance in zip(block.branches, chances, strict=True):
            if branch is None:
                continue
            if chance is not None:
                self.pending[f"share{len(path)}"] = repr(chance)
            ends |= self.block(branch, inner, required, not path or leading)
        return ends

    def loop(
        self, block: Loop, path: tuple[str, ...], required: frozenset[str], leading: bool
    ) -> frozenset[str]:
        if "repeat" in self.pending:
            raise StepTableError(
                f"process {self.name!r} cannot be written as a step table: a table cannot say "
                "a loop that starts with another loop"
            )
        self.pending["repeat"] = "yes" if block.probability is None else repr(block.probability)
        first = len(self.rows)
        ends = self.block(block.body, path, required, leading)
        if block.redo is not None:
            self.pending["redo"] = "redo"
            self.block(block.redo, path, ends, leading=False)
        if len(self.rows) - 1 > first:
            back = self.refs[self.rows[-1]["id"]]
            after = self.rows[first]["after"]
            self.rows[first]["after"] = f"{after}; {back}" if after else back
        return ends
