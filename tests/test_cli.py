"""The command line: the demo against the API, analyze on real logs, single stages, bad input."""

from __future__ import annotations

import math
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import jdatetime
import pandas as pd
import pytest
from lxml import etree
from lxml import html as lxml_html

from bpr import (
    discover,
    measure,
    read_bpmn,
    read_log,
    read_process,
    redesign,
)
from bpr.analysis import analyze
from bpr.examples import vehicle_transfer
from bpr.pnml import petri_net, read_pnml, to_process, write_pnml
from tests.conftest import DATA
from tests.test_report import expected, shown

REPO = Path(__file__).parents[1]
TEHRAN = {"timezone": "Asia/Tehran"}


def _bpr(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "bpr", *map(str, args)], capture_output=True, text=True, cwd=cwd
    )


def _same(shown: float, value: float | None) -> bool:
    """A metrics.csv cell against an API value (``None`` is written as an empty cell)."""
    return math.isnan(shown) if value is None else shown == value


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    result = _bpr("demo", "--cases", 120, "--simulate-cases", 40, "-o", out)
    assert result.returncode == 0, result.stderr
    return result, out


@pytest.fixture(scope="module")
def receipt_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("receipt") / "out"
    log = DATA / "logs" / "receipt.xes.gz"
    result = _bpr("analyze", log, "--simulate-cases", 30, "-o", out)
    assert result.returncode == 0, result.stderr
    return result, out


# -- the demo -------------------------------------------------------------------------------


def test_demo_prints_a_summary_and_writes_the_analysis(demo_run):
    result, out = demo_run
    assert "Vehicle ownership transfer" in result.stdout
    assert "undocumented activities" in result.stdout and "120" in result.stdout
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    assert read_bpmn(out / "input" / "documented.bpmn") == vehicle_transfer()
    names = {p.name for p in out.iterdir()}
    assert {"report.html", "as-is.bpmn", "to-be.bpmn", "as-is.json", "to-be.json"} <= names
    assert {"as-is.svg", "to-be.svg", "comparison.svg", "gaps.svg", "metrics.csv"} <= names


def test_demo_numbers_are_the_apis_on_the_same_data(demo_run):
    _, out = demo_run
    inputs = out / "input"
    api = analyze(
        inputs / "log.csv",
        documented=inputs / "documented.bpmn",
        annotations=inputs / "annotations.csv",
        read=TEHRAN,
        cases=40,
    )
    metrics = pd.read_csv(out / "metrics.csv", keep_default_na=False, na_values=[""])
    length = metrics[metrics["section"] == "length"].set_index("metric")
    for metric in ("steps", "visits", "handoffs", "documents", "procedures", "cases"):
        assert length.loc[metric, "log"] == getattr(api.length, metric)
        assert _same(length.loc[metric, "as_is"], getattr(api.as_is_length, metric))
    assert length.loc["visits", "to_be"] == api.to_be_length.visits
    assert length.loc["cycle_time", "log"] == api.length.cycle_time.total_seconds() / 3600
    gaps = metrics[metrics["section"] == "gaps"].set_index("metric")["log"]
    assert gaps["coverage"] == api.gaps.coverage and gaps["fitness"] == api.gaps.fitness
    simulation = metrics[metrics["section"] == "simulation"].set_index("metric")
    frame = api.simulation.to_frame().set_index("metric")
    for column in ("as_is", "to_be", "change", "low", "high"):
        assert simulation[column].tolist() == frame[column].tolist()
    # the report shows the API's summary
    page = lxml_html.fromstring((out / "report.html").read_text(encoding="utf-8"))
    rows = {
        r.get("data-figure"): r.xpath("./td")[0].text_content()
        for r in page.xpath("//tr[@data-figure]")
    }
    summary = api.summary()
    assert list(rows) == list(summary.index)
    for figure, (value, unit) in summary[["value", "unit"]].iterrows():
        assert shown(rows[figure]) == pytest.approx(expected(value, unit)), figure


def test_demo_in_persian(tmp_path):
    out = tmp_path / "fa"
    result = _bpr("demo", "--cases", 30, "--no-simulate", "--lang", "fa", "-o", out)
    assert result.returncode == 0, result.stderr
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="fa" dir="rtl">' in page and "۳۰" in page


def test_quiet_prints_nothing(tmp_path):
    result = _bpr("--quiet", "demo", "--cases", 20, "--no-simulate", "-o", tmp_path)
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""


