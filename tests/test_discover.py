"""Discovery: structure against known answers, replay with pm4py, counts against pandas."""

from __future__ import annotations

import math
import random
import sys
from collections import Counter

import networkx as nx
import pandas as pd
import pytest
from lxml import etree

import bpr
from bpr import (
    And,
    Event,
    EventKind,
    Gateway,
    GatewayKind,
    Loop,
    ModelError,
    ServiceProcess,
    Step,
    Xor,
    discover,
    measure,
    read_bpmn,
    render,
    write_bpmn,
    write_process,
)
from bpr._pm4py import load, quiet
from bpr.log import read_log
from tests.conftest import DATA
from tests.generate import generate_log, petri_net, traces

_discover_module = sys.modules["bpr.discover"]


def _known() -> ServiceProcess:
    """A permit service with a sequence, two choices (one a skip), a parallel block, a loop."""
    return ServiceProcess.from_blocks(
        "Known permit",
        Step("a", "Submit application"),
        Xor(
            Step("b", "Check documents"),
            [Step("c", "Request missing documents"), Step("d", "Receive documents")],
            probabilities=[0.7, 0.3],
        ),
        And(
            Step("e", "Inquiry police"), [Step("f", "Inquiry registry"), Step("g", "Record reply")]
        ),
        Loop(Step("h", "Review file"), redo=Step("i", "Correct file"), probability=0.3),
        Xor(Step("j", "Pay fee"), None, probabilities=[0.6, 0.4]),
        Step("k", "Issue permit"),
    )


@pytest.fixture(scope="module")
def receipt():
    return read_log(DATA / "logs" / "receipt.xes.gz")


@pytest.fixture(scope="module")
def generated() -> pd.DataFrame:
    return generate_log(_known(), 1000, seed=7)


@pytest.fixture(scope="module")
def generated_log(generated: pd.DataFrame):
    return read_log(generated)


def _pm4py_frame(events: pd.DataFrame) -> pd.DataFrame:
    frame = events[["case", "activity", "timestamp"]].rename(
        columns={
            "case": "case:concept:name",
            "activity": "concept:name",
            "timestamp": "time:timestamp",
        }
    )
    return frame.reset_index(drop=True)


def _token_replay(process: ServiceProcess, events: pd.DataFrame) -> list[dict]:
    pm4py = load()
    net, initial, final = petri_net(process)
    with quiet():
        return pm4py.conformance_diagnostics_token_based_replay(
            _pm4py_frame(events), net, initial, final
        )


def _alignment_fitness(process: ServiceProcess, trace: tuple[str, ...]) -> float:
    load()
    from pm4py.algo.conformance.alignments.petri_net import algorithm as alignments
    from pm4py.objects.log.obj import Event as XesEvent
    from pm4py.objects.log.obj import Trace as XesTrace

    net, initial, final = petri_net(process)
    with quiet():
        result = alignments.apply_trace(
            XesTrace([XesEvent({"concept:name": a}) for a in trace]), net, initial, final
        )
    return result["fitness"]


def _flows_into(process: ServiceProcess, node_id: str) -> list:
    return [process.flow(p, node_id) for p in process.predecessors(node_id)]


def _flows_out(process: ServiceProcess, node_id: str) -> list:
    return [process.flow(node_id, s) for s in process.successors(node_id)]


def _assert_flow_conservation(process: ServiceProcess, cases: int) -> None:
    """Every step passes each case once; gateways keep the count of what runs through them."""
    for node in process.nodes:
        ins = [f.frequency for f in _flows_into(process, node.id)]
        outs = [f.frequency for f in _flows_out(process, node.id)]
        if isinstance(node, Step):
            assert ins == outs == [node.stats.events], node
        elif isinstance(node, Gateway) and node.kind is GatewayKind.EXCLUSIVE:
            assert sum(ins) == sum(outs), node
        elif isinstance(node, Gateway):
            assert len(set(ins + outs)) == 1, node
        elif node.kind is EventKind.START:
            assert outs == [cases]
        else:
            assert sum(ins) == cases


