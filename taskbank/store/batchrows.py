"""A new batch's rows, encoded and checked before its transaction begins, and the refusals a
database gives a batch (a duplicate name or task id, a value it cannot hold) as the core's errors.
Both stores' batch creation use these."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from taskbank.batchsettings import BatchSettings, ProjectSettings, TaskSpec
from taskbank.clock import to_micros
from taskbank.errors import Problem, ValidationFailed
from taskbank.questions import QUESTION_LIST

BATCH_COLUMNS = (
    "project_id", "name", "template", "template_version", "title", "instructions", "questions_json",
    "pay_cents", "overlap", "lease_seconds", "review_rate", "priority", "deadline", "state", "created_at",
    "estimate_seconds",
)  # fmt: skip


def batch_values(
    project_id: int, settings: BatchSettings, overlap: int, lease_seconds: int, now: datetime
) -> tuple[Any, ...]:
    """A new batch's column values, in BATCH_COLUMNS order."""
    template = settings.resolved_template()
    return (
        project_id,
        settings.name,
        template.name,
        template.version,
        settings.title or template.title,
        settings.instructions or template.instructions,
        QUESTION_LIST.dump_json(list(template.questions)).decode(),
        settings.pay_cents,
        overlap,
        lease_seconds,
        settings.review_rate,
        settings.priority,
        None if settings.deadline is None else to_micros(settings.deadline),
        "open",
        to_micros(now),
        settings.estimate_seconds,
    )


PROJECT_COLUMNS = (
    "name", "guidelines", "terms", "budget_cap_cents", "target_hourly_cents", "created_at",
)  # fmt: skip
TASK_COLUMNS = ("batch_id", "external_id", "payload_json", "gold_json", "open_slots")


@dataclass(frozen=True)
class PreparedBatch:
    """A new batch's rows, encoded and checked before its transaction begins: the project's
    values (PROJECT_COLUMNS), the batch's (BATCH_COLUMNS without project_id), and each task's
    (external_id, payload_json, gold_json)."""

    project: tuple[Any, ...]
    batch: tuple[Any, ...]
    tasks: list[tuple[str, str, str | None]]

    def task_rows(self, batch_id: int, overlap: int) -> Iterable[tuple[Any, ...]]:
        """The tasks' rows in TASK_COLUMNS order."""
        return ((batch_id, *values, overlap) for values in self.tasks)


def unstorable(text: str) -> str | None:
    """Why a text cannot be stored as it is (no database may hold a NUL in text, nor UTF-8 a
    lone surrogate), or None."""
    if "\x00" in text:
        return "contains a NUL character (U+0000), which cannot be stored"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return f"contains U+{ord(text[error.start]):04X}, a lone surrogate that is not valid text"
    return None


def prepare_batch(
    project: ProjectSettings,
    settings: BatchSettings,
    tasks: Sequence[TaskSpec],
    overlap: int,
    lease_seconds: int,
    now: datetime,
) -> PreparedBatch:
    """Encode a batch's rows (JSON for every payload: slow for big batches, so callers run this
    off the event loop) and refuse, naming each, any value a database cannot hold."""
    problems: list[Problem] = []
    project_values = (
        project.name,
        project.guidelines,
        project.terms,
        project.budget_cap_cents,
        project.target_hourly_cents,
        to_micros(now),
    )
    batch_row = batch_values(0, settings, overlap, lease_seconds, now)[1:]
    for prefix, columns, values in (
        ("project", PROJECT_COLUMNS, project_values),
        ("batch", BATCH_COLUMNS[1:], batch_row),
    ):
        for column, value in zip(columns, values, strict=True):
            if isinstance(value, str) and (why := unstorable(value)):
                problems.append(Problem(f"{prefix}.{column.removesuffix('_json')}", why))
    encoded = []
    for number, task in enumerate(tasks, 1):
        where = f"task {number}"
        if why := unstorable(task.external_id):
            problems.append(Problem("id", why, where))
        # The file's field order is kept: cards show a custom template's fields in that order.
        payload = _storable_json(task.payload, "payload", where, problems, sort_keys=False)
        gold = None if task.gold is None else _storable_json(task.gold, "gold", where, problems)
        encoded.append((task.external_id, payload, gold))
        if len(problems) >= 100:
            break
    if problems:
        raise ValidationFailed(
            problems, summary="values the database cannot store; nothing was imported"
        )
    return PreparedBatch(project_values, batch_row, encoded)


def _storable_json(
    value: Any, field: str, where: str, problems: list[Problem], *, sort_keys: bool = True
) -> str:
    """A value as stored JSON (a NUL inside a string is escaped, so only invalid text fails)."""
    try:
        text = json.dumps(
            value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys, allow_nan=False
        )
    except ValueError:
        problems.append(Problem(field, "holds NaN or Infinity, which JSON cannot store", where))
        return ""
    if why := unstorable(text):
        problems.append(Problem(field, why, where))
    return text


def duplicate_task_ids(tasks: Sequence[tuple[str, str, str | None]]) -> ValidationFailed:
    """The error for tasks the database refused because two share an id."""
    twice = [
        external_id for external_id, count in Counter(t[0] for t in tasks).items() if count > 1
    ]
    shown = ", ".join(f"'{external_id[:60]}'" for external_id in twice[:10])
    return ValidationFailed(
        [Problem("id", f"each task needs its own id; used more than once: {shown}")],
        summary="the tasks need fixing; nothing was imported",
    )


def refused_value(message: str) -> ValidationFailed:
    """The error for a value the database refused (its message, shortened)."""
    short = message if len(message) <= 200 else message[:200] + "…"
    return ValidationFailed([Problem("value", f"the database refused it: {short}")])


def duplicate_batch_name(name: str) -> ValidationFailed:
    """The error for a batch name already used in its project."""
    return ValidationFailed(
        [Problem("batch.name", f"a batch named '{name}' already exists in this project")]
    )
