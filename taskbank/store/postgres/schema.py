"""PostgreSQL's numbered migrations (applied by one process at a time) and its advisory locks."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from importlib import resources

import asyncpg

from taskbank.clock import to_micros

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
MIGRATION_LOCK = 7_301_001  # advisory lock key: one process migrates at a time


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def bundled_migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of the PostgreSQL migrations, in order."""
    found = []
    for entry in resources.files("taskbank.store.postgres").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return sorted(found)


async def migrate(pool: asyncpg.Pool) -> list[int]:
    """Apply and record every migration not yet applied, in one transaction, one process at a
    time (the others wait on the advisory lock, then find nothing left to do); returns the
    versions applied now."""
    applied_now: list[int] = []
    async with pool.acquire() as connection, connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
        )
        applied = {
            row[0] for row in await connection.fetch("SELECT version FROM schema_migrations")
        }
        for version, name, sql in bundled_migrations():
            if version not in applied:
                applied_now.append(version)
                await connection.execute(sql)
                await connection.execute(
                    "INSERT INTO schema_migrations VALUES ($1, $2, $3)",
                    version,
                    name,
                    to_micros(datetime.now(UTC)),
                )
    return applied_now


async def try_scheduler_lock(url: str, schema: str | None) -> asyncpg.Connection | None:
    """A connection of its own holding the scheduler's session advisory lock, or None when
    another process holds it. The lock goes when the connection (or its process) does."""
    settings = {"search_path": schema} if schema else None
    connection = await asyncpg.connect(url, server_settings=settings)
    key = lock_key(f"taskbot-scheduler:{schema or 'public'}")
    if await connection.fetchval("SELECT pg_try_advisory_lock($1)", key):
        return connection
    await connection.close()
    return None
