"""Batch files: JSONL (a header line, then a task a line) and CSV (settings passed separately).

Parsing is all-or-nothing: every bad line is reported with its number, the field and what was
expected, and nothing is imported until the whole file is clean. Any bytes end in a ParsedBatch or
ValidationFailed: JSON is read through `taskbank.safejson`, and text that cannot be stored (lone
surrogates, control characters) or numbers that are not standard JSON are refused by field.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any, Literal

from taskbank.batchsettings import (
    BatchSettings,
    ProjectSettings,
    TaskSpec,
    pydantic_problems,
    settings_from,
)
from taskbank.csvquotes import csv_problem, swallowed_row
from taskbank.errors import Problem, ValidationFailed
from taskbank.questions import validate_response
from taskbank.safejson import (
    UnreadableJson,
    load_json,
    measure,
    printable,
    text_problem,
    value_problems,
)
from taskbank.templates import PayloadKind, Template, payload_problems

__all__ = [
    "DEFAULT_MAX_BYTES",
    "BatchFormat",
    "BatchSettings",
    "ParsedBatch",
    "ProjectSettings",
    "TaskSpec",
    "check_tasks",
    "detect_format",
    "load_settings_file",
    "parse_batch_file",
    "pydantic_problems",
    "read_settings_object",
]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
BatchFormat = Literal["jsonl", "csv"]
# A gold answer is a label, a list or a short text per question.
MAX_GOLD_DEPTH = 4
MAX_GOLD_ITEMS = 1_000


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
    now: datetime | None = None,
) -> ParsedBatch:
    """Parse and check a whole batch file, or raise ValidationFailed listing every problem.

    Given `now`, a deadline that has already passed is refused too (nobody could claim a task).
    """
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
        return _parse_jsonl(text, name, now)
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
    return _parse_csv(text, name, settings_from(settings, name), now)


def load_settings_file(data: bytes, name: str) -> BatchSettings:
    """Batch settings from a JSON file (for a CSV batch): an object of settings, or the same
    `{"batch": {…}}` a JSONL header holds. Raises ValidationFailed naming the file and line."""
    return settings_from(read_settings_object(data, name), PurePath(name).name, prefix="")


def read_settings_object(data: bytes, name: str) -> dict[str, Any]:
    """A settings file's object, not yet checked (callers may add to it first): the settings, or
    the same `{"batch": {…}}` a JSONL header holds. Raises ValidationFailed naming the file."""
    name = PurePath(name).name or "settings.json"
    if not data.strip():
        raise ValidationFailed([Problem("settings", "is empty; expected a JSON object", name)])
    text = _decode(data, name)
    try:
        raw = load_json(text)
    except UnreadableJson as error:
        where = f"{name}:{error.line}" if error.line else name
        raise ValidationFailed(
            [Problem("settings", f"not valid JSON ({error.detail})", where)]
        ) from None
    if isinstance(raw, dict) and set(raw) == {"batch"}:
        raw = raw["batch"]
    if not isinstance(raw, dict):
        raise ValidationFailed(
            [
                Problem(
                    "settings",
                    'expected an object of batch settings, like {"project": …, "name": …}',
                    name,
                )
            ]
        )
    return raw


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
        usable_id = not any(p.field == "id" for p in found)  # a bad id is never quoted back
        if usable_id and task.external_id in first_seen:
            found.append(
                Problem(
                    "id",
                    f"duplicate id '{task.external_id}', first at {first_seen[task.external_id]}",
                )
            )
        elif usable_id:
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
    if not isinstance(task.external_id, str) or not 1 <= len(task.external_id) <= 200:
        return [Problem("id", "expected a task id of 1 to 200 characters")]
    id_problem = text_problem(task.external_id, one_line=True)
    if id_problem:
        return [Problem("id", id_problem)]
    unstorable = value_problems(task.payload, "payload") + value_problems(task.gold, "gold")
    if unstorable:
        return [Problem(field, message) for field, message in unstorable]
    found = [
        Problem(message.split(":", 1)[0], message.split(":", 1)[1].strip())
        for message in payload_problems(fields, template.questions, task.payload)
    ]
    if task.gold is not None and not found:
        found.extend(_gold_problems(template, task))
    return found


def _gold_problems(template: Template, task: TaskSpec) -> list[Problem]:
    shape = measure(task.gold)
    if shape.depth > MAX_GOLD_DEPTH or shape.items > MAX_GOLD_ITEMS:
        return [
            Problem(
                "gold",
                f"expected an answer per question (at most {MAX_GOLD_ITEMS:,} values, "
                f"{MAX_GOLD_DEPTH} levels deep)",
            )
        ]
    questions = [
        q.model_copy(update={"required": False, "required_if_answered": None})
        for q in template.questions
    ]
    try:
        validate_response(questions, task.payload, task.gold or {})
    except ValidationFailed as failure:
        return [Problem(f"gold.{p.field}", p.message) for p in failure.problems]
    except ValueError as error:
        # A question kind's normaliser tripping on an odd value is still a bad gold answer,
        # and an import must end in located problems, not a traceback.
        return [Problem("gold", f"not a valid answer ({printable(str(error))})")]
    return []


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


def deadline_problems(
    settings: BatchSettings, now: datetime | None, location: str
) -> list[Problem]:
    """A deadline already past (nobody could claim a task), as a located problem."""
    if now is None or settings.deadline is None or settings.deadline > now:
        return []
    return [
        Problem(
            "batch.deadline",
            f"{settings.deadline.isoformat()} has already passed (it is now "
            f"{now.astimezone(UTC).isoformat(timespec='seconds')}); nobody could claim a task. "
            "Give a later deadline or none",
            location,
        )
    ]


def _json_lines(text: str) -> list[str]:
    """A JSON Lines text split on \\n (and \\r\\n) only: U+2028, U+2029, U+0085, form feeds
    and the like are legal inside JSON strings, so str.splitlines() would cut tasks apart."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def _blank(line: str) -> bool:
    return not line.strip(" \t\r")  # JSON's own whitespace, nothing more


