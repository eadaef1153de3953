"""`taskbot config check`: validate the configuration file and say what it sets."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.command import ConfigOption, fail, out, run
from bot.config import Config


def config_check(
    action: Annotated[str, typer.Argument(help="check")],
    config: ConfigOption = None,
) -> None:
    """`taskbot config check`: validate the configuration file and say what it sets."""
    if action != "check":
        fail(f"unknown action '{action}'; expected 'check'", 2)

    async def work(cfg: Config) -> None:
        out.print(
            f"configuration is valid; database: {cfg.database.url}; chats: {', '.join(cfg.chat.adapters)}"
        )

    run(config, work)
