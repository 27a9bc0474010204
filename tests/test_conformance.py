"""Undocumented steps: findings checked against logs with known injected deviations, against
pm4py's alignments and reachability semantics, and against counts made with pandas."""

from __future__ import annotations

import itertools
from pathlib import Path

import attrs
import numpy as np
import pandas as pd
import pytest
from lxml import etree

from bpr import (
    And,
    FormatError,
    Gaps,
    LogError,
    Loop,
    ModelError,
    RenderError,
    ServiceProcess,
    Step,
    Xor,
    find_undocumented,
    write_bpmn,
    write_process,
)
from bpr._pm4py import load, quiet
from bpr.labels import compare, normalize
from bpr.log import read_log
from bpr.pnml import from_process, language, read_pnml, to_process
from bpr.render import render
from tests.conftest import DATA, RECEIPT_MAIN_LINE

SVG = {"s": "http://www.w3.org/2000/svg"}

DOCUMENTED = ServiceProcess.from_blocks(
    "Business licence",
    Step("submit", "Submit application", mandatory=True),
    Step("check", "Check documents"),
    Xor(Step("fast", "Fast-track approval"), Step("full", "Full review"), probabilities=[0.4, 0.6]),
    Step("pay", "Pay the fee", mandatory=True),
    Step("issue", "Issue licence"),
)


# -- a log generated from DOCUMENTED with known deviations -------------------------------------


@attrs.frozen
class Generated:
    """Events and, per deviation, the cases it was injected into."""

    events: pd.DataFrame
    fast: frozenset[int]
    photocopy: frozenset[int]
    calls: frozenset[int]
    called_twice: frozenset[int]
    swapped: frozenset[int]
    skipped_pay: frozenset[int]
    n: int


def generate(
    n: int = 1000,
    *,
    photocopies: int = 137,
    calls: int = 58,
    twice: int = 20,
    swaps: int = 45,
    skips: int = 23,
    seed: int = 7,
) -> Generated:
    """Cases that follow DOCUMENTED, with deviations injected into exactly chosen cases.

    "Photocopy ID" (undocumented) follows the submission in ``photocopies`` cases; "Call
    applicant" (undocumented) comes before the approval in ``calls`` cases, twice in ``twice``
    of them; payment and issue swap places in ``swaps`` cases, and the mandatory payment is left
    out in ``skips`` other cases.
    """
    rng = np.random.default_rng(seed)
    fast = frozenset(np.flatnonzero(rng.random(n) < 0.4).tolist())
    photocopy = frozenset(rng.choice(n, photocopies, replace=False).tolist())
    called = rng.choice(n, calls, replace=False).tolist()
    order = rng.permutation(n).tolist()
    swapped, skipped = frozenset(order[:swaps]), frozenset(order[swaps : swaps + skips])
    rows = []
    for i in range(n):
        trace = ["Submit application"]
        trace += ["Photocopy ID"] if i in photocopy else []
        trace += ["Check documents"]
        if i in called:
            trace += ["Call applicant"] * (2 if i in called[:twice] else 1)
        trace += ["Fast-track approval" if i in fast else "Full review"]
        tail = ["Pay the fee", "Issue licence"]
        if i in swapped:
            tail.reverse()
        if i in skipped:
            tail = ["Issue licence"]
        trace += tail
        start = pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(hours=i)
        gaps = np.cumsum(rng.integers(1, 600, size=len(trace)))
        rows += [
            (f"c{i:04d}", activity, start + pd.Timedelta(minutes=int(minutes)))
            for activity, minutes in zip(trace, gaps, strict=True)
        ]
    events = pd.DataFrame(rows, columns=["case", "activity", "timestamp"])
    return Generated(
        events,
        fast,
        photocopy,
        frozenset(called),
        frozenset(called[:twice]),
        swapped,
        skipped,
        n,
    )


@pytest.fixture(scope="module")
def generated() -> Generated:
    return generate()


@pytest.fixture(scope="module")
def gaps(generated: Generated) -> Gaps:
    return find_undocumented(DOCUMENTED, generated.events)


