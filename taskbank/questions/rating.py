"""The rating kind: a whole number on a short scale whose ends are labelled."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, StrictInt, ValidationInfo, field_validator, model_validator

from taskbank.answer_text import InvalidAnswer, clean_text, quote
from taskbank.questions.base import QuestionBase, no_bool, stored

# ASCII digits only: "²" and "٣" are digits to str.isdigit but not numbers anyone typed here.
SCALE_LIMIT = 1000
_RATING_TEXT = re.compile(r"[ \t]*(-?[0-9]{1,9})[ \t]*")


class RatingQuestion(QuestionBase):
    """An integer on a scale whose ends are labelled."""

    kind: Literal["rating"] = "rating"
    scale_min: StrictInt = 1
    scale_max: StrictInt = 5
    min_label: str = Field(default="low", max_length=40)
    max_label: str = Field(default="high", max_length=40)
    # How agreement compares two ratings: by their difference, or only by their order.
    agreement_level: Literal["interval", "ordinal"] = "interval"

    _bounds_are_numbers = field_validator("scale_min", "scale_max", mode="before")(no_bool)

    @model_validator(mode="after")
    def _scale(self, info: ValidationInfo) -> RatingQuestion:
        problems = []
        if not 1 <= self.scale_max - self.scale_min <= 10:
            points = max(0, self.scale_max - self.scale_min + 1)
            problems.append(
                f"a scale must have between 2 and 11 points; {self.scale_min} to "
                f"{self.scale_max} has {points:,}"
            )
        if not stored(info) and not -SCALE_LIMIT <= self.scale_min <= self.scale_max <= SCALE_LIMIT:
            problems.append(f"scale ends must lie between -{SCALE_LIMIT:,} and {SCALE_LIMIT:,}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def normalize(self, value: Any, payload: Mapping[str, Any]) -> int:
        if isinstance(value, str):
            match = _RATING_TEXT.fullmatch(value) if len(value) <= 40 else None
            if match is None:
                raise InvalidAnswer(f"{quote(value)} is not a whole number; {self._expected()}")
            value = int(match.group(1))
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidAnswer(f"{self._expected()}, got {quote(value)}")
        if not self.scale_min <= value <= self.scale_max:
            raise InvalidAnswer(f"{quote(value)} is off the scale; {self._expected()}")
        return value

    def _expected(self) -> str:
        return (
            f"expected a whole number from {self.scale_min} ({self.min_label}) to"
            f" {self.scale_max} ({self.max_label})"
        )

    def draft_value(self, value: Any, payload: Mapping[str, Any]) -> Any:
        """A rating picked so far: a whole number on the scale (a pick the card never offered is
        refused, as a choice's is), or its digits as typed, of reasonable size."""
        if isinstance(value, str) and len(value) <= 40:
            return clean_text(value)
        if isinstance(value, bool) or not isinstance(value, int) or value.bit_length() > 32:
            raise InvalidAnswer(f"expected a whole number, got {quote(value)}")
        if not self.scale_min <= value <= self.scale_max:
            raise InvalidAnswer(
                f"{value} is off the scale; expected a whole number from {self.scale_min} to"
                f" {self.scale_max}"
            )
        return value
