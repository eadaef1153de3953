"""The pipeline step for Discord's own errors (`Taskbot.use`): what Discord refused, told in its
words; a person who takes no direct messages, in plain ones."""

from __future__ import annotations

import logging

import discord

from adapters.discord.port import NotOnDiscord
from bot.events import Place, ReactionEvent
from bot.pipeline import Answer, Delivery, Next
from bot.port import Unreachable
from bot.ui import Card

log = logging.getLogger(__name__)

DMS_CLOSED_TEXT = (
    "Discord says you take no direct messages from this server's members, and what you asked "
    "for comes by direct message. Allow them (the server's menu → Privacy Settings → Direct "
    "Messages) and ask again."
)

# Discord's answer to an upload over the size it takes from the bot in that place (413; 40005 in
# the body when Discord itself, not its edge, answers).
TOO_LARGE_STATUS, TOO_LARGE = 413, 40005
TOO_LARGE_TEXT = (
    "Discord refused the file: it is larger than Discord lets Taskbot upload there (25 MB on "
    "most servers). Nothing was changed. Run `taskbot batch export ID -o FILE` where Taskbot "
    "runs for the whole file, or export here as CSV, usually the smaller."
)


async def discord_refusals(delivery: Delivery, next: Next) -> Answer:
    """The pipeline step for Discord's own errors: what Discord refused, told in its words (a
    person who takes no direct messages, in plain ones)."""
    try:
        return await next()
    except Unreachable as error:
        event = delivery.event
        log.warning("%s: %s", type(event).__name__, error)
        if error.user == event.actor.key and isinstance(event, ReactionEvent):
            await _say_where_they_reacted(delivery, event)
        elif error.user == event.actor.key:
            await delivery.tell_quietly("Taskbot can't send you direct messages", DMS_CLOSED_TEXT)
        else:
            await delivery.tell_quietly(
                "Not told privately",
                f"{error.user} takes no direct messages from Taskbot, so they were not told.",
            )
        return None
    except (discord.HTTPException, NotOnDiscord) as error:
        log.warning("Discord refused a reply to %s: %s", type(delivery.event).__name__, error)
        if isinstance(error, discord.HTTPException) and (
            error.status == TOO_LARGE_STATUS or error.code == TOO_LARGE
        ):
            await delivery.tell_quietly("Too large for Discord", TOO_LARGE_TEXT)
        else:
            await delivery.tell_quietly("Discord refused that", f"Discord said: {error}")
        return None


async def _say_where_they_reacted(delivery: Delivery, event: ReactionEvent) -> None:
    """A reaction is answered by direct message, and a reaction has no private reply: when the
    person takes no DMs, say so beside the message they reacted to (pinging no one), so their
    ❌ is not met with silence."""
    name = event.actor.display_name or event.actor.user_id
    card = Card(
        title=f"Taskbot can't answer {name}'s {event.emoji} by direct message",
        blocks=(
            f"Taskbot answers a reaction by direct message, and Discord says {name} takes none "
            "from this server's members. Allow them (the server's menu → Privacy Settings → "
            "Direct Messages) and react again, or use /review.",
        ),
        tone="warning",
    )
    try:
        await delivery.ctx.port.post_card(Place(event.message.channel_id), card)
    except discord.HTTPException as error:
        log.warning("could not say so in the channel either: %s", error)
