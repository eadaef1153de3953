"""Every claim made around the writer child's death is answered (with WriterStopped), and close()
then returns: a claim handed over just after the bot saw the child's socket close had waited
forever.

Nothing here mocks our classes: a real child is killed with SIGKILL, the claims are real
store.claim calls on a real file. The private attributes are only *read* to know when the bot
has seen the child go."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import UTC, datetime

from taskbank.clock import ManualClock
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore
from tests.batches import tone_batch

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_every_claim_made_around_the_childs_death_is_answered(tmp_path):
    store = SqliteStore(tmp_path / "dead.db", writer="process")
    await store.open()
    writer = store.runner.writer
    bank = TaskBank(store, clock=ManualClock())
    batch = await bank.import_batch(tone_batch(5), filename="b.jsonl")
    os.kill(writer._process.pid, signal.SIGKILL)

    claims: list[asyncio.Future[object]] = []
    while writer._replies.stopped is None:  # callers keep arriving, as they do in the bot
        for _ in range(4):
            claims.append(
                asyncio.ensure_future(store.claim(f"w{len(claims)}", [batch.id], {}, NOW))
            )
        await asyncio.sleep(0)
    for _ in range(20):  # let every handover scheduled so far run
        await asyncio.sleep(0)

    # The listener has finished: nothing will ever settle a future still waiting now.
    never_answered = [claim for claim in claims if not claim.done()]
    stuck = [f for piece in writer._replies.outstanding for f in piece if not f.done()]

    closing = asyncio.ensure_future(store.close())
    done, _ = await asyncio.wait([closing], timeout=30)  # a hang detector, not a timing check
    if not done:
        closing.cancel()
        await asyncio.gather(closing, return_exceptions=True)
    for claim in never_answered:
        claim.cancel()
    assert never_answered == [] and stuck == [], "callers left waiting forever after the child died"
    assert done, "close() hung on futures nobody will ever settle"
