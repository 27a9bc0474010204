"""A province's service catalogue: every service with the evidence there is for it.

A province offers hundreds of services; few have a log, some have a procedure written down,
most have only the identity card the agency registered (*shenasnameh-ye khedmat*). A
:class:`Catalog` holds them all, one :class:`Service` each, with up to three levels of
evidence: the card (:class:`ServiceCard`, declared figures), a process (from a step table, a
model file, or discovered from a log) and the event log itself. Every figure a catalogue
result gives says which level it came from: ``"card"``, ``"steps"``, ``"model"`` or ``"log"``.

Examples
--------
>>> card = ServiceCard("S1", "Birth certificate", agency="Civil registry", frequency=1200,
...                    visits=2)
>>> catalog = Catalog((Service("S1", card=card),))
>>> catalog.service("S1").card.visits
2.0
>>> catalog.agencies
('Civil registry',)
>>> ServiceCard("S2", "Permit", visits=-1)
Traceback (most recent call last):
...
bpr.errors.CatalogError: service 'S2': visits -1.0 is impossible; ...
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import math
import os
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from bpr.errors import CatalogError, ModelError
from bpr.model import ServiceProcess

if TYPE_CHECKING:
    import pandas as pd

    from bpr._portfolio import Delegation, InquiryLinks, ParallelWork
    from bpr.log import EventLog
    from bpr.measure import Length
    from bpr.model import Step
    from bpr.redesign import Proposal, Redesign

__all__ = [
    "CARD_COLUMNS",
    "DECLARED_TOLERANCE",
    "FIGURES",
    "FOLDERS",
    "LEVELS",
    "PROCESS_FROM",
    "SAVINGS",
    "SERVICE_LEVELS",
    "SERVICE_TYPES",
    "STAGES",
    "Catalog",
    "CatalogLength",
    "CatalogWarning",
    "DeclaredVsObserved",
    "Priorities",
    "Service",
    "ServiceCard",
    "card_frame",
    "read_catalog",
    "write_catalog",
]

SERVICE_TYPES = ("G2C", "G2B", "G2G")
SERVICE_LEVELS = ("national", "provincial", "city", "rural")
PROCESS_FROM = ("steps", "model", "log")
# The levels of evidence, weakest first: a figure is taken from the strongest one there is.
LEVELS = ("card", "steps", "model", "log")


def _fail(card_id: Any, field: str, problem: str) -> CatalogError:
    return CatalogError(f"service {card_id!r}: {field} {problem}")


def _number(kind: str) -> Any:
    """The check of a non-negative number field (None stays unknown)."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if not math.isfinite(value) or value < 0:
            raise _fail(
                instance.id,
                attribute.name,
                f"{value!r} is impossible; give a number of {kind} ≥ 0 or leave it blank (unknown)",
            )

    return check


