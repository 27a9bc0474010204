"""From a file to the statistics, the model, the gaps and the whole analysis: bpr and pm4py.

The logs are the replicated receipt logs of :func:`bench_stats.generate` (1M and 10M events, as
CSV and Parquet) and, written the same way in batches of replicas, a 50M-event Parquet file
(5,830 replicas, 8,360,220 cases), all cached in ``--data`` (outside the repository).

Each configuration runs in its own child process, so that its peak resident memory is its
own: the higher of the child's ``ru_maxrss`` (``os.wait4``) and the largest resident memory of
the child and its descendants sampled by a watcher, which stops the child past ``--limit-gb``
("out of memory") or ``--timeout`` ("over the time limit"). The stages, each from the file:

* ``statistics``: bpr ``read_log`` + ``EventLog.stats()``; pandas read +
  ``pm4py.format_dataframe`` + activity counts, DFG, performance DFG, variants, case
  durations, start and end activities (the children of ``bench_engine.py``).
* ``model``: bpr ``read_log`` + ``bpr.discover(log)`` (pm4py's inductive miner on the log's
  variants, noise 0); pandas read + ``format_dataframe`` +
  ``pm4py.discover_petri_net_inductive(frame, noise_threshold=0.0)``.
* ``gaps``: bpr ``read_log`` + ``bpr.find_undocumented(MAIN_LINE, log)``, as ``bpr analyze
  --documented`` computes them (undocumented steps and transitions, skipped steps, coverage
  and the alignment-based fitness); pandas read + ``format_dataframe`` +
  ``pm4py.fitness_alignments`` against the workflow net of the same procedure (the fitness
  bpr reports is defined as pm4py's log fitness, so both must agree).
* ``analyze``: the command ``bpr analyze FILE --documented main_line.txt`` end to end (read,
  statistics, gaps, discovery, length, redesign, simulation, report and files), timed by the
  parent from start to exit; pandas read + ``format_dataframe`` + all of pm4py's counterparts
  above in one process (pm4py has no redesign, simulation or report to add).

Run from the repository root::

    .venv/bin/python benchmarks/bench_analyze.py --sizes 1M,10M,50M
    .venv/bin/python benchmarks/bench_analyze.py --sizes 50M --engines bpr --breakdown

It prints one row per configuration, a side-by-side markdown table with the ratios
pm4py / bpr, and with ``--breakdown`` the seconds and peak memory of each stage of an
in-process ``bpr.analyze`` run the way the command runs it.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bench_stats
from bench_engine import CACHE, child_bpr, child_pm4py, read_pm4py
from bench_gaps import MAIN_LINE
from bench_stats import generate, machine, receipt_events

SIZES = {**bench_stats.SIZES, "50M": 50_000_000}
STAGES = ("statistics", "model", "gaps", "analyze")
ENGINES = ("bpr", "pm4py")
# analyze's progress messages, as the stage tables name them ("done": the models' lengths and
# the annotation table that analyze computes after its last stage).
STAGE_NAMES = {
    "computing statistics": "statistics",
    "finding undocumented steps": "gaps",
    "discovering the as-is process": "discovery",
    "measuring": "measure (log)",
    "redesigning": "redesign",
    "simulating as-is and to-be": "simulation",
    "done": "models' lengths",
}
RESULT = "RESULT "  # the child's last line of output: RESULT {json}
REPLICAS_PER_BATCH = 500  # about 4.3M events per batch when writing a big log


# --- data ---------------------------------------------------------------------------------


def logs(size: str, folder: Path, formats: list[str]) -> dict[str, Path]:
    """The replicated receipt log of ``size`` events by format, written once into ``folder``:
    CSV and Parquet up to 10M (:func:`bench_stats.generate`), Parquet only beyond."""
    if size in bench_stats.SIZES:
        return generate(size, folder)
    return {"parquet": write_parquet(size, folder)}


def write_parquet(size: str, folder: Path) -> Path:
    """Write (or reuse) the replicated receipt log of ``size`` events as one Parquet file, the
    replicas in batches, so that memory holds one batch rather than the whole log.

    The rows are those of :func:`bench_stats.generate`: replica ``r`` of a case gets the id
    ``<case>-<r>`` and its times shifted by ``r`` hours, in the order of replica and position.
    """
    import duckdb
    import pyarrow.parquet as pq

    path = folder / f"receipt_{size}.parquet"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    base = receipt_events()
    replicas = math.ceil(SIZES[size] / len(base))
    con = duckdb.connect(config={"memory_limit": "2GB"})
    con.execute("SET enable_progress_bar = false")
    con.execute("SET TimeZone = 'UTC'")
    con.register("base", base)
    partial = path.with_suffix(".partial")
    writer = None
    for first in range(0, replicas, REPLICAS_PER_BATCH):
        last = min(first + REPLICAS_PER_BATCH, replicas)
        batch = con.sql(
            "SELECT case_id || '-' || r AS case_id, activity, "
            "(timestamp + r * INTERVAL 1 HOUR)::TIMESTAMPTZ AS timestamp, resource "
            f"FROM base, range({first}, {last}) AS replica(r) ORDER BY r, pos"
        ).to_arrow_table()
        writer = writer or pq.ParquetWriter(partial, batch.schema, compression="snappy")
        writer.write_table(batch, row_group_size=122_880)
    assert writer is not None
    writer.close()
    partial.rename(path)
    return path


def procedure_file(folder: Path) -> Path:
    """The documented procedure of the gaps (``bench_gaps.MAIN_LINE``) as a step list for
    ``bpr analyze --documented``."""
    path = folder / "main_line.txt"
    if not path.exists():
        path.write_text("".join(f"{step}\n" for step in MAIN_LINE), encoding="utf-8")
    return path


# --- what each child runs -----------------------------------------------------------------


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds `work` took, and its result."""
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def read_bpr(path: Path, memory_limit: str | None) -> tuple[float, Any]:
    """``bpr.read_log`` of `path` (with the libraries loaded before the clock), timed."""
    import pandas  # noqa: F401
    import pyarrow  # noqa: F401

    import bpr

    options = {} if memory_limit is None else {"memory_limit": memory_limit}
    return timed(lambda: bpr.read_log(path, **options))


