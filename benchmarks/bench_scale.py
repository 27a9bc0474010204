"""Model-side scaling (issue 16): measure on 1k and 10k steps, analyze on 1,000 activities.

- **measure**: :func:`bpr.measure` of a generated model (``_models.scale_model``: single
  steps, exclusive choices, parallel blocks and loops in random order, typed, durations in
  whole minutes) of 1,000 and 10,000 steps. Targets: time near-linear in the steps, peak
  memory of the 10k-step model below 500 MB.
- **analyze**: :func:`bpr.analyze` (no simulation) of a log of 200 cases along a five-step
  backbone where 1,000 letters "Letter No. N sent" (N unique: 1,000 free-text activities) are
  spread over the cases, every activity typed by an annotation table (``_letters``). Target:
  under 30 s with every candidate of the redesign measured (no time budget: ``budget=None``;
  the count of proposals left ``untried`` is printed, and should be 0). Side by side:
  ``bpr.discover`` against pm4py's inductive miner on the same events, with the ratio.

Each configuration runs in a child process of its own, so that one's memory does not count
against another's (peak resident memory from ``os.wait4``).

Run from the repository root::

    .venv/bin/python benchmarks/bench_scale.py                   # everything
    .venv/bin/python benchmarks/bench_scale.py --only measure --steps 1000 10000
    .venv/bin/python benchmarks/bench_scale.py --only analyze
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"


def _measure(steps: int) -> dict[str, object]:
    from _models import scale_model

    import bpr

    process = scale_model(steps)
    began = time.perf_counter()
    length = bpr.measure(process)
    return {
        "seconds": time.perf_counter() - began,
        "steps": len(process.steps),
        "expected steps": round(length.steps, 3),
        "mean cycle time (days)": round(length.cycle_time_mean.total_seconds() / 86400, 3),
    }


def _analyze() -> dict[str, object]:
    from _letters import letters_annotations, letters_log

    import bpr

    DATA.mkdir(exist_ok=True)
    path = letters_log(DATA / "letters_1000.csv")
    began = time.perf_counter()
    analysis = bpr.analyze(path, annotations=letters_annotations(), simulate=False, budget=None)
    seconds = time.perf_counter() - began
    plan = analysis.redesign
    untried = sum(p.not_applied == "untried" for p in plan.proposals)
    return {
        "seconds": seconds,
        "activities": len(analysis.as_is.steps),
        "proposals": len(plan.proposals),
        "applied": len(plan.plan),
        "untried": untried,
        "note": next((n for n in plan.notes if "budget" in n), ""),
    }


def _discover(engine: str) -> dict[str, object]:
    import bpr

    path = DATA / "letters_1000.csv"
    if engine == "bpr":
        log = bpr.read_log(path)
        began = time.perf_counter()
        model = bpr.discover(log)
        found = len(model.steps)
    else:
        import pandas as pd
        import pm4py

        frame = pd.read_csv(path)
        frame["timestamp"] = pd.to_datetime(frame["timestamp"])
        frame = pm4py.format_dataframe(
            frame, case_id="case", activity_key="activity", timestamp_key="timestamp"
        )
        began = time.perf_counter()
        net, _, _ = pm4py.discover_petri_net_inductive(frame)
        found = len([t for t in net.transitions if t.label is not None])
    return {"seconds": time.perf_counter() - began, "activities found": found}


def _child(args: list[str]) -> tuple[dict[str, object], float]:
    """Run one configuration in a child process: its result and peak resident MB."""
    env = {**os.environ, "PYTHONPATH": f"{HERE}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", *args], stdout=subprocess.PIPE, env=env
    )
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"child {args} failed with status {status}")
    return json.loads(out), usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("measure", "analyze"))
    parser.add_argument("--steps", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, *rest = args.child
        run = {"measure": lambda: _measure(int(rest[0])), "analyze": _analyze}
        run["discover"] = lambda: _discover(rest[0])
        print(json.dumps(run[what]()))
        return
    if args.only in (None, "measure"):
        print("measure(process) on generated models")
        for steps in args.steps:
            result, rss = _child(["measure", str(steps)])
            print(
                f"  {steps:>6,} steps: {result['seconds']:7.1f} s, peak RSS {rss:6.0f} MB  {result}"
            )
    if args.only in (None, "analyze"):
        result, rss = _child(["analyze"])
        print(f"analyze, 1,000 activities: {result['seconds']:.1f} s, peak RSS {rss:.0f} MB")
        for key, value in result.items():
            print(f"  {key}: {value}")
        ours, _ = _child(["discover", "bpr"])
        theirs, _ = _child(["discover", "pm4py"])
        ratio = theirs["seconds"] / ours["seconds"]
        print(
            f"discover on the same log: bpr {ours['seconds']:.2f} s "
            f"({ours['activities found']} steps), pm4py inductive {theirs['seconds']:.2f} s "
            f"({theirs['activities found']} labels): pm4py/bpr = {ratio:.2f}"
        )


if __name__ == "__main__":
    main()
