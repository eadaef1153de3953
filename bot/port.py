"""The chat port: everything handlers may ask of a chat. Each adapter implements it."""

from __future__ import annotations

from typing import Any, Literal, Protocol

from bot.events import Actor, MessageRef, Place
from bot.ui import Card, FileUpload, Form

Visibility = Literal["public", "private"]


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
    ) -> MessageRef:
        """Post a card in a place; `private` shows it to `to` only (ephemeral where possible)."""
        ...

    async def update_card(self, message: MessageRef, card: Card, *, context: Any = None) -> None:
        """Replace a posted card in place."""
        ...

    async def send_direct(self, user: Actor | str, card: Card) -> MessageRef:
        """Send a card by direct message (to an Actor or a task-bank user key)."""
        ...

    async def open_form(self, form: Form, *, context: Any) -> None:
        """Open a form for the person whose event carried `context`."""
        ...

    async def add_reaction(self, message: MessageRef, emoji: str) -> None:
        """React to a message (e.g. ready the ✅ and ❌ on a review card)."""
        ...

    async def upload_file(
        self, place: Place, upload: FileUpload, *, to: Actor | None = None
    ) -> None:
        """Post a file in a place."""
        ...
