"""The tally adds up per writer across batches of different pay, counting only the period's
submissions (SQLite reads it per (writer, batch) pair; both stores must agree)."""

from __future__ import annotations

from datetime import timedelta

from taskbank.models import Period, Verdict
from tests.batches import TONE_ANSWER, tone_batch


async def answer(bank, clock, writer, batch_id, seconds):
    """One claim and submit by `writer` in a batch; the submission."""
    claimed = await bank.claim(writer, batch_id=batch_id)
    clock.advance(seconds=seconds)
    result = await bank.submit(
        claimed.assignment.id, writer, TONE_ANSWER, f"{writer}-{batch_id}-{claimed.task.id}"
    )
    return result.submission


async def test_tally_sums_each_writer_over_batches_and_only_inside_the_period(bank, clock):
    cheap = await bank.import_batch(tone_batch(3, name="cheap", pay_cents=40), filename="a.jsonl")
    dear = await bank.import_batch(tone_batch(3, name="dear", pay_cents=250), filename="b.jsonl")
    await answer(bank, clock, "ana", cheap.id, 30)  # before the period
    clock.advance(minutes=5)
    start = clock.now()
    first = await answer(bank, clock, "ana", cheap.id, 60)
    await answer(bank, clock, "ana", dear.id, 120)
    rejected = await answer(bank, clock, "ana", dear.id, 90)
    await answer(bank, clock, "ben", dear.id, 45)
    await bank.record_review(first.id, "rev", Verdict.APPROVED)
    await bank.record_review(rejected.id, "rev", Verdict.REJECTED, "off the brief")
    period = Period(start, clock.now() + timedelta(minutes=1))

    ana, ben = (await bank.tally(period)).lines

    assert (ana.writer_id, ana.submitted, ana.approved, ana.rejected, ana.pending) == (
        "ana", 3, 1, 1, 1,
    )  # fmt: skip
    assert (ana.seconds_on_task, ana.pending_cents, ana.earned_cents) == (270, 250, 40)
    assert (ben.submitted, ben.pending, ben.pending_cents, ben.seconds_on_task) == (1, 1, 250, 45)
    (only_ben,) = (await bank.tally(period, writer_id="ben")).lines
    assert only_ben == ben