def test_unwritable_output_is_one_line_and_exit_1(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = _bpr("demo", "--cases", 20, "-o", blocker / "sub")
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot write to")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


# -- analyze on real logs -------------------------------------------------------------------


def test_analyze_receipt_end_to_end(receipt_run):
    result, out = receipt_run
    assert "1,434" in result.stdout  # cases in the summary
    metrics = pd.read_csv(out / "metrics.csv", keep_default_na=False, na_values=[""])
    length = metrics[metrics["section"] == "length"].set_index("metric")
    assert length.loc["cases", "log"] == 1434 and length.loc["steps", "log"] == 8577 / 1434
    # no start times: working time unknown, still in hours
    assert math.isnan(length.loc["working_time", "log"])
    assert length.loc["working_time", "unit"] == "hours"
    channels = set(metrics.loc[metrics["section"] == "length by channel", "segment"])
    assert channels == {"Desk", "Intern", "Internet", "Post", "e-mail"}
    assert "simulation" in set(metrics["section"]) and "gaps" not in set(metrics["section"])
    assert read_process(out / "as-is.json").steps  # a model was discovered and written
    assert not (out / "gaps.svg").exists()


def test_analyze_a_jalali_csv_in_tehran_time_gives_the_same_numbers(receipt_run, tmp_path):
    _, xes_out = receipt_run
    events = read_log(DATA / "logs" / "receipt.xes.gz").to_pandas()
    local = events["timestamp"].dt.tz_convert("Asia/Tehran")
    jalali = [
        jdatetime.datetime.fromgregorian(datetime=t.to_pydatetime()).strftime("%Y/%m/%d %H:%M:%S")
        + f".{t.microsecond // 1000:03d}"
        for t in local
    ]
    csv = tmp_path / "receipt-jalali.csv"
    pd.DataFrame(
        {
            "case_id": events["case"],
            "activity": events["activity"],
            "timestamp": jalali,
            "org:resource": events["resource"],
            "org:group": events["agency"],
            "case:channel": events["channel"],
        }
    ).to_csv(csv, index=False)
    out = tmp_path / "out"
    result = _bpr(
        "analyze", csv, "--calendar", "jalali", "--timezone", "Asia/Tehran",
        "--simulate-cases", 30, "-o", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    ours = pd.read_csv(out / "metrics.csv", keep_default_na=False, na_values=[""])
    theirs = pd.read_csv(xes_out / "metrics.csv", keep_default_na=False, na_values=[""])
    ours, theirs = (f[f["section"] != "simulation"].reset_index(drop=True) for f in (ours, theirs))
    pd.testing.assert_frame_equal(ours, theirs)


# -- single stages --------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".json", ".bpmn", ".pnml"])
def test_discover_writes_the_apis_model(demo_run, tmp_path, suffix):
    _, out = demo_run
    log = out / "input" / "log.csv"
    target = tmp_path / f"model{suffix}"
    result = _bpr("discover", log, "--timezone", "Asia/Tehran", "-o", target)
    assert result.returncode == 0, result.stderr
    api = discover(read_log(log, **TEHRAN), name="log")
    assert f"{len(api.steps)} steps" in result.stdout
    if suffix == ".json":
        assert read_process(target) == api
    elif suffix == ".bpmn":
        assert [s.name for s in read_bpmn(target).steps] == [s.name for s in api.steps]
    else:
        assert target.read_text(encoding="utf-8") == write_pnml(petri_net(api))
        # The net reads back as a model that measures like the API's.
        result = _bpr("measure", target)
        assert result.returncode == 0, result.stderr
        row = next(line for line in result.stdout.splitlines() if line.split()[:1] == ["steps"])
        assert _same(shown(row.split("│")[1]), measure(to_process(read_pnml(target))).steps)


def test_measure_a_log_and_a_model(demo_run):
    _, out = demo_run
    log = out / "input" / "log.csv"
    result = _bpr("measure", log, "--timezone", "Asia/Tehran", "--by", "channel")
    assert result.returncode == 0, result.stderr
    length = measure(read_log(log, **TEHRAN), by="channel")
    assert f"{length.visits:,.2f}" in result.stdout and "By channel" in result.stdout
    result = _bpr("measure", out / "input" / "documented.bpmn")
    assert result.returncode == 0, result.stderr
    assert f"{measure(vehicle_transfer()).steps:,.2f}" in result.stdout


def test_gaps_prints_the_findings_and_draws_them(demo_run, tmp_path):
    _, out = demo_run
    svg = tmp_path / "gaps.svg"
    result = _bpr(
        "gaps", out / "input" / "documented.bpmn", out / "input" / "log.csv",
        "--timezone", "Asia/Tehran", "-o", svg,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "2 undocumented steps" in result.stdout and "Photocopy the documents" in result.stdout
    assert "Photocopy" in "".join(etree.parse(str(svg)).getroot().itertext())  # labels wrap


def test_redesign_writes_the_apis_to_be(demo_run, tmp_path):
    _, out = demo_run
    model = out / "input" / "documented.bpmn"
    result = _bpr("redesign", model, "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    api = redesign(read_bpmn(model))
    assert read_process(tmp_path / "to-be.json") == api.to_be
    assert f"{len(api.plan)} of {len(api.proposals)} changes applied" in result.stdout
    assert etree.parse(str(tmp_path / "comparison.svg")).getroot().tag.endswith("svg")


def test_render_draws_a_model(demo_run, tmp_path):
    _, out = demo_run
    target = tmp_path / "m.svg"
    result = _bpr("render", out / "input" / "documented.bpmn", "-o", target, "--lanes", "none")
    assert result.returncode == 0, result.stderr
    texts = "".join(etree.parse(str(target)).getroot().itertext())
    assert all(s.name.split()[0] in texts for s in vehicle_transfer().steps)


def test_simulate_prints_cycle_times_and_assumptions(demo_run):
    _, out = demo_run
    result = _bpr("simulate", out / "input" / "documented.bpmn", "--cases", 30, "--replications", 2)
    assert result.returncode == 0, result.stderr
    assert "cycle_time" in result.stdout and "assumed:" in result.stdout


# -- bad input ------------------------------------------------------------------------------


def _bad_inputs(folder: Path) -> list[tuple[list[object], str]]:
    garbage = folder / "garbage.json"
    garbage.write_text("{not json")
    notes = folder / "model.txt"
    notes.write_text("steps")
    annotations = folder / "annotations.csv"
    annotations.write_text("activity,colour\nPay,red\n")
    log = folder / "input" / "log.csv"
    return [
        (["analyze", folder / "missing.csv"], "missing.csv: no such file; give the path of an"),
        (["analyze", log, "--documented", folder / "none.bpmn"], "none.bpmn: no such file"),
        (["analyze", log, "--case", "Case ID"], "no column 'Case ID' (passed as case=)"),
        (["analyze", log, "--annotations", annotations], "unknown columns ['colour']"),
        (["render", garbage, "-o", folder / "x.svg"], "garbage.json: not valid JSON"),
        (["simulate", notes], "model.txt: cannot tell the model's format from the name"),
        (["discover", log, "-o", folder / "model.txt"], "model.txt: write the model to a .json"),
        (["measure", garbage.with_suffix(".csv")], "no such file"),
    ]  # fmt: skip


def test_bad_input_is_one_line_exit_1_and_no_traceback(demo_run):
    _, out = demo_run
    for args, message in _bad_inputs(out):
        result = _bpr(*args)
        assert result.returncode == 1, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, result.stderr)
        assert message in lines[0], (args, lines[0])
        assert "Traceback" not in result.stderr and result.stdout == ""


def test_usage_error_exits_2():
    result = _bpr("demo", "--bogus")
    assert result.returncode == 2 and "No such option" in result.stderr


def test_help_lists_every_command():
    result = _bpr("--help")
    assert result.returncode == 0
    for command in (
        "analyze",
        "demo",
        "discover",
        "measure",
        "gaps",
        "redesign",
        "render",
        "simulate",
    ):
        assert command in result.stdout


# -- packaging ------------------------------------------------------------------------------


def test_templates_and_data_are_package_data():
    """``pip install .`` (not editable) ships only what pyproject's package-data names."""
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["bpr"]
    shipped = [p for folder in ("templates", "data") for p in (REPO / "bpr" / folder).glob("**/*")]
    assert any(p.name == "report.html.j2" for p in shipped)
    for path in shipped:
        relative = path.relative_to(REPO / "bpr").as_posix()
        assert path.is_file() and any(fnmatch(relative, pattern) for pattern in patterns), relative
