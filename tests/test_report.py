"""The HTML report: self-contained, the analysis's numbers, readable words, Persian, escaping.

The numbers on the page are read back from its cells and held against the analysis they come
from, rounded as the page rounds them; the words are held against what a reader must (not)
see: no code names in the prose, "—" with a reason for what is unknown, a reason for every
empty section, and no English sentence in the Persian page.
"""

from __future__ import annotations

import html
import re
import sys
from datetime import timedelta
from types import SimpleNamespace

import pandas as pd
import pytest
from lxml import html as lxml_html

from bpr import BprError
from bpr._demo import demo_inputs
from bpr.analysis import analyze, csv_metric
from bpr.measure import METRICS
from bpr.redesign import NOT_APPLIED
from bpr.report import Report, _assumption, _definitions, _Words, report

_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹٫٬٪", "0123456789.,%")
_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_UNITS = {"days": 86400.0, "روز": 86400.0, "h": 3600.0, "ساعت": 3600.0}
# Latin-script words a Persian page may show: proper names and names of files or formats.
_ALLOWED_LATIN = {"bpr", "Doing", "Business", "BPMN", "PNML", "JSON", "CSV", "SVG"}
_FILE = re.compile(r"^[\w.+-]+\.(csv|gz|xes|parquet|bpmn|json|pnml|txt|xlsx|html|svg)$", re.I)


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


@pytest.fixture(scope="module")
def bare():
    """A log with nothing but its activities and times: no procedure, no annotations, no
    simulation; most typed fields are unknown."""
    events = pd.DataFrame(
        {
            "case": ["1", "1", "1", "2", "2", "2"],
            "activity": ["Receive", "Review", "Close"] * 2,
            "timestamp": pd.to_datetime(
                [
                    *("2024-01-06 09:00", "2024-01-07 10:00", "2024-01-08 11:00"),
                    *("2024-01-06 12:00", "2024-01-09 10:00", "2024-01-09 11:30"),
                ]
            ).tz_localize("UTC"),
        }
    )
    return analyze(events, simulate=False)


def shown(text: str) -> float:
    """A number as the page shows it, back to a float (durations in seconds, shares 0-1)."""
    # Persian digits back to Latin; no thousands separators, no isolates around a sign.
    text = re.sub("[,\u2066\u2069]", "", text.translate(_LATIN)).strip()
    number, _, unit = text.partition(" ")
    if number.endswith("%"):
        return float(number[:-1]) / 100
    return float(number) * _UNITS.get(unit, 1.0)


def expected(value, unit: str, scale: str | None = None) -> float:
    """What the page shows for a value, rounded as displayed (durations in seconds).

    ``unit`` is the unit of :meth:`Analysis.summary` (days are shown in days); a duration is
    shown in its table's ``scale`` ("days" or "h"), else in days from one day up.
    """
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        per = _UNITS[scale or ("days" if abs(seconds) >= 86400 else "h")]
        return round(seconds / per, 2) * per
    if unit == "days":
        return round(value, 2) * 86400.0
    if unit == "share":
        return round(value * 100, 1) / 100
    return round(value, 2)


def cells(page: str, rows: str, key: str) -> dict[str, list[str]]:
    """Row key (its ``key`` attribute) -> the texts of the row's cells, for the rows at the
    XPath ``rows``."""
    tree = lxml_html.fromstring(page)
    return {row.get(key): [c.text_content() for c in row.xpath("./td")] for row in tree.xpath(rows)}


def figures(page: str, rows: str, key: str) -> dict[str, list[tuple[str, str]]]:
    """Like :func:`cells`, each cell split into its figure and the reason shown beside it
    when the figure is unknown (``""`` when there is none)."""
    tree = lxml_html.fromstring(page)
    found = {}
    for row in tree.xpath(rows):
        parts = []
        for cell in row.xpath("./td"):
            why = " ".join(s.text_content() for s in cell.xpath("./small[@class='why']"))
            parts.append(((cell.text or "").strip(), why))
        found[row.get(key)] = parts
    return found


