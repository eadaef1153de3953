"""Batch files: JSONL (a header line, then a task a line) and CSV (settings passed separately).

Parsing is all-or-nothing: every bad line is reported with its number, the field and what was
expected, and nothing is imported until the whole file is clean. Any bytes end in a ParsedBatch or
ValidationFailed: JSON is read through `taskbank.safejson`, and text that cannot be stored (lone
surrogates, control characters) or numbers that are not standard JSON are refused by field.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any, Literal

from taskbank.batchcsv import read_csv
from taskbank.batchjsonl import read_jsonl
from taskbank.batchrows import MAX_LISTED, Problems, ReadFile, line_number
from taskbank.batchsettings import BatchSettings, ProjectSettings, TaskSpec, settings_from
from taskbank.batchtext import decoded_pieces, is_blank
from taskbank.bulkmemory import release
from taskbank.errors import Problem, ValidationFailed
from taskbank.plainerrors import pydantic_problems
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
    if is_blank(data):
        raise ValidationFailed(
            [Problem("file", "is empty; expected a batch header and tasks", name)]
        )
    text = decoded_pieces(data, name)
    file_format = file_format or detect_format(filename)
    if file_format == "jsonl":
        if settings is not None:
            raise ValidationFailed(
                [Problem("settings", "a JSONL file carries its settings in its header line", name)]
            )
        return _finish(read_jsonl(text, name), name, now)
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
    read = ReadFile(None, name)
    try:
        read.settings = settings_from(settings, name)
    except ValidationFailed as refused:  # the rows are still read, and their problems told
        read.problems.extend(refused.problems)
    return _finish(read_csv(text, name, read.settings, read), name, now)


def load_settings_file(data: bytes, name: str) -> BatchSettings:
    """Batch settings from a JSON file (for a CSV batch): an object of settings, or the same
    `{"batch": {…}}` a JSONL header holds. Raises ValidationFailed naming the file and line."""
    return settings_from(read_settings_object(data, name), PurePath(name).name, prefix="")


def read_settings_object(data: bytes, name: str) -> dict[str, Any]:
    """A settings file's object, not yet checked (callers may add to it first): the settings, or
    the same `{"batch": {…}}` a JSONL header holds. Raises ValidationFailed naming the file."""
    name = PurePath(name).name or "settings.json"
    if is_blank(data):
        raise ValidationFailed([Problem("settings", "is empty; expected a JSON object", name)])
    text = "".join(decoded_pieces(data, name))
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


def listed_refusal(problems: Problems, name: str) -> ValidationFailed:
    """Every problem found, in line order, or the first MAX_LISTED and how many more."""
    listed = sorted(problems, key=line_number)
    lines = len({p.location for p in listed})
    counted = f"{lines} bad line(s)"
    if problems.unlisted:
        counted = f"{MAX_LISTED + problems.unlisted:,} problems (the first {MAX_LISTED} listed)"
        listed.append(
            Problem(
                "file",
                f"and {problems.unlisted:,} more problem(s) not listed; fix the ones above and "
                "import again to see the rest",
                name,
            )
        )
    return ValidationFailed(listed, summary=f"{name}: {counted}; nothing was imported")


def check_tasks(
    settings: BatchSettings, tasks: Iterable[tuple[str, TaskSpec]]
) -> tuple[list[TaskSpec], Problems]:
    """Check located tasks against the template: payload, gold answers, unique ids."""
    template = settings.resolved_template()
    fields = {**template.payload_fields, **settings.payload_fields}
    clean: list[TaskSpec] = []
    problems = Problems()
    first_seen: dict[str, str] = {}
    for location, task in tasks:
        found, task = _task_problems(template, fields, task)
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
) -> tuple[list[Problem], TaskSpec]:
    """A task's problems, and the task as it is stored (its gold normalised as answers are)."""
    if not isinstance(task.external_id, str) or not 1 <= len(task.external_id) <= 200:
        return [Problem("id", "expected a task id of 1 to 200 characters")], task
    id_problem = text_problem(task.external_id, one_line=True)
    if id_problem:
        return [Problem("id", id_problem)], task
    unstorable = value_problems(task.payload, "payload") + value_problems(task.gold, "gold")
    if unstorable:
        return [Problem(field, message) for field, message in unstorable], task
    found = [
        Problem(message.split(":", 1)[0], message.split(":", 1)[1].strip())
        for message in payload_problems(fields, template.questions, task.payload)
    ]
    found = _unknown_fields(template, fields, task.payload, found)
    if task.gold is not None and not found:
        gold_problems, gold = _gold_answers(template, task)
        if gold_problems:
            return found + gold_problems, task
        task = TaskSpec(task.external_id, task.payload, gold)
    return found, task


