"""The one writer: every file `bpr` writes goes through here, whole or not at all.

:func:`write_file` writes to a temporary file in the target's folder, flushes it to disk and
renames it over the target (``os.replace``), so a run killed at any moment leaves either the
earlier file or the new one under the final name, never a truncated one; on any exception it
removes its temporary file. It never writes through a symbolic link: a target that is a link
is refused (:class:`~bpr.errors.OutputError`) rather than replaced, because a link someone
put where bpr writes (``report.html -> ~/.bashrc``) is either a mistake to be told about or an
attack, and replacing it silently would hide both. The rename itself never follows a link
either, so a link that appears between the check and the rename is replaced, not written
through.

:class:`Run` writes a run's files into a folder with a manifest, ``manifest.json``: the files
the run wrote with their sizes and SHA-256, the bpr version, the inputs and options. The
manifest has no clock time, so the same inputs give the same bytes. Before writing, a run
reads the earlier manifest of the folder; at the end it removes the earlier run's files it did
not write again, so no file of a first run is mistaken for one of the second. A file is
removed or overwritten only when it is still what the earlier run wrote (same SHA-256): a file
edited since then (an annotation table filled in), or any file no manifest lists, is kept and
reported; overwriting it needs ``force``. The manifest is rewritten before each batch of files
with what is about to be written, so a run killed midway leaves a manifest that still names
every file of its own and of the run before.

:func:`csv_text` writes a table as CSV with every text cell that a spreadsheet would read as a
formula neutralised, as OWASP recommends: a cell starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return gets a leading single quote, unless it is a number (``-3.5`` stays).
:func:`unquote` takes that quote off again when a table bpr wrote is read back.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_file(folder / "a.txt", "whole or nothing\\n").read_text()
'whole or nothing\\n'
>>> print(csv_text(__import__("pandas").DataFrame({"step": ["=HYPERLINK(1)", "-3.5"]})), end="")
step
'=HYPERLINK(1)
-3.5
>>> unquote("'=HYPERLINK(1)")
'=HYPERLINK(1)'
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import attrs

from bpr.errors import OutputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MANIFEST",
    "Run",
    "RunFiles",
    "csv_text",
    "describe_input",
    "neutralise",
    "unquote",
    "write_file",
]

MANIFEST = "manifest.json"
#: What the manifest says it is, so that no other ``manifest.json`` is taken for bpr's.
_KIND = "bpr run"
_FORMAT = 1
# Leading characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Temporary files: hidden, and named so that a later run recognises them as bpr's.
_TEMP_PREFIX = ".bpr-"
_TEMP_SUFFIX = ".tmp"
_logger = logging.getLogger("bpr")


def write_file(path: str | os.PathLike[str], data: str | bytes, *, what: str = "") -> Path:
    """Write ``data`` (text as UTF-8, with ``\\n`` line ends as given) to ``path`` atomically.

    The folder must exist. ``what`` names the file in errors (``"the report"``). Returns the
    path.

    Raises
    ------
    OutputError
        When ``path`` is a symbolic link, or the file cannot be written (the message names the
        file and the reason).
    """
    path = Path(path)
    if path.is_symlink():
        raise OutputError(
            f"{path} is a symbolic link; bpr does not write through links (it could overwrite "
            "a file elsewhere): remove the link or choose another path"
        )
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        _replace(path, payload)
    except OSError as exc:
        named = f"{what} to {path}" if what else str(path)
        raise OutputError(
            f"cannot write {named} ({exc.strerror or exc}); choose another folder or file"
        ) from None
    return path


def _replace(path: Path, payload: bytes) -> None:
    """Write ``payload`` to a temporary file beside ``path``, flush it, rename it to ``path``."""
    handle, temp = tempfile.mkstemp(
        dir=path.parent, prefix=f"{_TEMP_PREFIX}{path.name}.", suffix=_TEMP_SUFFIX
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; a written file is 0666-umask
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_folder(path.parent)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry of a renamed file to disk (POSIX; Windows has no folder fd)."""
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def neutralise(value: Any) -> Any:
    """``value`` with a single quote before it when it is text a spreadsheet would read as a
    formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return and is not a
    number), or text that :func:`unquote` would otherwise shorten (``'=x`` is quoted again, so
    that reading gives it back as it was); anything else as it is.

    Examples
    --------
    >>> [neutralise(v) for v in ["=1+2", "@SUM(A1)", "-3.5", "-x", "ok", -3.5, "'=x", "'-3.5"]]
    ["'=1+2", "'@SUM(A1)", '-3.5', "'-x", 'ok', -3.5, "''=x", "'-3.5"]
    """
    return "'" + value if _needs_quote(value) else value


