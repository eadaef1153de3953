"""Stopping Discord loses nothing it acknowledged, however the stop comes: Discord ending the
session for good (discord.py does not reconnect after these close codes) stops the process as a
signal does, deferred work finishing first; a refusal sent during the drain is sent in full; and a
stop while still logging in ends cleanly."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest

from adapters.discord.runner import run_discord
from bot.bootstrap import build_runtime
from bot.config import Config
from tests.batches import tone_batch
from tests.discord.conftest import discord_config
from tests.discord_driver import Person
from tests.discord_driver import Server as DiscordServer
from tests.discord_fake import TOKEN, FakeDiscord, GatedDiscord
from tests.inspect_db import query
from tests.waiting import until


@pytest.fixture
async def fake():
    fake = await GatedDiscord().start()
    try:
        yield fake
    finally:
        fake.gate.set()
        await fake.stop()


def serving(fake: FakeDiscord, bank: Any, grace: float) -> tuple[Any, DiscordServer]:
    general, reviews, coordinators = (fake.add_channel(n) for n in ("general", "r", "c"))
    config = discord_config(fake, reviews, coordinators)
    config = config.model_copy(
        update={"chat": config.chat.model_copy(update={"shutdown_grace_seconds": grace})}
    )
    assert isinstance(config, Config)
    runtime = build_runtime(config, bank, options={"environ": {"DISCORD_TOKEN": TOKEN}})
    return runtime, DiscordServer(fake, general)


async def ended(running: asyncio.Task[None]) -> BaseException | None:
    outcome = await asyncio.wait_for(asyncio.gather(running, return_exceptions=True), 30)
    return outcome[0]


@pytest.mark.parametrize("code", [4004, 4013, 4014])
async def test_discord_ending_the_session_for_good_lets_deferred_work_finish(fake, chat_bank, code):
    # given Taskbot on Discord with deferred commands whose answers are held mid-flight
    people = [Person(f"13000000000000{n:05d}", f"writer{n}") for n in range(5)]
    for person in people:
        fake.add_member(person.member())
    await chat_bank.import_batch(tone_batch(20), filename="tone.jsonl")
    runtime, server = serving(fake, chat_bank, grace=20)
    running = asyncio.create_task(run_discord(runtime))
    try:
        first = await server.command(people[0], "task")
        assert first.edits == 1
        fake.gate.clear()
        held = [await server.command(p, "task", wait=False) for p in people[1:]]
        await until(lambda: fake.gated == len(held), "deferred answers held")
        # when Discord closes the gateway with a code discord.py does not reconnect after
        await fake.close_gateway(code)
        await until(lambda: runtime.stopping.is_set(), "the process stopping")
        fake.gate.set()
        failure = await ended(running)
    finally:
        fake.gate.set()
        if not running.done():
            running.cancel()
    # then the failure still ends Discord's runner (the process exits non-zero), but only after
    # every deferred command got its answer, its claim stored
    assert failure is not None
    assert [record.edits for record in held] == [1] * len(held)
    writers = {row[0] for row in await query(chat_bank.store, "SELECT writer_id FROM assignments")}
    assert {f"discord:{person.id}" for person in people} <= writers


async def test_a_refusal_during_the_drain_is_sent_before_the_connection_closes(fake, chat_bank):
    # given one deferred command held mid-flight, and a stop
    first, late = Person("1300000000000000001", "a"), Person("1300000000000000002", "b")
    for person in (first, late):
        fake.add_member(person.member())
    await chat_bank.import_batch(tone_batch(5), filename="tone.jsonl")
    runtime, server = serving(fake, chat_bank, grace=20)
    running = asyncio.create_task(run_discord(runtime))
    try:
        await server.command(first, "earnings")  # connected and answering
        fake.gate.clear()
        held = await server.command(first, "task", wait=False)
        await until(lambda: fake.gated == 1, "deferred work held")
        runtime.request_stop()
        # when a command comes during the drain, and its refusal has to wait (Discord asks
        # for a retry) while the held work ends
        fake.rate_limit("POST", r"/callback", times=1, retry_after=0.5, via=False)
        refused = await server.command(late, "task", wait=False)
        await until(lambda: len(fake.called("POST", "/callback")) >= 3, "the refusal tried")
        fake.gate.set()
        assert await ended(running) is None
    finally:
        fake.gate.set()
        if not running.done():
            running.cancel()
    # then both were answered: the held one with its card, the late one told to come back
    assert held.edits == 1
    assert refused.callback == 4
    assert "restarting" in str(refused.callback_data)


async def test_a_stop_while_logging_in_ends_cleanly(fake, chat_bank):
    release = fake.hold("GET", r"/users/@me$")
    runtime, _ = serving(fake, chat_bank, grace=1)
    running = asyncio.create_task(run_discord(runtime))
    try:
        await until(fake.reached_held, "the login in flight")
        runtime.request_stop()
        assert await ended(running) is None
    finally:
        release.set()
        if not running.done():
            running.cancel()


@pytest.mark.parametrize("code", [4004, 4013])
async def test_a_session_refused_before_ready_fails_the_runner(fake, chat_bank, code):
    # given Discord refusing the session on IDENTIFY (a reset token, intents not allowed)
    fake.refuse_identify_with = code
    runtime, _ = serving(fake, chat_bank, grace=20)
    # then the runner fails saying so (the process exits non-zero), neither ending cleanly nor
    # cancelled by its own stop
    failure = await ended(asyncio.create_task(run_discord(runtime)))
    assert isinstance(failure, discord.ConnectionClosed), repr(failure)
    assert failure.code == code


async def test_cancelling_the_runner_waits_for_nothing_and_stops_nothing_else(fake, chat_bank):
    # given a deferred answer held mid-flight, and a long grace period
    person = Person("1300000000000000001", "a")
    fake.add_member(person.member())
    await chat_bank.import_batch(tone_batch(5), filename="tone.jsonl")
    runtime, server = serving(fake, chat_bank, grace=60)
    running = asyncio.create_task(run_discord(runtime))
    await server.command(person, "earnings")
    fake.gate.clear()
    await server.command(person, "task", wait=False)
    await until(lambda: fake.gated == 1, "deferred work held")
    # when the runner is cancelled (not a stop: the loop is going away)
    running.cancel()
    # then it ends at once, without a grace period, and asks no other chat to stop
    outcome = (await asyncio.wait_for(asyncio.gather(running, return_exceptions=True), 10))[0]
    assert isinstance(outcome, asyncio.CancelledError)
    assert not runtime.stopping.is_set()
