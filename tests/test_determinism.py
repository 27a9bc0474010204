"""Same inputs, same bytes: in other interpreters, whose string hashes (and so set orders)
differ."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

from tests.conftest import DATA

SCRIPT = (
    f"LOG = {str(DATA / 'logs' / 'running-example.csv')!r}\n"
    + """
import hashlib, bpr
from bpr.examples import vehicle_transfer
p = vehicle_transfer()
outputs = {
    "json": bpr.write_process(p),
    "bpmn": bpr.write_bpmn(p),
    "svg": bpr.render(p, engine="wasm"),
    "pnml": bpr.write_pnml(bpr.petri_net(p)),
    "state machine": bpr.write_pnml(bpr.petri_net(p, form="state_machine")),
    "net svg": bpr.render(bpr.petri_net(p, form="state_machine"), engine="wasm"),
    "discovered": bpr.write_process(bpr.discover(LOG)),
    "report": bpr.report(bpr.analyze(LOG, cases=100, replications=2, seed=3)).html,
}
for name, text in outputs.items():
    print(name, hashlib.sha256(text.encode("utf-8")).hexdigest())
"""
)


def _digests(seed: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_models_nets_and_drawings_do_not_depend_on_the_hash_seed():
    first, second = _digests("1"), _digests("2")
    assert first == second
    assert len(first.splitlines()) == 8
    # And they are the bytes this interpreter makes too.
    from bpr import write_process
    from bpr.examples import vehicle_transfer

    json_digest = hashlib.sha256(write_process(vehicle_transfer()).encode("utf-8")).hexdigest()
    assert f"json {json_digest}" in first.splitlines()
