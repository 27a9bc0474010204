"""The whole analysis in one call, and the report a manager reads.

    python examples/make_report.py [OUTPUT_FOLDER [LOG PROCEDURE ANNOTATIONS]]

Analyses an agency's event log (CSV in Tehran local time) against its documented procedure
(BPMN) with a table of step types (CSV): the as-is, its length, the undocumented steps, the
redesign and a simulation of both. Writes every result, with the HTML report in English and
in Persian, to OUTPUT_FOLDER (default ``out/report``).

Without the three files, it makes them as ``bpr demo`` does: a log of the bundled vehicle
transfer with steps the procedure does not name (here 300 cases, to stay quick).
"""

import sys
from pathlib import Path

import bpr

output = Path(sys.argv[1] if len(sys.argv) > 1 else "out/report")
if len(sys.argv) > 4:
    log, procedure, annotations = sys.argv[2:5]
else:
    from bpr._demo import demo_inputs  # the demo's generator: stands in for an agency's files

    inputs = demo_inputs(cases=300).write(output / "input")
    log, procedure, annotations = inputs["log"], inputs["documented"], inputs["annotations"]

analysis = bpr.analyze(
    log,
    documented=procedure,
    annotations=annotations,
    read={"timezone": "Asia/Tehran"},  # the log's timestamps are local times
    cases=300,  # simulated cases per replication
    replications=3,
)
written = analysis.save(output)  # report.html, BPMN, JSON, SVG and CSV files
bpr.report(analysis, lang="fa").save(output / "report-fa.html")

print(analysis.summary().to_string())
print(f"\nwrote {', '.join(sorted(written))} and report-fa.html to {output}")
