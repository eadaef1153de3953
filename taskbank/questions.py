"""Question kinds: what a task asks, and how each kind validates an answer.

Every kind turns a raw answer into its normalized form or says exactly what is wrong with it.
Options may be fixed on the question or read from the task's payload (`options_from`), so one
"rank these endings" question serves tasks with different endings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from taskbank.errors import Problem, ValidationFailed
from taskbank.similarity import normalize_for_comparison, normalized_distance

_WORD = re.compile(r"\S+")


class InvalidAnswer(ValueError):
    """One question's answer is wrong; the message says what was expected."""


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return len(value) == 0
    return False


def _quote_list(options: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(f"'{option}'" for option in options[:limit])
    return shown + (f" … ({len(options)} in all)" if len(options) > limit else "")


class _Question(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    prompt: str = Field(min_length=1, max_length=300)
    help: str | None = Field(default=None, max_length=1000)
    required: bool = True
    required_if_answered: str | None = Field(
        default=None, description="Required whenever this other question has a non-empty answer."
    )
    required_if_values: list[str] | None = Field(
        default=None,
        description="With required_if_answered: required only when that answer includes one of these.",
    )

    def payload_problems(self, payload: Mapping[str, Any]) -> list[str]:
        """What a task's payload lacks for this question (checked at import)."""
        return []

    def normalize(self, value: Any, payload: Mapping[str, Any]) -> Any:
        """The answer in canonical form, or InvalidAnswer saying what is wrong."""
        raise NotImplementedError

    def matches_gold(self, answer: Any, gold: Any) -> bool:
        """Whether an accepted answer agrees with the gold answer."""
        return answer == gold


class _WithOptions(_Question):
    options: list[str] | None = None
    options_from: str | None = Field(
        default=None, description="Payload field holding the options for each task."
    )

    @model_validator(mode="after")
    def _one_source_of_options(self) -> _WithOptions:
        if (self.options is None) == (self.options_from is None):
            raise ValueError("give exactly one of 'options' or 'options_from'")
        if self.options is not None:
            _check_option_list(self.options)
        return self

    def resolve_options(self, payload: Mapping[str, Any]) -> list[str]:
        """The options this task offers."""
        if self.options is not None:
            return list(self.options)
        value = payload.get(self.options_from or "")
        if not isinstance(value, list):
            raise InvalidAnswer(
                f"the task has no option list in payload field '{self.options_from}'"
            )
        return [str(item) for item in value]

    def payload_problems(self, payload: Mapping[str, Any]) -> list[str]:
        if self.options_from is None:
            return []
        value = payload.get(self.options_from)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return [
                f"payload.{self.options_from}: expected a list of strings for question '{self.id}'"
            ]
        try:
            _check_option_list(value)
        except ValueError as error:
            return [f"payload.{self.options_from}: {error}"]
        return []


# What every chat can show: Discord's select menus hold 25 options (Slack's 100), and a card or
# form holds only so many controls. Limits live here, so a batch that imports fits any chat.
MAX_OPTIONS = 25
MAX_QUESTIONS = 10


def _check_option_list(options: Sequence[str]) -> None:
    if len(options) < 2:
        raise ValueError(f"expected at least 2 options, got {len(options)}")
    if len(options) > MAX_OPTIONS:
        raise ValueError(
            f"expected at most {MAX_OPTIONS} options (the most a chat menu can offer), got {len(options)}"
        )
    if any(not option.strip() for option in options):
        raise ValueError("options must not be blank")
    if len({option.casefold() for option in options}) != len(options):
        raise ValueError("options must be distinct")


class LabelQuestion(_WithOptions):
    """Pick exactly one label."""

    kind: Literal["label"] = "label"

    def normalize(self, value: Any, payload: Mapping[str, Any]) -> str:
        options = self.resolve_options(payload)
        if not isinstance(value, str):
            raise InvalidAnswer(f"expected one of {_quote_list(options)}")
        if value not in options:
            raise InvalidAnswer(
                f"'{value}' is not an option; expected one of {_quote_list(options)}"
            )
        return value


class LabelsQuestion(_WithOptions):
    """Pick a set of labels, between `min_count` and `max_count` of them."""

    kind: Literal["labels"] = "labels"
    min_count: int = Field(default=1, ge=0)
    max_count: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _bounds(self) -> LabelsQuestion:
        if self.max_count is not None and self.max_count < self.min_count:
            raise ValueError("max_count must be at least min_count")
        return self

    def normalize(self, value: Any, payload: Mapping[str, Any]) -> list[str]:
        options = self.resolve_options(payload)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise InvalidAnswer(f"expected a list of labels from {_quote_list(options)}")
        unknown = [v for v in value if v not in options]
        if unknown:
            raise InvalidAnswer(
                f"not options: {_quote_list(unknown)}; expected labels from {_quote_list(options)}"
            )
        if len(set(value)) != len(value):
            raise InvalidAnswer("each label may be chosen only once")
        if len(value) < self.min_count:
            raise InvalidAnswer(f"choose at least {self.min_count}, got {len(value)}")
        if self.max_count is not None and len(value) > self.max_count:
            raise InvalidAnswer(f"choose at most {self.max_count}, got {len(value)}")
        return [option for option in options if option in value]

    def matches_gold(self, answer: Any, gold: Any) -> bool:
        return set(answer or []) == set(gold or [])


class RatingQuestion(_Question):
    """An integer on a scale whose ends are labelled."""

    kind: Literal["rating"] = "rating"
    scale_min: int = 1
    scale_max: int = 5
    min_label: str = Field(default="low", max_length=40)
    max_label: str = Field(default="high", max_length=40)

    @model_validator(mode="after")
    def _scale(self) -> RatingQuestion:
        if not 1 <= self.scale_max - self.scale_min <= 10:
            raise ValueError("a scale must have between 2 and 11 points")
        return self

    def normalize(self, value: Any, payload: Mapping[str, Any]) -> int:
        expected = f"expected a whole number from {self.scale_min} ({self.min_label}) to {self.scale_max} ({self.max_label})"
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidAnswer(expected)
        if not self.scale_min <= value <= self.scale_max:
            raise InvalidAnswer(f"{value} is off the scale; {expected}")
        return value


class RankingQuestion(_WithOptions):
    """Order every option, best first: no repeats, none missing."""

    kind: Literal["ranking"] = "ranking"

    def normalize(self, value: Any, payload: Mapping[str, Any]) -> list[str]:
        options = self.resolve_options(payload)
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise InvalidAnswer(f"expected all {len(options)} options in order, best first")
        problems = []
        unknown = [v for v in value if v not in options]
        if unknown:
            problems.append(f"not options: {_quote_list(unknown)}")
        repeated = sorted({v for v in value if value.count(v) > 1})
        if repeated:
            problems.append(f"ranked more than once: {_quote_list(repeated)}")
        missing = [option for option in options if option not in value]
        if missing:
            problems.append(f"missing: {_quote_list(missing)}")
        if problems:
            raise InvalidAnswer(
                "; ".join(problems) + f" (rank all {len(options)} options once each)"
            )
        return list(value)


class _TextBounds(_Question):
    min_chars: int | None = Field(default=None, ge=1)
    max_chars: int | None = Field(default=4000, ge=1, le=20000)
    min_words: int | None = Field(default=None, ge=1)
    max_words: int | None = Field(default=None, ge=1)

    def _bounded_text(self, value: Any) -> str:
        if not isinstance(value, str):
            raise InvalidAnswer("expected text")
        text = value.strip()
        if not text:
            raise InvalidAnswer("the text is blank")
        chars, words = len(text), len(_WORD.findall(text))
        if self.min_chars is not None and chars < self.min_chars:
            raise InvalidAnswer(
                f"too short: {chars} characters, at least {self.min_chars} expected"
            )
        if self.max_chars is not None and chars > self.max_chars:
            raise InvalidAnswer(f"too long: {chars} characters, at most {self.max_chars} allowed")
        if self.min_words is not None and words < self.min_words:
            raise InvalidAnswer(f"too short: {words} words, at least {self.min_words} expected")
        if self.max_words is not None and words > self.max_words:
            raise InvalidAnswer(f"too long: {words} words, at most {self.max_words} allowed")
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
    min_distance: float = Field(default=0.2, gt=0, le=1)

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
                f"too close to the original ({distance:.0%} changed, at least "
                f"{self.min_distance:.0%} expected)"
            )
        return text

    def matches_gold(self, answer: Any, gold: Any) -> bool:
        return True


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


def check_question_set(questions: Sequence[_Question]) -> None:
    """Raise ValueError when a question set is unusable (empty, duplicate ids, dangling references)."""
    if not questions:
        raise ValueError("a task needs at least one question")
    if len(questions) > MAX_QUESTIONS:
        raise ValueError(
            f"a task has at most {MAX_QUESTIONS} questions (one chat card must hold them), got {len(questions)}"
        )
    ids = [question.id for question in questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"question ids must be unique; repeated: {', '.join(duplicates)}")
    for question in questions:
        if question.required_if_answered and question.required_if_answered not in ids:
            raise ValueError(
                f"question '{question.id}' depends on unknown question '{question.required_if_answered}'"
            )


def validate_response(
    questions: Sequence[_Question], payload: Mapping[str, Any], response: Mapping[str, Any]
) -> dict[str, Any]:
    """Normalize a whole response, or raise ValidationFailed naming every wrong answer."""
    if not isinstance(response, Mapping):
        raise ValidationFailed([Problem("response", "expected an answer for each question")])
    known = {question.id for question in questions}
    problems = [
        Problem(str(key), f"no such question; expected answers to {', '.join(sorted(known))}")
        for key in response
        if key not in known
    ]
    answers: dict[str, Any] = {}
    for question in questions:
        value = response.get(question.id)
        if _is_blank(value):
            continue
        try:
            answers[question.id] = question.normalize(value, payload)
        except InvalidAnswer as error:
            problems.append(Problem(question.id, str(error)))
    for question in questions:
        if question.id in answers or any(p.field == question.id for p in problems):
            continue
        trigger = question.required_if_answered
        if trigger is not None:
            if _triggered(answers.get(trigger), question.required_if_values):
                problems.append(
                    Problem(question.id, f"required because of the answer to '{trigger}'")
                )
        elif question.required:
            problems.append(Problem(question.id, "an answer is required"))
    if problems:
        raise ValidationFailed(problems, summary="the answer needs fixing")
    return answers


def _triggered(answer: Any, values: list[str] | None) -> bool:
    if _is_blank(answer):
        return False
    if values is None:
        return True
    chosen = answer if isinstance(answer, list) else [answer]
    return any(value in chosen for value in values)


def gold_agreement(
    questions: Sequence[_Question], answers: Mapping[str, Any], gold: Mapping[str, Any]
) -> bool:
    """True when every gold-answered question was answered the same way."""
    by_id = {question.id: question for question in questions}
    return all(
        question_id in by_id and by_id[question_id].matches_gold(answers.get(question_id), expected)
        for question_id, expected in gold.items()
    )