def _assert_probabilities(process: ServiceProcess) -> None:
    for gateway in process.gateways:
        out = _flows_out(process, gateway.id)
        if gateway.kind is GatewayKind.EXCLUSIVE and len(out) > 1:
            total = sum(f.frequency for f in out)
            assert [f.probability for f in out] == [f.frequency / total for f in out]
            assert sum(f.probability for f in out) == pytest.approx(1.0)
        else:
            assert all(f.probability is None for f in out)


# -- the receipt log --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def receipt_model(receipt) -> ServiceProcess:
    return discover(receipt)


def test_receipt_noise0_has_one_step_per_activity(receipt, receipt_model):
    names = [s.name for s in receipt_model.steps]
    assert len(names) == 27
    assert sorted(names) == sorted(receipt.activities)


def _alignment_summary(net_im_fm: tuple, events: pd.DataFrame) -> dict:
    pm4py = load()
    with quiet():
        return pm4py.fitness_alignments(_pm4py_frame(events), *net_im_fm)


def _token_replay_fitness(net: bpr.Net, events: pd.DataFrame) -> dict:
    pm4py = load()
    with quiet():
        return pm4py.fitness_token_based_replay(
            _pm4py_frame(events), net.net, net.initial, net.final
        )


@pytest.fixture(scope="module")
def road():
    return read_log(DATA / "logs" / "roadtraffic_1t_per_variant.xes.gz")


@pytest.fixture(scope="module")
def road_model(road) -> ServiceProcess:
    return discover(road)


def test_road_fines_noise0_token_replay_fitness_is_one(road, road_model):
    """pm4py's token-based replay, default settings, on the model's state-machine net (which
    has no silent transition to guess): every case replays.

    The receipt model's state machine would have millions of states: its parallel block of
    nine optional branches (see :func:`bpr.discover._regrouped`) multiplies them."""
    fitness = _token_replay_fitness(
        bpr.petri_net(road_model, form="state_machine"), road.to_pandas()
    )
    assert fitness["log_fitness"] == 1.0
    assert fitness["perc_fit_traces"] == 100.0


def test_road_fines_noise0_token_replay_through_the_bpmn_file(road, road_model, tmp_path):
    """The model written as BPMN replays the whole log just the same, whether bpr reads the
    file back or pm4py reads and converts it (and bpr makes the state machine of that net)."""
    from bpr.pnml import state_machine

    path = tmp_path / "road.bpmn"
    path.write_text(write_bpmn(road_model), encoding="utf-8")
    pm4py = load()
    with quiet():
        converted = bpr.Net("pm4py", *pm4py.convert_to_petri_net(pm4py.read_bpmn(str(path))))
    for net in (bpr.petri_net(read_bpmn(path), form="state_machine"), state_machine(converted)):
        fitness = _token_replay_fitness(net, road.to_pandas())
        assert fitness["log_fitness"] == 1.0
        assert fitness["perc_fit_traces"] == 100.0


def test_receipt_noise0_model_accepts_every_case(receipt, receipt_model):
    """Alignments (exact): every case of the log is a run of the discovered model."""
    fitness = _alignment_summary(petri_net(receipt_model), receipt.to_pandas())
    assert fitness["percentage_of_fitting_traces"] == 100.0
    assert fitness["average_trace_fitness"] == 1.0


def test_receipt_noise0_bpmn_accepts_every_case(receipt, receipt_model, tmp_path):
    """The BPMN file bpr writes, read and converted by pm4py, accepts the whole log."""
    pm4py = load()
    path = tmp_path / "receipt.bpmn"
    path.write_text(write_bpmn(receipt_model), encoding="utf-8")
    with quiet():
        net = pm4py.convert_to_petri_net(pm4py.read_bpmn(str(path)))
    fitness = _alignment_summary(net, receipt.to_pandas())
    assert fitness["percentage_of_fitting_traces"] == 100.0
    assert sorted(s.name for s in read_bpmn(path).steps) == sorted(receipt.activities)


