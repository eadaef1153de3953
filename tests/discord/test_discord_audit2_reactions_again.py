"""A reaction taken back and given again: Discord sends MESSAGE_REACTION_REMOVE and then a new
MESSAGE_REACTION_ADD, the same message, user and emoji as the first. That is a new reaction, not
the gateway replaying the first one, so it is answered again."""

from __future__ import annotations

import asyncio

from tests import bank_reads as reads
from tests.discord.test_discord_review import posted_sample, status_of, submitted


async def test_a_cross_taken_back_and_given_again_asks_for_the_reason_again(room):
    submission = await submitted(room)
    card = await posted_sample(room)
    await room.server.react(room.reviewer, card, "❌")
    await room.server.wait_for(
        lambda: room.fake.direct_to(room.reviewer.id), "the request for a reason"
    )
    await room.server.unreact(room.reviewer, card, "❌")
    await room.server.react(room.reviewer, card, "❌")
    asked = await room.server.wait_for(
        lambda: len(room.fake.direct_to(room.reviewer.id)) == 2 or None, "a second request"
    )
    assert asked
    await asyncio.sleep(0.3)
    assert len(room.fake.direct_to(room.reviewer.id)) == 2
    assert await status_of(room, submission) == "pending"  # no verdict until a reason


async def test_a_replayed_cross_still_asks_once(room):
    await submitted(room)
    card = await posted_sample(room)
    for _ in range(2):  # the gateway replays the add; nothing was taken back in between
        await room.server.react(room.reviewer, card, "❌")
    await room.server.wait_for(
        lambda: room.fake.direct_to(room.reviewer.id), "the request for a reason"
    )
    await asyncio.sleep(0.3)
    assert len(room.fake.direct_to(room.reviewer.id)) == 1


async def test_a_check_mark_taken_back_and_given_again_pays_once(room):
    submission = await submitted(room)
    card = await posted_sample(room)
    await room.server.react(room.reviewer, card, "✅")
    await room.server.wait_for(
        lambda: "Approved: submission" in room.server.text(card), "the verdict on the card"
    )
    await room.server.unreact(room.reviewer, card, "✅")
    await room.server.react(room.reviewer, card, "✅")
    await asyncio.sleep(0.5)
    assert await status_of(room, submission) == "approved"
    assert await reads.earned_this_week(room.bank) == (1, 40)  # paid once
    assert "Approved: submission" in room.server.text(card)
    told = [room.server.text(m) for m in room.fake.direct_to(room.reviewer.id)]
    assert not any("went wrong" in text.lower() for text in told), told
