"""From a file to the statistics: where bpr's time goes, side by side with pandas + pm4py.

The logs are the replicated receipt logs of :func:`bench_stats.generate` (1M and 10M events,
fixed replication, so the same bytes on every run), written as CSV and Parquet into
``--data`` (a folder outside the repository, reused by later runs).

Each configuration runs in its own child process, so that its peak resident memory
(``ru_maxrss`` from ``os.wait4``) is its own; a watcher stops a child past ``--limit-gb``:

* ``bpr``: ``bpr.read_log(path)`` then ``EventLog.stats()``. The read is broken down into its
  stages by wrapping, in the child only, the methods of ``bpr.log._Canonical`` (the stage
  table, label cleaning, time parsing, building the events table, duplicates...) and the
  helpers ``read_log`` calls (``_read_columns``, ``_summary``) with a timer; ``bpr/log.py`` is
  not changed. What is left of the read (connecting, locating the file...) is ``other``.
* ``pm4py``: ``pandas.read_csv`` / ``read_parquet`` and ``pm4py.format_dataframe`` (read), then
  what matches ``LogStats`` (stats): ``get_event_attribute_values`` of the activity (activity
  counts), ``discover_performance_dfg`` (directly-follows counts and durations: pm4py's
  performance DFG holds the durations only, so ``discover_dfg`` adds the counts),
  ``get_variants``, ``get_all_case_durations``, ``get_start_activities`` and
  ``get_end_activities``. bpr's per-activity waiting and working times have no pm4py
  counterpart and are not asked of pm4py.

Run from the repository root::

    .venv/bin/python benchmarks/bench_engine.py                       # 1M and 10M events
    .venv/bin/python benchmarks/bench_engine.py --sizes 1M --rounds 3

It prints one row per configuration (read, stats, total seconds; peak memory), the stage
breakdown of bpr's read and the ratios pm4py / bpr of the totals.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench_stats import FORMATS, SIZES, generate, machine

CACHE = Path(tempfile.gettempdir()) / "bpr-bench-engine"
# read_log's helpers timed as stages; the methods of _Canonical are timed as well.
HELPERS = ("_read_columns", "_summary", "_frame")


# --- what each child runs -----------------------------------------------------------------


def instrument(stages: dict[str, float]) -> None:
    """Wrap read_log's stages with a timer (in this child process only)."""
    from bpr import log as module

    nested: list[float] = []
    for name in HELPERS:
        setattr(module, name, timing(stages, nested, name, getattr(module, name)))
    for name, member in vars(module._Canonical).items():
        if callable(member) and not name.startswith("__"):
            setattr(module._Canonical, name, timing(stages, nested, name, member))


def timing(stages: dict[str, float], nested: list[float], name: str, function: Any) -> Any:
    """`function` adding its own seconds to `stages[name]`: one stack for all wrapped functions,
    so that a stage calling another (run calls stage, stage calls stage_columns) counts only
    the time not spent in the other."""

    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        nested.append(0.0)
        try:
            return function(*args, **kwargs)
        finally:
            spent = time.perf_counter() - started
            stages[name] += spent - nested.pop()
            if nested:
                nested[-1] += spent

    return timed


def child_bpr(path: Path) -> dict:
    # Loaded before the clock starts, as pandas and pm4py are in the pm4py child: read_log
    # runs in DuckDB, registers small Arrow tables, and the statistics return pandas tables.
    import duckdb  # noqa: F401
    import pandas  # noqa: F401
    import pyarrow  # noqa: F401

    import bpr

    stages: dict[str, float] = defaultdict(float)
    instrument(stages)
    started = time.perf_counter()
    log = bpr.read_log(path)
    read = time.perf_counter() - started
    started = time.perf_counter()
    stats = log.stats()
    return {
        "read": read,
        "stats": time.perf_counter() - started,
        "stages": {**stages, "other": read - sum(stages.values())},
        "events": stats.n_events,
        "cases": stats.n_cases,
        "pairs": int(stats.directly_follows["count"].sum()),
        "variants": len(stats.variants),
    }


def read_pm4py(path: Path) -> Any:
    """The file into pandas and ``pm4py.format_dataframe``: pm4py's read."""
    import pandas as pd

    from bpr._pm4py import load, quiet

    with quiet():
        frame = pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)
        return load().format_dataframe(
            frame, case_id="case_id", activity_key="activity", timestamp_key="timestamp"
        )


def pm4py_statistics(frame: Any) -> dict:
    """pm4py's counterparts of ``LogStats`` on a formatted frame, and what they counted."""
    from bpr._pm4py import load, quiet

    pm4py = load()
    with quiet():
        activities = pm4py.get_event_attribute_values(frame, "concept:name")
        dfg, _, _ = pm4py.discover_dfg(frame)
        pm4py.discover_performance_dfg(frame)
        variants = pm4py.get_variants(frame)
        durations = pm4py.get_all_case_durations(frame)
        pm4py.get_start_activities(frame)
        pm4py.get_end_activities(frame)
    return {
        "events": sum(activities.values()),
        "cases": len(durations),
        "pairs": sum(dfg.values()),
        "variants": len(variants),
    }


