"""A province's catalogue as one report: a dashboard for the province and a page per service.

:func:`portfolio` analyses every service of a :class:`~bpr.catalog.Catalog` one at a time
(its length, what its log shows and the redesign of its process), so that one service that
fails with a :class:`~bpr.BprError` is reported and the others go on, then the analyses across
the catalogue (:meth:`~bpr.catalog.Catalog.length`, the priorities,
:meth:`~bpr.catalog.Catalog.inquiry_links`, :meth:`~bpr.catalog.Catalog.delegation`,
:meth:`~bpr.catalog.Catalog.parallel_work`,
:meth:`~bpr.catalog.Catalog.declared_vs_observed`) over the services that did not fail. The
:class:`CatalogReport` it returns holds them and the pages:

* the **dashboard** (``catalog.html``): totals (services, agencies, the evidence they have,
  the yearly visits, hours and documents with how many services each total covers), the
  priority list, the inquiry-link graph with its ranked table, counter-office delegation per
  agency, parallel work, e-readiness per agency and stage, declared versus observed, and
  every service with a link to its page;
* a **page per service with a process** (``services/<id>.html``): its card, its process as a
  diagram, its figures per case, and what the redesign changes.

Every figure says its level of evidence (``card``, ``steps``, ``model`` or ``log``). An
unknown figure shows "—", never 0. Like :func:`bpr.report`, the pages are self-contained HTML
(CSS and SVG inline, no script), made with Jinja2 (``bpr/templates/catalog.html.j2``,
autoescaping on), in English or in Persian (right to left, Persian digits).

Examples
--------
>>> from bpr.catalog import Catalog, Service, ServiceCard
>>> from bpr.model import ServiceProcess, Step
>>> fetch = Step("f", "Get tax clearance", kind="inquiry", actor="citizen", agency="Tax",
...              channel="in_person", citizen_present=True, documents_out="tax clearance")
>>> submit = Step("s", "Submit", kind="submit", actor="front_office", agency="City",
...               channel="in_person", citizen_present=True, documents_in="tax clearance")
>>> permit = Service("P1", card=ServiceCard("P1", "Permit", agency="City", frequency=100),
...                  process=ServiceProcess.from_blocks("Permit", fetch, submit),
...                  process_from="steps")
>>> licence = Service("L1", card=ServiceCard("L1", "Licence", agency="City", visits=2))
>>> result = portfolio(Catalog([permit, licence]))
>>> result.priorities.order, sorted(result.pages), result.failures
(('P1',), ['P1'], ())
>>> '<a href="services/P1.html">' in result.html
True
"""

from __future__ import annotations

import functools
import html
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from bpr._words import EVIDENCE_LEVELS, heuristic_name, listed
from bpr._words import name as _name
from bpr.errors import BprError

if TYPE_CHECKING:
    import pandas as pd

    from bpr._files import RunFiles
    from bpr._portfolio import Delegation, InquiryLinks, ParallelWork
    from bpr.catalog import (
        Catalog,
        CatalogLength,
        DeclaredVsObserved,
        Priorities,
        Service,
    )
    from bpr.report import _Words

__all__ = ["CatalogReport", "ServiceFailure", "portfolio"]

#: Told after each service: (service id, services done, services in all).
Progress = Callable[[str, int, int], None]
_TOP = 20
_DASH = "—"
# A proposal as bpr.catalog writes it: "heuristic step-ids (step names)".
_PROPOSAL = re.compile(r"(?:^|; )(?P<heuristic>[a-z_]+) (?P<steps>\S+) \(")


@attrs.frozen
class ServiceFailure:
    """A service whose analysis raised a :class:`~bpr.BprError`: left out of the catalogue's
    analyses, reported with the error.

    Attributes
    ----------
    id, title : str
        The service.
    error : str
        What went wrong (the error's message).
    kind : str
        The error's class (``"ModelError"``...).
    """

    id: str
    title: str
    error: str
    kind: str


