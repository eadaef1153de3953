"""SQLite's two primitives for the shared fair-work queries: a read, and a write in a savepoint.

A fair-work transaction is written as a coroutine over a `fetch`; here `fetch` answers at once on
the writer connection, so the coroutine runs to its end on the writer's thread without ever
suspending (the writer wraps it in a savepoint of its own, inside the group's transaction).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from taskbank.store.fairwork import FairWorkQueries, Fetch, Row, sqlite_placeholders
from taskbank.store.rows import built

T = TypeVar("T")


def run_without_waiting(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends to its end, on this thread; its result."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value
    coroutine.close()
    raise RuntimeError("a write on the SQLite writer may await only its own statements")


def _as_dicts(found: list[Any]) -> list[Row]:
    """Reader rows as plain dicts, as the shared queries take them."""
    return [dict(row) for row in found]


class SqliteFairWork(FairWorkQueries):
    """Fair-work queries on the SQLite store's reader and group-commit writer."""

    async def _fw_fetch(self, sql: str, *args: Any) -> list[Row]:
        statement, params = sqlite_placeholders(sql, args)
        found = await self._read(statement, params)  # type: ignore[attr-defined]
        return await built(len(found), lambda: _as_dicts(found))

    async def _fw_transaction(self, work: Callable[[Fetch], Awaitable[T]]) -> T:
        def operation(connection: sqlite3.Connection) -> T:
            async def fetch(sql: str, *args: Any) -> list[Row]:
                statement, params = sqlite_placeholders(sql, args)
                return [dict(row) for row in connection.execute(statement, params).fetchall()]

            return run_without_waiting(work(fetch))  # type: ignore[arg-type]

        return await self._write(operation)  # type: ignore[attr-defined]