def test_exactly_the_injected_steps_are_undocumented_with_their_shares(generated, gaps):
    steps = gaps.steps.set_index("activity")
    assert set(steps.index) == {"Photocopy ID", "Call applicant"}
    n = generated.n
    assert steps.loc["Photocopy ID", "cases"] == len(generated.photocopy)
    assert steps.loc["Photocopy ID", "events"] == len(generated.photocopy)
    assert steps.loc["Photocopy ID", "case_share"] == len(generated.photocopy) / n
    assert steps.loc["Call applicant", "cases"] == len(generated.calls)
    assert steps.loc["Call applicant", "events"] == len(generated.calls) + len(
        generated.called_twice
    )
    assert steps.loc["Call applicant", "case_share"] == len(generated.calls) / n
    assert list(gaps.steps["activity"]) == ["Photocopy ID", "Call applicant"]  # most cases first


def test_time_share_is_the_share_of_waiting_time_before_the_step(generated, gaps):
    events = generated.events.sort_values(["case", "timestamp"])
    waited = events.groupby("case")["timestamp"].diff().dt.total_seconds().fillna(0)
    expected = waited.groupby(events["activity"]).sum() / waited.sum()
    assert gaps.time_basis == "waiting"
    for activity, share in zip(gaps.steps["activity"], gaps.steps["time_share"], strict=True):
        assert share == pytest.approx(expected[activity], rel=1e-9)


def test_time_share_is_the_share_of_working_time_when_the_log_has_start_times():
    log = _frame([["A", "X", "B"], ["A", "B"], ["X", "A", "Y", "B"]])
    minutes = [5, 30, 10, 7, 12, 45, 3, 60, 20]
    log["start"] = log["timestamp"] - pd.to_timedelta(minutes, unit="min")
    gaps = find_undocumented(["A", "B"], log)
    worked = pd.Series(minutes).groupby(log["activity"]).sum() / sum(minutes)
    assert gaps.time_basis == "working"
    assert gaps.steps.set_index("activity")["time_share"].to_dict() == pytest.approx(
        {"X": worked["X"], "Y": worked["Y"]}, rel=1e-12
    )


def test_injected_out_of_order_transitions_are_reported_with_their_cases(generated, gaps):
    late = generated.swapped | generated.skipped_pay
    expected = {
        ("Fast-track approval", "Issue licence"): len(late & generated.fast),
        ("Full review", "Issue licence"): len(late - generated.fast),
        ("Issue licence", "Pay the fee"): len(generated.swapped),
    }
    found = {
        (s, t): (events, cases, share)
        for s, t, events, cases, share in gaps.transitions.itertuples(index=False)
    }
    assert found == {pair: (k, k, k / generated.n) for pair, k in expected.items()}


def test_the_skipped_mandatory_step_is_reported_with_its_share(generated, gaps):
    skipped = gaps.skipped.set_index("step")
    pay = skipped.loc["Pay the fee"]
    assert (pay["cases"], pay["case_share"]) == (23, 23 / generated.n)
    assert pay["mandatory"] and pay["required"] and pay["step_id"] == "pay"
    # The branches of the choice are skipped by design: neither mandatory nor required.
    fast = skipped.loc["Fast-track approval"]
    assert fast["cases"] == generated.n - len(generated.fast)
    assert not fast["mandatory"] and not fast["required"]
    assert "Submit application" not in skipped.index
    assert gaps.skipped["step"].iloc[0] == "Pay the fee"  # mandatory first


def test_coverage_counts_documented_events(generated, gaps):
    undocumented = len(generated.photocopy) + len(generated.calls) + len(generated.called_twice)
    total = len(generated.events)
    assert gaps.n_events == total and gaps.n_cases == generated.n
    assert gaps.coverage == pytest.approx((total - undocumented) / total, abs=1e-15)


def test_fitness_is_pm4pys_alignment_fitness_on_the_same_net(generated, gaps):
    pm4py = load()
    net = from_process(DOCUMENTED)
    frame = generated.events.rename(
        columns={
            "case": "case:concept:name",
            "activity": "concept:name",
            "timestamp": "time:timestamp",
        }
    )
    with quiet():
        expected = pm4py.fitness_alignments(frame, net.net, net.initial, net.final)["log_fitness"]
    assert gaps.fitness == pytest.approx(expected, abs=1e-9)
    assert gaps.fitness < 1.0


