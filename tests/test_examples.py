"""Every script in ``examples/`` runs as a user would run it, and what it prints or writes is right.

Each script runs in a fresh interpreter (a subprocess) from an empty working directory, writing
into a temporary folder. The checks hold its output against answers known independently: the
public receipt log's counts recomputed here with pandas, the example service's known metrics,
files read back with bpr's readers.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import bpr
from bpr.examples import vehicle_transfer
from tests.conftest import DATA, RECEIPT_MAIN_LINE

EXAMPLES = Path(__file__).parents[1] / "examples"
RECEIPT = DATA / "logs" / "receipt.xes.gz"
# The steps discover_from_log.py keeps and the procedure find_gaps.py writes by hand.
PROCEDURE = RECEIPT_MAIN_LINE


def run(script: str, *args: object, cwd: Path) -> str:
    """Run ``examples/<script>`` with ``args``; return what it printed."""
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def receipt_events() -> pd.DataFrame:
    """The receipt log's events, one row each, read by pm4py (not by bpr)."""
    import pm4py

    return pm4py.read_xes(str(RECEIPT))


def test_every_example_is_tested() -> None:
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert {p.stem for p in EXAMPLES.glob("*.py")} <= tested


def test_model_and_render(tmp_path: Path) -> None:
    out = run("model_and_render.py", tmp_path / "out", cwd=tmp_path)

    assert "Vehicle ownership transfer: 17 steps, 7 agencies" in out
    assert "Certificate: 6 steps, 2 agencies" in out
    certificate = bpr.read_process(tmp_path / "out" / "certificate.json")
    assert [s.name for s in certificate.steps][:3] == [
        "Submit request",
        "Inquiry to the civil registry",
        "Inquiry to the police",
    ]
    # The BPMN written keeps every typed field: reading it gives the service back.
    assert bpr.read_bpmn(tmp_path / "out" / "vehicle-transfer.bpmn") == vehicle_transfer()
    for stem in ("certificate", "vehicle-transfer"):
        svg = (tmp_path / "out" / f"{stem}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")


def test_discover_from_log(tmp_path: Path, receipt_events: pd.DataFrame) -> None:
    out = run("discover_from_log.py", RECEIPT, tmp_path, cwd=tmp_path)

    assert "receipt.xes.gz: 1,434 cases, 8,577 events, 27 activities" in out
    cases = receipt_events.groupby("concept:name")["case:concept:name"].nunique()
    process = bpr.read_bpmn(tmp_path / "as-is.bpmn")
    assert sorted(s.name for s in process.steps) == sorted(PROCEDURE)
    for name in PROCEDURE:
        assert f"  {name}: {cases[name]:,} cases" in out
    assert (tmp_path / "as-is.svg").read_text(encoding="utf-8").startswith("<svg")
    # The cases it calls runs of the model are those pm4py's alignments fit on the BPMN file.
    from bpr._pm4py import load, quiet

    pm4py = load()
    with quiet():
        net = pm4py.convert_to_petri_net(pm4py.read_bpmn(str(tmp_path / "as-is.bpmn")))
        aligned = pm4py.conformance_diagnostics_alignments(receipt_events, *net)
    fitting = sum(a["fitness"] == 1.0 for a in aligned)
    assert 0 < fitting < len(aligned)
    assert f"{fitting:,} of {len(aligned):,} cases are runs of the model" in out


def test_measure_length(tmp_path: Path, receipt_events: pd.DataFrame) -> None:
    out = run("measure_length.py", RECEIPT, cwd=tmp_path)

    # The example service's hand-computed figures (docs/metrics.md, tests/test_measure.py).
    lines = dict(line.split(maxsplit=1) for line in out.splitlines()[1:8])
    assert lines == {
        "steps": "16.5",
        "visits": "7",
        "handoffs": "10.5",
        "agencies": "7",
        "documents": "3",
        "paper_inquiries": "2",
        "cycle_time": "4:10:00",
    }
    per_channel = receipt_events.groupby("case:channel")["case:concept:name"].nunique()
    events_per_case = len(receipt_events) / receipt_events["case:concept:name"].nunique()
    assert f"1,434 cases, {events_per_case:.2f} steps per case" in out
    for channel, count in per_channel.items():
        assert any(line.split()[:2] == [channel, str(count)] for line in out.splitlines())


