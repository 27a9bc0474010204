"""Catalogue analyses (bpr._portfolio) against hand computation and the synthetic province's
planted ground truth (bpr._province)."""

from __future__ import annotations

import math

import pytest

from bpr._portfolio import delegation, inquiry_links, parallel_work
from bpr._province import build_province
from bpr.catalog import Catalog, Service, ServiceCard
from bpr.model import ServiceProcess, Step, Xor

DAY = 86400


def _fetch(sid: str, agency: str, document: str, days: float) -> Step:
    return Step(
        f"{sid}-fetch-{agency}",
        f"Get the {document}",
        kind="inquiry",
        actor="citizen",
        agency=agency,
        channel="in_person",
        citizen_present=True,
        documents_in=(),
        documents_out=(document,),
        duration=days * DAY,
    )


def _submit(sid: str, agency: str, documents: tuple[str, ...], actor: str | None) -> Step:
    return Step(
        f"{sid}-submit",
        "Submit",
        kind="submit",
        actor=actor,
        agency=agency,
        channel="in_person",
        citizen_present=True,
        documents_in=documents,
        documents_out=("application",),
    )


def _issue(sid: str, agency: str, *, fixed: bool) -> Step:
    return Step(
        f"{sid}-issue",
        "Issue",
        kind="issue",
        actor="front_office",
        agency=agency,
        channel="in_person",
        citizen_present=True,
        fixed_channel=fixed,
        legal_basis="signed before the officer" if fixed else None,
        documents_in=("application",),
        documents_out=("permit",),
    )


def _service(sid: str, agency: str, frequency: float | None, *steps: Step) -> Service:
    card = ServiceCard(sid, f"Service {sid}", agency=agency, frequency=frequency)
    process = ServiceProcess.from_blocks(f"Service {sid}", *steps)
    return Service(sid, card=card, process=process, process_from="steps")


@pytest.fixture(scope="module")
def five() -> Catalog:
    """Five services whose yearly savings are worked out by hand in the tests."""
    s1 = _service(
        "S1",
        "City",
        100,
        _fetch("S1", "Tax", "tax clearance", 2),
        _fetch("S1", "Court", "record", 1),
        _submit("S1", "City", ("tax clearance", "record"), "front_office"),
        _issue("S1", "City", fixed=True),
    )
    s2 = _service(
        "S2",
        "City",
        40,
        _fetch("S2", "Tax", "tax clearance", 3),
        _submit("S2", "City", ("tax clearance",), "front_office"),
        _issue("S2", "City", fixed=False),
    )
    s3 = _service(
        "S3",
        "Post",
        None,
        _fetch("S3", "Court", "record", 1),
        _submit("S3", "Post", ("record",), None),
    )
    s4 = Service(
        "S4",
        card=ServiceCard(
            "S4",
            "Card only",
            agency="City",
            frequency=10,
            visits=2,
            depends_on=["Tax"],
            production=False,
        ),
    )
    s5 = Service(
        "S5",
        card=ServiceCard(
            "S5",
            "Electronic",
            agency="Tax",
            frequency=500,
            depends_on=["Court"],
            production=True,
            channels=["web", "counter_office"],
        ),
    )
    return Catalog([s1, s2, s3, s4, s5])


def test_inquiry_links_rank_and_yearly_totals_by_hand(five: Catalog) -> None:
    frame = inquiry_links(five).to_frame()
    assert list(zip(frame["asker"], frame["provider"], strict=True)) == [
        ("City", "Tax"),  # S1 100 + S2 40 visits a year; S4's card adds cases, not visits
        ("City", "Court"),  # S1: 100
        ("Post", "Court"),  # S3: frequency unknown
    ]
    first = frame.iloc[0]
    assert first["services"] == ("S1", "S2", "S4")
    assert first["cases_per_year"] == 150
    assert first["visits_per_year"] == 140
    assert first["documents_per_year"] == 140
    assert first["days_per_year"] == 100 * 2 + 40 * 3
    assert first["counted"] == 2
    assert first["levels"] == "card+steps"
    second = frame.iloc[1]
    assert (second["visits_per_year"], second["days_per_year"], second["counted"]) == (100, 100, 1)
    last = frame.iloc[2]
    # Unknown frequency: unknown, never 0.
    assert math.isnan(last["visits_per_year"]) and math.isnan(last["cases_per_year"])
    assert last["counted"] == 0 and last["n_services"] == 1
    # S5's production is electronic: it already asks the Court electronically.
    assert "S5" not in set(inquiry_links(five).needs["service"])


def test_delegation_totals_by_hand(five: Catalog) -> None:
    result = delegation(five)
    agencies = result.to_frame().set_index("agency")
    city = agencies.loc["City"]
    # S1 submit (100), S2 submit and issue (40 + 40); S1's issue is fixed by law.
    assert (city["steps_moving"], city["services_moving"]) == (3, 2)
    assert city["visits_moved_per_year"] == 180 and city["counted"] == 3
    assert (city["services_staying"], city["services_unknown"]) == (1, 1)
    assert list(agencies.index) == ["City", "Court", "Post", "Tax"]
    assert math.isnan(agencies.loc["Post", "visits_moved_per_year"])
    steps = result.steps.set_index("step_id")
    assert steps.loc["S3-submit", "status"] == "unknown"
    assert steps.loc["S3-submit", "to_give"] == "actor"
    assert steps.loc["S1-issue", "status"] == "stays"
    assert "signed before the officer" in steps.loc["S1-issue", "reason"]
    card_rows = result.steps[result.steps["step_id"].isna()].set_index("service")
    assert card_rows.loc["S4", "status"] == "unknown"
    assert card_rows.loc["S5", "status"] == "at counter office"


