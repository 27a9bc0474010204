"""The whole analysis in one call: from an event log to the as-is, its gaps, a redesign, its effect.

:func:`analyze` runs the stages of `bpr` in order and keeps every result in an
:class:`Analysis`:

1. **read** the log (:func:`bpr.read_log`), when given a path or a DataFrame;
2. **statistics** (:meth:`bpr.EventLog.stats`);
3. **gaps** against the documented procedure, when there is one (:func:`bpr.find_undocumented`);
4. **discover** the as-is process (:func:`bpr.discover`, typed by ``annotations``);
5. **measure** the log (by channel when the log has a channel) and the as-is model
   (:func:`bpr.measure`);
6. **redesign** the as-is (:func:`bpr.redesign`) and measure the to-be;
7. **simulate** the as-is and the to-be on common random numbers
   (:func:`bpr.compare_simulations`, with the log's arrival rate and durations).

:meth:`Analysis.save` writes the results as files and :func:`bpr.report` as one HTML page.
The same inputs give byte-identical files.

Examples
--------
>>> from bpr._demo import demo_inputs
>>> demo = demo_inputs(cases=60)
>>> analysis = analyze(demo.log, documented=demo.documented, annotations=demo.annotations,
...                    read={"timezone": "Asia/Tehran"}, cases=50, replications=2)
>>> analysis.as_is.name, analysis.log.n_cases
('Vehicle ownership transfer', 60)
>>> sorted(analysis.gaps.steps["activity"])
['Photocopy the documents', 'Second visit to the municipality']
>>> analysis.to_be_length.visits < analysis.as_is_length.visits
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from bpr._words import in_unit
from bpr.errors import BprError

if TYPE_CHECKING:
    import pandas as pd

    from bpr.calendar import BusinessCalendar
    from bpr.conformance import Documented, Gaps
    from bpr.fidelity import Fidelity
    from bpr.heuristics import Constraints
    from bpr.log import EventLog
    from bpr.measure import Length, Tariff
    from bpr.model import ServiceProcess
    from bpr.redesign import Redesign
    from bpr.simulate import SimulationComparison
    from bpr.stats import LogStats

__all__ = ["ANNOTATION_FILES", "Analysis", "Progress", "analyze", "csv_metric"]

#: The files :meth:`Analysis.save` writes the annotation table to, when steps lack fields.
ANNOTATION_FILES = ("annotations.xlsx", "annotations.csv")

#: Called as each stage starts: ``progress(stage, done, total)``, ``done`` stages finished of
#: ``total``; once more at the end with ``done == total``.
Progress = Callable[[str, int, int], None]

# Metric units in Analysis.metrics(): anything not listed is a count per case.
_UNITS = {
    "steps_min": "steps",
    "steps_max": "steps",
    "waiting_share": "share",
    "days": "days",
    "variants": "variants",
    "cases": "cases",
}


@attrs.frozen(eq=False)
class Analysis:
    """Every result of :func:`analyze`.

    Attributes
    ----------
    name : str
        The service's name (the documented procedure's, else the log file's).
    log : EventLog
        The event log as read, with its repairs.
    stats : LogStats
        The log's statistics.
    as_is : ServiceProcess
        The process discovered from the log and typed by the annotations.
    length : Length
        Measured on the log (means over cases); ``length.segments`` has one row per channel
        when the log has a channel.
    as_is_length, to_be_length : Length
        Expected values of the as-is and the to-be model.
    redesign : Redesign
        The proposals and the to-be.
    gaps : Gaps or None
        The log against the documented procedure, when one was given.
    simulation : SimulationComparison or None
        The as-is and the to-be simulated on common random numbers, unless switched off or
        the log has no times (no step's duration is known: only defaults would be simulated).
    seed, cases, replications : int
        The simulation's settings.
    calendar : BusinessCalendar or None
        The business calendar of the business cycle times (its
        :attr:`~bpr.calendar.BusinessCalendar.description` says it in words); ``None`` when
        none was chosen, and those figures are unknown.
    annotation_table : pandas.DataFrame or None
        When steps lack fields that the metrics or the heuristics need: the annotation table
        of the log's activities (:func:`bpr.annotation_table`), pre-filled with what is known,
        for an analyst to complete and pass back as ``annotations``; :meth:`save` writes it
        as :data:`ANNOTATION_FILES`. ``None`` when nothing is missing.
    fidelity : Fidelity or None
        How well the as-is model reproduces the log (:func:`bpr.fidelity`): share of cases
        and executions of every activity, rework, cycle times, each with its verdict.
    """

    name: str
    log: EventLog
    stats: LogStats
    as_is: ServiceProcess
    length: Length
    as_is_length: Length
    to_be_length: Length
    redesign: Redesign
    gaps: Gaps | None
    simulation: SimulationComparison | None
    seed: int
    cases: int
    replications: int
    calendar: BusinessCalendar | None = None
    annotation_table: pd.DataFrame | None = attrs.field(default=None, repr=False)
    fidelity: Fidelity | None = attrs.field(default=None, repr=False)
    _diagrams: dict[str, Mapping[str, str]] = attrs.field(factory=dict, init=False, repr=False)

    @property
    def to_be(self) -> ServiceProcess:
        """The redesigned process."""
        return self.redesign.to_be

    def summary(self) -> pd.DataFrame:
        """The headline figures: index ``figure``, columns ``value`` and ``unit``.

        Per-case figures of the log are means over cases; ``as-is`` and ``to-be`` figures are
        expected values of the models; simulated times are means over replications.
        """
        import pandas as pd

        length, stats = self.length, self.stats
        rows: list[tuple[str, Any, str]] = [
            ("cases", self.log.n_cases, "cases"),
            ("events", self.log.n_events, "events"),
            ("activities", len(self.log.activities), "activities"),
            ("variants", len(stats.variants), "variants"),
            ("steps per case", length.steps, "steps"),
            ("visits per case", length.visits, "visits"),
            ("cycle time (median)", _days(length.cycle_time), "days"),
        ]
        if self.gaps is not None:
            rows += [
                ("undocumented activities", len(self.gaps.steps), "activities"),
                ("undocumented transitions", len(self.gaps.transitions), "transitions"),
                ("documented share of events", self.gaps.coverage, "share"),
                ("fitness to the procedure", self.gaps.fitness, "share"),
            ]
        rows += [
            ("changes proposed", len(self.redesign.proposals), "changes"),
            ("changes applied", len(self.redesign.plan), "changes"),
            ("steps, as-is model", self.as_is_length.steps, "steps"),
            ("steps, to-be model", self.to_be_length.steps, "steps"),
            ("visits, as-is model", self.as_is_length.visits, "visits"),
            ("visits, to-be model", self.to_be_length.visits, "visits"),
        ]
        if self.simulation is not None:
            rows += [
                (
                    "cycle time, as-is simulated",
                    _days(self.simulation.as_is.cycle_time.value),
                    "days",
                ),
                (
                    "cycle time, to-be simulated",
                    _days(self.simulation.to_be.cycle_time.value),
                    "days",
                ),
            ]
        figures, values, units = zip(*rows, strict=True)
        index = pd.Index(figures, name="figure")
        return pd.DataFrame(
            {"value": pd.Series(values, index=index, dtype=object), "unit": list(units)},
            index=index,
        )

    def metrics(self) -> pd.DataFrame:
        """Every figure as one tidy table (what ``metrics.csv`` holds).

        Columns: ``section`` (``length``, ``length by <attribute>``, ``gaps``,
        ``simulation``), ``segment`` (the attribute's value, else empty), ``metric``, ``log``
        (observed in the log), ``as_is``, ``to_be`` (the models; simulated for
        ``simulation``), ``change`` (to-be minus as-is), ``low`` and ``high`` (the change's
        95 % confidence interval, simulation only) and ``unit``. Durations are in hours;
        ``metrics.csv`` names them with their statistic and unit (:func:`csv_metric`).
        """
        import pandas as pd

        from bpr.measure import METRICS

        rows = []
        for metric in METRICS:
            log = _number(getattr(self.length, metric))
            before = _number(getattr(self.as_is_length, metric))
            after = _number(getattr(self.to_be_length, metric))
            rows.append(
                (
                    "length",
                    "",
                    metric,
                    log,
                    before,
                    after,
                    after - before,
                    *_NO_CI,
                    _unit(metric, self.length.currency),
                )
            )
        rows += self._segment_rows()
        if self.gaps is not None:
            gaps = self.gaps
            for metric, value, unit in (
                ("coverage", gaps.coverage, "share"),
                ("fitness", gaps.fitness, "share"),
                ("undocumented_steps", len(gaps.steps), "activities"),
                ("undocumented_transitions", len(gaps.transitions), "transitions"),
                ("skipped_steps", len(gaps.skipped), "steps"),
            ):
                rows.append(("gaps", "", metric, float(value), *_NONE, *_NO_CI, unit))
        if self.simulation is not None:
            for row in self.simulation.to_frame().itertuples():
                rows.append(
                    (
                        "simulation",
                        "",
                        row.metric,
                        _NAN,
                        row.as_is,
                        row.to_be,
                        row.change,
                        row.low,
                        row.high,
                        row.unit,
                    )
                )
        columns = [
            "section",
            "segment",
            "metric",
            "log",
            "as_is",
            "to_be",
            "change",
            "low",
            "high",
            "unit",
        ]
        return pd.DataFrame(rows, columns=columns)

    def _segment_rows(self) -> list[tuple[Any, ...]]:
        segments = self.length.segments
        if segments is None:
            return []
        return [
            (
                f"length by {self.length.by}",
                str(segment),
                metric,
                _number(value),
                *_NONE,
                *_NO_CI,
                _unit(metric, self.length.currency),
            )
            for segment, values in segments.iterrows()
            for metric, value in values.items()
        ]

    def diagrams(self, lang: str = "en") -> Mapping[str, str]:
        """The SVG drawings by file name: ``as-is.svg``, ``to-be.svg``, ``comparison.svg``
        (as-is over to-be, changes marked) and ``gaps.svg`` (when there are gaps to draw).
        Drawn once per ``lang`` and kept."""
        if lang not in self._diagrams:
            from bpr._words import persian_names
            from bpr.render import render

            documented = None if self.gaps is None else self.gaps.documented
            # The log's activities carry no Persian names; the annotated steps do.
            names = persian_names(self.as_is, self.to_be, documented)
            drawn = {
                "as-is.svg": render(self.as_is, lang=lang, names=names),
                "to-be.svg": render(self.to_be, lang=lang, names=names),
                "comparison.svg": render(self.redesign, lang=lang, names=names),
            }
            if documented is not None:
                drawn["gaps.svg"] = render(self.gaps, lang=lang, names=names)
            self._diagrams[lang] = drawn
        return self._diagrams[lang]

    def files(self, lang: str = "en") -> dict[str, bytes]:
        """The files :meth:`save` writes (without the manifest), by name, as bytes.

        ``report.html`` (:func:`bpr.report` in ``lang``), ``as-is.json``, ``to-be.json``
        (:func:`bpr.write_process`), ``as-is.bpmn``, ``to-be.bpmn``, the SVGs of
        :meth:`diagrams`, ``metrics.csv`` (:meth:`metrics`, each duration named with its
        statistic and unit by :func:`csv_metric`), ``proposals.csv``
        (:meth:`bpr.Redesign.to_frame`, its effects in ``change_<metric>`` columns, the cycle
        time's in hours), with a documented procedure ``gaps.csv`` (:meth:`bpr.Gaps.to_frame`),
        and when steps lack fields the annotation table to fill in, as CSV and Excel
        (:data:`ANNOTATION_FILES`). Every duration in the files is in hours; text cells a
        spreadsheet would take for a formula start with a quote (:mod:`bpr._files`).
        """
        from bpr.bpmn import write_bpmn
        from bpr.report import report
        from bpr.serialize import write_process

        texts = {
            "report.html": report(self, lang=lang).html,
            "as-is.json": write_process(self.as_is),
            "to-be.json": write_process(self.to_be),
            "as-is.bpmn": write_bpmn(self.as_is),
            "to-be.bpmn": write_bpmn(self.to_be),
            **self.diagrams(lang),
            "metrics.csv": _csv(_named_metrics(self.metrics())),
            "proposals.csv": _csv(_proposal_rows(self.redesign.to_frame())),
        }
        if self.gaps is not None:
            texts["gaps.csv"] = _csv(self.gaps.to_frame())
        files = {name: text.encode("utf-8") for name, text in texts.items()}
        if self.annotation_table is not None:
            from bpr.annotate import annotation_table_bytes

            for name in ANNOTATION_FILES:
                files[name] = annotation_table_bytes(self.annotation_table, Path(name).suffix)
        return files

    def save(
        self,
        folder: str | os.PathLike[str],
        *,
        lang: str = "en",
        force: bool = False,
        about: Mapping[str, Any] | None = None,
    ) -> dict[str, Path]:
        """Write every result (:meth:`files`) into ``folder`` (made if needed), with a
        ``manifest.json`` that lists them with their sizes and SHA-256, the bpr version, and
        what the analysis was run on.

        Each file is written whole or not at all. Files an earlier save or ``bpr analyze``
        wrote into the folder and this one does not are removed; other files are kept, and
        logged as a warning (see :class:`bpr._files.Run`).

        Parameters
        ----------
        folder
            Where to write.
        lang
            The language of the report and the diagrams.
        force
            Overwrite files in the folder that no earlier run of bpr wrote, or that were
            changed since.
        about
            More for the manifest (JSON values): the inputs and options a caller used.

        Returns
        -------
        dict
            File name → path written (the manifest not included).

        Raises
        ------
        BprError
            When the folder cannot be written, or a file would overwrite one bpr did not
            write (without ``force``).
        """
        from bpr._files import Run

        run = Run(folder, force=force, what="the analysis")
        run.write(self.files(lang))
        return run.finish({"analysis": self.describe(lang), **(about or {})}).written

    def describe(self, lang: str = "en") -> dict[str, Any]:
        """What the analysis was run on, as the manifest of :meth:`save` records it: the log's
        source, the service's name, the seed, the simulated cases and replications, the
        business calendar and the language of the files."""
        return {
            "name": self.name,
            "log": str(self.log.source),
            "seed": self.seed,
            "cases": self.cases,
            "replications": self.replications,
            "calendar": None if self.calendar is None else self.calendar.description,
            "lang": lang,
        }

    def _repr_html_(self) -> str:
        from bpr.report import report

        return report(self)._repr_html_()


_NAN = float("nan")
_NONE = (_NAN, _NAN, _NAN)  # as_is, to_be, change
_NO_CI = (_NAN, _NAN)  # low, high


def _number(value: Any) -> float:
    """A metric as a float: durations in hours, unknown as NaN."""
    if value is None or isinstance(value, timedelta):
        return in_unit(value, "h")
    return float(value)


def _days(value: timedelta | None) -> float:
    return in_unit(value, "days")


def _unit(metric: str, currency: str | None = None) -> str:
    from bpr.measure import TIMES

    if metric == "burden_cost":
        return currency or "money"
    return "hours" if metric in TIMES else _UNITS.get(metric, "per case")


def _csv(frame: pd.DataFrame) -> str:
    from bpr._files import csv_text

    return csv_text(frame)


# A duration's name in the files: its statistic and its unit. The simulation's cycle_time is a
# mean; the length's is a median.
_CSV_NAMES = {
    "cycle_time": "cycle_time_median_h",
    "cycle_time_mean": "cycle_time_mean_h",
    "cycle_time_median": "cycle_time_median_h",
    "cycle_time_p90": "cycle_time_p90_h",
    "working_time": "working_time_mean_h",
    "waiting_time": "waiting_time_mean_h",
    "travel_time": "travel_time_mean_h",
    "cycle_time_business": "cycle_time_business_median_h",
    "cycle_time_business_mean": "cycle_time_business_mean_h",
    "burden": "burden_mean_h",
}


def csv_metric(metric: str, section: str = "length") -> str:
    """A metric's name in ``metrics.csv``: a duration carries its statistic and unit.

    Examples
    --------
    >>> csv_metric("cycle_time"), csv_metric("cycle_time", "simulation"), csv_metric("visits")
    ('cycle_time_median_h', 'cycle_time_mean_h', 'visits')
    """
    if section == "simulation" and metric == "cycle_time":
        return "cycle_time_mean_h"
    return _CSV_NAMES.get(metric, metric)


def _named_metrics(frame: pd.DataFrame) -> pd.DataFrame:
    """:meth:`Analysis.metrics` with each duration named by :func:`csv_metric`."""
    names = [csv_metric(m, s) for m, s in zip(frame["metric"], frame["section"], strict=True)]
    return frame.assign(metric=names)


def _proposal_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """:meth:`bpr.Redesign.to_frame` for a reader: effects as ``change_<metric>``, the cycle
    time's in hours like every duration of the files (the impact has it in days)."""
    renamed = frame.rename(columns={c: f"change_{c[2:]}" for c in frame if c.startswith("Δ ")})
    if "change_cycle_time" in renamed:
        at = list(renamed.columns).index("change_cycle_time")
        hours = renamed.pop("change_cycle_time") * 24.0
        renamed.insert(at, "change_cycle_time_mean_h", hours)
    return renamed


# -- the pipeline -------------------------------------------------------------------------------


class _Stages:
    """Tells ``progress`` which stage starts, and how many are done."""

    def __init__(self, names: list[str], progress: Progress | None) -> None:
        self.names, self.progress, self.done = names, progress, 0

    def start(self, name: str) -> None:
        if self.progress is not None:
            self.progress(name, self.done, len(self.names))
        self.done += 1

    def finish(self) -> None:
        if self.progress is not None:
            self.progress("done", len(self.names), len(self.names))


def analyze(
    log: EventLog | pd.DataFrame | str | os.PathLike[str],
    *,
    documented: Documented | None = None,
    annotations: Any = None,
    constraints: Constraints | Mapping[str, Any] | None = None,
    simulate: bool = True,
    cases: int = 1000,
    replications: int = 5,
    seed: int = 0,
    name: str | None = None,
    read: Mapping[str, Any] | None = None,
    calendar: BusinessCalendar | str | None = "auto",
    travel: timedelta | None = None,
    queue: timedelta | None = None,
    obtain: timedelta | None = None,
    tariff: Tariff | None = None,
    budget: float | timedelta | None = 10.0,
    progress: Progress | None = None,
) -> Analysis:
    """Analyse a service from its event log: as-is, length, gaps, redesign and its effect.

    Parameters
    ----------
    log
        An :class:`~bpr.EventLog`, or a path or DataFrame that :func:`bpr.read_log` reads.
    documented
        The official procedure, as :func:`bpr.find_undocumented` takes it (a process, a
        ``.bpmn``/``.pnml``/``.json`` path or a list of step names); ``None`` skips the gaps.
    annotations
        Step types keyed by activity (see :func:`bpr.annotate`), for discovery and measuring.
    constraints
        What the redesign must respect (:class:`bpr.Constraints` or a mapping of its fields).
    simulate
        Simulate the as-is and the to-be (the slowest stage).
    cases, replications, seed
        Cases per replication, replications and seed of the simulation.
    name
        The service's name; default the documented procedure's, else the log file's name.
    read
        Keyword arguments of :func:`bpr.read_log` (``timezone``, ``calendar``, column names)
        for a ``log`` that is not yet an :class:`~bpr.EventLog`.
    calendar
        The business calendar of the business cycle times: a
        :class:`~bpr.calendar.BusinessCalendar`, a name (``"iran"``, ``"mon-fri"``), ``None``
        for none (those figures unknown), or ``"auto"``: the Iranian week for a log read in
        Tehran time or in Jalali dates, none for any other (:func:`bpr.calendar.log_calendar`).
        :attr:`Analysis.calendar` keeps the one used.
    travel, queue, obtain, tariff
        The citizen-burden cost model (:func:`bpr.measure`): travel and queueing time per
        visit, time to obtain a document (the defaults of :mod:`bpr.measure` when not given)
        and the money an hour of the citizen's time costs (:class:`bpr.Tariff`;
        without it the burden has no cost).
    budget
        The redesign's time budget (seconds or a ``timedelta``; ``None``: no limit): a model
        of very many steps gets the changes found by then, and the redesign's notes say which
        candidates were not tried (see :func:`bpr.redesign`).
    progress
        Told as each stage starts (see :data:`Progress`).

    Returns
    -------
    Analysis

    Raises
    ------
    BprError
        Whatever the stages raise on bad input (:class:`~bpr.LogError` for an unreadable log
        or a missing column, :class:`~bpr.FormatError` for an unreadable documented model,
        :class:`~bpr.AnnotationError` for a bad annotation table...), and for ``read`` given
        with a log that is already read.
    """
    from bpr.annotate import annotation_table
    from bpr.calendar import choose_calendar
    from bpr.conformance import find_undocumented
    from bpr.discover import discover
    from bpr.log import EventLog, read_log
    from bpr.measure import measure
    from bpr.redesign import redesign

    is_read = isinstance(log, EventLog)
    if is_read and read:
        raise BprError(
            "analyze: read= applies to a log given as a path or DataFrame, not an EventLog"
        )
    stages = _Stages(
        [
            *([] if is_read else ["reading the log"]),
            "computing statistics",
            *([] if documented is None else ["finding undocumented steps"]),
            "discovering the as-is process",
            "measuring",
            "redesigning",
            *(["simulating as-is and to-be"] if simulate else []),
        ],
        progress,
    )
    if not is_read:
        stages.start("reading the log")
        log = read_log(log, **(read or {}))
    business = choose_calendar(calendar, timezone=log.timezone, dates=log.dates)
    cost = _cost_model(travel=travel, queue=queue, obtain=obtain, tariff=tariff)
    stages.start("computing statistics")
    stats = log.stats()
    gaps = None
    if documented is not None:
        stages.start("finding undocumented steps")
        gaps = find_undocumented(documented, log)
    name = name or _name(log, gaps)
    stages.start("discovering the as-is process")
    as_is = discover(log, annotations=annotations, name=name)
    if gaps is not None:
        as_is = _mark_undocumented(as_is, gaps)
    stages.start("measuring")
    by = "channel" if "channel" in log.columns_chosen else None
    length = measure(log, annotations=annotations, by=by, calendar=business, **cost)
    stages.start("redesigning")
    plan = redesign(as_is, log=log, constraints=constraints, budget=budget)
    simulation = None
    # A log without times gives no step a duration: a simulation would show only defaults.
    if simulate and log.timed:
        from bpr.simulate import compare_simulations

        stages.start("simulating as-is and to-be")
        simulation = compare_simulations(
            as_is, plan.to_be, cases=cases, replications=replications, seed=seed, log=log
        )
    stages.finish()
    missing = any(f.kind == "missing_fields" for f in plan.findings)
    return Analysis(
        name=name,
        log=log,
        stats=stats,
        as_is=as_is,
        length=length,
        as_is_length=measure(as_is, **cost),
        to_be_length=measure(plan.to_be, **cost),
        redesign=plan,
        gaps=gaps,
        simulation=simulation,
        seed=seed,
        cases=cases,
        replications=replications,
        calendar=business,
        annotation_table=annotation_table(log, annotations=annotations) if missing else None,
        fidelity=as_is.fidelity,
    )


def _cost_model(**given: Any) -> dict[str, Any]:
    """The burden parameters given, for :func:`bpr.measure` (which has the defaults)."""
    return {name: value for name, value in given.items() if value is not None}


def _name(log: EventLog, gaps: Gaps | None) -> str:
    if gaps is not None and gaps.documented is not None:
        return gaps.documented.name
    if log.source.startswith("<"):
        return "Service"
    return Path(log.source).name.split(".")[0]


def _mark_undocumented(process: ServiceProcess, gaps: Gaps) -> ServiceProcess:
    """Each discovered step is ``documented`` or not as the written procedure names it, with
    the procedure as the source; an undocumented step becomes a finding to review, never a
    reason to remove it. The discovery's fidelity check stays with the model."""
    from bpr.model import Source

    missing = set(gaps.steps["activity"])
    marked = process.replace_steps(
        [
            attrs.evolve(
                s,
                documented=s.name not in missing,
                sources=(
                    *(x for x in s.sources if x.field != "documented"),
                    Source("documented", "procedure", "the documented procedure"),
                ),
            )
            for s in process.steps
        ]
    )
    object.__setattr__(marked, "fidelity", process.fidelity)
    return marked
