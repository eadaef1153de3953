"""PostgreSQL's floor for claim+submit: Taskbot's own grouped statements straight on asyncpg.

Taskbot sends the claims (and the answers) made in one turn of the event loop as ONE statement,
`claim_tasks` (and one INSERT of them all), at most 50 to a group with two groups in flight
(taskbank/store/postgres/grouped.py). The floor does the same with the same statements, argument
builders and grouping (`Group`), imported from there rather than copied, on an asyncpg pool of as
many connections as Taskbot's: what it leaves out is everything above the SQL (the service and its
checks, the store's row and model conversions, the open-batches cache). The open batch is found
once, before the clock starts (Taskbot plans claims from a moment-old list of open batches).
What Taskbot costs above this is its own.

An earlier floor ran each claim and each submit alone in autocommit: two commits per claim+submit
where Taskbot shares one among a group, so Taskbot ran at 1.7-3.6x "its floor". That measured the
grouping, not the floor.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

import asyncpg

from benchmarks.measure import ANSWER, Result, cpu_seconds
from taskbank.clock import to_micros
from taskbank.store import rows
from taskbank.store.postgres.grouped import (
    CLAIM,
    CLAIM_TOGETHER,
    SUBMIT,
    SUBMIT_TOGETHER,
    ClaimCall,
    Group,
    SubmitCall,
    claim_alone_arguments,
    claim_arguments,
    claims_by_call,
    submissions_by_call,
    submit_alone_arguments,
    submit_arguments,
)
from taskbank.store.records import NewSubmission


async def floor(
    url: str,
    schema: str,
    tag: str,
    writers: int,
    operations: int,
    size: int,
    max_active: int,
    groups: list[Group[Any, Any]] | None = None,
) -> tuple[Result, float, float]:
    """Run the floor on a pool of `size` connections (opened and warmed before the clock
    starts); the result, and the CPU seconds its server backends and this process spent
    meanwhile. `groups`, when given, receives the claims' and the submits' Group (their counts
    say how many calls shared a statement)."""
    pool = await asyncpg.create_pool(
        url, min_size=size, max_size=size, server_settings={"search_path": schema}
    )
    held = [await pool.acquire() for _ in range(size)]
    pids = [connection.get_server_pid() for connection in held]
    for connection in held:
        await connection.fetchval("SELECT 1")
        await pool.release(connection)
    batch_id = await pool.fetchval("SELECT min(id) FROM batches WHERE state = 'open'")

    async def claims_together(calls: list[ClaimCall]) -> list[asyncpg.Record | None]:
        return claims_by_call(await pool.fetch(CLAIM_TOGETHER, *claim_arguments(calls)), len(calls))

    async def claim_alone(call: ClaimCall) -> asyncpg.Record | None:
        return await pool.fetchrow(CLAIM, *claim_alone_arguments(call))

    async def submits_together(calls: list[SubmitCall]) -> list[asyncpg.Record | None]:
        inserted = await pool.fetch(SUBMIT_TOGETHER, *submit_arguments(calls))
        return submissions_by_call(inserted, calls)

    async def submit_alone(call: SubmitCall) -> asyncpg.Record | None:
        return await pool.fetchrow(SUBMIT, *submit_alone_arguments(call))

    claims = Group(claims_together, claim_alone)
    submits = Group(submits_together, submit_alone)
    if groups is not None:
        groups += [claims, submits]
    latencies: list[float] = []
    remaining = operations

    async def writer(name: str) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            began = time.perf_counter()
            now = to_micros(datetime.now(UTC))
            claimed = await claims(ClaimCall(name, (batch_id,), (None,), now, max_active, ("any",)))
            if claimed is None:
                return
            assignment = claimed["id"]
            new = NewSubmission(assignment, name, f"{name}-{assignment}", ANSWER, None)
            now = to_micros(datetime.now(UTC))
            await submits(SubmitCall(new, rows.dumps(ANSWER), now, None))
            latencies.append(time.perf_counter() - began)

    server, client = sum(map(cpu_seconds, pids)), time.process_time()
    start = time.perf_counter()
    await asyncio.gather(*(writer(f"{tag}-w{i}") for i in range(writers)))
    seconds = time.perf_counter() - start
    server, client = sum(map(cpu_seconds, pids)) - server, time.process_time() - client
    await pool.close()
    result = Result(f"asyncpg floor, {writers} writers", len(latencies), seconds, latencies)
    return result, server, client
