"""Scheduled posts on Discord are shown once even across a crash: each is created with its
once-key as the message nonce and `enforce_nonce`, and Discord (here the fake, as documented)
returns the first message for a second create with that nonce within a few minutes."""

from __future__ import annotations

import asyncio
import re

from bot.config import ScheduleConfig
from bot.scheduler import Jobs
from tests import bank_reads as reads
from tests.batches import TONE_ANSWER, tone_batch
from tests.discord.conftest import Room
from tests.discord_driver import Person
from tests.waiting import until

WRITERS = [Person(f"14100000000000000{n:02d}", f"w{n}") for n in range(2)]


async def week_of_work(room: Room) -> None:
    await room.bank.import_batch(tone_batch(2), filename="tone.jsonl")
    for person in WRITERS:
        claimed = await room.bank.claim(f"discord:{person.id}")
        await room.bank.submit(
            claimed.assignment.id, f"discord:{person.id}", TONE_ANSWER, f"k-{person.id}"
        )
    room.bank.clock.advance(days=8)


async def crash_after_discord_took(room: Room, jobs: Jobs, method: str, path: str) -> None:
    """Run the tally until Discord has done the call matching, then kill the run before it
    hears back: the post is on Discord, its record still pending."""
    release = room.fake.hold(method, path)
    running = asyncio.create_task(jobs.run_tally())
    await until(room.fake.reached_held, "the held call")
    running.cancel()  # the process dies here
    await asyncio.gather(running, return_exceptions=True)
    release.set()


async def pending(room: Room) -> int:
    return (await reads.post_states(room.bank)).get("pending", 0)


async def test_a_summary_discord_took_before_a_crash_is_not_shown_twice(room):
    await week_of_work(room)
    jobs = Jobs(room.app.bot.ctx, ScheduleConfig())
    await crash_after_discord_took(room, jobs, "POST", rf"^/channels/{room.coordinators}/messages$")
    assert len(room.fake.in_channel(room.coordinators)) == 1 and await pending(room) == 1

    restarted = Jobs(room.app.bot.ctx, ScheduleConfig())  # the next run, after a restart
    await restarted.run_tally()

    summary, chart = room.fake.in_channel(room.coordinators)  # the summary once, then its chart
    assert summary["embeds"][0]["title"].startswith("Pay tally, ")
    assert chart["attachments"][0]["filename"].endswith(".png")
    for person in WRITERS:
        assert len(room.fake.direct_to(person.id)) == 1
    assert await pending(room) == 0
    assert not room.fake.refused


async def test_a_direct_message_discord_took_before_a_crash_is_not_sent_twice(room):
    await week_of_work(room)
    jobs = Jobs(room.app.bot.ctx, ScheduleConfig(tally_chart=False))
    first_dm = room.fake.open_dm(WRITERS[0].id)
    await crash_after_discord_took(room, jobs, "POST", rf"^/channels/{first_dm}/messages$")
    await Jobs(room.app.bot.ctx, ScheduleConfig(tally_chart=False)).run_tally()
    assert [len(room.fake.direct_to(p.id)) for p in WRITERS] == [1, 1]
    assert len(room.fake.in_channel(room.coordinators)) == 1


async def test_every_scheduled_post_carries_its_own_nonce_of_at_most_25_characters(room):
    await week_of_work(room)
    await Jobs(room.app.bot.ctx, ScheduleConfig()).run_tally()
    creates = [
        body
        for method, path, body in room.fake.calls
        if method == "POST" and re.fullmatch(r"/channels/\d+/messages", path)
    ]
    nonces = [body.get("nonce") for body in creates]
    assert len(creates) == 4  # summary, chart, two direct messages
    assert all(body.get("enforce_nonce") is True for body in creates)
    assert len(set(nonces)) == 4 and all(isinstance(n, str) and len(n) <= 25 for n in nonces)


async def test_discord_keeps_nonces_only_minutes_so_a_late_retry_shows_twice(room):
    """The platform's limit, shown: a retry after Discord has forgotten the nonce (a few
    minutes) creates the post again. The README says so."""
    await week_of_work(room)
    jobs = Jobs(room.app.bot.ctx, ScheduleConfig(tally_chart=False))
    await crash_after_discord_took(room, jobs, "POST", rf"^/channels/{room.coordinators}/messages$")
    room.fake.forget_nonces()  # the restart took longer than Discord remembers
    await Jobs(room.app.bot.ctx, ScheduleConfig(tally_chart=False)).run_tally()
    assert len(room.fake.in_channel(room.coordinators)) == 2
