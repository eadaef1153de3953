"""The composition root: the bank's one way into storage, the outbox, and the scheduler as a step."""

from __future__ import annotations

import asyncio

from bot.bootstrap import build_runtime, opened_bank
from bot.config import Config
from taskbank.clock import ManualClock
from tests.batches import tone_batch
from tests.fake_chat import FakeChat
from tests.waiting import until


async def test_a_post_is_sent_once_and_a_pending_one_again_as_a_retry(bank):
    sent: list[bool] = []

    async def send(retry: bool) -> None:
        sent.append(retry)

    # given a post sent once
    assert await bank.send_once("tally", "week:2026-11-16", "channel", send) is True
    # when it is asked for again, then nothing is sent
    assert await bank.send_once("tally", "week:2026-11-16", "channel", send) is False
    assert sent == [False]
    # and a post recorded but never marked sent goes out again, marked as a retry
    assert await bank.outbox_record("qa", "7", "channel") == "new"
    assert await bank.outbox_pending("qa") == [("7", "channel")]
    assert await bank.send_once("qa", "7", "channel", send) is True
    assert sent == [False, True]
    assert await bank.outbox_pending("qa") == []
    assert await bank.outbox_history("qa") == [("7", "channel", "sent")]


async def test_the_bank_is_built_from_the_configuration_with_the_parts_given(tmp_path):
    config = Config.model_validate({"database": {"url": str(tmp_path / "t.db")}})
    clock = ManualClock()
    async with opened_bank(config, clock=clock) as bank:
        batch = await bank.import_batch(tone_batch(1), filename="tone.jsonl")
        assert bank.now() == clock.now()
    async with opened_bank(config) as again:  # the same file, opened anew
        assert [b.id for b in await again.list_batches()] == [batch.id]


async def test_the_scheduler_starts_once_every_chat_is_up(bank):
    config = Config.model_validate({"schedule": {"tally_chart": False}})
    runtime = build_runtime(config, bank)
    seen = []
    second_may_build = asyncio.Event()

    async def first_chat(rt) -> None:
        rt.build_bot(FakeChat(), "C-R", "C-C", "slack")
        rt.up("slack")
        await asyncio.sleep(0)
        seen.append(rt.scheduler)  # one chat of two up: nothing scheduled yet
        second_may_build.set()
        await rt.until_stop_requested()

    async def second_chat(rt) -> None:
        await second_may_build.wait()
        rt.build_bot(FakeChat(), "1-R", "1-C", "discord")
        await asyncio.sleep(0)
        seen.append(rt.scheduler)  # built but not yet connected: still nothing
        rt.up("discord")
        scheduler = await until(lambda: rt.scheduler, "the scheduler")
        seen.append({job.id for job in scheduler.get_jobs()})
        rt.request_stop()

    await runtime.serve([first_chat, second_chat], scheduler=True)
    assert seen[0] is None and seen[1] is None
    assert seen[2] == {"tally", "qa-sample", "auto-approve", "lease-sweep", "budget-watch"}
    assert runtime.scheduler is None  # stopped with the chats


async def test_building_a_bot_starts_no_scheduler(bank):
    config = Config.model_validate({})
    runtime = build_runtime(config, bank)
    runtime.build_bot(FakeChat(), "C-R", "C-C", "slack")
    await asyncio.sleep(0)
    assert runtime.scheduler is None
