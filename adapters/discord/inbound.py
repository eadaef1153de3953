"""Discord interactions and gateway events as neutral events.

`DiscordContext` rides on each event: the interaction to answer (Discord wants an answer within
3 seconds, and a modal only as the first one), and the card and form pages the person was on.
Everything else needed later is in the custom ids, so nothing is kept in memory between events.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import discord

from adapters.discord.draw import split_id, submitted_values
from bot.events import (
    ActionEvent,
    Actor,
    Attachment,
    CommandEvent,
    FormSubmitEvent,
    MessageRef,
    Place,
    ReactionEvent,
)

PLATFORM = "discord"


@dataclass
class DiscordContext:
    """How to answer the interaction behind an event (None: a gateway event like a reaction).

    `lock` orders the handler's replies against the deadline task that defers for it, so exactly
    one of them makes the interaction's first response.
    """

    interaction: discord.Interaction | None = None
    card_page: int = 0
    form_page: int | None = None
    original_filled: bool = False
    created: set[int] = field(default_factory=set)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)


def actor_of(user: discord.User | discord.Member) -> Actor:
    """A Discord user as an actor ('discord:<id>'), with their server roles when in a server."""
    roles = tuple(
        str(role.id) for role in getattr(user, "roles", ()) or () if not role.is_default()
    )
    return Actor(PLATFORM, str(user.id), user.display_name, roles)


def user_key_to_id(key: str) -> int | None:
    """The Discord user id inside a task-bank user key, or None for another platform's user."""
    platform, _, user_id = key.partition(":")
    return int(user_id) if platform == PLATFORM and user_id.isdigit() else None


def place_of(interaction: discord.Interaction) -> Place:
    return Place(str(interaction.channel_id or ""), direct=interaction.guild_id is None)


def _message_ref(interaction: discord.Interaction) -> MessageRef | None:
    message = interaction.message
    if message is None:
        return None
    return MessageRef(str(message.channel.id if message.channel else ""), str(message.id))


def card_page_shown(message: discord.Message | None) -> int:
    """The card page a message shows, read from its components' custom ids."""
    for row in getattr(message, "components", None) or ():
        for item in getattr(row, "children", ()):
            _, page, _ = split_id(getattr(item, "custom_id", None) or "")
            if page is not None and not (getattr(item, "label", "") or "").endswith("▸"):
                return page
    return 0


def command_event(
    interaction: discord.Interaction,
    name: str,
    args: tuple[str, ...] = (),
    attachments: tuple[Attachment, ...] = (),
) -> CommandEvent:
    return CommandEvent(
        actor=actor_of(interaction.user),
        place=place_of(interaction),
        name=name,
        args=args,
        attachments=attachments,
        context=DiscordContext(interaction),
    )


def component_event(interaction: discord.Interaction) -> ActionEvent:
    """A button or select on a message (`values` are a select's picks)."""
    data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
    neutral, card_page, form_page = split_id(str(data.get("custom_id", "")))
    if card_page is None:
        card_page = card_page_shown(interaction.message)
    return ActionEvent(
        actor=actor_of(interaction.user),
        place=place_of(interaction),
        action_id=neutral,
        values=tuple(str(v) for v in data.get("values") or ()),
        message=_message_ref(interaction),
        context=DiscordContext(interaction, card_page=card_page, form_page=form_page),
    )


def modal_event(interaction: discord.Interaction) -> FormSubmitEvent:
    """A modal sent back; its card is the message whose button opened it, if any."""
    data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
    neutral, _, form_page = split_id(str(data.get("custom_id", "")))
    return FormSubmitEvent(
        actor=actor_of(interaction.user),
        place=place_of(interaction),
        form_id=neutral,
        values=submitted_values(list(data.get("components") or [])),
        message=_message_ref(interaction),
        context=DiscordContext(
            interaction, card_page=card_page_shown(interaction.message), form_page=form_page
        ),
    )


def reaction_event(payload: discord.RawReactionActionEvent) -> ReactionEvent | None:
    """A reaction with a plain emoji (custom server emoji are not verdicts)."""
    if payload.emoji.id is not None or not payload.emoji.name:
        return None
    user = payload.member
    actor = actor_of(user) if user is not None else Actor(PLATFORM, str(payload.user_id))
    return ReactionEvent(
        actor=actor,
        message=MessageRef(str(payload.channel_id), str(payload.message_id)),
        emoji=payload.emoji.name,
        added=payload.event_type == "REACTION_ADD",
        context=DiscordContext(),
    )