def _parse_jsonl(text: str, name: str, now: datetime | None) -> ParsedBatch:
    lines = _json_lines(text)
    header_number = next((i for i, line in enumerate(lines, 1) if not _blank(line)), 1)
    header_location = f"{name}:{header_number}"
    try:
        header = load_json(lines[header_number - 1])
    except UnreadableJson as error:
        raise ValidationFailed(
            [
                Problem(
                    "header",
                    f'not valid JSON ({error.detail}); expected {{"batch": {{…}}}}',
                    header_location,
                )
            ]
        ) from None
    if not isinstance(header, dict) or set(header) != {"batch"}:
        raise ValidationFailed(
            [Problem("header", 'the first line must be {"batch": {…settings…}}', header_location)]
        )
    settings = settings_from(header["batch"], header_location)
    located: list[tuple[str, TaskSpec]] = []
    problems = deadline_problems(settings, now, header_location)
    for number in range(header_number + 1, len(lines) + 1):
        line = lines[number - 1]
        if _blank(line):
            continue
        location = f"{name}:{number}"
        try:
            located.append((location, _task_from_json(load_json(line))))
        except UnreadableJson as error:
            problems.append(Problem("json", f"not valid JSON ({error.detail})", location))
        except _BadTask as bad:
            problems.append(Problem(bad.field, bad.message, location))
    return _finish(settings, located, problems, name)