def test_a_log_that_follows_the_procedure_has_no_gaps():
    clean = generate(photocopies=0, calls=0, twice=0, swaps=0, skips=0)
    gaps = find_undocumented(DOCUMENTED, clean.events)
    assert gaps.steps.empty and gaps.transitions.empty
    assert gaps.coverage == 1.0 and gaps.fitness == 1.0
    assert set(gaps.skipped["step"]) == {"Fast-track approval", "Full review"}


def test_the_model_may_come_from_bpmn_or_json_files(generated, gaps, tmp_path):
    write_bpmn(DOCUMENTED, tmp_path / "licence.bpmn")
    write_process(DOCUMENTED, tmp_path / "licence.json")
    for path in (tmp_path / "licence.bpmn", tmp_path / "licence.json"):
        again = find_undocumented(path, generated.events)
        for field in ("steps", "transitions", "skipped", "matches"):
            pd.testing.assert_frame_equal(getattr(again, field), getattr(gaps, field))
        assert again.fitness == pytest.approx(gaps.fitness, abs=1e-12)


def test_nothing_the_caller_passed_is_changed(generated):
    events = generated.events.copy()
    before = DOCUMENTED.nodes, DOCUMENTED.flows
    find_undocumented(DOCUMENTED, events)
    pd.testing.assert_frame_equal(events, generated.events)
    assert (DOCUMENTED.nodes, DOCUMENTED.flows) == before


def test_summary_table_and_html(generated, gaps):
    table = gaps.to_frame()
    assert list(table["finding"].value_counts().sort_index().items()) == [
        ("skipped step", len(gaps.skipped)),
        ("undocumented step", 2),
        ("undocumented transition", 3),
    ]
    assert "Issue licence → Pay the fee" in set(table["what"])
    text = gaps.summary()
    assert f"{generated.n:,} cases" in text
    assert "Photocopy ID in 13.7% of cases" in text
    assert "mandatory step skipped; the largest: Pay the fee in 2.3% of cases" in text
    html = gaps._repr_html_()
    assert "Photocopy ID" in html and "Skipped steps" in html


# -- what a documented model can produce --------------------------------------------------------


def test_sequence_language():
    lang = language(from_process(ServiceProcess.from_blocks("S", *_steps("ABC"))))
    assert lang.follows == {("A", "B"), ("B", "C")}
    assert (lang.starts, lang.ends, lang.required, lang.empty) == (
        {"A"},
        {"C"},
        {"A", "B", "C"},
        False,
    )


def test_parallel_blocks_allow_every_interleaving():
    a, b, c, d, e = _steps("ABCDE")
    lang = language(from_process(ServiceProcess.from_blocks("P", a, And(b, [c, d]), e)))
    # The runs are ABCDE, ACBDE and ACDBE.
    assert lang.follows == {
        ("A", "B"), ("A", "C"), ("B", "C"), ("C", "B"), ("C", "D"),
        ("B", "D"), ("D", "B"), ("D", "E"), ("B", "E"),
    }  # fmt: skip


def test_loops_allow_repetition_and_choices_allow_skipping():
    a, b, c, d, r = _steps("ABCDR")
    process = ServiceProcess.from_blocks("L", a, Loop(b), Xor(c, None), Loop(d, redo=r))
    lang = language(from_process(process))
    assert lang.follows == {
        ("A", "B"), ("B", "B"), ("B", "C"), ("B", "D"), ("C", "D"), ("D", "R"), ("R", "D"),
    }  # fmt: skip
    assert lang.required == {"A", "B", "D"} and lang.ends == {"D"}


def test_a_loop_whose_body_can_be_skipped():
    s, a, e = _steps("SAE")
    lang = language(from_process(ServiceProcess.from_blocks("K", s, Loop(Xor(a, None)), e)))
    assert lang.follows == {("S", "A"), ("S", "E"), ("A", "A"), ("A", "E")}
    assert lang.required == {"S", "E"}


