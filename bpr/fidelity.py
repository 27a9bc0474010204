"""Fidelity: how well a process model reproduces the event log it stands for.

A model discovered from a log is a claim about that log: how often each step happens, how
often it is done again, how long a case takes. :func:`fidelity` checks the claim. For every
activity it sets the share of cases with at least one execution and the mean executions per
case in the log against the same figures of the model, exact from the model's branch
probabilities (the Markov chain of :func:`bpr.measure`, not a simulation); then the mean
steps and rework per case and the mean and median cycle time. Each figure gets a verdict
against a stated tolerance (:data:`TOLERANCES`).

:func:`bpr.discover` checks every model it makes against its log: the result is
``process.fidelity``, and a :class:`FidelityWarning` says when a figure is off by more than
its tolerance. A model that passes can stand for its log in measures, simulation and
redesign; one that fails says where it does not.

Definitions
-----------
share of cases
    Log: cases with at least one event of the activity, over all cases. Model: the probability
    that a case runs the step at least once (steps with one label together, as one activity).
executions
    Log: events of the activity over cases. Model: expected executions of the step per case.
steps, rework
    Per case: all executions, and executions of an activity beyond its first in the case
    (:func:`bpr.measure`'s definitions), mean over cases and expected in the model.
cycle time
    Log: case end minus case start, mean and median over cases. Model: the mean and median of
    the distribution of the time from start to end (see :mod:`bpr.measure` and
    ``docs/metrics.md``); unknown when the log has no times or a step of the model none.

Examples
--------
>>> import pandas as pd
>>> import bpr
>>> events = pd.DataFrame({
...     "case": ["1", "1", "2", "2", "2", "3"],
...     "activity": ["Apply", "Issue", "Apply", "Check", "Issue", "Apply"],
...     "timestamp": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 10:00",
...                                  "2024-01-02 09:00", "2024-01-02 09:30",
...                                  "2024-01-02 11:00", "2024-01-03 09:00"], utc=True),
... })
>>> report = bpr.discover(events).fidelity
>>> report.steps.loc["Check", ["log_share", "model_share"]].round(3).tolist()
[0.333, 0.333]
>>> bool(report.ok)
True
>>> summary = report.summary()
>>> summary.loc["rework", "verdict"], float(summary.loc["rework", "model"])
('within', 0.0)
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any

import attrs

from bpr._words import duration

if TYPE_CHECKING:
    import pandas as pd

    from bpr.log import EventLog
    from bpr.model import ServiceProcess
    from bpr.stats import LogStats

__all__ = ["SAMPLING", "TOLERANCES", "Fidelity", "FidelityWarning", "fidelity"]

#: How far a model's figure may lie from the log's: ``(absolute, relative)``; a figure is
#: within when the difference is at most the larger of the two (the absolute part keeps rare
#: activities and short cases from failing on a difference nobody would notice).
#: Shares are in cases (0.02: two percentage points), executions, steps and rework per case.
#: A share may also differ by up to :data:`SAMPLING` standard errors of a share over the log's
#: cases: a log of a hundred cases cannot pin a share to two points.
TOLERANCES: dict[str, tuple[float, float]] = {
    "share": (0.02, 0.0),
    "executions": (0.005, 0.03),
    "steps": (0.0, 0.03),
    "rework": (0.01, 0.10),
    "cycle_time_mean": (0.0, 0.10),
    "cycle_time_median": (0.0, 0.25),
}


#: Standard errors of the log's share of cases a model's share may differ by.
SAMPLING = 2.0


class FidelityWarning(UserWarning):
    """A discovered model differs from its log by more than a tolerance (see
    :attr:`bpr.ServiceProcess.fidelity`)."""


def _frames_equal(left: pd.DataFrame, right: pd.DataFrame) -> bool:
    return left.equals(right)


_FRAME = attrs.field(eq=attrs.cmp_using(eq=_frames_equal))


@attrs.frozen
class Fidelity:
    """A model against its log, figure by figure.

    Attributes
    ----------
    steps : pandas.DataFrame
        One row per activity of the log or step name of the model (index ``activity``, in
        the log's order of frequency, then the model's steps the log lacks), with columns
        ``log_share``, ``model_share`` (share of cases with the activity), ``log_executions``,
        ``model_executions`` (per case), and the verdicts ``share_within`` and
        ``executions_within``.
    figures : pandas.DataFrame
        Index ``figure`` (``steps``, ``rework``, ``cycle_time_mean``, ``cycle_time_median``),
        columns ``log`` and ``model`` (per case; times in seconds, ``NaN`` when unknown),
        ``tolerance`` (in words) and ``within`` (``True``, ``False``, or ``None`` when a side
        is unknown).
    cases : int
        The log's cases.
    notes : tuple of str
        What the model's figures assumed, and what is unknown.
    """

    steps: pd.DataFrame = _FRAME
    figures: pd.DataFrame = _FRAME
    cases: int
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether every known figure is within its tolerance."""
        verdicts = [*self.steps["share_within"], *self.steps["executions_within"]]
        verdicts += [v for v in self.figures["within"] if isinstance(v, bool)]
        return all(verdicts)

    def problems(self) -> list[str]:
        """Each figure beyond its tolerance, in words, the largest differences first."""
        out = []
        steps = self.steps
        for column, what, shown in (
            ("share", "share of cases with", _percent),
            ("executions", "executions per case of", _number),
        ):
            bad = steps[~steps[f"{column}_within"]]
            gap = (bad[f"model_{column}"] - bad[f"log_{column}"]).abs()
            for activity in gap.sort_values(ascending=False, kind="stable").index:
                log, model = bad.at[activity, f"log_{column}"], bad.at[activity, f"model_{column}"]
                out.append(
                    f"{what} {activity!r}: {shown(model)} in the model, {shown(log)} in the log "
                    f"(tolerance {_tolerance(column)})"
                )
        for figure, row in self.figures.iterrows():
            if row["within"] is False:
                shown = _duration if figure.startswith("cycle") else _number
                out.append(
                    f"{str(figure).replace('_', ' ')}: {shown(row['model'])} in the model, "
                    f"{shown(row['log'])} in the log (tolerance {row['tolerance']})"
                )
        return out

    def summary(self) -> pd.DataFrame:
        """The verdict in a few rows, for a report: the activity whose share and whose
        executions are furthest from the log's, steps, rework, mean and median cycle time.
        Index ``figure``; columns ``log``, ``model`` (shares, per case, or times in days),
        ``tolerance`` and ``verdict`` (``within``, ``beyond``, or ``unknown``)."""
        import pandas as pd

        rows = []
        for column, label in (("share", "share of cases"), ("executions", "executions")):
            if len(self.steps):
                gap = (self.steps[f"model_{column}"] - self.steps[f"log_{column}"]).abs()
                worst = gap.idxmax()
                row = self.steps.loc[worst]
                rows.append(
                    (
                        f"{label}, furthest: {worst}",
                        row[f"log_{column}"],
                        row[f"model_{column}"],
                        _tolerance(column),
                        _verdict(bool(row[f"{column}_within"])),
                    )
                )
        for figure, row in self.figures.iterrows():
            scale = 86400.0 if str(figure).startswith("cycle") else 1.0
            rows.append(
                (
                    str(figure),
                    row["log"] / scale,
                    row["model"] / scale,
                    row["tolerance"],
                    _verdict(row["within"]),
                )
            )
        frame = pd.DataFrame(rows, columns=["figure", "log", "model", "tolerance", "verdict"])
        return frame.set_index("figure")

    def to_frame(self) -> pd.DataFrame:
        """Every figure as one tidy table: columns ``figure`` (``share``, ``executions`` or a
        figure of :attr:`figures`), ``activity`` (empty for whole-case figures), ``log``,
        ``model``, ``within``."""
        import pandas as pd

        rows = [
            (
                column,
                activity,
                row[f"log_{column}"],
                row[f"model_{column}"],
                row[f"{column}_within"],
            )
            for column in ("share", "executions")
            for activity, row in self.steps.iterrows()
        ]
        rows += [
            (str(figure), "", row["log"], row["model"], row["within"])
            for figure, row in self.figures.iterrows()
        ]
        return pd.DataFrame(rows, columns=["figure", "activity", "log", "model", "within"])

    def __repr__(self) -> str:
        beyond = len(self.problems())
        verdict = "within every tolerance" if not beyond else f"{beyond} figures beyond tolerance"
        return f"Fidelity({len(self.steps)} activities, {self.cases} cases: {verdict})"

    def _repr_html_(self) -> str:
        summary = self.summary().reset_index()
        for column in ("log", "model"):
            summary[column] = summary[column].map(lambda v: "—" if _unknown(v) else f"{v:.4g}")
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (
            f"<div><strong>{html.escape(repr(self))}</strong>"
            f"{summary.to_html(index=False)}"
            "<p>Times in days; shares of cases; executions, steps and rework per case.</p>"
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</div>"
        )


