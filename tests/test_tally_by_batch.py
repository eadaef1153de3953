"""The tally adds up per writer across batches of different pay, counting only the period's
submissions and ledger entries (SQLite reads one index range per (writer, batch, status) and per
(writer, ledger kind); both stores must agree)."""

from __future__ import annotations

from datetime import timedelta

from taskbank.models import LedgerKind, Period, Verdict
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


async def test_tally_sums_each_ledger_kind_only_inside_the_period(bank, clock):
    batch = await bank.import_batch(tone_batch(3, pay_cents=40), filename="a.jsonl")
    await bank.add_ledger_entry("cy", LedgerKind.BONUS, 500, "last month")  # before the period
    await bank.add_ledger_entry("ana", LedgerKind.BONUS, 70, "last month")
    clock.advance(minutes=5)
    start = clock.now()
    first = await answer(bank, clock, "ana", batch.id, 60)
    await bank.record_review(first.id, "rev", Verdict.APPROVED)
    await bank.add_ledger_entry("ana", LedgerKind.BONUS, 100, "week", batch.id)
    await bank.add_ledger_entry("ana", LedgerKind.BONUS, 25, "again")
    await bank.add_ledger_entry("ana", LedgerKind.ADJUSTMENT, -15, "fix")
    await bank.add_ledger_entry("ben", LedgerKind.ADJUSTMENT, 30, "fix")
    clock.advance(minutes=1)
    end = clock.now()
    clock.advance(minutes=1)
    await bank.add_ledger_entry("ben", LedgerKind.BONUS, 900, "next week")  # after it
    period = Period(start, end)

    ana, ben = (await bank.tally(period)).lines  # cy has nothing in the period: no line

    assert (ana.writer_id, ana.earned_cents, ana.bonus_cents, ana.adjustment_cents) == (
        "ana", 40, 125, -15,
    )  # fmt: skip
    assert (ben.writer_id, ben.submitted, ben.bonus_cents, ben.adjustment_cents) == (
        "ben", 0, 0, 30,
    )  # fmt: skip
    assert (await bank.tally(period, writer_id="ben")).lines == [ben]
    assert (await bank.tally(period, writer_id="cy")).lines == []