def test_parallel_and_choice_gaps_are_found_through_the_log():
    a, b, c, d = _steps("ABCD")
    documented = ServiceProcess.from_blocks("P", a, And(b, c), Loop(d))
    traces = [list("ABCD"), list("ACBDDD"), list("ACBD"), list("ADBC")]
    gaps = find_undocumented(documented, _frame(traces))
    pairs = set(zip(gaps.transitions["source"], gaps.transitions["target"], strict=True))
    assert pairs == {("A", "D"), ("D", "B")}
    assert gaps.transitions.set_index(["source", "target"])["case_share"].to_dict() == {
        ("A", "D"): 0.25,
        ("D", "B"): 0.25,
    }


def test_language_matches_pm4py_semantics_on_the_road_traffic_net(data_dir):
    net = read_pnml(data_dir / "models" / "roadtraffic.pnml")
    assert language(net).follows == _follows_by_pm4py(net)
    # Drawing the net as a process keeps its behaviour.
    assert language(from_process(to_process(net))) == language(net)


def test_runs_that_cannot_finish_are_not_part_of_the_language(tmp_path):
    path = _dead_end_net(tmp_path)
    lang = language(read_pnml(path))
    assert (lang.labels, lang.follows) == ({"A", "B"}, {("A", "B")})


def test_an_unbounded_net_is_refused(tmp_path):
    path = _pnml(
        tmp_path,
        places={"i": 1, "k": 0, "o": 0},
        transitions={"a": "A", "b": "B"},
        arcs=[("i", "a"), ("a", "i"), ("a", "k"), ("i", "b"), ("b", "o")],
        final="o",
    )
    with pytest.raises(
        ModelError, match="more than 500 reachable markings: too many for a state machine"
    ):
        language(read_pnml(path), max_markings=500)


def test_a_net_whose_final_marking_is_unreachable_is_refused(tmp_path):
    path = _pnml(
        tmp_path,
        places={"i": 1, "p": 0, "o": 0},
        transitions={"a": "A"},
        arcs=[("i", "a"), ("a", "p")],
        final="o",
    )
    with pytest.raises(ModelError, match="no run of the net 'net' reaches its final marking"):
        find_undocumented(path, _frame([["A"]]))


# -- real logs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["roadtraffic100traces.xes", "roadtraffic_1t_per_variant.xes.gz"])
def test_road_traffic_against_its_normative_net(data_dir, name):
    log_path = data_dir / "logs" / name
    net_path = data_dir / "models" / "roadtraffic.pnml"
    gaps = find_undocumented(net_path, read_log(log_path))
    pm4py = load()
    with quiet():
        frame = pm4py.read_xes(str(log_path))
        net, initial, final = pm4py.read_pnml(str(net_path))
        expected = pm4py.fitness_alignments(frame, net, initial, final)
    assert gaps.n_events == len(frame)
    assert gaps.coverage == 1.0
    assert gaps.fitness == pytest.approx(expected["log_fitness"], abs=1e-9)
    # Every case is a run of the net (pm4py's per-trace fitness, which rounds silent moves
    # away, is 1 for all); what keeps the log fitness below 1 is the silent moves alone.
    assert expected["percentage_of_fitting_traces"] == 100.0
    assert 0.9997 < gaps.fitness < 1.0
    assert gaps.steps.empty
    assert gaps.documented is not None and len(gaps.documented.steps) == 11


def test_fitness_by_hand_on_a_net_with_a_silent_step(tmp_path):
    # i -A-> p -τ-> q -B-> o. Cheapest complete run: A, τ, B = 10,000 + 1 + 10,000.
    path = _pnml(
        tmp_path,
        places={"i": 1, "p": 0, "q": 0, "o": 0},
        transitions={"a": "A", "t": None, "b": "B"},
        arcs=[("i", "a"), ("a", "p"), ("p", "t"), ("t", "q"), ("q", "b"), ("b", "o")],
        final="o",
    )
    best_worst = 20_001
    # A B fits: cost 1 (the silent move). A alone: 1 + a model move on B. B A: B is a log
    # move, then A and B run with the silent step between them: 10,000 + 1 + 10,000.
    costs = {("A", "B"): (1, 2), ("A",): (10_001, 1), ("B", "A"): (20_001, 2)}
    log = _frame([["A", "B"], ["A", "B"], ["A"], ["B", "A"]])
    gaps = find_undocumented(path, log)
    n = {("A", "B"): 2, ("A",): 1, ("B", "A"): 1}
    cost = sum(n[t] * c for t, (c, _) in costs.items())
    worst = sum(n[t] * (10_000 * length + best_worst) for t, (_, length) in costs.items())
    assert gaps.fitness == pytest.approx(1 - cost / worst, abs=1e-15)


