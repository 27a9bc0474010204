"""Analyses of a whole catalogue: the inquiries to build, the steps to delegate, the parallel work.

A province does not re-engineer one service at a time: an electronic inquiry from agency A to
agency B, once built on the government network, serves every service that needs it; a
counter office takes front-office steps of many agencies; the same certificate issued at
three service points is parallel work to stop. These functions read a
:class:`~bpr.catalog.Catalog` and answer those questions across it. :class:`bpr.Catalog`'s
methods call them.

Every figure says where it came from (``level``: ``"card"``, ``"steps"``, ``"model"`` or
``"log"``, the evidence the service has). A yearly figure is a frequency (cases per year,
from the card) times a per-case figure; without the frequency it is unknown, and a total
says how many of its services it counts. Unknown is never 0.

Examples
--------
>>> from bpr.catalog import Catalog, Service, ServiceCard
>>> from bpr.model import ServiceProcess, Step
>>> fetch = Step("f", "Get tax clearance", kind="inquiry", actor="citizen", agency="Tax",
...              channel="in_person", citizen_present=True, documents_out="tax clearance",
...              duration=2 * 86400)
>>> submit = Step("s", "Submit", kind="submit", actor="front_office", agency="City",
...               channel="in_person", citizen_present=True, documents_in="tax clearance")
>>> service = Service("S1", card=ServiceCard("S1", "Permit", agency="City", frequency=100),
...                   process=ServiceProcess.from_blocks("Permit", fetch, submit),
...                   process_from="steps")
>>> links = inquiry_links(Catalog([service]))
>>> links.to_frame()[["asker", "provider", "visits_per_year", "days_per_year"]]
  asker provider  visits_per_year  days_per_year
0  City      Tax            100.0          200.0
>>> moved = delegation(Catalog([service])).to_frame()
>>> moved[["agency", "steps_moving", "visits_moved_per_year", "services_staying"]]
  agency  steps_moving  visits_moved_per_year  services_staying
0   City             1                  100.0                 0
1    Tax             0                    NaN                 1
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from bpr._steps import at_counter_office, presence
from bpr.heuristics import HEURISTICS
from bpr.labels import compare, normalize
from bpr.model import ServiceProcess, Step, StepKind

if TYPE_CHECKING:
    import pandas as pd

    from bpr.catalog import Catalog, Service

__all__ = [
    "Delegation",
    "InquiryLinks",
    "ParallelWork",
    "delegation",
    "inquiry_links",
    "parallel_work",
]

_DAY = 86400.0
# Two names whose token-sorted similarity is below this are not compared word by word: the
# cheap matrix of rapidfuzz keeps a province of hundreds of services to a few pairs.
_SHORTLIST = 60.0


def _level(service: Service) -> str:
    """The strongest evidence a service has for its steps."""
    return service.process_from or "card"


def _frequency(service: Service) -> float | None:
    return None if service.card is None else service.card.frequency


def _executions(process: ServiceProcess) -> dict[str, float]:
    """Expected executions of each step per case: a step in a branch taken by 30 % of the
    cases runs 0.3 times, one in a loop more than once (as :func:`bpr.measure` counts)."""
    from bpr._measure_model import _branch_probabilities, _parallel_blocks, _serialised, _step_chain

    notes: list[str] = []
    probabilities = _branch_probabilities(process, notes)
    serial = _serialised(probabilities, _parallel_blocks(process))
    chain = _step_chain(process, serial, notes)
    return {s.id: float(v) for s, v in zip(process.steps, chain.visits, strict=True)}


def _yearly(frequency: float | None, per_case: float | None) -> float:
    """frequency x per-case figure, NaN (unknown) when either is unknown."""
    if frequency is None or per_case is None:
        return math.nan
    return frequency * per_case


def _total(values: pd.Series) -> float:
    """The sum of the known values, NaN when none is known (never 0 for unknown)."""
    return float(values.sum()) if values.notna().any() else math.nan


def _html(title: str, note: str, frame: pd.DataFrame) -> str:
    return (
        f"<div><strong>{html.escape(title)}</strong><p>{html.escape(note)}</p>"
        f"{frame.to_html(index=False, na_rep='—')}</div>"
    )


# -- inquiry links ---------------------------------------------------------------------------

_NEED_COLUMNS = [
    "service",
    "asker",
    "provider",
    "documents",
    "step",
    "level",
    "frequency",
    "visits",
    "documents_carried",
    "days",
]


@attrs.frozen
class InquiryLinks:
    """The agency-to-agency e-inquiries a catalogue needs, ranked: the ones to build first.

    Attributes
    ----------
    links : pandas.DataFrame
        One row per link, best first: ``rank``, ``asker`` (the agency that needs the fact),
        ``provider`` (the agency that holds it), ``services`` (their ids), ``n_services``,
        ``cases_per_year`` (the known frequencies summed), the yearly ``visits_per_year``,
        ``documents_per_year`` and ``days_per_year`` the e-inquiry removes (each the sum over
        the services where frequency and per-case saving are known; NaN when none is),
        ``counted`` (how many services those sums cover) and ``levels`` (the evidence).
    needs : pandas.DataFrame
        One row per service and link: the step the citizen does today (``None`` for a card's
        ``depends_on``), the ``level``, the card's ``frequency`` and the per-case ``visits``,
        ``documents_carried`` and ``days`` the link saves (NaN: unknown).
    """

    links: pd.DataFrame
    needs: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The ranked links (a copy)."""
        return self.links.copy()

    def to_dot(self, label: Callable[[Any], str] | None = None) -> str:
        """The links as a Graphviz graph of agencies: an arrow from the asking agency to the
        providing one, as thick as the services that need it, labelled with its rank (or
        ``label(row)`` of its row of :attr:`links`: a page in another language)."""
        lines = [
            "digraph inquiries {",
            "  rankdir=LR;",
            '  node [shape=box, fontname="Vazirmatn"];',
        ]
        for row in self.links.itertuples():
            text = f"#{row.rank}: {row.n_services} services"
            if not math.isnan(row.visits_per_year):
                text += f", {row.visits_per_year:,.0f} visits/yr"
            width = 1 + min(row.n_services, 8)
            lines.append(
                f"  {_quote(row.asker)} -> {_quote(row.provider)} "
                f"[label={_quote(text if label is None else label(row))}, penwidth={width}];"
            )
        lines.append("}")
        return "\n".join(lines)

    def to_svg(self, engine: str = "auto", label: Callable[[Any], str] | None = None) -> str:
        """The graph of :meth:`to_dot` drawn as SVG, with the Graphviz :func:`bpr.render`
        uses (the WebAssembly one when there is no ``dot`` program)."""
        from bpr._graphviz import run_graphviz

        return run_graphviz(self.to_dot(label), engine).decode("utf-8")  # type: ignore[arg-type]

    def _repr_html_(self) -> str:
        return _html(
            "Inquiry links",
            "Agency-to-agency e-inquiries, the ones removing most citizen visits first.",
            self.links,
        )


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def inquiry_links(catalog: Catalog) -> InquiryLinks:
    """The agency-to-agency e-inquiries across ``catalog``, ranked by what they save.

    A link comes from a service's process where the citizen fetches a document from agency B
    in person and hands it in at agency A (what :data:`bpr.heuristics.HEURISTICS`
    ``["e_inquiry"]`` proposes to replace: the per-case saving is that step's visit, the
    documents carried and its time in days when the step has a duration), or, for a service
    with no process, from its card's ``depends_on`` (level ``"card"``: the per-case saving is
    unknown, its cases per year still count). A card whose production stage is electronic
    already asks electronically and adds no link. A step runs as often per case as the
    process's branch probabilities say (:func:`bpr.measure`'s expected executions).

    Parameters
    ----------
    catalog
        The catalogue.

    Returns
    -------
    InquiryLinks

    Examples
    --------
    >>> from bpr.catalog import Catalog, Service, ServiceCard
    >>> card = ServiceCard("S1", "Permit", agency="City", frequency=50, depends_on=["Tax"])
    >>> frame = inquiry_links(Catalog([Service("S1", card=card)])).to_frame()
    >>> frame[["provider", "cases_per_year", "levels"]]
      provider  cases_per_year levels
    0      Tax            50.0   card
    >>> math.isnan(frame.loc[0, "visits_per_year"])  # the card does not say
    True
    """
    import pandas as pd

    rows = [row for service in catalog.services for row in _needs(service)]
    needs = pd.DataFrame(rows, columns=_NEED_COLUMNS)
    return InquiryLinks(_rank_links(needs), needs)


