"""`taskbot config check`: the checks `taskbot run` makes before serving, all reported at once."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from bot.cli.command import ConfigOption, fail, out, run
from bot.config import Config
from bot.failures import shown_url
from bot.preflight import checked_runners, notes


def config_check(
    action: Annotated[str, typer.Argument(help="check")],
    config: ConfigOption = None,
) -> None:
    """`taskbot config check`: run the checks `taskbot run` makes, and say what the file sets."""
    if action != "check":
        fail(f"unknown action '{action}'; expected 'check'", 2)

    async def work(cfg: Config) -> None:
        checked_runners(cfg, environ=os.environ)
        out.print(
            f"configuration is valid; database: {shown_url(cfg.database.url)}; "
            f"chats: {', '.join(cfg.chat.adapters)}"
        )
        for note in notes(cfg):
            out.print(f"note: {note}")

    run(config, work)
