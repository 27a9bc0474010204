"""The pipeline: the demo log's ground truth, what analyze finds in it, files, determinism."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from bpr import BprError, read_bpmn, read_log, read_process
from bpr._demo import INJECTED, OUT_OF_ORDER, demo_inputs
from bpr._steps import presence
from bpr.analysis import analyze
from bpr.examples import vehicle_transfer
from bpr.measure import METRICS

CASES = 200
SEED = 3
PHOTOCOPY, SECOND_VISIT = (k for k in INJECTED if k != OUT_OF_ORDER)
HEAD, DEPUTY = "Approval by the head of the registration unit", "Approval by the deputy head"
REVIEW, SIGN = "Expert review of the file", "Sign the transfer deed at the notary office"


@pytest.fixture(scope="module")
def demo():
    return demo_inputs(CASES, seed=SEED)


def _analyze_demo(demo):
    """The analysis under test; the determinism test runs it a second time."""
    return analyze(
        demo.log,
        documented=demo.documented,
        annotations=demo.annotations,
        read={"timezone": "Asia/Tehran"},
        cases=60,
        replications=3,
    )


@pytest.fixture(scope="module")
def analysis(demo):
    return _analyze_demo(demo)


def _cases_with(log: pd.DataFrame, activity: str) -> set[str]:
    return set(log.loc[log["activity"] == activity, "case_id"])


# -- the demo data --------------------------------------------------------------------------


def test_demo_injects_each_departure_into_exactly_its_share_of_cases(demo):
    for what, share in INJECTED.items():
        assert len(demo.injected[what]) == round(share * CASES)
    assert _cases_with(demo.log, PHOTOCOPY) == demo.injected[PHOTOCOPY]
    assert _cases_with(demo.log, SECOND_VISIT) == demo.injected[SECOND_VISIT]
    order = demo.log.groupby("case_id")["activity"].agg(list)
    swapped = {case for case, acts in order.items() if acts.index(DEPUTY) < acts.index(HEAD)}
    assert swapped == demo.injected[OUT_OF_ORDER]


def test_demo_cases_follow_the_documented_procedure_apart_from_the_injections(demo):
    documented = {s.name for s in vehicle_transfer().steps}
    assert set(demo.log["activity"]) == documented | {PHOTOCOPY, SECOND_VISIT}
    assert demo.documented == vehicle_transfer()


def test_demo_times_are_tehran_wall_clock_in_office_hours(demo):
    # Staffed steps start in office hours (07:30-14:30 Tehran), never on a Friday; a log written
    # in UTC would start before 04:00 local. Second visits push a case a day on, so skip those.
    log = demo.log[demo.log["resource"].notna()]
    log = log[~log["case_id"].isin(demo.injected[SECOND_VISIT])]
    clock = log["start_time"].str[11:16]
    assert clock.min() >= "07:30" and clock.max() <= "14:30"
    assert "Friday" not in set(pd.to_datetime(log["start_time"]).dt.day_name())
    read = read_log(demo.log, timezone="Asia/Tehran")
    first = read.to_pandas()["timestamp"].min()
    assert first == pd.Timestamp(demo.log["complete_time"].min(), tz="Asia/Tehran")


def test_demo_is_deterministic_and_the_seed_matters(demo):
    again = demo_inputs(CASES, seed=SEED)
    assert again.log.equals(demo.log) and again.injected == demo.injected
    other = demo_inputs(CASES, seed=SEED + 1)
    assert other.injected[PHOTOCOPY] != demo.injected[PHOTOCOPY]


def test_demo_refuses_too_few_cases():
    with pytest.raises(BprError, match="at least 10 cases"):
        demo_inputs(5)


def test_demo_writes_its_inputs(demo, tmp_path):
    paths = demo.write(tmp_path)
    assert read_bpmn(paths["documented"]) == vehicle_transfer()
    assert pd.read_csv(paths["log"], dtype=str).equals(demo.log.astype(str).replace("nan", None))
    annotations = pd.read_csv(paths["annotations"])
    assert list(annotations["activity"]) == [
        *(s.name for s in vehicle_transfer().steps),
        PHOTOCOPY,
        SECOND_VISIT,
    ]


# -- what analyze finds ---------------------------------------------------------------------


def test_gaps_are_exactly_the_injected_steps_and_transitions(analysis, demo):
    gaps = analysis.gaps
    steps = dict(zip(gaps.steps["activity"], gaps.steps["case_share"], strict=True))
    assert steps == {
        PHOTOCOPY: len(demo.injected[PHOTOCOPY]) / CASES,
        SECOND_VISIT: len(demo.injected[SECOND_VISIT]) / CASES,
    }
    transitions = {(r.source, r.target): r.cases for r in gaps.transitions.itertuples()}
    swapped = len(demo.injected[OUT_OF_ORDER])
    assert transitions == {
        (REVIEW, DEPUTY): swapped,
        (DEPUTY, HEAD): swapped,
        (HEAD, SIGN): swapped,
    }
    # Only the optional request for missing documents is skipped, by the cases that never
    # loop back for it.
    never_asked = CASES - len(_cases_with(demo.log, "Ask the citizen for missing documents"))
    assert gaps.skipped[["step", "cases"]].values.tolist() == [
        ["Ask the citizen for missing documents", never_asked]
    ]


def test_as_is_is_discovered_and_typed_by_the_annotations(analysis, demo):
    as_is = analysis.as_is
    assert as_is.name == "Vehicle ownership transfer"
    assert {s.name for s in as_is.steps} == set(demo.log["activity"])
    example = {s.name: s for s in vehicle_transfer().steps}
    for step in as_is.steps:
        if step.name in example:
            expected = example[step.name]
            # Presence as the fields give it: the table's channel says it where its cell is empty.
            assert (step.kind, step.actor, step.agency, step.mandatory, presence(step)) == (
                expected.kind,
                expected.actor,
                expected.agency,
                expected.mandatory,
                presence(expected),
            )


def test_undocumented_steps_are_marked_and_the_photocopy_goes(analysis):
    undocumented = {s.name for s in analysis.as_is.steps if s.documented is False}
    assert undocumented == set(analysis.gaps.steps["activity"])
    # Both are findings to review; the photocopy also goes, on evidence: the analyst marked it
    # not mandatory, its label says copying, and nothing needs its copies.
    findings = {f.steps[0] for f in analysis.redesign.findings if f.kind == "undocumented"}
    assert findings == undocumented
    (photocopy,) = [p for p in analysis.redesign.plan if p.targets == (PHOTOCOPY,)]
    assert photocopy.heuristic == "eliminate" and "copies documents" in photocopy.rationale
    sources = {(e.field, e.source) for e in photocopy.evidence}
    assert {("mandatory", "annotation"), ("waste", "classifier")} <= sources
    assert PHOTOCOPY not in {s.name for s in analysis.redesign.to_be.steps}


def test_lengths_are_those_of_measure(analysis, demo):
    from bpr import measure
    from bpr.calendar import BusinessCalendar

    log = read_log(demo.log, timezone="Asia/Tehran")
    # a log read in Tehran time is measured on the Iranian week, and the analysis says so
    assert analysis.calendar == BusinessCalendar.preset("iran")
    direct = measure(log, annotations=demo.annotations, by="channel", calendar=analysis.calendar)
    assert analysis.length == direct
    assert list(analysis.length.segments.index) == ["in_person", "internal", "mail"]
    assert analysis.as_is_length == measure(analysis.as_is)
    assert analysis.to_be_length == measure(analysis.redesign.to_be)


def test_redesign_and_simulation_shorten_the_service(analysis):
    assert analysis.to_be_length.visits < analysis.as_is_length.visits
    assert analysis.to_be_length.steps < analysis.as_is_length.steps
    travel = analysis.simulation.differences["travel_time"]
    assert travel.high.total_seconds() < 0  # fewer trips, significantly
    assert analysis.simulation.as_is.cases == 60 and analysis.simulation.as_is.replications == 3


def test_a_redesign_budget_that_runs_out_keeps_the_as_is_and_says_so(analysis, demo):
    quick = analyze(
        demo.log, annotations=demo.annotations, read={"timezone": "Asia/Tehran"},
        simulate=False, budget=0,
    )  # fmt: skip
    plan = quick.redesign
    assert plan.plan == () and quick.to_be_length.steps == quick.as_is_length.steps
    assert plan.proposals and all(p.not_applied == "untried" for p in plan.proposals)
    assert "the time budget of 0 s ran out in round 0" in plan.notes[-1]
    # The default budget leaves the demo's redesign whole.
    assert not any("budget" in n for n in analysis.redesign.notes)


def test_summary_holds_the_headline_figures(analysis, demo):
    summary = analysis.summary()["value"]
    assert summary["cases"] == CASES and summary["events"] == len(demo.log)
    assert summary["undocumented activities"] == 2
    assert summary["undocumented transitions"] == 3
    assert summary["changes applied"] == len(analysis.redesign.plan)
    assert summary["visits, to-be model"] == analysis.to_be_length.visits
    assert summary["cycle time (median)"] == analysis.length.cycle_time.total_seconds() / 86400
    simulated = analysis.simulation.to_be.cycle_time.value.total_seconds() / 86400
    assert summary["cycle time, to-be simulated"] == simulated


def test_metrics_table_holds_every_metric_in_hours(analysis):
    metrics = analysis.metrics()
    length = metrics[metrics["section"] == "length"].set_index("metric")
    assert list(length.index) == list(METRICS)
    assert length.loc["visits", "log"] == analysis.length.visits
    assert length.loc["visits", "as_is"] == analysis.as_is_length.visits
    assert length.loc["visits", "change"] == (
        analysis.to_be_length.visits - analysis.as_is_length.visits
    )
    hours = analysis.length.cycle_time_mean.total_seconds() / 3600
    assert length.loc["cycle_time_mean", ["log", "unit"]].tolist() == [hours, "hours"]
    assert math.isnan(length.loc["cases", "as_is"])  # a model has no cases
    by_channel = metrics[metrics["section"] == "length by channel"]
    assert set(by_channel["segment"]) == {"in_person", "internal", "mail"}
    gaps = metrics[metrics["section"] == "gaps"].set_index("metric")["log"]
    assert gaps["coverage"] == analysis.gaps.coverage
    simulation = metrics[metrics["section"] == "simulation"].set_index("metric")
    expected = analysis.simulation.to_frame().set_index("metric")
    assert simulation.loc["cycle_time", ["as_is", "to_be", "change", "low", "high"]].tolist() == (
        expected.loc["cycle_time", ["as_is", "to_be", "change", "low", "high"]].tolist()
    )


def test_progress_is_told_every_stage_in_order(demo):
    calls = []
    analyze(
        demo.log,
        documented=demo.documented,
        read={"timezone": "Asia/Tehran"},
        simulate=False,
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    assert calls == [
        ("reading the log", 0, 6),
        ("computing statistics", 1, 6),
        ("finding undocumented steps", 2, 6),
        ("discovering the as-is process", 3, 6),
        ("measuring", 4, 6),
        ("redesigning", 5, 6),
        ("done", 6, 6),
    ]


def test_without_a_procedure_or_simulation_those_parts_are_absent(demo, tmp_path):
    log = read_log(demo.log, timezone="Asia/Tehran")
    analysis = analyze(log, simulate=False)
    assert analysis.gaps is None and analysis.simulation is None
    assert analysis.name == "Service"  # a DataFrame has no file name
    assert "undocumented activities" not in analysis.summary().index
    assert set(analysis.metrics()["section"]) == {"length", "length by channel"}
    written = analysis.save(tmp_path)
    assert "gaps.csv" not in written and "gaps.svg" not in written
    assert (tmp_path / "report.html").exists()


def test_read_options_need_an_unread_log(demo):
    log = read_log(demo.log, timezone="Asia/Tehran")
    with pytest.raises(BprError, match="read= applies to a log given as a path"):
        analyze(log, read={"timezone": "UTC"})


def test_save_writes_every_file_and_they_read_back(analysis, tmp_path):
    written = analysis.save(tmp_path)
    assert sorted(written) == sorted(
        [
            "report.html",
            "as-is.json",
            "to-be.json",
            "as-is.bpmn",
            "to-be.bpmn",
            "as-is.svg",
            "to-be.svg",
            "comparison.svg",
            "gaps.svg",
            "metrics.csv",
            "proposals.csv",
            "gaps.csv",
        ]
    )
    assert read_process(written["as-is.json"]) == analysis.as_is
    assert read_process(written["to-be.json"]) == analysis.to_be
    assert read_bpmn(written["to-be.bpmn"]).steps == analysis.to_be.steps
    metrics = pd.read_csv(written["metrics.csv"], keep_default_na=False, na_values=[""])
    assert metrics.shape == analysis.metrics().shape
    proposals = pd.read_csv(written["proposals.csv"])
    assert proposals["heuristic"].tolist() == [p.heuristic for p in analysis.redesign.proposals]


def test_same_inputs_give_byte_identical_files(analysis, demo, tmp_path):
    again = _analyze_demo(demo)
    first, second = analysis.save(tmp_path / "a"), again.save(tmp_path / "b")
    for name, path in first.items():
        assert path.read_bytes() == second[name].read_bytes(), name


def test_save_to_an_unwritable_folder_is_a_bpr_error(analysis, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(BprError, match="cannot write the analysis to"):
        analysis.save(blocker / "out")
