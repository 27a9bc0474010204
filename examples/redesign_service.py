"""Redesign a service for digitization: named proposals, a valid to-be, the change measured.

    python examples/redesign_service.py [OUTPUT_FOLDER]

Runs the planner on the bundled vehicle transfer service, prints each proposal with the
heuristic behind it and whether the to-be uses it, compares as-is and to-be, and writes the
to-be (JSON, BPMN) and a drawing of both to OUTPUT_FOLDER (default ``out/redesign``).
"""

import sys
from pathlib import Path

import bpr
from bpr.examples import vehicle_transfer

output = Path(sys.argv[1] if len(sys.argv) > 1 else "out/redesign")
output.mkdir(parents=True, exist_ok=True)

plan = bpr.redesign(
    vehicle_transfer(),
    # The municipality is not on the government network yet: no e-inquiry to it.
    constraints=bpr.Constraints(offline_agencies={"Municipality"}),
)

for proposal in plan.proposals:
    status = "applied" if proposal.applied else "not applied"
    print(f"[{status}] {proposal.heuristic}: {'; '.join(proposal.targets)}")
    print(f"    {proposal.rationale}")

print()
print(plan.compare().to_string())

bpr.write_process(plan.to_be, output / "to-be.json")
bpr.write_bpmn(plan.to_be, output / "to-be.bpmn")
(output / "redesign.svg").write_text(bpr.render(plan), encoding="utf-8")
print(f"\nwrote to-be.json, to-be.bpmn and redesign.svg to {output}")
