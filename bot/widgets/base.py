"""What every question widget does, and the defaults most kinds share.

A widget is stateless: it draws a question from (question, payload, current draft value, error)
and reads what the chat sent back into an answer. Validation stays with the question kind in
taskbank; a widget only carries values between the chat and the draft.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from bot.arguments import quoted
from bot.ui import ControlRow, FormInput
from taskbank.errors import NotAllowed, Problem, ValidationFailed
from taskbank.questions import _Question

HELP_SHOWN = 300  # a question's help on a card or as a form hint; the rest is cut with "…"
_INTEGER = re.compile(r"-?[0-9]{1,18}", re.ASCII)


class NotSent:
    """What a form read returns for a question whose inputs this submit did not carry."""

    def __repr__(self) -> str:
        return "NOT_SENT"


NOT_SENT: Any = NotSent()


def shorten(text: str, limit: int) -> str:
    """Text cut to `limit` characters, ending in "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def help_text(question: _Question) -> str | None:
    """The question's help as shown to writers, trimmed to fit any chat."""
    return (
        shorten(question.help.strip(), HELP_SHOWN)
        if question.help and question.help.strip()
        else None
    )


def option_pick(raw: str, options: list[str]) -> str | None:
    """The option an index sent by a chat names, or None when it names none."""
    # Few ASCII digits: "²".isdigit() is true, and int() of 10,000 digits raises.
    ok = isinstance(raw, str) and 0 < len(raw) <= 3 and raw.isascii() and raw.isdigit()
    ok = ok and int(raw) < len(options)
    return options[int(raw)] if ok else None


def option_picked(raw: str, options: list[str], question: _Question) -> str:
    """The option an index sent by a chat names, or a refusal naming the question (a pick the
    menu never offered must not quietly change the saved answer)."""
    option = option_pick(raw, options)
    if option is None:
        problem = f"{quoted(str(raw))} is not one of the options; pick one from the menu"
        raise ValidationFailed([Problem(question.id, problem)])
    return option


def scale_point(raw: str, question: _Question) -> int:
    """A point on a rating scale as sent by a chat, or a refusal naming the question."""
    if not isinstance(raw, str) or _INTEGER.fullmatch(raw) is None:
        problem = f"{quoted(str(raw))} is not a point on the scale; expected a number such as 3"
        raise ValidationFailed([Problem(question.id, problem)])
    return int(raw)


class Widget:
    """How one question kind looks in a chat and how its answer comes back."""

    kind: ClassVar[str]
    on_card: ClassVar[bool]  # answered with card controls (else with form inputs)

    def card_row(
        self,
        assignment_id: int,
        question: Any,
        payload: Mapping[str, Any],
        chosen: Any,
        error: str | None,
    ) -> ControlRow:
        """The card's control row for this question, its caption showing the answer so far."""
        raise NotImplementedError(f"a {self.kind} question is answered in the form")

    def read_control(
        self, question: Any, payload: Mapping[str, Any], pick: int | None, values: tuple[str, ...]
    ) -> Any:
        """The answer a card control sent: a button's `pick`, or a select's `values`."""
        raise NotAllowed(f"question '{question.id}' is answered in the form, not on the card")

    def form_inputs(
        self, question: Any, payload: Mapping[str, Any], chosen: Any, error: str | None
    ) -> list[FormInput]:
        """The form's inputs for this question, pre-filled from the draft."""
        return []

    def read_form(
        self,
        question: Any,
        payload: Mapping[str, Any],
        values: Mapping[str, Any],
        saved: Any,
    ) -> Any:
        """The answer a form submit carried, or NOT_SENT when it carried none of the inputs
        (a chat that pages a long form sends one page; `saved` is the draft's answer)."""
        return NOT_SENT

    def error_input(self, question: Any) -> str | None:
        """The form input a problem with this question is shown beside (None: on the card)."""
        return None

    def answer_text(self, question: Any, value: Any) -> str:
        """An answer as one line of text."""
        if value in (None, "", []):
            return "—"
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    def caption(self, question: Any, chosen: Any, error: str | None) -> str:
        """A card row's caption: the prompt, the answer so far, the problem, then the help."""
        caption = f"{question.prompt}: {self.answer_text(question, chosen)}"
        if error:
            caption += f"  ⚠ {error}"
        caption += self.caption_note(question)
        helped = help_text(question)
        return caption + (f"\n{helped}" if helped else "")

    def caption_note(self, question: Any) -> str:
        """Something the kind adds after the caption (a scale's ends)."""
        return ""


class CardWidget(Widget):
    """A question answered on the card."""

    on_card = True


class FormWidget(Widget):
    """A question answered in the form; problems go beside its input of the same id."""

    on_card = False

    def error_input(self, question: Any) -> str | None:
        return question.id
