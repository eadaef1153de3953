"""Widgets: how each question kind is drawn in a chat and how its answer is read back.

One module per question kind, and this registry keyed by `question.kind`; rendering
(`bot/render.py`) and the writer's handler ask the registry, never `isinstance`.

To add a question kind:
  1. taskbank: the kind itself (its pydantic model with its `kind` literal, its validation and
     gold check) in `taskbank.questions`, beside the others;
  2. bot: its widget, one module here (subclass `CardWidget` to answer it with card controls or
     `FormWidget` to answer it in the form), and one line in `WIDGETS` below.
`tests/test_widgets.py` then checks that the new widget draws and reads back its own answers.
"""

from __future__ import annotations

from bot.widgets.base import NOT_SENT, CardWidget, FormWidget, Widget
from bot.widgets.label import LabelWidget
from bot.widgets.labels import LabelsWidget
from bot.widgets.ranking import RankingWidget
from bot.widgets.rating import RatingWidget
from bot.widgets.rewrite import RewriteWidget
from bot.widgets.text import TextWidget
from taskbank.questions import _Question

WIDGETS: dict[str, Widget] = {
    "label": LabelWidget(),
    "labels": LabelsWidget(),
    "rating": RatingWidget(),
    "ranking": RankingWidget(),
    "text": TextWidget(),
    "rewrite": RewriteWidget(),
}


def widget_for(question: _Question) -> Widget:
    """The widget of a question's kind."""
    kind = getattr(question, "kind", None)
    widget = WIDGETS.get(kind) if isinstance(kind, str) else None
    if widget is None:
        raise LookupError(f"no widget for question kind {kind!r}; add one to bot/widgets")
    return widget


__all__ = ["NOT_SENT", "WIDGETS", "CardWidget", "FormWidget", "Widget", "widget_for"]
