"""Raw SQL against either store, for tests that check invariants in the database itself."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from taskbank.store.sqlite import SqliteStore


async def query(store: Any, sql: str, *args: Any) -> list[tuple]:
    """Run SQL written with ? placeholders on the store's own database; returns plain tuples."""
    if isinstance(store, SqliteStore):
        connection = sqlite3.connect(store.path)
        try:
            return [tuple(row) for row in connection.execute(sql, args).fetchall()]
        finally:
            connection.close()
    counter = iter(range(1, 1000))
    numbered = re.sub(r"\?", lambda _: f"${next(counter)}", sql)
    return [tuple(row) for row in await store.pool.fetch(numbered, *args)]
