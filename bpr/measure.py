"""Length: how long a service is, for the citizen and for the agency.

:func:`measure` turns a :class:`~bpr.ServiceProcess` or an :class:`~bpr.EventLog` into a
:class:`Length`: steps, visits, handoffs, agencies, documents, inquiries, rework, times, and
the Doing Business figures (procedures, days) with a citizen-burden estimate after the EU
Standard Cost Model. ``docs/metrics.md`` defines every metric exactly as computed here.

For a model every count is an expected value over the model's paths, computed exactly from
its branch probabilities (loops included) as an absorbing Markov chain; for a log it is the
mean over cases, with the per-case values in :attr:`Length.per_case`.

Examples
--------
>>> from bpr import ServiceProcess, Step, Xor, measure
>>> p = ServiceProcess.from_blocks(
...     "Certificate",
...     Step("a", "Apply at the office", kind="submit", agency="Registry",
...          citizen_present=True, duration=1800),
...     Xor(Step("b", "Quick check", duration=600), Step("c", "Full review", duration=3600),
...         probabilities=[0.75, 0.25]),
... )
>>> length = measure(p)
>>> length.steps, length.cycle_time_mean
(2.0, datetime.timedelta(seconds=3150))

Nothing says whether the citizen must come for the checks, so the visits are unknown, not 0:

>>> length.visits is None, str(length.unknown["visits"])
(True, "citizen_present unknown for 2 of 3 steps (first: 'Quick check')")
>>> from bpr import annotate
>>> behind = {"actor": "back_office"}
>>> measure(annotate(p, {"Quick check": behind, "Full review": behind})).visits
1.0
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs

from bpr._measure_model import COUNTS
from bpr._steps import ONLINE_CHANNELS, Missing, day_floor, is_citizen_facing, is_paper_inquiry
from bpr._words import DASH, clock
from bpr.errors import BprError
from bpr.model import ServiceProcess

if TYPE_CHECKING:
    import pandas as pd

    from bpr.calendar import BusinessCalendar
    from bpr.log import EventLog

__all__ = [
    "COUNTS",
    "METRICS",
    "OBTAIN",
    "ONLINE_CHANNELS",
    "QUEUE",
    "TIMES",
    "TRAVEL",
    "Length",
    "Missing",
    "Tariff",
    "day_floor",
    "is_citizen_facing",
    "is_paper_inquiry",
    "measure",
]

#: Default round-trip travel time of one visit to an office (EU Standard Cost Model burden).
TRAVEL = timedelta(hours=1)
#: Default time queueing at the office per visit.
QUEUE = timedelta(minutes=30)
#: Default time the citizen spends obtaining one document.
OBTAIN = timedelta(hours=2)

#: Metrics that are durations (``timedelta`` or ``None``).
TIMES = (
    "cycle_time",
    "cycle_time_mean",
    "cycle_time_p90",
    "working_time",
    "cycle_time_business",
    "cycle_time_business_mean",
    "burden",
)
#: Every scalar metric, in display order.
METRICS = (
    "steps",
    "steps_min",
    "steps_max",
    *COUNTS[1:],
    "cycle_time",
    "cycle_time_mean",
    "cycle_time_p90",
    "working_time",
    "waiting_share",
    "cycle_time_business",
    "cycle_time_business_mean",
    "days",
    "burden",
    "burden_cost",
    "variants",
    "cases",
)


def _tariff_rate(instance: Tariff, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < math.inf:
        raise BprError(f"a tariff is a non-negative amount of money per hour, got {value!r}")


def _tariff_currency(instance: Tariff, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise BprError(f"a tariff needs its currency (e.g. 'EUR', 'IRR'), got {value!r}")


@attrs.frozen
class Tariff:
    """The EU Standard Cost Model tariff: what an hour of the citizen's time costs.

    Parameters
    ----------
    per_hour : float
        Money per hour (the SCM uses the hourly wage, or a national average).
    currency : str
        Its currency, as the reader should see it (``"EUR"``, ``"IRR"``, ``"ریال"``...).

    Examples
    --------
    >>> from bpr import ServiceProcess, Step, measure
    >>> p = ServiceProcess.from_blocks(
    ...     "Permit", Step("a", "Apply at the desk", kind="submit", agency="City",
    ...                    citizen_present=True, documents_in=frozenset({"ID card"})))
    >>> length = measure(p, tariff=Tariff(20.0, "EUR"))
    >>> length.burden, length.burden_cost, length.currency
    (datetime.timedelta(seconds=12600), 70.0, 'EUR')
    """

    per_hour: float = attrs.field(validator=_tariff_rate)
    currency: str = attrs.field(validator=_tariff_currency)


@attrs.frozen
class Length:
    """How long a service is: the metrics of :func:`measure` (defined in ``docs/metrics.md``).

    Counts are floats (expected values for a model, means over cases for a log); times are
    :class:`datetime.timedelta` or ``None`` when unknown.

    Attributes
    ----------
    name : str
        The process name or the log's source.
    source : {"model", "log"}
        What was measured.
    steps, steps_min, steps_max : float, int, int or None
        Step executions per case; fewest and most over the model's paths (``steps_max`` is
        ``None`` when a loop makes it unbounded) or over the log's cases.
    visits, handoffs, agencies, documents, inquiries, paper_inquiries : float or None
        Trips to an office, changes of (agency, actor), distinct agencies, distinct documents
        the citizen supplies, inquiry steps, inquiries the citizen carries; ``None`` when a
        step lacks a field they need (:attr:`unknown` says which).
    rework : float
        Repeated steps.
    procedures, days : float or None
        Doing Business: citizen-facing steps, and calendar days with each procedure taking at
        least a day (half a day online).
    cycle_time, cycle_time_mean, cycle_time_p90 : timedelta or None
        Median, mean and 90th percentile of the case duration.
    working_time, waiting_share : timedelta or None, float or None
        Mean time spent working on the case, and the share of the cycle time spent waiting.
    cycle_time_business, cycle_time_business_mean : timedelta or None
        Median and mean case duration counted in working time of a business calendar (log).
    burden : timedelta or None
        EU Standard Cost Model time cost to the citizen per case.
    burden_cost : float or None
        The burden in money, at the :class:`Tariff` given (``None`` without one).
    variants, cases : int or None
        Distinct paths (model; ``None`` with loops) or activity sequences (log); cases (log).
    per_case : pandas.DataFrame or None
        A log's per-case metrics, one row per case.
    by, segments : str or None, pandas.DataFrame or None
        With ``measure(log, by=...)``: the attribute segmented on, and one row per segment.
    assumptions : tuple[str, ...]
        What was assumed where the input said nothing (probabilities, defaults...).
    unknown : Mapping[str, Missing]
        For each metric that is ``None`` because steps lack a typed field (citizen presence,
        agency, kind, documents...): which fields, and which steps lack them. Give them in
        an annotation table (:func:`bpr.annotate`) to know the metric.
    currency : str or None
        The currency of ``burden_cost`` (the :class:`Tariff`'s).
    """

    name: str
    source: str
    steps: float
    steps_min: int | None
    steps_max: int | None
    visits: float | None
    handoffs: float | None
    agencies: float | None
    documents: float | None
    inquiries: float | None
    paper_inquiries: float | None
    rework: float
    procedures: float | None
    cycle_time: timedelta | None
    cycle_time_mean: timedelta | None
    cycle_time_p90: timedelta | None
    working_time: timedelta | None
    waiting_share: float | None
    cycle_time_business: timedelta | None
    cycle_time_business_mean: timedelta | None
    days: float | None
    burden: timedelta | None
    variants: int | None
    cases: int | None
    per_case: pd.DataFrame | None = attrs.field(default=None, eq=False, repr=False)
    by: str | None = None
    segments: pd.DataFrame | None = attrs.field(default=None, eq=False, repr=False)
    assumptions: tuple[str, ...] = ()
    unknown: Mapping[str, Missing] = attrs.field(factory=dict)
    burden_cost: float | None = None
    currency: str | None = None

    def to_frame(self) -> pd.DataFrame:
        """The scalar metrics as a one-column DataFrame (index ``metric``, column ``value``).

        Examples
        --------
        >>> from bpr import ServiceProcess, Step, measure
        >>> frame = measure(ServiceProcess.from_blocks("One", Step("a", "A"))).to_frame()
        >>> frame.loc["steps", "value"], frame.loc["variants", "value"]
        (1.0, 1)
        """
        import pandas as pd

        frame = pd.DataFrame(
            {"value": pd.Series([getattr(self, m) for m in METRICS], index=METRICS, dtype=object)}
        )
        frame.index.name = "metric"
        return frame

    def compare(self, other: Length) -> pd.DataFrame:
        """Side by side with ``other``: columns ``this``, ``other``, ``change`` (other minus
        this) and ``relative`` (change over this), one row per metric.

        Examples
        --------
        >>> from bpr import ServiceProcess, Step, measure
        >>> as_is = measure(ServiceProcess.from_blocks("As is", Step("a", "A"), Step("b", "B")))
        >>> to_be = measure(ServiceProcess.from_blocks("To be", Step("a", "A")))
        >>> as_is.compare(to_be).loc["steps"].tolist()
        [2.0, 1.0, -1.0, -0.5]
        """
        import pandas as pd

        if not isinstance(other, Length):
            raise BprError(f"Length.compare needs another Length, got {type(other).__name__}")
        rows = [_change(getattr(self, m), getattr(other, m)) for m in METRICS]
        frame = pd.DataFrame(
            rows,
            index=pd.Index(METRICS, name="metric"),
            columns=["this", "other", "change", "relative"],
        ).astype(object)
        return frame

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(m)}</th>"
            f"<td style='text-align:right'>{html.escape(_shown(getattr(self, m)))}</td></tr>"
            for m in METRICS
        )
        notes = "".join(f"<li>{html.escape(a)}</li>" for a in self.assumptions)
        notes = f"<p>Assumptions:</p><ul>{notes}</ul>" if notes else ""
        segments = (
            f"<p>By {html.escape(self.by)}:</p>{self.segments.to_html()}"
            if self.segments is not None and self.by is not None
            else ""
        )
        title = f"Length of {html.escape(self.name)} ({html.escape(self.source)})"
        return f"<div><strong>{title}</strong><table>{rows}</table>{segments}{notes}</div>"


def _change(this: Any, other: Any) -> list[Any]:
    if this is None or other is None:
        return [this, other, None, None]
    change = other - this
    return [this, other, change, change / this if this else None]


def _shown(value: Any) -> str:
    if value is None:
        return DASH
    if isinstance(value, timedelta):
        return clock(value)
    if isinstance(value, float):
        return "—" if math.isnan(value) else f"{value:,.2f}"
    return f"{value:,}"


def measure(
    process_or_log: ServiceProcess | EventLog,
    *,
    annotations: Any = None,
    by: str | None = None,
    calendar: BusinessCalendar | None = None,
    travel: timedelta = TRAVEL,
    queue: timedelta = QUEUE,
    obtain: timedelta = OBTAIN,
    tariff: Tariff | None = None,
) -> Length:
    """Measure how long a service is, from a process model or an event log.

    Parameters
    ----------
    process_or_log : ServiceProcess or EventLog
        A model (metrics are expected values over its paths) or a log (means over cases).
    annotations : path, DataFrame or mapping, optional
        Step attributes keyed by activity (see :func:`bpr.annotate`); they take precedence
        over event attributes and the classifier.
    by : str, optional
        Log only: ``"agency"``, ``"channel"``, ``"resource"`` or any case attribute
        (``"case:channel"``): :attr:`Length.segments` then has one row per value.
    calendar : BusinessCalendar, optional
        The working calendar of the business cycle times (log), e.g.
        ``BusinessCalendar.preset("iran")``; without one they are unknown (``None``): no
        working week is assumed. Calendar days (visits, Doing Business days) are in its zone,
        else in the zone the log was read in.
    travel, queue, obtain : timedelta
        Burden parameters: round-trip travel and queueing per visit, and the time to obtain
        one document (defaults :data:`TRAVEL`, :data:`QUEUE`, :data:`OBTAIN`).
    tariff : Tariff, optional
        Money per hour of the citizen's time: gives :attr:`Length.burden_cost` (unknown
        without it).

    Returns
    -------
    Length

    Raises
    ------
    BprError
        When the input is neither a process nor a log, a burden parameter is not a
        non-negative ``timedelta``, or ``calendar`` or ``tariff`` is of the wrong type.
    ModelError
        When the model cannot be measured (a loop that never ends, unstructured parallelism).

    Examples
    --------
    >>> from bpr import ServiceProcess, Step, Loop, measure
    >>> p = ServiceProcess.from_blocks(
    ...     "Permit", Step("a", "Apply", citizen_present=True, agency="City"),
    ...     Loop(Step("b", "Review", agency="City"), probability=0.5))
    >>> m = measure(p)
    >>> m.steps, m.rework, m.steps_max
    (3.0, 1.0, None)
    """
    rates = {"travel": travel, "queue": queue, "obtain": obtain}
    for name, value in rates.items():
        if not isinstance(value, timedelta) or value < timedelta(0):
            raise BprError(
                f"measure: {name} must be a non-negative datetime.timedelta, got {value!r}"
            )
    if tariff is not None and not isinstance(tariff, Tariff):
        raise BprError(f"measure: tariff must be a bpr.Tariff, got {tariff!r}")
    if isinstance(process_or_log, ServiceProcess):
        length = _measure_model(process_or_log, annotations=annotations, by=by, **rates)
        return _costed(length, tariff)
    from bpr.log import EventLog

    if isinstance(process_or_log, EventLog):
        length = _measure_log(
            process_or_log, annotations=annotations, by=by, calendar=calendar, **rates
        )
        return _costed(length, tariff)
    raise BprError(
        f"measure() takes a ServiceProcess or an EventLog, got {type(process_or_log).__name__}; "
        "read a log file or DataFrame with bpr.read_log first"
    )


def _burden_note(travel: timedelta, queue: timedelta, obtain: timedelta) -> str:
    return (
        f"burden = visits × ({travel} travel + {queue} queue) + documents × {obtain} to obtain "
        "(EU Standard Cost Model time; give local travel, queue and obtaining times where "
        "these defaults do not fit)"
    )


def _costed(length: Length, tariff: Tariff | None) -> Length:
    """``length`` with the burden's cost at ``tariff`` (unknown without a tariff)."""
    if tariff is None:
        note = "burden cost unknown: no tariff (money per hour of the citizen's time) was given"
        return attrs.evolve(length, assumptions=(*length.assumptions, note))
    hours = timedelta(hours=1)
    note = f"burden cost = burden in hours × {tariff.per_hour:g} {tariff.currency} per hour"
    unknown = dict(length.unknown)
    if "burden" in unknown:
        unknown["burden_cost"] = unknown["burden"]
    segments = length.segments
    if segments is not None:
        segments = segments.assign(burden_cost=_segment_costs(segments["burden"], tariff))
    return attrs.evolve(
        length,
        burden_cost=None if length.burden is None else length.burden / hours * tariff.per_hour,
        currency=tariff.currency,
        segments=segments,
        assumptions=(*length.assumptions, note),
        unknown=unknown,
    )