def test_receipt_noise0_dfg_token_replay_fitness_is_one(receipt):
    pm4py = load()
    process = discover(receipt, method="dfg")
    assert sorted(s.name for s in process.steps) == sorted(receipt.activities)
    with quiet():
        fitness = pm4py.fitness_token_based_replay(
            _pm4py_frame(receipt.to_pandas()), *petri_net(process)
        )
    assert fitness["log_fitness"] == 1.0
    assert fitness["perc_fit_traces"] == 100.0


def test_receipt_step_counts_equal_pandas(receipt, receipt_model):
    events = receipt.to_pandas()
    expected_events = events["activity"].value_counts()
    expected_cases = events.groupby("activity")["case"].nunique()
    for step in receipt_model.steps:
        assert step.stats.events == expected_events[step.name]
        assert step.stats.cases == expected_cases[step.name]


def test_receipt_flow_counts_are_consistent(receipt, receipt_model):
    _assert_flow_conservation(receipt_model, receipt.n_cases)
    _assert_probabilities(receipt_model)


def test_receipt_waiting_times_equal_pandas(receipt, receipt_model):
    """Without start times: no working time, and waiting runs from the previous completion."""
    events = receipt.to_pandas()
    gaps = (events["timestamp"] - events.groupby("case")["timestamp"].shift()).dt.total_seconds()
    for step in receipt_model.steps:
        waits = gaps[events["activity"] == step.name].dropna()
        assert step.stats.working is None
        if waits.empty:  # only ever a case's first event
            assert step.stats.waiting is None
            continue
        waiting = step.stats.waiting
        assert waiting.median.total_seconds() == pytest.approx(waits.median(), abs=1e-5)
        assert waiting.mean.total_seconds() == pytest.approx(waits.mean(), abs=1e-5)
        assert waiting.p90.total_seconds() == pytest.approx(waits.quantile(0.9), abs=1e-5)


def test_receipt_noise_makes_it_smaller_and_sound(receipt, receipt_model):
    pm4py = load()
    small = discover(receipt, noise=0.2)
    assert len(small.steps) < len(receipt_model.steps)
    assert len(small.flows) < len(receipt_model.flows)
    with quiet():
        assert pm4py.check_soundness(*petri_net(small))[0]
    # The activities dropped are the rarest ones, within 20% of the events.
    counts = receipt.to_pandas()["activity"].value_counts()
    kept = {s.name for s in small.steps}
    assert counts.drop(list(kept)).sum() <= 0.2 * counts.sum()
    assert counts[list(kept)].min() > counts.drop(list(kept)).max()


def test_receipt_dfg_probabilities_equal_directly_follows_counts(receipt):
    process = discover(receipt, method="dfg")
    events = receipt.to_pandas()
    follows = events.groupby("case")["activity"].shift(-1).fillna("<end>")
    pairs = Counter(zip(events["activity"], follows, strict=True))
    by_name = {s.name: s for s in process.steps}
    assert len(by_name) == 27
    for step in process.steps:
        leaving = {b: n for (a, b), n in pairs.items() if a == step.name}
        (after,) = process.successors(step.id)
        node = process.node(after)
        if isinstance(node, Gateway):
            flows = _flows_out(process, after)
            found = {_target_name(process, f.target): f.probability for f in flows}
        else:
            found = {_target_name(process, after): None}
        total = sum(leaving.values())
        expected = {b: (n / total if len(leaving) > 1 else None) for b, n in leaving.items()}
        assert found == expected
    _assert_flow_conservation(process, receipt.n_cases)


def _target_name(process: ServiceProcess, node_id: str) -> str:
    """The step a flow leads to (through a join), or "<end>"."""
    node = process.node(node_id)
    while isinstance(node, Gateway):
        (node_id,) = process.successors(node_id)
        node = process.node(node_id)
    return node.name if isinstance(node, Step) else "<end>"


