"""Cards that are gone when the bot comes to update them (a moderator deleted the review
channel's card, or the bot lost sight of the channel): Discord answers 404 Unknown Message
(10008) or 403 Missing Access (50001). What was done stands and is shown to whoever did it."""

from __future__ import annotations

import asyncio

from tests import bank_reads as reads
from tests.discord.test_discord_review import posted_sample, status_of, submitted


def refuse_card_update(room, review, code: int, message: str, status: int) -> None:
    """Discord answers the next edit of the sample's card with this refusal."""
    room.fake.answer_next(
        "PATCH",
        rf"^/channels/{room.reviews}/messages/{review['id']}$",
        {"code": code, "message": message},
        status=status,
    )


async def test_approving_from_review_when_the_channels_card_was_deleted(room):
    submission = await submitted(room)
    review = await posted_sample(room)
    del room.fake.messages[review["id"]]  # a moderator tidied the channel
    shown = room.server.answer(await room.server.command(room.reviewer, "review"))
    done = await room.server.click(room.reviewer, shown, "Approve")
    text = room.server.text(room.server.answer(done))
    assert "Approved: submission" in text and "Discord refused" not in text, text
    assert await status_of(room, submission) == "approved"
    assert await reads.earned_this_week(room.bank) == (1, 40)


async def test_a_check_mark_on_a_card_deleted_meanwhile_approves_without_an_error_dm(room):
    submission = await submitted(room)
    review = await posted_sample(room)
    refuse_card_update(room, review, 10008, "Unknown Message", status=404)
    await room.server.react(room.reviewer, review, "✅")
    await room.server.wait_for(
        lambda: room.fake.called("PATCH", rf"/messages/{review['id']}$"), "the card's update"
    )
    await asyncio.sleep(0.3)
    assert await status_of(room, submission) == "approved"
    assert room.fake.direct_to(room.reviewer.id) == []  # no "Discord refused that"


async def test_a_verdict_stands_when_the_bot_was_shut_out_of_the_review_channel(room):
    submission = await submitted(room)
    review = await posted_sample(room)
    refuse_card_update(room, review, 50001, "Missing Access", status=403)
    shown = room.server.answer(await room.server.command(room.reviewer, "review"))
    done = await room.server.click(room.reviewer, shown, "Approve")
    text = room.server.text(room.server.answer(done))
    assert "Approved: submission" in text and "Discord refused" not in text, text
    assert await status_of(room, submission) == "approved"
