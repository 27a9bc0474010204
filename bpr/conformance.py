"""Undocumented steps: the official procedure held against what the event log shows.

:func:`find_undocumented` compares a documented procedure (a :class:`~bpr.ServiceProcess`, a
BPMN, PNML or JSON file, or a plain list of step names read as a sequence) with an event log
and returns :class:`Gaps`: the activities the procedure does not name, the directly-follows
transitions it cannot produce, the documented steps that cases skip, the share of events the
procedure covers and the alignment-based fitness of the log against it. :func:`bpr.render` draws
the documented model with the gaps drawn in.

Definitions
-----------
matching
    A log activity matches a documented step when their labels are equal after
    :func:`bpr.labels.normalize` (Arabic and Persian letters, zero-width non-joiners, spacing,
    diacritics, Latin case), or exactly equal with ``match="exact"``. A step's Persian name
    (``name_fa``) matches too. Near misses are only *suggested* (:attr:`Gaps.suggested_matches`,
    by :func:`bpr.labels.compare`: alike words, and no opposite terms, different roles, objects
    or numbers, nor a word without a counterpart); an analyst applies them with ``aliases``.
undocumented step
    A log activity that matches no documented step.
undocumented transition
    A pair of documented activities that directly follow each other in some case although no
    complete run of the documented model has the second as the next visible step after the
    first. Gateways, parallel blocks (any interleaving) and loops (repetition) are taken into
    account exactly, through the reachability graph of the model's workflow net (see
    :mod:`bpr.pnml`). Pairs with an undocumented activity on either side are not transitions:
    they belong to the undocumented step.
skipped step
    A documented step that a case never executes. ``mandatory`` says the law requires it;
    ``required`` that every complete run of the documented model executes it.
coverage
    Events whose activity is documented, over all events.
fitness
    pm4py's alignment-based log fitness (``pm4py.fitness_alignments(...)["log_fitness"]``),
    computed once per variant of the log and weighted by its number of cases ``n``:
    ``1 - sum(n * cost) / sum(n * bwc)``. ``cost`` is the cost of an optimal alignment of the
    variant with pm4py's standard costs: 10,000 for a move on the log or a visible move on the
    model, 1 for a silent move, 0 for a synchronous move; ``bwc`` is 10,000 per event plus the
    cost of the cheapest complete run of the model (its visible moves at 10,000, silent ones
    at 1). A silent move costs 1/10,000 of a deviation, so a log whose every case fits the
    model scores just below 1 when its runs go through silent transitions (pm4py's
    per-trace fitness rounds these costs away; its log fitness, and so this one, does not).
case share
    Cases with the finding over all cases of the log.

Examples
--------
>>> import pandas as pd
>>> events = pd.DataFrame({
...     "case": ["1", "1", "1", "2", "2", "2"],
...     "activity": ["Apply", "Photocopy ID", "Pay", "Pay", "Apply", "Issue"],
...     "timestamp": pd.date_range("2024-01-01", periods=6, freq="h", tz="UTC"),
... })
>>> gaps = find_undocumented(["Apply", "Pay", "Issue"], events)
>>> gaps.steps[["activity", "cases", "case_share"]]
       activity  cases  case_share
0  Photocopy ID      1         0.5
>>> gaps.transitions[["source", "target", "cases"]]
  source target  cases
0  Apply  Issue      1
1    Pay  Apply      1
>>> gaps.skipped[["step", "cases", "required"]]
    step  cases  required
0  Issue      1      True
>>> round(gaps.coverage, 4)
0.8333
"""

from __future__ import annotations

import html
import itertools
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from bpr._read import event_log, model_file
from bpr.errors import LogError, ModelError
from bpr.labels import compare, normalize
from bpr.model import ServiceProcess, Step

if TYPE_CHECKING:
    import pandas as pd

    from bpr.log import EventLog
    from bpr.pnml import Net
    from bpr.stats import LogStats

__all__ = ["Gaps", "find_undocumented"]

Match = Literal["normalized", "exact"]
Documented = ServiceProcess | str | os.PathLike[str] | Sequence[str]

# Marks an activity no documented step carries, so that it can only be a log move.
_UNDOCUMENTED = "\x00"


