"""Shared fixtures: the real stores (SQLite on a temporary file, PostgreSQL in a schema of its own),
a manual clock, a seeded bank. Every test that takes `store` or `bank` runs on both stores.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from typer.testing import CliRunner

from taskbank.clock import ManualClock
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore

POSTGRES_URL = os.environ.get("TASKBOT_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")
START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"


async def postgres_schema() -> str:
    """A fresh schema on the test server, or a skip saying how to start one."""
    import asyncpg

    try:
        connection = await asyncpg.connect(POSTGRES_URL, timeout=3)
    except (OSError, asyncpg.PostgresError) as error:
        pytest.skip(
            f"PostgreSQL is not answering at {POSTGRES_URL} ({error}); start it with: {START_POSTGRES}"
        )
    schema = f"taskbot_test_{uuid.uuid4().hex[:12]}"
    try:
        await connection.execute(f"CREATE SCHEMA {schema}")
    finally:
        await connection.close()
    return schema


async def drop_schema(schema: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_URL, timeout=3)
    try:
        await connection.execute(f"DROP SCHEMA {schema} CASCADE")
    finally:
        await connection.close()


@asynccontextmanager
async def fresh_postgres_store(min_size: int = 1, max_size: int = 8) -> AsyncIterator[Any]:
    """An open PostgresStore in a schema of its own, dropped afterwards."""
    from taskbank.store.postgres import PostgresStore

    schema = await postgres_schema()
    opened = PostgresStore(POSTGRES_URL, schema=schema, min_size=min_size, max_size=max_size)
    try:
        await opened.open()
        yield opened
    finally:
        await opened.close()
        await drop_schema(schema)


# The SQLite writer the store fixtures use: "thread" (the default), or "process" to run the
# whole suite's store tests against the writer process once (TASKBOT_TEST_SQLITE_WRITER=process).
# The "sqlite-process" and "sqlite-auto" parameters of `store` pick that writer for one module's
# tests.
SQLITE_WRITER = os.environ.get("TASKBOT_TEST_SQLITE_WRITER", "thread")
# For the invariant tests: `store` on SQLite with either writer, and on PostgreSQL.
EVERY_WRITER = pytest.mark.parametrize(
    "store", ["sqlite", "sqlite-process", "sqlite-auto", "postgresql"], indirect=True
)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def chat_bank(tmp_path, clock) -> AsyncIterator[TaskBank]:
    """A task bank on a real SQLite file, for the chat adapters' tests."""
    store = SqliteStore(tmp_path / "chat.db", writer=SQLITE_WRITER)
    await store.open()
    try:
        yield TaskBank(store, clock=clock, rng=random.Random(7))
    finally:
        await store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request, tmp_path) -> AsyncIterator[object]:
    if request.param.startswith("sqlite"):
        writer = request.param.removeprefix("sqlite-") if "-" in request.param else SQLITE_WRITER
        opened = SqliteStore(tmp_path / "taskbot.db", writer=writer)
        await opened.open()
        try:
            yield opened
        finally:
            await opened.close()
        return
    async with fresh_postgres_store() as opened:
        yield opened


@pytest.fixture
def bank(store, clock: ManualClock) -> TaskBank:
    return TaskBank(store, clock=clock, rng=random.Random(7))


@pytest.fixture(params=["sqlite", "postgresql"])
async def make_store(request, tmp_path):
    """A factory of unopened stores that all point at one database, to test reopening it."""
    if request.param.startswith("sqlite"):
        path = tmp_path / "reopened.db"
        writer = request.param.removeprefix("sqlite-") if "-" in request.param else SQLITE_WRITER
        yield lambda: SqliteStore(path, writer=writer)
        return
    from taskbank.store.postgres import PostgresStore

    schema = await postgres_schema()
    try:
        yield lambda: PostgresStore(POSTGRES_URL, schema=schema, min_size=1, max_size=4)
    finally:
        await drop_schema(schema)


@pytest.fixture
def runner() -> CliRunner:
    """Runs the `taskbot` command in-process (CLI tests)."""
    return CliRunner()


@pytest.fixture
def config(tmp_path):
    """A configuration file whose database is a fresh SQLite file (CLI tests; a test file may
    bring its own)."""
    path = tmp_path / "taskbot.toml"
    path.write_text(f'[database]\nurl = "{tmp_path / "cli.db"}"\n')
    return path
