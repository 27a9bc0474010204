"""Length of the cases of an event log (the log side of :func:`bpr.measure`).

Each activity is typed once, as :func:`bpr.discover` types a step (:func:`bpr.step_types`:
annotations, then event attributes, then the classifier), so a log and the model discovered
from it are measured with the same step types. Every metric is computed per case with
vectorised pandas operations, then summarised over cases.
"""

from __future__ import annotations

import itertools
import math
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs

from bpr._measure_model import COUNTS
from bpr._steps import (
    Missing,
    day_floor,
    is_citizen_facing,
    is_paper_inquiry,
    missing,
    presence,
    visit_place,
)
from bpr.errors import LogError
from bpr.model import Step, StepKind

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from bpr.calendar import BusinessCalendar
    from bpr.log import EventLog

__all__ = ["PER_CASE", "LogMeasured", "Rates", "measure_log"]

#: The columns of :attr:`bpr.Length.per_case`.
PER_CASE = (
    "case",
    *COUNTS,
    "start",
    "end",
    "cycle_time",
    "working_time",
    "waiting_share",
    "cycle_time_business",
    "days",
    "burden",
)
_TYPED = ("kind", "actor", "agency", "channel")
_DAY = timedelta(days=1)
# Events per chunk of cases measured at a time (a log held in DuckDB).
_CHUNK = 1_000_000


@attrs.frozen
class Rates:
    """Burden parameters: travel and queueing per visit, time to obtain a document."""

    travel: timedelta
    queue: timedelta
    obtain: timedelta


@attrs.frozen
class LogMeasured:
    """What :func:`measure_log` found: summary metrics (``None`` where unknown), the per-case
    table, the segments (with ``by``), the notes, and why each unknown typed metric is."""

    metrics: dict[str, Any]
    per_case: pd.DataFrame
    segments: pd.DataFrame | None
    notes: list[str]
    unknown: dict[str, Missing]


@attrs.frozen
class _Types:
    """The step type of each activity of a log (in the order of ``labels``), per-event
    columns to be taken from it by activity code, and the documents each activity needs."""

    labels: list[str]
    columns: dict[str, Any]  # t_<field>: per-activity Categorical; flags: per-activity arrays
    needs: pd.DataFrame  # activity (code), document: a citizen-facing activity needs it
    makes: pd.DataFrame  # activity (code), document: the activity produces the document
    unknown: dict[str, Missing]  # metric -> the activities that lack a field it needs


@attrs.frozen
class _Typed:
    """The events of some cases of a log with the step type of their activity.

    ``events`` holds, per event: ``case`` (its position in ``case_ids``), ``activity`` (its
    position in the types' labels), ``timestamp``, ``start`` (when the log has it), the segment
    column (with ``by``), and the step type of its activity: ``t_kind``, ``t_actor``,
    ``t_agency``, ``t_channel`` (categoricals), ``place`` and ``role`` (codes of the visit
    place and of the (agency, actor) pair, -1 for an unknown place), and the flags.
    """

    events: pd.DataFrame
    needs: pd.DataFrame
    makes: pd.DataFrame
    has_start: bool
    case_ids: pd.Index
    zone: str  # the zone the log was read in: its calendar days when no calendar says
    unknown: dict[str, Missing]


