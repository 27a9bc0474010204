"""The ``bpr`` command line.

``bpr analyze LOG`` runs the whole analysis (:func:`bpr.analysis.analyze`) and writes the report
and every result into a folder; ``bpr demo`` does it on the bundled example service; ``bpr
discover``, ``measure``, ``gaps``, ``redesign``, ``render`` and ``simulate`` run one stage.
Progress bars go to stderr (not with ``--quiet``); results and summaries to stdout.

A command that reads a log first says which column it read for each role and the repairs it
made. Everything the API takes has an option: the columns, the calendar and time zone of the
dates, the business calendar, the citizen-burden cost model. Messages speak in options
(``--timestamp COLUMN``), not in the API's keywords: :func:`cli_terms` translates what the
library says.

Exit codes: 0 success; 1 bad input (a :class:`bpr.BprError`: one line says what is wrong and
what to do); 2 wrong usage (unknown option, missing argument); 70 an internal error (a bug in
`bpr`: please report it with the output of ``--debug``).
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bpr._read import MODEL_SUFFIXES, read_model
from bpr.errors import BprError, ColumnError, FormatError
from bpr.measure import OBTAIN, QUEUE, TRAVEL

if TYPE_CHECKING:
    from datetime import timedelta

    import pandas as pd

    from bpr._files import Run, RunFiles
    from bpr.analysis import Analysis, Progress
    from bpr.calendar import BusinessCalendar
    from bpr.log import EventLog
    from bpr.measure import Length
    from bpr.model import ServiceProcess
    from bpr.portfolio import CatalogReport

__all__ = ["cli", "cli_terms", "main"]

EXIT_BAD_INPUT = 1
EXIT_INTERNAL = 70

_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)

# The log columns bpr reads, each with its option.
_ROLES = ("case", "activity", "timestamp", "start", "resource", "agency", "channel")
# API keywords that messages may name, and the values written after them: 'x', "x", True, x.
_KEYWORD = re.compile(
    r"\b(?P<name>case|activity|timestamp|start|resource|agency|channel|dates|timezone"
    r"|time_format|encoding|duplicates|strict|memory_limit|temp_directory|by)="
    r"(?:'(?P<single>[^']*)'|\"(?P<double>[^\"]*)\"|(?P<bare>[\w<>/+.-]*[\w>]))?"
)
# Other API words a message may use, in command-line words.
_WORDS = {
    " to read_log": "",
    "read_log": "bpr",
    "bpr.typing_report": "the report's assumptions",
    "process.fidelity has every figure": "bpr analyze's report has every figure",
}


class _Settings:
    quiet = False
    debug = False


_settings = _Settings()


def cli_terms(message: str) -> str:
    """A message of the library in command-line words: API keywords become options.

    Examples
    --------
    >>> cli_terms("no timestamp column found; pass timestamp='<column>' to read_log")
    'no timestamp column found; give --timestamp COLUMN'
    >>> cli_terms("not valid utf-8; pass encoding= with its encoding, e.g. encoding='cp1256'")
    'not valid utf-8; give --encoding with its encoding, e.g. --encoding cp1256'
    >>> cli_terms("the log needs repairs and strict=True: ...; pass start='Start Time'")
    "the log needs repairs and --strict: ...; give --start 'Start Time'"
    >>> cli_terms("memory_limit='50MB' is too small; e.g. memory_limit='3GB'")
    '--memory-limit 50MB is too small; e.g. --memory-limit 3GB'
    """

    def option(match: re.Match[str]) -> str:
        flag = "--" + match["name"].replace("_", "-")
        value = next((v for v in match.group("single", "double", "bare") if v is not None), None)
        if value in (None, "True"):
            return flag
        if value == "<column>":
            return f"{flag} COLUMN"
        return f"{flag} {value!r}" if re.search(r"\s", value) else f"{flag} {value}"

    text = _KEYWORD.sub(option, message)
    text = re.sub(r"\bpass (?=--)", "give ", text)
    for word, said in _WORDS.items():
        text = text.replace(word, said)
    return text


class _Warnings(logging.Handler):
    """Prints bpr's warnings (a year that looks Jalali...) as one line each, in CLI words."""

    def emit(self, record: logging.LogRecord) -> None:
        if not _settings.quiet:
            _err.print(f"warning: {escape(cli_terms(record.getMessage()))}", soft_wrap=True)


def _show_warnings() -> None:
    logger = logging.getLogger("bpr")
    if not any(isinstance(h, _Warnings) for h in logger.handlers):
        handler = _Warnings(level=logging.WARNING)
        logger.addHandler(handler)
        logger.propagate = False  # not twice (Python's last-resort handler)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="Print only errors: no columns, repairs, summary, progress or warnings.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.version_option(package_name="govbpr", prog_name="bpr")
def cli(quiet: bool, debug: bool) -> None:
    """Re-engineer government agency services for digitization.

    Start with `bpr demo`, then `bpr analyze LOG --documented PROCEDURE`. Each command
    explains its options with --help; docs/cli.md has an example of each.
    """
    _settings.quiet, _settings.debug = quiet, debug
    _show_warnings()


def say(message: str) -> None:
    """Print ``message`` (rich markup) unless ``--quiet``."""
    if not _settings.quiet:
        _out.print(message)


# -- shared options -----------------------------------------------------------------------------


