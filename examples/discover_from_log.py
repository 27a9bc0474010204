"""Read an event log and discover the service process it records.

    python examples/discover_from_log.py [LOG] [OUTPUT_FOLDER]

LOG defaults to the public receipt log of a Dutch municipality, ``receipt.xes.gz`` in
``tests/data/logs`` of the repository. The script prints what it read and repaired,
discovers the main behaviour (``noise=0.2`` leaves out the rarest 20%), says where each step's
type came from and how many cases the model accepts, and writes the process as BPMN and SVG to
OUTPUT_FOLDER (default ``out/discover``).
"""

import sys
from pathlib import Path

import bpr

DEFAULT_LOG = Path(__file__).resolve().parents[1] / "tests" / "data" / "logs" / "receipt.xes.gz"
source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_LOG
output = Path(sys.argv[2] if len(sys.argv) > 2 else "out/discover")
output.mkdir(parents=True, exist_ok=True)

log = bpr.read_log(source)  # XES, CSV or Parquet; CSV columns are recognised by their names
print(
    f"{source.name}: {log.n_cases:,} cases, {log.n_events:,} events, "
    f"{len(log.activities)} activities"
)
print(f"repairs: {len(log.repairs)}")

process = bpr.discover(log, noise=0.2)
print(f"discovered {len(process.steps)} steps:")
for step in process.steps:
    print(f"  {step.name}: {step.stats.cases:,} cases")

# Where each step's agency and channel came from: annotations, event attributes or the label.
sources = bpr.typing_report(process, log)
print(
    sources[sources["attribute"].isin(["agency", "channel"])]
    .groupby(["attribute", "source"])
    .size()
    .to_string()
)

# How many cases are runs of the model: pm4py's token-based replay is exact on the model's
# state-machine net (on the workflow net it guesses where silent transitions must fire). It
# skips activities the model does not have, so a case with one is counted apart.
net = bpr.petri_net(process, form="state_machine")
import pm4py  # noqa: E402  (after bpr, which loads it without its banner and progress bars)

events = log.to_pandas()
replayed = pm4py.conformance_diagnostics_token_based_replay(
    events,
    net.net,
    net.initial,
    net.final,
    activity_key="activity",
    case_id_key="case",
    timestamp_key="timestamp",
    return_diagnostics_dataframe=True,
).set_index("case_id")
in_model = events.groupby("case")["activity"].agg(lambda names: set(names) <= net.labels)
fitting = (replayed["is_fit"] & in_model.reindex(replayed.index)).sum()
print(f"{fitting:,} of {len(replayed):,} cases are runs of the model")

bpr.write_bpmn(process, output / "as-is.bpmn")
(output / "as-is.svg").write_text(bpr.render(process), encoding="utf-8")
print(f"wrote as-is.bpmn and as-is.svg to {output}")
