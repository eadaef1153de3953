"""A reviewer's ✅ on Discord whose handling failed (the database briefly refused the verdict)
counts when the reviewer gives it again: Discord keys a reaction by message, user and emoji, so
the bot must not keep the key of a reaction it never handled."""

from __future__ import annotations

import asyncio

from bot.pipeline.apologise import SORRY_TITLE
from tests.discord.conftest import Room
from tests.discord.test_discord_review import posted_sample, status_of, submitted
from tests.failing_reviews import start_failing, stop_failing


async def test_a_check_mark_that_failed_counts_when_the_reviewer_gives_it_again(room: Room):
    submission = await submitted(room)
    card = await posted_sample(room)
    await start_failing(room.bank.store)
    await room.server.react(room.reviewer, card, "✅")
    told = await room.server.wait_for(lambda: room.fake.direct_to(room.reviewer.id), "a DM")
    assert SORRY_TITLE in room.server.text(told[0])
    assert await status_of(room, submission) == "pending"

    await stop_failing(room.bank.store)
    await room.server.react(room.reviewer, card, "✅")  # removed, then added again
    await room.server.wait_for(
        lambda: "Approved: submission" in room.server.text(card), "the verdict on the card"
    )
    assert await status_of(room, submission) == "approved"

    await room.server.react(room.reviewer, card, "✅")  # a replay of the handled reaction
    await asyncio.sleep(0.3)  # let any second handling show
    edits = room.fake.called("PATCH", rf"/channels/{room.reviews}/messages/{card['id']}$")
    assert len(edits) == 1
