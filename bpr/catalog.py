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

import datetime as _dt
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from bpr.errors import CatalogError
from bpr.model import ServiceProcess

if TYPE_CHECKING:
    import pandas as pd

    from bpr.log import EventLog
    from bpr.measure import Length
    from bpr.model import Step
    from bpr.redesign import Proposal, Redesign

__all__ = [
    "LEVELS",
    "PROCESS_FROM",
    "SERVICE_LEVELS",
    "SERVICE_TYPES",
    "Catalog",
    "Service",
    "ServiceCard",
]

SERVICE_TYPES = ("G2C", "G2B", "G2G")
SERVICE_LEVELS = ("national", "provincial", "city", "rural")
PROCESS_FROM = ("steps", "model", "log")
# The levels of evidence, weakest first: a figure is taken from the strongest one there is.
LEVELS = ("card", "steps", "model", "log")


def _fail(card_id: Any, field: str, problem: str) -> CatalogError:
    return CatalogError(f"service {card_id!r}: {field} {problem}")


def _number(kind: str) -> Any:
    """A converter and check of a non-negative number field (None stays unknown)."""

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
    frequency: float | None = attrs.field(
        default=None,
        converter=_float_or_error,
        validator=[_checked_numbers, _number("cases per year")],
        kw_only=True,
    )
    visits: float | None = attrs.field(
        default=None,
        converter=_float_or_error,
        validator=[_checked_numbers, _number("visits")],
        kw_only=True,
    )
    cost: float | None = attrs.field(
        default=None,
        converter=_float_or_error,
        validator=[_checked_numbers, _number("currency units")],
        kw_only=True,
    )
    currency: str | None = attrs.field(default=None, kw_only=True)
    time_days: float | None = attrs.field(
        default=None,
        converter=_float_or_error,
        validator=[_checked_numbers, _number("days")],
        kw_only=True,
    )
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

    def _repr_html_(self) -> str:
        return _frame_html(self.services, "Services") + _frame_html(self.by_agency, "Agencies")

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
    result = redesign(service.process, objectives=objectives, constraints=constraints)
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
