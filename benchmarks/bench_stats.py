"""Log statistics at scale: bpr on DuckDB against pandas + pm4py, on 1M and 10M events.

The logs are the receipt log (1,434 cases, 8,577 events) replicated: replica ``r`` of a case
gets the case id ``<id>-<r>`` and its times shifted by ``r`` hours, so every statistic of the
big log is known from the small one (counts multiply, durations stay). They are written once as
CSV and Parquet into ``benchmarks/_data/`` (git-ignored) and reused.

Each configuration runs in its own child process, so that its peak resident memory
(``ru_maxrss`` of that child, from ``os.wait4``) is its own:

* ``bpr``: ``bpr.read_log(path, engine="duckdb")`` (read), then ``EventLog.stats()`` (stats);
* ``pm4py``: the file into pandas and ``pm4py.format_dataframe`` (read), then
  ``discover_dfg`` + ``discover_performance_dfg`` + ``get_variants`` +
  ``get_all_case_durations`` (stats).

Run from the repository root::

    .venv/bin/python benchmarks/bench_stats.py               # 1M and 10M events
    .venv/bin/python benchmarks/bench_stats.py --sizes 1M    # 1M only

It prints one row per configuration (seconds, peak memory) and the ratios pm4py / bpr.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
RECEIPT = HERE.parent / "tests" / "data" / "logs" / "receipt.xes.gz"
SIZES = {"1M": 1_000_000, "10M": 10_000_000}
FORMATS = ("csv", "parquet")


# --- data ---------------------------------------------------------------------------------


def receipt_events() -> Any:
    """The receipt log as the replicas copy it: a DataFrame of ``case_id``, ``activity``,
    ``timestamp`` (naive, UTC), ``resource`` and ``pos`` (the event's position in the file)."""
    import pandas as pd

    from bpr._pm4py import load, quiet

    with quiet():
        raw = load().read_xes(str(RECEIPT))
    return pd.DataFrame(
        {
            "case_id": raw["case:concept:name"],
            "activity": raw["concept:name"],
            "timestamp": raw["time:timestamp"].dt.tz_localize(None),
            "resource": raw["org:resource"],
            "pos": range(len(raw)),
        }
    )


def generate(size: str, folder: Path = DATA) -> dict[str, Path]:
    """Write (or reuse) the replicated receipt log of ``size`` events as CSV and Parquet, in
    ``folder``."""
    import duckdb

    paths = {fmt: folder / f"receipt_{size}.{fmt}" for fmt in FORMATS}
    if all(path.exists() for path in paths.values()):
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    base = receipt_events()
    replicas = math.ceil(SIZES[size] / len(base))
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "CREATE TABLE big AS SELECT case_id || '-' || r AS case_id, activity, "
        "timestamp + r * INTERVAL 1 HOUR AS timestamp, resource "
        f"FROM base, range({replicas}) AS replica(r) ORDER BY r, pos"
    )
    # A database dump: naive times in UTC, milliseconds, no offset.
    con.execute(
        "COPY (SELECT case_id, activity, strftime(timestamp, '%Y-%m-%d %H:%M:%S.%g') AS timestamp,"
        f" resource FROM big) TO '{paths['csv']}' (HEADER)"
    )
    con.execute(
        "COPY (SELECT case_id, activity, timestamp::TIMESTAMPTZ AS timestamp, resource FROM big) "
        f"TO '{paths['parquet']}' (FORMAT parquet)"
    )
    return paths


# --- the measured configurations (child processes) ----------------------------------------


def run_bpr(path: Path, repeat: int) -> dict:
    import bpr

    started = time.perf_counter()
    log = bpr.read_log(path, engine="duckdb")
    read = time.perf_counter() - started
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        stats = log.stats()
        times.append(time.perf_counter() - started)
    return {
        "read": read,
        "stats": min(times),
        "stats_runs": times,
        "events": stats.n_events,
        "cases": stats.n_cases,
        "pairs": int(stats.directly_follows["count"].sum()),
        "variants": len(stats.variants),
    }


def run_pm4py(path: Path, repeat: int) -> dict:
    import pandas as pd

    from bpr._pm4py import load, quiet

    pm4py = load()
    started = time.perf_counter()
    with quiet():
        frame = pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)
        frame = pm4py.format_dataframe(
            frame, case_id="case_id", activity_key="activity", timestamp_key="timestamp"
        )
    read = time.perf_counter() - started
    times = []
    for _ in range(repeat):
        log = frame.copy()  # discover_dfg adds a column to the frame it is given
        started = time.perf_counter()
        with quiet():
            dfg, _, _ = pm4py.discover_dfg(log)
            pm4py.discover_performance_dfg(log)
            variants = pm4py.get_variants(log)
            durations = pm4py.get_all_case_durations(log)
        times.append(time.perf_counter() - started)
    return {
        "read": read,
        "stats": min(times),
        "stats_runs": times,
        "events": len(frame),
        "cases": len(durations),
        "pairs": sum(dfg.values()),
        "variants": len(variants),
    }


