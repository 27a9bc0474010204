"""The demo's data: an event log of the bundled example service with known undocumented steps.

The log is made at demo time, deterministically from a seed: :func:`bpr.simulate` runs cases
of the documented procedure (:func:`bpr.examples.vehicle_transfer`) with queues, staff and
Iranian office hours, and then what practice adds to the procedure is written into exact shares
of the cases (:data:`INJECTED`), chosen by the seed:

* **"Photocopy the documents"** at the Police+10 office, a few minutes after the request is
  submitted, in 60 % of the cases;
* **"Second visit to the municipality"**, the day after the toll clearance, in 15 %;
* the two approvals **out of order** (the deputy head before the head of the unit) in 10 %,
  which makes three directly-follows transitions that the procedure cannot produce.

An inserted step that ends after the next documented step would have started pushes the rest
of its case later (the second visit does; the photocopy fits in the trip to the bank).
Timestamps are local wall-clock times in Asia/Tehran written without an offset (read them with
``timezone="Asia/Tehran"``), Gregorian, in ISO layout. The documented procedure is the example
process itself; the annotation table types every activity of the log, the two undocumented
steps as an analyst would once the gaps have shown them.

Examples
--------
>>> demo = demo_inputs(cases=40)
>>> demo.log.columns.tolist()
['case_id', 'activity', 'start_time', 'complete_time', 'resource', 'agency', 'channel']
>>> {what: len(cases) for what, cases in demo.injected.items()}
{'Photocopy the documents': 24, 'Second visit to the municipality': 6, 'approvals out of order': 4}
>>> demo.log.iloc[0][["activity", "start_time"]].tolist()
['Submit transfer request at the Police+10 office', '2024-04-06 08:00:27']
"""

from __future__ import annotations

import itertools
import operator
import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import attrs

from bpr.annotate import ANNOTATION_COLUMNS
from bpr.errors import BprError
from bpr.examples import vehicle_transfer
from bpr.model import ServiceProcess, Step

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["INJECTED", "OUT_OF_ORDER", "DemoInputs", "demo_inputs"]

OUT_OF_ORDER = "approvals out of order"
#: What practice adds to the documented procedure, and in which share of the cases.
INJECTED: Mapping[str, float] = {
    "Photocopy the documents": 0.60,
    "Second visit to the municipality": 0.15,
    OUT_OF_ORDER: 0.10,
}
# The documented steps whose order OUT_OF_ORDER swaps.
_SWAPPED = ("s10", "s11")

_TIMEZONE = "Asia/Tehran"
# A Saturday, the first day of the Iranian working week, when the offices open.
_START = datetime(2024, 4, 6, 7, 30, tzinfo=ZoneInfo(_TIMEZONE))
_ARRIVALS = timedelta(minutes=20)
_OFFICE_HOURS = ("07:30", "14:30")
_LAYOUT = "%Y-%m-%d %H:%M:%S"
_COLUMNS = {
    "case": "case_id",
    "activity": "activity",
    "start": "start_time",
    "timestamp": "complete_time",
    "resource": "resource",
    "agency": "agency",
    "channel": "channel",
}
# The official procedure's step types, as an analyst would write them: every annotation
# column but ``documented``, which is what the analysis finds out.
_ANNOTATED = (
    "name_fa",
    *(c for c in ANNOTATION_COLUMNS if c not in ("documented", "name_fa")),
)


@attrs.frozen
class _Insertion:
    """An undocumented step that follows the documented step ``after`` in some cases."""

    after: str
    step: Step
    wait: tuple[timedelta, timedelta]  # uniform range of the wait before it
    work: tuple[timedelta, timedelta]  # uniform range of its working time


def _minutes(low: float, high: float) -> tuple[timedelta, timedelta]:
    return timedelta(minutes=low), timedelta(minutes=high)


_INSERTIONS = (
    _Insertion(
        "s01",
        Step(
            "x1",
            "Photocopy the documents",
            name_fa="کپی گرفتن از مدارک",
            kind="other",
            actor="citizen",
            agency="Traffic Police",
            channel="in_person",
            citizen_present=True,
            mandatory=False,
            documents_in="national ID card; vehicle ownership card",
            documents_out="document copies",
        ),
        # Done on the way out, within the citizen's trip to the bank.
        wait=_minutes(1, 5),
        work=_minutes(5, 15),
    ),
    _Insertion(
        "s03",
        Step(
            "x2",
            "Second visit to the municipality",
            name_fa="مراجعه دوم به شهرداری",
            kind="submit",
            actor="front_office",
            agency="Municipality",
            channel="in_person",
            citizen_present=True,
            mandatory=False,
            documents_in="vehicle ownership card",
            documents_out=(),
        ),
        wait=(timedelta(days=1), timedelta(days=1)),
        work=_minutes(10, 30),
    ),
)


