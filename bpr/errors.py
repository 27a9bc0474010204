"""The exceptions `bpr` raises on bad input: one tree, rooted at :class:`BprError`.

Every error that bad input can cause is a :class:`BprError`, so a caller can catch one class.
The tree::

    BprError
    ├── ModelError (ValueError)       a process or a field of one is invalid
    ├── FormatError (ValueError)      a model file (JSON, BPMN, PNML) cannot be read
    ├── LogError (ValueError)         an event log cannot be read
    │   └── ColumnError               a column the log needs is missing
    ├── AnnotationError (ValueError)  an annotation table has an unknown column or value
    │   └── StepTableError            a step table (bpr.read_steps) is not a process
    ├── CatalogError (ValueError)     a service catalogue or card is invalid
    ├── RenderError (RuntimeError)    a diagram could not be drawn
    └── OutputError                   a file cannot be written

Rules, which every module keeps:

* **Which class.** A value given in Python (a :class:`~bpr.Step` field, a keyword of a
  function) is a :class:`ModelError`; a file or text that is not a model is a
  :class:`FormatError`, a log a :class:`LogError`, an annotation table an
  :class:`AnnotationError`. The classes that are also a :class:`ValueError` keep working for
  callers that catch that.
* **The message names the input and the remedy**: the file (and line, element or column),
  the step or flow, the field or keyword, the value at fault, then what to do (``give a
  number of seconds``, ``pass encoding=``, ``export the net again as PNML``).
* **Foreign exceptions are translated at the boundary**, once: where a file is read and
  parsed (``json``, ``lxml``, pandas, DuckDB, pm4py's PNML importer, Python's codecs), the
  reader turns what those libraries raise into the class above, naming the file. Nothing
  deeper catches broadly, and a traceback from inside `bpr` is a bug.
* **Limits, not exhaustion**: inputs beyond what any real service needs (a text field of more
  than a million characters, a model of more than a million nodes, JSON nested more than 64
  levels, a model file of more than 512 MiB) are refused with a :class:`FormatError`.

The command line (:func:`bpr.cli.main`) exits with 1 and one line ``error: ...`` for a
:class:`BprError`, 2 for wrong usage, and 70 only for anything else: a bug in `bpr`.

Examples
--------
>>> from bpr import Step
>>> Step("pay", "Pay the fee", duration="soon")
Traceback (most recent call last):
...
bpr.errors.ModelError: step 'pay': duration 'soon' is not a duration; give a number of seconds ...
>>> issubclass(ModelError, ValueError) and issubclass(ColumnError, LogError)
True
"""

from __future__ import annotations

__all__ = [
    "AnnotationError",
    "BprError",
    "CatalogError",
    "ColumnError",
    "FormatError",
    "LogError",
    "ModelError",
    "OutputError",
    "RenderError",
    "StepTableError",
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


class StepTableError(AnnotationError):
    """A step table (:func:`bpr.read_steps`) does not describe a process: a step follows a
    missing step, a cycle has no repeat mark, a group mark is malformed... The message names
    the file, the row (header row 1) and the column."""


class CatalogError(BprError, ValueError):
    """A service catalogue (:func:`bpr.read_catalog`, :class:`bpr.ServiceCard`) is invalid: a
    duplicate service id, an unknown agency, an impossible value, a card naming a missing
    file. The message names the service id (or the file and row) and the field."""


class RenderError(BprError, RuntimeError):
    """A diagram could not be drawn."""


class OutputError(BprError):
    """A file cannot be written: a symbolic link where bpr would write, a file bpr did not
    write that a run would overwrite, or the system's refusal (permissions, a full disk)."""
