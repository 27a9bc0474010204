"""The catalogue report (bpr.portfolio) and `bpr portfolio`: a hand-made catalogue whose totals
and priorities are worked out below, its Persian page, a failing service, the command line on
a catalogue folder and on the bundled province, and byte-identical runs."""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from lxml import html as lxml_html

from bpr.catalog import Catalog, Service, ServiceCard
from bpr.errors import BprError, ModelError
from bpr.model import ServiceProcess, Step
from bpr.portfolio import CatalogReport, portfolio
from tests.test_report import _ALLOWED_LATIN, _FILE, visible

# The module (``bpr.redesign`` the attribute is the function): catalog.py imports redesign
# from it when it ranks.
REDESIGN = importlib.import_module("bpr.redesign")
DATA = Path(__file__).parent / "data" / "catalog" / "en"


def _process(name: str, agency: str, provider: str, name_fa: str) -> ServiceProcess:
    """Two visits: the citizen fetches a clearance from ``provider`` in person and hands it in
    at ``agency``; the redesign makes the first an e-inquiry and moves the submission online
    (two visits saved per case)."""
    fetch = Step(
        f"{name}-fetch",
        f"Get the clearance for {name}",
        name_fa=f"دریافت گواهی {name_fa}",
        kind="inquiry",
        actor="citizen",
        agency=provider,
        channel="in_person",
        citizen_present=True,
        documents_out="clearance",
    )
    submit = Step(
        f"{name}-submit",
        f"Submit {name}",
        name_fa=f"ثبت درخواست {name_fa}",
        kind="submit",
        actor="front_office",
        agency=agency,
        channel="in_person",
        citizen_present=True,
        documents_in="clearance",
    )
    return ServiceProcess.from_blocks(name, fetch, submit)


def _catalog() -> Catalog:
    """A: 100 cases a year, steps with 2 visits; B: card only, 50 cases × 3 visits; C: card
    only, 1 visit, frequency unknown; D: 300 cases a year, steps with 2 visits.

    Yearly visits: A 2 × 100 = 200 (steps), B 3 × 50 = 150 (card), D 2 × 300 = 600 (steps):
    950 over 3 of 4 services (C's frequency is unknown). The redesign removes both visits of
    a case of A and D: D 600 a year, then A 200; B and C have no process and are not ranked.
    """
    a = Service(
        "A",
        card=ServiceCard("A", "Permit", title_fa="پروانه", agency="Municipality", frequency=100),
        process=_process("Permit", "Municipality", "Tax Administration", "پروانه"),
        process_from="steps",
    )
    b = Service(
        "B",
        card=ServiceCard(
            "B", "Licence", title_fa="مجوز", agency="Municipality", frequency=50, visits=3
        ),
    )
    c = Service("C", card=ServiceCard("C", "Receipt", title_fa="رسید", agency="Bank", visits=1))
    d = Service(
        "D",
        card=ServiceCard("D", "Plate", title_fa="پلاک", agency="Traffic Police", frequency=300),
        process=_process("Plate", "Traffic Police", "Registry", "پلاک"),
        process_from="steps",
    )
    return Catalog([a, b, c, d])


@pytest.fixture(scope="module")
def reports() -> dict[str, CatalogReport]:
    return {lang: portfolio(_catalog(), lang=lang) for lang in ("en", "fa")}


def _tree(page: str):
    return lxml_html.fromstring(page)


def _texts(tree, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in tree.xpath(xpath)]


def test_the_totals_are_the_hand_computed_ones_with_what_they_cover(reports):
    tree = _tree(reports["en"].html)
    total = {
        row.get("data-total"): row.xpath("./td")[0].text_content()
        for row in tree.xpath("//table[contains(@class, 'totals')]//tr")
    }
    assert total["services"] == "4" and total["agencies"] == "3"  # Bank, Municipality, Police
    assert total["card"] == "4" and total["steps"] == "2" and total["log"] == "0"
    assert total["visits"] == "950"
    visits = tree.xpath("//tr[@data-total='visits']")[0]
    assert visits.xpath(".//span[@class='covered']")[0].text == "3"  # C's frequency unknown
    cover = " ".join(visits.xpath("./td")[1].text_content().split())
    assert "of 4 services" in cover and "step table 2" in cover and "card 1" in cover


