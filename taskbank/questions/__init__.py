"""Question kinds: what a task asks, and how each kind validates an answer.

Every kind turns a raw answer into its normalized form or says exactly what is wrong with it.
Options may be fixed on the question or read from the task's payload (`options_from`), so one
"rank these endings" question serves tasks with different endings.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, TypeAdapter

from taskbank.answer_text import InvalidAnswer
from taskbank.questions.base import MAX_DRAFT_BYTES, MAX_TEXT_CHARS, QuestionBase
from taskbank.questions.choices import (
    MAX_OPTIONS,
    LabelQuestion,
    LabelsQuestion,
    RankingQuestion,
)
from taskbank.questions.rating import RatingQuestion
from taskbank.questions.responses import (
    MAX_QUESTIONS,
    GoldMiss,
    check_question_set,
    gold_agreement,
    gold_misses,
    merge_draft,
    validate_response,
)
from taskbank.questions.text import RewriteQuestion, TextQuestion

_Question = QuestionBase  # the name templates and rendering know it by

Question = Annotated[
    LabelQuestion
    | LabelsQuestion
    | RatingQuestion
    | RankingQuestion
    | TextQuestion
    | RewriteQuestion,
    Field(discriminator="kind"),
]
QUESTION_LIST = TypeAdapter(list[Question])
QUESTION_KINDS = ("label", "labels", "rating", "ranking", "text", "rewrite")


__all__ = [
    "MAX_DRAFT_BYTES",
    "MAX_OPTIONS",
    "MAX_QUESTIONS",
    "MAX_TEXT_CHARS",
    "QUESTION_KINDS",
    "QUESTION_LIST",
    "GoldMiss",
    "InvalidAnswer",
    "LabelQuestion",
    "LabelsQuestion",
    "Question",
    "RankingQuestion",
    "RatingQuestion",
    "RewriteQuestion",
    "TextQuestion",
    "_Question",
    "check_question_set",
    "gold_agreement",
    "gold_misses",
    "merge_draft",
    "validate_response",
]
