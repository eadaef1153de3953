"""A child that stops answering (here SIGSTOP; in life a stuck disk, a debugger, a cgroup freeze)
does not make close() wait forever: past the stop deadline (shortened here to 1 s) it kills the
child, and the unanswered caller hears that its write's fate is unknown. The wait below is a hang
detector (well past twice the deadline), not a timing check."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from datetime import UTC, datetime

from taskbank.clock import ManualClock
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore, writer_process
from tests.batches import tone_batch


async def test_close_gives_up_on_a_child_that_stopped_answering(tmp_path, monkeypatch):
    monkeypatch.setattr(writer_process, "_STOP_SECONDS", 1)
    store = SqliteStore(tmp_path / "stalled.db", writer="process")
    await store.open()
    bank = TaskBank(store, clock=ManualClock())
    batch = await bank.import_batch(tone_batch(5), filename="b.jsonl")
    pid = store.runner.writer._process.pid
    os.kill(pid, signal.SIGSTOP)
    try:
        claim = asyncio.ensure_future(
            store.claim("w", [batch.id], {}, datetime(2026, 3, 2, tzinfo=UTC))
        )
        await asyncio.sleep(0)
        closing = asyncio.ensure_future(store.close())
        done, _ = await asyncio.wait([closing], timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):  # killed by close(), as it should be
            os.kill(pid, signal.SIGCONT)
    outcomes = await asyncio.gather(closing, claim, return_exceptions=True)
    assert done, "close() waited past its deadline for a child that does not answer"
    assert isinstance(outcomes[1], writer_process.WriterStopped)
    assert "may or may not have been stored" in str(outcomes[1])
