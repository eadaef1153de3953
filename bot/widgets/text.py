"""Free text: one long form input with its length bounds as a hint."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.text import counted
from bot.ui import FormInput
from bot.widgets.base import NOT_SENT, FormWidget, help_text
from taskbank.questions import RewriteQuestion, TextQuestion


def length_hint(question: TextQuestion | RewriteQuestion) -> str | None:
    """The bounds a writer should know before typing, in words and characters."""
    parts = []
    least, most = question.min_words, question.max_words
    if least and most:
        parts.append(counted(most, "word") if least == most else f"{least:,}–{most:,} words")
    elif least:
        parts.append(f"at least {counted(least, 'word')}")
    elif most:
        parts.append(f"at most {counted(most, 'word')}")
    if question.min_chars:
        parts.append(f"at least {counted(question.min_chars, 'character')}")
    return ", ".join(parts) or None


class TextWidget(FormWidget):
    """A text question in the form."""

    kind = "text"

    def lead(self, question: Any, payload: Mapping[str, Any]) -> str | None:
        """What the hint starts with (a rewrite's original)."""
        return None

    def form_inputs(
        self, question: TextQuestion, payload: Mapping[str, Any], chosen: Any, error: str | None
    ) -> list[FormInput]:
        notes = [self.lead(question, payload), help_text(question), length_hint(question)]
        hint = " · ".join(note for note in notes if note) or None
        return [
            FormInput(
                question.id,
                question.prompt,
                "long",
                chosen if isinstance(chosen, str) else None,
                required=question.required and question.required_if_answered is None,
                hint=hint,
                min_length=question.min_chars,
                max_length=question.max_chars,
                error=error,
            )
        ]

    def read_form(
        self,
        question: TextQuestion,
        payload: Mapping[str, Any],
        values: Mapping[str, Any],
        saved: Any,
    ) -> Any:
        if question.id not in values:
            return NOT_SENT
        raw = values[question.id]
        return raw if isinstance(raw, str) else ""
