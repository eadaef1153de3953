"""The errors the core raises; handlers turn them into friendly messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


class TaskbankError(Exception):
    """Base of every error the core raises on purpose."""

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled whole (message and attributes) without calling a subclass's own __init__,
        # whose arguments differ: the SQLite writer process sends these back to the bot.
        return _rebuilt, (type(self), self.args, self.__dict__)


def _rebuilt(
    kind: type[TaskbankError], args: tuple[object, ...], state: dict[str, object]
) -> TaskbankError:
    error = kind.__new__(kind)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


@dataclass(frozen=True)
class Problem:
    """One located problem: where (file and line, or a question id), which field, what was expected."""

    field: str
    message: str
    location: str | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.field}: {self.message}"


class ValidationFailed(TaskbankError):
    """Input did not validate; `problems` lists every problem found, not just the first."""

    def __init__(self, problems: list[Problem], summary: str | None = None) -> None:
        self.problems = list(problems)
        head = summary or f"{len(self.problems)} problem(s)"
        super().__init__(head + "\n" + "\n".join(f"  - {p}" for p in self.problems))


class NothingToClaim(TaskbankError):
    """No task can be handed to this writer now; `reason` says why in plain words."""

    def __init__(self, reason: str, *, needs_terms_for: int | None = None) -> None:
        self.reason = reason
        self.needs_terms_for = needs_terms_for
        super().__init__(reason)


class NotAllowed(TaskbankError):
    """The caller may not do this (wrong writer, a reviewer judging their own work, …)."""


class NotFound(TaskbankError):
    """A referenced batch, task, assignment or submission does not exist."""


class LeaseLost(TaskbankError):
    """The lease expired and another writer has taken the slot (or its batch stopped), so the
    answer cannot be kept. `ran_out_at` is kept as a moment, not text, so a chat shows it in its
    reader's zone (`worded`); the message itself gives it in UTC, saying so."""

    def __init__(self, and_then: str, *, ran_out_at: datetime | None = None) -> None:
        self.and_then = and_then
        self.ran_out_at = ran_out_at
        super().__init__(self.worded(lambda moment: f"{moment:%Y-%m-%d %H:%M} UTC"))

    def worded(self, show: Callable[[datetime], str]) -> str:
        """The refusal with the moment the lease ran out drawn by `show`."""
        when = "" if self.ran_out_at is None else f" at {show(self.ran_out_at)}"
        return f"the lease ran out{when} and {self.and_then}"
