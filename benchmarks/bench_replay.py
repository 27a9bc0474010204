"""Replaying a log on a discovered model with pm4py: which net, how fast, how right.

The model is ``bpr.discover`` of the receipt log (inductive miner, noise 0: 27 steps); every
one of its 1,434 cases is a run of the model (alignments say so). The log is replayed four
ways, all with pm4py in the same process:

* token-based replay on ``bpr.petri_net(model)``, the workflow net (pm4py's defaults);
* token-based replay on pm4py's own net of the same log (``discover_petri_net_inductive``);
* token-based replay on ``bpr.petri_net(model, form="state_machine")`` (building the state
  machine is counted);
* alignments on the workflow net (exact, the reference).

Run from the repository root::

    .venv/bin/python benchmarks/bench_replay.py [--repeat 3]

It prints, for each, the best wall-clock seconds of the runs, the cases it calls fit and the
log fitness, and the time of alignments over each token replay.
"""

from __future__ import annotations

import argparse

from bench_gaps import best
from bench_stats import RECEIPT, machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (best kept)")
    args = parser.parse_args()

    import bpr
    from bpr._pm4py import load, quiet

    print(machine())
    log = bpr.read_log(RECEIPT)
    model = bpr.discover(log)
    print(f"model: {len(model.steps)} steps, {len(model.gateways)} gateways")
    print(f"log: {RECEIPT.name}, {log.n_cases:,} cases")
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
        seconds[name], result = best(args.repeat, work)
        fit = sum(r["trace_is_fit"] if "trace_is_fit" in r else r["fitness"] == 1.0 for r in result)
        fitness = sum(r.get("trace_fitness", r.get("fitness")) for r in result) / len(result)
        print(f"{name}: {seconds[name]:.2f} s, {fit:,} of {len(result):,} cases fit,")
        print(f"  mean trace fitness {fitness:.4f}")
    reference = seconds["alignments, bpr workflow net"]
    for name in list(runs)[:3]:
        print(f"alignments / {name}: {reference / seconds[name]:.1f}x")


if __name__ == "__main__":
    main()
