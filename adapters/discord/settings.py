"""The Discord adapter's own settings: the `[discord]` table of the configuration.

Registered under the `taskbot.settings` entry point (pyproject.toml), so `bot/config.py` validates
the table with this model without importing the adapter.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

_SNOWFLAKE = r"^([0-9]{15,21})?$"


class DiscordConfig(BaseModel):
    """The Discord app. The bot token comes from the environment (DISCORD_TOKEN), never this file."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)

    guild_id: str = Field(
        default="",
        pattern=_SNOWFLAKE,
        description="The server whose commands `taskbot discord sync` registers (empty: global).",
    )
    review_channel: str = Field(default="", pattern=_SNOWFLAKE)
    coordinator_channel: str = Field(default="", pattern=_SNOWFLAKE)
    api_url: str = Field(default="https://discord.com/api/v10", pattern=r"^https?://\S+[^/]$")
    gateway_url: str = Field(default="wss://gateway.discord.gg/", pattern=r"^wss?://\S+$")
    direct_messages_per_second: float = Field(
        default=5.0, gt=0, le=50, description="Pace of bulk direct messages (tallies)."
    )
    shard_id: int | None = Field(default=None, ge=0, description="This process's shard.")
    shard_count: int | None = Field(default=None, ge=1, description="How many shards in all.")

    @model_validator(mode="after")
    def _shards(self) -> DiscordConfig:
        if (self.shard_id is None) != (self.shard_count is None):
            raise ValueError("set shard_id and shard_count together, or neither")
        if self.shard_id is not None and self.shard_count is not None:
            if self.shard_id >= self.shard_count:
                raise ValueError(
                    f"shard_id {self.shard_id} must be below shard_count {self.shard_count}"
                )
        return self