def _to_float(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError("a yes/no is not a number")
    return float(value)


def _float_or_error(value: Any) -> Any:
    # Left as given when it is not a number, so that the validator names the field.
    try:
        return _to_float(value)
    except (TypeError, ValueError):
        return _NotNumber(value)


@attrs.frozen
class _NotNumber:
    value: Any


def _texts(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _one_of(choices: Sequence[str]) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and value not in choices:
            raise _fail(
                instance.id,
                attribute.name,
                f"{value!r} is not one of {', '.join(choices)}; leave it blank if unknown",
            )

    return check


def _yes_no(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, bool):
        raise _fail(instance.id, attribute.name, f"{value!r} is not yes/no (True/False) or None")


def _text_id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise CatalogError(f"a service {attribute.name} must be a non-empty text, not {value!r}")


def _checked_numbers(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, _NotNumber):
        raise _fail(instance.id, attribute.name, f"{value.value!r} is not a number")


def _date(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, _dt.date):
        raise _fail(instance.id, attribute.name, f"{value!r} is not a date")


def _amount(kind: str) -> Any:
    """A number field of a card: a non-negative number of ``kind``, or None (unknown)."""
    return attrs.field(
        default=None,
        converter=_float_or_error,
        validator=[_checked_numbers, _number(kind)],
        kw_only=True,
    )


@attrs.frozen
class ServiceCard:
    """A service's identity card: what the agency declared about it.

    Every field but ``id`` and ``title`` may be ``None``: unknown, never read as 0 or no.

    Parameters
    ----------
    id, title : str
        The service id in the catalogue and its title.
    title_fa, agency, process_title, recipients, life_event, trigger : str or None
        The Persian title, the agency offering the service, the process title, who receives
        it, the life event it belongs to and what starts it.
    type : {"G2C", "G2B", "G2G"} or None
    level : {"national", "provincial", "city", "rural"} or None
    documents : tuple of str or None
        The documents the citizen brings (``()``: none; ``None``: unknown).
    frequency : float or None
        Cases per year.
    visits : float or None
        Declared in-person visits per case.
    cost : float or None
        Declared cost per case, in ``currency``.
    time_days : float or None
        Declared average delivery time, in calendar days.
    channels : tuple of str or None
        Access channels (web, app, SMS, IVR, counter office, in person...).
    informing, request, production : bool or None
        Whether that stage is electronic.
    depends_on : tuple of str or None
        Agencies the production stage depends on (through an inquiry).
    registered : datetime.date or None
        When the card was registered.

    Examples
    --------
    >>> c = ServiceCard("S1", "Permit", documents=["ID card", "Deed"], request=True)
    >>> c.documents, c.request, c.production
    (('ID card', 'Deed'), True, None)
    >>> ServiceCard("S1", "Permit", type="B2B")
    Traceback (most recent call last):
    ...
    bpr.errors.CatalogError: service 'S1': type 'B2B' is not one of G2C, G2B, G2G; ...
    """

    id: str = attrs.field(validator=_text_id)
    title: str = attrs.field(validator=_text_id)
    title_fa: str | None = attrs.field(default=None, kw_only=True)
    agency: str | None = attrs.field(default=None, kw_only=True)
    process_title: str | None = attrs.field(default=None, kw_only=True)
    type: str | None = attrs.field(default=None, validator=_one_of(SERVICE_TYPES), kw_only=True)
    recipients: str | None = attrs.field(default=None, kw_only=True)
    level: str | None = attrs.field(default=None, validator=_one_of(SERVICE_LEVELS), kw_only=True)
    life_event: str | None = attrs.field(default=None, kw_only=True)
    trigger: str | None = attrs.field(default=None, kw_only=True)
    documents: tuple[str, ...] | None = attrs.field(default=None, converter=_texts, kw_only=True)
    frequency: float | None = _amount("cases per year")
    visits: float | None = _amount("visits")
    cost: float | None = _amount("currency units")
    currency: str | None = attrs.field(default=None, kw_only=True)
    time_days: float | None = _amount("days")
    channels: tuple[str, ...] | None = attrs.field(default=None, converter=_texts, kw_only=True)
    informing: bool | None = attrs.field(default=None, validator=_yes_no, kw_only=True)
    request: bool | None = attrs.field(default=None, validator=_yes_no, kw_only=True)
    production: bool | None = attrs.field(default=None, validator=_yes_no, kw_only=True)
    depends_on: tuple[str, ...] | None = attrs.field(default=None, converter=_texts, kw_only=True)
    registered: _dt.date | None = attrs.field(default=None, validator=_date, kw_only=True)


def _process(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, ServiceProcess):
        raise _fail(instance.id, attribute.name, f"must be a ServiceProcess, not {type(value)}")


@attrs.frozen
class Service:
    """One service of a catalogue and the evidence there is for it.

    Parameters
    ----------
    id : str
        The service id (the card's, when there is a card).
    card : ServiceCard or None
        The declared identity card.
    process : ServiceProcess or None
        The service's process, from a step table, a model file or discovered from the log.
    process_from : {"steps", "model", "log"} or None
        Where ``process`` came from (``None`` exactly when there is no process).
    log : EventLog or None
        The service's event log.

    Examples
    --------
    >>> Service("S1", card=ServiceCard("S2", "Permit"))
    Traceback (most recent call last):
    ...
    bpr.errors.CatalogError: service 'S1': card has id 'S2'; a service and its card have one id
    """

    id: str = attrs.field(validator=_text_id)
    card: ServiceCard | None = attrs.field(default=None, kw_only=True)
    process: ServiceProcess | None = attrs.field(default=None, validator=_process, kw_only=True)
    process_from: str | None = attrs.field(
        default=None, validator=_one_of(PROCESS_FROM), kw_only=True
    )
    log: EventLog | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.card is not None and self.card.id != self.id:
            raise _fail(
                self.id, "card", f"has id {self.card.id!r}; a service and its card have one id"
            )
        if (self.process is None) != (self.process_from is None):
            raise _fail(
                self.id,
                "process_from",
                f"is {self.process_from!r} with {'no ' if self.process is None else 'a '}"
                "process; say where the process came from (steps, model, log), and only then",
            )

    @property
    def title(self) -> str:
        """The card's title, else the process's name, else the id."""
        if self.card is not None:
            return self.card.title
        if self.process is not None and self.process.name:
            return self.process.name
        return self.id

    @property
    def agency(self) -> str | None:
        """The card's agency (``None``: unknown)."""
        return None if self.card is None else self.card.agency


def _services(value: Iterable[Service]) -> tuple[Service, ...]:
    services = tuple(value)
    for service in services:
        if not isinstance(service, Service):
            raise CatalogError(f"a catalogue holds Service objects, not {type(service).__name__}")
    seen: set[str] = set()
    for service in services:
        if service.id in seen:
            raise _fail(service.id, "id", "appears twice; give every service its own id")
        seen.add(service.id)
    return tuple(sorted(services, key=lambda s: s.id))


@attrs.frozen
class Catalog:
    """A province's services, ordered by id, each with its card, process and log.

    Parameters
    ----------
    services : iterable of Service
        Each with a distinct id; kept ordered by id.
    unmatched : tuple of str
        Files in the catalogue folder that matched no card (see :func:`read_catalog`).
    source : str or None
        Where the catalogue was read from.
    log_files : mapping of str to str
        For services whose log stays on disk: the log's file, by service id.
    observed : dict of str to Length, optional
        What each log showed (``measure(log)``), by service id, as :func:`read_catalog`
        measured it; a log given as ``Service.log`` is measured on first use and cached here.
    """

    services: tuple[Service, ...] = attrs.field(converter=_services)
    unmatched: tuple[str, ...] = attrs.field(default=(), converter=tuple, kw_only=True)
    source: str | None = attrs.field(default=None, kw_only=True)
    log_files: Mapping[str, str] = attrs.field(
        factory=dict, converter=lambda m: MappingProxyType(dict(m)), kw_only=True, repr=False
    )
    # What the logs showed, measured once (see read_catalog): {id: Length}.
    _observed: dict[str, Length] = attrs.field(
        factory=dict, kw_only=True, repr=False, eq=False, alias="observed"
    )

    def __len__(self) -> int:
        return len(self.services)

    def service(self, id: str) -> Service:
        """The service with ``id``; a :class:`~bpr.CatalogError` naming the known ids if none."""
        for service in self.services:
            if service.id == id:
                return service
        known = ", ".join(s.id for s in self.services[:10])
        raise CatalogError(f"no service {id!r} in the catalogue (ids: {known}...)")

    @property
    def agencies(self) -> tuple[str, ...]:
        """The agencies the cards name (offering a service or depended on), sorted."""
        names: set[str] = set()
        for service in self.services:
            if service.card is None:
                continue
            if service.card.agency:
                names.add(service.card.agency)
            names.update(service.card.depends_on or ())
        return tuple(sorted(names))

    # -- evidence ------------------------------------------------------------------------

    def observed(self, id: str) -> Length | None:
        """What the service's log shows (:func:`bpr.measure` of the log), ``None`` without a
        log. Measured once and kept: a catalogue holds the figures of its logs, not the logs.

        Examples
        --------
        >>> Catalog((Service("S1"),)).observed("S1") is None
        True
        """
        service = self.service(id)
        if id not in self._observed and service.log is not None:
            from bpr.measure import measure

            self._observed[id] = measure(service.log)
        return self._observed.get(id)

    def modelled(self, id: str) -> Length | None:
        """The length of the service's process (:func:`bpr.measure`), ``None`` without one;
        measured once and kept."""
        service = self.service(id)
        if service.process is None:
            return None
        key = f"process:{id}"
        if key not in self._observed:
            from bpr.measure import measure

            self._observed[key] = measure(service.process)
        return self._observed[key]

    # -- results -------------------------------------------------------------------------

    def length(self) -> CatalogLength:
        """Per service and per agency: the length metrics, the yearly citizen burden and the
        e-readiness of each stage, each figure with the level of evidence it came from.

        Examples
        --------
        >>> c = Catalog([Service("A", card=ServiceCard("A", "Permit", agency="City",
        ...                                            frequency=100, visits=3)),
        ...              Service("B", card=ServiceCard("B", "Licence", agency="City"))])
        >>> row = c.length().to_frame().loc["A"]
        >>> float(row["visits"]), row["visits_level"], float(row["visits_per_year"])
        (3.0, 'card', 300.0)
        >>> city = c.length().by_agency.loc["City"]  # B's visits are unknown, not 0
        >>> int(city["services"]), float(city["visits_per_year"])
        (2, 300.0)
        >>> int(city["visits_per_year_services"])
        1
        """
        return _catalog_length(self)

    def prioritize(
        self,
        objectives: Mapping[str, float] | None = None,
        constraints: Any = None,
        *,
        by: str | None = None,
    ) -> Priorities:
        """Services ranked by the citizen burden a redesign removes per year.

        Parameters
        ----------
        objectives, constraints
            Passed to :func:`bpr.redesign` for every service with a process.
        by : {"visits", "hours", "documents", "days"}, optional
            The yearly burden to rank by; by default the one the heaviest objective weighs
            (``cycle_time``: days), else visits.

        Returns
        -------
        Priorities
        """
        return _priorities(self, objectives, constraints, by)

    def inquiry_links(self) -> InquiryLinks:
        """The agency-to-agency e-inquiries across the catalogue, ranked by what they save
        (:func:`bpr._portfolio.inquiry_links`)."""
        from bpr._portfolio import inquiry_links

        return inquiry_links(self)

    def delegation(self) -> Delegation:
        """The front-office steps that can move to counter offices
        (:func:`bpr._portfolio.delegation`)."""
        from bpr._portfolio import delegation

        return delegation(self)

    def parallel_work(self, min_score: float = 85.0) -> ParallelWork:
        """Groups of services that are one service offered several times
        (:func:`bpr._portfolio.parallel_work`)."""
        from bpr._portfolio import parallel_work

        return parallel_work(self, min_score=min_score)

    def declared_vs_observed(self) -> DeclaredVsObserved:
        """For services with a card and a log: the declared and the observed visits, steps and
        days, their difference and whether it is beyond :data:`DECLARED_TOLERANCE`."""
        return _declared_vs_observed(self)


# -- results ---------------------------------------------------------------------------------

#: The figures of a service's length in a catalogue, per case.
FIGURES = (
    "steps",
    "visits",
    "handoffs",
    "agencies",
    "documents",
    "cycle_time_days",
    "citizen_hours",
)
#: The yearly burden: frequency × the per-case figure.
YEARLY = {"visits": "visits", "hours": "citizen_hours", "documents": "documents"}
#: The stages of a service whose being electronic a card says.
STAGES = ("informing", "request", "production")
#: When a card's figure differs from what the log shows: beyond ``absolute`` (visits) or
#: beyond ``relative`` to the declared value (steps, days).
DECLARED_TOLERANCE: Mapping[str, tuple[str, float]] = MappingProxyType(
    {"visits": ("absolute", 0.5), "steps": ("relative", 0.2), "time_days": ("relative", 0.25)}
)
#: The savings a redesign makes per case, by the name of the ranking measure.
SAVINGS = ("visits", "hours", "documents", "days")
_OBJECTIVE_MEASURE = {"visits": "visits", "cycle_time": "days", "documents": "documents"}


def _frame_html(frame: pd.DataFrame, title: str) -> str:
    import html

    return f"<h4>{html.escape(title)}</h4>" + frame.to_html(na_rep="—", escape=True)


@attrs.frozen
class CatalogLength:
    """:meth:`Catalog.length`: the length of every service and the yearly burden.

    Attributes
    ----------
    services : pandas.DataFrame
        One row per service (index ``id``): ``title``, ``agency``, ``frequency``; for each of
        :data:`FIGURES` its value per case and ``<figure>_level`` (``"log"``, ``"steps"``,
        ``"model"`` or ``"card"``: the strongest evidence that knows it); the yearly
        ``visits_per_year``, ``hours_per_year``, ``documents_per_year`` (frequency × per
        case; unknown when either is); ``informing``, ``request``, ``production`` (whether the
        stage is electronic) with ``<stage>_level`` (the card, else derived from the steps'
        channels).
    by_agency : pandas.DataFrame
        One row per agency (index ``agency``; services with no agency under ``None``):
        ``services``, and for each yearly figure its total over the services that know it
        with ``<figure>_services``, how many those are. An unknown figure is left out of the
        total and the count says so: it is never counted as 0.
    """

    services: pd.DataFrame = attrs.field(eq=False)
    by_agency: pd.DataFrame = attrs.field(eq=False)

    def to_frame(self) -> pd.DataFrame:
        """The per-service table (a copy)."""
        return self.services.copy()

    def chart(self, figure: str = "visits") -> str:
        """An SVG bar chart of the yearly ``figure`` (``visits``, ``hours``, ``documents``) per
        agency, each bar labelled with how many of the agency's services it covers."""
        if figure not in YEARLY:
            raise CatalogError(f"chart({figure!r}): chart one of {', '.join(YEARLY)}")
        bars = [
            (
                "unknown agency" if _blank(agency) else str(agency),
                row[f"{figure}_per_year"],
                f"{int(row[f'{figure}_per_year_services'])} of {int(row['services'])}",
            )
            for agency, row in self.by_agency.iterrows()
        ]
        return _bars(bars, f"{figure} per year")

    def _repr_html_(self) -> str:
        return (
            self.chart()
            + _frame_html(self.services, "Services")
            + _frame_html(self.by_agency, "Agencies")
        )

    def section(self) -> str:
        """This result as a section (HTML) of a catalogue report."""
        return "<section><h3>Length and yearly burden</h3>" + self._repr_html_() + "</section>"


@attrs.frozen
class Priorities:
    """:meth:`Catalog.prioritize`: services ranked by the burden a redesign removes per year.

    Attributes
    ----------
    by : str
        The yearly burden ranked by (``"visits"``, ``"hours"``, ``"documents"``, ``"days"``).
    frame : pandas.DataFrame
        One row per service, ranked services first (index ``id``): ``rank`` (``None`` for a
        service that cannot be ranked, with its ``reason``), ``title``, ``agency``,
        ``frequency``, ``process_from`` (the level of the process redesigned); for each of
        :data:`SAVINGS`: ``<m>_as_is``, ``<m>_to_be`` and ``<m>_saved`` per case and
        ``<m>_removed`` per year (frequency × saved), and ``<m>_proposals``, the applied
        proposals that change it; ``proposals`` (every applied proposal, as ``heuristic
        step-ids (step names)``); the effort: ``agencies_to_integrate`` (the agencies the
        e-inquiries ask), ``links`` (the e-inquiry links to build, ``asking → asked``),
        ``legal_review`` (applied proposals changing a step that has a legal basis),
        ``effort`` (the number of those three together) and ``blocked_by_law`` (proposals
        not applied because they need a change in the law: not in the to-be, not in the
        effort).
    """

    by: str
    frame: pd.DataFrame = attrs.field(eq=False)

    def to_frame(self) -> pd.DataFrame:
        """The ranked table (a copy)."""
        return self.frame.copy()

    @property
    def order(self) -> tuple[str, ...]:
        """The ids of the ranked services, best first."""
        ranked = self.frame[self.frame["rank"].notna()]
        return tuple(ranked.index)

    def chart(self) -> str:
        """An SVG scatter of the yearly burden removed (up) against the effort (right), one
        labelled point per ranked service."""
        ranked = self.frame[self.frame["rank"].notna()]
        points = [
            (str(i), float(r["effort"]), float(r[f"{self.by}_removed"]))
            for i, r in ranked.iterrows()
        ]
        return _scatter(points, f"{self.by} removed per year", "effort (agencies, links, law)")

    def _repr_html_(self) -> str:
        return self.chart() + _frame_html(self.frame, f"Priorities (by {self.by} per year)")

    def section(self) -> str:
        """This result as a section (HTML) of a catalogue report."""
        return "<section><h3>Where to start</h3>" + self._repr_html_() + "</section>"


@attrs.frozen
class DeclaredVsObserved:
    """:meth:`Catalog.declared_vs_observed`: where a card's figures differ from the log.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per service and figure (``visits``, ``steps``, ``time_days``): ``declared``
        and ``declared_level`` (the card; for steps the step table or model), ``observed``
        (the log: mean visits and steps per case, mean case duration in days),
        ``difference`` (observed minus declared), ``relative`` (over the declared value) and
        ``beyond`` (beyond :data:`DECLARED_TOLERANCE`; ``None`` when either side is unknown,
        with ``note`` saying which).
    """

    frame: pd.DataFrame = attrs.field(eq=False)

    def to_frame(self) -> pd.DataFrame:
        """The table (a copy)."""
        return self.frame.copy()

    def _repr_html_(self) -> str:
        return _frame_html(self.frame, "Declared versus observed")

    def section(self) -> str:
        """This result as a section (HTML) of a catalogue report."""
        return "<section><h3>Declared versus observed</h3>" + self._repr_html_() + "</section>"


def _scatter(points: Sequence[tuple[str, float, float]], y_title: str, x_title: str) -> str:
    """A small SVG scatter plot with labelled points (no plotting library needed)."""
    import html

    width, height, pad = 480, 320, 48
    xs = [x for _, x, _ in points] or [0.0]
    ys = [y for _, _, y in points] or [0.0]
    x_top, y_top = max(max(xs), 1.0), max(max(ys), 1.0)

    def at(x: float, y: float) -> tuple[float, float]:
        return (
            pad + (width - 2 * pad) * x / x_top,
            height - pad - (height - 2 * pad) * max(y, 0.0) / y_top,
        )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'stroke="#333"/>',
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#333"/>',
        f'<text x="{width / 2}" y="{height - 12}" text-anchor="middle">'
        f"{html.escape(x_title)} (0–{x_top:g})</text>",
        f'<text x="14" y="{height / 2}" text-anchor="middle" '
        f'transform="rotate(-90 14 {height / 2})">{html.escape(y_title)} (0–{y_top:g})</text>',
    ]
    for label, x, y in points:
        cx, cy = at(x, y)
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="#1f77b4"/>')
        parts.append(f'<text x="{cx + 6:.1f}" y="{cy - 6:.1f}">{html.escape(label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _bars(bars: Sequence[tuple[str, float | None, str]], title: str) -> str:
    """A small horizontal SVG bar chart; an unknown value has no bar and says so."""
    import html

    known = [v for _, v, _ in bars if v is not None and v == v]
    top = max([*known, 1.0])
    label_width, bar_width, line = 220, 300, 20
    height = line * (len(bars) + 2)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + bar_width + 140}" '
        f'height="{height}" font-family="sans-serif" font-size="11">',
        f'<text x="0" y="{line - 6}">{html.escape(title)}</text>',
    ]
    for i, (label, value, covers) in enumerate(bars, start=1):
        y = line * i + 4
        parts.append(f'<text x="0" y="{y + 11}">{html.escape(label[:36])}</text>')
        if value is None or value != value:
            parts.append(f'<text x="{label_width}" y="{y + 11}">unknown ({covers})</text>')
            continue
        width = bar_width * value / top
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{width:.1f}" height="{line - 6}" '
            'fill="#1f77b4"/>'
        )
        parts.append(
            f'<text x="{label_width + width + 4:.1f}" y="{y + 11}">{value:,.0f} '
            f"({html.escape(covers)})</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


# -- length ----------------------------------------------------------------------------------


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() / 3600


def _days(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() / 86400


def _figures(length: Length | None) -> dict[str, float | None]:
    """A measured length's figures per case (:data:`FIGURES`)."""
    if length is None:
        return dict.fromkeys(FIGURES)
    return {
        "steps": length.steps,
        "visits": length.visits,
        "handoffs": length.handoffs,
        "agencies": length.agencies,
        "documents": length.documents,
        "cycle_time_days": _days(length.cycle_time_mean),
        "citizen_hours": _hours(length.burden),
    }


def _card_figures(card: ServiceCard | None) -> dict[str, float | None]:
    """The figures a card declares; the burden after the Standard Cost Model as
    :func:`bpr.measure` computes it (visits × (travel + queue) + documents × obtain)."""
    from bpr.measure import OBTAIN, QUEUE, TRAVEL

    figures: dict[str, float | None] = dict.fromkeys(FIGURES)
    if card is None:
        return figures
    documents = None if card.documents is None else float(len(card.documents))
    figures.update(visits=card.visits, documents=documents, cycle_time_days=card.time_days)
    if card.agency is not None and card.depends_on is not None:
        figures["agencies"] = float(len({card.agency, *card.depends_on}))
    if card.visits is not None and documents is not None:
        figures["citizen_hours"] = _hours(card.visits * (TRAVEL + QUEUE) + documents * OBTAIN)
    return figures


def _evidence(catalog: Catalog, service: Service) -> list[tuple[str, dict[str, float | None]]]:
    """The levels of evidence there are for a service, strongest first, with their figures."""
    levels = []
    if service.id in catalog.log_files or service.log is not None:
        levels.append(("log", _figures(catalog.observed(service.id))))
    if service.process is not None and service.process_from != "log":
        levels.append((service.process_from or "model", _figures(catalog.modelled(service.id))))
    if service.process is not None and service.process_from == "log" and not levels:
        levels.append(("log", _figures(catalog.modelled(service.id))))
    levels.append(("card", _card_figures(service.card)))
    return levels


def _service_row(catalog: Catalog, service: Service) -> dict[str, Any]:
    card = service.card
    frequency = None if card is None else card.frequency
    row: dict[str, Any] = {
        "id": service.id,
        "title": service.title,
        "agency": service.agency,
        "frequency": frequency,
    }
    levels = _evidence(catalog, service)
    for figure in FIGURES:
        value, level = next(
            ((f[figure], lv) for lv, f in levels if f[figure] is not None), (None, None)
        )
        row[figure], row[f"{figure}_level"] = value, level
    for name, figure in YEARLY.items():
        per_case = row[figure]
        row[f"{name}_per_year"] = (
            None if frequency is None or per_case is None else frequency * per_case
        )
    for stage in STAGES:
        row[stage], row[f"{stage}_level"] = _stage(service, stage)
    return row


def _stage(service: Service, stage: str) -> tuple[bool | None, str | None]:
    """Whether a stage is electronic: the card's word, else what the steps' channels say."""
    declared = None if service.card is None else getattr(service.card, stage)
    if declared is not None:
        return declared, "card"
    if service.process is None:
        return None, None
    derived = _STAGE_RULES[stage](service.process.steps)
    return derived, None if derived is None else service.process_from


def _electronic(steps: Sequence[Step], offline: Any) -> bool | None:
    """``False`` when a step is known to be offline, ``True`` when every one is online,
    else (no such step, or one unknown) unknown."""
    from bpr._steps import is_online

    if not steps:
        return None
    if any(offline(s) for s in steps):
        return False
    return True if all(is_online(s) for s in steps) else None


def _request(steps: Sequence[Step]) -> bool | None:
    from bpr._steps import presence
    from bpr.model import StepKind

    return _electronic([s for s in steps if s.kind is StepKind.SUBMIT], lambda s: presence(s))


def _informing(steps: Sequence[Step]) -> bool | None:
    from bpr._steps import presence
    from bpr.model import Channel, StepKind

    notices = [s for s in steps if s.kind is StepKind.NOTIFY]
    return _electronic(notices, lambda s: presence(s) or s.channel is Channel.MAIL)


def _production(steps: Sequence[Step]) -> bool | None:
    from bpr._steps import is_paper_inquiry, presence
    from bpr.model import StepKind

    if any(is_paper_inquiry(s) for s in steps):
        return False
    issues = [s for s in steps if s.kind is StepKind.ISSUE]
    if any(s.kind is None for s in steps):
        return False if any(presence(s) for s in issues) else None
    return _electronic(issues, lambda s: presence(s))


_STAGE_RULES = {"informing": _informing, "request": _request, "production": _production}


def _catalog_length(catalog: Catalog) -> CatalogLength:
    import pandas as pd

    rows = [_service_row(catalog, s) for s in catalog.services]
    services = pd.DataFrame(rows, columns=_length_columns()).set_index("id")
    for figure in (*FIGURES, "frequency", *(f"{n}_per_year" for n in YEARLY)):
        services[figure] = pd.to_numeric(services[figure]).astype(float)
    return CatalogLength(services=services, by_agency=_by_agency(services))


def _length_columns() -> list[str]:
    columns = ["id", "title", "agency", "frequency"]
    for figure in FIGURES:
        columns += [figure, f"{figure}_level"]
    columns += [f"{n}_per_year" for n in YEARLY]
    for stage in STAGES:
        columns += [stage, f"{stage}_level"]
    return columns


def _by_agency(services: pd.DataFrame) -> pd.DataFrame:
    """Totals per agency over the services that know each figure, with how many those are."""
    import pandas as pd

    rows = []
    for agency, group in services.groupby("agency", dropna=False, sort=True):
        row: dict[str, Any] = {"agency": None if pd.isna(agency) else agency}
        row["services"] = len(group)
        for name in YEARLY:
            known = group[f"{name}_per_year"].dropna()
            row[f"{name}_per_year"] = float(known.sum()) if len(known) else None
            row[f"{name}_per_year_services"] = len(known)
        rows.append(row)
    columns = ["agency", "services"]
    for name in YEARLY:
        columns += [f"{name}_per_year", f"{name}_per_year_services"]
    return pd.DataFrame(rows, columns=columns).set_index("agency")


# -- priorities ------------------------------------------------------------------------------


def _measure_by(objectives: Mapping[str, float] | None, by: str | None) -> str:
    """The yearly burden to rank by: ``by``, else the heaviest objective's, else visits."""
    if by is not None:
        if by not in SAVINGS:
            raise CatalogError(f"prioritize(by={by!r}): rank by one of {', '.join(SAVINGS)}")
        return by
    weighed = [(w, m) for m, w in (objectives or {}).items() if m in _OBJECTIVE_MEASURE]
    if not weighed:
        return "visits"
    return _OBJECTIVE_MEASURE[
        max(weighed, key=lambda wm: (wm[0], -SAVINGS.index(_OBJECTIVE_MEASURE[wm[1]])))[1]
    ]


def _per_case(length: Length) -> dict[str, float | None]:
    return {
        "visits": length.visits,
        "hours": _hours(length.burden),
        "documents": length.documents,
        "days": length.days,
    }


# Which metrics of a proposal's impact change each saving.
_IMPACTS = {
    "visits": ("visits",),
    "hours": ("visits", "documents"),
    "documents": ("documents",),
    "days": ("cycle_time", "steps", "visits"),
}


def _proposal_name(proposal: Proposal) -> str:
    return f"{proposal.heuristic} {'+'.join(proposal.step_ids)} ({'; '.join(proposal.targets)})"


def _effort(result: Redesign) -> dict[str, Any]:
    """What the to-be takes: agencies to integrate and links for its e-inquiries, the
    applied changes to steps with a legal basis, and what the law blocks."""
    asked: set[str] = set()
    links: set[str] = set()
    for proposal in result.plan:
        if proposal.heuristic != "e_inquiry":
            continue
        # The evidence names the producing agency first, then the asking one.
        agencies = [e.value for e in proposal.evidence if e.field == "agency"]
        if len(agencies) >= 2:
            asked.add(str(agencies[0]))
            links.add(f"{agencies[1]} → {agencies[0]}")
    legal_steps = {s.id for s in result.as_is.steps if s.legal_basis}
    legal = [_proposal_name(p) for p in result.plan if legal_steps & set(p.step_ids)]
    blocked = [_proposal_name(p) for p in result.proposals if p.not_applied == "legal_change"]
    return {
        "agencies_to_integrate": "; ".join(sorted(asked)),
        "links": "; ".join(sorted(links)),
        "legal_review": "; ".join(legal),
        "effort": len(asked) + len(links) + len(legal),
        "blocked_by_law": "; ".join(blocked),
    }


def _priority_row(
    catalog: Catalog, service: Service, objectives: Any, constraints: Any
) -> dict[str, Any]:
    from bpr.measure import measure
    from bpr.redesign import redesign

    card = service.card
    frequency = None if card is None else card.frequency
    row: dict[str, Any] = {
        "id": service.id,
        "title": service.title,
        "agency": service.agency,
        "frequency": frequency,
        "process_from": service.process_from,
    }
    if service.process is None:
        row["reason"] = "no process: give a step table, a model or a log"
        return row
    try:
        result = redesign(service.process, objectives=objectives, constraints=constraints)
    except ModelError as error:
        # One service whose process cannot be redesigned does not stop the catalogue.
        row["reason"] = f"not redesigned: {error}"
        return row
    before = _per_case(catalog.modelled(service.id) or measure(service.process))
    after = _per_case(measure(result.to_be))
    for m in SAVINGS:
        saved = None if before[m] is None or after[m] is None else before[m] - after[m]
        row[f"{m}_as_is"], row[f"{m}_to_be"], row[f"{m}_saved"] = before[m], after[m], saved
        row[f"{m}_removed"] = None if saved is None or frequency is None else frequency * saved
        changing = [p for p in result.plan if any(p.impact.get(k) for k in _IMPACTS[m])]
        row[f"{m}_proposals"] = "; ".join(_proposal_name(p) for p in changing)
    row["proposals"] = "; ".join(_proposal_name(p) for p in result.plan)
    row.update(_effort(result))
    if frequency is None:
        row["reason"] = "frequency unknown: give the card's yearly frequency"
    return row


def _priority_columns() -> list[str]:
    columns = ["id", "rank", "title", "agency", "frequency", "process_from"]
    for m in SAVINGS:
        columns += [f"{m}_as_is", f"{m}_to_be", f"{m}_saved", f"{m}_removed", f"{m}_proposals"]
    return [
        *columns,
        "proposals",
        "agencies_to_integrate",
        "links",
        "legal_review",
        "effort",
        "blocked_by_law",
        "reason",
    ]


def _priorities(catalog: Catalog, objectives: Any, constraints: Any, by: str | None) -> Priorities:
    import pandas as pd

    measure_by = _measure_by(objectives, by)
    rows = [_priority_row(catalog, s, objectives, constraints) for s in catalog.services]
    for row in rows:
        if row.get("reason") is None and row[f"{measure_by}_removed"] is None:
            row["reason"] = f"the {measure_by} saved per case is unknown"
    ranked = sorted(
        (r for r in rows if r.get("reason") is None),
        key=lambda r: (-r[f"{measure_by}_removed"], r["effort"], r["id"]),
    )
    for rank, row in enumerate(ranked, start=1):
        row["rank"] = rank
    rest = [r for r in rows if r.get("reason") is not None]
    frame = pd.DataFrame([*ranked, *rest], columns=_priority_columns()).set_index("id")
    frame["rank"] = frame["rank"].astype("Int64")
    frame["effort"] = frame["effort"].astype("Int64")
    return Priorities(by=measure_by, frame=frame)


# -- declared versus observed ----------------------------------------------------------------


def _compared(figure: str, declared: float | None, observed: float | None) -> dict[str, Any]:
    if declared is None or observed is None:
        side = "declared" if declared is None else "observed"
        return {"difference": None, "relative": None, "beyond": None, "note": f"{side} unknown"}
    difference = observed - declared
    relative = difference / declared if declared else None
    how, limit = DECLARED_TOLERANCE[figure]
    if how == "absolute":
        beyond = abs(difference) > limit
    else:
        beyond = abs(difference) > limit * abs(declared) if declared else difference != 0
    return {"difference": difference, "relative": relative, "beyond": beyond, "note": None}


def _declared_vs_observed(catalog: Catalog) -> DeclaredVsObserved:
    import pandas as pd

    rows = []
    for service in catalog.services:
        observed = catalog.observed(service.id)
        if service.card is None or observed is None:
            continue
        documented = service.process_from in ("steps", "model")
        steps = catalog.modelled(service.id).steps if documented else None  # type: ignore[union-attr]
        pairs = {
            "visits": (service.card.visits, "card", observed.visits),
            "steps": (steps, service.process_from if documented else None, observed.steps),
            "time_days": (service.card.time_days, "card", _days(observed.cycle_time_mean)),
        }
        for figure, (declared, level, seen) in pairs.items():
            rows.append(
                {
                    "id": service.id,
                    "figure": figure,
                    "declared": declared,
                    "declared_level": level if declared is not None else None,
                    "observed": seen,
                    **_compared(figure, declared, seen),
                }
            )
    columns = ["id", "figure", "declared", "declared_level", "observed", "difference"]
    frame = pd.DataFrame(rows, columns=[*columns, "relative", "beyond", "note"])
    return DeclaredVsObserved(frame=frame.set_index(["id", "figure"]))


# -- card tables -----------------------------------------------------------------------------

#: The columns of a cards table (a card's fields, and the files of its evidence) and the
#: Persian headers understood for each. Headers are matched after normalisation (case, Arabic
#: letters, zero-width non-joiners and spaces do not matter).
CARD_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "id": ("شناسه خدمت", "شناسه", "کد خدمت"),
        "title": ("عنوان خدمت", "عنوان"),
        "title_fa": ("عنوان فارسی",),
        "agency": ("دستگاه", "دستگاه اجرایی", "دستگاه ارائه دهنده"),
        "process_title": ("عنوان فرایند",),
        "type": ("نوع خدمت", "نوع"),
        "recipients": ("گیرندگان خدمت", "مخاطبان"),
        "level": ("سطح", "سطح خدمت"),
        "life_event": ("رویداد زندگی",),
        "trigger": ("رویداد آغازگر", "نحوه آغاز خدمت"),
        "documents": ("مدارک مورد نیاز", "مدارک"),
        "frequency": ("تواتر سالانه", "تعداد درخواست سالانه"),
        "visits": ("تعداد مراجعه حضوری", "مراجعه حضوری"),
        "cost": ("هزینه",),
        "currency": ("واحد پول",),
        "time_days": ("مدت زمان", "متوسط زمان ارائه", "مدت زمان روز"),
        "channels": ("شیوه دسترسی", "کانال های دسترسی"),
        "informing": ("مرحله اطلاع رسانی الکترونیکی", "اطلاع رسانی الکترونیکی"),
        "request": ("مرحله درخواست الکترونیکی", "درخواست الکترونیکی"),
        "production": ("مرحله تولید الکترونیکی", "تولید الکترونیکی"),
        "depends_on": ("دستگاه های وابسته", "استعلام از"),
        "registered": ("تاریخ ثبت",),
        "steps": ("جدول مراحل", "مراحل"),
        "model": ("مدل",),
        "log": ("لاگ", "رویدادنگار"),
    }
)
_FILE_COLUMNS = ("steps", "model", "log")
_NUMBERS = ("frequency", "visits", "cost", "time_days")
_LISTS = ("documents", "channels", "depends_on")
_FLAGS = ("informing", "request", "production")
_YES = frozenset({"yes", "y", "true", "1", "بله", "بلی", "آری", "دارد", "الکترونیکی"})
_NO = frozenset({"no", "n", "false", "0", "خیر", "ندارد", "غیرالکترونیکی", "غیر الکترونیکی"})
# An empty list (no documents, no channel, depends on no agency), as a cell says it.
_NONE = frozenset({"none", "-", "ندارد", "هیچ"})
_TYPES = {"دولت به شهروند": "G2C", "دولت به کسب و کار": "G2B", "دولت به دولت": "G2G"}
_LEVELS = {"ملی": "national", "استانی": "provincial", "شهرستانی": "city", "روستایی": "rural"}
# Persian decimal and thousands separators, and the list separators a card may use.
_DECIMAL = str.maketrans({"٫": ".", "٬": "", ",": ""})
_LIST_SPLIT = ("؛", "،", ";")


