"""PostgreSQL's two primitives for the shared fair-work queries: a read, and a transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg

from taskbank.store.fairwork import FairWorkQueries, Fetch, Row

T = TypeVar("T")


class PostgresFairWork(FairWorkQueries):
    """Fair-work queries on the PostgreSQL store's pool."""

    async def _fw_fetch(self, sql: str, *args: Any) -> list[Row]:
        return [dict(row) for row in await self._read(sql, *args)]  # type: ignore[attr-defined]

    async def _fw_transaction(self, work: Callable[[Fetch], Awaitable[T]]) -> T:
        async def operation(connection: asyncpg.Connection) -> T:
            async def fetch(sql: str, *args: Any) -> list[Row]:
                return [dict(row) for row in await connection.fetch(sql, *args)]

            return await work(fetch)

        return await self._write(operation)  # type: ignore[attr-defined]
