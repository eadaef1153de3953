"""The SQLite writer runs each group of operations on its own thread, in one transaction: a caller
hears back only after the commit, one operation's failure undoes only its own writes, and reads
never wait for the writer."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import UTC, datetime

import pytest

from taskbank.store.sqlite import SqliteStore

NOW = datetime(2026, 3, 2, tzinfo=UTC)


@pytest.fixture(params=["thread", "process", "auto"])
async def sqlite_store(request, tmp_path):
    """A store on each writer: in the process, these closures run on the proxy thread."""
    store = SqliteStore(tmp_path / "group.db", writer=request.param)
    await store.open()
    try:
        yield store
    finally:
        await store.close()


def insert(job: str):
    def operation(connection: sqlite3.Connection) -> str:
        connection.execute(
            "INSERT INTO posts (job, period_key, recipient, state, created_at)"
            " VALUES (?, 'p', 'r', 'pending', 0)",
            (job,),
        )
        return job

    return operation


def blocked_until(started: threading.Event, release: threading.Event):
    def operation(connection: sqlite3.Connection) -> None:
        started.set()
        release.wait()

    return operation


async def stored_jobs(store: SqliteStore) -> list[str]:
    return [row[0] for row in await store.runner.fetch("SELECT job FROM posts ORDER BY job")]


async def hold_writer(store: SqliteStore) -> tuple[asyncio.Task, threading.Event]:
    """Occupy the writer's thread until the returned event is set, so what is queued meanwhile
    forms one group."""
    started, release = threading.Event(), threading.Event()
    gate = asyncio.create_task(store.runner.run(blocked_until(started, release)))
    await asyncio.to_thread(started.wait)
    return gate, release


async def test_a_caller_is_answered_only_after_its_group_commits(sqlite_store):
    gate, release_gate = await hold_writer(sqlite_store)
    started, release = threading.Event(), threading.Event()
    first = asyncio.create_task(sqlite_store.runner.run(insert("a")))
    last = asyncio.create_task(sqlite_store.runner.run(blocked_until(started, release)))
    await asyncio.sleep(0)  # both queued behind the gate: they form the next group
    release_gate.set()
    await gate
    await asyncio.to_thread(started.wait)  # "a" has run; its group has not committed yet

    assert not first.done()
    assert await stored_jobs(sqlite_store) == []  # and a read does not wait for the writer

    release.set()
    assert await first == "a"
    assert await stored_jobs(sqlite_store) == ["a"]
    await last


async def test_one_operations_failure_undoes_only_its_own_writes(sqlite_store):
    def half_then_fail(connection: sqlite3.Connection) -> None:
        insert("half")(connection)
        raise ValueError("refused")

    gate, release_gate = await hold_writer(sqlite_store)
    before = asyncio.create_task(sqlite_store.runner.run(insert("before")))
    failing = asyncio.create_task(sqlite_store.runner.run(half_then_fail))
    after = asyncio.create_task(sqlite_store.runner.run(insert("after")))
    await asyncio.sleep(0)
    release_gate.set()
    await gate

    assert await before == "before" and await after == "after"
    with pytest.raises(ValueError, match="refused"):
        await failing
    assert await stored_jobs(sqlite_store) == ["after", "before"]
    transactions, operations = sqlite_store.group_commit_stats
    assert (transactions, operations) == (2, 4)  # the gate alone, then the three together


async def test_a_shared_operation_runs_whole_in_the_group(sqlite_store):
    assert await sqlite_store.record_post("tally", "w1", "ana", NOW) == "new"
    assert await sqlite_store.record_post("tally", "w1", "ana", NOW) == "pending"


async def test_the_writer_keeps_statement_journals_in_memory(sqlite_store):
    # A claim or submit fires triggers, so SQLite keeps a statement journal to undo the statement
    # alone; on a temporary file that journal cost the submit about 40 % of its time.
    def temp_store(connection: sqlite3.Connection) -> int:
        return connection.execute("PRAGMA temp_store").fetchone()[0]

    assert await sqlite_store.runner.run(temp_store) == 2  # MEMORY
