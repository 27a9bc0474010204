"""The catalogue analyses on the synthetic province: how long the build and each analysis take.

* ``province``: ``bpr._province.build_province(seed)``: cards, step tables, five event logs
  read through ``bpr.read_log``;
* ``inquiry_links``, ``delegation``, ``parallel_work``: ``bpr._portfolio`` over its catalogue.

* ``full run``: what ``bpr portfolio --demo`` does, in one process from a cold start of the
  catalogue: the province built, then :func:`bpr.portfolio.portfolio` (every service alone:
  its length, the redesign of every service with a process; the length, priorities, the
  three analyses and declared versus observed across the catalogue; the inquiry-link graph
  drawn; a page per service with its diagram) and the files written. Timed once (the
  caches of a catalogue make a second run on it cheaper than a real one), with the load
  average of the machine beside it.

``--copies N`` also times the analyses on a catalogue of N copies of the province (new ids,
so the parallel-work pass compares N times as many names), to see how they grow towards the
600 services the interview speaks of and beyond. The target: the whole province analysed,
redesign included (later), under 30 s on 2 cores.

Run from the repository root::

    .venv/bin/python benchmarks/bench_portfolio.py [--repeat 3] [--seed 0] [--copies 5]

It prints the best seconds of each and the size of what each found.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from typing import Any

import attrs


def best(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The best wall time of ``repeat`` runs of ``function``, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def copies(catalog: Any, n: int) -> Any:
    """A catalogue of ``n`` copies of ``catalog``'s services, each with its own ids."""
    from bpr.catalog import Catalog

    services = [
        attrs.evolve(s, id=f"{s.id}-{k}", card=attrs.evolve(s.card, id=f"{s.id}-{k}"))
        for k in range(n)
        for s in catalog.services
    ]
    return Catalog(services)


def full_run(seed: int, lang: str) -> dict[str, float]:
    """The seconds of each stage of a whole run, as ``bpr portfolio --demo`` makes it."""
    from bpr._province import build_province
    from bpr.portfolio import portfolio

    stages = {}
    start = time.perf_counter()
    catalog = build_province(seed).catalog
    stages["province"] = time.perf_counter() - start
    start = time.perf_counter()
    result = portfolio(catalog, lang=lang)
    stages["portfolio"] = time.perf_counter() - start
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        result.save(folder)
    stages["save"] = time.perf_counter() - start
    stages["total"] = sum(stages.values())
    return stages


def main() -> None:
    from bpr._portfolio import delegation, inquiry_links, parallel_work
    from bpr._province import build_province

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--lang", default="en", choices=["en", "fa"])
    args = parser.parse_args()

    load = os.getloadavg()[0]
    stages = full_run(args.seed, args.lang)
    shown = ", ".join(f"{k} {v:.2f} s" for k, v in stages.items())
    print(f"full run ({args.lang}, load average {load:.1f} on {os.cpu_count()} cores): {shown}")

    seconds, province = best(lambda: build_province(args.seed), args.repeat)
    catalog = province.catalog
    with_steps = sum(s.process is not None for s in catalog.services)
    print(
        f"province: {seconds:.2f} s ({len(catalog)} services, {len(catalog.agencies)} "
        f"agencies, {with_steps} with steps, {len(province.truth.logs)} logs)"
    )
    for label, cat in (("province", catalog), (f"x{args.copies}", copies(catalog, args.copies))):
        if label != "province" and args.copies <= 1:
            continue
        total = 0.0
        for name, analysis in (
            ("inquiry_links", inquiry_links),
            ("delegation", delegation),
            ("parallel_work", parallel_work),
        ):
            seconds, result = best(lambda analysis=analysis, cat=cat: analysis(cat), args.repeat)
            total += seconds
            print(
                f"{label} ({len(cat)} services) {name}: {seconds:.2f} s "
                f"({len(result.to_frame())} rows)"
            )
        print(f"{label} analyses in all: {total:.2f} s")


if __name__ == "__main__":
    main()
