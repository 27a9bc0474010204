"""Generated service-process models of any size, for bench_scale.py."""

from __future__ import annotations

import random
from datetime import timedelta

from bpr import And, Loop, ServiceProcess, Step, Xor

AGENCIES = ("Municipality", "Registry", "Police", "Tax office", "Court")


def scale_model(steps: int, seed: int = 0) -> ServiceProcess:
    """A typed model of ``steps`` steps: a sequence of single steps, exclusive choices,
    parallel blocks and loops in random order, with agencies, presence, documents and
    durations in whole minutes."""
    rng = random.Random(seed)
    made = 0

    def step() -> Step:
        nonlocal made
        made += 1
        present = rng.random() < 0.3
        return Step(
            f"s{made}",
            f"Step {made}",
            agency=rng.choice(AGENCIES),
            actor="back_office" if not present else "citizen",
            citizen_present=present,
            documents_in=frozenset({f"doc {rng.randrange(50)}"})
            if rng.random() < 0.1
            else frozenset(),
            documents_out=frozenset(),
            duration=timedelta(minutes=rng.randint(5, 600)),
        )

    blocks = []
    while made < steps:
        shape = rng.random()
        if shape < 0.5 or steps - made < 3:
            blocks.append(step())
        elif shape < 0.7:
            blocks.append(Xor(step(), step(), probabilities=[0.7, 0.3]))
        elif shape < 0.85:
            blocks.append(And(step(), [step(), step()]))
        else:
            blocks.append(Loop(step(), probability=0.2))
    return ServiceProcess.from_blocks(f"Generated {steps}", *blocks)
