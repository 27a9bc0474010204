"""Redesign of a large typed process: how long the planner takes (target: under 2 s for 200 steps).

The process is the bundled vehicle-transfer service repeated as consecutive stages (each stage
a copy with its own step ids and agencies), so every heuristic has work in every stage.
pm4py has no redesign to compare with; the time is printed alone, as wall-clock and as CPU
time of this process (``time.process_time``: the steadier figure on a shared machine).

Run: ``python benchmarks/bench_redesign.py [--steps 200] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import time

import attrs

from bpr import ServiceProcess, redesign
from bpr.examples import vehicle_transfer


def large_process(n_steps: int) -> ServiceProcess:
    """Copies of the vehicle-transfer service chained one after another, ``n_steps`` in all."""
    base = vehicle_transfer()
    copies = -(-n_steps // len(base.steps))
    nodes, flows = [], []
    previous_end = None
    for c in range(copies):
        rename = {n.id: f"c{c}_{n.id}" for n in base.nodes}
        for node in base.nodes:
            if node.id in ("start", "end") and (
                (c > 0 and node.id == "start") or (c < copies - 1 and node.id == "end")
            ):
                continue
            changes = {"id": rename[node.id]}
            if hasattr(node, "agency") and node.agency:
                changes["agency"] = f"{node.agency} {c % 5}"
                changes["documents_in"] = {f"{d} {c}" for d in node.documents_in}
                changes["documents_out"] = {f"{d} {c}" for d in node.documents_out}
            nodes.append(attrs.evolve(node, **changes))
        for flow in base.flows:
            source, target = rename[flow.source], rename[flow.target]
            if c > 0 and flow.source == "start":
                source = previous_end
            if c < copies - 1 and flow.target == "end":
                previous_end = source
                continue
            flows.append(attrs.evolve(flow, source=source, target=target))
    return ServiceProcess(f"{copies} stages", nodes=nodes, flows=flows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the fastest is reported")
    args = parser.parse_args()
    process = large_process(args.steps)
    redesign(vehicle_transfer())  # import numpy, scipy and pandas before timing
    runs = []
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = redesign(process)
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    wall, cpu = min(runs)
    print(
        f"redesign of {len(process.steps)} steps: {wall:.2f} s wall, {cpu:.2f} s CPU "
        f"(process_time; best of {args.repeat}: "
        f"{', '.join(f'{w:.2f}/{c:.2f}' for w, c in runs)} s wall/CPU), "
        f"{len(result.plan)} changes applied of {len(result.proposals)} proposed"
    )
    print(result.compare().round(2).to_string())


if __name__ == "__main__":
    main()
