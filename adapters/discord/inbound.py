"""Discord interactions and gateway events as neutral events.

`DiscordContext` rides on each event: the interaction to answer (Discord wants an answer within
3 seconds, and a modal only as the first one), and the card and form pages the person was on.
Everything else needed later is in the custom ids, so nothing is kept in memory between events.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from adapters.discord.custom_ids import split_id
from bot.events import (
    ActionEvent,
    Actor,
    Attachment,
    CommandEvent,
    FormSubmitEvent,
    MessageRef,
    Place,
    ReactionEvent,
    ReactionsClearedEvent,
)
from bot.text import shorten
from taskbank.errors import Problem, ValidationFailed

if TYPE_CHECKING:  # discord.py's payload types: imported at run time they form a cycle
    from discord.types.interactions import (
        MessageComponentInteractionData,
        ModalSubmitComponentInteractionData,
        ModalSubmitInteractionData,
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
    repeat: bool = False  # the interaction was handled before: that handling answers it
    lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)


def actor_of(user: discord.User | discord.Member) -> Actor:
    """A Discord user as an actor ('discord:<id>'), with their server roles when in a server;
    an interaction that names nobody (neither member nor user) is refused."""
    if not isinstance(getattr(user, "id", None), int):
        raise ValidationFailed([Problem("user", "the interaction names no user")])
    roles = tuple(str(role_id) for role_id in role_ids(user))
    return Actor(PLATFORM, str(user.id), user.display_name, roles)


def role_ids(user: discord.User | discord.Member) -> list[int]:
    """The role ids a member came with in the payload (an interaction's or a reaction's); a user
    outside a server has none.

    Not `Member.roles`: that keeps only the roles discord.py's server cache knows, and before the
    server's GUILD_CREATE (which follows READY lazily) it knows none, so a reviewer would be
    refused. discord.py keeps the payload's ids as they came in `_roles`; @everyone (the
    server's own id) is never a role to check, should a payload carry it."""
    guild = getattr(user, "guild", None)
    sent = getattr(user, "_roles", None) or ()
    return [role_id for role_id in sent if guild is None or role_id != guild.id]


def actor_of_member_data(data: Any, guild_id: int) -> Actor | None:
    """A server member as Discord's REST API gives it (a member object with its user) as an
    actor with their roles, named as discord.py names a member; None if it is not shaped so."""
    user = data.get("user") if isinstance(data, dict) else None
    if not isinstance(user, dict) or not str(user.get("id", "")).isdigit():
        return None
    roles = data.get("roles")
    ids = [str(role) for role in roles if str(role).isdigit()] if isinstance(roles, list) else []
    name = data.get("nick") or user.get("global_name") or user.get("username") or ""
    own = [role for role in ids if role != str(guild_id)]  # @everyone is no role to check
    return Actor(PLATFORM, str(user["id"]), str(name), tuple(own))


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


def options_offered(message: discord.Message | None, custom_id: str) -> set[str] | None:
    """The option values of the select menu with this custom id on a message, or None when the
    message has no such menu (then there is nothing to check against)."""
    for row in getattr(message, "components", None) or ():
        for item in getattr(row, "children", ()):
            if isinstance(item, discord.SelectMenu) and item.custom_id == custom_id:
                return {option.value for option in item.options}
    return None


def card_page_shown(message: discord.Message | None) -> int:
    """The card page a message shows, read from its components' custom ids."""
    for row in getattr(message, "components", None) or ():
        for item in getattr(row, "children", ()):
            _, page, _ = split_id(getattr(item, "custom_id", None) or "")
            if page is not None and not (getattr(item, "label", "") or "").endswith("▸"):
                return page
    return 0


_SCALAR = (str, int, float, bool)
_GROUPING = (
    discord.AppCommandOptionType.subcommand.value,
    discord.AppCommandOptionType.subcommand_group.value,
)
_KIND = discord.AppCommandOptionType
# How discord.py's Namespace reads an option's value by its declared type, before any check of
# ours or handler could answer: a number as a float (empty is NaN), the rest of these as a
# snowflake. A value it cannot read so raises there, and the interaction would go unanswered.
_READ_AS: dict[int, tuple[str, Any]] = {
    _KIND.number.value: ("a number", float),
    _KIND.user.value: ("a user", int),
    _KIND.channel.value: ("a channel", int),
    _KIND.role.value: ("a role", int),
    _KIND.mentionable.value: ("a user or role", int),
    _KIND.attachment.value: ("a file", int),
}


