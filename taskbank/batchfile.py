"""Batch files: JSONL (a header line, then a task a line) and CSV (settings passed separately).

Parsing is all-or-nothing: every bad line is reported with its number, the field and what was
expected, and nothing is imported until the whole file is clean.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from taskbank.errors import Problem, ValidationFailed
from taskbank.questions import Question, check_question_set, validate_response
from taskbank.templates import BUILTIN_TEMPLATES, PayloadKind, Template, payload_problems

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
BatchFormat = Literal["jsonl", "csv"]


class ProjectSettings(BaseModel):
    """The project (client contract) a batch belongs to; created on first import."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=120)
    guidelines: str = Field(default="", max_length=20_000)
    terms: str | None = Field(default=None, max_length=20_000)
    budget_cap_cents: StrictInt | None = Field(default=None, ge=0)
    target_hourly_cents: StrictInt | None = Field(default=None, ge=0)


class BatchSettings(BaseModel):
    """A batch's settings: the JSONL header's `batch` object, or passed beside a CSV file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    project: ProjectSettings
    name: str = Field(min_length=1, max_length=80)
    template: str = "custom"
    title: str | None = Field(default=None, max_length=150)
    instructions: str | None = Field(default=None, max_length=3000)
    questions: list[Question] | None = None
    payload_fields: dict[str, Literal["text", "text list"]] = Field(default_factory=dict)
    pay_cents: StrictInt = Field(ge=0, le=100_000, description="Pay per task in integer cents.")
    overlap: StrictInt | None = Field(default=None, ge=1, le=50)
    lease_minutes: StrictInt | None = Field(default=None, ge=1, le=7 * 24 * 60)
    review_rate: float = Field(default=0.1, ge=0, le=1)
    priority: StrictInt = 0
    deadline: AwareDatetime | None = None

    @field_validator("project", mode="before")
    @classmethod
    def _project_by_name(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value

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
        return self

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


@dataclass(frozen=True)
class TaskSpec:
    """A task before it is stored."""

    external_id: str
    payload: dict[str, Any]
    gold: dict[str, Any] | None = None


@dataclass(frozen=True)
class ParsedBatch:
    """A clean batch file: its settings and its tasks, in file order."""

    settings: BatchSettings
    tasks: list[TaskSpec]


def detect_format(filename: str) -> BatchFormat:
    """The format named by a file's suffix."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    raise ValidationFailed(
        [
            Problem(
                "file",
                f"unknown file type '{suffix or '(none)'}'; expected .jsonl or .csv",
                filename,
            )
        ]
    )


