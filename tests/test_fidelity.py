"""Fidelity: a discovered model reproduces its log, figure by figure, on real logs and against
hand-computed answers; the report, its warning and how it travels with the model."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import bpr
from bpr import (
    Fidelity,
    FidelityWarning,
    ServiceProcess,
    Step,
    Xor,
    discover,
    fidelity,
    measure,
    read_log,
    read_process,
    write_process,
)
from tests.conftest import DATA

LOGS = (
    "receipt.xes.gz",
    "bpic2020_permit_1t_per_variant.xes.gz",
    "roadtraffic_1t_per_variant.xes.gz",
)


@pytest.fixture(scope="module", params=LOGS)
def real(request):
    """A real log, its model discovered at noise 0 (with the warning it gave), and the log's
    figures computed with pandas."""
    log = read_log(DATA / "logs" / request.param)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = discover(log)
    events = log.to_pandas()
    cases = events["case"].nunique()
    durations = events.groupby("case")["timestamp"].agg(lambda t: t.max() - t.min())
    figures = {
        "share": events.groupby("activity")["case"].nunique() / cases,
        "executions": events["activity"].value_counts() / cases,
        "rework": (len(events) - len(events.groupby(["case", "activity"]))) / cases,
        "mean": durations.dt.total_seconds().mean(),
        "median": durations.dt.total_seconds().median(),
    }
    return request.param, model, figures, [w for w in caught if w.category is FidelityWarning]


def test_every_step_happens_in_as_many_cases_as_in_the_log(real):
    """Issue 14: each step's share of cases in the model, exact, within 2 percentage points of
    the log's (the share of cases with the step in the log is counted with pandas)."""
    _, model, figures, _ = real
    model_share = model.fidelity.steps["model_share"]
    assert set(model_share.index) == set(figures["share"].index)
    for activity, share in figures["share"].items():
        assert abs(model_share[activity] - share) <= 0.02, activity


def test_every_step_runs_as_often_as_in_the_log(real):
    """Mean executions per case within 3 % for every step, and for all steps together."""
    _, model, figures, _ = real
    executions = model.fidelity.steps["model_executions"]
    for activity, mean in figures["executions"].items():
        assert executions[activity] == pytest.approx(mean, rel=0.03), activity
    assert measure(model).steps == pytest.approx(figures["executions"].sum(), rel=0.03)


def test_rework_and_mean_cycle_time_are_the_logs(real):
    """Rework within 10 % and mean cycle time within 10 % of the log's, from measure."""
    _, model, figures, _ = real
    length = measure(model)
    assert length.rework == pytest.approx(figures["rework"], rel=0.10)
    assert length.cycle_time_mean.total_seconds() == pytest.approx(figures["mean"], rel=0.10)


def test_the_median_cycle_time_is_shown_with_its_verdict(real):
    """The median is read off the model's distribution of the cycle time. Step times are drawn
    independently, so a log whose slow cases are slow at every step (the receipt log: half of
    its cases end within 48 minutes) has a median the model cannot reach; the report says so
    and discover warns. On the other two logs it is within the stated 25 %."""
    name, model, figures, caught = real
    row = model.fidelity.figures.loc["cycle_time_median"]
    assert row["log"] == pytest.approx(figures["median"])
    assert row["model"] == pytest.approx(measure(model).cycle_time.total_seconds(), rel=1e-6)
    within = bool(abs(row["model"] - row["log"]) <= 0.25 * row["log"])
    assert row["within"] is within
    assert within is (name != "receipt.xes.gz")
    messages = [str(w.message) for w in caught]
    assert bool(messages) is not within
    assert all("cycle time median" in m for m in messages)


# -- hand-computed --------------------------------------------------------------------------------


def _log(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(c, a, pd.Timestamp(t, tz="UTC")) for c, a, t in rows],
        columns=["case", "activity", "timestamp"],
    )


@pytest.fixture
def four_cases() -> pd.DataFrame:
    """Four cases: Pay in two (twice in one), Check in one; 1, 2, 3 and 6 hours long."""
    return _log(
        [
            ("1", "Apply", "2024-01-01 09:00"),
            ("1", "Issue", "2024-01-01 10:00"),
            ("2", "Apply", "2024-01-02 09:00"),
            ("2", "Pay", "2024-01-02 10:00"),
            ("2", "Issue", "2024-01-02 11:00"),
            ("3", "Apply", "2024-01-03 09:00"),
            ("3", "Pay", "2024-01-03 10:00"),
            ("3", "Pay", "2024-01-03 11:00"),
            ("3", "Issue", "2024-01-03 12:00"),
            ("4", "Apply", "2024-01-04 09:00"),
            ("4", "Check", "2024-01-04 14:00"),
            ("4", "Issue", "2024-01-04 15:00"),
        ]
    )