def fidelity(process: ServiceProcess, log: EventLog | LogStats | pd.DataFrame | str) -> Fidelity:
    """How well ``process`` reproduces ``log``: per activity and for whole cases.

    Parameters
    ----------
    process
        Any process; its steps are matched to the log's activities by name (after label
        normalisation, as :func:`bpr.find_undocumented` matches them).
    log
        An :class:`~bpr.EventLog`, its :class:`~bpr.LogStats`, or anything
        :func:`bpr.read_log` reads.

    Returns
    -------
    Fidelity

    Examples
    --------
    >>> import pandas as pd
    >>> from bpr import ServiceProcess, Step
    >>> events = pd.DataFrame({
    ...     "case": ["1", "1", "2"], "activity": ["Apply", "Pay", "Apply"],
    ...     "timestamp": pd.date_range("2024-01-01", periods=3, freq="h", tz="UTC"),
    ... })
    >>> model = ServiceProcess.from_blocks("Guess", Step("a", "Apply"), Step("p", "Pay"))
    >>> report = fidelity(model, events)
    >>> report.problems()[0].split(" (tolerance")[0]
    "share of cases with 'Pay': 100.0 % in the model, 50.0 % in the log"
    """
    from bpr._read import event_log
    from bpr.stats import LogStats

    stats = log if isinstance(log, LogStats) else event_log(log).stats()
    return _fidelity(process, stats)