@pytest.fixture(scope="module")
def receipt_gaps() -> Gaps:
    return find_undocumented(RECEIPT_MAIN_LINE, read_log(DATA / "logs" / "receipt.xes.gz"))


def test_receipt_rare_activities_are_reported_with_exact_case_shares(data_dir, receipt_gaps):
    with quiet():
        frame = load().read_xes(str(data_dir / "logs" / "receipt.xes.gz"))
    n_cases = frame["case:concept:name"].nunique()
    rare = frame[~frame["concept:name"].isin(RECEIPT_MAIN_LINE)]
    expected = rare.groupby("concept:name")["case:concept:name"].nunique() / n_cases
    found = receipt_gaps.steps.set_index("activity")["case_share"]
    assert found.to_dict() == expected.to_dict()
    names = set(found.index)
    for prefix in ["T03", "T07-", "T09-", *(f"T{k}" for k in range(11, 21))]:
        assert any(name.startswith(prefix) for name in names), prefix
    assert not names & set(RECEIPT_MAIN_LINE)
    assert receipt_gaps.coverage == 1 - len(rare) / len(frame)


def test_receipt_reordered_main_line_steps_are_transitions(receipt_gaps):
    pairs = receipt_gaps.transitions.set_index(["source", "target"])
    # 239 cases go from the confirmation straight to T06, skipping T02, T04 and T05.
    assert (
        pairs.loc[("Confirmation of receipt", "T06 Determine necessity of stop advice"), "cases"]
        == 239
    )
    allowed = set(itertools.pairwise(RECEIPT_MAIN_LINE))
    assert not allowed & set(pairs.index)


# -- labels ---------------------------------------------------------------------------------------

SUBMIT_FA = "ثبت درخواست"
CHECK_FA_ARABIC = "بررسي مدارك"  # Arabic yeh and kaf, as some agencies type it
CHECK_FA = "بررسی مدارک"
CHECK_TYPO = "بررسی مدرک"


def test_persian_labels_match_across_arabic_letters_and_typos_are_only_suggested():
    log = _frame([[SUBMIT_FA, CHECK_FA], [SUBMIT_FA, CHECK_FA], [SUBMIT_FA, CHECK_TYPO]])
    gaps = find_undocumented([SUBMIT_FA, CHECK_FA_ARABIC], log)
    assert list(gaps.steps["activity"]) == [CHECK_TYPO]
    assert gaps.steps["case_share"].iloc[0] == 1 / 3
    assert gaps.matches.set_index("activity")["how"].to_dict() == {
        SUBMIT_FA: "exact",
        CHECK_FA: "normalized",
    }
    suggestion = gaps.suggested_matches.iloc[0]
    assert (suggestion["activity"], suggestion["step"], suggestion["step_id"]) == (
        CHECK_TYPO,
        CHECK_FA_ARABIC,
        "s02",
    )
    assert 85 <= suggestion["score"] < 100

    decided = find_undocumented([SUBMIT_FA, CHECK_FA_ARABIC], log, aliases={CHECK_TYPO: "s02"})
    assert decided.steps.empty and decided.coverage == 1.0
    assert decided.matches.set_index("activity").loc[CHECK_TYPO, "how"] == "alias"
    by_name = find_undocumented([SUBMIT_FA, CHECK_FA_ARABIC], log, aliases={CHECK_TYPO: CHECK_FA})
    pd.testing.assert_frame_equal(by_name.matches, decided.matches)