def _header_key(header: Any) -> str:
    from bpr.labels import normalize

    return normalize(str(header)).replace("_", " ").replace("-", " ").replace("‌", " ")


def _headers() -> dict[str, str]:
    known = {}
    for field, persian in CARD_COLUMNS.items():
        for name in (field, *persian):
            known[_header_key(name)] = field
    return known


def _blank(value: Any) -> bool:
    return (
        value is None or (isinstance(value, float) and value != value) or str(value).strip() == ""
    )


def _cell(field: str, raw: Any) -> Any:
    """A cell's value for a card field; raises ValueError with what is wrong."""
    from bpr.labels import to_latin_digits

    text = to_latin_digits(str(raw).strip())
    if field in _NUMBERS:
        return float(text.translate(_DECIMAL))
    if field in _LISTS:
        if text.casefold() in _NONE:
            return ()
        for mark in _LIST_SPLIT[:-1]:
            text = text.replace(mark, ";")
        return tuple(part.strip() for part in text.split(";") if part.strip())
    if field in _FLAGS:
        word = text.casefold()
        if word in _YES or word in _NO:
            return word in _YES
        raise ValueError(f"{raw!r} is not yes/no (yes, no, بله, خیر)")
    if field == "type":
        return _TYPES.get(text, text.upper())
    if field == "level":
        return _LEVELS.get(text, text.casefold())
    if field == "registered":
        return _date_cell(text)
    return str(raw).strip()