@attrs.frozen
class CatalogReport:
    """What :func:`portfolio` made: the dashboard, the services' pages and the results.

    Attributes
    ----------
    html : str
        The dashboard (``catalog.html``).
    lang : {"en", "fa"}
        The language of the pages.
    pages : Mapping of str to str
        A page per service with a process, by service id (``services/<id>.html``).
    length, priorities, links, delegation, parallel, declared
        The results the dashboard shows (:class:`~bpr.catalog.CatalogLength`,
        :class:`~bpr.catalog.Priorities`, :class:`~bpr._portfolio.InquiryLinks`,
        :class:`~bpr._portfolio.Delegation`, :class:`~bpr._portfolio.ParallelWork`,
        :class:`~bpr.catalog.DeclaredVsObserved`), over the services that did not fail.
    failures : tuple of ServiceFailure
        The services whose analysis failed.
    analyses : Mapping of str to str
        With ``portfolio(logs=True)``: the report of :func:`bpr.analysis.analyze` of each
        service with an event log (``services/<id>-log.html``), by service id.
    """

    html: str = attrs.field(repr=False)
    lang: str
    pages: Mapping[str, str] = attrs.field(
        converter=lambda m: MappingProxyType(dict(m)), repr=False
    )
    length: CatalogLength = attrs.field(repr=False)
    priorities: Priorities = attrs.field(repr=False)
    links: InquiryLinks = attrs.field(repr=False)
    delegation: Delegation = attrs.field(repr=False)
    parallel: ParallelWork = attrs.field(repr=False)
    declared: DeclaredVsObserved = attrs.field(repr=False)
    failures: tuple[ServiceFailure, ...] = ()
    analyses: Mapping[str, str] = attrs.field(
        factory=dict, converter=lambda m: MappingProxyType(dict(m)), repr=False
    )

    def files(self) -> dict[str, str]:
        """The files of the report, by name: ``catalog.html``, ``services/<id>.html`` and
        ``services/<id>-log.html``."""
        pages = {f"services/{sid}.html": page for sid, page in self.pages.items()}
        pages |= {f"services/{sid}-log.html": page for sid, page in self.analyses.items()}
        return {"catalog.html": self.html, **dict(sorted(pages.items()))}

    def save(self, folder: str | os.PathLike[str], *, force: bool = False) -> RunFiles:
        """Write :meth:`files` into ``folder`` with a ``manifest.json`` (see
        :class:`bpr._files.Run`: files written whole, an earlier run's files replaced,
        anybody else's refused without ``force``).

        Raises
        ------
        OutputError
            When the folder or a file cannot be written.
        """
        from bpr._files import Run

        run = Run(folder, force=force, what="the catalogue report")
        run.write(self.files())
        return run.finish({"command": "portfolio", "lang": self.lang, "catalogue": self.describe()})

    def describe(self) -> dict[str, Any]:
        """What the report covers, for a manifest: services, pages and failures."""
        return {
            "services": len(set(self.length.services.index) | {f.id for f in self.failures}),
            "pages": len(self.pages),
            "ranked": len(self.priorities.order),
            "failures": {f.id: f"{f.kind}: {f.error}" for f in self.failures},
        }

    def _repr_html_(self) -> str:
        # In a frame, the page's styles cannot leak into the notebook around it.
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" title="bpr catalogue" '
            'style="width:100%;height:720px;border:1px solid #ccc"></iframe>'
        )


