"""The command line: the demo against the API, analyze on real logs, single stages, bad input."""

from __future__ import annotations

import math
import subprocess
import sys
import tomllib
from datetime import timedelta
from fnmatch import fnmatch
from pathlib import Path

import click
import jdatetime
import pandas as pd
import pytest
from lxml import etree
from lxml import html as lxml_html

from bpr import (
    discover,
    find_undocumented,
    measure,
    read_bpmn,
    read_log,
    read_process,
    redesign,
    write_bpmn,
)
from bpr.analysis import analyze
from bpr.calendar import BusinessCalendar
from bpr.examples import vehicle_transfer
from bpr.measure import Tariff
from bpr.pnml import petri_net, read_pnml, to_process, write_pnml
from bpr.report import _Words
from tests.conftest import DATA

REPO = Path(__file__).parents[1]
TEHRAN = {"timezone": "Asia/Tehran"}
WORDS = _Words("en")  # how the command line and the report write a figure


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


@pytest.fixture(scope="module")
def receipt_tehran_run(tmp_path_factory):
    """The receipt log read in Tehran time: the Iranian business week follows."""
    out = tmp_path_factory.mktemp("receipt-tehran") / "out"
    log = DATA / "logs" / "receipt.xes.gz"
    result = _bpr("analyze", log, "--timezone", "Asia/Tehran", "--no-simulate", "-o", out)
    assert result.returncode == 0, result.stderr
    return result, out


def _metrics(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "metrics.csv", keep_default_na=False, na_values=[""])


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
        assert _same(length.loc[metric, "log"], getattr(api.length, metric))
        assert _same(length.loc[metric, "as_is"], getattr(api.as_is_length, metric))
    assert length.loc["visits", "to_be"] == api.to_be_length.visits
    assert length.loc["cycle_time_median_h", "log"] == api.length.cycle_time.total_seconds() / 3600
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
        assert rows[figure] == WORDS.value(value, unit), figure


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
    assert math.isnan(length.loc["working_time_mean_h", "log"])
    assert length.loc["working_time_mean_h", "unit"] == "hours"
    channels = set(metrics.loc[metrics["section"] == "length by channel", "segment"])
    assert channels == {"Desk", "Intern", "Internet", "Post", "e-mail"}
    assert "simulation" in set(metrics["section"]) and "gaps" not in set(metrics["section"])
    assert read_process(out / "as-is.json").steps  # a model was discovered and written
    assert not (out / "gaps.svg").exists()


