"""Hundreds of concurrent writers on one real SQLite file keep every invariant."""

from __future__ import annotations

import asyncio
import random

from taskbank.errors import NothingToClaim
from taskbank.models import Verdict
from tests.batches import TONE_ANSWER, tone_batch
from tests.conftest import EVERY_WRITER
from tests.inspect_db import query

WRITERS = 300
TASKS = 150
OVERLAP = 3


@EVERY_WRITER
async def test_concurrent_writers_never_break_overlap_and_nothing_acknowledged_is_lost(bank, store):
    batch = await bank.import_batch(tone_batch(TASKS, overlap=OVERLAP), filename="b.jsonl")
    acknowledged: list[int] = []
    rng = random.Random(3)

    async def writer(number: int) -> None:
        name = f"writer-{number}"
        while True:
            try:
                claimed = await bank.claim(name)
            except NothingToClaim:
                return
            if rng.random() < 0.1:
                await bank.release(claimed.assignment.id, name)
                continue
            await asyncio.sleep(0)
            result = await bank.submit(
                claimed.assignment.id, name, TONE_ANSWER, f"{name}:{claimed.task.id}"
            )
            acknowledged.append(result.submission.id)

    await asyncio.gather(*(writer(i) for i in range(WRITERS)))

    assert len(acknowledged) == TASKS * OVERLAP
    over = await query(
        store,
        "SELECT task_id, count(*) FROM assignments WHERE state IN ('active', 'submitted')"
        " GROUP BY task_id HAVING count(*) > ?",
        OVERLAP,
    )
    twice = await query(
        store,
        "SELECT task_id, writer_id FROM submissions GROUP BY task_id, writer_id HAVING count(*) > 1",
    )
    stored = {row[0] for row in await query(store, "SELECT id FROM submissions")}
    assert over == [] and twice == []
    assert set(acknowledged) <= stored and len(stored) == len(acknowledged)

    approved = 0
    for submission_id in acknowledged[::2]:
        await bank.record_review(submission_id, "reviewer", Verdict.APPROVED)
        approved += 1
    ledger = await bank.store.ledger_entries()
    assert sum(e.amount_cents for e in ledger) == approved * batch.pay_cents
    if hasattr(
        store, "group_commit_stats"
    ):  # SQLite groups writes; PostgreSQL runs them side by side
        transactions, operations = store.group_commit_stats
        assert operations > transactions