def child_pm4py(path: Path) -> dict:
    from bpr._pm4py import load

    load()  # pandas and pm4py loaded before the clock starts
    started = time.perf_counter()
    frame = read_pm4py(path)
    read = time.perf_counter() - started
    started = time.perf_counter()
    counted = pm4py_statistics(frame)
    return {"read": read, "stats": time.perf_counter() - started, **counted}


CHILDREN = {"bpr": child_bpr, "pm4py": child_pm4py}


# --- the parent ---------------------------------------------------------------------------


def run(engine: str, path: Path, limit_gb: float) -> dict:
    """Run one configuration in a child process: its results and peak memory (MB), or
    ``stopped`` when it went past `limit_gb`."""
    import psutil

    command = [sys.executable, __file__, "--child", engine, str(path)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    watched = psutil.Process(child.pid)
    stopped: list[float] = []

    def watch() -> None:
        while child.poll() is None:
            try:
                rss = watched.memory_info().rss
            except psutil.NoSuchProcess:
                return
            if rss > limit_gb * 2**30:
                stopped.append(rss / 2**20)
                child.kill()
                return
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    watcher.join()
    peak = usage.ru_maxrss / 1024
    if stopped:
        return {"stopped": True, "peak_mb": max(peak, stopped[0])}
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{engine} on {path.name} failed")
    return {**json.loads(output), "peak_mb": peak}


def best(results: list[dict]) -> dict:
    """The fastest run (by total) of one configuration, with the highest peak of all runs."""
    done = [r for r in results if not r.get("stopped")]
    if not done:
        return results[0]
    fastest = min(done, key=lambda r: r["read"] + r["stats"])
    return {**fastest, "peak_mb": max(r["peak_mb"] for r in results)}


def row(size: str, fmt: str, engine: str, result: dict) -> str:
    if result.get("stopped"):
        return (
            f"| {size} | {fmt} | {engine} | stopped past the limit at {result['peak_mb']:,.0f} MB |"
        )
    total = result["read"] + result["stats"]
    return (
        f"| {size} | {fmt} | {engine} | {result['read']:.2f} | {result['stats']:.2f} | "
        f"{total:.2f} | {result['peak_mb']:,.0f} |"
    )


def breakdown(results: dict) -> None:
    """bpr's read, stage by stage, one column per size and format (seconds)."""
    runs = {key[:2]: r for key, r in results.items() if key[2] == "bpr" and "stages" in r}
    if not runs:
        return
    names = sorted(
        {name for r in runs.values() for name in r["stages"]},
        key=lambda name: -max(r["stages"].get(name, 0.0) for r in runs.values()),
    )
    print("\nbpr read_log, seconds per stage:")
    print("| stage | " + " | ".join(f"{s} {f}" for s, f in runs) + " |")
    print("|---" * (len(runs) + 1) + "|")
    for name in names:
        cells = " | ".join(f"{r['stages'].get(name, 0.0):.2f}" for r in runs.values())
        print(f"| {name} | {cells} |")


def check(results: dict, size: str, fmt: str) -> None:
    """Both engines must agree on what they counted, or the timings compare different work."""
    keys = ("events", "cases", "pairs", "variants")
    seen = {
        tuple(r[k] for k in keys)
        for (s, f, _), r in results.items()
        if (s, f) == (size, fmt) and not r.get("stopped")
    }
    if len(seen) > 1:
        raise SystemExit(f"engines disagree on {size} {fmt}: {sorted(seen)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", choices=sorted(SIZES), default=sorted(SIZES))
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--engines", nargs="+", choices=sorted(CHILDREN), default=["bpr", "pm4py"])
    parser.add_argument("--rounds", type=int, default=1, help="child processes per configuration")
    parser.add_argument("--data", type=Path, default=CACHE, help="folder caching the logs")
    parser.add_argument("--limit-gb", type=float, default=6.0, help="stop a child past this")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        engine, path = args.child
        print(json.dumps(CHILDREN[engine](Path(path))))
        return

    print(machine())
    print("load average at the start (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    print(
        "| events | format | engine | read s | stats s | total s | peak MB |\n" + "|---" * 7 + "|"
    )
    results = {}
    for size in sorted(args.sizes, key=SIZES.get):
        paths = generate(size, args.data)
        for fmt in args.formats:
            # Rounds alternate the engines, so that a burst of load from other processes on
            # the shared machine does not fall on one engine only.
            runs = defaultdict(list)
            for _ in range(args.rounds):
                for engine in args.engines:
                    runs[engine].append(run(engine, paths[fmt], args.limit_gb))
            for engine in args.engines:
                results[size, fmt, engine] = best(runs[engine])
                print(row(size, fmt, engine, results[size, fmt, engine]), flush=True)
            check(results, size, fmt)
    print("load average at the end (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    breakdown(results)
    print("\nratios pm4py / bpr, file to statistics (read + stats):")
    for (size, fmt, engine), ours in results.items():
        theirs = results.get((size, fmt, "pm4py"))
        if engine == "bpr" and theirs and not theirs.get("stopped") and not ours.get("stopped"):
            ratio = (theirs["read"] + theirs["stats"]) / (ours["read"] + ours["stats"])
            memory = theirs["peak_mb"] / ours["peak_mb"]
            print(f"  {size} {fmt}: {ratio:.1f}x (peak memory {memory:.1f}x)")


if __name__ == "__main__":
    main()