RUNNERS = {"bpr": run_bpr, "pm4py": run_pm4py}


def measure(engine: str, path: Path, repeat: int) -> dict:
    """Run one configuration in a child process; its results and its peak memory."""
    command = [sys.executable, __file__, "--child", engine, str(path), "--repeat", str(repeat)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{engine} on {path.name} failed (exit {child.returncode})")
    return {**json.loads(output), "peak_mb": usage.ru_maxrss / 1024}


# --- report -------------------------------------------------------------------------------


def hardware() -> str:
    """Cores, processor, memory, system and Python: the start of every benchmark's machine line."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GB RAM, {platform.system()}; "
        f"Python {platform.python_version()}"
    )


def pm4py_frame(path: Path) -> Any:
    """A replicated log of :func:`generate` (Parquet) as pm4py takes it: a DataFrame with the
    XES column names."""
    import pandas as pd

    from bpr._pm4py import load, quiet

    pm4py = load()
    with quiet():
        return pm4py.format_dataframe(
            pd.read_parquet(path).rename(columns={"resource": "org:resource"}),
            case_id="case_id",
            activity_key="activity",
            timestamp_key="timestamp",
        )


def machine() -> str:
    import duckdb
    import pandas as pd

    from bpr._pm4py import load

    return (
        f"{hardware()}, DuckDB {duckdb.__version__}, "
        f"pandas {pd.__version__}, pm4py {load().__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", choices=sorted(SIZES), default=sorted(SIZES))
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--engines", nargs="+", choices=sorted(RUNNERS), default=sorted(RUNNERS))
    parser.add_argument("--repeat", type=int, help="stats runs per child process (best kept)")
    parser.add_argument("--rounds", type=int, help="child processes per configuration")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        engine, path = args.child
        print(json.dumps(RUNNERS[engine](Path(path), args.repeat)))
        return

    print(machine())
    print("load average at the start (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    header = "| events | format | engine | read s | stats s | read+stats s | peak MB |"
    print(header + "\n" + "|---" * 7 + "|")
    results = {}
    for size in sorted(args.sizes, key=SIZES.get):
        paths = generate(size)
        small = SIZES[size] <= 1_000_000
        repeat = args.repeat or (3 if small else 1)
        for fmt in args.formats:
            # Rounds alternate the engines, so that a burst of load from other processes on a
            # shared machine does not fall on one engine only.
            for _ in range(args.rounds or (3 if small else 1)):
                for engine in args.engines:
                    result = measure(engine, paths[fmt], repeat)
                    results[size, fmt, engine] = merge(results.get((size, fmt, engine)), result)
            check(results, size, fmt)
            for engine in args.engines:
                result = results[size, fmt, engine]
                total = result["read"] + result["stats"]
                print(
                    f"| {result['events']:,} | {fmt} | {engine} | {result['read']:.2f} | "
                    f"{result['stats']:.2f} | {total:.2f} | {result['peak_mb']:,.0f} |",
                    flush=True,
                )
    print("\nload average at the end (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    print("ratios pm4py / bpr (stats only; read + stats):")
    for (size, fmt, engine), ours in results.items():
        theirs = results.get((size, fmt, "pm4py"))
        if engine == "bpr" and theirs:
            stats_ratio = theirs["stats"] / ours["stats"]
            total_ratio = (theirs["read"] + theirs["stats"]) / (ours["read"] + ours["stats"])
            print(f"  {size} {fmt}: {stats_ratio:.1f}x; {total_ratio:.1f}x")


def merge(best: dict | None, result: dict) -> dict:
    """The best times and the highest peak memory of two runs of one configuration."""
    if best is None:
        return result
    return {
        **result,
        "read": min(best["read"], result["read"]),
        "stats": min(best["stats"], result["stats"]),
        "stats_runs": best["stats_runs"] + result["stats_runs"],
        "peak_mb": max(best["peak_mb"], result["peak_mb"]),
    }


def check(results: dict, size: str, fmt: str) -> None:
    """Both engines must agree on what they counted, or the timings compare different work."""
    keys = ("events", "cases", "pairs", "variants")
    seen = {tuple(r[k] for k in keys) for (s, f, _), r in results.items() if (s, f) == (size, fmt)}
    if len(seen) > 1:
        raise SystemExit(f"engines disagree on {size} {fmt}: {sorted(seen)}")


if __name__ == "__main__":
    main()
