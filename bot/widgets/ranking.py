"""Ranking: a form select per place (1st, 2nd, …), each offering every option."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.ui import Choice, FormInput
from bot.widgets.base import NOT_SENT, FormWidget, help_text, option_picked
from taskbank.errors import Problem, ValidationFailed
from taskbank.questions import RankingQuestion

ORDINALS = ("1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th")


def place_input(question: RankingQuestion, place: int) -> str:
    """The form input id of one place (counted from 1)."""
    return f"{question.id}.{place}"


def place_name(place: int) -> str:
    """A place as the form labels it (counted from 1): 1st, 2nd, … 10th, 11, 12."""
    return ORDINALS[place - 1] if place <= len(ORDINALS) else str(place)


class RankingWidget(FormWidget):
    """A ranking question in the form; its problems go beside the first place."""

    kind = "ranking"

    def form_inputs(
        self,
        question: RankingQuestion,
        payload: Mapping[str, Any],
        chosen: Any,
        error: str | None,
    ) -> list[FormInput]:
        options = question.resolve_options(payload)
        current = chosen if isinstance(chosen, list) else []
        # Whole labels: each chat cuts them to its own limit, keeping them distinct.
        choices = tuple(Choice(o, str(i)) for i, o in enumerate(options))
        inputs = []
        for place in range(len(options)):
            value = (
                str(options.index(current[place]))
                if place < len(current) and current[place] in options
                else None
            )
            inputs.append(
                FormInput(
                    place_input(question, place + 1),
                    f"{question.prompt}: {place_name(place + 1)}",
                    "select",
                    value,
                    choices,
                    hint=help_text(question) if place == 0 else None,
                    error=error if place == 0 else None,
                )
            )
        return inputs

    def read_form(
        self,
        question: RankingQuestion,
        payload: Mapping[str, Any],
        values: Mapping[str, Any],
        saved: Any,
    ) -> Any:
        options = question.resolve_options(payload)
        keys = [place_input(question, place) for place in range(1, len(options) + 1)]
        if not any(key in values for key in keys):
            return NOT_SENT
        kept = list(saved) if isinstance(saved, list) else []
        slots: list[str | None] = [*kept[: len(keys)], *[None] * (len(keys) - len(kept))]
        problems: list[Problem] = []
        for place, key in enumerate(keys):
            if key not in values:
                continue
            raw = values[key]
            raw = raw[0] if isinstance(raw, tuple | list) and raw else raw
            if raw in (None, "", (), []):  # the place was emptied
                slots[place] = None
                continue
            # A pick the form never offered is refused, not read as an empty place: a saved
            # draft would lose that place without a word.
            try:
                slots[place] = option_picked(raw, options, question)
            except ValidationFailed as failure:
                problems += [
                    Problem(p.field, f"{place_name(place + 1)} place: {p.message}")
                    for p in failure.problems
                ]
        if problems:
            raise ValidationFailed(problems)
        return [option for option in slots if option is not None]

    def error_input(self, question: RankingQuestion) -> str:
        return place_input(question, 1)

    def answer_text(self, question: RankingQuestion, value: Any) -> str:
        if isinstance(value, list) and value:
            return " > ".join(str(v) for v in value)
        return super().answer_text(question, value)
