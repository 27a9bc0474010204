"""Simulation speed: bpr.simulate against Prosimos on the same models, 1,000 and 10,000 cases.

Models (both built with bpr, written for Prosimos as BPMN by ``bpr.write_bpmn`` plus a JSON
file of simulation parameters generated here from the same numbers):

* ``seq50``: a sequence of 50 tasks, one pool of 20 clerks, every task exponential with a
  10-minute mean, Poisson arrivals every 1,875 s on average (the pool is 80 % busy);
* ``xor-and10``: 10 tasks with an exclusive block (60 % two tasks, 40 % one) and a parallel
  block (two tasks against one), a pool of 10 clerks, the same task durations, Poisson
  arrivals every 645 s on average (80 % busy).

Both simulators run around the clock (Prosimos with a Monday-to-Sunday 24-hour calendar) and
produce the simulated event log: bpr its events table (``Simulation.log`` turns it into an
``EventLog``; timed separately), Prosimos its CSV log. Prosimos is not a dependency of bpr:
it runs in its own virtualenv, ``benchmarks/_venv-prosimos`` (it pins its own numpy and
pandas)::

    python3 -m venv benchmarks/_venv-prosimos
    benchmarks/_venv-prosimos/bin/pip install prosimos

Each configuration runs in its own child process, whose peak resident memory (``ru_maxrss``
from ``os.wait4``) is reported; times are wall-clock seconds of the simulation call, imports
excluded, and the CPU seconds of the same call (``time.process_time``), which a busy machine
disturbs less. Run from the repository root::

    .venv/bin/python benchmarks/bench_simulate.py                    # everything
    .venv/bin/python benchmarks/bench_simulate.py --cases 1000 --tools bpr

The script prints one row per configuration, then the ratios Prosimos / bpr. The mean cycle
times of the two tools are printed side by side as a check that they simulated the same
thing (they draw different random numbers, so they agree only statistically).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from bench_stats import hardware

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data" / "simulate"
PROSIMOS_PYTHON = HERE / "_venv-prosimos" / "bin" / "python"
TASK_MEAN = 600.0  # seconds, every task
START = "2024-01-06T00:00:00.000+00:00"
# model name -> (clerks, mean seconds between arrivals)
MODELS = {"seq50": (20, 1875.0), "xor-and10": (10, 645.0)}
CASES = (1_000, 10_000)


# --- the models (built with bpr; only the parent process and the bpr child import it) ----


def build(name: str):
    from bpr import And, ServiceProcess, Step, Xor

    def task(k: int) -> Step:
        return Step(f"t{k:02d}", f"Task {k:02d}", agency="Agency", actor="back_office",
                    duration=TASK_MEAN)  # fmt: skip

    if name == "seq50":
        return ServiceProcess.from_blocks("seq50", *(task(k) for k in range(1, 51)))
    return ServiceProcess.from_blocks(
        "xor-and10",
        task(1),
        task(2),
        Xor([task(3), task(4)], task(5), probabilities=[0.6, 0.4]),
        And([task(6), task(7)], task(8)),
        task(9),
        task(10),
    )


def prosimos_inputs(name: str) -> tuple[Path, Path]:
    """The model as BPMN (bpr.write_bpmn) and Prosimos' JSON parameters, from the same numbers."""
    import xml.etree.ElementTree as ET

    from bpr import Gateway, GatewayKind, write_bpmn

    process = build(name)
    clerks, gap = MODELS[name]
    DATA.mkdir(parents=True, exist_ok=True)
    bpmn, params = DATA / f"{name}.bpmn", DATA / f"{name}.json"
    write_bpmn(process, bpmn)
    namespace = {"b": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    flow_ids = {
        (f.get("sourceRef"), f.get("targetRef")): f.get("id")
        for f in ET.parse(bpmn).getroot().iterfind(".//b:sequenceFlow", namespace)
    }

    def exponential(mean: float) -> dict:
        return {"distribution_name": "expon",
                "distribution_params": [{"value": mean}, {"value": 0}, {"value": 1e9}]}  # fmt: skip

    always = [{"from": "MONDAY", "to": "SUNDAY", "beginTime": "00:00:00.000",
               "endTime": "23:59:59.999"}]  # fmt: skip
    splits = [
        n for n in process.gateways
        if n.kind is GatewayKind.EXCLUSIVE and len(process.successors(n.id)) > 1
    ]  # fmt: skip
    tasks = [s.id for s in process.steps]
    parameters = {
        "resource_profiles": [
            {
                "id": "clerks",
                "name": "Clerks",
                "resource_list": [
                    {
                        "id": "clerk",
                        "name": "Clerk",
                        "cost_per_hour": "1",
                        "amount": clerks,
                        "calendar": "always",
                        "assignedTasks": tasks,
                    }
                ],
            }
        ],
        "arrival_time_distribution": exponential(gap),
        "arrival_time_calendar": always,
        "gateway_branching_probabilities": [
            {
                "gateway_id": g.id,
                "probabilities": [
                    {"path_id": flow_ids[g.id, t], "value": str(process.flow(g.id, t).probability)}
                    for t in process.successors(g.id)
                ],
            }
            for g in splits
            if isinstance(g, Gateway)
        ],
        "task_resource_distribution": [
            {"task_id": t, "resources": [{"resource_id": "clerk", **exponential(TASK_MEAN)}]}
            for t in tasks
        ],
        "resource_calendars": [{"id": "always", "name": "always", "time_periods": always}],
    }
    params.write_text(json.dumps(parameters, indent=1))
    return bpmn, params


# --- the measured configurations (child processes) ----------------------------------------


def run_bpr(name: str, cases: int) -> dict:
    from datetime import timedelta

    import bpr

    process = build(name)
    clerks, gap = MODELS[name]
    # A first small run loads the libraries bpr imports lazily (pandas, numpy): not timed.
    assert bpr.simulate(process, cases=10, replications=1).log.n_cases == 10
    started, cpu = time.perf_counter(), time.process_time()
    sim = bpr.simulate(process, cases=cases, replications=1, resources=clerks,
                       arrivals=timedelta(seconds=gap), distribution="exponential")  # fmt: skip
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    log = sim.log
    return {
        "seconds": seconds,
        "cpu": cpu,
        "log_seconds": time.perf_counter() - started,
        "events": log.n_events,
        "cases": log.n_cases,
        "cycle_hours": sim.cycle_time.value.total_seconds() / 3600,
    }


def run_prosimos(name: str, cases: int) -> dict:
    import numpy as np
    from prosimos.simulation_engine import run_simulation

    bpmn, params = DATA / f"{name}.bpmn", DATA / f"{name}.json"
    log_path = DATA / f"{name}-{cases}-prosimos.csv"
    np.random.seed(0)  # scipy's samplers draw from numpy's global generator
    started, cpu = time.perf_counter(), time.process_time()
    run_simulation(str(bpmn), str(params), cases, log_out_path=str(log_path), starting_at=START)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    with log_path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    spans: dict[str, list[datetime]] = {}
    for row in rows:
        times = [datetime.fromisoformat(row[k]) for k in ("enable_time", "end_time")]
        span = spans.setdefault(row["case_id"], [times[0], times[1]])
        span[0], span[1] = min(span[0], times[0]), max(span[1], times[1])
    cycle = [(b - a).total_seconds() for a, b in spans.values()]
    return {
        "seconds": seconds,
        "cpu": cpu,
        "log_seconds": 0.0,  # written while simulating
        "events": len(rows),
        "cases": len(spans),
        "cycle_hours": sum(cycle) / len(cycle) / 3600,
    }


RUNNERS = {"bpr": run_bpr, "prosimos": run_prosimos}


def measure(tool: str, name: str, cases: int) -> dict:
    """Run one configuration in a child process: its results and its peak memory."""
    python = sys.executable if tool == "bpr" else str(PROSIMOS_PYTHON)
    command = [python, __file__, "--child", tool, name, str(cases)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{tool} on {name} with {cases} cases failed")
    return {**json.loads(output.splitlines()[-1]), "peak_mb": usage.ru_maxrss / 1024}


# --- report -------------------------------------------------------------------------------


def machine() -> str:
    versions = subprocess.run(
        [
            str(PROSIMOS_PYTHON),
            "-c",
            "import importlib.metadata as m; print(m.version('prosimos'))",
        ],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{hardware()}, Prosimos {versions or 'not installed'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", choices=sorted(MODELS), default=list(MODELS))
    parser.add_argument("--cases", nargs="+", type=int, default=list(CASES))
    parser.add_argument("--tools", nargs="+", choices=sorted(RUNNERS), default=sorted(RUNNERS))
    parser.add_argument("--child", nargs=3, metavar=("TOOL", "MODEL", "CASES"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    if args.child:
        tool, name, cases = args.child
        print(json.dumps(RUNNERS[tool](name, int(cases))))
        return
    if "prosimos" in args.tools and not PROSIMOS_PYTHON.exists():
        raise SystemExit(f"no Prosimos virtualenv at {PROSIMOS_PYTHON}; see this script's help")

    print(machine())
    print("| model | cases | tool | simulate s | CPU s | log s | peak MB | events | mean cycle h |")
    print("|---" * 9 + "|")
    results = {}
    for name in args.models:
        if "prosimos" in args.tools:
            prosimos_inputs(name)
        for cases in args.cases:
            for tool in args.tools:
                r = results[name, cases, tool] = measure(tool, name, cases)
                print(
                    f"| {name} | {cases:,} | {tool} | {r['seconds']:.2f} | {r['cpu']:.2f} "
                    f"| {r['log_seconds']:.2f} "
                    f"| {r['peak_mb']:,.0f} | {r['events']:,} | {r['cycle_hours']:.2f} |",
                    flush=True,
                )
    print("\nratios Prosimos / bpr (simulate time; peak memory):")
    for (name, cases, tool), ours in results.items():
        theirs = results.get((name, cases, "prosimos"))
        if tool == "bpr" and theirs:
            print(
                f"  {name} {cases:,}: {theirs['seconds'] / ours['seconds']:.1f}x; "
                f"{theirs['peak_mb'] / ours['peak_mb']:.1f}x"
            )


if __name__ == "__main__":
    main()
