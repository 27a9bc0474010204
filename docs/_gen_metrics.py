"""Regenerate the worked example of ``docs/metrics.md`` from the code, so its numbers never drift.

Run from the repository root::

    .venv/bin/python docs/_gen_metrics.py           # rewrite the generated blocks
    .venv/bin/python docs/_gen_metrics.py --check   # exit 1 when the page is out of date

Each block sits between ``<!-- begin: NAME -->`` and ``<!-- end: NAME -->`` in the page; the
prose around the blocks is written by hand. The arithmetic in the ``derivation`` block is done
here, step by step, from the model's own parameters, and checked against :func:`bpr.measure`.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from datetime import timedelta
from pathlib import Path

import attrs

from bpr import Length, ServiceProcess, measure
from bpr.examples import vehicle_transfer
from bpr.measure import METRICS, OBTAIN, QUEUE, TRAVEL

PAGE = Path(__file__).with_name("metrics.md")
_BLOCK = re.compile(r"(<!-- begin: (?P<name>[a-z-]+) -->\n).*?(<!-- end: (?P=name) -->)", re.S)


def to_be(process: ServiceProcess) -> ServiceProcess:
    """The as-is with the toll and tax clearances fetched by e-inquiry instead of in person."""
    electronic = {"actor": "external_agency", "channel": "system", "citizen_present": False}
    return process.replace_steps(
        [attrs.evolve(process.step(i), **electronic) for i in ("s03", "s04")]
    ).evolve(name="Vehicle ownership transfer, clearances by e-inquiry")


def shown(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, timedelta):
        sign = "−" if value < timedelta(0) else ""
        return sign + str(timedelta(seconds=round(abs(value.total_seconds()))))
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        return text.replace("-", "−")
    return str(value)


def steps_table(process: ServiceProcess) -> str:
    from bpr.measure import day_floor, is_citizen_facing

    rows = [
        "| id | step | agency | actor | channel | present | facing | minimum days | minutes |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for s in process.steps:
        rows.append(
            f"| {s.id} | {s.name} | {s.agency} | {s.actor.value} | {s.channel.value} | "
            f"{'yes' if s.citizen_present else ''} | {'yes' if is_citizen_facing(s) else ''} | "
            f"{shown(day_floor(s))} | {s.duration.total_seconds() / 60:g} |"
        )
    return "\n".join(rows)


def comparison_table(as_is: Length, after: Length) -> str:
    table = as_is.compare(after)
    rows = ["| metric | as-is | to-be | change |", "| --- | --- | --- | --- |"]
    rows += [
        f"| `{m}` | {shown(table.loc[m, 'this'])} | {shown(table.loc[m, 'other'])} | "
        f"{shown(table.loc[m, 'change'])} |"
        for m in METRICS
    ]
    return "\n".join(rows)


def derivation(process: ServiceProcess, length: Length) -> str:
    """The worked arithmetic, from the model's parameters; each total checked against code."""
    p = process.flow("xor4", "s08").probability
    checks, misses = 1 / (1 - p), p / (1 - p)
    minutes = {s.id: s.duration.total_seconds() / 60 for s in process.steps}
    once = [s for s in process.steps if s.id not in ("s07", "s08")]
    steps = len(once) + checks + misses
    handoffs = 10 + 2 * misses
    rework = (checks - 1) + (misses - p)
    parallel = max(minutes["s05"], minutes["s06"])
    fixed = sum(minutes[s.id] for s in once if s.id not in ("s05", "s06")) + parallel
    fewest = fixed + minutes["s07"]
    loop_time = minutes["s08"] + minutes["s07"]
    mean = fewest + misses * loop_time
    k90 = next(k for k in range(100) if 1 - p ** (k + 1) >= 0.9)
    office = [s for s in process.steps if s.citizen_present]
    # The inspection (s05) is an office step and the longer branch of the parallel block: at
    # a day it still outlasts the insurance inquiry (s06), which therefore adds nothing.
    back = fixed - sum(minutes[s.id] for s in office)
    other_minutes = back + checks * minutes["s07"] + misses * minutes["s08"]
    days = len(office) + other_minutes / 1440
    burden = length.visits * (TRAVEL + QUEUE) + length.documents * OBTAIN
    claims = {
        "steps": steps,
        "handoffs": handoffs,
        "rework": rework,
        "cycle_time": timedelta(minutes=fewest),
        "cycle_time_mean": timedelta(minutes=mean),
        "cycle_time_p90": timedelta(minutes=fewest + k90 * loop_time),
        "days": days,
        "burden": burden,
    }
    for name, value in claims.items():
        got = getattr(length, name)
        close = (
            abs(got - value) <= timedelta(microseconds=1)
            if isinstance(value, timedelta)
            else math.isclose(got, value, rel_tol=1e-9)
        )
        if not close:
            raise SystemExit(f"the worked example says {name} = {value}, measure() gives {got}")
    lines = [
        f"* The loop goes back with probability p = {shown(p)}: *check the documents* (s07) "
        f"runs 1/(1 − p) = {shown(checks)} times, *ask for missing documents* (s08) "
        f"p/(1 − p) = {shown(misses)} times.",
        f"* **steps** = {len(once)} steps outside the loop + {shown(checks)} + {shown(misses)} = "
        f"{shown(steps)}; fewest {length.steps_min} (no return), most unbounded.",
        f"* **visits** = {shown(length.visits)}: the {len(office)} office steps "
        f"({', '.join(s.id for s in office)}) each follow either an office step at another "
        "agency or a back-office step (s12 after s11), so each is a trip of its own.",
        f"* **handoffs** = 10 on every path (s01→s02→s03→s04→s05→s06, s11→s12→s13→s14, "
        f"s15→s16→s17) + 2 per return (s07→s08 and s08→s07: back office ↔ front office) × "
        f"{shown(misses)} = {shown(handoffs)}.",
        f"* **agencies** = {shown(length.agencies)}: every path touches all of them.",
        f"* **documents** = {shown(length.documents)}: national ID card, vehicle ownership card "
        "and title deed at s01; everything later is produced by an earlier step (the tracking "
        "code, the clearances, the deed) or asked again (the ID card at the notary).",
        f"* **inquiries** = {shown(length.inquiries)} (s03, s04, s06); **paper inquiries** = "
        f"{shown(length.paper_inquiries)}: the toll and tax clearances are fetched in person.",
        f"* **rework** = ({shown(checks)} − 1) + ({shown(misses)} − P(s08 runs) = {shown(p)}) = "
        f"{shown(rework)}.",
        f"* **procedures** = {shown(length.procedures)}: the office steps.",
        f"* **cycle time**: the fixed steps take {shown(fixed)} minutes (the parallel block "
        f"counts max({shown(minutes['s05'])}, {shown(minutes['s06'])}) = "
        f"{shown(max(minutes['s05'], minutes['s06']))}), one check {shown(minutes['s07'])}: "
        f"{shown(fewest)} min with no return (probability {shown(1 - p)}, so the median); each "
        f"return adds {shown(loop_time)} min; 90th percentile at {k90} return(s) "
        f"({shown(fewest + k90 * loop_time)} min); mean {shown(fewest)} + {shown(misses)} × "
        f"{shown(loop_time)} = {shown(mean)} min.",
        f"* **days** = {len(office)} office steps × 1 day (the inspection outlasts the "
        f"{shown(minutes['s06'])}-minute inquiry beside it) + the other steps' "
        f"{shown(other_minutes)} min = {shown(days)} days.",
        f"* **burden** = {shown(length.visits)} visits × ({shown(TRAVEL)} + {shown(QUEUE)}) + "
        f"{shown(length.documents)} documents × {shown(OBTAIN)} = {shown(burden)}.",
    ]
    return "\n".join(lines)


def blocks() -> dict[str, str]:
    process = vehicle_transfer()
    as_is = measure(process)
    after = measure(to_be(process))
    return {
        "steps": steps_table(process),
        "derivation": derivation(process, as_is),
        "comparison": comparison_table(as_is, after),
    }


def render(text: str) -> str:
    """``text`` with every generated block replaced by its current content."""
    content = blocks()
    missing = set(content) - {m.group("name") for m in _BLOCK.finditer(text)}
    if missing:
        raise SystemExit(f"{PAGE} has no block named {sorted(missing)}")
    return _BLOCK.sub(lambda m: m.group(1) + content[m.group("name")] + "\n" + m.group(3), text)


def main() -> int:
    parser = argparse.ArgumentParser(description="Regenerate the numbers of docs/metrics.md.")
    parser.add_argument("--check", action="store_true", help="fail if the page is out of date")
    args = parser.parse_args()
    text = PAGE.read_text(encoding="utf-8")
    fresh = render(text)
    if args.check:
        if fresh != text:
            print(f"{PAGE} is out of date: run python docs/_gen_metrics.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
