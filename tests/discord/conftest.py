"""Fixtures for the Discord adapter: a fake Discord on 127.0.0.1 and the real discord.py client
connected to it, on a real SQLite task bank."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from adapters.discord.app import DiscordApp
from bot.config import Config
from bot.runtime import Runtime
from taskbank.service import TaskBank
from tests.discord_driver import Person, Server
from tests.discord_fake import GUILD_ID, TOKEN, FakeDiscord
from tests.waiting import WAIT_SECONDS


@dataclass
class Room:
    """The server, its channels and people, the bot's app and its task bank."""

    server: Server
    fake: FakeDiscord
    app: DiscordApp
    bank: TaskBank
    general: str
    reviews: str
    coordinators: str
    writer: Person
    other_writer: Person
    reviewer: Person
    coordinator: Person


def discord_config(fake: FakeDiscord, review: str, coordinator: str, **roles: Any) -> Config:
    return Config.model_validate(
        {
            "database": {"url": "unused.db"},
            "roles": {"writers": ["*"], **roles},
            "discord": {
                "api_url": fake.api_url,
                "gateway_url": fake.gateway_url,
                "review_channel": review,
                "coordinator_channel": coordinator,
                "direct_messages_per_second": 50,
            },
        }
    )


async def connect(app: DiscordApp, fake: FakeDiscord) -> asyncio.Task[None]:
    """Start the client against the fake and wait until it has the server (discord.py's own
    'ready' waits two more seconds for further servers; events are handled before that)."""
    running = asyncio.create_task(app.client.start(TOKEN))
    for _ in range(WAIT_SECONDS * 100):
        if fake.ready.is_set() and app.client.get_guild(int(GUILD_ID)) is not None:
            return running
        if running.done():
            running.result()
        await asyncio.sleep(0.01)
    raise AssertionError("the client never became ready")


async def disconnect(app: DiscordApp, running: asyncio.Task[None]) -> None:
    await app.client.close()
    await asyncio.wait_for(running, WAIT_SECONDS)


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    fake = await FakeDiscord().start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
def discord_bank(chat_bank) -> TaskBank:
    return chat_bank


@pytest.fixture
async def room(fake_discord, discord_bank) -> AsyncIterator[Room]:
    fake = fake_discord
    general = fake.add_channel("general")
    reviews = fake.add_channel("reviews")
    coordinators = fake.add_channel("coordinators")
    reviewer_role = fake.add_role("Reviewers")
    writer = Person("1300000000000000001", "rita")
    other = Person("1300000000000000002", "sam")
    reviewer = Person("1300000000000000003", "rev", (reviewer_role,))
    coordinator = Person("1300000000000000004", "coco")
    for person in (writer, other, reviewer, coordinator):
        fake.add_member(person.member())
    config = discord_config(
        fake,
        reviews,
        coordinators,
        reviewers=[f"discord:role:{reviewer_role}"],
        coordinators=[f"discord:{coordinator.id}"],
    )
    runtime = Runtime(config, discord_bank, config.roles.roles())
    app = DiscordApp(runtime.build_bot, config)
    running = await connect(app, fake)
    try:
        yield Room(
            Server(fake, general),
            fake,
            app,
            discord_bank,
            general,
            reviews,
            coordinators,
            writer,
            other,
            reviewer,
            coordinator,
        )
    finally:
        await disconnect(app, running)
