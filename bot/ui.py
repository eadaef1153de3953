"""The neutral UI: cards with controls, and forms with per-field errors.

Adapters draw these as Block Kit, Discord components or terminal panels. Control and form ids
carry everything needed to act on them later, so no handler keeps state in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Choice:
    """One option of a select or a form select."""

    label: str
    value: str


@dataclass(frozen=True)
class Button:
    """A button; `chosen` marks the one already picked."""

    action_id: str
    label: str
    style: Literal["primary", "danger", "default"] = "default"
    chosen: bool = False


@dataclass(frozen=True)
class Select:
    """A single or multi select over choices."""

    action_id: str
    placeholder: str
    choices: tuple[Choice, ...]
    multi: bool = False
    chosen: tuple[str, ...] = ()
    min_values: int = 0
    max_values: int = 1


Control = Button | Select


@dataclass(frozen=True)
class ControlRow:
    """Controls shown together, with an optional caption (e.g. the question)."""

    controls: tuple[Control, ...]
    caption: str | None = None


@dataclass(frozen=True)
class Field:
    """A short labelled fact on a card."""

    label: str
    value: str


@dataclass(frozen=True)
class Card:
    """A message: title, text blocks, fields, control rows, a footer."""

    title: str
    blocks: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()
    rows: tuple[ControlRow, ...] = ()
    footer: str | None = None
    tone: Literal["info", "success", "warning", "error"] = "info"
    # An action that draws this card afresh: chats that show a card's controls a page at a time
    # (Discord: five rows) use it for their page buttons.
    refresh: str | None = None

    def controls(self) -> list[Control]:
        """Every control, in reading order."""
        return [control for row in self.rows for control in row.controls]


@dataclass(frozen=True)
class FormInput:
    """One input of a form; `value` pre-fills it and `error` is shown beside it."""

    input_id: str
    label: str
    kind: Literal["short", "long", "select", "multiselect"] = "short"
    value: str | tuple[str, ...] | None = None
    choices: tuple[Choice, ...] = ()
    required: bool = True
    hint: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class Form:
    """A modal form; `form_id` says what submitting it does."""

    form_id: str
    title: str
    inputs: tuple[FormInput, ...]
    submit_label: str = "Submit"
    intro: str | None = None
    # The action that opens this form again (for chats whose forms close on an error).
    reopen: str | None = None


@dataclass(frozen=True)
class FormErrors:
    """The answer to a form submit that failed: a message per input id; the form stays open.

    `form` is the same form with the errors beside its inputs, for chats that cannot keep a form
    open and show the problems another way.
    """

    errors: dict[str, str] = field(default_factory=dict)
    form: Form | None = None


@dataclass(frozen=True)
class FileUpload:
    """A file to post."""

    filename: str
    content: bytes
    comment: str = ""