@attrs.frozen(eq=False)
class Gaps:
    """Where practice departs from the documented procedure (see :mod:`bpr.conformance`).

    Attributes
    ----------
    steps
        DataFrame ``activity, events, cases, case_share, time_share``: one row per
        undocumented activity, most cases first (then by label). ``time_share`` is the
        activity's share of the log's total working time (completion minus start) when the
        log has start times, else of its total waiting time (the time from the previous
        event's completion in the case to the activity's start, or its completion when there
        is no start time; a case's first event has none); :attr:`time_basis` says which.
    transitions
        DataFrame ``source, target, events, cases, case_share``: directly-follows pairs of
        documented activities that the documented model cannot produce; most cases first.
    skipped
        DataFrame ``step, step_id, cases, case_share, mandatory, required``: documented steps
        that some cases never execute; mandatory first, then required, then most cases.
    coverage, fitness
        Share of events whose activity is documented; alignment-based fitness.
    suggested_matches
        DataFrame ``activity, step, step_id, score``: undocumented activities whose label is
        close to a documented step's (score 0-100, :func:`bpr.labels.compare`) and that nothing
        rules out (opposite terms, another role or object); never applied without ``aliases``.
    matches
        DataFrame ``activity, step, step_id, how``: each documented log activity, the step it
        matched, and how (``"exact"``, ``"normalized"`` or ``"alias"``).
    log_flows
        DataFrame ``source, target, events, cases, case_share``: every directly-follows pair
        of the log (what :func:`bpr.render` draws undocumented steps with).
    n_cases, n_events
        The size of the log.
    time_basis
        ``"working"``, ``"waiting"``, or ``None`` when the log holds no time to share.
    documented
        The documented model as a process (to draw it), ``None`` when a Petri net could not
        be expressed as one.
    ids
        Documented step name → ids of the steps (or transitions) that carry it.
    """

    steps: pd.DataFrame
    transitions: pd.DataFrame
    skipped: pd.DataFrame
    coverage: float
    fitness: float
    suggested_matches: pd.DataFrame
    matches: pd.DataFrame
    log_flows: pd.DataFrame
    n_cases: int
    n_events: int
    time_basis: str | None
    documented: ServiceProcess | None
    ids: Mapping[str, tuple[str, ...]]

    def to_frame(self) -> pd.DataFrame:
        """All findings in one table: ``finding, what, events, cases, case_share, mandatory``.

        ``finding`` is ``"undocumented step"``, ``"undocumented transition"`` or
        ``"skipped step"``; rows keep the order of :attr:`steps`, :attr:`transitions` and
        :attr:`skipped`. ``events`` is empty for skipped steps, ``mandatory`` for the others.
        """
        import pandas as pd

        parts = [
            self.steps.assign(finding="undocumented step", what=self.steps["activity"]),
            self.transitions.assign(
                finding="undocumented transition",
                what=self.transitions["source"] + " → " + self.transitions["target"],
            ),
            self.skipped.assign(finding="skipped step", what=self.skipped["step"]),
        ]
        columns = ["finding", "what", "events", "cases", "case_share", "mandatory"]
        frame = pd.concat([p.reindex(columns=columns) for p in parts], ignore_index=True)
        return frame.astype({"events": "Int64", "cases": "int64", "mandatory": "boolean"})

    def summary(self) -> str:
        """A few lines for a person: coverage, fitness and the largest finding of each kind."""
        lines = [
            f"{self.n_cases:,} cases, {self.n_events:,} events; the documented procedure "
            f"covers {self.coverage:.1%} of events; alignment fitness {self.fitness:.3f}.",
            _headline(self.steps, "undocumented step", lambda r: r["activity"]),
            _headline(
                self.transitions,
                "undocumented transition",
                lambda r: f"{r['source']} → {r['target']}",
            ),
        ]
        mandatory = self.skipped[self.skipped["mandatory"]]
        if len(mandatory):
            lines.append(_headline(mandatory, "mandatory step skipped", lambda r: r["step"]))
        else:
            lines.append("No case skips a mandatory step.")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        parts = [
            "<div><strong>Gaps</strong>",
            *(f"<p>{html.escape(line)}</p>" for line in self.summary().splitlines()),
        ]
        for title, frame in (
            ("Undocumented steps", self.steps),
            ("Undocumented transitions", self.transitions),
            ("Skipped steps", self.skipped),
            ("Suggested matches", self.suggested_matches),
        ):
            if len(frame):
                parts.append(f"<p>{title}</p>{frame.to_html(index=False)}")
        return "".join(parts) + "</div>"


