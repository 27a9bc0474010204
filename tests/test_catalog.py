"""The service catalogue (bpr.catalog) against a five-service catalogue worked out by hand.

The hand computation. Every service's step table has, in order: (for A only) "Fetch land
deed" in person at Registry, producing the deed; "Submit application" in person at the
service's agency (documents: ID card, and the deed for A); one in-person "Pay fee i" at
"Bank i" per fee; "Review" in the back office; "Collect permit" in person at the agency. A
visit is a run of consecutive in-person steps at one place, so the as-is has
fetch + 1 + fees + 1 visits. The redesign moves the submission and the payments online
(channel shift) and makes A's fetch an e-inquiry from the agency to Registry; only the
collection stays: 1 visit. Documents the citizen brings: the ID card (A's deed is then
fetched by the agency, before that produced by a step of the process): 1 per case as-is and
to-be. Burden per case = visits × 1.5 h + documents × 2 h.

=======  =========  ====  =====  =====  =====  =====  ================  ======
service  frequency  fees  fetch  as-is  to-be  saved  removed per year  effort
=======  =========  ====  =====  =====  =====  =====  ================  ======
A        1000       1     yes    4      1      3      3000              3
B        375        3     no     5      1      4      1500              0
C        500        2     no     4      1      3      1500              1
D        300        card only, visits 4: no process, listed last
E        unknown    1     no     3      1      2      unknown: last
=======  =========  ====  =====  =====  =====  =====  ================  ======

Effort: A integrates Registry (1 agency, the link Municipality → Registry) and changes the
submission, which has a legal basis (1); B's submission has none (0); C's has one (1).
Order: A (3000), B (1500, effort 0), C (1500, effort 1); then D and E with their reasons.
"""

from __future__ import annotations

import datetime as dt
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

import bpr
from bpr import Catalog, CatalogError, Service, ServiceCard, read_catalog, write_catalog
from bpr.catalog import CatalogWarning, card_frame
from bpr.step_table import read_steps

DATA = Path(__file__).parent / "data" / "catalog"
HOURS_PER_VISIT = 1.5  # travel 1 h + queue 0.5 h (bpr.measure's defaults)
HOURS_PER_DOCUMENT = 2.0


def steps_table(fees: int, agency: str, *, legal: bool = True, fetch: bool = False) -> pd.DataFrame:
    rows = []
    if fetch:
        rows.append(
            {"step": "Fetch land deed", "kind": "issue", "actor": "citizen", "agency": "Registry",
             "channel": "in_person", "citizen_present": "yes", "documents_in": "none",
             "documents_out": "deed"}
        )  # fmt: skip
    rows.append(
        {"step": "Submit application", "kind": "submit", "actor": "citizen", "agency": agency,
         "channel": "in_person", "citizen_present": "yes", "mandatory": "yes",
         "legal_basis": "Act 1" if legal else "",
         "documents_in": "ID card" + ("; deed" if fetch else "")}
    )  # fmt: skip
    for i in range(fees):
        rows.append(
            {"step": f"Pay fee {i}", "kind": "pay", "actor": "citizen", "agency": f"Bank {i}",
             "channel": "in_person", "citizen_present": "yes", "mandatory": "yes",
             "documents_in": "none"}
        )  # fmt: skip
    rows.append(
        {"step": "Review", "kind": "verify", "actor": "back_office", "agency": agency,
         "channel": "internal", "citizen_present": "no", "mandatory": "yes"}
    )  # fmt: skip
    rows.append(
        {"step": "Collect permit", "kind": "issue", "actor": "citizen", "agency": agency,
         "channel": "in_person", "citizen_present": "yes", "mandatory": "yes",
         "legal_basis": "Act 2", "documents_in": "none"}
    )  # fmt: skip
    return pd.DataFrame(rows).fillna("")


# id: (frequency, fees, agency, legal basis on submit, fetches a deed)
FIVE = {
    "A": (1000, 1, "Municipality", True, True),
    "B": (375, 3, "Municipality", False, False),
    "C": (500, 2, "Registry", True, False),
    "E": (None, 1, "Registry", True, False),
}


