"""A delivery whose handling failed is not taken as handled: its key is released, so the
platform's retry (or a reaction given again, whose Discord key is message, user and emoji) is
handled. A delivery handled without an error is still handled once. On both stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Taskbot
from bot.events import ActionEvent, Actor, CommandEvent, MessageRef, Place, ReactionEvent
from bot.handlers.context import BotContext
from bot.handlers.reviewer import post_for_review
from bot.pipeline import Delivery, Pipeline
from bot.pipeline.apologise import SORRY_TITLE
from bot.pipeline.once import once_per_delivery
from bot.roles import Roles
from taskbank.errors import NotAllowed
from tests.batches import TONE_ANSWER, tone_batch
from tests.failing_reviews import start_failing, stop_failing
from tests.fake_chat import FakeChat

WRITER = Actor("test", "wendy")
REVIEWER = Actor("test", "rita")
HERE = Place("general")
CARD = MessageRef("reviews", "1")


@pytest.fixture
def chat() -> FakeChat:
    return FakeChat()


@pytest.fixture
def taskbot(bank, chat) -> Taskbot:
    roles = Roles(writers=("*",), reviewers=("test:rita",))
    return Taskbot(BotContext(bank, chat, roles))


class Flaky:
    """A last step that fails the first `failures` deliveries reaching it, then succeeds."""

    def __init__(self, failure: Exception, failures: int = 1) -> None:
        self.failure, self.failures, self.seen = failure, failures, 0

    async def __call__(self, delivery: Delivery, next) -> None:
        self.seen += 1
        if self.seen <= self.failures:
            raise self.failure


async def test_a_forgotten_delivery_key_is_taken_again(store):
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    keep_since = now - timedelta(hours=1)
    assert await store.first_delivery("event-1", now, keep_since)
    await store.forget_delivery("event-1")
    await store.forget_delivery("never-seen")  # forgetting an unknown key is no error
    assert await store.first_delivery("event-1", now, keep_since)
    assert not await store.first_delivery("event-1", now, keep_since)


@pytest.mark.parametrize(
    "failure", [ConnectionResetError("connection dropped"), NotAllowed("not yet")]
)
async def test_a_delivery_whose_handling_raised_is_handled_when_sent_again(taskbot, failure):
    handler = Flaky(failure)
    pipeline = Pipeline((once_per_delivery, handler))
    event = ReactionEvent(WRITER, CARD, "✅", delivery="1:wendy:✅")
    with pytest.raises(type(failure)):
        await pipeline.run(Delivery(event, taskbot.ctx))
    await pipeline.run(Delivery(event, taskbot.ctx))  # handled, this time without an error
    await pipeline.run(Delivery(event, taskbot.ctx))  # a repeat of a handled delivery
    assert handler.seen == 2


async def submitted_and_posted(taskbot, chat, bank) -> MessageRef:
    await bank.import_batch(tone_batch(1, review_rate=1.0), filename="b.jsonl")
    await taskbot.handle(CommandEvent(WRITER, HERE, "task", ()))
    card = chat.last("post")
    await bank.save_draft(1, WRITER.key, TONE_ANSWER)
    await taskbot.handle(ActionEvent(WRITER, HERE, "submit:1", (), card.message))
    await post_for_review(taskbot.ctx, await bank.submission(1))
    return next(
        s for s in chat.sent if s.kind == "post" and s.place.channel_id == "reviews"
    ).message


async def test_a_check_mark_that_failed_in_the_database_counts_when_given_again(
    taskbot, chat, bank, store
):
    posted = await submitted_and_posted(taskbot, chat, bank)
    check = ReactionEvent(REVIEWER, posted, "✅", delivery=f"{posted.message_id}:rita:✅")
    await start_failing(store)
    await taskbot.handle(check)
    assert chat.last().kind == "direct" and chat.last().card.title == SORRY_TITLE
    assert await bank.review_of(1) is None

    await stop_failing(store)
    await taskbot.handle(check)  # the reviewer removes the ✅ and adds it again
    assert chat.last("update").card.title == "Approved: submission 1"
    assert (await bank.review_of(1)).verdict == "approved"
    updates = len([s for s in chat.sent if s.kind == "update"])
    await taskbot.handle(check)  # a replay of the handled reaction changes nothing
    assert len([s for s in chat.sent if s.kind == "update"]) == updates
