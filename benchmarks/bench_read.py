"""Reading big logs in bounded memory: XES with bpr and pm4py, and measuring 10M events.

Two parts, each configuration in its own child process so that its peak resident memory is
its own (``ru_maxrss`` from ``os.wait4``; a watcher also samples the child's memory with
psutil and stops it past ``--limit-gb``, 6 GB by default, so that a run never takes the shared
machine down: such a run is reported as stopped, with the memory it had reached):

* **XES** (``--xes``): a ``.xes.gz`` of ``--events`` events (3M by default), made of one small
  trace repeated with new case ids and times (six events of a permit service, with a resource
  and a lifecycle transition each, so that the reader pairs and types as on a real export).
  ``bpr``: ``bpr.read_log(path)`` (streams the XML into DuckDB in batches), then
  ``EventLog.stats()``; ``pm4py``: ``pm4py.read_xes(path)`` (a pandas DataFrame). pm4py is
  skipped above ``--pm4py-max`` events (3M by default). With ``--lifecycle`` each step is a
  start and a complete event, which ``read_log`` pairs.
* **measure** (``--measure``): the 10M-event Parquet log of ``bench_stats.generate`` (the receipt
  log replicated), read with ``bpr.read_log`` alone, then read and measured with
  ``bpr.measure``; the second peak should not exceed the first by much.

Run from the repository root::

    .venv/bin/python benchmarks/bench_read.py --xes --measure
    .venv/bin/python benchmarks/bench_read.py --xes --events 300000

It prints seconds, peak memory and the ratios pm4py / bpr.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench_stats import DATA, generate, machine

TRACE = (
    ("Submit application", "citizen"),
    ("Check documents", "clerk-{}"),
    ("Inquiry to registry", "clerk-{}"),
    ("Decide", "head"),
    ("Pay fee", "citizen"),
    ("Issue permit", "clerk-{}"),
)


def xes_path(events: int, lifecycle: bool = False) -> Path:
    """The generated XES log of about `events` events (written once, then reused); with
    `lifecycle`, each step is a start and a complete event half an hour apart."""
    transitions = ("start", "complete") if lifecycle else ("complete",)
    per_trace = len(TRACE) * len(transitions)
    traces = -(-events // per_trace)
    path = DATA / f"permits-{'lifecycle-' if lifecycle else ''}{traces * per_trace}.xes.gz"
    if path.exists():
        return path
    DATA.mkdir(exist_ok=True)
    origin = datetime(2024, 1, 1, 8, 0)
    temporary = path.with_suffix(".part")
    with gzip.open(temporary, "wt", encoding="utf-8", compresslevel=6) as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0">\n')
        for case in range(traces):
            out.write(f'<trace><string key="concept:name" value="p{case}"/>')
            begin = origin + timedelta(minutes=7 * case)
            for step, (name, who) in enumerate(TRACE):
                done = begin + timedelta(hours=5 * step)
                for transition in transitions:
                    when = done - timedelta(minutes=30 if transition == "start" else 0)
                    out.write(
                        f'<event><string key="concept:name" value="{name}"/>'
                        f'<string key="org:resource" value="{who.format(case % 40)}"/>'
                        f'<string key="lifecycle:transition" value="{transition}"/>'
                        f'<date key="time:timestamp" value="{when.isoformat()}+03:30"/></event>'
                    )
            out.write("</trace>\n")
        out.write("</log>\n")
    temporary.rename(path)
    return path


# --- what each child runs -----------------------------------------------------------------


def child_bpr_xes(path: Path) -> dict:
    import bpr

    started = time.perf_counter()
    log = bpr.read_log(path)
    read = time.perf_counter() - started
    started = time.perf_counter()
    stats = log.stats()
    return {
        "read": read,
        "stats": time.perf_counter() - started,
        "events": log.n_events,
        "cases": log.n_cases,
        "variants": len(stats.variants),
    }


def child_pm4py_xes(path: Path) -> dict:
    from bpr._pm4py import load, quiet

    pm4py = load()
    started = time.perf_counter()
    with quiet():
        frame = pm4py.read_xes(str(path))
    read = time.perf_counter() - started
    return {"read": read, "events": len(frame), "cases": frame["case:concept:name"].nunique()}


def child_bpr_read(path: Path) -> dict:
    import bpr

    started = time.perf_counter()
    log = bpr.read_log(path)
    return {"read": time.perf_counter() - started, "events": log.n_events}


def child_bpr_measure(path: Path) -> dict:
    import bpr

    started = time.perf_counter()
    log = bpr.read_log(path)
    read = time.perf_counter() - started
    started = time.perf_counter()
    length = bpr.measure(log)
    return {
        "read": read,
        "measure": time.perf_counter() - started,
        "events": log.n_events,
        "steps": length.steps,
        "cycle_time": str(length.cycle_time),
    }


CHILDREN = {
    "bpr-xes": child_bpr_xes,
    "pm4py-xes": child_pm4py_xes,
    "bpr-read": child_bpr_read,
    "bpr-measure": child_bpr_measure,
}


# --- the parent ---------------------------------------------------------------------------


def run(kind: str, path: Path, limit_gb: float) -> dict:
    """Run one configuration in a child process: its results and peak memory (MB)."""
    import psutil

    command = [sys.executable, __file__, "--child", kind, str(path)]
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
    child.returncode = os.waitstatus_to_exitcode(status)
    watcher.join()
    peak = usage.ru_maxrss / 1024
    if stopped:
        return {"stopped": True, "peak_mb": max(peak, stopped[0])}
    if child.returncode:
        raise SystemExit(f"{kind} on {path.name} failed (exit {child.returncode})")
    return {**json.loads(output), "peak_mb": peak}


def show(kind: str, result: dict) -> None:
    if result.get("stopped"):
        print(f"  {kind}: stopped past the memory limit at {result['peak_mb']:,.0f} MB")
        return
    times = ", ".join(f"{k} {result[k]:.1f} s" for k in ("read", "stats", "measure") if k in result)
    facts = ", ".join(
        f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}"
        for k, v in result.items()
        if k not in ("read", "stats", "measure", "peak_mb")
    )
    print(f"  {kind}: {times}; peak {result['peak_mb']:,.0f} MB; {facts}")


def bench_xes(events: int, lifecycle: bool, pm4py_max: int, limit_gb: float) -> None:
    path = xes_path(events, lifecycle)
    print(f"{path.name}: {path.stat().st_size / 2**20:.1f} MB")
    ours = run("bpr-xes", path, limit_gb)
    show("bpr read_log + stats", ours)
    if events > pm4py_max:
        print(f"  pm4py: skipped ({events:,} events > --pm4py-max {pm4py_max:,})")
        return
    theirs = run("pm4py-xes", path, limit_gb)
    show("pm4py read_xes", theirs)
    if not theirs.get("stopped"):
        print(
            f"  ratio pm4py / bpr: read time {theirs['read'] / ours['read']:.1f}x, "
            f"peak memory {theirs['peak_mb'] / ours['peak_mb']:.1f}x"
        )


def bench_measure(limit_gb: float) -> None:
    path = generate("10M")["parquet"]
    print(f"{path.name}")
    read = run("bpr-read", path, limit_gb)
    show("bpr read_log", read)
    measured = run("bpr-measure", path, limit_gb)
    show("bpr read_log + measure", measured)
    if not measured.get("stopped"):
        print(f"  peak with measure / peak of reading: {measured['peak_mb'] / read['peak_mb']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--xes", action="store_true", help="read a big XES with bpr and pm4py")
    parser.add_argument("--measure", action="store_true", help="measure 10M events")
    parser.add_argument("--events", type=int, default=3_000_000, help="events of the XES log")
    parser.add_argument(
        "--lifecycle", action="store_true", help="start and complete events (paired by bpr)"
    )
    parser.add_argument("--pm4py-max", type=int, default=3_000_000, help="skip pm4py above")
    parser.add_argument("--limit-gb", type=float, default=6.0, help="stop a child past this")
    args = parser.parse_args()
    if args.child:
        kind, path = args.child
        print(json.dumps(CHILDREN[kind](Path(path))))
        return
    print(machine())
    if args.xes:
        bench_xes(args.events, args.lifecycle, args.pm4py_max, args.limit_gb)
    if args.measure:
        bench_measure(args.limit_gb)


if __name__ == "__main__":
    main()