def _model_pairs(process: ServiceProcess) -> dict[tuple[str, str], int]:
    """(step or "<start>", next step or "<end>") -> frequency, for a DFG model."""
    pairs = {}
    for node in [*process.starts, *process.steps]:
        (after,) = process.successors(node.id)
        source = node.name if isinstance(node, Step) else "<start>"
        if isinstance(process.node(after), Gateway) and len(process.successors(after)) > 1:
            for flow in _flows_out(process, after):
                pairs[source, _target_name(process, flow.target)] = flow.frequency
        else:
            pairs[source, _target_name(process, after)] = process.flow(node.id, after).frequency
    return pairs


def _log_pairs(events: pd.DataFrame, kept: set[str]) -> Counter:
    """Directly-follows counts with pandas, on the events of the ``kept`` activities."""
    events = events[events["activity"].isin(kept)]
    before = events.groupby("case")["activity"].shift(1).fillna("<start>")
    after = events.groupby("case")["activity"].shift(-1).fillna("<end>")
    pairs = Counter(zip(before, events["activity"], strict=True))
    ends = after == "<end>"
    pairs.update(zip(events["activity"][ends], after[ends], strict=True))
    return pairs


def test_dfg_noise_keeps_frequent_pairs_with_their_counts(receipt):
    full = discover(receipt, method="dfg")
    process = discover(receipt, method="dfg", noise=0.05)
    assert len(process.flows) < len(full.flows)
    events = receipt.to_pandas()
    assert _model_pairs(full) == _log_pairs(events, set(receipt.activities))
    pairs = _log_pairs(events, {s.name for s in process.steps})
    kept = _model_pairs(process)
    assert all(kept[p] == pairs[p] for p in kept)
    assert sum(kept.values()) >= 0.95 * sum(pairs.values())
    assert len(kept) < len(pairs)
    pm4py = load()
    with quiet():
        assert pm4py.check_soundness(*petri_net(process))[0]


def test_discovery_is_deterministic(receipt):
    first = discover(receipt, noise=0.1)
    assert write_process(discover(receipt, noise=0.1)) == write_process(first)


# -- a log generated from a known process -----------------------------------------------------


@pytest.fixture(scope="module")
def generated_model(generated_log) -> ServiceProcess:
    return discover(generated_log)


def test_generated_log_rediscovers_the_steps(generated_model):
    assert sorted(s.name for s in generated_model.steps) == sorted(s.name for s in _known().steps)
    kinds = Counter(g.kind for g in generated_model.gateways)
    assert kinds == {GatewayKind.EXCLUSIVE: 6, GatewayKind.PARALLEL: 2}


def test_generated_traces_all_replay(generated, generated_model):
    replayed = _token_replay(generated_model, generated)
    assert len(replayed) == 1000
    assert all(r["trace_is_fit"] for r in replayed)
    fitness = _alignment_summary(petri_net(generated_model), generated)
    assert fitness["percentage_of_fitting_traces"] == 100.0


def _mutants(variants: list[tuple[str, ...]], alphabet: list[str], seed: int) -> set:
    """Traces one edit away from observed ones: swap, delete, duplicate or insert."""
    rng = random.Random(seed)
    found = set()
    for trace in variants:
        i = rng.randrange(len(trace))
        j = min(i + 1, len(trace) - 1)
        swapped = list(trace)
        swapped[i], swapped[j] = swapped[j], swapped[i]
        found.add(tuple(swapped))
        found.add(trace[:i] + trace[i + 1 :])
        found.add((*trace[:i], trace[i], *trace[i:]))
        found.add((*trace[:i], rng.choice(alphabet), *trace[i:]))
    return found - set(variants)


