"""bpr: re-engineering government agency services for digitization.

Represent a service process as a typed graph, discover it from event logs, measure its length
and its undocumented steps, and redesign it for digitization.
"""

from bpr.analysis import Analysis, analyze
from bpr.annotate import annotate, annotation_table, typing_report, write_annotation_table
from bpr.bpmn import read_bpmn, write_bpmn
from bpr.calendar import BusinessCalendar
from bpr.conformance import Gaps, find_undocumented
from bpr.discover import discover
from bpr.document import Procedure, document
from bpr.errors import (
    AnnotationError,
    BprError,
    FormatError,
    LogError,
    ModelError,
    RenderError,
)
from bpr.fidelity import Fidelity, FidelityWarning, fidelity
from bpr.heuristics import HEURISTICS, Constraints, Evidence, Heuristic
from bpr.log import EventLog, read_log
from bpr.measure import Length, measure
from bpr.model import (
    Actor,
    And,
    Channel,
    DurationStats,
    Event,
    EventKind,
    Flow,
    Gateway,
    GatewayKind,
    Loop,
    ServiceProcess,
    Source,
    Step,
    StepKind,
    StepStats,
    Xor,
)
from bpr.pnml import Net, petri_net, read_pnml, write_pnml
from bpr.redesign import Finding, Proposal, Redesign, redesign
from bpr.render import render
from bpr.report import Report, report
from bpr.serialize import read_process, write_process
from bpr.simulate import Simulation, compare_simulations, simulate
from bpr.stats import LogStats

__version__ = "0.1.0"

__all__ = [
    "HEURISTICS",
    "Actor",
    "Analysis",
    "And",
    "AnnotationError",
    "BprError",
    "BusinessCalendar",
    "Channel",
    "Constraints",
    "DurationStats",
    "Event",
    "EventKind",
    "EventLog",
    "Evidence",
    "Fidelity",
    "FidelityWarning",
    "Finding",
    "Flow",
    "FormatError",
    "Gaps",
    "Gateway",
    "GatewayKind",
    "Heuristic",
    "Length",
    "LogError",
    "LogStats",
    "Loop",
    "ModelError",
    "Net",
    "Procedure",
    "Proposal",
    "Redesign",
    "RenderError",
    "Report",
    "ServiceProcess",
    "Simulation",
    "Source",
    "Step",
    "StepKind",
    "StepStats",
    "Xor",
    "analyze",
    "annotate",
    "annotation_table",
    "compare_simulations",
    "discover",
    "document",
    "fidelity",
    "find_undocumented",
    "measure",
    "petri_net",
    "read_bpmn",
    "read_log",
    "read_pnml",
    "read_process",
    "redesign",
    "render",
    "report",
    "simulate",
    "typing_report",
    "write_annotation_table",
    "write_bpmn",
    "write_pnml",
    "write_process",
]