def _needs(service: Service) -> Iterator[dict[str, Any]]:
    frequency = _frequency(service)
    if service.process is not None:
        yield from _process_needs(service, frequency)
        return
    card = service.card
    if card is None or not card.depends_on or card.production is True:
        return
    for provider in card.depends_on:
        if provider == card.agency:
            continue
        yield {
            "service": service.id,
            "asker": card.agency,
            "provider": provider,
            "documents": None,
            "step": None,
            "level": "card",
            "frequency": frequency,
            "visits": math.nan,
            "documents_carried": math.nan,
            "days": math.nan,
        }


def _process_needs(service: Service, frequency: float | None) -> Iterator[dict[str, Any]]:
    process = service.process
    assert process is not None
    candidates = HEURISTICS["e_inquiry"].candidates(process)
    runs = _executions(process) if candidates else {}
    for candidate in candidates:
        provider, asker = (e.value for e in candidate.evidence if e.field == "agency")
        outs = next(e.value for e in candidate.evidence if e.field == "documents_out")
        ins = next(e.value for e in candidate.evidence if e.field == "documents_in")
        carried = sorted(outs & ins)
        target = process.step(candidate.targets[0])
        times = runs[target.id]
        days = math.nan if target.duration is None else target.duration.total_seconds() / _DAY
        yield {
            "service": service.id,
            "asker": asker,
            "provider": provider,
            "documents": "; ".join(carried),
            "step": target.name,
            "level": _level(service),
            "frequency": frequency,
            "visits": times if presence(target) else 0.0,
            "documents_carried": times * len(carried),
            "days": times * days,
        }


