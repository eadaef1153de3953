"""PostgreSQL's floor for claim+submit: Taskbot's own statements straight on asyncpg.

The statements are not copied here: they are captured from `PostgresStore` itself, by running
its `claim_candidates`, `claim` and `insert_submission` once over a recording stand-in for the
pool, with marker values in place of the writer, the time, the assignment and the key. The floor
then runs those statements with the markers swapped for real values, each alone in autocommit,
the claim and the submit of a claim+submit one after another, from `writers` coroutines sharing as
many plain connections as Taskbot's pool holds. The open batches are read once, before the clock
starts: Taskbot plans claims from a moment-old list of them (taskbank/bank/openbatches.py, on
PostgreSQL since migration 0011), so that read is no longer part of each claim.
What Taskbot costs above this is its own: the service, the store's Python, the pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg

from benchmarks.measure import ANSWER, Result
from taskbank.clock import to_micros
from taskbank.store.postgres import PostgresStore
from taskbank.store.records import NewSubmission

_WRITER = "\x01writer"
_KEY = "\x01key"
_ASSIGNMENT = -7_301_001
_NOW = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)


class _Recorder:
    """Enough of an asyncpg pool and connection to record what a store sends (and answer
    nothing: no rows)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, tuple[Any, ...]]] = []

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        self.sent.append((sql, args))
        return []

    async def fetchrow(self, sql: str, *args: Any) -> None:
        self.sent.append((sql, args))

    fetchval = fetchrow

    async def execute(self, sql: str, *args: Any) -> str:
        self.sent.append((sql, args))
        return "INSERT 0 0"

    @contextlib.asynccontextmanager
    async def acquire(self) -> AsyncIterator[_Recorder]:
        yield self

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        yield


@dataclass(frozen=True)
class Statements:
    """The three statements of a claim+submit, each with its argument template."""

    candidates: tuple[str, tuple[Any, ...]]
    claim: tuple[str, tuple[Any, ...]]
    submit: tuple[str, tuple[Any, ...]]


async def captured(batch_id: int, max_active: int) -> Statements:
    """What PostgresStore sends for one claim+submit on one open batch (no cap, any order)."""
    store = PostgresStore("postgresql://unused")
    recorder = _Recorder()
    store.runner.pool_or_none = recorder  # type: ignore[assignment]
    await store.claim_candidates(_WRITER)
    await store.claim(_WRITER, [batch_id], {}, _NOW, max_active, ["any"])
    new = NewSubmission(_ASSIGNMENT, _WRITER, _KEY, ANSWER, None)
    with contextlib.suppress(Exception):  # no row comes back, so the store's follow-up fails
        await store.insert_submission(new, _NOW)
    candidates, claim, submit = recorder.sent[:3]
    return Statements(candidates, claim, submit)


def _filled(args: tuple[Any, ...], values: dict[tuple[type, Any], Any]) -> list[Any]:
    def fill(value: Any) -> Any:
        if isinstance(value, list):
            return [fill(item) for item in value]
        with contextlib.suppress(TypeError):
            return values.get((type(value), value), value)
        return value

    return [fill(value) for value in args]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def floor(
    url: str, schema: str, tag: str, writers: int, operations: int, size: int, max_active: int
) -> tuple[Result, float, float]:
    """Run the floor on `size` connections (opened and warmed before the clock starts); the
    result, and the CPU seconds its server backends and this process spent meanwhile."""
    settings = {"search_path": schema}
    connections = [await asyncpg.connect(url, server_settings=settings) for _ in range(size)]
    free: asyncio.Queue[asyncpg.Connection] = asyncio.Queue()
    for connection in connections:
        await connection.fetchval("SELECT 1")
        free.put_nowait(connection)
    batch_id = await connections[0].fetchval("SELECT min(id) FROM batches WHERE state = 'open'")
    statements = await captured(batch_id, max_active)
    await connections[0].fetch(statements.candidates[0], *statements.candidates[1])
    latencies: list[float] = []
    remaining = operations

    async def writer(name: str) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            began = time.perf_counter()
            now = to_micros(datetime.now(UTC))
            values: dict[tuple[type, Any], Any] = {
                (str, _WRITER): name,
                (int, to_micros(_NOW)): now,
            }
            connection = await free.get()
            try:
                claimed = await connection.fetchrow(
                    statements.claim[0], *_filled(statements.claim[1], values)
                )
                if claimed is None:
                    return
                values[(int, _ASSIGNMENT)] = claimed["id"]
                values[(str, _KEY)] = f"{name}-{claimed['id']}"
                values[(int, to_micros(_NOW))] = to_micros(datetime.now(UTC))
                await connection.fetchrow(
                    statements.submit[0], *_filled(statements.submit[1], values)
                )
            finally:
                free.put_nowait(connection)
            latencies.append(time.perf_counter() - began)

    pids = [connection.get_server_pid() for connection in connections]
    server, client = sum(map(cpu_seconds, pids)), time.process_time()
    start = time.perf_counter()
    await asyncio.gather(*(writer(f"{tag}-w{i}") for i in range(writers)))
    seconds = time.perf_counter() - start
    server, client = sum(map(cpu_seconds, pids)) - server, time.process_time() - client
    for connection in connections:
        await connection.close()
    result = Result(f"asyncpg floor, {writers} writers", len(latencies), seconds, latencies)
    return result, server, client
