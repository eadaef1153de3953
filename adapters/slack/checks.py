"""What `taskbot run` and `taskbot config check` require of the Slack configuration before
serving: both channels set, and the secrets its mode needs in the environment. Imports no
Slack library, so the check runs (and says which extra is missing) without them."""

from __future__ import annotations

from collections.abc import Mapping

from bot.config import Config
from taskbank.errors import Problem


def slack_problems(config: Config, environ: Mapping[str, str]) -> list[Problem]:
    """Every missing channel and secret (registered as the `slack` check)."""
    settings = config.slack
    problems = [
        Problem(f"slack.{key}", "is not set; expected a channel id like C0123ABCD", "configuration")
        for key in ("review_channel", "coordinator_channel")
        if not getattr(settings, key)
    ]
    needed = ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]
    if settings.mode == "socket":
        needed.append("SLACK_APP_TOKEN")
    problems.extend(
        Problem(name, "is not set; Slack's app settings show it", "environment")
        for name in needed
        if not environ.get(name)
    )
    return problems
