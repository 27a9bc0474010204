"""Discrete-event simulation of a service process: queues, staff, calendars and travel.

:func:`simulate` runs cases through a :class:`~bpr.ServiceProcess` and reports what an analytic
expected value cannot: the waiting that queues for staff, office hours and citizens' trips add.
:func:`compare_simulations` runs an as-is and a to-be process on the same arrivals and random
numbers and reports the differences with confidence intervals. ``docs/simulation.md`` states
every assumption; each one a run relies on is also listed in :attr:`Simulation.assumptions`.

How a case runs
---------------
Cases arrive as a Poisson process (exponential gaps), unless explicit arrival times are given.
A case is a token that walks the graph: an exclusive split picks one branch with the flows'
probabilities (from observed frequencies when no probability is given, else equally likely:
the rule of :func:`bpr.measure`), a parallel split sends a token down every branch and a
parallel join waits for one from each, so loops and parallel blocks need nothing special.

A step asks its staff pool for a clerk, waits in a first-come, first-served queue, and then
works for a drawn duration; with a calendar, work starts and runs only in office hours.
Pools are per (agency, actor). Steps of the citizen need no clerk; steps of the system need no
clerk, ignore the calendar and take one second unless annotated. Before a step where the
citizen must be present, the citizen travels there, unless the previous step already had them
at the same place (the *visit* of :func:`bpr.measure`); a counter office is nearer than an
agency's office (:class:`Travel`).

Where the numbers come from
---------------------------
* Durations, first found wins: the system rule; ``Step.duration`` (the mean of an exponential
  distribution, or fixed with ``distribution="fixed"``); the log given as ``log=`` (its observed
  working times, resampled); ``Step.stats`` (drawn from the observed distribution,
  :attr:`bpr.DurationStats.distribution`; where only the median and mean are known, a
  lognormal with them, or an exponential where the mean does not exceed the median); a
  default of 30 minutes. Where a log has no start times, only the time since the case's
  previous event is known; it already includes the waiting, so it is replayed as a delay that
  holds no clerk (none at all in the share of a step's runs that opened their case). A
  parallel block discovered from a log that interleaves its branches
  (:attr:`bpr.StepStats.interleaved`) runs its branches one after another, as the log timed
  them.
* Arrivals: one case per hour on average, or the log's rate (cases over its time span).
* Pool sizes: ``resources=``; else the number of distinct resources the log shows for the
  pool's steps; else the fewest clerks that keep the pool below 80 % busy on average.
* Calendar: none (around the clock) unless ``calendar=`` is a :class:`bpr.BusinessCalendar`.

Results are the means over ``replications`` independent runs with 95 % Student-t confidence
intervals. Each replication starts empty (no warm-up is discarded). The simulated event log of
the first replication is :attr:`Simulation.log`. The same arguments give the same results, byte
for byte: every random stream is seeded from ``seed``, the replication and the name of what it
drives (arrivals, one step's durations, one split's choices), which also keeps the streams of
an as-is and a to-be process aligned wherever they share steps.

The event loop is :class:`bpr._engine.Loop`, a lean heap that schedules events exactly as SimPy
does; ``engine="simpy"`` runs the same model on SimPy itself, with identical results.

Examples
--------
>>> from datetime import timedelta
>>> from bpr import ServiceProcess, Step, Xor, simulate
>>> p = ServiceProcess.from_blocks(
...     "Certificate",
...     Step("a", "Apply online", actor="citizen", channel="web", duration=600),
...     Xor(Step("b", "Check", agency="Registry", actor="back_office", duration=1200),
...         None, probabilities=[0.5, 0.5]),
...     Step("c", "Issue", agency="Registry", actor="back_office", duration=600),
... )
>>> sim = simulate(p, cases=200, replications=3, distribution="fixed",
...                resources={("Registry", "back_office"): 50})
>>> round(sim.cycle_time.value.total_seconds() / 60)  # 10 + half of 20 + 10 minutes
30
>>> sim.capacities
{'Registry / back_office': 50}
>>> sim.log.n_cases
200
"""

from __future__ import annotations

import bisect
import html
import math
import random
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import attrs