def test_a_guessed_model_against_a_log(four_cases):
    """A model written by hand, without times: every share, execution and verdict as counted
    by hand; cycle times unknown on the model's side, and said so."""
    model = ServiceProcess.from_blocks(
        "Guess",
        Step("a", "apply"),  # matched to "Apply" after label normalisation
        Xor(Step("p", "Pay"), None, probabilities=[0.5, 0.5]),
        Step("i", "Issue"),
    )
    report = fidelity(model, four_cases)
    steps = report.steps
    assert steps.loc["Pay", ["log_share", "model_share"]].tolist() == [0.5, 0.5]
    assert steps.loc["Pay", ["log_executions", "model_executions"]].tolist() == [0.75, 0.5]
    assert steps.loc["Check", ["log_share", "model_share"]].tolist() == [0.25, 0.0]
    assert steps["share_within"].to_dict() == {
        "Apply": True,
        "Issue": True,
        "Pay": True,
        "Check": False,
    }
    assert steps["executions_within"].to_dict() == {
        "Apply": True,
        "Issue": True,
        "Pay": False,
        "Check": False,
    }
    figures = report.figures
    assert figures.loc["steps", ["log", "model"]].tolist() == [3.0, 2.5]
    assert figures.loc["rework", ["log", "model"]].tolist() == [0.25, 0.0]
    assert figures.loc["cycle_time_mean", "log"] == pytest.approx(3 * 3600)
    assert figures.loc["cycle_time_median", "log"] == pytest.approx(2.5 * 3600)
    assert figures.loc["cycle_time_mean", "within"] is None  # the model has no times
    assert not report.ok
    problems = report.problems()
    assert problems[0] == (
        "share of cases with 'Check': 0.0 % in the model, 25.0 % in the log "
        "(tolerance 0.02 or 2 standard errors)"
    )
    assert any(p.startswith("rework: 0 in the model, 0.25 in the log") for p in problems)
    assert any("cycle times unknown in the model" in n for n in report.notes)