def portfolio(
    catalog: Catalog,
    *,
    lang: str = "en",
    objectives: Mapping[str, float] | None = None,
    constraints: Any = None,
    progress: Progress | None = None,
    top: int = _TOP,
    logs: bool = False,
) -> CatalogReport:
    """Analyse every service of ``catalog`` and make the catalogue report.

    Parameters
    ----------
    catalog
        The catalogue (:func:`bpr.read_catalog`, or :func:`bpr.examples.province`).
    lang
        ``"en"`` or ``"fa"`` (Persian, right to left, Persian digits).
    objectives, constraints
        Passed to :func:`bpr.redesign` for every service with a process.
    progress
        Called after each service with its id, the services done and the services in all.
    top
        How many ranked services the dashboard's priority list shows.
    logs
        Also analyse each service's event log as :func:`bpr.analysis.analyze` does
        (against its step table or model when it has one; no simulation) and link its
        report (:func:`bpr.report`) from the service's page: a few seconds a log.

    Returns
    -------
    CatalogReport

    Raises
    ------
    BprError
        For an unknown ``lang``. A :class:`~bpr.BprError` while analysing one service is
        not raised: the service is in :attr:`CatalogReport.failures`. Any other exception is
        a bug and propagates.
    """
    from bpr.catalog import Catalog
    from bpr.report import _Words

    if lang not in ("en", "fa"):
        raise BprError(f"portfolio: unknown lang {lang!r}; use 'en' or 'fa'")
    if not isinstance(catalog, Catalog):
        raise BprError(f"portfolio() needs a Catalog (bpr.read_catalog), got {type(catalog)}")
    parts, failures = [], []
    for done, service in enumerate(catalog.services, start=1):
        try:
            parts.append(_analyse(catalog, service, objectives, constraints))
        except BprError as error:
            failures.append(ServiceFailure(service.id, service.title, str(error), _kind(error)))
        if progress is not None:
            progress(service.id, done, len(catalog))
    failed = {f.id for f in failures}
    kept = attrs.evolve(catalog, services=[s for s in catalog.services if s.id not in failed])
    priorities = _ranked(parts, kept, objectives)
    for sid in _not_redesigned(priorities, kept):
        row = priorities.frame.loc[sid]
        failures.append(ServiceFailure(sid, str(row["title"]), str(row["reason"]), "ModelError"))
    t = _Words(lang)  # type: ignore[arg-type]
    results = {
        "length": kept.length(),
        "priorities": priorities,
        "links": kept.inquiry_links(),
        "delegation": kept.delegation(),
        "parallel": kept.parallel_work(),
        "declared": kept.declared_vs_observed(),
    }
    analyses = _log_reports(kept, t, failures) if logs else {}
    failures.sort(key=lambda f: f.id)
    pages = {
        s.id: _service_page(kept, s, priorities, t, s.id in analyses)
        for s in kept.services
        if s.process is not None
    }
    page = _render("catalog.html.j2", t, _dashboard(catalog, results, failures, pages, t, top))
    return CatalogReport(
        html=page,
        lang=lang,
        pages=pages,
        failures=tuple(failures),
        analyses=analyses,
        **results,
    )


def _log_reports(catalog: Catalog, t: _Words, failures: list[ServiceFailure]) -> dict[str, str]:
    """The single-service report of each service with a log (its failures added)."""
    from bpr.analysis import analyze
    from bpr.report import report

    pages = {}
    for service in catalog.services:
        log = service.log if service.log is not None else catalog.log_files.get(service.id)
        if log is None or service.process is None:
            continue
        documented = service.process if service.process_from in ("steps", "model") else None
        try:
            analysis = analyze(log, documented=documented, simulate=False, name=service.title)
            pages[service.id] = report(analysis, lang=t.lang).html  # type: ignore[arg-type]
        except BprError as error:
            failures.append(ServiceFailure(service.id, service.title, str(error), _kind(error)))
    return pages


def _kind(error: BprError) -> str:
    return type(error).__name__


def _analyse(catalog: Catalog, service: Service, objectives: Any, constraints: Any) -> Priorities:
    """One service alone: what its log shows, its process's length and its redesign (the
    priority row of a catalogue of this one service)."""
    catalog.observed(service.id)
    catalog.modelled(service.id)
    return attrs.evolve(catalog, services=[service]).prioritize(objectives, constraints)


