"""Model-based measurement of a 500-step process: target under one second.

The process is built deterministically (seeded): 200 blocks cycling through a sequence of two
steps, an exclusive choice (a two-step branch with probability 0.3, a one-step branch), a
parallel block (a two-step and a one-step branch) and a loop (two steps, back with
probability 0.2); 500 steps in all, over 12 agencies and 60 documents, each with a duration.
:func:`bpr.measure` computes every metric exactly (Markov chain and hitting probabilities for
the counts, duration distributions for the times).

Run from the repository root::

    .venv/bin/python benchmarks/bench_measure.py            # 5 repetitions
    .venv/bin/python benchmarks/bench_measure.py --repeat 20

It prints the process size, the best and median wall-clock and CPU times, and the metrics.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import timedelta

from bpr import And, Loop, ServiceProcess, Step, Xor, measure

KINDS = ("submit", "verify", "inquiry", "approve", "pay", "notify")
ACTORS = ("citizen", "front_office", "back_office", "external_agency")


def big_process(blocks: int = 200, seed: int = 1) -> ServiceProcess:
    """A seeded process of ``2.5 * blocks`` steps mixing every kind of block."""
    rnd = random.Random(seed)
    counter = iter(range(1, 10 * blocks))

    def step() -> Step:
        i = next(counter)
        return Step(
            f"s{i:03d}",
            f"Step {i}",
            kind=rnd.choice(KINDS),
            actor=rnd.choice(ACTORS),
            agency=f"Agency {rnd.randrange(12)}",
            citizen_present=rnd.random() < 0.3,
            documents_in=[f"document {rnd.randrange(60)}"],
            documents_out=[f"document {rnd.randrange(60)}"],
            duration=timedelta(minutes=rnd.choice((5, 10, 15, 30, 45))),
        )

    parts: list = []
    for b in range(blocks):
        shape = b % 4
        if shape == 0:
            parts += [step(), step()]
        elif shape == 1:
            parts.append(Xor([step(), step()], step(), probabilities=[0.3, 0.7]))
        elif shape == 2:
            parts.append(And([step(), step()], step()))
        else:
            parts.append(Loop([step(), step()], probability=0.2))
    return ServiceProcess.from_blocks("Benchmark process", *parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    process = big_process()
    print(f"process: {len(process.steps)} steps, {len(process.gateways)} gateways")
    measure(process)  # warm the imports (numpy, scipy) out of the timing
    walls, cpus = [], []
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        length = measure(process)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(
        f"measure(): best {min(walls):.3f} s, median {statistics.median(walls):.3f} s wall; "
        f"best {min(cpus):.3f} s CPU (target: under 1 s)"
    )
    print(length.to_frame().to_string())


if __name__ == "__main__":
    main()