def five() -> Catalog:
    services = [
        Service(
            sid,
            card=ServiceCard(sid, f"Service {sid}", agency=agency, frequency=frequency),
            process=read_steps(steps_table(fees, agency, legal=legal, fetch=fetch), name=sid),
            process_from="steps",
        )
        for sid, (frequency, fees, agency, legal, fetch) in FIVE.items()
    ]
    card = ServiceCard("D", "Service D", agency="Tax", frequency=300, visits=4)
    return Catalog([*services, Service("D", card=card)])


def hand_visits(fees: int, fetch: bool) -> int:
    return int(fetch) + 1 + fees + 1


# -- the data model --------------------------------------------------------------------------


def test_services_are_ordered_by_id_and_ids_are_unique():
    catalog = five()
    assert [s.id for s in catalog.services] == ["A", "B", "C", "D", "E"]
    assert catalog.agencies == ("Municipality", "Registry", "Tax")
    with pytest.raises(CatalogError, match="'A': id appears twice"):
        Catalog([Service("A"), Service("A")])
    with pytest.raises(CatalogError, match="no service 'Z'"):
        catalog.service("Z")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("frequency", -5, "frequency -5.0 is impossible"),
        ("visits", float("nan"), "visits nan is impossible"),
        ("time_days", "soon", "time_days 'soon' is not a number"),
        ("level", "galactic", "level 'galactic' is not one of"),
        ("request", "maybe", "request 'maybe' is not yes/no"),
        ("registered", "1403/01/01", "registered '1403/01/01' is not a date"),
    ],
)
def test_a_card_with_an_impossible_value_names_the_service_and_field(field, value, message):
    with pytest.raises(CatalogError, match=f"service 'S9': {message}"):
        ServiceCard("S9", "Permit", **{field: value})


def test_a_service_says_where_its_process_came_from():
    process = read_steps(steps_table(1, "City"), name="P")
    with pytest.raises(CatalogError, match="process_from"):
        Service("S1", process=process)
    with pytest.raises(CatalogError, match="process_from"):
        Service("S1", process_from="steps")


# -- length and yearly burden ----------------------------------------------------------------


def test_length_per_service_equals_the_hand_computation():
    frame = five().length().to_frame()
    for sid, (frequency, fees, _, _, fetch) in FIVE.items():
        visits = hand_visits(fees, fetch)
        row = frame.loc[sid]
        assert row["visits"] == visits and row["visits_level"] == "steps"
        assert row["documents"] == 1
        assert row["citizen_hours"] == pytest.approx(
            visits * HOURS_PER_VISIT + 1 * HOURS_PER_DOCUMENT
        )
        if frequency is None:
            assert pd.isna(row["visits_per_year"]) and pd.isna(row["hours_per_year"])
        else:
            assert row["visits_per_year"] == frequency * visits
            assert row["documents_per_year"] == frequency
    d = frame.loc["D"]
    assert (d["visits"], d["visits_level"], d["visits_per_year"]) == (4, "card", 1200)
    assert pd.isna(d["steps"]) and pd.isna(d["steps_level"])  # a card declares no steps


def test_agency_totals_leave_unknown_figures_out_and_say_how_many_they_cover():
    agencies = five().length().by_agency
    # Municipality: A 1000 × 4 + B 375 × 5; Registry: C 500 × 4, E's frequency is unknown.
    assert agencies.loc["Municipality", "visits_per_year"] == 1000 * 4 + 375 * 5
    assert agencies.loc["Municipality", "visits_per_year_services"] == 2
    assert agencies.loc["Registry", "visits_per_year"] == 500 * 4
    assert agencies.loc["Registry", "visits_per_year_services"] == 1
    assert agencies.loc["Registry", "services"] == 2
    # D's card declares visits but no documents: its documents a year are unknown, not 0.
    assert pd.isna(agencies.loc["Tax", "documents_per_year"])
    assert agencies.loc["Tax", "documents_per_year_services"] == 0


def test_stages_come_from_the_card_else_from_the_steps_channels():
    card = ServiceCard("S1", "Permit", request=True)
    process = read_steps(steps_table(1, "City"), name="P")
    catalog = Catalog(
        [
            Service("S1", card=card, process=process, process_from="steps"),
            Service("S2", process=process, process_from="steps"),
            Service("S3", card=ServiceCard("S3", "Licence")),
        ]
    )
    frame = catalog.length().to_frame()
    assert (frame.loc["S1", "request"], frame.loc["S1", "request_level"]) == (True, "card")
    # The submission is in person: the request stage is not electronic, says the step table.
    assert (frame.loc["S2", "request"], frame.loc["S2", "request_level"]) == (False, "steps")
    # No notification step: whether the service informs electronically is unknown.
    assert frame.loc["S2", "informing"] is None
    assert frame.loc["S3", "production"] is None and pd.isna(frame.loc["S3", "production_level"])


