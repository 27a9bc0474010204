"""How long is a service? Measure a model and a log.

    python examples/measure_length.py [LOG]

A model gives expected values over its paths (exact, loops included); a log gives means over
its cases, and one row per segment with ``by=``. LOG defaults to the public receipt log
(``tests/data/logs/receipt.xes.gz``), measured per channel its requests came in by.
"""

import sys
from pathlib import Path

import pandas as pd

import bpr
from bpr.examples import vehicle_transfer

DEFAULT_LOG = Path(__file__).resolve().parents[1] / "tests" / "data" / "logs" / "receipt.xes.gz"
source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_LOG
pd.set_option("display.width", 120)

model = bpr.measure(vehicle_transfer())
print("The vehicle transfer, as documented (expected values per case):")
for metric in ["steps", "visits", "handoffs", "agencies", "documents", "paper_inquiries"]:
    print(f"  {metric:16} {getattr(model, metric):g}")
print(f"  {'cycle_time':16} {model.cycle_time}")

log = bpr.measure(bpr.read_log(source), by="case:channel")
print(
    f"\n{source.name}: {log.cases:,} cases, {log.steps:.2f} steps per case, "
    f"median cycle time {log.cycle_time}"
)
print(log.segments[["cases", "steps", "handoffs", "cycle_time"]].to_string())