def figure(cell: str) -> str:
    """The figure of a cell's text, without the unit-less reason beside an unknown one."""
    return cell.split("unknown")[0].split("نامشخص")[0].strip()


def visible(page: str) -> str:
    """The text a reader sees: the body, diagrams included, without code, file names and
    tooltips."""
    tree = lxml_html.fromstring(page)
    for hidden in tree.xpath("//style | //code | //bdi[@class='file'] | //title"):
        hidden.drop_tree()
    return " ".join(tree.find("body").itertext())


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
    assert "@media print" in page and "A4 landscape" in page


def test_every_section_is_there_in_reading_order(pages):
    tree = lxml_html.fromstring(pages["en"])
    ids = [s.get("id") for s in tree.xpath("//section")]
    assert ids == [
        "headline",
        "summary",
        "as-is",
        "length",
        "gaps",
        "redesign",
        "findings",
        "comparison",
        "simulation",
        "data",
        "glossary",
    ]
    assert [a.get("href") for a in tree.xpath("//nav//a")] == [f"#{i}" for i in ids]


# -- the headline -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_headline_shows_what_a_director_reads_as_is_and_to_be(analysis, pages, lang):
    rows = cells(pages[lang], "//tr[@data-headline]", "data-headline")
    assert list(rows) == ["visits", "steps", "cycle_time_mean", "documents"]
    lengths = (analysis.length, analysis.as_is_length, analysis.to_be_length)
    for metric, texts in rows.items():
        values = [getattr(length, metric) for length in lengths]
        days = [v.total_seconds() / 86400 if isinstance(v, timedelta) else v for v in values]
        for text, value in zip(texts[:3], days, strict=True):
            if value is None:
                assert figure(text) == "—", metric
            else:
                assert shown(text) == pytest.approx(round(value, 2)), metric
        if None in days[1:]:
            assert texts[3].strip() == "—"
        else:
            assert shown(texts[3]) == pytest.approx(round(days[2] - days[1], 2), abs=0.011)
    # The headline comes before every detailed table.
    tree = lxml_html.fromstring(pages[lang])
    assert tree.xpath("//table")[0].get("class") == "headline"


def test_an_unknown_figure_shows_a_dash_and_why_never_zero(bare):
    # Nothing in the bare log says where the citizen must be: the visits are unknown.
    missing = bare.as_is_length.unknown["visits"]
    assert missing.fields == ("citizen_present",)
    n, of = len(missing.steps), missing.of
    reasons = {
        "en": f"unknown: citizen presence not given for {n} of {of} steps",
        "fa": "نامشخص: حضور شهروند داده نشده برای " + f"{n} از {of} گام".translate(_PERSIAN),
    }
    for lang, reason in reasons.items():
        rows = figures(report(bare, lang=lang).html, "//tr[@data-headline]", "data-headline")
        assert rows["visits"][1] == ("—", reason)


def test_no_metric_with_unknown_inputs_is_shown_as_zero(bare):
    page = report(bare).html
    both = (bare.as_is_length, bare.to_be_length)
    tables = {
        "headline": ("data-headline", (bare.length, *both)),
        "length": ("data-metric", (bare.length, *both)),
        "compared": ("data-metric", both),
    }
    unknown = 0
    for table, (key, lengths) in tables.items():
        rows = figures(page, f"//table[@class='{table}']//tr[@{key}]", key)
        for metric, parts in rows.items():
            for length, (shown_figure, why) in zip(lengths, parts[: len(lengths)], strict=True):
                if getattr(length, metric) is None:
                    unknown += 1
                    assert shown_figure == "—", (table, metric)
                    assert why.startswith(("unknown", "not applicable")), (table, metric)
                else:
                    assert why == "", (table, metric)
    assert bare.length.visits is None and unknown > 20  # nothing says where the citizen is