# -- priorities ------------------------------------------------------------------------------


def test_priority_order_and_yearly_savings_equal_the_hand_computation():
    priorities = five().prioritize()
    assert priorities.by == "visits"
    assert priorities.order == ("A", "B", "C")
    frame = priorities.to_frame()
    assert list(frame.index) == ["A", "B", "C", "D", "E"]
    for sid, (frequency, fees, _, _, fetch) in FIVE.items():
        saved = hand_visits(fees, fetch) - 1
        row = frame.loc[sid]
        assert (row["visits_as_is"], row["visits_to_be"], row["visits_saved"]) == (
            saved + 1,
            1,
            saved,
        )
        assert row["hours_saved"] == pytest.approx(saved * HOURS_PER_VISIT)
        assert row["documents_saved"] == 0
        if frequency is not None:
            assert row["visits_removed"] == frequency * saved
    assert [frame.loc[s, "rank"] for s in "ABC"] == [1, 2, 3]
    assert list(frame["effort"].iloc[:3]) == [3, 0, 1]
    assert frame.loc["A", "agencies_to_integrate"] == "Registry"
    assert frame.loc["A", "links"] == "Municipality → Registry"
    assert "e_inquiry" in frame.loc["A", "visits_proposals"]
    assert frame.loc["A", "proposals"].count("channel_shift") == 2  # submit and the fee
    assert "Submit application" in frame.loc["C", "legal_review"]
    assert frame.loc["B", "legal_review"] == ""
    assert pd.isna(frame.loc["D", "rank"]) and "no process" in frame.loc["D", "reason"]
    assert pd.isna(frame.loc["E", "rank"]) and "frequency unknown" in frame.loc["E", "reason"]
    assert pd.isna(frame.loc["E", "visits_removed"]) and frame.loc["E", "visits_saved"] == 2


def test_priorities_rank_by_the_measure_asked_for():
    catalog = five()
    hours = catalog.prioritize(by="hours")
    assert hours.by == "hours"
    assert hours.to_frame().loc["A", "hours_removed"] == pytest.approx(1000 * 3 * 1.5)
    assert catalog.prioritize(objectives={"cycle_time": 5.0, "visits": 1.0}).by == "days"
    with pytest.raises(CatalogError, match="rank by one of"):
        catalog.prioritize(by="smiles")


def test_the_priority_chart_places_every_ranked_service():
    svg = five().prioritize().chart()
    assert svg.startswith("<svg") and svg.count("<circle") == 3
    assert ">A</text>" in svg and ">D</text>" not in svg
    assert "<svg" in five().prioritize()._repr_html_()


# -- files -----------------------------------------------------------------------------------


def test_english_and_persian_cards_read_the_same_with_jalali_dates():
    english, persian = read_catalog(DATA / "en"), read_catalog(DATA / "fa")
    assert [s.card for s in english.services] == [s.card for s in persian.services]
    s1 = persian.service("S1").card
    assert s1.registered == dt.date(2024, 3, 20)  # 1403/01/01
    assert s1.documents == ("ID card", "land deed")  # the Persian comma separates
    assert (s1.frequency, s1.visits, s1.type, s1.level) == (1200, 3, "G2C", "city")
    assert (s1.informing, s1.request, s1.production) == (True, False, False)
    assert persian.service("S2").card.registered == dt.date(2023, 9, 23)  # 1402/07/01
    s3 = persian.service("S3").card
    assert s3.visits is None and s3.documents is None and s3.informing is None


def test_a_folder_matches_step_tables_and_logs_by_id():
    catalog = read_catalog(DATA / "en")
    assert catalog.service("S1").process_from == "steps"
    assert catalog.service("S2").process_from == "log"  # discovered from its log
    assert catalog.service("S3").process is None
    assert catalog.service("S2").log is None  # the log is measured and let go
    assert catalog.log_files["S2"].endswith("S2.csv")
    frame = catalog.length().to_frame()
    # S1 by hand: Registry, Municipality, Bank, (review), Municipality = 4 visits; the deed is
    # fetched by the citizen: 1 document (ID card); burden 4 × 1.5 + 2 = 8 h.
    assert (frame.loc["S1", "visits"], frame.loc["S1", "citizen_hours"]) == (4, 8)
    assert frame.loc["S1", "visits_per_year"] == 1200 * 4
    assert (frame.loc["S2", "visits"], frame.loc["S2", "visits_level"]) == (2, "log")


