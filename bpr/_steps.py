"""What a step's typed fields say about the citizen, read three ways: yes, no or unknown.

Measuring, simulating and redesigning all ask the same questions of a step: must the citizen
be at an office, does the citizen take part at all, is it an inquiry the citizen carries on
paper, where is the office. A field nobody gave is unknown (``None``), and so is every answer
that needs it; an answer is known only where the fields that decide it are known. One field
can answer for another only where it says so positively: a step done in person needs the
citizen there, one done on the web or by the back office does not.

Examples
--------
>>> from bpr.model import Step
>>> presence(Step("a", "Apply"))  # nothing known: unknown
>>> presence(Step("a", "Apply", channel="web"))
False
>>> is_citizen_facing(Step("r", "Review", actor="back_office"))
False
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

import attrs

from bpr.model import Actor, Channel, Step, StepKind

__all__ = [
    "COUNTER_OFFICE",
    "ONLINE_CHANNELS",
    "PRESENT_CHANNELS",
    "SYSTEM_DURATION",
    "SYSTEM_NOTE",
    "TYPED_METRICS",
    "Missing",
    "at_counter_office",
    "day_floor",
    "is_citizen_facing",
    "is_online",
    "is_paper_inquiry",
    "lacking",
    "missing",
    "presence",
    "system_seconds",
    "visit_place",
]

#: Channels through which a citizen completes a step without going anywhere.
ONLINE_CHANNELS = frozenset({Channel.WEB, Channel.MOBILE, Channel.IVR, Channel.SMS})
#: Channels that need the citizen at an office.
PRESENT_CHANNELS = frozenset({Channel.IN_PERSON, Channel.COUNTER_OFFICE})
_CITIZEN_CHANNELS = ONLINE_CHANNELS | PRESENT_CHANNELS
#: The place of every step done at a counter office: any of them is one place near home.
COUNTER_OFFICE = "counter office"
#: A system step takes this long when nobody said otherwise: a machine call, not a person's
#: work.
SYSTEM_DURATION = timedelta(seconds=1)
#: The assumption a measure or a simulation states when it gives a system step that time.
SYSTEM_NOTE = f"system steps take {SYSTEM_DURATION.total_seconds():g} s"
# Who works without the citizen in front of them.
_BEHIND_ACTORS = frozenset({Actor.BACK_OFFICE, Actor.SYSTEM, Actor.EXTERNAL_AGENCY})
# Channels the citizen does not work through: a letter by mail is received, not acted in.
_BEHIND_CHANNELS = frozenset({Channel.INTERNAL, Channel.SYSTEM, Channel.MAIL})


def presence(step: Step) -> bool | None:
    """Whether the citizen must be at an office for ``step``: ``citizen_present`` when known,
    else what the channel (in person or at a counter office: yes; any other: no) or the actor
    (back office, system, another agency: no) says, else unknown.

    >>> presence(Step("s", "Sign", channel="counter_office"))
    True
    >>> presence(Step("s", "Sign", actor="citizen")) is None  # at home or at the office?
    True
    """
    if step.citizen_present is not None:
        return step.citizen_present
    if step.channel is not None:
        return step.channel in PRESENT_CHANNELS
    if step.actor in _BEHIND_ACTORS:
        return False
    return None


def is_citizen_facing(step: Step) -> bool | None:
    """The citizen takes part in the step: present in person, acting, or using a public
    channel; ``False`` for work known to happen behind the counter; else unknown.

    >>> is_citizen_facing(Step("p", "Pay online", channel="web"))
    True
    >>> is_citizen_facing(Step("r", "Review", actor="back_office", channel="internal"))
    False
    >>> is_citizen_facing(Step("r", "Review")) is None
    True
    """
    if presence(step) or step.actor is Actor.CITIZEN or step.channel in _CITIZEN_CHANNELS:
        return True
    if step.actor in _BEHIND_ACTORS or step.channel in _BEHIND_CHANNELS:
        return False
    return None


def is_paper_inquiry(step: Step) -> bool | None:
    """An inquiry the citizen carries: present in person or acting on it; unknown when the
    kind is unknown, or when an inquiry's presence and actor are.

    >>> is_paper_inquiry(Step("t", "Toll clearance", kind="inquiry", citizen_present=True))
    True
    >>> is_paper_inquiry(Step("t", "Toll clearance", kind="verify"))
    False
    """
    if step.kind is None:
        return None
    if step.kind is not StepKind.INQUIRY:
        return False
    present = presence(step)
    if present or step.actor is Actor.CITIZEN:
        return True
    if present is False and step.actor is not None:
        return False
    return None


def at_counter_office(step: Step) -> bool:
    """The step is done at a counter office: the counter office does it, or the citizen
    comes through the counter-office channel (whatever agency the service belongs to).

    >>> at_counter_office(Step("s", "Submit", agency="Police", actor="counter_office"))
    True
    >>> at_counter_office(Step("s", "Submit", agency="Police", channel="in_person"))
    False
    """
    return step.channel is Channel.COUNTER_OFFICE or step.actor is Actor.COUNTER_OFFICE


def visit_place(step: Step) -> str | None:
    """Where the citizen goes for a citizen-present step: :data:`COUNTER_OFFICE` for a step
    done at a counter office (any of them counts as one place near home, a single window),
    otherwise the step's agency (``None``: unknown).

    A counter office taking a request for the Police is where the citizen goes, not the
    Police: that is the point of delegating to it.

    >>> visit_place(Step("s", "Submit", agency="Police", channel="counter_office"))
    'counter office'
    >>> police = Step("s", "Submit", agency="Police", channel="in_person")
    >>> visit_place(police), visit_place(attrs.evolve(police, actor="counter_office"))
    ('Police', 'counter office')
    """
    return COUNTER_OFFICE if at_counter_office(step) else step.agency


def is_online(step: Step) -> bool:
    """The citizen does the step through an online channel (web, mobile, IVR, SMS).

    >>> is_online(Step("p", "Pay", channel="web")), is_online(Step("p", "Pay"))
    (True, False)
    """
    return step.channel in ONLINE_CHANNELS


def system_seconds(step: Step) -> float:
    """Seconds a system step takes: its ``duration`` when given, else :data:`SYSTEM_DURATION`.

    >>> system_seconds(Step("c", "Check", actor="system"))
    1.0
    """
    return (SYSTEM_DURATION if step.duration is None else step.duration).total_seconds()


def day_floor(step: Step) -> float | None:
    """Doing Business minimum time of a step in days: 1 for a citizen-facing step, 0.5 online,
    0 behind the counter, unknown when whether the citizen takes part is.

    >>> day_floor(Step("p", "Pay", channel="web"))
    0.5
    >>> day_floor(Step("s", "Sign", channel="in_person"))
    1.0
    """
    facing = is_citizen_facing(step)
    if facing is None:
        return None
    if not facing:
        return 0.0
    return 0.5 if is_online(step) else 1.0


# -- what a metric needs ---------------------------------------------------------------------

#: The count metrics that need typed fields (the others need only the structure).
TYPED_METRICS = (
    "visits",
    "handoffs",
    "agencies",
    "documents",
    "inquiries",
    "paper_inquiries",
    "procedures",
    "days",
)


@attrs.frozen
class Missing:
    """Why a metric is unknown: the steps that lack the fields it needs.

    Attributes
    ----------
    fields : tuple of str
        The fields to give (annotation table columns), e.g. ``("citizen_present",)``.
    steps : tuple of str
        The names of the steps that lack them.
    of : int
        How many steps the metric looked at.
    """

    fields: tuple[str, ...]
    steps: tuple[str, ...]
    of: int

    def __str__(self) -> str:
        return (
            f"{' and '.join(self.fields)} unknown for {len(self.steps)} of {self.of} steps "
            f"(first: {self.steps[0]!r})"
        )


def lacking(metric: str, step: Step) -> tuple[str, ...]:
    """The fields ``step`` lacks for its part of ``metric`` (empty when it is known).

    >>> lacking("visits", Step("a", "Apply"))
    ('citizen_present',)
    >>> lacking("visits", Step("a", "Apply", citizen_present=True))
    ('agency',)
    >>> lacking("handoffs", Step("a", "Apply", agency="City", actor="citizen"))
    ()
    """
    if metric == "visits":
        present = presence(step)
        if present is None:
            return ("citizen_present",)
        return ("agency",) if present and visit_place(step) is None else ()
    if metric == "handoffs":
        return tuple(f for f in ("agency", "actor") if getattr(step, f) is None)
    if metric == "agencies":
        return ("agency",) if step.agency is None else ()
    if metric in ("inquiries", "paper_inquiries") and step.kind is None:
        return ("kind",)
    if metric == "paper_inquiries":
        return () if is_paper_inquiry(step) is not None else ("citizen_present",)
    facing = is_citizen_facing(step)
    if metric in ("procedures", "days", "documents") and facing is None:
        return ("citizen_present",)
    if metric == "documents" and facing and step.documents_in is None:
        return ("documents_in",)
    return ()


def missing(steps: Sequence[Step], metrics: Iterable[str] = TYPED_METRICS) -> dict[str, Missing]:
    """metric -> why it is unknown, for each of ``metrics`` that some of ``steps`` (the steps a
    case can run) lack a field for.

    >>> from bpr.model import Step
    >>> gaps = missing([Step("a", "Apply", agency="City"), Step("b", "Review")], ["agencies"])
    >>> str(gaps["agencies"])
    "agency unknown for 1 of 2 steps (first: 'Review')"
    """
    found = {}
    for metric in metrics:
        lacks = [(s.name, lacking(metric, s)) for s in steps]
        names = tuple(name for name, fields in lacks if fields)
        if names:
            fields = tuple(dict.fromkeys(f for _, fs in lacks for f in fs))
            found[metric] = Missing(fields, names, len(steps))
    return found
