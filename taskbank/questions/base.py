"""What every question kind shares: its definition fields, the draft it keeps, the size caps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationInfo, field_validator

from taskbank.answer_text import InvalidAnswer, clean_text, measure, quote, refusal

MAX_TEXT_CHARS = 20_000  # the most any text answer (or a draft of one) may hold
MAX_LABEL_CHARS = 1_000  # longer than any option a chat can show
MAX_DRAFT_BYTES = 64 * 1024  # a whole half-done answer, as JSON


def is_blank(value: Any) -> bool:
    """Whether a value leaves a question unanswered (nothing, empty or spaces, an empty list)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return len(value) == 0
    return False


def quote_list(values: Sequence[Any], limit: int = 8) -> str:
    """The first few values quoted for a message, and how many there are in all."""
    shown = ", ".join(quote(value) for value in values[:limit])
    return shown + (f" … ({len(values):,} in all)" if len(values) > limit else "")


def string_items(value: Any, what: str) -> list[str]:
    """A list answer's items, each text without refused characters; InvalidAnswer otherwise."""
    for place, item in enumerate(value, 1):
        if not isinstance(item, str):
            raise InvalidAnswer(f"item {place} is {quote(item)}, not {what}")
        problem = refusal(item)
        if problem is not None:
            raise InvalidAnswer(f"item {place} {problem}")
    return list(value)


def stored(info: ValidationInfo) -> bool:
    """Whether definitions are being read back from the database (context {"stored": True}):
    they were checked when imported, and a stored batch must load under stricter rules."""
    return isinstance(info.context, Mapping) and info.context.get("stored") is True


def no_bool(value: Any) -> Any:
    """Refuse true/false where a definition wants a number (pydantic would read true as 1)."""
    if isinstance(value, bool):
        raise ValueError("expected a whole number, not true or false")
    return value


class QuestionBase(BaseModel):
    """One question of a task: its id, prompt and when it must be answered; kinds add the rest."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    prompt: str = Field(min_length=1, max_length=300)
    help: str | None = Field(default=None, max_length=1000)
    required: StrictBool = True
    required_if_answered: str | None = Field(
        default=None, description="Required whenever this other question has a non-empty answer."
    )
    required_if_values: list[str] | None = Field(
        default=None,
        description="With required_if_answered: required only when that answer includes one of these.",
    )

    @field_validator("prompt")
    @classmethod
    def _visible_prompt(cls, prompt: str, info: ValidationInfo) -> str:
        if not stored(info) and measure(prompt)[0] == 0:
            raise ValueError(
                "the prompt shows nothing (only spaces or invisible characters); write the question"
            )
        return prompt

    def payload_problems(self, payload: Mapping[str, Any]) -> list[str]:
        """What a task's payload lacks for this question (checked at import)."""
        return []

    def form_places(self, payload: Mapping[str, Any]) -> int:
        """How many places of the answer form this question takes (a text one, a ranking one
        per option; a choice answered on the card none), so a task's form fits every chat."""
        return 0

    def normalize(self, value: Any, payload: Mapping[str, Any]) -> Any:
        """The answer in canonical form, or InvalidAnswer saying what is wrong."""
        raise NotImplementedError

    def draft_value(self, value: Any, payload: Mapping[str, Any]) -> Any:
        """A half-done answer as kept: any text, within size; InvalidAnswer for a wrong shape."""
        if not isinstance(value, str):
            raise InvalidAnswer(f"expected text, got {quote(value)}")
        if len(value) > MAX_TEXT_CHARS:
            raise InvalidAnswer(
                f"too long to keep: {len(value):,} characters, at most {MAX_TEXT_CHARS:,}"
            )
        return clean_text(value)

    def matches_gold(self, answer: Any, gold: Any) -> bool:
        """Whether an accepted answer agrees with the gold answer."""
        return answer == gold
