"""Closing and reopening the store mid-batch loses nothing and keeps leases."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest

from taskbank.errors import NothingToClaim
from taskbank.service import TaskBank
from tests.batches import TONE_ANSWER, tone_batch


@contextlib.asynccontextmanager
async def opened(make_store):
    store = make_store()
    await store.open()
    try:
        yield store
    finally:
        await store.close()


async def test_restart_mid_batch_keeps_everything_and_honours_leases(make_store, clock):
    async with opened(make_store) as store:
        bank = TaskBank(store, clock=clock)
        batch = await bank.import_batch(tone_batch(2, lease_minutes=10), filename="b.jsonl")
        done = await bank.claim("w1")
        answer = await bank.submit(done.assignment.id, "w1", TONE_ANSWER, "k1")
        held = await bank.claim("w2")

    async with opened(make_store) as store:
        bank = TaskBank(store, clock=clock)
        assert (
            await store.get_submission(answer.submission.id)
        ).answers == answer.submission.answers
        progress = await bank.batch_progress(batch.id)
        assert (progress.tasks, progress.assignments) == (2, {"submitted": 1, "active": 1})
        with pytest.raises(NothingToClaim):  # w2's lease still holds the only open task
            await bank.claim("w3")
        replay = await bank.submit(done.assignment.id, "w1", TONE_ANSWER, "k1")
        assert replay.replayed and replay.submission.id == answer.submission.id

        clock.advance(minutes=11)
        assert (await bank.claim("w3")).task.id == held.task.id


async def test_a_delivery_is_handled_once_and_forgotten_after_a_day(bank, clock):
    """Platform retries (a Slack event_id delivered twice) are recognised across restarts."""
    assert await bank.first_delivery("slack:Ev1") is True
    assert await bank.first_delivery("slack:Ev1") is False
    assert await bank.first_delivery("slack:Ev2") is True
    clock.advance(timedelta(days=1, seconds=1))
    assert await bank.first_delivery("slack:Ev3") is True
    assert await bank.first_delivery("slack:Ev1") is True