def _fidelity(process: ServiceProcess, stats: LogStats) -> Fidelity:
    import pandas as pd

    from bpr.labels import normalize

    notes: list[str] = []
    model = _model_figures(process, notes)
    n = stats.n_cases
    table = stats.activities
    log = {
        normalize(a): (a, c / n, e / n)
        for a, e, c in zip(table["activity"], table["events"], table["cases"], strict=True)
    }
    keys = list(log) + [k for k in model["activities"] if k not in log]
    names = [log[k][0] if k in log else model["activities"][k][0] for k in keys]
    rows = {
        "log_share": [log[k][1] if k in log else 0.0 for k in keys],
        "model_share": [model["activities"].get(k, (None, 0.0, 0.0))[1] for k in keys],
        "log_executions": [log[k][2] if k in log else 0.0 for k in keys],
        "model_executions": [model["activities"].get(k, (None, 0.0, 0.0))[2] for k in keys],
    }
    steps = pd.DataFrame(rows, index=pd.Index(names, name="activity"))
    for column in ("share", "executions"):
        steps[f"{column}_within"] = [
            _within(column, a, b, n)
            for a, b in zip(steps[f"log_{column}"], steps[f"model_{column}"], strict=True)
        ]
    durations = stats.cases["duration"].dropna().dt.total_seconds()
    timed = len(durations) == n and n > 0
    log_figures = {
        "steps": stats.n_events / n,
        "rework": float(table["events"].sum() - table["cases"].sum()) / n,
        "cycle_time_mean": float(durations.mean()) if timed else None,
        "cycle_time_median": float(durations.median()) if timed else None,
    }
    if not timed:
        notes.append("cycle times unknown in the log: it has no times")
    figures = pd.DataFrame(
        {
            "log": [_float(log_figures[f]) for f in log_figures],
            "model": [_float(model[f]) for f in log_figures],
            "tolerance": [_tolerance(f) for f in log_figures],
        },
        index=pd.Index(list(log_figures), name="figure"),
    )
    # Python's True, False and None: a verdict, or none where a side is unknown.
    verdicts = [_within(f, log_figures[f], model[f]) for f in log_figures]
    figures["within"] = pd.Series(verdicts, index=figures.index, dtype=object)
    return Fidelity(steps, figures, n, tuple(dict.fromkeys(notes)))