from bpr._measure_model import (
    _branch_probabilities,
    _interleaved,
    _Parallel,
    _parallel_blocks,
    _serialised,
)
from bpr._read import event_log
from bpr._steps import (
    COUNTER_OFFICE,
    SYSTEM_DURATION,
    SYSTEM_NOTE,
    presence,
    system_seconds,
    visit_place,
)
from bpr._words import DASH, clock, in_unit
from bpr.errors import ModelError
from bpr.model import (
    Actor,
    DurationStats,
    Event,
    EventKind,
    GatewayKind,
    ServiceProcess,
    Step,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from bpr.calendar import BusinessCalendar
    from bpr.log import EventLog

__all__ = [
    "DEFAULT_DURATION",
    "DEFAULT_INTERARRIVAL",
    "DEFAULT_START",
    "SYSTEM_DURATION",
    "TARGET_UTILISATION",
    "Estimate",
    "Simulation",
    "SimulationComparison",
    "Travel",
    "compare_simulations",
    "simulate",
]

#: Mean time between case arrivals when neither ``arrivals`` nor a log gives it.
DEFAULT_INTERARRIVAL = timedelta(hours=1)
#: Working time of a step that has no annotation, no statistics and no log data.
DEFAULT_DURATION = timedelta(minutes=30)
#: A pool of unknown size gets the fewest clerks that keep it at most this busy on average.
TARGET_UTILISATION = 0.8
#: When the simulated time starts without ``start=`` or a log: a Saturday, the first working
#: day of the Iranian week, at midnight UTC.
DEFAULT_START = datetime(2024, 1, 6, tzinfo=UTC)

_CONFIDENCE = 0.95
_SCALARS = (
    "cycle_time",
    "cycle_time_median",
    "cycle_time_p90",
    "working_time",
    "waiting_time",
    "travel_time",
)
# The place of a citizen-present step whose agency nobody gave: one office, not known which.
_SOME_OFFICE = "(an office)"


@attrs.frozen
class Travel:
    """One-way travel time of a citizen to an agency's office and to a counter office.

    Examples
    --------
    >>> Travel().office, Travel().counter_office
    (datetime.timedelta(seconds=1800), datetime.timedelta(seconds=600))
    """

    office: timedelta = timedelta(minutes=30)
    counter_office: timedelta = timedelta(minutes=10)

    def __attrs_post_init__(self) -> None:
        for name in ("office", "counter_office"):
            value = getattr(self, name)
            if not isinstance(value, timedelta) or value < timedelta(0):
                raise ModelError(f"Travel: {name} must be a non-negative timedelta, got {value!r}")


@attrs.frozen
class Estimate:
    """A mean over replications and its 95 % confidence interval (``None`` with one replication).

    Times are :class:`datetime.timedelta`, shares are floats.
    """

    value: Any
    low: Any = None
    high: Any = None

    def __str__(self) -> str:
        if self.low is None:
            return _shown(self.value)
        return f"{_shown(self.value)} [{_shown(self.low)}, {_shown(self.high)}]"


# -- results ----------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class Simulation:
    """What :func:`simulate` found: means over replications with 95 % confidence intervals.

    Attributes
    ----------
    process : str
        The process name.
    cases, replications, seed : int
        Cases per replication, replications, and the seed.
    cycle_time, cycle_time_median, cycle_time_p90 : Estimate
        Mean, median and 90th percentile of the case duration (arrival to last step done).
    working_time, waiting_time, travel_time : Estimate
        Per case: the summed working time of its steps, the rest of its cycle time (queues,
        closed hours, travel, replayed delays; parallel work can make it small), and travel
        (unknown, ``Estimate(None)``, when whether the citizen must be present is unknown for
        a step: the simulation runs such a step without a trip, but cannot say it takes none).
    utilisation : Mapping[str, Estimate]
        Each staff pool's share of its open hours spent working.
    step_waiting : Mapping[str, Estimate]
        Each step's mean time from being reached (after travel) to its work starting.
    capacities : Mapping[str, int]
        The clerks in each pool (pool names are ``"agency / actor"``).
    assumptions : tuple[str, ...]
        Every default used where the process, the log and the arguments said nothing.
    """

    process: str
    cases: int
    replications: int
    seed: int
    cycle_time: Estimate
    cycle_time_median: Estimate
    cycle_time_p90: Estimate
    working_time: Estimate
    waiting_time: Estimate
    travel_time: Estimate
    utilisation: Mapping[str, Estimate]
    step_waiting: Mapping[str, Estimate]
    capacities: Mapping[str, int]
    assumptions: tuple[str, ...]
    _samples: Mapping[str, tuple[float, ...]] = attrs.field(repr=False, alias="samples")
    _events: pd.DataFrame = attrs.field(repr=False, alias="events")
    _cache: dict[str, Any] = attrs.field(factory=dict, init=False, repr=False)

    @property
    def log(self) -> EventLog:
        """The first replication's events as an :class:`~bpr.EventLog` (made on first use)."""
        if "log" not in self._cache:
            from bpr.log import read_log

            # Columns with no value at all were left out of the frame.
            self._cache["log"] = read_log(self._events, **{c: c for c in self._events.columns})
        return self._cache["log"]

    def to_frame(self) -> pd.DataFrame:
        """One row per figure: ``metric``, ``subject`` (pool or step, else empty), ``value``,
        ``low``, ``high`` (times in hours, utilisation as a share) and ``unit``."""
        import pandas as pd

        rows = [_row(m, "", getattr(self, m)) for m in _SCALARS]
        rows += [_row("utilisation", k, v) for k, v in self.utilisation.items()]
        rows += [_row("step_waiting", k, v) for k, v in self.step_waiting.items()]
        return pd.DataFrame(rows, columns=["metric", "subject", "value", "low", "high", "unit"])

    def __repr__(self) -> str:
        return (
            f"Simulation({self.process!r}, {self.cases} cases x {self.replications} "
            f"replications, cycle time {self.cycle_time})"
        )

    def _repr_html_(self) -> str:
        title = (
            f"Simulation of {self.process}: {self.cases:,} cases × {self.replications} "
            "replications (mean [95 % CI])"
        )
        return _html(title, self.to_frame(), self.assumptions)


@attrs.frozen(eq=False)
class SimulationComparison:
    """An as-is and a to-be simulation on common random numbers, and their differences.

    ``differences`` maps each case-level metric (``cycle_time``, ``cycle_time_median``,
    ``cycle_time_p90``, ``working_time``, ``waiting_time``, ``travel_time``) to the mean of the
    paired per-replication differences (to-be minus as-is) with its 95 % confidence interval.
    """

    as_is: Simulation
    to_be: Simulation
    differences: Mapping[str, Estimate]

    def to_frame(self) -> pd.DataFrame:
        """One row per metric: ``as_is``, ``to_be``, ``change`` with ``low`` and ``high``
        (the change's confidence interval), in hours."""
        import pandas as pd

        rows = [
            [
                m,
                _hours(getattr(self.as_is, m).value),
                _hours(getattr(self.to_be, m).value),
                *_row(m, "", self.differences[m])[2:5],
            ]
            for m in _SCALARS
        ]
        columns = ["metric", "as_is", "to_be", "change", "low", "high"]
        return pd.DataFrame(rows, columns=columns).assign(unit="hours")

    def __repr__(self) -> str:
        return (
            f"SimulationComparison({self.as_is.process!r} -> {self.to_be.process!r}, "
            f"cycle time change {self.differences['cycle_time']})"
        )

    def _repr_html_(self) -> str:
        notes = dict.fromkeys(
            [f"as-is: {a}" for a in self.as_is.assumptions]
            + [f"to-be: {a}" for a in self.to_be.assumptions]
        )
        title = (
            f"As-is {self.as_is.process} against to-be {self.to_be.process}: "
            f"{self.as_is.cases:,} cases × {self.as_is.replications} replications, "
            "common random numbers"
        )
        return _html(title, self.to_frame(), tuple(notes))


def _hours(value: Any) -> float:
    """A figure as a table's number: durations in hours, shares as they are, unknown NaN."""
    return float(value) if isinstance(value, float | int) else in_unit(value, "h")


def _row(metric: str, subject: str, estimate: Estimate) -> list[Any]:
    unit = "share" if metric == "utilisation" else "hours"
    bounds = [_hours(v) for v in (estimate.value, estimate.low, estimate.high)]
    return [metric, subject, *bounds, unit]


def _shown(value: Any) -> str:
    if value is None:
        return DASH
    if isinstance(value, timedelta):
        return clock(value)
    return f"{value:.1%}"


def _html(title: str, frame: pd.DataFrame, notes: Iterable[str]) -> str:
    table = frame.to_html(index=False, float_format=lambda v: f"{v:,.3f}", na_rep="—")
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    listed = f"<p>Assumptions:</p><ul>{items}</ul>" if items else ""
    return f"<div><strong>{html.escape(title)}</strong>{table}{listed}</div>"


# -- inputs -----------------------------------------------------------------------------------


class _Notes:
    """Assumptions; those about steps are gathered into one line per assumption."""

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._steps: dict[str, list[str]] = {}

    def add(self, text: str) -> None:
        self._lines.append(text)

    def step(self, text: str, step: Step) -> None:
        self._steps.setdefault(text, []).append(step.name)

    def all(self) -> tuple[str, ...]:
        about_steps = [f"{text}: {', '.join(names)}" for text, names in self._steps.items()]
        return tuple(dict.fromkeys(self._lines + about_steps))


@attrs.frozen
class _Law:
    """A duration distribution in seconds: ``fixed`` and ``exponential`` (by their mean),
    ``lognormal`` (``params`` mu and sigma) or ``empirical`` (``params`` the values, equally
    likely, or with the ``cumulative`` probabilities when given)."""

    kind: str
    mean: float
    params: tuple[float, ...] = ()
    cumulative: tuple[float, ...] = ()

    def sampler(self, rng: random.Random) -> Callable[[], float]:
        mean, params, uniform = self.mean, self.params, rng.random
        if self.kind == "fixed" or mean == 0.0:
            return lambda: mean
        if self.kind == "exponential":
            # Inverse transform, as random.expovariate does, without its call overhead.
            return lambda: -math.log(1.0 - uniform()) * mean
        if self.kind == "lognormal":
            return lambda: rng.lognormvariate(params[0], params[1])
        if self.cumulative:
            cumulative, last = self.cumulative, len(params) - 1
            return lambda: params[min(bisect.bisect_right(cumulative, uniform()), last)]
        n = len(params)
        return lambda: params[int(uniform() * n)]


def _observed(stats: DurationStats, opened: float = 0.0) -> _Law:
    """The observed distribution (its equal parts, each as likely), none at all with
    probability ``opened``; where only the median and mean are known, :func:`_fitted`."""
    if not stats.distribution:
        return _fitted(stats)
    values = tuple(d.total_seconds() for d in stats.distribution)
    mean = math.fsum(values) / len(values)
    if opened <= 0.0:
        return _Law("empirical", mean, values)
    share = (1.0 - opened) / len(values)
    cumulative = tuple(opened + share * (i + 1) for i in range(len(values)))
    return _Law("empirical", mean * (1.0 - opened), (0.0, *values), (opened, *cumulative))


def _fitted(stats: DurationStats) -> _Law:
    """A lognormal with the observed median and mean; an exponential with the mean where the
    mean does not exceed the median (no lognormal has that shape)."""
    median, mean = stats.median.total_seconds(), stats.mean.total_seconds()
    if mean <= 0.0:
        return _Law("fixed", 0.0)
    if 0.0 < median < mean:
        return _Law("lognormal", mean, (math.log(median), math.sqrt(2 * math.log(mean / median))))
    return _Law("exponential", mean)


@attrs.frozen
class _Observed:
    """A step's durations in a log: working times, or elapsed times when there is no start."""

    values: Sequence[float]  # sorted; an array of floats for a log's durations
    elapsed: bool


@attrs.frozen
class _LogFacts:
    durations: Mapping[str, _Observed]  # by step id
    resources: Mapping[str, int]  # distinct resources by pool name
    mean_gap: float | None  # seconds between case arrivals
    first: datetime | None
    unmatched: tuple[str, ...]


_ELAPSED = (
    "no start times observed, so the time since the case's previous event (waiting included) "
    "is replayed as a delay that holds no clerk"
)


def _pool_name(agency: str | None, actor: Actor | str | None) -> str:
    shown = actor.value if isinstance(actor, Actor) else actor
    return f"{agency or '(no agency)'} / {shown or '(no actor)'}"


def _needs_clerk(step: Step) -> bool:
    return step.actor not in (Actor.SYSTEM, Actor.CITIZEN)


def _staffed(step: Step | None) -> bool:
    return step is not None and _needs_clerk(step)


def _place(step: Step) -> str | None:
    """Where the citizen must be for the step (:func:`~bpr._steps.visit_place`), or ``None``
    (not there, or not known to be: :func:`_plan_steps` notes the steps whose presence is
    unknown)."""
    if not presence(step):
        return None
    return visit_place(step) or _SOME_OFFICE


def _log_facts(log: EventLog | _Gathered, process: ServiceProcess) -> _LogFacts:
    """What the simulation of `process` takes from a log (or from what :func:`_gather` took
    from it already)."""
    return (log if isinstance(log, _Gathered) else _gather(log)).facts(process)


def _gather(log: EventLog) -> _Gathered:
    """The arrivals, durations and resources of a log by activity, read a chunk of whole cases
    at a time (about :data:`_LOG_CHUNK` events), so that memory holds one chunk's events and
    the durations kept, not every event of a log held in DuckDB."""
    gathered = _Gathered()
    for cases in log._case_ranges(_LOG_CHUNK):
        gathered.add(
            log._events(["case", "activity", "timestamp", "start", "resource"], cases=cases)
        )
    gathered.sort()
    return gathered


# Events per chunk of whole cases that _gather reads from a log held in DuckDB.
_LOG_CHUNK = 1_000_000


def _observations(log: Any) -> EventLog | _Gathered:
    """A log as :func:`_log_facts` takes it: what :func:`_gather` took from it already, or
    the log (:func:`bpr._read.event_log` reads a path or DataFrame)."""
    return log if isinstance(log, _Gathered) else event_log(log)


def _steps_by_label(process: ServiceProcess) -> dict[str, Step]:
    """The process's steps by normalised name and Persian name (the first step of a label)."""
    from bpr.labels import normalize

    by_label: dict[str, Step] = {}
    for step in process.steps:
        for label in (step.name, step.name_fa):
            if label:
                by_label.setdefault(normalize(label), step)
    return by_label


class _Gathered:
    """A log's arrivals and, by activity, its durations and resources, gathered over chunks of
    whole cases in the log's order: the same facts as from all the events at once."""

    def __init__(self) -> None:
        self.activities: dict[str, None] = {}  # in order of first appearance
        self.cases = 0
        self.untimed = False  # some case has no time
        self.first: pd.Timestamp | None = None  # the earliest and latest case arrival
        self.last: pd.Timestamp | None = None
        # activity -> working (elapsed) times in seconds: arrays by chunk, then one sorted
        self.worked: dict[str, list[Any]] = {}
        self.elapsed: dict[str, list[Any]] = {}
        self.resources: dict[str, set[Any]] = {}  # activity -> distinct resources

    def add(self, events: pd.DataFrame) -> None:
        """Gather one chunk of whole cases (in the log's order)."""
        import numpy as np
        import pandas as pd

        done = events["timestamp"]
        start = events["start"] if "start" in events.columns else done.mask(done.notna())
        begin = start.fillna(done)
        self._arrivals(begin.groupby(events["case"], sort=False).min())
        codes, labels = pd.factorize(events["activity"])
        working = _seconds(done - start)
        elapsed = _seconds(begin - done.groupby(events["case"], sort=False).shift())
        for code, activity in enumerate(labels):
            self.activities.setdefault(activity, None)
            mine = codes == code
            worked = working[mine]
            worked = worked[~np.isnan(worked)]
            if len(worked) or activity in self.worked:
                self.worked.setdefault(activity, []).append(worked)
                self.elapsed.pop(activity, None)  # working times, once seen, are what counts
            else:
                waited = elapsed[mine]
                self.elapsed.setdefault(activity, []).append(waited[~np.isnan(waited)])
        if "resource" in events.columns:
            pairs = events[["activity", "resource"]].dropna().drop_duplicates()
            for activity, resource in pairs.itertuples(index=False):
                self.resources.setdefault(activity, set()).add(resource)

    def sort(self) -> None:
        """Once every chunk is in: each activity's durations as one sorted array (its parts
        dropped as it is made), which the laws of every process simulated then share."""
        for kept in (self.worked, self.elapsed):
            for activity in list(kept):
                kept[activity] = [_sorted_seconds(kept.pop(activity))]

    def _arrivals(self, arrivals: pd.Series) -> None:
        self.cases += len(arrivals)
        self.untimed |= bool(arrivals.isna().any())
        timed = arrivals.dropna()
        if len(timed):
            low, high = timed.min(), timed.max()
            self.first = low if self.first is None else min(self.first, low)
            self.last = high if self.last is None else max(self.last, high)

    def facts(self, process: ServiceProcess) -> _LogFacts:
        """The facts for `process`: the mean gap between arrivals over the log's span (none
        when a case has no time), the working times of each step's activities (else their
        elapsed times) sorted, the distinct resources of each pool."""
        from bpr.labels import normalize

        span = math.nan
        if not self.untimed and self.first is not None and self.last is not None:
            span = (self.last - self.first).total_seconds()
        mean_gap = span / (self.cases - 1) if self.cases > 1 and span > 0 else None
        by_label = _steps_by_label(process)
        matched = {a: by_label.get(normalize(a)) for a in self.activities}
        durations: dict[str, _Observed] = {}
        for step in process.steps:
            mine = [a for a, s in matched.items() if s is step]
            worked = [part for a in mine for part in self.worked.get(a, ())]
            elapsed = [part for a in mine for part in self.elapsed.get(a, ())]
            for parts, is_elapsed in ((worked, False), (elapsed, True)):
                if sum(map(len, parts)):
                    # One activity's sorted array as it is; several merged and sorted again.
                    values = parts[0] if len(parts) == 1 else _sorted_seconds(parts)
                    durations[step.id] = _Observed(values, is_elapsed)
                    break
        pools: dict[str, set[Any]] = {}
        for activity, step in matched.items():
            if _staffed(step) and activity in self.resources:
                pool = _pool_name(step.agency, step.actor)
                pools.setdefault(pool, set()).update(self.resources[activity])
        resources = {pool: len(found) for pool, found in sorted(pools.items()) if found}
        unmatched = tuple(sorted(a for a, s in matched.items() if s is None))
        first = None if self.first is None else self.first.to_pydatetime()
        return _LogFacts(durations, resources, mean_gap, first, unmatched)


def _seconds(durations: pd.Series) -> np.ndarray:
    """Durations in seconds as floats, NaN where unknown."""
    import numpy as np

    return durations.dt.total_seconds().to_numpy(dtype="float64", na_value=np.nan)


def _sorted_seconds(parts: Sequence[np.ndarray | array[float]]) -> array[float]:
    """Durations in seconds, negative ones as zero, smallest first, as a compact array of
    floats (8 bytes each where a tuple of floats takes 32: a step of a 50M-event log has
    millions)."""
    import numpy as np

    values = np.concatenate(parts)
    values = np.sort(np.where(values >= 0.0, values, 0.0), kind="stable")
    return array("d", values.tobytes())


def _step_law(
    step: Step, observed: _Observed | None, distribution: str, notes: _Notes
) -> tuple[_Law, bool]:
    """The duration law of a step (see the module notes), and whether it is a replayed delay."""
    if step.actor is Actor.SYSTEM:
        if step.duration is None:
            notes.step(SYSTEM_NOTE, step)
        return _Law("fixed", system_seconds(step)), False
    if step.duration is not None:
        return _Law(distribution, step.duration.total_seconds()), False
    if observed is not None:
        if observed.elapsed:
            notes.step(_ELAPSED, step)
        values = observed.values
        return _Law("empirical", math.fsum(values) / len(values), values), observed.elapsed
    stats = step.stats
    if stats is not None and stats.working is not None:
        law = _observed(stats.working)
        notes.step(_drawn(law, "working"), step)
        return law, False
    if stats is not None and stats.waiting is not None:
        notes.step(_ELAPSED, step)
        law = _observed(stats.waiting, (stats.opened or 0) / stats.events if stats.events else 0.0)
        notes.step(_drawn(law, "elapsed"), step)
        return law, True
    notes.step(f"no duration known: {_shown(DEFAULT_DURATION)} on average", step)
    return _Law(distribution, DEFAULT_DURATION.total_seconds()), False


def _drawn(law: _Law, what: str) -> str:
    if law.kind == "empirical":
        return f"durations: drawn from the observed distribution of {what} times"
    return f"durations: a {law.kind} with the observed median and mean {what} time"


# -- the compiled process ---------------------------------------------------------------------

# Node codes.
_PASS, _STEP, _XOR, _AND, _JOIN, _END = range(6)


@attrs.frozen
class _StepPlan:
    """How a step runs."""

    law: _Law
    pool: int  # index into _Plan.pools, -1 for none
    calendared: bool
    place: str | None
    travel: float
    delay: bool  # replayed elapsed time: holds no clerk and is not working time


def _code(process: ServiceProcess, node: Any) -> int:
    if isinstance(node, Step):
        return _STEP
    if isinstance(node, Event):
        return _END if node.kind is EventKind.END else _PASS
    fans_out = len(process.successors(node.id)) > 1
    if node.kind is GatewayKind.EXCLUSIVE:
        return _XOR if fans_out else _PASS
    return _AND if fans_out else _JOIN


class _Plan:
    """The process as integer-indexed tables for the event loop."""

    def __init__(self, process: ServiceProcess, notes: _Notes) -> None:
        if len(process.starts) != 1:
            raise ModelError(
                f"process {process.name!r} has {len(process.starts)} start events; simulate "
                "needs exactly one (merge the others with an exclusive gateway)"
            )
        self.nodes: list[Any] = list(process.nodes)
        index = {n.id: i for i, n in enumerate(self.nodes)}
        self.start = index[process.starts[0].id]
        split_notes: list[str] = []
        branches = _branch_probabilities(process, split_notes)
        for note in split_notes:
            notes.add(note)
        self.kinds = [_code(process, n) for n in self.nodes]
        for block in _interleaved_blocks(process):
            # Its steps' times run from the case's previous event, whichever branch: the log
            # shows them one after another, and so they run.
            branches = _serialised(branches, {block.split: block})
            self.kinds[index[block.split]] = self.kinds[index[block.join]] = _PASS
            notes.add(
                "parallel blocks whose branches the log interleaves run one branch after "
                "another, as the log timed them"
            )
        self.succ = [tuple(index[t] for t, _ in branches[n.id]) for n in self.nodes]
        self.probs = [tuple(p for _, p in branches[n.id]) for n in self.nodes]
        self.cumulative = [_cumulative(p) for p in self.probs]
        self.slots = [
            {index[p]: k for k, p in enumerate(process.predecessors(n.id))} for n in self.nodes
        ]
        self.steps: dict[int, _StepPlan] = {}
        self.pools: list[str] = []

    def visits(self, name: str) -> list[float]:
        """Expected executions of every node per case, from the flow balance equations."""
        import numpy as np

        n = len(self.nodes)
        balance = np.eye(n)
        for u in range(n):
            # A parallel join fires once for one token from each of its incoming flows.
            share = 1.0 / len(self.slots[u]) if self.kinds[u] == _JOIN else 1.0
            for v, p in zip(self.succ[u], self.probs[u], strict=True):
                balance[v, u] -= share * (p if self.kinds[u] == _XOR else 1.0)
        inflow = np.zeros(n)
        inflow[self.start] = 1.0
        try:
            visits = np.linalg.solve(balance, inflow)
        except np.linalg.LinAlgError:
            visits = np.full(n, np.inf)
        if not np.all(np.isfinite(visits)) or visits.min() < -1e-9:
            raise ModelError(
                f"process {name!r}: a loop never exits (its exit branches have probability 0); "
                "give an exit branch a probability above 0"
            )
        return [float(v) for v in visits]


def _interleaved_blocks(process: ServiceProcess) -> list[_Parallel]:
    """The parallel blocks discovered from a log that interleaves their branches."""
    if not any(s.stats is not None and s.stats.interleaved for s in process.steps):
        return []
    return [b for b in _parallel_blocks(process).values() if _interleaved(process, b)]


def _cumulative(probs: Sequence[float]) -> tuple[float, ...]:
    total, running, out = sum(probs) or 1.0, 0.0, []
    for p in probs:
        running += p / total
        out.append(running)
    if out:
        out[-1] = 1.0  # so that a uniform draw below 1 always finds a branch
    return tuple(out)


# -- resolving the arguments ------------------------------------------------------------------


@attrs.frozen
class _Setup:
    """Everything a replication needs, resolved once."""

    plan: _Plan
    capacities: Mapping[str, int]
    arrivals: Callable[[random.Random], list[float]]
    origin: datetime
    calendar: BusinessCalendar | None
    notes: tuple[str, ...]
    travel_known: bool = True  # every step's presence is known


# A mean over ten million simulated cases is as precise as any estimate here needs; more only
# runs the machine out of memory or time.
MAX_SIMULATED_CASES = 10_000_000


def _check_count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ModelError(f"simulate: {name} must be a positive whole number, got {value!r}")
    return value


def _aware(name: str, value: Any) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ModelError(
            f"simulate: {name} must be a timezone-aware datetime, got {value!r} "
            "(e.g. datetime(2024, 1, 6, tzinfo=timezone.utc))"
        )
    return value.astimezone(UTC)


def _origin(start: datetime | None, facts: _LogFacts | None, notes: _Notes) -> datetime:
    if start is not None:
        return _aware("start", start)
    if facts is not None and facts.first is not None:
        return facts.first.astimezone(UTC)
    notes.add(f"simulated time starts on {DEFAULT_START:%A %Y-%m-%d %H:%M} UTC (start= not given)")
    return DEFAULT_START


def _arrivals(
    arrivals: Any, cases: int, origin: datetime, facts: _LogFacts | None, notes: _Notes
) -> tuple[Callable[[random.Random], list[float]], float | None]:
    """A function drawing one replication's arrival times, and the mean gap between them."""
    if arrivals is None or isinstance(arrivals, timedelta):
        if isinstance(arrivals, timedelta):
            if arrivals <= timedelta(0):
                raise ModelError(f"simulate: arrivals must be a positive timedelta, got {arrivals}")
            gap = arrivals.total_seconds()
        elif facts is not None and facts.mean_gap is not None:
            gap = facts.mean_gap
            notes.add(
                f"arrivals: a Poisson process with the log's rate, one case every "
                f"{_shown(timedelta(seconds=gap))} on average"
            )
        else:
            gap = DEFAULT_INTERARRIVAL.total_seconds()
            notes.add(
                f"arrivals: a Poisson process, one case every {_shown(DEFAULT_INTERARRIVAL)} "
                "on average (arrivals= not given)"
            )

        def poisson(rng: random.Random) -> list[float]:
            t, times = 0.0, []
            for _ in range(cases):
                t += rng.expovariate(1.0 / gap)
                times.append(t)
            return times

        return poisson, gap
    if isinstance(arrivals, str) or not isinstance(arrivals, Iterable):
        raise ModelError(
            "simulate: arrivals must be a timedelta (mean gap of a Poisson process) or a "
            f"sequence of arrival times, got {type(arrivals).__name__}"
        )
    given = list(arrivals)
    if len(given) < cases:
        raise ModelError(
            f"simulate: {len(given)} arrival times for {cases} cases; pass cases={len(given)}"
        )
    times = sorted(_offset(a, origin) for a in given[:cases])
    if times[0] < 0:
        raise ModelError("simulate: an arrival time comes before start=; move start= earlier")
    span = times[-1] - times[0]
    return (lambda _rng: times), (span / (cases - 1) if cases > 1 and span > 0 else None)


def _offset(value: Any, origin: datetime) -> float:
    if isinstance(value, timedelta):
        return value.total_seconds()
    return (_aware("an arrival time", value) - origin).total_seconds()


def _capacity_of(resources: Any, pools: Sequence[str]) -> tuple[dict[str, int], int | None]:
    """Capacities the caller gave, by pool name, and the one for every pool (an int)."""
    if resources is None:
        return {}, None
    if isinstance(resources, int):
        return {}, _check_count("resources", resources)
    if not isinstance(resources, Mapping):
        raise ModelError(
            "simulate: resources must be a whole number (clerks in every pool) or a mapping "
            f"from pool to clerks, got {type(resources).__name__}"
        )
    given = {}
    for key, value in resources.items():
        name = _pool_name(*key) if isinstance(key, tuple) and len(key) == 2 else key
        if name not in pools:
            raise ModelError(
                f"simulate: resources names a pool {key!r} that no step uses; the pools are "
                f"{list(pools)} (or (agency, actor) pairs)"
            )
        given[name] = _check_count(f"resources[{key!r}]", value)
    return given, None


def _open_share(calendar: BusinessCalendar | None) -> float:
    return 1.0 if calendar is None else calendar.open_share


def _setup(
    process: ServiceProcess,
    *,
    cases: int,
    arrivals: Any,
    resources: Any,
    calendar: BusinessCalendar | None,
    log: Any,
    travel: Travel | None,
    distribution: str | None,
    start: datetime | None,
    inherited: Mapping[str, int] | None,
) -> _Setup:
    from bpr.calendar import BusinessCalendar

    if not isinstance(process, ServiceProcess):
        raise ModelError(f"simulate() takes a ServiceProcess, got {type(process).__name__}")
    if distribution not in (None, "exponential", "fixed"):
        raise ModelError(
            f"simulate: unknown distribution {distribution!r}; use 'exponential' or 'fixed'"
        )
    if calendar is not None and not isinstance(calendar, BusinessCalendar):
        raise ModelError(
            f"simulate: calendar must be a bpr.BusinessCalendar, got {type(calendar).__name__}"
        )
    if travel is not None and not isinstance(travel, Travel):
        raise ModelError(f"simulate: travel must be a bpr.Travel, got {travel!r}")
    notes = _Notes()
    facts = None if log is None else _log_facts(_observations(log), process)
    if facts is not None and facts.unmatched:
        notes.add(f"log activities that match no step are left out: {', '.join(facts.unmatched)}")
    origin = _origin(start, facts, notes)
    draw_arrivals, gap = _arrivals(arrivals, cases, origin, facts, notes)
    plan = _Plan(process, notes)
    if distribution is None and any(
        s.duration is not None and s.actor is not Actor.SYSTEM for s in process.steps
    ):
        notes.add(
            "annotated step durations are the mean of an exponential distribution "
            "(distribution= not given)"
        )
    _plan_steps(plan, facts, distribution or "exponential", calendar, travel, notes)
    capacities = _capacities(plan, process.name, resources, inherited, facts, gap, calendar, notes)
    if calendar is None:
        notes.add("no calendar: staff and offices work around the clock (calendar= not given)")
    travel_known = all(presence(s) is not None for s in process.steps)
    return _Setup(plan, capacities, draw_arrivals, origin, calendar, notes.all(), travel_known)


def _plan_steps(
    plan: _Plan,
    facts: _LogFacts | None,
    distribution: str,
    calendar: BusinessCalendar | None,
    travel: Travel | None,
    notes: _Notes,
) -> None:
    trips = travel or Travel()
    for i, node in enumerate(plan.nodes):
        if not isinstance(node, Step):
            continue
        observed = None if facts is None else facts.durations.get(node.id)
        law, delay = _step_law(node, observed, distribution, notes)
        pool = -1
        if not delay and _needs_clerk(node):
            name = _pool_name(node.agency, node.actor)
            if name not in plan.pools:
                plan.pools.append(name)
            pool = plan.pools.index(name)
        place = _place(node)
        if presence(node) is None:
            notes.step("whether the citizen must be present is unknown, so no travel", node)
        if place is not None and travel is None:
            notes.add(
                f"citizens travel {_shown(trips.office)} to an office and "
                f"{_shown(trips.counter_office)} to a counter office (travel= not given)"
            )
        plan.steps[i] = _StepPlan(
            law=law,
            pool=pool,
            calendared=calendar is not None and (pool >= 0 or place is not None),
            place=place,
            travel=0.0 if place is None else _travel_seconds(trips, place),
            delay=delay,
        )


def _travel_seconds(trips: Travel, place: str) -> float:
    leg = trips.counter_office if place == COUNTER_OFFICE else trips.office
    return leg.total_seconds()


def _capacities(
    plan: _Plan,
    name: str,
    resources: Any,
    inherited: Mapping[str, int] | None,
    facts: _LogFacts | None,
    gap: float | None,
    calendar: BusinessCalendar | None,
    notes: _Notes,
) -> dict[str, int]:
    given, everywhere = _capacity_of(resources, plan.pools)
    visits = plan.visits(name)
    work = dict.fromkeys(plan.pools, 0.0)
    for i, step in plan.steps.items():
        if step.pool >= 0:
            work[plan.pools[step.pool]] += visits[i] * step.law.mean
    capacities, sized = {}, []
    for pool in plan.pools:
        if everywhere is not None or pool in given:
            capacities[pool] = everywhere or given[pool]
        elif inherited is not None and pool in inherited:
            capacities[pool] = inherited[pool]
            notes.add("pools the as-is also has keep its staff")
        elif facts is not None and pool in facts.resources:
            capacities[pool] = facts.resources[pool]
        else:
            load = 0.0 if gap is None else work[pool] / gap / _open_share(calendar)
            capacities[pool] = max(1, math.ceil(load / TARGET_UTILISATION - 1e-9))
            sized.append(f"{pool}: {capacities[pool]}")
    if sized:
        notes.add(
            f"staff of pools of unknown size: the fewest clerks that keep each below "
            f"{TARGET_UTILISATION:.0%} busy ({'; '.join(sized)})"
        )
    return capacities


# -- one replication --------------------------------------------------------------------------


class _Replication:
    """One run of all cases through the compiled process (callbacks on an event loop)."""

    def __init__(self, setup: _Setup, seed: int, replication: int, engine: str) -> None:
        from bpr._engine import Clock, Loop, SimpyLoop

        plan = setup.plan

        def stream(key: str) -> random.Random:
            # A string seed is hashed with SHA-512: the same on every platform and run.
            return random.Random(f"bpr/{seed}/{replication}/{key}")

        self.loop = Loop() if engine == "lean" else SimpyLoop()
        self.clock = None if setup.calendar is None else Clock(setup.calendar, setup.origin)
        self.kinds, self.succ, self.slots = plan.kinds, plan.succ, plan.slots
        self.cumulative = plan.cumulative
        n = len(plan.nodes)
        self.choose: list[Callable[[], float] | None] = [None] * n
        self.draw: list[Callable[[], float] | None] = [None] * n
        self.step: list[_StepPlan | None] = [None] * n
        for i, node in enumerate(plan.nodes):
            if self.kinds[i] == _XOR:
                self.choose[i] = stream(f"split/{node.id}").random
            elif i in plan.steps:
                self.step[i] = plan.steps[i]
                self.draw[i] = plan.steps[i].law.sampler(stream(f"step/{node.id}"))
        self.pools = [self.loop.pool(setup.capacities[p]) for p in plan.pools]
        self.free: list[deque[int]] = [deque() for _ in plan.pools]
        self.hired = [0] * len(plan.pools)
        self.busy = [0.0] * len(plan.pools)
        self.arrivals = setup.arrivals(stream("arrivals"))
        cases = len(self.arrivals)
        self.end = [math.nan] * cases
        self.tokens = [1] * cases
        self.working = [0.0] * cases
        self.travelled = [0.0] * cases
        self.at: list[Any] = [None] * cases
        self.joins: dict[tuple[int, int], list[int]] = {}
        self.executions = [0] * n
        self.waited = [0.0] * n
        self.events: list[array[Any]] | None = None
        self.start = plan.start

    def run(self, record: bool) -> _Replication:
        if record:
            self.events = [array("l"), array("l"), array("d"), array("d"), array("l")]
        self.loop.after(self.arrivals[0], self._arrive, 0)
        self.loop.run()
        return self

    # The callbacks below run once per event: plain local lookups, no helpers.
    def _arrive(self, case: int) -> None:
        times = self.arrivals
        if case + 1 < len(times):
            self.loop.after(times[case + 1] - times[case], self._arrive, case + 1)
        self._enter(case, self.succ[self.start][0], self.start)

    def _enter(self, case: int, node: int, came_from: int) -> None:
        kinds, succ = self.kinds, self.succ
        while True:
            kind = kinds[node]
            if kind == _STEP:
                self._reach(case, node)
                return
            if kind == _PASS:
                came_from, node = node, succ[node][0]
            elif kind == _XOR:
                pick = bisect.bisect_right(self.cumulative[node], self.choose[node]())
                came_from, node = node, succ[node][pick]
            elif kind == _AND:
                self.tokens[case] += len(succ[node]) - 1
                for target in succ[node]:
                    self._enter(case, target, node)
                return
            elif kind == _JOIN:
                arrived = self.joins.setdefault((case, node), [0] * len(self.slots[node]))
                arrived[self.slots[node][came_from]] += 1
                if not all(arrived):
                    return
                for k in range(len(arrived)):
                    arrived[k] -= 1
                self.tokens[case] -= len(arrived) - 1
                came_from, node = node, succ[node][0]
            else:
                self.tokens[case] -= 1
                if not self.tokens[case]:
                    self.end[case] = self.loop.now
                return

    def _reach(self, case: int, node: int) -> None:
        place = self.step[node].place
        if place is not None and self.at[case] != place:
            self.at[case] = place
            trip = self.step[node].travel
            self.travelled[case] += trip
            self.loop.after(trip, self._ready, (case, node))
            return
        self.at[case] = place
        self._ready((case, node))

    def _ready(self, token: tuple[int, int]) -> None:
        case, node = token
        pool = self.step[node].pool
        if pool >= 0:
            self.pools[pool].request(self._work, (case, node, self.loop.now))
        else:
            self._work((case, node, self.loop.now))

    def _work(self, token: tuple[int, int, float]) -> None:
        case, node, ready = token
        step, now = self.step[node], self.loop.now
        work = self.draw[node]()
        if step.calendared:
            begin = self.clock.open_at(now)
            finish = self.clock.add(begin, work)
        else:
            begin = now
            finish = now + work
        clerk = -1
        if step.pool >= 0:
            free = self.free[step.pool]
            if free:
                clerk = free.popleft()
            else:
                clerk = self.hired[step.pool]
                self.hired[step.pool] += 1
        self.loop.after(finish - now, self._done, (case, node, ready, begin, work, clerk))

    def _done(self, token: tuple[int, int, float, float, float, int]) -> None:
        case, node, ready, begin, work, clerk = token
        step = self.step[node]
        if step.pool >= 0:
            self.pools[step.pool].release()
            self.free[step.pool].append(clerk)
            self.busy[step.pool] += work
        self.executions[node] += 1
        self.waited[node] += begin - ready
        if not step.delay:
            self.working[case] += work
        events = self.events
        if events is not None:
            events[0].append(case)
            events[1].append(node)
            events[2].append(begin)
            events[3].append(self.loop.now)
            events[4].append(clerk)
        self._enter(case, self.succ[node][0], node)

    def summary(self, setup: _Setup, name: str) -> _Summary:
        """The replication's figures, in seconds and shares."""
        import numpy as np

        end = np.array(self.end)
        if np.isnan(end).any():
            raise ModelError(
                f"process {name!r}: {int(np.isnan(end).sum())} simulated cases never finish: a "
                "parallel join waits for a flow that the case never takes (an exclusive split "
                "closed by a parallel join, say); close each split with a join of its own kind"
            )
        cycle = end - np.array(self.arrivals)
        working = np.array(self.working)
        horizon = float(end.max())
        open_time = horizon if self.clock is None else self.clock.open_between(0.0, horizon)
        plan = setup.plan
        return _Summary(
            scalars={
                "cycle_time": float(cycle.mean()),
                "cycle_time_median": float(np.median(cycle)),
                "cycle_time_p90": float(np.percentile(cycle, 90)),
                "working_time": float(working.mean()),
                "waiting_time": float((cycle - working).mean()),
                "travel_time": float(np.mean(self.travelled)) if setup.travel_known else math.nan,
            },
            utilisation={
                pool: self.busy[k] / (setup.capacities[pool] * open_time) if open_time else 0.0
                for k, pool in enumerate(plan.pools)
            },
            waiting={
                i: self.waited[i] / self.executions[i] if self.executions[i] else math.nan
                for i in plan.steps
            },
        )

    def frame(self, setup: _Setup) -> pd.DataFrame:
        """The recorded events in the canonical columns of :func:`bpr.read_log`."""
        import numpy as np
        import pandas as pd

        plan = setup.plan
        case, node, begin, finish, clerk = (np.array(column) for column in self.events)
        width = len(str(len(self.arrivals)))
        case_ids = np.array([f"case-{i + 1:0{width}d}" for i in range(len(self.arrivals))])
        nodes = plan.nodes
        step_of = [plan.steps.get(i) for i in range(len(nodes))]
        pool = np.array([-1 if s is None else s.pool for s in step_of])[node]
        delay = np.array([s is not None and s.delay for s in step_of])[node]
        origin = pd.Timestamp(setup.origin)

        def stamps(seconds: np.ndarray) -> pd.Series:
            micros = np.round(seconds * 1e6).astype(np.int64)
            return pd.Series(origin + pd.to_timedelta(micros, unit="us"))

        # Each (pool, clerk) pair gets its label once, not once per event.
        per_pool = int(clerk.max()) + 2 if len(clerk) else 1
        codes, inverse = np.unique(
            np.where(pool >= 0, pool * per_pool + clerk, -1), return_inverse=True
        )
        labels = np.array(
            [None if c < 0 else f"{plan.pools[c // per_pool]} #{c % per_pool + 1}" for c in codes],
            dtype=object,
        )
        columns = {
            "case": case_ids[case],
            "activity": np.array([getattr(n, "name", "") for n in nodes], dtype=object)[node],
            "timestamp": stamps(finish),
            "start": stamps(begin).where(~delay),
            "resource": labels[inverse],
            "agency": np.array([getattr(n, "agency", None) for n in nodes], dtype=object)[node],
            "channel": np.array(
                [getattr(getattr(n, "channel", None), "value", None) for n in nodes], dtype=object
            )[node],
        }
        frame = pd.DataFrame(columns)
        # A column with no value at all would make the log claim an attribute it lacks; case,
        # activity and time stay, so that a run in which no case met a step is an empty log.
        kept = [c for c in frame.columns if c in _EVENT_KEYS or frame[c].notna().any()]
        return frame[kept]


_EVENT_KEYS = ("case", "activity", "timestamp")


@attrs.frozen
class _Summary:
    scalars: Mapping[str, float]
    utilisation: Mapping[str, float]
    waiting: Mapping[int, float]


# -- results from replications ----------------------------------------------------------------


def _estimate(samples: Sequence[float], time: bool) -> Estimate:
    """Mean and Student-t 95 % confidence interval of per-replication values."""
    import statistics

    values = [v for v in samples if not math.isnan(v)]
    unit = (lambda s: timedelta(seconds=s)) if time else float
    if not values:
        return Estimate(None)
    mean = math.fsum(values) / len(values)
    if len(values) < 2:
        return Estimate(unit(mean))
    from scipy.stats import t

    half = float(t.ppf(0.5 + _CONFIDENCE / 2, len(values) - 1)) * statistics.stdev(values)
    half /= math.sqrt(len(values))
    return Estimate(unit(mean), unit(mean - half), unit(mean + half))


def _step_labels(plan: _Plan) -> dict[int, str]:
    names = [plan.nodes[i].name for i in plan.steps]
    return {
        i: plan.nodes[i].name
        if names.count(plan.nodes[i].name) == 1
        else f"{plan.nodes[i].name} ({plan.nodes[i].id})"
        for i in plan.steps
    }


def _simulate(
    process: ServiceProcess,
    *,
    cases: int,
    arrivals: Any,
    resources: Any,
    calendar: BusinessCalendar | None,
    seed: int,
    log: Any,
    replications: int,
    travel: Travel | None,
    distribution: str | None,
    start: datetime | None,
    engine: str,
    inherited: Mapping[str, int] | None,
) -> Simulation:
    _check_count("cases", cases)
    _check_count("replications", replications)
    if cases * replications > MAX_SIMULATED_CASES:
        raise ModelError(
            f"simulate: {cases:,} cases × {replications:,} replications is more than the "
            f"{MAX_SIMULATED_CASES:,} simulated cases any estimate needs; give fewer cases or "
            "replications"
        )
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ModelError(f"simulate: seed must be a whole number, got {seed!r}")
    if engine not in ("lean", "simpy"):
        raise ModelError(f"simulate: unknown engine {engine!r}; use 'lean' or 'simpy'")
    setup = _setup(
        process,
        cases=cases,
        arrivals=arrivals,
        resources=resources,
        calendar=calendar,
        log=log,
        travel=travel,
        distribution=distribution,
        start=start,
        inherited=inherited,
    )
    summaries, events = [], None
    for r in range(replications):
        run = _Replication(setup, seed, r, engine).run(record=r == 0)
        summaries.append(run.summary(setup, process.name))
        if r == 0:
            events = run.frame(setup)
    labels = _step_labels(setup.plan)
    scalars = {m: tuple(s.scalars[m] for s in summaries) for m in _SCALARS}
    return Simulation(
        process=process.name,
        cases=cases,
        replications=replications,
        seed=seed,
        **{m: _estimate(v, time=True) for m, v in scalars.items()},
        utilisation={
            p: _estimate([s.utilisation[p] for s in summaries], time=False)
            for p in setup.plan.pools
        },
        step_waiting={
            label: _estimate([s.waiting[i] for s in summaries], time=True)
            for i, label in labels.items()
        },
        capacities=dict(setup.capacities),
        assumptions=setup.notes,
        samples=scalars,
        events=events,
    )


def simulate(
    process: ServiceProcess,
    *,
    cases: int = 1000,
    arrivals: timedelta | Sequence[datetime | timedelta] | None = None,
    resources: int | Mapping[Any, int] | None = None,
    calendar: BusinessCalendar | None = None,
    seed: int = 0,
    log: EventLog | pd.DataFrame | str | None = None,
    replications: int = 5,
    travel: Travel | None = None,
    distribution: Literal["exponential", "fixed"] | None = None,
    start: datetime | None = None,
    engine: Literal["lean", "simpy"] = "lean",
) -> Simulation:
    """Simulate cases of a service process with queues, staff, calendars and travel.

    Parameters
    ----------
    process : ServiceProcess
        The process; branch probabilities, durations and step types come from it.
    cases : int
        Cases per replication.
    arrivals : timedelta or sequence of datetime or timedelta, optional
        The mean gap of a Poisson arrival process, or explicit arrival times (datetimes, or
        offsets from ``start``; the first ``cases`` are used). Default: the log's rate, else
        one case per hour.
    resources : int or mapping, optional
        Clerks per staff pool: one number for every pool, or a mapping from ``(agency,
        actor)`` (or the pool name ``"agency / actor"``) to clerks. Pools left out take the
        log's distinct resources, else the fewest clerks that keep them below 80 % busy.
    calendar : BusinessCalendar, optional
        Working days and office hours for staff and visits; ``None`` works around the clock.
    seed : int
        Seeds every random stream; the same seed gives the same results, byte for byte.
    log : EventLog, DataFrame or path, optional
        Observed behaviour: the arrival rate, step durations (resampled) and pool sizes
        (distinct resources) come from it, matched to steps by name.
    replications : int
        Independent runs; confidence intervals need at least two.
    travel : Travel, optional
        One-way travel of a citizen to an office and to a counter office (default
        :class:`Travel`: 30 and 10 minutes).
    distribution : {"exponential", "fixed"}, optional
        How an annotated ``Step.duration`` (or the default duration) varies around its mean;
        exponential when not given.
    start : datetime, optional
        When simulated time starts (timezone-aware); default the log's first case, else
        :data:`DEFAULT_START`.
    engine : {"lean", "simpy"}
        The lean event loop (fast) or SimPy (the reference); results are identical.

    Returns
    -------
    Simulation

    Raises
    ------
    ModelError
        On an argument out of range, a pool ``resources`` names that no step uses, a loop
        that never exits, or a parallel join that waits forever.
    LogError
        When ``log`` cannot be read.

    Examples
    --------
    >>> from bpr import ServiceProcess, Step, simulate
    >>> p = ServiceProcess.from_blocks(
    ...     "Stamp", Step("s", "Stamp the form", agency="Registry", actor="front_office",
    ...                   duration=300))
    >>> sim = simulate(p, cases=50, replications=2, resources=1, distribution="fixed",
    ...                arrivals=[timedelta(minutes=i) for i in range(50)])
    >>> sim.cycle_time_p90.value > sim.cycle_time_median.value  # the queue grows
    True
    >>> round(sim.utilisation["Registry / front_office"].value, 2)
    1.0
    """
    return _simulate(
        process,
        cases=cases,
        arrivals=arrivals,
        resources=resources,
        calendar=calendar,
        seed=seed,
        log=log,
        replications=replications,
        travel=travel,
        distribution=distribution,
        start=start,
        engine=engine,
        inherited=None,
    )


def compare_simulations(
    as_is: ServiceProcess, to_be: ServiceProcess, **same: Any
) -> SimulationComparison:
    """Simulate an as-is and a to-be process on common random numbers and compare them.

    Both runs take the same arguments (``same``: any keyword of :func:`simulate`), so the
    same arrivals and, for steps the two share (by id), the same durations. Unless
    ``resources`` is given, the to-be keeps the as-is staff in the pools they share.

    Returns
    -------
    SimulationComparison
        With per-metric differences (to-be minus as-is), each the mean of the paired
        per-replication differences with a 95 % confidence interval.

    Examples
    --------
    >>> from bpr import ServiceProcess, Step, compare_simulations
    >>> visit = dict(agency="Registry", actor="front_office", citizen_present=True)
    >>> as_is = ServiceProcess.from_blocks(
    ...     "Paper", Step("a", "Apply", duration=600, **visit),
    ...     Step("b", "Collect", duration=300, agency="Registry", actor="back_office"),
    ...     Step("c", "Pick up", duration=300, **visit))
    >>> to_be = as_is.replace_steps([Step("c", "Receive by SMS", actor="system", channel="sms")])
    >>> cmp = compare_simulations(as_is, to_be, cases=100, replications=3)
    >>> cmp.differences["travel_time"].value  # one trip less
    datetime.timedelta(days=-1, seconds=84600)
    """
    import inspect

    try:
        bound = inspect.signature(simulate).bind(as_is, **same)
    except TypeError as exc:
        raise ModelError(f"compare_simulations: {exc}") from None
    bound.apply_defaults()
    args = dict(bound.arguments)
    del args["process"]
    if args["log"] is not None:  # read once for both processes
        args["log"] = _gather(event_log(args["log"]))
    first = _simulate(as_is, inherited=None, **args)
    inherited = first.capacities if args["resources"] is None else None
    second = _simulate(to_be, inherited=inherited, **args)
    differences = {
        m: _estimate(
            [b - a for a, b in zip(first._samples[m], second._samples[m], strict=True)], time=True
        )
        for m in _SCALARS
    }
    return SimulationComparison(first, second, differences)