def _date_cell(text: str) -> _dt.date:
    """A Jalali date (year before 1700: ``1402/05/12``) or an ISO Gregorian one."""
    import re

    from bpr.calendar import CalendarError, jalali

    match = re.match(r"^(\d{4})[/\-.]", text)
    if match is None:
        raise ValueError(f"{text!r} is not a date; write YYYY/MM/DD (Jalali) or YYYY-MM-DD")
    if int(match.group(1)) < 1700:
        try:
            return jalali(text)
        except CalendarError as error:
            raise ValueError(str(error)) from None
    try:
        return _dt.date.fromisoformat(text.replace("/", "-")[:10])
    except ValueError:
        raise ValueError(f"{text!r} is not a date; write YYYY-MM-DD") from None


@attrs.frozen
class _CardRow:
    id: str
    card: ServiceCard | None
    row: int
    files: Mapping[str, str]


def _card_rows(frame: pd.DataFrame, where: str) -> list[_CardRow]:
    """The cards of a table (header row 1, cards from row 2), each with the files it names."""
    known = _headers()
    fields: dict[Any, str] = {}
    unknown = []
    for header in frame.columns:
        field = known.get(_header_key(header))
        if field is None:
            unknown.append(str(header))
        elif field in fields.values():
            raise CatalogError(f"{where}: two columns mean {field!r}; keep one")
        else:
            fields[header] = field
    if unknown:
        raise CatalogError(
            f"{where}: unknown column(s) {', '.join(repr(u) for u in unknown)}; the columns of "
            f"a cards table are {', '.join(CARD_COLUMNS)} (or their Persian headers, see "
            "bpr.catalog.CARD_COLUMNS)"
        )
    for needed in ("id", "title"):
        if needed not in fields.values():
            raise CatalogError(f"{where}: no {needed!r} column; every card needs an id and title")
    rows = []
    for number, cells in enumerate(frame.to_dict("records"), start=2):
        values = {f: cells[h] for h, f in fields.items() if not _blank(cells[h])}
        if not values:
            continue
        rows.append(_card_row(values, f"{where}, row {number}", number))
    return rows


