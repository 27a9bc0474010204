"""pm4py, imported and called without a word on the user's console.

pm4py draws tqdm progress bars while it parses XES or replays logs, and it warns about optional
packages it would like to have. `bpr` is a library: what its users see is what `bpr` says, through
:mod:`logging`. :func:`load` imports pm4py once with its progress bars switched off, and
:func:`quiet` wraps every call into it: warnings, and anything written to standard output or
standard error, go to the ``bpr.pm4py`` logger at DEBUG level instead of the console.

Examples
--------
>>> import warnings
>>> from bpr._pm4py import load, quiet
>>> pm4py = load()
>>> with quiet():
...     warnings.warn("pm4py would like another package")
...     print("pm4py is chatty")
>>> pm4py.util.constants.SHOW_PROGRESS_BAR
False
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

__all__ = ["load", "quiet"]

logger = logging.getLogger("bpr.pm4py")


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Run a block with pm4py's warnings and console output sent to the ``bpr.pm4py`` logger.

    Warnings raised in the block are recorded instead of shown, and standard output and standard
    error are redirected to buffers; both are logged at DEBUG level when the block ends, also when
    it raises.

    Examples
    --------
    >>> with quiet():
    ...     print("not on the console")
    """
    out, err = io.StringIO(), io.StringIO()
    with (
        warnings.catch_warnings(record=True) as caught,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        warnings.simplefilter("always")
        try:
            yield
        finally:
            for warning in caught:
                logger.debug("%s: %s", warning.category.__name__, warning.message)
            for stream, text in (("stdout", out.getvalue()), ("stderr", err.getvalue())):
                if text.strip():
                    logger.debug("%s: %s", stream, text.strip())


@functools.cache
def load() -> ModuleType:
    """Import pm4py with its progress bars off, and return the module.

    pm4py reads ``SHOW_PROGRESS_BAR`` from its constants module at every call, so switching it
    off once after the import silences every progress bar without touching the environment.

    Examples
    --------
    >>> load().__name__
    'pm4py'
    """
    with quiet():
        import pm4py
        from pm4py.util import constants

    constants.SHOW_PROGRESS_BAR = False
    return pm4py
