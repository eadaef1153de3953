"""The `taskbot` command (entry point `bot.cli:app`): one module per command group.

To add a command to a group, decorate it with that group's Typer object and import its module
here, e.g. `from bot.cli.batch import batch_app` then `@batch_app.command("from-script")`.
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from typing import Annotated

import typer

from bot.bootstrap import opened_bank
from bot.cli.batch import batch_app
from bot.cli.command import OPTIONS, ConfigOption, err, fail, out, run
from bot.cli.config_cmd import config_check
from bot.cli.db import db_app
from bot.cli.pauses import batch_paused, batch_reinstate
from bot.cli.quality import batch_quality
from bot.cli.serve import demo, run_command
from bot.cli.tally import tally
from bot.cli.tools import discord_app
from bot.cli.writer import writer_app
from bot.script_cli import batch_from_script

app = typer.Typer(
    help="Taskbot: creative micro-tasks for writers, with an honest pay ledger.",
    no_args_is_help=True,
)


def _show_version(value: bool) -> None:
    if value:
        out.print(f"taskbot {version('taskbot')}")
        raise typer.Exit(0)


@app.callback()
def options(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the whole traceback when something fails.")
    ] = False,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Taskbot: creative micro-tasks for writers, with an honest pay ledger."""
    OPTIONS.debug = debug


app.add_typer(batch_app, name="batch")
app.add_typer(db_app, name="db")
app.add_typer(discord_app, name="discord")
app.add_typer(writer_app, name="writer")
app.command("tally")(tally)
app.command("demo")(demo)
app.command("run")(run_command)
app.command("config")(config_check)

# Commands other modules add to the groups above.
batch_app.command("from-script")(batch_from_script)
batch_app.command("quality")(batch_quality)
batch_app.command("paused")(batch_paused)
batch_app.command("reinstate")(batch_reinstate)

__all__ = ["ConfigOption", "app", "batch_app", "err", "fail", "main", "opened_bank", "out", "run"]


def main() -> None:  # pragma: no cover - console entry point
    """Entry point for `python -m bot.cli`."""
    sys.exit(app())
