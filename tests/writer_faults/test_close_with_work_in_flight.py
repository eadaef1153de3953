"""close() with claims still in flight on a healthy writer process returns once they are answered
(it had waited for the reply channel to end, which only its own closing ends: forever). Found by
an independent review of the writer process."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from taskbank.clock import ManualClock
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore
from tests.batches import tone_batch

NOW = datetime(2026, 3, 2, tzinfo=UTC)


async def test_close_returns_when_claims_are_in_flight(tmp_path):
    store = SqliteStore(tmp_path / "inflight.db", writer="process")
    await store.open()
    writer = store.runner.writer
    batch = await TaskBank(store, clock=ManualClock()).import_batch(
        tone_batch(200), filename="b.jsonl"
    )
    closing = asyncio.ensure_future(store.close())
    claims = []
    while not closing.done() and writer._thread is not None and len(claims) < 100:
        claims.append(asyncio.ensure_future(store.claim(f"w{len(claims)}", [batch.id], {}, NOW)))
        await asyncio.sleep(0)
    await asyncio.gather(*claims, return_exceptions=True)  # all answered: not stuck here
    done, _ = await asyncio.wait([closing], timeout=30)  # hang detector, not a timing check
    if not done:  # let the test end: cancelling the stop runs _close_child
        closing.cancel()
        await asyncio.gather(closing, return_exceptions=True)
    assert done, "close() hung although every claim had been answered"
