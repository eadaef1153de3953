"""MESSAGE_REACTION_ADD as Discord documents it: `member` is optional (sent "if this happened
in a guild"), `burst` marks a super reaction, and fields Discord adds later are ignored. A
reviewer known by their server role is a reviewer however the event comes."""

from __future__ import annotations

import asyncio

from tests import bank_reads as reads
from tests.discord.test_discord_review import posted_sample, status_of, submitted
from tests.discord_fake import GUILD_ID


def _reaction(room, who, message: dict, emoji: str, **extra) -> dict:
    return {
        "user_id": who.id,
        "channel_id": message["channel_id"],
        "message_id": message["id"],
        "guild_id": GUILD_ID,
        "emoji": {"id": None, "name": emoji},
        "message_author_id": message["author"]["id"],
        "burst": False,
        "type": 0,
        **extra,
    }


async def test_a_reviewers_check_mark_without_member_counts_by_their_server_role(room):
    submission = await submitted(room)
    review = await posted_sample(room)
    await room.fake.dispatch("MESSAGE_REACTION_ADD", _reaction(room, room.reviewer, review, "✅"))
    await room.server.wait_for(
        lambda: "Approved: submission" in room.server.text(review), "the verdict on the card"
    )
    assert await status_of(room, submission) == "approved"
    assert room.fake.direct_to(room.reviewer.id) == []  # no "only reviewers" note


async def test_a_non_reviewers_check_mark_without_member_is_still_refused(room):
    submission = await submitted(room)
    review = await posted_sample(room)
    await room.fake.dispatch(
        "MESSAGE_REACTION_ADD", _reaction(room, room.other_writer, review, "✅")
    )
    told = await room.server.wait_for(lambda: room.fake.direct_to(room.other_writer.id), "a DM")
    assert "Only reviewers" in room.server.text(told[0])
    assert await status_of(room, submission) == "pending"


async def test_a_super_reaction_with_new_fields_is_a_verdict_once(room):
    submission = await submitted(room)
    review = await posted_sample(room)
    event = _reaction(
        room,
        room.reviewer,
        review,
        "✅",
        member=room.reviewer.member(),
        burst=True,
        burst_colors=["#57f287"],
        type=1,
        some_field_discord_adds_later={"x": None},
    )
    for _ in range(2):
        await room.fake.dispatch("MESSAGE_REACTION_ADD", event)
    await room.server.wait_for(
        lambda: "Approved: submission" in room.server.text(review), "the verdict on the card"
    )
    await asyncio.sleep(0.3)
    assert await status_of(room, submission) == "approved"
    assert await reads.earned_this_week(room.bank) == (1, 40)
