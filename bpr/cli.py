"""The ``bpr`` command line.

``bpr analyze LOG`` runs the whole analysis (:func:`bpr.analysis.analyze`) and writes the report
and every result into a folder; ``bpr demo`` does it on the bundled example service; ``bpr
discover``, ``measure``, ``gaps``, ``redesign``, ``render`` and ``simulate`` run one stage.
Progress bars go to stderr (not with ``--quiet``); results and summaries to stdout.

Exit codes: 0 success; 1 bad input (a :class:`bpr.BprError`: one line says what is wrong and
what to do); 2 wrong usage (unknown option, missing argument); 70 an internal error (a bug in
`bpr`: please report it with the output of ``--debug``).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bpr.errors import BprError, FormatError

if TYPE_CHECKING:
    import pandas as pd

    from bpr.analysis import Analysis, Progress
    from bpr.model import ServiceProcess

__all__ = ["cli", "main"]

EXIT_BAD_INPUT = 1
EXIT_INTERNAL = 70

_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)


class _Settings:
    quiet = False
    debug = False


_settings = _Settings()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--quiet", "-q", is_flag=True, help="Print only errors: no summary, no progress.")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.version_option(package_name="govbpr", prog_name="bpr")
def cli(quiet: bool, debug: bool) -> None:
    """Re-engineer government agency services for digitization.

    Start with `bpr demo`, then `bpr analyze LOG --documented MODEL`.
    """
    _settings.quiet, _settings.debug = quiet, debug


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
    if value is not None:
        ctx.meta.setdefault("read", {})[param.name] = value


def _log_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that say how to read a log: column names, calendar, time zone."""
    options = [
        click.option(
            "--case",
            metavar="COLUMN",
            callback=_remember,
            expose_value=False,
            help="The log's case id column (default: recognised by its name).",
        ),
        click.option(
            "--activity",
            metavar="COLUMN",
            callback=_remember,
            expose_value=False,
            help="The log's activity column.",
        ),
        click.option(
            "--timestamp",
            metavar="COLUMN",
            callback=_remember,
            expose_value=False,
            help="The log's completion time column.",
        ),
        click.option(
            "--calendar",
            type=click.Choice(["gregorian", "jalali"]),
            callback=_remember,
            expose_value=False,
            help="The calendar of dates written as text  [default: gregorian].",
        ),
        click.option(
            "--timezone",
            metavar="ZONE",
            callback=_remember,
            expose_value=False,
            help="Time zone of timestamps without an offset, e.g. Asia/Tehran  [default: UTC].",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _reading() -> dict[str, Any]:
    """The log-reading options given to the running command."""
    return dict(click.get_current_context().meta.get("read", {}))


def _read_log(path: Path) -> Any:
    from bpr.log import read_log

    with _progress() as progress:
        progress("reading the log", 0, 1)
        return read_log(path, **_reading())


def _read_model(path: Path) -> ServiceProcess:
    """A process from a bpr JSON, a BPMN or a PNML file, by its name."""
    from bpr.bpmn import read_bpmn
    from bpr.pnml import read_pnml, to_process
    from bpr.serialize import read_process

    suffix = path.suffix.lower()
    if suffix == ".json":
        return read_process(path)
    if suffix == ".pnml":
        return to_process(read_pnml(path))
    if suffix in (".bpmn", ".xml"):
        return read_bpmn(path)
    raise FormatError(
        f"{path}: cannot tell the model's format from the name; give a .json (bpr), .bpmn or "
        ".pnml file"
    )


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
    _write(path.parent, {path.name: writers[path.suffix.lower()](process)})


_model_argument = click.argument(
    "model",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_existing("a model (.json, .bpmn or .pnml)"),
)
_log_argument = click.argument(
    "log",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_existing("an event log (.xes, .csv, .parquet)"),
)
_lang_option = click.option(
    "--lang",
    type=click.Choice(["en", "fa"]),
    default="en",
    show_default=True,
    help="Language of the report and diagrams (fa: Persian, right to left).",
)


def _annotations_option(text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--annotations",
        type=click.Path(dir_okay=False, path_type=Path),
        callback=_existing("an annotation table (.csv)"),
        help=text,
    )


def _output_option(default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--output",
        "-o",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(default),
        show_default=True,
        help="Folder to write the results to.",
    )


def _simulation_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option(
            "--no-simulate", is_flag=True, help="Skip the simulation (the slowest stage)."
        ),
        click.option(
            "--simulate-cases",
            type=click.IntRange(min=1),
            default=1000,
            show_default=True,
            help="Simulated cases per replication.",
        ),
        click.option("--seed", type=int, default=0, show_default=True, help="Random seed."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


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


def _unwritable(folder: Path, exc: OSError) -> BprError:
    return BprError(f"cannot write to {folder} ({exc.strerror}); choose another folder with -o")


def _write(folder: Path, files: dict[str, str]) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise _unwritable(folder, exc) from None
    for name in files:
        say(f"  wrote {escape(str(folder / name))}")


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
        table.add_row(escape(str(figure)), escape(words.value(row["value"], row["unit"])))
    _out.print(table)


def _run_analysis(output: Path, lang: str, run: Callable[[Progress], Analysis]) -> None:
    """Run an analysis with a progress bar, save it, print its summary and the files."""
    with _progress() as progress:
        stages = [1]

        def staged(stage: str, done: int, total: int) -> None:
            stages[0] = total + 1  # and writing the files
            progress(stage, done, stages[0])

        analysis = run(staged)
        progress("drawing the diagrams and writing the report", stages[0] - 1, stages[0])
        files = analysis.save(output, lang=lang)
    _print_summary(analysis)
    for path in files.values():
        say(f"  wrote {escape(str(path))}")


# -- commands -----------------------------------------------------------------------------------


@cli.command()
@_log_argument
@click.option(
    "--documented",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_existing("the documented procedure (.bpmn, .pnml or .json)"),
    help="The official procedure (.bpmn, .pnml or bpr .json), to find undocumented steps.",
)
@_annotations_option("Step types by activity (CSV: activity, kind, actor, agency, channel...).")
@_log_options
@_lang_option
@_simulation_options
@_output_option("bpr-analysis")
def analyze(
    log: Path,
    documented: Path | None,
    annotations: Path | None,
    lang: str,
    no_simulate: bool,
    simulate_cases: int,
    seed: int,
    output: Path,
) -> None:
    """Analyse the service in LOG: as-is, length, gaps, redesign, simulation, report."""
    from bpr.analysis import analyze as run

    read = _reading()
    _run_analysis(
        output,
        lang,
        lambda progress: run(
            log,
            documented=documented,
            annotations=annotations,
            simulate=not no_simulate,
            cases=simulate_cases,
            seed=seed,
            read=read,
            progress=progress,
        ),
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
    cases: int, lang: str, no_simulate: bool, simulate_cases: int, seed: int, output: Path
) -> None:
    """Analyse the bundled example service (vehicle ownership transfer).

    Generates a log of the service with known undocumented steps, writes it with the documented
    procedure and an annotation table to OUTPUT/input, and runs `bpr analyze` on them.
    """
    from bpr._demo import demo_inputs
    from bpr.analysis import analyze as run

    def analysis(progress: Progress) -> Analysis:
        progress("generating the demo log", 0, 1)
        try:
            inputs = demo_inputs(cases, seed).write(output / "input")
        except OSError as exc:
            raise _unwritable(output, exc) from None
        return run(
            inputs["log"],
            documented=inputs["documented"],
            annotations=inputs["annotations"],
            simulate=not no_simulate,
            cases=simulate_cases,
            seed=seed,
            read={"timezone": "Asia/Tehran"},
            progress=progress,
        )

    _run_analysis(output, lang, analysis)


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
    "--method", type=click.Choice(["inductive", "dfg"]), default="inductive", show_default=True
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
    """Discover the process in LOG and write it as JSON, BPMN or PNML."""
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


@cli.command()
@click.argument(
    "source",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_existing("a log or a model"),
)
@click.option(
    "--by",
    metavar="ATTRIBUTE",
    help="Log only: one row per value of this attribute (agency, channel, case:...).",
)
@_log_options
def measure(source: Path, by: str | None) -> None:
    """Measure how long a service is, from a log or a model (.json, .bpmn, .pnml)."""
    from bpr.measure import measure as run

    is_model = source.suffix.lower() in (".json", ".bpmn", ".pnml")
    subject = _read_model(source) if is_model else _read_log(source)
    length = run(subject, by=by)
    frame = length.to_frame()
    _table(frame, f"Length of {length.name} ({length.source})")
    if length.segments is not None:
        _table(length.segments[["cases", "steps", "visits", "cycle_time"]], f"By {by}")


@cli.command()
@_model_argument
@_log_argument
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw the gaps into this SVG file.",
)
@_lang_option
@_log_options
def gaps(model: Path, log: Path, output: Path | None, lang: str) -> None:
    """Find the steps and transitions in LOG that the documented MODEL does not have."""
    from bpr.conformance import find_undocumented

    event_log = _read_log(log)
    with _progress() as progress:
        progress("finding undocumented steps", 0, 1)
        found = find_undocumented(model, event_log)
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

        _write(output.parent, {output.name: render(found, lang=lang)})


@cli.command()
@_model_argument
@_lang_option
@_output_option("bpr-redesign")
def redesign(model: Path, lang: str, output: Path) -> None:
    """Redesign MODEL for digitization: proposals, the to-be and a comparison drawing."""
    from bpr.bpmn import write_bpmn
    from bpr.redesign import redesign as run
    from bpr.render import render
    from bpr.serialize import write_process

    result = run(_read_model(model))
    _table(
        result.compare(),
        f"Redesign of {result.as_is.name}: "
        f"{len(result.plan)} of {len(result.proposals)} changes applied",
    )
    _write(
        output,
        {
            "to-be.json": write_process(result.to_be),
            "to-be.bpmn": write_bpmn(result.to_be),
            "comparison.svg": render(result, lang=lang),
            "proposals.csv": result.to_frame().to_csv(index=False, lineterminator="\n"),
        },
    )


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

    svg = draw(_read_model(model), lanes=None if lanes == "none" else lanes, lang=lang)
    _write(output.parent, {output.name: svg})


@cli.command()
@_model_argument
@click.option(
    "--cases",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Cases per replication.",
)
@click.option("--replications", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
def simulate(model: Path, cases: int, replications: int, seed: int) -> None:
    """Simulate MODEL: cycle times with confidence intervals, waiting, utilisation."""
    from bpr.simulate import simulate as run

    process = _read_model(model)
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


def main(args: Sequence[str] | None = None) -> None:
    """Entry point of the ``bpr`` console script."""
    try:
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
        _fail(str(exc), EXIT_BAD_INPUT, exc)
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
