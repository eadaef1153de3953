"""An argument that does not pickle fails its own caller only, as on the writer thread (it had
failed every caller handed over with it); a result that does not pickle fails its own caller
only, saying its write was stored (it had killed the child: the group it had just committed
reported as failed, and every later write refused)."""

from __future__ import annotations

import asyncio

import pytest

from taskbank.clock import ManualClock
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore
from taskbank.store.sqlite.wire import RemoteCall
from taskbank.store.sqlite.writer_process import WriterStopped
from tests.batches import tone_batch
from tests.writer_faults.remote_helpers import count_tasks, task_by_id


@pytest.fixture(params=["thread", "process"])
async def opened(request, tmp_path):
    store = SqliteStore(tmp_path / "p.db", writer=request.param)
    await store.open()
    await TaskBank(store, clock=ManualClock()).import_batch(tone_batch(3), filename="b.jsonl")
    try:
        yield store
    finally:
        await store.close()


async def test_one_callers_unpicklable_argument_is_only_its_own_failure(opened):
    run = opened.runner.run
    outcomes = await asyncio.gather(
        run(RemoteCall(count_tasks, (None,))),
        run(RemoteCall(count_tasks, (lambda: None,))),  # this caller's argument does not pickle
        run(RemoteCall(count_tasks, (None,))),
        return_exceptions=True,
    )
    assert outcomes[0] == 3 and outcomes[2] == 3


async def test_a_result_that_does_not_pickle_fails_its_caller_not_the_writer(opened):
    run = opened.runner.run
    outcomes = await asyncio.gather(
        run(RemoteCall(count_tasks, (None,))),
        run(RemoteCall(task_by_id, (1,))),  # a dict holding a sqlite3.Row
        return_exceptions=True,
    )
    later = await asyncio.gather(run(RemoteCall(count_tasks, (None,))), return_exceptions=True)
    assert not isinstance(later[0], WriterStopped), "one odd result killed the writer process"
    assert outcomes[0] == 3


async def test_a_claim_reported_as_failed_did_not_commit(tmp_path):
    """F5b: the claim shares the group with the odd result; the group commits, the child then dies
    sending the answers, and the claim's caller is told WriterStopped while its lease is stored."""
    from datetime import UTC, datetime

    from tests.inspect_db import query

    store = SqliteStore(tmp_path / "c.db", writer="process")
    await store.open()
    try:
        batch = await TaskBank(store, clock=ManualClock()).import_batch(
            tone_batch(3), filename="b.jsonl"
        )
        claim, _ = await asyncio.gather(
            store.claim("wendy", [batch.id], {}, datetime(2026, 3, 2, tzinfo=UTC)),
            store.runner.run(RemoteCall(task_by_id, (1,))),
            return_exceptions=True,
        )
        stored = await query(store, "SELECT writer_id FROM assignments")
        assert not (isinstance(claim, WriterStopped) and stored), "failed claim was committed"
    finally:
        await store.close()
