"""The Slack adapter's own settings: the `[slack]` table of the configuration.

Registered under the `taskbot.settings` entry point (pyproject.toml), so `bot/config.py` validates
the table with this model without importing the adapter.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.commands import NAMES as COMMAND_NAMES


class SlackConfig(BaseModel):
    """The Slack app. Tokens and the signing secret come from the environment, never this file."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)

    mode: Literal["http", "socket"] = Field(
        default="http",
        description="'http': Slack posts to our /slack/events; 'socket': we dial Slack (Socket Mode).",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=3000, ge=0, le=65535)
    path: str = Field(default="/slack/events", pattern=r"^/[A-Za-z0-9/_.-]*$")
    api_url: str = Field(default="https://slack.com/api/", pattern=r"^https?://\S+/$")
    review_channel: str = Field(default="", pattern=r"^([CGD][A-Z0-9]{2,})?$")
    coordinator_channel: str = Field(default="", pattern=r"^([CGD][A-Z0-9]{2,})?$")
    commands: dict[str, Annotated[str, Field(pattern=r"^/[a-z0-9_-]{1,31}$")]] = Field(
        default_factory=lambda: {name: f"/{name}" for name in COMMAND_NAMES}
    )
    import_shortcut: str = Field(default="import_batch", pattern=r"^[a-z0-9_]{1,255}$")

    @field_validator("commands")
    @classmethod
    def _known_commands(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(COMMAND_NAMES))
        if unknown:
            raise ValueError(
                f"unknown command {', '.join(unknown)}; expected some of {', '.join(COMMAND_NAMES)}"
            )
        if len(set(value.values())) != len(value):
            raise ValueError("two commands share one slash name")
        return {**{name: f"/{name}" for name in COMMAND_NAMES}, **value}
