"""`taskbot run` and `taskbot demo`: serve the configured chats, or the whole loop in a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot import bootstrap
from bot.cli.command import ConfigOption, fail, out, run
from bot.config import Config, DatabaseConfig, RolesConfig, load_config
from bot.preflight import checked_runners
from taskbank.errors import TaskbankError
from taskbank.sample_bank import import_sample_bank
from taskbank.sample_scripts import sample_script_batches


def run_command(config: ConfigOption = None) -> None:
    """Serve the chats the configuration enables (the console when none is)."""

    async def work(cfg: Config) -> None:
        checked_runners(cfg)  # what `taskbot config check` checks, before the database opens
        async with bootstrap.opened_bank(cfg, serving=True) as bank:
            await bootstrap.serve(cfg, bank, scheduler=True)

    run(config, work)


def demo(
    database: Annotated[
        Path | None, typer.Option("--db", help="SQLite file (default: in your data directory).")
    ] = None,
    user: Annotated[str, typer.Option("--as", help="Who you are at start.")] = "wendy",
    config: ConfigOption = None,
) -> None:
    """Try the whole loop in the terminal: claim, answer, review, tally. No tokens needed."""
    try:
        cfg = demo_config(database, config)
    except TaskbankError as error:
        fail(str(error), 2)

    async def work(_: Config) -> None:
        async with bootstrap.opened_bank(cfg, serving=True) as bank:
            imported = []
            if not await bank.list_batches():
                imported = [*await import_sample_bank(bank), *await sample_script_batches(bank)]
            out.print(
                f"Taskbot demo on {cfg.database.url}"
                + (
                    f" — imported {len(imported)} sample batches, four of them cut from the"
                    " sample screenplays (Fountain, Final Draft and PDF)."
                    if imported
                    else "."
                )
            )
            out.print(
                (
                    "You are wendy, a writer: type /task, then the numbers on the card to answer.\n"
                    if user == "wendy"
                    else f"You start as {literal_name(user)}; /as wendy to write (/task, then the "
                    "numbers on the card).\n"
                )
                + "/as rita to review (/review, or /react N yes|no), /as cora to coordinate (/batch list, /tally).\n"
                "/help for everything, /quit to leave."
            )
            await bootstrap.serve(cfg, bank, ["console"], user=user)

    run(config, work)


def demo_config(database: Path | None, config_path: Path | None = None) -> Config:
    """The configuration (`--config`, or the default file), on `database` if given, with rita
    reviewing and cora coordinating besides whoever the configuration names."""
    base = load_config(config_path)
    roles = RolesConfig(
        writers=base.roles.writers,
        reviewers=[*base.roles.reviewers, "console:rita"],
        coordinators=[*base.roles.coordinators, "console:cora"],
    )
    return Config.model_validate(
        {
            **base.model_dump(),
            "database": DatabaseConfig(
                url=str(database) if database else base.database.url
            ).model_dump(),
            "roles": roles.model_dump(),
        }
    )


def literal_name(name: str) -> str:
    """A name typed on the command line, kept short for the banner."""
    return name if len(name) <= 40 else name[:39] + "…"
