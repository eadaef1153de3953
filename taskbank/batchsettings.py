"""Batch settings: the JSONL header's `batch` object, or the settings given beside a CSV file,
checked field by field before anything is stored."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from taskbank.answer_text import trim
from taskbank.errors import Problem, ValidationFailed
from taskbank.plainerrors import settings_problems
from taskbank.questions import Question, check_question_set
from taskbank.safejson import measure, text_problem, value_problems
from taskbank.templates import BUILTIN_TEMPLATES, Template

# Settings are a few small objects.
MAX_SETTINGS_DEPTH = 8
MAX_SETTINGS_ITEMS = 2_000
# Settings values that are names or labels, shown on one line: no line breaks or tabs.
ONE_LINE_SETTINGS = frozenset(
    {
        "name",
        "template",
        "title",
        "id",
        "kind",
        "options",
        "options_from",
        "original_from",
        "required_if_answered",
        "required_if_values",
        "min_label",
        "max_label",
        "deadline",
    }
)


# A deadline starts with its date as ISO 8601 writes it (the time and zone pydantic checks).
_ISO_DATE_START = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A deadline is shown in every reader's zone (up to 14 hours either side of UTC): within a day of
# the last moment datetime holds it could not be, and every card listing it would fail.
_LAST_DEADLINE = datetime.max.replace(tzinfo=UTC) - timedelta(days=1)


@dataclass(frozen=True)
class TaskSpec:
    """A task before it is stored: its external id, payload and optional gold answer."""

    external_id: str
    payload: dict[str, Any]
    gold: dict[str, Any] | None = None


PROJECT_NAME_MAX = 120
BATCH_NAME_MAX = 80


class ProjectSettings(BaseModel):
    """The project (client contract) a batch belongs to; created on first import."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=PROJECT_NAME_MAX)
    guidelines: str = Field(default="", max_length=20_000)
    terms: str | None = Field(default=None, max_length=20_000)
    budget_cap_cents: StrictInt | None = Field(default=None, ge=0)
    target_hourly_cents: StrictInt | None = Field(default=None, ge=0)

    @field_validator("name")
    @classmethod
    def _visible_name(cls, name: str) -> str:
        problem = text_problem(name, one_line=True)
        if problem:
            raise ValueError(f"the project name {problem}")
        if trim(name) != name:  # 'Acme ' would be a second project beside 'Acme'
            raise ValueError(
                "the project name begins or ends with a space or an invisible character"
            )
        return name


# The quality settings are read from the configuration's TOML too, where `nan` and `inf` are
# numbers; StrictFloat takes whole numbers (a union with StrictInt named pydantic's tags as fields).
_QUALITY_CONFIG = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class QualificationSettings(BaseModel):
    """Gold a writer must pass on a batch before its ordinary (non-gold) tasks open to them."""

    model_config = _QUALITY_CONFIG

    gold_tasks: StrictInt = Field(ge=1, le=200, description="How many gold tasks to answer.")
    min_accuracy: StrictFloat = Field(ge=0, le=1, description="Share right to pass.")
    training: StrictBool = Field(
        default=False, description="Show the expected answer and the guidelines after each one."
    )


class PauseSettings(BaseModel):
    """Pause a writer whose accuracy over their last `window` gold answers falls below a share."""

    model_config = _QUALITY_CONFIG

    window: StrictInt = Field(ge=1, le=1000)
    min_accuracy: StrictFloat = Field(ge=0, le=1)


class QualitySettings(BaseModel):
    """A batch's quality controls: gold mixing, qualification and pausing (the config's
    [quality] table fills in what a batch leaves out)."""

    model_config = _QUALITY_CONFIG

    gold_rate: StrictFloat | None = Field(
        default=None, ge=0, le=1, description="Share of claims that are gold tasks."
    )
    qualification: QualificationSettings | None = None
    pause: PauseSettings | None = None
    # What a wrong gold answer does, per question id: 'check' may reject the work (unpaid);
    # 'feedback', the default for every question, pays it, counts it and explains it.
    gold_modes: dict[str, Literal["check", "feedback"]] = Field(default_factory=dict)
    # Dynamic overlap: when a task's answers disagree, one more slot opens, up to this many.
    max_overlap: StrictInt | None = Field(default=None, ge=2, le=50)
    # No clear consensus (the one rule for the figures and the adjudication queue): a task whose
    # consensus answer on some question is tied or less than `min_confidence` sure, by the
    # `consensus` method ("model": Dawid–Skene; "vote": majority vote).
    min_confidence: StrictFloat | None = Field(default=None, ge=0, le=1)
    consensus: Literal["model", "vote"] | None = None


