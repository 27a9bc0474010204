"""Simulate the as-is and the to-be on the same arrivals: what does the citizen save?

    python examples/simulate_service.py [CASES]

Both processes of the vehicle transfer redesign run CASES cases (default 300) in each of
three replications, with common random numbers, staff pools and the travel to each office.
The differences come with 95% confidence intervals over the replications.
"""

import sys

import bpr
from bpr.examples import vehicle_transfer

cases = int(sys.argv[1]) if len(sys.argv) > 1 else 300

plan = bpr.redesign(vehicle_transfer())
comparison = plan.simulate(cases=cases, replications=3, seed=1)

print(comparison.to_frame().to_string())
print()
for assumption in comparison.as_is.assumptions:
    print(f"assumed: {assumption}")
