"""The exceptions `bpr` raises on bad input.

Every error that bad input can cause is a :class:`BprError`, so a caller can catch one class.
Messages name the file, element or column at fault and say what to do about it.
"""

from __future__ import annotations

__all__ = [
    "AnnotationError",
    "BprError",
    "FormatError",
    "LogError",
    "ModelError",
    "RenderError",
]


class BprError(Exception):
    """Base class of every error `bpr` raises on bad input."""


class ModelError(BprError, ValueError):
    """A service process is not valid (dangling flow, unreachable step, misused gateway...)."""


class FormatError(BprError, ValueError):
    """A model file (JSON, BPMN, PNML) cannot be read: malformed, or an unsupported element."""


class LogError(BprError, ValueError):
    """An event log cannot be read, or a column it needs is missing."""


class AnnotationError(BprError, ValueError):
    """An annotation table has an unknown column, an unknown value or an unmatched row."""


class RenderError(BprError, RuntimeError):
    """A diagram could not be drawn."""