def _segment_costs(burdens: pd.Series, tariff: Tariff) -> list[float | None]:
    hours = timedelta(hours=1)
    return [None if b is None or b != b else b / hours * tariff.per_hour for b in burdens]


def _measure_model(
    process: ServiceProcess,
    *,
    annotations: Any,
    by: str | None,
    travel: timedelta,
    queue: timedelta,
    obtain: timedelta,
) -> Length:
    from bpr._measure_model import measure_process

    if by is not None:
        raise BprError(
            f"measure: by={by!r} segments the cases of an event log; a model has no cases"
        )
    if annotations is not None:
        from bpr.annotate import annotate

        process = annotate(process, annotations)
    measured = measure_process(process)
    metrics = measured.metrics
    visits, documents = metrics["visits"], metrics["documents"]
    burden = (
        None
        if visits is None or documents is None
        else visits * (travel + queue) + documents * obtain
    )
    return Length(
        name=process.name,
        source="model",
        **metrics,
        cycle_time_business=None,
        cycle_time_business_mean=None,
        burden=burden,
        cases=None,
        assumptions=(*measured.notes, _burden_note(travel, queue, obtain)),
        unknown=_with_burden(measured.unknown),
    )


def _with_burden(unknown: Mapping[str, Missing]) -> dict[str, Missing]:
    """``unknown`` with the burden, which needs the visits and the documents."""
    parts = [unknown[m] for m in ("visits", "documents") if m in unknown]
    if not parts:
        return dict(unknown)
    fields = tuple(dict.fromkeys(f for p in parts for f in p.fields))
    steps = tuple(dict.fromkeys(s for p in parts for s in p.steps))
    return {**unknown, "burden": Missing(fields, steps, parts[0].of)}


def _measure_log(
    log: EventLog,
    *,
    annotations: Any,
    by: str | None,
    calendar: BusinessCalendar | None,
    travel: timedelta,
    queue: timedelta,
    obtain: timedelta,
) -> Length:
    from bpr._measure_log import Rates, measure_log
    from bpr.calendar import BusinessCalendar

    if calendar is not None and not isinstance(calendar, BusinessCalendar):
        raise BprError(
            f"measure: calendar must be a bpr.calendar.BusinessCalendar, got {calendar!r}"
        )
    measured = measure_log(
        log,
        annotations=annotations,
        by=by,
        calendar=calendar,
        rates=Rates(travel, queue, obtain),
    )
    return Length(
        name=log.source,
        source="log",
        **measured.metrics,
        per_case=measured.per_case,
        by=by,
        segments=measured.segments,
        assumptions=(*measured.notes, _burden_note(travel, queue, obtain)),
        unknown=_with_burden(measured.unknown),
    )
