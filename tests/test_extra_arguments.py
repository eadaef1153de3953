"""Words past what a command takes are refused, never ignored: a mistyped '/batch close 1 2' must
not close batch 1 for good."""

from __future__ import annotations

import pytest

from bot.app import Taskbot
from bot.events import Actor, CommandEvent, Place
from bot.handlers.context import BotContext
from bot.roles import Roles
from taskbank.models import BatchState
from tests.batches import tone_batch
from tests.fake_chat import FakeChat

CORA = Actor("test", "cora")
HERE = Place("coordinators")


@pytest.mark.parametrize(
    "words",
    [
        ("batch", "close", "1", "2"),
        ("batch", "pause", "1", "2"),
        ("batch", "status", "1", "2"),
        ("batch", "export", "1", "csv", "extra"),
        ("batch", "list", "junk"),
        ("tally", "day", "extra"),
        ("appeal", "list", "junk"),
        ("appeal", "report", "extra"),
        ("earnings", "week", "extra"),
    ],
)
async def test_a_command_with_words_it_does_not_take_is_refused_and_changes_nothing(bank, words):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    chat = FakeChat()
    roles = Roles(writers=("*",), reviewers=(), coordinators=("test:cora",))
    taskbot = Taskbot(BotContext(bank, chat, roles, coordinator_place=HERE))
    await taskbot.handle(CommandEvent(CORA, HERE, words[0], words[1:], ()))
    refusal = chat.last("post").card
    assert refusal.title == "That didn't work", refusal
    assert "is more than this takes" in " ".join(refusal.blocks)
    assert (await bank.batch(1)).state is BatchState.OPEN
    assert [s.kind for s in chat.sent] == ["post"]