def _ranked(parts: Sequence[Priorities], catalog: Catalog, objectives: Any) -> Priorities:
    """The services' priority rows as one ranking, in the order of
    :meth:`~bpr.catalog.Catalog.prioritize`: burden removed a year, then effort, then id."""
    import pandas as pd

    from bpr.catalog import Priorities

    if not parts:  # every service failed, or none: an empty ranking of the right shape
        return attrs.evolve(catalog, services=[]).prioritize(objectives)
    by = parts[0].by
    frame = pd.concat([p.frame for p in parts])
    ranked = frame[frame["rank"].notna()].copy()
    ranked["_key"] = -ranked[f"{by}_removed"].astype(float)
    ranked = ranked.sort_values(["_key", "effort"], kind="stable").drop(columns="_key")
    ranked["rank"] = pd.array(range(1, len(ranked) + 1), dtype="Int64")
    rest = frame[frame["rank"].isna()]
    # One-row frames give a column of numbers and None an object dtype: back to numbers.
    return Priorities(by=by, frame=pd.concat([ranked, rest]).infer_objects())


def _not_redesigned(priorities: Priorities, catalog: Catalog) -> list[str]:
    """Services with a process the redesign could not take (a ModelError that
    :meth:`~bpr.catalog.Catalog.prioritize` reports as their reason): they have no proposals."""
    import pandas as pd

    frame = priorities.frame
    return [
        s.id
        for s in catalog.services
        if s.process is not None and pd.isna(frame.loc[s.id, "proposals"])
    ]


# -- the pages ------------------------------------------------------------------------------------


@functools.cache
def _templates() -> Any:
    """The report's Jinja2 environment, made once: it keeps the templates it compiled (a
    province's hundred pages would otherwise compile the same template a hundred times)."""
    from bpr.report import _environment

    return _environment()


def _render(template: str, t: _Words, view: Mapping[str, Any]) -> str:
    import bpr

    return (
        _templates()
        .get_template(template)
        .render(
            lang=t.lang,
            dir="rtl" if t.lang == "fa" else "ltr",
            t=t,
            version=bpr.__version__,
            **view,
        )
    )


def _level(level: Any, t: _Words) -> str:
    """A level of evidence in the page's language; unknown when no level knows the figure."""
    if _nan(level):
        return _DASH
    words = EVIDENCE_LEVELS.get(str(level), (str(level), str(level)))
    return words[1] if t.lang == "fa" else words[0]


def _levels(values: Iterable[Any], t: _Words) -> str:
    """How many figures each level of evidence gave: ``card 40, steps 12``."""
    from bpr.catalog import LEVELS

    counts = {lv: 0 for lv in reversed(LEVELS)}
    for value in values:
        if isinstance(value, str):
            for level in value.split(", "):
                if level in counts:
                    counts[level] += 1
    shown = [f"{_level(lv, t)} {t.number(n)}" for lv, n in counts.items() if n]
    return listed(shown, t.lang) or _DASH


def _agency(text: Any, t: _Words) -> str:
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return t("agency unknown")
    return _name(str(text), t.lang)  # type: ignore[arg-type]


def _title(service: Service, t: _Words) -> str:
    card = service.card
    if t.lang == "fa" and card is not None and card.title_fa:
        return card.title_fa
    return service.title


def _evidence(catalog: Catalog, service: Service) -> list[str]:
    levels = ["card"] if service.card is not None else []
    if service.process_from in ("steps", "model"):
        levels.append(service.process_from)
    if service.log is not None or service.id in catalog.log_files or service.process_from == "log":
        levels.append("log")
    return levels


def _evidence_words(catalog: Catalog, service: Service, t: _Words) -> str:
    return listed([_level(lv, t) for lv in _evidence(catalog, service)], t.lang) or _DASH


def _dashboard(
    catalog: Catalog,
    results: Mapping[str, Any],
    failures: Sequence[ServiceFailure],
    pages: Mapping[str, str],
    t: _Words,
    top: int,
) -> dict[str, Any]:
    from markupsafe import Markup

    kept = {s.id for s in catalog.services} - {f.id for f in failures}
    services = {s.id: s for s in catalog.services}
    links = results["links"]
    return {
        "title": t("Service catalogue"),
        "source": catalog.source,
        "totals": _totals(catalog, results["length"], t),
        "failures": [
            {"id": f.id, "title": _title(services[f.id], t), "error": f.error, "kind": f.kind}
            for f in failures
        ],
        "priorities": _priorities(results["priorities"], services, pages, t, top),
        "graph": Markup(_graph(links, t)) if len(links.links) else None,
        "links": _link_rows(links, t),
        "delegation": _delegation_rows(results["delegation"], t),
        "parallel": _parallel_rows(results["parallel"], services, t),
        "readiness": _readiness(results["length"], t),
        "declared": _declared_rows(results["declared"], services, t),
        "services": [
            {
                "id": s.id,
                "title": _title(s, t),
                "agency": _agency(s.agency, t),
                "evidence": _evidence_words(catalog, s, t),
                "page": f"services/{s.id}.html" if s.id in pages else None,
                "failed": s.id not in kept,
            }
            for s in catalog.services
        ],
    }