# -- the numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_summary_numbers_are_the_analysis_numbers(analysis, pages, lang):
    rows = cells(pages[lang], "//tr[@data-figure]", "data-figure")
    summary = analysis.summary()
    assert list(rows) == list(summary.index)
    for key, (value, unit) in summary[["value", "unit"]].iterrows():
        if value is None or value != value:
            assert rows[key][0] == "—"
            continue
        assert shown(rows[key][0]) == pytest.approx(expected(value, unit)), key


def test_length_table_shows_log_and_model_values_in_one_time_unit(analysis, pages):
    rows = cells(pages["en"], "//table[@class='length']//tr[@data-metric]", "data-metric")
    assert list(rows) == list(METRICS)
    for metric in ("steps", "visits", "handoffs", "procedures"):
        log, as_is, to_be = (shown(c) for c in rows[metric])
        assert log == pytest.approx(round(getattr(analysis.length, metric), 2))
        assert as_is == pytest.approx(round(getattr(analysis.as_is_length, metric), 2))
        assert to_be == pytest.approx(round(getattr(analysis.to_be_length, metric), 2))
    times = [figure(c) for m in METRICS for c in rows[m] if figure(c).endswith((" days", " h"))]
    units = {t.rsplit(" ", 1)[1] for t in times}
    assert len(times) > 10 and len(units) == 1  # one unit for the whole table
    scale = units.pop()
    cycle = shown(rows["cycle_time_mean"][0])
    assert cycle == pytest.approx(expected(analysis.length.cycle_time_mean, "", scale))
    assert shown(rows["waiting_share"][0]) == pytest.approx(
        expected(analysis.length.waiting_share, "share")
    )


def test_every_time_figure_names_its_statistic(pages):
    tree = lxml_html.fromstring(pages["en"])
    labels = tree.xpath(
        "//table[@class='length' or @class='compared' or @class='simulation']"
        "//tr[@data-metric]/th/text()"
    )
    timed = [label for label in labels if "time" in label and "share" not in label]
    assert timed and all(
        any(s in label for s in ("median", "mean", "percentile")) for label in timed
    ), timed


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
    scale = {figure(rows[m][0]).rsplit(" ", 1)[1] for m in rows}
    assert len(scale) == 1
    scale = scale.pop()
    for metric, difference in differences.items():
        before, _, change, interval = rows[metric]
        assert shown(change) == pytest.approx(expected(difference.value, "", scale))
        low, high = (shown(part) for part in interval.split(" … "))
        assert low == pytest.approx(expected(difference.low, "", scale))
        assert high == pytest.approx(expected(difference.high, "", scale))
        as_is = getattr(analysis.simulation.as_is, metric).value
        assert shown(before) == pytest.approx(expected(as_is, "", scale))


