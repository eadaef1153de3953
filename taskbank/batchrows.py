"""What a batch file reader hands back: the settings (None when they are unusable), each task
row with its location, and every problem met while reading, so one pass reports them all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from taskbank.batchsettings import BatchSettings
from taskbank.errors import Problem


@dataclass(frozen=True)
class TaskRow:
    """One task as read from a line or row, not yet checked against the template."""

    location: str
    external_id: str
    payload: dict[str, Any]
    gold: dict[str, Any] | None = None


@dataclass
class ReadFile:
    """A batch file as read: settings (None if unusable), task rows, problems found reading."""

    settings: BatchSettings | None
    settings_location: str
    rows: list[TaskRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def line_number(problem: Problem) -> int:
    """The line a problem is on (0 for the whole file), to report problems in line order."""
    tail = (problem.location or "").rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0
