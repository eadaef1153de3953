"""Role checks read the role ids the payload carries, not discord.py's server cache: Discord sends a
server's GUILD_CREATE lazily after READY, and until then the cache knows none of its roles, so
discord.py's `Member.roles` is empty although the interaction names the member's roles."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from adapters.discord.app import DiscordApp
from bot.runtime import Runtime
from taskbank.service import TaskBank
from tests.batches import TONE_ANSWER, tone_batch
from tests.discord.conftest import disconnect, discord_config
from tests.discord_driver import Person, Server
from tests.discord_fake import GUILD_ID, TOKEN, FakeDiscord
from tests.waiting import until

WRITER = "discord:1300000000000000001"


@pytest.fixture
async def before_guild_create(discord_bank) -> AsyncIterator[tuple[Server, Person]]:
    """The bot after READY, its server still unavailable (no GUILD_CREATE yet); a reviewer by
    server role."""
    fake = await FakeDiscord().start()
    fake.sends_guild_create = False
    try:
        general, reviews, coordinators = (fake.add_channel(n) for n in ("g", "r", "c"))
        role = fake.add_role("Reviewers")
        reviewer = Person("1300000000000000003", "rev", (role,))
        fake.add_member(reviewer.member())
        config = discord_config(
            fake, reviews, coordinators, reviewers=[f"discord:role:{role}"], coordinators=[]
        )
        app = DiscordApp(Runtime(config, discord_bank, config.roles.roles()).build_bot, config)
        running = asyncio.create_task(app.client.start(TOKEN))
        guild = await until(lambda: app.client.get_guild(int(GUILD_ID)), "READY's server")
        assert guild.unavailable and guild.get_role(int(role)) is None  # the cache knows none
        try:
            yield Server(fake, general), reviewer
        finally:
            await disconnect(app, running)
    finally:
        await fake.stop()


async def submitted(bank: TaskBank) -> int:
    await bank.import_batch(tone_batch(1, review_rate=1.0), filename="tone.jsonl")
    claimed = await bank.claim(WRITER)
    return (await bank.submit(claimed.assignment.id, WRITER, TONE_ANSWER, "k1")).submission.id


async def test_a_reviewer_by_role_may_review_before_the_servers_guild_create(
    before_guild_create, discord_bank
):
    server, reviewer = before_guild_create
    submission = await submitted(discord_bank)
    card = server.answer(await server.command(reviewer, "review"))
    assert [c["label"] for c in server.controls(card)] == ["Approve", "Reject…", "Pass"], card
    await server.click(reviewer, card, "Approve")  # a click carries the member's roles too
    assert (await discord_bank.submission(submission)).status == "approved"