def _model_figures(process: ServiceProcess, notes: list[str]) -> dict[str, Any]:
    """Per activity (normalised name -> (name, share, executions)), steps, rework, and the
    mean and median cycle time of ``process``, exact from its chain."""
    import numpy as np

    from bpr._measure_model import (
        _branch_probabilities,
        _entered,
        _from_starts,
        _parallel_blocks,
        _quantile,
        _serialised,
        _step_chain,
        _timing,
    )
    from bpr.labels import normalize

    probs = _branch_probabilities(process, notes)
    blocks = _parallel_blocks(process)
    chain = _step_chain(process, _serialised(probs, blocks), notes)
    steps = process.steps
    labels = [normalize(s.name) for s in steps]
    activities = {}
    for label in dict.fromkeys(labels):
        named = np.array([x == label for x in labels])
        share = _entered(chain, named, named) if named.sum() > 1 else float(chain.reach[named][0])
        name = steps[labels.index(label)].name
        activities[label] = (name, share, float(chain.visits[named].sum()))
    figures: dict[str, Any] = {
        "activities": activities,
        "steps": float(chain.visits.sum()),
        "rework": float(chain.visits.sum()) - math.fsum(a[1] for a in activities.values()),
        "cycle_time_mean": None,
        "cycle_time_median": None,
    }
    timing = _timing(process, probs, blocks, "total")
    if isinstance(timing, list):
        notes.append(f"cycle times unknown in the model: {len(timing)} steps have no time")
    else:
        mean = _from_starts(timing)
        figures["cycle_time_mean"] = mean
        figures["cycle_time_median"] = _quantile(timing, 0.5, mean)[0]
    return figures


def _within(
    figure: str, log: float | None, model: float | None, cases: int | None = None
) -> bool | None:
    if log is None or model is None:
        return None
    absolute, relative = TOLERANCES[figure]
    if figure == "share" and cases:
        # What the log's share can tell apart: a share over few cases is itself uncertain.
        share = min(max(model, 0.0), 1.0)  # a sum of probabilities can pass 1 by rounding
        absolute = max(absolute, SAMPLING * math.sqrt(share * (1.0 - share) / cases))
    return bool(abs(model - log) <= max(absolute, relative * abs(log)) + 1e-12)


def _tolerance(figure: str) -> str:
    absolute, relative = TOLERANCES[figure]
    parts = ([f"{absolute:g}"] if absolute else []) + ([f"{relative:.0%}"] if relative else [])
    if figure == "share":
        parts.append(f"{SAMPLING:g} standard errors")
    return " or ".join(parts)


def _verdict(within: bool | None) -> str:
    if not isinstance(within, bool):  # None, or NaN where pandas made one of it
        return "unknown"
    return "within" if within else "beyond"


def _float(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _unknown(value: float) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _percent(value: float) -> str:
    return f"{100 * value:.1f} %"


def _number(value: float) -> str:
    return f"{value:.3g}"


def _duration(seconds: float) -> str:
    return duration(seconds, spec=".3g")