def test_the_priority_list_ranks_by_visits_removed_a_year_with_its_proposals(reports):
    tree = _tree(reports["en"].html)
    rows = tree.xpath("//table[@class='priorities']/tbody/tr")
    assert [r.get("data-service") for r in rows] == ["D", "A"]
    cells = [[" ".join(c.text_content().split()) for c in r.xpath("./td")] for r in rows]
    assert cells[0][0] == "1" and cells[0][3] == "600" and cells[1][3] == "200"
    # the proposals behind the figure, by name, with the steps they change
    assert "E-inquiry instead of paper: Get the clearance for Plate" in cells[0][8]
    assert "Channel shift: Submit Plate" in cells[0][8]
    assert cells[0][7] == "step table"  # the figure's level of evidence
    links = tree.xpath("//table[@class='priorities']//a/@href")
    assert links == ["services/D.html", "services/A.html"]
    unranked = tree.xpath("//table[@class='unranked']//tr/@data-service")
    assert unranked == ["B", "C"]
    assert reports["en"].priorities.order == ("D", "A")
    # service by service, the same table as the whole catalogue's prioritize
    pd.testing.assert_frame_equal(reports["en"].priorities.frame, _catalog().prioritize().frame)


def test_every_service_is_listed_and_those_with_a_process_have_a_page(reports):
    report = reports["en"]
    assert sorted(report.pages) == ["A", "D"]
    tree = _tree(report.html)
    assert tree.xpath("//table[@class='services']//tr/@data-service") == ["A", "B", "C", "D"]
    page = _tree(report.pages["D"])
    saved = {
        r.xpath("./th")[0].text_content(): [c.text_content() for c in r.xpath("./td")]
        for r in page.xpath("//table[@class='savings']/tbody/tr")
    }
    # as-is, to-be, saved, a year, and the proposals behind the saving
    assert saved["in-person visits"][:4] == ["2", "0", "2", "600"]
    assert "E-inquiry instead of paper: Get the clearance for Plate" in saved["in-person visits"][4]
    assert page.xpath("//div[@class='diagram']/*[local-name()='svg']")
    assert page.xpath("//a/@href") == ["../catalog.html"]


def test_the_inquiry_links_are_drawn_and_ranked(reports):
    tree = _tree(reports["en"].html)
    assert tree.xpath("//section[@id='links']//div[@class='diagram']/*[local-name()='svg']")
    rows = [_texts(r, "./td") for r in tree.xpath("//table[@class='links']/tbody/tr")]
    # D's 300 cases a year save a visit each at the registry; A's 100 at the tax office
    assert [r[:3] for r in rows] == [
        ["1", "Traffic Police", "Registry"],
        ["2", "Municipality", "Tax Administration"],
    ]
    assert rows[0][5] == "300" and rows[1][5] == "100"


def test_the_persian_page_is_persian_right_to_left_with_persian_digits(reports):
    page = reports["fa"].html
    tree = _tree(page)
    assert tree.get("dir") == "rtl" and tree.get("lang") == "fa"
    assert tree.xpath("//tr[@data-total='visits']/td")[0].text_content() == "۹۵۰"
    ids = {"A", "B", "C", "D"}
    for shown in (page, *reports["fa"].pages.values()):
        words = re.findall(r"[A-Za-z][A-Za-z0-9_.+\-]*", visible(shown))
        # the diagrams name the process as the model does (Permit, Plate): a name
        names = {"Permit", "Plate"}
        stray = [w for w in words if w not in _ALLOWED_LATIN | ids | names and not _FILE.match(w)]
        assert stray == []
    links = tree.xpath("//section[@id='links']//*[local-name()='text']")
    assert any("پلیس راهور" in (e.text or "") for e in links)


def _fail_redesign(monkeypatch, process_name: str, error: Exception) -> None:
    """Make the redesign of the process named ``process_name`` raise ``error``."""
    real = REDESIGN.redesign

    def failing(process, *args, **kwargs):
        if process.name == process_name:
            raise error
        return real(process, *args, **kwargs)

    monkeypatch.setattr(REDESIGN, "redesign", failing)


def test_a_service_failing_with_a_bpr_error_is_reported_and_the_others_go_on(monkeypatch):
    _fail_redesign(monkeypatch, "Plate", BprError("the plate's model cannot be redesigned"))
    report = portfolio(_catalog())
    assert [(f.id, f.kind) for f in report.failures] == [("D", "BprError")]
    assert report.priorities.order == ("A",) and "D" not in report.pages
    tree = _tree(report.html)
    failed = _texts(tree, "//section[@id='failures']//tr[@data-service='D']")
    assert failed and "cannot be redesigned" in failed[0]
    assert tree.xpath("//table[@class='services']//tr[@class='failed']/@data-service") == ["D"]
    assert "D" not in set(report.length.services.index)


def test_a_model_error_in_the_redesign_is_a_failure_too(monkeypatch):
    _fail_redesign(monkeypatch, "Permit", ModelError("no single successor"))
    report = portfolio(_catalog())
    assert [(f.id, f.kind) for f in report.failures] == [("A", "ModelError")]
    assert report.priorities.order == ("D",)


def test_an_error_that_is_not_a_bpr_error_is_a_bug_and_propagates(monkeypatch):
    _fail_redesign(monkeypatch, "Plate", ZeroDivisionError("a bug"))
    with pytest.raises(ZeroDivisionError):
        portfolio(_catalog())