def _headline(frame: pd.DataFrame, what: str, label: Any) -> str:
    if not len(frame):
        return f"No {what}s."
    top = frame.iloc[0]
    noun = what if len(frame) == 1 else f"{what}s"
    return f"{len(frame)} {noun}; the largest: {label(top)} in {top['case_share']:.1%} of cases."


# -- the documented model -------------------------------------------------------------------


@attrs.frozen(eq=False)
class _Reference:
    """A documented model in the form matching needs.

    Steps are grouped by their match key (several steps may carry the same label); the
    workflow net's visible transitions are labelled with these keys.
    """

    name: str
    process: ServiceProcess | None
    net: Net
    names: Mapping[str, str]  # key -> display name, in reading order
    ids: Mapping[str, tuple[str, ...]]  # key -> step or transition ids
    spellings: Mapping[str, str]  # match key of every accepted label -> key
    mandatory: frozenset[str]


def _key(label: str, match: Match) -> str:
    return normalize(label) if match == "normalized" else label


def _reference(documented: Any, match: Match) -> _Reference:
    if isinstance(documented, ServiceProcess):
        return _from_process(documented, match)
    if isinstance(documented, str | os.PathLike):
        return _from_file(Path(documented), match)
    if isinstance(documented, Sequence) and all(isinstance(s, str) for s in documented):
        if not documented:
            raise ModelError("find_undocumented: the documented procedure has no steps")
        steps = [Step(f"s{i:02d}", name) for i, name in enumerate(documented, 1)]
        return _from_process(ServiceProcess.from_blocks("Documented procedure", *steps), match)
    raise ModelError(
        "find_undocumented: documented must be a ServiceProcess, a .bpmn, .pnml or .json path, "
        f"or a list of step names; got {type(documented).__name__}"
    )


def _from_file(path: Path, match: Match) -> _Reference:
    model = model_file(path)
    if isinstance(model, ServiceProcess):
        return _from_process(model, match)
    return _from_net(model, match)


def _from_process(process: ServiceProcess, match: Match) -> _Reference:
    from bpr.pnml import from_process

    names: dict[str, str] = {}
    ids: dict[str, tuple[str, ...]] = {}
    spellings: dict[str, str] = {}
    for step in process.steps:
        key = _key(step.name, match)
        names.setdefault(key, step.name)
        ids[key] = (*ids.get(key, ()), step.id)
        for text in filter(None, (step.name, step.name_fa)):
            _add_spelling(spellings, _key(text, match), key, names, process.name)
    mandatory = frozenset(_key(s.name, match) for s in process.steps if s.mandatory)
    net = from_process(process, label=lambda step: _key(step.name, match))
    return _Reference(process.name, process, net, names, ids, spellings, mandatory)


def _add_spelling(
    spellings: dict[str, str], spelling: str, key: str, names: Mapping[str, str], where: str
) -> None:
    if spellings.setdefault(spelling, key) != key:
        raise ModelError(
            f"documented model {where!r}: the steps {names[spellings[spelling]]!r} and "
            f"{names[key]!r} share the label {spelling!r}; rename one of them"
        )


def _from_net(net: Net, match: Match) -> _Reference:
    from bpr.pnml import to_process

    names: dict[str, str] = {}
    ids: dict[str, tuple[str, ...]] = {}
    for transition in sorted(net.net.transitions, key=lambda t: t.name):
        if transition.label is not None:
            key = _key(transition.label, match)
            names.setdefault(key, transition.label)
            ids[key] = (*ids.get(key, ()), transition.name)
    try:
        process = to_process(net)
    except ModelError:
        # The net is still checked against; only the drawing needs a process.
        process = None
    spellings = {key: key for key in names}
    labelled = net.relabel(lambda label: _key(label, match))
    return _Reference(net.name, process, labelled, names, ids, spellings, frozenset())


# -- matching -------------------------------------------------------------------------------


