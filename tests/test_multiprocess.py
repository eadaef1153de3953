"""Several bot processes on one PostgreSQL database keep every guarantee, even when one is killed."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from taskbank.clock import ManualClock
from taskbank.models import Verdict
from taskbank.service import TaskBank
from taskbank.store.postgres import PostgresStore
from tests.batches import tone_batch
from tests.conftest import POSTGRES_URL, drop_schema, postgres_schema
from tests.inspect_db import query

PROCESSES = 4
WRITERS = 100
TASKS = 300
OVERLAP = 3


async def start_worker(schema: str, name: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.pg_worker",
        POSTGRES_URL,
        schema,
        name,
        str(WRITERS),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )


async def all_ready(workers: list[asyncio.subprocess.Process]) -> None:
    """Wait until every worker holds its lease, then let them all start at once."""
    for process in workers:
        assert process.stdout is not None and process.stdin is not None
        assert (await process.stdout.readline()).decode().strip() == "ready"
    for process in workers:
        process.stdin.write(b"go\n")
        await process.stdin.drain()


async def read_acks(
    process: asyncio.subprocess.Process, acks: set[int], enough: asyncio.Event | None = None
) -> None:
    assert process.stdout is not None
    async for raw in process.stdout:
        line = raw.decode().strip()
        if line.isdigit():
            acks.add(int(line))
            if enough is not None and len(acks) >= 40:
                enough.set()


async def test_four_processes_then_a_kill_lose_nothing_and_leases_come_back():
    schema = await postgres_schema()
    store = PostgresStore(POSTGRES_URL, schema=schema, min_size=1, max_size=4)
    await store.open()
    try:
        clock = ManualClock()
        bank = TaskBank(store, clock=clock)
        await bank.import_batch(
            tone_batch(TASKS, overlap=OVERLAP, lease_minutes=1), filename="b.jsonl"
        )

        workers = [await start_worker(schema, f"p{i}") for i in range(PROCESSES)]
        await asyncio.wait_for(all_ready(workers), timeout=120)
        acks = [set() for _ in workers]
        enough = asyncio.Event()
        readers = [
            asyncio.create_task(read_acks(w, a, enough if i == 0 else None))
            for i, (w, a) in enumerate(zip(workers, acks, strict=True))
        ]
        await asyncio.wait_for(enough.wait(), timeout=120)
        workers[0].send_signal(signal.SIGKILL)  # kill -9 in the middle of the load
        await asyncio.wait_for(asyncio.gather(*(w.wait() for w in workers)), timeout=240)
        await asyncio.gather(*readers)
        assert workers[0].returncode == -signal.SIGKILL
        assert all(w.returncode == 0 for w in workers[1:])

        acknowledged = set().union(*acks)
        stored = {row[0] for row in await query(store, "SELECT id FROM submissions")}
        assert acknowledged <= stored  # nothing acknowledged is lost, the killed process's included
        assert (
            len(stored - acknowledged) <= WRITERS
        )  # at most the killed process's in-flight commits
        over = await query(
            store,
            "SELECT task_id FROM assignments WHERE state IN ('active', 'submitted')"
            " GROUP BY task_id HAVING count(*) > ?",
            OVERLAP,
        )
        twice = await query(
            store, "SELECT 1 FROM assignments GROUP BY task_id, writer_id HAVING count(*) > 1"
        )
        assert over == [] and twice == []
        assert all(len(a) > 0 for a in acks[1:])  # every process really worked

        held = await query(store, "SELECT count(*) FROM assignments WHERE state = 'active'")
        assert held[0][0] > 0  # the killed process left leases behind
        clock.set(
            clock.now().replace(year=2100)
        )  # far past every lease (workers used the real clock)
        expired = await bank.expire_leases()
        assert len(expired) == held[0][0] and {a.writer_id.split("-")[0] for a in expired} == {"p0"}
        free = await query(store, "SELECT coalesce(sum(open_slots), 0) FROM tasks")
        assert free[0][0] == len(expired)  # exactly those slots went back to the pool
        assert (await bank.claim("late-writer")).task.id in {a.task_id for a in expired}

        approved = 0
        for submission_id in sorted(stored)[::3]:
            approved += (
                await bank.record_review(submission_id, "reviewer", Verdict.APPROVED)
            ).recorded
        ledger = await query(store, "SELECT coalesce(sum(amount_cents), 0) FROM ledger")
        assert ledger[0][0] == approved * 40
    finally:
        await store.close()
        await drop_schema(schema)
