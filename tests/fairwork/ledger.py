"""Builders for fair-work tests: a writer's day of holds, driven through the bank on its clock."""

from __future__ import annotations

from datetime import timedelta

from taskbank.models import Period, Verdict
from taskbank.periods import period_containing
from taskbank.service import TaskBank
from tests.batches import TONE_ANSWER, tone_batch

WRITER = "test:wendy"
REVIEWER = "test:rita"


async def ledger_sum(bank: TaskBank) -> tuple[int, int, list[tuple[int, int]]]:
    """(row count, total cents, (id, cents) of every row): equal before and after means nothing
    in the ledger was edited or removed."""
    entries = await bank.store.ledger_entries()
    return (
        len(entries),
        sum(e.amount_cents for e in entries),
        [(e.id, e.amount_cents) for e in entries],
    )


async def hold(bank: TaskBank, minutes: float, end: str, writer: str = WRITER) -> int:
    """Claim the next task, keep it `minutes`, then end it: 'skip', 'release', 'expire' or
    'submit'. Returns the assignment id (the submission id too, for 'submit', via the bank)."""
    claimed = await bank.claim(writer)
    aid = claimed.assignment.id
    bank.clock.advance(minutes=minutes)  # type: ignore[attr-defined]
    if end == "skip":
        await bank.skip(aid, writer)
    elif end == "release":
        await bank.release(aid, writer)
    elif end == "expire":
        await bank.expire_leases()
        bank.clock.advance(minutes=5)  # type: ignore[attr-defined]  # time after expiry is not work
    elif end == "submit":
        result = await bank.submit(aid, writer, TONE_ANSWER, f"k{aid}")
        return result.submission.id
    return aid


async def has_worked(bank: TaskBank, writer: str = WRITER) -> None:
    """The writer has claimed a task (and skipped it): work on record, nothing earned."""
    name = f"worked-{writer.rsplit(':', 1)[-1]}"
    await bank.import_batch(tone_batch(1, name=name), filename="worked.jsonl")
    await hold(bank, 1, "skip", writer)


async def forty_seven_minute_writer(bank: TaskBank) -> int:
    """Held tasks 47 minutes in all: skipped 10, released 15, expired after its 20-minute lease,
    and one answered in 2 minutes, approved at $1.00. Returns the approved submission's id."""
    await bank.import_batch(tone_batch(4, pay_cents=100, lease_minutes=20), filename="b.jsonl")
    await hold(bank, 10, "skip")
    await hold(bank, 15, "release")
    await hold(bank, 20, "expire")
    submission_id = await hold(bank, 2, "submit")
    await bank.record_review(submission_id, REVIEWER, Verdict.APPROVED)
    return submission_id


def week_of(bank: TaskBank, offset_days: int = 0) -> Period:
    """The UTC week holding the bank's now, shifted by `offset_days`."""
    return period_containing(bank.now() + timedelta(days=offset_days), "week", "UTC")