def _existing(what: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A click callback that refuses a path that does not exist, in one line with a hint."""

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None and not Path(value).exists():
            raise BprError(
                f"{value}: no such file; give the path of {what} (see bpr {ctx.info_name} --help)"
            )
        return value

    return check


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Keep a log-reading option for :func:`bpr.read_log` (see :func:`_reading`)."""
    if value is not None and value is not False:
        ctx.meta.setdefault("read", {})[param.name] = value


def _former_dates(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """--calendar, the former name of --dates: kept for one release, with a warning."""
    if value is not None:
        _err.print("warning: --calendar is now --dates (and will be removed)", soft_wrap=True)
        ctx.meta.setdefault("read", {})["dates"] = value


_Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def _options(*options: _Decorator) -> _Decorator:
    """One decorator that adds ``options`` to a command, in the order given."""

    def add(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            command = option(command)
        return command

    return add


def _read_option(*decls: str, **kwargs: Any) -> _Decorator:
    """An option of :func:`bpr.read_log`, kept for it rather than given to the command."""
    return click.option(*decls, callback=_remember, expose_value=False, **kwargs)


def _column(role: str, text: str) -> _Decorator:
    return _read_option(
        f"--{role}", metavar="COLUMN", help=f"{text} (default: recognised by its name)."
    )


# The options that say how to read a log: column names, dates, time zone, encoding.
_log_options = _options(
    _column("case", "The log's case id column"),
    _column("activity", "The log's activity (step name) column"),
    _column("timestamp", "The log's completion time column"),
    _column("start", "The log's start time column, for working time and waiting"),
    _column("resource", "The column of who did the step"),
    _column("agency", "The column of the agency (organisation) of the step"),
    _column("channel", "The column of the channel (desk, web, post...)"),
    _read_option(
        "--dates",
        type=click.Choice(["gregorian", "jalali"]),
        help="The calendar of dates written as text; jalali also chooses the Iranian "
        "business week (see --business-calendar)  [default: gregorian].",
    ),
    click.option(
        "--calendar",
        type=click.Choice(["gregorian", "jalali"]),
        callback=_former_dates,
        expose_value=False,
        hidden=True,
        help="The former name of --dates.",
    ),
    _read_option(
        "--timezone",
        metavar="ZONE",
        help="Time zone of timestamps without an offset, and of the log's calendar days, "
        "e.g. Asia/Tehran (which also chooses the Iranian business week)  [default: UTC].",
    ),
    _read_option(
        "--time-format",
        "time_format",
        metavar="FORMAT",
        help="A strptime format for Gregorian timestamps in another layout, e.g. "
        "'%d/%m/%Y %H:%M'  [default: recognised].",
    ),
    _read_option(
        "--encoding",
        metavar="NAME",
        help="The text encoding of a CSV file, e.g. cp1256 for Windows Persian/Arabic "
        "exports  [default: utf-8].",
    ),
    _read_option(
        "--duplicates",
        type=click.Choice(["keep", "drop"]),
        help="Events equal in every column: keep them (each is an activity done again) "
        "or drop the later copies  [default: keep].",
    ),
    _read_option(
        "--strict",
        is_flag=True,
        help="Refuse a log that needs any repair, instead of repairing and reporting it.",
    ),
    _read_option(
        "--memory-limit",
        "memory_limit",
        metavar="SIZE",
        help="The most memory DuckDB may use for the log, e.g. 500MB or 3GB (at least "
        "100MB); beyond it, it spills to --temp-directory  [default: 2GB].",
    ),
    _read_option(
        "--temp-directory",
        "temp_directory",
        metavar="DIR",
        help="An existing folder for DuckDB's spill files, in a folder bpr makes there and "
        "removes when done  [default: the system's temporary folder].",
    ),
)


def _reading() -> dict[str, Any]:
    """The log-reading options given to the running command."""
    return dict(click.get_current_context().meta.get("read", {}))


def _read_log(path: Path) -> EventLog:
    """The log at ``path``, read with the command's options; says which columns it used and
    which repairs it made."""
    from bpr.log import read_log

    with _progress() as progress:
        progress("reading the log", 0, 1)
        try:
            log = read_log(path, **_reading())
        except ColumnError as exc:
            raise BprError(_column_advice(exc)) from None
    _say_reading(log)
    return log


def _column_advice(exc: ColumnError) -> str:
    """A :class:`ColumnError` in command-line words: each missing column with its option, and
    the columns the log has."""
    given = [f"no column {column!r} (given with --{role})" for role, column in exc.given.items()]
    unfound = [role for role in exc.roles if role not in exc.given]
    faults = given + ([f"no column found for {' and '.join(unfound)}"] if unfound else [])
    columns = [c for c in exc.columns if not c.startswith("__bpr_")]  # the reader's own
    text = f"{exc.source}: {'; '.join(faults)}; the columns are: {', '.join(columns)}"
    flags = " ".join(f"--{role} COLUMN" for role in exc.roles)
    return f"{text}; give {flags}"


def _say_reading(log: EventLog) -> None:
    """The columns read for each role, and the repairs made."""
    if _settings.quiet:
        return
    say(
        f"[bold]{escape(Path(log.source).name)}[/bold]: {log.n_cases:,} cases, "
        f"{log.n_events:,} events, {len(log.activities):,} activities"
    )
    say("columns used:")
    for role in _ROLES:
        column = log.columns_chosen.get(role)
        shown = escape(column) if column else f"none found (give --{role} COLUMN)"
        say(f"  {role:<10} {shown}")
    repairs = log.repairs
    if not len(repairs):
        say("repairs: none needed")
        return
    say("repairs:")
    for repair in repairs.itertuples():
        say(f"  {escape(repair.repair)}: {repair.count:,} ({escape(cli_terms(repair.detail))})")


def _read_documented(path: Path) -> ServiceProcess | list[str]:
    """The documented procedure: a model (.bpmn, .pnml, .json), or step names, one per line
    of a .txt file or in the ``step`` column of a .csv file."""
    suffix = path.suffix.lower()
    if suffix not in (".txt", ".csv"):
        if suffix not in MODEL_SUFFIXES:
            raise FormatError(
                f"{path}: give the documented procedure as a model (.bpmn, .pnml or bpr .json) "
                "or as step names (.txt, one per line; .csv with a step column)"
            )
        return read_model(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BprError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8"
        ) from None
    names = _csv_steps(path, text) if suffix == ".csv" else _text_steps(text)
    if not names:
        raise BprError(f"{path}: no step names in it; write one documented step name per line")
    return list(dict.fromkeys(names))


def _text_steps(text: str) -> list[str]:
    """The step names of a text file: one per line; blank lines and # comments skipped."""
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _csv_steps(path: Path, text: str) -> list[str]:
    """The step names in the ``step`` column of a CSV text."""
    import csv

    rows = csv.reader(text.splitlines())
    header = [h.strip() for h in next(rows, [])]
    keys = [h.lower() for h in header]
    if "step" not in keys:
        raise BprError(
            f"{path}: no 'step' column; the columns are: {', '.join(header) or 'none'}; put the "
            "documented step names in a column named step (or list them in a .txt file, one "
            "per line)"
        )
    at = keys.index("step")
    return [row[at].strip() for row in rows if len(row) > at and row[at].strip()]


def _model_file(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """A click callback: the model file to write must be .json, .bpmn or .pnml (before any work)."""
    if value.suffix.lower() not in (".json", ".bpmn", ".pnml"):
        raise BprError(f"{value}: write the model to a .json (bpr), a .bpmn or a .pnml file")
    return value


def _write_model(process: ServiceProcess, path: Path) -> None:
    from bpr.bpmn import write_bpmn
    from bpr.pnml import petri_net, write_pnml
    from bpr.serialize import write_process

    writers = {
        ".json": write_process,
        ".bpmn": write_bpmn,
        ".pnml": lambda p: write_pnml(petri_net(p)),
    }
    _write(path, writers[path.suffix.lower()](process))


_LOG_KINDS = "an event log (.xes, .xes.gz, .csv, .csv.gz, .parquet, or a folder of .parquet parts)"
_model_argument = click.argument(
    "model",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_existing("a model (.json, .bpmn or .pnml)"),
)
_log_argument = click.argument(
    "log", type=click.Path(path_type=Path), callback=_existing(_LOG_KINDS)
)
_lang_option = click.option(
    "--lang",
    type=click.Choice(["en", "fa"]),
    default="en",
    show_default=True,
    help="Language of the report and diagrams (fa: Persian, right to left).",
)


def _annotations_option(text: str) -> _Decorator:
    return click.option(
        "--annotations",
        type=click.Path(dir_okay=False, path_type=Path),
        callback=_existing("an annotation table (.csv or .xlsx)"),
        help=f"{text} CSV or Excel; `bpr annotate LOG` writes one to fill in.",
    )


def _output_option(default: str) -> _Decorator:
    return _options(
        click.option(
            "--output",
            "-o",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path(default),
            show_default=True,
            help="Folder to write the results to, with a manifest.json of the files written; "
            "files of an earlier run there that this one does not write are removed, other "
            "files are kept.",
        ),
        click.option(
            "--force",
            is_flag=True,
            help="Overwrite files in the output folder that no earlier bpr run wrote, or that "
            "were changed since (an annotation table filled in there).",
        ),
    )


_simulation_options = _options(
    click.option("--no-simulate", is_flag=True, help="Skip the simulation (the slowest stage)."),
    click.option(
        "--simulate-cases",
        type=click.IntRange(min=1),
        default=1000,
        show_default=True,
        help="Simulated cases per replication.",
    ),
    click.option("--seed", type=int, default=0, show_default=True, help="Random seed."),
)


def _working_hours(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """A click callback: office hours written OPENING-CLOSING."""
    from bpr.calendar import BusinessCalendar, CalendarError

    if value is None:
        return None
    try:
        return BusinessCalendar(hours=value).hours
    except CalendarError:
        raise BprError(
            f"--working-hours {value}: give the opening and closing times as HH:MM-HH:MM, "
            "closing after opening, e.g. 08:00-14:00"
        ) from None


# The business calendar: a named week and office hours, or none.
_calendar_options = _options(
    click.option(
        "--business-calendar",
        type=click.Choice(["iran", "mon-fri", "none"]),
        help="The working week of the business cycle times. iran: Saturday to Wednesday, "
        "Thursday half day, Friday off, the fixed Jalali holidays (not the religious ones, "
        "which move every year); mon-fri: Monday to Friday in the log's --timezone; none: "
        "no business time. Default: iran for a log read with --timezone Asia/Tehran or "
        "--dates jalali, else none (business times unknown).",
    ),
    click.option(
        "--working-hours",
        metavar="HH:MM-HH:MM",
        callback=_working_hours,
        help="Office hours of the business calendar, e.g. 08:00-14:00 (a half day works "
        "the first half)  [default: whole days].",
    ),
)


class _Duration(click.ParamType):
    """A length of time written with its unit: 45min, 1h, 1h30min, 2 hours, 1:30."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: Any) -> timedelta:
        import pandas as pd

        text = str(value).strip()
        if re.fullmatch(r"\d+:\d\d", text):
            text += ":00"
        if not re.search(r"[a-zA-Z:]", text):
            self.fail(f"{value!r} has no unit; write e.g. 45min, 1h or 1h30min", param, ctx)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pandas' deprecation of some unit letters
                duration = pd.Timedelta(text).to_pytimedelta()
        except ValueError:
            self.fail(f"{value!r} is not a length of time; write e.g. 45min or 1h", param, ctx)
        if duration.total_seconds() < 0:
            self.fail(f"{value!r} is negative; give a length of time of 0 or more", param, ctx)
        return duration


def _short(duration: timedelta) -> str:
    """``1h``, ``30min``, ``1h30min``: a duration as the options take it."""
    hours, minutes = divmod(round(duration.total_seconds() / 60), 60)
    return (f"{hours}h" if hours else "") + (f"{minutes}min" if minutes or not hours else "")


_DURATION = _Duration()
# The EU Standard Cost Model parameters of the citizen's burden.
_burden_options = _options(
    click.option(
        "--travel",
        type=_DURATION,
        metavar="DURATION",
        help="Round-trip travel time of one visit to an office, e.g. 45min, 1h30min  "
        f"[default: {_short(TRAVEL)}].",
    ),
    click.option(
        "--queue",
        type=_DURATION,
        metavar="DURATION",
        help=f"Time queueing at the office per visit  [default: {_short(QUEUE)}].",
    ),
    click.option(
        "--obtain",
        type=_DURATION,
        metavar="DURATION",
        help="Time the citizen spends obtaining one document (a certificate from another "
        f"office...)  [default: {_short(OBTAIN)}].",
    ),
    click.option(
        "--tariff",
        type=(click.FloatRange(min=0), str),
        metavar="AMOUNT CURRENCY",
        help="What an hour of the citizen's time costs (EU Standard Cost Model tariff), "
        "e.g. --tariff 250000 IRR: gives the burden's cost  [default: none, cost unknown].",
    ),
)


def _cost_model(
    travel: timedelta | None,
    queue: timedelta | None,
    obtain: timedelta | None,
    tariff: tuple[float, str] | None,
) -> dict[str, Any]:
    """The burden options given, as :func:`bpr.measure` takes them."""
    from bpr.measure import Tariff

    given: dict[str, Any] = {"travel": travel, "queue": queue, "obtain": obtain}
    given["tariff"] = None if tariff is None else Tariff(tariff[0], tariff[1].strip())
    return {name: value for name, value in given.items() if value is not None}


def _business_calendar(log: EventLog, choice: str | None, hours: Any) -> BusinessCalendar | None:
    """The business calendar chosen, or the one the log's reading implies."""
    from bpr.calendar import CalendarError, choose_calendar

    try:
        return choose_calendar(
            choice or "auto", hours=hours, timezone=log.timezone, dates=log.dates
        )
    except CalendarError:
        if hours is None:
            raise
        raise BprError(
            "--working-hours needs a business calendar, and this log gets none by default (it "
            "is read neither with --timezone Asia/Tehran nor with --dates jalali); choose "
            "one with --business-calendar iran or mon-fri"
        ) from None


def _say_calendar(calendar: BusinessCalendar | None) -> None:
    if calendar is None:
        say(
            "business calendar: none, so business cycle times are unknown (choose one with "
            "--business-calendar iran or mon-fri)"
        )
    else:
        say(f"business calendar: {escape(calendar.description)}")


# -- progress and output ------------------------------------------------------------------------


@contextlib.contextmanager
def _progress() -> Iterator[Progress]:
    """A progress bar on stderr for the stages of long work; ``progress(stage, done, total)``."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=_err,
        transient=True,
        disable=_settings.quiet or not _err.is_terminal,  # no bars in files and pipes
    )
    task = bar.add_task("starting", total=None)

    def update(stage: str, done: int, total: int) -> None:
        bar.update(task, description=stage, completed=done, total=total)

    with bar:
        yield update


def _write(path: Path, text: str) -> None:
    """Write one file (made whole or not at all), its folder made if needed."""
    from bpr._files import write_file

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BprError(
            f"cannot write to {path.parent} ({exc.strerror}); choose another path"
        ) from None
    say(f"  wrote {escape(str(write_file(path, text)))}")


def _open_run(output: Path, force: bool, given: Sequence[Path | None] = ()) -> Run:
    """The output folder of a run (:class:`bpr._files.Run`), before any work is done;
    ``given``: the input files, which the run may write again (a filled-in annotation table)."""
    from bpr._files import Run

    return Run(output, force=force, option="--force", given=[p for p in given if p])


def _say_run(done: RunFiles) -> None:
    for path in [*done.written.values(), done.manifest]:
        say(f"  wrote {escape(str(path))}")
    if done.removed:
        say(f"  removed the earlier run's {escape(', '.join(done.removed))}")


def _about(command: str, inputs: dict[str, Path | None]) -> dict[str, Any]:
    """What a run was given, for its manifest: the input files (size and SHA-256) and the
    command's options (not where it writes)."""
    from bpr._files import describe_input

    ctx = click.get_current_context()
    skip = {"output", "force", *inputs}
    options = {name: value for name, value in ctx.params.items() if name not in skip}
    options |= _reading()
    return {
        "command": command,
        "inputs": {name: describe_input(path) for name, path in inputs.items() if path is not None},
        "options": {name: _plain(value) for name, value in sorted(options.items())},
    }


def _plain(value: Any) -> Any:
    """An option's value as JSON: numbers, text, flags and lists as they are, others as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return str(value)


def _table(frame: pd.DataFrame, title: str, *, index: bool = True) -> None:
    """Print a DataFrame as a rich table, numbers right-aligned."""
    from bpr.report import _Words

    if _settings.quiet:
        return
    words = _Words("en")
    table = Table(title=title, title_justify="left", show_edge=False)
    columns = ([frame.index.name or ""] if index else []) + [str(c) for c in frame.columns]
    for column in columns:
        table.add_column(escape(column), justify="left" if column in columns[:1] else "right")
    for key, row in frame.iterrows():
        cells = [str(key)] if index else []
        cells += [_cell(value, words) for value in row]
        table.add_row(*(escape(c) for c in cells))
    _out.print(table)


def _cell(value: Any, words: Any) -> str:
    if isinstance(value, str):
        return value
    return words.value(value)


def _print_summary(analysis: Analysis) -> None:
    from bpr.report import _Words

    if _settings.quiet:
        return
    words = _Words("en")
    table = Table(title=f"{analysis.name}", title_justify="left", show_edge=False)
    table.add_column("figure")
    table.add_column("value", justify="right")
    for figure, row in analysis.summary().iterrows():
        # The report's labels: each figure with its statistic, observed or estimated.
        label = words.figure(str(figure))
        table.add_row(escape(label), escape(words.value(row["value"], row["unit"])))
    _out.print(table)
    for metric, missing in analysis.length.unknown.items():
        if metric in ("visits", "documents"):  # the figures a director reads first
            say(f"{metric} unknown: {escape(str(missing))}")
    _say_calendar(analysis.calendar)
    _say_burden(analysis.length)


def _say_burden(length: Length) -> None:
    """The citizen's burden per case, and its cost when a tariff was given."""
    if length.burden is None:
        return
    hours = length.burden.total_seconds() / 3600
    cost = (
        f", costing {length.burden_cost:,.2f} {escape(length.currency or '')}"
        if length.burden_cost is not None
        else " (give --tariff AMOUNT CURRENCY for its cost)"
    )
    say(f"citizen's burden: {hours:,.2f} hours per case, mean{cost}")


# The files every analysis writes, checked before the work starts (Analysis.files).
_ANALYSIS_FILES = (
    "report.html",
    "as-is.json",
    "to-be.json",
    "as-is.bpmn",
    "to-be.bpmn",
    "as-is.svg",
    "to-be.svg",
    "comparison.svg",
    "metrics.csv",
    "proposals.csv",
)


def _run_analysis(
    output: Path,
    lang: str,
    force: bool,
    about: dict[str, Any],
    run: Callable[[Progress, Run], Analysis],
    given: Sequence[Path | None] = (),
) -> None:
    """Run an analysis with a progress bar, write its files and manifest into ``output``,
    print its summary and the files."""
    folder = _open_run(output, force, given)
    folder.check(_ANALYSIS_FILES)  # before minutes of work, not after
    with _progress() as progress:
        stages = [1]

        def staged(stage: str, done: int, total: int) -> None:
            stages[0] = total + 1  # and writing the files
            progress(stage, done, stages[0])

        analysis = run(staged, folder)
        progress("drawing the diagrams and writing the report", stages[0] - 1, stages[0])
        folder.write(analysis.files(lang))
        done = folder.finish({**about, "analysis": analysis.describe(lang)})
    _print_summary(analysis)
    _say_run(done)
    if analysis.annotation_table is not None:
        from bpr.analysis import ANNOTATION_FILES

        table = escape(str(output / ANNOTATION_FILES[0]))
        say(
            "steps lack fields that the metrics or the redesign need (see 'Steps to review' "
            f"in the report): fill in {table} and run again with --annotations {table}"
        )


# -- commands -----------------------------------------------------------------------------------


@cli.command()
@_log_argument
@click.option(
    "--documented",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_existing("the documented procedure (.bpmn, .pnml, .json, .txt or .csv)"),
    help="The official procedure, to find undocumented steps: a model (.bpmn, .pnml or bpr "
    ".json), or its step names (.txt: one per line, # comments; .csv: a step column).",
)
@_annotations_option("Step types by activity (CSV: activity, kind, actor, agency, channel...).")
@_log_options
@_calendar_options
@_burden_options
@_lang_option
@_simulation_options
@_output_option("bpr-analysis")
def analyze(
    log: Path,
    documented: Path | None,
    annotations: Path | None,
    business_calendar: str | None,
    working_hours: Any,
    travel: timedelta | None,
    queue: timedelta | None,
    obtain: timedelta | None,
    tariff: tuple[float, str] | None,
    lang: str,
    no_simulate: bool,
    simulate_cases: int,
    seed: int,
    output: Path,
    force: bool,
) -> None:
    """Analyse the service in LOG: as-is, length, gaps, redesign, simulation, report.

    LOG is an event log: .xes, .xes.gz, .csv, .csv.gz, .parquet, or a folder of .parquet
    parts. The command first says which column it read for each role and what it repaired,
    then writes the report and every result into the output folder.

    \b
    Examples:
      bpr analyze permits.xes.gz --documented procedure.bpmn
      bpr analyze export.csv --case CaseID --activity Task --timestamp When \\
          --documented steps.txt --timezone Asia/Tehran
    """
    from bpr.analysis import analyze as run

    cost = _cost_model(travel, queue, obtain, tariff)
    event_log = _read_log(log)
    calendar = _business_calendar(event_log, business_calendar, working_hours)
    procedure = None if documented is None else _read_documented(documented)
    # A list of names makes an unnamed procedure: the service takes the log's name then.
    name = log.name.split(".")[0] if isinstance(procedure, list) else None
    about = _about("analyze", {"log": log, "documented": documented, "annotations": annotations})
    _run_analysis(
        output,
        lang,
        force,
        about,
        lambda progress, _: run(
            event_log,
            documented=procedure,
            annotations=annotations,
            simulate=not no_simulate,
            cases=simulate_cases,
            seed=seed,
            name=name,
            calendar=calendar,
            progress=progress,
            **cost,
        ),
        given=[annotations],
    )


@cli.command()
@click.option(
    "--cases",
    type=click.IntRange(min=10),
    default=2000,
    show_default=True,
    help="Cases in the generated log.",
)
@_lang_option
@_simulation_options
@_output_option("bpr-demo")
def demo(
    cases: int,
    lang: str,
    no_simulate: bool,
    simulate_cases: int,
    seed: int,
    output: Path,
    force: bool,
) -> None:
    """Analyse the bundled example service (vehicle ownership transfer).

    Generates a log of the service with known undocumented steps, writes it with the documented
    procedure and an annotation table to OUTPUT/input, and runs `bpr analyze` on them (in
    Tehran time, so on the Iranian business week).
    """
    from bpr._demo import demo_inputs
    from bpr.analysis import analyze as run

    def analysis(progress: Progress, folder: Run) -> Analysis:
        progress("generating the demo log", 0, 1)
        inputs = demo_inputs(cases, seed).files()
        folder.write({f"input/{name}": data for name, data in inputs.items()})
        return run(
            folder.path("input/log.csv"),
            documented=folder.path("input/documented.bpmn"),
            annotations=folder.path("input/annotations.csv"),
            simulate=not no_simulate,
            cases=simulate_cases,
            seed=seed,
            read={"timezone": "Asia/Tehran"},
            progress=progress,
        )

    _run_analysis(output, lang, force, _about("demo", {}), analysis)


@cli.command()
@click.argument(
    "catalog",
    required=False,
    type=click.Path(path_type=Path),
    callback=_existing("a catalogue: a folder with cards.csv or cards.xlsx, or a workbook"),
)
@click.option("--demo", is_flag=True, help="Analyse the bundled synthetic province instead.")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Ranked services the dashboard's priority list shows.",
)
@click.option(
    "--logs",
    is_flag=True,
    help="Also analyse each service's event log as `bpr analyze` does (no simulation) and "
    "link its report from the service's page; a few seconds a log.",
)
@_lang_option
@_output_option("bpr-portfolio")
def portfolio(
    catalog: Path | None,
    demo: bool,
    top: int,
    logs: bool,
    lang: str,
    output: Path,
    force: bool,
) -> None:
    """Analyse every service of a province's CATALOG and write the catalogue report.

    CATALOG is a folder (cards.csv or cards.xlsx, with steps/, models/, logs/) or a
    workbook (see `bpr.read_catalog`). Writes catalog.html (the province's dashboard) and
    services/<id>.html (a page per service with a process; with --logs also
    services/<id>-log.html, the analysis of its event log). A service whose analysis fails
    is listed and the others go on.

    \b
    Examples:
      bpr portfolio province/ -o out
      bpr portfolio --demo --lang fa -o out
    """
    from bpr.portfolio import portfolio as run

    if (catalog is None) == (not demo):
        raise click.UsageError("give a CATALOG or --demo, not both")
    if catalog is None:
        from bpr.examples import province

        services = province()
    else:
        from bpr.catalog import read_catalog

        services = read_catalog(catalog)
    folder = _open_run(output, force)
    folder.check(["catalog.html"])  # before the work, not after

    def progress(service: str, done: int, total: int) -> None:
        if not _settings.quiet:
            _err.print(f"[{done}/{total}] {escape(service)}", highlight=False)

    result = run(services, lang=lang, top=top, logs=logs, progress=progress)
    folder.write(result.files())
    about = _about("portfolio", {"catalog": catalog})
    done = folder.finish({**about, "catalogue": result.describe()})
    _say_portfolio(result)
    _say_run(done)
    if result.failures and len(result.failures) == len(services):
        raise BprError(f"no service of the catalogue could be analysed ({len(services)} failed)")


def _say_portfolio(result: CatalogReport) -> None:
    """The summary of a catalogue run: services, ranked, pages, and each failure."""
    say(
        f"{result.describe()['services']} services: {len(result.priorities.order)} ranked, "
        f"{len(result.pages)} pages, {len(result.failures)} failed"
    )
    top = result.priorities.order[:3]
    if top:
        say(f"start with: {escape(', '.join(top))} (by {result.priorities.by} removed a year)")
    for failure in result.failures:
        _err.print(
            f"failed: {escape(failure.id)}: {escape(failure.kind)}: {escape(failure.error)}",
            soft_wrap=True,
        )


@cli.command()
@_log_argument
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    callback=_model_file,
    help="Where to write the model: a .json (bpr, lossless), .bpmn or .pnml (Petri net) file.",
)
@click.option(
    "--method",
    type=click.Choice(["inductive", "dfg"]),
    default="inductive",
    show_default=True,
    help="inductive: the inductive miner (sound, block-structured); dfg: the directly-follows "
    "graph of the log.",
)
@click.option(
    "--noise",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Share of behaviour the model may leave out.",
)
@_annotations_option("Step types by activity (CSV).")
@_log_options
def discover(log: Path, output: Path, method: str, noise: float, annotations: Path | None) -> None:
    """Discover the process in LOG and write it as JSON, BPMN or PNML.

    \b
    Example:
      bpr discover export.csv --case CaseID --activity Task --timestamp When -o as-is.bpmn
    """
    from bpr.discover import discover as run

    event_log = _read_log(log)
    with _progress() as progress:
        progress("discovering the process", 0, 1)
        process = run(
            event_log,
            method=method,
            noise=noise,
            annotations=annotations,
            name=log.name.split(".")[0],
        )
    say(
        f"[bold]{escape(process.name)}[/bold]: {len(process.steps)} steps, "
        f"{len(process.gateways)} gateways, from {event_log.n_cases:,} cases."
    )
    _write_model(process, output)


_MODELS = (".json", ".bpmn", ".pnml")


@cli.command()
@_log_argument
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("steps.xlsx"),
    show_default=True,
    help="The table to write: .xlsx (Excel, with drop-down lists) or .csv (UTF-8).",
)
@_annotations_option("A table filled in before, whose values the new one keeps.")
@click.option(
    "--force",
    is_flag=True,
    help="Replace the table at --output even if it exists and is not given with --annotations "
    "(what was filled in there is lost).",
)
@_log_options
def annotate(log: Path, output: Path, annotations: Path | None, force: bool) -> None:
    """Write the annotation table of LOG's activities for an analyst to fill in.

    One row per activity, pre-filled with what a previous table, the log's columns and the
    classifier say, and blank where nothing says anything; the column to_review says what to
    give and which guesses to check (uncertain rows first), with each activity's frequency.
    Fill in the blanks (kind, actor, agency, channel, citizen_present, mandatory, documents)
    and pass the table back with --annotations to analyze, discover or measure.

    \b
    Examples:
      bpr annotate permits.xes.gz -o steps.xlsx
      bpr analyze permits.xes.gz --annotations steps.xlsx
    """
    from bpr.annotate import annotation_table, write_annotation_table

    _keep_filled_in(output, annotations, force)
    event_log = _read_log(log)
    table = annotation_table(event_log, annotations=annotations)
    written = write_annotation_table(table, output)
    review = table["to_review"].str.contains("check:").sum()
    missing = table["to_review"].str.contains("give:").sum()
    say(
        f"wrote {escape(str(written))}: {len(table)} activities, {missing} with fields to "
        f"give, {review} with guesses to check"
    )


def _keep_filled_in(output: Path, annotations: Path | None, force: bool) -> None:
    """Refuse to replace a table an analyst may have filled in, unless its values are carried
    over (it is given with --annotations) or --force says so."""
    given = annotations is not None and annotations.resolve() == output.resolve()
    if output.exists() and not (given or force):
        raise BprError(
            f"{output} exists and may hold what an analyst filled in; give --annotations "
            f"{output} to keep its values in the new table, or --force to replace it"
        )


@cli.command()
@click.argument(
    "source",
    type=click.Path(path_type=Path),
    callback=_existing("a log or a model"),
)
@click.option(
    "--by",
    metavar="ATTRIBUTE",
    help="Log only: one row per value of this attribute (agency, channel, case:...).",
)
@_annotations_option("Step types by activity (CSV), before measuring.")
@_log_options
@_calendar_options
@_burden_options
def measure(
    source: Path,
    by: str | None,
    annotations: Path | None,
    business_calendar: str | None,
    working_hours: Any,
    travel: timedelta | None,
    queue: timedelta | None,
    obtain: timedelta | None,
    tariff: tuple[float, str] | None,
) -> None:
    """Measure how long a service is, from a log or a model (.json, .bpmn, .pnml).

    A log gives means over its cases, a model expected values over its paths.

    \b
    Examples:
      bpr measure export.csv --timezone Asia/Tehran --by channel --tariff 250000 IRR
      bpr measure procedure.bpmn --travel 2h --queue 45min
    """
    from bpr.measure import measure as run

    cost = _cost_model(travel, queue, obtain, tariff)
    if source.suffix.lower() in _MODELS:
        if business_calendar is not None or working_hours is not None:
            raise BprError(
                f"{source}: a model has no clock, so no business calendar; give "
                "--business-calendar and --working-hours with a log"
            )
        if by is not None:
            raise BprError(f"{source}: --by segments the cases of a log; a model has none")
        length = run(read_model(source), annotations=annotations, **cost)
    else:
        event_log = _read_log(source)
        calendar = _business_calendar(event_log, business_calendar, working_hours)
        length = run(event_log, annotations=annotations, by=by, calendar=calendar, **cost)
        _say_calendar(calendar)
    frame = length.to_frame()
    if length.burden_cost is not None:
        frame.loc["burden_cost", "value"] = f"{length.burden_cost:,.2f} {length.currency}"
    name = Path(length.name).name if length.source == "log" else length.name
    _table(frame, f"Length of {name} ({length.source})")
    if length.segments is not None:
        _table(length.segments[["cases", "steps", "visits", "cycle_time"]], f"By {by}")


@cli.command()
@click.argument(
    "procedure",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_existing("the documented procedure (.bpmn, .pnml, .json, .txt or .csv)"),
)
@_log_argument
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw the gaps into this SVG file.",
)
@_lang_option
@_log_options
def gaps(procedure: Path, log: Path, output: Path | None, lang: str) -> None:
    """Find the steps and transitions in LOG that the documented PROCEDURE does not have.

    PROCEDURE is a model (.bpmn, .pnml or bpr .json), or its step names: a .txt file with
    one per line (blank lines and # comments skipped) or a .csv file with a step column.

    \b
    Example:
      bpr gaps steps.txt export.csv --case CaseID --activity Task --timestamp When
    """
    from bpr.conformance import find_undocumented

    documented = _read_documented(procedure)
    event_log = _read_log(log)
    with _progress() as progress:
        progress("finding undocumented steps", 0, 1)
        found = find_undocumented(documented, event_log)
    say(escape(found.summary()))
    for title, frame in (
        ("Undocumented steps", found.steps),
        ("Undocumented transitions", found.transitions),
        ("Skipped documented steps", found.skipped),
    ):
        if len(frame):
            _table(frame, title, index=False)
    if output is not None:
        from bpr.render import render

        _write(output, render(found, lang=lang))


@cli.command()
@_model_argument
@_lang_option
@_output_option("bpr-redesign")
def redesign(model: Path, lang: str, output: Path, force: bool) -> None:
    """Redesign MODEL for digitization: proposals, the to-be and a comparison drawing."""
    from bpr._files import csv_text
    from bpr.bpmn import write_bpmn
    from bpr.redesign import redesign as run
    from bpr.render import render
    from bpr.serialize import write_process

    result = run(read_model(model))
    _table(
        result.compare(),
        f"Redesign of {result.as_is.name}: "
        f"{len(result.plan)} of {len(result.proposals)} changes applied",
    )
    folder = _open_run(output, force)
    folder.write(
        {
            "to-be.json": write_process(result.to_be),
            "to-be.bpmn": write_bpmn(result.to_be),
            "comparison.svg": render(result, lang=lang),
            "proposals.csv": csv_text(result.to_frame()),
        }
    )
    _say_run(folder.finish(_about("redesign", {"model": model})))


@cli.command()
@_model_argument
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The SVG file to write.",
)
@click.option(
    "--lanes",
    type=click.Choice(["agency", "actor", "none"]),
    default="agency",
    show_default=True,
    help="One swimlane per agency or actor, or none.",
)
@_lang_option
def render(model: Path, output: Path, lanes: str, lang: str) -> None:
    """Draw MODEL as an SVG swimlane diagram."""
    from bpr.render import render as draw

    svg = draw(read_model(model), lanes=None if lanes == "none" else lanes, lang=lang)
    _write(output, svg)


