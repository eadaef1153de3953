"""Free-text kinds: text within bounds counted over what is visible, and rewrites of a line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import (
    Field,
    StrictFloat,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)

from taskbank.answer_text import InvalidAnswer, clean_text, measure, quote, trim
from taskbank.questions.base import MAX_TEXT_CHARS, QuestionBase, no_bool, stored
from taskbank.shares import percent, threshold_percent
from taskbank.similarity import normalize_for_comparison, normalized_distance


class _TextBounds(QuestionBase):
    min_chars: StrictInt | None = Field(default=None, ge=1)
    max_chars: StrictInt | None = Field(default=4000, ge=1, le=MAX_TEXT_CHARS)
    min_words: StrictInt | None = Field(default=None, ge=1)
    max_words: StrictInt | None = Field(default=None, ge=1)

    _bounds_are_numbers = field_validator(
        "min_chars", "max_chars", "min_words", "max_words", mode="before"
    )(no_bool)

    def form_places(self, payload: Mapping[str, Any]) -> int:
        return 1

    @property
    def char_limit(self) -> int:
        """The most characters an answer may hold (max_chars, or the global cap)."""
        return self.max_chars or MAX_TEXT_CHARS

    @model_validator(mode="after")
    def _satisfiable(self, info: ValidationInfo) -> _TextBounds:
        limit, problems = self.char_limit, []
        if stored(info):
            return self
        if self.min_chars is not None and self.min_chars > limit:
            problems.append(f"min_chars {self.min_chars} is more than max_chars {limit}")
        if self.min_words is not None and self.max_words is not None:
            if self.min_words > self.max_words:
                problems.append(
                    f"min_words {self.min_words} is more than max_words {self.max_words}"
                )
        if self.min_words is not None and 2 * self.min_words - 1 > limit:
            problems.append(
                f"min_words {self.min_words} needs at least {2 * self.min_words - 1} characters "
                f"(a letter and a space a word), more than max_chars {limit}"
            )
        if problems:
            raise ValueError("; ".join(problems) + "; no answer could satisfy this question")
        return self

    def _bounded_text(self, value: Any) -> str:
        if not isinstance(value, str):
            raise InvalidAnswer(f"expected text, got {quote(value)}")
        limit = self.char_limit
        if len(value) > 2 * limit + 10_000:  # far too long whatever its edges: refuse unread
            raise InvalidAnswer(f"too long: {len(value):,} characters, at most {limit:,} allowed")
        text = trim(clean_text(value))
        chars, words = measure(text)
        if not chars:
            raise InvalidAnswer(
                "the text is blank"
                + (" (it holds only invisible characters)" if value.strip() else "")
            )
        if self.min_chars is not None and chars < self.min_chars:
            raise InvalidAnswer(
                f"too short: {chars:,} visible characters, at least {self.min_chars:,} expected"
            )
        if len(text) > limit:
            raise InvalidAnswer(
                f"too long: {len(text):,} characters (spaces and line breaks included), "
                f"at most {limit:,} allowed"
            )
        if self.min_words is not None and words < self.min_words:
            raise InvalidAnswer(f"too short: {_words(words)}, at least {self.min_words:,} expected")
        if self.max_words is not None and words > self.max_words:
            raise InvalidAnswer(f"too long: {_words(words)}, at most {self.max_words:,} allowed")
        return text


class TextQuestion(_TextBounds):
    """Free text, trimmed, within length bounds in characters and/or words."""

    kind: Literal["text"] = "text"

    def normalize(self, value: Any, payload: Mapping[str, Any]) -> str:
        return self._bounded_text(value)

    def matches_gold(self, answer: Any, gold: Any) -> bool:
        return True  # free text has no single right answer; gold checks skip it


class RewriteQuestion(_TextBounds):
    """A rewrite of a payload text that must differ enough from the original."""

    kind: Literal["rewrite"] = "rewrite"
    original_from: str = Field(description="Payload field holding the text to rewrite.")
    # StrictFloat takes whole numbers too (1), but neither text ("0.5") nor true.
    min_distance: StrictFloat = Field(default=0.2, gt=0, le=1)

    def payload_problems(self, payload: Mapping[str, Any]) -> list[str]:
        value = payload.get(self.original_from)
        if not isinstance(value, str) or not value.strip():
            return [
                f"payload.{self.original_from}: expected the text to rewrite for question '{self.id}'"
            ]
        return []

    def normalize(self, value: Any, payload: Mapping[str, Any]) -> str:
        text = self._bounded_text(value)
        original = str(payload.get(self.original_from, ""))
        if normalize_for_comparison(text) == normalize_for_comparison(original):
            raise InvalidAnswer(
                "only case, punctuation or spacing changed; rewrite the wording itself"
            )
        distance = normalized_distance(original, text)
        if distance < self.min_distance:
            raise InvalidAnswer(
                f"too close to the original ({percent(distance)} changed, at least "
                f"{threshold_percent(self.min_distance)} expected)"
            )
        return text

    def matches_gold(self, answer: Any, gold: Any) -> bool:
        return True


def _words(count: int) -> str:
    return f"{count:,} word" + ("" if count == 1 else "s")
