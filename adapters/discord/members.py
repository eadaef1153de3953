"""Server roles for what comes from a direct message, where Discord sends none: the member is
read from the bot's server over REST (GET /guilds/{guild.id}/members/{user.id}).

Not from discord.py's cache: with sharding Discord sends every DM to shard 0, which may not hold
the bot's server at all, and before a server's GUILD_CREATE the cache knows none of its roles.
"""

from __future__ import annotations

import logging

import discord

from adapters.discord import inbound
from adapters.discord.retry import retrying
from adapters.discord.settings import DiscordConfig
from bot.events import Actor

log = logging.getLogger(__name__)


class ServerRoles:
    """A person's roles in the bot's server: the configured `guild_id`, else the server of the
    review channel (asked of Discord once when this process's cache lacks the channel)."""

    def __init__(self, client: discord.Client, settings: DiscordConfig) -> None:
        self.client = client
        self.settings = settings
        self._guild_id = int(settings.guild_id) if settings.guild_id else None

    async def of(self, actor: Actor) -> Actor:
        """The actor with their server roles; as given when they are not in the server (or
        the bot has none)."""
        guild_id = await self.home_guild_id()
        if guild_id is None:
            return actor
        try:
            data = await retrying(
                lambda: self.client.http.get_member(guild_id, int(actor.user_id)),
                "reading server roles",
            )
        except discord.HTTPException:
            return actor  # not a member: no server roles
        return inbound.actor_of_member_data(data, guild_id) or actor

    async def home_guild_id(self) -> int | None:
        """The id of the bot's server, or None when neither setting names one."""
        if self._guild_id is None and self.settings.review_channel:
            channel_id = int(self.settings.review_channel)
            channel = self.client.get_channel(channel_id)
            if channel is None:
                try:
                    channel = await retrying(
                        lambda: self.client.fetch_channel(channel_id), "finding the bot's server"
                    )
                except (discord.HTTPException, discord.InvalidData) as error:
                    log.warning("could not find the review channel's server: %s", error)
                    return None
            guild = getattr(channel, "guild", None)
            self._guild_id = guild.id if guild is not None else None
        return self._guild_id