def test_the_models_fidelity_to_its_log_is_shown_next_to_the_as_is(analysis, monkeypatch):
    """The figures of the check (bpr.Fidelity.summary), observed and estimated, each with its
    verdict; a model that strays says how many figures do."""
    module = sys.modules["bpr.report"]  # bpr.report is also the function's name
    figures = pd.DataFrame(
        {
            "log": [0.913, 1.0, 5.98, 0.17, 5.41, float("nan")],
            "model": [0.334, 1.0, 5.98, 0.18, 4.34, 1.63],
            "tolerance": ["0.02", "3 %", "3 %", "10 %", "10 %", "25 %"],
            "verdict": ["beyond", "within", "within", "within", "beyond", "unknown"],
        },
        index=pd.Index(
            [
                "share of cases, furthest: Photocopy the documents",
                "executions, furthest: Check the documents",
                "steps",
                "rework",
                "cycle_time_mean",
                "cycle_time_median",
            ],
            name="figure",
        ),
    )

    class Check:
        def summary(self):
            return figures

    with_check = SimpleNamespace(fidelity=Check(), as_is=analysis.as_is)
    view = module._fidelity(with_check, _Words("en"), {})
    assert view["beyond"] == "2"
    assert [(r["label"], r["log"], r["model"], r["verdict"]) for r in view["rows"]] == [
        (
            "share of cases, furthest from the log: Photocopy the documents",
            "91.3%",
            "33.4%",
            "beyond tolerance",
        ),
        ("executions per case, furthest from the log: Check the documents", "1", "1",
         "within tolerance"),
        ("steps per case", "5.98", "5.98", "within tolerance"),
        ("repeated steps per case", "0.17", "0.18", "within tolerance"),
        ("cycle time, mean", "5.41 days", "4.34 days", "beyond tolerance"),
        ("cycle time, median", "—", "1.63 days", "unknown"),
    ]  # fmt: skip
    persian = module._fidelity(with_check, _Words("fa"), {"Photocopy the documents": "کپی"})
    assert persian["rows"][0]["label"].endswith(": کپی") and persian["beyond"] == "۲"
    # No check, no section; with one, it is on the page next to the as-is drawing.
    assert module._fidelity(SimpleNamespace(as_is=SimpleNamespace()), _Words("en"), {}) is None
    monkeypatch.setattr(module, "_fidelity", lambda *_: view)
    section = lxml_html.fromstring(report(analysis).html).xpath("//section[@id='as-is']")[0]
    rows = section.xpath(".//table[@class='fidelity']/tbody/tr")
    assert len(rows) == 6 and [r.get("class") for r in rows].count("beyond") == 2
    assert "2 figures of the model are further from the log" in section.text_content()


# -- proposals and findings -------------------------------------------------------------------


def test_each_proposal_appears_once_applied_first_with_why_not(analysis, pages):
    tree = lxml_html.fromstring(pages["en"])
    rows = tree.xpath("//table[@class='proposals']/tbody/tr")
    proposals = analysis.redesign.proposals
    assert len(rows) == len(proposals) == len({(p.heuristic, p.step_ids) for p in proposals})
    applied = [r.get("class") == "applied" for r in rows]
    assert applied == sorted(applied, reverse=True)
    assert sum(applied) == len(analysis.redesign.plan)
    by_change = {(r.get("data-heuristic"), r.xpath("./td")[2].text_content()): r for r in rows}
    for p in proposals:
        row = by_change[(p.heuristic, " · ".join(p.targets))]
        status = row.xpath("./td[@class='status']")[0].text_content()
        if p.applied:
            assert status == "applied"
        else:
            assert status.startswith(
                {
                    "legal_change": "not applied: needs a legal change",
                    "no_gain": "not applied: no gain",
                    "dominated": "not applied: the applied changes already give its effect",
                    "conflict": "not applied: another applied change",
                    "locked": "not applied: the step is locked",
                }[p.not_applied]
            )
        evidence = row.xpath(".//ul[@class='evidence']/li")
        assert len(evidence) == len(p.evidence)
    assert set(NOT_APPLIED) >= {p.not_applied for p in proposals if not p.applied}


def test_proposals_speak_words_not_codes(analysis, pages):
    tree = lxml_html.fromstring(pages["en"])
    rows = tree.xpath("//table[@class='proposals']/tbody/tr")
    names = [r.xpath("./td")[1].text_content() for r in rows]
    codes = [r.xpath("./td")[1].get("title") for r in rows]
    assert "E-inquiry instead of paper" in names and "e_inquiry" not in names
    assert set(codes) == {p.heuristic for p in analysis.redesign.proposals}  # in the tooltip
    reasons = " ".join(r.xpath(".//p[@class='reason']")[0].text_content() for r in rows)
    assert not re.search(r"\b(back_office|front_office|in_person|external_agency)\b", reasons)


def test_persian_reasons_are_persian_and_name_their_steps(analysis, pages):
    tree = lxml_html.fromstring(pages["fa"])
    rows = tree.xpath("//table[@class='proposals']/tbody/tr")
    persian = {s.name: s.name_fa for s in analysis.as_is.steps if s.name_fa}
    for row, p in zip(rows, _ranked(analysis), strict=True):
        reason = row.xpath(".//p[@class='reason']")[0].text_content()
        assert not re.search("[A-Za-z]", reason), reason
        assert all(f"«{persian[n]}»" in reason for n in p.targets if n in persian), reason


