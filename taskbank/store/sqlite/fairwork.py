"""SQLite's two primitives for the shared fair-work queries: a read, and a write in a savepoint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiosqlite

from taskbank.store.fairwork import FairWorkQueries, Fetch, Row, sqlite_placeholders
from taskbank.store.sqlite.connection import savepoint

T = TypeVar("T")


class SqliteFairWork(FairWorkQueries):
    """Fair-work queries on the SQLite store's reader and group-commit writer."""

    async def _fw_fetch(self, sql: str, *args: Any) -> list[Row]:
        statement, params = sqlite_placeholders(sql, args)
        return [dict(row) for row in await self._read(statement, params)]  # type: ignore[attr-defined]

    async def _fw_transaction(self, work: Callable[[Fetch], Awaitable[T]]) -> T:
        async def operation(connection: aiosqlite.Connection) -> T:
            async def fetch(sql: str, *args: Any) -> list[Row]:
                statement, params = sqlite_placeholders(sql, args)
                return [dict(row) for row in await connection.execute_fetchall(statement, params)]

            async with savepoint(connection):
                return await work(fetch)

        return await self._write(operation)  # type: ignore[attr-defined]