def test_inquiry_graph_draws_every_link(five: Catalog) -> None:
    links = inquiry_links(five)
    dot = links.to_dot()
    assert dot.count("->") == 3
    svg = links.to_svg(engine="wasm")
    assert svg.lstrip().startswith("<?xml") or "<svg" in svg
    assert svg.count('class="edge"') == 3


def test_parallel_work_needs_the_same_output() -> None:
    def service(sid: str, agency: str, title: str, output: str) -> Service:
        card = ServiceCard(sid, title, agency=agency)
        issue = Step(f"{sid}-i", "Issue", kind="issue", documents_out=(output,))
        process = ServiceProcess.from_blocks(title, issue)
        return Service(sid, card=card, process=process, process_from="steps")

    catalog = Catalog(
        [
            service("A", "Police", "Passport issuance", "passport"),
            service("B", "Post", "Issuance of passport", "passport"),
            service("C", "Court", "Passport issuance", "travel ban record"),
        ]
    )
    result = parallel_work(catalog)
    assert result.sets == (frozenset({"A", "B"}),)
    assert set(result.groups["matched_on"]) == {"documents out, title"}


@pytest.fixture(scope="module")
def province():  # type: ignore[no-untyped-def]
    return build_province(seed=0)


def test_province_size_and_unknowns(province) -> None:  # type: ignore[no-untyped-def]
    catalog = province.catalog
    assert len(catalog) >= 120 and len(catalog.agencies) >= 12
    with_steps = [s for s in catalog.services if s.process is not None]
    assert 3 * len(with_steps) >= len(catalog)
    assert all(s.card is not None for s in catalog.services)
    assert len(province.truth.logs) == 5
    for sid in province.truth.logs:
        assert catalog.service(sid).log.n_cases == 300
    cards = [s.card for s in catalog.services]
    for field in ("frequency", "visits", "depends_on", "channels", "production", "level"):
        values = [getattr(c, field) for c in cards]
        assert any(v is None for v in values), f"{field} is never unknown"
        assert any(v is not None for v in values), f"{field} is never known"


def test_parallel_work_finds_exactly_the_planted_duplicates(province) -> None:  # type: ignore[no-untyped-def]
    found = set(parallel_work(province.catalog).sets)
    planted = set(province.truth.duplicates)
    precision = len(found & planted) / len(found)
    recall = len(found & planted) / len(planted)
    assert (precision, recall) == (1.0, 1.0)


def test_inquiry_links_match_the_planted_dependencies(province) -> None:  # type: ignore[no-untyped-def]
    needs = inquiry_links(province.catalog).needs
    for sid, planted in province.truth.inquiries.items():
        service = province.catalog.service(sid)
        if service.process is None and service.card.production is True:
            continue  # already electronic: no link to build
        rows = needs[needs["service"] == sid]
        assert set(zip(rows["asker"], rows["provider"], strict=True)) == planted, sid
    shared = inquiry_links(province.catalog).to_frame()
    assert shared["n_services"].max() >= 5  # a clearance many services need


def test_delegation_moves_exactly_the_planted_steps(province) -> None:  # type: ignore[no-untyped-def]
    steps = delegation(province.catalog).steps
    moving = steps[steps["status"] == "moves"]
    for sid, planted in province.truth.movable.items():
        assert set(moving.loc[moving["service"] == sid, "step_id"]) == planted, sid


def test_province_is_deterministic(province) -> None:  # type: ignore[no-untyped-def]
    again = build_province(seed=0)
    assert again.truth == province.truth
    for first, second in zip(province.catalog.services, again.catalog.services, strict=True):
        assert first.card == second.card
        if first.process is not None:
            assert first.process.steps == second.process.steps
            assert sorted(map(repr, first.process.flows)) == sorted(map(repr, second.process.flows))
        if first.log is not None:
            assert first.log.to_pandas().equals(second.log.to_pandas())
    other = build_province(seed=1).catalog
    assert [s.card for s in other.services] != [s.card for s in province.catalog.services]


def test_province_logs_follow_their_process(province) -> None:  # type: ignore[no-untyped-def]
    for sid in province.truth.logs:
        service = province.catalog.service(sid)
        order = [s.name for s in service.process.steps]
        events = service.log.to_pandas()
        for _, case in events.groupby("case"):
            names = list(case.sort_values("position")["activity"])
            assert names == sorted(names, key=order.index), sid
            assert sum(name.startswith("Pay the fee") for name in names) == 1, sid
    choices = [sid for sid in province.truth.logs if province.catalog.service(sid).process.gateways]
    assert choices, "no logged service with a choice"


def test_a_step_in_a_branch_counts_as_often_as_it_runs() -> None:
    # The clearance is needed in a quarter of the cases; the front office issues in all.
    fetch = _fetch("S9", "Tax", "tax clearance", 4)
    submit = _submit("S9", "City", ("tax clearance",), "front_office")
    process = ServiceProcess.from_blocks(
        "Branching",
        Xor([fetch, submit], None, probabilities=[0.25, 0.75]),
        _issue("S9", "City", fixed=False),
    )
    card = ServiceCard("S9", "Branching", agency="City", frequency=200)
    catalog = Catalog([Service("S9", card=card, process=process, process_from="steps")])
    link = inquiry_links(catalog).to_frame().iloc[0]
    assert (link["visits_per_year"], link["days_per_year"]) == (50, 200)
    city = delegation(catalog).to_frame().set_index("agency").loc["City"]
    assert city["visits_moved_per_year"] == 200 * 0.25 + 200  # submit in a quarter, issue always
