"""Replaying a log on a discovered model with pm4py: which net, how fast, how right.

The models are ``bpr.discover`` (inductive miner, noise 0) of two public logs: receipt
(27 steps; every one of its 1,434 cases is a run of the model) and road-traffic fines, one case
per variant. Each log is replayed, with pm4py in the same process:

* token-based replay on ``bpr.petri_net(model)``, the workflow net (pm4py's defaults);
* token-based replay on pm4py's own net of the same log (``discover_petri_net_inductive``);
* token-based replay on ``bpr.petri_net(model, form="state_machine")`` (building the state
  machine is counted), where the state machine can be built: the calibrated receipt model
  runs nine optional, repeatable branches in parallel, which makes millions of markings;
* alignments on the workflow net (exact, the reference).

Run from the repository root::

    .venv/bin/python benchmarks/bench_replay.py [--repeat 3]

It prints, for each, the best wall-clock seconds of the runs, the cases it calls fit and the
log fitness, and the time of alignments over each token replay.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench_gaps import best
from bench_stats import HERE, RECEIPT, machine

ROAD_FINES = HERE.parent / "tests" / "data" / "logs" / "roadtraffic_1t_per_variant.xes.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (best kept)")
    args = parser.parse_args()
    print(machine())
    for path in (RECEIPT, ROAD_FINES):
        replay(path, args.repeat)


def replay(path: Path, repeat: int) -> None:
    """Replay the log at ``path`` on its discovered model every way, and print the results."""
    import bpr
    from bpr._pm4py import load, quiet
    from bpr.errors import ModelError

    log = bpr.read_log(path)
    model = bpr.discover(log)
    print(f"\n{path.name}: {log.n_cases:,} cases; model: {len(model.steps)} steps, "
          f"{len(model.gateways)} gateways")  # fmt: skip
    pm4py = load()
    frame = log.to_pandas()[["case", "activity", "timestamp"]].rename(
        columns={
            "case": "case:concept:name",
            "activity": "concept:name",
            "timestamp": "time:timestamp",
        }
    )
    workflow = bpr.petri_net(model)
    with quiet():
        own = pm4py.discover_petri_net_inductive(frame)

    def token_replay(net, initial, final):
        with quiet():
            return pm4py.conformance_diagnostics_token_based_replay(frame, net, initial, final)

    def state_machine():
        machine_net = bpr.petri_net(model, form="state_machine")
        return token_replay(machine_net.net, machine_net.initial, machine_net.final)

    def alignments():
        with quiet():
            return pm4py.conformance_diagnostics_alignments(
                frame, workflow.net, workflow.initial, workflow.final
            )

    runs = {
        "token replay, bpr workflow net": lambda: token_replay(
            workflow.net, workflow.initial, workflow.final
        ),
        "token replay, pm4py's inductive net": lambda: token_replay(*own),
        "token replay, bpr state machine": state_machine,
        "alignments, bpr workflow net": alignments,
    }
    seconds = {}
    for name, work in runs.items():
        try:
            seconds[name], result = best(repeat, work)
        except ModelError as error:
            print(f"{name}: not built ({error})")
            continue
        fit = sum(r["trace_is_fit"] if "trace_is_fit" in r else r["fitness"] == 1.0 for r in result)
        fitness = sum(r.get("trace_fitness", r.get("fitness")) for r in result) / len(result)
        print(f"{name}: {seconds[name]:.2f} s, {fit:,} of {len(result):,} cases fit,")
        print(f"  mean trace fitness {fitness:.4f}")
    reference = seconds["alignments, bpr workflow net"]
    for name in list(runs)[:3]:
        if name in seconds:
            print(f"alignments / {name}: {reference / seconds[name]:.1f}x")


if __name__ == "__main__":
    main()
