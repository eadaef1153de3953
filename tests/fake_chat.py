"""An in-memory chat port that records what handlers send, for handler tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from bot.events import Actor, MessageRef, Place
from bot.port import Once
from bot.ui import Card, FileUpload, Form


@dataclass
class Sent:
    """One thing the bot did, in order."""

    kind: str
    place: Place | None = None
    card: Card | None = None
    form: Form | None = None
    to: str | None = None
    visibility: str = "public"
    message: MessageRef | None = None
    emoji: str | None = None
    upload: FileUpload | None = None
    once: Once | None = None


@dataclass
class FakeChat:
    """Records every call; message ids count up from 1.

    Like the platforms, it keeps the once-keys of what it has shown: a post sent again with a key
    it already holds returns the earlier message instead of showing a second one.
    """

    sent: list[Sent] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    shown_once: dict[str, MessageRef] = field(default_factory=dict)
    failing: dict[str, Exception] = field(default_factory=dict)  # kind -> the next call's error

    def fail_next(self, kind: str, error: Exception) -> None:
        """The next call of this kind ('direct') raises `error`, as a platform refusing it."""
        self.failing[kind] = error

    def _seen(self, once: Once | None) -> MessageRef | None:
        return self.shown_once.get(once.key) if once is not None else None

    def _keep(self, once: Once | None, ref: MessageRef) -> MessageRef:
        if once is not None:
            self.shown_once[once.key] = ref
        return ref

    async def post_card(
        self,
        place: Place,
        card: Card,
        *,
        visibility: str = "public",
        to: Actor | None = None,
        context: Any = None,
        once: Once | None = None,
    ) -> MessageRef:
        if (earlier := self._seen(once)) is not None:
            return earlier
        ref = MessageRef(place.channel_id, str(next(self._ids)))
        self.sent.append(
            Sent(
                "post",
                place,
                card,
                to=to.key if to else None,
                visibility=visibility,
                message=ref,
                once=once,
            )
        )
        return self._keep(once, ref)

    async def update_card(self, message: MessageRef, card: Card, *, context: Any = None) -> None:
        self.sent.append(Sent("update", card=card, message=message))

    async def send_direct(
        self, user: Actor | str, card: Card, *, once: Once | None = None
    ) -> MessageRef:
        if (error := self.failing.pop("direct", None)) is not None:
            raise error
        if (earlier := self._seen(once)) is not None:
            return earlier
        key = user.key if isinstance(user, Actor) else user
        ref = MessageRef(f"dm-{key}", str(next(self._ids)))
        self.sent.append(Sent("direct", card=card, to=key, message=ref, once=once))
        return self._keep(once, ref)

    async def open_form(self, form: Form, *, context: Any) -> None:
        self.sent.append(Sent("form", form=form))

    async def add_reaction(self, message: MessageRef, emoji: str) -> None:
        self.sent.append(Sent("reaction", message=message, emoji=emoji))

    async def upload_file(
        self, place: Place, upload: FileUpload, *, to: Actor | None = None, once: Once | None = None
    ) -> None:
        if self._seen(once) is not None:
            return
        self.sent.append(
            Sent("upload", place=place, upload=upload, to=to.key if to else None, once=once)
        )
        self._keep(once, MessageRef(place.channel_id, f"file-{len(self.sent)}"))

    def last(self, kind: str | None = None) -> Sent:
        """The most recent record (of a kind)."""
        return next(s for s in reversed(self.sent) if kind is None or s.kind == kind)

    def cards(self) -> list[Card]:
        return [s.card for s in self.sent if s.card is not None]
