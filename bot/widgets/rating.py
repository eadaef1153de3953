"""Rating: a button per point when the scale is short, else a select of points."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.actions import Answer
from bot.ui import Button, Choice, ControlRow, Select
from bot.widgets.base import CardWidget, scale_point
from bot.widgets.label import BUTTON_LIMIT
from taskbank.questions import RatingQuestion


class RatingWidget(CardWidget):
    """A rating question on the card; a button carries its point in its id."""

    kind = "rating"

    def card_row(
        self,
        assignment_id: int,
        question: RatingQuestion,
        payload: Mapping[str, Any],
        chosen: Any,
        error: str | None,
    ) -> ControlRow:
        points = range(question.scale_min, question.scale_max + 1)
        caption = self.caption(question, chosen, error)
        if len(points) <= BUTTON_LIMIT:
            buttons = tuple(
                Button(Answer(assignment_id, question.id, p).encode(), str(p), chosen=chosen == p)
                for p in points
            )
            return ControlRow(buttons, caption)
        choices = tuple(Choice(str(p), str(p)) for p in points)
        picked = () if chosen is None else (str(chosen),)
        select = Select(
            Answer(assignment_id, question.id).encode(),
            "Pick a rating",
            choices,
            chosen=picked,
            max_values=1,
        )
        return ControlRow((select,), caption)

    def caption_note(self, question: RatingQuestion) -> str:
        return (
            f"  ({question.scale_min} = {question.min_label},"
            f" {question.scale_max} = {question.max_label})"
        )

    def read_control(
        self,
        question: RatingQuestion,
        payload: Mapping[str, Any],
        pick: int | None,
        values: tuple[str, ...],
    ) -> int | None:
        if pick is not None:
            return pick
        return scale_point(values[0], question) if values else None
