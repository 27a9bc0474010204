"""The analysis as one self-contained HTML page that a director reads, on screen or on paper.

:func:`report` turns an :class:`~bpr.analysis.Analysis` into a :class:`Report`: one HTML file
with its CSS and diagrams (SVG) inline, no scripts, no fonts or styles fetched from anywhere,
laid out to print on A4 landscape pages (``@media print``). It holds, in order:

* **at a glance**: the figures a director reads (visits to an office, steps, days, documents
  the citizen brings), as-is and to-be with the change, before any detail;
* the key figures of the log and the analysis;
* the as-is process (with how well it reproduces the log, when the analysis says);
* its length, every metric labelled with its statistic and unit, with its definition;
* the undocumented steps and transitions;
* the redesign proposals, each once, with its reason, the evidence it rests on, its effect and
  why it was not applied when it was not; the steps to review;
* the as-is and the to-be side by side, and the simulated effect with 95 % confidence
  intervals;
* the data repairs, the columns read and the assumptions behind the numbers;
* a glossary of the names the CSV files and the code use.

Figures from the log are marked as observed and figures of the models and the simulation as
estimates. A figure that cannot be known shows "—" and says why (which field is missing for
how many steps); a section with nothing to show says why and what would fill it.

``lang="fa"`` writes the whole page in Persian, right to left (``dir="rtl"``), with Persian
digits: headings, labels, definitions, the reasons of the proposals (written from the
heuristic and the steps it changes), assumptions, repairs and the diagrams; names of steps,
agencies and documents are Persian where a Persian name is known (a step's ``name_fa``, else
``bpr``'s glossary of agencies and documents common in Iranian government services). Names of
files and codes stay as they are.

The page is made with Jinja2 (``bpr/templates/report.html.j2``, autoescaping on): every text
from the data is escaped, and only the SVG that :func:`bpr.render` drew is inserted as markup.

Examples
--------
>>> from bpr._demo import demo_inputs
>>> from bpr.analysis import analyze
>>> demo = demo_inputs(cases=40)
>>> analysis = analyze(demo.log, documented=demo.documented, annotations=demo.annotations,
...                    read={"timezone": "Asia/Tehran"}, simulate=False)
>>> page = report(analysis, lang="fa").html
>>> '<html lang="fa" dir="rtl">' in page, "<script" in page, "۴۰" in page
(True, False, True)
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from bpr import _words as words
from bpr._rationales import reason
from bpr._words import code_label, field_label, heuristic_name, listed, name, persian_names
from bpr.errors import BprError

if TYPE_CHECKING:
    from bpr.analysis import Analysis
    from bpr.redesign import Proposal

__all__ = ["Report", "report"]

Lang = Literal["en", "fa"]

_DASH = words.DASH
_DAY = words.UNITS["days"][0]
# Metrics of the side-by-side table: what a redesign changes for the citizen and the agency.
_COMPARED = (
    "steps",
    "visits",
    "handoffs",
    "agencies",
    "documents",
    "paper_inquiries",
    "procedures",
    "cycle_time_mean",
    "days",
    "burden",
)
# The headline: what a director reads first.
_HEADLINE = ("visits", "steps", "cycle_time_mean", "documents")
_IMPACT = ("visits", "steps", "handoffs", "documents", "cycle_time")
_TIMES = frozenset(
    {
        "cycle_time",
        "cycle_time_mean",
        "cycle_time_median",
        "cycle_time_p90",
        "working_time",
        "waiting_time",
        "travel_time",
        "cycle_time_business",
        "cycle_time_business_mean",
        "burden",
    }
)
# Metrics a model does not have (a log's cases) rather than does not know.
_LOG_ONLY = frozenset({"cases", "cycle_time_business", "cycle_time_business_mean"})


@attrs.frozen
class Report:
    """One self-contained HTML page (see :mod:`bpr.report`).

    Attributes
    ----------
    html : str
        The whole page.
    lang : {"en", "fa"}
        Its language.
    """

    html: str = attrs.field(repr=False)
    lang: str

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (UTF-8), whole or not at all, and return the path.

        Raises
        ------
        BprError
            When the file cannot be written, or ``path`` is a symbolic link
            (:func:`bpr._files.write_file`).
        """
        from bpr._files import write_file

        return write_file(path, self.html, what="the report")

    def _repr_html_(self) -> str:
        # In a frame, the page's styles cannot leak into the notebook around it.
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" title="bpr report" '
            'style="width:100%;height:720px;border:1px solid #ccc"></iframe>'
        )