def command_shape_problem(data: Any) -> str | None:
    """What is wrong with the shape of a slash command's data, or None when discord.py can read
    it (a payload a real Discord would not send, but nothing from outside is trusted)."""
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        return "it came without a command name"
    resolved = data.get("resolved", {})
    if not isinstance(resolved, dict) or not all(
        isinstance(kind, dict) and all(isinstance(item, dict) for item in kind.values())
        for kind in resolved.values()
    ):
        return "its resolved values are not objects"
    return _options_problem(data.get("options", []), depth=0)


def resolved_problem(interaction: discord.Interaction) -> str | None:
    """What stops discord.py reading a slash command's resolved objects (users, members, roles,
    channels, files, each missing a field or with one of the wrong type), or None. Asked after
    `command_shape_problem`: discord.py reads them before any handler runs, and its error there
    would leave the interaction unanswered."""
    data: Any = interaction.data
    try:
        app_commands.Namespace(interaction, data.get("resolved", {}), [])  # reads them all
    except (KeyError, ValueError, TypeError, AttributeError, OverflowError):  # infinity: no id
        return "its resolved users, roles, channels or files are incomplete"
    return None


def _options_problem(options: Any, depth: int) -> str | None:
    if not isinstance(options, list):
        return "its options are not a list"
    for option in options:
        if not isinstance(option, dict) or not isinstance(option.get("name"), str):
            return "an option came without a name"
        kind = option.get("type")
        if kind in _GROUPING:
            if depth >= 2:
                return "its subcommands are nested deeper than Discord allows"
            problem = _options_problem(option.get("options", []), depth + 1)
            if problem is not None:
                return problem
        elif not isinstance(kind, int) or not isinstance(option.get("value"), _SCALAR):
            return f"the option '{option['name'][:32]}' came without a plain value"
        elif not _readable(kind, option["value"]):
            value = str(option["value"])
            shown = f"'{shorten(value, 40)}'" if value.strip() else "empty"
            expected = _READ_AS[kind][0]
            return f"the option '{option['name'][:32]}' should be {expected}, not {shown}"
    return None


def _readable(kind: int, value: str | int | float | bool) -> bool:
    """Whether discord.py can read a plain option value as its declared type."""
    if kind not in _READ_AS or (kind == _KIND.number.value and value == ""):
        return True
    try:
        _READ_AS[kind][1](value)
    except (ValueError, OverflowError):  # not a number; infinity is no snowflake
        return False
    return True


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
        delivery=interaction_key(interaction),
    )


def component_event(interaction: discord.Interaction) -> ActionEvent:
    """A button or select on a message (`values` are a select's picks); picks that the menu on
    the message does not offer are refused (ValidationFailed)."""
    # discord.py's own payload type: the data is read as it came, since nothing is trusted
    data: MessageComponentInteractionData = interaction.data or {}  # type: ignore[assignment]
    neutral, card_page, form_page = split_id(str(data.get("custom_id", "")))
    if card_page is None:
        card_page = card_page_shown(interaction.message)
    raw = data.get("values", [])
    values = tuple(str(v) for v in raw) if isinstance(raw, list) else ()
    offered = options_offered(interaction.message, str(data.get("custom_id", "")))
    if not isinstance(raw, list) or (offered is not None and not set(values) <= offered):
        raise ValidationFailed(
            [Problem("control", "that choice is not one the menu offers; pick again from it")]
        )
    return ActionEvent(
        actor=actor_of(interaction.user),
        place=place_of(interaction),
        action_id=neutral,
        values=values,
        message=_message_ref(interaction),
        context=DiscordContext(interaction, card_page=card_page, form_page=form_page),
        delivery=interaction_key(interaction),
    )