def _graph(links: InquiryLinks, t: _Words) -> str:
    """The inquiry-link graph in the page's language (agencies by their Persian names)."""
    if t.lang == "en":
        return links.to_svg()
    frame = links.links.copy()
    for column in ("asker", "provider"):
        frame[column] = [_agency(a, t) for a in frame[column]]
    return attrs.evolve(links, links=frame).to_svg(label=lambda row: _link_label(row, t))


def _link_label(row: Any, t: _Words) -> str:
    label = f"#{t.number(row.rank)}: {t.number(row.n_services)} {t('services')}"
    if not math.isnan(row.visits_per_year):
        label += f"، {t.number(round(row.visits_per_year))} {t('visits a year')}"
    return label


def _count(value: Any, t: _Words) -> str:
    return t.number(None if value is None or _nan(value) else float(value))


def _yearly(value: Any, t: _Words) -> str:
    # a yearly total over thousands of cases: its decimals are noise to a reader
    return t.number(None if value is None or _nan(value) else float(value), places=0)


def _nan(value: Any) -> bool:
    """Unknown: None, NaN or pandas' NA."""
    import pandas as pd

    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _totals(catalog: Catalog, length: CatalogLength, t: _Words) -> dict[str, Any]:
    frame = length.services
    evidence = [lv for s in catalog.services for lv in _evidence(catalog, s)]
    yearly = []
    for name, figure in (
        ("visits", "visits"),
        ("hours", "citizen_hours"),
        ("documents", "documents"),
    ):
        known = frame[f"{name}_per_year"].dropna()
        known_levels = frame.loc[known.index, f"{figure}_level"]
        yearly.append(
            {
                "key": name,
                "label": t(f"{name} a year"),
                "value": _yearly(float(known.sum()) if len(known) else None, t),
                "covers": t.number(len(known)),
                "of": t.number(len(frame)),
                "levels": _levels(known_levels, t),
            }
        )
    return {
        "services": t.number(len(catalog)),
        "agencies": t.number(len(catalog.agencies)),
        "evidence": [
            {"key": lv, "label": _level(lv, t), "value": t.number(evidence.count(lv))}
            for lv in ("card", "steps", "model", "log")
        ],
        "yearly": yearly,
    }


def _proposals(text: Any, service: Service | None, t: _Words) -> list[str]:
    """A cell of proposals (``heuristic step-ids (step names); ...``, as
    :meth:`~bpr.catalog.Catalog.prioritize` writes them) as the page says them: each
    heuristic's name and the names of the steps it changes, in the page's language."""
    from bpr.heuristics import HEURISTICS

    if not isinstance(text, str) or not text:
        return []
    shown = []
    for match in _PROPOSAL.finditer(text):
        if match["heuristic"] not in HEURISTICS:
            continue  # words of a step's name that happen to look like the start of one
        names = [_step_name(sid, service, t) for sid in match["steps"].split("+")]
        heuristic = heuristic_name(match["heuristic"], t.lang)  # type: ignore[arg-type]
        shown.append(f"{heuristic}: {listed(names, t.lang)}")  # type: ignore[arg-type]
    return shown


def _step_name(step_id: str, service: Service | None, t: _Words) -> str:
    process = None if service is None else service.process
    if process is None:
        return step_id
    try:
        step = process.step(step_id)
    except BprError:
        return step_id
    return _name(step.name, t.lang, step.name_fa)  # type: ignore[arg-type]