def _unknown_fields(
    template: Template,
    fields: Mapping[str, PayloadKind],
    payload: Mapping[str, Any],
    found: list[Problem],
) -> list[Problem]:
    """Payload fields that look like a typo of a field the template needs and the task lacks
    (other fields are material shown on the card); the missing field is then reported once,
    as the typo."""
    known = set(fields) | {
        getattr(question, name)
        for question in template.questions
        for name in ("options_from", "original_from")
        if getattr(question, name, None)
    }
    missing = sorted(name for name in known if name not in payload)
    unknown: list[Problem] = []
    meant: set[str] = set()
    for key in payload:
        if key in known:
            continue
        guess = difflib.get_close_matches(key, missing, n=1, cutoff=0.7)
        if guess:
            shown = printable(key) or '""'
            meant.add(f"payload.{guess[0]}")
            unknown.append(
                Problem(f"payload.{shown}", f"unknown field `{shown}` — did you mean `{guess[0]}`?")
            )
    return [p for p in found if p.field not in meant] + unknown


def _gold_answers(template: Template, task: TaskSpec) -> tuple[list[Problem], dict[str, Any]]:
    """The gold answer normalised as a writer's answer is (a CSV cell's '3' is the rating 3, one
    label of a multi-label question a list of one; blank values dropped), so the two compare;
    or its problems. A gold answer that answers nothing is refused: the task would count as
    gold and check nothing."""
    shape = measure(task.gold)
    if shape.depth > MAX_GOLD_DEPTH or shape.items > MAX_GOLD_ITEMS:
        return [
            Problem(
                "gold",
                f"expected an answer per question (at most {MAX_GOLD_ITEMS:,} values, "
                f"{MAX_GOLD_DEPTH} levels deep)",
            )
        ], {}
    questions = [
        q.model_copy(update={"required": False, "required_if_answered": None})
        for q in template.questions
    ]
    try:
        gold = validate_response(questions, task.payload, task.gold or {})
    except ValidationFailed as failure:
        return [Problem(f"gold.{p.field}", p.message) for p in failure.problems], {}
    except ValueError as error:
        # A question kind's normaliser tripping on an odd value is still a bad gold answer,
        # and an import must end in located problems, not a traceback.
        return [Problem("gold", f"not a valid answer ({printable(str(error))})")], {}
    if not gold:
        ids = ", ".join(q.id for q in template.questions)
        return [
            Problem(
                "gold",
                f"answers no question (every value is blank); give the right answer to at "
                f"least one of {ids}, or no gold",
            )
        ], {}
    return [], gold


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


def _finish(read: ReadFile, name: str, now: datetime | None) -> ParsedBatch:
    """Check the tasks read, then return the batch or raise every problem found, in line order."""
    problems = Problems(read.problems)
    clean: list[TaskSpec] = []
    if read.settings is not None:
        problems += deadline_problems(read.settings, now, read.settings_location)
        if read.rows:
            located = ((r.location, TaskSpec(r.external_id, r.payload, r.gold)) for r in read.rows)
            clean, task_problems = check_tasks(read.settings, located)
            problems += task_problems
    rows = bool(read.rows)
    release(read.rows)  # a million rows freed at once would keep the GIL from the event loop
    if not rows and not problems:
        problems = Problems([Problem("tasks", "the file has no tasks", name)])
    if problems:
        raise listed_refusal(problems, name)
    assert read.settings is not None  # no problems: the settings were usable
    return ParsedBatch(read.settings, clean)
