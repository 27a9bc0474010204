"""Discovery: bpr.discover against pm4py's inductive miner, on the same logs in one process.

* ``bpr``: ``bpr.discover(log, noise=...)`` on the log read by ``bpr.read_log`` (DuckDB for
  files): the statistics pass, the inductive miner on the variants, the tree turned into a
  typed ``ServiceProcess`` with exact flow frequencies, step types and step statistics.
* ``pm4py``: ``pm4py.discover_petri_net_inductive(frame, noise_threshold=...)`` on the same
  events as a pandas DataFrame (``pm4py.format_dataframe``): variants from the events, the
  same miner, the tree converted to a Petri net. No typing, no frequencies.

Reading is not timed. Logs: the receipt log replicated to about 1M events (written by
``bench_stats.generate`` into ``benchmarks/_data/`` and reused), and the BPIC 2020 permit log
(one trace per variant, 1,478 variants of 51 activities), where the miner itself is the cost.

Run from the repository root::

    .venv/bin/python benchmarks/bench_discover.py [--repeat 3]

It prints the best seconds of each, the size of what each found, and the ratio pm4py / bpr.
"""

from __future__ import annotations

import argparse

from bench_gaps import best
from bench_stats import HERE, generate, machine

BPIC = HERE.parent.parent / "shared" / "data" / "logs" / "bpic2020_permit_1t_per_variant.xes.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (best kept)")
    args = parser.parse_args()

    import pandas as pd

    import bpr
    from bpr._pm4py import load, quiet

    print(machine())
    pm4py = load()
    receipt = generate("1M")["parquet"]
    with quiet():
        frames = {
            receipt.name: pm4py.format_dataframe(
                pd.read_parquet(receipt),
                case_id="case_id",
                activity_key="activity",
                timestamp_key="timestamp",
            ),
            BPIC.name: pm4py.read_xes(str(BPIC)),
        }
    logs = {receipt.name: bpr.read_log(receipt, engine="duckdb"), BPIC.name: bpr.read_log(BPIC)}
    for name, noise in [(receipt.name, 0.0), (receipt.name, 0.2), (BPIC.name, 0.01)]:
        log, frame = logs[name], frames[name]
        print(f"{name}: {log.n_events:,} events, {log.n_cases:,} cases; noise {noise}")
        ours, process = best(
            args.repeat, lambda log=log, noise=noise: bpr.discover(log, noise=noise)
        )
        print(f"  bpr discover: {ours:.2f} s, {len(process.steps)} steps")

        def theirs_run(frame=frame, noise=noise):
            with quiet():
                return pm4py.discover_petri_net_inductive(frame, noise_threshold=noise)

        theirs, (net, _, _) = best(args.repeat, theirs_run)
        visible = sum(t.label is not None for t in net.transitions)
        print(
            f"  pm4py discover_petri_net_inductive: {theirs:.2f} s, {visible} visible transitions"
        )
        print(f"  ratio pm4py / bpr: {theirs / ours:.1f}x")


if __name__ == "__main__":
    main()
