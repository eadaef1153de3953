"""The SQLite runner: reads on their own connections, every write through the group-commit writer.

Shared statements arrive with `$1`-style placeholders and run with SQLite's `?1`; a statement
that SQLite alone runs may use `:name` placeholders with one mapping of arguments. A shared
operation is driven to its end on the writer's thread, inside the group's transaction, with no
trip back to the event loop between its statements.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from collections.abc import AsyncIterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

import aiosqlite

from taskbank.store import batchrows
from taskbank.store.runner import Operation, Row, Step, drive
from taskbank.store.sqlite.auto_writer import AutoWriter
from taskbank.store.sqlite.connection import GroupCommitWriter, Synchronous, connect
from taskbank.store.sqlite.connection import Operation as ConnectionOperation
from taskbank.store.sqlite.writer_process import ProcessWriter

WriterKind = Literal["thread", "process", "auto"]

T = TypeVar("T")
_NUMBERED = re.compile(r"\$(\d+)")
READERS = 2  # two halves of a tally (or any two reads) run at once, on another core


@lru_cache(maxsize=512)
def sqlite_text(sql: str) -> str:
    """A shared statement with SQLite's numbered placeholders."""
    return _NUMBERED.sub(r"?\1", sql)


def _bound(args: tuple[Any, ...]) -> Any:
    return args[0] if len(args) == 1 and isinstance(args[0], Mapping) else args


class SqliteRunner:
    """One SQLite file: a writer with group commit — a thread of this process, or a process of
    its own (writer_process.py), or the two chosen turn by turn (auto_writer.py) — and a few
    readers."""

    def __init__(self, path: Path, synchronous: Synchronous, writer: WriterKind = "thread") -> None:
        self.path = path
        self.synchronous = synchronous
        self.writer_kind = writer
        self._connections: list[aiosqlite.Connection] = []
        self._readers: asyncio.Queue[aiosqlite.Connection] | None = None
        self.writer: GroupCommitWriter | ProcessWriter | AutoWriter | None = None

    async def open(self) -> None:
        """Open (creating if needed) the file, apply migrations, start group commit."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        kinds = {"thread": GroupCommitWriter, "process": ProcessWriter, "auto": AutoWriter}
        writer = kinds[self.writer_kind](self.path, self.synchronous)
        await writer.start()
        self.writer = writer
        self._readers = asyncio.Queue()
        for _ in range(READERS):
            reader = await connect(self.path, self.synchronous)
            self._connections.append(reader)
            self._readers.put_nowait(reader)

    async def close(self) -> None:
        """Finish queued writes and close the connections."""
        connections, self._connections = self._connections, []
        try:
            if self.writer is not None:
                await self.writer.stop()
            for connection in connections:
                await connection.close()
        except BaseException:
            # Interrupted (cancelled, or the loop is unwinding on exit): stop the reader
            # threads without waiting, or they would keep the process alive. Committed work is
            # already on disk; an uncommitted group was never acknowledged.
            for connection in connections:
                connection.stop()
            raise
        finally:
            self.writer = self._readers = None

    @contextlib.asynccontextmanager
    async def _reader(self) -> AsyncIterator[aiosqlite.Connection]:
        if self._readers is None:
            raise RuntimeError("the store is not open")
        readers = self._readers
        reader = await readers.get()
        try:
            yield reader
        finally:
            readers.put_nowait(reader)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        """Every row of a read."""
        async with self._reader() as reader:
            return list(await reader.execute_fetchall(sqlite_text(sql), _bound(args)))

    async def fetch_one(self, sql: str, *args: Any) -> Row | None:
        """The first row of a read, or None."""
        found = await self.fetch(sql, *args)
        return found[0] if found else None

    async def execute(self, sql: str, *args: Any) -> int:
        """Run one write statement in the next group; how many rows it changed."""
        return await self.write(Step("execute", sql, args))

    async def write(self, operation: Operation[T] | Step) -> T:
        """Run an operation (or one step) in the next group; its result after the commit."""
        return await self.run(lambda connection: run_steps(connection, operation))

    async def run(self, operation: ConnectionOperation[T], *, savepoint: bool = True) -> T:
        """Run a SQLite-only operation (a function over the writer connection) in the next group
        (`savepoint=False`: it writes with one statement at most, see GroupCommitWriter.run)."""
        if self.writer is None:
            raise RuntimeError("the store is not open")
        try:
            return await self.writer.run(operation, savepoint=savepoint)
        except UnicodeEncodeError as error:  # a lone surrogate in a text parameter
            raise batchrows.refused_value(
                f"text that is not valid Unicode ({error.reason})"
            ) from None

    async def stream(self, sql: str, *args: Any, size: int) -> AsyncIterator[list[Row]]:
        """A read's rows in chunks of at most `size`."""
        async with (
            self._reader() as reader,
            reader.execute(sqlite_text(sql), _bound(args)) as cursor,
        ):
            cursor.arraysize = size
            while chunk := await cursor.fetchmany(size):
                yield list(chunk)


def run_steps(connection: sqlite3.Connection, operation: Operation[T] | Step) -> T:
    """Drive a shared operation (or one step) on the writer connection, on the writer's thread."""
    return drive(operation, lambda step: _perform(connection, step))


def _perform(connection: sqlite3.Connection, step: Step) -> Any:
    sql, args = sqlite_text(step.sql), step.args
    if step.kind == "execute_many":
        connection.executemany(sql, args)
        return None
    cursor = connection.execute(sql, _bound(args))
    if step.kind == "execute":
        return cursor.rowcount
    found = cursor.fetchall()  # all of it: a RETURNING statement finishes only when read out
    if step.kind == "fetch":
        return found
    return found[0] if found else None
