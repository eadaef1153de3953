"""What `taskbot run` and `taskbot config check` require of the Discord configuration before
connecting: both channels set, and the bot token in the environment. Imports no Discord
library, so the check runs (and says which extra is missing) without it."""

from __future__ import annotations

from collections.abc import Mapping

from bot.config import Config
from taskbank.errors import Problem


def discord_problems(config: Config, environ: Mapping[str, str]) -> list[Problem]:
    """Every missing channel and the token (registered as the `discord` check)."""
    problems = [
        Problem(f"discord.{key}", "is not set; expected a channel id like 1097...", "configuration")
        for key in ("review_channel", "coordinator_channel")
        if not getattr(config.discord, key)
    ]
    if not environ.get("DISCORD_TOKEN", "").strip():
        problems.append(
            Problem(
                "DISCORD_TOKEN",
                "is not set; the Developer Portal shows it under your application's Bot tab",
                "environment",
            )
        )
    return problems
