"""The length of a service from its log: bpr.measure against pm4py's nearest statistics.

* ``bpr``: ``bpr.measure(log)`` on the log read by ``bpr.read_log`` (DuckDB engine): every
  metric per case (steps, visits, handoffs, agencies, documents, inquiries, rework, cycle
  time in calendar and business time, Doing Business days, burden) and their summary, with
  the steps typed from the log's attributes and the classifier.
* ``pm4py``: what pm4py offers towards the same, on the same events as a pandas DataFrame:
  ``get_all_case_durations`` (cycle time), ``get_variants`` (variants),
  ``get_rework_cases_per_activity`` (rework) and ``discover_handover_of_work_network``
  (handoffs between resources).

Reading is not timed. Logs: the receipt log replicated to about 1M and 10M events (written by
``bench_stats.generate`` into ``benchmarks/_data/`` and reused).

Run from the repository root::

    .venv/bin/python benchmarks/bench_measure_log.py [--repeat 3] [--sizes 1M 10M]

It prints the best seconds of each and the ratio pm4py / bpr.
"""

from __future__ import annotations

import argparse
from typing import Any

from bench_gaps import best
from bench_stats import generate, machine, pm4py_frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (best kept)")
    parser.add_argument("--sizes", nargs="+", choices=["1M", "10M"], default=["1M", "10M"])
    args = parser.parse_args()

    import bpr
    from bpr._pm4py import load, quiet

    print(machine())
    pm4py = load()
    for size in args.sizes:
        path = generate(size)["parquet"]
        log, frame = bpr.read_log(path, engine="duckdb"), pm4py_frame(path)
        print(f"{path.name}: {log.n_events:,} events, {log.n_cases:,} cases")
        ours, length = best(args.repeat, lambda log=log: bpr.measure(log))
        print(
            f"  bpr measure: {ours:.2f} s; steps {length.steps:.2f}, handoffs "
            f"{length.handoffs:.2f}, variants {length.variants}, cycle time {length.cycle_time}"
        )

        def theirs_run(frame: Any = frame) -> tuple:
            with quiet():
                return (
                    pm4py.get_all_case_durations(frame),
                    pm4py.get_variants(frame),
                    pm4py.get_rework_cases_per_activity(frame),
                    pm4py.discover_handover_of_work_network(frame),
                )

        theirs, (durations, variants, _, _) = best(args.repeat, theirs_run)
        print(f"  pm4py statistics: {theirs:.2f} s; {len(variants)} variants,")
        print(f"    {len(durations):,} cases")
        print(f"  ratio pm4py / bpr: {theirs / ours:.1f}x")


if __name__ == "__main__":
    main()