def test_find_gaps(tmp_path: Path, receipt_events: pd.DataFrame) -> None:
    out = run("find_gaps.py", RECEIPT, tmp_path, cwd=tmp_path)

    documented = receipt_events["concept:name"].isin(PROCEDURE)
    assert f"coverage {documented.mean():.4f}" in out
    n_cases = receipt_events["case:concept:name"].nunique()
    shares = (
        receipt_events[~documented].groupby("concept:name")["case:concept:name"].nunique() / n_cases
    )
    found = pd.read_csv(tmp_path / "gaps.csv")
    steps = found[found["finding"] == "undocumented step"].set_index("what")["case_share"]
    assert steps.sort_index().to_dict() == pytest.approx(shares.sort_index().to_dict())
    assert (tmp_path / "gaps.svg").read_text(encoding="utf-8").startswith("<svg")


def test_redesign_service(tmp_path: Path) -> None:
    out = run("redesign_service.py", tmp_path, cwd=tmp_path)

    as_is = vehicle_transfer()
    to_be = bpr.read_process(tmp_path / "to-be.json")
    # The municipality is off the government network: its clearance stays a paper trip.
    assert "[applied] e_inquiry: Obtain the transfer-tax clearance" in out
    assert "e_inquiry: Obtain the municipal toll clearance" not in out
    assert to_be.step_by_name("Obtain the municipal toll clearance").citizen_present
    # No mandatory step is lost: each keeps its id (changed in place, e.g. to an e-inquiry) or
    # lives on in a merged step, named after the steps it merges joined by " + ".
    ids = {s.id for s in to_be.steps if s.mandatory}
    merged = {part for s in to_be.steps if s.mandatory for part in s.name.split(" + ")}
    for step in as_is.steps:
        if step.mandatory:
            assert step.id in ids or step.name in merged, step.name
    # The figures printed are those of the to-be written.
    compared = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line}
    assert float(compared["visits"][1]) == bpr.measure(to_be).visits < bpr.measure(as_is).visits
    assert float(compared["steps"][1]) == bpr.measure(to_be).steps


def test_simulate_service(tmp_path: Path) -> None:
    out = run("simulate_service.py", 100, cwd=tmp_path)

    rows = {line.split()[1]: line.split()[2:] for line in out.splitlines()[1:7]}
    plan = bpr.redesign(vehicle_transfer())
    # Travel is 30 minutes to each office visited, and no branch changes the visits here.
    travel = [float(x) for x in rows["travel_time"][:3]]
    assert travel == pytest.approx(
        [0.5 * bpr.measure(plan.as_is).visits, 0.5 * bpr.measure(plan.to_be).visits, -2.5]
    )
    change, low, high = (float(x) for x in rows["cycle_time"][2:5])
    assert low <= change <= high < 0
    assert any(line.startswith("assumed: arrivals: a Poisson process") for line in out.splitlines())


def test_make_report(tmp_path: Path) -> None:
    out = run("make_report.py", tmp_path, cwd=tmp_path)

    events = pd.read_csv(tmp_path / "input" / "log.csv")
    figures = dict(line.rsplit(maxsplit=1)[0].rsplit(maxsplit=1) for line in out.splitlines()[2:8])
    assert int(figures["cases"]) == events.iloc[:, 0].nunique() == 300
    assert int(figures["events"]) == len(events)
    english = (tmp_path / "report.html").read_text(encoding="utf-8")
    persian = (tmp_path / "report-fa.html").read_text(encoding="utf-8")
    assert english.count('<div class="diagram"') == 3 and 'dir="ltr"' in english
    assert '<html lang="fa" dir="rtl"' in persian
    metrics = pd.read_csv(tmp_path / "metrics.csv")
    length = metrics[(metrics["section"] == "length") & metrics["segment"].isna()]
    visits = length.set_index("metric").loc["visits"]
    assert visits["to_be"] < visits["as_is"]