def test_traces_outside_the_known_language_are_rejected(generated, generated_model):
    known = _known()
    variants = sorted(set(traces(generated)))
    candidates = _mutants(variants[:40], [s.name for s in known.steps], seed=3)
    outside = sorted(t for t in candidates if _alignment_fitness(known, t) < 1.0)
    assert len(outside) >= 40
    rejected = [t for t in outside if _alignment_fitness(generated_model, t) < 1.0]
    assert rejected == outside


def test_generated_frequencies_equal_pandas(generated, generated_model):
    count = generated["activity"].value_counts()
    cases = generated["case"].nunique()
    model = generated_model

    def into(name: str):
        (flow,) = _flows_into(model, model.step_by_name(name).id)
        return flow

    # The choice after submission: documents checked, or requested.
    assert into("Check documents").frequency == count["Check documents"]
    assert into("Check documents").probability == count["Check documents"] / cases
    assert into("Request missing documents").probability == (
        count["Request missing documents"] / cases
    )
    # The optional payment: the skip branch carries the cases without a payment.
    pay = into("Pay fee")
    skip = next(f for f in _flows_out(model, pay.source) if f.target != pay.target)
    assert (pay.frequency, skip.frequency) == (count["Pay fee"], cases - count["Pay fee"])
    # The loop: the redo branch is taken once per correction, out of all reviews.
    redo = into("Correct file")
    assert redo.frequency == count["Correct file"]
    assert redo.probability == count["Correct file"] / count["Review file"]
    _assert_flow_conservation(model, cases)
    _assert_probabilities(model)


def test_generated_durations_equal_pandas(generated, generated_model):
    events = generated.sort_values(["case", "timestamp"])
    working = (events["timestamp"] - events["start"]).dt.total_seconds()
    previous = events.groupby("case")["timestamp"].shift()
    waiting = (events["start"] - previous).dt.total_seconds().clip(lower=0)
    for step in generated_model.steps:
        mine = events["activity"] == step.name
        for stats, values in ((step.stats.working, working), (step.stats.waiting, waiting)):
            values = values[mine].dropna()
            if values.empty:
                assert stats is None
                continue
            assert stats.median.total_seconds() == pytest.approx(values.median(), abs=1e-5)
            assert stats.mean.total_seconds() == pytest.approx(values.mean(), abs=1e-5)
            assert stats.p90.total_seconds() == pytest.approx(values.quantile(0.9), abs=1e-5)
    first = generated_model.step_by_name("Submit application")
    assert first.stats.waiting is None  # nothing comes before a case's first event


def test_generator_is_deterministic_and_follows_probabilities(generated):
    again = generate_log(_known(), 1000, seed=7)
    pd.testing.assert_frame_equal(again, generated)
    assert not again.equals(generate_log(_known(), 1000, seed=8))
    share = generated.groupby("case")["activity"].apply(lambda a: "Pay fee" in set(a)).mean()
    assert share == pytest.approx(0.6, abs=0.05)
    # Parallel branches interleave in both orders.
    orders = Counter(
        t.index("Inquiry police") < t.index("Inquiry registry") for t in traces(generated)
    )
    assert orders[True] > 100 and orders[False] > 100


# -- probabilities known in advance ----------------------------------------------------------------


def _decisions() -> ServiceProcess:
    """Each kind of decision whose probability a discovered model must recover: a block that
    is optional and repeatable, optional steps in a parallel block, and nested loops."""
    return ServiceProcess.from_blocks(
        "Known decisions",
        Step("a", "Register"),
        Xor(Loop(Step("b", "Request documents"), probability=0.3), None, probabilities=[0.6, 0.4]),
        And(
            Xor(Step("c", "Inquiry police"), None, probabilities=[0.7, 0.3]),
            Xor(Step("d", "Inquiry registry"), None, probabilities=[0.2, 0.8]),
        ),
        Loop([Step("e", "Review"), Loop(Step("f", "Correct"), probability=0.5)], probability=0.25),
        Step("g", "Issue"),
    )


