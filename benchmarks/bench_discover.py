"""Discovery: bpr.discover against pm4py's inductive miner, on the same logs in one process.

* ``bpr``: ``bpr.discover(log, noise=...)`` on the log read by ``bpr.read_log`` (DuckDB for
  files): the statistics pass, the inductive miner on the variants, the tree turned into a
  typed ``ServiceProcess`` with exact flow frequencies, step types and step statistics, and
  its check against the log (``process.fidelity``; the warning it gives is not printed).
* ``pm4py``: ``pm4py.discover_petri_net_inductive(frame, noise_threshold=...)`` on the same
  events as a pandas DataFrame (``pm4py.format_dataframe``): variants from the events, the
  same miner, the tree converted to a Petri net. No typing, no frequencies.

Reading is not timed. Logs: the receipt log replicated to about 1M and 10M events (written by
``bench_stats.generate`` into ``benchmarks/_data/`` and reused), and the BPIC 2020 permit log
(one trace per variant, 1,478 variants of 51 activities), where the miner itself is the cost.

Run from the repository root::

    .venv/bin/python benchmarks/bench_discover.py [--repeat 3] [--sizes 1M 10M]

It prints the best seconds of each, the size of what each found, and the ratio pm4py / bpr.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path
from typing import Any

from bench_gaps import best
from bench_stats import HERE, generate, machine, pm4py_frame

BPIC = HERE.parent / "tests" / "data" / "logs" / "bpic2020_permit_1t_per_variant.xes.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (best kept)")
    parser.add_argument("--sizes", nargs="+", choices=["1M", "10M"], default=["1M", "10M"])
    args = parser.parse_args()

    import bpr
    from bpr._pm4py import load, quiet

    # The receipt model's median cycle time is beyond its tolerance: the check is timed, its
    # warning at every run would only hide the figures.
    warnings.simplefilter("ignore", bpr.FidelityWarning)
    print(machine())
    pm4py = load()
    logs = [generate(size)["parquet"] for size in args.sizes] + [BPIC]
    for path in logs:
        log, frame = _load(path)
        print(f"{path.name}: {log.n_events:,} events, {log.n_cases:,} cases")
        for noise in (0.01,) if path == BPIC else (0.0, 0.2):
            ours, process = best(
                args.repeat, lambda log=log, noise=noise: bpr.discover(log, noise=noise)
            )

            def theirs_run(frame=frame, noise=noise):
                with quiet():
                    return pm4py.discover_petri_net_inductive(frame, noise_threshold=noise)

            theirs, (net, _, _) = best(args.repeat, theirs_run)
            visible = sum(t.label is not None for t in net.transitions)
            print(f"  noise {noise}: bpr discover {ours:.2f} s ({len(process.steps)} steps),")
            print(f"    pm4py discover_petri_net_inductive {theirs:.2f} s ({visible} labels),")
            print(f"    ratio pm4py / bpr: {theirs / ours:.1f}x")


def _load(path: Path) -> tuple[Any, Any]:
    """The log read by bpr (DuckDB for the Parquet files) and the same events for pm4py."""
    import bpr
    from bpr._pm4py import load, quiet

    if path != BPIC:
        return bpr.read_log(path, engine="duckdb"), pm4py_frame(path)
    with quiet():
        return bpr.read_log(path), load().read_xes(str(path))


if __name__ == "__main__":
    main()
