"""Fixtures for the Slack adapter: a fake Slack on 127.0.0.1 and the real bolt app served over HTTP
on 127.0.0.1, on a real SQLite task bank."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from adapters.slack.app import SlackApp, SlackSecrets
from bot.config import Config
from bot.runtime import Runtime
from taskbank.service import TaskBank
from tests.slack_driver import SIGNING_SECRET, Workspace
from tests.slack_fake import BOT_TOKEN, FakeSlack

WRITER, OTHER_WRITER = "U0RITA", "U0SAM"
REVIEWER, COORDINATOR = "U0REVIEWER", "U0COORD"
REVIEW_CHANNEL, COORDINATOR_CHANNEL = "C0REVIEWS", "C0COORDS"


def slack_config(fake: FakeSlack, **slack: Any) -> Config:
    """A configuration pointing Slack at the fake, with one reviewer and one coordinator."""
    return Config.model_validate(
        {
            "database": {"url": "unused.db"},
            "roles": {
                "writers": ["*"],
                "reviewers": [f"slack:{REVIEWER}"],
                "coordinators": [f"slack:{COORDINATOR}"],
            },
            "slack": {
                "api_url": fake.api_url,
                "review_channel": REVIEW_CHANNEL,
                "coordinator_channel": COORDINATOR_CHANNEL,
                **slack,
            },
        }
    )


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
def slack_bank(chat_bank) -> TaskBank:
    return chat_bank


async def serve(app: web.Application) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


@pytest.fixture
def slack_app(fake_slack, slack_bank) -> SlackApp:
    config = slack_config(fake_slack)
    runtime = Runtime(config, slack_bank, config.roles.roles())
    return SlackApp(runtime.build_bot, config, SlackSecrets(BOT_TOKEN, SIGNING_SECRET))


@pytest.fixture
async def workspace(fake_slack, slack_bank, slack_app) -> AsyncIterator[Workspace]:
    runner, port = await serve(slack_app.web_app())
    ws = Workspace(fake_slack, f"http://127.0.0.1:{port}/slack/events")
    ws.bank = slack_bank  # type: ignore[attr-defined]
    try:
        yield ws
    finally:
        await ws.close()
        await runner.cleanup()
