"""SQLite plumbing: opening connections, numbered migrations, and group commit on one thread.

Every write goes through `GroupCommitWriter`: concurrent operations queue up, and the writer's own
thread runs a whole group of them inside one transaction — each operation a plain function over
the `sqlite3` connection, inside a savepoint of its own — commits, and only then answers every
caller, with one hop back to the event loop for the whole group. Many writers share one commit
(and its fsync) while each still hears back only after its work is durable; one operation's
failure rolls back its own savepoint and fails only its caller. Reads use other connections,
which in WAL mode never wait for the writer.
"""

from __future__ import annotations

import asyncio
import queue
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

import aiosqlite

from taskbank.clock import to_micros

T = TypeVar("T")
Operation = Callable[[sqlite3.Connection], T]
Synchronous = Literal["off", "normal", "full", "extra"]
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_SETTINGS = "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;"


async def connect(path: Path | str, synchronous: Synchronous) -> aiosqlite.Connection:
    """An autocommit reading connection with WAL, foreign keys and the chosen durability."""
    connection = await aiosqlite.connect(str(path), isolation_level=None)
    connection.row_factory = sqlite3.Row
    await connection.executescript(_SETTINGS + f"PRAGMA synchronous = {synchronous.upper()};")
    return connection


def connect_writer(path: Path | str, synchronous: Synchronous) -> sqlite3.Connection:
    """The writer's autocommit connection, for use on the thread that opens it."""
    connection = sqlite3.connect(str(path), isolation_level=None)
    connection.row_factory = sqlite3.Row
    connection.executescript(
        _SETTINGS + f"PRAGMA synchronous = {synchronous.upper()}; PRAGMA temp_store = MEMORY;"
    )
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


def migrate(connection: sqlite3.Connection, migrations: list[Migration] | None = None) -> list[int]:
    """Apply and record every migration not yet applied; returns the versions applied now."""
    connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"
    )
    applied = {row[0] for row in connection.execute("SELECT version FROM schema_migrations")}
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
            connection.executescript(script)
        except sqlite3.Error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        done.append(migration.version)
    return done


@dataclass(frozen=True, slots=True)
class _Pending:
    operation: Operation[Any]
    future: asyncio.Future[Any]
    savepoint: bool