def _types(log: EventLog, annotations: Any) -> _Types:
    import numpy as np
    import pandas as pd

    from bpr.annotate import step_types

    labels = list(log.activities)
    steps = {
        label: Step(f"a{i}", label, **fields)
        for i, (label, fields) in enumerate(
            step_types(labels, log, annotations=annotations).items()
        )
    }
    typed = list(steps.values())
    columns: dict[str, Any] = {
        f"t_{field}": pd.Categorical([_value(getattr(s, field)) for s in typed]) for field in _TYPED
    }
    columns["place"] = pd.factorize(pd.Series([visit_place(s) for s in typed], dtype=object))[0]
    columns["role"] = pd.factorize(
        pd.Series([(s.agency, _value(s.actor)) for s in typed], dtype=object)
    )[0]
    flags = {
        # Unknown answers count as no here: the metrics that need them are unknown.
        "present": [bool(presence(s)) for s in typed],
        "facing": [bool(is_citizen_facing(s)) for s in typed],
        "inquiry": [s.kind is StepKind.INQUIRY for s in typed],
        "paper": [bool(is_paper_inquiry(s)) for s in typed],
        "floor": [day_floor(s) or 0.0 for s in typed],
    }
    columns |= {name: np.asarray(values) for name, values in flags.items()}
    code = {label: i for i, label in enumerate(labels)}
    facing = [(code[a], s) for a, s in steps.items() if is_citizen_facing(s)]
    needs = [(i, d) for i, s in facing for d in s.documents_in or ()]
    makes = [(code[a], d) for a, s in steps.items() for d in s.documents_out or ()]
    return _Types(
        labels=labels,
        columns=columns,
        needs=pd.DataFrame(needs, columns=["activity", "document"]),
        makes=pd.DataFrame(makes, columns=["activity", "document"]),
        unknown=missing(typed),
    )


