"""mkdocs hooks: the parts of the site that bpr itself generates at build time.

Nothing here is copied by hand, so nothing can drift from the code:

* a page line ``<!-- bpr:NAME -->`` is replaced by the Markdown that ``GENERATED[NAME]`` makes
  from the code (the heuristic catalogue, the planner's weights, the model's enumerations,
  the command line's help); an unknown name fails the build;
* the diagrams in ``DIAGRAMS`` are drawn by :func:`bpr.render` and added to the site as SVG
  files, which pages show as images.

mkdocs.yml loads this file with ``hooks: [docs/_hooks.py]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

_MARKER = re.compile(r"^<!-- bpr:(?P<name>[a-z-]+) -->$", re.M)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[object]]) -> str:
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(_cell(c) for c in line) + " |" for line in lines)


def heuristics() -> str:
    """The catalogue: an overview table, then one section per heuristic, in catalogue order."""
    from bpr import HEURISTICS

    overview = _table(
        ["id", "name", "stage", "best practice (source)"],
        [[f"[`{h.id}`](#{h.id})", h.name, h.stage, h.practice] for h in HEURISTICS.values()],
    )
    sections = [
        f"### `{h.id}`: {h.name} {{#{h.id}}}\n\n"
        f"Applies when\n:   {h.applies_when}\n\n"
        f"Changes\n:   {h.changes}\n\n"
        f"Expected effect\n:   {h.effect}\n\n"
        f"Best practice\n:   {h.practice}\n\n"
        f"Stage\n:   {h.stage}"
        for h in HEURISTICS.values()
    ]
    return "\n\n".join([overview, *sections])


def weights() -> str:
    """The planner's default objective weights."""
    from bpr.redesign import DEFAULT_WEIGHTS

    return _table(["metric", "weight"], [[f"`{m}`", w] for m, w in DEFAULT_WEIGHTS.items()])


def _values(kind: type[StrEnum]) -> str:
    return ", ".join(f"`{member.value}`" for member in kind)


def enums() -> str:
    """The values each typed field of a step takes."""
    from bpr import Actor, Channel, StepKind

    return _table(
        ["field", "type", "values"],
        [
            ["`kind`", "`StepKind`", _values(StepKind)],
            ["`actor`", "`Actor`", _values(Actor)],
            ["`channel`", "`Channel`", _values(Channel)],
        ],
    )


def cli() -> str:
    """``--help`` of ``bpr`` and of each of its commands."""
    import click

    from bpr.cli import cli as group

    def helptext(command: click.Command, name: str, parent: click.Context | None) -> str:
        context = click.Context(
            command, info_name=name, parent=parent, terminal_width=80, max_content_width=80
        )
        return context.get_help()

    root = click.Context(group, info_name="bpr", terminal_width=80, max_content_width=80)
    sections = [f"```text\n$ bpr --help\n{helptext(group, 'bpr', None)}\n```"]
    for name, command in group.commands.items():
        sections.append(
            f"### `bpr {name}`\n\n```text\n$ bpr {name} --help\n"
            f"{helptext(command, name, root)}\n```"
        )
    return "\n\n".join(sections)


def api_index() -> str:
    """Every name ``bpr`` exports, with the first paragraph of its docstring, linked to its page.

    The docstrings come from griffe with the site's own extension, exactly as the API pages
    show them.
    """
    import griffe

    import bpr

    extensions = griffe.load_extensions(str(Path(__file__).with_name("_griffe_rst.py")))
    package = griffe.load("bpr", extensions=extensions, force_inspection=True)

    def defined(name: str) -> griffe.Object:
        # Inspection copies a constant into `bpr` instead of aliasing it: find the submodule
        # that exports it.
        member = package[name]
        if member.is_alias:
            return member.final_target
        return next(m[name] for m in package.modules.values() if name in (m.exports or ()))

    rows = []
    for name in bpr.__all__:
        target = defined(name)
        docstring = target.docstring.value if target.docstring else ""
        rows.append([f"[`{name}`][{target.path}]", docstring.split("\n\n")[0]])
    return _table(["name", "what it is"], rows)


GENERATED: dict[str, Callable[[], str]] = {
    "api-index": api_index,
    "heuristics": heuristics,
    "weights": weights,
    "enums": enums,
    "cli": cli,
}


def _example_diagram() -> str:
    from bpr import render
    from bpr.examples import vehicle_transfer

    return render(vehicle_transfer())


def _redesign_diagram() -> str:
    from bpr import redesign, render
    from bpr.examples import vehicle_transfer

    return render(redesign(vehicle_transfer()))


DIAGRAMS: dict[str, Callable[[], str]] = {
    "assets/vehicle-transfer.svg": _example_diagram,
    "assets/vehicle-transfer-redesign.svg": _redesign_diagram,
}


def on_files(files: Files, config: Any) -> Files:
    for path, draw in DIAGRAMS.items():
        files.append(File.generated(config, path, content=draw()))
    return files


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    def generate(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in GENERATED:
            raise ValueError(
                f"{page.file.src_path}: unknown marker <!-- bpr:{name} -->; "
                f"known: {', '.join(GENERATED)}"
            )
        return GENERATED[name]()

    return _MARKER.sub(generate, markdown)