@cli.command()
@_model_argument
@click.option(
    "--cases",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Cases per replication.",
)
@click.option(
    "--replications",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Independent runs, for the 95% confidence intervals.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
def simulate(model: Path, cases: int, replications: int, seed: int) -> None:
    """Simulate MODEL: cycle times with confidence intervals, waiting, utilisation."""
    from bpr.simulate import simulate as run

    process = read_model(model)
    with _progress() as progress:
        progress("simulating", 0, 1)
        result = run(process, cases=cases, replications=replications, seed=seed)
    frame = result.to_frame()
    _table(
        frame.set_index("metric"),
        f"Simulation of {result.process}: {cases:,} cases × {replications} (hours; 95% interval)",
    )
    for note in result.assumptions:
        say(f"  assumed: {escape(note)}")


def _show_warning(message: Warning | str, category: type[Warning], *args: Any, **kw: Any) -> None:
    """A Python warning of bpr (a model that does not reproduce its log...) as one line."""
    if not _settings.quiet:
        _err.print(f"warning: {escape(cli_terms(str(message)))}", soft_wrap=True)


def main(args: Sequence[str] | None = None) -> None:
    """Entry point of the ``bpr`` console script."""
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            code = cli.main(args=args, prog_name="bpr", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        sys.exit(EXIT_BAD_INPUT)
    except click.UsageError as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        _fail(exc.format_message(), EXIT_BAD_INPUT, exc)
    except BprError as exc:
        _fail(cli_terms(str(exc)), EXIT_BAD_INPUT, exc)
    except Exception as exc:  # a bug: one line and a hint; the traceback with --debug
        _fail(
            f"{type(exc).__name__}: {exc}",
            EXIT_INTERNAL,
            exc,
            hint="this is a bug in bpr; rerun with --debug and report it",
        )
    sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str, code: int, exc: Exception, hint: str | None = None) -> None:
    if _settings.debug:
        raise exc
    _err.print(f"[bold red]error:[/bold red] {escape(message)}", soft_wrap=True)
    if hint:
        _err.print(f"hint: {escape(hint)}", soft_wrap=True)
    sys.exit(code)