def _ranked(analysis):
    return sorted(
        analysis.redesign.proposals,
        key=lambda p: (not p.applied, not p.needs_legal_change, p.score_change),
    )


def test_findings_list_the_undocumented_steps_with_their_frequency(analysis, pages):
    tree = lxml_html.fromstring(pages["en"])
    rows = tree.xpath("//table[@class='findings']/tbody/tr")
    findings = analysis.redesign.findings
    assert len(rows) == len(findings)
    undocumented = [f for f in findings if f.kind == "undocumented"]
    shown_rows = [r for r in rows if r.get("data-finding") == "undocumented"]
    assert len(shown_rows) == len(undocumented) >= 1
    for row, finding in zip(shown_rows, undocumented, strict=True):
        texts = [c.text_content() for c in row.xpath("./td")]
        assert texts[1] == "; ".join(finding.steps)
        assert shown(texts[2]) == pytest.approx(round(finding.cases_share, 3))
        assert "ask the agency whether a law" in texts[5].lower()


# -- empty sections say why -------------------------------------------------------------------


def test_empty_sections_say_why_and_what_would_fill_them(bare):
    for lang in ("en", "fa"):
        page = report(bare, lang=lang).html
        tree = lxml_html.fromstring(page)
        gaps = tree.xpath("//section[@id='gaps']")[0]
        assert "--documented FILE" in gaps.text_content()
        simulation = tree.xpath("//section[@id='simulation']")[0]
        assert "--no-simulate" in simulation.text_content()
    page = report(bare).html
    tree = lxml_html.fromstring(page)
    redesign = tree.xpath("//section[@id='redesign']")[0].text_content()
    assert bare.redesign.proposals == ()  # nothing is known enough to change
    assert "No change was proposed." in redesign
    unknown = cells(page, "//table[@class='unknown-fields']//tr[@data-field]", "data-field")
    steps = bare.as_is.steps
    for field, (count,) in unknown.items():
        missing = sum(getattr(s, field) is None for s in steps)
        assert count == f"{missing} of {len(steps)}"
    assert {"citizen_present", "agency", "mandatory"} <= set(unknown)
    assert "--annotations FILE" in redesign
    # ... and the steps to review say which heuristic lacked which field
    rows = tree.xpath("//table[@class='findings']/tbody/tr[@data-finding='missing_fields']")
    assert len(rows) == len(bare.redesign.findings) > 0
    assert "No business calendar was chosen" in visible(page)


# -- words ------------------------------------------------------------------------------------


def test_no_code_names_in_the_prose(pages):
    text = visible(pages["en"])
    for code in ("steps_max", "back_office", "in_person", "e_inquiry", "typing_report"):
        assert code not in text
    assert not re.search(r"\b(None|nan|NaN)\b", text)
    assert not re.search(r"\b[a-z]+=", text.replace("n=", ""))  # no Python keyword advice
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text)  # no snake_case names


def test_code_names_are_in_the_glossary(analysis, pages):
    tree = lxml_html.fromstring(pages["en"])
    codes = tree.xpath("//table[@class='glossary']//code/text()")
    meanings = tree.xpath("//table[@class='glossary']//tr/td[2]/text()")
    meaning = dict(zip(codes, meanings, strict=True))
    assert meaning["cycle_time_median_h"] == "cycle time, median (in hours)"
    assert meaning["visits"] == "visits to an office per case"
    assert {p.heuristic for p in analysis.redesign.proposals} <= set(codes)
    # the names metrics.csv uses are all explained
    assert {csv_metric(m) for m in METRICS} <= set(codes)


