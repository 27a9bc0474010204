"""Control-flow-only logs (no event has a time): read in file order, discovered, held against
a procedure, redesigned and analysed, with every time figure unknown and never zero."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

import bpr
from bpr._pm4py import load, quiet
from bpr.conformance import find_undocumented
from bpr.log import read_log

PROCEDURE = ["register request", "examine thoroughly", "check ticket", "decide"]


DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def untimed_xes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The running example with its timestamps taken out, as test collections ship logs."""
    text = (DATA / "logs" / "running-example.xes").read_text(encoding="utf-8")
    path = tmp_path_factory.mktemp("untimed") / "running-example-untimed.xes"
    path.write_text(re.sub(r"<date [^>]*/>", "", text), encoding="utf-8")
    return path


def _file_order(path: Path) -> Counter[tuple[str, ...]]:
    """Each trace's activities in the order the file writes them, read with pm4py."""
    with quiet():
        frame = load().read_xes(str(path))
    return Counter(frame.groupby("case:concept:name", sort=False)["concept:name"].agg(tuple))


def test_the_untimed_xes_has_no_time_at_all(untimed_xes: Path) -> None:
    assert "time:timestamp" not in untimed_xes.read_text(encoding="utf-8")


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_it_is_read_with_pm4pys_events_in_file_order(untimed_xes: Path, engine: str) -> None:
    log = read_log(untimed_xes, engine=engine)
    assert not log.timed
    assert (log.n_cases, log.n_events) == (6, 42)
    assert log.stats().variant_counts() == dict(_file_order(untimed_xes))


def test_discovery_replays_its_log(untimed_xes: Path) -> None:
    log = read_log(untimed_xes)
    model = bpr.discover(log)
    counts = log.stats().activities.set_index("activity")["events"]
    assert {s.name: s.stats.events for s in model.steps} == counts.to_dict()
    assert all(s.stats.waiting is None and s.stats.working is None for s in model.steps)
    # Every case of the log is a complete run of the discovered model.
    net = bpr.petri_net(model, form="state_machine")
    pm4py = load()
    from pm4py.objects.log.obj import Event, EventLog, Trace

    traces = EventLog(
        [
            Trace([Event({"concept:name": a}) for a in variant])
            for variant in _file_order(untimed_xes)
        ]
    )
    with quiet():
        fitness = pm4py.fitness_token_based_replay(traces, net.net, net.initial, net.final)
    assert fitness["perc_fit_traces"] == 100.0


def test_gaps_are_found_as_in_the_timed_log(untimed_xes: Path, data_dir: Path) -> None:
    untimed = find_undocumented(PROCEDURE, read_log(untimed_xes))
    timed = find_undocumented(PROCEDURE, read_log(data_dir / "logs" / "running-example.xes"))
    assert sorted(untimed.steps["activity"]) == sorted(timed.steps["activity"])
    assert untimed.coverage == timed.coverage == (6 + 3 + 9 + 9) / 42  # by hand
    assert untimed.time_basis is None and untimed.steps["time_share"].isna().all()
    # The running example's cases are in time order in the file: the same variants, fitness.
    assert untimed.fitness == pytest.approx(timed.fitness, abs=1e-12)


def test_redesign_and_analysis_run_to_the_end(untimed_xes: Path, tmp_path: Path) -> None:
    log = read_log(untimed_xes)
    plan = bpr.redesign(bpr.discover(log), log=log)
    assert plan.to_be is not None
    analysis = bpr.analyze(log, documented=PROCEDURE, cases=40, replications=1)
    observed = analysis.length
    for metric in ("cycle_time", "cycle_time_mean", "cycle_time_p90", "working_time"):
        assert getattr(observed, metric) is None, metric
    assert analysis.stats.cases["duration"].isna().all()
    html = bpr.report(analysis).save(tmp_path / "report.html").read_text(encoding="utf-8")
    assert "no timestamps: events kept in file order" in html
    assert "The log has no times" in html
    # Nothing to simulate: no step's duration is known, and the page says why.
    assert analysis.simulation is None
    assert "The simulation was not run: the log has no times" in html
    assert analysis.as_is_length.cycle_time_mean is None


def test_a_csv_without_a_time_column_is_analysed_too(tmp_path: Path) -> None:
    rows = ["case,activity"] + [
        f"{case},{activity}"
        for case in range(1, 21)
        for activity in (["apply", "check", "pay"] if case % 4 else ["apply", "check", "reject"])
    ]
    path = tmp_path / "flow.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    log = read_log(path)
    assert not log.timed and log.n_events == 60
    assert {s.name: s.stats.cases for s in bpr.discover(log).steps} == {
        "apply": 20, "check": 20, "pay": 15, "reject": 5,
    }  # fmt: skip
    gaps = find_undocumented(["apply", "check", "pay"], log)
    assert list(gaps.steps["activity"]) == ["reject"]
    analysis = bpr.analyze(log, simulate=False)
    assert analysis.length.cycle_time is None and analysis.length.steps == 3.0