def _again(process: ServiceProcess, name: str):
    """The flow by which a case goes round the loop that ``name`` begins once more."""
    (join,) = process.predecessors(process.step_by_name(name).id)
    # The way back is the shortest way round; an enclosing loop goes round too, further.
    distance = nx.single_source_shortest_path_length(process.graph, join)
    back = min((p for p in process.predecessors(join) if p in distance), key=distance.get)
    return process.flow(back, join)


@pytest.mark.parametrize("seed", [1, 2])
def test_discovered_probabilities_are_the_true_ones(seed):
    """Discovered from 4,000 cases generated with known probabilities, each decision comes out
    with the true probability within four standard errors, sqrt(p (1 - p) / n) for the n times
    it was taken: the chance of going round a loop again read on the loop's flow back, and
    the chance that a case enters an optional block as the model's exact share of cases with
    its step (the miner may split one decision in two, as it does the inquiries: whether any
    runs, then which; their product is what the model says)."""
    cases = 4000
    events = generate_log(_decisions(), cases, seed=seed)
    model = discover(events)
    share = model.fidelity.steps["model_share"]
    entered = {"Request documents": 0.6, "Inquiry police": 0.7, "Inquiry registry": 0.2}
    for name, true in entered.items():
        assert abs(share[name] - true) <= 4 * math.sqrt(true * (1 - true) / cases), name
    again = {"Request documents": 0.3, "Review": 0.25, "Correct": 0.5}
    for name, true in again.items():
        flow = _again(model, name)
        n = sum(process_flow.frequency for process_flow in _flows_out(model, flow.source))
        assert abs(flow.probability - true) <= 4 * math.sqrt(true * (1 - true) / n), name
    assert model.fidelity.ok


# -- the inductive replay and tree conversion -------------------------------------------------


def _tree(text: str):
    """A pm4py process tree from its string form, e.g. "->( 'a', X( tau, 'b' ) )"."""
    load()
    from pm4py.objects.process_tree.utils.generic import parse

    return _discover_module._from_pm4py(parse(text))


@pytest.mark.parametrize(
    ("tree", "trace", "fits"),
    [
        ("->( 'a', X( tau, 'b' ), 'c' )", "ac", True),
        ("->( 'a', X( tau, 'b' ), 'c' )", "abc", True),
        ("->( 'a', X( tau, 'b' ), 'c' )", "acb", False),
        ("+( 'a', ->( 'b', 'c' ) )", "bac", True),
        ("+( 'a', ->( 'b', 'c' ) )", "cba", False),
        ("*( 'a', tau )", "aaa", True),
        ("*( 'a', tau )", "", False),
        ("*( ->( 'a', 'b' ), 'c' )", "abcab", True),
        ("*( ->( 'a', 'b' ), 'c' )", "abab", False),
        ("*( ->( 'a', X( tau, 'b' ) ), tau )", "aaba", True),
        ("*( X( tau, 'a' ), 'b' )", "bb", True),
        ("*( X( tau, 'a' ), X( tau, 'b' ) )", "", True),
        ("X( tau, *( 'a', tau ) )", "", True),
        ("X( tau, *( 'a', tau ) )", "aa", True),
    ],
)
def test_replay_parses_exactly_the_language(tree, trace, fits):
    replay = _discover_module._Replay(_tree(tree))
    assert (replay.run(tuple(trace)) is not None) is fits


def test_trees_bpr_cannot_draw_are_model_errors():
    with pytest.raises(ModelError, match="repeats an activity label"):
        _tree("->( 'a', 'a' )")
    with pytest.raises(ModelError, match="uses the operator"):
        _tree("O( 'a', 'b' )")


def test_replay_counts_loop_iterations():
    tree = _tree("*( ->( 'a', 'b' ), 'c' )")
    counts = Counter()
    _discover_module._Replay(tree).run(tuple("abcabcab")).count(counts, 2)
    do, redo = tree.children
    assert (counts[tree], counts[do], counts[redo]) == (2, 6, 4)


