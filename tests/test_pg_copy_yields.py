"""A big batch's tasks go to PostgreSQL by COPY, whose rows asyncpg encodes on the event loop and
only pauses for when the socket pushes back (rarely, on a local server). The store hands the loop
a turn every few thousand rows, so a 50 MB import does not hold every chat answered on the loop."""

from __future__ import annotations

import asyncio
import itertools
import random
from datetime import UTC, datetime

from taskbank.clock import ManualClock
from taskbank.service import TaskBank
from taskbank.store import batchrows
from taskbank.store.postgres import store as postgres_store
from tests.batches import tone_batch
from tests.conftest import fresh_postgres_store

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
TASKS = 12_000


async def test_the_copy_of_a_big_batch_gives_the_loop_a_turn_every_few_thousand_rows(
    monkeypatch,
) -> None:
    encoded = 0
    task_rows = batchrows.PreparedBatch.task_rows

    def counted(self, batch_id, overlap):
        nonlocal encoded
        for row in task_rows(self, batch_id, overlap):
            encoded += 1
            yield row

    monkeypatch.setattr(batchrows.PreparedBatch, "task_rows", counted)
    seen: list[int] = []  # rows handed to COPY so far, at each turn another task got

    async def other_work() -> None:
        while True:
            seen.append(encoded)
            await asyncio.sleep(0)

    async with fresh_postgres_store(min_size=1, max_size=2) as store:
        bank = TaskBank(store, clock=ManualClock(NOW), rng=random.Random(3))
        watcher = asyncio.create_task(other_work())
        try:
            batch = await bank.import_batch(tone_batch(TASKS, name="big"), filename="big.jsonl")
        finally:
            watcher.cancel()
        stored = await store.pool.fetchval(
            "SELECT count(*) FROM tasks WHERE batch_id = $1", batch.id
        )
    assert stored == encoded == TASKS
    longest = max(b - a for a, b in itertools.pairwise(seen))
    assert 0 < longest <= postgres_store._ROWS_PER_TURN + 1
