"""People who accept no direct messages from the bot (Discord answers 403, code 50007, "Cannot
send messages to this user"): what was done for them stands, others are still told theirs, and
whoever acted is told in plain words, never "Discord refused that" for work that was saved."""

from __future__ import annotations

from bot.config import ScheduleConfig
from bot.scheduler import Jobs
from tests import bank_reads as reads
from tests.batches import TONE_ANSWER, tone_batch
from tests.discord.test_discord_review import posted_sample, status_of, submitted
from tests.discord_driver import Person


def _writers(count: int) -> list[Person]:
    return [Person(f"14100000000000000{n:02d}", f"w{n}") for n in range(count)]


async def _answered_by(room, writers: list[Person]) -> None:
    await room.bank.import_batch(tone_batch(len(writers)), filename="tone.jsonl")
    for person in writers:
        key = f"discord:{person.id}"
        claimed = await room.bank.claim(key)
        await room.bank.submit(claimed.assignment.id, key, TONE_ANSWER, f"k-{person.id}")


async def test_a_writer_who_takes_no_dms_does_not_hold_up_the_others_tally_lines(room):
    writers = _writers(3)
    await _answered_by(room, writers)
    closed, *others = writers
    room.fake.close_dms(closed.id)
    room.bank.clock.advance(days=8)
    jobs = Jobs(room.app.bot.ctx, ScheduleConfig(tally_chart=False))
    await jobs.run_tally()
    assert len(room.fake.in_channel(room.coordinators)) == 1
    for person in others:
        (dm,) = room.fake.direct_to(person.id)
        assert dm["embeds"][0]["title"].startswith("Your pay")
    # the closed one waits (pending) for a run after they open their DMs; nobody gets two
    assert await reads.post_states(room.bank) == {"sent": 3, "pending": 1}
    room.fake.dms_closed.clear()
    await jobs.run_tally()
    assert [len(room.fake.direct_to(p.id)) for p in writers] == [1, 1, 1]
    assert await reads.post_states(room.bank) == {"sent": 4}


async def test_a_coordinators_tally_now_reaches_every_writer_who_takes_dms(room):
    writers = _writers(3)
    await _answered_by(room, writers)
    room.fake.close_dms(writers[0].id)
    shown = room.server.answer(
        await room.server.command(room.coordinator, "tally", {"period": "week"})
    )
    assert "Discord refused" not in room.server.text(shown)
    for person in writers[1:]:
        await room.server.wait_for(lambda p=person: room.fake.direct_to(p.id), "a tally line")


async def test_a_rejection_is_shown_done_when_the_writer_takes_no_dms(room):
    submission = await submitted(room)
    room.fake.close_dms(room.writer.id)
    review = await posted_sample(room)
    await room.server.react(room.reviewer, review, "❌")
    (ask,) = await room.server.wait_for(
        lambda: room.fake.direct_to(room.reviewer.id), "the request for a reason"
    )
    opened = await room.server.click(room.reviewer, ask, "Give a reason…")
    done = await room.server.submit(room.reviewer, opened, {"reason": "The genre is comedy."})
    shown = room.server.text(room.server.answer(done))
    assert "Rejected" in shown and "Discord refused" not in shown, shown
    assert await status_of(room, submission) == "rejected"
    await room.server.wait_for(
        lambda: "Rejected" in room.server.text(review), "the verdict on the channel's card"
    )
    assert review["components"] == []


async def test_a_lapsed_lease_is_told_to_every_writer_who_takes_dms(room):
    writers = _writers(3)
    await room.bank.import_batch(tone_batch(3), filename="tone.jsonl")
    for person in writers:
        await room.bank.claim(f"discord:{person.id}")
    room.fake.close_dms(writers[0].id)
    room.bank.clock.advance(days=1)
    jobs = Jobs(room.app.bot.ctx, ScheduleConfig())
    assert await jobs.run_lease_sweep() == 3
    for person in writers[1:]:
        (dm,) = room.fake.direct_to(person.id)
        assert "Your lease ran out" in room.server.text(dm)


async def test_an_export_to_a_coordinator_who_takes_no_dms_says_how_to_get_it(room):
    await _answered_by(room, _writers(1))
    room.fake.close_dms(room.coordinator.id)
    answered = await room.server.command(
        room.coordinator, "batch", {"batch": 1, "format": "jsonl"}, sub="export"
    )
    shown = room.server.text(room.server.answer(answered))
    assert "403" not in shown and "error code" not in shown, shown
    assert "direct messages" in shown.lower() and "privacy" in shown.lower(), shown


async def test_a_reviewer_who_takes_no_dms_is_told_beside_the_sample_how_to_reject(room):
    submission = await submitted(room)
    review = await posted_sample(room)
    room.fake.close_dms(room.reviewer.id)
    await room.server.react(room.reviewer, review, "❌")
    note = await room.server.wait_for(
        lambda: room.fake.in_channel(room.reviews)[1:], "a note in the review channel"
    )
    shown = room.server.text(note[0])
    assert "rev" in shown and "Privacy Settings" in shown and "/review" in shown, shown
    assert await status_of(room, submission) == "pending"
    room.fake.dms_closed.clear()  # they allow DMs and react again: asked for the reason
    await room.server.react(room.reviewer, review, "❌")
    (ask,) = await room.server.wait_for(
        lambda: room.fake.direct_to(room.reviewer.id), "the request for a reason"
    )
    assert "Why reject" in room.server.text(ask)
