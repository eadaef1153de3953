"""Neutral cards and forms as Block Kit: message blocks and modal views, inside Slack's limits.

Every limit below is Slack's documented one; any card the bot layer can draw fits them (long text
is split across section blocks, long labels are shortened, long option lists are paged over
several menus), so no task can make Slack answer `invalid_blocks`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.text import distinct_labels, pieces, plain_times, shorten, with_times
from bot.ui import Button, Card, Choice, Control, ControlRow, Form, FormInput, Select

MESSAGE_BLOCKS = 50
MODAL_BLOCKS = 100
SECTION_TEXT = 3000
FIELD_TEXT = 2000
FIELDS_PER_SECTION = 10
HEADER_TEXT = 150
BUTTON_TEXT = 75
DATE_FORMAT = "{date_short_pretty} {time}"  # Slack's date token, in the reader's zone
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTIONS_PER_MENU = 100
ELEMENTS_PER_ACTIONS = 25
PLACEHOLDER_TEXT = 150
MODAL_TITLE = 24
INPUT_LABEL = 2000
INPUT_HINT = 2000
TEXT_INPUT = 3000
METADATA = 3000
FALLBACK_TEXT = 3000
# views.open answers `view_too_large` for a view "greater than 250kb"; counted conservatively, as
# the bytes of the view's JSON as the app sends it (see `wire_json`).
VIEW_BYTES = 250_000

_TONE_EMOJI = {"info": "", "success": "✅ ", "warning": "⚠️ ", "error": "⛔ "}
_BUTTON_STYLE = {"primary": "primary", "danger": "danger"}


@dataclass(frozen=True)
class ModalFit:
    """How much of each text a modal shows: a form too large for one Slack view is drawn again
    with shorter option texts (cut to stay distinct), labels, hints and errors; the task card
    still shows every prompt and help text in full."""

    option_text: int
    label: int
    hint: int  # 0: no hints
    error: int


# From Slack's own limits to the tightest: the largest form an import accepts (40 places, ten
# questions of 3,000-character drafts and options, all emoji) fits 250 kB at the last.
MODAL_FITS = (
    ModalFit(OPTION_TEXT, INPUT_LABEL, INPUT_HINT, SECTION_TEXT),
    ModalFit(40, 300, 300, 300),
    ModalFit(24, 150, 0, 150),
    ModalFit(12, 60, 0, 100),
)


def wire_json(value: Any) -> str:
    """JSON as the app sends it to Slack's Web API: compact UTF-8 (with `\\u` escapes one emoji
    would take 12 bytes of a view's 250 kB, a Japanese character 6). A lone surrogate (JSON from
    Slack may carry one as `\\ud800`) has no UTF-8: such a value goes out `\\u`-escaped instead."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode()
    except UnicodeEncodeError:
        return json.dumps(value, separators=(",", ":"))
    return text


def view_bytes(view: dict[str, Any]) -> int:
    """A view's size as Slack measures it against VIEW_BYTES."""
    return len(wire_json(view).encode())


