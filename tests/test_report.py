"""The HTML report: self-contained, the analysis's numbers, definitions, Persian, escaping."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pandas as pd
import pytest
from lxml import html as lxml_html

from bpr import BprError
from bpr._demo import demo_inputs
from bpr.analysis import analyze
from bpr.measure import METRICS
from bpr.report import Report, _attribute_docs, _definitions, _Words, report

_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹٫٬٪", "0123456789.,%")
_UNITS = {"days": 86400.0, "روز": 86400.0, "h": 3600.0, "ساعت": 3600.0}


@pytest.fixture(scope="module")
def analysis():
    demo = demo_inputs(60, seed=1)
    return analyze(
        demo.log,
        documented=demo.documented,
        annotations=demo.annotations,
        read={"timezone": "Asia/Tehran"},
        cases=40,
        replications=2,
    )


@pytest.fixture(scope="module")
def pages(analysis):
    return {lang: report(analysis, lang=lang).html for lang in ("en", "fa")}


def shown(text: str) -> float:
    """A number as the page shows it, back to a float (durations in seconds, shares 0-1)."""
    text = text.translate(_LATIN).replace(",", "").strip()
    number, _, unit = text.partition(" ")
    if number.endswith("%"):
        return float(number[:-1]) / 100
    return float(number) * _UNITS.get(unit, 1.0)


def cells(page: str, rows: str, key: str) -> dict[str, list[str]]:
    """Row key (its ``key`` attribute) -> the texts of the row's cells, for the rows at the
    XPath ``rows``."""
    tree = lxml_html.fromstring(page)
    return {row.get(key): [c.text_content() for c in row.xpath("./td")] for row in tree.xpath(rows)}


def expected(value, unit: str) -> float:
    """What the page shows for a value: rounded as displayed."""
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        scale = 86400.0 if abs(seconds) >= 86400 else 3600.0
        return round(seconds / scale, 2) * scale
    if unit == "days":
        return expected(timedelta(days=value), "")
    if unit == "share":
        return round(value * 100, 1) / 100
    return round(value, 2)


# -- self-contained ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_page_is_self_contained(pages, lang):
    page = pages[lang]
    tree = lxml_html.fromstring(page)
    assert not tree.xpath("//script | //link | //img | //iframe | //object | //embed")
    assert not re.search(r"<script", page, re.I)
    assert not re.search(r"@import|url\(", page)
    references = tree.xpath("//@src | //@href | //@*[local-name()='href']")
    assert references and all(r.startswith("#") for r in references)  # in-page anchors only
    # every diagram is an inline <svg>: as-is, gaps, comparison
    diagrams = tree.xpath("//div[@class='diagram']")
    assert len(diagrams) == 3
    assert all(d.xpath("./*[local-name()='svg']") for d in diagrams)
    assert "@media print" in page


def test_every_section_is_there(pages):
    tree = lxml_html.fromstring(pages["en"])
    ids = [s.get("id") for s in tree.xpath("//section")]
    assert ids == [
        "summary",
        "as-is",
        "length",
        "gaps",
        "redesign",
        "comparison",
        "simulation",
        "data",
    ]


# -- the numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_summary_numbers_are_the_analysis_numbers(analysis, pages, lang):
    rows = cells(pages[lang], "//tr[@data-figure]", "data-figure")
    summary = analysis.summary()
    assert list(rows) == list(summary.index)
    for figure, (value, unit) in summary[["value", "unit"]].iterrows():
        assert shown(rows[figure][0]) == pytest.approx(expected(value, unit)), figure


def test_length_table_shows_log_and_model_values(analysis, pages):
    rows = cells(pages["en"], "//table[@class='length']//tr[@data-metric]", "data-metric")
    assert list(rows) == list(METRICS)
    for metric in ("steps", "visits", "handoffs", "procedures"):
        log, as_is, to_be = (shown(c) for c in rows[metric])
        assert log == pytest.approx(round(getattr(analysis.length, metric), 2))
        assert as_is == pytest.approx(round(getattr(analysis.as_is_length, metric), 2))
        assert to_be == pytest.approx(round(getattr(analysis.to_be_length, metric), 2))
    cycle = shown(rows["cycle_time_mean"][0])
    assert cycle == pytest.approx(expected(analysis.length.cycle_time_mean, ""))
    assert shown(rows["waiting_share"][0]) == pytest.approx(
        expected(analysis.length.waiting_share, "share")
    )


def test_gaps_tables_show_the_shares(analysis, pages):
    tree = lxml_html.fromstring(pages["en"])
    rows = tree.xpath("//table[@class='gap-steps']/tbody/tr")
    found = {
        r.xpath("./th")[0].text_content(): shown(r.xpath("./td")[2].text_content()) for r in rows
    }
    gaps = analysis.gaps.steps
    assert found == {
        a: pytest.approx(round(s, 3))
        for a, s in zip(gaps["activity"], gaps["case_share"], strict=True)
    }
    transitions = tree.xpath("//table[@class='gap-transitions']/tbody/tr")
    assert len(transitions) == len(analysis.gaps.transitions) == 3
    coverage = tree.xpath("//span[@data-figure='coverage']")[0].text_content()
    assert shown(coverage) == pytest.approx(round(analysis.gaps.coverage, 3))


def test_simulation_table_shows_changes_with_intervals(analysis, pages):
    rows = cells(pages["en"], "//table[@class='simulation']//tr[@data-metric]", "data-metric")
    differences = analysis.simulation.differences
    assert list(rows) == list(differences)
    for metric, difference in differences.items():
        before, _, change, interval = rows[metric]
        assert shown(change) == pytest.approx(expected(difference.value, ""))
        low, high = (shown(part) for part in interval.split(" … "))
        assert low == pytest.approx(expected(difference.low, ""))
        assert high == pytest.approx(expected(difference.high, ""))
        as_is = getattr(analysis.simulation.as_is, metric).value
        assert shown(before) == pytest.approx(expected(as_is, ""))


def test_proposals_are_ranked_applied_first_with_their_rationale(analysis, pages):
    tree = lxml_html.fromstring(pages["en"])
    rows = tree.xpath("//table[@class='proposals']/tbody/tr")
    assert len(rows) == len(analysis.redesign.proposals)
    applied = [r.get("class") == "applied" for r in rows]
    assert applied == sorted(applied, reverse=True)
    assert sum(applied) == len(analysis.redesign.plan)
    texts = [r.xpath("./td")[3].text_content() for r in rows]
    assert sorted(texts) == sorted(p.rationale for p in analysis.redesign.proposals)


def test_repairs_and_assumptions_are_listed(analysis, pages):
    tree = lxml_html.fromstring(pages["en"])
    notes = [li.text_content() for li in tree.xpath("//ul[@class='assumptions']/li")]
    for assumption in analysis.simulation.to_be.assumptions:
        assert f"Simulation (to-be): {assumption}" in notes
    assert any(n.startswith("Redesign objective weights: visits 3") for n in notes)
    assert "No repairs were needed." in pages["en"]  # the demo log is clean


# -- definitions ------------------------------------------------------------------------------


def test_every_metric_has_its_definition_from_length():
    from bpr.measure import Length

    documented = {n for names, _ in _attribute_docs(Length.__doc__) for n in names}
    assert set(METRICS) <= documented
    words = _Words("en")
    terms = ", ".join(entry["terms"] for entry in _definitions(words))
    assert all(words.metric(m) in terms for m in METRICS)


def test_attribute_docs_reads_a_numpy_section():
    doc = (
        "Title.\n\nAttributes\n----------\n"
        "a, b : int\n    First line\n    second.\nc : str\n    C.\n\nNotes\n-----\nx : y\n"
    )
    assert _attribute_docs(doc) == [(["a", "b"], "First line second."), (["c"], "C.")]
    assert _attribute_docs("Title.\n\nParameters\n----------\nx : int\n    X.\n") == []


def test_the_definitions_are_on_the_page(pages):
    assert "EU Standard Cost Model time cost to the citizen per case." in pages["en"]
    assert "``" not in pages["en"]


# -- Persian ----------------------------------------------------------------------------------


def test_persian_page_is_right_to_left_with_persian_headings_and_digits(analysis, pages):
    tree = lxml_html.fromstring(pages["fa"])
    assert tree.get("dir") == "rtl" and tree.get("lang") == "fa"
    headings = [h.text_content() for h in tree.xpath("//h2")]
    assert headings[0] == "خلاصه" and "شبیه‌سازی" in headings
    numbers = [c[0] for c in cells(pages["fa"], "//tr[@data-figure]", "data-figure").values()]
    assert numbers[0] == "۶۰"  # cases
    assert not any(re.search(r"[0-9]", n) for n in numbers)
    # diagrams keep their left-to-right flow
    assert all(d.get("dir") == "ltr" for d in tree.xpath("//div[@class='diagram']"))


def test_words_format_numbers_per_language():
    en, fa = _Words("en"), _Words("fa")
    assert en.number(12345.678) == "12,345.68" and fa.number(12345.678) == "۱۲٬۳۴۵٫۶۸"
    assert en.number(7.0) == "7" and en.number(None) == "—"
    assert en.share(0.1234) == "12.3%" and fa.share(0.5) == "۵۰٫۰٪"
    assert en.duration(timedelta(hours=36)) == "1.50 days"
    assert fa.duration(timedelta(minutes=90)) == "۱٫۵۰ ساعت"
    assert en.duration(timedelta(hours=-2), signed=True) == "-2.00 h"
    assert en.signed(1.5) == "+1.50" and en.signed(-1.0) == "-1"


# -- escaping, saving, errors -----------------------------------------------------------------


def test_text_from_the_log_is_escaped(tmp_path):
    hostile = "<script>alert(1)</script> & co"
    events = pd.DataFrame(
        {
            "case": ["1", "1", "2", "2"],
            "activity": ["Apply", hostile, "Apply", hostile],
            "timestamp": pd.date_range("2024-01-06", periods=4, freq="h", tz="UTC"),
        }
    )
    analysis = analyze(events, documented=["Apply"], simulate=False)
    page = report(analysis).html
    assert "<script" not in page
    assert html.escape(hostile, quote=False) in page


def test_save_and_notebook_display(analysis, tmp_path):
    page = report(analysis)
    path = page.save(tmp_path / "r.html")
    assert path.read_text(encoding="utf-8") == page.html
    shown_in_notebook = page._repr_html_()
    assert shown_in_notebook.startswith("<iframe srcdoc=")
    assert html.unescape(shown_in_notebook.split('"')[1]) == page.html
    assert analysis._repr_html_() == shown_in_notebook
    assert isinstance(page, Report) and page.lang == "en"


def test_bad_arguments_are_bpr_errors(analysis, tmp_path):
    with pytest.raises(BprError, match="unknown lang 'de'"):
        report(analysis, lang="de")
    with pytest.raises(BprError, match="needs an Analysis"):
        report("analysis")
    with pytest.raises(BprError, match="cannot write the report"):
        report(analysis).save(tmp_path / "missing" / "r.html")
