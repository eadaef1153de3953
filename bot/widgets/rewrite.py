"""Rewrite: a text input whose hint shows the original being rewritten."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.widgets.text import TextWidget
from taskbank.questions import RewriteQuestion


class RewriteWidget(TextWidget):
    """A rewrite question in the form."""

    kind = "rewrite"

    def lead(self, question: RewriteQuestion, payload: Mapping[str, Any]) -> str:
        return f"Original: {payload.get(question.original_from, '')}"
