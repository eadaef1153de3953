"""Reviews settle submissions; the ledger is append-only and tallies add up to it."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from taskbank.errors import NotAllowed, ValidationFailed
from taskbank.models import LedgerKind, SubmissionStatus, Verdict
from taskbank.periods import period_containing
from tests.batches import TONE_ANSWER, tone_batch
from tests.inspect_db import query


async def submitted(bank, clock, writers, per_writer=1, seconds=60):
    """Have each writer claim and answer tasks; returns their submissions."""
    results = []
    for writer in writers:
        for _ in range(per_writer):
            claimed = await bank.claim(writer)
            clock.advance(seconds=seconds)
            result = await bank.submit(
                claimed.assignment.id, writer, TONE_ANSWER, f"{writer}-{claimed.task.id}"
            )
            results.append(result.submission)
    return results


async def test_approval_pays_the_batch_rate_into_the_ledger(bank, clock):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    (submission,) = await submitted(bank, clock, ["w1"])
    outcome = await bank.record_review(submission.id, "rev", Verdict.APPROVED)
    assert outcome.recorded
    entries = await bank.store.ledger_entries("w1")
    assert [(e.kind, e.amount_cents, e.submission_id) for e in entries] == [
        (LedgerKind.EARNED, 40, submission.id)
    ]


async def test_a_rejection_needs_a_reason_and_pays_nothing(bank, clock):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    (submission,) = await submitted(bank, clock, ["w1"])
    with pytest.raises(ValidationFailed, match="reason"):
        await bank.record_review(submission.id, "rev", Verdict.REJECTED, "  ")
    outcome = await bank.record_review(
        submission.id, "rev", Verdict.REJECTED, "tone is warm, not tense"
    )
    assert outcome.review.reason == "tone is warm, not tense"
    assert (await bank.store.get_submission(submission.id)).status == SubmissionStatus.REJECTED
    assert await bank.store.ledger_entries("w1") == []


async def test_a_reviewer_never_judges_their_own_work(bank, clock):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    (submission,) = await submitted(bank, clock, ["w1"])
    with pytest.raises(NotAllowed, match="own work"):
        await bank.record_review(submission.id, "w1", Verdict.APPROVED)


async def test_the_first_verdict_stands(bank, clock):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    (submission,) = await submitted(bank, clock, ["w1"])
    await bank.record_review(submission.id, "rev1", Verdict.APPROVED)
    second = await bank.record_review(submission.id, "rev2", Verdict.REJECTED, "no")
    assert not second.recorded and second.review.verdict == Verdict.APPROVED
    assert len(await bank.store.ledger_entries("w1")) == 1


async def test_unreviewed_submissions_are_approved_after_the_window(bank, clock):
    await bank.import_batch(tone_batch(3), filename="b.jsonl")
    old, reviewed, fresh = await submitted(bank, clock, ["w1", "w2", "w3"], seconds=3600)
    await bank.record_review(reviewed.id, "rev", Verdict.REJECTED, "off")
    clock.advance(hours=1.5)
    assert await bank.auto_approve(timedelta(hours=2)) == 1
    assert (await bank.store.get_submission(old.id)).status == SubmissionStatus.APPROVED
    assert (await bank.store.get_submission(fresh.id)).status == SubmissionStatus.PENDING
    review = await bank.store.get_review(old.id)
    assert review.automatic and review.reviewer_id == "auto"


async def test_the_ledger_refuses_updates_and_deletes(bank, store):
    await bank.add_ledger_entry("w1", LedgerKind.BONUS, 500, "great week")
    for statement in ("UPDATE ledger SET amount_cents = 1", "DELETE FROM ledger"):
        with pytest.raises(Exception, match="append-only"):
            await query(store, statement)
    assert [e.amount_cents for e in await bank.store.ledger_entries()] == [500]


async def test_earnings_only_come_from_approvals(bank):
    with pytest.raises(NotAllowed):
        await bank.add_ledger_entry("w1", LedgerKind.EARNED, 100, "sneaky")
    with pytest.raises(ValidationFailed):
        await bank.add_ledger_entry("w1", LedgerKind.BONUS, 100, " ")


async def test_tally_counts_money_and_an_honest_hourly_rate(bank, clock):
    await bank.import_batch(tone_batch(4), filename="b.jsonl")
    a1, a2, b1, _b2 = await submitted(bank, clock, ["ana", "ben"], per_writer=2, seconds=600)
    await bank.record_review(a1.id, "rev", Verdict.APPROVED)
    await bank.record_review(a2.id, "rev", Verdict.REJECTED, "wrong genre")
    await bank.record_review(b1.id, "rev", Verdict.APPROVED)
    await bank.add_ledger_entry("ben", LedgerKind.BONUS, 100, "first week")
    await bank.add_ledger_entry("ben", LedgerKind.ADJUSTMENT, -15, "rounding fix")
    tally = await bank.tally(period_containing(clock.now(), "week"))
    ana, ben = tally.lines
    assert (ana.submitted, ana.approved, ana.rejected, ana.pending) == (2, 1, 1, 0)
    assert (ana.earned_cents, ana.pending_cents, ana.seconds_on_task) == (40, 0, 1200)
    assert ana.effective_hourly_cents == 40 * 3600 // 1200  # rejected time counts: $1.20/h
    assert (ben.approved, ben.pending, ben.pending_cents, ben.total_cents) == (1, 1, 40, 125)
    assert tally.totals.total_cents == 165
    ledger_total = sum(e.amount_cents for e in await bank.store.ledger_entries())
    assert ledger_total == tally.totals.total_cents


async def test_tally_for_one_writer_and_outside_the_period(bank, clock):
    await bank.import_batch(tone_batch(2), filename="b.jsonl")
    await submitted(bank, clock, ["ana", "ben"])
    mine = await bank.tally(period_containing(clock.now(), "day"), writer_id="ana")
    assert [line.writer_id for line in mine.lines] == ["ana"]
    next_week = period_containing(clock.now() + timedelta(days=7), "week")
    assert (await bank.tally(next_week)).lines == []


def test_periods_follow_the_users_time_zone():
    from datetime import UTC, datetime

    moment = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)  # Sunday evening in Los Angeles
    week = period_containing(moment, "week", "America/Los_Angeles")
    assert week.start == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)
    assert week.end == datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # DST ended: a 169-hour week
    month = period_containing(moment, "month", "Europe/Paris")
    assert month.start == datetime(2026, 10, 31, 23, 0, tzinfo=UTC)


async def test_export_carries_provenance_on_every_row(bank, clock):
    batch = await bank.import_batch(tone_batch(2), filename="b.jsonl")
    first, _second = await submitted(bank, clock, ["ana", "ben"], seconds=42)
    await bank.record_review(first.id, "rev", Verdict.REJECTED, "too generous")
    out = io.StringIO()
    count = await bank.export(batch.id, out, "jsonl")
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == 2
    assert records[0]["task_external_id"] == "t-0001"
    assert records[0]["verdict"] == "rejected" and records[0]["review_reason"] == "too generous"
    assert records[0]["template"] == "dialogue_tone" and records[0]["template_version"] == 1
    assert records[1]["reviewed_at"] is None and records[1]["seconds_on_task"] == 42
    assert records[1]["answers"] == {"tone": "tense", "genre": ["noir"], "pacing": 3}
    out = io.StringIO()
    progress = []
    await bank.export(batch.id, out, "csv", progress=progress.append)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert progress == [1, 2]
    # ben by his pseudonym, the same one the JSONL carried
    assert rows[1]["writer"] == records[1]["writer"] != records[0]["writer"]
    assert rows[1]["writer"].startswith("w-") and rows[1]["answer.genre"] == "noir"
    assert rows[0]["submitted_at"].endswith("+00:00")


async def test_samples_spread_across_writers_and_skip_gold_and_sampled(bank, clock):
    await bank.import_batch(tone_batch(12, overlap=1, review_rate=0.5), filename="b.jsonl")
    await submitted(bank, clock, ["ana", "ben", "cy"], per_writer=4)
    sample = await bank.sample_for_review(limit=100)
    assert len(sample) == 6
    per_writer = {w: sum(s.writer_id == w for s in sample) for w in ("ana", "ben", "cy")}
    assert per_writer == {"ana": 2, "ben": 2, "cy": 2}
    assert len(await bank.sample_for_review(limit=100)) == 3  # half of the six left
    assert await bank.next_review("ana") is not None


async def test_next_review_never_offers_the_reviewers_own_work(bank, clock):
    await bank.import_batch(tone_batch(1, review_rate=1.0), filename="b.jsonl")
    await submitted(bank, clock, ["ana"])
    await bank.sample_for_review(limit=10)
    assert await bank.next_review("ana") is None
    assert (await bank.next_review("rev")).writer_id == "ana"