PAIRS = pd.read_csv(DATA / "label_pairs.csv", dtype={"same": int})
# Opposite terms, written here apart from the tables of bpr.labels: no suggested match may
# put a label with one term next to a label with the other.
OPPOSED = [
    ("approved", "rejected"), ("start", "end"), ("submitted", "saved"), ("send", "receive"),
    ("submit", "withdraw"), ("accept", "decline"), ("open", "close"),
    ("تایید", "رد"), ("ارسال", "دریافت"), ("شروع", "پایان"), ("ثبت", "ابطال"),
]  # fmt: skip


def _opposed(a: str, b: str) -> bool:
    words_a, words_b = (set(normalize(x).replace("_", " ").split()) for x in (a, b))
    return any(
        (x in words_a and y in words_b) or (y in words_a and x in words_b)
        for x, y in OPPOSED
        if not ({x, y} <= words_a or {x, y} <= words_b)
    )


def test_suggestions_are_precise_on_the_labelled_pairs():
    pairs = zip(PAIRS["left"], PAIRS["right"], strict=True)
    said = np.array([compare(a, b).matches() for a, b in pairs])
    same = PAIRS["same"].to_numpy() == 1
    precision = (said & same).sum() / said.sum()
    recall = (said & same).sum() / same.sum()
    assert precision >= 0.9
    assert recall >= 0.8  # a veto that refused everything would be precise and useless
    wrong = PAIRS[said & ~same]
    assert not wrong["kind"].isin(["opposite", "role", "object"]).any(), wrong


@pytest.mark.parametrize("kind", ["opposite", "role", "object", "status", "number"])
def test_no_labelled_pair_of_a_vetoed_kind_is_suggested(kind):
    pairs = PAIRS[PAIRS["kind"] == kind]
    assert len(pairs) and (pairs["same"] == 0).all()
    for a, b in zip(pairs["left"], pairs["right"], strict=True):
        comparison = compare(a, b)
        assert comparison.veto is not None, (a, b, comparison)


@pytest.mark.parametrize(
    "name",
    # The running example holds no pair of opposite terms.
    ["receipt.xes.gz", "roadtraffic_1t_per_variant.xes.gz",
     "bpic2020_permit_1t_per_variant.xes.gz"],
)  # fmt: skip
def test_suggestions_on_the_shared_logs_never_pair_opposite_terms(data_dir, name):
    activities = read_log(data_dir / "logs" / name).activities
    opposed = [(a, b) for a, b in itertools.combinations(activities, 2) if _opposed(a, b)]
    assert opposed  # the logs do hold such pairs
    assert not [(a, b) for a, b in opposed if compare(a, b).matches()]


def test_bpic2020_suggestions_against_a_three_step_procedure(data_dir):
    log = read_log(data_dir / "logs" / "bpic2020_permit_1t_per_variant.xes.gz")
    procedure = [
        "Declaration APPROVED by ADMINISTRATION",
        "Declaration APPROVED by SUPERVISOR",
        "Permit FINAL_APPROVED by SUPERVISOR",
    ]
    # rapidfuzz alone suggested six pairs here, none right (REJECTED for APPROVED, another
    # role, another object, FINAL or FOR_APPROVAL for APPROVED); none holds.
    assert find_undocumented(procedure, log).suggested_matches.empty
    written = ["Permit submitted by the employee", "Request payment.", "Payment handled."]
    suggested = find_undocumented(written, log).suggested_matches
    assert sorted(zip(suggested["activity"], suggested["step"], strict=True)) == [
        ("Payment Handled", "Payment handled."),
        ("Permit SUBMITTED by EMPLOYEE", "Permit submitted by the employee"),
        ("Request Payment", "Request payment."),
    ]


def test_a_role_the_procedure_does_not_name_is_unknown_not_different():
    log = _frame([["Create Fine", "Send Fine by the police"]])
    unnamed = find_undocumented(["Create Fine", "Send fine to offender"], log)
    assert unnamed.suggested_matches[["activity", "step"]].values.tolist() == [
        ["Send Fine by the police", "Send fine to offender"]
    ]
    other_role = find_undocumented(["Create Fine", "Send fine by the prefecture"], log)
    assert other_role.suggested_matches.empty


