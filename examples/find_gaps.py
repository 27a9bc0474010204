"""What does practice do that the procedure does not say? Undocumented steps and transitions.

    python examples/find_gaps.py [LOG] [OUTPUT_FOLDER]

Holds the public receipt log (LOG, default ``tests/data/logs/receipt.xes.gz``) against a
procedure written by hand as a list of step names (a list means a sequence), prints the
findings and writes the procedure with the findings drawn in to OUTPUT_FOLDER (default
``out/gaps``).
"""

import sys
from pathlib import Path

import bpr

DEFAULT_LOG = Path(__file__).resolve().parents[1] / "tests" / "data" / "logs" / "receipt.xes.gz"
source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_LOG
output = Path(sys.argv[2] if len(sys.argv) > 2 else "out/gaps")
output.mkdir(parents=True, exist_ok=True)

procedure = [
    "Confirmation of receipt",
    "T02 Check confirmation of receipt",
    "T04 Determine confirmation of receipt",
    "T05 Print and send confirmation of receipt",
    "T06 Determine necessity of stop advice",
    "T10 Determine necessity to stop indication",
]
gaps = bpr.find_undocumented(procedure, bpr.read_log(source))

print(gaps.summary())
print(f"\ncoverage {gaps.coverage:.4f}, fitness {gaps.fitness:.4f}")
print("\nundocumented steps in the most cases:")
print(gaps.steps.head(5)[["activity", "cases", "case_share"]].to_string(index=False))
print("\nundocumented transitions in the most cases:")
print(gaps.transitions.head(5)[["source", "target", "cases", "case_share"]].to_string(index=False))

(output / "gaps.svg").write_text(bpr.render(gaps, min_share=0.01), encoding="utf-8")
gaps.to_frame().to_csv(output / "gaps.csv", index=False)
print(f"\nwrote gaps.svg and gaps.csv to {output}")
