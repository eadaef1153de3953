"""Single label: buttons when the options fit one row, else a one-pick select."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.actions import Answer
from bot.text import full_options
from bot.ui import Button, Choice, ControlRow, Select
from bot.widgets.base import CardWidget, option_picked
from taskbank.questions import LabelQuestion

BUTTON_LIMIT = 5  # buttons on one card row


class LabelWidget(CardWidget):
    """A label question on the card."""

    kind = "label"

    def card_row(
        self,
        assignment_id: int,
        question: LabelQuestion,
        payload: Mapping[str, Any],
        chosen: Any,
        error: str | None,
    ) -> ControlRow:
        options = question.resolve_options(payload)
        caption = self.caption(question, chosen, error)
        listed = full_options(options)
        caption += f"\n{listed}" if listed else ""
        if len(options) <= BUTTON_LIMIT:
            buttons = tuple(
                Button(
                    Answer(assignment_id, question.id, i).encode(), option, chosen=chosen == option
                )
                for i, option in enumerate(options)
            )
            return ControlRow(buttons, caption)
        choices = tuple(Choice(option, str(i)) for i, option in enumerate(options))
        picked = (str(options.index(chosen)),) if chosen in options else ()
        select = Select(
            Answer(assignment_id, question.id).encode(),
            "Pick one",
            choices,
            chosen=picked,
            max_values=1,
        )
        return ControlRow((select,), caption)

    def read_control(
        self,
        question: LabelQuestion,
        payload: Mapping[str, Any],
        pick: int | None,
        values: tuple[str, ...],
    ) -> str | None:
        options = question.resolve_options(payload)
        picks = [str(pick)] if pick is not None else list(values)
        labels = [option_picked(p, options, question) for p in picks]
        return labels[0] if labels else None