class _Words:
    """Translation and number formatting for one language."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def __call__(self, text: str) -> str:
        if self.lang == "fa":
            return words.FA.get(text, text)
        return text

    def metric(self, metric: str) -> str:
        """A metric's label, with its statistic."""
        labels = words.METRICS.get(metric, (metric.replace("_", " "),) * 2)
        return labels[1] if self.lang == "fa" else labels[0]

    def figure(self, figure: str) -> str:
        """A figure of :meth:`Analysis.summary`, labelled as observed or estimated."""
        return self(figure) if self.lang == "fa" else words.EN_SUMMARY.get(figure, figure)

    def digits(self, text: str) -> str:
        return words.signed_digits(text, self.lang)

    def number(self, value: Any, places: int = 2, *, signed: bool = False) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return _DASH
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        text = f"{int(value):,}" if whole else f"{value:,.{places}f}"
        return self.digits(f"+{text}" if signed and value > 0 else text)

    def signed(self, value: Any) -> str:
        return self.number(value, signed=True)

    def share(self, value: Any) -> str:
        if value is None or math.isnan(value):
            return _DASH
        return self.digits(f"{100 * value:.1f}%")

    def duration(
        self, value: timedelta | None, signed: bool = False, unit: str | None = None
    ) -> str:
        """In ``unit`` ("days" or "h"); without one, days from one day up, else hours."""
        return words.duration(value, self.lang, unit=unit, signed=signed)

    def value(self, value: Any, unit: str = "count") -> str:
        """A figure as the page shows it: durations, shares as percentages (``unit="share"``),
        days as durations in days (``unit="days"``), anything else as a number."""
        if isinstance(value, timedelta):
            return self.duration(value)
        if unit == "share":
            return self.share(value)
        if unit == "days":
            if value is None or math.isnan(value):
                return _DASH
            return self.duration(timedelta(days=value), unit="days")
        return self.number(value)

    def name(self, text: str, names: Mapping[str, str]) -> str:
        """A name from the data in this language (Persian where one is known)."""
        return name(text, self.lang, names.get(text))


def _time_unit(values: Iterable[Any]) -> str:
    """The one unit of the durations of a table: days when any reaches a day, else hours."""
    return words.time_unit(v for v in values if isinstance(v, timedelta))


def report(analysis: Analysis, *, lang: Lang = "en") -> Report:
    """The HTML report of an analysis (see :mod:`bpr.report`).

    Parameters
    ----------
    analysis
        What :func:`bpr.analysis.analyze` returned.
    lang
        ``"en"`` (left to right) or ``"fa"`` (Persian, right to left, Persian digits).

    Returns
    -------
    Report

    Raises
    ------
    BprError
        For an unknown ``lang`` or something that is not an analysis.
    """
    from bpr.analysis import Analysis

    if lang not in ("en", "fa"):
        raise BprError(f"report: unknown lang {lang!r}; use 'en' or 'fa'")
    if not isinstance(analysis, Analysis):
        raise BprError(
            f"report() needs an Analysis (from bpr.analysis.analyze), got {type(analysis).__name__}"
        )
    words = _Words(lang)
    page = (
        _environment()
        .get_template("report.html.j2")
        .render(
            lang=lang,
            dir="rtl" if lang == "fa" else "ltr",
            t=words,
            **_view(analysis, words),
        )
    )
    return Report(html=page, lang=lang)