@attrs.frozen
class _Matching:
    """Each log activity's documented key (``None``: undocumented) and how it matched."""

    keys: Mapping[str, str | None]
    how: Mapping[str, str]

    def documented(self, activity: str) -> bool:
        return self.keys[activity] is not None


def _match(
    reference: _Reference,
    activities: Iterable[str],
    aliases: Mapping[str, str] | None,
    match: Match,
) -> _Matching:
    activities = list(activities)
    decided = _resolve_aliases(reference, activities, aliases or {}, match)
    keys: dict[str, str | None] = {}
    how: dict[str, str] = {}
    for activity in activities:
        if activity in decided:
            keys[activity], how[activity] = decided[activity], "alias"
            continue
        key = reference.spellings.get(_key(activity, match))
        keys[activity] = key
        if key is not None:
            exact = activity in (reference.names[key], *_exact_names(reference, key))
            how[activity] = "exact" if exact else "normalized"
    return _Matching(keys, how)


def _exact_names(reference: _Reference, key: str) -> list[str]:
    if reference.process is None:
        return []
    return [
        text
        for step in reference.process.steps
        if step.id in reference.ids[key]
        for text in (step.name, step.name_fa)
        if text
    ]


def _resolve_aliases(
    reference: _Reference, activities: list[str], aliases: Mapping[str, str], match: Match
) -> dict[str, str]:
    by_key = {normalize(a): a for a in activities}
    by_id = {step_id: key for key, ids in reference.ids.items() for step_id in ids}
    decided = {}
    for label, target in aliases.items():
        activity = by_key.get(normalize(label))
        if activity is None:
            raise LogError(
                f"aliases: {label!r} is not an activity of the log; use a label from "
                "Gaps.steps or Gaps.suggested_matches"
            )
        key = by_id.get(target) or reference.spellings.get(_key(target, match))
        if key is None:
            raise ModelError(
                f"aliases: {label!r} is mapped to {target!r}, which is neither the id nor the "
                f"name of a step of the documented model {reference.name!r}"
            )
        decided[activity] = key
    return decided


def _suggestions(
    reference: _Reference, undocumented: Iterable[str], min_score: float
) -> pd.DataFrame:
    """Documented steps an undocumented activity may be, by :func:`bpr.labels.compare`."""
    import pandas as pd

    rows = []
    for activity in undocumented:
        for key, name in reference.names.items():
            comparison = compare(activity, name)
            if comparison.matches(min_score):
                rows.append((activity, name, reference.ids[key][0], comparison.score))
    frame = pd.DataFrame(rows, columns=["activity", "step", "step_id", "score"])
    return _sorted(
        frame.astype({"score": float}), ["score", "activity", "step"], [False, True, True]
    )


# -- counting over variants -----------------------------------------------------------------


def _log_flows(variants: pd.DataFrame, n_cases: int) -> pd.DataFrame:
    """Every directly-follows pair: its occurrences, and the cases it occurs in."""
    import pandas as pd

    events: Counter[tuple[str, str]] = Counter()
    cases: Counter[tuple[str, str]] = Counter()
    for variant, count in zip(variants["variant"], variants["count"], strict=True):
        pairs = Counter(itertools.pairwise(variant))
        for pair, times in pairs.items():
            events[pair] += times * int(count)
            cases[pair] += int(count)
    frame = pd.DataFrame(
        [(s, t, events[s, t], cases[s, t]) for s, t in events],
        columns=["source", "target", "events", "cases"],
    ).astype({"events": "int64", "cases": "int64"})
    return _shares(frame, n_cases, ["source", "target"])


def _shares(frame: pd.DataFrame, n_cases: int, labels: list[str]) -> pd.DataFrame:
    frame = frame.assign(case_share=frame["cases"] / n_cases if n_cases else 0.0)
    return _sorted(frame, ["cases", *labels], [False] + [True] * len(labels))


def _sorted(frame: pd.DataFrame, by: list[str], ascending: list[bool]) -> pd.DataFrame:
    return frame.sort_values(by, ascending=ascending, kind="stable").reset_index(drop=True)


