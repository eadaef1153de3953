"""Reviewers on Discord: QA samples in the review channel, ✅/❌ reactions from the gateway, a
reason in a modal opened from a button."""

from __future__ import annotations

import asyncio

from bot.config import ScheduleConfig
from bot.scheduler import Jobs
from tests import bank_reads as reads
from tests.batches import TONE_ANSWER, tone_batch
from tests.discord.conftest import Room


async def submitted(room: Room, writer: str | None = None) -> int:
    writer = writer or f"discord:{room.writer.id}"
    await room.bank.import_batch(tone_batch(1, review_rate=1.0), filename="tone.jsonl")
    claimed = await room.bank.claim(writer)
    result = await room.bank.submit(claimed.assignment.id, writer, TONE_ANSWER, "k1")
    return result.submission.id


async def posted_sample(room: Room) -> dict:
    jobs = Jobs(room.app.bot.ctx, ScheduleConfig())
    assert await jobs.run_qa_sample() == 1
    (card,) = room.fake.in_channel(room.reviews)
    return card


async def status_of(room: Room, submission: int) -> str:
    return (await room.bank.submission(submission)).status


async def test_qa_samples_arrive_in_the_review_channel_with_both_reactions_ready(room):
    await submitted(room)
    card = await posted_sample(room)
    assert card["embeds"][0]["title"].startswith("Review: ")
    assert "React ✅ to approve" in room.server.text(card)
    assert {(c, e) for c, _, e in room.fake.reactions} == {
        (room.reviews, "✅"),
        (room.reviews, "❌"),
    }


async def test_a_reviewers_check_mark_approves_and_pays_once_even_when_replayed(room):
    submission = await submitted(room)
    card = await posted_sample(room)
    for _ in range(3):  # the gateway may replay an event after a resume
        await room.server.react(room.reviewer, card, "✅")
    await room.server.wait_for(
        lambda: "Approved: submission" in room.server.text(card), "the verdict on the card"
    )
    await asyncio.sleep(0.3)  # let any second handling show
    assert await status_of(room, submission) == "approved"
    assert await reads.earned_this_week(room.bank) == (1, 40)  # paid once
    edits = room.fake.called("PATCH", rf"/channels/{room.reviews}/messages/{card['id']}$")
    assert len(edits) == 1
    assert card["components"] == []  # the verdict card has no buttons left


async def test_a_cross_asks_for_a_reason_in_a_modal_and_a_blank_one_is_refused(room):
    submission = await submitted(room)
    card = await posted_sample(room)
    await room.server.react(room.reviewer, card, "❌")
    await room.server.react(room.reviewer, card, "❌")
    ask = await room.server.wait_for(
        lambda: room.fake.direct_to(room.reviewer.id), "the request for a reason"
    )
    await asyncio.sleep(0.3)
    (ask,) = room.fake.direct_to(room.reviewer.id)  # asked once
    opened = await room.server.click(room.reviewer, ask, "Give a reason…")
    assert opened.modal["custom_id"] == f"reject:{submission}"
    blank = await room.server.submit(room.reviewer, opened, {"reason": "   "})
    note = room.server.answer(blank)
    assert "reason" in room.server.text(note).lower()
    again = await room.server.click(room.reviewer, note, "Fix it…")
    done = await room.server.submit(
        room.reviewer, again, {"reason": "The genre is comedy, not noir."}
    )
    assert "Rejected" in room.server.text(room.server.answer(done))
    assert await status_of(room, submission) == "rejected"


async def test_reactions_of_non_reviewers_and_of_the_author_are_ignored_and_said_so(room):
    submission = await submitted(room, f"discord:{room.reviewer.id}")
    card = await posted_sample(room)
    await room.server.react(room.other_writer, card, "✅")
    told = await room.server.wait_for(lambda: room.fake.direct_to(room.other_writer.id), "a DM")
    assert "Only reviewers" in room.server.text(told[0])
    await room.server.react(room.reviewer, card, "✅")
    told = await room.server.wait_for(lambda: room.fake.direct_to(room.reviewer.id), "a DM")
    assert "own work" in room.server.text(told[0])
    await room.server.react(room.reviewer, card, "👍")  # not a verdict: nothing happens
    await asyncio.sleep(0.3)
    assert await status_of(room, submission) == "pending"
    assert card["edited_timestamp"] is None


async def test_review_command_shows_a_card_whose_approve_button_works(room):
    submission = await submitted(room)
    shown = room.server.answer(await room.server.command(room.reviewer, "review"))
    assert [c["label"] for c in room.server.controls(shown)] == ["Approve", "Reject…", "Pass"]
    done = await room.server.click(room.reviewer, shown, "Approve")
    assert "Approved: submission" in room.server.text(room.server.answer(done))
    assert await status_of(room, submission) == "approved"


async def test_an_unauthorized_member_cannot_review(room):
    submission = await submitted(room)
    shown = room.server.answer(await room.server.command(room.other_writer, "review"))
    assert "Not allowed" in room.server.text(shown) and shown["flags"] & 64
    # Nor press a review card's buttons (on a card someone else was shown).
    card = await posted_sample(room)
    pressed = await room.server.click(room.other_writer, card, "Approve")
    assert "Not allowed" in room.server.text(room.server.answer(pressed))
    assert await status_of(room, submission) == "pending"


async def test_a_reviewer_by_server_role_may_review_from_a_direct_message(room):
    """Discord sends no roles in a DM: the bot reads the member's roles from the server."""
    submission = await submitted(room)
    dm = room.fake.open_dm(room.reviewer.id)
    shown = room.server.answer(await room.server.command(room.reviewer, "review", channel=dm))
    assert [c["label"] for c in room.server.controls(shown)] == ["Approve", "Reject…", "Pass"]
    assert room.fake.called("GET", rf"/guilds/\d+/members/{room.reviewer.id}$")
    dm = room.fake.open_dm(room.other_writer.id)
    refused = await room.server.command(room.other_writer, "review", channel=dm)
    assert "Not allowed" in room.server.text(room.server.answer(refused))
    assert await status_of(room, submission) == "pending"
