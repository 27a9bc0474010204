"""The ``bpr`` command line.

Exit codes: 0 success; 1 bad input (a :class:`bpr.BprError`: the message says what is wrong
and what to do); 2 wrong usage (unknown option, missing argument); 70 an internal error (a bug in
`bpr`: please report it with the output of ``--debug``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from bpr.errors import BprError

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
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.version_option(package_name="govbpr", prog_name="bpr")
def cli(quiet: bool, debug: bool) -> None:
    """Re-engineer government agency services for digitization."""
    _settings.quiet, _settings.debug = quiet, debug


def say(message: str) -> None:
    """Print ``message`` (rich markup) unless ``--quiet``."""
    if not _settings.quiet:
        _out.print(message)


_output_option = click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("bpr-demo"),
    show_default=True,
    help="Folder to write the results to.",
)


@cli.command()
@_output_option
def demo(output: Path) -> None:
    """Run bpr on the bundled example service (vehicle ownership transfer)."""
    from bpr.bpmn import write_bpmn
    from bpr.examples import vehicle_transfer
    from bpr.render import render
    from bpr.serialize import write_process

    process = vehicle_transfer()
    files = {
        "as-is.json": write_process(process),
        "as-is.bpmn": write_bpmn(process),
        "as-is.svg": render(process),
    }
    agencies = sorted({s.agency for s in process.steps if s.agency})
    say(
        f"[bold]{escape(process.name)}[/bold]: {len(process.steps)} steps, {len(agencies)} "
        f"agencies, {sum(s.citizen_present for s in process.steps)} in-person steps, "
        f"{sum(s.mandatory for s in process.steps)} mandatory by law; the model is valid."
    )
    _write(output, files)


def _write(output: Path, files: dict[str, str]) -> None:
    try:
        output.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (output / name).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(
            f"cannot write to {output} ({exc.strerror}); choose another folder with -o"
        ) from None
    for name in files:
        say(f"  wrote {escape(str(output / name))}")


def main(args: list[str] | None = None) -> None:
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