def test_exact_matching_needs_identical_labels():
    log = _frame([["Check Documents"]])
    assert find_undocumented(["check documents"], log).steps.empty
    exact = find_undocumented(["check documents"], log, match="exact")
    assert list(exact.steps["activity"]) == ["Check Documents"]
    assert exact.suggested_matches["score"].tolist() == [100.0]


def test_persian_step_names_match_too():
    documented = ServiceProcess.from_blocks("P", Step("c", "Check documents", name_fa=CHECK_FA))
    gaps = find_undocumented(documented, _frame([[CHECK_FA_ARABIC]]))
    assert gaps.steps.empty and gaps.matches["step_id"].tolist() == ["c"]


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("documented", "kwargs", "error", "message"),
    [
        (["A"], {"match": "fuzzy"}, ModelError, "unknown match 'fuzzy'"),
        (42, {}, ModelError, "documented must be a ServiceProcess, .*got int"),
        ([], {}, ModelError, "has no steps"),
        (["A"], {"aliases": {"A": "nope"}}, ModelError, "'A' is mapped to 'nope', which is"),
        (["A"], {"aliases": {"Z": "s01"}}, LogError, "'Z' is not an activity of the log"),
        ("procedure.txt", {}, FormatError, "procedure.txt: cannot tell"),
        ("missing.pnml", {}, FormatError, "missing.pnml: no such file; give the path of a PNML"),
    ],
)
def test_bad_input_gets_a_clear_error(documented, kwargs, error, message):
    with pytest.raises(error, match=message):
        find_undocumented(documented, _frame([["A"]]), **kwargs)


def test_two_steps_sharing_a_label_are_refused():
    documented = ServiceProcess.from_blocks(
        "P", Step("a", "Check", name_fa=CHECK_FA), Step("b", CHECK_FA_ARABIC)
    )
    with pytest.raises(ModelError, match="share the label"):
        find_undocumented(documented, _frame([["Check"]]))


def test_malformed_pnml_is_refused(tmp_path):
    broken = tmp_path / "broken.pnml"
    broken.write_text("<pnml><net id='n'><place id='p'/>", encoding="utf-8")
    with pytest.raises(FormatError, match="broken.pnml is not well-formed XML"):
        read_pnml(broken)
    dangling = _pnml(
        tmp_path, places={"i": 1}, transitions={"a": "A"}, arcs=[("i", "a"), ("a", "x")], final="i"
    )
    with pytest.raises(FormatError, match="arc 'a2' joins 'a' to 'x'"):
        read_pnml(dangling)


# -- the drawing ----------------------------------------------------------------------------------


def test_the_overlay_draws_gaps_in_red_and_skipped_steps_in_grey(gaps):
    svg = render(gaps, engine="wasm")
    assert svg == render(gaps, engine="wasm")  # deterministic
    root = etree.fromstring(svg.encode())
    nodes = {_title(g): g for g in _groups(root, "node")}
    added = [g for t, g in nodes.items() if t.startswith("undocumented-")]
    texts = {" ".join(_texts(g)) for g in added}
    assert texts == {"Photocopy ID 14% of cases", "Call applicant 5.8% of cases"}
    for group in added:
        assert group.find("s:path", SVG).get("stroke") == "#c62828"
    pay = nodes["pay"]
    assert _texts(pay)[-1] == "skipped by 2.3%" and pay.find("s:path", SVG).get("fill") == "#eeeeee"
    assert nodes["fast"].find("s:path", SVG).get("fill") != "#eeeeee"  # optional branch
    edges = {_title(g): g for g in _groups(root, "edge")}
    assert _texts(edges["issue->pay"]) == ["4.5%"]
    assert edges["issue->pay"].find("s:path", SVG).get("stroke-dasharray")


def test_the_overlay_of_a_petri_net_and_its_limits(data_dir, tmp_path):
    gaps = find_undocumented(
        data_dir / "models" / "roadtraffic.pnml",
        read_log(data_dir / "logs" / "roadtraffic100traces.xes"),
    )
    assert "Create Fine" in render(gaps, engine="wasm", lanes=None)
    path = _dead_end_net(tmp_path)
    dead_end = find_undocumented(path, _frame([["A", "B"]]))
    assert dead_end.documented is None and dead_end.fitness == 1.0
    with pytest.raises(RenderError, match="cannot be drawn as a process"):
        render(dead_end, engine="wasm")


