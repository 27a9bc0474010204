"""The ``bpr`` command line.

Exit codes: 0 success; 1 bad input (a :class:`bpr.BprError`: the message says what is wrong
and what to do); 2 wrong usage (unknown option, missing argument); 70 an internal error (a bug in
`bpr`: please report it with the output of ``--debug``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bpr.errors import BprError

__all__ = ["app", "main"]

EXIT_BAD_INPUT = 1
EXIT_INTERNAL = 70

app = typer.Typer(
    name="bpr",
    help="Re-engineer government agency services for digitization.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_state = {"debug": False, "quiet": False}
_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)


@app.callback()
def _options(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    _state.update(quiet=quiet, debug=debug)


def _say(message: str) -> None:
    if not _state["quiet"]:
        _out.print(message)


OutputDir = Annotated[Path, typer.Option("--output", "-o", help="Folder to write the results to.")]


@app.command()
def demo(output: OutputDir = Path("bpr-demo")) -> None:
    """Run bpr on the bundled example service (vehicle ownership transfer)."""
    from bpr.bpmn import write_bpmn
    from bpr.examples import vehicle_transfer
    from bpr.render import render
    from bpr.serialize import write_process

    process = vehicle_transfer()
    output.mkdir(parents=True, exist_ok=True)
    files = {
        "as-is.json": write_process(process),
        "as-is.bpmn": write_bpmn(process),
        "as-is.svg": render(process),
    }
    for name, text in files.items():
        (output / name).write_text(text, encoding="utf-8")
    agencies = sorted({s.agency for s in process.steps if s.agency})
    _say(
        f"[bold]{process.name}[/bold]: {len(process.steps)} steps, {len(agencies)} agencies, "
        f"{sum(s.citizen_present for s in process.steps)} in-person steps, "
        f"{sum(s.mandatory for s in process.steps)} mandatory by law; the model is valid."
    )
    for name in files:
        _say(f"  wrote {output / name}")


def main() -> None:
    """Entry point of the ``bpr`` console script."""
    import click

    try:
        code = app(standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        sys.exit(EXIT_BAD_INPUT)
    except BprError as exc:
        _fail(exc, EXIT_BAD_INPUT)
    except Exception as exc:  # a bug: one line and a hint; the traceback with --debug
        _fail(exc, EXIT_INTERNAL, hint="this is a bug in bpr; rerun with --debug and report it")
    else:
        sys.exit(code or 0)


def _fail(exc: Exception, code: int, hint: str | None = None) -> None:
    if _state["debug"]:
        raise exc
    from rich.markup import escape

    _err.print(f"[bold red]error:[/bold red] {escape(str(exc))}", soft_wrap=True)
    if hint:
        _err.print(f"hint: {hint}")
    sys.exit(code)
