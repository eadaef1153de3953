"""The console's side of the chat port: cards as rich panels, controls as numbered choices."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from bot.events import Actor, MessageRef, Place
from bot.port import Once
from bot.text import plain_times
from bot.ui import Button, Card, Control, ControlRow, FileUpload, Form, Select
from taskbank.errors import ValidationFailed
from taskbank.export import safe_file_name, save_file

_BORDER = {"info": "cyan", "success": "green", "warning": "yellow", "error": "red"}


@dataclass
class Shown:
    """A posted card and whom it belongs to (None: everyone in the channel)."""

    ref: MessageRef
    card: Card
    owner: str | None


class ConsoleChat:
    """Implements the chat port on a terminal; remembers cards so their controls can be used."""

    def __init__(self, console: Console, export_dir: Path) -> None:
        self.console = console
        self.export_dir = export_dir
        self._ids = itertools.count(1)
        self.messages: dict[str, Shown] = {}
        self.current: dict[
            str, str
        ] = {}  # user key -> message id of their latest card with controls
        self.pending_forms: dict[str, tuple[Form, MessageRef | None]] = {}
        self.viewer: str = ""  # who is at the keyboard; set by the session

    # -- the port --------------------------------------------------------------------------

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
        ref = MessageRef(place.channel_id, str(next(self._ids)))
        owner = to.key if (to is not None and visibility == "private") else None
        self._remember(ref, card, owner or self.viewer, owner)
        where = f"only you ({to.key})" if owner else f"#{place.channel_id}"
        self._draw(ref, card, where)
        return ref

    async def update_card(self, message: MessageRef, card: Card, *, context: Any = None) -> None:
        shown = self.messages.get(message.message_id)
        owner = shown.owner if shown else None
        self._remember(message, card, owner or self.viewer, owner)
        self._draw(message, card, "updated")

    async def send_direct(
        self, user: Actor | str, card: Card, *, once: Once | None = None
    ) -> MessageRef:
        key = user.key if isinstance(user, Actor) else user
        ref = MessageRef(f"dm:{key}", str(next(self._ids)))
        self._remember(ref, card, key, key)
        self._draw(ref, card, f"direct message to {key}")
        return ref

    async def open_form(self, form: Form, *, context: Any) -> None:
        user, message = context if isinstance(context, tuple) else (self.viewer, None)
        self.pending_forms[user] = (form, message)

    async def add_reaction(self, message: MessageRef, emoji: str) -> None:
        self.console.print(Text(f"  (bot reacted {emoji} to #{message.message_id})", style="dim"))

    async def upload_file(
        self, place: Place, upload: FileUpload, *, to: Actor | None = None, once: Once | None = None
    ) -> None:
        # The name comes from a batch's name: made safe, it stays in the exports folder.
        path = self.export_dir / safe_file_name(upload.filename)
        try:
            await asyncio.to_thread(_save, path, upload.content)
        except (OSError, ValidationFailed) as error:
            reason = error.problems[0].message if isinstance(error, ValidationFailed) else error
            self.console.print(Text(f"Could not save {path}: {reason}", style="red"))
            return
        self.console.print(
            Text(
                f"📎 {path.name} ({len(upload.content):,} bytes) saved to {path}. {upload.comment}"
            )
        )

    # -- for the session -------------------------------------------------------------------

    def numbered_controls(self, user: str) -> tuple[MessageRef, list[Entry]] | None:
        """The numbered entries of the user's latest card (see `entries`), in order."""
        message_id = self.current.get(user)
        shown = self.messages.get(message_id or "")
        if shown is None or not shown.card.controls():
            return None
        return shown.ref, entries(shown.card)

    def _remember(self, ref: MessageRef, card: Card, viewer: str, owner: str | None) -> None:
        self.messages[ref.message_id] = Shown(ref, card, owner)
        if card.controls():
            self.current[viewer] = ref.message_id
        elif self.current.get(viewer) == ref.message_id:
            del self.current[viewer]

    def _draw(self, ref: MessageRef, card: Card, where: str) -> None:
        # A terminal has no time tokens: times show in the bot's zone.
        parts: list[Any] = [Text(plain_times(block)) for block in card.blocks if block]
        if card.fields:
            facts = "  ·  ".join(f"{f.label}: {plain_times(f.value)}" for f in card.fields)
            parts.append(Text(facts, style="bold"))
        number = 0
        for row in card.rows:
            line = Text()
            if row.caption:
                line.append(row.caption + "\n", style="italic")
            for entry in _row_entries(row):
                number += 1
                line.append(f"[{number}] ", style="bold magenta")
                line.append(_entry_text(entry, number) + "  ")
            parts.append(line)
        if card.footer:
            parts.append(Text(card.footer, style="dim"))
        self.console.print(
            Panel(
                Group(*parts),
                title=Text(f"#{ref.message_id} {card.title}"),
                subtitle=Text(where),
                border_style=_BORDER.get(card.tone, "cyan"),
                title_align="left",
            )
        )


def _save(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(path, content)


# What one number stands for: a control, or a question's row of buttons (its own pick after
# the number: "3 4" is rating 4 on question 3), so picks never count across the card.
Entry = Control | tuple[Button, ...]


def entries(card: Card) -> list[Entry]:
    """A card's numbered entries, in reading order."""
    return [entry for row in card.rows for entry in _row_entries(row)]


def _row_entries(row: ControlRow) -> list[Entry]:
    buttons = tuple(c for c in row.controls if isinstance(c, Button))
    if row.caption and len(buttons) > 1 and len(buttons) == len(row.controls):
        return [buttons]
    return list(row.controls)


def by_points(buttons: tuple[Button, ...]) -> bool:
    """Whether a question's buttons are a scale's points (picked by their number, not place)."""
    return all(b.label.lstrip("-").isdigit() for b in buttons)


def _entry_text(entry: Entry, number: int) -> str:
    if not isinstance(entry, tuple):
        return _control_text(entry)
    if by_points(entry):
        picks = " ".join(b.label + (" ✓" if b.chosen else "") for b in entry)
        return f"{picks}   (type {number} and a point, e.g. '{number} {entry[-1].label}')"
    picks = "  ".join(f"{i}) {b.label}{' ✓' if b.chosen else ''}" for i, b in enumerate(entry, 1))
    return f"{picks}   (type {number} and a choice, e.g. '{number} 1')"


def _control_text(control: Control) -> str:
    if isinstance(control, Button):
        return control.label + (" ✓" if control.chosen else "")
    assert isinstance(control, Select)
    options = ", ".join(
        f"{i}) {c.label}{' ✓' if c.value in control.chosen else ''}"
        for i, c in enumerate(control.choices, 1)
    )
    return (
        f"{control.placeholder}{' (several, comma-separated)' if control.multi else ''}: {options}"
    )