_REMOVED = ("visits", "hours", "days")


def _priorities(
    priorities: Priorities,
    services: Mapping[str, Service],
    pages: Mapping[str, str],
    t: _Words,
    top: int,
) -> dict[str, Any]:
    frame = priorities.frame
    by = priorities.by
    ranked = frame[frame["rank"].notna()]
    rows = []
    for sid, row in ranked.head(top).iterrows():
        rows.append(
            {
                "id": sid,
                "rank": t.number(int(row["rank"])),
                "title": _title(services[sid], t),
                "agency": _agency(row["agency"], t),
                "page": f"services/{sid}.html" if sid in pages else None,
                "removed": {m: _yearly(row[f"{m}_removed"], t) for m in _REMOVED},
                "effort": t.number(int(row["effort"])),
                "level": _level(row["process_from"], t),
                "proposals": _proposals(row[f"{by}_proposals"], services.get(sid), t),
            }
        )
    unranked = []
    for sid, row in frame[frame["rank"].isna()].iterrows():
        unranked.append(
            {
                "id": sid,
                "title": _title(services[sid], t),
                "reason": t(_reason(services[sid], row)),
            }
        )
    return {
        "by": t(f"{by} removed a year"),
        "measure": by,
        "ranked": t.number(len(ranked)),
        "rows": rows,
        "unranked": unranked,
    }


def _reason(service: Service, row: pd.Series) -> str:
    """Why a service is not ranked, in words the page translates."""
    if service.process is None:
        return "no process: give a step table, a model or a log"
    if _nan(row["proposals"]):
        return "the redesign failed (see the failures)"
    if _nan(row["frequency"]):
        return "frequency unknown: give the card's yearly frequency"
    return "the saving per case is unknown"


def _link_rows(links: InquiryLinks, t: _Words) -> list[dict[str, Any]]:
    return [
        {
            "rank": t.number(int(row["rank"])),
            "asker": _agency(row["asker"], t),
            "provider": _agency(row["provider"], t),
            "services": t.number(int(row["n_services"])),
            "cases": _yearly(row["cases_per_year"], t),
            "visits": _yearly(row["visits_per_year"], t),
            "documents": _yearly(row["documents_per_year"], t),
            "days": _yearly(row["days_per_year"], t),
            "counted": t.number(int(row["counted"])),
            "levels": _levels([row["levels"]], t),
        }
        for _, row in links.links.iterrows()
    ]


def _delegation_rows(delegation: Delegation, t: _Words) -> list[dict[str, Any]]:
    steps = delegation.steps
    rows = []
    for _, row in delegation.agencies.iterrows():
        agency = row["agency"]
        mine = steps[steps["agency"].fillna("(unknown agency)") == agency]
        rows.append(
            {
                "agency": _agency(None if agency == "(unknown agency)" else agency, t),
                "moving": t.number(int(row["services_moving"])),
                "steps": t.number(int(row["steps_moving"])),
                "visits": _yearly(row["visits_moved_per_year"], t),
                "counted": t.number(int(row["counted"])),
                "staying": t.number(int(row["services_staying"])),
                "unknown": t.number(int(row["services_unknown"])),
                "levels": _levels(mine["level"], t),
            }
        )
    return rows


def _parallel_rows(
    parallel: ParallelWork, services: Mapping[str, Service], t: _Words
) -> list[dict[str, Any]]:
    return [
        {
            "group": t.number(int(row["group"])),
            "id": row["service"],
            "title": _title(services[row["service"]], t),
            "agency": _agency(row["agency"], t),
            "matched": listed([t(how) for how in str(row["matched_on"]).split(", ")], t.lang),
            "level": _level(row["level"], t),
        }
        for _, row in parallel.groups.iterrows()
    ]


