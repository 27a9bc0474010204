"""Documentation gaps at scale: bpr's find_undocumented against pm4py's token-based replay.

The log is the receipt log replicated to about 1M events (1,003,509 events, 167,778 cases;
written by ``bench_stats.generate`` into ``benchmarks/_data/`` and reused). The documented
procedure is the main line of the receipt process, "Confirmation of receipt" followed by T02,
T04, T05, T06 and T10, as a sequence.

* ``bpr``: ``bpr.find_undocumented(steps, log)`` on the log read by ``bpr.read_log`` (DuckDB):
  statistics, matching, undocumented steps and transitions, skipped steps, coverage and
  alignment fitness per variant.
* ``pm4py``: ``pm4py.conformance_diagnostics_token_based_replay`` of the same events (a
  pandas DataFrame) against the workflow net of the same procedure (``bpr.pnml.from_process``).

Run from the repository root::

    .venv/bin/python benchmarks/bench_gaps.py [--repeat 3]

It prints the seconds of each (best of the runs; reading the file is not counted), what each
found, and the ratio pm4py / bpr.
"""

from __future__ import annotations

import argparse
import time

from bench_stats import generate, machine, pm4py_frame

MAIN_LINE = [
    "Confirmation of receipt",
    "T02 Check confirmation of receipt",
    "T04 Determine confirmation of receipt",
    "T05 Print and send confirmation of receipt",
    "T06 Determine necessity of stop advice",
    "T10 Determine necessity to stop indication",
]


def best(runs: int, work) -> tuple[float, object]:
    """The shortest wall-clock time of ``runs`` calls of ``work``, and its last result."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (best kept)")
    args = parser.parse_args()

    import bpr
    from bpr._pm4py import load, quiet
    from bpr.pnml import from_process

    print(machine())
    path = generate("1M")["parquet"]
    log = bpr.read_log(path, engine="duckdb")
    print(f"log: {path.name}, {log.n_events:,} events, {log.n_cases:,} cases")

    ours, gaps = best(args.repeat, lambda: bpr.find_undocumented(MAIN_LINE, log))
    print(f"bpr find_undocumented: {ours:.2f} s")
    print("  " + gaps.summary().replace("\n", "\n  "))

    pm4py = load()
    frame = pm4py_frame(path)
    process = bpr.ServiceProcess.from_blocks(
        "Receipt main line", *(bpr.Step(f"s{i}", name) for i, name in enumerate(MAIN_LINE, 1))
    )
    net = from_process(process)

    def replay():
        with quiet():
            return pm4py.conformance_diagnostics_token_based_replay(
                frame, net.net, net.initial, net.final
            )

    theirs, diagnostics = best(args.repeat, replay)
    fitting = sum(d["trace_is_fit"] for d in diagnostics)
    print(f"pm4py token-based replay diagnostics: {theirs:.2f} s")
    print(f"  {len(diagnostics):,} cases replayed, {fitting:,} fit the procedure")
    print(f"ratio pm4py / bpr: {theirs / ours:.1f}x")


if __name__ == "__main__":
    main()
