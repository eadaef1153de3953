"""Role checks do not depend on discord.py's server cache. In the server they read the role ids
the payload carries: Discord sends a server's GUILD_CREATE lazily after READY, and until then the
cache knows none of its roles (discord.py's `Member.roles` is empty). In a direct message, which
carries no roles, they read the member over REST: with sharding every DM goes to shard 0, which
may not hold the bot's server at all."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from adapters.discord.app import DiscordApp
from bot.config import Config
from bot.runtime import Runtime
from taskbank.service import TaskBank
from tests.batches import TONE_ANSWER, tone_batch
from tests.discord.conftest import disconnect, discord_config
from tests.discord_driver import Person, Server
from tests.discord_fake import GUILD_ID, TOKEN, FakeDiscord
from tests.waiting import until

WRITER = Person("1300000000000000001", "rita")
REVIEW_BUTTONS = ["Approve", "Reject…", "Pass"]

Bot = Callable[..., Any]


@pytest.fixture
def bot_seeing(discord_bank: TaskBank) -> Bot:
    """A bot whose gateway shows the server as `shown` (see FakeDiscord.server_shown), with
    `settings` added to its [discord] table; yields the server, the reviewer by role and the
    fake once the bot has had READY."""

    @asynccontextmanager
    async def seeing(shown: str, **settings: Any) -> AsyncIterator[tuple[Server, Person]]:
        fake = await FakeDiscord().start()
        fake.server_shown = shown  # type: ignore[assignment]
        try:
            general, reviews, coordinators = (fake.add_channel(n) for n in ("g", "r", "c"))
            role = fake.add_role("Reviewers")
            reviewer = Person("1300000000000000003", "rev", (role,))
            for person in (reviewer, WRITER):
                fake.add_member(person.member())
            base = discord_config(
                fake, reviews, coordinators, reviewers=[f"discord:role:{role}"], coordinators=[]
            ).model_dump()
            base["discord"].update(settings)
            config = Config.model_validate(base)
            runtime = Runtime(config, discord_bank, config.roles.roles())
            app = DiscordApp(runtime.build_bot, config)
            running = asyncio.create_task(app.client.start(TOKEN))
            await until(lambda: fake.ready.is_set() and app.client.user, "READY")
            try:
                yield Server(fake, general), reviewer
            finally:
                await disconnect(app, running)
        finally:
            await fake.stop()

    return seeing


async def submitted(bank: TaskBank) -> int:
    writer = f"discord:{WRITER.id}"
    await bank.import_batch(tone_batch(1, review_rate=1.0), filename="tone.jsonl")
    claimed = await bank.claim(writer)
    return (await bank.submit(claimed.assignment.id, writer, TONE_ANSWER, "k1")).submission.id


async def test_a_reviewer_by_role_may_review_before_the_servers_guild_create(
    bot_seeing, discord_bank
):
    async with bot_seeing("unavailable") as (server, reviewer):
        submission = await submitted(discord_bank)
        card = server.answer(await server.command(reviewer, "review"))
        assert [c["label"] for c in server.controls(card)] == REVIEW_BUTTONS, card
        await server.click(reviewer, card, "Approve")  # a click carries the member's roles too
        assert (await discord_bank.submission(submission)).status == "approved"


def dm_review(server: Server, who: Person):
    return server.command(who, "review", channel=server.fake.open_dm(who.id))


@pytest.mark.parametrize("home", ["guild_id", "review channel"])
async def test_on_a_shard_without_the_server_a_dm_reviewer_is_read_over_rest(
    bot_seeing, discord_bank, home
):
    settings = {"shard_id": 0, "shard_count": 2}
    if home == "guild_id":
        settings["guild_id"] = GUILD_ID
    async with bot_seeing("absent", **settings) as (server, reviewer):
        await submitted(discord_bank)
        for _ in range(2):
            card = server.answer(await dm_review(server, reviewer))
            assert [c["label"] for c in server.controls(card)] == REVIEW_BUTTONS, card
        fake = server.fake
        assert len(fake.called("GET", rf"^/guilds/{GUILD_ID}/members/{reviewer.id}$")) == 2
        assert len(fake.called("GET", r"^/channels/\d+$")) == (home == "review channel")
        refused = server.answer(await dm_review(server, WRITER))  # a member without the role
        assert "Not allowed" in server.text(refused)