def _graph_of(tree_text: str, variants: dict[tuple[str, ...], int]) -> ServiceProcess:
    """The process ``discover`` builds from a tree (as text) and variants counted through it."""
    tree = _tree(tree_text)
    graph = _discover_module._Graph(len(tree.alphabet))
    replay = _discover_module._Replay(tree)
    counts = Counter()
    for trace, n in variants.items():
        replay.run(trace).count(counts, n)
    span = _discover_module._build(graph, tree, counts)
    cases = sum(variants.values())
    graph.connect("start", span.entry, cases)
    graph.connect(span.exit, graph.end(), cases)
    return ServiceProcess(
        "p", graph.nodes, _discover_module._with_probabilities(graph.nodes, graph.flows)
    )


def test_optional_repetition_skips_and_repeats_on_two_decisions():
    """X(tau, *(a, tau)) means "a any number of times, or none": skipping it and doing it again
    are two decisions, each with its own probability counted from the log."""
    variants = {("x", "y"): 3, ("x", "a", "y"): 2, ("x", "a", "a", "a", "y"): 1}
    process = _graph_of("->( 'x', X( tau, *( 'a', tau ) ), 'y' )", variants)
    assert len(process.gateways) == 4
    a = process.step_by_name("a")
    (join,) = process.predecessors(a.id)  # the loop's join: entered, or gone round again
    (split,) = process.successors(a.id)  # the loop's split: again, or leave
    entered = next(process.flow(g, join) for g in process.predecessors(join) if g != split)
    assert (entered.frequency, entered.probability) == (3, 0.5)  # 3 of 6 cases have a
    again = process.flow(split, join)
    assert (again.frequency, again.probability) == (2, 2 / 5)  # 2 of a's 5 runs go round again
    assert measure(process).steps == pytest.approx(1 + 5 / 6 + 1)


def _text(node) -> str:
    """A tree in pm4py's notation, without quotes."""
    if node.operator == "activity":
        return node.label
    if node.operator == "tau":
        return "tau"
    symbol = {"seq": "->", "xor": "X", "and": "+", "loop": "*"}[node.operator]
    return f"{symbol}({', '.join(map(_text, node.children))})"


def _events(variants: dict[tuple[str, ...], int]) -> pd.DataFrame:
    """A log with ``n`` cases of each trace, one event a minute."""
    rows, start = [], pd.Timestamp("2024-01-01", tz="UTC")
    for k, (trace, n) in enumerate(variants.items()):
        for i in range(n):
            for j, activity in enumerate(trace):
                rows.append((f"c{k}-{i}", activity, start + pd.Timedelta(minutes=j)))
    return pd.DataFrame(rows, columns=["case", "activity", "timestamp"])


def test_a_loop_of_optional_parts_becomes_a_parallel_block_of_them():
    """*(->(X(tau, a), X(tau, b)), tau) accepts any sequence of a and b; "b a" takes two
    rounds. As a loop, b is decided anew in every round: of the 140 rounds of 100 cases, 70
    have b and 40 go round again, so a case has b with probability
    1 - (5/7 * 1/2) / (1 - 2/7 * 1/2) = 7/12, where the log has 70 %. As a parallel block of
    "a or not" and "b or not", each is decided once per case."""
    text = "->( 'x', *( ->( X( tau, 'a' ), X( tau, 'b' ) ), tau ), 'y' )"
    variants = {("x", "b", "a", "y"): 40, ("x", "a", "b", "y"): 30, ("x", "a", "y"): 30}
    events = _events(variants)
    as_loop = bpr.fidelity(_graph_of(text, variants), events).steps["model_share"]
    assert as_loop["b"] == pytest.approx(7 / 12)
    tree = _tree(text)
    repeats = _discover_module._loops(tree)
    (loop,) = repeats
    rounds = _discover_module._rounds(_discover_module._runs(tree, variants), repeats)
    own = _discover_module._own(repeats[loop], rounds[loop], 100)
    assert own  # one gets a branch; the other is left alone in the shared one
    regrouped = _discover_module._regrouped(tree, repeats, {loop: own}, rounds)
    block = regrouped.children[1]
    assert block.operator == "and"
    # Each is decided once per case; the log never repeats one, so neither is a loop.
    assert sorted(map(_text, block.children)) == ["X(tau, a)", "X(tau, b)"]
    model = discover(events)
    assert model.fidelity.steps["model_share"].to_dict() == pytest.approx(
        {"x": 1.0, "a": 1.0, "b": 0.7, "y": 1.0}
    )
    assert len([g for g in model.gateways if g.kind is GatewayKind.PARALLEL]) == 2