class GroupCommitWriter:
    """Runs write operations in shared transactions on its own thread and answers each after
    the commit."""

    def __init__(
        self,
        path: Path,
        synchronous: Synchronous,
        max_group: int = 256,
        *,
        opener: Callable[[], Any] | None = None,
    ) -> None:
        self._path = path
        self._synchronous = synchronous
        # `opener`: the connection to write on, opened on the writer's thread, already migrated
        # (the writer process's stand-in); by default the thread opens the file and migrates it.
        self._opener = opener
        self._max_group = max_group
        # The loop hands operations over in batches: everything that asked to write in one turn
        # of the event loop travels to the writer's thread together, so a group is not cut
        # short by the thread waking on the first of them.
        self._queue: queue.SimpleQueue[list[_Pending] | None] = queue.SimpleQueue()
        self._batch: list[_Pending] = []
        self._in_flight = 0  # operations handed to the thread and not yet answered
        # Called on the loop after each group's callers are answered (auto_writer.py listens).
        self.on_answered: Callable[[], None] | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped: asyncio.Future[None] | None = None
        self.transactions = 0
        self.operations = 0
        self.cpu_seconds = 0.0  # the writer thread's CPU time spent running groups
        self.migrations_applied: list[int] = []  # the versions this start applied

    async def start(self) -> None:
        """Open the writer connection on the writer's thread, migrate, and begin serving."""
        loop = self._loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        self._stopped = loop.create_future()
        self._thread = threading.Thread(
            target=self._serve, args=(ready,), name="sqlite-group-commit", daemon=True
        )
        self._thread.start()
        try:
            await ready
        except BaseException:
            self._thread = None
            raise

    async def stop(self) -> None:
        """Finish what is queued, then stop and close the writer connection."""
        if self._stopped is None:
            return
        if self._thread is not None:
            self._hand_over()
            # Closed from here on: a write asked for while the thread finishes is refused, not
            # queued behind the end (where nothing would ever run or answer it).
            self._thread = None
            self._queue.put(None)
        await asyncio.shield(self._stopped)

    async def run(self, operation: Operation[T], *, savepoint: bool = True) -> T:
        """Run one operation in the next group; returns once its transaction has committed.

        `savepoint=False` is for an operation that writes with one statement at most: SQLite
        undoes a failed statement by itself (every trigger here aborts), so it needs no savepoint
        of its own, two statements fewer on the writer's thread.

        A caller cancelled while waiting stops waiting; its operation, already queued, still
        runs (and may commit), as with any write whose answer is lost."""
        if self._loop is None:
            raise RuntimeError("the store is not open")
        future: asyncio.Future[T] = self._loop.create_future()
        self.enqueue(operation, savepoint, future)
        return await future  # settled by `_settle_all`, which skips a cancelled one

    def enqueue(self, operation: Operation[T], savepoint: bool, future: asyncio.Future[T]) -> None:
        """Queue one operation for the next group; `future` gets its outcome after the commit."""
        if self._thread is None or self._loop is None:
            raise RuntimeError("the store is not open")
        if not self._batch:
            self._loop.call_soon(self._hand_over)
        self._batch.append(_Pending(operation, future, savepoint))

    def pending(self) -> int:
        """Operations queued or running that have not been answered yet."""
        return len(self._batch) + self._in_flight

    def flush(self) -> None:
        """Hand what is queued to the thread now, not at the end of the loop's turn."""
        self._hand_over()

    def _hand_over(self) -> None:
        batch, self._batch = self._batch, []
        if batch:
            self._in_flight += len(batch)
            self._queue.put(batch)

    def _answer(
        self, outcomes: list[tuple[asyncio.Future[Any], Any, BaseException | None]]
    ) -> None:
        self._in_flight -= len(outcomes)
        _settle_all(outcomes)
        if self.on_answered is not None:
            self.on_answered()

    # -- on the writer's thread ------------------------------------------------------------

    def _serve(self, ready: asyncio.Future[None]) -> None:
        loop = self._loop
        assert loop is not None and self._stopped is not None
        try:
            if self._opener is not None:
                connection = self._opener()
            else:
                connection = connect_writer(self._path, self._synchronous)
                try:
                    self.migrations_applied = migrate(connection)
                except BaseException:
                    connection.close()
                    raise
        except BaseException as error:
            loop.call_soon_threadsafe(_settle_one, ready, None, error)
            loop.call_soon_threadsafe(_settle_one, self._stopped, None, None)
            return
        loop.call_soon_threadsafe(_settle_one, ready, None, None)
        try:
            waiting: list[_Pending] = []
            stopping = False
            while waiting or not stopping:
                if not waiting:
                    first = self._queue.get()
                    if first is None:
                        break
                    waiting = first
                while len(waiting) < self._max_group and not stopping:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        stopping = True
                    else:
                        waiting += more
                group, waiting = waiting[: self._max_group], waiting[self._max_group :]
                began = time.thread_time()
                results, committed = run_group(
                    connection, [(pending.operation, pending.savepoint) for pending in group]
                )
                self.cpu_seconds += time.thread_time() - began
                if committed:
                    self.transactions += 1
                    self.operations += len(group)
                outcomes = [
                    (pending.future, result, error)
                    for pending, (result, error) in zip(group, results, strict=True)
                ]
                loop.call_soon_threadsafe(self._answer, outcomes)
        finally:
            connection.close()
            loop.call_soon_threadsafe(_settle_one, self._stopped, None, None)


def run_group(
    connection: Any, group: Sequence[tuple[Operation[Any], bool]]
) -> tuple[list[tuple[Any, BaseException | None]], bool]:
    """Run (operation, savepoint) pairs in one transaction: each one's (result, error), and
    whether the group committed. Each operation's failure belongs to its caller, not to the group:
    inside its own savepoint, its writes are undone and the others go on; an operation without one
    (`savepoint=False`: it writes with one statement at most, which SQLite undoes by itself)
    fails the whole group only if its error ended the transaction. A failure of the group itself
    (BEGIN or COMMIT refused) is every operation's error."""
    outcomes: list[tuple[Any, BaseException | None]] = []
    try:
        connection.execute("BEGIN IMMEDIATE")
        for operation, savepoint in group:
            if not savepoint:
                try:
                    outcomes.append((operation(connection), None))
                except Exception as error:
                    if not connection.in_transaction:  # the error ended the transaction
                        raise sqlite3.OperationalError(f"the group was undone: {error}") from error
                    outcomes.append((None, error))
                continue
            connection.execute("SAVEPOINT operation")
            try:
                result = operation(connection)
            except Exception as error:
                connection.execute("ROLLBACK TO operation")
                connection.execute("RELEASE operation")
                outcomes.append((None, error))
            else:
                connection.execute("RELEASE operation")
                outcomes.append((result, None))
        connection.execute("COMMIT")
    except sqlite3.Error as error:
        try:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        return [(None, error)] * len(group), False
    return outcomes, True


def _settle_one(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


def _settle_all(outcomes: list[tuple[asyncio.Future[Any], Any, BaseException | None]]) -> None:
    for future, result, error in outcomes:
        _settle_one(future, result, error)