def parse_batch_file(
    data: bytes,
    filename: str,
    *,
    settings: BatchSettings | Mapping[str, Any] | None = None,
    file_format: BatchFormat | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ParsedBatch:
    """Parse and check a whole batch file, or raise ValidationFailed listing every problem."""
    name = PurePath(filename).name or "batch"
    if len(data) > max_bytes:
        raise ValidationFailed(
            [Problem("file", f"is {len(data):,} bytes; at most {max_bytes:,} are accepted", name)]
        )
    if not data.strip():
        raise ValidationFailed(
            [Problem("file", "is empty; expected a batch header and tasks", name)]
        )
    text = _decode(data, name)
    file_format = file_format or detect_format(filename)
    if file_format == "jsonl":
        if settings is not None:
            raise ValidationFailed(
                [Problem("settings", "a JSONL file carries its settings in its header line", name)]
            )
        return _parse_jsonl(text, name)
    if settings is None:
        raise ValidationFailed(
            [
                Problem(
                    "settings",
                    "a CSV file needs batch settings (project, name, template, pay)",
                    name,
                )
            ]
        )
    return _parse_csv(text, name, _settings(settings, name))


def check_tasks(
    settings: BatchSettings, tasks: Iterable[tuple[str, TaskSpec]]
) -> tuple[list[TaskSpec], list[Problem]]:
    """Check located tasks against the template: payload, gold answers, unique ids."""
    template = settings.resolved_template()
    fields = {**template.payload_fields, **settings.payload_fields}
    clean: list[TaskSpec] = []
    problems: list[Problem] = []
    first_seen: dict[str, str] = {}
    for location, task in tasks:
        found = _task_problems(template, fields, task)
        if task.external_id in first_seen:
            found.append(
                Problem(
                    "id",
                    f"duplicate id '{task.external_id}', first at {first_seen[task.external_id]}",
                )
            )
        else:
            first_seen[task.external_id] = location
        if found:
            problems.extend(Problem(p.field, p.message, location) for p in found)
        else:
            clean.append(task)
    if not clean and not problems:
        problems.append(Problem("tasks", "the file has no tasks"))
    return clean, problems


def _task_problems(
    template: Template, fields: Mapping[str, PayloadKind], task: TaskSpec
) -> list[Problem]:
    if not task.external_id or len(task.external_id) > 200:
        return [Problem("id", "expected a task id of 1 to 200 characters")]
    found = [
        Problem(message.split(":", 1)[0], message.split(":", 1)[1].strip())
        for message in payload_problems(fields, template.questions, task.payload)
    ]
    if task.gold is not None and not found:
        try:
            validate_response(
                [
                    q.model_copy(update={"required": False, "required_if_answered": None})
                    for q in template.questions
                ],
                task.payload,
                task.gold,
            )
        except ValidationFailed as failure:
            found.extend(Problem(f"gold.{p.field}", p.message) for p in failure.problems)
    return found


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise ValidationFailed(
            [
                Problem(
                    "encoding",
                    f"byte 0x{data[error.start]:02x} at column {column} is not UTF-8; save the file as UTF-8",
                    f"{name}:{line}",
                )
            ]
        ) from None


def _settings(raw: BatchSettings | Mapping[str, Any], location: str) -> BatchSettings:
    if isinstance(raw, BatchSettings):
        return raw
    try:
        return BatchSettings.model_validate(raw)
    except ValidationError as error:
        raise ValidationFailed(pydantic_problems(error, location, prefix="batch")) from None


def pydantic_problems(error: ValidationError, location: str, prefix: str = "") -> list[Problem]:
    """pydantic's errors as located problems, with a dotted field path."""
    problems = []
    for item in error.errors(include_url=False):
        path = ".".join(str(part) for part in item["loc"] if part not in ("function-after",))
        field = ".".join(part for part in (prefix, path) if part) or prefix or "value"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "int_type":
            message += " (money and counts are whole numbers: cents, not dollars)"
        problems.append(Problem(field, message, location))
    return problems


def _parse_jsonl(text: str, name: str) -> ParsedBatch:
    lines = text.splitlines()
    header_number = next((i for i, line in enumerate(lines, 1) if line.strip()), 1)
    header_location = f"{name}:{header_number}"
    try:
        header = json.loads(lines[header_number - 1])
    except json.JSONDecodeError as error:
        raise ValidationFailed(
            [
                Problem(
                    "header",
                    f'not valid JSON ({error.msg}); expected {{"batch": {{…}}}}',
                    header_location,
                )
            ]
        ) from None
    if not isinstance(header, dict) or set(header) != {"batch"}:
        raise ValidationFailed(
            [Problem("header", 'the first line must be {"batch": {…settings…}}', header_location)]
        )
    settings = _settings(header["batch"], header_location)
    located: list[tuple[str, TaskSpec]] = []
    problems: list[Problem] = []
    for number in range(header_number + 1, len(lines) + 1):
        line = lines[number - 1]
        if not line.strip():
            continue
        location = f"{name}:{number}"
        try:
            located.append((location, _task_from_json(json.loads(line))))
        except json.JSONDecodeError as error:
            problems.append(
                Problem("json", f"not valid JSON ({error.msg} at column {error.colno})", location)
            )
        except _BadTask as bad:
            problems.append(Problem(bad.field, bad.message, location))
    clean, task_problems = check_tasks(settings, located)
    problems.extend(task_problems)
    return _finish(settings, clean, problems, name)


class _BadTask(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message


def _task_from_json(value: Any) -> TaskSpec:
    if not isinstance(value, dict):
        raise _BadTask("task", 'expected an object like {"id": …, "payload": {…}}')
    unknown = sorted(set(value) - {"id", "payload", "gold"})
    if unknown:
        raise _BadTask(unknown[0], "unknown field; a task has 'id', 'payload' and optional 'gold'")
    task_id, payload, gold = value.get("id"), value.get("payload"), value.get("gold")
    if isinstance(task_id, int) and not isinstance(task_id, bool):
        task_id = str(task_id)
    if not isinstance(task_id, str) or not task_id.strip():
        raise _BadTask("id", "expected a non-empty task id")
    if not isinstance(payload, dict):
        raise _BadTask("payload", "expected an object with the task's fields")
    if gold is not None and not isinstance(gold, dict):
        raise _BadTask("gold", "expected an object of question id to answer")
    return TaskSpec(task_id.strip(), payload, gold)


def _parse_csv(text: str, name: str, settings: BatchSettings) -> ParsedBatch:
    template = settings.resolved_template()
    list_fields = {
        field
        for field, kind in {**template.payload_fields, **settings.payload_fields}.items()
        if kind == "text list"
    } | {q.options_from for q in template.questions if getattr(q, "options_from", None)}
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        columns = [column.strip() for column in next(reader)]
    except (StopIteration, csv.Error) as error:
        raise ValidationFailed(
            [Problem("header", f"unreadable CSV header ({error})", f"{name}:1")]
        ) from None
    if "id" not in columns:
        raise ValidationFailed([Problem("header", "expected an 'id' column", f"{name}:1")])
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise ValidationFailed(
            [Problem("header", f"repeated columns: {', '.join(repeated)}", f"{name}:1")]
        )
    located: list[tuple[str, TaskSpec]] = []
    problems: list[Problem] = []
    start = 2
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(Problem("csv", str(error), f"{name}:{reader.line_num}"))
            break
        location = f"{name}:{start}"
        start = reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            problems.append(
                Problem("row", f"has {len(row)} cells; the header has {len(columns)}", location)
            )
            continue
        payload: dict[str, Any] = {}
        gold: dict[str, Any] = {}
        for column, cell in zip(columns, row, strict=True):
            if column == "id" or not cell.strip():
                continue
            if column.startswith("gold."):
                gold[column[5:]] = _cell_value(cell, as_list=None)
            else:
                payload[column] = _cell_value(cell, as_list=column in list_fields)
        located.append(
            (location, TaskSpec(row[columns.index("id")].strip(), payload, gold or None))
        )
    clean, task_problems = check_tasks(settings, located)
    problems.extend(task_problems)
    return _finish(settings, clean, problems, name)


def _cell_value(cell: str, as_list: bool | None) -> Any:
    """A CSV cell: lists as a JSON array or ' | '-separated; gold lists the same way."""
    stripped = cell.strip()
    if as_list is False:
        return cell
    if stripped.startswith("["):
        try:
            value = json.loads(stripped)
            if isinstance(value, list):
                return value
        except json.JSONDecodeError:
            pass
    if as_list or "|" in stripped:
        return [part.strip() for part in stripped.split("|") if part.strip()]
    return stripped


def _finish(
    settings: BatchSettings, tasks: list[TaskSpec], problems: Sequence[Problem], name: str
) -> ParsedBatch:
    if problems:
        lines = {p.location for p in problems}
        raise ValidationFailed(
            list(problems), summary=f"{name}: {len(lines)} bad line(s); nothing was imported"
        )
    return ParsedBatch(settings, tasks)
