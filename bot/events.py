"""Neutral inbound events: what a person did in a chat, whatever the chat."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from taskbank.errors import Problem, ValidationFailed


@dataclass(frozen=True)
class Actor:
    """Who did it: the platform, its user id, and the platform roles they hold."""

    platform: str
    user_id: str
    display_name: str = ""
    role_ids: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The id used in the task bank: 'platform:user', so chats never collide."""
        return f"{self.platform}:{self.user_id}"


@dataclass(frozen=True)
class Place:
    """Where it happened: a channel, maybe a thread, maybe a direct message."""

    channel_id: str
    thread_id: str | None = None
    direct: bool = False


@dataclass(frozen=True)
class MessageRef:
    """An adapter's handle on a posted message; `key` is stable across restarts."""

    channel_id: str
    message_id: str

    @property
    def key(self) -> str:
        return f"{self.channel_id}/{self.message_id}"


@dataclass(frozen=True)
class Attachment:
    """A file that came with a command.

    A chat that must download files gives `fetch` instead of `content`: the handler calls it only
    after the role check and the size check (`size`, when the platform says it beforehand), so
    nobody can make the bot download for a command they may not run. `fetch` takes the most bytes
    to read and raises ValidationFailed, naming the file, when the chat will not hand it over.
    """

    filename: str
    content: bytes | None = None
    size: int | None = None
    fetch: Callable[[int], Awaitable[bytes]] | None = field(default=None, compare=False)
    # A chat that sent the file without its name (Slack in a Slack Connect channel) gives
    # `describe`, which asks the chat and returns the attachment named; called after the role
    # check too, and before anything looks at the name.
    describe: Callable[[], Awaitable[Attachment]] | None = field(default=None, compare=False)

    async def described(self) -> Attachment:
        """This attachment with its name (and size, when the chat says it), asking if need be."""
        return await self.describe() if self.describe is not None else self

    async def read(self, max_bytes: int) -> bytes:
        """The file's bytes, refused (naming the file) when larger than `max_bytes`."""
        if self.size is not None and self.size > max_bytes:
            raise self._too_big(self.size, max_bytes)
        if self.content is not None:
            data = self.content
        elif self.fetch is not None:
            data = await self.fetch(max_bytes)
        else:
            raise ValidationFailed([Problem("file", "came without its contents", self.filename)])
        if len(data) > max_bytes:
            raise self._too_big(len(data), max_bytes)
        return data

    def _too_big(self, size: int, max_bytes: int) -> ValidationFailed:
        return ValidationFailed(
            [
                Problem(
                    "file", f"is {size:,} bytes; at most {max_bytes:,} are accepted", self.filename
                )
            ]
        )


@dataclass(frozen=True)
class CommandEvent:
    """A slash command, e.g. /task or /batch status 3."""

    actor: Actor
    place: Place
    name: str
    args: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    context: Any = None  # the adapter's own handle (trigger id, interaction) for forms and replies
    delivery: str | None = None  # the platform's id for this delivery: handled once


@dataclass(frozen=True)
class ActionEvent:
    """A control used on a card: a button pressed or a select changed."""

    actor: Actor
    place: Place
    action_id: str
    values: tuple[str, ...] = ()
    message: MessageRef | None = None
    context: Any = None
    delivery: str | None = None  # the platform's id for this delivery: handled once


@dataclass(frozen=True)
class FormSubmitEvent:
    """A form sent back, with its values by input id."""

    actor: Actor
    place: Place
    form_id: str
    values: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    message: MessageRef | None = None
    context: Any = None
    delivery: str | None = None  # the platform's id for this delivery: handled once


@dataclass(frozen=True)
class ReactionEvent:
    """A reaction added to (or removed from) a message."""

    actor: Actor
    message: MessageRef
    emoji: str
    added: bool = True
    context: Any = None
    delivery: str | None = None  # the platform's id for this delivery: handled once


@dataclass(frozen=True)
class ReactionsClearedEvent:
    """A message's reactions removed wholesale: all of them, or all of one `emoji` (a moderator's
    doing; the platform does not say whose, so nobody is told anything). Each reaction removed
    may be given again: `releases` is how the delivery keys of all of them begin."""

    platform: str
    message: MessageRef
    releases: str
    emoji: str | None = None  # None: every emoji
    context: Any = None

    def __post_init__(self) -> None:
        if not self.releases:  # an empty start would release every key of the platform
            raise ValueError("a clear of reactions names the start of the keys it releases")


@dataclass(frozen=True)
class HomeEvent:
    """A person opened their home view (Slack's App Home tab): the bot shows them their home card."""

    actor: Actor
    place: Place
    context: Any = None
    delivery: str | None = None  # the platform's id for this delivery: handled once


Event = (
    CommandEvent | ActionEvent | FormSubmitEvent | ReactionEvent | ReactionsClearedEvent | HomeEvent
)