# -- BPIC 2020 --------------------------------------------------------------------------------


def test_bpic2020_discovers_a_readable_model(data_dir):
    log = read_log(data_dir / "logs" / "bpic2020_permit_1t_per_variant.xes.gz")
    process = discover(log, noise=0.01)
    assert 30 <= len(process.steps) <= 40
    svg = etree.fromstring(render(process).encode("utf-8"))
    shown = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    for step in process.steps:
        assert step.name in shown  # long names wrap onto consecutive lines


# -- arguments --------------------------------------------------------------------------------


def test_bad_arguments_are_model_errors(generated):
    with pytest.raises(ModelError, match="unknown method 'alpha'"):
        discover(generated, method="alpha")
    with pytest.raises(ModelError, match=r"noise must lie in \[0, 1\], got -0.1"):
        discover(generated, noise=-0.1)


def test_a_dataframe_is_read_and_left_unchanged(generated):
    before = generated.copy()
    process = discover(generated, method="dfg")
    pd.testing.assert_frame_equal(generated, before)
    assert isinstance(process.starts[0], Event)


def test_discovered_processes_serialise_and_measure(generated, generated_model):
    """A discovered process is like any other: JSON and BPMN round trips, measures.

    With branch probabilities from the log's own counts, the expected number of steps per
    case is the log's mean number of events per case.
    """
    from bpr import measure, read_process

    assert read_process(write_process(generated_model)) == generated_model
    assert read_bpmn(write_bpmn(generated_model)) == generated_model
    length = measure(generated_model)
    assert length.steps == pytest.approx(len(generated) / generated["case"].nunique())


# -- Persian labels -----------------------------------------------------------------------------


def test_a_persian_log_with_arabic_spellings_rediscovers_and_types_its_steps():
    """Labels spelt with Arabic yeh and kaf in some events are one activity; the Persian
    lexicon types every step."""
    kinds = {
        "ثبت درخواست": "submit",
        "استعلام از پلیس": "inquiry",
        "پرداخت عوارض": "pay",
        "بررسی مدارک": "verify",
        "صدور پروانه": "issue",
    }
    a, b, c, d, e = (Step(f"p{i}", name) for i, name in enumerate(kinds))
    known = ServiceProcess.from_blocks("پروانه", a, Xor(b, None), And(c, d), e)
    generated = generate_log(known, 200, seed=11)
    events = generated.copy()
    respelt = events.index % 10 == 0
    arabic = str.maketrans({"ی": "ي", "ک": "ك"})
    events.loc[respelt, "activity"] = events.loc[respelt, "activity"].map(
        lambda label: label.translate(arabic)
    )
    changed = int((events["activity"] != generated["activity"]).sum())
    assert changed > 0
    log = read_log(events)
    assert log.repairs["count"].sum() == changed
    model = discover(log)
    assert sorted(s.name for s in model.steps) == sorted(kinds)
    assert {s.name: s.kind.value for s in model.steps} == kinds
    # Every case, in the Persian spelling, is a run of the model.
    fitness = _token_replay_fitness(bpr.petri_net(model, form="state_machine"), generated)
    assert fitness["perc_fit_traces"] == 100.0