# -- helpers --------------------------------------------------------------------------------------


def _steps(letters: str) -> list[Step]:
    return [Step(letter.lower(), letter) for letter in letters]


def _frame(traces: list[list[str]]) -> pd.DataFrame:
    rows = [
        (f"c{i}", activity, pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(hours=i * 10 + j))
        for i, trace in enumerate(traces)
        for j, activity in enumerate(trace)
    ]
    return pd.DataFrame(rows, columns=["case", "activity", "timestamp"])


def _pnml(
    folder: Path,
    *,
    places: dict[str, int],
    transitions: dict[str, str | None],
    arcs: list[tuple[str, str]],
    final: str,
) -> Path:
    """A PNML file of a small net; a ``None`` label makes a silent transition."""
    parts = [
        "<pnml><net id='net' type='http://www.pnml.org/version-2009/grammar/ptnet'><page id='pg'>"
    ]
    for place, tokens in places.items():
        marking = f"<initialMarking><text>{tokens}</text></initialMarking>" if tokens else ""
        parts.append(f"<place id='{place}'><name><text>{place}</text></name>{marking}</place>")
    for transition, label in transitions.items():
        silent = "<toolspecific tool='ProM' version='6.4' activity='$invisible$'/>"
        text = label if label is not None else transition
        parts.append(
            f"<transition id='{transition}'><name><text>{text}</text></name>"
            f"{silent if label is None else ''}</transition>"
        )
    for i, (source, target) in enumerate(arcs, 1):
        parts.append(f"<arc id='a{i}' source='{source}' target='{target}'/>")
    parts.append(
        "</page><finalmarkings><marking>"
        f"<place idref='{final}'><text>1</text></place></marking></finalmarkings></net></pnml>"
    )
    path = folder / "net.pnml"
    path.write_text("".join(parts), encoding="utf-8")
    return path


def _dead_end_net(folder: Path) -> Path:
    """A -> B completes a run; C leads to a place with no way out: a dead end, never a run."""
    return _pnml(
        folder,
        places={"i": 1, "p": 0, "q": 0, "o": 0},
        transitions={"a": "A", "b": "B", "c": "C"},
        arcs=[("i", "a"), ("a", "p"), ("p", "b"), ("b", "o"), ("p", "c"), ("c", "q")],
        final="o",
    )


def _follows_by_pm4py(net) -> set[tuple[str, str]]:
    """Directly-follows pairs of visible labels, by pm4py's firing rule over (marking, last
    visible label) states; the net is sound, so every reachable marking can finish."""
    load()
    from pm4py.objects.petri_net import semantics

    start = (net.initial, None)
    seen, stack, pairs = {start}, [start], set()
    while stack:
        marking, last = stack.pop()
        for transition in semantics.enabled_transitions(net.net, marking):
            after = semantics.execute(transition, net.net, marking)
            label = transition.label
            if label is not None and last is not None:
                pairs.add((last, label))
            state = (after, last if label is None else label)
            if state not in seen:
                seen.add(state)
                stack.append(state)
    return pairs


def _groups(root, cls: str) -> list:
    return [g for g in root.iter(f"{{{SVG['s']}}}g") if cls in g.get("class", "").split()]


def _title(group) -> str:
    return group.find("s:title", SVG).text


def _texts(group) -> list[str]:
    return [t.text for t in group.iterfind(".//s:text", SVG)]


@pytest.mark.parametrize(
    ("a", "b", "vetoed"),
    [
        ("Certificate of no criminal record", "No criminal record certificate", False),
        ("No criminal record certificate", "Criminal record certificate", True),
        ("Request not approved", "Request approved", True),
    ],
)
def test_a_negation_on_both_sides_negates_nothing(a, b, vetoed):
    assert (compare(a, b).veto is not None) is vetoed
    assert (compare(b, a).veto is not None) is vetoed
