"""Start Taskbot on Discord, and register its slash commands (`taskbot discord sync`)."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping

import discord

from adapters.discord.app import DiscordApp, intents, point_at
from adapters.discord.commands import command_tree
from bot.config import Config
from bot.runtime import Runtime
from taskbank.errors import Problem, ValidationFailed

log = logging.getLogger(__name__)


def token_from(environ: Mapping[str, str]) -> str:
    """The bot token from DISCORD_TOKEN, or a clear error."""
    token = environ.get("DISCORD_TOKEN", "").strip()
    if not token:
        raise ValidationFailed(
            [
                Problem(
                    "DISCORD_TOKEN",
                    "is not set; the Developer Portal shows it under your application's Bot tab",
                    "environment",
                )
            ],
            summary="Discord needs its bot token in the environment",
        )
    return token


def check_channels(config: Config) -> None:
    """Review cards and tallies need somewhere to go."""
    missing = [
        Problem(f"discord.{key}", "is not set; expected a channel id like 1097...", "configuration")
        for key in ("review_channel", "coordinator_channel")
        if not getattr(config.discord, key)
    ]
    if missing:
        raise ValidationFailed(missing, summary="Discord needs its channels")


def _refused(error: discord.LoginFailure) -> ValidationFailed:
    return ValidationFailed(
        [Problem("DISCORD_TOKEN", f"was refused by Discord ({error})", "environment")],
        summary="Discord did not accept the bot token",
    )


async def _up_when_ready(client: discord.Client, runtime: Runtime) -> None:
    """Tell the runtime Discord is up once the gateway says ready (the token was accepted)."""
    await client.wait_until_ready()
    runtime.up("discord")


async def run_discord(runtime: Runtime) -> None:
    """The Discord adapter's entry point (registered as `discord`); runs until the process is
    asked to stop, then finishes what it is handling and closes the connection."""
    check_channels(runtime.config)
    token = token_from(runtime.options.get("environ", os.environ))
    app = DiscordApp(runtime.build_bot, runtime.config)

    async def before_close() -> None:
        # discord.py closes by itself on a close code it does not reconnect after (the token
        # reset, intents changed): the process stops as on a signal, the work in flight first.
        # (Not when this runner is being cancelled: nothing is waited for then.)
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            return
        if not runtime.stopping.is_set():
            log.error("Discord's connection is closing; stopping, the work in flight first")
            runtime.request_stop()
        await app.drain(runtime.finish)

    app.client.before_close = before_close
    print(f"Taskbot connects to Discord at {runtime.config.discord.gateway_url}", flush=True)
    try:
        async with app.client:
            connected = asyncio.ensure_future(app.client.start(token))
            stop = asyncio.ensure_future(runtime.until_stop_requested())
            ready = asyncio.ensure_future(_up_when_ready(app.client, runtime))
            try:
                await asyncio.wait({connected, stop}, return_when=asyncio.FIRST_COMPLETED)
                if not connected.done():
                    await app.drain(runtime.finish)
                    if app.client.is_ready():
                        await app.client.close()
                    elif app.client.before_close is not None:
                        # Still logging in or connecting (and not closing by itself, which
                        # consumes the hook): closing under it would fail it.
                        connected.cancel()
                await asyncio.wait({connected})
                if not connected.cancelled():
                    connected.result()  # how the connection ended, if it failed
            finally:
                stop.cancel()
                ready.cancel()
                connected.cancel()
    except discord.LoginFailure as error:
        raise _refused(error) from None
    log.info("stopped serving Discord")


async def sync_commands(
    config: Config, *, guild_id: str | None = None, everywhere: bool = False, environ=None
) -> list[str]:
    """Register the slash commands in one server (at once) or globally; their names back."""
    token = token_from(environ if environ is not None else os.environ)
    guild_id = guild_id or config.discord.guild_id
    if not everywhere and not guild_id:
        raise ValidationFailed(
            [
                Problem(
                    "discord.guild_id",
                    "is not set; pass --guild ID, or --global for every server",
                    "configuration",
                )
            ],
            summary="Where should the commands go?",
        )
    point_at(config.discord.api_url, config.discord.gateway_url)
    client = discord.Client(intents=intents())
    tree = command_tree(client, _not_serving, _not_serving)  # registered here, run elsewhere
    try:
        async with client:
            await client.login(token)
            if everywhere:
                synced = await tree.sync()
            else:
                guild = discord.Object(int(guild_id))
                tree.copy_global_to(guild=guild)
                synced = await tree.sync(guild=guild)
    except discord.LoginFailure as error:
        raise _refused(error) from None
    return [command.name for command in synced]


async def _not_serving(*_: object) -> None:
    """What the tree of `taskbot discord sync` runs: nothing, since it only registers."""