def _skipped(
    reference: _Reference, matching: _Matching, variants: pd.DataFrame, required: frozenset[str]
) -> pd.DataFrame:
    import pandas as pd

    n_cases = int(variants["count"].sum())
    executed: Counter[str] = Counter()
    for variant, count in zip(variants["variant"], variants["count"], strict=True):
        for key in {matching.keys[a] for a in variant} - {None}:
            executed[key] += int(count)
    rows = [
        (
            reference.names[key],
            reference.ids[key][0],
            n_cases - executed[key],
            key in reference.mandatory,
            key in required,
        )
        for key in reference.names
        if executed[key] < n_cases
    ]
    frame = pd.DataFrame(rows, columns=["step", "step_id", "cases", "mandatory", "required"])
    frame = frame.astype({"cases": "int64", "mandatory": bool, "required": bool})
    frame = frame.assign(case_share=frame["cases"] / n_cases if n_cases else 0.0)
    frame = frame[["step", "step_id", "cases", "case_share", "mandatory", "required"]]
    # Reading order breaks ties: the frame was built in it.
    return _sorted(frame, ["mandatory", "required", "cases"], [False, False, False])


def _time_shares(stats: LogStats) -> tuple[dict[str, float], str | None]:
    """Each activity's share of the log's working time, else of its waiting time."""
    if not stats.timed:
        return {}, None
    totals: list[tuple[str, dict[str, int]]] = []
    if stats.working_time is not None:
        totals.append(("working", _micros_by(stats.working_time, "activity", "events")))
    totals.append(("waiting", _micros_by(stats.directly_follows, "target", "count")))
    for basis, per_activity in totals:
        total = sum(per_activity.values())
        if total > 0:
            return {a: micros / total for a, micros in per_activity.items()}, basis
    return {}, None


def _micros_by(frame: pd.DataFrame, label: str, count: str) -> dict[str, int]:
    """Total microseconds per label, from the mean duration and the count of each row."""
    sums: Counter[str] = Counter()
    means = frame["mean"].to_numpy().astype("timedelta64[us]").astype("int64")
    for name, mean, n in zip(frame[label], means, frame[count], strict=True):
        sums[name] += int(mean) * int(n)
    return dict(sums)


def _fitness(reference: _Reference, matching: _Matching, variants: pd.DataFrame) -> float:
    """pm4py's alignment-based log fitness, one alignment per distinct mapped variant.

    ``1 - sum(n * cost) / sum(n * bwc)`` over the variants (``n`` cases each), with pm4py's
    default alignment algorithm and standard costs; ``bwc`` is 10,000 per event plus the cost of
    the cheapest complete run of the model, computed once (pm4py recomputes it per trace).
    """
    from bpr._pm4py import load, quiet

    load()
    from pm4py.algo.conformance.alignments.petri_net import algorithm as alignments
    from pm4py.objects.log.obj import Event, Trace
    from pm4py.objects.petri_net.utils.align_utils import STD_MODEL_LOG_MOVE_COST

    traces: Counter[tuple[str, ...]] = Counter()
    for variant, count in zip(variants["variant"], variants["count"], strict=True):
        mapped = tuple(matching.keys[a] or _UNDOCUMENTED + a for a in variant)
        traces[mapped] += int(count)
    net = reference.net
    only_cost = {alignments.Parameters.ENABLE_BEST_WORST_COST: False}
    with quiet():
        best_worst = alignments.DEFAULT_VARIANT.value.get_best_worst_cost(
            net.net, net.initial, net.final, parameters={}
        )
        costs = {
            trace: alignments.apply_trace(
                Trace([Event({"concept:name": a}) for a in trace]),
                net.net,
                net.initial,
                net.final,
                parameters=dict(only_cost),
                variant=alignments.DEFAULT_VARIANT,
            )["cost"]
            for trace in sorted(traces)
        }
    cost = sum(n * costs[trace] for trace, n in traces.items())
    worst = sum(
        n * (STD_MODEL_LOG_MOVE_COST * len(trace) + best_worst) for trace, n in traces.items()
    )
    return 1.0 - cost / worst if worst > 0 else 1.0


# -- the public function --------------------------------------------------------------------