def test_progress_is_told_after_each_service():
    told = []
    portfolio(_catalog(), progress=lambda sid, done, total: told.append((sid, done, total)))
    assert told == [("A", 1, 4), ("B", 2, 4), ("C", 3, 4), ("D", 4, 4)]


def test_a_bad_language_is_a_bpr_error():
    with pytest.raises(BprError, match="lang"):
        portfolio(_catalog(), lang="de")


def test_save_writes_the_pages_and_a_manifest(reports, tmp_path):
    done = reports["en"].save(tmp_path / "out")
    assert sorted(done.written) == ["catalog.html", "services/A.html", "services/D.html"]
    manifest = json.loads(done.manifest.read_text())
    about = manifest["about"]["catalogue"]
    assert about["ranked"] == 2 and about["pages"] == 2
    assert "srcdoc=" in reports["en"]._repr_html_()


def _bpr(*args):
    return subprocess.run(
        [sys.executable, "-m", "bpr", *map(str, args)], capture_output=True, text=True
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


def test_the_command_on_a_catalogue_folder_twice_gives_the_same_bytes(tmp_path):
    catalog = tmp_path / "catalogue"
    shutil.copytree(DATA, catalog)
    runs = []
    for n in (1, 2):
        out = tmp_path / f"out{n}"
        result = _bpr("portfolio", catalog, "--lang", "fa", "-o", out)
        assert result.returncode == 0, result.stderr
        runs.append(_files(out))
    assert runs[0] == runs[1]
    assert "catalog.html" in runs[0] and "services/S1.html" in runs[0]
    manifest = json.loads((tmp_path / "out1" / "manifest.json").read_text())
    assert manifest["about"]["command"] == "portfolio"
    assert set(manifest["files"]) >= {"catalog.html", "services/S1.html"}
    assert "[3/3] S3" in result.stderr and "3 services" in result.stdout


def test_the_command_says_one_line_for_an_unreadable_catalogue(tmp_path):
    (tmp_path / "cards.csv").write_text("id,colour\nS1,red\n")
    result = _bpr("portfolio", tmp_path, "-o", tmp_path / "out")
    assert result.returncode == 1 and "colour" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_command_needs_a_catalogue_or_the_demo(tmp_path):
    result = _bpr("portfolio", "-o", tmp_path / "out")
    assert result.returncode != 0 and "--demo" in result.stderr


def test_the_demo_province_writes_its_dashboard_and_service_pages(tmp_path):
    out = tmp_path / "out"
    result = _bpr("-q", "portfolio", "--demo", "-o", out)
    assert result.returncode == 0, result.stderr
    written = _files(out)
    pages = [name for name in written if name.startswith("services/")]
    tree = _tree(written["catalog.html"].decode())
    linked = tree.xpath("//table[@class='services']//a/@href")
    assert sorted(linked) == sorted(pages) and len(pages) >= 40
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["about"]["catalogue"]["failures"] == {}


def _run_main(args, capsys) -> tuple[int, str]:
    from bpr.cli import main

    with pytest.raises(SystemExit) as exit_:
        main([str(a) for a in args])
    return exit_.value.code, capsys.readouterr().err


def test_the_command_lists_a_failed_service_and_fails_only_when_all_do(
    monkeypatch, tmp_path, capsys
):
    from bpr.catalog import write_catalog

    _fail_redesign(monkeypatch, "Plate", BprError("cannot redesign Plate"))
    catalog = _catalog()
    folder = write_catalog(catalog, tmp_path / "catalogue")
    code, err = _run_main(["portfolio", folder, "-o", tmp_path / "out"], capsys)
    assert code == 0 and "failed: D: BprError: cannot redesign Plate" in err
    assert (tmp_path / "out" / "services" / "A.html").is_file()
    assert not (tmp_path / "out" / "services" / "D.html").exists()

    alone = write_catalog(Catalog([catalog.service("D")]), tmp_path / "alone")
    code, err = _run_main(["portfolio", alone, "-o", tmp_path / "out-alone"], capsys)
    assert code == 1 and "no service of the catalogue could be analysed" in err


def test_with_logs_a_service_with_a_log_links_the_analysis_of_its_log():
    from bpr.catalog import read_catalog

    report = portfolio(read_catalog(DATA), logs=True)
    assert sorted(report.analyses) == ["S2"]  # S1 has a step table, no log; S3 a card only
    assert "services/S2-log.html" in report.files()
    page = _tree(report.pages["S2"])
    assert page.xpath("//a/@href") == ["../catalog.html", "S2-log.html"]
    analysis = _tree(report.analyses["S2"])
    assert "Business licence" in analysis.xpath("//h1")[0].text_content()
    assert _tree(report.pages["S1"]).xpath("//a/@href") == ["../catalog.html"]
