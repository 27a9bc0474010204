"""The exceptions `bpr` raises on bad input.

Every error that bad input can cause is a :class:`BprError`, so a caller can catch one class.
Messages name the file, element or column at fault and say what to do about it.
"""

from __future__ import annotations

__all__ = [
    "AnnotationError",
    "BprError",
    "ColumnError",
    "FormatError",
    "LogError",
    "ModelError",
    "OutputError",
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


class ColumnError(LogError):
    """Columns a log needs are missing, or a column named for a role is not in the log.

    Besides the message (in terms of :func:`bpr.read_log`'s keywords), it says what went wrong
    as data, so that a front end (the command line) can give its own advice.

    Attributes
    ----------
    source : str
        The log's file name, or a description of the in-memory source.
    roles : tuple of str
        The canonical roles at fault (``"case"``, ``"activity"``, ``"timestamp"``, ...), all of
        them at once.
    given : dict of str to str
        For a role at fault that the caller named a column for: that column (absent from the
        log); roles with no entry were searched for by name and not found.
    columns : tuple of str
        The columns the log has.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str,
        roles: tuple[str, ...],
        columns: tuple[str, ...],
        given: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.source = source
        self.roles = roles
        self.columns = columns
        self.given = dict(given or {})


class AnnotationError(BprError, ValueError):
    """An annotation table has an unknown column, an unknown value or an unmatched row."""


class RenderError(BprError, RuntimeError):
    """A diagram could not be drawn."""


class OutputError(BprError):
    """A file cannot be written: a symbolic link where bpr would write, a file bpr did not
    write that a run would overwrite, or the system's refusal (permissions, a full disk)."""
