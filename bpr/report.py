"""The analysis as one self-contained HTML page that a manager reads, on screen or on paper.

:func:`report` turns an :class:`~bpr.analysis.Analysis` into a :class:`Report`: one HTML file
with its CSS and diagrams (SVG) inline, no scripts, no fonts or styles fetched from anywhere,
laid out to print (``@media print``). It holds, in order: the headline figures, the as-is
process, its length with the definition of every metric (taken from :class:`bpr.Length`), the
undocumented steps and transitions with their shares, the redesign proposals ranked with their
rationale and impact, the as-is and the to-be side by side, the simulated effect with 95 %
confidence intervals, and the data repairs and assumptions behind the numbers.

``lang="fa"`` writes the page right to left (``dir="rtl"``) with Persian headings, labels and
digits; diagrams keep their left-to-right flow and show the steps' Persian names where known.
The texts that come from the analysis itself (step names, rationales, definitions,
assumptions) are shown as they are.

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
import inspect
import math
import os
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from bpr.errors import BprError

if TYPE_CHECKING:
    from bpr.analysis import Analysis

__all__ = ["Report", "report"]

Lang = Literal["en", "fa"]

_PERSIAN = str.maketrans("0123456789.,%", "۰۱۲۳۴۵۶۷۸۹٫٬٪")
_DASH = "—"
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
_IMPACT = ("visits", "steps", "handoffs", "documents", "cycle_time")

# The words of the page. Keys are the English texts (or metric names) they translate.
_FA: Mapping[str, str] = {
    # sections
    "Analysis of": "تحلیل فرایند",
    "Contents": "فهرست",
    "Summary": "خلاصه",
    "The process as it is": "فرایند در وضع موجود",
    "Length": "طول فرایند",
    "Definitions": "تعریف‌ها",
    "By": "به تفکیک",
    "Undocumented steps and transitions": "گام‌ها و گذارهای مستندنشده",
    "Undocumented steps": "گام‌های مستندنشده",
    "Undocumented transitions": "گذارهای مستندنشده",
    "Skipped documented steps": "گام‌های مستندِ انجام‌نشده",
    "Redesign proposals": "پیشنهادهای بازطراحی",
    "As-is and to-be": "وضع موجود و وضع مطلوب",
    "Simulation": "شبیه‌سازی",
    "Data repairs and assumptions": "اصلاح داده‌ها و فرض‌ها",
    "Data repairs": "اصلاح داده‌ها",
    "Assumptions": "فرض‌ها",
    # sentences and column heads
    "figure": "شاخص",
    "value": "مقدار",
    "metric": "سنجه",
    "observed in the log": "مشاهده‌شده در رویدادنگار",
    "as-is model": "مدل وضع موجود",
    "to-be model": "مدل وضع مطلوب",
    "as-is": "وضع موجود",
    "to-be": "وضع مطلوب",
    "change": "تغییر",
    "95% interval of the change": "بازه اطمینان ۹۵٪ تغییر",
    "activity": "فعالیت",
    "events": "رویدادها",
    "cases": "پرونده‌ها",
    "share of cases": "سهم پرونده‌ها",
    "share of time": "سهم زمان",
    "from": "از",
    "to": "به",
    "step": "گام",
    "mandatory": "الزامی",
    "yes": "بله",
    "no": "خیر",
    "rank": "رتبه",
    "change proposed": "تغییر پیشنهادی",
    "steps changed": "گام‌های تغییریافته",
    "rationale": "دلیل",
    "impact": "اثر",
    "status": "وضعیت",
    "applied": "اعمال شد",
    "not applied": "اعمال نشد",
    "needs a legal change": "نیازمند تغییر قانون",
    "repair": "اصلاح",
    "count": "تعداد",
    "detail": "جزئیات",
    "No repairs were needed.": "اصلاحی لازم نبود.",
    "No undocumented step.": "گام مستندنشده‌ای نیست.",
    "No undocumented transition.": "گذار مستندنشده‌ای نیست.",
    "No case skips a documented step.": "هیچ پرونده‌ای گام مستندی را جا نینداخته است.",
    "No documented procedure was given: the discovered process is the first documentation.": (
        "روال مستندی داده نشد: فرایند کشف‌شده نخستین مستند آن است."
    ),
    "The simulation was not run.": "شبیه‌سازی اجرا نشد.",
    "discovered from": "کشف‌شده از",
    "the documented procedure covers": "روال مستند پوشش می‌دهد",
    "of events; alignment fitness": "از رویدادها؛ تطابق هم‌ترازی",
    "cases per run,": "پرونده در هر اجرا،",
    "runs on common random numbers; means over runs.": (
        "اجرا با اعداد تصادفی مشترک؛ میانگین اجراها."
    ),
    "Made with bpr": "ساخته‌شده با bpr",
    "seed": "بذر تصادفی",
    # units
    "days": "روز",
    "h": "ساعت",
    # summary figures
    "activities": "فعالیت‌ها",
    "variants": "گونه‌های مسیر",
    "steps per case": "گام در هر پرونده",
    "visits per case": "مراجعه حضوری در هر پرونده",
    "cycle time (median)": "زمان چرخه (میانه)",
    "undocumented activities": "فعالیت‌های مستندنشده",
    "undocumented transitions": "گذارهای مستندنشده",
    "documented share of events": "سهم رویدادهای مستند",
    "fitness to the procedure": "تطابق با روال مستند",
    "changes proposed": "تغییرهای پیشنهادی",
    "changes applied": "تغییرهای اعمال‌شده",
    "steps, as-is model": "گام‌ها، مدل وضع موجود",
    "steps, to-be model": "گام‌ها، مدل وضع مطلوب",
    "visits, as-is model": "مراجعه حضوری، مدل وضع موجود",
    "visits, to-be model": "مراجعه حضوری، مدل وضع مطلوب",
    "cycle time, as-is simulated": "زمان چرخه، شبیه‌سازی وضع موجود",
    "cycle time, to-be simulated": "زمان چرخه، شبیه‌سازی وضع مطلوب",
    # metrics
    "steps": "گام‌ها",
    "steps_min": "کمترین گام‌ها",
    "steps_max": "بیشترین گام‌ها",
    "visits": "مراجعه‌های حضوری",
    "handoffs": "دست‌به‌دست شدن‌ها",
    "agencies": "دستگاه‌ها",
    "documents": "مدارک",
    "inquiries": "استعلام‌ها",
    "paper_inquiries": "استعلام‌های کاغذی",
    "rework": "دوباره‌کاری",
    "procedures": "مراحل مواجهه با شهروند",
    "cycle_time": "زمان چرخه (میانه)",
    "cycle_time_mean": "زمان چرخه (میانگین)",
    "cycle_time_median": "زمان چرخه (میانه)",
    "cycle_time_p90": "زمان چرخه (صدک ۹۰)",
    "working_time": "زمان کار",
    "waiting_time": "زمان انتظار",
    "travel_time": "زمان رفت‌وآمد",
    "waiting_share": "سهم انتظار",
    "cycle_time_business": "زمان چرخه کاری (میانه)",
    "cycle_time_business_mean": "زمان چرخه کاری (میانگین)",
    "days_metric": "روزها (روش Doing Business)",
    "burden": "بار زمانی بر شهروند",
}
_EN_METRICS: Mapping[str, str] = {
    "cycle_time": "cycle time (median)",
    "cycle_time_mean": "cycle time (mean)",
    "cycle_time_median": "cycle time (median)",
    "cycle_time_p90": "cycle time (90th percentile)",
    "cycle_time_business": "business cycle time (median)",
    "cycle_time_business_mean": "business cycle time (mean)",
    "days_metric": "days (Doing Business)",
    "steps_min": "fewest steps",
    "steps_max": "most steps",
    "paper_inquiries": "paper inquiries",
}


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
        """Write the page to ``path`` (UTF-8) and return the path.

        Raises
        ------
        BprError
            When the file cannot be written.
        """
        path = Path(path)
        try:
            path.write_text(self.html, encoding="utf-8", newline="\n")
        except OSError as exc:
            raise BprError(
                f"cannot write the report to {path} ({exc.strerror}); choose another path"
            ) from None
        return path

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
            return _FA.get(text, text)
        return text

    def metric(self, name: str) -> str:
        key = "days_metric" if name == "days" else name
        if self.lang == "fa":
            return _FA.get(key, name)
        return _EN_METRICS.get(key, name.replace("_", " "))

    def digits(self, text: str) -> str:
        return text.translate(_PERSIAN) if self.lang == "fa" else text

    def number(self, value: Any, places: int = 2) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return _DASH
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
            return self.digits(f"{int(value):,}")
        return self.digits(f"{value:,.{places}f}")

    def signed(self, value: Any) -> str:
        shown = self.number(value)
        return shown if shown == _DASH or value <= 0 else "+" + shown

    def share(self, value: Any) -> str:
        if value is None or math.isnan(value):
            return _DASH
        return self.digits(f"{100 * value:.1f}%")

    def duration(self, value: timedelta | None, signed: bool = False) -> str:
        """Days with two decimals from one day up, else hours with two decimals."""
        if value is None:
            return _DASH
        seconds = value.total_seconds()
        amount, unit = (seconds / 86400, "days") if abs(seconds) >= 86400 else (seconds / 3600, "h")
        sign = "+" if signed and seconds > 0 else ""
        return f"{sign}{self.digits(f'{amount:,.2f}')} {self(unit)}"

    def value(self, value: Any, unit: str = "count") -> str:
        """A figure as the page shows it: durations, shares as percentages (``unit="share"``),
        days as durations (``unit="days"``), anything else as a number."""
        if isinstance(value, timedelta):
            return self.duration(value)
        if unit == "share":
            return self.share(value)
        if unit == "days":
            return self.duration(None if math.isnan(value) else timedelta(days=value))
        return self.number(value)


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

    diagrams = {
        name.removesuffix(".svg"): Markup(svg)  # drawn by bpr.render: escaped text, no scripts
        for name, svg in analysis.diagrams(t.lang).items()
    }
    return {
        "name": analysis.name,
        "source": Path(analysis.log.source).name,
        "summary": [
            {"key": figure, "label": t(figure), "value": t.value(row["value"], row["unit"])}
            for figure, row in analysis.summary().iterrows()
        ],
        "diagrams": diagrams,
        "length": _length(analysis, t),
        "definitions": _definitions(t),
        "segments": _segments(analysis, t),
        "gaps": None if analysis.gaps is None else _gaps(analysis, t),
        "proposals": _proposals(analysis, t),
        "compared": _compared(analysis, t),
        "simulation": None if analysis.simulation is None else _simulation(analysis, t),
        "repairs": [
            {"repair": r.repair, "count": t.number(int(r.count)), "detail": r.detail}
            for r in analysis.log.repairs.itertuples()
        ],
        "assumptions": _assumptions(analysis),
        "version": bpr.__version__,
        "settings": {
            "cases": t.number(analysis.cases),
            "runs": t.number(analysis.replications),
            "seed": t.number(analysis.seed),
        },
    }


def _length(analysis: Analysis, t: _Words) -> list[dict[str, str]]:
    from bpr.measure import METRICS

    return [
        {
            "key": metric,
            "label": t.metric(metric),
            "log": t.value(getattr(analysis.length, metric), _unit(metric)),
            "as_is": t.value(getattr(analysis.as_is_length, metric), _unit(metric)),
            "to_be": t.value(getattr(analysis.to_be_length, metric), _unit(metric)),
        }
        for metric in METRICS
    ]


def _unit(metric: str) -> str:
    return "share" if metric == "waiting_share" else "count"


def _definitions(t: _Words) -> list[dict[str, str]]:
    """The metric definitions as :class:`bpr.Length` documents them (the one place they are
    written down in code): one entry per group of metrics its docstring defines together."""
    from bpr.measure import METRICS, Length

    entries = []
    for names, text in _attribute_docs(Length.__doc__ or ""):
        shown = [n for n in names if n in METRICS]
        if shown:
            entries.append({"terms": ", ".join(t.metric(n) for n in shown), "text": text})
    return entries


def _attribute_docs(doc: str) -> list[tuple[list[str], str]]:
    """The ``Attributes`` section of a NumPy-style docstring: (names, description) pairs."""
    _, found, section = inspect.cleandoc(doc).partition("Attributes\n----------\n")
    entries: list[tuple[list[str], list[str]]] = []
    for line in section.splitlines() if found else []:
        if line.startswith(" ") and entries:
            entries[-1][1].append(line.strip())
        elif " : " in line:
            names = [n.strip() for n in line.split(" : ", 1)[0].split(",")]
            entries.append((names, []))
        elif line.strip():
            break  # the next section
    # The docstring marks code with reStructuredText's double backquotes; the page shows words.
    return [(names, " ".join(text).replace("``", "")) for names, text in entries]


def _segments(analysis: Analysis, t: _Words) -> dict[str, Any] | None:
    length = analysis.length
    if length.segments is None or length.by is None:
        return None
    metrics = [m for m in ("cases", "steps", "visits", "cycle_time") if m in length.segments]
    return {
        "by": length.by,
        "metrics": [t.metric(m) for m in metrics],
        "rows": [
            {
                "segment": str(segment),
                "values": [t.value(_timedelta(row[m]), _unit(m)) for m in metrics],
            }
            for segment, row in length.segments.iterrows()
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


def _gaps(analysis: Analysis, t: _Words) -> dict[str, Any]:
    gaps = analysis.gaps
    assert gaps is not None
    return {
        "coverage": t.share(gaps.coverage),
        "fitness": t.number(gaps.fitness, 3),
        "steps": [
            {
                "activity": r.activity,
                "events": t.number(int(r.events)),
                "cases": t.number(int(r.cases)),
                "case_share": t.share(r.case_share),
                "time_share": t.share(r.time_share),
            }
            for r in gaps.steps.itertuples()
        ],
        "transitions": [
            {
                "source": r.source,
                "target": r.target,
                "cases": t.number(int(r.cases)),
                "case_share": t.share(r.case_share),
            }
            for r in gaps.transitions.itertuples()
        ],
        "skipped": [
            {
                "step": r.step,
                "cases": t.number(int(r.cases)),
                "case_share": t.share(r.case_share),
                "mandatory": t("yes" if r.mandatory else "no"),
            }
            for r in gaps.skipped.itertuples()
        ],
    }


def _proposals(analysis: Analysis, t: _Words) -> list[dict[str, Any]]:
    """Applied changes first, then those that need a legal change, then the rest; within
    each, the largest improvement of the weighted objective first."""
    from bpr.heuristics import HEURISTICS

    ranked = sorted(
        analysis.redesign.proposals,
        key=lambda p: (not p.applied, not p.needs_legal_change, p.score_change),
    )
    rows = []
    for rank, p in enumerate(ranked, 1):
        status = (
            "applied"
            if p.applied
            else "needs a legal change"
            if p.needs_legal_change
            else "not applied"
        )
        rows.append(
            {
                "rank": t.number(rank),
                "heuristic": HEURISTICS[p.heuristic].name,
                "id": p.heuristic,
                "targets": p.targets,
                "rationale": p.rationale,
                "impact": _impact(p.impact, t),
                "status": t(status),
                "applied": p.applied,
            }
        )
    return rows


def _impact(impact: Mapping[str, float], t: _Words) -> list[str]:
    shown = []
    for metric in _IMPACT:
        change = impact.get(metric)
        if change is None or abs(change) < 1e-9:
            continue
        if metric == "cycle_time":  # in days
            shown.append(
                f"{t.metric('cycle_time_mean')} {t.duration(timedelta(days=change), signed=True)}"
            )
        else:
            shown.append(f"{t.metric(metric)} {t.signed(change)}")
    return shown


def _compared(analysis: Analysis, t: _Words) -> list[dict[str, str]]:
    frame = analysis.as_is_length.compare(analysis.to_be_length)
    rows = []
    for metric in _COMPARED:
        this, other, change = (frame.loc[metric, c] for c in ("this", "other", "change"))
        rows.append(
            {
                "key": metric,
                "label": t.metric(metric),
                "as_is": t.value(this),
                "to_be": t.value(other),
                "change": t.duration(change, signed=True)
                if isinstance(change, timedelta)
                else t.signed(change),
            }
        )
    return rows


def _simulation(analysis: Analysis, t: _Words) -> dict[str, Any]:
    simulation = analysis.simulation
    assert simulation is not None
    rows = []
    for metric, difference in simulation.differences.items():
        before, after = (
            getattr(simulation.as_is, metric).value,
            getattr(simulation.to_be, metric).value,
        )
        low, high = (t.duration(d, signed=True) for d in (difference.low, difference.high))
        interval = _DASH if difference.low is None else f"{low} … {high}"
        rows.append(
            {
                "key": metric,
                "label": t.metric("cycle_time_mean" if metric == "cycle_time" else metric),
                "as_is": t.duration(before),
                "to_be": t.duration(after),
                "change": t.duration(difference.value, signed=True),
                "interval": interval,
            }
        )
    return {
        "rows": rows,
        "cases": t.number(simulation.as_is.cases),
        "runs": t.number(simulation.as_is.replications),
    }


def _assumptions(analysis: Analysis) -> list[str]:
    """What the numbers rest on, each once, in the order the stages made them."""
    notes: Iterable[str] = [
        *(f"Length (log): {a}" for a in analysis.length.assumptions),
        *(f"Length (as-is model): {a}" for a in analysis.as_is_length.assumptions),
        *(f"Length (to-be model): {a}" for a in analysis.to_be_length.assumptions),
        "Redesign objective weights: "
        + ", ".join(f"{k} {v:g}" for k, v in analysis.redesign.weights.items()),
    ]
    if analysis.gaps is not None and analysis.gaps.time_basis is not None:
        notes = [*notes, f"Gaps: time shares are shares of {analysis.gaps.time_basis} time"]
    if analysis.simulation is not None:
        notes = [
            *notes,
            *(f"Simulation (as-is): {a}" for a in analysis.simulation.as_is.assumptions),
            *(f"Simulation (to-be): {a}" for a in analysis.simulation.to_be.assumptions),
        ]
    return list(dict.fromkeys(notes))