class _BadTask(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message


def _task_from_json(value: Any) -> TaskSpec:
    if not isinstance(value, dict):
        raise _BadTask("task", 'expected an object like {"id": …, "payload": {…}}')
    unknown = sorted(set(value) - {"id", "payload", "gold"})
    if unknown:
        raise _BadTask(
            printable(unknown[0]) or '""',
            "unknown field; a task has 'id', 'payload' and optional 'gold'",
        )
    task_id, payload, gold = value.get("id"), value.get("payload"), value.get("gold")
    if isinstance(task_id, int) and not isinstance(task_id, bool):
        task_id = str(task_id) if abs(task_id) < 10**200 else ""
    if not isinstance(task_id, str) or not task_id.strip():
        raise _BadTask("id", "expected a non-empty task id")
    if not isinstance(payload, dict):
        raise _BadTask("payload", "expected an object with the task's fields")
    if gold is not None and not isinstance(gold, dict):
        raise _BadTask("gold", "expected an object of question id to answer")
    return TaskSpec(task_id.strip(), payload, gold)


def _parse_csv(text: str, name: str, settings: BatchSettings, now: datetime | None) -> ParsedBatch:
    template = settings.resolved_template()
    list_fields = {
        field
        for field, kind in {**template.payload_fields, **settings.payload_fields}.items()
        if kind == "text list"
    } | {q.options_from for q in template.questions if getattr(q, "options_from", None)}
    record: list[str] = []  # the raw lines of the row being read, to explain quote trouble
    reader = csv.reader(_recorded_lines(text, record), strict=True)
    try:
        columns = [column.strip() for column in next(reader)]
    except StopIteration:
        raise ValidationFailed([Problem("header", "expected a CSV header", f"{name}:1")]) from None
    except csv.Error as error:
        raise ValidationFailed([csv_problem(error, record, 1, name, "header")]) from None
    if "id" not in columns:
        raise ValidationFailed([Problem("header", "expected an 'id' column", f"{name}:1")])
    repeated = sorted(column for column, count in Counter(columns).items() if count > 1)
    if repeated:
        raise ValidationFailed(
            [
                Problem(
                    "header",
                    f"repeated columns: {', '.join(printable(c) for c in repeated[:10])}",
                    f"{name}:1",
                )
            ]
        )
    id_index = columns.index("id")
    located: list[tuple[str, TaskSpec]] = []
    problems = deadline_problems(settings, now, name)
    start = reader.line_num + 1
    while True:
        record.clear()
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(csv_problem(error, record, start, name, "csv"))
            break
        location = f"{name}:{start}"
        first, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            problems.append(
                Problem("row", f"has {len(row)} cells; the header has {len(columns)}", location)
            )
            continue
        if len(record) > 1:
            swallowed = swallowed_row(record, first, len(columns), id_index, row[id_index])
            if swallowed is not None:
                problems.append(Problem("csv", swallowed[1], f"{name}:{swallowed[0]}"))
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
        located.append((location, TaskSpec(row[id_index].strip(), payload, gold or None)))
    return _finish(settings, located, problems, name)


def _recorded_lines(text: str, record: list[str]) -> Iterator[str]:
    """The text's lines as the csv module reads them, each also kept in `record`."""
    for line in io.StringIO(text, newline=""):
        record.append(line)
        yield line


def _cell_value(cell: str, as_list: bool | None) -> Any:
    """A CSV cell: lists as a JSON array or ' | '-separated; gold lists the same way."""
    stripped = cell.strip()
    if as_list is False:
        return cell
    if stripped.startswith("["):
        try:
            value = load_json(stripped)
            if isinstance(value, list):
                return value
        except UnreadableJson:
            pass
    if as_list or "|" in stripped:
        return [part.strip() for part in stripped.split("|") if part.strip()]
    return stripped


def _finish(
    settings: BatchSettings,
    located: list[tuple[str, TaskSpec]],
    problems: list[Problem],
    name: str,
) -> ParsedBatch:
    """Check the tasks read, then return the batch or raise every problem found."""
    if located:
        clean, task_problems = check_tasks(settings, located)
        problems = problems + task_problems
    elif not problems:
        clean, problems = [], [Problem("tasks", "the file has no tasks", name)]
    if problems:
        lines = {p.location for p in problems}
        raise ValidationFailed(
            problems, summary=f"{name}: {len(lines)} bad line(s); nothing was imported"
        )
    return ParsedBatch(settings, clean)
