"""Model a service process, check it, save it as JSON and BPMN 2.0, and draw it.

    python examples/model_and_render.py [OUTPUT_FOLDER]

Builds a small certificate service with the block builder (a sequence, a parallel block of
two inquiries, a review that loops, an exclusive end), writes it and the bundled vehicle
transfer service to OUTPUT_FOLDER (default ``out/model``) and prints what it wrote.
"""

import sys
from pathlib import Path

import bpr
from bpr import And, Loop, ServiceProcess, Step, Xor
from bpr.examples import vehicle_transfer

output = Path(sys.argv[1] if len(sys.argv) > 1 else "out/model")
output.mkdir(parents=True, exist_ok=True)

certificate = ServiceProcess.from_blocks(
    "Certificate",
    Step("submit", "Submit request", kind="submit", actor="citizen", channel="web"),
    And(
        Step("q1", "Inquiry to the civil registry", kind="inquiry", agency="Civil Registry"),
        Step("q2", "Inquiry to the police", kind="inquiry", agency="Police"),
    ),
    Loop(Step("review", "Review the file", kind="verify"), probability=0.1),
    Xor(
        Step("issue", "Issue the certificate", kind="issue"),
        Step("reject", "Notify the rejection", kind="notify"),
        probabilities=[0.9, 0.1],
    ),
)

for process, stem in [(certificate, "certificate"), (vehicle_transfer(), "vehicle-transfer")]:
    bpr.write_process(process, output / f"{stem}.json")  # lossless JSON
    bpr.write_bpmn(process, output / f"{stem}.bpmn")  # BPMN 2.0 with a diagram, lanes per agency
    (output / f"{stem}.svg").write_text(bpr.render(process), encoding="utf-8")
    agencies = sorted({s.agency for s in process.steps if s.agency})
    print(f"{process.name}: {len(process.steps)} steps, {len(agencies)} agencies")
    print(f"  wrote {stem}.json, {stem}.bpmn and {stem}.svg to {output}")

# Reading the JSON back gives the same process, field for field.
assert bpr.read_process(output / "certificate.json") == certificate
