"""A Taskbot on the real stores and a recording fake chat, with fair-work settings."""

from __future__ import annotations

import pytest

from bot.app import Taskbot
from bot.events import ActionEvent, Actor, CommandEvent, Place
from bot.handlers.context import BotContext
from bot.roles import Roles
from taskbank.fairpay import FairWorkPolicy
from tests.discord.conftest import discord_bank, fake_discord, room  # noqa: F401
from tests.fake_chat import FakeChat
from tests.slack.conftest import fake_slack, slack_app, slack_bank, workspace  # noqa: F401

WENDY = Actor("test", "wendy")
RITA = Actor("test", "rita")
CORA = Actor("test", "cora")
CONRAD = Actor("test", "conrad")
HERE = Place("general")


@pytest.fixture
def chat() -> FakeChat:
    return FakeChat()


@pytest.fixture
def taskbot(bank, chat) -> Taskbot:
    roles = Roles(
        writers=("*",),
        reviewers=("test:rita", "test:cora"),
        coordinators=("test:cora", "test:conrad"),
    )
    policy = FairWorkPolicy(floor_hourly_cents=725, approval_hours=72, appeal_days=14)
    return Taskbot(BotContext(bank, chat, roles, time_zone="UTC", fair_work=policy))


def command(actor: Actor, name: str, *args: str, place: Place = HERE) -> CommandEvent:
    return CommandEvent(actor, place, name, tuple(args), ())


def press(actor: Actor, action_id: str, message=None, *values: str) -> ActionEvent:
    return ActionEvent(actor, HERE, action_id, tuple(values), message)


def reject(actor: Actor, submission_id: int, reason: str):  # type: ignore[no-untyped-def]
    """The reviewer's reject form sent back with a reason."""
    from bot.events import FormSubmitEvent

    return FormSubmitEvent(actor, HERE, f"reject:{submission_id}", {"reason": reason})
