"""The chat port: everything handlers may ask of a chat. Each adapter implements it."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

from bot.events import Actor, MessageRef, Place
from bot.ui import Card, FileUpload, Form

Visibility = Literal["public", "private"]
T = TypeVar("T")

log = logging.getLogger(__name__)


class Unreachable(Exception):
    """The chat will not deliver a direct message to this person (Discord's "Cannot send
    messages to this user": they take none from the bot). Nothing was sent."""

    def __init__(self, user: str) -> None:
        super().__init__(f"{user} takes no direct messages from Taskbot")
        self.user = user


class PlaceRefused(Exception):
    """The chat will not let Taskbot post in a channel: the app is not in it or may not see it,
    the channel is gone or archived, or posting there is closed to it. Nothing was posted;
    `advice` says, in the chat's own terms, what would let it."""

    def __init__(self, channel: str, advice: str) -> None:
        super().__init__(f"Taskbot cannot post in channel {channel}: {advice}")
        self.channel = channel
        self.advice = advice


UNTOLD = "They take no direct messages from Taskbot, so they were not told: tell them yourself."


async def if_reachable(sending: Awaitable[T]) -> T | None:
    """A notice to someone, sent if they take direct messages: None (logged) when they take
    none, so what was done before it stands and the people after them are still told. A
    recorded post (send_once) stays pending, for a later run."""
    try:
        return await sending
    except Unreachable as error:
        log.warning("%s; not told", error)
        return None


async def if_postable(sending: Awaitable[T]) -> T | None:
    """A scheduled post into a channel, sent if Taskbot may post there: None (logged as a
    warning naming what to do) when the chat refuses, so the job goes on with the rest; a
    recorded post (send_once) stays pending, for a run after the channel is fixed."""
    try:
        return await sending
    except PlaceRefused as error:
        log.warning("%s; it waits for a later run", error)
        return None


@dataclass(frozen=True)
class Once:
    """Names one scheduled post, so a chat that may already hold it does not show it twice.

    `retry` says an earlier attempt was recorded but never confirmed: the process may have died
    after the chat accepted the post. Adapters use the platform's own means (Discord's message
    nonce, a marker in a Slack message's metadata looked up in the channel's recent history).
    """

    key: str
    retry: bool = False


def once_key(job: str, key: str, recipient: str, *, retry: bool) -> Once:
    """The once-key of one recorded post: short and stable (Discord's nonce holds 25 characters)."""
    digest = hashlib.sha256(f"{job}|{key}|{recipient}".encode()).hexdigest()[:20]
    return Once(f"tb{digest}", retry)


class ChatPort(Protocol):
    """Post, update, message, ask and react — in platform-neutral terms."""

    async def post_card(
        self,
        place: Place,
        card: Card,
        *,
        visibility: Visibility = "public",
        to: Actor | None = None,
        context: Any = None,
        once: Once | None = None,
    ) -> MessageRef:
        """Post a card in a place; `private` shows it to `to` only (ephemeral where possible)."""
        ...

    async def update_card(self, message: MessageRef, card: Card, *, context: Any = None) -> None:
        """Replace a posted card in place."""
        ...

    async def send_direct(
        self, user: Actor | str, card: Card, *, once: Once | None = None
    ) -> MessageRef:
        """Send a card by direct message (to an Actor or a task-bank user key); Unreachable
        when the person takes none from the bot."""
        ...

    async def open_form(self, form: Form, *, context: Any) -> None:
        """Open a form for the person whose event carried `context`."""
        ...

    async def add_reaction(self, message: MessageRef, emoji: str) -> None:
        """React to a message (e.g. ready the ✅ and ❌ on a review card)."""
        ...

    async def upload_file(
        self, place: Place, upload: FileUpload, *, to: Actor | None = None, once: Once | None = None
    ) -> None:
        """Post a file in a place."""
        ...


class RoutedPort:
    """The scheduler's port in a process serving several chats.

    Direct messages (tallies, lease notices) go to the user's own chat, found by the platform in
    their key ('discord:…'); channel posts go to the first chat, whose channels the
    configuration names for reviews and tallies.
    """

    def __init__(self, primary: ChatPort, by_platform: Mapping[str, ChatPort]) -> None:
        self.primary = primary
        self.by_platform = by_platform

    def port_for(self, user: Actor | str) -> ChatPort:
        platform = user.platform if isinstance(user, Actor) else user.partition(":")[0]
        return self.by_platform.get(platform, self.primary)

    async def post_card(
        self,
        place: Place,
        card: Card,
        *,
        visibility: Visibility = "public",
        to: Actor | None = None,
        context: Any = None,
        once: Once | None = None,
    ) -> MessageRef:
        port = self.port_for(to) if to is not None else self.primary
        return await port.post_card(
            place, card, visibility=visibility, to=to, context=context, once=once
        )

    async def update_card(self, message: MessageRef, card: Card, *, context: Any = None) -> None:
        await self.primary.update_card(message, card, context=context)

    async def send_direct(
        self, user: Actor | str, card: Card, *, once: Once | None = None
    ) -> MessageRef:
        return await self.port_for(user).send_direct(user, card, once=once)

    async def open_form(self, form: Form, *, context: Any) -> None:
        await self.primary.open_form(form, context=context)

    async def add_reaction(self, message: MessageRef, emoji: str) -> None:
        await self.primary.add_reaction(message, emoji)

    async def upload_file(
        self, place: Place, upload: FileUpload, *, to: Actor | None = None, once: Once | None = None
    ) -> None:
        port = self.port_for(to) if to is not None else self.primary
        await port.upload_file(place, upload, to=to, once=once)