def _typed(
    log: EventLog, types: _Types, segment: str | None, cases: tuple[Any, Any] | None
) -> _Typed:
    """The events of the cases in the range `cases` (all with None), typed."""
    import numpy as np
    import pandas as pd

    wanted = ["case", "activity", "timestamp", "start", *([segment] if segment else [])]
    events = log._events(wanted, categories=("case", "activity"), cases=cases)
    # The codes of the types' labels: the chunk's categories are only those it has.
    activity = pd.Index(types.labels).get_indexer(events["activity"].cat.categories)
    activity = activity[events["activity"].cat.codes.to_numpy()]
    columns = {
        name: pd.Categorical.from_codes(values.codes[activity], values.categories)
        if isinstance(values, pd.Categorical)
        else values[activity]
        for name, values in types.columns.items()
    }
    # Every metric groups the events by case, many times over: grouping small integers is
    # several times faster than grouping the case ids (strings) themselves.
    ids = events["case"].cat
    order = np.argsort(ids.categories.to_numpy(dtype=object), kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return _Typed(
        events=events.assign(case=rank[ids.codes.to_numpy()], activity=activity, **columns),
        needs=types.needs,
        makes=types.makes,
        has_start="start" in events.columns,
        case_ids=pd.Index(ids.categories[order]),
        zone=log.timezone,
        unknown=types.unknown,
    )


def _value(field: Any) -> Any:
    """An enum field's value, a plain field as it is."""
    return getattr(field, "value", field)


class _Stack:
    """The per-case tables of chunks of cases, one under the other.

    Each chunk's rows are copied, as the chunk comes, into columns made once for every case of
    the log, so that memory holds the whole table once: concatenating the chunks' tables at the
    end held them and their concatenation together (50M events, 8.4M cases: 1.2 GB more).
    """

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.at = 0
        self.columns: dict[str, np.ndarray] = {}
        self.cases: list[pd.Series] = []
        self.template: pd.DataFrame | None = None

    def add(self, part: pd.DataFrame) -> None:
        import numpy as np
        import pandas as pd

        if self.template is None:
            self.template = part.iloc[:0]
        end = self.at + len(part)
        for name in part.columns:
            values = part[name]
            if name == "case":
                self.cases.append(values)
                continue
            if isinstance(values.dtype, pd.DatetimeTZDtype):
                values = values.dt.tz_localize(None)  # the UTC wall clock; zone put back below
            array = values.to_numpy()
            if name not in self.columns:
                self.columns[name] = np.empty(self.rows, dtype=array.dtype)
            self.columns[name][self.at : end] = array
        self.at = end

    def frame(self) -> pd.DataFrame:
        import pandas as pd

        assert self.template is not None
        template = self.template
        columns = {"case": pd.concat(self.cases, ignore_index=True)}
        for name, array in self.columns.items():
            column = pd.Series(array[: self.at], copy=False)
            zone = getattr(template[name].dtype, "tz", None)
            columns[name] = column.dt.tz_localize(zone) if zone is not None else column
        frame = pd.DataFrame(columns, copy=False)[list(template.columns)]
        return frame.astype(template.dtypes.to_dict(), copy=False)


def _per_case(
    typed: _Typed, events: pd.DataFrame, calendar: BusinessCalendar | None, rates: Rates
) -> pd.DataFrame:
    """One row per case of ``events`` (a subset of ``typed.events``) with every metric."""
    import pandas as pd

    events = events.reset_index(drop=True)
    cases = events.groupby("case", sort=True)
    first = cases.cumcount() == 0
    previous_place = cases["place"].shift(1)
    # The local calendar day (naive: a zone whose clocks jumped at midnight has no 00:00).
    zone = typed.zone if calendar is None else calendar.timezone
    day = events["timestamp"].dt.tz_convert(zone).dt.tz_localize(None).dt.floor("D")
    role = events["role"]
    # A visit goes on while the citizen stays at the same office on the same day.
    same_trip = ~first & cases["present"].shift(1, fill_value=False).astype(bool)
    same_trip &= events["place"] == previous_place  # an unknown place (-1) equals itself
    timed = bool(events["timestamp"].notna().any())
    if timed:  # without times, a run at one place is one trip, as in a model
        same_trip &= day == day.groupby(events["case"]).shift(1)
    flags = pd.DataFrame(
        {
            "case": events["case"],
            "visits": events["present"] & ~same_trip,
            "handoffs": ~first & (role != role.groupby(events["case"]).shift(1)),
            "inquiries": events["inquiry"],
            "paper_inquiries": events["paper"],
            "procedures": events["facing"],
        }
    )
    out = flags.groupby("case", sort=True).sum().astype(float)
    out["steps"] = cases.size().astype(float)
    out["agencies"] = cases["t_agency"].nunique().astype(float)
    out["documents"] = _documents(typed, events).reindex(out.index, fill_value=0.0)
    out["rework"] = out["steps"] - cases["activity"].nunique()
    begun = events["start"].fillna(events["timestamp"]) if typed.has_start else events["timestamp"]
    out["start"] = begun.groupby(events["case"]).min()
    out["end"] = cases["timestamp"].max()
    out["cycle_time"] = out["end"] - out["start"]
    unknown = pd.Series(pd.NaT, index=out.index, dtype="timedelta64[us]")
    out["working_time"] = _working(events).astype("timedelta64[us]") if typed.has_start else unknown
    out["waiting_share"] = 1 - out["working_time"] / out["cycle_time"].where(
        out["cycle_time"] > pd.Timedelta(0)
    )
    out["cycle_time_business"] = (
        unknown if calendar is None else calendar.working_times(out["start"], out["end"])
    )
    out["days"] = _days(events, out["start"]) if timed else float("nan")
    for metric in typed.unknown:  # unknown for every case: an activity lacks a field
        out[metric] = float("nan")
    out["burden"] = out["visits"] * (rates.travel + rates.queue) + out["documents"] * rates.obtain
    out["burden"] = out["burden"].astype("timedelta64[us]")
    out.index = typed.case_ids[out.index].rename("case")
    return out.reset_index()[list(PER_CASE)]


def _documents(typed: _Typed, events: pd.DataFrame) -> pd.Series:
    """Per case, documents a citizen-facing step needs before any step has produced them."""
    import numpy as np

    order = events[["case", "activity"]].assign(at=events.groupby("case").cumcount())
    need = order.merge(typed.needs, on="activity").groupby(["case", "document"])["at"].min()
    made = order.merge(typed.makes, on="activity").groupby(["case", "document"])["at"].min()
    made = made.reindex(need.index).fillna(np.inf)
    # A step that needs and makes a document needs it first: input comes before output.
    supplied = (need <= made).groupby(level="case").sum()
    return supplied.astype(float)


def _working(events: pd.DataFrame) -> pd.Series:
    """Per case, the time during which at least one step was in progress (union of the
    ``[start, timestamp]`` intervals of events with a start time)."""
    timed = events.loc[events["start"].notna(), ["case", "start", "timestamp"]]
    timed = timed.sort_values(["case", "start", "timestamp"], kind="stable")
    covered_until = timed.groupby("case")["timestamp"].cummax()
    previous = covered_until.groupby(timed["case"]).shift(1)
    begin = timed["start"].where(previous.isna() | (timed["start"] > previous), previous)
    gain = (timed["timestamp"] - begin).clip(lower=timedelta(0))
    return gain.groupby(timed["case"]).sum()


def _days(events: pd.DataFrame, starts: pd.Series) -> pd.Series:
    """Doing Business days: the time each event adds to the case (from the previous
    completion, or from the case start), raised to its step's minimum, summed, in days."""
    previous = events.groupby("case")["timestamp"].shift(1)
    previous = previous.fillna(events["case"].map(starts))
    gap = (events["timestamp"] - previous) / _DAY
    return gap.clip(lower=events["floor"]).groupby(events["case"]).sum()


def _summary(cases: pd.DataFrame, variants: int, *, has_start: bool) -> dict[str, Any]:
    """Means over cases (and cycle-time quantiles) of a :func:`_per_case` table, and the
    number of variants of its events."""
    metrics: dict[str, Any] = {name: _mean(cases[name]) for name in (*COUNTS, "days")}
    metrics["steps_min"] = int(cases["steps"].min())
    metrics["steps_max"] = int(cases["steps"].max())
    cycle = cases["cycle_time"]
    metrics["cycle_time"] = _py(cycle.median())
    metrics["cycle_time_mean"] = _py(cycle.mean())
    metrics["cycle_time_p90"] = _py(cycle.quantile(0.9))
    business = cases["cycle_time_business"]
    metrics["cycle_time_business"] = _py(business.median())
    metrics["cycle_time_business_mean"] = _py(business.mean())
    metrics["burden"] = _py(cases["burden"].mean())
    metrics["burden_cost"] = None  # bpr.measure prices the burden when given a tariff
    known = cases["working_time"].notna()
    metrics["working_time"] = _py(cases["working_time"].mean()) if has_start else None
    total = cycle[known].sum()
    metrics["waiting_share"] = (
        float(1 - cases["working_time"][known].sum() / total)
        if has_start and known.any() and total > timedelta(0)
        else None
    )
    metrics["cases"] = len(cases)
    metrics["variants"] = variants
    return metrics


def _mean(values: pd.Series) -> float | None:
    """The mean, ``None`` when the values are unknown (NaN)."""
    mean = float(values.mean())
    return None if math.isnan(mean) else mean


def _variants(events: pd.DataFrame) -> set[bytes]:
    """The distinct activity sequences of the cases of ``events`` (as bytes of the codes)."""
    import numpy as np
    import pandas as pd

    # Each case's sequence as the bytes of its activity codes: one slice of one buffer per
    # case, where pandas' groupby-agg(tuple) makes a Python call and a tuple per case.
    cases = pd.factorize(events["case"])[0]
    order = np.argsort(cases, kind="stable")
    codes = events["activity"].to_numpy()[order].astype("<i4").tobytes()
    bounds = np.flatnonzero(np.diff(cases[order], prepend=-1, append=-1)) * 4
    return {codes[a:b] for a, b in itertools.pairwise(bounds.tolist())}


def _py(value: Any) -> timedelta | None:
    import pandas as pd

    return None if pd.isna(value) else pd.Timedelta(value).to_pytimedelta()


def measure_log(
    log: EventLog,
    *,
    annotations: Any,
    by: str | None,
    calendar: BusinessCalendar | None,
    rates: Rates,
) -> LogMeasured:
    """Metrics, per-case table, segments (with ``by``), notes and unknown metrics of ``log``."""

    types = _types(log, annotations)
    has_start = "start" in log._names()
    if by is None:
        # A chunk of cases at a time: memory holds one chunk's events and the per-case table.
        stack, variants = _Stack(log.n_cases), set()
        for cases in log._case_ranges(_CHUNK):
            typed = _typed(log, types, None, cases)
            stack.add(_per_case(typed, typed.events, calendar, rates))
            variants |= _variants(typed.events)
            del typed
        per_case = stack.frame()
        segments = None
    else:
        segment = _segment_column(log, by)
        typed = _typed(log, types, segment if segment in log._names() else None, None)
        per_case = _per_case(typed, typed.events, calendar, rates)
        variants = _variants(typed.events)
        segments = _segments(typed, by, segment, calendar, rates)
    metrics = _summary(per_case, len(variants), has_start=has_start)
    notes = [
        "steps typed per activity as discover types them: annotations, then event "
        "attributes, then the classifier (bpr.typing_report says which)",
        _calendar_note(calendar, log.timezone),
    ]
    if not log.timed:
        notes.append(
            "the log has no times (control-flow only): cycle time, business time, working time, "
            "waiting share and days are unknown, and a visit is a run of steps at one place "
            "(no day boundary)"
        )
    elif not has_start:
        notes.append("the log has no start times: working time and waiting share are unknown")
    return LogMeasured(metrics, per_case, segments, notes, types.unknown)


def _calendar_note(calendar: BusinessCalendar | None, zone: str) -> str:
    if calendar is None:
        return (
            f"calendar days in {zone}; no business calendar was chosen, so the business cycle "
            "times are unknown (no working week is assumed)"
        )
    return f"calendar days in {calendar.timezone}; business time on the {calendar.description}"


def _segments(
    typed: _Typed, by: str, column: str, calendar: BusinessCalendar | None, rates: Rates
) -> pd.DataFrame:
    """One row per value of ``by`` (in ``column`` of the events): the cases with that value
    (a case attribute), or each case's events with that value (an event attribute). A
    missing value is a segment too."""
    import pandas as pd

    from bpr.measure import METRICS

    events = typed.events
    values = events[column].astype(object)
    if (events.groupby("case")[column].nunique(dropna=False) <= 1).all():
        values = values.groupby(events["case"]).transform("first")
    missing = values.isna()
    rows = {}
    for value in sorted(values[~missing].unique(), key=str) + ([None] if missing.any() else []):
        subset = events[missing if value is None else values == value]
        cases = _per_case(typed, subset, calendar, rates)
        rows[value] = _summary(cases, len(_variants(subset)), has_start=typed.has_start)
    frame = pd.DataFrame(list(rows.values()), index=pd.Index(list(rows), name=by))
    return frame[list(METRICS)]


def _segment_column(log: EventLog, by: str) -> str:
    """The events' column to segment by: a column of the log, a source column's canonical
    name, or a step type field (``t_<field>``)."""
    names = log._names()
    if by in names and not by.startswith("t_"):
        return by
    chosen = {source: canonical for canonical, source in log.columns_chosen.items()}
    if by in chosen:
        return chosen[by]
    if by in _TYPED:
        return f"t_{by}"
    skip = ("position", "timestamp", "start")
    usable = [c for c in names if c not in skip and not c.startswith("t_")]
    usable += [c for c in _TYPED if c not in usable]
    raise LogError(
        f"measure: the log {log.source!r} has no attribute {by!r} to segment by; use one of "
        f"{', '.join(repr(c) for c in usable)}"
    )
