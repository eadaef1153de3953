"""A screenplay's /batch import options in chat: pay and overlap must be plain whole numbers; a
digit look-alike or a number too long to store is refused in words, not with a traceback."""

from __future__ import annotations

import pytest

from bot.events import Actor, Attachment, CommandEvent, Place
from bot.handlers.context import BotContext
from bot.handlers.scripts import import_script_command
from bot.roles import Roles
from tests.fake_chat import FakeChat
from tests.screenplay.scripts import sample

COORDINATOR = Actor("test", "cora")


@pytest.mark.parametrize(
    "option", ["pay=²", "pay=٤٠", "pay=" + "9" * 5000, "overlap=³", "overlap=" + "9" * 30]
)
async def test_a_pay_or_overlap_that_is_no_plain_number_is_refused(bank, option):
    chat = FakeChat()
    ctx = BotContext(bank, chat, Roles(writers=("*",), coordinators=("test:cora",)))
    args = ("import", "template=dialogue_tone", "unit=scene", "pay=40", option)
    attachments = (Attachment(*sample("night_shift", "fdx")),)
    event = CommandEvent(COORDINATOR, Place("coordinators"), "batch", args, attachments)
    await import_script_command(ctx, event)
    card = chat.last("post").card
    assert card.title == "night_shift.fdx: nothing was imported"
    assert "must be a whole number" in "\n".join(card.blocks)
    assert await bank.list_batches() == []
