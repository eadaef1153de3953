"""Several labels: a multi-select bounded by the question's counts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.actions import Answer
from bot.text import full_options
from bot.ui import Choice, ControlRow, Select
from bot.widgets.base import CardWidget, option_picked
from taskbank.questions import LabelsQuestion


class LabelsWidget(CardWidget):
    """A labels question on the card."""

    kind = "labels"

    def card_row(
        self,
        assignment_id: int,
        question: LabelsQuestion,
        payload: Mapping[str, Any],
        chosen: Any,
        error: str | None,
    ) -> ControlRow:
        options = question.resolve_options(payload)
        choices = tuple(Choice(option, str(i)) for i, option in enumerate(options))
        picked = tuple(str(options.index(v)) for v in (chosen or []) if v in options)
        select = Select(
            Answer(assignment_id, question.id).encode(),
            "Pick labels",
            choices,
            multi=True,
            chosen=picked,
            min_values=question.min_count,
            max_values=question.max_count or len(options),
        )
        caption = self.caption(question, chosen, error)
        listed = full_options(options)
        return ControlRow((select,), caption + (f"\n{listed}" if listed else ""))

    def read_control(
        self,
        question: LabelsQuestion,
        payload: Mapping[str, Any],
        pick: int | None,
        values: tuple[str, ...],
    ) -> list[str]:
        options = question.resolve_options(payload)
        picks = [str(pick)] if pick is not None else list(values)
        return [option_picked(p, options, question) for p in picks]
