"""Shared set-up for the tests/test_ux_*.py specifications: a bot on the fake chat."""

from __future__ import annotations

from bot.app import Taskbot
from bot.events import ActionEvent, Actor, CommandEvent, FormSubmitEvent, Place, ReactionEvent
from bot.handlers.context import BotContext
from bot.roles import Roles
from bot.ui import Card
from tests.fake_chat import FakeChat

WRITER = Actor("test", "wendy")
OTHER = Actor("test", "otto")
REVIEWER = Actor("test", "rita")
REVIEWER_2 = Actor("test", "rhea")
COORDINATOR = Actor("test", "cora")
HERE = Place("general")


def make_bot(bank, chat: FakeChat, zone: str = "Europe/Paris") -> Taskbot:
    roles = Roles(writers=("*",), reviewers=("test:rita", "test:rhea"), coordinators=("test:cora",))
    return Taskbot(BotContext(bank, chat, roles, time_zone=zone))


def command(actor, name, *args, attachments=()):
    return CommandEvent(actor, HERE, name, tuple(args), tuple(attachments))


def press(actor, action_id, message=None, *values):
    return ActionEvent(actor, HERE, action_id, tuple(values), message)


def submit_form(actor, form_id, values, message=None):
    return FormSubmitEvent(actor, HERE, form_id, values, message)


def react(actor, message, emoji):
    return ReactionEvent(actor, message, emoji)


def control(card: Card, label: str | None = None, prefix: str | None = None):
    for c in card.controls():
        if (label and getattr(c, "label", None) == label) or (
            prefix and c.action_id.startswith(prefix)
        ):
            return c
    raise AssertionError(f"no control {label or prefix} on {card.title}: {card.controls()}")


def labels(card: Card) -> list[str]:
    return [getattr(c, "label", getattr(c, "placeholder", "")) for c in card.controls()]