def _needs_quote(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    if value.startswith("'"):
        return _needs_quote(value[1:])
    if not value.startswith(_TRIGGERS):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False


def _formula_like(value: Any) -> bool:
    return neutralise(value) is not value


def unquote(value: Any) -> Any:
    """``value`` without the quote :func:`neutralise` put before it.

    Examples
    --------
    >>> [unquote(v) for v in ["'=1+2", "'quoted", "plain", "''=x", "'-3.5"]]
    ['=1+2', "'quoted", 'plain', "'=x", "'-3.5"]
    """
    if isinstance(value, str) and value.startswith("'") and _needs_quote(value[1:]):
        return value[1:]
    return value


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text without its index, ``\\n`` line ends, formula-like text cells and
    column names neutralised (:func:`neutralise`)."""
    from pandas.api.types import is_numeric_dtype

    safe = frame.rename(columns=neutralise)
    carriage_return = False
    for at in range(safe.shape[1]):
        cells = safe.iloc[:, at]
        if is_numeric_dtype(cells):
            continue
        if cells.map(_formula_like).any():
            safe.isetitem(at, cells.map(neutralise))
        carriage_return |= bool(cells.map(lambda v: isinstance(v, str) and "\r" in v).any())
    # Python 3.11's csv leaves a cell with a bare carriage return unquoted, and a reader then
    # splits the row there: such a table has every text cell quoted.
    quoting = csv.QUOTE_NONNUMERIC if carriage_return else csv.QUOTE_MINIMAL
    return safe.to_csv(index=False, lineterminator="\n", quoting=quoting)


def describe_input(path: str | os.PathLike[str]) -> dict[str, Any]:
    """An input file (or a folder of files, such as Parquet parts) as the manifest names it:
    its path as given, and the size and SHA-256 of each file."""
    path = Path(path)
    if path.is_dir():
        parts = sorted(p for p in path.rglob("*") if p.is_file())
        return {
            "path": str(path),
            "files": {p.relative_to(path).as_posix(): _file_digest(p) for p in parts},
        }
    return {"path": str(path), **_file_digest(path)}


def _digest(data: bytes) -> dict[str, Any]:
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _file_digest(path: Path) -> dict[str, Any]:
    """Size and SHA-256 of a file, read in blocks (a log may be larger than memory)."""
    with path.open("rb") as stream:
        digest = hashlib.file_digest(stream, "sha256")
    return {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}


@attrs.frozen
class RunFiles:
    """What a run wrote into its folder (:meth:`Run.finish`).

    Attributes
    ----------
    written : dict of str to Path
        File name (relative to the folder, ``/``-separated) → path, in the order written;
        the manifest is not among them.
    manifest : Path
        The manifest.
    removed : tuple of str
        Files of the earlier run that this one did not write again, removed.
    kept : tuple of str
        Files in the folder that this run did not write and did not remove: unknown to bpr, or
        written by an earlier run and changed since (folders end with ``/``).
    """

    written: dict[str, Path]
    manifest: Path
    removed: tuple[str, ...]
    kept: tuple[str, ...]


class Run:
    """A run's files, written into ``folder`` with a manifest (see the module's docstring).

    Parameters
    ----------
    folder
        Made if needed; a link to a folder is fine (it is the caller's choice), a link inside
        it is not.
    force
        Overwrite files that no earlier manifest lists, or that changed since bpr wrote them.
    option
        How the refusal names ``force`` (``"--force"`` on the command line).
    what
        What the run writes, for errors: ``"the analysis"`` says "cannot write the analysis
        to FOLDER".
    given
        Files the run reads. One of them in the folder, under a name the run writes, may be
        overwritten without ``force``: an annotation table filled in where ``bpr analyze``
        wrote it and given back to it is written again, with the values it was given.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> run = Run(folder)
    >>> run.write({"a.csv": "x\\n1\\n", "b.csv": "y\\n2\\n"})
    >>> _ = run.finish({"command": "example"})
    >>> again = Run(folder)
    >>> again.write({"a.csv": "x\\n3\\n"})
    >>> again.finish({"command": "example"}).removed
    ('b.csv',)
    >>> sorted(p.name for p in folder.iterdir())
    ['a.csv', 'manifest.json']
    """

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        force: bool = False,
        option: str = "force=True",
        what: str = "",
        given: Iterable[str | os.PathLike[str]] = (),
    ) -> None:
        self.folder = Path(folder)
        self.force = force
        self.option = option
        self.given = {Path(p).resolve() for p in given}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            named = f"{what} to" if what else "to"
            raise OutputError(
                f"cannot write {named} {self.folder} ({exc.strerror or exc}); choose another folder"
            ) from None
        # Files an earlier run wrote: name -> its SHA-256 then (None: written, not recorded).
        self.earlier = _earlier_files(self.folder)
        # The temporary files a killed run left, in the folder and the subfolders it wrote.
        for sub in sorted({PurePosixPath(n).parent for n in self.earlier} | {PurePosixPath(".")}):
            if self._plain(sub.as_posix()) and (self.folder / sub).is_dir():
                _remove_temporary(self.folder / sub)
        self.done: dict[str, dict[str, Any]] = {}

    def write(self, files: Mapping[str, str | bytes]) -> None:
        """Write a batch of files (name relative to the folder → text or bytes).

        Raises
        ------
        OutputError
            When a name leaves the folder, a file would overwrite one that is not the earlier
            run's (without ``force``), or a file cannot be written.
        """
        names = [_relative(name) for name in files]
        self.check(names)
        self._manifest(pending=names)
        for name, data in zip(names, files.values(), strict=True):
            target = self._target(name)
            payload = data.encode("utf-8") if isinstance(data, str) else data
            write_file(target, payload)
            self.done[name] = _digest(payload)
        self._manifest(pending=())

    def path(self, name: str) -> Path:
        """Where the file ``name`` of this run is."""
        return self.folder / _relative(name)

    def finish(self, about: Mapping[str, Any]) -> RunFiles:
        """Remove the earlier run's files not written again, write the final manifest (with
        ``about``: inputs, options; JSON values) and report the files left that are not
        this run's."""
        removed = []
        for name in sorted(set(self.earlier) - set(self.done)):
            target = self.folder / name
            if self._plain(name) and self._ours(name) and target.is_file():
                target.unlink()
                removed.append(name)
                self._prune(PurePosixPath(name).parent)
        manifest = self._manifest(about=about)
        kept = tuple(self._unknown())
        if kept:
            shown = ", ".join(kept[:10]) + (f" and {len(kept) - 10} more" if len(kept) > 10 else "")
            _logger.warning(
                "%s also holds files this run did not write (kept, not bpr's or changed since "
                "bpr wrote them): %s",
                self.folder,
                shown,
            )
        return RunFiles(
            written={name: self.folder / name for name in self.done},
            manifest=manifest,
            removed=tuple(removed),
            kept=kept,
        )

    def check(self, names: Iterable[str]) -> None:
        """Refuse to overwrite a file that is not the earlier run's, unless forced.

        Raises
        ------
        OutputError
            Naming the files, and the option that forces.
        """
        if self.force:
            return
        foreign = [
            n
            for n in map(_relative, names)
            if _exists(self.folder / n)
            and not self._ours(n)
            and (self.folder / n).resolve() not in self.given
        ]
        if foreign:
            raise OutputError(
                f"{self.folder} already has {', '.join(foreign)}, which no earlier bpr run "
                "wrote (or which changed since); bpr does not overwrite them: give "
                f"{self.option} to overwrite, or choose another folder"
            )

    def _ours(self, name: str) -> bool:
        """Whether the file ``name`` is still what this run or the earlier one wrote."""
        if name in self.done:
            return True
        if name not in self.earlier:
            return False
        recorded = self.earlier[name]
        target = self.folder / name
        if not self._plain(name):
            return False
        if recorded is None or not target.is_file():
            return True
        return hashlib.sha256(target.read_bytes()).hexdigest() == recorded

    def _prune(self, sub: PurePosixPath) -> None:
        """Remove the subfolder ``sub`` and those above it that removing files left empty."""
        while sub != PurePosixPath(".") and self._plain(sub.as_posix()):
            with contextlib.suppress(OSError):  # not empty: someone else's files are in it
                (self.folder / sub).rmdir()
                sub = sub.parent
                continue
            return

    def _plain(self, name: str) -> bool:
        """Whether no entry on the way from the folder to ``name`` (itself included) is a link."""
        target = self.folder
        for part in PurePosixPath(name).parts:
            target = target / part
            if target.is_symlink():
                return False
        return True

    def _target(self, name: str) -> Path:
        """The path of ``name``, its subfolders made; no folder on the way may be a link."""
        target = self.folder
        for part in PurePosixPath(name).parts[:-1]:
            target = target / part
            if target.is_symlink():
                raise OutputError(
                    f"{target} is a symbolic link; bpr writes only into the output folder "
                    "itself: remove the link or choose another folder"
                )
            try:
                target.mkdir(exist_ok=True)
            except OSError as exc:
                raise OutputError(f"cannot write to {target} ({exc.strerror or exc})") from None
        return target / PurePosixPath(name).name

    def _manifest(
        self, *, pending: Iterable[str] = (), about: Mapping[str, Any] | None = None
    ) -> Path:
        """Write the manifest: in progress (with the files about to be written and the earlier
        run's still on disk) or, given ``about``, final."""
        from importlib.metadata import version

        content: dict[str, Any] = {"manifest": _KIND, "format": _FORMAT}
        content["bpr"] = version("govbpr")
        if about is None:
            content["complete"] = False
            content["pending"] = sorted(pending)
            content["earlier"] = {n: h for n, h in sorted(self.earlier.items()) if self._ours(n)}
        else:
            content["complete"] = True
            content["about"] = about
        content["files"] = dict(sorted(self.done.items()))
        text = json.dumps(content, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
        return write_file(self.folder / MANIFEST, text)

    def _unknown(self) -> list[str]:
        """Entries of the folder (and of the subfolders this run wrote into) that are not this
        run's, nor bpr's temporary files."""
        folders = {PurePosixPath(n).parent for n in self.done} | {PurePosixPath(".")}
        ours = set(self.done) | {MANIFEST} | {str(f) for f in folders}
        unknown = []
        for sub in sorted(folders):
            for entry in sorted((self.folder / sub).iterdir()):
                name = (PurePosixPath(sub) / entry.name).as_posix()
                if name in ours or _is_temp(entry.name):
                    continue
                unknown.append(name + ("/" if entry.is_dir() else ""))
        return unknown


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()  # a dangling link is there too


def _is_temp(name: str) -> bool:
    return name.startswith(_TEMP_PREFIX) and name.endswith(_TEMP_SUFFIX)


def _relative(name: str) -> str:
    """``name`` as a plain relative path inside the folder, or an error."""
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or ".." in path.parts or "\\" in name:
        raise OutputError(f"{name!r}: a run writes only into its folder; give a relative name")
    return path.as_posix()


def _earlier_files(folder: Path) -> dict[str, str | None]:
    """The files the folder's manifest says an earlier bpr run wrote (or was writing when it
    stopped), with their SHA-256 when recorded."""
    manifest = folder / MANIFEST
    if manifest.is_symlink() or not manifest.is_file():
        return {}
    try:
        content = json.loads(manifest.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return {}
    if not isinstance(content, dict) or content.get("manifest") != _KIND:
        return {}
    files: dict[str, str | None] = {}
    for name, digest in _mapping(content.get("earlier")).items():
        files[name] = digest if isinstance(digest, str) else None
    pending = content.get("pending")
    for name in pending if isinstance(pending, list) else ():
        if isinstance(name, str):  # maybe written, maybe not: what is there is unverified
            files[name] = None
    for name, entry in _mapping(content.get("files")).items():
        digest = entry.get("sha256") if isinstance(entry, dict) else None
        files[name] = digest if isinstance(digest, str) else None
    return {name: digest for name, digest in files.items() if _safe(name)}


def _remove_temporary(folder: Path) -> None:
    """Remove the temporary files a killed run left in ``folder``."""
    for entry in folder.iterdir():
        if _is_temp(entry.name) and entry.is_file() and not entry.is_symlink():
            entry.unlink()


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _safe(name: str) -> bool:
    """Whether a name read from a manifest stays inside the folder (a forged manifest must not
    make bpr delete files elsewhere)."""
    try:
        return _relative(name) == name and name != MANIFEST
    except OutputError:
        return False
