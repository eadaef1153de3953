"""The inbound pipeline's steps, one behaviour each, against the in-memory fake chat and the real
stores: dedup by delivery key, the role a command declares, refusals as notes, one apology."""

from __future__ import annotations

import logging

import pytest

from bot.app import Taskbot
from bot.commands import NAMES
from bot.events import (
    Actor,
    CommandEvent,
    MessageRef,
    Place,
    ReactionEvent,
    ReactionsClearedEvent,
)
from bot.handlers.context import BotContext
from bot.pipeline import Delivery, Pipeline
from bot.pipeline.apologise import SORRY_TEXT, apologise
from bot.pipeline.dispatch import HANDLERS
from bot.pipeline.once import once_per_delivery
from bot.pipeline.refusals import refusals
from bot.pipeline.roles import requires_role
from bot.port import PlaceRefused
from bot.roles import Roles
from taskbank.errors import NotAllowed, Problem, ValidationFailed
from tests.fake_chat import FakeChat

WRITER = Actor("test", "wendy")
COORDINATOR = Actor("test", "cora")
HERE = Place("general")
CARD = MessageRef("reviews", "1")


@pytest.fixture
def chat() -> FakeChat:
    return FakeChat()


@pytest.fixture
def ctx(bank, chat) -> BotContext:
    return BotContext(bank, chat, Roles(writers=("*",), coordinators=("test:cora",)))


class Counted:
    """A last step that counts the deliveries reaching it (and may raise)."""

    def __init__(self, raises: Exception | None = None) -> None:
        self.seen: list[object] = []
        self.raises = raises

    async def __call__(self, delivery: Delivery, next) -> None:
        self.seen.append(delivery.event)
        if self.raises is not None:
            raise self.raises


def reaction(delivery: str | None, actor: Actor = WRITER) -> ReactionEvent:
    return ReactionEvent(actor, CARD, "✅", delivery=delivery)


async def test_a_delivery_sent_again_reaches_the_handler_once(ctx):
    handler = Counted()
    pipeline = Pipeline((once_per_delivery, handler))
    for _ in range(3):  # the platform's retries of one event
        await pipeline.run(Delivery(reaction("Ev1"), ctx))
    assert len(handler.seen) == 1


async def test_delivery_keys_of_two_platforms_never_collide(ctx):
    handler = Counted()
    pipeline = Pipeline((once_per_delivery, handler))
    await pipeline.run(Delivery(reaction("Ev1", Actor("slack", "U1")), ctx))
    await pipeline.run(Delivery(reaction("Ev1", Actor("discord", "1")), ctx))
    assert len(handler.seen) == 2


async def test_an_event_without_a_delivery_key_is_never_taken_for_a_repeat(ctx):
    handler = Counted()
    pipeline = Pipeline((once_per_delivery, handler))
    for _ in range(2):  # two /task commands are two requests
        await pipeline.run(Delivery(CommandEvent(WRITER, HERE, "task"), ctx))
    assert len(handler.seen) == 2


def cleared(releases: str) -> ReactionsClearedEvent:
    """A moderator's clear of the reactions whose keys begin with `releases`."""
    return ReactionsClearedEvent("test", CARD, releases)


async def test_a_clear_of_reactions_releases_the_keys_it_names_and_reaches_no_handler(ctx):
    handler = Counted()
    pipeline = Pipeline((once_per_delivery, handler))
    given = [
        reaction("1:✅:wendy"),
        reaction("1:❌:rita", Actor("test", "rita")),
        reaction("2:✅:wendy"),  # another message
        reaction("1:✅:U1", Actor("slack", "U1")),  # another platform
    ]
    for event in given:
        await pipeline.run(Delivery(event, ctx))
    await pipeline.run(Delivery(cleared("1:"), ctx))
    for event in given:  # the gateway replays each; the two cleared are given anew
        await pipeline.run(Delivery(event, ctx))
    assert handler.seen == [*given, given[0], given[1]]


async def test_a_clear_names_nobody_so_a_note_about_it_is_logged_not_sent(ctx, chat, caplog):
    failing = Counted(raises=RuntimeError("the disk is on fire"))
    await Pipeline((apologise, failing)).run(Delivery(cleared("1:"), ctx))
    assert chat.sent == []
    assert "nobody to tell about the clear on reviews/1" in caplog.text


def test_a_clear_must_say_which_keys_it_releases():
    with pytest.raises(ValueError, match="names the start"):
        cleared("")  # it would release every key of the platform