def test_analyze_a_jalali_csv_in_tehran_time_gives_the_same_numbers(receipt_tehran_run, tmp_path):
    _, xes_out = receipt_tehran_run
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
            "org:group": events["org:group"],
            "case:channel": events["channel"],
        }
    ).to_csv(csv, index=False)
    out = tmp_path / "out"
    result = _bpr(
        "analyze", csv, "--dates", "jalali", "--timezone", "Asia/Tehran", "--no-simulate",
        "-o", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    pd.testing.assert_frame_equal(_metrics(out), _metrics(xes_out))


def test_receipt_gets_no_business_time_unless_asked(receipt_run):
    """A Dutch log gets no Iranian week imposed on it: its business times are unknown."""
    result, out = receipt_run
    assert "business calendar: none" in result.stdout
    length = _metrics(out).set_index(["section", "metric"]).loc["length"]
    for metric in ("cycle_time_business_median_h", "cycle_time_business_mean_h"):
        assert math.isnan(length.loc[metric, "log"]), metric
    assert not math.isnan(length.loc["cycle_time_median_h", "log"])
    assert "Iranian week" not in (out / "report.html").read_text(encoding="utf-8")


def test_receipt_in_tehran_time_is_on_the_iranian_week(receipt_tehran_run):
    result, out = receipt_tehran_run
    iran = BusinessCalendar.preset("iran")
    assert f"business calendar: {iran.description}" in " ".join(result.stdout.split())
    assert iran.description in (out / "report.html").read_text(encoding="utf-8")
    api = measure(read_log(DATA / "logs" / "receipt.xes.gz", **TEHRAN), calendar=iran)
    length = _metrics(out).set_index(["section", "metric"]).loc["length"]
    assert length.loc["cycle_time_business_median_h", "log"] == pytest.approx(
        api.cycle_time_business.total_seconds() / 3600
    )
    assert api.cycle_time_business < api.cycle_time  # Fridays, holidays, Thursday afternoons


# -- a stranger's log -----------------------------------------------------------------------


def _renamed(folder: Path) -> Path:
    """The running example as a raw export: columns named as no standard names them."""
    frame = pd.read_csv(DATA / "logs" / "running-example.csv")
    names = {"case:concept:name": "CaseID", "concept:name": "Task", "time:timestamp": "When"}
    path = folder / "renamed.csv"
    frame.rename(columns=names)[["CaseID", "Task", "When", "Costs"]].to_csv(path, index=False)
    return path


# The running example's procedure without "reinitiate request", with a comment and a blank line
STEPS = (
    "# the written procedure\nregister request\n\nexamine casually\nexamine thoroughly\n"
    "check ticket\ndecide\npay compensation\nreject request\n"
)


def _columns_told(stdout: str) -> dict[str, str]:
    """Role -> column, as the command printed them under "columns used:"."""
    lines = stdout.split("columns used:\n", 1)[1].splitlines()
    return dict(line.split(None, 1) for line in lines[:7])


def test_analyze_a_raw_export_names_the_columns_it_used(tmp_path):
    log = _renamed(tmp_path)
    (tmp_path / "steps.txt").write_text(STEPS, encoding="utf-8")
    out = tmp_path / "out"
    result = _bpr(
        "analyze", log, "--case", "CaseID", "--activity", "Task", "--timestamp", "When",
        "--documented", tmp_path / "steps.txt", "--no-simulate", "-o", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    told = _columns_told(result.stdout)
    assert (told["case"], told["activity"], told["timestamp"]) == ("CaseID", "Task", "When")
    assert told["start"] == "none found (give --start COLUMN)"
    assert result.stdout.index("columns used:") < result.stdout.index("changes proposed")
    api = find_undocumented(
        [line for line in STEPS.splitlines() if line and not line.startswith("#")],
        read_log(log, case="CaseID", activity="Task", timestamp="When"),
    )
    assert set(api.steps["activity"]) == {"reinitiate request"}
    gaps = _metrics(out).set_index(["section", "metric"]).loc["gaps", "log"]
    assert gaps["undocumented_steps"] == 1
    assert gaps["coverage"] == api.coverage == 39 / 42  # the three reinitiations


def test_documented_steps_from_text_and_csv_in_persian(tmp_path):
    log = tmp_path / "fa.csv"
    log.write_text(
        "پرونده,مرحله,زمان\n"
        "1,ثبت درخواست,2024-05-04 09:00\n1,پرداخت عوارض,2024-05-04 10:00\n"
        "1,کپی مدارک,2024-05-04 11:00\n1,صدور کارت,2024-05-05 09:00\n",
        encoding="utf-8",
    )
    documented = ["ثبت درخواست", "پرداخت عوارض", "صدور کارت"]
    text = tmp_path / "steps.txt"
    # a byte-order mark, a comment, blank lines and spaces: none of them is a step
    text.write_text("\ufeff# مراحل\n\n" + "\n".join(f" {n} " for n in documented) + "\n")
    table = tmp_path / "steps.csv"
    pd.DataFrame({"order": [1, 2, 3], "Step": documented}).to_csv(table, index=False)
    for procedure in (text, table):
        result = _bpr("gaps", procedure, log)
        assert result.returncode == 0, result.stderr
        assert "1 undocumented step" in result.stdout and "کپی مدارک" in result.stdout
    bad = tmp_path / "names.csv"
    pd.DataFrame({"name": documented, "order": [1, 2, 3]}).to_csv(bad, index=False)
    result = _bpr("gaps", bad, log)
    assert result.returncode == 1
    assert "names.csv: no 'step' column; the columns are: name, order" in result.stderr


def test_missing_columns_are_named_at_once_with_their_options(tmp_path):
    frame = pd.read_csv(_renamed(tmp_path))
    log = tmp_path / "dutch.csv"
    frame.rename(columns={"CaseID": "Dossier", "Task": "Stap", "When": "Moment"}).to_csv(
        log, index=False
    )
    result = _bpr("analyze", log, "--timestamp", "Tijd", "--no-simulate", "-o", tmp_path / "o")
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "no column 'Tijd' (given with --timestamp)" in line
    assert "no column found for case and activity" in line
    assert "the columns are: Dossier, Stap, Moment, Costs" in line
    assert line.endswith("give --case COLUMN --activity COLUMN --timestamp COLUMN")
    assert "=" not in line and "read_log" not in line


def test_library_advice_is_given_in_options(tmp_path):
    persian = tmp_path / "cp1256.csv"
    persian.write_bytes("case,activity,timestamp\n1,ثبت,2024-05-04 09:00\n".encode("cp1256"))
    result = _bpr("measure", persian)
    assert result.returncode == 1
    assert "--encoding cp1256" in result.stderr and "encoding=" not in result.stderr
    assert _bpr("measure", persian, "--encoding", "cp1256").returncode == 0
    jalali = tmp_path / "jalali.csv"
    jalali.write_text("case,activity,timestamp\n1,a,1402/05/12 10:30\n1,b,1402/05/13 10:30\n")
    result = _bpr("measure", jalali)
    assert result.returncode == 0, result.stderr
    assert "warning: " in result.stderr and "give --dates jalali" in result.stderr
    assert "dates=" not in result.stderr
    assert _bpr("-q", "measure", jalali).stderr == ""  # quiet keeps warnings quiet too


def test_quiet_keeps_columns_and_repairs_quiet(tmp_path):
    log = _renamed(tmp_path)
    args = ["measure", log, "--case", "CaseID", "--activity", "Task", "--timestamp", "When"]
    assert "columns used:" in _bpr(*args).stdout
    result = _bpr("--quiet", *args)
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""


@pytest.mark.parametrize(
    ("choice", "hours", "calendar"),
    [
        (["--business-calendar", "mon-fri"], ["--working-hours", "09:00-17:00"],
         BusinessCalendar.preset("mon-fri", hours=("09:00", "17:00"))),
        (["--business-calendar", "iran"], [], BusinessCalendar.preset("iran")),
        (["--timezone", "Asia/Tehran"], ["--working-hours", "08:00-14:00"],
         BusinessCalendar.preset("iran", hours=("08:00", "14:00"))),
    ],
)  # fmt: skip
def test_business_calendar_options(demo_run, choice, hours, calendar):
    _, out = demo_run
    log = out / "input" / "log.csv"
    result = _bpr("measure", log, *choice, *hours)
    assert result.returncode == 0, result.stderr
    assert f"business calendar: {calendar.description}" in " ".join(result.stdout.split())
    zone = "Asia/Tehran" if "Asia/Tehran" in choice else "UTC"
    api = measure(read_log(log, timezone=zone), calendar=calendar)
    row = next(line for line in result.stdout.splitlines() if "cycle_time_business " in line)
    assert row.split("│")[1].strip() == WORDS.value(api.cycle_time_business)


def test_working_hours_need_a_business_calendar(demo_run):
    _, out = demo_run
    result = _bpr("measure", out / "input" / "log.csv", "--working-hours", "08:00-14:00")
    assert result.returncode == 1
    assert "choose one with --business-calendar iran or mon-fri" in result.stderr
    result = _bpr("measure", out / "input" / "documented.bpmn", "--business-calendar", "iran")
    assert result.returncode == 1 and "a model has no clock" in result.stderr


def test_the_cost_model_options_reach_the_burden(tmp_path):
    model = tmp_path / "transfer.bpmn"
    model.write_text(write_bpmn(vehicle_transfer()), encoding="utf-8")
    result = _bpr(
        "measure", model, "--travel", "2h", "--queue", "45min", "--obtain", "1h30min",
        "--tariff", "250000", "IRR",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    api = measure(
        vehicle_transfer(),
        travel=timedelta(hours=2),
        queue=timedelta(minutes=45),
        obtain=timedelta(minutes=90),
        tariff=Tariff(250000, "IRR"),
    )
    assert api.burden_cost == api.burden.total_seconds() / 3600 * 250000
    row = next(line for line in result.stdout.splitlines() if line.split()[:1] == ["burden_cost"])
    assert row.split("│")[1].strip() == f"{api.burden_cost:,.2f} IRR"
    row = next(line for line in result.stdout.splitlines() if line.split()[:1] == ["burden"])
    assert row.split("│")[1].strip() == WORDS.value(api.burden)
    result = _bpr("measure", model, "--travel", "90")
    assert result.returncode == 2 and "'90' has no unit" in result.stderr


def test_analyze_takes_the_cost_model(tmp_path):
    log = tmp_path / "cards.csv"
    log.write_text(
        "case,activity,timestamp\n"
        "1,Apply at the office,2024-05-04 09:00\n1,Review the file,2024-05-05 10:00\n"
        "1,Collect the card,2024-05-07 11:00\n2,Apply at the office,2024-05-04 09:30\n"
        "2,Review the file,2024-05-04 12:00\n2,Collect the card,2024-05-06 09:00\n"
    )
    annotations = tmp_path / "annotations.csv"
    annotations.write_text(
        "activity,kind,actor,agency,channel,citizen_present,mandatory,documents_in,"
        "documents_out\n"
        "Apply at the office,submit,citizen,Registry,in_person,yes,yes,ID card,application\n"
        "Review the file,verify,back_office,Registry,internal,no,yes,none,none\n"
        "Collect the card,issue,citizen,Registry,in_person,yes,yes,application,card\n"
    )
    out = tmp_path / "out"
    result = _bpr(
        "analyze", log, "--timezone", "Asia/Tehran", "--annotations", annotations,
        "--tariff", "12.5", "EUR", "--travel", "30min", "--no-simulate", "-o", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # two visits (apply, collect) of 30 min travel and 30 min queueing, and the ID card
    # (2 h to obtain; the application is made by a step before it is needed): 4 h a case
    length = _metrics(out).set_index(["section", "metric"]).loc["length"]
    assert length.loc["burden_mean_h", "log"] == 4.0
    assert length.loc["burden_cost", "log"] == 4.0 * 12.5
    assert length.loc["burden_cost", "unit"] == "EUR"
    assert "citizen's burden: 4.00 hours per case, mean, costing 50.00 EUR" in result.stdout
    api = analyze(
        log,
        annotations=annotations,
        read=TEHRAN,
        simulate=False,
        travel=timedelta(minutes=30),
        tariff=Tariff(12.5, "EUR"),
    )
    for model in ("as_is", "to_be"):
        assert _same(length.loc["burden_cost", model], getattr(api, f"{model}_length").burden_cost)


def _parts(folder: Path, frame: pd.DataFrame, sizes: list[int]) -> Path:
    """``frame`` written as Spark writes a table: numbered parts, _SUCCESS, checksums."""
    folder.mkdir()
    start = 0
    for i, size in enumerate(sizes):
        name = f"part-{i:05d}-3f2a.snappy.parquet"
        frame.iloc[start : start + size].to_parquet(folder / name, index=False)
        (folder / f".{name}.crc").write_bytes(b"\0\1")
        start += size
    (folder / "_SUCCESS").write_text("")
    return folder


def test_a_folder_of_parquet_parts_is_one_log(tmp_path):
    events = read_log(DATA / "logs" / "running-example.xes").to_pandas()
    frame = events[["case", "activity", "timestamp", "resource"]]
    single = tmp_path / "events.parquet"
    frame.to_parquet(single, index=False)
    spark = _parts(tmp_path / "spark", frame, [10, 17, 15])
    partitioned = tmp_path / "by-resource"
    frame.to_parquet(partitioned, partition_cols=["resource"], index=False)
    one = read_log(single).to_pandas()
    pd.testing.assert_frame_equal(read_log(spark).to_pandas(), one)
    # partitions come back as a column, read per folder: the same events, in another order
    hive = read_log(partitioned).to_pandas()
    key = ["case", "timestamp", "activity"]
    pd.testing.assert_frame_equal(
        hive[list(one.columns.drop("position"))].sort_values(key).reset_index(drop=True),
        one.drop(columns="position").sort_values(key).reset_index(drop=True),
        check_dtype=False,
    )
    # the command line reads the folder as it reads the file
    by_folder, by_file = _bpr("measure", spark), _bpr("measure", single)
    assert by_folder.returncode == 0, by_folder.stderr
    assert by_folder.stdout.split("metric")[1] == by_file.stdout.split("metric")[1]
    assert _columns_told(by_folder.stdout) == _columns_told(by_file.stdout)


def test_a_folder_of_other_things_is_one_line(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    for name in ("jan.csv", "feb.csv", "notes.txt"):
        (folder / name).write_text("x\n")
    result = _bpr("analyze", folder, "--no-simulate")
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line == (
        f"error: {folder}: a folder, not a log: it holds 2 .csv files and 1 other file; give "
        f"one log file, e.g. {folder / 'feb.csv'}, or a folder of .parquet parts"
    )


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
        assert row.split("│")[1].strip() == WORDS.value(
            measure(to_process(read_pnml(target))).steps
        )


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
        (["analyze", log, "--case", "Case ID"], "no column 'Case ID' (given with --case)"),
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
        assert "Traceback" not in result.stderr and "wrote" not in result.stdout


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


def test_every_option_has_help_and_a_place_in_the_docs():
    """Each option of each command says what it does, and docs/cli.md shows it in use."""
    from bpr.cli import cli

    written = (REPO / "docs" / "cli.md").read_text(encoding="utf-8").split("<!-- bpr:cli -->")[0]
    for name, command in {"bpr": cli, **cli.commands}.items():
        assert f"bpr {name}" in written or name == "bpr", name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, (name, param.opts)
                assert any(f"`{o}" in written for o in param.opts), (name, param.opts)


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


# -- the annotation loop ----------------------------------------------------------------------


def test_annotate_writes_the_table_and_analyze_reads_it_back(tmp_path):
    log = DATA / "logs" / "receipt.xes.gz"
    table = tmp_path / "steps.xlsx"
    result = _bpr("annotate", log, "-o", table)
    assert result.returncode == 0, result.stderr
    written = pd.read_excel(table, dtype=str, keep_default_na=False)
    assert len(written) == 27 and "27 activities" in result.stdout
    assert set(written["mandatory"]) == {""}  # nobody knows: left for the analyst
    # The analyst says every step is the municipality's and not required by law.
    written["agency"] = "Municipality"
    written["mandatory"] = "no"
    filled = tmp_path / "filled.csv"
    written.to_csv(filled, index=False)
    out = tmp_path / "out"
    result = _bpr("analyze", log, "--annotations", filled, "--no-simulate", "-o", out)
    assert result.returncode == 0, result.stderr
    as_is = read_process(out / "as-is.json")
    assert {s.agency for s in as_is.steps} == {"Municipality"}
    assert {s.mandatory for s in as_is.steps} == {False}
    # Other fields are still missing: the analysis writes the next table to fill in.
    assert (out / "annotations.xlsx").is_file() and "--annotations" in result.stdout
    again = pd.read_csv(out / "annotations.csv", dtype=str, keep_default_na=False)
    assert set(again["agency"]) == {"Municipality"} and set(again["mandatory"]) == {"no"}


def test_annotate_does_not_replace_a_table_that_may_be_filled_in(tmp_path):
    log = DATA / "logs" / "running-example.xes"
    table = tmp_path / "steps.csv"
    assert _bpr("annotate", log, "-o", table).returncode == 0
    filled = pd.read_csv(table, dtype=str, keep_default_na=False)
    filled.loc[filled["activity"] == "decide", "agency"] = "Registry"
    filled.to_csv(table, index=False, encoding="utf-8-sig")
    refused = _bpr("annotate", log, "-o", table)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"give --annotations {table} to keep its values" in refused.stderr
    assert pd.read_csv(table, dtype=str, keep_default_na=False).equals(filled)
    kept = _bpr("annotate", log, "--annotations", table, "-o", table)
    assert kept.returncode == 0, kept.stderr
    again = pd.read_csv(table, dtype=str, keep_default_na=False).set_index("activity")
    assert again.loc["decide", "agency"] == "Registry"
    assert _bpr("annotate", log, "--force", "-o", table).returncode == 0
    replaced = pd.read_csv(table, dtype=str, keep_default_na=False).set_index("activity")
    assert replaced.loc["decide", "agency"] == ""


def test_annotate_refuses_a_format_it_cannot_write(tmp_path):
    result = _bpr("annotate", DATA / "logs" / "running-example.xes", "-o", tmp_path / "s.ods")
    assert result.returncode != 0
    assert "write an annotation table as .csv or .xlsx, not .ods" in result.stderr
    assert "Traceback" not in result.stderr


# -- the output folder ----------------------------------------------------------------------


def test_analyze_over_files_it_did_not_write_needs_force(tmp_path):
    log = DATA / "logs" / "running-example.csv"
    (tmp_path / "report.html").write_text("someone's page\n", encoding="utf-8")
    refused = _bpr("analyze", log, "--no-simulate", "-o", tmp_path)
    assert refused.returncode == 1
    assert "already has report.html, which no earlier bpr run wrote" in refused.stderr
    assert "give --force to overwrite" in refused.stderr
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "someone's page\n"
    assert not (tmp_path / "manifest.json").exists()  # refused before any work
    forced = _bpr("analyze", log, "--no-simulate", "--force", "-o", tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_the_annotation_loop_runs_in_the_output_folder(tmp_path):
    """The table analyze wrote, filled in there and given back, is read, and written again
    with its values: no --force needed."""
    log = DATA / "logs" / "running-example.csv"
    out = tmp_path / "out"
    assert _bpr("analyze", log, "--no-simulate", "-o", out).returncode == 0
    table = pd.read_csv(out / "annotations.csv", dtype=str, keep_default_na=False)
    table.loc[table["activity"] == "decide", "agency"] = "Registry"
    table.to_csv(out / "annotations.csv", index=False, encoding="utf-8-sig")
    again = _bpr(
        "analyze", log, "--annotations", out / "annotations.csv", "--no-simulate", "-o", out
    )
    assert again.returncode == 0, again.stderr
    rewritten = pd.read_csv(out / "annotations.csv", dtype=str, keep_default_na=False)
    assert rewritten.set_index("activity").loc["decide", "agency"] == "Registry"


def test_render_refuses_to_write_through_a_link(demo_run, tmp_path):
    _, out = demo_run
    outside = tmp_path / "outside.txt"
    outside.write_text("keep\n", encoding="utf-8")
    (tmp_path / "drawing.svg").symlink_to(outside)
    result = _bpr("render", out / "as-is.json", "-o", tmp_path / "drawing.svg")
    assert result.returncode == 1
    assert "drawing.svg is a symbolic link" in result.stderr and "Traceback" not in result.stderr
    assert outside.read_text(encoding="utf-8") == "keep\n"


KILLED_ANALYZE = """
import os, signal, sys
from bpr import _files
from bpr.cli import main
real = os.replace
def replace(source, target):  # killed with metrics.csv written but not yet in place
    if str(target).endswith("metrics.csv"):
        os.kill(os.getpid(), signal.SIGKILL)
    real(source, target)
_files.os.replace = replace
main(sys.argv[1:])
"""


def test_a_killed_analyze_leaves_whole_files_and_the_next_leaves_nothing_of_the_first(tmp_path):
    """A first run with a documented procedure; a second without, killed midway; the second
    again: it goes on without --force, and no file of the first is left."""
    import hashlib
    import json
    import signal

    def digests() -> dict[str, str]:
        return {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in out.iterdir()
            if p.is_file()
            and p.name not in ("manifest.json", "notes.txt")
            and not p.name.startswith(".bpr-")
        }

    log = DATA / "logs" / "running-example.csv"
    steps = tmp_path / "steps.txt"
    steps.write_text("register request\ndecide\n", encoding="utf-8")
    out = tmp_path / "out"
    assert _bpr("analyze", log, "--documented", steps, "--no-simulate", "-o", out).returncode == 0
    first = digests()
    assert {"gaps.csv", "gaps.svg"} <= set(first)
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    second = ["analyze", str(log), "--no-simulate", "--lang", "fa", "-o", str(out)]
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_ANALYZE, *second], capture_output=True, check=False
    )
    assert killed.returncode == -signal.SIGKILL
    stopped = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert stopped["complete"] is False and "metrics.csv" in stopped["pending"]
    assert [p.name for p in out.iterdir() if p.name.startswith(".bpr-metrics.csv.")]
    after_kill = digests()
    again = _bpr(*second)
    assert again.returncode == 0, again.stderr  # no --force needed: every file is known
    third = digests()
    for name, digest in after_kill.items():  # each file is the first run's or the second's
        assert digest in (first.get(name), third.get(name)), name
    assert after_kill["metrics.csv"] == first["metrics.csv"]  # not the killed one's
    assert after_kill["report.html"] == third["report.html"] != first["report.html"]
    assert "removed the earlier run's gaps.csv, gaps.svg" in again.stdout
    assert "also holds files this run did not write" in again.stderr
    assert "notes.txt" in again.stderr and (out / "notes.txt").exists()
    assert not any(p.name.startswith(".bpr-") for p in out.iterdir())
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["complete"] is True and set(manifest["files"]) == set(third)
    assert manifest["about"]["command"] == "analyze"
    assert manifest["about"]["inputs"]["log"]["path"] == str(log)
    assert "documented" not in manifest["about"]["inputs"]
    assert manifest["about"]["options"]["lang"] == "fa"
