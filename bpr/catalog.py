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
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from bpr.errors import CatalogError
from bpr.model import ServiceProcess

if TYPE_CHECKING:
    from bpr.log import EventLog

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
    """

    services: tuple[Service, ...] = attrs.field(converter=_services)
    unmatched: tuple[str, ...] = attrs.field(default=(), converter=tuple, kw_only=True)
    source: str | None = attrs.field(default=None, kw_only=True)

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