class BatchSettings(BaseModel):
    """A batch's settings: the JSONL header's `batch` object, or passed beside a CSV file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    project: ProjectSettings
    name: str = Field(min_length=1, max_length=BATCH_NAME_MAX)
    template: str = "custom"
    title: str | None = Field(default=None, max_length=150)
    instructions: str | None = Field(default=None, max_length=3000)
    questions: list[Question] | None = None
    payload_fields: dict[str, Literal["text", "text list"]] = Field(default_factory=dict)
    pay_cents: StrictInt = Field(ge=0, le=100_000, description="Pay per task in integer cents.")
    overlap: StrictInt | None = Field(default=None, ge=1, le=50)
    lease_minutes: StrictInt | None = Field(default=None, ge=1, le=7 * 24 * 60)
    review_rate: StrictFloat = Field(default=0.1, ge=0, le=1)
    priority: StrictInt = 0
    deadline: AwareDatetime | None = None
    # The coordinator's guess at a task's time, shown before claiming until the batch has enough
    # timed answers for a median ([fair_work] min_timings); up to a day, in minutes.
    # StrictFloat takes whole numbers too; a union with StrictInt gave two errors for "abc".
    estimate_minutes: StrictFloat | None = Field(default=None, gt=0, le=24 * 60)
    quality: QualitySettings | None = None

    @field_validator("project", mode="before")
    @classmethod
    def _project_by_name(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value

    @field_validator("deadline", mode="before")
    @classmethod
    def _deadline_written_as_a_date(cls, value: Any) -> Any:
        # pydantic reads a number, or a string of digits, as seconds since 1970 (or milliseconds
        # past 2e10): a deadline of 20301231 would be a day in 1970, not the last of 2030.
        if isinstance(value, datetime) or value is None:
            return value
        if not isinstance(value, str) or not _ISO_DATE_START.match(value):
            raise ValueError("expected a date and time with its zone, like 2026-12-01T17:00:00Z")
        return value

    @field_validator("deadline")
    @classmethod
    def _deadline_in_range(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        try:
            value = value.astimezone(UTC)
        except OverflowError:
            raise ValueError("the deadline is out of range once converted to UTC") from None
        if value > _LAST_DEADLINE:
            raise ValueError(
                "the deadline is too far off to be shown in every time zone; give one by the end of"
                f" {_LAST_DEADLINE:%Y-%m-%d}, or none"
            )
        return value

    @model_validator(mode="after")
    def _template_or_questions(self) -> BatchSettings:
        if self.template == "custom":
            if not self.questions:
                raise ValueError("a custom batch needs 'questions'")
            check_question_set(self.questions)
        elif self.template not in BUILTIN_TEMPLATES:
            raise ValueError(
                f"unknown template '{self.template}'; expected one of "
                f"{', '.join(sorted(BUILTIN_TEMPLATES))} or 'custom'"
            )
        elif self.questions is not None:
            raise ValueError("'questions' go with template 'custom' only")
        if self.quality is not None and self.quality.gold_modes:
            known = {question.id for question in self.resolved_template().questions}
            unknown = sorted(set(self.quality.gold_modes) - known)
            if unknown:
                raise ValueError(
                    f"quality.gold_modes names {', '.join(unknown)}, not a question of this"
                    f" batch; its questions are {', '.join(sorted(known))}"
                )
        return self

    @property
    def estimate_seconds(self) -> int | None:
        """The coordinator's estimate of a task's time, in whole seconds (at least one)."""
        if self.estimate_minutes is None:
            return None
        return max(1, round(self.estimate_minutes * 60))

    def resolved_template(self) -> Template:
        """The built-in template, or one made from this batch's own questions."""
        if self.template != "custom":
            return BUILTIN_TEMPLATES[self.template]
        return Template(
            name="custom",
            version=1,
            title=self.title or self.name,
            instructions=self.instructions or "",
            payload_fields=self.payload_fields,
            questions=list(self.questions or []),
        )


def settings_from(
    raw: BatchSettings | Mapping[str, Any] | Any, location: str, prefix: str = "batch"
) -> BatchSettings:
    """Checked settings from raw JSON values (or as given), or ValidationFailed at `location`."""
    if isinstance(raw, BatchSettings):
        return raw
    if not isinstance(raw, Mapping):
        raise ValidationFailed(
            [Problem(prefix or "settings", "expected an object of batch settings", location)]
        )
    shape = measure(dict(raw))
    if shape.depth > MAX_SETTINGS_DEPTH or shape.items > MAX_SETTINGS_ITEMS:
        raise ValidationFailed(
            [
                Problem(
                    prefix or "settings",
                    f"too big for batch settings: at most {MAX_SETTINGS_ITEMS:,} values, "
                    f"nested at most {MAX_SETTINGS_DEPTH} levels deep",
                    location,
                )
            ]
        )
    unstorable = value_problems(dict(raw), prefix, one_line_keys=ONE_LINE_SETTINGS)
    if unstorable:
        raise ValidationFailed(
            [Problem(field or "settings", message, location) for field, message in unstorable]
        )
    try:
        return BatchSettings.model_validate(raw)
    except ValidationError as error:
        raise ValidationFailed(
            settings_problems(error, raw, location, prefix, BatchSettings)
        ) from None