def modal_event(interaction: discord.Interaction) -> FormSubmitEvent:
    """A modal sent back; its card is the message whose button opened it, if any."""
    data: ModalSubmitInteractionData = interaction.data or {}  # type: ignore[assignment]
    neutral, _, form_page = split_id(str(data.get("custom_id", "")))
    components = data.get("components")
    return FormSubmitEvent(
        actor=actor_of(interaction.user),
        place=place_of(interaction),
        form_id=neutral,
        values=submitted_values(components if isinstance(components, list) else []),
        message=_message_ref(interaction),
        context=DiscordContext(
            interaction, card_page=card_page_shown(interaction.message), form_page=form_page
        ),
        delivery=interaction_key(interaction),
    )


def interaction_key(interaction: discord.Interaction) -> str:
    """The delivery key of an interaction: its id, the same however often the gateway delivers it
    (a replay after a resume, or to two processes during a handover), so it is handled once."""
    return f"interaction:{interaction.id}"


def reaction_event(payload: discord.RawReactionActionEvent) -> ReactionEvent | None:
    """A reaction with a plain emoji, added or taken back (custom server emoji are not
    verdicts)."""
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
        # A gateway that resumes may replay an event: its delivery key counts each reaction once.
        # A removal carries its add's key: taken back, the reaction may be given again.
        delivery=reaction_key(payload.message_id, payload.emoji.name, payload.user_id),
    )


def clear_event(
    payload: discord.RawReactionClearEvent | discord.RawReactionClearEmojiEvent,
) -> ReactionsClearedEvent | None:
    """A moderator's clear of a message's reactions (MESSAGE_REACTION_REMOVE_ALL), or of all its
    reactions of one emoji (MESSAGE_REACTION_REMOVE_EMOJI); None for a custom emoji's, whose
    reactions were never taken (see reaction_event)."""
    emoji: str | None = None
    if isinstance(payload, discord.RawReactionClearEmojiEvent):
        if payload.emoji.id is not None or not payload.emoji.name:
            return None
        emoji = payload.emoji.name
    return ReactionsClearedEvent(
        platform=PLATFORM,
        message=MessageRef(str(payload.channel_id), str(payload.message_id)),
        releases=reactions_key_start(payload.message_id, emoji),
        emoji=emoji,
        context=DiscordContext(),
    )


def reaction_key(message_id: int, emoji: str, user_id: int) -> str:
    """The delivery key of one person's reaction: message, emoji, then user, so that the keys of
    every reaction on a message, and of every one of an emoji on it, begin alike."""
    return f"{reactions_key_start(message_id, emoji)}{user_id}"


def reactions_key_start(message_id: int, emoji: str | None = None) -> str:
    """How the keys of every reaction on a message (with `emoji`, of that emoji) begin. Each
    part ends with ':', so message 12's start is not message 123's (a plain emoji holds none)."""
    return f"{message_id}:" if emoji is None else f"{message_id}:{emoji}:"


# What a modal submit sends back: inputs in action rows (the old layout) or in labels.
_HOLDERS = (discord.ComponentType.action_row.value, discord.ComponentType.label.value)
_TEXT_INPUT = discord.ComponentType.text_input.value
_SELECT = discord.ComponentType.select.value


def submitted_values(
    components: list[ModalSubmitComponentInteractionData],
) -> dict[str, str | tuple[str, ...]]:
    """A modal submit's values by input id: text inputs as text, selects as their values.
    Anything not shaped like an input Discord sends back (no custom id, values not a list) is
    left out, so the form's own checks say what is missing."""
    values: dict[str, str | tuple[str, ...]] = {}

    def read(component: Any, depth: int) -> None:
        if not isinstance(component, dict) or depth > 2:
            return
        kind, custom_id = component.get("type"), component.get("custom_id")
        if kind in _HOLDERS:  # an action row or a label: read what it holds
            inner = component.get("components")
            for held in inner if isinstance(inner, list) else [component.get("component")]:
                read(held, depth + 1)
        elif not isinstance(custom_id, str):
            return
        elif kind == _TEXT_INPUT and isinstance(component.get("value") or "", str):
            values[custom_id] = component.get("value") or ""
        elif kind == _SELECT and isinstance(component.get("values") or [], list):
            values[custom_id] = tuple(str(v) for v in component.get("values") or ())

    for component in components:
        read(component, 0)
    return values