@attrs.frozen(eq=False)
class DemoInputs:
    """What the demo analyses.

    Attributes
    ----------
    log : pandas.DataFrame
        The event log as an agency's system would export it (text timestamps, Tehran time).
    documented : ServiceProcess
        The official procedure.
    annotations : pandas.DataFrame
        One row per activity of the log with its step type (see :func:`bpr.annotate`).
    injected : Mapping[str, frozenset[str]]
        For each departure from the procedure (the keys of :data:`INJECTED`), the cases it was
        written into: the ground truth.
    """

    log: pd.DataFrame
    documented: ServiceProcess
    annotations: pd.DataFrame
    injected: Mapping[str, frozenset[str]]

    def files(self) -> dict[str, bytes]:
        """``log.csv``, ``documented.bpmn`` and ``annotations.csv`` as the bytes to write."""
        from bpr._files import csv_text
        from bpr.bpmn import write_bpmn

        texts = {
            "log.csv": csv_text(self.log),
            "documented.bpmn": write_bpmn(self.documented),
            "annotations.csv": csv_text(self.annotations),
        }
        return {name: text.encode("utf-8") for name, text in texts.items()}

    def write(self, folder: str | Path) -> dict[str, Path]:
        """Write :meth:`files` into ``folder`` (made if needed), each whole or not at all.

        Returns
        -------
        dict
            ``"log"``, ``"documented"``, ``"annotations"`` → the path written.
        """
        from bpr._files import write_file

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        return {
            Path(name).stem: write_file(folder / name, data) for name, data in self.files().items()
        }


def demo_inputs(cases: int = 2000, seed: int = 0) -> DemoInputs:
    """Make the demo's event log, documented procedure and annotation table.

    Parameters
    ----------
    cases
        Cases in the log; at least 10.
    seed
        Seeds the simulation and the choice of cases: the same seed gives the same log.

    Returns
    -------
    DemoInputs

    Raises
    ------
    BprError
        When ``cases`` is not a whole number of at least 10.
    """
    from bpr.calendar import BusinessCalendar
    from bpr.simulate import simulate

    if isinstance(cases, bool) or not isinstance(cases, int) or cases < 10:
        raise BprError(f"the demo needs a whole number of at least 10 cases, got {cases!r}")
    documented = vehicle_transfer()
    calendar = BusinessCalendar(hours=_OFFICE_HOURS, timezone=_TIMEZONE)
    simulation = simulate(
        documented,
        cases=cases,
        replications=1,
        seed=seed,
        arrivals=_ARRIVALS,
        calendar=calendar,
        start=_START,
    )
    events = simulation.log.to_pandas()
    rng = random.Random(seed)
    ids = sorted(events["case"].unique())
    injected = {
        what: frozenset(rng.sample(ids, round(share * len(ids))))
        for what, share in INJECTED.items()
    }
    practice = _Practice(documented, injected, rng)
    # The log is ordered by case, so each case's events are one run of records.
    records = events[list(_COLUMNS)].to_dict("records")
    rows = [
        row
        for case, group in itertools.groupby(records, key=operator.itemgetter("case"))
        for row in practice.case(case, list(group))
    ]
    return DemoInputs(
        log=_export(rows),
        documented=documented,
        annotations=_annotations([*documented.steps, *(i.step for i in _INSERTIONS)]),
        injected=injected,
    )


class _Practice:
    """Writes the departures chosen for a case into its simulated events."""

    def __init__(
        self,
        documented: ServiceProcess,
        injected: Mapping[str, frozenset[str]],
        rng: random.Random,
    ) -> None:
        self.after = {documented.step(i.after).name: i for i in _INSERTIONS}
        first, second = (documented.step(i).name for i in _SWAPPED)
        self.swap = {first: second, second: first}
        self.injected = injected
        self.rng = rng

    def case(self, case: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        delay = timedelta(0)  # how much inserted steps have pushed the rest of the case
        free = None  # when the citizen is done with the last inserted step
        for event in events:
            if free is not None and event["start"] + delay < free:
                delay = free - event["start"]
            free = None
            event = {
                **event,
                "start": event["start"] + delay,
                "timestamp": event["timestamp"] + delay,
            }
            if case in self.injected[OUT_OF_ORDER]:
                event["activity"] = self.swap.get(event["activity"], event["activity"])
            out.append(event)
            insertion = self.after.get(event["activity"])
            if insertion is not None and case in self.injected[insertion.step.name]:
                out.append(self.inserted(event, insertion))
                free = out[-1]["timestamp"]
        return out

    def inserted(self, after: dict[str, Any], insertion: _Insertion) -> dict[str, Any]:
        start = after["timestamp"] + self.uniform(insertion.wait)
        step = insertion.step
        return {
            **after,
            "activity": step.name,
            "agency": step.agency,
            "channel": None if step.channel is None else step.channel.value,
            "resource": None,
            "start": start,
            "timestamp": start + self.uniform(insertion.work),
        }

    def uniform(self, bounds: tuple[timedelta, timedelta]) -> timedelta:
        low, high = bounds
        return low + (high - low) * self.rng.random()


def _export(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The events in an export's columns, times as local Tehran wall-clock text."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(_COLUMNS))
    for column in ("start", "timestamp"):
        local = pd.to_datetime(frame[column], utc=True).dt.tz_convert(_TIMEZONE)
        frame[column] = local.dt.strftime(_LAYOUT)
    return frame.rename(columns=_COLUMNS)


def _annotations(steps: list[Step]) -> pd.DataFrame:
    """One annotation row per step: its typed fields as an analyst writes them in a table."""
    import pandas as pd

    def cell(value: Any) -> Any:
        if isinstance(value, frozenset):  # an empty set is written "none"; unknown stays blank
            return "; ".join(sorted(value)) or "none"
        return getattr(value, "value", value)

    rows = [
        {"activity": step.name, **{f: cell(getattr(step, f)) for f in _ANNOTATED}} for step in steps
    ]
    return pd.DataFrame(rows, columns=["activity", *_ANNOTATED])