def read_pm4py_timed(path: Path) -> tuple[float, Any]:
    """pandas read + ``format_dataframe`` of `path` (pandas and pm4py loaded before the
    clock), timed."""
    from bpr._pm4py import load

    load()
    return timed(lambda: read_pm4py(path))


def pm4py_counts(frame: Any) -> dict[str, int]:
    """Events and cases of a formatted pm4py frame."""
    return {"events": len(frame), "cases": int(frame["case:concept:name"].nunique())}


def main_line_net() -> Any:
    """The workflow net of the documented main line (``bpr.pnml.from_process``)."""
    import bpr
    from bpr.pnml import from_process

    steps = (bpr.Step(f"s{i}", name) for i, name in enumerate(MAIN_LINE, 1))
    return from_process(bpr.ServiceProcess.from_blocks("Receipt main line", *steps))


def pm4py_discover(frame: Any) -> int:
    """pm4py's inductive miner (noise 0, as ``bpr.discover``'s default): visible transitions."""
    from bpr._pm4py import load, quiet

    with quiet():
        net, _, _ = load().discover_petri_net_inductive(frame, noise_threshold=0.0)
    return sum(t.label is not None for t in net.transitions)


def pm4py_fitness(frame: Any) -> float:
    """pm4py's alignment-based log fitness against the main line's workflow net."""
    from bpr._pm4py import load, quiet

    net = main_line_net()
    with quiet():
        fitness = load().fitness_alignments(frame, net.net, net.initial, net.final)
    return float(fitness["log_fitness"])


