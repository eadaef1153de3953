"""The tiny per-dialect runner that the statements shared by both stores run over.

A shared statement is written once, with PostgreSQL's numbered placeholders (`$1`, `$2` …); the
SQLite runner turns them into SQLite's own numbered ones (`?1`, `?2` …), so the text and the
argument order are the same on both. (Casts are written `CAST($1 AS TEXT)`, which both read.)

A write of several statements is an *operation*: a generator that yields steps (`fetch`,
`fetch_one`, `execute`, `execute_many`) and receives each step's result. A runner drives it to the
end inside one transaction — on SQLite inside the writer's shared group commit, on the writer's
own thread — so the logic is written once and each runner decides how the statements travel.
A single step given to `write` runs on its own: one statement is atomic by itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

T = TypeVar("T")
Row = Mapping[str, Any]
StepKind = Literal["fetch", "fetch_one", "execute", "execute_many"]


@dataclass(frozen=True)
class Step:
    """One statement of an operation and what the operation wants back: every row (`fetch`), the
    first row or None (`fetch_one`), the count of rows changed (`execute`), or nothing
    (`execute_many`, whose `args` are a sequence of argument tuples)."""

    kind: StepKind
    sql: str
    args: tuple[Any, ...]


Operation = Generator[Step, Any, T]


def fetch(sql: str, *args: Any) -> Step:
    """A step answered with every row the statement returns."""
    return Step("fetch", sql, args)


def fetch_one(sql: str, *args: Any) -> Step:
    """A step answered with the statement's first row, or None."""
    return Step("fetch_one", sql, args)


def execute(sql: str, *args: Any) -> Step:
    """A step answered with how many rows the statement changed."""
    return Step("execute", sql, args)


def execute_many(sql: str, rows: list[tuple[Any, ...]]) -> Step:
    """A step running the statement once per argument tuple, answered with None."""
    return Step("execute_many", sql, tuple(rows))


def drive(operation: Operation[T] | Step, perform: Callable[[Step], Any]) -> T:
    """Run an operation (or a single step) to its end with `perform` answering each step."""
    if isinstance(operation, Step):
        return perform(operation)
    try:
        step = next(operation)
        while True:
            step = operation.send(perform(step))
    except StopIteration as stop:
        return stop.value


class Runner(Protocol):
    """How one database runs shared statements: reads never wait for writes, and `execute` and
    `write` return only after their transaction has committed."""

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        """Every row of a read."""
        ...

    async def fetch_one(self, sql: str, *args: Any) -> Row | None:
        """The first row of a read, or None."""
        ...

    async def execute(self, sql: str, *args: Any) -> int:
        """Run one write statement, committed; how many rows it changed."""
        ...

    async def write(self, operation: Operation[T] | Step) -> T:
        """Run an operation (or one step) all-or-nothing, committed; its result."""
        ...

    def stream(self, sql: str, *args: Any, size: int) -> AsyncIterator[list[Row]]:
        """A read's rows in chunks of at most `size`, from one consistent snapshot."""
        ...