def _rank_links(needs: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for (asker, provider), group in needs.groupby(["asker", "provider"], sort=True):
        frequency = group["frequency"].astype(float)
        yearly = {
            f"{what}_per_year": _total(frequency * group[per_case])
            for what, per_case in (
                ("visits", "visits"),
                ("documents", "documents_carried"),
                ("days", "days"),
            )
        }
        known = group[frequency.notna() & group["visits"].notna()]
        counted = known["service"].nunique()
        rows.append(
            {
                "asker": asker,
                "provider": provider,
                "services": tuple(dict.fromkeys(group["service"])),
                "n_services": group["service"].nunique(),
                "cases_per_year": _total(
                    group.drop_duplicates("service")["frequency"].astype(float)
                ),
                **yearly,
                "counted": counted,
                "levels": "+".join(sorted(set(group["level"]))),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "asker",
            "provider",
            "services",
            "n_services",
            "cases_per_year",
            "visits_per_year",
            "documents_per_year",
            "days_per_year",
            "counted",
            "levels",
        ],
    )
    frame = frame.sort_values(
        ["visits_per_year", "cases_per_year", "n_services", "asker", "provider"],
        ascending=[False, False, False, True, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame


# -- counter-office delegation -----------------------------------------------------------------

_STEP_COLUMNS = [
    "service",
    "agency",
    "step_id",
    "step",
    "status",
    "reason",
    "to_give",
    "level",
    "frequency",
    "visits_per_year",
]

MOVES, STAYS, UNKNOWN, AT_COUNTER = "moves", "stays", "unknown", "at counter office"


@attrs.frozen
class Delegation:
    """What counter offices could take over, per agency.

    Attributes
    ----------
    agencies : pandas.DataFrame
        One row per agency: ``services_moving`` (services with a step that moves),
        ``steps_moving``, ``visits_moved_per_year`` (the known part; NaN when no frequency is
        known), ``counted`` (the moving steps that sum covers), ``services_staying`` (services
        with an in-person step that stays), ``services_unknown`` (services with a step nobody
        can say about yet).
    steps : pandas.DataFrame
        One row per in-person step (or per card-only service): ``status`` (``"moves"``,
        ``"stays"``, ``"unknown"``, ``"at counter office"``), ``reason``, ``to_give`` (for
        an unknown: the fields or the table to give), ``level`` and the yearly visits moved.
    """

    agencies: pd.DataFrame
    steps: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The per-agency table (a copy)."""
        return self.agencies.copy()

    def _repr_html_(self) -> str:
        return _html(
            "Counter-office delegation",
            "Front-office steps a counter office can take, per agency; unknown is not 'stays'.",
            self.agencies,
        )


def delegation(catalog: Catalog) -> Delegation:
    """The front-office steps across ``catalog`` that can move to counter offices.

    A step moves when the counter-office heuristic (:data:`bpr.heuristics.HEURISTICS`
    ``["counter_office"]``) proposes it: in person, front-office work at the agency, channel
    not fixed. A step the heuristic would propose if the fields it lacks were given is
    ``"unknown"``, with the fields to give; an in-person step it would not propose even then
    ``"stays"``, with why. A service with no process is judged on its card only where the
    card settles it (no visits, or a counter office already among its channels); otherwise it
    is unknown until a step table says which of its visits are front-office work. Each moving
    step moves a visit each time it runs: ``frequency`` times its expected executions per case
    (:func:`bpr.measure`'s, from the branch probabilities) visits a year. The table is per
    agency where the step happens: the citizen's errand at another agency counts there.

    Parameters
    ----------
    catalog
        The catalogue.

    Returns
    -------
    Delegation

    Examples
    --------
    >>> from bpr.catalog import Catalog, Service, ServiceCard
    >>> card = ServiceCard("S1", "Permit", agency="City", visits=2)
    >>> d = delegation(Catalog([Service("S1", card=card)]))
    >>> d.steps.loc[0, ["status", "to_give"]].tolist()
    ['unknown', 'a step table (bpr.read_steps) saying which visits are front-office work']
    """
    import pandas as pd

    rows = [row for service in catalog.services for row in _delegation_rows(service)]
    steps = pd.DataFrame(rows, columns=_STEP_COLUMNS)
    return Delegation(_by_agency(steps), steps)


def _delegation_rows(service: Service) -> Iterator[dict[str, Any]]:
    card, frequency = service.card, _frequency(service)
    base = {"service": service.id, "level": _level(service), "frequency": frequency}
    if service.process is None:
        status, reason, to_give = _card_status(service)
        if status is not None:
            agency = None if card is None else card.agency
            yield base | _row(agency, None, None, status, reason, to_give, math.nan)
        return
    heuristic = HEURISTICS["counter_office"]
    moving = {t for c in heuristic.candidates(service.process) for t in c.targets}
    runs = _executions(service.process) if moving else {}
    for step in service.process.steps:
        if step.id in moving:
            verdict: tuple[str, str, str | None] = (MOVES, "front-office work in person", None)
        else:
            verdict = _not_moving(step, heuristic)  # type: ignore[assignment]
            if verdict is None:
                continue
        status, reason, to_give = verdict
        visits = _yearly(frequency, runs[step.id]) if status == MOVES else math.nan
        yield base | _row(step.agency, step.id, step.name, status, reason, to_give, visits)


def _row(
    agency: str | None,
    step_id: str | None,
    step: str | None,
    status: str,
    reason: str,
    to_give: str | None,
    visits: float,
) -> dict[str, Any]:
    return {
        "agency": agency,
        "step_id": step_id,
        "step": step,
        "status": status,
        "reason": reason,
        "to_give": to_give,
        "visits_per_year": visits,
    }


def _card_status(service: Service) -> tuple[str | None, str, str | None]:
    card = service.card
    if card is not None and card.channels is not None and "counter_office" in card.channels:
        return AT_COUNTER, "the card lists a counter office among its channels", None
    if card is not None and card.visits == 0:
        return None, "", None
    what = "a step table (bpr.read_steps) saying which visits are front-office work"
    if card is None or card.visits is None:
        return UNKNOWN, "no steps, and the card does not say how many visits", what
    return UNKNOWN, f"{card.visits:g} visits per case on the card; no steps", what


def _not_moving(step: Step, heuristic: Any) -> tuple[str, str, str | None] | None:
    """Why an in-person step does not move (``"stays"``), or what would tell
    (``"unknown"``); ``None`` for a step known to need no visit."""
    present = presence(step)
    if present is False:
        return None
    if present and at_counter_office(step):
        return AT_COUNTER, "already done at a counter office", None
    lacking = heuristic.lacking(step)
    if lacking and _would_move(step, lacking, heuristic):
        return UNKNOWN, "the heuristic would move it if these were so", ", ".join(lacking)
    if present is None:
        return None if not lacking else (UNKNOWN, "whether the citizen comes", "citizen_present")
    return STAYS, _why_stays(step), None


def _would_move(step: Step, lacking: Sequence[str], heuristic: Any) -> bool:
    """Whether the heuristic would propose ``step`` with its unknown fields filled in the
    way that lets it: its own conditions, asked of a one-step process."""
    favourable = {"citizen_present": True, "actor": "front_office", "channel": "in_person"}
    filled = attrs.evolve(step, **{f: favourable[f] for f in lacking if f in favourable})
    return bool(heuristic.candidates(ServiceProcess.from_blocks("probe", filled)))


def _why_stays(step: Step) -> str:
    if step.fixed_channel:
        return f"the place is fixed: {step.legal_basis or 'fixed channel'}"
    if step.kind is StepKind.INQUIRY:
        return "the citizen fetches a paper at another agency: an e-inquiry removes it instead"
    if step.kind is StepKind.PAY:
        return "an in-person payment: e-payment removes it instead"
    actor = step.actor.value if step.actor is not None else "unknown actor"
    return f"not front-office work ({actor})"


def _by_agency(steps: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for agency, group in steps.groupby(steps["agency"].fillna("(unknown agency)"), sort=True):
        moving = group[group["status"] == MOVES]

        def services(status: str, group: pd.DataFrame = group) -> int:
            return group.loc[group["status"] == status, "service"].nunique()

        rows.append(
            {
                "agency": agency,
                "services_moving": moving["service"].nunique(),
                "steps_moving": len(moving),
                "visits_moved_per_year": _total(moving["visits_per_year"]),
                "counted": int(moving["visits_per_year"].notna().sum()),
                "services_staying": services(STAYS),
                "services_unknown": services(UNKNOWN),
            }
        )
    columns = [
        "agency",
        "services_moving",
        "steps_moving",
        "visits_moved_per_year",
        "counted",
        "services_staying",
        "services_unknown",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(
        ["visits_moved_per_year", "steps_moving", "agency"],
        ascending=[False, False, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)


# -- parallel work -----------------------------------------------------------------------------


@attrs.frozen
class ParallelWork:
    """Services offered more than once: by several agencies or service points, one output.

    Attributes
    ----------
    groups : pandas.DataFrame
        One row per service in a group: ``group`` (1, 2...), ``service``, ``agency``,
        ``title``, ``title_fa``, ``output`` (the documents its issuing steps produce, when a
        process says), ``matched_on`` (``"title_fa"``, ``"title"``, ``"documents out"``) and
        ``level``.
    """

    groups: pd.DataFrame

    @property
    def sets(self) -> tuple[frozenset[str], ...]:
        """The groups as sets of service ids."""
        return tuple(frozenset(g["service"]) for _, g in self.groups.groupby("group", sort=True))

    def to_frame(self) -> pd.DataFrame:
        """The grouped services (a copy)."""
        return self.groups.copy()

    def _repr_html_(self) -> str:
        return _html(
            "Parallel work",
            "The same service, with the same output, offered by several agencies or points.",
            self.groups,
        )


def parallel_work(catalog: Catalog, min_score: float = 85.0) -> ParallelWork:
    """Groups of services in ``catalog`` that are one service offered several times.

    Two services are one when their names match in Persian or English — normalised
    (:func:`bpr.labels.normalize`: Arabic or Persian letters, half-spaces, spacing) and
    compared word by word (:func:`bpr.labels.compare`, rapidfuzz underneath, at least
    ``min_score``) — with no veto in either language (opposite terms, different objects, a
    word without a counterpart), and when, if both have a process, their issuing steps
    produce the same documents. Groups are the connected pairs.

    Parameters
    ----------
    catalog
        The catalogue.
    min_score
        The similarity (0-100) from which two names match.

    Returns
    -------
    ParallelWork

    Examples
    --------
    >>> from bpr.catalog import Catalog, Service, ServiceCard
    >>> cards = [ServiceCard("A", "Passport issuance", title_fa="صدور گذرنامه", agency="Police"),
    ...          ServiceCard("B", "Issuance of passport", agency="Post"),
    ...          ServiceCard("C", "Passport renewal", agency="Police")]
    >>> catalog = Catalog([Service(c.id, card=c) for c in cards])
    >>> [sorted(group) for group in parallel_work(catalog).sets]
    [['A', 'B']]
    """
    services = catalog.services
    outputs = [_outputs(s) for s in services]
    names = {
        "title": [_name(s, "title") for s in services],
        "title_fa": [_name(s, "title_fa") for s in services],
    }
    matched: dict[tuple[int, int], list[str]] = {}
    for i, j in sorted(_shortlist(names)):
        how = _same(names, outputs, i, j, min_score)
        if how:
            matched[(i, j)] = how
    return ParallelWork(_groups(services, outputs, matched))


def _name(service: Service, field: str) -> str | None:
    if service.card is None:
        return service.title if field == "title" else None
    return getattr(service.card, field)


def _outputs(service: Service) -> frozenset[str] | None:
    """What the service's issuing steps produce, when its process says."""
    if service.process is None:
        return None
    issued = [s for s in service.process.steps if s.kind is StepKind.ISSUE]
    if not issued or any(s.documents_out is None for s in issued):
        return None
    return frozenset(normalize(d) for s in issued for d in s.documents_out or ())


def _shortlist(names: dict[str, list[str | None]]) -> set[tuple[int, int]]:
    """Pairs of services whose names are alike enough to compare word by word."""
    from rapidfuzz import fuzz, process

    pairs: set[tuple[int, int]] = set()
    for values in names.values():
        known = [i for i, v in enumerate(values) if v]
        keys = [normalize(values[i]) for i in known]  # type: ignore[arg-type]
        if len(keys) < 2:
            continue
        scores = process.cdist(keys, keys, scorer=fuzz.token_sort_ratio, score_cutoff=_SHORTLIST)
        for a, b in zip(*scores.nonzero(), strict=True):
            if a < b:
                pairs.add((known[a], known[b]))
    return pairs


def _same(
    names: dict[str, list[str | None]],
    outputs: Sequence[frozenset[str] | None],
    i: int,
    j: int,
    min_score: float,
) -> list[str]:
    """How services ``i`` and ``j`` match (empty: they do not)."""
    how = []
    for field, values in names.items():
        a, b = values[i], values[j]
        if not (a and b):
            continue
        comparison = compare(a, b)
        if comparison.veto is not None:
            return []
        if comparison.matches(min_score):
            how.append(field)
    if not how:
        return []
    if outputs[i] is not None and outputs[j] is not None:
        if outputs[i] != outputs[j]:
            return []
        how.append("documents out")
    return how


def _groups(
    services: Sequence[Service],
    outputs: Sequence[frozenset[str] | None],
    matched: dict[tuple[int, int], list[str]],
) -> pd.DataFrame:
    import networkx as nx
    import pandas as pd

    graph = nx.Graph()
    graph.add_edges_from(matched)
    components = sorted(sorted(c) for c in nx.connected_components(graph))
    rows = []
    for number, members in enumerate(components, start=1):
        for i in members:
            how = sorted({w for pair, ways in matched.items() if i in pair for w in ways})
            service = services[i]
            rows.append(
                {
                    "group": number,
                    "service": service.id,
                    "agency": service.agency,
                    "title": _name(service, "title"),
                    "title_fa": _name(service, "title_fa"),
                    "output": None if outputs[i] is None else "; ".join(sorted(outputs[i])),
                    "matched_on": ", ".join(how),
                    "level": _level(service),
                }
            )
    columns = ["group", "service", "agency", "title", "title_fa", "output", "matched_on", "level"]
    return pd.DataFrame(rows, columns=columns)