def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("bpr", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


# -- what the page shows ----------------------------------------------------------------------


def _view(analysis: Analysis, t: _Words) -> dict[str, Any]:
    from markupsafe import Markup

    import bpr

    names = persian_names(analysis.as_is, analysis.to_be, _documented(analysis))
    diagrams = {
        key.removesuffix(".svg"): Markup(svg)  # drawn by bpr.render: escaped text, no scripts
        for key, svg in analysis.diagrams(t.lang).items()
    }
    return {
        "name": t.name(analysis.name, names),
        "data": _data(analysis, t),
        "headline": _headline(analysis, t),
        "summary": [
            {"key": figure, "label": t.figure(figure), "value": t.value(row["value"], row["unit"])}
            for figure, row in analysis.summary().iterrows()
        ],
        "fidelity": _fidelity(analysis, t, names),
        "diagrams": diagrams,
        "length": _length(analysis, t),
        "definitions": _definitions(t),
        "segments": _segments(analysis, t),
        "gaps": None if analysis.gaps is None else _gaps(analysis, t, names),
        "proposals": _proposals(analysis, t, names),
        "no_proposal": _no_proposal(analysis, t),
        "findings": _findings(analysis, t, names),
        "compared": _compared(analysis, t),
        "simulation": None if analysis.simulation is None else _simulation(analysis, t),
        "untimed": not analysis.log.timed,
        "repairs": _repairs(analysis, t),
        "columns": [
            {
                "role": words.ROLES.get(role, (role, role))[1 if t.lang == "fa" else 0],
                "column": column,
            }
            for role, column in analysis.log.columns_chosen.items()
        ],
        "assumptions": _assumptions(analysis, t, names),
        "glossary": _glossary(analysis, t),
        "version": bpr.__version__,
        "settings": {
            "cases": t.number(analysis.cases),
            "runs": t.number(analysis.replications),
            "seed": t.number(analysis.seed),
        },
    }


def _documented(analysis: Analysis) -> Any:
    return None if analysis.gaps is None else analysis.gaps.documented


def _data(analysis: Analysis, t: _Words) -> dict[str, Any]:
    """Where the figures come from: the log, its period and the business calendar."""
    cases = analysis.stats.cases
    first, last = cases["start"].min(), cases["end"].max()
    return {
        "source": Path(analysis.log.source).name,
        "cases": t.number(analysis.log.n_cases),
        "events": t.number(analysis.log.n_events),
        "first": _date(first, t),
        "last": _date(last, t),
        # The calendar the business times used; an analysis made before calendars were a
        # choice has none to name.
        "calendar": _calendar(getattr(analysis, "calendar", None), t),
        "calendar_known": hasattr(analysis, "calendar"),
    }


def _date(moment: Any, t: _Words) -> str:
    """A date as the reader's calendar writes it: Jalali in Persian."""
    import pandas as pd

    if moment is None or pd.isna(moment):
        return _DASH
    moment = moment.tz_convert("Asia/Tehran") if t.lang == "fa" else moment
    if t.lang == "fa":
        import jdatetime

        return t.digits(jdatetime.date.fromgregorian(date=moment.date()).strftime("%Y/%m/%d"))
    return moment.strftime("%Y-%m-%d")


def _calendar(calendar: Any, t: _Words) -> str | None:
    """The business calendar in words (``None`` when there is none)."""
    if calendar is None:
        return None
    return str(calendar.describe(t.lang))


def _why(length: Any, metric: str, t: _Words) -> str | None:
    """Why a metric of ``length`` is unknown, in a few words (``None`` when it is known)."""
    if getattr(length, metric) is not None:
        return None
    if length.source == "model" and metric in _LOG_ONLY:
        return t("not applicable to a model")
    missing = getattr(length, "unknown", {}).get(metric)
    if missing is not None:
        fields = " / ".join(field_label(f, t.lang) for f in missing.fields)
        counted = t.digits(f"{len(missing.steps)} {t('of')} {missing.of}")
        return f"{t('unknown:')} {fields} {t('not given for')} {counted} {t('steps')}"
    if metric == "steps_max" or (metric == "variants" and length.source == "model"):
        return f"{t('unknown:')} {t('a loop can repeat without limit')}"
    if metric in ("working_time", "waiting_share") and length.source == "log":
        return f"{t('unknown:')} {t('the log has no start times')}"
    if metric in _TIMES or metric == "days":
        return f"{t('unknown:')} {t('no duration is known for some steps')}"
    return t("unknown")


def _cell(length: Any, metric: str, t: _Words, unit: str) -> dict[str, Any]:
    """A metric of ``length`` as a table cell: its text and, when unknown, why."""
    value = getattr(length, metric)
    if isinstance(value, timedelta):
        text = t.duration(value, unit=unit)
    else:
        text = t.value(value, "share" if metric == "waiting_share" else "count")
    if metric == "burden_cost" and value is not None:
        text += f" {length.currency}"
    return {"text": text, "why": _why(length, metric, t)}


def _headline(analysis: Analysis, t: _Words) -> dict[str, Any]:
    """Visits, steps, days and documents: observed, as-is, to-be and the change."""
    rows = []
    for metric in _HEADLINE:
        label = words.HEADLINE_LABELS[metric][1 if t.lang == "fa" else 0]
        cells = [
            _headline_cell(length, metric, t)
            for length in (analysis.length, analysis.as_is_length, analysis.to_be_length)
        ]
        before, after = (getattr(x, metric) for x in (analysis.as_is_length, analysis.to_be_length))
        change = None if before is None or after is None else after - before
        if isinstance(change, timedelta):
            change = change.total_seconds() / _DAY
        rows.append({"key": metric, "label": label, "cells": cells, "change": t.signed(change)})
    redesign = analysis.redesign
    legal = sum(p.needs_legal_change for p in redesign.proposals)
    return {
        "rows": rows,
        "proposed": t.number(len(redesign.proposals)),
        "applied": t.number(len(redesign.plan)),
        "legal": t.number(legal),
        "undocumented": None if analysis.gaps is None else t.number(len(analysis.gaps.steps)),
    }


def _headline_cell(length: Any, metric: str, t: _Words) -> dict[str, Any]:
    value = getattr(length, metric)
    if isinstance(value, timedelta):
        value = value.total_seconds() / _DAY
    return {"text": t.number(value), "why": _why(length, metric, t)}


def _fidelity(analysis: Any, t: _Words, names: Mapping[str, str]) -> dict[str, Any] | None:
    """How well the as-is model reproduces its log (:class:`bpr.Fidelity`), when the analysis
    carries the check: the figures furthest from the log, steps, rework and cycle times,
    each observed and estimated, with its verdict."""
    fidelity = getattr(analysis, "fidelity", None) or getattr(analysis.as_is, "fidelity", None)
    if fidelity is None:
        return None
    rows = []
    for key, row in fidelity.summary().iterrows():
        figure, _, activity = str(key).partition(", furthest: ")
        kind = "share" if figure.startswith("share") else figure
        label = words.FIDELITY.get(kind, (figure, figure))[1 if t.lang == "fa" else 0]
        show = _FIDELITY_VALUES.get(kind, lambda t, v: t.number(v))
        verdict = str(row["verdict"])  # within, beyond or unknown
        rows.append(
            {
                "label": f"{label}: {t.name(activity, names)}" if activity else label,
                "log": show(t, row["log"]),
                "model": show(t, row["model"]),
                "verdict": t(verdict if verdict == "unknown" else f"{verdict} tolerance"),
                "beyond": verdict == "beyond",
            }
        )
    beyond = sum(r["beyond"] for r in rows)
    return {"rows": rows, "beyond": t.number(beyond) if beyond else None}


_FIDELITY_VALUES: Mapping[str, Callable[[_Words, Any], str]] = {
    "share": lambda t, v: t.share(v),
    "cycle_time_mean": lambda t, v: t.value(v, "days"),
    "cycle_time_median": lambda t, v: t.value(v, "days"),
    "executions": lambda t, v: t.number(v),
}


def _length(analysis: Analysis, t: _Words) -> dict[str, Any]:
    from bpr.measure import METRICS

    lengths = (analysis.length, analysis.as_is_length, analysis.to_be_length)
    unit = _time_unit(getattr(x, m) for x in lengths for m in METRICS)
    rows = [
        {
            "key": metric,
            "label": t.metric(metric),
            "cells": [_cell(length, metric, t, unit) for length in lengths],
        }
        for metric in METRICS
    ]
    return {"rows": rows, "unit": t(unit)}


def _definitions(t: _Words) -> list[dict[str, str]]:
    """The definition of every metric in the page's language, grouped as they are defined."""
    return [
        {"terms": listed(map(t.metric, metrics), t.lang), "text": fa if t.lang == "fa" else en}
        for metrics, en, fa in words.DEFINITIONS
    ]


def _segments(analysis: Analysis, t: _Words) -> dict[str, Any] | None:
    length = analysis.length
    if length.segments is None or length.by is None:
        return None
    metrics = [m for m in ("cases", "steps", "visits", "cycle_time") if m in length.segments]
    values = [[_timedelta(row[m]) for m in metrics] for _, row in length.segments.iterrows()]
    unit = _time_unit(v for row in values for v in row)
    return {
        "by": t(length.by) if t.lang == "fa" else length.by,
        "by_label": field_label(length.by, t.lang),
        "metrics": [t.metric(m) for m in metrics],
        "rows": [
            {
                "segment": str(segment),
                "label": code_label(segment, t.lang),
                "values": [
                    t.duration(v, unit=unit) if isinstance(v, timedelta) else t.value(v)
                    for v in row
                ],
            }
            for segment, row in zip(length.segments.index, values, strict=True)
        ],
    }


def _timedelta(value: Any) -> Any:
    """pandas durations as :class:`datetime.timedelta`, anything else unchanged."""
    import pandas as pd

    if isinstance(value, pd.Timedelta):
        return value.to_pytimedelta()
    if value is pd.NaT:
        return None
    return value


def _gaps(analysis: Analysis, t: _Words, names: Mapping[str, str]) -> dict[str, Any]:
    gaps = analysis.gaps
    assert gaps is not None
    return {
        "coverage": t.share(gaps.coverage),
        "fitness": t.number(gaps.fitness, 3),
        "steps": [
            {
                "activity": t.name(r.activity, names),
                "events": t.number(int(r.events)),
                "cases": t.number(int(r.cases)),
                "case_share": t.share(r.case_share),
                "time_share": t.share(r.time_share),
            }
            for r in gaps.steps.itertuples()
        ],
        "transitions": [
            {
                "source": t.name(r.source, names),
                "target": t.name(r.target, names),
                "cases": t.number(int(r.cases)),
                "case_share": t.share(r.case_share),
            }
            for r in gaps.transitions.itertuples()
        ],
        "skipped": [
            {
                "step": t.name(r.step, names),
                "cases": t.number(int(r.cases)),
                "case_share": t.share(r.case_share),
                "mandatory": t(_yes_no(r.mandatory)),
            }
            for r in gaps.skipped.itertuples()
        ],
    }


def _yes_no(value: Any) -> str:
    """``True``, ``False`` or unknown (``None`` or a missing value) in words."""
    if value is True or value is False:
        return "yes" if value else "no"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "unknown"
    try:
        return "yes" if bool(value) else "no"
    except TypeError:  # pandas' NA
        return "unknown"


# -- proposals --------------------------------------------------------------------------------


def _proposals(analysis: Analysis, t: _Words, names: Mapping[str, str]) -> dict[str, Any]:
    """Applied changes first, then those that need a legal change, then the rest; within
    each, the largest improvement of the weighted objective first."""
    ranked = sorted(
        analysis.redesign.proposals,
        key=lambda p: (not p.applied, not p.needs_legal_change, p.score_change),
    )
    applied = {s: p for p in ranked if p.applied for s in p.step_ids}
    steps = [*analysis.to_be.steps, *analysis.as_is.steps]
    unit = _time_unit(
        timedelta(days=p.impact["cycle_time"]) for p in ranked if "cycle_time" in p.impact
    )
    rows = [
        {
            "rank": t.number(rank),
            "heuristic": heuristic_name(p.heuristic, t.lang),
            "id": p.heuristic,
            "targets": [t.name(n, names) for n in p.targets],
            "rationale": reason(p, steps, t.lang, lambda text: t.name(text, names)),
            "evidence": [_evidence(e, t, names) for e in p.evidence],
            "impact": _impact(p.impact, t, unit),
            "status": _status(p, applied, t),
            "applied": p.applied,
        }
        for rank, p in enumerate(ranked, 1)
    ]
    return {"rows": rows}


def _status(p: Proposal, applied: Mapping[str, Proposal], t: _Words) -> str:
    """Applied, or why not; a conflict names the applied change that took the steps."""
    if p.applied:
        return t("applied")
    status = t(words.NOT_APPLIED.get(p.not_applied or "", "not applied"))
    other = next((applied[s] for s in p.step_ids if s in applied), None)
    if p.not_applied in ("conflict", "dominated") and other is not None:
        status += f" ({heuristic_name(other.heuristic, t.lang)})"
    return status


def _evidence(evidence: Any, t: _Words, names: Mapping[str, str]) -> dict[str, str]:
    """One fact a change rests on: the step, the field and its value, and the source."""
    source = t(words.EVIDENCE_SOURCES.get(evidence.source, "the model"))
    confidence = evidence.confidence
    sure = "" if confidence is None or confidence >= 1 else f", {t.share(confidence)}"
    text = (
        f"{t.name(evidence.step, names)}: {field_label(evidence.field, t.lang)} = "
        f"{_fact(evidence.value, t, names)} ({source}{sure})"
    )
    return {"text": text, "detail": str(evidence.detail or "")}


def _fact(value: Any, t: _Words, names: Mapping[str, str]) -> str:
    """A value a change relies on, in words."""
    if isinstance(value, bool):
        return t("yes" if value else "no")
    if isinstance(value, frozenset):
        return listed((t.name(d, names) for d in sorted(value)), t.lang, strong=True) or t("none")
    if isinstance(value, timedelta):
        return t.duration(value)
    if value is None:
        return t("unknown")
    return t.name(code_label(value, t.lang), names)


def _impact(impact: Mapping[str, float], t: _Words, unit: str) -> list[str]:
    """The metrics a change moves, each with its change (the cycle time in ``unit``)."""
    shown = []
    for metric in _IMPACT:
        change = impact.get(metric)
        if change is None or math.isnan(change) or abs(change) < 1e-9:
            continue
        label = words.IMPACT[metric][1 if t.lang == "fa" else 0]
        if metric == "cycle_time":  # in days
            shown.append(f"{label} {t.duration(timedelta(days=change), signed=True, unit=unit)}")
        else:
            shown.append(f"{label} {t.signed(change)}")
    return shown


def _no_proposal(analysis: Analysis, t: _Words) -> dict[str, Any] | None:
    """Why the redesign proposes nothing, and what would let it (``None`` when it does)."""
    # The fields the annotation table asks an analyst for first: those the heuristics read.
    from bpr.annotate import _ASKED

    if analysis.redesign.proposals:
        return None
    steps = analysis.as_is.steps
    unknown = [
        {
            "field": field_label(field, t.lang),
            "code": field,
            "count": t.digits(f"{count} {t('of')} {len(steps)}"),
        }
        for field in _ASKED
        if (count := sum(getattr(s, field, None) is None for s in steps))
    ]
    return {
        "unknown": unknown,
        "columns": ", ".join(("activity", *_ASKED)),
        "template": _template_file(analysis),
    }


def _template_file(analysis: Analysis) -> str | None:
    """The annotation table :meth:`Analysis.save` writes, when steps lack fields."""
    from bpr.analysis import ANNOTATION_FILES

    return None if analysis.annotation_table is None else ANNOTATION_FILES[0]


def _findings(analysis: Analysis, t: _Words, names: Mapping[str, str]) -> dict[str, Any]:
    """What the redesign did not act on and the analyst should review: undocumented steps with
    how often they run and what they cost, and steps whose missing fields kept a heuristic from
    looking at them, with what to give."""
    findings = analysis.redesign.findings
    unit = _time_unit(f.time for f in findings)
    rows = []
    for f in findings:
        fields = listed((field_label(x, t.lang) for x in f.fields), t.lang)
        which = "undocumented" if f.kind == "undocumented" else "missing_fields"
        what, advice = (x[1 if t.lang == "fa" else 0] for x in words.FINDINGS[which])
        rows.append(
            {
                "kind": f.kind,
                "what": what.format(
                    heuristics=listed((heuristic_name(h, t.lang) for h in f.needed_by), t.lang),
                    fields=fields,
                ),
                "steps": _some_steps(f.steps, len(analysis.as_is.steps), t, names),
                "share": t.share(f.cases_share),
                "executions": t.number(f.executions),
                "time": t.duration(f.time, unit=unit),
                "advice": advice.format(fields=fields),
            }
        )
    return {"rows": rows, "template": _template_file(analysis)}


def _some_steps(steps: Sequence[str], total: int, t: _Words, names: Mapping[str, str]) -> str:
    """The steps by name, or, for many, how many and the first few."""
    if len(steps) <= _STEPS_SHOWN:
        return listed((t.name(n, names) for n in steps), t.lang, strong=True)
    first = listed((t.name(n, names) for n in steps[:_STEPS_SHOWN]), t.lang, strong=True)
    count = t.digits(f"{len(steps)} {t('of')} {total}")
    return f"{count} {t('steps')}: {first} …"


_STEPS_SHOWN = 5


def _compared(analysis: Analysis, t: _Words) -> dict[str, Any]:
    frame = analysis.as_is_length.compare(analysis.to_be_length)
    unit = _time_unit(v for m in _COMPARED for v in frame.loc[m, ["this", "other"]])
    rows = []
    for metric in _COMPARED:
        change = frame.loc[metric, "change"]
        rows.append(
            {
                "key": metric,
                "label": t.metric(metric),
                "as_is": _cell(analysis.as_is_length, metric, t, unit),
                "to_be": _cell(analysis.to_be_length, metric, t, unit),
                "change": t.duration(change, signed=True, unit=unit)
                if isinstance(change, timedelta)
                else t.signed(change),
            }
        )
    return {"rows": rows, "unit": t(unit)}


def _simulation(analysis: Analysis, t: _Words) -> dict[str, Any]:
    simulation = analysis.simulation
    assert simulation is not None
    unit = _time_unit(
        getattr(run, metric).value
        for metric in simulation.differences
        for run in (simulation.as_is, simulation.to_be)
    )
    rows = []
    for metric, difference in simulation.differences.items():
        before, after = (
            getattr(simulation.as_is, metric).value,
            getattr(simulation.to_be, metric).value,
        )
        low, high = (
            t.duration(d, signed=True, unit=unit) for d in (difference.low, difference.high)
        )
        interval = _DASH if difference.low is None else f"{low} … {high}"
        rows.append(
            {
                "key": metric,
                "label": t.metric("cycle_time_mean" if metric == "cycle_time" else metric),
                "as_is": t.duration(before, unit=unit),
                "to_be": t.duration(after, unit=unit),
                "change": t.duration(difference.value, signed=True, unit=unit),
                "interval": interval,
            }
        )
    return {
        "rows": rows,
        "cases": t.number(simulation.as_is.cases),
        "runs": t.number(simulation.as_is.replications),
    }


def _repairs(analysis: Analysis, t: _Words) -> list[dict[str, str]]:
    """The log's repairs; in Persian the detail (written in English by the reader of the log)
    is kept for the tooltip."""
    rows = []
    for r in analysis.log.repairs.itertuples():
        persian = words.REPAIRS_FA.get(r.repair, "اصلاح داده")
        rows.append(
            {
                "repair": persian if t.lang == "fa" else r.repair,
                "count": t.number(int(r.count)),
                "detail": "" if t.lang == "fa" else r.detail,
                "title": r.detail,
            }
        )
    return rows


def _hms(text: str, t: _Words) -> str:
    """A duration the simulation wrote as a clock reads it, in named hours, minutes and
    seconds; any other text as it is."""
    value = words.parse_clock(text)
    return t.digits(text) if value is None else words.spelled(value, t.lang)


def _part(key: str, value: str, t: _Words, names: Mapping[str, str]) -> str:
    """One recognised part of an assumption, written for the reader."""
    if key in ("travel", "queue", "obtain", "gap", "office", "counter", "mean"):
        return _hms(value, t)
    if key == "steps":
        return listed((t.name(s.strip(), names) for s in value.split(", ")), t.lang)
    if key == "weekend":
        days = [d.strip() for d in value.split(",")]
        if t.lang == "fa":
            return listed((words.WEEKDAYS_FA.get(d, d) for d in days), t.lang)
        return listed((d.title() for d in days), t.lang)
    if key == "zone" and t.lang == "fa" and value in ("Asia/Tehran", "Iran"):
        return "تهران"
    if key == "metric":
        return t.metric(value.replace(" ", "_"))
    if key == "weights":
        pairs = [w.rsplit(" ", 1) for w in value.split(", ")]
        # The objective weighs the mean cycle time (bpr.redesign).
        metric = {"cycle_time": "cycle_time_mean"}
        return listed((f"{t.metric(metric.get(m, m))} {t.digits(w)}" for m, w in pairs), t.lang)
    if t.lang == "fa":
        return t.digits(words.FA_WORDS.get(value, value))
    return value


def _assumption(text: str, t: _Words, names: Mapping[str, str]) -> tuple[str, bool]:
    """An assumption for the reader, and whether it was recognised (an unrecognised one is
    shown as its stage wrote it)."""
    for pattern, en, fa in words.ASSUMPTIONS:
        found = pattern.search(text)
        if found:
            parts = {k: _part(k, v, t, names) for k, v in found.groupdict().items()}
            return (fa if t.lang == "fa" else en).format(**parts), True
    return text, False


def _assumptions(analysis: Analysis, t: _Words, names: Mapping[str, str]) -> list[dict[str, Any]]:
    """What the numbers rest on, each once with the stages that made it, in stage order."""
    stages: list[tuple[str, Iterable[str]]] = [
        ("length observed in the log", analysis.length.assumptions),
        ("length of the as-is model", analysis.as_is_length.assumptions),
        ("length of the to-be model", analysis.to_be_length.assumptions),
        (
            "redesign",
            [
                *analysis.redesign.notes,
                "objective weights: "
                + ", ".join(f"{k} {v:g}" for k, v in analysis.redesign.weights.items()),
            ],
        ),
    ]
    if analysis.gaps is not None and analysis.gaps.time_basis is not None:
        stages.append(("gaps", [f"time shares are shares of {analysis.gaps.time_basis} time"]))
    if analysis.simulation is not None:
        stages += [
            ("simulation of the as-is", analysis.simulation.as_is.assumptions),
            ("simulation of the to-be", analysis.simulation.to_be.assumptions),
        ]
    found: dict[str, dict[str, Any]] = {}
    for stage, notes in stages:
        for note in notes:
            text, known = _assumption(note, t, names)
            entry = found.setdefault(text, {"text": text, "known": known, "where": []})
            if t(stage) not in entry["where"]:
                entry["where"].append(t(stage))
    return [{**e, "where": listed(e["where"], t.lang, strong=True)} for e in found.values()]


def _glossary(analysis: Analysis, t: _Words) -> list[dict[str, str]]:
    """The names the CSV files and the code use, with what each means: the metrics of
    ``metrics.csv`` (durations in hours), the effects of ``proposals.csv``, the heuristics."""
    from bpr.analysis import csv_metric
    from bpr.measure import METRICS

    in_hours = f" ({t('in hours')})"
    metrics = [(csv_metric(m), t.metric(m)) for m in METRICS]
    if analysis.simulation is not None:
        metrics += [
            (csv_metric(m, "simulation"), t.metric("cycle_time_mean" if m == "cycle_time" else m))
            for m in analysis.simulation.differences
        ]
    entries = {
        code: meaning + (in_hours if code.endswith("_h") else "") for code, meaning in metrics
    }
    for metric, labels in words.IMPACT.items():
        code = "change_cycle_time_mean_h" if metric == "cycle_time" else f"change_{metric}"
        label = labels[1 if t.lang == "fa" else 0]
        entries[code] = f"{t('change of')} {label}" + (in_hours if code.endswith("_h") else "")
    entries |= {
        h: heuristic_name(h, t.lang)
        for h in dict.fromkeys(p.heuristic for p in analysis.redesign.proposals)
    }
    return [{"code": code, "meaning": meaning} for code, meaning in entries.items()]
