"""What a batch file reader hands back: the settings (None when they are unusable), each task
row with its location, and every problem met while reading, so one pass reports them all."""

from __future__ import annotations

from collections.abc import Iterable
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


# Problems listed one by one in a refusal; past this many they are only counted (a 49 MB file of
# bad lines held 4.28 million of them: 6.4 GB and 98 s to print).
MAX_LISTED = 100


class Problems(list[Problem]):
    """Problems in the order found: the first MAX_LISTED kept, the rest only counted."""

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        super().__init__()
        self.unlisted = 0
        self.extend(problems)

    def append(self, problem: Problem) -> None:
        if len(self) < MAX_LISTED:
            super().append(problem)
        else:
            self.unlisted += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)
        self.unlisted += getattr(problems, "unlisted", 0)

    def __iadd__(self, problems: Iterable[Problem]) -> Problems:  # type: ignore[override,misc]
        self.extend(problems)
        return self


@dataclass
class ReadFile:
    """A batch file as read: settings (None if unusable), task rows, problems found reading."""

    settings: BatchSettings | None
    settings_location: str
    rows: list[TaskRow] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)


def line_number(problem: Problem) -> int:
    """The line a problem is on (0 for the whole file), to report problems in line order."""
    tail = (problem.location or "").rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0