def test_a_warning_about_a_log_names_its_service(monkeypatch):
    import bpr.log

    read = bpr.log.read_log

    def warning_read(path, **options):
        warnings.warn("the log looks odd", bpr.FidelityWarning, stacklevel=2)
        return read(path, **options)

    monkeypatch.setattr(bpr.log, "read_log", warning_read)
    with pytest.warns(bpr.FidelityWarning, match=r"^service S2 \(S2\.csv\): the log looks odd$"):
        read_catalog(DATA / "en")


def test_read_options_reach_every_log_of_the_catalogue():
    with pytest.raises(CatalogError, match=r"S2.*memory_limit='50MB' is too small"):
        read_catalog(DATA / "en", read={"memory_limit": "50MB"})
    bounded = read_catalog(DATA / "en", read={"memory_limit": "500MB"})
    assert bounded.observed("S2") == read_catalog(DATA / "en").observed("S2")


def test_declared_versus_observed_from_the_log():
    frame = read_catalog(DATA / "en").declared_vs_observed().to_frame()
    # S2's log: two cases, each submitted and collected in person on different days (2 visits),
    # 3 events, two days from submission to collection. The card declares 1 visit, 2 days.
    assert list(frame.index.get_level_values("id").unique()) == ["S2"]
    visits = frame.loc[("S2", "visits")]
    assert (visits["declared"], visits["observed"], visits["difference"]) == (1, 2, 1)
    assert visits["beyond"] is True or visits["beyond"] == True  # noqa: E712
    time = frame.loc[("S2", "time_days")]
    assert (time["observed"], time["beyond"]) == (2, False)
    steps = frame.loc[("S2", "steps")]
    assert steps["observed"] == 3 and steps["beyond"] is None
    assert steps["note"] == "declared unknown"


def test_write_and_read_round_trip(tmp_path):
    catalog = five()
    folder = write_catalog(catalog, tmp_path / "province")
    back = read_catalog(folder)
    assert [s.card for s in back.services] == [s.card for s in catalog.services]
    for old, new in zip(catalog.services, back.services, strict=True):
        assert new.process_from == old.process_from
        if old.process is not None:
            assert [s.name for s in new.process.steps] == [s.name for s in old.process.steps]
            assert new.process.flows == old.process.flows
    assert back.prioritize().order == catalog.prioritize().order
    book = write_catalog(catalog, tmp_path / "province.xlsx")
    assert [s.card for s in read_catalog(book).services] == [s.card for s in catalog.services]
    assert book.read_bytes() == write_catalog(catalog, tmp_path / "again.xlsx").read_bytes()


def test_a_sample_folder_round_trips_with_its_log(tmp_path):
    catalog = read_catalog(DATA / "fa")
    back = read_catalog(write_catalog(catalog, tmp_path / "copy"))
    assert [s.card for s in back.services] == [s.card for s in catalog.services]
    assert back.observed("S2").visits == catalog.observed("S2").visits == 2
    with pytest.raises(CatalogError, match="not the models or logs of S2"):
        write_catalog(catalog, tmp_path / "book.xlsx")


def test_a_service_without_a_card_round_trips(tmp_path):
    process = read_steps(steps_table(1, "City"), name="S7")
    catalog = Catalog([Service("S7", process=process, process_from="steps")])
    back = read_catalog(write_catalog(catalog, tmp_path / "c"))
    assert back.service("S7").card is None and back.service("S7").process_from == "steps"


# -- bad catalogues: one clear error each ----------------------------------------------------


def cards_folder(tmp_path: Path, frame: pd.DataFrame) -> Path:
    folder = tmp_path / "bad"
    folder.mkdir()
    frame.to_csv(folder / "cards.csv", index=False)
    return folder