def _readiness(length: CatalogLength, t: _Words) -> list[dict[str, Any]]:
    """Per agency and stage: services whose stage is electronic, not, or unknown."""
    from bpr.catalog import STAGES

    frame = length.services
    rows = []
    for agency, group in frame.groupby(frame["agency"].fillna(""), sort=True):
        cells = []
        for stage in STAGES:
            values = group[stage]
            yes = int((values == True).sum())  # noqa: E712 (values are True, False or None)
            no = int((values == False).sum())  # noqa: E712
            known = yes + no
            cells.append(
                {
                    "yes": t.number(yes),
                    "no": t.number(no),
                    "unknown": t.number(len(group) - known),
                    # the shade: the share electronic among the services that say
                    "share": None if not known else round(yes / known, 2),
                    "levels": _levels(group[f"{stage}_level"], t),
                }
            )
        rows.append({"agency": _agency(agency or None, t), "cells": cells})
    return rows


_DECLARED = {
    "visits": "in-person visits per case",
    "steps": "steps in a case",
    "time_days": "delivery time in days",
}


def _declared_rows(
    declared: DeclaredVsObserved, services: Mapping[str, Service], t: _Words
) -> list[dict[str, Any]]:
    rows = []
    for (sid, figure), row in declared.frame.iterrows():
        beyond = row["beyond"]
        rows.append(
            {
                "id": sid,
                "title": _title(services[sid], t),
                "figure": t(_DECLARED[figure]),
                "declared": t.number(row["declared"]),
                "level": _level(row["declared_level"], t),
                "observed": t.number(row["observed"]),
                "difference": t.signed(row["difference"]),
                "beyond": _DASH if _nan(beyond) else t("yes" if beyond else "no"),
            }
        )
    return rows


# -- a service's page -----------------------------------------------------------------------------

# The savings of a redesign (bpr.catalog.SAVINGS) as a service's page names them.
_SAVINGS = {
    "visits": "in-person visits",
    "hours": "citizen's hours",
    "documents": "documents carried",
    "days": "calendar days",
}
# The card's fields a service's page shows, with their labels.
_CARD_FIELDS = {
    "agency": "agency",
    "type": "type",
    "level": "level",
    "frequency": "cases a year",
    "visits": "in-person visits per case",
    "time_days": "delivery time in days",
    "documents": "documents the citizen brings",
}


def _service_page(
    catalog: Catalog, service: Service, priorities: Priorities, t: _Words, analysed: bool
) -> str:
    from markupsafe import Markup

    import bpr

    row = priorities.frame.loc[service.id]
    return _render(
        "catalog-service.html.j2",
        t,
        {
            "id": service.id,
            "title": _title(service, t),
            "agency": _agency(service.agency, t),
            "analysis": f"{service.id}-log.html" if analysed else None,
            "card": _card_rows(service, t),
            "level": _level(service.process_from, t),
            "diagram": Markup(bpr.render(service.process, lang=t.lang)),
            "savings": [
                {
                    "measure": t(label),
                    "as_is": t.number(row[f"{m}_as_is"]),
                    "to_be": t.number(row[f"{m}_to_be"]),
                    "saved": t.number(row[f"{m}_saved"]),
                    "removed": t.number(row[f"{m}_removed"]),
                    "proposals": _proposals(row[f"{m}_proposals"], service, t),
                }
                for m, label in _SAVINGS.items()
            ],
            "proposals": _proposals(row["proposals"], service, t),
            "effort": t.number(None if _nan(row["effort"]) else int(row["effort"])),
            "rank": None if _nan(row["rank"]) else t.number(int(row["rank"])),
            "reason": None if not _nan(row["rank"]) else t(_reason(service, row)),
        },
    )


def _card_rows(service: Service, t: _Words) -> list[dict[str, str]]:
    card = service.card
    if card is None:
        return []
    rows = []
    for field, label in _CARD_FIELDS.items():
        value = getattr(card, field)
        if field == "agency":
            text = _agency(value, t)
        elif isinstance(value, tuple):
            text = listed([_name(v, t.lang) for v in value], t.lang) or t("none")  # type: ignore[arg-type]
        elif isinstance(value, float):
            text = t.number(value)
        else:
            text = _DASH if value is None else t(str(value))
        rows.append({"field": t(label), "value": text})
    return rows
