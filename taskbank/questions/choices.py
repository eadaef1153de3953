"""Question kinds that choose among options: one label, a set of labels, a ranking of all."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import Field, StrictInt, ValidationInfo, field_validator, model_validator

from taskbank.answer_text import BLANK_GLYPHS, InvalidAnswer, measure, quote, refusal
from taskbank.questions.base import (
    MAX_LABEL_CHARS,
    QuestionBase,
    no_bool,
    quote_list,
    stored,
    string_items,
)


class _WithOptions(QuestionBase):
    options: list[str] | None = None
    options_from: str | None = Field(
        default=None, description="Payload field holding the options for each task."
    )

    @model_validator(mode="after")
    def _one_source_of_options(self, info: ValidationInfo) -> _WithOptions:
        if (self.options is None) == (self.options_from is None):
            raise ValueError("give exactly one of 'options' or 'options_from'")
        if self.options is not None and not stored(info):
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

    def draft_value(self, value: Any, payload: Mapping[str, Any]) -> Any:
        """Labels picked so far: a label or a list of them, no longer than the option list."""
        if isinstance(value, str):
            value = [value]
            single = True
        elif isinstance(value, list | tuple):
            single = False
        else:
            raise InvalidAnswer(f"expected a label or a list of labels, got {quote(value)}")
        try:
            options: list[str] | None = self.resolve_options(payload)
        except InvalidAnswer:
            options = None
        most = MAX_OPTIONS if options is None else len(options)
        if len(value) > most:
            raise InvalidAnswer(f"{len(value):,} labels; this task has {most} options")
        items = string_items(value, "a label")
        if any(len(item) > MAX_LABEL_CHARS for item in items):
            raise InvalidAnswer(f"a label longer than {MAX_LABEL_CHARS:,} characters")
        # Kept exactly as written, as an answer compares them: an option in decomposed Unicode
        # (NFD, as macOS writes it) composed here would no longer be an option of the task.
        unknown = [item for item in items if options is not None and item not in options]
        if unknown:  # a draft keeps only picks the task offers, as an answer does
            raise InvalidAnswer(f"not options of this task: {quote_list(unknown)}")
        return items[0] if single else items


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
    for option in options:
        problem = refusal(option)
        if problem is not None:
            raise ValueError(f"option {quote(option)} {problem}")
        if not measure(option)[0]:
            raise ValueError("options must not be blank (they need visible text)")
    seen: dict[str, str] = {}
    for option in options:
        key = _as_read(option)
        if key in seen:
            raise ValueError(
                f"options must be distinct; {quote(seen[key])} and {quote(option)} read the same"
            )
        seen[key] = option


def _as_read(option: str) -> str:
    """An option as a reader tells it from another: options that are the same text are one
    option in any case, in either Unicode form ("é" composed or as "e" and a combining accent,
    which NFC makes one), with spaces around or between its words however many, and with
    characters nobody sees (zero-width, blank glyphs) left out."""
    text = unicodedata.normalize("NFC", option).casefold()
    shown = "".join(c for c in text if unicodedata.category(c) != "Cf" and c not in BLANK_GLYPHS)
    return " ".join(shown.split())


def _spelled_as(values: list[str], options: Sequence[str]) -> list[str]:
    """Each value as its option is spelled: a label written in the other Unicode form (composed
    or decomposed, e.g. a gold answer from another editor) is that option; options never share
    an NFC form (see `_as_read`), so which one it is never depends on order."""
    by_form = {unicodedata.normalize("NFC", option): option for option in options}
    return [
        value if value in options else by_form.get(unicodedata.normalize("NFC", value), value)
        for value in values
    ]


class LabelQuestion(_WithOptions):
    """Pick exactly one label."""

    kind: Literal["label"] = "label"

    def normalize(self, value: Any, payload: Mapping[str, Any]) -> str:
        options = self.resolve_options(payload)
        if not isinstance(value, str):
            raise InvalidAnswer(f"expected one of {quote_list(options)}")
        (value,) = _spelled_as([value], options)
        if value not in options:
            raise InvalidAnswer(
                f"{quote(value)} is not an option; expected one of {quote_list(options)}"
            )
        return value


class LabelsQuestion(_WithOptions):
    """Pick a set of labels, between `min_count` and `max_count` of them.

    With fixed options both bounds must fit the options; with `options_from`, a task whose list
    is shorter than `max_count` simply allows all of its options, and one shorter than
    `min_count` is refused at import.
    """

    kind: Literal["labels"] = "labels"
    min_count: StrictInt = Field(default=1, ge=0)
    max_count: StrictInt | None = Field(default=None, ge=1)

    _counts_are_numbers = field_validator("min_count", "max_count", mode="before")(no_bool)

    @model_validator(mode="before")
    @classmethod
    def _clamp_max_count(cls, data: Any) -> Any:
        """A maximum above the fixed options allows them all: it is stored as their number."""
        if isinstance(data, dict) and isinstance(data.get("options"), list):
            most = data.get("max_count")
            if isinstance(most, int) and not isinstance(most, bool) and most > len(data["options"]):
                data = {**data, "max_count": max(len(data["options"]), 1)}
        return data

    @model_validator(mode="after")
    def _bounds(self, info: ValidationInfo) -> LabelsQuestion:
        if self.max_count is not None and self.max_count < self.min_count:
            raise ValueError("max_count must be at least min_count")
        if self.options is not None and self.min_count > len(self.options) and not stored(info):
            raise ValueError(
                f"min_count {self.min_count} is more than the {len(self.options)} options, "
                "so no answer could satisfy it"
            )
        return self

    def payload_problems(self, payload: Mapping[str, Any]) -> list[str]:
        problems = super().payload_problems(payload)
        if not problems and self.options_from is not None:
            count = len(payload[self.options_from])
            if self.min_count > count:
                problems.append(
                    f"payload.{self.options_from}: {count} options, but question '{self.id}' "
                    f"needs at least {self.min_count} chosen"
                )
        return problems

    def normalize(self, value: Any, payload: Mapping[str, Any]) -> list[str]:
        options = self.resolve_options(payload)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)):
            raise InvalidAnswer(
                f"expected a list of labels, got {quote(value)}; expected labels from "
                f"{quote_list(options)}"
            )
        if len(value) > len(options):
            raise InvalidAnswer(
                f"{len(value):,} labels given; this task has {len(options)} options"
            )
        value = _spelled_as(string_items(value, "a label"), options)
        unknown = [v for v in value if v not in options]
        if unknown:
            raise InvalidAnswer(
                f"not options: {quote_list(unknown)}; expected labels from {quote_list(options)}"
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


class RankingQuestion(_WithOptions):
    """Order every option, best first: no repeats, none missing."""

    kind: Literal["ranking"] = "ranking"

    def form_places(self, payload: Mapping[str, Any]) -> int:
        return len(self.resolve_options(payload))

    def normalize(self, value: Any, payload: Mapping[str, Any]) -> list[str]:
        options = self.resolve_options(payload)
        expected = f"rank all {len(options)} options once each"
        if not isinstance(value, (list, tuple)):
            raise InvalidAnswer(f"expected all {len(options)} options in order, best first")
        if len(value) > 2 * len(options):
            raise InvalidAnswer(f"{len(value):,} places given; {expected}")
        value = _spelled_as(string_items(value, "an option"), options)
        problems = []
        unknown = [v for v in value if v not in options]
        if unknown:
            problems.append(f"not options: {quote_list(unknown)}")
        repeated = sorted(v for v, times in Counter(value).items() if times > 1)
        if repeated:
            problems.append(f"ranked more than once: {quote_list(repeated)}")
        missing = [option for option in options if option not in value]
        if missing:
            problems.append(f"missing: {quote_list(missing)}")
        if problems:
            raise InvalidAnswer("; ".join(problems) + f" ({expected})")
        return list(value)