@pytest.mark.parametrize(
    ("cards", "message"),
    [
        ({"id": ["S1", "S1"], "title": ["a", "b"]},
         r"rows 2 and 3, column 'id'.*'S1' appears twice"),
        ({"id": ["S1"], "title": ["a"], "colour": ["red"]},
         r"unknown column\(s\) 'colour'.*id, title"),
        ({"id": ["S1", "S2"], "title": ["a", "b"], "frequency": ["1", "-3"]},
         r"row 3: service 'S2': frequency -3.0 is impossible"),
        ({"id": ["S1"], "title": ["a"], "visits": ["two"]}, r"row 2, column 'visits'"),
        ({"id": ["S1"], "title": ["a"], "request": ["perhaps"]}, r"row 2, column 'request'"),
        ({"id": ["S1"], "title": ["a"], "registered": ["1402/12/30"]},
         r"row 2, column 'registered'.*not a Jalali date"),
        ({"id": ["S1"], "title": [""]}, r"row 2, column 'title': blank"),
        ({"id": ["S1"], "title": ["a"], "steps": ["steps/nowhere.csv"]},
         r"row 2, column 'steps': no file 'steps/nowhere.csv'"),
        ({"title": ["a"]}, r"no 'id' column"),
    ],
)  # fmt: skip
def test_a_bad_cards_table_gets_one_error_naming_row_and_column(tmp_path, cards, message):
    folder = cards_folder(tmp_path, pd.DataFrame(cards))
    with pytest.raises(CatalogError, match=message):
        read_catalog(folder)


def test_unknown_agencies_are_refused_when_the_agencies_are_known(tmp_path):
    folder = cards_folder(
        tmp_path, pd.DataFrame({"id": ["S1"], "title": ["a"], "depends_on": ["Registry; Mars"]})
    )
    with pytest.raises(CatalogError, match=r"row 2, column 'depends_on': unknown agency 'Mars'"):
        read_catalog(folder, agencies=["Registry"])
    pd.DataFrame({"agency": ["Registry"]}).to_csv(folder / "agencies.csv", index=False)
    with pytest.raises(CatalogError, match="unknown agency 'Mars'"):
        read_catalog(folder)
    assert read_catalog(folder, agencies=["Registry", "Mars"]).agencies == ("Mars", "Registry")


def test_a_card_declaring_more_visits_than_its_process_has_steps_is_refused(tmp_path):
    folder = cards_folder(tmp_path, pd.DataFrame({"id": ["S1"], "title": ["a"], "visits": ["9"]}))
    (folder / "steps").mkdir()
    steps_table(1, "City").to_csv(folder / "steps" / "S1.csv", index=False)
    with pytest.raises(CatalogError, match=r"row 2, column 'visits': 9 visits.*at most 4 steps"):
        read_catalog(folder)


