"""The PostgreSQL runner: a connection pool, one statement in autocommit, an operation in one
transaction; the driver's refusal of a value becomes the core's own error."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any, TypeVar

import asyncpg

from taskbank.errors import Problem, ValidationFailed
from taskbank.store import batchrows
from taskbank.store.runner import Operation, Row, Step

T = TypeVar("T")


@contextlib.contextmanager
def refusing_unstorable_values() -> Iterator[None]:
    """Turn the driver's refusal of a value (a NUL in text, a lone surrogate, a number out of
    range) into the core's own error; the transaction it happened in was rolled back."""
    try:
        yield
    except asyncpg.CharacterNotInRepertoireError:
        raise ValidationFailed(
            [Problem("value", "contains a NUL character (U+0000), which cannot be stored")]
        ) from None
    except asyncpg.DataError as error:
        raise batchrows.refused_value(str(error)) from None


def changed(status: str) -> int:
    """The row count in a command status such as 'UPDATE 3' or 'INSERT 0 1'."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


async def perform(connection: asyncpg.Connection, step: Step) -> Any:
    """Run one step on a connection and answer it."""
    if step.kind == "fetch":
        return list(await connection.fetch(step.sql, *step.args))
    if step.kind == "fetch_one":
        return await connection.fetchrow(step.sql, *step.args)
    if step.kind == "execute":
        return changed(await connection.execute(step.sql, *step.args))
    await connection.executemany(step.sql, list(step.args))
    return None


async def run_steps(connection: asyncpg.Connection, operation: Operation[T]) -> T:
    """Drive an operation's steps on a connection (the caller holds the transaction)."""
    try:
        step = next(operation)
        while True:
            step = operation.send(await perform(connection, step))
    except StopIteration as stop:
        return stop.value


class PostgresRunner:
    """Shared statements on a pool: reads and single statements in autocommit, operations in a
    transaction of their own."""

    def __init__(self) -> None:
        self.pool_or_none: asyncpg.Pool | None = None

    @property
    def pool(self) -> asyncpg.Pool:
        if self.pool_or_none is None:
            raise RuntimeError("the store is not open")
        return self.pool_or_none

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        """Every row of a read."""
        return list(await self.pool.fetch(sql, *args))

    async def fetch_one(self, sql: str, *args: Any) -> Row | None:
        """The first row of a read, or None."""
        return await self.pool.fetchrow(sql, *args)

    async def execute(self, sql: str, *args: Any) -> int:
        """Run one write statement (autocommit); how many rows it changed."""
        with refusing_unstorable_values():
            return changed(await self.pool.execute(sql, *args))

    async def write(self, operation: Operation[T] | Step) -> T:
        """Run one step in autocommit, or an operation in one transaction; its result."""
        with refusing_unstorable_values():
            async with self.pool.acquire() as connection:
                if isinstance(operation, Step):
                    return await perform(connection, operation)
                async with connection.transaction():
                    return await run_steps(connection, operation)

    async def stream(self, sql: str, *args: Any, size: int) -> AsyncIterator[list[Row]]:
        """A read's rows in chunks of at most `size`, in one read transaction."""
        async with self.pool.acquire() as connection, connection.transaction():
            cursor = await connection.cursor(sql, *args)
            while chunk := await cursor.fetch(size):
                yield list(chunk)