def test_every_metric_has_a_label_and_a_definition_in_both_languages():
    for lang in ("en", "fa"):
        words = _Words(lang)
        terms = " ".join(entry["terms"] for entry in _definitions(words))
        for metric in METRICS:
            label = words.metric(metric)
            assert "_" not in label and label in terms, (lang, metric)


def test_every_assumption_of_the_analysis_is_written_for_a_reader(analysis, pages):
    notes = [
        *analysis.length.assumptions,
        *analysis.as_is_length.assumptions,
        *analysis.to_be_length.assumptions,
        *analysis.redesign.notes,
        *analysis.simulation.as_is.assumptions,
        *analysis.simulation.to_be.assumptions,
    ]
    for lang in ("en", "fa"):
        for note in notes:
            text, known = _assumption(note, _Words(lang), {})
            assert known, note
            assert "=" not in text.replace("burden =", "")
    rows = lxml_html.fromstring(pages["en"]).xpath("//table[@class='assumptions']/tbody/tr")
    assert any("EU Standard Cost Model" in r.text_content() for r in rows)
    assert all(r.xpath("./td")[1].text_content() for r in rows)  # each says where it applies


def test_the_business_calendar_is_named_and_figures_are_labelled_observed_or_estimated(
    analysis, pages
):
    lead = " ".join(lxml_html.fromstring(pages["en"]).xpath("//p[@class='lead']//text()"))
    assert "Business calendar:" in lead and analysis.calendar.describe("en") in lead
    assert "observed" in lead and "estimates" in lead
    assert analysis.calendar.describe("fa") in pages["fa"]
    heads = lxml_html.fromstring(pages["en"]).xpath("//table[@class='length']//thead//text()")
    assert "observed in the log" in heads and "as-is model (estimate)" in heads


# -- Persian ----------------------------------------------------------------------------------


def test_persian_page_is_right_to_left_with_persian_headings_and_digits(pages):
    tree = lxml_html.fromstring(pages["fa"])
    assert tree.get("dir") == "rtl" and tree.get("lang") == "fa"
    headings = [h.text_content() for h in tree.xpath("//h2")]
    assert headings[0] == "در یک نگاه" and "شبیه‌سازی" in headings
    numbers = [c[0] for c in cells(pages["fa"], "//tr[@data-figure]", "data-figure").values()]
    assert numbers[0] == "۶۰"  # cases
    assert not any(re.search(r"[0-9]", n) for n in numbers)
    # the diagrams read right to left too: their text is marked so
    svg_text = tree.xpath("//div[@class='diagram']//*[local-name()='text'][@direction='rtl']")
    assert len(svg_text) > 20


def test_the_persian_page_has_no_english_sentence(pages):
    """Every Latin-script word a reader sees is a proper name or a file name."""
    words = re.findall(r"[A-Za-z][A-Za-z0-9_.+\-]*", visible(pages["fa"]))
    stray = [w for w in words if w not in _ALLOWED_LATIN and not _FILE.match(w)]
    assert stray == []


def test_words_format_numbers_per_language():
    en, fa = _Words("en"), _Words("fa")
    assert en.number(12345.678) == "12,345.68" and fa.number(12345.678) == "۱۲٬۳۴۵٫۶۸"
    assert en.number(7.0) == "7" and en.number(None) == "—"
    assert en.share(0.1234) == "12.3%" and fa.share(0.5) == "۵۰٫۰٪"
    assert en.duration(timedelta(hours=36)) == "1.50 days"
    assert en.duration(timedelta(hours=6), unit="days") == "0.25 days"
    assert fa.duration(timedelta(minutes=90)) == "۱٫۵۰ ساعت"
    assert en.duration(timedelta(hours=-2), signed=True) == "-2.00 h"
    assert en.signed(1.5) == "+1.50" and en.signed(-1.0) == "-1" and en.signed(0.0) == "0"
    # A sign keeps its place left of the number in a right-to-left line.
    assert fa.signed(-5.0) == "\u2066-۵\u2069" and fa.signed(2.5) == "\u2066+۲٫۵۰\u2069"


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