def test_files_matching_no_card_are_reported_not_dropped(tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(DATA / "en", folder)
    shutil.copy(folder / "steps" / "S1.csv", folder / "steps" / "S99.csv")
    with pytest.warns(CatalogWarning, match="S99.csv"):
        catalog = read_catalog(folder)
    assert [Path(u).name for u in catalog.unmatched] == ["S99.csv"]


def test_a_step_table_and_a_model_for_one_service_is_an_error(tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(DATA / "en", folder)
    (folder / "models").mkdir()
    bpr.write_process(read_steps(folder / "steps" / "S1.csv"), folder / "models" / "S1.json")
    with pytest.raises(CatalogError, match="'S1' has both a step table and a model"):
        read_catalog(folder)


def test_a_broken_step_table_names_the_service_row_and_file(tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(DATA / "en", folder)
    pd.DataFrame({"step": ["Apply", "Issue"], "after": ["", "Review"]}).to_csv(
        folder / "steps" / "S1.csv", index=False
    )
    with pytest.raises(CatalogError, match=r"service 'S1' \(.*row 2\).*S1.csv"):
        read_catalog(folder)


def test_no_cards_table_and_missing_folder(tmp_path):
    with pytest.raises(CatalogError, match="one cards table"):
        read_catalog(tmp_path)
    with pytest.raises(CatalogError, match="no such catalogue"):
        read_catalog(tmp_path / "nowhere")


def test_an_empty_list_is_none_and_a_blank_is_unknown(tmp_path):
    cards = [
        ServiceCard("S1", "Permit", documents=(), visits=0, informing=False),
        ServiceCard("S2", "Licence"),
    ]
    frame = card_frame(cards)
    assert frame.loc[0, ["documents", "visits", "informing"]].tolist() == ["none", 0, "no"]
    assert frame.loc[1, "documents"] is None and frame.loc[0, "frequency"] is None
    back = read_catalog(write_catalog(Catalog([Service(c.id, card=c) for c in cards]), tmp_path))
    assert back.service("S1").card.documents == () and back.service("S2").card.documents is None
    assert back.service("S1").card == cards[0]


def test_an_empty_catalogue_writes_the_template(tmp_path):
    folder = write_catalog(Catalog([]), tmp_path / "template")
    header = (folder / "cards.csv").read_text(encoding="utf-8-sig").splitlines()
    assert header == [",".join(card_frame([]).columns)]
    assert header[0].startswith("id,title,") and "registered" in header[0]
    assert len(read_catalog(folder)) == 0
    assert len(read_catalog(write_catalog(Catalog([]), tmp_path / "template.xlsx"))) == 0


def test_constraints_pass_through_to_each_redesign():
    # Registry offline: A's deed cannot be asked for electronically, the citizen still fetches
    # it (4 - 2 = 2 visits saved, 1000 × 2 a year) and A has nothing to integrate.
    frame = five().prioritize(constraints={"offline_agencies": ["Registry"]}).to_frame()
    assert (frame.loc["A", "visits_saved"], frame.loc["A", "visits_removed"]) == (2, 2000)
    assert frame.loc["A", "agencies_to_integrate"] == "" and frame.loc["A", "effort"] == 1
    assert list(frame.index[:3]) == ["A", "B", "C"]


def test_a_workbook_reads_step_sheets_by_id_and_reports_the_others(tmp_path):
    book = tmp_path / "province.xlsx"
    cards = pd.DataFrame(
        {"id": ["S1", "S2"], "title": ["Permit", "Licence"], "agency": ["City"] * 2}
    )
    with pd.ExcelWriter(book) as writer:
        cards.to_excel(writer, sheet_name="cards", index=False)
        steps_table(1, "City").to_excel(writer, sheet_name="S1", index=False)
        steps_table(2, "City").to_excel(writer, sheet_name="S99", index=False)
        pd.DataFrame({"agency": ["City", "Bank 0"]}).to_excel(
            writer, sheet_name="agencies", index=False
        )
    with pytest.warns(CatalogWarning, match="sheet 'S99'"):
        catalog = read_catalog(book)
    assert catalog.unmatched == ("sheet 'S99'",)
    assert catalog.service("S1").process_from == "steps" and catalog.service("S2").process is None
    assert catalog.length().to_frame().loc["S1", "visits"] == hand_visits(1, fetch=False)
    cards.loc[1, "agency"] = "Town"
    with pd.ExcelWriter(book) as writer:
        cards.to_excel(writer, sheet_name="cards", index=False)
        pd.DataFrame({"agency": ["City"]}).to_excel(writer, sheet_name="agencies", index=False)
    with pytest.raises(CatalogError, match=r"sheet 'cards', row 3, column 'agency'.*'Town'"):
        read_catalog(book)


def test_an_unreadable_log_names_the_service_and_the_file(tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(DATA / "en", folder)
    (folder / "logs" / "S2.csv").write_text("who,when\nc1,2024-01-01\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"service 'S2' \(.*row 3\), .*S2.csv: "):
        read_catalog(folder)


def test_the_length_chart_has_a_bar_per_agency_and_no_bar_for_an_unknown_total():
    svg = five().length().chart("documents")
    # Municipality and Registry know their documents a year; Tax's card does not.
    assert svg.count("<rect") == 2
    assert "unknown (0 of 1)" in svg and "1,375 (2 of 2)" in svg  # 1000 + 375 documents
    with pytest.raises(CatalogError, match="chart one of"):
        five().length().chart("smiles")


def test_a_card_may_not_name_a_file_outside_its_folder(tmp_path):
    (tmp_path / "outside.csv").write_text("step\nApply\n", encoding="utf-8")
    folder = cards_folder(
        tmp_path, pd.DataFrame({"id": ["S1"], "title": ["a"], "steps": ["../outside.csv"]})
    )
    with pytest.raises(CatalogError, match=r"row 2, column 'steps': '../outside.csv' is outside"):
        read_catalog(folder)