def _card_row(values: dict[str, Any], where: str, number: int) -> _CardRow:
    parsed: dict[str, Any] = {}
    for field, raw in values.items():
        if field in _FILE_COLUMNS:
            continue
        try:
            parsed[field] = _cell(field, raw)
        except ValueError as error:
            raise CatalogError(f"{where}, column {field!r}: {error}") from None
    files = MappingProxyType({f: str(values[f]).strip() for f in _FILE_COLUMNS if f in values})
    if "id" not in parsed:
        raise CatalogError(f"{where}, column 'id': blank; every service needs an id")
    if set(parsed) == {"id"} and files:
        # A row that gives only an id and files is a service without a card.
        return _CardRow(parsed["id"], None, number, files)
    if "title" not in parsed:
        raise CatalogError(f"{where}, column 'title': blank; every card needs a title")
    service_id, title = parsed.pop("id"), parsed.pop("title")
    try:
        card = ServiceCard(service_id, title, **parsed)
    except CatalogError as error:
        raise CatalogError(f"{where}: {error}") from None
    return _CardRow(service_id, card, number, files)


def card_frame(cards: Iterable[ServiceCard]) -> pd.DataFrame:
    """Cards as a table with the English headers of :data:`CARD_COLUMNS` (no file columns):
    lists ``;``-separated (``none`` for an empty one), yes/no as ``yes``/``no``, dates ISO,
    unknown blank.

    Examples
    --------
    >>> card_frame([ServiceCard("S1", "Permit", documents=("ID", "Deed"), request=False)]
    ...            ).loc[0, ["id", "documents", "request", "visits"]].tolist()
    ['S1', 'ID; Deed', 'no', None]
    """
    import pandas as pd

    columns = [c for c in CARD_COLUMNS if c not in _FILE_COLUMNS]
    rows = []
    for card in cards:
        rows.append({c: _written(getattr(card, c)) for c in columns})
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _written(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return "; ".join(value) if value else "none"
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return value


# -- catalogue files -------------------------------------------------------------------------

#: Where :func:`read_catalog` looks for each kind of evidence in a catalogue folder, and the
#: suffixes it takes there (a file ``<service id><suffix>``).
FOLDERS: Mapping[str, tuple[str, tuple[str, ...]]] = MappingProxyType(
    {
        "steps": ("steps", (".csv", ".xlsx")),
        "model": ("models", (".json", ".bpmn")),
        "log": ("logs", (".csv", ".csv.gz", ".xes", ".xes.gz", ".parquet")),
    }
)


class CatalogWarning(UserWarning):
    """Something in a catalogue was not used: a file or sheet that matches no card."""


def _suffix(name: str, suffixes: Sequence[str]) -> str | None:
    lower = name.lower()
    return max((s for s in suffixes if lower.endswith(s)), key=len, default=None)


def _listed(base: Path) -> dict[str, dict[str, list[Path]]]:
    """The evidence files of a catalogue folder: kind → service id → files."""
    found: dict[str, dict[str, list[Path]]] = {}
    for kind, (folder, suffixes) in FOLDERS.items():
        found[kind] = {}
        if not (base / folder).is_dir():
            continue
        for path in sorted((base / folder).iterdir()):
            suffix = _suffix(path.name, suffixes) if path.is_file() else None
            key = path.name[: -len(suffix)] if suffix else f"\0{path.name}"
            found[kind].setdefault(key, []).append(path)
    return found


def read_catalog(
    source: str | os.PathLike[str],
    *,
    agencies: Iterable[str] | None = None,
    read: Mapping[str, Any] | None = None,
) -> Catalog:
    """Read a service catalogue: a cards table and the step tables, models and logs it has.

    Parameters
    ----------
    source : path
        A folder with ``cards.csv`` or ``cards.xlsx`` and, optionally, ``steps/<id>.csv|.xlsx``
        (step tables, :func:`bpr.read_steps`), ``models/<id>.json|.bpmn`` and
        ``logs/<id>.csv|.csv.gz|.xes|.xes.gz|.parquet``, matched to the cards by service id,
        and ``agencies.csv`` (one column: the known agencies); or a workbook (``.xlsx``) with
        a ``cards`` sheet, an optional ``agencies`` sheet and step tables in sheets named by
        service id; or a cards CSV alone. A card's ``steps``, ``model`` or ``log`` column may
        name a file (relative to the folder of the cards table) instead.
    agencies : iterable of str, optional
        The agencies a card may name (as offering the service or in ``depends_on``); by
        default those of the agencies table, if there is one, else any.
    read : mapping, optional
        Keyword arguments of :func:`bpr.read_log` for every service's log (for example
        ``{"timezone": "Asia/Tehran", "memory_limit": "1GB"}``).

    Returns
    -------
    Catalog
        Its services ordered by id; ``unmatched`` lists the files and sheets that match no
        card (a :class:`CatalogWarning` says so too).

    Raises
    ------
    CatalogError
        Naming the file, the row (the header is row 1) and the column: an unknown column, a
        duplicate service id, an unknown agency, an impossible value, a file a card names that
        does not exist, a service with both a step table and a model, a card declaring more
        visits than its process has steps at most; and any error reading a step table, model
        or log, with the service it belongs to.

    Notes
    -----
    Each log is read once, when the catalogue is: its process is discovered (when the service
    has no step table or model) and it is measured (:meth:`Catalog.observed`); the log itself
    is then let go, so that a catalogue of 600 services holds 600 sets of figures, never 600
    logs. ``Catalog.log_files`` says where the logs are.

    Examples
    --------
    >>> import pathlib, tempfile, pandas as pd
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"شناسه خدمت": ["S1"], "عنوان خدمت": ["صدور پروانه"],
    ...               "تعداد مراجعه حضوری": ["۲"], "تاریخ ثبت": ["1403/01/01"]}
    ...              ).to_csv(folder / "cards.csv", index=False)
    >>> card = read_catalog(folder).service("S1").card
    >>> card.visits, card.registered
    (2.0, datetime.date(2024, 3, 20))
    """
    path = Path(source)
    read = dict(read or {})
    if path.is_dir():
        return _read_folder(path, agencies, read)
    if not path.is_file():
        raise CatalogError(f"{path}: no such catalogue folder or cards table")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_workbook(path, agencies, read)
    cards = _read_cards_table(path)
    return _Assembly(path.parent, str(path), cards, agencies, {}, read=read).catalog()


def _read_cards_table(path: Path) -> pd.DataFrame:
    from bpr._tables import read_table
    from bpr.errors import AnnotationError

    try:
        return read_table(path, "cards")
    except AnnotationError as error:
        raise CatalogError(str(error)) from None


def _read_folder(folder: Path, agencies: Iterable[str] | None, read: dict[str, Any]) -> Catalog:
    tables = [folder / n for n in ("cards.csv", "cards.xlsx") if (folder / n).is_file()]
    if len(tables) != 1:
        raise CatalogError(
            f"{folder}: a catalogue folder has one cards table, cards.csv or cards.xlsx; "
            f"found {len(tables) or 'none'}"
        )
    known = agencies
    if known is None and (folder / "agencies.csv").is_file():
        table = _read_cards_table(folder / "agencies.csv")
        known = [str(v).strip() for v in table.iloc[:, 0] if not _blank(v)]
    cards = _read_cards_table(tables[0])
    return _Assembly(folder, str(tables[0]), cards, known, _listed(folder), read=read).catalog()


def _read_workbook(path: Path, agencies: Iterable[str] | None, read: dict[str, Any]) -> Catalog:
    import zipfile

    import pandas as pd

    try:
        sheets = pd.read_excel(
            path, sheet_name=None, dtype=str, keep_default_na=False, engine="openpyxl"
        )
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as error:
        raise CatalogError(f"{path}: not a readable Excel workbook ({error})") from None
    if "cards" not in sheets:
        raise CatalogError(
            f"{path}: no 'cards' sheet (sheets: {', '.join(sheets)}); name the sheet of "
            "service cards 'cards'"
        )
    cards = sheets.pop("cards")
    known = agencies
    table = sheets.pop("agencies", None)
    if known is None and table is not None:
        known = [str(v).strip() for v in table.iloc[:, 0] if not _blank(v)]
    where = f"{path}, sheet 'cards'"
    return _Assembly(path.parent, where, cards, known, {}, sheets, read=read).catalog()


class _Assembly:
    """Cards matched with their evidence, read into services one at a time."""

    def __init__(
        self,
        base: Path,
        where: str,
        cards: pd.DataFrame,
        agencies: Iterable[str] | None,
        listed: dict[str, dict[str, list[Path]]],
        sheets: Mapping[str, pd.DataFrame] | None = None,
        *,
        read: dict[str, Any] | None = None,
    ) -> None:
        self.base, self.where, self.listed = base, where, listed
        self.read = dict(read or {})
        self.sheets = dict(sheets or {})
        self.rows = _card_rows(cards, where)
        self.agencies = None if agencies is None else frozenset(agencies)
        self.observed: dict[str, Any] = {}
        self.log_files: dict[str, str] = {}
        self.used: set[Path] = set()

    def catalog(self) -> Catalog:
        self._check_ids()
        for row in self.rows:
            self._check_agencies(row)
        services = [self._service(row) for row in self.rows]
        unmatched = self._unmatched()
        if unmatched:
            warnings.warn(
                f"{self.where}: {len(unmatched)} file(s) or sheet(s) match no card and were "
                f"not read: {', '.join(unmatched)}; see Catalog.unmatched",
                CatalogWarning,
                stacklevel=3,
            )
        return Catalog(
            services,
            unmatched=unmatched,
            source=self.where,
            log_files=self.log_files,
            observed=self.observed,
        )

    def _check_ids(self) -> None:
        first: dict[str, int] = {}
        for row in self.rows:
            if row.id in first:
                raise CatalogError(
                    f"{self.where}, rows {first[row.id]} and {row.row}, column 'id': "
                    f"service id {row.id!r} appears twice; give every service its own id"
                )
            first[row.id] = row.row

    def _check_agencies(self, row: _CardRow) -> None:
        if self.agencies is None or row.card is None:
            return
        named = {"agency": (row.card.agency,), "depends_on": row.card.depends_on or ()}
        for column, values in named.items():
            unknown = [v for v in values if v is not None and v not in self.agencies]
            if unknown:
                raise CatalogError(
                    f"{self.where}, row {row.row}, column {column!r}: unknown agency "
                    f"{', '.join(repr(u) for u in unknown)}; the known agencies are "
                    f"{', '.join(sorted(self.agencies))}"
                )

    def _file(self, row: _CardRow, kind: str) -> Path | None:
        """The file of one kind of evidence for a card: the one it names, else the folder's."""
        if kind in row.files:
            path = self.base / row.files[kind]
            if not path.resolve().is_relative_to(self.base.resolve()):
                raise CatalogError(
                    f"{self.where}, row {row.row}, column {kind!r}: {row.files[kind]!r} is "
                    f"outside the catalogue's folder {self.base}; put the file in it"
                )
            if not path.is_file():
                raise CatalogError(
                    f"{self.where}, row {row.row}, column {kind!r}: no file {row.files[kind]!r} "
                    f"in {self.base}; correct the name or put the file there"
                )
            self.used.add(path)
            return path
        found = self.listed.get(kind, {}).get(row.id, [])
        if len(found) > 1:
            raise CatalogError(
                f"service {row.id!r} (row {row.row}): several {kind} files "
                f"({', '.join(p.name for p in found)}); keep one"
            )
        if found:
            self.used.add(found[0])
            return found[0]
        return None

    def _service(self, row: _CardRow) -> Service:
        steps, model, log = (self._file(row, k) for k in ("steps", "model", "log"))
        sheet = self.sheets.pop(row.id, None)
        if sum(x is not None for x in (steps, model, sheet)) > 1:
            raise CatalogError(
                f"{self.where}, row {row.row}: service {row.id!r} has both a step table and a "
                "model; give one of them (the other is not read)"
            )
        title = row.id if row.card is None else row.card.title
        process, process_from = None, None
        with self._about(row, steps or model or f"sheet {row.id!r}"):
            if steps is not None or sheet is not None:
                from bpr.step_table import read_steps

                table = steps if sheet is None else sheet
                process, process_from = read_steps(table, name=title), "steps"
            elif model is not None:
                process, process_from = _read_model(model), "model"
        if log is not None:
            with self._about(row, log):
                process, process_from = self._log(row.id, log, process, process_from, title)
        service = Service(row.id, card=row.card, process=process, process_from=process_from)
        self._check_visits(row, service)
        return service

    def _log(
        self, id: str, path: Path, process: Any, process_from: str | None, title: str
    ) -> tuple[Any, str | None]:
        from bpr.log import read_log
        from bpr.measure import measure

        # A warning about a log (a model that does not reproduce it, a repair) must say which
        # of the catalogue's services it is about.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            log = read_log(path, **self.read)
            if process is None:
                from bpr.discover import discover

                process, process_from = discover(log, name=title), "log"
            self.observed[id] = measure(log)
        for warning in caught:
            warnings.warn(
                f"service {id} ({path.name}): {warning.message}", warning.category, stacklevel=2
            )
        self.log_files[id] = str(path)
        return process, process_from

    def _check_visits(self, row: _CardRow, service: Service) -> None:
        if service.process is None or row.card is None or row.card.visits is None:
            return
        from bpr.measure import measure

        length = measure(service.process)
        self.observed[f"process:{service.id}"] = length
        if length.steps_max is not None and row.card.visits > length.steps_max:
            raise CatalogError(
                f"{self.where}, row {row.row}, column 'visits': {row.card.visits:g} visits, but "
                f"the process of service {service.id!r} ({service.process_from}) has at most "
                f"{length.steps_max} steps; correct the card or the process"
            )

    @contextlib.contextmanager
    def _about(self, row: _CardRow, what: Any) -> Iterator[None]:
        from bpr.errors import BprError

        try:
            yield
        except CatalogError:
            raise
        except BprError as error:
            raise CatalogError(
                f"service {row.id!r} ({self.where}, row {row.row}), {what}: {error}"
            ) from error

    def _unmatched(self) -> tuple[str, ...]:
        files = [
            str(p)
            for kinds in self.listed.values()
            for paths in kinds.values()
            for p in paths
            if p not in self.used
        ]
        return (*files, *(f"sheet {name!r}" for name in sorted(self.sheets)))


def _read_model(path: Path) -> ServiceProcess:
    if path.suffix.lower() == ".bpmn":
        from bpr.bpmn import read_bpmn

        return read_bpmn(path)
    from bpr.serialize import read_process

    return read_process(path)


def write_catalog(catalog: Catalog, path: str | os.PathLike[str]) -> Path:
    """Write ``catalog`` so that :func:`read_catalog` reads it back: a folder, or a workbook.

    A folder (any path not ending in ``.xlsx``; made if missing) gets ``cards.csv`` (English
    headers, a blank cell for every unknown field), ``steps/<id>.csv`` for a process read from
    a step table, ``models/<id>.json`` for one read from a model, and ``logs/<id>...`` for each
    log (the file the catalogue was read from, copied; a log given in memory as CSV). A
    service without a card is a row with only its id and its files. A workbook (``.xlsx``)
    holds the ``cards`` sheet and a step table sheet per service with one; it cannot hold a
    model or a log. An empty card table is the template to fill in.

    Returns
    -------
    pathlib.Path
        The folder or workbook.

    Raises
    ------
    CatalogError
        When a workbook is asked for a catalogue with models or logs (name a folder).
    OutputError
        When a file cannot be written.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> c = Catalog([Service("S1", card=ServiceCard("S1", "Permit", visits=2, frequency=50))])
    >>> folder = write_catalog(c, pathlib.Path(tempfile.mkdtemp()) / "province")
    >>> read_catalog(folder).services == c.services
    True
    """
    target = Path(path)
    if target.suffix.lower() in (".xlsx", ".xlsm"):
        return _write_workbook(catalog, target)
    return _write_folder(catalog, target)


def _cards_table(catalog: Catalog, files: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    frame = card_frame([s.card for s in catalog.services if s.card is not None])
    rows = []
    cards = iter(frame.to_dict("records"))
    for service in catalog.services:
        row = next(cards) if service.card is not None else {"id": service.id}
        rows.append({**row, **files.get(service.id, {})})
    import pandas as pd

    kinds = [k for k in _FILE_COLUMNS if any(k in f for f in files.values())]
    return pd.DataFrame(rows, columns=[*frame.columns, *kinds], dtype=object)


def _write_folder(catalog: Catalog, folder: Path) -> Path:
    from bpr._files import write_file
    from bpr._tables import table_bytes

    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict[str, str]] = {}
    for service in catalog.services:
        for name, data in _evidence_files(catalog, service).items():
            (folder / name).parent.mkdir(exist_ok=True)
            write_file(folder / name, data)
            if service.card is None:
                # A service without a card is found by the files its row names.
                kind = {"steps": "steps", "models": "model", "logs": "log"}[name.split("/")[0]]
                files.setdefault(service.id, {})[kind] = name
    cards = _cards_table(catalog, files)
    write_file(folder / "cards.csv", table_bytes(cards, ".csv"))
    return folder


def _evidence_files(catalog: Catalog, service: Service) -> dict[str, bytes | str]:
    """The files a service's evidence is written to, by name in the catalogue folder."""
    out: dict[str, bytes | str] = {}
    if service.process_from == "steps":
        from bpr._tables import table_bytes
        from bpr.step_table import step_frame

        table = step_frame(service.process)  # type: ignore[arg-type]
        out[f"steps/{service.id}.csv"] = table_bytes(table, ".csv")
    elif service.process_from == "model":
        from bpr.serialize import write_process

        out[f"models/{service.id}.json"] = write_process(service.process)  # type: ignore[arg-type]
    log_file = catalog.log_files.get(service.id)
    if log_file is not None:
        suffix = _suffix(log_file, FOLDERS["log"][1]) or Path(log_file).suffix
        out[f"logs/{service.id}{suffix}"] = Path(log_file).read_bytes()
    elif service.log is not None:
        from bpr._files import csv_text

        out[f"logs/{service.id}.csv"] = csv_text(service.log.to_pandas())
    return out


def _write_workbook(catalog: Catalog, path: Path) -> Path:
    from bpr._files import write_file

    cannot = [
        s.id
        for s in catalog.services
        if s.process_from in ("model", "log") or s.id in catalog.log_files or s.log is not None
    ]
    if cannot:
        raise CatalogError(
            f"{path}: a workbook holds cards and step tables, not the models or logs of "
            f"{', '.join(cannot)}; write the catalogue to a folder"
        )
    sheets = {"cards": _cards_table(catalog, {})}
    from bpr.step_table import step_frame

    for service in catalog.services:
        if service.process_from == "steps":
            sheets[service.id] = step_frame(service.process)  # type: ignore[arg-type]
    write_file(path, _sheets_bytes(sheets))
    return path


def _sheets_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """A workbook of several sheets, every text a string cell, the same bytes every time."""
    import io

    from openpyxl import Workbook

    from bpr._tables import _FIXED, _fixed_zip

    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append([str(c) for c in frame.columns])
        for values in frame.itertuples(index=False):
            sheet.append([None if _blank(v) else v for v in values])
        for row in sheet.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # a label, never a formula
    book.properties.creator = "bpr"
    book.properties.created = book.properties.modified = _FIXED
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue())