async def test_a_command_is_refused_to_a_role_it_does_not_declare(ctx, chat):
    handler = Counted()
    pipeline = Pipeline((refusals, requires_role, handler))
    await pipeline.run(Delivery(CommandEvent(WRITER, HERE, "batch", ("list",)), ctx))
    assert handler.seen == []
    note = chat.last().card
    assert note.title == "Not allowed" and "/batch is for coordinators" in note.blocks[0]


async def test_a_command_its_role_allows_goes_on(ctx):
    handler = Counted()
    await Pipeline((requires_role, handler)).run(
        Delivery(CommandEvent(COORDINATOR, HERE, "batch", ("list",)), ctx)
    )
    assert len(handler.seen) == 1


async def test_bad_input_becomes_a_private_note_naming_each_problem(ctx, chat):
    problems = [Problem("pay_cents", "must be a whole number"), Problem("usage", "say which")]
    failing = Counted(raises=ValidationFailed(problems))
    await Pipeline((refusals, failing)).run(Delivery(CommandEvent(WRITER, HERE, "task"), ctx))
    (sent,) = chat.sent
    assert sent.visibility == "private" and sent.to == WRITER.key
    assert sent.card.title == "That didn't work"
    assert "must be a whole number" in sent.card.blocks[0] and "\nsay which" in sent.card.blocks[0]


async def test_a_refusal_of_a_reaction_goes_by_direct_message(ctx, chat):
    failing = Counted(raises=NotAllowed("a reviewer cannot judge their own work"))
    await Pipeline((refusals, failing)).run(Delivery(reaction(None), ctx))
    (sent,) = chat.sent
    assert sent.kind == "direct" and sent.to == WRITER.key and sent.card.title == "Not allowed"


async def test_a_channel_the_chat_will_not_let_taskbot_post_in_is_told_with_what_to_do(ctx, chat):
    advice = "the app is not in it; add it there"
    failing = Counted(raises=PlaceRefused("C0COORDS", advice))
    await Pipeline((refusals, failing)).run(Delivery(CommandEvent(COORDINATOR, HERE, "tally"), ctx))
    (sent,) = chat.sent
    assert sent.visibility == "private" and sent.to == COORDINATOR.key
    assert sent.card.title == "Taskbot cannot post there"
    assert "C0COORDS" in sent.card.blocks[0] and advice in sent.card.blocks[0]


async def test_an_unexpected_failure_is_logged_and_told_once(ctx, chat, caplog):
    failing = Counted(raises=RuntimeError("the disk is on fire"))
    answer = await Pipeline((apologise, refusals, failing)).run(
        Delivery(CommandEvent(WRITER, HERE, "task"), ctx)
    )
    assert answer is None
    (sent,) = chat.sent
    assert sent.card.title == "Something went wrong" and sent.card.blocks == (SORRY_TEXT,)
    assert "handling CommandEvent failed" in caplog.text and "the disk is on fire" in caplog.text


class RefusingChat(FakeChat):
    """A chat that takes nothing at all, not even the apology."""

    async def post_card(self, *args, **kwargs):
        raise ConnectionError("the chat is down")


async def test_an_apology_the_chat_will_not_take_is_logged_not_raised(bank, caplog):
    ctx = BotContext(bank, RefusingChat(), Roles())
    failing = Counted(raises=RuntimeError("boom"))
    with caplog.at_level(logging.WARNING):
        await Pipeline((apologise, failing)).run(Delivery(CommandEvent(WRITER, HERE, "task"), ctx))
    assert "could not tell the person either: the chat is down" in caplog.text


async def test_a_chats_own_step_catches_its_platform_errors_before_the_apology(bank, caplog):
    """The chat's step (`use`) sits inside the apology: a platform error it maps is no surprise."""
    caught: list[str] = []

    async def platform_errors(delivery, next):
        try:
            return await next()
        except ConnectionError as error:
            caught.append(str(error))
            return None

    taskbot = Taskbot(BotContext(bank, RefusingChat(), Roles()))
    taskbot.use(platform_errors)
    await taskbot.handle(CommandEvent(WRITER, HERE, "task"))  # its reply fails: the chat is down
    assert caught == ["the chat is down"]
    assert "failed" not in caplog.text  # not logged as unexpected


async def test_an_unknown_command_is_told_the_declared_ones(ctx, chat):
    await Taskbot(ctx).handle(CommandEvent(WRITER, HERE, "dance"))
    text = chat.last().card.blocks[0]
    assert "Unknown command /dance" in text
    assert all(f"/{name}" in text for name in NAMES)


def test_every_declared_command_has_a_handler_and_no_handler_is_undeclared():
    assert set(HANDLERS) == set(NAMES)