def stats_bpr(path: Path, memory_limit: str | None) -> dict:
    """bpr, file to statistics: ``bench_engine.child_bpr`` (read_log's stages timed), or with
    a memory limit ``read_log(path, memory_limit=...)`` + ``EventLog.stats()``."""
    if memory_limit is None:
        result = child_bpr(path)
        return {**result, "work": result.pop("stats")}
    read, log = read_bpr(path, memory_limit)
    work, stats = timed(log.stats)
    return {"read": read, "work": work, "events": stats.n_events, "cases": stats.n_cases}


def stats_pm4py(path: Path, memory_limit: str | None) -> dict:
    """pandas + pm4py, file to statistics: ``bench_engine.child_pm4py``."""
    result = child_pm4py(path)
    return {**result, "work": result.pop("stats")}


def model_bpr(path: Path, memory_limit: str | None) -> dict:
    """bpr, file to discovered model: ``read_log`` + ``bpr.discover``."""
    import bpr

    read, log = read_bpr(path, memory_limit)
    work, model = timed(lambda: bpr.discover(log))
    return {
        "read": read,
        "work": work,
        "events": log.n_events,
        "cases": log.n_cases,
        "steps": len(model.steps),
    }


def model_pm4py(path: Path, memory_limit: str | None) -> dict:
    """pandas + pm4py, file to discovered model: read, format, inductive miner."""
    read, frame = read_pm4py_timed(path)
    work, steps = timed(lambda: pm4py_discover(frame))
    return {"read": read, "work": work, **pm4py_counts(frame), "steps": steps}


def gaps_bpr(path: Path, memory_limit: str | None) -> dict:
    """bpr, file to gaps: ``read_log`` + ``bpr.find_undocumented`` of the main line."""
    import bpr

    read, log = read_bpr(path, memory_limit)
    work, gaps = timed(lambda: bpr.find_undocumented(MAIN_LINE, log))
    return {
        "read": read,
        "work": work,
        "events": log.n_events,
        "cases": log.n_cases,
        "fitness": round(float(gaps.fitness), 6),
    }


def gaps_pm4py(path: Path, memory_limit: str | None) -> dict:
    """pandas + pm4py, file to fitness: read, format, alignments against the main line."""
    read, frame = read_pm4py_timed(path)
    work, fitness = timed(lambda: pm4py_fitness(frame))
    return {"read": read, "work": work, **pm4py_counts(frame), "fitness": round(fitness, 6)}


def analyze_pm4py(path: Path, memory_limit: str | None) -> dict:
    """pandas + pm4py, everything it has of ``bpr analyze``: read, format, the statistics,
    the inductive miner and the alignment fitness, in one process."""
    from bench_engine import pm4py_statistics

    read, frame = read_pm4py_timed(path)
    started = time.perf_counter()
    counted = pm4py_statistics(frame)
    steps = pm4py_discover(frame)
    fitness = pm4py_fitness(frame)
    return {
        "read": read,
        "work": time.perf_counter() - started,
        "events": counted["events"],
        "cases": counted["cases"],
        "steps": steps,
        "fitness": round(fitness, 6),
    }


def analyze_stages(path: Path, memory_limit: str | None, simulate: bool = True) -> dict:
    """``bpr analyze --documented`` as the command runs it, in this process, with the wall
    time at which each stage starts (``marks``), for the parent's memory samples."""
    from bpr.analysis import analyze

    marks: list[tuple[str, float]] = [("read", time.time())]
    read, log = read_bpr(path, memory_limit)

    def progress(stage: str, done: int, total: int) -> None:
        marks.append((STAGE_NAMES.get(stage, stage), time.time()))

    analysis = analyze(
        log,
        documented=MAIN_LINE,
        name=path.name.split(".")[0],
        simulate=simulate,
        progress=progress,
    )
    marks.append(("report", time.time()))
    files = analysis.files()
    marks.append(("end", time.time()))
    return {
        "read": read,
        "work": marks[-1][1] - marks[1][1],
        "events": log.n_events,
        "cases": log.n_cases,
        "files": len(files),
        "marks": marks,
    }