def test_a_discovered_model_reproduces_a_small_log(four_cases):
    """Discovered from the same four cases, every figure is the log's: the shares, Pay twice
    in one case (rework 1/4), and the mean cycle time; no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", FidelityWarning)
        model = discover(four_cases)
    report = model.fidelity
    steps = report.steps
    assert (steps["model_share"] - steps["log_share"]).abs().max() < 1e-12
    assert (steps["model_executions"] - steps["log_executions"]).abs().max() < 1e-12
    assert report.figures.loc["rework", "model"] == pytest.approx(0.25)
    assert report.figures.loc["cycle_time_mean", "model"] == pytest.approx(3 * 3600)
    assert report.ok


def test_summary_table_and_display(four_cases):
    model = discover(four_cases)
    report = model.fidelity
    summary = report.summary()
    assert list(summary.columns) == ["log", "model", "tolerance", "verdict"]
    assert list(summary.index[2:]) == ["steps", "rework", "cycle_time_mean", "cycle_time_median"]
    assert summary.index[0].startswith("share of cases, furthest: ")
    assert summary.loc["cycle_time_mean", "log"] == pytest.approx(3 / 24)  # days
    assert set(summary["verdict"]) <= {"within", "beyond", "unknown"}
    frame = report.to_frame()
    assert len(frame) == 2 * len(report.steps) + 4
    assert set(frame["figure"]) == {"share", "executions", *report.figures.index}
    html = report._repr_html_()
    assert "Fidelity(" in html and "<table" in html
    assert repr(report) == "Fidelity(4 activities, 4 cases: within every tolerance)"


def test_a_log_without_times_leaves_cycle_times_unknown_on_both_sides():
    """A control-flow-only log: no cycle time in the log, and none in the model either (its
    steps followed others, and how long after is unknown): unknown, never 0 days."""
    events = pd.DataFrame({"case": list("112223"), "activity": ["A", "B", "A", "C", "B", "A"]})
    model = discover(events)
    figures = model.fidelity.figures
    for figure in ("cycle_time_mean", "cycle_time_median"):
        assert pd.isna(figures.loc[figure, "log"]) and pd.isna(figures.loc[figure, "model"])
        assert figures.loc[figure, "within"] is None
    assert model.fidelity.summary().loc["cycle_time_mean", "verdict"] == "unknown"
    assert measure(model).cycle_time is None
    assert model.fidelity.ok  # the counts are within tolerance; unknown is no verdict


def test_a_dependency_the_blocks_cannot_carry_is_reported():
    """Half the cases check once, half check and correct three times: a loop's count that is
    no geometric series. The model goes round again with probability 150 / 250 each time, so
    60 % of its cases correct at least once where the log has 50 %. The check says so, and
    discover warns. The executions stay the log's, and so nearly does the rework (2.5 checks
    and 1.5 corrections per case, less 1 and 0.6 cases with one: 2.4, where the log has
    3 + 2 extra runs in half the cases, 2.5)."""
    rows = [(f"q{i}", a) for i in range(50) for a in ("Apply", "Check", "Issue")]
    rows += [
        (f"r{i}", a)
        for i in range(50)
        for a in (
            "Apply",
            "Check",
            "Correct",
            "Check",
            "Correct",
            "Check",
            "Correct",
            "Check",
            "Issue",
        )
    ]
    events = pd.DataFrame(rows, columns=["case", "activity"])
    events["timestamp"] = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(
        events.groupby("case").cumcount(), unit="h"
    )
    with pytest.warns(FidelityWarning, match="share of cases with 'Correct': 60.0 % in the model"):
        model = discover(events)
    report = model.fidelity
    assert report.steps.loc["Correct", ["log_share", "model_share"]].tolist() == pytest.approx(
        [0.5, 0.6]
    )
    assert report.figures.loc["rework", ["log", "model"]].tolist() == pytest.approx([2.5, 2.4])
    assert report.steps["executions_within"].all()
    assert not report.steps.loc["Correct", "share_within"]


def test_a_model_that_cannot_reproduce_its_log_warns():
    """The directly-follows graph of the receipt log forgets which steps a case already did:
    T06, done in 91 % of cases, comes out in far fewer. discover warns, and the report holds
    every figure."""
    log = read_log(DATA / "logs" / "receipt.xes.gz")
    with pytest.warns(FidelityWarning, match="share of cases with 'T06 Determine"):
        model = discover(log, method="dfg")
    steps = model.fidelity.steps
    assert steps.loc["T06 Determine necessity of stop advice", "log_share"] == pytest.approx(
        0.9128, abs=1e-4
    )
    assert steps.loc["T06 Determine necessity of stop advice", "model_share"] < 0.8
    # The executions stay the log's: the graph's probabilities are its counts.
    assert (steps["model_executions"] - steps["log_executions"]).abs().max() < 1e-9


def test_the_report_travels_with_the_model_and_no_further(four_cases):
    """process.fidelity is set by discover; equality, JSON and copies ignore it."""
    model = discover(four_cases)
    assert isinstance(model.fidelity, Fidelity)
    again = read_process(write_process(model))
    assert again == model and again.fidelity is None
    assert model.evolve(name="Changed").fidelity is None
    assert fidelity(model, bpr.read_log(four_cases).stats()) == model.fidelity
    hand = ServiceProcess.from_blocks("Hand", Step("a", "Apply"))
    assert hand.fidelity is None


def test_a_share_over_few_cases_may_differ_by_its_sampling_error():
    # 1 case in 4 runs Check; a model saying 40 % is 15 points off, within two standard
    # errors of a share over four cases (2 * sqrt(0.4 * 0.6 / 4) = 0.49), not over 400.
    log = pd.DataFrame(
        [(str(c), a, pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(hours=h))
         for c in range(4) for h, a in enumerate(["Apply", *(["Check"] if c == 0 else [])])],
        columns=["case", "activity", "timestamp"],
    )  # fmt: skip
    model = ServiceProcess.from_blocks(
        "Guess", Step("a", "Apply"), Xor(Step("c", "Check"), None, probabilities=[0.4, 0.6])
    )
    assert fidelity(model, log).steps.at["Check", "share_within"]
    many = pd.concat([log.assign(case=log["case"] + f"-{k}") for k in range(100)])
    assert not fidelity(model, many).steps.at["Check", "share_within"]