def escape(text: str) -> str:
    """User text made inert: Slack reads `&`, `<` and `>` as control characters (mentions such as
    `<!here>` and `<@U…>`, links, dates) in every text it parses, so each becomes its entity."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # The bot's own time marks become Slack's date token: each reader sees their own zone.
    return with_times(text, lambda epoch, fallback: f"<!date^{epoch}^{DATE_FORMAT}|{fallback}>")


def fitted(text: str, limit: int) -> str:
    """Text escaped and shortened so that what Slack receives is at most `limit` characters."""
    cut = limit
    shown = escape(shorten(text, cut))
    while len(shown) > limit and cut > 1:
        cut = max(1, cut - (len(shown) - limit))  # each character dropped saves at least one
        shown = escape(shorten(text, cut))
    return shown


def plain(text: str, limit: int) -> dict[str, Any]:
    """A plain_text object, escaped and shortened to its limit (Slack decodes the entities)."""
    return {"type": "plain_text", "text": fitted(plain_times(text), limit), "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn object for escaped text, sent verbatim: otherwise Slack links bare URLs and
    channel names and parses bare mentions (`@here`, `#general`) in it; the app's own `<@U…>`
    mentions still render."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def mrkdwn_pieces(text: str, limit: int = SECTION_TEXT) -> Iterator[str]:
    """Escaped mrkdwn in pieces of at most `limit` characters, cut at line or word ends."""
    return pieces(text, limit, escape)


def text_sections(texts: tuple[str, ...] | list[str]) -> list[dict[str, Any]]:
    """Text blocks as few section blocks as Slack allows: short ones share, long ones split."""
    sections: list[str] = []
    for text in texts:
        if not text.strip():
            continue
        for piece in mrkdwn_pieces(text):
            if sections and len(sections[-1]) + 2 + len(piece) <= SECTION_TEXT:
                sections[-1] += "\n\n" + piece
            else:
                sections.append(piece)
    return [{"type": "section", "text": mrkdwn(s)} for s in sections]


def option(choice: Choice, label: str | None = None, limit: int = OPTION_TEXT) -> dict[str, Any]:
    """A menu option; its value is the neutral choice value (an index, short by design).
    `label` is the choice's label as cut to stay distinct among its menu's (see `_menus`)."""
    shown = choice.label if label is None else label
    return {"text": plain(shown, limit), "value": choice.value[:OPTION_VALUE]}


def _menus(select: Select, option_text: int = OPTION_TEXT) -> list[dict[str, Any]]:
    """A select as one menu, or several pages of 100 options each (their action ids numbered)."""
    pages = [
        select.choices[i : i + OPTIONS_PER_MENU]
        for i in range(0, len(select.choices), OPTIONS_PER_MENU)
    ] or [()]
    # Long labels are cut so they stay told apart (numbered as the card lists them in full).
    cut = dict(
        zip(
            (c.value for c in select.choices),
            distinct_labels([c.label for c in select.choices], option_text),
            strict=True,
        )
    )
    menus = []
    for number, page in enumerate(pages):
        placeholder = select.placeholder
        if len(pages) > 1:
            placeholder += (
                f" ({number * OPTIONS_PER_MENU + 1}–{number * OPTIONS_PER_MENU + len(page)})"
            )
        menu: dict[str, Any] = {
            "type": "multi_static_select" if select.multi else "static_select",
            "action_id": select.action_id if len(pages) == 1 else f"{select.action_id}#{number}",
            "placeholder": plain(placeholder, PLACEHOLDER_TEXT),
            "options": [option(c, cut.get(c.value), option_text) for c in page],
        }
        chosen = [
            option(c, cut.get(c.value), option_text) for c in page if c.value in select.chosen
        ]
        if select.multi:
            menu["max_selected_items"] = max(1, min(select.max_values, len(page)))
            if chosen:
                menu["initial_options"] = chosen
        elif chosen:
            menu["initial_option"] = chosen[0]
        menus.append(menu)
    return menus


def button(control: Button) -> dict[str, Any]:
    """A button; the one already chosen is marked and drawn primary."""
    label = f"✓ {control.label}" if control.chosen else control.label
    element: dict[str, Any] = {
        "type": "button",
        "action_id": control.action_id,
        "text": plain(label, BUTTON_TEXT),
        "value": control.action_id[:2000],
    }
    style = "primary" if control.chosen else _BUTTON_STYLE.get(control.style)
    if style:
        element["style"] = style
    return element


def _elements(controls: tuple[Control, ...]) -> list[dict[str, Any]]:
    elements: list[dict[str, Any]] = []
    for control in controls:
        elements.extend([button(control)] if isinstance(control, Button) else _menus(control))
    return elements


def control_blocks(row: ControlRow) -> list[dict[str, Any]]:
    """A caption section, then the controls in actions blocks of at most 25 elements."""
    blocks = text_sections([row.caption]) if row.caption else []
    elements = _elements(row.controls)
    for i in range(0, len(elements), ELEMENTS_PER_ACTIONS):
        blocks.append({"type": "actions", "elements": elements[i : i + ELEMENTS_PER_ACTIONS]})
    return blocks


def card_blocks(card: Card) -> list[dict[str, Any]]:
    """A card as message blocks: header, text, facts, controls, footer (at most 50 blocks)."""
    head = [{"type": "header", "text": plain(_TONE_EMOJI[card.tone] + card.title, HEADER_TEXT)}]
    text = text_sections(card.blocks)
    facts = [
        {
            "type": "section",
            "fields": [
                mrkdwn(next(mrkdwn_pieces(f"{f.label}: {f.value}", FIELD_TEXT), "—"))
                for f in card.fields[i : i + FIELDS_PER_SECTION]
            ],
        }
        for i in range(0, len(card.fields), FIELDS_PER_SECTION)
    ]
    controls = [block for row in card.rows for block in control_blocks(row)]
    footer = (
        [{"type": "context", "elements": [mrkdwn(fitted(card.footer, 3000))]}]
        if card.footer
        else []
    )
    room = MESSAGE_BLOCKS - len(head) - len(facts) - len(controls) - len(footer)
    if len(text) > room:
        # Unreachable for imported tasks (the core bounds their text); a guard for other cards.
        text = [
            *text[: max(room - 1, 0)],
            {
                "type": "context",
                "elements": [mrkdwn("_…cut: too long for one Slack message._")],
            },
        ]
    return [*head, *text, *facts, *controls, *footer][:MESSAGE_BLOCKS]


def fallback_text(card: Card) -> str:
    """The notification text Slack shows where blocks can't be drawn (parsed like mrkdwn: a raw
    `<!here>` here would notify the whole channel)."""
    return fitted(card.title, FALLBACK_TEXT)


def message(card: Card) -> dict[str, Any]:
    """Arguments for chat.postMessage / chat.update / a response_url."""
    return {"text": fallback_text(card), "blocks": card_blocks(card)}


def _input_element(item: FormInput, fit: ModalFit) -> dict[str, Any]:
    action_id = item.input_id
    if item.kind in ("select", "multiselect"):
        chosen = (item.value,) if isinstance(item.value, str) else tuple(item.value or ())
        select = Select(
            action_id,
            "Choose",
            item.choices[:OPTIONS_PER_MENU],
            multi=item.kind == "multiselect",
            chosen=chosen,
            max_values=len(item.choices),
        )
        return _menus(select, fit.option_text)[0]
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": item.kind == "long",
        "max_length": min(item.max_length or TEXT_INPUT, TEXT_INPUT),
    }
    if item.min_length:
        element["min_length"] = min(item.min_length, TEXT_INPUT)
    if isinstance(item.value, str) and item.value:
        element["initial_value"] = item.value[: element["max_length"]]
    return element


def input_blocks(item: FormInput, fit: ModalFit = MODAL_FITS[0]) -> list[dict[str, Any]]:
    """One form input: a long hint as text above it, an error beside it, then the input block
    (its texts as `fit` allows)."""
    blocks, hint = _hint(item, fit)
    if item.error:
        blocks.append(
            {
                "type": "context",
                "elements": [mrkdwn(next(mrkdwn_pieces("⚠ " + item.error, fit.error)))],
            }
        )
    block: dict[str, Any] = {
        "type": "input",
        "block_id": item.input_id,
        "label": plain(item.label, fit.label),
        "element": _input_element(item, fit),
        "optional": not item.required,
    }
    if hint is not None:
        block["hint"] = hint
    return [*blocks, block]


def _hint(item: FormInput, fit: ModalFit) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """An input's help text (a long one as text above it) and, where the question allows more than
    a Slack text input takes, the note saying so: in a shortened modal the help is cut or left
    out first, and the note always stays."""
    note = None
    if item.kind in ("short", "long") and (item.max_length or 0) > TEXT_INPUT:
        note = f"Slack takes at most {TEXT_INPUT:,} characters here."
    if fit.hint == INPUT_HINT:
        hint = " · ".join(text for text in (item.hint, note) if text)
        if len(hint) > INPUT_HINT:
            return text_sections([hint]), None
        return [], plain(hint, INPUT_HINT) if hint else None
    room = fit.hint - (len(note) + 3 if note else 0)  # what the help may take beside the note
    shown = [fitted(plain_times(item.hint), room)] if item.hint and room >= 20 else []
    shown += [note] if note else []
    return [], {"type": "plain_text", "text": " · ".join(shown), "emoji": True} if shown else None


def modal(form: Form, metadata: dict[str, Any]) -> dict[str, Any]:
    """A form as a modal view; `metadata` (where the card is) rides in private_metadata.
    Its texts are shortened, step by step, until the view fits Slack's VIEW_BYTES."""
    for fit in MODAL_FITS:
        view = _modal(form, metadata, fit)
        if view_bytes(view) <= VIEW_BYTES:
            break
    return view


def _modal(form: Form, metadata: dict[str, Any], fit: ModalFit) -> dict[str, Any]:
    blocks = text_sections([form.intro]) if form.intro else []
    for item in form.inputs:
        blocks += input_blocks(item, fit)
    packed = json.dumps(metadata, separators=(",", ":"))
    if len(packed) > METADATA:
        packed = json.dumps({k: v for k, v in metadata.items() if k != "r"}, separators=(",", ":"))
    return {
        "type": "modal",
        "callback_id": form.form_id,
        "title": plain(form.title, MODAL_TITLE),
        "submit": plain(form.submit_label, MODAL_TITLE),
        "close": plain("Cancel", MODAL_TITLE),
        "private_metadata": packed,
        "blocks": blocks[:MODAL_BLOCKS],
    }


def form_errors(errors: dict[str, str]) -> dict[str, str]:
    """Per-input errors for `response_action: errors` (keyed by block id, which is the input id)."""
    return {input_id: fitted(message, 300) for input_id, message in errors.items()}
