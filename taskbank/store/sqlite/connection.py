"""SQLite plumbing: opening connections, numbered migrations, and group commit.

Every write goes through `GroupCommitWriter`: concurrent operations queue up, run one after
another inside a single transaction, and are answered only after that transaction commits.
Many writers then share one commit (and its fsync) while each still hears back only after its
work is durable. Reads use a second connection, which in WAL mode never waits for the writer.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

import aiosqlite

from taskbank.clock import to_micros

T = TypeVar("T")
Operation = Callable[[aiosqlite.Connection], Awaitable[T]]
Synchronous = Literal["off", "normal", "full", "extra"]
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


async def connect(path: Path | str, synchronous: Synchronous) -> aiosqlite.Connection:
    """An autocommit connection with WAL, foreign keys and the chosen durability."""
    connection = await aiosqlite.connect(str(path), isolation_level=None)
    connection.row_factory = sqlite3.Row
    await connection.execute("PRAGMA journal_mode = WAL")
    await connection.execute("PRAGMA foreign_keys = ON")
    await connection.execute(f"PRAGMA synchronous = {synchronous.upper()}")
    await connection.execute("PRAGMA busy_timeout = 10000")
    return connection


@dataclass(frozen=True)
class Migration:
    """One numbered schema change shipped with the package."""

    version: int
    name: str
    sql: str


def bundled_migrations() -> list[Migration]:
    """The package's migrations in version order."""
    found = []
    for entry in resources.files("taskbank.store.sqlite").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda migration: migration.version)


async def migrate(
    connection: aiosqlite.Connection, migrations: list[Migration] | None = None
) -> list[int]:
    """Apply and record every migration not yet applied; returns the versions applied now."""
    await connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"
    )
    rows = await connection.execute_fetchall("SELECT version FROM schema_migrations")
    applied = {row[0] for row in rows}
    done = []
    for migration in migrations or bundled_migrations():
        if migration.version in applied:
            continue
        now = to_micros(datetime.now(UTC))
        script = (
            "BEGIN IMMEDIATE;\n"
            f"{migration.sql}\n"
            "INSERT INTO schema_migrations (version, name, applied_at) "
            f"VALUES ({migration.version}, '{migration.name}', {now});\n"
            "COMMIT;"
        )
        try:
            await connection.executescript(script)
        except sqlite3.Error:
            if connection.in_transaction:
                await connection.execute("ROLLBACK")
            raise
        done.append(migration.version)
    return done


@dataclass
class _Pending:
    operation: Operation[Any]
    future: asyncio.Future[Any] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class GroupCommitWriter:
    """Runs write operations in shared transactions and answers each after the commit."""

    def __init__(self, connection: aiosqlite.Connection, max_group: int = 256) -> None:
        self._connection = connection
        self._max_group = max_group
        self._queue: asyncio.Queue[_Pending | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.transactions = 0
        self.operations = 0

    def start(self) -> None:
        """Begin serving operations."""
        self._task = asyncio.create_task(self._serve(), name="sqlite-group-commit")

    async def stop(self) -> None:
        """Finish what is queued, then stop."""
        if self._task is not None:
            await self._queue.put(None)
            await self._task
            self._task = None

    async def run(self, operation: Operation[T]) -> T:
        """Run one operation in the next group; returns once its transaction has committed."""
        if self._task is None:
            raise RuntimeError("the store is not open")
        pending = _Pending(operation)
        await self._queue.put(pending)
        return await asyncio.shield(pending.future)

    async def _serve(self) -> None:
        stopping = False
        while not stopping:
            first = await self._queue.get()
            if first is None:
                break
            group = [first]
            while len(group) < self._max_group and not self._queue.empty():
                item = self._queue.get_nowait()
                if item is None:
                    stopping = True
                    break
                group.append(item)
            await self._run_group(group)

    async def _run_group(self, group: list[_Pending]) -> None:
        connection = self._connection
        outcomes: list[tuple[_Pending, Any, BaseException | None]] = []
        try:
            await connection.execute("BEGIN IMMEDIATE")
            for pending in group:
                try:
                    outcomes.append((pending, await pending.operation(connection), None))
                # Each operation's failure belongs to its caller, not to the group: hand it over.
                except Exception as error:
                    outcomes.append((pending, None, error))
            await connection.execute("COMMIT")
        except sqlite3.Error as error:
            with contextlib.suppress(sqlite3.Error):
                if connection.in_transaction:
                    await connection.execute("ROLLBACK")
            for pending in group:
                if not pending.future.done():
                    pending.future.set_exception(error)
            return
        self.transactions += 1
        self.operations += len(group)
        for pending, result, error in outcomes:
            if pending.future.done():
                continue
            if error is None:
                pending.future.set_result(result)
            else:
                pending.future.set_exception(error)


_savepoint_counter = 0


@contextlib.asynccontextmanager
async def savepoint(connection: aiosqlite.Connection) -> AsyncIterator[None]:
    """Make a multi-statement operation all-or-nothing inside the shared transaction."""
    global _savepoint_counter
    _savepoint_counter += 1
    name = f"op_{_savepoint_counter}"
    await connection.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        await connection.execute(f"ROLLBACK TO {name}")
        await connection.execute(f"RELEASE {name}")
        raise
    await connection.execute(f"RELEASE {name}")
