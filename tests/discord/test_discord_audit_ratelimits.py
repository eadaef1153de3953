"""429s exactly as Discord's rate-limit page documents them (the JSON body's `retry_after`,
`Retry-After` and `X-RateLimit-*` headers, no `Via` header from a load balancer): each is waited
out and retried, on every route a person's work goes through, and nothing is done twice."""

from __future__ import annotations

import asyncio

from bot.config import ScheduleConfig
from bot.scheduler import Jobs
from tests import bank_reads as reads
from tests.batches import TONE_ANSWER, tone_batch
from tests.discord.test_discord_review import posted_sample, status_of, submitted
from tests.discord.test_discord_writer import claim, ids


def _no_refusal_shown(room, *messages: dict) -> None:
    for message in messages:
        assert "Discord refused" not in room.server.text(message)
        assert "rate limited" not in room.server.text(message)


async def test_a_documented_429_on_the_commands_answer_is_waited_out(room):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    room.fake.rate_limit("PATCH", r"/messages/@original$", retry_after=0.2, via=False)
    card = await claim(room)
    assert ids(room, card, "submit:"), room.server.text(card)
    _no_refusal_shown(room, card)


async def test_a_documented_429_on_a_clicks_answer_is_waited_out(room):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = await claim(room)
    aid = ids(room, card, "submit:")[0].split(":")[1]
    room.fake.rate_limit("POST", r"^/interactions/\d+/[^/]+/callback$", retry_after=0.2, via=False)
    done = await room.server.pick(room.writer, card, f"ans:{aid}:tone", ["tense"])
    assert done.callback == 7 and not done.late
    assert "tense" in room.server.text(room.server.answer(done))


async def test_a_documented_global_429_on_a_follow_up_is_waited_out(room):
    await room.bank.import_batch(tone_batch(2), filename="tone.jsonl")
    card = await claim(room)
    room.fake.rate_limit(
        "POST", r"^/webhooks/\d+/[^/]+$", retry_after=0.2, via=False, is_global=True
    )
    room.fake.rate_limit(
        "PATCH", r"^/webhooks/\d+/[^/]+/messages/", retry_after=0.2, via=False, is_global=True
    )
    # a second /task: the card again, as the command's answer
    again = room.server.answer(await room.server.command(room.writer, "task"))
    _no_refusal_shown(room, card, again)
    assert ids(room, again, "submit:")


async def test_a_documented_429_on_the_review_channel_post_and_its_reactions(room):
    submission = await submitted(room)
    room.fake.rate_limit("POST", rf"^/channels/{room.reviews}/messages$", via=False)
    room.fake.rate_limit("PUT", r"/reactions/", times=2, via=False)
    review = await posted_sample(room)
    assert {e for c, _, e in room.fake.reactions if c == room.reviews} == {"✅", "❌"}
    room.fake.rate_limit("PATCH", rf"^/channels/{room.reviews}/messages/\d+$", via=False)
    await room.server.react(room.reviewer, review, "✅")
    await room.server.wait_for(
        lambda: "Approved: submission" in room.server.text(review), "the verdict on the card"
    )
    await asyncio.sleep(0.3)
    assert await status_of(room, submission) == "approved"
    assert await reads.earned_this_week(room.bank) == (1, 40)  # paid once


async def test_a_documented_429_on_a_direct_message_is_waited_out(room):
    submission = await submitted(room)
    review = await posted_sample(room)
    room.fake.rate_limit("POST", r"^/users/@me/channels$", via=False)
    room.fake.rate_limit("POST", r"^/channels/\d+/messages$", via=False)
    await room.server.react(room.reviewer, review, "❌")
    dm = await room.server.wait_for(lambda: room.fake.direct_to(room.reviewer.id), "the reason DM")
    assert len(dm) == 1 and "Why reject" in room.server.text(dm[0])
    assert await status_of(room, submission) == "pending"


async def test_a_scheduled_tally_survives_a_documented_429(room):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    room.bank.clock.advance(days=8)
    jobs = Jobs(room.app.bot.ctx, ScheduleConfig(tally_chart=False))
    room.fake.rate_limit("POST", rf"^/channels/{room.coordinators}/messages$", via=False)
    await jobs.run_tally()
    assert len(room.fake.in_channel(room.coordinators)) == 1


async def test_a_429_whose_json_comes_with_a_charset_is_waited_out_by_its_body(room):
    """discord.py reads `application/json; charset=utf-8` as text and raises at once, Via or
    not; the body's retry_after still says how long to wait."""
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    room.fake.rate_limit("PATCH", r"/messages/@original$", retry_after=0.1, via=False, charset=True)
    card = await claim(room)
    assert ids(room, card, "submit:"), room.server.text(card)
    _no_refusal_shown(room, card)
    await submitted_elsewhere(room)
    room.fake.rate_limit(
        "POST", rf"^/channels/{room.reviews}/messages$", retry_after=0.1, charset=True
    )
    assert (await posted_sample(room))["embeds"]


async def submitted_elsewhere(room) -> None:
    key = f"discord:{room.other_writer.id}"
    await room.bank.import_batch(tone_batch(1, name="tone-2", review_rate=1.0), filename="t.jsonl")
    claimed = await room.bank.claim(key)
    await room.bank.submit(claimed.assignment.id, key, TONE_ANSWER, "k-other")


async def test_a_429_with_its_body_alone_is_waited_out_by_the_bodys_retry_after(room):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = await claim(room)
    aid = ids(room, card, "submit:")[0].split(":")[1]
    room.fake.rate_limit(
        "POST", r"^/interactions/\d+/[^/]+/callback$", retry_after=0.2, via=False, headers=False
    )
    done = await room.server.pick(room.writer, card, f"ans:{aid}:tone", ["tense"])
    assert done.callback == 7 and not done.late
    assert "tense" in room.server.text(room.server.answer(done))