def analyze_stages_quick(path: Path, memory_limit: str | None) -> dict:
    """:func:`analyze_stages` without the simulation (``bpr analyze --no-simulate``)."""
    return analyze_stages(path, memory_limit, simulate=False)


CHILDREN: dict[tuple[str, str], Callable[[Path, str | None], dict]] = {
    ("statistics", "bpr"): stats_bpr,
    ("statistics", "pm4py"): stats_pm4py,
    ("model", "bpr"): model_bpr,
    ("model", "pm4py"): model_pm4py,
    ("gaps", "bpr"): gaps_bpr,
    ("gaps", "pm4py"): gaps_pm4py,
    ("analyze", "pm4py"): analyze_pm4py,
    ("stages", "bpr"): analyze_stages,
    ("stages-no-simulate", "bpr"): analyze_stages_quick,
}


# --- the parent ---------------------------------------------------------------------------


class Watcher(threading.Thread):
    """Samples the resident memory of a child process and its descendants every
    ``interval`` seconds; kills them all past ``limit`` bytes or ``timeout`` seconds."""

    def __init__(self, pid: int, limit: float, timeout: float, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.limit, self.timeout, self.interval = pid, limit, timeout, interval
        self.samples: list[tuple[float, int]] = []
        self.stopped: str | None = None

    def tree_rss(self) -> tuple[int, list[Any]]:
        """The summed resident memory of the child and its descendants, and the processes."""
        import psutil

        try:
            root = psutil.Process(self.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0, []
        rss = 0
        for process in processes:
            with contextlib.suppress(psutil.NoSuchProcess):
                rss += process.memory_info().rss
        return rss, processes

    def run(self) -> None:
        started = time.monotonic()
        while True:
            rss, processes = self.tree_rss()
            if not processes:
                return
            self.samples.append((time.time(), rss))
            if rss > self.limit:
                self.stop("out of memory", processes)
                return
            if time.monotonic() - started > self.timeout:
                self.stop("over the time limit", processes)
                return
            time.sleep(self.interval)

    def stop(self, why: str, processes: list[Any]) -> None:
        """Kill the child and its descendants (the child last, so none is orphaned)."""
        import psutil

        self.stopped = why
        for process in reversed(processes):
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()

    @property
    def peak(self) -> int:
        return max((rss for _, rss in self.samples), default=0)


def run_child(command: list[str], limit_gb: float, timeout: float) -> dict:
    """Run `command`, watched: its output, wall seconds, peak memory (MB) and memory samples,
    or ``stopped`` with the reason."""
    with tempfile.TemporaryFile("w+") as errors:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
        watcher = Watcher(child.pid, limit_gb * 2**30, timeout)
        watcher.start()
        assert child.stdout is not None
        output = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        watcher.join()
        errors.seek(0)
        error_text = errors.read()
    peak_mb = max(usage.ru_maxrss * 1024, watcher.peak) / 2**20
    result: dict[str, Any] = {"wall": wall, "peak_mb": peak_mb, "samples": watcher.samples}
    if watcher.stopped:
        return {**result, "stopped": watcher.stopped}
    if child.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{error_text[-3000:]}")
    return {**result, "output": output}


def measure(
    stage: str, engine: str, path: Path, args: argparse.Namespace
) -> dict:  # one configuration
    """One configuration in a child process: its results, seconds and peak memory."""
    if (stage, engine) == ("analyze", "bpr"):
        return measure_cli(path, args)
    command = [sys.executable, __file__, "--child", stage, engine, str(path)]
    if args.memory_limit:
        command += ["--memory-limit", args.memory_limit]
    done = run_child(command, args.limit_gb, args.timeout)
    if "stopped" in done:
        return done
    line = [x for x in done.pop("output").splitlines() if x.startswith(RESULT)][-1]
    return {**done, **json.loads(line[len(RESULT) :])}


def measure_cli(path: Path, args: argparse.Namespace) -> dict:
    """``bpr analyze`` on `path` as a user runs it, timed from start to exit."""
    folder = Path(tempfile.mkdtemp(prefix="bpr-analyze-"))
    command = [sys.executable, "-m", "bpr", "analyze", str(path)]
    command += ["--documented", str(procedure_file(path.parent)), "-o", str(folder)]
    if args.memory_limit:
        command += ["--memory-limit", args.memory_limit]
    if args.no_simulate:
        command.append("--no-simulate")
    try:
        done = run_child(command, args.limit_gb, args.timeout)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if "stopped" in done:
        return done
    # The command's first line: "<file>: <cases> cases, <events> events, <n> activities".
    found = re.search(r"([\d,]+) cases, ([\d,]+) events", done.pop("output"))
    assert found, "bpr analyze did not say what it read"
    cases, events = (int(x.replace(",", "")) for x in found.groups())
    return {**done, "read": 0.0, "work": done["wall"], "events": events, "cases": cases}


def best(results: list[dict]) -> dict:
    """The fastest run of one configuration, with the highest peak memory of all its runs."""
    done = [r for r in results if "stopped" not in r]
    if not done:
        return results[0]
    fastest = min(done, key=total)
    return {**fastest, "peak_mb": max(r["peak_mb"] for r in results)}


def total(result: dict) -> float:
    return result["read"] + result["work"]


def check(results: dict, size: str, fmt: str) -> None:
    """Every configuration of a log must count the same events and cases, and both engines
    the same fitness, or the timings compare different work."""
    for keys in (("events", "cases"), ("fitness",), ("steps",)):
        seen = {
            tuple(r[k] for k in keys)
            for (s, f, _, _), r in results.items()
            if (s, f) == (size, fmt) and all(k in r for k in keys)
        }
        if len(seen) > 1:
            raise SystemExit(f"configurations disagree on {keys} for {size} {fmt}: {seen}")


def row(key: tuple[str, str, str, str], result: dict) -> str:
    """One configuration as a row of the detailed table."""
    size, fmt, stage, engine = key
    if "stopped" in result:
        return (
            f"| {size} | {fmt} | {stage} | {engine} | {result['stopped']} after "
            f"{result['wall']:.0f} s, at {result['peak_mb']:,.0f} MB | | | |"
        )
    return (
        f"| {size} | {fmt} | {stage} | {engine} | {result['read']:.2f} | {result['work']:.2f} | "
        f"{total(result):.2f} | {result['peak_mb']:,.0f} |"
    )


def cell(result: dict | None) -> str:
    """Seconds and peak memory of one side, or why there are none."""
    if result is None:
        return "not run | "
    if "stopped" in result:
        return f"{result['stopped']} ({result['wall']:.0f} s, {result['peak_mb']:,.0f} MB) | "
    return f"{total(result):.1f} | {result['peak_mb']:,.0f}"


def side_by_side(results: dict) -> None:
    """The markdown table of the docs: per log and stage, both engines and the ratios."""
    print(
        "\n| events | format | stage | bpr s | bpr peak MB | pm4py s | pm4py peak MB "
        "| pm4py/bpr time | pm4py/bpr memory |\n" + "|---" * 9 + "|"
    )
    keys = sorted({k[:3] for k in results}, key=lambda k: (SIZES[k[0]], k[1], STAGES.index(k[2])))
    for size, fmt, stage in keys:
        ours, theirs = (results.get((size, fmt, stage, e)) for e in ENGINES)
        ratios = " | "
        if ours and theirs and "stopped" not in ours and "stopped" not in theirs:
            ratios = (
                f"{total(theirs) / total(ours):.1f}x | {theirs['peak_mb'] / ours['peak_mb']:.1f}x"
            )
        print(f"| {size} | {fmt} | {stage} | {cell(ours)} | {cell(theirs)} | {ratios} |")


def breakdown(size: str, fmt: str, result: dict) -> None:
    """Seconds and peak memory of each stage of an in-process analysis, from the child's
    marks and the parent's memory samples."""
    if "stopped" in result:
        print(f"\nbpr analyze by stage, {size} {fmt}: {result['stopped']}")
        return
    marks, samples = result["marks"], result["samples"]
    print(f"\nbpr analyze by stage, {size} {fmt} (peak {result['peak_mb']:,.0f} MB):")
    print("| stage | s | peak MB during the stage |\n|---|---|---|")
    for (stage, start), (_, end) in itertools.pairwise(marks):
        during = [rss for t, rss in samples if start <= t < end]
        peak = f"{max(during) / 2**20:,.0f}" if during else "-"
        print(f"| {stage} | {end - start:.2f} | {peak} |")


def load_average(when: str) -> None:
    print(
        f"load average at the {when} (1, 5, 15 min): "
        + " ".join(f"{x:.1f}" for x in os.getloadavg())
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1M,10M", help="comma-separated: 1M, 10M, 50M")
    parser.add_argument("--formats", default="csv,parquet", help="csv (up to 10M), parquet")
    parser.add_argument("--stages", default=",".join(STAGES), help="comma-separated stages")
    parser.add_argument("--engines", default=",".join(ENGINES), help="bpr, pm4py")
    parser.add_argument("--rounds", type=int, default=1, help="child processes per configuration")
    parser.add_argument("--breakdown", action="store_true", help="bpr analyze stage by stage")
    parser.add_argument("--data", type=Path, default=CACHE, help="folder caching the logs")
    parser.add_argument("--limit-gb", type=float, default=20.0, help="stop a child past this")
    parser.add_argument("--timeout", type=float, default=1800.0, help="stop a child after this")
    parser.add_argument("--memory-limit", help="bpr's DuckDB memory limit (default: bpr's)")
    parser.add_argument("--no-simulate", action="store_true", help="bpr analyze --no-simulate")
    parser.add_argument("--child", nargs=3, metavar=("STAGE", "ENGINE", "PATH"), help="internal")
    args = parser.parse_args()
    for name in ("sizes", "formats", "stages", "engines"):
        setattr(args, name, [x.strip() for x in getattr(args, name).split(",") if x.strip()])
    unknown = set(args.sizes) - set(SIZES) or set(args.stages) - set(STAGES)
    if unknown:
        parser.error(f"unknown {sorted(unknown)}")
    return args


def main() -> None:
    args = parse_args()
    if args.child:
        stage, engine, path = args.child
        result = CHILDREN[stage, engine](Path(path), args.memory_limit)
        print(RESULT + json.dumps(result), flush=True)
        return

    print(machine())
    load_average("start")
    print("| events | format | stage | engine | read s | work s | total s | peak MB |")
    print("|---" * 8 + "|")
    results: dict[tuple[str, str, str, str], dict] = {}
    stages: dict[tuple[str, str], dict] = {}
    for size in sorted(args.sizes, key=SIZES.get):
        paths = logs(size, args.data, args.formats)
        for fmt in [f for f in args.formats if f in paths]:
            for stage in args.stages:
                for engine in args.engines:
                    runs = [measure(stage, engine, paths[fmt], args) for _ in range(args.rounds)]
                    key = (size, fmt, stage, engine)
                    results[key] = best(runs)
                    print(row(key, results[key]), flush=True)
            check(results, size, fmt)
            if args.breakdown and "bpr" in args.engines:
                kind = "stages-no-simulate" if args.no_simulate else "stages"
                stages[size, fmt] = measure(kind, "bpr", paths[fmt], args)
    load_average("end")
    side_by_side(results)
    for (size, fmt), result in stages.items():
        breakdown(size, fmt, result)


if __name__ == "__main__":
    main()
