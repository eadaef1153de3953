"""Neutral cards and forms as Discord messages and modals, inside Discord's documented limits.

A card becomes embeds (text, facts, one field per question with its current answer) and action
rows of buttons and select menus; a form becomes one or more modals of at most five inputs.

Pages: Discord shows five action rows and a modal holds five inputs, so a card with more
question rows than fit shows them a page at a time (a button cycles the pages) and a long form is
split over several modals. The page rides in the custom id after a '#': `#c<n>` for a card page,
`#f<n>` for a form page, so a click after a restart still knows where it was. The neutral id is
what comes before the '#'.

Text longer than one message's embeds can hold (6,000 characters in all) is shown in part and
attached whole as a text file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import discord
from discord import ui

from adapters.discord.custom_ids import with_page
from adapters.discord.limits import (
    ACTION_ROWS,
    BUTTON_LABEL,
    BUTTONS_PER_ROW,
    CUSTOM_ID,
    EMBED_DESCRIPTION,
    EMBED_FIELDS,
    EMBED_TITLE,
    EMBED_TOTAL,
    EMBEDS_PER_MESSAGE,
    FIELD_VALUE,
    LABEL_DESCRIPTION,
    LABEL_TEXT,
    MODAL_INPUTS,
    MODAL_TITLE,
    OPTION_LABEL,
    OPTION_VALUE,
    PLACEHOLDER,
    SELECT_OPTIONS,
    TEXT_INPUT,
)
from bot.text import distinct_labels, pieces, plain_times, shorten, with_times
from bot.ui import Button, Card, Choice, ControlRow, Form, FormInput, Select

FIELDS_SHOWN = 3000  # of the 6,000: the facts and questions' answers; the material gets the rest
FIELD_NAME_SHOWN = 64
FIELD_VALUE_LEAST = 40
FOOTER_SHOWN = 300
CUT_STEP = 500  # text past what one message holds is cut at a line or word end this close

_TONE_COLOUR = {"info": 0x5865F2, "success": 0x57F287, "warning": 0xFEE75C, "error": 0xED4245}
_TONE_EMOJI = {"info": "", "success": "✅ ", "warning": "⚠️ ", "error": "⛔ "}
_BUTTON_STYLE = {
    "primary": discord.ButtonStyle.primary,
    "danger": discord.ButtonStyle.danger,
    "default": discord.ButtonStyle.secondary,
}

# Nothing Taskbot posts may ping anyone: no @everyone/@here, no roles, no users, no replied-to
# author. Sent on every create and edit, because discord.py adds the client's default to an
# edit only when the edit changes the content.
NO_MENTIONS = discord.AllowedMentions(everyone=False, users=False, roles=False, replied_user=False)


# Discord markdown: emphasis, code, spoilers, masked links and mentions anywhere; quotes,
# headings, subtext and lists at the start of a line. A backslash before any of them shows it as
# written (and the backslash itself is not shown).
_ANYWHERE = str.maketrans({mark: "\\" + mark for mark in "\\*_~`|[]<>"})
_LINE_MARK = re.compile(r"^([ \t]*)([#-])", re.MULTILINE)
_LINE_NUMBER = re.compile(r"^([ \t]*\d+)\.(?=\s)", re.MULTILINE)


def escape(text: str) -> str:
    """User text shown as written: every Discord markdown character escaped (a translation, then
    two line-start passes: escaping runs over every card's text, so it must be cheap)."""
    text = text.translate(_ANYWHERE)
    text = _LINE_MARK.sub(r"\1\\\2", text)
    text = _LINE_NUMBER.sub(r"\1\\.", text)
    # The bot's own time marks become Discord's timestamp: each reader sees their own zone.
    return with_times(text, lambda epoch, _: f"<t:{epoch}:f>")


@dataclass
class Drawn:
    """A card drawn for Discord: embeds, components (a stopped view) and attached files."""

    embeds: list[discord.Embed]
    view: ui.View | None
    files: list[tuple[str, bytes]] = field(default_factory=list)

    def send_kwargs(self) -> dict[str, Any]:
        """For channel.send, response.send_message and followup.send."""
        kwargs: dict[str, Any] = {
            "embeds": self.embeds,
            "files": self.discord_files(),
            "allowed_mentions": NO_MENTIONS,
        }
        if self.view is not None:
            kwargs["view"] = self.view
        return kwargs

    def edit_kwargs(self) -> dict[str, Any]:
        """For message edits: every part replaced, attachments included (none removes them)."""
        return {
            "embeds": self.embeds,
            "attachments": self.discord_files(),
            "view": self.view if self.view is not None else ui.View(),
            "allowed_mentions": NO_MENTIONS,
        }

    def discord_files(self) -> list[discord.File]:
        return [discord.File(io.BytesIO(data), filename=name) for name, data in self.files]


# -- cards -------------------------------------------------------------------------------------


def _row_count(row: ControlRow) -> int:
    buttons = sum(isinstance(c, Button) for c in row.controls)
    selects = sum(isinstance(c, Select) for c in row.controls)
    return -(-buttons // BUTTONS_PER_ROW) + selects


def card_pages(card: Card) -> list[list[int]]:
    """Which control rows each card page shows (indexes into card.rows); the last row of a
    paged card (its actions) is on every page, with a page button added to it."""
    rows = list(card.rows)
    if sum(_row_count(r) for r in rows) <= ACTION_ROWS or card.refresh is None or not rows:
        return [list(range(len(rows)))]
    last = len(rows) - 1
    room = ACTION_ROWS - _row_count(rows[last])
    pages: list[list[int]] = [[]]
    used = 0
    for index in range(last):
        need = _row_count(rows[index])
        if used + need > room and pages[-1]:
            pages.append([])
            used = 0
        pages[-1].append(index)
        used += need
    return [[*page, last] for page in pages]


def _button(control: Button, page_suffix: str) -> ui.Button[Any]:
    label = f"✓ {control.label}" if control.chosen else control.label
    style = discord.ButtonStyle.success if control.chosen else _BUTTON_STYLE[control.style]
    return ui.Button(
        label=shorten(label, BUTTON_LABEL),
        style=style,
        custom_id=(control.action_id + page_suffix)[:CUSTOM_ID],
    )


def _options(choices: tuple[Choice, ...], chosen: tuple[str, ...]) -> list[discord.SelectOption]:
    # Long labels are cut so they stay told apart (numbered as the card lists them in full).
    shown = choices[:SELECT_OPTIONS]
    labels = distinct_labels([c.label for c in shown], OPTION_LABEL)
    return [
        discord.SelectOption(
            label=shorten(label, OPTION_LABEL),
            value=c.value[:OPTION_VALUE],
            default=c.value in chosen,
        )
        for c, label in zip(shown, labels, strict=True)
    ]


def _select(control: Select, page_suffix: str) -> ui.Select[Any]:
    options = _options(control.choices, control.chosen)
    most = max(1, min(control.max_values, len(options)))
    return ui.Select(
        custom_id=(control.action_id + page_suffix)[:CUSTOM_ID],
        placeholder=shorten(control.placeholder, PLACEHOLDER),
        options=options,
        min_values=min(control.min_values, most) if control.multi else 0,
        max_values=most if control.multi else 1,
    )


def components(card: Card, page: int = 0) -> ui.View | None:
    """The card's controls on one page as a stopped view: it only describes components, the
    client keeps no state for it (clicks are read from their custom ids)."""
    if not card.rows:
        return None
    pages = card_pages(card)
    page = page if 0 <= page < len(pages) else 0
    suffix = f"#c{page}" if len(pages) > 1 and page > 0 else ""
    view = ui.View(timeout=None)
    row_number = 0
    for index in pages[page]:
        row = card.rows[index]
        buttons = [_button(c, suffix) for c in row.controls if isinstance(c, Button)]
        if len(pages) > 1 and index == len(card.rows) - 1 and card.refresh is not None:
            following = (page + 1) % len(pages)
            shown = [card.rows[i] for i in pages[following][:-1]]
            first = card.rows.index(shown[0]) + 1
            buttons.append(
                ui.Button(
                    label=f"Questions {first}–{first + len(shown) - 1} ▸",
                    style=discord.ButtonStyle.secondary,
                    custom_id=with_page(card.refresh, "c", following),
                )
            )
        for start in range(0, len(buttons), BUTTONS_PER_ROW):
            if row_number < ACTION_ROWS:
                for item in buttons[start : start + BUTTONS_PER_ROW]:
                    item.row = row_number
                    view.add_item(item)
                row_number += 1
        for control in row.controls:
            if isinstance(control, Select) and row_number < ACTION_ROWS:
                item = _select(control, suffix)
                item.row = row_number
                view.add_item(item)
                row_number += 1
    view.stop()
    return view


def _facts(card: Card) -> list[tuple[str, str, bool]]:
    """(name, value, inline) embed fields: the card's facts, then each question's caption.

    Together they take at most FIELDS_SHOWN characters, so the material keeps most of the
    message's 6,000: when long answers or prompts would pass that, every value is cut evenly.
    """
    facts = [(f.label, f.value, True) for f in card.fields]
    number = 0
    for row in card.rows:
        if row.caption:
            number += 1
            facts.append((f"Question {number}", row.caption, False))
    facts = facts[:EMBED_FIELDS]
    names = [shorten(escape(name), FIELD_NAME_SHOWN) for name, _, _ in facts]
    limit = FIELD_VALUE
    if facts:
        room = FIELDS_SHOWN - sum(len(n) for n in names)
        limit = max(FIELD_VALUE_LEAST, min(FIELD_VALUE, room // len(facts)))
    return [
        (name, _cut_escaped(value, limit), inline)
        for name, (_, value, inline) in zip(names, facts, strict=True)
    ]


def _cut_escaped(text: str, limit: int) -> str:
    first = next(pieces(text, limit - 1, escape), "—")
    return first if len(escape(text)) <= limit else first + "…"


def message(card: Card, page: int = 0) -> Drawn:
    """A card as a message: the first embed has the title, the text, the facts and the footer;
    text that does not fit goes on in more embeds, and past 6,000 characters into a file."""
    title = shorten(_TONE_EMOJI[card.tone] + escape(card.title), EMBED_TITLE)
    facts = _facts(card)
    footer = shorten(card.footer, FOOTER_SHOWN) if card.footer else None
    fixed = len(title) + sum(len(n) + len(v) for n, v, _ in facts) + len(footer or "")
    text = "\n\n".join(b for b in card.blocks if b.strip())
    room = EMBED_TOTAL - fixed
    shown = _join(pieces(text, EMBED_DESCRIPTION, escape)) if text else []
    files: list[tuple[str, bytes]] = []
    if len(shown) > EMBEDS_PER_MESSAGE or sum(len(p) for p in shown) > room:
        filename = _filename(card.title)
        note = f"\n\n… the whole text is in the attached file {filename}."
        kept, used = [], 0
        for piece in pieces(text, CUT_STEP, escape):
            if used + len(piece) > room - len(note):
                break
            kept.append(piece)
            used += len(piece)
        shown = _join([*kept, note])
        files.append((filename, plain_times(text).encode()))
    colour = _TONE_COLOUR[card.tone]
    first = discord.Embed(title=title, description=shown[0] if shown else None, colour=colour)
    for name, value, inline in facts:
        first.add_field(name=name, value=value, inline=inline)
    embeds = [first] + [discord.Embed(description=p, colour=colour) for p in shown[1:]]
    if footer:
        embeds[-1].set_footer(text=footer)
    return Drawn(embeds, components(card, page), files)


def _join(parts: Iterable[str]) -> list[str]:
    """Consecutive pieces of one text as few descriptions of at most 4,096 characters."""
    joined: list[str] = []
    for part in parts:
        if joined and len(joined[-1]) + len(part) <= EMBED_DESCRIPTION:
            joined[-1] += part
        else:
            joined.append(part)
    return joined


def _filename(title: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:60] or "card"
    return f"{stem}.txt"


# -- forms -------------------------------------------------------------------------------------


def form_pages(form: Form) -> list[tuple[FormInput, ...]]:
    """The form's inputs in modals of at most five."""
    inputs = form.inputs
    return [inputs[i : i + MODAL_INPUTS] for i in range(0, len(inputs), MODAL_INPUTS)] or [()]


def page_to_show(form: Form) -> int:
    """The first page with a required input still empty, else the first with an error, else
    the first: a writer fills the form in order, then mends it."""
    pages = form_pages(form)
    for number, page in enumerate(pages):
        if any(item.required and not item.value for item in page):
            return number
    for number, page in enumerate(pages):
        if any(item.error for item in page):
            return number
    return 0


def _input(item: FormInput) -> ui.Item[Any]:
    if item.kind in ("select", "multiselect"):
        chosen = (item.value,) if isinstance(item.value, str) else tuple(item.value or ())
        options = _options(item.choices, chosen)
        return ui.Select(
            custom_id=item.input_id[:CUSTOM_ID],
            placeholder="Choose",
            options=options,
            min_values=1 if item.required else 0,
            max_values=len(options) if item.kind == "multiselect" else 1,
            required=item.required,
        )
    most = min(item.max_length or TEXT_INPUT, TEXT_INPUT)
    value = item.value if isinstance(item.value, str) and item.value else None
    return ui.TextInput(
        custom_id=item.input_id[:CUSTOM_ID],
        style=discord.TextStyle.paragraph if item.kind == "long" else discord.TextStyle.short,
        default=value[:most] if value else None,
        required=item.required,
        min_length=min(item.min_length, most) if item.min_length else None,
        max_length=most,
    )


def _description(item: FormInput) -> str | None:
    notes = []
    if item.error:
        notes.append(f"⚠ {item.error}")
    if len(item.label) > LABEL_TEXT:
        notes.append(item.label)
    if item.hint:
        notes.append(item.hint)
    if item.kind in ("short", "long") and (item.max_length or 0) > TEXT_INPUT:
        notes.append(f"Discord takes at most {TEXT_INPUT:,} characters here.")
    return shorten(" · ".join(notes), LABEL_DESCRIPTION) if notes else None


def modal(form: Form, page: int = 0) -> ui.Modal:
    """One page of a form as a modal (stopped: its submit is read from the interaction)."""
    pages = form_pages(form)
    page = page if 0 <= page < len(pages) else 0
    title = form.title
    custom_id = form.form_id
    if len(pages) > 1:
        part = f" ({page + 1}/{len(pages)})"
        title = shorten(title, MODAL_TITLE - len(part)) + part
        custom_id = with_page(form.form_id, "f", page)
    box = ui.Modal(title=shorten(title, MODAL_TITLE), custom_id=custom_id[:CUSTOM_ID])
    for item in pages[page]:
        box.add_item(
            ui.Label(
                text=shorten(item.label, LABEL_TEXT),
                description=_description(item),
                component=_input(item),
            )
        )
    box.stop()
    return box