def find_undocumented(
    documented: Documented,
    log: EventLog | pd.DataFrame | str | os.PathLike[str],
    *,
    match: Match = "normalized",
    aliases: Mapping[str, str] | None = None,
    min_score: float = 85.0,
) -> Gaps:
    """Hold an event log against a documented procedure.

    Parameters
    ----------
    documented
        The official procedure: a :class:`~bpr.ServiceProcess`, a path to a ``.bpmn``,
        ``.pnml`` or ``.json`` (:func:`bpr.write_process`) file, or a list of step names (a
        sequence, in that order).
    log
        An :class:`~bpr.log.EventLog`, or anything :func:`bpr.log.read_log` reads.
    match
        ``"normalized"`` compares labels after :func:`bpr.labels.normalize`; ``"exact"``
        compares them as written.
    aliases
        The analyst's decisions ``{log activity: step id or step name}``: the activity counts
        as that documented step (for instance a suggested match that is right).
    min_score
        The lowest similarity (0-100) for a suggested match.

    Returns
    -------
    Gaps

    Raises
    ------
    ModelError
        For an unknown ``match``, a ``documented`` of another type, an empty list of steps, two
        steps sharing a label, an alias to no step, or a model with no complete run.
    FormatError
        When the model file cannot be read.
    LogError
        When the log cannot be read, or an alias names no activity of the log.

    Examples
    --------
    >>> import pandas as pd
    >>> events = pd.DataFrame({
    ...     "case": ["1", "1", "2", "2"],
    ...     "activity": ["ثبت درخواست", "بررسی مدرک", "ثبت درخواست", "بررسی مدرک"],
    ...     "timestamp": pd.date_range("2024-01-01", periods=4, freq="h", tz="UTC"),
    ... })
    >>> documented = ["ثبت درخواست", "بررسي مدارك"]  # Arabic yeh and kaf, and a typo
    >>> gaps = find_undocumented(documented, events)
    >>> list(gaps.steps["activity"]), gaps.suggested_matches["step_id"].tolist()
    (['بررسی مدرک'], ['s02'])
    >>> find_undocumented(documented, events, aliases={"بررسی مدرک": "s02"}).fitness
    1.0
    """
    if match not in ("normalized", "exact"):
        raise ModelError(f"find_undocumented: unknown match {match!r}; use 'normalized' or 'exact'")
    from bpr.pnml import language

    reference = _reference(documented, match)
    stats = event_log(log).stats()
    activities = stats.activities
    matching = _match(reference, activities["activity"], aliases, match)
    allowed = language(reference.net)
    n_cases, n_events = stats.n_cases, stats.n_events
    documented_rows = activities["activity"].map(matching.documented).astype(bool)
    shares, basis = _time_shares(stats)
    steps = activities.loc[~documented_rows, ["activity", "events", "cases"]]
    steps = _shares(steps.astype({"events": "int64", "cases": "int64"}), n_cases, ["activity"])
    steps = steps.assign(time_share=steps["activity"].map(lambda a: shares.get(a, 0.0)))
    if basis is None:
        steps = steps.assign(time_share=float("nan"))
    flows = _log_flows(stats.variants, n_cases)
    keys = matching.keys
    unproducible = [
        keys[s] is not None and keys[t] is not None and (keys[s], keys[t]) not in allowed.follows
        for s, t in zip(flows["source"], flows["target"], strict=True)
    ]
    return Gaps(
        steps=steps,
        transitions=flows[unproducible].reset_index(drop=True),
        skipped=_skipped(reference, matching, stats.variants, allowed.required),
        coverage=float(activities.loc[documented_rows, "events"].sum() / n_events),
        fitness=_fitness(reference, matching, stats.variants),
        suggested_matches=_suggestions(reference, steps["activity"], min_score),
        matches=_matches_frame(reference, matching),
        log_flows=flows,
        n_cases=n_cases,
        n_events=n_events,
        time_basis=basis,
        documented=reference.process,
        ids={reference.names[k]: ids for k, ids in reference.ids.items()},
    )


def _matches_frame(reference: _Reference, matching: _Matching) -> pd.DataFrame:
    import pandas as pd

    rows = [
        (activity, reference.names[key], reference.ids[key][0], matching.how[activity])
        for activity, key in matching.keys.items()
        if key is not None
    ]
    frame = pd.DataFrame(rows, columns=["activity", "step", "step_id", "how"])
    return _sorted(frame, ["activity"], [True])
