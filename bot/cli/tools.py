"""`taskbot discord sync`: adapters' own tools, found by entry point (bot/ imports no adapter)."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.command import ConfigOption, out, run
from bot.config import Config
from bot.runtime import load_tool

discord_app = typer.Typer(help="The Discord app.", no_args_is_help=True)


@discord_app.command("sync")
def discord_sync(
    guild: Annotated[
        str | None, typer.Option(help="The server id (default: [discord] guild_id).")
    ] = None,
    everywhere: Annotated[
        bool, typer.Option("--global", help="Register for every server (Discord may take an hour).")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Register the slash commands with Discord: in one server at once, or globally."""

    async def work(cfg: Config) -> None:
        sync = load_tool("discord-sync")
        names = await sync(cfg, guild_id=guild, everywhere=everywhere)
        where = "every server" if everywhere else f"server {guild or cfg.discord.guild_id}"
        out.print(f"registered /{', /'.join(names)} in {where}")

    run(config, work)
